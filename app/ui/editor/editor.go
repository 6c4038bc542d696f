package editor

import (
	"fmt"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"github.com/knockhttp/knock/app/ui/lazytabs"
	"github.com/knockhttp/knock/app/ui/tabflow"
	"github.com/knockhttp/knock/app/ui/uithread"
	"github.com/knockhttp/knock/storage"
)

// Editor is the request editor of one request tab. Call its methods on
// Fyne's goroutine only.
type Editor struct {
	// OnChanged is called after every edit by the user (not after
	// SetRequest), so the window can mark the tab as modified.
	OnChanged func()
	// OnSend is called when the user asks to send: the Send button, or
	// Enter in the URL.
	OnSend func()
	// OnCancel is called when the user taps Cancel while busy.
	OnCancel func()

	opts  Options
	req   storage.Request
	quiet int // > 0 while the widgets are set from the model
	busy  bool
	// loads counts SetRequest calls; background work started for one
	// request drops its result when another one was loaded meanwhile.
	loads int

	bar        *urlBar
	params     *paramsPane
	headers    *headersPane
	body       *bodyPane
	auth       *authPane
	settings   *settingsPane
	assertions *assertionsPane
	tabs       *tabSet
	content    fyne.CanvasObject
}

// New builds an editor for an empty GET request.
func New(opts Options) *Editor {
	e := &Editor{opts: opts}
	e.bar = newURLBar(e)
	e.params = newParamsPane(e)
	e.headers = newHeadersPane(e)
	e.body = newBodyPane(e)
	e.auth = newAuthPane(e)
	e.settings = newSettingsPane(e)
	e.assertions = newAssertionsPane(e)
	e.tabs = newTabSet(e)
	e.content = tabflow.Border(e.bar.content(), nil, nil, nil, e.tabs.tabs)
	e.SetRequest(storage.Request{Method: "GET"})
	return e
}

// Content is the editor's widget tree.
func (e *Editor) Content() fyne.CanvasObject { return e.content }

// SetRequest shows req. It is not an edit: OnChanged is not called. A
// query left in req.URL moves into Params (see urlquery.go).
func (e *Editor) SetRequest(req storage.Request) {
	e.loads++
	e.req = cloneRequest(req)
	if e.req.Method == "" {
		e.req.Method = "GET"
	}
	e.req.URL, e.req.Params = normalizeURL(e.req.URL, e.req.Params)
	e.load()
}

// Request returns a copy of the edited request, safe to hand to another
// goroutine.
func (e *Editor) Request() storage.Request { return cloneRequest(e.req) }

// SetBusy turns Send into Cancel while a request is in flight.
func (e *Editor) SetBusy(busy bool) {
	e.busy = busy
	e.bar.showBusy(busy)
}

// FocusURL puts the keyboard focus in the URL entry.
func (e *Editor) FocusURL() { e.bar.focusURL() }

// ShowSection selects the n-th sub-tab (0 Params, 1 Headers, 2 Body,
// 3 Auth, 4 Settings, 5 Assertions), for Ctrl+1 to Ctrl+6. On the Auth tab
// the method dropdown takes the keyboard focus, so the arrow keys change the
// method at once.
func (e *Editor) ShowSection(n int) {
	items := e.tabs.tabs.Items
	if n < 0 || n >= len(items) {
		return
	}
	e.tabs.tabs.SelectIndex(n)
	if items[n] == e.tabs.auth {
		if w := e.window(); w != nil {
			w.Canvas().Focus(e.auth.choice)
		}
	}
}

// Close cancels the editor's background work (an OAuth 2 grant waiting
// for the browser); call it when the tab closes.
func (e *Editor) Close() {
	e.loads++
	for _, f := range e.auth.forms {
		f.stop()
	}
}

// RefreshVariables updates what depends on the variables and on the
// parents (the line under the URL, the inherited auth), after the window
// switched environments or edited a folder.
func (e *Editor) RefreshVariables() {
	e.bar.status.update()
	e.auth.refreshInherited()
}

// load sets every widget from the model, quietly.
func (e *Editor) load() {
	e.quiet++
	defer func() { e.quiet-- }()
	e.bar.load()
	e.params.load()
	e.headers.load()
	e.body.load()
	e.auth.load()
	e.settings.load()
	e.assertions.load()
	e.tabs.updateTitles()
}

