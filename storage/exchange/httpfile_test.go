package exchange

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/knockhttp/knock/storage"
)

func httpfileRequests(items []storage.TreeItem) []*storage.Request {
	var out []*storage.Request
	for _, it := range items {
		if it.Request != nil {
			out = append(out, it.Request)
		}
		out = append(out, httpfileRequests(it.Children)...)
	}
	return out
}

func httpfileVars(vs []storage.Variable) map[string]string {
	m := map[string]string{}
	for _, v := range vs {
		m[v.Key] = v.Value
	}
	return m
}

func httpfileReport(r Report) string {
	var b strings.Builder
	for _, s := range r.Skipped {
		b.WriteString(s.Item + ": " + s.Reason + "\n")
	}
	return b.String()
}

// TestHTTPFileCorpus imports every file of corpus/http and checks counts
// and fields read from the files by hand.
func TestHTTPFileCorpus(t *testing.T) {
	dir := curlCorpusDir(t, "http")
	type check func(t *testing.T, res *Result, reqs []*storage.Request)
	want := map[string]struct {
		count int
		check check
	}{
		"httpyac__api-httpbin.http": {10, func(t *testing.T, res *Result, reqs []*storage.Request) {
			methods := []string{"DELETE", "GET", "PATCH", "POST", "PUT", "DELETE", "GET", "PATCH", "POST", "PUT"}
			paths := []string{"/delete", "/get", "/patch", "/post", "/put", "/status/200", "/status/200", "/status/200", "/status/200", "/status/200"}
			for i, r := range reqs {
				if r.Method != methods[i] || r.URL != "https://httpbin.org"+paths[i] || len(r.Examples) != 1 || r.Examples[0].Status != 200 {
					t.Errorf("request %d: %s %s, %d examples", i, r.Method, r.URL, len(r.Examples))
				}
			}
			ex := reqs[0].Examples[0]
			if !strings.Contains(ex.Body, `"url": "https://httpbin.org/delete"`) || ex.ContentType != "application/json" || ex.Header[0].Key != "date" {
				t.Errorf("the saved response %+v", ex)
			}
		}},
		"httpyac__auth-aws.http": {3, func(t *testing.T, res *Result, reqs []*storage.Request) {
			if v := httpfileVars(res.Collection.Variables); !reflect.DeepEqual(v, map[string]string{"accessId": "doe", "accessKey": "12345678",
				"token": "token", "region": "eu-central-1", "service": "cognito-idp"}) {
				t.Errorf("variables %v", v)
			}
			want := []map[string]string{
				{"accessKey": "{{accessId}}", "secretKey": "{{accessKey}}", "sessionToken": "{{token}}", "region": "{{region}}", "service": "{{service}}"},
				{"accessKey": "{{accessId}}", "secretKey": "{{accessKey}}", "sessionToken": "{{token}}"},
				{"accessKey": "{{accessId}}", "secretKey": "{{accessKey}}"},
			}
			for i, r := range reqs {
				if r.URL != "https://cognito-idp.eu-central-1.amazonaws.com" || r.Auth.Type != "awsv4" || !reflect.DeepEqual(r.Auth.Params, want[i]) || len(r.Headers) != 0 {
					t.Errorf("request %d: %s %+v %+v", i, r.URL, r.Auth, r.Headers)
				}
			}
		}},
		"httpyac__auth-basicAuth.http": {2, func(t *testing.T, res *Result, reqs []*storage.Request) {
			if reqs[0].Auth.Type != "basic" || reqs[0].Auth.Params["username"] != "{{user}}" || reqs[0].Auth.Params["password"] != "{{password}}" ||
				reqs[0].URL != "{{host}}/basic-auth/{{user}}/{{password}}" {
				t.Errorf("first: %s %+v", reqs[0].URL, reqs[0].Auth)
			}
			if v, _ := curlHeader(reqs[1], "Authorization"); !strings.HasPrefix(v, "Basic {{Buffer.from(") {
				t.Errorf("second keeps its header: %q", v)
			}
			for _, r := range reqs {
				if len(r.Scripts) != 1 || !strings.Contains(r.Scripts[0].Text, `test("Basic Auth works"`) {
					t.Errorf("scripts %+v", r.Scripts)
				}
			}
			if len(res.Report.NotRun) != 2 || !strings.Contains(httpfileReport(res.Report), "{{host}}") {
				t.Errorf("report %+v", res.Report)
			}
		}},
		"httpyac__auth-digest.http": {1, func(t *testing.T, res *Result, reqs []*storage.Request) {
			r := reqs[0]
			if r.URL != "{{host}}/digest-auth/auth/{{user}}/{{password}}" || r.Auth.Type != "digest" || r.Auth.Params["username"] != "{{user}}" ||
				httpfileVars(res.Collection.Variables)["host"] != "https://httpbin.org" {
				t.Errorf("%s %+v %v", r.URL, r.Auth, res.Collection.Variables)
			}
		}},
		"httpyac__auth-oauth2.http": {4, func(t *testing.T, res *Result, reqs []*storage.Request) {
			names := []string{"client_credentials", "authorization_code", "implicit", "password"}
			grants := []string{"client_credentials", "authorization_code_with_pkce", "implicit", "password_credentials"}
			for i, r := range reqs {
				if r.Name != names[i] || r.Auth.Type != "oauth2" || r.Auth.Params["grant_type"] != grants[i] || r.Auth.Params["clientId"] != "{{local_clientId}}" || r.URL != "{{host}}/actuator/info" {
					t.Errorf("request %d: %q %s %+v", i, r.Name, r.URL, r.Auth)
				}
			}
		}},
		"httpyac__intellij.http": {6, func(t *testing.T, res *Result, reqs []*storage.Request) {
			urls := []string{"/anything", "/anything", "/anything?test=test", "/anything", "/anything", "/anything"}
			bodies := []string{"password=1", "password=1", "password=1", "password=2", "password=3"}
			for i, r := range reqs {
				if r.Method != "POST" || r.URL != "https://httpbin.org"+urls[i] {
					t.Errorf("request %d: %s %s", i, r.Method, r.URL)
				}
				if i < 5 && (r.Body.Raw != "email=user@domain.loc&"+bodies[i] || r.Body.ContentType != "application/x-www-form-urlencoded") {
					t.Errorf("request %d body %+v", i, r.Body)
				}
			}
			if reqs[5].Body.Mode != storage.BodyFile || reqs[5].Body.File != "../assets/variables.json" {
				t.Errorf("the < file body: %+v", reqs[5].Body)
			}
			if len(reqs[3].Scripts) != 1 || !strings.Contains(reqs[3].Scripts[0].Text, "./intellij.js") {
				t.Errorf("the handler file: %+v", reqs[3].Scripts)
			}
			if len(reqs[4].Scripts) != 1 || reqs[4].Scripts[0].Text != `client.global.set("email", response.body.form.email);` || reqs[4].Scripts[0].Event != "test" {
				t.Errorf("the handler script: %+v", reqs[4].Scripts)
			}
			if httpfileVars(res.Collection.Variables)["testVariable"] != "foo" || !strings.Contains(httpfileReport(res.Report), "@injectvariables") {
				t.Errorf("vars %v report %s", res.Collection.Variables, httpfileReport(res.Report))
			}
		}},
		"httpyac__multipartFormData.http": {2, func(t *testing.T, res *Result, reqs []*storage.Request) {
			r := reqs[0]
			want := []storage.FormPart{{Key: "text", Value: "invoice_text", Enabled: true}, {Key: "title", Value: "invoice_title", Enabled: true},
				{Key: "invoice", File: "../assets/sample.pdf", Enabled: true}}
			if r.URL != "{{host}}/post" || r.Body.Mode != storage.BodyFormData || !reflect.DeepEqual(r.Body.Multipart, want) {
				t.Errorf("%s %+v", r.URL, r.Body)
			}
			if _, ok := curlHeader(r, "Content-Type"); ok {
				t.Error("the written boundary's Content-Type was kept")
			}
			if r2 := reqs[1]; r2.URL != "https://httpbin.org/anything" || r2.Body.File != "../assets/variables.json" {
				t.Errorf("second: %s %+v", r2.URL, r2.Body)
			}
		}},
		"httpyac__variables-restClient.http": {20, func(t *testing.T, res *Result, reqs []*storage.Request) {
			if reqs[0].URL != "{{host}}/anything?q={{$guid}}" || reqs[19].URL != "{{host}}/anything?q={{$datetime 'DD.MM.YYYY HH:mm' 3 d}}" {
				t.Errorf("%s … %s", reqs[0].URL, reqs[19].URL)
			}
			rep := httpfileReport(res.Report)
			if !strings.Contains(rep, "{{$datetime rfc1123}} is a dynamic variable Knock does not have") || strings.Contains(rep, "{{$guid}} is a dynamic") {
				t.Errorf("report:\n%s", rep)
			}
		}},
		"kulala__2.variables.http": {3, func(t *testing.T, res *Result, reqs []*storage.Request) {
			names := []string{"Basic GET request", "GET request with variables and request parameters", "Request with environment variables"}
			urls := []string{"https://api.thecatapi.com/v1/images/search", "{{BASE_URL}}/images/search?limit=3", "{{FROM_ENV_FILE_URL}}/breeds"}
			for i, r := range reqs {
				if r.Name != names[i] || r.URL != urls[i] || r.Method != "GET" {
					t.Errorf("request %d: %q %s", i, r.Name, r.URL)
				}
			}
			if v := httpfileVars(res.Collection.Variables); v["API_KEY"] != "your_api_key_here" || v["BASE_URL"] != "https://api.thecatapi.com/v1" {
				t.Errorf("vars %v", v)
			}
		}},
		"kulala__3.access-token.http": {3, func(t *testing.T, res *Result, reqs []*storage.Request) {
			if reqs[0].Name != "login" || reqs[0].Method != "POST" || !strings.Contains(reqs[0].Body.Raw, `"access_token": "asdfasdfasdfasdf"`) {
				t.Errorf("login: %+v", reqs[0])
			}
			if a := reqs[1].Auth; a.Type != "bearer" || a.Params["token"] != "{{login.response.body.json.access_token}}" {
				t.Errorf("bearer: %+v", a)
			}
			if v, _ := curlHeader(reqs[2], "X-API-Key"); v != "{{login.response.body.json.username}}" {
				t.Errorf("X-API-Key %q", v)
			}
			if !strings.Contains(httpfileReport(res.Report), "another request's response") {
				t.Error("request chaining is not reported")
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
			if f.Name() == "kulala__http-client.env.json" {
				if res.Format != "http-client-env" || len(res.Environments) != 2 || res.Environments[0].Name != "dev" || res.Environments[1].Name != "prod" ||
					httpfileVars(res.Environments[0].Variables)["FROM_ENV_FILE_URL"] != "https://httpbin.org" ||
					httpfileVars(res.Environments[1].Variables)["FROM_ENV_FILE_URL"] != "https://httpbin.org/headers" {
					t.Errorf("environments %+v", res.Environments)
				}
				passed++
				return
			}
			w, ok := want[f.Name()]
			if !ok {
				t.Fatalf("no expectations for %s", f.Name())
			}
			if res.Format != "http" {
				t.Errorf("format %q", res.Format)
			}
			reqs := httpfileRequests(res.Items)
			if len(reqs) != w.count || len(res.Report.Imported) != w.count {
				t.Fatalf("%d requests (%d reported), want %d", len(reqs), len(res.Report.Imported), w.count)
			}
			w.check(t, res, reqs)
			if !t.Failed() {
				passed++
			}
		})
	}
	t.Logf("http corpus: %d/%d files passed", passed, len(files))
}

func TestHTTPFileSyntax(t *testing.T) {
	src := `# a comment
// another comment
@host = https://api.test
@token = abc

### List items
GET {{host}}/items?limit=2 HTTP/1.1
Accept: application/json
# a comment among the headers

###
# @name create
# @no-redirect
# @timeout 2 s
POST {{host}}/items
Content-Type: application/json
Authorization: Basic alice:pw

{
  "a": 1
}

### GraphQL
POST {{host}}/graphql
X-Request-Type: GraphQL

query { item { id } }

{"id": 1}

###
PUT {{host}}/file
Authorization: Digest bob s3cret

< ./data.json
> {%
  client.test("ok", function() {});
%}

GET https://plain.example/get
`
	res, err := Import("api.rest", []byte(src), "")
	if err != nil {
		t.Fatal(err)
	}
	reqs := httpfileRequests(res.Items)
	if len(reqs) != 5 {
		t.Fatalf("%d requests", len(reqs))
	}
	if r := reqs[0]; r.Name != "List items" || r.URL != "{{host}}/items?limit=2" || len(r.Headers) != 1 {
		t.Errorf("first: %+v", r)
	}
	if r := reqs[1]; r.Name != "create" || !r.Settings.NoFollow || r.Settings.TimeoutMs != 2000 || r.Body.Raw != "{\n  \"a\": 1\n}" ||
		r.Auth.Type != "basic" || r.Auth.Params["username"] != "alice" || r.Auth.Params["password"] != "pw" {
		t.Errorf("second: %+v", r)
	}
	if r := reqs[2]; r.Body.Mode != storage.BodyGraphQL || r.Body.GraphQL.Query != "query { item { id } }" || r.Body.GraphQL.Variables != `{"id": 1}` || len(r.Headers) != 0 {
		t.Errorf("graphql: %+v %+v", r.Body, r.Headers)
	}
	if r := reqs[3]; r.Method != "PUT" || r.Body.File != "./data.json" || r.Auth.Type != "digest" || r.Auth.Params["password"] != "s3cret" ||
		len(r.Scripts) != 1 || !strings.Contains(r.Scripts[0].Text, `client.test("ok"`) {
		t.Errorf("fourth: %+v", r)
	}
	if r := reqs[4]; r.Method != "GET" || r.URL != "https://plain.example/get" {
		t.Errorf("a bare URL after a handler: %+v", r)
	}
	if v := httpfileVars(res.Collection.Variables); v["host"] != "https://api.test" || v["token"] != "abc" {
		t.Errorf("vars %v", v)
	}
	if len(res.Report.NotRun) != 1 {
		t.Errorf("not run: %q", res.Report.NotRun)
	}
}

func TestHTTPFileErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"GET https://x\nNot a header\n", "line 2: expected a header"},
		{"GET https://x\n\n{{\nnever closed\n", "line 3: the script opened with {{ is not closed"},
		{"/* open\n", "line 1: /* is not closed"},
		{"@bad name = 1\n", "line 1: a variable is defined as @name = value"},
		{"GET https://x y z\n", `line 1: "GET https://x y z" is not a request line`},
		{"# only comments\n", "no request found"},
		{"GET https://x\n\xff\n", "line 2: the file is not UTF-8"},
		{"POST https://x\n> {%\nno end\n", "the script opened with {% is not closed"},
	}
	for _, tt := range tests {
		_, err := Import("bad.http", []byte(tt.in), "")
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "bad.http: http: ") {
			t.Errorf("%q: error %v, want %q", tt.in, err, tt.want)
		}
	}
}

