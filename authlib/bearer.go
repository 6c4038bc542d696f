package authlib

// Bearer tokens, RFC 6750 §2.1 (the Authorization request header field).
//
// Supported: a fixed token sent on every request as
// "Authorization: <prefix> <token>". The prefix is "Bearer" by default;
// Knock lets it be changed (for example to "Token", as Django REST
// framework's TokenAuthentication expects). Surrounding white space, such
// as a newline pasted with the token, is trimmed. A token outside the
// RFC 6750 §2.1 b64token syntax is still sent, with a note in the trace,
// because many servers issue such tokens.
//
// Not supported: the form-encoded body parameter (§2.2) and the URI query
// parameter (§2.3; use the "apikey" method with in=query), and obtaining or
// refreshing tokens (see the OAuth 2 methods).

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/net/http/httpguts"
)

func init() {
	register(Method{
		Type:  "bearer",
		Title: "Bearer Token",
		Help:  "RFC 6750 token in the Authorization header",
		Params: []Param{
			{Name: "token", Help: "the token", Secret: true, Required: true},
			{Name: "prefix", Help: "the word before the token (Knock's addition), e.g. Token", Default: "Bearer"},
		},
		New: func(p Params) (Scheme, error) { return NewBearer(p["token"], p.Get("prefix", "Bearer")) },
	})
}

// Bearer sends a fixed token.
type Bearer struct {
	prefix, token string
}

// NewBearer returns the Bearer scheme. An empty prefix means "Bearer".
func NewBearer(token, prefix string) (*Bearer, error) {
	token = strings.TrimSpace(token)
	prefix = strings.TrimSpace(prefix)
	if prefix == "" {
		prefix = "Bearer"
	}
	if token == "" {
		return nil, errors.New("authlib: bearer: the token is empty")
	}
	if !httpguts.ValidHeaderFieldName(prefix) {
		return nil, fmt.Errorf("authlib: bearer: the prefix %q is not a single token (RFC 9110 §5.6.2); letters, digits and !#$%%&'*+-.^_`|~ only", prefix)
	}
	if !httpguts.ValidHeaderFieldValue(token) {
		// Never quote the token itself: it is a secret.
		return nil, errors.New("authlib: bearer: the token contains a line break or another control character, which cannot go in a header")
	}
	return &Bearer{prefix: prefix, token: token}, nil
}

// bearerIsB64Token reports whether s matches RFC 6750 §2.1's b64token:
// 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
func bearerIsB64Token(s string) bool {
	i := 0
	for i < len(s) {
		c := s[i]
		if ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') || strings.IndexByte("-._~+/", c) >= 0 {
			i++
			continue
		}
		break
	}
	if i == 0 {
		return false
	}
	return strings.Trim(s[i:], "=") == ""
}

// Header returns the Authorization header value.
func (b *Bearer) Header() string { return b.prefix + " " + b.token }

// Wrap implements [Scheme].
func (b *Bearer) Wrap(next http.RoundTripper) http.RoundTripper {
	return RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		r = cloneRequest(r)
		h := b.Header()
		r.Header.Set("Authorization", h)
		fields := []Field{F("prefix", b.prefix), S("token", b.token), F("Authorization", MaskHeader(h))}
		if !bearerIsB64Token(b.token) {
			fields = append(fields, F("note", "the token is not in RFC 6750 b64token syntax; it is sent as given"))
		}
		TraceFrom(r.Context()).Add("bearer", "Token in the Authorization header (RFC 6750 §2.1)", fields...)
		return next.RoundTrip(r)
	})
}
