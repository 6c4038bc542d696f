package exchange

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzHTTPFileImport: any input gives a whole Result or an error, never a
// panic, and what is imported can be exported and read again.
func FuzzHTTPFileImport(f *testing.F) {
	dir := curlCorpusDir(f, "http")
	files, _ := os.ReadDir(dir)
	for _, e := range files {
		if data, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("### x\nPOST https://h\nContent-Type: multipart/form-data; boundary=b\n\n--b\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\n\n< ./a\n--b--\n"))
	f.Add([]byte("GRAPHQL https://h\n\nquery { a }\n\n{\"v\": 1}\n"))
	f.Add([]byte("0\n & 0"))
	f.Add([]byte("0\r0"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Import("fuzz.http", data, "http")
		if (res == nil) == (err == nil) {
			t.Fatalf("result %v and error %v", res, err)
		}
		if err != nil {
			return
		}
		if res.Collection == nil {
			t.Fatal("a .http import without a collection")
		}
		out := ExportHTTPFile(*res.Collection, res.Items)
		if _, err := Import("again.http", out, "http"); err != nil && len(res.Items) > 0 {
			t.Fatalf("the export does not import: %v\n%s", err, out)
		}
		_, _ = ImportHTTPClientEnv(data, data)
	})
}
