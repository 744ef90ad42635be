package domain_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"tally/domain"
	"tally/reports"
	"tally/stripeclient"
)

func (r *recorder) CreateCustomer(ctx context.Context, k domain.IdempotencyKey, p domain.CustomerParams) (c domain.Customer, err error) {
	if r.lost("CreateCustomer") {
		return c, domain.Errorf(domain.EUNAVAILABLE, "Could not connect to Stripe. Check that this computer is connected to the internet, then try again.")
	}
	r.hit("CreateCustomer", func() { c, err = r.Gateway.CreateCustomer(ctx, k, p) })
	return
}

func (r *recorder) CreateTaxRate(ctx context.Context, k domain.IdempotencyKey, p domain.TaxRateParams) (id string, err error) {
	r.hit("CreateTaxRate", func() { id, err = r.Gateway.CreateTaxRate(ctx, k, p) })
	return
}

func (r *recorder) CreateInvoice(ctx context.Context, k domain.IdempotencyKey, p domain.InvoiceParams) (inv domain.Invoice, err error) {
	if r.lost("CreateInvoice") {
		return inv, domain.Errorf(domain.EUNAVAILABLE, "Could not connect to Stripe. Check that this computer is connected to the internet, then try again.")
	}
	r.hit("CreateInvoice", func() { inv, err = r.Gateway.CreateInvoice(ctx, k, p) })
	return
}

func (r *recorder) AddInvoiceItem(ctx context.Context, k domain.IdempotencyKey, p domain.InvoiceItemParams) (id string, err error) {
	r.hit("AddInvoiceItem", func() { id, err = r.Gateway.AddInvoiceItem(ctx, k, p) })
	return
}

func (r *recorder) FinalizeInvoice(ctx context.Context, k domain.IdempotencyKey, id string) (inv domain.Invoice, err error) {
	r.hit("FinalizeInvoice", func() { inv, err = r.Gateway.FinalizeInvoice(ctx, k, id) })
	return
}

func (r *recorder) SendInvoice(ctx context.Context, k domain.IdempotencyKey, id string) (inv domain.Invoice, err error) {
	r.hit("SendInvoice", func() { inv, err = r.Gateway.SendInvoice(ctx, k, id) })
	return
}

func (r *recorder) VoidInvoice(ctx context.Context, k domain.IdempotencyKey, id string) (inv domain.Invoice, err error) {
	r.hit("VoidInvoice", func() { inv, err = r.Gateway.VoidInvoice(ctx, k, id) })
	return
}

func (r *recorder) PayInvoiceOutOfBand(ctx context.Context, k domain.IdempotencyKey, id string) (inv domain.Invoice, err error) {
	r.hit("PayInvoiceOutOfBand", func() { inv, err = r.Gateway.PayInvoiceOutOfBand(ctx, k, id) })
	return
}

func (r *till) invoiceService() *domain.InvoiceService {
	r.sim.SetPDFWriter(reports.WritePDF)
	return &domain.InvoiceService{Till: r.books, Connection: r.reg.Connection, Clock: r.clock, Access: r.access,
		Shop: r.books.Settings(), Register: r.reg, Demo: r.sim}
}

// customer stores a customer with an e-mail address and a VAT number.
func (r *till) customer(inv *domain.InvoiceService) domain.CustomerRecord {
	r.t.Helper()
	c, err := inv.SaveCustomer(ctx, domain.CustomerRecord{Name: "Acme GmbH", Email: "books@acme.example", VATNumber: "de 123 456 789",
		Address: domain.Address{Line1: "Hauptstr. 1", City: "Berlin", PostalCode: "10115", Country: "de"}})
	if err != nil {
		r.t.Fatal(err)
	}
	return c
}

// catering is an invoice of 20 sandwiches at 4.50 with 19 % VAT included
// and a delivery of 20.00 less 10 %, without tax: 108.00 in all.
func catering(c domain.CustomerRecord, due time.Time) domain.InvoiceForm {
	return domain.InvoiceForm{CustomerID: c.ID, Currency: eur, TaxInclusive: true, DueDate: due, Note: "Catering, 12 May", Send: true,
		Lines: []domain.SaleLine{{Description: "Sandwiches", Quantity: 20, UnitPrice: 450, TaxRate: 190000},
			{Description: "Delivery", Quantity: 1, UnitPrice: 2000, Discount: 100000}}}
}

