package engine

// Proxies: HTTP_PROXY, HTTPS_PROXY and NO_PROXY from the environment, an
// explicit proxy URL with credentials (plain http and CONNECT tunnels),
// the proxy auth setting, and the errors of a proxy that fails.
//
// Go never proxies loopback addresses chosen from the environment, so the
// targets are made-up names under .knock.test that only the in-test
// proxy-origin serves: nothing is resolved and nothing leaves the machine.

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/knockhttp/knock/storage"
)

func clearProxyEnv(t *testing.T) {
	for _, k := range []string{"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy", "REQUEST_METHOD"} {
		t.Setenv(k, "")
	}
}

func basicOf(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

func TestProxyHTTPProxyFromTheEnvironment(t *testing.T) {
	clearProxyEnv(t)
	proxy := newProxyOrigin(t)
	proxy.handle("env.knock.test", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("via proxy " + r.URL.Path)) })
	t.Setenv("HTTP_PROXY", proxy.URL)
	resp := mustSend(t, newTestEngine(t), get("http://env.knock.test/path?q=1"), Options{})
	if got := bodyText(t, resp); got != "via proxy /path" {
		t.Errorf("body %q", got)
	}
	reqs := proxy.requestsFor("env.knock.test")
	if len(reqs) != 1 || reqs[0].URI != "http://env.knock.test/path?q=1" {
		t.Errorf("proxy received %+v; want the absolute-form target", reqs)
	}
	if reqs[0].Header.Get("Proxy-Authorization") != "" {
		t.Error("Proxy-Authorization sent to a proxy without credentials")
	}
}

// tlsBehindProxy serves name over https through proxy's CONNECT tunnel and
// returns the CA file that trusts it.
func tlsBehindProxy(t *testing.T, proxy *proxyOrigin, name string, h http.HandlerFunc) string {
	ca := newTestCA(t, "Knock Proxy CA")
	cert, _ := ca.issue(t, leafSpec{CN: name, DNSNames: []string{name}})
	srv := newTLSServer(t, cert, nil, h)
	proxy.tunnel(name+":443", srv.Listener.Addr().String())
	return ca.pemPath
}

func TestProxyHTTPSProxyFromTheEnvironmentTunnels(t *testing.T) {
	clearProxyEnv(t)
	proxy := newProxyOrigin(t)
	var inner box[captured]
	caFile := tlsBehindProxy(t, proxy, "secure.knock.test", func(w http.ResponseWriter, r *http.Request) {
		c, _ := capture(r)
		inner.set(c)
		w.Write([]byte("secret stuff over " + r.Proto))
	})
	t.Setenv("HTTPS_PROXY", proxy.URL)
	resp := mustSend(t, newTestEngine(t), storage.Request{URL: "https://secure.knock.test/x", Settings: storage.Settings{CAFile: caFile}}, Options{})
	if got := bodyText(t, resp); !strings.HasPrefix(got, "secret stuff") {
		t.Errorf("body %q", got)
	}
	connects := proxy.connectRequests()
	if len(connects) != 1 || connects[0].Host != "secure.knock.test:443" {
		t.Errorf("CONNECT requests %+v", connects)
	}
	if inner.get().URI != "/x" || resp.TLS == nil || resp.TLS.Subject != "CN=secure.knock.test,O=Knock Leaf" {
		t.Errorf("inner request %q, TLS %+v", inner.get().URI, resp.TLS)
	}
	// HTTPS_PROXY is for https only.
	if n := len(proxy.requestsFor("secure.knock.test")); n != 0 {
		t.Errorf("%d plain requests went to the proxy", n)
	}
}

