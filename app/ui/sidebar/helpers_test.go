package sidebar

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/storage"
	"github.com/knockhttp/knock/storage/secrets"
)

// fixture is a sidebar on a real bbolt file in a test window. The work
// the sidebar hands back to the UI goroutine lands in q, and the test
// runs it on its own goroutine (see runOnUI).
type fixture struct {
	t  testing.TB
	db *storage.DB
	q  chan func()
	w  fyne.Window
	s  *Sidebar

	opened  []string // OnOpenRequest calls
	history []string // OnOpenHistory calls
	exports []string
	curls   []string
	changes int

	uiTime time.Duration // time spent running handed-back work
	uiMax  time.Duration // the longest single piece of it
}

// run runs one piece of handed-back work, timing it.
func (f *fixture) run(fn func()) {
	start := time.Now()
	fn()
	d := time.Since(start)
	f.uiTime += d
	f.uiMax = max(f.uiMax, d)
}

// newFixture opens a fresh store; call start to build the sidebar.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	test.NewTempApp(t)
	f := &fixture{t: t, q: make(chan func(), 4096)}
	db, err := storage.Open(t.TempDir(), &storage.Options{Secrets: secrets.NewSession()})
	if err != nil {
		t.Fatal(err)
	}
	f.db = db
	t.Cleanup(func() { _ = db.Close() })
	old := runOnUI
	runOnUI = func(fn func()) { f.q <- fn }
	t.Cleanup(func() { runOnUI = old })
	return f
}

// start builds the sidebar in a window of the given size and waits for
// the first load.
func (f *fixture) start(w, h float32) *Sidebar {
	f.t.Helper()
	f.w = test.NewTempWindow(f.t, widget.NewLabel(""))
	f.s = New(f.db, f.w)
	f.s.OnOpenRequest = func(id string) { f.opened = append(f.opened, id) }
	f.s.OnOpenHistory = func(id string) { f.history = append(f.history, id) }
	f.s.OnExport = func(id string) { f.exports = append(f.exports, id) }
	f.s.OnCopyCurl = func(id string) { f.curls = append(f.curls, id) }
	f.s.OnChanged = func() { f.changes++ }
	f.w.SetContent(f.s.Content())
	f.w.Resize(fyne.NewSize(w, h))
	f.t.Cleanup(f.settle) // nothing may touch the store after it closes
	f.settle()
	return f.s
}

// settle runs what the sidebar hands back until no job is left.
func (f *fixture) settle() {
	f.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case fn := <-f.q:
			f.run(fn)
			continue
		default:
		}
		if f.s == nil || f.s.busy.Load() == 0 {
			select {
			case fn := <-f.q:
				f.run(fn)
				continue
			default:
				return
			}
		}
		select {
		case fn := <-f.q:
			f.run(fn)
		case <-time.After(5 * time.Millisecond):
		}
	}
	f.t.Fatal("the sidebar's background work did not finish within 20 s")
}

