package editor

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/app/ui/tabflow"
	"github.com/knockhttp/knock/storage"
)

const (
	partText = "Text"
	partFile = "File"
)

// multipartBody edits the fields of a multipart/form-data body; each field
// is a text or a file.
type multipartBody struct {
	ed    *Editor
	rows  []*partRow
	box   *fyne.Container
	quiet bool
}

// partRow is one field. It keeps both the text and the path, so that
// switching between them loses neither.
type partRow struct {
	b       *multipartBody
	enabled *widget.Check
	key     *hookEntry
	kind    *widget.Select
	text    *hookEntry
	path    *hookEntry
	file    *fyne.Container // path and its browse button
	ctype   *hookEntry
	line    fyne.CanvasObject
}

func newMultipartBody(e *Editor) *multipartBody {
	return &multipartBody{ed: e, box: container.NewVBox()}
}

func (b *multipartBody) content() fyne.CanvasObject {
	add := &widget.Button{Text: "Add field", Icon: theme.ContentAddIcon(), Importance: widget.LowImportance, OnTapped: b.onAddTapped}
	return tabflow.Border(nil, container.NewHBox(add), nil, nil, container.NewVScroll(b.box))
}

func (b *multipartBody) load() {
	b.quiet = true
	defer func() { b.quiet = false }()
	b.rows = nil
	b.box.Objects = nil
	for _, part := range b.ed.req.Body.Multipart {
		b.addRow(part)
	}
	b.box.Refresh()
}

func (b *multipartBody) addRow(part storage.FormPart) *partRow {
	r := &partRow{b: b}
	hook := b.ed.opts.Shortcut
	r.enabled = widget.NewCheck("", r.onEdited)
	r.key = newHookEntry(hook, "Field")
	r.key.OnChanged = r.onTextEdited
	r.text = newHookEntry(hook, "Value")
	r.text.OnChanged = r.onTextEdited
	r.text.sources = []suggestSource{varSource{names: b.ed.opts.VariableNames}}
	r.path = newHookEntry(hook, "/path/to/file")
	r.path.OnChanged = r.onTextEdited
	browse := &widget.Button{Icon: theme.FolderOpenIcon(), OnTapped: r.onBrowseTapped}
	r.file = tabflow.Border(nil, nil, nil, browse, r.path)
	r.ctype = newHookEntry(hook, "Content-Type (auto)")
	r.ctype.OnChanged = r.onTextEdited
	r.kind = widget.NewSelect([]string{partText, partFile}, r.onKindChanged)
	remove := &widget.Button{Icon: theme.DeleteIcon(), Importance: widget.LowImportance, OnTapped: r.onRemoveTapped}

	r.enabled.SetChecked(part.Enabled)
	r.key.SetText(part.Key)
	r.text.SetText(part.Value)
	r.path.SetText(part.File)
	r.ctype.SetText(part.ContentType)
	if part.File != "" {
		r.kind.SetSelected(partFile)
	} else {
		r.kind.SetSelected(partText)
	}
	r.showKind()

	value := container.NewStack(r.text, r.file)
	kind := container.NewGridWrap(fyne.NewSize(90, r.kind.MinSize().Height), r.kind)
	middle := container.NewGridWithColumns(3, r.key, value, r.ctype)
	r.line = tabflow.Border(nil, nil, container.NewHBox(r.enabled, kind), remove, middle)
	b.rows = append(b.rows, r)
	b.box.Add(r.line)
	return r
}

func (r *partRow) showKind() {
	// Both sit in one Stack, which lays out hidden children too.
	if r.kind.Selected == partFile {
		r.text.Hide()
		r.file.Show()
	} else {
		r.file.Hide()
		r.text.Show()
	}
}

func (r *partRow) part() storage.FormPart {
	p := storage.FormPart{Key: r.key.Text, Enabled: r.enabled.Checked, ContentType: r.ctype.Text}
	if r.kind.Selected == partFile {
		p.File = r.path.Text
	} else {
		p.Value = r.text.Text
	}
	return p
}

func (b *multipartBody) onAddTapped() {
	b.quiet = true
	r := b.addRow(storage.FormPart{Enabled: true})
	b.quiet = false
	b.changed()
	if c := fyne.CurrentApp().Driver().CanvasForObject(b.box); c != nil {
		c.Focus(r.key)
	}
}

func (r *partRow) onEdited(bool) { r.b.changed() }

func (r *partRow) onTextEdited(string) { r.b.changed() }

func (r *partRow) onKindChanged(string) {
	r.showKind()
	r.b.changed()
}

func (r *partRow) onBrowseTapped() {
	r.b.ed.pickFile(func(path string) { r.path.SetText(path) })
}

func (r *partRow) onRemoveTapped() {
	b := r.b
	for i, x := range b.rows {
		if x == r {
			b.rows = append(b.rows[:i], b.rows[i+1:]...)
			break
		}
	}
	b.box.Remove(r.line)
	b.changed()
}

// changed writes every row into the model.
func (b *multipartBody) changed() {
	if b.quiet || b.ed.loading() {
		return
	}
	parts := make([]storage.FormPart, 0, len(b.rows))
	for _, r := range b.rows {
		parts = append(parts, r.part())
	}
	b.ed.req.Body.Multipart = parts
	b.ed.edited()
}
