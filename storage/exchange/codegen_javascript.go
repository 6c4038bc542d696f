package exchange

import (
	"encoding/base64"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/knockhttp/knock/storage"
)

// codegenJS writes a fetch call (the Fetch standard, in browsers and in
// Node.js 18 and later). Files and placeholders are read with Node.js
// (node:fs, process.env). Basic auth is written as its header; fetch
// cannot do Digest, NTLM, Kerberos, OAuth 1.0, AWS, Hawk, EdgeGrid or JWT,
// TLS settings or proxies, which are named in a comment.
func codegenJS(r storage.Request, opts GenOptions) string {
	c := codegenPrepare(r, opts)
	get := func(k string) codegenValue {
		if v, ok := c.auth[k]; ok {
			return v
		}
		return codegenLit("")
	}
	basic := codegenValue(nil)
	switch c.authType {
	case "":
	case "basic":
		cred := codegenCat(get("username"), codegenLit(":"), get("password"))
		if !cred.hasEnv() {
			basic = codegenLit("Basic " + base64.StdEncoding.EncodeToString([]byte(cred.plain())))
		} else {
			basic = cred // encoded at run time below
		}
	default:
		codegenUnsupportedAuth(c, "fetch")
	}
	s := c.s
	if s.Insecure || s.CAFile != "" || s.ClientCert != "" {
		c.note("fetch has no TLS options; in Node.js set NODE_EXTRA_CA_CERTS or NODE_TLS_REJECT_UNAUTHORIZED=0 (unsafe) instead")
	}
	if len(c.proxy) > 0 {
		c.note("fetch has no proxy option; the proxy %s is not used", strings.SplitN(c.proxy.plain(), "@", 2)[len(strings.SplitN(c.proxy.plain(), "@", 2))-1])
	}
	if s.MaxRedirects > 0 && !s.NoFollow {
		c.note("fetch follows up to 20 redirects, not %d", s.MaxRedirects)
	}
	if s.ConnectTimeoutMs > 0 {
		c.note("fetch has no connect timeout; only the overall timeout is set")
	}

	needFS := false
	var pre []string
	var fields []string
	if c.method != "GET" {
		fields = append(fields, "method: "+codegenJSONString(c.method)+",")
	}
	headers := c.headers
	if c.body.Mode == storage.BodyFormData {
		var kept []codegenHeader
		for _, h := range headers {
			if !strings.EqualFold(h.name, "Content-Type") {
				kept = append(kept, h)
			}
		}
		headers = kept
	}
	var hl []string
	dup := map[string]bool{}
	hasDup := false
	for _, h := range headers {
		k := strings.ToLower(h.name)
		if dup[k] {
			hasDup = true
		}
		dup[k] = true
	}
	for _, h := range headers {
		if hasDup {
			hl = append(hl, fmt.Sprintf("[%s, %s],", codegenJSONString(h.name), codegenJSExpr(h.value)))
		} else {
			hl = append(hl, fmt.Sprintf("%s: %s,", codegenJSONString(h.name), codegenJSExpr(h.value)))
		}
	}
	if basic != nil {
		expr := codegenJSExpr(basic)
		if basic.hasEnv() {
			expr = `"Basic " + Buffer.from(` + codegenJSExpr(basic) + `).toString("base64")`
		}
		if hasDup {
			hl = append(hl, `["Authorization", `+expr+"],")
		} else {
			hl = append(hl, `"Authorization": `+expr+",")
		}
	}
	if len(hl) > 0 {
		open, close := "{", "}"
		if hasDup {
			open, close = "[", "]"
		}
		fields = append(fields, "headers: "+open+"\n    "+strings.Join(hl, "\n    ")+"\n  "+close+",")
	}
	switch c.body.Mode {
	case storage.BodyRaw:
		fields = append(fields, "body: "+codegenJSONString(c.body.Raw)+",")
	case storage.BodyGraphQL:
		fields = append(fields, "body: "+codegenJSONString(codegenGraphQLJSON(c.body.GraphQL))+",")
	case storage.BodyURLEncoded:
		var rows []string
		for _, f := range c.body.Form {
			rows = append(rows, fmt.Sprintf("[%s, %s],", codegenJSONString(f.Key), codegenJSONString(f.Value)))
		}
		fields = append(fields, "body: new URLSearchParams([\n    "+strings.Join(rows, "\n    ")+"\n  ]).toString(),")
	case storage.BodyFormData:
		pre = append(pre, "const form = new FormData();")
		for _, p := range c.body.Multipart {
			switch {
			case p.File != "":
				needFS = true
				pre = append(pre, fmt.Sprintf("form.append(%s, new Blob([fs.readFileSync(%s)], { type: %s }), %s);",
					codegenJSONString(p.Key), codegenJSONString(p.File), codegenJSONString(codegenPartType(p)), codegenJSONString(filepath.Base(p.File))))
			case p.ContentType != "":
				c.note("fetch's FormData sends text fields without a Content-Type; the %q field's %s is not sent", p.Key, p.ContentType)
				fallthrough
			default:
				pre = append(pre, fmt.Sprintf("form.append(%s, %s);", codegenJSONString(p.Key), codegenJSONString(p.Value)))
			}
		}
		fields = append(fields, "body: form,")
	case storage.BodyFile:
		needFS = true
		fields = append(fields, "body: fs.readFileSync("+codegenJSONString(c.body.File)+"),")
	}
	if s.NoFollow {
		fields = append(fields, `redirect: "manual",`)
	}
	if s.TimeoutMs > 0 {
		fields = append(fields, "signal: AbortSignal.timeout("+strconv.FormatInt(s.TimeoutMs, 10)+"),")
	}

	var b strings.Builder
	codegenNotes(&b, "//", c)
	if needFS {
		b.WriteString("const fs = require(\"node:fs\");\n\n")
	}
	for _, p := range pre {
		b.WriteString(p + "\n")
	}
	if len(pre) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("fetch(" + codegenJSExpr(c.url))
	if len(fields) > 0 {
		b.WriteString(", {\n  " + strings.Join(fields, "\n  ") + "\n}")
	}
	b.WriteString(")\n  .then(async (response) => {\n    console.log(response.status);\n    console.log(await response.text());\n  })\n  .catch((err) => console.error(err));\n")
	return b.String()
}

// codegenJSExpr writes a value as a JavaScript string expression.
func codegenJSExpr(v codegenValue) string {
	var parts []string
	for _, p := range v {
		if p.env != "" {
			parts = append(parts, "process.env."+p.env)
		} else if p.text != "" || len(v) == 1 {
			parts = append(parts, codegenJSONString(p.text))
		}
	}
	if len(parts) == 0 {
		return `""`
	}
	return strings.Join(parts, " + ")
}
