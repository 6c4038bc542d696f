package bodyview

import (
	"image"
	"image/color"
	"math"
	"sort"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/text/width"
)

// rowModel is what a textView shows: rows made on demand.
type rowModel interface {
	rows() int
	// row returns row i as bytes, its indent in columns, and the offset of
	// its first byte in the text that search runs over.
	row(i int) (b []byte, indent, off int)
	// rowOf returns the row that holds searched offset off.
	rowOf(off int) int
}

// cellMapper is implemented by models whose searched bytes are not drawn
// one for one (the hex view). cells returns the column ranges that show
// searched bytes [a, z) of row i.
type cellMapper interface {
	cells(i, a, z int) [][2]int
}

// staticSpanner is implemented by models that colour parts of every row
// themselves (the hex view greys its offsets).
type staticSpanner interface {
	staticSpans(i int, b []byte) []hlSpan
}

// tabWidth is how many columns a tab advances to.
const tabWidth = 4

// textView is a virtualised, read-only text widget: it asks its model for
// the rows on screen only and draws each as one raster (see
// textViewRenderer). Its cost per frame does not depend on the number of
// rows. Scrolling is by
// whole rows and columns, kept as integers, so there is no drift at the
// end of a list of millions of rows.
//
// All methods run on the UI goroutine.
type textView struct {
	widget.BaseWidget

	model rowModel
	lang  string // highlighter language of model, "" for none
	top   int    // first row shown
	left  int    // first column shown
	cur   int    // the marked row (current match or tapped row), -1 for none
	// matches are the search matches' offsets in the searched text, each
	// qlen bytes long; curMatch indexes the current one, -1 for none.
	matches  []int32
	qlen     int
	curMatch int

	hl       *highlighter
	hlCache  map[int][]hlSpan
	glyphs   *glyphAtlas
	gen      uint64 // bumped when what rows look like changes, not their place
	focused  bool
	wheelAcc float32
	widest   int // widest row seen, in columns, for the horizontal bar

	// onShortcut handles the viewer's own shortcuts; it reports whether it
	// did.
	onShortcut func(fyne.Shortcut) bool

	vbar, hbar *scrollBar
	size       fyne.Size
}

func newTextView() *textView {
	v := &textView{cur: -1, curMatch: -1, hlCache: map[int][]hlSpan{}}
	v.vbar = newScrollBar(false, v.onVBar)
	v.hbar = newScrollBar(true, v.onHBar)
	v.hl = newHighlighter(v.onHighlighted)
	v.ExtendBaseWidget(v)
	return v
}

// setModel shows m. keep says m extends the model shown (more rows of the
// same text), so the position and highlighting stay.
func (v *textView) setModel(m rowModel, lang string, keep bool) {
	v.gen++
	v.model = m
	v.lang = lang
	if !keep {
		v.top, v.left, v.cur, v.widest = 0, 0, -1, 0
		v.matches, v.curMatch = nil, -1
		v.hlCache = map[int][]hlSpan{}
	}
	v.hl.reset(m, lang)
	v.Refresh()
}

// setMatches marks the search matches; cur is the current one or -1.
func (v *textView) setMatches(offs []int32, qlen, cur int) {
	v.gen++
	v.matches, v.qlen, v.curMatch = offs, qlen, cur
	if cur >= 0 && cur < len(offs) && v.model != nil {
		off := int(offs[cur])
		row := v.model.rowOf(off)
		v.cur = row
		v.reveal(row, off)
	}
	v.Refresh()
}

func (v *textView) rowCount() int {
	if v.model == nil {
		return 0
	}
	return v.model.rows()
}

// atlas returns the glyphs for the current text size and canvas scale.
func (v *textView) atlas() *glyphAtlas {
	scale := float32(1)
	if c := fyne.CurrentApp().Driver().CanvasForObject(v); c != nil && c.Scale() > 0 {
		scale = c.Scale()
	}
	size := theme.SizeForWidget(theme.SizeNameText, v)
	px := math.Round(float64(size*scale)*4) / 4
	if a := v.glyphs; a != nil && a.px == px && a.scale == scale {
		return a
	}
	f := parseFont(theme.CurrentForWidget(v).Font(fyne.TextStyle{Monospace: true}))
	if f == nil {
		f = parseFont(theme.DefaultTextMonospaceFont())
	}
	if f != nil {
		if a := newGlyphAtlas(f, size, scale); a != nil {
			v.glyphs = a
		}
	}
	return v.glyphs
}

