package bodyview

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/app/ui/uithread"
)

// uiDo hands fn to the UI goroutine. It is fyne.Do; the tests replace it
// with a serial loop of their own, because Fyne's test driver runs fyne.Do
// at once on the calling goroutine.
var uiDo = uithread.Do

// Mode is one way of showing a body.
type Mode string

// The views a body can be shown in. Which ones a body offers depends on
// what it is (see Viewer).
const (
	ModePretty  Mode = "Pretty"  // JSON laid out, XML and HTML as received; highlighted
	ModeRaw     Mode = "Raw"     // as received
	ModePreview Mode = "Preview" // an image
	ModeHex     Mode = "Hex"     // 16 bytes a row: offset, hex, ASCII
)

// Stats times one piece of the viewer's work, for logs and benchmarks. It
// is passed to Viewer.OnStats on the UI goroutine.
type Stats struct {
	// Event is "load" (a Load until its first view is complete), "view"
	// (another view built), "search" or "jq".
	Event   string
	Mode    Mode
	Bytes   int64 // the body's size; for "search", the text searched
	Rows    int   // rows in the view
	Matches int   // "search": every match
	// Read is how long reading the Source took ("load").
	Read time.Duration
	// First is from Load until the first rows (or the image) were handed
	// to the view ("load").
	First time.Duration
	// Total is from the start of the work until it was complete and shown.
	Total time.Duration
}

// maxCopyBytes is the most Copy puts on the clipboard.
const maxCopyBytes = 10 << 20

// Viewer shows a response body: a widget with a view selector (Pretty,
// Raw, Preview, Hex), search, a jq filter for JSON, Copy and Save. It is
// built for bodies of any size: the body is read into one buffer with an
// index of rows, only the rows on screen are drawn, and everything slow
// (reading, laying out, indexing, highlighting, search, jq, saving) runs
// on goroutines, a newer Load canceling an older one.
//
// The default view follows the body: images open in Preview, binary
// bodies (application/octet-stream, or bytes that are not UTF-8) in Hex,
// JSON, XML and HTML in Pretty, other text in Raw.
//
// Keys: Ctrl+F focuses the search field (FocusSearch, for the window's
// own shortcut); in it, Enter and Shift+Enter go to the next and previous
// match, Escape clears it. The text view scrolls with the wheel, arrows,
// Page Up/Down, Home and End; a tap marks a row, and Ctrl+C copies it.
//
// Call every method on the UI goroutine.
type Viewer struct {
	widget.BaseWidget

	// OnStats, when set, is told how long each piece of work took.
	OnStats func(Stats)

	win     fyne.Window
	content fyne.CanvasObject

	modeBtns      map[Mode]*widget.Button
	modeBar       *fyne.Container
	options       []Mode // the views this body offers
	status        *widget.Label
	copyBtn       *widget.Button
	saveBtn       *widget.Button
	search        *keyEntry
	count         *widget.Label
	prevBtn       *widget.Button
	nextBtn       *widget.Button
	caseBtn       *widget.Button
	jq            *keyEntry
	jqError       *widget.Label
	note          *widget.Label
	text          *textView
	preview       *previewPane
	progressBar   *widget.ProgressBar
	progressInf   *widget.ProgressBarInfinite
	progressLabel *widget.Label
	progressBox   fyne.CanvasObject
	empty         *widget.Label
	emptyBox      fyne.CanvasObject
	center        *fyne.Container
	top           *fyne.Container
	row1          *fyne.Container
	searchBox     *fyne.Container

	// The state below belongs to the UI goroutine.

	gen    uint64 // counts Load and Clear; work of an older one is dropped
	ctx    context.Context
	cancel context.CancelFunc

	body      *body
	prev      *preview
	mode      Mode
	views     map[Mode]rowModel // finished views of body
	building  map[Mode]bool
	partial   Mode // the view shown is an unfinished one of this mode
	bodyNote  string
	receiving bool

	loadStart time.Time
	read      time.Duration
	first     time.Duration
	loadDone  bool

	find       *searchResult
	findCur    int
	findGen    uint64
	findCancel context.CancelFunc
	caseSens   bool

	jqOut    *jqResult
	jqGen    uint64
	jqCancel context.CancelFunc
}

