package ui

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/app/ui/editor"
	"github.com/knockhttp/knock/app/ui/tabflow"
	"github.com/knockhttp/knock/app/ui/uithread"
	"github.com/knockhttp/knock/app/workspace"
	"github.com/knockhttp/knock/storage"
	"github.com/knockhttp/knock/storage/exchange"
)

// requestTabs is the DocTabs of open requests.
type requestTabs struct {
	w    *Window
	docs *container.DocTabs
	list []*requestTab
	// restored guards against saving the session before it was read.
	restored  bool
	saveTimer *time.Timer
}

func newRequestTabs(w *Window) *requestTabs {
	t := &requestTabs{w: w, docs: container.NewDocTabs()}
	t.docs.CreateTab = t.onCreateTab
	t.docs.CloseIntercept = t.onCloseIntercept
	t.docs.OnSelected = func(*container.TabItem) { t.sessionChanged() }
	return t
}

// ensureTab opens an empty request unless a tab is open. The window calls
// it once its first frame is on screen: the toolbar and the sidebar show
// first, and the editor, the most expensive part of the window to build
// and paint, follows a frame later.
func (t *requestTabs) ensureTab() {
	if len(t.list) == 0 {
		t.newDraft()
	}
}

func (t *requestTabs) content() fyne.CanvasObject { return t.docs }

// requestTab is one open request: its editor and its last response.
type requestTab struct {
	tabs      *requestTabs
	item      *container.TabItem
	editor    *editor.Editor
	response  *responsePane
	requestID string // the saved request, "" for a draft
	tabID     string
	name      string
	dirty     bool
	// collection holds the variables the request inherits, for the
	// editor's lookups.
	collection  map[string]storage.Variable
	inherited   storage.AuthSpec
	inheritFrom string
	hasInherit  bool

	// conflict shows that the request's file changed on disk under
	// unsaved edits (folder sync).
	conflict *conflictBar

	mu     sync.Mutex
	cancel context.CancelFunc
}

func (t *requestTabs) newTab(r storage.Request, requestID string) *requestTab {
	tab := &requestTab{tabs: t, requestID: requestID, name: r.Name, collection: map[string]storage.Variable{}}
	tab.tabID = strconv.FormatInt(time.Now().UnixNano(), 36)
	vars := t.w.vars
	tab.editor = editor.New(editor.Options{
		Window:   t.w.win,
		Shortcut: t.w.keys.handle,
		Lookup: func(name string) (string, bool) {
			v, ok := vars.lookup(tab.collection, name)
			return v.Value, ok
		},
		IsSecret: func(name string) bool {
			v, ok := vars.lookup(tab.collection, name)
			return ok && v.Secret
		},
		VariableNames: func() []string { return vars.names(tab.collection) },
		ParseCurl:     parseCurl,
		InheritedAuth: func() (storage.AuthSpec, string, bool) { return tab.inherited, tab.inheritFrom, tab.hasInherit },
		GetToken:      t.w.oauth2GetToken,
		RefreshToken:  t.w.oauth2Refresh,
		ClearToken:    t.w.oauth2Clear,
		CachedToken:   t.w.oauth2Cached,
	})
	tab.editor.SetRequest(r)
	tab.editor.OnChanged = tab.markDirty
	tab.editor.OnSend = tab.send
	tab.editor.OnCancel = tab.cancelSend
	tab.response = newResponsePane(t.w.win)
	split := container.NewVSplit(tab.editor.Content(), tab.response.content())
	split.Offset = 0.45
	tab.conflict = newConflictBar()
	tab.item = container.NewTabItem(tab.title(), tabflow.Border(tab.conflict.box, nil, nil, nil, split))
	t.list = append(t.list, tab)
	t.docs.Append(tab.item)
	t.docs.Select(tab.item)
	return tab
}

func parseCurl(cmd string) (storage.Request, error) {
	r, _, err := exchange.ParseCurl(cmd)
	return r, err
}

func (tab *requestTab) title() string {
	name := tab.name
	if name == "" {
		name = "Untitled"
	}
	if tab.dirty {
		return "● " + name
	}
	return name
}

func (tab *requestTab) markDirty() {
	if tab.dirty {
		return
	}
	tab.dirty = true
	tab.tabs.w.sync.setDirty(tab.requestID, true)
	tab.item.Text = tab.title()
	tab.tabs.docs.Refresh()
	tab.tabs.sessionChanged()
}

func (tab *requestTab) markClean() {
	tab.dirty = false
	tab.tabs.w.sync.setDirty(tab.requestID, false)
	tab.item.Text = tab.title()
	tab.tabs.docs.Refresh()
}

