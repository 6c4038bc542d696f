package authlib

// Authentication to an HTTP proxy: the 407 status and the
// Proxy-Authenticate / Proxy-Authorization headers of RFC 9110 §11.7
// (formerly RFC 7235 §3.2 and §4.3–4.4), for the Basic, Digest and NTLM
// schemes.
//
// Supported:
//   - Plain-http targets through a forward proxy: requests go to the proxy
//     in absolute form (RFC 9112 §3.2.2) and a 407 is answered on the
//     request itself. Digest's digest-uri is then the absolute URI, which is
//     the request-target the proxy sees (RFC 7616 §3.4).
//   - https targets through a CONNECT tunnel (RFC 9110 §9.3.6): the tunnel
//     is opened by this file's dialer, which answers a 407 to CONNECT on the
//     same connection (NTLM authenticates that connection; Basic and Digest
//     redial when the proxy closes it), then runs the TLS handshake with the
//     target inside the tunnel. net/http's own CONNECT cannot answer a 407,
//     which is why the dialer is needed.
//   - A proxy reached over http or https (TLS to the proxy itself).
//   - The schemes are the package's own (basic.go, digest.go, ntlm.go): an
//     adapter maps 407 to 401 and Proxy-Authenticate to WWW-Authenticate on
//     the way in, and Authorization to Proxy-Authorization on the way out,
//     so each scheme runs its usual exchange against the proxy. The
//     target's own Authorization passes through untouched, and a target's
//     401 is never answered with proxy credentials. The trace shows the
//     proxy's steps under "proxy <scheme>", with the header names mapped.
//   - Credentials from the parameters, or else from the proxy URL's
//     user-info. They are never sent to the target: not inside the tunnel,
//     and not on a forwarded request (a proxy consumes Proxy-Authorization,
//     RFC 9110 §11.7.2).
//
// Not supported: SOCKS proxies, Negotiate (Kerberos) to a proxy, proxy
// selection per host (NO_PROXY; the caller decides whether to use the
// proxy), and a 407 to CONNECT returned as a response: net/http's dialer
// interface can only fail, so the caller gets an error that names the 407.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// ProxyAuthMethods returns the auth methods [ConfigureProxyAuth] accepts.
func ProxyAuthMethods() []string { return []string{"none", "basic", "digest", "ntlm"} }

// ConfigureProxyAuth makes t send every request through the HTTP proxy at
// proxyURL, authenticating to it with method ("basic", "digest", "ntlm", or
// "none") and the method's parameters (username, password, and for NTLM
// domain and workstation). It returns the RoundTripper to send requests
// through: t, wrapped so that a 407 to a plain-http request is answered.
// Target auth schemes wrap the returned RoundTripper.
//
// It sets t.Proxy (plain-http targets go to the proxy, https targets are
// dialled directly so that DialTLSContext sees them) and t.DialTLSContext
// (opens and authenticates the CONNECT tunnel, then does the TLS handshake
// with t.TLSClientConfig and t.TLSHandshakeTimeout). It reads t.DialContext
// to reach the proxy. It refuses a transport whose DialTLSContext or
// DialTLS is already set. Trace steps go to the [Trace] of the request's
// context; for a tunnel, to the request that caused the dial.
func ConfigureProxyAuth(t *http.Transport, proxyURL *url.URL, method string, p Params) (http.RoundTripper, error) {
	if t == nil || proxyURL == nil {
		return nil, errors.New("authlib: proxy: a transport and a proxy URL are required")
	}
	//lint:ignore SA1019 the deprecated DialTLS is checked so that it is not silently bypassed
	if t.DialTLSContext != nil || t.DialTLS != nil {
		return nil, errors.New("authlib: proxy: the transport already has a TLS dialer; ConfigureProxyAuth needs to own DialTLSContext")
	}
	scheme := strings.ToLower(proxyURL.Scheme)
	if scheme != "http" && scheme != "https" {
		return nil, fmt.Errorf("authlib: proxy: the proxy URL %q has scheme %q; only http and https proxies are supported", proxyURL.Redacted(), proxyURL.Scheme)
	}
	if proxyURL.Hostname() == "" {
		return nil, fmt.Errorf("authlib: proxy: the proxy URL %q has no host", proxyURL.Redacted())
	}
	method = strings.ToLower(strings.TrimSpace(method))
	if method == "" {
		method = "none"
	}
	if !containsFold(ProxyAuthMethods(), method) {
		return nil, fmt.Errorf("authlib: proxy: auth method %q is not supported for proxies (want one of %s)", method, strings.Join(ProxyAuthMethods(), ", "))
	}
	params := make(Params, len(p)+2)
	for k, v := range p {
		params[k] = v
	}
	if u := proxyURL.User; u != nil && params["username"] == "" {
		params["username"] = u.Username()
		if pw, ok := u.Password(); ok && params["password"] == "" {
			params["password"] = pw
		}
	}
	pa := &proxyAuth{method: method, url: proxyURL, base: t}
	pa.addr = proxyURL.Host
	if proxyURL.Port() == "" {
		pa.addr = net.JoinHostPort(proxyURL.Hostname(), map[string]string{"http": "80", "https": "443"}[scheme])
	}
	if method != "none" {
		s, err := New(method, params)
		if err != nil {
			return nil, fmt.Errorf("authlib: proxy: %w", err)
		}
		pa.scheme = s
	}
	clean := *proxyURL
	clean.User = nil // credentials go through the scheme, never through net/http's Basic
	pa.clean = &clean
	t.Proxy = func(r *http.Request) (*url.URL, error) {
		if proxyAuthForward(r.URL) {
			return pa.clean, nil
		}
		return nil, nil
	}
	t.DialTLSContext = pa.dialTLS
	return pa, nil
}

