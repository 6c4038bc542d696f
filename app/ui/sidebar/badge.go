package sidebar

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Method colours, mid-tones that read on the light and the dark theme.
var (
	colorGET     = color.NRGBA{R: 0x2e, G: 0x9e, B: 0x4f, A: 0xff}
	colorPOST    = color.NRGBA{R: 0xd9, G: 0x8a, B: 0x04, A: 0xff}
	colorPUT     = color.NRGBA{R: 0x2f, G: 0x6f, B: 0xdb, A: 0xff}
	colorPATCH   = color.NRGBA{R: 0x8e, G: 0x44, B: 0xad, A: 0xff}
	colorDELETE  = color.NRGBA{R: 0xd6, G: 0x45, B: 0x41, A: 0xff}
	colorOtherMd = color.NRGBA{R: 0x88, G: 0x88, B: 0x88, A: 0xff}
)

// methodColor is the badge colour of an HTTP method.
func methodColor(method string) color.Color {
	switch strings.ToUpper(method) {
	case "GET":
		return colorGET
	case "POST":
		return colorPOST
	case "PUT":
		return colorPUT
	case "PATCH":
		return colorPATCH
	case "DELETE":
		return colorDELETE
	}
	return colorOtherMd
}

// methodLabel is what the badge shows: the method, with the two long
// standard ones shortened and custom ones cut, so every badge fits the
// same width.
func methodLabel(method string) string {
	m := strings.ToUpper(strings.TrimSpace(method))
	switch m {
	case "":
		return "GET"
	case "DELETE":
		return "DEL"
	case "OPTIONS":
		return "OPT"
	}
	if r := []rune(m); len(r) > 5 {
		return string(r[:4]) + "…"
	}
	return m
}

// badgeWidth is the fixed width of every badge: the widest label, "PATCH".
func badgeWidth() float32 {
	size := theme.CaptionTextSize()
	return fyne.MeasureText("PATCH", size, fyne.TextStyle{Bold: true}).Width + theme.Padding()
}

// methodBadge is the method of a request as small coloured bold text of a
// fixed width, so the names after it line up.
type methodBadge struct {
	widget.BaseWidget
	text *canvas.Text
}

func newMethodBadge() *methodBadge {
	b := &methodBadge{text: &canvas.Text{TextStyle: fyne.TextStyle{Bold: true}, TextSize: theme.CaptionTextSize()}}
	b.ExtendBaseWidget(b)
	return b
}

// setMethod shows method.
func (b *methodBadge) setMethod(method string) {
	label, c := methodLabel(method), methodColor(method)
	if b.text.Text == label && b.text.Color == c {
		return
	}
	b.text.Text, b.text.Color = label, c
	b.text.Refresh()
}

func (b *methodBadge) CreateRenderer() fyne.WidgetRenderer {
	return &badgeRenderer{b: b}
}

type badgeRenderer struct{ b *methodBadge }

func (r *badgeRenderer) Layout(size fyne.Size) {
	ts := r.b.text.MinSize()
	r.b.text.Move(fyne.NewPos(0, (size.Height-ts.Height)/2))
	r.b.text.Resize(ts)
}

func (r *badgeRenderer) MinSize() fyne.Size {
	return fyne.NewSize(badgeWidth(), r.b.text.MinSize().Height)
}

func (r *badgeRenderer) Refresh() {
	r.b.text.TextSize = theme.CaptionTextSize()
	r.Layout(r.b.Size())
	r.b.text.Refresh()
}

func (r *badgeRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.b.text} }
func (r *badgeRenderer) Destroy()                     {}
