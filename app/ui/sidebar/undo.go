package sidebar

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// undoFor is how long the Undo banner stays after a delete.
const undoFor = 8 * time.Second

// undoBanner is the strip at the bottom of the Collections pane after a
// delete: "Deleted request “Login”   Undo  ×". It hides itself after
// undoFor, or when a newer delete replaces it.
type undoBanner struct {
	do       func(func())
	after    time.Duration
	relayout func() // lays out the pane around the banner after show and hide

	bg    *canvas.Rectangle
	label *widget.Label
	undo  *widget.Button
	close *widget.Button
	box   *fyne.Container

	action func()
	timer  *time.Timer
	gen    int // bumped at each show, so an old timer hides nothing
}

func newUndoBanner(do func(func())) *undoBanner {
	b := &undoBanner{do: do, after: undoFor, relayout: func() {}}
	b.label = &widget.Label{Truncation: fyne.TextTruncateEllipsis}
	b.undo = &widget.Button{Text: "Undo", Icon: theme.ContentUndoIcon(), Importance: widget.HighImportance, OnTapped: b.onUndo}
	b.close = &widget.Button{Icon: theme.CancelIcon(), Importance: widget.LowImportance, OnTapped: b.hide}
	b.bg = canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	b.bg.CornerRadius = theme.InputRadiusSize()
	strip := container.NewStack(b.bg, container.NewBorder(nil, nil, nil, container.NewHBox(b.undo, b.close), b.label))
	b.box = container.NewPadded(strip)
	b.box.Hide()
	return b
}

func (b *undoBanner) content() fyne.CanvasObject { return b.box }

// show puts up msg with an Undo button that calls action once.
func (b *undoBanner) show(msg string, action func()) {
	b.stop()
	b.gen++
	gen := b.gen
	b.action = action
	b.label.SetText(msg)
	b.bg.FillColor = theme.Color(theme.ColorNameInputBackground) // the theme may have changed
	b.box.Show()
	b.relayout()
	b.timer = time.AfterFunc(b.after, func() { b.do(func() { b.expire(gen) }) })
}

func (b *undoBanner) expire(gen int) {
	if gen == b.gen {
		b.hide()
	}
}

func (b *undoBanner) onUndo() {
	a := b.action
	b.hide()
	if a != nil {
		a()
	}
}

func (b *undoBanner) hide() {
	b.stop()
	b.action = nil
	if b.box.Visible() {
		b.box.Hide()
		b.relayout()
	}
}

func (b *undoBanner) stop() {
	if b.timer != nil {
		b.timer.Stop()
		b.timer = nil
	}
}
