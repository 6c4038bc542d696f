package editor

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/authlib"
)

// newTestEditor builds an editor in a 1100×700 test window.
func newTestEditor(t *testing.T, opts Options) (*Editor, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	e := New(opts)
	w := test.NewTempWindow(t, e.Content())
	w.Resize(fyne.NewSize(1100, 700))
	return e, w
}

// dirtyCounter counts OnChanged calls.
func dirtyCounter(e *Editor) *int {
	n := new(int)
	e.OnChanged = func() { *n++ }
	return n
}

// selectTab shows the sub-tab whose title starts with name.
func selectTab(t *testing.T, e *Editor, item *container.TabItem) {
	t.Helper()
	e.tabs.tabs.Select(item)
}

// typeInto focuses an entry, puts the cursor at the end of its text and
// types text, as a user would.
func typeInto(w fyne.Window, e *hookEntry, text string) {
	w.Canvas().Focus(e)
	lines := strings.Split(e.Text, "\n")
	e.CursorRow, e.CursorColumn = len(lines)-1, len([]rune(lines[len(lines)-1]))
	test.Type(e, text)
}

// selectAll selects an entry's text as Ctrl+A does, so that what is
// typed next replaces it.
func selectAll(w fyne.Window, e interface {
	fyne.Focusable
	fyne.Shortcutable
}) {
	w.Canvas().Focus(e)
	e.TypedShortcut(&fyne.ShortcutSelectAll{})
}

// uiQueue receives what the editor's goroutines hand back to the UI
// goroutine, so that the test runs it on its own goroutine: Fyne's test
// driver would run it on the worker goroutine, a data race.
type uiQueue chan func()

func newUIQueue(t *testing.T) uiQueue {
	t.Helper()
	q := make(uiQueue, 256)
	old := uiHandOff.Load()
	uiHandOff.Store(func(f func()) { q <- f })
	t.Cleanup(func() { uiHandOff.Store(old) })
	return q
}

// next runs the next result handed back, waiting for it.
func (q uiQueue) next(t *testing.T) {
	t.Helper()
	select {
	case f := <-q:
		f()
	case <-time.After(10 * time.Second):
		t.Fatal("the background work handed nothing back")
	}
}

func mustMethod(t *testing.T, e *Editor, typ string) authlib.Method {
	t.Helper()
	m, ok := e.auth.method(typ)
	if !ok {
		t.Fatalf("auth method %q is not registered", typ)
	}
	return m
}

var keyBackspace = &fyne.KeyEvent{Name: fyne.KeyBackspace}

// CursorTo puts the raw editor's cursor at row, col.
func (p *rawBody) CursorTo(row, col int) { p.text.CursorRow, p.text.CursorColumn = row, col }

// findButton finds the button with text under o.
func findButton(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Button:
			if x.Text == text {
				found = x
			}
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case *container.Scroll:
			walk(x.Content)
		}
	}
	walk(o)
	if found == nil {
		t.Fatalf("no button %q", text)
	}
	return found
}
