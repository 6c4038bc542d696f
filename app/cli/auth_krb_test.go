package cli

// `knock send --auth ntlm` and `--auth negotiate` against the real servers
// of shared/tools/krb: an MIT Kerberos KDC and Apache httpd with
// mod_auth_gssapi and gss-ntlmssp on 127.0.0.1. Apache's access log, which
// records the authenticated user of each request, is the verdict.
//
// The servers are found as authlib's krb_servers_test.go finds them:
//
//  1. KNOCK_KRB_URL is set (make test runs setup.sh and exports env.sh);
//  2. else env.sh under KNOCK_KRB_DIR (default ${TMPDIR:-/tmp}/knock-krb)
//     describes servers that answer;
//  3. else KNOCK_KRB_SETUP names setup.sh: it is run (as root), and a
//     detached watchdog runs teardown.sh once this test process has exited.
//
// Otherwise the tests fail and say how to provide the servers; they are
// never skipped.

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

type authCLIKrbEnv struct {
	dir, krb5conf, realm string
	user, pass           string
	krbURL, ntlmURL      string
	ntlmDomain, ntlmUser string
	ntlmPass             string
}

var (
	authCLIKrbOnce sync.Once
	authCLIKrbVal  *authCLIKrbEnv
	authCLIKrbErr  error
)

const authCLIKrbHowTo = `the NTLM and Kerberos command-line tests need the real KDC and Apache of shared/tools/krb.
Run them with "make test", which starts them, or as root with
    KNOCK_KRB_SETUP=/path/to/shared/tools/krb/setup.sh go test ./app/cli/
(the test runs setup.sh and stops the servers when it exits), or start them yourself:
    bash shared/tools/krb/setup.sh && set -a && . ${TMPDIR:-/tmp}/knock-krb/env.sh && set +a && go test ./app/cli/`

func authCLIKrbServers(t *testing.T) *authCLIKrbEnv {
	t.Helper()
	authCLIKrbOnce.Do(func() { authCLIKrbVal, authCLIKrbErr = authCLIKrbFind() })
	if authCLIKrbErr != nil {
		t.Fatalf("%v\n%s", authCLIKrbErr, authCLIKrbHowTo)
	}
	return authCLIKrbVal
}

func authCLIKrbDir() string {
	if d := os.Getenv("KNOCK_KRB_DIR"); d != "" {
		return d
	}
	tmp := os.Getenv("TMPDIR")
	if tmp == "" {
		tmp = "/tmp"
	}
	return filepath.Join(tmp, "knock-krb")
}

func authCLIKrbFrom(get func(string) string) *authCLIKrbEnv {
	e := &authCLIKrbEnv{dir: get("KNOCK_KRB_DIR"), krb5conf: get("KRB5_CONFIG"), realm: get("KNOCK_KRB_REALM"),
		user: get("KNOCK_KRB_USER"), pass: get("KNOCK_KRB_PASS"), krbURL: get("KNOCK_KRB_URL"), ntlmURL: get("KNOCK_NTLM_URL"),
		ntlmDomain: get("KNOCK_NTLM_DOMAIN"), ntlmUser: get("KNOCK_NTLM_USER"), ntlmPass: get("KNOCK_NTLM_PASS")}
	if e.dir == "" {
		e.dir = authCLIKrbDir()
	}
	return e
}

func authCLIKrbReadEnv(path string) (*authCLIKrbEnv, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	vals := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(sc.Text()), "export "), "=")
		if ok {
			vals[k] = strings.Trim(v, `'"`)
		}
	}
	return authCLIKrbFrom(func(k string) string { return vals[k] }), nil
}

// authCLIKrbCheck asks the unauthenticated /krb/ for its 401.
func authCLIKrbCheck(e *authCLIKrbEnv) error {
	if e.krb5conf == "" || e.krbURL == "" || e.ntlmURL == "" || e.user == "" || e.pass == "" || e.ntlmPass == "" {
		return fmt.Errorf("incomplete environment: KRB5_CONFIG=%q KNOCK_KRB_URL=%q KNOCK_NTLM_URL=%q KNOCK_KRB_USER=%q", e.krb5conf, e.krbURL, e.ntlmURL, e.user)
	}
	if _, err := os.Stat(e.krb5conf); err != nil {
		return err
	}
	c := &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Get(e.krbURL)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		return fmt.Errorf("GET %s: %s, want 401", e.krbURL, resp.Status)
	}
	return nil
}

