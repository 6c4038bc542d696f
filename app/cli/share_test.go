package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/knockhttp/knock/app/workspace"
)

const postmanForShareTest = `{
  "info": {"name": "Shop", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
  "auth": {"type": "basic", "basic": [{"key": "username", "value": "admin"}, {"key": "password", "value": "hunter2-share"}]},
  "item": [
    {"name": "Orders", "item": [
      {"name": "list orders", "request": {"method": "GET", "url": "https://shop.example/orders?page=1"}}
    ]},
    {"name": "health", "request": {"method": "GET", "url": "https://shop.example/health", "auth": {"type": "noauth"}}}
  ]
}`

func TestImportExportAndGen(t *testing.T) {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Fatal("this test keeps secrets in the real keyring: run it with `make test`")
	}
	t.Setenv("KNOCK_DATA_DIR", t.TempDir())
	dir := t.TempDir()
	pm := filepath.Join(dir, "shop.postman_collection.json")
	os.WriteFile(pm, []byte(postmanForShareTest), 0o600)

	code, out, errs := knock(t, "import", pm)
	if code != 0 || !strings.Contains(out, "imported 2 requests") || !strings.Contains(out, "collection Shop") {
		t.Fatalf("import: exit %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = knock(t, "export", "--format", "postman", "--collection", "shop")
	if code != 0 || !strings.Contains(out, `"list orders"`) || strings.Contains(out, "hunter2-share") {
		t.Fatalf("postman export: exit %d (must hold the requests and not the password)\n%s\n%s", code, out, errs)
	}
	native := filepath.Join(dir, "native")
	code, out, errs = knock(t, "export", "--format", "native", "--collection", "Shop", "-o", native)
	if code != 0 || !strings.Contains(out, "exported") {
		t.Fatalf("native export: exit %d\n%s\n%s", code, out, errs)
	}
	filepath.WalkDir(native, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if data, _ := os.ReadFile(path); strings.Contains(string(data), "hunter2-share") {
				t.Errorf("%s holds the password", path)
			}
		}
		return nil
	})
	code, out, _ = knock(t, "export", "--format", "curl", "--collection", "Shop")
	if code != 0 || !strings.Contains(out, "curl") || !strings.Contains(out, "https://shop.example/orders?page=1") {
		t.Errorf("curl export: exit %d\n%s", code, out)
	}
	code, out, _ = knock(t, "export", "--format", "http", "--collection", "Shop")
	if code != 0 || !strings.Contains(out, "GET https://shop.example/health") {
		t.Errorf(".http export: exit %d\n%s", code, out)
	}
	code, _, errs = knock(t, "export", "--format", "postman", "--collection", "Nope")
	if code != 1 || !strings.Contains(errs, "collections: Shop") {
		t.Errorf("unknown collection: exit %d %q", code, errs)
	}

	// gen: a native request file to Python, secrets as placeholders.
	rf := filepath.Join(dir, "req.knock.json")
	os.WriteFile(rf, []byte(`{"format": "knock.request/v1", "method": "GET", "url": "https://api.example/me",
  "auth": {"type": "basic", "params": {"username": "ann", "password": "pw-in-file"}}}`), 0o600)
	code, out, errs = knock(t, "gen", "--lang", "python", rf)
	if code != 0 || !strings.Contains(out, "HTTPBasicAuth") || strings.Contains(out, "pw-in-file") {
		t.Errorf("gen python: exit %d\n%s\n%s", code, out, errs)
	}
	code, out, _ = knock(t, "gen", "--lang", "python", "--include-secrets", rf)
	if code != 0 || !strings.Contains(out, "pw-in-file") {
		t.Errorf("gen --include-secrets: exit %d\n%s", code, out)
	}
}

func TestCommandsSayAlreadyRunning(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("KNOCK_DATA_DIR", dir)
	ws, err := workspace.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	want := "Knock is already running (data: " + dir + ")"
	for _, args := range [][]string{{"import", "x.json"}, {"export", "--collection", "c"}, {"run", "Stored"}} {
		code, _, errs := knock(t, args...)
		if code != 1 || !strings.Contains(errs, want) {
			t.Errorf("%v: exit %d, %q; want %q", args, code, errs, want)
		}
	}
}