func (r *till) stripeInvoices(inv domain.InvoiceRecord) []domain.Invoice {
	return r.sim.InvoicesWhere("tally_invoice", strconv.FormatInt(inv.ID, 10))
}

// books reconciles and returns the balances by account, checking that
// they sum to nothing.
func (r *till) balances() map[string]int64 {
	r.t.Helper()
	recon := &domain.ReconcileService{Store: r.books, Till: r.books}
	if _, err := recon.Reconcile(ctx); err != nil {
		r.t.Fatal(err)
	}
	all, err := recon.Balances(ctx)
	if err != nil {
		r.t.Fatal(err)
	}
	bal := map[string]int64{}
	var sum int64
	for _, b := range all {
		bal[b.Account] += b.Balance.Amount
		sum += b.Balance.Amount
	}
	if sum != 0 {
		r.t.Fatalf("the books do not balance: %v (sum %d)", bal, sum)
	}
	return bal
}

// TestInvoicePaidByLink: an invoice is issued at Stripe (customer, tax
// rate, lines, finalised, e-mailed); a declined payment leaves it open
// with the failure; the customer's payment marks it paid through the
// events, each applied once; the books book it on Receivables, and its
// charge, fetched later, clears Outstanding receipts instead of booking a
// second sale.
func TestInvoicePaidByLink(t *testing.T) {
	r := newTill(t)
	svc := r.invoiceService()
	c := r.customer(svc)
	if c.VATNumber != "DE123456789" || c.Address.Country != "DE" {
		t.Errorf("customer as stored: %+v", c)
	}
	inv, err := svc.Create(ctx, catering(c, r.clock.Now().AddDate(0, 0, 14)))
	if err != nil {
		t.Fatal(err)
	}
	if inv.Step != domain.StepFinalized || inv.Status != domain.InvoiceOpen || inv.Number == "" || inv.HostedURL == "" || inv.PDFURL == "" || inv.Sent.IsZero() {
		t.Fatalf("issued = %+v", inv)
	}
	// 20 × 4.50 incl. 19 % (14.37 tax) + 18.00 = 108.00: Stripe and Tally agree.
	if inv.Total != 10800 || inv.Tax != 1437 || inv.Totals.Total != 10800 || inv.Totals.Tax != 1437 {
		t.Fatalf("totals: Stripe %d/%d, Tally %+v", inv.Total, inv.Tax, inv.Totals)
	}
	at := r.stripeInvoices(inv)
	if len(at) != 1 || len(r.sim.InvoiceItems(at[0].ID)) != 2 {
		t.Fatalf("at Stripe: %+v %v", at, r.sim.InvoiceItems(at[0].ID))
	}
	if bal := r.balances(); bal[domain.AcctReceivables] != 10800 || bal[domain.AcctSales] != -(10800-1437) || bal[domain.AcctSalesTax] != -1437 {
		t.Fatalf("issued in the books: %v", bal)
	}

	if _, err := svc.DemoCustomerPays(ctx, inv.ID, domain.CardDeclined); domain.ErrorCode(err) != domain.EDECLINED {
		t.Fatalf("declined: %v", err)
	}
	r.sync()
	got, _ := svc.Invoice(ctx, inv.ID)
	if got.Status != domain.InvoiceOpen || got.LastError == "" {
		t.Fatalf("after a decline: %+v", got)
	}
	if _, err := r.sim.PayInvoice(inv.StripeID, domain.CardSucceeds); err != nil {
		t.Fatal(err)
	}
	if n, err := r.events.Sync(ctx); err != nil || n != 1 {
		t.Fatalf("sync after the payment applied %d (%v), want 1", n, err)
	}
	if n, _ := r.events.Sync(ctx); n != 0 {
		t.Fatalf("a second sync applied %d events", n)
	}
	got, _ = svc.Invoice(ctx, inv.ID)
	if got.Status != domain.InvoicePaid || got.ChargeID == "" || got.LastError != "" {
		t.Fatalf("after the payment: %+v", got)
	}
	bal := r.balances()
	if bal[domain.AcctReceivables] != 0 || bal[domain.AcctOutstandingReceipts] != 10800 {
		t.Fatalf("paid in the books: %v", bal)
	}
	salesBefore := bal[domain.AcctSales]

	imports := &domain.ImportService{Store: r.books, Clock: r.clock}
	fetch := &domain.FetchService{Connection: r.reg.Connection, Import: imports, Poll: time.Millisecond}
	if _, err := fetch.Fetch(ctx, domain.FetchRequest{From: r.clock.Now().Add(-time.Minute), To: r.clock.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	bal = r.balances()
	if bal[domain.AcctOutstandingReceipts] != 0 || bal[domain.AcctSales] != salesBefore {
		t.Fatalf("the invoice's charge booked a second sale: %v (sales were %d)", bal, salesBefore)
	}
	var matched bool
	_ = (&domain.ReconcileService{Store: r.books, Till: r.books}).Journal(ctx, func(e domain.Entry) error {
		matched = matched || strings.HasPrefix(e.Description, "Invoice "+inv.Number+": ")
		return nil
	})
	if !matched {
		t.Error("no journal entry names the invoice's charge")
	}

	// The PDF opens: it is a PDF, and it has the number and the link.
	rc, _, err := svc.PDF(ctx, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.Contains(b, []byte(inv.Number)) {
		t.Errorf("PDF: %.60q", b)
	}
}

// TestInvoiceCrashAtEveryStep: Tally killed before or after each write to
// Stripe, then started again on the same files, finishes the invoice with
// the same keys: one invoice at Stripe, its two lines once, sent once.
func TestInvoiceCrashAtEveryStep(t *testing.T) {
	for _, call := range []string{"CreateCustomer", "CreateTaxRate", "CreateInvoice", "AddInvoiceItem", "FinalizeInvoice", "SendInvoice"} {
		for _, after := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/after=%v", call, after), func(t *testing.T) {
				r := newTill(t)
				svc := r.invoiceService()
				c := r.customer(svc)
				r.gw.crashAt, r.gw.after = call, after
				if at := crashed(func() { _, _ = svc.Create(ctx, catering(c, r.clock.Now().AddDate(0, 0, 7))) }); at != call {
					t.Fatalf("crashed at %q", at)
				}
				r = r.restart()
				svc = r.invoiceService()
				if n, err := svc.Resume(ctx); err != nil || n != 1 {
					t.Fatalf("resume finished %d: %v", n, err)
				}
				list, _ := svc.List(ctx, domain.InvoiceFilter{})
				if len(list) != 1 {
					t.Fatalf("%d invoices in Tally", len(list))
				}
				inv := list[0]
				at := r.stripeInvoices(inv)
				if len(at) != 1 || inv.Status != domain.InvoiceOpen || inv.Sent.IsZero() {
					t.Fatalf("after resume: Tally %+v, Stripe %d invoices", inv, len(at))
				}
				if items := r.sim.InvoiceItems(at[0].ID); len(items) != 2 {
					t.Fatalf("lines at Stripe: %v", items)
				}
				if n, _ := svc.Resume(ctx); n != 0 {
					t.Errorf("a second resume did %d", n)
				}
			})
		}
	}
}

