package engine

// Redirects: following or not, the maximum, loops, method and body
// rules, and dropping every credential when a hop leaves the origin
// (Python requests' should_strip_auth, stricter than net/http).

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/mccutchen/go-httpbin/v2/httpbin"

	"github.com/knockhttp/knock/authlib"
	"github.com/knockhttp/knock/storage"
)

func newHTTPBin(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(httpbin.New())
	t.Cleanup(srv.Close)
	return srv
}

func TestRedirectFollowedWithTheChainReported(t *testing.T) {
	srv := newHTTPBin(t)
	resp := mustSend(t, newTestEngine(t), get(srv.URL+"/redirect/3"), Options{})
	if resp.Status != 200 || resp.URL != srv.URL+"/get" {
		t.Fatalf("final %d %s, want 200 %s/get", resp.Status, resp.URL, srv.URL)
	}
	want := []string{"/redirect/3", "/relative-redirect/2", "/relative-redirect/1", "/get"}
	if len(resp.Redirects) != 3 {
		t.Fatalf("Redirects %+v, want 3 hops", resp.Redirects)
	}
	for i, r := range resp.Redirects {
		if r.Status != 302 || r.From != srv.URL+want[i] || r.To != srv.URL+want[i+1] || r.Method != "GET" || r.CredentialsDropped {
			t.Errorf("hop %d = %+v, want 302 %s -> %s", i, r, want[i], want[i+1])
		}
	}
	if len(resp.Exchanges) != 4 || resp.Exchanges[3].Status != 200 || resp.Exchanges[0].Status != 302 {
		t.Errorf("Exchanges %+v", resp.Exchanges)
	}
}

func TestRedirectNotFollowedReturnsThe3xx(t *testing.T) {
	srv := newRecServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	})
	r := storage.Request{URL: srv.URL + "/start", Settings: storage.Settings{NoFollow: true}}
	resp := mustSend(t, newTestEngine(t), r, Options{})
	if resp.Status != 302 || resp.Header.Get("Location") != "/elsewhere" || len(resp.Redirects) != 0 {
		t.Errorf("status %d Location %q Redirects %v", resp.Status, resp.Header.Get("Location"), resp.Redirects)
	}
	if srv.count() != 1 {
		t.Errorf("server saw %d requests, want 1", srv.count())
	}
}

func TestRedirectMaximumCount(t *testing.T) {
	srv := newHTTPBin(t)
	e := newTestEngine(t)
	r := storage.Request{URL: srv.URL + "/redirect/3", Settings: storage.Settings{MaxRedirects: 2}}
	err := sendErr(t, e, r, Options{}, KindRedirect, "stopped after 2 redirects", "/redirect/3", "/relative-redirect/1", "/get")
	if re, ok := err.Err.(*RedirectError); !ok || re.Max != 2 || re.Loop || len(re.Chain) != 4 {
		t.Errorf("Err = %#v, want a *RedirectError with the chain", err.Err)
	}
	r.Settings.MaxRedirects = 3
	if resp := mustSend(t, e, r, Options{}); resp.Status != 200 || len(resp.Redirects) != 3 {
		t.Errorf("with a maximum of 3: status %d after %d redirects", resp.Status, len(resp.Redirects))
	}
	// The default maximum is 10.
	r = get(srv.URL + "/redirect/11")
	sendErr(t, e, r, Options{}, KindRedirect, "stopped after 10 redirects")
	if resp := mustSend(t, e, get(srv.URL+"/redirect/10"), Options{}); len(resp.Redirects) != 10 {
		t.Errorf("10 redirects: %d followed", len(resp.Redirects))
	}
}

func TestRedirectLoopSaysLoop(t *testing.T) {
	srv := newRecServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/a" {
			http.Redirect(w, r, "/b", http.StatusFound)
		} else {
			http.Redirect(w, r, "/a", http.StatusMovedPermanently)
		}
	})
	err := sendErr(t, newTestEngine(t), get(srv.URL+"/a"), Options{}, KindRedirect,
		"redirect loop: "+srv.URL+"/a → "+srv.URL+"/b → "+srv.URL+"/a (stopped after 10 redirects)")
	if strings.Count(err.Msg, "→") != 2 {
		t.Errorf("the loop is shown more than once: %s", err.Msg)
	}
	if n := srv.count(); n != 11 {
		t.Errorf("server saw %d requests, want 11 (the first and 10 redirects)", n)
	}
}

