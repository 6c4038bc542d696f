package foldersync

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/knockhttp/knock/storage"
	"github.com/knockhttp/knock/storage/exchange"
)

// Callbacks connect the syncer to the window. Each may be nil. See the
// package documentation for the goroutines they run on.
type Callbacks struct {
	// Dirty reports whether an open tab holds unsaved edits of a node (a
	// request, folder or collection ID).
	Dirty func(nodeID string) bool
	// Changed is told after changes on disk were applied to the store:
	// refresh the sidebar, reload the tabs of updated nodes that hold no
	// edits, close those of removed nodes.
	Changed func(Change)
	// Conflict is told when a node changed on disk while a tab held
	// edits of it, and again when the disk version changes further.
	Conflict func(Conflict)
	// Error is told of what failed: a malformed file (a *SyncError naming
	// it), a directory that cannot be read or written, the watcher.
	Error func(error)
}

// Options tune a Syncer. The zero value works.
type Options struct {
	Callbacks
	// Debounce is how long the directory must be quiet before a change is
	// read (a git pull touches many files). Default 200 ms.
	Debounce time.Duration
	// MaxDelay bounds the wait under a stream of events. Default 2 s.
	MaxDelay time.Duration
	// SecretLookup is asked for the value of a KNOCK_SECRET_ name that a
	// file adds and the store has no value for (the command line reads
	// the environment). Nil: such secrets are reported in
	// Change.SecretsNeeded and left empty.
	SecretLookup func(name string) (string, bool)
}

// Change tells what one sync did to the store.
type Change struct {
	CollectionID string
	Added        []string // node IDs created from new files
	Updated      []string // node IDs whose documents were replaced by the disk's
	Moved        []string // node IDs moved or reordered
	Removed      []string // node IDs moved to the trash
	Trash        []string // the trash entries of Removed, for Restore
	// SecretsNeeded are KNOCK_SECRET_ names the files use that this
	// machine has no value for; the places stay empty until the user
	// fills them.
	SecretsNeeded []string
	// ConflictsCleared lists nodes whose conflicts ended because the file
	// went back to the content both sides had agreed on.
	ConflictsCleared []string
	// Recovered is set when an error reported for this collection (a
	// malformed file) no longer holds.
	Recovered bool
}

// Empty reports whether the change did nothing.
func (c *Change) Empty() bool {
	return len(c.Added)+len(c.Updated)+len(c.Moved)+len(c.Removed)+len(c.SecretsNeeded)+len(c.ConflictsCleared) == 0 && !c.Recovered
}

// Conflict is a node that changed on disk while an open tab held unsaved
// edits of it. The store keeps its version and the file keeps the disk's
// until the user chooses.
type Conflict struct {
	CollectionID string
	NodeID       string
	Kind         storage.NodeKind
	// Path is the file, relative to the linked directory
	// (knock.collection.json for a folder or the collection).
	Path string
	// Deleted is set when the file was removed on disk.
	Deleted bool
	// The disk's version of the node, with KNOCK_SECRET_ names in place
	// of secret references; one is set unless Deleted.
	DiskRequest    *storage.Request
	DiskFolder     *storage.Folder
	DiskCollection *storage.Collection

	sum string // the disk content it was opened for
}

// SyncError is a problem with a linked directory; Path, when set, is the
// file, relative to the directory.
type SyncError struct {
	CollectionID string
	Dir          string
	Path         string
	Err          error
}

func (e *SyncError) Error() string {
	msg := e.Err.Error()
	if e.Path != "" && !strings.HasPrefix(msg, e.Path) {
		msg = e.Path + ": " + msg
	}
	return fmt.Sprintf("folder sync %s: %s", e.Dir, msg)
}

func (e *SyncError) Unwrap() error { return e.Err }

// Errors of the Syncer's methods.
var (
	ErrNotLinked  = errors.New("foldersync: the collection is not linked to a directory")
	ErrNoConflict = errors.New("foldersync: the node has no open conflict")
	ErrClosed     = errors.New("foldersync: the syncer is closed")
)

// Syncer keeps the linked collections of one database in step with their
// directories. It is safe for concurrent use.
type Syncer struct {
	db   *storage.DB
	opts Options

	mu     sync.Mutex // serialises every sync, write and link change
	links  map[string]*link
	closed bool

	watcher *fsnotify.Watcher
	// parents are the directories watched for a linked directory that
	// went away to come back, with how many links wait on each.
	parents map[string]int
	done    chan struct{}
	wg      sync.WaitGroup
}

// link is the in-memory state of one linked collection.
type link struct {
	id, dir string
	// files is the state of the last sync, as stored.
	files map[string]storage.SyncFile
	// conflicts are the open conflicts, by node ID.
	conflicts map[string]*Conflict
	// force lists nodes whose disk version the user chose: the next
	// sync applies it whatever Dirty says.
	force map[string]bool
	// lastErr is the last error reported, so that it is not repeated
	// on every event while the file stays broken.
	lastErr string
	watched map[string]bool
	// awaiting is set while the directory is gone and its parent is
	// watched for its return (awaitReturnLocked).
	awaiting bool
}

