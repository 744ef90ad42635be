package domain_test

import (
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"tally/domain"
	"tally/internal/testenv"
	"tally/reports"
)

// copyDir copies the files of a data folder: the same books twice.
func copyDir(t *testing.T, from, to string) {
	t.Helper()
	testenv.CopyData(t, from, to)
	names, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if n.IsDir() {
			continue
		}
		src, err := os.Open(filepath.Join(from, n.Name()))
		if err != nil {
			t.Fatal(err)
		}
		dst, err := os.Create(filepath.Join(to, n.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(dst, src); err != nil {
			t.Fatal(err)
		}
		src.Close()
		dst.Close()
	}
}

func journal(t *testing.T, recon *domain.ReconcileService) []domain.Entry {
	t.Helper()
	var out []domain.Entry
	if err := recon.Journal(ctx, func(e domain.Entry) error {
		out = append(out, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestBookingInSetsBooksAsLineByLine: the same books, booked line by line
// (the old way) and in sets, give the same entries, ids and postings in
// order, and the same result: register sales and refunds matched, rules
// that book and rules that only suggest, suspense, and a second run that
// takes lines back from suspense.
func TestBookingInSetsBooksAsLineByLine(t *testing.T) {
	r := newTill(t)
	s1, _ := r.cardSale(1000, domain.CardSucceeds)
	r.cardSale(2500, domain.CardSucceeds)
	s3 := r.sale(500)
	must(t)(r.reg.PayCash(ctx, s3.ID, r.cash, 500))
	if _, err := r.pay.Refund(ctx, r.owner(), domain.RefundRequest{SaleID: s1.ID, Amount: 300}); err != nil {
		t.Fatal(err)
	}
	imports := &domain.ImportService{Store: r.books, Clock: r.clock}
	fetch := &domain.FetchService{Connection: r.reg.Connection, Import: imports, Poll: time.Millisecond}
	if _, err := fetch.Fetch(ctx, domain.FetchRequest{From: r.clock.Now().AddDate(0, 0, -30), To: r.clock.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	csv := &domain.ImportService{Store: r.books, Parser: reports.Parser{}, Clock: r.clock}
	if _, err := imp(t, csv, "adj.csv", withAdjustments+"txn_5,2025-11-05 10:00:00,eur,-3.00,0.00,-3.00,adjustment,\n"); err != nil {
		t.Fatal(err)
	}
	rules := &domain.RuleService{Store: r.books}
	for _, rule := range []domain.Rule{
		{Name: "Payouts to the bank", Category: "payout", Account: domain.AcctBank, Label: "Bank", AutoBook: true},
		{Name: "Big charges", Category: "charge", Description: `.`, MinGross: ptr(2000), Account: domain.AcctSales, Label: "Big"},
		{Name: "Goodwill", Category: "adjustment", Description: `goodwill`, Currency: "EUR", Account: domain.AcctSales, Label: "Stripe", AutoBook: true},
	} {
		if _, err := rules.Save(ctx, rule); err != nil {
			t.Fatal(err)
		}
	}
	dir2 := t.TempDir()
	r.books.Close()
	copyDir(t, r.dir, dir2)
	r = r.restart()
	r2 := openTill(t, dir2, r.clock)

	old := &domain.ReconcileService{Store: r.books, Till: r.books, LineByLine: true}
	sets := &domain.ReconcileService{Store: r2.books, Till: r2.books}
	for run := 1; run <= 2; run++ {
		a, err := old.Reconcile(ctx)
		if err != nil {
			t.Fatal(err)
		}
		b, err := sets.Reconcile(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("run %d: line by line %+v, in sets %+v", run, a, b)
		}
		t.Logf("run %d: %+v", run, a)
		if run == 1 && (a.Booked == 0 || a.MatchedToSales == 0 || a.Waiting == 0 || a.RefundsBooked == 0 || a.Counts.Suspense == 0) {
			t.Fatalf("the books do not exercise every path: %+v", a)
		}
		ja, jb := journal(t, old), journal(t, sets)
		if len(ja) != len(jb) {
			t.Fatalf("run %d: %d entries line by line, %d in sets", run, len(ja), len(jb))
		}
		for i := range ja {
			if !reflect.DeepEqual(ja[i], jb[i]) {
				t.Fatalf("run %d, entry %d:\nline by line %+v\nin sets      %+v", run, i, ja[i], jb[i])
			}
		}
	}
}

func ptr(v int64) *int64 { return &v }
