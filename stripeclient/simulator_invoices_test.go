package stripeclient

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tally/domain"
)

// issue makes a customer and an open invoice of 2 × 12.50 with 20 % tax
// added.
func issue(t *testing.T, s *Simulator) domain.Invoice {
	t.Helper()
	ctx := context.Background()
	eur := domain.MustCurrency("EUR")
	cu, err := s.CreateCustomer(ctx, k(), domain.CustomerParams{Name: "Bistro Nord", Email: "a@b.example"})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := s.CreateTaxRate(ctx, k(), domain.TaxRateParams{DisplayName: "VAT", Percentage: 200000})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := s.CreateInvoice(ctx, k(), domain.InvoiceParams{CustomerID: cu.ID, Currency: eur, DueDate: s.clock.Now().AddDate(0, 0, 7)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddInvoiceItem(ctx, k(), domain.InvoiceItemParams{CustomerID: cu.ID, InvoiceID: inv.ID, Currency: eur,
		Description: "Cake", Quantity: 2, UnitAmount: 1250, TaxRateID: tr}); err != nil {
		t.Fatal(err)
	}
	inv, err = s.FinalizeInvoice(ctx, k(), inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if inv.Total != 3000 || inv.Tax != 500 || inv.Status != domain.InvoiceOpen || inv.Number == "" {
		t.Fatalf("finalised = %+v", inv)
	}
	return inv
}

func TestSimulatorInvoicePaidOnItsPage(t *testing.T) {
	s, _, _ := newSim(t)
	inv := issue(t, s)
	ctx := context.Background()
	if _, err := s.AddInvoiceItem(ctx, k(), domain.InvoiceItemParams{CustomerID: inv.CustomerID, InvoiceID: inv.ID, Currency: inv.Currency, Amount: 1}); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("item on an open invoice: %v", err)
	}
	if _, err := s.PayInvoice(inv.ID, domain.CardDeclined); domain.ErrorCode(err) != domain.EDECLINED {
		t.Fatalf("declined card: %v", err)
	}
	got, _ := s.Invoice(ctx, inv.ID)
	if got.Status != domain.InvoiceOpen {
		t.Fatalf("after a decline: %s", got.Status)
	}
	paid, err := s.PayInvoice(inv.ID, domain.CardSucceeds)
	if err != nil {
		t.Fatal(err)
	}
	if paid.Status != domain.InvoicePaid || paid.ChargeID == "" || paid.PaymentIntentID == "" || paid.AmountPaid != 3000 || paid.PaidAt.IsZero() {
		t.Fatalf("paid = %+v", paid)
	}
	if _, err := s.PayInvoice(inv.ID, domain.CardSucceeds); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("paying twice: %v", err)
	}
	evs, _ := s.Events(ctx, "", domain.InvoiceEventTypes, 100)
	var types []string
	for _, e := range evs {
		types = append(types, e.Type)
	}
	if strings.Join(types, " ") != "invoice.finalized invoice.payment_failed invoice.paid" {
		t.Errorf("events = %v", types)
	}
	found := false
	_ = s.BalanceTransactions(ctx, s.clock.Now().Add(-1), s.clock.Now().Add(1), "", func(l domain.StatementLine) error {
		found = found || (l.SourceID == paid.ChargeID && l.Gross == 3000)
		return nil
	})
	if !found {
		t.Error("no balance transaction for the invoice's charge")
	}
}

func TestSimulatorInvoicesSurviveARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sim.json")
	clk := &fixedClock{t: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	s, err := OpenSimulator(path, clk)
	if err != nil {
		t.Fatal(err)
	}
	inv := issue(t, s)
	again, err := OpenSimulator(path, clk)
	if err != nil {
		t.Fatal(err)
	}
	got, err := again.Invoice(context.Background(), inv.ID)
	if err != nil || got.Number != inv.Number || got.Total != 3000 {
		t.Fatalf("after restart: %+v %v", got, err)
	}
	// The numbering goes on, and so do the keys.
	next := issue(t, again)
	if next.Number == inv.Number {
		t.Errorf("number %s given twice", next.Number)
	}
	if _, err := again.PayInvoiceOutOfBand(context.Background(), "oob-1", inv.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := again.PayInvoiceOutOfBand(context.Background(), "oob-1", inv.ID); err != nil {
		t.Errorf("the same key again must give the same answer: %v", err)
	}
}

func TestSimulatorInvoicePDF(t *testing.T) {
	s, _, _ := newSim(t)
	inv := issue(t, s)
	if _, err := s.InvoicePDF(context.Background(), inv); domain.ErrorCode(err) != domain.EUNAVAILABLE {
		t.Errorf("without a PDF writer: %v", err)
	}
	s.SetPDFWriter(func(w io.Writer, title string, lines []string) error {
		_, err := io.WriteString(w, "%PDF-1.4 "+title+"\n"+strings.Join(lines, "\n"))
		return err
	})
	rc, err := s.InvoicePDF(context.Background(), inv)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	if !bytes.HasPrefix(b, []byte("%PDF")) || !bytes.Contains(b, []byte(inv.Number)) || !bytes.Contains(b, []byte(inv.HostedURL)) {
		t.Errorf("PDF = %q", b)
	}
}

func TestClientInvoicePDF(t *testing.T) {
	var auth bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _, auth = r.BasicAuth()
		if r.URL.Path != "/invoice/acct_1/test_abc/pdf" {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		_, _ = w.Write([]byte("%PDF-1.7 invoice"))
	}))
	defer srv.Close()
	c := New("sk_test_1234", srv.URL, nil, nil)
	ctx := context.Background()
	rc, err := c.InvoicePDF(ctx, domain.Invoice{ID: "in_1", PDFURL: srv.URL + "/invoice/acct_1/test_abc/pdf"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "%PDF-1.7 invoice" || auth {
		t.Errorf("PDF %q, secret key sent: %v", b, auth)
	}
	if _, err := c.InvoicePDF(ctx, domain.Invoice{ID: "in_1", PDFURL: srv.URL + "/gone"}); err == nil {
		t.Error("a missing PDF must fail")
	}
	if _, err := c.InvoicePDF(ctx, domain.Invoice{ID: "in_1"}); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("no PDF yet: %v", err)
	}
	if _, err := c.InvoicePDF(ctx, domain.Invoice{ID: "in_1", PDFURL: "http://example.com/x.pdf"}); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("plain http elsewhere: %v", err)
	}
}
