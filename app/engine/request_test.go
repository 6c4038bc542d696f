package engine

// The request line and header block: methods, query parameters and
// headers as they reach the server.

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/knockhttp/knock/storage"
)

func TestRequestMethodTokensReachTheWire(t *testing.T) {
	e := newTestEngine(t)
	for _, method := range []string{"GET", "DELETE", "OPTIONS", "PURGE", "PROPFIND", "MKCOL", "X-Knock_1.0~!"} {
		t.Run(method, func(t *testing.T) {
			srv := newRecServer(t, nil)
			resp := mustSend(t, e, storage.Request{Method: method, URL: srv.URL + "/res"}, Options{})
			if resp.Status != 200 || resp.Method != method {
				t.Errorf("status %d method %q, want 200 %q", resp.Status, resp.Method, method)
			}
			lines := headLines(srv.wire.String())
			if want := method + " /res HTTP/1.1"; len(lines) == 0 || lines[0] != want {
				t.Errorf("request line %q, want %q", lines, want)
			}
		})
	}
}

func TestRequestEmptyMethodIsGET(t *testing.T) {
	srv := newRecServer(t, nil)
	mustSend(t, newTestEngine(t), storage.Request{URL: srv.URL}, Options{})
	if got := srv.only(t).Method; got != "GET" {
		t.Errorf("method %q, want GET", got)
	}
}

func TestRequestBadMethodIsRefusedBeforeSending(t *testing.T) {
	srv := newRecServer(t, nil)
	e := newTestEngine(t)
	sendErr(t, e, storage.Request{Method: "GE T", URL: srv.URL}, Options{}, KindRequest, `bad method "GE T"`, "token")
	sendErr(t, e, storage.Request{Method: "GET\r\nX: y", URL: srv.URL}, Options{}, KindRequest, "bad method")
	if n := srv.count(); n != 0 {
		t.Errorf("server received %d requests, want none", n)
	}
}

func TestRequestQueryParamsKeepOrderRepeatsAndSkipDisabled(t *testing.T) {
	srv := newRecServer(t, nil)
	r := storage.Request{Method: "GET", URL: srv.URL + "/search?fixed=1&b=x", Params: []storage.KeyValue{
		kv("tag", "a"), off("secret", "no"), kv("tag", "b"), kv("q", "hello world&more=1"), kv("tag", "c"), kv("empty", ""),
		kv("ünï", "é/?"),
	}}
	resp := mustSend(t, newTestEngine(t), r, Options{})
	want := "/search?fixed=1&b=x&tag=a&tag=b&q=hello+world%26more%3D1&tag=c&empty=&%C3%BCn%C3%AF=%C3%A9%2F%3F"
	if got := srv.only(t).URI; got != want {
		t.Errorf("request target\n got %s\nwant %s", got, want)
	}
	if !strings.HasSuffix(resp.URL, want) {
		t.Errorf("Response.URL %q does not end with the sent target", resp.URL)
	}
}

func TestRequestHeadersRepeatInOrderAndSkipDisabled(t *testing.T) {
	srv := newRecServer(t, nil)
	r := storage.Request{Method: "GET", URL: srv.URL, Headers: []storage.KeyValue{
		kv("X-Multi", "first"), off("X-Off", "never"), kv("X-Single", "one"), kv("X-Multi", "second"),
		off("X-Multi", "disabled"), kv("x-multi", "third"), kv("Accept", "application/json"),
	}}
	mustSend(t, newTestEngine(t), r, Options{})
	lines := headLines(srv.wire.String())
	var multi []string
	for _, l := range lines {
		if v, ok := strings.CutPrefix(l, "X-Multi: "); ok {
			multi = append(multi, v)
		}
		if strings.Contains(l, "X-Off") || strings.Contains(l, "disabled") || strings.Contains(l, "never") {
			t.Errorf("disabled header sent: %q", l)
		}
	}
	if want := []string{"first", "second", "third"}; !slices.Equal(multi, want) {
		t.Errorf("X-Multi lines on the wire %q, want %q (all lines: %q)", multi, want, lines)
	}
	c := srv.only(t)
	if got := c.Header.Get("X-Single"); got != "one" {
		t.Errorf("X-Single %q", got)
	}
	if got := c.Header.Values("Accept"); !slices.Equal(got, []string{"application/json"}) {
		t.Errorf("Accept %q: the user's value must replace the default", got)
	}
	if got := c.Header.Get("User-Agent"); got != UserAgent {
		t.Errorf("User-Agent %q, want the default %q", got, UserAgent)
	}
}

