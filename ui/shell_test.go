package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

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
	f.shell.app.Preferences().SetString(lastPageKey, "Timesheets")
	if got := opened(); got != "Register" {
		t.Errorf("with a page that does not exist last, the app opens on %q, want the first page", got)
	}
	f.shell.app.Preferences().RemoveValue(lastPageKey)
	if got := opened(); got != "Register" {
		t.Errorf("a first start opens on %q", got)
	}
}

// TestKeyboard: Ctrl and a digit open the pages, F1 lists the keys.
func TestKeyboard(t *testing.T) {
	f := newFixture(t)
	// The test canvas delivers no shortcuts: the handler the window's
	// shortcuts call is called as they would be.
	f.shell.onShortcut(&desktop.CustomShortcut{KeyName: fyne.Key2, Modifier: fyne.KeyModifierShortcutDefault})
	if f.shell.title.Text != "Payments" {
		t.Fatalf("Ctrl+2 opened %q", f.shell.title.Text)
	}
	keysDialog = nil
	f.shell.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyF1})
	if keysDialog == nil || !strings.Contains(f.shell.keysHelp(), "Ctrl+2  Payments") || !strings.Contains(f.shell.keysHelp(), "F9 / F10 / F11") {
		t.Fatal("F1 shows no keyboard help")
	}
	f.shell.Show("Register")
	keysDialog = nil
	f.shell.register.key(&fyne.KeyEvent{Name: fyne.KeyF1})
	if keysDialog == nil {
		t.Fatal("F1 on the register shows no help")
	}
}
