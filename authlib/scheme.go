package authlib

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
)

// Scheme authorizes HTTP requests. Implementations must be safe for
// concurrent use.
type Scheme interface {
	// Wrap returns a RoundTripper that authorizes every request it sends
	// through next. It must not modify the request it is given.
	Wrap(next http.RoundTripper) http.RoundTripper
}

// Params are a method's parameters by name.
type Params map[string]string

// Get returns the named parameter, or def when it is empty.
func (p Params) Get(name, def string) string {
	if v := strings.TrimSpace(p[name]); v != "" {
		return p[name]
	}
	return def
}

// Param describes one parameter of a method.
type Param struct {
	Name     string   // Postman's key, e.g. "username"
	Help     string   // one line for forms and --help
	Secret   bool     // stored in the secret store and masked in traces
	Required bool     // the scheme cannot work without it
	Default  string   // used when the parameter is empty
	Choices  []string // the allowed values, when the set is closed
}

// Method is one auth method offered to the user.
type Method struct {
	Type   string // "basic", "digest", …
	Title  string // "Basic Auth"
	Help   string // one line
	Params []Param
	// New builds a Scheme from the parameters. It reports a missing or
	// malformed parameter by name.
	New func(Params) (Scheme, error)
}

// ErrUnknownMethod is returned by [New] for a type that is not registered.
var ErrUnknownMethod = errors.New("authlib: unknown auth method")

var (
	registryMu sync.RWMutex
	registry   = map[string]Method{}
)

// register adds a method. Each scheme's file calls it from init.
func register(m Method) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[m.Type]; dup {
		panic("authlib: method registered twice: " + m.Type)
	}
	registry[m.Type] = m
}

// Methods lists the registered methods, sorted by type name.
func Methods() []Method {
	registryMu.RLock()
	defer registryMu.RUnlock()
	out := make([]Method, 0, len(registry))
	for _, m := range registry {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Type < out[j].Type })
	return out
}

// Lookup returns the method registered under typ.
func Lookup(typ string) (Method, bool) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	m, ok := registry[strings.ToLower(typ)]
	return m, ok
}

// IsSecretParam reports whether the named parameter of method typ holds a
// secret. Unknown methods and parameters are not secret.
func IsSecretParam(typ, name string) bool {
	m, ok := Lookup(typ)
	if !ok {
		return false
	}
	for _, p := range m.Params {
		if p.Name == name {
			return p.Secret
		}
	}
	return false
}

// New builds the scheme of method typ from params. Defaults are filled in
// and required parameters checked before the method's constructor runs.
func New(typ string, params Params) (Scheme, error) {
	m, ok := Lookup(typ)
	if !ok {
		return nil, fmt.Errorf("%w %q (known: %s)", ErrUnknownMethod, typ, strings.Join(typeNames(), ", "))
	}
	p := make(Params, len(params)+len(m.Params))
	for k, v := range params {
		p[k] = v
	}
	for _, d := range m.Params {
		if p[d.Name] == "" && d.Default != "" {
			p[d.Name] = d.Default
		}
		if d.Required && p[d.Name] == "" {
			return nil, fmt.Errorf("authlib: %s: parameter %q is required", m.Type, d.Name)
		}
		if len(d.Choices) > 0 && p[d.Name] != "" && !containsFold(d.Choices, p[d.Name]) {
			return nil, fmt.Errorf("authlib: %s: parameter %q is %q; want one of %s", m.Type, d.Name, p[d.Name], strings.Join(d.Choices, ", "))
		}
	}
	return m.New(p)
}

func typeNames() []string {
	var names []string
	for _, m := range Methods() {
		names = append(names, m.Type)
	}
	return names
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// RoundTripFunc adapts a function to http.RoundTripper.
type RoundTripFunc func(*http.Request) (*http.Response, error)

// RoundTrip calls f(r).
func (f RoundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// cloneRequest returns a shallow copy of r with its own header map, as
// RoundTripper contracts require before a header is added.
func cloneRequest(r *http.Request) *http.Request {
	return r.Clone(r.Context())
}
