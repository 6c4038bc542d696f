package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/knockhttp/knock/app/workspace"
)

// knockTheme applies the user's theme choice (system, light or dark) and
// font size on top of Fyne's default theme.
type knockTheme struct {
	variant  string // "system", "light", "dark"
	fontSize float32
}

var _ fyne.Theme = (*knockTheme)(nil)

func (t *knockTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	switch t.variant {
	case "light":
		v = theme.VariantLight
	case "dark":
		v = theme.VariantDark
	}
	return theme.DefaultTheme().Color(n, v)
}

func (t *knockTheme) Font(s fyne.TextStyle) fyne.Resource { return theme.DefaultTheme().Font(s) }

func (t *knockTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

func (t *knockTheme) Size(n fyne.ThemeSizeName) float32 {
	if n == theme.SizeNameText && t.fontSize > 0 {
		return t.fontSize
	}
	return theme.DefaultTheme().Size(n)
}

// applyTheme reads the theme settings and applies them, unless they are
// the theme in use already: setting a theme drops every loaded font face.
func applyTheme(a fyne.App, ws *workspace.Workspace) {
	s, err := ws.DB.Settings()
	if err != nil {
		return
	}
	if cur, ok := a.Settings().Theme().(*knockTheme); ok && *cur == (knockTheme{variant: s.Theme, fontSize: s.FontSize}) {
		return
	}
	setTheme(a, s.Theme, s.FontSize)
}

func setTheme(a fyne.App, variant string, fontSize float32) {
	a.Settings().SetTheme(&knockTheme{variant: variant, fontSize: fontSize})
}

// Prepare applies the user's theme and starts loading the bold font face
// on a goroutine. Call it after the app is made and before its window is.
//
// Fyne loads a face, with its system fallback font, the first time text of
// that style is measured: about 20 ms a face here, on the main thread,
// before the first frame, once for the regular face and once for the bold
// one (buttons and tab titles). Creating the window (the X connection, the
// OpenGL context) keeps the main thread busy meanwhile, and a second core
// loads the bold face. The regular face stays on the main thread: Fyne
// loads faces under one lock, and the window measures regular text first,
// so warming both only moved the wait (measured: 1.39 against 1.26 times
// the bare window's start for the bold face alone).
func Prepare(a fyne.App, ws *workspace.Workspace) {
	if ws != nil {
		applyTheme(a, ws)
	}
	size := a.Settings().Theme().Size(theme.SizeNameText)
	go fyne.MeasureText("Knock", size, fyne.TextStyle{Bold: true})
}