// send runs the request on a goroutine; the result comes back with
// fyne.Do. The editor's Send turns into Cancel meanwhile.
func (tab *requestTab) send() {
	w := tab.tabs.w
	r := tab.editor.Request()
	ctx, cancel := context.WithCancel(context.Background())
	tab.mu.Lock()
	if tab.cancel != nil {
		tab.cancel()
	}
	tab.cancel = cancel
	tab.mu.Unlock()
	tab.editor.SetBusy(true)
	tab.response.showSending(r)
	in := workspace.SendInput{Request: r, RequestID: tab.requestID, EnvironmentID: w.vars.activeID}
	var last time.Time
	in.Progress = func(received, total int64) {
		if now := time.Now(); now.Sub(last) >= 100*time.Millisecond {
			last = now
			uithread.Do(func() {
				if !w.closing.Load() {
					tab.response.showProgress(received, total)
				}
			})
		}
	}
	go func() {
		resp, err := w.ws.Send(ctx, in)
		uithread.Do(func() {
			if w.closing.Load() {
				if err == nil {
					resp.Close()
				}
				return
			}
			tab.mu.Lock()
			tab.cancel = nil
			tab.mu.Unlock()
			tab.editor.SetBusy(false)
			if err != nil {
				tab.response.showError(err)
			} else {
				tab.response.show(resp)
			}
			w.sidebar.RefreshHistory()
		})
	}()
}

// shutdown stops every tab's work before the window closes: while Fyne
// shuts down it runs the callbacks of goroutines still at work straight
// from those goroutines, so none may find anything left to do.
func (t *requestTabs) shutdown() {
	t.w.closing.Store(true)
	for _, tab := range t.list {
		tab.cancelSend()
		tab.editor.Close()
		tab.response.body.Close()
	}
}

