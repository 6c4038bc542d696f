package ui

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/app/foldersync"
	"github.com/knockhttp/knock/app/ui/uithread"
)

// folderSync connects the window to folder sync (package app/foldersync):
// a collection linked to a directory is written there on every save, and
// what changes on disk (a git pull) comes into the store while Knock runs.
// A request changed on disk while its tab holds unsaved edits is a
// conflict: the tab shows it and nothing is overwritten until the user
// picks a side.
type folderSync struct {
	k *Window

	mu    sync.Mutex
	dirty map[string]bool // request IDs whose tab holds unsaved edits
}

func newFolderSync(k *Window) *folderSync {
	return &folderSync{k: k, dirty: map[string]bool{}}
}

// start runs the syncer once the secret store is attached: it first takes
// in what changed while Knock was closed, then watches.
func (f *folderSync) start() {
	ws := f.k.ws
	go func() {
		_, err := ws.StartSync(foldersync.Options{Callbacks: foldersync.Callbacks{
			Dirty:    f.isDirty,
			Changed:  func(c foldersync.Change) { uithread.Do(func() { f.onChanged(c) }) },
			Conflict: func(c foldersync.Conflict) { uithread.Do(func() { f.onConflict(c) }) },
			Error:    func(err error) { uithread.Do(func() { f.showError(err) }) },
		}})
		if err != nil {
			uithread.Do(func() { f.showError(err) })
		}
	}()
}

// setDirty records whether a saved request's tab holds unsaved edits. The
// syncer asks isDirty from its own goroutine, hence the lock.
func (f *folderSync) setDirty(requestID string, dirty bool) {
	if requestID == "" {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if dirty {
		f.dirty[requestID] = true
	} else {
		delete(f.dirty, requestID)
	}
}

func (f *folderSync) isDirty(nodeID string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.dirty[nodeID]
}

// onChanged shows what came from disk: the tree, and the clean tabs of
// the requests that changed or went.
func (f *folderSync) onChanged(c foldersync.Change) {
	if f.k.closing.Load() {
		return
	}
	if c.Recovered {
		f.k.toolbar.showSyncError("")
	}
	f.k.sidebar.Reload()
	tabs := f.k.tabs
	for _, id := range c.Updated {
		if tab := tabs.byRequestID(id); tab != nil && !tab.dirty {
			tabs.reloadSaved(tab)
		}
	}
	for _, id := range c.Removed {
		if tab := tabs.byRequestID(id); tab != nil && !tab.dirty {
			tabs.close(tab)
		}
	}
	if len(c.SecretsNeeded) > 0 {
		dialog.ShowInformation("Secrets to fill in",
			"The synced files name secrets this computer does not have yet. Open these requests and fill in their secret fields:\n\n"+
				strings.Join(f.names(c.SecretsNeeded), "\n"), f.k.win)
	}
}

// names are the tree's names for node IDs, where they can be found.
func (f *folderSync) names(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		name := id
		if tab := f.k.tabs.byRequestID(id); tab != nil {
			name = tab.name
		}
		out = append(out, name)
	}
	return out
}

// onConflict shows the conflict in the request's tab.
func (f *folderSync) onConflict(c foldersync.Conflict) {
	if f.k.closing.Load() {
		return
	}
	tab := f.k.tabs.byRequestID(c.NodeID)
	if tab == nil {
		f.showError(fmt.Errorf("%s changed on disk while it had unsaved edits", c.Path))
		return
	}
	what := "changed on disk"
	if c.Deleted {
		what = "was deleted on disk"
	}
	msg := fmt.Sprintf("%s %s (a git pull?) while this tab has unsaved edits. Nothing was overwritten.", c.Path, what)
	tab.showConflict(msg, func() { f.keepMine(tab) }, func() { f.takeTheirs(tab) })
}

// keepMine saves the tab and writes it over the file on disk.
func (f *folderSync) keepMine(tab *requestTab) {
	r := tab.editor.Request()
	r.ID = tab.requestID
	ws := f.k.ws
	go func() {
		err := ws.DB.SaveRequest(&r)
		if err == nil {
			if s := ws.Syncer(); s != nil {
				err = s.ResolveKeepMine(r.ID)
			}
		}
		uithread.Do(func() {
			if err != nil {
				dialog.ShowError(fmt.Errorf("keep my version: %w", err), f.k.win)
				return
			}
			tab.hideConflict()
			tab.markClean()
			f.k.sidebar.Reload()
		})
	}()
}

// takeTheirs puts the disk's version in the store and in the tab,
// dropping the tab's edits.
func (f *folderSync) takeTheirs(tab *requestTab) {
	id := tab.requestID
	ws := f.k.ws
	go func() {
		var err error
		if s := ws.Syncer(); s != nil {
			err = s.ResolveTakeDisk(id)
		}
		uithread.Do(func() {
			if err != nil {
				dialog.ShowError(fmt.Errorf("take the version on disk: %w", err), f.k.win)
				return
			}
			tab.hideConflict()
			tab.markClean()
			f.k.tabs.reloadSaved(tab)
			f.k.sidebar.Reload()
		})
	}()
}

