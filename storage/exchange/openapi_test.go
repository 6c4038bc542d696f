package exchange

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/knockhttp/knock/storage"
)

// openapiFind returns the request named name, with its folder.
func openapiFind(t *testing.T, items []storage.TreeItem, name string) (*storage.Request, string) {
	t.Helper()
	for _, it := range items {
		if it.Request != nil && it.Request.Name == name {
			return it.Request, ""
		}
		for _, c := range it.Children {
			if c.Request != nil && c.Request.Name == name {
				return c.Request, it.Folder.Name
			}
		}
	}
	t.Fatalf("no request named %q", name)
	return nil, ""
}

func openapiFolders(items []storage.TreeItem) []string {
	var out []string
	for _, it := range items {
		if it.Folder != nil {
			out = append(out, it.Folder.Name)
		}
	}
	return out
}

// TestOpenAPICorpus imports every document of corpus/openapi and checks
// counts and fields read from the documents by hand.
func TestOpenAPICorpus(t *testing.T) {
	dir := curlCorpusDir(t, "openapi")
	type check func(t *testing.T, res *Result)
	auth := func(r *storage.Request, typ string, params map[string]string) bool {
		if r.Auth.Type != typ {
			return false
		}
		for k, v := range params {
			if r.Auth.Params[k] != v {
				return false
			}
		}
		return true
	}
	want := map[string]struct {
		count   int
		baseURL string
		check   check
	}{
		"OAI__v2.0-uber.yaml": {5, "https://api.uber.com/v1", func(t *testing.T, res *Result) {
			if f := openapiFolders(res.Items); !reflect.DeepEqual(f, []string{"Products", "Estimates", "User"}) {
				t.Errorf("folders %q", f)
			}
			r, folder := openapiFind(t, res.Items, "Product Types")
			if folder != "Products" || r.Method != "GET" || r.URL != "{{baseUrl}}/products" || !auth(r, "apikey", map[string]string{"key": "server_token", "in": "query"}) {
				t.Errorf("Product Types: %s %s %+v", folder, r.URL, r.Auth)
			}
			wantParams := []storage.KeyValue{{Key: "latitude", Value: "{{latitude}}", Enabled: true}, {Key: "longitude", Value: "{{longitude}}", Enabled: true}}
			if !reflect.DeepEqual(r.Params, wantParams) {
				t.Errorf("params %+v", r.Params)
			}
			te, _ := openapiFind(t, res.Items, "Time Estimates")
			if len(te.Params) != 4 || te.Params[2].Key != "customer_uuid" || te.Params[2].Enabled {
				t.Errorf("Time Estimates params %+v", te.Params)
			}
		}},
		"OAI__v3.0-petstore-expanded.yaml": {4, "https://petstore.swagger.io/v2", func(t *testing.T, res *Result) {
			add, _ := openapiFind(t, res.Items, "addPet")
			var body map[string]any
			if err := json.Unmarshal([]byte(add.Body.Raw), &body); err != nil || !reflect.DeepEqual(body, map[string]any{"name": "string", "tag": "string"}) ||
				add.Body.ContentType != "application/json" || add.Method != "POST" || add.URL != "{{baseUrl}}/pets" {
				t.Errorf("addPet: %+v (%v)", add, err)
			}
			byID, _ := openapiFind(t, res.Items, "find pet by id")
			if byID.URL != "{{baseUrl}}/pets/{{id}}" || byID.Method != "GET" {
				t.Errorf("find pet by id: %s %s", byID.Method, byID.URL)
			}
			find, _ := openapiFind(t, res.Items, "findPets")
			if len(find.Params) != 2 || find.Params[0].Key != "tags" || find.Params[0].Enabled || len(find.Examples) == 0 || find.Examples[0].Status != 200 {
				t.Errorf("findPets: %+v %+v", find.Params, find.Examples)
			}
		}},
		"OAI__v3.1-non-oauth-scopes.yaml": {1, "", func(t *testing.T, res *Result) {
			r, _ := openapiFind(t, res.Items, "GET /users")
			if !auth(r, "bearer", nil) {
				t.Errorf("auth %+v", r.Auth)
			}
			if !strings.Contains(httpfileReport(res.Report), "names no server") {
				t.Errorf("the missing server is not reported")
			}
		}},
		"bruno-fixture__openapi-with-security-schemes.json": {4, "https://api.example.com/v1", func(t *testing.T, res *Result) {
			if res.Collection.Auth.Type != "bearer" {
				t.Errorf("collection auth %+v", res.Collection.Auth)
			}
			get, _ := openapiFind(t, res.Items, "Get users")
			admin, _ := openapiFind(t, res.Items, "Admin get users")
			public, _ := openapiFind(t, res.Items, "Get public data")
			if get.Auth.Type != storage.AuthInherit || public.Auth.Type != storage.AuthNone ||
				!auth(admin, "oauth2", map[string]string{"grant_type": "authorization_code_with_pkce", "scope": "admin",
					"authUrl": "https://auth.example.com/oauth/authorize", "accessTokenUrl": "https://auth.example.com/oauth/token"}) {
				t.Errorf("auth: %+v %+v %+v", get.Auth, admin.Auth, public.Auth)
			}
			create, _ := openapiFind(t, res.Items, "Create user")
			if !strings.Contains(create.Body.Raw, `"email"`) || !strings.Contains(create.Body.Raw, `"name"`) {
				t.Errorf("create body %q", create.Body.Raw)
			}
		}},
		"insomnia-fixture__openapi3-endpoint-security-input.yaml": {12, "https://api.server.test/v1", func(t *testing.T, res *Result) {
			byPath := map[string]*storage.Request{}
			for _, r := range httpfileRequests(res.Items) {
				byPath[strings.TrimPrefix(r.URL, "{{baseUrl}}")] = r
			}
			scope := "read:something write:something"
			checks := map[string]bool{
				"/none":                      byPath["/none"].Auth.Type == storage.AuthNone,
				"/none/basic":                auth(byPath["/none/basic"], "basic", nil),
				"/basic":                     auth(byPath["/basic"], "basic", nil),
				"/bearer":                    auth(byPath["/bearer"], "bearer", nil),
				"/key/header":                auth(byPath["/key/header"], "apikey", map[string]string{"key": "x-api_key", "in": "header"}),
				"/key/cookie":                byPath["/key/cookie"].Auth.Type == storage.AuthNone,
				"/key/query":                 auth(byPath["/key/query"], "apikey", map[string]string{"key": "key", "in": "query"}),
				"/oauth2/authorization-code": auth(byPath["/oauth2/authorization-code"], "oauth2", map[string]string{"grant_type": "authorization_code_with_pkce", "scope": scope, "authUrl": "https://api.server.test/v1/auth", "accessTokenUrl": "https://api.server.test/v1/token"}),
				"/oauth2/implicit":           auth(byPath["/oauth2/implicit"], "oauth2", map[string]string{"grant_type": "implicit", "scope": scope}),
				"/oauth2/client-credentials": auth(byPath["/oauth2/client-credentials"], "oauth2", map[string]string{"grant_type": "client_credentials", "scope": scope}),
				"/oauth2/password":           auth(byPath["/oauth2/password"], "oauth2", map[string]string{"grant_type": "password_credentials", "scope": scope}),
				"/all":                       auth(byPath["/all"], "basic", nil),
			}
			for p, ok := range checks {
				if !ok {
					t.Errorf("%s: %+v", p, byPath[p].Auth)
				}
			}
			if rep := httpfileReport(res.Report); !strings.Contains(rep, `$.paths["/key/cookie"].get.security`) || !strings.Contains(rep, "in the cookie CookieName") {
				t.Errorf("the cookie API key is not reported with its JSON path:\n%s", rep)
			}
		}},
		"insomnia-fixture__openapi3-multiple-api-keys-input.yml": {2, "https://petstore.swagger.io/v2", func(t *testing.T, res *Result) {
			add, folder := openapiFind(t, res.Items, "Add a new pet to the store")
			if folder != "pet" || !auth(add, "apikey", map[string]string{"key": "X-API-KEY", "in": "header"}) {
				t.Errorf("%s %+v", folder, add.Auth)
			}
			if v, _ := curlHeader(add, "X-APP-ID"); v != "{{X-APP-ID}}" {
				t.Errorf("the second API key of the requirement: %+v", add.Headers)
			}
			find, _ := openapiFind(t, res.Items, "Finds Pets by status")
			if !reflect.DeepEqual(find.Params, []storage.KeyValue{{Key: "status", Value: "available", Enabled: true}}) {
				t.Errorf("status param %+v", find.Params)
			}
		}},
		"insomnia-fixture__openapi3-oauth2-input.yaml": {3, "https://api.server.test/v1", func(t *testing.T, res *Result) {
			scopes := map[string]string{"GET /oauth2/authorization-code": "", "GET /oauth2/authorization-code-read": "read:something",
				"GET /oauth2/authorization-code-read-write": "read:something write:something"}
			for name, scope := range scopes {
				r, _ := openapiFind(t, res.Items, name)
				if r.Auth.Type != "oauth2" || r.Auth.Params["scope"] != scope || r.Auth.Params["accessTokenUrl"] != "https://api.server.test/v1/token" {
					t.Errorf("%s: %+v", name, r.Auth)
				}
			}
		}},
		"insomnia-fixture__openapi3-petstore-input.json": {20, "http://petstore.swagger.io/v2", func(t *testing.T, res *Result) {
			if f := openapiFolders(res.Items); !reflect.DeepEqual(f, []string{"pet", "store", "user"}) {
				t.Errorf("folders %q", f)
			}
			if len(res.Environments) != 2 || httpfileVars(res.Environments[1].Variables)["baseUrl"] != "http://petstore-preprod.swagger.io/v2" {
				t.Errorf("environments %+v", res.Environments)
			}
			byID, _ := openapiFind(t, res.Items, "Find pet by ID")
			if !auth(byID, "apikey", map[string]string{"key": "api_key", "in": "header"}) || byID.URL != "{{baseUrl}}/pet/{{petId}}" {
				t.Errorf("Find pet by ID: %s %+v", byID.URL, byID.Auth)
			}
			form, _ := openapiFind(t, res.Items, "Updates a pet in the store with form data")
			if form.Body.Mode != storage.BodyURLEncoded || len(form.Body.Form) != 2 || form.Body.Form[0].Key != "name" {
				t.Errorf("form body %+v", form.Body)
			}
		}},
		"insomnia-fixture__swagger2-petstore-input.json": {20, "http://petstore.swagger.io/v2", func(t *testing.T, res *Result) {
			up, _ := openapiFind(t, res.Items, "uploads an image")
			if up.Body.Mode != storage.BodyFormData || len(up.Body.Multipart) != 2 || up.Body.Multipart[1].Key != "file" || up.Body.Multipart[1].Enabled {
				t.Errorf("upload %+v", up.Body)
			}
			login, _ := openapiFind(t, res.Items, "Logs user into the system")
			if len(login.Params) != 2 || login.Params[0].Value != "{{username}}" {
				t.Errorf("login params %+v", login.Params)
			}
			status, _ := openapiFind(t, res.Items, "Finds Pets by status")
			if !auth(status, "oauth2", map[string]string{"grant_type": "implicit", "authUrl": "http://petstore.swagger.io/oauth/dialog", "scope": "write:pets read:pets"}) {
				t.Errorf("petstore_auth: %+v", status.Auth)
			}
		}},
		"yaak-fixture__petstore.yaml": {19, "/v3", func(t *testing.T, res *Result) {
			if !strings.Contains(httpfileReport(res.Report), `the server URL "/v3" is relative`) {
				t.Error("the relative server is not reported")
			}
			add, _ := openapiFind(t, res.Items, "Add a new pet to the store")
			var body map[string]any
			if err := json.Unmarshal([]byte(add.Body.Raw), &body); err != nil || body["name"] != "doggie" {
				t.Errorf("the example from the schema: %q", add.Body.Raw)
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
			if res.Format != "openapi" || Requests(res.Items) != w.count || len(res.Report.Imported) != w.count {
				t.Fatalf("format %s, %d requests, want %d", res.Format, Requests(res.Items), w.count)
			}
			if v := httpfileVars(res.Collection.Variables); v["baseUrl"] != w.baseURL {
				t.Errorf("baseUrl %q, want %q", v["baseUrl"], w.baseURL)
			}
			w.check(t, res)
			if !t.Failed() {
				passed++
			}
		})
	}
	t.Logf("openapi corpus: %d/%d files passed", passed, len(files))
}

func TestOpenAPIErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"syntax.yaml", "openapi: 3.0.0\npaths:\n  /a: [\n", "line 3"},
		{"syntax.json", "{\"openapi\": \"3.0.0\",\n \"paths\": {\"/a\": }}", "line 2"},
		{"shape.yaml", "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get: [1]\n", `$.paths["/a"].get: must be an object, not a array`},
		{"params.yaml", "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      parameters: {}\n", `$.paths["/a"].get.parameters: must be an array`},
		{"nopaths.yaml", "openapi: 3.0.0\ninfo: {title: t, version: '1'}\n", "$.paths: missing"},
		{"v1.yaml", "swagger: '1.2'\npaths: {}\n", `$.swagger: version "1.2" is not supported`},
		{"v4.yaml", "openapi: 4.0.0\npaths: {}\n", `$.openapi: version "4.0.0" is not supported`},
		{"extref.yaml", "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {$ref: 'other.yaml#/r'}\n", "$:"},
		{"bomb.yaml", "openapi: 3.0.0\npaths: {}\nx-a: &a [1,1,1,1,1,1,1,1,1,1]\nx-b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nx-c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nx-d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\nx-e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nx-f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\nx-g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n", "refused"},
	}
	for _, tt := range tests {
		_, err := Import(tt.name, []byte(tt.in), "openapi")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
}

