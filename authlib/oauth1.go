package authlib

// OAuth 1.0a request signing, RFC 5849.
//
// Supported:
//   - the signature methods of RFC 5849 §3.4: HMAC-SHA1 (§3.4.2), RSA-SHA1
//     (§3.4.3) and PLAINTEXT (§3.4.4), plus the HMAC-SHA256, HMAC-SHA512,
//     RSA-SHA256 and RSA-SHA512 variants that Postman and oauthlib offer
//     (same construction, another hash);
//   - the signature base string of §3.4.1: the base string URI with the
//     host lower-cased and a default port dropped (§3.4.1.2), the query
//     parameters, the protocol parameters and, for a single-part
//     application/x-www-form-urlencoded body, the body parameters
//     (§3.4.1.3.1), normalised as in §3.4.1.3.2 with the encoding of §3.6;
//   - the three ways of sending the parameters of §3.5: the Authorization
//     header (the default, §3.5.1), the query string (§3.5.3) and the form
//     body (§3.5.2, only for an application/x-www-form-urlencoded body);
//   - oauth_callback and oauth_verifier for the token requests of §2, and
//     the three-legged flow in oauth1_flow.go;
//   - oauth_body_hash from the "OAuth Request Body Hash" draft
//     (draft-eaton-oauth-bodyhash-00 §3) for requests whose body is not a
//     form, with the hash of the signature method (SHA-1, SHA-256, SHA-512).
//     It is not sent with PLAINTEXT, which the draft says gains nothing.
//
// Not supported: multi-part bodies' parameters (the RFC excludes them),
// Postman's "disableHeaderEncoding" (it breaks §3.5.1) and encrypted PEM keys.
//
// Why hand-written: the Go OAuth 1 client libraries (github.com/dghubble/oauth1
// is the best kept) sign only HMAC-SHA1/SHA256 and RSA-SHA1, send only the
// header, have no body hash, and do not expose the signature base string
// that Knock shows the user. dghubble/oauth1 is used in the tests as an
// independent client against the test provider.

import (
	"bytes"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"hash"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

func init() {
	register(Method{
		Type:  "oauth1",
		Title: "OAuth 1.0",
		Help:  "RFC 5849 signed requests (HMAC, RSA or PLAINTEXT)",
		Params: []Param{
			{Name: "consumerKey", Help: "oauth_consumer_key, the client identifier (§3.1)", Required: true},
			{Name: "consumerSecret", Help: "client shared secret (HMAC and PLAINTEXT)", Secret: true},
			{Name: "token", Help: "oauth_token; empty for the temporary-credentials request"},
			{Name: "tokenSecret", Help: "token shared secret", Secret: true},
			{Name: "signatureMethod", Help: "signature method (§3.4)", Default: "HMAC-SHA1",
				Choices: []string{"HMAC-SHA1", "HMAC-SHA256", "HMAC-SHA512", "RSA-SHA1", "RSA-SHA256", "RSA-SHA512", "PLAINTEXT"}},
			{Name: "privateKey", Help: "PEM RSA private key (PKCS#1 or PKCS#8) for the RSA methods", Secret: true},
			{Name: "timestamp", Help: "fixed oauth_timestamp; empty for the current time"},
			{Name: "nonce", Help: "fixed oauth_nonce; empty for a random one per request"},
			{Name: "version", Help: `oauth_version: "1.0" when the parameter is absent; set it empty to omit it (§3.1 makes it optional)`},
			{Name: "realm", Help: "realm attribute of the Authorization header (not signed)"},
			{Name: "callback", Help: "oauth_callback, for the temporary-credentials request (§2.1)"},
			{Name: "verifier", Help: "oauth_verifier, for the token request (§2.3)"},
			{Name: "addParamsToHeader", Help: `Postman: "false" sends the parameters in the form body or the query instead of the header`, Choices: []string{"true", "false"}},
			{Name: "addEmptyParamsToSign", Help: `Postman: "true" signs and sends an empty oauth_token and oauth_version`, Choices: []string{"true", "false"}},
			{Name: "includeBodyHash", Help: `"true" adds oauth_body_hash for a body that is not a form`, Choices: []string{"true", "false"}},
			{Name: "placement", Help: "where the parameters go: header (§3.5.1), query (§3.5.3) or body (§3.5.2, form bodies only); overrides addParamsToHeader",
				Choices: []string{"header", "query", "body"}},
		},
		New: func(p Params) (Scheme, error) { return newOAuth1FromParams(p) },
	})
}

// OAuth1Config holds the settings of an [OAuth1] scheme.
type OAuth1Config struct {
	ConsumerKey    string
	ConsumerSecret string
	Token          string
	TokenSecret    string
	// SignatureMethod is one of HMAC-SHA1 (the default when empty),
	// HMAC-SHA256, HMAC-SHA512, RSA-SHA1, RSA-SHA256, RSA-SHA512, PLAINTEXT.
	SignatureMethod string
	// PrivateKey is the PEM RSA key for the RSA methods.
	PrivateKey string
	// Timestamp and Nonce fix oauth_timestamp and oauth_nonce; empty means
	// the current time and a fresh random nonce per request.
	Timestamp, Nonce string
	// Version is sent as oauth_version when not empty.
	Version  string
	Realm    string
	Callback string
	Verifier string
	// Placement is "header" (the default), "query" or "body".
	Placement string
	// AddEmptyParams signs and sends oauth_token and oauth_version even
	// when they are empty (Postman's addEmptyParamsToSign).
	AddEmptyParams bool
	// IncludeBodyHash adds oauth_body_hash to requests whose body is not a
	// form.
	IncludeBodyHash bool
}

// OAuth1 signs each request with RFC 5849.
type OAuth1 struct {
	cfg    OAuth1Config
	method string
	hash   crypto.Hash
	rsaKey *rsa.PrivateKey
	// placementAuto is Postman's addParamsToHeader=false: the body for a
	// POST or PUT form, the query otherwise.
	placementAuto bool
	now           func() time.Time
}

// oauth1Placement values.
const (
	oauth1InHeader = "header"
	oauth1InQuery  = "query"
	oauth1InBody   = "body"
)

func oauth1Bool(p Params, name string) (bool, error) {
	v := strings.TrimSpace(p[name])
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("authlib: oauth1: parameter %q is %q; want true or false", name, v)
	}
	return b, nil
}

