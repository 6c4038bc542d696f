package authlib

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	jwtlib "github.com/golang-jwt/jwt/v5"
)

// RFC 7519 §3.1, with the HMAC key of RFC 7515 Appendix A.1
// (AUTH_VECTORS.md section 10).
const (
	jwtRFCToken = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	jwtRFCKey   = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"
)

func TestJWTRFC7519Example(t *testing.T) {
	key, err := base64.RawURLEncoding.DecodeString(jwtRFCKey)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwtlib.Parse(jwtRFCToken, func(*jwtlib.Token) (any, error) { return key, nil },
		jwtlib.WithValidMethods([]string{"HS256"}), jwtlib.WithoutClaimsValidation())
	if err != nil || !tok.Valid {
		t.Fatalf("the RFC token does not verify with the RFC key: %v", err)
	}
	if _, err := jwtlib.Parse(jwtRFCToken, func(*jwtlib.Token) (any, error) { return []byte("other"), nil },
		jwtlib.WithoutClaimsValidation()); err == nil {
		t.Fatal("verification cannot fail")
	}
	h, c, err := DecodeJWT(jwtRFCToken)
	if err != nil {
		t.Fatal(err)
	}
	if h["typ"] != "JWT" || h["alg"] != "HS256" || c["iss"] != "joe" || c["exp"] != json.Number("1300819380") || c["http://example.com/is_root"] != true {
		t.Errorf("decoded header %v claims %v", h, c)
	}
	if _, _, err := DecodeJWT("Bearer " + jwtRFCToken); err != nil {
		t.Errorf("with Bearer prefix: %v", err)
	}
	// The same key given base64url-encoded signs tokens the key verifies.
	s, err := New("jwt", Params{"algorithm": "HS256", "secret": jwtRFCKey, "isSecretBase64Encoded": "true", "payload": `{"iss":"joe"}`})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", "http://example.com/", nil)
	got, _ := oauth1Capture(t, s, req)
	mine := strings.TrimPrefix(got.Header.Get("Authorization"), "Bearer ")
	if _, err := jwtlib.Parse(mine, func(*jwtlib.Token) (any, error) { return key, nil }, jwtlib.WithValidMethods([]string{"HS256"})); err != nil {
		t.Errorf("token signed with the base64url secret: %v", err)
	}
}

type jwtTestKeys struct {
	rsaPEM string
	rsaPub any
	ec     map[string]*ecdsa.PrivateKey // by alg
	ecPEM  map[string]string
}

func jwtKeys(t *testing.T) jwtTestKeys {
	t.Helper()
	rk, rpem := oauth1RSAKey(t)
	k := jwtTestKeys{rsaPEM: rpem, rsaPub: &rk.PublicKey, ec: map[string]*ecdsa.PrivateKey{}, ecPEM: map[string]string{}}
	for alg, curve := range map[string]elliptic.Curve{"ES256": elliptic.P256(), "ES384": elliptic.P384(), "ES512": elliptic.P521()} {
		ek, err := ecdsa.GenerateKey(curve, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		der, err := x509.MarshalECPrivateKey(ek)
		if err != nil {
			t.Fatal(err)
		}
		k.ec[alg] = ek
		k.ecPEM[alg] = string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}))
	}
	return k
}

