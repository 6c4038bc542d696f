package exchange

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/knockhttp/knock/storage"
)

// nativeSecretMap returns the values behind the names an export wrote,
// by exporting and comparing: the test knows which slot each came from.
func nativeFill(values map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := values[name]
		return v, ok
	}
}

// nativeExpectedSecrets maps the names ExportNativeFolder gives the
// secrets of nativeFullCollection to their values.
var nativeExpectedSecrets = map[string]string{
	"KNOCK_SECRET_TOKEN":                "s3cr3t-collection-token",
	"KNOCK_SECRET_API_TOKEN":            "s3cr3t-variable",
	"KNOCK_SECRET_PASSWORD":             "s3cr3t-request-pass",
	"KNOCK_SECRET_AUTHORIZATION":        "Bearer s3cr3t-bearer-header",
	"KNOCK_SECRET_COOKIE":               "session=s3cr3t-cookie",
	"KNOCK_SECRET_CLIENT_CERT_PASSWORD": "s3cr3t-cert-pass",
	"KNOCK_SECRET_PROXY_URL_PASSWORD":   "s3cr3t-proxy-pass",
	"KNOCK_SECRET_PROXY_PASSWORD":       "s3cr3t-proxyauth-pass",
	"KNOCK_SECRET_PASSWORD_2":           "s3cr3t-folder-pass",
	"KNOCK_SECRET_FS":                   "s3cr3t-folder-variable",
	"KNOCK_SECRET_VALUE":                "s3cr3t-apikey",
	"KNOCK_SECRET_CLIENT_SECRET":        "s3cr3t-oauth-client",
}

func TestNativeRoundTripEveryFeature(t *testing.T) {
	c, items := nativeFullCollection()
	nativeCheckAllFieldsSet(t, nativeRequestsOf(items))
	dir := t.TempDir()
	exp, err := ExportNativeFolder(dir, c, items)
	if err != nil {
		t.Fatal(err)
	}
	gotNames := append([]string(nil), exp.Secrets...)
	sort.Strings(gotNames)
	var wantNames []string
	for n := range nativeExpectedSecrets {
		wantNames = append(wantNames, n)
	}
	sort.Strings(wantNames)
	if !reflect.DeepEqual(gotNames, wantNames) {
		t.Errorf("secret names:\n got %v\nwant %v", gotNames, wantNames)
	}
	// No secret value anywhere on disk.
	nativeAssertNoSecrets(t, dir)

	res, err := ImportNativeFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Report.Secrets) != len(nativeExpectedSecrets) {
		t.Errorf("import asks for %d secrets, want %d: %+v", len(res.Report.Secrets), len(nativeExpectedSecrets), res.Report.Secrets)
	}
	if missing := res.FillSecrets(nativeFill(nativeExpectedSecrets)); len(missing) > 0 {
		t.Fatalf("secrets left missing: %+v", missing)
	}
	if !reflect.DeepEqual(res.Collection, c) {
		t.Errorf("collection differs:\n got %s\nwant %s", nativeJSON(res.Collection), nativeJSON(c))
	}
	// Example requests never carry secrets: the fixture has none.
	nativeCompareTrees(t, "", res.Items, items)
	if len(res.Report.Skipped) != 0 {
		t.Errorf("nothing should be skipped: %+v", res.Report.Skipped)
	}
	if n := Requests(res.Items); n != 7 || len(res.Report.Imported) != 7 {
		t.Errorf("imported %d requests (%d reported), want 7", n, len(res.Report.Imported))
	}
	if got := strings.Join(res.Report.Imported, "; "); !strings.Contains(got, "Users/Admin/Nested/Deep") {
		t.Errorf("imported paths use the display names: %s", got)
	}
	// Scripts are listed as not run: collection, folder and two request scripts.
	if len(res.Report.NotRun) != 4 {
		t.Errorf("NotRun = %v", res.Report.NotRun)
	}
}

