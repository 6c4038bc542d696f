package editor

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/app/ui/tabflow"
	"github.com/knockhttp/knock/authlib"
	"github.com/knockhttp/knock/storage"
)

const (
	titleNone    = "No auth"
	titleInherit = "Inherit from parent"
)

// authPane chooses the auth method and shows its form, built from the
// method's parameter metadata (authlib.Method.Params). The values typed
// for each method are kept while the request is open, so trying another
// method and coming back loses nothing; only the chosen method's values go
// into Request.Auth.
type authPane struct {
	ed      *Editor
	methods []authlib.Method // by title
	choice  *widget.Select
	help    *widget.Label
	stack   *fyne.Container
	none    fyne.CanvasObject
	inherit *widget.Label
	current string // the type shown: storage.AuthNone, storage.AuthInherit or a method

	forms  map[string]*authForm
	values map[string]map[string]string // per type, what the user entered
	refs   map[string]map[string]string // per type, the secret references loaded
}

func newAuthPane(e *Editor) *authPane {
	p := &authPane{ed: e, methods: authlib.Methods()}
	sort.SliceStable(p.methods, func(i, j int) bool { return p.methods[i].Title < p.methods[j].Title })
	p.choice = widget.NewSelect(p.titles(""), p.onChoiceChanged)
	p.help = widget.NewLabel("")
	p.help.Wrapping = fyne.TextWrapWord
	p.help.TextStyle = fyne.TextStyle{Italic: true}
	p.none = widget.NewLabel("This request sends no credentials of its own.\nA matching ~/.netrc entry is still used while netrc is on (Settings).")
	p.inherit = widget.NewLabel("")
	p.inherit.Wrapping = fyne.TextWrapWord
	p.stack = container.NewStack()
	return p
}

func (p *authPane) content() fyne.CanvasObject {
	choice := container.NewGridWrap(fyne.NewSize(260, p.choice.MinSize().Height), p.choice)
	top := container.NewVBox(container.NewHBox(widget.NewLabel("Method"), choice), p.help)
	return tabflow.Border(top, nil, nil, nil, container.NewVScroll(p.stack))
}

// titles are the choices; unknown names a type from a file that no
// registered method handles, so that it is shown rather than lost.
func (p *authPane) titles(unknown string) []string {
	out := []string{titleNone, titleInherit}
	for _, m := range p.methods {
		out = append(out, m.Title)
	}
	if unknown != "" {
		out = append(out, unknownTitle(unknown))
	}
	return out
}

func unknownTitle(typ string) string { return typ + " (not supported)" }

func (p *authPane) method(typ string) (authlib.Method, bool) {
	for _, m := range p.methods {
		if strings.EqualFold(m.Type, typ) {
			return m, true
		}
	}
	return authlib.Method{}, false
}

func (p *authPane) titleOf(typ string) string {
	switch typ {
	case "", storage.AuthNone:
		return titleNone
	case storage.AuthInherit:
		return titleInherit
	}
	if m, ok := p.method(typ); ok {
		return m.Title
	}
	return unknownTitle(typ)
}

func (p *authPane) typeOf(title string) string {
	switch title {
	case titleNone:
		return storage.AuthNone
	case titleInherit:
		return storage.AuthInherit
	}
	for _, m := range p.methods {
		if m.Title == title {
			return m.Type
		}
	}
	return strings.TrimSuffix(title, " (not supported)")
}

// load shows the model's auth and forgets the values of other methods.
func (p *authPane) load() {
	for _, f := range p.forms {
		f.stop()
	}
	spec := p.ed.req.Auth
	typ := spec.Type
	if typ == "" {
		typ = storage.AuthNone
	}
	if m, ok := p.method(typ); ok {
		typ = m.Type
	}
	p.forms = map[string]*authForm{}
	p.values = map[string]map[string]string{typ: maps.Clone(spec.Params)}
	p.refs = map[string]map[string]string{typ: maps.Clone(spec.SecretRefs)}
	unknown := ""
	if _, ok := p.method(typ); !ok && typ != storage.AuthNone && typ != storage.AuthInherit {
		unknown = typ
	}
	p.choice.SetOptions(p.titles(unknown))
	p.choice.SetSelected(p.titleOf(typ))
	p.show(typ)
}

