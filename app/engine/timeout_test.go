package engine

// Timeouts: connect (a listener whose accept backlog is full, so the TCP
// handshake never completes), total (a server that sleeps, a body that
// trickles), and the caller's own deadline.

import (
	"context"
	"fmt"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/knockhttp/knock/storage"
)

// fullBacklogAddr returns the address of a socket listening on 127.0.0.1
// with a backlog of 0 that is already full and never accepts, so a new
// connect hangs until its timeout.
func fullBacklogAddr(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
	// Fill the queue; the dials that no longer fit time out, which proves
	// the next connect will hang.
	hung := false
	for range 3 {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			hung = true
			break
		}
		t.Cleanup(func() { c.Close() })
	}
	if !hung {
		t.Fatalf("connects to %s still complete; the backlog trick does not work here", addr)
	}
	return addr
}

func TestTimeoutConnect(t *testing.T) {
	addr := fullBacklogAddr(t)
	start := time.Now()
	r := storage.Request{URL: "http://" + addr + "/", Settings: storage.Settings{ConnectTimeoutMs: 300}}
	err := sendErr(t, newTestEngine(t), r, Options{}, KindTimeout, "connect timeout", addr, "300ms")
	elapsed := time.Since(start)
	if elapsed < 250*time.Millisecond || elapsed > 2*time.Second {
		t.Errorf("gave up after %v; want about 300ms", elapsed)
	}
	_ = err
}

func TestTimeoutTotalWhileTheServerSleeps(t *testing.T) {
	srv := blockingServer(t)
	start := time.Now()
	r := storage.Request{URL: srv.URL, Settings: storage.Settings{TimeoutMs: 300}}
	sendErr(t, newTestEngine(t), r, Options{}, KindTimeout, "total timeout", "300ms", srv.Listener.Addr().String())
	if elapsed := time.Since(start); elapsed < 250*time.Millisecond || elapsed > 1500*time.Millisecond {
		t.Errorf("gave up after %v; want about 300ms", elapsed)
	}
}

func TestTimeoutTotalWhileTheBodyTrickles(t *testing.T) {
	srv := trickleServer(t, 2048)
	e := newTestEngine(t)
	e.SpoolThreshold = 1024
	start := time.Now()
	r := storage.Request{URL: srv.URL, Settings: storage.Settings{TimeoutMs: 400}}
	var received int64
	sendErr(t, e, r, Options{Progress: func(n, _ int64) { received = n }}, KindTimeout, "total timeout", "400ms")
	if elapsed := time.Since(start); elapsed < 350*time.Millisecond || elapsed > 1500*time.Millisecond {
		t.Errorf("gave up after %v; want about 400ms", elapsed)
	}
	if received <= 2048 {
		t.Errorf("only %d bytes arrived: the timeout must hit while the body trickles", received)
	}
	assertEmptyDir(t, e.TempDir)
}

func TestTimeoutFromOptionsWhenTheRequestSetsNone(t *testing.T) {
	srv := blockingServer(t)
	start := time.Now()
	sendErr(t, newTestEngine(t), get(srv.URL), Options{Timeout: 250 * time.Millisecond}, KindTimeout, "total timeout", "250ms")
	if elapsed := time.Since(start); elapsed > 1500*time.Millisecond {
		t.Errorf("gave up after %v", elapsed)
	}
}

func TestTimeoutCallersDeadline(t *testing.T) {
	srv := blockingServer(t)
	ctx, cancel := context.WithTimeout(t.Context(), 250*time.Millisecond)
	defer cancel()
	_, err := newTestEngine(t).Send(ctx, get(srv.URL), Options{})
	wantErr(t, err, KindTimeout, "deadline")
}

func TestTimeoutNotHitByAFastResponse(t *testing.T) {
	srv := newRecServer(t, nil)
	resp := mustSend(t, newTestEngine(t), storage.Request{URL: srv.URL, Settings: storage.Settings{TimeoutMs: 2000, ConnectTimeoutMs: 500}}, Options{})
	if resp.Status != 200 {
		t.Errorf("status %d", resp.Status)
	}
}