// New returns an empty viewer.
func New() *Viewer {
	v := &Viewer{views: map[Mode]rowModel{}, building: map[Mode]bool{}}
	v.ctx, v.cancel = context.WithCancel(context.Background())
	v.buildUI()
	v.ExtendBaseWidget(v)
	v.Clear()
	return v
}

func (v *Viewer) buildUI() {
	// The view selector is a row of buttons made once and shown or hidden
	// per body: rebuilding a RadioGroup's options cost a few milliseconds
	// of the UI goroutine on every Load.
	v.modeBtns = map[Mode]*widget.Button{}
	v.modeBar = container.NewHBox()
	for _, m := range []Mode{ModePretty, ModeRaw, ModePreview, ModeHex} {
		b := &widget.Button{Text: string(m), Importance: widget.LowImportance, OnTapped: func() { v.onModeTapped(m) }}
		b.Hide()
		v.modeBtns[m] = b
		v.modeBar.Add(b)
	}
	v.status = widget.NewLabel("")
	v.status.Truncation = fyne.TextTruncateEllipsis
	v.copyBtn = &widget.Button{Text: "Copy", Icon: theme.ContentCopyIcon(), Importance: widget.LowImportance, OnTapped: v.onCopy}
	v.saveBtn = &widget.Button{Text: "Save…", Icon: theme.DocumentSaveIcon(), Importance: widget.LowImportance, OnTapped: v.onSave}

	v.search = newKeyEntry("Search (Ctrl+F)")
	v.search.OnChanged = func(string) { v.runSearch() }
	v.search.onEnter = v.onSearchEnter
	v.search.onEscape = func() { v.search.SetText("") }
	v.search.onShortcut = v.handleShortcut
	v.count = widget.NewLabel("")
	v.prevBtn = &widget.Button{Icon: theme.MoveUpIcon(), Importance: widget.LowImportance, OnTapped: v.PrevMatch}
	v.nextBtn = &widget.Button{Icon: theme.MoveDownIcon(), Importance: widget.LowImportance, OnTapped: v.NextMatch}
	v.caseBtn = &widget.Button{Text: "Aa", Importance: widget.LowImportance, OnTapped: v.toggleCase}

	v.jq = newKeyEntry("jq filter, e.g. .items[0].name (Enter)")
	v.jq.onEnter = func(bool) { v.applyJQ() }
	v.jq.onEscape = func() { v.jq.SetText("") }
	v.jq.onShortcut = v.handleShortcut
	v.jq.OnChanged = func(s string) {
		if strings.TrimSpace(s) == "" {
			v.clearJQ()
		}
	}
	v.jqError = widget.NewLabel("")
	v.jqError.Importance = widget.DangerImportance
	v.jqError.Wrapping = fyne.TextWrapWord
	v.note = widget.NewLabel("")
	v.note.Importance = widget.WarningImportance
	v.note.Wrapping = fyne.TextWrapWord

	v.text = newTextView()
	v.text.onShortcut = v.handleTextShortcut
	v.preview = newPreviewPane()
	v.progressBar = widget.NewProgressBar()
	v.progressInf = widget.NewProgressBarInfinite()
	v.progressLabel = widget.NewLabel("")
	v.progressBox = container.NewBorder(container.NewVBox(v.progressLabel, v.progressBar, v.progressInf), nil, nil, nil)
	v.empty = widget.NewLabel("")
	v.empty.Importance = widget.LowImportance
	v.emptyBox = container.NewCenter(v.empty)
	v.center = container.NewStack(v.text, v.preview.box, v.progressBox, v.emptyBox)

	actions := container.NewHBox(v.copyBtn, v.saveBtn)
	v.row1 = container.NewBorder(nil, nil, v.modeBar, actions, v.status)
	v.searchBox = container.NewBorder(nil, nil, nil, container.NewHBox(v.count, v.prevBtn, v.nextBtn, v.caseBtn), v.search)
	jqBox := container.NewBorder(nil, nil, widget.NewLabel("jq"), nil, v.jq)
	v.top = container.NewVBox(v.row1, container.NewGridWithColumns(2, v.searchBox, jqBox), v.jqError, v.note)
	v.content = container.NewBorder(v.top, nil, nil, nil, v.center)
}

