package domain_test

import (
	"context"
	"strings"
	"testing"

	"tally/domain"
)

// TestRemoveImport: a file imported by mistake leaves the books whole,
// with the entries booked from it; what remains still balances, and the
// file imports again as new.
func TestRemoveImport(t *testing.T) {
	ctx := context.Background()
	s, db := newImporter(t)
	recon := &domain.ReconcileService{Store: db}
	for name, content := range map[string]string{"recon.csv": payoutReconciliation, "payouts.csv": payoutItemized} {
		if _, err := imp(t, s, name, content); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := recon.Reconcile(ctx); err != nil {
		t.Fatal(err)
	}
	hist, err := s.History(ctx)
	if err != nil || len(hist) != 2 {
		t.Fatalf("history: %+v %v", hist, err)
	}
	var reconID int64
	for _, h := range hist {
		if h.File == "recon.csv" {
			reconID = h.ID
			if h.Lines != 3 || h.New != 3 || h.FormatID != "payout_reconciliation.itemized" || h.At.IsZero() {
				t.Errorf("recon.csv in the history: %+v", h)
			}
		}
	}
	if hist[0].ID < hist[1].ID {
		t.Error("the history is not newest first")
	}
	pre, err := s.Preview(ctx, reconID)
	if err != nil || pre.Lines != 3 || pre.Entries != 3 || pre.Payments != 0 {
		t.Fatalf("preview: %+v %v", pre, err)
	}
	got, err := s.Remove(ctx, reconID)
	if err != nil || got != pre {
		t.Fatalf("remove: %+v %v, preview said %+v", got, err, pre)
	}
	if !strings.Contains(got.String(), "Removed recon.csv: 3 lines, 3 booked entries.") {
		t.Errorf("said %q", got)
	}
	// What remains: the payout's own line and its entry, balanced.
	counts := lineCounts(t, db)
	if counts.Lines != 1 || counts.Booked != 1 {
		t.Fatalf("after removal: %+v", counts)
	}
	if entries, stripe := checkJournal(t, recon); entries != 1 || stripe != -12510 {
		t.Errorf("%d entries, Stripe balance %d, want 1 and -125.10", entries, stripe)
	}
	if _, err := s.Remove(ctx, reconID); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("removing it again: %v", err)
	}
	// The file imports again as new.
	if res, err := imp(t, s, "recon.csv", payoutReconciliation); err != nil || res.New != 3 {
		t.Fatalf("import again: %+v %v", res, err)
	}
}

// TestRemoveImportOverlap: lines a later import also held were stored by
// the first, so they leave with it; the later file brings them back.
func TestRemoveImportOverlap(t *testing.T) {
	ctx := context.Background()
	s, db := newImporter(t)
	lines := strings.Split(strings.TrimSpace(payoutReconciliation), "\n") // header and three lines
	first := strings.Join(lines[:3], "\n") + "\n"                         // lines a, b
	second := strings.Join(append(lines[:1], lines[2:]...), "\n") + "\n"  // lines b, c
	if _, err := imp(t, s, "first.csv", first); err != nil {
		t.Fatal(err)
	}
	if res, err := imp(t, s, "second.csv", second); err != nil || res.New != 1 {
		t.Fatalf("second: %+v %v", res, err)
	}
	hist, _ := s.History(ctx)
	if _, err := s.Remove(ctx, hist[1].ID); err != nil { // first.csv
		t.Fatal(err)
	}
	if n := lineCounts(t, db).Lines; n != 1 {
		t.Fatalf("%d lines left, want second.csv's own line", n)
	}
	if res, err := imp(t, s, "second.csv", second); err != nil || res.New != 1 {
		t.Fatalf("second again: %+v %v", res, err)
	}
}

func lineCounts(t *testing.T, db domain.Store) domain.LineCounts {
	t.Helper()
	var c domain.LineCounts
	if err := db.View(context.Background(), func(tx domain.Tx) error {
		var err error
		c, err = tx.LineCounts()
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestRemovePaymentsImport: removing a Payments export takes its payment
// records, so the lines they matched are matched no more.
func TestRemovePaymentsImport(t *testing.T) {
	ctx := context.Background()
	s, db := newImporter(t)
	payments := "id,Created date (UTC),Amount,Currency,Fee,Status,PaymentIntent ID,Customer Email\n" +
		"ch_a,2025-11-01 10:00:00,100.00,eur,3.20,Paid,pi_a,ann@example.com\n"
	lines := "balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category,source_id,description\n" +
		"txn_a,2025-11-01 10:00:00,eur,100.00,3.20,96.80,charge,ch_a,Sale A\n"
	for name, content := range map[string]string{"payments.csv": payments, "activity.csv": lines} {
		if _, err := imp(t, s, name, content); err != nil {
			t.Fatal(err)
		}
	}
	recon := &domain.ReconcileService{Store: db}
	if sum, _ := recon.Summary(ctx); sum.Matches.Matched != 1 {
		t.Fatalf("before: %+v", sum.Matches)
	}
	hist, _ := s.History(ctx)
	var id int64
	for _, h := range hist {
		if h.File == "payments.csv" {
			id = h.ID
		}
	}
	res, err := s.Remove(ctx, id)
	if err != nil || res.Payments != 1 || res.Lines != 0 || res.String() != "Removed payments.csv: 1 payment record, 0 booked entries." {
		t.Fatalf("remove: %+v %q %v", res, res, err)
	}
	if sum, _ := recon.Summary(ctx); sum.Matches.Charges != 1 || sum.Matches.Matched != 0 {
		t.Errorf("after: %+v", sum.Matches)
	}
}

// TestRemoveImportCancelled: a removal cancelled before it commits leaves
// everything as it was.
func TestRemoveImportCancelled(t *testing.T) {
	s, db := newImporter(t)
	if _, err := imp(t, s, "recon.csv", payoutReconciliation); err != nil {
		t.Fatal(err)
	}
	if _, err := (&domain.ReconcileService{Store: db}).Reconcile(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	hist, _ := s.History(context.Background())
	if _, err := s.Remove(ctx, hist[0].ID); domain.ErrorCode(err) != domain.ECANCELED {
		t.Fatalf("err = %v", err)
	}
	if c := lineCounts(t, db); c.Lines != 3 || c.Booked != 3 {
		t.Errorf("after a cancelled removal: %+v", c)
	}
}
