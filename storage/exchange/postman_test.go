package exchange

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/knockhttp/knock/storage"
)

func postmanImportString(t *testing.T, doc string) *Result {
	t.Helper()
	res, err := ImportPostman("test.postman_collection.json", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestPostmanAuthEveryType(t *testing.T) {
	doc := `{
  "info": {"name": "auth", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
  "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "collection-token", "type": "string"}]},
  "item": [
    {"name": "inherit (no auth key)", "request": {"method": "GET", "url": "http://a"}},
    {"name": "inherit (explicit)", "request": {"method": "GET", "url": "http://a", "auth": {"type": "inherit"}}},
    {"name": "noauth", "request": {"method": "GET", "url": "http://a", "auth": {"type": "noauth"}}},
    {"name": "basic", "request": {"url": "http://a", "auth": {"type": "basic", "basic": [{"key": "username", "value": "u"}, {"key": "password", "value": "p"}]}}},
    {"name": "basic v2.0", "request": {"url": "http://a", "auth": {"type": "basic", "basic": {"username": "u0", "password": "p0", "saveHelperData": true}}}},
    {"name": "digest", "request": {"url": "http://a", "auth": {"type": "digest", "digest": [{"key": "username", "value": "d"}, {"key": "algorithm", "value": "SHA-256"}]}}},
    {"name": "bearer", "request": {"url": "http://a", "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "t"}]}}},
    {"name": "apikey", "request": {"url": "http://a", "auth": {"type": "apikey", "apikey": [{"key": "key", "value": "X-Key"}, {"key": "value", "value": "v"}, {"key": "in", "value": "header"}]}}},
    {"name": "awsv4", "request": {"url": "http://a", "auth": {"type": "awsv4", "awsv4": [{"key": "accessKey", "value": "AK"}, {"key": "secretKey", "value": "SK"}, {"key": "region", "value": "eu-west-1"}]}}},
    {"name": "hawk", "request": {"url": "http://a", "auth": {"type": "hawk", "hawk": [{"key": "authId", "value": "id"}, {"key": "authKey", "value": "k"}, {"key": "appId", "value": "app1"}]}}},
    {"name": "oauth1", "request": {"url": "http://a", "auth": {"type": "oauth1", "oauth1": [{"key": "consumerKey", "value": "ck"}, {"key": "addParamsToHeader", "value": true, "type": "boolean"}]}}},
    {"name": "oauth2", "request": {"url": "http://a", "auth": {"type": "oauth2", "oauth2": [{"key": "grant_type", "value": "client_credentials"}, {"key": "resource", "value": {"id-1": "https://r"}, "type": "any"}]}}},
    {"name": "ntlm", "request": {"url": "http://a", "auth": {"type": "ntlm", "ntlm": [{"key": "username", "value": "n"}, {"key": "domain", "value": "D"}]}}},
    {"name": "edgegrid", "request": {"url": "http://a", "auth": {"type": "edgegrid", "edgegrid": [{"key": "maxBodySize", "value": 2048, "type": "number"}]}}},
    {"name": "jwt", "request": {"url": "http://a", "auth": {"type": "jwt", "jwt": [{"key": "algorithm", "value": "HS256"}, {"key": "secret", "value": "js"}]}}},
    {"name": "asap", "request": {"url": "http://a", "auth": {"type": "asap", "asap": [{"key": "privateKey", "value": "very-private-asap-key"}]}}},
    {"name": "Folder", "auth": {"type": "digest", "digest": [{"key": "username", "value": "f"}]}, "item": [
      {"name": "in folder", "request": {"url": "http://a"}},
      {"name": "Sub", "item": [{"name": "deep", "request": {"url": "http://a"}}]}
    ]}
  ]
}`
	res := postmanImportString(t, doc)
	want := map[string]storage.AuthSpec{
		"inherit (no auth key)": {Type: storage.AuthInherit},
		"inherit (explicit)":    {Type: storage.AuthInherit},
		"noauth":                {Type: storage.AuthNone},
		"basic":                 {Type: "basic", Params: map[string]string{"username": "u", "password": "p"}},
		"basic v2.0":            {Type: "basic", Params: map[string]string{"username": "u0", "password": "p0", "saveHelperData": "true"}},
		"digest":                {Type: "digest", Params: map[string]string{"username": "d", "algorithm": "SHA-256"}},
		"bearer":                {Type: "bearer", Params: map[string]string{"token": "t"}},
		"apikey":                {Type: "apikey", Params: map[string]string{"key": "X-Key", "value": "v", "in": "header"}},
		"awsv4":                 {Type: "awsv4", Params: map[string]string{"accessKey": "AK", "secretKey": "SK", "region": "eu-west-1"}},
		"hawk":                  {Type: "hawk", Params: map[string]string{"authId": "id", "authKey": "k", "app": "app1"}},
		"oauth1":                {Type: "oauth1", Params: map[string]string{"consumerKey": "ck", "addParamsToHeader": "true"}},
		"oauth2":                {Type: "oauth2", Params: map[string]string{"grant_type": "client_credentials", "resource": "https://r"}},
		"ntlm":                  {Type: "ntlm", Params: map[string]string{"username": "n", "domain": "D"}},
		"edgegrid":              {Type: "edgegrid", Params: map[string]string{"maxBodySize": "2048"}},
		"jwt":                   {Type: "jwt", Params: map[string]string{"algorithm": "HS256", "secret": "js"}},
		"asap":                  {Type: storage.AuthNone},
		"Folder/in folder":      {Type: storage.AuthInherit},
		"Folder/Sub/deep":       {Type: storage.AuthInherit},
	}
	for path, w := range want {
		if got := nativeMust(t, res, path).Auth; !reflect.DeepEqual(got, w) {
			t.Errorf("%s: auth %+v, want %+v", path, got, w)
		}
	}
	nativeEq(t, "collection auth", res.Collection.Auth.Params["token"], "collection-token")
	nativeEq(t, "folder auth", nativeFindFolder(res.Items, "Folder").Folder.Auth.Type, "digest")
	nativeEq(t, "sub-folder inherits", nativeFindFolder(res.Items, "Folder/Sub").Folder.Auth.Type, "")
	if !nativeHasSkip(res.Report, "asap", `auth type "asap" is not supported`) {
		t.Errorf("asap must be reported: %+v", res.Report.Skipped)
	}
	if !nativeHasSkip(res.Report, "basic v2.0", "saveHelperData") {
		t.Errorf("unused parameters must be reported: %+v", res.Report.Skipped)
	}
	for _, s := range res.Report.Skipped {
		if strings.Contains(s.Reason, "very-private") {
			t.Errorf("a report reason holds a secret value: %q", s.Reason)
		}
	}
}

func TestPostmanBodiesAndRows(t *testing.T) {
	doc := `{
  "info": {"name": "bodies", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
  "item": [
    {"name": "json", "request": {"method": "POST", "url": "http://a", "body": {"mode": "raw", "raw": "{}", "options": {"raw": {"language": "json"}}}}},
    {"name": "xml", "request": {"method": "POST", "url": "http://a", "body": {"mode": "raw", "raw": "<a/>", "options": {"raw": {"language": "xml"}}}}},
    {"name": "text", "request": {"method": "POST", "url": "http://a", "body": {"mode": "raw", "raw": "hi", "options": {"raw": {"language": "text"}}}}},
    {"name": "urlencoded", "request": {"method": "POST", "url": "http://a", "body": {"mode": "urlencoded", "urlencoded": [{"key": "a", "value": "1"}, {"key": "b", "value": "2", "disabled": true}]}}},
    {"name": "formdata", "request": {"method": "POST", "url": "http://a", "body": {"mode": "formdata", "formdata": [
      {"key": "t", "value": "v", "type": "text"},
      {"key": "many", "type": "file", "src": ["a.png", "b.png"]},
      {"key": "none", "type": "file", "src": null},
      {"key": "off", "value": "x", "disabled": true}
    ]}}},
    {"name": "file", "request": {"method": "PUT", "url": "http://a", "body": {"mode": "file", "file": {"src": "blob.bin"}}}},
    {"name": "graphql", "request": {"method": "POST", "url": "http://a", "body": {"mode": "graphql", "graphql": {"query": "{ a }", "variables": {"x": 1}}}}},
    {"name": "rows", "request": {"method": "GET", "url": {"raw": "http://a/p?q=1&r=a%20b&plus=1%2B1#frag", "query": [
      {"key": "q", "value": "1"}, {"key": "r", "value": "a%20b"}, {"key": "plus", "value": "1%2B1"}, {"key": "off", "value": "x", "disabled": true}
    ]}, "header": [{"key": "A", "value": "1"}, {"key": "B", "value": "2", "disabled": true}, {"key": "C", "value": "3", "enabled": false}]}},
    {"name": "parts", "request": {"method": "GET", "url": {"protocol": "https", "host": ["api", "example", "com"], "port": "8443", "path": ["v1", "users"], "hash": "top"}}}
  ]
}`
	res := postmanImportString(t, doc)
	check := func(name string, want storage.Body) {
		t.Helper()
		if got := nativeMust(t, res, name).Body; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: body %s, want %s", name, nativeJSON(got), nativeJSON(want))
		}
	}
	check("json", storage.Body{Mode: storage.BodyRaw, Raw: "{}", ContentType: "application/json"})
	check("xml", storage.Body{Mode: storage.BodyRaw, Raw: "<a/>", ContentType: "application/xml"})
	check("text", storage.Body{Mode: storage.BodyRaw, Raw: "hi", ContentType: "text/plain"})
	check("urlencoded", storage.Body{Mode: storage.BodyURLEncoded, Form: []storage.KeyValue{{Key: "a", Value: "1", Enabled: true}, {Key: "b", Value: "2"}}})
	check("formdata", storage.Body{Mode: storage.BodyFormData, Multipart: []storage.FormPart{
		{Key: "t", Value: "v", Enabled: true}, {Key: "many", File: "a.png", Enabled: true}, {Key: "many", File: "b.png", Enabled: true},
		{Key: "none", Enabled: true}, {Key: "off", Value: "x"},
	}})
	check("file", storage.Body{Mode: storage.BodyFile, File: "blob.bin"})
	check("graphql", storage.Body{Mode: storage.BodyGraphQL, GraphQL: &storage.GraphQL{Query: "{ a }", Variables: `{"x":1}`}})
	rows := nativeMust(t, res, "rows")
	nativeEq(t, "URL without the query, with the fragment", rows.URL, "http://a/p#frag")
	wantParams := []storage.KeyValue{{Key: "q", Value: "1", Enabled: true}, {Key: "r", Value: "a b", Enabled: true}, {Key: "plus", Value: "1+1", Enabled: true}, {Key: "off", Value: "x"}}
	if !reflect.DeepEqual(rows.Params, wantParams) {
		t.Errorf("params %s", nativeJSON(rows.Params))
	}
	wantHeaders := []storage.KeyValue{{Key: "A", Value: "1", Enabled: true}, {Key: "B", Value: "2"}, {Key: "C", Value: "3"}}
	if !reflect.DeepEqual(rows.Headers, wantHeaders) {
		t.Errorf("headers %s", nativeJSON(rows.Headers))
	}
	nativeEq(t, "URL from parts", nativeMust(t, res, "parts").URL, "https://api.example.com:8443/v1/users#top")
	if !nativeHasSkip(res.Report, "formdata", `"none" names no file`) {
		t.Error("a file part without a file must be reported")
	}
}

func TestPostmanErrorsNameThePlace(t *testing.T) {
	cases := map[string]struct{ doc, want string }{
		"url type":         {`{"info": {"name": "x"}, "item": [{"name": "a", "request": {"url": "http://a"}}, {"name": "b", "request": {"url": 5}}]}`, "item[1].request.url: want a string or an object, got a number"},
		"nested":           {`{"info": {"name": "x"}, "item": [{"name": "f", "item": [{"name": "a", "request": {"header": [{"key": {}}]}}]}]}`, "item[0].item[0].request.header[0].key: want a string, got an object"},
		"auth params":      {`{"info": {"name": "x"}, "item": [{"name": "a", "request": {"auth": {"type": "basic", "basic": "u:p"}}}]}`, "item[0].request.auth.basic: want an array or an object, got a string"},
		"item list":        {`{"info": {"name": "x"}, "item": [{"name": "a", "item": {}}]}`, "item[0].item: want an array, got an object"},
		"variable":         {`{"info": {"name": "x"}, "item": [], "variable": [{"key": []}]}`, "variable[0].key: want a string, got an array"},
		"script":           {`{"info": {"name": "x"}, "item": [{"name": "a", "request": "http://a", "event": [{"listen": "test", "script": {"exec": [1, {}]}}]}]}`, "item[0].event[0].script.exec[1]: want a string, got an object"},
		"environment":      {`{"name": "e", "values": [{"key": "a", "value": "1"}, {"key": "b", "enabled": "maybe"}]}`, "values[1].enabled: want true or false"},
		"syntax":           {"{\n  \"info\": {\"name\": \"x\"},\n  \"item\": [\n    {\"name\": \"a\",}\n  ]\n}", "line 4, column 18"},
		"truncated":        {"{\"info\": {\"name\": \"x\"}, \"item\": [", "ends in the middle"},
		"not postman":      {`{"openapi": "3.0.0"}`, "not a Postman collection"},
		"deeply nested":    {`{"info": {"name": "x"}, "item": [` + strings.Repeat(`{"name": "f", "item": [`, 70) + strings.Repeat(`]}`, 70) + `]}`, "nested deeper than 64"},
		"trailing garbage": {`{"info": {"name": "x"}, "item": []} {}`, "after the end"},
	}
	for name, tc := range cases {
		res, err := ImportPostman("bad.json", []byte(tc.doc))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", name, err, tc.want)
		}
		if res != nil {
			t.Errorf("%s: a failed import returned a partial result", name)
		}
	}
	// Through Import, the error also names the file and the format.
	_, err := Import("dir/bad.postman_collection.json", []byte(cases["url type"].doc), "postman")
	if err == nil || !strings.HasPrefix(err.Error(), "dir/bad.postman_collection.json: postman: item[1].request.url") {
		t.Errorf("Import error: %v", err)
	}
}

