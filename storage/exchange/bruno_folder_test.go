package exchange

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/knockhttp/knock/storage"
	"github.com/knockhttp/knock/storage/secrets"
)

func itemNames(items []storage.TreeItem) []string {
	var out []string
	for _, it := range items {
		if it.Folder != nil {
			out = append(out, it.Folder.Name+"/")
		} else {
			out = append(out, it.Request.Name)
		}
	}
	return out
}

func TestImportBrunoFolder(t *testing.T) {
	dir := "testdata/bruno-folder"
	if !IsBrunoFolder(dir) || IsBrunoFolder("testdata") {
		t.Fatal("IsBrunoFolder")
	}
	res, err := ImportBrunoFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	c := res.Collection
	if c.Name != "bruno-testbench" || c.Auth.Type != "bearer" || c.Auth.Params["token"] != "{{bearer_auth_token}}" {
		t.Errorf("collection %+v", c)
	}
	if len(c.Headers) != 3 || c.Headers[2].Key != "collection-header" || len(c.Variables) != 7 || !strings.Contains(c.Description, "bruno-testbench") {
		t.Errorf("collection headers %+v, variables %d, docs %q", c.Headers, len(c.Variables), c.Description)
	}
	if n := Requests(res.Items); n != 6 {
		t.Errorf("%d requests, want 6", n)
	}
	// Folders: Auth has a seq and comes first; the others by name.
	if got := itemNames(res.Items); !slices.Equal(got, []string{"Auth/", "digest/", "echo/"}) {
		t.Fatalf("top level %v", got)
	}
	auth := res.Items[0]
	if auth.Folder.Auth.Type != "basic" || auth.Folder.Auth.Params["username"] != "folder-user" {
		t.Errorf("folder auth %+v", auth.Folder.Auth)
	}
	// Requests by meta seq: Bearer 1, Basic 2, Inherited 3.
	if got := itemNames(auth.Children); !slices.Equal(got, []string{"Bearer Auth 200", "Basic Auth 200", "Inherited from the folder"}) {
		t.Errorf("Auth holds %v", got)
	}
	if got := itemNames(res.Items[2].Children); !slices.Equal(got, []string{"echo multipart", "echo form-url-encoded"}) {
		t.Errorf("echo holds %v", got)
	}
	digest := res.Items[1]
	if digest.Folder.Auth.Type != storage.AuthInherit || digest.Children[0].Request.Auth.Type != "digest" {
		t.Errorf("digest folder %+v, request %+v", digest.Folder.Auth, digest.Children[0].Request.Auth)
	}
	// The environment: plain values kept, secrets flagged with no value.
	if len(res.Environments) != 1 || res.Environments[0].Name != "Local" {
		t.Fatalf("environments %+v", res.Environments)
	}
	vars := map[string]storage.Variable{}
	for _, v := range res.Environments[0].Variables {
		vars[v.Key] = v
	}
	if vars["host"].Value != "http://localhost:8080" || vars["host"].Secret {
		t.Errorf("host %+v", vars["host"])
	}
	if v := vars["github_client_secret"]; !v.Secret || v.Value != "" {
		t.Errorf("secret variable %+v", v)
	}
	// The report: the WebSocket request and node_modules.
	var skipped []string
	for _, s := range res.Report.Skipped {
		skipped = append(skipped, s.Item+": "+s.Reason)
	}
	all := strings.Join(skipped, "\n")
	if !strings.Contains(all, "echo/Socket.bru: a ws request") || !strings.Contains(all, "environments/Local.bru: line 34: 9 secret variables") {
		t.Errorf("skipped:\n%s", all)
	}
	if strings.Contains(all, "node_modules") || slices.ContainsFunc(res.Report.Imported, func(s string) bool { return strings.Contains(s, "Ignored") }) {
		t.Errorf("node_modules was read: %v", res.Report.Imported)
	}
	if !slices.Contains(res.Report.Imported, "Auth/Basic Auth 200") || len(res.Report.NotRun) == 0 {
		t.Errorf("imported %v, not run %v", res.Report.Imported, res.Report.NotRun)
	}

	// Saved, the inherit request gets the folder's basic auth.
	db, err := storage.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetSecrets(secrets.NewSession())
	if err := db.CreateCollectionTree(res.Collection, res.Items); err != nil {
		t.Fatal(err)
	}
	for i := range res.Environments {
		e := res.Environments[i]
		e.CollectionID = res.Collection.ID
		if err := db.SaveEnvironment(&e); err != nil {
			t.Fatal(err)
		}
	}
	inherited := auth.Children[2].Request
	rv, err := db.Resolve(inherited.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rv.Auth.Type != "basic" || rv.Auth.Params["username"] != "folder-user" || rv.AuthFrom.ID != auth.Folder.ID {
		t.Errorf("resolved auth %+v from %+v", rv.Auth, rv.AuthFrom)
	}
	// The digest password from the file went to the secret store.
	stored, _ := db.Request(digest.Children[0].Request.ID)
	if _, has := stored.Auth.Params["password"]; has || stored.Auth.SecretRefs["password"] == "" {
		t.Errorf("digest auth as stored %+v", stored.Auth)
	}
}

func TestImportBrunoFolderErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := ImportBrunoFolder(dir); err == nil {
		t.Fatal("a folder without bruno.json imported")
	}
	os.WriteFile(filepath.Join(dir, "bruno.json"), []byte(`{"version": "1",`), 0o644)
	if _, err := ImportBrunoFolder(dir); err == nil || !strings.Contains(err.Error(), "bruno.json") {
		t.Fatalf("malformed bruno.json: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "bruno.json"), []byte(`{"version": "1", "name": "x", "type": "collection"}`), 0o644)
	os.WriteFile(filepath.Join(dir, "collection.bru"), []byte("headers {\n  a: b\n"), 0o644)
	if _, err := ImportBrunoFolder(dir); err == nil || !strings.Contains(err.Error(), "collection.bru") {
		t.Fatalf("malformed collection.bru: %v", err)
	}
	os.Remove(filepath.Join(dir, "collection.bru"))
	os.WriteFile(filepath.Join(dir, "Broken.bru"), []byte("get {\n  url: https://x\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "Fine.bru"), []byte("get {\n  url: https://x/fine\n}\n"), 0o644)
	res, err := ImportBrunoFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	if Requests(res.Items) != 1 || len(res.Report.Skipped) != 1 || !strings.HasPrefix(res.Report.Skipped[0].Item, "Broken.bru") {
		t.Fatalf("items %v, skipped %+v", itemNames(res.Items), res.Report.Skipped)
	}
}
