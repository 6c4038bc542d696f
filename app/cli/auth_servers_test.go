package cli

// Verifying servers for auth_cli_test.go. Each one checks the credentials
// of one auth method on its own, without authlib's code: it recomputes the
// signature, MAC or hash from the request as it arrived and answers 200
// only when they match, 401 otherwise. Where a well-kept library can play
// the server it is used: go-httpbin for Basic, Digest and Bearer,
// golang-jwt for JWT, the AWS SDK's signer as a second opinion on SigV4.
// The rest is written here from the specifications (RFC 5849 for OAuth 1,
// mozilla/hawk API.md, Akamai's EdgeGrid description, AWS SigV4, RFC 6749
// and RFC 7636 for the OAuth 2 endpoints), because no maintained Go library
// offers their server side: github.com/dghubble/oauth1, for one, only signs.

import (
	"crypto"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/golang-jwt/jwt/v5"
)

// authCLICheck decides one request: nil lets it in. It may set response
// headers (a challenge on refusal, Server-Authorization on success).
type authCLICheck func(w http.ResponseWriter, r *http.Request, body []byte) error

// authCLIServer answers 200 "authenticated" when its check accepts the
// request and 401 "denied: reason" otherwise, and records each verdict.
type authCLIServer struct {
	*httptest.Server
	check authCLICheck

	mu       sync.Mutex
	verdicts []string
	reqs     []seen
}

// newAuthCLIServer starts a verifying server on 127.0.0.1. routes are
// extra handlers (an OAuth 2 token endpoint) that give no verdict.
func newAuthCLIServer(t *testing.T, check authCLICheck, routes map[string]http.HandlerFunc) *authCLIServer {
	t.Helper()
	return startAuthCLIServer(t, check, routes, false)
}

// newAuthCLITLSServer is newAuthCLIServer over https, with httptest's
// self-signed certificate.
func newAuthCLITLSServer(t *testing.T, check authCLICheck) *authCLIServer {
	t.Helper()
	return startAuthCLIServer(t, check, nil, true)
}

func startAuthCLIServer(t *testing.T, check authCLICheck, routes map[string]http.HandlerFunc, tlsOn bool) *authCLIServer {
	t.Helper()
	s := &authCLIServer{check: check}
	mux := http.NewServeMux()
	for p, h := range routes {
		mux.HandleFunc(p, h)
	}
	mux.HandleFunc("/", s.serve)
	if tlsOn {
		s.Server = httptest.NewTLSServer(mux)
	} else {
		s.Server = httptest.NewServer(mux)
	}
	t.Cleanup(s.Close)
	return s
}

// authCLIAllow accepts every request.
func authCLIAllow(http.ResponseWriter, *http.Request, []byte) error { return nil }

func (s *authCLIServer) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	err := s.check(w, r, body)
	verdict := "ok"
	if err != nil {
		verdict = err.Error()
	}
	s.mu.Lock()
	s.verdicts = append(s.verdicts, verdict)
	s.reqs = append(s.reqs, seen{Method: r.Method, URL: r.URL.String(), Header: r.Header.Clone(), Body: string(body)})
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err != nil {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, "denied: %v\n", err)
		return
	}
	io.WriteString(w, "authenticated")
}

// lastVerdict is the verdict on the last request, "" when none arrived.
func (s *authCLIServer) lastVerdict() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.verdicts) == 0 {
		return ""
	}
	return s.verdicts[len(s.verdicts)-1]
}

func (s *authCLIServer) allVerdicts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.verdicts...)
}

func (s *authCLIServer) lastRequest(t *testing.T) seen {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.reqs) == 0 {
		t.Fatal("the verifying server received no request")
	}
	return s.reqs[len(s.reqs)-1]
}

// authCLINonces refuses a nonce seen before (a replay).
type authCLINonces struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (n *authCLINonces) fresh(nonce string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.seen == nil {
		n.seen = map[string]bool{}
	}
	if nonce == "" || n.seen[nonce] {
		return false
	}
	n.seen[nonce] = true
	return true
}

