package authlib

// Parsing of WWW-Authenticate and Authentication-Info header values for the
// Digest scheme (digest.go).
//
// The grammar is RFC 9110 §11.6.1 (formerly RFC 7235 §4.1): one header value
// may hold several challenges, each an auth-scheme followed by either a
// token68 or a comma-separated list of auth-params, and a parameter value is
// a token or a quoted-string (§5.6.4, with backslash quoted-pairs). Parsing
// is lenient where real servers are sloppy:
//
//   - an unquoted value runs to the next comma, so unquoted nonces such as
//     go-httpbin's and base64 values with '/', '+' or '=' are accepted;
//   - parameter names are case-insensitive, and empty list elements are
//     skipped (§5.6.1);
//   - a value-less token inside a parameter list starts a new challenge.
//
// It is strict where guessing would be wrong: an unterminated quoted-string,
// or garbage after a quoted value, is an error that names the byte offset.
// The parser is hand-written because the standard library exposes no
// WWW-Authenticate parser and the common Go Digest clients split on commas,
// which breaks on quoted values that contain commas.

import (
	"fmt"
	"strings"
)

// digestAuthParam is one auth-param of a challenge.
type digestAuthParam struct {
	Name   string // lowercased
	Value  string // unquoted, quoted-pairs resolved
	Quoted bool   // the value was a quoted-string on the wire
}

// digestAuthChallenge is one challenge of a WWW-Authenticate header value,
// whatever its scheme.
type digestAuthChallenge struct {
	Scheme  string // as sent; compare with strings.EqualFold
	Token68 string
	Params  []digestAuthParam
}

// Param returns the first parameter called name (lowercase) and whether it
// was present.
func (c digestAuthChallenge) Param(name string) (string, bool) {
	return digestParamLookup(c.Params, name)
}

func digestParamLookup(ps []digestAuthParam, name string) (string, bool) {
	for _, p := range ps {
		if p.Name == name {
			return p.Value, true
		}
	}
	return "", false
}

// digestChallengeError is a parse error at a byte offset of a header value.
type digestChallengeError struct {
	What string // "challenge" or "Authentication-Info"
	Pos  int
	Msg  string
}

func (e *digestChallengeError) Error() string {
	return fmt.Sprintf("authlib: digest: %s: %s at byte %d", e.What, e.Msg, e.Pos)
}

// digestIsTchar reports whether c is an RFC 9110 §5.6.2 tchar.
func digestIsTchar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// digestIsToken68Char reports whether c may appear in a token68 before its
// trailing '=' padding (RFC 9110 §11.2).
func digestIsToken68Char(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~+/", c) >= 0
}

func digestSkipOWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// digestReadValue reads a parameter value starting at s[i] (OWS already
// skipped). It returns the value, whether it was quoted, and the offset just
// past it.
func digestReadValue(what, s string, i int) (string, bool, int, error) {
	if i < len(s) && s[i] == '"' {
		var b strings.Builder
		for j := i + 1; j < len(s); j++ {
			switch s[j] {
			case '\\':
				if j+1 >= len(s) {
					return "", false, 0, &digestChallengeError{what, i, "unterminated quoted string"}
				}
				j++
				b.WriteByte(s[j])
			case '"':
				return b.String(), true, j + 1, nil
			default:
				b.WriteByte(s[j])
			}
		}
		return "", false, 0, &digestChallengeError{what, i, "unterminated quoted string"}
	}
	j := i
	for j < len(s) && s[j] != ',' {
		j++
	}
	return strings.TrimRight(s[i:j], " \t"), false, j, nil
}

// digestParseChallenges parses one WWW-Authenticate header value into its
// challenges.
func digestParseChallenges(s string) ([]digestAuthChallenge, error) {
	const what = "challenge"
	var out []digestAuthChallenge
	i := 0
	// Each pass consumes at least one byte, so len(s)+1 passes suffice.
	for guard := 0; guard <= len(s); guard++ {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == ',') {
			i++
		}
		if i >= len(s) {
			return out, nil
		}
		start := i
		for i < len(s) && digestIsTchar(s[i]) {
			i++
		}
		if i == start {
			return nil, &digestChallengeError{what, i, fmt.Sprintf("unexpected %q where an auth-scheme or parameter name should be", s[i])}
		}
		name := s[start:i]
		j := digestSkipOWS(s, i)
		if j < len(s) && s[j] == '=' {
			if len(out) == 0 {
				return nil, &digestChallengeError{what, start, fmt.Sprintf("parameter %q comes before any auth-scheme", name)}
			}
			val, quoted, next, err := digestReadValue(what, s, digestSkipOWS(s, j+1))
			if err != nil {
				return nil, err
			}
			k := digestSkipOWS(s, next)
			if k < len(s) && s[k] != ',' {
				return nil, &digestChallengeError{what, k, fmt.Sprintf("expected ',' after the value of %q", name)}
			}
			c := &out[len(out)-1]
			c.Params = append(c.Params, digestAuthParam{Name: strings.ToLower(name), Value: val, Quoted: quoted})
			i = k
			continue
		}
		// A new challenge. Its scheme may be followed by a token68.
		ch := digestAuthChallenge{Scheme: name}
		i = j
		if i < len(s) && i > start+len(name) && s[i] != ',' {
			k := i
			for k < len(s) && digestIsToken68Char(s[k]) {
				k++
			}
			m := k
			for m < len(s) && s[m] == '=' {
				m++
			}
			if e := digestSkipOWS(s, m); k > i && (e >= len(s) || s[e] == ',') {
				ch.Token68 = s[i:m]
				i = e
			}
		}
		out = append(out, ch)
	}
	return out, nil
}

// digestParseParamList parses a bare #auth-param list, the form of the
// Authentication-Info header (RFC 7616 §3.5, RFC 9110 §11.6.3).
func digestParseParamList(what, s string) ([]digestAuthParam, error) {
	var out []digestAuthParam
	i := 0
	for guard := 0; guard <= len(s); guard++ {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == ',') {
			i++
		}
		if i >= len(s) {
			return out, nil
		}
		start := i
		for i < len(s) && digestIsTchar(s[i]) {
			i++
		}
		if i == start {
			return nil, &digestChallengeError{what, i, fmt.Sprintf("unexpected %q where a parameter name should be", s[i])}
		}
		name := s[start:i]
		j := digestSkipOWS(s, i)
		if j >= len(s) || s[j] != '=' {
			return nil, &digestChallengeError{what, j, fmt.Sprintf("expected '=' after %q", name)}
		}
		val, quoted, next, err := digestReadValue(what, s, digestSkipOWS(s, j+1))
		if err != nil {
			return nil, err
		}
		k := digestSkipOWS(s, next)
		if k < len(s) && s[k] != ',' {
			return nil, &digestChallengeError{what, k, fmt.Sprintf("expected ',' after the value of %q", name)}
		}
		out = append(out, digestAuthParam{Name: strings.ToLower(name), Value: val, Quoted: quoted})
		i = k
	}
	return out, nil
}
