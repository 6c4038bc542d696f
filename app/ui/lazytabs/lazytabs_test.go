package lazytabs

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// renderCounter is a label that counts how often its renderer is made.
type renderCounter struct {
	widget.Label
	made *int
}

func newRenderCounter(text string, made *int) *renderCounter {
	r := &renderCounter{made: made}
	r.Text = text
	r.ExtendBaseWidget(r)
	return r
}

func (r *renderCounter) CreateRenderer() fyne.WidgetRenderer {
	*r.made++
	return r.Label.CreateRenderer()
}

func TestHiddenTabsAreBuiltOnFirstSelection(t *testing.T) {
	test.NewTempApp(t)
	var firstMade, secondMade int
	first := newRenderCounter("first", &firstMade)
	second := newRenderCounter("second", &secondMade)
	tabs := container.NewAppTabs(container.NewTabItem("One", first), container.NewTabItem("Two", second))
	var seen []string
	tabs.OnSelected = func(it *container.TabItem) { seen = append(seen, it.Text) }
	Defer(tabs)
	w := test.NewWindow(tabs)
	defer w.Close()
	w.Resize(fyne.NewSize(300, 200))
	if firstMade != 1 || secondMade != 0 {
		t.Fatalf("renderers made: shown tab %d, hidden tab %d; want 1 and 0", firstMade, secondMade)
	}
	tabs.SelectIndex(1)
	if tabs.Items[1].Content != second {
		t.Fatalf("the second tab's content was not swapped in")
	}
	if secondMade != 1 || !second.Visible() {
		t.Fatalf("after selecting it, the second tab's renderer was made %d times", secondMade)
	}
	if len(seen) != 1 || seen[0] != "Two" {
		t.Fatalf("the OnSelected set before Defer saw %v, want [Two]", seen)
	}
	tabs.SelectIndex(0)
	tabs.SelectIndex(1)
	if tabs.Items[1].Content != second || secondMade != 1 {
		t.Fatalf("reselecting rebuilt or lost the content (made %d)", secondMade)
	}
}