// proxyAuth is the state shared by the forward path and the dialer.
type proxyAuth struct {
	method string
	url    *url.URL // as given, possibly with user-info
	clean  *url.URL // without user-info
	addr   string   // host:port of the proxy
	scheme Scheme   // nil for "none"
	base   *http.Transport
}

// proxyAuthForward reports whether a request for u goes to the proxy as a
// forward request (plain http) rather than through a tunnel.
func proxyAuthForward(u *url.URL) bool {
	s := strings.ToLower(u.Scheme)
	return s == "http" || s == "ws"
}

// RoundTrip sends r through the proxy, answering the proxy's 407 for
// plain-http targets.
func (pa *proxyAuth) RoundTrip(r *http.Request) (*http.Response, error) {
	if !proxyAuthForward(r.URL) || pa.scheme == nil {
		return pa.base.RoundTrip(r)
	}
	tr := TraceFrom(r.Context())
	pa.warn(tr)
	q := cloneRequest(r)
	// The digest-uri must be the request-target the proxy sees: the
	// absolute URI (RFC 7616 §3.4). An opaque URL makes RequestURI return
	// it, and net/http writes the same absolute form on the wire.
	u := *q.URL
	u.Opaque = "//" + u.Host + u.EscapedPath()
	if u.Opaque == "//"+u.Host {
		u.Opaque += "/"
	}
	q.URL = &u
	call := &proxyAuthCall{target: q.Header.Values("Authorization"), orig: map[*http.Response]*http.Response{}}
	q.Header.Del("Authorization")
	inner := &Trace{}
	ctx := context.WithValue(WithTrace(q.Context(), inner), proxyAuthCallKey{}, call)
	q = q.WithContext(ctx)
	resp, err := pa.scheme.Wrap(proxyAuthSwap{next: pa.base}).RoundTrip(q)
	pa.copyTrace(tr, inner)
	if err != nil {
		return nil, err
	}
	return call.original(resp), nil
}

// warn records the plain-text warning for Basic and Digest to an http proxy.
func (pa *proxyAuth) warn(tr *Trace) {
	if (pa.method == "basic" || pa.method == "digest") && strings.EqualFold(pa.url.Scheme, "http") {
		tr.Warn("Proxy " + pa.method + " credentials are sent to the proxy " + pa.addr + " over plain http: anyone between you and the proxy can read or replay them")
	}
}

// copyTrace moves the proxy scheme's steps into the request's trace,
// renamed for the proxy.
func (pa *proxyAuth) copyTrace(dst, inner *Trace) {
	if dst == nil {
		return
	}
	rename := strings.NewReplacer("WWW-Authenticate", "Proxy-Authenticate", "Authorization", "Proxy-Authorization", "(401)", "(407)", " 401", " 407", "The server", "The proxy", "the server", "the proxy")
	for _, st := range inner.Steps() {
		fields := make([]Field, len(st.Fields))
		for i, f := range st.Fields {
			fields[i] = Field{Name: rename.Replace(f.Name), Value: f.Value}
		}
		dst.Add("proxy "+st.Scheme, rename.Replace(st.Title), fields...)
	}
	for _, w := range inner.Warnings() {
		if strings.Contains(w, "credentials are sent over plain http") {
			continue // about the target's URL; warn() covers the proxy
		}
		dst.Warn("Proxy: " + w)
	}
}

