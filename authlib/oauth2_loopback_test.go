package authlib

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestOAuth2ImplicitFragmentPost runs the implicit grant against the
// go-oauth2 server. The server redirects with the token in the fragment,
// which no browser sends; the listener answers with a page whose script
// posts location.hash back. The test has no browser, so its fake browser
// does what the script does: read the fragment of the URL it ended on and
// POST it, form-encoded, to the same path.
func TestOAuth2ImplicitFragmentPost(t *testing.T) {
	ts := oauth2NewTestServer(t, "header")
	o, st := oauth2NewTestScheme(t, ts.params(oauth2GrantImplicit))
	type result struct {
		script, final string
		status        int
	}
	done := make(chan result, 1)
	browser := func(_ context.Context, u string) error {
		go func() {
			var r result
			defer func() { done <- r }()
			c := &http.Client{Timeout: 10 * time.Second}
			resp, err := c.Get(u)
			if err != nil {
				r.script = err.Error()
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			r.script = string(b)
			landed := *resp.Request.URL // where the redirects ended, fragment included
			fragment := landed.EscapedFragment()
			landed.Fragment, landed.RawFragment = "", ""
			resp, err = c.Post(landed.String(), "application/x-www-form-urlencoded", strings.NewReader(fragment))
			if err != nil {
				r.final = err.Error()
				return
			}
			b, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			r.final, r.status = string(b), resp.StatusCode
		}()
		return nil
	}
	tok, err := o.FetchToken(context.Background(), OAuth2Interaction{OpenURL: browser})
	if err != nil {
		t.Fatalf("FetchToken: %v", err)
	}
	r := <-done
	for _, want := range []string{"location.hash", `method: "POST"`, "application/x-www-form-urlencoded"} {
		if !strings.Contains(r.script, want) {
			t.Errorf("the listener's page lacks %q: %s", want, r.script)
		}
	}
	if r.status != 200 || !strings.Contains(r.final, oauth2DoneMessage) {
		t.Errorf("after the POST: %d %q", r.status, r.final)
	}
	if aq := ts.lastAuthorize(); aq.Get("response_type") != "token" || aq.Has("code_challenge") {
		t.Errorf("authorize query: %v", aq)
	}
	if tok.AccessToken == "" || tok.Expiry.IsZero() || tok.Extra("scope") != "read write" {
		t.Errorf("token: %+v scope %v", tok, tok.Extra("scope"))
	}
	if len(ts.tokenForms) != 0 {
		t.Error("the implicit grant called the token endpoint")
	}
	if c, _ := st.Get(o.CacheKey()); c == nil || c.AccessToken != tok.AccessToken {
		t.Fatal("not cached")
	}
	resp, body, err := oauth2Get(t, o, ts.URL+"/resource", nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("resource: %v %v %q", err, resp, body)
	}
}

// oauth2Do sends one request to the listener.
func oauth2Do(t *testing.T, method, u, host, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestOAuth2LoopbackListener(t *testing.T) {
	rd, err := oauth2NewRedirect("", "st4te", false)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.close()
	u, _ := url.Parse(rd.redirectURI)
	if u.Scheme != "http" || u.Hostname() != "127.0.0.1" || u.Path != "/callback" {
		t.Fatalf("redirect URI %q", rd.redirectURI)
	}
	if p, _ := strconv.Atoi(u.Port()); p <= 0 {
		t.Fatalf("port %q", u.Port())
	}
	if s, _ := oauth2Do(t, "GET", rd.redirectURI+"?code=c&state=st4te", "evil.test", ""); s != http.StatusMisdirectedRequest {
		t.Errorf("foreign Host: %d (DNS rebinding must be refused)", s)
	}
	if s, _ := oauth2Do(t, "GET", "http://"+u.Host+"/other?code=c&state=st4te", "", ""); s != 404 {
		t.Errorf("other path: %d", s)
	}
	if s, _ := oauth2Do(t, "POST", rd.redirectURI, "", "code=c&state=st4te"); s != 405 {
		t.Errorf("POST on the code grant: %d", s)
	}
	// The one redirect.
	if s, page := oauth2Do(t, "GET", rd.redirectURI+"?code=the-code&state=st4te", "", ""); s != 200 || !strings.Contains(page, oauth2DoneMessage) {
		t.Errorf("redirect: %d %q", s, page)
	}
	// A second one is refused and does not replace the first.
	if s, _ := oauth2Do(t, "GET", rd.redirectURI+"?code=other&state=st4te", "", ""); s != http.StatusConflict {
		t.Errorf("second redirect: %d", s)
	}
	p, err := rd.wait(context.Background())
	if err != nil || p.Get("code") != "the-code" {
		t.Fatalf("wait: %v %v", p, err)
	}
	rd.close()
	if _, err := net.DialTimeout("tcp", u.Host, time.Second); err == nil {
		t.Error("the listener still accepts connections after close")
	}
}

func TestOAuth2LoopbackRedirectURIs(t *testing.T) {
	// A free fixed port, as a server with a registered port would need.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	for _, c := range []struct{ in, wantPrefix string }{
		{"http://127.0.0.1:" + port + "/cb", "http://127.0.0.1:" + port + "/cb"},
		{"http://localhost/oauth/done", "http://localhost:"},
		{"http://127.0.0.1", "http://127.0.0.1:"},
	} {
		rd, err := oauth2NewRedirect(c.in, "s", false)
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if !rd.loopback() || !strings.HasPrefix(rd.redirectURI, c.wantPrefix) {
			t.Errorf("%s: %q loopback=%v", c.in, rd.redirectURI, rd.loopback())
		}
		u, _ := url.Parse(rd.redirectURI)
		q := "?code=x&state=s"
		if s, _ := oauth2Do(t, "GET", "http://127.0.0.1:"+u.Port()+u.Path+q, u.Host, ""); s != 200 {
			t.Errorf("%s: the listener answered %d", c.in, s)
		}
		rd.close()
	}
	rd, err := oauth2NewRedirect("https://oauth.pstmn.io/v1/callback", "s", false)
	if err != nil || rd.loopback() || rd.redirectURI != "https://oauth.pstmn.io/v1/callback" {
		t.Errorf("non-loopback: %v %v", rd, err)
	}
}

func TestOAuth2RedirectCheck(t *testing.T) {
	rd := &oauth2Redirect{state: "abc"}
	for _, c := range []struct{ pasted, want string }{
		{"https://app.example/cb?code=1&state=abc", ""},
		{"https://app.example/cb?code=1", "carried no state"},
		{"https://app.example/cb?code=1&state=abd", `state mismatch: the redirect carried state "abd", not the "abc"`},
		{"https://app.example/cb?state=abc", "carried no code"},
		{"https://app.example/cb?state=abc&error=access_denied&error_description=nope", `refused: error "access_denied": "nope"`},
		{"https://app.example/cb#code=1&state=abc", ""},
		{"https://app.example/cb?code=1&state=abc#%zz", "invalid URL escape"},
		{"https://app.example/cb?code=1&state=abc#a=1;b=2", "fragment"},
		{"%", "pasted redirect URL"},
	} {
		_, err := rd.parsePasted(c.pasted)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.pasted, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: err = %v, want %q", c.pasted, err, c.want)
		}
	}
	imp := &oauth2Redirect{state: "abc", implicit: true}
	if _, err := imp.parsePasted("https://app.example/cb#state=abc&token_type=bearer"); err == nil || !strings.Contains(err.Error(), "no access_token") {
		t.Errorf("implicit without a token: %v", err)
	}
}