func (p *authPane) onChoiceChanged(title string) {
	if p.ed.loading() {
		return
	}
	p.show(p.typeOf(title))
	p.writeModel()
	p.ed.edited()
}

// show puts the panel of typ in place.
func (p *authPane) show(typ string) {
	p.current = typ
	var panel fyne.CanvasObject
	help := ""
	switch typ {
	case storage.AuthNone:
		panel = p.none
	case storage.AuthInherit:
		p.refreshInherited()
		panel = p.inherit
		help = "Use the auth of the nearest folder or collection that sets one."
	default:
		m, ok := p.method(typ)
		if !ok {
			panel = widget.NewLabel(fmt.Sprintf("No auth method %q is known to this version of Knock. Its parameters are kept as they are.", typ))
			break
		}
		panel = p.form(m).content()
		help = m.Help
	}
	p.help.SetText(help)
	p.stack.Objects = []fyne.CanvasObject{panel}
	p.stack.Refresh()
}

// form returns the form of method m, built on first use.
func (p *authPane) form(m authlib.Method) *authForm {
	if f, ok := p.forms[m.Type]; ok {
		return f
	}
	if p.values[m.Type] == nil {
		p.values[m.Type] = map[string]string{}
	}
	f := newAuthForm(p, m, p.values[m.Type])
	p.forms[m.Type] = f
	return f
}

// writeModel puts the chosen method and its values into Request.Auth.
func (p *authPane) writeModel() {
	spec := storage.AuthSpec{Type: p.current}
	if p.current != storage.AuthNone && p.current != storage.AuthInherit {
		if v := p.values[p.current]; len(v) > 0 {
			spec.Params = maps.Clone(v)
		}
		if r := p.refs[p.current]; len(r) > 0 {
			spec.SecretRefs = maps.Clone(r)
		}
	}
	p.ed.req.Auth = spec
}

// paramEdited is called by a form when the user changes a value.
func (p *authPane) paramEdited() {
	if p.ed.loading() {
		return
	}
	p.writeModel()
	p.ed.edited()
}

// shortTitle names the method for the tab's title; empty for none.
func (p *authPane) shortTitle() string {
	switch p.current {
	case "", storage.AuthNone:
		return ""
	case storage.AuthInherit:
		return "Inherit"
	}
	if m, ok := p.method(p.current); ok {
		return m.Title
	}
	return p.current
}

// refreshInherited describes what "Inherit from parent" resolves to.
func (p *authPane) refreshInherited() {
	if p.current != storage.AuthInherit {
		return
	}
	if p.ed.opts.InheritedAuth == nil {
		p.inherit.SetText("The auth of the nearest folder or collection is used when the request is sent.")
		return
	}
	spec, from, ok := p.ed.opts.InheritedAuth()
	if !ok || spec.IsNone() {
		p.inherit.SetText("No folder or collection above this request sets auth: it is sent without credentials.")
		return
	}
	p.inherit.SetText(p.describeInherited(spec, from))
}

// describeInherited writes a parent's auth with its secrets masked.
func (p *authPane) describeInherited(spec storage.AuthSpec, from string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Inherited from %s: %s", from, p.titleOf(spec.Type))
	var names []string
	if m, ok := p.method(spec.Type); ok {
		for _, prm := range m.Params {
			if spec.Params[prm.Name] != "" {
				names = append(names, prm.Name)
			}
		}
	}
	for _, n := range slices.Sorted(maps.Keys(spec.Params)) {
		if !slices.Contains(names, n) && spec.Params[n] != "" {
			names = append(names, n)
		}
	}
	for _, n := range names {
		v := spec.Params[n]
		if authlib.IsSecretParam(spec.Type, n) {
			v = "••••••"
		}
		fmt.Fprintf(&b, "\n    %s: %s", paramLabel(n), preview(v))
	}
	return b.String()
}
