package authlib

// HTTP Digest access authentication: RFC 7616, with the RFC 2617 and
// RFC 2069 forms it replaced.
//
// Supported:
//   - algorithms MD5, MD5-sess, SHA-256, SHA-256-sess, SHA-512-256 and
//     SHA-512-256-sess (§3.3, §6.1); SHA-512-256 is the FIPS 180-4
//     SHA-512/256 function, not a truncated SHA-512 (see erratum 4897);
//   - qop "auth" and "auth-int" (§3.4.3; auth-int hashes the entity body,
//     read through http.Request.GetBody), and no qop at all, in which case
//     no qop, nc or cnonce is sent and the response is the RFC 2069 form
//     H(HA1:nonce:HA2) (RFC 2617 §3.2.2.1);
//   - userhash=true (§3.4.4) and a username that is not representable in a
//     quoted-string (non-ASCII or control characters), sent as
//     username*=UTF-8''… in the RFC 5987 encoding (§3.4.4);
//   - the nonce count, incremented per nonce (§3.4); a fixed cnonce and a
//     starting nonce count can be given for reproducible requests;
//   - stale=true: one retry with the new nonce (§3.3);
//   - opaque, echoed unchanged (§3.3);
//   - several challenges in one WWW-Authenticate value or in several
//     headers: the strongest supported algorithm is chosen
//     (SHA-512-256 > SHA-256 > MD5, ties to the first offered) unless the
//     "algorithm" parameter names an offered one; qop "auth" is chosen when
//     both are offered unless the "qop" parameter asks for "auth-int";
//   - pre-emptive reuse of the last nonce for the same origin, the default
//     protection space (§3.3 "domain"), without waiting for a 401; and
//     nextnonce from Authentication-Info (§3.5).
//
// Not supported: Proxy-Authenticate/407 (proxy Digest), verifying rspauth in
// Authentication-Info (mutual authentication, §3.5), the "domain" list
// (every URI of an origin is treated as one protection space), and
// ISO-8859-1 hashing of non-ASCII values when the server does not send
// charset=UTF-8 (UTF-8 bytes are always hashed). An -sess algorithm
// without qop, which no RFC defines, sends cnonce (needed for HA1) but no
// qop or nc.
//
// Flow: the wrapper sends the request (with Authorization when it holds a
// nonce for the origin); on a 401 carrying a Digest challenge it drains and
// closes the 401 body, replays the request body through GetBody and retries
// once with Authorization. A 401 to that retry is returned to the caller,
// except that a challenge with stale=true earns one more retry; so a wrong
// password costs exactly two requests, never a loop, and no request costs
// more than three. A request with a body but no GetBody is refused before
// anything is sent. With Postman's disableRetryRequest=true the given
// realm, nonce, nonceCount, opaque, algorithm and qop are sent as they are
// and a 401 is returned at once.
//
// This is hand-written: no maintained Go client library covers RFC 7616
// (SHA-512-256, -sess, userhash, username*, auth-int) and its errata;
// the common ones support MD5 and SHA-256 with qop=auth only.

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

func init() {
	register(Method{
		Type:  "digest",
		Title: "Digest Auth",
		Help:  "RFC 7616 challenge-response with MD5, SHA-256 or SHA-512-256",
		Params: []Param{
			{Name: "username", Help: "user name (UTF-8)"},
			{Name: "password", Help: "password", Secret: true},
			{Name: "realm", Help: "realm for a pre-emptive first request; normally learned from the challenge"},
			{Name: "nonce", Help: "server nonce for a pre-emptive first request; normally learned from the challenge"},
			{Name: "algorithm", Help: "preferred algorithm when the server offers several", Choices: digestAlgorithmNames()},
			{Name: "qop", Help: "preferred quality of protection when the server offers both", Choices: []string{"auth", "auth-int"}},
			{Name: "nonceCount", Help: "first nonce count for the given nonce, hexadecimal (alias: nc)"},
			{Name: "clientNonce", Help: "fixed client nonce instead of a random one (alias: cnonce)"},
			{Name: "opaque", Help: "opaque value for a pre-emptive first request; normally learned from the challenge"},
			{Name: "disableRetryRequest", Help: "true: send exactly the given values and never answer a challenge", Choices: []string{"true", "false"}},
		},
		New: func(p Params) (Scheme, error) { return newDigestFromParams(p) },
	})
}