// waitFor runs handed-back work until cond holds (at most 10 s).
func (f *fixture) waitFor(what string, cond func() bool) {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			f.t.Fatalf("timed out waiting for %s", what)
		}
		select {
		case fn := <-f.q:
			f.run(fn)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// must fails the test on an error.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// ---- the sample store ----

// sample holds the IDs of seed's documents.
type sample struct {
	petStore, pets, admin, authDemos                  string
	listPets, addPet, removePet, updateStore, patchIt string
	preflight, basicAuth, ping, customVerb            string
}

// seed stores two collections:
//
//	Pet Store
//	  Pets/          GET List pets, POST Add pet, Admin/ (DELETE Remove pet)
//	  PUT Update store
//	  PATCH Patch store
//	  OPTIONS Preflight
//	Auth demos
//	  GET Basic auth
//	  HEAD Ping
//	  PURGE Purge cache
func seed(t *testing.T, db *storage.DB) sample {
	t.Helper()
	listPets := &storage.Request{Name: "List pets", Method: "GET", URL: "https://shop.test/pets"}
	addPet := &storage.Request{Name: "Add pet", Method: "POST", URL: "https://shop.test/pets"}
	removePet := &storage.Request{Name: "Remove pet", Method: "DELETE", URL: "https://shop.test/pets/{{id}}"}
	update := &storage.Request{Name: "Update store", Method: "PUT", URL: "https://shop.test/store"}
	patch := &storage.Request{Name: "Patch store", Method: "PATCH", URL: "https://shop.test/store"}
	pre := &storage.Request{Name: "Preflight", Method: "OPTIONS", URL: "https://shop.test/"}
	pets, admin := &storage.Folder{Name: "Pets"}, &storage.Folder{Name: "Admin"}
	ps := &storage.Collection{Name: "Pet Store"}
	must(t, db.CreateCollectionTree(ps, []storage.TreeItem{
		{Folder: pets, Children: []storage.TreeItem{
			{Request: listPets}, {Request: addPet},
			{Folder: admin, Children: []storage.TreeItem{{Request: removePet}}},
		}},
		{Request: update}, {Request: patch}, {Request: pre},
	}))
	basic := &storage.Request{Name: "Basic auth", Method: "GET", URL: "https://auth.test/basic-auth/user/pass"}
	ping := &storage.Request{Name: "Ping", Method: "HEAD", URL: "https://auth.test/status/200"}
	purge := &storage.Request{Name: "Purge cache", Method: "PURGE", URL: "https://auth.test/cache"}
	ad := &storage.Collection{Name: "Auth demos"}
	must(t, db.CreateCollectionTree(ad, []storage.TreeItem{{Request: basic}, {Request: ping}, {Request: purge}}))
	return sample{
		petStore: ps.ID, pets: pets.ID, admin: admin.ID, authDemos: ad.ID,
		listPets: listPets.ID, addPet: addPet.ID, removePet: removePet.ID, updateStore: update.ID,
		patchIt: patch.ID, preflight: pre.ID, basicAuth: basic.ID, ping: ping.ID, customVerb: purge.ID,
	}
}

// storedNames lists a parent's children's names as the store orders them.
func storedNames(t *testing.T, db *storage.DB, collID, parentID string) []string {
	t.Helper()
	root, err := db.Tree(collID)
	must(t, err)
	var find func(n *storage.Node) *storage.Node
	find = func(n *storage.Node) *storage.Node {
		if n.ID == parentID {
			return n
		}
		for _, c := range n.Children {
			if r := find(c); r != nil {
				return r
			}
		}
		return nil
	}
	p := find(root)
	if p == nil {
		t.Fatalf("%s is not in collection %s", parentID, collID)
	}
	var out []string
	for _, c := range p.Children {
		out = append(out, c.Name)
	}
	return out
}

// ---- looking at the window ----

// walk visits every visible object under o.
func walk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
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

// treeRows lists the rows the window shows under root, top to bottom, as
// "GET List pets" for requests and "Pets" for folders and collections.
func treeRows(root fyne.CanvasObject) []string {
	type placed struct {
		y    float32
		text string
	}
	var rows []placed
	walk(root, func(o fyne.CanvasObject) {
		r, ok := o.(*treeRow)
		if !ok || r.id == "" {
			return
		}
		text := r.name.Text
		if r.badge.Visible() {
			text = r.badge.text.Text + " " + text
		}
		rows = append(rows, placed{fyne.CurrentApp().Driver().AbsolutePositionForObject(r).Y, text})
	})
	for i := 1; i < len(rows); i++ { // insertion sort by position
		for j := i; j > 0 && rows[j].y < rows[j-1].y; j-- {
			rows[j], rows[j-1] = rows[j-1], rows[j]
		}
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.text
	}
	return out
}

// rowFor finds the shown row of id under root.
func rowFor(t testing.TB, root fyne.CanvasObject, id string) *treeRow {
	t.Helper()
	var found *treeRow
	walk(root, func(o fyne.CanvasObject) {
		if r, ok := o.(*treeRow); ok && r.id == id && found == nil {
			found = r
		}
	})
	if found == nil {
		t.Fatalf("no row shows %s", id)
	}
	return found
}

// topOverlay is the pop-up or dialog on top of the window.
func topOverlay(t testing.TB, w fyne.Window) fyne.CanvasObject {
	t.Helper()
	o := w.Canvas().Overlays().Top()
	if o == nil {
		t.Fatal("nothing pops up over the window")
	}
	return o
}

// menuLabels lists the items of the pop-up menu on top, disabled ones
// in brackets.
func menuLabels(t testing.TB, w fyne.Window) []string {
	t.Helper()
	m := menuOnTop(t, w)
	var out []string
	for _, it := range m.Items {
		if mi := menuItemOf(it); mi != nil && !mi.IsSeparator {
			if mi.Disabled {
				out = append(out, "["+mi.Label+"]")
			} else {
				out = append(out, mi.Label)
			}
		}
	}
	return out
}

// tapMenuItem taps the item labelled label of the pop-up menu on top.
func tapMenuItem(t testing.TB, w fyne.Window, label string) {
	t.Helper()
	m := menuOnTop(t, w)
	for _, it := range m.Items {
		if mi := menuItemOf(it); mi != nil && mi.Label == label {
			test.Tap(it.(fyne.Tappable))
			return
		}
	}
	t.Fatalf("the menu has no %q: %v", label, menuLabels(t, w))
}

// menuOnTop is the pop-up menu over the window.
func menuOnTop(t testing.TB, w fyne.Window) *widget.Menu {
	t.Helper()
	var m *widget.Menu
	walk(topOverlay(t, w), func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Menu:
			if m == nil {
				m = x
			}
		case *widget.PopUpMenu:
			if m == nil {
				m = x.Menu
			}
		}
	})
	if m == nil {
		t.Fatalf("the top overlay (%T) holds no menu", w.Canvas().Overlays().Top())
	}
	return m
}

