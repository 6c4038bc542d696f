package sidebar

import (
	"errors"
	"image/color"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/knockhttp/knock/storage"
)

func TestSidebarTreeShowsStoredOrder(t *testing.T) {
	f := newFixture(t)
	ids := seed(t, f.db)
	s := f.start(320, 700)

	want := []string{
		"Pet Store", "Pets", "PUT Update store", "PATCH Patch store", "OPT Preflight",
		"Auth demos", "GET Basic auth", "HEAD Ping", "PURGE Purge cache",
	}
	if got := treeRows(s.Content()); !equal(got, want) {
		t.Fatalf("the tree shows\n%q\nwant\n%q", got, want)
	}

	// Tapping a folder opens it; its requests and sub-folder follow in
	// stored order.
	test.Tap(rowFor(t, s.Content(), ids.pets))
	test.Tap(rowFor(t, s.Content(), ids.admin))
	want = []string{
		"Pet Store", "Pets", "GET List pets", "POST Add pet", "Admin", "DEL Remove pet",
		"PUT Update store", "PATCH Patch store", "OPT Preflight",
		"Auth demos", "GET Basic auth", "HEAD Ping", "PURGE Purge cache",
	}
	if got := treeRows(s.Content()); !equal(got, want) {
		t.Fatalf("with Pets and Admin open the tree shows\n%q\nwant\n%q", got, want)
	}
	if len(f.opened) != 0 {
		t.Fatalf("tapping folders opened requests: %v", f.opened)
	}

	// Tapping Pets again closes it.
	test.Tap(rowFor(t, s.Content(), ids.pets))
	if got := treeRows(s.Content()); strings.Contains(strings.Join(got, "|"), "List pets") {
		t.Fatalf("Pets did not close: %q", got)
	}
}

func TestSidebarMethodBadges(t *testing.T) {
	f := newFixture(t)
	ids := seed(t, f.db)
	s := f.start(320, 700)
	s.Select(ids.removePet) // opens Pets and Admin
	f.settle()

	cases := []struct {
		id, text string
		color    color.Color
	}{
		{ids.listPets, "GET", colorGET},
		{ids.addPet, "POST", colorPOST},
		{ids.updateStore, "PUT", colorPUT},
		{ids.patchIt, "PATCH", colorPATCH},
		{ids.removePet, "DEL", colorDELETE},
		{ids.preflight, "OPT", colorOtherMd},
		{ids.ping, "HEAD", colorOtherMd},
		{ids.customVerb, "PURGE", colorOtherMd},
	}
	var width float32
	for _, c := range cases {
		r := rowFor(t, s.Content(), c.id)
		if !r.badge.Visible() || r.icon.Visible() {
			t.Errorf("%s: a request row shows the badge and no folder icon", c.text)
		}
		if r.badge.text.Text != c.text || r.badge.text.Color != c.color {
			t.Errorf("badge %q in %v, want %q in %v", r.badge.text.Text, r.badge.text.Color, c.text, c.color)
		}
		if !r.badge.text.TextStyle.Bold {
			t.Errorf("%s: the badge is not bold", c.text)
		}
		// Every badge is as wide as every other, so the names line up.
		if width == 0 {
			width = r.badge.Size().Width
		}
		if r.badge.Size().Width != width || width < r.badge.text.MinSize().Width {
			t.Errorf("%s: badge %v wide, want %v and room for its text", c.text, r.badge.Size().Width, width)
		}
		if x := r.name.Position().X; x != rowFor(t, s.Content(), ids.listPets).name.Position().X {
			t.Errorf("%s: the name starts at %v, not in line with the others", c.text, x)
		}
	}
	if got := methodLabel("SOMETHINGLONG"); got != "SOME…" {
		t.Errorf("a long custom method shows as %q", got)
	}
	folder := rowFor(t, s.Content(), ids.pets)
	if folder.badge.Visible() || !folder.icon.Visible() {
		t.Error("a folder row shows a badge")
	}
}

