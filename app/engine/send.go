package engine

import (
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
	schemes    map[string]authlib.Scheme
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
	// the Content-Length (-1 when unknown). It runs on the send's
	// goroutine and must not block.
	Progress func(received, total int64)
	// OnHeader is called once the final response's status and header have
	// arrived, before the body is read, so a caller can print them ahead of
	// a streamed body. It receives the Response as filled so far.
	OnHeader func(*Response)
	// Trace collects the auth steps; a new one is made when nil.
	Trace *authlib.Trace
}

// Send sends r and reads the whole response. Cancel ctx to stop it at any
// point. Errors are of type *Error.
func (e *Engine) Send(ctx context.Context, r storage.Request, opt Options) (*Response, error) {
	resp, err := e.send(ctx, r, opt)
	if err != nil {
		host := ""
		if u, perr := url.Parse(r.URL); perr == nil {
			host = u.Host
		}
		timeout := time.Duration(r.Settings.TimeoutMs) * time.Millisecond
		if timeout == 0 {
			timeout = opt.Timeout
		}
		return nil, classify(err, host, timeout, ctx)
	}
	return resp, nil
}

func (e *Engine) send(parent context.Context, r storage.Request, opt Options) (*Response, error) {
	started := time.Now()
	res, err := resolve(r, opt.Vars)
	if err != nil {
		return nil, err
	}
	body, err := buildBody(res.Body)
	if err != nil {
		return nil, &Error{Kind: KindRequest, Msg: err.Error(), Err: err}
	}
	timeout := time.Duration(res.Settings.TimeoutMs) * time.Millisecond
	if timeout == 0 {
		timeout = opt.Timeout
	}
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	if timeout > 0 {
		var stop context.CancelFunc
		ctx, stop = context.WithTimeoutCause(ctx, timeout, errTotalTimeout)
		defer stop()
	}
	trace := opt.Trace
	if trace == nil {
		trace = &authlib.Trace{}
	}
	ctx = authlib.WithTrace(ctx, trace)

	scheme, err := e.scheme(res, opt)
	if err != nil {
		return nil, &Error{Kind: KindAuth, Msg: err.Error(), Err: err}
	}
	res.url.User = nil

	req, err := newHTTPRequest(ctx, res, body)
	if err != nil {
		return nil, err
	}
	setAcceptEncoding(req)

	rec := &recorder{engine: e, settings: res.Settings, clientCerts: opt.ClientCerts}
	client := &http.Client{
		Jar:           e.jar(opt.CollectionID),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	out := &Response{Started: started}
	resp, err := e.follow(ctx, client, req, scheme, rec, res.Settings, out)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out.Status = resp.StatusCode
	out.StatusText = resp.Status
	out.Proto = resp.Proto
	out.URL = resp.Request.URL.String()
	out.Method = resp.Request.Method
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
	out.Warnings = trace.Warnings()
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
	if a.IsNone() {
		if !opt.Netrc || res.Settings.NoNetrc {
			return nil, nil
		}
		if _, ok := authlib.Lookup("netrc"); !ok {
			return nil, nil
		}
		a = storage.AuthSpec{Type: "netrc", Params: map[string]string{"implicit": "true"}}
	}
	key := opt.SchemeKey + "\x00" + fingerprint(a)
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
		e.schemes = map[string]authlib.Scheme{}
	}
	e.schemes[key] = s
	return s, nil
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
		fmt.Fprintf(h, "\x00%s\x00%s", k, a.Params[k])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// jar returns the cookie jar of a collection, with public-suffix rules.
func (e *Engine) jar(collection string) http.CookieJar {
	e.mu.Lock()
	defer e.mu.Unlock()
	if j, ok := e.jars[collection]; ok {
		return j
	}
	j, _ := cookiejar.New(&cookiejar.Options{PublicSuffixList: publicsuffix.List})
	if e.jars == nil {
		e.jars = map[string]http.CookieJar{}
	}
	e.jars[collection] = j
	return j
}

// CookieJar returns the jar of a collection, for the window's cookie view
// and for persisting cookies.
func (e *Engine) CookieJar(collection string) http.CookieJar { return e.jar(collection) }

// CloseIdleConnections closes kept-alive connections.
func (e *Engine) CloseIdleConnections() { e.transports.closeIdle() }

// follow sends req and follows redirects as the settings ask. Credentials
// are dropped for good at the first hop that leaves the origin.
func (e *Engine) follow(ctx context.Context, client *http.Client, req *http.Request, scheme authlib.Scheme, rec *recorder, s storage.Settings, out *Response) (*http.Response, error) {
	maxHops := s.MaxRedirects
	if maxHops <= 0 {
		maxHops = DefaultMaxRedirects
	}
	chain := []string{req.URL.String()}
	original := req.Header.Clone()
	stripped := false
	for {
		client.Transport = rec
		if scheme != nil && !stripped {
			client.Transport = scheme.Wrap(rec)
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, unwrapURLError(err)
		}
		if s.NoFollow || !isRedirect(resp.StatusCode) {
			return resp, nil
		}
		loc := resp.Header.Get("Location")
		if loc == "" {
			return resp, nil
		}
		next, err := req.URL.Parse(loc)
		if err != nil {
			resp.Body.Close()
			return nil, &Error{Kind: KindRedirect, Msg: fmt.Sprintf("%s redirected to a bad Location %q: %v", req.URL.Redacted(), loc, err), Err: err}
		}
		chain = append(chain, next.String())
		if len(chain)-1 > maxHops {
			drain(resp)
			return nil, &Error{Kind: KindRedirect, Err: errors.New("too many redirects"), Msg: (&RedirectError{Chain: chain, Loop: hasRepeat(chain), Max: maxHops}).Error()}
		}
		method, keepBody := redirectMethod(resp.StatusCode, req.Method)
		drop := shouldStripAuth(req.URL, next)
		if drop {
			stripped = true
		}
		out.Redirects = append(out.Redirects, Redirect{Status: resp.StatusCode, From: req.URL.String(), To: next.String(), Method: method, CredentialsDropped: stripped})
		drain(resp)

		nreq, err := http.NewRequestWithContext(ctx, method, next.String(), nil)
		if err != nil {
			return nil, err
		}
		nreq.Header = original.Clone()
		if keepBody && req.GetBody != nil {
			b, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			nreq.Body, nreq.GetBody, nreq.ContentLength = b, req.GetBody, req.ContentLength
		} else {
			for _, h := range []string{"Content-Type", "Content-Length", "Content-Encoding", "Content-Language", "Content-Location", "Transfer-Encoding"} {
				nreq.Header.Del(h)
			}
		}
		if stripped {
			for _, h := range sensitiveHeaders {
				nreq.Header.Del(h)
			}
		}
		req = nreq
	}
}

func hasRepeat(chain []string) bool {
	seen := map[string]bool{}
	for _, u := range chain {
		if seen[u] {
			return true
		}
		seen[u] = true
	}
	return false
}

// drain reads a little of a body we do not keep, so the connection can be
// reused, then closes it.
func drain(resp *http.Response) {
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

// unwrapURLError removes net/http's "Get "url": " prefix; the engine adds
// its own context.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// setAcceptEncoding asks for the codings the engine can decode, unless the
// request chose its own.
func setAcceptEncoding(req *http.Request) {
	if req.Header.Get("Accept-Encoding") == "" {
		req.Header.Set("Accept-Encoding", "gzip, deflate, br")
	}
}

// readBody decodes the body into the sink or a spool, under the cap.
func (e *Engine) readBody(resp *http.Response, out *Response, opt Options) error {
	wire := &countingReader{r: resp.Body}
	r, closers, unknown, err := decoder(wire, resp.Header.Get("Content-Encoding"))
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	if err != nil {
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
		threshold := e.SpoolThreshold
		if threshold <= 0 {
			threshold = DefaultSpoolThreshold
		}
		sp = newSpool(threshold, e.TempDir)
		dst = sp
	}
	limit := int64(0)
	if out.Encoding != "" && unknown == "" {
		limit = e.MaxDecoded
		if limit <= 0 {
			limit = DefaultMaxDecoded
		}
	}
	cw := &cappedWriter{w: dst, limit: limit}
	var w io.Writer = cw
	if opt.Progress != nil {
		w = &progressWriter{w: cw, total: resp.ContentLength, fn: opt.Progress}
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
	settings    storage.Settings
	clientCerts []authlib.ClientCert

	mu     sync.Mutex
	log    []Exchange
	clocks []*phaseClock
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	tr, err := r.engine.transports.get(r.config(req.URL.Hostname()))
	if err != nil {
		return nil, &Error{Kind: KindRequest, Msg: err.Error(), Err: err}
	}
	clock := newPhaseClock()
	resp, err := tr.RoundTrip(req.WithContext(clock.withTrace(req.Context())))
	ex := Exchange{Method: req.Method, URL: req.URL.Redacted()}
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
	r.log = append(r.log, ex)
	r.clocks = append(r.clocks, clock)
	r.mu.Unlock()
	return resp, err
}

func (r *recorder) config(host string) transportConfig {
	s := r.settings
	c := transportConfig{
		insecure:       s.Insecure,
		caFile:         s.CAFile,
		proxy:          s.Proxy,
		connectTimeout: time.Duration(s.ConnectTimeoutMs) * time.Millisecond,
	}
	if s.ClientCert != "" {
		c.clientCert = &authlib.ClientCert{CertFile: s.ClientCert, KeyFile: s.ClientKey, Password: s.ClientCertPassword}
	} else if cc, ok := authlib.SelectClientCert(r.clientCerts, host); ok {
		c.clientCert = &cc
	}
	return c
}

func (r *recorder) exchanges() []Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Exchange(nil), r.log...)
}

func (r *recorder) lastClock() *phaseClock {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.clocks) == 0 {
		return nil
	}
	return r.clocks[len(r.clocks)-1]
}
