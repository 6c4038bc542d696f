package foldersync

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/knockhttp/knock/storage"
	"github.com/knockhttp/knock/storage/exchange"
)

// maxNameMatch bounds the candidates compared when looking for a request
// renamed on disk whose content changed (its name): each costs one
// document read.
const maxNameMatch = 200

// entry is one folder or request of the directory as read.
type entry struct {
	node       *exchange.NativeNode
	parentPath string // the parent folder's path, "" for the top
	id         string // the store node, "" until it exists
	oldPath    string // the path it had at the last sync ("" for a new one)
	skip       bool   // deleted in the store and unchanged on disk: left for WriteOut to remove
	held       bool   // in conflict: the last sync's state is kept for it
	kids       []*entry
}

// reconciler applies one reading of a directory to the store.
type reconciler struct {
	s    *Syncer
	l    *link
	tree *exchange.NativeTree
	ch   Change
	ev   *events

	kind    map[string]storage.NodeKind // store nodes of the collection
	entries []*entry                    // pre-order
	top     []*entry
	byPath  map[string]*entry
	claimed map[string]bool
	files   map[string]storage.SyncFile // the new sync state
	needed  map[string]bool
}

// reconcileLocked reads l's directory and applies what changed on disk.
// It returns false when the directory could not be read or applied (the
// error is reported once until it changes).
func (s *Syncer) reconcileLocked(l *link, ev *events) bool {
	s.watchTree(l, l.dir)
	tree, err := exchange.ReadNativeTree(l.dir)
	if err != nil {
		s.failLocked(l, ev, err)
		return false
	}
	r := &reconciler{s: s, l: l, tree: tree, ev: ev, ch: Change{CollectionID: l.id},
		byPath: map[string]*entry{}, claimed: map[string]bool{}, needed: map[string]bool{}, kind: map[string]storage.NodeKind{}}
	r.files = make(map[string]storage.SyncFile, len(l.files))
	for p, f := range l.files {
		r.files[p] = f
	}
	runErr := r.run()
	if err := r.saveState(); err != nil && runErr == nil {
		runErr = err
	}
	for name := range r.needed {
		r.ch.SecretsNeeded = append(r.ch.SecretsNeeded, name)
	}
	sort.Strings(r.ch.SecretsNeeded)
	if runErr != nil {
		if !r.ch.Empty() {
			ev.changes = append(ev.changes, r.ch)
		}
		s.failLocked(l, ev, runErr)
		return false
	}
	if l.lastErr != "" {
		l.lastErr = ""
		r.ch.Recovered = true
	}
	if !r.ch.Empty() {
		ev.changes = append(ev.changes, r.ch)
	}
	return true
}

// failLocked reports err for l unless the same error was the last one
// reported.
func (s *Syncer) failLocked(l *link, ev *events, err error) {
	if err.Error() == l.lastErr {
		return
	}
	l.lastErr = err.Error()
	ev.errs = append(ev.errs, &SyncError{CollectionID: l.id, Dir: l.dir, Path: errorPath(err), Err: err})
}

// errorPath picks the file an importer's error starts with.
func errorPath(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, ": "); i > 0 {
		p := msg[:i]
		if p == exchange.CollectionFileName || strings.HasSuffix(p, exchange.RequestFileSuffix) {
			return p
		}
	}
	return ""
}

func (r *reconciler) run() error {
	t, err := r.s.db.Tree(r.l.id)
	if err != nil {
		return err
	}
	var index func(n *storage.Node)
	index = func(n *storage.Node) {
		for _, c := range n.Children {
			r.kind[c.ID] = c.Kind
			index(c)
		}
	}
	index(t)
	r.top = r.flatten(r.tree.Items, "")
	r.assignKnown()
	vanished := r.vanished()
	r.matchRenamedRequests(vanished)
	r.matchRenamedFolders(vanished)
	r.markSkipped(r.top)

	collChanged := r.tree.CollectionSum != r.l.files[exchange.CollectionFileName].Sum
	collHeld := false
	if collChanged {
		held, err := r.applyCollection()
		if err != nil {
			return err
		}
		collHeld = held
	}
	for _, e := range r.entries {
		if e.skip {
			continue
		}
		held, err := r.applyEntry(e, collChanged)
		if err != nil {
			return err
		}
		collHeld = collHeld || (held && e.node.Folder != nil)
	}
	if err := r.order(); err != nil {
		return err
	}
	if err := r.remove(vanished); err != nil {
		return err
	}
	coll := r.files[exchange.CollectionFileName]
	coll.ID = r.l.id
	if !collHeld {
		coll.Sum = r.tree.CollectionSum
		coll.Secrets = fileNames(containerSlots(&r.tree.Collection.Auth, r.tree.Collection.Variables, r.tree.Collection.Headers, nil))
	}
	r.files[exchange.CollectionFileName] = coll
	// Paths whose nodes the store no longer has and that are gone from
	// disk are forgotten.
	for p, f := range r.files {
		if p == exchange.CollectionFileName || r.byPath[p] != nil {
			continue
		}
		if _, ok := r.kind[f.ID]; !ok && r.l.conflicts[f.ID] == nil {
			delete(r.files, p)
		}
	}
	return nil
}

