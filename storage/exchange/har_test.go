package exchange

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/knockhttp/knock/storage"
	"github.com/knockhttp/knock/storage/secrets"
)

// harCorpus holds, per file of shared/corpus/har, facts read from the
// file itself.
var harCorpus = map[string]postmanCorpusCase{
	"insomnia-fixture__har-deep-input.json": {1, "insomnia-fixture__har-deep-input", func(t *testing.T, res *Result) {
		if !nativeHasSkip(res.Report, "log.entries[0].request", "no URL") {
			t.Errorf("the entry without a URL must be reported: %+v", res.Report.Skipped)
		}
		r := nativeMust(t, res, "POST insomnia.rest/foo/bar")
		nativeEq(t, "URL", r.URL, "https://insomnia.rest/foo/bar")
		nativeEq(t, "queryString rows (the URL has no query)", r.Params[0].Key+"="+r.Params[0].Value, "foo=bar")
		nativeEq(t, "Host dropped, cookie header kept", len(r.Headers), 1)
		nativeEq(t, "cookie header", r.Headers[0].Key+": "+r.Headers[0].Value, "cookie: foo=bar")
		nativeEq(t, "text body", r.Body.Raw, "hello world!")
		nativeEq(t, "example status", r.Examples[0].Status, 200)
		nativeEq(t, "example type", r.Examples[0].ContentType, "application/json")
	}},
	"insomnia-fixture__har-request-fragment-form-data.json": {1, "insomnia-fixture__har-request-fragment-form-data", func(t *testing.T, res *Result) {
		r := res.Items[0].Request
		nativeEq(t, "method", r.Method, "POST")
		nativeEq(t, "mode", r.Body.Mode, storage.BodyFormData)
		nativeEq(t, "file part", r.Body.Multipart[0].Key+" "+r.Body.Multipart[0].File, "file /home/user/test.txt")
		nativeEq(t, "text part", r.Body.Multipart[1].Key+"="+r.Body.Multipart[1].Value, "foo=bar")
	}},
	"mitmproxy__chrome.har": {3, "mitmproxy__chrome", func(t *testing.T, res *Result) {
		r := nativeMust(t, res, "GET mitmproxy.org/")
		nativeEq(t, "pseudo-headers dropped (21 - 4)", len(r.Headers), 17)
		for _, h := range r.Headers {
			if strings.HasPrefix(h.Key, ":") {
				t.Errorf("pseudo-header %s kept", h.Key)
			}
		}
		nativeEq(t, "base64 HTML example", strings.Contains(r.Examples[0].Body, "<html") || strings.Contains(r.Examples[0].Body, "<!DOCTYPE"), true)
		logo := res.Items[2].Request
		n := 0
		for _, h := range logo.Headers {
			if strings.EqualFold(h.Key, "cookie") {
				n++
			}
		}
		nativeEq(t, "one cookie header, not two", n, 1)
		if !nativeHasSkip(res.Report, "", "binary (7108 bytes)") {
			t.Errorf("the binary image body must be reported: %+v", res.Report.Skipped)
		}
	}},
	"mitmproxy__firefox.har": {14, "mitmproxy__firefox", func(t *testing.T, res *Result) {
		first := res.Items[0].Request
		nativeEq(t, "Host dropped (16 - 1)", len(first.Headers), 15)
		btn := res.Items[9].Request
		nativeEq(t, "URL with its query", btn.URL, "https://mitmproxy.org/github-btn.html?user=mhils&type=sponsor&size=large")
		nativeEq(t, "no duplicate query rows", len(btn.Params), 0)
		nativeEq(t, "last", res.Items[13].Request.URL, "https://mitmproxy.org/favicon.ico")
	}},
	"mitmproxy__head-content-length.har": {1, "mitmproxy__head-content-length", func(t *testing.T, res *Result) {
		r := res.Items[0].Request
		nativeEq(t, "method", r.Method, "HEAD")
		nativeEq(t, "headers", len(r.Headers), 3)
		nativeEq(t, "status", r.Examples[0].Status, 200)
	}},
	"mitmproxy__insomnia.har": {1, "mitmproxy__insomnia", func(t *testing.T, res *Result) {
		r := res.Items[0].Request
		nativeEq(t, "URL", r.URL, "http://mitm.it/")
		nativeEq(t, "empty postData: no body", r.Body.Mode, storage.BodyNone)
		nativeEq(t, "example body", strings.HasPrefix(r.Examples[0].Body, `<div class="container">`), true)
	}},
	"mitmproxy__postdata.har": {1, "mitmproxy__postdata", func(t *testing.T, res *Result) {
		r := res.Items[0].Request
		nativeEq(t, "headers (20 - 4 pseudo - content-length)", len(r.Headers), 15)
		nativeEq(t, "raw body", r.Body.Mode, storage.BodyRaw)
		nativeEq(t, "content type", r.Body.ContentType, "text/plain;charset=UTF-8")
		nativeEq(t, "body length", len(r.Body.Raw), 1310)
	}},
	"mitmproxy__with-bom.har": {1, "mitmproxy__with-bom", func(t *testing.T, res *Result) {
		r := res.Items[0].Request
		nativeEq(t, "method", r.Method, "POST")
		nativeEq(t, "URL", r.URL, "https://signal-metrics-collector-beta.s-onetag.com/metrics")
		nativeEq(t, "body length", len(r.Body.Raw), 1310)
	}},
}

