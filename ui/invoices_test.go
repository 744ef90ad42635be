package ui

import (
	"bytes"
	"context"
	"image"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"tally/domain"
)

func (f *fixture) invoicesScreen(t *testing.T) *invoicesScreen {
	t.Helper()
	if !f.shell.Show("Invoices") {
		t.Fatal("no Invoices page")
	}
	return f.shell.invoices
}

// decodeQR reads the QR code in img.
func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	got, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("no QR code: %v", err)
	}
	return got.GetText()
}

// newCustomer fills the form's customer dialog.
func newCustomer(t *testing.T, form *invoiceForm, name, email string) {
	t.Helper()
	test.Tap(form.newCust)
	d := form.lastCustomer
	if d == nil {
		t.Fatal("no customer dialog")
	}
	fields := form.custFields
	test.Type(fields[0], name)
	test.Type(fields[1], email)
	test.Type(fields[5], "DE")
	test.Type(fields[6], "DE123456789")
	test.Tap(d.ok)
	if d.err.Visible() {
		t.Fatalf("customer refused: %s", d.err.Text)
	}
}

// TestInvoicesScreen: a new user writes an invoice with a new customer,
// issues it, sees its QR code (which reads as its payment page), opens its
// PDF and the printable sheet; a declined card shows, a payment marks it
// paid; voiding another needs the owner's PIN.
func TestInvoicesScreen(t *testing.T) {
	f := newGuardedFixture(t)
	s := f.invoicesScreen(t)
	tapButtonIn(t, s.root, "New invoice…")
	form := s.form
	if form == nil {
		t.Fatal("no invoice form")
	}
	// Nothing chosen: the form says so and stays.
	test.Tap(form.issue)
	if !form.err.Visible() || !strings.Contains(form.err.Text, "customer") {
		t.Fatalf("without a customer: %q", form.err.Text)
	}
	newCustomer(t, form, "Acme GmbH", "books@acme.example")
	if form.customer.Selected != "Acme GmbH <books@acme.example>" {
		t.Fatalf("customer chosen: %q", form.customer.Selected)
	}
	row := form.rows[0]
	test.Type(row.desc, "Catering for 20")
	row.qty.SetText("2")
	row.price.SetText("54.00")
	row.tax.SetText("19")
	if !strings.Contains(form.totals.Text, "108.00") {
		t.Fatalf("totals %q", form.totals.Text)
	}
	form.due.SetText("2020-01-01")
	test.Tap(form.issue)
	if !strings.Contains(form.err.Text, "has passed") {
		t.Fatalf("past due date: %q", form.err.Text)
	}
	form.due.SetText(time.Now().AddDate(0, 0, 10).Format("2006-01-02"))
	test.Tap(form.issue)
	if form.err.Visible() {
		t.Fatalf("refused: %s", form.err.Text)
	}
	if len(s.rows) != 1 || s.selected == nil {
		t.Fatalf("list %d, selected %v", len(s.rows), s.selected)
	}
	inv := *s.selected
	if inv.Status != domain.InvoiceOpen || inv.Number == "" || !strings.Contains(s.detailTitle.Text, inv.Number) || !strings.Contains(s.status.msg.Text, "is issued") {
		t.Fatalf("issued: %+v / %q / %q", inv, s.detailTitle.Text, s.status.msg.Text)
	}
	if !s.qr.Visible() || decodeQR(t, s.qr.Image) != inv.HostedURL {
		t.Fatal("the QR code on the screen is not the invoice's payment page")
	}
	if !strings.Contains(s.info.Text, "VAT number DE123456789") || !strings.Contains(s.info.Text, "E-mailed by Stripe") {
		t.Errorf("detail %q", s.info.Text)
	}

	test.Tap(s.pdfBtn)
	if b, err := os.ReadFile(s.lastDoc); err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.Contains(b, []byte(inv.Number)) {
		t.Fatalf("PDF %s: %v %.40q", s.lastDoc, err, b)
	}
	test.Tap(s.sheetBtn)
	if b, err := os.ReadFile(s.lastDoc); err != nil || !strings.HasSuffix(s.lastDoc, "-qr.pdf") || !bytes.Contains(b, []byte(" re\n")) {
		t.Fatalf("QR sheet %s: %v", s.lastDoc, err)
	}
	d := showInvoiceQR(f.shell.win, inv)
	d.Hide()

	test.Tap(s.demoDeclineBtn)
	if !strings.Contains(strings.ToLower(s.status.msg.Text), "declined") || !strings.Contains(s.info.Text, "⚠") {
		t.Fatalf("declined: %q / %q", s.status.msg.Text, s.info.Text)
	}
	test.Tap(s.demoPayBtn)
	if s.selected.Status != domain.InvoicePaid || !strings.Contains(s.detailTitle.Text, "Paid") || s.qr.Visible() {
		t.Fatalf("paid: %+v / %q", s.selected, s.detailTitle.Text)
	}
	if !s.voidBtn.Disabled() || !s.paidBtn.Disabled() {
		t.Error("a paid invoice can still be voided or marked paid")
	}

	// A second invoice, voided with the owner's PIN.
	c, _ := f.svc.Invoices.Customers(context.Background())
	other, err := f.svc.Invoices.Create(context.Background(), domain.InvoiceForm{CustomerID: c[0].ID, Currency: domain.MustCurrency("EUR"),
		DueDate: time.Now().AddDate(0, 0, 3), Lines: []domain.SaleLine{{Description: "Cake", Quantity: 1, UnitPrice: 3000}}})
	if err != nil {
		t.Fatal(err)
	}
	s.show(other)
	lastPrompt = nil
	test.Tap(s.voidBtn)
	if lastPrompt == nil {
		t.Fatal("void asked for no PIN")
	}
	lastPrompt.pin.SetText("2468")
	lastPrompt.again.SetText("2468")
	test.Tap(lastPrompt.ok)
	if s.selected.Status != domain.InvoiceVoid || !strings.Contains(s.status.msg.Text, "Voided") {
		t.Fatalf("void: %+v / %q", s.selected, s.status.msg.Text)
	}
	s.filterSel.SetSelectedIndex(1) // to be paid
	if len(s.rows) != 0 {
		t.Errorf("to be paid lists %d", len(s.rows))
	}
	s.filterSel.SetSelectedIndex(0)
	if len(s.rows) != 2 {
		t.Errorf("all lists %d", len(s.rows))
	}
}

