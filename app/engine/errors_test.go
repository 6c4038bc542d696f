package engine

// Error classification: every failure gets a Kind and a sentence the user
// can act on.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestErrorsConnectionRefused(t *testing.T) {
	addr := refusedAddr(t)
	sendErr(t, newTestEngine(t), get("http://"+addr+"/x"), Options{}, KindConnect,
		"connection refused by "+addr, "nothing is listening on that port")
}

func TestErrorsNameTheHostAfterVariablesAndRedirects(t *testing.T) {
	closed := refusedAddr(t)
	e := newTestEngine(t)
	sendErr(t, e, get("http://{{host}}/x"), Options{Vars: Variables{Environment: map[string]string{"host": closed}}}, KindConnect,
		"connection refused by "+closed)
	srv := newRecServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://"+closed+"/gone", http.StatusFound)
	})
	sendErr(t, e, get(srv.URL), Options{}, KindConnect, "connection refused by "+closed)
}

func TestErrorsServerClosesWithoutAnswering(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for range 4 { // bounded: one per send below, and spares for retries
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Read(make([]byte, 4096))
			if tc, ok := c.(*net.TCPConn); ok && c.LocalAddr() != nil {
				tc.SetLinger(0) // a reset rather than a clean close
			}
			c.Close()
		}
	}()
	e := newTestEngine(t)
	_, err = e.Send(t.Context(), get("http://"+l.Addr().String()+"/"), Options{})
	var ee *Error
	if !errors.As(err, &ee) || ee.Kind != KindConnect {
		t.Fatalf("error %v, want Kind connect", err)
	}
	if !strings.Contains(ee.Msg, "reset by the server") && !strings.Contains(ee.Msg, "closed the connection") {
		t.Errorf("message %q", ee.Msg)
	}
}

func TestErrorsClassify(t *testing.T) {
	bg := context.Background()
	dnsNotFound := &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Name: "nope.invalid", Err: "no such host", IsNotFound: true}}
	cancelled, cancel := context.WithCancel(bg)
	cancel()
	timedOut, stop := context.WithTimeoutCause(bg, time.Nanosecond, errTotalTimeout)
	defer stop()
	<-timedOut.Done()
	cases := []struct {
		name string
		err  error
		ctx  context.Context
		kind ErrorKind
		want []string
	}{
		{"dns not found", dnsNotFound, bg, KindDNS, []string{`could not resolve host "nope.invalid"`, "no such host", "check the spelling"}},
		{"dns timeout", &net.DNSError{Name: "slow.invalid", IsTimeout: true}, bg, KindDNS, []string{`"slow.invalid"`, "did not answer in time"}},
		{"dns other", &net.DNSError{Name: "x.invalid", Err: "server misbehaving"}, bg, KindDNS, []string{`could not resolve host "x.invalid"`}},
		{"refused", &net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, bg, KindConnect, []string{"connection refused by h:1"}},
		{"reset", &net.OpError{Op: "read", Err: os.NewSyscallError("read", syscall.ECONNRESET)}, bg, KindConnect, []string{"reset by the server"}},
		{"host unreachable", &net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.EHOSTUNREACH)}, bg, KindConnect, []string{"h:1 is unreachable"}},
		{"net unreachable", &net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ENETUNREACH)}, bg, KindConnect, []string{"unreachable"}},
		{"closed early", fmt.Errorf("net/http: %w", io.EOF), bg, KindConnect, []string{"closed the connection"}},
		{"i/o timeout", os.ErrDeadlineExceeded, bg, KindTimeout, []string{"h:1 did not answer in time"}},
		{"connect timeout", &connectTimeoutError{addr: "h:1", after: time.Second, err: os.ErrDeadlineExceeded}, bg, KindTimeout, []string{"within 1s (connect timeout)"}},
		{"total timeout cause", errTotalTimeout, bg, KindTimeout, []string{"total timeout"}},
		{"total timeout ctx", errors.New("net/http: request canceled"), timedOut, KindTimeout, []string{"within 2s (total timeout)"}},
		{"cancelled", context.Canceled, bg, KindCanceled, []string{"cancelled"}},
		{"cancelled ctx", errors.New("net/http: request canceled"), cancelled, KindCanceled, []string{"cancelled"}},
		{"caller deadline", context.DeadlineExceeded, bg, KindTimeout, []string{"deadline"}},
		{"url", &URLError{URL: "x", Reason: "bad"}, bg, KindURL, []string{`bad URL "x": bad`}},
		{"variables", &UnresolvedError{Missing: []MissingVariable{{Name: "a", Where: "URL"}}}, bg, KindVariable, []string{"{{a}} in URL"}},
		{"already classified", &Error{Kind: KindAuth, Msg: "as is"}, bg, KindAuth, []string{"as is"}},
		{"other", errors.New("net/http: something odd"), bg, KindTransport, []string{"request to h:1 failed: something odd"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := classify(tc.err, "h:1", 2*time.Second, tc.ctx)
			if got.Kind != tc.kind {
				t.Errorf("Kind %q, want %q (%s)", got.Kind, tc.kind, got.Msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(got.Msg, w) {
					t.Errorf("message %q does not mention %q", got.Msg, w)
				}
			}
			if got.Err == nil && tc.name != "already classified" {
				t.Error("the underlying error is lost")
			}
		})
	}
}

func TestHumanBytes(t *testing.T) {
	cases := map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 1536: "1.5 KiB", 16 << 20: "16.0 MiB", 1 << 30: "1.0 GiB", 5 << 40: "5.0 TiB"}
	for n, want := range cases {
		if got := HumanBytes(n); got != want {
			t.Errorf("HumanBytes(%d) = %q, want %q", n, got, want)
		}
	}
}
