// Package assets holds Knock's embedded resources.
package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:embed icon.png
var iconPNG []byte

// Icon is Knock's application icon, 512×512.
var Icon = fyne.NewStaticResource("icon.png", iconPNG)
