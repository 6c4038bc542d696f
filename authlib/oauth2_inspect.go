package authlib

// OAuth 2.0 token inspector: decodes a JWT access token or OpenID Connect
// id_token (RFC 7519, JWS compact serialisation RFC 7515 §7.1) for display.
//
// The signature is NOT verified: the inspector shows what a token claims,
// which is what a user debugging a 401 needs to see (the audience, the
// scopes, the expiry), and Knock rarely holds the issuer's key. Nothing
// decoded here is trusted for a security decision; the only use of a
// decoded claim outside the inspector is taking a pasted token's exp as a
// hint of when to stop sending it. An encrypted token (JWE, five parts)
// cannot be decoded without its key and is reported as such; an opaque
// token is reported as not a JWT.
//
// Hand-written rather than github.com/golang-jwt/jwt's ParseUnverified so
// that numbers keep their exact text (json.Number) and every malformed part
// is reported by name and offset.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

// oauth2MaxJWT bounds the size of a token the inspector decodes.
const oauth2MaxJWT = 1 << 20

// ErrOAuth2NotJWT is returned (wrapped) by [InspectOAuth2Token] for a token
// that is not a JWS-serialised JWT: an opaque token or a JWE.
var ErrOAuth2NotJWT = errors.New("authlib: oauth2: the token is not a JWT")

// OAuth2JWT is a decoded, unverified JWT.
type OAuth2JWT struct {
	// Header is the JOSE header (RFC 7515 §4): alg, typ, kid, …
	Header map[string]any
	// Claims is the claims set (RFC 7519 §4). Numbers are json.Number.
	Claims map[string]any
	// Expiry, IssuedAt and NotBefore are the exp, iat and nbf claims
	// (RFC 7519 §4.1.4–6); zero when absent.
	Expiry, IssuedAt, NotBefore time.Time
	// Signature is the third part as sent (base64url), empty for an
	// unsecured JWT (alg "none").
	Signature string
}

// Expired reports whether exp has passed at now. A token without exp never
// expires.
func (j *OAuth2JWT) Expired(now time.Time) bool {
	return !j.Expiry.IsZero() && !now.Before(j.Expiry)
}

// InspectOAuth2Token decodes a JWT without verifying its signature, for the
// token inspector. It returns an error wrapping [ErrOAuth2NotJWT] for an
// opaque token or a JWE, and an error naming the part and the problem for
// a malformed JWT.
func InspectOAuth2Token(token string) (*OAuth2JWT, error) {
	return oauth2DecodeJWT(token)
}

// oauth2DecodeJWT decodes a JWS compact serialisation's header and payload.
func oauth2DecodeJWT(token string) (*OAuth2JWT, error) {
	token = strings.TrimSpace(token)
	if len(token) > oauth2MaxJWT {
		return nil, fmt.Errorf("authlib: oauth2: the token is %d bytes; the inspector decodes at most %d", len(token), oauth2MaxJWT)
	}
	parts := strings.Split(token, ".")
	switch len(parts) {
	case 3:
	case 5:
		return nil, fmt.Errorf("%w: it has 5 parts, so it is encrypted (JWE, RFC 7516 §7.1) and cannot be read without the key", ErrOAuth2NotJWT)
	default:
		return nil, fmt.Errorf("%w: it has %d dot-separated parts; a JWT has 3 (RFC 7519 §7.2), so it is probably opaque", ErrOAuth2NotJWT, len(parts))
	}
	j := &OAuth2JWT{Signature: parts[2]}
	var err error
	if j.Header, err = oauth2DecodeJWTPart("header", parts[0]); err != nil {
		return nil, err
	}
	if j.Claims, err = oauth2DecodeJWTPart("claims", parts[1]); err != nil {
		return nil, err
	}
	if _, ok := j.Header["alg"].(string); !ok {
		return nil, errors.New("authlib: oauth2: JWT header: no \"alg\" string (RFC 7515 §4.1.1)")
	}
	if err := oauth2Base64Check("signature", parts[2]); err != nil {
		return nil, err
	}
	for _, c := range []struct {
		name string
		dst  *time.Time
	}{{"exp", &j.Expiry}, {"iat", &j.IssuedAt}, {"nbf", &j.NotBefore}} {
		v, ok := j.Claims[c.name]
		if !ok {
			continue
		}
		if *c.dst, err = oauth2NumericDate(c.name, v); err != nil {
			return nil, err
		}
	}
	return j, nil
}

// oauth2DecodeJWTPart decodes one base64url JSON object.
func oauth2DecodeJWTPart(name, part string) (map[string]any, error) {
	if part == "" {
		return nil, fmt.Errorf("authlib: oauth2: JWT %s: the part is empty", name)
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(part, "="))
	if err != nil {
		return nil, fmt.Errorf("authlib: oauth2: JWT %s: not base64url (RFC 7515 §2): %v", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("authlib: oauth2: JWT %s: not a JSON object: %v", name, err)
	}
	if m == nil {
		return nil, fmt.Errorf("authlib: oauth2: JWT %s: not a JSON object: null", name)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("authlib: oauth2: JWT %s: data after the JSON object at byte %d", name, dec.InputOffset())
	}
	return m, nil
}

func oauth2Base64Check(name, part string) error {
	if _, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(part, "=")); err != nil {
		return fmt.Errorf("authlib: oauth2: JWT %s: not base64url (RFC 7515 §2): %v", name, err)
	}
	return nil
}

// oauth2NumericDate reads RFC 7519 §2's NumericDate: seconds since the
// epoch, possibly with a fraction.
func oauth2NumericDate(name string, v any) (time.Time, error) {
	n, ok := v.(json.Number)
	if !ok {
		return time.Time{}, fmt.Errorf("authlib: oauth2: JWT claim %q is %v, not a NumericDate (RFC 7519 §2)", name, v)
	}
	f, err := n.Float64()
	// Year 9999 at most: beyond that the value is a mistake (milliseconds?).
	if err != nil || math.IsNaN(f) || f < 0 || f > 253402300799 {
		return time.Time{}, fmt.Errorf("authlib: oauth2: JWT claim %q is %s, not a NumericDate between 1970 and 9999 (RFC 7519 §2)", name, n)
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
}