func TestProxyNoProxySelection(t *testing.T) {
	// The transport's proxy choice is checked without sending anything:
	// a name that is not proxied would be resolved and contacted.
	clearProxyEnv(t)
	t.Setenv("HTTP_PROXY", "http://proxy.knock.test:3128")
	t.Setenv("HTTPS_PROXY", "http://secure-proxy.knock.test:3129")
	t.Setenv("NO_PROXY", "skip.knock.test, .internal.test,10.0.0.0/8")
	e := newTestEngine(t)
	tr, err := e.transports.get(transportConfig{})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ target, want string }{
		{"http://api.knock.test/", "http://proxy.knock.test:3128"},
		{"https://api.knock.test/", "http://secure-proxy.knock.test:3129"},
		{"http://skip.knock.test/", ""},
		{"http://sub.skip.knock.test/", ""}, // NO_PROXY entries match subdomains
		{"https://a.internal.test/", ""},
		{"http://internal.test/", "http://proxy.knock.test:3128"}, // ".internal.test" is only its subdomains
		{"http://10.1.2.3/", ""},
		{"http://127.0.0.1:8080/", ""}, // loopback is never proxied
		{"http://localhost/", ""},
	}
	for _, tc := range cases {
		req, _ := http.NewRequest("GET", tc.target, nil)
		u, err := tr.transport.Proxy(req)
		got := ""
		if u != nil {
			got = u.String()
		}
		if err != nil || got != tc.want {
			t.Errorf("proxy for %s = %q, %v; want %q", tc.target, got, err, tc.want)
		}
	}

	// An explicit proxy is used for every target: NO_PROXY is for the
	// environment's proxies.
	tr, err = e.transports.get(transportConfig{proxy: "http://explicit.knock.test:8080"})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", "http://skip.knock.test/", nil)
	if u, _ := tr.transport.Proxy(req); u == nil || u.Host != "explicit.knock.test:8080" {
		t.Errorf("explicit proxy for a NO_PROXY host = %v", u)
	}

	// The environment is read when an Engine builds its transport, not
	// once per process.
	t.Setenv("HTTP_PROXY", "http://changed.knock.test:1")
	tr, _ = newTestEngine(t).transports.get(transportConfig{})
	req, _ = http.NewRequest("GET", "http://api.knock.test/", nil)
	if u, _ := tr.transport.Proxy(req); u == nil || u.Host != "changed.knock.test:1" {
		t.Errorf("a new Engine uses proxy %v, want the changed environment", u)
	}
}

func TestProxyExplicitURLWithCredentials(t *testing.T) {
	clearProxyEnv(t)
	proxy := newProxyOrigin(t)
	proxy.handle("api.knock.test", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("plain")) })
	var inner box[captured]
	caFile := tlsBehindProxy(t, proxy, "tls.knock.test", func(w http.ResponseWriter, r *http.Request) {
		c, _ := capture(r)
		inner.set(c)
		w.Write([]byte("tunnelled"))
	})
	pu, _ := url.Parse(proxy.URL)
	pu.User = url.UserPassword("puser", "p@ss:word")
	s := storage.Settings{Proxy: pu.String(), CAFile: caFile}
	e := newTestEngine(t)
	want := basicOf("puser", "p@ss:word")

	resp := mustSend(t, e, storage.Request{URL: "http://api.knock.test/a", Settings: s}, Options{})
	if bodyText(t, resp) != "plain" {
		t.Fatalf("body %q", bodyText(t, resp))
	}
	if got := proxy.requestsFor("api.knock.test")[0].Header.Get("Proxy-Authorization"); got != want {
		t.Errorf("plain request: Proxy-Authorization %q, want %q", got, want)
	}

	resp = mustSend(t, e, storage.Request{URL: "https://tls.knock.test/b", Settings: s}, Options{})
	if bodyText(t, resp) != "tunnelled" {
		t.Fatalf("body %q", bodyText(t, resp))
	}
	connects := proxy.connectRequests()
	if len(connects) != 1 || connects[0].Header.Get("Proxy-Authorization") != want {
		t.Errorf("CONNECT %+v: want Proxy-Authorization %q", connects, want)
	}
	if got := inner.get().Header.Get("Proxy-Authorization"); got != "" {
		t.Errorf("the proxy's credentials leaked into the tunnel to the origin: %q", got)
	}
}

