package bodyview

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"sync"

	"fyne.io/fyne/v2"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// The text view paints its rows itself, one image per row, instead of
// using a canvas.Text per run of colour. Measured under Fyne's desktop
// driver on software OpenGL, a screen of highlighted JSON as canvas.Text
// took about 200 draw calls and a new texture for every new string. A row
// image is one draw call, uploaded again only when the row changes, and
// glyphs are rasterised once per size (with golang.org/x/image/font/
// opentype) from the theme's monospace font. This is a small glyph cache,
// not a text layout engine: one glyph per cell, no shaping, no kerning,
// which is what a monospace code view needs.

var (
	fontsMu sync.Mutex
	fonts   = map[string]*sfnt.Font{} // parsed fonts by resource name
)

// parseFont parses a font resource once.
func parseFont(res fyne.Resource) *sfnt.Font {
	fontsMu.Lock()
	defer fontsMu.Unlock()
	if f, ok := fonts[res.Name()]; ok {
		return f
	}
	f, err := opentype.Parse(res.Content())
	if err != nil {
		f = nil
	}
	fonts[res.Name()] = f
	return f
}

// glyphAtlas is one font at one pixel size: its cell metrics and the
// masks of the glyphs drawn so far, each the size of a cell (a little
// wider, for glyphs that overhang).
type glyphAtlas struct {
	font   *sfnt.Font
	face   font.Face
	px     float64 // the font size in pixels
	scale  float32 // pixels per Fyne unit
	cellW  int
	cellH  int // the row height in pixels, with spacing
	ascent int
	masks  map[rune]*image.Alpha // nil for a rune the font lacks
	buf    sfnt.Buffer
}

func newGlyphAtlas(f *sfnt.Font, textSize, scale float32) *glyphAtlas {
	px := math.Round(float64(textSize*scale)*4) / 4
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil
	}
	m := face.Metrics()
	adv, ok := face.GlyphAdvance('0')
	if !ok {
		return nil
	}
	spacing := int(math.Round(float64(2 * scale)))
	return &glyphAtlas{
		font: f, face: face, px: px, scale: scale,
		cellW:  max(adv.Round(), 1),
		cellH:  (m.Ascent + m.Descent).Ceil() + spacing,
		ascent: m.Ascent.Ceil() + spacing/2,
		masks:  map[rune]*image.Alpha{},
	}
}

// has reports whether the font draws r.
func (a *glyphAtlas) has(r rune) bool {
	if r == ' ' {
		return true
	}
	if m, ok := a.masks[r]; ok {
		return m != nil
	}
	i, err := a.font.GlyphIndex(&a.buf, r)
	return err == nil && i != 0
}

// mask returns r's glyph, rasterised on first use; nil when the font
// lacks it.
func (a *glyphAtlas) mask(r rune) *image.Alpha {
	if m, ok := a.masks[r]; ok {
		return m
	}
	var m *image.Alpha
	if a.has(r) {
		dr, src, sp, _, ok := a.face.Glyph(fixed.P(0, a.ascent), r)
		if ok {
			m = image.NewAlpha(image.Rect(0, 0, a.cellW+a.cellW/2, a.cellH))
			draw.Draw(m, dr.Intersect(m.Rect), src, sp.Add(dr.Intersect(m.Rect).Min.Sub(dr.Min)), draw.Src)
		}
	}
	a.masks[r] = m
	return m
}

// frame is what one row raster shows, in pixels: filled rectangles first,
// then glyphs. The view builds it when it lays out; the raster paints it.
type frame struct {
	bg     color.Color
	rects  []frameRect
	glyphs []frameGlyph
}

type frameRect struct {
	r image.Rectangle
	c color.Color
}

type frameGlyph struct {
	x, y int
	r    rune
	c    color.Color
}

func (f *frame) reset(bg color.Color) {
	f.bg = bg
	f.rects = f.rects[:0]
	f.glyphs = f.glyphs[:0]
}

// paint draws f into img (reused when its size fits).
func (f *frame) paint(img *image.RGBA, w, h int, a *glyphAtlas) *image.RGBA {
	if img == nil || img.Rect.Dx() != w || img.Rect.Dy() != h {
		img = image.NewRGBA(image.Rect(0, 0, w, h))
	}
	bg := f.bg
	if bg == nil {
		bg = color.Transparent
	}
	draw.Draw(img, img.Rect, image.NewUniform(bg), image.Point{}, draw.Src)
	for _, r := range f.rects {
		draw.Draw(img, r.r, image.NewUniform(r.c), image.Point{}, draw.Over)
	}
	if a != nil {
		var src image.Uniform
		for _, g := range f.glyphs {
			m := a.mask(g.r)
			if m == nil {
				continue
			}
			src.C = g.c
			dr := image.Rect(g.x, g.y, g.x+m.Rect.Dx(), g.y+m.Rect.Dy())
			draw.DrawMask(img, dr, &src, image.Point{}, m, image.Point{}, draw.Over)
		}
	}
	return img
}
