package authlib

import (
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"hash"
	"io"
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

	dghubble "github.com/dghubble/oauth1"
)

// oauth1Capture signs r with s and returns the request that would have gone
// on the wire, without sending it anywhere.
func oauth1Capture(t *testing.T, s Scheme, r *http.Request) (*http.Request, *Trace) {
	t.Helper()
	tr := &Trace{}
	r = r.WithContext(WithTrace(r.Context(), tr))
	var got *http.Request
	rt := s.Wrap(RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		got = r
		return &http.Response{StatusCode: 200, Body: http.NoBody, Request: r}, nil
	}))
	resp, err := rt.RoundTrip(r)
	if err != nil {
		t.Fatalf("RoundTrip: %v", err)
	}
	resp.Body.Close()
	return got, tr
}

func oauth1MustNew(t *testing.T, cfg OAuth1Config) *OAuth1 {
	t.Helper()
	o, err := NewOAuth1(cfg)
	if err != nil {
		t.Fatalf("NewOAuth1: %v", err)
	}
	return o
}

func oauth1TraceField(tr *Trace, name string) string {
	for _, s := range tr.Steps() {
		for _, f := range s.Fields {
			if f.Name == name {
				return f.Value
			}
		}
	}
	return ""
}

var oauth1HeaderAttr = regexp.MustCompile(`([A-Za-z0-9_]+)="([^"]*)"`)

func oauth1HeaderParams(t *testing.T, h string) map[string]string {
	t.Helper()
	if !strings.HasPrefix(h, "OAuth ") {
		t.Fatalf("Authorization %q does not start with OAuth", h)
	}
	out := map[string]string{}
	for _, m := range oauth1HeaderAttr.FindAllStringSubmatch(h, -1) {
		v, err := url.PathUnescape(m[2])
		if err != nil {
			t.Fatalf("bad encoding in %q: %v", m[0], err)
		}
		out[m[1]] = v
	}
	return out
}

// RFC 5849 §1.2, all three requests, and the PLAINTEXT variant of the
// first (AUTH_VECTORS.md section 2a).
func TestOAuth1RFC5849Section1_2(t *testing.T) {
	t.Run("temporary credentials", func(t *testing.T) {
		o := oauth1MustNew(t, OAuth1Config{ConsumerKey: "dpf43f3p2l4k3l03", ConsumerSecret: "kd94hf93k423kf44",
			Timestamp: "137131200", Nonce: "wIjqoS", Callback: "http://printer.example.com/ready", Realm: "Photos"})
		req, _ := http.NewRequest("POST", "https://photos.example.net/initiate", nil)
		got, tr := oauth1Capture(t, o, req)
		wantBase := "POST&https%3A%2F%2Fphotos.example.net%2Finitiate&oauth_callback%3Dhttp%253A%252F%252Fprinter.example.com%252Fready%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3DwIjqoS%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131200"
		if b := oauth1TraceField(tr, "signature base string"); b != wantBase {
			t.Errorf("base string\n got %s\nwant %s", b, wantBase)
		}
		h := got.Header.Get("Authorization")
		if !strings.Contains(h, `oauth_signature="74KNZJeDHnMBp0EMJ9ZHt%2FXKycU%3D"`) {
			t.Errorf("Authorization %s lacks the RFC signature", h)
		}
		if !strings.HasPrefix(h, `OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", `) {
			t.Errorf("Authorization %s: want realm first", h)
		}
	})
	t.Run("token credentials", func(t *testing.T) {
		o := oauth1MustNew(t, OAuth1Config{ConsumerKey: "dpf43f3p2l4k3l03", ConsumerSecret: "kd94hf93k423kf44",
			Token: "hh5s93j4hdidpola", TokenSecret: "hdhd0244k9j7ao03",
			Timestamp: "137131201", Nonce: "walatlh", Verifier: "hfdp7dh39dks9884", Realm: "Photos"})
		req, _ := http.NewRequest("POST", "https://photos.example.net/token", nil)
		got, _ := oauth1Capture(t, o, req)
		p := oauth1HeaderParams(t, got.Header.Get("Authorization"))
		if p["oauth_signature"] != "gKgrFCywp7rO0OXSjdot/IHF7IU=" {
			t.Errorf("signature %q, want gKgrFCywp7rO0OXSjdot/IHF7IU=", p["oauth_signature"])
		}
		if p["oauth_verifier"] != "hfdp7dh39dks9884" || p["oauth_token"] != "hh5s93j4hdidpola" {
			t.Errorf("params %v", p)
		}
	})
	t.Run("protected resource", func(t *testing.T) {
		o := oauth1MustNew(t, OAuth1Config{ConsumerKey: "dpf43f3p2l4k3l03", ConsumerSecret: "kd94hf93k423kf44",
			Token: "nnch734d00sl2jdk", TokenSecret: "pfkkdhi9sl3r4s00",
			Timestamp: "137131202", Nonce: "chapoH", Realm: "Photos"})
		req, _ := http.NewRequest("GET", "http://photos.example.net/photos?file=vacation.jpg&size=original", nil)
		got, tr := oauth1Capture(t, o, req)
		want := `OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131202", oauth_nonce="chapoH", oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D"`
		if h := got.Header.Get("Authorization"); h != want {
			t.Errorf("Authorization\n got %s\nwant %s", h, want)
		}
		wantBase := "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3DchapoH%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131202%26oauth_token%3Dnnch734d00sl2jdk%26size%3Doriginal"
		if b := oauth1TraceField(tr, "signature base string"); b != wantBase {
			t.Errorf("base string\n got %s\nwant %s", b, wantBase)
		}
		if got.URL.RawQuery != "file=vacation.jpg&size=original" {
			t.Errorf("query changed to %q", got.URL.RawQuery)
		}
	})
	t.Run("PLAINTEXT", func(t *testing.T) {
		o := oauth1MustNew(t, OAuth1Config{ConsumerKey: "dpf43f3p2l4k3l03", ConsumerSecret: "kd94hf93k423kf44",
			SignatureMethod: "PLAINTEXT", Timestamp: "137131200", Nonce: "wIjqoS", Callback: "http://printer.example.com/ready"})
		req, _ := http.NewRequest("POST", "https://photos.example.net/initiate", nil)
		got, tr := oauth1Capture(t, o, req)
		if h := got.Header.Get("Authorization"); !strings.Contains(h, `oauth_signature="kd94hf93k423kf44%26"`) {
			t.Errorf("Authorization %s: want oauth_signature=\"kd94hf93k423kf44%%26\"", h)
		}
		oauth1AssertNoSecrets(t, tr, "kd94hf93k423kf44")
	})
}

