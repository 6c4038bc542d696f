package authlib

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// RFC 7519 §3.1's example JWT (AUTH_VECTORS.md §10).
const oauth2RFC7519JWT = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9." +
	"eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ." +
	"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"

func TestOAuth2InspectRFC7519(t *testing.T) {
	j, err := InspectOAuth2Token(oauth2RFC7519JWT)
	if err != nil {
		t.Fatal(err)
	}
	if j.Header["typ"] != "JWT" || j.Header["alg"] != "HS256" || len(j.Header) != 2 {
		t.Errorf("header %v", j.Header)
	}
	if j.Claims["iss"] != "joe" || j.Claims["http://example.com/is_root"] != true || j.Claims["exp"] != json.Number("1300819380") {
		t.Errorf("claims %v", j.Claims)
	}
	if want := time.Date(2011, 3, 22, 18, 43, 0, 0, time.UTC); !j.Expiry.Equal(want) {
		t.Errorf("expiry %v, want %v", j.Expiry, want)
	}
	if !j.Expired(time.Now()) || j.Expired(time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Error("Expired")
	}
	if !j.IssuedAt.IsZero() || !j.NotBefore.IsZero() {
		t.Error("iat/nbf invented")
	}
	// AUTH_VECTORS.md §10: the signature is the RFC 7636 verifier's text.
	if j.Signature != oauth2RFC7636Verifier {
		t.Errorf("signature %q", j.Signature)
	}
}

func oauth2B64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestOAuth2InspectErrors(t *testing.T) {
	h := oauth2B64(`{"alg":"RS256"}`)
	for _, c := range []struct {
		tok, want string
		notJWT    bool
	}{
		{"2YotnFZFEjr1zCsicMWpAA", "1 dot-separated parts", true},
		{"a.b.c.d.e", "encrypted (JWE", true},
		{h + ".!!!." + "", "JWT claims: not base64url", false},
		{h + "." + oauth2B64(`[1,2]`) + ".", "JWT claims: not a JSON object", false},
		{h + "." + oauth2B64(`null`) + ".", "not a JSON object: null", false},
		{h + "." + oauth2B64(`{"a":1} {}`) + ".", "data after the JSON object", false},
		{oauth2B64(`{"typ":"JWT"}`) + "." + oauth2B64(`{}`) + ".", `no "alg"`, false},
		{h + "." + oauth2B64(`{"exp":"tomorrow"}`) + ".", `claim "exp" is tomorrow, not a NumericDate`, false},
		{h + "." + oauth2B64(`{"iat":1e300}`) + ".", `claim "iat" is 1e300`, false},
		{h + "." + oauth2B64(`{"nbf":-5}`) + ".", `claim "nbf" is -5`, false},
		{"." + oauth2B64(`{}`) + ".", "JWT header: the part is empty", false},
		{h + "." + oauth2B64(`{}`) + ".a*b", "JWT signature: not base64url", false},
	} {
		_, err := InspectOAuth2Token(c.tok)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: err = %v, want %q", c.tok, err, c.want)
			continue
		}
		if errors.Is(err, ErrOAuth2NotJWT) != c.notJWT {
			t.Errorf("%q: errors.Is(ErrOAuth2NotJWT) = %v", c.tok, !c.notJWT)
		}
	}
	// Unsecured JWT, fractional NumericDate, padding tolerated.
	j, err := InspectOAuth2Token(oauth2B64(`{"alg":"none"}`) + "." + base64.URLEncoding.EncodeToString([]byte(`{"exp":1.5,"nbf":1}`)) + ".")
	if err != nil || !j.Expiry.Equal(time.Unix(1, 5e8)) || !j.NotBefore.Equal(time.Unix(1, 0)) || j.Signature != "" {
		t.Errorf("%+v %v", j, err)
	}
}

// A pasted JWT's exp keeps Knock from sending it after it expired.
func TestOAuth2PastedJWTExpiry(t *testing.T) {
	o, _ := oauth2NewTestScheme(t, Params{"grant_type": oauth2GrantPKCE, "accessToken": oauth2RFC7519JWT})
	_, _, err := oauth2Get(t, o, "http://127.0.0.1:1/never-reached", nil)
	if !errors.Is(err, ErrOAuth2NeedsToken) || !strings.Contains(err.Error(), "expired at 2011-03-22") {
		t.Errorf("err = %v", err)
	}
}

func FuzzOAuth2DecodeJWT(f *testing.F) {
	f.Add(oauth2RFC7519JWT)
	f.Add(oauth2B64(`{"alg":"none"}`) + "." + oauth2B64(`{"exp":1e9,"iat":0.5,"nbf":"x"}`) + ".")
	f.Add("a.b.c.d.e")
	f.Add("..")
	f.Fuzz(func(t *testing.T, tok string) {
		j, err := oauth2DecodeJWT(tok)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "authlib: oauth2: ") {
				t.Fatalf("error without the package prefix: %v", err)
			}
			return
		}
		if _, ok := j.Header["alg"].(string); !ok || j.Claims == nil {
			t.Fatalf("accepted %q without alg or claims", tok)
		}
		if j.Expiry.Year() > 9999 || j.Expiry.Before(time.Unix(0, 0)) && !j.Expiry.IsZero() {
			t.Fatalf("expiry %v out of range", j.Expiry)
		}
	})
}
