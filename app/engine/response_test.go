package engine

// What a Response reports: status, protocol, headers, cookies, body,
// content type, sizes on the wire and decoded, and the timings of each
// phase.

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mccutchen/go-httpbin/v2/httpbin"
	"github.com/mccutchen/go-httpbin/v2/httpbin/digest"

	"github.com/knockhttp/knock/storage"
)

func TestResponseReportsStatusHeadersCookiesAndBody(t *testing.T) {
	srv := newRecServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.Header().Add("X-Repeat", "1")
		w.Header().Add("X-Repeat", "2")
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "abc", Path: "/", HttpOnly: true})
		http.SetCookie(w, &http.Cookie{Name: "theme", Value: "dark", MaxAge: 60})
		w.WriteHeader(http.StatusTeapot)
		w.Write([]byte(`{"title":"short and stout"}`))
	})
	resp := mustSend(t, newTestEngine(t), get(srv.URL+"/brew?x=1"), Options{})
	if resp.Status != 418 || resp.StatusText != "418 I'm a teapot" || resp.Proto != "HTTP/1.1" {
		t.Errorf("status %d %q proto %q", resp.Status, resp.StatusText, resp.Proto)
	}
	if resp.URL != srv.URL+"/brew?x=1" || resp.Method != "GET" {
		t.Errorf("URL %q method %q", resp.URL, resp.Method)
	}
	if resp.ContentType != "application/problem+json" {
		t.Errorf("ContentType %q", resp.ContentType)
	}
	if got := resp.Header.Values("X-Repeat"); len(got) != 2 || got[0] != "1" || got[1] != "2" {
		t.Errorf("X-Repeat %q", got)
	}
	if len(resp.Cookies) != 2 || resp.Cookies[0].Name != "session" || resp.Cookies[0].Value != "abc" || !resp.Cookies[0].HttpOnly ||
		resp.Cookies[1].Name != "theme" || resp.Cookies[1].MaxAge != 60 {
		t.Errorf("Cookies %+v", resp.Cookies)
	}
	if got := bodyText(t, resp); got != `{"title":"short and stout"}` {
		t.Errorf("body %q", got)
	}
	if resp.BodySize != 27 || resp.WireSize != 27 || resp.Body.Size() != 27 || resp.Body.Path() != "" {
		t.Errorf("BodySize %d WireSize %d Body.Size %d Path %q, want 27 in memory", resp.BodySize, resp.WireSize, resp.Body.Size(), resp.Body.Path())
	}
	if resp.Encoding != "" {
		t.Errorf("Encoding %q for an identity body", resp.Encoding)
	}
	// The header size is the status line and header block as sent.
	if resp.HeaderSize < 100 || resp.HeaderSize > 400 {
		t.Errorf("HeaderSize %d is implausible", resp.HeaderSize)
	}
	if len(resp.Exchanges) != 1 || resp.Exchanges[0].Status != 418 || resp.Exchanges[0].Method != "GET" {
		t.Errorf("Exchanges %+v", resp.Exchanges)
	}
}

func TestResponseFromHTTPBinAnything(t *testing.T) {
	srv := httptest.NewServer(httpbin.New())
	t.Cleanup(srv.Close)
	r := storage.Request{Method: "PUT", URL: srv.URL + "/anything/x", Params: []storage.KeyValue{kv("a", "1")},
		Headers: []storage.KeyValue{kv("X-Knock", "yes")},
		Body:    storage.Body{Mode: storage.BodyRaw, Raw: `{"k":"v"}`, ContentType: "application/json"}}
	resp := mustSend(t, newTestEngine(t), r, Options{})
	var echo struct {
		Method  string              `json:"method"`
		Args    map[string][]string `json:"args"`
		Headers map[string][]string `json:"headers"`
		JSON    map[string]string   `json:"json"`
	}
	if err := json.Unmarshal([]byte(bodyText(t, resp)), &echo); err != nil {
		t.Fatal(err)
	}
	if echo.Method != "PUT" || echo.Args["a"][0] != "1" || echo.Headers["X-Knock"][0] != "yes" || echo.JSON["k"] != "v" {
		t.Errorf("httpbin saw %+v", echo)
	}
	if !strings.HasPrefix(resp.ContentType, "application/json") {
		t.Errorf("ContentType %q", resp.ContentType)
	}
}

