package authlib

// OAuth 2.0 grants: how each grant_type obtains a token (RFC 6749 §4, §6;
// RFC 7636; RFC 8628 in oauth2_device.go), the tracing transport that
// records every token request with secrets masked, and the translation of
// token endpoint errors (RFC 6749 §5.2) into messages that name the
// server's error and never a secret.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// oauth2TokenTimeout bounds one token request when the caller's client has
// no timeout of its own.
const oauth2TokenTimeout = 60 * time.Second

// OAuth2Interaction is how a grant that needs the user reaches them. The
// window and the CLI fill in what they can show; every field is optional.
// The callbacks are called on the goroutine that runs
// [OAuth2.FetchToken] and must return promptly (the redirect or the device
// approval is awaited after they return): a Fyne window hands its widget
// changes to fyne.Do and returns.
type OAuth2Interaction struct {
	// OpenURL opens the authorization URL in the user's browser. When nil,
	// Knock runs $BROWSER when it is set (a list separated by the OS path
	// list separator; "%s" in a command is replaced by the URL, otherwise
	// the URL is the last argument), else xdg-open, open (macOS) or
	// rundll32 url.dll,FileProtocolHandler (Windows).
	OpenURL func(ctx context.Context, url string) error
	// ShowURL is told the authorization URL before the browser is opened,
	// so the user can open it by hand. When it is set, a browser that
	// fails to open is not an error: Knock keeps waiting for the redirect.
	ShowURL func(url string)
	// DeviceCode shows the device flow's verification URL and user code
	// (RFC 8628 §3.3). The device_code grant needs it.
	DeviceCode func(OAuth2DeviceCode)
	// PasteRedirect asks the user for the URL the browser ended on, when
	// redirect_uri is not a loopback address that Knock can listen on
	// (for example https://oauth.pstmn.io/v1/callback from a Postman
	// export). It is called after the browser has been opened.
	PasteRedirect func(ctx context.Context) (string, error)
}

// fetch runs the grant. It does not store the result.
func (o *OAuth2) fetch(ctx context.Context, hc *http.Client, tr *Trace, ui *OAuth2Interaction) (*OAuth2TokenSet, error) {
	var (
		tok *oauth2.Token
		ts  *OAuth2TokenSet
		err error
	)
	switch o.c.grant {
	case oauth2GrantPKCE, oauth2GrantCode:
		tok, err = o.fetchAuthCode(ctx, hc, tr, ui)
	case oauth2GrantImplicit:
		ts, err = o.fetchImplicit(ctx, tr, ui)
	case oauth2GrantDevice:
		tok, err = o.fetchDevice(ctx, hc, tr, ui)
	case oauth2GrantClient, oauth2GrantPassword:
		tok, err = o.fetchDirect(ctx, hc)
	case oauth2GrantRefresh:
		rt := o.c.refreshToken
		if cur, cerr := o.tokenStore().Get(o.key); cerr == nil && cur.RefreshToken != "" {
			rt = cur.RefreshToken // a rotated one is newer than the pasted one
		}
		if rt == "" {
			return nil, errors.New("authlib: oauth2: the refresh_token grant needs parameter \"refreshToken\"")
		}
		return o.refresh(ctx, hc, tr, &OAuth2TokenSet{RefreshToken: rt})
	default:
		return nil, fmt.Errorf("authlib: oauth2: grant %q is not supported", o.c.grant)
	}
	if err != nil {
		return nil, err
	}
	if ts == nil {
		ts = oauth2TokenSetFrom(tok, o.now())
	}
	return ts, nil
}

// need reports the first missing parameter of a grant.
func (o *OAuth2) need(names ...string) error {
	vals := map[string]string{
		"authUrl": o.c.authURL, "accessTokenUrl": o.c.tokenURL, "deviceAuthUrl": o.c.deviceURL,
		"clientId": o.c.clientID, "username": o.c.username,
	}
	for _, n := range names {
		if vals[n] == "" {
			return fmt.Errorf("authlib: oauth2: the %s grant needs parameter %q", o.c.grant, n)
		}
	}
	return nil
}

// xConfig is the x/oauth2 configuration for tokenURL.
func (o *OAuth2) xConfig(tokenURL string) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     o.c.clientID,
		ClientSecret: o.c.clientSecret,
		Endpoint: oauth2.Endpoint{
			AuthURL:       o.c.authURL,
			DeviceAuthURL: o.c.deviceURL,
			TokenURL:      tokenURL,
			AuthStyle:     o.authStyle(),
		},
		Scopes: strings.Fields(o.c.scope),
	}
}

