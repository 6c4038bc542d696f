package exchange

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/knockhttp/knock/storage"
)

// insomniaVar returns the value of a variable by name.
func insomniaVar(vs []storage.Variable, key string) string {
	for _, v := range vs {
		if v.Key == key {
			return v.Value
		}
	}
	return "<none>"
}

// insomniaCorpus holds, per file of shared/corpus/insomnia, facts read
// from the file itself.
var insomniaCorpus = map[string]postmanCorpusCase{
	"bruno-fixture__insomnia-v4-with-envs.json": {1, "Test API Collection v4 with Environments", func(t *testing.T, res *Result) {
		c := res.Collection
		nativeEq(t, "base variable", insomniaVar(c.Variables, "baseUrl"), "https://api.example.com")
		nativeEq(t, "nested object flattened", insomniaVar(c.Variables, "user.name"), "admin")
		nativeEq(t, "nested array", insomniaVar(c.Variables, "user.roles"), `["admin","user"]`)
		nativeEq(t, "number", insomniaVar(c.Variables, "config.timeout"), "30000")
		nativeEq(t, "variable order as in the file", c.Variables[0].Key, "baseUrl")
		nativeEq(t, "sub-environments", len(res.Environments), 2)
		nativeEq(t, "staging", res.Environments[0].Name, "Staging")
		nativeEq(t, "development value", insomniaVar(res.Environments[1].Variables, "newFeature.version"), "2.099123123")
		r := nativeMust(t, res, "Get Users")
		nativeEq(t, "URL", r.URL, "{{baseUrl}}/api/users")
		nativeEq(t, "header", r.Headers[0].Key+": "+r.Headers[0].Value, "Accept: application/json")
		nativeEq(t, "empty auth inherits", r.Auth.Type, storage.AuthInherit)
	}},
	"bruno-fixture__insomnia-v4.json": {2, "Test API Collection v4", func(t *testing.T, res *Result) {
		login := nativeMust(t, res, "Authentication/Login User")
		nativeEq(t, "method", login.Method, "POST")
		nativeEq(t, "body type", login.Body.ContentType, "application/json")
		if !strings.Contains(login.Body.Raw, `"username": "admin"`) {
			t.Errorf("body %q", login.Body.Raw)
		}
		nativeEq(t, "top-level request", nativeMust(t, res, "Get Users").Method, "GET")
	}},
	"bruno-fixture__insomnia-v5.yaml": {3, "Test API Collection v5", func(t *testing.T, res *Result) {
		login := nativeMust(t, res, "API Tests/Authentication/Login User")
		nativeEq(t, "v5 template", login.URL, "{{base_url}}/api/auth/login")
		nativeEq(t, "body", login.Body.ContentType, "application/json")
		users := nativeMust(t, res, "API Tests/Get Users")
		nativeEq(t, "description in meta", users.Description, "Retrieve all users from the system")
		nativeEq(t, "header template", users.Headers[0].Value, "Bearer {{auth_token}}")
		nativeEq(t, "base environment", insomniaVar(res.Collection.Variables, "auth_token"), "your_auth_token_here")
		nativeEq(t, "second folder", nativeMust(t, res, "Data Management/Create Post").Method, "POST")
	}},
	"insomnia-importer-output__api-key-header-v2_1-output.json": {1, "insomnia-importer-output__api-key-header-v2_1-output", func(t *testing.T, res *Result) {
		a := nativeMust(t, res, "New Collection/New Request").Auth
		nativeEq(t, "type", a.Type, "apikey")
		nativeEq(t, "in", a.Params["in"], "header")
		nativeEq(t, "key", a.Params["key"], "test")
	}},
	"insomnia-importer-output__aws-signature-auth-v2_1-output.json": {1, "insomnia-importer-output__aws-signature-auth-v2_1-output", func(t *testing.T, res *Result) {
		a := nativeMust(t, res, "AWS Signature Test/AWS Signature").Auth
		nativeEq(t, "iam becomes awsv4", a.Type, "awsv4")
		nativeEq(t, "accessKeyId", a.Params["accessKey"], "aws-access-key")
		nativeEq(t, "secretAccessKey", a.Params["secretKey"], "aws-secret-key")
		nativeEq(t, "service", a.Params["service"], "aws-service-name")
	}},
	"insomnia-importer-output__complex-v2_0_fromHeaders-output.json": {5, "insomnia-importer-output__complex-v2_0_fromHeaders-output", func(t *testing.T, res *Result) {
		p := "Timing API/Projects/"
		nativeEq(t, "bearer", nativeMust(t, res, p+"Return the complete project hierarchy.").Auth.Params["token"], "{{token}}")
		nativeEq(t, "disabled query row", nativeMust(t, res, p+"Return the complete project hierarchy.").Params[0].Enabled, false)
		nativeEq(t, "basic", nativeMust(t, res, p+"Create a new project.").Auth.Params["username"], "john@example.com")
		nativeEq(t, "digest", nativeMust(t, res, p+"Display the specified project.").Auth.Type, "digest")
		o1 := nativeMust(t, res, p+"Update the specified project.").Auth
		nativeEq(t, "oauth1 tokenKey", o1.Params["token"], "Access%20Token")
		nativeEq(t, "oauth1 realm", o1.Params["realm"], "Realm")
		nativeEq(t, "iam", nativeMust(t, res, p+"Return a list containing all projects.").Auth.Params["region"], "<region>")
	}},
	"insomnia-importer-output__complex-v2_1-output.json": {6, "insomnia-importer-output__complex-v2_1-output", func(t *testing.T, res *Result) {
		p := "Complex Test Collection/"
		form := nativeMust(t, res, p+"First Folder/{{base_url}}/api/users").Body
		nativeEq(t, "multipart file", form.Multipart[0].File, "/home/user/test.txt")
		nativeEq(t, "disabled part", form.Multipart[2].Enabled, false)
		nativeEq(t, "urlencoded", nativeMust(t, res, p+"First Folder/Urlencoded Form Test").Body.Form[0].Key, "foo")
		nativeEq(t, "raw without type", nativeMust(t, res, p+"Test Request").Body.Raw, "hello world!")
		g := nativeMust(t, res, p+"Test Request GraphQL Body").Body
		nativeEq(t, "graphql", g.Mode, storage.BodyGraphQL)
		if g.GraphQL == nil || !strings.HasPrefix(g.GraphQL.Query, "mutation loginUser") || !strings.Contains(g.GraphQL.Variables, "{{username}}") {
			t.Errorf("graphql %+v", g.GraphQL)
		}
		nativeEq(t, "basic in folder", nativeMust(t, res, p+"First Folder/Urlencoded Form Test").Auth.Params["password"], "password")
	}},
	"insomnia-importer-output__openapi3-petstore-output.json": {20, "Swagger Petstore 1.0.0", func(t *testing.T, res *Result) {
		nativeEq(t, "base variable with templates", insomniaVar(res.Collection.Variables, "base_url"), "{{scheme}}://{{host}}{{base_path}}")
		nativeEq(t, "environments", len(res.Environments), 2)
		nativeEq(t, "env host", insomniaVar(res.Environments[0].Variables, "host"), "petstore.swagger.io")
		pet := nativeMust(t, res, "Find pet by ID")
		nativeEq(t, "URL", pet.URL, "{{base_url}}/pet/{{petId}}")
		nativeEq(t, "apikey", pet.Auth.Params["value"], "{{apiKey}}")
		o2 := nativeMust(t, res, "Add a new pet to the store").Auth
		nativeEq(t, "oauth2 grant", o2.Params["grant_type"], "implicit")
		nativeEq(t, "authorizationUrl", o2.Params["authUrl"], "http://petstore.swagger.io/oauth/dialog")
		nativeEq(t, "redirectUrl", o2.Params["redirect_uri"], "{{oauth2RedirectUrl}}")
		nativeEq(t, "disabled header", nativeMust(t, res, "Deletes a pet").Headers[0].Enabled, false)
		nativeEq(t, "query", nativeMust(t, res, "Finds Pets by status").Params[0].Value, "available")
	}},
	"insomnia-inso__folder-inheritance-document.yml": {1, "folder-inheritance-doc.yaml", func(t *testing.T, res *Result) {
		f := nativeFindFolder(res.Items, "My Folder").Folder
		nativeEq(t, "folder auth", f.Auth.Type, "basic")
		nativeEq(t, "folder user", f.Auth.Params["username"], "admin")
		nativeEq(t, "folder header", f.Headers[0].Key+": "+f.Headers[0].Value, "customheader: jack")
		nativeEq(t, "folder variable", insomniaVar(f.Variables, "foo"), "bar")
		r := nativeMust(t, res, "My Folder/New Request")
		nativeEq(t, "request inherits", r.Auth.Type, storage.AuthInherit)
		nativeEq(t, "body", r.Body.Raw, "{{foo}}")
		if len(r.Scripts) != 1 || !strings.Contains(r.Scripts[0].Text, "expect(body.data).to.equal('bar')") {
			t.Errorf("the unit test should be kept as a test script: %+v", r.Scripts)
		}
	}},
	"insomnia-inso__insomnia_v4.json": {13, "Swagger Petstore 1.0.0", func(t *testing.T, res *Result) {
		nativeEq(t, "folder request", nativeMust(t, res, "Example Folder/Example 2").URL, "https://jsonplaceholder.typicode.com/posts/1xx")
		nativeEq(t, "template without _.", nativeMust(t, res, "Add a new pet to the store").URL, "{{base_url}}/pet")
		nativeEq(t, "header template", nativeMust(t, res, "Returns pet inventories by status").Headers[0].Value, "{{apiKey}}")
		nativeEq(t, "environment", insomniaVar(res.Environments[0].Variables, "host"), "petstore.swagger.io")
		if !nativeHasSkip(res.Report, "", "cookie jar") || !nativeHasSkip(res.Report, "", "API spec") {
			t.Errorf("cookie jar and API spec must be reported: %+v", res.Report.Skipped)
		}
		// Sorted by metaSortKey: the folder (-1612902099821) before Example 1 (-1612902093985).
		nativeEq(t, "order", res.Items[0].Folder != nil && res.Items[0].Folder.Name == "Example Folder", true)
		nativeEq(t, "order", res.Items[1].Request != nil && res.Items[1].Request.Name == "Example 1", true)
	}},
	"insomnia-smoke__auth-types.yaml": {2, "Auth tests", func(t *testing.T, res *Result) {
		b := nativeMust(t, res, "sends request with basic authentication")
		nativeEq(t, "basic", b.Auth.Params["username"]+":"+b.Auth.Params["password"], "user:pass")
		nativeEq(t, "disabled header", b.Headers[0].Enabled, false)
		o := nativeMust(t, res, "sends request with oauth1").Auth
		nativeEq(t, "oauth1 token", o.Params["token"], "key")
		nativeEq(t, "oauth1 secret", o.Params["tokenSecret"], "secret")
		nativeEq(t, "oauth1 version", o.Params["version"], "1.0")
		nativeEq(t, "environment", insomniaVar(res.Collection.Variables, "customValue"), "fromEnvManager")
	}},
	"insomnia-smoke__graphql.yaml": {3, "Smoke GraphQL", func(t *testing.T, res *Result) {
		g := nativeMust(t, res, "GraphQL request").Body.GraphQL
		if g == nil || g.Query != "query {\n\thello,\n\tbearer\n}" {
			t.Errorf("graphql %+v", g)
		}
		num := nativeMust(t, res, "GraphQL request with number").Body.GraphQL
		nativeEq(t, "variables text with template", num.Variables, `{ "inputVar": {{intVar}} }`)
		vars := nativeMust(t, res, "GraphQL request with variables").Body.GraphQL
		if !strings.Contains(vars.Variables, `"stringVar"`) {
			t.Errorf("object variables: %q", vars.Variables)
		}
		nativeEq(t, "env", insomniaVar(res.Collection.Variables, "intVar"), "3")
	}},
	"insomnia-smoke__oauth.yaml": {8, "OAuth Testing", func(t *testing.T, res *Result) {
		f := nativeFindFolder(res.Items, "Folder Level Auth Code").Folder
		nativeEq(t, "folder oauth2", f.Auth.Type, "oauth2")
		nativeEq(t, "authUrl", f.Auth.Params["authUrl"], "http://127.0.0.1:4010/oidc/auth")
		nativeEq(t, "empty folder auth inherits", nativeFindFolder(res.Items, "Folder Level Auth Code/Inherit Auth Folder").Folder.Auth.Type, "")
		nativeEq(t, "request inherits", nativeMust(t, res, "Folder Level Auth Code/Inherit Auth Folder/Request with Inherited Auth").Auth.Type, storage.AuthInherit)
		// Sorted by metaSortKey.
		nativeEq(t, "first folder", res.Items[0].Folder.Name, "Folder Level Auth Code")
		nativeEq(t, "second folder", res.Items[1].Folder.Name, "Authorization Code")
		nativeEq(t, "pkce", nativeMust(t, res, "Authorization Code/PKCE SHA256").Auth.Params["grant_type"], "authorization_code_with_pkce")
		nativeEq(t, "pkce plain", nativeMust(t, res, "Authorization Code/PKCE Plain").Auth.Params["challengeAlgorithm"], "plain")
		nativeEq(t, "no pkce", nativeMust(t, res, "Authorization Code/No PKCE").Auth.Params["grant_type"], "authorization_code")
		nativeEq(t, "password grant", nativeMust(t, res, "Resource Owner Password Credentials").Auth.Params["grant_type"], "password_credentials")
		nativeEq(t, "implicit", nativeMust(t, res, "Implicit/ID Token").Auth.Params["grant_type"], "implicit")
		nativeEq(t, "client credentials", nativeMust(t, res, "Client Credentials").Auth.Params["clientSecret"], "secret")
		if !nativeHasSkip(res.Report, "", "responseType") {
			t.Error("responseType must be reported")
		}
	}},
	"insomnia-smoke__pre-request-collection.yaml": {32, "Pre-request Scripts", func(t *testing.T, res *Result) {
		r := nativeMust(t, res, "Fetch from remote")
		nativeEq(t, "pre-request script", r.Scripts[0].Event, "prerequest")
		post := nativeMust(t, res, "Long running task - post")
		nativeEq(t, "after-response script", post.Scripts[0].Event, "test")
		nativeEq(t, "folder variable", insomniaVar(nativeFindFolder(res.Items, "FolderWithEnv").Folder.Variables, "folderEnv"), "fromFolder")
		nativeEq(t, "scripts listed as not run", len(res.Report.NotRun) >= 30, true)
	}},
	"insomnia-smoke__smoke-test-collection.yaml": {10, "Smoke tests", func(t *testing.T, res *Result) {
		b := nativeMust(t, res, "sends request with basic authentication")
		nativeEq(t, "basic", b.Auth.Params["password"], "pass")
		nativeEq(t, "disabled Authorization header", b.Headers[0].Enabled, false)
		nativeEq(t, "https", nativeMust(t, res, "sends request with certs").URL, "https://localhost:4011/pets/1")
		nativeEq(t, "folder env", insomniaVar(nativeFindFolder(res.Items, "FolderWithEnv").Folder.Variables, "customValue"), "fromFolder")
		nativeEq(t, "script in folder", nativeMust(t, res, "FolderWithEnv/sends request with pre-request script").Scripts[0].Event, "prerequest")
	}},
	"insomnia-smoke__websockets.yaml": {0, "WebSockets", func(t *testing.T, res *Result) {
		n := 0
		for _, s := range res.Report.Skipped {
			if strings.Contains(s.Reason, "WebSocket request: Knock sends HTTP requests only") {
				n++
			}
		}
		nativeEq(t, "websocket requests skipped with a reason", n, 5)
	}},
	"yaak-fixture__insomnia-basic.input.json": {1, "Dummy", func(t *testing.T, res *Result) {
		r := nativeMust(t, res, "Top Level/New Request")
		nativeEq(t, "path parameter replaced", r.URL, "{{BASE_URL}}/foo/iii")
		nativeEq(t, "query", r.Params[0].Key+"="+r.Params[0].Value, "query=qqq")
		nativeEq(t, "multipart", r.Body.Multipart[0].Key+"="+r.Body.Multipart[0].Value, "form=data")
		nativeEq(t, "basic", r.Auth.Params["username"], "user")
		nativeEq(t, "header", r.Headers[2].Key+": "+r.Headers[2].Value, "X-Header: xxxx")
		nativeEq(t, "environments", len(res.Environments), 2)
		nativeEq(t, "production", insomniaVar(res.Environments[0].Variables, "BASE_URL"), "https://api.yaak.app")
	}},
	"yaak-fixture__insomnia-version-5.input.yaml": {1, "Dummy", func(t *testing.T, res *Result) {
		nativeEq(t, "description", res.Collection.Description, "This is the description")
		r := nativeMust(t, res, "Top Level/New Request")
		nativeEq(t, "description", r.Description, "My description of the request")
		nativeEq(t, "URL", r.URL, "{{BASE_URL}}/foo/iii")
		nativeEq(t, "password", r.Auth.Params["password"], "pass")
		nativeEq(t, "header template", r.Headers[3].Key+": "+r.Headers[3].Value, "{{ApiHeaderName}}: {{ApiKey}}")
		nativeEq(t, "staging", insomniaVar(res.Environments[1].Variables, "BASE_URL"), "https://api.staging.yaak.app")
		nativeEq(t, "base", insomniaVar(res.Collection.Variables, "BASE_VAR"), "hello")
		if !nativeHasSkip(res.Report, "New Request", "gRPC") || !nativeHasSkip(res.Report, "New WebSocket Request", "WebSocket") {
			t.Errorf("gRPC and WebSocket requests must be reported: %+v", res.Report.Skipped)
		}
	}},
}

func TestInsomniaCorpus(t *testing.T) {
	root := filepath.Join(nativeCorpusDir(t), "insomnia")
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range entries {
		files = append(files, e.Name())
	}
	sort.Strings(files)
	if len(files) != len(insomniaCorpus) {
		t.Errorf("%d files in the corpus, %d with expectations", len(files), len(insomniaCorpus))
	}
	passed := 0
	for _, f := range files {
		tc, ok := insomniaCorpus[f]
		if !ok {
			t.Errorf("%s: no expectations written for this file", f)
			continue
		}
		ok = t.Run(f, func(t *testing.T) {
			res, err := Import(f, nativeReadFile(t, filepath.Join(root, f)), "")
			if err != nil {
				t.Fatal(err)
			}
			nativeEq(t, "format", res.Format, "insomnia")
			nativeEq(t, "requests", Requests(res.Items), tc.requests)
			nativeEq(t, "reported imports", len(res.Report.Imported), tc.requests)
			nativeEq(t, "name", res.Collection.Name, tc.name)
			tc.check(t, res)
		})
		if ok {
			passed++
		}
	}
	t.Logf("insomnia corpus: %d/%d files passed", passed, len(files))
}
