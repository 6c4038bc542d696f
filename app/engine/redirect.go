package engine

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/knockhttp/knock/authlib"
	"github.com/knockhttp/knock/storage"
)

// DefaultMaxRedirects is used when a request sets no maximum.
const DefaultMaxRedirects = 10

// sensitiveHeaders are dropped on a redirect that leaves the origin.
var sensitiveHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie", "Cookie2"}

// shouldStripAuth reports whether credentials must be dropped when
// following a redirect from old to new. It follows Python requests'
// Session.should_strip_auth (sessions.py): a change of host (a subdomain
// too), of port or of scheme strips, except http to https on the same
// host with default ports, and an explicit default port against none.
// Ports compare as numbers, as Python's urlparse gives them.
func shouldStripAuth(old, new *url.URL) bool {
	if !strings.EqualFold(old.Hostname(), new.Hostname()) {
		return true
	}
	oldScheme, newScheme := strings.ToLower(old.Scheme), strings.ToLower(new.Scheme)
	oldPort, newPort := portNumber(old), portNumber(new)
	if oldScheme == "http" && (oldPort == 80 || oldPort == noPort) &&
		newScheme == "https" && (newPort == 443 || newPort == noPort) {
		return false
	}
	changedPort := oldPort != newPort
	changedScheme := oldScheme != newScheme
	def := defaultPort(oldScheme)
	if !changedScheme && (oldPort == def || oldPort == noPort) && (newPort == def || newPort == noPort) {
		return false
	}
	return changedPort || changedScheme
}

// noPort stands for a URL without a port.
const noPort = -1

// portNumber returns the URL's explicit port, noPort when it has none, and
// -2 when it is not a number (which compares unequal to any port).
func portNumber(u *url.URL) int {
	p := u.Port()
	if p == "" {
		return noPort
	}
	n, err := strconv.Atoi(p)
	if err != nil || n < 0 {
		return -2
	}
	return n
}

// defaultPort is the scheme's default port; for another scheme, a value
// that matches no port.
func defaultPort(scheme string) int {
	switch scheme {
	case "http":
		return 80
	case "https":
		return 443
	}
	return -3
}