// authStyle maps client_authentication. A public client (no secret) sends
// client_id in the body (RFC 6749 §4.1.3, §3.2.1): a Basic header with an
// empty password would claim an authentication it cannot make.
func (o *OAuth2) authStyle() oauth2.AuthStyle {
	if o.c.bodyAuth || o.c.clientSecret == "" {
		return oauth2.AuthStyleInParams
	}
	return oauth2.AuthStyleInHeader
}

// extraOpts are audience, resource and the extra.NAME parameters.
func (o *OAuth2) extraOpts() []oauth2.AuthCodeOption {
	var opts []oauth2.AuthCodeOption
	for _, e := range o.extraList() {
		opts = append(opts, oauth2.SetAuthURLParam(e.name, e.value))
	}
	return opts
}

func (o *OAuth2) extraList() []oauth2Extra {
	var l []oauth2Extra
	if o.c.audience != "" {
		l = append(l, oauth2Extra{"audience", o.c.audience})
	}
	if o.c.resource != "" {
		l = append(l, oauth2Extra{"resource", o.c.resource})
	}
	return append(l, o.c.extra...)
}

func (o *OAuth2) xContext(ctx context.Context, hc *http.Client) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, hc)
}

// fetchDirect runs the client credentials grant (§4.4) or the password
// grant (§4.3). Both are one token request, made by
// clientcredentials.Config; for the password grant grant_type is
// overridden through EndpointParams (see the file comment of oauth2.go).
func (o *OAuth2) fetchDirect(ctx context.Context, hc *http.Client) (*oauth2.Token, error) {
	names := []string{"accessTokenUrl", "clientId"}
	if o.c.grant == oauth2GrantPassword {
		names = append(names, "username")
	}
	if err := o.need(names...); err != nil {
		return nil, err
	}
	params := url.Values{}
	for _, e := range o.extraList() {
		params.Set(e.name, e.value)
	}
	what := "client credentials token request (RFC 6749 §4.4.2)"
	if o.c.grant == oauth2GrantPassword {
		params.Set("grant_type", "password")
		params.Set("username", o.c.username)
		params.Set("password", o.c.password)
		what = "password token request (RFC 6749 §4.3.2)"
	}
	cc := &clientcredentials.Config{
		ClientID:       o.c.clientID,
		ClientSecret:   o.c.clientSecret,
		TokenURL:       o.c.tokenURL,
		Scopes:         strings.Fields(o.c.scope),
		EndpointParams: params,
		AuthStyle:      o.authStyle(),
	}
	tok, err := cc.Token(o.xContext(ctx, hc))
	if err != nil {
		return nil, o.serverError(what, err)
	}
	return tok, nil
}

// refresh spends ts's refresh token (RFC 6749 §6) through x/oauth2's
// TokenSource, stores the new token set and returns it. A refresh token the
// server refuses (invalid_grant) is dropped from the cache.
func (o *OAuth2) refresh(ctx context.Context, hc *http.Client, tr *Trace, ts *OAuth2TokenSet) (*OAuth2TokenSet, error) {
	if o.c.refreshURL == "" {
		return nil, errors.New("authlib: oauth2: cannot refresh the access token: parameter \"accessTokenUrl\" (or \"refreshTokenUrl\") is empty")
	}
	tr.Add("oauth2", "Refreshing the access token (RFC 6749 §6)", F("token endpoint", o.c.refreshURL), S("refresh_token", ts.RefreshToken))
	// An access token without expiry counts as valid to x/oauth2, which
	// would then hand it back instead of refreshing: give it none.
	old := &oauth2.Token{RefreshToken: ts.RefreshToken, Expiry: time.Unix(1, 0)}
	tok, err := o.xConfig(o.c.refreshURL).TokenSource(o.xContext(ctx, hc), old).Token()
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.ErrorCode == "invalid_grant" {
			if cur, gerr := o.tokenStore().Get(o.key); gerr == nil && cur.RefreshToken == ts.RefreshToken {
				_ = o.tokenStore().Delete(o.key)
			}
		}
		return nil, o.serverError("refreshing the access token (RFC 6749 §6)", err, ts.RefreshToken, ts.AccessToken)
	}
	nts := oauth2TokenSetFrom(tok, o.now())
	if nts.IDToken == "" {
		nts.IDToken = ts.IDToken // §6: the server may keep the old one
	}
	if err := o.save(nts); err != nil {
		return nil, err
	}
	return nts, nil
}

