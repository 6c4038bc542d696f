package foldersync

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/knockhttp/knock/storage"
	"github.com/knockhttp/knock/storage/exchange"
)

// linked returns a syncer with the fixture linked to a fresh directory.
func linked(t *testing.T) (*storage.DB, *fixture, *Syncer, *recorder, string) {
	t.Helper()
	db := openDB(t)
	fx := makeFixture(t, db)
	rec := newRecorder()
	s := newSyncer(t, db, rec)
	dir := filepath.Join(t.TempDir(), "shop-api")
	res, err := s.Link(fx.coll.ID, dir)
	if err != nil {
		t.Fatal(err)
	}
	if res.FromDisk {
		t.Fatal("an empty directory was read instead of written")
	}
	return db, fx, s, rec, dir
}

func TestLinkWritesTheCollection(t *testing.T) {
	db, fx, _, _, dir := linked(t)
	files := readTree(t, dir)
	var names []string
	for p := range files {
		names = append(names, p)
	}
	slices.Sort(names)
	want := []string{"Admin/Delete user.knock.json", "Create order.knock.json", "List orders.knock.json", "knock.collection.json"}
	if !slices.Equal(names, want) {
		t.Fatalf("files %v, want %v", names, want)
	}
	create := string(files[fx.createPath])
	if !strings.Contains(create, `"password": "KNOCK_SECRET_PASSWORD"`) {
		t.Errorf("the password is not named in the file:\n%s", create)
	}
	if !strings.Contains(string(files[exchange.CollectionFileName]), `"secretRef": "KNOCK_SECRET_API_KEY"`) {
		t.Errorf("the secret variable is not named:\n%s", files[exchange.CollectionFileName])
	}
	// No secret value, and no local path (the data directory, the link).
	noSecretsIn(t, dir, db.Dir(), dir, filepath.Dir(dir))

	// The link is in the store, with the state of every path.
	l, err := db.SyncLink(fx.coll.ID)
	if err != nil || l.Dir != dir {
		t.Fatalf("stored link %+v, %v", l, err)
	}
	state, err := db.SyncFiles(fx.coll.ID)
	if err != nil {
		t.Fatal(err)
	}
	if state[fx.createPath].ID != fx.create.ID || state[fx.delPath].ID != fx.del.ID || state[fx.adminDirPath].ID != fx.admin.ID {
		t.Errorf("sync state %+v", state)
	}
	if state[fx.createPath].Sum != exchange.FileSum(files[fx.createPath]) {
		t.Errorf("stored sum %s is not the file's", state[fx.createPath].Sum)
	}
	// The store's secret stayed where it was.
	r := mustRequest(t, db, fx.create.ID)
	if err := db.HydrateRequest(r); err != nil || r.Auth.Params["password"] != passwordValue {
		t.Errorf("stored password %q, %v", r.Auth.Params["password"], err)
	}
}

func TestSaveWritesOneFileChangingOneLine(t *testing.T) {
	db, fx, s, rec, dir := linked(t)
	before := readTree(t, dir)
	r := mustRequest(t, db, fx.list.ID)
	r.URL = "{{base}}/orders/open"
	if err := s.Save(fx.coll.ID, func() error { return db.SaveRequest(r) }); err != nil {
		t.Fatal(err)
	}
	after := readTree(t, dir)
	var changed []string
	for p := range after {
		if string(after[p]) != string(before[p]) {
			changed = append(changed, p)
		}
	}
	if len(changed) != 1 || changed[0] != fx.listPath {
		t.Fatalf("changed files %v, want only %s", changed, fx.listPath)
	}
	oldLines := strings.Split(string(before[fx.listPath]), "\n")
	newLines := strings.Split(string(after[fx.listPath]), "\n")
	if len(oldLines) != len(newLines) {
		t.Fatalf("line count %d -> %d", len(oldLines), len(newLines))
	}
	var diff []string
	for i := range oldLines {
		if oldLines[i] != newLines[i] {
			diff = append(diff, newLines[i])
		}
	}
	if len(diff) != 1 || diff[0] != `  "url": "{{base}}/orders/open",` {
		t.Fatalf("changed lines %q", diff)
	}
	// Our own write is not taken back in as a change from disk.
	if err := s.SyncNow(fx.coll.ID); err != nil {
		t.Fatal(err)
	}
	changes, conflicts, errs := rec.snapshot()
	if len(changes)+len(conflicts)+len(errs) != 0 {
		t.Fatalf("own write came back: %+v %+v %v", changes, conflicts, errs)
	}
	// Saving an unlinked collection only saves.
	if err := s.WriteOut("nope"); !errors.Is(err, ErrNotLinked) {
		t.Errorf("WriteOut of an unlinked collection: %v", err)
	}
}