func isRedirect(status int) bool {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// redirectMethod returns the method for the next hop and whether the body
// is sent again (RFC 9110 §15.4: 307 and 308 keep both; 303 turns anything
// but HEAD into GET; 301 and 302 turn POST into GET, as browsers do).
func redirectMethod(status int, method string) (string, bool) {
	switch status {
	case http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return method, true
	case http.StatusSeeOther:
		if method == http.MethodHead {
			return method, false
		}
		return http.MethodGet, false
	default:
		if method == http.MethodPost {
			return http.MethodGet, false
		}
		return method, true
	}
}

// RedirectError ends a redirect chain that loops or is too long.
type RedirectError struct {
	Chain []string
	Loop  bool
	Max   int
}

func (e *RedirectError) Error() string {
	if e.Loop {
		return fmt.Sprintf("redirect loop: %s (stopped after %d redirects)", strings.Join(loopOf(e.Chain), " → "), e.Max)
	}
	return fmt.Sprintf("stopped after %d redirects (the maximum): %s", e.Max, strings.Join(e.Chain, " → "))
}

// loopOf returns the chain up to the first URL seen twice, so a loop is
// shown once rather than as many times as it went round.
func loopOf(chain []string) []string {
	seen := map[string]bool{}
	for i, u := range chain {
		if seen[u] {
			return chain[:i+1]
		}
		seen[u] = true
	}
	return chain
}

// follow sends req and follows redirects as the settings ask. It returns
// the last response and the request (as built here, before auth) that got
// it.
//
// Credentials are dropped for good at the first hop that leaves the
// origin (shouldStripAuth), and stay dropped even if a later hop comes
// back, as net/http does since CVE-2024-45336: the auth scheme no longer
// wraps the transport, so nothing it adds (a header, a query parameter)
// is sent; Authorization, Proxy-Authorization and Cookie headers the user
// set are removed; and the cookie jar sends nothing, though it still
// stores what those hops set. That last rule is stricter than Python
// requests, which sends jar cookies by RFC 6265 rules: cookies ignore the
// port, so a cookie of 127.0.0.1:8080 would otherwise reach 127.0.0.1:9090.
func (e *Engine) follow(ctx context.Context, jar http.CookieJar, req *http.Request, scheme authlib.Scheme, rec *recorder, s storage.Settings, out *Response) (*http.Response, *http.Request, error) {
	maxHops := s.MaxRedirects
	if maxHops <= 0 {
		maxHops = DefaultMaxRedirects
	}
	// The chain and the headers every hop starts from are only needed
	// once a redirect is followed; most sends have none.
	var chain []string
	var original http.Header
	stripped := false
	for {
		// Each hop is one RoundTrip: http.Client would refuse a response
		// whose Location does not parse, even when it is not followed.
		var rt http.RoundTripper = rec
		if scheme != nil && !stripped {
			rt = scheme.Wrap(rec)
		}
		if jar != nil && !stripped {
			if cookies := jar.Cookies(req.URL); len(cookies) > 0 {
				if original == nil {
					original = req.Header.Clone()
				}
				for _, c := range cookies {
					req.AddCookie(c)
				}
			}
		}
		rec.setHop(req.URL)
		resp, err := rt.RoundTrip(req)
		if err != nil {
			return nil, nil, unwrapURLError(err)
		}
		if jar != nil {
			if rc := resp.Cookies(); len(rc) > 0 {
				jar.SetCookies(req.URL, rc)
			}
		}
		if s.NoFollow || !isRedirect(resp.StatusCode) {
			return resp, req, nil
		}
		loc := resp.Header.Get("Location")
		if loc == "" {
			return resp, req, nil
		}
		if chain == nil {
			// The first hop: its headers are still the request's own
			// (neither the scheme nor the transport changes them).
			chain = []string{req.URL.String()}
			if original == nil {
				original = req.Header.Clone()
			}
		}
		next, err := req.URL.Parse(loc)
		if err == nil && next.Scheme != "http" && next.Scheme != "https" {
			err = fmt.Errorf("scheme %q is not http or https", next.Scheme)
		}
		if err != nil {
			drain(resp)
			return nil, nil, &Error{Kind: KindRedirect, Msg: fmt.Sprintf("%s redirected to a bad Location %q: %v", req.URL.Redacted(), loc, unwrapURLError(err)), Err: err}
		}
		chain = append(chain, next.Redacted())
		if len(chain)-1 > maxHops {
			drain(resp)
			re := &RedirectError{Chain: chain, Loop: hasRepeat(chain), Max: maxHops}
			return nil, nil, &Error{Kind: KindRedirect, Msg: re.Error(), Err: re}
		}
		method, keepBody := redirectMethod(resp.StatusCode, req.Method)
		if shouldStripAuth(req.URL, next) {
			stripped = true
		}
		out.Redirects = append(out.Redirects, Redirect{Status: resp.StatusCode, From: req.URL.Redacted(), To: next.Redacted(), Method: method, CredentialsDropped: stripped})
		drain(resp)

		nreq, err := http.NewRequestWithContext(ctx, method, next.String(), nil)
		if err != nil {
			return nil, nil, &Error{Kind: KindRedirect, Msg: fmt.Sprintf("cannot follow the redirect to %s: %v", next.Redacted(), err), Err: err}
		}
		nreq.Header = original.Clone()
		if keepBody && req.GetBody != nil {
			b, err := req.GetBody()
			if err != nil {
				return nil, nil, &Error{Kind: KindRequest, Msg: fmt.Sprintf("cannot send the body again for the redirect to %s: %v", next.Redacted(), err), Err: err}
			}
			nreq.Body, nreq.GetBody, nreq.ContentLength = b, req.GetBody, req.ContentLength
		} else {
			for _, h := range []string{"Content-Type", "Content-Length", "Content-Encoding", "Content-Language", "Content-Location", "Transfer-Encoding"} {
				nreq.Header.Del(h)
			}
		}
		if stripped {
			for _, h := range sensitiveHeaders {
				nreq.Header.Del(h)
			}
		}
		req = nreq
	}
}

func hasRepeat(chain []string) bool {
	seen := map[string]bool{}
	for _, u := range chain {
		if seen[u] {
			return true
		}
		seen[u] = true
	}
	return false
}

// drain reads a little of a body we do not keep, so the connection can be
// reused, then closes it.
func drain(resp *http.Response) {
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}
