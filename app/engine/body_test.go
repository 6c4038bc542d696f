package engine

// Request bodies: none, raw, form-urlencoded, multipart with files, a
// binary file and GraphQL, and their replay on a 307.

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/knockhttp/knock/storage"
)

func TestBodyNoneSendsNoBody(t *testing.T) {
	srv := newRecServer(t, nil)
	mustSend(t, newTestEngine(t), storage.Request{Method: "POST", URL: srv.URL}, Options{})
	c := srv.only(t)
	if len(c.Body) != 0 || c.Header.Get("Content-Type") != "" {
		t.Errorf("body %q, Content-Type %q: want neither", c.Body, c.Header.Get("Content-Type"))
	}
	if c.ContentLength != 0 || len(c.TransferEncoding) != 0 {
		t.Errorf("Content-Length %d, Transfer-Encoding %q: want an empty, unchunked body", c.ContentLength, c.TransferEncoding)
	}
}

func TestBodyRawWithContentType(t *testing.T) {
	cases := []struct {
		name, raw, contentType, wantType string
	}{
		{"text default", "hello\nworld", "", "text/plain; charset=utf-8"},
		{"json", `{"a": [1, 2.50, "ü"]}`, "application/json", "application/json"},
		{"xml", `<?xml version="1.0"?><a b="c">é</a>`, "application/xml; charset=utf-8", "application/xml; charset=utf-8"},
	}
	e := newTestEngine(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newRecServer(t, nil)
			r := storage.Request{Method: "PUT", URL: srv.URL, Body: storage.Body{Mode: storage.BodyRaw, Raw: tc.raw, ContentType: tc.contentType}}
			mustSend(t, e, r, Options{})
			c := srv.only(t)
			if string(c.Body) != tc.raw {
				t.Errorf("body %q, want %q", c.Body, tc.raw)
			}
			if got := c.Header.Get("Content-Type"); got != tc.wantType {
				t.Errorf("Content-Type %q, want %q", got, tc.wantType)
			}
			if c.ContentLength != int64(len(tc.raw)) || len(c.TransferEncoding) != 0 {
				t.Errorf("Content-Length %d (chunked %v), want %d", c.ContentLength, c.TransferEncoding, len(tc.raw))
			}
		})
	}
}

func TestBodyRawUserContentTypeHeaderWins(t *testing.T) {
	srv := newRecServer(t, nil)
	r := storage.Request{Method: "POST", URL: srv.URL, Headers: []storage.KeyValue{kv("Content-Type", "application/vnd.knock+json")},
		Body: storage.Body{Mode: storage.BodyRaw, Raw: "{}", ContentType: "application/json"}}
	mustSend(t, newTestEngine(t), r, Options{})
	if got := srv.only(t).Header.Values("Content-Type"); !slices.Equal(got, []string{"application/vnd.knock+json"}) {
		t.Errorf("Content-Type %q, want only the header's", got)
	}
}

func TestBodyFormURLEncoded(t *testing.T) {
	srv := newRecServer(t, nil)
	r := storage.Request{Method: "POST", URL: srv.URL, Body: storage.Body{Mode: storage.BodyURLEncoded, Form: []storage.KeyValue{
		kv("name", "Zoë & co"), off("hidden", "x"), kv("tag", "a"), kv("tag", "b=c"), kv("empty", ""),
	}}}
	mustSend(t, newTestEngine(t), r, Options{})
	c := srv.only(t)
	want := "name=Zo%C3%AB+%26+co&tag=a&tag=b%3Dc&empty="
	if string(c.Body) != want {
		t.Errorf("body %q, want %q", c.Body, want)
	}
	if got := c.Header.Get("Content-Type"); got != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type %q", got)
	}
}

