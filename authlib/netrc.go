package authlib

// netrc: user names and passwords per host from a .netrc file, sent as
// Basic credentials (RFC 7617, through basic.go). There is no RFC for the
// file format; Knock follows what Python's requests does with CPython's
// netrc module, which the user's reference documents describe.
//
// File: $NETRC when it is set (a leading "~/" is expanded; set but empty
// means no file), otherwise the first existing one of ~/.netrc and
// ~/_netrc; the method's "file" parameter overrides the search.
//
// Syntax (CPython Lib/netrc.py): the top-level keywords "machine <host>",
// "default" and "macdef <name>"; after an entry, "login" (or "user"),
// "account" and "password", each followed by a value. Tokens are separated
// by white space; a token may be double-quoted, and a backslash escapes the
// next character, in and out of quotes. A token beginning with '#' where a
// keyword is expected starts a comment to the end of the line. A macdef
// body is skipped up to the first empty line, and a file that ends inside
// one is malformed, as in CPython. A later entry for the same machine
// replaces an earlier one (the last wins, as in CPython; Go's own
// cmd/go netrc keeps the first).
//
// Lookup: the request's host name, lowercased, with the port ignored (so
// there are no per-port entries); then the "default" entry. The user is
// login, or account when login is empty; the password may be empty.
//
// Differences from CPython: host names in the file are matched without
// regard to case; "machine default" does not collide with the default
// entry; an unterminated quoted string and a keyword without its value are
// errors rather than silently empty; a comment always runs to the end of
// its line (CPython skips only a "#word" token at the top level, and
// nothing after a blank line); no owner or permission check is made
// (requests never triggers it either). Every error names the file and line.
//
// Implicit use: when the engine applies netrc because no auth was chosen
// ("implicit" parameter), a malformed file becomes a trace warning and the
// request goes without credentials, as requests ignores a malformed file;
// when the user chose netrc, it is an error. The file is read again only
// when its path, size or modification time changes.
//
// Hand-written: no maintained Go library implements CPython's netrc rules
// (the common ones ignore quoting, "default" or macdef bodies).

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

func init() {
	register(Method{
		Type:  "netrc",
		Title: "netrc file",
		Help:  "Basic credentials for the request's host from ~/.netrc or $NETRC",
		Params: []Param{
			{Name: "file", Help: "netrc file to read instead of $NETRC, ~/.netrc or ~/_netrc"},
			{Name: "implicit", Help: "true when applied because no auth was chosen: a bad file is only a warning", Choices: []string{"true", "false"}},
		},
		New: func(p Params) (Scheme, error) {
			implicit := false
			if s := strings.TrimSpace(p["implicit"]); s != "" {
				b, err := strconv.ParseBool(s)
				if err != nil {
					return nil, fmt.Errorf("authlib: netrc: parameter \"implicit\" is %q; want true or false", s)
				}
				implicit = b
			}
			return NewNetrcScheme(p["file"], implicit), nil
		},
	})
}

// netrcEntry is one machine or default entry.
type netrcEntry struct {
	machine                  string // as written; "" for default
	login, account, password string
	line                     int // where the entry starts
}

// Netrc is a parsed netrc file.
type Netrc struct {
	machines map[string]netrcEntry // by lowercased host
	def      *netrcEntry
}

// netrcLexer splits a netrc file into tokens the way CPython's _netrclex
// does, counting lines.
type netrcLexer struct {
	name    string
	data    []byte
	pos     int
	line    int
	endedNL bool // the last token's terminator was a newline
	pending *netrcToken
}

type netrcToken struct {
	text string
	line int
}

func (l *netrcLexer) errorf(line int, format string, args ...any) error {
	return fmt.Errorf("authlib: netrc: %s:%d: %s", l.name, line, fmt.Sprintf(format, args...))
}

