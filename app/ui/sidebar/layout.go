package sidebar

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// stackedLabels lays a name over its path with no gap, so a search hit
// takes barely more height than a tree row.
type stackedLabels struct{}

func (stackedLabels) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	top, bottom := objs[0], objs[1]
	th := top.MinSize().Height
	bh := bottom.MinSize().Height
	overlap := theme.InnerPadding()
	top.Move(fyne.NewPos(0, 0))
	top.Resize(fyne.NewSize(size.Width, th))
	bottom.Move(fyne.NewPos(0, th-overlap))
	bottom.Resize(fyne.NewSize(size.Width, bh))
}

func (stackedLabels) MinSize(objs []fyne.CanvasObject) fyne.Size {
	a, b := objs[0].MinSize(), objs[1].MinSize()
	return fyne.NewSize(max(a.Width, b.Width), a.Height+b.Height-theme.InnerPadding())
}

// fixedWidth gives its one object a fixed width and centres it
// vertically.
type fixedWidth struct{ w float32 }

func (l *fixedWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		m := o.MinSize()
		o.Move(fyne.NewPos(0, (size.Height-m.Height)/2))
		o.Resize(fyne.NewSize(l.w, m.Height))
	}
}

func (l *fixedWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(l.w, h)
}

// indent moves its objects right by a fixed amount.
type indent struct{ by float32 }

func (l *indent) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		m := o.MinSize()
		o.Move(fyne.NewPos(l.by, (size.Height-m.Height)/2))
		o.Resize(fyne.NewSize(max(0, size.Width-l.by), m.Height))
	}
}

func (l *indent) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(l.by, h)
}
