package authlib

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// oauth2DeviceServer is an RFC 8628 authorization server of our own: a
// device authorization endpoint, a token endpoint that answers
// authorization_pending a given number of times, then slow_down once, then
// waits for the test to approve the user code, and an approval endpoint
// that plays the user typing the code on another device.
type oauth2DeviceServer struct {
	*httptest.Server
	interval, expiresIn int
	pending             int  // authorization_pending answers before slow_down
	slowDown            bool // answer slow_down once after them
	deny                bool // answer access_denied

	mu        sync.Mutex
	polls     []time.Time
	approved  bool
	authAuth  string // Authorization header on the device authorization request
	authForm  string
	pollAuth  []string
	pollSlows int
	polled    chan int // receives the poll count after each poll
}

const (
	oauth2DeviceCodeValue = "device-code-SECRET-5b4c3a2e"
	oauth2DeviceUserCode  = "WDJB-MJHT"
	oauth2DeviceToken     = "device-access-token-77aa"
)

func oauth2NewDeviceServer(t *testing.T, interval, expiresIn, pending int, slowDown bool) *oauth2DeviceServer {
	t.Helper()
	ds := &oauth2DeviceServer{interval: interval, expiresIn: expiresIn, pending: pending, slowDown: slowDown, polled: make(chan int, 64)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /device", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		ds.mu.Lock()
		ds.authAuth = r.Header.Get("Authorization")
		ds.authForm = r.PostForm.Encode()
		ds.mu.Unlock()
		if r.PostForm.Get("client_id") != oauth2TestClientID {
			oauth2DeviceJSON(w, 401, map[string]any{"error": "invalid_client"})
			return
		}
		oauth2DeviceJSON(w, 200, map[string]any{
			"device_code":               oauth2DeviceCodeValue,
			"user_code":                 oauth2DeviceUserCode,
			"verification_uri":          ds.URL + "/activate",
			"verification_uri_complete": ds.URL + "/activate?user_code=" + oauth2DeviceUserCode,
			"expires_in":                ds.expiresIn,
			"interval":                  ds.interval,
		})
	})
	mux.HandleFunc("POST /approve", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("user_code") != oauth2DeviceUserCode {
			http.Error(w, "unknown code", 400)
			return
		}
		ds.mu.Lock()
		ds.approved = true
		ds.mu.Unlock()
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		if r.PostForm.Get("grant_type") != "urn:ietf:params:oauth:grant-type:device_code" || r.PostForm.Get("device_code") != oauth2DeviceCodeValue {
			oauth2DeviceJSON(w, 400, map[string]any{"error": "invalid_grant"})
			return
		}
		ds.mu.Lock()
		ds.polls = append(ds.polls, time.Now())
		n := len(ds.polls)
		ds.pollAuth = append(ds.pollAuth, r.Header.Get("Authorization"))
		approved := ds.approved
		var answer map[string]any
		switch {
		case ds.deny:
			answer = map[string]any{"error": "access_denied", "error_description": "The user said no"}
		case approved:
			answer = map[string]any{"access_token": oauth2DeviceToken, "token_type": "Bearer", "expires_in": 3600}
		case n <= ds.pending:
			answer = map[string]any{"error": "authorization_pending"}
		case ds.slowDown && ds.pollSlows == 0:
			ds.pollSlows++
			answer = map[string]any{"error": "slow_down"}
		default:
			answer = map[string]any{"error": "authorization_pending"}
		}
		ds.mu.Unlock()
		status := 400
		if answer["access_token"] != nil {
			status = 200
		}
		oauth2DeviceJSON(w, status, answer)
		ds.polled <- n
	})
	ds.Server = httptest.NewServer(mux)
	t.Cleanup(ds.Close)
	return ds
}

func oauth2DeviceJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (ds *oauth2DeviceServer) params(more ...string) Params {
	p := Params{
		"grant_type":     oauth2GrantDevice,
		"deviceAuthUrl":  ds.URL + "/device",
		"accessTokenUrl": ds.URL + "/token",
		"clientId":       oauth2TestClientID,
		"clientSecret":   oauth2TestClientSecret,
		"scope":          "read",
	}
	for i := 0; i+1 < len(more); i += 2 {
		p[more[i]] = more[i+1]
	}
	return p
}