func (tab *requestTab) cancelSend() {
	tab.mu.Lock()
	cancel := tab.cancel
	tab.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

func (t *requestTabs) active() *requestTab {
	sel := t.docs.Selected()
	for _, tab := range t.list {
		if tab.item == sel {
			return tab
		}
	}
	return nil
}

func (t *requestTabs) sendActive() {
	if tab := t.active(); tab != nil {
		tab.mu.Lock()
		busy := tab.cancel != nil
		tab.mu.Unlock()
		if !busy {
			tab.send()
		}
	}
}

func (t *requestTabs) cancelActive() {
	if tab := t.active(); tab != nil {
		tab.cancelSend()
	}
}

func (t *requestTabs) focusURL() {
	if tab := t.active(); tab != nil {
		tab.editor.FocusURL()
	}
}

// showSection and showResponseTab switch the active tab's sub-tabs from
// the keyboard.
func (t *requestTabs) showSection(n int) {
	if tab := t.active(); tab != nil {
		tab.editor.ShowSection(n)
	}
}

func (t *requestTabs) showResponseTab(n int) {
	if tab := t.active(); tab != nil {
		tab.response.showTab(n)
	}
}

func (t *requestTabs) focusSearch() {
	if tab := t.active(); tab != nil {
		tab.response.focusSearch()
	}
}

// moveActive moves the active tab one place to the left (-1) or right (+1)
// (Ctrl+Shift+PageUp, Ctrl+Shift+PageDown): Fyne's tabs cannot be dragged.
// The session keeps the new order.
func (t *requestTabs) moveActive(delta int) {
	tab := t.active()
	if tab == nil {
		return
	}
	i := slices.Index(t.docs.Items, tab.item)
	j := i + delta
	if i < 0 || j < 0 || j >= len(t.docs.Items) || len(t.list) != len(t.docs.Items) {
		return
	}
	t.docs.Items[i], t.docs.Items[j] = t.docs.Items[j], t.docs.Items[i]
	t.list[i], t.list[j] = t.list[j], t.list[i] // the list follows the items' order
	t.docs.Refresh()
	t.docs.SelectIndex(j)
	t.sessionChanged()
}

// newDraft opens an empty request (Ctrl+T).
func (t *requestTabs) newDraft() {
	tab := t.newTab(storage.Request{Method: "GET"}, "")
	tab.editor.FocusURL()
}

func (t *requestTabs) onCreateTab() *container.TabItem {
	tab := t.newTab(storage.Request{Method: "GET"}, "")
	// DocTabs appends the item it is given; newTab already did.
	t.docs.Remove(tab.item)
	return tab.item
}

// openSaved opens a saved request, or selects its tab if it is open. The
// request, its secrets and what it inherits are read on a goroutine.
func (t *requestTabs) openSaved(id string) {
	for _, tab := range t.list {
		if tab.requestID == id {
			t.docs.Select(tab.item)
			return
		}
	}
	db := t.w.ws.DB
	go func() {
		r, res, err := loadSaved(db, id)
		uithread.Do(func() {
			if err != nil {
				dialog.ShowError(fmt.Errorf("open the request: %w", err), t.w.win)
				return
			}
			blank := t.active()
			tab := t.newTab(*r, id)
			if res != nil {
				tab.applyResolved(res)
			}
			if blank != nil && blank.pristine() {
				t.close(blank) // the empty draft the window opened with
			}
			t.sessionChanged()
		})
	}()
}

// loadSaved reads a saved request and what it inherits, with their
// secrets, off the UI goroutine. The inherited part is nil when it cannot
// be read: the request still opens, without it.
func loadSaved(db *storage.DB, id string) (*storage.Request, *storage.Resolved, error) {
	r, err := db.Request(id)
	if err == nil {
		err = db.HydrateRequest(r)
	}
	res, rerr := db.Resolve(id)
	if rerr == nil {
		rerr = db.HydrateResolved(res)
	}
	if rerr != nil {
		res = nil
	}
	return r, res, err
}

// pristine reports an empty draft nobody typed into.
func (tab *requestTab) pristine() bool {
	return tab.requestID == "" && !tab.dirty && tab.editor.Request().URL == ""
}

// byRequestID is the tab of a saved request, or nil.
func (t *requestTabs) byRequestID(id string) *requestTab {
	for _, tab := range t.list {
		if tab.requestID == id {
			return tab
		}
	}
	return nil
}

// reloadSaved reads a tab's saved request again (it changed on disk) and
// shows it, on a goroutine.
func (t *requestTabs) reloadSaved(tab *requestTab) {
	db, id := t.w.ws.DB, tab.requestID
	go func() {
		r, res, err := loadSaved(db, id)
		uithread.Do(func() {
			if err != nil || tab.requestID != id || tab.dirty {
				return
			}
			tab.name = r.Name
			tab.editor.SetRequest(*r)
			if res != nil {
				tab.applyResolved(res)
			}
			tab.markClean()
		})
	}()
}

// applyResolved keeps what the request inherits for the editor.
func (tab *requestTab) applyResolved(res *storage.Resolved) {
	tab.collection = byKey(res.Variables)
	tab.inherited = res.Inherited
	tab.hasInherit = !res.Inherited.IsNone()
	from := res.InheritedFrom
	if from.Name != "" {
		tab.inheritFrom = string(from.Kind) + " " + from.Name
	}
	tab.editor.RefreshVariables()
}

// openHistory reopens a history entry as a new draft.
func (t *requestTabs) openHistory(id string) {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		return
	}
	db := t.w.ws.DB
	go func() {
		r, err := db.History().Reopen(n)
		uithread.Do(func() {
			if err != nil {
				dialog.ShowError(fmt.Errorf("reopen from history: %w", err), t.w.win)
				return
			}
			r.ID = ""
			tab := t.newTab(*r, "")
			tab.markDirty()
		})
	}()
}

// onCloseIntercept asks before closing a tab with unsaved changes.
func (t *requestTabs) onCloseIntercept(item *container.TabItem) {
	var tab *requestTab
	for _, x := range t.list {
		if x.item == item {
			tab = x
		}
	}
	if tab == nil {
		t.docs.Remove(item)
		return
	}
	if !tab.dirty {
		t.close(tab)
		return
	}
	dialog.ShowConfirm("Unsaved changes", fmt.Sprintf("%q has unsaved changes. Close it and lose them?", tab.title()[len("● "):]),
		func(ok bool) {
			if ok {
				t.close(tab)
			}
		}, t.w.win)
}

func (t *requestTabs) close(tab *requestTab) {
	if tab.conflict.box.Visible() {
		t.w.sync.dropConflict(tab.requestID) // the edits are gone: the disk's version wins
	}
	t.w.sync.setDirty(tab.requestID, false)
	tab.cancelSend()
	tab.editor.Close()
	tab.response.clear()
	t.docs.Remove(tab.item)
	for i, x := range t.list {
		if x == tab {
			t.list = append(t.list[:i], t.list[i+1:]...)
			break
		}
	}
	if len(t.list) == 0 {
		t.newDraft()
	}
	t.sessionChanged()
}

func (t *requestTabs) closeActive() {
	if tab := t.active(); tab != nil {
		t.onCloseIntercept(tab.item)
	}
}

