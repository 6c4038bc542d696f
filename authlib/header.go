package authlib

// Custom header authentication, Knock's own method: one request header
// with a secret value, for APIs that read a token from a header such as
// X-TokenAuth or X-Auth-Token.
//
// Supported: any header name that is a valid field name (RFC 9110 §5.1,
// a token) and any value without control characters (§5.5); the header
// replaces one of the same name on every request. The engine resolves
// variables such as "{{token}}" in the value before the scheme sees it.
//
// Not supported: several headers at once (use several methods or plain
// headers) and the Host header, which Go's client takes from the URL.

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/net/http/httpguts"
)

func init() {
	register(Method{
		Type:  "header",
		Title: "Custom Header",
		Help:  "one header with a secret value, e.g. X-TokenAuth",
		Params: []Param{
			{Name: "name", Help: "header name, e.g. X-TokenAuth", Required: true},
			{Name: "value", Help: "header value", Secret: true},
		},
		New: func(p Params) (Scheme, error) { return NewCustomHeader(p["name"], p["value"]) },
	})
}

// CustomHeader sets one header with a secret value.
type CustomHeader struct {
	name, value string
}

// NewCustomHeader returns the custom header scheme.
func NewCustomHeader(name, value string) (*CustomHeader, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return nil, errors.New("authlib: header: the header name is empty")
	case !httpguts.ValidHeaderFieldName(name):
		return nil, fmt.Errorf("authlib: header: %q is not a valid header name (RFC 9110 §5.1): letters, digits and !#$%%&'*+-.^_`|~ only, no spaces or colons", name)
	case strings.EqualFold(name, "Host"):
		return nil, errors.New("authlib: header: the Host header comes from the request URL and cannot be set here")
	case !httpguts.ValidHeaderFieldValue(value):
		return nil, fmt.Errorf("authlib: header: the value of %s contains a line break or another control character, which cannot go in a header", name)
	}
	return &CustomHeader{name: http.CanonicalHeaderKey(name), value: value}, nil
}

// Wrap implements [Scheme].
func (h *CustomHeader) Wrap(next http.RoundTripper) http.RoundTripper {
	return RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		r = cloneRequest(r)
		r.Header.Set(h.name, h.value)
		TraceFrom(r.Context()).Add("header", "Custom header set", F("header", h.name), S("value", h.value))
		return next.RoundTrip(r)
	})
}
