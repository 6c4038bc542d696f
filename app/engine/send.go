package engine

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/publicsuffix"

	"github.com/knockhttp/knock/authlib"
	"github.com/knockhttp/knock/storage"
)

// Defaults for an Engine's zero fields.
const (
	DefaultSpoolThreshold = 8 << 20 // bodies above 8 MiB go to a temporary file
	DefaultMaxDecoded     = 2 << 30 // a compressed body may decode to 2 GiB at most
)

// Engine sends requests. One Engine serves the whole process: it pools
// connections per transport configuration, keeps a cookie jar per
// collection, and keeps auth scheme state (a Digest nonce, an OAuth token)
// between sends. It is safe for concurrent use.
type Engine struct {
	// SpoolThreshold is the largest body kept in memory.
	SpoolThreshold int64
	// MaxDecoded caps the decoded size of a compressed body.
	MaxDecoded int64
	// TempDir holds spooled bodies; "" means os.TempDir().
	TempDir string

	transports transports
	mu         sync.Mutex
	jars       map[string]http.CookieJar
	schemes    map[schemeKey]authlib.Scheme
}

// New returns an Engine with default settings.
func New() *Engine { return &Engine{} }

// Options are the per-send inputs that are not part of the request.
type Options struct {
	Vars Variables
	// CollectionID selects the cookie jar; "" is the jar of unsaved requests.
	CollectionID string
	// SchemeKey identifies the request whose auth state (nonce, token) is
	// kept between sends, usually its ID. "" keeps state per auth spec.
	SchemeKey string
	// Netrc applies ~/.netrc credentials when the request has no auth of
	// its own (as Python requests does by default), unless the request's
	// settings turn it off.
	Netrc bool
	// ClientCerts are the per-host client certificates from the settings;
	// a request's own certificate wins.
	ClientCerts []authlib.ClientCert
	// Timeout is the total timeout when the request sets none. Zero means
	// no limit beyond the connect timeout.
	Timeout time.Duration
	// Sink receives the decoded body instead of the Response keeping it.
	Sink io.Writer
	// Progress is called as body bytes arrive: decoded bytes so far, and
	// the Content-Length (-1 when unknown, or when the body is compressed:
	// the Content-Length then counts encoded bytes). It runs on the send's
	// goroutine and must not block.
	Progress func(received, total int64)
	// OnHeader is called once the final response's status and header have
	// arrived, before the body is read, so a caller can print them ahead of
	// a streamed body. It receives the Response as filled so far.
	OnHeader func(*Response)
	// Trace collects the auth steps; a new one is made when nil.
	Trace *authlib.Trace

	// scheme replaces the request's auth scheme; tests use it to send
	// with a scheme that is not registered in authlib.
	scheme authlib.Scheme
}

// Send sends r and reads the whole response. Cancel ctx to stop it at any
// point. Errors are of type *Error.
func (e *Engine) Send(parent context.Context, r storage.Request, opt Options) (*Response, error) {
	timeout := time.Duration(r.Settings.TimeoutMs) * time.Millisecond
	if timeout <= 0 {
		timeout = opt.Timeout
	}
	// Nothing the send starts outlives it (the body is read, or closed,
	// before it returns), so the parent context serves as it is unless
	// there is a total timeout.
	ctx := parent
	if timeout > 0 {
		var stop context.CancelFunc
		ctx, stop = context.WithTimeoutCause(parent, timeout, errTotalTimeout)
		defer stop()
	}
	st := new(sendState)
	resp, err := e.send(ctx, r, opt, st)
	if err != nil {
		return nil, classify(err, st.host.get(), timeout, ctx)
	}
	return resp, nil
}

// sendState is what a send needs until it returns, in one allocation.
// The Response keeps it while it lives: its exchanges are the recorder's.
type sendState struct {
	res   resolved
	rec   recorder
	host  hostOfError // set once the URL is resolved
	first phaseClock  // the clock of the first round trip
}

// hostOfError is the host an error message names: the one of the hop
// being sent, after variables and redirects.
type hostOfError struct {
	mu   sync.Mutex
	host string
}

func (h *hostOfError) set(host string) {
	h.mu.Lock()
	h.host = host
	h.mu.Unlock()
}

