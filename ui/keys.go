package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// Fyne hands a key to the focused widget alone, and a Ctrl+key shortcut
// to the focused widget alone when it takes shortcuts (an entry does):
// the window's own keys (the register's F-keys, Ctrl+1…9 for the pages)
// would do nothing whenever a field has the focus, which at a till is
// nearly always. The register's widgets are these: each offers a key to
// the screen first, and passes a Ctrl+key shortcut it does not know to
// the shell.

// isPageShortcut reports whether sc is the shell's: Ctrl (Cmd) and a
// digit (a page), or Ctrl+Q (quit).
func isPageShortcut(sc fyne.Shortcut) bool {
	cs, ok := sc.(*desktop.CustomShortcut)
	return ok && cs.Modifier == fyne.KeyModifierShortcutDefault && len(cs.KeyName) == 1 &&
		(cs.KeyName[0] >= '1' && cs.KeyName[0] <= '9' || cs.KeyName == fyne.KeyQ)
}

// quitKey is the shell's Ctrl+Q (Cmd+Q), set when the shell is built:
// the fields of forms outside the register pass it on.
var quitKey func()

// newFormEntry is an entry of a form (the set-up, the shop's details) that
// passes Ctrl+Q on: a focused entry takes every shortcut, and without it
// the program could not be quit by keyboard while a form is filled in.
func newFormEntry() *keyEntry {
	e := newKeyEntry(nil)
	e.shortcut = func(sc fyne.Shortcut) bool {
		cs, ok := sc.(*desktop.CustomShortcut)
		if !ok || cs.KeyName != fyne.KeyQ || cs.Modifier != fyne.KeyModifierShortcutDefault || quitKey == nil {
			return false
		}
		quitKey()
		return true
	}
	return e
}

// TypedShortcut implements fyne.Shortcutable: Ctrl+1…9 reach the shell.
func (e *keyEntry) TypedShortcut(sc fyne.Shortcut) {
	if e.shortcut != nil && e.shortcut(sc) {
		return
	}
	e.Entry.TypedShortcut(sc)
}

// keySelect is a Select that offers keys to its screen first.
type keySelect struct {
	widget.Select
	onKey func(*fyne.KeyEvent) bool
}

func newKeySelect(onKey func(*fyne.KeyEvent) bool, changed func(string)) *keySelect {
	s := &keySelect{onKey: onKey}
	s.OnChanged = changed
	s.ExtendBaseWidget(s)
	return s
}

// TypedKey implements fyne.Focusable.
func (s *keySelect) TypedKey(ev *fyne.KeyEvent) {
	if s.onKey != nil && s.onKey(ev) {
		return
	}
	s.Select.TypedKey(ev)
}

// keyList is a List that offers keys to its screen first.
type keyList struct {
	widget.List
	onKey func(*fyne.KeyEvent) bool
}

func newKeyList(onKey func(*fyne.KeyEvent) bool, length func() int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject)) *keyList {
	l := &keyList{onKey: onKey}
	l.Length, l.CreateItem, l.UpdateItem = length, create, update
	l.ExtendBaseWidget(l)
	return l
}

// TypedKey implements fyne.Focusable.
func (l *keyList) TypedKey(ev *fyne.KeyEvent) {
	if l.onKey != nil && l.onKey(ev) {
		return
	}
	l.List.TypedKey(ev)
}

// keyButton is a Button that offers keys to its screen first.
type keyButton struct {
	widget.Button
	onKey func(*fyne.KeyEvent) bool
}

func newKeyButton(onKey func(*fyne.KeyEvent) bool, label string, icon fyne.Resource, tapped func()) *keyButton {
	b := &keyButton{onKey: onKey}
	b.Text, b.Icon, b.OnTapped = label, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey implements fyne.Focusable.
func (b *keyButton) TypedKey(ev *fyne.KeyEvent) {
	if b.onKey != nil && b.onKey(ev) {
		return
	}
	b.Button.TypedKey(ev)
}