func TestBodyMultipartWithFiles(t *testing.T) {
	dir := t.TempDir()
	binPath := filepath.Join(dir, "blob.bin")
	bin := make([]byte, 300<<10)
	rand.Read(bin)
	writeFile(t, binPath, bin)
	pngPath := filepath.Join(dir, "pixel.png")
	png := []byte("\x89PNG\r\n\x1a\nnot really a png")
	writeFile(t, pngPath, png)
	txtPath := filepath.Join(dir, `we"ird name.txt`)
	writeFile(t, txtPath, []byte("plain text file\n"))

	type part struct {
		name, filename, contentType string
		data                        []byte
	}
	var parsed box[[]part]
	srv := newRecServer(t, func(w http.ResponseWriter, r *http.Request) {
		var got []part
		mr, err := r.MultipartReader()
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			data, err := io.ReadAll(p)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			got = append(got, part{p.FormName(), p.FileName(), p.Header.Get("Content-Type"), data})
		}
		parsed.set(got)
	})
	r := storage.Request{Method: "POST", URL: srv.URL, Body: storage.Body{Mode: storage.BodyFormData, Multipart: []storage.FormPart{
		{Key: "title", Value: "Zoë's report", Enabled: true},
		{Key: "blob", File: binPath, Enabled: true},
		{Key: "skipped", Value: "never sent", Enabled: false},
		{Key: "image", File: pngPath, Enabled: true},
		{Key: "doc", File: txtPath, ContentType: "text/x-knock", Enabled: true},
		{Key: "meta", Value: `{"a":1}`, ContentType: "application/json", Enabled: true},
		{Key: "title", Value: "second title", Enabled: true},
	}}}
	resp := mustSend(t, newTestEngine(t), r, Options{})
	if resp.Status != 200 {
		t.Fatalf("server refused the multipart body: %d %s", resp.Status, bodyText(t, resp))
	}
	c := srv.only(t)
	if len(c.TransferEncoding) != 0 {
		t.Errorf("Transfer-Encoding %q: the multipart body must have an exact Content-Length", c.TransferEncoding)
	}
	if c.ContentLength != int64(len(c.Body)) {
		t.Errorf("Content-Length %d but %d body bytes arrived", c.ContentLength, len(c.Body))
	}
	mt, params, err := mime.ParseMediaType(c.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		t.Errorf("Content-Type %q: want multipart/form-data with a boundary", c.Header.Get("Content-Type"))
	}
	want := []part{
		{"title", "", "", []byte("Zoë's report")},
		{"blob", "blob.bin", "application/octet-stream", bin},
		{"image", "pixel.png", "image/png", png},
		{"doc", `we"ird name.txt`, "text/x-knock", []byte("plain text file\n")},
		{"meta", "", "application/json", []byte(`{"a":1}`)},
		{"title", "", "", []byte("second title")},
	}
	got := parsed.get()
	if len(got) != len(want) {
		t.Fatalf("server parsed %d parts, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.name != w.name || g.filename != w.filename || g.contentType != w.contentType || !bytes.Equal(g.data, w.data) {
			t.Errorf("part %d = {%q %q %q %d bytes}, want {%q %q %q %d bytes}", i,
				g.name, g.filename, g.contentType, len(g.data), w.name, w.filename, w.contentType, len(w.data))
		}
	}
}

func TestBodyMultipartMissingFileIsRefused(t *testing.T) {
	srv := newRecServer(t, nil)
	r := storage.Request{Method: "POST", URL: srv.URL, Body: storage.Body{Mode: storage.BodyFormData, Multipart: []storage.FormPart{
		{Key: "f", File: filepath.Join(t.TempDir(), "gone.bin"), Enabled: true},
	}}}
	sendErr(t, newTestEngine(t), r, Options{}, KindRequest, `multipart field "f"`, "gone.bin", "no such file")
	if srv.count() != 0 {
		t.Error("the server received a request")
	}
}

