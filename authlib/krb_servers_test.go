package authlib

// Access to the real Kerberos KDC and Apache httpd (mod_auth_gssapi with
// gss-ntlmssp) that shared/tools/krb/setup.sh starts on 127.0.0.1.
//
// krbTestServers finds the servers, in this order:
//
//  1. KNOCK_KRB_URL is set: the servers were started outside the test
//     binary (make test runs setup.sh, sources env.sh, runs go test, then
//     teardown.sh). The other values come from the same environment.
//  2. KNOCK_KRB_SETUP is set: if env.sh under KNOCK_KRB_DIR (default
//     ${TMPDIR:-/tmp}/knock-krb) already describes servers that answer,
//     they are used as they are. Otherwise setup.sh is run (it needs root
//     and takes about 13 s the first time, when it installs packages), and
//     a watchdog process is started that runs teardown.sh, beside setup.sh,
//     once this test process has exited, so no daemon outlives the tests.
//  3. Neither is set, but env.sh exists and its httpd answers: it is used
//     (someone ran setup.sh by hand).
//
// Otherwise every test that needs the servers fails with a message that
// says how to provide them. They are never skipped.

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
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

// krbTestEnv describes the running servers (the values of env.sh).
type krbTestEnv struct {
	Dir        string // KNOCK_KRB_DIR: work directory with logs/ and ccache/
	KRB5Config string // KRB5_CONFIG
	Realm      string // KNOCK_KRB_REALM
	KDCAddr    string // KNOCK_KDC_ADDR
	User, Pass string // KNOCK_KRB_USER, KNOCK_KRB_PASS
	HTTPPort   string // KNOCK_HTTP_PORT
	KrbURL     string // KNOCK_KRB_URL: /krb/, Kerberos only
	NTLMURL    string // KNOCK_NTLM_URL: /ntlm/, NTLM only
	BothURL    string // KNOCK_BOTH_URL: /both/, either
	NTLMDomain string // KNOCK_NTLM_DOMAIN
	NTLMUser   string // KNOCK_NTLM_USER
	NTLMPass   string // KNOCK_NTLM_PASS
}

var (
	krbTestOnce sync.Once
	krbTestVal  *krbTestEnv
	krbTestErr  error
)

const krbTestHowTo = `the Kerberos/NTLM integration tests need the real KDC and Apache from shared/tools/krb.
Run them with "make test", which provides them, or as root with
    KNOCK_KRB_SETUP=/path/to/shared/tools/krb/setup.sh go test ./authlib/
(the test runs setup.sh and stops the servers when it exits), or start them yourself:
    bash shared/tools/krb/setup.sh && . ${TMPDIR:-/tmp}/knock-krb/env.sh && go test ./authlib/ && bash shared/tools/krb/teardown.sh`

// krbTestServers returns the running servers, or fails the test.
func krbTestServers(t testing.TB) *krbTestEnv {
	t.Helper()
	krbTestOnce.Do(func() { krbTestVal, krbTestErr = krbTestFind() })
	if krbTestErr != nil {
		t.Fatalf("%v\n%s", krbTestErr, krbTestHowTo)
	}
	return krbTestVal
}

func krbTestDir() string {
	if d := os.Getenv("KNOCK_KRB_DIR"); d != "" {
		return d
	}
	tmp := os.Getenv("TMPDIR")
	if tmp == "" {
		tmp = "/tmp"
	}
	return filepath.Join(tmp, "knock-krb")
}

func krbTestFind() (*krbTestEnv, error) {
	if os.Getenv("KNOCK_KRB_URL") != "" {
		e := krbTestFromMap(func(k string) string { return os.Getenv(k) })
		if e.Dir == "" {
			e.Dir = krbTestDir()
		}
		if err := krbTestCheck(e); err != nil {
			return nil, fmt.Errorf("KNOCK_KRB_URL is set but the servers do not answer: %w", err)
		}
		return e, nil
	}
	envFile := filepath.Join(krbTestDir(), "env.sh")
	e, err := krbTestReadEnv(envFile)
	if err == nil {
		if err = krbTestCheck(e); err == nil {
			return e, nil
		}
	}
	setup := os.Getenv("KNOCK_KRB_SETUP")
	if setup == "" {
		return nil, fmt.Errorf("neither KNOCK_KRB_URL nor KNOCK_KRB_SETUP is set, and %s does not describe running servers (%v)", envFile, err)
	}
	if !filepath.IsAbs(setup) {
		// go test runs in the package directory; a path relative to the
		// repository root (make's directory) is one level up.
		if _, err := os.Stat(setup); err != nil {
			setup = filepath.Join("..", setup)
		}
		if abs, err := filepath.Abs(setup); err == nil {
			setup = abs
		}
	}
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("KNOCK_KRB_SETUP is set, but %s must run as root (euid is %d)", setup, os.Geteuid())
	}
	cmd := exec.Command("bash", setup)
	cmd.Env = append(os.Environ(), "KNOCK_KRB_DIR="+krbTestDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("%s failed: %v\n%s", setup, err, out)
	}
	if err := krbTestWatchdog(filepath.Join(filepath.Dir(setup), "teardown.sh")); err != nil {
		return nil, err
	}
	e, err = krbTestReadEnv(envFile)
	if err != nil {
		return nil, fmt.Errorf("after %s: %w", setup, err)
	}
	if err := krbTestCheck(e); err != nil {
		return nil, fmt.Errorf("after %s the servers do not answer: %w", setup, err)
	}
	return e, nil
}

