package authlib

// JWT bearer tokens generated per request (RFC 7519, signed as a JWS
// Compact Serialization, RFC 7515 §7.1), signed with
// github.com/golang-jwt/jwt/v5.
//
// Supported: the algorithms of RFC 7518 §3.1 HS256/384/512 (HMAC),
// RS256/384/512 (RSASSA-PKCS1-v1_5), PS256/384/512 (RSASSA-PSS) and
// ES256/384/512 (ECDSA on P-256, P-384, P-521); the claims from a JSON
// template, with "iat" and "exp" (RFC 7519 §4.1.6, §4.1.4) added unless the
// template sets them; extra JOSE header parameters ("alg" always follows the
// algorithm); an HMAC secret given in base64 or base64url; the token in the
// Authorization header with a prefix (RFC 6750 §2.1) or in a query
// parameter (RFC 6750 §2.3). [DecodeJWT] reads a token without verifying it.
//
// Not supported: "none", EdDSA, encrypted tokens (JWE) and encrypted PEM
// keys (Postman's "passphrase").

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	jwtlib "github.com/golang-jwt/jwt/v5"
)

func init() {
	register(Method{
		Type:  "jwt",
		Title: "JWT Bearer",
		Help:  "a JSON Web Token signed for every request (RFC 7519)",
		Params: []Param{
			{Name: "algorithm", Help: "JWS algorithm (RFC 7518 §3.1)", Default: "HS256",
				Choices: []string{"HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512"}},
			{Name: "secret", Help: "HMAC secret for the HS algorithms", Secret: true},
			{Name: "isSecretBase64Encoded", Help: `"true" when the secret is base64 or base64url`, Choices: []string{"true", "false"}},
			{Name: "privateKey", Help: "PEM private key for RS, PS (RSA) and ES (EC) algorithms", Secret: true},
			{Name: "payload", Help: "claims as a JSON object; iat and exp are added unless present"},
			{Name: "header", Help: "extra JOSE header parameters as a JSON object, e.g. {\"kid\":\"k1\"}"},
			{Name: "addTokenTo", Help: "header (Authorization) or queryParam", Default: "header", Choices: []string{"header", "queryParam"}},
			{Name: "headerPrefix", Help: "prefix before the token in the Authorization header", Default: "Bearer"},
			{Name: "queryParamKey", Help: "query parameter name when addTokenTo is queryParam", Default: "token"},
			{Name: "expiresIn", Help: "seconds until exp when the payload has no exp; 0 adds no exp", Default: "300"},
		},
		New: func(p Params) (Scheme, error) { return newJWTFromParams(p) },
	})
}

// JWTConfig holds the settings of a [JWT] scheme.
type JWTConfig struct {
	// Algorithm is a JWS alg: HS256 … PS512.
	Algorithm string
	// Secret is the HMAC key for HS algorithms; SecretBase64 says it is
	// base64 (standard or URL alphabet, padded or not).
	Secret       string
	SecretBase64 bool
	// PrivateKey is the PEM key for RS, PS and ES algorithms.
	PrivateKey string
	// Payload is the claims template (a JSON object); Header holds extra
	// JOSE header parameters (a JSON object).
	Payload, Header string
	// InQuery puts the token in the query parameter QueryParamKey instead
	// of the Authorization header with HeaderPrefix.
	InQuery       bool
	HeaderPrefix  string
	QueryParamKey string
	// ExpiresIn sets exp = iat + ExpiresIn when the template has no exp;
	// zero adds no exp.
	ExpiresIn time.Duration
}

// JWT signs a fresh token for every request.
type JWT struct {
	cfg    JWTConfig
	method jwtlib.SigningMethod
	key    any
	claims map[string]any
	header map[string]any
	now    func() time.Time
}

func newJWTFromParams(p Params) (*JWT, error) {
	cfg := JWTConfig{
		Algorithm: p.Get("algorithm", "HS256"), Secret: p["secret"], PrivateKey: p["privateKey"],
		Payload: p["payload"], Header: p.Get("header", p["headers"]),
		HeaderPrefix: p.Get("headerPrefix", "Bearer"), QueryParamKey: p.Get("queryParamKey", "token"),
	}
	if v := strings.TrimSpace(p["isSecretBase64Encoded"]); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, fmt.Errorf("authlib: jwt: parameter \"isSecretBase64Encoded\" is %q; want true or false", v)
		}
		cfg.SecretBase64 = b
	}
	switch to := strings.TrimSpace(p.Get("addTokenTo", "header")); strings.ToLower(to) {
	case "header":
	case "queryparam":
		cfg.InQuery = true
	default:
		return nil, fmt.Errorf("authlib: jwt: parameter \"addTokenTo\" is %q; want header or queryParam", to)
	}
	v := strings.TrimSpace(p.Get("expiresIn", "300"))
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return nil, fmt.Errorf("authlib: jwt: parameter \"expiresIn\" is %q; want a number of seconds (0 for no exp)", v)
	}
	cfg.ExpiresIn = time.Duration(n) * time.Second
	return NewJWT(cfg)
}

