package exchange

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/knockhttp/knock/storage"
)

// FuzzBrunoFolder: a Bruno folder whose bruno.json, folder.bru and
// request file hold any bytes imports whole, with what it could not read
// reported, or fails with an error; it never panics, and every request
// it returns has a name.
func FuzzBrunoFolder(f *testing.F) {
	f.Add([]byte(`{"version": "1", "name": "x", "type": "collection"}`), []byte("meta {\n  name: F\n  seq: 2\n}\n"), []byte("meta {\n  name: R\n  seq: 1\n}\n\nget {\n  url: https://x\n}\n"))
	f.Add([]byte(`{"name": 1}`), []byte("meta {\n  seq: x\n"), []byte("meta {\n  type: ws\n}\n"))
	f.Add([]byte(`{}`), []byte(""), []byte("meta {\n  seq: 1e99\n}\nget {\n  url: y\n}\n"))
	f.Fuzz(func(t *testing.T, cfg, folder, request []byte) {
		dir := t.TempDir()
		sub := filepath.Join(dir, "sub")
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, data := range map[string][]byte{"bruno.json": cfg, "sub/folder.bru": folder, "sub/r.bru": request, "top.bru": request} {
			if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		res, err := ImportBrunoFolder(dir)
		if (res == nil) == (err == nil) {
			t.Fatalf("result %v and error %v", res, err)
		}
		if err != nil {
			return
		}
		if res.Collection == nil || res.Collection.Name == "" {
			t.Fatalf("a collection without a name: %+v", res.Collection)
		}
		var check func(items []storage.TreeItem)
		check = func(items []storage.TreeItem) {
			for _, it := range items {
				switch {
				case it.Folder != nil && it.Folder.Name != "":
					check(it.Children)
				case it.Request != nil && it.Request.Name != "":
				default:
					t.Fatalf("an item without a name: %+v", it)
				}
			}
		}
		check(res.Items)
	})
}