// authCLIRandom returns n random bytes as hex.
func authCLIRandom(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// --- go-httpbin: Basic, Digest, Bearer ---

// authCLIHTTPBin lets go-httpbin judge a request under another path: the
// one that carries the user and password go-httpbin compares with
// (/basic-auth/u/p, /digest-auth/auth/u/p/MD5). Only URL.Path is replaced;
// RequestURI stays what the client sent and signed, and go-httpbin's Digest
// check hashes RequestURI. So the password never appears in the URL that
// knock prints, and a Digest response still verifies.
func authCLIHTTPBin(hb http.Handler, path string) authCLICheck {
	return func(w http.ResponseWriter, r *http.Request, _ []byte) error {
		r2 := r.Clone(r.Context())
		r2.URL.Path, r2.URL.RawPath = path, ""
		rec := httptest.NewRecorder()
		hb.ServeHTTP(rec, r2)
		if v := rec.Header().Values("WWW-Authenticate"); len(v) > 0 {
			w.Header()["Www-Authenticate"] = v
		}
		if rec.Code != http.StatusOK {
			return fmt.Errorf("go-httpbin %s answered %d", strings.SplitN(path, "/", 3)[1], rec.Code)
		}
		return nil
	}
}

// authCLIHTTPBinBearer lets go-httpbin's /bearer accept the header, then
// checks the token it echoes.
func authCLIHTTPBinBearer(hb http.Handler, token string) authCLICheck {
	inner := authCLIHTTPBin(hb, "/bearer")
	return func(w http.ResponseWriter, r *http.Request, body []byte) error {
		if err := inner(w, r, body); err != nil {
			return err
		}
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/bearer"
		rec := httptest.NewRecorder()
		hb.ServeHTTP(rec, r2)
		var got struct {
			Authenticated bool   `json:"authenticated"`
			Token         string `json:"token"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			return fmt.Errorf("go-httpbin /bearer: %v", err)
		}
		if !got.Authenticated || !hmac.Equal([]byte(got.Token), []byte(token)) {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			return errors.New("wrong bearer token")
		}
		return nil
	}
}

// --- OAuth 1.0 (RFC 5849) ---

type authCLIOAuth1 struct {
	consumerKey, consumerSecret string
	token, tokenSecret          string
	method                      string // the signature method required
	pub                         *rsa.PublicKey
	nonces                      authCLINonces

	mu       sync.Mutex
	lastBase string
}

// authCLIOAuth1Encode is RFC 5849 §3.6: RFC 3986 percent-encoding of
// everything but ALPHA, DIGIT, "-", ".", "_" and "~", upper-case hex.
func authCLIOAuth1Encode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// base is the signature base string of §3.4.1 for r as received.
func (o *authCLIOAuth1) base(r *http.Request, body []byte, proto [][2]string) (string, error) {
	params := append([][2]string(nil), proto...)
	add := func(raw string) error {
		vals, err := url.ParseQuery(raw)
		if err != nil {
			return err
		}
		for k, vs := range vals {
			for _, v := range vs {
				params = append(params, [2]string{k, v})
			}
		}
		return nil
	}
	// §3.4.1.3.1: the query, and a form-encoded body.
	if err := add(r.URL.RawQuery); err != nil {
		return "", fmt.Errorf("query: %v", err)
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/x-www-form-urlencoded" {
		if err := add(string(body)); err != nil {
			return "", fmt.Errorf("form body: %v", err)
		}
	}
	// §3.4.1.3.2: encode, sort by name then value, join.
	enc := make([]string, len(params))
	for i, p := range params {
		enc[i] = authCLIOAuth1Encode(p[0]) + "=" + authCLIOAuth1Encode(p[1])
	}
	sort.Slice(enc, func(i, j int) bool {
		ni, vi, _ := strings.Cut(enc[i], "=")
		nj, vj, _ := strings.Cut(enc[j], "=")
		if ni != nj {
			return ni < nj
		}
		return vi < vj
	})
	// §3.4.1.2: scheme and host lower-case, default port dropped.
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := strings.ToLower(r.Host)
	if h, p, err := net.SplitHostPort(host); err == nil && (scheme == "http" && p == "80" || scheme == "https" && p == "443") {
		host = h
	}
	uri := scheme + "://" + host + r.URL.EscapedPath()
	return strings.ToUpper(r.Method) + "&" + authCLIOAuth1Encode(uri) + "&" + authCLIOAuth1Encode(strings.Join(enc, "&")), nil
}

func (o *authCLIOAuth1) check(w http.ResponseWriter, r *http.Request, body []byte) error {
	w.Header().Set("WWW-Authenticate", `OAuth realm="knock-cli-test"`)
	rest, ok := strings.CutPrefix(r.Header.Get("Authorization"), "OAuth ")
	if !ok {
		return errors.New("no OAuth Authorization header")
	}
	got := map[string]string{}
	var proto [][2]string
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
			return fmt.Errorf("malformed OAuth parameter %q", part)
		}
		name, err1 := url.PathUnescape(k)
		val, err2 := url.PathUnescape(v[1 : len(v)-1])
		if err1 != nil || err2 != nil {
			return fmt.Errorf("bad percent-encoding in %q", part)
		}
		if _, dup := got[name]; dup {
			return fmt.Errorf("parameter %s twice", name)
		}
		got[name] = val
		if name != "realm" && name != "oauth_signature" {
			proto = append(proto, [2]string{name, val})
		}
	}
	switch {
	case got["oauth_consumer_key"] != o.consumerKey:
		return fmt.Errorf("unknown consumer key %q", got["oauth_consumer_key"])
	case got["oauth_token"] != o.token:
		return fmt.Errorf("unknown token %q", got["oauth_token"])
	case got["oauth_signature_method"] != o.method:
		return fmt.Errorf("signature method %q, want %s", got["oauth_signature_method"], o.method)
	case got["oauth_version"] != "" && got["oauth_version"] != "1.0":
		return fmt.Errorf("oauth_version %q", got["oauth_version"])
	}
	ts, err := strconv.ParseInt(got["oauth_timestamp"], 10, 64)
	if err != nil || time.Since(time.Unix(ts, 0)).Abs() > 5*time.Minute {
		return fmt.Errorf("oauth_timestamp %q is not now", got["oauth_timestamp"])
	}
	base, err := o.base(r, body, proto)
	if err != nil {
		return err
	}
	o.mu.Lock()
	o.lastBase = base
	o.mu.Unlock()
	sig := got["oauth_signature"]
	key := authCLIOAuth1Encode(o.consumerSecret) + "&" + authCLIOAuth1Encode(o.tokenSecret)
	switch o.method {
	case "HMAC-SHA1":
		m := hmac.New(sha1.New, []byte(key))
		m.Write([]byte(base))
		if !hmac.Equal([]byte(sig), []byte(base64.StdEncoding.EncodeToString(m.Sum(nil)))) {
			return errors.New("HMAC-SHA1 signature does not verify")
		}
	case "RSA-SHA256":
		raw, err := base64.StdEncoding.DecodeString(sig)
		if err != nil {
			return fmt.Errorf("signature is not base64: %v", err)
		}
		sum := sha256.Sum256([]byte(base))
		if err := rsa.VerifyPKCS1v15(o.pub, crypto.SHA256, sum[:], raw); err != nil {
			return fmt.Errorf("RSA-SHA256 signature does not verify: %v", err)
		}
	case "PLAINTEXT":
		if !hmac.Equal([]byte(sig), []byte(key)) {
			return errors.New("PLAINTEXT signature is not the secrets")
		}
	}
	// Only a request that verifies spends its nonce (§3.3).
	if !o.nonces.fresh(got["oauth_nonce"]) {
		return fmt.Errorf("nonce %q was used before", got["oauth_nonce"])
	}
	return nil
}

func (o *authCLIOAuth1) baseString() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.lastBase
}

// --- AWS Signature Version 4 ---

type authCLIAWS struct {
	accessKey, secretKey, sessionToken string
	region, service                    string
	presign                            bool

	mu      sync.Mutex
	lastSTS string
}

// authCLIAWSEncode is SigV4's UriEncode: RFC 3986 unreserved characters
// kept, everything else %XX with upper-case hex (a space is %20).
func authCLIAWSEncode(s string) string { return authCLIOAuth1Encode(s) }

func authCLIHMAC256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

func authCLIAWSSigningKey(secret, date, region, service string) []byte {
	k := authCLIHMAC256([]byte("AWS4"+secret), date)
	k = authCLIHMAC256(k, region)
	k = authCLIHMAC256(k, service)
	return authCLIHMAC256(k, "aws4_request")
}

var authCLIAWSAuthRE = regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=([^,]+), ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$`)

func (a *authCLIAWS) check(w http.ResponseWriter, r *http.Request, body []byte) error {
	q := r.URL.Query()
	var amzDate, credential, signedHeaders, signature string
	if a.presign {
		if q.Get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" {
			return fmt.Errorf("X-Amz-Algorithm %q", q.Get("X-Amz-Algorithm"))
		}
		amzDate, credential = q.Get("X-Amz-Date"), q.Get("X-Amz-Credential")
		signedHeaders, signature = q.Get("X-Amz-SignedHeaders"), q.Get("X-Amz-Signature")
		if a.sessionToken != "" && q.Get("X-Amz-Security-Token") != a.sessionToken {
			return errors.New("wrong or missing X-Amz-Security-Token in the query")
		}
	} else {
		m := authCLIAWSAuthRE.FindStringSubmatch(r.Header.Get("Authorization"))
		if m == nil {
			return fmt.Errorf("Authorization is not AWS4-HMAC-SHA256: %q", r.Header.Get("Authorization"))
		}
		credential, signedHeaders, signature = m[1], m[2], m[3]
		amzDate = r.Header.Get("X-Amz-Date")
		if a.sessionToken != "" && r.Header.Get("X-Amz-Security-Token") != a.sessionToken {
			return errors.New("wrong or missing X-Amz-Security-Token header")
		}
	}
	at, err := time.Parse("20060102T150405Z", amzDate)
	if err != nil || time.Since(at).Abs() > 5*time.Minute {
		return fmt.Errorf("X-Amz-Date %q is not now", amzDate)
	}
	if a.presign {
		exp, err := strconv.Atoi(q.Get("X-Amz-Expires"))
		if err != nil || exp < 1 || time.Since(at) > time.Duration(exp)*time.Second {
			return fmt.Errorf("presigned URL expired or X-Amz-Expires %q bad", q.Get("X-Amz-Expires"))
		}
	}
	date := at.Format("20060102")
	scope := date + "/" + a.region + "/" + a.service + "/aws4_request"
	if credential != a.accessKey+"/"+scope {
		return fmt.Errorf("credential %q, want %s/%s", credential, a.accessKey, scope)
	}
	names := strings.Split(signedHeaders, ";")
	if !sort.StringsAreSorted(names) || !strings.Contains(";"+signedHeaders+";", ";host;") {
		return fmt.Errorf("SignedHeaders %q: not sorted or without host", signedHeaders)
	}
	if !a.presign && (!strings.Contains(signedHeaders, "x-amz-date") || a.sessionToken != "" && !strings.Contains(signedHeaders, "x-amz-security-token")) {
		return fmt.Errorf("SignedHeaders %q leaves out x-amz-date or the token", signedHeaders)
	}

	// Task 1: the canonical request.
	uri := r.URL.EscapedPath()
	if a.service != "s3" { // every service but S3 encodes the path twice
		segs := strings.Split(uri, "/")
		for i, s := range segs {
			segs[i] = authCLIAWSEncode(s)
		}
		uri = strings.Join(segs, "/")
	}
	var qs []string
	for k, vs := range q {
		if a.presign && k == "X-Amz-Signature" {
			continue
		}
		for _, v := range vs {
			qs = append(qs, authCLIAWSEncode(k)+"="+authCLIAWSEncode(v))
		}
	}
	sort.Strings(qs)
	var hdrs strings.Builder
	for _, n := range names {
		v := strings.Join(r.Header.Values(n), ",")
		if n == "host" {
			v = r.Host
		}
		hdrs.WriteString(n + ":" + strings.Join(strings.Fields(v), " ") + "\n")
	}
	payload := r.Header.Get("X-Amz-Content-Sha256")
	if payload == "" {
		if a.presign && a.service == "s3" {
			payload = "UNSIGNED-PAYLOAD"
		} else {
			sum := sha256.Sum256(body)
			payload = hex.EncodeToString(sum[:])
		}
	}
	canonical := strings.Join([]string{r.Method, uri, strings.Join(qs, "&"), hdrs.String(), signedHeaders, payload}, "\n")
	sum := sha256.Sum256([]byte(canonical))
	// Task 2 and 3 and 4.
	sts := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
	a.mu.Lock()
	a.lastSTS = sts
	a.mu.Unlock()
	want := hex.EncodeToString(authCLIHMAC256(authCLIAWSSigningKey(a.secretKey, date, a.region, a.service), sts))
	if !hmac.Equal([]byte(want), []byte(signature)) {
		return errors.New("SigV4 signature does not verify")
	}
	// A second opinion: the AWS SDK signs the same request at the same
	// time, and must come to the same signature.
	if sig, err := a.sdkSignature(r, body, names, payload, at); err != nil || sig != signature {
		return fmt.Errorf("the AWS SDK signer disagrees: %q (%v), request has %q", sig, err, signature)
	}
	return nil
}

// sdkSignature re-signs the received request with the AWS SDK's signer:
// the same method, path, query and signed headers, at the same time.
func (a *authCLIAWS) sdkSignature(r *http.Request, body []byte, signed []string, payload string, at time.Time) (string, error) {
	q := r.URL.Query()
	for _, k := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token"} {
		q.Del(k)
	}
	u := &url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: q.Encode()}
	req, err := http.NewRequest(r.Method, u.String(), strings.NewReader(string(body)))
	if err != nil {
		return "", err
	}
	for _, n := range signed {
		switch n {
		case "host", "x-amz-date", "x-amz-security-token":
		default:
			req.Header[http.CanonicalHeaderKey(n)] = r.Header.Values(n)
		}
	}
	creds := aws.Credentials{AccessKeyID: a.accessKey, SecretAccessKey: a.secretKey, SessionToken: a.sessionToken}
	opt := func(o *v4.SignerOptions) { o.DisableURIPathEscaping = a.service == "s3" }
	s := v4.NewSigner()
	if a.presign {
		signedURL, _, err := s.PresignHTTP(r.Context(), creds, req, payload, a.service, a.region, at, opt)
		if err != nil {
			return "", err
		}
		su, err := url.Parse(signedURL)
		if err != nil {
			return "", err
		}
		return su.Query().Get("X-Amz-Signature"), nil
	}
	if err := s.SignHTTP(r.Context(), creds, req, payload, a.service, a.region, at, opt); err != nil {
		return "", err
	}
	m := authCLIAWSAuthRE.FindStringSubmatch(req.Header.Get("Authorization"))
	if m == nil {
		return "", fmt.Errorf("SDK Authorization %q", req.Header.Get("Authorization"))
	}
	if m[2] != strings.Join(signed, ";") {
		return "", fmt.Errorf("SDK signed headers %q", m[2])
	}
	return m[3], nil
}