// jwtObject parses a JSON object, keeping numbers exact.
func jwtObject(what, text string) (map[string]any, error) {
	out := map[string]any{}
	if strings.TrimSpace(text) == "" {
		return out, nil
	}
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return nil, fmt.Errorf("authlib: jwt: %s is not valid JSON: %v at byte %d", what, se, se.Offset)
		case errors.As(err, &te):
			return nil, fmt.Errorf("authlib: jwt: %s must be a JSON object, not %s", what, te.Value)
		}
		return nil, fmt.Errorf("authlib: jwt: %s is not a JSON object: %v", what, err)
	}
	if out == nil {
		return nil, fmt.Errorf("authlib: jwt: %s must be a JSON object, not null", what)
	}
	if dec.More() {
		return nil, fmt.Errorf("authlib: jwt: %s has data after the JSON object at byte %d", what, dec.InputOffset())
	}
	return out, nil
}

// NewJWT returns the JWT scheme. Keys and templates are checked here, so
// a bad PEM or JSON is reported before any request is sent.
func NewJWT(cfg JWTConfig) (*JWT, error) {
	j := &JWT{cfg: cfg, now: time.Now}
	alg := strings.ToUpper(strings.TrimSpace(cfg.Algorithm))
	if alg == "" {
		alg = "HS256"
	}
	j.method = jwtlib.GetSigningMethod(alg)
	if j.method == nil || alg == "NONE" || alg == "EDDSA" {
		return nil, fmt.Errorf("authlib: jwt: algorithm %q is not supported (want HS256/384/512, RS256/384/512, ES256/384/512 or PS256/384/512)", cfg.Algorithm)
	}
	var err error
	switch alg[:2] {
	case "HS":
		if cfg.Secret == "" {
			return nil, fmt.Errorf(`authlib: jwt: %s needs parameter "secret"`, alg)
		}
		key := []byte(cfg.Secret)
		if cfg.SecretBase64 {
			if key, err = jwtDecodeBase64(cfg.Secret); err != nil {
				return nil, errors.New("authlib: jwt: the secret is marked base64 but does not decode as base64 or base64url")
			}
		}
		j.key = key
	case "RS", "PS":
		if strings.TrimSpace(cfg.PrivateKey) == "" {
			return nil, fmt.Errorf(`authlib: jwt: %s needs parameter "privateKey" (a PEM RSA private key)`, alg)
		}
		if j.key, err = jwtlib.ParseRSAPrivateKeyFromPEM([]byte(strings.TrimSpace(cfg.PrivateKey))); err != nil {
			return nil, fmt.Errorf("authlib: jwt: privateKey: %v (want a PEM RSA private key, PKCS#1 or PKCS#8, unencrypted)", err)
		}
	case "ES":
		if strings.TrimSpace(cfg.PrivateKey) == "" {
			return nil, fmt.Errorf(`authlib: jwt: %s needs parameter "privateKey" (a PEM EC private key)`, alg)
		}
		k, err := jwtlib.ParseECPrivateKeyFromPEM([]byte(strings.TrimSpace(cfg.PrivateKey)))
		if err != nil {
			return nil, fmt.Errorf("authlib: jwt: privateKey: %v (want a PEM EC private key, SEC 1 or PKCS#8, unencrypted)", err)
		}
		want := map[string]elliptic.Curve{"ES256": elliptic.P256(), "ES384": elliptic.P384(), "ES512": elliptic.P521()}[alg]
		if k.Curve != want {
			return nil, fmt.Errorf("authlib: jwt: %s needs a key on %s, but privateKey is on %s (RFC 7518 §3.4)", alg, want.Params().Name, k.Curve.Params().Name)
		}
		j.key = k
	}
	if j.claims, err = jwtObject("payload", cfg.Payload); err != nil {
		return nil, err
	}
	if j.header, err = jwtObject("header", cfg.Header); err != nil {
		return nil, err
	}
	if cfg.InQuery && cfg.QueryParamKey == "" {
		j.cfg.QueryParamKey = "token"
	}
	return j, nil
}

func jwtDecodeBase64(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("not base64")
}

// Token signs a new token at the current time.
func (j *JWT) Token() (string, error) {
	tok, _, _, err := j.token()
	return tok, err
}

