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

// applyTheme reads the theme settings and applies them.
func applyTheme(a fyne.App, ws *workspace.Workspace) {
	s, err := ws.DB.Settings()
	if err != nil {
		return
	}
	setTheme(a, s.Theme, s.FontSize)
}

func setTheme(a fyne.App, variant string, fontSize float32) {
	a.Settings().SetTheme(&knockTheme{variant: variant, fontSize: fontSize})
}
