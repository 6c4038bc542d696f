package sidebar

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// hitRows lists the search results the window shows, as
// "GET List pets @ Pet Store › Pets".
func hitRows(root fyne.CanvasObject) []string {
	var out []string
	walk(root, func(o fyne.CanvasObject) {
		if r, ok := o.(*treeRow); ok && r.id != "" && r.path != nil {
			out = append(out, r.badge.text.Text+" "+r.name.Text+" @ "+r.path.String())
		}
	})
	return out
}

func TestSidebarSearchFiltersAsYouType(t *testing.T) {
	f := newFixture(t)
	ids := seed(t, f.db)
	f.start(320, 700)
	tree := treeRows(f.s.Content())
	v := f.s.colls.search

	// Typed one key at a time without waiting: only the last text counts.
	f.w.Canvas().Focus(v.entry)
	test.Type(v.entry, "pets")
	f.settle()
	want := []string{
		"GET List pets @ Pet Store › Pets",
		"POST Add pet @ Pet Store › Pets",
		"DEL Remove pet @ Pet Store › Pets › Admin",
	}
	if got := hitRows(f.s.Content()); !equal(got, want) {
		t.Fatalf("\"pets\" shows\n%q\nwant\n%q", got, want)
	}
	if f.s.colls.tree.Visible() {
		t.Fatal("the tree shows beside the results")
	}
	if v.note.String() != "3 requests" {
		t.Fatalf("the note says %q", v.note.String())
	}

	// More words narrow it: every word must match name, URL or method.
	test.Type(v.entry, " del")
	f.settle()
	if got := hitRows(f.s.Content()); !equal(got, want[2:]) {
		t.Fatalf("\"pets del\" shows %q", got)
	}

	// By method alone.
	v.entry.SetText("head")
	f.settle()
	if got := hitRows(f.s.Content()); !equal(got, []string{"HEAD Ping @ Auth demos"}) {
		t.Fatalf("\"head\" shows %q", got)
	}

	// Nothing found says so.
	v.entry.SetText("graphql")
	f.settle()
	if len(hitRows(f.s.Content())) != 0 || !strings.Contains(v.note.String(), "No saved request matches") {
		t.Fatalf("no match shows %q with note %q", hitRows(f.s.Content()), v.note.String())
	}

	// Tapping a hit opens it and selects it in the tree.
	v.entry.SetText("basic")
	f.settle()
	test.Tap(rowFor(t, v.content(), ids.basicAuth))
	if !equal(f.opened, []string{ids.basicAuth}) || f.s.colls.selected != ids.basicAuth {
		t.Fatalf("tapping a hit opened %v, selected %q", f.opened, f.s.colls.selected)
	}

	// An empty box brings the tree back as it was.
	v.entry.SetText("")
	f.settle()
	if !f.s.colls.tree.Visible() || v.box.Visible() {
		t.Fatal("clearing the search does not bring the tree back")
	}
	if got := treeRows(f.s.Content()); !equal(got, tree) {
		t.Fatalf("after clearing, the tree shows\n%q\nwant\n%q", got, tree)
	}
}

func TestSidebarSearchFollowsEdits(t *testing.T) {
	f := newFixture(t)
	ids := seed(t, f.db)
	f.start(320, 700)
	v := f.s.colls.search
	v.entry.SetText("/store")
	f.settle()
	if n := len(v.hits); n != 2 {
		t.Fatalf("\"/store\" found %d", n)
	}
	// The hits' menu works like the tree's: renaming updates the hits.
	test.TapSecondary(rowFor(t, v.content(), ids.updateStore))
	tapMenuItem(t, f.w, actRename)
	f.answerDialog("Replace shop", "Rename")
	f.settle()
	got := hitRows(f.s.Content())
	if !equal(got, []string{"PUT Replace shop @ Pet Store", "PATCH Patch store @ Pet Store"}) {
		t.Fatalf("after the rename the hits are %q", got)
	}
	// Deleting removes the hit.
	test.TapSecondary(rowFor(t, v.content(), ids.patchIt))
	tapMenuItem(t, f.w, actDelete)
	f.settle()
	if got := hitRows(f.s.Content()); !equal(got, []string{"PUT Replace shop @ Pet Store"}) {
		t.Fatalf("after the delete the hits are %q", got)
	}
}
