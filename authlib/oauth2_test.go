package authlib

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	oerrors "github.com/go-oauth2/oauth2/v4/errors"
	"github.com/go-oauth2/oauth2/v4/manage"
	"github.com/go-oauth2/oauth2/v4/models"
	"github.com/go-oauth2/oauth2/v4/server"
	"github.com/go-oauth2/oauth2/v4/store"
	"golang.org/x/oauth2"
)

const (
	oauth2TestClientID     = "knock-client"
	oauth2TestClientSecret = "cl1ent-s3cret-VALUE-7f3a"
	oauth2TestUser         = "alice"
	oauth2TestPassword     = "p4ssw0rd-correct-horse"
	oauth2TestUserID       = "user-1"
)

// oauth2TestServer is a real OAuth 2 authorization server (go-oauth2) on
// 127.0.0.1 with a protected resource that validates tokens through the
// go-oauth2 manager. It records what it saw on the wire.
type oauth2TestServer struct {
	*httptest.Server
	srv *server.Server
	mgr *manage.Manager

	mu          sync.Mutex
	grants      map[string]int // token requests by grant_type
	tokenForms  []url.Values
	clientAuth  []string // per token request: "header", "body" or "none"
	authorizeQs []url.Values
	resourceReq []*http.Request
	resourceBod []string

	resourceHits  atomic.Int32
	alwaysInvalid atomic.Bool // the resource refuses every token
}

// oauth2NewTestServer starts the server. clientAuth "header" accepts only
// HTTP Basic client authentication, "body" only client_secret in the body.
func oauth2NewTestServer(t *testing.T, clientAuth string) *oauth2TestServer {
	t.Helper()
	mgr := manage.NewDefaultManager()
	mgr.MustTokenStorage(store.NewMemoryTokenStore())
	cs := store.NewClientStore()
	if err := cs.Set(oauth2TestClientID, &models.Client{ID: oauth2TestClientID, Secret: oauth2TestClientSecret, Domain: "http://127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	mgr.MapClientStorage(cs)
	// RFC 8252 §7.3: any port on the loopback address. app.example is for
	// the pasted-redirect test; nothing ever connects to it.
	mgr.SetValidateURIHandler(func(_, redirect string) error {
		u, err := url.Parse(redirect)
		if err != nil {
			return err
		}
		if (u.Scheme == "http" && u.Hostname() == "127.0.0.1") || (u.Scheme == "https" && u.Host == "app.example") {
			return nil
		}
		return oerrors.ErrInvalidRedirectURI
	})
	srv := server.NewDefaultServer(mgr)
	if clientAuth == "body" {
		srv.SetClientInfoHandler(server.ClientFormHandler)
	}
	srv.SetUserAuthorizationHandler(func(http.ResponseWriter, *http.Request) (string, error) { return oauth2TestUserID, nil })
	srv.SetPasswordAuthorizationHandler(func(_ context.Context, _, user, pass string) (string, error) {
		if user == oauth2TestUser && pass == oauth2TestPassword {
			return oauth2TestUserID, nil
		}
		return "", nil // go-oauth2 answers invalid_grant
	})
	ts := &oauth2TestServer{srv: srv, mgr: mgr, grants: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/authorize", func(w http.ResponseWriter, r *http.Request) {
		ts.mu.Lock()
		ts.authorizeQs = append(ts.authorizeQs, r.URL.Query())
		ts.mu.Unlock()
		if err := srv.HandleAuthorizeRequest(w, r); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
		}
	})
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		place := "none"
		if _, _, ok := r.BasicAuth(); ok {
			place = "header"
		}
		if r.PostForm.Has("client_secret") {
			if place == "header" {
				place = "both"
			} else {
				place = "body"
			}
		}
		ts.mu.Lock()
		ts.grants[r.PostForm.Get("grant_type")]++
		ts.tokenForms = append(ts.tokenForms, r.PostForm)
		ts.clientAuth = append(ts.clientAuth, place)
		ts.mu.Unlock()
		_ = srv.HandleTokenRequest(w, r)
	})
	mux.HandleFunc("/resource", func(w http.ResponseWriter, r *http.Request) {
		ts.resourceHits.Add(1)
		body, _ := io.ReadAll(r.Body)
		ts.mu.Lock()
		ts.resourceReq = append(ts.resourceReq, r.Clone(context.Background()))
		ts.resourceBod = append(ts.resourceBod, string(body))
		ts.mu.Unlock()
		ti, err := srv.ValidationBearerToken(r)
		if err != nil || ts.alwaysInvalid.Load() {
			w.Header().Set("WWW-Authenticate", `Bearer realm="test", error="invalid_token", error_description="The access token expired"`)
			http.Error(w, "invalid token", http.StatusUnauthorized)
			return
		}
		_, _ = io.WriteString(w, "hello "+ti.GetUserID()+" scope="+ti.GetScope())
	})
	ts.Server = httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

