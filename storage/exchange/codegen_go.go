package exchange

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/knockhttp/knock/storage"
)

// codegenGo writes a Go program that sends the request with net/http and
// prints the status and the body. It uses the standard library only;
// Digest, NTLM, Kerberos, OAuth 1.0, AWS, Hawk, EdgeGrid and JWT need a
// library and are named in a comment.
func codegenGo(r storage.Request, opts GenOptions) string {
	c := codegenPrepare(r, opts)
	imports := map[string]bool{"fmt": true, "io": true, "log": true, "net/http": true}
	var body []string // statements that build the body
	bodyExpr := "nil"
	var after []string // statements after NewRequest

	switch c.body.Mode {
	case storage.BodyRaw:
		imports["strings"] = true
		bodyExpr = "strings.NewReader(" + codegenGoText(c.body.Raw) + ")"
	case storage.BodyGraphQL:
		imports["strings"] = true
		bodyExpr = "strings.NewReader(" + codegenGoText(codegenGraphQLJSON(c.body.GraphQL)) + ")"
	case storage.BodyURLEncoded:
		imports["net/url"] = true
		imports["strings"] = true
		body = append(body, "form := url.Values{}")
		for _, f := range c.body.Form {
			body = append(body, fmt.Sprintf("form.Add(%s, %s)", strconv.Quote(f.Key), strconv.Quote(f.Value)))
		}
		bodyExpr = "strings.NewReader(form.Encode())"
	case storage.BodyFormData:
		imports["bytes"] = true
		imports["mime/multipart"] = true
		imports["net/textproto"] = true
		body = append(body, "var body bytes.Buffer", "mw := multipart.NewWriter(&body)")
		for i, p := range c.body.Multipart {
			h := fmt.Sprintf("h%d", i)
			body = append(body, fmt.Sprintf("%s := textproto.MIMEHeader{}", h))
			if p.File != "" {
				imports["os"] = true
				body = append(body,
					fmt.Sprintf("%s.Set(\"Content-Disposition\", %s)", h, strconv.Quote(fmt.Sprintf(`form-data; name="%s"; filename="%s"`, codegenEscapeQuotes(p.Key), codegenEscapeQuotes(filepath.Base(p.File))))),
					fmt.Sprintf("%s.Set(\"Content-Type\", %s)", h, strconv.Quote(codegenPartType(p))),
					fmt.Sprintf("part%d, err := mw.CreatePart(%s)", i, h), "if err != nil {\n\t\tlog.Fatal(err)\n\t}",
					fmt.Sprintf("file%d, err := os.ReadFile(%s)", i, strconv.Quote(p.File)), "if err != nil {\n\t\tlog.Fatal(err)\n\t}",
					fmt.Sprintf("if _, err := part%d.Write(file%d); err != nil {\n\t\tlog.Fatal(err)\n\t}", i, i))
				continue
			}
			body = append(body, fmt.Sprintf("%s.Set(\"Content-Disposition\", %s)", h, strconv.Quote(fmt.Sprintf(`form-data; name="%s"`, codegenEscapeQuotes(p.Key)))))
			if p.ContentType != "" {
				body = append(body, fmt.Sprintf("%s.Set(\"Content-Type\", %s)", h, strconv.Quote(p.ContentType)))
			}
			body = append(body,
				fmt.Sprintf("part%d, err := mw.CreatePart(%s)", i, h), "if err != nil {\n\t\tlog.Fatal(err)\n\t}",
				fmt.Sprintf("if _, err := io.WriteString(part%d, %s); err != nil {\n\t\tlog.Fatal(err)\n\t}", i, strconv.Quote(p.Value)))
		}
		body = append(body, "if err := mw.Close(); err != nil {\n\t\tlog.Fatal(err)\n\t}")
		bodyExpr = "&body"
		if _, ok := c.header("Content-Type"); !ok {
			after = append(after, `req.Header.Set("Content-Type", mw.FormDataContentType())`)
		}
	case storage.BodyFile:
		imports["os"] = true
		body = append(body, fmt.Sprintf("body, err := os.Open(%s)", strconv.Quote(c.body.File)), "if err != nil {\n\t\tlog.Fatal(err)\n\t}", "defer body.Close()")
		bodyExpr = "body"
	}

	for _, h := range c.headers {
		after = append(after, fmt.Sprintf("req.Header.Add(%s, %s)", strconv.Quote(h.name), codegenGoExpr(h.value, imports)))
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
		after = append(after, fmt.Sprintf("req.SetBasicAuth(%s, %s)", codegenGoExpr(get("username"), imports), codegenGoExpr(get("password"), imports)))
	default:
		codegenUnsupportedAuth(c, "Go net/http")
	}

	// The client: TLS, proxy, redirects, timeout.
	var client []string
	var transport []string
	s := c.s
	if s.Insecure || s.CAFile != "" || s.ClientCert != "" {
		imports["crypto/tls"] = true
		tlsFields := []string{}
		if s.Insecure {
			tlsFields = append(tlsFields, "InsecureSkipVerify: true, // Knock's \"verify TLS\" is off for this request")
		}
		if s.CAFile != "" {
			imports["crypto/x509"] = true
			imports["os"] = true
			body = append(body, fmt.Sprintf("caPEM, err := os.ReadFile(%s)", strconv.Quote(s.CAFile)), "if err != nil {\n\t\tlog.Fatal(err)\n\t}",
				"roots := x509.NewCertPool()", "if !roots.AppendCertsFromPEM(caPEM) {\n\t\tlog.Fatal(\"no certificate in the CA file\")\n\t}")
			tlsFields = append(tlsFields, "RootCAs: roots,")
		}
		if s.ClientCert != "" {
			key := s.ClientKey
			if key == "" {
				key = s.ClientCert
			}
			body = append(body, fmt.Sprintf("clientCert, err := tls.LoadX509KeyPair(%s, %s)", strconv.Quote(s.ClientCert), strconv.Quote(key)), "if err != nil {\n\t\tlog.Fatal(err)\n\t}")
			tlsFields = append(tlsFields, "Certificates: []tls.Certificate{clientCert},")
			if !c.certPass.empty() {
				c.note("Go: tls.LoadX509KeyPair reads unencrypted PEM only; decrypt the key (or convert the PKCS#12 file) first")
			}
		}
		transport = append(transport, "TLSClientConfig: &tls.Config{\n\t\t\t"+strings.Join(tlsFields, "\n\t\t\t")+"\n\t\t},")
	}
	if len(c.proxy) > 0 {
		imports["net/url"] = true
		proxy := c.proxy
		if pa := c.proxyAuth; pa != nil {
			scheme, rest, ok := strings.Cut(proxy.plain(), "://")
			if ok && !proxy.hasEnv() {
				proxy = codegenCat(codegenLit(scheme+"://"), pa["username"], codegenLit(":"), pa["password"], codegenLit("@"+rest))
			}
		}
		body = append(body, fmt.Sprintf("proxyURL, err := url.Parse(%s)", codegenGoExpr(proxy, imports)), "if err != nil {\n\t\tlog.Fatal(err)\n\t}")
		transport = append(transport, "Proxy: http.ProxyURL(proxyURL),")
	}
	if len(transport) > 0 {
		client = append(client, "Transport: &http.Transport{\n\t\t\t"+strings.Join(strings.Split(strings.Join(transport, "\n"), "\n"), "\n\t\t")+"\n\t\t},")
	}
	if s.NoFollow {
		client = append(client, "CheckRedirect: func(*http.Request, []*http.Request) error {\n\t\t\treturn http.ErrUseLastResponse // do not follow redirects\n\t\t},")
	} else if s.MaxRedirects > 0 {
		imports["errors"] = true
		client = append(client, fmt.Sprintf("CheckRedirect: func(_ *http.Request, via []*http.Request) error {\n\t\t\tif len(via) >= %d {\n\t\t\t\treturn errors.New(\"stopped after %d redirects\")\n\t\t\t}\n\t\t\treturn nil\n\t\t},", s.MaxRedirects, s.MaxRedirects))
	}
	if s.TimeoutMs > 0 {
		imports["time"] = true
		client = append(client, "Timeout: "+codegenGoDuration(s.TimeoutMs)+",")
	}
	if s.ConnectTimeoutMs > 0 {
		c.note("Go: the connect timeout (%d ms) needs a net.Dialer with a Timeout in the Transport", s.ConnectTimeoutMs)
	}

	var b strings.Builder
	b.WriteString("package main\n\n")
	codegenNotes(&b, "//", c)
	if len(c.notes) > 0 {
		b.WriteString("\n")
	}
	var imps []string
	for k := range imports {
		imps = append(imps, k)
	}
	sort.Strings(imps)
	b.WriteString("import (\n")
	for _, k := range imps {
		b.WriteString("\t" + strconv.Quote(k) + "\n")
	}
	b.WriteString(")\n\nfunc main() {\n")
	for _, st := range body {
		b.WriteString("\t" + st + "\n")
	}
	fmt.Fprintf(&b, "\treq, err := http.NewRequest(%s, %s, %s)\n", strconv.Quote(c.method), codegenGoExpr(c.url, imports), bodyExpr)
	b.WriteString("\tif err != nil {\n\t\tlog.Fatal(err)\n\t}\n")
	for _, st := range after {
		b.WriteString("\t" + st + "\n")
	}
	if len(client) == 0 {
		b.WriteString("\n\tclient := &http.Client{}\n")
	} else {
		b.WriteString("\n\tclient := &http.Client{\n")
		for _, f := range client {
			b.WriteString("\t\t" + f + "\n")
		}
		b.WriteString("\t}\n")
	}
	b.WriteString("\tresp, err := client.Do(req)\n\tif err != nil {\n\t\tlog.Fatal(err)\n\t}\n\tdefer resp.Body.Close()\n")
	b.WriteString("\trespBody, err := io.ReadAll(resp.Body)\n\tif err != nil {\n\t\tlog.Fatal(err)\n\t}\n")
	b.WriteString("\tfmt.Println(resp.Status)\n\tfmt.Println(string(respBody))\n}\n")
	return b.String()
}

// codegenGoExpr writes a value as a Go string expression.
func codegenGoExpr(v codegenValue, imports map[string]bool) string {
	var parts []string
	for _, p := range v {
		if p.env != "" {
			imports["os"] = true
			parts = append(parts, "os.Getenv("+strconv.Quote(p.env)+")")
		} else if p.text != "" || len(v) == 1 {
			parts = append(parts, strconv.Quote(p.text))
		}
	}
	if len(parts) == 0 {
		return `""`
	}
	return strings.Join(parts, " + ")
}

// codegenGoText writes a body as a raw string literal when it can be one.
func codegenGoText(s string) string {
	if strings.Contains(s, "\n") && !strings.ContainsAny(s, "`\r") && utf8.ValidString(s) && !strings.ContainsRune(s, '\ufeff') {
		return "`" + s + "`"
	}
	return strconv.Quote(s)
}

func codegenGoDuration(ms int64) string {
	d := time.Duration(ms) * time.Millisecond
	if d%time.Second == 0 {
		return fmt.Sprintf("%d * time.Second", d/time.Second)
	}
	return fmt.Sprintf("%d * time.Millisecond", ms)
}

// codegenEscapeQuotes escapes a multipart name as mime/multipart does.
func codegenEscapeQuotes(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}
