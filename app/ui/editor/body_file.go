package editor

import (
	"fmt"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// fileBody sends the bytes of one file. The file is read when the request
// is sent, not here; here it is only looked at (on a goroutine) to show
// its size.
type fileBody struct {
	ed    *Editor
	path  *hookEntry
	ctype *hookEntry
	size  *widget.Label
	gen   int // counts path changes; a stat result applies to its own path only
}

func newFileBody(e *Editor) *fileBody {
	p := &fileBody{ed: e}
	p.path = newHookEntry(e.opts.Shortcut, "/path/to/file")
	p.path.OnChanged = p.onPathChanged
	p.ctype = newHookEntry(e.opts.Shortcut, "application/octet-stream")
	p.ctype.OnChanged = p.onTypeChanged
	p.size = widget.NewLabel("")
	return p
}

func (p *fileBody) content() fyne.CanvasObject {
	browse := &widget.Button{Text: "Choose…", Icon: theme.FolderOpenIcon(), OnTapped: p.onBrowseTapped}
	form := widget.NewForm(
		widget.NewFormItem("File", container.NewBorder(nil, nil, nil, browse, p.path)),
		widget.NewFormItem("Size", p.size),
		&widget.FormItem{Text: "Content-Type", Widget: p.ctype, HintText: "empty: application/octet-stream"},
	)
	return container.NewVBox(form)
}

func (p *fileBody) load() {
	p.path.SetText(p.ed.req.Body.File)
	p.showContentType()
	p.stat()
}

func (p *fileBody) showContentType() { p.ctype.SetText(p.ed.req.Body.ContentType) }

func (p *fileBody) onPathChanged(text string) {
	if p.ed.loading() {
		return
	}
	p.ed.req.Body.File = strings.TrimSpace(text)
	p.stat()
	p.ed.edited()
}

func (p *fileBody) onTypeChanged(text string) {
	if p.ed.loading() {
		return
	}
	p.ed.req.Body.ContentType = strings.TrimSpace(text)
	p.ed.edited()
}

func (p *fileBody) onBrowseTapped() {
	p.ed.pickFile(func(path string) { p.path.SetText(path) })
}

// stat shows the file's size. os.Stat can block (a network mount), so it
// runs on a goroutine.
func (p *fileBody) stat() {
	p.gen++
	gen, path := p.gen, p.ed.req.Body.File
	if path == "" {
		p.size.SetText("no file chosen")
		return
	}
	p.size.SetText("…")
	go func() {
		text := fileSizeText(path)
		runOnUI(func() {
			if gen == p.gen {
				p.size.SetText(text)
			}
		})
	}()
}

func fileSizeText(path string) string {
	fi, err := os.Stat(path)
	switch {
	case os.IsNotExist(err):
		return "the file does not exist"
	case err != nil:
		return fmt.Sprintf("cannot read the file: %v", err)
	case fi.IsDir():
		return "this is a directory, not a file"
	}
	return fmt.Sprintf("%s (%d bytes)", formatSize(fi.Size()), fi.Size())
}
