package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"tally/domain"
)

// registerScreen opens the Register page on demo books seeded as the app
// seeds them.
func (f *fixture) registerScreen(t testing.TB) *registerScreen {
	t.Helper()
	svc := f.shell.svc
	if err := domain.SeedDemo(context.Background(), svc.Register, svc.Readers, svc.Methods); err != nil {
		t.Fatal(err)
	}
	if !f.shell.Show("Register") {
		t.Fatal("no Register page")
	}
	return f.shell.register
}

func (s *registerScreen) tapKey(t *testing.T, name string) {
	t.Helper()
	for _, o := range s.keys.Objects {
		if b, ok := o.(*widget.Button); ok && strings.HasPrefix(b.Text, name+"\n") {
			test.Tap(b)
			return
		}
	}
	t.Fatalf("no quick key %q", name)
}

func TestRegisterScreen(t *testing.T) {
	t.Run("ScanAndPayCash", func(t *testing.T) {
		f := newFixture(t)
		s := f.registerScreen(t)
		if len(s.keys.Objects) != 8 {
			t.Fatalf("%d quick keys", len(s.keys.Objects))
		}
		// A scanner types the code and Enter; "2*" takes two.
		test.Type(s.scan, "2*2000000000015")
		s.scan.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		s.tapKey(t, "Croissant")
		if len(s.cart.Lines) != 2 || s.cart.Lines[0].Quantity != 2 || s.scan.Text != "" {
			t.Fatalf("cart %+v, scan %q", s.cart.Lines, s.scan.Text)
		}
		if !strings.Contains(s.total.String(), "Total 7.95 EUR") {
			t.Fatalf("total %q", s.total.String())
		}
		// F9 opens the cash question; 10.00 handed over.
		s.scan.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF9})
		s.pay.cashEntry.SetText("")
		test.Type(s.pay.cashEntry, "10.00")
		s.pay.cashEntry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		wantStatus(t, s.status, "Change: 2.05 EUR")
		if s.sale == nil || s.sale.Status != domain.SalePaid || !strings.Contains(s.due.Text, "paid") {
			t.Fatalf("sale %+v", s.sale)
		}
		if !s.cardBtn.Disabled() || !s.cashBtn.Disabled() {
			t.Fatal("pay buttons enabled on a paid sale")
		}
		test.Tap(s.newBtn)
		if s.sale != nil || len(s.cart.Lines) != 0 {
			t.Fatal("new sale kept the old one")
		}
	})
	t.Run("CardDeclineThenSuccess", func(t *testing.T) {
		f := newFixture(t)
		s := f.registerScreen(t)
		s.tapKey(t, "Cappuccino")
		test.Tap(s.cardBtn)
		if s.attempt == nil || s.attempt.Attempt.Stage != domain.StageOnReader {
			t.Fatalf("attempt %+v", s.attempt)
		}
		if !s.cardBtn.Disabled() {
			t.Fatal("Charge can be tapped twice")
		}
		test.Tap(s.pay.cardBtns[1]) // declined
		if !strings.Contains(s.pay.msg.Text, "Declined") || !strings.Contains(s.pay.title.Text, "declined") {
			t.Fatalf("pay panel %q / %q", s.pay.title.Text, s.pay.msg.Text)
		}
		test.Tap(s.pay.retryBtn)
		test.Tap(s.pay.cardBtns[0])
		wantStatus(t, s.status, "Sale #1 is paid")
		if !strings.Contains(s.pay.msg.Text, "•••• 4242") {
			t.Fatalf("pay panel %q", s.pay.msg.Text)
		}
		test.Tap(s.pay.receiptBtn)
		for _, want := range []string{"Cappuccino", "Total EUR", "3.80", "Visa •••• 4242", "A 13.5 %"} {
			if !strings.Contains(s.pay.receiptText, want) {
				t.Errorf("receipt lacks %q:\n%s", want, s.pay.receiptText)
			}
		}
	})
	t.Run("QROnCustomerDisplay", func(t *testing.T) {
		f := newFixture(t)
		s := f.registerScreen(t)
		s.tapKey(t, "Sandwich")
		s.openDisplay()
		test.Tap(s.qrBtn)
		if s.attempt == nil || s.attempt.Attempt.SessionURL == "" {
			t.Fatalf("attempt %+v", s.attempt)
		}
		want := s.attempt.Attempt.SessionURL
		s.display.win.Resize(fyne.NewSize(1000, 760))
		img := s.display.win.Canvas().Capture()
		bmp, err := gozxing.NewBinaryBitmapFromImage(img)
		if err != nil {
			t.Fatal(err)
		}
		got, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
		if err != nil {
			t.Fatalf("no QR code on the customer display: %v", err)
		}
		if got.GetText() != want {
			t.Fatalf("QR code says %q, want %q", got.GetText(), want)
		}
		if !strings.Contains(s.display.info.Text, "Scan to pay 7.50 EUR") {
			t.Fatalf("display %q", s.display.info.Text)
		}
		test.Tap(s.pay.custPayBtn)
		if s.sale.Status != domain.SalePaid || s.display.total.Text != "Paid — thank you" || s.display.qr.Visible() {
			t.Fatalf("sale %s, display %q", s.sale.Status, s.display.total.Text)
		}
	})
	t.Run("CancelPaymentThenCancelSale", func(t *testing.T) {
		f := newFixture(t)
		s := f.registerScreen(t)
		s.tapKey(t, "Espresso")
		test.Tap(s.cardBtn)
		s.scan.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
		wantStatus(t, s.status, "nothing was charged")
		test.Tap(s.voidBtn)
		wantStatus(t, s.status, "cancelled")
		if s.sale.Status != domain.SaleCanceled {
			t.Fatalf("sale %+v", s.sale)
		}
	})
	t.Run("SplitCashAndCard", func(t *testing.T) {
		f := newFixture(t)
		s := f.registerScreen(t)
		s.tapKey(t, "Coffee beans 250 g")
		s.amount.SetText("5")
		test.Tap(s.cashBtn)
		test.Tap(s.pay.cashDialog.ok)
		if s.sale == nil || s.sale.Due() != 790 {
			t.Fatalf("sale %+v", s.sale)
		}
		test.Tap(s.cardBtn)
		test.Tap(s.pay.cardBtns[0])
		if s.sale.Status != domain.SalePaid || len(s.sale.Attempts) != 2 {
			t.Fatalf("sale %+v", s.sale)
		}
	})
	t.Run("ErrNoSuchBarcode", func(t *testing.T) {
		f := newFixture(t)
		s := f.registerScreen(t)
		test.Type(s.scan, "123456")
		s.scan.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		wantStatus(t, s.status, "No product has the code or name")
		if len(s.cart.Lines) != 0 {
			t.Fatal("added something")
		}
	})
}

