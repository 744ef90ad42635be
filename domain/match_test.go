package domain_test

import (
	"bytes"
	"context"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"tally/domain"
	"tally/internal/testenv"
	"tally/reports"
	"tally/storage"
)

func TestMatchByStripeIDs(t *testing.T) {
	ctx := context.Background()
	s, db := newImporter(t)
	payments := "id,Created date (UTC),Amount,Currency,Fee,Status,PaymentIntent ID,Customer Email\n" +
		"ch_a,2025-11-01 10:00:00,100.00,eur,3.20,Paid,pi_a,ann@example.com\n" +
		"ch_b,2025-11-01 11:00:00,50.00,eur,1.70,Paid,pi_b,ben@example.com\n"
	lines := "balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category,source_id,payment_intent_id,description\n" +
		"txn_a,2025-11-01 10:00:00,eur,100.00,3.20,96.80,charge,ch_a,,Sale A\n" + // by charge id
		"txn_b,2025-11-01 11:00:00,eur,50.00,1.70,48.30,charge,py_other,pi_b,Sale B\n" + // by PaymentIntent id
		"txn_c,2025-11-02 11:00:00,eur,9.00,0.40,8.60,charge,ch_c,,Sale C\n" // no record
	if _, err := imp(t, s, "payments.csv", payments); err != nil {
		t.Fatal(err)
	}
	if _, err := imp(t, s, "activity.csv", lines); err != nil {
		t.Fatal(err)
	}
	recon := &domain.ReconcileService{Store: db}
	sum, err := recon.Summary(ctx)
	if err != nil || sum.Matches.Charges != 3 || sum.Matches.Matched != 2 {
		t.Fatalf("matches = %+v %v", sum.Matches, err)
	}
	v, _, err := recon.Lines(ctx, domain.LineFilter{}, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, l := range v {
		got[l.Key] = l.Payment
	}
	if got["txn_a"] != "ch_a" || got["txn_b"] != "ch_b" || got["txn_c"] != "" {
		t.Errorf("matched = %v", got)
	}
	// The filters of matched and unmatched charge lines.
	for status, want := range map[string]string{"matched": "txn_a txn_b", "unmatched": "txn_c"} {
		v, n, err := recon.Lines(ctx, domain.LineFilter{Status: status}, 0, 10)
		var keys []string
		for _, l := range v {
			keys = append(keys, l.Key)
		}
		sort.Strings(keys)
		if err != nil || strings.Join(keys, " ") != want || n != len(v) {
			t.Errorf("%s: %v (%d), %v; want %s", status, keys, n, err, want)
		}
	}
}

// BenchmarkMatch100k matches 100,000 charge lines against 100,000 payment
// records by Stripe id.
func BenchmarkMatch100k(b *testing.B) {
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(b.TempDir(), "m.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	s := &domain.ImportService{Store: db, Parser: reports.Parser{}, Clock: domain.SystemClock{}}
	var pay, act bytes.Buffer
	pay.WriteString("id,Created date (UTC),Amount,Currency,Fee,Status,PaymentIntent ID\n")
	act.WriteString("balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category,source_id\n")
	for i := 0; i < 100000; i++ {
		id := strconv.Itoa(1000000 + i)
		pay.WriteString("ch_" + id + ",2025-11-01 10:00:00,10.00,eur,0.30,Paid,pi_" + id + "\n")
		act.WriteString("txn_" + id + ",2025-11-01 10:00:00,eur,10.00,0.30,9.70,charge,ch_" + id + "\n")
	}
	for name, data := range map[string][]byte{"p.csv": pay.Bytes(), "a.csv": act.Bytes()} {
		if _, err := s.Import(ctx, domain.ImportRequest{Name: name, Reader: bytes.NewReader(data)}); err != nil {
			b.Fatal(err)
		}
	}
	recon := &domain.ReconcileService{Store: db}
	b.ResetTimer()
	for b.Loop() {
		sum, err := recon.Summary(ctx)
		if err != nil || sum.Matches.Matched != 100000 {
			b.Fatalf("%+v %v", sum.Matches, err)
		}
	}
}

// TestBalanceSummaryCheck uses the real cgge exports: the summary's change
// of balance must equal the net of the 18 activity and 10 payout lines.
func TestBalanceSummaryCheck(t *testing.T) {
	ctx := context.Background()
	dir := testenv.Samples(t)
	s, db := newImporter(t)
	for _, name := range []string{
		"stripe-dashboard__cgge_Balance_Summary_HKD_2025-11-01_to_2025-11-29_UTC.csv",
		"stripe-dashboard__cgge_Itemised_balance_change_from_activity_HKD_2025-11-01_to_2025-11-29_UTC.csv",
	} {
		if _, err := importPath(s, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	recon := &domain.ReconcileService{Store: db}
	sum, err := recon.Summary(ctx)
	if err != nil || len(sum.Summaries) != 1 {
		t.Fatalf("summaries = %+v %v", sum.Summaries, err)
	}
	if c := sum.Summaries[0]; c.OK() || !strings.Contains(c.Status(), "import the period's balance change and payouts reports") {
		t.Fatalf("without the payouts the check must fail: %s", c.Status())
	}
	if _, err := importPath(s, filepath.Join(dir, "stripe-dashboard__cgge_Itemised_payouts_HKD_2025-11-01_to_2025-11-29_UTC.csv")); err != nil {
		t.Fatal(err)
	}
	sum, _ = recon.Summary(ctx)
	if c := sum.Summaries[0]; !c.OK() || c.Lines != 28 || c.Ending-c.Starting != 551838 {
		t.Fatalf("check = %+v: %s", c, c.Status())
	}
	// The same summary imported again adds nothing and is checked once.
	res, err := importPath(s, filepath.Join(dir, "stripe-dashboard__cgge_Balance_Summary_HKD_2025-11-01_to_2025-11-29_UTC.csv"))
	if err != nil || res.New != 0 || !strings.Contains(res.String(), "8 rows, 0 new") {
		t.Fatalf("again: %q %v", res, err)
	}
	if sum, _ = recon.Summary(ctx); len(sum.Summaries) != 1 {
		t.Fatalf("%d checks after importing the summary twice", len(sum.Summaries))
	}
	// A summary of the same period with other figures is checked beside it.
	other := "category,description,net_amount,currency\n" +
		"starting_balance,Starting balance (2025-11-01),367.38,hkd\n" +
		"ending_balance,Ending balance (2025-11-29),9999.00,hkd\n"
	if res, err := imp(t, s, "Balance_Summary_HKD_2025-11-01_to_2025-11-29_UTC.csv", other); err != nil || res.New != 2 {
		t.Fatalf("other figures: %q %v", res, err)
	}
	if sum, _ = recon.Summary(ctx); len(sum.Summaries) != 2 || sum.Summaries[0].OK() == sum.Summaries[1].OK() {
		t.Fatalf("checks: %+v", sum.Summaries)
	}
}
