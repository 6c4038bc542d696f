package authlib

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mccutchen/go-httpbin/v2/httpbin"
)

func netrcMustParse(t *testing.T, name, data string) *Netrc {
	t.Helper()
	n, err := ParseNetrc(name, []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// The expectations agree with CPython 3.11's netrc module on the same
// file, except that Knock matches host names without regard to case.
func TestNetrcParseFull(t *testing.T) {
	data, err := os.ReadFile("testdata/netrc/full.netrc")
	if err != nil {
		t.Fatal(err)
	}
	n, err := ParseNetrc("full.netrc", data)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ host, login, password string }{
		{"api.example.com", "alice", "s3cret with spaces"},
		{"API.example.com:8443", "alice", "s3cret with spaces"},
		{"Files.Example.COM", "bob", `b"ob\pw`},
		{"files.example.com", "bob", `b"ob\pw`},
		{"not.an.entry", "anonymous", "guest@"}, // inside the macdef body
		{"account.example.com", "acct-only", "ap"},
		{"dup.example.com", "second", "two"},
		{"quoted host.example", `q"user`, ""},
		{"nowhere.example", "anonymous", "guest@"},
	} {
		login, pw, ok := n.Lookup(c.host)
		if !ok || login != c.login || pw != c.password {
			t.Errorf("%s: %q %q %v; want %q %q", c.host, login, pw, ok, c.login, c.password)
		}
	}
}

func TestNetrcParseCases(t *testing.T) {
	for _, c := range []struct {
		name, data, host, login, password string
		ok                                bool
	}{
		{"no default", "machine a login u password p\n", "b", "", "", false},
		{"port ignored", "machine 127.0.0.1 login u password p", "127.0.0.1:8080", "u", "p", true},
		{"ipv6", "machine ::1 login u password p", "[::1]:443", "u", "p", true},
		{"one line per token", "machine\nh\nlogin\nu\npassword\np\n", "h", "u", "p", true},
		{"crlf", "machine h\r\n\tlogin u\r\n\tpassword p\r\n", "h", "u", "p", true},
		{"escaped space", `machine h login u password a\ b`, "h", "u", "a b", true},
		{"password with hash", "machine h login u password #x", "h", "u", "#x", true},
		{"comment after entry", "machine h login u password p # note\nmachine i login v password q", "i", "v", "q", true},
		{"macdef then entry", "macdef m\nline one\nmachine x login bad password bad\n\nmachine x login good password ok", "x", "good", "ok", true},
		{"macdef crlf end", "macdef m\r\nbody\r\n\r\nmachine x login u password p", "x", "u", "p", true},
		{"login missing", "machine h password p", "h", "", "p", true},
		{"empty file", "", "h", "", "", false},
		{"default first", "default login d password dp\nmachine h login u password p", "other", "d", "dp", true},
		{"last default wins", "default login a\ndefault login b", "x", "b", "", true},
	} {
		n := netrcMustParse(t, c.name, c.data)
		login, pw, ok := n.Lookup(c.host)
		if ok != c.ok || login != c.login || pw != c.password {
			t.Errorf("%s: %q %q %v; want %q %q %v", c.name, login, pw, ok, c.login, c.password, c.ok)
		}
	}
}

func TestNetrcParseErrors(t *testing.T) {
	for _, c := range []struct{ data, want string }{
		{"# comment\n\n\nmachine a\n  login u\n  password p\n  port 22\n", `authlib: netrc: /home/u/.netrc:7: unknown token "port"`},
		{"machine a login u\nlogin", `authlib: netrc: /home/u/.netrc:2: "login" without a value`},
		{"machine", `authlib: netrc: /home/u/.netrc:1: "machine" without a host name`},
		{"\n\nmachine a password \"open", `authlib: netrc: /home/u/.netrc:3: unterminated quoted string`},
		{"machine a login u\n\nmacdef m\nbody\n", `authlib: netrc: /home/u/.netrc:3: the macdef body does not end with an empty line`},
		{"macdef", `authlib: netrc: /home/u/.netrc:1: "macdef" without a macro name`},
		{"login u", `authlib: netrc: /home/u/.netrc:1: unknown token "login"; expected machine, default or macdef`},
		{"machine a login u password my secret\n", `authlib: netrc: /home/u/.netrc:1: unknown token after the password (6 chars, not shown); a password with spaces must be in double quotes`},
		{"machine a login u password p port 22", `authlib: netrc: /home/u/.netrc:1: unknown token "port"`},
		{"machine a login u password\n\tp\n\textra", `authlib: netrc: /home/u/.netrc:3: unknown token "extra"`},
		{"machine a login u\n p4$$w0rd", `authlib: netrc: /home/u/.netrc:2: unknown token (8 chars, not shown in case it is a secret)`},
		// Lines keep counting through quoted newlines and macdef bodies.
		{"machine a password \"x\ny\"\nmacdef m\n1\n2\n\nbogus", `authlib: netrc: /home/u/.netrc:7: unknown token "bogus"; expected machine, default or macdef`},
	} {
		_, err := ParseNetrc("/home/u/.netrc", []byte(c.data))
		if err == nil || err.Error() != c.want {
			t.Errorf("%q:\n got %v\nwant %s", c.data, err, c.want)
		}
		if err != nil && (strings.Contains(err.Error(), "secret\"") || strings.Contains(err.Error(), "p4$$")) {
			t.Errorf("a secret leaked into %v", err)
		}
	}
}

func netrcWrite(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestNetrcLoadSearch(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	t.Setenv("NETRC", "") // restored after the test
	os.Unsetenv("NETRC")
	if n, path, err := LoadNetrc(); n != nil || path != "" || err != nil {
		t.Fatalf("no file: %v %q %v", n, path, err)
	}
	netrcWrite(t, filepath.Join(home, "_netrc"), "machine h login under password 1")
	if n, path, err := LoadNetrc(); err != nil || path != filepath.Join(home, "_netrc") || !netrcLogin(n, "h", "under") {
		t.Fatalf("_netrc fallback: %q %v", path, err)
	}
	netrcWrite(t, filepath.Join(home, ".netrc"), "machine h login dot password 2")
	if n, path, err := LoadNetrc(); err != nil || path != filepath.Join(home, ".netrc") || !netrcLogin(n, "h", "dot") {
		t.Fatalf(".netrc first: %q %v", path, err)
	}
	other := filepath.Join(home, "elsewhere")
	netrcWrite(t, other, "machine h login env password 3")
	t.Setenv("NETRC", other)
	if n, path, err := LoadNetrc(); err != nil || path != other || !netrcLogin(n, "h", "env") {
		t.Fatalf("$NETRC: %q %v", path, err)
	}
	t.Setenv("NETRC", "~/elsewhere")
	if _, path, err := LoadNetrc(); err != nil || path != other {
		t.Fatalf("$NETRC with ~: %q %v", path, err)
	}
	t.Setenv("NETRC", filepath.Join(home, "missing"))
	if n, path, err := LoadNetrc(); n != nil || path != "" || err != nil {
		t.Fatalf("$NETRC naming a missing file must not fall back to ~/.netrc: %v %q %v", n, path, err)
	}
	t.Setenv("NETRC", other)
	netrcWrite(t, other, "machine h\n\n port 1")
	if _, path, err := LoadNetrc(); err == nil || err.Error() != "authlib: netrc: "+other+`:3: unknown token "port"` || path != other {
		t.Fatalf("malformed: %q %v", path, err)
	}
}

func netrcLogin(n *Netrc, host, want string) bool {
	l, _, ok := n.Lookup(host)
	return ok && l == want
}

// netrcBasicServer records the Authorization header of each request.
type netrcBasicServer struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string
}

func netrcStartServer(t *testing.T) *netrcBasicServer {
	s := &netrcBasicServer{}
	bin := httpbin.New()
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.seen = append(s.seen, r.Header.Get("Authorization"))
		s.mu.Unlock()
		bin.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *netrcBasicServer) last() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.seen) == 0 {
		return "(none)"
	}
	return s.seen[len(s.seen)-1]
}