func (h *hostOfError) get() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.host
}

// send does the work of Send under ctx, which carries the total timeout.
func (e *Engine) send(ctx context.Context, r storage.Request, opt Options, st *sendState) (*Response, error) {
	started := time.Now()
	res, host := &st.res, &st.host
	err := resolve(&r, opt.Vars, res)
	if err != nil {
		var ue *URLError
		var ve *UnresolvedError
		if errors.As(err, &ue) || errors.As(err, &ve) {
			return nil, err
		}
		return nil, &Error{Kind: KindRequest, Msg: err.Error(), Err: err}
	}
	body, err := buildBody(res.Body)
	if err != nil {
		return nil, &Error{Kind: KindRequest, Msg: err.Error(), Err: err}
	}
	scheme, err := e.scheme(res, opt)
	if err != nil {
		return nil, &Error{Kind: KindAuth, Msg: err.Error(), Err: err}
	}
	if opt.scheme != nil {
		scheme = opt.scheme
	}
	// The auth steps are recorded by the scheme and by proxy auth; with
	// neither, and no trace of the caller's, there is nothing to record.
	trace := opt.Trace
	if trace == nil && (scheme != nil || res.Settings.ProxyAuth != nil) {
		trace = &authlib.Trace{}
	}
	if trace != nil {
		ctx = authlib.WithTrace(ctx, trace)
	}
	res.url.User = nil

	host.set(res.url.Host)
	rec := &st.rec
	*rec = recorder{engine: e, settings: &res.Settings, clientCerts: opt.ClientCerts, host: host, connectionBound: isConnectionBound(res.Auth.Type)}
	rec.log, rec.clocks = rec.logBuf[:0], rec.clockBuf[:0]
	// The first round trip's hooks go in the request as it is built;
	// redirected hops are built on ctx, each traced by the recorder.
	req, err := newHTTPRequest(rec.firstTrace(ctx, &st.first), res, body)
	if err != nil {
		return nil, err
	}
	out := &Response{Started: started}
	resp, final, err := e.follow(ctx, e.jar(opt.CollectionID), req, scheme, rec, res.Settings, out)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out.Status = resp.StatusCode
	out.StatusText = resp.Status
	out.Proto = resp.Proto
	// The URL and method of our request, not of the one on the wire: an
	// auth scheme may have added a secret query parameter there.
	out.URL = rec.hopText(final.URL)
	out.Method = final.Method
	out.Header = resp.Header
	out.Cookies = resp.Cookies()
	out.ContentType = resp.Header.Get("Content-Type")
	out.HeaderSize = headerSize(resp)
	if opt.OnHeader != nil {
		opt.OnHeader(out)
	}
	if err := e.readBody(resp, out, opt); err != nil {
		return nil, err
	}
	end := time.Now()
	out.Exchanges = rec.exchanges()
	if last := rec.lastClock(); last != nil {
		out.Timings = last.timings(end)
		out.TLS = tlsInfo(resp.TLS, !res.Settings.Insecure)
	}
	out.Timings.Total = end.Sub(started)
	out.AuthSteps = trace.Steps()
	out.Warnings = append(trace.Warnings(), out.Warnings...)
	if res.Settings.Insecure && resp.TLS != nil {
		out.Warnings = append(out.Warnings, "TLS certificate verification is off for this request")
	}
	return out, nil
}

