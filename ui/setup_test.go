package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"tally/domain"
)

// setupOn opens the first-run set-up on the fixture's services.
func setupOn(t *testing.T, f *fixture) (w *setupWizard, done *bool) {
	t.Helper()
	done = new(bool)
	win := test.NewTempWindow(t, widget.NewLabel(""))
	w = newSetupWizard(win, f.svc, func(fn func()) { fn() }, func() { *done = true })
	win.SetContent(w.buildUI())
	return w, done
}

func fillShop(w *setupWizard, name, country string) {
	w.shop.name.SetText("")
	test.Type(w.shop.name, name)
	w.shop.country.SetSelected(country)
}

// The whole set-up in the demo: shop, demo, the demo's reader and QR
// payments; it never shows again, and the register takes what it asked.
func TestSetupDemo(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if !f.svc.Settings.NeedsSetup(ctx) {
		t.Fatal("a new shop should see the set-up")
	}
	w, done := setupOn(t, f)
	if !strings.Contains(w.title.Text, "Step 1 of 3") || !w.back.Disabled() {
		t.Fatalf("first step: %q, back disabled %v", w.title.Text, w.back.Disabled())
	}
	// Nothing typed: the name is asked for, and the step stays.
	test.Tap(w.next)
	if !strings.Contains(w.shop.errs["shop_name"].Text, "Give the shop's name") || w.step != stepShop {
		t.Fatalf("empty name: %q, step %d", w.shop.errs["shop_name"].Text, w.step)
	}
	fillShop(w, "Corner Deli", "Germany (DE)")
	if w.shop.currency.Selected != "EUR" || w.shop.zone.Text == "" {
		t.Fatalf("Germany brings EUR and a zone: %q %q", w.shop.currency.Selected, w.shop.zone.Text)
	}
	w.shop.zone.SetText("Europe/Berlin")
	test.Tap(w.next)
	if w.step != stepStripe || !strings.Contains(w.title.Text, "Step 2 of 3: Demo or Stripe") {
		t.Fatalf("after the shop: step %d %q (%s)", w.step, w.title.Text, w.status.msg.Text)
	}
	if w.choice.Selected != "Try the demo" || w.connectBox.Visible() {
		t.Fatalf("the demo is the default: %q, connect shown %v", w.choice.Selected, w.connectBox.Visible())
	}
	// Back keeps what was typed.
	test.Tap(w.back)
	if w.shop.name.Text != "Corner Deli" || w.shop.country.Selected != "Germany (DE)" {
		t.Fatalf("back: %q %q", w.shop.name.Text, w.shop.country.Selected)
	}
	test.Tap(w.next)
	test.Tap(w.next)
	if w.step != stepMethods || w.next.Text != "Finish" {
		t.Fatalf("third step: %d %q (%s)", w.step, w.next.Text, w.status.msg.Text)
	}
	if len(w.reader.Options) != 1 || !strings.Contains(w.reader.Selected, "Front counter") || !w.card.Checked {
		t.Fatalf("the demo's reader: %v %q checked %v; %s", w.reader.Options, w.reader.Selected, w.card.Checked, w.methodsNote.Text)
	}
	test.Tap(w.next)
	if !*done {
		t.Fatalf("Finish did not end the set-up: %s", w.status.msg.Text)
	}
	if f.svc.Settings.NeedsSetup(ctx) {
		t.Fatal("the set-up would show again")
	}
	v, err := f.svc.Methods.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, m := range v.Methods {
		kinds = append(kinds, m.Name+":"+string(m.Kind))
	}
	if got := strings.Join(kinds, " "); !strings.Contains(got, "Card reader:card_reader") || !strings.Contains(got, "QR code:qr_link") || !strings.Contains(got, "Cash:cash") {
		t.Fatalf("methods after the set-up: %s", got)
	}
	rs, err := f.svc.Register.RegisterSettings(ctx)
	if err != nil || rs.ShopName != "Corner Deli" || rs.Currency.Code() != "EUR" {
		t.Fatalf("the register: %+v %v", rs, err)
	}
}

