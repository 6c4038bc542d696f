package ui

import (
	"image"
	"image/color"
	"os"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"

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
}

// Window is Knock's main window.
type Window struct {
	app      fyne.App
	win      fyne.Window
	deps     Deps
	keys     *shortcuts
	request  *requestPane
	response *responsePane
}

// Create builds the window's content and shortcuts.
func Create(a fyne.App, w fyne.Window, d Deps) *Window {
	k := &Window{app: a, win: w, deps: d, keys: newShortcuts()}
	w.Resize(fyne.NewSize(1100, 720))
	if d.Workspace == nil {
		w.SetContent(container.NewStack(openErrorPane(a, w, d.OpenErr), firstFrameProbe(d.OnFirstFrame)))
		return k
	}
	k.response = newResponsePane()
	k.request = newRequestPane(d.Workspace, k.keys, k.response)
	body := container.NewBorder(k.request.content(), nil, nil, nil, k.response.content())
	w.SetContent(container.NewStack(body, firstFrameProbe(d.OnFirstFrame)))
	k.keys.add(w.Canvas(), fyne.KeyReturn, fyne.KeyModifierShortcutDefault, k.request.onSendShortcut)
	k.keys.add(w.Canvas(), fyne.KeyEnter, fyne.KeyModifierShortcutDefault, k.request.onSendShortcut)
	k.keys.add(w.Canvas(), fyne.KeyL, fyne.KeyModifierShortcutDefault, k.request.focusURL)
	w.Canvas().SetOnTypedKey(k.onTypedKey)
	w.Canvas().Focus(k.request.url)
	chooseSecretStore(w, d.Workspace, func() {})
	return k
}

func (k *Window) onTypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		k.request.cancel()
	}
}

// firstFrameProbe is a one-pixel transparent raster: the painter calls its
// generator while drawing, so the first call marks the first frame.
func firstFrameProbe(fn func()) fyne.CanvasObject {
	var once sync.Once
	r := canvas.NewRaster(func(w, h int) image.Image {
		if fn != nil {
			once.Do(func() { fyne.Do(fn) })
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
