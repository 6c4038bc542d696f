package sidebar

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/storage"
)

// openOnLoad is how many collections the first load opens; past it the
// tree starts closed, so a big store shows one line per collection.
const openOnLoad = 20

// collectionsPane is the Collections side of the switch: the search box,
// the tree (or the search results), and the undo banner.
type collectionsPane struct {
	s *Sidebar
	m *model

	loaded   bool        // a load has finished, successfully
	selected string      // the tree's selection, "" for none
	quiet    bool        // selecting from code: do not open the request
	pending  string      // Select before the first load: applied after it
	lastMove *moveDialog // the Move to… dialog shown last (the tests drive it)
	rows     rowSet      // the tree's and the search results' rows

	tree    *widget.Tree
	search  *searchView
	banner  *undoBanner
	status  *widget.Label // "Loading…", a load error, or the empty store
	retry   *widget.Button
	create  *widget.Button // the empty store's "New collection"
	newColl *widget.Button
	notice  *fyne.Container // status with retry or create
	body    *fyne.Container // tree, results and notice, one shown at a time
}

func newCollectionsPane(s *Sidebar) *collectionsPane {
	p := &collectionsPane{s: s, m: newModel()}
	p.tree = &widget.Tree{
		ChildUIDs:    p.childIDs,
		IsBranch:     p.isBranch,
		CreateNode:   p.createNode,
		UpdateNode:   p.updateNode,
		OnSelected:   p.onTreeSelected,
		OnUnselected: p.onTreeUnselected,
	}
	p.tree.ExtendBaseWidget(p.tree)
	p.search = newSearchView(p)
	p.banner = newUndoBanner(s.do)
	p.status = &widget.Label{Text: "Loading collections…", Alignment: fyne.TextAlignCenter, Wrapping: fyne.TextWrapWord}
	p.retry = &widget.Button{Text: "Try again", Icon: theme.ViewRefreshIcon(), OnTapped: p.reload}
	p.retry.Hide()
	p.create = &widget.Button{Text: "New collection", Icon: theme.ContentAddIcon(), Importance: widget.HighImportance, OnTapped: p.onNewCollection}
	p.create.Hide()
	p.newColl = &widget.Button{Icon: theme.ContentAddIcon(), Importance: widget.LowImportance, OnTapped: p.onNewCollection}
	p.notice = container.NewVBox(p.status, container.NewCenter(container.NewHBox(p.retry, p.create)))
	p.body = container.NewStack(p.tree, p.search.content(), container.NewPadded(p.notice))
	p.showNotice()
	return p
}

func (p *collectionsPane) content() fyne.CanvasObject {
	top := container.NewBorder(nil, nil, nil, p.newColl, p.search.entry)
	pane := container.NewBorder(top, p.banner.content(), nil, nil, p.body)
	p.banner.relayout = pane.Refresh
	return pane
}

// childIDs and isBranch read the current model: reload swaps it.
func (p *collectionsPane) childIDs(id string) []string { return p.m.childIDs(id) }
func (p *collectionsPane) isBranch(id string) bool     { return p.m.isBranch(id) }

func (p *collectionsPane) createNode(bool) fyne.CanvasObject {
	r := newTreeRow(p, false)
	p.rows.add(r)
	return r
}

func (p *collectionsPane) updateNode(id string, _ bool, obj fyne.CanvasObject) {
	obj.(*treeRow).show(p.m.get(id), id == p.selected, "")
}

// ---- which of tree, results and notice shows ----

func (p *collectionsPane) showTree() {
	p.search.box.Hide()
	p.notice.Hide()
	p.tree.Show()
	if !p.loaded || len(p.m.roots) == 0 {
		p.showNotice()
	}
}

func (p *collectionsPane) showResults() {
	p.tree.Hide()
	p.notice.Hide()
	p.search.box.Show()
}

// showNotice shows the status line in place of the tree: loading, a load
// error with "Try again", or an empty store with "New collection".
func (p *collectionsPane) showNotice() {
	p.tree.Hide()
	p.search.box.Hide()
	p.notice.Show()
	if p.loaded && len(p.m.roots) == 0 {
		p.status.SetText("No collections yet. A collection keeps requests and the folders that group them.")
		p.retry.Hide()
		p.create.Show()
	}
	p.notice.Refresh() // lay out the button that just appeared
}

// afterEdit brings the view up to date with the model: the tree, and the
// search results if a search is showing.
func (p *collectionsPane) afterEdit() {
	p.tree.Refresh()
	if p.search.active() {
		p.refreshSearch()
		return
	}
	p.showTree()
}

// refreshSearch updates the shown hits from the model at once, and
// searches again once the store has the edits queued so far.
func (p *collectionsPane) refreshSearch() {
	if !p.search.active() {
		return
	}
	p.search.followModel()
	p.s.writes.run(func() { p.s.do(p.search.rerun) })
}

// ---- loading ----

// reload reads every collection (one Tree call each) on the serial
// worker and swaps the model in on the UI goroutine.
func (p *collectionsPane) reload() {
	if !p.loaded {
		p.status.SetText("Loading collections…")
		p.retry.Hide()
	}
	p.s.writes.run(func() {
		trees, err := loadTrees(p.s.db)
		var m *model
		if err == nil {
			m = buildModel(trees)
		}
		p.s.do(func() { p.onLoaded(m, err) })
	})
}

func loadTrees(db *storage.DB) ([]*storage.Node, error) {
	colls, err := db.Collections()
	if err != nil {
		return nil, err
	}
	trees := make([]*storage.Node, 0, len(colls))
	for _, c := range colls {
		t, err := db.Tree(c.ID)
		if err != nil {
			return nil, fmt.Errorf("collection %s: %w", quote(c.Name), err)
		}
		trees = append(trees, t)
	}
	return trees, nil
}

