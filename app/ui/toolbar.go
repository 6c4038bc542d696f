package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

const noEnvironment = "No environment"

// toolbar is the top line: the environment dropdown and its editor,
// import and export, and the settings.
type toolbar struct {
	w        *Window
	env      *widget.Select
	envIDs   []string
	insecure *widget.Label
	syncErr  *widget.Label // a folder sync failure, until it is fixed
}

func newToolbar(w *Window) *toolbar {
	t := &toolbar{w: w}
	t.env = widget.NewSelect([]string{noEnvironment}, t.onEnvironmentChosen)
	t.env.SetSelected(noEnvironment)
	t.insecure = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	t.insecure.Importance = widget.DangerImportance
	t.syncErr = widget.NewLabel("")
	t.syncErr.Importance = widget.DangerImportance
	t.syncErr.Truncation = fyne.TextTruncateEllipsis
	t.syncErr.Hide()
	return t
}

func (t *toolbar) content() fyne.CanvasObject {
	envs := &widget.Button{Icon: theme.SettingsIcon(), Text: "Environments", Importance: widget.LowImportance, OnTapped: t.w.showEnvironments}
	imp := &widget.Button{Icon: theme.DownloadIcon(), Text: "Import", Importance: widget.LowImportance}
	imp.OnTapped = func() { t.w.showImport(imp) }
	exp := &widget.Button{Icon: theme.UploadIcon(), Text: "Export", Importance: widget.LowImportance, OnTapped: t.w.showExport}
	settings := &widget.Button{Icon: theme.SettingsIcon(), Text: "Settings", Importance: widget.LowImportance, OnTapped: t.w.showSettings}
	envBox := container.NewGridWrap(fyne.NewSize(220, t.env.MinSize().Height), t.env)
	left := container.NewHBox(widget.NewLabel("Environment"), envBox, envs, widget.NewSeparator(), imp, exp)
	bar := container.NewBorder(nil, nil, nil, container.NewHBox(t.insecure, settings), left)
	return container.NewVBox(bar, t.syncErr, widget.NewSeparator())
}

// refreshEnvironments rebuilds the dropdown from the loaded environments.
func (t *toolbar) refreshEnvironments() {
	vars := t.w.vars
	names := []string{noEnvironment}
	t.envIDs = []string{""}
	selected := noEnvironment
	for _, e := range vars.envs {
		names = append(names, e.Name)
		t.envIDs = append(t.envIDs, e.ID)
		if e.ID == vars.activeID {
			selected = e.Name
		}
	}
	t.env.OnChanged = nil
	t.env.Options = names
	t.env.SetSelected(selected)
	t.env.OnChanged = t.onEnvironmentChosen
	t.env.Refresh()
}

func (t *toolbar) onEnvironmentChosen(name string) {
	i := t.env.SelectedIndex()
	if i < 0 || i >= len(t.envIDs) {
		return
	}
	t.w.vars.setActive(t.envIDs[i])
	for _, tab := range t.w.tabs.list {
		tab.editor.RefreshVariables()
	}
}

// cycleEnvironment switches to the next environment (Ctrl+E).
func (t *toolbar) cycleEnvironment() {
	if len(t.env.Options) == 0 {
		return
	}
	t.env.SetSelectedIndex((t.env.SelectedIndex() + 1) % len(t.env.Options))
}

// showInsecure keeps a warning visible while TLS verification is off for
// every request.
func (t *toolbar) showInsecure(on bool) {
	if on {
		t.insecure.SetText("⚠ TLS verification is off for every request")
	} else {
		t.insecure.SetText("")
	}
}

// showSyncError shows a folder sync failure under the toolbar; "" hides
// it.
func (t *toolbar) showSyncError(msg string) {
	t.syncErr.SetText(msg)
	if msg == "" {
		t.syncErr.Hide()
	} else {
		t.syncErr.Show()
	}
}