// metrics returns the size of one cell, in Fyne units.
func (v *textView) metrics() (charW, rowH float32) {
	a := v.atlas()
	if a == nil {
		return 8, 18
	}
	return float32(a.cellW) / a.scale, float32(a.cellH) / a.scale
}

// page returns how many rows and columns fit.
func (v *textView) page() (rows, cols int) {
	charW, rowH := v.metrics()
	sb := theme.ScrollBarSize()
	rows = int((v.size.Height - sb) / rowH)
	cols = int((v.size.Width - sb - 2*theme.Padding()) / charW)
	return max(rows, 1), max(cols, 1)
}

// scrollTo puts row top first, clamped.
func (v *textView) scrollTo(top, left int) {
	rows, _ := v.page()
	top = min(top, v.rowCount()-rows)
	top = max(top, 0)
	left = max(left, 0)
	if top == v.top && left == v.left {
		return
	}
	v.top, v.left = top, left
	v.Refresh()
}

// reveal scrolls so that row, and searched offset off in it, are on
// screen, with some rows above for context.
func (v *textView) reveal(row, off int) {
	rows, cols := v.page()
	top, left := v.top, v.left
	if row < top || row >= top+rows {
		top = row - rows/3
	}
	if off >= 0 {
		if c := v.colOf(row, off); c >= 0 && (c < left || c >= left+cols-4) {
			left = max(0, c-cols/4)
		}
	}
	v.scrollTo(top, left)
}

// colOf returns the column of searched offset off in row, or -1.
func (v *textView) colOf(row, off int) int {
	b, indent, start := v.model.row(row)
	if cm, ok := v.model.(cellMapper); ok {
		if c := cm.cells(row, off, off+1); len(c) > 0 {
			return c[0][0]
		}
		return -1
	}
	if off < start || off > start+len(b) {
		return -1
	}
	return indent + layoutRow(b[:off-start]).width
}

// Scrolled implements fyne.Scrollable: the wheel moves by rows.
func (v *textView) Scrolled(ev *fyne.ScrollEvent) {
	charW, rowH := v.metrics()
	if ev.Scrolled.DX != 0 {
		v.scrollTo(v.top, v.left-int(ev.Scrolled.DX/charW))
	}
	v.wheelAcc += ev.Scrolled.DY
	n := int(v.wheelAcc / rowH)
	if n != 0 {
		v.wheelAcc -= float32(n) * rowH
		v.scrollTo(v.top-n, v.left)
	}
}

// Tapped implements fyne.Tappable: the row tapped is marked and the view
// takes the keyboard focus.
func (v *textView) Tapped(ev *fyne.PointEvent) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(v); c != nil {
		c.Focus(v)
	}
	_, rowH := v.metrics()
	if r := v.top + int(ev.Position.Y/rowH); r < v.rowCount() {
		v.cur = r
		v.Refresh()
	}
}

// FocusGained implements fyne.Focusable.
func (v *textView) FocusGained() { v.focused = true; v.Refresh() }

// FocusLost implements fyne.Focusable.
func (v *textView) FocusLost() { v.focused = false; v.Refresh() }

// TypedRune implements fyne.Focusable.
func (v *textView) TypedRune(rune) {}