// TestInvoiceLostConnection: Stripe out of reach keeps the invoice, says
// so, and a retry issues it once.
func TestInvoiceLostConnection(t *testing.T) {
	r := newTill(t)
	svc := r.invoiceService()
	c := r.customer(svc)
	r.gw.failBefore = "CreateInvoice"
	inv, err := svc.Create(ctx, catering(c, r.clock.Now().AddDate(0, 0, 7)))
	if domain.ErrorCode(err) != domain.EUNAVAILABLE || !strings.Contains(domain.ErrorMessage(err), "The invoice is saved") {
		t.Fatalf("err = %v", err)
	}
	if inv.ID == 0 || inv.StatusText(r.clock.Now()) != "Not issued" {
		t.Fatalf("kept as %+v (%s)", inv, inv.StatusText(r.clock.Now()))
	}
	inv, err = svc.Issue(ctx, inv.ID)
	if err != nil || inv.Status != domain.InvoiceOpen || inv.LastError != "" || len(r.stripeInvoices(inv)) != 1 {
		t.Fatalf("retry: %+v %v", inv, err)
	}
}

// TestInvoiceOwnerActions: void, payment outside Stripe and write-off need
// the owner's PIN, are audited, follow Stripe's answer and book as they
// should; Stripe refuses what a paid invoice cannot do.
func TestInvoiceOwnerActions(t *testing.T) {
	r := newTill(t)
	svc := r.invoiceService()
	c := r.customer(svc)
	issue := func() domain.InvoiceRecord {
		inv, err := svc.Create(ctx, catering(c, r.clock.Now().AddDate(0, 0, 7)))
		if err != nil {
			t.Fatal(err)
		}
		return inv
	}
	a, b, w := issue(), issue(), issue()
	if _, err := svc.Void(ctx, domain.Grant{}, a.ID); domain.ErrorCode(err) != domain.EPERMISSION {
		t.Fatalf("void without a PIN: %v", err)
	}
	if err := r.access.SetPIN(ctx, r.owner(), domain.RoleCashier, "1111"); err != nil {
		t.Fatal(err)
	}
	cashier, _ := r.access.Verify(ctx, domain.RoleCashier, "1111")
	if _, err := svc.MarkPaid(ctx, cashier, a.ID); domain.ErrorCode(err) != domain.EPERMISSION {
		t.Fatalf("mark paid as a cashier: %v", err)
	}
	g := r.owner()
	if got, err := svc.Void(ctx, g, a.ID); err != nil || got.Status != domain.InvoiceVoid {
		t.Fatalf("void: %+v %v", got, err)
	}
	if got, err := svc.MarkPaid(ctx, g, b.ID); err != nil || got.Status != domain.InvoicePaid || !got.PaidOutOfBand {
		t.Fatalf("mark paid: %+v %v", got, err)
	}
	if _, err := svc.Void(ctx, g, b.ID); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("void a paid invoice: %v", err)
	}
	if got, err := svc.WriteOff(ctx, g, w.ID); err != nil || got.Status != domain.InvoiceUncollectible {
		t.Fatalf("write off: %+v %v", got, err)
	}
	bal := r.balances()
	if bal[domain.AcctReceivables] != 0 || bal[domain.AcctCash] != 10800 || bal[domain.AcctBadDebts] != 10800 || bal[domain.AcctSales] != -2*(10800-1437) {
		t.Fatalf("books: %v", bal)
	}
	// The customer pays the written-off invoice after all.
	if _, err := r.sim.PayInvoice(w.StripeID, domain.CardSucceeds); err != nil {
		t.Fatal(err)
	}
	r.sync()
	bal = r.balances()
	if bal[domain.AcctBadDebts] != 0 || bal[domain.AcctOutstandingReceipts] != 10800 || bal[domain.AcctReceivables] != 0 {
		t.Fatalf("after paying a written-off invoice: %v", bal)
	}
	log, _ := r.access.AuditLog(ctx, 0)
	seen := map[string]int{}
	for _, e := range log {
		seen[e.Action]++
	}
	if seen["invoice_void"] != 1 || seen["invoice_paid"] != 1 || seen["invoice_write_off"] != 1 {
		t.Errorf("audit: %v", seen)
	}
	// Events of what the owner did change nothing more.
	if n, _ := r.events.Sync(ctx); n != 0 {
		t.Errorf("events after the owner's actions applied %d", n)
	}
}

