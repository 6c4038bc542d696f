package authlib

// OAuth 2.0, RFC 6749, with bearer tokens, RFC 6750.
//
// Supported grants (parameter grant_type, Postman's names):
//   - authorization_code_with_pkce (the default): §4.1 with PKCE, RFC 7636,
//     S256 by default (§4.2) or "plain" when challengeAlgorithm says so.
//   - authorization_code: §4.1 without PKCE, as Postman sends it.
//   - implicit: §4.2, the token comes back in the redirect's fragment.
//   - password_credentials: §4.3. client_credentials: §4.4.
//   - device_code (Knock): the device authorization grant, RFC 8628.
//   - refresh_token (Knock): §6, from a refresh token the user pasted.
//
// The redirect of the two browser grants goes to a loopback listener on
// 127.0.0.1 with a random port (RFC 8252 §7.3, §8.3); a fixed port or
// "localhost" is used when redirect_uri names one. `state` is random unless
// the user fixed it, and is checked on the redirect (RFC 6749 §10.12). Any
// other redirect_uri cannot be received by Knock: the user pastes the URL
// the browser ended on ([OAuth2Interaction.PasteRedirect]).
//
// Client authentication (§2.3.1): HTTP Basic with the form-encoded id and
// secret (client_authentication "header", the default) or client_id and
// client_secret in the body ("body"). A client without a secret is a public
// client and sends only client_id in the body, whatever the setting.
// audience, resource (RFC 8707, one URI) and every "extra.NAME" parameter
// are added to the authorization request and to the token request; they are
// not sent on a refresh, which x/oauth2's TokenSource does not allow.
//
// The token goes in the Authorization header with headerPrefix ("Bearer",
// RFC 6750 §2.1), or in the access_token query parameter (§2.3, with a
// warning: URLs end up in logs). Tokens are cached in a [TokenStore] and
// refreshed before they expire; a 401 with error="invalid_token" (RFC 6750
// §3.1) causes one refresh and one retry. Grants that need the user (a
// browser or a device code) are never started inside a request: the window
// and the CLI call [OAuth2.FetchToken].
//
// Built on golang.org/x/oauth2: AuthCodeURL, Exchange, GenerateVerifier,
// S256ChallengeOption and VerifierOption for the code grant; DeviceAuth and
// DeviceAccessToken for RFC 8628 (polling at the server's interval, +5 s on
// slow_down, bounded by expires_in); clientcredentials.Config for §4.4;
// Config.TokenSource for refreshing. Hand-written, because x/oauth2 has no
// API for them: the PKCE "plain" method (two auth URL parameters), the
// implicit grant (response_type=token through SetAuthURLParam and the
// fragment parsing in oauth2_loopback.go), and the password grant's extra
// parameters (PasswordCredentialsToken takes none, so the password grant
// goes through clientcredentials.Config with grant_type overridden in
// EndpointParams, which that package explicitly allows). The loopback
// listener and the browser opener are hand-written: x/oauth2 has neither.
//
// Not supported: the MAC token type, client authentication by JWT
// (RFC 7523), token exchange (RFC 8693), PAR (RFC 9126), DPoP (RFC 9449),
// OpenID Connect discovery, and verifying an id_token's signature (tokens
// are decoded for display only, see oauth2_inspect.go).

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// The grant_type values.
const (
	oauth2GrantCode     = "authorization_code"
	oauth2GrantPKCE     = "authorization_code_with_pkce"
	oauth2GrantImplicit = "implicit"
	oauth2GrantPassword = "password_credentials"
	oauth2GrantClient   = "client_credentials"
	oauth2GrantDevice   = "device_code"
	oauth2GrantRefresh  = "refresh_token"
)

// oauth2ExpirySkew is how long before its expiry a token is refreshed, so
// that it does not expire in flight. It is capped at half the token's
// lifetime, so a token that lives 20 s is not refreshed on every request.
const oauth2ExpirySkew = 30 * time.Second

// oauth2ExtraPrefix marks Knock's extra parameters: "extra.prompt" =
// "consent" sends prompt=consent.
const oauth2ExtraPrefix = "extra."