// scheme returns the auth scheme of the request: its own, Basic from the
// URL's user:password@, netrc when allowed, or nil.
func (e *Engine) scheme(res *resolved, opt Options) (authlib.Scheme, error) {
	a := res.Auth
	if a.Type == storage.AuthInherit {
		a = storage.AuthSpec{} // the caller resolves inheritance; unresolved means none
	}
	if a.IsNone() && res.url.User != nil {
		pw, _ := res.url.User.Password()
		return authlib.NewBasic(res.url.User.Username(), pw)
	}
	key := schemeKey{request: opt.SchemeKey}
	if a.IsNone() {
		if !opt.Netrc || res.Settings.NoNetrc {
			return nil, nil
		}
		if _, ok := authlib.Lookup("netrc"); !ok {
			return nil, nil
		}
		// The implicit netrc scheme keeps no state of a request's (only
		// the parsed file), so every request shares one.
		a = implicitNetrc
		key = schemeKey{spec: implicitNetrcKey}
	} else {
		key.spec = fingerprint(a)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if s, ok := e.schemes[key]; ok {
		return s, nil
	}
	s, err := authlib.New(a.Type, a.Params)
	if err != nil {
		return nil, err
	}
	if e.schemes == nil {
		e.schemes = map[schemeKey]authlib.Scheme{}
	}
	e.schemes[key] = s
	return s, nil
}

// schemeKey identifies the scheme state kept between sends: the
// request's SchemeKey and the fingerprint of its auth spec.
type schemeKey struct{ request, spec string }

// implicitNetrc is the auth applied when a request has none and netrc is
// allowed.
var (
	implicitNetrc    = storage.AuthSpec{Type: "netrc", Params: map[string]string{"implicit": "true"}}
	implicitNetrcKey = fingerprint(implicitNetrc)
)

// isConnectionBound reports whether an auth type authenticates the TCP
// connection rather than each request (MS-NLMP; RFC 4559 §6).
func isConnectionBound(authType string) bool {
	switch strings.ToLower(authType) {
	case "ntlm", "negotiate":
		return true
	}
	return false
}

// fingerprint identifies an auth spec by a hash of its type and params, so
// that editing the params starts a new scheme state.
func fingerprint(a storage.AuthSpec) string {
	keys := make([]string, 0, len(a.Params))
	for k := range a.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := sha256.New()
	h.Write([]byte(a.Type))
	for _, k := range keys {
		h.Write([]byte{0})
		h.Write([]byte(k))
		h.Write([]byte{0})
		h.Write([]byte(a.Params[k]))
	}
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0]))
}

// jar returns the cookie jar of a collection, with public-suffix rules.
func (e *Engine) jar(collection string) http.CookieJar {
	e.mu.Lock()
	defer e.mu.Unlock()
	if j, ok := e.jars[collection]; ok {
		return j
	}
	cj, _ := cookiejar.New(&cookiejar.Options{PublicSuffixList: publicsuffix.List})
	j := &trackedJar{jar: cj}
	if e.jars == nil {
		e.jars = map[string]http.CookieJar{}
	}
	e.jars[collection] = j
	return j
}

// trackedJar is a cookie jar that knows whether anything was ever put in
// it: most collections never get a cookie, and looking one up for every
// request costs a host canonicalisation and a lock.
type trackedJar struct {
	jar  *cookiejar.Jar
	used atomic.Bool
}

func (j *trackedJar) SetCookies(u *url.URL, cookies []*http.Cookie) {
	if len(cookies) > 0 {
		j.used.Store(true)
	}
	j.jar.SetCookies(u, cookies)
}

func (j *trackedJar) Cookies(u *url.URL) []*http.Cookie {
	if !j.used.Load() {
		return nil
	}
	return j.jar.Cookies(u)
}

// CookieJar returns the jar of a collection, for the window's cookie view
// and for persisting cookies.
func (e *Engine) CookieJar(collection string) http.CookieJar { return e.jar(collection) }

// CloseIdleConnections closes kept-alive connections.
func (e *Engine) CloseIdleConnections() { e.transports.closeIdle() }

// unwrapURLError removes net/http's "Get "url": " prefix; the engine adds
// its own context.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// bodyReaders and smallBodyReaders pool the read buffers of response
// bodies: a large one for a large body or one of unknown length, a small
// one for a body that fits in it. Most responses are small, and a large
// buffer dropped from the pool at a garbage collection is 256 KiB to
// allocate and zero again.
var (
	bodyReaders      = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, largeBodyBuffer) }}
	smallBodyReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, smallBodyBuffer) }}
)

const (
	largeBodyBuffer = 256 << 10
	smallBodyBuffer = 16 << 10
)