// nativeCompareTrees compares two trees field by field, naming the item
// that differs.
func nativeCompareTrees(t *testing.T, where string, got, want []storage.TreeItem) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d items, want %d", where, len(got), len(want))
		return
	}
	for i := range want {
		switch {
		case want[i].Folder != nil:
			if got[i].Folder == nil {
				t.Errorf("%s[%d]: not a folder", where, i)
				continue
			}
			g, w := *got[i].Folder, *want[i].Folder
			g.ID, w.ID = "", ""
			if !reflect.DeepEqual(g, w) {
				t.Errorf("%s/%s: folder differs:\n got %s\nwant %s", where, w.Name, nativeJSON(g), nativeJSON(w))
			}
			nativeCompareTrees(t, where+"/"+w.Name, got[i].Children, want[i].Children)
		case want[i].Request != nil:
			if got[i].Request == nil {
				t.Errorf("%s[%d]: not a request", where, i)
				continue
			}
			g, w := *got[i].Request, *want[i].Request
			g.ID, w.ID = "", ""
			if !reflect.DeepEqual(g, w) {
				gv, wv := reflect.ValueOf(g), reflect.ValueOf(w)
				for f := 0; f < gv.NumField(); f++ {
					if !reflect.DeepEqual(gv.Field(f).Interface(), wv.Field(f).Interface()) {
						t.Errorf("%s/%s: field %s differs:\n got %s\nwant %s", where, w.Name, gv.Type().Field(f).Name, nativeJSON(gv.Field(f).Interface()), nativeJSON(wv.Field(f).Interface()))
					}
				}
			}
		}
	}
}

func nativeJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// nativeAssertNoSecrets fails when a secret value of the fixture is in a
// file under dir.
func nativeAssertNoSecrets(t *testing.T, dir string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, s := range nativeSecretValues {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s holds the secret %q", p, s)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestNativeFolderLayout(t *testing.T) {
	c, items := nativeFullCollection()
	dir := t.TempDir()
	exp, err := ExportNativeFolder(dir, c, items)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Binary.knock.json",
		"Create-user-more.knock.json",
		"Plain GET.knock.json",
		"Query.knock.json",
		"Users-Admin/Form.knock.json",
		"Users-Admin/Nested/Deep.knock.json",
		"Users-Admin/Upload.knock.json",
		"knock.collection.json",
	}
	if !reflect.DeepEqual(exp.Files, want) {
		t.Errorf("files:\n got %q\nwant %q", exp.Files, want)
	}
	coll := string(nativeReadFile(t, filepath.Join(dir, CollectionFileName)))
	for _, line := range []string{
		`  "format": "knock.collection/v1",`,
		`    {"request": "Create-user-more.knock.json"},`,
		`      "folder": "Users-Admin",`,
		`      "name": "Users/Admin",`,
		`        {"folder": "Empty", "name": "Empty"},`,
		`    {"key": "apiToken", "enabled": true, "secret": true, "secretRef": "KNOCK_SECRET_API_TOKEN"},`,
		`    {"key": "templated", "value": "{{other}}", "enabled": true, "secret": true},`,
	} {
		if !strings.Contains(coll, line+"\n") {
			t.Errorf("collection file lacks the line\n%s\n---\n%s", line, coll)
		}
	}
	req := string(nativeReadFile(t, filepath.Join(dir, "Create-user-more.knock.json")))
	for _, line := range []string{
		`  "format": "knock.request/v1",`,
		`  "name": "Create <user> & more",`,
		`    {"key": "dry", "value": "2 + 2 = 4 & 100%", "enabled": false}`,
		`    {"key": "Authorization", "value": "", "enabled": false, "secretRef": "KNOCK_SECRET_AUTHORIZATION"},`,
		`      "password": "KNOCK_SECRET_PASSWORD"`,
		`    "proxy": "http://proxyuser@proxy.example:3128",`,
	} {
		if !strings.Contains(req, line+"\n") {
			t.Errorf("request file lacks the line\n%s\n---\n%s", line, req)
		}
	}
	if strings.Contains(req, `"id"`) || strings.Contains(req, `\u003c`) {
		t.Errorf("request file has an id or HTML escapes:\n%s", req)
	}
	if !strings.HasSuffix(req, "}\n") || strings.Contains(req, "\t") {
		t.Error("request file must end with a newline and use spaces")
	}
}

