package editor

import (
	"fmt"
	"io"
	"mime"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/app/ui/tabflow"
)

// Fyne's Entry grows with the square of its text (DESIGN.md, measured
// facts), so a large body is kept in the model and not shown in it.
const (
	rawEntryLimit = 64 << 10 // larger bodies are not put into the Entry
	rawEditMax    = 1 << 20  // "Edit anyway" is refused above this
	rawLoadMax    = 64 << 20 // the largest file "Load from file" reads
)

// rawTypes are the content types offered for a raw body.
var rawTypes = []struct{ title, mime string }{
	{"JSON", "application/json"},
	{"XML", "application/xml"},
	{"Text", "text/plain"},
	{"HTML", "text/html"},
	{"JavaScript", "application/javascript"},
}

const rawCustomType = "Custom…"

// rawBody edits a raw body: a content type and the text, with a JSON check
// and a pretty-printer.
type rawBody struct {
	ed      *Editor
	ctype   *widget.Select
	custom  *hookEntry
	text    *hookEntry
	status  *widget.Label
	pretty  *widget.Button
	notice  *widget.Label
	anyway  *widget.Button
	large   *fyne.Container
	top     *fyne.Container // holds custom, whose visibility changes
	inEntry bool            // the text is in the Entry (not too large)
	// gen counts the changes of Body.Raw; work started on a goroutine
	// applies its result only if no change came in between.
	gen int
}

func newRawBody(e *Editor) *rawBody {
	p := &rawBody{ed: e}
	titles := make([]string, 0, len(rawTypes)+1)
	for _, t := range rawTypes {
		titles = append(titles, t.title)
	}
	p.ctype = widget.NewSelect(append(titles, rawCustomType), p.onTypeChanged)
	p.custom = newHookEntry(e.opts.Shortcut, "type/subtype")
	p.custom.OnChanged = p.onCustomTypeChanged
	p.custom.Hide()
	p.text = newHookArea(e.opts.Shortcut, "Request body")
	p.text.OnChanged = p.onTextChanged
	p.text.sources = []suggestSource{varSource{names: e.opts.VariableNames}}
	p.status = widget.NewLabel("")
	p.pretty = &widget.Button{Text: "Pretty", Icon: theme.ViewRefreshIcon(), OnTapped: p.onPrettyTapped}
	p.notice = widget.NewLabel("")
	p.notice.Wrapping = fyne.TextWrapWord
	p.anyway = &widget.Button{Text: "Edit anyway", OnTapped: p.onEditAnywayTapped}
	clear := &widget.Button{Text: "Clear", Icon: theme.ContentClearIcon(), OnTapped: p.onClearTapped}
	p.large = container.NewVBox(p.notice, container.NewHBox(p.anyway, clear))
	p.large.Hide()
	return p
}

func (p *rawBody) content() fyne.CanvasObject {
	custom := container.NewGridWrap(fyne.NewSize(260, p.custom.MinSize().Height), p.custom)
	load := &widget.Button{Text: "Load from file…", Icon: theme.FolderOpenIcon(), OnTapped: p.onLoadTapped}
	top := container.NewHBox(widget.NewLabel("Content type"), p.ctype, custom, layout.NewSpacer(), load, p.pretty)
	p.top = top
	return tabflow.Border(top, p.status, nil, nil, container.NewStack(p.text, container.NewPadded(p.large)))
}

func (p *rawBody) load() {
	p.gen++
	p.inEntry = len(p.ed.req.Body.Raw) <= rawEntryLimit
	p.showContentType()
	p.showText()
}

// showContentType sets the type choice from the model.
func (p *rawBody) showContentType() {
	ct := p.ed.req.Body.ContentType
	title := rawTypeTitle(ct)
	p.ctype.SetSelected(title)
	if title == rawCustomType {
		p.custom.SetText(ct)
	}
	p.showCustom(title == rawCustomType)
}

// showCustom shows or hides the custom type's entry.
func (p *rawBody) showCustom(on bool) {
	if on == p.custom.Visible() {
		return
	}
	if on {
		p.custom.Show()
	} else {
		p.custom.Hide()
	}
	if p.top != nil {
		p.top.Refresh()
	}
}

// rawTypeTitle is the choice that shows content type ct.
func rawTypeTitle(ct string) string {
	if ct == "" {
		return "Text" // the engine sends text/plain
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return rawCustomType
	}
	switch mt {
	case "text/xml":
		return "XML"
	case "text/javascript":
		return "JavaScript"
	}
	for _, t := range rawTypes {
		if t.mime == mt {
			return t.title
		}
	}
	return rawCustomType
}

// isJSONType reports whether a body of type ct should be JSON.
func isJSONType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || mt == "text/json" || strings.HasSuffix(mt, "+json"))
}

// showText puts the model's text in the Entry, or, when it is too large,
// the notice instead.
func (p *rawBody) showText() {
	raw := p.ed.req.Body.Raw
	p.ed.setQuietly(func() {
		if len(raw) > rawEntryLimit && !p.inEntry {
			p.text.SetText("")
			p.text.Hide()
			p.showNotice(len(raw))
			p.large.Show()
			return
		}
		if p.text.Text != raw {
			p.text.SetText(raw)
		}
		p.large.Hide()
		p.text.Show()
	})
	p.validate()
}