// krbTestWatchdog starts a detached shell that waits for this process to
// exit and then runs teardown.sh. Its output goes to a log file, not to the
// test's pipes, so go test does not wait for it. It runs even when the test
// binary dies of a panic or a timeout.
func krbTestWatchdog(teardown string) error {
	if _, err := os.Stat(teardown); err != nil {
		return fmt.Errorf("teardown script: %w", err)
	}
	logName := filepath.Join(os.TempDir(), "knock-krb-watchdog.log")
	logf, err := os.Create(logName)
	if err != nil {
		return err
	}
	defer logf.Close()
	// The log is removed when teardown.sh succeeds, and kept otherwise.
	cmd := exec.Command("sh", "-c",
		`while kill -0 "$1" 2>/dev/null; do sleep 0.5; done; bash "$2" && rm -f "$3"`,
		"knock-krb-watchdog", strconv.Itoa(os.Getpid()), teardown, logName)
	cmd.Env = append(os.Environ(), "KNOCK_KRB_DIR="+krbTestDir())
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting the teardown watchdog: %w", err)
	}
	return cmd.Process.Release()
}

// krbTestReadEnv parses env.sh: lines of the form export NAME='value'.
func krbTestReadEnv(path string) (*krbTestEnv, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	vals := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		line = strings.TrimPrefix(line, "export ")
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		vals[k] = strings.Trim(v, `'"`)
	}
	e := krbTestFromMap(func(k string) string { return vals[k] })
	if e.KrbURL == "" || e.KRB5Config == "" {
		return nil, fmt.Errorf("%s lacks KNOCK_KRB_URL or KRB5_CONFIG", path)
	}
	return e, nil
}

func krbTestFromMap(get func(string) string) *krbTestEnv {
	return &krbTestEnv{
		Dir: get("KNOCK_KRB_DIR"), KRB5Config: get("KRB5_CONFIG"), Realm: get("KNOCK_KRB_REALM"),
		KDCAddr: get("KNOCK_KDC_ADDR"), User: get("KNOCK_KRB_USER"), Pass: get("KNOCK_KRB_PASS"),
		HTTPPort: get("KNOCK_HTTP_PORT"), KrbURL: get("KNOCK_KRB_URL"), NTLMURL: get("KNOCK_NTLM_URL"),
		BothURL: get("KNOCK_BOTH_URL"), NTLMDomain: get("KNOCK_NTLM_DOMAIN"), NTLMUser: get("KNOCK_NTLM_USER"),
		NTLMPass: get("KNOCK_NTLM_PASS"),
	}
}

// krbTestCheck asks the unauthenticated /krb/ for its 401.
func krbTestCheck(e *krbTestEnv) error {
	if e.KRB5Config == "" || e.NTLMURL == "" || e.User == "" {
		return fmt.Errorf("incomplete environment: KRB5_CONFIG=%q KNOCK_NTLM_URL=%q KNOCK_KRB_USER=%q", e.KRB5Config, e.NTLMURL, e.User)
	}
	if _, err := os.Stat(e.KRB5Config); err != nil {
		return err
	}
	c := &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Get(e.KrbURL)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		return fmt.Errorf("GET %s: %s, want 401", e.KrbURL, resp.Status)
	}
	return nil
}

// krbTestMark returns url with a unique query parameter, so that its lines
// in Apache's access log can be told from those of other clients.
func krbTestMark(t testing.TB, url string) (string, string) {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	mark := "knocktest=" + hex.EncodeToString(b[:])
	return url + "?" + mark, mark
}

// accessLog returns the lines of Apache's access log that contain mark,
// waiting a moment for want of them (Apache writes a line after its
// response). The log records the user and the connection of every request
// (LogFormat "knock" in setup.sh: ... "%r" %>s %b conn=%{c}L keepalive=%k).
func (e *krbTestEnv) accessLog(t testing.TB, mark string, want int) []string {
	t.Helper()
	var lines []string
	for i := 0; i < 40; i++ {
		b, err := os.ReadFile(filepath.Join(e.Dir, "logs", "access.log"))
		if err != nil {
			t.Fatalf("reading the access log: %v", err)
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