// TestInvoiceEventsOnce: the same events by webhook and by poll, in any
// order and again, apply once; an invoice made outside Tally is recorded
// and left alone.
func TestInvoiceEventsOnce(t *testing.T) {
	r := newTill(t)
	svc := r.invoiceService()
	c := r.customer(svc)
	inv, err := svc.Create(ctx, catering(c, r.clock.Now().AddDate(0, 0, 7)))
	if err != nil {
		t.Fatal(err)
	}
	r.sync()
	if _, err := r.sim.PayInvoice(inv.StripeID, domain.CardSucceeds); err != nil {
		t.Fatal(err)
	}
	evs, _ := r.sim.Events(ctx, "", domain.InvoiceEventTypes, 100)
	paid := evs[len(evs)-1]
	if paid.Type != "invoice.paid" {
		t.Fatalf("last event %s", paid.Type)
	}
	// A late finalized event, by webhook, after paid: nothing moves back.
	if ch, err := r.events.Apply(ctx, paid, domain.FromWebhook); err != nil || !ch {
		t.Fatalf("webhook paid: %v %v", ch, err)
	}
	if ch, _ := r.events.Apply(ctx, paid, domain.FromWebhook); ch {
		t.Error("the same event applied twice")
	}
	if n, _ := r.events.Sync(ctx); n != 0 {
		t.Errorf("the poll applied %d events the webhook had brought", n)
	}
	late := evs[0]
	late.ID = "evt_late_finalized"
	if ch, _ := r.events.Apply(ctx, late, domain.FromWebhook); ch {
		t.Error("a late invoice.finalized moved a paid invoice back")
	}
	got, _ := svc.Invoice(ctx, inv.ID)
	if got.Status != domain.InvoicePaid {
		t.Fatalf("status %s", got.Status)
	}
	foreign := domain.Event{ID: "evt_foreign", Type: "invoice.paid", Created: r.clock.Now(), ObjectID: "in_elsewhere",
		Invoice: &domain.Invoice{ID: "in_elsewhere", Status: domain.InvoicePaid}}
	if ch, err := r.events.Apply(ctx, foreign, domain.FromWebhook); err != nil || ch {
		t.Errorf("an invoice made outside Tally: %v %v", ch, err)
	}
}

