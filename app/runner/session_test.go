package runner

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mccutchen/go-httpbin/v2/httpbin"

	"github.com/knockhttp/knock/storage"
)

// digestServer is go-httpbin (its /digest-auth checks the response of
// each request against the user and password in the path), counting the
// challenges it sends and the requests it accepts.
func digestServer(t *testing.T) (srv *httptest.Server, challenges, accepted *atomic.Int64) {
	t.Helper()
	challenges, accepted = new(atomic.Int64), new(atomic.Int64)
	h := httpbin.New()
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		switch rec.Code {
		case http.StatusUnauthorized:
			challenges.Add(1)
		case http.StatusOK:
			accepted.Add(1)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(srv.Close)
	return srv, challenges, accepted
}

func digestItem(name, url, user, pass string) Item {
	return Item{Path: name, Request: storage.Request{
		Method: "GET", URL: url,
		Auth:       storage.AuthSpec{Type: "digest", Params: map[string]string{"username": user, "password": pass}},
		Assertions: []storage.Assertion{assertion("status", "", "==", "200")},
	}}
}

// TestRunSharesDigestStateAcrossRequests: ten requests with the same
// Digest credentials cost one challenge in a run; the other nine answer
// the cached nonce with a rising nonce count, and the server accepts each.
// Different credentials (one per data row) get a state of their own.
func TestRunSharesDigestStateAcrossRequests(t *testing.T) {
	srv, challenges, accepted := digestServer(t)
	var items []Item
	for i := range 10 {
		items = append(items, digestItem("d"+string(rune('0'+i)), srv.URL+"/digest-auth/auth/alice/s3cret/MD5", "alice", "s3cret"))
	}
	s := Run(context.Background(), Plan{Name: "digest", Items: items}, Options{})
	if s.Failed() || s.Requests != 10 {
		t.Fatalf("run failed: %d requests, %d failed, %d failed assertions", s.Requests, s.FailedRequests, s.FailedAssertions)
	}
	if c, a := challenges.Load(), accepted.Load(); c != 1 || a != 10 {
		t.Errorf("the server sent %d challenges and accepted %d requests; want 1 challenge and 10 accepted", c, a)
	}

	challenges.Store(0)
	accepted.Store(0)
	rows := []map[string]string{{"user": "alice", "pass": "s3cret"}, {"user": "bob", "pass": "hunter2"}}
	url := srv.URL + "/digest-auth/auth/{{user}}/{{pass}}/MD5"
	s = Run(context.Background(), Plan{Name: "rows", Items: []Item{
		digestItem("a", url, "{{user}}", "{{pass}}"),
		digestItem("b", url, "{{user}}", "{{pass}}"),
	}}, Options{Data: rows})
	if s.Failed() {
		t.Fatalf("data-row run failed: %+v", s.Results)
	}
	if c, a := challenges.Load(), accepted.Load(); c != 2 || a != 4 {
		t.Errorf("two users, two requests each: %d challenges and %d accepted; want 2 and 4 (bob must not reuse alice's state)", c, a)
	}
}

// TestRunRecoversWhenTheServerRefusesTheCachedNonce: a server that takes
// each nonce once makes every reuse fail; the run still passes, each
// request answering a fresh challenge after the refusal.
func TestRunRecoversWhenTheServerRefusesTheCachedNonce(t *testing.T) {
	h := httpbin.New()
	var reused atomic.Int64 // requests carrying a nonce already used
	var mu sync.Mutex
	seen := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a := r.Header.Get("Authorization"); a != "" {
			i := strings.Index(a, `nonce="`)
			nonce := ""
			if i >= 0 {
				nonce, _, _ = strings.Cut(a[i+len(`nonce="`):], `"`)
			}
			mu.Lock()
			used := seen[nonce]
			seen[nonce] = true
			mu.Unlock()
			if used {
				reused.Add(1)
				r.Header.Del("Authorization") // refused: go-httpbin challenges again
			}
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	var items []Item
	for i := range 3 {
		items = append(items, digestItem("d"+string(rune('0'+i)), srv.URL+"/digest-auth/auth/alice/s3cret/MD5", "alice", "s3cret"))
	}
	s := Run(context.Background(), Plan{Name: "once", Items: items}, Options{})
	if s.Failed() {
		for _, r := range s.Results {
			t.Logf("%s: %d %s", r.Item, r.Status, r.Error)
		}
		t.Fatal("the run failed against a server that refuses reused nonces")
	}
	if reused.Load() != 2 {
		t.Errorf("%d requests reused a nonce; want 2 (requests 2 and 3 try the cached one first)", reused.Load())
	}
}

// TestRunFetchesOneOAuth2TokenForTheRun: five requests with the same
// client-credentials grant cost one token request (authlib's token cache
// serves the other four); each API request carries the token the server
// issued.
func TestRunFetchesOneOAuth2TokenForTheRun(t *testing.T) {
	var tokens, authorized atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/token":
			if u, p, ok := r.BasicAuth(); !ok || u != "knock" || p != "cs3cret" || r.FormValue("grant_type") != "client_credentials" {
				http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
				return
			}
			tokens.Add(1)
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"access_token":"tok-1","token_type":"Bearer","expires_in":3600}`))
		default:
			if r.Header.Get("Authorization") != "Bearer tok-1" {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			authorized.Add(1)
			w.Write([]byte("ok"))
		}
	}))
	t.Cleanup(srv.Close)
	var items []Item
	for i := range 5 {
		items = append(items, Item{Path: "r" + string(rune('0'+i)), Request: storage.Request{
			Method: "GET", URL: srv.URL + "/api",
			Auth: storage.AuthSpec{Type: "oauth2", Params: map[string]string{
				"grant_type": "client_credentials", "accessTokenUrl": srv.URL + "/token",
				"clientId": "knock", "clientSecret": "cs3cret",
			}},
			Assertions: []storage.Assertion{assertion("status", "", "==", "200")},
		}})
	}
	s := Run(context.Background(), Plan{Name: "oauth2", Items: items}, Options{})
	if s.Failed() {
		for _, r := range s.Results {
			t.Logf("%s: %d %s", r.Item, r.Status, r.Error)
		}
		t.Fatal("the run failed")
	}
	if tokens.Load() != 1 || authorized.Load() != 5 {
		t.Errorf("%d token requests and %d authorized API requests; want 1 and 5", tokens.Load(), authorized.Load())
	}
}
