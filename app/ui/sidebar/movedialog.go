package sidebar

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/storage"
)

// moveTarget is a collection or folder a node can move into.
type moveTarget struct {
	n    *node
	path string // "Collection › Folder"
	here bool   // the node's current parent
}

// moveDialog is "Move to…": every collection and folder of every
// collection, filtered as you type, the node itself and its own folders
// left out. Move puts the node at the end of the chosen one.
type moveDialog struct {
	p      *collectionsPane
	n      *node
	all    []moveTarget
	shown  []moveTarget
	chosen *node

	filter *widget.Entry
	list   *widget.List
	move   *widget.Button
	dlg    *dialog.CustomDialog
}

func newMoveDialog(p *collectionsPane, n *node) *moveDialog {
	d := &moveDialog{p: p, n: n}
	for _, c := range p.m.containers() {
		if n.contains(c) {
			continue
		}
		path := p.m.path(c.id)
		if path != "" {
			path += pathSep
		}
		d.all = append(d.all, moveTarget{n: c, path: path + c.name, here: c == n.parent})
	}
	d.shown = d.all
	d.filter = &widget.Entry{PlaceHolder: "Filter folders", OnChanged: d.onFilterChanged}
	d.filter.ExtendBaseWidget(d.filter)
	d.list = &widget.List{Length: d.length, CreateItem: d.createItem, UpdateItem: d.updateItem, OnSelected: d.onSelected}
	d.list.ExtendBaseWidget(d.list)
	d.move = &widget.Button{Text: "Move", Importance: widget.HighImportance, OnTapped: d.onMove}
	d.move.Disable()
	cancel := &widget.Button{Text: "Cancel", OnTapped: d.onCancel}
	body := container.NewBorder(d.filter, nil, nil, nil, d.list)
	d.dlg = dialog.NewCustomWithoutButtons("Move "+quote(n.name)+" to…", body, p.s.win)
	d.dlg.SetButtons([]fyne.CanvasObject{cancel, d.move})
	return d
}

func (d *moveDialog) show() {
	if d.p.s.win == nil {
		return
	}
	d.p.lastMove = d
	d.dlg.Resize(fyne.NewSize(440, 480))
	d.dlg.Show()
	d.p.s.win.Canvas().Focus(d.filter)
}

func (d *moveDialog) length() int { return len(d.shown) }

func (d *moveDialog) createItem() fyne.CanvasObject {
	return container.NewBorder(nil, nil, widget.NewIcon(theme.FolderIcon()), nil,
		&widget.Label{Truncation: fyne.TextTruncateEllipsis})
}

func (d *moveDialog) updateItem(i widget.ListItemID, obj fyne.CanvasObject) {
	if i < 0 || i >= len(d.shown) {
		return
	}
	t := d.shown[i]
	box := obj.(*fyne.Container)
	label, icon := box.Objects[0].(*widget.Label), box.Objects[1].(*widget.Icon)
	text := t.path
	if t.here {
		text += "   (here now)"
	}
	label.SetText(text)
	if t.n.kind == storage.KindCollection {
		icon.SetResource(theme.StorageIcon())
	} else {
		icon.SetResource(theme.FolderIcon())
	}
}

func (d *moveDialog) onFilterChanged(text string) {
	words := strings.Fields(strings.ToLower(text))
	d.shown = d.shown[:0:0]
	for _, t := range d.all {
		path := strings.ToLower(t.path)
		ok := true
		for _, w := range words {
			if !strings.Contains(path, w) {
				ok = false
				break
			}
		}
		if ok {
			d.shown = append(d.shown, t)
		}
	}
	d.chosen = nil
	d.move.Disable()
	d.list.UnselectAll()
	d.list.Refresh()
}

func (d *moveDialog) onSelected(i widget.ListItemID) {
	if i < 0 || i >= len(d.shown) {
		return
	}
	d.chosen = d.shown[i].n
	d.move.Enable()
}

func (d *moveDialog) onMove() {
	if d.chosen == nil {
		return
	}
	d.dlg.Hide()
	d.p.moveInto(d.n.id, d.chosen.id)
}

func (d *moveDialog) onCancel() { d.dlg.Hide() }