func authCLIKrbFind() (*authCLIKrbEnv, error) {
	if os.Getenv("KNOCK_KRB_URL") != "" {
		e := authCLIKrbFrom(os.Getenv)
		if err := authCLIKrbCheck(e); err != nil {
			return nil, fmt.Errorf("KNOCK_KRB_URL is set but the servers do not answer: %w", err)
		}
		return e, nil
	}
	envFile := filepath.Join(authCLIKrbDir(), "env.sh")
	e, err := authCLIKrbReadEnv(envFile)
	if err == nil {
		if err = authCLIKrbCheck(e); err == nil {
			return e, nil
		}
	}
	setup := os.Getenv("KNOCK_KRB_SETUP")
	if setup == "" {
		return nil, fmt.Errorf("neither KNOCK_KRB_URL nor KNOCK_KRB_SETUP is set, and %s does not describe running servers (%v)", envFile, err)
	}
	if !filepath.IsAbs(setup) {
		// go test runs in app/cli; a path relative to the repository root
		// (make's directory) is two levels up.
		if _, err := os.Stat(setup); err != nil {
			setup = filepath.Join("..", "..", setup)
		}
		if abs, err := filepath.Abs(setup); err == nil {
			setup = abs
		}
	}
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("KNOCK_KRB_SETUP is set, but %s must run as root (euid is %d)", setup, os.Geteuid())
	}
	cmd := exec.Command("bash", setup)
	cmd.Env = append(os.Environ(), "KNOCK_KRB_DIR="+authCLIKrbDir())
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%s failed: %v\n%s", setup, err, out)
	}
	if err := authCLIKrbWatchdog(filepath.Join(filepath.Dir(setup), "teardown.sh")); err != nil {
		return nil, err
	}
	if e, err = authCLIKrbReadEnv(envFile); err != nil {
		return nil, fmt.Errorf("after %s: %w", setup, err)
	}
	if err := authCLIKrbCheck(e); err != nil {
		return nil, fmt.Errorf("after %s the servers do not answer: %w", setup, err)
	}
	return e, nil
}

// authCLIKrbWatchdog starts a detached shell that waits for this process
// to exit, then runs teardown.sh, which stops the daemons by PID file.
func authCLIKrbWatchdog(teardown string) error {
	if _, err := os.Stat(teardown); err != nil {
		return fmt.Errorf("teardown script: %w", err)
	}
	logName := filepath.Join(os.TempDir(), "knock-cli-krb-watchdog.log")
	logf, err := os.Create(logName)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command("sh", "-c",
		`while kill -0 "$1" 2>/dev/null; do sleep 0.5; done; bash "$2" && rm -f "$3"`,
		"knock-cli-krb-watchdog", strconv.Itoa(os.Getpid()), teardown, logName)
	cmd.Env = append(os.Environ(), "KNOCK_KRB_DIR="+authCLIKrbDir())
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting the teardown watchdog: %w", err)
	}
	return cmd.Process.Release()
}

// mark returns url with a unique query parameter, to find its lines in
// Apache's access log.
func (e *authCLIKrbEnv) mark(url string) (string, string) {
	m := "knockcli=" + authCLIRandom(6)
	return url + "?" + m, m
}

