package sidebar

import (
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/storage"
)

// historyPage is how many entries one store read brings; the next page is
// read when the list shows one of the last historyPrefetch rows.
const (
	historyPage     = 100
	historyPrefetch = 20
)

// historyItem is what a history row shows; the snapshot itself stays in
// the store until the entry is opened.
type historyItem struct {
	id       uint64
	status   int
	errText  string
	method   string
	url      string
	when     time.Time
	duration time.Duration
}

func itemOf(e *storage.HistoryEntry) historyItem {
	return historyItem{
		id: e.ID, status: e.Response.Status, errText: e.Response.Error,
		method: e.Request.Method, url: e.Request.URL,
		when: e.Time, duration: e.Response.Timings.Total,
	}
}

// historyPane is the History side of the switch: a filter, "Clear
// history", and the entries newest first in a virtualised list that
// reads more pages as it scrolls.
type historyPane struct {
	s *Sidebar

	filter *widget.Entry
	clear  *widget.Button
	list   *widget.List
	note   *widget.Label // empty history, no match, or a read error

	rows    rowSet // the list's row widgets
	items   []historyItem
	more    bool   // the last page was full: there may be older entries
	loading bool   // a next page is being read
	gen     uint64 // bumped at each new query, so stale pages are dropped
}

func newHistoryPane(s *Sidebar) *historyPane {
	h := &historyPane{s: s}
	h.filter = &widget.Entry{PlaceHolder: "Filter: URL words, GET, 404, 4xx", OnChanged: h.onFilterChanged}
	h.filter.ExtendBaseWidget(h.filter)
	h.clear = &widget.Button{Icon: theme.DeleteIcon(), Importance: widget.LowImportance, OnTapped: h.onClearTapped}
	h.list = &widget.List{Length: h.length, CreateItem: h.createItem, UpdateItem: h.updateItem, OnSelected: h.onSelected}
	h.list.ExtendBaseWidget(h.list)
	h.note = &widget.Label{Text: "Loading history…", Alignment: fyne.TextAlignCenter, Wrapping: fyne.TextWrapWord}
	return h
}

func (h *historyPane) content() fyne.CanvasObject {
	top := container.NewBorder(nil, nil, nil, h.clear, h.filter)
	return container.NewBorder(top, nil, nil, nil, container.NewStack(h.list, container.NewPadded(h.note)))
}

func (h *historyPane) onFilterChanged(string) { h.reload() }

// reload reads the first page for the current filter.
func (h *historyPane) reload() {
	h.gen++
	h.loading = true
	h.fetch(h.gen, 0)
}

// loadMore reads the page after the last entry shown.
func (h *historyPane) loadMore() {
	if !h.more || h.loading || len(h.items) == 0 {
		return
	}
	h.loading = true
	h.fetch(h.gen, h.items[len(h.items)-1].id)
}

func (h *historyPane) fetch(gen, before uint64) {
	q := parseHistoryFilter(h.filter.Text)
	q.Before, q.Limit = before, historyPage
	db := h.s.db
	h.s.pages.run(func() {
		entries, err := db.History().Search(q)
		items := make([]historyItem, len(entries))
		for i := range entries {
			items[i] = itemOf(&entries[i])
		}
		h.s.do(func() { h.onPage(gen, before, items, err) })
	})
}

func (h *historyPane) onPage(gen, before uint64, items []historyItem, err error) {
	if gen != h.gen {
		return
	}
	h.loading = false
	if err != nil {
		h.more = false
		if before == 0 {
			h.items = nil
			h.list.Refresh()
		}
		h.note.SetText(capitalize(plainError("Could not read the history", err).Error()))
		h.note.Show()
		return
	}
	if before == 0 {
		h.items = items
		h.list.UnselectAll()
		h.list.ScrollToTop()
	} else {
		h.items = append(h.items, items...)
	}
	h.more = len(items) == historyPage
	h.list.Refresh()
	switch {
	case len(h.items) > 0:
		h.note.Hide()
	case strings.TrimSpace(h.filter.Text) != "":
		h.note.SetText("No history entry matches the filter.")
		h.note.Show()
	default:
		h.note.SetText("No requests sent yet. Each request you send is kept here.")
		h.note.Show()
	}
	h.clear.Disable()
	if len(h.items) > 0 || strings.TrimSpace(h.filter.Text) != "" {
		h.clear.Enable()
	}
}

func (h *historyPane) length() int { return len(h.items) }

func (h *historyPane) createItem() fyne.CanvasObject {
	r := newHistoryRow()
	h.rows.add(r)
	return r
}

func (h *historyPane) updateItem(i widget.ListItemID, obj fyne.CanvasObject) {
	if i < 0 || i >= len(h.items) {
		return
	}
	obj.(*historyRow).show(h.items[i], time.Now())
	if i >= len(h.items)-historyPrefetch {
		h.loadMore()
	}
}

// onSelected opens the entry and lets go of the selection, so that
// tapping it again opens it again.
func (h *historyPane) onSelected(i widget.ListItemID) {
	if i < 0 || i >= len(h.items) {
		return
	}
	id := strconv.FormatUint(h.items[i].id, 10)
	h.list.Unselect(i)
	h.s.openHistory(id)
}

func (h *historyPane) onClearTapped() {
	if h.s.win == nil {
		return
	}
	dialog.ShowConfirm("Clear history",
		"Delete every history entry and its saved response? This cannot be undone.\nSaved requests are not touched.",
		h.onClearConfirmed, h.s.win)
}

func (h *historyPane) onClearConfirmed(ok bool) {
	if !ok {
		return
	}
	db := h.s.db
	h.s.writes.run(func() {
		err := db.History().Clear()
		h.s.do(func() {
			if err != nil {
				h.s.showError("Could not clear the history", err)
			}
			h.reload()
		})
	})
}

// parseHistoryFilter reads the filter box: a method in capitals (GET), a
// status (404) or class (4xx) narrow the list; every other word is part
// of the URL to look for.
func parseHistoryFilter(text string) storage.HistoryQuery {
	var q storage.HistoryQuery
	var words []string
	for _, w := range strings.Fields(text) {
		switch {
		case isMethodToken(w):
			q.Method = w
		case len(w) == 3 && w[0] >= '1' && w[0] <= '5' && strings.EqualFold(w[1:], "xx"):
			q.Status = int(w[0] - '0')
		case len(w) == 3 && w[0] >= '1' && w[0] <= '5' && isDigits(w):
			q.Status, _ = strconv.Atoi(w)
		default:
			words = append(words, w)
		}
	}
	q.URL = strings.Join(words, " ")
	return q
}

// isMethodToken is true for the standard methods written in capitals; in
// lower case ("get") the word is looked for in the URL, where /get is
// common.
func isMethodToken(w string) bool {
	switch w {
	case "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT":
		return true
	}
	return false
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
