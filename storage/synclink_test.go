package storage

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestSyncLinkRoundTrip(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	links, err := db.SyncLinks()
	if err != nil || len(links) != 0 {
		t.Fatalf("fresh database: links %v, %v", links, err)
	}
	if _, err := db.SyncLink("nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("SyncLink of nothing: %v", err)
	}
	if err := db.SetSyncLink("nope", t.TempDir()); !errors.Is(err, ErrNotFound) {
		t.Fatalf("linking a missing collection: %v", err)
	}

	a := &Collection{Name: "A"}
	b := &Collection{Name: "B"}
	if err := db.CreateCollection(a); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateCollection(b); err != nil {
		t.Fatal(err)
	}
	linkDir := filepath.Join(t.TempDir(), "shop-api")
	if err := db.SetSyncLink(a.ID, linkDir); err != nil {
		t.Fatal(err)
	}
	if err := db.SetSyncLink(b.ID, linkDir+string(filepath.Separator)); !errors.Is(err, ErrInvalid) {
		t.Fatalf("a second collection on the same directory: %v", err)
	}
	l, err := db.SyncLink(a.ID)
	if err != nil || l.Dir != linkDir || l.CollectionID != a.ID {
		t.Fatalf("SyncLink = %+v, %v", l, err)
	}

	if err := db.UpdateSyncFiles(a.ID, map[string]*SyncFile{
		"knock.collection.json": {ID: a.ID, Sum: "aa"},
		"x.knock.json":          {ID: "r1", Sum: "bb", Secrets: map[string]string{"auth.password": "KNOCK_SECRET_PASSWORD"}},
		"Admin/":                {ID: "f1"},
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.UpdateSyncFiles(a.ID, map[string]*SyncFile{"Admin/": nil}); err != nil {
		t.Fatal(err)
	}
	files, err := db.SyncFiles(a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files["x.knock.json"].Secrets["auth.password"] != "KNOCK_SECRET_PASSWORD" || files["knock.collection.json"].Sum != "aa" {
		t.Fatalf("SyncFiles = %+v", files)
	}
	if err := db.UpdateSyncFiles(b.ID, map[string]*SyncFile{"x": {}}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("updating files of an unlinked collection: %v", err)
	}

	// Relinking forgets the old states; the link survives a reopen.
	if err := db.SetSyncLink(a.ID, linkDir); err != nil {
		t.Fatal(err)
	}
	if files, _ := db.SyncFiles(a.ID); len(files) != 0 {
		t.Fatalf("relinking kept %v", files)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if db, err = Open(dir, nil); err != nil {
		t.Fatal(err)
	}
	links, err = db.SyncLinks()
	if err != nil || len(links) != 1 || links[0].Dir != linkDir {
		t.Fatalf("after reopen: %+v, %v", links, err)
	}

	// The local path is in no collection document: exports cannot leak it.
	c, items, err := db.CollectionTree(a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Description != "" || len(items) != 0 {
		t.Fatalf("collection changed: %+v", c)
	}
	raw, err := os.ReadFile(filepath.Join(dir, DBFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte(linkDir)) {
		t.Fatal("the link is not in the database file")
	}

	if err := db.DeleteSyncLink(a.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteSyncLink(a.ID); err != nil {
		t.Fatalf("deleting twice: %v", err)
	}
	if links, _ := db.SyncLinks(); len(links) != 0 {
		t.Fatalf("after unlink: %v", links)
	}
	db.Close()
}
