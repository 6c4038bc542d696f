package ui

// Widget tests of the whole window in Fyne's test driver, on a real bbolt
// store and real servers on 127.0.0.1: the dirty marker and saving, closing
// a tab with unsaved changes, and switching environments.

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/app/foldersync"
	"github.com/knockhttp/knock/app/ui/uithread"
	"github.com/knockhttp/knock/app/workspace"
	"github.com/knockhttp/knock/storage"
	"github.com/knockhttp/knock/storage/secrets"
)

// testWindow is the window on a fresh data directory, with every UI
// callback queued and run on the test's goroutine by pump.
type testWindow struct {
	t     *testing.T
	k     *Window
	win   fyne.Window
	ws    *workspace.Workspace
	queue chan func()
}

func newTestWindow(t *testing.T, prepare func(db *storage.DB)) *testWindow {
	t.Helper()
	q := make(chan func(), 4096)
	t.Cleanup(uithread.Replace(func(f func()) { q <- f }))
	a := test.NewTempApp(t)
	ws, err := workspace.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, err := ws.DB.Settings()
	if err != nil {
		t.Fatal(err)
	}
	s.SecretStore = secrets.KindSession
	if err := ws.DB.SaveSettings(&s); err != nil {
		t.Fatal(err)
	}
	if prepare != nil {
		prepare(ws.DB)
	}
	win := a.NewWindow("Knock")
	tw := &testWindow{t: t, win: win, ws: ws, queue: q}
	tw.k = Create(a, win, Deps{Workspace: ws})
	win.Resize(fyne.NewSize(1280, 800))
	t.Cleanup(func() {
		tw.k.tabs.shutdown()
		tw.pumpFor(200 * time.Millisecond) // let late callbacks find nothing to do
		win.Close()
		ws.Close()
	})
	tw.k.tabs.ensureTab() // the window does it after its first frame, which the test driver never paints
	tw.pump("the session restored", func() bool { return tw.k.tabs.restored })
	return tw
}

// pump runs queued UI callbacks until cond holds, at most 10 s.
func (tw *testWindow) pump(what string, cond func() bool) {
	tw.t.Helper()
	deadline := time.After(10 * time.Second)
	for !cond() {
		select {
		case f := <-tw.queue:
			f()
		case <-time.After(10 * time.Millisecond):
		case <-deadline:
			tw.t.Fatalf("gave up waiting for %s", what)
		}
	}
}

// pumpFor runs queued UI callbacks for d.
func (tw *testWindow) pumpFor(d time.Duration) {
	end := time.After(d)
	for {
		select {
		case f := <-tw.queue:
			f()
		case <-end:
			return
		}
	}
}

func (tw *testWindow) active() *requestTab {
	tw.t.Helper()
	tab := tw.k.tabs.active()
	if tab == nil {
		tw.t.Fatal("no active tab")
	}
	return tab
}

// typeURL focuses the active tab's URL entry, as Ctrl+L does, selects
// what is there and types text over it.
func (tw *testWindow) typeURL(text string) {
	tw.k.tabs.focusURL()
	c := tw.win.Canvas()
	e, ok := c.Focused().(fyne.Shortcutable)
	if !ok {
		tw.t.Fatalf("Ctrl+L focused %T, not the URL entry", c.Focused())
	}
	e.TypedShortcut(&fyne.ShortcutSelectAll{})
	typeFocused(c, text)
}

// typeFocused types text into the focused widget, a key at a time, as the
// window's driver does.
func typeFocused(c fyne.Canvas, text string) {
	for _, r := range text {
		c.Focused().TypedRune(r)
	}
}

// shortcut presses a Ctrl shortcut in the focused entry.
func (tw *testWindow) shortcut(key fyne.KeyName) {
	tw.t.Helper()
	e, ok := tw.win.Canvas().Focused().(fyne.Shortcutable)
	if !ok {
		tw.t.Fatalf("the focused %T takes no shortcuts", tw.win.Canvas().Focused())
	}
	e.TypedShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault})
}