// TypedKey implements fyne.Focusable: arrows, Page Up/Down, Home and End.
func (v *textView) TypedKey(ev *fyne.KeyEvent) {
	rows, cols := v.page()
	switch ev.Name {
	case fyne.KeyUp:
		v.scrollTo(v.top-1, v.left)
	case fyne.KeyDown:
		v.scrollTo(v.top+1, v.left)
	case fyne.KeyPageUp:
		v.scrollTo(v.top-rows+1, v.left)
	case fyne.KeyPageDown:
		v.scrollTo(v.top+rows-1, v.left)
	case fyne.KeyHome:
		v.scrollTo(0, 0)
	case fyne.KeyEnd:
		v.scrollTo(v.rowCount(), 0)
	case fyne.KeyLeft:
		v.scrollTo(v.top, v.left-cols/8-1)
	case fyne.KeyRight:
		v.scrollTo(v.top, v.left+cols/8+1)
	}
}

// TypedShortcut implements fyne.Shortcutable: the viewer's shortcuts
// first, then the window's (Fyne sends a shortcut only to the focused
// widget).
func (v *textView) TypedShortcut(s fyne.Shortcut) {
	if v.onShortcut != nil && v.onShortcut(s) {
		return
	}
	forwardShortcut(v, s)
}

// forwardShortcut passes a shortcut the widget did not use to its window's
// canvas, so the window's own shortcuts (Ctrl+Enter to send) still work
// while a viewer widget has the focus.
func forwardShortcut(o fyne.CanvasObject, s fyne.Shortcut) {
	if _, ok := s.(*desktop.CustomShortcut); !ok {
		return
	}
	c := fyne.CurrentApp().Driver().CanvasForObject(o)
	if h, ok := c.(interface{ TypedShortcut(fyne.Shortcut) }); ok {
		h.TypedShortcut(s)
	}
}

func (v *textView) onVBar(frac float32) {
	rows, _ := v.page()
	v.scrollTo(int(math.Round(float64(frac)*float64(v.rowCount()-rows))), v.left)
}

func (v *textView) onHBar(frac float32) {
	_, cols := v.page()
	v.scrollTo(v.top, int(math.Round(float64(frac)*float64(max(v.widest-cols, 0)))))
}

// onHighlighted receives highlighted rows for model m.
func (v *textView) onHighlighted(m rowModel, rows map[int][]hlSpan) {
	if !sameRows(m, v.model) {
		return
	}
	for i, s := range rows {
		v.hlCache[i] = s
	}
	if len(v.hlCache) > 4096 {
		v.hlCache = map[int][]hlSpan{}
		for i, s := range rows {
			v.hlCache[i] = s
		}
	}
	v.Refresh()
}

// CreateRenderer implements fyne.Widget.
func (v *textView) CreateRenderer() fyne.WidgetRenderer {
	r := &textViewRenderer{v: v, bg: canvas.NewRectangle(color.Transparent), byRow: map[int]*rowSprite{}}
	r.objects = []fyne.CanvasObject{r.bg, v.vbar, v.hbar}
	return r
}

// textViewRenderer draws each row on screen as one raster that it paints
// itself (see glyphs.go), as wide as the row's text. A row's raster is
// kept while the row stays on screen unchanged, so scrolling by a row
// paints and uploads one row, not the screen. Characters the monospace
// font lacks (CJK, emoji) are drawn over the rows as canvas.Text, so
// Fyne's font fallback finds them a face.
type textViewRenderer struct {
	v        *textView
	bg       *canvas.Rectangle
	byRow    map[int]*rowSprite // the rows on screen
	spare    []*rowSprite
	sprites  []*rowSprite // all, in creation order
	fallback []*canvas.Text
	objects  []fyne.CanvasObject
}

// rowSprite is one row's raster and what it shows.
type rowSprite struct {
	raster *canvas.Raster
	key    spriteKey
	paint  frame
	img    *image.RGBA
	atlas  *glyphAtlas
}

// spriteKey is everything a row's pixels depend on.
type spriteKey struct {
	model    rowModel
	row      int
	left     int
	cols     int
	gen      uint64 // bumped when matches or the marked row change
	hl       bool   // highlighting has arrived
	widthPx  int
	atlas    *glyphAtlas
	fg       [4]uint32 // the theme's foreground, to notice a theme change
	selected bool
}

