package exchange

// Import of .http and .rest files: the JetBrains HTTP Client format
// (JetBrains/http-request-in-editor-spec, spec.md), VS Code REST Client
// and httpyac, which share it.
//
// Hand-written: no Go library reads these files.
//
// Supported: requests parted by ### (the text after ### names the
// request) or, as httpyac and REST Client allow, by a new request line
// after a blank line; # and // comments, /* … */ blocks; # @name and
// // @name; # @no-redirect, # @timeout and # @connection-timeout; @name =
// value file variables (collection variables); {{name}} kept as Knock
// variables ({{$guid}}, {{$uuid}}, {{$timestamp}}, {{$randomInt}} and
// {{$isoTimestamp}} are Knock's too; the others are reported); a request
// line of METHOD URL [HTTP/version] or a bare URL (GET), with indented
// continuation lines; headers; a body up to the next request, with
// "< ./file" and "<@ ./file" file bodies; multipart bodies turned into
// form parts (with "< file" parts as files); REST Client's
// X-Request-Type: GraphQL; the auth shorthands "Authorization: Basic user
// password" (and user:password), "Digest user password", "Bearer token",
// httpyac's "AWS key secret token:… region:… service:…" and its
// "openid|oauth2 flow prefix"; saved responses (HTTP/1.1 200 …) as
// examples. Response handlers (> {% … %}, > file.js), JetBrains
// pre-request scripts (< {% … %}) and httpyac {{ … }} scripts are kept as
// scripts and reported as not run.
//
// Environments: http-client.env.json and http-client.private.env.json
// (ImportHTTPClientEnv); the values of the private file become secret
// variables, and $shared values go into every environment.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/knockhttp/knock/storage"
)

func init() {
	registerImporter(Importer{
		Format: "http",
		Title:  ".http / .rest file (JetBrains HTTP Client, VS Code REST Client, httpyac)",
		Detect: func(name string, data []byte) bool {
			lower := strings.ToLower(name)
			return strings.HasSuffix(lower, ".http") || strings.HasSuffix(lower, ".rest")
		},
		Import: httpfileImport,
	})
	registerImporter(Importer{
		Format: "http-client-env",
		Title:  "JetBrains HTTP Client environment (http-client.env.json)",
		Detect: func(name string, data []byte) bool {
			lower := strings.ToLower(name)
			return strings.HasSuffix(lower, "http-client.env.json") || strings.HasSuffix(lower, "http-client.private.env.json")
		},
		Import: func(name string, data []byte) (*Result, error) {
			if strings.HasSuffix(strings.ToLower(name), "private.env.json") {
				return ImportHTTPClientEnv(nil, data)
			}
			return ImportHTTPClientEnv(data, nil)
		},
	})
}

// httpfileMaxInput bounds what the importer reads.
const httpfileMaxInput = 16 << 20

// httpfileMethods are the methods that start a request after a blank
// line inside a body (httpyac and REST Client part requests that way).
var httpfileMethods = map[string]bool{"GET": true, "POST": true, "PUT": true, "DELETE": true, "PATCH": true,
	"HEAD": true, "OPTIONS": true, "CONNECT": true, "TRACE": true, "PROPFIND": true, "PROPPATCH": true,
	"MKCOL": true, "COPY": true, "MOVE": true, "LOCK": true, "UNLOCK": true, "CHECKOUT": true, "CHECKIN": true,
	"REPORT": true, "MERGE": true, "SEARCH": true, "PURGE": true, "LINK": true, "UNLINK": true, "QUERY": true, "GRAPHQL": true}

var (
	httpfileRequestLine = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9!#$%&'*+.^_` + "`" + `|~-]*)\s+(\S.*)$`)
	httpfileVersion     = regexp.MustCompile(`\s+HTTP/\d+(\.\d+)?\s*$`)
	httpfileStatusLine  = regexp.MustCompile(`^HTTP/\d+(\.\d+)?\s+(\d{3})\b\s*(.*)$`)
	httpfileVarDef      = regexp.MustCompile(`^@([A-Za-z_$][\w.$-]*)\s*(:?=)\s*(.*)$`)
	httpfileMeta        = regexp.MustCompile(`^(?:#|//)\s*@([\w-]+)(?:\s*=?\s*(.*))?$`)
	httpfileTemplate    = regexp.MustCompile(`\{\{(.*?)\}\}`)
)

// httpfileRequest is a request being read.
type httpfileRequest struct {
	line       int
	name       string
	method     string
	url        string
	headers    []storage.KeyValue
	body       []string
	bodyLine   int
	scripts    []storage.Script
	response   []string
	settings   storage.Settings
	directives []string
}

type httpfileParser struct {
	lines []string
	res   *Result
	vars  map[string]string
	cur   *httpfileRequest
	// pending holds what comes before a request line: its name, its
	// directives and its pre-request scripts.
	pendingName    string
	pendingScripts []storage.Script
	pendingMeta    []string
	pendingSet     storage.Settings
	hostNoted      bool
}

func (p *httpfileParser) skip(line int, format string, a ...any) {
	p.res.Report.Skipf(fmt.Sprintf("line %d", line), format, a...)
}

