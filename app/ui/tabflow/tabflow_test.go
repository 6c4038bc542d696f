package tabflow

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestTabFollowsReadingOrder presses Tab through a Border and checks the
// focus visits top, left, centre, right, bottom in turn.
func TestTabFollowsReadingOrder(t *testing.T) {
	top, left, center := widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	right, bottom := widget.NewEntry(), widget.NewEntry()
	w := test.NewWindow(Border(top, bottom, left, right, center))
	defer w.Close()
	w.Resize(fyne.NewSize(400, 300))
	c := w.Canvas()
	order := []*widget.Entry{top, left, center, right, bottom}
	names := []string{"top", "left", "center", "right", "bottom"}
	c.Focus(top)
	for i := 1; i < len(order); i++ {
		c.FocusNext()
		if c.Focused() != order[i] {
			t.Fatalf("Tab %d focused %v, want the %s entry", i, c.Focused(), names[i])
		}
	}
}

func TestBorderSkipsNilEdgesAndLaysOut(t *testing.T) {
	center := widget.NewLabel("c")
	top := widget.NewLabel("t")
	b := Border(top, nil, nil, nil, center)
	if len(b.Objects) != 2 || b.Objects[0] != top || b.Objects[1] != center {
		t.Fatalf("objects %v, want [top center]", b.Objects)
	}
	b.Resize(fyne.NewSize(200, 200))
	if center.Position().Y < top.MinSize().Height {
		t.Errorf("centre at y=%v overlaps the top (height %v)", center.Position().Y, top.MinSize().Height)
	}
}
