package sidebar

import (
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/storage"
)

// searchLimit caps the hits shown; a longer list helps nobody, and the
// note under the box says to narrow the search.
const searchLimit = 500

// searchHit is one request found, with where it is.
type searchHit struct {
	n    *node
	path string
}

// searchView is the search box above the tree and the results that
// replace the tree while it holds text. Each keystroke starts a
// storage.DB.Search on a worker where only the latest query counts; the
// results come back with fyne.Do and are dropped if the text changed
// meanwhile.
type searchView struct {
	p     *collectionsPane
	entry *widget.Entry
	list  *widget.List
	note  *widget.RichText
	clear *widget.Button // in the box: empties it
	box   *fyne.Container

	query    string // the text the shown hits are for ("" when idle)
	gen      uint64 // bumped at each change of the text
	hits     []searchHit
	selected string // the hit shown as selected, by ID
	quiet    bool
}

func newSearchView(p *collectionsPane) *searchView {
	v := &searchView{p: p}
	v.entry = &widget.Entry{PlaceHolder: "Search name, URL, method", OnChanged: v.onQueryChanged}
	v.clear = &widget.Button{Icon: theme.ContentClearIcon(), Importance: widget.LowImportance, OnTapped: v.onClearTapped}
	v.clear.Hide()
	v.entry.ActionItem = v.clear
	v.entry.ExtendBaseWidget(v.entry)
	v.list = &widget.List{Length: v.length, CreateItem: v.createItem, UpdateItem: v.updateItem, OnSelected: v.onListSelected}
	v.list.ExtendBaseWidget(v.list)
	v.note = captionText()
	v.box = container.NewBorder(v.note, nil, nil, nil, v.list)
	v.box.Hide()
	return v
}

func (v *searchView) content() fyne.CanvasObject { return v.box }

// active reports whether the results show in place of the tree.
func (v *searchView) active() bool { return strings.TrimSpace(v.entry.Text) != "" }

func (v *searchView) onClearTapped() { v.entry.SetText("") }

func (v *searchView) onQueryChanged(text string) {
	v.gen++
	if text == "" {
		v.clear.Hide()
	} else {
		v.clear.Show()
	}
	if strings.TrimSpace(text) == "" {
		v.query, v.hits, v.selected = "", nil, ""
		v.list.UnselectAll()
		v.p.showTree()
		return
	}
	v.start(text)
}

// rerun searches again for the current text, after an edit changed the
// tree.
func (v *searchView) rerun() {
	if v.active() {
		v.gen++
		v.start(v.entry.Text)
	}
}

func (v *searchView) start(text string) {
	gen, db := v.gen, v.p.s.db
	v.p.s.searches.run(func() {
		hits, err := db.Search(text, searchLimit+1)
		v.p.s.do(func() { v.onResults(gen, text, hits, err) })
	})
}

// onResults shows the hits of the latest query in tree order, each with
// its folder path.
func (v *searchView) onResults(gen uint64, text string, found []storage.SearchHit, err error) {
	if gen != v.gen {
		return // the text changed since; a newer search is on its way
	}
	v.query = text
	v.hits = v.hits[:0:0]
	if err != nil {
		setCaption(v.note, capitalize(plainError("Search failed", err).Error()))
	} else {
		more := len(found) > searchLimit
		if more {
			found = found[:searchLimit]
		}
		m := v.p.m
		for _, h := range found {
			n := m.get(h.ID)
			if n == nil {
				if v.p.loaded {
					continue // gone from the tree: an edit the store has not seen yet
				}
				n = &node{id: h.ID, kind: storage.KindRequest, name: h.Name, method: h.Method, url: h.URL}
			}
			v.hits = append(v.hits, searchHit{n: n, path: m.path(h.ID)})
		}
		slices.SortStableFunc(v.hits, func(a, b searchHit) int { return m.order(a.n.id) - m.order(b.n.id) })
		switch {
		case len(v.hits) == 0:
			setCaption(v.note, "No saved request matches "+quote(strings.TrimSpace(text))+".")
		case more:
			setCaption(v.note, fmt.Sprintf("The first %d matches; type more to narrow the search.", searchLimit))
		case len(v.hits) == 1:
			setCaption(v.note, "1 request")
		default:
			setCaption(v.note, fmt.Sprintf("%d requests", len(v.hits)))
		}
	}
	v.list.UnselectAll()
	v.list.Refresh()
	v.list.ScrollToTop()
	v.p.showResults()
	if v.selected != "" {
		v.markSelected(v.selected)
	}
}

// followModel drops hits the tree no longer has and shows the others'
// current names and paths, until the next search answers.
func (v *searchView) followModel() {
	m := v.p.m
	kept := v.hits[:0]
	for _, h := range v.hits {
		if n := m.get(h.n.id); n != nil {
			kept = append(kept, searchHit{n: n, path: m.path(n.id)})
		}
	}
	v.hits = kept
	v.list.Refresh()
}

func (v *searchView) length() int { return len(v.hits) }

func (v *searchView) createItem() fyne.CanvasObject {
	r := newTreeRow(v, true)
	v.p.rows.add(r)
	return r
}

func (v *searchView) updateItem(i widget.ListItemID, obj fyne.CanvasObject) {
	if i < 0 || i >= len(v.hits) {
		return
	}
	h := v.hits[i]
	obj.(*treeRow).show(h.n, h.n.id == v.selected, h.path)
}

// markSelected shows id as the selected hit, if it is one, without
// opening it.
func (v *searchView) markSelected(id string) {
	v.selected = id
	for i, h := range v.hits {
		if h.n.id == id {
			v.quiet = true
			v.list.Select(i)
			v.quiet = false
			return
		}
	}
	v.list.UnselectAll()
}

func (v *searchView) onListSelected(i widget.ListItemID) {
	if i < 0 || i >= len(v.hits) {
		return
	}
	v.selected = v.hits[i].n.id
	v.list.Refresh()
	if !v.quiet {
		v.open(v.selected)
	}
}

// open opens a hit and selects it in the tree too, so that clearing the
// search shows where it is.
func (v *searchView) open(id string) {
	if v.p.m.get(id) != nil {
		v.p.selectQuietly(id)
	}
	v.p.s.openRequest(id)
}

// onRowTapped opens a hit, again if it was selected already.
func (v *searchView) onRowTapped(id string) {
	if v.selected == id {
		v.open(id)
		return
	}
	for i, h := range v.hits {
		if h.n.id == id {
			v.list.Select(i) // opens through onListSelected
			return
		}
	}
}

func (v *searchView) onRowMenu(id string, at fyne.Position) {
	if v.p.m.get(id) != nil {
		v.markSelected(id)
		v.p.onRowMenu(id, at)
	}
}

func (v *searchView) onRowMore(id string, button fyne.CanvasObject) {
	if v.p.m.get(id) != nil {
		v.p.onRowMore(id, button)
	}
}
