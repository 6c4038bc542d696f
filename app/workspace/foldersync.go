package workspace

import (
	"github.com/knockhttp/knock/app/foldersync"
	"github.com/knockhttp/knock/storage"
)

// StartSync starts folder sync (package app/foldersync) for this
// workspace: the collections linked to directories are brought up to
// date with what changed on disk while Knock was closed, then watched.
// Call it once the secret store is attached; the callbacks run off the
// UI goroutine. Close stops it. A second call returns the running syncer.
func (w *Workspace) StartSync(opts foldersync.Options) (*foldersync.Syncer, error) {
	w.mu.Lock()
	if w.syncer != nil {
		s := w.syncer
		w.mu.Unlock()
		return s, nil
	}
	s, err := foldersync.New(w.DB, opts)
	if err != nil {
		w.mu.Unlock()
		return nil, err
	}
	w.syncer = s
	w.mu.Unlock()
	if err := s.Resume(); err != nil {
		return s, err
	}
	return s, nil
}

// Syncer returns the running folder syncer, or nil before StartSync.
func (w *Workspace) Syncer() *foldersync.Syncer {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.syncer
}

// stopSync closes the syncer, if one runs.
func (w *Workspace) stopSync() error {
	w.mu.Lock()
	s := w.syncer
	w.syncer = nil
	w.mu.Unlock()
	if s == nil {
		return nil
	}
	return s.Close()
}

// SaveRequest saves a request and, when its collection is linked to a
// directory, writes the collection's files (see Change).
func (w *Workspace) SaveRequest(r *storage.Request) error {
	return w.Change(r.ID, func() error { return w.DB.SaveRequest(r) })
}

// SaveFolder saves a folder and writes its linked collection's files.
func (w *Workspace) SaveFolder(f *storage.Folder) error {
	return w.Change(f.ID, func() error { return w.DB.SaveFolder(f) })
}

// SaveCollection saves a collection and writes its files when linked.
func (w *Workspace) SaveCollection(c *storage.Collection) error {
	return w.Change(c.ID, func() error { return w.DB.SaveCollection(c) })
}

// Change runs a change to the collection that holds nodeID (a
// collection, folder or request ID, looked up before the change, so a
// Delete works too): save, create, rename, move or delete through w.DB
// inside change. When that collection is linked, its files are written
// right after, with no sync from disk in between. Without a syncer, or
// for an unlinked collection, it only runs change.
func (w *Workspace) Change(nodeID string, change func() error) error {
	s := w.Syncer()
	if s == nil {
		return change()
	}
	loc, err := w.DB.Locate(nodeID)
	if err != nil {
		return change() // let the change report what is wrong
	}
	return s.Save(loc.CollectionID, change)
}
