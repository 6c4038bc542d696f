package exchange

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzOpenAPIImport: any document gives a whole Result or an error that
// names where, never a panic (kin-openapi's included).
func FuzzOpenAPIImport(f *testing.F) {
	dir := curlCorpusDir(f, "openapi")
	files, _ := os.ReadDir(dir)
	for _, e := range files {
		if data, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil && len(data) < 12000 {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"swagger":"2.0","info":{"title":"t","version":"1"},"paths":{"/a":{"post":{"parameters":[{"in":"body","name":"b","schema":{"$ref":"#/definitions/X"}}],"responses":{"200":{"description":"ok"}}}}},"definitions":{"X":{"type":"object","properties":{"x":{"$ref":"#/definitions/X"}}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var res *Result
		var err error
		done := make(chan struct{})
		go func() {
			defer close(done)
			res, err = Import("fuzz.yaml", data, "openapi")
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("the import of %d bytes did not finish in 10 s", len(data))
		}
		if (res == nil) == (err == nil) {
			t.Fatalf("result %v and error %v", res, err)
		}
		if err == nil && (res.Collection == nil || Requests(res.Items) == 0) {
			t.Fatalf("an import without a collection or a request: %+v", res)
		}
	})
}
