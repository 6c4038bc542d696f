package editor

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/knockhttp/knock/storage"
)

// tokenHook is a GetToken that waits for the test to release it.
type tokenHook struct {
	params  chan map[string]string
	release chan TokenInfo
	done    chan error // ctx.Err() when the hook returned
}

func newTokenHook() *tokenHook {
	return &tokenHook{params: make(chan map[string]string, 4), release: make(chan TokenInfo), done: make(chan error, 4)}
}

func (h *tokenHook) get(ctx context.Context, params map[string]string, progress func(string)) (TokenInfo, error) {
	h.params <- params
	progress("waiting for the browser…")
	select {
	case info := <-h.release:
		h.done <- nil
		return info, nil
	case <-ctx.Done():
		h.done <- ctx.Err()
		return TokenInfo{}, ctx.Err()
	}
}

func TestEditorOAuth2GetToken(t *testing.T) {
	q := newUIQueue(t)
	hook := newTokenHook()
	e, _ := newTestEditor(t, Options{GetToken: hook.get})
	e.SetRequest(storage.Request{Auth: storage.AuthSpec{Type: "oauth2", Params: map[string]string{
		"grant_type": "authorization_code_with_pkce", "clientId": "knock", "clientSecret": "s3cret"}}})
	p := e.auth.forms["oauth2"].token
	test.Tap(p.get)
	params := <-hook.params
	if params["clientId"] != "knock" || params["clientSecret"] != "s3cret" {
		t.Errorf("GetToken got %v", params)
	}
	q.next(t) // progress
	if p.message.Text != "waiting for the browser…" || p.cancel.Disabled() || !p.get.Disabled() || !p.activity.Visible() {
		t.Errorf("while running: message %q, cancel disabled %v, get disabled %v", p.message.Text, p.cancel.Disabled(), p.get.Disabled())
	}
	exp := time.Now().Add(time.Hour)
	hook.release <- TokenInfo{AccessToken: "eyJh…Q5w", TokenType: "Bearer", Expiry: exp, Scopes: []string{"read", "write"},
		HasRefreshToken: true, Claims: map[string]any{"sub": "alice", "exp": json.Number("1700000000")}}
	q.next(t) // result
	for _, want := range []string{"Access token: eyJh…Q5w", "Type: Bearer", "(in 59 min)", "Scopes: read write", "Refresh token: yes"} {
		if !strings.Contains(p.details.Text, want) {
			t.Errorf("inspector %q lacks %q", p.details.Text, want)
		}
	}
	if !strings.Contains(p.claims.Text, "sub: alice") || !strings.Contains(p.claims.Text, "exp: 1700000000  (2023-11-") {
		t.Errorf("claims = %q", p.claims.Text)
	}
	if p.get.Disabled() || !p.cancel.Disabled() || p.activity.Visible() {
		t.Error("the buttons did not come back after the token arrived")
	}
}

func TestEditorOAuth2Cancel(t *testing.T) {
	q := newUIQueue(t)
	hook := newTokenHook()
	e, _ := newTestEditor(t, Options{GetToken: hook.get})
	e.SetRequest(storage.Request{Auth: storage.AuthSpec{Type: "oauth2"}})
	p := e.auth.forms["oauth2"].token
	test.Tap(p.get)
	<-hook.params
	test.Tap(p.cancel)
	if err := <-hook.done; !errors.Is(err, context.Canceled) {
		t.Fatalf("the grant's context was not cancelled: %v", err)
	}
	if p.message.Text != "Cancelled." || p.get.Disabled() {
		t.Errorf("after Cancel: message %q", p.message.Text)
	}
	// The late progress and result of the cancelled grant are dropped.
	q.next(t)
	q.next(t)
	if p.message.Text != "Cancelled." || p.details.Text != "No token yet." {
		t.Errorf("a cancelled grant's result was shown: %q / %q", p.message.Text, p.details.Text)
	}
	// Loading another request cancels a grant in flight too, and so does
	// closing the editor.
	test.Tap(p.get)
	<-hook.params
	e.SetRequest(storage.Request{Auth: storage.AuthSpec{Type: "oauth2"}})
	if err := <-hook.done; !errors.Is(err, context.Canceled) {
		t.Errorf("SetRequest left the grant running: %v", err)
	}
	p = e.auth.forms["oauth2"].token
	test.Tap(p.get)
	<-hook.params
	e.Close()
	if err := <-hook.done; !errors.Is(err, context.Canceled) {
		t.Errorf("Close left the grant running: %v", err)
	}
}

func TestEditorOAuth2RefreshClearAndCached(t *testing.T) {
	q := newUIQueue(t)
	cleared := make(chan map[string]string, 1)
	e, _ := newTestEditor(t, Options{
		RefreshToken: func(ctx context.Context, params map[string]string, progress func(string)) (TokenInfo, error) {
			return TokenInfo{}, errors.New("oauth2: refresh: invalid_grant")
		},
		ClearToken: func(ctx context.Context, params map[string]string) error {
			cleared <- params
			return nil
		},
		CachedToken: func(ctx context.Context, params map[string]string) (TokenInfo, bool, error) {
			return TokenInfo{AccessToken: "cached…tok"}, true, nil
		},
	})
	e.SetRequest(storage.Request{Auth: storage.AuthSpec{Type: "oauth2", Params: map[string]string{"tokenName": "t1"}}})
	p := e.auth.forms["oauth2"].token
	if !p.get.Disabled() {
		t.Error("Get is enabled without a GetToken hook")
	}
	q.next(t) // cached token
	if !strings.Contains(p.details.Text, "cached…tok") {
		t.Errorf("cached token not shown: %q", p.details.Text)
	}
	test.Tap(p.refresh)
	q.next(t)
	if !strings.Contains(p.message.Text, "invalid_grant") {
		t.Errorf("refresh error not shown: %q", p.message.Text)
	}
	test.Tap(p.clear)
	if got := <-cleared; got["tokenName"] != "t1" {
		t.Errorf("ClearToken got %v", got)
	}
	q.next(t)
	if p.details.Text != "No token yet." {
		t.Errorf("after Clear: %q", p.details.Text)
	}
}

func TestExpiryText(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	for d, want := range map[time.Duration]string{
		30 * time.Second: "(in 30 s)", 90 * time.Minute: "(in 1 h 30 min)", -5 * time.Minute: "(expired 5 min ago)", 72 * time.Hour: "(in 3 days)",
	} {
		if got := expiryText(now.Add(d), now); !strings.HasSuffix(got, want) {
			t.Errorf("expiryText(%v) = %q, want suffix %q", d, got, want)
		}
	}
	if got := expiryText(time.Time{}, now); got != "not given by the server" {
		t.Errorf("no expiry: %q", got)
	}
}
