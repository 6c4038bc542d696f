// Command barewindow is the floor of the window benchmarks: a Fyne window
// with one label, and nothing else but the same first-frame probe as
// Knock's window (app/ui/window.go, firstFrameProbe): a one-pixel raster
// whose generator runs when the painter draws it. With
// KNOCK_LOG_STARTUP=1 it prints "barewindow: first frame at <unix ns>" on
// stderr, as knock prints its own.
package main

import (
	"fmt"
	"image"
	"image/color"
	"os"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := fyneapp.NewWithID("io.github.knockhttp.knock.barewindow")
	w := a.NewWindow("Bare window")
	var onFrame func()
	if os.Getenv("KNOCK_LOG_STARTUP") == "1" {
		onFrame = func() {
			fmt.Fprintf(os.Stderr, "barewindow: first frame at %d\n", time.Now().UnixNano())
		}
	}
	w.SetContent(container.NewStack(widget.NewLabel("Hello from a bare Fyne window"), firstFrameProbe(onFrame)))
	w.Resize(fyne.NewSize(1280, 800)) // the size of Knock's window (app/ui/window.go), so both paint as many pixels
	w.ShowAndRun()
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