// TestInvoiceFromRegister: the cart at the register becomes an invoice for
// a customer who pays later: its lines and discount carried over, the cart
// cleared, and the QR code shown for the customer at the counter.
func TestInvoiceFromRegister(t *testing.T) {
	f := newFixture(t)
	r := f.registerScreen(t)
	if _, err := f.svc.Invoices.SaveCustomer(context.Background(), domain.CustomerRecord{Name: "Bistro Nord", Email: "chef@bistro.example"}); err != nil {
		t.Fatal(err)
	}
	r.tapKey(t, "Sandwich")
	r.tapKey(t, "Sandwich")
	r.discount.SetText("10")
	want := r.cart.Totals().Total
	test.Tap(r.invoiceBtn)
	form := f.shell.invoices.form
	if form == nil || len(form.rows) != 1 && len(form.rows) != 2 {
		t.Fatalf("form from the cart: %+v", form)
	}
	form.customer.SetSelectedIndex(0)
	test.Tap(form.issue)
	if form.err.Visible() {
		t.Fatalf("refused: %s", form.err.Text)
	}
	if len(r.cart.Lines) != 0 {
		t.Fatalf("the cart still has %d lines", len(r.cart.Lines))
	}
	list, _ := f.svc.Invoices.List(context.Background(), domain.InvoiceFilter{})
	if len(list) != 1 || list[0].Total != want || list[0].Cart.Discount != 100000 {
		t.Fatalf("invoice %+v, want total %d", list, want)
	}
	if r.invoiceQR == nil {
		t.Fatal("no QR code shown at the counter")
	}
}

