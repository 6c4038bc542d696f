package cli

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSendPrintsLikeCurlInclude(t *testing.T) {
	srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Add("X-Multi", "one")
		w.Header().Add("X-Multi", "two")
		w.WriteHeader(201)
		fmt.Fprint(w, `{"ok":true}`)
	})
	code, out, errs := knock(t, "send", srv.URL+"/things")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	head, body, ok := strings.Cut(out, "\r\n\r\n")
	if !ok {
		t.Fatalf("no blank line between the header and the body:\n%q", out)
	}
	if !strings.HasPrefix(head, "HTTP/1.1 201 Created\r\n") {
		t.Errorf("status line: %q", head)
	}
	head += "\r\n"
	wantContains(t, "head", head, "Content-Type: application/json\r\n")
	wantContains(t, "head", head, "X-Multi: one\r\nX-Multi: two\r\n")
	if body != `{"ok":true}` {
		t.Errorf("body %q", body)
	}
	if got := srv.last(t); got.Method != "GET" || got.URL != "/things" {
		t.Errorf("server saw %s %s", got.Method, got.URL)
	}
}

func TestSendMethodHeadersAndData(t *testing.T) {
	srv := newRecordingServer(t, nil)
	dir := t.TempDir()
	file := filepath.Join(dir, "form.txt")
	os.WriteFile(file, []byte("a=1\r\n&b=2\n"), 0o600)

	code, _, errs := knock(t, "send", "-X", "PURGE", srv.URL+"/cache", "-H", "X-One: 1", "-H", "X-One: 2", "-H", "X-Empty;")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	got := srv.last(t)
	if got.Method != "PURGE" {
		t.Errorf("method %q, want PURGE", got.Method)
	}
	if v := got.Header.Values("X-One"); len(v) != 2 || v[0] != "1" || v[1] != "2" {
		t.Errorf("X-One = %q, want [1 2]", v)
	}
	if _, ok := got.Header["X-Empty"]; !ok {
		t.Errorf("X-Empty; did not send an empty header: %v", got.Header)
	}

	code, _, errs = knock(t, "send", srv.URL, "-d", "@"+file, "-d", "c=3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	got = srv.last(t)
	if got.Method != "POST" || got.Body != "a=1&b=2&c=3" {
		t.Errorf("-d sent %s %q, want POST %q", got.Method, got.Body, "a=1&b=2&c=3")
	}
	if ct := got.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type %q", ct)
	}

	code, _, _ = knock(t, "send", "-X", "PUT", "-H", "Content-Type: application/json", "--data-binary", "@"+file, srv.URL)
	got = srv.last(t)
	if code != 0 || got.Method != "PUT" || got.Body != "a=1\r\n&b=2\n" || got.Header.Get("Content-Type") != "application/json" {
		t.Errorf("--data-binary sent %s %q %q", got.Method, got.Body, got.Header.Get("Content-Type"))
	}
}

func TestSendBasicAuthFromUserFlag(t *testing.T) {
	srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if !ok || u != "Zoë" || p != "s3cr:et" {
			w.WriteHeader(401)
			return
		}
		fmt.Fprint(w, "welcome")
	})
	code, out, errs := knock(t, "send", "-u", "Zoë:s3cr:et", srv.URL, "--trace")
	if code != 0 || !strings.HasSuffix(out, "welcome") {
		t.Fatalf("exit %d, out %q, err %q", code, out, errs)
	}
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte("Zoë:s3cr:et"))
	if got := srv.last(t).Header.Get("Authorization"); got != want {
		t.Errorf("Authorization %q, want %q", got, want)
	}
	wantContains(t, "stderr", errs, "warning: Basic credentials are sent over plain http")
	wantContains(t, "trace", errs, "[basic]")
	wantNotContains(t, "stderr", errs, "s3cr:et")
	wantNotContains(t, "stderr", errs, base64.StdEncoding.EncodeToString([]byte("Zoë:s3cr:et")))
}

func TestSendAuthParamsAndFiles(t *testing.T) {
	srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		if u, p, _ := r.BasicAuth(); u != "ann" || p != "from-file" {
			w.WriteHeader(401)
		}
	})
	pw := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pw, []byte("from-file"), 0o600)
	code, out, errs := knock(t, "send", "--auth", "basic", "--auth-param", "username=ann", "--auth-param", "password=@"+pw, srv.URL)
	if code != 0 || !strings.HasPrefix(out, "HTTP/1.1 200") {
		t.Fatalf("exit %d out %q err %q", code, out, errs)
	}
	code, _, errs = knock(t, "send", "--auth", "nosuch", srv.URL)
	if code != 1 || !strings.Contains(errs, `unknown --auth "nosuch"`) || !strings.Contains(errs, "basic") {
		t.Errorf("unknown auth: exit %d, %q", code, errs)
	}
	code, _, errs = knock(t, "send", "--auth-param", "username=x", srv.URL)
	if code != 1 || !strings.Contains(errs, "without --auth") {
		t.Errorf("--auth-param alone: exit %d, %q", code, errs)
	}
}

