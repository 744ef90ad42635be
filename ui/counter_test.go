package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"tally/domain"
	"tally/printer"
	"tally/reports"
)

// TestRegisterKeysWhereverTheFocus: F9, F10, F11 work after Tab from a
// discount, in the e-mail field, on the customer list and on the cart;
// Ctrl+digit opens a page while the scan field has the focus.
func TestRegisterKeysWhereverTheFocus(t *testing.T) {
	f := newFixture(t)
	s := f.registerScreen(t)
	s.tapKey(t, "Espresso")
	for _, w := range []fyne.Focusable{s.discount, s.lineDisc, s.email, s.custSel, s.cartList, s.cashBtn, s.newBtn} {
		s.win.Canvas().Focus(w)
		s.pay.cashDialog = nil
		w.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF9})
		if s.pay.cashDialog == nil {
			t.Fatalf("F9 did nothing with the focus on %T", w)
		}
		s.pay.cashDialog.d.Hide()
	}
	// F2 opens the drawer from a field too.
	s.email.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF2})
	if s.drawer == nil {
		t.Fatal("F2 did nothing in the e-mail field")
	}
	s.drawer.d.Hide()
	// Ctrl+2 while the scan field has the focus: the second page.
	s.win.Canvas().Focus(s.scan)
	s.scan.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.Key2, Modifier: fyne.KeyModifierShortcutDefault})
	if f.shell.title.Text != "Payments" {
		t.Fatalf("Ctrl+2 in the scan field opened %q", f.shell.title.Text)
	}
	// Ctrl+Q quits, from the scan field too.
	quit := 0
	f.shell.OnQuit = func() { quit++ }
	f.shell.Show("Register")
	s.scan.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault})
	f.shell.onShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault})
	if quit != 2 {
		t.Fatalf("Ctrl+Q quit %d times of 2", quit)
	}
}

// TestCashDrawerDialog: a float, a cash out without a reason refused, one
// with a reason recorded, the X report showing both.
func TestCashDrawerDialog(t *testing.T) {
	f := newFixture(t)
	s := f.registerScreen(t)
	s.key(&fyne.KeyEvent{Name: fyne.KeyF2})
	dd := s.drawer
	test.Type(dd.amount, "100.00")
	dd.amount.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if !strings.Contains(dd.errL.Text, "100.00 EUR") {
		t.Fatalf("float: %q", dd.errL.Text)
	}
	dd.kind.SetSelected(T(cashKinds[2].label))
	test.Type(dd.amount, "3.50")
	dd.amount.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if !strings.Contains(dd.errL.Text, "Say why") {
		t.Fatalf("cash out without a reason: %q", dd.errL.Text)
	}
	test.Type(dd.reason, "milk")
	dd.reason.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if !strings.Contains(dd.errL.Text, "3.50 EUR") {
		t.Fatalf("cash out: %q", dd.errL.Text)
	}
	for _, want := range []string{"Opening float", "100.00 EUR", "Cash out", "-3.50 EUR", "Cash expected", "96.50 EUR", "not counted"} {
		if !strings.Contains(dd.report.Text, want) {
			t.Errorf("X report lacks %q:\n%s", want, dd.report.Text)
		}
	}
}

// TestPrinterAtTheCounter: Settings > Printer's test print reaches the
// printer; a cash sale prints its receipt and opens the drawer; with the
// printer off the sale is paid all the same and the cashier is told.
func TestPrinterAtTheCounter(t *testing.T) {
	f := newFixture(t)
	fake, err := printer.NewFake()
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	pf := f.settings.printer
	pf.kind.SetSelected(T(printerKinds[1].label))
	pf.address.SetText(fake.Addr())
	pf.paper.SetSelected("58 mm")
	pf.auto.SetChecked(true)
	pf.drawer.SetChecked(true)
	test.Tap(pf.testBtn)
	wantStatus(t, pf.status, "test page went to the printer")
	if !fake.Wait(5 * time.Second) {
		t.Fatal("no test page")
	}
	test.Tap(pf.saveBtn)
	wantStatus(t, pf.status, "Printer saved")
	s := f.registerScreen(t)
	s.tapKey(t, "Croissant")
	s.key(&fyne.KeyEvent{Name: fyne.KeyF9})
	test.Type(s.pay.cashEntry, "5")
	s.pay.cashEntry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if !fake.Wait(5 * time.Second) {
		t.Fatal("no receipt printed")
	}
	p, _, err := fake.Last()
	if err != nil || p.Kicks != 1 || p.Cuts != 1 || !strings.Contains(p.Text(), "Croissant") {
		t.Fatalf("receipt: %v %+v\n%s", err, p, p.Text())
	}
	wantStatus(t, s.status, "receipt is printing")
	fake.Close()
	test.Tap(s.newBtn)
	s.tapKey(t, "Espresso")
	s.key(&fyne.KeyEvent{Name: fyne.KeyF9})
	test.Type(s.pay.cashEntry, "5")
	s.pay.cashEntry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if s.sale == nil || s.sale.Status != domain.SalePaid {
		t.Fatalf("sale with the printer off: %+v", s.sale)
	}
	wantStatus(t, s.status, "is paid, but the receipt was not printed")
	wantStatus(t, s.status, "does not answer")
}