// fetchAuthCode runs the authorization code grant (§4.1), with PKCE
// (RFC 7636) for authorization_code_with_pkce.
func (o *OAuth2) fetchAuthCode(ctx context.Context, hc *http.Client, tr *Trace, ui *OAuth2Interaction) (*oauth2.Token, error) {
	if err := o.need("authUrl", "accessTokenUrl", "clientId"); err != nil {
		return nil, err
	}
	state, err := o.stateValue()
	if err != nil {
		return nil, err
	}
	rd, err := oauth2NewRedirect(o.c.redirectURI, state, false)
	if err != nil {
		return nil, err
	}
	defer rd.close()

	cfg := o.xConfig(o.c.tokenURL)
	cfg.RedirectURL = rd.redirectURI
	verifier := ""
	if o.c.grant == oauth2GrantPKCE {
		verifier = o.c.verifier
		if verifier == "" {
			verifier = oauth2.GenerateVerifier() // RFC 7636 §4.1: 32 random octets, base64url
		}
	}
	authURL := o.authCodeURL(cfg, state, verifier)
	fields := []Field{F("URL", authURL), F("redirect_uri", rd.redirectURI), F("state", state)}
	if verifier != "" {
		fields = append(fields, F("code_challenge_method", o.c.challenge), S("code_verifier", verifier))
	}
	tr.Add("oauth2", "Authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3)", fields...)
	switch {
	case verifier == "":
		tr.Warn("oauth2: the authorization code is requested without PKCE; RFC 9700 §2.1.1 asks for it: choose authorization_code_with_pkce if the server supports it")
	case o.c.challenge == "plain":
		tr.Warn("oauth2: PKCE method \"plain\" sends the verifier itself as the challenge; use S256 unless the server cannot (RFC 7636 §4.2, §7.2)")
	}
	o.warnFixedState(tr)

	params, err := o.runBrowser(ctx, rd, authURL, ui)
	if err != nil {
		return nil, err
	}
	code := params.Get("code")
	if code == "" {
		return nil, errors.New("authlib: oauth2: the redirect carried no code (RFC 6749 §4.1.2)")
	}
	tr.Add("oauth2", "Authorization response (RFC 6749 §4.1.2)", F("state", "matches"), S("code", code))

	opts := o.extraOpts()
	if verifier != "" {
		opts = append(opts, oauth2.VerifierOption(verifier))
	}
	tok, err := cfg.Exchange(o.xContext(ctx, hc), code, opts...)
	if err != nil {
		return nil, o.serverError("token request (RFC 6749 §4.1.3)", err, code, verifier)
	}
	return tok, nil
}

// authCodeURL builds the authorization request URL: x/oauth2's AuthCodeURL
// with S256ChallengeOption, or the two "plain" parameters, which x/oauth2
// has no option for (RFC 7636 §4.2: code_challenge = code_verifier).
func (o *OAuth2) authCodeURL(cfg *oauth2.Config, state, verifier string) string {
	opts := o.extraOpts()
	if verifier != "" {
		if o.c.challenge == "plain" {
			opts = append(opts, oauth2.SetAuthURLParam("code_challenge_method", "plain"), oauth2.SetAuthURLParam("code_challenge", verifier))
		} else {
			opts = append(opts, oauth2.S256ChallengeOption(verifier))
		}
	}
	return cfg.AuthCodeURL(state, opts...)
}