// TestInvoiceForm: what the form refuses, and the reminder list.
func TestInvoiceForm(t *testing.T) {
	r := newTill(t)
	svc := r.invoiceService()
	for _, bad := range []domain.CustomerRecord{{Name: ""}, {Name: "A", Email: "not an address"}, {Name: "A", VATNumber: "123"}} {
		if _, err := svc.SaveCustomer(ctx, bad); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("customer %+v: %v", bad, err)
		}
	}
	c := r.customer(svc)
	now := r.clock.Now()
	cases := map[string]func(f *domain.InvoiceForm){
		"no customer":   func(f *domain.InvoiceForm) { f.CustomerID = 0 },
		"no lines":      func(f *domain.InvoiceForm) { f.Lines = nil },
		"due passed":    func(f *domain.InvoiceForm) { f.DueDate = now.AddDate(0, 0, -2) },
		"no due date":   func(f *domain.InvoiceForm) { f.DueDate = time.Time{} },
		"no quantity":   func(f *domain.InvoiceForm) { f.Lines[0].Quantity = 0 },
		"negative":      func(f *domain.InvoiceForm) { f.Lines[0].UnitPrice = -1 },
		"no text":       func(f *domain.InvoiceForm) { f.Lines[0].Description = " " },
		"nothing owed":  func(f *domain.InvoiceForm) { f.Lines = []domain.SaleLine{{Description: "Free", Quantity: 1}} },
		"unknown buyer": func(f *domain.InvoiceForm) { f.CustomerID = 999 },
	}
	for name, change := range cases {
		f := catering(c, now.AddDate(0, 0, 7))
		change(&f)
		if _, err := svc.Create(ctx, f); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	noMail, _ := svc.SaveCustomer(ctx, domain.CustomerRecord{Name: "Walk-in"})
	f := catering(noMail, now.AddDate(0, 0, 7))
	if _, err := svc.Create(ctx, f); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("send to a customer without e-mail: %v", err)
	}
	if list, _ := svc.List(ctx, domain.InvoiceFilter{}); len(list) != 0 {
		t.Fatalf("refused forms stored %d invoices", len(list))
	}
	f.Send = false
	handed, err := svc.Create(ctx, f)
	if err != nil || !handed.Sent.IsZero() {
		t.Fatalf("handed over: %+v %v", handed, err)
	}
	late, err := svc.Create(ctx, catering(c, now))
	if err != nil {
		t.Fatal(err)
	}
	r.clock.Advance(36 * time.Hour)
	due, _ := svc.List(ctx, domain.InvoiceFilter{PastDue: true})
	if len(due) != 1 || due[0].ID != late.ID || due[0].StatusText(r.clock.Now()) != "Past due" {
		t.Fatalf("reminder list: %+v", due)
	}
	if _, err := svc.SaveCustomer(ctx, c); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("changing a customer known at Stripe: %v", err)
	}
}

var _ = stripeclient.NewSimulator