// next returns the next token; ok is false at the end of the file.
func (l *netrcLexer) next() (netrcToken, bool, error) {
	if l.pending != nil {
		t := *l.pending
		l.pending = nil
		return t, true, nil
	}
	l.endedNL = false
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			break
		}
		if c == '\n' {
			l.line++
		}
		l.pos++
	}
	if l.pos >= len(l.data) {
		return netrcToken{}, false, nil
	}
	start := l.line
	var b []byte
	if l.data[l.pos] == '"' {
		l.pos++
		for {
			if l.pos >= len(l.data) {
				return netrcToken{}, false, l.errorf(start, "unterminated quoted string")
			}
			c := l.data[l.pos]
			l.pos++
			switch c {
			case '"':
				return netrcToken{string(b), start}, true, nil
			case '\\':
				if l.pos < len(l.data) {
					c = l.data[l.pos]
					l.pos++
				}
			}
			if c == '\n' {
				l.line++
			}
			b = append(b, c)
		}
	}
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		l.pos++
		switch c {
		case ' ', '\t', '\r', '\n':
			if c == '\n' {
				l.line++
				l.endedNL = true
			}
			return netrcToken{string(b), start}, true, nil
		case '\\':
			if l.pos < len(l.data) {
				c = l.data[l.pos]
				l.pos++
				if c == '\n' {
					l.line++
				}
			}
		}
		b = append(b, c)
	}
	return netrcToken{string(b), start}, true, nil
}

// skipLine skips the rest of the current line, unless the last token
// already ended it.
func (l *netrcLexer) skipLine() {
	if l.endedNL {
		return
	}
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		l.pos++
		if c == '\n' {
			l.line++
			return
		}
	}
}

// netrcShowToken quotes an unexpected token for an error message, unless
// it could be part of a secret.
func netrcShowToken(tok string, afterPassword bool) string {
	switch tok {
	case "port", "protocol", "force", "type", "method":
		// Keywords of other netrc dialects (curl's and others').
		return "token " + strconv.Quote(tok)
	}
	if afterPassword {
		return fmt.Sprintf("token after the password (%d chars, not shown); a password with spaces must be in double quotes", len(tok))
	}
	word := len(tok) > 0 && len(tok) <= 20
	for i := 0; i < len(tok) && word; i++ {
		c := tok[i]
		word = ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || (i > 0 && (c == '-' || c == '_' || ('0' <= c && c <= '9')))
	}
	if word {
		return "token " + strconv.Quote(tok)
	}
	return fmt.Sprintf("token (%d chars, not shown in case it is a secret)", len(tok))
}

// ParseNetrc parses a netrc file. name is used in error messages, which
// have the form "authlib: netrc: <name>:<line>: <problem>".
func ParseNetrc(name string, data []byte) (*Netrc, error) {
	l := &netrcLexer{name: name, data: data, line: 1}
	n := &Netrc{machines: map[string]netrcEntry{}}
	// Every pass consumes at least one token, so this bound is never hit.
	for guard := 0; guard <= len(data); guard++ {
		t, ok, err := l.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return n, nil
		}
		var e netrcEntry
		switch {
		case strings.HasPrefix(t.text, "#"):
			l.skipLine()
			continue
		case t.text == "machine":
			m, ok, err := l.next()
			if err != nil {
				return nil, err
			}
			if !ok || m.text == "" {
				return nil, l.errorf(t.line, "\"machine\" without a host name")
			}
			e = netrcEntry{machine: m.text, line: t.line}
		case t.text == "default":
			e = netrcEntry{line: t.line}
		case t.text == "macdef":
			if err := netrcSkipMacro(l, t); err != nil {
				return nil, err
			}
			continue
		default:
			return nil, l.errorf(t.line, "unknown %s; expected machine, default or macdef", netrcShowToken(t.text, false))
		}
		if err := netrcReadEntry(l, &e); err != nil {
			return nil, err
		}
		if e.machine == "" {
			d := e
			n.def = &d
		} else {
			n.machines[strings.ToLower(e.machine)] = e
		}
	}
	return n, nil
}

