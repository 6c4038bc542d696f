package workspace

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/knockhttp/knock/app/foldersync"
	"github.com/knockhttp/knock/storage"
)

func TestSaveWritesTheLinkedFolder(t *testing.T) {
	w, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	w.UseSession()
	c := &storage.Collection{Name: "API"}
	if err := w.DB.CreateCollection(c); err != nil {
		t.Fatal(err)
	}
	r := &storage.Request{Name: "Ping", Method: "GET", URL: "https://example.test/ping"}
	if err := w.DB.CreateRequest(c.ID, r); err != nil {
		t.Fatal(err)
	}
	// Without a syncer, saving only saves.
	r.URL = "https://example.test/ping?1"
	if err := w.SaveRequest(r); err != nil {
		t.Fatal(err)
	}
	s, err := w.StartSync(foldersync.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := w.StartSync(foldersync.Options{}); again != s {
		t.Fatal("a second StartSync made a second syncer")
	}
	dir := filepath.Join(t.TempDir(), "api")
	if _, err := s.Link(c.ID, dir); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "Ping.knock.json")
	r.URL = "https://example.test/ping?2"
	if err := w.SaveRequest(r); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(file); err != nil || !strings.Contains(string(data), "ping?2") {
		t.Fatalf("the file after a save: %s, %v", data, err)
	}
	if err := w.Change(r.ID, func() error { _, err := w.DB.Delete(r.ID); return err }); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(file); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the file of a deleted request stayed: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if w.Syncer() != nil {
		t.Fatal("the syncer survived Close")
	}
}