func TestRedirectBadLocation(t *testing.T) {
	srv := newRecServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", r.URL.Query().Get("to"))
		w.WriteHeader(http.StatusFound)
	})
	e := newTestEngine(t)
	sendErr(t, e, get(srv.URL+"/?to="+url.QueryEscape("http://[::1")), Options{}, KindRedirect, "bad Location", "http://[::1")
	sendErr(t, e, get(srv.URL+"/?to="+url.QueryEscape("ftp://files.example/x")), Options{}, KindRedirect, "bad Location", `scheme "ftp"`)
	// A 3xx without Location is a final answer.
	srv2 := newRecServer(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusMultipleChoices) })
	if resp := mustSend(t, e, get(srv2.URL), Options{}); resp.Status != 300 {
		t.Errorf("status %d", resp.Status)
	}
}

func TestRedirectMethodAndBodyRules(t *testing.T) {
	cases := []struct {
		method     string
		code       int
		wantMethod string
		wantBody   bool
	}{
		{"POST", 301, "GET", false},
		{"POST", 302, "GET", false},
		{"POST", 303, "GET", false},
		{"PUT", 303, "GET", false},
		{"DELETE", 303, "GET", false},
		{"HEAD", 303, "HEAD", false},
		{"PUT", 302, "PUT", true}, // Fetch: only POST becomes GET on 301/302
		{"POST", 307, "POST", true},
		{"POST", 308, "POST", true},
		{"PURGE", 307, "PURGE", true},
	}
	e := newTestEngine(t)
	for _, tc := range cases {
		t.Run(tc.method+" "+http.StatusText(tc.code), func(t *testing.T) {
			srv := newRecServer(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/first" {
					w.Header().Set("Location", "/second")
					w.WriteHeader(tc.code)
				}
			})
			r := storage.Request{Method: tc.method, URL: srv.URL + "/first", Headers: []storage.KeyValue{kv("X-Keep", "yes")},
				Body: storage.Body{Mode: storage.BodyRaw, Raw: "payload=1", ContentType: "application/x-www-form-urlencoded"}}
			resp := mustSend(t, e, r, Options{})
			reqs := srv.requests()
			if len(reqs) != 2 {
				t.Fatalf("%d requests", len(reqs))
			}
			second := reqs[1]
			if second.Method != tc.wantMethod || resp.Method != tc.wantMethod || resp.Redirects[0].Method != tc.wantMethod {
				t.Errorf("second method %s (Response %s, Redirect %s), want %s", second.Method, resp.Method, resp.Redirects[0].Method, tc.wantMethod)
			}
			if tc.wantBody {
				if string(second.Body) != "payload=1" || second.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
					t.Errorf("body %q Content-Type %q, want the body again", second.Body, second.Header.Get("Content-Type"))
				}
			} else {
				if len(second.Body) != 0 || second.Header.Get("Content-Type") != "" || second.ContentLength > 0 {
					t.Errorf("body %q Content-Type %q Content-Length %d, want no body", second.Body, second.Header.Get("Content-Type"), second.ContentLength)
				}
			}
			if second.Header.Get("X-Keep") != "yes" {
				t.Error("the user's other headers must stay")
			}
		})
	}
}

func TestRedirectHTTPBin307KeepsMethodAndBody(t *testing.T) {
	srv := newHTTPBin(t)
	target := url.QueryEscape(srv.URL + "/anything/landed")
	r := storage.Request{Method: "POST", URL: srv.URL + "/redirect-to?status_code=307&url=" + target,
		Body: storage.Body{Mode: storage.BodyRaw, Raw: `{"kept":true}`, ContentType: "application/json"}}
	resp := mustSend(t, newTestEngine(t), r, Options{})
	var echo struct {
		Method string         `json:"method"`
		JSON   map[string]any `json:"json"`
	}
	if err := json.Unmarshal([]byte(bodyText(t, resp)), &echo); err != nil {
		t.Fatal(err)
	}
	if echo.Method != "POST" || echo.JSON["kept"] != true {
		t.Errorf("httpbin saw %+v after the 307", echo)
	}
}

