package exchange

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/knockhttp/knock/storage"
)

// ExportCurl writes r as one curl command ("Copy as curl", and
// `knock export --format curl`). Every word is quoted for a POSIX shell;
// secrets are "${KNOCK_SECRET_…}" unless opts.IncludeSecrets is set (see
// Generate). What curl cannot do (OAuth 1.0, Hawk, EdgeGrid and JWT
// signing) is named in a comment line above the command. A command
// longer than one screen line is split with backslash-newlines.
//
// Knock follows redirects unless told not to, so the command has -L;
// --compressed is left out although Knock always asks for gzip, deflate
// and br, to keep the command short.
func ExportCurl(r storage.Request, opts GenOptions) string {
	c := codegenPrepare(r, opts)
	var words []string
	add := func(ws ...string) { words = append(words, ws...) }
	q := func(v codegenValue) string { return curlShellQuoteEnv(v) }

	// The method curl would use by itself, and -X when it differs.
	implied := "GET"
	hasBody := c.body.Mode != storage.BodyNone
	if hasBody {
		implied = "POST"
	}
	switch {
	case c.method == "HEAD" && !hasBody:
		add("--head")
	case c.method != implied:
		add("-X", curlShellQuote(c.method))
	}
	add(q(c.url))

	for _, h := range c.headers {
		if h.auto && c.body.Mode == storage.BodyURLEncoded {
			continue // curl sends it with --data-urlencode
		}
		if h.value.empty() {
			add("-H", curlShellQuote(h.name+";"))
			continue
		}
		add("-H", q(codegenCat(codegenLit(h.name+": "), h.value)))
	}

	switch c.body.Mode {
	case storage.BodyRaw:
		add("--data-raw", curlShellQuote(c.body.Raw))
	case storage.BodyURLEncoded:
		for _, f := range c.body.Form {
			if url.QueryEscape(f.Key) == f.Key && f.Key != "" {
				add("--data-urlencode", curlShellQuote(f.Key+"="+f.Value))
			} else {
				add("--data-raw", curlShellQuote(url.QueryEscape(f.Key)+"="+url.QueryEscape(f.Value)))
			}
		}
		if len(c.body.Form) == 0 {
			add("--data-raw", "''")
		}
	case storage.BodyFormData:
		for _, p := range c.body.Multipart {
			switch {
			case p.File != "":
				add("-F", curlShellQuote(p.Key+"=@"+curlFormQuote(p.File)+";type="+codegenPartType(p)))
			case p.ContentType != "":
				add("-F", curlShellQuote(p.Key+"="+curlFormQuote(p.Value)+";type="+p.ContentType))
			default:
				add("--form-string", curlShellQuote(p.Key+"="+p.Value))
			}
		}
	case storage.BodyFile:
		add("--data-binary", curlShellQuote("@"+c.body.File))
	case storage.BodyGraphQL:
		add("--data-raw", curlShellQuote(codegenGraphQLJSON(c.body.GraphQL)))
	}

	get := func(k string) codegenValue {
		if v, ok := c.auth[k]; ok {
			return v
		}
		return codegenLit("")
	}
	userPass := func(user codegenValue) string {
		return q(codegenCat(user, codegenLit(":"), get("password")))
	}
	switch c.authType {
	case "":
	case "basic":
		add("-u", userPass(get("username")))
	case "digest":
		add("--digest", "-u", userPass(get("username")))
	case "ntlm":
		user := get("username")
		if d := c.authRaw["domain"]; d != "" {
			user = codegenCat(codegenLit(d+`\`), user)
		}
		add("--ntlm", "-u", userPass(user))
	case "negotiate":
		if u := c.authRaw["username"]; u != "" {
			add("--negotiate", "-u", userPass(get("username")))
		} else {
			add("--negotiate", "-u", ":")
		}
	case "awsv4":
		sig := "aws:amz"
		if region, service := c.authRaw["region"], c.authRaw["service"]; region != "" || service != "" {
			sig += ":" + region + ":" + service
		}
		add("--aws-sigv4", curlShellQuote(sig), "-u", q(codegenCat(get("accessKey"), codegenLit(":"), get("secretKey"))))
		if tok := get("sessionToken"); !tok.empty() {
			add("-H", q(codegenCat(codegenLit("X-Amz-Security-Token: "), tok)))
		}
		if c.authRaw["presign"] == "true" {
			c.note("curl: the AWS signature goes in the Authorization header, not in a presigned URL")
		}
	case "netrc":
		switch {
		case c.authRaw["file"] != "":
			add("--netrc-file", curlShellQuote(c.authRaw["file"]))
		case c.authRaw["implicit"] == "true":
			add("--netrc-optional")
		default:
			add("--netrc")
		}
	default:
		codegenUnsupportedAuth(c, "curl")
	}

	s := c.s
	if s.Insecure {
		add("-k")
	}
	if s.CAFile != "" {
		add("--cacert", curlShellQuote(s.CAFile))
	}
	if s.ClientCert != "" {
		add("--cert", curlShellQuote(strings.ReplaceAll(strings.ReplaceAll(s.ClientCert, `\`, `\\`), ":", `\:`)))
		if !c.certPass.empty() {
			add("--pass", q(c.certPass))
		}
	}
	if s.ClientKey != "" {
		add("--key", curlShellQuote(s.ClientKey))
	}
	if len(c.proxy) > 0 {
		add("-x", q(c.proxy))
	}
	if pa := c.proxyAuth; pa != nil {
		typ := pa["type"].plain()
		if typ != "basic" {
			add("--proxy-" + typ)
		}
		add("-U", q(codegenCat(pa["username"], codegenLit(":"), pa["password"])))
	}
	if !s.NoFollow {
		add("-L")
		if s.MaxRedirects > 0 {
			add("--max-redirs", strconv.Itoa(s.MaxRedirects))
		}
	}
	if s.TimeoutMs > 0 {
		add("--max-time", curlSeconds(s.TimeoutMs))
	}
	if s.ConnectTimeoutMs > 0 {
		add("--connect-timeout", curlSeconds(s.ConnectTimeoutMs))
	}

	var b strings.Builder
	codegenNotes(&b, "#", c)
	line := "curl " + strings.Join(words, " ")
	if len(line) <= 100 {
		b.WriteString(line)
	} else {
		b.WriteString("curl")
		for i := 0; i < len(words); i++ {
			b.WriteString(" \\\n  " + words[i])
			// An option and its argument share a line.
			if strings.HasPrefix(words[i], "-") && i+1 < len(words) && !strings.HasPrefix(words[i+1], "-") && curlTakesArg(words[i]) {
				i++
				b.WriteString(" " + words[i])
			}
		}
	}
	b.WriteString("\n")
	return b.String()
}

// curlTakesArg reports whether an option word written by ExportCurl takes
// the next word as its argument.
func curlTakesArg(w string) bool {
	if strings.HasPrefix(w, "--") {
		return curlArgOptions[w[2:]]
	}
	if len(w) == 2 {
		return curlArgOptions[curlShort[w[1]]]
	}
	return false
}

// curlFormQuote quotes a -F value or file name when curl would read its
// ; , or " as syntax.
func curlFormQuote(s string) string {
	if !strings.ContainsAny(s, `;,"\`) && !strings.HasPrefix(s, "@") && !strings.HasPrefix(s, "<") {
		return s
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func curlSeconds(ms int64) string {
	if ms%1000 == 0 {
		return strconv.FormatInt(ms/1000, 10)
	}
	return fmt.Sprintf("%.3f", float64(ms)/1000)
}