func (a *authCLIAWS) stringToSign() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.lastSTS
}

// --- Hawk (mozilla/hawk API.md, protocol version 1) ---

type authCLIHawk struct {
	id, key string
	nonces  authCLINonces

	mu       sync.Mutex
	lastNorm string
}

var authCLIHawkAttrRE = regexp.MustCompile(`(\w+)="([^"\\]*)"`)

func authCLIHawkMAC(key, s string) string {
	return base64.StdEncoding.EncodeToString(authCLIHMAC256([]byte(key), s))
}

func (h *authCLIHawk) check(w http.ResponseWriter, r *http.Request, body []byte) error {
	rest, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Hawk ")
	if !ok {
		w.Header().Set("WWW-Authenticate", "Hawk")
		return errors.New("no Hawk Authorization header")
	}
	a := map[string]string{}
	for _, m := range authCLIHawkAttrRE.FindAllStringSubmatch(rest, -1) {
		a[m[1]] = m[2]
	}
	deny := func(msg string) error {
		w.Header().Set("WWW-Authenticate", `Hawk error="`+msg+`"`)
		return errors.New(msg)
	}
	if a["id"] != h.id {
		return deny("Unknown credentials")
	}
	ts, err := strconv.ParseInt(a["ts"], 10, 64)
	if err != nil || time.Since(time.Unix(ts, 0)).Abs() > time.Minute {
		return deny("Stale timestamp")
	}
	// The payload hash: "hawk.1.payload\n" + media type + "\n" + body + "\n".
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	ph := sha256.Sum256([]byte("hawk.1.payload\n" + strings.ToLower(mt) + "\n" + string(body) + "\n"))
	if len(body) > 0 && a["hash"] != base64.StdEncoding.EncodeToString(ph[:]) {
		return deny("Bad payload hash")
	}
	host, port, err := net.SplitHostPort(r.Host)
	if err != nil {
		return deny("Bad host")
	}
	norm := func(kind, hash, ext string) string {
		return "hawk.1." + kind + "\n" + a["ts"] + "\n" + a["nonce"] + "\n" + r.Method + "\n" + r.URL.RequestURI() + "\n" +
			strings.ToLower(host) + "\n" + port + "\n" + hash + "\n" + ext + "\n"
	}
	n := norm("header", a["hash"], a["ext"])
	h.mu.Lock()
	h.lastNorm = n
	h.mu.Unlock()
	if !hmac.Equal([]byte(a["mac"]), []byte(authCLIHawkMAC(h.key, n))) {
		return deny("Bad mac")
	}
	if !h.nonces.fresh(a["nonce"]) {
		return deny("Invalid nonce")
	}
	// Prove the server's side too: Server-Authorization over the response
	// (no payload hash, no ext).
	w.Header().Set("Server-Authorization", `Hawk mac="`+authCLIHawkMAC(h.key, norm("response", "", ""))+`"`)
	return nil
}