// RFC 5849 §3.4.1.1 base string, with the third-party key of section 2b;
// OAuth Core 1.0 A.5 (2d); and §3.4.1.2 host normalisation.
func TestOAuth1BaseStringVectors(t *testing.T) {
	o := oauth1MustNew(t, OAuth1Config{ConsumerKey: "9djdj82h48djs9d2", ConsumerSecret: "j49sk3j29djd",
		Token: "kkk9d7dh3k39sjv7", TokenSecret: "dh893hdasih9", Timestamp: "137131201", Nonce: "7d8f3e4a", Realm: "Example"})
	req, _ := http.NewRequest("POST", "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b", strings.NewReader("c2&a3=2+q"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	got, tr := oauth1Capture(t, o, req)
	wantNorm := "a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9djdj82h48djs9d2&oauth_nonce=7d8f3e4a&oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201&oauth_token=kkk9d7dh3k39sjv7"
	if n := oauth1TraceField(tr, "normalized parameters (§3.4.1.3.2)"); n != wantNorm {
		t.Errorf("normalized\n got %s\nwant %s", n, wantNorm)
	}
	wantBase := "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7"
	if b := oauth1TraceField(tr, "signature base string"); b != wantBase {
		t.Errorf("base\n got %s\nwant %s", b, wantBase)
	}
	if p := oauth1HeaderParams(t, got.Header.Get("Authorization")); p["oauth_signature"] != "r6/TJjbCOr97/+UU0NsvSne7s5g=" {
		t.Errorf("signature %q, want r6/TJjbCOr97/+UU0NsvSne7s5g=", p["oauth_signature"])
	}
	body, _ := io.ReadAll(got.Body)
	if string(body) != "c2&a3=2+q" {
		t.Errorf("body on the wire %q", body)
	}

	a5 := oauth1MustNew(t, OAuth1Config{ConsumerKey: "dpf43f3p2l4k3l03", ConsumerSecret: "kd94hf93k423kf44",
		Token: "nnch734d00sl2jdk", TokenSecret: "pfkkdhi9sl3r4s00", Timestamp: "1191242096", Nonce: "kllo9940pd9333jh", Version: "1.0"})
	req, _ = http.NewRequest("GET", "http://photos.example.net/photos?file=vacation.jpg&size=original", nil)
	got, _ = oauth1Capture(t, a5, req)
	if p := oauth1HeaderParams(t, got.Header.Get("Authorization")); p["oauth_signature"] != "tR3+Ty81lMeYAr/Fid0kMTYa/WM=" || p["oauth_version"] != "1.0" {
		t.Errorf("A.5: params %v, want signature tR3+Ty81lMeYAr/Fid0kMTYa/WM=", p)
	}

	req, _ = http.NewRequest("GET", "http://EXAMPLE.COM:80/r%20v/X?id=123", nil)
	if u := oauth1BaseURI(req); u != "http://example.com/r%20v/X" {
		t.Errorf("base URI %q", u)
	}
	req, _ = http.NewRequest("GET", "https://www.example.net:8080/?q=1", nil)
	if u := oauth1BaseURI(req); u != "https://www.example.net:8080/" {
		t.Errorf("base URI %q", u)
	}
}

// The Twitter/X example (section 2c): query parameter, form body, version.
func TestOAuth1TwitterExample(t *testing.T) {
	s, err := New("oauth1", Params{
		"consumerKey": "xvz1evFS4wEEPTGEFPHBog", "consumerSecret": "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
		"token": "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb", "tokenSecret": "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
		"nonce": "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", "timestamp": "1318622958",
	})
	if err != nil {
		t.Fatal(err)
	}
	body := "status=Hello%20Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21"
	req, _ := http.NewRequest("POST", "https://api.twitter.com/1.1/statuses/update.json?include_entities=true", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	got, tr := oauth1Capture(t, s, req)
	wantBase := "POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521"
	if b := oauth1TraceField(tr, "signature base string"); b != wantBase {
		t.Errorf("base\n got %s\nwant %s", b, wantBase)
	}
	if p := oauth1HeaderParams(t, got.Header.Get("Authorization")); p["oauth_signature"] != "hCtSmYh+iHYCEqBWrE7C7hYmtUk=" {
		t.Errorf("signature %q, want hCtSmYh+iHYCEqBWrE7C7hYmtUk=", p["oauth_signature"])
	}
	oauth1AssertNoSecrets(t, tr, "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw", "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE")
}

// ---- an OAuth 1 provider for the tests, verifying with its own code ----

// oauth1TestEscape encodes per RFC 5849 §3.6, built on url.QueryEscape (a
// different route from the client's encoder).
func oauth1TestEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

type oauth1TestProvider struct {
	t         *testing.T
	srv       *httptest.Server
	mu        sync.Mutex
	consumers map[string]string         // key -> secret
	rsaPub    map[string]*rsa.PublicKey // key -> RSA public key
	tokens    map[string]string         // token -> secret (temporary and access)
	verifiers map[string]string         // temporary token -> verifier
	callbacks map[string]string         // temporary token -> callback
	nonces    map[string]bool
	allowOld  bool
	noConfirm bool // leave out oauth_callback_confirmed (OAuth 1.0 without the 1.0a fix)
	lastBase  string
	lastBody  string
	lastQuery url.Values
}

func newOAuth1TestProvider(t *testing.T) *oauth1TestProvider {
	p := &oauth1TestProvider{t: t, consumers: map[string]string{}, rsaPub: map[string]*rsa.PublicKey{},
		tokens: map[string]string{}, verifiers: map[string]string{}, callbacks: map[string]string{}, nonces: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/initiate", p.initiate)
	mux.HandleFunc("/authorize", p.authorize)
	mux.HandleFunc("/token", p.token)
	mux.HandleFunc("/", p.resource)
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func oauth1TestRandom(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// verify checks the request's signature and returns its oauth_ parameters.
func (p *oauth1TestProvider) verify(r *http.Request) (map[string]string, error) {
	var all [][2]string
	proto := map[string]string{}
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "OAuth ") {
		for _, m := range oauth1HeaderAttr.FindAllStringSubmatch(h[len("OAuth "):], -1) {
			v, err := url.PathUnescape(m[2])
			if err != nil {
				return nil, fmt.Errorf("header: %v", err)
			}
			if m[1] == "realm" {
				continue
			}
			proto[m[1]] = v
		}
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("query: %v", err)
	}
	for k, vs := range q {
		for _, v := range vs {
			all = append(all, [2]string{k, v})
			if strings.HasPrefix(k, "oauth_") {
				proto[k] = v
			}
		}
	}
	body, _ := io.ReadAll(r.Body)
	p.mu.Lock()
	p.lastBody, p.lastQuery = string(body), q
	p.mu.Unlock()
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		f, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, fmt.Errorf("form: %v", err)
		}
		for k, vs := range f {
			for _, v := range vs {
				all = append(all, [2]string{k, v})
				if strings.HasPrefix(k, "oauth_") {
					proto[k] = v
				}
			}
		}
	}
	if r.Header.Get("Authorization") != "" {
		for k, v := range proto {
			all = append(all, [2]string{k, v})
		}
	}
	sig := proto["oauth_signature"]
	var enc []string
	for _, kv := range all {
		if kv[0] == "oauth_signature" {
			continue
		}
		enc = append(enc, oauth1TestEscape(kv[0])+"="+oauth1TestEscape(kv[1]))
	}
	sort.Strings(enc) // "=" sorts below every encoded character, so this sorts by name, then value
	base := r.Method + "&" + oauth1TestEscape("http://"+strings.ToLower(r.Host)+r.URL.EscapedPath()) + "&" + oauth1TestEscape(strings.Join(enc, "&"))
	p.mu.Lock()
	p.lastBase = base
	cs, known := p.consumers[proto["oauth_consumer_key"]]
	pub := p.rsaPub[proto["oauth_consumer_key"]]
	ts := ""
	if tok := proto["oauth_token"]; tok != "" {
		var ok bool
		if ts, ok = p.tokens[tok]; !ok {
			p.mu.Unlock()
			return nil, fmt.Errorf("unknown token %q", tok)
		}
	}
	p.mu.Unlock()
	if !known {
		return nil, fmt.Errorf("unknown consumer %q", proto["oauth_consumer_key"])
	}
	key := oauth1TestEscape(cs) + "&" + oauth1TestEscape(ts)
	var hf func() hash.Hash
	var ch crypto.Hash
	m := proto["oauth_signature_method"]
	switch m {
	case "HMAC-SHA1", "RSA-SHA1":
		hf, ch = sha1.New, crypto.SHA1
	case "HMAC-SHA256", "RSA-SHA256":
		hf, ch = sha256.New, crypto.SHA256
	case "HMAC-SHA512", "RSA-SHA512":
		hf, ch = sha512.New, crypto.SHA512
	case "PLAINTEXT":
	default:
		return nil, fmt.Errorf("unknown method %q", m)
	}
	switch {
	case m == "PLAINTEXT":
		if sig != key {
			return nil, fmt.Errorf("PLAINTEXT signature mismatch")
		}
	case strings.HasPrefix(m, "HMAC"):
		mac := hmac.New(hf, []byte(key))
		mac.Write([]byte(base))
		want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
		if !hmac.Equal([]byte(want), []byte(sig)) {
			return nil, fmt.Errorf("signature mismatch over %s", base)
		}
	default:
		raw, err := base64.StdEncoding.DecodeString(sig)
		if err != nil || pub == nil {
			return nil, fmt.Errorf("RSA signature unusable")
		}
		h := hf()
		h.Write([]byte(base))
		if err := rsa.VerifyPKCS1v15(pub, ch, h.Sum(nil), raw); err != nil {
			return nil, fmt.Errorf("RSA signature: %v", err)
		}
	}
	if bh, ok := proto["oauth_body_hash"]; ok {
		h := hf()
		h.Write(body)
		if base64.StdEncoding.EncodeToString(h.Sum(nil)) != bh {
			return nil, fmt.Errorf("oauth_body_hash mismatch")
		}
	}
	tsec, err := strconv.ParseInt(proto["oauth_timestamp"], 10, 64)
	if err != nil {
		return nil, fmt.Errorf("bad timestamp")
	}
	if !p.allowOld && (time.Since(time.Unix(tsec, 0)) > 10*time.Minute || time.Until(time.Unix(tsec, 0)) > 10*time.Minute) {
		return nil, fmt.Errorf("stale timestamp")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	nk := proto["oauth_consumer_key"] + "|" + proto["oauth_timestamp"] + "|" + proto["oauth_nonce"] + "|" + proto["oauth_token"]
	if p.nonces[nk] {
		return nil, fmt.Errorf("nonce replayed (RFC 5849 §3.3)")
	}
	p.nonces[nk] = true
	return proto, nil
}

func (p *oauth1TestProvider) deny(w http.ResponseWriter, err error) {
	w.Header().Set("WWW-Authenticate", `OAuth realm="test"`)
	http.Error(w, err.Error(), http.StatusUnauthorized)
}

func (p *oauth1TestProvider) initiate(w http.ResponseWriter, r *http.Request) {
	proto, err := p.verify(r)
	if err != nil {
		p.deny(w, err)
		return
	}
	if proto["oauth_callback"] == "" {
		p.deny(w, fmt.Errorf("oauth_callback missing"))
		return
	}
	tok, sec := "temp-"+oauth1TestRandom(8), oauth1TestRandom(12)
	p.mu.Lock()
	p.tokens[tok], p.callbacks[tok] = sec, proto["oauth_callback"]
	p.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-www-form-urlencoded")
	v := url.Values{"oauth_token": {tok}, "oauth_token_secret": {sec}, "oauth_callback_confirmed": {"true"}}
	p.mu.Lock()
	if p.noConfirm {
		v.Del("oauth_callback_confirmed")
	}
	p.mu.Unlock()
	io.WriteString(w, v.Encode())
}

// authorize plays a resource owner who approves at once.
func (p *oauth1TestProvider) authorize(w http.ResponseWriter, r *http.Request) {
	tok := r.URL.Query().Get("oauth_token")
	p.mu.Lock()
	cb, ok := p.callbacks[tok]
	v := "ver-" + oauth1TestRandom(6)
	p.verifiers[tok] = v
	p.mu.Unlock()
	if !ok {
		http.Error(w, "unknown token", http.StatusBadRequest)
		return
	}
	if cb == "oob" {
		fmt.Fprintf(w, "verifier=%s", v)
		return
	}
	u, _ := url.Parse(cb)
	q := u.Query()
	q.Set("oauth_token", tok)
	q.Set("oauth_verifier", v)
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

func (p *oauth1TestProvider) token(w http.ResponseWriter, r *http.Request) {
	proto, err := p.verify(r)
	if err != nil {
		p.deny(w, err)
		return
	}
	p.mu.Lock()
	want, ok := p.verifiers[proto["oauth_token"]]
	if ok {
		delete(p.verifiers, proto["oauth_token"])
		delete(p.tokens, proto["oauth_token"])
	}
	p.mu.Unlock()
	if !ok || want != proto["oauth_verifier"] {
		p.deny(w, fmt.Errorf("bad verifier"))
		return
	}
	tok, sec := "acc-"+oauth1TestRandom(8), oauth1TestRandom(12)
	p.mu.Lock()
	p.tokens[tok] = sec
	p.mu.Unlock()
	io.WriteString(w, url.Values{"oauth_token": {tok}, "oauth_token_secret": {sec}, "user_id": {"42"}}.Encode())
}

func (p *oauth1TestProvider) resource(w http.ResponseWriter, r *http.Request) {
	proto, err := p.verify(r)
	if err != nil {
		p.deny(w, err)
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"ok": true, "consumer": proto["oauth_consumer_key"]})
}

var (
	oauth1TestKeyOnce sync.Once
	oauth1TestKey     *rsa.PrivateKey
)

func oauth1RSAKey(t *testing.T) (*rsa.PrivateKey, string) {
	oauth1TestKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		oauth1TestKey = k
	})
	der, err := x509.MarshalPKCS8PrivateKey(oauth1TestKey)
	if err != nil {
		t.Fatal(err)
	}
	return oauth1TestKey, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

func oauth1AssertNoSecrets(t *testing.T, tr *Trace, secrets ...string) {
	t.Helper()
	data, err := json.Marshal(struct {
		Steps    []Step
		Warnings []string
	}{tr.Steps(), tr.Warnings()})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		for _, form := range []string{s, oauth1TestEscape(s), url.QueryEscape(s)} {
			if form != "" && strings.Contains(string(data), form) {
				t.Errorf("the trace contains the secret %q", form)
			}
		}
	}
}

func oauth1Send(t *testing.T, s Scheme, req *http.Request) (*http.Response, string, *Trace) {
	t.Helper()
	tr := &Trace{}
	req = req.WithContext(WithTrace(context.Background(), tr))
	c := &http.Client{Transport: s.Wrap(http.DefaultTransport)}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b), tr
}

// Every signature method and every placement, verified by the provider.
func TestOAuth1ServerAcceptsEveryMethodAndPlacement(t *testing.T) {
	p := newOAuth1TestProvider(t)
	key, keyPEM := oauth1RSAKey(t)
	p.consumers["ck"] = "c&s sec=ret~"
	p.rsaPub["ck"] = &key.PublicKey
	p.tokens["tk"] = "t+k/secret"
	methods := []string{"HMAC-SHA1", "HMAC-SHA256", "HMAC-SHA512", "RSA-SHA1", "RSA-SHA256", "RSA-SHA512", "PLAINTEXT"}
	for _, m := range methods {
		for _, placement := range []string{"header", "query", "body"} {
			t.Run(m+"/"+placement, func(t *testing.T) {
				s, err := New("oauth1", Params{"consumerKey": "ck", "consumerSecret": "c&s sec=ret~", "token": "tk",
					"tokenSecret": "t+k/secret", "signatureMethod": m, "privateKey": keyPEM, "placement": placement, "realm": "r"})
				if err != nil {
					t.Fatal(err)
				}
				form := "name=J%C3%BCrgen+M&x=1&x=2&empty="
				req, _ := http.NewRequest("POST", p.srv.URL+"/photos/a%20b!?q=%2B1&q=a+b&z", strings.NewReader(form))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				resp, body, _ := oauth1Send(t, s, req)
				if resp.StatusCode != 200 {
					t.Fatalf("server said %s: %s", resp.Status, body)
				}
				p.mu.Lock()
				lastBody, lastQuery := p.lastBody, p.lastQuery
				p.mu.Unlock()
				switch placement {
				case "header":
					if lastBody != form || lastQuery.Get("oauth_signature") != "" {
						t.Errorf("header placement changed the body %q or the query %v", lastBody, lastQuery)
					}
				case "query":
					if lastQuery.Get("oauth_signature") == "" || lastBody != form {
						t.Errorf("query placement: query %v body %q", lastQuery, lastBody)
					}
				case "body":
					if !strings.HasPrefix(lastBody, form+"&oauth_consumer_key=ck") || !strings.Contains(lastBody, "oauth_signature=") {
						t.Errorf("body placement: body %q", lastBody)
					}
				}
				// The caller's request is untouched and replayable.
				rc, _ := req.GetBody()
				again, _ := io.ReadAll(rc)
				if string(again) != form || req.Header.Get("Authorization") != "" {
					t.Errorf("the caller's request changed: body %q, Authorization %q", again, req.Header.Get("Authorization"))
				}
			})
		}
	}
}

func TestOAuth1ServerBodyHashAndGET(t *testing.T) {
	p := newOAuth1TestProvider(t)
	p.consumers["ck"] = "cs"
	for _, m := range []string{"HMAC-SHA1", "HMAC-SHA256", "HMAC-SHA512"} {
		s, err := New("oauth1", Params{"consumerKey": "ck", "consumerSecret": "cs", "signatureMethod": m, "includeBodyHash": "true"})
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("PUT", p.srv.URL+"/doc", strings.NewReader(`{"a":1}`))
		req.Header.Set("Content-Type", "application/json")
		resp, body, tr := oauth1Send(t, s, req)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: server said %s: %s", m, resp.Status, body)
		}
		if oauth1TraceField(tr, "oauth_body_hash") == "" {
			t.Errorf("%s: no body hash in the trace", m)
		}
		req, _ = http.NewRequest("GET", p.srv.URL+"/doc?x=%7E", nil)
		if resp, body, _ := oauth1Send(t, s, req); resp.StatusCode != 200 {
			t.Fatalf("%s GET: server said %s: %s", m, resp.Status, body)
		}
	}
	// A tampered body no longer matches oauth_body_hash.
	s, _ := New("oauth1", Params{"consumerKey": "ck", "consumerSecret": "cs", "includeBodyHash": "true"})
	tamper := RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		r.Body = io.NopCloser(strings.NewReader(`{"a":2}`))
		return http.DefaultTransport.RoundTrip(r)
	})
	req, _ := http.NewRequest("PUT", p.srv.URL+"/doc", strings.NewReader(`{"a":1}`))
	resp, err := (&http.Client{Transport: s.Wrap(tamper)}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("tampered body: server said %s, want 401", resp.Status)
	}
}

