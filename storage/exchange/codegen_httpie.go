package exchange

import (
	"strconv"
	"strings"

	"github.com/knockhttp/knock/storage"
)

// codegenHTTPie writes an HTTPie 3 command (https://httpie.io/docs/cli):
// http [flags] METHOD URL ITEM…, with Header:value items, --form or
// --multipart name=value and name@file items, and --raw for a raw body (a
// body file is read with the shell's < redirection). Keys that hold one of
// HTTPie's item separators are escaped with a backslash.
func codegenHTTPie(r storage.Request, opts GenOptions) string {
	c := codegenPrepare(r, opts)
	q := func(v codegenValue) string { return curlShellQuoteEnv(v) }
	var flags, items []string
	redirect := ""

	switch c.body.Mode {
	case storage.BodyURLEncoded:
		flags = append(flags, "--form")
		for _, f := range c.body.Form {
			items = append(items, curlShellQuote(codegenHTTPieKey(f.Key)+"="+f.Value))
		}
	case storage.BodyFormData:
		flags = append(flags, "--multipart")
		for _, p := range c.body.Multipart {
			switch {
			case p.File != "":
				items = append(items, curlShellQuote(codegenHTTPieKey(p.Key)+"@"+p.File+";type="+codegenPartType(p)))
			default:
				if p.ContentType != "" {
					c.note("HTTPie sends text fields without a Content-Type; the %q field's %s is not sent", p.Key, p.ContentType)
				}
				items = append(items, curlShellQuote(codegenHTTPieKey(p.Key)+"="+p.Value))
			}
		}
	case storage.BodyRaw:
		flags = append(flags, "--raw", curlShellQuote(c.body.Raw))
	case storage.BodyGraphQL:
		flags = append(flags, "--raw", curlShellQuote(codegenGraphQLJSON(c.body.GraphQL)))
	case storage.BodyFile:
		redirect = " < " + curlShellQuote(c.body.File)
	}

	for _, h := range c.headers {
		if c.body.Mode == storage.BodyFormData && strings.EqualFold(h.name, "Content-Type") || h.auto && c.body.Mode == storage.BodyURLEncoded {
			continue // --multipart and --form set it
		}
		if h.value.empty() {
			items = append(items, curlShellQuote(codegenHTTPieKey(h.name)+";"))
			continue
		}
		items = append(items, q(codegenCat(codegenLit(codegenHTTPieKey(h.name)+":"), h.value)))
	}

	get := func(k string) codegenValue {
		if v, ok := c.auth[k]; ok {
			return v
		}
		return codegenLit("")
	}
	switch c.authType {
	case "":
	case "basic":
		flags = append(flags, "-a", q(codegenCat(get("username"), codegenLit(":"), get("password"))))
	case "digest":
		flags = append(flags, "-A", "digest", "-a", q(codegenCat(get("username"), codegenLit(":"), get("password"))))
	case "ntlm":
		user := get("username")
		if d := c.authRaw["domain"]; d != "" {
			user = codegenCat(codegenLit(d+`\`), user)
		}
		c.note("NTLM needs the httpie-ntlm plugin")
		flags = append(flags, "-A", "ntlm", "-a", q(codegenCat(user, codegenLit(":"), get("password"))))
	case "negotiate":
		c.note("Kerberos needs the httpie-negotiate plugin and a ticket from kinit")
		flags = append(flags, "-A", "negotiate")
	default:
		codegenUnsupportedAuth(c, "HTTPie")
	}

	s := c.s
	switch {
	case s.Insecure:
		flags = append(flags, "--verify=no")
	case s.CAFile != "":
		flags = append(flags, "--verify="+curlShellQuote(s.CAFile))
	}
	if s.ClientCert != "" {
		flags = append(flags, "--cert="+curlShellQuote(s.ClientCert))
		if s.ClientKey != "" {
			flags = append(flags, "--cert-key="+curlShellQuote(s.ClientKey))
		}
		if !c.certPass.empty() {
			flags = append(flags, "--cert-key-pass="+q(c.certPass))
		}
	}
	if len(c.proxy) > 0 {
		proxy := c.proxy
		if pa := c.proxyAuth; pa != nil {
			scheme, rest, ok := strings.Cut(proxy.plain(), "://")
			if ok && !proxy.hasEnv() {
				proxy = codegenCat(codegenLit(scheme+"://"), pa["username"], codegenLit(":"), pa["password"], codegenLit("@"+rest))
			}
		}
		flags = append(flags, "--proxy="+q(codegenCat(codegenLit("http:"), proxy)), "--proxy="+q(codegenCat(codegenLit("https:"), proxy)))
	}
	if !s.NoFollow {
		flags = append(flags, "--follow")
		if s.MaxRedirects > 0 {
			flags = append(flags, "--max-redirects="+strconv.Itoa(s.MaxRedirects))
		}
	}
	if s.TimeoutMs > 0 {
		flags = append(flags, "--timeout="+curlSeconds(s.TimeoutMs))
	}

	var b strings.Builder
	codegenNotes(&b, "#", c)
	words := append([]string{"http"}, flags...)
	words = append(words, curlShellQuote(c.method), q(c.url))
	words = append(words, items...)
	b.WriteString(strings.Join(words, " ") + redirect + "\n")
	return b.String()
}

// codegenHTTPieKey escapes HTTPie's item separators (: = @ ; and \) in a
// key, so that the key is read whole.
func codegenHTTPieKey(k string) string {
	return strings.NewReplacer(`\`, `\\`, ":", `\:`, "=", `\=`, "@", `\@`, ";", `\;`).Replace(k)
}