// Skip ends the set-up at any step and keeps what it saved.
func TestSetupSkip(t *testing.T) {
	f := newFixture(t)
	w, done := setupOn(t, f)
	fillShop(w, "Kiosk am Markt", "Austria (AT)")
	w.shop.zone.SetText("Europe/Vienna")
	test.Tap(w.next)
	test.Tap(w.skip)
	if !*done || f.svc.Settings.NeedsSetup(context.Background()) {
		t.Fatalf("skip: done %v", *done)
	}
	sh, _ := f.svc.Settings.Shop(context.Background())
	if sh.Name != "Kiosk am Markt" || sh.Currency.Code() != "EUR" || sh.TimeZone != "Europe/Vienna" {
		t.Fatalf("kept: %+v", sh)
	}
	// Settings shows the same details, to change later.
	f.shell.Show("Settings")
	f.settings.load()
	if f.settings.shop.name.Text != "Kiosk am Markt" || f.settings.shop.country.Selected != "Austria (AT)" {
		t.Fatalf("settings: %q %q", f.settings.shop.name.Text, f.settings.shop.country.Selected)
	}
	f.settings.shop.currency.SetSelected("CHF")
	f.settings.shop.zone.SetText("Mars/Base")
	test.Tap(f.settings.shopBtn)
	if !strings.Contains(f.settings.shop.errs["time_zone"].Text, "not a time zone") {
		t.Fatalf("a wrong zone: %q / %q", f.settings.shop.errs["time_zone"].Text, f.settings.shopStatus.msg.Text)
	}
	f.settings.shop.zone.SetText("Europe/Zurich")
	test.Tap(f.settings.shopBtn)
	if sh, _ := f.svc.Settings.Shop(context.Background()); sh.Currency.Code() != "CHF" || sh.TimeZone != "Europe/Zurich" {
		t.Fatalf("changed in settings: %+v (%s)", sh, f.settings.shopStatus.msg.Text)
	}
}

// Connecting Stripe: a malformed key is named on its field and nothing is
// stored; a key Stripe accepts (stripe-mock) is saved and the mode is on.
func TestSetupConnectStripe(t *testing.T) {
	f := newFixture(t)
	f.svc.Settings.DefaultAPIBase = mockURL(t)
	w, _ := setupOn(t, f)
	fillShop(w, "Corner Deli", "Ireland (IE)")
	test.Tap(w.next)
	w.choice.SetSelected("Connect Stripe")
	if !w.connectBox.Visible() {
		t.Fatal("the key fields are hidden")
	}
	test.Type(w.secret, "pk_test_123456789abcdef")
	test.Tap(w.next)
	if w.step != stepStripe || !strings.Contains(w.stripeErrs["secret"].Text, "publishable key") {
		t.Fatalf("a publishable key as the secret: step %d, %q", w.step, w.stripeErrs["secret"].Text)
	}
	if _, err := f.keychain.Get(domain.SecretKeyName); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Fatalf("a refused key was stored: %v", err)
	}
	w.secret.SetText("sk_test_51TallyExampleKey000000")
	test.Tap(w.next)
	if w.step != stepMethods || !strings.Contains(w.account.Text, "Connected to") {
		t.Fatalf("a good key: step %d, %q, %q", w.step, w.account.Text, w.status.msg.Text)
	}
	if f.svc.Connection.Mode() != domain.ModeTest {
		t.Fatalf("mode %s, want test", f.svc.Connection.Mode())
	}
}

// A crash in the middle: the shop's step was saved, the set-up shows
// again at the next start with what was typed.
func TestSetupResumesAfterCrash(t *testing.T) {
	f := newFixture(t)
	w, _ := setupOn(t, f)
	fillShop(w, "Corner Deli", "France (FR)")
	test.Tap(w.next)
	if !f.svc.Settings.NeedsSetup(context.Background()) {
		t.Fatal("an unfinished set-up must show again")
	}
	again, _ := setupOn(t, f)
	if again.shop.name.Text != "Corner Deli" || again.shop.country.Selected != "France (FR)" || again.shop.currency.Selected != "EUR" {
		t.Fatalf("resumed with %q %q %q", again.shop.name.Text, again.shop.country.Selected, again.shop.currency.Selected)
	}
}

// Tab goes through the shop's form in reading order.
func TestSetupTabOrder(t *testing.T) {
	f := newFixture(t)
	w, _ := setupOn(t, f)
	c := w.win.Canvas()
	c.Focus(w.shop.name)
	want := []fyne.Focusable{w.shop.country, w.shop.currency, w.shop.zone}
	for i, next := range want {
		c.FocusNext()
		if c.Focused() != next {
			t.Fatalf("tab %d: focus on %T, want %T", i+1, c.Focused(), next)
		}
	}
}

// TestSetupQuitsByKeyboard: Ctrl+Q quits while a field of the set-up has
// the focus (a focused entry takes every shortcut), and Ctrl+C still
// reaches the field.
func TestSetupQuitsByKeyboard(t *testing.T) {
	f := newFixture(t)
	quit := 0
	f.shell.OnQuit = func() { quit++ }
	w, _ := setupOn(t, f)
	test.Type(w.shop.name, "Corner Deli")
	for _, e := range []*keyEntry{w.shop.name, w.shop.street, w.shop.vat, w.publishable} {
		e.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault})
	}
	if quit != 4 {
		t.Fatalf("Ctrl+Q in the set-up's fields quit %d times of 4", quit)
	}
	w.shop.name.TypedShortcut(&fyne.ShortcutSelectAll{})
	if w.shop.name.SelectedText() != "Corner Deli" {
		t.Errorf("Ctrl+A no longer selects: %q", w.shop.name.SelectedText())
	}
}
