package sidebar

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"github.com/knockhttp/knock/storage"
)

// addHistory records a sent request with its status and duration.
func addHistory(t *testing.T, db *storage.DB, method, url string, status int, took time.Duration, errText string) *storage.HistoryEntry {
	t.Helper()
	e, err := db.History().Add(
		storage.Request{Method: method, URL: url},
		storage.ResponseSummary{Status: status, Timings: storage.Timings{Total: took}, Error: errText},
		strings.NewReader(`{"ok":true}`))
	must(t, err)
	return e
}

// historyRows lists the shown history rows, top to bottom, as
// "404 GET https://… | 12:00:00 · 30 ms".
func historyRows(root fyne.CanvasObject) []*historyRow {
	var out []*historyRow
	walk(root, func(o fyne.CanvasObject) {
		if r, ok := o.(*historyRow); ok && r.url.Text != "" {
			out = append(out, r)
		}
	})
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Position().Y < out[j-1].Position().Y; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func rowText(r *historyRow) string {
	return r.status.Text + " " + r.badge.text.Text + " " + r.url.Text
}

func historyTexts(root fyne.CanvasObject) []string {
	var out []string
	for _, r := range historyRows(root) {
		out = append(out, rowText(r))
	}
	return out
}

func TestSidebarHistoryList(t *testing.T) {
	f := newFixture(t)
	addHistory(t, f.db, "GET", "https://api.test/users", 200, 120*time.Millisecond, "")
	addHistory(t, f.db, "POST", "https://api.test/users", 201, 2500*time.Millisecond, "")
	addHistory(t, f.db, "GET", "https://api.test/missing", 404, 30*time.Millisecond, "")
	addHistory(t, f.db, "DELETE", "https://api.test/users/7", 500, 12*time.Second, "")
	last := addHistory(t, f.db, "GET", "https://down.test/", 0, 0, "dial tcp 127.0.0.1:9: connection refused")
	f.start(320, 700)
	f.s.ShowHistory()
	f.settle()

	want := []string{
		"ERR GET https://down.test/",
		"500 DEL https://api.test/users/7",
		"404 GET https://api.test/missing",
		"201 POST https://api.test/users",
		"200 GET https://api.test/users",
	}
	rows := historyRows(f.s.Content())
	var got []string
	for _, r := range rows {
		got = append(got, rowText(r))
	}
	if !equal(got, want) {
		t.Fatalf("history shows\n%q\nwant\n%q", got, want)
	}
	colours := []any{color5xx, color5xx, color4xx, color2xx, color2xx}
	for i, r := range rows {
		if r.status.Color != colours[i] {
			t.Errorf("%s: status colour %v, want %v", got[i], r.status.Color, colours[i])
		}
	}
	if meta := rows[0].meta.String(); !strings.Contains(meta, "connection refused") {
		t.Errorf("the failed send's row says %q", meta)
	}
	if meta := rows[3].meta.String(); !strings.HasSuffix(meta, " · 2500 ms") || !strings.Contains(meta, ":") {
		t.Errorf("the POST row says %q, want its time and 2500 ms", meta)
	}
	if meta := rows[1].meta.String(); !strings.HasSuffix(meta, " · 12.0 s") {
		t.Errorf("the slow row says %q", meta)
	}

	// Tapping an entry hands its ID to the window, which reopens it.
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(rows[0]).Add(fyne.NewPos(20, 10))
	test.TapCanvas(f.w.Canvas(), pos)
	test.TapCanvas(f.w.Canvas(), pos) // again: reopens again
	if !equal(f.history, []string{fmt.Sprint(last.ID), fmt.Sprint(last.ID)}) {
		t.Fatalf("OnOpenHistory got %v, want the newest entry %d twice", f.history, last.ID)
	}
	id, err := strconv.ParseUint(f.history[0], 10, 64)
	must(t, err)
	r, err := f.db.History().Reopen(id)
	must(t, err)
	if r.URL != "https://down.test/" {
		t.Fatalf("reopened %q", r.URL)
	}

	// A new send shows after RefreshHistory.
	addHistory(t, f.db, "PUT", "https://api.test/users/7", 204, time.Millisecond, "")
	f.s.RefreshHistory()
	f.settle()
	if got := historyTexts(f.s.Content()); got[0] != "204 PUT https://api.test/users/7" {
		t.Fatalf("after RefreshHistory the list starts with %q", got[0])
	}
}

func TestSidebarHistoryFilter(t *testing.T) {
	f := newFixture(t)
	addHistory(t, f.db, "GET", "https://api.test/users", 200, time.Millisecond, "")
	addHistory(t, f.db, "POST", "https://api.test/users", 201, time.Millisecond, "")
	addHistory(t, f.db, "GET", "https://api.test/missing", 404, time.Millisecond, "")
	addHistory(t, f.db, "DELETE", "https://api.test/users/7", 500, time.Millisecond, "")
	f.start(320, 700)
	f.s.ShowHistory()
	f.settle()
	h := f.s.history
	cases := []struct {
		filter string
		want   []string
	}{
		{"4xx", []string{"404 GET https://api.test/missing"}},
		{"POST", []string{"201 POST https://api.test/users"}},
		{"users", []string{"500 DEL https://api.test/users/7", "201 POST https://api.test/users", "200 GET https://api.test/users"}},
		{"users 5xx", []string{"500 DEL https://api.test/users/7"}},
		{"GET 200", []string{"200 GET https://api.test/users"}},
		{"API.TEST/MISS", []string{"404 GET https://api.test/missing"}},
		{"get", nil}, // lower case is a URL word, and no URL holds "get"
	}
	for _, c := range cases {
		h.filter.SetText(c.filter)
		f.settle()
		if got := historyTexts(f.s.Content()); !equal(got, c.want) {
			t.Errorf("filter %q shows %q, want %q", c.filter, got, c.want)
		}
	}
	if !h.note.Visible() || !strings.Contains(h.note.Text, "No history entry matches") {
		t.Fatalf("no match shows note %q", h.note.Text)
	}
}

func TestParseHistoryFilter(t *testing.T) {
	cases := []struct {
		in   string
		want storage.HistoryQuery
	}{
		{"", storage.HistoryQuery{}},
		{"POST 4xx /users  v2", storage.HistoryQuery{Method: "POST", Status: 4, URL: "/users v2"}},
		{"404", storage.HistoryQuery{Status: 404}},
		{"5XX", storage.HistoryQuery{Status: 5}},
		{"600 get", storage.HistoryQuery{URL: "600 get"}},
		{"PURGE", storage.HistoryQuery{URL: "PURGE"}},
	}
	for _, c := range cases {
		if got := parseHistoryFilter(c.in); got != c.want {
			t.Errorf("parseHistoryFilter(%q) = %+v, want %+v", c.in, got, c.want)
		}
	}
}

func TestSidebarHistoryPages(t *testing.T) {
	f := newFixture(t)
	const n = 2*historyPage + 30
	for i := range n {
		addHistory(t, f.db, "GET", fmt.Sprintf("https://api.test/item/%d", i), 200, time.Millisecond, "")
	}
	f.start(320, 700)
	f.s.ShowHistory()
	f.settle()
	h := f.s.history
	if len(h.items) != historyPage {
		t.Fatalf("the first read brought %d entries, want one page of %d", len(h.items), historyPage)
	}
	// Scrolling to the end reads the next pages, in order, once each.
	for range 10 {
		h.list.ScrollToBottom()
		f.settle()
	}
	if len(h.items) != n {
		t.Fatalf("after scrolling %d entries are loaded, want %d", len(h.items), n)
	}
	for i, it := range h.items {
		if want := fmt.Sprintf("https://api.test/item/%d", n-1-i); it.url != want {
			t.Fatalf("entry %d is %s, want %s", i, it.url, want)
		}
	}
	if h.more {
		t.Fatal("more pages are expected after the last")
	}
}

func TestSidebarClearHistory(t *testing.T) {
	f := newFixture(t)
	addHistory(t, f.db, "GET", "https://api.test/users", 200, time.Millisecond, "")
	f.start(320, 700)
	f.s.ShowHistory()
	f.settle()
	test.Tap(f.s.history.clear)
	if msg := dialogText(t, f.w); !strings.Contains(msg, "cannot be undone") {
		t.Fatalf("the confirmation says %q", msg)
	}
	f.tapButton(topOverlay(t, f.w), "No")
	f.settle()
	if count, _, _ := f.db.History().Stats(); count != 1 {
		t.Fatal("No cleared the history")
	}
	test.Tap(f.s.history.clear)
	f.tapButton(topOverlay(t, f.w), "Yes")
	f.settle()
	if count, _, _ := f.db.History().Stats(); count != 0 {
		t.Fatalf("%d entries left after Clear", count)
	}
	if len(historyRows(f.s.Content())) != 0 || !strings.Contains(f.s.history.note.Text, "No requests sent yet") {
		t.Fatalf("the pane shows %d rows and %q", len(historyRows(f.s.Content())), f.s.history.note.Text)
	}
}

func TestSidebarSwitchChangesPanes(t *testing.T) {
	f := newFixture(t)
	seed(t, f.db)
	addHistory(t, f.db, "GET", "https://api.test/users", 200, time.Millisecond, "")
	f.start(320, 700)
	if len(treeRows(f.s.Content())) == 0 || len(historyRows(f.s.Content())) != 0 {
		t.Fatal("the sidebar does not start on Collections")
	}
	// Tap the History tab as a user would.
	tab := tappableWithText(f.s.Content(), "History")
	if tab == nil {
		t.Fatal("no History tab to tap")
	}
	test.Tap(tab)
	f.settle()
	if len(treeRows(f.s.Content())) != 0 || len(historyRows(f.s.Content())) != 1 {
		t.Fatalf("after tapping History: %d tree rows, %d history rows", len(treeRows(f.s.Content())), len(historyRows(f.s.Content())))
	}
	// Select goes back to Collections.
	f.s.Select(f.s.colls.m.roots[0].id)
	if len(treeRows(f.s.Content())) == 0 || len(historyRows(f.s.Content())) != 0 {
		t.Fatal("Select did not switch back to Collections")
	}
}

// tappableWithText is the innermost tappable object under root that
// shows text (a tab button, say), or nil.
func tappableWithText(root fyne.CanvasObject, text string) fyne.Tappable {
	var found fyne.Tappable
	var visit func(o fyne.CanvasObject, owner fyne.Tappable)
	visit = func(o fyne.CanvasObject, owner fyne.Tappable) {
		if o == nil || !o.Visible() || found != nil {
			return
		}
		if tp, ok := o.(fyne.Tappable); ok {
			owner = tp
		}
		if tx, ok := o.(*canvas.Text); ok && tx.Text == text && owner != nil {
			found = owner
			return
		}
		switch x := o.(type) {
		case *fyne.Container:
			for _, c := range x.Objects {
				visit(c, owner)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				visit(c, owner)
			}
		}
	}
	visit(root, nil)
	return found
}
