package ui

import (
	"image"
	"image/color"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"

	"github.com/knockhttp/knock/app/ui/sidebar"
	"github.com/knockhttp/knock/app/ui/tabflow"
	"github.com/knockhttp/knock/app/ui/uithread"
	"github.com/knockhttp/knock/app/workspace"
)

// Deps are what the window needs from the rest of Knock.
type Deps struct {
	// Workspace is the open data directory; nil when OpenErr says why it
	// could not be opened.
	Workspace *workspace.Workspace
	OpenErr   error
	// OnFirstFrame is called once, on the UI goroutine, when the window's
	// first frame has been painted. main uses it to log start-up time.
	OnFirstFrame func()
	// OnFirstTab is called once the first request tab has been built,
	// just after the first frame.
	OnFirstTab func()
}

// Window is Knock's main window: the toolbar, the sidebar and the request
// tabs.
type Window struct {
	app  fyne.App
	win  fyne.Window
	ws   *workspace.Workspace
	keys *shortcuts

	toolbar *toolbar
	sidebar *sidebar.Sidebar
	tabs    *requestTabs
	vars    *variables
	sync    *folderSync
	// closing is set once the window is closing; callbacks of work still
	// under way then do nothing.
	closing atomic.Bool
}

// Create builds the window's content and shortcuts.
func Create(a fyne.App, w fyne.Window, d Deps) *Window {
	k := &Window{app: a, win: w, ws: d.Workspace, keys: newShortcuts()}
	w.Resize(fyne.NewSize(1280, 800))
	if d.Workspace == nil {
		w.SetContent(container.NewStack(openErrorPane(a, w, d.OpenErr), firstFrameProbe(d.OnFirstFrame)))
		return k
	}
	applyTheme(a, d.Workspace)
	k.vars = newVariables(d.Workspace)
	k.sync = newFolderSync(k)
	k.tabs = newRequestTabs(k)
	k.sidebar = sidebar.New(d.Workspace.DB, w)
	k.sidebar.OnOpenRequest = k.tabs.openSaved
	k.sidebar.OnOpenHistory = k.tabs.openHistory
	k.sidebar.OnCopyCurl = k.copyAsCurl
	k.sidebar.OnExport = k.exportNode
	k.sidebar.Change = k.sync.changeTree
	k.sidebar.OnLinkFolder = k.sync.linkFolder
	k.sidebar.OnUnlinkFolder = k.sync.unlink
	k.sidebar.LinkedFolder = k.sync.linkedFolder
	k.toolbar = newToolbar(k)

	split := container.NewHSplit(k.sidebar.Content(), k.tabs.content())
	split.Offset = 0.22
	body := tabflow.Border(k.toolbar.content(), nil, nil, nil, split)
	w.SetContent(container.NewStack(body, firstFrameProbe(func() {
		if d.OnFirstFrame != nil {
			d.OnFirstFrame()
		}
		k.tabs.ensureTab()
		k.tabs.focusURL()
		if d.OnFirstTab != nil {
			d.OnFirstTab()
		}
		go returnStartupMemory()
	})))
	k.registerShortcuts()
	w.SetCloseIntercept(k.onClose)

	chooseSecretStore(w, d.Workspace, k.onSecretsReady)
	return k
}

// onSecretsReady runs once a secret store is attached: saved requests can
// now be opened with their secrets, so the tabs are restored.
func (k *Window) onSecretsReady() {
	k.vars.reload(k.toolbar.refreshEnvironments)
	k.tabs.restore()
	k.sync.start()
	go k.ws.DB.PurgeExpiredTrash() //nolint:errcheck // housekeeping; the next start tries again
}

func (k *Window) registerShortcuts() {
	c := k.win.Canvas()
	mod := fyne.KeyModifierShortcutDefault
	k.keys.add(c, fyne.KeyReturn, mod, k.tabs.sendActive)
	k.keys.add(c, fyne.KeyEnter, mod, k.tabs.sendActive)
	k.keys.add(c, fyne.KeyS, mod, k.tabs.saveActive)
	k.keys.add(c, fyne.KeyT, mod, k.tabs.newDraft)
	k.keys.add(c, fyne.KeyW, mod, k.tabs.closeActive)
	k.keys.add(c, fyne.KeyL, mod, k.tabs.focusURL)
	k.keys.add(c, fyne.KeyF, mod, k.tabs.focusSearch)
	k.keys.add(c, fyne.KeyE, mod, k.toolbar.cycleEnvironment)
	k.keys.add(c, fyne.KeyP, mod, k.showQuickOpen)
	k.keys.add(c, fyne.KeyQ, mod, k.onClose)
	k.keys.add(c, fyne.KeyComma, mod, k.showSettings)
	k.keys.add(c, fyne.KeyPageUp, mod|fyne.KeyModifierShift, func() { k.tabs.moveActive(-1) })
	k.keys.add(c, fyne.KeyPageDown, mod|fyne.KeyModifierShift, func() { k.tabs.moveActive(+1) })
	digits := []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6}
	for i, key := range digits {
		k.keys.add(c, key, mod, func() { k.tabs.showSection(i) })
		if i < 5 {
			k.keys.add(c, key, fyne.KeyModifierAlt, func() { k.tabs.showResponseTab(i) })
		}
	}
	c.SetOnTypedKey(k.onTypedKey)
}

func (k *Window) onTypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		k.tabs.cancelActive()
	}
}

// onClose saves the open tabs, then asks before dropping unsaved changes.
func (k *Window) onClose() {
	k.tabs.saveSession(func() {
		k.tabs.shutdown()
		k.win.Close()
	})
}

// returnStartupMemory gives the start-up garbage (fonts parsed for
// measuring, icons rasterised, the first layout of the tree) back to the
// OS once the window has settled, rather than keeping it as free heap
// until the next collections need it.
func returnStartupMemory() {
	time.Sleep(time.Second)
	debug.FreeOSMemory()
}

// firstFrameProbe is a one-pixel transparent raster: the painter calls its
// generator while drawing, so the first call marks the first frame.
func firstFrameProbe(fn func()) fyne.CanvasObject {
	var once sync.Once
	r := canvas.NewRaster(func(w, h int) image.Image {
		if fn != nil {
			once.Do(func() { uithread.Do(fn) })
		}
		return image.NewUniform(color.Transparent)
	})
	r.SetMinSize(fyne.NewSize(1, 1))
	return container.NewWithoutLayout(r)
}

// DataDirHint is shown in the title when KNOCK_DATA_DIR is set, so two
// windows on different data directories can be told apart.
func DataDirHint() string {
	if d := os.Getenv("KNOCK_DATA_DIR"); d != "" {
		return " (" + d + ")"
	}
	return ""
}