func TestShouldStripAuth(t *testing.T) {
	cases := []struct {
		old, new string
		strip    bool
	}{
		// requests' tests (tests/test_requests.py, test_should_strip_auth_*)
		{"http://example.com/foo", "http://another.example.com/", true},     // host change
		{"http://example.com/foo", "http://sub.example.com/", true},         // subdomain
		{"http://sub.example.com/foo", "http://example.com/", true},         // parent domain
		{"https://example.com/foo", "http://example.com/bar", true},         // https -> http
		{"http://example.com/foo", "https://example.com/bar", false},        // http -> https, default ports
		{"http://example.com:80/foo", "https://example.com/bar", false},     // explicit 80
		{"http://example.com/foo", "https://example.com:443/bar", false},    // explicit 443
		{"http://example.com:80/foo", "https://example.com:443/bar", false}, // both explicit
		{"http://example.com:8080/foo", "https://example.com/bar", true},    // non-default old port
		{"http://example.com/foo", "https://example.com:8443/bar", true},    // non-default new port
		{"http://example.com:1234/foo", "https://example.com:4321/bar", true},
		{"http://example.com:1234/foo", "http://example.com:4321/bar", true}, // port change
		{"http://example.com/foo", "http://example.com:8080/bar", true},
		{"https://example.com:443/foo", "https://example.com/foo", false}, // explicit default port vs none
		{"https://example.com/foo", "https://example.com:443/foo", false},
		{"http://example.com:80/foo", "http://example.com/foo", false},
		{"http://example.com/foo", "http://example.com:80/foo", false},
		{"http://example.com/foo", "http://example.com:443/foo", true}, // 443 is not http's default
		{"http://example.com:443/foo", "https://example.com/foo", true},
		{"https://example.com:80/foo", "https://example.com/foo", true},
		// same URL, same origin
		{"http://example.com/foo", "http://example.com/foo", false},
		{"http://example.com/foo", "http://example.com/bar?x=1#f", false},
		{"https://example.com:8443/a", "https://example.com:8443/b", false},
		{"http://EXAMPLE.com/foo", "http://example.COM/bar", false}, // host names compare case-insensitively
		{"http://example.com:080/foo", "http://example.com:80/bar", false},
		{"HTTP://example.com/foo", "https://example.com/bar", false},
		// addresses
		{"http://127.0.0.1:8080/", "http://localhost:8080/", true},
		{"http://127.0.0.1:8080/", "http://127.0.0.1:9090/", true},
		{"http://[::1]:80/", "http://[::1]/", false},
		{"http://[::1]/", "http://[::2]/", true},
		{"http://example.com./", "http://example.com/", true},
	}
	for _, tc := range cases {
		old, err1 := url.Parse(tc.old)
		new, err2 := url.Parse(tc.new)
		if err1 != nil || err2 != nil {
			t.Fatalf("bad case %q %q", tc.old, tc.new)
		}
		if got := shouldStripAuth(old, new); got != tc.strip {
			t.Errorf("shouldStripAuth(%s, %s) = %v, want %v", tc.old, tc.new, got, tc.strip)
		}
	}
}

// hopLog records the requests of a redirect chain by path: /start
// redirects to the landing URL, anything else answers 200.
type hopLog struct {
	mu        sync.Mutex
	to        string
	setCookie bool
	byPath    map[string][]captured
}

func newHopLog() *hopLog { return &hopLog{byPath: map[string][]captured{}} }

func (l *hopLog) redirectTo(to string) {
	l.mu.Lock()
	l.to = to
	l.mu.Unlock()
}

func (l *hopLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c, _ := capture(r)
	l.mu.Lock()
	l.byPath[r.URL.Path] = append(l.byPath[r.URL.Path], c)
	to, setCookie := l.to, l.setCookie
	l.mu.Unlock()
	if r.URL.Path == "/start" {
		if setCookie {
			http.SetCookie(w, &http.Cookie{Name: "fresh", Value: "from-the-302", Path: "/"})
		}
		w.Header().Set("Location", to)
		w.WriteHeader(http.StatusFound)
		return
	}
	w.Write([]byte("landed on " + r.Host + r.URL.Path))
}

func (l *hopLog) hit(path string) []captured {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.byPath[path]
}

func (l *hopLog) reset() {
	l.mu.Lock()
	l.byPath = map[string][]captured{}
	l.setCookie = false
	l.mu.Unlock()
}

// credential is one way a credential reaches a request, and how to tell
// that it arrived.
type credential struct {
	name    string
	setup   func(t *testing.T, e *Engine, r *storage.Request, opt *Options, log *hopLog)
	present func(c captured) bool
}

