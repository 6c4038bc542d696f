package exchange

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/knockhttp/knock/storage"
)

// nativeSecretValues are the secret values of nativeFullCollection. None
// of them may appear in any exported file.
var nativeSecretValues = []string{
	"s3cr3t-collection-token", "s3cr3t-folder-pass", "s3cr3t-request-pass", "s3cr3t-oauth-client",
	"s3cr3t-cert-pass", "s3cr3t-proxy-pass", "s3cr3t-proxyauth-pass", "s3cr3t-bearer-header",
	"s3cr3t-variable", "s3cr3t-folder-variable", "s3cr3t-cookie", "s3cr3t-apikey",
}

// nativeFullRequest carries every field of a request, secrets included.
func nativeFullRequest() *storage.Request {
	return &storage.Request{
		Name:        "Create <user> & more",
		Description: "Creates a user.\nSecond line with \"quotes\".",
		Method:      "PROPFIND",
		URL:         "{{base}}/users/{{id}}",
		Params: []storage.KeyValue{
			{Key: "dry", Value: "1", Enabled: true},
			{Key: "dry", Value: "2 + 2 = 4 & 100%", Enabled: false},
		},
		Headers: []storage.KeyValue{
			{Key: "X-Trace", Value: "abc", Enabled: true},
			{Key: "Authorization", Value: "Bearer s3cr3t-bearer-header", Enabled: false},
			{Key: "Cookie", Value: "session=s3cr3t-cookie", Enabled: true},
			{Key: "X-Off", Value: "off", Enabled: false},
		},
		Body: storage.Body{
			Mode:        storage.BodyRaw,
			Raw:         "{\"name\": \"<ann>\"}\n",
			ContentType: "application/json",
			Form:        []storage.KeyValue{{Key: "kept", Value: "for later", Enabled: false}},
		},
		Auth: storage.AuthSpec{Type: "basic", Params: map[string]string{"username": "ann", "password": "s3cr3t-request-pass"}},
		Settings: storage.Settings{
			TimeoutMs: 30000, ConnectTimeoutMs: 5000, NoFollow: true, MaxRedirects: 3, Insecure: true,
			CAFile: "/etc/ca.pem", ClientCert: "/etc/client.p12", ClientKey: "/etc/client.key",
			ClientCertPassword: "s3cr3t-cert-pass",
			Proxy:              "http://proxyuser:s3cr3t-proxy-pass@proxy.example:3128",
			ProxyAuth:          &storage.AuthSpec{Type: "basic", Params: map[string]string{"username": "pu", "password": "s3cr3t-proxyauth-pass"}},
			NoNetrc:            true,
		},
		Assertions: []storage.Assertion{
			{Kind: storage.AssertStatus, Op: "==", Value: "201", Enabled: true},
			{Kind: storage.AssertHeader, Target: "Content-Type", Op: "contains", Value: "json", Enabled: false},
			{Kind: storage.AssertJQ, Target: ".id", Op: "!=", Value: "null", Enabled: true},
		},
		Scripts: []storage.Script{
			{Event: "prerequest", Language: "javascript", Text: "pm.environment.set('a', 1);\nconsole.log('x');"},
			{Event: "test", Language: "javascript", Text: "pm.test('ok', () => {});"},
		},
		Examples: []storage.Example{
			{Name: "Created", Status: 201, Header: []storage.KeyValue{{Key: "Content-Type", Value: "application/json", Enabled: true}}, Body: "{\"id\": 7}", ContentType: "application/json"},
			{Name: "Other request", Status: 400, Body: "bad", Request: &storage.Request{Method: "POST", URL: "{{base}}/users", Headers: []storage.KeyValue{{Key: "X-A", Value: "b", Enabled: true}}}},
		},
	}
}