func TestSidebarTapOpensRequest(t *testing.T) {
	f := newFixture(t)
	ids := seed(t, f.db)
	s := f.start(320, 700)

	test.Tap(rowFor(t, s.Content(), ids.updateStore))
	test.Tap(rowFor(t, s.Content(), ids.updateStore)) // again: opens again
	test.Tap(rowFor(t, s.Content(), ids.ping))
	want := []string{ids.updateStore, ids.updateStore, ids.ping}
	if !equal(f.opened, want) {
		t.Fatalf("OnOpenRequest got %v, want %v", f.opened, want)
	}
	if s.colls.selected != ids.ping {
		t.Fatalf("the selection is %q, want Ping", s.colls.selected)
	}
	if r := rowFor(t, s.Content(), ids.ping); !r.more.Visible() {
		t.Error("the selected row has no ⋯ button")
	}
	if r := rowFor(t, s.Content(), ids.updateStore); r.more.Visible() {
		t.Error("an unselected row shows the ⋯ button")
	}
}

func TestSidebarSelectOpensFoldersWithoutOpeningRequest(t *testing.T) {
	f := newFixture(t)
	ids := seed(t, f.db)
	f.start(320, 700)
	f.s.Select(ids.removePet)
	if !f.s.colls.tree.IsBranchOpen(ids.pets) || !f.s.colls.tree.IsBranchOpen(ids.admin) {
		t.Fatal("Select did not open the folders above the request")
	}
	if f.s.colls.selected != ids.removePet {
		t.Fatalf("selected %q", f.s.colls.selected)
	}
	if len(f.opened) != 0 {
		t.Fatalf("Select called OnOpenRequest: %v", f.opened)
	}
	if !rowFor(t, f.s.Content(), ids.removePet).more.Visible() {
		t.Fatal("the selected row is not shown as selected")
	}
}

func TestSidebarSelectBeforeLoad(t *testing.T) {
	f := newFixture(t)
	ids := seed(t, f.db)
	f.w = test.NewTempWindow(t, nil)
	s := New(f.db, f.w)
	f.s = s
	f.w.SetContent(s.Content())
	s.Select(ids.listPets) // the tree is still loading
	f.settle()
	if s.colls.selected != ids.listPets || !s.colls.tree.IsBranchOpen(ids.pets) {
		t.Fatalf("the pending selection was not applied: %q", s.colls.selected)
	}
}

func TestSidebarContextMenu(t *testing.T) {
	f := newFixture(t)
	ids := seed(t, f.db)
	f.start(320, 700)

	f.rightClick(ids.updateStore)
	want := []string{actOpen, actRename, actDuplicate, actDelete, actMoveUp, actMoveDown, actMoveTo, actCopyCurl, actExport}
	if got := menuLabels(t, f.w); !equal(got, want) {
		t.Fatalf("request menu %q, want %q", got, want)
	}
	if len(f.opened) != 0 {
		t.Fatal("a right click opened the request")
	}
	tapMenuItem(t, f.w, actCopyCurl)
	f.menuAction(ids.updateStore, actExport)
	if !equal(f.curls, []string{ids.updateStore}) || !equal(f.exports, []string{ids.updateStore}) {
		t.Fatalf("hooks: curl %v, export %v", f.curls, f.exports)
	}

	// The first item of a list cannot move up, the last not down; a
	// collection has no Move to… and no curl.
	f.rightClick(ids.petStore)
	want = []string{actNewRequest, actNewFolder, actRename, actDuplicate, actDelete, "[" + actMoveUp + "]", actMoveDown, actExport}
	if got := menuLabels(t, f.w); !equal(got, want) {
		t.Fatalf("collection menu %q, want %q", got, want)
	}
	f.w.Canvas().Overlays().Top().Hide()
	f.rightClick(ids.customVerb)
	if got := menuLabels(t, f.w); !strings.Contains(strings.Join(got, ","), "["+actMoveDown+"]") {
		t.Fatalf("the last request can move down: %q", got)
	}
	f.w.Canvas().Overlays().Top().Hide()

	// Without hooks, the hook actions are disabled.
	f.s.OnExport, f.s.OnCopyCurl = nil, nil
	f.rightClick(ids.ping)
	if got := strings.Join(menuLabels(t, f.w), ","); !strings.Contains(got, "["+actCopyCurl+"]") || !strings.Contains(got, "["+actExport+"]") {
		t.Fatalf("hook actions not disabled without hooks: %s", got)
	}
	f.w.Canvas().Overlays().Top().Hide()

	// The ⋯ button of the selected row shows the same menu.
	test.Tap(rowFor(t, f.s.Content(), ids.ping))
	test.Tap(rowFor(t, f.s.Content(), ids.ping).more)
	if got := menuLabels(t, f.w); len(got) == 0 || got[0] != actOpen {
		t.Fatalf("the ⋯ button shows %q", got)
	}
}

