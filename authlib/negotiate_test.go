package authlib

import (
	"encoding/base64"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// negotiateTestSwap replaces the server's Negotiate answer on success with
// a stored one, to replay an old AP-REP.
type negotiateTestSwap struct {
	next http.RoundTripper
	mu   sync.Mutex
	last string // the last Negotiate answer of a 200
	use  string // when set, put this in place of the server's answer
}

func (s *negotiateTestSwap) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := s.next.RoundTrip(r)
	if err != nil || resp.StatusCode != 200 {
		return resp, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := resp.Header.Get("WWW-Authenticate"); v != "" {
		s.last = v
	}
	if s.use != "" {
		resp.Header.Set("WWW-Authenticate", s.use)
	}
	return resp, nil
}

// negotiateTestKinit fills a fresh credential cache with kinit, using the
// servers' krb5.conf.
func negotiateTestKinit(t *testing.T, e *krbTestEnv) string {
	t.Helper()
	cc := filepath.Join(t.TempDir(), "ccache")
	cmd := exec.Command("kinit", e.User+"@"+e.Realm)
	cmd.Env = append(os.Environ(), "KRB5_CONFIG="+e.KRB5Config, "KRB5CCNAME=FILE:"+cc)
	cmd.Stdin = strings.NewReader(e.Pass + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("kinit (from krb5-user, which setup.sh installs): %v\n%s", err, out)
	}
	return cc
}

// negotiateTestKtutil writes a keytab for the user with MIT's ktutil, so
// that the key does not come from the library under test.
func negotiateTestKtutil(t *testing.T, e *krbTestEnv, password string) string {
	t.Helper()
	kt := filepath.Join(t.TempDir(), "alice.keytab")
	cmd := exec.Command("ktutil")
	cmd.Env = append(os.Environ(), "KRB5_CONFIG="+e.KRB5Config)
	cmd.Stdin = strings.NewReader("addent -password -p " + e.User + "@" + e.Realm + " -k 1 -e aes256-cts-hmac-sha1-96\n" +
		password + "\nwkt " + kt + "\nquit\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ktutil: %v\n%s", err, out)
	}
	return kt
}