// httpfileImport reads a .http or .rest file.
func httpfileImport(name string, data []byte) (*Result, error) {
	if len(data) > httpfileMaxInput {
		return nil, fmt.Errorf("the file is %d bytes; at most %d are read", len(data), httpfileMaxInput)
	}
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("line %d: the file is not UTF-8 text", httpfileBadUTF8Line(data))
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	p := &httpfileParser{
		lines: strings.Split(text, "\n"),
		res:   &Result{Collection: &storage.Collection{Name: curlBaseName(name)}},
		vars:  map[string]string{},
	}
	if err := p.run(); err != nil {
		return nil, err
	}
	if len(p.res.Items) == 0 && len(p.res.Collection.Variables) == 0 {
		return nil, fmt.Errorf("no request found (a request starts with a line such as GET https://example.com)")
	}
	return p.res, nil
}

func httpfileBadUTF8Line(data []byte) int {
	line := 1
	for len(data) > 0 {
		r, n := utf8.DecodeRune(data)
		if r == utf8.RuneError && n <= 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		data = data[n:]
	}
	return line
}

// The parser's states.
const (
	httpfileBetween  = iota // before a request line
	httpfileHeaders         // after the request line
	httpfileBody            // after the blank line
	httpfileResponse        // a saved response
)

func (p *httpfileParser) run() error {
	state := httpfileBetween
	for i := 0; i < len(p.lines); i++ {
		line := p.lines[i]
		trim := strings.TrimSpace(line)

		// ### parts requests in every state.
		if strings.HasPrefix(trim, "###") {
			p.finish()
			state = httpfileBetween
			p.pendingName = strings.TrimSpace(strings.TrimLeft(trim, "#"))
			continue
		}

		switch state {
		case httpfileBetween:
			next, err := p.between(&i, line, trim)
			if err != nil {
				return err
			}
			state = next
		case httpfileHeaders:
			next, err := p.header(&i, line, trim)
			if err != nil {
				return err
			}
			state = next
		case httpfileBody:
			next, err := p.bodyLine(&i, line, trim)
			if err != nil {
				return err
			}
			state = next
		case httpfileResponse:
			if trim == "" || !p.startsRequest(i) {
				p.cur.response = append(p.cur.response, line)
				continue
			}
			p.finish()
			i--
			state = httpfileBetween
		}
	}
	p.finish()
	if p.pendingName != "" || len(p.pendingScripts) > 0 {
		for _, s := range p.pendingScripts {
			p.skip(len(p.lines), "a %s script after the last request belongs to no request; not imported", s.Event)
		}
	}
	return nil
}

// startsRequest reports whether line i starts a new request inside a body:
// a known method and a URL, after a blank line.
func (p *httpfileParser) startsRequest(i int) bool {
	if i == 0 || strings.TrimSpace(p.lines[i-1]) != "" {
		return false
	}
	m := httpfileRequestLine.FindStringSubmatch(strings.TrimSpace(p.lines[i]))
	if m == nil || !httpfileMethods[m[1]] {
		return false
	}
	target := strings.TrimSpace(httpfileVersion.ReplaceAllString(m[2], ""))
	return strings.HasPrefix(target, "/") || strings.HasPrefix(target, "{{") || strings.Contains(target, "://") || !strings.Contains(target, " ")
}

