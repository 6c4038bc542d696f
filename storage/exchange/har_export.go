package exchange

// HAR export: history entries as an HTTP Archive 1.2 file, for browsers'
// developer tools, proxies and HAR viewers. The request is the history
// snapshot, which history has already redacted (credential headers read
// "[redacted]", secret values are gone); the query parameters are
// appended to the URL as the engine sends them. Response bodies are read
// through the given function (History.Body): text as is, anything else
// in base64. Timings map to HAR's dns, connect, ssl, wait (time to first
// byte after the connection) and receive; phases Knock does not measure
// are -1 (blocked) or 0 (send). A send that failed before a response has
// status 0 and the error in the entry's comment.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime/debug"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/knockhttp/knock/storage"
)

type harOutLog struct {
	Log harOutBody `json:"log"`
}

type harOutBody struct {
	Version string        `json:"version"`
	Creator harOutCreator `json:"creator"`
	Pages   []any         `json:"pages"`
	Entries []harOutEntry `json:"entries"`
}

type harOutCreator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type harOutEntry struct {
	StartedDateTime string         `json:"startedDateTime"`
	Time            float64        `json:"time"`
	Request         harOutRequest  `json:"request"`
	Response        harOutResponse `json:"response"`
	Cache           struct{}       `json:"cache"`
	Timings         harOutTimings  `json:"timings"`
	Comment         string         `json:"comment,omitempty"`
}

type harOutRequest struct {
	Method      string      `json:"method"`
	URL         string      `json:"url"`
	HTTPVersion string      `json:"httpVersion"`
	Cookies     []harOutNV  `json:"cookies"`
	Headers     []harOutNV  `json:"headers"`
	QueryString []harOutNV  `json:"queryString"`
	PostData    *harOutPost `json:"postData,omitempty"`
	HeadersSize int         `json:"headersSize"`
	BodySize    int64       `json:"bodySize"`
	Comment     string      `json:"comment,omitempty"`
}

type harOutNV struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type harOutPost struct {
	MimeType string        `json:"mimeType"`
	Params   []harOutParam `json:"params"`
	Text     string        `json:"text"`
	Comment  string        `json:"comment,omitempty"`
}

type harOutParam struct {
	Name        string `json:"name"`
	Value       string `json:"value,omitempty"`
	FileName    string `json:"fileName,omitempty"`
	ContentType string `json:"contentType,omitempty"`
}

type harOutResponse struct {
	Status      int           `json:"status"`
	StatusText  string        `json:"statusText"`
	HTTPVersion string        `json:"httpVersion"`
	Cookies     []harOutNV    `json:"cookies"`
	Headers     []harOutNV    `json:"headers"`
	Content     harOutContent `json:"content"`
	RedirectURL string        `json:"redirectURL"`
	HeadersSize int           `json:"headersSize"`
	BodySize    int64         `json:"bodySize"`
	Error       string        `json:"_error,omitempty"`
}

type harOutContent struct {
	Size     int64  `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text,omitempty"`
	Encoding string `json:"encoding,omitempty"`
	Comment  string `json:"comment,omitempty"`
}

type harOutTimings struct {
	Blocked float64 `json:"blocked"`
	DNS     float64 `json:"dns"`
	Connect float64 `json:"connect"`
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
	SSL     float64 `json:"ssl"`
}

