package authlib

// OAuth 2.0 redirect handling for native apps, RFC 8252.
//
// The browser grants redirect to a listener on the loopback address
// 127.0.0.1 with a port chosen by the OS (RFC 8252 §7.3; §8.3 prefers the
// IP literal to "localhost"). The listener accepts one redirect: it checks
// `state` (RFC 6749 §10.12), answers the browser with a small page saying
// the window can be closed, and is shut down by the caller right after, or
// when the context is cancelled or its deadline (5 minutes by default)
// passes. Requests whose Host is not the loopback address are refused, so a
// web page cannot reach the listener through DNS rebinding.
//
// Implicit grant: the token comes back in the URL's fragment (RFC 6749
// §4.2.2), which a browser never sends to a server. The listener therefore
// answers a redirect without query parameters with a tiny page whose script
// reads location.hash and POSTs it, form-encoded, to the same path; the
// listener reads the parameters from that body. Tests have no browser: they
// do what the script does (see TestOAuth2ImplicitFragmentPost).
//
// The browser is opened with $BROWSER when it is set (the convention of
// Python's webbrowser module: a list of commands separated by the OS path
// list separator, each tried in turn, "%s" standing for the URL), otherwise with xdg-open, open
// (macOS) or rundll32 url.dll,FileProtocolHandler (Windows). Commands are run
// directly, never through a shell, so the URL cannot inject a command.
// Hand-written: neither golang.org/x/oauth2 nor the standard library has a
// loopback listener or a browser opener, and the ones in other modules
// either bind every interface or go through a shell.

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
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// oauth2BrowserTimeout bounds the wait for the redirect when the caller's
// context has no deadline.
const oauth2BrowserTimeout = 5 * time.Minute

// oauth2Redirect receives the authorization response: from a loopback
// listener, or from a URL the user pastes.
type oauth2Redirect struct {
	redirectURI string
	state       string
	implicit    bool

	// Loopback only.
	srv   *http.Server
	path  string
	hosts map[string]bool // accepted Host header values
	once  sync.Once
	done  chan oauth2RedirectResult
}

type oauth2RedirectResult struct {
	params url.Values
	err    error
}

// oauth2NewRedirect starts a loopback listener for redirect_uri raw (empty:
// http://127.0.0.1:<random>/callback). A redirect_uri that is not a
// loopback http URL gets no listener: the user pastes the URL instead.
func oauth2NewRedirect(raw, state string, implicit bool) (*oauth2Redirect, error) {
	rd := &oauth2Redirect{redirectURI: raw, state: state, implicit: implicit}
	if raw == "" {
		raw = "http://127.0.0.1/callback"
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("authlib: oauth2: parameter \"redirect_uri\": %v", err)
	}
	if !strings.EqualFold(u.Scheme, "http") || !oauth2IsLoopbackHost(u.Hostname()) {
		return rd, nil // not ours to receive
	}
	listenHost := u.Hostname()
	if strings.EqualFold(listenHost, "localhost") {
		listenHost = "127.0.0.1"
	}
	port := u.Port()
	if port == "" {
		port = "0" // RFC 8252 §7.3: any port; the server must accept it
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(listenHost, port))
	if err != nil {
		return nil, fmt.Errorf("authlib: oauth2: cannot listen for the redirect on %s: %w", net.JoinHostPort(listenHost, port), err)
	}
	actual := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	u.Host = net.JoinHostPort(u.Hostname(), actual)
	rd.redirectURI = u.String()
	rd.path = u.EscapedPath()
	if rd.path == "" {
		rd.path = "/"
	}
	rd.hosts = map[string]bool{
		net.JoinHostPort("127.0.0.1", actual): true,
		net.JoinHostPort("localhost", actual): true,
		net.JoinHostPort("::1", actual):       true,
	}
	rd.done = make(chan oauth2RedirectResult, 1)
	rd.srv = &http.Server{
		Handler:           http.HandlerFunc(rd.serve),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
	}
	go func() { _ = rd.srv.Serve(ln) }()
	return rd, nil
}

