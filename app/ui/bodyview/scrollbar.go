package bodyview

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// scrollBar is a scroll bar over a range of whole rows or columns: the
// position is an integer, so it stays exact for millions of rows (Fyne's
// scroll container keeps a float32 offset in pixels, which drifts there).
// Dragging the thumb or tapping the track reports a fraction of the range.
type scrollBar struct {
	widget.BaseWidget
	horizontal bool
	onChanged  func(frac float32)

	total, visible, pos int
	hovered             bool
	dragFrac            float32 // the thumb's position while dragging
	dragging            bool
}

func newScrollBar(horizontal bool, onChanged func(float32)) *scrollBar {
	b := &scrollBar{horizontal: horizontal, onChanged: onChanged}
	b.ExtendBaseWidget(b)
	return b
}

// set shows that visible of total units are on screen, from pos.
func (b *scrollBar) set(total, visible, pos int) {
	if b.total == total && b.visible == visible && b.pos == pos {
		return
	}
	b.total, b.visible, b.pos = total, visible, pos
	if b.total <= b.visible {
		b.Hide()
		return
	}
	b.Show()
	b.Refresh()
}

// thumb returns the thumb's start and length along the track.
func (b *scrollBar) thumb(track float32) (start, length float32) {
	if b.total <= b.visible || track <= 0 {
		return 0, track
	}
	length = max(track*float32(b.visible)/float32(b.total), min(track/2, theme.ScrollBarSize()*2))
	frac := float32(b.pos) / float32(b.total-b.visible)
	if b.dragging {
		frac = b.dragFrac
	}
	return min(max(frac, 0), 1) * (track - length), length
}

func (b *scrollBar) along(p fyne.Position) float32 {
	if b.horizontal {
		return p.X
	}
	return p.Y
}

func (b *scrollBar) length() float32 {
	if b.horizontal {
		return b.Size().Width
	}
	return b.Size().Height
}

// Dragged implements fyne.Draggable.
func (b *scrollBar) Dragged(ev *fyne.DragEvent) {
	track := b.length()
	start, length := b.thumb(track)
	if !b.dragging {
		b.dragging = true
		b.dragFrac = start / max(track-length, 1)
	}
	d := ev.Dragged.DY
	if b.horizontal {
		d = ev.Dragged.DX
	}
	b.dragFrac = min(max(b.dragFrac+d/max(track-length, 1), 0), 1)
	b.onChanged(b.dragFrac)
	b.Refresh()
}

// DragEnd implements fyne.Draggable.
func (b *scrollBar) DragEnd() {
	b.dragging = false
	b.Refresh()
}

// Tapped implements fyne.Tappable: a tap on the track pages towards it.
func (b *scrollBar) Tapped(ev *fyne.PointEvent) {
	track := b.length()
	start, length := b.thumb(track)
	at := b.along(ev.Position)
	page := float32(b.visible) / float32(max(b.total-b.visible, 1))
	frac := float32(b.pos) / float32(max(b.total-b.visible, 1))
	switch {
	case at < start:
		b.onChanged(max(frac-page, 0))
	case at > start+length:
		b.onChanged(min(frac+page, 1))
	}
}

// MouseIn implements desktop.Hoverable: the thumb widens under the mouse.
func (b *scrollBar) MouseIn(*desktop.MouseEvent) { b.hovered = true; b.Refresh() }

// MouseMoved implements desktop.Hoverable.
func (b *scrollBar) MouseMoved(*desktop.MouseEvent) {}

// MouseOut implements desktop.Hoverable.
func (b *scrollBar) MouseOut() { b.hovered = false; b.Refresh() }

// CreateRenderer implements fyne.Widget.
func (b *scrollBar) CreateRenderer() fyne.WidgetRenderer {
	r := &scrollBarRenderer{b: b, thumb: canvas.NewRectangle(color.Transparent)}
	r.thumb.CornerRadius = theme.ScrollBarSmallSize()
	return r
}

type scrollBarRenderer struct {
	b     *scrollBar
	thumb *canvas.Rectangle
}

func (r *scrollBarRenderer) Destroy() {}

func (r *scrollBarRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.thumb} }

func (r *scrollBarRenderer) MinSize() fyne.Size {
	s := theme.ScrollBarSize()
	return fyne.NewSize(s, s)
}

func (r *scrollBarRenderer) Layout(size fyne.Size) {
	thick := theme.ScrollBarSmallSize() * 2
	if r.b.hovered || r.b.dragging {
		thick = theme.ScrollBarSize() - 2
	}
	if r.b.horizontal {
		start, length := r.b.thumb(size.Width)
		r.thumb.Move(fyne.NewPos(start, size.Height-thick-1))
		r.thumb.Resize(fyne.NewSize(length, thick))
	} else {
		start, length := r.b.thumb(size.Height)
		r.thumb.Move(fyne.NewPos(size.Width-thick-1, start))
		r.thumb.Resize(fyne.NewSize(thick, length))
	}
}

func (r *scrollBarRenderer) Refresh() {
	r.thumb.FillColor = theme.ColorForWidget(theme.ColorNameScrollBar, r.b)
	r.Layout(r.b.Size())
	r.thumb.Refresh()
}