// digestAlgo is one supported algorithm.
type digestAlgo struct {
	Name string // canonical spelling, RFC 7616 §6.1
	New  func() hash.Hash
	Sess bool
	Rank int // strength of the hash, higher is stronger
}

var digestAlgos = []digestAlgo{
	{"MD5", md5.New, false, 1},
	{"MD5-sess", md5.New, true, 1},
	{"SHA-256", sha256.New, false, 2},
	{"SHA-256-sess", sha256.New, true, 2},
	{"SHA-512-256", sha512.New512_256, false, 3},
	{"SHA-512-256-sess", sha512.New512_256, true, 3},
}

func digestAlgorithmNames() []string {
	names := make([]string, len(digestAlgos))
	for i, a := range digestAlgos {
		names[i] = a.Name
	}
	return names
}

// digestLookupAlgo finds an algorithm by name, case-insensitively. An
// empty name is MD5 (RFC 7616 §3.3: "If this is not present, it is assumed
// to be MD5").
func digestLookupAlgo(name string) (digestAlgo, bool) {
	if name == "" {
		return digestAlgos[0], true
	}
	for _, a := range digestAlgos {
		if strings.EqualFold(a.Name, name) {
			return a, true
		}
	}
	return digestAlgo{}, false
}

func digestHex(h func() hash.Hash, parts ...string) string {
	x := h()
	for i, p := range parts {
		if i > 0 {
			x.Write([]byte{':'})
		}
		io.WriteString(x, p)
	}
	return hex.EncodeToString(x.Sum(nil))
}

// digestInputs are the values one Authorization header is computed from.
type digestInputs struct {
	Algorithm string // as the server spelled it; "" means MD5
	Username  string
	Password  string
	Realm     string
	Nonce     string
	CNonce    string
	NC        uint32
	QOP       string // "", "auth" or "auth-int"
	Method    string
	URI       string
	BodyHash  string // hex H(entity-body), for auth-int
	Userhash  bool
}

// digestResult is what digestCompute derives, with the formulas for the
// trace.
type digestResult struct {
	HA1, HA2, Response string
	Username           string // the username as sent: hashed when Userhash
	HA1Formula         string
	HA2Formula         string
	HA2Input           string
	ResponseFormula    string
}

// digestNC formats a nonce count as the 8 hex digits of RFC 7616 §3.4.
func digestNC(nc uint32) string { return fmt.Sprintf("%08x", nc) }