// fetchImplicit runs the implicit grant (§4.2). x/oauth2 has no API for it:
// the request is AuthCodeURL with response_type replaced, and the token is
// read from the redirect's fragment.
func (o *OAuth2) fetchImplicit(ctx context.Context, tr *Trace, ui *OAuth2Interaction) (*OAuth2TokenSet, error) {
	if err := o.need("authUrl", "clientId"); err != nil {
		return nil, err
	}
	state, err := o.stateValue()
	if err != nil {
		return nil, err
	}
	rd, err := oauth2NewRedirect(o.c.redirectURI, state, true)
	if err != nil {
		return nil, err
	}
	defer rd.close()
	cfg := o.xConfig("")
	cfg.RedirectURL = rd.redirectURI
	authURL := cfg.AuthCodeURL(state, append(o.extraOpts(), oauth2.SetAuthURLParam("response_type", "token"))...)
	tr.Add("oauth2", "Authorization request (RFC 6749 §4.2.1)", F("URL", authURL), F("redirect_uri", rd.redirectURI), F("state", state))
	tr.Warn("oauth2: the implicit grant returns the token in the browser's URL; RFC 9700 §2.1.2 advises the authorization code grant with PKCE instead")
	o.warnFixedState(tr)

	params, err := o.runBrowser(ctx, rd, authURL, ui)
	if err != nil {
		return nil, err
	}
	ts, err := oauth2TokenSetFromFragment(params, o.now())
	if err != nil {
		return nil, err
	}
	fields := []Field{F("state", "matches"), F("token_type", ts.TokenType), S("access_token", ts.AccessToken)}
	if !ts.Expiry.IsZero() {
		fields = append(fields, F("expires_in", params.Get("expires_in")))
	}
	if ts.Scope != "" {
		fields = append(fields, F("scope", ts.Scope))
	}
	tr.Add("oauth2", "Access token from the redirect's fragment (RFC 6749 §4.2.2)", fields...)
	return ts, nil
}

// oauth2TokenSetFromFragment reads an implicit grant's redirect parameters
// (RFC 6749 §4.2.2).
func oauth2TokenSetFromFragment(p url.Values, now time.Time) (*OAuth2TokenSet, error) {
	at := p.Get("access_token")
	if at == "" {
		return nil, errors.New("authlib: oauth2: the redirect's fragment carried no access_token (RFC 6749 §4.2.2)")
	}
	ts := &OAuth2TokenSet{
		AccessToken: at,
		TokenType:   p.Get("token_type"),
		IDToken:     p.Get("id_token"),
		Scope:       p.Get("scope"),
		Obtained:    now,
	}
	if e := p.Get("expires_in"); e != "" {
		secs, err := strconv.ParseInt(e, 10, 64)
		if err != nil || secs < 0 {
			return nil, fmt.Errorf("authlib: oauth2: the redirect's expires_in is %q, not a number of seconds (RFC 6749 §4.2.2)", e)
		}
		if secs > 0 {
			ts.Expiry = now.Add(time.Duration(min(secs, 1<<31)) * time.Second)
		}
	}
	return ts, nil
}

func (o *OAuth2) warnFixedState(tr *Trace) {
	if o.c.state != "" {
		tr.Warn("oauth2: state is fixed by the \"state\" parameter, so it cannot protect against a forged redirect (RFC 6749 §10.12); leave it empty for a random one")
	}
}

func (o *OAuth2) stateValue() (string, error) {
	if o.c.state != "" {
		return o.c.state, nil
	}
	return oauth2RandomState()
}

// runBrowser sends the user to authURL and waits for the redirect.
func (o *OAuth2) runBrowser(ctx context.Context, rd *oauth2Redirect, authURL string, ui *OAuth2Interaction) (url.Values, error) {
	if !rd.loopback() && ui.PasteRedirect == nil {
		return nil, fmt.Errorf("authlib: oauth2: redirect_uri %q is not a loopback address (http://127.0.0.1:PORT/…, RFC 8252 §7.3), so Knock cannot receive the redirect; clear redirect_uri to use a loopback listener, or register one with the server", rd.redirectURI)
	}
	if ui.ShowURL != nil {
		ui.ShowURL(authURL)
	}
	open := ui.OpenURL
	if open == nil {
		open = func(_ context.Context, u string) error { return oauth2OpenBrowser(u) }
	}
	if err := open(ctx, authURL); err != nil {
		if ui.ShowURL == nil {
			return nil, fmt.Errorf("authlib: oauth2: cannot open the browser: %w", err)
		}
		TraceFrom(ctx).Warn("oauth2: cannot open the browser (" + err.Error() + "); open the authorization URL by hand")
	}
	if !rd.loopback() {
		raw, err := ui.PasteRedirect(ctx)
		if err != nil {
			return nil, fmt.Errorf("authlib: oauth2: reading the redirect URL: %w", err)
		}
		return rd.parsePasted(raw)
	}
	return rd.wait(ctx)
}

