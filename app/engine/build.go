package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/net/http/httpguts"

	"github.com/knockhttp/knock/storage"
)

// resolved is what a send needs of a request, with every variable
// expanded, ready to become an *http.Request.
type resolved struct {
	Method   string
	Headers  []storage.KeyValue
	Body     storage.Body
	Auth     storage.AuthSpec
	Settings storage.Settings
	url      *url.URL
}

// resolve expands every template of r into out. It reports all
// unresolved variables at once.
func resolve(r *storage.Request, vars Variables, out *resolved) error {
	res := newResolver(vars)
	// In this order, which is the order unresolved variables are listed in.
	out.Method = strings.TrimSpace(res.expand("method", r.Method))
	rawURL := res.expand("URL", r.URL)
	params := expandRows(res, "query parameter", r.Params)
	out.Headers = expandRows(res, "header", r.Headers)
	out.Body = expandBody(res, r.Body)
	out.Auth = expandAuth(res, r.Auth)
	s := &out.Settings
	*s = r.Settings
	s.CAFile = res.expand("CA file", s.CAFile)
	s.ClientCert = res.expand("client certificate", s.ClientCert)
	s.ClientKey = res.expand("client key", s.ClientKey)
	s.ClientCertPassword = res.expand("client certificate password", s.ClientCertPassword)
	s.Proxy = res.expand("proxy", s.Proxy)
	if s.ProxyAuth != nil {
		pa := expandAuth(res, *s.ProxyAuth)
		s.ProxyAuth = &pa
	}
	if err := res.err(); err != nil {
		return err
	}
	if out.Method == "" {
		out.Method = http.MethodGet
	}
	if !httpguts.ValidHeaderFieldName(out.Method) { // a method is an RFC 9110 §9.1 token
		return fmt.Errorf("bad method %q: a method is a token of letters, digits and !#$%%&'*+-.^_`|~", out.Method)
	}
	u, err := ParseURL(rawURL)
	if err != nil {
		return err
	}
	if err := appendQuery(u, params); err != nil {
		return err
	}
	for _, h := range out.Headers {
		if !h.Enabled {
			continue
		}
		if !httpguts.ValidHeaderFieldName(h.Key) {
			return fmt.Errorf("bad header name %q: header names are tokens, without spaces or ':'", h.Key)
		}
		if !httpguts.ValidHeaderFieldValue(h.Value) {
			return fmt.Errorf("bad value for header %q: it contains a line break or a control character", h.Key)
		}
	}
	out.url = u
	return nil
}

func expandRows(res *resolver, what string, rows []storage.KeyValue) []storage.KeyValue {
	var out []storage.KeyValue
	for i, kv := range rows {
		if !kv.Enabled || !hasTemplate(kv.Key) && !hasTemplate(kv.Value) {
			if out != nil {
				out = append(out, kv)
			}
			continue
		}
		if out == nil {
			out = make([]storage.KeyValue, i, len(rows))
			copy(out, rows[:i])
		}
		where := fmt.Sprintf("%s %q", what, kv.Key)
		kv.Key = res.expand(where, kv.Key)
		kv.Value = res.expand(where, kv.Value)
		out = append(out, kv)
	}
	if out == nil {
		return rows
	}
	return out
}

// hasTemplate reports whether s may hold a {{variable}}.
func hasTemplate(s string) bool { return strings.Contains(s, "{{") }

func expandBody(res *resolver, b storage.Body) storage.Body {
	switch b.Mode {
	case storage.BodyRaw:
		b.Raw = res.expand("body", b.Raw)
	case storage.BodyURLEncoded:
		b.Form = expandRows(res, "form field", b.Form)
	case storage.BodyFormData:
		parts := make([]storage.FormPart, len(b.Multipart))
		for i, p := range b.Multipart {
			if p.Enabled {
				where := fmt.Sprintf("multipart field %q", p.Key)
				p.Key = res.expand(where, p.Key)
				p.Value = res.expand(where, p.Value)
				p.File = res.expand(where, p.File)
			}
			parts[i] = p
		}
		b.Multipart = parts
	case storage.BodyFile:
		b.File = res.expand("body file", b.File)
	case storage.BodyGraphQL:
		if b.GraphQL != nil {
			g := *b.GraphQL
			g.Query = res.expand("GraphQL query", g.Query)
			g.Variables = res.expand("GraphQL variables", g.Variables)
			b.GraphQL = &g
		}
	}
	return b
}

// expandAuth returns a with its parameters' templates expanded, in a new
// map when there is any.
func expandAuth(res *resolver, a storage.AuthSpec) storage.AuthSpec {
	templated := false
	for _, v := range a.Params {
		if hasTemplate(v) {
			templated = true
			break
		}
	}
	if !templated {
		return a
	}
	p := make(map[string]string, len(a.Params))
	for k, v := range a.Params {
		p[k] = res.expand(fmt.Sprintf("auth parameter %q", k), v)
	}
	a.Params = p
	return a
}