func netrcSend(t *testing.T, s Scheme, url string) (*http.Response, *Trace, error) {
	t.Helper()
	tr := &Trace{}
	req, _ := http.NewRequestWithContext(WithTrace(context.Background(), tr), "GET", url, nil)
	resp, err := s.Wrap(http.DefaultTransport).RoundTrip(req)
	if err == nil {
		t.Cleanup(func() { resp.Body.Close() })
	}
	return resp, tr, err
}

func TestNetrcSchemeGoHTTPBin(t *testing.T) {
	srv := netrcStartServer(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "my netrc")
	const pw = "netrc-Pa55-w0rd"
	netrcWrite(t, file, "# team file\nmachine 127.0.0.1\n  login user\n  password "+pw+"\ndefault login nobody password x\n")
	s, err := New("netrc", Params{"file": file})
	if err != nil {
		t.Fatal(err)
	}
	resp, tr, err := netrcSend(t, s, srv.URL+"/basic-auth/user/"+pw)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	var got struct {
		Authenticated bool   `json:"authenticated"`
		User          string `json:"user"`
	}
	if json.Unmarshal(body, &got); resp.StatusCode != 200 || !got.Authenticated || got.User != "user" {
		t.Fatalf("status %d body %s", resp.StatusCode, body)
	}
	if want := "Basic " + base64.StdEncoding.EncodeToString([]byte("user:"+pw)); srv.last() != want {
		t.Errorf("server saw %q; want %q", srv.last(), want)
	}
	js := bearerTraceJSON(t, tr)
	if strings.Contains(js, pw) || strings.Contains(js, base64.StdEncoding.EncodeToString([]byte("user:"+pw))) {
		t.Errorf("the password appears in the trace: %s", js)
	}
	for _, want := range []string{"Matched an entry in the netrc file", `"value":"` + file + `"`, `"name":"machine","value":"127.0.0.1"`, `"name":"line","value":"2"`, "Basic credentials are sent over plain http"} {
		if !strings.Contains(js, want) {
			t.Errorf("trace lacks %s: %s", want, js)
		}
	}
	// A wrong password in the file reaches the server as such.
	netrcWrite(t, file, "machine 127.0.0.1 login user password wrong-and-longer")
	resp, _, _ = netrcSend(t, s, srv.URL+"/basic-auth/user/"+pw)
	if resp.StatusCode != 401 {
		t.Errorf("wrong password: status %d", resp.StatusCode)
	}
}