// ErrOAuth2NeedsToken is returned (wrapped) by a request when no usable
// access token is cached and the grant needs the user: the caller should
// offer [OAuth2.FetchToken].
var ErrOAuth2NeedsToken = errors.New("authlib: oauth2: get a new access token first (it needs the browser or a device code)")

func init() {
	register(Method{
		Type:  "oauth2",
		Title: "OAuth 2.0",
		Help:  "RFC 6749 bearer token, fetched by a grant and refreshed automatically; extra.NAME=value adds a parameter",
		Params: []Param{
			{Name: "grant_type", Help: "how the token is obtained", Default: oauth2GrantPKCE,
				Choices: []string{oauth2GrantPKCE, oauth2GrantCode, oauth2GrantImplicit, oauth2GrantPassword, oauth2GrantClient, oauth2GrantDevice, oauth2GrantRefresh}},
			{Name: "authUrl", Help: "authorization endpoint (browser grants)"},
			{Name: "accessTokenUrl", Help: "token endpoint"},
			{Name: "refreshTokenUrl", Help: "token endpoint for refreshing (default: accessTokenUrl)"},
			{Name: "deviceAuthUrl", Help: "device authorization endpoint (device_code grant, RFC 8628)"},
			{Name: "clientId", Help: "client identifier"},
			{Name: "clientSecret", Help: "client secret (empty for a public client)", Secret: true},
			{Name: "username", Help: "resource owner's user name (password_credentials)"},
			{Name: "password", Help: "resource owner's password (password_credentials)", Secret: true},
			{Name: "scope", Help: "space-separated scopes"},
			{Name: "audience", Help: "audience parameter sent to the server"},
			{Name: "resource", Help: "resource indicator, RFC 8707"},
			{Name: "state", Help: "fixed state value (default: random, checked on the redirect)"},
			{Name: "redirect_uri", Help: "callback URL (default: loopback http://127.0.0.1:<random port>/callback)"},
			{Name: "challengeAlgorithm", Help: "PKCE code challenge method", Default: "S256", Choices: []string{"S256", "plain"}},
			{Name: "code_verifier", Help: "fixed PKCE verifier (default: random)", Secret: true},
			{Name: "client_authentication", Help: "send client credentials as Basic header or in the body", Default: "header", Choices: []string{"header", "body"}},
			{Name: "addTokenTo", Help: "where the token goes", Default: "header", Choices: []string{"header", "queryParams"}},
			{Name: "headerPrefix", Help: "Authorization scheme before the token", Default: "Bearer"},
			{Name: "tokenName", Help: "a name for the token; different names keep separate tokens"},
			{Name: "accessToken", Help: "an access token to use as is", Secret: true},
			{Name: "refreshToken", Help: "a refresh token (refresh_token grant, or to renew accessToken)", Secret: true},
		},
		New: func(p Params) (Scheme, error) { return NewOAuth2(p) },
	})
}

// oauth2Config is a parsed and checked parameter set.
type oauth2Config struct {
	grant                                    string
	authURL, tokenURL, refreshURL, deviceURL string
	clientID, clientSecret                   string
	username, password                       string
	scope, audience, resource                string
	state, redirectURI                       string
	challenge                                string // "S256" or "plain"
	verifier                                 string
	bodyAuth                                 bool // client_authentication=body
	inQuery                                  bool // addTokenTo=queryParams
	headerPrefix                             string
	tokenName                                string
	accessToken, refreshToken                string
	extra                                    []oauth2Extra // sorted by name
}

type oauth2Extra struct{ name, value string }

// OAuth2 is the OAuth 2.0 scheme. Build it with [New]("oauth2", …) or
// [NewOAuth2]. It is safe for concurrent use.
type OAuth2 struct {
	c   oauth2Config
	key string

	mu     sync.Mutex
	store  TokenStore   // nil: DefaultTokenStore()
	client *http.Client // nil: the transport Wrap was given
	now    func() time.Time
}