// appendQuery adds the enabled params to the URL's own query, keeping the
// order in which they were written.
func appendQuery(u *url.URL, params []storage.KeyValue) error {
	var extra []string
	for _, p := range params {
		if p.Enabled {
			extra = append(extra, url.QueryEscape(p.Key)+"="+url.QueryEscape(p.Value))
		}
	}
	if len(extra) == 0 {
		return nil
	}
	q := u.RawQuery
	if q != "" {
		q += "&"
	}
	u.RawQuery = q + strings.Join(extra, "&")
	return nil
}

// requestBody is a body that can be produced again for a replay.
type requestBody struct {
	open        func() (io.ReadCloser, error)
	length      int64 // -1 when unknown
	contentType string
}

// buildBody returns the body of b, or nil for none.
func buildBody(b storage.Body) (*requestBody, error) {
	switch b.Mode {
	case storage.BodyNone:
		return nil, nil
	case storage.BodyRaw:
		ct := b.ContentType
		if ct == "" {
			ct = "text/plain; charset=utf-8"
		}
		return bytesBody([]byte(b.Raw), ct), nil
	case storage.BodyURLEncoded:
		var parts []string
		for _, f := range b.Form {
			if f.Enabled {
				parts = append(parts, url.QueryEscape(f.Key)+"="+url.QueryEscape(f.Value))
			}
		}
		return bytesBody([]byte(strings.Join(parts, "&")), "application/x-www-form-urlencoded"), nil
	case storage.BodyFormData:
		return multipartBody(b.Multipart)
	case storage.BodyFile:
		return fileBody(b.File, b.ContentType)
	case storage.BodyGraphQL:
		return graphQLBody(b.GraphQL)
	}
	return nil, fmt.Errorf("unknown body mode %q", b.Mode)
}

func bytesBody(data []byte, contentType string) *requestBody {
	return &requestBody{
		open:        func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
		length:      int64(len(data)),
		contentType: contentType,
	}
}