// relayout lays out the bar above the view again after a label in it
// changed size or was shown or hidden. (Fyne's desktop driver notices on
// its own at the next frame; this keeps other canvases right too.)
func (v *Viewer) relayout() {
	v.modeBar.Refresh()
	v.row1.Refresh()
	v.searchBox.Refresh()
	v.top.Refresh()
	v.content.(*fyne.Container).Refresh()
}

// CreateRenderer implements fyne.Widget.
func (v *Viewer) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(v.content)
}

// SetWindow gives the viewer the window its Save dialog opens over.
func (v *Viewer) SetWindow(w fyne.Window) {
	v.win = w
	v.updateActions()
}

// FocusSearch puts the keyboard focus in the search field, with its text
// selected. The window calls it for Ctrl+F.
func (v *Viewer) FocusSearch() {
	c := fyne.CurrentApp().Driver().CanvasForObject(v.search)
	if c == nil {
		return
	}
	c.Focus(v.search)
	v.search.Entry.TypedShortcut(&fyne.ShortcutSelectAll{})
}

// ShowProgress shows that a body is on its way: received bytes of total
// (total <= 0 when unknown). The previous body is cleared on the first
// call; Load ends the progress display.
func (v *Viewer) ShowProgress(received, total int64) {
	if !v.receiving {
		v.reset()
		v.receiving = true
	}
	if total > 0 {
		v.progressLabel.SetText(fmt.Sprintf("Receiving the body: %s of %s", humanBytes(received), humanBytes(total)))
		v.progressBar.SetValue(float64(received) / float64(total))
		v.progressBar.Show()
		v.stopSpinner()
	} else {
		v.progressLabel.SetText("Receiving the body: " + humanBytes(received))
		v.progressBar.Hide()
		v.startSpinner()
	}
	v.show(v.progressBox)
}

// Clear stops all work and shows no body. The search and jq fields keep
// their text, so the next body is searched and filtered the same way.
func (v *Viewer) Clear() {
	v.reset()
	v.setOptions(nil)
	v.updateActions()
}

// Close stops all work for good, before the window closes: Fyne runs
// callbacks straight from the goroutines that post them while the app
// shuts down, so every piece of work still under way must find it has
// nothing to do.
func (v *Viewer) Close() {
	v.stop()
	v.findGen++
	v.jqGen++
	v.text.hl.close()
}

// reset is Clear without touching the view selector and the buttons, which
// Load sets again a moment later.
func (v *Viewer) reset() {
	v.stop()
	v.body, v.prev, v.jqOut = nil, nil, nil
	v.views = map[Mode]rowModel{}
	v.building = map[Mode]bool{}
	v.partial, v.mode, v.bodyNote, v.receiving = "", "", "", false
	v.find, v.findCur = nil, -1
	v.preview.clear()
	v.text.setModel(nil, "", false)
	v.setCount("")
	v.status.SetText("")
	v.setJQError("")
	v.updateNote()
	v.empty.SetText("No response body.")
	v.show(v.emptyBox)
}

// stop cancels every piece of work and starts a new generation.
func (v *Viewer) stop() {
	v.gen++
	v.cancel()
	v.ctx, v.cancel = context.WithCancel(context.Background())
	v.findCancel, v.jqCancel = nil, nil
}

// post runs fn on the UI goroutine, unless a Load or Clear came since gen.
func (v *Viewer) post(gen uint64, fn func()) {
	uiDo(func() {
		if v.gen == gen {
			fn()
		}
	})
}

// Load shows src, whose Content-Type is contentType (it may be empty; the
// body is then sniffed). It returns at once; the body is read and laid out
// on goroutines, and the first rows show while the rest is still being
// laid out. An older Load still at work is canceled.
func (v *Viewer) Load(src Source, contentType string) {
	if src == nil {
		v.Clear()
		return
	}
	v.reset()
	v.loadStart, v.first, v.loadDone = time.Now(), 0, false
	v.showBusy("Reading the body…")
	ctx, gen := v.ctx, v.gen
	go v.load(ctx, gen, src, contentType)
}

