package workspace

import (
	"errors"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"

	"github.com/knockhttp/knock/app/engine"
	"github.com/knockhttp/knock/app/foldersync"
	"github.com/knockhttp/knock/authlib"
	"github.com/knockhttp/knock/storage"
	"github.com/knockhttp/knock/storage/secrets"
)

// Workspace is an open data directory.
type Workspace struct {
	DB     *storage.DB
	Engine *engine.Engine

	mu      sync.Mutex
	secrets secrets.Store
	syncer  *foldersync.Syncer // folder sync, once StartSync ran
	// lastHistoryErr keeps the last failure to record history, which never
	// fails a send; LastHistoryError reports it.
	lastHistoryErr atomic.Value
}

// LastHistoryError returns the last error recording history, or nil.
func (w *Workspace) LastHistoryError() error {
	err, _ := w.lastHistoryErr.Load().(error)
	return err
}

// Open opens the database in dir ("" means storage.DataDir()). Its errors
// are storage's: ErrAlreadyRunning ("Knock is already running (data:
// DIR)") and *storage.CorruptError among them.
func Open(dir string) (*Workspace, error) {
	db, err := storage.Open(dir, nil)
	if err != nil {
		return nil, err
	}
	return &Workspace{DB: db, Engine: engine.New()}, nil
}

// Close stops folder sync and closes the database.
func (w *Workspace) Close() error {
	w.Engine.CloseIdleConnections()
	syncErr := w.stopSync()
	return errors.Join(syncErr, w.DB.Close())
}

// SecretStore returns the attached secret store, or nil before one is
// chosen.
func (w *Workspace) SecretStore() secrets.Store {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.secrets
}

// AttachKeyring uses the OS keyring when it answers. Otherwise it returns
// an error matching secrets.ErrUnavailable whose message says why, and the
// caller lets the user choose UseSession or UseVault. Nothing falls back
// to plain text.
func (w *Workspace) AttachKeyring() error {
	kr := secrets.NewKeyring(nil)
	if err := kr.Probe(); err != nil {
		return err
	}
	w.attach(kr)
	return nil
}

// UseSession keeps secrets in memory until Knock exits.
func (w *Workspace) UseSession() { w.attach(secrets.NewSession()) }

// UseVault opens the encrypted vault of this data directory, creating it
// with passphrase when there is none yet.
func (w *Workspace) UseVault(passphrase string) error {
	path := secrets.VaultPath(w.DB.Dir())
	var v *secrets.Vault
	var err error
	if _, statErr := os.Stat(path); errors.Is(statErr, fs.ErrNotExist) {
		v, err = secrets.CreateVault(path, passphrase)
	} else {
		v, err = secrets.OpenVault(path, passphrase)
	}
	if err != nil {
		return err
	}
	w.attach(v)
	return nil
}

// AttachConfigured attaches the store the settings name: the keyring, or
// for "session" a session store. A vault needs its passphrase, so for
// "vault" it returns ErrVaultLocked and the caller asks for it.
func (w *Workspace) AttachConfigured() error {
	s, err := w.DB.Settings()
	if err != nil {
		return err
	}
	switch s.SecretStore {
	case secrets.KindSession:
		w.UseSession()
		return nil
	case secrets.KindVault:
		return ErrVaultLocked
	}
	return w.AttachKeyring()
}

// ErrVaultLocked says the vault needs its passphrase.
var ErrVaultLocked = errors.New("the secret vault is locked: enter its passphrase")

func (w *Workspace) attach(s secrets.Store) {
	w.mu.Lock()
	w.secrets = s
	w.mu.Unlock()
	w.DB.SetSecrets(s)
	authlib.SetDefaultTokenStore(secrets.NewOAuth2Tokens(s))
}