// apiKeyTestScheme stands for any auth method that adds a header and a
// query parameter of its own (API keys, presigned URLs).
type apiKeyTestScheme struct{}

func (apiKeyTestScheme) Wrap(next http.RoundTripper) http.RoundTripper {
	return authlib.RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		r = r.Clone(r.Context())
		r.Header.Set("X-Api-Key", "k-secret-123")
		q := r.URL.Query()
		q.Set("api_key", "k-secret-123")
		r.URL.RawQuery = q.Encode()
		return next.RoundTrip(r)
	})
}

var basicHeader = "Basic " + base64.StdEncoding.EncodeToString([]byte("alice:s3cret"))

var credentials = []credential{
	{"basic auth from the scheme", func(t *testing.T, e *Engine, r *storage.Request, opt *Options, log *hopLog) {
		r.Auth = storage.AuthSpec{Type: "basic", Params: map[string]string{"username": "alice", "password": "s3cret"}}
	}, func(c captured) bool { return c.Header.Get("Authorization") == basicHeader }},

	{"Authorization header", func(t *testing.T, e *Engine, r *storage.Request, opt *Options, log *hopLog) {
		r.Headers = append(r.Headers, kv("Authorization", "Bearer user-token"))
	}, func(c captured) bool { return c.Header.Get("Authorization") == "Bearer user-token" }},

	{"Cookie header", func(t *testing.T, e *Engine, r *storage.Request, opt *Options, log *hopLog) {
		r.Headers = append(r.Headers, kv("Cookie", "manual=1"))
	}, func(c captured) bool { return strings.Contains(c.Header.Get("Cookie"), "manual=1") }},

	{"jar cookie", func(t *testing.T, e *Engine, r *storage.Request, opt *Options, log *hopLog) {
		u, _ := url.Parse(r.URL)
		e.CookieJar(opt.CollectionID).SetCookies(u, []*http.Cookie{{Name: "sid", Value: "from-the-jar", Path: "/"}})
	}, func(c captured) bool { return strings.Contains(c.Header.Get("Cookie"), "sid=from-the-jar") }},

	{"cookie set by the redirect", func(t *testing.T, e *Engine, r *storage.Request, opt *Options, log *hopLog) {
		log.mu.Lock()
		log.setCookie = true
		log.mu.Unlock()
	}, func(c captured) bool { return strings.Contains(c.Header.Get("Cookie"), "fresh=from-the-302") }},

	{"Proxy-Authorization header", func(t *testing.T, e *Engine, r *storage.Request, opt *Options, log *hopLog) {
		r.Headers = append(r.Headers, kv("Proxy-Authorization", "Basic cHJveHk6cHc="))
	}, func(c captured) bool { return c.Header.Get("Proxy-Authorization") == "Basic cHJveHk6cHc=" }},

	{"header and query parameter of the auth method", func(t *testing.T, e *Engine, r *storage.Request, opt *Options, log *hopLog) {
		opt.scheme = apiKeyTestScheme{}
	}, func(c captured) bool {
		return c.Header.Get("X-Api-Key") == "k-secret-123" || strings.Contains(c.URI, "k-secret-123")
	}},
}

// redirectScenario is a redirect from start to landing, served by log.
type redirectScenario struct {
	name           string
	start, landing string
	settings       storage.Settings
	log            *hopLog
	keep           bool // credentials must survive the hop
}

