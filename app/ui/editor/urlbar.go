package editor

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/app/ui/tabflow"
)

// urlBar is the top line: method, URL and Send, with the status line
// under it.
type urlBar struct {
	ed     *Editor
	method *methodEntry
	url    *hookEntry
	send   *widget.Button
	status *statusLine
}

func newURLBar(e *Editor) *urlBar {
	b := &urlBar{ed: e}
	b.method = newMethodEntry(e.opts.Shortcut)
	b.method.OnChanged = b.onMethodChanged
	b.url = newHookEntry(e.opts.Shortcut, "https://api.example.com/resource   ({{ for variables, Ctrl+Enter sends)")
	b.url.OnChanged = b.onURLChanged
	b.url.OnSubmitted = b.onURLSubmitted
	b.url.onPaste = b.onURLPaste
	b.url.sources = []suggestSource{varSource{names: e.opts.VariableNames}}
	b.send = &widget.Button{Text: "Send", Icon: theme.MailSendIcon(), Importance: widget.HighImportance, OnTapped: b.onSendTapped}
	b.status = newStatusLine(e)
	return b
}

func (b *urlBar) content() fyne.CanvasObject {
	method := container.NewGridWrap(fyne.NewSize(130, b.method.MinSize().Height), b.method)
	line := tabflow.Border(nil, nil, method, b.send, b.url)
	return container.NewPadded(container.NewVBox(line, b.status.text))
}

// load shows the model's method and URL.
func (b *urlBar) load() {
	req := &b.ed.req
	b.method.SetText(req.Method)
	b.url.SetText(displayURL(req.URL, req.Params))
	b.status.note = ""
	b.status.update()
}

// showURL rewrites the entry after the params table changed.
func (b *urlBar) showURL() {
	text := displayURL(b.ed.req.URL, b.ed.req.Params)
	if text != b.url.Text {
		b.ed.setQuietly(func() { b.url.SetText(text) })
	}
	b.status.update()
}

func (b *urlBar) onMethodChanged(text string) {
	if b.ed.loading() {
		return
	}
	b.ed.req.Method = strings.TrimSpace(text)
	b.ed.edited()
}

// onURLChanged splits what the user typed into the URL and the params.
func (b *urlBar) onURLChanged(text string) {
	if b.ed.loading() {
		return
	}
	req := &b.ed.req
	base, query, _ := splitDisplayURL(strings.TrimSpace(text))
	req.URL = base
	req.Params = mergeQuery(req.Params, query)
	b.ed.params.table.setRows(req.Params)
	b.status.note = ""
	b.status.update()
	b.ed.edited()
}

func (b *urlBar) onURLSubmitted(string) {
	if !b.ed.busy {
		b.onSendTapped()
	}
}

// onURLPaste replaces the request by a pasted curl command.
func (b *urlBar) onURLPaste(text string) bool {
	parse := b.ed.opts.ParseCurl
	if parse == nil || !strings.HasPrefix(strings.TrimSpace(text), "curl ") {
		return false
	}
	req, err := parse(strings.TrimSpace(text))
	if err != nil {
		b.status.note = "The pasted curl command was not imported: " + err.Error()
		b.status.update()
		return true
	}
	// The tab keeps its identity; its content is replaced.
	req.ID, req.Name = b.ed.req.ID, b.ed.req.Name
	b.ed.SetRequest(req)
	b.ed.edited()
	return true
}

func (b *urlBar) onSendTapped() {
	if b.ed.busy {
		if b.ed.OnCancel != nil {
			b.ed.OnCancel()
		}
		return
	}
	if b.ed.OnSend != nil {
		b.ed.OnSend()
	}
}

func (b *urlBar) showBusy(busy bool) {
	if busy {
		b.send.Text, b.send.Icon, b.send.Importance = "Cancel", theme.CancelIcon(), widget.WarningImportance
	} else {
		b.send.Text, b.send.Icon, b.send.Importance = "Send", theme.MailSendIcon(), widget.HighImportance
	}
	b.send.Refresh()
}

// focusURL puts the keyboard focus in the URL entry. A tab that was just
// opened has not been drawn yet, so Fyne cannot tell its canvas; the
// editor's window is used then.
func (b *urlBar) focusURL() {
	if c := fyne.CurrentApp().Driver().CanvasForObject(b.url); c != nil {
		c.Focus(b.url)
	} else if w := b.ed.window(); w != nil {
		w.Canvas().Focus(b.url)
	}
}