func TestRegisterShopSettings(t *testing.T) {
	f := newFixture(t)
	s := f.registerScreen(t)
	s.editShop()
	sf := s.shopForm
	sf.name.SetText("Corner Deli")
	sf.currency.SetText("usd")
	sf.inclusive.SetChecked(false)
	sf.tax.SetText("8.875")
	test.Tap(sf.d.ok)
	wantStatus(t, s.status, "saved")
	if s.settings.Currency.Code() != "USD" || s.settings.TaxInclusive || s.settings.ShopName != "Corner Deli" {
		t.Fatalf("settings %+v", s.settings)
	}
	s.cart.Lines = nil
	s.cart.Currency, s.cart.TaxInclusive = s.settings.Currency, false
	s.askAmount()
	// A free amount of 10.00 at the default 8.875 %: 0.89 tax added.
	s.cart.Lines = append(s.cart.Lines, domain.SaleLine{Description: "Amount", Quantity: 1, UnitPrice: 1000, TaxRate: s.settings.DefaultTaxRate})
	s.refresh()
	if !strings.Contains(s.total.String(), "Total 10.89 USD") {
		t.Fatalf("total %q", s.total.String())
	}
	// With a sale in the cart the settings wait.
	s.editShop()
	test.Tap(s.shopForm.d.ok)
	if !s.shopForm.d.err.Visible() {
		t.Fatal("settings changed under a cart")
	}
}