func (ts *oauth2TestServer) grantCount(g string) int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.grants[g]
}

func (ts *oauth2TestServer) lastTokenForm() url.Values {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if len(ts.tokenForms) == 0 {
		return nil
	}
	return ts.tokenForms[len(ts.tokenForms)-1]
}

func (ts *oauth2TestServer) lastClientAuth() string {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if len(ts.clientAuth) == 0 {
		return ""
	}
	return ts.clientAuth[len(ts.clientAuth)-1]
}

func (ts *oauth2TestServer) resource(i int) (*http.Request, string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.resourceReq[i], ts.resourceBod[i]
}

func (ts *oauth2TestServer) lastAuthorize() url.Values {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if len(ts.authorizeQs) == 0 {
		return nil
	}
	return ts.authorizeQs[len(ts.authorizeQs)-1]
}

// params returns a parameter set for this server.
func (ts *oauth2TestServer) params(grant string, more ...string) Params {
	p := Params{
		"grant_type":     grant,
		"authUrl":        ts.URL + "/authorize",
		"accessTokenUrl": ts.URL + "/token",
		"clientId":       oauth2TestClientID,
		"clientSecret":   oauth2TestClientSecret,
		"username":       oauth2TestUser,
		"password":       oauth2TestPassword,
		"scope":          "read write",
	}
	for i := 0; i+1 < len(more); i += 2 {
		p[more[i]] = more[i+1]
	}
	return p
}

// oauth2NewTestScheme builds the scheme through the registry, with its own
// token store.
func oauth2NewTestScheme(t *testing.T, p Params) (*OAuth2, *MemoryTokenStore) {
	t.Helper()
	s, err := New("oauth2", p)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	o := s.(*OAuth2)
	st := NewMemoryTokenStore()
	o.SetTokenStore(st)
	return o, st
}

// oauth2FakeBrowser plays the user: it fetches the authorization URL and
// follows the redirects to the loopback listener, as a browser would after
// the user clicks "Allow". The final page goes to pages.
func oauth2FakeBrowser(pages chan<- *http.Response) func(context.Context, string) error {
	return func(_ context.Context, u string) error {
		go func() {
			c := &http.Client{Timeout: 10 * time.Second}
			resp, err := c.Get(u)
			if err != nil {
				pages <- &http.Response{StatusCode: 0, Status: err.Error(), Body: io.NopCloser(strings.NewReader(err.Error()))}
				return
			}
			pages <- resp
		}()
		return nil
	}
}

func oauth2ReadPage(t *testing.T, pages <-chan *http.Response) (int, string) {
	t.Helper()
	select {
	case resp := <-pages:
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp.StatusCode, string(b)
	case <-time.After(10 * time.Second):
		t.Fatal("the fake browser got no page")
		return 0, ""
	}
}

