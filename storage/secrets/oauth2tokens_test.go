package secrets

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/knockhttp/knock/authlib"
)

func TestOAuth2TokensSurviveANewProcessInTheKeyring(t *testing.T) {
	requireKeyring(t)
	kr := NewKeyring(nil)
	key := "oauth2-test-" + time.Now().Format("150405.000000000")
	big := strings.Repeat("eyJhbGciOi", 400) // 4 KB: chunked
	first := NewOAuth2Tokens(kr)
	tok := &authlib.OAuth2TokenSet{AccessToken: big, RefreshToken: "refresh-secret", TokenType: "Bearer", Expiry: time.Now().Add(time.Hour).Round(time.Second)}
	if err := first.Put(key, tok); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { first.Delete(key) })

	// A new store over the same keyring, as after a restart.
	second := NewOAuth2Tokens(kr)
	got, err := second.Get(key)
	if err != nil {
		t.Fatal(err)
	}
	if got.AccessToken != big || got.RefreshToken != "refresh-secret" || !got.Expiry.Equal(tok.Expiry) {
		t.Errorf("token set came back as %+v", got)
	}
	if err := second.Delete(key); err != nil {
		t.Fatal(err)
	}
	if _, err := NewOAuth2Tokens(kr).Get(key); !errors.Is(err, authlib.ErrTokenNotCached) {
		t.Errorf("after Delete: %v, want ErrTokenNotCached", err)
	}
}