// TestRegisterRecoversAtStart: a payment left on the reader when Tally
// stopped is found at the next start, told to the cashier, and resumed.
func TestRegisterRecoversAtStart(t *testing.T) {
	f := newFixture(t)
	s := f.registerScreen(t)
	s.tapKey(t, "Espresso")
	test.Tap(s.cardBtn)
	if s.attempt == nil || s.attempt.Attempt.Stage != domain.StageOnReader {
		t.Fatalf("attempt %+v", s.attempt)
	}
	// The next start: a new window on the same data.
	w := test.NewTempWindow(t, widget.NewLabel(""))
	shell := newShell(f.shell.app, w, f.shell.svc, f.shell.run)
	shell.register.pollRun = func(func()) {}
	w.SetContent(shell.buildUI())
	shell.Show("Register")
	shell.register.recoverAtStart()
	if w.Canvas().Overlays().Top() == nil {
		t.Fatal("the cashier was not told what the check found")
	}
	r := shell.register
	if r.attempt == nil || r.attempt.Attempt.ID != s.attempt.Attempt.ID || r.sale == nil || r.sale.ID != s.sale.ID {
		t.Fatalf("not resumed: %+v", r.attempt)
	}
	test.Tap(r.pay.cardBtns[0])
	if r.sale.Status != domain.SalePaid {
		t.Fatalf("sale %+v", r.sale)
	}
}

func TestRegisterDiscountsAndKeys(t *testing.T) {
	f := newFixture(t)
	s := f.registerScreen(t)
	s.tapKey(t, "Sandwich") // 7.50
	s.tapKey(t, "Espresso") // 2.50
	s.cartList.Select(0)
	test.Type(s.lineDisc, "10") // 7.50 - 0.75 = 6.75
	test.Type(s.discount, "5")  // 5 % off each line, rounded half up: 6.75 - 0.34 = 6.41, 2.50 - 0.13 = 2.37
	if !strings.Contains(s.total.String(), "Total 8.78 EUR") {
		t.Fatalf("total %q (lines %+v)", s.total.String(), s.cart.Lines)
	}
	test.Type(s.discount, "x")
	wantStatus(t, s.status, "Cart discount")
	wantStatus(t, s.status, "is not a discount")
	s.discount.SetText("150")
	wantStatus(t, s.status, "is not a discount")
	s.discount.SetText("5")
	if s.status.msg.Text != "" {
		t.Fatalf("the old warning stayed: %q", s.status.msg.Text)
	}
	// F12 before any payment asks, then clears the cart; F9 on an empty
	// cart says so.
	s.scan.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF12})
	if len(s.cart.Lines) != 2 || s.confirmNew == nil {
		t.Fatal("F12 dropped the cart without asking")
	}
	s.confirmNew.Confirm()
	if len(s.cart.Lines) != 0 {
		t.Fatal("F12 kept the cart")
	}
	s.scan.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF9})
	wantStatus(t, s.status, "The cart is empty")
}

// TestDayCloseAllTills: the day close previews this till's Z report, and
// every till's once the owner ticks "every till".
func TestDayCloseAllTills(t *testing.T) {
	f := newFixture(t)
	r := f.registerScreen(t)
	r.dayClose()
	if r.dayAll == nil || r.dayAll.Checked || !strings.Contains(r.dayReport.Text, "Till 1") {
		t.Fatalf("this till's preview: %q", r.dayReport.Text)
	}
	r.dayAll.SetChecked(true)
	if !strings.Contains(r.dayReport.Text, domain.AllTills) {
		t.Fatalf("every till's preview: %q", r.dayReport.Text)
	}
}