// serverError turns a failed token request into a message that names the
// server's error and description (RFC 6749 §5.2) and masks every secret,
// including the extra ones given (a code, a verifier, a refresh token).
// errors.As still finds the *oauth2.RetrieveError.
func (o *OAuth2) serverError(what string, err error, secrets ...string) error {
	var msg string
	var re *oauth2.RetrieveError
	switch {
	case errors.As(err, &re):
		status := "an error"
		if re.Response != nil {
			status = "HTTP " + re.Response.Status
		}
		if re.ErrorCode != "" {
			msg = fmt.Sprintf("authlib: oauth2: %s failed: the server answered %s with error %q", what, status, re.ErrorCode)
			if re.ErrorDescription != "" {
				msg += fmt.Sprintf(": %q", re.ErrorDescription)
			}
			if re.ErrorURI != "" {
				msg += " (see " + re.ErrorURI + ")"
			}
			if hint := oauth2ErrorHints[re.ErrorCode]; hint != "" {
				msg += "; " + hint
			}
		} else {
			msg = fmt.Sprintf("authlib: oauth2: %s failed: the server answered %s without an RFC 6749 §5.2 error; its body starts %q",
				what, status, oauth2Snippet(re.Body, 200))
		}
	default:
		msg = fmt.Sprintf("authlib: oauth2: %s failed: %v", what, err)
	}
	return &oauth2Error{msg: o.scrub(msg, secrets...), err: err}
}

// oauth2ErrorHints explain RFC 6749 §5.2's error codes.
var oauth2ErrorHints = map[string]string{
	"invalid_client":         "the server did not accept the client: check clientId, clientSecret and client_authentication (header or body)",
	"invalid_grant":          "the code, refresh token or password was refused, or has expired or been revoked; get a new token",
	"unauthorized_client":    "this client may not use this grant",
	"unsupported_grant_type": "the server does not support this grant_type",
	"invalid_scope":          "check scope",
	"invalid_request":        "a required parameter is missing or malformed",
}

// oauth2Error carries a scrubbed message and the original error.
type oauth2Error struct {
	msg string
	err error
}

func (e *oauth2Error) Error() string { return e.msg }
func (e *oauth2Error) Unwrap() error { return e.err }

func oauth2Snippet(b []byte, n int) string {
	s := strings.ToValidUTF8(string(b[:min(len(b), n)]), "\uFFFD")
	if len(b) > n {
		s += "…"
	}
	return s
}

// tokenClient returns the client for token requests: the one set with
// SetHTTPClient, or one over next. Its transport records each token request
// and response in tr.
func (o *OAuth2) tokenClient(next http.RoundTripper, tr *Trace) *http.Client {
	o.mu.Lock()
	base := o.client
	o.mu.Unlock()
	var c http.Client
	if base != nil {
		c = *base
	}
	if c.Transport == nil {
		c.Transport = next
	}
	if c.Transport == nil {
		c.Transport = http.DefaultTransport
	}
	if c.Timeout == 0 {
		c.Timeout = oauth2TokenTimeout
	}
	c.Transport = &oauth2TokenTransport{base: c.Transport, o: o, tr: tr}
	return &c
}

// oauth2TokenTransport traces token and device authorization requests, and
// adds the Basic client authentication to the device authorization request,
// which x/oauth2 sends with client_id only (RFC 8628 §3.1 asks for the
// client authentication of RFC 6749 §3.2.1).
type oauth2TokenTransport struct {
	base http.RoundTripper
	o    *OAuth2
	tr   *Trace
}

// oauth2PlainRequest are request parameters shown in clear in the trace;
// every other one is masked.
var oauth2PlainRequest = map[string]bool{
	"grant_type": true, "client_id": true, "scope": true, "audience": true, "resource": true,
	"redirect_uri": true, "username": true, "code_challenge": true, "code_challenge_method": true,
	"response_type": true, "state": true,
}

// oauth2PlainResponse are response members shown in clear in the trace.
var oauth2PlainResponse = map[string]bool{
	"token_type": true, "expires_in": true, "scope": true, "error": true, "error_description": true,
	"error_uri": true, "user_code": true, "verification_uri": true, "verification_uri_complete": true,
	"verification_url": true, "interval": true, "refresh_token_expires_in": true, "ext_expires_in": true,
}