// oauth2Get sends GET /resource through the scheme.
func oauth2Get(t *testing.T, o *OAuth2, url string, tr *Trace) (*http.Response, string, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(WithTrace(context.Background(), tr), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := o.Wrap(http.DefaultTransport).RoundTrip(req)
	if err != nil {
		return nil, "", err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b), nil
}

func TestOAuth2AuthCodePKCE(t *testing.T) {
	for _, alg := range []string{"S256", "plain"} {
		t.Run(alg, func(t *testing.T) {
			ts := oauth2NewTestServer(t, "header")
			o, st := oauth2NewTestScheme(t, ts.params(oauth2GrantPKCE, "challengeAlgorithm", alg))
			pages := make(chan *http.Response, 1)
			tr := &Trace{}
			ctx, cancel := context.WithTimeout(WithTrace(context.Background(), tr), 20*time.Second)
			defer cancel()
			tok, err := o.FetchToken(ctx, OAuth2Interaction{OpenURL: oauth2FakeBrowser(pages)})
			if err != nil {
				t.Fatalf("FetchToken: %v", err)
			}
			if status, page := oauth2ReadPage(t, pages); status != 200 || !strings.Contains(page, oauth2DoneMessage) {
				t.Errorf("browser page: %d %q", status, page)
			}
			if w := strings.Join(tr.Warnings(), "\n"); strings.Contains(w, `method "plain"`) != (alg == "plain") {
				t.Errorf("warnings for %s: %s", alg, w)
			}
			if tok.AccessToken == "" || tok.RefreshToken == "" || tok.Expiry.IsZero() {
				t.Errorf("token: %+v", tok)
			}

			// The wire: the challenge sent to /authorize matches the
			// verifier sent to /token, by the chosen method.
			aq, tf := ts.lastAuthorize(), ts.lastTokenForm()
			if got := aq.Get("code_challenge_method"); got != alg {
				t.Errorf("code_challenge_method = %q, want %q", got, alg)
			}
			verifier := tf.Get("code_verifier")
			if len(verifier) < 43 {
				t.Fatalf("code_verifier %q is too short", verifier)
			}
			want := verifier
			if alg == "S256" {
				want = oauth2.S256ChallengeFromVerifier(verifier)
			}
			if aq.Get("code_challenge") != want {
				t.Errorf("code_challenge %q does not match verifier %q by %s", aq.Get("code_challenge"), verifier, alg)
			}
			if aq.Get("response_type") != "code" || aq.Get("scope") != "read write" || aq.Get("state") == "" {
				t.Errorf("authorize query: %v", aq)
			}
			ru, _ := url.Parse(aq.Get("redirect_uri"))
			if ru.Scheme != "http" || ru.Hostname() != "127.0.0.1" || ru.Port() == "" || ru.Port() == "0" || ru.Path != "/callback" {
				t.Errorf("redirect_uri %q is not a loopback URL with a port", aq.Get("redirect_uri"))
			}
			if tf.Get("redirect_uri") != aq.Get("redirect_uri") {
				t.Errorf("token request redirect_uri %q != authorize's %q", tf.Get("redirect_uri"), aq.Get("redirect_uri"))
			}
			if ts.lastClientAuth() != "header" {
				t.Errorf("client authentication: %s", ts.lastClientAuth())
			}
			// The listener is gone.
			if c, err := (&http.Client{Timeout: time.Second}).Get(aq.Get("redirect_uri")); err == nil {
				c.Body.Close()
				t.Error("the loopback listener still answers after the redirect")
			}

			// The token was cached, and the protected resource accepts it.
			if cached, err := st.Get(o.CacheKey()); err != nil || cached.AccessToken != tok.AccessToken {
				t.Fatalf("cache: %v %v", cached, err)
			}
			resp, body, err := oauth2Get(t, o, ts.URL+"/resource", tr)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != 200 || body != "hello "+oauth2TestUserID+" scope=read write" {
				t.Errorf("resource: %d %q", resp.StatusCode, body)
			}
			if got := oauth2ResourceAuth(ts, 0); got != "Bearer "+tok.AccessToken {
				t.Errorf("Authorization = %q", got)
			}
		})
	}
}

func TestOAuth2AuthCodeWithoutPKCE(t *testing.T) {
	ts := oauth2NewTestServer(t, "header")
	o, _ := oauth2NewTestScheme(t, ts.params(oauth2GrantCode, "state", "fixed-state"))
	pages := make(chan *http.Response, 1)
	tr := &Trace{}
	if _, err := o.FetchToken(WithTrace(context.Background(), tr), OAuth2Interaction{OpenURL: oauth2FakeBrowser(pages)}); err != nil {
		t.Fatal(err)
	}
	oauth2ReadPage(t, pages)
	if w := strings.Join(tr.Warnings(), "\n"); !strings.Contains(w, "without PKCE") || !strings.Contains(w, "state is fixed") {
		t.Errorf("warnings: %s", w)
	}
	if ts.lastAuthorize().Get("state") != "fixed-state" {
		t.Error("the fixed state was not sent")
	}
	if aq := ts.lastAuthorize(); aq.Has("code_challenge") {
		t.Errorf("authorization_code sent a PKCE challenge: %v", aq)
	}
	if tf := ts.lastTokenForm(); tf.Has("code_verifier") {
		t.Errorf("authorization_code sent a verifier")
	}
}

func TestOAuth2StateMismatch(t *testing.T) {
	ts := oauth2NewTestServer(t, "header")
	o, st := oauth2NewTestScheme(t, ts.params(oauth2GrantPKCE))
	pages := make(chan *http.Response, 1)
	// The "browser" receives the server's redirect but a forged state
	// reaches the listener (a CSRF attempt, RFC 6749 §10.12).
	forger := func(_ context.Context, u string) error {
		go func() {
			c := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := c.Get(u)
			if err != nil {
				return
			}
			resp.Body.Close()
			loc, _ := url.Parse(resp.Header.Get("Location"))
			q := loc.Query()
			q.Set("state", "forged-state")
			loc.RawQuery = q.Encode()
			resp, err = c.Get(loc.String())
			if err == nil {
				pages <- resp
			}
		}()
		return nil
	}
	_, err := o.FetchToken(context.Background(), OAuth2Interaction{OpenURL: forger})
	if err == nil || !strings.Contains(err.Error(), "state mismatch") || !strings.Contains(err.Error(), "forged-state") {
		t.Fatalf("err = %v, want a state mismatch", err)
	}
	status, page := oauth2ReadPage(t, pages)
	if status != http.StatusBadRequest || !strings.Contains(page, "state mismatch") {
		t.Errorf("browser page: %d %q", status, page)
	}
	if n := ts.grantCount("authorization_code"); n != 0 {
		t.Errorf("the code was exchanged %d times despite the mismatch", n)
	}
	if _, err := st.Get(o.CacheKey()); !errors.Is(err, ErrTokenNotCached) {
		t.Errorf("a token was cached: %v", err)
	}
}

func TestOAuth2AuthorizationDenied(t *testing.T) {
	ts := oauth2NewTestServer(t, "header")
	ts.srv.SetUserAuthorizationHandler(func(http.ResponseWriter, *http.Request) (string, error) { return "", oerrors.ErrAccessDenied })
	o, _ := oauth2NewTestScheme(t, ts.params(oauth2GrantPKCE))
	pages := make(chan *http.Response, 1)
	_, err := o.FetchToken(context.Background(), OAuth2Interaction{OpenURL: oauth2FakeBrowser(pages)})
	if err == nil || !strings.Contains(err.Error(), `"access_denied"`) {
		t.Fatalf("err = %v, want access_denied", err)
	}
	oauth2ReadPage(t, pages)
}

func TestOAuth2ClientAuthentication(t *testing.T) {
	for _, mode := range []string{"header", "body"} {
		t.Run(mode, func(t *testing.T) {
			ts := oauth2NewTestServer(t, mode)
			o, _ := oauth2NewTestScheme(t, ts.params(oauth2GrantClient, "client_authentication", mode))
			tok, err := o.FetchToken(context.Background(), OAuth2Interaction{})
			if err != nil {
				t.Fatalf("FetchToken: %v", err)
			}
			if tok.AccessToken == "" {
				t.Fatal("no access token")
			}
			if got := ts.lastClientAuth(); got != mode {
				t.Errorf("server saw client authentication %q, want %q", got, mode)
			}
			tf := ts.lastTokenForm()
			if mode == "body" && (tf.Get("client_id") != oauth2TestClientID || tf.Get("client_secret") != oauth2TestClientSecret) {
				t.Errorf("body: %v", tf)
			}

			// The other way is refused by this server, and the error
			// names the server's error but not the secret.
			other := map[string]string{"header": "body", "body": "header"}[mode]
			o2, _ := oauth2NewTestScheme(t, ts.params(oauth2GrantClient, "client_authentication", other))
			_, err = o2.FetchToken(context.Background(), OAuth2Interaction{})
			if err == nil || !strings.Contains(err.Error(), `"invalid_client"`) {
				t.Fatalf("err = %v, want invalid_client", err)
			}
			if strings.Contains(err.Error(), oauth2TestClientSecret) {
				t.Errorf("the error shows the client secret: %v", err)
			}
			var re *oauth2.RetrieveError
			if !errors.As(err, &re) || re.ErrorCode != "invalid_client" {
				t.Errorf("errors.As RetrieveError: %v", re)
			}
		})
	}
}

func TestOAuth2ClientCredentialsInsideWrap(t *testing.T) {
	ts := oauth2NewTestServer(t, "header")
	o, _ := oauth2NewTestScheme(t, ts.params(oauth2GrantClient, "audience", "https://api.test", "extra.tenant", "acme"))
	for i := range 2 {
		resp, body, err := oauth2Get(t, o, ts.URL+"/resource", nil)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 || !strings.HasPrefix(body, "hello") {
			t.Fatalf("request %d: %d %q", i, resp.StatusCode, body)
		}
	}
	if n := ts.grantCount("client_credentials"); n != 1 {
		t.Errorf("client_credentials token requests = %d, want 1 (the second request uses the cache)", n)
	}
	tf := ts.lastTokenForm()
	if tf.Get("audience") != "https://api.test" || tf.Get("tenant") != "acme" || tf.Get("scope") != "read write" {
		t.Errorf("token request: %v", tf)
	}
}

func TestOAuth2Password(t *testing.T) {
	ts := oauth2NewTestServer(t, "header")
	o, _ := oauth2NewTestScheme(t, ts.params(oauth2GrantPassword, "resource", "https://api.test/"))
	resp, body, err := oauth2Get(t, o, ts.URL+"/resource", nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || body != "hello "+oauth2TestUserID+" scope=read write" {
		t.Fatalf("resource: %d %q", resp.StatusCode, body)
	}
	tf := ts.lastTokenForm()
	if tf.Get("grant_type") != "password" || tf.Get("username") != oauth2TestUser || tf.Get("password") != oauth2TestPassword || tf.Get("resource") != "https://api.test/" {
		t.Errorf("token request: %v", tf)
	}

	bad, _ := oauth2NewTestScheme(t, ts.params(oauth2GrantPassword, "password", "wrong-password-123"))
	_, _, err = oauth2Get(t, bad, ts.URL+"/resource", nil)
	if err == nil || !strings.Contains(err.Error(), `"invalid_grant"`) || strings.Contains(err.Error(), "wrong-password-123") {
		t.Fatalf("err = %v, want invalid_grant without the password", err)
	}
}

func TestOAuth2InteractiveGrantNotStartedInRequest(t *testing.T) {
	ts := oauth2NewTestServer(t, "header")
	for _, g := range []string{oauth2GrantPKCE, oauth2GrantCode, oauth2GrantImplicit, oauth2GrantDevice} {
		o, _ := oauth2NewTestScheme(t, ts.params(g, "deviceAuthUrl", ts.URL+"/device"))
		_, _, err := oauth2Get(t, o, ts.URL+"/resource", nil)
		if !errors.Is(err, ErrOAuth2NeedsToken) {
			t.Errorf("%s: err = %v, want ErrOAuth2NeedsToken", g, err)
		}
	}
	if ts.resourceHits.Load() != 0 || ts.lastAuthorize() != nil {
		t.Error("a request reached the server without a token")
	}
}

func TestOAuth2ExpiredTokenRefreshed(t *testing.T) {
	ts := oauth2NewTestServer(t, "header")
	o, st := oauth2NewTestScheme(t, ts.params(oauth2GrantPKCE))
	// Get a real token set from the server, then age it in the cache.
	pw, _ := oauth2NewTestScheme(t, ts.params(oauth2GrantPassword))
	pw.SetTokenStore(st)
	tok, err := pw.FetchToken(context.Background(), OAuth2Interaction{})
	if err != nil {
		t.Fatal(err)
	}
	aged := &OAuth2TokenSet{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, TokenType: "Bearer",
		Expiry: time.Now().Add(-time.Minute), Obtained: time.Now().Add(-2 * time.Hour)}
	if err := st.Put(o.CacheKey(), aged); err != nil {
		t.Fatal(err)
	}
	tr := &Trace{}
	for i := range 2 {
		resp, body, err := oauth2Get(t, o, ts.URL+"/resource", tr)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if resp.StatusCode != 200 {
			t.Fatalf("request %d: %d %q", i, resp.StatusCode, body)
		}
	}
	if n := ts.grantCount("refresh_token"); n != 1 {
		t.Errorf("refresh calls = %d, want 1", n)
	}
	if ts.lastTokenForm().Get("refresh_token") != tok.RefreshToken {
		t.Error("the refresh request did not carry the cached refresh token")
	}
	now, _ := st.Get(o.CacheKey())
	if now.AccessToken == tok.AccessToken || now.Expiry.Before(time.Now()) || now.RefreshToken == "" {
		t.Errorf("cache after refresh: %v", now)
	}
	if got := oauth2ResourceAuth(ts, 0); got != "Bearer "+now.AccessToken {
		t.Error("the request did not carry the refreshed token")
	}
	if !oauth2TraceHas(tr, "Refreshing the access token") {
		t.Errorf("trace lacks the refresh: %+v", tr.Steps())
	}
}

func TestOAuth2FailedRefresh(t *testing.T) {
	ts := oauth2NewTestServer(t, "header")
	o, st := oauth2NewTestScheme(t, ts.params(oauth2GrantPKCE))
	const access, refresh = "stale-access-token-9f8e7d", "revoked-refresh-token-1a2b3c"
	if err := st.Put(o.CacheKey(), &OAuth2TokenSet{AccessToken: access, RefreshToken: refresh, Expiry: time.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	_, _, err := oauth2Get(t, o, ts.URL+"/resource", nil)
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, want := range []string{`"invalid_grant"`, "refreshing the access token", "The provided authorization grant"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	for _, secret := range []string{access, refresh, oauth2TestClientSecret} {
		if strings.Contains(msg, secret) {
			t.Errorf("error shows a secret: %q", msg)
		}
	}
	if ts.grantCount("refresh_token") != 1 || ts.resourceHits.Load() != 0 {
		t.Errorf("refreshes %d, resource hits %d", ts.grantCount("refresh_token"), ts.resourceHits.Load())
	}
	if _, err := st.Get(o.CacheKey()); !errors.Is(err, ErrTokenNotCached) {
		t.Errorf("the refused token set is still cached: %v", err)
	}
}

func TestOAuth2InvalidTokenRetriesOnce(t *testing.T) {
	ts := oauth2NewTestServer(t, "header")
	o, st := oauth2NewTestScheme(t, ts.params(oauth2GrantPassword))
	tok, err := o.FetchToken(context.Background(), OAuth2Interaction{})
	if err != nil {
		t.Fatal(err)
	}
	// The server revokes the access token; the cache still thinks it is
	// good for two hours.
	if err := ts.mgr.RemoveAccessToken(context.Background(), tok.AccessToken); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/resource", strings.NewReader(`{"n":1}`))
	resp, err := o.Wrap(http.DefaultTransport).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d after the retry", resp.StatusCode)
	}
	if h := ts.resourceHits.Load(); h != 2 {
		t.Errorf("resource hits = %d, want 2", h)
	}
	if _, body := ts.resource(1); body != `{"n":1}` {
		t.Errorf("the retry's body was %q", body)
	}
	if n := ts.grantCount("refresh_token"); n != 1 {
		t.Errorf("refreshes = %d, want 1", n)
	}
	if cur, _ := st.Get(o.CacheKey()); cur.AccessToken == tok.AccessToken {
		t.Error("the cache still holds the revoked token")
	}

	// A server that refuses every token gets one retry, never a loop.
	ts.alwaysInvalid.Store(true)
	tr := &Trace{}
	resp, _, err = oauth2Get(t, o, ts.URL+"/resource", tr)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("status %d, want the second 401", resp.StatusCode)
	}
	if h := ts.resourceHits.Load(); h != 4 {
		t.Errorf("resource hits = %d, want 4 (2 + one try and one retry)", h)
	}
	if n := ts.grantCount("refresh_token"); n != 2 {
		t.Errorf("refreshes = %d, want 2", n)
	}
}

func TestOAuth2PastedAccessToken(t *testing.T) {
	seen := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen <- r.Header.Get("Authorization") + "|" + r.URL.RawQuery
	}))
	defer srv.Close()
	o, _ := oauth2NewTestScheme(t, Params{"accessToken": "pasted-token-abc", "headerPrefix": "Token"})
	if _, _, err := oauth2Get(t, o, srv.URL+"/x?a=1", nil); err != nil {
		t.Fatal(err)
	}
	if got := <-seen; got != "Token pasted-token-abc|a=1" {
		t.Errorf("server saw %q", got)
	}
	q, _ := oauth2NewTestScheme(t, Params{"accessToken": "pasted token+/", "addTokenTo": "queryParams"})
	tr := &Trace{}
	if _, _, err := oauth2Get(t, q, srv.URL+"/x?a=1&b=%20", tr); err != nil {
		t.Fatal(err)
	}
	if got := <-seen; got != "|a=1&b=%20&access_token=pasted+token%2B%2F" {
		t.Errorf("server saw %q", got)
	}
	if len(tr.Warnings()) == 0 || !strings.Contains(strings.Join(tr.Warnings(), " "), "RFC 6750 §2.3") {
		t.Errorf("no query warning: %v", tr.Warnings())
	}
}

