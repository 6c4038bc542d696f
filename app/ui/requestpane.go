package ui

import (
	"context"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/app/workspace"
	"github.com/knockhttp/knock/storage"
)

var commonMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}

// requestPane is the top line: method, URL and Send.
type requestPane struct {
	ws       *workspace.Workspace
	response *responsePane

	method *methodEntry
	url    *shortcutEntry
	send   *widget.Button

	mu       sync.Mutex
	inflight context.CancelFunc
}

func newRequestPane(ws *workspace.Workspace, keys *shortcuts, resp *responsePane) *requestPane {
	p := &requestPane{ws: ws, response: resp}
	p.method = newMethodEntry(keys)
	p.method.SetText("GET")
	p.url = newShortcutEntry(keys)
	p.url.SetPlaceHolder("https://api.example.com/resource   (Ctrl+Enter sends)")
	p.url.OnSubmitted = p.onURLSubmitted
	p.send = &widget.Button{Text: "Send", Icon: theme.MailSendIcon(), Importance: widget.HighImportance, OnTapped: p.onSendTapped}
	return p
}

func (p *requestPane) content() fyne.CanvasObject {
	method := container.NewGridWrap(fyne.NewSize(130, p.method.MinSize().Height), p.method)
	return container.NewPadded(container.NewBorder(nil, nil, method, p.send, p.url))
}

func (p *requestPane) focusURL() {
	if c := fyne.CurrentApp().Driver().CanvasForObject(p.url); c != nil {
		c.Focus(p.url)
	}
}

func (p *requestPane) onURLSubmitted(string) { p.onSendTapped() }

func (p *requestPane) onSendShortcut() { p.onSendTapped() }

// onSendTapped sends, or cancels the send in flight.
func (p *requestPane) onSendTapped() {
	p.mu.Lock()
	busy := p.inflight != nil
	p.mu.Unlock()
	if busy {
		p.cancel()
		return
	}
	req := storage.Request{Method: p.method.Text, URL: p.url.Text}
	ctx, cancel := context.WithCancel(context.Background())
	p.mu.Lock()
	p.inflight = cancel
	p.mu.Unlock()
	p.setBusy(true)
	p.response.showSending(req)
	go p.sendInBackground(ctx, req)
}

// sendInBackground runs the send and prepares the body for display off the
// UI goroutine, then hands the result over with fyne.Do.
func (p *requestPane) sendInBackground(ctx context.Context, req storage.Request) {
	var lastProgress time.Time
	in := workspace.SendInput{
		Request: req,
		Progress: func(received, total int64) {
			if time.Since(lastProgress) < 100*time.Millisecond {
				return
			}
			lastProgress = time.Now()
			fyne.Do(func() { p.response.showProgress(received, total) })
		},
	}
	resp, err := p.ws.Send(ctx, in)
	var view *responseView
	if err == nil {
		view = prepareView(resp)
	}
	fyne.Do(func() {
		p.mu.Lock()
		p.inflight = nil
		p.mu.Unlock()
		p.setBusy(false)
		if err != nil {
			p.response.showError(err)
			return
		}
		p.response.show(view)
	})
}

func (p *requestPane) cancel() {
	p.mu.Lock()
	cancel := p.inflight
	p.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

func (p *requestPane) setBusy(busy bool) {
	if busy {
		p.send.SetText("Cancel")
		p.send.SetIcon(theme.CancelIcon())
		p.send.Importance = widget.WarningImportance
	} else {
		p.send.SetText("Send")
		p.send.SetIcon(theme.MailSendIcon())
		p.send.Importance = widget.HighImportance
	}
	p.send.Refresh()
}

// methodEntry is the method field: a drop-down of common methods that also
// accepts any other token (PURGE, PROPFIND), and lets window shortcuts work
// while focused.
type methodEntry struct {
	widget.SelectEntry
	table *shortcuts
}

func newMethodEntry(table *shortcuts) *methodEntry {
	e := &methodEntry{table: table}
	e.ExtendBaseWidget(e)
	e.SetOptions(commonMethods)
	return e
}

// TypedShortcut implements fyne.Shortcutable.
func (e *methodEntry) TypedShortcut(sc fyne.Shortcut) {
	if e.table.handle(sc) {
		return
	}
	e.SelectEntry.TypedShortcut(sc)
}
