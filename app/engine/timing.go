package engine

import (
	"context"
	"crypto/tls"
	"net/http/httptrace"
	"sync"
	"time"
)

// Timings are the phases of one round trip, from net/http/httptrace.
// A phase that did not happen (DNS for an IP address, TLS for http, all of
// them on a reused connection) is zero.
type Timings struct {
	DNS      time.Duration `json:"dns"`
	Connect  time.Duration `json:"connect"`
	TLS      time.Duration `json:"tls"`
	TTFB     time.Duration `json:"ttfb"`     // request start to the first response byte
	Download time.Duration `json:"download"` // first byte to the end of the body
	Total    time.Duration `json:"total"`
	Reused   bool          `json:"reused"` // the connection was kept alive from an earlier request
}

// phaseClock records the httptrace callbacks of one round trip. The
// callbacks may run on other goroutines (DNS, dialing, the transport's
// read loop), hence the mutex.
//
// The request's own trace has only the hooks every round trip needs (the
// connection, the TLS handshake, the first byte). The DNS and connect
// hooks are added by the transport's dialer, for the dials that happen
// (see dialTrace): net/http builds a second, internal trace for every
// request whose trace has them, which a kept-alive connection never uses.
type phaseClock struct {
	mu                  sync.Mutex
	start               time.Time
	dnsStart, dnsDone   time.Time
	connStart, connDone time.Time
	tlsStart, tlsDone   time.Time
	firstByte           time.Time
	reused              bool

	trace httptrace.ClientTrace
}

func newPhaseClock() *phaseClock { return &phaseClock{start: time.Now()} }

func (c *phaseClock) mark(t *time.Time) {
	now := time.Now()
	c.mu.Lock()
	if t.IsZero() {
		*t = now
	}
	c.mu.Unlock()
}

// clockKey carries the phaseClock of a round trip to the dialer.
type clockKey struct{}

// withTrace returns ctx with the clock's hooks, for one round trip.
func (c *phaseClock) withTrace(ctx context.Context) context.Context {
	c.trace = httptrace.ClientTrace{
		TLSHandshakeStart: func() { c.mark(&c.tlsStart) },
		TLSHandshakeDone:  func(tls.ConnectionState, error) { c.mark(&c.tlsDone) },
		GotConn: func(info httptrace.GotConnInfo) {
			c.mu.Lock()
			c.reused = info.Reused
			c.mu.Unlock()
		},
		GotFirstResponseByte: func() { c.mark(&c.firstByte) },
	}
	return httptrace.WithClientTrace(context.WithValue(ctx, clockKey{}, c), &c.trace)
}

// dialTrace adds the DNS and connect hooks of the round trip whose
// context ctx is, if any, for a dial made for it.
func dialTrace(ctx context.Context) context.Context {
	c, ok := ctx.Value(clockKey{}).(*phaseClock)
	if !ok {
		return ctx
	}
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		DNSStart:     func(httptrace.DNSStartInfo) { c.mark(&c.dnsStart) },
		DNSDone:      func(httptrace.DNSDoneInfo) { c.mark(&c.dnsDone) },
		ConnectStart: func(string, string) { c.mark(&c.connStart) },
		ConnectDone:  func(string, string, error) { c.mark(&c.connDone) },
	})
}

// timings returns the phases; end is when the body was fully read.
func (c *phaseClock) timings(end time.Time) Timings {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := Timings{
		DNS:     span(c.dnsStart, c.dnsDone),
		Connect: span(c.connStart, c.connDone),
		TLS:     span(c.tlsStart, c.tlsDone),
		TTFB:    span(c.start, c.firstByte),
		Reused:  c.reused,
		Total:   end.Sub(c.start),
	}
	if !c.firstByte.IsZero() {
		t.Download = span(c.firstByte, end)
	}
	return t
}

func span(a, b time.Time) time.Duration {
	if a.IsZero() || b.IsZero() || b.Before(a) {
		return 0
	}
	return b.Sub(a)
}
