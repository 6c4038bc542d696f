package authlib

import (
	"context"
	"strings"
	"sync"
	"unicode/utf8"
)

// Field is one named value in a trace step.
type Field struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Step is one thing a scheme did: parse a challenge, derive a value,
// produce a header.
type Step struct {
	Scheme string  `json:"scheme"`
	Title  string  `json:"title"`
	Fields []Field `json:"fields,omitempty"`
}

// Trace collects the steps of every scheme that handled a request, and
// warnings for the user (for example Basic credentials over plain http).
// A nil *Trace discards everything. It is safe for concurrent use.
type Trace struct {
	mu       sync.Mutex
	steps    []Step
	warnings []string
}

// Add records a step.
func (t *Trace) Add(scheme, title string, fields ...Field) {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.steps = append(t.steps, Step{Scheme: scheme, Title: title, Fields: fields})
	t.mu.Unlock()
}

// Warn records a warning once.
func (t *Trace) Warn(msg string) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, w := range t.warnings {
		if w == msg {
			return
		}
	}
	t.warnings = append(t.warnings, msg)
}

// Steps returns a copy of the recorded steps.
func (t *Trace) Steps() []Step {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]Step(nil), t.steps...)
}

// Warnings returns a copy of the recorded warnings.
func (t *Trace) Warnings() []string {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.warnings...)
}

type traceKey struct{}

// WithTrace returns a context whose requests record into t.
func WithTrace(ctx context.Context, t *Trace) context.Context {
	return context.WithValue(ctx, traceKey{}, t)
}

// TraceFrom returns the trace carried by ctx, or nil.
func TraceFrom(ctx context.Context) *Trace {
	t, _ := ctx.Value(traceKey{}).(*Trace)
	return t
}

// F makes a plain field.
func F(name, value string) Field { return Field{Name: name, Value: value} }

// S makes a field for a secret value, masked by [Mask].
func S(name, value string) Field { return Field{Name: name, Value: Mask(value)} }

// Mask hides a secret while still telling the user something about it: its
// length, and nothing of its content. An empty secret shows as "(empty)".
func Mask(secret string) string {
	n := utf8.RuneCountInString(secret)
	if n == 0 {
		return "(empty)"
	}
	return strings.Repeat("•", min(n, 8)) + " (" + itoa(n) + " chars)"
}

// MaskHeader masks the credentials of an Authorization-style header value
// and keeps the scheme name: "Basic dXNlcjpw…" becomes "Basic ••••••••
// (12 chars)".
func MaskHeader(v string) string {
	scheme, rest, ok := strings.Cut(v, " ")
	if !ok {
		return Mask(v)
	}
	return scheme + " " + Mask(rest)
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}