func fileBody(path, contentType string) (*requestBody, error) {
	if path == "" {
		return nil, fmt.Errorf("body: no file chosen")
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("body file: %w", err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("body file %s is a directory", path)
	}
	if contentType == "" {
		contentType = mime.TypeByExtension(filepath.Ext(path))
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	return &requestBody{
		open:        func() (io.ReadCloser, error) { return os.Open(path) },
		length:      st.Size(),
		contentType: contentType,
	}, nil
}

// graphQLBody sends the query and variables as JSON, as the GraphQL over
// HTTP convention expects. Variables must be a JSON object.
func graphQLBody(g *storage.GraphQL) (*requestBody, error) {
	if g == nil {
		return nil, fmt.Errorf("GraphQL body: no query")
	}
	doc := map[string]any{"query": g.Query}
	if v := strings.TrimSpace(g.Variables); v != "" {
		var vars map[string]any
		dec := json.NewDecoder(strings.NewReader(v))
		dec.UseNumber()
		if err := dec.Decode(&vars); err != nil {
			return nil, fmt.Errorf("GraphQL variables are not a JSON object: %s", jsonErrorPlace(v, err))
		}
		end := dec.InputOffset()
		if _, err := dec.Token(); err != io.EOF {
			line, col := lineColumn(v, skipSpace(v, end))
			return nil, fmt.Errorf("GraphQL variables are not a JSON object: line %d, column %d: unexpected text after the JSON object", line, col)
		}
		doc["variables"] = vars
	}
	if g.OperationName != "" {
		doc["operationName"] = g.OperationName
	}
	data, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	return bytesBody(data, "application/json"), nil
}

// jsonErrorPlace words a JSON syntax error with its line and column.
func jsonErrorPlace(text string, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// Offset counts the bytes read, the bad one included.
		line, col := lineColumn(text, se.Offset-1)
		return fmt.Sprintf("line %d, column %d: %v", line, col, err)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		line, col := lineColumn(text, te.Offset-1)
		return fmt.Sprintf("line %d, column %d: found a JSON %s", line, col, te.Value)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		line, col := lineColumn(text, int64(len(text)))
		return fmt.Sprintf("line %d, column %d: unexpected end of the text; a closing } or ] or \" is missing", line, col)
	}
	return err.Error()
}

// lineColumn returns the 1-based line and column (in characters) of the
// byte at offset in text.
func lineColumn(text string, offset int64) (int, int) {
	line, col := 1, 1
	for i, r := range text {
		if int64(i) >= offset {
			break
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// skipSpace returns the offset of the first non-space byte at or after
// offset.
func skipSpace(text string, offset int64) int64 {
	for offset < int64(len(text)) && strings.ContainsRune(" \t\r\n", rune(text[offset])) {
		offset++
	}
	return offset
}

// multipartBody streams the parts through a pipe, so large files are
// never held in memory. The length is computed up front from the part
// headers and the file sizes, so the request is not chunked.
func multipartBody(parts []storage.FormPart) (*requestBody, error) {
	boundary := multipart.NewWriter(io.Discard).Boundary()
	var sizes []int64
	for _, p := range parts {
		if !p.Enabled || p.File == "" {
			sizes = append(sizes, 0)
			continue
		}
		st, err := os.Stat(p.File)
		if err != nil {
			return nil, fmt.Errorf("multipart field %q: %w", p.Key, err)
		}
		sizes = append(sizes, st.Size())
	}
	write := func(w io.Writer, withFiles bool) error {
		mw := multipart.NewWriter(w)
		if err := mw.SetBoundary(boundary); err != nil {
			return err
		}
		for _, p := range parts {
			if !p.Enabled {
				continue
			}
			if p.File == "" {
				h := textproto.MIMEHeader{}
				h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"`, escapeQuotes(p.Key)))
				if p.ContentType != "" {
					h.Set("Content-Type", p.ContentType)
				}
				pw, err := mw.CreatePart(h)
				if err != nil {
					return err
				}
				if _, err := io.WriteString(pw, p.Value); err != nil {
					return err
				}
				continue
			}
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, escapeQuotes(p.Key), escapeQuotes(filepath.Base(p.File))))
			ct := p.ContentType
			if ct == "" {
				ct = mime.TypeByExtension(filepath.Ext(p.File))
			}
			if ct == "" {
				ct = "application/octet-stream"
			}
			h.Set("Content-Type", ct)
			pw, err := mw.CreatePart(h)
			if err != nil {
				return err
			}
			if withFiles {
				f, err := os.Open(p.File)
				if err != nil {
					return fmt.Errorf("multipart field %q: %w", p.Key, err)
				}
				_, err = io.Copy(pw, f)
				f.Close()
				if err != nil {
					return fmt.Errorf("multipart field %q: %w", p.Key, err)
				}
			}
		}
		return mw.Close()
	}
	var frame countingWriter
	if err := write(&frame, false); err != nil {
		return nil, err
	}
	total := frame.n
	for _, s := range sizes {
		total += s
	}
	return &requestBody{
		open: func() (io.ReadCloser, error) {
			pr, pw := io.Pipe()
			go func() { pw.CloseWithError(write(pw, true)) }()
			return pr, nil
		},
		length:      total,
		contentType: "multipart/form-data; boundary=" + boundary,
	}, nil
}

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"")

func escapeQuotes(s string) string { return quoteEscaper.Replace(s) }

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

// newHTTPRequest builds the first request of a send.
func newHTTPRequest(ctx context.Context, r *resolved, body *requestBody) (*http.Request, error) {
	// The URL exactly as parsed: String() may re-encode a path the user
	// wrote on purpose, and parsing it again is wasted work. Host stays
	// empty, so that the URL's host is sent. (resolve checked the method.)
	req := (&http.Request{
		Method:     r.Method,
		URL:        r.url,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     make(http.Header, len(r.Headers)+4),
	}).WithContext(ctx)
	for _, h := range r.Headers {
		if !h.Enabled {
			continue
		}
		if strings.EqualFold(h.Key, "Host") {
			req.Host = h.Value
			continue
		}
		req.Header.Add(h.Key, h.Value)
	}
	if body != nil {
		attachBody(req, body)
		if headerUnset(req.Header, "Content-Type") && body.contentType != "" {
			req.Header["Content-Type"] = []string{body.contentType}
		}
	}
	// The defaults, unless the request set its own (Add canonicalised the
	// keys above), in one backing array; each slice is capped so that an
	// Add to one of them cannot write into the next.
	defaults := [...]struct{ key, value string }{
		{"User-Agent", UserAgent},
		{"Accept", "*/*"},
		// The codings the engine can decode (see body.go).
		{"Accept-Encoding", "gzip, deflate, br"},
	}
	var missing [len(defaults)]bool
	n := 0
	for i, d := range defaults {
		if headerUnset(req.Header, d.key) {
			missing[i] = true
			n++
		}
	}
	if n > 0 {
		values := make([]string, 0, n)
		for i, d := range defaults {
			if missing[i] {
				values = append(values, d.value)
				req.Header[d.key] = values[len(values)-1 : len(values) : len(values)]
			}
		}
	}
	return req, nil
}

// headerUnset is h.Get(key) == "" for a canonical key.
func headerUnset(h http.Header, key string) bool {
	v := h[key]
	return len(v) == 0 || v[0] == ""
}

// attachBody sets the body and GetBody, so that auth retries and 307/308
// redirects can send it again.
func attachBody(req *http.Request, body *requestBody) {
	req.ContentLength = body.length
	if body.length == 0 {
		// An empty body is http.NoBody, so that Content-Length: 0 is sent
		// rather than a probe of a reader (and no file is left open).
		req.Body = http.NoBody
		req.GetBody = func() (io.ReadCloser, error) { return http.NoBody, nil }
		return
	}
	req.GetBody = body.open
	rc, err := body.open()
	if err != nil {
		req.Body = io.NopCloser(errReader{err})
	} else {
		req.Body = rc
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// UserAgent is sent unless the request sets its own.
var UserAgent = "Knock/0.1"
