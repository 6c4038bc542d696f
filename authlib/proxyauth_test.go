package authlib

import (
	"bufio"
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// --- an in-process forward proxy that demands Basic, Digest or NTLM ---

type proxyAuthTestEntry struct {
	Conn      int
	Method    string
	Target    string // the request-target as received
	ProxyAuth string
	Body      string
	Status    int
}

type proxyAuthTestProxy struct {
	t    *testing.T
	ln   net.Listener
	mode string // "none", "basic", "digest", "ntlm"
	user string
	pass string
	ntlm ntlmTestVerifier
	// closeAfter407 closes the connection after each 407 (not for NTLM,
	// which needs the connection).
	closeAfter407 bool

	mu     sync.Mutex
	log    []proxyAuthTestEntry
	nonces map[string]bool
	nconn  int
	conns  map[net.Conn]bool
	wg     sync.WaitGroup
}

const proxyAuthTestRealm = "proxy@test"

func newProxyAuthTestProxy(t *testing.T, mode string) *proxyAuthTestProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxyAuthTestProxy{t: t, ln: ln, mode: mode, user: "puser", pass: "ppass!secret",
		ntlm:   ntlmTestVerifier{user: "puser", domain: "PROXYDOM", password: "ppass!secret"},
		nonces: map[string]bool{}, conns: map[net.Conn]bool{}}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.close)
	return p
}

func (p *proxyAuthTestProxy) url() *url.URL {
	return &url.URL{Scheme: "http", Host: p.ln.Addr().String()}
}

func (p *proxyAuthTestProxy) close() {
	p.ln.Close()
	p.mu.Lock()
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *proxyAuthTestProxy) entries() []proxyAuthTestEntry {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]proxyAuthTestEntry(nil), p.log...)
}

func (p *proxyAuthTestProxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		p.nconn++
		id := p.nconn
		p.conns[c] = true
		p.mu.Unlock()
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer c.Close()
			p.serve(c, id)
		}()
	}
}

func (p *proxyAuthTestProxy) record(e proxyAuthTestEntry) {
	p.mu.Lock()
	p.log = append(p.log, e)
	p.mu.Unlock()
}

func (p *proxyAuthTestProxy) serve(c net.Conn, id int) {
	br := bufio.NewReader(c)
	st := &ntlmTestConnState{id: id}
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		body, _ := io.ReadAll(req.Body)
		e := proxyAuthTestEntry{Conn: id, Method: req.Method, Target: req.RequestURI, ProxyAuth: req.Header.Get("Proxy-Authorization"), Body: string(body)}
		challenges, ok := p.check(st, req)
		if !ok {
			e.Status = 407
			p.record(e)
			var b strings.Builder
			b.WriteString("HTTP/1.1 407 Proxy Authentication Required\r\n")
			for _, ch := range challenges {
				b.WriteString("Proxy-Authenticate: " + ch + "\r\n")
			}
			const msg = "proxy authentication required\n"
			closing := p.closeAfter407 && p.mode != "ntlm"
			if closing {
				b.WriteString("Connection: close\r\n")
			}
			fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n%s", len(msg), msg)
			if _, err := io.WriteString(c, b.String()); err != nil || closing {
				return
			}
			continue
		}
		if req.Method == http.MethodConnect {
			target, err := net.Dial("tcp", req.RequestURI)
			if err != nil {
				e.Status = 502
				p.record(e)
				io.WriteString(c, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
				return
			}
			e.Status = 200
			p.record(e)
			io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n")
			done := make(chan struct{})
			go func() {
				io.Copy(target, br)
				target.(*net.TCPConn).CloseWrite()
				close(done)
			}()
			io.Copy(c, target)
			c.Close()
			<-done
			target.Close()
			return
		}
		// A forward request: strip what the proxy consumes (RFC 9110
		// §11.7.2, §7.6.1) and send it on.
		out, err := http.NewRequest(req.Method, req.RequestURI, bytes.NewReader(body))
		if err != nil {
			e.Status = 400
			p.record(e)
			return
		}
		for k, v := range req.Header {
			switch http.CanonicalHeaderKey(k) {
			case "Proxy-Authorization", "Proxy-Connection", "Connection", "Keep-Alive":
			default:
				out.Header[k] = v
			}
		}
		resp, err := (&http.Transport{DisableKeepAlives: true}).RoundTrip(out)
		if err != nil {
			e.Status = 502
			p.record(e)
			return
		}
		e.Status = resp.StatusCode
		p.record(e)
		rb, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(rb))
		resp.ContentLength = int64(len(rb))
		resp.TransferEncoding = nil
		resp.Close = false
		resp.Header.Del("Connection")
		if err := resp.Write(c); err != nil {
			return
		}
	}
}