// between reads a line before a request line.
func (p *httpfileParser) between(i *int, line, trim string) (int, error) {
	ln := *i + 1
	switch {
	case trim == "":
		return httpfileBetween, nil
	case strings.HasPrefix(trim, "/*"):
		end, err := p.skipBlock(*i, "/*", "*/")
		*i = end
		return httpfileBetween, err
	case strings.HasPrefix(trim, "#") || strings.HasPrefix(trim, "//"):
		p.directive(ln, trim)
		return httpfileBetween, nil
	case strings.HasPrefix(trim, "@"):
		m := httpfileVarDef.FindStringSubmatch(trim)
		if m == nil {
			return 0, fmt.Errorf("line %d: a variable is defined as @name = value; got %q", ln, curlClip(trim, 60))
		}
		if m[2] == ":=" {
			p.skip(ln, "@%s := %s is a JavaScript expression (httpyac); Knock does not evaluate it, so the variable was not imported", m[1], curlClip(m[3], 60))
			return httpfileBetween, nil
		}
		p.defineVar(ln, m[1], strings.TrimSpace(m[3]))
		return httpfileBetween, nil
	case trim == "{{":
		script, end, err := p.readScript(*i, "{{", "}}")
		if err != nil {
			return 0, err
		}
		*i = end
		p.pendingScripts = append(p.pendingScripts, storage.Script{Event: "prerequest", Language: "javascript", Text: script})
		return httpfileBetween, nil
	case strings.HasPrefix(trim, "< {%") || trim == "<{%":
		script, end, err := p.readScript(*i, "{%", "%}")
		if err != nil {
			return 0, err
		}
		*i = end
		p.pendingScripts = append(p.pendingScripts, storage.Script{Event: "prerequest", Language: "javascript", Text: script})
		return httpfileBetween, nil
	case strings.HasPrefix(trim, "< "):
		file := strings.TrimSpace(trim[1:])
		p.pendingScripts = append(p.pendingScripts, storage.Script{Event: "prerequest", Language: "javascript",
			Text: "// the pre-request script is the file " + file + " (not imported)"})
		return httpfileBetween, nil
	}
	// The request line.
	method, target := "GET", trim
	if m := httpfileRequestLine.FindStringSubmatch(trim); m != nil && (httpfileMethods[strings.ToUpper(m[1])] || m[1] == strings.ToUpper(m[1])) &&
		!strings.Contains(m[1], "://") {
		method, target = m[1], m[2]
	}
	target = strings.TrimSpace(httpfileVersion.ReplaceAllString(target, ""))
	if target == "" {
		return 0, fmt.Errorf("line %d: the request line %q has no URL", ln, curlClip(trim, 60))
	}
	if strings.ContainsAny(target, " \t") && !strings.Contains(target, "{{") {
		return 0, fmt.Errorf("line %d: %q is not a request line (METHOD URL [HTTP/1.1]): the URL has a space", ln, curlClip(trim, 60))
	}
	p.cur = &httpfileRequest{line: ln, name: p.pendingName, method: method, url: target,
		scripts: p.pendingScripts, directives: p.pendingMeta, settings: p.pendingSet}
	p.pendingName, p.pendingScripts, p.pendingMeta, p.pendingSet = "", nil, nil, storage.Settings{}
	// Continuation lines of the URL (JetBrains: indented, starting with
	// /, ? or &).
	var u strings.Builder
	u.WriteString(p.cur.url)
	for *i+1 < len(p.lines) {
		nxt := p.lines[*i+1]
		t := strings.TrimSpace(nxt)
		if t == "" || nxt == t || !(strings.HasPrefix(t, "/") || strings.HasPrefix(t, "?") || strings.HasPrefix(t, "&")) {
			break
		}
		u.WriteString(t)
		*i++
	}
	p.cur.url = u.String()
	if strings.IndexFunc(httpfileTemplate.ReplaceAllString(p.cur.url, ""), func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0 {
		return 0, fmt.Errorf("line %d: the URL %q has a space or a control character", ln, curlClip(p.cur.url, 60))
	}
	return httpfileHeaders, nil
}

// directive reads a comment line; # @name and the settings directives
// apply to the next request.
func (p *httpfileParser) directive(ln int, trim string) {
	m := httpfileMeta.FindStringSubmatch(trim)
	if m == nil {
		return // a plain comment
	}
	name, arg := strings.ToLower(m[1]), strings.TrimSpace(m[2])
	switch name {
	case "name":
		p.pendingName = arg
	case "no-redirect":
		p.pendingSet.NoFollow = true
	case "timeout", "connection-timeout":
		ms, ok := httpfileDuration(arg)
		if !ok {
			p.skip(ln, "# @%s %q is not a duration (e.g. 10, 10 s, 2 m); ignored", name, arg)
			return
		}
		if name == "timeout" {
			p.pendingSet.TimeoutMs = ms
		} else {
			p.pendingSet.ConnectTimeoutMs = ms
		}
	case "no-cookie-jar", "no-log", "no-client-cert", "note", "title", "description":
		p.pendingMeta = append(p.pendingMeta, "@"+name+" "+arg)
	default:
		p.skip(ln, "the directive @%s is not supported by Knock; ignored", name)
	}
}

// httpfileDuration reads "10", "10 ms", "10 s", "2 m" (JetBrains) as
// milliseconds; a bare number is seconds.
func httpfileDuration(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	unit := time.Second
	for _, u := range []struct {
		suffix string
		d      time.Duration
	}{{"ms", time.Millisecond}, {"s", time.Second}, {"m", time.Minute}} {
		if strings.HasSuffix(s, u.suffix) {
			s, unit = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.d
			break
		}
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || n < 0 || n > 1e9 {
		return 0, false
	}
	return int64(n * float64(unit) / float64(time.Millisecond)), true
}

func (p *httpfileParser) defineVar(ln int, name, value string) {
	if old, ok := p.vars[name]; ok {
		if old != value {
			p.skip(ln, "@%s is defined again with another value; Knock keeps one value per collection, the first (%q)", name, curlClip(old, 40))
		}
		return
	}
	p.vars[name] = value
	p.res.Collection.Variables = append(p.res.Collection.Variables, storage.Variable{Key: name, Value: value, Enabled: true})
}

// skipBlock skips from line i to the line holding end; it returns that
// line's index.
func (p *httpfileParser) skipBlock(i int, start, end string) (int, error) {
	first := strings.Index(p.lines[i], start)
	if strings.Contains(p.lines[i][first+len(start):], end) {
		return i, nil
	}
	for j := i + 1; j < len(p.lines); j++ {
		if strings.Contains(p.lines[j], end) {
			return j, nil
		}
	}
	return 0, fmt.Errorf("line %d: %s is not closed with %s", i+1, start, end)
}

// readScript reads a script from the open marker on line i to the close
// marker; it returns the text between them and the last line's index.
func (p *httpfileParser) readScript(i int, open, close string) (string, int, error) {
	first := p.lines[i]
	at := strings.Index(first, open)
	rest := first[at+len(open):]
	if end := strings.Index(rest, close); end >= 0 {
		return strings.TrimSpace(rest[:end]), i, nil
	}
	var b []string
	if strings.TrimSpace(rest) != "" {
		b = append(b, rest)
	}
	for j := i + 1; j < len(p.lines); j++ {
		if end := strings.Index(p.lines[j], close); end >= 0 && strings.TrimSpace(p.lines[j][end+len(close):]) == "" {
			if before := p.lines[j][:end]; strings.TrimSpace(before) != "" {
				b = append(b, before)
			}
			return strings.Join(b, "\n"), j, nil
		}
		b = append(b, p.lines[j])
	}
	return "", 0, fmt.Errorf("line %d: the script opened with %s is not closed with %s", i+1, open, close)
}

// header reads a line after the request line.
func (p *httpfileParser) header(i *int, line, trim string) (int, error) {
	ln := *i + 1
	switch {
	case trim == "":
		p.cur.bodyLine = ln + 1
		return httpfileBody, nil
	case strings.HasPrefix(trim, "#") || strings.HasPrefix(trim, "//"):
		return httpfileHeaders, nil
	case strings.HasPrefix(trim, "<"), strings.HasPrefix(trim, ">"):
		// A file body or a handler right after the headers (httpyac).
		p.cur.bodyLine = ln
		return p.bodyLine(i, line, trim)
	case trim == "{{":
		return p.bodyLine(i, line, trim)
	}
	colon := strings.IndexByte(trim, ':')
	if colon <= 0 {
		return 0, fmt.Errorf("line %d: expected a header (Name: value), a blank line or ###; got %q", ln, curlClip(trim, 60))
	}
	name := strings.TrimSpace(trim[:colon])
	if strings.ContainsAny(name, " \t") && !strings.Contains(name, "{{") {
		return 0, fmt.Errorf("line %d: %q is not a header name (no spaces allowed)", ln, curlClip(name, 60))
	}
	p.cur.headers = append(p.cur.headers, storage.KeyValue{Key: name, Value: strings.TrimSpace(trim[colon+1:]), Enabled: true})
	return httpfileHeaders, nil
}

// bodyLine reads a line of the body, or what ends it.
func (p *httpfileParser) bodyLine(i *int, line, trim string) (int, error) {
	switch {
	case strings.HasPrefix(trim, "> {%") || trim == ">{%" || strings.HasPrefix(trim, ">{%"):
		script, end, err := p.readScript(*i, "{%", "%}")
		if err != nil {
			return 0, err
		}
		*i = end
		p.cur.scripts = append(p.cur.scripts, storage.Script{Event: "test", Language: "javascript", Text: script})
		return httpfileBody, nil
	case strings.HasPrefix(trim, ">>"):
		p.skip(*i+1, "the response redirection %q (save the response to a file) is not supported", curlClip(trim, 60))
		return httpfileBody, nil
	case strings.HasPrefix(trim, "> "):
		file := strings.TrimSpace(trim[1:])
		p.cur.scripts = append(p.cur.scripts, storage.Script{Event: "test", Language: "javascript",
			Text: "// the response handler is the file " + file + " (not imported)"})
		return httpfileBody, nil
	case strings.HasPrefix(trim, "<> "):
		p.skip(*i+1, "the response reference %q (compare with a previous response) is not supported", curlClip(trim, 60))
		return httpfileBody, nil
	case trim == "{{":
		script, end, err := p.readScript(*i, "{{", "}}")
		if err != nil {
			return 0, err
		}
		*i = end
		p.cur.scripts = append(p.cur.scripts, storage.Script{Event: "test", Language: "javascript", Text: script})
		return httpfileBody, nil
	case httpfileStatusLine.MatchString(trim) && httpfileBlank(p.cur.body):
		p.cur.response = append(p.cur.response, trim)
		return httpfileResponse, nil
	case p.startsRequest(*i):
		p.finish()
		*i--
		return httpfileBetween, nil
	}
	if len(p.cur.scripts) > 0 && trim != "" && p.cur.scripts[len(p.cur.scripts)-1].Event == "test" {
		// After a response handler only a new request may follow.
		if !strings.HasPrefix(trim, "#") && !strings.HasPrefix(trim, "//") {
			p.skip(*i+1, "%q follows the response handler, where only a new request may start; ignored", curlClip(trim, 60))
		}
		return httpfileBody, nil
	}
	p.cur.body = append(p.cur.body, line)
	return httpfileBody, nil
}

func httpfileBlank(lines []string) bool {
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			return false
		}
	}
	return true
}

