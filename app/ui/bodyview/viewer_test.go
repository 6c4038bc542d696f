package bodyview

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
)

var smallJSON = []byte(`{"name":"knock","tags":["http","auth"],"count":2,"ok":true,"owner":{"id":7,"email":null}}`)

func TestViewerPrettyJSON(t *testing.T) {
	f := newFixture(t, fyne.NewSize(800, 500))
	s := f.load(memSource(smallJSON), "application/json; charset=utf-8")
	if s.Mode != ModePretty || s.Rows != 13 || s.Bytes != int64(len(smallJSON)) {
		t.Fatalf("load stats %+v; want Pretty, 13 rows", s)
	}
	want := []string{
		`{`,
		`  "name": "knock",`,
		`  "tags": [`,
		`    "http",`,
		`    "auth"`,
		`  ],`,
		`  "count": 2,`,
		`  "ok": true,`,
		`  "owner": {`,
		`    "id": 7,`,
		`    "email": null`,
		`  }`,
		`}`,
	}
	if got := f.rows(20); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("pretty rows:\n%s", strings.Join(got, "\n"))
	}
	opts := get(f, func(v *Viewer) string { return modeNames(v.options) })
	if opts != "Pretty,Raw,Hex" {
		t.Fatalf("views offered %q, want Pretty,Raw,Hex", opts)
	}
	// Raw shows the body as received.
	f.ui.run(func() { test.Tap(f.v.modeBtns[ModeRaw]) })
	waitFor(t, func() bool { r := f.rows(2); return len(r) == 1 && r[0] == string(smallJSON) })
	// Keys and strings get different colours once highlighted.
	f.ui.run(func() { test.Tap(f.v.modeBtns[ModePretty]) })
	waitFor(t, func() bool {
		return get(f, func(v *Viewer) bool { return len(v.text.hlCache[1]) >= 2 })
	})
	spans := get(f, func(v *Viewer) []hlSpan { return v.text.hlCache[1] })
	if spans[0].color == spans[len(spans)-1].color {
		t.Fatalf(`row "name": "knock" highlighted in one colour: %+v`, spans)
	}
}

func TestViewerInvalidJSON(t *testing.T) {
	f := newFixture(t, fyne.NewSize(800, 500))
	body := []byte("{\"a\": 1,\n \"b\": tru}")
	s := f.load(memSource(body), "application/json")
	if s.Mode != ModeRaw {
		t.Fatalf("invalid JSON opened in %s, want Raw", s.Mode)
	}
	if got := f.rows(5); strings.Join(got, "|") != `{"a": 1,| "b": tru}` {
		t.Fatalf("rows %q, want the body as received", got)
	}
	note := get(f, func(v *Viewer) string { return v.note.Text })
	if !strings.Contains(note, "not valid JSON (line 2, column 7: expected a value, found 't')") || get(f, func(v *Viewer) bool { return v.note.Hidden }) {
		t.Fatalf("note %q; want it to say where the JSON breaks", note)
	}
	if opts := get(f, func(v *Viewer) string { return modeNames(v.options) }); opts != "Raw,Hex" {
		t.Fatalf("views %v after invalid JSON, want Raw,Hex", opts)
	}
}

// searchBody is a pretty JSON body with "needle" in rows 50, 150, … of the
// Pretty view.
func searchBody() []byte {
	var b bytes.Buffer
	b.WriteString("[")
	for i := 0; i < 1000; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		word := "hay"
		if i%100 == 50 {
			word = "Needle"
		}
		fmt.Fprintf(&b, `%q`, fmt.Sprintf("%s-%d", word, i))
	}
	b.WriteString("]")
	return b.Bytes()
}