func TestOAuth1ServerRejectsWrongSecret(t *testing.T) {
	p := newOAuth1TestProvider(t)
	p.consumers["ck"] = "right"
	p.tokens["tk"] = "tsecret"
	for _, params := range []Params{
		{"consumerKey": "ck", "consumerSecret": "wrong", "token": "tk", "tokenSecret": "tsecret"},
		{"consumerKey": "ck", "consumerSecret": "right", "token": "tk", "tokenSecret": "wrong"},
		{"consumerKey": "ck", "consumerSecret": "wrong", "token": "tk", "tokenSecret": "tsecret", "signatureMethod": "PLAINTEXT"},
	} {
		s, err := New("oauth1", params)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("GET", p.srv.URL+"/r", nil)
		resp, body, _ := oauth1Send(t, s, req)
		if resp.StatusCode != 401 {
			t.Errorf("%v: server said %s (%s), want 401", params, resp.Status, body)
		}
	}
	// A replayed nonce is refused too (fixed nonce and timestamp).
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	s, _ := New("oauth1", Params{"consumerKey": "ck", "consumerSecret": "right", "nonce": "fixed", "timestamp": ts})
	for i, want := range []int{200, 401} {
		req, _ := http.NewRequest("GET", p.srv.URL+"/r", nil)
		if resp, body, _ := oauth1Send(t, s, req); resp.StatusCode != want {
			t.Errorf("request %d: server said %s (%s), want %d", i, resp.Status, body, want)
		}
	}
}