// finish turns the request being read into a storage.Request.
func (p *httpfileParser) finish() {
	c := p.cur
	p.cur = nil
	if c == nil {
		return
	}
	r := storage.Request{Method: strings.ToUpper(c.method), URL: c.url, Settings: c.settings}
	if c.method == "GRAPHQL" {
		r.Method = "POST"
	}
	r.Name = c.name
	if r.Name == "" {
		r.Name = curlRequestName(r.Method, r.URL)
	}
	item := fmt.Sprintf("%s (line %d)", r.Name, c.line)
	r.Description = strings.Join(c.directives, "\n")

	// Relative URLs: httpyac joins them to the variable host; REST Client
	// to the Host header.
	if strings.HasPrefix(r.URL, "/") {
		host := ""
		for _, h := range c.headers {
			if strings.EqualFold(h.Key, "Host") {
				host = h.Value
			}
		}
		switch {
		case host != "":
			r.URL = "http://" + host + r.URL
		default:
			if _, ok := p.vars["host"]; !ok && !p.hostNoted {
				p.hostNoted = true
				p.res.Report.Skipf(item, "the URL %s is relative: it was joined to {{host}}, which the file does not define; set the variable host (the same holds for the other relative URLs of the file)", c.url)
			}
			r.URL = "{{host}}" + r.URL
		}
	}

	// Headers, and the auth shorthands.
	for _, h := range c.headers {
		if strings.EqualFold(h.Key, "Authorization") {
			if a, ok := p.authShorthand(item, h.Value); ok {
				r.Auth = a
				continue
			}
		}
		r.Headers = append(r.Headers, h)
	}

	p.body(item, c, &r)
	if len(c.response) > 0 {
		r.Examples = append(r.Examples, httpfileExample(c.response))
	}
	r.Scripts = c.scripts
	for _, s := range c.scripts {
		p.res.Report.NotRun = append(p.res.Report.NotRun, fmt.Sprintf("%s: %s script", r.Name, s.Event))
	}
	p.checkTemplates(item, &r)
	p.res.Items = append(p.res.Items, storage.TreeItem{Request: &r})
	p.res.Report.Imported = append(p.res.Report.Imported, r.Name)
}