// digestCompute applies RFC 7616 §3.4.1–§3.4.4 (and RFC 2617 §3.2.2.1 when
// there is no qop).
func digestCompute(in digestInputs) (digestResult, error) {
	alg, ok := digestLookupAlgo(in.Algorithm)
	if !ok {
		return digestResult{}, fmt.Errorf("authlib: digest: unsupported algorithm %q (supported: %s)", in.Algorithm, strings.Join(digestAlgorithmNames(), ", "))
	}
	h := alg.New
	var r digestResult
	r.HA1 = digestHex(h, in.Username, in.Realm, in.Password)
	r.HA1Formula = alg.Name + "(username \":\" realm \":\" password)"
	if alg.Sess {
		r.HA1 = digestHex(h, r.HA1, in.Nonce, in.CNonce)
		r.HA1Formula = alg.Name + "(" + alg.Name + "(username \":\" realm \":\" password) \":\" nonce \":\" cnonce)"
	}
	switch in.QOP {
	case "auth-int":
		r.HA2Input = in.Method + ":" + in.URI + ":" + in.BodyHash
		r.HA2Formula = alg.Name + "(method \":\" uri \":\" " + alg.Name + "(entity-body))"
	case "", "auth":
		r.HA2Input = in.Method + ":" + in.URI
		r.HA2Formula = alg.Name + "(method \":\" uri)"
	default:
		return digestResult{}, fmt.Errorf("authlib: digest: unsupported qop %q (supported: auth, auth-int)", in.QOP)
	}
	r.HA2 = digestHex(h, r.HA2Input)
	if in.QOP == "" {
		r.Response = digestHex(h, r.HA1, in.Nonce, r.HA2)
		r.ResponseFormula = alg.Name + "(HA1 \":\" nonce \":\" HA2)   (RFC 2069 form: the server offered no qop)"
	} else {
		r.Response = digestHex(h, r.HA1, in.Nonce, digestNC(in.NC), in.CNonce, in.QOP, r.HA2)
		r.ResponseFormula = alg.Name + "(HA1 \":\" nonce \":\" nc \":\" cnonce \":\" qop \":\" HA2)"
	}
	r.Username = in.Username
	if in.Userhash {
		r.Username = digestHex(h, in.Username, in.Realm)
	}
	return r, nil
}