func TestProxyAuthSetting(t *testing.T) {
	clearProxyEnv(t)
	proxy := newProxyOrigin(t)
	proxy.handle("api.knock.test", func(w http.ResponseWriter, r *http.Request) {})
	pu, _ := url.Parse(proxy.URL)
	pu.User = url.UserPassword("from-url", "x")
	s := storage.Settings{Proxy: pu.String(), ProxyAuth: &storage.AuthSpec{Type: "basic", Params: map[string]string{"username": "{{puser}}", "password": "pw"}}}
	vars := Variables{Environment: map[string]string{"puser": "setting-user"}}
	mustSend(t, newTestEngine(t), storage.Request{URL: "http://api.knock.test/", Settings: s}, Options{Vars: vars})
	if got := proxy.requestsFor("api.knock.test")[0].Header.Get("Proxy-Authorization"); got != basicOf("setting-user", "pw") {
		t.Errorf("Proxy-Authorization %q: the proxy auth setting must win over the URL's credentials", got)
	}
	s.ProxyAuth = &storage.AuthSpec{Type: "bearer", Params: map[string]string{"token": "t"}}
	sendErr(t, newTestEngine(t), storage.Request{URL: "http://api.knock.test/", Settings: s}, Options{}, KindProxy, `proxy auth "bearer" is not supported`, "basic, digest or ntlm")
}

func TestProxyCredentialsSurviveACrossOriginRedirect(t *testing.T) {
	// Proxy-Authorization for the proxy is not a credential of the origin:
	// the second hop still goes through the proxy with it, while the
	// user's Authorization is dropped.
	clearProxyEnv(t)
	proxy := newProxyOrigin(t)
	proxy.handle("one.knock.test", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://two.knock.test/landing", http.StatusFound)
	})
	proxy.handle("two.knock.test", func(w http.ResponseWriter, r *http.Request) {})
	pu, _ := url.Parse(proxy.URL)
	pu.User = url.UserPassword("puser", "ppass")
	r := storage.Request{URL: "http://one.knock.test/", Headers: []storage.KeyValue{kv("Authorization", "Bearer origin-token")},
		Settings: storage.Settings{Proxy: pu.String()}}
	resp := mustSend(t, newTestEngine(t), r, Options{})
	two := proxy.requestsFor("two.knock.test")
	if len(two) != 1 || !resp.Redirects[0].CredentialsDropped {
		t.Fatalf("second hop %+v, redirects %+v", two, resp.Redirects)
	}
	if two[0].Header.Get("Proxy-Authorization") != basicOf("puser", "ppass") || two[0].Header.Get("Authorization") != "" {
		t.Errorf("second hop headers %v", two[0].Header)
	}
}

func TestProxyErrors(t *testing.T) {
	clearProxyEnv(t)
	e := newTestEngine(t)
	sendErr(t, e, storage.Request{URL: "http://api.knock.test/", Settings: storage.Settings{Proxy: "ftp://u:hidden@proxy.knock.test"}}, Options{},
		KindProxy, "bad proxy URL", `unknown scheme "ftp"`)
	err := sendErr(t, e, storage.Request{URL: "http://api.knock.test/", Settings: storage.Settings{Proxy: "http://u:hidden@"}}, Options{},
		KindProxy, "bad proxy URL")
	if strings.Contains(err.Msg, "hidden") {
		t.Errorf("the proxy password shows in %q", err.Msg)
	}

	// A proxy that is not running.
	closed := refusedAddr(t)
	err = sendErr(t, e, storage.Request{URL: "http://api.knock.test/", Settings: storage.Settings{Proxy: "http://u:hidden@" + closed}}, Options{},
		KindProxy, "the proxy refused the connection", closed)
	if strings.Contains(err.Msg, "hidden") || strings.Contains(err.Msg, "api.knock.test: nothing") {
		t.Errorf("message %q", err.Msg)
	}

	// A proxy that wants credentials for a tunnel.
	strict := newRecServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Proxy-Authenticate", `Basic realm="proxy"`)
		w.WriteHeader(http.StatusProxyAuthRequired)
	})
	sendErr(t, e, storage.Request{URL: "https://api.knock.test/", Settings: storage.Settings{Proxy: strict.URL}}, Options{},
		KindProxy, "407 Proxy Authentication Required", "proxy URL")
	// For plain http, the 407 is the answer.
	resp := mustSend(t, e, storage.Request{URL: "http://api.knock.test/", Settings: storage.Settings{Proxy: strict.URL}}, Options{})
	if resp.Status != 407 || len(resp.Exchanges) != 1 || resp.Exchanges[0].Challenge != `Basic realm="proxy"` {
		t.Errorf("status %d exchanges %+v", resp.Status, resp.Exchanges)
	}
}