func TestViewerSearch(t *testing.T) {
	f := newFixture(t, fyne.NewSize(800, 400))
	f.load(memSource(searchBody()), "application/json")

	f.ui.run(func() { test.Type(f.v.search, "needle") })
	s := f.wait("search", 10*time.Second)
	if s.Matches != 10 {
		t.Fatalf("%d matches for needle, want 10 (case-insensitive)", s.Matches)
	}
	state := func() (string, int, int) {
		var label string
		var top, cur int
		f.ui.run(func() { label, top, cur = f.v.count.Text, f.v.text.top, f.v.text.cur })
		return label, top, cur
	}
	label, top, cur := state()
	if label != "1 / 10" || cur != 51 {
		t.Fatalf("after search: %q, marked row %d; want 1 / 10 on row 51", label, cur)
	}
	visible := func(top, row int) bool {
		rows, _ := get(f, func(v *Viewer) [2]int { r, c := v.text.page(); return [2]int{r, c} })[0], 0
		return row >= top && row < top+rows
	}
	if !visible(top, cur) {
		t.Fatalf("row %d not on screen (top %d)", cur, top)
	}

	f.ui.run(f.v.NextMatch)
	label, top2, cur := state()
	if label != "2 / 10" || cur != 151 || !visible(top2, 151) || top2 == top {
		t.Fatalf("after Next: %q, row %d, top %d; want 2 / 10, row 151 on screen", label, cur, top2)
	}
	// Enter and Shift+Enter in the search field.
	f.ui.run(func() { f.v.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) })
	if label, _, cur = state(); label != "3 / 10" || cur != 251 {
		t.Fatalf("after Enter: %q row %d, want 3 / 10 row 251", label, cur)
	}
	f.ui.run(func() {
		f.v.search.KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
		f.v.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		f.v.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		f.v.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		f.v.search.KeyUp(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	})
	if label, _, cur = state(); label != "10 / 10" || cur != 951 {
		t.Fatalf("after three Shift+Enter from 3: %q row %d, want 10 / 10 (wrapped) row 951", label, cur)
	}

	// Match case.
	f.ui.run(f.v.toggleCase)
	if s := f.wait("search", 10*time.Second); s.Matches != 0 {
		t.Fatalf("case-sensitive needle: %d matches, want 0", s.Matches)
	}
	if label, _, _ = state(); label != "No matches" {
		t.Fatalf("label %q, want No matches", label)
	}
	f.ui.run(func() { f.v.search.SetText("Needle") })
	if s := f.wait("search", 10*time.Second); s.Matches != 10 {
		t.Fatalf("case-sensitive Needle: %d matches, want 10", s.Matches)
	}

	// Ctrl+F from the text view focuses the search field.
	f.ui.run(func() {
		f.w.Canvas().Focus(f.v.text)
		f.v.text.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault})
	})
	if focused := get(f, func(v *Viewer) fyne.Focusable { return f.w.Canvas().Focused() }); focused != f.v.search {
		t.Fatalf("Ctrl+F focused %T, want the search field", focused)
	}
}