func newOAuth1FromParams(p Params) (*OAuth1, error) {
	cfg := OAuth1Config{
		ConsumerKey:     p["consumerKey"],
		ConsumerSecret:  p["consumerSecret"],
		Token:           p["token"],
		TokenSecret:     p["tokenSecret"],
		SignatureMethod: p.Get("signatureMethod", "HMAC-SHA1"),
		PrivateKey:      p["privateKey"],
		Timestamp:       strings.TrimSpace(p["timestamp"]),
		Nonce:           p["nonce"],
		Realm:           p["realm"],
		Callback:        p["callback"],
		Verifier:        p["verifier"],
		Placement:       strings.ToLower(strings.TrimSpace(p["placement"])),
	}
	if v, ok := p["version"]; ok {
		cfg.Version = strings.TrimSpace(v)
	} else {
		cfg.Version = "1.0"
	}
	var err error
	if cfg.AddEmptyParams, err = oauth1Bool(p, "addEmptyParamsToSign"); err != nil {
		return nil, err
	}
	if cfg.IncludeBodyHash, err = oauth1Bool(p, "includeBodyHash"); err != nil {
		return nil, err
	}
	auto := false
	if cfg.Placement == "" && strings.TrimSpace(p["addParamsToHeader"]) != "" {
		inHeader, err := oauth1Bool(p, "addParamsToHeader")
		if err != nil {
			return nil, err
		}
		auto = !inHeader
	}
	o, err := NewOAuth1(cfg)
	if err != nil {
		return nil, err
	}
	o.placementAuto = auto
	return o, nil
}

