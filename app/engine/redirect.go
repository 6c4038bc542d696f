package engine

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// DefaultMaxRedirects is used when a request sets no maximum.
const DefaultMaxRedirects = 10

// sensitiveHeaders are dropped on a redirect that leaves the origin.
var sensitiveHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie", "Cookie2"}

// shouldStripAuth reports whether credentials must be dropped when
// following a redirect from old to new. It follows Python requests'
// Session.should_strip_auth: a change of host (a subdomain too), of port
// or of scheme strips, except http to https on the same host with default
// ports, and an explicit default port against none.
func shouldStripAuth(old, new *url.URL) bool {
	if !strings.EqualFold(old.Hostname(), new.Hostname()) {
		return true
	}
	oldPort, newPort := old.Port(), new.Port()
	if old.Scheme == "http" && (oldPort == "80" || oldPort == "") &&
		new.Scheme == "https" && (newPort == "443" || newPort == "") {
		return false
	}
	changedPort := oldPort != newPort
	changedScheme := old.Scheme != new.Scheme
	def := defaultPort(old.Scheme)
	if !changedScheme && (oldPort == def || oldPort == "") && (newPort == def || newPort == "") {
		return false
	}
	return changedPort || changedScheme
}

func defaultPort(scheme string) string {
	switch scheme {
	case "http":
		return "80"
	case "https":
		return "443"
	}
	return ""
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
		return fmt.Sprintf("redirect loop: %s", strings.Join(e.Chain, " → "))
	}
	return fmt.Sprintf("stopped after %d redirects (the maximum): %s", e.Max, strings.Join(e.Chain, " → "))
}
