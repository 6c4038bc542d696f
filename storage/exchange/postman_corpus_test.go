package exchange

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/knockhttp/knock/storage"
)

// nativeFind returns the request at a slash path ("Folder/Sub/Name") of a
// tree; the first one when names repeat.
func nativeFind(items []storage.TreeItem, path string) *storage.Request {
	for _, it := range items {
		if it.Request != nil && it.Request.Name == path {
			return it.Request
		}
		if it.Folder != nil && strings.HasPrefix(path, it.Folder.Name+"/") {
			if r := nativeFind(it.Children, path[len(it.Folder.Name)+1:]); r != nil {
				return r
			}
		}
	}
	return nil
}

// nativeFindFolder returns the folder at a slash path.
func nativeFindFolder(items []storage.TreeItem, path string) *storage.TreeItem {
	for i := range items {
		it := &items[i]
		if it.Folder == nil {
			continue
		}
		if it.Folder.Name == path {
			return it
		}
		if strings.HasPrefix(path, it.Folder.Name+"/") {
			if f := nativeFindFolder(it.Children, path[len(it.Folder.Name)+1:]); f != nil {
				return f
			}
		}
	}
	return nil
}

// nativeMust returns the request at path or fails.
func nativeMust(t *testing.T, res *Result, path string) *storage.Request {
	t.Helper()
	r := nativeFind(res.Items, path)
	if r == nil {
		t.Fatalf("no request %q", path)
	}
	return r
}

// nativeEq reports a difference between got and want, labelled.
func nativeEq[T comparable](t *testing.T, label string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %#v, want %#v", label, got, want)
	}
}

// nativeHasSkip reports whether the report skips item for a reason that
// contains text.
func nativeHasSkip(rep Report, item, text string) bool {
	for _, s := range rep.Skipped {
		if (item == "" || s.Item == item) && strings.Contains(s.Reason, text) {
			return true
		}
	}
	return false
}

type postmanCorpusCase struct {
	requests int    // requests in the tree
	name     string // collection or environment name
	check    func(t *testing.T, res *Result)
}