// readBody decodes the body into the sink or a spool, under the cap.
func (e *Engine) readBody(resp *http.Response, out *Response, opt Options) error {
	if n := resp.ContentLength; n >= 0 && n <= smallBodyBuffer && opt.Progress == nil &&
		len(resp.Header["Content-Encoding"]) == 0 && (opt.Sink != nil || n <= e.spoolThreshold()) {
		return e.readSmallBody(resp, out, opt)
	}
	// The readers and writers of one body, allocated together.
	st := &bodyState{wire: countingReader{r: resp.Body}}
	wire := &st.wire
	// A large buffer means fewer read calls on a large body; they are
	// what a download costs, more than the copying. The buffers are
	// pooled: allocating and zeroing one per response dominated the cost
	// of small requests.
	pool := &bodyReaders
	if n := resp.ContentLength; n >= 0 && n <= smallBodyBuffer {
		pool = &smallBodyReaders
	}
	buffered := pool.Get().(*bufio.Reader)
	buffered.Reset(wire)
	defer func() {
		buffered.Reset(nil)
		pool.Put(buffered)
	}()
	coding := resp.Header.Get("Content-Encoding")
	if _, err := buffered.Peek(1); err != nil {
		// No body (HEAD, 204, 304) or an error that io.Copy will report:
		// there is nothing to decode, whatever Content-Encoding says.
		coding = ""
	}
	r, closers, unknown, err := decoder(buffered, coding)
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	if err != nil {
		if resp.Request.Context().Err() != nil {
			return err // cancelled or timed out: classify words it
		}
		return &Error{Kind: KindBody, Msg: err.Error(), Err: err}
	}
	if unknown != "" {
		out.Warnings = append(out.Warnings, fmt.Sprintf("unknown Content-Encoding %q: the body is shown as received", unknown))
	}
	out.Encoding = strings.TrimSpace(resp.Header.Get("Content-Encoding"))
	var dst io.Writer
	var sp *spool
	if opt.Sink != nil {
		dst = opt.Sink
	} else {
		threshold := e.spoolThreshold()
		st.spool = spool{body: &st.body, threshold: threshold, dir: e.TempDir}
		if n := resp.ContentLength; n > 0 && n <= threshold && n <= 1<<20 {
			st.spool.buf.Grow(int(n)) // one allocation of the right size
		}
		sp = &st.spool
		dst = sp
	}
	limit := int64(0)
	if r != io.Reader(buffered) { // something is decoded: cap it
		limit = e.MaxDecoded
		if limit <= 0 {
			limit = DefaultMaxDecoded
		}
	}
	st.capped = cappedWriter{w: dst, limit: limit}
	cw := &st.capped
	var w io.Writer = cw
	if opt.Progress != nil {
		total := resp.ContentLength
		if limit > 0 {
			total = -1 // Content-Length counts encoded bytes; progress counts decoded ones
		}
		w = &progressWriter{w: cw, total: total, fn: opt.Progress}
	}
	_, err = io.Copy(w, r)
	out.WireSize = wire.n
	out.BodySize = cw.n
	if sp != nil {
		out.Body = sp.finish(err != nil)
	}
	if errors.Is(err, errCapReached) {
		bomb := &DecodedTooLargeError{Encoding: out.Encoding, Limit: limit, Wire: wire.n}
		return &Error{Kind: KindBody, Msg: bomb.Error(), Err: bomb}
	}
	if err != nil {
		if ctxErr := resp.Request.Context().Err(); ctxErr != nil {
			return err
		}
		return &Error{Kind: KindBody, Msg: fmt.Sprintf("reading the response body failed after %s: %v", humanBytes(cw.n), err), Err: err}
	}
	return nil
}

// bodyState is what readBody needs for one body.
type bodyState struct {
	wire   countingReader
	capped cappedWriter
	spool  spool
	body   Body
}

// spoolThreshold is the largest body kept in memory.
func (e *Engine) spoolThreshold() int64 {
	if e.SpoolThreshold <= 0 {
		return DefaultSpoolThreshold
	}
	return e.SpoolThreshold
}