// authShorthand maps the Authorization shorthands to auth.
func (p *httpfileParser) authShorthand(item, value string) (storage.AuthSpec, bool) {
	words := httpfileWords(value)
	if len(words) < 2 {
		return storage.AuthSpec{}, false
	}
	scheme := strings.ToLower(words[0])
	args := words[1:]
	switch scheme {
	case "basic", "digest":
		var user, pass string
		switch {
		case len(args) == 2:
			user, pass = args[0], args[1]
		case len(args) == 1 && strings.Contains(args[0], ":") && !strings.HasPrefix(args[0], "{{"):
			user, pass, _ = strings.Cut(args[0], ":")
		case len(args) == 1 && scheme == "basic":
			if strings.HasPrefix(args[0], "{{") && strings.ContainsAny(args[0], "( ") {
				p.res.Report.Skipf(item, "Authorization: Basic %s is a JavaScript expression (httpyac); kept as a header that Knock sends as written", curlClip(args[0], 60))
			}
			return storage.AuthSpec{}, false // a real base64 credential
		default:
			return storage.AuthSpec{}, false
		}
		return storage.AuthSpec{Type: scheme, Params: map[string]string{"username": user, "password": pass}}, true
	case "bearer":
		if len(args) != 1 {
			return storage.AuthSpec{}, false
		}
		return storage.AuthSpec{Type: "bearer", Params: map[string]string{"token": args[0]}}, true
	case "aws":
		if len(args) < 2 {
			return storage.AuthSpec{}, false
		}
		params := map[string]string{"accessKey": args[0], "secretKey": args[1]}
		for _, a := range args[2:] {
			k, v, ok := strings.Cut(a, ":")
			switch {
			case !ok:
				p.res.Report.Skipf(item, "a word of the AWS shorthand is not key:value (token:, region:, service:); ignored")
			case k == "token":
				params["sessionToken"] = v
			case k == "region" || k == "service":
				params[k] = v
			default:
				p.res.Report.Skipf(item, "the AWS shorthand's %s is not supported; ignored", k)
			}
		}
		return storage.AuthSpec{Type: "awsv4", Params: params}, true
	case "openid", "oauth2":
		if len(args) < 1 {
			return storage.AuthSpec{}, false
		}
		flow := strings.ToLower(args[0])
		prefix := "oauth2"
		if len(args) >= 2 {
			prefix = args[1]
		}
		grant := map[string]string{"client_credentials": "client_credentials", "authorization_code": "authorization_code_with_pkce",
			"code": "authorization_code_with_pkce", "implicit": "implicit", "password": "password_credentials",
			"device_code": "device_code"}[flow]
		if grant == "" {
			p.res.Report.Skipf(item, "the %s flow %q is not known; kept as a header", scheme, flow)
			return storage.AuthSpec{}, false
		}
		v := func(name string) string { return "{{" + prefix + "_" + name + "}}" }
		params := map[string]string{"grant_type": grant, "accessTokenUrl": v("tokenEndpoint"), "clientId": v("clientId"),
			"clientSecret": v("clientSecret"), "scope": v("scope")}
		switch grant {
		case "authorization_code_with_pkce", "implicit":
			params["authUrl"] = v("authorizationEndpoint")
		case "password_credentials":
			params["username"], params["password"] = v("username"), v("password")
		case "device_code":
			params["deviceAuthUrl"] = v("deviceCodeEndpoint")
		}
		p.res.Report.Skipf(item, "httpyac's %s %s %s became OAuth 2.0 auth whose settings are the variables %s_tokenEndpoint, %s_clientId, … (define them in an environment)", scheme, flow, prefix, prefix, prefix)
		return storage.AuthSpec{Type: "oauth2", Params: params}, true
	}
	return storage.AuthSpec{}, false
}