// digestQuote writes s as a quoted-string (RFC 9110 §5.6.4).
func digestQuote(s string) string {
	if !strings.ContainsAny(s, `"\`) {
		return `"` + s + `"`
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}

// digestNeedsExtValue reports whether s cannot travel inside a
// quoted-string as plain ASCII, so RFC 7616 §3.4.4 wants username*.
func digestNeedsExtValue(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 0x20 && c != '\t') || c >= 0x7f {
			return true
		}
	}
	return false
}

// digestExtValue encodes s as an RFC 5987 §3.2 ext-value in UTF-8.
func digestExtValue(s string) string {
	const hexdig = "0123456789ABCDEF"
	var b strings.Builder
	b.WriteString("UTF-8''")
	for i := 0; i < len(s); i++ {
		c := s[i]
		if ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexdig[c>>4])
		b.WriteByte(hexdig[c&15])
	}
	return b.String()
}

// digestHeaderFields are the fields of one Authorization header.
type digestHeaderFields struct {
	Username      string // as sent (hashed when Userhash)
	Realm, URI    string
	Algorithm     string // omitted when empty
	Nonce, CNonce string
	NC            uint32
	QOP           string
	Response      string
	Opaque        string
	HasOpaque     bool
	Userhash      bool
	SendCNonce    bool // -sess without qop still needs cnonce
}

// digestBuildHeader renders the Authorization value in the order of the
// RFC 7616 §3.9.1 example.
func digestBuildHeader(f digestHeaderFields) string {
	var p []string
	switch {
	case f.Userhash:
		p = append(p, "username="+digestQuote(f.Username))
	case digestNeedsExtValue(f.Username):
		p = append(p, "username*="+digestExtValue(f.Username))
	default:
		p = append(p, "username="+digestQuote(f.Username))
	}
	p = append(p, "realm="+digestQuote(f.Realm), "uri="+digestQuote(f.URI))
	if f.Algorithm != "" {
		p = append(p, "algorithm="+f.Algorithm)
	}
	p = append(p, "nonce="+digestQuote(f.Nonce))
	if f.QOP != "" {
		p = append(p, "nc="+digestNC(f.NC), "cnonce="+digestQuote(f.CNonce), "qop="+f.QOP)
	} else if f.SendCNonce {
		p = append(p, "cnonce="+digestQuote(f.CNonce))
	}
	p = append(p, "response="+digestQuote(f.Response))
	if f.HasOpaque {
		p = append(p, "opaque="+digestQuote(f.Opaque))
	}
	if f.Userhash {
		p = append(p, "userhash=true")
	}
	return "Digest " + strings.Join(p, ", ")
}

// digestChallenge is a Digest challenge as RFC 7616 §3.3 reads it.
type digestChallenge struct {
	Realm     string
	Nonce     string
	Opaque    string
	HasOpaque bool
	Algorithm string // as sent; "" when absent (MD5)
	Algo      digestAlgo
	QOP       []string // offered, lowercased; empty means RFC 2069 (no qop)
	Stale     bool
	Userhash  bool
	Charset   string
	Params    []digestAuthParam
}

// digestInterpret checks a parsed challenge whose scheme is Digest.
func digestInterpret(c digestAuthChallenge) (digestChallenge, error) {
	var d digestChallenge
	d.Params = c.Params
	var ok bool
	if d.Nonce, ok = c.Param("nonce"); !ok {
		return d, errors.New("authlib: digest: challenge: no nonce")
	}
	d.Realm, _ = c.Param("realm")
	d.Opaque, d.HasOpaque = c.Param("opaque")
	d.Algorithm, _ = c.Param("algorithm")
	if d.Algo, ok = digestLookupAlgo(d.Algorithm); !ok {
		return d, fmt.Errorf("authlib: digest: challenge: unsupported algorithm %q (supported: %s)", d.Algorithm, strings.Join(digestAlgorithmNames(), ", "))
	}
	if q, ok := c.Param("qop"); ok {
		for _, v := range strings.Split(q, ",") {
			if v = strings.ToLower(strings.TrimSpace(v)); v != "" {
				d.QOP = append(d.QOP, v)
			}
		}
		if len(d.QOP) > 0 && !containsFold(d.QOP, "auth") && !containsFold(d.QOP, "auth-int") {
			return d, fmt.Errorf("authlib: digest: challenge: unsupported qop %q (supported: auth, auth-int)", q)
		}
	}
	s, _ := c.Param("stale")
	d.Stale = strings.EqualFold(strings.TrimSpace(s), "true")
	u, _ := c.Param("userhash")
	d.Userhash = strings.EqualFold(strings.TrimSpace(u), "true")
	d.Charset, _ = c.Param("charset")
	return d, nil
}

// Digest is the Digest scheme. It keeps the last nonce per origin with its
// nonce count, and is safe for concurrent use.
type Digest struct {
	user, password string
	algorithm      string // preferred; "" for the strongest offered
	qop            string // preferred; "" for auth
	cnonce         string // fixed client nonce, or "" for random
	noRetry        bool   // Postman's disableRetryRequest: never answer a challenge
	seed           *digestSession

	mu       sync.Mutex
	sessions map[string]*digestSession // by origin
}

// digestSession is the protection-space state for one origin.
type digestSession struct {
	realm, nonce, opaque string
	hasOpaque            bool
	algorithm            string // as the server spelled it
	qop                  string // chosen: "", "auth" or "auth-int"
	userhash             bool
	nc                   uint32 // last nonce count sent with nonce
}

// DigestOptions are the optional values of [NewDigest]. Realm, Nonce and
// Opaque seed a pre-emptive first request (they are replaced by the
// server's challenge unless NoRetry is set); Algorithm and QOP are
// preferences among what the server offers.
type DigestOptions struct {
	Realm, Nonce, Opaque string
	Algorithm            string
	QOP                  string
	NonceCount           uint32 // first nonce count for Nonce; 0 means 1
	CNonce               string
	// NoRetry sends exactly the given values and returns a 401 as it is
	// (Postman's "disableRetryRequest"). The given values then also
	// override a challenge learned from an earlier 401.
	NoRetry bool
}

// NewDigest returns the Digest scheme for user and password.
func NewDigest(user, password string, o DigestOptions) (*Digest, error) {
	if o.Algorithm != "" {
		a, ok := digestLookupAlgo(o.Algorithm)
		if !ok {
			return nil, fmt.Errorf("authlib: digest: parameter \"algorithm\" is %q; want one of %s", o.Algorithm, strings.Join(digestAlgorithmNames(), ", "))
		}
		o.Algorithm = a.Name
	}
	o.QOP = strings.ToLower(strings.TrimSpace(o.QOP))
	if o.QOP != "" && o.QOP != "auth" && o.QOP != "auth-int" {
		return nil, fmt.Errorf("authlib: digest: parameter \"qop\" is %q; want auth or auth-int", o.QOP)
	}
	if strings.ContainsAny(o.CNonce, "\r\n") || strings.ContainsAny(o.Nonce, "\r\n") || strings.ContainsAny(o.Realm, "\r\n") || strings.ContainsAny(o.Opaque, "\r\n") {
		return nil, errors.New("authlib: digest: realm, nonce, opaque and client nonce must not contain line breaks")
	}
	d := &Digest{
		user: user, password: password,
		algorithm: o.Algorithm, qop: o.QOP, cnonce: o.CNonce, noRetry: o.NoRetry,
		sessions: map[string]*digestSession{},
	}
	if o.Nonce != "" {
		nc := o.NonceCount
		if nc > 0 {
			nc-- // the session holds the last count sent
		}
		d.seed = &digestSession{
			realm: o.Realm, nonce: o.Nonce, opaque: o.Opaque, hasOpaque: o.Opaque != "",
			algorithm: o.Algorithm, qop: o.QOP, nc: nc,
		}
	}
	return d, nil
}

func newDigestFromParams(p Params) (*Digest, error) {
	o := DigestOptions{
		Realm: p["realm"], Nonce: p["nonce"], Opaque: p["opaque"],
		Algorithm: p["algorithm"], QOP: p["qop"],
		CNonce: p.Get("clientNonce", p["cnonce"]),
	}
	if s := strings.TrimSpace(p.Get("nonceCount", p["nc"])); s != "" {
		n, err := strconv.ParseUint(s, 16, 32)
		if err != nil {
			return nil, fmt.Errorf("authlib: digest: parameter \"nonceCount\" is %q; want up to 8 hexadecimal digits such as 00000001", s)
		}
		o.NonceCount = uint32(n)
	}
	if s := strings.TrimSpace(p["disableRetryRequest"]); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return nil, fmt.Errorf("authlib: digest: parameter \"disableRetryRequest\" is %q; want true or false", s)
		}
		o.NoRetry = b
	}
	return NewDigest(p["username"], p["password"], o)
}

// digestOrigin keys the protection space: scheme, host and port.
func digestOrigin(u *url.URL) string {
	port := u.Port()
	if port == "" {
		switch strings.ToLower(u.Scheme) {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Hostname()) + ":" + port
}

// errDigestNoGetBody is returned for a request whose body cannot be
// replayed.
var errDigestNoGetBody = errors.New("authlib: digest: the request has a body but no GetBody, so the body cannot be sent again after the server's challenge; build it with http.NewRequest from a bytes, strings or bytes.Buffer reader, or set GetBody")

// Wrap implements [Scheme].
func (d *Digest) Wrap(next http.RoundTripper) http.RoundTripper {
	return RoundTripFunc(func(r *http.Request) (*http.Response, error) { return d.roundTrip(next, r) })
}

func (d *Digest) roundTrip(next http.RoundTripper, req *http.Request) (*http.Response, error) {
	hasBody := req.Body != nil && req.Body != http.NoBody
	if hasBody && req.GetBody == nil {
		req.Body.Close()
		return nil, errDigestNoGetBody
	}
	tr := TraceFrom(req.Context())
	warnPlainHTTP(tr, req, "Digest")
	origin := digestOrigin(req.URL)
	retried, staleRetried := false, false
	// At most three sends: the first, one retry after a challenge, and one
	// more after stale=true.
	for attempt := 0; attempt < 3; attempt++ {
		out := cloneRequest(req)
		if attempt > 0 && hasBody {
			b, err := req.GetBody()
			if err != nil {
				return nil, fmt.Errorf("authlib: digest: replaying the request body: %w", err)
			}
			out.Body = b
		}
		authorized, err := d.authorize(out, origin, tr, hasBody)
		if err != nil {
			return nil, err
		}
		resp, err := next.RoundTrip(out)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusUnauthorized {
			if authorized {
				d.learnAuthInfo(resp, origin, tr)
			}
			return resp, nil
		}
		ch, ok, err := d.readChallenge(resp, tr)
		if err != nil {
			digestDrain(resp)
			return nil, err
		}
		if !ok {
			return resp, nil
		}
		if d.noRetry {
			d.store(origin, ch)
			tr.Add("digest", "Not retrying: disableRetryRequest is set; the next request will use this challenge")
			return resp, nil
		}
		switch {
		case !authorized && !retried:
			retried = true
		case authorized && ch.Stale && !staleRetried:
			staleRetried = true
			tr.Add("digest", "The nonce is stale (stale=true): retrying once with the new nonce (RFC 7616 §3.3)")
		case authorized && attempt == 0 && !retried:
			// The cached nonce was refused; answer the fresh challenge once.
			retried = true
			tr.Add("digest", "The server refused the cached nonce: answering its new challenge")
		default:
			tr.Add("digest", "The server refused the credentials: returning its 401 (wrong user name or password, or a value the server rejects)")
			return resp, nil
		}
		d.store(origin, ch)
		digestDrain(resp)
	}
	return nil, errors.New("authlib: digest: the server kept answering 401 with new challenges; gave up after 3 requests")
}

// digestDrain reads a little of an unwanted response body so that the
// connection can be reused, then closes it.
func digestDrain(resp *http.Response) {
	io.CopyN(io.Discard, resp.Body, 64<<10)
	resp.Body.Close()
}

// store replaces the origin's session with one built from ch. With
// NoRetry and user-given values, the user's session is kept (its nonce and
// count go on) and only its empty fields are filled from ch.
func (d *Digest) store(origin string, ch digestChallenge) {
	qop := d.chooseQOP(ch.QOP)
	d.mu.Lock()
	defer d.mu.Unlock()
	if cur := d.sessions[origin]; d.noRetry && d.seed != nil && cur != nil {
		if cur.realm == "" {
			cur.realm = ch.Realm
		}
		if !cur.hasOpaque {
			cur.opaque, cur.hasOpaque = ch.Opaque, ch.HasOpaque
		}
		if cur.algorithm == "" {
			cur.algorithm = ch.Algorithm
		}
		if cur.qop == "" {
			cur.qop = qop
		}
		cur.userhash = ch.Userhash
		return
	}
	d.sessions[origin] = &digestSession{
		realm: ch.Realm, nonce: ch.Nonce, opaque: ch.Opaque, hasOpaque: ch.HasOpaque,
		algorithm: ch.Algorithm, qop: qop, userhash: ch.Userhash,
	}
}

// chooseQOP picks among the offered qop values: the user's preference when
// offered, else auth, else auth-int; none when none is offered.
func (d *Digest) chooseQOP(offered []string) string {
	if len(offered) == 0 {
		return ""
	}
	if d.qop != "" && containsFold(offered, d.qop) {
		return d.qop
	}
	if containsFold(offered, "auth") {
		return "auth"
	}
	return "auth-int"
}

// readChallenge parses every WWW-Authenticate header of a 401 and picks a
// Digest challenge. ok is false when there is none to answer; err is set
// when the only Digest challenges are malformed.
func (d *Digest) readChallenge(resp *http.Response, tr *Trace) (digestChallenge, bool, error) {
	var (
		found    []digestChallenge
		others   []string
		firstErr error
	)
	for hi, v := range resp.Header.Values("WWW-Authenticate") {
		chs, err := digestParseChallenges(v)
		if err != nil {
			tr.Warn(fmt.Sprintf("Digest: WWW-Authenticate header %d could not be parsed: %v", hi+1, err))
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		for _, c := range chs {
			if !strings.EqualFold(c.Scheme, "Digest") {
				others = append(others, c.Scheme)
				continue
			}
			fields := []Field{F("header", "WWW-Authenticate #"+strconv.Itoa(hi+1))}
			for _, p := range c.Params {
				fields = append(fields, F(p.Name, p.Value))
			}
			dc, err := digestInterpret(c)
			if err != nil {
				fields = append(fields, F("skipped", err.Error()))
				tr.Add("digest", "Server challenge (RFC 7616 §3.3), not usable", fields...)
				if firstErr == nil {
					firstErr = err
				}
				continue
			}
			tr.Add("digest", "Server challenge (RFC 7616 §3.3)", fields...)
			found = append(found, dc)
		}
	}
	if len(found) == 0 {
		if firstErr != nil {
			return digestChallenge{}, false, fmt.Errorf("%w (the server's 401 has no usable Digest challenge)", firstErr)
		}
		msg := "the server answered 401 without a Digest challenge"
		if len(others) > 0 {
			msg += " (it offers: " + strings.Join(others, ", ") + ")"
		}
		tr.Warn("Digest: " + msg)
		return digestChallenge{}, false, nil
	}
	best, why := 0, "strongest supported algorithm"
	for i, c := range found {
		if d.algorithm != "" && strings.EqualFold(c.Algo.Name, d.algorithm) {
			best, why = i, "the algorithm you asked for"
			break
		}
		if c.Algo.Rank > found[best].Algo.Rank {
			best = i
		}
	}
	if d.algorithm != "" && !strings.EqualFold(found[best].Algo.Name, d.algorithm) {
		why += "; the server does not offer " + d.algorithm
	}
	ch := found[best]
	qop := d.chooseQOP(ch.QOP)
	if qop == "" {
		qop = "(none: RFC 2069 form)"
	}
	tr.Add("digest", "Chose a challenge",
		F("algorithm", ch.Algo.Name), F("qop", qop), F("realm", ch.Realm),
		F("why", fmt.Sprintf("%s, of %d Digest challenge(s)", why, len(found))))
	return ch, true, nil
}

// learnAuthInfo takes nextnonce from Authentication-Info (RFC 7616 §3.5).
func (d *Digest) learnAuthInfo(resp *http.Response, origin string, tr *Trace) {
	v := resp.Header.Get("Authentication-Info")
	if v == "" {
		return
	}
	ps, err := digestParseParamList("Authentication-Info", v)
	if err != nil {
		tr.Warn("Digest: " + err.Error())
		return
	}
	next, ok := digestParamLookup(ps, "nextnonce")
	if !ok || next == "" {
		return
	}
	d.mu.Lock()
	if s := d.sessions[origin]; s != nil && s.nonce != next {
		s.nonce, s.nc = next, 0
	}
	d.mu.Unlock()
	tr.Add("digest", "Server sent the next nonce (Authentication-Info, RFC 7616 §3.5)", F("nextnonce", next))
}

// authorize adds the Authorization header to out when a nonce is known for
// origin, and reports whether it did.
func (d *Digest) authorize(out *http.Request, origin string, tr *Trace, hasBody bool) (bool, error) {
	fail := func(err error) (bool, error) {
		if out.Body != nil {
			out.Body.Close()
		}
		return false, err
	}
	d.mu.Lock()
	s := d.sessions[origin]
	if s == nil && d.seed != nil {
		c := *d.seed
		s = &c
		d.sessions[origin] = s
	}
	if s == nil {
		d.mu.Unlock()
		return false, nil
	}
	s.nc++
	snap := *s
	d.mu.Unlock()

	cnonce := d.cnonce
	alg, ok := digestLookupAlgo(snap.algorithm)
	if !ok {
		return fail(fmt.Errorf("authlib: digest: unsupported algorithm %q", snap.algorithm))
	}
	if cnonce == "" && (snap.qop != "" || alg.Sess) {
		var b [16]byte
		rand.Read(b[:])
		cnonce = hex.EncodeToString(b[:])
	}
	in := digestInputs{
		Algorithm: snap.algorithm, Username: d.user, Password: d.password,
		Realm: snap.realm, Nonce: snap.nonce, CNonce: cnonce, NC: snap.nc, QOP: snap.qop,
		Method: out.Method, URI: out.URL.RequestURI(), Userhash: snap.userhash,
	}
	if out.Method == "" {
		in.Method = http.MethodGet
	}
	if snap.qop == "auth-int" {
		bh, n, err := d.bodyHash(out, alg, hasBody)
		if err != nil {
			return fail(err)
		}
		in.BodyHash = bh
		tr.Add("digest", "Hashed the entity body for qop=auth-int (RFC 7616 §3.4.3)",
			F("formula", alg.Name+"(entity-body)"), F("body bytes", strconv.FormatInt(n, 10)), F("H(entity-body)", bh))
	}
	res, err := digestCompute(in)
	if err != nil {
		return fail(err)
	}
	f := digestHeaderFields{
		Username: res.Username, Realm: snap.realm, URI: in.URI, Algorithm: snap.algorithm,
		Nonce: snap.nonce, CNonce: cnonce, NC: snap.nc, QOP: snap.qop, Response: res.Response,
		Opaque: snap.opaque, HasOpaque: snap.hasOpaque, Userhash: snap.userhash,
		SendCNonce: alg.Sess,
	}
	header := digestBuildHeader(f)
	out.Header.Set("Authorization", header)

	userField := F("username", d.user)
	switch {
	case snap.userhash:
		tr.Add("digest", "Hashed the user name (userhash=true, RFC 7616 §3.4.4)",
			F("formula", alg.Name+"(username \":\" realm)"), F("username", d.user), F("username sent", res.Username))
	case digestNeedsExtValue(d.user):
		userField = F("username", d.user+"   (sent as username*="+digestExtValue(d.user)+", RFC 7616 §3.4.4)")
	}
	tr.Add("digest", "Computed HA1 (RFC 7616 §3.4.2)",
		F("formula", res.HA1Formula), userField, F("realm", snap.realm), S("password", d.password),
		F("HA1", Mask(res.HA1)+"   (derived from the password, so hidden)"))
	tr.Add("digest", "Computed HA2 (RFC 7616 §3.4.3)",
		F("formula", res.HA2Formula), F("input", res.HA2Input), F("HA2", res.HA2))
	respFields := []Field{F("formula", res.ResponseFormula), F("nonce", snap.nonce)}
	if snap.qop != "" {
		respFields = append(respFields, F("nc", digestNC(snap.nc)), F("cnonce", cnonce), F("qop", snap.qop))
	} else if alg.Sess {
		respFields = append(respFields, F("cnonce", cnonce))
	}
	respFields = append(respFields, F("response", Mask(res.Response)))
	tr.Add("digest", "Computed the response (RFC 7616 §3.4.1)", respFields...)
	f.Response = Mask(res.Response)
	tr.Add("digest", "Authorization header", F("Authorization", digestBuildHeader(f)))
	return true, nil
}

// bodyHash returns the hex hash of the request body and its length. It
// reads a copy through GetBody, so the body sent is not consumed.
func (d *Digest) bodyHash(out *http.Request, alg digestAlgo, hasBody bool) (string, int64, error) {
	h := alg.New()
	if !hasBody {
		return hex.EncodeToString(h.Sum(nil)), 0, nil
	}
	rc, err := out.GetBody()
	if err != nil {
		return "", 0, fmt.Errorf("authlib: digest: reading the body for qop=auth-int: %w", err)
	}
	defer rc.Close()
	n, err := io.Copy(h, rc)
	if err != nil {
		return "", 0, fmt.Errorf("authlib: digest: reading the body for qop=auth-int: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
