package sidebar

import (
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/storage"
)

// seedLarge stores one collection of nf folders with 50 requests each.
func seedLarge(t testing.TB, db *storage.DB, nf int) (collID string, folders []string, first string) {
	t.Helper()
	methods := []string{"GET", "POST", "PUT", "PATCH", "DELETE"}
	var items []storage.TreeItem
	var fs []*storage.Folder
	var firstReq *storage.Request
	for i := range nf {
		f := &storage.Folder{Name: fmt.Sprintf("Folder %03d", i)}
		fs = append(fs, f)
		var kids []storage.TreeItem
		for j := range 50 {
			n := i*50 + j
			r := &storage.Request{
				Name:   fmt.Sprintf("Request %05d", n),
				Method: methods[n%len(methods)],
				URL:    fmt.Sprintf("https://api.test/v1/folder%03d/items/%05d", i, n),
			}
			if firstReq == nil {
				firstReq = r
			}
			kids = append(kids, storage.TreeItem{Request: r})
		}
		items = append(items, storage.TreeItem{Folder: f, Children: kids})
	}
	c := &storage.Collection{Name: "Big API"}
	must(t, db.CreateCollectionTree(c, items))
	for _, f := range fs {
		folders = append(folders, f.ID)
	}
	return c.ID, folders, firstReq.ID
}

// TestSidebarLargeStore loads 10,000 requests in 200 folders and logs the
// figures a user feels: time to the first tree, time for a filter to
// show, and how long the UI goroutine is held. Under the race detector it
// uses 2,000 requests in 40 folders and checks no time bound.
func TestSidebarLargeStore(t *testing.T) {
	nf := 200
	if raceEnabled {
		nf = 40
	}
	total := nf * 50
	f := newFixture(t)
	start := time.Now()
	collID, folders, firstReq := seedLarge(t, f.db, nf)
	t.Logf("seeding %d requests in %d folders: %v", total, nf, time.Since(start).Round(time.Millisecond))
	bound := func(what string, took, limit time.Duration) {
		t.Helper()
		if !raceEnabled && took > limit {
			t.Errorf("%s took %v, over %v", what, took, limit)
		}
	}

	f.w = test.NewTempWindow(t, widget.NewLabel(""))
	f.w.Resize(fyne.NewSize(320, 800))
	start = time.Now()
	f.s = New(f.db, f.w)
	f.w.SetContent(f.s.Content())
	f.t.Cleanup(f.settle)
	f.waitFor("the tree", func() bool { return f.s.colls.loaded })
	firstTree := time.Since(start)
	if n := f.s.colls.m.requests(); n != total {
		t.Fatalf("the model holds %d requests, want %d", n, total)
	}
	if rows := treeRows(f.s.Content()); len(rows) < 10 || rows[0] != "Big API" || rows[1] != "Folder 000" {
		t.Fatalf("the first rows are %q", rows[:min(len(rows), 3)])
	}
	t.Logf("time to first tree: %v (UI goroutine held %v)", firstTree.Round(time.Millisecond), f.uiMax.Round(time.Microsecond))
	bound("the first tree", firstTree, 10*time.Second)

	// Filters; each figure is from the keystroke to the results on screen.
	entry := f.s.colls.search.entry
	target := total/2 + 42 // a request in the middle
	for _, q := range []string{fmt.Sprintf("request %05d", target), "folder023", "items/0999", "patch", "e"} {
		f.uiMax = 0
		start = time.Now()
		entry.SetText(q)
		f.settle()
		took := time.Since(start)
		t.Logf("filter %-15q %4d hits in %v (UI goroutine held %v)", q, len(f.s.colls.search.hits), took.Round(time.Microsecond), f.uiMax.Round(time.Microsecond))
		bound("filter "+q, took, 5*time.Second)
	}
	if h := f.s.colls.search.hits; len(h) != searchLimit {
		t.Errorf("\"e\" shows %d hits, want the cap %d", len(h), searchLimit)
	}
	entry.SetText(fmt.Sprintf("request %05d", target))
	f.settle()
	wantPath := fmt.Sprintf("Big API › Folder %03d", target/50)
	if h := f.s.colls.search.hits; len(h) != 1 || h[0].path != wantPath {
		t.Fatalf("request %05d: %d hits, want one in %q", target, len(h), wantPath)
	}
	start = time.Now()
	entry.SetText("")
	f.settle()
	t.Logf("clearing the filter: %v", time.Since(start).Round(time.Microsecond))
	if !f.s.colls.tree.Visible() {
		t.Fatal("the tree did not come back")
	}

	// Edits touch only what changed.
	start = time.Now()
	f.s.colls.rename(firstReq, "Renamed")
	shown := time.Since(start)
	f.settle()
	t.Logf("rename: shown after %v, stored after %v", shown.Round(time.Microsecond), time.Since(start).Round(time.Millisecond))
	start = time.Now()
	f.s.colls.moveBy(folders[nf-1], -1)
	shown = time.Since(start)
	f.settle()
	t.Logf("move a folder of 50 up: shown after %v, stored after %v", shown.Round(time.Microsecond), time.Since(start).Round(time.Millisecond))
	if got := storedNames(t, f.db, collID, collID); got[nf-2] != fmt.Sprintf("Folder %03d", nf-1) {
		t.Fatalf("the store has %q at %d", got[nf-2], nf-2)
	}

	// Every folder open: the tree walks every row at each layout.
	start = time.Now()
	f.s.colls.tree.OpenAllBranches()
	t.Logf("open all %d folders: %v", nf, time.Since(start).Round(time.Microsecond))
	start = time.Now()
	f.s.colls.tree.ScrollToBottom()
	t.Logf("scroll to the end of %d rows: %v", total+nf+1, time.Since(start).Round(time.Microsecond))
	start = time.Now()
	f.s.Select(firstReq)
	t.Logf("select (and scroll to) a request: %v", time.Since(start).Round(time.Microsecond))
	if f.s.colls.selected != firstReq {
		t.Fatal("Select did not select")
	}
}

// BenchmarkSidebarFilter measures a filter from the keystroke to the
// results on screen, over 10,000 requests.
func BenchmarkSidebarFilter(b *testing.B) {
	f := newFixture(b)
	seedLarge(b, f.db, 200)
	f.start(320, 800)
	entry := f.s.colls.search.entry
	queries := []string{"request 04242", "folder123", "patch"}
	b.ResetTimer()
	for i := range b.N {
		entry.SetText(queries[i%len(queries)])
		f.settle()
	}
}

// BenchmarkSidebarLoad measures New to the first tree over 10,000
// requests.
func BenchmarkSidebarLoad(b *testing.B) {
	f := newFixture(b)
	seedLarge(b, f.db, 200)
	f.w = test.NewTempWindow(b, widget.NewLabel(""))
	f.w.Resize(fyne.NewSize(320, 800))
	b.ResetTimer()
	for range b.N {
		f.s = New(f.db, f.w)
		f.w.SetContent(f.s.Content())
		f.settle()
	}
}