// TestRoughEdgesAtTheCounter: each rough edge a new cashier hit.
func TestRoughEdgesAtTheCounter(t *testing.T) {
	t.Run("TakeNowTooMuchLeavesTheCart", func(t *testing.T) {
		f := newFixture(t)
		s := f.registerScreen(t)
		s.tapKey(t, "Espresso") // 2.50
		s.amount.SetText("9.00")
		s.key(&fyne.KeyEvent{Name: fyne.KeyF10})
		wantStatus(t, s.status, "Take now: type an amount from 0.01 EUR to the 2.50 EUR due")
		if s.sale != nil || s.attempt != nil {
			t.Fatalf("a refused amount saved the sale: %+v", s.sale)
		}
		s.tapKey(t, "Espresso") // the cart can still be changed
		if len(s.cart.Lines) != 1 || s.cart.Lines[0].Quantity != 2 {
			t.Fatalf("cart %+v", s.cart.Lines)
		}
	})
	t.Run("CashBelowDueAsksOnce", func(t *testing.T) {
		f := newFixture(t)
		s := f.registerScreen(t)
		s.tapKey(t, "Sandwich") // 7.50
		s.key(&fyne.KeyEvent{Name: fyne.KeyF9})
		s.pay.cashEntry.SetText("5.00")
		s.pay.cashEntry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		if s.sale != nil || !strings.Contains(s.pay.cashDialog.err.Text, "5.00 EUR of 7.50 EUR: take it as part of the payment?") {
			t.Fatalf("no question: sale %+v, %q", s.sale, s.pay.cashDialog.err.Text)
		}
		s.pay.cashEntry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		if s.sale == nil || s.sale.Paid() != 500 || s.sale.Due() != 250 {
			t.Fatalf("part payment not taken: %+v", s.sale)
		}
	})
	t.Run("QuantityMessages", func(t *testing.T) {
		f := newFixture(t)
		s := f.registerScreen(t)
		for in, want := range map[string]string{"0*2000000000015": "at least 1", "-2*2000000000015": "at least 1",
			"99999999*2000000000015": "too many", "x*2000000000015": "is not a quantity", "99999999999999999999*2000000000015": "too many"} {
			s.scan.SetText(in)
			s.submitScan()
			wantStatus(t, s.status, want)
			if len(s.cart.Lines) != 0 {
				t.Fatalf("%q added %+v", in, s.cart.Lines)
			}
		}
	})
	t.Run("DeclineThenAnotherMethod", func(t *testing.T) {
		f := newFixture(t)
		s := f.registerScreen(t)
		s.tapKey(t, "Cappuccino")
		test.Tap(s.cardBtn)
		test.Tap(s.pay.cardBtns[1]) // declined
		if s.cashBtn.Disabled() || s.qrBtn.Disabled() {
			t.Fatal("after a decline the other methods are disabled")
		}
		pi := s.attempt.Attempt.PaymentIntent
		test.Tap(s.cashBtn)
		s.pay.cashEntry.SetText("5")
		s.pay.cashEntry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		if s.sale == nil || s.sale.Status != domain.SalePaid {
			t.Fatalf("cash after a decline: %+v", s.sale)
		}
		// The declined PaymentIntent was given up at Stripe first.
		got, err := f.sim.PaymentIntent(context.Background(), pi)
		if err != nil || got.Status != "canceled" {
			t.Fatalf("declined PaymentIntent %s: %+v %v", pi, got.Status, err)
		}
	})
	t.Run("DisplayClearsOnCancel", func(t *testing.T) {
		f := newFixture(t)
		s := f.registerScreen(t)
		s.tapKey(t, "Sandwich")
		s.openDisplay()
		test.Tap(s.cardBtn)
		s.key(&fyne.KeyEvent{Name: fyne.KeyEscape})
		test.Tap(s.voidBtn)
		if s.sale == nil || s.sale.Status != domain.SaleCanceled {
			t.Fatalf("sale %+v", s.sale)
		}
		if s.display.total.Text != "" || len(s.display.lines.Objects) != 0 || s.display.info.Text != "Welcome" {
			t.Fatalf("display kept the cancelled sale: %q %d %q", s.display.total.Text, len(s.display.lines.Objects), s.display.info.Text)
		}
	})
	t.Run("AmountTooLarge", func(t *testing.T) {
		f := newFixture(t)
		s := f.registerScreen(t)
		s.askAmount()
		// The F4 dialog is the last form dialog shown.
		d := lastFormDialog
		d.items[0].Widget.(*widget.Entry).SetText("1000000")
		d.ok.OnTapped()
		if !strings.Contains(d.err.Text, "too large") || len(s.cart.Lines) != 0 {
			t.Fatalf("%q, cart %+v", d.err.Text, s.cart.Lines)
		}
	})
}