func (rd *oauth2Redirect) loopback() bool { return rd.srv != nil }

// close shuts the listener down, letting a page being written finish.
func (rd *oauth2Redirect) close() {
	if rd.srv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if rd.srv.Shutdown(ctx) != nil {
		_ = rd.srv.Close()
	}
}

// wait returns the parameters of the one redirect, checked.
func (rd *oauth2Redirect) wait(ctx context.Context) (url.Values, error) {
	timeout := time.Duration(0)
	if _, ok := ctx.Deadline(); !ok {
		timeout = oauth2BrowserTimeout
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	select {
	case res := <-rd.done:
		return res.params, res.err
	case <-ctx.Done():
		if timeout > 0 && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("authlib: oauth2: no redirect reached %s within %v; approve in the browser, then try again", rd.redirectURI, timeout)
		}
		return nil, fmt.Errorf("authlib: oauth2: waiting for the redirect to %s: %w", rd.redirectURI, ctx.Err())
	}
}

// parsePasted reads the URL the user copied from the browser's address bar.
func (rd *oauth2Redirect) parsePasted(raw string) (url.Values, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("authlib: oauth2: the pasted redirect URL: %v", err)
	}
	p := u.Query()
	if f := u.EscapedFragment(); f != "" {
		fp, err := url.ParseQuery(f)
		if err != nil {
			return nil, fmt.Errorf("authlib: oauth2: the pasted redirect URL's fragment: %v", err)
		}
		for k, v := range fp {
			p[k] = append(p[k], v...)
		}
	}
	return p, rd.check(p)
}

// check verifies state (RFC 6749 §10.12) and reports an error response
// (§4.1.2.1, §4.2.2.1).
func (rd *oauth2Redirect) check(p url.Values) error {
	switch got := p.Get("state"); {
	case !p.Has("state"):
		return fmt.Errorf("authlib: oauth2: the redirect carried no state, but Knock sent one; it may be forged (RFC 6749 §10.12)")
	case got != rd.state:
		return fmt.Errorf("authlib: oauth2: state mismatch: the redirect carried state %q, not the %q Knock sent; it may be forged or from an earlier attempt (RFC 6749 §10.12)", oauth2Snippet([]byte(got), 64), rd.state)
	}
	if e := p.Get("error"); e != "" {
		msg := fmt.Sprintf("authlib: oauth2: the authorization server refused: error %q", e)
		if d := p.Get("error_description"); d != "" {
			msg += fmt.Sprintf(": %q", d)
		}
		if u := p.Get("error_uri"); u != "" {
			msg += " (see " + u + ")"
		}
		return errors.New(msg + " (RFC 6749 §4.1.2.1)")
	}
	if rd.implicit {
		if p.Get("access_token") == "" {
			return errors.New("authlib: oauth2: the redirect carried no access_token (RFC 6749 §4.2.2)")
		}
	} else if p.Get("code") == "" {
		return errors.New("authlib: oauth2: the redirect carried no code (RFC 6749 §4.1.2)")
	}
	return nil
}