func TestOAuth1TraceShowsDerivedValuesNotSecrets(t *testing.T) {
	p := newOAuth1TestProvider(t)
	key, keyPEM := oauth1RSAKey(t)
	p.consumers["ck"] = "consumer-secret-XYZ"
	p.rsaPub["ck"] = &key.PublicKey
	p.tokens["tk"] = "token-secret-ABC"
	for _, m := range []string{"HMAC-SHA256", "RSA-SHA256", "PLAINTEXT"} {
		s, _ := New("oauth1", Params{"consumerKey": "ck", "consumerSecret": "consumer-secret-XYZ", "token": "tk",
			"tokenSecret": "token-secret-ABC", "signatureMethod": m, "privateKey": keyPEM, "placement": "query"})
		req, _ := http.NewRequest("GET", p.srv.URL+"/r?a=1", nil)
		resp, body, tr := oauth1Send(t, s, req)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %s %s", m, resp.Status, body)
		}
		p.mu.Lock()
		base := p.lastBase
		p.mu.Unlock()
		if got := oauth1TraceField(tr, "signature base string"); got != base {
			t.Errorf("%s: trace base string\n %s\nserver computed\n %s", m, got, base)
		}
		if m != "PLAINTEXT" && oauth1TraceField(tr, "oauth_signature") == "" {
			t.Errorf("%s: no signature in the trace", m)
		}
		pemBody := strings.Join(strings.Split(keyPEM, "\n")[1:4], "")
		oauth1AssertNoSecrets(t, tr, "consumer-secret-XYZ", "token-secret-ABC", pemBody)
	}
}

