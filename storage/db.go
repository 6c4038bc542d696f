package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/knockhttp/knock/storage/secrets"
)

// DBFile is the database's file name in the data directory.
const DBFile = "knock.db"

// Options tune Open. The zero value is what Knock uses.
type Options struct {
	// Timeout bounds the wait for the file lock another Knock holds.
	// Default 1 s.
	Timeout time.Duration
	// Secrets is the secret store; it can also be attached later with
	// SetSecrets. Without one, saving a document that holds a secret value
	// fails with ErrNoSecretStore.
	Secrets secrets.Store
	// BackupInterval is how old the newest backup may be before Open takes
	// another one. Default 24 h; negative turns the routine backup off
	// (backups before migrations are always taken).
	BackupInterval time.Duration
	// KeepBackups is how many backups are kept. Default 10.
	KeepBackups int
	// Check runs bbolt's full consistency check (tx.Check) during Open. A
	// damaged page is found anyway when it is read; this finds it at once.
	Check bool
}

// DB is Knock's database: one bbolt file, DATA/knock.db, plus DATA/history
// for large response bodies and DATA/backups. It is safe for concurrent
// use. Every method blocks on disk (and, for documents with secrets, on the
// secret store): never call one from the UI goroutine.
type DB struct {
	dir  string
	path string
	bolt *bolt.DB
	opts Options

	storeMu sync.RWMutex
	store   secrets.Store

	// broken is set when reading the file failed in a way that shows
	// damage; from then on every call returns it and nothing is written.
	broken atomic.Pointer[CorruptError]
}

