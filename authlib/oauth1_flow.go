package authlib

// The OAuth 1.0a three-legged flow, RFC 5849 §2 ("Redirection-Based
// Authorization"): temporary credentials (§2.1), resource owner
// authorization in the browser (§2.2), and token credentials (§2.3).
//
// Supported: a callback to a loopback listener on 127.0.0.1 with a random
// port (in the manner of RFC 8252 §7.3), whose request must carry the
// temporary oauth_token; the out-of-band "oob" callback (§2.1) with a
// verifier the caller supplies; oauth_callback_confirmed is required
// (§2.1, OAuth 1.0a). The three requests are signed by [OAuth1] with the
// Authorization header, so every signature method it knows works here.
// Not supported: sending the protocol parameters in the query or body for
// these three requests.

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// OAuth1Flow obtains token credentials through RFC 5849 §2.
type OAuth1Flow struct {
	// Config holds the client credentials and signature method. Its Token,
	// TokenSecret, Callback, Verifier and Placement are ignored.
	Config OAuth1Config
	// TemporaryCredentialsURL is the §2.1 endpoint ("request token").
	TemporaryCredentialsURL string
	// AuthorizeURL is the §2.2 resource owner authorization endpoint.
	AuthorizeURL string
	// TokenURL is the §2.3 endpoint ("access token").
	TokenURL string
	// Callback is sent as oauth_callback. When empty, Run listens on
	// 127.0.0.1 on a random port and uses that as the callback, unless
	// Verifier is set, in which case the callback is "oob".
	Callback string
	// OpenBrowser shows the authorization URL to the user. When nil, the
	// command in $BROWSER is run if it is set, otherwise the platform's
	// opener (xdg-open, open, rundll32).
	OpenBrowser func(authURL string) error
	// Verifier, when set, asks the user for the verifier the provider
	// showed (out-of-band flow). It is called after the browser was opened.
	Verifier func(ctx context.Context, authURL string) (string, error)
	// Transport sends the requests; nil means http.DefaultTransport.
	Transport http.RoundTripper
}

// OAuth1Token is a pair of credentials returned by the provider, with any
// further parameters of its response (for example a user id).
type OAuth1Token struct {
	Token  string
	Secret string
	Extra  url.Values
}

func (f *OAuth1Flow) transport() http.RoundTripper {
	if f.Transport != nil {
		return f.Transport
	}
	return http.DefaultTransport
}

// oauth1FlowMaxBody bounds what is read of a provider's response.
const oauth1FlowMaxBody = 1 << 20

// post sends a signed POST and parses the form-encoded answer.
func (f *OAuth1Flow) post(ctx context.Context, step, endpoint string, cfg OAuth1Config, token, secret string) (url.Values, error) {
	if endpoint == "" {
		return nil, fmt.Errorf("authlib: oauth1 flow: %s: no endpoint URL", step)
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("authlib: oauth1 flow: %s: endpoint %q is not an absolute http(s) URL", step, endpoint)
	}
	cfg.Placement = oauth1InHeader
	o, err := NewOAuth1(cfg)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, nil)
	if err != nil {
		return nil, fmt.Errorf("authlib: oauth1 flow: %s: %v", step, err)
	}
	if err := o.apply(req, token, secret, nil); err != nil {
		return nil, err
	}
	resp, err := f.transport().RoundTrip(req)
	if err != nil {
		return nil, fmt.Errorf("authlib: oauth1 flow: %s: %w", step, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, oauth1FlowMaxBody))
	if err != nil {
		return nil, fmt.Errorf("authlib: oauth1 flow: %s: reading the response: %w", step, err)
	}
	if resp.StatusCode/100 != 2 {
		snippet := strings.TrimSpace(string(body))
		if len(snippet) > 200 {
			snippet = snippet[:200] + "…"
		}
		return nil, fmt.Errorf("authlib: oauth1 flow: %s: the provider answered %s: %s", step, resp.Status, snippet)
	}
	vals, err := url.ParseQuery(strings.TrimSpace(string(body)))
	if err != nil {
		return nil, fmt.Errorf("authlib: oauth1 flow: %s: the response is not application/x-www-form-urlencoded (RFC 5849 §2.1): %v", step, err)
	}
	if vals.Get("oauth_token") == "" {
		return nil, fmt.Errorf("authlib: oauth1 flow: %s: the response has no oauth_token", step)
	}
	if _, ok := vals["oauth_token_secret"]; !ok {
		return nil, fmt.Errorf("authlib: oauth1 flow: %s: the response has no oauth_token_secret", step)
	}
	return vals, nil
}