// nativeFullCollection is a collection with every feature: every body
// mode, auth with secret and non-secret parameters, folders (nested) with
// auth, variables and headers, and secrets in every kind of slot.
func nativeFullCollection() (*storage.Collection, []storage.TreeItem) {
	c := &storage.Collection{
		Name:        "Full API",
		Description: "Everything Knock can hold.",
		Auth:        storage.AuthSpec{Type: "bearer", Params: map[string]string{"token": "s3cr3t-collection-token", "prefix": "Token"}},
		Variables: []storage.Variable{
			{Key: "base", Value: "https://api.example", Enabled: true},
			{Key: "apiToken", Value: "s3cr3t-variable", Enabled: true, Secret: true},
			{Key: "templated", Value: "{{other}}", Enabled: true, Secret: true},
			{Key: "off", Value: "x", Enabled: false},
		},
		Headers: []storage.KeyValue{{Key: "X-Client", Value: "knock", Enabled: true}, {Key: "X-Off", Value: "1", Enabled: false}},
		Scripts: []storage.Script{{Event: "prerequest", Language: "javascript", Text: "// collection script"}},
	}
	urlencoded := &storage.Request{Name: "Form", Method: "POST", URL: "{{base}}/form", Auth: storage.AuthSpec{Type: storage.AuthInherit},
		Body: storage.Body{Mode: storage.BodyURLEncoded, Form: []storage.KeyValue{{Key: "a", Value: "1", Enabled: true}, {Key: "a", Value: "2", Enabled: false}}}}
	multipart := &storage.Request{Name: "Upload", Method: "POST", URL: "{{base}}/upload", Auth: storage.AuthSpec{Type: storage.AuthNone},
		Body: storage.Body{Mode: storage.BodyFormData, Multipart: []storage.FormPart{
			{Key: "meta", Value: "{\"k\":1}", ContentType: "application/json", Enabled: true},
			{Key: "file", File: "./photo.png", ContentType: "image/png", Enabled: true},
			{Key: "old", Value: "x", Enabled: false},
		}}}
	file := &storage.Request{Name: "Binary", Method: "PUT", URL: "{{base}}/blob", Auth: storage.AuthSpec{Type: "apikey", Params: map[string]string{"key": "X-API-Key", "value": "s3cr3t-apikey", "in": "header"}},
		Body: storage.Body{Mode: storage.BodyFile, File: "./payload.bin", ContentType: "application/octet-stream"}}
	graphql := &storage.Request{Name: "Query", Method: "POST", URL: "{{base}}/graphql",
		Auth: storage.AuthSpec{Type: "oauth2", Params: map[string]string{"grant_type": "client_credentials", "accessTokenUrl": "https://auth.example/token", "clientId": "knock", "clientSecret": "s3cr3t-oauth-client", "scope": "read write"}},
		Body: storage.Body{Mode: storage.BodyGraphQL, GraphQL: &storage.GraphQL{Query: "query Q($id: ID!) { user(id: $id) { name } }", Variables: "{\"id\": \"7\"}", OperationName: "Q"}}}
	none := &storage.Request{Name: "Plain GET", Method: "GET", URL: "{{base}}/ping", Auth: storage.AuthSpec{Type: "digest", Params: map[string]string{"username": "ann", "password": "{{digestPassword}}"}}}
	deep := &storage.Request{Name: "Deep", Method: "DELETE", URL: "{{base}}/deep", Auth: storage.AuthSpec{Type: storage.AuthInherit}}
	items := []storage.TreeItem{
		{Request: nativeFullRequest()},
		{Folder: &storage.Folder{
			Name: "Users/Admin", Description: "Folder description",
			Auth:      storage.AuthSpec{Type: "basic", Params: map[string]string{"username": "folder", "password": "s3cr3t-folder-pass"}},
			Variables: []storage.Variable{{Key: "fv", Value: "1", Enabled: true}, {Key: "fs", Value: "s3cr3t-folder-variable", Enabled: true, Secret: true}},
			Headers:   []storage.KeyValue{{Key: "X-Folder", Value: "yes", Enabled: true}},
			Scripts:   []storage.Script{{Event: "test", Language: "javascript", Text: "// folder test"}},
		}, Children: []storage.TreeItem{
			{Request: urlencoded},
			{Request: multipart},
			{Folder: &storage.Folder{Name: "Empty"}},
			{Folder: &storage.Folder{Name: "Nested", Auth: storage.AuthSpec{Type: storage.AuthNone}}, Children: []storage.TreeItem{{Request: deep}}},
		}},
		{Request: file},
		{Request: graphql},
		{Request: none},
	}
	return c, items
}

// nativeCheckAllFieldsSet fails when a field of storage.Request (and the
// types inside it) is zero in every request given: a new field that the
// round-trip tests do not carry.
func nativeCheckAllFieldsSet(t *testing.T, reqs []*storage.Request) {
	t.Helper()
	seen := map[string]bool{}
	var visit func(path string, v reflect.Value)
	visit = func(path string, v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				seen[path] = true
				visit(path, v.Elem())
			}
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				f := v.Type().Field(i)
				visit(path+"."+f.Name, v.Field(i))
			}
		case reflect.Slice:
			if v.Len() > 0 {
				seen[path] = true
			}
			for i := 0; i < v.Len(); i++ {
				visit(path, v.Index(i))
			}
		default:
			if !v.IsZero() {
				seen[path] = true
			}
		}
	}
	for _, r := range reqs {
		visit("Request", reflect.ValueOf(*r))
	}
	var all []string
	var list func(path string, t reflect.Type, depth int)
	list = func(path string, t reflect.Type, depth int) {
		if depth > 3 {
			return
		}
		switch t.Kind() {
		case reflect.Pointer:
			all = append(all, path)
			list(path, t.Elem(), depth+1)
		case reflect.Struct:
			for i := 0; i < t.NumField(); i++ {
				f := t.Field(i)
				list(path+"."+f.Name, f.Type, depth)
			}
		case reflect.Slice:
			all = append(all, path)
			list(path, t.Elem(), depth+1)
		default:
			all = append(all, path)
		}
	}
	list("Request", reflect.TypeFor[storage.Request](), 0)
	for _, p := range all {
		// IDs and store references are never carried; an example's nested
		// request is covered by the top-level fields.
		if strings.HasSuffix(p, ".ID") || strings.HasSuffix(p, "Ref") || strings.HasSuffix(p, "SecretRefs") || strings.HasPrefix(p, "Request.Examples.Request.") {
			continue
		}
		if !seen[p] {
			t.Errorf("no test request sets %s: add it to nativeFullCollection (and check every exporter carries it)", p)
		}
	}
}

// nativeRequestsOf lists the requests of a tree.
func nativeRequestsOf(items []storage.TreeItem) []*storage.Request {
	var out []*storage.Request
	for _, it := range items {
		if it.Request != nil {
			out = append(out, it.Request)
		}
		out = append(out, nativeRequestsOf(it.Children)...)
	}
	return out
}

// nativeCorpusDir finds shared/corpus by walking up from the test's
// directory (in CI it is ../shared/corpus from the repository root).
func nativeCorpusDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for range 8 {
		c := filepath.Join(dir, "shared", "corpus")
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			return c
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	t.Fatal("shared/corpus not found above the test directory")
	return ""
}

// nativeReadFile reads a file or fails the test.
func nativeReadFile(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
