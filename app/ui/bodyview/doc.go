// Package bodyview is the response body viewer of Knock's window: a Fyne
// widget (Viewer) that shows a body of any size in one of four views
// (Pretty, Raw, Preview, Hex), with search, a jq filter, Copy and Save.
//
// # Use
//
//	v := bodyview.New()
//	v.SetWindow(w)                     // for the Save dialog
//	v.ShowProgress(received, total)    // while the body downloads
//	v.Load(resp.Body, contentType)     // resp.Body is an engine.Body
//	v.FocusSearch()                    // the window's Ctrl+F
//
// Every method runs on the UI goroutine; Load returns at once.
//
// # How it stays fast
//
// A body is read once into one byte buffer. A text view is that buffer (or,
// for pretty JSON, one buffer of laid-out text) plus an index of row
// offsets, []int32, never a string per line. Lines longer than 2 KiB are
// cut into rows. Pretty JSON rows store their indent level instead of the
// spaces.
//
// The text view (textview.go) is a widget of its own that draws only the
// rows on screen. Each row is one canvas.Raster that the view paints with
// glyphs it rasterises once from the theme's monospace font (glyphs.go),
// as wide as the row's text; a row keeps its raster while it stays on
// screen unchanged, so scrolling by a row paints one row. Its scroll
// position is a row number, so nothing drifts at the end of millions of
// rows, and its cost per frame does not depend on the body's size.
// (widget.Entry, RichText, Label and TextGrid all grow with the body;
// widget.List drifts there; a canvas.Text per run of colour made about 200
// draw calls and new textures a screen, which stalled software OpenGL.)
// Characters the font lacks (CJK, emoji) are drawn as canvas.Text over the
// row, so Fyne's font fallback finds them; wide ones take two columns.
//
// Reading, laying out, indexing, highlighting, searching, jq and saving
// run on goroutines and hand their results to the UI goroutine with
// fyne.Do. Large views show their first rows while the rest is being laid
// out. A newer Load, or Clear, cancels all older work. At most
// GOMAXPROCS-1 slow jobs run at once (work.go), so the UI goroutine always
// finds a processor.
//
// Measured on the development machine (2 cores shared with other work; see
// TestViewerLargeBody and BenchmarkLoad100MB): 100 MB of minified JSON
// shows its first rows 35-45 ms after Load, is laid out in about 0.7 s
// (6.5 million rows), is searched in about 15 ms, holds the UI goroutine
// for at most a few ms at a time, and takes about 2.5 times its size in
// memory.
//
// # Hand-written parts
//
// The JSON pretty-printer (prettyjson.go) is hand-written instead of
// built on encoding/json.Indent: it builds the row index in the same pass,
// stores indent levels rather than spaces, and scans strings eight bytes
// at a time; it is fuzzed against json.Valid and json.Indent. Search
// (search.go) is built on bytes.Index rather than a regular expression,
// because anchoring on a rare piece of the query is what keeps 100 MB
// under the 0.5 s budget. Highlighting uses chroma, with three of its lexer
// definitions copied into lexers/ (see lexers/README.md for why).
//
// # Limits
//
// The viewer keeps at most the first 1 GiB of a body (Save writes all of
// it); pretty-printed text must stay under 2 GiB; jq runs on bodies up to
// 128 MiB; Copy takes up to 10 MiB. Rows are highlighted one by one, so a
// construct spanning rows (an XML comment over several lines) is coloured
// only where it is seen whole. Characters outside the monospace font come
// from Fyne's fallback fonts and may not fill their cells exactly. Text
// cannot be selected with the mouse; a tap marks a row and Ctrl+C copies
// it.
package bodyview