// New starts a syncer for db, with its watcher goroutine. It syncs
// nothing until Link or Resume. Close it when the workspace closes.
func New(db *storage.DB, opts Options) (*Syncer, error) {
	if opts.Debounce <= 0 {
		opts.Debounce = 200 * time.Millisecond
	}
	if opts.MaxDelay < opts.Debounce {
		opts.MaxDelay = max(2*time.Second, opts.Debounce)
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("foldersync: %w", err)
	}
	s := &Syncer{
		db:      db,
		opts:    opts,
		links:   map[string]*link{},
		watcher: w,
		done:    make(chan struct{}),
	}
	s.wg.Add(1)
	go s.loop()
	return s, nil
}

// Close stops the watcher and waits for its goroutine. A sync in progress
// finishes first. Links stay in the store for the next Resume.
func (s *Syncer) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	close(s.done)
	s.wg.Wait()
	return s.watcher.Close()
}

// Resume starts syncing every collection the store links (at start, once
// the secret store is attached): what changed on disk while Knock was
// closed is taken in, then what the store holds that the files lack is
// written. Problems with one link are reported through Callbacks.Error
// and do not stop the others.
func (s *Syncer) Resume() error {
	links, err := s.db.SyncLinks()
	if err != nil {
		return err
	}
	for _, l := range links {
		var ev events
		s.mu.Lock()
		err := s.resumeLocked(l, &ev)
		s.mu.Unlock()
		if err != nil {
			ev.errs = append(ev.errs, &SyncError{CollectionID: l.CollectionID, Dir: l.Dir, Err: err})
		}
		s.emit(ev)
	}
	return nil
}

func (s *Syncer) resumeLocked(sl storage.SyncLink, ev *events) error {
	if s.closed {
		return ErrClosed
	}
	if _, ok := s.links[sl.CollectionID]; ok {
		return nil
	}
	if _, err := s.db.Collection(sl.CollectionID); err != nil {
		return err // in the trash, say: the link waits for a restore
	}
	files, err := s.db.SyncFiles(sl.CollectionID)
	if err != nil {
		return err
	}
	l := &link{id: sl.CollectionID, dir: sl.Dir, files: files, conflicts: map[string]*Conflict{}, force: map[string]bool{}, watched: map[string]bool{}}
	s.links[l.id] = l
	s.watchTree(l, l.dir)
	if s.reconcileLocked(l, ev) {
		return s.writeOutLocked(l)
	}
	return nil
}

// LinkResult tells what Link did.
type LinkResult struct {
	// FromDisk is set when the directory held a collection, which was
	// taken into the store; otherwise the collection was written there.
	FromDisk bool
	Change   Change
	// Files are the files written (when not FromDisk).
	Files []string
}

// Link ties a collection to dir and starts watching it. When dir holds a
// knock.collection.json the disk wins: its requests, folders, order and
// settings replace the collection's (nodes at the same paths keep their
// IDs; nodes that have no file go to the trash). Otherwise the collection
// is written to dir (created if needed); files there that are not the
// collection's are left alone. Linking again to the same or another
// directory starts over.
func (s *Syncer) Link(collectionID, dir string) (*LinkResult, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	var ev events
	res, err := s.link(collectionID, abs, &ev)
	s.emit(ev)
	return res, err
}

func (s *Syncer) link(collectionID, dir string, ev *events) (*LinkResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	c, items, err := exchange.LoadCollection(s.db, collectionID, false)
	if err != nil {
		return nil, err
	}
	_, statErr := os.Stat(filepath.Join(dir, exchange.CollectionFileName))
	fromDisk := statErr == nil
	if fromDisk {
		// Read first: a folder that cannot be read links nothing.
		if _, err := exchange.ReadNativeTree(dir); err != nil {
			return nil, &SyncError{CollectionID: collectionID, Dir: dir, Err: err}
		}
	}
	s.unwatchLocked(collectionID)
	if err := s.db.SetSyncLink(collectionID, dir); err != nil {
		return nil, err
	}
	l := &link{id: collectionID, dir: dir, files: map[string]storage.SyncFile{}, conflicts: map[string]*Conflict{}, force: map[string]bool{}, watched: map[string]bool{}}
	res := &LinkResult{FromDisk: fromDisk}
	if fromDisk {
		// The store's nodes stand at the paths an export would give
		// them, with no agreed content: every file on disk differs, so
		// the disk's version is taken in, in place.
		base := map[string]*storage.SyncFile{}
		for p, id := range exchange.NativePaths(c, items) {
			l.files[p] = storage.SyncFile{ID: id}
			base[p] = &storage.SyncFile{ID: id}
		}
		if err := s.db.UpdateSyncFiles(collectionID, base); err != nil {
			_ = s.db.DeleteSyncLink(collectionID)
			return nil, err
		}
	}
	s.links[collectionID] = l
	s.watchTree(l, dir)
	if fromDisk {
		before := len(ev.changes)
		s.reconcileLocked(l, ev)
		if l.lastErr != "" {
			err := errors.New(l.lastErr)
			s.dropLocked(collectionID)
			_ = s.db.DeleteSyncLink(collectionID)
			return nil, err
		}
		if len(ev.changes) > before {
			res.Change = ev.changes[len(ev.changes)-1]
			ev.changes = ev.changes[:before]
		} else {
			res.Change = Change{CollectionID: collectionID}
		}
		return res, nil
	}
	out, err := s.writeOut(l)
	if err != nil {
		s.dropLocked(collectionID)
		_ = s.db.DeleteSyncLink(collectionID)
		return nil, err
	}
	res.Files = out.Files
	res.Change = Change{CollectionID: collectionID}
	return res, nil
}