func TestSendExitCodes(t *testing.T) {
	srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(404)
		fmt.Fprint(w, "nope")
	})
	if code, _, _ := knock(t, "send", srv.URL); code != 0 {
		t.Errorf("a 404 without --fail exits %d, want 0", code)
	}
	if code, out, _ := knock(t, "send", "--fail", srv.URL); code != 22 || !strings.HasPrefix(out, "HTTP/1.1 404") {
		t.Errorf("a 404 with --fail exits %d, want 22 (out %q)", code, out)
	}

	closed := newRecordingServer(t, nil)
	url := closed.URL
	closed.Close()
	code, out, errs := knock(t, "send", url)
	if code != 1 || out != "" {
		t.Errorf("refused: exit %d, stdout %q", code, out)
	}
	if strings.Count(errs, "\n") != 1 || !strings.HasPrefix(errs, "knock: connection refused") {
		t.Errorf("want one line about the refused connection, got %q", errs)
	}
	for _, args := range [][]string{
		{"send"},
		{"send", "http://a/", "http://b/"},
		{"send", "--bogus", "http://a/"},
		{"send", "-H", "no colon", "http://a/"},
		{"send", "hppts://example.com/"},
		{"send", "--max-redirects", "-1", "http://a/"},
	} {
		code, out, errs := knock(t, args...)
		if code != 1 || out != "" || strings.Count(errs, "\n") != 1 || !strings.HasPrefix(errs, "knock: ") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 1 and one line on stderr", args, code, out, errs)
		}
	}
	_, _, errs = knock(t, "send", "hppts://example.com/")
	wantContains(t, "stderr", errs, `unknown scheme "hppts": did you mean "https"?`)
}

func TestSendOutputStreamsBodyToFile(t *testing.T) {
	payload := strings.Repeat("0123456789abcdef", 1<<16) // 1 MiB
	srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, payload)
	})
	out := filepath.Join(t.TempDir(), "body.bin")
	code, stdout, errs := knock(t, "send", "-o", out, srv.URL)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	data, err := os.ReadFile(out)
	if err != nil || string(data) != payload {
		t.Fatalf("file holds %d bytes (%v), want %d", len(data), err, len(payload))
	}
	if !strings.HasSuffix(stdout, "\r\n\r\n") || strings.Contains(stdout, "0123456789") {
		t.Errorf("stdout should hold only the status line and header, got %q", stdout)
	}
}

func TestSendEnvironmentFiles(t *testing.T) {
	srv := newRecordingServer(t, nil)
	dir := t.TempDir()
	files := map[string]string{
		"postman.json": "\xef\xbb\xbf" + `{"name":"dev","values":[{"key":"path","value":"from-postman","enabled":true},{"key":"off","value":"x","enabled":false}]}`,
		"flat.json":    `{"path":"from-json"}`,
		"vars.env":     "# comment\npath = from-dotenv\n",
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		code, _, errs := knock(t, "send", "-e", p, srv.URL+"/{{path}}?t={{$timestamp}}")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, errs)
		}
		got := srv.last(t).URL
		want := map[string]string{"postman.json": "/from-postman", "flat.json": "/from-json", "vars.env": "/from-dotenv"}[name]
		if !strings.HasPrefix(got, want+"?t=") || strings.Contains(got, "{{") {
			t.Errorf("%s: server saw %q, want %s?t=<unix time>", name, got, want)
		}
	}
	n := len(srv.requests())
	code, _, errs := knock(t, "send", "-e", filepath.Join(dir, "postman.json"), srv.URL+"/{{off}}")
	if code != 1 || !strings.Contains(errs, "{{off}} in URL") {
		t.Errorf("a disabled variable must be unresolved: exit %d, %q", code, errs)
	}
	if len(srv.requests()) != n {
		t.Error("a request with an unresolved variable reached the server")
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte("{\n  \"a\": ,\n}"), 0o600)
	if code, _, errs := knock(t, "send", "-e", bad, srv.URL); code != 1 || !strings.Contains(errs, "line 2") {
		t.Errorf("a malformed env file: exit %d, %q; want the line number", code, errs)
	}
}

