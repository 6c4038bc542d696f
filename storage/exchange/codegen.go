package exchange

// Code generation: a request as a curl command, a Python requests script
// (in the style of the requests documentation: auth=HTTPBasicAuth(user,
// password), HTTPDigestAuth, requests_oauthlib.OAuth1), a Go net/http
// program, a JavaScript fetch call and an HTTPie command.
//
// Hand-written: code generators (postman-code-generators, httpsnippet) are
// JavaScript; none is a Go library.
//
// The generated code sends what Knock's engine sends: the URL with the
// enabled query rows appended, the enabled headers, the body with the
// content type the engine would choose, the auth, and the TLS, proxy,
// redirect and timeout settings. What a language cannot express is said in
// a comment at the top of the code, never dropped silently.
//
// Secrets (secret auth parameters, the Authorization, Proxy-Authorization
// and Cookie headers, the client-certificate and proxy passwords) are not
// written unless GenOptions.IncludeSecrets is set: the code reads them from
// environment variables named as the command line reads missing secrets
// (SecretEnvName: KNOCK_SECRET_PASSWORD, …), as os.environ["…"],
// os.Getenv("…"), process.env.… or "$…". A secret held only as a reference
// (its value is in the secret store) is always a placeholder.
//
// Variables ({{name}}) are written as they are: resolve them first (the
// engine's ExpandString) to generate code for one environment.

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/knockhttp/knock/authlib"
	"github.com/knockhttp/knock/storage"
)

// GenOptions tune the generated code.
type GenOptions struct {
	// IncludeSecrets writes secret values into the code. Off, the code
	// reads them from environment variables.
	IncludeSecrets bool
}

// Languages lists the languages Generate knows, in the order the window
// offers them.
func Languages() []string { return []string{"curl", "python", "go", "js", "httpie"} }

// Generate writes r as code in lang: "curl", "python", "go", "js" (or
// "javascript") or "httpie". Inherited auth must be resolved first (see
// storage.DB.Resolve); an AuthInherit request is generated without auth,
// with a comment that says so.
func Generate(lang string, r storage.Request, opts GenOptions) (string, error) {
	switch strings.ToLower(strings.TrimSpace(lang)) {
	case "curl", "shell", "sh":
		return ExportCurl(r, opts), nil
	case "python", "py", "requests":
		return codegenPython(r, opts), nil
	case "go", "golang":
		return codegenGo(r, opts), nil
	case "js", "javascript", "fetch", "node":
		return codegenJS(r, opts), nil
	case "httpie", "http":
		return codegenHTTPie(r, opts), nil
	}
	return "", fmt.Errorf("exchange: unknown language %q (known: %s)", lang, strings.Join(Languages(), ", "))
}

// codegenPart is a piece of a value: literal text, or the name of the
// environment variable that holds a secret.
type codegenPart struct {
	text string
	env  string
}

// codegenValue is a value made of parts.
type codegenValue []codegenPart

func codegenLit(s string) codegenValue { return codegenValue{{text: s}} }

func codegenEnv(name string) codegenValue { return codegenValue{{env: name}} }

// plain returns the value as text, with $NAME for placeholders (for
// comments and checks).
func (v codegenValue) plain() string {
	var b strings.Builder
	for _, p := range v {
		if p.env != "" {
			b.WriteString("$" + p.env)
		} else {
			b.WriteString(p.text)
		}
	}
	return b.String()
}

func (v codegenValue) hasEnv() bool {
	for _, p := range v {
		if p.env != "" {
			return true
		}
	}
	return false
}

func (v codegenValue) empty() bool {
	return len(v) == 0 || (len(v) == 1 && v[0].env == "" && v[0].text == "")
}

// codegenCat joins values.
func codegenCat(vs ...codegenValue) codegenValue {
	var out codegenValue
	for _, v := range vs {
		for _, p := range v {
			if p.env == "" && p.text == "" {
				continue
			}
			if n := len(out); n > 0 && p.env == "" && out[n-1].env == "" {
				out[n-1].text += p.text
				continue
			}
			out = append(out, p)
		}
	}
	if out == nil {
		out = codegenValue{{}}
	}
	return out
}

// codegenHeader is one header to send.
type codegenHeader struct {
	name  string
	value codegenValue
	auto  bool // the Content-Type the engine adds; a client may add it itself
}

// codegenReq is a request ready to be written in any language.
type codegenReq struct {
	method    string
	url       codegenValue
	headers   []codegenHeader
	body      storage.Body
	authType  string
	auth      map[string]codegenValue // the auth parameters, secrets as placeholders
	authRaw   map[string]string
	s         storage.Settings
	proxy     codegenValue // proxy URL, its password as a placeholder
	certPass  codegenValue
	proxyAuth map[string]codegenValue
	notes     []string
	usesEnv   bool
}

