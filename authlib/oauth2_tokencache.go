package authlib

// OAuth 2.0 token cache.
//
// A token set (access token, refresh token, id token, expiry) is kept in a
// [TokenStore] under a cache key derived from the parts of the OAuth 2
// configuration that decide which token the server hands out (see
// [OAuth2.CacheKey]). The window backs the store with the OS keyring; this
// file provides the in-memory store used by default and by tests.

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// ErrTokenNotCached is returned by [TokenStore.Get] when no token set is
// stored under the key.
var ErrTokenNotCached = errors.New("authlib: oauth2: no token cached")

// OAuth2TokenSet is what a token endpoint (RFC 6749 §5.1) or an implicit
// redirect (§4.2.2) returned, in a form that can be stored as JSON.
//
// Every field but Expiry, Obtained, TokenType and Scope is a secret. String
// masks them, so printing a token set with %v never leaks one; MarshalJSON
// does not, because the store needs the values.
type OAuth2TokenSet struct {
	AccessToken  string    `json:"access_token"`
	TokenType    string    `json:"token_type,omitempty"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	IDToken      string    `json:"id_token,omitempty"` // OpenID Connect Core §3.1.3.3
	Scope        string    `json:"scope,omitempty"`    // the granted scope, RFC 6749 §5.1
	Expiry       time.Time `json:"expiry,omitzero"`    // zero: the server gave no expires_in
	Obtained     time.Time `json:"obtained,omitzero"`  // when Knock received it
}

// String describes the token set with every secret masked.
func (t *OAuth2TokenSet) String() string {
	if t == nil {
		return "<no token>"
	}
	var b strings.Builder
	b.WriteString("access_token=" + Mask(t.AccessToken))
	if t.TokenType != "" {
		b.WriteString(" token_type=" + t.TokenType)
	}
	if t.RefreshToken != "" {
		b.WriteString(" refresh_token=" + Mask(t.RefreshToken))
	}
	if t.IDToken != "" {
		b.WriteString(" id_token=" + Mask(t.IDToken))
	}
	if t.Scope != "" {
		b.WriteString(" scope=" + t.Scope)
	}
	if !t.Expiry.IsZero() {
		b.WriteString(" expiry=" + t.Expiry.UTC().Format(time.RFC3339))
	}
	return b.String()
}

// GoString masks secrets for %#v too.
func (t *OAuth2TokenSet) GoString() string { return t.String() }

// Token returns the set as an *oauth2.Token; the id_token and scope are
// available through its Extra method.
func (t *OAuth2TokenSet) Token() *oauth2.Token {
	if t == nil {
		return nil
	}
	tok := &oauth2.Token{
		AccessToken:  t.AccessToken,
		TokenType:    t.TokenType,
		RefreshToken: t.RefreshToken,
		Expiry:       t.Expiry,
	}
	extra := map[string]any{}
	if t.IDToken != "" {
		extra["id_token"] = t.IDToken
	}
	if t.Scope != "" {
		extra["scope"] = t.Scope
	}
	return tok.WithExtra(extra)
}

// Expired reports whether the access token has expired, or will within
// skew. A token without an expiry never expires here; the server says so
// with a 401 (RFC 6750 §3.1 invalid_token).
func (t *OAuth2TokenSet) Expired(now time.Time, skew time.Duration) bool {
	if t == nil || t.AccessToken == "" {
		return true
	}
	if t.Expiry.IsZero() {
		return false
	}
	return !now.Add(skew).Before(t.Expiry)
}

// oauth2TokenSetFrom converts a token from golang.org/x/oauth2, picking the
// id_token and scope out of the raw response.
func oauth2TokenSetFrom(tok *oauth2.Token, now time.Time) *OAuth2TokenSet {
	ts := &OAuth2TokenSet{
		AccessToken:  tok.AccessToken,
		TokenType:    tok.TokenType,
		RefreshToken: tok.RefreshToken,
		Expiry:       tok.Expiry,
		Obtained:     now,
	}
	if s, ok := tok.Extra("id_token").(string); ok {
		ts.IDToken = s
	}
	if s, ok := tok.Extra("scope").(string); ok {
		ts.Scope = s
	}
	return ts
}

// TokenStore keeps OAuth 2 token sets by cache key.
//
// Contract:
//   - Implementations must be safe for concurrent use.
//   - Get returns [ErrTokenNotCached] (possibly wrapped) when nothing is
//     stored under key; any other error means the store itself failed (for
//     example the keyring is locked) and is shown to the user.
//   - Get returns a copy: the caller may modify it. Put stores a copy: the
//     caller may modify its argument afterwards.
//   - Put replaces any set stored under key. Delete of a missing key is not
//     an error.
//   - Methods may block (a keyring call over D-Bus) and so must never be
//     called on the UI goroutine. authlib calls them from the goroutine that
//     sends the request or fetches the token.
//   - Keys are short ASCII strings ("oauth2:" and 32 hex digits), usable as
//     keyring item names. A token set may exceed a keyring's item size limit
//     (about 2.5 KB on Windows); a keyring-backed store must split it.
type TokenStore interface {
	Get(key string) (*OAuth2TokenSet, error)
	Put(key string, t *OAuth2TokenSet) error
	Delete(key string) error
}

// MemoryTokenStore is a [TokenStore] that lives as long as the process.
type MemoryTokenStore struct {
	mu sync.Mutex
	m  map[string]OAuth2TokenSet
}

var _ TokenStore = (*MemoryTokenStore)(nil)

// NewMemoryTokenStore returns an empty in-memory store.
func NewMemoryTokenStore() *MemoryTokenStore {
	return &MemoryTokenStore{m: map[string]OAuth2TokenSet{}}
}

// Get implements [TokenStore].
func (s *MemoryTokenStore) Get(key string) (*OAuth2TokenSet, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.m[key]
	if !ok {
		return nil, ErrTokenNotCached
	}
	return &t, nil
}

// Put implements [TokenStore].
func (s *MemoryTokenStore) Put(key string, t *OAuth2TokenSet) error {
	if t == nil {
		return errors.New("authlib: oauth2: token store: Put of a nil token set")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[key] = *t
	return nil
}

// Delete implements [TokenStore].
func (s *MemoryTokenStore) Delete(key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, key)
	return nil
}

var (
	oauth2DefaultStoreMu sync.RWMutex
	oauth2DefaultStore   TokenStore = NewMemoryTokenStore()
)

// SetDefaultTokenStore sets the store used by OAuth 2 schemes built with
// [New] or [NewOAuth2]. The app calls it once at start with its
// keyring-backed store, before any request is sent. A nil store restores a
// fresh in-memory store.
func SetDefaultTokenStore(s TokenStore) {
	if s == nil {
		s = NewMemoryTokenStore()
	}
	oauth2DefaultStoreMu.Lock()
	oauth2DefaultStore = s
	oauth2DefaultStoreMu.Unlock()
}

// DefaultTokenStore returns the store set by [SetDefaultTokenStore].
func DefaultTokenStore() TokenStore {
	oauth2DefaultStoreMu.RLock()
	defer oauth2DefaultStoreMu.RUnlock()
	return oauth2DefaultStore
}

// oauth2KeyLocks serialises token refreshes per cache key across every
// OAuth2 value in the process, so that two requests (or two saved requests
// sharing a configuration) never spend the same rotating refresh token
// twice (RFC 9700 §4.14.2).
var oauth2KeyLocks sync.Map // cache key -> *sync.Mutex

func oauth2LockKey(key string) func() {
	v, _ := oauth2KeyLocks.LoadOrStore(key, new(sync.Mutex))
	mu := v.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

// oauth2CacheKey hashes the parts of a configuration that decide which
// token the server issues. Secrets are left out: changing a client secret
// does not change whose token it is.
func oauth2CacheKey(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return "oauth2:" + hex.EncodeToString(h.Sum(nil)[:16])
}