func TestSidebarRenameFromMenu(t *testing.T) {
	f := newFixture(t)
	ids := seed(t, f.db)
	f.start(320, 700)

	f.menuAction(ids.updateStore, actRename)
	f.answerDialog("Replace store", "Rename")
	// The tree shows the new name at once, before the store answered.
	if got := rowFor(t, f.s.Content(), ids.updateStore).name.Text; got != "Replace store" {
		t.Fatalf("the row shows %q right after the rename", got)
	}
	f.settle()
	r, err := f.db.Request(ids.updateStore)
	must(t, err)
	if r.Name != "Replace store" {
		t.Fatalf("the store has %q", r.Name)
	}
	if f.changes != 1 {
		t.Fatalf("OnChanged called %d times", f.changes)
	}

	// A collection renames the same way.
	f.menuAction(ids.authDemos, actRename)
	f.answerDialog("Auth", "Rename")
	f.settle()
	c, err := f.db.Collection(ids.authDemos)
	must(t, err)
	if c.Name != "Auth" || rowFor(t, f.s.Content(), ids.authDemos).name.Text != "Auth" {
		t.Fatalf("collection renamed to %q in the store", c.Name)
	}

	// An empty name cannot be confirmed.
	f.menuAction(ids.ping, actRename)
	top := topOverlay(t, f.w)
	entry := f.dialogEntry()
	entry.SetText("")
	test.Type(entry, "   ")
	if b := findButton(top, "Rename"); b == nil || !b.Disabled() {
		t.Fatal("Rename is enabled with a blank name")
	}
}

func TestSidebarRenameRefusedShowsError(t *testing.T) {
	f := newFixture(t)
	ids := seed(t, f.db)
	f.start(320, 700)
	// Someone else deletes the request; the sidebar still shows it.
	_, err := f.db.Delete(ids.ping)
	must(t, err)
	f.menuAction(ids.ping, actRename)
	f.answerDialog("Pong", "Rename")
	f.settle()
	msg := dialogText(t, f.w)
	if !strings.Contains(msg, "Could not rename “Ping”") || !strings.Contains(msg, "no longer exists") || strings.Contains(msg, "storage:") {
		t.Fatalf("the error says %q", msg)
	}
	// The collection was read again: Ping is gone from the tree.
	for _, row := range treeRows(f.s.Content()) {
		if strings.Contains(row, "Ping") || strings.Contains(row, "Pong") {
			t.Fatalf("the tree still shows %q", row)
		}
	}
}

func TestSidebarMoveUpDown(t *testing.T) {
	f := newFixture(t)
	ids := seed(t, f.db)
	f.start(320, 700)

	f.menuAction(ids.preflight, actMoveUp)
	f.menuAction(ids.preflight, actMoveUp)
	f.settle()
	want := []string{"Pets", "Preflight", "Update store", "Patch store"}
	if got := storedNames(t, f.db, ids.petStore, ids.petStore); !equal(got, want) {
		t.Fatalf("stored order %q, want %q", got, want)
	}
	rows := treeRows(f.s.Content())
	if !equal(rows[:5], []string{"Pet Store", "Pets", "OPT Preflight", "PUT Update store", "PATCH Patch store"}) {
		t.Fatalf("the tree shows %q", rows)
	}

	f.menuAction(ids.pets, actMoveDown)
	f.settle()
	want = []string{"Preflight", "Pets", "Update store", "Patch store"}
	if got := storedNames(t, f.db, ids.petStore, ids.petStore); !equal(got, want) {
		t.Fatalf("stored order %q, want %q", got, want)
	}

	// Collections reorder too.
	f.menuAction(ids.authDemos, actMoveUp)
	f.settle()
	colls, err := f.db.Collections()
	must(t, err)
	if len(colls) != 2 || colls[0].ID != ids.authDemos {
		t.Fatalf("collections in the store: %v", colls)
	}
	if rows := treeRows(f.s.Content()); rows[0] != "Auth demos" {
		t.Fatalf("the tree starts with %q", rows[0])
	}
	if f.changes != 4 {
		t.Fatalf("OnChanged called %d times, want 4", f.changes)
	}
}