// loading reports whether the widgets are being set from the model; the
// widgets' handlers then leave the model alone.
func (e *Editor) loading() bool { return e.quiet > 0 }

// setQuietly runs fn, which changes widgets, without its handlers
// treating the change as an edit.
func (e *Editor) setQuietly(fn func()) {
	e.quiet++
	defer func() { e.quiet-- }()
	fn()
}

// edited reports a user edit.
func (e *Editor) edited() {
	if e.loading() {
		return
	}
	e.tabs.updateTitles()
	if e.OnChanged != nil {
		e.OnChanged()
	}
}

// window is the parent for dialogs.
func (e *Editor) window() fyne.Window {
	if e.opts.Window != nil {
		return e.opts.Window
	}
	if ws := fyne.CurrentApp().Driver().AllWindows(); len(ws) > 0 {
		return ws[0]
	}
	return nil
}

// tabSet is the row of sub-tabs; their titles count what is in them.
type tabSet struct {
	ed                                        *Editor
	tabs                                      *container.AppTabs
	params, headers, body, auth, settingsItem *container.TabItem
	assertions                                *container.TabItem
}

func newTabSet(e *Editor) *tabSet {
	s := &tabSet{ed: e}
	s.params = container.NewTabItem("Params", e.params.content())
	s.headers = container.NewTabItem("Headers", e.headers.content())
	s.body = container.NewTabItem("Body", e.body.content())
	s.auth = container.NewTabItem("Auth", e.auth.content())
	s.settingsItem = container.NewTabItem("Settings", e.settings.content())
	s.assertions = container.NewTabItem("Assertions", e.assertions.content())
	s.tabs = container.NewAppTabs(s.params, s.headers, s.body, s.auth, s.settingsItem, s.assertions)
	s.tabs.OnSelected = s.onSelected
	lazytabs.Defer(s.tabs)
	return s
}

func (s *tabSet) onSelected(item *container.TabItem) {
	if item == s.auth {
		s.ed.auth.refreshInherited()
	}
}

// updateTitles writes the counts into the tab titles.
func (s *tabSet) updateTitles() {
	req := &s.ed.req
	changed := setTitle(s.params, "Params", countEnabled(req.Params))
	changed = setTitle(s.headers, "Headers", countEnabled(req.Headers)) || changed
	body := "Body"
	if req.Body.Mode != storage.BodyNone {
		body = "Body •"
	}
	changed = setTitleText(s.body, body) || changed
	auth := "Auth"
	if t := s.ed.auth.shortTitle(); t != "" {
		auth = "Auth: " + t
	}
	changed = setTitleText(s.auth, auth) || changed
	settings := "Settings"
	if req.Settings.Insecure {
		settings = "Settings (TLS off)"
	}
	changed = setTitleText(s.settingsItem, settings) || changed
	changed = setTitle(s.assertions, "Assertions", countAssertions(req.Assertions)) || changed
	if changed {
		s.tabs.Refresh()
	}
}

func countAssertions(list []storage.Assertion) int {
	n := 0
	for _, a := range list {
		if a.Enabled {
			n++
		}
	}
	return n
}

func setTitle(item *container.TabItem, name string, n int) bool {
	if n > 0 {
		return setTitleText(item, fmt.Sprintf("%s (%d)", name, n))
	}
	return setTitleText(item, name)
}

func setTitleText(item *container.TabItem, text string) bool {
	if item.Text == text {
		return false
	}
	item.Text = text
	return true
}

func countEnabled(rows []storage.KeyValue) int {
	n := 0
	for _, r := range rows {
		if r.Enabled {
			n++
		}
	}
	return n
}

// runOnUI hands work done on a goroutine back to Fyne's goroutine. It is
// fyne.Do; tests replace it with a queue they drain themselves, because
// Fyne's test driver runs fyne.Do's function on the calling goroutine.
var runOnUI = func(f func()) { uiHandOff.Load().(func(func()))(f) }

// uiHandOff holds the function runOnUI calls: fyne.Do, or a test's queue.
// It is atomic because a background task may still hand back its result
// while a test swaps it.
var uiHandOff atomic.Value

func init() { uiHandOff.Store(uithread.Do) }
