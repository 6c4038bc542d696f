package editor

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/app/ui/tabflow"
	"github.com/knockhttp/knock/storage"
)

// kvTable edits rows of key, value and an enabled flag (query params,
// headers, form fields). Keys may repeat. The last row is always blank:
// typing into it makes it a real, enabled row and adds a new blank one, so
// the user never looks for an "add" button.
//
// The rows are a plain box rather than a widget.Table: a request has tens
// of rows, not thousands, and every row holds entries that must keep their
// focus while the table changes around them.
type kvTable struct {
	hook       shortcutHook
	keySources []suggestSource
	valSources []suggestSource
	keyHint    string
	valHint    string
	// onChanged is called after every edit by the user.
	onChanged func()

	rows  []*kvRow
	box   *fyne.Container
	quiet bool // set while rows are loaded, so loading is not an edit
}

// kvRow is one line of a kvTable.
type kvRow struct {
	t         *kvTable
	enabled   *widget.Check
	key       *hookEntry
	value     *hookEntry
	remove    *widget.Button
	line      fyne.CanvasObject
	secretRef string
	blank     bool
}

func newKVTable(hook shortcutHook, keyHint, valHint string) *kvTable {
	t := &kvTable{hook: hook, keyHint: keyHint, valHint: valHint}
	t.box = container.NewVBox()
	t.rows = []*kvRow{t.newRow()}
	t.box.Objects = []fyne.CanvasObject{t.rows[0].line}
	return t
}

// content is the table with its column titles, scrolling vertically.
func (t *kvTable) content() fyne.CanvasObject {
	titles := container.NewGridWithColumns(2,
		&widget.Label{Text: t.keyHint, TextStyle: fyne.TextStyle{Bold: true}},
		&widget.Label{Text: t.valHint, TextStyle: fyne.TextStyle{Bold: true}})
	row := t.rows[0]
	left := spacer(row.enabled.MinSize().Width)
	right := spacer(row.remove.MinSize().Width)
	head := tabflow.Border(nil, nil, left, right, titles)
	return tabflow.Border(head, nil, nil, nil, container.NewVScroll(t.box))
}

func spacer(width float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(width, 1))
	return r
}

func (t *kvTable) newRow() *kvRow {
	r := &kvRow{t: t, blank: true}
	r.enabled = widget.NewCheck("", r.onEnabledChanged)
	r.key = newHookEntry(t.hook, t.keyHint)
	r.key.sources = t.keySources
	r.key.OnChanged = r.onKeyChanged
	r.value = newHookEntry(t.hook, t.valHint)
	r.value.sources = t.valSources
	r.value.OnChanged = r.onValueChanged
	r.remove = &widget.Button{Icon: theme.DeleteIcon(), Importance: widget.LowImportance, OnTapped: r.onRemoveTapped}
	r.line = tabflow.Border(nil, nil, r.enabled, r.remove, container.NewGridWithColumns(2, r.key, r.value))
	r.showBlank()
	return r
}

// showBlank greys out the controls that mean nothing on the blank row.
func (r *kvRow) showBlank() {
	if r.blank {
		r.enabled.Disable()
		r.remove.Disable()
		return
	}
	r.enabled.Enable()
	r.remove.Enable()
}

// setSources sets the completion sources of every key and value entry.
func (t *kvTable) setSources(keys, values []suggestSource) {
	t.keySources, t.valSources = keys, values
	for _, r := range t.rows {
		r.key.sources, r.value.sources = keys, values
	}
}

// setRows shows rows, reusing the row widgets. It is not an edit.
func (t *kvTable) setRows(rows []storage.KeyValue) {
	t.quiet = true
	defer func() { t.quiet = false }()
	for len(t.rows) < len(rows)+1 {
		t.rows = append(t.rows, t.newRow())
	}
	t.rows = t.rows[:len(rows)+1]
	objs := make([]fyne.CanvasObject, 0, len(t.rows))
	for i, r := range t.rows {
		var kv storage.KeyValue
		r.blank = i == len(rows)
		if !r.blank {
			kv = rows[i]
		}
		r.secretRef = kv.SecretRef
		if r.key.Text != kv.Key {
			r.key.SetText(kv.Key)
		}
		if r.value.Text != kv.Value {
			r.value.SetText(kv.Value)
		}
		r.enabled.SetChecked(kv.Enabled)
		r.showBlank()
		objs = append(objs, r.line)
	}
	t.box.Objects = objs
	t.box.Refresh()
}

// values returns the rows, the blank one left out.
func (t *kvTable) values() []storage.KeyValue {
	var out []storage.KeyValue
	for _, r := range t.rows {
		if r.blank {
			continue
		}
		out = append(out, storage.KeyValue{Key: r.key.Text, Value: r.value.Text, Enabled: r.enabled.Checked, SecretRef: r.secretRef})
	}
	return out
}

func (r *kvRow) onKeyChanged(string) {
	if r.t.quiet {
		return
	}
	r.edited()
}

func (r *kvRow) onValueChanged(string) {
	if r.t.quiet {
		return
	}
	r.edited()
}

func (r *kvRow) onEnabledChanged(bool) {
	if r.t.quiet || r.blank {
		return
	}
	r.t.changed()
}

// edited turns the blank row into a real one on its first character.
func (r *kvRow) edited() {
	if r.blank && (r.key.Text != "" || r.value.Text != "") {
		r.blank = false
		r.t.quiet = true
		r.enabled.SetChecked(true)
		r.t.quiet = false
		r.showBlank()
		nr := r.t.newRow()
		r.t.rows = append(r.t.rows, nr)
		r.t.box.Add(nr.line)
	}
	r.t.changed()
}

func (r *kvRow) onRemoveTapped() {
	if r.blank {
		return
	}
	t := r.t
	for i, x := range t.rows {
		if x == r {
			t.rows = append(t.rows[:i], t.rows[i+1:]...)
			break
		}
	}
	t.box.Remove(r.line)
	t.changed()
}

func (t *kvTable) changed() {
	if t.onChanged != nil {
		t.onChanged()
	}
}
