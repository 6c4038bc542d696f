package engine

// Shared test helpers: an Engine per test, error assertions, a server that
// records what it received (down to the bytes on the wire), an in-test
// HTTP proxy that also plays the origin for made-up host names (so no test
// needs DNS or a host outside the machine), and certificates made on the
// spot with known subjects, issuers and expiry dates.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/knockhttp/knock/storage"
)

// newTestEngine returns an Engine whose spooled bodies go to a directory of
// the test's own, so a test can check that nothing is left behind.
func newTestEngine(t *testing.T) *Engine {
	t.Helper()
	e := New()
	e.TempDir = t.TempDir()
	t.Cleanup(e.CloseIdleConnections)
	return e
}

// mustSend sends r and fails the test on error. The response is closed
// when the test ends.
func mustSend(t *testing.T, e *Engine, r storage.Request, opt Options) *Response {
	t.Helper()
	resp, err := e.Send(context.Background(), r, opt)
	if err != nil {
		t.Fatalf("Send(%s %s): %v", r.Method, r.URL, err)
	}
	t.Cleanup(func() { resp.Close() })
	return resp
}

// sendErr sends r, expecting an *Error of the given kind whose message
// holds every one of subs.
func sendErr(t *testing.T, e *Engine, r storage.Request, opt Options, kind ErrorKind, subs ...string) *Error {
	t.Helper()
	resp, err := e.Send(context.Background(), r, opt)
	if err == nil {
		resp.Close()
		t.Fatalf("Send(%s %s) succeeded with status %d; want a %s error", r.Method, r.URL, resp.Status, kind)
	}
	return wantErr(t, err, kind, subs...)
}

// wantErr checks that err is an *Error of the given kind whose message
// holds every one of subs.
func wantErr(t *testing.T, err error, kind ErrorKind, subs ...string) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T %q is not an *engine.Error", err, err)
	}
	t.Logf("%s error: %s", e.Kind, e.Msg)
	if e.Kind != kind {
		t.Errorf("error kind = %q, want %q (message: %s)", e.Kind, kind, e.Msg)
	}
	for _, s := range subs {
		if !strings.Contains(e.Msg, s) {
			t.Errorf("error message %q does not mention %q", e.Msg, s)
		}
	}
	return e
}

// bodyText returns the whole in-memory or spooled body of resp.
func bodyText(t *testing.T, resp *Response) string {
	t.Helper()
	r, err := resp.Body.Open()
	if err != nil {
		t.Fatalf("open body: %v", err)
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return string(data)
}

// get is a GET request of url with no body.
func get(url string) storage.Request { return storage.Request{Method: "GET", URL: url} }

// kv is an enabled row.
func kv(k, v string) storage.KeyValue { return storage.KeyValue{Key: k, Value: v, Enabled: true} }

// off is a disabled row.
func off(k, v string) storage.KeyValue { return storage.KeyValue{Key: k, Value: v} }

// captured is one request as a test server received it.
type captured struct {
	Method           string
	URI              string // the request target as sent
	Host             string
	Header           http.Header
	Body             []byte
	ContentLength    int64
	TransferEncoding []string
	Proto            string
}

func capture(r *http.Request) (captured, error) {
	body, err := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	return captured{
		Method: r.Method, URI: r.RequestURI, Host: r.Host, Header: r.Header.Clone(),
		Body: body, ContentLength: r.ContentLength, TransferEncoding: r.TransferEncoding, Proto: r.Proto,
	}, err
}

// recServer is an httptest server that records every request, and the raw
// bytes its connections read.
type recServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []captured
	wire *lockedBuffer
}

// newRecServer starts a recording server on 127.0.0.1. h, if not nil,
// answers after the request was recorded; its r.Body is the recorded body.
func newRecServer(t *testing.T, h http.HandlerFunc) *recServer {
	t.Helper()
	s := &recServer{wire: &lockedBuffer{}}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := capture(r)
		s.mu.Lock()
		s.reqs = append(s.reqs, c)
		s.mu.Unlock()
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if h != nil {
			h(w, r)
		}
	}))
	s.Listener = &teeListener{Listener: s.Listener, w: s.wire}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

func (s *recServer) requests() []captured {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]captured(nil), s.reqs...)
}

func (s *recServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.reqs)
}

// only returns the single request the server received.
func (s *recServer) only(t *testing.T) captured {
	t.Helper()
	reqs := s.requests()
	if len(reqs) != 1 {
		t.Fatalf("server received %d requests, want 1", len(reqs))
	}
	return reqs[0]
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type teeListener struct {
	net.Listener
	w io.Writer
}

func (l *teeListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &teeConn{Conn: c, w: l.w}, nil
}

type teeConn struct {
	net.Conn
	w io.Writer
}

func (c *teeConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.w.Write(p[:n])
	return n, err
}

// proxyOrigin is an HTTP proxy on 127.0.0.1 that serves made-up host names
// itself: a request for http://api.knock.test/x goes to the handler
// registered for "api.knock.test". CONNECT requests are tunnelled to the
// local address registered for their target, so https works too.
type proxyOrigin struct {
	*httptest.Server
	mu       sync.Mutex
	hosts    map[string]http.Handler // by Host header (host, or host:port)
	tunnels  map[string]string       // CONNECT target -> local address
	reqs     []captured              // proxied plain-http requests, URI absolute
	connects []captured              // CONNECT requests
}

func newProxyOrigin(t *testing.T) *proxyOrigin {
	t.Helper()
	p := &proxyOrigin{hosts: map[string]http.Handler{}, tunnels: map[string]string{}}
	p.Server = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.Close)
	return p
}