func (r *textViewRenderer) newSprite() *rowSprite {
	sp := &rowSprite{}
	sp.raster = canvas.NewRaster(func(w, h int) image.Image {
		sp.img = sp.paint.paint(sp.img, w, h, sp.atlas)
		return sp.img
	})
	// The image is made at the screen's pixel size: nearest-pixel
	// sampling is exact, and cheaper for a software renderer.
	sp.raster.ScaleMode = canvas.ImageScalePixels
	r.sprites = append(r.sprites, sp)
	return sp
}

func (r *textViewRenderer) Destroy() {}

func (r *textViewRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *textViewRenderer) MinSize() fyne.Size {
	_, rowH := r.v.metrics()
	sb := theme.ScrollBarSize()
	return fyne.NewSize(sb*6, rowH*3+sb)
}

func (r *textViewRenderer) Layout(size fyne.Size) {
	r.v.size = size
	r.draw()
}

func (r *textViewRenderer) Refresh() { r.draw() }

// draw places the rows on screen, painting those that changed.
func (r *textViewRenderer) draw() {
	v := r.v
	a := v.atlas()
	size := v.size
	charW, rowH := v.metrics()
	sb := theme.ScrollBarSize()
	rows, cols := v.page()
	total := v.rowCount()
	v.top = max(min(v.top, total-rows), 0)
	scale := float32(1)
	if a != nil {
		scale = a.scale
	}
	px := func(f float32) int { return int(math.Round(float64(f * scale))) }
	pad := theme.Padding()
	cellW, cellH := px(charW), px(rowH)
	if a != nil {
		cellW, cellH = a.cellW, a.cellH
	}

	r.bg.FillColor = theme.ColorForWidget(theme.ColorNameInputBackground, v)
	r.bg.StrokeWidth = 0
	if v.focused {
		r.bg.StrokeColor = theme.ColorForWidget(theme.ColorNameFocus, v)
		r.bg.StrokeWidth = 1
	}
	r.bg.Resize(size)
	fg := theme.ColorForWidget(theme.ColorNameForeground, v)
	fgKey := rgbaKey(fg)
	fullPx := px(size.Width - sb - pad)
	nFallback := 0

	// Rows that left the screen free their sprites.
	end := min(v.top+rows+1, total)
	for i, sp := range r.byRow {
		if i < v.top || i >= end || sp.key.model != v.model {
			sp.raster.Hide()
			r.spare = append(r.spare, sp)
			delete(r.byRow, i)
		}
	}

	var want []int
	var lay rowLayout
	_, isHex := v.model.(cellMapper)
	for i := v.top; i < end; i++ {
		y := float32(i-v.top) * rowH
		b, indent, off := v.model.row(i)
		lay = layoutRowInto(lay, b)
		if w := indent + lay.width; w > v.widest {
			v.widest = w
		}
		spans, hl := v.hlCache[i]
		if !hl && v.lang != "" {
			want = append(want, i)
		}
		if ss, ok := v.model.(staticSpanner); ok {
			spans, hl = ss.staticSpans(i, b), true
		}
		matches := v.matchesIn(off, off+len(b))
		visible := min(indent+lay.width, v.left+cols+1) - v.left // columns with text
		widthPx := max(visible, 0) * cellW
		if i == v.cur {
			widthPx = fullPx
		}
		for _, m := range matches {
			for _, span := range v.spanCols(i, lay, indent, off, m.a, m.z) {
				widthPx = max(widthPx, (min(span[1], v.left+cols+1)-v.left)*cellW)
			}
		}
		key := spriteKey{model: v.model, row: i, left: v.left, cols: cols, gen: v.gen, hl: hl,
			widthPx: widthPx, atlas: a, fg: fgKey, selected: i == v.cur}

		sp := r.byRow[i]
		if sp == nil {
			if n := len(r.spare); n > 0 {
				sp, r.spare = r.spare[n-1], r.spare[:n-1]
			} else {
				sp = r.newSprite()
			}
			r.byRow[i] = sp
			sp.key = spriteKey{}
		}
		sp.raster.Move(fyne.NewPos(pad, y))
		if widthPx == 0 {
			sp.key = key
			sp.raster.Hide()
			continue
		}
		sp.raster.Show()
		repaint := sp.key != key
		if repaint {
			sp.key, sp.atlas = key, a
			sp.paint.reset(color.Transparent)
			sp.raster.Resize(fyne.NewSize(float32(widthPx)/scale, rowH))
		}

		if repaint && i == v.cur {
			sp.paint.rects = append(sp.paint.rects, frameRect{image.Rect(0, 0, widthPx, cellH), theme.ColorForWidget(theme.ColorNameHover, v)})
		}
		// Search matches behind the text.
		for _, m := range matches {
			c := theme.ColorForWidget(theme.ColorNameSelection, v)
			if m.cur {
				c = theme.ColorForWidget(theme.ColorNamePrimary, v)
			}
			for _, span := range v.spanCols(i, lay, indent, off, m.a, m.z) {
				c0, c1 := max(span[0], v.left), min(span[1], v.left+cols+1)
				if c1 > c0 && repaint {
					sp.paint.rects = append(sp.paint.rects, frameRect{image.Rect((c0-v.left)*cellW, 0, (c1-v.left)*cellW, cellH), c})
				}
			}
		}
		// The visible cells of the row. Runs of characters the font
		// lacks go to one fallback text each.
		first, last := max(v.left-indent, 0), min(v.left-indent+cols+1, len(lay.cells))
		var missing []rune
		var missingX int
		var missingC color.Color
		flush := func() {
			if len(missing) > 0 {
				r.fallbackText(nFallback, string(missing), pad+float32(missingX)/scale, y, missingC)
				nFallback++
				missing = missing[:0]
			}
		}
		for c := first; c < last; c++ {
			cl := lay.cells[c]
			if cl.r == 0 {
				continue // the second half of a wide character
			}
			if cl.r == ' ' {
				flush()
				continue
			}
			col := fg
			for _, s := range spans {
				if int(s.start) <= cl.byte && cl.byte < int(s.end) {
					col = theme.ColorForWidget(s.color, v)
					break
				}
			}
			for _, m := range matches {
				if m.cur && m.a <= off+cl.byte && off+cl.byte < m.z && !isHex {
					col = theme.ColorForWidget(theme.ColorNameForegroundOnPrimary, v)
				}
			}
			x := (indent + c - v.left) * cellW
			if a != nil && !a.has(cl.r) {
				if len(missing) == 0 || rgbaKey(missingC) != rgbaKey(col) {
					flush()
					missingX, missingC = x, col
				}
				missing = append(missing, cl.r)
				continue
			}
			flush()
			if repaint {
				sp.paint.glyphs = append(sp.paint.glyphs, frameGlyph{x, 0, cl.r, col})
			}
		}
		flush()
		if repaint {
			canvas.Refresh(sp.raster)
		}
	}
	for _, t := range r.fallback[nFallback:] {
		t.Hide()
	}
	if len(want) > 0 {
		v.hl.request(v.model, want)
	}

	v.vbar.set(total, rows, v.top)
	v.vbar.Move(fyne.NewPos(size.Width-sb, 0))
	v.vbar.Resize(fyne.NewSize(sb, size.Height-sb))
	v.hbar.set(max(v.widest, v.left+cols), cols, v.left)
	v.hbar.Move(fyne.NewPos(0, size.Height-sb))
	v.hbar.Resize(fyne.NewSize(size.Width-sb, sb))

	if n := 3 + len(r.sprites) + len(r.fallback); len(r.objects) != n {
		objs := make([]fyne.CanvasObject, 0, n)
		objs = append(objs, r.bg)
		for _, sp := range r.sprites {
			objs = append(objs, sp.raster)
		}
		for _, t := range r.fallback {
			objs = append(objs, t)
		}
		r.objects = append(objs, v.vbar, v.hbar)
	}
	canvas.Refresh(r.bg)
}