func TestHARCorpus(t *testing.T) {
	root := filepath.Join(nativeCorpusDir(t), "har")
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range entries {
		files = append(files, e.Name())
	}
	sort.Strings(files)
	if len(files) != len(harCorpus) {
		t.Errorf("%d files in the corpus, %d with expectations", len(files), len(harCorpus))
	}
	passed := 0
	for _, f := range files {
		tc, ok := harCorpus[f]
		if !ok {
			t.Errorf("%s: no expectations written for this file", f)
			continue
		}
		ok = t.Run(f, func(t *testing.T) {
			res, err := Import(f, nativeReadFile(t, filepath.Join(root, f)), "")
			if err != nil {
				t.Fatal(err)
			}
			nativeEq(t, "format", res.Format, "har")
			nativeEq(t, "requests", Requests(res.Items), tc.requests)
			nativeEq(t, "reported imports", len(res.Report.Imported), tc.requests)
			nativeEq(t, "name", res.Collection.Name, tc.name)
			tc.check(t, res)
		})
		if ok {
			passed++
		}
	}
	t.Logf("har corpus: %d/%d files passed", passed, len(files))
}

// harSchema is the structure of HAR 1.2 as its specification states it
// (required fields and their types), for checking exports.
const harSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object", "required": ["log"],
  "properties": {"log": {
    "type": "object", "required": ["version", "creator", "entries"],
    "properties": {
      "version": {"const": "1.2"},
      "creator": {"type": "object", "required": ["name", "version"], "properties": {"name": {"type": "string"}, "version": {"type": "string"}}},
      "entries": {"type": "array", "items": {
        "type": "object", "required": ["startedDateTime", "time", "request", "response", "cache", "timings"],
        "properties": {
          "startedDateTime": {"type": "string", "pattern": "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+(Z|[+-]\\d\\d:\\d\\d)$"},
          "time": {"type": "number", "minimum": 0},
          "request": {"type": "object", "required": ["method", "url", "httpVersion", "cookies", "headers", "queryString", "headersSize", "bodySize"],
            "properties": {
              "method": {"type": "string"}, "url": {"type": "string"}, "httpVersion": {"type": "string"},
              "cookies": {"$ref": "#/$defs/nvs"}, "headers": {"$ref": "#/$defs/nvs"}, "queryString": {"$ref": "#/$defs/nvs"},
              "postData": {"type": "object", "required": ["mimeType"], "properties": {"mimeType": {"type": "string"}, "text": {"type": "string"},
                "params": {"type": "array", "items": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "value": {"type": "string"}, "fileName": {"type": "string"}, "contentType": {"type": "string"}}}}}},
              "headersSize": {"type": "integer"}, "bodySize": {"type": "integer"}}},
          "response": {"type": "object", "required": ["status", "statusText", "httpVersion", "cookies", "headers", "content", "redirectURL", "headersSize", "bodySize"],
            "properties": {
              "status": {"type": "integer"}, "statusText": {"type": "string"}, "httpVersion": {"type": "string"},
              "cookies": {"$ref": "#/$defs/nvs"}, "headers": {"$ref": "#/$defs/nvs"},
              "content": {"type": "object", "required": ["size", "mimeType"], "properties": {"size": {"type": "integer"}, "mimeType": {"type": "string"}, "text": {"type": "string"}, "encoding": {"type": "string"}}},
              "redirectURL": {"type": "string"}, "headersSize": {"type": "integer"}, "bodySize": {"type": "integer"}}},
          "cache": {"type": "object"},
          "timings": {"type": "object", "required": ["send", "wait", "receive"],
            "properties": {"blocked": {"type": "number", "minimum": -1}, "dns": {"type": "number", "minimum": -1}, "connect": {"type": "number", "minimum": -1},
              "send": {"type": "number", "minimum": 0}, "wait": {"type": "number", "minimum": 0}, "receive": {"type": "number", "minimum": 0}, "ssl": {"type": "number", "minimum": -1}}}}}}}}},
  "$defs": {"nvs": {"type": "array", "items": {"type": "object", "required": ["name", "value"], "properties": {"name": {"type": "string"}, "value": {"type": "string"}}}}}
}`

// TestHARExportFromHistory records requests in a real history, exports
// them, checks the HAR structure, and imports the file back.
func TestHARExportFromHistory(t *testing.T) {
	db, err := storage.Open(t.TempDir(), &storage.Options{Secrets: secrets.NewSession(), BackupInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	h := db.History()
	hdr := http.Header{"Content-Type": {"application/json"}, "Set-Cookie": {"sid=abc; Path=/"}, "Location": {"/next"}}
	sent := []storage.Request{
		{Method: "POST", URL: "https://api.example/users?v=1", Params: []storage.KeyValue{{Key: "dry run", Value: "a&b", Enabled: true}, {Key: "off", Value: "x"}},
			Headers: []storage.KeyValue{{Key: "Authorization", Value: "Bearer hist-secret-token", Enabled: true}, {Key: "X-A", Value: "1", Enabled: true}, {Key: "X-Off", Value: "0"}},
			Body:    storage.Body{Mode: storage.BodyRaw, Raw: `{"n":1}`, ContentType: "application/json"}},
		{Method: "PUT", URL: "https://api.example/form", Body: storage.Body{Mode: storage.BodyURLEncoded, Form: []storage.KeyValue{{Key: "a", Value: "1 2", Enabled: true}}}},
		{Method: "POST", URL: "https://api.example/upload", Body: storage.Body{Mode: storage.BodyFormData, Multipart: []storage.FormPart{{Key: "f", File: "/tmp/x.png", Enabled: true}, {Key: "t", Value: "v", Enabled: true}}}},
		{Method: "POST", URL: "https://api.example/gql", Body: storage.Body{Mode: storage.BodyGraphQL, GraphQL: &storage.GraphQL{Query: "{ me }", Variables: `{"a":1}`}}},
		{Method: "GET", URL: "https://down.example/"},
	}
	bodies := []string{`{"id": 7}`, "ok", "\x00\x01binary\xff", "{}", ""}
	sums := []storage.ResponseSummary{
		{Status: 201, Proto: "HTTP/2.0", Header: hdr, Timings: storage.Timings{DNS: 2 * time.Millisecond, Connect: 3 * time.Millisecond, TLS: 1 * time.Millisecond, TTFB: 20 * time.Millisecond, Total: 25 * time.Millisecond}, BodySize: 9},
		{Status: 200, Proto: "HTTP/1.1", Header: http.Header{"Content-Type": {"text/plain"}}, BodySize: 2},
		{Status: 200, Proto: "HTTP/1.1", Header: http.Header{"Content-Type": {"application/octet-stream"}}, BodySize: 10},
		{Status: 200, Proto: "HTTP/1.1", Header: http.Header{"Content-Type": {"application/json"}}, BodySize: 2},
		{Error: "dial tcp: connection refused"},
	}
	var entries []storage.HistoryEntry
	for i := range sent {
		e, err := h.Add(sent[i], sums[i], strings.NewReader(bodies[i]))
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, *e)
	}
	data, err := ExportHAR(entries, h.Body)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("hist-secret-token")) {
		t.Error("the HAR holds a secret")
	}
	comp := jsonschema.NewCompiler()
	schemaDoc, err := jsonschema.UnmarshalJSON(strings.NewReader(harSchema))
	if err != nil {
		t.Fatal(err)
	}
	if err := comp.AddResource("har.json", schemaDoc); err != nil {
		t.Fatal(err)
	}
	sch, err := comp.Compile("har.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Fatalf("the HAR does not match HAR 1.2: %v\n%s", err, data)
	}
	for _, want := range []string{
		`"url": "https://api.example/users?v=1&dry+run=a%26b"`,
		`{"name": "dry run", "value": "a&b"}`,
		`"value": "[redacted]"`,
		`"encoding": "base64"`,
		`"redirectURL": "/next"`,
		`"_error": "dial tcp: connection refused"`,
		`"httpVersion": "HTTP/2.0"`,
		`"wait": 15`,
		`"receive": 5`,
		`"text": "a=1+2"`,
		`"fileName": "/tmp/x.png"`,
		`"text": "{\"query\":\"{ me }\",\"variables\":{\"a\":1}}"`,
	} {
		if !bytes.Contains(bytes.ReplaceAll(data, []byte("\n"), nil), []byte(strings.ReplaceAll(want, "\n", ""))) && !strings.Contains(harCompact(data), harCompact([]byte(want))) {
			t.Errorf("the HAR lacks %s", want)
		}
	}

	res, err := ImportHAR("history.har", data)
	if err != nil {
		t.Fatal(err)
	}
	reqs := nativeRequestsOf(res.Items)
	if len(reqs) != len(sent) {
		t.Fatalf("%d requests back, want %d", len(reqs), len(sent))
	}
	nativeEq(t, "URL back", reqs[0].URL, "https://api.example/users?v=1&dry+run=a%26b")
	nativeEq(t, "method", reqs[0].Method, "POST")
	wantHeaders := []storage.KeyValue{{Key: "Authorization", Value: storage.Redacted, Enabled: true}, {Key: "X-A", Value: "1", Enabled: true}}
	if !reflect.DeepEqual(reqs[0].Headers, wantHeaders) {
		t.Errorf("headers %s", nativeJSON(reqs[0].Headers))
	}
	if !reflect.DeepEqual(reqs[0].Body, sent[0].Body) {
		t.Errorf("raw body %s", nativeJSON(reqs[0].Body))
	}
	if !reflect.DeepEqual(reqs[1].Body, sent[1].Body) {
		t.Errorf("form body %s", nativeJSON(reqs[1].Body))
	}
	if !reflect.DeepEqual(reqs[2].Body, sent[2].Body) {
		t.Errorf("multipart body %s", nativeJSON(reqs[2].Body))
	}
	nativeEq(t, "graphql as JSON", reqs[3].Body.Raw, `{"query":"{ me }","variables":{"a":1}}`)
	nativeEq(t, "example body", reqs[0].Examples[0].Body, `{"id": 7}`)
	nativeEq(t, "example status", reqs[0].Examples[0].Status, 201)
	nativeEq(t, "failed send", reqs[4].URL, "https://down.example/")
}

func harCompact(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	return strings.ReplaceAll(strings.ReplaceAll(s, "{ ", "{"), " }", "}")
}

func TestHARErrors(t *testing.T) {
	cases := map[string]struct{ doc, want string }{
		"entries":  {`{"log": {"entries": {}}}`, "log.entries: want an array, got an object"},
		"headers":  {`{"log": {"entries": [{"request": {"method": "GET", "url": "http://a"}}, {"request": {"method": "GET", "url": "http://a", "headers": [{"name": 1, "value": {}}]}}]}}`, "log.entries[1].request.headers[0].value: want a string, got an object"},
		"postData": {`{"log": {"entries": [{"request": {"method": "GET", "url": "http://a", "postData": {"params": [{"name": []}]}}}]}}`, "log.entries[0].request.postData.params[0].name"},
		"syntax":   {"{\"log\": {\n\"entries\": [\n{]}}", "line 3, column 2"},
		"not har":  {`{"foo": 1}`, `no "log"`},
		"status":   {`{"log": {"entries": [{"request": {"method": "GET", "url": "http://a"}, "response": {"status": "abc"}}]}}`, "log.entries[0].response.status: want a number"},
	}
	for name, tc := range cases {
		res, err := ImportHAR("bad.har", []byte(tc.doc))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", name, err, tc.want)
		}
		if res != nil {
			t.Errorf("%s: partial result", name)
		}
	}
}

func TestHARTestdataSmall(t *testing.T) {
	res, err := Import("small.har", nativeReadFile(t, "testdata/har/small.har"), "")
	if err != nil {
		t.Fatal(err)
	}
	r := res.Items[0].Request
	want := []storage.KeyValue{{Key: "content-type", Value: "application/x-www-form-urlencoded", Enabled: true}, {Key: "Cookie", Value: "sid=abc", Enabled: true}}
	if !reflect.DeepEqual(r.Headers, want) {
		t.Errorf("headers %s", nativeJSON(r.Headers))
	}
	nativeEq(t, "URL", r.URL, "https://shop.example/orders?page=2")
	nativeEq(t, "no duplicate query rows", len(r.Params), 0)
	nativeEq(t, "form body from params", r.Body.Form[0].Key+"="+r.Body.Form[0].Value, "item=1")
	nativeEq(t, "example", r.Examples[0].Body, `{"id": 7}`)
	if !nativeHasSkip(res.Report, r.Name, ":authority, content-length") {
		t.Errorf("dropped headers must be reported: %+v", res.Report.Skipped)
	}
}
