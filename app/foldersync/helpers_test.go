package foldersync

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/knockhttp/knock/storage"
	"github.com/knockhttp/knock/storage/secrets"
)

// The secret values the fixture holds; no file may ever contain them.
const (
	passwordValue = "s3cret-Pa55word-xyz"
	apiKeyValue   = "live-api-key-0987654321"
)

// waitLimit bounds every wait of these tests.
const waitLimit = 10 * time.Second

// openDB opens a real database in a temporary directory with a session
// secret store (these tests are about files, not the keyring).
func openDB(t *testing.T) *storage.DB {
	t.Helper()
	db, err := storage.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	db.SetSecrets(secrets.NewSession())
	t.Cleanup(func() { db.Close() })
	return db
}

// fixture is a collection with a request holding a secret, a folder and
// a secret collection variable.
type fixture struct {
	coll                  *storage.Collection
	list, create, del     *storage.Request
	admin                 *storage.Folder
	listPath, createPath  string
	delPath, adminDirPath string
}

func makeFixture(t *testing.T, db *storage.DB) *fixture {
	t.Helper()
	f := &fixture{
		coll: &storage.Collection{Name: "Shop API", Variables: []storage.Variable{
			{Key: "base", Value: "https://shop.example", Enabled: true},
			{Key: "apiKey", Value: apiKeyValue, Enabled: true, Secret: true},
		}},
		list: &storage.Request{Name: "List orders", Method: "GET", URL: "{{base}}/orders",
			Params: []storage.KeyValue{{Key: "limit", Value: "10", Enabled: true}}},
		create: &storage.Request{Name: "Create order", Method: "POST", URL: "{{base}}/orders",
			Headers: []storage.KeyValue{{Key: "Content-Type", Value: "application/json", Enabled: true}},
			Body:    storage.Body{Mode: storage.BodyRaw, Raw: `{"item": 1}`, ContentType: "application/json"},
			Auth:    storage.AuthSpec{Type: "basic", Params: map[string]string{"username": "shop", "password": passwordValue}}},
		admin: &storage.Folder{Name: "Admin", Auth: storage.AuthSpec{Type: storage.AuthNone}},
		del:   &storage.Request{Name: "Delete user", Method: "DELETE", URL: "{{base}}/users/1"},
	}
	if err := db.CreateCollectionTree(f.coll, []storage.TreeItem{
		{Request: f.list},
		{Request: f.create},
		{Folder: f.admin, Children: []storage.TreeItem{{Request: f.del}}},
	}); err != nil {
		t.Fatal(err)
	}
	f.listPath, f.createPath = "List orders.knock.json", "Create order.knock.json"
	f.adminDirPath, f.delPath = "Admin/", "Admin/Delete user.knock.json"
	return f
}

// recorder gathers what the callbacks were told.
type recorder struct {
	mu        sync.Mutex
	dirty     map[string]bool
	changes   []Change
	conflicts []Conflict
	errs      []error
}

func newRecorder() *recorder { return &recorder{dirty: map[string]bool{}} }

func (r *recorder) callbacks() Callbacks {
	return Callbacks{
		Dirty: func(id string) bool {
			r.mu.Lock()
			defer r.mu.Unlock()
			return r.dirty[id]
		},
		Changed: func(c Change) {
			r.mu.Lock()
			r.changes = append(r.changes, c)
			r.mu.Unlock()
		},
		Conflict: func(c Conflict) {
			r.mu.Lock()
			r.conflicts = append(r.conflicts, c)
			r.mu.Unlock()
		},
		Error: func(err error) {
			r.mu.Lock()
			r.errs = append(r.errs, err)
			r.mu.Unlock()
		},
	}
}

func (r *recorder) setDirty(id string, v bool) {
	r.mu.Lock()
	r.dirty[id] = v
	r.mu.Unlock()
}

func (r *recorder) snapshot() (changes []Change, conflicts []Conflict, errs []error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Change(nil), r.changes...), append([]Conflict(nil), r.conflicts...), append([]error(nil), r.errs...)
}

func newSyncer(t *testing.T, db *storage.DB, rec *recorder) *Syncer {
	t.Helper()
	s, err := New(db, Options{Callbacks: rec.callbacks(), Debounce: 60 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// waitFor polls cond until it holds or waitLimit passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", waitLimit, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// readTree returns every file under dir (hidden ones left out), by slash
// path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && p != dir {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			rel, _ := filepath.Rel(dir, p)
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[filepath.ToSlash(rel)] = data
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// noSecretsIn fails when any file under dir holds a secret value or a
// local path.
func noSecretsIn(t *testing.T, dir string, alsoForbidden ...string) {
	t.Helper()
	forbidden := append([]string{passwordValue, apiKeyValue}, alsoForbidden...)
	for p, data := range readTree(t, dir) {
		for _, f := range forbidden {
			if f != "" && bytes.Contains(data, []byte(f)) {
				t.Errorf("%s holds %q", p, f)
			}
		}
	}
}

// writeFile writes a file in place (as an editor or git would).
func writeFile(t *testing.T, dir, rel, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// rewriteCollection changes knock.collection.json through its JSON form.
func rewriteCollection(t *testing.T, dir string, change func(m map[string]any)) {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(readFile(t, dir, "knock.collection.json")), &m); err != nil {
		t.Fatal(err)
	}
	change(m)
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "knock.collection.json", string(data)+"\n")
}

func readFile(t *testing.T, dir, rel string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// editFile replaces old by new in a file, which must contain it.
func editFile(t *testing.T, dir, rel, old, new string) {
	t.Helper()
	s := readFile(t, dir, rel)
	if !strings.Contains(s, old) {
		t.Fatalf("%s does not contain %q:\n%s", rel, old, s)
	}
	writeFile(t, dir, rel, strings.Replace(s, old, new, 1))
}

func mustRequest(t *testing.T, db *storage.DB, id string) *storage.Request {
	t.Helper()
	r, err := db.Request(id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// childNames lists the names under a node of the tree.
func childNames(t *testing.T, db *storage.DB, collID string, path ...string) []string {
	t.Helper()
	n, err := db.Tree(collID)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range path {
		var next *storage.Node
		for _, c := range n.Children {
			if c.Name == p {
				next = c
			}
		}
		if next == nil {
			t.Fatalf("no %q in the tree", p)
		}
		n = next
	}
	var out []string
	for _, c := range n.Children {
		out = append(out, c.Name)
	}
	return out
}