func TestBodyBinaryFile(t *testing.T) {
	dir := t.TempDir()
	data := make([]byte, 1<<20+7)
	rand.Read(data)
	cases := []struct {
		file, contentType, want string
	}{
		{"photo.png", "", "image/png"},
		{"data.json", "", "application/json"},
		{"blob.unknownext", "", "application/octet-stream"},
		{"photo.png", "application/x-custom", "application/x-custom"},
	}
	e := newTestEngine(t)
	for _, tc := range cases {
		t.Run(tc.file+" "+tc.contentType, func(t *testing.T) {
			path := filepath.Join(dir, tc.file)
			writeFile(t, path, data)
			srv := newRecServer(t, nil)
			mustSend(t, e, storage.Request{Method: "PUT", URL: srv.URL, Body: storage.Body{Mode: storage.BodyFile, File: path, ContentType: tc.contentType}}, Options{})
			c := srv.only(t)
			if !bytes.Equal(c.Body, data) {
				t.Errorf("server received %d bytes that differ from the file's %d", len(c.Body), len(data))
			}
			if got := c.Header.Get("Content-Type"); got != tc.want {
				t.Errorf("Content-Type %q, want %q", got, tc.want)
			}
			if c.ContentLength != int64(len(data)) || len(c.TransferEncoding) != 0 {
				t.Errorf("Content-Length %d (chunked %v), want %d", c.ContentLength, c.TransferEncoding, len(data))
			}
		})
	}
}

func TestBodyBinaryFileErrors(t *testing.T) {
	srv := newRecServer(t, nil)
	e := newTestEngine(t)
	dir := t.TempDir()
	sendErr(t, e, storage.Request{Method: "PUT", URL: srv.URL, Body: storage.Body{Mode: storage.BodyFile}}, Options{}, KindRequest, "no file chosen")
	sendErr(t, e, storage.Request{Method: "PUT", URL: srv.URL, Body: storage.Body{Mode: storage.BodyFile, File: filepath.Join(dir, "nope")}}, Options{}, KindRequest, "nope", "no such file")
	sendErr(t, e, storage.Request{Method: "PUT", URL: srv.URL, Body: storage.Body{Mode: storage.BodyFile, File: dir}}, Options{}, KindRequest, "is a directory")
	if srv.count() != 0 {
		t.Error("the server received a request")
	}
}

func TestBodyEmptyFileIsSentEmpty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.txt")
	writeFile(t, path, nil)
	srv := newRecServer(t, nil)
	mustSend(t, newTestEngine(t), storage.Request{Method: "POST", URL: srv.URL, Body: storage.Body{Mode: storage.BodyFile, File: path}}, Options{})
	c := srv.only(t)
	if len(c.Body) != 0 || c.Header.Get("Content-Length") != "0" {
		t.Errorf("body %q Content-Length %q, want empty and 0", c.Body, c.Header.Get("Content-Length"))
	}
	if got := c.Header.Get("Content-Type"); !strings.HasPrefix(got, "text/plain") {
		t.Errorf("Content-Type %q, want text/plain from .txt", got)
	}
}

func TestBodyGraphQLSendsQueryAndVariablesAsJSON(t *testing.T) {
	srv := newRecServer(t, nil)
	q := "query Hero($id: ID!) { hero(id: $id) { name } }"
	r := storage.Request{Method: "POST", URL: srv.URL + "/graphql", Body: storage.Body{Mode: storage.BodyGraphQL, GraphQL: &storage.GraphQL{
		Query: q, Variables: "{\n  \"id\": \"1000\",\n  \"big\": 12345678901234567890,\n  \"nested\": {\"list\": [1, 2.5]}\n}", OperationName: "Hero",
	}}}
	mustSend(t, newTestEngine(t), r, Options{})
	c := srv.only(t)
	if got := c.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type %q", got)
	}
	var doc struct {
		Query         string                     `json:"query"`
		OperationName string                     `json:"operationName"`
		Variables     map[string]json.RawMessage `json:"variables"`
	}
	if err := json.Unmarshal(c.Body, &doc); err != nil {
		t.Fatalf("body %q is not JSON: %v", c.Body, err)
	}
	if doc.Query != q || doc.OperationName != "Hero" {
		t.Errorf("query %q operationName %q", doc.Query, doc.OperationName)
	}
	for k, want := range map[string]string{"id": `"1000"`, "big": `12345678901234567890`, "nested": `{"list":[1,2.5]}`} {
		if got := string(doc.Variables[k]); got != want {
			t.Errorf("variable %s = %s, want %s (numbers must not lose precision)", k, got, want)
		}
	}
}

