package editor

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/storage"
)

// graphqlBody edits a GraphQL query, its variables (JSON, checked) and the
// operation name.
type graphqlBody struct {
	ed        *Editor
	query     *hookEntry
	variables *hookEntry
	operation *hookEntry
	status    *widget.Label
}

func newGraphQLBody(e *Editor) *graphqlBody {
	p := &graphqlBody{ed: e}
	vars := []suggestSource{varSource{names: e.opts.VariableNames}}
	p.query = newHookArea(e.opts.Shortcut, "query {\n  user(id: 1) { name }\n}")
	p.query.OnChanged = p.onEdited
	p.query.sources = vars
	p.variables = newHookArea(e.opts.Shortcut, `{"id": 1}`)
	p.variables.OnChanged = p.onEdited
	p.variables.sources = vars
	p.operation = newHookEntry(e.opts.Shortcut, "operation name (optional)")
	p.operation.OnChanged = p.onEdited
	p.status = widget.NewLabel("")
	return p
}

func (p *graphqlBody) content() fyne.CanvasObject {
	title := func(s string) *widget.Label { return &widget.Label{Text: s, TextStyle: fyne.TextStyle{Bold: true}} }
	query := container.NewBorder(title("Query"), nil, nil, nil, p.query)
	vars := container.NewBorder(title("Variables (JSON)"), p.status, nil, nil, p.variables)
	split := container.NewHSplit(query, vars)
	split.Offset = 0.6
	return container.NewBorder(nil, container.NewBorder(nil, nil, widget.NewLabel("Operation"), nil, p.operation), nil, nil, split)
}

func (p *graphqlBody) load() {
	g := p.ed.req.Body.GraphQL
	if g == nil {
		g = &storage.GraphQL{}
	}
	p.query.SetText(g.Query)
	p.variables.SetText(g.Variables)
	p.operation.SetText(g.OperationName)
	p.validate()
}

func (p *graphqlBody) onEdited(string) {
	if p.ed.loading() {
		return
	}
	p.ed.req.Body.GraphQL = &storage.GraphQL{Query: p.query.Text, Variables: p.variables.Text, OperationName: p.operation.Text}
	p.validate()
	p.ed.edited()
}

func (p *graphqlBody) validate() {
	if err := checkJSON(p.variables.Text); err != nil {
		p.status.Text = "Variables: " + err.Error()
		p.status.Importance = widget.DangerImportance
		p.status.Refresh()
		return
	}
	p.status.SetText("")
}