func TestOAuth2PasteRedirect(t *testing.T) {
	ts := oauth2NewTestServer(t, "header")
	o, _ := oauth2NewTestScheme(t, ts.params(oauth2GrantPKCE, "redirect_uri", "https://app.example/callback"))
	locs := make(chan string, 1)
	ui := OAuth2Interaction{
		OpenURL: func(_ context.Context, u string) error {
			go func() {
				c := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
				resp, err := c.Get(u)
				if err != nil {
					locs <- ""
					return
				}
				resp.Body.Close()
				locs <- resp.Header.Get("Location") // what the user copies from the address bar
			}()
			return nil
		},
		PasteRedirect: func(context.Context) (string, error) { return <-locs, nil },
	}
	if _, err := o.FetchToken(context.Background(), ui); err != nil {
		t.Fatal(err)
	}
	if tf := ts.lastTokenForm(); tf.Get("redirect_uri") != "https://app.example/callback" {
		t.Errorf("redirect_uri = %q", tf.Get("redirect_uri"))
	}
	// Without a way to paste, a non-loopback redirect is a clear error.
	o2, _ := oauth2NewTestScheme(t, ts.params(oauth2GrantPKCE, "redirect_uri", "https://app.example/callback"))
	_, err := o2.FetchToken(context.Background(), OAuth2Interaction{OpenURL: func(context.Context, string) error { return nil }})
	if err == nil || !strings.Contains(err.Error(), "not a loopback address") {
		t.Errorf("err = %v", err)
	}
}

