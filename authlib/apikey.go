package authlib

// API keys: a named key sent in a request header or in the query string.
// This is Postman's "apikey" type; no RFC defines it.
//
// Supported: in=header (the default) sets the header <key>: <value>,
// replacing one of the same name; in=query appends <key>=<value> to the
// query string, percent-encoded (RFC 3986 §3.4), keeping the rest of the
// query byte for byte. The request's URL is cloned, never changed in
// place. A warning is recorded when the key would travel over plain http.
//
// Not supported: keys in cookies or in the body. An existing query
// parameter of the same name is left in place.

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/net/http/httpguts"
)

func init() {
	register(Method{
		Type:  "apikey",
		Title: "API Key",
		Help:  "a named key in a header or in the query string",
		Params: []Param{
			{Name: "key", Help: "header or query parameter name, e.g. X-API-Key", Required: true},
			{Name: "value", Help: "the key's value", Secret: true},
			{Name: "in", Help: "where the key goes", Default: "header", Choices: []string{"header", "query"}},
		},
		New: func(p Params) (Scheme, error) { return NewAPIKey(p["key"], p["value"], p.Get("in", "header")) },
	})
}

// APIKey sends a named key.
type APIKey struct {
	name, value string
	inQuery     bool
}

// NewAPIKey returns the API key scheme; in is "header" or "query".
func NewAPIKey(name, value, in string) (*APIKey, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, errors.New("authlib: apikey: the key name is empty")
	}
	a := &APIKey{name: name, value: value}
	switch strings.ToLower(strings.TrimSpace(in)) {
	case "", "header":
		if !httpguts.ValidHeaderFieldName(name) {
			return nil, fmt.Errorf("authlib: apikey: %q is not a valid header name (RFC 9110 §5.1): letters, digits and !#$%%&'*+-.^_`|~ only, no spaces or colons", name)
		}
		if !httpguts.ValidHeaderFieldValue(value) {
			return nil, fmt.Errorf("authlib: apikey: the value of %q contains a line break or another control character, which cannot go in a header", name)
		}
	case "query":
		a.inQuery = true
	default:
		return nil, fmt.Errorf("authlib: apikey: parameter \"in\" is %q; want header or query", in)
	}
	return a, nil
}

// Wrap implements [Scheme].
func (a *APIKey) Wrap(next http.RoundTripper) http.RoundTripper {
	return RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		r = cloneRequest(r) // Clone deep-copies URL too
		tr := TraceFrom(r.Context())
		if a.inQuery {
			u := *r.URL
			pair := url.QueryEscape(a.name) + "=" + url.QueryEscape(a.value)
			if u.RawQuery == "" {
				u.RawQuery = pair
			} else {
				u.RawQuery += "&" + pair
			}
			u.ForceQuery = false
			r.URL = &u
			tr.Add("apikey", "Key added to the query string",
				F("parameter", a.name), S("value", a.value),
				F("query", url.QueryEscape(a.name)+"="+Mask(a.value)))
		} else {
			r.Header.Set(a.name, a.value)
			tr.Add("apikey", "Key added as a header",
				F("header", http.CanonicalHeaderKey(a.name)), S("value", a.value))
		}
		warnPlainHTTP(tr, r, "API key")
		return next.RoundTrip(r)
	})
}