func TestHTTPFileClientEnv(t *testing.T) {
	public := []byte(`{"$shared": {"api": "v1", "n": 2}, "dev": {"host": "http://localhost", "api": "v2"},
		"prod": {"host": "https://prod", "Security": {"Auth": {"x": {"Type": "OAuth2"}}}}}`)
	private := []byte(`{"dev": {"password": "devpass"}, "prod": {"password": "prodpass"}}`)
	res, err := ImportHTTPClientEnv(public, private)
	if err != nil {
		t.Fatal(err)
	}
	if res.Collection != nil || len(res.Environments) != 2 {
		t.Fatalf("%+v", res)
	}
	dev, prod := res.Environments[0], res.Environments[1]
	if dev.Name != "dev" || prod.Name != "prod" {
		t.Fatalf("names %q %q", dev.Name, prod.Name)
	}
	wantDev := []storage.Variable{{Key: "host", Value: "http://localhost", Enabled: true}, {Key: "api", Value: "v2", Enabled: true},
		{Key: "password", Value: "devpass", Enabled: true, Secret: true}, {Key: "n", Value: "2", Enabled: true}}
	if !reflect.DeepEqual(dev.Variables, wantDev) {
		t.Errorf("dev %+v", dev.Variables)
	}
	if v := httpfileVars(prod.Variables); v["api"] != "v1" || v["password"] != "prodpass" || v["Security"] != "" {
		t.Errorf("prod %+v", prod.Variables)
	}
	if !strings.Contains(httpfileReport(res.Report), "$.prod.Security") {
		t.Errorf("the Security object is not reported: %s", httpfileReport(res.Report))
	}
	for _, bad := range []struct{ in, want string }{
		{`[1]`, "must be a JSON object"}, {`{"dev": 1}`, "$.dev: an environment must be a JSON object"},
		{"{\n\"dev\": {\"a\": }\n}", "line 2"}, {`{}`, "no environment found"},
	} {
		if _, err := ImportHTTPClientEnv([]byte(bad.in), nil); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: %v, want %q", bad.in, err, bad.want)
		}
	}
	// The private file alone, through Import by its name.
	r2, err := Import("http-client.private.env.json", private, "")
	if err != nil || !r2.Environments[0].Variables[0].Secret {
		t.Errorf("%v %+v", err, r2)
	}
}

