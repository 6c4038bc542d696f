package authlib

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mccutchen/go-httpbin/v2/httpbin"
)

func TestHeaderGoHTTPBin(t *testing.T) {
	srv := httptest.NewServer(httpbin.New())
	defer srv.Close()
	const secret = "tok-3c1d9a7b"
	code, body, tr := bearerSend(t, "header", Params{"name": "x-tokenauth", "value": secret}, "GET", srv.URL+"/headers")
	var got struct {
		Headers http.Header `json:"headers"`
	}
	if err := json.Unmarshal(body, &got); err != nil || code != 200 {
		t.Fatalf("status %d body %s", code, body)
	}
	if v := got.Headers.Values("X-Tokenauth"); len(v) != 1 || v[0] != secret {
		t.Errorf("server saw %q", v)
	}
	js := bearerTraceJSON(t, tr)
	if strings.Contains(js, secret) {
		t.Errorf("the value appears in the trace: %s", js)
	}
	if !strings.Contains(js, `"title":"Custom header set"`) || !strings.Contains(js, `"value":"X-Tokenauth"`) {
		t.Errorf("trace %s", js)
	}
}

func TestHeaderReplacesExisting(t *testing.T) {
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r.Header.Values("X-Auth-Token")
	}))
	defer srv.Close()
	s, err := New("header", Params{"name": "X-Auth-Token", "value": "new"})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", srv.URL, nil)
	req.Header.Set("X-Auth-Token", "old")
	resp, err := s.Wrap(http.DefaultTransport).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(seen) != 1 || seen[0] != "new" {
		t.Errorf("server saw %q", seen)
	}
	if req.Header.Get("X-Auth-Token") != "old" {
		t.Error("the caller's request was modified")
	}
}

func TestHeaderErrors(t *testing.T) {
	for _, c := range []struct {
		p    Params
		want string
	}{
		{Params{"value": "v"}, `authlib: header: parameter "name" is required`},
		{Params{"name": "X Token", "value": "v"}, `authlib: header: "X Token" is not a valid header name`},
		{Params{"name": "X-Tök", "value": "v"}, `authlib: header: "X-Tök" is not a valid header name`},
		{Params{"name": "host", "value": "v"}, "authlib: header: the Host header comes from the request URL"},
		{Params{"name": "X-T", "value": "secret\r\nEvil: 1"}, "authlib: header: the value of X-T contains a line break"},
	} {
		_, err := New("header", c.p)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%v: err %v; want %q", c.p, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("the value leaked into the error: %v", err)
		}
	}
}