func TestSidebarMoveToAnotherCollection(t *testing.T) {
	f := newFixture(t)
	ids := seed(t, f.db)
	f.start(320, 700)
	f.s.Select(ids.addPet)

	f.menuAction(ids.addPet, actMoveTo)
	d := f.s.colls.lastMove
	if d == nil {
		t.Fatal("Move to… showed no dialog")
	}
	var paths []string
	for _, tg := range d.all {
		paths = append(paths, tg.path)
	}
	want := []string{"Pet Store", "Pet Store › Pets", "Pet Store › Pets › Admin", "Auth demos"}
	if !equal(paths, want) {
		t.Fatalf("targets %q, want %q", paths, want)
	}
	// Typing filters the targets.
	test.Type(d.filter, "auth")
	if len(d.shown) != 1 || d.shown[0].path != "Auth demos" {
		t.Fatalf("filtered to %v", d.shown)
	}
	d.list.Select(0)
	f.tapButton(topOverlay(t, f.w), "Move")
	f.settle()

	loc, err := f.db.Locate(ids.addPet)
	must(t, err)
	if loc.CollectionID != ids.authDemos || loc.ParentID != "" {
		t.Fatalf("stored at %+v", loc)
	}
	if got := storedNames(t, f.db, ids.authDemos, ids.authDemos); !equal(got, []string{"Basic auth", "Ping", "Purge cache", "Add pet"}) {
		t.Fatalf("Auth demos holds %q", got)
	}
	rows := treeRows(f.s.Content())
	if rows[len(rows)-1] != "POST Add pet" {
		t.Fatalf("the tree ends with %q", rows[len(rows)-1])
	}
	if f.s.colls.selected != ids.addPet {
		t.Fatal("the moved request is not selected")
	}

	// A folder moves with its content into another folder; it is never
	// offered itself or its own folders.
	f.menuAction(ids.pets, actMoveTo)
	d = f.s.colls.lastMove
	for _, tg := range d.all {
		if strings.Contains(tg.path, "Pets") {
			t.Fatalf("a folder is offered to move into %q", tg.path)
		}
	}
	d.dlg.Hide()
}

func TestSidebarMoveIntoFolder(t *testing.T) {
	f := newFixture(t)
	ids := seed(t, f.db)
	f.start(320, 700)
	f.menuAction(ids.ping, actMoveTo)
	d := f.s.colls.lastMove
	for i, tg := range d.shown {
		if tg.path == "Pet Store › Pets › Admin" {
			d.list.Select(i)
		}
	}
	f.tapButton(topOverlay(t, f.w), "Move")
	f.settle()
	loc, err := f.db.Locate(ids.ping)
	must(t, err)
	if loc.CollectionID != ids.petStore || loc.ParentID != ids.admin {
		t.Fatalf("stored at %+v", loc)
	}
	if !f.s.colls.tree.IsBranchOpen(ids.admin) {
		t.Fatal("the target folder was not opened to show the moved request")
	}
}