// TestNativeOneLineDiff changes one field at a time and checks that the
// export changes exactly one line of one file.
func TestNativeOneLineDiff(t *testing.T) {
	changes := map[string]func(c *storage.Collection, items []storage.TreeItem){
		"request URL":    func(c *storage.Collection, it []storage.TreeItem) { it[0].Request.URL += "/v2" },
		"header value":   func(c *storage.Collection, it []storage.TreeItem) { it[0].Request.Headers[0].Value = "def" },
		"header enabled": func(c *storage.Collection, it []storage.TreeItem) { it[0].Request.Headers[3].Enabled = true },
		"query value":    func(c *storage.Collection, it []storage.TreeItem) { it[0].Request.Params[0].Value = "0" },
		"auth username":  func(c *storage.Collection, it []storage.TreeItem) { it[0].Request.Auth.Params["username"] = "bob" },
		"timeout":        func(c *storage.Collection, it []storage.TreeItem) { it[0].Request.Settings.TimeoutMs = 1 },
		"body text":      func(c *storage.Collection, it []storage.TreeItem) { it[0].Request.Body.Raw = "{}" },
		"form row":       func(c *storage.Collection, it []storage.TreeItem) { it[1].Children[0].Request.Body.Form[1].Value = "3" },
		"multipart file": func(c *storage.Collection, it []storage.TreeItem) {
			it[1].Children[1].Request.Body.Multipart[1].File = "./b.png"
		},
		"assertion":           func(c *storage.Collection, it []storage.TreeItem) { it[0].Request.Assertions[0].Value = "200" },
		"example status":      func(c *storage.Collection, it []storage.TreeItem) { it[0].Request.Examples[0].Status = 202 },
		"collection variable": func(c *storage.Collection, it []storage.TreeItem) { c.Variables[0].Value = "https://other" },
		"folder header":       func(c *storage.Collection, it []storage.TreeItem) { it[1].Folder.Headers[0].Value = "no" },
		"folder description":  func(c *storage.Collection, it []storage.TreeItem) { it[1].Folder.Description = "new" },
		"graphql query":       func(c *storage.Collection, it []storage.TreeItem) { it[3].Request.Body.GraphQL.Query = "{ me }" },
		"method":              func(c *storage.Collection, it []storage.TreeItem) { it[4].Request.Method = "HEAD" },
	}
	for name, change := range changes {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			c, items := nativeFullCollection()
			if _, err := ExportNativeFolder(dir, c, items); err != nil {
				t.Fatal(err)
			}
			before := nativeSnapshot(t, dir)
			c, items = nativeFullCollection()
			change(c, items)
			if _, err := ExportNativeFolder(dir, c, items); err != nil {
				t.Fatal(err)
			}
			after := nativeSnapshot(t, dir)
			changed := 0
			for file, a := range after {
				b, ok := before[file]
				if !ok {
					t.Errorf("new file %s", file)
					continue
				}
				al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
				if len(al) != len(bl) {
					t.Errorf("%s: %d lines became %d", file, len(bl), len(al))
					continue
				}
				for i := range al {
					if al[i] != bl[i] {
						changed++
					}
				}
			}
			if len(after) != len(before) {
				t.Errorf("%d files became %d", len(before), len(after))
			}
			if changed != 1 {
				t.Errorf("%d lines changed, want 1", changed)
			}
		})
	}
}

func nativeSnapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		out[p] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestNativeFileNames(t *testing.T) {
	cases := map[string]string{
		"../../etc/passwd":   "etc-passwd",
		"a/b\\c:d":           "a-b-c-d",
		"":                   "request",
		"...":                "request",
		".hidden":            "hidden",
		"CON":                "_CON",
		"nul.txt":            "_nul.txt",
		"Get user (by id)":   "Get user (by id)",
		"Ünïcödé – 東京":       "Ünïcödé-東京",
		"tab\tand\nnewline":  "tab-and-newline",
		"dots..in..name":     "dots.in.name",
		"  padded  ":         "padded",
		"<script>alert(1)</": "script-alert(1)",
	}
	for in, want := range cases {
		if got := nativeFileName(in, "request"); got != want {
			t.Errorf("nativeFileName(%q) = %q, want %q", in, got, want)
		}
	}
	nativeEq(t, "RequestFileName", RequestFileName("../Get <me>"), "Get-me.knock.json")
	long := strings.Repeat("é", 100)
	if got := nativeFileName(long, "request"); len(got) > 80 || !strings.HasPrefix(long, got) {
		t.Errorf("long name: %q (%d bytes)", got, len(got))
	}
	// Unique within a folder, ignoring case, and never the collection file.
	set := nativeNameSet{}
	var got []string
	for _, n := range []string{"Users", "users", "USERS", "knock.collection", "a"} {
		got = append(got, set.claim(nativeFileName(n, "request"), RequestFileSuffix))
	}
	got = append(got, set.claim("a.knock.json", ""), set.claim("knock.collection.json", ""))
	want := []string{"Users.knock.json", "users-2.knock.json", "USERS-3.knock.json", "knock.collection.knock.json", "a.knock.json", "a.knock.json-2", "knock.collection.json-2"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("claims: %q, want %q", got, want)
	}
	// Export with hostile names stays inside the folder.
	dir := t.TempDir()
	inner := filepath.Join(dir, "out")
	c := &storage.Collection{Name: "x"}
	items := []storage.TreeItem{
		{Request: &storage.Request{Name: "../escape", Method: "GET", URL: "http://a"}},
		{Folder: &storage.Folder{Name: ".."}, Children: []storage.TreeItem{{Request: &storage.Request{Name: "/etc/passwd", Method: "GET", URL: "http://b"}}}},
		{Request: &storage.Request{Name: "same", Method: "GET", URL: "http://c"}},
		{Request: &storage.Request{Name: "Same", Method: "GET", URL: "http://d"}},
	}
	exp, err := ExportNativeFolder(inner, c, items)
	if err != nil {
		t.Fatal(err)
	}
	wantFiles := []string{"escape.knock.json", "folder/etc-passwd.knock.json", "knock.collection.json", "same.knock.json", "Same-2.knock.json"}
	sort.Strings(wantFiles)
	if !reflect.DeepEqual(exp.Files, wantFiles) {
		t.Errorf("files %q, want %q", exp.Files, wantFiles)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the export wrote outside its folder: %v", entries)
	}
	res, err := ImportNativeFolder(inner)
	if err != nil {
		t.Fatal(err)
	}
	if res.Items[0].Request.Name != "../escape" || res.Items[1].Folder.Name != ".." || res.Items[3].Request.URL != "http://d" {
		t.Errorf("names or order not kept: %s", nativeJSON(res.Items))
	}
}