func TestResponseGzipWireSizeAndDecodedSize(t *testing.T) {
	plain := bytes.Repeat([]byte("knock knock, who's there? "), 4000) // 104000 bytes
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(plain)
	zw.Close()
	srv := newRecServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "text/plain")
		w.Write(gz.Bytes())
	})
	resp := mustSend(t, newTestEngine(t), get(srv.URL), Options{})
	if resp.WireSize != int64(gz.Len()) || resp.BodySize != int64(len(plain)) {
		t.Errorf("WireSize %d BodySize %d, want %d and %d", resp.WireSize, resp.BodySize, gz.Len(), len(plain))
	}
	if resp.WireSize >= resp.BodySize {
		t.Errorf("a gzip body must be smaller on the wire")
	}
	if got := bodyText(t, resp); got != string(plain) {
		t.Errorf("decoded body differs (%d bytes)", len(got))
	}
	if resp.Encoding != "gzip" {
		t.Errorf("Encoding %q", resp.Encoding)
	}
	if got := srv.only(t).Header.Get("Accept-Encoding"); got != "gzip, deflate, br" {
		t.Errorf("Accept-Encoding %q", got)
	}
}

func TestResponseHTTPBinGzipIsDecoded(t *testing.T) {
	srv := httptest.NewServer(httpbin.New())
	t.Cleanup(srv.Close)
	resp := mustSend(t, newTestEngine(t), get(srv.URL+"/gzip"), Options{})
	var echo struct {
		Gzipped bool `json:"gzipped"`
	}
	if err := json.Unmarshal([]byte(bodyText(t, resp)), &echo); err != nil || !echo.Gzipped {
		t.Errorf("body not decoded: %v %+v", err, echo)
	}
	if resp.Header.Get("Content-Encoding") != "gzip" || resp.WireSize == 0 || resp.WireSize == resp.BodySize {
		t.Errorf("Content-Encoding %q WireSize %d BodySize %d", resp.Header.Get("Content-Encoding"), resp.WireSize, resp.BodySize)
	}
}

func TestResponseEmptyBodyWithContentEncoding(t *testing.T) {
	// HEAD, 204 and 304 answers carry Content-Encoding with no body; that
	// is not a broken gzip stream.
	srv := newRecServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", r.URL.Query().Get("ce"))
		if r.URL.Query().Get("status") == "204" {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Content-Length", "1234")
	})
	e := newTestEngine(t)
	for _, ce := range []string{"gzip", "deflate", "br", "gzip, br"} {
		q := "?ce=" + strings.ReplaceAll(ce, " ", "%20")
		resp := mustSend(t, e, storage.Request{Method: "HEAD", URL: srv.URL + q}, Options{})
		if resp.Status != 200 || resp.BodySize != 0 || resp.WireSize != 0 {
			t.Errorf("HEAD %s: status %d sizes %d/%d", ce, resp.Status, resp.WireSize, resp.BodySize)
		}
		resp = mustSend(t, e, get(srv.URL+q+"&status=204"), Options{})
		if resp.Status != 204 || resp.BodySize != 0 {
			t.Errorf("204 %s: status %d size %d", ce, resp.Status, resp.BodySize)
		}
	}
}

func TestResponseUnknownEncodingIsKeptWithAWarning(t *testing.T) {
	srv := newRecServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "zstd-future")
		w.Write([]byte("opaque"))
	})
	resp := mustSend(t, newTestEngine(t), get(srv.URL), Options{})
	if bodyText(t, resp) != "opaque" || len(resp.Warnings) != 1 || !strings.Contains(resp.Warnings[0], `unknown Content-Encoding "zstd-future"`) {
		t.Errorf("body %q warnings %q", bodyText(t, resp), resp.Warnings)
	}
}