// httpfileWords splits on blanks, keeping {{…}} whole.
func httpfileWords(s string) []string {
	var out []string
	var b strings.Builder
	depth := 0
	for i := 0; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "{{"):
			depth++
			b.WriteString("{{")
			i++
		case strings.HasPrefix(s[i:], "}}") && depth > 0:
			depth--
			b.WriteString("}}")
			i++
		case (s[i] == ' ' || s[i] == '\t') && depth == 0:
			if b.Len() > 0 {
				out = append(out, b.String())
				b.Reset()
			}
		default:
			b.WriteByte(s[i])
		}
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}

// body builds the request body from its lines.
func (p *httpfileParser) body(item string, c *httpfileRequest, r *storage.Request) {
	lines := c.body
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	contentType := ""
	for _, h := range r.Headers {
		if strings.EqualFold(h.Key, "Content-Type") {
			contentType = h.Value
		}
	}
	graphql := c.method == "GRAPHQL"
	for i, h := range r.Headers {
		if strings.EqualFold(h.Key, "X-Request-Type") && strings.EqualFold(h.Value, "GraphQL") {
			graphql = true
			r.Headers = append(r.Headers[:i:i], r.Headers[i+1:]...)
			break
		}
	}
	if len(lines) == 0 {
		return
	}
	if len(lines) == 1 {
		t := strings.TrimSpace(lines[0])
		if strings.HasPrefix(t, "<@") || strings.HasPrefix(t, "< ") {
			file := strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(t, "<@"), "<"))
			if strings.HasPrefix(t, "<@") {
				p.res.Report.Skipf(item, "<@ %s: Knock sends the file as it is, without replacing the variables in it", file)
			}
			r.Body = storage.Body{Mode: storage.BodyFile, File: file, ContentType: contentType}
			return
		}
	}
	text := strings.Join(lines, "\n")
	mt, params, _ := mime.ParseMediaType(contentType)
	switch {
	case graphql:
		query, vars := text, ""
		for i, l := range lines {
			if strings.TrimSpace(l) == "" && i+1 < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i+1]), "{") {
				query, vars = strings.Join(lines[:i], "\n"), strings.Join(lines[i+1:], "\n")
				break
			}
		}
		r.Body = storage.Body{Mode: storage.BodyGraphQL, GraphQL: &storage.GraphQL{Query: query, Variables: vars}}
		if r.Method == "GET" {
			r.Method = "POST"
		}
	case mt == "multipart/form-data" && params["boundary"] != "":
		parts, err := httpfileMultipart(lines, params["boundary"])
		if err != nil {
			p.res.Report.Skipf(item, "the multipart body could not be split into parts (%v); it is kept as raw text", err)
			r.Body = storage.Body{Mode: storage.BodyRaw, Raw: text, ContentType: contentType}
			return
		}
		r.Body = storage.Body{Mode: storage.BodyFormData, Multipart: parts}
		r.Headers = curlWithoutHeader(r.Headers, "Content-Type")
		p.res.Report.Skipf(item, "the multipart body became %d form parts; Knock writes its own boundary instead of %q", len(parts), params["boundary"])
	case mt == "application/x-www-form-urlencoded" && len(lines) > 1:
		// REST Client joins the lines of a form body.
		var b strings.Builder
		for _, l := range lines {
			b.WriteString(strings.TrimSpace(l))
		}
		r.Body = storage.Body{Mode: storage.BodyRaw, Raw: b.String(), ContentType: contentType}
	default:
		for _, l := range lines {
			if t := strings.TrimSpace(l); strings.HasPrefix(t, "< ") || strings.HasPrefix(t, "<@ ") {
				p.res.Report.Skipf(item, "the body mixes text with the file reference %q; Knock sends the text as written", curlClip(t, 60))
				break
			}
		}
		r.Body = storage.Body{Mode: storage.BodyRaw, Raw: text, ContentType: contentType}
	}
}

