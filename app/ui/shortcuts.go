package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// shortcuts is the window's table of keyboard shortcuts. Fyne gives a
// shortcut to the focused widget only, so entries forward the ones they do
// not handle to this table (see shortcutEntry).
type shortcuts struct {
	byName map[string]func()
}

func newShortcuts() *shortcuts { return &shortcuts{byName: map[string]func(){}} }

// add registers key+modifier on the canvas and for every shortcutEntry.
func (s *shortcuts) add(c fyne.Canvas, key fyne.KeyName, mod fyne.KeyModifier, fn func()) {
	sc := &desktop.CustomShortcut{KeyName: key, Modifier: mod}
	s.byName[sc.ShortcutName()] = fn
	c.AddShortcut(sc, func(fyne.Shortcut) { fn() })
}

// handle runs the shortcut if it is in the table.
func (s *shortcuts) handle(sc fyne.Shortcut) bool {
	if fn, ok := s.byName[sc.ShortcutName()]; ok {
		fn()
		return true
	}
	return false
}

// shortcutEntry is an Entry that lets the window's shortcuts work while it
// has focus.
type shortcutEntry struct {
	widget.Entry
	table *shortcuts
}

func newShortcutEntry(table *shortcuts) *shortcutEntry {
	e := &shortcutEntry{table: table}
	e.ExtendBaseWidget(e)
	return e
}

// TypedShortcut implements fyne.Shortcutable.
func (e *shortcutEntry) TypedShortcut(sc fyne.Shortcut) {
	if _, custom := sc.(*desktop.CustomShortcut); custom && e.table.handle(sc) {
		return
	}
	e.Entry.TypedShortcut(sc)
}