// topDialogEntries lists the entries of the dialog on top, in order.
func (tw *testWindow) topDialogEntries() []*widget.Entry {
	top := tw.win.Canvas().Overlays().Top()
	if top == nil {
		return nil
	}
	var out []*widget.Entry
	walk(top, func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok {
			out = append(out, e)
		}
	})
	return out
}

func walk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	fn(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walk(c, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			walk(c, fn)
		}
	}
}

// recorder is a server on 127.0.0.1 that remembers the paths it was asked
// for.
type recorder struct {
	*httptest.Server
	mu    sync.Mutex
	paths []string
}

func newRecorder(t *testing.T, name string) *recorder {
	r := &recorder{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.paths = append(r.paths, req.URL.Path)
		r.mu.Unlock()
		fmt.Fprintf(w, "this is %s\n", name)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.paths)
}

func TestDirtyMarkerAndSave(t *testing.T) {
	tw := newTestWindow(t, nil)
	tab := tw.active()
	if tab.dirty || strings.HasPrefix(tab.item.Text, "●") {
		t.Fatalf("a fresh draft is marked dirty: %q", tab.item.Text)
	}
	tw.typeURL("http://127.0.0.1:9/first")
	if !tab.dirty || tab.item.Text != "● Untitled" {
		t.Fatalf("after typing, the tab title is %q (dirty %v), want \"● Untitled\"", tab.item.Text, tab.dirty)
	}

	// Ctrl+S on a draft asks for a name and a place; Enter saves.
	tw.shortcut(fyne.KeyS)
	tw.pump("the Save dialog", func() bool { return len(tw.topDialogEntries()) == 2 })
	entries := tw.topDialogEntries()
	if tw.win.Canvas().Focused() != entries[0] {
		t.Fatalf("the Save dialog did not focus its name field")
	}
	typeFocused(tw.win.Canvas(), "First")
	entries[1].SetText("Shop")
	entries[0].TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	tw.pump("the save", func() bool { return !tab.dirty })
	if tab.item.Text != "First" || tab.requestID == "" {
		t.Fatalf("after saving, the tab is %q (request %q), want \"First\" with an ID", tab.item.Text, tab.requestID)
	}
	r, err := tw.ws.DB.Request(tab.requestID)
	if err != nil || r.Name != "First" || r.URL != "http://127.0.0.1:9/first" {
		t.Fatalf("stored %+v (err %v), want First at http://127.0.0.1:9/first", r, err)
	}
	loc, err := tw.ws.DB.Locate(tab.requestID)
	if err != nil {
		t.Fatal(err)
	}
	c, err := tw.ws.DB.Collection(loc.CollectionID)
	if err != nil || c.Name != "Shop" {
		t.Fatalf("saved in %+v (err %v), want the new collection Shop", c, err)
	}

	// An edit marks it again; Ctrl+S saves in place, with no dialog.
	tw.typeURL("http://127.0.0.1:9/second")
	if !tab.dirty || tab.item.Text != "● First" {
		t.Fatalf("after an edit the title is %q, want \"● First\"", tab.item.Text)
	}
	tw.shortcut(fyne.KeyS)
	tw.pump("the save in place", func() bool { return !tab.dirty })
	if top := tw.win.Canvas().Overlays().Top(); top != nil {
		t.Errorf("saving a saved request opened a dialog")
	}
	if r, _ := tw.ws.DB.Request(tab.requestID); r == nil || r.URL != "http://127.0.0.1:9/second" {
		t.Fatalf("stored %+v, want the URL …/second", r)
	}
}

func TestClosingADirtyTabAsksFirst(t *testing.T) {
	tw := newTestWindow(t, nil)
	tab := tw.active()
	tw.typeURL("http://127.0.0.1:9/unsaved")
	tw.k.tabs.closeActive()
	if len(tw.k.tabs.list) != 1 || tw.k.tabs.list[0] != tab {
		t.Fatal("the tab with unsaved changes closed without asking")
	}
	top := tw.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no question was asked")
	}
	var asked bool
	walk(top, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, "unsaved changes") {
			asked = true
		}
	})
	if !asked {
		t.Fatal("the dialog does not mention the unsaved changes")
	}

	// A clean tab closes at once; the last one is replaced by a draft.
	tw.win.Canvas().Overlays().Top().Hide()
	tw.win.Canvas().Overlays().Remove(top)
	tw.shortcut(fyne.KeyT)
	second := tw.active()
	if second == tab || len(tw.k.tabs.list) != 2 {
		t.Fatalf("Ctrl+T did not open a second tab (%d tabs)", len(tw.k.tabs.list))
	}
	tw.k.tabs.closeActive()
	if len(tw.k.tabs.list) != 1 || tw.k.tabs.list[0] != tab {
		t.Fatalf("closing the clean tab left %d tabs", len(tw.k.tabs.list))
	}
}