func (t *oauth2TokenTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c := &t.o.c
	device := c.deviceURL != "" && oauth2SameURL(r.URL, c.deviceURL)
	if device && !c.bodyAuth && c.clientSecret != "" && r.Header.Get("Authorization") == "" {
		r = r.Clone(r.Context())
		r.SetBasicAuth(url.QueryEscape(c.clientID), url.QueryEscape(c.clientSecret))
	}
	form := url.Values{}
	if r.GetBody != nil {
		if b, err := r.GetBody(); err == nil {
			raw, _ := io.ReadAll(io.LimitReader(b, 1<<20))
			b.Close()
			form, _ = url.ParseQuery(string(raw))
		}
	}
	title, rtitle := "Token request (RFC 6749 §3.2)", "Token response (RFC 6749 §5)"
	if device {
		title, rtitle = "Device authorization request (RFC 8628 §3.1)", "Device authorization response (RFC 8628 §3.2)"
	}
	fields := []Field{F(r.Method, r.URL.Redacted())}
	if g := form.Get("grant_type"); g != "" {
		fields = append(fields, F("grant_type", g))
	}
	keys := make([]string, 0, len(form))
	for k := range form {
		if k != "grant_type" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range form[k] {
			if oauth2PlainRequest[k] || t.o.isExtra(k) {
				fields = append(fields, F(k, v))
			} else {
				fields = append(fields, S(k, v))
			}
		}
	}
	switch auth := r.Header.Get("Authorization"); {
	case auth != "":
		fields = append(fields, F("client authentication", "HTTP Basic (RFC 6749 §2.3.1)"), F("Authorization", MaskHeader(auth)))
	case form.Has("client_secret"):
		fields = append(fields, F("client authentication", "client_id and client_secret in the body (RFC 6749 §2.3.1)"))
	default:
		fields = append(fields, F("client authentication", "none: public client, client_id only"))
	}
	t.tr.Add("oauth2", title, fields...)
	if r.URL.Scheme == "http" && !oauth2IsLoopbackHost(r.URL.Hostname()) {
		t.tr.Warn("oauth2: the token endpoint " + r.URL.Host + " is plain http: client secrets and tokens cross the network in clear (RFC 6749 §3.2 requires TLS)")
	}

	resp, err := t.base.RoundTrip(r)
	if err != nil {
		t.tr.Add("oauth2", rtitle, F("error", t.o.scrub(err.Error())))
		return nil, err
	}
	raw, rerr := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(raw))
	if rerr != nil {
		t.tr.Add("oauth2", rtitle, F("status", resp.Status), F("error", "reading the body: "+rerr.Error()))
		return resp, nil
	}
	t.tr.Add("oauth2", rtitle, oauth2ResponseFields(resp, raw)...)
	return resp, nil
}

// oauth2ResponseFields lists a token or device response's members, with
// every member that is not known to be harmless masked.
func oauth2ResponseFields(resp *http.Response, raw []byte) []Field {
	fields := []Field{F("status", resp.Status)}
	members := map[string]string{}
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if ct == "application/x-www-form-urlencoded" || ct == "text/plain" {
		if v, err := url.ParseQuery(string(raw)); err == nil {
			for k := range v {
				members[k] = v.Get(k)
			}
		}
	} else {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			return append(fields, F("body", fmt.Sprintf("not JSON (%d bytes)", len(raw))))
		}
		for k, v := range m {
			var s string
			if json.Unmarshal(v, &s) != nil {
				s = string(v)
			}
			members[k] = s
		}
	}
	keys := make([]string, 0, len(members))
	for k := range members {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if oauth2PlainResponse[k] {
			fields = append(fields, F(k, oauth2Snippet([]byte(members[k]), 300)))
		} else {
			fields = append(fields, S(k, members[k]))
		}
	}
	return fields
}

func (o *OAuth2) isExtra(name string) bool {
	for _, e := range o.c.extra {
		if e.name == name {
			return true
		}
	}
	return false
}

// oauth2SameURL compares a request URL with a configured endpoint.
func oauth2SameURL(u *url.URL, raw string) bool {
	v, err := url.Parse(raw)
	if err != nil {
		return false
	}
	return strings.EqualFold(u.Scheme, v.Scheme) && strings.EqualFold(u.Host, v.Host) && u.EscapedPath() == v.EscapedPath()
}

// oauth2IsLoopbackHost reports whether host is a loopback name or address.
func oauth2IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