func TestExternalEditIsStored(t *testing.T) {
	db, fx, _, rec, dir := linked(t)
	oldRef := mustRequest(t, db, fx.create.ID).Auth.SecretRefs["password"]
	editFile(t, dir, fx.createPath, `"url": "{{base}}/orders"`, `"url": "{{base}}/v2/orders"`)
	editFile(t, dir, fx.createPath, `"method": "POST"`, `"method": "PUT"`)
	editFile(t, dir, fx.createPath, `{"key": "Content-Type", "value": "application/json", "enabled": true}`,
		`{"key": "Content-Type", "value": "application/json", "enabled": true},
    {"key": "X-Trace", "value": "abc", "enabled": false}`)
	waitFor(t, "the edit in the store", func() bool { return mustRequest(t, db, fx.create.ID).URL == "{{base}}/v2/orders" })
	r := mustRequest(t, db, fx.create.ID)
	if r.ID != fx.create.ID || r.Method != "PUT" || r.Name != "Create order" {
		t.Errorf("stored %+v", r)
	}
	if len(r.Headers) != 2 || r.Headers[1] != (storage.KeyValue{Key: "X-Trace", Value: "abc"}) {
		t.Errorf("headers %+v", r.Headers)
	}
	if r.Body.Raw != `{"item": 1}` || r.Auth.Params["username"] != "shop" {
		t.Errorf("body or auth lost: %+v %+v", r.Body, r.Auth)
	}
	// The secret reference, and so the value, survived.
	if r.Auth.SecretRefs["password"] != oldRef {
		t.Errorf("secret ref %q, was %q", r.Auth.SecretRefs["password"], oldRef)
	}
	if err := db.HydrateRequest(r); err != nil || r.Auth.Params["password"] != passwordValue {
		t.Errorf("password after sync %q, %v", r.Auth.Params["password"], err)
	}
	waitFor(t, "the change report", func() bool {
		changes, _, _ := rec.snapshot()
		return len(changes) > 0 && slices.Contains(changes[len(changes)-1].Updated, fx.create.ID)
	})
	// The sidebar summary follows too.
	if n, _ := db.Tree(fx.coll.ID); n.Children[1].Method != "PUT" {
		t.Errorf("tree method %q", n.Children[1].Method)
	}
}

func TestNewFileBecomesARequest(t *testing.T) {
	db, fx, _, _, dir := linked(t)
	writeFile(t, dir, "Admin/Health.knock.json", `{
  "format": "knock.request/v1",
  "name": "Health",
  "method": "HEAD",
  "url": "{{base}}/health"
}
`)
	waitFor(t, "the new request", func() bool { return len(childNames(t, db, fx.coll.ID, "Admin")) == 2 })
	if got := childNames(t, db, fx.coll.ID, "Admin"); !slices.Equal(got, []string{"Delete user", "Health"}) {
		t.Fatalf("Admin holds %v", got)
	}
	var id string
	waitFor(t, "the sync state", func() bool {
		state, _ := db.SyncFiles(fx.coll.ID)
		id = state["Admin/Health.knock.json"].ID
		return id != ""
	})
	r := mustRequest(t, db, id)
	if r.Method != "HEAD" || r.URL != "{{base}}/health" {
		t.Errorf("new request %+v", r)
	}
	// A new sub-directory is watched as it appears.
	writeFile(t, dir, "Reports/Daily/Sales.knock.json", `{"format": "knock.request/v1", "name": "Sales", "url": "https://x/sales"}`)
	waitFor(t, "the new folders", func() bool {
		n, err := db.Tree(fx.coll.ID)
		for _, name := range []string{"Reports", "Daily", "Sales"} {
			if err != nil || n == nil {
				return false
			}
			var next *storage.Node
			for _, c := range n.Children {
				if c.Name == name {
					next = c
				}
			}
			n = next
		}
		return n != nil
	})
}

