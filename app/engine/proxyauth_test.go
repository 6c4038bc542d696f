package engine

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/knockhttp/knock/storage"
)

// digestProxy is a forward proxy that demands Digest (RFC 7616 §3.4 with
// MD5, qop=auth) before it answers a plain-http request as the origin.
type digestProxy struct {
	*httptest.Server
	mu       sync.Mutex
	verdicts []string
}

func newDigestProxy(t *testing.T, user, password string) *digestProxy {
	t.Helper()
	p := &digestProxy{}
	const realm, nonce = "knock-proxy", "bm9uY2UtMQ"
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		verdict := p.check(r.Header.Get("Proxy-Authorization"), r.Method, realm, nonce, user, password)
		p.mu.Lock()
		p.verdicts = append(p.verdicts, verdict)
		p.mu.Unlock()
		if verdict != "ok" {
			w.Header().Set("Proxy-Authenticate", fmt.Sprintf(`Digest realm=%q, nonce=%q, qop="auth", algorithm=MD5`, realm, nonce))
			w.WriteHeader(http.StatusProxyAuthRequired)
			return
		}
		if r.Header.Get("Proxy-Authorization") != "" && r.Header.Get("Authorization") != "" {
			http.Error(w, "proxy credentials mixed with the target's", http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, "origin %s saw %s %s", r.Host, r.Method, r.URL.Path)
	}))
	t.Cleanup(p.Close)
	return p
}

// check verifies a Digest Proxy-Authorization independently of authlib.
func (p *digestProxy) check(header, method, realm, nonce, user, password string) string {
	if header == "" {
		return "no credentials"
	}
	rest, ok := strings.CutPrefix(header, "Digest ")
	if !ok {
		return "not digest"
	}
	f := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		f[k] = strings.Trim(v, `"`)
	}
	h := func(s string) string { sum := md5.Sum([]byte(s)); return hex.EncodeToString(sum[:]) }
	ha1 := h(user + ":" + realm + ":" + password)
	ha2 := h(method + ":" + f["uri"])
	want := h(ha1 + ":" + nonce + ":" + f["nc"] + ":" + f["cnonce"] + ":auth:" + ha2)
	if f["username"] != user || f["realm"] != realm || f["nonce"] != nonce || f["response"] != want {
		return "bad digest"
	}
	return "ok"
}

func TestProxyDigestAuth(t *testing.T) {
	proxy := newDigestProxy(t, "proxy-user", "proxy pass")
	e := newTestEngine(t)
	req := storage.Request{Method: "GET", URL: "http://api.knock.test/items", Settings: storage.Settings{
		Proxy:     proxy.URL,
		ProxyAuth: &storage.AuthSpec{Type: "digest", Params: map[string]string{"username": "proxy-user", "password": "proxy pass"}},
	}}
	resp := mustSend(t, e, req, Options{})
	if resp.Status != 200 || bodyText(t, resp) != "origin api.knock.test saw GET /items" {
		t.Fatalf("status %d, body %q", resp.Status, bodyText(t, resp))
	}
	proxy.mu.Lock()
	verdicts := strings.Join(proxy.verdicts, ",")
	proxy.mu.Unlock()
	if verdicts != "no credentials,ok" {
		t.Errorf("the proxy's verdicts: %s; want a 407 challenge, then ok", verdicts)
	}

	req.Settings.ProxyAuth.Params["password"] = "wrong"
	resp = mustSend(t, newTestEngine(t), req, Options{})
	if resp.Status != http.StatusProxyAuthRequired {
		t.Errorf("a wrong proxy password: status %d, want 407 shown as such", resp.Status)
	}

	req.Settings.ProxyAuth = &storage.AuthSpec{Type: "digest", Params: map[string]string{"username": "u"}}
	req.Settings.Proxy = ""
	sendErr(t, newTestEngine(t), req, Options{}, KindProxy, "needs a proxy URL")
}

func TestConnectionBoundAuthStaysOnHTTP1(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, r.Proto)
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	e := newTestEngine(t)
	plain := storage.Request{Method: "GET", URL: srv.URL, Settings: storage.Settings{Insecure: true}}
	if resp := mustSend(t, e, plain, Options{}); resp.Proto != "HTTP/2.0" {
		t.Fatalf("the test server should speak HTTP/2, got %s", resp.Proto)
	}
	for _, typ := range []string{"ntlm", "negotiate"} {
		r := plain
		r.Auth = storage.AuthSpec{Type: typ, Params: map[string]string{"username": `D\u`, "password": "p"}}
		resp := mustSend(t, e, r, Options{})
		if resp.Proto != "HTTP/1.1" || bodyText(t, resp) != "HTTP/1.1" {
			t.Errorf("%s went over %s: NTLM and Negotiate authenticate the connection and need HTTP/1.1", typ, resp.Proto)
		}
	}
}