var proxyAuthTestParamRE = regexp.MustCompile(`(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))`)

// check verifies Proxy-Authorization independently of the client code.
func (p *proxyAuthTestProxy) check(st *ntlmTestConnState, req *http.Request) ([]string, bool) {
	h := req.Header.Get("Proxy-Authorization")
	switch p.mode {
	case "none":
		return nil, true
	case "basic":
		if h == "Basic "+base64.StdEncoding.EncodeToString([]byte(p.user+":"+p.pass)) {
			return nil, true
		}
		return []string{`Basic realm="` + proxyAuthTestRealm + `"`}, false
	case "digest":
		if rest, ok := strings.CutPrefix(h, "Digest "); ok {
			v := map[string]string{}
			for _, m := range proxyAuthTestParamRE.FindAllStringSubmatch(rest, -1) {
				v[strings.ToLower(m[1])] = m[2] + m[3]
			}
			md := func(s string) string { x := md5.Sum([]byte(s)); return hex.EncodeToString(x[:]) }
			ha1 := md(p.user + ":" + proxyAuthTestRealm + ":" + p.pass)
			ha2 := md(req.Method + ":" + v["uri"])
			want := md(ha1 + ":" + v["nonce"] + ":" + v["nc"] + ":" + v["cnonce"] + ":auth:" + ha2)
			p.mu.Lock()
			known := p.nonces[v["nonce"]]
			p.mu.Unlock()
			// The digest-uri must be the request-target the proxy saw.
			if known && v["username"] == p.user && v["realm"] == proxyAuthTestRealm && v["qop"] == "auth" &&
				v["uri"] == req.RequestURI && v["response"] == want && v["opaque"] == "op4que" {
				return nil, true
			}
		}
		b := make([]byte, 12)
		rand.Read(b)
		nonce := hex.EncodeToString(b)
		p.mu.Lock()
		p.nonces[nonce] = true
		p.mu.Unlock()
		return []string{`Digest realm="` + proxyAuthTestRealm + `", qop="auth", algorithm=MD5, nonce="` + nonce + `", opaque="op4que"`}, false
	case "ntlm":
		if st.authed {
			return nil, true
		}
		if h == "" {
			return []string{"NTLM"}, false
		}
		scheme, _, _ := strings.Cut(h, " ")
		ch, ok, err := p.ntlm.step(st, scheme, h, ntlmTestServerFlags)
		switch {
		case ok:
			return nil, true
		case err != nil:
			return []string{"NTLM"}, false
		}
		return []string{ch}, false
	}
	p.t.Errorf("unknown proxy mode %q", p.mode)
	return nil, false
}

// proxyAuthTestTarget records what reached the target server.
type proxyAuthTestTarget struct {
	*httptest.Server
	needAuth bool // demand Basic tuser:tpass
	mu       sync.Mutex
	seen     []http.Header
	bodies   []string
}

func newProxyAuthTestTarget(t *testing.T, tlsOn bool) *proxyAuthTestTarget {
	tg := &proxyAuthTestTarget{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		tg.mu.Lock()
		tg.seen = append(tg.seen, r.Header.Clone())
		tg.bodies = append(tg.bodies, string(b))
		tg.mu.Unlock()
		if tg.needAuth && r.Header.Get("Authorization") != "Basic "+base64.StdEncoding.EncodeToString([]byte("tuser:tpass")) {
			w.Header().Set("WWW-Authenticate", `Basic realm="target"`)
			w.WriteHeader(401)
			return
		}
		io.WriteString(w, "target says hi")
	})
	if tlsOn {
		tg.Server = httptest.NewTLSServer(h)
	} else {
		tg.Server = httptest.NewServer(h)
	}
	t.Cleanup(tg.Close)
	return tg
}

func (tg *proxyAuthTestTarget) headers() []http.Header {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	return append([]http.Header(nil), tg.seen...)
}

