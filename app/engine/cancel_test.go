package engine

// Cancelling a send at any moment: before it starts, while connecting,
// before the response headers, and in the middle of the body.

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// blockingServer answers nothing until the client goes away (at most 10 s).
func blockingServer(t *testing.T) *recServer {
	return newRecServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
}

// trickleServer sends a first chunk of head bytes, then one byte every
// 20 ms until the client goes away (at most 10 s).
func trickleServer(t *testing.T, head int) *recServer {
	return newRecServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte(strings.Repeat("h", head)))
		rc := http.NewResponseController(w)
		rc.Flush()
		deadline := time.After(10 * time.Second)
		for {
			select {
			case <-r.Context().Done():
				return
			case <-deadline:
				return
			case <-time.After(20 * time.Millisecond):
			}
			if _, err := w.Write([]byte("t")); err != nil {
				return
			}
			rc.Flush()
		}
	})
}

// cancelAfter sends with a context cancelled after d, and returns how
// long Send took after the cancel, and its error.
func cancelAfter(t *testing.T, e *Engine, url string, d time.Duration, opt Options) (time.Duration, error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	var cancelledAt atomic.Int64
	timer := time.AfterFunc(d, func() { cancelledAt.Store(time.Now().UnixNano()); cancel() })
	defer timer.Stop()
	resp, err := e.Send(ctx, get(url), opt)
	if err == nil {
		resp.Close()
		t.Fatalf("Send succeeded; want it cancelled")
	}
	at := cancelledAt.Load()
	if at == 0 {
		t.Fatalf("Send failed before the cancel: %v", err)
	}
	return time.Since(time.Unix(0, at)), err
}

func TestCancelBeforeSendSendsNothing(t *testing.T) {
	srv := newRecServer(t, nil)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := newTestEngine(t).Send(ctx, get(srv.URL), Options{})
	wantErr(t, err, KindCanceled, "cancelled")
	if srv.count() != 0 {
		t.Error("a cancelled send reached the server")
	}
}

func TestCancelBeforeResponseHeaders(t *testing.T) {
	srv := blockingServer(t)
	after, err := cancelAfter(t, newTestEngine(t), srv.URL, 200*time.Millisecond, Options{})
	wantErr(t, err, KindCanceled, "the request was cancelled")
	if after > time.Second {
		t.Errorf("Send returned %v after the cancel; want under 1 s", after)
	}
	if srv.count() != 1 {
		t.Errorf("server saw %d requests, want the 1 that was cancelled", srv.count())
	}
}

func TestCancelWhileConnecting(t *testing.T) {
	addr := fullBacklogAddr(t)
	after, err := cancelAfter(t, newTestEngine(t), "http://"+addr+"/", 200*time.Millisecond, Options{})
	wantErr(t, err, KindCanceled, "cancelled")
	if after > time.Second {
		t.Errorf("Send returned %v after the cancel", after)
	}
}

func TestCancelMidBody(t *testing.T) {
	srv := trickleServer(t, 4096)
	e := newTestEngine(t)
	e.SpoolThreshold = 1024 // the body is in a spool file when the cancel comes
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var cancelledAt time.Time
	var gotBytes int64
	opt := Options{Progress: func(n, _ int64) {
		if n >= 4096+10 && cancelledAt.IsZero() {
			gotBytes = n
			cancelledAt = time.Now()
			cancel()
		}
	}}
	_, err := e.Send(ctx, get(srv.URL), opt)
	if cancelledAt.IsZero() {
		t.Fatalf("the body never reached 4 KiB: %v", err)
	}
	after := time.Since(cancelledAt)
	wantErr(t, err, KindCanceled, "cancelled")
	if after > time.Second {
		t.Errorf("Send returned %v after the cancel (at %d bytes)", after, gotBytes)
	}
	assertEmptyDir(t, e.TempDir)
}

func TestCancelMidBodyIntoASink(t *testing.T) {
	srv := trickleServer(t, 100)
	sink := &countingSink{}
	after, err := cancelAfter(t, newTestEngine(t), srv.URL, 300*time.Millisecond, Options{Sink: sink})
	wantErr(t, err, KindCanceled)
	if sink.n < 100 || after > time.Second {
		t.Errorf("sink got %d bytes; Send returned %v after the cancel", sink.n, after)
	}
}