func TestPostmanEnvironmentEncodings(t *testing.T) {
	src := filepath.Join(nativeCorpusDir(t), "postman", "environments", "insomnia-fixture__postman-env-basic-input.json")
	plain := nativeReadFile(t, src)
	units := utf16.Encode([]rune(string(plain)))
	be := []byte{0xFE, 0xFF}
	le := []byte{0xFF, 0xFE}
	for _, u := range units {
		be = append(be, byte(u>>8), byte(u))
		le = append(le, byte(u), byte(u>>8))
	}
	for name, data := range map[string][]byte{
		"utf-8":     plain,
		"utf-8 bom": append([]byte{0xEF, 0xBB, 0xBF}, plain...),
		"utf-16 be": be,
		"utf-16 le": le,
	} {
		res, err := Import("env.json", data, "")
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if res.Format != "postman" || res.Environments[0].Name != "Production Env" || res.Environments[0].Variables[0].Value != "production" {
			t.Errorf("%s: %+v", name, res.Environments)
		}
	}
	res := postmanImportFile(t, `{"name": "s", "values": [{"key": "token", "value": "abc", "type": "secret"}, {"key": "ref", "value": "{{KNOCK_SECRET_REF}}", "type": "secret"}]}`)
	vs := res.Environments[0].Variables
	if !vs[0].Secret || vs[0].Value != "abc" {
		t.Errorf("secret variable: %+v", vs[0])
	}
	if !vs[1].Secret || vs[1].Value != "" || len(res.Report.Secrets) != 1 || res.Report.Secrets[0].Name != "KNOCK_SECRET_REF" {
		t.Errorf("a Knock placeholder must become a secret to fill: %+v, %+v", vs[1], res.Report.Secrets)
	}
}