// ExportHAR writes history entries as a HAR 1.2 file, oldest first. body
// opens an entry's stored response body (pass History.Body); nil leaves
// the bodies out.
func ExportHAR(entries []storage.HistoryEntry, body func(id uint64) (io.ReadCloser, error)) ([]byte, error) {
	sorted := append([]storage.HistoryEntry(nil), entries...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Time.Before(sorted[j].Time) })
	out := harOutLog{Log: harOutBody{
		Version: "1.2",
		Creator: harOutCreator{Name: "Knock", Version: harVersion()},
		Pages:   []any{},
		Entries: []harOutEntry{},
	}}
	for i := range sorted {
		e, err := harEntry(&sorted[i], body)
		if err != nil {
			return nil, err
		}
		out.Log.Entries = append(out.Log.Entries, e)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func harVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

func harMillis(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}

func harEntry(e *storage.HistoryEntry, body func(uint64) (io.ReadCloser, error)) (harOutEntry, error) {
	r := e.Request
	s := e.Response
	proto := s.Proto
	if proto == "" {
		proto = "HTTP/1.1"
	}
	out := harOutEntry{StartedDateTime: e.Time.UTC().Format("2006-01-02T15:04:05.000Z07:00")}
	out.Request = harOutRequest{
		Method:      r.Method,
		HTTPVersion: proto,
		Cookies:     []harOutNV{},
		Headers:     []harOutNV{},
		QueryString: []harOutNV{},
		HeadersSize: -1,
		BodySize:    -1,
	}
	if out.Request.Method == "" {
		out.Request.Method = http.MethodGet
	}
	out.Request.URL = harFullURL(r.URL, r.Params)
	if u, err := url.Parse(out.Request.URL); err == nil {
		for _, kv := range strings.Split(u.RawQuery, "&") {
			if kv == "" {
				continue
			}
			k, v, _ := strings.Cut(kv, "=")
			if uk, err := url.QueryUnescape(k); err == nil {
				k = uk
			}
			if uv, err := url.QueryUnescape(v); err == nil {
				v = uv
			}
			out.Request.QueryString = append(out.Request.QueryString, harOutNV{Name: k, Value: v})
		}
	}
	for _, h := range r.Headers {
		if !h.Enabled {
			continue
		}
		out.Request.Headers = append(out.Request.Headers, harOutNV{Name: h.Key, Value: h.Value})
		if strings.EqualFold(h.Key, "Cookie") {
			for _, c := range strings.Split(h.Value, ";") {
				n, v, ok := strings.Cut(strings.TrimSpace(c), "=")
				if ok {
					out.Request.Cookies = append(out.Request.Cookies, harOutNV{Name: n, Value: v})
				}
			}
		}
	}
	out.Request.PostData = harOutPostData(r.Body)
	if out.Request.PostData != nil {
		out.Request.BodySize = int64(len(out.Request.PostData.Text))
	}

	resp := harOutResponse{
		Status:      s.Status,
		StatusText:  http.StatusText(s.Status),
		HTTPVersion: proto,
		Cookies:     []harOutNV{},
		Headers:     []harOutNV{},
		HeadersSize: -1,
		BodySize:    -1,
	}
	if s.WireSize > 0 {
		resp.BodySize = s.WireSize
	}
	keys := make([]string, 0, len(s.Header))
	for k := range s.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range s.Header[k] {
			resp.Headers = append(resp.Headers, harOutNV{Name: k, Value: v})
		}
	}
	for _, c := range (&http.Response{Header: s.Header}).Cookies() {
		resp.Cookies = append(resp.Cookies, harOutNV{Name: c.Name, Value: c.Value})
	}
	resp.RedirectURL = s.Header.Get("Location")
	resp.Content = harOutContent{Size: s.BodySize, MimeType: s.Header.Get("Content-Type")}
	if s.Error != "" {
		resp.Error = s.Error
		out.Comment = "not sent: " + s.Error
	}
	if body != nil && e.BodyStored > 0 {
		rc, err := body(e.ID)
		if err != nil {
			return out, fmt.Errorf("history entry %d: %w", e.ID, err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return out, fmt.Errorf("history entry %d: %w", e.ID, err)
		}
		if utf8.Valid(data) {
			resp.Content.Text = string(data)
		} else {
			resp.Content.Text, resp.Content.Encoding = base64.StdEncoding.EncodeToString(data), "base64"
		}
		if e.BodyTruncated {
			resp.Content.Comment = fmt.Sprintf("only the first %d bytes were kept", len(data))
		}
	}
	out.Response = resp

	t := s.Timings
	out.Timings = harOutTimings{Blocked: -1, DNS: -1, Connect: -1, SSL: -1}
	if t.DNS > 0 {
		out.Timings.DNS = harMillis(t.DNS)
	}
	if t.Connect > 0 {
		out.Timings.Connect = harMillis(t.Connect)
	}
	if t.TLS > 0 {
		out.Timings.SSL = harMillis(t.TLS)
	}
	setup := max(t.DNS, 0) + max(t.Connect, 0) // HAR's connect includes ssl
	if t.TTFB > setup {
		out.Timings.Wait = harMillis(t.TTFB - setup)
	}
	if t.Total > t.TTFB && t.TTFB > 0 {
		out.Timings.Receive = harMillis(t.Total - t.TTFB)
	}
	out.Time = max(out.Timings.DNS, 0) + max(out.Timings.Connect, 0) + out.Timings.Wait + out.Timings.Receive
	if t.Total > 0 && harMillis(t.Total) > out.Time {
		out.Time = harMillis(t.Total)
	}
	return out, nil
}

// harFullURL appends the enabled query rows to the URL, as the engine
// does when it sends.
func harFullURL(raw string, params []storage.KeyValue) string {
	var extra []string
	for _, p := range params {
		if p.Enabled {
			extra = append(extra, url.QueryEscape(p.Key)+"="+url.QueryEscape(p.Value))
		}
	}
	if len(extra) == 0 {
		return raw
	}
	hash := ""
	if i := strings.IndexByte(raw, '#'); i >= 0 {
		raw, hash = raw[:i], raw[i:]
	}
	sep := "?"
	if strings.Contains(raw, "?") {
		sep = "&"
		if strings.HasSuffix(raw, "?") || strings.HasSuffix(raw, "&") {
			sep = ""
		}
	}
	return raw + sep + strings.Join(extra, "&") + hash
}

func harOutPostData(b storage.Body) *harOutPost {
	switch b.Mode {
	case storage.BodyRaw:
		return &harOutPost{MimeType: b.ContentType, Params: []harOutParam{}, Text: b.Raw}
	case storage.BodyURLEncoded:
		p := &harOutPost{MimeType: "application/x-www-form-urlencoded", Params: []harOutParam{}}
		var parts []string
		for _, f := range b.Form {
			if f.Enabled {
				p.Params = append(p.Params, harOutParam{Name: f.Key, Value: f.Value})
				parts = append(parts, url.QueryEscape(f.Key)+"="+url.QueryEscape(f.Value))
			}
		}
		p.Text = strings.Join(parts, "&")
		return p
	case storage.BodyFormData:
		p := &harOutPost{MimeType: "multipart/form-data", Params: []harOutParam{}}
		for _, f := range b.Multipart {
			if f.Enabled {
				p.Params = append(p.Params, harOutParam{Name: f.Key, Value: f.Value, FileName: f.File, ContentType: f.ContentType})
			}
		}
		return p
	case storage.BodyFile:
		return &harOutPost{MimeType: b.ContentType, Params: []harOutParam{}, Comment: "the body was the file " + b.File}
	case storage.BodyGraphQL:
		if b.GraphQL == nil {
			return nil
		}
		doc := map[string]any{"query": b.GraphQL.Query}
		if b.GraphQL.OperationName != "" {
			doc["operationName"] = b.GraphQL.OperationName
		}
		if v := strings.TrimSpace(b.GraphQL.Variables); v != "" {
			doc["variables"] = json.RawMessage(v)
			if !json.Valid([]byte(v)) {
				doc["variables"] = v
			}
		}
		text, err := json.Marshal(doc)
		if err != nil {
			return nil
		}
		return &harOutPost{MimeType: "application/json", Params: []harOutParam{}, Text: string(text)}
	}
	return nil
}