// load reads and sniffs the body; it runs on its own goroutine.
func (v *Viewer) load(ctx context.Context, gen uint64, src Source, contentType string) {
	start := time.Now()
	b, err := readBody(ctx, src)
	if err != nil {
		if ctx.Err() == nil {
			v.post(gen, func() { v.showFailure(err) })
		}
		return
	}
	b.kind, b.media = detectKind(contentType, b.data)
	read := time.Since(start)
	var pv *preview
	var pvErr error
	if ms := modes(b.kind); len(ms) > 0 && ms[0] == ModePreview {
		pv, pvErr = decodePreview(b)
	}
	v.post(gen, func() { v.install(b, pv, pvErr, read) })
}

// install shows a body that has been read, in its default view.
func (v *Viewer) install(b *body, pv *preview, pvErr error, read time.Duration) {
	v.body, v.prev, v.read = b, pv, read
	opts := modes(b.kind)
	if pvErr != nil {
		opts = slices.DeleteFunc(opts, func(m Mode) bool { return m == ModePreview })
		v.bodyNote = "The image cannot be shown: " + pvErr.Error() + "."
	}
	if b.cut {
		v.bodyNote = fmt.Sprintf("Showing the first %s of %s; Save keeps all of it.", humanBytes(int64(len(b.data))), humanBytes(b.size))
	}
	v.setOptions(opts)
	v.updateNote()
	v.updateActions()
	if len(opts) == 0 {
		v.empty.SetText("The body is empty.")
		v.show(v.emptyBox)
		v.finishLoad()
		return
	}
	v.showMode(opts[0])
	if b.kind == kindJSON && strings.TrimSpace(v.jq.Text) != "" {
		v.applyJQ()
	}
}

// setOptions shows the buttons of the views in opts.
func (v *Viewer) setOptions(opts []Mode) {
	if slices.Equal(opts, v.options) {
		return
	}
	v.options = opts
	for m, b := range v.modeBtns {
		if slices.Contains(opts, m) {
			b.Show()
		} else {
			b.Hide()
		}
	}
	v.markMode()
	v.relayout()
}

// markMode shows which view is on.
func (v *Viewer) markMode() {
	for m, b := range v.modeBtns {
		imp := widget.LowImportance
		if m == v.mode {
			imp = widget.HighImportance
		}
		if b.Importance != imp {
			b.Importance = imp
			b.Refresh()
		}
	}
}

func (v *Viewer) onModeTapped(m Mode) {
	if m != v.mode || v.body == nil {
		v.showMode(m)
	}
}

// showMode shows the body in view m, building the view first if needed.
func (v *Viewer) showMode(m Mode) {
	v.mode = m
	v.partial = ""
	v.markMode()
	v.updateNote()
	if v.body == nil {
		return
	}
	switch {
	case m == ModePreview:
		v.text.setModel(nil, "", false)
		v.runSearch()
		if v.prev != nil {
			v.preview.show(v.prev)
			v.show(v.preview.box)
		}
		v.markFirst()
		v.finishLoad()
	case m == ModePretty && v.jqOut != nil:
		v.showModel(v.jqOut.doc, "json", false)
	case v.views[m] != nil:
		v.showModel(v.views[m], v.langFor(m), false)
	default:
		if !v.building[m] {
			v.build(m)
		}
		v.text.setModel(nil, "", false)
		v.showBusy(fmt.Sprintf("Preparing the %s view of %s…", m, humanBytes(int64(len(v.body.data)))))
	}
}

func (v *Viewer) langFor(m Mode) string {
	if m == ModePretty && v.body != nil {
		return langOf(v.body.kind)
	}
	return ""
}

// showModel puts a text or hex view on screen.
func (v *Viewer) showModel(m rowModel, lang string, keep bool) {
	v.text.setModel(m, lang, keep)
	v.show(v.text)
	if !keep {
		v.runSearch()
	}
}