func TestSidebarDeleteThenUndo(t *testing.T) {
	f := newFixture(t)
	ids := seed(t, f.db)
	f.start(320, 700)

	f.menuAction(ids.patchIt, actDelete)
	f.settle()
	if _, err := f.db.Request(ids.patchIt); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("the request is still stored: %v", err)
	}
	for _, r := range treeRows(f.s.Content()) {
		if strings.Contains(r, "Patch store") {
			t.Fatal("the deleted request still shows")
		}
	}
	b := f.s.colls.banner
	if !b.box.Visible() || !strings.Contains(b.label.Text, "Patch store") {
		t.Fatalf("no undo banner: visible %v, %q", b.box.Visible(), b.label.Text)
	}
	f.tapButton(f.s.Content(), "Undo")
	f.settle()
	if b.box.Visible() {
		t.Fatal("the banner stays after Undo")
	}
	if _, err := f.db.Request(ids.patchIt); err != nil {
		t.Fatalf("Undo did not restore: %v", err)
	}
	want := []string{"Pets", "Update store", "Patch store", "Preflight"}
	if got := storedNames(t, f.db, ids.petStore, ids.petStore); !equal(got, want) {
		t.Fatalf("restored to %q", got)
	}
	if rows := treeRows(f.s.Content()); !equal(rows[:5], []string{"Pet Store", "Pets", "PUT Update store", "PATCH Patch store", "OPT Preflight"}) {
		t.Fatalf("the tree shows %q", rows)
	}
	if f.s.colls.selected != ids.patchIt {
		t.Fatal("the restored request is not selected")
	}

	// A whole collection goes and comes back in its place.
	f.menuAction(ids.petStore, actDelete)
	f.settle()
	if rows := treeRows(f.s.Content()); rows[0] != "Auth demos" {
		t.Fatalf("after deleting Pet Store the tree starts with %q", rows[0])
	}
	f.tapButton(f.s.Content(), "Undo")
	f.settle()
	if rows := treeRows(f.s.Content()); rows[0] != "Pet Store" {
		t.Fatalf("after Undo the tree starts with %q", rows[0])
	}
	if f.changes != 4 {
		t.Fatalf("OnChanged called %d times, want 4", f.changes)
	}
}

func TestSidebarUndoBannerExpires(t *testing.T) {
	f := newFixture(t)
	ids := seed(t, f.db)
	f.start(320, 700)
	f.s.colls.banner.after = 50 * time.Millisecond
	f.menuAction(ids.ping, actDelete)
	f.settle()
	if !f.s.colls.banner.box.Visible() {
		t.Fatal("no banner")
	}
	f.waitFor("the banner to hide itself", func() bool { return !f.s.colls.banner.box.Visible() })
	if _, err := f.db.Request(ids.ping); !errors.Is(err, storage.ErrNotFound) {
		t.Fatal("the request came back without Undo")
	}
}

func TestSidebarCreate(t *testing.T) {
	f := newFixture(t)
	f.start(320, 700)
	// An empty store says so and offers a collection.
	if !f.s.colls.notice.Visible() || !f.s.colls.create.Visible() {
		t.Fatal("an empty store shows no \"New collection\"")
	}
	f.tapButton(f.s.Content(), "New collection")
	f.answerDialog("Billing", "Create")
	f.settle()
	colls, err := f.db.Collections()
	must(t, err)
	if len(colls) != 1 || colls[0].Name != "Billing" {
		t.Fatalf("stored collections %v", colls)
	}
	cid := colls[0].ID
	if f.s.colls.notice.Visible() || !equal(treeRows(f.s.Content()), []string{"Billing"}) {
		t.Fatalf("the tree shows %q", treeRows(f.s.Content()))
	}

	f.menuAction(cid, actNewFolder)
	f.answerDialog("Invoices", "Create")
	f.settle()
	fid := f.s.colls.selected
	f.menuAction(fid, actNewRequest)
	f.answerDialog("List invoices", "Create")
	f.settle()
	rid := f.s.colls.selected
	r, err := f.db.Request(rid)
	must(t, err)
	if r.Name != "List invoices" || r.Method != "GET" {
		t.Fatalf("stored %+v", r)
	}
	if got := storedNames(t, f.db, cid, fid); !equal(got, []string{"List invoices"}) {
		t.Fatalf("Invoices holds %q", got)
	}
	if !equal(f.opened, []string{rid}) {
		t.Fatalf("the new request was not opened: %v", f.opened)
	}
	if !equal(treeRows(f.s.Content()), []string{"Billing", "Invoices", "GET List invoices"}) {
		t.Fatalf("the tree shows %q", treeRows(f.s.Content()))
	}
	// "New request" on the collection puts it after the folder.
	f.menuAction(cid, actNewRequest)
	f.answerDialog("Health", "Create")
	f.settle()
	if got := storedNames(t, f.db, cid, cid); !equal(got, []string{"Invoices", "Health"}) {
		t.Fatalf("Billing holds %q", got)
	}
	// The + button next to the search box makes a collection too.
	test.Tap(f.s.colls.newColl)
	f.answerDialog("Second", "Create")
	f.settle()
	if rows := treeRows(f.s.Content()); rows[len(rows)-1] != "Second" {
		t.Fatalf("the tree ends with %q", rows[len(rows)-1])
	}
	if f.changes != 5 {
		t.Fatalf("OnChanged called %d times, want 5", f.changes)
	}
}

