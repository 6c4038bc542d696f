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
	path  *widget.RichText // search results only: where the request is
	more  *widget.Button
	box   *fyne.Container // laid out again when a part shows or hides
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
		r.path = captionText()
	}
	r.ExtendBaseWidget(r)
	return r
}

func (r *treeRow) CreateRenderer() fyne.WidgetRenderer {
	line := container.NewBorder(nil, nil, container.NewHBox(r.icon, r.badge), nil, r.name)
	var center fyne.CanvasObject = line
	if r.path != nil {
		// The path sits under the name, in line with it.
		path := container.New(&indent{by: badgeWidth() + theme.Padding()}, r.path)
		center = container.New(&stackedLabels{}, line, path)
	}
	r.box = container.NewBorder(nil, nil, nil, r.more, center)
	return widget.NewSimpleRenderer(r.box)
}

// show fills the row from n; selected shows the "⋯" button. path is the
// folder path for search results.
func (r *treeRow) show(n *node, selected bool, path string) {
	was := r.layoutState()
	r.fill(n, selected, path)
	if r.box != nil && r.layoutState() != was {
		r.box.Refresh() // a part appeared or went: place the others again
	}
}

// layoutState says which of the optional parts show.
func (r *treeRow) layoutState() [3]bool {
	return [3]bool{r.icon.Visible(), r.badge.Visible(), r.more.Visible()}
}

func (r *treeRow) fill(n *node, selected bool, path string) {
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
	if r.name.Text != name {
		r.name.SetText(name)
	}
	if r.path != nil {
		setCaption(r.path, path)
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

// captionText is small grey text cut with "…" when it does not fit: the
// path of a search hit, the time of a history entry.
func captionText() *widget.RichText {
	rt := widget.NewRichText(&widget.TextSegment{Style: widget.RichTextStyle{
		ColorName: theme.ColorNamePlaceHolder, SizeName: theme.SizeNameCaptionText, Inline: true,
	}})
	rt.Truncation = fyne.TextTruncateEllipsis
	return rt
}

// setCaption changes a captionText's text.
func setCaption(rt *widget.RichText, text string) {
	seg := rt.Segments[0].(*widget.TextSegment)
	if seg.Text == text {
		return
	}
	seg.Text = text
	rt.Refresh()
}