// proxyAuthCall carries one request's state through the adapter.
type proxyAuthCall struct {
	target []string // the target's own Authorization values
	mu     sync.Mutex
	orig   map[*http.Response]*http.Response
}

type proxyAuthCallKey struct{}

// original returns the response the proxy or target really sent.
func (c *proxyAuthCall) original(resp *http.Response) *http.Response {
	c.mu.Lock()
	defer c.mu.Unlock()
	if o, ok := c.orig[resp]; ok {
		return o
	}
	return resp
}

const proxyAuthHidden = "X-Knock-Target-Www-Authenticate"

// proxyAuthSwap sits between a scheme and the proxy. It sends the scheme's
// Authorization as Proxy-Authorization and restores the target's own
// Authorization; it shows a 407 to the scheme as a 401 with
// WWW-Authenticate, and hides a target's 401 challenges from it.
type proxyAuthSwap struct{ next http.RoundTripper }

func (s proxyAuthSwap) RoundTrip(r *http.Request) (*http.Response, error) {
	call, _ := r.Context().Value(proxyAuthCallKey{}).(*proxyAuthCall)
	q := cloneRequest(r)
	q.Header.Del("Proxy-Authorization")
	if v := q.Header.Values("Authorization"); len(v) > 0 {
		q.Header["Proxy-Authorization"] = v
		q.Header.Del("Authorization")
	}
	if call != nil && len(call.target) > 0 {
		q.Header["Authorization"] = call.target
	}
	resp, err := s.next.RoundTrip(q)
	if err != nil || (resp.StatusCode != http.StatusProxyAuthRequired && resp.StatusCode != http.StatusUnauthorized) {
		return resp, err
	}
	shown := *resp
	shown.Header = resp.Header.Clone()
	if resp.StatusCode == http.StatusProxyAuthRequired {
		shown.StatusCode, shown.Status = http.StatusUnauthorized, "401 Unauthorized (from a 407 Proxy Authentication Required)"
		shown.Header.Del("WWW-Authenticate")
		shown.Header["Www-Authenticate"] = resp.Header.Values("Proxy-Authenticate")
	} else {
		shown.Header.Del("WWW-Authenticate")
		shown.Header[proxyAuthHidden] = resp.Header.Values("WWW-Authenticate")
	}
	if call != nil {
		call.mu.Lock()
		call.orig[&shown] = resp
		call.mu.Unlock()
	}
	return &shown, nil
}

// dialTLS opens a CONNECT tunnel to addr through the proxy, authenticates
// it, and runs the TLS handshake with the target inside it.
func (pa *proxyAuth) dialTLS(ctx context.Context, network, addr string) (net.Conn, error) {
	tr := TraceFrom(ctx)
	ct := &proxyAuthConnect{pa: pa, ctx: ctx, network: network}
	if err := ct.dial(); err != nil {
		return nil, err
	}
	req := (&http.Request{
		Method:     http.MethodConnect,
		URL:        &url.URL{Opaque: addr},
		Host:       addr,
		Header:     http.Header{},
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
	}).WithContext(ctx)
	var resp *http.Response
	var err error
	if pa.scheme == nil {
		resp, err = ct.RoundTrip(req)
	} else {
		pa.warn(tr)
		inner := &Trace{}
		call := &proxyAuthCall{orig: map[*http.Response]*http.Response{}}
		actx := context.WithValue(WithTrace(ctx, inner), proxyAuthCallKey{}, call)
		resp, err = pa.scheme.Wrap(proxyAuthSwap{next: ct}).RoundTrip(req.WithContext(actx))
		pa.copyTrace(tr, inner)
		if resp != nil {
			resp = call.original(resp)
		}
	}
	if err != nil {
		ct.close()
		return nil, fmt.Errorf("authlib: proxy: CONNECT %s through %s: %w", addr, pa.addr, err)
	}
	if resp.StatusCode/100 != 2 {
		ct.close()
		if resp.StatusCode == http.StatusProxyAuthRequired {
			return nil, fmt.Errorf("authlib: proxy: the proxy %s refused the %s credentials for CONNECT %s: %s (Proxy-Authenticate: %s)",
				pa.addr, pa.method, addr, resp.Status, ntlmJoinOffers(resp.Header.Values("Proxy-Authenticate")))
		}
		return nil, fmt.Errorf("authlib: proxy: the proxy %s refused CONNECT %s: %s", pa.addr, addr, resp.Status)
	}
	tr.Add("proxy", "Tunnel open (CONNECT, RFC 9110 §9.3.6)", F("proxy", pa.addr), F("target", addr), F("status", resp.Status))
	conn := ct.conn
	if n := ct.br.Buffered(); n > 0 {
		b, _ := ct.br.Peek(n)
		conn = &proxyAuthBufferedConn{Conn: conn, r: io.MultiReader(bytes.NewReader(append([]byte(nil), b...)), conn)}
	}
	return pa.handshake(ctx, conn, addr)
}

