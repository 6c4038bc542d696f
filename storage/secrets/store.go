package secrets

import (
	"errors"
	"fmt"
	"strings"
)

// Kind names a secret store. The values are the ones the settings document
// keeps (storage.AppSettings.SecretStore).
type Kind string

// The secret stores Knock offers.
const (
	// KindKeyring is the operating system's keyring: the Secret Service on
	// Linux and the BSDs, Keychain on macOS, Credential Manager on Windows.
	KindKeyring Kind = "keyring"
	// KindSession keeps secrets in memory until Knock exits.
	KindSession Kind = "session"
	// KindVault keeps secrets in an encrypted file unlocked by a passphrase.
	KindVault Kind = "vault"
)

// Title is a short name of the store for the window.
func (k Kind) Title() string {
	switch k {
	case KindKeyring:
		return "System keyring"
	case KindSession:
		return "This session only (in memory)"
	case KindVault:
		return "Encrypted vault file"
	}
	return string(k)
}

// Valid reports whether k is one of the known kinds.
func (k Kind) Valid() bool {
	return k == KindKeyring || k == KindSession || k == KindVault
}

// Store keeps secret values under references. A reference is an opaque
// string chosen by the caller (package storage builds them, see its package
// documentation); a store never interprets it.
//
// Every method may block: a keyring call is a D-Bus round trip that can wait
// for an unlock prompt, and a vault write derives nothing but rewrites and
// syncs a file. Never call a Store from the UI goroutine; run it in a
// goroutine and hand the result back to the window.
//
// Implementations are safe for concurrent use.
type Store interface {
	// Kind says which store this is.
	Kind() Kind
	// Get returns the value stored under ref, or an error matching
	// ErrNotFound when there is none.
	Get(ref string) (string, error)
	// Set stores value under ref, replacing any earlier value.
	Set(ref, value string) error
	// Delete removes the value under ref. A missing value is not an error.
	Delete(ref string) error
}

var (
	// ErrNotFound is returned by Get when no secret is stored under the
	// reference.
	ErrNotFound = errors.New("secrets: no secret stored under this reference")

	// ErrUnavailable is matched (errors.Is) by every *UnavailableError: the
	// keyring cannot be used, and the user must choose another store.
	ErrUnavailable = errors.New("secrets: the keyring cannot be used")

	// ErrBadRef is returned for an empty reference or one that holds a
	// character a keyring attribute cannot carry.
	ErrBadRef = errors.New("secrets: invalid reference")

	// ErrWrongPassphrase is returned by OpenVault when the passphrase does
	// not open the vault. The file may also have been altered: the cipher
	// cannot tell the two apart.
	ErrWrongPassphrase = errors.New("secrets: vault: wrong passphrase, or the vault file was altered")

	// ErrVaultExists is returned by CreateVault when the file is already
	// there; open it instead, or remove it on purpose.
	ErrVaultExists = errors.New("secrets: vault: the vault file already exists")

	// ErrVaultDamaged is returned by OpenVault when the file is not a
	// vault this version can read.
	ErrVaultDamaged = errors.New("secrets: vault: the vault file is damaged")

	// ErrClosed is returned by a Vault after Close.
	ErrClosed = errors.New("secrets: vault: closed")

	// ErrEmptyPassphrase is returned by CreateVault and OpenVault for an
	// empty passphrase.
	ErrEmptyPassphrase = errors.New("secrets: vault: the passphrase is empty")
)

// UnavailableError says why the keyring cannot be used. Reason is written
// for the user ("no Secret Service is running on the session bus"); Err is
// the error the keyring library returned, if any. It never carries a
// secret value.
//
// When a keyring call returns an UnavailableError, the window tells the user
// the Reason and offers the choice between NewSession and a vault
// (CreateVault / OpenVault). Knock never falls back on its own.
type UnavailableError struct {
	Reason string
	Err    error
}

func (e *UnavailableError) Error() string {
	return "secrets: the keyring cannot be used: " + e.Reason
}

// Unwrap returns the underlying error.
func (e *UnavailableError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrUnavailable) true.
func (e *UnavailableError) Is(target error) bool { return target == ErrUnavailable }

// checkRef rejects references that no store can hold.
func checkRef(ref string) error {
	if ref == "" {
		return fmt.Errorf("%w: empty", ErrBadRef)
	}
	if len(ref) > 512 {
		return fmt.Errorf("%w: %d bytes long (at most 512)", ErrBadRef, len(ref))
	}
	if strings.ContainsAny(ref, "\x00\n\r") || strings.Contains(ref, chunkSep) {
		return fmt.Errorf("%w: %q holds a control character or %q", ErrBadRef, ref, chunkSep)
	}
	return nil
}