func oauth1TokenFrom(v url.Values) OAuth1Token {
	t := OAuth1Token{Token: v.Get("oauth_token"), Secret: v.Get("oauth_token_secret"), Extra: url.Values{}}
	for k, vs := range v {
		if k != "oauth_token" && k != "oauth_token_secret" {
			t.Extra[k] = vs
		}
	}
	return t
}

// RequestTemporaryCredentials is §2.1: it asks for temporary credentials,
// sending callback as oauth_callback ("oob" when empty).
func (f *OAuth1Flow) RequestTemporaryCredentials(ctx context.Context, callback string) (OAuth1Token, error) {
	if callback == "" {
		callback = "oob"
	}
	cfg := f.Config
	cfg.Callback, cfg.Verifier = callback, ""
	vals, err := f.post(ctx, "temporary credentials (RFC 5849 §2.1)", f.TemporaryCredentialsURL, cfg, "", "")
	if err != nil {
		return OAuth1Token{}, err
	}
	if vals.Get("oauth_callback_confirmed") != "true" {
		return OAuth1Token{}, errors.New("authlib: oauth1 flow: temporary credentials: the provider did not send oauth_callback_confirmed=true (RFC 5849 §2.1); it may speak OAuth 1.0 without the 1.0a fix")
	}
	t := oauth1TokenFrom(vals)
	TraceFrom(ctx).Add("oauth1", "Temporary credentials (RFC 5849 §2.1)",
		F("oauth_callback", callback), F("oauth_token", t.Token), S("oauth_token_secret", t.Secret))
	return t, nil
}

// AuthorizationURL is §2.2: the authorization endpoint with oauth_token
// added to its query.
func (f *OAuth1Flow) AuthorizationURL(temporaryToken string) (string, error) {
	u, err := url.Parse(f.AuthorizeURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("authlib: oauth1 flow: authorization endpoint %q is not an absolute http(s) URL", f.AuthorizeURL)
	}
	q := u.Query()
	q.Set("oauth_token", temporaryToken)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// ExchangeVerifier is §2.3: it trades the temporary credentials and the
// verifier for token credentials.
func (f *OAuth1Flow) ExchangeVerifier(ctx context.Context, temporary OAuth1Token, verifier string) (OAuth1Token, error) {
	if verifier == "" {
		return OAuth1Token{}, errors.New("authlib: oauth1 flow: token request: the verifier is empty")
	}
	cfg := f.Config
	cfg.Callback, cfg.Verifier = "", verifier
	vals, err := f.post(ctx, "token credentials (RFC 5849 §2.3)", f.TokenURL, cfg, temporary.Token, temporary.Secret)
	if err != nil {
		return OAuth1Token{}, err
	}
	t := oauth1TokenFrom(vals)
	TraceFrom(ctx).Add("oauth1", "Token credentials (RFC 5849 §2.3)",
		F("oauth_token", t.Token), S("oauth_token_secret", t.Secret))
	return t, nil
}

// Run performs the whole flow and returns the token credentials. Give ctx
// a deadline: Run waits for the user until ctx ends.
func (f *OAuth1Flow) Run(ctx context.Context) (OAuth1Token, error) {
	callback := f.Callback
	var (
		ln       net.Listener
		verifier chan oauth1Callback
	)
	if callback == "" && f.Verifier == nil {
		var err error
		ln, err = net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return OAuth1Token{}, fmt.Errorf("authlib: oauth1 flow: loopback listener: %w", err)
		}
		defer ln.Close()
		callback = "http://" + ln.Addr().String() + "/callback"
	}
	temp, err := f.RequestTemporaryCredentials(ctx, callback)
	if err != nil {
		return OAuth1Token{}, err
	}
	authURL, err := f.AuthorizationURL(temp.Token)
	if err != nil {
		return OAuth1Token{}, err
	}
	if ln != nil {
		verifier = make(chan oauth1Callback, 1)
		srv := &http.Server{Handler: oauth1CallbackHandler(temp.Token, verifier), ReadHeaderTimeout: 10 * time.Second}
		go srv.Serve(ln)
		// Shut down gracefully: the verifier can arrive, and the token
		// exchange finish, before the callback page is written, and a
		// hard Close would cut the browser's connection with no page.
		defer func() {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			if srv.Shutdown(ctx) != nil {
				_ = srv.Close()
			}
		}()
	}
	TraceFrom(ctx).Add("oauth1", "Resource owner authorization (RFC 5849 §2.2)", F("authorization URL", authURL))
	open := f.OpenBrowser
	if open == nil {
		open = oauth1OpenBrowser
	}
	if err := open(authURL); err != nil {
		return OAuth1Token{}, fmt.Errorf("authlib: oauth1 flow: opening the browser: %w (open %s yourself)", err, authURL)
	}
	var code string
	switch {
	case ln != nil:
		select {
		case cb := <-verifier:
			if cb.err != nil {
				return OAuth1Token{}, cb.err
			}
			code = cb.verifier
		case <-ctx.Done():
			return OAuth1Token{}, fmt.Errorf("authlib: oauth1 flow: waiting for the provider to redirect to %s: %w", callback, ctx.Err())
		}
	case f.Verifier != nil:
		if code, err = f.Verifier(ctx, authURL); err != nil {
			return OAuth1Token{}, fmt.Errorf("authlib: oauth1 flow: verifier: %w", err)
		}
		code = strings.TrimSpace(code)
	default:
		return OAuth1Token{}, errors.New("authlib: oauth1 flow: the callback is not a loopback listener and no Verifier function was given, so the verifier cannot be read")
	}
	TraceFrom(ctx).Add("oauth1", "Verifier received (RFC 5849 §2.2)", F("oauth_verifier", code))
	return f.ExchangeVerifier(ctx, temp, code)
}