func negotiateTestNew(t *testing.T, p Params) Scheme {
	t.Helper()
	s, err := New("negotiate", p)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestNegotiateRealServer(t *testing.T) {
	e := krbTestServers(t)
	krbURL127 := strings.Replace(e.KrbURL, "localhost", "127.0.0.1", 1)

	t.Run("password", func(t *testing.T) {
		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		rec := &ntlmTestRecorder{next: tr}
		s := negotiateTestNew(t, Params{"username": e.User, "password": e.Pass, "krb5conf": e.KRB5Config})
		u, mark := krbTestMark(t, e.KrbURL)
		resp, body, trace, err := ntlmTestSend(t, s, rec, "GET", u, "")
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 || strings.TrimSpace(body) != "krb-ok" {
			t.Fatalf("got %s %q", resp.Status, body)
		}
		if len(rec.legs) != 2 || rec.legs[0].Auth != "" || !strings.HasPrefix(rec.legs[1].Auth, "Negotiate YII") {
			t.Errorf("legs: %+v", rec.legs)
		}
		lines := e.accessLog(t, mark, 2)
		if len(lines) != 2 || !strings.Contains(lines[1], " "+e.User+"@"+e.Realm+" ") || !strings.Contains(lines[1], `" 200 `) {
			t.Errorf("access log: %q", lines)
		}
		text := ntlmTestTraceText(t, trace)
		for _, want := range []string{
			`"SPN","value":"HTTP/localhost"`, `"realm","value":"` + e.Realm + `"`, `"KDC","value":"` + e.KDCAddr + `"`,
			"AS exchange", "aes256-cts-hmac-sha1-96 (18)", "TGS exchange", `"SPN","value":"HTTP/localhost@` + e.Realm + `"`,
			"valid until", "accept-completed", "Authenticated with Kerberos",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("trace lacks %s:\n%s", want, text)
			}
		}
		_, tok, _ := strings.Cut(rec.legs[1].Auth, " ")
		if strings.Contains(text, e.Pass) || strings.Contains(text, tok[:40]) {
			t.Errorf("a secret appears in the trace: %s", text)
		}
		if strings.Contains(text, "mutual authentication\",\"value\":\"verified") {
			t.Log("the server proved its identity (AP-REP verified)")
		}

		// The tickets are kept: the next request needs no KDC exchange.
		_, _, trace, err = ntlmTestSend(t, s, rec, "GET", e.KrbURL, "")
		if err != nil {
			t.Fatal(err)
		}
		if text := ntlmTestTraceText(t, trace); strings.Contains(text, "AS exchange") || !strings.Contains(text, "Service ticket (reused)") {
			t.Errorf("second request did not reuse the tickets: %s", text)
		}
	})

	t.Run("mutual authentication rejects a replayed AP-REP", func(t *testing.T) {
		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		swap := &negotiateTestSwap{next: tr}
		s := negotiateTestNew(t, Params{"username": e.User, "password": e.Pass, "krb5conf": e.KRB5Config})
		resp, _, trace, err := ntlmTestSend(t, s, swap, "GET", e.KrbURL, "")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("first request: %v %v", resp, err)
		}
		if !strings.Contains(ntlmTestTraceText(t, trace), "verified: the AP-REP echoes") {
			t.Fatalf("the server's AP-REP was not verified: %s", ntlmTestTraceText(t, trace))
		}
		swap.use = swap.last
		_, _, _, err = ntlmTestSend(t, s, swap, "GET", e.KrbURL, "")
		if err == nil || !strings.Contains(err.Error(), "mutual authentication failed") {
			t.Fatalf("replayed AP-REP: err = %v, want a mutual authentication failure", err)
		}
	})

	t.Run("keytab from ktutil", func(t *testing.T) {
		kt := negotiateTestKtutil(t, e, e.Pass)
		s := negotiateTestNew(t, Params{"username": e.User, "keytab": kt, "krb5conf": e.KRB5Config})
		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		resp, body, trace, err := ntlmTestSend(t, s, tr, "GET", e.KrbURL, "")
		if err != nil || resp.StatusCode != 200 || strings.TrimSpace(body) != "krb-ok" {
			t.Fatalf("got %v %q %v", resp, body, err)
		}
		if !strings.Contains(ntlmTestTraceText(t, trace), `"credentials","value":"keytab `+kt) {
			t.Errorf("trace: %s", ntlmTestTraceText(t, trace))
		}
	})

	t.Run("keytab with a wrong key", func(t *testing.T) {
		kt := negotiateTestKtutil(t, e, "not-the-password")
		s := negotiateTestNew(t, Params{"username": e.User, "keytab": kt, "krb5conf": e.KRB5Config})
		_, _, _, err := ntlmTestSend(t, s, http.DefaultTransport, "GET", e.KrbURL, "")
		if err == nil || !strings.Contains(err.Error(), "keytab's key does not match") {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("credential cache from kinit", func(t *testing.T) {
		cc := negotiateTestKinit(t, e)
		s := negotiateTestNew(t, Params{"ccache": "FILE:" + cc, "krb5conf": e.KRB5Config})
		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		resp, _, trace, err := ntlmTestSend(t, s, tr, "GET", e.KrbURL, "")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("got %v %v", resp, err)
		}
		text := ntlmTestTraceText(t, trace)
		if !strings.Contains(text, "Read the credential cache") || strings.Contains(text, "AS exchange") {
			t.Errorf("trace: %s", text)
		}

		// The defaults: $KRB5CCNAME and $KRB5_CONFIG, no parameters.
		t.Setenv("KRB5CCNAME", "FILE:"+cc)
		t.Setenv("KRB5_CONFIG", e.KRB5Config)
		s = negotiateTestNew(t, Params{})
		resp, _, _, err = ntlmTestSend(t, s, tr, "GET", krbURL127, "")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("with $KRB5CCNAME: %v %v", resp, err)
		}

		// A cache for another user is refused by name.
		s = negotiateTestNew(t, Params{"username": "bob", "ccache": cc, "krb5conf": e.KRB5Config})
		if _, _, _, err = ntlmTestSend(t, s, tr, "GET", e.KrbURL, ""); err == nil || !strings.Contains(err.Error(), "holds tickets for "+e.User+"@"+e.Realm+", not for bob") {
			t.Errorf("cache of another user: %v", err)
		}
	})

	t.Run("missing credential cache", func(t *testing.T) {
		s := negotiateTestNew(t, Params{"ccache": filepath.Join(t.TempDir(), "none"), "krb5conf": e.KRB5Config})
		_, _, _, err := ntlmTestSend(t, s, http.DefaultTransport, "GET", e.KrbURL, "")
		if err == nil || !strings.Contains(err.Error(), "run kinit first") {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("SPN", func(t *testing.T) {
		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		// By IP address the default SPN is HTTP/127.0.0.1, which the KDC knows.
		s := negotiateTestNew(t, Params{"username": e.User, "password": e.Pass, "krb5conf": e.KRB5Config})
		resp, _, trace, err := ntlmTestSend(t, s, tr, "GET", krbURL127, "")
		if err != nil || resp.StatusCode != 200 || !strings.Contains(ntlmTestTraceText(t, trace), `"SPN","value":"HTTP/127.0.0.1"`) {
			t.Fatalf("default SPN by IP: %v %v", resp, err)
		}
		// Overridden: the URL names 127.0.0.1, the ticket is for HTTP/localhost.
		s = negotiateTestNew(t, Params{"username": e.User, "password": e.Pass, "krb5conf": e.KRB5Config, "spn": "HTTP/localhost"})
		resp, _, trace, err = ntlmTestSend(t, s, tr, "GET", krbURL127, "")
		text := ntlmTestTraceText(t, trace)
		if err != nil || resp.StatusCode != 200 || !strings.Contains(text, `"SPN","value":"HTTP/localhost@`+e.Realm+`"`) || !strings.Contains(text, "spn parameter") {
			t.Fatalf("spn override: %v %v %s", resp, err, text)
		}
		// An SPN the KDC does not know.
		s = negotiateTestNew(t, Params{"username": e.User, "password": e.Pass, "krb5conf": e.KRB5Config, "spn": "HTTP/nosuch.example"})
		_, _, _, err = ntlmTestSend(t, s, tr, "GET", e.KrbURL, "")
		if err == nil || !strings.Contains(err.Error(), "does not know the service principal HTTP/nosuch.example@"+e.Realm) {
			t.Fatalf("unknown SPN: %v", err)
		}
	})

	t.Run("wrong password", func(t *testing.T) {
		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		rec := &ntlmTestRecorder{next: tr}
		s := negotiateTestNew(t, Params{"username": e.User, "password": "WrongPass1", "krb5conf": e.KRB5Config})
		_, _, trace, err := ntlmTestSend(t, s, rec, "GET", e.KrbURL, "")
		if err == nil {
			t.Fatal("no error")
		}
		msg := err.Error()
		if !strings.Contains(msg, "Kerberos login as "+e.User+"@"+e.Realm+" failed: wrong password") || !strings.Contains(msg, "integrity verification failed") {
			t.Errorf("error = %q", msg)
		}
		if strings.Contains(msg, "WrongPass1") || strings.Contains(ntlmTestTraceText(t, trace), "WrongPass1") {
			t.Error("the password appears in the error or trace")
		}
		if len(rec.legs) != 1 {
			t.Errorf("%d requests sent, want 1 (no token, no loop)", len(rec.legs))
		}
	})

	t.Run("NTLM fallback on /ntlm/", func(t *testing.T) {
		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		rec := &ntlmTestRecorder{next: tr}
		s := negotiateTestNew(t, Params{"username": e.NTLMDomain + `\` + e.NTLMUser, "password": e.NTLMPass, "krb5conf": e.KRB5Config})
		resp, body, trace, err := ntlmTestSend(t, s, rec, "POST", e.NTLMURL, "a=1")
		if err != nil || resp.StatusCode != 200 || strings.TrimSpace(body) != "ntlm-ok" {
			t.Fatalf("got %v %q %v", resp, body, err)
		}
		// anonymous, Kerberos (refused: /ntlm/ accepts only NTLM), NEGOTIATE, AUTHENTICATE
		if len(rec.legs) != 4 || !strings.HasPrefix(rec.legs[1].Auth, "Negotiate YII") || rec.legs[1].Status != 401 ||
			!strings.HasPrefix(rec.legs[2].Auth, "NTLM TlRMTVNTUAAB") || !strings.HasPrefix(rec.legs[3].Auth, "NTLM TlRMTVNTUAAD") {
			t.Errorf("legs: %+v", rec.legs)
		}
		for i, l := range rec.legs {
			if l.Body != "a=1" {
				t.Errorf("leg %d body %q", i, l.Body)
			}
		}
		text := ntlmTestTraceText(t, trace)
		if !strings.Contains(text, "Falling back to NTLM") || !strings.Contains(text, "the server refused the Kerberos token") {
			t.Errorf("trace: %s", text)
		}
		ntlmTestSecretsAbsent(t, text, e.NTLMPass, []string{rec.legs[3].Auth})
	})

	t.Run("Kerberos on /both/", func(t *testing.T) {
		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		rec := &ntlmTestRecorder{next: tr}
		s := negotiateTestNew(t, Params{"username": e.User, "password": e.Pass, "krb5conf": e.KRB5Config})
		resp, body, _, err := ntlmTestSend(t, s, rec, "GET", e.BothURL, "")
		if err != nil || resp.StatusCode != 200 || strings.TrimSpace(body) != "both-ok" || len(rec.legs) != 2 {
			t.Fatalf("got %v %q %v after %d legs", resp, body, err, len(rec.legs))
		}
	})
}

// TestNegotiateFallbackWithoutKerberos uses the in-process NTLM server: a
// server that offers only NTLM gets NTLM, without any Kerberos file.
func TestNegotiateFallbackWithoutKerberos(t *testing.T) {
	s := newNTLMTestServer(t, "NTLM")
	n, err := NewNegotiate(NegotiateConfig{Username: `DOMAIN\alice`, Password: "Passw0rd!", Krb5Conf: "/nonexistent/krb5.conf"})
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, body, trace, err := ntlmTestSend(t, n, tr, "GET", s.URL, "")
	if err != nil || resp.StatusCode != 200 || body != `hello DOMAIN\alice` {
		t.Fatalf("got %v %q %v", resp, body, err)
	}
	if !strings.Contains(ntlmTestTraceText(t, trace), "the server offers NTLM but not Kerberos") {
		t.Errorf("trace: %s", ntlmTestTraceText(t, trace))
	}

	// Negotiate and NTLM offered, Kerberos impossible (no krb5.conf): NTLM,
	// with a warning that names the Kerberos problem.
	s2 := newNTLMTestServer(t, "Negotiate", "NTLM")
	resp, _, trace, err = ntlmTestSend(t, n, tr, "GET", s2.URL, "")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("got %v %v", resp, err)
	}
	if w := strings.Join(trace.Warnings(), "\n"); !strings.Contains(w, "Kerberos failed, so NTLM was used") || !strings.Contains(w, "/nonexistent/krb5.conf") {
		t.Errorf("warnings: %q", w)
	}

	// Without a password there is no fallback, and the Kerberos error is
	// returned.
	// (A new transport: the old connection is authenticated already.)
	n, _ = NewNegotiate(NegotiateConfig{Krb5Conf: "/nonexistent/krb5.conf"})
	_, _, _, err = ntlmTestSend(t, n, &http.Transport{}, "GET", s2.URL, "")
	if err == nil || !strings.Contains(err.Error(), "authlib: negotiate: reading krb5.conf (/nonexistent/krb5.conf, from the krb5conf parameter)") {
		t.Errorf("err = %v", err)
	}
}

func TestNegotiateNoChallenge(t *testing.T) {
	for _, offer := range []string{"", `Basic realm="x"`} {
		n := 0
		srv := newNTLMTestServer(t)
		srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n++
			if offer == "" {
				return
			}
			w.Header().Set("WWW-Authenticate", offer)
			w.WriteHeader(401)
		})
		s, _ := NewNegotiate(NegotiateConfig{Username: "alice", Password: "pw", Krb5Conf: "/nonexistent"})
		resp, _, _, err := ntlmTestSend(t, s, http.DefaultTransport, "GET", srv.URL, "")
		if err != nil || n != 1 || (offer != "" && resp.StatusCode != 401) {
			t.Errorf("offer %q: %v %v after %d requests", offer, resp, err, n)
		}
	}
}

func TestNewNegotiateParams(t *testing.T) {
	for _, tc := range []struct {
		c                  NegotiateConfig
		wantUser, wantReal string
		wantErr            string
	}{
		{NegotiateConfig{Username: "alice@EXAMPLE.COM", Password: "x"}, "alice", "EXAMPLE.COM", ""},
		{NegotiateConfig{Username: `DOM\alice`, Password: "x", Realm: "R"}, "alice", "R", ""},
		{NegotiateConfig{Username: "alice@A", Realm: "B", Password: "x"}, "", "", `names realm "A" but the realm parameter is "B"`},
		{NegotiateConfig{Username: "a@b@c", Password: "x"}, "", "", "not of the form user@REALM"},
		{NegotiateConfig{Username: "alice", Password: "x", Keytab: "/k"}, "", "", "a password or a keytab, not both"},
		{NegotiateConfig{Keytab: "/k"}, "", "", "needs the user name"},
		{NegotiateConfig{SPN: "localhost"}, "", "", "not of the form service/host"},
	} {
		n, err := NewNegotiate(tc.c)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%+v: err = %v, want %q", tc.c, err, tc.wantErr)
			}
			continue
		}
		if err != nil || n.user != tc.wantUser || n.realm != tc.wantReal {
			t.Errorf("%+v: %+v %v", tc.c, n, err)
		}
	}
	n, _ := NewNegotiate(NegotiateConfig{Username: "alice", Password: "pw"})
	if n.ntlm == nil || n.ntlm.user != "alice" {
		t.Error("no NTLM fallback with a user and password")
	}
	if !IsSecretParam("negotiate", "password") || IsSecretParam("negotiate", "keytab") {
		t.Error("only the password is secret")
	}
	t.Setenv("KRB5_CONFIG", "/a/krb5.conf:/b/krb5.conf")
	t.Setenv("KRB5CCNAME", "FILE:/tmp/cc")
	n, _ = NewNegotiate(NegotiateConfig{})
	if n.confPath != "/a/krb5.conf" || n.ccache != "FILE:/tmp/cc" {
		t.Errorf("defaults: conf %q ccache %q", n.confPath, n.ccache)
	}
}

func TestNegotiateCCacheErrors(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "krb5.conf")
	if err := os.WriteFile(conf, []byte("[libdefaults]\n default_realm = EXAMPLE.COM\n default_ccache_name = FILE:"+dir+"/cc_%{uid}\n[realms]\n EXAMPLE.COM = {\n  kdc = 127.0.0.1:1\n }\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := negotiateDefaultCCache(conf); !strings.HasPrefix(got, "FILE:"+dir+"/cc_") || strings.Contains(got, "%") {
		t.Errorf("default ccache = %q", got)
	}
	for _, tc := range []struct{ ccache, want string }{
		{"KEYRING:persistent:0", "only FILE: caches can be read (KEYRING: is not supported)"},
		{"", "cc_"}, // the default from krb5.conf, which does not exist
	} {
		n, _ := NewNegotiate(NegotiateConfig{CCache: tc.ccache, Krb5Conf: conf})
		n.ccache = tc.ccache
		_, _, err := n.kerberosHeader(nil, "HTTP/x")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ccache %q: err = %v, want %q", tc.ccache, err, tc.want)
		}
	}
	// A password login to a KDC that is not there says so.
	n, _ := NewNegotiate(NegotiateConfig{Username: "alice", Password: "pw", Krb5Conf: conf})
	_, _, err := n.kerberosHeader(nil, "HTTP/x")
	if err == nil || !strings.Contains(err.Error(), "Kerberos login as alice@EXAMPLE.COM failed: the KDC (127.0.0.1:1) cannot be reached") {
		t.Errorf("unreachable KDC: %v", err)
	}
}

func TestNegotiateServerTokenDecode(t *testing.T) {
	for _, tc := range []struct{ tok, want string }{
		{"oRQwEqADCgEAoQsGCSqGSIb3EgECAg==", "accept-completed Kerberos 5 none"}, // gokrb5's accept-completed
		{"oQcwBaADCgEC", "reject  none"},
	} {
		st, err := negotiateDecodeServerToken(tc.tok)
		if err != nil {
			t.Errorf("%s: %v", tc.tok, err)
			continue
		}
		if got := st.NegState + " " + st.Mech + " " + st.Kind; got != tc.want {
			t.Errorf("%s: %q, want %q", tc.tok, got, tc.want)
		}
	}
	for _, bad := range []string{"!!", base64.StdEncoding.EncodeToString([]byte{0xa1, 0x05, 0x30}), ""} {
		if _, err := negotiateDecodeServerToken(bad); err == nil {
			t.Errorf("%q decoded without error", bad)
		}
	}
	// A failed check on a 2xx is an error; on a 401 it is only traced.
	n := &Negotiate{}
	tr := &Trace{}
	if err := n.traceServerToken(tr, "!!", 200, nil); err == nil {
		t.Error("undecodable token on a 200 accepted")
	}
	if err := n.traceServerToken(tr, "!!", 401, nil); err != nil {
		t.Errorf("on a 401: %v", err)
	}
}

func FuzzNegotiateServerToken(f *testing.F) {
	f.Add("oRQwEqADCgEAoQsGCSqGSIb3EgECAg==")
	f.Add("oQcwBaADCgEC")
	f.Add("oYGgMIGdoAMKAQChCwYJKoZIhvcSAQICooGIBIGFYIGCBgkqhkiG9xIBAgICAG9zMHGgAwIBBaEDAgEPomUwY6ADAgESolwEWg==")
	f.Fuzz(func(t *testing.T, s string) {
		st, err := negotiateDecodeServerToken(s)
		if err == nil && st == nil {
			t.Fatal("nil token without error")
		}
		_ = negotiateOffers([]string{"Negotiate " + s, s})
	})
}