func TestOAuth1BadInput(t *testing.T) {
	for _, tc := range []struct {
		params Params
		want   string
	}{
		{Params{"consumerKey": "k", "signatureMethod": "RSA-SHA1"}, "privateKey"},
		{Params{"consumerKey": "k", "signatureMethod": "RSA-SHA1", "privateKey": "-----BEGIN CERTIFICATE-----\nTest Certificate\n-----END CERTIFICATE-----"}, "privateKey"},
		{Params{"consumerKey": "k", "timestamp": "yesterday"}, "timestamp"},
		{Params{"consumerKey": "k", "includeBodyHash": "maybe"}, "includeBodyHash"},
		{Params{"consumerKey": "k", "signatureMethod": "MD5"}, "signatureMethod"},
	} {
		_, err := New("oauth1", tc.params)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want one naming %q", tc.params, err, tc.want)
		}
	}
	s, _ := New("oauth1", Params{"consumerKey": "k", "consumerSecret": "s", "placement": "body"})
	req, _ := http.NewRequest("POST", "http://127.0.0.1:1/x", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/json")
	if _, err := s.Wrap(http.DefaultTransport).RoundTrip(req); err == nil || !strings.Contains(err.Error(), "x-www-form-urlencoded") {
		t.Errorf("body placement on JSON: %v", err)
	}
	s, _ = New("oauth1", Params{"consumerKey": "k", "consumerSecret": "s"})
	req, _ = http.NewRequest("GET", "http://127.0.0.1:1/x", nil)
	req.URL.RawQuery = "a=%zz"
	if _, err := s.Wrap(http.DefaultTransport).RoundTrip(req); err == nil || !strings.Contains(err.Error(), "at byte 2") {
		t.Errorf("bad query: %v", err)
	}
}