// NewOAuth1 returns the OAuth 1 scheme for cfg.
func NewOAuth1(cfg OAuth1Config) (*OAuth1, error) {
	o := &OAuth1{cfg: cfg, now: time.Now}
	o.method = strings.ToUpper(strings.TrimSpace(cfg.SignatureMethod))
	if o.method == "" {
		o.method = "HMAC-SHA1"
	}
	switch o.method {
	case "HMAC-SHA1", "RSA-SHA1":
		o.hash = crypto.SHA1
	case "HMAC-SHA256", "RSA-SHA256":
		o.hash = crypto.SHA256
	case "HMAC-SHA512", "RSA-SHA512":
		o.hash = crypto.SHA512
	case "PLAINTEXT":
	default:
		return nil, fmt.Errorf("authlib: oauth1: unknown signature method %q (want HMAC-SHA1, HMAC-SHA256, HMAC-SHA512, RSA-SHA1, RSA-SHA256, RSA-SHA512 or PLAINTEXT)", cfg.SignatureMethod)
	}
	if cfg.ConsumerKey == "" {
		return nil, errors.New(`authlib: oauth1: parameter "consumerKey" is required`)
	}
	if strings.HasPrefix(o.method, "RSA-") {
		key, err := oauth1ParseRSAKey(cfg.PrivateKey)
		if err != nil {
			return nil, err
		}
		o.rsaKey = key
	}
	switch cfg.Placement {
	case "", oauth1InHeader:
		o.cfg.Placement = oauth1InHeader
	case oauth1InQuery, oauth1InBody:
	default:
		return nil, fmt.Errorf("authlib: oauth1: parameter \"placement\" is %q; want header, query or body", cfg.Placement)
	}
	if cfg.Timestamp != "" {
		if _, err := strconv.ParseUint(cfg.Timestamp, 10, 63); err != nil {
			return nil, fmt.Errorf("authlib: oauth1: timestamp %q is not a whole number of seconds since 1970 (RFC 5849 §3.3)", cfg.Timestamp)
		}
	}
	return o, nil
}

// oauth1ParseRSAKey reads a PEM RSA private key, PKCS#1 or PKCS#8.
func oauth1ParseRSAKey(pemText string) (*rsa.PrivateKey, error) {
	if strings.TrimSpace(pemText) == "" {
		return nil, errors.New(`authlib: oauth1: the RSA signature methods need parameter "privateKey" (a PEM RSA private key)`)
	}
	block, _ := pem.Decode([]byte(strings.TrimSpace(pemText)))
	if block == nil {
		return nil, errors.New("authlib: oauth1: privateKey is not PEM: want a block starting with -----BEGIN RSA PRIVATE KEY----- or -----BEGIN PRIVATE KEY-----")
	}
	if block.Headers["Proc-Type"] != "" {
		return nil, errors.New("authlib: oauth1: privateKey is an encrypted PEM key, which is not supported; convert it with `openssl pkcs8 -topk8 -nocrypt`")
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("authlib: oauth1: privateKey: %v", err)
		}
		return k, nil
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("authlib: oauth1: privateKey: %v", err)
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("authlib: oauth1: privateKey holds a %T, not an RSA key", k)
		}
		return rk, nil
	default:
		return nil, fmt.Errorf("authlib: oauth1: privateKey is a PEM %q block; want an RSA PRIVATE KEY or PRIVATE KEY", block.Type)
	}
}

// oauth1Param is one name/value pair, decoded.
type oauth1Param struct{ name, value string }

// oauth1Encode is the percent-encoding of RFC 5849 §3.6: every byte but
// ALPHA, DIGIT, "-", ".", "_" and "~" becomes %XX with upper-case hex.
func oauth1Encode(s string) string {
	const hexUpper = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexUpper[c>>4])
		b.WriteByte(hexUpper[c&15])
	}
	return b.String()
}

// oauth1ParseForm splits an application/x-www-form-urlencoded string into
// decoded pairs, keeping repeats and order, as §3.4.1.3.1 asks. A name
// without "=" has an empty value. what names the input in errors.
func oauth1ParseForm(s, what string) ([]oauth1Param, error) {
	var out []oauth1Param
	pos := 0
	for _, part := range strings.Split(s, "&") {
		start := pos
		pos += len(part) + 1
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		n, err := url.QueryUnescape(name)
		if err != nil {
			return nil, fmt.Errorf("authlib: oauth1: %s: bad percent-encoding in name %q at byte %d", what, name, start)
		}
		v, err := url.QueryUnescape(value)
		if err != nil {
			return nil, fmt.Errorf("authlib: oauth1: %s: bad percent-encoding in the value of %q at byte %d", what, n, start+len(name)+1)
		}
		out = append(out, oauth1Param{n, v})
	}
	return out, nil
}

// oauth1NormalizeParams is §3.4.1.3.2: encode, sort by name then value,
// join.
func oauth1NormalizeParams(params []oauth1Param) string {
	enc := make([]oauth1Param, len(params))
	for i, p := range params {
		enc[i] = oauth1Param{oauth1Encode(p.name), oauth1Encode(p.value)}
	}
	sort.Slice(enc, func(i, j int) bool {
		if enc[i].name != enc[j].name {
			return enc[i].name < enc[j].name
		}
		return enc[i].value < enc[j].value
	})
	var b strings.Builder
	for i, p := range enc {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.name)
		b.WriteByte('=')
		b.WriteString(p.value)
	}
	return b.String()
}