func (j *JWT) token() (token string, header, claims map[string]any, err error) {
	now := j.now()
	claims = make(map[string]any, len(j.claims)+2)
	for k, v := range j.claims {
		claims[k] = v
	}
	if _, ok := claims["iat"]; !ok {
		claims["iat"] = now.Unix()
	}
	if _, ok := claims["exp"]; !ok && j.cfg.ExpiresIn > 0 {
		claims["exp"] = now.Add(j.cfg.ExpiresIn).Unix()
	}
	t := jwtlib.NewWithClaims(j.method, jwtlib.MapClaims(claims))
	for k, v := range j.header {
		if k != "alg" {
			t.Header[k] = v
		}
	}
	token, err = t.SignedString(j.key)
	if err != nil {
		return "", nil, nil, fmt.Errorf("authlib: jwt: signing: %v", err)
	}
	return token, t.Header, claims, nil
}

func jwtJSON(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	return strings.TrimSpace(b.String())
}

// Wrap implements [Scheme].
func (j *JWT) Wrap(next http.RoundTripper) http.RoundTripper {
	return RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		r = cloneRequest(r)
		tok, header, claims, err := j.token()
		if err != nil {
			return nil, err
		}
		tr := TraceFrom(r.Context())
		var keyField Field
		switch k := j.key.(type) {
		case []byte:
			keyField = S("HMAC secret", string(k))
		case *ecdsa.PrivateKey:
			keyField = F("key", "EC private key on "+k.Curve.Params().Name+" (not shown)")
		default:
			keyField = F("key", "RSA private key (not shown)")
		}
		tr.Add("jwt", "Signed a JSON Web Token (RFC 7519 §7.1, RFC 7515 §7.1)",
			F("JOSE header", jwtJSON(header)), F("claims", jwtJSON(claims)),
			F("algorithm", j.method.Alg()), keyField,
			F("formula", "base64url(header) \".\" base64url(claims) \".\" base64url(signature)"),
			S("token", tok))
		if j.cfg.InQuery {
			q := r.URL.Query()
			q.Del(j.cfg.QueryParamKey)
			raw := r.URL.RawQuery
			// Keep the caller's query bytes; drop only the old token.
			if _, had := r.URL.Query()[j.cfg.QueryParamKey]; had {
				raw = q.Encode()
			}
			add := url.QueryEscape(j.cfg.QueryParamKey) + "=" + url.QueryEscape(tok)
			if raw == "" {
				r.URL.RawQuery = add
			} else {
				r.URL.RawQuery = raw + "&" + add
			}
			tr.Add("jwt", "Token in the query (RFC 6750 §2.3)", F("parameter", j.cfg.QueryParamKey), S("value", tok))
		} else {
			v := tok
			if j.cfg.HeaderPrefix != "" {
				v = j.cfg.HeaderPrefix + " " + tok
			}
			r.Header.Set("Authorization", v)
			tr.Add("jwt", "Authorization header (RFC 6750 §2.1)", F("Authorization", MaskHeader(v)))
		}
		return next.RoundTrip(r)
	})
}

// DecodeJWT decodes a JWS compact token without verifying its signature,
// for inspection. Numbers keep their exact text as json.Number.
func DecodeJWT(token string) (header, claims map[string]any, err error) {
	token = strings.TrimSpace(token)
	if scheme, rest, ok := strings.Cut(token, " "); ok && strings.EqualFold(scheme, "Bearer") {
		token = strings.TrimSpace(rest)
	}
	parts := strings.Split(token, ".")
	switch {
	case len(parts) == 5:
		return nil, nil, errors.New("authlib: jwt: the token has 5 parts: it is encrypted (JWE), which cannot be read without the key")
	case len(parts) != 3:
		return nil, nil, fmt.Errorf("authlib: jwt: a JWT has 3 parts separated by '.', this one has %d", len(parts))
	}
	for i, name := range []string{"header", "claims"} {
		if parts[i] == "" {
			return nil, nil, fmt.Errorf("authlib: jwt: the %s (part %d) is empty", name, i+1)
		}
		raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[i], "="))
		if err != nil {
			return nil, nil, fmt.Errorf("authlib: jwt: the %s (part %d) is not base64url: %v", name, i+1, err)
		}
		obj, err := jwtObject(name+" (part "+strconv.Itoa(i+1)+")", string(raw))
		if err != nil {
			return nil, nil, err
		}
		if i == 0 {
			header = obj
		} else {
			claims = obj
		}
	}
	if _, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[2], "=")); err != nil {
		return nil, nil, fmt.Errorf("authlib: jwt: the signature (part 3) is not base64url: %v", err)
	}
	return header, claims, nil
}