// saveActive saves the active tab (Ctrl+S): into its saved request, or,
// for a draft, into a folder the user picks.
func (t *requestTabs) saveActive() {
	tab := t.active()
	if tab == nil {
		return
	}
	if tab.requestID == "" {
		t.saveAs(tab)
		return
	}
	if tab.conflict.box.Visible() {
		t.w.sync.keepMine(tab) // saving over a conflict keeps this version
		return
	}
	r := tab.editor.Request()
	r.ID = tab.requestID
	t.store(tab, func() error { return t.w.ws.SaveRequest(&r) })
}

// store runs a save on a goroutine and marks the tab clean when it worked.
func (t *requestTabs) store(tab *requestTab, save func() error) {
	if t.w.ws.SecretStore() == nil {
		dialog.ShowInformation("No secret store yet", "Choose where Knock keeps secrets first; then save again.", t.w.win)
		return
	}
	go func() {
		err := save()
		uithread.Do(func() {
			if err != nil {
				dialog.ShowError(fmt.Errorf("save: %w", err), t.w.win)
				return
			}
			tab.markClean()
			t.w.sidebar.Reload()
			t.sessionChanged()
		})
	}()
}

// saveAs asks for a name and a place (collection or folder), then creates
// the request there.
func (t *requestTabs) saveAs(tab *requestTab) {
	db := t.w.ws.DB
	go func() {
		places, err := savePlaces(db)
		uithread.Do(func() {
			if err != nil {
				dialog.ShowError(err, t.w.win)
				return
			}
			t.showSaveAs(tab, places)
		})
	}()
}

func (t *requestTabs) showSaveAs(tab *requestTab, places []savePlace) {
	name := widget.NewEntry()
	name.SetText(tab.name)
	name.SetPlaceHolder("Request name")
	labels := make([]string, len(places))
	for i, p := range places {
		labels[i] = p.label
	}
	where := widget.NewSelect(labels, nil)
	newColl := widget.NewEntry()
	newColl.SetPlaceHolder("or a new collection's name")
	if len(labels) > 0 {
		where.SetSelectedIndex(0)
	}
	form := []*widget.FormItem{widget.NewFormItem("Name", name), widget.NewFormItem("Save in", where), widget.NewFormItem("", newColl)}
	d := dialog.NewForm("Save request", "Save", "Cancel", form, func(ok bool) {
		if !ok {
			return
		}
		r := tab.editor.Request()
		r.Name = name.Text
		if r.Name == "" {
			r.Name = r.Method + " " + r.URL
		}
		parent := ""
		if i := where.SelectedIndex(); i >= 0 && newColl.Text == "" {
			parent = places[i].id
		}
		collName := newColl.Text
		db := t.w.ws.DB
		t.store(tab, func() error {
			if parent == "" {
				if collName == "" {
					collName = "My requests"
				}
				c := &storage.Collection{Name: collName}
				if err := db.CreateCollection(c); err != nil {
					return err
				}
				parent = c.ID
			}
			if err := t.w.ws.Change(parent, func() error { return db.CreateRequest(parent, &r) }); err != nil {
				return err
			}
			uithread.Do(func() {
				tab.requestID, tab.name = r.ID, r.Name
				tab.item.Text = tab.title()
			})
			return nil
		})
	}, t.w.win)
	// Enter in either entry saves, as the Save button does.
	name.OnSubmitted = func(string) { d.Submit() }
	newColl.OnSubmitted = func(string) { d.Submit() }
	if len(labels) == 0 {
		where.Disable() // nothing to pick yet: a new collection is made
	}
	d.Resize(fyne.NewSize(480, 260))
	d.Show()
	t.w.win.Canvas().Focus(name)
}

// savePlace is a collection or folder a request can be saved in.
type savePlace struct {
	id, label string
}

func savePlaces(db *storage.DB) ([]savePlace, error) {
	colls, err := db.Collections()
	if err != nil {
		return nil, err
	}
	var out []savePlace
	for _, c := range colls {
		out = append(out, savePlace{id: c.ID, label: c.Name})
		tree, err := db.Tree(c.ID)
		if err != nil {
			return nil, err
		}
		var walk func(n *storage.Node, prefix string)
		walk = func(n *storage.Node, prefix string) {
			for _, ch := range n.Children {
				if ch.Kind == storage.KindFolder {
					out = append(out, savePlace{id: ch.ID, label: prefix + " / " + ch.Name})
					walk(ch, prefix+" / "+ch.Name)
				}
			}
		}
		walk(tree, c.Name)
	}
	return out, nil
}
