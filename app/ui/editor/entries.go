package editor

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// shortcutHook is Options.Shortcut: the window's shortcuts, tried first.
type shortcutHook func(fyne.Shortcut) bool

// hookEntry is the editor's text field. It passes shortcuts to the window
// first (Fyne gives a shortcut only to the focused widget), lets its owner
// take a paste (a curl command in the URL), and offers completions while
// the user types.
type hookEntry struct {
	widget.Entry
	hook    shortcutHook
	onPaste func(text string) bool // reports whether it took the paste
	sources []suggestSource
	popup   *suggestPopup
	// accepting is set while a completion is typed in, so that the
	// typing does not open the popup again.
	accepting bool
}

func newHookEntry(hook shortcutHook, placeholder string) *hookEntry {
	e := &hookEntry{hook: hook}
	e.ExtendBaseWidget(e)
	e.PlaceHolder = placeholder
	return e
}

// newHookArea is a multi-line entry for code: monospace, no wrapping.
func newHookArea(hook shortcutHook, placeholder string) *hookEntry {
	e := &hookEntry{hook: hook}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapOff
	e.Scroll = fyne.ScrollBoth
	e.TextStyle = fyne.TextStyle{Monospace: true}
	e.PlaceHolder = placeholder
	e.ExtendBaseWidget(e)
	return e
}

// newSecretEntry is a password entry: masked until its eye toggle (Fyne's
// password revealer, the entry's ActionItem) is tapped.
func newSecretEntry(hook shortcutHook, placeholder string) *hookEntry {
	e := &hookEntry{hook: hook}
	e.Password = true
	e.PlaceHolder = placeholder
	e.ExtendBaseWidget(e)
	return e
}

// TypedShortcut implements fyne.Shortcutable.
func (e *hookEntry) TypedShortcut(sc fyne.Shortcut) {
	if e.hook != nil && e.hook(sc) {
		return
	}
	if p, ok := sc.(*fyne.ShortcutPaste); ok && e.onPaste != nil && p.Clipboard != nil {
		if e.onPaste(p.Clipboard.Content()) {
			return
		}
	}
	e.Entry.TypedShortcut(sc)
}

// TypedRune implements fyne.Focusable.
func (e *hookEntry) TypedRune(r rune) {
	e.Entry.TypedRune(r)
	e.offerCompletions()
}

// TypedKey implements fyne.Focusable.
func (e *hookEntry) TypedKey(k *fyne.KeyEvent) {
	e.Entry.TypedKey(k)
	switch k.Name {
	case fyne.KeyBackspace, fyne.KeyDelete:
		e.offerCompletions()
	case fyne.KeyEscape, fyne.KeyReturn, fyne.KeyEnter, fyne.KeyUp, fyne.KeyDown:
		e.hideCompletions()
	}
}

// textBeforeCursor is the entry's text left of the cursor.
func (e *hookEntry) textBeforeCursor() string {
	rows := strings.Split(e.Text, "\n")
	if e.CursorRow >= len(rows) {
		return e.Text
	}
	line := []rune(rows[e.CursorRow])
	col := min(e.CursorColumn, len(line))
	before := strings.Join(rows[:e.CursorRow], "\n")
	if e.CursorRow > 0 {
		before += "\n"
	}
	return before + string(line[:col])
}

// textAfterCursor is the rest of the cursor's line.
func (e *hookEntry) textAfterCursor() string {
	rows := strings.Split(e.Text, "\n")
	if e.CursorRow >= len(rows) {
		return ""
	}
	line := []rune(rows[e.CursorRow])
	return string(line[min(e.CursorColumn, len(line)):])
}

// typeText inserts s at the cursor as if typed, without offering
// completions.
func (e *hookEntry) typeText(s string) {
	e.accepting = true
	defer func() { e.accepting = false }()
	for _, r := range s {
		e.Entry.TypedRune(r)
	}
}

// deleteBack removes n characters left of the cursor, as Backspace does.
func (e *hookEntry) deleteBack(n int) {
	for range n {
		e.Entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	}
}

// methodEntry is the method field: a drop-down of the common methods that
// accepts any other token typed in (PURGE, PROPFIND).
type methodEntry struct {
	widget.SelectEntry
	hook shortcutHook
}

var commonMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}

func newMethodEntry(hook shortcutHook) *methodEntry {
	e := &methodEntry{hook: hook}
	e.ExtendBaseWidget(e)
	e.SetOptions(commonMethods)
	return e
}

// TypedShortcut implements fyne.Shortcutable.
func (e *methodEntry) TypedShortcut(sc fyne.Shortcut) {
	if e.hook != nil && e.hook(sc) {
		return
	}
	e.SelectEntry.TypedShortcut(sc)
}
