package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLinkAndUnlink(t *testing.T) {
	t.Setenv("KNOCK_DATA_DIR", t.TempDir())
	src := filepath.Join(t.TempDir(), "shop")
	os.MkdirAll(src, 0o755)
	os.WriteFile(filepath.Join(src, "knock.collection.json"), []byte(`{"format": "knock.collection/v1", "name": "Shop",
  "items": [{"request": "Health.knock.json"}]}`), 0o644)
	os.WriteFile(filepath.Join(src, "Health.knock.json"), []byte(`{"format": "knock.request/v1", "name": "Health", "url": "https://shop.example/health",
  "auth": {"type": "bearer", "secretRefs": {"token": "KNOCK_SECRET_TOKEN"}}}`), 0o644)
	t.Setenv("KNOCK_SECRET_TOKEN", "tok-value-123")
	if code, out, errs := knock(t, "import", "--secrets", "session", src); code != 0 {
		t.Fatalf("import: exit %d\n%s\n%s", code, out, errs)
	}

	// An empty directory: the collection is written there.
	dir := filepath.Join(t.TempDir(), "linked")
	code, out, errs := knock(t, "link", "--secrets", "session", "--collection", "shop", dir)
	if code != 0 || !strings.Contains(out, "linked Shop to "+dir+": wrote 2 files") {
		t.Fatalf("link: exit %d\n%s\n%s", code, out, errs)
	}
	data, err := os.ReadFile(filepath.Join(dir, "Health.knock.json"))
	if err != nil || !strings.Contains(string(data), `"token": "KNOCK_SECRET_TOKEN"`) {
		t.Fatalf("the linked file: %s, %v", data, err)
	}
	if strings.Contains(string(data), dir) || strings.Contains(string(data), "tok-value-123") {
		t.Fatal("the local path or the token is in the file")
	}

	code, out, errs = knock(t, "unlink", "--collection", "Shop")
	if code != 0 || !strings.Contains(out, "unlinked Shop from "+dir) {
		t.Fatalf("unlink: exit %d\n%s\n%s", code, out, errs)
	}
	code, _, errs = knock(t, "unlink", "--collection", "Shop")
	if code != 1 || !strings.Contains(errs, "not linked") {
		t.Fatalf("unlink twice: exit %d %q", code, errs)
	}

	// A directory that holds a collection: it is read, secrets from the
	// environment.
	os.WriteFile(filepath.Join(src, "Health.knock.json"), []byte(`{"format": "knock.request/v1", "name": "Health", "method": "HEAD", "url": "https://shop.example/health",
  "headers": [{"key": "Cookie", "value": "", "enabled": true, "secretRef": "KNOCK_SECRET_COOKIE"}],
  "auth": {"type": "bearer", "secretRefs": {"token": "KNOCK_SECRET_TOKEN"}}}`), 0o644)
	code, out, errs = knock(t, "link", "--secrets", "session", "--collection", "Shop", src)
	if code != 0 || !strings.Contains(out, "read from the directory (0 added, 1 updated") || !strings.Contains(out, "secret not given: KNOCK_SECRET_COOKIE") {
		t.Fatalf("link from disk: exit %d\n%s\n%s", code, out, errs)
	}
	code, _, errs = knock(t, "link", "--secrets", "session", "--collection", "Nope", src)
	if code != 1 || !strings.Contains(errs, "collections: Shop") {
		t.Fatalf("unknown collection: exit %d %q", code, errs)
	}
	code, out, _ = knock(t, "link", "--help")
	if code != 0 || !strings.Contains(out, "Usage: knock link") {
		t.Fatalf("help: %d %s", code, out)
	}
}
