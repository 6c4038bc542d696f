package sidebar

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// askName asks for a name in a small form dialog, its text selected so
// that typing replaces it; Enter confirms. done gets the trimmed name and
// is not called on Cancel.
func (s *Sidebar) askName(title, confirm, initial string, done func(name string)) {
	if s.win == nil {
		return
	}
	entry := widget.NewEntry()
	entry.SetText(initial)
	entry.Validator = validName
	form := dialog.NewForm(title, confirm, "Cancel", []*widget.FormItem{{Text: "Name", Widget: entry}}, func(ok bool) {
		if ok {
			done(strings.TrimSpace(entry.Text))
		}
	}, s.win)
	entry.OnSubmitted = func(string) { form.Submit() }
	form.Resize(fyne.NewSize(380, form.MinSize().Height))
	form.Show()
	s.win.Canvas().Focus(entry)
	entry.TypedShortcut(&fyne.ShortcutSelectAll{})
}

func validName(name string) error {
	if strings.TrimSpace(name) == "" {
		return errors.New("a name is needed")
	}
	return nil
}