// build makes view m of the body on a goroutine. Text views show their
// first rows while the rest is laid out.
func (v *Viewer) build(m Mode) {
	v.building[m] = true
	ctx, gen, b := v.ctx, v.gen, v.body
	start := time.Now()
	lang := v.langFor(m)
	publish := func(d *textDoc) {
		v.post(gen, func() { v.onPartial(m, d, lang) })
	}
	go func() {
		release, ok := acquireWork(ctx.Done())
		if !ok {
			return
		}
		defer release()
		var view rowModel
		var err error
		switch {
		case m == ModeHex:
			view = &hexDoc{data: b.data}
		case m == ModePretty && b.kind == kindJSON:
			var d *textDoc
			d, err = prettyJSON(ctx, b.data, publish)
			view = d
		default:
			view = indexLines(ctx, b.data, lang, publish)
		}
		if ctx.Err() != nil {
			return
		}
		v.post(gen, func() { v.onBuilt(m, view, err, time.Since(start)) })
	}()
}

// onPartial shows the rows of view m laid out so far.
func (v *Viewer) onPartial(m Mode, d *textDoc, lang string) {
	if v.mode != m || v.views[m] != nil || (m == ModePretty && v.jqOut != nil) {
		return
	}
	keep := v.partial == m
	v.partial = m
	v.showModel(d, lang, keep)
	v.markFirst()
}

// onBuilt takes a finished view (or the news that the body is not JSON).
func (v *Viewer) onBuilt(m Mode, view rowModel, err error, took time.Duration) {
	delete(v.building, m)
	var se *jsonSyntaxError
	if errors.As(err, &se) {
		v.notJSON(se)
		return
	}
	v.views[m] = view
	if v.mode == m && !(m == ModePretty && v.jqOut != nil) {
		keep := v.partial == m
		v.showModel(view, v.langFor(m), keep)
		if keep {
			v.runSearch() // the search so far saw only part of the rows
		}
		v.markFirst()
	}
	if v.partial == m {
		v.partial = ""
	}
	if !v.loadDone {
		v.finishLoad()
	} else {
		v.emit(Stats{Event: "view", Mode: m, Bytes: v.body.size, Rows: view.rows(), Total: took})
	}
}

// notJSON shows a body that claimed or looked like JSON as received.
func (v *Viewer) notJSON(se *jsonSyntaxError) {
	line, col := lineCol(v.body.data, se.Offset)
	if isJSONMedia(v.body.media) {
		v.bodyNote = fmt.Sprintf("This body is not valid JSON (line %d, column %d: %s), so it is shown as received.", line, col, se.Msg)
	}
	v.body.kind = kindText
	v.setOptions(modes(kindText))
	v.partial = ""
	v.text.setModel(nil, "", false)
	v.updateActions()
	v.showMode(ModeRaw)
}

// markFirst notes when a Load's first rows reached the screen.
func (v *Viewer) markFirst() {
	if v.first == 0 && !v.loadStart.IsZero() {
		v.first = time.Since(v.loadStart)
	}
}

// finishLoad reports a Load whose first view is complete.
func (v *Viewer) finishLoad() {
	if v.loadDone {
		return
	}
	v.loadDone = true
	v.markFirst()
	s := Stats{Event: "load", Mode: v.mode, Read: v.read, First: v.first, Total: time.Since(v.loadStart)}
	if v.body != nil {
		s.Bytes = v.body.size
	}
	s.Rows = v.text.rowCount()
	v.emit(s)
}

func (v *Viewer) emit(s Stats) {
	if v.OnStats != nil {
		v.OnStats(s)
	}
}

// show makes one of the centre panes visible.
func (v *Viewer) show(o fyne.CanvasObject) {
	if o != v.progressBox {
		v.stopSpinner()
	}
	for _, c := range v.center.Objects {
		if c == o {
			c.Show()
		} else {
			c.Hide()
		}
	}
}

func (v *Viewer) showBusy(msg string) {
	v.progressLabel.SetText(msg)
	v.progressBar.Hide()
	v.startSpinner()
	v.show(v.progressBox)
}

// startSpinner shows the infinite progress bar and starts its animation.
func (v *Viewer) startSpinner() {
	v.progressInf.Show()
	v.progressInf.Refresh() // Show alone does not start the animation
}

// stopSpinner stops and hides the infinite progress bar. Hiding it, or a
// container around it, does not stop its animation, and every frame of
// that repaints the whole window.
func (v *Viewer) stopSpinner() {
	v.progressInf.Stop()
	v.progressInf.Hide()
}