func proxyAuthTestTransport(tg *proxyAuthTestTarget) *http.Transport {
	tr := &http.Transport{}
	if tg.Certificate() != nil {
		pool := x509.NewCertPool()
		pool.AddCert(tg.Certificate())
		tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	}
	return tr
}

func proxyAuthTestParams(mode, password string) Params {
	p := Params{"username": "puser", "password": password}
	if mode == "ntlm" {
		p["domain"] = "PROXYDOM"
	}
	return p
}

// proxyAuthTestLegs is how many requests each scheme sends to the proxy
// for one authentication: Basic is pre-emptive, Digest answers one
// challenge, NTLM sends the anonymous, NEGOTIATE and AUTHENTICATE legs.
var proxyAuthTestLegs = map[string]int{"none": 1, "basic": 1, "digest": 2, "ntlm": 3}

func proxyAuthTestSend(t *testing.T, rt http.RoundTripper, method, target, body string) (*http.Response, string, *Trace, error) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, target, rd)
	if err != nil {
		t.Fatal(err)
	}
	trace := &Trace{}
	req = req.WithContext(WithTrace(context.Background(), trace))
	resp, err := rt.RoundTrip(req)
	if err != nil {
		return nil, "", trace, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b), trace, nil
}

func TestProxyAuthSchemes(t *testing.T) {
	for _, mode := range []string{"none", "basic", "digest", "ntlm"} {
		for _, tlsOn := range []bool{false, true} {
			name := mode + "/http target"
			if tlsOn {
				name = mode + "/https target (CONNECT)"
			}
			t.Run(name, func(t *testing.T) {
				proxy := newProxyAuthTestProxy(t, mode)
				tg := newProxyAuthTestTarget(t, tlsOn)
				tg.needAuth = true
				tr := proxyAuthTestTransport(tg)
				defer tr.CloseIdleConnections()
				rt, err := ConfigureProxyAuth(tr, proxy.url(), mode, proxyAuthTestParams(mode, "ppass!secret"))
				if err != nil {
					t.Fatal(err)
				}
				target, _ := NewBasic("tuser", "tpass")
				client := target.Wrap(rt)
				const body = "x=1&y=2"
				resp, got, trace, err := proxyAuthTestSend(t, client, "POST", tg.URL+"/path?q=1", body)
				if err != nil {
					t.Fatal(err)
				}
				if resp.StatusCode != 200 || got != "target says hi" {
					t.Fatalf("got %s %q", resp.Status, got)
				}

				// The proxy's verdicts: the expected legs, the last one
				// accepted, all on one connection.
				entries := proxy.entries()
				if len(entries) != proxyAuthTestLegs[mode] {
					t.Fatalf("proxy saw %d requests, want %d: %+v", len(entries), proxyAuthTestLegs[mode], entries)
				}
				wantMethod, wantTarget := "POST", tg.URL+"/path?q=1"
				if tlsOn {
					wantMethod, wantTarget = "CONNECT", tg.Listener.Addr().String()
				}
				for i, e := range entries {
					if e.Method != wantMethod || e.Target != wantTarget || e.Conn != entries[0].Conn {
						t.Errorf("proxy leg %d: %+v, want %s %s on connection %d", i, e, wantMethod, wantTarget, entries[0].Conn)
					}
					if !tlsOn && e.Body != body {
						t.Errorf("proxy leg %d carried body %q, want it replayed", i, e.Body)
					}
					if wantStatus := map[bool]int{true: 200, false: 407}[i == len(entries)-1]; e.Status != wantStatus {
						t.Errorf("proxy leg %d: status %d, want %d", i, e.Status, wantStatus)
					}
				}
				if mode != "none" && mode != "basic" && entries[0].ProxyAuth != "" {
					t.Errorf("the first leg already carried %q", entries[0].ProxyAuth)
				}

				// The target saw its own credentials and nothing of the proxy's.
				seen := tg.headers()
				if len(seen) != 1 {
					t.Fatalf("target saw %d requests, want 1", len(seen))
				}
				if seen[0].Get("Proxy-Authorization") != "" || seen[0].Get("Authorization") != "Basic "+base64.StdEncoding.EncodeToString([]byte("tuser:tpass")) {
					t.Errorf("target headers: %v", seen[0])
				}
				for k, vs := range seen[0] {
					for _, v := range vs {
						if strings.Contains(v, "ppass!secret") || strings.Contains(v, base64.StdEncoding.EncodeToString([]byte("puser:ppass!secret"))) || strings.Contains(v, "TlRMTVNT") {
							t.Errorf("proxy credentials reached the target in %s: %q", k, v)
						}
					}
				}

				text := ntlmTestTraceText(t, trace)
				if strings.Contains(text, "ppass!secret") {
					t.Errorf("the proxy password appears in the trace")
				}
				if mode != "none" && (!strings.Contains(text, `"scheme":"proxy `+mode+`"`) || !strings.Contains(text, "Proxy-Authorization")) {
					t.Errorf("trace lacks the proxy %s steps: %s", mode, text)
				}
				if tlsOn && !strings.Contains(text, "Tunnel open") {
					t.Errorf("trace lacks the tunnel: %s", text)
				}
				if (mode == "basic" || mode == "digest") && !strings.Contains(strings.Join(trace.Warnings(), "\n"), "over plain http") {
					t.Errorf("no plain-http warning: %q", trace.Warnings())
				}
				if mode == "ntlm" {
					ntlmTestSecretsAbsent(t, text, "ppass!secret", []string{entries[len(entries)-1].ProxyAuth})
				}

				// A second request: no new handshake beyond what the scheme
				// needs (Digest reuses its nonce; a tunnel or an NTLM
				// connection is reused).
				resp, _, _, err = proxyAuthTestSend(t, client, "GET", tg.URL+"/again", "")
				if err != nil || resp.StatusCode != 200 {
					t.Fatalf("second request: %v %v", resp, err)
				}
				extra := len(proxy.entries()) - len(entries)
				if want := map[bool]int{true: 0, false: 1}[tlsOn]; extra != want {
					t.Errorf("second request took %d proxy requests, want %d: %+v", extra, want, proxy.entries()[len(entries):])
				}
			})
		}
	}
}

