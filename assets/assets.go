// Package assets holds Tally's bundled resources.
package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:embed icon.png
var iconPNG []byte

// Icon is Tally's application icon.
var Icon = fyne.NewStaticResource("icon.png", iconPNG)
