package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestStartPage: the app opens on the page shown when it last closed, and
// never on a page that is not built yet.
func TestStartPage(t *testing.T) {
	f := newFixture(t) // shows Settings
	opened := func() string {
		w := test.NewTempWindow(t, widget.NewLabel(""))
		s := newShell(f.shell.app, w, f.shell.svc, f.shell.run)
		w.SetContent(s.buildUI())
		return s.title.Text
	}
	if got := opened(); got != "Settings" {
		t.Errorf("after Settings, the app opens on %q", got)
	}
	f.shell.app.Preferences().SetString(lastPageKey, "Invoices")
	if got := opened(); got != "Register" {
		t.Errorf("with a page that does not exist last, the app opens on %q, want the first page", got)
	}
	f.shell.app.Preferences().RemoveValue(lastPageKey)
	if got := opened(); got != "Register" {
		t.Errorf("a first start opens on %q", got)
	}
}
