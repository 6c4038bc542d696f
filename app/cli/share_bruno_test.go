package cli

import (
	"strings"
	"testing"
)

func TestImportBrunoCollectionFolder(t *testing.T) {
	t.Setenv("KNOCK_DATA_DIR", t.TempDir())
	code, out, errs := knock(t, "import", "--secrets", "session", "../../storage/exchange/testdata/bruno-folder")
	if code != 0 || !strings.Contains(out, "imported 6 requests and 1 environments (bruno) into collection bruno-testbench") ||
		!strings.Contains(out, "not imported: echo/Socket.bru: a ws request") {
		t.Fatalf("import: exit %d\n%s\n%s", code, out, errs)
	}
	code, out, _ = knock(t, "export", "--secrets", "session", "--format", "http", "--collection", "bruno-testbench")
	if code != 0 || !strings.Contains(out, "api/auth/basic/protected") {
		t.Fatalf("the imported collection: exit %d\n%s", code, out)
	}
}