func TestOAuth2ImplicitListenerErrors(t *testing.T) {
	rd, err := oauth2NewRedirect("", "abc", true)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.close()
	// The bare redirect gets the script page.
	if s, page := oauth2Do(t, "GET", rd.redirectURI, "", ""); s != 200 || !strings.Contains(page, "location.hash") {
		t.Errorf("bare redirect: %d %q", s, page)
	}
	// A fragment with a forged state: refused, and the flow ends with the error.
	if s, page := oauth2Do(t, "POST", rd.redirectURI, "", "access_token=t&state=evil"); s != 400 || !strings.Contains(page, "state mismatch") {
		t.Errorf("forged fragment: %d %q", s, page)
	}
	if _, err := rd.wait(context.Background()); err == nil || !strings.Contains(err.Error(), "state mismatch") {
		t.Errorf("wait: %v", err)
	}
}

func TestOAuth2TokenSetFromFragment(t *testing.T) {
	now := time.Unix(1000, 0)
	ts, err := oauth2TokenSetFromFragment(url.Values{"access_token": {"a"}, "token_type": {"Bearer"}, "expires_in": {"60"}, "scope": {"x y"}, "id_token": {"i"}}, now)
	if err != nil || !ts.Expiry.Equal(now.Add(time.Minute)) || ts.Scope != "x y" || ts.IDToken != "i" {
		t.Errorf("%v %v", ts, err)
	}
	for _, bad := range []string{"soon", "-1", "12abc"} {
		if _, err := oauth2TokenSetFromFragment(url.Values{"access_token": {"a"}, "expires_in": {bad}}, now); err == nil || !strings.Contains(err.Error(), "expires_in") {
			t.Errorf("expires_in %q: %v", bad, err)
		}
	}
}

func TestOAuth2BrowserArgs(t *testing.T) {
	const u = "http://127.0.0.1:1/authorize?a=1&b=2"
	for _, c := range []struct {
		cmd  string
		want []string
	}{
		{"firefox", []string{"firefox", u}},
		{"  chromium --new-window  ", []string{"chromium", "--new-window", u}},
		{"open -a Safari %s --x", []string{"open", "-a", "Safari", u, "--x"}},
		{"browser --url=%s", []string{"browser", "--url=" + u}},
		{"   ", nil},
	} {
		if got := oauth2BrowserArgs(c.cmd, u); !reflect.DeepEqual(got, c.want) && (len(got) != 0 || len(c.want) != 0) {
			t.Errorf("%q: %q, want %q", c.cmd, got, c.want)
		}
	}
}

func FuzzOAuth2Redirect(f *testing.F) {
	for _, s := range []string{
		"http://127.0.0.1:1/callback?code=c&state=s",
		"http://127.0.0.1:1/callback#access_token=t&state=s&expires_in=10",
		"https://x/cb?error=access_denied&state=s&error_description=%zz",
		"#%", "?state=s&state=t", "http://[::1/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, implicit := range []bool{false, true} {
			rd := &oauth2Redirect{state: "s", implicit: implicit}
			p, err := rd.parsePasted(s)
			if err == nil {
				if p.Get("state") != "s" {
					t.Fatalf("accepted state %q", p.Get("state"))
				}
				if implicit {
					if _, err := oauth2TokenSetFromFragment(p, time.Unix(0, 0)); err != nil && !strings.Contains(err.Error(), "expires_in") {
						t.Fatalf("accepted a redirect the token reader refuses: %v", err)
					}
				}
			}
		}
	})
}