func TestOAuth2DeviceFlow(t *testing.T) {
	ds := oauth2NewDeviceServer(t, 1, 60, 2, true)
	o, st := oauth2NewTestScheme(t, ds.params("audience", "api://knock"))
	var shown OAuth2DeviceCode
	ui := OAuth2Interaction{DeviceCode: func(dc OAuth2DeviceCode) {
		shown = dc
		// The user approves on another device once the client has polled
		// three times (pending, pending, slow_down).
		go func() {
			for n := range ds.polled {
				if n == 3 {
					resp, err := http.Post(ds.URL+"/approve?user_code="+dc.UserCode, "", nil)
					if err == nil {
						resp.Body.Close()
					}
					return
				}
			}
		}()
	}}
	tr := &Trace{}
	ctx, cancel := context.WithTimeout(WithTrace(context.Background(), tr), 30*time.Second)
	defer cancel()
	start := time.Now()
	tok, err := o.FetchToken(ctx, ui)
	if err != nil {
		t.Fatalf("FetchToken: %v", err)
	}
	if tok.AccessToken != oauth2DeviceToken {
		t.Errorf("token %q", tok.AccessToken)
	}
	if shown.UserCode != oauth2DeviceUserCode || shown.VerificationURI != ds.URL+"/activate" ||
		!strings.HasSuffix(shown.VerificationURIComplete, "user_code="+oauth2DeviceUserCode) || shown.Interval != time.Second ||
		shown.Expiry.Before(start.Add(50*time.Second)) {
		t.Errorf("shown to the user: %+v", shown)
	}
	ds.mu.Lock()
	polls := append([]time.Time(nil), ds.polls...)
	authAuth, authForm, pollAuth := ds.authAuth, ds.authForm, ds.pollAuth
	ds.mu.Unlock()
	if len(polls) != 4 {
		t.Fatalf("polls = %d, want 4 (pending, pending, slow_down, token)", len(polls))
	}
	// RFC 8628 §3.5: wait interval between polls, and 5 s more after
	// slow_down.
	gaps := []time.Duration{polls[0].Sub(start), polls[1].Sub(polls[0]), polls[2].Sub(polls[1]), polls[3].Sub(polls[2])}
	for i, min := range []time.Duration{time.Second, time.Second, time.Second, 6 * time.Second} {
		// The lower bound is the rule; the upper one only catches a
		// runaway wait, with room for a busy machine.
		if gaps[i] < min-50*time.Millisecond || gaps[i] > min+5*time.Second {
			t.Errorf("gap %d = %v, want about %v", i, gaps[i], min)
		}
	}
	// Client authentication: Basic on both endpoints (the device request's
	// header is added by Knock: x/oauth2 sends client_id only).
	if !strings.HasPrefix(authAuth, "Basic ") || !strings.HasPrefix(pollAuth[0], "Basic ") {
		t.Errorf("Authorization: device %q, token %q", authAuth, pollAuth[0])
	}
	if !strings.Contains(authForm, "audience=api%3A%2F%2Fknock") || !strings.Contains(authForm, "scope=read") || strings.Contains(authForm, "client_secret") {
		t.Errorf("device authorization form: %s", authForm)
	}
	if c, err := st.Get(o.CacheKey()); err != nil || c.AccessToken != oauth2DeviceToken {
		t.Errorf("cache: %v %v", c, err)
	}
	raw, _ := json.Marshal(tr.Steps())
	for _, s := range []string{oauth2DeviceCodeValue, oauth2DeviceToken, oauth2TestClientSecret} {
		if strings.Contains(string(raw), s) {
			t.Errorf("trace shows %q", s)
		}
	}
	for _, want := range []string{"Device authorization request (RFC 8628 §3.1)", `"value":"slow_down"`, `"value":"authorization_pending"`, oauth2DeviceUserCode} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("trace lacks %s", want)
		}
	}
}

func TestOAuth2DeviceFlowExpires(t *testing.T) {
	ds := oauth2NewDeviceServer(t, 1, 2, 1000, false) // never approved
	o, _ := oauth2NewTestScheme(t, ds.params("client_authentication", "body"))
	start := time.Now()
	_, err := o.FetchToken(context.Background(), OAuth2Interaction{DeviceCode: func(OAuth2DeviceCode) {}})
	if err == nil || !strings.Contains(err.Error(), "expired after 2s without being approved") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 8*time.Second {
		t.Errorf("gave up after %v, want about 2 s (expires_in)", d)
	}
	ds.mu.Lock()
	defer ds.mu.Unlock()
	if n := len(ds.polls); n < 1 || n > 2 {
		t.Errorf("polls = %d, want 1 or 2 in 2 s at interval 1 s", n)
	}
	if !strings.Contains(ds.authForm, "client_secret="+oauth2TestClientSecret) || ds.authAuth != "" {
		t.Errorf("body client authentication: form %q, header %q", ds.authForm, ds.authAuth)
	}
}

func TestOAuth2DeviceFlowDenied(t *testing.T) {
	ds := oauth2NewDeviceServer(t, 1, 60, 0, false)
	ds.mu.Lock()
	ds.deny = true
	ds.mu.Unlock()
	o, _ := oauth2NewTestScheme(t, ds.params())
	_, err := o.FetchToken(context.Background(), OAuth2Interaction{DeviceCode: func(OAuth2DeviceCode) {}})
	if err == nil || !strings.Contains(err.Error(), "the user denied") {
		t.Fatalf("err = %v", err)
	}
	// Without a way to show the code the grant does not start.
	_, err = o.FetchToken(context.Background(), OAuth2Interaction{})
	if err == nil || !strings.Contains(err.Error(), "needs a way to show the user code") {
		t.Fatalf("err = %v", err)
	}
}

func TestOAuth2DeviceFlowCancelled(t *testing.T) {
	ds := oauth2NewDeviceServer(t, 1, 60, 1000, false)
	o, _ := oauth2NewTestScheme(t, ds.params())
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-ds.polled
		cancel()
	}()
	_, err := o.FetchToken(ctx, OAuth2Interaction{DeviceCode: func(OAuth2DeviceCode) {}})
	if err == nil || !strings.Contains(err.Error(), "stopped waiting") {
		t.Fatalf("err = %v", err)
	}
}