// checkCredentialsAcrossRedirect sends every kind of credential through
// the scenario's redirect and checks that the first hop carried it and the
// landing hop did (keep) or did not.
func checkCredentialsAcrossRedirect(t *testing.T, sc redirectScenario) {
	t.Helper()
	sc.log.redirectTo(sc.landing)
	landingPath := mustParse(t, sc.landing).Path
	for _, cred := range credentials {
		t.Run(sc.name+"/"+cred.name, func(t *testing.T) {
			sc.log.reset()
			e := newTestEngine(t)
			r := storage.Request{Method: "GET", URL: sc.start, Settings: sc.settings}
			opt := Options{CollectionID: "c1"}
			cred.setup(t, e, &r, &opt, sc.log)
			resp := mustSend(t, e, r, opt)
			if resp.Status != 200 || len(resp.Redirects) != 1 {
				t.Fatalf("status %d after %d redirects: %s", resp.Status, len(resp.Redirects), bodyText(t, resp))
			}
			first, landed := sc.log.hit("/start"), sc.log.hit(landingPath)
			if len(first) != 1 || len(landed) != 1 {
				t.Fatalf("start hit %d times, landing %d times", len(first), len(landed))
			}
			if cred.name != "cookie set by the redirect" && !cred.present(first[0]) {
				t.Fatalf("the first hop did not carry the %s; headers %v", cred.name, first[0].Header)
			}
			if got := cred.present(landed[0]); got != sc.keep {
				t.Errorf("%s -> %s: %s sent to the landing hop = %v, want %v (headers %v, target %s)",
					sc.start, sc.landing, cred.name, got, sc.keep, landed[0].Header, landed[0].URI)
			}
			if resp.Redirects[0].CredentialsDropped == sc.keep {
				t.Errorf("CredentialsDropped = %v, want %v", resp.Redirects[0].CredentialsDropped, !sc.keep)
			}
			for _, ex := range resp.Exchanges {
				if strings.Contains(ex.URL, "k-secret-123") {
					t.Errorf("the exchange log shows the auth method's secret: %s", ex.URL)
				}
			}
			if strings.Contains(resp.URL, "k-secret-123") {
				t.Errorf("Response.URL shows the auth method's secret: %s", resp.URL)
			}
		})
	}
}

