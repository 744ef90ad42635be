package stripeclient

import (
	"context"
	"strings"
	"testing"
	"time"

	"tally/domain"
	"tally/internal/testenv"
)

// mockURL returns the running stripe-mock's address.
func mockURL(tb testing.TB) string { return testenv.StripeMock(tb) }

// TestGatewayContract runs one suite against every domain.Gateway.
func TestGatewayContract(t *testing.T) {
	t.Run("Simulator", func(t *testing.T) {
		testGateway(t, NewSimulator(nil, SimulatorOptions{AccountName: "Test Shop"}), true)
	})
	t.Run("StripeMock", func(t *testing.T) {
		testGateway(t, New("sk_test_123", mockURL(t), nil, nil), false)
	})
}

// testGateway is a flow that is valid at Stripe: stateful implementations
// must accept it in order and keep what they were told; stateless stripe-mock
// checks each request's shape against Stripe's API description.
func testGateway(t *testing.T, gw domain.Gateway, stateful bool) {
	ctx := context.Background()
	eur := domain.MustCurrency("EUR")
	n := 0
	key := func() domain.IdempotencyKey {
		n++
		return domain.IdempotencyKey(t.Name() + "-" + time.Now().Format("150405.000000") + "-" + string(rune('a'+n%26)) + strings.Repeat("x", n/26))
	}
	must := func(err error, what string) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	prefix := func(id, p string) {
		t.Helper()
		if !strings.HasPrefix(id, p) {
			t.Errorf("id %q does not start with %q", id, p)
		}
	}

	acct, err := gw.Account(ctx)
	must(err, "Account")
	prefix(acct.ID, "acct_")
	_, err = gw.Balance(ctx)
	must(err, "Balance")

	loc, err := gw.CreateLocation(ctx, key(), domain.Location{DisplayName: "Main St", Address: domain.Address{
		Line1: "1 Main Street", City: "Dublin", PostalCode: "D02 X285", Country: "IE"}})
	must(err, "CreateLocation")
	prefix(loc.ID, "tml_")
	locs, err := gw.Locations(ctx)
	must(err, "Locations")
	if len(locs) == 0 {
		t.Error("Locations: empty")
	}

	rd, err := gw.RegisterReader(ctx, key(), "simulated-wpe", "Till 1", loc.ID)
	must(err, "RegisterReader")
	prefix(rd.ID, "tmr_")
	readers, err := gw.Readers(ctx)
	must(err, "Readers")
	if len(readers) == 0 {
		t.Error("Readers: empty")
	}
	_, err = gw.Reader(ctx, rd.ID)
	must(err, "Reader")
	renamed, err := gw.RenameReader(ctx, key(), rd.ID, "Till 2")
	must(err, "RenameReader")
	if stateful && renamed.Label != "Till 2" {
		t.Errorf("RenameReader label = %q", renamed.Label)
	}
	_, err = gw.SetReaderDisplay(ctx, key(), rd.ID, domain.ReaderCart{Currency: eur, Lines: []domain.ReaderCartLine{{Description: "Coffee", Quantity: 2, Amount: 500}}, Total: 500})
	must(err, "SetReaderDisplay")

	pi, err := gw.CreatePaymentIntent(ctx, key(), domain.PaymentIntentParams{
		Amount: domain.New(1000, eur), PaymentMethodTypes: []string{"card_present"}, CaptureMethod: domain.CaptureManual,
		Description: "Sale 1", Metadata: map[string]string{"tally_sale": "1"},
	})
	must(err, "CreatePaymentIntent")
	prefix(pi.ID, "pi_")
	if pi.Amount.Amount != 1000 {
		t.Errorf("CreatePaymentIntent amount = %d", pi.Amount.Amount)
	}
	_, err = gw.ProcessPaymentIntent(ctx, key(), rd.ID, pi.ID, domain.ProcessConfig{EnableCustomerCancellation: true, SkipTipping: true})
	must(err, "ProcessPaymentIntent")
	_, err = gw.PresentPaymentMethod(ctx, key(), rd.ID, domain.CardSucceeds, 0)
	must(err, "PresentPaymentMethod")
	_, err = gw.PaymentIntent(ctx, pi.ID)
	must(err, "PaymentIntent")
	_, err = gw.CapturePaymentIntent(ctx, key(), pi.ID, 0)
	must(err, "CapturePaymentIntent")
	re, err := gw.CreateRefund(ctx, key(), domain.RefundParams{PaymentIntentID: pi.ID, Amount: 400, Reason: "requested_by_customer",
		Metadata: map[string]string{"tally_refund": "1", "tally_refund_key": "tally-refund-abc", "tally_sale": "1"}})
	must(err, "CreateRefund")
	prefix(re.ID, "re_")
	got, err := gw.Refund(ctx, re.ID)
	must(err, "Refund")
	if got.ID != re.ID {
		t.Errorf("Refund id = %q, want %q", got.ID, re.ID)
	}
	_, err = gw.CreateRefund(ctx, key(), domain.RefundParams{PaymentIntentID: pi.ID}) // what is left
	must(err, "CreateRefund of the rest")

	pi2, err := gw.CreatePaymentIntent(ctx, key(), domain.PaymentIntentParams{Amount: domain.New(250, eur), PaymentMethodTypes: []string{"card_present"}})
	must(err, "CreatePaymentIntent 2")
	_, err = gw.CancelPaymentIntent(ctx, key(), pi2.ID)
	must(err, "CancelPaymentIntent")

	cs, err := gw.CreateCheckoutSession(ctx, key(), domain.CheckoutParams{
		Amount: domain.New(1299, eur), ProductName: "Sale 2", ExpiresAt: time.Now().Add(time.Hour),
		SuccessMessage: "Thank you!", Metadata: map[string]string{"tally_sale": "2"},
	})
	must(err, "CreateCheckoutSession")
	prefix(cs.ID, "cs_")
	if cs.URL == "" {
		t.Error("CreateCheckoutSession: no URL")
	}
	_, err = gw.CheckoutSession(ctx, cs.ID)
	must(err, "CheckoutSession")
	_, err = gw.ExpireCheckoutSession(ctx, key(), cs.ID)
	must(err, "ExpireCheckoutSession")

	testInvoices(t, gw, key, stateful)

	evs, err := gw.Events(ctx, "", domain.PollEventTypes, 10)
	must(err, "Events")
	if stateful && len(evs) == 0 {
		t.Error("Events: none after a payment and a refund")
	}
	if len(evs) > 0 {
		_, err = gw.Events(ctx, evs[len(evs)-1].ID, domain.PollEventTypes, 100)
		must(err, "Events after a cursor")
	}

	from, to := time.Now().AddDate(0, -1, 0), time.Now().Add(time.Hour)
	txns := 0
	must(gw.BalanceTransactions(ctx, from, to, "", func(l domain.StatementLine) error {
		txns++
		if !strings.HasPrefix(l.Key, "txn_") || l.Currency.IsZero() {
			t.Errorf("balance transaction = %+v", l)
		}
		return nil
	}), "BalanceTransactions")
	if txns == 0 {
		t.Error("BalanceTransactions: none")
	}
	must(gw.BalanceTransactions(ctx, from, to, "po_123", func(domain.StatementLine) error { return nil }), "BalanceTransactions of a payout")
	run, err := gw.CreateReportRun(ctx, key(), "balance_change_from_activity.itemized.3", from, to)
	must(err, "CreateReportRun")
	prefix(run.ID, "frr_")
	_, err = gw.ReportRun(ctx, run.ID)
	must(err, "ReportRun")
	_, err = gw.CancelReaderAction(ctx, key(), rd.ID)
	must(err, "CancelReaderAction")
	must(gw.DeleteReader(ctx, rd.ID), "DeleteReader")

	if _, err := gw.CreatePaymentIntent(ctx, "", domain.PaymentIntentParams{Amount: domain.New(100, eur)}); domain.ErrorCode(err) != domain.EINTERNAL {
		t.Errorf("write without idempotency key: err = %v, want EINTERNAL", err)
	}
}