// TestSaleNamesCustomer: a sale at the register can name a customer, whose
// e-mail then gets Stripe's receipt; a card method that identifies the
// customer refuses a sale without one, before any call to Stripe, and takes
// the same cart once the customer is named; a restart keeps the name.
func TestSaleNamesCustomer(t *testing.T) {
	r := newTill(t)
	inv := r.invoiceService()
	c := r.customer(inv)
	methods := &domain.PaymentMethodService{Store: r.books, Connection: r.reg.Connection}
	v, err := methods.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range v.Methods {
		if m.ID == r.card {
			m.IdentifyCustomer = true
			if _, err := methods.Save(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
	}
	cart := domain.Cart{Currency: eur, TaxInclusive: true, Lines: []domain.SaleLine{{Description: "Cake", Quantity: 1, UnitPrice: 1800, TaxRate: 70000}}}
	anon, err := r.reg.Checkout(ctx, cart)
	if err != nil {
		t.Fatal(err)
	}
	r.gw.reset()
	_, err = r.reg.StartCard(ctx, anon.ID, r.card, 0)
	if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), "names its customer") {
		t.Fatalf("a card method that identifies the customer took an anonymous sale: %v", err)
	}
	if calls := r.gw.Calls(); len(calls) != 0 {
		t.Fatalf("refused, yet Stripe was called: %v", calls)
	}
	if _, err := r.reg.PayCash(ctx, anon.ID, r.cash, 1800); err != nil {
		t.Fatalf("cash still takes it: %v", err)
	}

	cart.CustomerID = 999
	if _, err := r.reg.Checkout(ctx, cart); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Fatalf("a customer that does not exist: %v", err)
	}
	cart.CustomerID = c.ID
	named, err := r.reg.Checkout(ctx, cart)
	if err != nil {
		t.Fatal(err)
	}
	if named.Cart.CustomerName != "Acme GmbH" || named.Cart.ReceiptEmail != "books@acme.example" {
		t.Fatalf("named sale %+v", named.Cart)
	}
	res := must(t)(r.reg.StartCard(ctx, named.ID, r.card, 0))
	res = must(t)(r.reg.PresentTestCard(ctx, res.Attempt.ID, domain.CardSucceeds))
	if res.Sale.Status != domain.SalePaid {
		t.Fatalf("named sale not paid: %+v", res.Sale)
	}
	if len(r.gw.intents) != 1 || r.gw.intents[0].ReceiptEmail != "books@acme.example" {
		t.Fatalf("the receipt does not go to the customer: %+v", r.gw.intents)
	}
	r = r.restart()
	if s := r.saleNow(named.ID); s.Cart.CustomerID != c.ID || s.Cart.CustomerName != "Acme GmbH" {
		t.Fatalf("after a restart: %+v", s.Cart)
	}
	if s := r.saleNow(anon.ID); s.Cart.CustomerID != 0 || s.Cart.CustomerName != "" {
		t.Fatalf("anonymous after a restart: %+v", s.Cart)
	}
}

// TestReceiptNamesCustomer: the receipt of a sale that names its customer
// says whom it was for.
func TestReceiptNamesCustomer(t *testing.T) {
	sale := domain.Sale{Till: "Till 1", Number: 7, Cart: domain.Cart{Currency: eur, CustomerName: "Bistro Nord"}}
	if got := strings.Join(domain.ReceiptLines(domain.Shop{Name: "Shop"}, sale), "\n"); !strings.Contains(got, "Customer: Bistro Nord") {
		t.Fatalf("receipt:\n%s", got)
	}
	sale.Cart.CustomerName = ""
	if got := strings.Join(domain.ReceiptLines(domain.Shop{Name: "Shop"}, sale), "\n"); strings.Contains(got, "Customer") {
		t.Fatalf("an anonymous receipt names a customer:\n%s", got)
	}
}

// TestSeedDemoInvoices: demo mode starts with a customer, an invoice paid
// last week and one past due, whose books balance; a second start adds
// nothing.
func TestSeedDemoInvoices(t *testing.T) {
	r := newTill(t)
	inv := r.invoiceService()
	if err := domain.SeedDemoInvoices(ctx, inv, r.sim); err != nil {
		t.Fatal(err)
	}
	if err := domain.SeedDemoInvoices(ctx, inv, r.sim); err != nil {
		t.Fatal(err)
	}
	list, err := inv.List(ctx, domain.InvoiceFilter{})
	if err != nil || len(list) != 2 {
		t.Fatalf("demo invoices %d: %v", len(list), err)
	}
	now := r.clock.Now()
	var paid, late int
	for _, i := range list {
		if i.Status == domain.InvoicePaid && i.PaidAt.Before(now.Add(-7*24*time.Hour)) {
			paid++
		}
		if i.PastDue(now) && i.Status == domain.InvoiceOpen && i.HostedURL != "" {
			late++
		}
	}
	if paid != 1 || late != 1 {
		t.Fatalf("want one paid last week and one past due: %+v", list)
	}
	var open int64
	for _, i := range list {
		if i.Status == domain.InvoiceOpen {
			open = i.AmountRemaining
		}
	}
	if bal := r.balances(); bal[domain.AcctReceivables] != open || open == 0 {
		t.Fatalf("receivables %d, want the past-due invoice's %d: %v", bal[domain.AcctReceivables], open, bal)
	}
}

