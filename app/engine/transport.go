package engine

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/http/httpproxy"

	"github.com/knockhttp/knock/authlib"
	"github.com/knockhttp/knock/storage"
)

// transportKey identifies a transport configuration. Requests with the same
// key share one pool of kept-alive connections.
type transportKey struct {
	insecure       bool
	caFile         string
	certID         string // hash of the client certificate files and password
	proxy          string
	proxyUser      string // hash of the proxy credentials from ProxyAuth
	proxyAuth      string // challenge-response proxy auth: type and hash of params
	http1          bool
	connectTimeout time.Duration
}

// transportConfig is what a request asks of its transport.
type transportConfig struct {
	insecure   bool
	caFile     string
	clientCert *authlib.ClientCert
	proxy      string // explicit proxy URL; "" means the environment
	proxyUser  *url.Userinfo
	// proxyAuth is a challenge-response method (digest, ntlm) to answer the
	// proxy's 407 with; Basic goes in proxyUser instead.
	proxyAuth *storage.AuthSpec
	// http1 keeps the connection on HTTP/1.1: NTLM and Negotiate
	// authenticate a TCP connection, which HTTP/2 multiplexing breaks.
	http1          bool
	connectTimeout time.Duration
}

func (c transportConfig) key() transportKey {
	k := transportKey{insecure: c.insecure, caFile: c.caFile, proxy: c.proxy, connectTimeout: c.connectTimeout, http1: c.http1}
	if c.proxyAuth != nil {
		k.proxyAuth = fingerprint(*c.proxyAuth)
	}
	if c.clientCert != nil {
		h := sha256.Sum256([]byte(c.clientCert.CertFile + "\x00" + c.clientCert.KeyFile + "\x00" + c.clientCert.Password))
		k.certID = hex.EncodeToString(h[:])
	}
	if c.proxyUser != nil {
		h := sha256.Sum256([]byte(c.proxyUser.String()))
		k.proxyUser = hex.EncodeToString(h[:])
	}
	return k
}

// pooledTransport is a cached transport and the RoundTripper to send
// through it (the transport itself, or a proxy-auth wrapper around it).
type pooledTransport struct {
	transport *http.Transport
	rt        http.RoundTripper
}

// transports caches one transport per configuration.
type transports struct {
	mu sync.Mutex
	m  map[transportKey]pooledTransport
	// def is the transport of the default configuration, which most
	// requests use, found without hashing a key.
	def pooledTransport
}

func (t *transports) get(c transportConfig) (pooledTransport, error) {
	isDefault := c == transportConfig{}
	t.mu.Lock()
	defer t.mu.Unlock()
	if isDefault && t.def.rt != nil {
		return t.def, nil
	}
	k := c.key()
	if p, ok := t.m[k]; ok {
		if isDefault {
			t.def = p
		}
		return p, nil
	}
	tr, err := newTransport(c)
	if err != nil {
		return pooledTransport{}, err
	}
	p := pooledTransport{transport: tr, rt: tr}
	if c.proxyAuth != nil {
		if p.rt, err = withProxyAuth(tr, c); err != nil {
			return pooledTransport{}, err
		}
	}
	if t.m == nil {
		t.m = map[transportKey]pooledTransport{}
	}
	t.m[k] = p
	if isDefault {
		t.def = p
	}
	return p, nil
}

func (t *transports) closeIdle() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, p := range t.m {
		p.transport.CloseIdleConnections()
	}
}

// withProxyAuth lets authlib answer the proxy's 407 challenges, for plain
// requests and inside the CONNECT of https ones. It needs an explicit
// proxy URL: the environment's proxy is chosen per request.
func withProxyAuth(tr *http.Transport, c transportConfig) (http.RoundTripper, error) {
	if c.proxy == "" {
		err := fmt.Errorf("proxy auth %q needs a proxy URL in the request's settings", c.proxyAuth.Type)
		return nil, &Error{Kind: KindProxy, Msg: err.Error(), Err: err}
	}
	u, err := url.Parse(c.proxy)
	if err != nil || u.Host == "" {
		err = fmt.Errorf("bad proxy URL %q: want http://host:port", redactURL(c.proxy))
		return nil, &Error{Kind: KindProxy, Msg: err.Error(), Err: err}
	}
	rt, err := authlib.ConfigureProxyAuth(tr, u, strings.ToLower(c.proxyAuth.Type), c.proxyAuth.Params)
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), "authlib: ")
		return nil, &Error{Kind: KindProxy, Msg: msg, Err: err}
	}
	return rt, nil
}

// DefaultConnectTimeout bounds the TCP connect when a request sets none.
const DefaultConnectTimeout = 30 * time.Second