// testInvoices is Stripe Invoicing's flow: a customer with a VAT number, a
// tax rate, a draft with two lines, finalised, sent, paid out of band; a
// second one voided, a third written off.
func testInvoices(t *testing.T, gw domain.Gateway, key func() domain.IdempotencyKey, stateful bool) {
	t.Helper()
	ctx := context.Background()
	eur := domain.MustCurrency("EUR")
	must := func(err error, what string) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	cu, err := gw.CreateCustomer(ctx, key(), domain.CustomerParams{Name: "Acme GmbH", Email: "books@acme.example",
		Address: domain.Address{Line1: "Hauptstr. 1", City: "Berlin", PostalCode: "10115", Country: "DE"}, VATNumber: "DE123456789",
		Metadata: map[string]string{"tally_customer": "1"}, PreferredLocales: []string{"de"}})
	must(err, "CreateCustomer")
	if !strings.HasPrefix(cu.ID, "cus_") {
		t.Errorf("customer id %q", cu.ID)
	}
	tr, err := gw.CreateTaxRate(ctx, key(), domain.TaxRateParams{DisplayName: "VAT", Percentage: 190000, Inclusive: true, Country: "DE"})
	must(err, "CreateTaxRate")
	if !strings.HasPrefix(tr, "txr_") {
		t.Errorf("tax rate id %q", tr)
	}
	draft := func(n string) domain.Invoice {
		t.Helper()
		inv, err := gw.CreateInvoice(ctx, key(), domain.InvoiceParams{CustomerID: cu.ID, Currency: eur, DueDate: time.Now().AddDate(0, 0, 14),
			Description: "Catering, 12 May", Metadata: map[string]string{"tally_invoice": n}})
		must(err, "CreateInvoice")
		if !strings.HasPrefix(inv.ID, "in_") {
			t.Errorf("invoice id %q", inv.ID)
		}
		if stateful && inv.Status != domain.InvoiceDraft {
			t.Errorf("new invoice status %q", inv.Status)
		}
		_, err = gw.AddInvoiceItem(ctx, key(), domain.InvoiceItemParams{CustomerID: cu.ID, InvoiceID: inv.ID, Currency: eur,
			Description: "Sandwiches", Quantity: 20, UnitAmount: 450, TaxRateID: tr})
		must(err, "AddInvoiceItem")
		_, err = gw.AddInvoiceItem(ctx, key(), domain.InvoiceItemParams{CustomerID: cu.ID, InvoiceID: inv.ID, Currency: eur,
			Description: "Delivery (-10 %)", Amount: 1800})
		must(err, "AddInvoiceItem by amount")
		fin, err := gw.FinalizeInvoice(ctx, key(), inv.ID)
		must(err, "FinalizeInvoice")
		if stateful {
			if fin.Status != domain.InvoiceOpen || fin.Number == "" || fin.HostedURL == "" || fin.PDFURL == "" {
				t.Errorf("finalised invoice = %+v", fin)
			}
			// 20 × 4.50 with 19 % included, and 18.00 without tax.
			if fin.Total != 10800 || fin.Tax != 1437 {
				t.Errorf("finalised total %d tax %d, want 10800 and 1437", fin.Total, fin.Tax)
			}
		}
		return fin
	}
	paid := draft("1")
	_, err = gw.SendInvoice(ctx, key(), paid.ID)
	must(err, "SendInvoice")
	got, err := gw.Invoice(ctx, paid.ID)
	must(err, "Invoice")
	if got.ID != paid.ID {
		t.Errorf("Invoice id %q, want %q", got.ID, paid.ID)
	}
	p, err := gw.PayInvoiceOutOfBand(ctx, key(), paid.ID)
	must(err, "PayInvoiceOutOfBand")
	if stateful && (p.Status != domain.InvoicePaid || !p.PaidOutOfBand || p.PaidAt.IsZero()) {
		t.Errorf("paid out of band = %+v", p)
	}
	v, err := gw.VoidInvoice(ctx, key(), draft("2").ID)
	must(err, "VoidInvoice")
	if stateful && v.Status != domain.InvoiceVoid {
		t.Errorf("voided status %q", v.Status)
	}
	u, err := gw.MarkInvoiceUncollectible(ctx, key(), draft("3").ID)
	must(err, "MarkInvoiceUncollectible")
	if stateful && u.Status != domain.InvoiceUncollectible {
		t.Errorf("written off status %q", u.Status)
	}
	if stateful {
		if _, err := gw.VoidInvoice(ctx, key(), paid.ID); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("void a paid invoice: err = %v, want EINVALID", err)
		}
		evs, err := gw.Events(ctx, "", domain.InvoiceEventTypes, 100)
		must(err, "Events of invoices")
		seen := map[string]int{}
		for _, e := range evs {
			seen[e.Type]++
			if e.Invoice == nil {
				t.Errorf("%s without its invoice", e.Type)
			}
		}
		for _, typ := range []string{"invoice.finalized", "invoice.paid", "invoice.voided", "invoice.marked_uncollectible"} {
			if seen[typ] == 0 {
				t.Errorf("no %s event among %v", typ, seen)
			}
		}
	}
}