// NewOAuth2 parses p. Only the shape of the parameters is checked here;
// which endpoints a grant needs is checked when a token is fetched, so that
// a pasted accessToken works with no endpoint at all.
func NewOAuth2(p Params) (*OAuth2, error) {
	c := oauth2Config{
		grant:        strings.ToLower(strings.TrimSpace(p.Get("grant_type", oauth2GrantPKCE))),
		clientID:     strings.TrimSpace(p["clientId"]),
		clientSecret: p["clientSecret"],
		username:     p["username"],
		password:     p["password"],
		scope:        strings.Join(strings.Fields(p["scope"]), " "),
		audience:     strings.TrimSpace(p["audience"]),
		resource:     strings.TrimSpace(p["resource"]),
		state:        p["state"],
		headerPrefix: strings.TrimSpace(p.Get("headerPrefix", "Bearer")),
		tokenName:    p["tokenName"],
		accessToken:  strings.TrimSpace(p["accessToken"]),
		refreshToken: strings.TrimSpace(p["refreshToken"]),
		verifier:     strings.TrimSpace(p["code_verifier"]),
	}
	switch c.grant {
	case oauth2GrantPKCE, oauth2GrantCode, oauth2GrantImplicit, oauth2GrantPassword, oauth2GrantClient, oauth2GrantDevice, oauth2GrantRefresh:
	default:
		return nil, fmt.Errorf("authlib: oauth2: parameter \"grant_type\" is %q; want one of %s, %s, %s, %s, %s, %s, %s",
			c.grant, oauth2GrantPKCE, oauth2GrantCode, oauth2GrantImplicit, oauth2GrantPassword, oauth2GrantClient, oauth2GrantDevice, oauth2GrantRefresh)
	}
	var err error
	for _, e := range []struct {
		name string
		dst  *string
	}{{"authUrl", &c.authURL}, {"accessTokenUrl", &c.tokenURL}, {"refreshTokenUrl", &c.refreshURL}, {"deviceAuthUrl", &c.deviceURL}} {
		if *e.dst, err = oauth2CheckURL(e.name, p[e.name]); err != nil {
			return nil, err
		}
	}
	if c.refreshURL == "" {
		c.refreshURL = c.tokenURL
	}
	if c.redirectURI, err = oauth2CheckURL("redirect_uri", p["redirect_uri"]); err != nil {
		return nil, err
	}
	switch a := p.Get("challengeAlgorithm", "S256"); {
	case strings.EqualFold(a, "S256"):
		c.challenge = "S256"
	case strings.EqualFold(a, "plain"):
		c.challenge = "plain"
	default:
		return nil, fmt.Errorf("authlib: oauth2: parameter \"challengeAlgorithm\" is %q; want S256 or plain (RFC 7636 §4.2)", a)
	}
	if c.verifier != "" {
		if err := oauth2CheckVerifier(c.verifier); err != nil {
			return nil, err
		}
	}
	switch a := strings.ToLower(p.Get("client_authentication", "header")); a {
	case "header", "basic":
	case "body":
		c.bodyAuth = true
	default:
		return nil, fmt.Errorf("authlib: oauth2: parameter \"client_authentication\" is %q; want header or body", a)
	}
	switch a := p.Get("addTokenTo", "header"); strings.ToLower(a) {
	case "header":
	case "queryparams", "query":
		c.inQuery = true
	default:
		return nil, fmt.Errorf("authlib: oauth2: parameter \"addTokenTo\" is %q; want header or queryParams", a)
	}
	if strings.ContainsAny(c.headerPrefix, " \t\r\n") {
		return nil, fmt.Errorf("authlib: oauth2: parameter \"headerPrefix\" is %q; it must be one word such as Bearer", c.headerPrefix)
	}
	for k, v := range p {
		name, ok := strings.CutPrefix(k, oauth2ExtraPrefix)
		if !ok {
			continue
		}
		if err := oauth2CheckExtraName(k, name); err != nil {
			return nil, err
		}
		c.extra = append(c.extra, oauth2Extra{name, v})
	}
	sort.Slice(c.extra, func(i, j int) bool { return c.extra[i].name < c.extra[j].name })

	o := &OAuth2{c: c, now: time.Now}
	o.key = o.cacheKey()
	return o, nil
}