func (h *authCLIHawk) normalized() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.lastNorm
}

// --- Akamai EdgeGrid EG1-HMAC-SHA256 ---

type authCLIEdgeGrid struct {
	clientToken, accessToken, clientSecret string
	headersToSign                          []string
	nonces                                 authCLINonces

	mu       sync.Mutex
	lastData string
}

var authCLIEdgeGridRE = regexp.MustCompile(`^EG1-HMAC-SHA256 client_token=([^;]*);access_token=([^;]*);timestamp=([^;]*);nonce=([^;]*);signature=([^;]*)$`)

func authCLIHMACBase64(key, data string) string {
	return base64.StdEncoding.EncodeToString(authCLIHMAC256([]byte(key), data))
}

func (e *authCLIEdgeGrid) check(w http.ResponseWriter, r *http.Request, body []byte) error {
	m := authCLIEdgeGridRE.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		return fmt.Errorf("Authorization is not EG1-HMAC-SHA256: %q", r.Header.Get("Authorization"))
	}
	ct, at, ts, nonce, sig := m[1], m[2], m[3], m[4], m[5]
	if ct != e.clientToken || at != e.accessToken {
		return errors.New("unknown client token or access token")
	}
	t, err := time.Parse("20060102T15:04:05-0700", ts)
	if err != nil || time.Since(t).Abs() > time.Minute {
		return fmt.Errorf("timestamp %q is not now", ts)
	}
	var canon []string
	for _, n := range e.headersToSign {
		if v := strings.Join(strings.Fields(strings.Join(r.Header.Values(n), ",")), " "); v != "" {
			canon = append(canon, strings.ToLower(n)+":"+v)
		}
	}
	contentHash := ""
	if r.Method == http.MethodPost && len(body) > 0 {
		sum := sha256.Sum256(body)
		contentHash = base64.StdEncoding.EncodeToString(sum[:])
	}
	unsigned := strings.TrimSuffix(r.Header.Get("Authorization"), "signature="+sig)
	data := strings.Join([]string{r.Method, "http", r.Host, r.URL.RequestURI(), strings.Join(canon, "\t"), contentHash, unsigned}, "\t")
	e.mu.Lock()
	e.lastData = data
	e.mu.Unlock()
	key := authCLIHMACBase64(e.clientSecret, ts)
	if !hmac.Equal([]byte(sig), []byte(authCLIHMACBase64(key, data))) {
		return errors.New("EdgeGrid signature does not verify")
	}
	if !e.nonces.fresh(nonce) {
		return fmt.Errorf("nonce %q was used before", nonce)
	}
	return nil
}

