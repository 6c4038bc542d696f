package exchange

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mccutchen/go-httpbin/v2/httpbin"

	"github.com/knockhttp/knock/storage"
)

// codegenSeen is what the test server received.
type codegenSeen struct {
	method string
	url    *url.URL
	header http.Header
	body   []byte
}

type codegenCapture struct {
	mu   sync.Mutex
	seen []codegenSeen
}

func (c *codegenCapture) last(t *testing.T) codegenSeen {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.seen) == 0 {
		t.Fatal("the server received no request")
	}
	return c.seen[len(c.seen)-1]
}

func (c *codegenCapture) reset() {
	c.mu.Lock()
	c.seen = nil
	c.mu.Unlock()
}

// codegenServer records every request; /oauth1 also checks an OAuth 1.0
// HMAC-SHA1 signature made with the secrets "cs" and "ts".
func codegenServer(t *testing.T) (*httptest.Server, *codegenCapture) {
	t.Helper()
	capt := &codegenCapture{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		u := *r.URL
		capt.mu.Lock()
		capt.seen = append(capt.seen, codegenSeen{method: r.Method, url: &u, header: r.Header.Clone(), body: body})
		capt.mu.Unlock()
		if r.URL.Path == "/oauth1" {
			if err := codegenCheckOAuth1(r, body, "cs", "ts"); err != nil {
				http.Error(w, err.Error(), http.StatusUnauthorized)
				return
			}
		}
		fmt.Fprint(w, "seen")
	}))
	t.Cleanup(srv.Close)
	return srv, capt
}

// codegenCheckOAuth1 verifies an RFC 5849 §3.4 HMAC-SHA1 signature.
func codegenCheckOAuth1(r *http.Request, body []byte, consumerSecret, tokenSecret string) error {
	h := r.Header.Get("Authorization")
	if !strings.HasPrefix(h, "OAuth ") {
		return fmt.Errorf("no OAuth Authorization header: %q", h)
	}
	enc := func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
	params := map[string][]string{}
	var sig string
	for _, part := range strings.Split(h[6:], ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		v, _ = url.PathUnescape(strings.Trim(v, `"`))
		switch k {
		case "oauth_signature":
			sig = v
		case "realm":
		default:
			params[k] = append(params[k], v)
		}
	}
	for k, vs := range r.URL.Query() {
		params[k] = append(params[k], vs...)
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		form, _ := url.ParseQuery(string(body))
		for k, vs := range form {
			params[k] = append(params[k], vs...)
		}
	}
	var pairs []string
	for k, vs := range params {
		for _, v := range vs {
			pairs = append(pairs, enc(k)+"="+enc(v))
		}
	}
	sort.Strings(pairs)
	base := r.Method + "&" + enc("http://"+r.Host+r.URL.Path) + "&" + enc(strings.Join(pairs, "&"))
	mac := hmac.New(sha1.New, []byte(enc(consumerSecret)+"&"+enc(tokenSecret)))
	mac.Write([]byte(base))
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	if sig != want {
		return fmt.Errorf("bad signature %q, want %q (base %s)", sig, want, base)
	}
	return nil
}

// codegenPython3 finds a python3 that has requests and requests_oauthlib.
func codegenPython3(t *testing.T) string {
	t.Helper()
	cands := []string{"/usr/bin/python3"}
	if p, err := exec.LookPath("python3"); err == nil {
		cands = append(cands, p)
	}
	for _, p := range cands {
		if err := exec.Command(p, "-c", "import requests, requests_oauthlib").Run(); err == nil {
			return p
		}
	}
	t.Fatal("no python3 with requests and requests_oauthlib: install the Debian packages python3-requests and python3-requests-oauthlib (.ci/deps.sh test)")
	return ""
}

