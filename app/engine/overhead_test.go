package engine

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptrace"
	"testing"

	"github.com/knockhttp/knock/storage"
)

// cannedTransport answers every request in memory, calling the httptrace
// hooks a kept-alive connection would, so that a benchmark through it
// measures the engine's own work per send and nothing of the network.
type cannedTransport struct{ body []byte }

func (c cannedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if tr := httptrace.ContextClientTrace(req.Context()); tr != nil {
		if tr.GotConn != nil {
			tr.GotConn(httptrace.GotConnInfo{Reused: true})
		}
		if tr.GotFirstResponseByte != nil {
			tr.GotFirstResponseByte()
		}
	}
	return &http.Response{
		Status: "200 OK", StatusCode: 200, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {"application/json"}, "Date": {"Sat, 22 Nov 2026 10:00:00 GMT"}},
		Body:          io.NopCloser(bytes.NewReader(c.body)),
		ContentLength: int64(len(c.body)),
		Request:       req,
	}, nil
}

// withCannedTransport makes e send requests with default settings through
// a cannedTransport.
func withCannedTransport(e *Engine, body []byte) {
	tr := &http.Transport{}
	e.transports.m = map[transportKey]pooledTransport{
		(transportConfig{}).key(): {transport: tr, rt: cannedTransport{body: body}},
	}
}

// BenchmarkSendOverhead is the engine's own cost of one small GET: what
// Send does around the round trip (variables, the redirect loop, timings,
// the auth trace, the body and the response summary).
func BenchmarkSendOverhead(b *testing.B) {
	e := New()
	withCannedTransport(e, []byte(`{"id":1,"name":"item 1","tags":["a","b"],"ok":true}`))
	req := storage.Request{Method: "GET", URL: "http://127.0.0.1:9/items/1"}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		resp, err := e.Send(ctx, req, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if resp.Status != 200 || resp.BodySize == 0 {
			b.Fatalf("status %d, %d bytes", resp.Status, resp.BodySize)
		}
		resp.Close()
	}
}

// BenchmarkSendOverheadDiscard is the same with the body sent to a sink,
// as knock run does when no assertion reads it.
func BenchmarkSendOverheadDiscard(b *testing.B) {
	e := New()
	withCannedTransport(e, []byte(`{"id":1,"name":"item 1","tags":["a","b"],"ok":true}`))
	req := storage.Request{Method: "GET", URL: "http://127.0.0.1:9/items/1"}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		resp, err := e.Send(ctx, req, Options{Sink: io.Discard})
		if err != nil {
			b.Fatal(err)
		}
		resp.Close()
	}
}
