package storage

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// Redacted replaces secret values in history.
const Redacted = "[redacted]"

// minScrubLen is the shortest secret that is also searched for and
// replaced across the whole snapshot and body. Shorter ones are still
// removed from their own fields, but replacing every "ab" in a response
// would garble it.
const minScrubLen = 4

// sensitiveHeaders have their values replaced in request snapshots.
var sensitiveHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie"}

func isSensitiveHeader(k string) bool {
	for _, h := range sensitiveHeaders {
		if strings.EqualFold(k, h) {
			return true
		}
	}
	return false
}

// redactRequest removes the secrets from a request snapshot: secret auth
// parameters, the client certificate password and the proxy password are
// emptied (their references stay, so a reopened request can hydrate them
// while the saved request exists); Authorization, Proxy-Authorization and
// Cookie header values become Redacted; and every secret value, the given
// extra ones included (secret variables' values, resolved), is replaced
// wherever else it appears. It returns the values to scrub from the
// response too.
func redactRequest(r *Request, extra []string) [][]byte {
	var values []string
	slots, err := requestSlots(r)
	if err != nil {
		// A proxy URL that cannot be taken apart may hold credentials.
		r.Settings.Proxy = Redacted
		slots, _ = requestSlots(r)
	}
	for _, s := range slots {
		if v, has := s.value(); has && v != "" {
			values = append(values, v)
		}
		if s.secret || s.mapped {
			s.clearValue()
		}
	}
	for i := range r.Headers {
		if isSensitiveHeader(r.Headers[i].Key) {
			r.Headers[i].Value = Redacted
		}
	}
	values = append(values, extra...)
	needles := scrubNeedles(values)
	rep := replacerFor(needles)
	if rep == nil {
		return needles
	}
	r.URL = rep.Replace(r.URL)
	r.Settings.Proxy = rep.Replace(r.Settings.Proxy)
	for _, list := range [][]KeyValue{r.Params, r.Headers, r.Body.Form} {
		for i := range list {
			list[i].Key = rep.Replace(list[i].Key)
			list[i].Value = rep.Replace(list[i].Value)
		}
	}
	for i := range r.Body.Multipart {
		r.Body.Multipart[i].Value = rep.Replace(r.Body.Multipart[i].Value)
	}
	r.Body.Raw = rep.Replace(r.Body.Raw)
	if g := r.Body.GraphQL; g != nil {
		g.Query = rep.Replace(g.Query)
		g.Variables = rep.Replace(g.Variables)
	}
	for k, v := range r.Auth.Params {
		r.Auth.Params[k] = rep.Replace(v)
	}
	if pa := r.Settings.ProxyAuth; pa != nil {
		for k, v := range pa.Params {
			pa.Params[k] = rep.Replace(v)
		}
	}
	return needles
}

// scrubNeedles returns the values worth searching for, with their URL
// encodings, longest first.
func scrubNeedles(values []string) [][]byte {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if len(s) >= minScrubLen && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, v := range values {
		add(v)
		add(url.QueryEscape(v))
		add(url.PathEscape(v))
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	needles := make([][]byte, len(out))
	for i, s := range out {
		needles[i] = []byte(s)
	}
	return needles
}

func replacerFor(needles [][]byte) *strings.Replacer {
	if len(needles) == 0 {
		return nil
	}
	pairs := make([]string, 0, 2*len(needles))
	for _, n := range needles {
		pairs = append(pairs, string(n), Redacted)
	}
	return strings.NewReplacer(pairs...)
}

// redactResponseHeader copies h with Set-Cookie values redacted (the
// cookie's name and attributes stay) and secret values scrubbed.
func redactResponseHeader(h http.Header, needles [][]byte) http.Header {
	if h == nil {
		return nil
	}
	rep := replacerFor(needles)
	out := make(http.Header, len(h))
	for k, vs := range h {
		nv := make([]string, len(vs))
		for i, v := range vs {
			switch {
			case strings.EqualFold(k, "Set-Cookie"):
				v = redactSetCookie(v)
			case isSensitiveHeader(k):
				v = Redacted
			}
			if rep != nil {
				v = rep.Replace(v)
			}
			nv[i] = v
		}
		out[k] = nv
	}
	return out
}

// redactSetCookie turns "id=abc; Path=/; HttpOnly" into
// "id=[redacted]; Path=/; HttpOnly".
func redactSetCookie(v string) string {
	pair, attrs, hasAttrs := strings.Cut(v, ";")
	name, _, ok := strings.Cut(pair, "=")
	if !ok {
		return Redacted
	}
	out := strings.TrimSpace(name) + "=" + Redacted
	if hasAttrs {
		out += ";" + attrs
	}
	return out
}

// scrubWriter replaces needles in a byte stream, also across writes: it
// holds back the last len(longest)-1 bytes until it knows no needle
// starts there.
type scrubWriter struct {
	dst     io.Writer
	needles [][]byte
	maxLen  int
	buf     []byte
}

func newScrubWriter(dst io.Writer, needles [][]byte) *scrubWriter {
	w := &scrubWriter{dst: dst, needles: needles}
	for _, n := range needles {
		w.maxLen = max(w.maxLen, len(n))
	}
	return w
}

func (w *scrubWriter) Write(p []byte) (int, error) {
	if len(w.needles) == 0 {
		return w.dst.Write(p)
	}
	w.buf = append(w.buf, p...)
	if err := w.drain(false); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes what is held back. Call it once the stream ends.
func (w *scrubWriter) Flush() error {
	if len(w.needles) == 0 {
		return nil
	}
	return w.drain(true)
}

func (w *scrubWriter) drain(final bool) error {
	var out bytes.Buffer
	for {
		at, which := -1, -1
		for i, n := range w.needles {
			if j := bytes.Index(w.buf, n); j >= 0 && (at < 0 || j < at) {
				at, which = j, i
			}
		}
		if at < 0 {
			break
		}
		out.Write(w.buf[:at])
		out.WriteString(Redacted)
		w.buf = w.buf[at+len(w.needles[which]):]
	}
	keep := 0
	if !final {
		keep = min(len(w.buf), w.maxLen-1)
	}
	out.Write(w.buf[:len(w.buf)-keep])
	w.buf = append(w.buf[:0:0], w.buf[len(w.buf)-keep:]...)
	if out.Len() == 0 {
		return nil
	}
	_, err := w.dst.Write(out.Bytes())
	return err
}