func (p *rawBody) showNotice(size int) {
	msg := fmt.Sprintf("The body is %s: too large for the text editor, which slows down with the square of the text size. "+
		"It is kept as it is and sent in full; Load from file replaces it.", formatSize(int64(size)))
	if size > rawEditMax {
		msg += fmt.Sprintf(" Bodies over %s cannot be edited here; load a file instead.", formatSize(rawEditMax))
		p.anyway.Disable()
	} else {
		msg += " Editing it here may freeze the window for several seconds."
		p.anyway.Enable()
	}
	p.notice.SetText(msg)
}

// setRaw replaces the body text, as an edit.
func (p *rawBody) setRaw(text string) {
	p.ed.req.Body.Raw = text
	p.gen++
	p.inEntry = len(text) <= rawEntryLimit
	p.showText()
	p.ed.edited()
}

func (p *rawBody) onTextChanged(text string) {
	if p.ed.loading() || !p.inEntry {
		return
	}
	p.ed.req.Body.Raw = text
	p.gen++
	p.validate()
	p.ed.edited()
}

func (p *rawBody) onTypeChanged(title string) {
	if p.ed.loading() {
		return
	}
	p.showCustom(title == rawCustomType)
	if title == rawCustomType {
		p.ed.req.Body.ContentType = strings.TrimSpace(p.custom.Text)
	} else {
		for _, t := range rawTypes {
			if t.title == title {
				p.ed.req.Body.ContentType = t.mime
			}
		}
	}
	p.validate()
	p.ed.edited()
}

func (p *rawBody) onCustomTypeChanged(text string) {
	if p.ed.loading() {
		return
	}
	p.ed.req.Body.ContentType = strings.TrimSpace(text)
	p.validate()
	p.ed.edited()
}

// validate checks JSON bodies: small ones at once, large ones on a
// goroutine.
func (p *rawBody) validate() {
	if !isJSONType(p.ed.req.Body.ContentType) {
		p.showStatus("", widget.MediumImportance)
		return
	}
	text := p.ed.req.Body.Raw
	if len(text) <= rawEntryLimit {
		p.showJSONStatus(checkJSON(text), text)
		return
	}
	gen := p.gen
	p.showStatus("Checking the JSON…", widget.LowImportance)
	go func() {
		err := checkJSON(text)
		runOnUI(func() {
			if gen == p.gen {
				p.showJSONStatus(err, text)
			}
		})
	}()
}

func (p *rawBody) showJSONStatus(err error, text string) {
	switch {
	case err != nil:
		p.showStatus(err.Error(), widget.DangerImportance)
	case strings.TrimSpace(text) == "":
		p.showStatus("", widget.MediumImportance)
	default:
		p.showStatus("Valid JSON", widget.SuccessImportance)
	}
}

func (p *rawBody) showStatus(text string, imp widget.Importance) {
	p.status.Text = text
	p.status.Importance = imp
	p.status.Refresh()
}

// onPrettyTapped re-indents a JSON body; a large one on a goroutine.
func (p *rawBody) onPrettyTapped() {
	text := p.ed.req.Body.Raw
	if len(text) <= rawEntryLimit {
		if err := checkJSON(text); err != nil {
			p.showStatus(err.Error(), widget.DangerImportance)
			return
		}
		if out := prettyJSON(text); out != text && strings.TrimSpace(text) != "" {
			p.setRaw(out)
		}
		return
	}
	gen := p.gen
	p.showStatus("Formatting…", widget.LowImportance)
	go func() {
		err := checkJSON(text)
		out := text
		if err == nil {
			out = prettyJSON(text)
		}
		runOnUI(func() {
			if gen != p.gen {
				return // edited meanwhile
			}
			if err != nil {
				p.showStatus(err.Error(), widget.DangerImportance)
				return
			}
			p.setRaw(out)
		})
	}()
}

func (p *rawBody) onEditAnywayTapped() {
	if len(p.ed.req.Body.Raw) > rawEditMax {
		return
	}
	p.inEntry = true
	p.showText()
}

func (p *rawBody) onClearTapped() { p.setRaw("") }

// onLoadTapped replaces the body by a text file, read on a goroutine.
func (p *rawBody) onLoadTapped() {
	p.ed.openFile(func(r fyne.URIReadCloser) {
		name, loads := r.URI().Name(), p.ed.loads
		p.showStatus("Reading "+name+"…", widget.LowImportance)
		go func() {
			data, err := io.ReadAll(io.LimitReader(r, rawLoadMax+1))
			closeQuietly(r)
			runOnUI(func() {
				if loads == p.ed.loads { // still the same request
					p.fileLoaded(name, data, err)
				}
			})
		}()
	})
}

func (p *rawBody) fileLoaded(name string, data []byte, err error) {
	switch {
	case err != nil:
		p.showStatus(fmt.Sprintf("%s could not be read: %v", name, err), widget.DangerImportance)
	case len(data) > rawLoadMax:
		p.showStatus(fmt.Sprintf("%s is larger than %s: send it with the binary file mode", name, formatSize(rawLoadMax)), widget.DangerImportance)
	case !utf8.Valid(data):
		p.showStatus(name+" is not UTF-8 text: send it with the binary file mode", widget.DangerImportance)
	default:
		p.setRaw(string(data))
	}
}
