package exchange

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/knockhttp/knock/storage"
)

// curlCorpusDir finds shared/corpus/<sub> by walking up from the test's
// directory (the repository is /work/main here and ../shared in CI).
func curlCorpusDir(t testing.TB, sub string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 12; i++ {
		for _, cand := range []string{filepath.Join(dir, "shared", "corpus", sub), filepath.Join(dir, "..", "shared", "corpus", sub)} {
			if st, err := os.Stat(cand); err == nil && st.IsDir() {
				return cand
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	t.Fatalf("the corpus directory shared/corpus/%s was not found above the test's directory", sub)
	return ""
}

func curlHeader(r *storage.Request, name string) (string, bool) {
	for _, h := range r.Headers {
		if strings.EqualFold(h.Key, name) && h.Enabled {
			return h.Value, true
		}
	}
	return "", false
}

// TestCurlCorpus imports every command of commands.txt and checks each
// against what the command says (read from the file by hand).
func TestCurlCorpus(t *testing.T) {
	path := filepath.Join(curlCorpusDir(t, "curl"), "commands.txt")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	commands := 0
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "curl ") {
			commands++
		}
	}
	if commands != 66 {
		t.Fatalf("commands.txt has %d commands; SOURCES.md says 66", commands)
	}
	res, err := Import("commands.txt", data, "")
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != "curl" {
		t.Fatalf("detected as %q", res.Format)
	}
	if n := Requests(res.Items); n != 66 {
		t.Fatalf("imported %d requests, want 66 (skipped: %+v)", n, res.Report.Skipped)
	}
	basic := func(user, pass string) func(*testing.T, *storage.Request) {
		return func(t *testing.T, r *storage.Request) {
			want := storage.AuthSpec{Type: "basic", Params: map[string]string{"username": user, "password": pass}}
			if !reflect.DeepEqual(r.Auth, want) {
				t.Errorf("auth %+v, want %+v", r.Auth, want)
			}
		}
	}
	authType := func(typ string, params map[string]string) func(*testing.T, *storage.Request) {
		return func(t *testing.T, r *storage.Request) {
			if r.Auth.Type != typ {
				t.Errorf("auth type %q, want %q", r.Auth.Type, typ)
			}
			for k, v := range params {
				if r.Auth.Params[k] != v {
					t.Errorf("auth %s = %q, want %q", k, r.Auth.Params[k], v)
				}
			}
		}
	}
	header := func(name, value string) func(*testing.T, *storage.Request) {
		return func(t *testing.T, r *storage.Request) {
			if v, ok := curlHeader(r, name); !ok || v != value {
				t.Errorf("header %s = %q (%v), want %q; headers %+v", name, v, ok, value, r.Headers)
			}
		}
	}
	noHeaders := func(t *testing.T, r *storage.Request) {
		if len(r.Headers) != 0 {
			t.Errorf("headers %+v, want none", r.Headers)
		}
	}
	raw := func(body, ct string) func(*testing.T, *storage.Request) {
		return func(t *testing.T, r *storage.Request) {
			if r.Body.Mode != storage.BodyRaw || r.Body.Raw != body || r.Body.ContentType != ct {
				t.Errorf("body %+v, want raw %q (%s)", r.Body, body, ct)
			}
		}
	}
	file := func(name string) func(*testing.T, *storage.Request) {
		return func(t *testing.T, r *storage.Request) {
			if r.Body.Mode != storage.BodyFile || r.Body.File != name {
				t.Errorf("body %+v, want the file %s", r.Body, name)
			}
		}
	}
	parts := func(want ...string) func(*testing.T, *storage.Request) {
		return func(t *testing.T, r *storage.Request) {
			if r.Body.Mode != storage.BodyFormData {
				t.Fatalf("body mode %q, want formdata", r.Body.Mode)
			}
			var got []string
			for _, p := range r.Body.Multipart {
				if p.File != "" {
					got = append(got, p.Key+"=@"+p.File)
				} else {
					got = append(got, p.Key+"="+p.Value)
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("parts %q, want %q", got, want)
			}
		}
	}
	follow := func(on bool) func(*testing.T, *storage.Request) {
		return func(t *testing.T, r *storage.Request) {
			if r.Settings.NoFollow == on {
				t.Errorf("NoFollow = %v; curl follows only with -L", r.Settings.NoFollow)
			}
		}
	}
	type check = func(*testing.T, *storage.Request)
	want := []struct {
		method, url string
		checks      []check
	}{
		{"GET", "https://example.com", []check{basic("user", "secret"), follow(false)}},
		{"GET", "https://example.com", []check{basic("name", "password")}},
		{"GET", "https://example.com", []check{authType("digest", map[string]string{"username": "name", "password": "password"})}},
		{"GET", "https://example.com", []check{authType("ntlm", map[string]string{"username": "user", "password": "password"})}},
		{"GET", "https://example.com", []check{basic("me", "pwd")}},
		{"GET", "https://example.com", []check{authType("negotiate", map[string]string{"username": "", "password": ""})}},
		{"GET", "https://example.com", []check{authType("bearer", map[string]string{"token": "mF_9.B5f-4.1JqM"})}},
		{"GET", "https://example.com", []check{authType("awsv4", map[string]string{"accessKey": "key", "secretKey": "secret", "region": "us-east-2", "service": "es"})}},
		{"GET", "https://example.com", []check{header("X-First-Name", "Joe")}},
		{"GET", "https://example.com", []check{noHeaders}},
		{"GET", "https://example.com", []check{noHeaders}},
		{"POST", "https://example.com", []check{raw("name=curl&tool=cmdline", "application/x-www-form-urlencoded")}},
		{"POST", "https://example.com", []check{file("filename")}},
		{"POST", "https://example.com", []check{raw("name=val", "application/x-www-form-urlencoded")}},
		{"POST", "https://example.com", []check{raw("encodethis", "application/x-www-form-urlencoded")}},
		{"POST", "https://example.com", nil},
		{"POST", "https://example.com", []check{file("filename")}},
		{"POST", "https://example.com", []check{raw("@at@at@", "application/x-www-form-urlencoded")}},
		{"POST", "https://example.com", []check{parts("name=curl", "file=@loadthis")}},
		{"POST", "https://example.com", []check{parts("name=data")}},
		{"POST", "https://example.com", []check{raw(`{ "drink": "coffee" }`, "application/json"), header("Accept", "application/json")}},
		{"POST", "https://example.com", []check{raw(`{ "drink": "coffee" }`, "application/json")}},
		{"POST", "https://example.com", []check{file("prepared"), header("Content-Type", "application/json")}},
		{"GET", "https://example.com", []check{func(t *testing.T, r *storage.Request) {
			if !r.Settings.Insecure {
				t.Error("--insecure did not turn TLS verification off")
			}
		}}},
		{"GET", "https://example.com", []check{func(t *testing.T, r *storage.Request) {
			if r.Settings.CAFile != "CA-file.txt" {
				t.Errorf("CA file %q", r.Settings.CAFile)
			}
		}}},
		{"GET", "https://example.com", []check{func(t *testing.T, r *storage.Request) {
			if r.Settings.ClientCert != "certfile" || r.Settings.ClientKey != "keyfile" {
				t.Errorf("client cert %q key %q", r.Settings.ClientCert, r.Settings.ClientKey)
			}
		}}},
		{"GET", "https://example.com", []check{func(t *testing.T, r *storage.Request) {
			if r.Settings.Proxy != "http://proxy.example" {
				t.Errorf("proxy %q", r.Settings.Proxy)
			}
		}}},
		{"GET", "https://example.com", []check{func(t *testing.T, r *storage.Request) {
			pa := r.Settings.ProxyAuth
			if r.Settings.Proxy != "http://proxy" || pa == nil || pa.Type != "basic" || pa.Params["username"] != "smith" || pa.Params["password"] != "secret" {
				t.Errorf("proxy %q auth %+v", r.Settings.Proxy, pa)
			}
		}}},
		{"GET", "https://example.com", []check{noHeaders}},
		{"GET", "https://example.com", []check{header("Cookie", "name=Jane")}},
		{"GET", "https://example.com", []check{follow(true)}},
		{"DELETE", "https://example.com", nil},
		{"GET", "https://example.com", []check{noHeaders}},
		{"GET", "https://example.com", []check{header("User-Agent", "Agent 007")}},
		{"GET", "https://example.com?tool=curl&age=old", []check{func(t *testing.T, r *storage.Request) {
			if r.Body.Mode != storage.BodyNone {
				t.Errorf("-G left a body %+v", r.Body)
			}
		}}},
		{"GET", "https://example.com?name=%20foo", nil},
		{"GET", "https://example.com", []check{header("Referer", "https://fake.example"), follow(true)}},
		{"PUT", "https://example.com/file", []check{file("file")}},
		{"GET", "https://example.com/smith", nil},
		{"GET", "https://www.example.com/", []check{basic("user", "passwd"), func(t *testing.T, r *storage.Request) {
			if r.Settings.Proxy != "http://my-proxy:888" {
				t.Errorf("proxy %q", r.Settings.Proxy)
			}
		}}},
		{"POST", "https://www.example.com/guest.cgi", []check{raw("name=Rafael+Sagula%26phone%3D3320780", "application/x-www-form-urlencoded")}},
		{"POST", "https://www.example.com/postit.cgi", []check{parts("coolfiles=@fil1.gif", "coolfiles=@fil2.txt", "coolfiles=@fil3.html"), func(t *testing.T, r *storage.Request) {
			if r.Body.Multipart[0].ContentType != "image/gif" || r.Body.Multipart[1].ContentType != "" {
				t.Errorf("part types %+v", r.Body.Multipart)
			}
		}}},
		{"POST", "https://www.example.com/postit.cgi", []check{parts("file=@cooltext.txt", "yourname=Daniel", "filedescription=Cool text file with cool text inside")}},
		{"GET", "https://www.bank.example.com/", []check{header("User-Agent", "Mozilla/3.0 (Win95; I)")}},
		{"GET", "[URL]", []check{header("User-Agent", "Mozilla/4.0 (compatible; MSIE 5.01; Windows NT 5.0)")}},
		{"GET", "https://www.example.com", []check{noHeaders}},
		{"GET", "https://example.com/", []check{func(t *testing.T, r *storage.Request) {
			if r.Settings.CAFile != "ca-bundle.pem" {
				t.Errorf("CA file %q", r.Settings.CAFile)
			}
		}}},
		{"GET", "http://example.com/", []check{authType("ntlm", map[string]string{"username": "daniel", "password": "secret"})}},
		{"GET", "https://example.com", []check{authType("awsv4", map[string]string{"region": "us-east-2", "service": "es"})}},
		{"POST", "https://example.com/login.cgi", []check{raw("user=daniel&secret=qwerty&id=bc76", "application/x-www-form-urlencoded"), header("Referer", "https://example.com/"), follow(true)}},
		{"GET", "https://example.com/?name=daniel+stenberg", nil},
		{"POST", "https://example.com/user/submit.cgi", []check{parts("person=Mr Smith", "image=@funnycat.gif", "username=bob123")}},
		{"POST", "https://example.com", []check{raw("{json}", "application/json"), header("Content-Type", "application/json")}},
		{"PUT", "http://example.com/new/resource/file", []check{raw("data to PUT", "application/x-www-form-urlencoded")}},
		{"OPTIONS", "http://example.com/", nil},
		{"GET", "http://example.com", []check{func(t *testing.T, r *storage.Request) {
			pa := r.Settings.ProxyAuth
			if r.Settings.Proxy != "http://myproxy:80" || pa == nil || pa.Type != "ntlm" || pa.Params["username"] != "daniel" || pa.Params["password"] != "secr3t" {
				t.Errorf("proxy %q auth %+v", r.Settings.Proxy, pa)
			}
		}}},
		{"POST", "https://example.com", []check{raw("user+name%3DJohn+Doe+%28Junior%29", "application/x-www-form-urlencoded")}},
		{"POST", "http://requestb.in/api/v1/bins", []check{raw("private=false", "application/x-www-form-urlencoded; charset=UTF-8"),
			header("X-Requested-With", "XMLHttpRequest"), header("Origin", "http://requestb.in"), func(t *testing.T, r *storage.Request) {
				if len(r.Headers) != 10 {
					t.Errorf("%d headers, want the 10 -H of the command", len(r.Headers))
				}
			}}},
		{"POST", "http://localhost:8000/api/v1/send", []check{basic("My User", "My:Secret:Password"), header("x-custom-header", "foo bar"),
			header("Cookie", "foo=bar"), header("another-header", "foo"), raw(`{"email_id": "tem_123"}`, "application/json")}},
		{"POST", "https://test.dk", []check{raw(`{"key":"TEST","websiteId":2,"storeId":4,"remove":true,"coupon":{"code":"erwrwer"}}`, "application/x-www-form-urlencoded"),
			func(t *testing.T, r *storage.Request) {
				c, _ := curlHeader(r, "Cookie")
				if !strings.HasPrefix(c, "CookieTestConsent={stamp:'xxxx") || !strings.HasSuffix(c, "=='%2Cnecessary...") || strings.Contains(c, `\`) {
					t.Errorf("the $'…' Cookie header is %q", c)
				}
			}}},
		{"GET", "http://somesite.com/getdata?id=1234", nil},
		{"POST", "https://insomnia.rest/signup", []check{parts("file=@/home/user/file.txt", "foo=bar", "baz=qux")}},
		{"POST", "https://insomnia.rest", []check{raw("id=1234", "application/x-www-form-urlencoded")}},
		{"POST", "https://insomnia.rest/", []check{raw("foo=bar&baz=qux", "application/x-www-form-urlencoded"), header("Content-Type", "application/x-www-form-urlencoded")}},
		{"GET", "https://api.github.com/repos/octocat/Spoon-Knife/issues", []check{header("Accept", "application/vnd.github+json"), header("Authorization", "Bearer YOUR-TOKEN")}},
		{"GET", "https://...us-west-2.es.amazonaws.com", []check{authType("awsv4", map[string]string{"accessKey": "{{AWS_ACCESS_KEY_ID}}",
			"secretKey": "{{AWS_SECRET_ACCESS_KEY}}", "sessionToken": "{{AWS_SESSION_TOKEN}}", "region": "us-west-2", "service": "es"}), noHeaders}},
	}
	if len(want) != 66 {
		t.Fatalf("the table has %d rows", len(want))
	}
	for i, w := range want {
		r := res.Items[i].Request
		if r.Method != w.method || r.URL != w.url {
			t.Errorf("command %d: %s %s, want %s %s", i+1, r.Method, r.URL, w.method, w.url)
			continue
		}
		if !strings.HasPrefix(r.Description, "source: ") {
			t.Errorf("command %d: description %q does not carry the # source: comment", i+1, r.Description)
		}
		for _, c := range w.checks {
			t.Run(strings.ReplaceAll(r.Name, "/", "_"), func(t *testing.T) { c(t, r) })
		}
	}
	// Every option that could not be carried over is in the report.
	wantSkips := []string{"--anyauth", `-H "Host:"`, "-H @headers.txt", "-d @filename", "--data-urlencode name@file", "-b cookiefile",
		"--referer ;auto", "multipart/mixed", "[URL]", "--request-target", "--proxy-ntlm", "$AWS_ACCESS_KEY_ID", "-b is not sent"}
	var all []string
	for _, s := range res.Report.Skipped {
		all = append(all, s.Item+": "+s.Reason)
	}
	joined := strings.Join(all, "\n")
	for _, w := range wantSkips {
		if !strings.Contains(joined, w) {
			t.Errorf("the report does not mention %s:\n%s", w, joined)
		}
	}
}

func TestCurlShellWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`curl 'a b' "c d" e\ f`, []string{"curl", "a b", "c d", "e f"}},
		{"curl \\\n  -H 'X: 1' \\\r\n  https://x", []string{"curl", "-H", "X: 1", "https://x"}},
		{`curl $'a\nb\t\'c\'\x41\u00e9\101'`, []string{"curl", "a\nb\t'c'Aé" + "A"}},
		{`curl "it's \"quoted\" \$HOME \\ \x"`, []string{"curl", `it's "quoted" $HOME \ \x`}},
		{`curl "$TOKEN" ${HOST}/p $1`, []string{"curl", "{{TOKEN}}", "{{HOST}}/p", "$1"}},
		{`curl 'x' # a comment`, []string{"curl", "x"}},
		{`curl a#b`, []string{"curl", "a#b"}},
		{`curl x > out.txt 2>&1`, []string{"curl", "x"}},
	}
	for _, tt := range tests {
		cmds, err := curlSplitCommands(tt.in)
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		if len(cmds) != 1 {
			t.Errorf("%q: %d commands", tt.in, len(cmds))
			continue
		}
		var got []string
		for _, w := range cmds[0].words {
			got = append(got, w.text)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q:\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
	// Several commands, separators, and the comment above each.
	cmds, err := curlSplitCommands("# header\n\n# first\ncurl a; curl b && curl c | jq .\ncurl d\n")
	if err != nil {
		t.Fatal(err)
	}
	var firsts []string
	for _, c := range cmds {
		firsts = append(firsts, c.words[len(c.words)-1].text)
	}
	if !reflect.DeepEqual(firsts, []string{"a", "b", "c", ".", "d"}) || !cmds[3].piped || cmds[0].line != 4 {
		t.Errorf("commands %+v", cmds)
	}
	if !reflect.DeepEqual(cmds[0].comments, []string{"first"}) {
		t.Errorf("comments of the first command: %q (the blank line must part the header)", cmds[0].comments)
	}
}

func TestCurlShellErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"curl 'abc", "line 1, column 6: unterminated single quote"},
		{"curl \\\n -H \"X: 1", "line 2, column 5: unterminated double quote"},
		{"curl $'abc", "line 1, column 6: unterminated $'…' string"},
		{"curl $(cat f)", "command substitution"},
		{"curl `cat f`", "command substitution"},
		{"curl ${A:-b}", "parameter expansion"},
		{"curl ^\"https://x^\"", "Windows cmd"},
	}
	for _, tt := range tests {
		_, err := curlSplitCommands(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %q", tt.in, err, tt.want)
		}
	}
}

func TestCurlParseOptions(t *testing.T) {
	r, warnings, err := ParseCurl(`curl -sSLk -XPATCH -H 'A: 1' -H "B;" -A ua -e ref -b 'c=1' -b 'd=2' --max-redirs 3 -m 2.5 --connect-timeout 1 ` +
		`-E 'c\:ert.p12:pass' --cert-type P12 --cacert ca.pem -x proxy:3128 -U 'DOM\u:pw' --proxy-ntlm -r 0-99 --data-binary 'x=1' https://h/p?q=1`)
	if err != nil {
		t.Fatal(err)
	}
	if r.Method != "PATCH" || r.URL != "https://h/p?q=1" {
		t.Errorf("%s %s", r.Method, r.URL)
	}
	wantHeaders := []storage.KeyValue{{Key: "A", Value: "1", Enabled: true}, {Key: "B", Value: "", Enabled: true},
		{Key: "User-Agent", Value: "ua", Enabled: true}, {Key: "Referer", Value: "ref", Enabled: true},
		{Key: "Cookie", Value: "c=1; d=2", Enabled: true}, {Key: "Range", Value: "bytes=0-99", Enabled: true}}
	if !reflect.DeepEqual(r.Headers, wantHeaders) {
		t.Errorf("headers %+v", r.Headers)
	}
	s := r.Settings
	if s.NoFollow || s.MaxRedirects != 3 || s.TimeoutMs != 2500 || s.ConnectTimeoutMs != 1000 || !s.Insecure || s.CAFile != "ca.pem" ||
		s.ClientCert != "c:ert.p12" || s.ClientCertPassword != "pass" || s.Proxy != "http://proxy:3128" {
		t.Errorf("settings %+v", s)
	}
	if pa := s.ProxyAuth; pa == nil || pa.Type != "ntlm" || pa.Params["domain"] != "DOM" || pa.Params["username"] != "u" || pa.Params["password"] != "pw" {
		t.Errorf("proxy auth %+v", s.ProxyAuth)
	}
	if r.Body.Raw != "x=1" {
		t.Errorf("body %+v", r.Body)
	}
	if len(warnings) == 0 || !strings.Contains(strings.Join(warnings, "\n"), "proxy-ntlm") {
		t.Errorf("warnings %q", warnings)
	}

	// -G, -I, -T, --json with -H, credentials in the URL, --next.
	r, warnings, err = ParseCurl("curl -I https://user:p%40ss@h/x --next -T up.bin https://h/dir/")
	if err != nil {
		t.Fatal(err)
	}
	if r.Method != "HEAD" || r.URL != "https://h/x" || r.Auth.Params["password"] != "p@ss" || r.Auth.Params["username"] != "user" {
		t.Errorf("%s %s %+v", r.Method, r.URL, r.Auth)
	}
	if !strings.Contains(strings.Join(warnings, "\n"), "2 requests") {
		t.Errorf("the second request of --next is not reported: %q", warnings)
	}
	res, err := Import("x.curl", []byte("curl -I https://h/x --next -T up.bin https://h/dir/"), "")
	if err != nil {
		t.Fatal(err)
	}
	if n := Requests(res.Items); n != 2 {
		t.Fatalf("%d requests", n)
	}
	if r2 := res.Items[1].Request; r2.Method != "PUT" || r2.URL != "https://h/dir/up.bin" || r2.Body.File != "up.bin" {
		t.Errorf("-T: %s %s %+v", r2.Method, r2.URL, r2.Body)
	}

	r, _, err = ParseCurl(`curl --json '{"a":1}' -H 'Accept: text/plain' -X PUT https://h`)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := curlHeader(&r, "Accept"); v != "text/plain" || r.Method != "PUT" || r.Body.ContentType != "application/json" {
		t.Errorf("--json with -H Accept: %+v", r)
	}

	// Unknown options and options without effect.
	r, warnings, err = ParseCurl("curl --frobnicate -v -o out -w '%{http_code}' --http2 https://h")
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(warnings, "\n")
	if !strings.Contains(all, "unknown option --frobnicate") || !strings.Contains(all, "--http2") || strings.Contains(all, "-v") || r.URL != "https://h" {
		t.Errorf("warnings %q, url %q", warnings, r.URL)
	}
}

func TestCurlParseErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "no command"},
		{"wget https://x", `line 1, column 1: not a curl command: it starts with "wget"`},
		{"curl -H", "option -H needs an argument"},
		{"curl --header", "option --header needs an argument"},
		{"curl -H 'A: 1'", "has no URL"},
		{"curl -d a -F b=c https://x", "-d and -F cannot be combined"},
		{"curl --version", "sends no request"},
		{"curl 'https://x", "unterminated single quote"},
	}
	for _, tt := range tests {
		_, _, err := ParseCurl(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %q", tt.in, err, tt.want)
		}
	}
	// A file with one bad command keeps the others and reports it.
	res, err := Import("cmds.curl", []byte("curl https://a\ncurl -H\ncurl https://b\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	if Requests(res.Items) != 2 || len(res.Report.Skipped) != 1 || !strings.Contains(res.Report.Skipped[0].Reason, "needs an argument") {
		t.Errorf("items %d, report %+v", Requests(res.Items), res.Report)
	}
	if _, err := Import("cmds.curl", []byte("# only a comment\n"), "curl"); err == nil {
		t.Error("a file without a command imported")
	}
}

// TestCurlExportRoundTrip writes requests as curl and reads them back.
func TestCurlExportRoundTrip(t *testing.T) {
	reqs := []storage.Request{
		{Method: "GET", URL: "https://h/p", Params: []storage.KeyValue{{Key: "a b", Value: "c&d", Enabled: true}, {Key: "off", Value: "x"}},
			Headers: []storage.KeyValue{{Key: "X-It", Value: "it's $HOME `x` \"q\"", Enabled: true}, {Key: "Empty", Enabled: true}}},
		{Method: "POST", URL: "https://h", Body: storage.Body{Mode: storage.BodyRaw, Raw: "{\n  \"a\": \"b'c\"\n}", ContentType: "application/json"},
			Auth:     storage.AuthSpec{Type: "digest", Params: map[string]string{"username": "u", "password": "p w"}},
			Settings: storage.Settings{NoFollow: true, Insecure: true, TimeoutMs: 1500, CAFile: "/ca.pem", Proxy: "http://px:1"}},
		{Method: "PUT", URL: "https://h/f", Body: storage.Body{Mode: storage.BodyFile, File: "/tmp/a file.bin"}},
		{Method: "POST", URL: "https://h/u", Body: storage.Body{Mode: storage.BodyFormData, Multipart: []storage.FormPart{
			{Key: "t", Value: "v;type=x", Enabled: true}, {Key: "f", File: "/tmp/x.png", Enabled: true}, {Key: "j", Value: "@x", ContentType: "application/json", Enabled: true}}}},
		{Method: "HEAD", URL: "https://h/h"},
		{Method: "DELETE", URL: "https://h/d", Auth: storage.AuthSpec{Type: "ntlm", Params: map[string]string{"username": "u", "domain": "D", "password": "p"}}},
	}
	for _, r := range reqs {
		cmd := ExportCurl(r, GenOptions{IncludeSecrets: true})
		back, warnings, err := ParseCurl(cmd)
		if err != nil {
			t.Errorf("%s\n%v", cmd, err)
			continue
		}
		if back.Method != r.Method {
			t.Errorf("%s\nmethod %s", cmd, back.Method)
		}
		switch r.Method {
		case "GET":
			if back.URL != "https://h/p?a+b=c%26d" {
				t.Errorf("%s\nurl %s", cmd, back.URL)
			}
			if v, _ := curlHeader(&back, "X-It"); v != r.Headers[0].Value {
				t.Errorf("%s\nheader %q", cmd, v)
			}
			if _, ok := curlHeader(&back, "Empty"); !ok {
				t.Errorf("%s\nthe empty header is lost", cmd)
			}
		case "POST":
			if r.Body.Mode == storage.BodyRaw && (back.Body.Raw != r.Body.Raw || back.Auth.Type != "digest" || back.Auth.Params["password"] != "p w" ||
				!back.Settings.NoFollow || !back.Settings.Insecure || back.Settings.TimeoutMs != 1500 || back.Settings.CAFile != "/ca.pem" || back.Settings.Proxy != "http://px:1") {
				t.Errorf("%s\n%+v", cmd, back)
			}
			if r.Body.Mode == storage.BodyFormData {
				got := back.Body.Multipart
				if len(got) != 3 || got[0].Value != "v;type=x" || got[1].File != "/tmp/x.png" || got[1].ContentType != "image/png" || got[2].Value != "@x" || got[2].ContentType != "application/json" {
					t.Errorf("%s\n%+v %q", cmd, got, warnings)
				}
			}
		case "PUT":
			if back.Body.File != "/tmp/a file.bin" {
				t.Errorf("%s\n%+v", cmd, back.Body)
			}
		case "DELETE":
			if back.Auth.Type != "ntlm" || back.Auth.Params["domain"] != "D" || back.Auth.Params["username"] != "u" {
				t.Errorf("%s\n%+v", cmd, back.Auth)
			}
		}
	}
}

// TestCurlWarningsHoldNoSecrets: a secret given to an option that is
// reported never appears in the warnings.
func TestCurlWarningsHoldNoSecrets(t *testing.T) {
	_, warnings, err := ParseCurl(`curl --tlspassword tlsS3cret --user=usr:userS3cret -H ' Authorization : Bearer hdrS3cret' -H 'Bearer noColonS3cret' ` +
		`-H ':blankS3cret' --proxy-header 'Proxy-Authorization: Basic pxS3cret' --proxy-pass ppS3cret https://h`)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(warnings, "\n")
	if len(warnings) < 5 {
		t.Errorf("warnings %q", warnings)
	}
	if strings.Contains(all, "S3cret") {
		t.Errorf("a secret is in the warnings:\n%s", all)
	}
}
