package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/app/ui/uithread"
	"github.com/knockhttp/knock/storage"
)

// showQuickOpen finds a saved request by name, URL or method as you type
// (Ctrl+P), and opens it.
func (k *Window) showQuickOpen() {
	query := newShortcutEntry(k.keys)
	query.SetPlaceHolder("Open a request by name, URL or method…")
	var hits []storage.SearchHit
	list := widget.NewList(func() int { return len(hits) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			h := hits[i]
			o.(*widget.Label).SetText(h.Method + "  " + h.Name + "   " + h.URL)
		})
	var d dialog.Dialog
	list.OnSelected = func(i widget.ListItemID) {
		d.Hide()
		k.tabs.openSaved(hits[i].ID)
	}
	seq := 0
	query.OnChanged = func(q string) {
		seq++
		mine := seq
		db := k.ws.DB
		go func() {
			found, err := db.Search(q, 50)
			uithread.Do(func() {
				if err != nil || mine != seq {
					return
				}
				hits = found
				list.Refresh()
			})
		}()
	}
	query.OnSubmitted = func(string) {
		if len(hits) > 0 {
			list.Select(0)
		}
	}
	d = dialog.NewCustom("Quick open", "Close", container.NewBorder(query, nil, nil, nil, list), k.win)
	d.Resize(fyne.NewSize(640, 420))
	d.Show()
	k.win.Canvas().Focus(query)
	query.OnChanged("")
}