func (e *authCLIEdgeGrid) dataToSign() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.lastData
}

// --- JWT bearer, checked with github.com/golang-jwt/jwt/v5 ---

type authCLIJWT struct {
	alg string
	key any // []byte for HS*, *rsa.PublicKey for RS*

	mu     sync.Mutex
	tokens []string
}

func (j *authCLIJWT) check(w http.ResponseWriter, r *http.Request, _ []byte) error {
	w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return errors.New("no bearer token")
	}
	j.mu.Lock()
	j.tokens = append(j.tokens, raw)
	j.mu.Unlock()
	tok, err := jwt.Parse(raw, func(*jwt.Token) (any, error) { return j.key, nil },
		jwt.WithValidMethods([]string{j.alg}), jwt.WithExpirationRequired(), jwt.WithIssuedAt(), jwt.WithAudience("knock-api"))
	if err != nil {
		return fmt.Errorf("jwt: %v", err)
	}
	if sub, _ := tok.Claims.GetSubject(); sub != "knock-cli" {
		return fmt.Errorf("sub %q", sub)
	}
	if tok.Header["kid"] != "k1" {
		return fmt.Errorf("kid %v", tok.Header["kid"])
	}
	return nil
}

func (j *authCLIJWT) seenTokens() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]string(nil), j.tokens...)
}