func TestNativeSecretReferences(t *testing.T) {
	c, items := nativeFullCollection()
	dir := t.TempDir()
	if _, err := ExportNativeFolder(dir, c, items); err != nil {
		t.Fatal(err)
	}
	res, err := ImportNativeFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	var pw *SecretNeed
	for i := range res.Report.Secrets {
		if res.Report.Secrets[i].Name == "KNOCK_SECRET_PASSWORD" {
			pw = &res.Report.Secrets[i]
		}
	}
	if pw == nil || len(pw.Where) != 1 || pw.Where[0] != "Create <user> & more: auth password" {
		t.Fatalf("need for KNOCK_SECRET_PASSWORD: %+v", pw)
	}
	// Nothing filled: the documents hold no reference and no value, so
	// the store cannot be pointed at another secret.
	nativeAssertNoRefs(t, res)
	missing := res.FillSecrets(nativeFill(map[string]string{"KNOCK_SECRET_PASSWORD": "typed"}))
	if len(missing) != len(nativeExpectedSecrets)-1 {
		t.Errorf("%d missing, want %d", len(missing), len(nativeExpectedSecrets)-1)
	}
	if got := res.Items[0].Request.Auth.Params["password"]; got != "typed" {
		t.Errorf("password = %q", got)
	}
	if _, ok := res.Items[1].Folder.Auth.Params["password"]; ok {
		t.Error("an unanswered secret must stay unset")
	}

	// Equal values share one name; different values get _2.
	shared := []storage.TreeItem{
		{Request: &storage.Request{Name: "a", Method: "GET", URL: "http://a", Auth: storage.AuthSpec{Type: "basic", Params: map[string]string{"username": "u", "password": "same"}}}},
		{Request: &storage.Request{Name: "b", Method: "GET", URL: "http://b", Auth: storage.AuthSpec{Type: "basic", Params: map[string]string{"username": "u", "password": "same"}}}},
		{Request: &storage.Request{Name: "c", Method: "GET", URL: "http://c", Auth: storage.AuthSpec{Type: "basic", Params: map[string]string{"username": "u", "password": "other"}}}},
		// Documents read from the store carry references, not values.
		{Request: &storage.Request{Name: "d", Method: "GET", URL: "http://d", Auth: storage.AuthSpec{Type: "bearer", SecretRefs: map[string]string{"token": "request:0123456789abcdef:auth.token"}}}},
	}
	dir2 := t.TempDir()
	exp, err := ExportNativeFolder(dir2, &storage.Collection{Name: "s"}, shared)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"KNOCK_SECRET_PASSWORD", "KNOCK_SECRET_PASSWORD_2", "KNOCK_SECRET_TOKEN"}; !reflect.DeepEqual(exp.Secrets, want) {
		t.Errorf("names %v, want %v", exp.Secrets, want)
	}
	if d := string(nativeReadFile(t, filepath.Join(dir2, "d.knock.json"))); strings.Contains(d, "request:0123") {
		t.Errorf("a store reference leaked into the file:\n%s", d)
	}
	res2, err := ImportNativeFolder(dir2)
	if err != nil {
		t.Fatal(err)
	}
	if len(res2.Report.Secrets) != 3 || len(res2.Report.Secrets[0].Where) != 2 {
		t.Errorf("needs: %+v", res2.Report.Secrets)
	}
}

