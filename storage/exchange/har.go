package exchange

// HAR import: HTTP Archive 1.2 (http://www.softwareishard.com/blog/har-12-spec/,
// mirrored at github.com/ahmadnassri/har-spec). Each entry becomes a
// request: the method, the URL (with its query string as written; the
// queryString rows are used only when the URL has none), the headers
// (HTTP/2 and HTTP/3 pseudo-headers such as :authority, and Host and
// Content-Length, which Knock derives when it sends, are dropped and
// reported), the cookies as one Cookie header when the headers carry none,
// and postData (params become a form-urlencoded or multipart body, text a
// raw body with its mimeType). The recorded response is kept as an
// example. A bare HAR request object (no "log") is read as one request.
// A UTF-8 byte order mark is accepted.

import (
	"encoding/base64"
	"net/url"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/knockhttp/knock/storage"
)

func init() {
	registerImporter(Importer{
		Format: "har",
		Title:  "HAR 1.2 (HTTP Archive)",
		Detect: harDetect,
		Import: ImportHAR,
	})
}

func harDetect(name string, data []byte) bool {
	data, err := nativeDecodeText(data)
	if err != nil || nativeFirstByte(data) != '{' {
		return false
	}
	if strings.EqualFold(filepath.Ext(name), ".har") {
		return true
	}
	if nativeSniff(data, 4096, `"log"`, `"entries"`) {
		return true
	}
	return nativeSniff(data, 4096, `"method"`, `"url"`, `"httpVersion"`) && !nativeSniff(data, 4096, `"info"`)
}

// harMaxExampleBody bounds the response bodies kept as examples.
const harMaxExampleBody = 1 << 20

// ImportHAR imports a HAR file: one request per entry, in a collection
// named after the file.
func ImportHAR(name string, data []byte) (*Result, error) {
	text, err := nativeDecodeText(data)
	if err != nil {
		return nil, err
	}
	v, err := nativeDecodeJSON(text)
	if err != nil {
		return nil, err
	}
	root, err := nativeObject(v, "")
	if err != nil {
		return nil, err
	}
	if root == nil {
		return nil, &nativePathError{Msg: `not a HAR file: no "log"`}
	}
	res := &Result{Collection: &storage.Collection{Name: strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))}}
	if strings.TrimSpace(res.Collection.Name) == "" || res.Collection.Name == "." {
		res.Collection.Name = "HAR import"
	}
	rep := &res.Report
	logv, hasLog := root["log"]
	if !hasLog {
		if _, ok := root["method"]; ok {
			if _, ok := root["url"]; ok {
				r, err := harRequest(root, "", nil, rep)
				if err != nil {
					return nil, err
				}
				if r != nil {
					res.Items = append(res.Items, storage.TreeItem{Request: r})
				}
				return res, nil
			}
		}
		return nil, &nativePathError{Msg: `not a HAR file: no "log"`}
	}
	log, err := nativeObject(logv, "log")
	if err != nil {
		return nil, err
	}
	if log == nil {
		return nil, &nativePathError{Path: "log", Msg: "empty"}
	}
	entries, err := nativeArray(log["entries"], "log.entries")
	if err != nil {
		return nil, err
	}
	for i, e := range entries {
		ep := nativeIndex("log.entries", i)
		em, err := nativeObject(e, ep)
		if err != nil {
			return nil, err
		}
		if em == nil {
			rep.Skipf(ep, "an empty entry")
			continue
		}
		reqm, err := nativeObject(em["request"], nativeJoin(ep, "request"))
		if err != nil {
			return nil, err
		}
		if reqm == nil {
			rep.Skipf(ep, "the entry has no request")
			continue
		}
		resp, err := nativeObject(em["response"], nativeJoin(ep, "response"))
		if err != nil {
			return nil, err
		}
		r, err := harRequest(reqm, nativeJoin(ep, "request"), resp, rep)
		if err != nil {
			return nil, err
		}
		if r != nil {
			res.Items = append(res.Items, storage.TreeItem{Request: r})
		}
	}
	return res, nil
}

// harRequest converts one HAR request; nil when it cannot be sent.
func harRequest(m map[string]any, path string, resp map[string]any, rep *Report) (*storage.Request, error) {
	method, err := nativeField(m, "method", path)
	if err != nil {
		return nil, err
	}
	rawURL, err := nativeField(m, "url", path)
	if err != nil {
		return nil, err
	}
	where := path
	if where == "" {
		where = "request"
	}
	if strings.TrimSpace(rawURL) == "" {
		rep.Skipf(where, "the request has no URL: not imported")
		return nil, nil
	}
	if strings.TrimSpace(method) == "" {
		method = "GET"
	}
	r := &storage.Request{Method: method, URL: rawURL, Name: harName(method, rawURL)}
	var dropped []string
	headers, err := harRows(m["headers"], nativeJoin(path, "headers"))
	if err != nil {
		return nil, err
	}
	hasCookie := false
	for _, h := range headers {
		lk := strings.ToLower(h.Key)
		switch {
		case strings.HasPrefix(h.Key, ":"), lk == "host", lk == "content-length":
			dropped = append(dropped, h.Key)
			continue
		case lk == "cookie":
			hasCookie = true
		}
		r.Headers = append(r.Headers, h)
	}
	if len(dropped) > 0 {
		rep.Skipf(r.Name, "headers dropped, Knock derives them when it sends: %s", strings.Join(dropped, ", "))
	}
	cookies, err := harRows(m["cookies"], nativeJoin(path, "cookies"))
	if err != nil {
		return nil, err
	}
	if len(cookies) > 0 && !hasCookie {
		parts := make([]string, 0, len(cookies))
		for _, c := range cookies {
			parts = append(parts, c.Key+"="+c.Value)
		}
		r.Headers = append(r.Headers, storage.KeyValue{Key: "Cookie", Value: strings.Join(parts, "; "), Enabled: true})
	}
	if !strings.Contains(rawURL, "?") {
		if r.Params, err = harRows(m["queryString"], nativeJoin(path, "queryString")); err != nil {
			return nil, err
		}
	}
	if r.Body, err = harPostData(m["postData"], nativeJoin(path, "postData")); err != nil {
		return nil, err
	}
	if resp != nil {
		ex, err := harExample(resp, strings.TrimSuffix(path, ".request")+".response", rep, r.Name)
		if err != nil {
			return nil, err
		}
		if ex != nil {
			r.Examples = []storage.Example{*ex}
		}
	}
	rep.Imported = append(rep.Imported, r.Name)
	return r, nil
}