// oauth1BaseURI is §3.4.1.2: scheme and host lower-case, the port only when
// it is not the scheme's default, the path as sent, no query.
func oauth1BaseURI(r *http.Request) string {
	scheme := strings.ToLower(r.URL.Scheme)
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	host = strings.ToLower(host)
	if h, port, err := net.SplitHostPort(host); err == nil {
		if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
			host = h
			if strings.Contains(h, ":") {
				host = "[" + h + "]"
			}
		}
	}
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	return scheme + "://" + host + path
}

// oauth1SignatureBase is §3.4.1.1.
func oauth1SignatureBase(method, baseURI, normalized string) string {
	return oauth1Encode(strings.ToUpper(method)) + "&" + oauth1Encode(baseURI) + "&" + oauth1Encode(normalized)
}

// oauth1IsForm reports whether r has a single-part form body (§3.4.1.3.1).
func oauth1IsForm(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/x-www-form-urlencoded"
}

// oauth1BodyReader returns a fresh reader of r's body, or nil when r has no
// body. It uses r.GetBody so the body stays replayable; when GetBody is
// missing it buffers the body and sets Body and GetBody on r (which must be
// the caller's clone). The hawk, awsv4 and edgegrid schemes use it too.
func oauth1BodyReader(r *http.Request) (io.ReadCloser, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if r.GetBody != nil {
		rc, err := r.GetBody()
		if err != nil {
			return nil, fmt.Errorf("reading the body again (GetBody): %w", err)
		}
		return rc, nil
	}
	data, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("reading the body: %w", err)
	}
	r.Body = io.NopCloser(bytes.NewReader(data))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	return io.NopCloser(bytes.NewReader(data)), nil
}

// oauth1MaxForm bounds the form body read into memory for signing.
const oauth1MaxForm = 32 << 20

func oauth1ReadForm(r *http.Request) ([]byte, error) {
	rc, err := oauth1BodyReader(r)
	if err != nil || rc == nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, oauth1MaxForm+1))
	if err != nil {
		return nil, fmt.Errorf("reading the form body: %w", err)
	}
	if len(data) > oauth1MaxForm {
		return nil, fmt.Errorf("the form body is larger than %d MiB, too large to sign", oauth1MaxForm>>20)
	}
	return data, nil
}

func (o *OAuth1) newHash() hash.Hash {
	switch o.hash {
	case crypto.SHA256:
		return sha256.New()
	case crypto.SHA512:
		return sha512.New()
	}
	return sha1.New()
}

// signingKey is §3.4.2: the encoded consumer secret and token secret
// joined by "&".
func (o *OAuth1) signingKey(tokenSecret string) string {
	return oauth1Encode(o.cfg.ConsumerSecret) + "&" + oauth1Encode(tokenSecret)
}

// sign computes oauth_signature over base.
func (o *OAuth1) sign(base, tokenSecret string) (string, error) {
	switch {
	case o.method == "PLAINTEXT":
		return o.signingKey(tokenSecret), nil
	case strings.HasPrefix(o.method, "HMAC-"):
		m := hmac.New(o.newHash, []byte(o.signingKey(tokenSecret)))
		m.Write([]byte(base))
		return base64.StdEncoding.EncodeToString(m.Sum(nil)), nil
	default:
		h := o.newHash()
		h.Write([]byte(base))
		sig, err := rsa.SignPKCS1v15(rand.Reader, o.rsaKey, o.hash, h.Sum(nil))
		if err != nil {
			return "", fmt.Errorf("authlib: oauth1: RSA signing: %v", err)
		}
		return base64.StdEncoding.EncodeToString(sig), nil
	}
}

func oauth1Nonce() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("authlib: oauth1: nonce: %v", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// Wrap implements [Scheme].
func (o *OAuth1) Wrap(next http.RoundTripper) http.RoundTripper {
	return RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		r = cloneRequest(r)
		if err := o.apply(r, o.cfg.Token, o.cfg.TokenSecret, nil); err != nil {
			return nil, err
		}
		return next.RoundTrip(r)
	})
}

