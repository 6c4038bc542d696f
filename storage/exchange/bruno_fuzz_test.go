package exchange

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzBrunoImport: any .bru text gives a whole Result or an error with
// its line, never a panic.
func FuzzBrunoImport(f *testing.F) {
	dir := curlCorpusDir(f, "bruno")
	files, _ := os.ReadDir(dir)
	for _, e := range files {
		if data, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Import("fuzz.bru", data, "bruno")
		if (res == nil) == (err == nil) {
			t.Fatalf("result %v and error %v", res, err)
		}
		if err == nil && res.Collection == nil && len(res.Environments) == 0 {
			t.Fatalf("an import with nothing in it: %+v", res)
		}
	})
}
