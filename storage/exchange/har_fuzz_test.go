package exchange

import (
	"path/filepath"
	"testing"
)

// FuzzHARImport: any input gives an error or a whole result, never a
// panic.
func FuzzHARImport(f *testing.F) {
	nativeFuzzSeeds(f, filepath.Join(nativeCorpusDir(f), "har"), filepath.Join("testdata", "har"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<20 {
			return
		}
		res, err := ImportHAR("fuzz.har", data)
		if err != nil {
			if res != nil {
				t.Fatal("an error with a partial result")
			}
			return
		}
		if Requests(res.Items) != len(res.Report.Imported) {
			t.Fatalf("%d requests, %d reported", Requests(res.Items), len(res.Report.Imported))
		}
	})
}