func postmanImportFile(t *testing.T, doc string) *Result {
	t.Helper()
	res, err := ImportPostman("e.postman_environment.json", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestPostmanExportValidatesAndReimports exports the every-feature
// collection, validates it against the official v2.1 schema, imports it
// back and compares what Postman can carry.
func TestPostmanExportValidatesAndReimports(t *testing.T) {
	c, items := nativeFullCollection()
	data, skipped, err := ExportPostman(c, items)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range nativeSecretValues {
		if bytes.Contains(data, []byte(s)) {
			t.Errorf("the export holds the secret %q", s)
		}
	}
	schemaPath := filepath.Join(filepath.Dir(nativeCorpusDir(t)), "schemas", "postman-collection-v2.1", "collection.bundled.json")
	comp := jsonschema.NewCompiler()
	sch, err := comp.Compile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Fatalf("the export does not validate: %v\n%s", err, data)
	}
	for _, want := range []string{"assertions", "timeouts", "CA file", "default headers of the collection", "default headers of a folder", "proxy's password", "proxy auth"} {
		found := false
		for _, s := range skipped {
			found = found || strings.Contains(s.Reason, want)
		}
		if !found {
			t.Errorf("the export should report %q: %+v", want, skipped)
		}
	}

	res, err := ImportPostman("full.postman_collection.json", data)
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]string{}
	for k, v := range nativeExpectedSecrets {
		values[k] = v
	}
	values["KNOCK_SECRET_PASSWORD_2"] = "s3cr3t-folder-pass"
	if missing := res.FillSecrets(nativeFill(values)); len(missing) > 0 {
		t.Errorf("missing after the Postman round trip: %+v", missing)
	}
	nativeEq(t, "collection token", res.Collection.Auth.Params["token"], "s3cr3t-collection-token")
	wantVars := append([]storage.Variable(nil), c.Variables...)
	wantVars[2].Secret = false // Postman has no secret collection variables; a {{template}} value needs none
	if !reflect.DeepEqual(res.Collection.Variables, wantVars) {
		t.Errorf("variables %s, want %s", nativeJSON(res.Collection.Variables), nativeJSON(c.Variables))
	}
	if !reflect.DeepEqual(res.Collection.Scripts, c.Scripts) {
		t.Errorf("collection scripts %s", nativeJSON(res.Collection.Scripts))
	}
	folder := nativeFindFolder(res.Items, "Users/Admin")
	if folder == nil || !reflect.DeepEqual(folder.Folder.Auth, items[1].Folder.Auth) || !reflect.DeepEqual(folder.Folder.Variables, items[1].Folder.Variables) || folder.Folder.Description != "Folder description" {
		t.Errorf("folder: %s", nativeJSON(folder))
	}
	if nativeFindFolder(res.Items, "Users/Admin/Empty") == nil || nativeFindFolder(res.Items, "Users/Admin/Nested").Folder.Auth.Type != storage.AuthNone {
		t.Error("empty and no-auth folders must survive")
	}
	wantReqs := nativeRequestsOf(items)
	gotReqs := nativeRequestsOf(res.Items)
	if len(gotReqs) != len(wantReqs) {
		t.Fatalf("%d requests, want %d", len(gotReqs), len(wantReqs))
	}
	for i, w := range wantReqs {
		g := gotReqs[i]
		type carried struct {
			Name, Description, Method, URL string
			Params, Headers                []storage.KeyValue
			Body                           storage.Body
			Auth                           storage.AuthSpec
			Scripts                        []storage.Script
			NoFollow, Insecure             bool
			MaxRedirects                   int
			ClientCert, ClientKey, CertPW  string
		}
		pick := func(r *storage.Request) carried {
			// Postman keeps only the body of the chosen mode; a file
			// body's content type travels as a header.
			b := storage.Body{Mode: r.Body.Mode}
			switch r.Body.Mode {
			case storage.BodyRaw:
				b.Raw, b.ContentType = r.Body.Raw, r.Body.ContentType
			case storage.BodyURLEncoded:
				b.Form = r.Body.Form
			case storage.BodyFormData:
				b.Multipart = r.Body.Multipart
			case storage.BodyFile:
				b.File = r.Body.File
			case storage.BodyGraphQL:
				b.GraphQL = r.Body.GraphQL
			}
			var hs []storage.KeyValue
			for _, h := range r.Headers {
				if r.Body.Mode == storage.BodyFile && h.Key == "Content-Type" {
					continue
				}
				hs = append(hs, h)
			}
			return carried{r.Name, r.Description, r.Method, r.URL, r.Params, hs, b, r.Auth, r.Scripts,
				r.Settings.NoFollow, r.Settings.Insecure, r.Settings.MaxRedirects, r.Settings.ClientCert, r.Settings.ClientKey, r.Settings.ClientCertPassword}
		}
		if gp, wp := pick(g), pick(w); !reflect.DeepEqual(gp, wp) {
			t.Errorf("%s differs after the round trip:\n got %s\nwant %s", w.Name, nativeJSON(gp), nativeJSON(wp))
		}
		if len(g.Examples) != len(w.Examples) {
			t.Errorf("%s: %d examples, want %d", w.Name, len(g.Examples), len(w.Examples))
			continue
		}
		for j := range w.Examples {
			ge, we := g.Examples[j], w.Examples[j]
			if ge.Name != we.Name || ge.Status != we.Status || ge.Body != we.Body || ge.ContentType != we.ContentType {
				t.Errorf("%s: example %d: %s, want %s", w.Name, j, nativeJSON(ge), nativeJSON(we))
			}
			if (we.Request == nil) != (ge.Request == nil) || (we.Request != nil && ge.Request.URL != we.Request.URL) {
				t.Errorf("%s: example %d request: %s", w.Name, j, nativeJSON(ge.Request))
			}
		}
	}
	if proxy := gotReqs[0].Settings.Proxy; proxy != "http://proxy.example:3128" {
		t.Errorf("proxy %q", proxy)
	}
}