// TestOpenAPISchemaExamples checks generated examples: cycles end,
// readOnly properties stay out of requests, formats give typed values.
func TestOpenAPISchemaExamples(t *testing.T) {
	doc := `openapi: 3.0.0
info: {title: T, version: '1'}
servers: [{url: 'https://{host}.test/{base}', variables: {host: {default: api}, base: {default: v1}}}]
paths:
  /nodes/{nodeId}:
    parameters:
      - {name: nodeId, in: path, required: true, schema: {type: string}, example: n-1}
    post:
      tags: [nodes]
      parameters:
        - {name: X-Trace, in: header, required: true, schema: {type: string}}
        - {name: sid, in: cookie, schema: {type: string}, example: abc}
        - {name: ids, in: query, required: true, explode: false, schema: {type: array, items: {type: integer}}, example: [1, 2]}
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Node'}
      responses:
        '201': {description: made}
components:
  schemas:
    Node:
      type: object
      properties:
        id: {type: string, format: uuid, readOnly: true}
        when: {type: string, format: date-time}
        child: {$ref: '#/components/schemas/Node'}
        kind: {type: string, enum: [leaf, branch]}
        all:
          allOf:
            - {type: object, properties: {a: {type: integer}}}
            - {type: object, properties: {b: {type: boolean}}}
`
	res, err := Import("nodes.yaml", []byte(doc), "")
	if err != nil {
		t.Fatal(err)
	}
	r, folder := openapiFind(t, res.Items, "POST /nodes/{nodeId}")
	if folder != "nodes" || r.URL != "{{baseUrl}}/nodes/{{nodeId}}" {
		t.Errorf("%s %s", folder, r.URL)
	}
	if v := httpfileVars(res.Collection.Variables); v["baseUrl"] != "https://{{host}}.test/{{base}}" || v["host"] != "api" || v["base"] != "v1" || v["nodeId"] != "n-1" {
		t.Errorf("variables %v", v)
	}
	if h, _ := curlHeader(r, "X-Trace"); h != "{{X-Trace}}" {
		t.Errorf("required header without example: %q", h)
	}
	if c, _ := curlHeader(r, "Cookie"); c != "sid=abc" {
		t.Errorf("cookie %q", c)
	}
	if !reflect.DeepEqual(r.Params, []storage.KeyValue{{Key: "ids", Value: "1,2", Enabled: true}}) {
		t.Errorf("params %+v", r.Params)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(r.Body.Raw), &body); err != nil {
		t.Fatalf("%v: %s", err, r.Body.Raw)
	}
	if _, ok := body["id"]; ok {
		t.Error("a readOnly property is in the request example")
	}
	if body["when"] != "2024-01-01T00:00:00Z" || body["kind"] != "leaf" || !reflect.DeepEqual(body["all"], map[string]any{"a": 0.0, "b": true}) {
		t.Errorf("example %s", r.Body.Raw)
	}
	depth := 0
	for cur := body; cur != nil && depth < 20; depth++ {
		next, _ := cur["child"].(map[string]any)
		cur = next
	}
	if depth > 10 {
		t.Errorf("the recursive schema went %d levels deep", depth)
	}
}