// netrcReadEntry reads the login, account and password of an entry, up to
// the next top-level keyword or the end of the file.
func netrcReadEntry(l *netrcLexer, e *netrcEntry) error {
	afterPassword, passwordLine := false, 0
	for guard := 0; guard <= len(l.data); guard++ {
		t, ok, err := l.next()
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		var dst *string
		switch t.text {
		case "machine", "default", "macdef":
			l.pending = &t
			return nil
		case "login", "user":
			dst = &e.login
		case "account":
			dst = &e.account
		case "password":
			dst = &e.password
		default:
			if strings.HasPrefix(t.text, "#") {
				l.skipLine()
				afterPassword = false
				continue
			}
			return l.errorf(t.line, "unknown %s", netrcShowToken(t.text, afterPassword && t.line == passwordLine))
		}
		v, ok, err := l.next()
		if err != nil {
			return err
		}
		if !ok {
			return l.errorf(t.line, "%q without a value", t.text)
		}
		*dst = v.text
		// Remember the line the value ended on: a stray token there is
		// probably the rest of an unquoted password.
		afterPassword, passwordLine = t.text == "password", l.line
		if l.endedNL {
			passwordLine--
		}
	}
	return nil
}

// netrcSkipMacro skips a macdef: its name, the rest of its line, then lines
// up to and including the first empty one.
func netrcSkipMacro(l *netrcLexer, kw netrcToken) error {
	if _, ok, err := l.next(); err != nil {
		return err
	} else if !ok {
		return l.errorf(kw.line, "\"macdef\" without a macro name")
	}
	l.skipLine()
	for l.pos < len(l.data) {
		end := l.pos
		for end < len(l.data) && l.data[end] != '\n' {
			end++
		}
		line := string(l.data[l.pos:end])
		if end < len(l.data) {
			end++ // the newline
			l.line++
		}
		l.pos = end
		if line == "" || line == "\r" {
			return nil
		}
	}
	return l.errorf(kw.line, "the macdef body does not end with an empty line")
}

// netrcHost lowercases host and drops a port and IPv6 brackets.
func netrcHost(host string) string {
	host = strings.ToLower(strings.TrimSpace(host))
	if h, _, err := net.SplitHostPort(host); err == nil {
		return h
	}
	return strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
}

// lookup finds the entry for host, then the default entry.
func (n *Netrc) lookup(host string) (netrcEntry, bool) {
	if n == nil {
		return netrcEntry{}, false
	}
	if e, ok := n.machines[netrcHost(host)]; ok {
		return e, true
	}
	if n.def != nil {
		return *n.def, true
	}
	return netrcEntry{}, false
}

// Lookup returns the credentials for host (a port, if any, is ignored):
// those of its machine entry, else of the default entry. login is the
// entry's login, or its account when login is empty.
func (n *Netrc) Lookup(host string) (login, password string, ok bool) {
	e, ok := n.lookup(host)
	if !ok {
		return "", "", false
	}
	login = e.login
	if login == "" {
		login = e.account
	}
	return login, e.password, true
}

