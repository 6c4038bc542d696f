package editor

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// previewRunes bounds a variable's value shown under the URL.
const previewRunes = 40

// statusLine is the line under the URL: each {{variable}} the URL uses,
// resolved (with a preview of its value, masked for a secret) or not (in
// the error colour), and a warning while TLS verification is off.
//
// Fyne's Entry cannot colour part of its text, so the references are
// listed here rather than highlighted inside the entry.
type statusLine struct {
	ed   *Editor
	text *widget.RichText
	// note is a one-off message (a curl command that did not parse); it
	// stays until the URL changes.
	note string
}

func newStatusLine(ed *Editor) *statusLine {
	s := &statusLine{ed: ed, text: widget.NewRichText()}
	// One line that never changes the layout: long content is cut with
	// an ellipsis rather than wrapped.
	s.text.Truncation = fyne.TextTruncateEllipsis
	return s
}

// update rebuilds the line from the model.
func (s *statusLine) update() {
	var segs []widget.RichTextSegment
	add := func(text string, color fyne.ThemeColorName, bold bool) {
		segs = append(segs, &widget.TextSegment{Text: text, Style: widget.RichTextStyle{
			Inline: true, ColorName: color, TextStyle: fyne.TextStyle{Bold: bold},
		}})
	}
	const plain, bad, warn = theme.ColorNameForeground, theme.ColorNameError, theme.ColorNameWarning
	if s.note != "" {
		add(s.note+"    ", bad, false)
	}
	for i, name := range s.ed.usedVariables() {
		if i > 0 {
			add("    ", plain, false)
		}
		value, ok := s.ed.lookup(name)
		switch {
		case ok:
			add("{{"+name+"}}", plain, true)
			add(" = "+value, plain, false)
		default:
			add("{{"+name+"}}", bad, true)
			add(" unresolved", bad, false)
		}
	}
	if s.ed.req.Settings.Insecure {
		if len(segs) > 0 {
			add("    ", plain, false)
		}
		add("TLS verification is off for this request", warn, true)
	}
	if len(segs) == 0 {
		segs = append(segs, &widget.TextSegment{Text: "Type {{ in the URL, a param, a header or the body to use a variable.",
			Style: widget.RichTextStyle{Inline: true, ColorName: theme.ColorNamePlaceHolder}})
	}
	s.text.Segments = segs
	s.text.Refresh()
}

// usedVariables lists the variables of the URL and its enabled params.
func (e *Editor) usedVariables() []string {
	texts := []string{e.req.URL}
	for _, p := range e.req.Params {
		if p.Enabled {
			texts = append(texts, p.Key, p.Value)
		}
	}
	return varRefs(texts...)
}

// lookup resolves a variable for display: a preview of its value, masked
// when it is a secret.
func (e *Editor) lookup(name string) (string, bool) {
	if e.opts.Lookup != nil {
		if v, ok := e.opts.Lookup(name); ok {
			if e.opts.IsSecret != nil && e.opts.IsSecret(name) {
				return "••••••", true
			}
			return preview(v), true
		}
	}
	for _, d := range dynamicVariables {
		if name == d {
			return "(dynamic)", true
		}
	}
	return "", false
}

// preview shortens a value to one line of previewRunes characters.
func preview(v string) string {
	if i := strings.IndexAny(v, "\r\n"); i >= 0 {
		v = v[:i] + "…"
	}
	r := []rune(v)
	if len(r) > previewRunes {
		return string(r[:previewRunes]) + "…"
	}
	if v == "" {
		return `""`
	}
	return v
}
