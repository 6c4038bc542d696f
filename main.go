// Command knock is a native REST client. With no arguments it opens the
// window; `knock send`, and the other commands listed by `knock help`, run
// headless.
package main

import (
	"fmt"
	"os"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/knockhttp/knock/app/cli"
	"github.com/knockhttp/knock/app/engine"
	"github.com/knockhttp/knock/app/ui"
	"github.com/knockhttp/knock/app/workspace"
	"github.com/knockhttp/knock/assets"
	"github.com/knockhttp/knock/internal/clocale"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0"

func main() {
	clocale.Restore()
	cli.Version = version
	engine.UserAgent = "Knock/" + version
	if cli.IsCommand(os.Args[1:]) {
		// Fyne's GLFW driver and its systray lock the main goroutine to
		// the main thread in init functions, as the window needs. A
		// command has no window, so it runs on a goroutine of its own:
		// on the locked one, each of its waits (every request of a run)
		// would hand the thread over with a futex wake-up.
		go func() { os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr)) }()
		select {}
	}
	runWindow()
}

// runWindow opens the window. With KNOCK_LOG_STARTUP=1 it prints the wall
// clock of the first painted frame, for start-up benchmarks.
func runWindow() {
	// The fyneDo migration tells Fyne that every widget change already goes
	// through fyne.Do, so it stops checking the calling goroutine on each
	// refresh (a stack walk). The window test builds with -race instead.
	fyneapp.SetMetadata(fyne.AppMetadata{
		ID: "io.github.knockhttp.knock", Name: "Knock", Version: version, Icon: assets.Icon,
		Migrations: map[string]bool{"fyneDo": true},
	})
	a := fyneapp.NewWithID("io.github.knockhttp.knock")
	a.SetIcon(assets.Icon)
	ws, err := workspace.Open("")
	if err == nil {
		defer ws.Close()
	} else {
		fmt.Fprintln(os.Stderr, "knock: "+err.Error())
	}
	ui.Prepare(a, ws)
	w := a.NewWindow("Knock" + ui.DataDirHint())
	deps := ui.Deps{Workspace: ws, OpenErr: err}
	if os.Getenv("KNOCK_LOG_STARTUP") == "1" {
		deps.OnFirstFrame = func() {
			fmt.Fprintf(os.Stderr, "knock: first frame at %d\n", time.Now().UnixNano())
		}
		deps.OnFirstTab = func() {
			fmt.Fprintf(os.Stderr, "knock: first tab at %d\n", time.Now().UnixNano())
		}
	}
	ui.Create(a, w, deps)
	w.ShowAndRun()
}