func TestOAuth2BrowserEnvScript(t *testing.T) {
	ts := oauth2NewTestServer(t, "header")
	dir := t.TempDir()
	urlFile := filepath.Join(dir, "url")
	script := filepath.Join(dir, "browser.sh")
	// The script plays the user's browser: it hands the URL to the test,
	// which does the HTTP a browser would.
	if err := os.WriteFile(script, []byte("#!/bin/sh\nprintf '%s' \"$1\" > \""+urlFile+".tmp\" && mv \""+urlFile+".tmp\" \""+urlFile+"\"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("BROWSER", script)
	o, _ := oauth2NewTestScheme(t, ts.params(oauth2GrantPKCE))
	go func() {
		for range 200 { // 10 s at most
			if b, err := os.ReadFile(urlFile); err == nil {
				if resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(string(b)); err == nil {
					resp.Body.Close()
				}
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tok, err := o.FetchToken(ctx, OAuth2Interaction{})
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken == "" {
		t.Fatal("no token")
	}
	b, _ := os.ReadFile(urlFile)
	if !strings.HasPrefix(string(b), ts.URL+"/authorize?") {
		t.Errorf("$BROWSER got %q", b)
	}

	// A browser command that fails is an error, unless the UI can show
	// the URL.
	t.Setenv("BROWSER", filepath.Join(dir, "no-such-browser"))
	_, err = o.FetchToken(ctx, OAuth2Interaction{})
	if err == nil || !strings.Contains(err.Error(), "cannot open the browser") {
		t.Errorf("err = %v", err)
	}
}

func TestOAuth2LoopbackTimeoutClosesListener(t *testing.T) {
	ts := oauth2NewTestServer(t, "header")
	o, _ := oauth2NewTestScheme(t, ts.params(oauth2GrantPKCE))
	var shown string
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := o.FetchToken(ctx, OAuth2Interaction{
		OpenURL: func(context.Context, string) error { return errors.New("no display") },
		ShowURL: func(u string) { shown = u },
	})
	if err == nil || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "waiting for the redirect") {
		t.Fatalf("err = %v", err)
	}
	au, _ := url.Parse(shown)
	redirect := au.Query().Get("redirect_uri")
	if redirect == "" {
		t.Fatalf("ShowURL got %q", shown)
	}
	if resp, err := (&http.Client{Timeout: time.Second}).Get(redirect); err == nil {
		resp.Body.Close()
		t.Error("the listener still answers after the timeout")
	}
}

func TestOAuth2Trace(t *testing.T) {
	ts := oauth2NewTestServer(t, "body")
	tr := &Trace{}
	ctx := WithTrace(context.Background(), tr)
	st := NewMemoryTokenStore()
	var secrets []string
	add := func(tok *oauth2.Token) {
		secrets = append(secrets, tok.AccessToken, tok.RefreshToken)
	}
	// Authorization code with PKCE: the code and the verifier are secrets.
	o, _ := oauth2NewTestScheme(t, ts.params(oauth2GrantPKCE, "client_authentication", "body", "extra.prompt", "consent"))
	o.SetTokenStore(st)
	pages := make(chan *http.Response, 1)
	tok, err := o.FetchToken(ctx, OAuth2Interaction{OpenURL: oauth2FakeBrowser(pages)})
	if err != nil {
		t.Fatal(err)
	}
	oauth2ReadPage(t, pages)
	add(tok)
	tf := ts.lastTokenForm()
	secrets = append(secrets, tf.Get("code"), tf.Get("code_verifier"))
	// Refresh, then a request.
	if tok, err = o.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	add(tok)
	if _, _, err := oauth2Get(t, o, ts.URL+"/resource", tr); err != nil {
		t.Fatal(err)
	}
	// Password grant, and a failed one.
	p, _ := oauth2NewTestScheme(t, ts.params(oauth2GrantPassword, "client_authentication", "body"))
	if tok, err = p.FetchToken(ctx, OAuth2Interaction{}); err != nil {
		t.Fatal(err)
	}
	add(tok)
	bad, _ := oauth2NewTestScheme(t, ts.params(oauth2GrantPassword, "client_authentication", "body", "password", "Wr0ng-pass-word"))
	_, err = bad.FetchToken(ctx, OAuth2Interaction{})
	if err == nil {
		t.Fatal("wrong password accepted")
	}
	secrets = append(secrets, oauth2TestClientSecret, oauth2TestPassword, "Wr0ng-pass-word")

	raw, err := json.Marshal(struct {
		Steps    []Step
		Warnings []string
		Err      string
	}{tr.Steps(), tr.Warnings(), err.Error()})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if s == "" {
			t.Fatal("a secret to look for is empty")
		}
		if strings.Contains(string(raw), s) || strings.Contains(string(raw), url.QueryEscape(s)) {
			t.Errorf("the trace shows secret %q", s)
		}
	}
	// And it does show what a user needs.
	for _, want := range []string{
		`"Token request (RFC 6749 §3.2)"`, `"value":"authorization_code"`, `"value":"refresh_token"`, `"value":"password"`,
		`"name":"code_verifier"`, `"name":"client_secret"`, `"name":"prompt","value":"consent"`,
		`"name":"token_type","value":"Bearer"`, `"name":"expires_in"`, `"name":"scope","value":"read write"`,
		`"value":"client_id and client_secret in the body (RFC 6749 §2.3.1)"`,
		`"Added the access token (RFC 6750 §2.1)"`, `"name":"Authorization","value":"Bearer ••••••••`,
		`"name":"error","value":"invalid_grant"`, `"name":"username","value":"alice"`,
	} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("the trace lacks %s", want)
		}
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("trace: %s", raw)
	}
}

func oauth2TraceHas(tr *Trace, title string) bool {
	for _, s := range tr.Steps() {
		if strings.Contains(s.Title, title) {
			return true
		}
	}
	return false
}

func TestOAuth2Params(t *testing.T) {
	for _, c := range []struct {
		p    Params
		want string
	}{
		{Params{"accessTokenUrl": "hppts://auth.test/token"}, `scheme "hppts" is not http or https`},
		{Params{"authUrl": "auth.test/authorize"}, `"authUrl" is "auth.test/authorize": it has no scheme`},
		{Params{"accessTokenUrl": "https:///token"}, "it has no host"},
		{Params{"redirect_uri": "http://127.0.0.1/cb#x"}, "must not have a fragment"},
		{Params{"code_verifier": "short"}, "has 5 characters; RFC 7636 §4.1 wants 43 to 128"},
		{Params{"code_verifier": strings.Repeat("a", 42) + "+"}, `byte 42 ('+') is not in RFC 7636 §4.1's set`},
		{Params{"grant_type": "magic"}, `"grant_type" is "magic"; want one of`},
		{Params{"challengeAlgorithm": "S512"}, `"challengeAlgorithm" is "S512"`},
		{Params{"client_authentication": "jwt"}, `"client_authentication" is "jwt"`},
		{Params{"addTokenTo": "cookie"}, `"addTokenTo" is "cookie"`},
		{Params{"extra.client_secret": "x"}, `would replace "client_secret"`},
		{Params{"extra.": "x"}, `"extra." has no name after "extra."`},
		{Params{"extra.a b": "x"}, `"a b" is not a valid parameter name`},
		{Params{"headerPrefix": "Bear er"}, "must be one word"},
	} {
		_, err := New("oauth2", c.p)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err = %v, want %q", c.p, err, c.want)
		}
	}
	// What a grant needs is reported when the token is fetched.
	o, _ := oauth2NewTestScheme(t, Params{"grant_type": oauth2GrantClient, "clientId": "c"})
	if _, err := o.FetchToken(context.Background(), OAuth2Interaction{}); err == nil || !strings.Contains(err.Error(), `needs parameter "accessTokenUrl"`) {
		t.Errorf("err = %v", err)
	}
	o, _ = oauth2NewTestScheme(t, Params{"grant_type": oauth2GrantDevice, "clientId": "c", "accessTokenUrl": "http://127.0.0.1:1/t"})
	if _, err := o.FetchToken(context.Background(), OAuth2Interaction{}); err == nil || !strings.Contains(err.Error(), `needs parameter "deviceAuthUrl"`) {
		t.Errorf("err = %v", err)
	}
}

