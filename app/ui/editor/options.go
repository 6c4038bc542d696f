package editor

import (
	"context"
	"time"

	"fyne.io/fyne/v2"

	"github.com/knockhttp/knock/storage"
)

// Options are what the editor needs from the window. Every field may be
// left nil; the feature that uses it is then hidden or inert. The
// functions without a context are called on the UI goroutine and must
// return at once (look in memory, not on disk or in the keyring); the
// OAuth 2 functions take a context and run on a goroutine of their own.
type Options struct {
	// Window is the parent of the editor's dialogs (file pickers,
	// errors). When nil, the app's first window is used.
	Window fyne.Window

	// Shortcut is offered every shortcut typed in one of the editor's
	// entries before the entry handles it: Fyne gives a shortcut only to
	// the focused widget, so the window's shortcuts (Ctrl+Enter, Ctrl+L)
	// would otherwise die in the entry. It reports whether it handled it.
	Shortcut func(fyne.Shortcut) bool

	// Lookup resolves a variable for the line under the URL.
	Lookup func(name string) (value string, ok bool)
	// IsSecret reports whether a variable holds a secret, whose value is
	// then shown masked.
	IsSecret func(name string) bool
	// VariableNames lists the names offered after "{{" is typed.
	VariableNames func() []string

	// ParseCurl turns a pasted curl command into a request. When set,
	// pasting text that starts with "curl " into the URL entry replaces
	// the request.
	ParseCurl func(command string) (storage.Request, error)

	// InheritedAuth returns the auth that "Inherit from parent" resolves
	// to and where it comes from ("folder Users"); ok is false when no
	// ancestor sets one.
	InheritedAuth func() (auth storage.AuthSpec, from string, ok bool)

	// GetToken runs the OAuth 2 grant described by params (the oauth2
	// method's parameters) and returns the new token. progress reports
	// steps ("waiting for the browser…") and may be called from any
	// goroutine. It must return when ctx is cancelled.
	GetToken func(ctx context.Context, params map[string]string, progress func(string)) (TokenInfo, error)
	// RefreshToken renews the cached token with its refresh token.
	RefreshToken func(ctx context.Context, params map[string]string, progress func(string)) (TokenInfo, error)
	// ClearToken forgets the cached token.
	ClearToken func(ctx context.Context, params map[string]string) error
	// CachedToken returns the token cached for params, if any; the editor
	// calls it when the OAuth 2 form is shown.
	CachedToken func(ctx context.Context, params map[string]string) (TokenInfo, bool, error)
}

// TokenInfo is what the token inspector shows of an OAuth 2 token. It
// carries no secret: AccessToken is already masked by whoever filled it in
// (authlib.Mask).
type TokenInfo struct {
	AccessToken     string    // masked, e.g. "eyJh…Q5w"
	TokenType       string    // "Bearer"
	Expiry          time.Time // zero when the server gave none
	Scopes          []string  // granted scopes
	HasRefreshToken bool
	// Claims are the decoded, unverified claims of a JWT access token;
	// nil for an opaque token.
	Claims map[string]any
}