func TestSidebarDuplicate(t *testing.T) {
	f := newFixture(t)
	ids := seed(t, f.db)
	f.start(320, 700)
	f.menuAction(ids.updateStore, actDuplicate)
	f.settle()
	want := []string{"Pets", "Update store", "Update store copy", "Patch store", "Preflight"}
	if got := storedNames(t, f.db, ids.petStore, ids.petStore); !equal(got, want) {
		t.Fatalf("stored %q", got)
	}
	rows := treeRows(f.s.Content())
	if !equal(rows[2:4], []string{"PUT Update store", "PUT Update store copy"}) {
		t.Fatalf("the tree shows %q", rows)
	}
	copyID := f.s.colls.selected
	if copyID == "" || copyID == ids.updateStore {
		t.Fatal("the copy is not selected")
	}
}

func TestSidebarLoadErrorOffersRetry(t *testing.T) {
	f := newFixture(t)
	seed(t, f.db)
	must(t, f.db.Close())
	f.start(320, 700)
	p := f.s.colls
	if !p.notice.Visible() || !p.retry.Visible() {
		t.Fatal("a failed load shows no notice with Try again")
	}
	if msg := p.status.Text; !strings.HasPrefix(msg, "Could not read the collections") || !strings.Contains(msg, "closed") {
		t.Fatalf("the notice says %q", msg)
	}
}

func TestSidebarReload(t *testing.T) {
	f := newFixture(t)
	ids := seed(t, f.db)
	f.start(320, 700)
	// A change made elsewhere (an import) shows after Reload.
	must(t, f.db.Rename(ids.ping, "Ping again"))
	must(t, f.db.CreateCollection(&storage.Collection{Name: "Imported"}))
	f.s.Reload()
	f.settle()
	rows := treeRows(f.s.Content())
	if !strings.Contains(strings.Join(rows, "|"), "HEAD Ping again") || rows[len(rows)-1] != "Imported" {
		t.Fatalf("after Reload the tree shows %q", rows)
	}
}

func TestSidebarKeyboardSelectionOpens(t *testing.T) {
	f := newFixture(t)
	ids := seed(t, f.db)
	f.start(320, 700)
	// The tree's own selection (arrow keys and space) opens requests, not
	// folders.
	f.s.colls.tree.Select(ids.pets)
	f.s.colls.tree.Select(ids.ping)
	if !equal(f.opened, []string{ids.ping}) {
		t.Fatalf("OnOpenRequest got %v", f.opened)
	}
}

func TestSidebarMoveRefusedRestoresTree(t *testing.T) {
	f := newFixture(t)
	ids := seed(t, f.db)
	f.start(320, 700)
	// Admin goes behind the sidebar's back; moving Ping into it fails.
	_, err := f.db.Delete(ids.admin)
	must(t, err)
	f.menuAction(ids.ping, actMoveTo)
	d := f.s.colls.lastMove
	for i, tg := range d.shown {
		if tg.path == "Pet Store › Pets › Admin" {
			d.list.Select(i)
		}
	}
	f.tapButton(topOverlay(t, f.w), "Move")
	f.settle()
	if msg := dialogText(t, f.w); !strings.Contains(msg, "Could not move “Ping”") || !strings.Contains(msg, "no longer exists") {
		t.Fatalf("the error says %q", msg)
	}
	loc, err := f.db.Locate(ids.ping)
	must(t, err)
	if loc.CollectionID != ids.authDemos {
		t.Fatalf("Ping is stored in %s", loc.CollectionID)
	}
	// Both collections were read again: Ping is back in Auth demos, and
	// Admin is gone.
	if f.s.colls.m.get(ids.admin) != nil {
		t.Fatal("the tree still has Admin")
	}
	if p := f.s.colls.m.get(ids.ping); p == nil || p.parent.id != ids.authDemos {
		t.Fatal("Ping is not back in Auth demos")
	}
	rows := treeRows(f.s.Content())
	if rows[len(rows)-2] != "HEAD Ping" {
		t.Fatalf("the tree shows %q", rows)
	}
	if f.changes != 0 {
		t.Fatal("OnChanged was called for a refused move")
	}
}
