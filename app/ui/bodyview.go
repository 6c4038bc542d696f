package ui

import (
	"bufio"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// maxRowRunes cuts long lines into rows, so one huge line (minified JSON)
// never goes into a single label: Fyne's text widgets grow with the square
// of their text.
const maxRowRunes = 2000

// bodyView shows text as a virtualised list with one row per line: only
// the visible rows exist as widgets, so a body of any size scrolls without
// stalls. The lines are split off the UI goroutine.
type bodyView struct {
	list  *widget.List
	lines []string
}

func newBodyView() *bodyView {
	v := &bodyView{}
	v.list = widget.NewList(v.length, v.createRow, v.updateRow)
	return v
}

func (v *bodyView) length() int { return len(v.lines) }

func (v *bodyView) createRow() fyne.CanvasObject {
	l := widget.NewLabel("")
	l.TextStyle = fyne.TextStyle{Monospace: true}
	l.Wrapping = fyne.TextWrapOff
	return l
}

func (v *bodyView) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id < len(v.lines) {
		o.(*widget.Label).SetText(v.lines[id])
	}
}

// setLines replaces the content. Call on the UI goroutine.
func (v *bodyView) setLines(lines []string) {
	v.lines = lines
	v.list.ScrollToTop()
	v.list.Refresh()
}

// splitLines reads r into display rows. It runs on a worker goroutine.
func splitLines(r io.Reader) ([]string, error) {
	var lines []string
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := br.ReadString('\n')
		if len(line) > 0 || err == nil {
			line = strings.TrimRight(line, "\r\n")
			lines = appendRows(lines, line)
		}
		if err == io.EOF {
			return lines, nil
		}
		if err != nil {
			return lines, err
		}
	}
}

func appendRows(lines []string, line string) []string {
	line = strings.ReplaceAll(line, "\t", "    ")
	if len(line) <= maxRowRunes {
		return append(lines, line)
	}
	r := []rune(line)
	for len(r) > maxRowRunes {
		lines = append(lines, string(r[:maxRowRunes]))
		r = r[maxRowRunes:]
	}
	return append(lines, string(r))
}

func limitReader(r io.Reader, n int64) io.Reader { return io.LimitReader(r, n) }