func TestProxyAuthWrongPassword(t *testing.T) {
	for _, mode := range []string{"basic", "digest", "ntlm"} {
		for _, tlsOn := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/tls=%v", mode, tlsOn), func(t *testing.T) {
				proxy := newProxyAuthTestProxy(t, mode)
				tg := newProxyAuthTestTarget(t, tlsOn)
				tr := proxyAuthTestTransport(tg)
				defer tr.CloseIdleConnections()
				rt, err := ConfigureProxyAuth(tr, proxy.url(), mode, proxyAuthTestParams(mode, "wrong-pw"))
				if err != nil {
					t.Fatal(err)
				}
				resp, _, _, err := proxyAuthTestSend(t, rt, "GET", tg.URL, "")
				if tlsOn {
					if err == nil || !strings.Contains(err.Error(), "refused the "+mode+" credentials") || !strings.Contains(err.Error(), "407") {
						t.Fatalf("err = %v, want the proxy's 407 named", err)
					}
					if strings.Contains(err.Error(), "wrong-pw") {
						t.Error("the password appears in the error")
					}
				} else if err != nil || resp.StatusCode != 407 || resp.Header.Get("Proxy-Authenticate") == "" {
					t.Fatalf("got %v %v, want the proxy's 407 with its challenge", resp, err)
				}
				if n := len(proxy.entries()); n != proxyAuthTestLegs[mode] {
					t.Errorf("proxy saw %d requests, want %d (one exchange, no loop)", n, proxyAuthTestLegs[mode])
				}
				if n := len(tg.headers()); n != 0 {
					t.Errorf("target saw %d requests", n)
				}
			})
		}
	}
}

// A target's 401 goes back to the caller untouched: the proxy scheme must
// not answer it with proxy credentials.
func TestProxyAuthTarget401(t *testing.T) {
	for _, mode := range []string{"digest", "ntlm"} {
		proxy := newProxyAuthTestProxy(t, mode)
		tg := newProxyAuthTestTarget(t, false)
		tg.needAuth = true
		tr := proxyAuthTestTransport(tg)
		rt, err := ConfigureProxyAuth(tr, proxy.url(), mode, proxyAuthTestParams(mode, "ppass!secret"))
		if err != nil {
			t.Fatal(err)
		}
		resp, _, _, err := proxyAuthTestSend(t, rt, "GET", tg.URL, "")
		if err != nil || resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") != `Basic realm="target"` || resp.Header.Get(proxyAuthHidden) != "" {
			t.Fatalf("%s: got %v %v, want the target's 401", mode, resp, err)
		}
		if seen := tg.headers(); len(seen) != 1 || seen[0].Get("Authorization") != "" {
			t.Errorf("%s: target saw %v", mode, seen)
		}
		tr.CloseIdleConnections()
	}
}