// nativeAssertNoRefs fails when an imported document still holds a secret
// reference of any kind.
func nativeAssertNoRefs(t testing.TB, res *Result) {
	t.Helper()
	var check func(path string, v reflect.Value)
	check = func(path string, v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				check(path, v.Elem())
			}
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				f := v.Type().Field(i)
				fv := v.Field(i)
				if strings.HasSuffix(f.Name, "Ref") && fv.Kind() == reflect.String && fv.String() != "" {
					t.Errorf("%s.%s = %q", path, f.Name, fv.String())
				}
				if f.Name == "SecretRefs" && fv.Len() > 0 {
					t.Errorf("%s.SecretRefs = %v", path, fv.Interface())
				}
				check(path+"."+f.Name, fv)
			}
		case reflect.Slice:
			for i := 0; i < v.Len(); i++ {
				check(path, v.Index(i))
			}
		}
	}
	check("Result", reflect.ValueOf(res))
}

func TestNativeRejectsForeignReferences(t *testing.T) {
	for name, ref := range map[string]string{
		"environment variable": "HOME",
		"store reference":      "request:0123456789abcdef:auth.password",
		"lower case":           "KNOCK_SECRET_pw",
	} {
		data := []byte(`{"format": "knock.request/v1", "method": "GET", "url": "http://x", "auth": {"type": "bearer", "secretRefs": {"token": "` + ref + `"}}}`)
		if _, err := UnmarshalRequest(data); err == nil || !strings.Contains(err.Error(), "KNOCK_SECRET_") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	data := []byte(`{"format": "knock.request/v1", "method": "GET", "url": "http://x", "headers": [{"key": "Cookie", "value": "", "enabled": true, "secretRef": "collection:abc:header.x"}]}`)
	if _, err := UnmarshalRequest(data); err == nil {
		t.Error("a header reference to the store must be refused")
	}
}

func TestNativeUnlistedAndMissingFiles(t *testing.T) {
	c, items := nativeFullCollection()
	dir := t.TempDir()
	if _, err := ExportNativeFolder(dir, c, items); err != nil {
		t.Fatal(err)
	}
	// A teammate's new request whose line in the collection file was lost
	// in a merge, a new folder, and a request deleted without its line.
	extra := []byte("{\n  \"format\": \"knock.request/v1\",\n  \"name\": \"Added\",\n  \"method\": \"GET\",\n  \"url\": \"http://added\"\n}\n")
	if err := os.WriteFile(filepath.Join(dir, "Users-Admin", "Added.knock.json"), extra, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "New folder"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "New folder", "x.knock.json"), extra, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "Query.knock.json")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte("notes"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := ImportNativeFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	folder := res.Items[1]
	last := folder.Children[len(folder.Children)-1]
	if last.Request == nil || last.Request.Name != "Added" {
		t.Errorf("the unlisted file should come last in its folder: %s", nativeJSON(last))
	}
	top := res.Items[len(res.Items)-1]
	if top.Folder == nil || top.Folder.Name != "New folder" || len(top.Children) != 1 {
		t.Errorf("the unlisted folder should come last: %s", nativeJSON(top))
	}
	if len(res.Report.Skipped) != 1 || res.Report.Skipped[0].Item != "Query.knock.json" {
		t.Errorf("skipped: %+v", res.Report.Skipped)
	}
}

func TestNativeExportRemovesStaleFiles(t *testing.T) {
	c, items := nativeFullCollection()
	dir := t.TempDir()
	if _, err := ExportNativeFolder(dir, c, items); err != nil {
		t.Fatal(err)
	}
	keep := map[string]string{
		"README.md":                     "notes",
		".git/old.knock.json":           "not ours",
		"other/knock.collection.json":   "{}",
		"other/inner.knock.json":        "another collection's file",
		"Users-Admin/Nested/notes.txt":  "user file",
		"Users-Admin/Empty/keep.txt":    "user file",
		"Users-Admin/Nested/.hidden.md": "user file",
	}
	for p, content := range keep {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Rename a request and drop the nested folder.
	items[0].Request.Name = "Create user"
	items[1].Children = items[1].Children[:2]
	exp, err := ExportNativeFolder(dir, c, items)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Create-user-more.knock.json", "Users-Admin/Nested/Deep.knock.json"}
	if !reflect.DeepEqual(exp.Removed, want) {
		t.Errorf("removed %v, want %v", exp.Removed, want)
	}
	for p, content := range keep {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		if err != nil || string(data) != content {
			t.Errorf("%s was touched: %v", p, err)
		}
	}
	res, err := ImportNativeFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	if n := Requests(res.Items); n != 6 {
		t.Errorf("%d requests after the re-export, want 6", n)
	}
}

func TestNativeUnchangedFilesNotRewritten(t *testing.T) {
	c, items := nativeFullCollection()
	dir := t.TempDir()
	if _, err := ExportNativeFolder(dir, c, items); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "Binary.knock.json")
	st1, _ := os.Stat(p)
	old := st1.ModTime().Add(-3600e9)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	if _, err := ExportNativeFolder(dir, c, items); err != nil {
		t.Fatal(err)
	}
	st2, _ := os.Stat(p)
	if !st2.ModTime().Equal(old) {
		t.Error("an unchanged file was rewritten")
	}
}

func TestNativeRequestFileCompatibility(t *testing.T) {
	// The first version's files, as `knock send --file` reads them.
	v1 := []byte(`{
  "format": "knock.request/v1",
  "name": "Create",
  "method": "POST",
  "url": "http://127.0.0.1/items",
  "params": [{"key": "dry", "value": "1", "enabled": true}, {"key": "off", "value": "1", "enabled": false}],
  "headers": [{"key": "X-From", "value": "file", "enabled": true}],
  "body": {"mode": "raw", "raw": "{\"n\": 1}", "contentType": "application/json"},
  "auth": {"type": "basic", "params": {"username": "robot"}, "secretRefs": {"password": "KNOCK_SECRET_PASSWORD"}}
}
`)
	r, err := UnmarshalRequest(v1)
	if err != nil {
		t.Fatal(err)
	}
	if r.Auth.SecretRefs["password"] != "KNOCK_SECRET_PASSWORD" || r.Params[1].Enabled || r.Body.Raw != `{"n": 1}` {
		t.Errorf("v1 file read as %s", nativeJSON(r))
	}
	missing, err := FillRequestSecrets(&r, nativeFill(map[string]string{}))
	if err != nil || !reflect.DeepEqual(missing, []string{"KNOCK_SECRET_PASSWORD"}) {
		t.Errorf("missing = %v, %v", missing, err)
	}
	r, _ = UnmarshalRequest(v1)
	missing, err = FillRequestSecrets(&r, nativeFill(map[string]string{"KNOCK_SECRET_PASSWORD": "hunter2"}))
	if err != nil || len(missing) != 0 || r.Auth.Params["password"] != "hunter2" || len(r.Auth.SecretRefs) != 0 {
		t.Errorf("filled: %s, %v, %v", nativeJSON(r.Auth), missing, err)
	}
	// MarshalRequest output reads back, and a secret never goes out.
	full := nativeFullRequest()
	data, err := MarshalRequest(*full, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range nativeSecretValues {
		if bytes.Contains(data, []byte(s)) {
			t.Errorf("MarshalRequest wrote %q", s)
		}
	}
	back, err := UnmarshalRequest(data)
	if err != nil {
		t.Fatal(err)
	}
	if back.URL != full.URL || back.Auth.SecretRefs["password"] != "KNOCK_SECRET_PASSWORD" || len(back.Examples) != 2 {
		t.Errorf("read back: %s", nativeJSON(back))
	}
	// Through the importer registry too.
	res, err := Import("create.knock.json", v1, "")
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != "native" || res.Collection.Name != "Create" || Requests(res.Items) != 1 || len(res.Report.Secrets) != 1 {
		t.Errorf("native import: %+v", res)
	}
}

func TestNativeImporterReadsCollectionFolder(t *testing.T) {
	c, items := nativeFullCollection()
	dir := t.TempDir()
	if _, err := ExportNativeFolder(dir, c, items); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, CollectionFileName)
	res, err := Import(path, nativeReadFile(t, path), "")
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != "native" || Requests(res.Items) != 7 || res.Collection.Name != "Full API" {
		t.Errorf("got %s with %d requests", res.Format, Requests(res.Items))
	}
}

func TestNativeMalformedFiles(t *testing.T) {
	cases := map[string]struct {
		data, want string
	}{
		"syntax":          {"{\n  \"format\": \"knock.request/v1\",\n  \"url\": \"x\"\n  \"method\": \"GET\"\n}", "line 4, column 3"},
		"type":            {"{\n  \"format\": \"knock.request/v1\",\n  \"method\": \"GET\",\n  \"url\": 5\n}", "line 4"},
		"nested type":     {"{\"format\": \"knock.request/v1\", \"method\": \"GET\", \"url\": \"x\", \"params\": [{\"key\": 1}]}", "params.key: want a string, got a number"},
		"unknown field":   {"{\n  \"format\": \"knock.request/v1\",\n  \"method\": \"GET\",\n  \"url\": \"x\",\n  \"colour\": 1\n}", `line 5, column 3: unknown field "colour"`},
		"no format":       {`{"method": "GET", "url": "x"}`, `no "format"`},
		"future version":  {`{"format": "knock.request/v2"}`, `unsupported format "knock.request/v2"`},
		"collection file": {`{"format": "knock.collection/v1", "name": "x"}`, "collection file"},
		"empty":           {``, "unexpected end"},
	}
	for name, tc := range cases {
		_, err := UnmarshalRequest([]byte(tc.data))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", name, err, tc.want)
		}
	}
	colls := map[string]struct {
		data, want string
	}{
		"traversal":      {`{"format": "knock.collection/v1", "name": "x", "items": [{"request": "../x.knock.json"}]}`, "items[0].request"},
		"deep traversal": {`{"format": "knock.collection/v1", "name": "x", "items": [{"folder": "a", "items": [{"folder": ".."}]}]}`, "items[0].items[0].folder"},
		"both":           {`{"format": "knock.collection/v1", "name": "x", "items": [{"request": "a.knock.json", "folder": "b"}]}`, "not both"},
		"neither":        {`{"format": "knock.collection/v1", "name": "x", "items": [{}]}`, "items[0]"},
		"no name":        {`{"format": "knock.collection/v1"}`, `no "name"`},
		"suffix":         {`{"format": "knock.collection/v1", "name": "x", "items": [{"request": "a.json"}]}`, "does not end in .knock.json"},
	}
	for name, tc := range colls {
		_, err := nativeParseCollection([]byte(tc.data))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", name, err, tc.want)
		}
	}
	// A bad request file inside a folder names the file.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, CollectionFileName), []byte(`{"format": "knock.collection/v1", "name": "x", "items": [{"request": "a.knock.json"}]}`), 0o644)
	os.WriteFile(filepath.Join(dir, "a.knock.json"), []byte("{\n\"format\": \"knock.request/v1\",\n\"url\": [\n}"), 0o644)
	_, err := ImportNativeFolder(dir)
	if err == nil || !strings.Contains(err.Error(), "a.knock.json: line 4") {
		t.Errorf("folder with a bad file: %v", err)
	}
}