// TestHTTPFileExportRoundTrip exports a collection and imports it back;
// no secret reaches the file.
func TestHTTPFileExportRoundTrip(t *testing.T) {
	coll := storage.Collection{Name: "Shop", Description: "The shop API",
		Auth:      storage.AuthSpec{Type: "bearer", Params: map[string]string{"token": "colltoken"}},
		Variables: []storage.Variable{{Key: "base", Value: "https://shop.test", Enabled: true}, {Key: "apiSecret", Value: "vsecret", Enabled: true, Secret: true}},
		Headers:   []storage.KeyValue{{Key: "X-Client", Value: "knock", Enabled: true}}}
	items := []storage.TreeItem{
		{Folder: &storage.Folder{Name: "Admin", Auth: storage.AuthSpec{Type: "basic", Params: map[string]string{"username": "root", "password": "rootpw"}},
			Headers: []storage.KeyValue{{Key: "X-Client", Value: "admin", Enabled: true}}}, Children: []storage.TreeItem{
			{Request: &storage.Request{Name: "Delete user", Method: "DELETE", URL: "{{base}}/users/1", Auth: storage.AuthSpec{Type: storage.AuthInherit},
				Settings: storage.Settings{NoFollow: true, TimeoutMs: 1500}}},
		}},
		{Request: &storage.Request{Name: "Create", Method: "POST", URL: "{{base}}/items", Params: []storage.KeyValue{{Key: "dry run", Value: "1", Enabled: true}},
			Headers: []storage.KeyValue{{Key: "Cookie", Value: "sid=cookiesecret", Enabled: true}},
			Body:    storage.Body{Mode: storage.BodyRaw, Raw: "{\n  \"a\": 1\n}", ContentType: "application/json"},
			Auth:    storage.AuthSpec{Type: storage.AuthInherit}}},
		{Request: &storage.Request{Name: "Upload", Method: "POST", URL: "{{base}}/up", Auth: storage.AuthSpec{Type: "apikey", Params: map[string]string{"key": "X-Key", "value": "keysecret"}},
			Body: storage.Body{Mode: storage.BodyFormData, Multipart: []storage.FormPart{{Key: "title", Value: "T", Enabled: true}, {Key: "f", File: "/tmp/a.png", Enabled: true}}}}},
		{Request: &storage.Request{Name: "Form", Method: "PUT", URL: "{{base}}/form", Auth: storage.AuthSpec{Type: "digest", Params: map[string]string{"username": "d", "password": "{{dpw}}"}},
			Body: storage.Body{Mode: storage.BodyURLEncoded, Form: []storage.KeyValue{{Key: "a b", Value: "c&d", Enabled: true}}}}},
	}
	out := ExportHTTPFile(coll, items)
	for _, secret := range []string{"colltoken", "vsecret", "rootpw", "cookiesecret", "keysecret"} {
		if strings.Contains(string(out), secret) {
			t.Errorf("the secret %q is in the export:\n%s", secret, out)
		}
	}
	res, err := Import("shop.http", out, "")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	reqs := httpfileRequests(res.Items)
	if len(reqs) != 4 {
		t.Fatalf("%d requests\n%s", len(reqs), out)
	}
	del, create, up, form := reqs[0], reqs[1], reqs[2], reqs[3]
	if del.Name != "Admin / Delete user" || del.Method != "DELETE" || del.URL != "{{base}}/users/1" || !del.Settings.NoFollow || del.Settings.TimeoutMs != 1500 ||
		del.Auth.Type != "basic" || del.Auth.Params["username"] != "root" || del.Auth.Params["password"] != "{{password}}" {
		t.Errorf("inherited folder auth: %+v\n%s", del, out)
	}
	if v, _ := curlHeader(del, "X-Client"); v != "admin" {
		t.Errorf("the folder header does not override the collection's: %q", v)
	}
	if create.URL != "{{base}}/items?dry+run=1" || create.Body.Raw != "{\n  \"a\": 1\n}" || create.Auth.Params["token"] != "{{token}}" {
		t.Errorf("create: %+v\n%s", create, out)
	}
	if v, _ := curlHeader(create, "Cookie"); v != "{{cookie}}" {
		t.Errorf("cookie %q", v)
	}
	if v, _ := curlHeader(up, "X-Key"); v != "{{apiKey}}" || up.Body.Mode != storage.BodyFormData || len(up.Body.Multipart) != 2 || up.Body.Multipart[1].File != "/tmp/a.png" {
		t.Errorf("upload: %+v\n%s", up, out)
	}
	if form.Body.Raw != "a+b=c%26d" || form.Auth.Type != "digest" || form.Auth.Params["password"] != "{{dpw}}" {
		t.Errorf("form: %+v", form)
	}
	if v := httpfileVars(res.Collection.Variables); v["base"] != "https://shop.test" || v["apiSecret"] != "" {
		t.Errorf("vars %v", v)
	}
	if !strings.Contains(string(out), "http-client.private.env.json:\n#   apiKey, apiSecret, cookie, password, token") {
		t.Errorf("the secrets to set are not listed:\n%s", out)
	}
}
