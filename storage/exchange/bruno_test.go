package exchange

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/knockhttp/knock/storage"
)

// TestBrunoCorpus imports every .bru file of corpus/bruno and checks
// fields read from the files by hand.
func TestBrunoCorpus(t *testing.T) {
	dir := curlCorpusDir(t, "bruno")
	type check func(t *testing.T, res *Result, r *storage.Request)
	authIs := func(t *testing.T, a storage.AuthSpec, typ string, params map[string]string) {
		t.Helper()
		if a.Type != typ || !reflect.DeepEqual(a.Params, params) {
			t.Errorf("auth %+v, want %s %v", a, typ, params)
		}
	}
	assertions := func(t *testing.T, got []storage.Assertion, want ...storage.Assertion) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("assertions %+v, want %+v", got, want)
		}
	}
	status200 := storage.Assertion{Kind: storage.AssertStatus, Op: "==", Value: "200", Enabled: true}
	want := map[string]struct {
		requests int
		check    check
	}{
		"bruno-e2e__EdgeGrid_GET_200.bru": {1, func(t *testing.T, res *Result, r *storage.Request) {
			if r.Name != "EdgeGrid GET 200" || r.Method != "GET" || r.URL != "{{localhost}}/api/auth/edgegrid/resource" {
				t.Errorf("%q %s %s", r.Name, r.Method, r.URL)
			}
			authIs(t, r.Auth, "edgegrid", map[string]string{"accessToken": "akab-access-token-bruno-test", "clientToken": "akab-client-token-bruno-test",
				"clientSecret": "dGVzdC1jbGllbnQtc2VjcmV0LWZvci1icnVuby1lZGdlZ3JpZA=="})
			assertions(t, r.Assertions, status200, storage.Assertion{Kind: storage.AssertJQ, Target: ".authenticated", Op: "==", Value: "true", Enabled: true})
		}},
		"bruno-e2e__OAuth1_HMAC-SHA1_200.bru": {1, func(t *testing.T, res *Result, r *storage.Request) {
			authIs(t, r.Auth, "oauth1", map[string]string{"consumerKey": "consumer_key_1", "consumerSecret": "consumer_secret_1", "token": "access_token_1",
				"tokenSecret": "token_secret_1", "signatureMethod": "HMAC-SHA1", "version": "1.0", "placement": "header", "includeBodyHash": "false"})
			if len(r.Assertions) != 3 || r.Assertions[2].Target != ".resource.email" || r.Assertions[2].Value != "oauth1@example.com" {
				t.Errorf("assertions %+v", r.Assertions)
			}
		}},
		"bruno-e2e__apikey-dynamic-header-key.bru": {1, func(t *testing.T, res *Result, r *storage.Request) {
			authIs(t, r.Auth, "apikey", map[string]string{"key": "{{api_key_header_name}}", "value": "{{api_key_value}}", "in": "header"})
			if v := httpfileVars(res.Collection.Variables); v["api_key_header_name"] != "X-API-Key" || v["api_key_value"] != "secret-key-value" {
				t.Errorf("vars %v", v)
			}
			if len(r.Scripts) != 1 || r.Scripts[0].Event != "test" || !strings.HasPrefix(r.Scripts[0].Text, `test("detects API key auth`) || len(res.Report.NotRun) != 1 {
				t.Errorf("scripts %+v, not run %q", r.Scripts, res.Report.NotRun)
			}
		}},
		"bruno-e2e__cross-origin-redirect-awsv4-strip.bru": {1, func(t *testing.T, res *Result, r *storage.Request) {
			authIs(t, r.Auth, "awsv4", map[string]string{"accessKey": "DUMMY_KEY", "secretKey": "DUMMY_SECRET", "region": "us-east-1", "service": "execute-api"})
			if r.Settings.NoFollow || r.Settings.MaxRedirects != 5 || r.URL != "http://127.0.0.1:8081/api/redirect/cross-origin" {
				t.Errorf("%s %+v", r.URL, r.Settings)
			}
		}},
		"bruno-filestore__request-parse-and-redact-body-data-input.bru": {1, func(t *testing.T, res *Result, r *storage.Request) {
			b := r.Body
			if r.Method != "POST" || b.Mode != storage.BodyRaw || b.Raw != "{\n  \"hello\": \"world\"\n}" || b.ContentType != "application/json" {
				t.Errorf("%s %+v", r.Method, b)
			}
			if len(b.Form) != 3 || b.Form[2].Key != "message" || b.Form[2].Enabled || len(b.Multipart) != 3 || b.GraphQL == nil || b.GraphQL.Variables != "{\n  \"limit\": 5\n}" {
				t.Errorf("the other bodies %+v", b)
			}
			rep := httpfileReport(res.Report)
			for _, s := range []string{"body:text", "body:xml", "body:sparql"} {
				if !strings.Contains(rep, s+" is not the active body") {
					t.Errorf("%s is not reported:\n%s", s, rep)
				}
			}
		}},
		"bruno-lang__collection.bru": {0, func(t *testing.T, res *Result, _ *storage.Request) {
			c := res.Collection
			if c.Auth.Type != storage.AuthNone || len(c.Headers) != 3 || c.Headers[1].Value != "Bearer 123" || c.Headers[2].Enabled ||
				c.Description != "This request needs auth token to be set in the headers." || len(c.Scripts) != 2 {
				t.Errorf("%+v", c)
			}
			if !reflect.DeepEqual(c.Variables, []storage.Variable{{Key: "departingDate", Value: "2020-01-01", Enabled: true}, {Key: "returningDate", Value: "2020-01-02"}}) {
				t.Errorf("vars %+v", c.Variables)
			}
			if rep := httpfileReport(res.Report); !strings.Contains(rep, "auth:wsse is kept by Bruno but is not the active auth (none)") {
				t.Errorf("report:\n%s", rep)
			}
		}},
		"bruno-lang__form-data-complex.bru": {1, func(t *testing.T, res *Result, r *storage.Request) {
			want := []storage.FormPart{{Key: "document", File: "/path/to/file.pdf", Enabled: true}, {Key: "title", Value: "Quarterly Report 2024", Enabled: true},
				{Key: "description", Value: "Detailed quarterly financial analysis", Enabled: true}, {Key: "tags", Value: "finance,q4,2024", Enabled: true}}
			if r.Body.Mode != storage.BodyFormData || !reflect.DeepEqual(r.Body.Multipart, want) {
				t.Errorf("%+v", r.Body)
			}
			authIs(t, r.Auth, "bearer", map[string]string{"token": "upload-token-abc123xyz"})
			if !reflect.DeepEqual(r.Headers, []storage.KeyValue{{Key: "x-upload-version", Value: "v2", Enabled: true}}) {
				t.Errorf("headers %+v", r.Headers)
			}
			if len(r.Examples) != 2 || r.Examples[0].Name != "File Upload with Metadata" || r.Examples[0].Status != 200 ||
				!strings.HasPrefix(r.Examples[0].Body, "{\n  \"id\": \"file-12345\"") || r.Examples[0].ContentType != "application/json" {
				t.Errorf("examples %+v", r.Examples)
			}
		}},
		"bruno-lang__oauth2-examples.bru": {1, func(t *testing.T, res *Result, r *storage.Request) {
			authIs(t, r.Auth, "oauth2", map[string]string{"grant_type": "authorization_code_with_pkce", "redirect_uri": "https://api.example.com/oauth/callback",
				"authUrl": "https://oauth.example.com/authorize", "accessTokenUrl": "https://oauth.example.com/token", "refreshTokenUrl": "https://oauth.example.com/token",
				"clientId": "my-client-id", "clientSecret": "my-client-secret", "scope": "read write", "tokenName": "authorization", "headerPrefix": "Bearer",
				"client_authentication": "body"})
			if len(r.Examples) != 4 || !strings.HasPrefix(r.Description, "This collection demonstrates OAuth2 authentication flows.") {
				t.Errorf("%d examples, description %q", len(r.Examples), r.Description)
			}
		}},
		"bruno-lang__request.bru": {1, func(t *testing.T, res *Result, r *storage.Request) {
			if r.Name != "Send Bulk SMS" || r.Method != "GET" || r.URL != "https://api.textlocal.in/send/123" {
				t.Errorf("%q %s %s", r.Name, r.Method, r.URL)
			}
			if len(r.Params) != 8 || r.Params[4].Key != `nested escaped "quote"` || r.Params[6].Key != "disabled:colon:parameter" || r.Params[6].Enabled || r.Params[7].Enabled {
				t.Errorf("params %+v", r.Params)
			}
			if len(r.Headers) != 8 || r.Headers[3].Key != "colon:header" || r.Headers[7].Key != "transaction-id" || r.Headers[7].Enabled {
				t.Errorf("headers %+v", r.Headers)
			}
			authIs(t, r.Auth, "bearer", map[string]string{"token": "123"})
			assertions(t, r.Assertions, status200, storage.Assertion{Kind: storage.AssertJQ, Target: ".message", Op: "==", Value: "success"})
			if len(r.Scripts) != 2 || r.Scripts[0].Text != "const foo = 'bar';" || r.Description != "This request needs auth token to be set in the headers." {
				t.Errorf("scripts %+v description %q", r.Scripts, r.Description)
			}
			rep := httpfileReport(res.Report)
			for _, s := range []string{"auth:wsse is kept", "path parameter :id", "post-response variable orderNumber"} {
				if !strings.Contains(rep, s) {
					t.Errorf("not reported: %s", s)
				}
			}
		}},
		"bruno-tests__Basic_Auth_200.bru": {1, func(t *testing.T, res *Result, r *storage.Request) {
			authIs(t, r.Auth, "basic", map[string]string{"username": "bruno", "password": "{{basic_auth_password}}"})
			assertions(t, r.Assertions, status200, storage.Assertion{Kind: storage.AssertJQ, Target: ".message", Op: "==", Value: "Authentication successful", Enabled: true})
			if r.Method != "POST" || r.URL != "{{host}}/api/auth/basic/protected" {
				t.Errorf("%s %s", r.Method, r.URL)
			}
		}},
		"bruno-tests__Bearer_Auth_200.bru": {1, func(t *testing.T, res *Result, r *storage.Request) {
			authIs(t, r.Auth, "bearer", map[string]string{"token": "{{bearer_auth_token}}"})
			if len(r.Scripts) != 1 || r.Scripts[0].Text != `bru.setEnvVar("foo", "bar");` {
				t.Errorf("scripts %+v", r.Scripts)
			}
		}},
		"bruno-tests__Digest_Auth_200.bru": {1, func(t *testing.T, res *Result, r *storage.Request) {
			authIs(t, r.Auth, "digest", map[string]string{"username": "admin", "password": "password"})
			assertions(t, r.Assertions, storage.Assertion{Kind: storage.AssertStatus, Op: "==", Value: "200", Enabled: true})
			if !strings.Contains(httpfileReport(res.Report), `"isTruthy"`) {
				t.Error("the isTruthy assertion is not reported")
			}
		}},
		"bruno-tests__collection.bru": {0, func(t *testing.T, res *Result, _ *storage.Request) {
			c := res.Collection
			authIs(t, c.Auth, "bearer", map[string]string{"token": "{{bearer_auth_token}}"})
			v := httpfileVars(c.Variables)
			if len(c.Variables) != 7 || v["coll_num"] != "100" || v["coll_bool"] != "false" || v["coll_obj"] != `{"scope":"collection"}` {
				t.Errorf("vars %+v", c.Variables)
			}
			if len(c.Headers) != 3 || c.Headers[1].Value != "{{collection_pre_var_token}}" || !strings.HasPrefix(c.Description, "# bruno-testbench") {
				t.Errorf("%+v", c)
			}
		}},
		"bruno-tests__collection_level_oauth2-collection.bru": {0, func(t *testing.T, res *Result, _ *storage.Request) {
			c := res.Collection
			if c.Auth.Type != "oauth2" || c.Auth.Params["grant_type"] != "authorization_code_with_pkce" || c.Auth.Params["clientId"] != "{{client_id}}" ||
				c.Auth.Params["redirect_uri"] != "{{authorization_code_callback_url}}" || len(c.Headers) != 1 || len(c.Scripts) != 1 {
				t.Errorf("%+v", c)
			}
		}},
		"bruno-tests__digest-folder.bru": {0, func(t *testing.T, res *Result, _ *storage.Request) {
			if len(res.Items) != 1 || res.Items[0].Folder == nil || res.Items[0].Folder.Name != "digest" || res.Items[0].Folder.Auth.Type != storage.AuthInherit {
				t.Errorf("%+v", res.Items)
			}
		}},
		"bruno-tests__echo_form-url-encoded.bru": {1, func(t *testing.T, res *Result, r *storage.Request) {
			var got []string
			for _, f := range r.Body.Form {
				got = append(got, f.Key+"="+f.Value)
			}
			want := []string{"form-data-key={{form-data-key}}", "form-data-stringified-object={{form-data-stringified-object}}",
				"key_1=value_1", "key_2=value_2", "key_1=value_3", "key_2=value_4"}
			if r.Body.Mode != storage.BodyURLEncoded || !reflect.DeepEqual(got, want) || r.URL != "{{echo-host}}" || r.Auth.Type != storage.AuthNone {
				t.Errorf("%s %+v", r.URL, r.Body)
			}
		}},
		"bruno-tests__echo_multipart.bru": {1, func(t *testing.T, res *Result, r *storage.Request) {
			want := []storage.FormPart{{Key: "foo", Value: `{"bar":"baz"}`, ContentType: "application/json--test", Enabled: true},
				{Key: "multiline", Value: `"multiline-test"`, ContentType: "application/json--multiline--test", Enabled: true},
				{Key: "form-data-key", Value: "{{form-data-key}}", Enabled: true},
				{Key: "form-data-stringified-object", Value: "{{form-data-stringified-object}}", Enabled: true},
				{Key: "file", File: "bruno.png", Enabled: true}}
			if !reflect.DeepEqual(r.Body.Multipart, want) {
				t.Errorf("parts %+v", r.Body.Multipart)
			}
			if len(r.Assertions) != 4 || r.Assertions[3].Kind != storage.AssertBody || r.Assertions[3].Op != "contains" ||
				r.Assertions[3].Value != "Content-Type: application/json--multiline--test" {
				t.Errorf("assertions %+v", r.Assertions)
			}
		}},
		"bruno-tests__environments-Local.bru": {0, func(t *testing.T, res *Result, _ *storage.Request) {
			if res.Collection != nil || len(res.Environments) != 1 {
				t.Fatalf("%+v", res)
			}
			env := res.Environments[0]
			secret := 0
			for _, v := range env.Variables {
				if v.Secret {
					secret++
				}
			}
			v := httpfileVars(env.Variables)
			if len(env.Variables) != 35 || secret != 9 || v["host"] != "http://localhost:8080" || v["typed_env_obj"] != `{"scope":"env"}` || v["env.var1"] != "envVar1" {
				t.Errorf("%d variables, %d secret: %+v", len(env.Variables), secret, env.Variables)
			}
		}},
	}
	files, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	passed := 0
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(dir, f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		t.Run(f.Name(), func(t *testing.T) {
			res, err := Import(f.Name(), data, "")
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			w, ok := want[f.Name()]
			if !ok {
				t.Fatalf("no expectations for %s", f.Name())
			}
			if res.Format != "bruno" || Requests(res.Items) != w.requests {
				t.Fatalf("format %s, %d requests, want %d", res.Format, Requests(res.Items), w.requests)
			}
			var r *storage.Request
			if w.requests == 1 {
				r = res.Items[0].Request
			}
			w.check(t, res, r)
			if !t.Failed() {
				passed++
			}
		})
	}
	t.Logf("bruno corpus: %d/%d files passed", passed, len(files))
}

func TestBrunoErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"meta {\n  name: x\n", `line 1: the block "meta" is not closed`},
		{"get {\n  url: x\n}\nstray text\n", `line 4: expected a block`},
		{"headers {\n  no colon here\n}\n", `line 2: expected "key: value"`},
		{"headers {\n  \"open: 1\n}\n", "line 2: the quoted key"},
		{"get {\n  url: a\n}\nget {\n  url: b\n}\n", `line 4: the block "get" appears twice`},
		{"get {\n  url: a\n}\npost {\n  url: b\n}\n", "has one method block"},
		{"vars {\n  a: '''\n    never closed\n}\n", `line 2: the multi-line value of "a" is not closed`},
		{"", "the file is empty"},
		{"meta {\n  type: grpc\n}\nget {\n  url: x\n}\n", `meta type "grpc" is not an HTTP request`},
		{"docs {\n  x\n} trailing\n", `line 3: unexpected "trailing"`},
	}
	for _, tt := range tests {
		_, err := Import("bad.bru", []byte(tt.in), "")
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "bad.bru: bruno: ") {
			t.Errorf("%q: %v, want %q", tt.in, err, tt.want)
		}
	}
}

func TestBrunoBodiesAndAuth(t *testing.T) {
	src := `meta {
  name: Upload
  type: http
}

put {
  url: https://h/u?x=1
  body: file
  auth: apikey
}

params:query {
  x: 2
}

body:file {
  file: @file(a.json) @contentType(application/json)
  ~file: @file(b.json)
}

body:text {
  kept text
}

auth:apikey {
  key: k
  value: v
  placement: queryparams
}

auth:wsse {
  username: u
  password: p
}

settings {
  followRedirects: false
  timeout: 3000
}
`
	res, err := Import("u.bru", []byte(src), "")
	if err != nil {
		t.Fatal(err)
	}
	r := res.Items[0].Request
	if r.URL != "https://h/u" || !reflect.DeepEqual(r.Params, []storage.KeyValue{{Key: "x", Value: "2", Enabled: true}}) {
		t.Errorf("the URL's query should give way to params:query: %s %+v", r.URL, r.Params)
	}
	if r.Body.Mode != storage.BodyFile || r.Body.File != "a.json" || r.Body.ContentType != "application/json" {
		t.Errorf("body %+v", r.Body)
	}
	if !reflect.DeepEqual(r.Auth, storage.AuthSpec{Type: "apikey", Params: map[string]string{"key": "k", "value": "v", "in": "query"}}) {
		t.Errorf("auth %+v", r.Auth)
	}
	if !r.Settings.NoFollow || r.Settings.TimeoutMs != 3000 {
		t.Errorf("settings %+v", r.Settings)
	}
	rep := httpfileReport(res.Report)
	if !strings.Contains(rep, "body:text is not the active body") || !strings.Contains(rep, "auth:wsse is kept") {
		t.Errorf("report:\n%s", rep)
	}
	// The active auth being wsse: reported, no auth.
	res, err = Import("w.bru", []byte("get {\n  url: https://h\n  auth: wsse\n}\n\nauth:wsse {\n  username: u\n  password: p\n}\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	if res.Items[0].Request.Auth.Type != storage.AuthNone || !strings.Contains(httpfileReport(res.Report), "the auth mode wsse is not supported") {
		t.Errorf("%+v %s", res.Items[0].Request.Auth, httpfileReport(res.Report))
	}
}
