package sidebar

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/storage"
)

// rowActions is what a row reports its taps to.
type rowActions interface {
	onRowTapped(id string)
	onRowMenu(id string, at fyne.Position)
	onRowMore(id string, button fyne.CanvasObject)
}

// treeRow is one line of the collections tree (and of the search
// results): an icon or a method badge, the name, and a "⋯" button that
// shows on the selected row. It takes primary taps itself, because a
// widget that takes secondary taps would otherwise swallow them before
// the tree's own row sees them.
type treeRow struct {
	widget.BaseWidget
	actions rowActions
	id      string

	icon  *widget.Icon
	badge *methodBadge
	name  *widget.Label
	path  *widget.Label // search results only: where the request is
	more  *widget.Button
}

// newTreeRow builds a row; withPath adds the second line that search
// results use for the folder path.
func newTreeRow(a rowActions, withPath bool) *treeRow {
	r := &treeRow{
		actions: a,
		icon:    widget.NewIcon(theme.FolderIcon()),
		badge:   newMethodBadge(),
		name:    &widget.Label{Truncation: fyne.TextTruncateEllipsis},
	}
	r.more = &widget.Button{Icon: theme.MoreHorizontalIcon(), Importance: widget.LowImportance, OnTapped: r.onMoreTapped}
	r.more.Hide()
	if withPath {
		r.path = &widget.Label{Truncation: fyne.TextTruncateEllipsis, SizeName: theme.SizeNameCaptionText, Importance: widget.LowImportance}
	}
	r.ExtendBaseWidget(r)
	return r
}

func (r *treeRow) CreateRenderer() fyne.WidgetRenderer {
	lead := container.NewHBox(r.icon, r.badge)
	var center fyne.CanvasObject = r.name
	if r.path != nil {
		center = container.New(&stackedLabels{}, r.name, r.path)
	}
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, lead, r.more, center))
}

// show fills the row from n; selected shows the "⋯" button. path is the
// folder path for search results.
func (r *treeRow) show(n *node, selected bool, path string) {
	if n == nil {
		r.id = ""
		r.name.SetText("")
		r.badge.Hide()
		r.icon.Hide()
		r.more.Hide()
		return
	}
	r.id = n.id
	if n.kind == storage.KindRequest {
		r.icon.Hide()
		r.badge.setMethod(n.method)
		r.badge.Show()
	} else {
		r.badge.Hide()
		if n.kind == storage.KindCollection {
			r.icon.SetResource(theme.StorageIcon())
		} else {
			r.icon.SetResource(theme.FolderIcon())
		}
		r.icon.Show()
	}
	name := n.name
	if name == "" && n.kind == storage.KindRequest {
		name = n.url
	}
	r.name.SetText(name)
	if r.path != nil {
		r.path.SetText(path)
	}
	if selected {
		r.more.Show()
	} else {
		r.more.Hide()
	}
}

// Tapped selects (and opens) the row's node.
func (r *treeRow) Tapped(*fyne.PointEvent) {
	if r.id != "" {
		r.actions.onRowTapped(r.id)
	}
}

// TappedSecondary shows the node's actions where the pointer is.
func (r *treeRow) TappedSecondary(ev *fyne.PointEvent) {
	if r.id != "" {
		r.actions.onRowMenu(r.id, ev.AbsolutePosition)
	}
}

func (r *treeRow) onMoreTapped() {
	if r.id != "" {
		r.actions.onRowMore(r.id, r.more)
	}
}

// stackedLabels lays a name over its path with no gap, so a search hit
// takes barely more height than a tree row.
type stackedLabels struct{}

func (stackedLabels) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	top, bottom := objs[0], objs[1]
	th := top.MinSize().Height
	bh := bottom.MinSize().Height
	overlap := theme.InnerPadding()
	top.Move(fyne.NewPos(0, 0))
	top.Resize(fyne.NewSize(size.Width, th))
	bottom.Move(fyne.NewPos(0, th-overlap))
	bottom.Resize(fyne.NewSize(size.Width, bh))
}

func (stackedLabels) MinSize(objs []fyne.CanvasObject) fyne.Size {
	a, b := objs[0].MinSize(), objs[1].MinSize()
	return fyne.NewSize(max(a.Width, b.Width), a.Height+b.Height-theme.InnerPadding())
}