func TestDeletedFileGoesToTheTrash(t *testing.T) {
	db, fx, _, rec, dir := linked(t)
	if err := os.Remove(filepath.Join(dir, filepath.FromSlash(fx.listPath))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the removal", func() bool {
		_, err := db.Request(fx.list.ID)
		return errors.Is(err, storage.ErrNotFound)
	})
	trash, err := db.Trash()
	if err != nil || len(trash) != 1 || trash[0].ItemID != fx.list.ID {
		t.Fatalf("trash %+v, %v", trash, err)
	}
	waitFor(t, "the change report", func() bool {
		changes, _, _ := rec.snapshot()
		for _, c := range changes {
			if slices.Contains(c.Removed, fx.list.ID) && slices.Contains(c.Trash, trash[0].ID) {
				return true
			}
		}
		return false
	})
	// Undo: restore, and the next write brings the file back.
	if err := db.Restore(trash[0].ID); err != nil {
		t.Fatal(err)
	}
	// A folder removed (its directory, and its entry in the collection
	// file, where its metadata lives) goes with what it holds.
	if err := os.RemoveAll(filepath.Join(dir, "Admin")); err != nil {
		t.Fatal(err)
	}
	rewriteCollection(t, dir, func(m map[string]any) {
		items := m["items"].([]any)
		m["items"] = items[:len(items)-1]
	})
	waitFor(t, "the folder removal", func() bool {
		_, err := db.Folder(fx.admin.ID)
		return errors.Is(err, storage.ErrNotFound)
	})
	if _, err := db.Request(fx.del.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("the request inside stayed: %v", err)
	}
}