// postmanCorpus holds, per file of shared/corpus/postman, facts read from
// the file itself.
var postmanCorpus = map[string]postmanCorpusCase{
	"collections/API_Key.postman_collection.json": {2, "API Key", func(t *testing.T, res *Result) {
		c := res.Collection
		nativeEq(t, "collection auth", c.Auth.Type, "apikey")
		nativeEq(t, "collection key", c.Auth.Params["key"], "client-id")
		nativeEq(t, "collection value", c.Auth.Params["value"], "{{client_id}}")
		nativeEq(t, "Inherited auth", nativeMust(t, res, "Inherited").Auth.Type, storage.AuthInherit)
		own := nativeMust(t, res, "Own Auth")
		nativeEq(t, "Own Auth in", own.Auth.Params["in"], "query")
		nativeEq(t, "Own Auth URL", own.URL, "http://localhost:3000/health")
	}},
	"collections/AWS.postman_collection.json": {2, "AWS", func(t *testing.T, res *Result) {
		nativeEq(t, "collection region", res.Collection.Auth.Params["region"], "us-west-1")
		own := nativeMust(t, res, "Own Auth")
		nativeEq(t, "type", own.Auth.Type, "awsv4")
		nativeEq(t, "accessKey", own.Auth.Params["accessKey"], "newAccessKey")
		nativeEq(t, "secretKey", own.Auth.Params["secretKey"], "newSecretKey")
		nativeEq(t, "service", own.Auth.Params["service"], "service_name")
	}},
	"collections/Akamai_EdgeGrid.postman_collection.json": {2, "Akamai EdgeGrid", func(t *testing.T, res *Result) {
		a := res.Collection.Auth
		nativeEq(t, "type", a.Type, "edgegrid")
		nativeEq(t, "maxBodySize (a number in the file)", a.Params["maxBodySize"], "70")
		nativeEq(t, "baseURL", a.Params["baseURL"], "http://localhost:4000")
		nativeEq(t, "own clientToken", nativeMust(t, res, "Own Auth").Auth.Params["clientToken"], "clientToken")
	}},
	"collections/Basic_Auth_Folder.postman_collection.json": {8, "Basic Auth", func(t *testing.T, res *Result) {
		nativeEq(t, "collection username", res.Collection.Auth.Params["username"], "john")
		nativeEq(t, "inherited folder auth", nativeFindFolder(res.Items, "Inherited Folder").Folder.Auth.Type, "")
		own := nativeFindFolder(res.Items, "Own Auth folder").Folder.Auth
		nativeEq(t, "folder auth", own.Type, "basic")
		nativeEq(t, "folder username", own.Params["username"], "Folder-user")
		nativeEq(t, "no-auth folder", nativeFindFolder(res.Items, "No Auth").Folder.Auth.Type, storage.AuthNone)
		nativeEq(t, "request in no-auth folder inherits", nativeMust(t, res, "No Auth/Inherited").Auth.Type, storage.AuthInherit)
		nativeEq(t, "top Own Auth user", nativeMust(t, res, "Own Auth").Auth.Params["username"], "john-custom")
	}},
	"collections/Bearer.postman_collection.json": {3, "Bearer", func(t *testing.T, res *Result) {
		nativeEq(t, "collection token", res.Collection.Auth.Params["token"], "{{token}}")
		nativeEq(t, "own token", nativeMust(t, res, "Own Auth").Auth.Params["token"], "{{token}}-new")
		nativeEq(t, "noauth", nativeMust(t, res, "No Auth").Auth.Type, storage.AuthNone)
	}},
	"collections/Digest.postman_collection.json": {2, "Digest", func(t *testing.T, res *Result) {
		a := res.Collection.Auth
		nativeEq(t, "qop", a.Params["qop"], "auth-int")
		nativeEq(t, "realm", a.Params["realm"], "testrealm@example.com")
		own := nativeMust(t, res, "Own auth")
		nativeEq(t, "own password", own.Auth.Params["password"], "plain_password")
		nativeEq(t, "URL-less request", nativeMust(t, res, "Inherited").URL, "")
	}},
	"collections/NTLM.postman_collection.json": {2, "NTLM", func(t *testing.T, res *Result) {
		nativeEq(t, "domain", res.Collection.Auth.Params["domain"], "example.com")
		nativeEq(t, "workstation", res.Collection.Auth.Params["workstation"], "my-pc")
		nativeEq(t, "own user", nativeMust(t, res, "Own Auth").Auth.Params["username"], "NTLM_USER_2")
	}},
	"collections/Oauth1.postman_collection.json": {8, "Oauth1", func(t *testing.T, res *Result) {
		nativeEq(t, "type 1 method", nativeMust(t, res, "type 1").Auth.Params["signatureMethod"], "HMAC-SHA1")
		nativeEq(t, "type 2 method", nativeMust(t, res, "type 2").Auth.Params["signatureMethod"], "HMAC-SHA256")
		t3 := nativeMust(t, res, "type 3").Auth.Params
		nativeEq(t, "type 3 addParamsToHeader (a boolean in the file)", t3["addParamsToHeader"], "false")
		nativeEq(t, "type 3 method", t3["signatureMethod"], "HMAC-SHA512")
		if !nativeHasSkip(res.Report, "type 2", "disableHeaderEncoding") {
			t.Error("disableHeaderEncoding is not used by Knock and must be reported")
		}
	}},
	"collections/Oauth2.postman_collection.json": {8, "Oauth2", func(t *testing.T, res *Result) {
		for name, grant := range map[string]string{"Client Creds": "client_credentials", "Implicit": "implicit", "Auth Code": "authorization_code", "password": "password_credentials", "PKCE": "authorization_code_with_pkce"} {
			nativeEq(t, name+" grant", nativeMust(t, res, name).Auth.Params["grant_type"], grant)
		}
		nativeEq(t, "PKCE challenge", nativeMust(t, res, "PKCE").Auth.Params["challengeAlgorithm"], "plain")
		nativeEq(t, "client id", nativeMust(t, res, "Implicit").Auth.Params["clientId"], "{{client_id}}")
	}},
	"collections/bom-in-collection-file.postman_collection.json": {3, "Sample Postman Collection", func(t *testing.T, res *Result) {
		get := nativeMust(t, res, "A simple GET request")
		nativeEq(t, "URL string kept as written", get.URL, "https://postman-echo.com/get?source=newman-sample-github-collection")
		post := nativeMust(t, res, "A simple POST request with JSON body")
		nativeEq(t, "body mode", post.Body.Mode, storage.BodyRaw)
		nativeEq(t, "header", post.Headers[0].Value, "application/json")
		nativeEq(t, "scripts kept", len(get.Scripts), 1)
	}},
	"collections/custom-http-method.postman_collection.json": {3, "custom-http-method", func(t *testing.T, res *Result) {
		fd := nativeMust(t, res, "form-data")
		nativeEq(t, "custom method", fd.Method, "POSTMAN")
		nativeEq(t, "file part", fd.Body.Multipart[1].File, "test/integration/custom-http-method/upload-file.csv")
		nativeEq(t, "text part", fd.Body.Multipart[0].Value, "dataValue")
		dis := nativeMust(t, res, "body disabled")
		nativeEq(t, "disabled body not sent", dis.Body.Mode, storage.BodyNone)
		nativeEq(t, "disabled body kept", dis.Body.Raw, "foo=bar")
		if !nativeHasSkip(res.Report, "body disabled", "disabled") {
			t.Error("the disabled body must be reported")
		}
	}},
	"collections/digest.json": {2, "Echo - Digest", func(t *testing.T, res *Result) {
		req := nativeMust(t, res, "Auth: Digest/DigestAuth Request")
		nativeEq(t, "noauth", req.Auth.Type, storage.AuthNone)
		nativeEq(t, "header text form", len(req.Headers), 2)
		nativeEq(t, "first header", req.Headers[0].Key+": "+req.Headers[0].Value, "Content-Type: application/json")
		nativeEq(t, "v1 enabled rows", req.Body.Multipart[4].Value, "ssh-secret")
		nativeEq(t, "saved response", len(req.Examples), 1)
		ok := nativeMust(t, res, "Auth: Digest/DigestAuth Success")
		nativeEq(t, "v2.0 object auth", ok.Auth.Params["realm"], "{{echo_digest_realm}}")
		nativeEq(t, "empty formdata sends no body", ok.Body.Mode, storage.BodyNone)
	}},
	"collections/hawk.json": {1, "hawkAuthTest", func(t *testing.T, res *Result) {
		a := nativeMust(t, res, "test hawk auth success").Auth
		nativeEq(t, "authId", a.Params["authId"], "dh37fgj492je")
		nativeEq(t, "extraData", a.Params["extraData"], "skjdfklsjhdflkjhsdf")
		nativeEq(t, "appId becomes app", a.Params["app"], "")
		if !nativeHasSkip(res.Report, "", "saveHelperData") {
			t.Error("saveHelperData must be reported")
		}
	}},
	"collections/inherited-entities.postman_collection.json": {8, "Inherited Entities", func(t *testing.T, res *Result) {
		c := res.Collection
		nativeEq(t, "collection auth", c.Auth.Params["username"], "postman")
		nativeEq(t, "variables", len(c.Variables), 3)
		nativeEq(t, "variable", c.Variables[1].Value, "https://postman-echo.com/get?test=collection_variable")
		nativeEq(t, "collection script", len(c.Scripts), 1)
		nativeEq(t, "request as a string", nativeMust(t, res, "Collection level stuff/Variables").URL, "{{collectionVariablesURL}}")
		nativeEq(t, "folder auth", nativeFindFolder(res.Items, "Folder level stuff").Folder.Auth.Type, "digest")
		nativeEq(t, "event as one object", len(nativeMust(t, res, "Folder level stuff/Auth").Scripts), 1)
		nativeEq(t, "event inside the request", len(nativeMust(t, res, "Request level stuff/Auth").Scripts), 1)
		nativeEq(t, "noauth override", nativeMust(t, res, "Auth override").Auth.Type, storage.AuthNone)
	}},
	"collections/insomnia-fixture__api-key-queryParams-v2_1-input.json": {1, "New Collection", func(t *testing.T, res *Result) {
		a := nativeMust(t, res, "New Request").Auth
		nativeEq(t, "in", a.Params["in"], "query")
		nativeEq(t, "key", a.Params["key"], "test")
	}},
	"collections/insomnia-fixture__aws-signature-auth-v2_0-input.json": {1, "AWS Signature Test", func(t *testing.T, res *Result) {
		r := nativeMust(t, res, "AWS Signature")
		nativeEq(t, "accessKey", r.Auth.Params["accessKey"], "aws-access-key")
		nativeEq(t, "sessionToken", r.Auth.Params["sessionToken"], "aws-session-token")
		nativeEq(t, "empty raw body", r.Body.Mode, storage.BodyNone)
	}},
	"collections/insomnia-fixture__complex-v2_1-input.json": {6, "Complex Test Collection", func(t *testing.T, res *Result) {
		nativeEq(t, "description", res.Collection.Description, "A collection for testing")
		form := nativeMust(t, res, "First Folder/{{base_url}}/api/users")
		nativeEq(t, "file part", form.Body.Multipart[0].File, "/home/user/test.txt")
		nativeEq(t, "disabled part", form.Body.Multipart[2].Enabled, false)
		nativeEq(t, "request description", form.Description, "First Request")
		nativeEq(t, "urlencoded", nativeMust(t, res, "First Folder/Urlencoded Form Test").Body.Form[0].Value, "bar")
		nativeEq(t, "raw without language", nativeMust(t, res, "Test Request").Body.Raw, "hello world!")
		gq := nativeMust(t, res, "Test Request GraphQL Body").Body
		nativeEq(t, "graphql", gq.Mode, storage.BodyGraphQL)
		if gq.GraphQL == nil || !strings.HasPrefix(gq.GraphQL.Query, "mutation loginUser") || !strings.Contains(gq.GraphQL.Variables, "{{password}}") {
			t.Errorf("graphql body: %+v", gq.GraphQL)
		}
		nativeEq(t, "unknown mode", nativeMust(t, res, "Test Request Unknown Body").Body.Mode, storage.BodyNone)
		if !nativeHasSkip(res.Report, "Test Request Unknown Body", `"unknown"`) {
			t.Error("the unknown body mode must be reported")
		}
	}},
	"collections/insomnia-fixture__oauth2_0-auth-v2_1-input.json": {5, "oauth2", func(t *testing.T, res *Result) {
		nativeEq(t, "pkce", nativeMust(t, res, "pkce").Auth.Params["grant_type"], "authorization_code_with_pkce")
		nativeEq(t, "audience map value", nativeMust(t, res, "pkce").Auth.Params["audience"], "test")
		nativeEq(t, "password", nativeMust(t, res, "password").Auth.Params["grant_type"], "password_credentials")
	}},
	"collections/multi-level-folders-v2.postman_collection.json": {6, "multi-level-folders-v2", func(t *testing.T, res *Result) {
		nativeEq(t, "deep request", nativeMust(t, res, "F2/F2.F3/F2.F3.R1").URL, "https://postman-echo.com/get")
		nativeEq(t, "empty folder kept", nativeFindFolder(res.Items, "F2/F4") != nil, true)
		nativeEq(t, "scripts", len(nativeMust(t, res, "F1/F1.R1").Scripts), 2)
		nativeEq(t, "top-level request", nativeMust(t, res, "R1").Method, "GET")
	}},
	"collections/multiple-form-values.postman_collection.json": {3, "multipleFormValues", func(t *testing.T, res *Result) {
		r := res.Items[0].Request
		nativeEq(t, "repeated keys in the URL", r.URL, "https://postman-echo.com/get?hi=hello&hi=lolol")
		nativeEq(t, "empty urlencoded", res.Items[1].Request.Body.Mode, storage.BodyNone)
	}},
	"collections/oauth1.json": {1, "Echo - OAuth 1", func(t *testing.T, res *Result) {
		a := nativeMust(t, res, "OAuth1.0 Verify Signature").Auth
		nativeEq(t, "consumerSecret", a.Params["consumerSecret"], "D+EdQ-gs$-%@2Nu7")
		nativeEq(t, "timestamp", a.Params["timestamp"], "1453890475")
		nativeEq(t, "addEmptyParamsToSign", a.Params["addEmptyParamsToSign"], "false")
	}},
	"collections/postman-import-binary-body-mode.json": {1, "Binary body type", func(t *testing.T, res *Result) {
		r := nativeMust(t, res, "Binary body mode")
		nativeEq(t, "file", r.Body.File, "./binary-payload.bin")
		nativeEq(t, "mode", r.Body.Mode, storage.BodyFile)
		nativeEq(t, "URL without its query", r.URL, "https://api.com/users")
		nativeEq(t, "query row", r.Params[0].Key+"="+r.Params[0].Value, "X-API-KEY=12345")
		nativeEq(t, "example", r.Examples[0].Name, "Binary upload example")
		nativeEq(t, "example status", r.Examples[0].Status, 201)
		nativeEq(t, "example content type", r.Examples[0].ContentType, "application/json")
		if !strings.HasPrefix(res.Collection.Description, "### Welcome to Postman!") {
			t.Errorf("description %q", res.Collection.Description)
		}
	}},
	"collections/postman-with-scripts.json": {1, "Scripts Collection", func(t *testing.T, res *Result) {
		r := nativeMust(t, res, "Login")
		nativeEq(t, "URL from parts", r.URL, "https://example.com/login")
		nativeEq(t, "scripts", len(r.Scripts), 2)
		nativeEq(t, "prerequest", r.Scripts[0].Text, "pm.environment.set('token', 'abc');\nconsole.log('pre');")
		nativeEq(t, "test event", r.Scripts[1].Event, "test")
		nativeEq(t, "not run", strings.Join(res.Report.NotRun, "; "), "Login: prerequest script; Login: test script")
	}},
	"collections/protocol-profile-behavior.postman_collection.json": {8, "protocol-profile-behavior", func(t *testing.T, res *Result) {
		nativeEq(t, "followRedirects false", nativeMust(t, res, "followRedirects/followRedirects: false").Settings.NoFollow, true)
		nativeEq(t, "followRedirects true", nativeMust(t, res, "followRedirects/followRedirects: true").Settings.NoFollow, false)
		nativeEq(t, "maxRedirects", nativeMust(t, res, "maxRedirects").Settings.MaxRedirects, 11)
		if !nativeHasSkip(res.Report, "", "followOriginalHttpMethod") {
			t.Error("followOriginalHttpMethod must be reported")
		}
	}},
	"collections/schemas-v2.1.0__edgegridAuthTest.json": {1, "edgegridAuthTest", func(t *testing.T, res *Result) {
		a := nativeMust(t, res, "test edgegrid auth success").Auth
		nativeEq(t, "headersToSign", a.Params["headersToSign"], "Host,Cache-Control")
		nativeEq(t, "clientSecret", a.Params["clientSecret"], "baz")
	}},
	"collections/schemas-v2.1.0__hawkAuthTest.json": {1, "hawkAuthTest", func(t *testing.T, res *Result) {
		nativeEq(t, "algorithm", nativeMust(t, res, "test hawk auth success").Auth.Params["algorithm"], "sha256")
	}},
	"collections/schemas-v2.1.0__ntlmAuthTest.json": {1, "ntlmAuthTest", func(t *testing.T, res *Result) {
		a := nativeMust(t, res, "test ntlm auth success").Auth
		nativeEq(t, "domain", a.Params["domain"], "domain")
		nativeEq(t, "workstation", a.Params["workstation"], "workstation")
	}},
	"collections/schemas-v2.1.0__reqBodyContentType.json": {3, "content-type", func(t *testing.T, res *Result) {
		nativeEq(t, "disabled formdata", nativeMust(t, res, "default").Body.Mode, storage.BodyNone)
		text := nativeMust(t, res, "text").Body
		nativeEq(t, "part content type", text.Multipart[1].ContentType, "application/json")
		nativeEq(t, "csv value", text.Multipart[2].Value, "key,value\n1,a\n2,b")
		file := nativeMust(t, res, "file").Body
		nativeEq(t, "file part", file.Multipart[1].File, "path/to/randomFile")
		nativeEq(t, "file part type", file.Multipart[1].ContentType, "text/csv")
	}},
	"collections/schemas-v2.1.0__reqBodyGraphQL.json": {1, "GraphQL Request", func(t *testing.T, res *Result) {
		g := nativeMust(t, res, "default").Body.GraphQL
		if g == nil || g.Query != "query Test { hello }" || g.OperationName != "Test" || g.Variables != `{"foo":"bar"}` {
			t.Errorf("graphql: %+v", g)
		}
	}},
	"collections/transformer-v2.0.0__binary-upload.json": {1, "asdasdasdasdasdasd", func(t *testing.T, res *Result) {
		r := nativeMust(t, res, "http://httpbin.org/post")
		nativeEq(t, "file", r.Body.File, "sample.txt")
		nativeEq(t, "description", r.Description, "Description")
		nativeEq(t, "URL", r.URL, "http://echo.postman.com/post")
	}},
	"collections/transformer-v2.0.0__urlencoded-post-data.json": {1, "urlencodeddata", func(t *testing.T, res *Result) {
		r := nativeMust(t, res, "http://httpbin.org/post")
		nativeEq(t, "form", r.Body.Form[1].Key+"="+r.Body.Form[1].Value, "yakshay=ybald")
		nativeEq(t, "example", r.Examples[0].Name, "samplerespose")
		nativeEq(t, "example code", r.Examples[0].Status, 200)
	}},
	"collections/transformer-v2.1.0__helpers.json": {5, "c1", func(t *testing.T, res *Result) {
		nativeEq(t, "bearer", nativeMust(t, res, "test bearer auth success").Auth.Params["token"], "wkjehbxoqnunc2k3")
		nativeEq(t, "digest nonceCount", nativeMust(t, res, "DigestAuth").Auth.Params["nonceCount"], "000001")
		nativeEq(t, "basic", nativeMust(t, res, "basicAuth").Auth.Params["username"], "abhijit")
		// The second "OAuth" request uses older oauth2 names.
		o2 := res.Items[1].Request.Auth
		nativeEq(t, "grantType becomes grant_type", o2.Params["grant_type"], "implicit")
		nativeEq(t, "callBackUrl becomes redirect_uri", o2.Params["redirect_uri"], "https://foo.com/cb")
		nativeEq(t, "clientAuth becomes client_authentication", o2.Params["client_authentication"], "body")
	}},
	"collections/transformer-v2.1.0__twitter.json": {18, "Twitter", func(t *testing.T, res *Result) {
		nativeEq(t, "first request", nativeMust(t, res, "User Specific/Mentions").URL, "https://api.twitter.com/1.1/statuses/home_timeline.json")
		tw := nativeMust(t, res, "Tweet")
		nativeEq(t, "method", tw.Method, "POST")
		nativeEq(t, "auth", tw.Auth.Type, "oauth1")
		nativeEq(t, "URL with its spaces", tw.URL, "https://api.twitter.com/1.1/statuses/update.json?status=Testing out Twitter integration with Postman")
	}},
	"collections/yaak-fixture__auth.input.json": {10, "Authentication", func(t *testing.T, res *Result) {
		nativeEq(t, "collection auth", res.Collection.Auth.Params["password"], "workspace_secret")
		nativeEq(t, "collection variable", res.Collection.Variables[0].Key, "COLLECTION VARIABLE")
		jwt := nativeMust(t, res, "JWT").Auth
		nativeEq(t, "jwt", jwt.Type, "jwt")
		nativeEq(t, "jwt algorithm", jwt.Params["algorithm"], "HS384")
		nativeEq(t, "jwt secret", jwt.Params["secret"], "mysecret")
		nativeEq(t, "aws service", nativeMust(t, res, "AWS V4").Auth.Params["service"], "s3")
		nativeEq(t, "json body", nativeMust(t, res, "OAuth 2 Implicit").Body.ContentType, "application/json")
		nativeEq(t, "noauth", nativeMust(t, res, "No Auth").Auth.Type, storage.AuthNone)
	}},
	"collections/yaak-fixture__params.input.json": {1, "New Collection", func(t *testing.T, res *Result) {
		r := nativeMust(t, res, "Form URL")
		nativeEq(t, "path variables replaced, query cut", r.URL, "example.com/fff/bbb")
		nativeEq(t, "query rows (the empty one dropped)", len(r.Params), 2)
		nativeEq(t, "disabled query row", r.Params[0].Enabled, false)
		nativeEq(t, "disabled header", r.Headers[1].Enabled, false)
		nativeEq(t, "file part", r.Body.Multipart[0].File, "/Users/gschier/Desktop/Screenshot 2024-05-31 at 12.05.11\u202fPM.png") // a narrow no-break space, as in the file
		nativeEq(t, "bearer", r.Auth.Params["token"], "my-token")
		if !nativeHasSkip(res.Report, "Form URL", "path variable :foo") || !nativeHasSkip(res.Report, "Form URL", "descriptions of") {
			t.Errorf("path variables and descriptions must be reported: %+v", res.Report.Skipped)
		}
	}},
	"environments/bom-in-environment-file.postman_environment.json": {0, "Variable names with slashes", func(t *testing.T, res *Result) {
		vs := res.Environments[0].Variables
		nativeEq(t, "slash name", vs[0].Key+"="+vs[0].Value, "fo/o=alpha")
		nativeEq(t, "backslash name", vs[1].Key, `b\ar`)
	}},
	"environments/bruno-fixture__postman-env-mixed-enabled.json": {0, "Mixed Enabled Env", func(t *testing.T, res *Result) {
		vs := res.Environments[0].Variables
		nativeEq(t, "enabled", vs[0].Enabled, true)
		nativeEq(t, "disabled", vs[1].Enabled, false)
		nativeEq(t, "absent enabled", vs[2].Enabled, true)
		nativeEq(t, "null enabled", vs[3].Enabled, true)
	}},
	"environments/disabled-and-duplicates.postman_environment.json": {0, "disabled-and-duplicates", func(t *testing.T, res *Result) {
		vs := res.Environments[0].Variables
		nativeEq(t, "count (duplicates kept)", len(vs), 5)
		nativeEq(t, "disabled", vs[0].Enabled, false)
		nativeEq(t, "duplicate", vs[4].Key+"="+vs[4].Value, "duplicate=2")
	}},
	"environments/globals-env-data-files.postman_environment.json": {0, "testEnv", func(t *testing.T, res *Result) {
		vs := res.Environments[0].Variables
		nativeEq(t, "count", len(vs), 6)
		nativeEq(t, "url", vs[3].Value, "https://postman-echo.com")
	}},
	"environments/globals-env-data-files.postman_globals.json": {0, "Globals", func(t *testing.T, res *Result) {
		e := res.Environments[0]
		nativeEq(t, "globals ID", e.ID, storage.GlobalsID)
		nativeEq(t, "count", len(e.Variables), 7)
		nativeEq(t, "spaces in names", e.Variables[2].Key+"="+e.Variables[2].Value, "Global Foo=Global Bar")
	}},
	"environments/insomnia-fixture__postman-env-basic-input.json": {0, "Production Env", func(t *testing.T, res *Result) {
		vs := res.Environments[0].Variables
		nativeEq(t, "foo", vs[0].Value, "production")
		nativeEq(t, "bar disabled", vs[1].Enabled, false)
	}},
	"environments/utf16-le-encoding-in-env.postman_environment.json": {0, "Localhost REST API - QA_master_localhost", func(t *testing.T, res *Result) {
		vs := res.Environments[0].Variables
		nativeEq(t, "count", len(vs), 4)
		nativeEq(t, "port", vs[1].Key+"="+vs[1].Value, "servicePortNumber=44393")
		if !strings.HasPrefix(vs[2].Value, `<root xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`) {
			t.Errorf("\\u003c escapes: %q", vs[2].Value[:40])
		}
	}},
	"environments/yaak-fixture__environment.input.json": {0, "My Environment", func(t *testing.T, res *Result) {
		vs := res.Environments[0].Variables
		nativeEq(t, "token", vs[1].Value, "{{ access_token }}")
		nativeEq(t, "secret type", vs[2].Secret, true)
		nativeEq(t, "secret value (saved to the keyring)", vs[2].Value, "hello")
		nativeEq(t, "disabled", vs[2].Enabled, false)
	}},
}