// menuItemOf reads the *fyne.MenuItem behind one of Fyne's menu rows
// (the row type is unexported; its Item field is not).
func menuItemOf(o fyne.CanvasObject) *fyne.MenuItem {
	v := reflect.ValueOf(o)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return nil
	}
	f := v.Elem().FieldByName("Item")
	if !f.IsValid() {
		return nil
	}
	mi, _ := f.Interface().(*fyne.MenuItem)
	return mi
}

// rightClick opens a row's menu as a secondary tap does.
func (f *fixture) rightClick(id string) {
	f.t.Helper()
	test.TapSecondary(rowFor(f.t, f.s.Content(), id))
}

// menuAction right-clicks id's row and taps label in its menu.
func (f *fixture) menuAction(id, label string) {
	f.t.Helper()
	f.rightClick(id)
	tapMenuItem(f.t, f.w, label)
}

// dialogEntry is the first entry of the dialog on top.
func (f *fixture) dialogEntry() *widget.Entry {
	f.t.Helper()
	var entry *widget.Entry
	walk(topOverlay(f.t, f.w), func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok && entry == nil {
			entry = e
		}
	})
	if entry == nil {
		f.t.Fatal("the dialog has no entry")
	}
	return entry
}

// answerDialog types text into the entry of the dialog on top, as a user
// does over the selected proposal, and taps the button labelled button.
func (f *fixture) answerDialog(text, button string) {
	f.t.Helper()
	entry := f.dialogEntry()
	if f.w.Canvas().Focused() != entry {
		f.t.Fatal("the name entry has no focus")
	}
	test.Type(entry, text) // replaces the selected proposal
	if entry.Text != text {
		f.t.Fatalf("typing over the proposal gave %q", entry.Text)
	}
	f.tapButton(topOverlay(f.t, f.w), button)
}

// findButton is the visible button labelled label under root, or nil.
func findButton(root fyne.CanvasObject, label string) *widget.Button {
	var found *widget.Button
	walk(root, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == label && found == nil {
			found = b
		}
	})
	return found
}

// dialogText is every text of the dialog on top, joined by spaces.
func dialogText(t testing.TB, w fyne.Window) string {
	t.Helper()
	var parts []string
	walk(topOverlay(t, w), func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			parts = append(parts, x.Text)
		case *canvas.Text:
			parts = append(parts, x.Text)
		}
	})
	return strings.Join(parts, " ")
}

// tapButton taps the visible button labelled label under root.
func (f *fixture) tapButton(root fyne.CanvasObject, label string) {
	f.t.Helper()
	found := findButton(root, label)
	if found == nil {
		f.t.Fatalf("no button %q", label)
	}
	if found.Disabled() {
		f.t.Fatalf("the button %q is disabled", label)
	}
	test.Tap(found)
}

func equal(a, b []string) bool { return strings.Join(a, "\x00") == strings.Join(b, "\x00") }
