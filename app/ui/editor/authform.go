package editor

import (
	"maps"
	"slices"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/authlib"
	"github.com/knockhttp/knock/storage"
)

// authForm is the form of one auth method, built from its parameters:
// a closed set of Choices is a drop-down, a Secret is a masked entry with
// a reveal toggle, Help is the hint under the field, and Default is the
// placeholder (what is used when the field is left empty).
type authForm struct {
	pane   *authPane
	method authlib.Method
	values map[string]string // the pane's map for this method, edited in place
	fields map[string]fyne.CanvasObject
	form   *widget.Form
	token  *oauth2Panel // the token tools, for OAuth 2 only
	extras *kvTable     // parameters the metadata does not name
	box    fyne.CanvasObject
}

func newAuthForm(p *authPane, m authlib.Method, values map[string]string) *authForm {
	f := &authForm{pane: p, method: m, values: values, fields: map[string]fyne.CanvasObject{}}
	f.form = widget.NewForm()
	for _, prm := range m.Params {
		label := paramLabel(prm.Name)
		if prm.Required {
			label += " *"
		}
		w := f.field(prm)
		f.fields[prm.Name] = w
		f.form.AppendItem(&widget.FormItem{Text: label, Widget: w, HintText: prm.Help})
	}
	f.extras = newKVTable(p.ed.opts.Shortcut, "Parameter", "Value")
	f.extras.setRows(f.extraRows())
	f.extras.onChanged = f.onExtrasEdited
	other := container.NewVBox(
		&widget.Label{Text: "Other parameters", TextStyle: fyne.TextStyle{Bold: true}},
		&widget.Label{Text: "Parameters this form does not name are kept and passed to the method as they are.", Importance: widget.LowImportance},
		f.extras.box)
	parts := []fyne.CanvasObject{f.form, widget.NewSeparator(), other}
	if m.Type == "oauth2" {
		f.token = newOAuth2Panel(f)
		parts = append([]fyne.CanvasObject{f.token.content(), widget.NewSeparator()}, parts...)
		f.token.showCached()
	}
	f.box = container.NewVBox(parts...)
	return f
}

// known reports whether the method's metadata names the parameter.
func (f *authForm) known(name string) bool {
	for _, prm := range f.method.Params {
		if prm.Name == name {
			return true
		}
	}
	return false
}

// extraRows are the values the metadata does not name, sorted.
func (f *authForm) extraRows() []storage.KeyValue {
	var rows []storage.KeyValue
	for _, k := range slices.Sorted(maps.Keys(f.values)) {
		if !f.known(k) {
			rows = append(rows, storage.KeyValue{Key: k, Value: f.values[k], Enabled: true})
		}
	}
	return rows
}

// onExtrasEdited replaces the unnamed values by the table's enabled rows.
func (f *authForm) onExtrasEdited() {
	for k := range f.values {
		if !f.known(k) {
			delete(f.values, k)
		}
	}
	for _, row := range f.extras.values() {
		if row.Enabled && row.Key != "" && !f.known(row.Key) {
			f.values[row.Key] = row.Value
		}
	}
	f.pane.paramEdited()
}

func (f *authForm) content() fyne.CanvasObject { return f.box }

// field builds the widget of one parameter, filled with its value.
func (f *authForm) field(prm authlib.Param) fyne.CanvasObject {
	name := prm.Name
	value := f.values[name]
	if len(prm.Choices) > 0 {
		choices := append([]string(nil), prm.Choices...)
		if value != "" && !containsFold(choices, value) {
			choices = append(choices, value) // keep what the file says
		}
		sel := widget.NewSelect(choices, nil)
		sel.PlaceHolder = "(choose)"
		if prm.Default != "" {
			sel.PlaceHolder = "default: " + prm.Default
		}
		for _, c := range choices {
			if strings.EqualFold(c, value) {
				sel.SetSelected(c)
			}
		}
		sel.OnChanged = func(v string) { f.set(name, v) }
		return sel
	}
	hook := f.pane.ed.opts.Shortcut
	// Help is the hint under the field; the placeholder shows the default.
	placeholder := ""
	if prm.Default != "" {
		placeholder = "default: " + prm.Default
	}
	var e *hookEntry
	if prm.Secret {
		e = newSecretEntry(hook, placeholder)
	} else {
		e = newHookEntry(hook, placeholder)
	}
	e.sources = []suggestSource{varSource{names: f.pane.ed.opts.VariableNames}}
	e.SetText(value)
	e.OnChanged = func(v string) { f.set(name, v) }
	return e
}

// set records a value typed or chosen by the user.
func (f *authForm) set(name, value string) {
	if f.pane.ed.loading() {
		return
	}
	if value == "" {
		delete(f.values, name)
	} else {
		f.values[name] = value
	}
	f.pane.paramEdited()
}

// stop ends the token work in flight, if any.
func (f *authForm) stop() {
	if f.token != nil {
		f.token.stop()
	}
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// acronyms are written in capitals in labels.
var acronyms = map[string]string{
	"api": "API", "aws": "AWS", "ca": "CA", "id": "ID", "jwt": "JWT", "pkce": "PKCE",
	"spn": "SPN", "ntlm": "NTLM", "uri": "URI", "url": "URL", "http": "HTTP", "ts": "TS",
}

// paramLabel turns a parameter name ("accessTokenUrl", "redirect_uri")
// into a label ("Access token URL", "Redirect URI").
func paramLabel(name string) string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	runes := []rune(name)
	for i, r := range runes {
		switch {
		case r == '_' || r == '-' || r == ' ':
			flush()
		case unicode.IsUpper(r) && i > 0 && (unicode.IsLower(runes[i-1]) || i+1 < len(runes) && unicode.IsLower(runes[i+1])):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	for i, w := range words {
		if a, ok := acronyms[w]; ok {
			words[i] = a
		} else if i == 0 {
			r := []rune(w)
			words[i] = string(unicode.ToUpper(r[0])) + string(r[1:])
		}
	}
	return strings.Join(words, " ")
}