func (r *reconciler) flatten(nodes []exchange.NativeNode, parent string) []*entry {
	out := make([]*entry, 0, len(nodes))
	for i := range nodes {
		n := &nodes[i]
		e := &entry{node: n, parentPath: parent}
		r.entries = append(r.entries, e)
		r.byPath[n.Path] = e
		if n.Folder != nil {
			e.kids = r.flatten(n.Children, n.Path)
		}
		out = append(out, e)
	}
	return out
}

func kindOf(e *entry) storage.NodeKind {
	if e.node.Folder != nil {
		return storage.KindFolder
	}
	return storage.KindRequest
}

// assignKnown gives each path the last sync knew its node.
func (r *reconciler) assignKnown() {
	for _, e := range r.entries {
		f, ok := r.l.files[e.node.Path]
		if !ok || f.ID == "" || r.claimed[f.ID] {
			continue
		}
		if k, exists := r.kind[f.ID]; exists && k == kindOf(e) {
			e.id, e.oldPath = f.ID, e.node.Path
			r.claimed[f.ID] = true
		} else if !exists && e.node.Folder == nil && e.node.Sum == f.Sum {
			e.skip = true // deleted in Knock, not yet written out
		}
	}
}

// vanished lists the paths the last sync knew, with nodes still in the
// store, that the directory no longer holds, sorted.
func (r *reconciler) vanished() []string {
	var out []string
	for p, f := range r.l.files {
		if p == exchange.CollectionFileName || r.byPath[p] != nil || f.ID == "" || r.claimed[f.ID] {
			continue
		}
		if _, ok := r.kind[f.ID]; ok {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// matchRenamedRequests gives a new request file the node of a vanished
// one with the same content (git mv) or the same content but its name (a
// rename in another Knock), when exactly one matches.
func (r *reconciler) matchRenamedRequests(vanished []string) {
	var reqs []string
	for _, p := range vanished {
		if !strings.HasSuffix(p, "/") {
			reqs = append(reqs, p)
		}
	}
	if len(reqs) == 0 {
		return
	}
	forms := map[string][]byte{}
	form := func(p string) []byte {
		if f, ok := forms[p]; ok {
			return f
		}
		var out []byte
		if doc, err := r.s.db.Request(r.l.files[p].ID); err == nil {
			names := r.l.files[p].Secrets
			nameForFile(requestSlots(doc, names), names)
			out = namelessForm(doc)
		}
		forms[p] = out
		return out
	}
	for _, e := range r.entries {
		if e.id != "" || e.skip || e.node.Request == nil {
			continue
		}
		match := ""
		for _, p := range reqs {
			if f := r.l.files[p]; !r.claimed[f.ID] && f.Sum != "" && f.Sum == e.node.Sum {
				if match != "" {
					match = ""
					break
				}
				match = p
			}
		}
		if match == "" && len(reqs) <= maxNameMatch {
			mine := namelessForm(e.node.Request)
			for _, p := range reqs {
				if f := r.l.files[p]; !r.claimed[f.ID] && mine != nil && bytes.Equal(form(p), mine) {
					if match != "" {
						match = ""
						break
					}
					match = p
				}
			}
		}
		if match != "" {
			e.id, e.oldPath = r.l.files[match].ID, match
			r.claimed[e.id] = true
		}
	}
}

// namelessForm is a request's file content without its name, to compare
// two versions whose secrets carry file names.
func namelessForm(doc *storage.Request) []byte {
	c := *doc
	c.Name, c.ID = "", ""
	b, err := exchange.MarshalRequest(c, nil)
	if err != nil {
		return nil
	}
	return b
}

// matchRenamedFolders gives a new directory the folder of a vanished one
// when the items that moved into it came from there.
func (r *reconciler) matchRenamedFolders(vanished []string) {
	gone := map[string]bool{}
	for _, p := range vanished {
		if strings.HasSuffix(p, "/") {
			gone[p] = true
		}
	}
	if len(gone) == 0 {
		return
	}
	for i := len(r.entries) - 1; i >= 0; i-- { // children first
		e := r.entries[i]
		if e.id != "" || e.node.Folder == nil {
			continue
		}
		votes := map[string]int{}
		for _, k := range e.kids {
			if k.id == "" || k.oldPath == "" || k.oldPath == k.node.Path {
				continue
			}
			from := parentPath(k.oldPath)
			if gone[from] && !r.claimed[r.l.files[from].ID] {
				votes[from]++
			}
		}
		best, n := "", 0
		for p, v := range votes {
			if v > n || (v == n && p < best) {
				best, n = p, v
			}
		}
		if best != "" {
			e.id, e.oldPath = r.l.files[best].ID, best
			r.claimed[e.id] = true
		}
	}
}

// parentPath is the folder path ("A/B/") of a file or folder path, or ""
// at the top.
func parentPath(p string) string {
	d := path.Dir(strings.TrimSuffix(p, "/"))
	if d == "." {
		return ""
	}
	return d + "/"
}

// markSkipped skips a folder deleted in the store only when everything in
// it is skipped too; otherwise it is made again for what is new inside.
func (r *reconciler) markSkipped(list []*entry) bool {
	all := true
	for _, e := range list {
		if e.node.Folder != nil {
			f, known := r.l.files[e.node.Path]
			_, exists := r.kind[f.ID]
			kidsSkipped := r.markSkipped(e.kids)
			e.skip = e.id == "" && known && f.ID != "" && !exists && kidsSkipped
		}
		all = all && e.skip
	}
	return all
}

// applyCollection applies the collection file's own fields. It reports
// whether a conflict holds them.
func (r *reconciler) applyCollection() (bool, error) {
	old, err := r.s.db.Collection(r.l.id)
	if err != nil {
		return false, err
	}
	doc := clone(r.tree.Collection)
	doc.ID = r.l.id
	r.adopt(containerSlots(&doc.Auth, doc.Variables, doc.Headers, nil), containerSlots(&old.Auth, old.Variables, old.Headers, nil), r.l.files[exchange.CollectionFileName].Secrets)
	if sameJSON(old, doc) {
		r.clearConflict(r.l.id)
		return false, nil
	}
	if r.holds(r.l.id) {
		r.conflict(&Conflict{NodeID: r.l.id, Kind: storage.KindCollection, Path: exchange.CollectionFileName, DiskCollection: clone(r.tree.Collection)}, r.tree.CollectionSum)
		return true, nil
	}
	if err := r.s.db.SaveCollection(doc); err != nil {
		return false, err
	}
	r.done(r.l.id)
	r.ch.Updated = append(r.ch.Updated, r.l.id)
	return false, nil
}

// applyEntry creates or updates one node. It reports whether a conflict
// holds it.
func (r *reconciler) applyEntry(e *entry, collChanged bool) (bool, error) {
	parentID := r.l.id
	if e.parentPath != "" {
		parentID = r.byPath[e.parentPath].id
	}
	p := e.node.Path
	old := r.l.files[e.oldPath]
	keep := func(f storage.SyncFile) {
		if e.oldPath != "" && e.oldPath != p {
			delete(r.files, e.oldPath)
		}
		r.files[p] = f
	}
	if e.node.Folder != nil {
		doc := clone(e.node.Folder)
		names := fileNames(containerSlots(&doc.Auth, doc.Variables, doc.Headers, nil))
		if e.id == "" {
			r.adopt(containerSlots(&doc.Auth, doc.Variables, doc.Headers, nil), nil, nil)
			if err := r.s.db.CreateFolder(parentID, doc); err != nil {
				return false, fmt.Errorf("%s: %w", p, err)
			}
			e.id = doc.ID
			r.ch.Added = append(r.ch.Added, e.id)
			keep(storage.SyncFile{ID: e.id, Secrets: names})
			return false, nil
		}
		if !collChanged && e.oldPath == p {
			return false, nil
		}
		stored, err := r.s.db.Folder(e.id)
		if err != nil {
			return false, err
		}
		doc.ID = e.id
		r.adopt(containerSlots(&doc.Auth, doc.Variables, doc.Headers, nil), containerSlots(&stored.Auth, stored.Variables, stored.Headers, nil), old.Secrets)
		if sameJSON(stored, doc) {
			r.clearConflict(e.id)
			keep(storage.SyncFile{ID: e.id, Secrets: names})
			return false, nil
		}
		if r.holds(e.id) {
			e.held = true
			r.conflict(&Conflict{NodeID: e.id, Kind: storage.KindFolder, Path: exchange.CollectionFileName, DiskFolder: clone(e.node.Folder)}, r.tree.CollectionSum)
			keep(storage.SyncFile{ID: e.id, Secrets: old.Secrets})
			return true, nil
		}
		if err := r.s.db.SaveFolder(doc); err != nil {
			return false, fmt.Errorf("%s: %w", p, err)
		}
		r.done(e.id)
		r.ch.Updated = append(r.ch.Updated, e.id)
		keep(storage.SyncFile{ID: e.id, Secrets: names})
		return false, nil
	}

	doc := clone(e.node.Request)
	names := fileNames(requestSlots(doc, nil))
	if e.id == "" {
		r.adopt(requestSlots(doc, nil), nil, nil)
		if err := r.s.db.CreateRequest(parentID, doc); err != nil {
			return false, fmt.Errorf("%s: %w", p, err)
		}
		e.id = doc.ID
		r.ch.Added = append(r.ch.Added, e.id)
		keep(storage.SyncFile{ID: e.id, Sum: e.node.Sum, Secrets: names})
		return false, nil
	}
	if e.node.Sum == old.Sum {
		// Unchanged: what both sides agreed on. Its names are the
		// file's (they may be new after a write).
		r.clearConflict(e.id)
		keep(storage.SyncFile{ID: e.id, Sum: e.node.Sum, Secrets: names})
		return false, nil
	}
	if r.holds(e.id) {
		e.held = true
		r.conflict(&Conflict{NodeID: e.id, Kind: storage.KindRequest, Path: p, DiskRequest: clone(e.node.Request)}, e.node.Sum)
		held := storage.SyncFile{ID: e.id, Secrets: old.Secrets}
		if e.oldPath == p {
			held.Sum = old.Sum
		}
		keep(held)
		return true, nil
	}
	stored, err := r.s.db.Request(e.id)
	if err != nil {
		return false, err
	}
	doc.ID = e.id
	r.adopt(requestSlots(doc, nil), requestSlots(stored, nil), old.Secrets)
	if err := r.s.db.SaveRequest(doc); err != nil {
		return false, fmt.Errorf("%s: %w", p, err)
	}
	r.done(e.id)
	r.ch.Updated = append(r.ch.Updated, e.id)
	keep(storage.SyncFile{ID: e.id, Sum: e.node.Sum, Secrets: names})
	return false, nil
}

// holds reports whether a node changed on disk must wait: an open
// conflict, or unsaved edits in a tab, unless the user chose the disk.
func (r *reconciler) holds(id string) bool {
	if r.l.force[id] {
		return false
	}
	return r.l.conflicts[id] != nil || r.s.dirty(id)
}

// conflict opens a conflict, or updates an open one when the disk
// changed again; either is reported.
func (r *reconciler) conflict(c *Conflict, sum string) {
	c.CollectionID = r.l.id
	c.sum = sum
	if old := r.l.conflicts[c.NodeID]; old != nil && old.sum == sum && old.Deleted == c.Deleted {
		return
	}
	r.l.conflicts[c.NodeID] = c
	r.ev.conflicts = append(r.ev.conflicts, *c)
}

func (r *reconciler) clearConflict(id string) {
	if r.l.conflicts[id] != nil {
		delete(r.l.conflicts, id)
		r.ch.ConflictsCleared = append(r.ch.ConflictsCleared, id)
	}
	delete(r.l.force, id)
}

// done ends a node's conflict after the disk version was applied.
func (r *reconciler) done(id string) {
	delete(r.l.conflicts, id)
	delete(r.l.force, id)
}

func (r *reconciler) adopt(disk, old []slot, oldNames map[string]string) {
	for _, n := range adopt(disk, old, oldNames, r.s.opts.SecretLookup) {
		r.needed[n] = true
	}
}

// order puts every node where the directory has it: under its folder, in
// the collection file's order. Nodes the directory does not hold stay
// after them.
func (r *reconciler) order() error {
	t, err := r.s.db.Tree(r.l.id)
	if err != nil {
		return err
	}
	children := map[string][]string{}
	parentOf := map[string]string{}
	var walk func(n *storage.Node)
	walk = func(n *storage.Node) {
		for _, c := range n.Children {
			children[n.ID] = append(children[n.ID], c.ID)
			parentOf[c.ID] = n.ID
			walk(c)
		}
	}
	walk(t)
	var place func(parentID string, list []*entry) error
	place = func(parentID string, list []*entry) error {
		var want []string
		for _, e := range list {
			if e.id != "" && !e.skip {
				want = append(want, e.id)
			}
		}
		in := map[string]bool{}
		for _, id := range want {
			in[id] = true
		}
		var have []string
		for _, id := range children[parentID] {
			if in[id] {
				have = append(have, id)
			}
		}
		if !slices.Equal(have, want) {
			for i, id := range want {
				if err := r.s.db.Move(id, parentID, i); err != nil {
					return err
				}
				if parentOf[id] != parentID || i >= len(have) || have[i] != id {
					r.ch.Moved = append(r.ch.Moved, id)
				}
			}
		}
		for _, e := range list {
			if e.node.Folder != nil && e.id != "" && !e.skip {
				if err := place(e.id, e.kids); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return place(r.l.id, r.top)
}

// remove moves to the trash the nodes whose files are gone; one with
// unsaved edits becomes a conflict instead, and so does the folder
// around it.
func (r *reconciler) remove(vanished []string) error {
	var gone []string
	for _, p := range vanished {
		if id := r.l.files[p].ID; !r.claimed[id] {
			gone = append(gone, p)
		}
	}
	if len(gone) == 0 {
		return nil
	}
	t, err := r.s.db.Tree(r.l.id)
	if err != nil {
		return err
	}
	nodes := map[string]*storage.Node{}
	var walk func(n *storage.Node)
	walk = func(n *storage.Node) {
		for _, c := range n.Children {
			nodes[c.ID] = c
			walk(c)
		}
	}
	walk(t)
	keepsSomething := func(n *storage.Node) bool {
		var any func(n *storage.Node) bool
		any = func(n *storage.Node) bool {
			for _, c := range n.Children {
				if r.claimed[c.ID] || r.holds(c.ID) || any(c) {
					return true
				}
			}
			return false
		}
		return any(n)
	}
	removed := map[string]bool{}
	var markRemoved func(n *storage.Node)
	markRemoved = func(n *storage.Node) {
		removed[n.ID] = true
		for _, c := range n.Children {
			markRemoved(c)
		}
	}
	// Folders first, outermost first (sorted paths put parents first).
	for _, pass := range []bool{true, false} {
		for _, p := range gone {
			if strings.HasSuffix(p, "/") != pass {
				continue
			}
			id := r.l.files[p].ID
			n := nodes[id]
			if n == nil || removed[id] {
				delete(r.files, p)
				continue
			}
			if r.holds(id) {
				r.conflict(&Conflict{NodeID: id, Kind: n.Kind, Path: p, Deleted: true}, "")
				continue
			}
			if n.Kind == storage.KindFolder && keepsSomething(n) {
				continue // its requests in conflict keep it
			}
			trashID, err := r.s.db.Delete(id)
			if err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			markRemoved(n)
			r.ch.Removed = append(r.ch.Removed, id)
			r.ch.Trash = append(r.ch.Trash, trashID)
			delete(r.files, p)
			r.done(id)
		}
	}
	// Paths below a removed folder go with it.
	for p, f := range r.files {
		if removed[f.ID] && r.byPath[p] == nil {
			delete(r.files, p)
		}
	}
	return nil
}

// saveState stores the differences between the last sync's state and
// this one.
func (r *reconciler) saveState() error {
	changes := diffFiles(r.l.files, r.files)
	if len(changes) == 0 {
		return nil
	}
	if err := r.s.db.UpdateSyncFiles(r.l.id, changes); err != nil {
		return err
	}
	r.l.files = r.files
	return nil
}

// diffFiles lists what changed from old to new (nil: removed).
func diffFiles(old, new map[string]storage.SyncFile) map[string]*storage.SyncFile {
	out := map[string]*storage.SyncFile{}
	for p, f := range new {
		if o, ok := old[p]; !ok || !sameJSON(o, f) {
			f := f
			out[p] = &f
		}
	}
	for p := range old {
		if _, ok := new[p]; !ok {
			out[p] = nil
		}
	}
	return out
}

func clone[T any](v *T) *T {
	raw, err := json.Marshal(v)
	if err != nil {
		panic("foldersync: a document cannot be encoded: " + err.Error())
	}
	out := new(T)
	if err := json.Unmarshal(raw, out); err != nil {
		panic("foldersync: a document cannot be decoded: " + err.Error())
	}
	return out
}

func sameJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}
