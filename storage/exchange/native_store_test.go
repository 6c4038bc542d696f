package exchange

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/knockhttp/knock/storage"
	"github.com/knockhttp/knock/storage/secrets"
)

// TestNativeImportIntoStore saves imports the way the window and the
// command line do (one CreateCollectionTree call) into a real database:
// secrets go to the secret store and never into bbolt, and an import that
// fails leaves the store as it was.
func TestNativeImportIntoStore(t *testing.T) {
	store := secrets.NewSession()
	db, err := storage.Open(t.TempDir(), &storage.Options{Secrets: store, BackupInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	// A Postman collection with a password in it.
	path := filepath.Join(nativeCorpusDir(t), "postman", "collections", "Basic_Auth_Folder.postman_collection.json")
	res, err := Import(path, nativeReadFile(t, path), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateCollectionTree(res.Collection, res.Items); err != nil {
		t.Fatal(err)
	}
	tree, err := db.Tree(res.Collection.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n := nativeCountNodes(tree); n != 8 {
		t.Errorf("%d requests saved, want 8", n)
	}
	own := nativeMust(t, res, "Own Auth")
	saved, err := db.Request(own.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := saved.Auth.Params["password"]; ok || saved.Auth.SecretRefs["password"] == "" {
		t.Errorf("the password must be in the secret store, not the document: %+v", saved.Auth)
	}
	if v, err := store.Get(saved.Auth.SecretRefs["password"]); err != nil || v != "johndoe1" {
		t.Errorf("secret store: %q, %v", v, err)
	}

	// A native folder whose secrets the user typed in.
	c, items := nativeFullCollection()
	dir := t.TempDir()
	if _, err := ExportNativeFolder(dir, c, items); err != nil {
		t.Fatal(err)
	}
	res2, err := ImportNativeFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	res2.FillSecrets(nativeFill(map[string]string{"KNOCK_SECRET_PASSWORD": "typed-in"}))
	if err := db.CreateCollectionTree(res2.Collection, res2.Items); err != nil {
		t.Fatalf("an import with unanswered secrets must still save: %v", err)
	}
	first, err := db.Request(res2.Items[0].Request.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.HydrateRequest(first); err != nil && !errors.Is(err, storage.ErrSecretMissing) {
		t.Fatal(err)
	}
	nativeEq(t, "typed secret saved", first.Auth.Params["password"], "typed-in")

	// A broken file: no result, nothing saved.
	before, _ := db.Collections()
	bad := strings.Replace(string(nativeReadFile(t, path)), `"url": {`, `"url": 7, "x": {`, 1)
	res3, err := Import(path, []byte(bad), "")
	if err == nil || res3 != nil {
		t.Fatalf("got %v, %v", res3, err)
	}
	after, _ := db.Collections()
	if len(after) != len(before) {
		t.Errorf("a failed import changed the store: %d collections, then %d", len(before), len(after))
	}
}

func nativeCountNodes(n *storage.Node) int {
	c := 0
	if n.Kind == storage.KindRequest {
		c++
	}
	for _, k := range n.Children {
		c += nativeCountNodes(k)
	}
	return c
}

// TestNativeLoadCollectionExport saves a collection with secrets, loads it
// back from the database and exports it: the folder carries references
// only, equal secrets share a name, and it imports back.
func TestNativeLoadCollectionExport(t *testing.T) {
	store := secrets.NewSession()
	db, err := storage.Open(t.TempDir(), &storage.Options{Secrets: store, BackupInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, items := nativeFullCollection()
	if err := db.CreateCollectionTree(c, items); err != nil {
		t.Fatal(err)
	}
	for _, hydrate := range []bool{true, false} {
		lc, litems, err := LoadCollection(db, c.ID, hydrate)
		if err != nil {
			t.Fatal(err)
		}
		if Requests(litems) != 7 || litems[1].Folder == nil || litems[1].Folder.Name != "Users/Admin" {
			t.Fatalf("loaded tree: %s", nativeJSON(litems))
		}
		dir := t.TempDir()
		exp, err := ExportNativeFolder(dir, lc, litems)
		if err != nil {
			t.Fatal(err)
		}
		nativeAssertNoSecrets(t, dir)
		if hydrate && len(exp.Secrets) != len(nativeExpectedSecrets) {
			t.Errorf("hydrated: %d names, want %d: %v", len(exp.Secrets), len(nativeExpectedSecrets), exp.Secrets)
		}
		res, err := ImportNativeFolder(dir)
		if err != nil {
			t.Fatal(err)
		}
		if hydrate {
			res.FillSecrets(nativeFill(nativeExpectedSecrets))
			_, fresh := nativeFullCollection() // CreateCollectionTree wrote store references into items
			nativeCompareTrees(t, "", res.Items, fresh)
		}
		data, _, err := ExportPostman(lc, litems)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range nativeSecretValues {
			if strings.Contains(string(data), s) {
				t.Errorf("the Postman export holds %q", s)
			}
		}
	}
}