// readSmallBody reads a body that is not encoded and whose length is known
// and small (most API responses) into one buffer of that size, or writes it
// to the sink at once, without the buffered reader, decoders and counting
// writers a large or encoded body goes through. It reads on to the end of
// the body, as net/http needs to reuse the connection.
func (e *Engine) readSmallBody(resp *http.Response, out *Response, opt Options) error {
	n := resp.ContentLength
	if resp.Request != nil && resp.Request.Method == http.MethodHead {
		n = 0 // the length of the body a GET would have had
	}
	// One byte more than the length, to read the end of the body into.
	buf := make([]byte, 0, n+1)
	var err error
	for err == nil {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // more than announced
		}
		var m int
		m, err = resp.Body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
	}
	if err == io.EOF {
		err = nil
	}
	read := len(buf)
	if err == nil && opt.Sink != nil && read > 0 {
		var w int
		if w, err = opt.Sink.Write(buf); err == nil && w < read {
			err = io.ErrShortWrite // as io.Copy has it
		}
	}
	out.WireSize, out.BodySize = int64(read), int64(read)
	if err != nil {
		if resp.Request.Context().Err() != nil {
			return err // cancelled or timed out: classify words it
		}
		return &Error{Kind: KindBody, Msg: fmt.Sprintf("reading the response body failed after %s: %v", humanBytes(int64(read)), err), Err: err}
	}
	if opt.Sink == nil {
		out.Body = &Body{mem: buf, size: int64(read)}
	}
	return nil
}

type progressWriter struct {
	w     io.Writer
	n     int64
	total int64
	fn    func(int64, int64)
}

func (p *progressWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	p.n += int64(n)
	p.fn(p.n, p.total)
	return n, err
}

// headerSize is the size of the status line and header block on the wire
// for HTTP/1.x; for HTTP/2 it is the size before HPACK compression.
func headerSize(resp *http.Response) int64 {
	n := int64(len(resp.Proto) + 1 + len(resp.Status) + 2)
	for k, vs := range resp.Header {
		for _, v := range vs {
			n += int64(len(k) + 2 + len(v) + 2)
		}
	}
	return n + 2
}

// recorder is the innermost RoundTripper of a send: it picks the pooled
// transport for each hop's host and records every round trip, so the
// timeline shows auth challenges and retries as well as redirects.
type recorder struct {
	engine      *Engine
	settings    *storage.Settings
	clientCerts []authlib.ClientCert
	host        *hostOfError
	// connectionBound is set for NTLM and Negotiate, which authenticate a
	// TCP connection and so need HTTP/1.1.
	connectionBound bool

	// last is the transport of the last round trip and the host it was
	// chosen for: a send's hops and retries mostly go to one host.
	lastHost string
	last     pooledTransport

	mu     sync.Mutex
	first  *phaseClock // the clock of the first round trip, until it starts
	hop    *url.URL    // the URL of the current hop as the engine built it
	hopRed string      // hop.Redacted(), once computed
	log    []Exchange
	clocks []*phaseClock
	// Most sends have one or two round trips (a challenge and its
	// answer): their records fit here without another allocation.
	logBuf   [2]Exchange
	clockBuf [2]*phaseClock
}

// setHop names the URL that the exchanges of the next hop are shown with.
func (r *recorder) setHop(u *url.URL) {
	r.mu.Lock()
	r.hop, r.hopRed = u, ""
	r.mu.Unlock()
	if r.host != nil {
		r.host.set(u.Host)
	}
}

// hopText is u.Redacted(), computed once when u is the current hop.
func (r *recorder) hopText(u *url.URL) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if u != r.hop {
		return u.Redacted()
	}
	if r.hopRed == "" {
		r.hopRed = u.Redacted()
	}
	return r.hopRed
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	tr, err := r.transport(req.URL.Hostname())
	if err != nil {
		return nil, err
	}
	clock := r.takeFirst(req)
	if clock == nil {
		clock = newPhaseClock()
		req = req.WithContext(clock.withTrace(req.Context()))
	}
	resp, err := tr.rt.RoundTrip(req)
	ex := Exchange{Method: req.Method}
	if resp != nil {
		ex.Status = resp.StatusCode
		switch resp.StatusCode {
		case http.StatusUnauthorized:
			ex.Challenge = strings.Join(resp.Header.Values("WWW-Authenticate"), ", ")
		case http.StatusProxyAuthRequired:
			ex.Challenge = strings.Join(resp.Header.Values("Proxy-Authenticate"), ", ")
		}
	}
	ex.Timings = clock.timings(time.Now())
	r.mu.Lock()
	if r.hop != nil {
		// Not the URL on the wire: an auth scheme may have put a secret
		// in its query (an API key, a presigned signature).
		if r.hopRed == "" {
			r.hopRed = r.hop.Redacted()
		}
		ex.URL = r.hopRed
	} else {
		ex.URL = req.URL.Redacted()
	}
	r.log = append(r.log, ex)
	r.clocks = append(r.clocks, clock)
	r.mu.Unlock()
	return resp, err
}

