package exchange

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/knockhttp/knock/storage"
)

// httpfileBoundary parts the multipart bodies ExportHTTPFile writes.
const httpfileBoundary = "KnockFormBoundary7MA4YWxkTrZu0gW"

// ExportHTTPFile writes a collection as one .http file that JetBrains
// HTTP Client, VS Code REST Client and httpyac read: the collection's
// variables as @name = value, then each request under a ### line that
// names it (with its folders), its settings as # @no-redirect and
// # @timeout, the effective headers (collection and folder defaults
// included) and auth (inherited auth resolved), and the body.
//
// No secret is written (DESIGN.md, security rule 1): secret variables,
// secret auth parameters and the Authorization, Proxy-Authorization and
// Cookie headers become {{name}} references, listed at the top of the file
// for http-client.private.env.json. Auth that has no .http form (OAuth,
// NTLM, Kerberos, Hawk, …) and the TLS and proxy settings are written as
// comments. A body line that starts with ### would part the request in any
// reader of the format; it cannot be escaped.
func ExportHTTPFile(c storage.Collection, items []storage.TreeItem) []byte {
	w := &httpfileWriter{secretVars: map[string]bool{}, defined: map[string]bool{}}
	var body strings.Builder
	w.items(&body, items, nil, c)

	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n", httpfileOneLine(c.Name))
	for _, l := range httpfileLines(c.Description) {
		b.WriteString("# " + l + "\n")
	}
	b.WriteString("# Exported by Knock.\n")
	var vars strings.Builder
	w.variables(&vars, c.Variables, "")
	if len(w.secretVars) > 0 {
		var names []string
		for n := range w.secretVars {
			names = append(names, n)
		}
		sort.Strings(names)
		b.WriteString("# Secrets are not written here. Set these variables in http-client.private.env.json:\n")
		b.WriteString("#   " + strings.Join(names, ", ") + "\n")
	}
	b.WriteString("\n")
	b.WriteString(vars.String())
	if vars.Len() > 0 {
		b.WriteString("\n")
	}
	b.WriteString(body.String())
	return []byte(b.String())
}

type httpfileWriter struct {
	secretVars map[string]bool
	defined    map[string]bool
}

// variables writes @name = value lines; secret ones are listed instead.
func (w *httpfileWriter) variables(b *strings.Builder, vars []storage.Variable, where string) {
	for _, v := range vars {
		if !v.Enabled || w.defined[v.Key] {
			continue
		}
		w.defined[v.Key] = true
		if v.Secret || v.SecretRef != "" {
			w.secretVars[v.Key] = true
			continue
		}
		if where != "" {
			fmt.Fprintf(b, "# %s\n", where)
			where = ""
		}
		fmt.Fprintf(b, "@%s = %s\n", v.Key, httpfileOneLine(v.Value))
	}
}

// secretRef returns {{name}} for a secret value (kept when it is already
// a reference), and lists the variable.
func (w *httpfileWriter) secretRef(value, name string) string {
	if codegenIsTemplate(value) {
		return strings.TrimSpace(value)
	}
	w.secretVars[name] = true
	return "{{" + name + "}}"
}

func (w *httpfileWriter) items(b *strings.Builder, items []storage.TreeItem, folders []*storage.Folder, c storage.Collection) {
	for _, it := range items {
		switch {
		case it.Folder != nil:
			var vb strings.Builder
			w.variables(&vb, it.Folder.Variables, "variables of the folder "+httpfileOneLine(it.Folder.Name))
			b.WriteString(vb.String())
			w.items(b, it.Children, append(folders, it.Folder), c)
		case it.Request != nil:
			w.request(b, *it.Request, folders, c)
		}
	}
}