// TestInvoiceReplacesSale: an open sale nothing was taken on becomes an
// invoice, and is cancelled in the same write, so it cannot be taken as
// well; a sale paid, or being paid, cannot.
func TestInvoiceReplacesSale(t *testing.T) {
	r := newTill(t)
	svc := r.invoiceService()
	c := r.customer(svc)
	form := func(s domain.Sale) domain.InvoiceForm {
		return domain.InvoiceForm{CustomerID: c.ID, Currency: eur, TaxInclusive: true, DueDate: r.clock.Now().AddDate(0, 0, 7),
			Lines: s.Cart.Lines, SaleID: s.ID, Till: s.Till}
	}
	open := r.sale(2400)
	inv, err := svc.Create(ctx, form(open))
	if err != nil || inv.SaleID != open.ID || inv.Total != 2400 {
		t.Fatalf("invoice for the sale: %+v %v", inv, err)
	}
	if s := r.saleNow(open.ID); s.Status != domain.SaleCanceled {
		t.Fatalf("the sale invoiced is %s", s.Status)
	}
	if _, err := r.reg.PayCash(ctx, open.ID, r.cash, 2400); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("the invoiced sale could still be taken: %v", err)
	}
	if _, err := svc.Create(ctx, form(open)); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("a second invoice for the same sale: %v", err)
	}

	paying := r.sale(1500)
	must(t)(r.reg.StartCard(ctx, paying.ID, r.card, 0))
	if _, err := svc.Create(ctx, form(paying)); domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(domain.ErrorMessage(err), "nothing taken") {
		t.Fatalf("a sale on the reader: %v", err)
	}
	paid := r.sale(900)
	must(t)(r.reg.PayCash(ctx, paid.ID, r.cash, 900))
	if _, err := svc.Create(ctx, form(paid)); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("a paid sale: %v", err)
	}
	list, _ := svc.List(ctx, domain.InvoiceFilter{})
	if len(list) != 1 {
		t.Fatalf("invoices refused were stored: %d", len(list))
	}
}

// TestInvoicePDFInTheShopsLanguage: a German shop's customer is created at
// Stripe with German as the preferred locale, so Stripe's PDF (the
// simulator's here) is German; its net, tax and total add up, the tax
// said as included.
func TestInvoicePDFInTheShopsLanguage(t *testing.T) {
	r := newTill(t)
	if err := r.books.Settings().Update(ctx, func(tx domain.Tx) error {
		return tx.SaveShop(domain.Shop{Name: "Bäckerei", Country: "DE", Currency: eur, TimeZone: "Europe/Berlin"})
	}); err != nil {
		t.Fatal(err)
	}
	svc := r.invoiceService()
	c := r.customer(svc)
	inv, err := svc.Create(ctx, catering(c, r.clock.Now().AddDate(0, 0, 14)))
	if err != nil {
		t.Fatal(err)
	}
	rc, _, err := svc.PDF(ctx, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	// 20 sandwiches at 4.50 incl. 19 %: 90.00 with 14.37 tax; delivery
	// 18.00 without: 108.00 in all, 93.63 without tax.
	for _, want := range []string{"Rechnungsnummer", "Zwischensumme", "108,00", "Gesamtbetrag ohne USt.", "93,63", "inkl.", "14,37", "Gesamt"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
	for _, si := range r.stripeInvoices(inv) {
		cu, err := r.sim.Customer(ctx, si.CustomerID)
		if err != nil || len(cu.PreferredLocales) != 1 || cu.PreferredLocales[0] != "de" {
			t.Fatalf("the customer at Stripe: %+v %v", cu, err)
		}
	}
}