// accessLog returns the access log lines that contain mark, waiting a
// moment for want of them (Apache writes a line after its response). The
// format is "%h %l %u %t \"%r\" %>s %b conn=%{c}L keepalive=%k".
func (e *authCLIKrbEnv) accessLog(t *testing.T, mark string, want int) []string {
	t.Helper()
	var lines []string
	for i := 0; i < 40; i++ {
		b, err := os.ReadFile(filepath.Join(e.dir, "logs", "access.log"))
		if err != nil {
			t.Fatalf("reading Apache's access log: %v", err)
		}
		lines = lines[:0]
		for _, l := range strings.Split(string(b), "\n") {
			if strings.Contains(l, mark) {
				lines = append(lines, l)
			}
		}
		if len(lines) >= want {
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	return lines
}

func TestAuthCLINTLMRealServer(t *testing.T) {
	e := authCLIKrbServers(t)
	for _, c := range []struct {
		name string
		args []string
	}{
		{`username DOMAIN\user`, authCLIParams(`username=`+e.ntlmDomain+`\`+e.ntlmUser, "password="+e.ntlmPass)},
		{"username and domain", authCLIParams("username="+e.ntlmUser, "domain="+e.ntlmDomain, "password="+e.ntlmPass)},
	} {
		t.Run(c.name, func(t *testing.T) {
			u, mark := e.mark(e.ntlmURL)
			code, out, errs := knock(t, append(append([]string{"send", "--trace", "--auth", "ntlm"}, c.args...), u)...)
			if code != 0 || !strings.HasPrefix(out, "HTTP/1.1 200 ") || strings.TrimSpace(out[strings.Index(out, "\r\n\r\n"):]) != "ntlm-ok" {
				t.Fatalf("exit %d\n%s\n%s", code, out, errs)
			}
			lines := e.accessLog(t, mark, 3)
			// Apache escapes the backslash in its log.
			if len(lines) != 3 || !strings.Contains(lines[2], " "+e.ntlmDomain+`\\`+e.ntlmUser+" ") || !strings.Contains(lines[2], `" 200 `) {
				t.Errorf("Apache's access log for this request: %q; want 401, 401, then 200 for %s\\%s", lines, e.ntlmDomain, e.ntlmUser)
			}
			for _, want := range []string{"-> 401", "challenge: Negotiate, NTLM", "[ntlm] The server asked for authentication (401)",
				"[ntlm] NEGOTIATE_MESSAGE, type 1 (MS-NLMP §2.2.1.1)", "[ntlm] CHALLENGE_MESSAGE, type 2 (MS-NLMP §2.2.1.2)",
				"[ntlm] AUTHENTICATE_MESSAGE, type 3 (MS-NLMP §2.2.1.3, NTLMv2 §3.3.2)", "[ntlm] Authenticated", "[ntlm] Both legs used one connection"} {
				wantContains(t, "trace", errs, want)
			}
			wantNotContains(t, "stderr", errs, e.ntlmPass)
		})
	}
	t.Run("wrong password", func(t *testing.T) {
		u, mark := e.mark(e.ntlmURL)
		code, out, errs := knock(t, "send", "--trace", "--auth", "ntlm", "--auth-param", `username=`+e.ntlmDomain+`\`+e.ntlmUser, "--auth-param", "password=wrong-"+e.ntlmPass, u)
		if code != 0 || !strings.HasPrefix(out, "HTTP/1.1 401 ") {
			t.Errorf("exit %d\n%s\n%s\nwant Apache's 401", code, out, errs)
		}
		lines := e.accessLog(t, mark, 3)
		if len(lines) == 0 || !strings.Contains(lines[len(lines)-1], `" 401 `) {
			t.Errorf("Apache's access log: %q", lines)
		}
		wantContains(t, "trace", errs, "[ntlm] The server rejected the AUTHENTICATE message (401)")
		wantNotContains(t, "stderr", errs, e.ntlmPass)
	})
}

func TestAuthCLINegotiateRealServer(t *testing.T) {
	e := authCLIKrbServers(t)
	check := func(t *testing.T, args ...string) {
		t.Helper()
		u, mark := e.mark(e.krbURL)
		code, out, errs := knock(t, append(append([]string{"send", "--trace", "--auth", "negotiate"}, args...), u)...)
		if code != 0 || !strings.HasPrefix(out, "HTTP/1.1 200 ") || !strings.Contains(out, "\r\n\r\nkrb-ok") {
			t.Fatalf("exit %d\n%s\n%s", code, out, errs)
		}
		lines := e.accessLog(t, mark, 2)
		if len(lines) != 2 || !strings.Contains(lines[1], " "+e.user+"@"+e.realm+" ") || !strings.Contains(lines[1], `" 200 `) {
			t.Errorf("Apache's access log for this request: %q; want 401, then 200 for %s@%s", lines, e.user, e.realm)
		}
		for _, want := range []string{"challenge: Negotiate", "[negotiate] Service principal (RFC 4559 §4.1)", "SPN: HTTP/localhost",
			"[negotiate] Kerberos configuration", "[negotiate] Logged in: AS exchange (RFC 4120 §3.1)", "[negotiate] Service ticket: TGS exchange (RFC 4120 §3.3)",
			"[negotiate] SPNEGO NegTokenInit with a Kerberos AP-REQ", "[negotiate] Authenticated with Kerberos"} {
			wantContains(t, "trace", errs, want)
		}
		wantNotContains(t, "stderr", errs, e.pass)
	}
	t.Run("password and krb5conf", func(t *testing.T) {
		check(t, authCLIParams("username="+e.user, "password="+e.pass, "krb5conf="+e.krb5conf)...)
	})
	t.Run("password, realm from user@REALM, krb5.conf from KRB5_CONFIG", func(t *testing.T) {
		t.Setenv("KRB5_CONFIG", e.krb5conf)
		check(t, "-u", e.user+"@"+e.realm+":"+e.pass)
	})
	t.Run("wrong password", func(t *testing.T) {
		u, _ := e.mark(e.krbURL)
		code, out, errs := knock(t, append(append([]string{"send", "--auth", "negotiate"}, authCLIParams("username="+e.user, "password=wrong-"+e.pass, "krb5conf="+e.krb5conf)...), u)...)
		// The KDC refuses the login, before anything reaches Apache.
		want := "Kerberos login as " + e.user + "@" + e.realm + " failed: wrong password"
		if code != 1 || out != "" || !strings.Contains(errs, want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("exit %d\n%s\n%s\nwant exit 1 and one line saying %q", code, out, errs, want)
		}
		wantNotContains(t, "stderr", errs, e.pass)
	})
}
