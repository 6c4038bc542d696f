package ui

import (
	"fmt"
	"image/color"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/app/engine"
	"github.com/knockhttp/knock/app/ui/bodyview"
	"github.com/knockhttp/knock/app/ui/lazytabs"
	"github.com/knockhttp/knock/app/ui/tabflow"
	"github.com/knockhttp/knock/storage"
)

// responsePane shows the last response of a tab: the summary line, and
// tabs for the body, headers, cookies, the timeline and the auth trace.
type responsePane struct {
	status   *canvas.Text
	summary  *widget.Label
	note     *widget.Label
	body     *bodyview.Viewer
	headers  *lineList
	cookies  *lineList
	timeline *timelineView
	auth     *lineList
	tabs     *container.AppTabs
	resp     *engine.Response
}

const notSentYet = "Nothing sent yet: press Send (Ctrl+Enter)."

func newResponsePane(win fyne.Window) *responsePane {
	p := &responsePane{
		status:   canvas.NewText("", theme.Color(theme.ColorNameForeground)),
		summary:  widget.NewLabel("Press Send (Ctrl+Enter) to see the response here."),
		note:     widget.NewLabel(""),
		body:     bodyview.New(),
		headers:  newLineList(),
		cookies:  newLineList(),
		timeline: newTimelineView(),
		auth:     newLineList(),
	}
	p.body.SetWindow(win)
	p.status.TextStyle = fyne.TextStyle{Bold: true}
	p.status.TextSize = theme.TextSize() * 1.2
	p.note.Wrapping = fyne.TextWrapWord
	p.note.Importance = widget.WarningImportance
	p.note.Hide()
	p.tabs = container.NewAppTabs(
		container.NewTabItem("Body", p.body),
		container.NewTabItem("Headers", p.headers.list),
		container.NewTabItem("Cookies", p.cookies.list),
		container.NewTabItem("Timeline", p.timeline.content()),
		container.NewTabItem("Auth", p.auth.list),
	)
	lazytabs.Defer(p.tabs)
	p.showEmpty(notSentYet)
	return p
}

func (p *responsePane) content() fyne.CanvasObject {
	line := container.NewHBox(container.NewCenter(p.status), p.summary)
	return tabflow.Border(container.NewVBox(line, p.note), nil, nil, nil, p.tabs)
}

// showTab selects the n-th tab (0 Body, 1 Headers, 2 Cookies, 3 Timeline,
// 4 Auth), for Alt+1 to Alt+5.
func (p *responsePane) showTab(n int) {
	if n >= 0 && n < len(p.tabs.Items) {
		p.tabs.SelectIndex(n)
	}
}

func (p *responsePane) focusSearch() {
	p.tabs.SelectIndex(0)
	p.body.FocusSearch()
}

func (p *responsePane) showSending(r storage.Request) {
	p.setStatus("Sending…", theme.Color(theme.ColorNameForeground))
	p.summary.SetText(r.Method + " " + r.URL)
	p.setNote("")
	p.body.ShowProgress(0, -1)
}

func (p *responsePane) showProgress(received, total int64) {
	p.body.ShowProgress(received, total)
	if total > 0 {
		p.summary.SetText(fmt.Sprintf("received %s of %s", engine.HumanBytes(received), engine.HumanBytes(total)))
		return
	}
	p.summary.SetText("received " + engine.HumanBytes(received))
}

// showError says what went wrong in plain words where the user looks.
func (p *responsePane) showError(err error) {
	p.release()
	p.setStatus("Error", theme.Color(theme.ColorNameError))
	p.summary.SetText("")
	p.setNote(err.Error())
	p.body.Clear()
	p.showEmpty("No response: the request failed (the reason is above).")
}

// showEmpty fills the headers, cookies, timeline and auth tabs with a line
// that says why they are empty, so that no tab is ever a blank pane.
func (p *responsePane) showEmpty(why string) {
	p.headers.set([]string{why})
	p.cookies.set([]string{why})
	p.timeline.setEmpty(why)
	p.auth.set([]string{why})
}

func (p *responsePane) show(r *engine.Response) {
	p.release()
	p.resp = r
	p.setStatus(r.StatusText, statusColor(r.Status/100))
	p.summary.SetText(fmt.Sprintf("%s   %s   %s", r.Proto, r.Timings.Total.Round(time.Millisecond), engine.HumanBytes(r.BodySize)))
	p.setNote(strings.Join(prefixAll("⚠ ", r.Warnings), "\n"))
	p.body.Load(r.Body, r.ContentType)
	p.headers.set(headerLines(r))
	p.cookies.set(cookieLines(r))
	p.timeline.set(r)
	p.auth.set(authLines(r))
}

// release removes the previous response's spooled body file.
func (p *responsePane) release() {
	if p.resp != nil {
		p.resp.Close()
		p.resp = nil
	}
}

func (p *responsePane) clear() {
	p.release()
	p.body.Clear()
}

func prefixAll(prefix string, list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = prefix + s
	}
	return out
}

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

func headerLines(r *engine.Response) []string {
	keys := make([]string, 0, len(r.Header))
	for k := range r.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		for _, v := range r.Header[k] {
			out = append(out, k+": "+v)
		}
	}
	return out
}

func cookieLines(r *engine.Response) []string {
	if len(r.Cookies) == 0 {
		return []string{"No cookies were set by this response."}
	}
	var out []string
	for _, c := range r.Cookies {
		line := c.Name + " = " + c.Value
		var attrs []string
		if c.Domain != "" {
			attrs = append(attrs, "domain "+c.Domain)
		}
		if c.Path != "" {
			attrs = append(attrs, "path "+c.Path)
		}
		if !c.Expires.IsZero() {
			attrs = append(attrs, "expires "+c.Expires.Format(time.RFC1123))
		}
		if c.Secure {
			attrs = append(attrs, "secure")
		}
		if c.HttpOnly {
			attrs = append(attrs, "httponly")
		}
		if len(attrs) > 0 {
			line += "   (" + strings.Join(attrs, ", ") + ")"
		}
		out = append(out, line)
	}
	return out
}

// authLines is "how this header was built": every step of every scheme,
// with the secrets already masked by authlib.
func authLines(r *engine.Response) []string {
	if len(r.AuthSteps) == 0 {
		return []string{"No auth was applied to this request."}
	}
	var out []string
	for _, s := range r.AuthSteps {
		out = append(out, "["+s.Scheme+"] "+s.Title)
		for _, f := range s.Fields {
			for i, line := range strings.Split(f.Value, "\n") {
				if i == 0 {
					out = append(out, "    "+f.Name+": "+line)
				} else {
					out = append(out, "        "+line)
				}
			}
		}
	}
	return out
}

// lineList is a virtualised list of text lines.
type lineList struct {
	list  *widget.List
	lines []string
}

func newLineList() *lineList {
	l := &lineList{}
	l.list = widget.NewList(
		func() int { return len(l.lines) },
		func() fyne.CanvasObject {
			lbl := widget.NewLabel("")
			lbl.TextStyle = fyne.TextStyle{Monospace: true}
			lbl.Truncation = fyne.TextTruncateEllipsis
			return lbl
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(l.lines) {
				o.(*widget.Label).SetText(l.lines[id])
			}
		})
	return l
}

func (l *lineList) set(lines []string) {
	l.lines = lines
	l.list.Refresh()
}