// httpfileMultipart splits a written multipart body into parts; a part
// whose content is "< file" becomes a file part.
func httpfileMultipart(lines []string, boundary string) ([]storage.FormPart, error) {
	delim, end := "--"+boundary, "--"+boundary+"--"
	var parts []storage.FormPart
	var cur []string
	in, closed := false, false
	flush := func() error {
		if !in {
			return nil
		}
		var hdr []string
		i := 0
		for ; i < len(cur) && strings.TrimSpace(cur[i]) != ""; i++ {
			hdr = append(hdr, cur[i])
		}
		content := cur[min(i+1, len(cur)):]
		for len(content) > 0 && strings.TrimSpace(content[len(content)-1]) == "" {
			content = content[:len(content)-1]
		}
		part := storage.FormPart{Enabled: true}
		filename := ""
		hasName := false
		for _, h := range hdr {
			k, v, ok := strings.Cut(h, ":")
			if !ok {
				return fmt.Errorf("the part header %q has no ':'", curlClip(h, 40))
			}
			switch strings.ToLower(strings.TrimSpace(k)) {
			case "content-disposition":
				_, dp, err := mime.ParseMediaType(strings.TrimSpace(v))
				if err != nil {
					return fmt.Errorf("Content-Disposition %q: %v", curlClip(v, 40), err)
				}
				part.Key, hasName = dp["name"], true
				filename = dp["filename"]
			case "content-type":
				part.ContentType = strings.TrimSpace(v)
			}
		}
		if !hasName {
			return fmt.Errorf("a part has no Content-Disposition name")
		}
		text := strings.Join(content, "\n")
		if t := strings.TrimSpace(text); len(content) == 1 && (strings.HasPrefix(t, "< ") || strings.HasPrefix(t, "<@ ")) {
			part.File = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(t, "<@"), "<"))
			if part.ContentType != "" && part.ContentType == mime.TypeByExtension(strings.ToLower(httpfileExt(part.File))) {
				part.ContentType = ""
			}
		} else if filename != "" {
			return fmt.Errorf("the file part %q holds inline content instead of < file", filename)
		} else {
			part.Value = text
		}
		parts = append(parts, part)
		cur = nil
		return nil
	}
	for _, l := range lines {
		t := strings.TrimRight(l, " \t")
		switch t {
		case end:
			if err := flush(); err != nil {
				return nil, err
			}
			in, closed = false, true
		case delim:
			if err := flush(); err != nil {
				return nil, err
			}
			in = true
		default:
			if in {
				cur = append(cur, l)
			} else if strings.TrimSpace(l) != "" && !closed && len(parts) == 0 {
				return nil, fmt.Errorf("text before the first boundary")
			}
		}
	}
	if in {
		return nil, fmt.Errorf("the closing boundary --%s-- is missing", boundary)
	}
	if len(parts) == 0 {
		return nil, fmt.Errorf("no part")
	}
	return parts, nil
}