// oauth2Reserved are the parameters Knock sets itself; an extra parameter
// may not replace them.
var oauth2Reserved = []string{
	"grant_type", "client_id", "client_secret", "code", "code_verifier", "code_challenge",
	"code_challenge_method", "redirect_uri", "state", "response_type", "refresh_token",
	"username", "password", "scope", "device_code", "audience", "resource",
}

func oauth2CheckExtraName(param, name string) error {
	if name == "" {
		return fmt.Errorf("authlib: oauth2: parameter %q has no name after %q", param, oauth2ExtraPrefix)
	}
	if strings.ContainsAny(name, " \t\r\n=&#?") {
		return fmt.Errorf("authlib: oauth2: parameter %q: %q is not a valid parameter name", param, name)
	}
	for _, r := range oauth2Reserved {
		if strings.EqualFold(r, name) {
			return fmt.Errorf("authlib: oauth2: parameter %q would replace %q, which Knock sets itself; use the dedicated field", param, r)
		}
	}
	return nil
}

// oauth2CheckURL checks an endpoint URL and names the parameter and the
// problem, so that a typo such as "hppts://" is caught before any request.
func oauth2CheckURL(param, raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("authlib: oauth2: parameter %q: %v", param, err)
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	case "":
		return "", fmt.Errorf("authlib: oauth2: parameter %q is %q: it has no scheme; want an http:// or https:// URL", param, raw)
	default:
		return "", fmt.Errorf("authlib: oauth2: parameter %q is %q: scheme %q is not http or https", param, raw, u.Scheme)
	}
	if u.Host == "" {
		return "", fmt.Errorf("authlib: oauth2: parameter %q is %q: it has no host", param, raw)
	}
	if u.Fragment != "" && param != "redirect_uri" {
		return "", fmt.Errorf("authlib: oauth2: parameter %q is %q: an endpoint URL must not have a fragment (RFC 6749 §3.1)", param, raw)
	}
	if u.Fragment != "" {
		return "", fmt.Errorf("authlib: oauth2: parameter %q is %q: a redirection URI must not have a fragment (RFC 6749 §3.1.2)", param, raw)
	}
	return raw, nil
}

// oauth2CheckVerifier applies RFC 7636 §4.1: 43 to 128 characters from the
// unreserved set.
func oauth2CheckVerifier(v string) error {
	if n := len(v); n < 43 || n > 128 {
		return fmt.Errorf("authlib: oauth2: parameter \"code_verifier\" has %d characters; RFC 7636 §4.1 wants 43 to 128", n)
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			continue
		}
		return fmt.Errorf("authlib: oauth2: parameter \"code_verifier\": byte %d (%q) is not in RFC 7636 §4.1's set [A-Za-z0-9-._~]", i, c)
	}
	return nil
}

// cacheKey names the token this configuration yields.
func (o *OAuth2) cacheKey() string {
	c := &o.c
	parts := []string{c.grant, c.authURL, c.tokenURL, c.deviceURL, c.clientID, c.scope, c.audience, c.resource, c.username, c.tokenName}
	if c.grant == oauth2GrantRefresh {
		parts = append(parts, oauth2CacheKey(c.refreshToken)) // hashed twice: never stored in clear
	}
	return oauth2CacheKey(parts...)
}

// CacheKey returns the key under which this configuration's token is kept
// in the [TokenStore]. Two saved requests with the same grant, endpoints,
// client, scope, audience, resource, user and tokenName share a token.
func (o *OAuth2) CacheKey() string { return o.key }

// Grant returns the grant_type.
func (o *OAuth2) Grant() string { return o.c.grant }

// Interactive reports whether the grant needs the user (a browser or a
// device code), so that requests cannot fetch a token by themselves.
func (o *OAuth2) Interactive() bool {
	switch o.c.grant {
	case oauth2GrantPKCE, oauth2GrantCode, oauth2GrantImplicit, oauth2GrantDevice:
		return true
	}
	return false
}

// SetTokenStore makes o keep its token in s instead of [DefaultTokenStore].
func (o *OAuth2) SetTokenStore(s TokenStore) {
	o.mu.Lock()
	o.store = s
	o.mu.Unlock()
}