func TestPostmanExportEdgeCases(t *testing.T) {
	c := &storage.Collection{Name: "edge"}
	items := []storage.TreeItem{
		{Request: &storage.Request{Name: "own query", Method: "GET", URL: "http://a/p?x=1&y=a%20b#f", Params: []storage.KeyValue{{Key: "z", Value: "a&b=c#d%e+f", Enabled: true}}}},
		{Request: &storage.Request{Name: "negotiate", Method: "GET", URL: "http://a", Auth: storage.AuthSpec{Type: "negotiate", Params: map[string]string{"username": "u"}}}},
		{Request: &storage.Request{Name: "header auth", Method: "GET", URL: "http://a", Auth: storage.AuthSpec{Type: "header", Params: map[string]string{"name": "X-Token", "value": "hdr-secret"}}}},
		{Request: &storage.Request{Name: "yaml", Method: "POST", URL: "http://a", Body: storage.Body{Mode: storage.BodyRaw, Raw: "a: 1", ContentType: "application/yaml"}}},
		{Request: &storage.Request{Name: "none", URL: "http://a"}},
	}
	data, skipped, err := ExportPostman(c, items)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("hdr-secret")) {
		t.Error("the header auth's secret was exported")
	}
	var out struct {
		Item []struct {
			Request struct {
				Method string
				Auth   map[string]any
				Header []struct{ Key, Value string }
				URL    struct {
					Raw   string
					Query []struct{ Key, Value string }
				}
			}
		}
	}
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	nativeEq(t, "raw URL", out.Item[0].Request.URL.Raw, "http://a/p?x=1&y=a%20b&z=a%26b%3Dc%23d%25e%2Bf#f")
	nativeEq(t, "query rows", len(out.Item[0].Request.URL.Query), 3)
	nativeEq(t, "negotiate becomes noauth", out.Item[1].Request.Auth["type"], any("noauth"))
	nativeEq(t, "header auth becomes a header", out.Item[2].Request.Header[0].Key+": "+out.Item[2].Request.Header[0].Value, "X-Token: {{KNOCK_SECRET_VALUE}}")
	nativeEq(t, "unknown content type becomes a header", out.Item[3].Request.Header[0].Value, "application/yaml")
	nativeEq(t, "empty method", out.Item[4].Request.Method, "GET")
	if len(skipped) != 1 || !strings.Contains(skipped[0].Reason, "negotiate") {
		t.Errorf("skipped: %+v", skipped)
	}
	res, err := ImportPostman("edge.json", data)
	if err != nil {
		t.Fatal(err)
	}
	r := res.Items[0].Request
	nativeEq(t, "URL after the round trip", r.URL, "http://a/p#f")
	want := []storage.KeyValue{{Key: "x", Value: "1", Enabled: true}, {Key: "y", Value: "a b", Enabled: true}, {Key: "z", Value: "a&b=c#d%e+f", Enabled: true}}
	if !reflect.DeepEqual(r.Params, want) {
		t.Errorf("params %s", nativeJSON(r.Params))
	}
}

func TestPostmanDetect(t *testing.T) {
	root := nativeCorpusDir(t)
	detectors := map[string]func(string, []byte) bool{
		"postman": postmanDetect, "insomnia": insomniaDetect, "har": harDetect, "native": nativeDetect,
	}
	owners := map[string]string{"postman": "postman", "insomnia": "insomnia", "har": "har"}
	for _, dir := range []string{"postman", "har", "insomnia", "openapi", "http", "bruno", "curl"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data := nativeReadFile(t, p)
			for format, detect := range detectors {
				if got, want := detect(p, data), owners[dir] == format; got != want {
					t.Errorf("%s detector on %s: %v, want %v", format, p, got, want)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