func TestCollectionFileChangesApply(t *testing.T) {
	db, fx, _, _, dir := linked(t)
	editFile(t, dir, exchange.CollectionFileName,
		`    {"request": "List orders.knock.json"},
    {"request": "Create order.knock.json"},`,
		`    {"request": "Create order.knock.json"},
    {"request": "List orders.knock.json"},`)
	editFile(t, dir, exchange.CollectionFileName, `"value": "https://shop.example"`, `"value": "https://staging.shop.example"`)
	waitFor(t, "the new order", func() bool {
		return slices.Equal(childNames(t, db, fx.coll.ID), []string{"Create order", "List orders", "Admin"})
	})
	c, err := db.Collection(fx.coll.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Variables[0].Value != "https://staging.shop.example" {
		t.Errorf("variable %+v", c.Variables[0])
	}
	// The secret variable kept its stored value.
	if err := db.HydrateCollection(c); err != nil || c.Variables[1].Value != apiKeyValue {
		t.Errorf("secret variable %+v, %v", c.Variables[1], err)
	}
	// Folder metadata: the folder's auth and its name.
	editFile(t, dir, exchange.CollectionFileName, `"name": "Admin",`, `"name": "Administration",`)
	editFile(t, dir, exchange.CollectionFileName, `"type": "none"`, `"type": "inherit"`)
	waitFor(t, "the folder change", func() bool {
		f, err := db.Folder(fx.admin.ID)
		return err == nil && f.Name == "Administration"
	})
	if f, _ := db.Folder(fx.admin.ID); f.Auth.Type != storage.AuthInherit {
		t.Errorf("folder auth %+v", f.Auth)
	}
}

func TestMalformedFileLeavesTheStoreAlone(t *testing.T) {
	db, fx, s, rec, dir := linked(t)
	before := mustRequest(t, db, fx.list.ID)
	good := readFile(t, dir, fx.listPath)
	broken := strings.Replace(good, `  "url": "{{base}}/orders",`, `<<<<<<< HEAD
  "url": "{{base}}/orders/mine",
=======
  "url": "{{base}}/orders/theirs",
>>>>>>> origin/main`, 1)
	writeFile(t, dir, fx.listPath, broken)
	var syncErr *SyncError
	waitFor(t, "the error", func() bool {
		_, _, errs := rec.snapshot()
		return len(errs) > 0 && errors.As(errs[0], &syncErr)
	})
	msg := syncErr.Error()
	if syncErr.Path != fx.listPath || !strings.Contains(msg, fx.listPath) || !strings.Contains(msg, "line 5") {
		t.Fatalf("error %q (path %q) does not name the file and line", msg, syncErr.Path)
	}
	if after := mustRequest(t, db, fx.list.ID); !sameJSON(before, after) {
		t.Fatalf("the store changed: %+v", after)
	}
	// A save meanwhile does not overwrite the broken file.
	c, _ := db.Collection(fx.coll.ID)
	c.Description = "saved while broken"
	if err := s.Save(fx.coll.ID, func() error { return db.SaveCollection(c) }); err != nil {
		t.Fatal(err)
	}
	if readFile(t, dir, fx.listPath) != broken {
		t.Fatal("the broken file was overwritten")
	}
	// The fix is applied, and the error is not repeated meanwhile.
	writeFile(t, dir, fx.listPath, strings.Replace(good, `"{{base}}/orders"`, `"{{base}}/orders/theirs"`, 1))
	waitFor(t, "the fix", func() bool { return mustRequest(t, db, fx.list.ID).URL == "{{base}}/orders/theirs" })
	waitFor(t, "the recovery report", func() bool {
		changes, _, _ := rec.snapshot()
		for _, c := range changes {
			if c.Recovered {
				return true
			}
		}
		return false
	})
	if _, _, errs := rec.snapshot(); len(errs) != 1 {
		t.Errorf("errors %v", errs)
	}
}

func TestConflictWithUnsavedTab(t *testing.T) {
	db, fx, s, rec, dir := linked(t)
	rec.setDirty(fx.list.ID, true)
	editFile(t, dir, fx.listPath, `"url": "{{base}}/orders"`, `"url": "{{base}}/orders/disk"`)
	waitFor(t, "the conflict", func() bool {
		_, conflicts, _ := rec.snapshot()
		return len(conflicts) == 1
	})
	_, conflicts, _ := rec.snapshot()
	c := conflicts[0]
	if c.NodeID != fx.list.ID || c.CollectionID != fx.coll.ID || c.Path != fx.listPath || c.DiskRequest == nil || c.DiskRequest.URL != "{{base}}/orders/disk" {
		t.Fatalf("conflict %+v", c)
	}
	if got := mustRequest(t, db, fx.list.ID).URL; got != "{{base}}/orders" {
		t.Fatalf("the store took the disk version: %s", got)
	}
	// The tab saves: the store has the user's version, the disk keeps its own.
	mine := mustRequest(t, db, fx.list.ID)
	mine.URL = "{{base}}/orders/mine"
	if err := s.Save(fx.coll.ID, func() error { return db.SaveRequest(mine) }); err != nil {
		t.Fatal(err)
	}
	rec.setDirty(fx.list.ID, false)
	if !strings.Contains(readFile(t, dir, fx.listPath), "/orders/disk") {
		t.Fatal("a save overwrote the disk version during a conflict")
	}
	if err := s.SyncNow(fx.coll.ID); err != nil {
		t.Fatal(err)
	}
	if got := mustRequest(t, db, fx.list.ID).URL; got != "{{base}}/orders/mine" {
		t.Fatalf("a sync during the conflict applied the disk: %s", got)
	}
	if len(s.Conflicts(fx.coll.ID)) != 1 {
		t.Fatalf("open conflicts %+v", s.Conflicts(fx.coll.ID))
	}

	// Keep mine: the file gets the store's version.
	if err := s.ResolveKeepMine(fx.list.ID); err != nil {
		t.Fatal(err)
	}
	if f := readFile(t, dir, fx.listPath); !strings.Contains(f, "/orders/mine") {
		t.Fatalf("keep mine wrote:\n%s", f)
	}
	if err := s.ResolveKeepMine(fx.list.ID); !errors.Is(err, ErrNoConflict) {
		t.Errorf("resolving twice: %v", err)
	}

	// Another conflict; take the disk this time.
	rec.setDirty(fx.list.ID, true)
	editFile(t, dir, fx.listPath, `/orders/mine"`, `/orders/disk2"`)
	waitFor(t, "the second conflict", func() bool { return len(s.Conflicts(fx.coll.ID)) == 1 })
	if err := s.ResolveTakeDisk(fx.list.ID); err != nil {
		t.Fatal(err)
	}
	rec.setDirty(fx.list.ID, false)
	if got := mustRequest(t, db, fx.list.ID).URL; got != "{{base}}/orders/disk2" {
		t.Fatalf("take disk stored %s", got)
	}
	if len(s.Conflicts("")) != 0 {
		t.Fatalf("conflicts left %+v", s.Conflicts(""))
	}
	// A file deleted on disk while its tab is dirty is a conflict too.
	rec.setDirty(fx.del.ID, true)
	if err := os.Remove(filepath.Join(dir, filepath.FromSlash(fx.delPath))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the deletion conflict", func() bool {
		cs := s.Conflicts(fx.coll.ID)
		return len(cs) == 1 && cs[0].Deleted && cs[0].NodeID == fx.del.ID
	})
	if _, err := db.Request(fx.del.ID); err != nil {
		t.Fatalf("the dirty request was removed: %v", err)
	}
	if err := s.ResolveKeepMine(fx.del.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(fx.delPath))); err != nil {
		t.Fatalf("keep mine did not bring the file back: %v", err)
	}
}