func (p *collectionsPane) onLoaded(m *model, err error) {
	if err != nil {
		if p.loaded {
			// Keep showing what was there; say the reload failed.
			p.s.showError("Could not read the collections again", err)
			return
		}
		p.status.SetText(capitalize(plainError("Could not read the collections", err).Error()))
		p.retry.Show()
		p.create.Hide()
		p.showNotice()
		return
	}
	first := !p.loaded
	p.m, p.loaded = m, true
	p.retry.Hide()
	p.create.Hide()
	if p.selected != "" && m.get(p.selected) == nil {
		p.selected = ""
		p.tree.UnselectAll()
	}
	if first && len(m.roots) <= openOnLoad {
		for _, r := range m.roots {
			p.tree.OpenBranch(r.id)
		}
	}
	p.afterEdit()
	if p.pending != "" {
		id := p.pending
		p.pending = ""
		p.selectNode(id)
	}
}

// refreshCollections reads the listed collections again (and the order of
// all of them, and any collection the model does not have yet), then
// selects selectID if it is set. It follows an edit whose result the
// model cannot work out by itself: a duplicate, a restore, a failed edit.
func (p *collectionsPane) refreshCollections(selectID string, ids ...string) {
	known := make(map[string]bool, len(p.m.roots))
	for _, r := range p.m.roots {
		known[r.id] = true
	}
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	p.s.writes.run(func() {
		colls, err := p.s.db.Collections()
		if err != nil {
			p.s.do(func() { p.s.showError("Could not read the collections again", err) })
			return
		}
		var fresh []*storage.Node
		order := make([]string, len(colls))
		for i, c := range colls {
			order[i] = c.ID
			if !want[c.ID] && known[c.ID] {
				continue
			}
			t, err := p.s.db.Tree(c.ID)
			if err != nil {
				p.s.do(func() { p.s.showError("Could not read collection "+quote(c.Name), err) })
				return
			}
			fresh = append(fresh, t)
		}
		p.s.do(func() { p.onCollectionsRead(fresh, order, selectID) })
	})
}

func (p *collectionsPane) onCollectionsRead(fresh []*storage.Node, order []string, selectID string) {
	for _, t := range fresh {
		p.m.replaceCollection(t)
	}
	p.m.orderRoots(order)
	if p.selected != "" && p.m.get(p.selected) == nil {
		p.selected = ""
		p.tree.UnselectAll()
	}
	p.afterEdit()
	if selectID != "" {
		p.selectNode(selectID)
	}
}

// ---- selection ----

// selectNode selects id without opening it, opening the folders above it.
func (p *collectionsPane) selectNode(id string) {
	if !p.loaded {
		p.pending = id
		return
	}
	n := p.m.get(id)
	if n == nil {
		return
	}
	for a := n.parent; a != nil; a = a.parent {
		if !p.tree.IsBranchOpen(a.id) {
			p.tree.OpenBranch(a.id)
		}
	}
	p.quiet = true
	p.tree.Select(id)
	p.quiet = false
	p.tree.ScrollTo(id)
	p.search.markSelected(id)
}

func (p *collectionsPane) onTreeSelected(id string) {
	prev := p.selected
	p.selected = id
	if prev != "" {
		p.tree.RefreshItem(prev)
	}
	p.tree.RefreshItem(id)
	if p.quiet {
		return
	}
	if n := p.m.get(id); n != nil && n.kind == storage.KindRequest {
		p.s.openRequest(id)
	}
}

func (p *collectionsPane) onTreeUnselected(id string) {
	if p.selected == id {
		p.selected = ""
		p.tree.RefreshItem(id)
	}
}

// onRowTapped: a tap selects the row; on a request it opens it (again,
// if it was selected already), on a folder or collection it opens or
// closes it.
func (p *collectionsPane) onRowTapped(id string) {
	n := p.m.get(id)
	if n == nil {
		return
	}
	p.focusTree()
	if p.selected != id {
		p.tree.Select(id) // opens a request through onTreeSelected
	} else if n.kind == storage.KindRequest {
		p.s.openRequest(id)
	}
	if n.kind != storage.KindRequest {
		p.tree.ToggleBranch(id)
	}
}

func (p *collectionsPane) focusTree() {
	if c := fyne.CurrentApp().Driver().CanvasForObject(p.tree); c != nil && c.Focused() != p.tree {
		c.Focus(p.tree)
	}
}

// onRowMenu shows a node's actions at a right click, selecting the node
// without opening it.
func (p *collectionsPane) onRowMenu(id string, at fyne.Position) {
	if p.m.get(id) == nil {
		return
	}
	p.selectQuietly(id)
	c := fyne.CurrentApp().Driver().CanvasForObject(p.body)
	if c == nil {
		return
	}
	widget.ShowPopUpMenuAtPosition(p.menuFor(id), c, at)
}

// onRowMore shows a node's actions below its "⋯" button.
func (p *collectionsPane) onRowMore(id string, button fyne.CanvasObject) {
	if p.m.get(id) == nil {
		return
	}
	c := fyne.CurrentApp().Driver().CanvasForObject(button)
	if c == nil {
		return
	}
	widget.ShowPopUpMenuAtRelativePosition(p.menuFor(id), c, fyne.NewPos(0, button.Size().Height), button)
}

func (p *collectionsPane) selectQuietly(id string) {
	if p.selected == id {
		return
	}
	p.quiet = true
	p.tree.Select(id)
	p.quiet = false
}
