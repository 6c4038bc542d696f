package storage

import (
	"errors"
	"fmt"
)

var (
	// ErrAlreadyRunning is matched (errors.Is) by the error Open returns
	// when another Knock holds the database. That error's message is
	// exactly "Knock is already running (data: DIR)".
	ErrAlreadyRunning = errors.New("storage: Knock is already running")

	// ErrCorrupt is matched by every *CorruptError: the database file is
	// damaged. Knock does not write to it again.
	ErrCorrupt = errors.New("storage: the database file is damaged")

	// ErrNewerSchema is returned by Open for a database written by a newer
	// Knock. It is left untouched.
	ErrNewerSchema = errors.New("storage: the database was written by a newer Knock")

	// ErrNotFound is returned for an ID that names nothing of the kind
	// asked for.
	ErrNotFound = errors.New("storage: not found")

	// ErrInvalidMove is returned by Move for a folder moved into itself or
	// one of its own folders, or a target that cannot hold children.
	ErrInvalidMove = errors.New("storage: invalid move")

	// ErrNoSecretStore is returned when a document holds secret values (or
	// references to hydrate) and no secret store is attached. Knock never
	// writes a secret to the database instead.
	ErrNoSecretStore = errors.New("storage: no secret store is attached; secrets cannot be saved or read")

	// ErrSecretMissing is matched by *MissingSecretsError: hydrating found
	// references whose values the secret store does not have (a session
	// store after a restart, or a value deleted from the keyring).
	ErrSecretMissing = errors.New("storage: secret values are missing from the secret store")

	// ErrClosed is returned after Close.
	ErrClosed = errors.New("storage: database closed")

	// ErrInvalid is returned for a document that cannot be saved as it
	// is (an empty name where one is needed, a proxy URL that cannot be
	// parsed while it may hold a password).
	ErrInvalid = errors.New("storage: invalid document")
)

// alreadyRunningError is what Open returns when the database is locked.
type alreadyRunningError struct{ dir string }

func (e *alreadyRunningError) Error() string {
	return fmt.Sprintf("Knock is already running (data: %s)", e.dir)
}

func (e *alreadyRunningError) Is(target error) bool { return target == ErrAlreadyRunning }

// CorruptError reports a damaged database file. Path is the file, Reason
// what is wrong, and Backup the newest backup in DATA/backups ("" when
// there is none); the window offers RestoreBackup(Path, Backup). The
// damaged file is never written to or removed by Knock.
type CorruptError struct {
	Path   string
	Backup string
	Reason string
	Err    error
}

func (e *CorruptError) Error() string {
	msg := fmt.Sprintf("storage: the database file %s is damaged (%s)", e.Path, e.Reason)
	if e.Backup != "" {
		return msg + "; the latest backup is " + e.Backup
	}
	return msg + "; there is no backup"
}

// Unwrap returns the underlying error.
func (e *CorruptError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrCorrupt) true.
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }

// MissingSecretsError lists the fields whose secret values the store does
// not have. Hydration fills every other field before returning it, so the
// window can ask the user for just these.
type MissingSecretsError struct {
	Fields []string // e.g. "auth password", "variable token"
	Refs   []string
}

func (e *MissingSecretsError) Error() string {
	return fmt.Sprintf("storage: %d secret value(s) are missing from the secret store: %v", len(e.Fields), e.Fields)
}

// Is makes errors.Is(err, ErrSecretMissing) true.
func (e *MissingSecretsError) Is(target error) bool { return target == ErrSecretMissing }
