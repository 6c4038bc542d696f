package exchange

import (
	"io/fs"
	"path/filepath"
	"reflect"
	"testing"
)

// nativeFuzzSeeds adds every file under the directories as a seed.
func nativeFuzzSeeds(f *testing.F, dirs ...string) {
	for _, d := range dirs {
		err := filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
			if err == nil && !e.IsDir() {
				f.Add(nativeReadFile(f, p))
			}
			return err
		})
		if err != nil {
			f.Fatal(err)
		}
	}
}

// FuzzNativeImport feeds arbitrary bytes to the request and collection
// file readers: they must return an error or a result, never panic, and a
// request that reads must survive MarshalRequest and read back the same.
func FuzzNativeImport(f *testing.F) {
	c, items := nativeFullCollection()
	for _, r := range nativeRequestsOf(items) {
		data, err := MarshalRequest(*r, nil)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"format": "knock.collection/v1", "name": "x", "items": [{"request": "a.knock.json"}, {"folder": "f", "items": []}]}`))
	f.Add([]byte(`{"format": "knock.request/v1", "method": "GET", "url": "x", "auth": {"type": "basic", "secretRefs": {"password": "KNOCK_SECRET_P"}}}`))
	nativeFuzzSeeds(f, filepath.Join("testdata", "native"))
	_ = c
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<20 {
			return
		}
		r, err := UnmarshalRequest(data)
		if err == nil {
			out, err := MarshalRequest(r, nil)
			if err != nil {
				t.Fatalf("a request that reads cannot be written: %v", err)
			}
			back, err := UnmarshalRequest(out)
			if err != nil {
				t.Fatalf("a written request does not read back: %v\n%s", err, out)
			}
			again, err := MarshalRequest(back, nil)
			if err != nil || string(again) != string(out) {
				t.Fatalf("writing is not stable:\n%s\n%s", out, again)
			}
			if !reflect.DeepEqual(back.Auth.SecretRefs, nativeStripRequest(&r, &nativeSecretNamer{}, nativeIsSecretParam).Auth.SecretRefs) {
				t.Fatalf("secret references changed")
			}
		}
		if res, err := nativeImportRequest("fuzz.knock.json", data); err == nil {
			nativeAssertNoRefs(t, res)
		}
		_, _ = nativeParseCollection(data)
	})
}
