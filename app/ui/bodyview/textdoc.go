package bodyview

import (
	"bytes"
	"context"
	"sort"
	"unicode/utf8"
)

// maxRowBytes cuts long lines into rows. A minified 10 MB JSON body is one
// line; cut into rows of this many bytes it scrolls like any other text. The
// cut falls on a UTF-8 boundary, so a row is at most this many characters.
const maxRowBytes = 2048

// maxIndexedText is the largest text a textDoc can index: row offsets are
// int32.
const maxIndexedText = 1<<31 - 1

// textDoc is a text cut into rows: one byte buffer and the offset of each
// row, never one string per line. Row i is text[starts[i]:starts[i+1]],
// including its '\n' when the row ends a line; a row without one is a long
// line cut at maxRowBytes and continues on the next row.
//
// A textDoc is immutable once published: the builder hands out snapshots of
// the rows done so far (complete == false) and keeps appending past them,
// so readers on the UI goroutine and the builder never touch the same
// bytes.
type textDoc struct {
	text   []byte
	starts []int32 // len = rows+1; the last entry is the end of the last row
	// depth, when not nil, is the indent level of each row (two spaces per
	// level). Pretty JSON is stored without its indentation: it is a third
	// of pretty text, and the view draws it from the level instead.
	depth []uint8
	// lang names the highlighter: "json", "xml", "html" or "" for none.
	lang     string
	complete bool
}

func (d *textDoc) rows() int {
	if d == nil || len(d.starts) == 0 {
		return 0
	}
	return len(d.starts) - 1
}

// row returns row i without its line break, its indent in columns and the
// offset of its first byte in d.text.
func (d *textDoc) row(i int) (b []byte, indent, off int) {
	s, e := int(d.starts[i]), int(d.starts[i+1])
	b = d.text[s:e]
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	if d.depth != nil {
		indent = 2 * int(d.depth[i])
	}
	return b, indent, s
}

// rowOf returns the row that holds text offset off.
func (d *textDoc) rowOf(off int) int {
	n := d.rows()
	i := sort.Search(n, func(i int) bool { return int(d.starts[i+1]) > off })
	if i >= n {
		return n - 1
	}
	return i
}

// lineStart reports whether row i begins a line (rather than continuing a
// long line cut at maxRowBytes).
func (d *textDoc) lineStart(i int) bool {
	s := d.starts[i]
	return s == 0 || d.text[s-1] == '\n'
}

// size is the number of bytes the doc shows, indentation included.
func (d *textDoc) size() int64 {
	n := int64(len(d.text))
	if d.depth != nil {
		for i := 0; i < d.rows(); i++ {
			if d.lineStart(i) {
				n += 2 * int64(d.depth[i])
			}
		}
	}
	return n
}

// appendText appends the doc as text, indentation included, to dst.
func (d *textDoc) appendText(dst []byte) []byte {
	if d.depth == nil {
		return append(dst, d.text[:d.starts[d.rows()]]...)
	}
	for i := 0; i < d.rows(); i++ {
		if d.lineStart(i) {
			for k := 0; k < int(d.depth[i]); k++ {
				dst = append(dst, ' ', ' ')
			}
		}
		dst = append(dst, d.text[d.starts[i]:d.starts[i+1]]...)
	}
	return dst
}

// snapshot returns the rows finished so far. starts' last entry is the
// start of the row being built, which is the end of the last finished one.
func snapshot(text []byte, starts []int32, depth []uint8, lang string) *textDoc {
	n := len(starts)
	d := &textDoc{text: text[:starts[n-1]], starts: starts[:n:n], lang: lang}
	if depth != nil {
		d.depth = depth[: n-1 : n-1]
	}
	return d
}

// progressEvery is how much input a builder works through between two
// snapshots; the first snapshot comes after firstProgress, so the first
// rows of a large body show almost at once.
const (
	progressEvery = 8 << 20
	firstProgress = 256 << 10
)

// indexLines cuts text into rows at line breaks and every maxRowBytes. It
// keeps text as it is: the rows point into it. publish, when not nil,
// receives snapshots while the work goes on. It returns nil when ctx is
// canceled.
func indexLines(ctx context.Context, text []byte, lang string, publish func(*textDoc)) *textDoc {
	lines := bytes.Count(text, []byte{'\n'})
	starts := make([]int32, 0, lines+len(text)/maxRowBytes+2)
	starts = append(starts, 0)
	next := firstProgress
	pos := 0
	for pos < len(text) {
		if pos >= next {
			if ctx.Err() != nil {
				return nil
			}
			if publish != nil {
				publish(snapshot(text, starts, nil, lang))
			}
			next = pos + progressEvery
		}
		end := len(text)
		if nl := bytes.IndexByte(text[pos:], '\n'); nl >= 0 {
			end = pos + nl + 1
		}
		for end-pos > maxRowBytes {
			k := runeCut(text[pos:], maxRowBytes)
			pos += k
			starts = append(starts, int32(pos))
		}
		pos = end
		if pos < len(text) {
			starts = append(starts, int32(pos))
		}
	}
	if len(text) > 0 {
		starts = append(starts, int32(len(text)))
	}
	return &textDoc{text: text, starts: starts, lang: lang, complete: true}
}

// runeCut returns where to cut b so the first part is at most n bytes and
// does not split a UTF-8 sequence. Bytes that are not UTF-8 are cut
// anywhere.
func runeCut(b []byte, n int) int {
	if n >= len(b) {
		return len(b)
	}
	for k := n; k > n-utf8.UTFMax && k > 0; k-- {
		if utf8.RuneStart(b[k]) {
			return k
		}
	}
	return n
}