// SetHTTPClient sets the client used for token requests (its Transport,
// Timeout and CheckRedirect). By default [OAuth2.Wrap] uses the transport it
// wraps, so TLS and proxy settings apply, and [OAuth2.FetchToken] uses
// http.DefaultTransport.
func (o *OAuth2) SetHTTPClient(c *http.Client) {
	o.mu.Lock()
	o.client = c
	o.mu.Unlock()
}

func (o *OAuth2) tokenStore() TokenStore {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.store != nil {
		return o.store
	}
	return DefaultTokenStore()
}

// CachedToken returns the cached token set, or [ErrTokenNotCached]. It does
// not fetch or refresh; the token inspector uses it.
func (o *OAuth2) CachedToken() (*OAuth2TokenSet, error) {
	return o.tokenStore().Get(o.key)
}

// ForgetToken removes the cached token set, for a "Clear token" button or
// when the user edits the accessToken parameter.
func (o *OAuth2) ForgetToken() error {
	if err := o.tokenStore().Delete(o.key); err != nil {
		return fmt.Errorf("authlib: oauth2: token cache: %w", err)
	}
	return nil
}

// FetchToken runs the grant now, whatever is cached, stores the new token
// in the [TokenStore] and returns it. The window's "Get new access token"
// button and the CLI call it from a goroutine that is not the UI's: it
// blocks until the user has approved in the browser (bounded by ctx, or by
// 5 minutes when ctx has no deadline) or the device code has expired. The
// steps are recorded in the [Trace] carried by ctx.
func (o *OAuth2) FetchToken(ctx context.Context, ui OAuth2Interaction) (*oauth2.Token, error) {
	tr := TraceFrom(ctx)
	ts, err := o.fetch(ctx, o.tokenClient(nil, tr), tr, &ui)
	if err != nil {
		return nil, err
	}
	if err := o.save(ts); err != nil {
		return nil, err
	}
	return ts.Token(), nil
}

// Refresh spends the cached refresh token now (a "Refresh" button), stores
// the new token and returns it.
func (o *OAuth2) Refresh(ctx context.Context) (*oauth2.Token, error) {
	tr := TraceFrom(ctx)
	unlock := oauth2LockKey(o.key)
	defer unlock()
	ts, err := o.cached()
	if err != nil {
		return nil, err
	}
	if ts == nil || ts.RefreshToken == "" {
		return nil, errors.New("authlib: oauth2: there is no refresh token to spend; get a new access token")
	}
	nts, err := o.refresh(context.WithoutCancel(ctx), o.tokenClient(nil, tr), tr, ts)
	if err != nil {
		return nil, err
	}
	return nts.Token(), nil
}

// cached returns the stored token set, or one made of the pasted
// accessToken and refreshToken, or nil.
func (o *OAuth2) cached() (*OAuth2TokenSet, error) {
	ts, err := o.tokenStore().Get(o.key)
	if err == nil && ts != nil {
		return ts, nil
	}
	if err != nil && !errors.Is(err, ErrTokenNotCached) {
		return nil, fmt.Errorf("authlib: oauth2: token cache: %w", err)
	}
	if o.c.accessToken == "" {
		return nil, nil
	}
	ts = &OAuth2TokenSet{AccessToken: o.c.accessToken, RefreshToken: o.c.refreshToken, TokenType: "Bearer"}
	// A pasted JWT says when it expires; use that rather than sending a
	// token the server will refuse.
	if info, err := oauth2DecodeJWT(o.c.accessToken); err == nil && !info.Expiry.IsZero() {
		ts.Expiry = info.Expiry
	}
	return ts, nil
}

func (o *OAuth2) save(ts *OAuth2TokenSet) error {
	if err := o.tokenStore().Put(o.key, ts); err != nil {
		return fmt.Errorf("authlib: oauth2: token cache: %w", err)
	}
	return nil
}

// oauth2Skew returns the refresh margin for ts.
func oauth2Skew(ts *OAuth2TokenSet) time.Duration {
	skew := oauth2ExpirySkew
	if !ts.Obtained.IsZero() && !ts.Expiry.IsZero() {
		if half := ts.Expiry.Sub(ts.Obtained) / 2; half < skew {
			skew = max(half, 0)
		}
	}
	return skew
}