func TestResponseTimingsPhases(t *testing.T) {
	if addrs, err := net.DefaultResolver.LookupHost(t.Context(), "localhost"); err != nil || len(addrs) == 0 {
		t.Fatalf("localhost does not resolve from /etc/hosts: %v", err)
	}
	const delay = 150 * time.Millisecond
	srv := newRecServer(t, func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(delay)
		w.Write([]byte("late"))
	})
	e := newTestEngine(t)
	local := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	resp := mustSend(t, e, get(local), Options{})
	tm := resp.Timings
	if tm.DNS <= 0 {
		t.Errorf("DNS %v: a name needs a lookup phase", tm.DNS)
	}
	if tm.Connect <= 0 || tm.TLS != 0 {
		t.Errorf("Connect %v TLS %v: want a connect phase and no TLS on http", tm.Connect, tm.TLS)
	}
	if tm.TTFB < delay {
		t.Errorf("TTFB %v is shorter than the server's delay %v", tm.TTFB, delay)
	}
	if tm.Total < tm.TTFB || tm.Total < tm.DNS+tm.Connect {
		t.Errorf("Total %v is shorter than its phases %+v", tm.Total, tm)
	}
	if tm.Reused {
		t.Error("the first request cannot reuse a connection")
	}

	// The second request reuses the kept-alive connection: no DNS, no connect.
	resp = mustSend(t, e, get(local), Options{})
	tm = resp.Timings
	if !tm.Reused || tm.DNS != 0 || tm.Connect != 0 {
		t.Errorf("second request: Reused %v DNS %v Connect %v; want a reused connection without those phases", tm.Reused, tm.DNS, tm.Connect)
	}
	if tm.TTFB < delay {
		t.Errorf("second TTFB %v < %v", tm.TTFB, delay)
	}

	// An IP address needs no lookup.
	resp = mustSend(t, newTestEngine(t), get(srv.URL), Options{})
	if resp.Timings.DNS != 0 || resp.Timings.Connect <= 0 {
		t.Errorf("IP address: DNS %v Connect %v", resp.Timings.DNS, resp.Timings.Connect)
	}
}

func TestResponseTimingsTLS(t *testing.T) {
	ca := newTestCA(t, "Knock Timing CA")
	cert, _ := ca.issue(t, leafSpec{CN: "localhost", DNSNames: []string{"localhost"}})
	srv := newTLSServer(t, cert, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	url := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	resp := mustSend(t, newTestEngine(t), storage.Request{URL: url, Settings: storage.Settings{CAFile: ca.pemPath}}, Options{})
	tm := resp.Timings
	if tm.DNS <= 0 || tm.Connect <= 0 || tm.TLS <= 0 || tm.TTFB <= 0 || tm.Total < tm.TLS {
		t.Errorf("timings %+v: want DNS, connect, TLS and TTFB phases", tm)
	}
	if resp.Exchanges[0].Timings.TLS != tm.TLS {
		t.Errorf("the exchange's timings %+v differ from the final ones %+v", resp.Exchanges[0].Timings, tm)
	}
}

// An auth challenge answered on the same connection: each exchange has
// its own phases, the first with the lookup, connect and handshake, the
// retry on the kept-alive connection without them, and the response's
// timings are the retry's.
func TestResponseTimingsPerExchangeOfAnAuthRetry(t *testing.T) {
	ca := newTestCA(t, "Knock Retry Timing CA")
	cert, _ := ca.issue(t, leafSpec{CN: "localhost", DNSNames: []string{"localhost"}})
	srv := newTLSServer(t, cert, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !digest.Check(r, "user", "pass") {
			w.Header().Set("WWW-Authenticate", digest.Challenge("timing", digest.MD5))
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Write([]byte("ok"))
	}))
	url := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	req := storage.Request{URL: url, Settings: storage.Settings{CAFile: ca.pemPath},
		Auth: storage.AuthSpec{Type: "digest", Params: map[string]string{"username": "user", "password": "pass"}}}
	resp := mustSend(t, newTestEngine(t), req, Options{})
	if resp.Status != http.StatusOK || len(resp.Exchanges) != 2 {
		t.Fatalf("status %d, %d exchanges; want 200 after a challenge", resp.Status, len(resp.Exchanges))
	}
	first, retry := resp.Exchanges[0], resp.Exchanges[1]
	if first.Status != http.StatusUnauthorized || first.Timings.Reused || first.Timings.DNS <= 0 || first.Timings.Connect <= 0 || first.Timings.TLS <= 0 || first.Timings.TTFB <= 0 {
		t.Errorf("challenge exchange %d %+v: want a new connection with lookup, connect, TLS and TTFB phases", first.Status, first.Timings)
	}
	if retry.Status != http.StatusOK || !retry.Timings.Reused || retry.Timings.DNS != 0 || retry.Timings.Connect != 0 || retry.Timings.TLS != 0 || retry.Timings.TTFB <= 0 {
		t.Errorf("retry exchange %d %+v: want the kept-alive connection, with a TTFB only", retry.Status, retry.Timings)
	}
	if tm := resp.Timings; !tm.Reused || tm.TLS != 0 || tm.TTFB != retry.Timings.TTFB {
		t.Errorf("response timings %+v: want the retry's %+v", tm, retry.Timings)
	}
}

