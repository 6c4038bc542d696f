package authlib

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestOAuth2MemoryTokenStore(t *testing.T) {
	s := NewMemoryTokenStore()
	if _, err := s.Get("k"); !errors.Is(err, ErrTokenNotCached) {
		t.Fatalf("empty store: %v", err)
	}
	in := &OAuth2TokenSet{AccessToken: "a1", RefreshToken: "r1"}
	if err := s.Put("k", in); err != nil {
		t.Fatal(err)
	}
	in.AccessToken = "changed"
	out, err := s.Get("k")
	if err != nil || out.AccessToken != "a1" {
		t.Fatalf("Put did not copy: %v %v", out, err)
	}
	out.AccessToken = "changed too"
	if again, _ := s.Get("k"); again.AccessToken != "a1" {
		t.Fatal("Get did not copy")
	}
	if err := s.Put("k", nil); err == nil {
		t.Error("Put(nil) accepted")
	}
	if err := s.Delete("k"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete("k"); err != nil {
		t.Errorf("deleting a missing key: %v", err)
	}
	if _, err := s.Get("k"); !errors.Is(err, ErrTokenNotCached) {
		t.Errorf("after Delete: %v", err)
	}

	// Safe for concurrent use (run with -race).
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := fmt.Sprint("k", i%2)
			for j := range 100 {
				_ = s.Put(key, &OAuth2TokenSet{AccessToken: fmt.Sprint(j)})
				_, _ = s.Get(key)
				if j%10 == 0 {
					_ = s.Delete(key)
				}
			}
		}()
	}
	wg.Wait()
}

func TestOAuth2TokenSet(t *testing.T) {
	exp := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	ts := &OAuth2TokenSet{AccessToken: "secret-access-1", RefreshToken: "secret-refresh-2", IDToken: "secret-id-3", Scope: "a b", TokenType: "Bearer", Expiry: exp}
	for _, s := range []string{ts.String(), fmt.Sprintf("%v", ts), fmt.Sprintf("%+v", ts), fmt.Sprintf("%#v", ts)} {
		if strings.Contains(s, "secret-") || !strings.Contains(s, "scope=a b") || !strings.Contains(s, "2030-01-02T03:04:05Z") {
			t.Errorf("String: %s", s)
		}
	}
	// JSON round trip for a keyring-backed store.
	raw, _ := json.Marshal(ts)
	var back OAuth2TokenSet
	if err := json.Unmarshal(raw, &back); err != nil || back != *ts {
		t.Errorf("round trip: %s -> %v %v", raw, back, err)
	}
	if strings.Contains(string(raw), "obtained") {
		t.Errorf("zero Obtained marshalled: %s", raw)
	}
	tok := ts.Token()
	if tok.AccessToken != "secret-access-1" || tok.Extra("id_token") != "secret-id-3" || tok.Extra("scope") != "a b" || !tok.Expiry.Equal(exp) {
		t.Errorf("Token: %+v", tok)
	}
	if got := oauth2TokenSetFrom(tok, exp); got.IDToken != ts.IDToken || got.Scope != ts.Scope || !got.Obtained.Equal(exp) {
		t.Errorf("from Token: %v", got)
	}

	now := time.Date(2030, 1, 2, 3, 0, 0, 0, time.UTC)
	if ts.Expired(now, time.Minute) || !ts.Expired(now, 5*time.Minute) || !ts.Expired(exp, 0) {
		t.Error("Expired")
	}
	if (&OAuth2TokenSet{AccessToken: "x"}).Expired(now, time.Hour) {
		t.Error("a token without expiry expired")
	}
	if !(&OAuth2TokenSet{}).Expired(now, 0) {
		t.Error("an empty token is usable")
	}
	// The refresh margin is capped at half the lifetime.
	short := &OAuth2TokenSet{Obtained: now, Expiry: now.Add(20 * time.Second)}
	if got := oauth2Skew(short); got != 10*time.Second {
		t.Errorf("skew %v", got)
	}
	if got := oauth2Skew(&OAuth2TokenSet{Obtained: now, Expiry: now.Add(time.Hour)}); got != oauth2ExpirySkew {
		t.Errorf("skew %v", got)
	}
}

// oauth2FailingStore is a keyring that is locked.
type oauth2FailingStore struct{}

func (oauth2FailingStore) Get(string) (*OAuth2TokenSet, error) {
	return nil, errors.New("keyring is locked")
}
func (oauth2FailingStore) Put(string, *OAuth2TokenSet) error { return errors.New("keyring is locked") }
func (oauth2FailingStore) Delete(string) error               { return errors.New("keyring is locked") }

func TestOAuth2DefaultAndFailingStore(t *testing.T) {
	ts := oauth2NewTestServer(t, "header")
	shared := NewMemoryTokenStore()
	SetDefaultTokenStore(shared)
	t.Cleanup(func() { SetDefaultTokenStore(nil) })
	// The window's "Get token" and the request's scheme are two values
	// built from the same parameters: they share the token.
	a, err := New("oauth2", ts.params(oauth2GrantPassword))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := a.(*OAuth2).FetchToken(t.Context(), OAuth2Interaction{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := New("oauth2", ts.params(oauth2GrantPassword))
	if c, err := b.(*OAuth2).CachedToken(); err != nil || c.AccessToken != tok.AccessToken {
		t.Fatalf("shared cache: %v %v", c, err)
	}
	if _, _, err := oauth2Get(t, b.(*OAuth2), ts.URL+"/resource", nil); err != nil {
		t.Fatal(err)
	}
	if n := ts.grantCount("password"); n != 1 {
		t.Errorf("password grants = %d, want 1", n)
	}
	if err := b.(*OAuth2).ForgetToken(); err != nil {
		t.Fatal(err)
	}
	if _, err := a.(*OAuth2).CachedToken(); !errors.Is(err, ErrTokenNotCached) {
		t.Errorf("after ForgetToken: %v", err)
	}

	// A store that fails is reported, not mistaken for an empty cache.
	o, _ := oauth2NewTestScheme(t, ts.params(oauth2GrantPassword))
	o.SetTokenStore(oauth2FailingStore{})
	if _, _, err := oauth2Get(t, o, ts.URL+"/resource", nil); err == nil || !strings.Contains(err.Error(), "token cache: keyring is locked") {
		t.Errorf("err = %v", err)
	}
	if _, err := o.FetchToken(t.Context(), OAuth2Interaction{}); err == nil || !strings.Contains(err.Error(), "token cache: keyring is locked") {
		t.Errorf("err = %v", err)
	}
}

func TestOAuth2ConcurrentRefreshSpendsTokenOnce(t *testing.T) {
	ts := oauth2NewTestServer(t, "header")
	o, st := oauth2NewTestScheme(t, ts.params(oauth2GrantPKCE))
	pw, _ := oauth2NewTestScheme(t, ts.params(oauth2GrantPassword))
	pw.SetTokenStore(st)
	tok, err := pw.FetchToken(t.Context(), OAuth2Interaction{})
	if err != nil {
		t.Fatal(err)
	}
	_ = st.Put(o.CacheKey(), &OAuth2TokenSet{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, Expiry: time.Now().Add(-time.Second)})
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, _, err := oauth2Get(t, o, ts.URL+"/resource", nil)
			if err == nil && resp.StatusCode != 200 {
				err = fmt.Errorf("status %d", resp.StatusCode)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	// go-oauth2 rotates refresh tokens: a second refresh with the old one
	// would have failed with invalid_grant.
	if n := ts.grantCount("refresh_token"); n != 1 {
		t.Errorf("refreshes = %d, want 1", n)
	}
}
