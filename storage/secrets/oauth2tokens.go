package secrets

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/knockhttp/knock/authlib"
)

// OAuth2Tokens keeps OAuth 2 token sets in a Store, one item per cache key
// under the reference "oauth2:<hash of the key>", so that tokens survive a
// restart and never reach the database. Values larger than an item allows
// are chunked by the Store. A copy is kept in memory, because the scheme
// reads the cache on every request.
type OAuth2Tokens struct {
	store Store
	mu    sync.Mutex
	cache map[string]authlib.OAuth2TokenSet
}

var _ authlib.TokenStore = (*OAuth2Tokens)(nil)

// NewOAuth2Tokens returns a token store backed by s.
func NewOAuth2Tokens(s Store) *OAuth2Tokens {
	return &OAuth2Tokens{store: s, cache: map[string]authlib.OAuth2TokenSet{}}
}

func oauth2Ref(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "oauth2:" + hex.EncodeToString(sum[:16])
}

// Get implements authlib.TokenStore.
func (o *OAuth2Tokens) Get(key string) (*authlib.OAuth2TokenSet, error) {
	o.mu.Lock()
	if t, ok := o.cache[key]; ok {
		o.mu.Unlock()
		return &t, nil
	}
	o.mu.Unlock()
	raw, err := o.store.Get(oauth2Ref(key))
	if errors.Is(err, ErrNotFound) {
		return nil, authlib.ErrTokenNotCached
	}
	if err != nil {
		return nil, err
	}
	var t authlib.OAuth2TokenSet
	if err := json.Unmarshal([]byte(raw), &t); err != nil {
		// A damaged item is as good as none: the user gets a new token.
		return nil, authlib.ErrTokenNotCached
	}
	o.mu.Lock()
	o.cache[key] = t
	o.mu.Unlock()
	return &t, nil
}

// Put implements authlib.TokenStore.
func (o *OAuth2Tokens) Put(key string, t *authlib.OAuth2TokenSet) error {
	data, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("secrets: oauth2 token: %w", err)
	}
	if err := o.store.Set(oauth2Ref(key), string(data)); err != nil {
		return err
	}
	o.mu.Lock()
	o.cache[key] = *t
	o.mu.Unlock()
	return nil
}

// Delete implements authlib.TokenStore.
func (o *OAuth2Tokens) Delete(key string) error {
	o.mu.Lock()
	delete(o.cache, key)
	o.mu.Unlock()
	return o.store.Delete(oauth2Ref(key))
}