// Unlink stops syncing a collection and forgets its link. The directory
// and the collection stay as they are.
func (s *Syncer) Unlink(collectionID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropLocked(collectionID)
	return s.db.DeleteSyncLink(collectionID)
}

func (s *Syncer) dropLocked(collectionID string) {
	s.unwatchLocked(collectionID)
	delete(s.links, collectionID)
}

// Linked returns the directory a collection is synced with.
func (s *Syncer) Linked(collectionID string) (dir string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l := s.links[collectionID]; l != nil {
		return l.dir, true
	}
	return "", false
}

// Conflicts lists the open conflicts of a collection ("" for all).
func (s *Syncer) Conflicts(collectionID string) []Conflict {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Conflict
	for id, l := range s.links {
		if collectionID != "" && id != collectionID {
			continue
		}
		for _, c := range l.conflicts {
			out = append(out, *c)
		}
	}
	return out
}

// WriteOut writes a linked collection's files from the store; call it
// after each change to the collection (or use Save). It is a no-op,
// returning ErrNotLinked, for a collection that is not linked. Files
// changed on disk and not yet taken in (an open conflict, a malformed
// file, a pull the watcher has not reported yet) are left alone.
func (s *Syncer) WriteOut(collectionID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	l := s.links[collectionID]
	if l == nil {
		return ErrNotLinked
	}
	return s.writeOutLocked(l)
}

// WriteOutNode is WriteOut for the collection that holds a node; it
// returns nil when that collection is not linked.
func (s *Syncer) WriteOutNode(nodeID string) error {
	loc, err := s.db.Locate(nodeID)
	if err != nil {
		return err
	}
	if err := s.WriteOut(loc.CollectionID); err != nil && !errors.Is(err, ErrNotLinked) {
		return err
	}
	return nil
}

// Save runs a change to a collection (save is the caller's database call)
// and writes the files, with no sync from disk in between: a disk change
// that arrives meanwhile is taken in after, and conflicts with the saved
// version only if the tab was still dirty. An unlinked collection is only
// saved.
func (s *Syncer) Save(collectionID string, save func() error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := save(); err != nil {
		return err
	}
	l := s.links[collectionID]
	if l == nil || s.closed {
		return nil
	}
	if _, err := s.db.Collection(collectionID); errors.Is(err, storage.ErrNotFound) {
		// The change deleted the collection: its folder is left as it
		// is (it is the team's, in git) and the link goes.
		s.dropLocked(collectionID)
		return s.db.DeleteSyncLink(collectionID)
	}
	return s.writeOutLocked(l)
}

func (s *Syncer) writeOutLocked(l *link) error {
	_, err := s.writeOut(l)
	return err
}

// SyncNow reads a linked directory at once, without waiting for the
// watcher (a "refresh" command, or a test).
func (s *Syncer) SyncNow(collectionID string) error {
	var ev events
	s.mu.Lock()
	l := s.links[collectionID]
	if l == nil {
		s.mu.Unlock()
		return ErrNotLinked
	}
	s.reconcileLocked(l, &ev)
	s.mu.Unlock()
	s.emit(ev)
	return nil
}

// events gathers what to tell the callbacks once the lock is released.
type events struct {
	changes   []Change
	conflicts []Conflict
	errs      []error
}

func (s *Syncer) emit(ev events) {
	for _, err := range ev.errs {
		if s.opts.Error != nil {
			s.opts.Error(err)
		}
	}
	for _, c := range ev.conflicts {
		if s.opts.Conflict != nil {
			s.opts.Conflict(c)
		}
	}
	for _, c := range ev.changes {
		if s.opts.Changed != nil {
			s.opts.Changed(c)
		}
	}
}

func (s *Syncer) dirty(id string) bool {
	return s.opts.Dirty != nil && s.opts.Dirty(id)
}
