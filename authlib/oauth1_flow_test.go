package authlib

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func oauth1TestFlow(p *oauth1TestProvider, secret string) *OAuth1Flow {
	return &OAuth1Flow{
		Config:                  OAuth1Config{ConsumerKey: "ck", ConsumerSecret: secret, SignatureMethod: "HMAC-SHA256"},
		TemporaryCredentialsURL: p.srv.URL + "/initiate",
		AuthorizeURL:            p.srv.URL + "/authorize?lang=en",
		TokenURL:                p.srv.URL + "/token",
	}
}

// oauth1TestUser plays the resource owner: it opens the authorization URL
// and follows the provider's redirect to Knock's loopback listener.
func oauth1TestUser(t *testing.T) func(string) error {
	return func(u string) error {
		go func() {
			resp, err := http.Get(u)
			if err != nil {
				t.Errorf("user agent: %v", err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("loopback callback answered %s", resp.Status)
			}
		}()
		return nil
	}
}

func TestOAuth1FlowLoopback(t *testing.T) {
	p := newOAuth1TestProvider(t)
	p.consumers["ck"] = "flow-consumer-secret"
	f := oauth1TestFlow(p, "flow-consumer-secret")
	var opened string
	user := oauth1TestUser(t)
	f.OpenBrowser = func(u string) error { opened = u; return user(u) }
	tr := &Trace{}
	ctx, cancel := context.WithTimeout(WithTrace(context.Background(), tr), 20*time.Second)
	defer cancel()
	tok, err := f.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok.Token, "acc-") || tok.Secret == "" || tok.Extra.Get("user_id") != "42" {
		t.Fatalf("token %+v", tok)
	}
	if !strings.Contains(opened, "lang=en") || !strings.Contains(opened, "oauth_token=temp-") {
		t.Errorf("authorization URL %q", opened)
	}
	p.mu.Lock()
	for tmp, cb := range p.callbacks {
		if !strings.HasPrefix(cb, "http://127.0.0.1:") || !strings.HasSuffix(cb, "/callback") {
			t.Errorf("callback for %s is %q, want a loopback listener", tmp, cb)
		}
	}
	p.mu.Unlock()
	// The token credentials work on a protected resource.
	s := oauth1MustNew(t, OAuth1Config{ConsumerKey: "ck", ConsumerSecret: "flow-consumer-secret", Token: tok.Token, TokenSecret: tok.Secret})
	req, _ := http.NewRequest("GET", p.srv.URL+"/photos", nil)
	if resp, body, _ := oauth1Send(t, s, req); resp.StatusCode != 200 {
		t.Fatalf("resource with the new token: %s %s", resp.Status, body)
	}
	if oauth1TraceField(tr, "authorization URL") == "" || oauth1TraceField(tr, "oauth_verifier") == "" {
		t.Errorf("trace lacks the flow steps: %+v", tr.Steps())
	}
	oauth1AssertNoSecrets(t, tr, "flow-consumer-secret", tok.Secret)
}

// The default opener runs $BROWSER with the URL as its argument.
func TestOAuth1FlowBrowserEnv(t *testing.T) {
	p := newOAuth1TestProvider(t)
	p.consumers["ck"] = "cs"
	dir := t.TempDir()
	out := filepath.Join(dir, "url")
	script := filepath.Join(dir, "browser.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nprintf '%s' \"$1\" > "+out+".tmp && mv "+out+".tmp "+out+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("BROWSER", script)
	f := oauth1TestFlow(p, "cs")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := f.Run(ctx)
		done <- err
	}()
	var u []byte
	for i := 0; i < 200 && len(u) == 0; i++ {
		time.Sleep(25 * time.Millisecond)
		u, _ = os.ReadFile(out)
	}
	if len(u) == 0 {
		t.Fatal("$BROWSER was not run")
	}
	resp, err := http.Get(string(u))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestOAuth1FlowOutOfBand(t *testing.T) {
	p := newOAuth1TestProvider(t)
	p.consumers["ck"] = "cs"
	f := oauth1TestFlow(p, "cs")
	f.OpenBrowser = func(string) error { return nil }
	f.Verifier = func(ctx context.Context, u string) (string, error) {
		resp, err := http.Get(u)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return " " + strings.TrimPrefix(string(b), "verifier=") + "\n", nil
	}
	tok, err := f.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if tok.Token == "" {
		t.Fatal("no token")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, cb := range p.callbacks {
		if cb != "oob" {
			t.Errorf("callback %q, want oob", cb)
		}
	}
}

func TestOAuth1FlowErrors(t *testing.T) {
	p := newOAuth1TestProvider(t)
	p.consumers["ck"] = "cs"

	// Wrong client secret: the provider's 401 is reported.
	f := oauth1TestFlow(p, "not-the-secret")
	f.OpenBrowser = func(string) error { t.Error("browser opened after a failed step"); return nil }
	_, err := f.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "401") || strings.Contains(err.Error(), "not-the-secret") {
		t.Errorf("wrong secret: %v", err)
	}

	// A callback for another token is refused and the wait goes on.
	f = oauth1TestFlow(p, "cs")
	user := oauth1TestUser(t)
	f.OpenBrowser = func(u string) error {
		p.mu.Lock()
		var cb string
		for _, c := range p.callbacks {
			cb = c
		}
		p.mu.Unlock()
		resp, err := http.Get(cb + "?oauth_token=forged&oauth_verifier=x")
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("forged callback answered %s", resp.Status)
		}
		return user(u)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := f.Run(ctx); err != nil {
		t.Errorf("after a forged callback: %v", err)
	}

	// Nobody comes back: the context ends the wait.
	f = oauth1TestFlow(p, "cs")
	f.OpenBrowser = func(string) error { return nil }
	ctx, cancel = context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := f.Run(ctx); err == nil || !strings.Contains(err.Error(), "waiting for the provider") {
		t.Errorf("timeout: %v", err)
	}

	// OAuth 1.0 providers without oauth_callback_confirmed are refused.
	p.mu.Lock()
	p.noConfirm = true
	p.mu.Unlock()
	f = oauth1TestFlow(p, "cs")
	if _, err := f.RequestTemporaryCredentials(context.Background(), "oob"); err == nil || !strings.Contains(err.Error(), "oauth_callback_confirmed") {
		t.Errorf("no confirmation: %v", err)
	}
	p.mu.Lock()
	p.noConfirm = false
	p.mu.Unlock()

	// Bad endpoints are named.
	f = oauth1TestFlow(p, "cs")
	f.TemporaryCredentialsURL = "hppts://x"
	if _, err := f.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "hppts://x") {
		t.Errorf("bad URL: %v", err)
	}
}

func TestOAuth1FlowDenied(t *testing.T) {
	p := newOAuth1TestProvider(t)
	p.consumers["ck"] = "cs"
	f := oauth1TestFlow(p, "cs")
	f.OpenBrowser = func(u string) error {
		go func() {
			p.mu.Lock()
			var cb, tok string
			for k, c := range p.callbacks {
				tok, cb = k, c
			}
			p.mu.Unlock()
			if resp, err := http.Get(cb + "?denied=" + tok); err == nil {
				resp.Body.Close()
			}
		}()
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := f.Run(ctx); err == nil || !strings.Contains(err.Error(), "denied") {
		t.Errorf("denied: %v", err)
	}
}