func newTransport(c transportConfig) (*http.Transport, error) {
	tlsConf := &tls.Config{InsecureSkipVerify: c.insecure} //nolint:gosec // the user's explicit per-request choice, shown as a warning
	if c.caFile != "" {
		pool, err := loadCAFile(c.caFile)
		if err != nil {
			return nil, &Error{Kind: KindTLS, Msg: err.Error(), Err: err}
		}
		tlsConf.RootCAs = pool
	}
	if c.clientCert != nil {
		cert, err := c.clientCert.Load()
		if err != nil {
			return nil, &Error{Kind: KindTLS, Msg: strings.TrimPrefix(err.Error(), "authlib: "), Err: err}
		}
		tlsConf.Certificates = []tls.Certificate{cert}
	}
	proxy, err := proxyFunc(c.proxy, c.proxyUser)
	if err != nil {
		return nil, &Error{Kind: KindProxy, Msg: err.Error(), Err: err}
	}
	timeout := c.connectTimeout
	if timeout <= 0 {
		timeout = DefaultConnectTimeout
	}
	dialer := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy: proxy,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := dialer.DialContext(dialTrace(ctx), network, addr)
			if err != nil && isTimeout(err) && ctx.Err() == nil {
				return nil, &connectTimeoutError{addr: addr, after: timeout, err: err}
			}
			return conn, err
		},
		OnProxyConnectResponse: func(_ context.Context, proxyURL *url.URL, _ *http.Request, res *http.Response) error {
			if res.StatusCode == http.StatusOK {
				return nil
			}
			return &proxyConnectError{proxy: proxyURL.Host, status: res.Status, challenge: res.Header.Get("Proxy-Authenticate")}
		},
		TLSClientConfig:       tlsConf,
		TLSHandshakeTimeout:   timeout,
		ForceAttemptHTTP2:     !c.http1,
		DisableCompression:    true, // the engine negotiates and decodes, see body.go
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   32,
		IdleConnTimeout:       90 * time.Second,
		ExpectContinueTimeout: time.Second,
	}, nil
}

// loadCAFile trusts the certificates of a PEM file on top of the system's.
func loadCAFile(path string) (*x509.CertPool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("CA file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("CA file %s holds no PEM certificate", path)
	}
	return pool, nil
}

// proxyFunc returns the proxy selection: the explicit URL, or the
// environment's HTTP_PROXY, HTTPS_PROXY and NO_PROXY read now (net/http's
// ProxyFromEnvironment reads them only once per process). user, when set,
// replaces the proxy URL's own credentials; net/http sends the URL's
// credentials as Proxy-Authorization: Basic, to the proxy only: on plain
// http requests and on the CONNECT of a tunnel, never inside it.
func proxyFunc(explicit string, user *url.Userinfo) (func(*http.Request) (*url.URL, error), error) {
	var pick func(*http.Request) (*url.URL, error)
	if explicit == "" {
		f := httpproxy.FromEnvironment().ProxyFunc()
		pick = func(r *http.Request) (*url.URL, error) { return f(r.URL) }
	} else {
		u, err := url.Parse(explicit)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("bad proxy URL %q: want http://[user:password@]host:port", redactURL(explicit))
		}
		switch u.Scheme {
		case "http", "https", "socks5", "socks5h":
		default:
			return nil, fmt.Errorf("bad proxy URL %q: unknown scheme %q", redactURL(explicit), u.Scheme)
		}
		pick = http.ProxyURL(u)
	}
	if user == nil {
		return pick, nil
	}
	return func(r *http.Request) (*url.URL, error) {
		u, err := pick(r)
		if u == nil || err != nil {
			return u, err
		}
		withUser := *u
		withUser.User = user
		return &withUser, nil
	}, nil
}

// redactURL hides the password of a URL's userinfo.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	return u.Redacted()
}

// proxyConnectError is a proxy's refusal of a CONNECT tunnel. net/http
// reports it as a bare status text, which says neither that the proxy
// answered nor what it wants.
type proxyConnectError struct {
	proxy     string
	status    string // "407 Proxy Authentication Required"
	challenge string // Proxy-Authenticate
}

func (e *proxyConnectError) Error() string {
	msg := fmt.Sprintf("the proxy %s refused to open a tunnel: %s", e.proxy, e.status)
	if strings.HasPrefix(e.status, "407") {
		msg += "; put the credentials in the proxy URL (http://user:password@host:port) or set the proxy auth"
		if e.challenge != "" {
			msg += fmt.Sprintf(" (it asks for %s)", e.challenge)
		}
	}
	return msg
}