// handle serves host (as in the Host header) with h.
func (p *proxyOrigin) handle(host string, h http.HandlerFunc) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.hosts[host] = h
}

// tunnel sends CONNECT requests for target (host:port) to addr.
func (p *proxyOrigin) tunnel(target, addr string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.tunnels[target] = addr
}

func (p *proxyOrigin) serve(w http.ResponseWriter, r *http.Request) {
	c, _ := capture(r)
	p.mu.Lock()
	if r.Method == http.MethodConnect {
		p.connects = append(p.connects, c)
	} else {
		p.reqs = append(p.reqs, c)
	}
	h, addr := p.hosts[r.Host], p.tunnels[r.Host]
	p.mu.Unlock()
	if r.Method == http.MethodConnect {
		if addr == "" {
			http.Error(w, "no tunnel to "+r.Host, http.StatusBadGateway)
			return
		}
		p.connect(w, addr)
		return
	}
	if !r.URL.IsAbs() {
		http.Error(w, "not a proxy request: "+r.RequestURI, http.StatusBadRequest)
		return
	}
	if h == nil {
		http.Error(w, "unknown host "+r.Host, http.StatusBadGateway)
		return
	}
	h.ServeHTTP(w, r)
}

func (p *proxyOrigin) connect(w http.ResponseWriter, addr string) {
	up, err := net.Dial("tcp", addr)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		up.Close()
		return
	}
	io.WriteString(conn, "HTTP/1.1 200 Connection established\r\n\r\n")
	go func() {
		io.Copy(up, buf)
		up.Close()
	}()
	io.Copy(conn, up)
	conn.Close()
}

// requestsFor returns the proxied requests whose Host was host.
func (p *proxyOrigin) requestsFor(host string) []captured {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []captured
	for _, c := range p.reqs {
		if c.Host == host {
			out = append(out, c)
		}
	}
	return out
}

func (p *proxyOrigin) connectRequests() []captured {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]captured(nil), p.connects...)
}

// testCA is a certificate authority made for one test.
type testCA struct {
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	pemPath string // the CA certificate as a PEM file
}

func newTestCA(t *testing.T, cn string) *testCA {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"Knock Tests"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ca.pem")
	writeFile(t, path, pemBlock("CERTIFICATE", der))
	return &testCA{cert: cert, key: key, pemPath: path}
}

// leafSpec describes a certificate to issue.
type leafSpec struct {
	CN       string
	DNSNames []string
	IPs      []net.IP
	NotAfter time.Time // zero: a day from now
	Client   bool      // for client authentication rather than a server
}

// issue returns a certificate signed by ca, with its key. A nil ca makes
// a self-signed certificate that is not a CA.
func (ca *testCA) issue(t *testing.T, s leafSpec) (tls.Certificate, *x509.Certificate) {
	t.Helper()
	key := newKey(t)
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	if s.NotAfter.IsZero() {
		s.NotAfter = time.Now().Add(24 * time.Hour)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: s.CN, Organization: []string{"Knock Leaf"}},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     s.NotAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     s.DNSNames,
		IPAddresses:  s.IPs,
	}
	if s.Client {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	parent, signer := tmpl, key
	if ca != nil {
		parent, signer = ca.cert, ca.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, leaf
}

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// keyPEM returns the PKCS#8 PEM of a certificate's private key.
func keyPEM(t *testing.T, c tls.Certificate) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	return pemBlock("PRIVATE KEY", der)
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// newTLSServer starts an https server on 127.0.0.1 with the given
// certificate and TLS settings (cfg may be nil).
func newTLSServer(t *testing.T, cert tls.Certificate, cfg *tls.Config, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	if cfg == nil {
		cfg = &tls.Config{}
	}
	cfg.Certificates = []tls.Certificate{cert}
	srv.TLS = cfg
	srv.Config.ErrorLog = discardLogger()
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// headLines returns the lines of the first request head in raw wire bytes.
func headLines(raw string) []string {
	head, _, _ := strings.Cut(raw, "\r\n\r\n")
	var out []string
	sc := bufio.NewScanner(strings.NewReader(head))
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}

// discardLogger silences a test server's log of handshake errors that a
// test provokes on purpose.
func discardLogger() *log.Logger { return log.New(io.Discard, "", 0) }

// box holds a value written by a server goroutine and read by the test.
type box[T any] struct {
	mu sync.Mutex
	v  T
}

func (b *box[T]) set(v T) {
	b.mu.Lock()
	b.v = v
	b.mu.Unlock()
}

func (b *box[T]) get() T {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.v
}

// refusedAddr returns a 127.0.0.1 address that refuses connections for the
// whole test: the port is bound but never listened on, so no other test
// can be given it (closing a listener would free the port for reuse).
func refusedAddr(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
}