func (c *codegenReq) note(format string, a ...any) {
	c.notes = append(c.notes, fmt.Sprintf(format, a...))
}

func (c *codegenReq) header(name string) (codegenValue, bool) {
	for _, h := range c.headers {
		if strings.EqualFold(h.name, name) {
			return h.value, true
		}
	}
	return nil, false
}

// codegenSensitiveHeaders hold credentials; their values are secrets.
var codegenSensitiveHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie"}

func codegenIsSensitiveHeader(name string) bool {
	for _, h := range codegenSensitiveHeaders {
		if strings.EqualFold(h, name) {
			return true
		}
	}
	return false
}

// codegenIsSecretParam reports whether an auth parameter is a secret:
// authlib decides for the parameters it declares; for others the name
// decides, erring towards secret, as the storage package does.
func codegenIsSecretParam(typ, name string) bool {
	if m, ok := authlib.Lookup(typ); ok {
		for _, p := range m.Params {
			if p.Name == name {
				return p.Secret
			}
		}
	}
	n := strings.ToLower(name)
	for _, suffix := range []string{"url", "uri", "name", "type", "prefix", "location", "mode", "algorithm", "method", "in", "scope"} {
		if strings.HasSuffix(n, suffix) {
			return false
		}
	}
	if strings.EqualFold(typ, "apikey") && n == "value" {
		return true
	}
	for _, w := range []string{"password", "passwd", "secret", "token", "passphrase", "privatekey", "private_key", "authkey", "credential"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// codegenPrepare turns r into a codegenReq: what the engine would send,
// with secrets replaced by placeholders unless opts allow them.
func codegenPrepare(r storage.Request, opts GenOptions) *codegenReq {
	c := &codegenReq{method: strings.TrimSpace(r.Method), s: r.Settings}
	if c.method == "" {
		c.method = "GET"
	}
	secret := func(value, ref, env string) codegenValue {
		if value == "" && ref == "" {
			return codegenLit("")
		}
		if opts.IncludeSecrets && value != "" {
			return codegenLit(value)
		}
		if codegenIsTemplate(value) {
			return codegenLit(value) // a variable reference, not a secret value
		}
		c.usesEnv = true
		return codegenEnv(env)
	}

	// URL: the enabled query rows are appended as the engine appends them.
	rawURL := strings.TrimSpace(r.URL)
	if i := strings.IndexByte(rawURL, '#'); i >= 0 {
		rawURL = rawURL[:i] // a fragment is never sent
	}
	auth := r.Auth
	if pu, err := url.Parse(rawURL); err == nil && pu.User != nil && pu.Host != "" {
		// The engine sends URL credentials as Basic auth when the request
		// has none of its own; say so in the code, and keep the password
		// out of the URL.
		if auth.IsNone() {
			pw, _ := pu.User.Password()
			auth = storage.AuthSpec{Type: "basic", Params: map[string]string{"username": pu.User.Username(), "password": pw}}
		}
		pu.User = nil
		rawURL = pu.String()
	}
	var extra []string
	for _, p := range r.Params {
		if p.Enabled {
			extra = append(extra, url.QueryEscape(p.Key)+"="+url.QueryEscape(p.Value))
		}
	}
	c.url = codegenLit(codegenAppendQuery(rawURL, strings.Join(extra, "&")))

	for _, h := range r.Headers {
		if !h.Enabled {
			continue
		}
		v := codegenLit(h.Value)
		if codegenIsSensitiveHeader(h.Key) || h.SecretRef != "" {
			v = secret(h.Value, h.SecretRef, SecretEnvName(strings.ReplaceAll(h.Key, "-", "_")))
		}
		c.headers = append(c.headers, codegenHeader{name: h.Key, value: v})
	}

	// Body, with only the enabled rows, and the content type the engine
	// would send when no header sets one.
	c.body = codegenBody(r.Body)
	if c.body.Mode == storage.BodyFormData {
		// A multipart Content-Type without its boundary would break the
		// body; each client writes its own, as the engine does.
		for i, h := range c.headers {
			if strings.EqualFold(h.name, "Content-Type") && !strings.Contains(strings.ToLower(h.value.plain()), "boundary=") {
				c.headers = append(c.headers[:i:i], c.headers[i+1:]...)
				break
			}
		}
	}
	if _, ok := c.header("Content-Type"); !ok {
		if ct := codegenContentType(c.body); ct != "" {
			c.headers = append(c.headers, codegenHeader{name: "Content-Type", value: codegenLit(ct), auto: true})
		}
	}

	// Auth.
	c.authType = strings.ToLower(auth.Type)
	c.authRaw = auth.Params
	c.auth = map[string]codegenValue{}
	for k, v := range auth.Params {
		if codegenIsSecretParam(auth.Type, k) {
			c.auth[k] = secret(v, auth.SecretRefs[k], SecretEnvName(k))
		} else {
			c.auth[k] = codegenLit(v)
		}
	}
	for k, ref := range auth.SecretRefs {
		if _, ok := c.auth[k]; !ok {
			c.auth[k] = secret("", ref, SecretEnvName(k))
		}
	}
	c.prepareAuth(auth)

	// Settings with secrets.
	s := r.Settings
	c.certPass = secret(s.ClientCertPassword, s.ClientCertPasswordRef, SecretEnvName("clientCertPassword"))
	if s.Proxy != "" {
		c.proxy = codegenLit(s.Proxy)
		if pu, err := url.Parse(s.Proxy); err == nil && pu.User != nil {
			pw, has := pu.User.Password()
			if has || s.ProxyPasswordRef != "" {
				user := pu.User.Username()
				pu.User = nil
				scheme, rest, _ := strings.Cut(pu.String(), "://")
				c.proxy = codegenCat(codegenLit(scheme+"://"+url.PathEscape(user)+":"), secret(pw, s.ProxyPasswordRef, SecretEnvName("proxyPassword")), codegenLit("@"+rest))
			}
		}
	}
	if pa := s.ProxyAuth; pa != nil && !pa.IsNone() && pa.Type != storage.AuthInherit {
		c.proxyAuth = map[string]codegenValue{"type": codegenLit(strings.ToLower(pa.Type))}
		for k, v := range pa.Params {
			if codegenIsSecretParam(pa.Type, k) {
				c.proxyAuth[k] = secret(v, pa.SecretRefs[k], SecretEnvName("proxy_"+k))
			} else {
				c.proxyAuth[k] = codegenLit(v)
			}
		}
		for k, ref := range pa.SecretRefs {
			if _, ok := c.proxyAuth[k]; !ok {
				c.proxyAuth[k] = secret("", ref, SecretEnvName("proxy_"+k))
			}
		}
	}
	return c
}

// prepareAuth turns the auth methods that are only a header or a query
// parameter into one, so every language sends them the same way.
func (c *codegenReq) prepareAuth(a storage.AuthSpec) {
	p := func(name string) codegenValue {
		if v, ok := c.auth[name]; ok {
			return v
		}
		return codegenLit("")
	}
	raw := func(name, def string) string {
		if v := strings.TrimSpace(a.Params[name]); v != "" {
			return v
		}
		return def
	}
	switch c.authType {
	case "", storage.AuthNone:
		c.authType = ""
	case storage.AuthInherit:
		c.note("the auth is inherited from the folder or collection and was not resolved; no auth is sent")
		c.authType = ""
	case "bearer":
		c.headers = append(c.headers, codegenHeader{name: "Authorization", value: codegenCat(codegenLit(raw("prefix", "Bearer")+" "), p("token"))})
		c.authType = ""
	case "apikey":
		if strings.EqualFold(raw("in", "header"), "query") {
			c.url = codegenCat(c.url, codegenLit(codegenQuerySep(c.url.plain())+url.QueryEscape(a.Params["key"])+"="), c.escapedQuery(p("value")))
		} else {
			c.headers = append(c.headers, codegenHeader{name: a.Params["key"], value: p("value")})
		}
		c.authType = ""
	case "header":
		c.headers = append(c.headers, codegenHeader{name: a.Params["name"], value: p("value")})
		c.authType = ""
	case "oauth2":
		token := p("accessToken")
		if token.empty() {
			token = codegenEnv(SecretEnvName("accessToken"))
			c.usesEnv = true
		}
		c.note("OAuth 2.0 (%s): Knock fetches and refreshes the token; this code sends a fixed access token", raw("grant_type", "authorization_code_with_pkce"))
		if strings.EqualFold(raw("addTokenTo", "header"), "queryParams") {
			c.url = codegenCat(c.url, codegenLit(codegenQuerySep(c.url.plain())+"access_token="), c.escapedQuery(token))
		} else {
			c.headers = append(c.headers, codegenHeader{name: "Authorization", value: codegenCat(codegenLit(raw("headerPrefix", "Bearer")+" "), token)})
		}
		c.authType = ""
	}
}

// escapedQuery query-escapes the literal parts; a placeholder is sent as
// its variable's value.
func (c *codegenReq) escapedQuery(v codegenValue) codegenValue {
	out := make(codegenValue, len(v))
	for i, p := range v {
		if p.env == "" {
			p.text = url.QueryEscape(p.text)
		}
		out[i] = p
	}
	return out
}

func codegenQuerySep(u string) string {
	switch {
	case strings.HasSuffix(u, "?") || strings.HasSuffix(u, "&"):
		return ""
	case strings.Contains(u, "?"):
		return "&"
	}
	return "?"
}

func codegenAppendQuery(u, q string) string {
	if q == "" {
		return u
	}
	return u + codegenQuerySep(u) + q
}

// codegenBody keeps only the enabled rows of a body.
func codegenBody(b storage.Body) storage.Body {
	out := storage.Body{Mode: b.Mode, ContentType: b.ContentType}
	switch b.Mode {
	case storage.BodyRaw:
		out.Raw = b.Raw
	case storage.BodyURLEncoded:
		for _, f := range b.Form {
			if f.Enabled {
				out.Form = append(out.Form, f)
			}
		}
	case storage.BodyFormData:
		for _, p := range b.Multipart {
			if p.Enabled {
				out.Multipart = append(out.Multipart, p)
			}
		}
	case storage.BodyFile:
		out.File = b.File
	case storage.BodyGraphQL:
		out.GraphQL = b.GraphQL
	}
	return out
}

// codegenContentType is the Content-Type the engine sends for a body when
// no header sets one ("" for multipart: each language adds the boundary).
func codegenContentType(b storage.Body) string {
	switch b.Mode {
	case storage.BodyRaw:
		if b.ContentType != "" {
			return b.ContentType
		}
		return "text/plain; charset=utf-8"
	case storage.BodyURLEncoded:
		return "application/x-www-form-urlencoded"
	case storage.BodyFile:
		if b.ContentType != "" {
			return b.ContentType
		}
		if ct := mime.TypeByExtension(filepath.Ext(b.File)); ct != "" {
			return ct
		}
		return "application/octet-stream"
	case storage.BodyGraphQL:
		return "application/json"
	}
	return ""
}

// codegenPartType is the Content-Type of a multipart file part, as the
// engine chooses it.
func codegenPartType(p storage.FormPart) string {
	if p.ContentType != "" {
		return p.ContentType
	}
	if ct := mime.TypeByExtension(filepath.Ext(p.File)); ct != "" {
		return ct
	}
	return "application/octet-stream"
}

// codegenGraphQLJSON is the JSON the engine sends for a GraphQL body:
// {"operationName", "query", "variables"} marshalled by encoding/json, so
// the bytes match. Variables that are not a JSON object are written as
// they are (the engine refuses them with a message).
func codegenGraphQLJSON(g *storage.GraphQL) string {
	if g == nil {
		return `{"query":""}`
	}
	doc := map[string]any{"query": g.Query}
	if v := strings.TrimSpace(g.Variables); v != "" {
		var vars map[string]any
		dec := json.NewDecoder(strings.NewReader(v))
		dec.UseNumber()
		if err := dec.Decode(&vars); err != nil {
			q, _ := json.Marshal(g.Query)
			return `{"query":` + string(q) + `,"variables":` + v + `}`
		}
		doc["variables"] = vars
	}
	if g.OperationName != "" {
		doc["operationName"] = g.OperationName
	}
	data, err := json.Marshal(doc)
	if err != nil {
		return `{"query":""}`
	}
	return string(data)
}

// codegenJSONString quotes s as a JSON (and JavaScript and Python) string:
// \" \\ \n \r \t and \u00XX for other controls; U+2028 and U+2029 are
// escaped for JavaScript.
func codegenJSONString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\u2028', '\u2029':
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// codegenNotes writes the notes as comment lines with the given prefix.
func codegenNotes(b *strings.Builder, prefix string, c *codegenReq) {
	for _, n := range c.notes {
		b.WriteString(prefix + " " + n + "\n")
	}
}

// codegenIsTemplate reports whether v is only a {{variable}} reference.
func codegenIsTemplate(v string) bool {
	v = strings.TrimSpace(v)
	return strings.HasPrefix(v, "{{") && strings.HasSuffix(v, "}}") && strings.Count(v, "{{") == 1 && strings.Count(v, "}}") == 1
}

// codegenUnsupportedAuth is the note for an auth method a language cannot
// write.
func codegenUnsupportedAuth(c *codegenReq, lang string) {
	if c.authType == "" {
		return
	}
	title := c.authType
	if m, ok := authlib.Lookup(c.authType); ok {
		title = m.Title
	}
	c.note("%s: %s is not written here; Knock computes it for every request", lang, title)
}
