package authlib

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func hawkMust(t *testing.T, p Params) *Hawk {
	t.Helper()
	s, err := New("hawk", p)
	if err != nil {
		t.Fatal(err)
	}
	return s.(*Hawk)
}

// Vectors of hapijs/hawk test/readme.js (AUTH_VECTORS.md section 4).
func TestHawkReadmeVectors(t *testing.T) {
	base := Params{"authId": "dh37fgj492je", "authKey": "werxhqb98rpaxn39848xrunpaw3489ruxnpa98w4rxn", "algorithm": "sha256",
		"timestamp": "1353832234", "nonce": "j4h3g2", "extraData": "some-app-ext-data"}
	h := hawkMust(t, base)
	req, _ := http.NewRequest("GET", "http://example.com:8000/resource/1?b=1&a=2", nil)
	got, tr := oauth1Capture(t, h, req)
	want := `Hawk id="dh37fgj492je", ts="1353832234", nonce="j4h3g2", ext="some-app-ext-data", mac="6R4rV5iE+NPoym+WwjeHzjAGXUtLNIxmo1vpMofpLAE="`
	if a := got.Header.Get("Authorization"); a != want {
		t.Errorf("Authorization\n got %s\nwant %s", a, want)
	}
	if n := oauth1TraceField(tr, "normalized string"); n != "hawk.1.header\n1353832234\nj4h3g2\nGET\n/resource/1?b=1&a=2\nexample.com\n8000\n\nsome-app-ext-data\n" {
		t.Errorf("normalized %q", n)
	}
	oauth1AssertNoSecrets(t, tr, "werxhqb98rpaxn39848xrunpaw3489ruxnpa98w4rxn")

	base["includePayloadHash"] = "true"
	h = hawkMust(t, base)
	req, _ = http.NewRequest("POST", "http://example.com:8000/resource/1?b=1&a=2", strings.NewReader("Thank you for flying Hawk"))
	req.Header.Set("Content-Type", "text/plain")
	got, _ = oauth1Capture(t, h, req)
	want = `Hawk id="dh37fgj492je", ts="1353832234", nonce="j4h3g2", hash="Yi9LfIIFRtBEPt74PVmbTF/xVAwPn7ub15ePICfgnuY=", ext="some-app-ext-data", mac="aSe1DERmZuRl3pI36/9BdZmnErTw3sNzOOAUlfeKjVw="`
	if a := got.Header.Get("Authorization"); a != want {
		t.Errorf("Authorization\n got %s\nwant %s", a, want)
	}
	b, _ := io.ReadAll(got.Body)
	if string(b) != "Thank you for flying Hawk" {
		t.Errorf("body on the wire %q", b)
	}
}

// ---- a Hawk server for the tests, written from API.md ----

type hawkTestServer struct {
	srv       *httptest.Server
	id, key   string
	alg       func() hash.Hash
	skew      time.Duration // the server's clock runs this far ahead
	forgeResp bool          // sign Server-Authorization with a wrong key
	alterBody bool          // change the body after signing its hash
	mu        sync.Mutex
	nonces    map[string]bool
	requests  int
}

var hawkTestAttr = regexp.MustCompile(`(\w+)="([^"]*)"`)

