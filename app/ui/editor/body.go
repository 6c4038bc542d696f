package editor

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/app/ui/tabflow"
	"github.com/knockhttp/knock/storage"
)

// bodyModes are the body modes in the order offered, with their titles.
var bodyModes = []struct {
	mode  storage.BodyMode
	title string
}{
	{storage.BodyNone, "none"},
	{storage.BodyRaw, "raw"},
	{storage.BodyURLEncoded, "form-urlencoded"},
	{storage.BodyFormData, "multipart"},
	{storage.BodyFile, "binary file"},
	{storage.BodyGraphQL, "GraphQL"},
}

// bodyPane chooses the body mode and shows that mode's editor. Every
// mode's fields stay in the model when another mode is chosen, so
// switching back loses nothing.
type bodyPane struct {
	ed        *Editor
	mode      *widget.RadioGroup
	panels    map[storage.BodyMode]fyne.CanvasObject
	stack     *fyne.Container
	raw       *rawBody
	form      *kvTable
	multipart *multipartBody
	file      *fileBody
	graphql   *graphqlBody
}

func newBodyPane(e *Editor) *bodyPane {
	p := &bodyPane{ed: e}
	titles := make([]string, len(bodyModes))
	for i, m := range bodyModes {
		titles[i] = m.title
	}
	p.mode = widget.NewRadioGroup(titles, p.onModeChanged)
	p.mode.Horizontal = true
	p.mode.Required = true
	p.raw = newRawBody(e)
	p.form = newKVTable(e.opts.Shortcut, "Field", "Value")
	vars := []suggestSource{varSource{names: e.opts.VariableNames}}
	p.form.setSources(vars, vars)
	p.form.onChanged = p.onFormEdited
	p.multipart = newMultipartBody(e)
	p.file = newFileBody(e)
	p.graphql = newGraphQLBody(e)
	p.panels = map[storage.BodyMode]fyne.CanvasObject{
		storage.BodyNone:       container.NewPadded(widget.NewLabel("This request has no body.")),
		storage.BodyRaw:        p.raw.content(),
		storage.BodyURLEncoded: p.form.content(),
		storage.BodyFormData:   p.multipart.content(),
		storage.BodyFile:       p.file.content(),
		storage.BodyGraphQL:    p.graphql.content(),
	}
	p.stack = container.NewStack()
	for _, m := range bodyModes {
		p.stack.Add(p.panels[m.mode])
	}
	return p
}

func (p *bodyPane) content() fyne.CanvasObject {
	return tabflow.Border(p.mode, nil, nil, nil, p.stack)
}

func (p *bodyPane) load() {
	b := &p.ed.req.Body
	p.mode.SetSelected(modeTitle(b.Mode))
	p.raw.load()
	p.form.setRows(b.Form)
	p.multipart.load()
	p.file.load()
	p.graphql.load()
	p.showPanel(b.Mode)
}

func modeTitle(mode storage.BodyMode) string {
	for _, m := range bodyModes {
		if m.mode == mode {
			return m.title
		}
	}
	return bodyModes[0].title
}

func (p *bodyPane) showPanel(mode storage.BodyMode) {
	for m, panel := range p.panels {
		if m == mode {
			panel.Show()
		} else {
			panel.Hide()
		}
	}
	p.stack.Refresh()
}

func (p *bodyPane) onModeChanged(title string) {
	if p.ed.loading() {
		return
	}
	mode := storage.BodyNone
	for _, m := range bodyModes {
		if m.title == title {
			mode = m.mode
		}
	}
	p.ed.req.Body.Mode = mode
	// Raw and binary file share Body.ContentType.
	p.ed.setQuietly(func() {
		p.raw.showContentType()
		p.file.showContentType()
	})
	p.showPanel(mode)
	p.ed.edited()
}

func (p *bodyPane) onFormEdited() {
	if p.ed.loading() {
		return
	}
	p.ed.req.Body.Form = p.form.values()
	p.ed.edited()
}