// TestRegisterNamesCustomer: the cashier names the sale's customer: the
// receipt e-mail fills in, a card method that identifies the customer is
// offered only then, the sale keeps the name, and an invoice from the cart
// is for that customer.
func TestRegisterNamesCustomer(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cust, err := f.svc.Invoices.SaveCustomer(ctx, domain.CustomerRecord{Name: "Bistro Nord", Email: "chef@bistro.example"})
	if err != nil {
		t.Fatal(err)
	}
	r := f.registerScreen(t)
	v, err := f.svc.Methods.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range v.Methods {
		if m.Kind == domain.MethodCardReader {
			m.IdentifyCustomer = true
			if _, err := f.svc.Methods.Save(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
	}
	f.shell.Show("Settings")
	r = f.registerScreen(t) // reloads the methods and customers
	if len(r.custSel.Options) != 2 {
		t.Fatalf("customers offered: %v", r.custSel.Options)
	}
	r.tapKey(t, "Sandwich")
	if r.cardBtn.Disabled() == false {
		t.Fatal("a method that identifies the customer is offered for a sale without one")
	}
	if r.cashBtn.Disabled() {
		t.Fatal("cash is not offered")
	}
	r.custSel.SetSelectedIndex(1)
	if r.email.Text != "chef@bistro.example" || r.cart.CustomerID != cust.ID {
		t.Fatalf("customer chosen: %q %+v", r.email.Text, r.cart)
	}
	if r.cardBtn.Disabled() {
		t.Fatal("the card is not offered once the customer is named")
	}
	r.custSel.SetSelectedIndex(0)
	if r.email.Text != "" || r.cart.CustomerID != 0 || !r.cardBtn.Disabled() {
		t.Fatalf("no customer again: %q %+v", r.email.Text, r.cart)
	}
	r.key(&fyne.KeyEvent{Name: fyne.KeyF10})
	if r.sale != nil || !strings.Contains(r.status.msg.Text, "names its customer") {
		t.Fatalf("F10 without a customer: %v %q", r.sale, r.status.msg.Text)
	}
	r.custSel.SetSelectedIndex(1)
	test.Tap(r.invoiceBtn)
	form := f.shell.invoices.form
	if form == nil || form.customer.Selected != "Bistro Nord <chef@bistro.example>" {
		t.Fatalf("the invoice form is not for the sale's customer: %+v", form)
	}
	form.d.Hide()

	test.Tap(r.cardBtn)
	if r.sale == nil || r.sale.Cart.CustomerName != "Bistro Nord" || !r.custSel.Disabled() {
		t.Fatalf("sale %+v", r.sale)
	}
}

// TestInvoiceFromOpenSale: a card payment started and cancelled leaves an
// open sale; the customer would rather pay later: it becomes an invoice,
// and the sale is cancelled. While the card is on the reader it cannot.
func TestInvoiceFromOpenSale(t *testing.T) {
	f := newFixture(t)
	if _, err := f.svc.Invoices.SaveCustomer(context.Background(), domain.CustomerRecord{Name: "Bistro Nord", Email: "chef@bistro.example"}); err != nil {
		t.Fatal(err)
	}
	r := f.registerScreen(t)
	r.tapKey(t, "Sandwich")
	test.Tap(r.cardBtn)
	if r.sale == nil || !r.invoiceBtn.Disabled() {
		t.Fatalf("while the card is on the reader: sale %v, invoice button enabled %v", r.sale, !r.invoiceBtn.Disabled())
	}
	r.pay.cancel()
	if r.attempt == nil || !r.attempt.Done() || r.invoiceBtn.Disabled() {
		t.Fatalf("after the cancel: %+v, invoice button disabled %v", r.attempt, r.invoiceBtn.Disabled())
	}
	saleID := r.sale.ID
	test.Tap(r.invoiceBtn)
	form := f.shell.invoices.form
	form.customer.SetSelectedIndex(0)
	test.Tap(form.issue)
	if form.err.Visible() {
		t.Fatalf("refused: %s", form.err.Text)
	}
	sale, err := f.svc.Register.Sale(context.Background(), saleID)
	if err != nil || sale.Status != domain.SaleCanceled {
		t.Fatalf("the sale invoiced: %+v %v", sale.Status, err)
	}
	list, _ := f.svc.Invoices.List(context.Background(), domain.InvoiceFilter{})
	if len(list) != 1 || list[0].SaleID != saleID || r.sale != nil {
		t.Fatalf("invoice %+v, register sale %v", list, r.sale)
	}
}