// serve answers the browser.
func (rd *oauth2Redirect) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	if !rd.hosts[strings.ToLower(r.Host)] {
		http.Error(w, "wrong host", http.StatusMisdirectedRequest)
		return
	}
	if r.URL.EscapedPath() != rd.path {
		http.NotFound(w, r)
		return
	}
	switch r.Method {
	case http.MethodGet:
		q := r.URL.Query()
		if q.Has("code") || q.Has("error") || q.Has("state") || q.Has("access_token") {
			rd.deliver(w, q)
			return
		}
		if rd.implicit {
			h.Set("Content-Type", "text/html; charset=utf-8")
			h.Set("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; connect-src 'self'")
			_, _ = io.WriteString(w, oauth2FragmentPage)
			return
		}
		rd.deliver(w, q) // reports the missing code
	case http.MethodPost:
		if !rd.implicit {
			http.Error(w, "POST is only used by the implicit grant", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
		if err != nil {
			http.Error(w, "cannot read the fragment", http.StatusBadRequest)
			return
		}
		p, err := url.ParseQuery(strings.TrimPrefix(string(body), "#"))
		if err != nil {
			http.Error(w, "the fragment is not form-encoded: "+err.Error(), http.StatusBadRequest)
			return
		}
		rd.deliver(w, p)
	default:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// deliver hands the first redirect to wait and answers the browser.
func (rd *oauth2Redirect) deliver(w http.ResponseWriter, p url.Values) {
	first := false
	rd.once.Do(func() { first = true })
	if !first {
		oauth2Page(w, http.StatusConflict, "Knock has already received a redirect. You can close this window.")
		return
	}
	err := rd.check(p)
	rd.done <- oauth2RedirectResult{params: p, err: err}
	if err != nil {
		oauth2Page(w, http.StatusBadRequest, "Knock could not use this redirect: "+strings.TrimPrefix(err.Error(), "authlib: oauth2: "))
		return
	}
	oauth2Page(w, http.StatusOK, oauth2DoneMessage)
}

const oauth2DoneMessage = "Knock received the authorization. You can close this window."

func oauth2Page(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, "<!doctype html><meta charset=utf-8><title>Knock</title><p>%s</p>\n", html.EscapeString(msg))
}

// oauth2FragmentPage posts location.hash back to the listener (implicit
// grant), then removes it from the address bar.
const oauth2FragmentPage = `<!doctype html><meta charset=utf-8><title>Knock</title>
<p id=m>Sending the authorization to Knock…</p>
<script>
var f = location.hash.substring(1);
history.replaceState(null, "", location.pathname);
var m = document.getElementById("m");
if (!f) { m.textContent = "The redirect carried no parameters."; }
else fetch(location.pathname, {method: "POST", headers: {"Content-Type": "application/x-www-form-urlencoded"}, body: f})
  .then(function (r) { return r.text(); })
  .then(function (t) { document.open(); document.write(t); document.close(); })
  .catch(function (e) { m.textContent = "Could not reach Knock: " + e; });
</script>
`

// oauth2OpenBrowser opens u in the user's browser.
func oauth2OpenBrowser(u string) error {
	if env := os.Getenv("BROWSER"); strings.TrimSpace(env) != "" {
		var errs []error
		for _, cmdline := range filepath.SplitList(env) {
			args := oauth2BrowserArgs(cmdline, u)
			if len(args) == 0 {
				continue
			}
			if err := oauth2Start(args); err != nil {
				errs = append(errs, err)
				continue
			}
			return nil
		}
		return fmt.Errorf("$BROWSER: %w", errors.Join(errs...))
	}
	switch runtime.GOOS {
	case "darwin":
		return oauth2Start([]string{"open", u})
	case "windows":
		return oauth2Start([]string{"rundll32", "url.dll,FileProtocolHandler", u})
	default:
		return oauth2Start([]string{"xdg-open", u})
	}
}

// oauth2BrowserArgs splits one $BROWSER command and puts the URL in: in
// place of every "%s", as Python's webbrowser does, or as the last
// argument.
func oauth2BrowserArgs(cmdline, u string) []string {
	args := strings.Fields(cmdline)
	placed := false
	for i, a := range args {
		if strings.Contains(a, "%s") {
			args[i] = strings.ReplaceAll(a, "%s", u)
			placed = true
		}
	}
	if len(args) > 0 && !placed {
		args = append(args, u)
	}
	return args
}

// oauth2Start runs a browser command. One that exits with an error within
// a moment (xdg-open finding no browser) is reported; one still running
// then is taken to have opened the browser and is reaped in the
// background.
func oauth2Start(args []string) error {
	cmd := exec.Command(args[0], args[1:]...)
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			return fmt.Errorf("%s: %w", args[0], err)
		}
		return nil
	case <-time.After(3 * time.Second):
		return nil
	}
}