func TestRenamedFileKeepsItsNode(t *testing.T) {
	db, fx, _, _, dir := linked(t)
	// git mv: same content, new place.
	if err := os.Rename(filepath.Join(dir, filepath.FromSlash(fx.listPath)), filepath.Join(dir, "Admin", "List orders.knock.json")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the move", func() bool { return len(childNames(t, db, fx.coll.ID, "Admin")) == 2 })
	if loc, err := db.Locate(fx.list.ID); err != nil || loc.ParentID != fx.admin.ID {
		t.Fatalf("the moved request %+v, %v", loc, err)
	}
	if trash, _ := db.Trash(); len(trash) != 0 {
		t.Errorf("a move went through the trash: %+v", trash)
	}
	// A rename by another Knock: the name changes, and so does the file's.
	old := readFile(t, dir, fx.createPath)
	if err := os.Remove(filepath.Join(dir, filepath.FromSlash(fx.createPath))); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "Place order.knock.json", strings.Replace(old, `"name": "Create order"`, `"name": "Place order"`, 1))
	waitFor(t, "the rename", func() bool { return mustRequest(t, db, fx.create.ID).Name == "Place order" })
}

func TestResumeTakesInOfflineChanges(t *testing.T) {
	db, fx, s, _, dir := linked(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	editFile(t, dir, fx.listPath, `"method": "GET"`, `"method": "OPTIONS"`)
	rec := newRecorder()
	s2 := newSyncer(t, db, rec)
	if err := s2.Resume(); err != nil {
		t.Fatal(err)
	}
	if got := mustRequest(t, db, fx.list.ID).Method; got != "OPTIONS" {
		t.Fatalf("method after resume %s", got)
	}
	if d, ok := s2.Linked(fx.coll.ID); !ok || d != dir {
		t.Fatalf("Linked = %q, %v", d, ok)
	}
	// And the watch goes on.
	editFile(t, dir, fx.listPath, `"method": "OPTIONS"`, `"method": "GET"`)
	waitFor(t, "the watched edit", func() bool { return mustRequest(t, db, fx.list.ID).Method == "GET" })
	if err := s2.Unlink(fx.coll.ID); err != nil {
		t.Fatal(err)
	}
	if links, _ := db.SyncLinks(); len(links) != 0 {
		t.Fatalf("links after unlink %+v", links)
	}
}

func TestLinkFromDiskKeepsMatchingNodesAndAsksForSecrets(t *testing.T) {
	db, fx, s, _, dir := linked(t)
	if err := s.Unlink(fx.coll.ID); err != nil {
		t.Fatal(err)
	}
	// Meanwhile the directory changed: a request edited, one removed,
	// one added with a secret this machine does not have.
	editFile(t, dir, fx.createPath, `"url": "{{base}}/orders"`, `"url": "{{base}}/orders/new"`)
	if err := os.Remove(filepath.Join(dir, filepath.FromSlash(fx.listPath))); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "Refund.knock.json", `{
  "format": "knock.request/v1",
  "name": "Refund",
  "method": "POST",
  "url": "{{base}}/refunds",
  "auth": {
    "type": "bearer",
    "secretRefs": {
      "token": "KNOCK_SECRET_REFUND_TOKEN"
    }
  }
}
`)
	var asked []string
	s2, err := New(db, Options{Debounce: time.Hour, SecretLookup: func(name string) (string, bool) {
		asked = append(asked, name)
		return "from-the-environment", name != "KNOCK_SECRET_API_KEY"
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	res, err := s2.Link(fx.coll.ID, dir)
	if err != nil {
		t.Fatal(err)
	}
	if !res.FromDisk || !slices.Contains(res.Change.Updated, fx.create.ID) || !slices.Contains(res.Change.Removed, fx.list.ID) || len(res.Change.Added) != 1 {
		t.Fatalf("link from disk: %+v", res.Change)
	}
	r := mustRequest(t, db, fx.create.ID)
	if r.URL != "{{base}}/orders/new" {
		t.Errorf("URL %s", r.URL)
	}
	// A place the store already had a secret for keeps it.
	if err := db.HydrateRequest(r); err != nil || r.Auth.Params["password"] != passwordValue {
		t.Errorf("password %q, %v", r.Auth.Params["password"], err)
	}
	// The new request's token came from the lookup.
	refund := mustRequest(t, db, res.Change.Added[0])
	if err := db.HydrateRequest(refund); err != nil || refund.Auth.Params["token"] != "from-the-environment" {
		t.Errorf("token %q, %v (asked %v)", refund.Auth.Params["token"], err, asked)
	}
	// The delete user request matched by path and kept its ID.
	if _, err := db.Request(fx.del.ID); err != nil {
		t.Errorf("a request at the same path lost its node: %v", err)
	}

	// A teammate gives the password a name of its own: this machine's
	// value no longer applies, and the new one is asked for.
	asked = nil
	editFile(t, dir, fx.createPath, `"KNOCK_SECRET_PASSWORD"`, `"KNOCK_SECRET_SHOP_PASSWORD"`)
	if err := s2.SyncNow(fx.coll.ID); err != nil {
		t.Fatal(err)
	}
	r = mustRequest(t, db, fx.create.ID)
	if err := db.HydrateRequest(r); err != nil || r.Auth.Params["password"] != "from-the-environment" || !slices.Equal(asked, []string{"KNOCK_SECRET_SHOP_PASSWORD"}) {
		t.Errorf("password %q, %v (asked %v)", r.Auth.Params["password"], err, asked)
	}
	// Writing out keeps the files' names, and no value.
	if err := s2.WriteOut(fx.coll.ID); err != nil {
		t.Fatal(err)
	}
	if f := readFile(t, dir, fx.createPath); !strings.Contains(f, `"password": "KNOCK_SECRET_SHOP_PASSWORD"`) {
		t.Errorf("the name changed on write:\n%s", f)
	}
	if f := readFile(t, dir, "Refund.knock.json"); !strings.Contains(f, `"token": "KNOCK_SECRET_REFUND_TOKEN"`) {
		t.Errorf("the name changed on write:\n%s", f)
	}
	noSecretsIn(t, dir, "from-the-environment")
}

func TestCloseLeavesNoGoroutine(t *testing.T) {
	db := openDB(t)
	fx := makeFixture(t, db)
	before := runtime.NumGoroutine()
	s, err := New(db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Link(fx.coll.ID, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("a second Close: %v", err)
	}
	if err := s.WriteOut(fx.coll.ID); !errors.Is(err, ErrClosed) {
		t.Errorf("WriteOut after Close: %v", err)
	}
	waitFor(t, "the goroutines to end", func() bool { return runtime.NumGoroutine() <= before })
}

// TestLinkedDirectoryRemovedAndRecreated: the linked directory is deleted
// (the store keeps every request, and the sync reports the directory
// missing), then comes back with an edited request, as after rm -rf and a
// new clone; the running syncer sees it come back and takes the edit in.
func TestLinkedDirectoryRemovedAndRecreated(t *testing.T) {
	db, fx, _, rec, dir := linked(t)
	saved := readTree(t, dir)
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the missing directory reported", func() bool {
		_, _, errs := rec.snapshot()
		return len(errs) > 0 && errors.Is(errs[len(errs)-1], fs.ErrNotExist)
	})
	if n := childNames(t, db, fx.coll.ID); len(n) == 0 {
		t.Fatal("the store lost the collection's items when the directory went")
	}
	if r := mustRequest(t, db, fx.create.ID); r.URL != "{{base}}/orders" {
		t.Fatalf("request changed while the directory was gone: %q", r.URL)
	}
	// Back, as a clone writes it: the directory first, then its files.
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for rel, data := range saved {
		if rel == fx.createPath {
			data = bytes.Replace(data, []byte(`"url": "{{base}}/orders"`), []byte(`"url": "{{base}}/v3/orders"`), 1)
		}
		writeFile(t, dir, rel, string(data))
	}
	waitFor(t, "the edit made in the new directory", func() bool {
		return mustRequest(t, db, fx.create.ID).URL == "{{base}}/v3/orders"
	})
	// And the new directory is watched: a later edit arrives too.
	editFile(t, dir, fx.createPath, `"url": "{{base}}/v3/orders"`, `"url": "{{base}}/v4/orders"`)
	waitFor(t, "a later edit", func() bool { return mustRequest(t, db, fx.create.ID).URL == "{{base}}/v4/orders" })
}