// harName names a request "METHOD host/path".
func harName(method, raw string) string {
	name := raw
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		name = u.Host + u.EscapedPath()
	}
	name = method + " " + name
	if len(name) > 120 {
		cut := 120
		for cut > 0 && !utf8.RuneStart(name[cut]) {
			cut--
		}
		name = name[:cut] + "…"
	}
	return name
}

// harRows converts {name, value} rows.
func harRows(v any, path string) ([]storage.KeyValue, error) {
	var out []storage.KeyValue
	err := nativeEachObject(v, path, func(m map[string]any, ep string) error {
		k, val, err := nativePair(m, "name", ep)
		if err != nil || (k == "" && val == "") {
			return err
		}
		out = append(out, storage.KeyValue{Key: k, Value: val, Enabled: true})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func harPostData(v any, path string) (storage.Body, error) {
	var b storage.Body
	m, err := nativeObject(v, path)
	if err != nil || m == nil {
		return b, err
	}
	mime, err := nativeField(m, "mimeType", path)
	if err != nil {
		return b, err
	}
	text, err := nativeField(m, "text", path)
	if err != nil {
		return b, err
	}
	params, err := nativeArray(m["params"], nativeJoin(path, "params"))
	if err != nil {
		return b, err
	}
	lower := strings.ToLower(mime)
	if len(params) > 0 {
		multipart := strings.Contains(lower, "multipart/")
		var parts []storage.FormPart
		for i, p := range params {
			pp := nativeIndex(nativeJoin(path, "params"), i)
			pm, err := nativeObject(p, pp)
			if err != nil {
				return b, err
			}
			k, err := nativeField(pm, "name", pp)
			if err != nil {
				return b, err
			}
			val, err := nativeField(pm, "value", pp)
			if err != nil {
				return b, err
			}
			file, err := nativeField(pm, "fileName", pp)
			if err != nil {
				return b, err
			}
			ct, err := nativeField(pm, "contentType", pp)
			if err != nil {
				return b, err
			}
			if file != "" {
				multipart = true
			}
			parts = append(parts, storage.FormPart{Key: k, Value: val, File: file, ContentType: ct, Enabled: true})
		}
		if multipart {
			for i := range parts {
				if parts[i].File != "" {
					parts[i].Value = "" // a file part's recorded content is not kept; the file is read when sending
				}
			}
			b.Mode, b.Multipart = storage.BodyFormData, parts
			return b, nil
		}
		b.Mode = storage.BodyURLEncoded
		for _, p := range parts {
			b.Form = append(b.Form, storage.KeyValue{Key: p.Key, Value: p.Value, Enabled: true})
		}
		return b, nil
	}
	if text != "" {
		b.Mode, b.Raw, b.ContentType = storage.BodyRaw, text, mime
	}
	return b, nil
}

// harExample keeps the recorded response. Bodies that are base64 and not
// text, or larger than 1 MiB, are not kept, and this is reported.
func harExample(m map[string]any, path string, rep *Report, where string) (*storage.Example, error) {
	status, _, err := nativeInt(m, "status", path)
	if err != nil {
		return nil, err
	}
	ex := &storage.Example{Name: "Recorded response", Status: int(status)}
	if ex.Header, err = harRows(m["headers"], nativeJoin(path, "headers")); err != nil {
		return nil, err
	}
	content, err := nativeObject(m["content"], nativeJoin(path, "content"))
	if err != nil {
		return nil, err
	}
	if content != nil {
		if ex.ContentType, err = nativeField(content, "mimeType", nativeJoin(path, "content")); err != nil {
			return nil, err
		}
		text, err := nativeField(content, "text", nativeJoin(path, "content"))
		if err != nil {
			return nil, err
		}
		enc, _ := nativeField(content, "encoding", nativeJoin(path, "content"))
		if enc == "base64" {
			raw, err := base64.StdEncoding.DecodeString(text)
			switch {
			case err != nil:
				rep.Skipf(where, "the recorded response body is not valid base64: not kept")
				text = ""
			case !utf8.Valid(raw):
				rep.Skipf(where, "the recorded response body is binary (%d bytes): not kept", len(raw))
				text = ""
			default:
				text = string(raw)
			}
		}
		if len(text) > harMaxExampleBody {
			rep.Skipf(where, "the recorded response body is larger than 1 MiB: not kept")
			text = ""
		}
		ex.Body = text
	}
	if ex.Status == 0 && len(ex.Header) == 0 && ex.Body == "" {
		return nil, nil
	}
	return ex, nil
}