func (v *Viewer) showFailure(err error) {
	v.empty.SetText("The body cannot be shown: " + err.Error())
	v.show(v.emptyBox)
	v.finishLoad()
}

func (v *Viewer) updateNote() {
	note := v.bodyNote
	if v.jqOut != nil && v.mode == ModePretty {
		s := fmt.Sprintf("Showing the jq filter's output: %d results.", v.jqOut.results)
		switch v.jqOut.results {
		case 0:
			s = "The jq filter gave no results."
		case 1:
			s = "Showing the jq filter's output: 1 result."
		}
		if v.jqOut.cut {
			s += fmt.Sprintf(" Output past %s was dropped.", humanBytes(maxJQOutput))
		}
		note = strings.TrimSpace(note + " " + s)
	}
	if v.note.Text == note && v.note.Hidden == (note == "") {
		return
	}
	v.note.SetText(note)
	v.note.Hidden = note == ""
	v.relayout()
}

func (v *Viewer) setJQError(msg string) {
	if v.jqError.Text == msg && v.jqError.Hidden == (msg == "") {
		return
	}
	v.jqError.SetText(msg)
	v.jqError.Hidden = msg == ""
	v.relayout()
}

func (v *Viewer) updateActions() {
	has := v.body != nil
	setEnabled(v.copyBtn, has)
	setEnabled(v.saveBtn, has && v.win != nil)
	setEnabled(v.jq, has && v.body.kind == kindJSON)
}

// setEnabled enables or disables w, leaving it alone when it already is
// (each change redraws it).
func setEnabled(w fyne.Disableable, on bool) {
	switch {
	case on && w.Disabled():
		w.Enable()
	case !on && !w.Disabled():
		w.Disable()
	}
}

// handleShortcut handles the viewer's shortcuts in all its widgets.
func (v *Viewer) handleShortcut(s fyne.Shortcut) bool {
	if cs, ok := s.(*desktop.CustomShortcut); ok && cs.KeyName == fyne.KeyF && cs.Modifier == fyne.KeyModifierShortcutDefault {
		v.FocusSearch()
		return true
	}
	return false
}

// handleTextShortcut adds Ctrl+C, copying the marked row, to the text view.
func (v *Viewer) handleTextShortcut(s fyne.Shortcut) bool {
	if _, ok := s.(*fyne.ShortcutCopy); ok {
		if t := v.text; t.model != nil && t.cur >= 0 && t.cur < t.rowCount() {
			b, indent, _ := t.model.row(t.cur)
			fyne.CurrentApp().Clipboard().SetContent(strings.Repeat(" ", indent) + string(b))
			v.status.SetText("Copied row " + fmt.Sprint(t.cur+1))
		}
		return true
	}
	return v.handleShortcut(s)
}

// runSearch starts a search of the view shown for the search field's
// text, replacing one under way.
func (v *Viewer) runSearch() {
	if v.findCancel != nil {
		v.findCancel()
		v.findCancel = nil
	}
	v.findGen++
	query := v.search.Text
	model := v.text.model
	var text []byte
	switch m := model.(type) {
	case *textDoc:
		text = m.text
	case *hexDoc:
		text = m.data
	}
	if query == "" || model == nil {
		v.find, v.findCur = nil, -1
		v.text.setMatches(nil, 0, -1)
		v.setCount("")
		return
	}
	v.setCount("…")
	ctx, cancel := context.WithCancel(v.ctx)
	v.findCancel = cancel
	gen, caseSens := v.findGen, v.caseSens
	go func() {
		release, ok := acquireWork(ctx.Done())
		if !ok {
			return
		}
		start := time.Now()
		res := search(ctx, text, []byte(query), caseSens)
		release()
		if res == nil {
			return
		}
		took := time.Since(start)
		uiDo(func() {
			if v.findGen == gen && v.text.model == model {
				v.onSearched(res, took)
			}
		})
	}()
}

