package sidebar

import (
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"github.com/knockhttp/knock/app/ui/lazytabs"
	"github.com/knockhttp/knock/storage"
)

// Sidebar is the left pane of the window: Collections and History behind
// a switch. Create it with New; set the hooks before the user can act
// (right after New). Every method must be called on Fyne's goroutine.
type Sidebar struct {
	// OnOpenRequest is called when a saved request is tapped (in the tree
	// or in the search results), chosen with the keyboard, or created
	// with "New request…".
	OnOpenRequest func(id string)
	// OnOpenHistory is called with a history entry's ID in decimal when
	// the entry is tapped; History().Reopen(strconv.ParseUint(id, 10, 64))
	// gives the request.
	OnOpenHistory func(id string)
	// OnExport is called with a collection, folder or request ID by the
	// Export… action. Without it the action is disabled.
	OnExport func(nodeID string)
	// OnCopyCurl is called with a request ID by "Copy as curl". Without it
	// the action is disabled.
	OnCopyCurl func(requestID string)
	// OnChanged is called after every edit of the tree the store accepted
	// (create, rename, move, duplicate, delete, undo).
	OnChanged func()
	// Change, when set, runs each edit of the tree: change makes it in the
	// store, and nodeIDs name the nodes it touches (the first one looked
	// up before the change). The window uses it to write the files of a
	// collection linked to a folder. It runs on a goroutine.
	Change func(nodeIDs []string, change func() error) error
	// OnLinkFolder and OnUnlinkFolder link a collection to a directory
	// for folder sync, and undo it; LinkedFolder says where one is
	// linked. Without them the menu offers neither.
	OnLinkFolder   func(collectionID string)
	OnUnlinkFolder func(collectionID string)
	LinkedFolder   func(collectionID string) (dir string, ok bool)

	db  *storage.DB
	win fyne.Window
	do  func(func()) // runOnUI as it was at New

	busy     atomic.Int64 // jobs queued or running, for the tests
	writes   serial       // tree loads and edits, in order
	searches latest       // tree search
	pages    latest       // history pages

	colls   *collectionsPane
	history *historyPane
	tabs    *container.AppTabs
	collTab *container.TabItem
	histTab *container.TabItem
}

// New builds the sidebar and starts loading the collections on a
// goroutine; the tree shows "Loading…" until they are there. win is used
// for dialogs (errors, names, confirmations).
func New(db *storage.DB, win fyne.Window) *Sidebar {
	s := &Sidebar{db: db, win: win, do: runOnUI}
	s.writes.busy = &s.busy
	s.searches.busy = &s.busy
	s.pages.busy = &s.busy
	s.colls = newCollectionsPane(s)
	s.history = newHistoryPane(s)
	s.collTab = container.NewTabItemWithIcon("Collections", theme.FolderIcon(), s.colls.content())
	s.histTab = container.NewTabItemWithIcon("History", theme.HistoryIcon(), s.history.content())
	s.tabs = container.NewAppTabs(s.collTab, s.histTab)
	s.tabs.OnSelected = s.onTabSelected
	lazytabs.Defer(s.tabs) // the History pane is built when first shown
	s.colls.reload()
	return s
}

// change runs one edit of the tree through the Change hook, if set.
func (s *Sidebar) change(nodeIDs []string, fn func() error) error {
	if s.Change != nil {
		return s.Change(nodeIDs, fn)
	}
	return fn()
}

// Content is the sidebar's widget tree, to place in the window.
func (s *Sidebar) Content() fyne.CanvasObject { return s.tabs }

// Reload reads every collection from the store again, on a goroutine.
// Use it after changes made elsewhere (an import, a save that renamed a
// request); the sidebar's own edits need no reload.
func (s *Sidebar) Reload() { s.colls.reload() }

// RefreshHistory reads the first page of history again with the current
// filter, on a goroutine. Call it after each send. While the Collections
// pane shows it does nothing: the History pane reads afresh whenever it
// is switched to.
func (s *Sidebar) RefreshHistory() {
	if s.tabs.Selected() == s.histTab {
		s.history.reload()
	}
}

// Select shows a saved request (or folder, or collection) as selected in
// the tree, opening the folders above it and scrolling to it, without
// calling OnOpenRequest. An ID not loaded yet is selected once the tree
// is there.
func (s *Sidebar) Select(id string) {
	if s.tabs.Selected() != s.collTab {
		s.tabs.Select(s.collTab)
	}
	s.colls.selectNode(id)
}

// ShowCollections switches to the Collections pane.
func (s *Sidebar) ShowCollections() { s.tabs.Select(s.collTab) }

// ShowHistory switches to the History pane and refreshes it.
func (s *Sidebar) ShowHistory() { s.tabs.Select(s.histTab) }

func (s *Sidebar) onTabSelected(item *container.TabItem) {
	// A theme change reaches the shown tab only (AppTabs hands Fyne just
	// that one), and a list or tree refresh does not redraw its rows'
	// parts: redraw them when a tab comes back, so it never keeps the
	// old colours.
	if item == s.histTab {
		s.history.rows.refresh()
		s.history.reload()
	} else {
		s.colls.rows.refresh()
		s.colls.tree.Refresh()
	}
}

// ---- hooks, called on the UI goroutine ----

func (s *Sidebar) openRequest(id string) {
	if s.OnOpenRequest != nil {
		s.OnOpenRequest(id)
	}
}

func (s *Sidebar) openHistory(id string) {
	if s.OnOpenHistory != nil {
		s.OnOpenHistory(id)
	}
}

func (s *Sidebar) changed() {
	if s.OnChanged != nil {
		s.OnChanged()
	}
}

// rowSet keeps every row widget a tree or list created (they are few: the
// visible ones and a small pool), so they can all be redrawn.
type rowSet []fyne.Widget

func (r *rowSet) add(w fyne.Widget) { *r = append(*r, w) }

func (r rowSet) refresh() {
	for _, w := range r {
		w.Refresh()
	}
}