// apply signs the clone r in place. extra are more protocol parameters
// (the three-legged flow passes oauth_callback and oauth_verifier there).
func (o *OAuth1) apply(r *http.Request, token, tokenSecret string, extra []oauth1Param) error {
	tr := TraceFrom(r.Context())
	placement := o.cfg.Placement
	isForm := oauth1IsForm(r)
	if o.placementAuto {
		placement = oauth1InQuery
		if isForm && (r.Method == http.MethodPost || r.Method == http.MethodPut) {
			placement = oauth1InBody
		}
	}
	if placement == oauth1InBody && !isForm {
		return fmt.Errorf("authlib: oauth1: placement \"body\" needs an application/x-www-form-urlencoded body (RFC 5849 §3.5.2); this request's Content-Type is %q", r.Header.Get("Content-Type"))
	}

	// Protocol parameters (§3.1), in the order Knock sends them.
	ts := o.cfg.Timestamp
	if ts == "" {
		ts = strconv.FormatInt(o.now().Unix(), 10)
	}
	nonce := o.cfg.Nonce
	if nonce == "" {
		var err error
		if nonce, err = oauth1Nonce(); err != nil {
			return err
		}
	}
	proto := []oauth1Param{{"oauth_consumer_key", o.cfg.ConsumerKey}}
	if token != "" || o.cfg.AddEmptyParams {
		proto = append(proto, oauth1Param{"oauth_token", token})
	}
	proto = append(proto,
		oauth1Param{"oauth_signature_method", o.method},
		oauth1Param{"oauth_timestamp", ts},
		oauth1Param{"oauth_nonce", nonce})
	if o.cfg.Version != "" || o.cfg.AddEmptyParams {
		proto = append(proto, oauth1Param{"oauth_version", o.cfg.Version})
	}
	if o.cfg.Callback != "" {
		proto = append(proto, oauth1Param{"oauth_callback", o.cfg.Callback})
	}
	if o.cfg.Verifier != "" {
		proto = append(proto, oauth1Param{"oauth_verifier", o.cfg.Verifier})
	}
	for _, e := range extra {
		replaced := false
		for i := range proto {
			if proto[i].name == e.name {
				proto[i].value, replaced = e.value, true
			}
		}
		if !replaced {
			proto = append(proto, e)
		}
	}

	// Request parameters (§3.4.1.3.1).
	query, err := oauth1ParseForm(r.URL.RawQuery, "query")
	if err != nil {
		return err
	}
	params := append([]oauth1Param(nil), query...)
	var form []byte
	if isForm {
		if form, err = oauth1ReadForm(r); err != nil {
			return fmt.Errorf("authlib: oauth1: %v", err)
		}
		fp, err := oauth1ParseForm(string(form), "form body")
		if err != nil {
			return err
		}
		params = append(params, fp...)
	} else if o.cfg.IncludeBodyHash {
		if o.method == "PLAINTEXT" {
			tr.Warn("OAuth 1: oauth_body_hash is not sent with PLAINTEXT, where it adds no protection (draft-eaton-oauth-bodyhash-00 §3.1)")
		} else {
			bh, err := o.bodyHash(r)
			if err != nil {
				return fmt.Errorf("authlib: oauth1: body hash: %v", err)
			}
			proto = append(proto, oauth1Param{"oauth_body_hash", bh})
			tr.Add("oauth1", "Body hash (OAuth Request Body Hash draft §3.2)",
				F("algorithm", o.hash.String()), F("oauth_body_hash", bh))
		}
	}
	params = append(params, proto...)

	baseURI := oauth1BaseURI(r)
	normalized := oauth1NormalizeParams(params)
	base := oauth1SignatureBase(r.Method, baseURI, normalized)
	tr.Add("oauth1", "Signature base string (RFC 5849 §3.4.1)",
		F("method", strings.ToUpper(r.Method)),
		F("base string URI (§3.4.1.2)", baseURI),
		F("normalized parameters (§3.4.1.3.2)", normalized),
		F("signature base string", base))

	sig, err := o.sign(base, tokenSecret)
	if err != nil {
		return err
	}
	key := o.signingKey(tokenSecret)
	switch {
	case strings.HasPrefix(o.method, "RSA-"):
		tr.Add("oauth1", "Signature ("+o.method+", RFC 5849 §3.4.3)",
			F("key", fmt.Sprintf("RSA private key, %d bits (not shown)", o.rsaKey.N.BitLen())),
			F("formula", "base64(RSASSA-PKCS1-v1_5-SIGN(key, "+o.hash.String()+"(base string)))"),
			F("oauth_signature", sig))
	case o.method == "PLAINTEXT":
		tr.Add("oauth1", "Signature (PLAINTEXT, RFC 5849 §3.4.4)",
			S("signing key: encode(consumer secret) & encode(token secret)", key),
			S("oauth_signature", sig))
		if r.URL.Scheme != "https" {
			tr.Warn("OAuth 1 PLAINTEXT sends the secrets themselves over plain http to " + r.URL.Host + " (RFC 5849 §3.4.4 requires TLS)")
		}
	default:
		tr.Add("oauth1", "Signature ("+o.method+", RFC 5849 §3.4.2)",
			S("signing key: encode(consumer secret) & encode(token secret)", key),
			F("formula", "base64(HMAC-"+o.hash.String()+"(key, base string))"),
			F("oauth_signature", sig))
	}
	proto = append(proto, oauth1Param{"oauth_signature", sig})
	shown := func(p oauth1Param) string {
		if p.name == "oauth_signature" && o.method == "PLAINTEXT" {
			return Mask(p.value)
		}
		return oauth1Encode(p.value)
	}

	switch placement {
	case oauth1InHeader:
		h, traced := oauth1Header(o.cfg.Realm, proto, shown)
		r.Header.Set("Authorization", h)
		tr.Add("oauth1", "Authorization header (RFC 5849 §3.5.1)", F("Authorization", traced))
	case oauth1InQuery:
		var add, traced strings.Builder
		for _, p := range proto {
			add.WriteString("&" + oauth1Encode(p.name) + "=" + oauth1Encode(p.value))
			traced.WriteString("&" + oauth1Encode(p.name) + "=" + shown(p))
		}
		if r.URL.RawQuery == "" {
			r.URL.RawQuery = add.String()[1:]
		} else {
			r.URL.RawQuery += add.String()
		}
		tr.Add("oauth1", "Query parameters (RFC 5849 §3.5.3)", F("added to the query", traced.String()[1:]))
	case oauth1InBody:
		var add, traced strings.Builder
		for _, p := range proto {
			add.WriteString("&" + oauth1Encode(p.name) + "=" + oauth1Encode(p.value))
			traced.WriteString("&" + oauth1Encode(p.name) + "=" + shown(p))
		}
		extraBody := add.String()
		if len(bytes.TrimSpace(form)) == 0 {
			extraBody = extraBody[1:]
		}
		body := append(append([]byte(nil), form...), extraBody...)
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		r.ContentLength = int64(len(body))
		r.Header.Del("Content-Length")
		tr.Add("oauth1", "Form body parameters (RFC 5849 §3.5.2)", F("appended to the body", traced.String()[1:]))
	}
	return nil
}