// current returns a usable token: the cached one, a refreshed one, or, for
// grants that need no user, a freshly fetched one. how says which, for the
// trace.
func (o *OAuth2) current(ctx context.Context, hc *http.Client, tr *Trace) (ts *OAuth2TokenSet, how string, err error) {
	ts, err = o.cached()
	if err != nil {
		return nil, "", err
	}
	if ts != nil && !ts.Expired(o.now(), oauth2Skew(ts)) {
		return ts, "cached", nil
	}
	unlock := oauth2LockKey(o.key)
	defer unlock()
	// Another request may have renewed it while we waited for the lock.
	if ts, err = o.cached(); err != nil {
		return nil, "", err
	}
	if ts != nil && !ts.Expired(o.now(), oauth2Skew(ts)) {
		return ts, "cached", nil
	}
	why := "no access token is cached"
	if ts != nil {
		why = "the access token expired at " + ts.Expiry.Local().Format(time.DateTime)
	}
	return o.renewLocked(ctx, hc, tr, ts, why)
}

// renewLocked replaces ts (nil when there is none) by refreshing it or, for
// grants that need no user, by running the grant again. The key lock is
// held.
func (o *OAuth2) renewLocked(ctx context.Context, hc *http.Client, tr *Trace, ts *OAuth2TokenSet, why string) (*OAuth2TokenSet, string, error) {
	// A token request must finish even if the request that needed it is
	// cancelled, or a rotated refresh token would be lost.
	tctx := context.WithoutCancel(ctx)
	var refreshErr error
	if ts != nil && ts.RefreshToken != "" {
		nts, err := o.refresh(tctx, hc, tr, ts)
		if err == nil {
			return nts, "refreshed (" + why + ")", nil
		}
		if o.Interactive() || o.c.grant == oauth2GrantRefresh {
			return nil, "", err
		}
		refreshErr = err
		tr.Warn(err.Error() + "; running the " + o.c.grant + " grant again")
	}
	if o.Interactive() {
		return nil, "", fmt.Errorf("%w: %s and the %s grant cannot run inside a request", ErrOAuth2NeedsToken, why, o.c.grant)
	}
	nts, err := o.fetch(tctx, hc, tr, &OAuth2Interaction{})
	if err != nil {
		if refreshErr != nil {
			return nil, "", fmt.Errorf("%w (and before that: %v)", err, refreshErr)
		}
		return nil, "", err
	}
	if err := o.save(nts); err != nil {
		return nil, "", err
	}
	return nts, "fetched with the " + o.c.grant + " grant (" + why + ")", nil
}

// Wrap implements [Scheme].
func (o *OAuth2) Wrap(next http.RoundTripper) http.RoundTripper {
	return RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		ctx := r.Context()
		tr := TraceFrom(ctx)
		hc := o.tokenClient(next, tr)
		ts, how, err := o.current(ctx, hc, tr)
		if err != nil {
			return nil, err
		}
		resp, err := next.RoundTrip(o.authorize(r, ts, how, tr))
		if err != nil || !oauth2InvalidToken(resp) {
			return resp, err
		}
		// RFC 6750 §3.1: the token was refused. Renew once and retry once.
		tr.Add("oauth2", "The server refused the access token (RFC 6750 §3.1)",
			F("status", resp.Status), F("WWW-Authenticate", strings.Join(resp.Header.Values("WWW-Authenticate"), ", ")))
		var body io.ReadCloser
		if r.Body != nil && r.Body != http.NoBody {
			if r.GetBody == nil {
				tr.Warn("oauth2: the token was refused but the request cannot be retried: its body cannot be replayed")
				return resp, nil
			}
			if body, err = r.GetBody(); err != nil {
				tr.Warn("oauth2: the token was refused but the request cannot be retried: " + err.Error())
				return resp, nil
			}
		}
		nts, how, err := o.renewAfter401(ctx, hc, tr, ts)
		if err != nil {
			if body != nil {
				body.Close()
			}
			tr.Warn(err.Error())
			return resp, nil
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		r2 := r.Clone(ctx)
		if body != nil {
			r2.Body = body
		}
		return next.RoundTrip(o.authorize(r2, nts, how, tr))
	})
}