func TestBodyGraphQLWithoutVariables(t *testing.T) {
	srv := newRecServer(t, nil)
	r := storage.Request{Method: "POST", URL: srv.URL, Body: storage.Body{Mode: storage.BodyGraphQL, GraphQL: &storage.GraphQL{Query: "{ a }", Variables: "  \n"}}}
	mustSend(t, newTestEngine(t), r, Options{})
	if got := string(srv.only(t).Body); got != `{"query":"{ a }"}` {
		t.Errorf("body %s", got)
	}
}

func TestBodyGraphQLInvalidVariablesNameLineAndColumn(t *testing.T) {
	srv := newRecServer(t, nil)
	e := newTestEngine(t)
	cases := []struct {
		vars string
		want []string
	}{
		{"{\n  \"id\": 1,\n  \"name\": nope\n}", []string{"GraphQL variables", "line 3, column 12", "invalid character 'o'"}},
		{"{\"id\": 1", []string{"GraphQL variables", "unexpected end"}},
		{"[1, 2]", []string{"GraphQL variables", "JSON object"}},
		{"{\"a\": 1}\n{\"b\": 2}", []string{"GraphQL variables", "line 2, column 1", "after the JSON object"}},
	}
	for _, tc := range cases {
		r := storage.Request{Method: "POST", URL: srv.URL, Body: storage.Body{Mode: storage.BodyGraphQL, GraphQL: &storage.GraphQL{Query: "{ a }", Variables: tc.vars}}}
		sendErr(t, e, r, Options{}, KindRequest, tc.want...)
	}
	if srv.count() != 0 {
		t.Errorf("the server received %d requests; invalid variables must stop the send", srv.count())
	}
}

func TestBodyReplayedOn307And308(t *testing.T) {
	dir := t.TempDir()
	filePath := filepath.Join(dir, "upload.bin")
	data := make([]byte, 200<<10)
	rand.Read(data)
	writeFile(t, filePath, data)
	bodies := map[string]storage.Body{
		"raw":       {Mode: storage.BodyRaw, Raw: `{"replay":true}`, ContentType: "application/json"},
		"file":      {Mode: storage.BodyFile, File: filePath},
		"multipart": {Mode: storage.BodyFormData, Multipart: []storage.FormPart{{Key: "f", File: filePath, Enabled: true}, {Key: "v", Value: "x", Enabled: true}}},
	}
	e := newTestEngine(t)
	for _, code := range []int{307, 308} {
		for name, b := range bodies {
			t.Run(name, func(t *testing.T) {
				srv := newRecServer(t, func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/first" {
						w.Header().Set("Location", "/second")
						w.WriteHeader(code)
					}
				})
				resp := mustSend(t, e, storage.Request{Method: "PATCH", URL: srv.URL + "/first", Body: b}, Options{})
				reqs := srv.requests()
				if len(reqs) != 2 {
					t.Fatalf("server received %d requests, want 2", len(reqs))
				}
				if reqs[1].Method != "PATCH" || reqs[1].URI != "/second" {
					t.Errorf("second request %s %s, want PATCH /second", reqs[1].Method, reqs[1].URI)
				}
				if !bytes.Equal(reqs[0].Body, reqs[1].Body) || len(reqs[1].Body) == 0 {
					t.Errorf("replayed body (%d bytes) differs from the first (%d bytes)", len(reqs[1].Body), len(reqs[0].Body))
				}
				if reqs[1].Header.Get("Content-Type") != reqs[0].Header.Get("Content-Type") || reqs[1].ContentLength != reqs[0].ContentLength {
					t.Errorf("replay Content-Type %q length %d, first %q %d", reqs[1].Header.Get("Content-Type"), reqs[1].ContentLength,
						reqs[0].Header.Get("Content-Type"), reqs[0].ContentLength)
				}
				if len(resp.Redirects) != 1 || resp.Redirects[0].Status != code || resp.Redirects[0].Method != "PATCH" {
					t.Errorf("Redirects %+v", resp.Redirects)
				}
			})
		}
	}
}
