package reports

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"tally/domain"
)

var update = flag.Bool("update", false, "rewrite the golden files of the exchange formats")

// exchangeFixture is a small day of a shop in Berlin: a sale with its fee
// and tax, a refund, a payout, in the order Stripe's balance had them.
func exchangeFixture() ([]domain.Entry, []domain.StatementLine, domain.ExportOptions) {
	eur := domain.MustCurrency("EUR")
	berlin, _ := time.LoadLocation("Europe/Berlin")
	at := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	lines := []domain.StatementLine{
		{Key: "txn_0", BalanceTxnID: "txn_0", Category: "charge", SourceID: "ch_0", Created: at("2026-10-31T09:00:00Z"), Currency: eur, Gross: 5000, Fee: 100, Net: 4900, Description: "Before the month", Bookable: true},
		{Key: "txn_1", BalanceTxnID: "txn_1", Category: "charge", SourceID: "ch_1", ChargeID: "ch_1", PaymentIntentID: "pi_1", PayoutID: "po_1", Created: at("2026-11-02T23:30:00Z"), AvailableOn: at("2026-11-05T00:00:00Z"), Currency: eur, Gross: 11900, Fee: 193, Net: 11707, Description: "Register sale #12 – Kaffee & Kuchen <Tisch 4>", Bookable: true},
		{Key: "txn_2", BalanceTxnID: "txn_2", Category: "refund", SourceID: "re_2", ChargeID: "ch_1", PayoutID: "po_1", Created: at("2026-11-03T10:00:00Z"), Currency: eur, Gross: -2000, Net: -2000, Description: "Refund for ch_1", Bookable: true},
		{Key: "txn_3", BalanceTxnID: "txn_3", Category: "payout", SourceID: "po_1", Created: at("2026-11-06T02:00:00Z"), Currency: eur, Gross: -9707, Net: -9707, Description: "STRIPE PAYOUT", Bookable: true},
	}
	entries := []domain.Entry{
		{ID: 1, Date: at("2026-11-02T23:30:00Z"), Currency: eur, Description: "Register sale #12 – Kaffee & Kuchen; a text longer than DATEV's sixty characters", LineKey: "txn_1",
			Postings: []domain.Posting{{Account: "1100", Amount: 11707}, {Account: "6100", Amount: 193}, {Account: "4000", Amount: -10000}, {Account: "2100", Amount: -1900}}},
		{ID: 2, Date: at("2026-11-03T10:00:00Z"), Currency: eur, Description: "Refund for ch_1", LineKey: "txn_2",
			Postings: []domain.Posting{{Account: "1100", Amount: -2000}, {Account: "4900", Amount: 2000}}},
		{ID: 3, Date: at("2026-11-06T02:00:00Z"), Currency: eur, Description: "STRIPE PAYOUT", LineKey: "txn_3",
			Postings: []domain.Posting{{Account: "1100", Amount: -9707}, {Account: "1000", Amount: 9707}}},
	}
	opt := domain.ExportOptions{
		From: time.Date(2026, 11, 1, 0, 0, 0, 0, berlin), To: time.Date(2026, 12, 1, 0, 0, 0, 0, berlin),
		Location: berlin, Currency: "EUR", Account: "acct_1Golden", Shop: "Café Sonne",
		Now:   time.Date(2026, 12, 6, 9, 30, 0, 0, berlin),
		DATEV: domain.DATEVSettings{Consultant: 29098, Client: 55003, Chart: domain.ChartSKR03, YearStart: time.January, AccountLength: 4},
	}
	return entries, lines, opt
}

var exchangeAccounts = []domain.LedgerAccount{
	{Code: "1000", Name: "Bank", Kind: domain.AccountAsset}, {Code: "1100", Name: "Stripe balance", Kind: domain.AccountAsset},
	{Code: "2100", Name: "Sales tax", Kind: domain.AccountLiability}, {Code: "4000", Name: "Sales", Kind: domain.AccountIncome},
	{Code: "4900", Name: "Refunds", Kind: domain.AccountIncome}, {Code: "6100", Name: "Payment fees", Kind: domain.AccountExpense},
}

// TestExchangeGolden writes the fixture in each exchange format and
// compares it with its golden file (go test ./reports -run Golden -update
// rewrites them after a deliberate change).
func TestExchangeGolden(t *testing.T) {
	entries, lines, opt := exchangeFixture()
	for _, tt := range []struct{ format, file string }{
		{domain.FormatDATEV, "EXTF_Buchungsstapel.csv"},
		{domain.FormatCAMT053, "camt053.001.02.xml"},
		{domain.FormatCAMT0538, "camt053.001.08.xml"},
		{domain.FormatOFX, "statement.ofx"},
	} {
		opt.Format = tt.format
		var buf bytes.Buffer
		w, err := NewExportWriter(opt, &buf, exchangeAccounts)
		if err != nil {
			t.Fatal(err)
		}
		switch w := w.(type) {
		case domain.LineWriter:
			for _, l := range lines {
				if err := w.WriteLine(l); err != nil {
					t.Fatal(err)
				}
			}
			err = w.Close()
		case domain.JournalWriter:
			for _, e := range entries {
				if err := w.Write(e); err != nil {
					t.Fatal(err)
				}
			}
			err = w.Close()
		}
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", "exchange", tt.file)
		if *update {
			os.MkdirAll(filepath.Dir(path), 0o755)
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to write it)", err)
		}
		if !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("%s differs from %s:\n%s", tt.format, path, buf.String())
		}
	}
}

// TestCAMTFixture: the month opens with October's line, the sale's fee is
// an entry of its own, and the dates are Berlin's (23:30 UTC on the 2nd is
// the 3rd there).
func TestCAMTFixture(t *testing.T) {
	_, lines, opt := exchangeFixture()
	w, _ := NewCAMTWriter(&bytes.Buffer{}, "02", opt)
	var buf bytes.Buffer
	w.w.Reset(&buf)
	for _, l := range lines {
		w.WriteLine(l)
	}
	w.Close()
	_, stmts, err := ReadCAMT053(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(stmts) != 1 {
		t.Fatalf("%d statements", len(stmts))
	}
	s := stmts[0]
	if s.Opening != 4900 || s.Closing != 4900+11707-2000-9707 || len(s.Entries) != 4 {
		t.Errorf("statement %+v", s)
	}
	if e := s.Entries[0]; e.BookingDay != "2026-11-03" || e.Amount != 11900 || e.EndToEnd != "ch_1" || e.Payout != "po_1" {
		t.Errorf("sale entry %+v", e)
	}
	if e := s.Entries[1]; e.Amount != -193 || e.Ref != "txn_1-fee" {
		t.Errorf("fee entry %+v", e)
	}
}

// FuzzReadExchange: the readers of the exchange formats refuse what they
// cannot read and never panic.
func FuzzReadExchange(f *testing.F) {
	for _, name := range []string{"EXTF_Buchungsstapel.csv", "camt053.001.02.xml", "camt053.001.08.xml", "statement.ofx"} {
		b, err := os.ReadFile(filepath.Join("testdata", "exchange", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ReadDATEV(bytes.NewReader(b))
		ReadCAMT053(bytes.NewReader(b))
		ReadOFX(bytes.NewReader(b))
	})
}
