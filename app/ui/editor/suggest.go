package editor

import (
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// maxSuggestions bounds the popup's list.
const maxSuggestions = 50

// suggestSource offers completions for what is typed in an entry.
type suggestSource interface {
	// candidates returns the completions for the entry's text and cursor,
	// or none.
	candidates(e *hookEntry) []string
	// accept writes the chosen completion into the entry.
	accept(e *hookEntry, item string)
}

// offerCompletions asks the entry's sources, in order, for completions and
// shows the first non-empty list, or hides the popup.
func (e *hookEntry) offerCompletions() {
	if e.accepting || len(e.sources) == 0 {
		return
	}
	for _, src := range e.sources {
		if items := src.candidates(e); len(items) > 0 {
			e.showCompletions(src, items)
			return
		}
	}
	e.hideCompletions()
}

func (e *hookEntry) showCompletions(src suggestSource, items []string) {
	c := fyne.CurrentApp().Driver().CanvasForObject(e)
	if c == nil {
		return
	}
	if e.popup == nil {
		e.popup = newSuggestPopup(e, c)
	}
	e.popup.show(src, items)
}

func (e *hookEntry) hideCompletions() {
	if e.popup != nil {
		e.popup.hide()
	}
}

// suggestPopup is the list of completions under an entry. While it is
// shown, Fyne sends keys to it (the top overlay has the focus): it keeps
// Up, Down, Enter, Tab and Escape, and passes every other key and rune on
// to the entry, so typing goes on as if the entry still had the focus.
type suggestPopup struct {
	widget.BaseWidget
	entry    *hookEntry
	canvas   fyne.Canvas
	list     *widget.List
	popup    *widget.PopUp
	src      suggestSource
	items    []string
	selected int
	shown    bool
	keyNav   bool // the list selection moves because of a key, not a tap
}

func newSuggestPopup(e *hookEntry, c fyne.Canvas) *suggestPopup {
	p := &suggestPopup{entry: e, canvas: c}
	p.list = widget.NewList(p.length, p.createRow, p.updateRow)
	p.list.OnSelected = p.onRowSelected
	p.ExtendBaseWidget(p)
	p.popup = widget.NewPopUp(p, c)
	return p
}

// CreateRenderer implements fyne.Widget.
func (p *suggestPopup) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(p.list)
}

func (p *suggestPopup) length() int { return len(p.items) }

func (p *suggestPopup) createRow() fyne.CanvasObject { return widget.NewLabel("") }

func (p *suggestPopup) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id < len(p.items) {
		o.(*widget.Label).SetText(p.items[id])
	}
}

func (p *suggestPopup) show(src suggestSource, items []string) {
	p.src = src
	p.items = items
	p.selected = 0
	p.keyNav = true
	p.list.Refresh()
	p.list.Select(0)
	p.list.ScrollToTop()
	p.keyNav = false

	// A list row is a label plus the theme's padding.
	pad := theme.Padding()
	rowH := widget.NewLabel("X").MinSize().Height + pad
	height := float32(min(len(items), 8))*rowH + pad
	width := min(max(p.entry.Size().Width, 220), 480)
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(p.entry)
	pos.Y += p.entry.Size().Height
	p.popup.ShowAtPosition(pos)
	p.popup.Resize(fyne.NewSize(width, height))
	p.shown = true
	p.canvas.Focus(p)
}

func (p *suggestPopup) hide() {
	if p.shown {
		p.shown = false
		p.popup.Hide()
		p.canvas.Focus(p.entry)
	}
}

func (p *suggestPopup) onRowSelected(id widget.ListItemID) {
	if p.keyNav {
		return
	}
	p.selected = id
	p.choose()
}

// choose accepts the selected item.
func (p *suggestPopup) choose() {
	if p.selected >= len(p.items) {
		p.hide()
		return
	}
	item, src := p.items[p.selected], p.src
	p.hide()
	p.entry.accepting = true
	src.accept(p.entry, item)
	p.entry.accepting = false
}

func (p *suggestPopup) move(delta int) {
	if len(p.items) == 0 {
		return
	}
	p.selected = (p.selected + delta + len(p.items)) % len(p.items)
	p.keyNav = true
	p.list.Select(p.selected)
	p.keyNav = false
}

// FocusGained implements fyne.Focusable.
func (p *suggestPopup) FocusGained() {}

// FocusLost implements fyne.Focusable.
func (p *suggestPopup) FocusLost() {}

// TypedRune implements fyne.Focusable: the rune goes to the entry.
func (p *suggestPopup) TypedRune(r rune) { p.entry.TypedRune(r) }

// TypedKey implements fyne.Focusable.
func (p *suggestPopup) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyDown:
		p.move(1)
	case fyne.KeyUp:
		p.move(-1)
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeyTab:
		p.choose()
	case fyne.KeyEscape:
		p.hide()
	default:
		p.entry.TypedKey(k)
	}
}

// TypedShortcut implements fyne.Shortcutable: shortcuts go to the entry.
func (p *suggestPopup) TypedShortcut(sc fyne.Shortcut) {
	p.hide()
	p.entry.TypedShortcut(sc)
}

// filterNames returns the names that start with partial, then those that
// contain it, ignoring case; an exact match alone offers nothing.
func filterNames(names []string, partial string) []string {
	lower := strings.ToLower(partial)
	var prefix, inside []string
	for _, n := range names {
		ln := strings.ToLower(n)
		switch {
		case strings.HasPrefix(ln, lower):
			prefix = append(prefix, n)
		case lower != "" && strings.Contains(ln, lower):
			inside = append(inside, n)
		}
	}
	out := append(prefix, inside...)
	if len(out) == 1 && strings.EqualFold(out[0], partial) {
		return nil
	}
	return out[:min(len(out), maxSuggestions)]
}

// dynamicVariables are the engine's built-in {{$name}} values.
var dynamicVariables = []string{"$guid", "$isoTimestamp", "$randomInt", "$randomUUID", "$timestamp", "$uuid"}

// varSource completes a {{variable}} name after "{{".
type varSource struct {
	names func() []string
}

func (s varSource) candidates(e *hookEntry) []string {
	partial, ok := openVarPrefix(e.textBeforeCursor())
	if !ok {
		return nil
	}
	var names []string
	if s.names != nil {
		names = append(names, s.names()...)
	}
	sort.Strings(names)
	names = append(names, dynamicVariables...)
	return filterNames(names, partial)
}

func (s varSource) accept(e *hookEntry, item string) {
	partial, _ := openVarPrefix(e.textBeforeCursor())
	e.deleteBack(len([]rune(partial)))
	if strings.HasPrefix(e.textAfterCursor(), "}}") {
		e.typeText(item)
		return
	}
	e.typeText(item + "}}")
}

// listSource completes the whole text of an entry from a fixed list
// (header names).
type listSource struct {
	items []string
}

func (s listSource) candidates(e *hookEntry) []string {
	if strings.TrimSpace(e.Text) == "" || strings.Contains(e.Text, "{{") {
		return nil
	}
	return filterNames(s.items, e.Text)
}

func (s listSource) accept(e *hookEntry, item string) {
	e.SetText(item)
	e.CursorRow, e.CursorColumn = 0, len([]rune(item))
	e.Refresh()
}