func TestSendRequestFile(t *testing.T) {
	srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		if u, p, _ := r.BasicAuth(); u != "robot" || p != "hunter2" {
			w.WriteHeader(401)
		}
	})
	file := filepath.Join(t.TempDir(), "create.knock.json")
	os.WriteFile(file, []byte(`{
  "format": "knock.request/v1",
  "name": "Create",
  "method": "POST",
  "url": "`+srv.URL+`/items",
  "params": [{"key": "dry", "value": "1", "enabled": true}, {"key": "off", "value": "1", "enabled": false}],
  "headers": [{"key": "X-From", "value": "file", "enabled": true}],
  "body": {"mode": "raw", "raw": "{\"n\": 1}", "contentType": "application/json"},
  "auth": {"type": "basic", "params": {"username": "robot"}, "secretRefs": {"password": "KNOCK_SECRET_PASSWORD"}}
}
`), 0o600)
	code, _, errs := knock(t, "send", "--file", file)
	if code != 1 || !strings.Contains(errs, "KNOCK_SECRET_PASSWORD") {
		t.Fatalf("a missing secret must be asked for: exit %d, %q", code, errs)
	}
	t.Setenv("KNOCK_SECRET_PASSWORD", "hunter2")
	code, out, errs := knock(t, "send", "--file", file)
	if code != 0 || !strings.HasPrefix(out, "HTTP/1.1 200") {
		t.Fatalf("exit %d, %q, %q", code, out, errs)
	}
	got := srv.last(t)
	if got.Method != "POST" || got.URL != "/items?dry=1" || got.Body != `{"n": 1}` || got.Header.Get("X-From") != "file" || got.Header.Get("Content-Type") != "application/json" {
		t.Errorf("server saw %+v", got)
	}
	code, _, _ = knock(t, "send", "--file", file, "-X", "PATCH", "--auth-param", "password=hunter2")
	if code != 0 || srv.last(t).Method != "PATCH" {
		t.Errorf("flags should override the file: exit %d, method %s", code, srv.last(t).Method)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"format": "knock.request/v1", "url": 5}`), 0o600)
	if code, _, errs := knock(t, "send", "--file", bad); code != 1 || !strings.Contains(errs, bad) || !strings.Contains(errs, "line 1") {
		t.Errorf("a malformed request file: exit %d, %q", code, errs)
	}
}

func TestSendTraceShowsRoundTripsAndRedirects(t *testing.T) {
	srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/start" {
			http.Redirect(w, r, "/end", http.StatusFound)
			return
		}
		fmt.Fprint(w, "done")
	})
	code, out, errs := knock(t, "send", "--trace", srv.URL+"/start")
	if code != 0 || !strings.HasSuffix(out, "done") {
		t.Fatalf("exit %d, %q", code, out)
	}
	for _, want := range []string{"* Round trips:", "GET " + srv.URL + "/start -> 302", "GET " + srv.URL + "/end -> 200", "* Redirects:", "* Timings: dns", "ttfb", "* Size:"} {
		wantContains(t, "trace", errs, want)
	}
	code, out, _ = knock(t, "send", "--no-follow", srv.URL+"/start")
	if code != 0 || !strings.HasPrefix(out, "HTTP/1.1 302") {
		t.Errorf("--no-follow: exit %d, %q", code, out)
	}
	loop := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/again", http.StatusFound)
	})
	code, _, errs = knock(t, "send", "--max-redirects", "3", loop.URL+"/again")
	if code != 1 || !strings.Contains(errs, "redirect loop") {
		t.Errorf("loop: exit %d, %q", code, errs)
	}
	if n := len(loop.requests()); n != 4 {
		t.Errorf("the loop server saw %d requests, want 4 (1 + 3 redirects)", n)
	}
}

func TestSendTimeout(t *testing.T) {
	srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-make(chan struct{}):
		}
	})
	code, _, errs := knock(t, "send", "--timeout", "200ms", srv.URL)
	if code != 1 || !strings.Contains(errs, "200ms (total timeout)") {
		t.Errorf("exit %d, %q", code, errs)
	}
}

func TestSendHelpListsEveryMethod(t *testing.T) {
	code, out, _ := knock(t, "send", "--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"-X METHOD", "-auth-param name=value", "-cert-password", "-no-follow", "-max-redirects", "-trace", "-fail", "-file FILE", "-e ENVFILE", "-o FILE", "-proxy URL", "-insecure", "-cacert", "-timeout", "Exit status"} {
		wantContains(t, "help", out, want)
	}
	for _, m := range methodsForHelpTest() {
		wantContains(t, "help", out, "\n  "+m.Type+" ")
		for _, p := range m.Params {
			wantContains(t, "help of "+m.Type, out, p.Name)
		}
	}
}