// Postman's addParamsToHeader=false: the body for a POST form, the query
// otherwise; addEmptyParamsToSign sends an empty oauth_token.
func TestOAuth1PostmanOptions(t *testing.T) {
	s, err := New("oauth1", Params{"consumerKey": "k", "consumerSecret": "s", "addParamsToHeader": "false", "addEmptyParamsToSign": "true", "version": "1.0"})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", "http://example.com/x", nil)
	got, _ := oauth1Capture(t, s, req)
	if q := got.URL.Query(); q.Get("oauth_signature") == "" || !q.Has("oauth_token") || got.Header.Get("Authorization") != "" {
		t.Errorf("GET: query %v, Authorization %q", q, got.Header.Get("Authorization"))
	}
	req, _ = http.NewRequest("POST", "http://example.com/x", strings.NewReader("a=1"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	got, _ = oauth1Capture(t, s, req)
	b, _ := io.ReadAll(got.Body)
	if !strings.HasPrefix(string(b), "a=1&oauth_consumer_key=k&oauth_token=&") || got.ContentLength != int64(len(b)) {
		t.Errorf("POST form body %q (length %d)", b, got.ContentLength)
	}
	// An absent version means 1.0; an empty one omits it.
	s, _ = New("oauth1", Params{"consumerKey": "k", "consumerSecret": "s"})
	got, _ = oauth1Capture(t, s, mustOAuth1Req("GET", "http://example.com/"))
	if !strings.Contains(got.Header.Get("Authorization"), `oauth_version="1.0"`) {
		t.Errorf("absent version: %s", got.Header.Get("Authorization"))
	}
	s, _ = New("oauth1", Params{"consumerKey": "k", "consumerSecret": "s", "version": ""})
	got, _ = oauth1Capture(t, s, mustOAuth1Req("GET", "http://example.com/"))
	if strings.Contains(got.Header.Get("Authorization"), `oauth_version`) {
		t.Errorf("empty version: %s", got.Header.Get("Authorization"))
	}
}

func mustOAuth1Req(method, u string) *http.Request {
	r, err := http.NewRequest(method, u, nil)
	if err != nil {
		panic(err)
	}
	return r
}

// The provider's verifier agrees with an independent client library.
func TestOAuth1ProviderAgreesWithDghubbleClient(t *testing.T) {
	p := newOAuth1TestProvider(t)
	key, _ := oauth1RSAKey(t)
	p.consumers["ck"] = "c secret&"
	p.rsaPub["ck"] = &key.PublicKey
	p.tokens["tk"] = "t secret"
	for _, signer := range []dghubble.Signer{
		&dghubble.HMACSigner{ConsumerSecret: "c secret&"},
		&dghubble.HMAC256Signer{ConsumerSecret: "c secret&"},
		&dghubble.RSASigner{PrivateKey: key},
	} {
		cfg := &dghubble.Config{ConsumerKey: "ck", ConsumerSecret: "c secret&", Signer: signer}
		c := cfg.Client(context.Background(), dghubble.NewToken("tk", "t secret"))
		resp, err := c.PostForm(p.srv.URL+"/r%20x?b=2&a=1+1", url.Values{"f": {"x y"}, "g": {"~!*"}})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s: provider refused the library's request: %s %s", signer.Name(), resp.Status, body)
		}
	}
	// The library's three-legged flow against the provider.
	cfg := &dghubble.Config{ConsumerKey: "ck", ConsumerSecret: "c secret&", CallbackURL: "oob",
		Endpoint: dghubble.Endpoint{RequestTokenURL: p.srv.URL + "/initiate", AuthorizeURL: p.srv.URL + "/authorize", AccessTokenURL: p.srv.URL + "/token"}}
	rt, rs, err := cfg.RequestToken()
	if err != nil {
		t.Fatal(err)
	}
	au, _ := cfg.AuthorizationURL(rt)
	resp, err := http.Get(au.String())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	at, as, err := cfg.AccessToken(rt, rs, strings.TrimPrefix(string(b), "verifier="))
	if err != nil || at == "" || as == "" {
		t.Fatalf("library access token: %q %q %v", at, as, err)
	}
}

func FuzzOAuth1ParseForm(f *testing.F) {
	for _, s := range []string{"", "a=1", "c2&a3=2+q", "b5=%3D%253D&a3=a&c%40=&a2=r%20b", "a=%zz", "=&&=", "%", "a=%E2%82"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		params, err := oauth1ParseForm(s, "fuzz")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "authlib: oauth1: fuzz: ") {
				t.Fatalf("error without context: %v", err)
			}
			return
		}
		var parts []string
		for _, p := range params {
			parts = append(parts, oauth1Encode(p.name)+"="+oauth1Encode(p.value))
		}
		again, err := oauth1ParseForm(strings.Join(parts, "&"), "again")
		if err != nil {
			t.Fatalf("re-parse of %q: %v", parts, err)
		}
		if oauth1NormalizeParams(params) != oauth1NormalizeParams(again) {
			t.Fatalf("round trip changed %q", s)
		}
	})
}