func httpfileExt(p string) string {
	if i := strings.LastIndexByte(p, '.'); i >= 0 && !strings.ContainsAny(p[i:], `/\`) {
		return p[i:]
	}
	return ""
}

// httpfileExample reads a saved response: status line, headers, body.
func httpfileExample(lines []string) storage.Example {
	ex := storage.Example{Name: strings.TrimSpace(lines[0])}
	if m := httpfileStatusLine.FindStringSubmatch(strings.TrimSpace(lines[0])); m != nil {
		ex.Status, _ = strconv.Atoi(m[2])
	}
	i := 1
	for ; i < len(lines) && strings.TrimSpace(lines[i]) != ""; i++ {
		k, v, ok := strings.Cut(lines[i], ":")
		if !ok {
			continue
		}
		kv := storage.KeyValue{Key: strings.TrimSpace(k), Value: strings.TrimSpace(v), Enabled: true}
		ex.Header = append(ex.Header, kv)
		if strings.EqualFold(kv.Key, "Content-Type") {
			ex.ContentType = kv.Value
		}
	}
	body := lines[min(i+1, len(lines)):]
	for len(body) > 0 && strings.TrimSpace(body[len(body)-1]) == "" {
		body = body[:len(body)-1]
	}
	ex.Body = strings.Join(body, "\n")
	return ex
}

// httpfileKnockDynamic are the dynamic variables the engine resolves.
var httpfileKnockDynamic = map[string]bool{"$uuid": true, "$guid": true, "$randomUUID": true, "$timestamp": true, "$isoTimestamp": true, "$randomInt": true}

// checkTemplates reports {{…}} that Knock cannot resolve the way the
// file's client does, and maps JetBrains' $random.uuid to $uuid.
func (p *httpfileParser) checkTemplates(item string, r *storage.Request) {
	seen := map[string]bool{}
	fix := func(s string) string {
		return httpfileTemplate.ReplaceAllStringFunc(s, func(m string) string {
			inner := strings.TrimSpace(m[2 : len(m)-2])
			switch inner {
			case "$random.uuid":
				return "{{$uuid}}"
			case "$random.integer()":
				return "{{$randomInt}}"
			}
			if seen[inner] {
				return m
			}
			seen[inner] = true
			switch {
			case strings.HasPrefix(inner, "$") && !httpfileKnockDynamic[inner]:
				p.res.Report.Skipf(item, "{{%s}} is a dynamic variable Knock does not have (Knock has $uuid, $timestamp, $isoTimestamp, $randomInt); kept as text", inner)
			case strings.Contains(inner, ".response."):
				p.res.Report.Skipf(item, "{{%s}} takes a value from another request's response, which Knock does not do; set the variable by hand", inner)
			case strings.ContainsAny(inner, " ()+'\""):
				p.res.Report.Skipf(item, "{{%s}} is a script expression, which Knock does not evaluate; kept as text", curlClip(inner, 60))
			}
			return m
		})
	}
	r.URL = fix(r.URL)
	for i := range r.Headers {
		r.Headers[i].Value = fix(r.Headers[i].Value)
	}
	r.Body.Raw = fix(r.Body.Raw)
	for k, v := range r.Auth.Params {
		r.Auth.Params[k] = fix(v)
	}
}

// ImportHTTPClientEnv reads JetBrains HTTP Client environment files: the
// shared http-client.env.json and the private
// http-client.private.env.json; either may be nil. Each top-level key is
// an environment; the values of $shared are in every environment; the
// private file's values are secret variables. Values that are objects
// (such as the Security section for OAuth) are reported and left out.
// The Result has no collection.
func ImportHTTPClientEnv(public, private []byte) (*Result, error) {
	res := &Result{}
	type envVars struct {
		name string
		vars []storage.Variable
	}
	var envs []*envVars
	find := func(name string) *envVars {
		for _, e := range envs {
			if e.name == name {
				return e
			}
		}
		e := &envVars{name: name}
		envs = append(envs, e)
		return e
	}
	var shared []storage.Variable
	for _, f := range []struct {
		data   []byte
		secret bool
		file   string
	}{{public, false, "http-client.env.json"}, {private, true, "http-client.private.env.json"}} {
		if f.data == nil {
			continue
		}
		data := bytes.TrimPrefix(f.data, []byte("\xef\xbb\xbf"))
		order, values, err := httpfileEnvObjects(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.file, err)
		}
		for _, envName := range order {
			for _, kv := range values[envName] {
				where := fmt.Sprintf("%s: $.%s.%s", f.file, envName, kv.key)
				var text string
				switch v := kv.value.(type) {
				case string:
					text = v
				case json.Number:
					text = v.String()
				case bool:
					text = strconv.FormatBool(v)
				case nil:
					text = ""
				default:
					res.Report.Skipf(where, "the value is a JSON %s (such as JetBrains' Security section for OAuth); Knock variables are text, so it was left out", httpfileJSONKind(v))
					continue
				}
				v := storage.Variable{Key: kv.key, Value: text, Enabled: true, Secret: f.secret}
				if envName == "$shared" {
					shared = httpfileSetVar(shared, v)
					continue
				}
				e := find(envName)
				e.vars = httpfileSetVar(e.vars, v)
			}
			if envName != "$shared" {
				find(envName)
			}
		}
	}
	for _, e := range envs {
		vars := append([]storage.Variable(nil), e.vars...)
		for _, s := range shared {
			found := false
			for _, v := range vars {
				if v.Key == s.Key {
					found = true
				}
			}
			if !found {
				vars = append(vars, s)
			}
		}
		res.Environments = append(res.Environments, storage.Environment{Name: e.name, Variables: vars})
	}
	if len(res.Environments) == 0 && len(shared) > 0 {
		res.Environments = append(res.Environments, storage.Environment{Name: "$shared", Variables: shared})
	}
	if len(res.Environments) == 0 {
		return nil, fmt.Errorf("no environment found (the file should be {\"dev\": {\"name\": \"value\"}})")
	}
	return res, nil
}

func httpfileSetVar(vars []storage.Variable, v storage.Variable) []storage.Variable {
	for i := range vars {
		if vars[i].Key == v.Key {
			vars[i] = v
			return vars
		}
	}
	return append(vars, v)
}

func httpfileJSONKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	}
	return fmt.Sprintf("%T", v)
}

type httpfileKV struct {
	key   string
	value any
}

// httpfileEnvObjects decodes {"env": {"k": v, …}, …} keeping the order of
// the environments and of their keys.
func httpfileEnvObjects(data []byte) ([]string, map[string][]httpfileKV, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	where := func() string {
		line := 1 + bytes.Count(data[:min(int(dec.InputOffset()), len(data))], []byte("\n"))
		return fmt.Sprintf("line %d", line)
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", where(), err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, nil, fmt.Errorf("$: the file must be a JSON object of environments")
	}
	var order []string
	values := map[string][]httpfileKV{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", where(), err)
		}
		env, _ := t.(string)
		t, err = dec.Token()
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", where(), err)
		}
		if d, ok := t.(json.Delim); !ok || d != '{' {
			return nil, nil, fmt.Errorf("$.%s: an environment must be a JSON object of variables", env)
		}
		if _, dup := values[env]; !dup {
			order = append(order, env)
		}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", where(), err)
			}
			key, _ := kt.(string)
			var v any
			if err := dec.Decode(&v); err != nil {
				return nil, nil, fmt.Errorf("$.%s.%s (%s): %w", env, key, where(), err)
			}
			values[env] = append(values[env], httpfileKV{key, v})
		}
		if _, err := dec.Token(); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", where(), err)
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", where(), err)
	}
	if dec.More() {
		return nil, nil, fmt.Errorf("%s: text after the JSON object", where())
	}
	return order, values, nil
}
