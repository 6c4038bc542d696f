package editor

import (
	"fmt"
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
)

// pickFile shows a file-open dialog and gives the chosen file's path to
// fn. Fyne's dialog opens the file; it is closed again at once.
func (e *Editor) pickFile(fn func(path string)) {
	e.openFile(func(r fyne.URIReadCloser) {
		path := r.URI().Path()
		closeQuietly(r)
		fn(path)
	})
}

// openFile shows a file-open dialog and gives the open file to fn, which
// must close it. Reading belongs on a goroutine.
func (e *Editor) openFile(fn func(fyne.URIReadCloser)) {
	w := e.window()
	if w == nil {
		return
	}
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			dialog.ShowError(err, w)
			return
		}
		if r == nil {
			return // cancelled
		}
		fn(r)
	}, w)
	d.Resize(fyne.NewSize(860, 560))
	d.Show()
}

func closeQuietly(c io.Closer) { _ = c.Close() }

// formatSize writes a byte count for people.
func formatSize(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KB", float64(n)/1024)
	case n < 1024*1024*1024:
		return fmt.Sprintf("%.1f MB", float64(n)/(1024*1024))
	}
	return fmt.Sprintf("%.2f GB", float64(n)/(1024*1024*1024))
}