func TestPostmanCorpus(t *testing.T) {
	root := filepath.Join(nativeCorpusDir(t), "postman")
	var files []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	if len(files) != len(postmanCorpus) {
		t.Errorf("%d files in the corpus, %d with expectations", len(files), len(postmanCorpus))
	}
	passed := 0
	for _, f := range files {
		tc, ok := postmanCorpus[f]
		if !ok {
			t.Errorf("%s: no expectations written for this file", f)
			continue
		}
		ok = t.Run(f, func(t *testing.T) {
			res, err := Import(f, nativeReadFile(t, filepath.Join(root, f)), "")
			if err != nil {
				t.Fatal(err)
			}
			nativeEq(t, "format", res.Format, "postman")
			nativeEq(t, "requests", Requests(res.Items), tc.requests)
			if res.Collection != nil {
				nativeEq(t, "reported imports", len(res.Report.Imported), tc.requests)
				nativeEq(t, "name", res.Collection.Name, tc.name)
			} else {
				nativeEq(t, "environments", len(res.Environments), 1)
				nativeEq(t, "reported imports", len(res.Report.Imported), 1)
				nativeEq(t, "name", res.Environments[0].Name, tc.name)
			}
			tc.check(t, res)
		})
		if ok {
			passed++
		}
	}
	t.Logf("postman corpus: %d/%d files passed", passed, len(files))
}