// firstTrace returns ctx with the hooks of a clock kept for the first
// round trip, so that the request can be built with them instead of being
// copied to add them.
func (r *recorder) firstTrace(ctx context.Context, c *phaseClock) context.Context {
	r.first = c
	return c.withTrace(ctx)
}

// takeFirst returns the clock of firstTrace, started now, when req is
// traced by it and it has not been used yet; otherwise nil. A retry of
// the same request (an auth challenge answered) gets a clock of its own,
// whose hooks then run before the used one's, which only records phases
// it has not seen.
func (r *recorder) takeFirst(req *http.Request) *phaseClock {
	r.mu.Lock()
	c := r.first
	if c == nil || req.Context().Value(clockKey{}) != c {
		r.mu.Unlock()
		return nil
	}
	r.first = nil
	r.mu.Unlock()
	c.mu.Lock()
	c.start = time.Now()
	c.mu.Unlock()
	return c
}

// transport returns the pooled transport for a request to host.
func (r *recorder) transport(host string) (pooledTransport, error) {
	r.mu.Lock()
	if r.last.rt != nil && r.lastHost == host {
		tr := r.last
		r.mu.Unlock()
		return tr, nil
	}
	r.mu.Unlock()
	cfg, err := r.config(host)
	if err != nil {
		return pooledTransport{}, err
	}
	tr, err := r.engine.transports.get(cfg)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return pooledTransport{}, e
		}
		return pooledTransport{}, &Error{Kind: KindRequest, Msg: err.Error(), Err: err}
	}
	r.mu.Lock()
	r.last, r.lastHost = tr, host
	r.mu.Unlock()
	return tr, nil
}

func (r *recorder) config(host string) (transportConfig, error) {
	s := r.settings
	c := transportConfig{
		insecure:       s.Insecure,
		caFile:         s.CAFile,
		proxy:          s.Proxy,
		connectTimeout: time.Duration(s.ConnectTimeoutMs) * time.Millisecond,
	}
	if s.ClientCert != "" {
		c.clientCert = &authlib.ClientCert{CertFile: s.ClientCert, KeyFile: s.ClientKey, Password: s.ClientCertPassword}
	} else if len(r.clientCerts) > 0 {
		if cc, ok := authlib.SelectClientCert(r.clientCerts, host); ok {
			c.clientCert = &cc
		}
	}
	if pa := s.ProxyAuth; pa != nil && !pa.IsNone() && pa.Type != storage.AuthInherit {
		// Basic is sent up front through the proxy URL's userinfo, which
		// net/http puts on plain requests and on CONNECT. Digest and NTLM
		// answer the proxy's 407, which authlib does on its own dialer.
		switch strings.ToLower(pa.Type) {
		case "basic":
			c.proxyUser = url.UserPassword(pa.Params["username"], pa.Params["password"])
		case "digest", "ntlm":
			c.proxyAuth = pa
		default:
			err := fmt.Errorf("proxy auth %q is not supported: a proxy takes basic, digest or ntlm", pa.Type)
			return c, &Error{Kind: KindProxy, Msg: err.Error(), Err: err}
		}
	}
	c.http1 = r.connectionBound
	return c, nil
}

// exchanges returns the round trips recorded. It is called once the send
// is over, when nothing appends any more, so the log is handed over.
func (r *recorder) exchanges() []Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.log[:len(r.log):len(r.log)]
}

func (r *recorder) lastClock() *phaseClock {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.clocks) == 0 {
		return nil
	}
	return r.clocks[len(r.clocks)-1]
}