func mustParse(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestRedirectSameOriginKeepsCredentials(t *testing.T) {
	log := newHopLog()
	srv := httptest.NewServer(log)
	t.Cleanup(srv.Close)
	checkCredentialsAcrossRedirect(t, redirectScenario{name: "same origin", start: srv.URL + "/start", landing: srv.URL + "/landing", log: log, keep: true})
	// A relative Location is the same origin too.
	checkCredentialsAcrossRedirect(t, redirectScenario{name: "relative", start: srv.URL + "/start", landing: "/landing", log: log, keep: true})
}

func TestRedirectPortChangeDropsCredentials(t *testing.T) {
	log := newHopLog()
	a := httptest.NewServer(log)
	t.Cleanup(a.Close)
	b := httptest.NewServer(log)
	t.Cleanup(b.Close)
	checkCredentialsAcrossRedirect(t, redirectScenario{name: "port", start: a.URL + "/start", landing: b.URL + "/landing", log: log})
}

func TestRedirectHostChangeDropsCredentials(t *testing.T) {
	log := newHopLog()
	srv := httptest.NewServer(log)
	t.Cleanup(srv.Close)
	// The same server under another name: only the host changes.
	byName := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	checkCredentialsAcrossRedirect(t, redirectScenario{name: "host", start: srv.URL + "/start", landing: byName + "/landing", log: log})
}

func TestRedirectSubdomainDropsCredentials(t *testing.T) {
	log := newHopLog()
	proxy := newProxyOrigin(t)
	proxy.handle("api.knock.test", log.ServeHTTP)
	proxy.handle("sub.api.knock.test", log.ServeHTTP)
	s := storage.Settings{Proxy: proxy.URL}
	checkCredentialsAcrossRedirect(t, redirectScenario{name: "subdomain", start: "http://api.knock.test/start",
		landing: "http://sub.api.knock.test/landing", settings: s, log: log})
	checkCredentialsAcrossRedirect(t, redirectScenario{name: "parent domain", start: "http://sub.api.knock.test/start",
		landing: "http://api.knock.test/landing", settings: s, log: log})
	// Through the proxy, the same host keeps them: the proxy itself is
	// not what decides.
	checkCredentialsAcrossRedirect(t, redirectScenario{name: "same fake host", start: "http://api.knock.test/start",
		landing: "http://api.knock.test/landing", settings: s, log: log, keep: true})
	if n := len(proxy.requestsFor("sub.api.knock.test")); n == 0 {
		t.Error("the proxy-origin never served sub.api.knock.test")
	}
}

// schemeChangeSetup serves api.knock.test over http through the proxy,
// and over https on ports 443 and 8443 through CONNECT tunnels to a TLS
// server whose certificate the returned settings trust.
func schemeChangeSetup(t *testing.T, log *hopLog) storage.Settings {
	ca := newTestCA(t, "Knock Redirect CA")
	cert, _ := ca.issue(t, leafSpec{CN: "api.knock.test", DNSNames: []string{"api.knock.test"}})
	tlsSrv := newTLSServer(t, cert, nil, log)
	proxy := newProxyOrigin(t)
	proxy.handle("api.knock.test", log.ServeHTTP)
	proxy.handle("api.knock.test:80", log.ServeHTTP)
	proxy.tunnel("api.knock.test:443", tlsSrv.Listener.Addr().String())
	proxy.tunnel("api.knock.test:8443", tlsSrv.Listener.Addr().String())
	return storage.Settings{Proxy: proxy.URL, CAFile: ca.pemPath}
}

func TestRedirectHTTPToHTTPSSameHostKeepsCredentials(t *testing.T) {
	log := newHopLog()
	s := schemeChangeSetup(t, log)
	checkCredentialsAcrossRedirect(t, redirectScenario{name: "upgrade", start: "http://api.knock.test/start",
		landing: "https://api.knock.test/landing", settings: s, log: log, keep: true})
	checkCredentialsAcrossRedirect(t, redirectScenario{name: "upgrade explicit ports", start: "http://api.knock.test:80/start",
		landing: "https://api.knock.test:443/landing", settings: s, log: log, keep: true})
}

func TestRedirectHTTPToHTTPSOtherPortDropsCredentials(t *testing.T) {
	log := newHopLog()
	s := schemeChangeSetup(t, log)
	checkCredentialsAcrossRedirect(t, redirectScenario{name: "upgrade to 8443", start: "http://api.knock.test/start",
		landing: "https://api.knock.test:8443/landing", settings: s, log: log})
}

func TestRedirectHTTPSToHTTPDropsCredentials(t *testing.T) {
	log := newHopLog()
	s := schemeChangeSetup(t, log)
	checkCredentialsAcrossRedirect(t, redirectScenario{name: "downgrade", start: "https://api.knock.test/start",
		landing: "http://api.knock.test/landing", settings: s, log: log})
}

func TestRedirectCredentialsStayDroppedWhenTheChainComesBack(t *testing.T) {
	// A -> B -> A: once dropped, credentials are not sent again, even to
	// the origin (as net/http does since CVE-2024-45336).
	var mu sync.Mutex
	var got []string
	var a, b *httptest.Server
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Host+r.URL.Path+" auth="+r.Header.Get("Authorization")+" cookie="+r.Header.Get("Cookie"))
		mu.Unlock()
		switch r.URL.Path {
		case "/start":
			http.Redirect(w, r, b.URL+"/bounce", http.StatusFound)
		case "/bounce":
			http.Redirect(w, r, a.URL+"/back", http.StatusFound)
		}
	})
	a = httptest.NewServer(handler)
	t.Cleanup(a.Close)
	b = httptest.NewServer(handler)
	t.Cleanup(b.Close)
	e := newTestEngine(t)
	e.CookieJar("").SetCookies(mustParse(t, a.URL), []*http.Cookie{{Name: "sid", Value: "1"}})
	r := storage.Request{URL: a.URL + "/start", Auth: storage.AuthSpec{Type: "basic", Params: map[string]string{"username": "alice", "password": "s3cret"}}}
	resp := mustSend(t, e, r, Options{})
	mu.Lock()
	defer mu.Unlock()
	aHost, bHost := mustParse(t, a.URL).Host, mustParse(t, b.URL).Host
	want := []string{
		aHost + "/start auth=" + basicHeader + " cookie=sid=1",
		bHost + "/bounce auth= cookie=",
		aHost + "/back auth= cookie=",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(resp.Redirects) != 2 || !resp.Redirects[0].CredentialsDropped || !resp.Redirects[1].CredentialsDropped {
		t.Errorf("Redirects %+v", resp.Redirects)
	}
}

func TestRedirectJarStillStoresCookiesAfterLeavingTheOrigin(t *testing.T) {
	log := newHopLog()
	a := httptest.NewServer(log)
	t.Cleanup(a.Close)
	setter := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "landing", Value: "yes", Path: "/"})
	}))
	t.Cleanup(setter.Close)
	log.redirectTo(strings.Replace(setter.URL, "127.0.0.1", "localhost", 1) + "/set")
	e := newTestEngine(t)
	mustSend(t, e, get(a.URL+"/start"), Options{CollectionID: "c"})
	cookies := e.CookieJar("c").Cookies(mustParse(t, strings.Replace(setter.URL, "127.0.0.1", "localhost", 1)))
	if len(cookies) != 1 || cookies[0].Value != "yes" {
		t.Errorf("jar holds %v for the landing host; the cookie it set must be kept", cookies)
	}
}