func TestNetrcSchemeDefaultAndNoEntry(t *testing.T) {
	srv := netrcStartServer(t)
	file := filepath.Join(t.TempDir(), "netrc")
	netrcWrite(t, file, "default account acc password dpw")
	s, _ := New("netrc", Params{"file": file})
	if resp, _, err := netrcSend(t, s, srv.URL+"/basic-auth/acc/dpw"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("default entry with account: %v %v", resp, err)
	}
	netrcWrite(t, file, "machine other.example login u password p\n")
	resp, tr, err := netrcSend(t, s, srv.URL+"/basic-auth/u/p")
	if err != nil || resp.StatusCode != 401 || srv.last() != "" {
		t.Fatalf("no entry: %v %v, server saw %q", resp, err, srv.last())
	}
	if w := fmt.Sprint(tr.Warnings()); !strings.Contains(w, "has no machine entry for 127.0.0.1") {
		t.Errorf("warnings %s", w)
	}
}

func TestNetrcSchemeEnvAndHome(t *testing.T) {
	srv := netrcStartServer(t)
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("NETRC", "") // restored after the test
	os.Unsetenv("NETRC")
	s, _ := New("netrc", nil)
	if _, _, err := netrcSend(t, s, srv.URL+"/basic-auth/a/b"); err == nil || err.Error() != "authlib: netrc: no netrc file found (looked for ~/.netrc and ~/_netrc)" {
		t.Fatalf("explicit netrc without a file: %v", err)
	}
	if srv.last() != "(none)" {
		t.Error("a request was sent although netrc was chosen and there is no file")
	}
	netrcWrite(t, filepath.Join(home, "_netrc"), "machine 127.0.0.1 login a password b")
	if resp, _, err := netrcSend(t, s, srv.URL+"/basic-auth/a/b"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("~/_netrc: %v %v", resp, err)
	}
	env := filepath.Join(t.TempDir(), "env-netrc")
	netrcWrite(t, env, "machine 127.0.0.1 login c password d")
	t.Setenv("NETRC", env)
	if resp, _, err := netrcSend(t, s, srv.URL+"/basic-auth/c/d"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("$NETRC: %v %v", resp, err)
	}
	implicit, _ := New("netrc", Params{"implicit": "true"})
	t.Setenv("NETRC", filepath.Join(home, "missing"))
	if resp, tr, err := netrcSend(t, implicit, srv.URL+"/basic-auth/c/d"); err != nil || resp.StatusCode != 401 || len(tr.Warnings()) != 0 || len(tr.Steps()) != 0 {
		t.Fatalf("implicit without a file must be silent: %v %v %v", resp, err, tr.Steps())
	}
}

func TestNetrcSchemeMalformed(t *testing.T) {
	srv := netrcStartServer(t)
	file := filepath.Join(t.TempDir(), ".netrc")
	netrcWrite(t, file, "machine 127.0.0.1\n login u\n password p\n protocol https\n")
	want := "authlib: netrc: " + file + `:4: unknown token "protocol"`

	explicit, _ := New("netrc", Params{"file": file})
	if _, _, err := netrcSend(t, explicit, srv.URL+"/headers"); err == nil || err.Error() != want {
		t.Errorf("explicit: %v; want %s", err, want)
	}
	if srv.last() != "(none)" {
		t.Error("explicit: the request was sent")
	}
	implicit, _ := New("netrc", Params{"file": file, "implicit": "true"})
	resp, tr, err := netrcSend(t, implicit, srv.URL+"/headers")
	if err != nil || resp.StatusCode != 200 || srv.last() != "" {
		t.Fatalf("implicit: %v %v, server saw %q", resp, err, srv.last())
	}
	if w := tr.Warnings(); len(w) != 1 || !strings.HasPrefix(w[0], want+"; the request is sent without netrc credentials") {
		t.Errorf("implicit warnings %q", w)
	}
	if _, err := New("netrc", Params{"implicit": "perhaps"}); err == nil {
		t.Error("implicit=perhaps accepted")
	}
}