// netrcExpandUser expands a leading "~" or "~/" to the home directory.
func netrcExpandUser(p string) string {
	if p != "~" && !strings.HasPrefix(p, "~/") && !strings.HasPrefix(p, `~\`) {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return p
	}
	return filepath.Join(home, p[1:])
}

// netrcFind returns the path of the netrc file to use, or "" when there is
// none.
func netrcFind() string {
	var candidates []string
	if v, set := os.LookupEnv("NETRC"); set {
		if v == "" {
			return ""
		}
		candidates = []string{netrcExpandUser(v)}
	} else if home, err := os.UserHomeDir(); err == nil {
		candidates = []string{filepath.Join(home, ".netrc"), filepath.Join(home, "_netrc")}
	}
	for _, c := range candidates {
		if fi, err := os.Stat(c); err == nil && !fi.IsDir() {
			return c
		}
	}
	return ""
}

// LoadNetrc finds and parses the user's netrc file: $NETRC if set, else
// ~/.netrc, else ~/_netrc. It returns nil, "", nil when there is no file.
func LoadNetrc() (*Netrc, string, error) {
	path := netrcFind()
	if path == "" {
		return nil, "", nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, path, fmt.Errorf("authlib: netrc: %w", err)
	}
	n, err := ParseNetrc(path, data)
	return n, path, err
}

// NetrcScheme is the "netrc" method: Basic credentials for the request's
// host from a netrc file. It is safe for concurrent use.
type NetrcScheme struct {
	file     string // explicit path, or "" to search
	implicit bool

	mu    sync.Mutex
	cache netrcCache
}

type netrcCache struct {
	path string
	mod  time.Time
	size int64
	n    *Netrc
	err  error
}

// NewNetrcScheme returns the netrc method. file overrides the search; with
// implicit, problems with the file are warnings instead of errors.
func NewNetrcScheme(file string, implicit bool) *NetrcScheme {
	return &NetrcScheme{file: strings.TrimSpace(file), implicit: implicit}
}

// load returns the parsed file and its path, reading it only when it
// changed since the last call. It returns nil, "", nil when there is no
// file to read.
func (s *NetrcScheme) load() (*Netrc, string, error) {
	path := ""
	if s.file != "" {
		path = netrcExpandUser(s.file)
	} else if path = netrcFind(); path == "" {
		return nil, "", nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, path, fmt.Errorf("authlib: netrc: %w", err)
	}
	if fi.IsDir() {
		return nil, path, fmt.Errorf("authlib: netrc: %s is a directory, not a netrc file", path)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &s.cache
	if c.path == path && c.mod.Equal(fi.ModTime()) && c.size == fi.Size() {
		return c.n, path, c.err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, path, fmt.Errorf("authlib: netrc: %w", err)
	}
	n, err := ParseNetrc(path, data)
	*c = netrcCache{path: path, mod: fi.ModTime(), size: fi.Size(), n: n, err: err}
	return n, path, err
}

// Wrap implements [Scheme].
func (s *NetrcScheme) Wrap(next http.RoundTripper) http.RoundTripper {
	return RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		tr := TraceFrom(r.Context())
		fail := func(err error) (*http.Response, error) {
			if s.implicit {
				tr.Warn(err.Error() + "; the request is sent without netrc credentials")
				return next.RoundTrip(r)
			}
			if r.Body != nil {
				r.Body.Close()
			}
			return nil, err
		}
		n, path, err := s.load()
		if err != nil {
			return fail(err)
		}
		if n == nil {
			if s.implicit {
				return next.RoundTrip(r)
			}
			where := "$NETRC is set but empty"
			if v, set := os.LookupEnv("NETRC"); !set {
				where = "looked for ~/.netrc and ~/_netrc"
			} else if v != "" {
				where = "$NETRC names " + v + ", which does not exist"
			}
			return fail(errors.New("authlib: netrc: no netrc file found (" + where + ")"))
		}
		host := r.URL.Hostname()
		e, ok := n.lookup(host)
		if !ok {
			tr.Add("netrc", "No entry for this host", F("file", path), F("host", strings.ToLower(host)))
			if !s.implicit {
				tr.Warn("netrc: " + path + " has no machine entry for " + strings.ToLower(host) + " and no default entry; the request is sent without credentials")
			}
			return next.RoundTrip(r)
		}
		if s.implicit && r.Header.Get("Authorization") != "" {
			tr.Add("netrc", "Kept the request's own Authorization header; netrc not applied", F("file", path))
			return next.RoundTrip(r)
		}
		login := e.login
		if login == "" {
			login = e.account
		}
		machine := e.machine
		if machine == "" {
			machine = "default"
		}
		if strings.Contains(login, ":") {
			return fail(fmt.Errorf("authlib: netrc: %s:%d: the login %q contains ':', which Basic authentication cannot carry (RFC 7617 §2)", path, e.line, login))
		}
		b, err := NewBasic(login, e.password)
		if err != nil {
			return fail(err)
		}
		tr.Add("netrc", "Matched an entry in the netrc file",
			F("file", path), F("line", strconv.Itoa(e.line)), F("machine", machine),
			F("host", strings.ToLower(host)), F("login", login), S("password", e.password))
		return b.Wrap(next).RoundTrip(r)
	})
}
