package domain_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"tally/domain"
	"tally/stripeclient"
)

func TestFetch(t *testing.T) {
	ctx := context.Background()
	s, db := newImporter(t)
	sim := stripeclient.NewDemoSimulator(nil)
	conn := domain.NewConnection(simConnector{sim}, sim)
	f := &domain.FetchService{Connection: conn, Import: s, Poll: time.Millisecond}
	from, to := time.Now().AddDate(0, 0, -30), time.Now().Add(time.Hour)
	t.Run("BalanceTransactions", func(t *testing.T) {
		res, err := f.Fetch(ctx, domain.FetchRequest{From: from, To: to})
		if err != nil || res.Lines != 9 || res.New != 9 {
			t.Fatalf("fetch: %+v %v", res, err)
		}
		again, err := f.Fetch(ctx, domain.FetchRequest{From: from, To: to})
		if err != nil || again.New != 0 {
			t.Fatalf("fetch again: %+v %v", again, err)
		}
		// The demo payout adds up.
		recon := &domain.ReconcileService{Store: db}
		r, err := recon.Reconcile(ctx)
		if err != nil || len(r.Payouts) != 1 || !r.Payouts[0].OK() {
			t.Fatalf("payout check = %+v %v", r.Payouts, err)
		}
	})
	t.Run("ReportSameLinesAddNothing", func(t *testing.T) {
		res, err := f.Fetch(ctx, domain.FetchRequest{From: from, To: to, ReportType: "balance_change_from_activity.itemized.3"})
		if err != nil || res.Lines != 9 || res.New != 0 || !strings.Contains(res.Format.ID, "payout_reconciliation") {
			t.Fatalf("report: %+v %v", res, err)
		}
	})
	t.Run("ErrEmptyPeriod", func(t *testing.T) {
		if _, err := f.Fetch(ctx, domain.FetchRequest{From: to, To: from}); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrLostConnection", func(t *testing.T) {
		sim.FailNext(domain.Errorf(domain.EUNAVAILABLE, "Could not connect to Stripe."))
		if _, err := f.Fetch(ctx, domain.FetchRequest{From: from, To: to}); domain.ErrorCode(err) != domain.EUNAVAILABLE {
			t.Fatalf("err = %v", err)
		}
	})
}