// TestNativeImportIsAllOrNothing checks that an error anywhere gives no
// Result at all, so the caller saves nothing.
func TestNativeImportIsAllOrNothing(t *testing.T) {
	c, items := nativeFullCollection()
	dir := t.TempDir()
	if _, err := ExportNativeFolder(dir, c, items); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "Users-Admin", "Nested", "Deep.knock.json"), []byte(`{"format": "knock.request/v1", "url": true}`), 0o644)
	res, err := ImportNativeFolder(dir)
	if err == nil || res != nil {
		t.Fatalf("got %v, %v; want no result and an error", res, err)
	}
	if !strings.Contains(err.Error(), "Users-Admin/Nested/Deep.knock.json") {
		t.Errorf("the error should name the file: %v", err)
	}
}

func TestNativeFilesMatchSchemas(t *testing.T) {
	c, items := nativeFullCollection()
	dir := t.TempDir()
	if _, err := ExportNativeFolder(dir, c, items); err != nil {
		t.Fatal(err)
	}
	comp := jsonschema.NewCompiler()
	reqSchema, err := comp.Compile(nativeDocPath(t, "knock-request.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	collSchema, err := comp.Compile(nativeDocPath(t, "knock-collection.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			return err
		}
		sch := reqSchema
		if d.Name() == CollectionFileName {
			sch = collSchema
		}
		if err := sch.Validate(doc); err != nil {
			t.Errorf("%s does not match its schema: %v", p, err)
		}
		n++
		return nil
	})
	if err != nil || n != 8 {
		t.Fatalf("validated %d files: %v", n, err)
	}
	// The schemas are strict: an unknown field or a secret value fails.
	var doc any
	json.Unmarshal([]byte(`{"format": "knock.request/v1", "method": "GET", "url": "x", "colour": 1}`), &doc)
	if reqSchema.Validate(doc) == nil {
		t.Error("the request schema accepts an unknown field")
	}
	json.Unmarshal([]byte(`{"format": "knock.request/v1", "method": "GET", "url": "x", "settings": {"clientCertPassword": "pw"}}`), &doc)
	if reqSchema.Validate(doc) == nil {
		t.Error("the request schema accepts a secret value")
	}
	json.Unmarshal([]byte(`{"format": "knock.collection/v1", "name": "x", "items": [{"request": "../a.knock.json"}]}`), &doc)
	if collSchema.Validate(doc) == nil {
		t.Error("the collection schema accepts a path outside the folder")
	}
}