// codegenRun runs generated code and returns its standard output.
func codegenRun(t *testing.T, lang, code string, env []string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	dir := t.TempDir()
	var cmd *exec.Cmd
	switch lang {
	case "curl":
		if _, err := exec.LookPath("curl"); err != nil {
			t.Fatal("curl is not installed (Debian package curl, .ci/deps.sh test)")
		}
		cmd = exec.CommandContext(ctx, "sh", "-c", code)
	case "python":
		file := filepath.Join(dir, "req.py")
		if err := os.WriteFile(file, []byte(code), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd = exec.CommandContext(ctx, codegenPython3(t), file)
	case "js":
		file := filepath.Join(dir, "req.js")
		if err := os.WriteFile(file, []byte(code), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd = exec.CommandContext(ctx, "node", file)
	default:
		t.Fatalf("no runner for %s", lang)
	}
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s failed: %v\nstderr: %s\ncode:\n%s", lang, err, stderr.String(), code)
	}
	if lang == "js" {
		// Node 18 warns that fetch is experimental; anything else is an error.
		for _, l := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.Contains(l, "ExperimentalWarning") && !strings.Contains(l, "--trace-warnings") {
				t.Fatalf("node wrote to stderr: %s\ncode:\n%s", stderr.String(), code)
			}
		}
	}
	return stdout.String()
}

// codegenBuildGo builds generated Go programs as one binary: program i
// runs with the argument i.
func codegenBuildGo(t *testing.T, progs []string) string {
	t.Helper()
	dir := t.TempDir()
	var dispatch strings.Builder
	dispatch.WriteString("package main\n\nimport \"os\"\n\nfunc main() {\n\tswitch os.Args[1] {\n")
	for i, code := range progs {
		if strings.Count(code, "\nfunc main() {\n") != 1 {
			t.Fatalf("program %d has no main:\n%s", i, code)
		}
		code = strings.Replace(code, "\nfunc main() {\n", fmt.Sprintf("\nfunc program%d() {\n", i), 1)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("p%d.go", i)), []byte(code), 0o600); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&dispatch, "\tcase %q:\n\t\tprogram%d()\n", fmt.Sprint(i), i)
	}
	dispatch.WriteString("\t}\n}\n")
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(dispatch.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module generated\n\ngo 1.22\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	goTool := codegenGoTool(t)
	env := append(os.Environ(), "GOWORK=off", "GOFLAGS=", "GOTOOLCHAIN=local")
	for _, args := range [][]string{{"vet", "."}, {"build", "-o", "programs", "."}} {
		cmd := exec.Command(goTool, args...)
		cmd.Dir, cmd.Env = dir, env
		if out, err := cmd.CombinedOutput(); err != nil {
			all, _ := os.ReadFile(filepath.Join(dir, "p0.go"))
			t.Fatalf("go %s of the generated programs: %v\n%s\n%s", args[0], err, out, all)
		}
	}
	return filepath.Join(dir, "programs")
}

// codegenGoTool finds the go command: the one on PATH, else the one in
// GOROOT/bin as "go env GOROOT" names it.
func codegenGoTool(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	if out, err := exec.Command("/usr/local/go/bin/go", "env", "GOROOT").Output(); err == nil {
		return filepath.Join(strings.TrimSpace(string(out)), "bin", "go")
	}
	t.Fatal("the go command is not on PATH")
	return ""
}

func codegenRunBinary(t *testing.T, bin, arg string, env []string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, arg)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("the generated Go program %s failed: %v\n%s", arg, err, stderr.String())
	}
	return stdout.String()
}

func codegenHaveNode() bool {
	_, err := exec.LookPath("node")
	return err == nil
}