func TestOAuth2CacheKey(t *testing.T) {
	base := Params{"grant_type": oauth2GrantClient, "accessTokenUrl": "https://a.test/t", "clientId": "c", "clientSecret": "s1", "scope": "a b"}
	key := func(extra ...string) string {
		p := Params{}
		for k, v := range base {
			p[k] = v
		}
		for i := 0; i+1 < len(extra); i += 2 {
			p[extra[i]] = extra[i+1]
		}
		o, err := NewOAuth2(p)
		if err != nil {
			t.Fatal(err)
		}
		return o.CacheKey()
	}
	k := key()
	if !strings.HasPrefix(k, "oauth2:") || len(k) != len("oauth2:")+32 {
		t.Errorf("key %q", k)
	}
	if key("clientSecret", "s2") != k || key("scope", " a   b ") != k {
		t.Error("the key depends on the secret or on scope spacing")
	}
	for _, kv := range [][2]string{{"scope", "a"}, {"tokenName", "other"}, {"audience", "x"}, {"clientId", "d"}} {
		if key(kv[0], kv[1]) == k {
			t.Errorf("changing %s keeps the key", kv[0])
		}
	}
}

func TestOAuth2InvalidTokenDetection(t *testing.T) {
	for _, c := range []struct {
		status int
		h      string
		want   bool
	}{
		{401, `Bearer error="invalid_token"`, true},
		{401, `Bearer realm="x", error="invalid_token", error_description="expired"`, true},
		{401, `bearer error=invalid_token`, true},
		{401, `Bearer error="insufficient_scope"`, false},
		{401, `Basic realm="x"`, false},
		{403, `Bearer error="invalid_token"`, false},
	} {
		resp := &http.Response{StatusCode: c.status, Header: http.Header{"Www-Authenticate": {c.h}}}
		if got := oauth2InvalidToken(resp); got != c.want {
			t.Errorf("%d %q: %v", c.status, c.h, got)
		}
	}
}

func oauth2ResourceAuth(ts *oauth2TestServer, i int) string {
	r, _ := ts.resource(i)
	return r.Header.Get("Authorization")
}
