package exchange

import (
	"path/filepath"
	"testing"
)

// FuzzPostmanImport: any input gives an error or a whole result, never a
// panic; a result holds no secret reference and reports every request.
func FuzzPostmanImport(f *testing.F) {
	nativeFuzzSeeds(f, filepath.Join(nativeCorpusDir(f), "postman", "collections"), filepath.Join(nativeCorpusDir(f), "postman", "environments"), filepath.Join("testdata", "postman"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<20 {
			return
		}
		res, err := ImportPostman("fuzz.json", data)
		if err != nil {
			if res != nil {
				t.Fatal("an error with a partial result")
			}
			return
		}
		if res.Collection != nil && Requests(res.Items) != len(res.Report.Imported) {
			t.Fatalf("%d requests, %d reported", Requests(res.Items), len(res.Report.Imported))
		}
		nativeAssertNoRefs(t, res)
	})
}
