package bodyview

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// repoRoot finds the directory holding go.mod.
func repoRoot(t testing.TB) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = parent
	}
}

// capture saves the window as test-artifacts/bodyview-<name>.png, for a
// person to look at, and returns the image.
func (f *viewerFixture) capture(name string) image.Image {
	f.t.Helper()
	var img image.Image
	f.ui.run(func() { img = f.w.Canvas().Capture() })
	dir := filepath.Join(repoRoot(f.t), "test-artifacts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		f.t.Fatal(err)
	}
	out, err := os.Create(filepath.Join(dir, "bodyview-"+name+".png"))
	if err != nil {
		f.t.Fatal(err)
	}
	defer out.Close()
	if err := png.Encode(out, img); err != nil {
		f.t.Fatal(err)
	}
	return img
}

// waitHighlighted waits until the rows on screen have their colours.
func (f *viewerFixture) waitHighlighted() {
	f.t.Helper()
	waitFor(f.t, func() bool {
		return get(f, func(v *Viewer) bool {
			t := v.text
			if t.lang == "" {
				return true
			}
			rows, _ := t.page()
			for i := t.top; i < min(t.top+rows, t.rowCount()); i++ {
				if _, ok := t.hlCache[i]; !ok {
					return false
				}
			}
			return true
		})
	})
}

// distinctColors counts the colours in a rectangle of img, to tell a
// highlighted view from a plain one.
func distinctColors(img image.Image, r image.Rectangle) int {
	seen := map[[4]uint32]bool{}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, ca := img.At(x, y).RGBA()
			seen[[4]uint32{cr >> 12, cg >> 12, cb >> 12, ca >> 12}] = true
		}
	}
	return len(seen)
}

func TestViewerScreenshots(t *testing.T) {
	f := newFixture(t, fyne.NewSize(900, 560))
	f.load(memSource(genJSON(64<<10)), "application/json")
	f.ui.run(func() { f.v.search.SetText("needle") })
	f.wait("search", 10*time.Second)
	f.ui.run(f.v.NextMatch)
	f.waitHighlighted()
	img := f.capture("pretty-search")
	b := img.Bounds()
	if n := distinctColors(img, image.Rect(0, b.Dy()/3, b.Dx(), b.Dy()*2/3)); n < 6 {
		t.Errorf("the pretty view has %d colours; highlighting is missing", n)
	}

	f.ui.run(func() {
		f.v.search.SetText("")
		f.v.jq.SetText(`.[1] | {id, tags, address}`)
		f.v.applyJQ()
	})
	f.wait("jq", 10*time.Second)
	f.waitHighlighted()
	f.capture("jq")

	f.ui.run(func() { test.Tap(f.v.modeBtns[ModeHex]) })
	waitFor(t, func() bool { return get(f, func(v *Viewer) bool { _, ok := v.text.model.(*hexDoc); return ok }) })
	f.capture("hex")

	f.ui.run(func() { f.v.jq.SetText("") })
	f.ui.run(func() { test.Tap(f.v.modeBtns[ModeRaw]) })
	waitFor(t, func() bool { return get(f, func(v *Viewer) bool { return v.views[ModeRaw] != nil }) })
	f.ui.run(func() { f.v.text.scrollTo(0, 300) })
	f.capture("raw-scrolled")

	f.load(memSource(testPNG(t, 320, 200)), "image/png")
	f.capture("preview")

	f.load(memSource([]byte(`<?xml version="1.0"?>
<!-- a comment -->
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="text">Knock &amp; friends</title>
  <entry id="1"><name>first</name></entry>
</feed>`)), "application/xml")
	f.waitHighlighted()
	f.capture("xml")
}