func TestRequestDefaultHeadersAndHostOverride(t *testing.T) {
	srv := newRecServer(t, nil)
	r := storage.Request{Method: "GET", URL: srv.URL, Headers: []storage.KeyValue{
		kv("Host", "virtual.example"), kv("User-Agent", "mine/1"),
	}}
	mustSend(t, newTestEngine(t), r, Options{})
	c := srv.only(t)
	if c.Host != "virtual.example" {
		t.Errorf("Host %q, want the header's virtual.example", c.Host)
	}
	if got := c.Header.Values("User-Agent"); !slices.Equal(got, []string{"mine/1"}) {
		t.Errorf("User-Agent %q", got)
	}
	if got := c.Header.Get("Accept"); got != "*/*" {
		t.Errorf("default Accept %q, want */*", got)
	}
	if got := c.Header.Get("Accept-Encoding"); got != "gzip, deflate, br" {
		t.Errorf("Accept-Encoding %q, want the codings the engine decodes", got)
	}
}

func TestRequestBadHeaderIsRefusedBeforeSending(t *testing.T) {
	srv := newRecServer(t, nil)
	e := newTestEngine(t)
	sendErr(t, e, storage.Request{URL: srv.URL, Headers: []storage.KeyValue{kv("X Bad", "v")}}, Options{},
		KindRequest, `bad header name "X Bad"`)
	sendErr(t, e, storage.Request{URL: srv.URL, Headers: []storage.KeyValue{kv("X-Inject", "v\r\nEvil: 1")}}, Options{},
		KindRequest, `bad value for header "X-Inject"`, "line break")
	// A disabled bad row is not checked: it is not sent.
	mustSend(t, e, storage.Request{URL: srv.URL, Headers: []storage.KeyValue{off("X Bad", "v\n")}}, Options{})
	if n := srv.count(); n != 1 {
		t.Errorf("server received %d requests, want only the valid one", n)
	}
}

func TestRequestURLUserinfoBecomesBasicAuth(t *testing.T) {
	srv := newRecServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/start" {
			http.Redirect(w, r, "/next", http.StatusFound)
		}
	})
	url := strings.Replace(srv.URL, "http://", "http://alice:s3cret@", 1) + "/start"
	resp := mustSend(t, newTestEngine(t), get(url), Options{})
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte("alice:s3cret"))
	for i, c := range srv.requests() {
		if got := c.Header.Get("Authorization"); got != want {
			t.Errorf("request %d: Authorization %q, want %q", i, got, want)
		}
	}
	shown := resp.URL + fmt.Sprint(resp.Redirects, resp.Exchanges, resp.AuthSteps)
	if strings.Contains(shown, "s3cret") || strings.Contains(shown, want[6:]) {
		t.Errorf("the password shows in the response: %s", shown)
	}
	if len(resp.AuthSteps) == 0 || resp.AuthSteps[0].Scheme != "basic" {
		t.Errorf("AuthSteps %+v, want the basic scheme's steps", resp.AuthSteps)
	}
	if len(resp.Warnings) == 0 || !strings.Contains(resp.Warnings[0], "plain http") {
		t.Errorf("Warnings %q, want the plain-http warning", resp.Warnings)
	}
}