// oauth1Header builds the Authorization value of §3.5.1, and the same with
// a PLAINTEXT signature masked for the trace.
func oauth1Header(realm string, proto []oauth1Param, shown func(oauth1Param) string) (header, traced string) {
	var h, t strings.Builder
	h.WriteString("OAuth ")
	t.WriteString("OAuth ")
	first := true
	if realm != "" {
		v := `realm="` + strings.ReplaceAll(strings.ReplaceAll(realm, `\`, `\\`), `"`, `\"`) + `"`
		h.WriteString(v)
		t.WriteString(v)
		first = false
	}
	for _, p := range proto {
		if !first {
			h.WriteString(", ")
			t.WriteString(", ")
		}
		first = false
		h.WriteString(oauth1Encode(p.name) + `="` + oauth1Encode(p.value) + `"`)
		t.WriteString(oauth1Encode(p.name) + `="` + shown(p) + `"`)
	}
	return h.String(), t.String()
}

// bodyHash is oauth_body_hash: base64 of the body's hash, of the empty
// string when there is no body (draft-eaton-oauth-bodyhash-00 §3.2).
func (o *OAuth1) bodyHash(r *http.Request) (string, error) {
	h := o.newHash()
	rc, err := oauth1BodyReader(r)
	if err != nil {
		return "", err
	}
	if rc != nil {
		defer rc.Close()
		if _, err := io.Copy(h, rc); err != nil {
			return "", fmt.Errorf("reading the body: %w", err)
		}
	}
	return base64.StdEncoding.EncodeToString(h.Sum(nil)), nil
}