func TestOpenAPISecuritySkips(t *testing.T) {
	doc := `openapi: 3.1.0
info: {title: T, version: '1'}
servers: [{url: 'https://a.test'}]
security: [{oidc: []}]
paths:
  /a:
    get:
      responses: {'200': {description: ok}}
  /b:
    get:
      security: [{mtls: []}, {digest: []}]
      responses: {'200': {description: ok}}
components:
  securitySchemes:
    oidc: {type: openIdConnect, openIdConnectUrl: 'https://id.test/.well-known/openid-configuration'}
    mtls: {type: mutualTLS}
    digest: {type: http, scheme: Digest}
`
	res, err := Import("sec.yaml", []byte(doc), "")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := openapiFind(t, res.Items, "GET /a")
	b, _ := openapiFind(t, res.Items, "GET /b")
	if res.Collection.Auth.Type != "" || a.Auth.Type != "" || b.Auth.Type != "digest" {
		t.Errorf("collection %+v, /a %+v, /b %+v", res.Collection.Auth, a.Auth, b.Auth)
	}
	rep := httpfileReport(res.Report)
	if !strings.Contains(rep, "$.security: no security requirement could be mapped: oidc: OpenID Connect discovery (https://id.test/.well-known/openid-configuration) is not read") {
		t.Errorf("openIdConnect is not reported with its reason:\n%s", rep)
	}
	if !strings.Contains(rep, `$.paths["/b"].get.security: an alternative that cannot be used: mtls: mutual TLS: choose a client certificate`) {
		t.Errorf("mutualTLS is not reported:\n%s", rep)
	}
}