// dropConflict settles the conflict of a tab closed without saving its
// edits: the version on disk goes into the store.
func (f *folderSync) dropConflict(requestID string) {
	ws := f.k.ws
	go func() {
		var err error
		if s := ws.Syncer(); s != nil {
			err = s.ResolveTakeDisk(requestID)
		}
		uithread.Do(func() {
			if err != nil {
				f.showError(fmt.Errorf("take the version on disk: %w", err))
				return
			}
			if !f.k.closing.Load() {
				f.k.sidebar.Reload()
			}
		})
	}()
}

// showError keeps a sync failure (a malformed file after a merge, a
// directory that cannot be written) in the toolbar until it is fixed.
func (f *folderSync) showError(err error) {
	if f.k.closing.Load() || err == nil {
		return
	}
	msg := err.Error()
	var se *foldersync.SyncError
	if errors.As(err, &se) && se.Path != "" && !strings.Contains(msg, se.Path) {
		msg = se.Path + ": " + msg
	}
	f.k.toolbar.showSyncError("Folder sync: " + msg)
}

// linkFolder asks for a directory and links the collection to it: an
// empty one gets the collection's files, one that already holds a
// collection (a fresh git clone) is read into it.
func (f *folderSync) linkFolder(collectionID string) {
	dialog.ShowFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil || dir == nil {
			return
		}
		f.link(collectionID, dir.Path())
	}, f.k.win)
}

func (f *folderSync) link(collectionID, dir string) {
	ws := f.k.ws
	go func() {
		s := ws.Syncer()
		if s == nil {
			uithread.Do(func() { f.showError(errors.New("folder sync is not running")) })
			return
		}
		res, err := s.Link(collectionID, dir)
		uithread.Do(func() {
			if err != nil {
				dialog.ShowError(fmt.Errorf("link to %s: %w", dir, err), f.k.win)
				return
			}
			text := fmt.Sprintf("The collection is linked to %s: %d files written. Saving writes them again; changes on disk come in while Knock runs.", dir, len(res.Files))
			if res.FromDisk {
				text = fmt.Sprintf("The collection was read from %s. Saving writes the files there; changes on disk come in while Knock runs.", dir)
			}
			dialog.ShowInformation("Linked to a folder", text, f.k.win)
			f.k.sidebar.Reload()
		})
	}()
}

func (f *folderSync) unlink(collectionID string) {
	ws := f.k.ws
	go func() {
		var err error
		if s := ws.Syncer(); s != nil {
			err = s.Unlink(collectionID)
		}
		uithread.Do(func() {
			if err != nil {
				dialog.ShowError(fmt.Errorf("unlink: %w", err), f.k.win)
			}
		})
	}()
}

// linkedFolder tells the sidebar's menu where a collection is synced.
func (f *folderSync) linkedFolder(collectionID string) (string, bool) {
	if s := f.k.ws.Syncer(); s != nil {
		return s.Linked(collectionID)
	}
	return "", false
}

// changeTree runs a sidebar edit so that linked collections are written
// out: the first ID's collection through the workspace, the others (the
// target of a move to another collection) after.
func (f *folderSync) changeTree(nodeIDs []string, change func() error) error {
	if err := f.k.ws.Change(nodeIDs[0], change); err != nil {
		return err
	}
	if s := f.k.ws.Syncer(); s != nil {
		for _, id := range nodeIDs[1:] {
			if err := s.WriteOutNode(id); err != nil {
				return err
			}
		}
	}
	return nil
}

// conflictBar is the strip a tab shows above its editor while the file
// of its request changed on disk under unsaved edits.
type conflictBar struct {
	box  *fyne.Container
	text *widget.Label
	mine *widget.Button
	disk *widget.Button
}

func newConflictBar() *conflictBar {
	b := &conflictBar{text: widget.NewLabel("")}
	b.text.Wrapping = fyne.TextWrapWord
	b.text.Importance = widget.DangerImportance
	b.mine = widget.NewButton("Keep mine", nil)
	b.disk = widget.NewButton("Take theirs", nil)
	b.mine.Importance = widget.HighImportance
	b.box = container.NewBorder(nil, widget.NewSeparator(), nil, container.NewHBox(b.mine, b.disk), b.text)
	b.box.Hide()
	return b
}

func (tab *requestTab) showConflict(msg string, keepMine, takeTheirs func()) {
	b := tab.conflict
	b.text.SetText(msg)
	b.mine.OnTapped, b.disk.OnTapped = keepMine, takeTheirs
	b.box.Show()
}

func (tab *requestTab) hideConflict() { tab.conflict.box.Hide() }