func TestResponseProgressReportsBytes(t *testing.T) {
	body := strings.Repeat("p", 100_000)
	srv := newRecServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write([]byte(body))
	})
	var last, total int64
	calls := 0
	var headerStatus int
	resp := mustSend(t, newTestEngine(t), get(srv.URL), Options{
		Progress: func(n, tot int64) { last, total = n, tot; calls++ },
		OnHeader: func(r *Response) { headerStatus = r.Status },
	})
	if last != int64(len(body)) || total != int64(len(body)) || calls == 0 {
		t.Errorf("progress ended at %d of %d after %d calls", last, total, calls)
	}
	if headerStatus != 200 || resp.BodySize != int64(len(body)) {
		t.Errorf("OnHeader saw %d; BodySize %d", headerStatus, resp.BodySize)
	}

	// A compressed body has no known decoded total.
	gz := encodeGzip([]byte(body))
	zsrv := newRecServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Length", strconv.Itoa(len(gz)))
		w.Write(gz)
	})
	mustSend(t, newTestEngine(t), get(zsrv.URL), Options{Progress: func(n, tot int64) { last, total = n, tot }})
	if last != int64(len(body)) || total != -1 {
		t.Errorf("gzip progress ended at %d of %d, want %d of -1", last, total, len(body))
	}
}

// A small body with a Content-Length and no coding (read straight into a
// buffer of its size): kept in memory or written to the sink whole, sized
// on the wire and decoded alike, the connection kept alive after it, and
// a sink that takes less than it is given reported.
func TestResponseSmallBodyOfKnownLength(t *testing.T) {
	body := strings.Repeat("k", 3000)
	srv := newRecServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		io.WriteString(w, body)
	})
	e := newTestEngine(t)
	resp := mustSend(t, e, get(srv.URL), Options{})
	got, cut, err := resp.Body.Bytes(1 << 20)
	if err != nil || cut || string(got) != body || resp.BodySize != int64(len(body)) || resp.WireSize != int64(len(body)) {
		t.Fatalf("body %d bytes (cut %v, err %v), BodySize %d, WireSize %d; want the %d bytes", len(got), cut, err, resp.BodySize, resp.WireSize, len(body))
	}
	var sink bytes.Buffer
	resp = mustSend(t, e, get(srv.URL), Options{Sink: &sink})
	if sink.String() != body || resp.Body != nil || resp.BodySize != int64(len(body)) {
		t.Errorf("sink got %d bytes, Body %v, BodySize %d; want the body in the sink only", sink.Len(), resp.Body, resp.BodySize)
	}
	if !resp.Timings.Reused {
		t.Error("the second request did not reuse the connection: the first body was not read to its end")
	}
	if _, err := e.Send(context.Background(), get(srv.URL), Options{Sink: shortWriter{}}); err == nil || !strings.Contains(err.Error(), io.ErrShortWrite.Error()) {
		t.Errorf("a sink that writes less: error %v, want %q", err, io.ErrShortWrite)
	}
}

// shortWriter accepts one byte less than it is given.
type shortWriter struct{}

func (shortWriter) Write(p []byte) (int, error) { return max(len(p)-1, 0), nil }
