package authlib

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/mccutchen/go-httpbin/v2/httpbin"
)

func TestAPIKeyHeaderGoHTTPBin(t *testing.T) {
	srv := httptest.NewServer(httpbin.New())
	defer srv.Close()
	const secret = "k3y-V4lue-9f8e7d"
	code, body, tr := bearerSend(t, "apikey", Params{"key": "x-api-key", "value": secret}, "GET", srv.URL+"/headers")
	var got struct {
		Headers http.Header `json:"headers"`
	}
	if err := json.Unmarshal(body, &got); err != nil || code != 200 {
		t.Fatalf("status %d body %s", code, body)
	}
	if v := got.Headers.Values("X-Api-Key"); len(v) != 1 || v[0] != secret {
		t.Errorf("server saw X-Api-Key %q", v)
	}
	js := bearerTraceJSON(t, tr)
	if strings.Contains(js, secret) {
		t.Errorf("the key appears in the trace: %s", js)
	}
	if !strings.Contains(js, "Key added as a header") || !strings.Contains(js, "API key credentials are sent over plain http") {
		t.Errorf("trace %s", js)
	}
}

func TestAPIKeyQueryGoHTTPBin(t *testing.T) {
	srv := httptest.NewServer(httpbin.New())
	defer srv.Close()
	const secret = "v&l=ue /+ü"
	s, err := New("apikey", Params{"key": "api key", "value": secret, "in": "query"})
	if err != nil {
		t.Fatal(err)
	}
	tr := &Trace{}
	req, _ := http.NewRequestWithContext(WithTrace(context.Background(), tr), "GET", srv.URL+"/get?b=2&a=%2F", nil)
	before := req.URL.String()
	resp, err := s.Wrap(http.DefaultTransport).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct {
		Args url.Values `json:"args"`
		URL  string     `json:"url"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.Args.Get("api key") != secret || got.Args.Get("a") != "/" || got.Args.Get("b") != "2" {
		t.Errorf("server saw args %v", got.Args)
	}
	if !strings.HasSuffix(got.URL, "/get?b=2&a=%2F&api+key=v%26l%3Due+%2F%2B%C3%BC") {
		t.Errorf("server saw URL %s; the existing query must be kept byte for byte", got.URL)
	}
	if req.URL.String() != before {
		t.Errorf("the caller's URL changed: %s", req.URL)
	}
	js := bearerTraceJSON(t, tr)
	if strings.Contains(js, secret) || strings.Contains(js, url.QueryEscape(secret)) {
		t.Errorf("the key appears in the trace: %s", js)
	}
	if !strings.Contains(js, "Key added to the query string") || !strings.Contains(js, "API key credentials are sent over plain http") {
		t.Errorf("trace %s", js)
	}
}

func TestAPIKeyErrors(t *testing.T) {
	for _, c := range []struct {
		p    Params
		want string
	}{
		{Params{"value": "v"}, `authlib: apikey: parameter "key" is required`},
		{Params{"key": "X Key", "value": "v"}, `authlib: apikey: "X Key" is not a valid header name`},
		{Params{"key": "X-Key:", "value": "v"}, `authlib: apikey: "X-Key:" is not a valid header name`},
		{Params{"key": "X-Key", "value": "v\nw"}, `authlib: apikey: the value of "X-Key" contains a line break`},
		{Params{"key": "k", "value": "v", "in": "cookie"}, `authlib: apikey: parameter "in" is "cookie"; want one of header, query`},
	} {
		_, err := New("apikey", c.p)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%v: err %v; want %q", c.p, err, c.want)
		}
	}
	if _, err := New("apikey", Params{"key": "with space", "value": "v", "in": "query"}); err != nil {
		t.Errorf("a query key may contain spaces: %v", err)
	}
}
