package engine

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// knownSchemes are the URL schemes Knock sends to.
var knownSchemes = []string{"http", "https"}

// ParseURL checks a request URL and returns it parsed. Its errors name the
// problem and, where it can, the fix: `unknown scheme "hppts": did you mean
// "https"?`.
func ParseURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, urlError(raw, "the URL is empty")
	}
	if i := strings.IndexAny(raw, " \t\r\n"); i >= 0 {
		return nil, urlError(raw, fmt.Sprintf("the URL contains a space at position %d; encode it as %%20", i+1))
	}
	scheme, rest, hasScheme := strings.Cut(raw, "://")
	if !hasScheme {
		guess := "https://" + raw
		if isLocal(raw) {
			guess = "http://" + raw
		}
		return nil, urlError(raw, fmt.Sprintf("the URL has no scheme; did you mean %q?", guess))
	}
	lower := strings.ToLower(scheme)
	if !isKnownScheme(lower) {
		msg := fmt.Sprintf("unknown scheme %q", scheme)
		if otherSchemes[lower] {
			// A real scheme of another protocol, not a typo of http.
			msg = fmt.Sprintf("scheme %q is not HTTP: Knock sends http and https", scheme)
		} else if s := closestScheme(lower); s != "" {
			msg += fmt.Sprintf(": did you mean %q?", s)
		} else {
			msg += ": Knock sends http and https"
		}
		return nil, urlError(raw, msg)
	}
	authority := rest
	if i := strings.IndexAny(authority, "/?#"); i >= 0 {
		authority = authority[:i]
	}
	if at := strings.LastIndex(authority, "@"); at >= 0 {
		authority = authority[at+1:]
	}
	if authority == "" {
		return nil, urlError(raw, "the URL has no host")
	}
	if err := checkPort(authority); err != nil {
		return nil, urlError(raw, err.Error())
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, urlError(raw, unwrapURLError(err).Error())
	}
	if u.Hostname() == "" {
		return nil, urlError(raw, "the URL has no host")
	}
	u.Scheme = lower
	return u, nil
}

// otherSchemes are schemes of other protocols, close enough to http to be
// "corrected" by the edit distance but not typos.
var otherSchemes = map[string]bool{
	"ftp": true, "ftps": true, "sftp": true, "file": true, "ws": true, "wss": true, "ssh": true,
	"git": true, "data": true, "mailto": true, "gopher": true, "tcp": true, "udp": true, "grpc": true,
}

// URLError is a URL that cannot be sent.
type URLError struct {
	URL    string
	Reason string
}

func (e *URLError) Error() string { return fmt.Sprintf("bad URL %q: %s", e.URL, e.Reason) }

func urlError(raw, reason string) error { return &URLError{URL: redactRawURL(raw), Reason: reason} }

// redactRawURL hides the password of a URL that may not parse, so that an
// error about the URL never shows it.
func redactRawURL(raw string) string {
	_, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	start := len(raw) - len(rest)
	end := len(rest)
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		end = i
	}
	at := strings.LastIndex(rest[:end], "@")
	if at < 0 {
		return raw
	}
	user, _, hasPassword := strings.Cut(rest[:at], ":")
	if !hasPassword {
		return raw
	}
	return raw[:start] + user + ":xxxxx" + rest[at:]
}

func checkPort(authority string) error {
	host := authority
	if strings.HasPrefix(host, "[") {
		end := strings.Index(host, "]")
		if end < 0 {
			return fmt.Errorf("the IPv6 address has no closing ']'")
		}
		host = host[end+1:]
		if host == "" {
			return nil
		}
		if !strings.HasPrefix(host, ":") {
			return fmt.Errorf("unexpected %q after the IPv6 address", host)
		}
	} else if i := strings.LastIndex(host, ":"); i >= 0 {
		host = host[i:]
	} else {
		return nil
	}
	port := host[1:]
	if port == "" {
		return nil
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("bad port %q: a port is a number from 1 to 65535", port)
	}
	return nil
}

func isKnownScheme(s string) bool {
	for _, k := range knownSchemes {
		if s == k {
			return true
		}
	}
	return false
}

// closestScheme suggests a known scheme within edit distance 2, as in
// "hppts" -> "https".
func closestScheme(s string) string {
	best, bestDist := "", 3
	for _, k := range knownSchemes {
		if d := editDistance(s, k); d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

// editDistance is the Damerau–Levenshtein distance (with adjacent
// transpositions), small enough to write here rather than import.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range rb {
		d[0][j+1] = j + 1
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

func isLocal(raw string) bool {
	return strings.HasPrefix(raw, "localhost") || strings.HasPrefix(raw, "127.") || strings.HasPrefix(raw, "[::1]")
}