// fallbackText places the i-th fallback text.
func (r *textViewRenderer) fallbackText(i int, s string, x, y float32, c color.Color) {
	if i == len(r.fallback) {
		r.fallback = append(r.fallback, &canvas.Text{TextStyle: fyne.TextStyle{Monospace: true}})
	}
	t := r.fallback[i]
	t.Text, t.Color = s, c
	t.TextSize = theme.SizeForWidget(theme.SizeNameText, r.v)
	t.Move(fyne.NewPos(x, y))
	t.Show()
	t.Refresh()
}

// matchRange is one search match as searched offsets [a, z).
type matchRange struct {
	a, z int
	cur  bool
}

// matchesIn returns the matches that touch searched offsets [a, z].
func (v *textView) matchesIn(a, z int) []matchRange {
	if len(v.matches) == 0 {
		return nil
	}
	i := sort.Search(len(v.matches), func(i int) bool { return int(v.matches[i])+v.qlen > a })
	var out []matchRange
	for ; i < len(v.matches) && int(v.matches[i]) <= z; i++ {
		m := int(v.matches[i])
		out = append(out, matchRange{a: m, z: m + v.qlen, cur: i == v.curMatch})
	}
	return out
}

// spanCols maps searched offsets [a, z) in row i to column ranges.
func (v *textView) spanCols(i int, lay rowLayout, indent, off, a, z int) [][2]int {
	if cm, ok := v.model.(cellMapper); ok {
		return cm.cells(i, a, z)
	}
	a = max(a-off, 0)
	z = min(z-off, len(lay.byteCol)-1)
	if z <= a {
		return nil
	}
	return [][2]int{{indent + lay.byteCol[a], indent + lay.byteCol[z]}}
}

