package exchange

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var nativeUpdate = flag.Bool("native.update", false, "rewrite the golden files in testdata from nativeFullCollection")

// TestNativeGoldenFolder keeps testdata/native/full-api, the example the
// format documentation points to, equal to what ExportNativeFolder
// writes: a change of the format shows up as a change of these files.
func TestNativeGoldenFolder(t *testing.T) {
	golden := filepath.Join("testdata", "native", "full-api")
	c, items := nativeFullCollection()
	if *nativeUpdate {
		if err := os.RemoveAll(golden); err != nil {
			t.Fatal(err)
		}
		if _, err := ExportNativeFolder(golden, c, items); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	if _, err := ExportNativeFolder(dir, c, items); err != nil {
		t.Fatal(err)
	}
	got, want := nativeSnapshot(t, dir), nativeSnapshot(t, golden)
	if len(got) != len(want) {
		t.Errorf("%d files, the golden folder has %d (run go test -run TestNativeGoldenFolder -native.update)", len(got), len(want))
	}
	for p, content := range got {
		rel, _ := filepath.Rel(dir, p)
		if want[filepath.Join(golden, rel)] != content {
			t.Errorf("%s differs from testdata (run go test -run TestNativeGoldenFolder -native.update)", rel)
		}
	}
	// The golden folder imports.
	if _, err := ImportNativeFolder(golden); err != nil {
		t.Fatal(err)
	}
}

// TestPostmanGoldenExport keeps testdata/postman/full-api.postman_collection.json
// equal to what ExportPostman writes for the every-feature collection.
func TestPostmanGoldenExport(t *testing.T) {
	golden := filepath.Join("testdata", "postman", "full-api.postman_collection.json")
	c, items := nativeFullCollection()
	data, _, err := ExportPostman(c, items)
	if err != nil {
		t.Fatal(err)
	}
	if *nativeUpdate {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if string(nativeReadFile(t, golden)) != string(data) {
		t.Errorf("%s differs from the export (run go test -run Golden -native.update)", golden)
	}
}
