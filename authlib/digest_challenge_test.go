package authlib

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func digestChallengeString(chs []digestAuthChallenge) string {
	var parts []string
	for _, c := range chs {
		s := c.Scheme
		if c.Token68 != "" {
			s += " t68=" + c.Token68
		}
		for _, p := range c.Params {
			q := ""
			if p.Quoted {
				q = "q"
			}
			s += fmt.Sprintf(" %s=%s[%s]", p.Name, p.Value, q)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " | ")
}

func TestDigestParseChallenges(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`Digest realm="a, b", nonce="x,y", qop="auth, auth-int"`,
			`Digest realm=a, b[q] nonce=x,y[q] qop=auth, auth-int[q]`},
		// go-httpbin: unquoted qop, nonce and opaque.
		{`Digest qop=auth, realm="go-httpbin", algorithm=MD5, nonce=0123abcd, opaque=ffee`,
			`Digest qop=auth[] realm=go-httpbin[q] algorithm=MD5[] nonce=0123abcd[] opaque=ffee[]`},
		{`Basic realm="simple", Digest realm="d", nonce="n", Negotiate, NTLM TlRMTVNTUAABAAAA==`,
			`Basic realm=simple[q] | Digest realm=d[q] nonce=n[q] | Negotiate | NTLM t68=TlRMTVNTUAABAAAA==`},
		{`Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple"`,
			`Newauth realm=apps[q] type=1[] title=Login to "apps"[q] | Basic realm=simple[q]`},
		{`DIGEST REALM = "r" ,, NONCE=abc/def+== , stale=TRUE`,
			`DIGEST realm=r[q] nonce=abc/def+==[] stale=TRUE[]`},
		{`Digest realm="back\\slash", nonce=""`, `Digest realm=back\slash[q] nonce=[q]`},
		{``, ``},
		{` , ,`, ``},
	} {
		got, err := digestParseChallenges(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if s := digestChallengeString(got); s != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.in, s, c.want)
		}
	}
}

func TestDigestParseChallengesErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`Digest realm="abc`, `authlib: digest: challenge: unterminated quoted string at byte 13`},
		{`Digest realm="abc\`, `authlib: digest: challenge: unterminated quoted string at byte 13`},
		{`realm="x", Digest`, `authlib: digest: challenge: parameter "realm" comes before any auth-scheme at byte 0`},
		{`Digest realm="x" nonce="y"`, `authlib: digest: challenge: expected ',' after the value of "realm" at byte 17`},
		{`Digest "x"`, `authlib: digest: challenge: unexpected '"' where an auth-scheme or parameter name should be at byte 7`},
	} {
		_, err := digestParseChallenges(c.in)
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: err %v; want %s", c.in, err, c.want)
		}
	}
}

func TestDigestParseParamList(t *testing.T) {
	ps, err := digestParseParamList("Authentication-Info", `nextnonce="abc", qop=auth, rspauth="d,e", cnonce="c", nc=00000001`)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := digestParamLookup(ps, "nextnonce"); v != "abc" {
		t.Errorf("nextnonce %q", v)
	}
	if v, _ := digestParamLookup(ps, "rspauth"); v != "d,e" {
		t.Errorf("rspauth %q", v)
	}
	if _, err := digestParseParamList("Authentication-Info", `nextnonce`); err == nil || err.Error() != `authlib: digest: Authentication-Info: expected '=' after "nextnonce" at byte 9` {
		t.Errorf("err %v", err)
	}
}

func FuzzDigestParseChallenges(f *testing.F) {
	for _, s := range []string{
		`Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`,
		`Digest qop=auth, realm="go-httpbin", algorithm=MD5, nonce=0123abcd, opaque=ffee`,
		`Basic realm="simple", Digest realm="d", nonce="n", Negotiate, NTLM TlRMTVNTUAABAAAA==`,
		`Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple"`,
		`Digest realm="abc`, `, ,`, `Digest realm="a\\b", userhash=true, charset=UTF-8`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		chs, err := digestParseChallenges(s)
		if err != nil {
			var ce *digestChallengeError
			if !strings.HasPrefix(err.Error(), "authlib: digest: challenge: ") || !errors.As(err, &ce) || ce.Pos < 0 || ce.Pos > len(s) {
				t.Fatalf("bad error %v", err)
			}
			return
		}
		for _, c := range chs {
			if c.Scheme == "" {
				t.Fatal("empty scheme")
			}
			for _, p := range c.Params {
				if p.Name == "" || p.Name != strings.ToLower(p.Name) {
					t.Fatalf("bad param name %q", p.Name)
				}
			}
			if strings.EqualFold(c.Scheme, "Digest") {
				digestInterpret(c) // must not panic
			}
		}
		digestParseParamList("Authentication-Info", s)
	})
}
