package authlib

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mccutchen/go-httpbin/v2/httpbin"
)

// bearerTraceJSON renders a trace's steps and warnings as JSON, the form in
// which the UI and the CLI show it, to search it for secrets.
func bearerTraceJSON(t *testing.T, tr *Trace) string {
	t.Helper()
	b, err := json.Marshal(struct {
		Steps    []Step   `json:"steps"`
		Warnings []string `json:"warnings"`
	}{tr.Steps(), tr.Warnings()})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// bearerSend sends one request through the scheme built from typ and
// params, and returns the status, the body and the trace.
func bearerSend(t *testing.T, typ string, params Params, method, url string) (int, []byte, *Trace) {
	t.Helper()
	s, err := New(typ, params)
	if err != nil {
		t.Fatal(err)
	}
	tr := &Trace{}
	req, err := http.NewRequestWithContext(WithTrace(context.Background(), tr), method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.Wrap(http.DefaultTransport).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body, tr
}

func TestBearerGoHTTPBin(t *testing.T) {
	srv := httptest.NewServer(httpbin.New())
	defer srv.Close()
	const token = "eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1JJJW8opsbCGfG_HACGpVUMN_a9IV7pAx_Zmeo"
	code, body, tr := bearerSend(t, "bearer", Params{"token": token + "\n"}, "GET", srv.URL+"/bearer")
	var got struct {
		Authenticated bool   `json:"authenticated"`
		Token         string `json:"token"`
	}
	if err := json.Unmarshal(body, &got); err != nil || code != 200 || !got.Authenticated || got.Token != token {
		t.Fatalf("status %d body %s", code, body)
	}
	js := bearerTraceJSON(t, tr)
	if strings.Contains(js, token) || strings.Contains(js, "ZRrHA1") {
		t.Errorf("the token appears in the trace: %s", js)
	}
	if !strings.Contains(js, "Token in the Authorization header (RFC 6750 §2.1)") || !strings.Contains(js, `"value":"Bearer ••••••••`) {
		t.Errorf("trace %s", js)
	}
	// Without the scheme go-httpbin refuses: the test above can fail.
	resp, _ := http.Get(srv.URL + "/bearer")
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("unauthenticated status %d", resp.StatusCode)
	}
}

func TestBearerPrefix(t *testing.T) {
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r.Header.Values("Authorization")
	}))
	defer srv.Close()
	_, _, tr := bearerSend(t, "bearer", Params{"token": "a b!", "prefix": "Token"}, "GET", srv.URL)
	if len(seen) != 1 || seen[0] != "Token a b!" {
		t.Errorf("server saw %q", seen)
	}
	if js := bearerTraceJSON(t, tr); !strings.Contains(js, "not in RFC 6750 b64token syntax") || strings.Contains(js, "a b!") {
		t.Errorf("trace %s", js)
	}
}

func TestBearerErrors(t *testing.T) {
	for _, c := range []struct {
		p    Params
		want string
	}{
		{Params{}, `authlib: bearer: parameter "token" is required`},
		{Params{"token": "  "}, "authlib: bearer: the token is empty"},
		{Params{"token": "x", "prefix": "Bear er"}, `authlib: bearer: the prefix "Bear er" is not a single token`},
		{Params{"token": "sec\r\nX-Evil: 1"}, "authlib: bearer: the token contains a line break"},
	} {
		_, err := New("bearer", c.p)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%v: err %v; want %q", c.p, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "sec") {
			t.Errorf("the token leaked into the error: %v", err)
		}
	}
	if !bearerIsB64Token("abc+/=") || bearerIsB64Token("=abc") || bearerIsB64Token("a=b") {
		t.Error("bearerIsB64Token")
	}
}