type oauth1Callback struct {
	verifier string
	err      error
}

// oauth1CallbackHandler answers the provider's redirect (§2.2). The
// request must name the temporary token it was issued for; anything else
// is refused and the wait goes on.
func oauth1CallbackHandler(token string, out chan<- oauth1Callback) http.Handler {
	done := false
	send := func(cb oauth1Callback) {
		if !done {
			done = true
			out <- cb
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/callback", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if d := q.Get("denied"); d != "" && d == token {
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, "<p>Access was denied. You can close this window.</p>")
			send(oauth1Callback{err: errors.New("authlib: oauth1 flow: the user denied access at the provider")})
			return
		}
		if q.Get("oauth_token") != token {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, "<p>This callback is not for the pending authorization.</p>")
			return
		}
		v := q.Get("oauth_verifier")
		if v == "" {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, "<p>The provider sent no oauth_verifier.</p>")
			send(oauth1Callback{err: errors.New("authlib: oauth1 flow: the provider's callback has no oauth_verifier")})
			return
		}
		io.WriteString(w, "<p>Knock received the authorization for "+html.EscapeString(r.Host)+". You can close this window.</p>")
		send(oauth1Callback{verifier: v})
	})
	// The handler runs on the server's goroutines; serialise it.
	return oauth1Serial(mux)
}

func oauth1Serial(h http.Handler) http.Handler {
	sem := make(chan struct{}, 1)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sem <- struct{}{}
		defer func() { <-sem }()
		h.ServeHTTP(w, r)
	})
}

// oauth1OpenBrowser opens u with $BROWSER when set (a list of commands
// separated like PATH, "%s" standing for the URL, as Python's webbrowser
// reads it), otherwise with the platform's opener. The URL is passed as one
// argument, never through a shell.
func oauth1OpenBrowser(u string) error {
	if env := os.Getenv("BROWSER"); strings.TrimSpace(env) != "" {
		var errs []error
		for _, cmdline := range strings.Split(env, string(os.PathListSeparator)) {
			fields := strings.Fields(cmdline)
			if len(fields) == 0 {
				continue
			}
			args, placed := fields[1:], false
			for i, a := range args {
				if strings.Contains(a, "%s") {
					args[i], placed = strings.ReplaceAll(a, "%s", u), true
				}
			}
			if !placed {
				args = append(args, u)
			}
			if err := oauth1Start(fields[0], args...); err != nil {
				errs = append(errs, err)
				continue
			}
			return nil
		}
		return fmt.Errorf("$BROWSER: %w", errors.Join(errs...))
	}
	switch runtime.GOOS {
	case "darwin":
		return oauth1Start("open", u)
	case "windows":
		return oauth1Start("rundll32", "url.dll,FileProtocolHandler", u)
	default:
		return oauth1Start("xdg-open", u)
	}
}

// oauth1Start starts a command and reaps it in the background.
func oauth1Start(name string, args ...string) error {
	cmd := exec.Command(name, args...)
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait()
	return nil
}