func TestProxyAuthRedialAfterClose(t *testing.T) {
	for _, mode := range []string{"basic", "digest"} {
		proxy := newProxyAuthTestProxy(t, mode)
		proxy.closeAfter407 = true
		tg := newProxyAuthTestTarget(t, true)
		tr := proxyAuthTestTransport(tg)
		rt, err := ConfigureProxyAuth(tr, proxy.url(), mode, proxyAuthTestParams(mode, "ppass!secret"))
		if err != nil {
			t.Fatal(err)
		}
		resp, _, _, err := proxyAuthTestSend(t, rt, "GET", tg.URL, "")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: %v %v", mode, resp, err)
		}
		if e := proxy.entries(); mode == "digest" && (len(e) != 2 || e[0].Conn == e[1].Conn) {
			t.Errorf("digest legs: %+v, want two on two connections", e)
		}
		tr.CloseIdleConnections()
	}
}

func TestProxyAuthUserinfoAndDefaults(t *testing.T) {
	proxy := newProxyAuthTestProxy(t, "basic")
	tg := newProxyAuthTestTarget(t, false)
	tr := proxyAuthTestTransport(tg)
	defer tr.CloseIdleConnections()
	u := proxy.url()
	u.User = url.UserPassword("puser", "ppass!secret")
	rt, err := ConfigureProxyAuth(tr, u, "basic", nil)
	if err != nil {
		t.Fatal(err)
	}
	if pu, _ := tr.Proxy(&http.Request{URL: &url.URL{Scheme: "http", Host: "x"}}); pu == nil || pu.User != nil {
		t.Errorf("transport proxy URL = %v, want the proxy without user-info", pu)
	}
	if pu, _ := tr.Proxy(&http.Request{URL: &url.URL{Scheme: "https", Host: "x"}}); pu != nil {
		t.Errorf("https targets must reach the dialer, not net/http's CONNECT: %v", pu)
	}
	resp, _, _, err := proxyAuthTestSend(t, rt, "GET", tg.URL, "")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("got %v %v", resp, err)
	}
	if e := proxy.entries(); len(e) != 1 || strings.Count(e[0].ProxyAuth, "Basic") != 1 {
		t.Errorf("entries %+v", e)
	}
}

func TestConfigureProxyAuthErrors(t *testing.T) {
	good := &url.URL{Scheme: "http", Host: "127.0.0.1:3128"}
	for _, tc := range []struct {
		tr     *http.Transport
		u      *url.URL
		method string
		p      Params
		want   string
	}{
		{&http.Transport{}, &url.URL{Scheme: "socks5", Host: "h:1080"}, "basic", nil, `scheme "socks5"; only http and https proxies`},
		{&http.Transport{}, &url.URL{Scheme: "http"}, "basic", nil, "has no host"},
		{&http.Transport{}, good, "hawk", nil, `auth method "hawk" is not supported for proxies`},
		{&http.Transport{DialTLSContext: func(context.Context, string, string) (net.Conn, error) { return nil, nil }}, good, "basic", nil, "already has a TLS dialer"},
		{&http.Transport{}, good, "basic", Params{"username": "a:b"}, "authlib: proxy: authlib: basic: the user name"},
		{&http.Transport{}, good, "ntlm", Params{}, `"username" is required`},
		{nil, good, "basic", nil, "a transport and a proxy URL are required"},
	} {
		_, err := ConfigureProxyAuth(tc.tr, tc.u, tc.method, tc.p)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v %q: err = %v, want %q", tc.u, tc.method, err, tc.want)
		}
	}
	// A proxy that cannot be reached: the dial error names it.
	tr := &http.Transport{}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	rt, err := ConfigureProxyAuth(tr, &url.URL{Scheme: "http", Host: addr}, "none", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _, _, err = proxyAuthTestSend(t, rt, "GET", "https://127.0.0.1:1/", "")
	if err == nil || !strings.Contains(err.Error(), "connecting to the proxy "+addr) {
		t.Errorf("unreachable proxy: %v", err)
	}
}
