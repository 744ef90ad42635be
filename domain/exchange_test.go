package domain_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tally/domain"
	"tally/internal/testenv"
	"tally/reports"
	"tally/storage"
)

// exchangeBooks are books with every sample imported and booked, and
// register-like entries of four postings (a sale with its fee and tax) in
// EUR, across a year's end.
func exchangeBooks(t *testing.T) (*domain.ReconcileService, *storage.DB) {
	t.Helper()
	ctx := context.Background()
	s, db := newImporter(t)
	files, _ := filepath.Glob(filepath.Join(testenv.Samples(t), "*.csv"))
	for _, f := range files {
		if _, err := importPath(s, f); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	eur := domain.MustCurrency("EUR")
	for i, day := range []string{"2025-12-30", "2025-12-31", "2026-01-02", "2026-03-15"} {
		d, _ := time.Parse("2006-01-02", day)
		e := domain.Entry{Date: d.Add(10 * time.Hour), Currency: eur, Description: "Register sale #" + day + " \"Kaffee; Kuchen\" – Straße",
			SaleRef: "sale-" + day, Postings: []domain.Posting{
				{Account: domain.AcctStripeBalance, Amount: 11574 + int64(i)},
				{Account: domain.AcctPaymentFees, Amount: 326},
				{Account: domain.AcctSales, Amount: -10000 - int64(i)},
				{Account: domain.AcctSalesTax, Amount: -1900},
			}}
		if err := db.Update(ctx, func(tx domain.Tx) error { return tx.InsertEntry(&e) }); err != nil {
			t.Fatal(err)
		}
	}
	recon := &domain.ReconcileService{Store: db, Exporters: reports.NewExportWriter}
	if _, err := recon.Reconcile(ctx); err != nil {
		t.Fatal(err)
	}
	return recon, db
}

// TestDATEVBatchesAddUpToTheLedger exports every batch of the books (each
// currency, each financial year) and reads each back: the format's rules
// hold, and every DATEV account's bookings sum to the ledger's postings on
// the Tally accounts it stands for.
func TestDATEVBatchesAddUpToTheLedger(t *testing.T) {
	ctx := context.Background()
	recon, _ := exchangeBooks(t)
	for _, chart := range []string{domain.ChartSKR03, domain.ChartSKR04} {
		d := domain.DATEVSettings{Consultant: 29098, Client: 55003, Chart: chart, YearStart: time.January, AccountLength: 4}
		// The batches the books need, and what each should hold.
		type batch struct {
			cur      string
			from, to time.Time
		}
		want := map[batch]map[string]int64{}
		entries := map[batch]int{}
		err := recon.Journal(ctx, func(e domain.Entry) error {
			from, to := d.BatchPeriod(e.Date.UTC())
			b := batch{e.Currency.Code(), from, to}
			if want[b] == nil {
				want[b] = map[string]int64{}
			}
			entries[b]++
			for _, p := range e.Postings {
				acct, err := d.AccountFor(p.Account)
				if err != nil {
					return err
				}
				want[b][acct] += p.Amount
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(want) < 4 {
			t.Fatalf("the books should need batches in several currencies and years, got %d", len(want))
		}
		for b, balances := range want {
			var buf bytes.Buffer
			res, err := recon.ExportWith(ctx, domain.ExportOptions{Format: domain.FormatDATEV, Location: time.UTC, Currency: b.cur,
				From: b.from, To: b.to, DATEV: d}, &buf)
			if err != nil {
				t.Fatalf("%s %v: %v", b.cur, b.from, err)
			}
			if res.Entries != entries[b] {
				t.Errorf("%s %v: %d entries written, want %d", b.cur, b.from, res.Entries, entries[b])
			}
			got, err := reports.ReadDATEV(&buf)
			if err != nil {
				t.Fatalf("%s %v: the batch does not read back: %v", b.cur, b.from, err)
			}
			if got.Header[21] != b.cur || got.Header[26] != chart {
				t.Errorf("header currency %q chart %q", got.Header[21], got.Header[26])
			}
			sums := got.Balances()
			for acct, n := range balances {
				if sums[acct] != n {
					t.Errorf("%s %s %v: DATEV account %s sums to %d, the ledger to %d", chart, b.cur, b.from.Year(), acct, sums[acct], n)
				}
			}
			for acct, n := range sums {
				if _, ok := balances[acct]; !ok && n != 0 {
					t.Errorf("DATEV account %s has %d the ledger does not", acct, n)
				}
			}
		}
	}
}

// TestDATEVText: the booking text is cut at 60 characters and in
// Windows-1252, a sale is three bookings against the Stripe balance, and
// the owner's mapping wins over the chart's.
func TestDATEVText(t *testing.T) {
	ctx := context.Background()
	recon, _ := exchangeBooks(t)
	d := domain.DATEVSettings{Consultant: 1001, Client: 1, Accounts: map[string]string{domain.AcctSales: "8400"}}
	if err := recon.SaveDATEVSettings(ctx, d); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	res, err := recon.ExportWith(ctx, domain.ExportOptions{Format: domain.FormatDATEV, Currency: "EUR", Location: time.UTC}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	// The latest EUR entry is of 2026: that year's batch, from January.
	if res.From.Format("2006-01-02") != "2026-01-01" || res.To.Format("2006-01-02") != "2027-01-01" {
		t.Errorf("period %v – %v", res.From, res.To)
	}
	raw := buf.Bytes()
	if !bytes.Contains(raw, []byte("Stra\xdfe")) || bytes.Contains(raw, []byte("Straße")) {
		t.Error("the text is not in Windows-1252")
	}
	b, err := reports.ReadDATEV(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var sale []reports.DATEVBooking
	for _, k := range b.Bookings {
		if strings.HasPrefix(k.Text, "Register sale #2026-01-02") {
			sale = append(sale, k)
		}
	}
	if len(sale) != 3 {
		t.Fatalf("the sale is %d bookings, want 3: %+v", len(sale), sale)
	}
	for _, k := range sale {
		if k.Contra != "1210" || k.Day.Format("0102") != "0102" || len([]rune(k.Text)) > 60 {
			t.Errorf("booking %+v", k)
		}
		if k.Account == "8400" && (k.Debit || k.Amount != 10002) {
			t.Errorf("sales booking %+v: want 100,02 H on 8400 (the owner's mapping)", k)
		}
	}
	if got := b.Header[10] + "/" + b.Header[11]; got != "1001/1" {
		t.Errorf("consultant/client %s", got)
	}

	// Wrong settings are said, not written.
	for _, bad := range []domain.DATEVSettings{
		{Consultant: 1000, Client: 1}, {Consultant: 1001, Client: 100000}, {Consultant: 1001, Client: 1, Chart: "05"},
		{Consultant: 1001, Client: 1, Accounts: map[string]string{"4000": "84OO"}},
		{Consultant: 1001, Client: 1, Accounts: map[string]string{"4000": "840000"}},
	} {
		if err := recon.SaveDATEVSettings(ctx, bad); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("%+v saved: %v", bad, err)
		}
	}
	// A period across two years is refused with what to do.
	_, err = recon.ExportWith(ctx, domain.ExportOptions{Format: domain.FormatDATEV, Currency: "EUR", Location: time.UTC,
		From: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)}, &buf)
	if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), "Export each year on its own") {
		t.Errorf("a batch across years: %v", err)
	}
	// A currency the books do not hold.
	_, err = recon.ExportWith(ctx, domain.ExportOptions{Format: domain.FormatDATEV, Currency: "CHF", Location: time.UTC}, &buf)
	if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), "no entries in CHF") {
		t.Errorf("a currency without entries: %v", err)
	}
}

