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
// callbacks may run on other goroutines (DNS, dialing), hence the mutex.
type phaseClock struct {
	mu                  sync.Mutex
	start               time.Time
	dnsStart, dnsDone   time.Time
	connStart, connDone time.Time
	tlsStart, tlsDone   time.Time
	firstByte           time.Time
	reused              bool
}

func newPhaseClock() *phaseClock { return &phaseClock{start: time.Now()} }

func (c *phaseClock) mark(t *time.Time) {
	c.mu.Lock()
	if t.IsZero() {
		*t = time.Now()
	}
	c.mu.Unlock()
}

func (c *phaseClock) withTrace(ctx context.Context) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		DNSStart:          func(httptrace.DNSStartInfo) { c.mark(&c.dnsStart) },
		DNSDone:           func(httptrace.DNSDoneInfo) { c.mark(&c.dnsDone) },
		ConnectStart:      func(string, string) { c.mark(&c.connStart) },
		ConnectDone:       func(string, string, error) { c.mark(&c.connDone) },
		TLSHandshakeStart: func() { c.mark(&c.tlsStart) },
		TLSHandshakeDone:  func(tls.ConnectionState, error) { c.mark(&c.tlsDone) },
		GotConn: func(info httptrace.GotConnInfo) {
			c.mu.Lock()
			c.reused = info.Reused
			c.mu.Unlock()
		},
		GotFirstResponseByte: func() { c.mark(&c.firstByte) },
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