func TestNetrcSchemeImplicitKeepsAuthorization(t *testing.T) {
	srv := netrcStartServer(t)
	file := filepath.Join(t.TempDir(), ".netrc")
	netrcWrite(t, file, "machine 127.0.0.1 login u password p")
	s, _ := New("netrc", Params{"file": file, "implicit": "true"})
	req, _ := http.NewRequest("GET", srv.URL+"/headers", nil)
	req.Header.Set("Authorization", "Bearer mine")
	resp, err := s.Wrap(http.DefaultTransport).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if srv.last() != "Bearer mine" {
		t.Errorf("server saw %q", srv.last())
	}
}

func TestNetrcSchemeReloadsOnlyWhenChanged(t *testing.T) {
	srv := netrcStartServer(t)
	file := filepath.Join(t.TempDir(), ".netrc")
	netrcWrite(t, file, "machine 127.0.0.1 login u password 1")
	stamp := time.Now().Add(-time.Hour).Truncate(time.Second)
	os.Chtimes(file, stamp, stamp)
	s, _ := New("netrc", Params{"file": file})
	basic := func(pw string) string { return "Basic " + base64.StdEncoding.EncodeToString([]byte("u:"+pw)) }
	netrcSend(t, s, srv.URL+"/headers")
	if srv.last() != basic("1") {
		t.Fatalf("server saw %q", srv.last())
	}
	// Same size and modification time: the cached parse is used.
	netrcWrite(t, file, "machine 127.0.0.1 login u password 2")
	os.Chtimes(file, stamp, stamp)
	netrcSend(t, s, srv.URL+"/headers")
	if srv.last() != basic("1") {
		t.Errorf("the unchanged file was read again: server saw %q", srv.last())
	}
	os.Chtimes(file, stamp.Add(time.Second), stamp.Add(time.Second))
	netrcSend(t, s, srv.URL+"/headers")
	if srv.last() != basic("2") {
		t.Errorf("the changed file was not read again: server saw %q", srv.last())
	}
}

func TestNetrcSchemeConcurrent(t *testing.T) {
	srv := netrcStartServer(t)
	file := filepath.Join(t.TempDir(), ".netrc")
	netrcWrite(t, file, "machine 127.0.0.1 login u password p")
	s, _ := New("netrc", Params{"file": file})
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				if g == 0 && i%3 == 0 {
					stamp := time.Now().Add(time.Duration(i) * time.Second)
					os.Chtimes(file, stamp, stamp)
				}
				req, _ := http.NewRequest("GET", srv.URL+"/basic-auth/u/p", nil)
				resp, err := s.Wrap(http.DefaultTransport).RoundTrip(req)
				if err == nil {
					if resp.StatusCode != 200 {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
					resp.Body.Close()
				}
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestNetrcSchemeColonInLogin(t *testing.T) {
	file := filepath.Join(t.TempDir(), ".netrc")
	netrcWrite(t, file, "machine 127.0.0.1 login a:b password p")
	s, _ := New("netrc", Params{"file": file})
	_, _, err := netrcSend(t, s, "http://127.0.0.1:1/")
	if err == nil || !strings.Contains(err.Error(), file+`:1: the login "a:b" contains ':'`) {
		t.Errorf("err %v", err)
	}
}

func FuzzParseNetrc(f *testing.F) {
	if data, err := os.ReadFile("testdata/netrc/full.netrc"); err == nil {
		f.Add(string(data))
	}
	for _, s := range []string{
		"machine a login u password p", "default login a", "macdef m\nx\n\nmachine b",
		`machine "q\"h" password "a\\b"`, "# c\nmachine a port 1", "machine a password \"open",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseNetrc("f", []byte(s))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "authlib: netrc: f:") {
				t.Fatalf("error without file name: %v", err)
			}
			var line int
			if _, e := fmt.Sscanf(err.Error(), "authlib: netrc: f:%d:", &line); e != nil || line < 1 || line > strings.Count(s, "\n")+1 {
				t.Fatalf("bad line number in %v", err)
			}
			return
		}
		n.Lookup("a")
		n.Lookup("[::1]:80")
	})
}