// Open opens (creating if needed) the database in dir; dir "" means
// DataDir(). It fails with an error matching ErrAlreadyRunning when another
// process holds the database, with a *CorruptError for a damaged file, and
// with ErrNewerSchema for a file from a newer Knock. A database from an
// older schema is backed up to DATA/backups and migrated.
func Open(dir string, opts *Options) (*DB, error) {
	if dir == "" {
		d, err := DataDir()
		if err != nil {
			return nil, err
		}
		dir = d
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("storage: data directory: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("storage: data directory: %w", err)
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Timeout <= 0 {
		o.Timeout = time.Second
	}
	if o.BackupInterval == 0 {
		o.BackupInterval = 24 * time.Hour
	}
	if o.KeepBackups <= 0 {
		o.KeepBackups = 10
	}
	db := &DB{dir: dir, path: filepath.Join(dir, DBFile), opts: o, store: o.Secrets}

	existed := false
	if fi, err := os.Stat(db.path); err == nil {
		existed = true
		backup, _ := LatestBackup(dir)
		switch reason := precheckFile(db.path, fi.Size()); {
		case reason == "":
		case fi.Size() == 0 && backup == "":
			// The very first Open died before bbolt wrote its header:
			// there never was any data. (An empty file with backups
			// beside it is a truncated database, and stays untouched.)
			existed = false
		default:
			return nil, db.corrupt(reason, nil)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("storage: %w", err)
	}

	if err := db.openBolt(); err != nil {
		return nil, err
	}
	if err := db.prepare(existed); err != nil {
		_ = db.bolt.Close()
		return nil, err
	}
	return db, nil
}

// openBolt opens the file with a lock timeout. bbolt can panic on a file
// whose pages are damaged; that panic (and a memory fault, through
// SetPanicOnFault) becomes a *CorruptError, and the file it opened is
// closed so its lock is released.
func (db *DB) openBolt() (err error) {
	var file *os.File
	defer func() {
		if r := recover(); r != nil {
			if file != nil {
				_ = file.Close()
			}
			err = db.corrupt(fmt.Sprintf("opening it failed: %v", r), nil)
		}
	}()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	b, err := bolt.Open(db.path, 0o600, &bolt.Options{
		Timeout: db.opts.Timeout,
		OpenFile: func(name string, flag int, perm os.FileMode) (*os.File, error) {
			f, err := os.OpenFile(name, flag, perm)
			file = f
			return f, err
		},
	})
	switch {
	case err == nil:
		db.bolt = b
		return nil
	case errors.Is(err, berrors.ErrTimeout):
		return &alreadyRunningError{dir: db.dir}
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum),
		errors.Is(err, berrors.ErrVersionMismatch), errors.Is(err, berrors.ErrInvalidMapping):
		return db.corrupt(err.Error(), err)
	case errors.Is(err, fs.ErrPermission), errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("storage: open %s: %w", db.path, err)
	}
	// Anything else bbolt says about the file's contents ("file size too
	// small" and the like) is damage too.
	return db.corrupt(err.Error(), err)
}

// prepare creates, checks or migrates the schema, then takes the routine
// backup.
func (db *DB) prepare(existed bool) error {
	version, empty, err := db.schemaVersion()
	if err != nil {
		return err
	}
	switch {
	case empty && existed && !db.fileIsFresh():
		return db.corrupt("it holds no Knock data (no meta bucket)", nil)
	case empty:
		if err := db.update(initSchema); err != nil {
			return err
		}
		version = SchemaVersion
	case version > SchemaVersion:
		return fmt.Errorf("%w: %s has schema v%d; this Knock knows v%d and leaves it untouched", ErrNewerSchema, db.path, version, SchemaVersion)
	case version < SchemaVersion:
		if err := db.migrate(version); err != nil {
			return err
		}
	}
	if err := db.view(ensureBuckets); err != nil {
		return err
	}
	if db.opts.Check {
		if err := db.Check(); err != nil {
			return err
		}
	}
	if db.opts.BackupInterval > 0 {
		if err := db.routineBackup(); err != nil {
			return err
		}
	}
	db.sweepHistoryFiles(true)
	return nil
}

// fileIsFresh reports whether the bbolt file holds no bucket at all, as
// after a crash during the very first Open.
func (db *DB) fileIsFresh() bool {
	fresh := true
	_ = db.view(func(tx *bolt.Tx) error {
		return tx.ForEach(func([]byte, *bolt.Bucket) error {
			fresh = false
			return nil
		})
	})
	return fresh
}

// Close closes the database. In-flight calls finish first.
func (db *DB) Close() error {
	if db == nil || db.bolt == nil {
		return nil
	}
	return db.bolt.Close()
}

// Dir returns the data directory.
func (db *DB) Dir() string { return db.dir }

// Path returns the database file's path.
func (db *DB) Path() string { return db.path }

// SetSecrets attaches the secret store used to save and hydrate secrets
// (nil detaches it). Documents keep their references when the store
// changes; values are not copied between stores.
func (db *DB) SetSecrets(s secrets.Store) {
	db.storeMu.Lock()
	db.store = s
	db.storeMu.Unlock()
}

// Secrets returns the attached secret store, or nil.
func (db *DB) Secrets() secrets.Store {
	db.storeMu.RLock()
	defer db.storeMu.RUnlock()
	return db.store
}

// Check runs bbolt's consistency check over the whole file and returns a
// *CorruptError listing the first problems it finds.
func (db *DB) Check() error {
	var problems []error
	err := db.view(func(tx *bolt.Tx) error {
		for e := range tx.Check() {
			if len(problems) < 5 {
				problems = append(problems, e)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		ce := db.corrupt(fmt.Sprintf("the consistency check failed: %v", errors.Join(problems...)), problems[0])
		db.broken.Store(ce)
		return ce
	}
	return nil
}

// corrupt builds the error for a damaged file, naming the latest backup.
func (db *DB) corrupt(reason string, err error) *CorruptError {
	backup, _ := LatestBackup(db.dir)
	return &CorruptError{Path: db.path, Backup: backup, Reason: reason, Err: err}
}

// view runs fn in a read transaction. A panic or memory fault inside bbolt
// (a damaged page) marks the database broken and is returned as a
// *CorruptError.
func (db *DB) view(fn func(tx *bolt.Tx) error) (err error) {
	if ce := db.broken.Load(); ce != nil {
		return ce
	}
	defer db.recoverCorrupt(&err)
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	return db.bolt.View(fn)
}

// update runs fn in a write transaction, with the same protection as view.
func (db *DB) update(fn func(tx *bolt.Tx) error) (err error) {
	if ce := db.broken.Load(); ce != nil {
		return ce
	}
	defer db.recoverCorrupt(&err)
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	err = db.bolt.Update(fn)
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return ErrClosed
	}
	return err
}

func (db *DB) recoverCorrupt(err *error) {
	r := recover()
	if r == nil {
		if errors.Is(*err, berrors.ErrDatabaseNotOpen) {
			*err = ErrClosed
		}
		return
	}
	ce := db.corrupt(fmt.Sprintf("reading it failed: %v", r), nil)
	db.broken.Store(ce)
	*err = ce
}