// TestDATEVNeedsTheAdviser: without the consultant and client numbers the
// export says where to give them.
func TestDATEVNeedsTheAdviser(t *testing.T) {
	recon, _ := exchangeBooks(t)
	_, err := recon.ExportWith(context.Background(), domain.ExportOptions{Format: domain.FormatDATEV, Currency: "EUR"}, &bytes.Buffer{})
	if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), "consultant and client numbers") {
		t.Errorf("no DATEV settings: %v", err)
	}
}

// statementLines returns the bookable lines of the books.
func statementLines(t *testing.T, db *storage.DB) []domain.StatementLine {
	var out []domain.StatementLine
	err := db.View(context.Background(), func(tx domain.Tx) error {
		return tx.StatementLines(func(l domain.StatementLine) error {
			if l.Bookable {
				out = append(out, l)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCAMT053Statements: both versions parse; in each statement opening
// plus entries is closing; each currency's statements follow on; every
// line is there once (its fee once more), and the entries sum to the
// lines' nets.
func TestCAMT053Statements(t *testing.T) {
	ctx := context.Background()
	recon, db := exchangeBooks(t)
	lines := statementLines(t, db)
	for _, format := range []string{domain.FormatCAMT053, domain.FormatCAMT0538} {
		var buf bytes.Buffer
		res, err := recon.ExportWith(ctx, domain.ExportOptions{Format: format, Location: time.UTC, Account: "acct_1Test"}, &buf)
		if err != nil {
			t.Fatal(err)
		}
		if res.Lines != len(lines) {
			t.Errorf("%s: %d lines written, want %d", format, res.Lines, len(lines))
		}
		version, stmts, err := reports.ReadCAMT053(&buf)
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if (format == domain.FormatCAMT053) != (version == "02") || len(stmts) != res.Statements {
			t.Errorf("%s: version %s, %d statements (said %d)", format, version, len(stmts), res.Statements)
		}
		closing := map[string]int64{}
		refs := map[string]int{}
		net := map[string]int64{}
		for _, s := range stmts {
			if s.Opening != closing[s.Currency] {
				t.Errorf("%s opens at %d, the last one closed at %d", s.ID, s.Opening, closing[s.Currency])
			}
			closing[s.Currency] = s.Closing
			for _, e := range s.Entries {
				refs[e.Ref]++
				net[s.Currency] += e.Amount
			}
		}
		for ref, n := range refs {
			if n > 1 {
				t.Errorf("%s: reference %s is on %d entries", format, ref, n)
			}
		}
		want := map[string]int64{}
		for _, l := range lines {
			want[l.Currency.Code()] += l.Net
			ref := l.BalanceTxnID
			if ref == "" {
				ref = l.Key
			}
			if len(ref) > 35 {
				continue // a composite key is cut to the field's length
			}
			wantN := 0
			if l.Gross != 0 || l.Fee == 0 {
				wantN = 1
			}
			if refs[ref] != wantN {
				t.Errorf("%s: line %s is in the statements %d times", format, ref, refs[ref])
			}
			if l.Fee != 0 && len(ref) <= 31 && refs[ref+"-fee"] != 1 {
				t.Errorf("%s: the fee of %s is in the statements %d times", format, ref, refs[ref+"-fee"])
			}
		}
		for c, n := range want {
			if net[c] != n || closing[c] != n {
				t.Errorf("%s %s: entries sum to %d and close at %d, the lines' nets to %d", format, c, net[c], closing[c], n)
			}
		}
	}
}

// TestCAMT053Period: a period's first statement opens with what the lines
// before it left.
func TestCAMT053Period(t *testing.T) {
	ctx := context.Background()
	recon, db := exchangeBooks(t)
	from := time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	var before int64
	n := 0
	for _, l := range statementLines(t, db) {
		if l.Currency.Code() == "HKD" && l.Created.Before(from) {
			before += l.Net
		}
		if !l.Created.Before(from) && l.Created.Before(to) {
			n++
		}
	}
	var buf bytes.Buffer
	res, err := recon.ExportWith(ctx, domain.ExportOptions{Format: domain.FormatCAMT053, Location: time.UTC, From: from, To: to}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	_, stmts, err := reports.ReadCAMT053(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if res.Lines != n || n == 0 {
		t.Errorf("%d lines written, %d in November", res.Lines, n)
	}
	for _, s := range stmts {
		if !strings.HasSuffix(s.ID, "2025-11") {
			t.Errorf("statement %s is outside the period", s.ID)
		}
		if s.Currency == "HKD" && s.Opening != before {
			t.Errorf("November opens at %d, the lines before left %d", s.Opening, before)
		}
	}
}

// TestOFXStatements: each currency's moves sum to its ledger balance and
// every FITID is unique.
func TestOFXStatements(t *testing.T) {
	recon, db := exchangeBooks(t)
	var buf bytes.Buffer
	if _, err := recon.ExportWith(context.Background(), domain.ExportOptions{Format: domain.FormatOFX, Location: time.UTC}, &buf); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "<?xml") || !strings.Contains(buf.String(), `<?OFX OFXHEADER="200" VERSION="220"`) {
		t.Fatal("not an OFX 2.2 file")
	}
	stmts, err := reports.ReadOFX(&buf)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{}
	for _, l := range statementLines(t, db) {
		want[l.Currency.Code()] += l.Net
	}
	ids := map[string]bool{}
	for _, s := range stmts {
		var sum int64
		for _, m := range s.Moves {
			if ids[m.Ref] {
				t.Errorf("FITID %s twice", m.Ref)
			}
			ids[m.Ref] = true
			sum += m.Amount
		}
		if sum != s.Ledger || sum != want[s.Currency] {
			t.Errorf("%s: moves %d, ledger balance %d, lines %d", s.Currency, sum, s.Ledger, want[s.Currency])
		}
	}
	if len(stmts) != len(want) {
		t.Errorf("%d statements for %d currencies", len(stmts), len(want))
	}
}
