package editor

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/app/ui/tabflow"
	"github.com/knockhttp/knock/storage"
)

// The Assertions sub-tab edits the declarative checks `knock run`
// evaluates: the status, a header, a jq expression over a JSON body, the
// body text, the response time. Each row is a kind, a target (the header
// name or the jq expression), an operator and the expected value.

var assertionKinds = []string{storage.AssertStatus, storage.AssertHeader, storage.AssertJQ, storage.AssertBody, storage.AssertTime}

var assertionOps = []string{"==", "!=", "<", ">", "contains", "matches"}

type assertionsPane struct {
	ed   *Editor
	rows *fyne.Container
}

func newAssertionsPane(e *Editor) *assertionsPane {
	return &assertionsPane{ed: e, rows: container.NewVBox()}
}

func (p *assertionsPane) content() fyne.CanvasObject {
	add := &widget.Button{Text: "Add assertion", Icon: theme.ContentAddIcon(), Importance: widget.LowImportance, OnTapped: p.onAdd}
	hint := widget.NewLabel("Checked by knock run on every response. Target: the header name, or a jq expression such as .items | length.")
	hint.Wrapping = fyne.TextWrapWord
	hint.Importance = widget.LowImportance
	return tabflow.Border(hint, add, nil, nil, container.NewVScroll(p.rows))
}

// load rebuilds the rows from the model.
func (p *assertionsPane) load() {
	p.rows.RemoveAll()
	for i := range p.ed.req.Assertions {
		p.rows.Add(p.row(i))
	}
	p.rows.Refresh()
}

func (p *assertionsPane) onAdd() {
	p.ed.req.Assertions = append(p.ed.req.Assertions, storage.Assertion{Kind: storage.AssertStatus, Op: "==", Value: "200", Enabled: true})
	p.load()
	p.ed.edited()
}

// row builds the widgets of assertion i. Its handlers find the assertion
// by index, which load keeps in step with the rows.
func (p *assertionsPane) row(i int) fyne.CanvasObject {
	a := p.ed.req.Assertions[i]
	enabled := widget.NewCheck("", nil)
	enabled.SetChecked(a.Enabled)
	kind := widget.NewSelect(assertionKinds, nil)
	kind.SetSelected(a.Kind)
	target := widget.NewEntry()
	target.SetText(a.Target)
	target.SetPlaceHolder("header name or jq expression")
	op := widget.NewSelect(assertionOps, nil)
	op.SetSelected(a.Op)
	value := widget.NewEntry()
	value.SetText(a.Value)
	value.SetPlaceHolder("expected")
	edit := func(fn func(*storage.Assertion)) {
		if p.ed.loading() || i >= len(p.ed.req.Assertions) {
			return
		}
		fn(&p.ed.req.Assertions[i])
		p.ed.edited()
	}
	enabled.OnChanged = func(on bool) { edit(func(a *storage.Assertion) { a.Enabled = on }) }
	kind.OnChanged = func(k string) { edit(func(a *storage.Assertion) { a.Kind = k }) }
	target.OnChanged = func(s string) { edit(func(a *storage.Assertion) { a.Target = s }) }
	op.OnChanged = func(s string) { edit(func(a *storage.Assertion) { a.Op = s }) }
	value.OnChanged = func(s string) { edit(func(a *storage.Assertion) { a.Value = s }) }
	remove := &widget.Button{Icon: theme.DeleteIcon(), Importance: widget.LowImportance, OnTapped: func() {
		if i < len(p.ed.req.Assertions) {
			p.ed.req.Assertions = append(p.ed.req.Assertions[:i], p.ed.req.Assertions[i+1:]...)
			p.load()
			p.ed.edited()
		}
	}}
	left := container.NewHBox(enabled, container.NewGridWrap(fyne.NewSize(110, kind.MinSize().Height), kind))
	right := container.NewHBox(container.NewGridWrap(fyne.NewSize(120, op.MinSize().Height), op), remove)
	return tabflow.Border(nil, nil, left, right, container.NewGridWithColumns(2, target, value))
}
