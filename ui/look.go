package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// themeKey is the preference that keeps the look: "system", "light" or "dark".
const themeKey = "ui.theme"

// Looks, as the settings offer them.
var looks = []string{T("Follow the system"), T("Light"), T("Dark")}

var lookValues = map[string]string{T("Follow the system"): "system", T("Light"): "light", T("Dark"): "dark"}

// fixedVariant is Fyne's theme in one variant, whatever the system's.
type fixedVariant struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (f fixedVariant) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return f.Theme.Color(n, f.variant)
}

// applyLook sets the app's theme from the stored preference.
func applyLook(app fyne.App) {
	switch app.Preferences().StringWithFallback(themeKey, "system") {
	case "light":
		app.Settings().SetTheme(fixedVariant{theme.DefaultTheme(), theme.VariantLight})
	case "dark":
		app.Settings().SetTheme(fixedVariant{theme.DefaultTheme(), theme.VariantDark})
	default:
		app.Settings().SetTheme(theme.DefaultTheme())
	}
}

// setLook stores a look chosen in Settings and applies it at once.
func setLook(app fyne.App, label string) {
	v, ok := lookValues[label]
	if !ok {
		v = "system"
	}
	app.Preferences().SetString(themeKey, v)
	applyLook(app)
}

// lookLabel is the label of the stored look.
func lookLabel(app fyne.App) string {
	v := app.Preferences().StringWithFallback(themeKey, "system")
	for label, val := range lookValues {
		if val == v {
			return label
		}
	}
	return looks[0]
}