func TestViewerJQ(t *testing.T) {
	f := newFixture(t, fyne.NewSize(800, 500))
	f.load(memSource(smallJSON), "application/json")

	f.ui.run(func() {
		f.v.jq.SetText(".tags[0], .owner")
		f.v.jq.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	s := f.wait("jq", 10*time.Second)
	want := "\"http\"|{|  \"email\": null,|  \"id\": 7|}"
	if got := strings.Join(f.rows(10), "|"); got != want || s.Rows != 5 {
		t.Fatalf("jq output rows %q, want %q", got, want)
	}
	if note := get(f, func(v *Viewer) string { return v.note.Text }); !strings.Contains(note, "2 results") {
		t.Fatalf("note %q, want the result count", note)
	}

	// A syntax error is explained under the field; the output stays.
	f.ui.run(func() {
		f.v.jq.SetText(".tags[")
		f.v.applyJQ()
	})
	waitFor(t, func() bool { return get(f, func(v *Viewer) bool { return !v.jqError.Hidden }) })
	if msg := get(f, func(v *Viewer) string { return v.jqError.Text }); !strings.HasPrefix(msg, "The filter is not valid jq: unexpected EOF") {
		t.Fatalf("syntax error shown as %q", msg)
	}
	// So is a run-time error.
	f.ui.run(func() {
		f.v.jq.SetText(".name.first")
		f.v.applyJQ()
	})
	waitFor(t, func() bool {
		return get(f, func(v *Viewer) bool { return strings.Contains(v.jqError.Text, "failed") })
	})
	if msg := get(f, func(v *Viewer) string { return v.jqError.Text }); !strings.Contains(msg, `expected an object but got: string ("knock")`) {
		t.Fatalf("run-time error shown as %q", msg)
	}

	// Clearing the filter brings the body back.
	f.ui.run(func() { f.v.jq.SetText("") })
	if got := f.rows(2); len(got) != 2 || got[1] != `  "name": "knock",` {
		t.Fatalf("after clearing the filter rows %q, want the body", got)
	}
	if get(f, func(v *Viewer) bool { return !v.jqError.Hidden || v.jqOut != nil }) {
		t.Fatal("the filter's error or output is still shown after clearing it")
	}
}

func TestViewerHex(t *testing.T) {
	f := newFixture(t, fyne.NewSize(900, 500))
	data := make([]byte, 256+5)
	for i := range data {
		data[i] = byte(i)
	}
	s := f.load(memSource(data), "application/octet-stream")
	if s.Mode != ModeHex || s.Rows != 17 {
		t.Fatalf("binary body: %+v; want Hex with 17 rows", s)
	}
	rows := f.rows(20)
	for i, want := range map[int]string{
		0:  "00000000  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  |................|",
		4:  "00000040  40 41 42 43 44 45 46 47  48 49 4a 4b 4c 4d 4e 4f  |@ABCDEFGHIJKLMNO|",
		16: "00000100  00 01 02 03 04" + strings.Repeat(" ", 36) + "|.....|",
	} {
		if rows[i] != want {
			t.Errorf("hex row %d:\n%q\nwant\n%q", i, rows[i], want)
		}
	}
	// Bytes that are not UTF-8 and no Content-Type: Hex as well.
	if s := f.load(memSource([]byte("abc\xff\xfe\x00def")), ""); s.Mode != ModeHex {
		t.Fatalf("invalid UTF-8 opened in %s, want Hex", s.Mode)
	}
	// Search in Hex finds bytes and marks both columns.
	f.ui.run(func() { f.v.search.SetText("def") })
	f.wait("search", 5*time.Second)
	cells := get(f, func(v *Viewer) [][2]int { return v.text.model.(cellMapper).cells(0, 6, 9) })
	if len(cells) != 2 || cells[0] != [2]int{hexCol(6), hexCol(8) + 2} || cells[1] != [2]int{hexBarCol + 7, hexBarCol + 10} {
		t.Fatalf("cells of bytes 6-8: %v", cells)
	}
}

func testPNG(t testing.TB, w, h int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{uint8(x * 255 / w), uint8(y * 255 / h), 180, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestViewerPreview(t *testing.T) {
	f := newFixture(t, fyne.NewSize(800, 500))
	pngData := testPNG(t, 64, 48)
	for _, ct := range []string{"image/png", ""} {
		s := f.load(memSource(pngData), ct)
		if s.Mode != ModePreview {
			t.Fatalf("PNG with Content-Type %q opened in %s, want Preview", ct, s.Mode)
		}
		caption := get(f, func(v *Viewer) string { return v.preview.caption.Text })
		shown := get(f, func(v *Viewer) bool { return v.preview.image.Image != nil && v.preview.box.Visible() })
		if !strings.HasPrefix(caption, "PNG, 64 × 48") || !shown {
			t.Fatalf("preview caption %q, shown %v", caption, shown)
		}
	}
	if opts := get(f, func(v *Viewer) string { return modeNames(v.options) }); opts != "Preview,Hex" {
		t.Fatalf("image views %v", opts)
	}
	// A broken image says so and falls back to Hex.
	s := f.load(memSource(pngData[:40]), "image/png")
	note := get(f, func(v *Viewer) string { return v.note.Text })
	if s.Mode == ModePreview || !strings.Contains(note, "cannot be shown") {
		t.Fatalf("truncated PNG: mode %s, note %q", s.Mode, note)
	}
}

func TestViewerCopyAndSave(t *testing.T) {
	f := newFixture(t, fyne.NewSize(800, 500))
	f.load(memSource(smallJSON), "application/json")
	f.ui.run(f.v.onCopy)
	waitFor(t, func() bool {
		return strings.HasPrefix(get(f, func(v *Viewer) string { return v.status.Text }), "Copied")
	})
	clip := get(f, func(v *Viewer) string { return fyne.CurrentApp().Clipboard().Content() })
	if !strings.HasPrefix(clip, "{\n  \"name\": \"knock\",\n  \"tags\": [\n    \"http\",") {
		t.Fatalf("clipboard %q, want the pretty text", clip)
	}

	// Save streams the body from the Source's file.
	dir := t.TempDir()
	src := filepath.Join(dir, "body.json")
	if err := os.WriteFile(src, smallJSON, 0o600); err != nil {
		t.Fatal(err)
	}
	f.load(fileSource(src), "application/json")
	out, err := os.Create(filepath.Join(dir, "saved.json"))
	if err != nil {
		t.Fatal(err)
	}
	f.ui.run(func() { f.v.saveTo(f.v.body.src, out, "saved.json") })
	waitFor(t, func() bool {
		return strings.HasPrefix(get(f, func(v *Viewer) string { return v.status.Text }), "Saved")
	})
	if got, _ := os.ReadFile(filepath.Join(dir, "saved.json")); !bytes.Equal(got, smallJSON) {
		t.Fatalf("saved %q, want the body", got)
	}

	// Over 10 MB: Copy says to Save instead.
	big := bytes.Repeat([]byte("0123456789abcdef\n"), (maxCopyBytes/17)+10)
	f.load(memSource(big), "text/plain")
	f.ui.run(f.v.onCopy)
	if msg := get(f, func(v *Viewer) string { return v.status.Text }); !strings.Contains(msg, "too large for the clipboard") || !strings.Contains(msg, "Save") {
		t.Fatalf("copying %d bytes: status %q", len(big), msg)
	}
}

func TestViewerLoadCancelsOlder(t *testing.T) {
	f := newFixture(t, fyne.NewSize(800, 500))
	big := genJSON(8 << 20)
	f.ui.run(func() {
		f.v.Load(memSource(big), "application/json")
		f.v.Load(memSource(smallJSON), "application/json")
	})
	s := f.wait("load", 20*time.Second)
	if s.Rows != 13 {
		t.Fatalf("the newer Load shows %d rows, want 13", s.Rows)
	}
	time.Sleep(300 * time.Millisecond) // the older Load's work must not come back
	if got := f.rows(2); len(got) < 2 || got[1] != `  "name": "knock",` || get(f, func(v *Viewer) int { return v.text.rowCount() }) != 13 {
		t.Fatalf("rows %q: the older Load replaced the newer", got)
	}
}

func TestViewerProgressAndClear(t *testing.T) {
	f := newFixture(t, fyne.NewSize(800, 500))
	f.load(memSource(smallJSON), "application/json")
	f.ui.run(func() { f.v.ShowProgress(5<<20, 20<<20) })
	label, value, body := "", 0.0, true
	f.ui.run(func() { label, value, body = f.v.progressLabel.Text, f.v.progressBar.Value, f.v.body != nil })
	if label != "Receiving the body: 5.0 MiB of 20.0 MiB" || value != 0.25 || body {
		t.Fatalf("progress %q %v (old body kept: %v)", label, value, body)
	}
	f.ui.run(f.v.Clear)
	if n := get(f, func(v *Viewer) int { return v.text.rowCount() }); n != 0 {
		t.Fatalf("%d rows after Clear", n)
	}
}

// waitFor polls cond for up to 10 s.
func waitFor(t testing.TB, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not met within 10 s")
}

func TestViewerSVGAndSniffing(t *testing.T) {
	f := newFixture(t, fyne.NewSize(800, 500))
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle cx="20" cy="20" r="15" fill="teal"/></svg>`)
	s := f.load(memSource(svg), "image/svg+xml")
	if s.Mode != ModePreview {
		t.Fatalf("SVG opened in %s, want Preview", s.Mode)
	}
	if opts := get(f, func(v *Viewer) string { return modeNames(v.options) }); opts != "Preview,Pretty,Raw,Hex" {
		t.Fatalf("SVG views %s", opts)
	}
	if !get(f, func(v *Viewer) bool { return v.preview.image.Resource != nil }) {
		t.Fatal("the SVG is not handed to the image")
	}
	// The XML of the SVG, highlighted.
	f.ui.run(func() { test.Tap(f.v.modeBtns[ModePretty]) })
	waitFor(t, func() bool {
		return get(f, func(v *Viewer) bool { return v.text.lang == "xml" && v.text.rowCount() == 1 })
	})

	for _, tc := range []struct {
		body, ctype string
		want        Mode
	}{
		{`{"a":1}`, "", ModePretty},                                    // sniffed JSON
		{"{\"a\":1}\n{\"a\":2}\n", "application/x-ndjson", ModePretty}, // a JSON sequence
		{`<html><body>hi</body></html>`, "", ModePretty},               // sniffed HTML
		{"plain words\n", "text/plain", ModeRaw},
		{"[INFO] not JSON", "text/plain", ModeRaw}, // looks like JSON, is not: Raw, no note
	} {
		s := f.load(memSource([]byte(tc.body)), tc.ctype)
		note := get(f, func(v *Viewer) string { return v.note.Text })
		if s.Mode != tc.want || note != "" {
			t.Errorf("%q (%s) opened in %s with note %q, want %s", tc.body, tc.ctype, s.Mode, note, tc.want)
		}
	}
	if s := f.load(memSource(nil), "application/json"); s.Rows != 0 || get(f, func(v *Viewer) string { return v.empty.Text }) != "The body is empty." {
		t.Fatalf("empty body: %+v", s)
	}
}

func TestViewerCharactersOutsideTheFont(t *testing.T) {
	f := newFixture(t, fyne.NewSize(800, 300))
	f.load(memSource([]byte(`{"名前":"テスト","emoji":"🙂","ok":"café"}`)), "application/json")
	f.capture("fallback")
	texts := get(f, func(v *Viewer) []string {
		r := test.WidgetRenderer(v.text).(*textViewRenderer)
		var out []string
		for _, t := range r.fallback {
			if t.Visible() {
				out = append(out, t.Text)
			}
		}
		return out
	})
	if strings.Join(texts, ",") != "名前,テスト,🙂" {
		t.Fatalf("fallback texts %q; want the CJK and emoji runs (and not café)", texts)
	}
}
