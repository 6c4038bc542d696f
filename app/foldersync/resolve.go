package foldersync

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/knockhttp/knock/storage"
	"github.com/knockhttp/knock/storage/exchange"
)

// ResolveKeepMine ends a conflict in favour of the store: the node's
// file is written from the store (the tab should be saved first, or its
// edits are not in the store to be written), over the disk's version. For
// a file deleted on disk, the file comes back.
func (s *Syncer) ResolveKeepMine(nodeID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, c, err := s.conflictLocked(nodeID)
	if err != nil {
		return err
	}
	delete(l.conflicts, nodeID)
	delete(l.force, nodeID)
	// The disk's content becomes the agreed one, so that the write may
	// replace it; the collection file only once no other conflict
	// holds it.
	if c.Path == exchange.CollectionFileName && s.holdsCollectionFile(l) {
		return s.writeOutLocked(l)
	}
	if data, err := os.ReadFile(filepath.Join(l.dir, filepath.FromSlash(c.Path))); err == nil {
		f := l.files[c.Path]
		f.ID = nodeIDFor(l, c)
		f.Sum = exchange.FileSum(data)
		if err := s.db.UpdateSyncFiles(l.id, map[string]*storage.SyncFile{c.Path: &f}); err != nil {
			return err
		}
		l.files[c.Path] = f
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return s.writeOutLocked(l)
}

// nodeIDFor is the ID that owns a conflict's path: the collection's for
// knock.collection.json.
func nodeIDFor(l *link, c *Conflict) string {
	if c.Path == exchange.CollectionFileName {
		return l.id
	}
	return c.NodeID
}

// holdsCollectionFile reports whether a folder or the collection is still
// in conflict (their metadata is in knock.collection.json).
func (s *Syncer) holdsCollectionFile(l *link) bool {
	for _, c := range l.conflicts {
		if c.Path == exchange.CollectionFileName {
			return true
		}
	}
	return false
}

// ResolveTakeDisk ends a conflict in favour of the disk: the disk's
// version is applied to the store (or, for a file deleted on disk, the
// node goes to the trash). The window then drops the tab's edits and
// reloads it. A file that has become malformed since is an error, and
// the conflict stays.
func (s *Syncer) ResolveTakeDisk(nodeID string) error {
	var ev events
	err := s.takeDisk(nodeID, &ev)
	s.emit(ev)
	return err
}

func (s *Syncer) takeDisk(nodeID string, ev *events) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, c, err := s.conflictLocked(nodeID)
	if err != nil {
		return err
	}
	if c.Deleted {
		trashID, err := s.db.Delete(nodeID)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		delete(l.conflicts, nodeID)
		delete(l.force, nodeID)
		if f, ok := l.files[c.Path]; ok && f.ID == nodeID {
			if err := s.db.UpdateSyncFiles(l.id, map[string]*storage.SyncFile{c.Path: nil}); err != nil {
				return err
			}
			delete(l.files, c.Path)
		}
		ch := Change{CollectionID: l.id, Removed: []string{nodeID}}
		if trashID != "" {
			ch.Trash = []string{trashID}
		}
		ev.changes = append(ev.changes, ch)
		return nil
	}
	l.force[nodeID] = true
	prev := l.lastErr
	l.lastErr = "" // report a malformed file to this caller too
	ok := s.reconcileLocked(l, ev)
	if !ok {
		delete(l.force, nodeID)
		if l.lastErr == "" {
			l.lastErr = prev
		}
		return errors.New(l.lastErr)
	}
	if l.conflicts[nodeID] == c {
		// Nothing to apply (the file went back): the conflict ends.
		delete(l.conflicts, nodeID)
	}
	delete(l.force, nodeID)
	return nil
}

func (s *Syncer) conflictLocked(nodeID string) (*link, *Conflict, error) {
	if s.closed {
		return nil, nil, ErrClosed
	}
	for _, l := range s.links {
		if c := l.conflicts[nodeID]; c != nil {
			return l, c, nil
		}
	}
	return nil, nil, ErrNoConflict
}