// TestIdleScanLetsGo: an idle, empty scan field lets the focus go (its
// blinking cursor would redraw the window all day); a scanner's next code
// still reaches it, and F-keys still work.
func TestIdleScanLetsGo(t *testing.T) {
	f := newFixture(t)
	s := f.registerScreen(t)
	s.focusScan()
	s.releaseScan()
	if s.scanFocused() {
		t.Fatal("the idle scan field kept the focus")
	}
	// A scanner types on: the field takes the focus and the code.
	for _, r := range "2000000000015" {
		s.win.Canvas().OnTypedRune()(r)
	}
	if !s.scanFocused() || s.scan.Text != "2000000000015" {
		t.Fatalf("after the scan: focused %v, %q", s.scanFocused(), s.scan.Text)
	}
	s.scan.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if len(s.cart.Lines) != 1 {
		t.Fatalf("cart %+v", s.cart.Lines)
	}
	// With text in it, the field keeps the focus.
	s.scan.SetText("esp")
	s.releaseScan()
	if !s.scanFocused() {
		t.Fatal("a field being typed in lost the focus")
	}
	// Unfocused, F9 still opens the cash question.
	s.scan.SetText("")
	s.releaseScan()
	s.pay.cashDialog = nil
	s.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyF9})
	if s.pay.cashDialog == nil {
		t.Fatal("F9 did nothing with no field focused")
	}
}

// TestSettingsDSFinVKExport: Settings > TSE exports a period's DSFinV-K:
// wrong days and a period without a close are said before any file is
// made; a closed day is written and a save dialog asks where.
func TestSettingsDSFinVKExport(t *testing.T) {
	f := newFixture(t)
	f.svc.Register.DSFinVKWriter = reports.WriteDSFinVK
	x := f.settings.tse
	x.dsFrom.SetText("2026-13-01")
	test.Tap(x.dsBtn)
	wantStatus(t, x.dsStatus, "YYYY-MM-DD")
	x.dsFrom.SetText("2000-01-01")
	x.dsTo.SetText("2000-12-31")
	test.Tap(x.dsBtn)
	wantStatus(t, x.dsStatus, "No day close")
	// A day with a cash sale, closed.
	s := f.registerScreen(t)
	s.tapKey(t, "Espresso")
	s.scan.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF9})
	s.pay.cashEntry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	wantStatus(t, s.status, "is paid")
	if _, err := f.svc.Register.CloseDay(context.Background(), domain.Grant{}, 250); err != nil {
		t.Fatal(err)
	}
	today := time.Now().Format("2006-01-02")
	x.dsFrom.SetText(today)
	x.dsTo.SetText(today)
	test.Tap(x.dsBtn)
	wantStatus(t, x.dsStatus, "1 day closes ready")
	if f.shell.win.Canvas().Overlays().Top() == nil {
		t.Error("no save dialog")
	}
}
