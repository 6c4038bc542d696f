package exchange

import (
	"reflect"
	"strings"
	"testing"

	"github.com/knockhttp/knock/storage"
)

func insomniaImportString(t *testing.T, name, doc string) *Result {
	t.Helper()
	res, err := ImportInsomnia(name, []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestInsomniaAuthTypes(t *testing.T) {
	doc := `{"_type": "export", "__export_format": 4, "resources": [
  {"_id": "wrk_1", "_type": "workspace", "name": "Auth"},
  {"_id": "r1", "_type": "request", "parentId": "wrk_1", "name": "basic", "url": "http://a", "metaSortKey": 1, "authentication": {"type": "basic", "username": "u", "password": "p", "useISO88591": true}},
  {"_id": "r2", "_type": "request", "parentId": "wrk_1", "name": "digest", "url": "http://a", "metaSortKey": 2, "authentication": {"type": "digest", "username": "d", "password": "dp"}},
  {"_id": "r3", "_type": "request", "parentId": "wrk_1", "name": "bearer", "url": "http://a", "metaSortKey": 3, "authentication": {"type": "bearer", "token": "{{ _.tok }}", "prefix": "Token"}},
  {"_id": "r4", "_type": "request", "parentId": "wrk_1", "name": "ntlm", "url": "http://a", "metaSortKey": 4, "authentication": {"type": "ntlm", "username": "n", "password": "np"}},
  {"_id": "r5", "_type": "request", "parentId": "wrk_1", "name": "oauth1", "url": "http://a", "metaSortKey": 5, "authentication": {"type": "oauth1", "consumerKey": "ck", "consumerSecret": "cs", "tokenKey": "tk", "tokenSecret": "ts", "signatureMethod": "RSA-SHA256", "privateKey": "PEM", "includeBodyHash": true}},
  {"_id": "r6", "_type": "request", "parentId": "wrk_1", "name": "oauth2", "url": "http://a", "metaSortKey": 6, "authentication": {"type": "oauth2", "grantType": "password", "accessTokenUrl": "http://t", "clientId": "c", "clientSecret": "s", "username": "u", "password": "p", "credentialsInBody": true, "tokenPrefix": "Bearer", "audience": "aud"}},
  {"_id": "r7", "_type": "request", "parentId": "wrk_1", "name": "oauth2 pkce", "url": "http://a", "metaSortKey": 7, "authentication": {"type": "oauth2", "grantType": "authorization_code", "usePkce": true, "pkceMethod": "S256", "authorizationUrl": "http://auth", "redirectUrl": "http://cb"}},
  {"_id": "r8", "_type": "request", "parentId": "wrk_1", "name": "hawk", "url": "http://a", "metaSortKey": 8, "authentication": {"type": "hawk", "id": "hid", "key": "hk", "algorithm": "sha1", "ext": "e", "validatePayload": true}},
  {"_id": "r9", "_type": "request", "parentId": "wrk_1", "name": "iam", "url": "http://a", "metaSortKey": 9, "authentication": {"type": "iam", "accessKeyId": "AK", "secretAccessKey": "SK", "sessionToken": "ST", "region": "eu", "service": "s3"}},
  {"_id": "r10", "_type": "request", "parentId": "wrk_1", "name": "apikey query", "url": "http://a", "metaSortKey": 10, "authentication": {"type": "apikey", "key": "k", "value": "v", "addTo": "queryParams"}},
  {"_id": "r11", "_type": "request", "parentId": "wrk_1", "name": "apikey cookie", "url": "http://a", "metaSortKey": 11, "authentication": {"type": "apikey", "key": "k", "value": "v", "addTo": "cookie"}},
  {"_id": "r12", "_type": "request", "parentId": "wrk_1", "name": "netrc", "url": "http://a", "metaSortKey": 12, "authentication": {"type": "netrc"}},
  {"_id": "r13", "_type": "request", "parentId": "wrk_1", "name": "asap", "url": "http://a", "metaSortKey": 13, "authentication": {"type": "asap", "issuer": "i", "privateKey": "asap-private-key"}},
  {"_id": "r14", "_type": "request", "parentId": "wrk_1", "name": "none", "url": "http://a", "metaSortKey": 14, "authentication": {"type": "none"}},
  {"_id": "r15", "_type": "request", "parentId": "wrk_1", "name": "empty", "url": "http://a", "metaSortKey": 15, "authentication": {}},
  {"_id": "r16", "_type": "request", "parentId": "wrk_1", "name": "disabled", "url": "http://a", "metaSortKey": 16, "authentication": {"type": "basic", "username": "x", "disabled": true}}
]}`
	res := insomniaImportString(t, "auth.json", doc)
	want := map[string]storage.AuthSpec{
		"basic":         {Type: "basic", Params: map[string]string{"username": "u", "password": "p"}},
		"digest":        {Type: "digest", Params: map[string]string{"username": "d", "password": "dp"}},
		"bearer":        {Type: "bearer", Params: map[string]string{"token": "{{tok}}", "prefix": "Token"}},
		"ntlm":          {Type: "ntlm", Params: map[string]string{"username": "n", "password": "np"}},
		"oauth1":        {Type: "oauth1", Params: map[string]string{"consumerKey": "ck", "consumerSecret": "cs", "token": "tk", "tokenSecret": "ts", "signatureMethod": "RSA-SHA256", "privateKey": "PEM", "includeBodyHash": "true"}},
		"oauth2":        {Type: "oauth2", Params: map[string]string{"grant_type": "password_credentials", "accessTokenUrl": "http://t", "clientId": "c", "clientSecret": "s", "username": "u", "password": "p", "client_authentication": "body", "headerPrefix": "Bearer", "audience": "aud"}},
		"oauth2 pkce":   {Type: "oauth2", Params: map[string]string{"grant_type": "authorization_code_with_pkce", "challengeAlgorithm": "S256", "authUrl": "http://auth", "redirect_uri": "http://cb"}},
		"hawk":          {Type: "hawk", Params: map[string]string{"authId": "hid", "authKey": "hk", "algorithm": "sha1", "extraData": "e", "includePayloadHash": "true"}},
		"iam":           {Type: "awsv4", Params: map[string]string{"accessKey": "AK", "secretKey": "SK", "sessionToken": "ST", "region": "eu", "service": "s3"}},
		"apikey query":  {Type: "apikey", Params: map[string]string{"key": "k", "value": "v", "in": "query"}},
		"apikey cookie": {Type: "apikey", Params: map[string]string{"key": "k", "value": "v", "in": "header"}},
		"netrc":         {Type: "netrc"},
		"asap":          {Type: storage.AuthNone},
		"none":          {Type: storage.AuthNone},
		"empty":         {Type: storage.AuthInherit},
		"disabled":      {Type: storage.AuthInherit},
	}
	for name, w := range want {
		if got := nativeMust(t, res, name).Auth; !reflect.DeepEqual(got, w) {
			t.Errorf("%s: %+v, want %+v", name, got, w)
		}
	}
	for item, reason := range map[string]string{
		"asap":          `auth type "asap" is not supported`,
		"apikey cookie": `sent as "cookie"`,
		"disabled":      "disabled in Insomnia",
		"basic":         "ISO-8859-1",
	} {
		if !nativeHasSkip(res.Report, item, reason) {
			t.Errorf("%s: no report containing %q: %+v", item, reason, res.Report.Skipped)
		}
	}
	for _, s := range res.Report.Skipped {
		if strings.Contains(s.Reason, "asap-private-key") {
			t.Errorf("a report holds a secret: %q", s.Reason)
		}
	}
	// Requests keep the workspace's order (metaSortKey).
	nativeEq(t, "first", res.Items[0].Request.Name, "basic")
	nativeEq(t, "last", res.Items[15].Request.Name, "disabled")
}

func TestInsomniaV5FoldersAndOrder(t *testing.T) {
	doc := `type: collection.insomnia.rest/5.0
name: Shop
meta:
  id: wrk_1
collection:
  - name: Later
    meta: {id: req_2, sortKey: 20}
    url: "{{ _.base }}/later"
    method: DELETE
  - name: Orders
    meta: {id: fld_1, sortKey: 10, description: Order API}
    authentication:
      type: bearer
      token: "{{ _.token }}"
    headers:
      - name: X-Shop
        value: "1"
    environment:
      zeta: "1"
      alpha: "2"
    scripts:
      preRequest: console.log('folder')
    children:
      - name: List
        meta: {id: req_1, sortKey: 5}
        url: "{{ _.base }}/orders"
        method: GET
        parameters:
          - {name: page, value: "2"}
          - {name: off, value: "x", disabled: true}
        body:
          mimeType: application/x-www-form-urlencoded
          params:
            - {name: a, value: "1"}
            - {name: b, value: "{% response 'body', 'req_x', '$.id' %}"}
        scripts:
          afterResponse: insomnia.test('ok', () => {})
environments:
  name: Base Environment
  data:
    base: https://shop.example
    token: t0
  subEnvironments:
    - name: Second
      meta: {sortKey: 2}
      data: {base: https://two}
    - name: First
      meta: {sortKey: 1}
      data: {base: https://one}
`
	res := insomniaImportString(t, "shop.yaml", doc)
	nativeEq(t, "folder first (sortKey)", res.Items[0].Folder != nil, true)
	f := res.Items[0].Folder
	nativeEq(t, "folder description", f.Description, "Order API")
	nativeEq(t, "folder auth", f.Auth.Params["token"], "{{token}}")
	nativeEq(t, "folder header", f.Headers[0].Key, "X-Shop")
	nativeEq(t, "folder variables in file order", f.Variables[0].Key+","+f.Variables[1].Key, "zeta,alpha")
	nativeEq(t, "folder script", f.Scripts[0].Event, "prerequest")
	list := nativeMust(t, res, "Orders/List")
	nativeEq(t, "inherits", list.Auth.Type, storage.AuthInherit)
	nativeEq(t, "URL", list.URL, "{{base}}/orders")
	nativeEq(t, "disabled param", list.Params[1].Enabled, false)
	nativeEq(t, "form", list.Body.Form[0].Key+"="+list.Body.Form[0].Value, "a=1")
	nativeEq(t, "after-response script", list.Scripts[0].Event, "test")
	if !nativeHasSkip(res.Report, "Orders/List", "{% response %}") {
		t.Errorf("template tags must be reported: %+v", res.Report.Skipped)
	}
	nativeEq(t, "environments by sortKey", res.Environments[0].Name+","+res.Environments[1].Name, "First,Second")
	nativeEq(t, "base environment", insomniaVar(res.Collection.Variables, "base"), "https://shop.example")
	nativeEq(t, "not run", len(res.Report.NotRun), 2)
}

func TestInsomniaSeveralWorkspaces(t *testing.T) {
	doc := `{"__export_format": 4, "resources": [
  {"_id": "wrk_a", "_type": "workspace", "name": "A"},
  {"_id": "wrk_b", "_type": "workspace", "name": "B"},
  {"_id": "r1", "_type": "request", "parentId": "wrk_a", "name": "a1", "url": "http://a"},
  {"_id": "r2", "_type": "request", "parentId": "wrk_b", "name": "b1", "url": "http://b"},
  {"_id": "e1", "_type": "environment", "parentId": "wrk_b", "name": "Base", "data": {"x": "1"}},
  {"_id": "t1", "_type": "unit_test", "parentId": "s1", "requestId": "gone", "name": "orphan", "code": "expect(1)"},
  {"_id": "m1", "_type": "mock_server", "parentId": "wrk_a", "name": "mock"}
]}`
	res := insomniaImportString(t, "all.json", doc)
	nativeEq(t, "collection named after the file", res.Collection.Name, "all")
	nativeEq(t, "a", nativeMust(t, res, "A/a1").URL, "http://a")
	nativeEq(t, "b", nativeMust(t, res, "B/b1").URL, "http://b")
	nativeEq(t, "workspace variables on its folder", insomniaVar(nativeFindFolder(res.Items, "B").Folder.Variables, "x"), "1")
	if !nativeHasSkip(res.Report, "", "no request to attach") || !nativeHasSkip(res.Report, "", `"mock_server"`) {
		t.Errorf("report: %+v", res.Report.Skipped)
	}
}

func TestInsomniaErrors(t *testing.T) {
	cases := map[string]struct{ doc, want string }{
		"yaml syntax":     {"_type: export\n__export_format: 4\nresources:\n  - _id: a\n   bad: indent\n", "YAML: yaml: line 3"}, // yaml.v3 names the line of the broken block
		"json syntax":     {"{\"__export_format\": 4,\n \"resources\": [}\n", "line 2, column 16"},
		"type":            {`{"__export_format": 4, "resources": [{"_id": "r", "_type": "request", "name": "x", "headers": [{"name": ["a"]}]}]}`, "resources[0].headers[0].name: want a string, got an array"},
		"v5 type":         {"type: collection.insomnia.rest/5.0\nname: x\ncollection:\n  - name: r\n    meta: {id: req_1}\n    url: {a: 1}\n", "collection[0].url: want a string, got an object"},
		"old format":      {`{"__export_format": 3, "resources": []}`, "only Insomnia export format 4"},
		"future version":  {"type: collection.insomnia.rest/6.0\nname: x\n", "6.0"},
		"resources":       {`{"__export_format": 4, "resources": {}}`, "resources: want an array, got an object"},
		"alias bomb":      {insomniaBomb(), "too many values"},
		"empty":           {"", "empty"},
		"deep v5 folders": {"type: collection.insomnia.rest/5.0\nname: x\ncollection:\n" + insomniaDeep(70), "nested deeper than 64"},
	}
	for name, tc := range cases {
		res, err := ImportInsomnia("bad.yaml", []byte(tc.doc))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", name, err, tc.want)
		}
		if res != nil {
			t.Errorf("%s: a failed import returned a partial result", name)
		}
	}
}

// insomniaBomb is a YAML "billion laughs": a few lines that expand to
// billions of values through aliases.
func insomniaBomb() string {
	var b strings.Builder
	b.WriteString("__export_format: 4\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 10; i++ {
		b.WriteString("a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + string(rune('0'+i-1)))
		}
		b.WriteString("]\n")
	}
	b.WriteString("resources: *a9\n")
	return b.String()
}

func insomniaDeep(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		ind := strings.Repeat("  ", 2*i)
		b.WriteString(ind + "  - name: f\n" + ind + "    meta: {id: fld_x}\n" + ind + "    children:\n")
	}
	return b.String()
}