// jwtTestServer verifies the bearer token (header or ?token=) with the
// library and the public key, and requires the claims the test expects.
func jwtTestServer(t *testing.T, alg string, key any) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := r.URL.Query().Get("token")
		if h := r.Header.Get("Authorization"); h != "" {
			tok = strings.TrimPrefix(h, "Bearer ")
		}
		parsed, err := jwtlib.Parse(tok, func(*jwtlib.Token) (any, error) { return key, nil },
			jwtlib.WithValidMethods([]string{alg}), jwtlib.WithExpirationRequired(), jwtlib.WithIssuedAt(), jwtlib.WithIssuer("knock"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		if parsed.Header["kid"] != "k1" {
			http.Error(w, "no kid", http.StatusUnauthorized)
			return
		}
		w.Write([]byte("ok"))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestJWTEveryAlgorithmVerifiedByServer(t *testing.T) {
	keys := jwtKeys(t)
	for _, alg := range []string{"HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"} {
		t.Run(alg, func(t *testing.T) {
			p := Params{"algorithm": alg, "payload": `{"iss":"knock","sub":"user-1","n":12345678901234567890}`, "header": `{"kid":"k1","alg":"none"}`}
			var verify any
			switch alg[:2] {
			case "HS":
				p["secret"] = "jwt-hmac-secret-value"
				verify = []byte("jwt-hmac-secret-value")
			case "ES":
				p["privateKey"] = keys.ecPEM[alg]
				verify = &keys.ec[alg].PublicKey
			default:
				p["privateKey"] = keys.rsaPEM
				verify = keys.rsaPub
			}
			srv := jwtTestServer(t, alg, verify)
			s, err := New("jwt", p)
			if err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest("GET", srv.URL+"/api?x=1", nil)
			resp, body, tr := oauth1Send(t, s, req)
			if resp.StatusCode != 200 {
				t.Fatalf("server said %s: %s", resp.Status, body)
			}
			if h := oauth1TraceField(tr, "JOSE header"); !strings.Contains(h, `"alg":"`+alg+`"`) || !strings.Contains(h, `"kid":"k1"`) {
				t.Errorf("JOSE header in the trace: %s", h)
			}
			if c := oauth1TraceField(tr, "claims"); !strings.Contains(c, `"n":12345678901234567890`) || !strings.Contains(c, `"exp":`) {
				t.Errorf("claims in the trace: %s", c)
			}
			pemLine := ""
			if p["privateKey"] != "" {
				pemLine = strings.Split(p["privateKey"], "\n")[2]
			}
			oauth1AssertNoSecrets(t, tr, "jwt-hmac-secret-value", pemLine)

			// Negative: another key.
			bad := Params{}
			for k, v := range p {
				bad[k] = v
			}
			switch alg[:2] {
			case "HS":
				bad["secret"] = "another-secret"
			case "ES":
				other := map[string]string{"ES256": "ES256", "ES384": "ES384", "ES512": "ES512"}[alg]
				k2, _ := ecdsa.GenerateKey(keys.ec[other].Curve, rand.Reader)
				der, _ := x509.MarshalPKCS8PrivateKey(k2)
				bad["privateKey"] = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
			default:
				return // a second RSA key costs seconds; HS and ES cover the negative path
			}
			s2, err := New("jwt", bad)
			if err != nil {
				t.Fatal(err)
			}
			if resp, body, _ := oauth1Send(t, s2, req); resp.StatusCode != 401 {
				t.Errorf("wrong key: server said %s %s", resp.Status, body)
			}
		})
	}
}

func TestJWTPlacementAndClaims(t *testing.T) {
	srv := jwtTestServer(t, "HS256", []byte("s"))
	s, err := New("jwt", Params{"secret": "s", "payload": `{"iss":"knock"}`, "headers": `{"kid":"k1"}`, "addTokenTo": "queryParam", "expiresIn": "60"})
	if err != nil {
		t.Fatal(err)
	}
	j := s.(*JWT)
	j.now = func() time.Time { return time.Now().Add(-time.Second) }
	req, _ := http.NewRequest("GET", srv.URL+"/p?token=stale&a=b+c", nil)
	var wire string
	spy := RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		wire = r.URL.RawQuery
		return http.DefaultTransport.RoundTrip(r)
	})
	resp, err := (&http.Client{Transport: s.Wrap(spy)}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || strings.Contains(wire, "stale") || strings.Count(wire, "token=") != 1 {
		t.Errorf("query placement: %s, wire query %q", resp.Status, wire)
	}
	tok := wire[strings.Index(wire, "token=")+len("token="):]
	_, c, err := DecodeJWT(tok)
	if err != nil {
		t.Fatal(err)
	}
	iat, _ := c["iat"].(json.Number).Int64()
	exp, _ := c["exp"].(json.Number).Int64()
	if exp-iat != 60 {
		t.Errorf("iat %d exp %d, want exp = iat + 60", iat, exp)
	}

	// Template values win; expiresIn 0 adds no exp; a custom prefix.
	s, _ = New("jwt", Params{"secret": "s", "payload": `{"iat":1,"exp":2}`, "headerPrefix": "JWT"})
	got, _ := oauth1Capture(t, s, mustOAuth1Req("GET", "http://example.com/"))
	h := got.Header.Get("Authorization")
	_, c, err = DecodeJWT(strings.TrimPrefix(h, "JWT "))
	if !strings.HasPrefix(h, "JWT ey") || err != nil || c["iat"] != json.Number("1") || c["exp"] != json.Number("2") {
		t.Errorf("Authorization %q claims %v err %v", h, c, err)
	}
	s, _ = New("jwt", Params{"secret": "s", "expiresIn": "0"})
	got, _ = oauth1Capture(t, s, mustOAuth1Req("GET", "http://example.com/"))
	if _, c, _ = DecodeJWT(got.Header.Get("Authorization")); c["exp"] != nil || c["iat"] == nil {
		t.Errorf("expiresIn 0: claims %v", c)
	}
}

func TestJWTBadInput(t *testing.T) {
	keys := jwtKeys(t)
	for _, tc := range []struct {
		p    Params
		want string
	}{
		{Params{"algorithm": "HS256"}, `"secret"`},
		{Params{"algorithm": "none", "secret": "s"}, "algorithm"},
		{Params{"algorithm": "RS256"}, "privateKey"},
		{Params{"algorithm": "RS256", "privateKey": "-----BEGIN CERTIFICATE-----\nTest Certificate\n-----END CERTIFICATE-----"}, "privateKey"},
		{Params{"algorithm": "ES256", "privateKey": keys.ecPEM["ES384"]}, "P-256"},
		{Params{"algorithm": "ES256", "privateKey": keys.rsaPEM}, "privateKey"},
		{Params{"secret": "s", "payload": `{"a":1,}`}, "byte 8"},
		{Params{"secret": "s", "payload": `[1,2]`}, "JSON object"},
		{Params{"secret": "s", "payload": `{"a":1} {}`}, "after the JSON object"},
		{Params{"secret": "s", "header": `null`}, "not null"},
		{Params{"secret": "%%%", "isSecretBase64Encoded": "true"}, "base64"},
		{Params{"secret": "s", "expiresIn": "-1"}, "expiresIn"},
		{Params{"secret": "s", "addTokenTo": "cookie"}, "addTokenTo"},
	} {
		_, err := New("jwt", tc.p)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want an error naming %q", tc.p["payload"]+tc.p["algorithm"], err, tc.want)
		}
		if err != nil && tc.p["secret"] == "%%%" && strings.Contains(err.Error(), "%%%") {
			t.Errorf("error shows the secret: %v", err)
		}
	}
	for _, alg := range []string{"none", "EdDSA", "HS1"} {
		if _, err := NewJWT(JWTConfig{Algorithm: alg, Secret: "s"}); err == nil || !strings.Contains(err.Error(), "not supported") {
			t.Errorf("algorithm %s: %v", alg, err)
		}
	}
	for _, tc := range []struct{ tok, want string }{
		{"abc", "3 parts"},
		{"a.b.c.d.e", "JWE"},
		{"!!.e30.x", "not base64url"},
		{"e30.e30.!!", "signature"},
		{".e30.", "empty"},
		{"bnVsbA.e30.", "not null"},
	} {
		if _, _, err := DecodeJWT(tc.tok); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("DecodeJWT(%q): %v, want %q", tc.tok, err, tc.want)
		}
	}
}

func FuzzJWTDecode(f *testing.F) {
	for _, s := range []string{jwtRFCToken, "a.b.c", "e30.e30.", "Bearer e30.e30.e30", "....", "eyJ.eyJ.x", "bnVsbA.bnVsbA.x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, c, err := DecodeJWT(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "authlib: jwt: ") {
				t.Fatalf("error without context: %v", err)
			}
			return
		}
		if h == nil || c == nil {
			t.Fatalf("nil maps without an error for %q", s)
		}
	})
}