func (w *httpfileWriter) request(b *strings.Builder, r storage.Request, folders []*storage.Folder, c storage.Collection) {
	var path []string
	for _, f := range folders {
		path = append(path, httpfileOneLine(f.Name))
	}
	name := httpfileOneLine(r.Name)
	if name == "" {
		name = curlRequestName(r.Method, r.URL)
	}
	path = append(path, name)
	fmt.Fprintf(b, "### %s\n", strings.Join(path, " / "))
	for _, l := range httpfileLines(r.Description) {
		b.WriteString("# " + l + "\n")
	}

	// Effective auth: the request's, or the nearest ancestor's.
	auth := r.Auth
	if auth.Type == storage.AuthInherit {
		auth = c.Auth
		for i := len(folders) - 1; i >= 0; i-- {
			if t := folders[i].Auth.Type; t != "" && t != storage.AuthInherit {
				auth = folders[i].Auth
				break
			}
		}
	}
	// Effective headers: collection, folders, request; nearer wins.
	var headers []storage.KeyValue
	add := func(rows []storage.KeyValue, override bool) {
		for _, h := range rows {
			if !h.Enabled {
				continue
			}
			if override {
				kept := headers[:0]
				for _, e := range headers {
					if !strings.EqualFold(e.Key, h.Key) {
						kept = append(kept, e)
					}
				}
				headers = kept
			}
			headers = append(headers, h)
		}
	}
	add(c.Headers, true)
	for _, f := range folders {
		add(f.Headers, true)
	}
	add(r.Headers, false)

	s := r.Settings
	if s.NoFollow {
		b.WriteString("# @no-redirect\n")
	}
	if s.TimeoutMs > 0 {
		fmt.Fprintf(b, "# @timeout %d ms\n", s.TimeoutMs)
	}
	if s.ConnectTimeoutMs > 0 {
		fmt.Fprintf(b, "# @connection-timeout %d ms\n", s.ConnectTimeoutMs)
	}
	if s.Insecure {
		b.WriteString("# Knock: TLS certificate verification is off for this request\n")
	}
	if s.CAFile != "" {
		fmt.Fprintf(b, "# Knock: CA file %s\n", httpfileOneLine(s.CAFile))
	}
	if s.ClientCert != "" {
		fmt.Fprintf(b, "# Knock: client certificate %s\n", httpfileOneLine(s.ClientCert))
	}
	if s.Proxy != "" {
		p := s.Proxy
		if pu, err := url.Parse(p); err == nil {
			pu.User = nil
			p = pu.String()
		}
		fmt.Fprintf(b, "# Knock: proxy %s\n", httpfileOneLine(p))
	}

	u := r.URL
	var extra []string
	for _, p := range r.Params {
		if p.Enabled {
			extra = append(extra, url.QueryEscape(p.Key)+"="+url.QueryEscape(p.Value))
		}
	}
	authHeader := ""
	switch strings.ToLower(auth.Type) {
	case "", storage.AuthNone, storage.AuthInherit:
	case "basic", "digest":
		scheme := "Basic"
		if strings.EqualFold(auth.Type, "digest") {
			scheme = "Digest"
		}
		authHeader = scheme + " " + auth.Params["username"] + " " + w.secretRef(auth.Params["password"], "password")
	case "bearer":
		prefix := strings.TrimSpace(auth.Params["prefix"])
		if prefix == "" {
			prefix = "Bearer"
		}
		authHeader = prefix + " " + w.secretRef(auth.Params["token"], "token")
	case "apikey":
		v := w.secretRef(auth.Params["value"], "apiKey")
		if strings.EqualFold(auth.Params["in"], "query") {
			extra = append(extra, url.QueryEscape(auth.Params["key"])+"="+v)
		} else {
			headers = append(headers, storage.KeyValue{Key: auth.Params["key"], Value: v, Enabled: true})
		}
	case "header":
		headers = append(headers, storage.KeyValue{Key: auth.Params["name"], Value: w.secretRef(auth.Params["value"], "headerValue"), Enabled: true})
	case "awsv4":
		authHeader = "AWS " + auth.Params["accessKey"] + " " + w.secretRef(auth.Params["secretKey"], "secretKey")
		if auth.Params["sessionToken"] != "" {
			authHeader += " token:" + w.secretRef(auth.Params["sessionToken"], "sessionToken")
		}
		for _, k := range []string{"region", "service"} {
			if v := auth.Params[k]; v != "" {
				authHeader += " " + k + ":" + v
			}
		}
		b.WriteString("# The AWS signature is httpyac's Authorization shorthand.\n")
	default:
		fmt.Fprintf(b, "# Knock: auth %s is not written: set it up in your HTTP client\n", httpfileOneLine(auth.Type))
	}
	if len(extra) > 0 {
		u += codegenQuerySep(u) + strings.Join(extra, "&")
	}
	method := strings.TrimSpace(r.Method)
	if method == "" {
		method = "GET"
	}
	fmt.Fprintf(b, "%s %s\n", method, httpfileOneLine(u))

	hasCT := false
	for _, h := range headers {
		v := h.Value
		if codegenIsSensitiveHeader(h.Key) || h.SecretRef != "" {
			v = w.secretRef(v, strings.ToLower(strings.ReplaceAll(h.Key, "-", "")))
		}
		if strings.EqualFold(h.Key, "Content-Type") {
			if r.Body.Mode == storage.BodyFormData {
				continue // the boundary below replaces it
			}
			hasCT = true
		}
		fmt.Fprintf(b, "%s: %s\n", h.Key, httpfileOneLine(v))
	}
	if authHeader != "" {
		fmt.Fprintf(b, "Authorization: %s\n", authHeader)
	}
	body := codegenBody(r.Body)
	if ct := codegenContentType(body); ct != "" && !hasCT {
		fmt.Fprintf(b, "Content-Type: %s\n", ct)
	}
	switch body.Mode {
	case storage.BodyRaw:
		b.WriteString("\n" + strings.ReplaceAll(body.Raw, "\r\n", "\n") + "\n")
	case storage.BodyURLEncoded:
		var parts []string
		for _, f := range body.Form {
			parts = append(parts, url.QueryEscape(f.Key)+"="+url.QueryEscape(f.Value))
		}
		b.WriteString("\n" + strings.Join(parts, "&") + "\n")
	case storage.BodyFormData:
		fmt.Fprintf(b, "Content-Type: multipart/form-data; boundary=%s\n\n", httpfileBoundary)
		for _, p := range body.Multipart {
			b.WriteString("--" + httpfileBoundary + "\n")
			if p.File != "" {
				fmt.Fprintf(b, "Content-Disposition: form-data; name=\"%s\"; filename=\"%s\"\n", codegenEscapeQuotes(p.Key), codegenEscapeQuotes(httpfileBase(p.File)))
				fmt.Fprintf(b, "Content-Type: %s\n\n< %s\n", codegenPartType(p), p.File)
				continue
			}
			fmt.Fprintf(b, "Content-Disposition: form-data; name=\"%s\"\n", codegenEscapeQuotes(p.Key))
			if p.ContentType != "" {
				fmt.Fprintf(b, "Content-Type: %s\n", p.ContentType)
			}
			b.WriteString("\n" + p.Value + "\n")
		}
		b.WriteString("--" + httpfileBoundary + "--\n")
	case storage.BodyFile:
		b.WriteString("\n< " + body.File + "\n")
	case storage.BodyGraphQL:
		b.WriteString("\n" + codegenGraphQLJSON(body.GraphQL) + "\n")
	}
	b.WriteString("\n")
}

func httpfileBase(p string) string {
	p = strings.ReplaceAll(p, `\`, "/")
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// httpfileOneLine keeps a value on one line of the file.
func httpfileOneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}

func httpfileLines(s string) []string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