func TestInsomniaTemplates(t *testing.T) {
	tags := map[string]bool{}
	for in, want := range map[string]string{
		"{{ _.base_url }}/x":            "{{base_url}}/x",
		"{{base}}":                      "{{base}}",
		"{{  _.a.b  }}":                 "{{a.b}}",
		"{{ $randomInt }}":              "{{$randomInt}}",
		"plain":                         "plain",
		"{% uuid 'v4' %}":               "{% uuid 'v4' %}",
		"{{ _.x | upper }}":             "{{ _.x | upper }}",
		"a {{ _.one }} b {{ _.two }} c": "a {{one}} b {{two}} c",
	} {
		if got := insomniaTemplate(in, tags); got != want {
			t.Errorf("insomniaTemplate(%q) = %q, want %q", in, got, want)
		}
	}
	if !tags["{% uuid %}"] {
		t.Errorf("tags %v", tags)
	}
}

func TestInsomniaTestdataShop(t *testing.T) {
	res, err := Import("shop-v5.yaml", nativeReadFile(t, "testdata/insomnia/shop-v5.yaml"), "")
	if err != nil {
		t.Fatal(err)
	}
	nativeEq(t, "format", res.Format, "insomnia")
	nativeEq(t, "requests", Requests(res.Items), 2)
	nativeEq(t, "list inherits the folder's bearer", nativeMust(t, res, "Orders/List orders").Auth.Type, storage.AuthInherit)
	nativeEq(t, "create has none", nativeMust(t, res, "Orders/Create order").Auth.Type, storage.AuthNone)
	nativeEq(t, "query template", nativeMust(t, res, "Orders/List orders").Params[0].Value, "{{page}}")
	nativeEq(t, "staging", insomniaVar(res.Environments[0].Variables, "base"), "https://staging.shop.example")
	if !nativeHasSkip(res.Report, "Stream", "WebSocket") {
		t.Errorf("report %+v", res.Report.Skipped)
	}
}

func TestInsomniaSettingsReported(t *testing.T) {
	doc := `{"__export_format": 4, "resources": [
  {"_id": "r1", "_type": "request", "name": "r", "url": "http://a", "settingFollowRedirects": "off", "settingSendCookies": false, "settingEncodeUrl": false, "settingRebuildPath": true}
]}`
	res := insomniaImportString(t, "s.json", doc)
	r := nativeMust(t, res, "r")
	nativeEq(t, "no follow", r.Settings.NoFollow, true)
	if !nativeHasSkip(res.Report, "r", "encode URL off") || !nativeHasSkip(res.Report, "r", "send cookies off") || nativeHasSkip(res.Report, "r", "rebuild path") {
		t.Errorf("report %+v", res.Report.Skipped)
	}
}
