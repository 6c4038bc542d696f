package sidebar

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2/dialog"

	"github.com/knockhttp/knock/storage"
	"github.com/knockhttp/knock/storage/secrets"
)

// plainError says what failed and why in words a user can act on:
// "Could not rename “Users”: it no longer exists".
func plainError(what string, err error) error {
	return errors.New(what + ": " + reason(err))
}

// reason turns a store error into a phrase.
func reason(err error) string {
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return "it no longer exists (it may have been deleted elsewhere)"
	case errors.Is(err, storage.ErrClosed):
		return "the database is closed"
	case errors.Is(err, storage.ErrNoSecretStore):
		return "it holds secrets, and no secret store (keyring or vault) is set up to keep them"
	case errors.Is(err, secrets.ErrUnavailable):
		return "the system keyring cannot be used: " + trimStorage(err.Error())
	}
	return trimStorage(err.Error())
}

// trimStorage drops the package prefixes that mean nothing to a user.
func trimStorage(msg string) string {
	for _, p := range []string{storage.ErrInvalidMove.Error() + ": ", storage.ErrInvalid.Error() + ": ", "storage: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	return msg
}

// showError shows a failed store call in a dialog. It runs on the UI
// goroutine.
func (s *Sidebar) showError(what string, err error) {
	if err == nil || s.win == nil {
		return
	}
	dialog.ShowError(plainError(what, err), s.win)
}

// quote puts a name in typographic quotes for messages.
func quote(name string) string { return "“" + name + "”" }

// capitalize upper-cases the first letter of a message.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
