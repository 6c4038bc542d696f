package authlib

// Basic authentication, RFC 7617.
//
// Supported: user-id and password in UTF-8 (§2.1, the charset="UTF-8"
// behaviour every current server expects), sent pre-emptively on every
// request. A warning is recorded when the credentials would travel over
// plain http (§4). Not supported: the legacy ISO-8859-1 encoding.

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
)

func init() {
	register(Method{
		Type:  "basic",
		Title: "Basic Auth",
		Help:  "RFC 7617 user and password, base64 in the Authorization header",
		Params: []Param{
			{Name: "username", Help: "user name (UTF-8; must not contain ':')"},
			{Name: "password", Help: "password", Secret: true},
		},
		New: func(p Params) (Scheme, error) { return NewBasic(p["username"], p["password"]) },
	})
}

// Basic sends a fixed user and password.
type Basic struct {
	user, password string
}

// NewBasic returns the Basic scheme. A colon in the user-id is refused
// because RFC 7617 §2 forbids it: the server would split there.
func NewBasic(user, password string) (*Basic, error) {
	if strings.Contains(user, ":") {
		return nil, fmt.Errorf("authlib: basic: the user name %q contains ':', which RFC 7617 §2 forbids", user)
	}
	return &Basic{user: user, password: password}, nil
}

// Header returns the Authorization header value.
func (b *Basic) Header() string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(b.user+":"+b.password))
}

// Wrap implements [Scheme].
func (b *Basic) Wrap(next http.RoundTripper) http.RoundTripper {
	return RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		r = cloneRequest(r)
		h := b.Header()
		r.Header.Set("Authorization", h)
		tr := TraceFrom(r.Context())
		tr.Add("basic", "Encoded user and password (RFC 7617 §2)",
			F("user-id", b.user), S("password", b.password),
			F("formula", "base64(user-id \":\" password)"),
			F("Authorization", MaskHeader(h)))
		warnPlainHTTP(tr, r, "Basic")
		return next.RoundTrip(r)
	})
}

// warnPlainHTTP records a warning when credentials of the named scheme go
// over an unencrypted connection.
func warnPlainHTTP(tr *Trace, r *http.Request, scheme string) {
	if r.URL.Scheme == "http" {
		tr.Warn(scheme + " credentials are sent over plain http to " + r.URL.Host + ": anyone on the path can read them; use https")
	}
}