func newHawkTestServer(t *testing.T, id, key string, alg func() hash.Hash) *hawkTestServer {
	s := &hawkTestServer{id: id, key: key, alg: alg, nonces: map[string]bool{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *hawkTestServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

func (s *hawkTestServer) macOf(key, text string) string {
	m := hmac.New(s.alg, []byte(key))
	m.Write([]byte(text))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func (s *hawkTestServer) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests++
	skew, forge, alter := s.skew, s.forgeResp, s.alterBody
	s.mu.Unlock()
	h := r.Header.Get("Authorization")
	if !strings.HasPrefix(h, "Hawk ") {
		w.Header().Set("WWW-Authenticate", "Hawk")
		http.Error(w, "no Hawk", http.StatusUnauthorized)
		return
	}
	attrs := map[string]string{}
	for _, m := range hawkTestAttr.FindAllStringSubmatch(h, -1) {
		attrs[m[1]] = m[2]
	}
	if attrs["id"] != s.id {
		http.Error(w, "unknown id", http.StatusUnauthorized)
		return
	}
	host, port, _ := net.SplitHostPort(r.Host)
	lines := []string{"hawk.1.header", attrs["ts"], attrs["nonce"], r.Method, r.RequestURI, host, port, attrs["hash"], attrs["ext"]}
	if attrs["app"] != "" {
		lines = append(lines, attrs["app"], attrs["dlg"])
	}
	if want := s.macOf(s.key, strings.Join(lines, "\n")+"\n"); !hmac.Equal([]byte(want), []byte(attrs["mac"])) {
		http.Error(w, "bad mac", http.StatusUnauthorized)
		return
	}
	body, _ := io.ReadAll(r.Body)
	if attrs["hash"] != "" {
		ct := strings.ToLower(strings.TrimSpace(strings.Split(r.Header.Get("Content-Type"), ";")[0]))
		ph := s.alg()
		ph.Write([]byte("hawk.1.payload\n" + ct + "\n" + string(body) + "\n"))
		if base64.StdEncoding.EncodeToString(ph.Sum(nil)) != attrs["hash"] {
			http.Error(w, "bad payload hash", http.StatusUnauthorized)
			return
		}
	}
	now := time.Now().Add(skew)
	ts, _ := strconv.ParseInt(attrs["ts"], 10, 64)
	if d := now.Sub(time.Unix(ts, 0)); d > time.Minute || d < -time.Minute {
		sts := strconv.FormatInt(now.Unix(), 10)
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Hawk ts="%s", tsm="%s", error="Stale timestamp"`, sts, s.macOf(s.key, "hawk.1.ts\n"+sts+"\n")))
		http.Error(w, "stale", http.StatusUnauthorized)
		return
	}
	s.mu.Lock()
	replay := s.nonces[attrs["nonce"]+attrs["ts"]]
	s.nonces[attrs["nonce"]+attrs["ts"]] = true
	s.mu.Unlock()
	if replay {
		http.Error(w, "replay", http.StatusUnauthorized)
		return
	}
	// Server-Authorization over the response (hawk.1.response).
	out := `{"ok":true}`
	ph := s.alg()
	ph.Write([]byte("hawk.1.payload\napplication/json\n" + out + "\n"))
	rhash := base64.StdEncoding.EncodeToString(ph.Sum(nil))
	rlines := []string{"hawk.1.response", attrs["ts"], attrs["nonce"], r.Method, r.RequestURI, host, port, rhash, "resp-ext"}
	if attrs["app"] != "" {
		rlines = append(rlines, attrs["app"], attrs["dlg"])
	}
	key := s.key
	if forge {
		key = "not-the-key"
	}
	w.Header().Set("Server-Authorization", fmt.Sprintf(`Hawk mac="%s", hash="%s", ext="resp-ext"`, s.macOf(key, strings.Join(rlines, "\n")+"\n"), rhash))
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if alter {
		out = `{"ok":false}`
	}
	io.WriteString(w, out)
}

func TestHawkServerVerifies(t *testing.T) {
	for _, alg := range []struct {
		name string
		h    func() hash.Hash
	}{{"sha256", sha256.New}, {"sha1", sha1.New}} {
		srv := newHawkTestServer(t, "id-1", "hawk-secret-key", alg.h)
		for _, params := range []Params{
			{"authId": "id-1", "authKey": "hawk-secret-key", "algorithm": alg.name},
			{"authId": "id-1", "authKey": "hawk-secret-key", "algorithm": alg.name, "includePayloadHash": "true", "extraData": "x y=z", "app": "app1", "delegation": "d1"},
			{"authId": "id-1", "authKey": "hawk-secret-key", "algorithm": alg.name, "includePayloadHash": "true", "appId": "app2"},
		} {
			s := hawkMust(t, params)
			req, _ := http.NewRequest("PUT", srv.srv.URL+"/a%20b/c?x=1&y=%2F", strings.NewReader(`{"n":1}`))
			req.Header.Set("Content-Type", "Application/JSON; charset=utf-8")
			resp, body, tr := oauth1Send(t, s, req)
			if resp.StatusCode != 200 || body != `{"ok":true}` {
				t.Fatalf("%v: server said %s: %s", params, resp.Status, body)
			}
			if !strings.Contains(oauth1TraceField(tr, "Server-Authorization mac"), "(verified)") || !strings.Contains(oauth1TraceField(tr, "response payload hash"), "(verified)") {
				t.Errorf("%v: Server-Authorization not reported verified: %+v", params, tr.Steps())
			}
			oauth1AssertNoSecrets(t, tr, "hawk-secret-key")
			rc, _ := req.GetBody()
			again, _ := io.ReadAll(rc)
			if string(again) != `{"n":1}` || req.Header.Get("Authorization") != "" {
				t.Errorf("caller's request changed")
			}
		}
	}
}

func TestHawkServerRejectsWrongKey(t *testing.T) {
	srv := newHawkTestServer(t, "id-1", "right", sha256.New)
	s := hawkMust(t, Params{"authId": "id-1", "authKey": "wrong"})
	req, _ := http.NewRequest("GET", srv.srv.URL+"/r", nil)
	if resp, body, _ := oauth1Send(t, s, req); resp.StatusCode != 401 || !strings.Contains(body, "bad mac") {
		t.Errorf("server said %s %s, want 401 bad mac", resp.Status, body)
	}
	// A payload altered after signing fails the server's hash check.
	s = hawkMust(t, Params{"authId": "id-1", "authKey": "right", "includePayloadHash": "true"})
	tamper := RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		r.Body = io.NopCloser(strings.NewReader("other"))
		r.ContentLength = 5
		return http.DefaultTransport.RoundTrip(r)
	})
	req, _ = http.NewRequest("POST", srv.srv.URL+"/r", strings.NewReader("hello"))
	resp, err := (&http.Client{Transport: s.Wrap(tamper)}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("tampered payload: %s, want 401", resp.Status)
	}
}

func TestHawkServerAuthorizationMismatch(t *testing.T) {
	srv := newHawkTestServer(t, "id-1", "k", sha256.New)
	srv.forgeResp = true
	s := hawkMust(t, Params{"authId": "id-1", "authKey": "k"})
	req, _ := http.NewRequest("GET", srv.srv.URL+"/r", nil)
	_, err := (&http.Client{Transport: s.Wrap(http.DefaultTransport)}).Do(req)
	if err == nil || !strings.Contains(err.Error(), "Server-Authorization mac") {
		t.Errorf("forged Server-Authorization: %v", err)
	}
	srv.mu.Lock()
	srv.forgeResp, srv.alterBody = false, true
	srv.mu.Unlock()
	_, err = (&http.Client{Transport: s.Wrap(http.DefaultTransport)}).Do(req)
	if err == nil || !strings.Contains(err.Error(), "does not match the hash") {
		t.Errorf("altered response body: %v", err)
	}
}

// A server whose clock is an hour ahead answers with a tsm; Knock adjusts
// and retries once, replaying the body.
func TestHawkClockSkewRetry(t *testing.T) {
	srv := newHawkTestServer(t, "id-1", "k", sha256.New)
	srv.skew = time.Hour
	s := hawkMust(t, Params{"authId": "id-1", "authKey": "k", "includePayloadHash": "true"})
	req, _ := http.NewRequest("POST", srv.srv.URL+"/r", strings.NewReader("payload"))
	resp, body, tr := oauth1Send(t, s, req)
	if resp.StatusCode != 200 {
		t.Fatalf("after skew: %s %s", resp.Status, body)
	}
	if srv.count() != 2 || oauth1TraceField(tr, "server ts") == "" {
		t.Errorf("requests %d, trace %+v", srv.count(), tr.Steps())
	}
	// Later requests use the learnt offset at once.
	req, _ = http.NewRequest("GET", srv.srv.URL+"/r", nil)
	if resp, body, _ := oauth1Send(t, s, req); resp.StatusCode != 200 || srv.count() != 3 {
		t.Errorf("second request: %s %s after %d requests", resp.Status, body, srv.count())
	}
	// A tsm made with another key is not trusted.
	srv2 := newHawkTestServer(t, "id-1", "k", sha256.New)
	srv2.skew = time.Hour
	s2 := hawkMust(t, Params{"authId": "id-1", "authKey": "k2"})
	req, _ = http.NewRequest("GET", srv2.srv.URL+"/r", nil)
	if resp, _, _ := oauth1Send(t, s2, req); resp.StatusCode != 401 || srv2.count() != 1 {
		t.Errorf("untrusted tsm: %s after %d requests", resp.Status, srv2.count())
	}
}

func TestHawkBadInput(t *testing.T) {
	for _, tc := range []struct {
		p    Params
		want string
	}{
		{Params{"authId": "i", "authKey": "k", "algorithm": "md5"}, "algorithm"},
		{Params{"authId": "i", "authKey": "k", "extraData": `say "hi"`}, "extraData"},
		{Params{"authId": "i", "authKey": "k", "timestamp": "now"}, "timestamp"},
		{Params{"authId": "i", "authKey": "k", "includePayloadHash": "sure"}, "includePayloadHash"},
		{Params{"authId": "i"}, "authKey"},
	} {
		if _, err := New("hawk", tc.p); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want an error naming %q", tc.p, err, tc.want)
		}
	}
}

func FuzzHawkAttrs(f *testing.F) {
	for _, s := range []string{`Hawk mac="a", hash="b", ext="c"`, `Hawk ts="1", tsm="x=", error="Stale timestamp"`, `Hawk`, `Hawk a=`, `Hawk a="`, `Hawk a="b" c="d"`, `Basic x`, `Hawk a="b",,`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		attrs, err := hawkAttrs(s)
		if err != nil {
			return
		}
		for k, v := range attrs {
			if strings.ContainsAny(v, `"\`) || k == "" {
				t.Fatalf("bad attribute %q=%q from %q", k, v, s)
			}
		}
	})
}
