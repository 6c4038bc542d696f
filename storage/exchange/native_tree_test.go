package exchange

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/knockhttp/knock/storage"
)

func TestReadNativeTreeKeepsPathsSumsAndRefs(t *testing.T) {
	dir := t.TempDir()
	c := &storage.Collection{ID: "c1", Name: "Shop", Variables: []storage.Variable{{Key: "apiKey", Enabled: true, Secret: true, SecretRef: "collection:c1:var.1"}}}
	items := []storage.TreeItem{
		{Request: &storage.Request{ID: "r1", Name: "List", Method: "GET", URL: "https://x/list"}},
		{Folder: &storage.Folder{ID: "f1", Name: "Admin"}, Children: []storage.TreeItem{
			{Request: &storage.Request{ID: "r2", Name: "Delete user", Method: "DELETE", URL: "https://x/u",
				Auth: storage.AuthSpec{Type: "basic", Params: map[string]string{"username": "u"}, SecretRefs: map[string]string{"password": "request:r2:auth.password"}}}},
		}},
	}
	out, err := ExportNativeFolderWith(dir, c, items, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"knock.collection.json": "c1", "List.knock.json": "r1", "Admin/": "f1", "Admin/Delete user.knock.json": "r2"}
	for p, id := range want {
		if out.IDs[p] != id {
			t.Errorf("IDs[%q] = %q, want %q", p, out.IDs[p], id)
		}
	}
	if paths := NativePaths(c, items); len(paths) != len(want) || paths["Admin/"] != "f1" || paths["Admin/Delete user.knock.json"] != "r2" {
		t.Errorf("NativePaths = %v, the export wrote %v", paths, out.IDs)
	}
	if len(out.Sums) != 3 {
		t.Errorf("Sums = %v", out.Sums)
	}

	tree, err := ReadNativeTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	if tree.CollectionSum != out.Sums[CollectionFileName] {
		t.Errorf("collection sum %s, export said %s", tree.CollectionSum, out.Sums[CollectionFileName])
	}
	if tree.Collection.Variables[0].SecretRef != "KNOCK_SECRET_API_KEY" {
		t.Errorf("collection variable ref %q", tree.Collection.Variables[0].SecretRef)
	}
	if len(tree.Items) != 2 || tree.Items[0].Path != "List.knock.json" || tree.Items[0].Sum != out.Sums["List.knock.json"] {
		t.Fatalf("items %+v", tree.Items)
	}
	admin := tree.Items[1]
	if admin.Path != "Admin/" || admin.Folder == nil || len(admin.Children) != 1 {
		t.Fatalf("folder %+v", admin)
	}
	del := admin.Children[0]
	if del.Path != "Admin/Delete user.knock.json" || del.Request.Auth.SecretRefs["password"] != "KNOCK_SECRET_PASSWORD" {
		t.Fatalf("request %+v", del)
	}
	if len(tree.Report.Secrets) != 2 {
		t.Errorf("secrets needed: %+v", tree.Report.Secrets)
	}

	// Hold keeps a changed file and an unknown file as they are.
	edited := filepath.Join(dir, "List.knock.json")
	if err := os.WriteFile(edited, []byte("edited by hand\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stranger := filepath.Join(dir, "Stranger.knock.json")
	if err := os.WriteFile(stranger, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	held := map[string]bool{"List.knock.json": true, "Stranger.knock.json": true}
	out, err = ExportNativeFolderWith(dir, c, items, &NativeExportOptions{Hold: func(rel string) bool { return held[rel] }})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(edited); string(got) != "edited by hand\n" {
		t.Errorf("a held file was written: %q", got)
	}
	if _, err := os.Stat(stranger); err != nil {
		t.Errorf("a held unknown file was removed: %v", err)
	}
	if len(out.Held) != 1 || out.Held[0] != "List.knock.json" || out.Sums["List.knock.json"] != "" {
		t.Errorf("Held %v, Sums %v", out.Held, out.Sums)
	}
	// Without Hold the unknown file goes, as before.
	if _, err := ExportNativeFolder(dir, c, items); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stranger); err == nil {
		t.Error("a stale request file stayed")
	}

	// A malformed file fails the read with its name and line.
	if err := os.WriteFile(edited, []byte("{\n<<<<<<< HEAD\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = ReadNativeTree(dir)
	if err == nil || !strings.Contains(err.Error(), "List.knock.json") || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("malformed file: %v", err)
	}
}