func nativeDocPath(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "docs", name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestNativeSecretEnvName(t *testing.T) {
	for in, want := range map[string]string{
		"password":            "KNOCK_SECRET_PASSWORD",
		"clientSecret":        "KNOCK_SECRET_CLIENT_SECRET",
		"Proxy-Authorization": "KNOCK_SECRET_PROXY_AUTHORIZATION",
		"code_verifier":       "KNOCK_SECRET_CODE_VERIFIER",
		"X-API-Key":           "KNOCK_SECRET_X_API_KEY",
		"":                    "KNOCK_SECRET_VALUE",
		"ünï":                 "KNOCK_SECRET_N",
		"proxy_password":      "KNOCK_SECRET_PROXY_PASSWORD",
	} {
		if got := SecretEnvName(in); got != want {
			t.Errorf("SecretEnvName(%q) = %q, want %q", in, got, want)
		}
		if err := nativeCheckSecretName("x", SecretEnvName(in)); err != nil {
			t.Error(err)
		}
	}
}

func TestNativeDecodeText(t *testing.T) {
	for name, data := range map[string][]byte{
		"utf8":     []byte(`{"a":"é"}`),
		"utf8 bom": append([]byte{0xEF, 0xBB, 0xBF}, `{"a":"é"}`...),
		"utf16le":  {0xFF, 0xFE, '{', 0, '"', 0, 'a', 0, '"', 0, ':', 0, '"', 0, 0xE9, 0, '"', 0, '}', 0},
		"utf16be":  {0xFE, 0xFF, 0, '{', 0, '"', 0, 'a', 0, '"', 0, ':', 0, '"', 0, 0xE9, 0, '"', 0, '}'},
	} {
		got, err := nativeDecodeText(data)
		if err != nil || string(got) != `{"a":"é"}` {
			t.Errorf("%s: %q, %v", name, got, err)
		}
	}
	if _, err := nativeDecodeText([]byte{0xFF, 0xFE, '{'}); err == nil {
		t.Error("odd-length UTF-16 must be an error")
	}
}

func TestNativeDecodeJSONErrors(t *testing.T) {
	for data, want := range map[string]string{
		"{\"a\": 1}\n}":     "line 2, column 1: unexpected data after",
		"{\"a\": [1, 2":     "ends in the middle",
		"   ":               "empty",
		"{\n\"a\": tru\n}":  "line 2",
		"[1, 2, 3] [4]":     "after the end",
		"{\"a\":\"\x00\"}":  "line 1",
		"{\"a\": 1,,\"b\"}": "line 1, column 9",
	} {
		_, err := nativeDecodeJSON([]byte(data))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want %q", data, err, want)
		}
	}
	var pe *nativePathError
	_, err := nativeString(map[string]any{}, "item[3].request.url")
	if !errors.As(err, &pe) || err.Error() != "item[3].request.url: want a string, got an object" {
		t.Errorf("path error: %v", err)
	}
}

func TestNativeExportRefusesSymlinks(t *testing.T) {
	c, items := nativeFullCollection()
	dir, elsewhere := t.TempDir(), t.TempDir()
	if err := os.Symlink(elsewhere, filepath.Join(dir, "Users-Admin")); err != nil {
		t.Fatal(err)
	}
	if _, err := ExportNativeFolder(dir, c, items); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Fatalf("err = %v", err)
	}
	if entries, _ := os.ReadDir(elsewhere); len(entries) != 0 {
		t.Errorf("the export wrote through the link: %v", entries)
	}
}
