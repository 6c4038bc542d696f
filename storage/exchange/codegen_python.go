package exchange

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/knockhttp/knock/storage"
)

// codegenPython writes a script for Python requests, in the style of the
// requests documentation: requests.get(url, auth=HTTPBasicAuth(user,
// password)), HTTPDigestAuth, and requests_oauthlib.OAuth1 for OAuth 1.0.
// NTLM, Kerberos, AWS and EdgeGrid use the companion packages the requests
// documentation points to (requests-ntlm, requests-kerberos,
// requests-aws4auth, edgegrid-python).
func codegenPython(r storage.Request, opts GenOptions) string {
	c := codegenPrepare(r, opts)
	fromImports := []string{}
	var pre []string // statements before the call
	var args []string

	args = append(args, "url")
	pre = append(pre, "url = "+codegenPyExpr(c.url))

	// Headers: a dict; repeated names are joined as HTTP allows
	// (RFC 9110 §5.3), cookies with "; ".
	type hdr struct {
		name string
		vals []codegenValue
	}
	var hs []*hdr
	for _, h := range c.headers {
		if h.auto && c.body.Mode == storage.BodyURLEncoded {
			continue // requests sets it for data=[…]
		}
		found := false
		for _, e := range hs {
			if strings.EqualFold(e.name, h.name) {
				e.vals = append(e.vals, h.value)
				found = true
			}
		}
		if !found {
			hs = append(hs, &hdr{name: h.name, vals: []codegenValue{h.value}})
		}
	}
	if len(hs) > 0 {
		var b strings.Builder
		b.WriteString("headers = {\n")
		for _, h := range hs {
			sep := ", "
			if strings.EqualFold(h.name, "Cookie") {
				sep = "; "
			}
			var parts []codegenValue
			for i, v := range h.vals {
				if i > 0 {
					parts = append(parts, codegenLit(sep))
				}
				parts = append(parts, v)
			}
			fmt.Fprintf(&b, "    %s: %s,\n", codegenJSONString(h.name), codegenPyExpr(codegenCat(parts...)))
		}
		b.WriteString("}")
		pre = append(pre, b.String())
		args = append(args, "headers=headers")
	}

	switch c.body.Mode {
	case storage.BodyRaw:
		pre = append(pre, "data = "+codegenPyText(c.body.Raw)+`.encode("utf-8")`)
		args = append(args, "data=data")
	case storage.BodyGraphQL:
		pre = append(pre, "data = "+codegenPyText(codegenGraphQLJSON(c.body.GraphQL))+`.encode("utf-8")`)
		args = append(args, "data=data")
	case storage.BodyURLEncoded:
		var b strings.Builder
		b.WriteString("data = [\n")
		for _, f := range c.body.Form {
			fmt.Fprintf(&b, "    (%s, %s),\n", codegenJSONString(f.Key), codegenJSONString(f.Value))
		}
		b.WriteString("]")
		pre = append(pre, b.String())
		args = append(args, "data=data")
	case storage.BodyFormData:
		var b strings.Builder
		b.WriteString("files = [\n")
		for _, p := range c.body.Multipart {
			switch {
			case p.File != "":
				fmt.Fprintf(&b, "    (%s, (%s, open(%s, \"rb\"), %s)),\n", codegenJSONString(p.Key),
					codegenJSONString(filepath.Base(p.File)), codegenJSONString(p.File), codegenJSONString(codegenPartType(p)))
			case p.ContentType != "":
				fmt.Fprintf(&b, "    (%s, (None, %s, %s)),\n", codegenJSONString(p.Key), codegenJSONString(p.Value), codegenJSONString(p.ContentType))
			default:
				fmt.Fprintf(&b, "    (%s, (None, %s)),\n", codegenJSONString(p.Key), codegenJSONString(p.Value))
			}
		}
		b.WriteString("]")
		pre = append(pre, b.String())
		args = append(args, "files=files")
	case storage.BodyFile:
		args = append(args, "data=open("+codegenJSONString(c.body.File)+`, "rb")`)
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
		fromImports = append(fromImports, "from requests.auth import HTTPBasicAuth")
		args = append(args, fmt.Sprintf("auth=HTTPBasicAuth(%s, %s)", codegenPyExpr(get("username")), codegenPyExpr(get("password"))))
	case "digest":
		fromImports = append(fromImports, "from requests.auth import HTTPDigestAuth")
		args = append(args, fmt.Sprintf("auth=HTTPDigestAuth(%s, %s)", codegenPyExpr(get("username")), codegenPyExpr(get("password"))))
	case "oauth1":
		fromImports = append(fromImports, "from requests_oauthlib import OAuth1")
		oa := []string{codegenPyExpr(get("consumerKey"))}
		kw := func(name, param string) {
			if v := get(param); !v.empty() {
				oa = append(oa, name+"="+codegenPyExpr(v))
			}
		}
		kw("client_secret", "consumerSecret")
		kw("resource_owner_key", "token")
		kw("resource_owner_secret", "tokenSecret")
		kw("callback_uri", "callback")
		kw("verifier", "verifier")
		kw("rsa_key", "privateKey")
		kw("realm", "realm")
		kw("nonce", "nonce")
		kw("timestamp", "timestamp")
		if m := c.authRaw["signatureMethod"]; m != "" && m != "HMAC-SHA1" {
			oa = append(oa, "signature_method="+codegenJSONString(m))
		}
		switch codegenOAuth1Placement(c.authRaw) {
		case "query":
			oa = append(oa, `signature_type="query"`)
		case "body":
			oa = append(oa, `signature_type="body"`)
		}
		if c.authRaw["includeBodyHash"] == "true" {
			c.note("OAuth 1.0 oauth_body_hash is not added by requests_oauthlib")
		}
		args = append(args, "auth=OAuth1("+strings.Join(oa, ", ")+")")
	case "ntlm":
		fromImports = append(fromImports, "from requests_ntlm import HttpNtlmAuth  # pip install requests-ntlm")
		user := get("username")
		if d := c.authRaw["domain"]; d != "" {
			user = codegenCat(codegenLit(d+`\`), user)
		}
		args = append(args, fmt.Sprintf("auth=HttpNtlmAuth(%s, %s)", codegenPyExpr(user), codegenPyExpr(get("password"))))
	case "negotiate":
		fromImports = append(fromImports, "from requests_kerberos import HTTPKerberosAuth  # pip install requests-kerberos")
		args = append(args, "auth=HTTPKerberosAuth()")
		if c.authRaw["password"] != "" || c.authRaw["keytab"] != "" {
			c.note("Kerberos: requests-kerberos uses the ticket in the credential cache; run kinit first")
		}
	case "awsv4":
		fromImports = append(fromImports, "from requests_aws4auth import AWS4Auth  # pip install requests-aws4auth")
		aa := []string{codegenPyExpr(get("accessKey")), codegenPyExpr(get("secretKey")), codegenPyExpr(get("region")), codegenPyExpr(get("service"))}
		if tok := get("sessionToken"); !tok.empty() {
			aa = append(aa, "session_token="+codegenPyExpr(tok))
		}
		args = append(args, "auth=AWS4Auth("+strings.Join(aa, ", ")+")")
	case "edgegrid":
		fromImports = append(fromImports, "from akamai.edgegrid import EdgeGridAuth  # pip install edgegrid-python")
		args = append(args, fmt.Sprintf("auth=EdgeGridAuth(client_token=%s, client_secret=%s, access_token=%s)",
			codegenPyExpr(get("clientToken")), codegenPyExpr(get("clientSecret")), codegenPyExpr(get("accessToken"))))
	case "netrc":
		if f := c.authRaw["file"]; f != "" {
			pre = append([]string{"os.environ[\"NETRC\"] = " + codegenJSONString(f) + "  # requests reads the netrc file NETRC names"}, pre...)
			c.usesEnv = true
		} else {
			c.note("netrc: requests reads ~/.netrc by itself when no auth is given")
		}
	default:
		codegenUnsupportedAuth(c, "Python")
	}

	s := c.s
	switch {
	case s.Insecure:
		args = append(args, "verify=False")
	case s.CAFile != "":
		args = append(args, "verify="+codegenJSONString(s.CAFile))
	}
	if s.ClientCert != "" {
		if s.ClientKey != "" {
			args = append(args, fmt.Sprintf("cert=(%s, %s)", codegenJSONString(s.ClientCert), codegenJSONString(s.ClientKey)))
		} else {
			args = append(args, "cert="+codegenJSONString(s.ClientCert))
		}
		if !c.certPass.empty() {
			c.note("requests cannot unlock an encrypted key or a PKCS#12 file; decrypt it first")
		}
	}
	if len(c.proxy) > 0 || c.proxyAuth != nil {
		proxy := c.proxy
		if pa := c.proxyAuth; pa != nil && len(proxy) > 0 {
			scheme, rest, ok := strings.Cut(proxy.plain(), "://")
			if ok && !proxy.hasEnv() {
				proxy = codegenCat(codegenLit(scheme+"://"), pa["username"], codegenLit(":"), pa["password"], codegenLit("@"+rest))
			}
			if t := pa["type"].plain(); t != "basic" {
				c.note("requests authenticates to proxies with Basic only (not %s)", t)
			}
		}
		if len(proxy) > 0 {
			pre = append(pre, fmt.Sprintf("proxies = {\"http\": %s, \"https\": %s}", codegenPyExpr(proxy), codegenPyExpr(proxy)))
			args = append(args, "proxies=proxies")
		}
	}
	if s.NoFollow {
		args = append(args, "allow_redirects=False")
	} else if strings.EqualFold(c.method, "HEAD") {
		args = append(args, "allow_redirects=True")
	}
	if s.MaxRedirects > 0 && !s.NoFollow {
		c.note("requests follows up to 30 redirects (a Session's max_redirects changes it), not %d", s.MaxRedirects)
	}
	if s.TimeoutMs > 0 || s.ConnectTimeoutMs > 0 {
		read := "None"
		if s.TimeoutMs > 0 {
			read = curlSeconds(s.TimeoutMs)
		}
		if s.ConnectTimeoutMs > 0 {
			args = append(args, fmt.Sprintf("timeout=(%s, %s)", curlSeconds(s.ConnectTimeoutMs), read))
		} else {
			args = append(args, "timeout="+read)
		}
	}

	var call string
	switch m := strings.ToUpper(c.method); m {
	case "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS":
		if m == c.method {
			call = "requests." + strings.ToLower(m) + "("
			break
		}
		fallthrough
	default:
		call = "requests.request(" + codegenJSONString(c.method) + ", "
	}

	var b strings.Builder
	codegenNotes(&b, "#", c)
	if c.usesEnv {
		b.WriteString("import os\n\n")
	}
	b.WriteString("import requests\n")
	for _, imp := range fromImports {
		b.WriteString(imp + "\n")
	}
	b.WriteString("\n")
	for _, st := range pre {
		b.WriteString(st + "\n")
	}
	b.WriteString("\nresponse = " + call + strings.Join(args, ", ") + ")\n\n")
	b.WriteString("print(response.status_code)\nprint(response.text)\n")
	return b.String()
}

// codegenOAuth1Placement is where OAuth 1.0 parameters go: header, query
// or body (Knock's placement, or Postman's addParamsToHeader=false).
func codegenOAuth1Placement(p map[string]string) string {
	if pl := strings.ToLower(p["placement"]); pl != "" {
		return pl
	}
	if p["addParamsToHeader"] == "false" {
		return "body"
	}
	return "header"
}

// codegenPyExpr writes a value as a Python expression: a string literal,
// os.environ["…"], or their concatenation.
func codegenPyExpr(v codegenValue) string {
	var parts []string
	for _, p := range v {
		if p.env != "" {
			parts = append(parts, "os.environ["+codegenJSONString(p.env)+"]")
		} else if p.text != "" || len(v) == 1 {
			parts = append(parts, codegenJSONString(p.text))
		}
	}
	if len(parts) == 0 {
		return `""`
	}
	return strings.Join(parts, " + ")
}

// codegenPyText writes a long text as a Python literal, one line of the
// text per source line when it has line breaks.
func codegenPyText(s string) string {
	if !strings.Contains(s, "\n") || strings.Count(s, "\n") > 500 {
		return codegenJSONString(s)
	}
	lines := strings.SplitAfter(s, "\n")
	var b strings.Builder
	b.WriteString("(\n")
	for _, l := range lines {
		if l == "" {
			continue
		}
		b.WriteString("    " + codegenJSONString(l) + "\n")
	}
	b.WriteString(")")
	return b.String()
}