func TestEnvironmentSwitchChangesWhereRequestsGo(t *testing.T) {
	dev, prod := newRecorder(t, "dev"), newRecorder(t, "prod")
	tw := newTestWindow(t, func(db *storage.DB) {
		for _, e := range []storage.Environment{
			{Name: "dev", Variables: []storage.Variable{{Key: "host", Value: strings.TrimPrefix(dev.URL, "http://"), Enabled: true}}},
			{Name: "prod", Variables: []storage.Variable{{Key: "host", Value: strings.TrimPrefix(prod.URL, "http://"), Enabled: true}}},
		} {
			if err := db.SaveEnvironment(&e); err != nil {
				t.Fatal(err)
			}
		}
	})
	env := tw.k.toolbar.env
	tw.pump("the environments in the dropdown", func() bool { return len(env.Options) == 3 })
	if want := []string{noEnvironment, "dev", "prod"}; strings.Join(env.Options, ",") != strings.Join(want, ",") {
		t.Fatalf("dropdown %v, want %v", env.Options, want)
	}
	tab := tw.active()
	tw.typeURL("http://{{host}}/who")

	// No environment: the variable is unresolved, and nothing is sent.
	tw.shortcut(fyne.KeyReturn)
	tw.pump("the unresolved-variable error", func() bool { return tab.response.status.Text == "Error" })
	if !strings.Contains(tab.response.note.Text, "host") {
		t.Errorf("the error says %q; want it to name the variable host", tab.response.note.Text)
	}
	if dev.count()+prod.count() != 0 {
		t.Fatal("a request with an unresolved variable was sent")
	}

	// Choosing dev in the dropdown sends to dev.
	env.SetSelected("dev")
	tw.shortcut(fyne.KeyReturn)
	tw.pump("the request to dev", func() bool { return dev.count() == 1 && tab.response.status.Text == "200 OK" })

	// Ctrl+E moves on to prod.
	tw.shortcut(fyne.KeyE)
	if env.Selected != "prod" {
		t.Fatalf("Ctrl+E chose %q, want prod", env.Selected)
	}
	tw.pump("the send to finish", func() bool { tab.mu.Lock(); defer tab.mu.Unlock(); return tab.cancel == nil })
	tw.shortcut(fyne.KeyReturn)
	tw.pump("the request to prod", func() bool { return prod.count() == 1 })
	if dev.count() != 1 {
		t.Errorf("dev got %d requests after switching to prod, want 1", dev.count())
	}

	// The choice is kept in the session for the next start.
	tw.k.tabs.saveSession(nil)
	tw.pump("the session saved", func() bool {
		s, err := tw.ws.DB.Session()
		return err == nil && s != nil && s.Environments[storage.NoCollection] != ""
	})
	s, _ := tw.ws.DB.Session()
	e, err := tw.ws.DB.Environment(s.Environments[storage.NoCollection])
	if err != nil || e.Name != "prod" {
		t.Errorf("the session keeps environment %+v (err %v), want prod", e, err)
	}
}

