package foldersync

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/knockhttp/knock/storage/exchange"
)

// Bounds of the watch: how deep and how many directories of one linked
// directory are watched.
const (
	maxWatchDepth = 32
	maxWatchDirs  = 4096
)

// loop receives the watcher's events and syncs each linked directory once
// it has been quiet for Options.Debounce (at most Options.MaxDelay after
// the first event of a burst).
func (s *Syncer) loop() {
	defer s.wg.Done()
	pending := map[string]bool{}
	var (
		timer  *time.Timer
		timerC <-chan time.Time
		first  time.Time
	)
	schedule := func(id string) {
		pending[id] = true
		now := time.Now()
		switch {
		case timer == nil:
			first = now
			timer = time.NewTimer(s.opts.Debounce)
			timerC = timer.C
		case now.Sub(first) < s.opts.MaxDelay:
			if !timer.Stop() {
				select {
				case <-timer.C:
				default:
				}
			}
			timer.Reset(min(s.opts.Debounce, s.opts.MaxDelay-now.Sub(first)))
		}
	}
	for {
		select {
		case <-s.done:
			if timer != nil {
				timer.Stop()
			}
			return
		case ev, ok := <-s.watcher.Events:
			if !ok {
				return
			}
			if id := s.classify(ev); id != "" {
				schedule(id)
			}
		case err, ok := <-s.watcher.Errors:
			if !ok {
				return
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				// Events were lost: read every directory again.
				for _, id := range s.linkIDs() {
					schedule(id)
				}
				continue
			}
			s.emit(events{errs: []error{&SyncError{Dir: "", Err: err}}})
		case <-timerC:
			timer, timerC = nil, nil
			ids := make([]string, 0, len(pending))
			for id := range pending {
				ids = append(ids, id)
			}
			clear(pending)
			for _, id := range ids {
				select {
				case <-s.done:
					return
				default:
				}
				_ = s.SyncNow(id)
			}
		}
	}
}

func (s *Syncer) linkIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, 0, len(s.links))
	for id := range s.links {
		ids = append(ids, id)
	}
	return ids
}

// classify maps an event to the linked collection whose directory it
// concerns, or "" for events to ignore: hidden entries (.git, the
// exporter's temporary files), attribute changes, and files that are
// neither native files nor directories. A new directory is watched.
func (s *Syncer) classify(ev fsnotify.Event) string {
	if ev.Op == fsnotify.Chmod {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, l := range s.links {
		rel, err := filepath.Rel(l.dir, ev.Name)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			continue
		}
		if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
			// A watched directory that goes loses its watch: forget it
			// and those below, so that a new one by the name is watched.
			for p := range l.watched {
				if p == ev.Name || strings.HasPrefix(p, ev.Name+string(filepath.Separator)) {
					_ = s.watcher.Remove(p)
					delete(l.watched, p)
				}
			}
		}
		if rel == "." {
			// The linked directory itself. Once it is gone (a checkout of
			// a branch without it, rm -rf and a new clone) nothing under
			// it can be watched: its parent is, until it comes back.
			switch {
			case ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename):
				s.awaitReturnLocked(l)
			case ev.Has(fsnotify.Create):
				s.stopAwaitingLocked(l)
				s.watchTree(l, l.dir)
			}
			return id
		}
		for _, part := range strings.Split(filepath.ToSlash(rel), "/") {
			if strings.HasPrefix(part, ".") {
				return ""
			}
		}
		base := filepath.Base(ev.Name)
		if base == exchange.CollectionFileName || strings.HasSuffix(base, exchange.RequestFileSuffix) {
			return id
		}
		if ev.Has(fsnotify.Create) {
			if st, err := os.Lstat(ev.Name); err == nil && st.IsDir() {
				s.watchTree(l, ev.Name)
			}
			return id
		}
		if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
			// Perhaps a directory: its files are gone with it.
			return id
		}
		return ""
	}
	return ""
}

// watchTree watches root and the directories below it, skipping hidden
// ones and symbolic links, within maxWatchDepth and maxWatchDirs. Errors
// are not fatal: the next sync reads the whole directory anyway.
func (s *Syncer) watchTree(l *link, root string) {
	base := strings.Count(filepath.Clean(l.dir), string(filepath.Separator))
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if !d.IsDir() {
			return nil
		}
		if p != l.dir && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if strings.Count(filepath.Clean(p), string(filepath.Separator))-base > maxWatchDepth || len(l.watched) >= maxWatchDirs {
			return filepath.SkipDir
		}
		if !l.watched[p] {
			if err := s.watcher.Add(p); err == nil {
				l.watched[p] = true
			}
		}
		return nil
	})
}

// awaitReturnLocked watches the parent of l's directory, which has gone,
// so that its return is seen (classify then watches it again). The
// directory's sync reports it missing meanwhile; the store is untouched.
func (s *Syncer) awaitReturnLocked(l *link) {
	if l.awaiting {
		return
	}
	parent := filepath.Dir(l.dir)
	if s.parents[parent] == 0 {
		if err := s.watcher.Add(parent); err != nil {
			return // the parent is gone too: the next start or link finds the directory
		}
	}
	if s.parents == nil {
		s.parents = map[string]int{}
	}
	s.parents[parent]++
	l.awaiting = true
}

// stopAwaitingLocked ends awaitReturnLocked's watch of the parent, unless
// another link waits on it or a linked directory's own watch covers it.
func (s *Syncer) stopAwaitingLocked(l *link) {
	if !l.awaiting {
		return
	}
	l.awaiting = false
	parent := filepath.Dir(l.dir)
	if s.parents[parent]--; s.parents[parent] > 0 {
		return
	}
	delete(s.parents, parent)
	for _, other := range s.links {
		if other.watched[parent] {
			return
		}
	}
	_ = s.watcher.Remove(parent)
}

// unwatchLocked stops watching a link's directories.
func (s *Syncer) unwatchLocked(collectionID string) {
	l := s.links[collectionID]
	if l == nil {
		return
	}
	s.stopAwaitingLocked(l)
	for p := range l.watched {
		_ = s.watcher.Remove(p)
	}
	clear(l.watched)
}
