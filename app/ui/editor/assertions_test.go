package editor

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/storage"
)

func TestEditorAssertionsRoundTripAndMarkDirty(t *testing.T) {
	test.NewTempApp(t)
	ed := New(Options{})
	test.NewTempWindow(t, ed.Content())
	ed.SetRequest(storage.Request{Method: "GET", URL: "http://x/", Assertions: []storage.Assertion{
		{Kind: storage.AssertJQ, Target: ".items | length", Op: ">", Value: "0", Enabled: true},
	}})
	changed := 0
	ed.OnChanged = func() { changed++ }
	if got := ed.tabs.assertions.Text; got != "Assertions (1)" {
		t.Errorf("tab title %q, want the count of enabled assertions", got)
	}
	// Add one (status == 200 by default) and change its value.
	ed.assertions.onAdd()
	rows := ed.assertions.rows.Objects
	if len(rows) != 2 || changed == 0 {
		t.Fatalf("%d rows, %d changes after Add", len(rows), changed)
	}
	var value *widget.Entry
	for _, e := range entriesIn(rows[1]) {
		if e.PlaceHolder == "expected" {
			value = e
		}
	}
	if value == nil {
		t.Fatal("no value entry in the new row")
	}
	value.SetText("201")
	got := ed.Request().Assertions
	if len(got) != 2 || got[0].Target != ".items | length" || got[1].Kind != storage.AssertStatus || got[1].Value != "201" || !got[1].Enabled {
		t.Errorf("assertions %+v", got)
	}
}

// entriesIn finds the entries inside a row's containers.
func entriesIn(o fyne.CanvasObject) []*widget.Entry {
	switch x := o.(type) {
	case *widget.Entry:
		return []*widget.Entry{x}
	case *fyne.Container:
		var out []*widget.Entry
		for _, c := range x.Objects {
			out = append(out, entriesIn(c)...)
		}
		return out
	}
	return nil
}
