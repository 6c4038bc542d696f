package cli

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// seen is one request as the test server received it.
type seen struct {
	Method string
	URL    string
	Header http.Header
	Body   string
}

// recordingServer answers every request with handler and remembers what it
// received.
type recordingServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []seen
}

func newRecordingServer(t *testing.T, handler http.HandlerFunc) *recordingServer {
	t.Helper()
	rs := &recordingServer{}
	rs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rs.mu.Lock()
		rs.reqs = append(rs.reqs, seen{Method: r.Method, URL: r.URL.String(), Header: r.Header.Clone(), Body: string(body)})
		rs.mu.Unlock()
		if handler != nil {
			handler(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "hello from the test server\n")
	}))
	t.Cleanup(rs.Close)
	return rs
}

func (rs *recordingServer) requests() []seen {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return append([]seen(nil), rs.reqs...)
}

func (rs *recordingServer) last(t *testing.T) seen {
	t.Helper()
	r := rs.requests()
	if len(r) == 0 {
		t.Fatal("the server received no request")
	}
	return r[len(r)-1]
}

// knock runs `knock ARGS…` in process and returns its exit code, stdout and
// stderr.
func knock(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

func wantContains(t *testing.T, what, s, sub string) {
	t.Helper()
	if !strings.Contains(s, sub) {
		t.Errorf("%s does not contain %q:\n%s", what, sub, s)
	}
}

func wantNotContains(t *testing.T, what, s, sub string) {
	t.Helper()
	if strings.Contains(s, sub) {
		t.Errorf("%s contains %q, which it must not:\n%s", what, sub, s)
	}
}