// --- OAuth 2.0: token endpoint, authorization endpoint with PKCE, resource ---

type authCLIOAuth2Code struct {
	challenge, redirectURI string
}

type authCLIOAuth2 struct {
	*authCLIServer // the protected resource at every other path
	clientID       string
	clientSecret   string
	user, password string

	mu         sync.Mutex
	issued     []string // access and refresh tokens handed out
	live       map[string]bool
	codes      map[string]authCLIOAuth2Code
	tokenCalls []string // "grant_type via client authentication: verdict"
	verifiers  []string // code_verifier values that passed the S256 check
}

func newAuthCLIOAuth2(t *testing.T) *authCLIOAuth2 {
	t.Helper()
	o := &authCLIOAuth2{clientID: "knock-cli", clientSecret: "cs-" + authCLIRandom(8), user: "ann", password: "pw-" + authCLIRandom(8),
		live: map[string]bool{}, codes: map[string]authCLIOAuth2Code{}}
	o.authCLIServer = newAuthCLIServer(t, o.resource, map[string]http.HandlerFunc{
		"/token":     o.token,
		"/authorize": o.authorize,
	})
	return o
}

func (o *authCLIOAuth2) resource(w http.ResponseWriter, r *http.Request, _ []byte) error {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	o.mu.Lock()
	live := ok && o.live[tok]
	o.mu.Unlock()
	if !live {
		w.Header().Set("WWW-Authenticate", `Bearer realm="knock", error="invalid_token"`)
		return errors.New("no valid access token")
	}
	return nil
}

func authCLIJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// token is the token endpoint (RFC 6749 §3.2, §4.1.3, §4.3.2, §4.4.2).
func (o *authCLIOAuth2) token(w http.ResponseWriter, r *http.Request) {
	fail := func(status int, code, desc, how string) {
		o.mu.Lock()
		o.tokenCalls = append(o.tokenCalls, r.PostFormValue("grant_type")+" via "+how+": "+code)
		o.mu.Unlock()
		if status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Basic realm="token"`)
		}
		authCLIJSON(w, status, map[string]string{"error": code, "error_description": desc})
	}
	if r.Method != http.MethodPost || r.ParseForm() != nil {
		fail(http.StatusBadRequest, "invalid_request", "POST a form", "?")
		return
	}
	// §2.3.1: Basic with form-encoded id and secret, or both in the body.
	how, id, secret := "body", r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok {
		how = "basic"
		id, _ = url.QueryUnescape(u)
		secret, _ = url.QueryUnescape(p)
		if r.PostForm.Has("client_secret") {
			fail(http.StatusBadRequest, "invalid_request", "two client authentications", how)
			return
		}
	}
	if id != o.clientID || !hmac.Equal([]byte(secret), []byte(o.clientSecret)) {
		fail(http.StatusUnauthorized, "invalid_client", "wrong client id or secret", how)
		return
	}
	switch g := r.PostForm.Get("grant_type"); g {
	case "client_credentials":
	case "password":
		if r.PostForm.Get("username") != o.user || !hmac.Equal([]byte(r.PostForm.Get("password")), []byte(o.password)) {
			fail(http.StatusBadRequest, "invalid_grant", "wrong user name or password", how)
			return
		}
	case "authorization_code":
		code := r.PostForm.Get("code")
		o.mu.Lock()
		c, ok := o.codes[code]
		delete(o.codes, code) // single use (§4.1.2)
		o.mu.Unlock()
		v := r.PostForm.Get("code_verifier")
		sum := sha256.Sum256([]byte(v))
		switch {
		case !ok:
			fail(http.StatusBadRequest, "invalid_grant", "unknown or used code", how)
			return
		case r.PostForm.Get("redirect_uri") != c.redirectURI:
			fail(http.StatusBadRequest, "invalid_grant", "redirect_uri differs from the authorization request", how)
			return
		case base64.RawURLEncoding.EncodeToString(sum[:]) != c.challenge: // RFC 7636 §4.6
			fail(http.StatusBadRequest, "invalid_grant", "PKCE verifier does not match the S256 challenge", how)
			return
		}
		o.mu.Lock()
		o.verifiers = append(o.verifiers, v)
		o.mu.Unlock()
	default:
		fail(http.StatusBadRequest, "unsupported_grant_type", g, how)
		return
	}
	at, rt := "at-"+authCLIRandom(12), "rt-"+authCLIRandom(12)
	o.mu.Lock()
	o.issued = append(o.issued, at, rt)
	o.live[at] = true
	o.tokenCalls = append(o.tokenCalls, r.PostForm.Get("grant_type")+" via "+how+": ok")
	o.mu.Unlock()
	authCLIJSON(w, http.StatusOK, map[string]any{"access_token": at, "token_type": "Bearer", "expires_in": 3600, "refresh_token": rt, "scope": r.PostForm.Get("scope")})
}

// authorize is the authorization endpoint (RFC 6749 §4.1.1, RFC 7636 §4.3):
// it approves at once, as a user who clicks "Allow" would, and redirects to
// the loopback redirect_uri with the code and the state. Errors are
// redirected too (§4.1.2.1), so the waiting client hears of them.
func (o *authCLIOAuth2) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ru, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || ru.Scheme != "http" || ru.Hostname() != "127.0.0.1" || ru.Port() == "" {
		http.Error(w, "redirect_uri must be a loopback http URL with a port (RFC 8252 §7.3)", http.StatusBadRequest)
		return
	}
	back := url.Values{"state": {q.Get("state")}}
	switch {
	case q.Get("response_type") != "code", q.Get("client_id") != o.clientID:
		back.Set("error", "unauthorized_client")
	case q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43:
		back.Set("error", "invalid_request")
		back.Set("error_description", "PKCE S256 required")
	case q.Get("state") == "":
		back.Set("error", "invalid_request")
		back.Set("error_description", "state required")
	default:
		code := "code-" + authCLIRandom(12)
		o.mu.Lock()
		o.codes[code] = authCLIOAuth2Code{challenge: q.Get("code_challenge"), redirectURI: q.Get("redirect_uri")}
		o.mu.Unlock()
		back.Set("code", code)
	}
	ru.RawQuery = back.Encode()
	http.Redirect(w, r, ru.String(), http.StatusFound)
}

func (o *authCLIOAuth2) calls() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.tokenCalls...)
}

func (o *authCLIOAuth2) tokens() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.issued...)
}

// --- Digest for a proxy (RFC 7616 §3.4 with MD5, qop=auth) ---

var authCLIDigestParamRE = regexp.MustCompile(`(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))`)

func authCLIMD5(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}