// rowLayout places a row's bytes in display cells: tabs expanded, control
// characters and bytes that are not UTF-8 shown as visible symbols.
type rowLayout struct {
	cells   []cell
	byteCol []int // column of each byte, and of the end
	width   int
}

// cell is one display column: the rune drawn there (0 for the second
// half of a wide character) and the byte it comes from. cells[i].col == i.
type cell struct {
	r    rune
	col  int
	byte int
}

func layoutRow(b []byte) rowLayout { return layoutRowInto(rowLayout{}, b) }

func layoutRowInto(l rowLayout, b []byte) rowLayout {
	l.cells = l.cells[:0]
	l.byteCol = l.byteCol[:0]
	col := 0
	for i := 0; i < len(b); {
		r, n := rune(b[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRune(b[i:])
		}
		for k := 0; k < n; k++ {
			l.byteCol = append(l.byteCol, col)
		}
		switch {
		case r == '\t':
			l.cells = append(l.cells, cell{' ', col, i})
			col++
			for col%tabWidth != 0 {
				l.cells = append(l.cells, cell{' ', col, i})
				col++
			}
		case r < 0x20 || r == 0x7f:
			l.cells = append(l.cells, cell{'·', col, i})
			col++
		case r >= 0x1100 && isWide(r):
			// Two cells, as a terminal gives it; the second draws nothing.
			l.cells = append(l.cells, cell{r, col, i}, cell{0, col + 1, i})
			col += 2
		default:
			l.cells = append(l.cells, cell{r, col, i})
			col++
		}
		i += n
	}
	l.byteCol = append(l.byteCol, col)
	l.width = col
	return l
}

// isWide reports whether r takes two columns (East Asian wide and
// fullwidth characters, most emoji).
func isWide(r rune) bool {
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return true
	}
	return false
}

// sameRows reports whether rows of a are rows of b: the same model, or
// two snapshots of one text being laid out.
func sameRows(a, b rowModel) bool {
	if a == b {
		return true
	}
	da, ok1 := a.(*textDoc)
	db, ok2 := b.(*textDoc)
	return ok1 && ok2 && da != nil && db != nil && len(da.text) > 0 && len(db.text) > 0 &&
		&da.text[0] == &db.text[0] && da.lang == db.lang && da.rows() <= db.rows()
}

// rgbaKey is a colour as a comparable value (a theme may return any
// color.Color).
func rgbaKey(c color.Color) [4]uint32 {
	r, g, b, a := c.RGBA()
	return [4]uint32{r, g, b, a}
}
