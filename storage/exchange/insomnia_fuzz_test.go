package exchange

import (
	"path/filepath"
	"testing"
)

// FuzzInsomniaImport: any input (JSON or YAML) gives an error or a whole
// result, never a panic.
func FuzzInsomniaImport(f *testing.F) {
	nativeFuzzSeeds(f, filepath.Join(nativeCorpusDir(f), "insomnia"), filepath.Join("testdata", "insomnia"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<20 {
			return
		}
		res, err := ImportInsomnia("fuzz.yaml", data)
		if err != nil {
			if res != nil {
				t.Fatal("an error with a partial result")
			}
			return
		}
		if Requests(res.Items) != len(res.Report.Imported) {
			t.Fatalf("%d requests, %d reported", Requests(res.Items), len(res.Report.Imported))
		}
		nativeAssertNoRefs(t, res)
	})
}