// onSearched shows a search's matches. The current match is the first
// one at or after the top of the screen, so typing a query does not
// jump away from a match already in view.
func (v *Viewer) onSearched(res *searchResult, took time.Duration) {
	v.find = res
	v.findCur = -1
	if len(res.offs) > 0 {
		_, _, topOff := v.text.model.row(v.text.top)
		v.findCur = sort.Search(len(res.offs), func(i int) bool { return int(res.offs[i]) >= topOff })
		if v.findCur == len(res.offs) {
			v.findCur = 0
		}
	}
	v.text.setMatches(res.offs, res.qlen, v.findCur)
	v.updateCount()
	v.emit(Stats{Event: "search", Mode: v.mode, Bytes: int64(len(v.searchedText())), Rows: v.text.rowCount(), Matches: res.total, Total: took})
}

func (v *Viewer) searchedText() []byte {
	switch m := v.text.model.(type) {
	case *textDoc:
		return m.text
	case *hexDoc:
		return m.data
	}
	return nil
}

func (v *Viewer) updateCount() {
	switch {
	case v.find == nil:
		v.setCount("")
	case v.find.total == 0:
		v.setCount("No matches")
	default:
		v.setCount(fmt.Sprintf("%d / %d", v.findCur+1, v.find.total))
	}
}

func (v *Viewer) setCount(s string) {
	if v.count.Text != s {
		v.count.SetText(s)
		v.searchBox.Refresh()
	}
}

// NextMatch moves to the next search match, wrapping at the end.
func (v *Viewer) NextMatch() { v.stepMatch(1) }

// PrevMatch moves to the previous search match, wrapping at the start.
func (v *Viewer) PrevMatch() { v.stepMatch(-1) }

func (v *Viewer) stepMatch(d int) {
	if v.find == nil || len(v.find.offs) == 0 {
		return
	}
	n := len(v.find.offs)
	v.findCur = ((v.findCur+d)%n + n) % n
	v.text.setMatches(v.find.offs, v.find.qlen, v.findCur)
	v.updateCount()
}

func (v *Viewer) onSearchEnter(shift bool) {
	if shift {
		v.PrevMatch()
	} else {
		v.NextMatch()
	}
}

func (v *Viewer) toggleCase() {
	v.caseSens = !v.caseSens
	if v.caseSens {
		v.caseBtn.Importance = widget.HighImportance
	} else {
		v.caseBtn.Importance = widget.LowImportance
	}
	v.caseBtn.Refresh()
	v.runSearch()
}

// applyJQ runs the jq field's filter over the body on a goroutine.
func (v *Viewer) applyJQ() {
	if v.jqCancel != nil {
		v.jqCancel()
		v.jqCancel = nil
	}
	v.jqGen++
	filter := strings.TrimSpace(v.jq.Text)
	if filter == "" {
		v.clearJQ()
		return
	}
	if v.body == nil {
		return // Load applies the filter when the body is in
	}
	if v.body.kind != kindJSON {
		v.setJQError("jq filters work on JSON bodies only.")
		return
	}
	ctx, cancel := context.WithCancel(v.ctx)
	v.jqCancel = cancel
	gen, data, start := v.jqGen, v.body.data, time.Now()
	v.status.SetText("Running the jq filter…")
	go func() {
		release, ok := acquireWork(ctx.Done())
		if !ok {
			return
		}
		res, err := runJQ(ctx, data, filter)
		release()
		if ctx.Err() != nil {
			return
		}
		took := time.Since(start)
		uiDo(func() {
			if v.jqGen == gen {
				v.onJQ(res, err, took)
			}
		})
	}()
}

func (v *Viewer) onJQ(res *jqResult, err error, took time.Duration) {
	v.status.SetText("")
	if err != nil {
		v.setJQError(capitalize(err.Error()))
		return
	}
	v.setJQError("")
	v.jqOut = res
	v.showMode(ModePretty)
	v.emit(Stats{Event: "jq", Mode: ModePretty, Bytes: v.body.size, Rows: res.doc.rows(), Total: took})
}

// clearJQ drops the filter's output and shows the body again.
func (v *Viewer) clearJQ() {
	if v.jqCancel != nil {
		v.jqCancel()
		v.jqCancel = nil
	}
	v.jqGen++
	v.setJQError("")
	if v.jqOut == nil {
		return
	}
	v.jqOut = nil
	v.status.SetText("")
	v.showMode(v.mode)
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
