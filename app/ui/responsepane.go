package ui

import (
	"fmt"
	"image/color"
	"sort"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/app/engine"
	"github.com/knockhttp/knock/storage"
)

// responseView is a response made ready for display off the UI goroutine.
type responseView struct {
	status   string
	class    int // 2 for 2xx, …
	summary  string
	headers  []string
	body     []string
	bodyNote string
	warnings []string
}

// maxShownBody bounds what the first window reads for display; the full
// viewer of a later version pages through any size.
const maxShownBody = 64 << 20

func prepareView(r *engine.Response) *responseView {
	v := &responseView{
		status:  r.StatusText,
		class:   r.Status / 100,
		summary: fmt.Sprintf("%s   %s   %s", r.Proto, r.Timings.Total.Round(time.Millisecond), engine.HumanBytes(r.BodySize)),
	}
	keys := make([]string, 0, len(r.Header))
	for k := range r.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, val := range r.Header[k] {
			v.headers = append(v.headers, k+": "+val)
		}
	}
	v.warnings = r.Warnings
	rc, err := r.Body.Open()
	if err != nil {
		v.bodyNote = err.Error()
		return v
	}
	defer rc.Close()
	lines, err := splitLines(limitReader(rc, maxShownBody))
	if err != nil {
		v.bodyNote = err.Error()
	}
	if r.BodySize > maxShownBody {
		v.bodyNote = fmt.Sprintf("showing the first %s of %s", engine.HumanBytes(maxShownBody), engine.HumanBytes(r.BodySize))
	}
	v.body = lines
	r.Close()
	return v
}

// responsePane shows the status line and the body and headers.
type responsePane struct {
	status  *canvas.Text
	summary *widget.Label
	note    *widget.Label
	body    *bodyView
	headers *bodyView
	tabs    *container.AppTabs
}

func newResponsePane() *responsePane {
	p := &responsePane{
		status:  canvas.NewText("", theme.Color(theme.ColorNameForeground)),
		summary: widget.NewLabel("Enter a URL and press Send (Ctrl+Enter)."),
		note:    widget.NewLabel(""),
		body:    newBodyView(),
		headers: newBodyView(),
	}
	p.status.TextStyle = fyne.TextStyle{Bold: true}
	p.status.TextSize = theme.TextSize() * 1.2
	p.note.Wrapping = fyne.TextWrapWord
	p.note.Importance = widget.WarningImportance
	p.note.Hide()
	p.tabs = container.NewAppTabs(
		container.NewTabItem("Body", p.body.list),
		container.NewTabItem("Headers", p.headers.list),
	)
	return p
}

func (p *responsePane) content() fyne.CanvasObject {
	line := container.NewHBox(container.NewCenter(p.status), p.summary)
	return container.NewBorder(container.NewVBox(line, p.note), nil, nil, nil, p.tabs)
}

func (p *responsePane) showSending(r storage.Request) {
	p.setStatus("Sending…", theme.Color(theme.ColorNameForeground))
	p.summary.SetText(r.Method + " " + r.URL)
	p.setNote("")
}

func (p *responsePane) showProgress(received, total int64) {
	if total > 0 {
		p.summary.SetText(fmt.Sprintf("received %s of %s", engine.HumanBytes(received), engine.HumanBytes(total)))
		return
	}
	p.summary.SetText("received " + engine.HumanBytes(received))
}

func (p *responsePane) showError(err error) {
	p.setStatus("Error", theme.Color(theme.ColorNameError))
	p.summary.SetText("")
	p.setNote(err.Error())
	p.body.setLines(nil)
	p.headers.setLines(nil)
}

func (p *responsePane) show(v *responseView) {
	p.setStatus(v.status, statusColor(v.class))
	p.summary.SetText(v.summary)
	note := v.bodyNote
	for _, w := range v.warnings {
		if note != "" {
			note += "\n"
		}
		note += "⚠ " + w
	}
	p.setNote(note)
	p.body.setLines(v.body)
	p.headers.setLines(v.headers)
}

// setNote shows a warning or error under the status line, and hides the
// line when there is nothing to say.
func (p *responsePane) setNote(text string) {
	p.note.SetText(text)
	if text == "" {
		p.note.Hide()
	} else {
		p.note.Show()
	}
}

func (p *responsePane) setStatus(text string, c color.Color) {
	p.status.Text = text
	p.status.Color = c
	p.status.Refresh()
}

// statusColor colours a status by class: 2xx green, 3xx blue, 4xx orange,
// 5xx red.
func statusColor(class int) color.Color {
	switch class {
	case 2:
		return theme.Color(theme.ColorNameSuccess)
	case 3:
		return theme.Color(theme.ColorNamePrimary)
	case 4:
		return theme.Color(theme.ColorNameWarning)
	case 5:
		return theme.Color(theme.ColorNameError)
	}
	return theme.Color(theme.ColorNameForeground)
}