// TestCodegenRunsAgainstServer generates each request in every language,
// runs the code against a local server, and checks that the server saw
// the request Knock would send.
func TestCodegenRunsAgainstServer(t *testing.T) {
	srv, capt := codegenServer(t)
	dir := t.TempDir()
	hello := filepath.Join(dir, "hello.txt")
	if err := os.WriteFile(hello, []byte("hello file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	binFile := filepath.Join(dir, "data.bin")
	var bin []byte
	for i := 0; i < 256; i++ {
		bin = append(bin, byte(i))
	}
	if err := os.WriteFile(binFile, bin, 0o600); err != nil {
		t.Fatal(err)
	}

	type tcase struct {
		name  string
		req   storage.Request
		opts  GenOptions
		env   []string
		langs []string
		check func(t *testing.T, lang string, s codegenSeen)
		// secret must not appear in the code (it comes from env).
		secret string
	}
	all := []string{"curl", "python", "go", "js"}
	cases := []tcase{
		{
			name: "get-basic-placeholder",
			req: storage.Request{Method: "GET", URL: srv.URL + "/items?fixed=1",
				Params:  []storage.KeyValue{{Key: "q", Value: "a b&c", Enabled: true}, {Key: "n", Value: "2", Enabled: true}, {Key: "off", Value: "x"}},
				Headers: []storage.KeyValue{{Key: "X-Trace", Value: "t'1 \"$x\"", Enabled: true}, {Key: "Accept", Value: "application/json", Enabled: true}, {Key: "X-Off", Value: "1"}},
				Auth:    storage.AuthSpec{Type: "basic", Params: map[string]string{"username": "alice", "password": "s3cret p@ss!"}}},
			env:    []string{"KNOCK_SECRET_PASSWORD=s3cret p@ss!"},
			secret: "s3cret p@ss!",
			langs:  all,
			check: func(t *testing.T, lang string, s codegenSeen) {
				q := s.url.Query()
				if s.method != "GET" || s.url.Path != "/items" || q.Get("fixed") != "1" || q.Get("q") != "a b&c" || q.Get("n") != "2" || q.Has("off") {
					t.Errorf("%s: %s %s", lang, s.method, s.url)
				}
				if s.header.Get("X-Trace") != "t'1 \"$x\"" || s.header.Get("Accept") != "application/json" || s.header.Get("X-Off") != "" {
					t.Errorf("%s: headers %v", lang, s.header)
				}
				r := &http.Request{Header: s.header}
				if u, p, ok := r.BasicAuth(); !ok || u != "alice" || p != "s3cret p@ss!" {
					t.Errorf("%s: Basic auth %q %q %v", lang, u, p, ok)
				}
			},
		},
		{
			name: "patch-json-bearer",
			req: storage.Request{Method: "PATCH", URL: srv.URL + "/items/7",
				Body: storage.Body{Mode: storage.BodyRaw, Raw: "{\n  \"name\": \"Zoë\",\n  \"quote\": \"it's \\\"x\\\"\"\n}\n", ContentType: "application/json"},
				Auth: storage.AuthSpec{Type: "bearer", Params: map[string]string{"token": "tok-123"}}},
			opts:  GenOptions{IncludeSecrets: true},
			langs: all,
			check: func(t *testing.T, lang string, s codegenSeen) {
				if s.method != "PATCH" || s.url.Path != "/items/7" || string(s.body) != "{\n  \"name\": \"Zoë\",\n  \"quote\": \"it's \\\"x\\\"\"\n}\n" {
					t.Errorf("%s: %s %s body %q", lang, s.method, s.url, s.body)
				}
				if s.header.Get("Content-Type") != "application/json" || s.header.Get("Authorization") != "Bearer tok-123" {
					t.Errorf("%s: headers %v", lang, s.header)
				}
			},
		},
		{
			name: "form",
			req: storage.Request{Method: "POST", URL: srv.URL + "/form",
				Body: storage.Body{Mode: storage.BodyURLEncoded, Form: []storage.KeyValue{{Key: "a", Value: "1 2", Enabled: true},
					{Key: "a", Value: "3&4=5", Enabled: true}, {Key: "ü", Value: "€", Enabled: true}, {Key: "off", Value: "x"}}}},
			langs: all,
			check: func(t *testing.T, lang string, s codegenSeen) {
				form, err := url.ParseQuery(string(s.body))
				if err != nil || strings.Join(form["a"], "|") != "1 2|3&4=5" || form.Get("ü") != "€" || form.Has("off") {
					t.Errorf("%s: form %q (%v)", lang, s.body, err)
				}
				if !strings.HasPrefix(s.header.Get("Content-Type"), "application/x-www-form-urlencoded") || s.method != "POST" {
					t.Errorf("%s: %s Content-Type %q", lang, s.method, s.header.Get("Content-Type"))
				}
			},
		},
		{
			name: "multipart",
			req: storage.Request{Method: "POST", URL: srv.URL + "/upload",
				Headers: []storage.KeyValue{{Key: "Content-Type", Value: "multipart/form-data", Enabled: true}},
				Body: storage.Body{Mode: storage.BodyFormData, Multipart: []storage.FormPart{{Key: "field", Value: "value; 1", Enabled: true},
					{Key: "upload", File: hello, Enabled: true}, {Key: "json", Value: `{"k":1}`, ContentType: "application/json", Enabled: true},
					{Key: "off", Value: "x"}}}},
			langs: all,
			check: func(t *testing.T, lang string, s codegenSeen) {
				_, params, err := mime.ParseMediaType(s.header.Get("Content-Type"))
				if err != nil || params["boundary"] == "" {
					t.Fatalf("%s: Content-Type %q", lang, s.header.Get("Content-Type"))
				}
				mr := multipart.NewReader(bytes.NewReader(s.body), params["boundary"])
				got := map[string]string{}
				for i := 0; i < 10; i++ {
					p, err := mr.NextPart()
					if err == io.EOF {
						break
					}
					if err != nil {
						t.Fatalf("%s: %v", lang, err)
					}
					data, _ := io.ReadAll(p)
					got[p.FormName()] = string(data)
					if p.FormName() == "upload" && (p.FileName() != "hello.txt" || p.Header.Get("Content-Type") != "text/plain; charset=utf-8") {
						t.Errorf("%s: file part %q %q", lang, p.FileName(), p.Header.Get("Content-Type"))
					}
					if p.FormName() == "json" && lang != "js" && p.Header.Get("Content-Type") != "application/json" {
						t.Errorf("%s: the json part's type %q", lang, p.Header.Get("Content-Type"))
					}
				}
				if got["field"] != "value; 1" || got["upload"] != "hello file\n" || got["json"] != `{"k":1}` || len(got) != 3 {
					t.Errorf("%s: parts %q", lang, got)
				}
			},
		},
		{
			name: "put-file",
			req: storage.Request{Method: "PUT", URL: srv.URL + "/blob",
				Body: storage.Body{Mode: storage.BodyFile, File: binFile, ContentType: "application/octet-stream"}},
			langs: all,
			check: func(t *testing.T, lang string, s codegenSeen) {
				if s.method != "PUT" || !bytes.Equal(s.body, bin) || s.header.Get("Content-Type") != "application/octet-stream" {
					t.Errorf("%s: %s %d bytes, Content-Type %q", lang, s.method, len(s.body), s.header.Get("Content-Type"))
				}
			},
		},
		{
			name: "graphql-custom-method",
			req: storage.Request{Method: "QUERY", URL: srv.URL + "/graphql",
				Body: storage.Body{Mode: storage.BodyGraphQL, GraphQL: &storage.GraphQL{Query: "query Q($id: ID!) { item(id: $id) { name } }", Variables: `{"id": "1", "n": 1.50}`}}},
			langs: all,
			check: func(t *testing.T, lang string, s codegenSeen) {
				want := `{"query":"query Q($id: ID!) { item(id: $id) { name } }","variables":{"id":"1","n":1.50}}`
				if s.method != "QUERY" || string(s.body) != want || s.header.Get("Content-Type") != "application/json" {
					t.Errorf("%s: %s %q %q", lang, s.method, s.body, s.header.Get("Content-Type"))
				}
			},
		},
		{
			name: "oauth1",
			req: storage.Request{Method: "POST", URL: srv.URL + "/oauth1?b=2&a=1",
				Body: storage.Body{Mode: storage.BodyURLEncoded, Form: []storage.KeyValue{{Key: "c", Value: "3 4", Enabled: true}}},
				Auth: storage.AuthSpec{Type: "oauth1", Params: map[string]string{"consumerKey": "ck", "consumerSecret": "cs", "token": "tk", "tokenSecret": "ts"}}},
			env:   []string{"KNOCK_SECRET_CONSUMER_SECRET=cs", "KNOCK_SECRET_TOKEN_SECRET=ts"},
			langs: []string{"python"},
			check: func(t *testing.T, lang string, s codegenSeen) {
				if !strings.Contains(s.header.Get("Authorization"), `oauth_consumer_key="ck"`) {
					t.Errorf("%s: %q", lang, s.header.Get("Authorization"))
				}
			},
		},
	}
	// The Go programs are built together, once: each one's main becomes
	// a function of one package, and go vet checks them all.
	goBin := codegenBuildGo(t, func() []string {
		var progs []string
		for _, tc := range cases {
			code, err := Generate("go", tc.req, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			progs = append(progs, code)
		}
		return progs
	}())
	for i, tc := range cases {
		for _, lang := range tc.langs {
			t.Run(tc.name+"/"+lang, func(t *testing.T) {
				run := true
				if lang == "js" && !codegenHaveNode() {
					t.Log("node is not installed: the fetch code is only generated")
					run = false
				}
				code, err := Generate(lang, tc.req, tc.opts)
				if err != nil {
					t.Fatal(err)
				}
				if tc.secret != "" && strings.Contains(code, tc.secret) {
					t.Fatalf("the secret is in the code:\n%s", code)
				}
				if !run {
					return
				}
				capt.reset()
				var out string
				if lang == "go" {
					out = codegenRunBinary(t, goBin, fmt.Sprint(i), tc.env)
				} else {
					out = codegenRun(t, lang, code, tc.env)
				}
				if tc.name == "oauth1" && !strings.Contains(out, "200") {
					t.Fatalf("the server refused the signature:\n%s\n%s", out, code)
				}
				tc.check(t, lang, capt.last(t))
			})
		}
	}
}

// TestCodegenDigestAgainstHTTPBin runs the curl and Python code for
// Digest auth against go-httpbin's /digest-auth, which checks the
// response to its challenge (RFC 7616).
func TestCodegenDigestAgainstHTTPBin(t *testing.T) {
	hb := httptest.NewServer(httpbin.New())
	t.Cleanup(hb.Close)
	r := storage.Request{Method: "GET", URL: hb.URL + "/digest-auth/auth/user/p%40ss",
		Auth: storage.AuthSpec{Type: "digest", Params: map[string]string{"username": "user", "password": "p@ss"}}}
	for _, lang := range []string{"curl", "python"} {
		code, err := Generate(lang, r, GenOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(code, "p@ss\"") || strings.Contains(code, ":p@ss") {
			t.Fatalf("the password is in the code:\n%s", code)
		}
		out := codegenRun(t, lang, code, []string{"KNOCK_SECRET_PASSWORD=p@ss"})
		if !strings.Contains(out, `"authorized": true`) && !strings.Contains(out, `"authenticated": true`) {
			t.Errorf("%s: httpbin did not accept the digest:\n%s\n%s", lang, out, code)
		}
	}
	// With the wrong password the server refuses: the test can fail.
	out := codegenRun(t, "python", codegenPython(r, GenOptions{}), []string{"KNOCK_SECRET_PASSWORD=wrong"})
	if !strings.HasPrefix(out, "401") {
		t.Errorf("a wrong digest password was accepted: %s", out)
	}
}

func TestCodegenSecrets(t *testing.T) {
	r := storage.Request{Method: "GET", URL: "https://u:urlpass@h/p",
		Headers: []storage.KeyValue{{Key: "Cookie", Value: "sid=cookieval", Enabled: true}, {Key: "X-Ref", Value: "v", Enabled: true, SecretRef: "request:1:h"}},
		Auth:    storage.AuthSpec{Type: "apikey", Params: map[string]string{"key": "X-Key", "value": "keyval", "in": "header"}},
		Settings: storage.Settings{ClientCert: "c.p12", ClientCertPassword: "certpass", Proxy: "http://pu:proxypass@px:8080",
			ProxyAuth: &storage.AuthSpec{Type: "basic", Params: map[string]string{"username": "pa", "password": "papass"}}}}
	secrets := []string{"cookieval", "keyval", "certpass", "proxypass", "papass"}
	for _, lang := range Languages() {
		code, err := Generate(lang, r, GenOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range secrets {
			if strings.Contains(code, s) {
				t.Errorf("%s: the secret %q is in the code:\n%s", lang, s, code)
			}
		}
		if !strings.Contains(code, "KNOCK_SECRET_") {
			t.Errorf("%s: no placeholder:\n%s", lang, code)
		}
		with, _ := Generate(lang, r, GenOptions{IncludeSecrets: true})
		if !strings.Contains(with, "keyval") {
			t.Errorf("%s: IncludeSecrets did not write the API key:\n%s", lang, with)
		}
	}
	// The placeholders are the environment variables the CLI reads.
	py := codegenPython(storage.Request{Method: "GET", URL: "https://h", Auth: storage.AuthSpec{Type: "basic",
		Params: map[string]string{"username": "u", "password": "p"}}}, GenOptions{})
	if !strings.Contains(py, `auth=HTTPBasicAuth("u", os.environ["KNOCK_SECRET_PASSWORD"])`) || !strings.Contains(py, "from requests.auth import HTTPBasicAuth") {
		t.Errorf("the Python code is not in the requests documentation's style:\n%s", py)
	}
	if _, err := Generate("cobol", r, GenOptions{}); err == nil || !strings.Contains(err.Error(), "known: curl, python, go, js, httpie") {
		t.Errorf("unknown language: %v", err)
	}
}

// TestCodegenHTTPieShape checks the HTTPie command word by word (HTTPie
// is not installed here).
func TestCodegenHTTPieShape(t *testing.T) {
	r := storage.Request{Method: "POST", URL: "https://h/p?q=1",
		Headers:  []storage.KeyValue{{Key: "X-A", Value: "b c", Enabled: true}},
		Body:     storage.Body{Mode: storage.BodyURLEncoded, Form: []storage.KeyValue{{Key: "k:=x", Value: "v 1", Enabled: true}}},
		Auth:     storage.AuthSpec{Type: "digest", Params: map[string]string{"username": "u", "password": "p"}},
		Settings: storage.Settings{Insecure: true, TimeoutMs: 2000}}
	code := codegenHTTPie(r, GenOptions{})
	cmds, err := curlSplitCommands(code)
	if err != nil || len(cmds) != 1 {
		t.Fatalf("%v %d\n%s", err, len(cmds), code)
	}
	var words []string
	for _, w := range cmds[0].words {
		words = append(words, w.text)
	}
	want := []string{"http", "--form", "-A", "digest", "-a", "u:{{KNOCK_SECRET_PASSWORD}}", "--verify=no", "--follow", "--timeout=2",
		"POST", "https://h/p?q=1", `k\:\=x=v 1`, "X-A:b c"}
	if strings.Join(words, "\x00") != strings.Join(want, "\x00") {
		t.Errorf("HTTPie words\n got %q\nwant %q", words, want)
	}
	file := codegenHTTPie(storage.Request{Method: "PUT", URL: "https://h", Body: storage.Body{Mode: storage.BodyFile, File: "a b.json"}}, GenOptions{})
	if !strings.HasSuffix(strings.TrimSpace(file), "< 'a b.json'") || !strings.Contains(file, "Content-Type:application/json") {
		t.Errorf("file body: %s", file)
	}
}

// TestCodegenGoParses checks every generated Go program with go vet,
// also for the settings that the server tests do not send.
func TestCodegenGoParses(t *testing.T) {
	r := storage.Request{Method: "GET", URL: "https://h/p",
		Auth: storage.AuthSpec{Type: "digest", Params: map[string]string{"username": "u", "password": "p"}},
		Settings: storage.Settings{Insecure: true, CAFile: "/ca.pem", ClientCert: "/c.pem", ClientKey: "/k.pem", Proxy: "http://px:1",
			ProxyAuth: &storage.AuthSpec{Type: "basic", Params: map[string]string{"username": "a", "password": "b"}}, MaxRedirects: 3, TimeoutMs: 1500}}
	code := codegenGo(r, GenOptions{})
	codegenBuildGo(t, []string{code})
	if !strings.Contains(code, "// Go net/http: Digest Auth is not written here") {
		t.Errorf("the missing digest support is not said:\n%s", code)
	}
}