// renewAfter401 renews a token the server refused, unless another request
// already did.
func (o *OAuth2) renewAfter401(ctx context.Context, hc *http.Client, tr *Trace, refused *OAuth2TokenSet) (*OAuth2TokenSet, string, error) {
	unlock := oauth2LockKey(o.key)
	defer unlock()
	ts, err := o.cached()
	if err != nil {
		return nil, "", err
	}
	if ts != nil && ts.AccessToken != refused.AccessToken && !ts.Expired(o.now(), oauth2Skew(ts)) {
		return ts, "renewed by another request after a 401", nil
	}
	if ts == nil {
		ts = refused
	}
	return o.renewLocked(ctx, hc, tr, ts, "the server refused the access token")
}

// authorize returns a clone of r carrying the token.
func (o *OAuth2) authorize(r *http.Request, ts *OAuth2TokenSet, how string, tr *Trace) *http.Request {
	r = cloneRequest(r)
	fields := []Field{F("token", how)}
	if !ts.Expiry.IsZero() {
		fields = append(fields, F("expires", ts.Expiry.Local().Format(time.DateTime)))
	}
	if o.c.inQuery {
		q := "access_token=" + url.QueryEscape(ts.AccessToken)
		if r.URL.RawQuery != "" {
			q = r.URL.RawQuery + "&" + q
		}
		u := *r.URL
		u.RawQuery = q
		r.URL = &u
		tr.Add("oauth2", "Added the access token to the query (RFC 6750 §2.3)", append(fields, S("access_token", ts.AccessToken))...)
		tr.Warn("oauth2: the access token is sent in the URL query, where proxies and server logs record it (RFC 6750 §2.3, §5.3); prefer the header")
	} else {
		h := ts.AccessToken
		if o.c.headerPrefix != "" {
			h = o.c.headerPrefix + " " + h
		}
		r.Header.Set("Authorization", h)
		tr.Add("oauth2", "Added the access token (RFC 6750 §2.1)", append(fields, F("Authorization", MaskHeader(h)))...)
	}
	if tt := ts.TokenType; tt != "" && !strings.EqualFold(tt, "bearer") && !strings.EqualFold(tt, o.c.headerPrefix) {
		tr.Warn("oauth2: the server issued a token of type " + tt + ", which Knock sends as a bearer token with prefix " + o.c.headerPrefix + " (RFC 6749 §7.1)")
	}
	warnPlainHTTP(tr, r, "OAuth 2 bearer token")
	return r
}

// oauth2InvalidToken reports whether resp is RFC 6750 §3.1's answer to an
// expired or revoked token: 401 with a Bearer challenge carrying
// error="invalid_token".
func oauth2InvalidToken(resp *http.Response) bool {
	if resp == nil || resp.StatusCode != http.StatusUnauthorized {
		return false
	}
	for _, v := range resp.Header.Values("WWW-Authenticate") {
		l := strings.ToLower(v)
		if strings.Contains(l, "bearer") && (strings.Contains(l, `error="invalid_token"`) || strings.Contains(l, "error=invalid_token")) {
			return true
		}
	}
	return false
}

// oauth2RandomState returns a state value with 128 bits of entropy
// (RFC 6749 §10.10, §10.12).
func oauth2RandomState() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("authlib: oauth2: no randomness for state: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// scrub masks every secret this configuration knows, and the extra values
// given, wherever they appear in msg, raw or form-encoded: an error message
// may quote a server's body, and a server may echo what it was sent.
func (o *OAuth2) scrub(msg string, extra ...string) string {
	secrets := append([]string{o.c.clientSecret, o.c.password, o.c.accessToken, o.c.refreshToken, o.c.verifier}, extra...)
	if o.c.clientSecret != "" { // the Basic credentials x/oauth2 sends (RFC 6749 §2.3.1)
		secrets = append(secrets, base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(o.c.clientID)+":"+url.QueryEscape(o.c.clientSecret))))
	}
	for _, s := range secrets {
		if len(s) < 3 {
			continue
		}
		msg = strings.ReplaceAll(msg, s, Mask(s))
		if e := url.QueryEscape(s); e != s {
			msg = strings.ReplaceAll(msg, e, Mask(s))
		}
	}
	return msg
}
