package bodyview

import (
	"fmt"
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
)

// onCopy puts what the view shows on the clipboard: the pretty text (or
// the jq output) in the Pretty view of JSON, the body as received
// otherwise. Bodies over maxCopyBytes and binary ones are refused with a
// word to use Save instead.
func (v *Viewer) onCopy() {
	b := v.body
	if b == nil {
		return
	}
	var doc *textDoc
	switch {
	case v.mode == ModePretty && v.jqOut != nil:
		doc = v.jqOut.doc
	case v.mode == ModePretty:
		if d, ok := v.views[ModePretty].(*textDoc); ok && d.depth != nil {
			doc = d
		}
	}
	if doc == nil {
		switch {
		case b.kind == kindBinary || b.kind == kindImage:
			v.status.SetText("This body is binary: use Save to keep it.")
			return
		case b.size > maxCopyBytes:
			v.status.SetText(fmt.Sprintf("The body is %s, too large for the clipboard (up to %s): use Save.", humanBytes(b.size), humanBytes(maxCopyBytes)))
			return
		}
	}
	gen := v.gen
	v.status.SetText("Copying…")
	go func() {
		var text []byte
		if doc != nil {
			if n := doc.size(); n > maxCopyBytes {
				v.post(gen, func() {
					v.status.SetText(fmt.Sprintf("The pretty text is %s, too large for the clipboard (up to %s): use Save.", humanBytes(n), humanBytes(maxCopyBytes)))
				})
				return
			}
			text = doc.appendText(nil)
		} else {
			text = b.data
		}
		s := string(text)
		v.post(gen, func() {
			fyne.CurrentApp().Clipboard().SetContent(s)
			v.status.SetText("Copied " + humanBytes(int64(len(s))) + ".")
		})
	}()
}

// onSave asks where to save the body, as received, and writes it there.
func (v *Viewer) onSave() {
	if v.body == nil || v.win == nil {
		return
	}
	src := v.body.src
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			dialog.ShowError(err, v.win)
			return
		}
		if w == nil {
			return // canceled
		}
		v.saveTo(src, w, w.URI().Name())
	}, v.win)
	d.SetFileName("response" + extension(v.body))
	d.Show()
}

// saveTo writes src to w on a goroutine and reports the result. The body
// is streamed from the Source (the spooled file, for a large one), not
// from the viewer's copy, which may hold only part of it.
func (v *Viewer) saveTo(src Source, w io.WriteCloser, name string) {
	v.status.SetText("Saving…")
	go func() {
		n, err := copySource(src, w)
		uiDo(func() {
			if err != nil {
				v.status.SetText("")
				if v.win != nil {
					dialog.ShowError(fmt.Errorf("save %s: %w", name, err), v.win)
				}
				return
			}
			v.status.SetText(fmt.Sprintf("Saved %s to %s.", humanBytes(n), name))
		})
	}()
}

func copySource(src Source, w io.WriteCloser) (int64, error) {
	r, err := src.Open()
	if err != nil {
		w.Close()
		return 0, err
	}
	defer r.Close()
	n, err := io.Copy(w, r)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// extension suggests a file name extension for the body.
func extension(b *body) string {
	switch b.kind {
	case kindJSON:
		return ".json"
	case kindXML:
		return ".xml"
	case kindHTML:
		return ".html"
	case kindSVG:
		return ".svg"
	case kindText:
		return ".txt"
	case kindImage:
		switch b.media {
		case "image/jpeg":
			return ".jpg"
		case "image/gif":
			return ".gif"
		}
		return ".png"
	}
	return ".bin"
}