func TestImportFolderFromTheWindow(t *testing.T) {
	tw := newTestWindow(t, nil)
	dir, err := filepath.Abs("../../storage/exchange/testdata/bruno-folder")
	if err != nil {
		t.Fatal(err)
	}
	go tw.k.importFolder(dir)
	var colls []storage.Collection
	tw.pump("the Bruno collection in the store", func() bool {
		colls, _ = tw.ws.DB.Collections()
		return len(colls) == 1 && tw.win.Canvas().Overlays().Top() != nil
	})
	tree, err := tw.ws.DB.Tree(colls[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	var count func(*storage.Node)
	count = func(x *storage.Node) {
		for _, c := range x.Children {
			if c.Kind == storage.KindRequest {
				n++
			}
			count(c)
		}
	}
	count(tree)
	if n != 6 {
		t.Errorf("the window imported %d requests from the Bruno folder, want 6", n)
	}
	var report string
	walk(tw.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			report += l.Text
		}
	})
	if !strings.Contains(report, "Imported 6 requests") {
		t.Errorf("the report says %q, want the count of requests", report)
	}
}

func TestTabsReorderFromTheKeyboardAndKeepTheOrder(t *testing.T) {
	tw := newTestWindow(t, nil)
	tw.typeURL("http://127.0.0.1:9/a")
	tw.shortcut(fyne.KeyT)
	tw.typeURL("http://127.0.0.1:9/b")
	first, second := tw.k.tabs.list[0], tw.k.tabs.list[1]
	if tw.active() != second {
		t.Fatal("Ctrl+T did not select the new tab")
	}
	e := tw.win.Canvas().Focused().(fyne.Shortcutable)
	e.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyPageUp, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift})
	if tw.k.tabs.docs.Items[0] != second.item || tw.k.tabs.list[0] != second || tw.active() != second {
		t.Fatalf("Ctrl+Shift+PageUp did not move the active tab to the front")
	}
	tw.k.tabs.saveSession(nil)
	tw.pump("the session saved in the new order", func() bool {
		s, err := tw.ws.DB.Session()
		return err == nil && s != nil && len(s.Tabs) == 2 && s.Tabs[0].ID == second.tabID && s.Tabs[1].ID == first.tabID
	})
}

func TestClosingATabInConflictTakesTheDiskVersion(t *testing.T) {
	syncDir := filepath.Join(t.TempDir(), "repo")
	var reqID string
	tw := newTestWindow(t, func(db *storage.DB) {
		c := &storage.Collection{Name: "Synced"}
		items := []storage.TreeItem{{Request: &storage.Request{Name: "Ping", Method: "GET", URL: "http://127.0.0.1:9/ping"}}}
		if err := db.CreateCollectionTree(c, items); err != nil {
			t.Fatal(err)
		}
		tree, err := db.Tree(c.ID)
		if err != nil {
			t.Fatal(err)
		}
		reqID = tree.Children[0].ID
		s, err := foldersync.New(db, foldersync.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Link(c.ID, syncDir); err != nil {
			t.Fatal(err)
		}
		s.Close()
	})
	tw.pump("folder sync started", func() bool { return tw.ws.Syncer() != nil })
	tw.k.tabs.openSaved(reqID)
	tw.pump("the saved request's tab", func() bool { return tw.k.tabs.byRequestID(reqID) != nil })
	tab := tw.k.tabs.byRequestID(reqID)
	tw.typeURL("http://127.0.0.1:9/mine")

	file := filepath.Join(syncDir, "Ping.knock.json")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, bytes.Replace(data, []byte("/ping"), []byte("/theirs"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	tw.pump("the conflict strip", func() bool { return tab.conflict.box.Visible() })
	if r, _ := tw.ws.DB.Request(reqID); r == nil || r.URL != "http://127.0.0.1:9/ping" {
		t.Fatalf("the store took the disk's version while the tab had edits: %+v", r)
	}

	// Close the tab and agree to lose the edits: the disk's version wins.
	tw.k.tabs.closeActive()
	var yes *widget.Button
	walk(tw.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Yes" {
			yes = b
		}
	})
	if yes == nil {
		t.Fatal("closing the tab did not ask about the unsaved changes")
	}
	test.Tap(yes)
	tw.pump("the disk's version in the store", func() bool {
		r, _ := tw.ws.DB.Request(reqID)
		return r != nil && r.URL == "http://127.0.0.1:9/theirs"
	})
	if c := tw.ws.Syncer().Conflicts(""); len(c) != 0 {
		t.Errorf("conflicts left open: %+v", c)
	}
}