// handshake runs TLS with the target over the tunnel.
func (pa *proxyAuth) handshake(ctx context.Context, conn net.Conn, addr string) (net.Conn, error) {
	var cfg *tls.Config
	if pa.base.TLSClientConfig != nil {
		cfg = pa.base.TLSClientConfig.Clone()
	} else {
		cfg = &tls.Config{}
	}
	if cfg.ServerName == "" {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			host = addr
		}
		cfg.ServerName = host
	}
	if !pa.base.ForceAttemptHTTP2 {
		cfg.NextProtos = nil // only HTTP/1.1, which is all a transport without HTTP/2 can speak
	}
	tc := tls.Client(conn, cfg)
	hctx := ctx
	if d := pa.base.TLSHandshakeTimeout; d > 0 {
		var cancel context.CancelFunc
		hctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	if err := tc.HandshakeContext(hctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("authlib: proxy: TLS handshake with %s inside the tunnel: %w", addr, err)
	}
	return tc, nil
}

// proxyAuthConnect sends CONNECT requests on one connection to the proxy,
// and dials again only when the proxy closed it.
type proxyAuthConnect struct {
	pa      *proxyAuth
	ctx     context.Context
	network string
	conn    net.Conn
	br      *bufio.Reader
	dials   int
	dead    bool
}

func (c *proxyAuthConnect) dial() error {
	c.dials++
	if c.dials > 3 {
		return errors.New("the proxy closed the connection three times during the handshake")
	}
	dial := c.pa.base.DialContext
	if dial == nil {
		dial = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	}
	conn, err := dial(c.ctx, "tcp", c.pa.addr)
	if err != nil {
		return fmt.Errorf("authlib: proxy: connecting to the proxy %s: %w", c.pa.addr, err)
	}
	if strings.EqualFold(c.pa.url.Scheme, "https") {
		cfg := &tls.Config{}
		if c.pa.base.TLSClientConfig != nil {
			cfg = c.pa.base.TLSClientConfig.Clone()
		}
		cfg.ServerName, cfg.NextProtos = c.pa.url.Hostname(), nil
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(c.ctx); err != nil {
			conn.Close()
			return fmt.Errorf("authlib: proxy: TLS handshake with the proxy %s: %w", c.pa.addr, err)
		}
		conn = tc
	}
	c.conn, c.br, c.dead = conn, bufio.NewReader(conn), false
	return nil
}

func (c *proxyAuthConnect) close() {
	if c.conn != nil {
		c.conn.Close()
	}
}

// RoundTrip writes one CONNECT request and reads the proxy's answer. The
// body of a refusal is read here, so that the next leg starts on a clean
// connection.
func (c *proxyAuthConnect) RoundTrip(r *http.Request) (*http.Response, error) {
	if c.dead {
		c.conn.Close()
		if err := c.dial(); err != nil {
			return nil, err
		}
	}
	deadline, ok := r.Context().Deadline()
	if !ok {
		deadline = time.Now().Add(60 * time.Second)
	}
	_ = c.conn.SetDeadline(deadline)
	defer c.conn.SetDeadline(time.Time{})
	if err := r.Write(c.conn); err != nil {
		return nil, fmt.Errorf("writing CONNECT: %w", err)
	}
	resp, err := http.ReadResponse(c.br, r)
	if err != nil {
		return nil, fmt.Errorf("reading the answer to CONNECT: %w", err)
	}
	if resp.StatusCode/100 == 2 {
		resp.Body = http.NoBody // the tunnel starts here
		return resp, nil
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil || resp.Close {
		c.dead = true
	}
	return resp, nil
}

// proxyAuthBufferedConn returns bytes the proxy sent right after its 200
// before reading from the connection.
type proxyAuthBufferedConn struct {
	net.Conn
	r io.Reader
}

func (c *proxyAuthBufferedConn) Read(p []byte) (int, error) { return c.r.Read(p) }
