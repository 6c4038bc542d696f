package sidebar

import (
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// TestSidebarScreenshots renders the sidebar beside a stand-in for the
// rest of the window and saves test-artifacts/sidebar-*.png for a person
// to look at. It fails if a capture cannot be made or written.
func TestSidebarScreenshots(t *testing.T) {
	f := newFixture(t)
	ids := seed(t, f.db)
	addHistory(t, f.db, "GET", "https://shop.test/pets?limit=20", 200, 84*time.Millisecond, "")
	addHistory(t, f.db, "POST", "https://shop.test/pets", 201, 132*time.Millisecond, "")
	addHistory(t, f.db, "GET", "https://shop.test/pets/9999", 404, 41*time.Millisecond, "")
	addHistory(t, f.db, "PUT", "https://shop.test/store", 302, 57*time.Millisecond, "")
	addHistory(t, f.db, "DELETE", "https://shop.test/pets/7", 500, 1340*time.Millisecond, "")
	addHistory(t, f.db, "GET", "https://down.test/health", 0, 0, "dial tcp 127.0.0.1:9: connect: connection refused")

	test.ApplyTheme(t, forcedVariant(theme.VariantLight))
	f.w = test.NewTempWindow(t, widget.NewLabel(""))
	f.s = New(f.db, f.w)
	split := container.NewHSplit(f.s.Content(), container.NewCenter(widget.NewLabel("request editor and response")))
	split.Offset = 0.34
	f.w.SetContent(split)
	f.w.Resize(fyne.NewSize(900, 600))
	f.t.Cleanup(f.settle)
	f.settle()

	dir := filepath.Join("..", "..", "..", "test-artifacts")
	must(t, os.MkdirAll(dir, 0o755))
	shoot := func(name string) {
		t.Helper()
		f.settle()
		img := f.w.Canvas().Capture()
		out, err := os.Create(filepath.Join(dir, "sidebar-"+name+".png"))
		must(t, err)
		must(t, png.Encode(out, img))
		must(t, out.Close())
	}
	hideOverlay := func() {
		if o := f.w.Canvas().Overlays().Top(); o != nil {
			o.Hide()
		}
	}

	f.s.Select(ids.addPet)
	f.s.colls.tree.OpenBranch(ids.admin)
	shoot("tree")

	f.rightClick(ids.addPet)
	shoot("menu")
	tapMenuItem(t, f.w, actRename)
	shoot("rename")
	hideOverlay()

	f.menuAction(ids.addPet, actMoveTo)
	shoot("move")
	hideOverlay()

	f.menuAction(ids.patchIt, actDelete)
	shoot("undo")

	f.s.colls.search.entry.SetText("pets")
	shoot("search")
	f.s.colls.search.entry.SetText("")

	f.s.ShowHistory()
	shoot("history")

	f.s.ShowCollections()
	test.ApplyTheme(t, forcedVariant(theme.VariantDark))
	shoot("tree-dark")
	f.s.ShowHistory()
	shoot("history-dark")
}

// TestSidebarScreenshotEmpty captures a first start: no collections, no
// history.
func TestSidebarScreenshotEmpty(t *testing.T) {
	f := newFixture(t)
	test.ApplyTheme(t, forcedVariant(theme.VariantLight))
	f.start(300, 500)
	dir := filepath.Join("..", "..", "..", "test-artifacts")
	must(t, os.MkdirAll(dir, 0o755))
	for _, name := range []string{"empty", "history-empty"} {
		if name == "history-empty" {
			f.s.ShowHistory()
		}
		f.settle()
		out, err := os.Create(filepath.Join(dir, "sidebar-"+name+".png"))
		must(t, err)
		must(t, png.Encode(out, f.w.Canvas().Capture()))
		must(t, out.Close())
	}
}

// variantTheme is the default theme held to one variant, for captures
// that do not depend on the machine's preference.
type variantTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func forcedVariant(v fyne.ThemeVariant) fyne.Theme {
	return &variantTheme{Theme: theme.DefaultTheme(), variant: v}
}

func (t *variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.variant)
}
