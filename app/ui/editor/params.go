package editor

import "fyne.io/fyne/v2"

// paramsPane is the query table, kept in step with the URL entry (see
// urlquery.go for the model).
type paramsPane struct {
	ed    *Editor
	table *kvTable
}

func newParamsPane(e *Editor) *paramsPane {
	p := &paramsPane{ed: e}
	p.table = newKVTable(e.opts.Shortcut, "Key", "Value")
	vars := []suggestSource{varSource{names: e.opts.VariableNames}}
	p.table.setSources(vars, vars)
	p.table.onChanged = p.onRowsEdited
	return p
}

func (p *paramsPane) content() fyne.CanvasObject { return p.table.content() }

func (p *paramsPane) load() { p.table.setRows(p.ed.req.Params) }

// onRowsEdited rewrites the URL entry's query from the rows.
func (p *paramsPane) onRowsEdited() {
	if p.ed.loading() {
		return
	}
	p.ed.req.Params = p.table.values()
	p.ed.bar.showURL()
	p.ed.edited()
}
