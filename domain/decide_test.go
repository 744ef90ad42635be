package domain_test

import (
	"context"
	"strings"
	"testing"

	"tally/domain"
)

func TestDecisionQueue(t *testing.T) {
	ctx := context.Background()
	s, db := newImporter(t)
	if _, err := imp(t, s, "adj.csv", withAdjustments); err != nil {
		t.Fatal(err)
	}
	rules := &domain.RuleService{Store: db}
	recon := &domain.ReconcileService{Store: db}
	if _, err := rules.Save(ctx, domain.Rule{Name: "Corrections", Description: `correction`, Account: domain.AcctPaymentFees, Label: "FX"}); err != nil {
		t.Fatal(err)
	}
	// txn_1 books as a sale, txn_3 waits on the suggestion, txn_2 and txn_4 are parked in suspense.
	if res, err := recon.Reconcile(ctx); err != nil || res.Waiting != 1 || res.Counts.Suspense != 2 {
		t.Fatalf("reconcile: %+v %v", res, err)
	}
	line := func(key string) domain.LineView {
		t.Helper()
		v, _, err := recon.Lines(ctx, domain.LineFilter{Key: key}, 0, 1)
		if err != nil || len(v) != 1 {
			t.Fatalf("line %s: %v %v", key, v, err)
		}
		return v[0]
	}
	if v := line("txn_2"); !v.Booked || !v.Parked {
		t.Fatalf("txn_2 should be parked in suspense: %+v", v)
	}

	t.Run("Suggest", func(t *testing.T) {
		for _, tc := range []struct{ key, account, rule, why string }{
			{"txn_3", domain.AcctPaymentFees, "Corrections", "Corrections"},
			{"txn_1", domain.AcctSales, "", "charge lines"},
			{"txn_4", "", "", "choose its account"},
		} {
			sg, err := recon.Suggest(ctx, tc.key)
			if err != nil || sg.Account != tc.account || sg.Rule != tc.rule || !strings.Contains(sg.Why, tc.why) {
				t.Errorf("Suggest(%s) = %+v %v", tc.key, sg, err)
			}
		}
	})

	t.Run("OK", func(t *testing.T) {
		e, err := recon.Book(ctx, domain.BookRequest{Key: "txn_3", Account: domain.AcctPaymentFees, Label: "FX"})
		if err != nil || e.Postings[1].Account != domain.AcctPaymentFees || !strings.HasPrefix(e.Description, "FX: ") {
			t.Fatalf("book txn_3: %+v %v", e, err)
		}
		// A parked line: its suspense entry is replaced, not doubled.
		if _, err := recon.Book(ctx, domain.BookRequest{Key: "txn_2", Account: domain.AcctSales}); err != nil {
			t.Fatal(err)
		}
		if v := line("txn_2"); !v.Booked || v.Parked || !strings.HasPrefix(v.Account, domain.AcctSales) {
			t.Fatalf("txn_2 after booking: %+v", v)
		}
		_, waiting, err := recon.Lines(ctx, domain.LineFilter{Status: "queue"}, 0, 10)
		if err != nil || waiting != 1 {
			t.Fatalf("queue after two decisions: %d %v", waiting, err)
		}
		// Booking again (a run of Reconcile) leaves the decisions as they are.
		res, err := recon.Reconcile(ctx)
		if err != nil || res.Booked != 0 || res.Counts.Booked != 4 || res.Counts.Suspense != 1 {
			t.Fatalf("reconcile after the decisions: %+v %v", res, err)
		}
		if v := line("txn_2"); !strings.HasPrefix(v.Account, domain.AcctSales) {
			t.Fatalf("reconcile moved txn_2: %+v", v)
		}
		// Every entry balances, and the Stripe balance is the sum of the nets (EUR 95.30, USD 7.00).
		bals, err := recon.Balances(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int64{}
		for _, b := range bals {
			if b.Account == domain.AcctStripeBalance {
				got[b.Balance.Currency.Code()] = b.Balance.Amount
			}
		}
		if got["EUR"] != 9530 || got["USD"] != 700 {
			t.Fatalf("Stripe balance = %v", got)
		}
	})

	t.Run("ErrConflict", func(t *testing.T) {
		_, err := recon.Book(ctx, domain.BookRequest{Key: "txn_1", Account: domain.AcctRefunds})
		if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(domain.ErrorMessage(err), "already booked to 4000") {
			t.Fatalf("booking a booked line: %v", err)
		}
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		for _, acct := range []string{"", "9999", domain.AcctSuspense, domain.AcctStripeBalance} {
			_, err := recon.Book(ctx, domain.BookRequest{Key: "txn_4", Account: acct})
			fe, ok := err.(*domain.FieldError)
			if !ok || fe.Field != "account" {
				t.Errorf("Book to %q = %v, want a field error on account", acct, err)
			}
		}
		if v := line("txn_4"); !v.Parked {
			t.Fatalf("a refused decision changed txn_4: %+v", v)
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := recon.Book(ctx, domain.BookRequest{Key: "txn_nope", Account: domain.AcctSales}); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Fatalf("unknown line: %v", err)
		}
		if _, err := recon.Suggest(ctx, ""); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("no line: %v", err)
		}
	})
}

func TestCustomerFacing(t *testing.T) {
	eur := domain.MustCurrency("EUR")
	for _, tc := range []struct {
		extra domain.Fields
		want  string
	}{
		{domain.Fields{{Name: "customer_facing_amount", Value: "120.00"}, {Name: "customer_facing_currency", Value: "usd"}}, "120.00 USD"},
		{domain.Fields{{Name: "Customer Facing Amount", Value: "99"}, {Name: "Customer Facing Currency", Value: "jpy"}}, "99 JPY"},
		{domain.Fields{{Name: "customer_facing_amount", Value: "100.00"}, {Name: "customer_facing_currency", Value: "eur"}}, ""},
		{domain.Fields{{Name: "customer_facing_amount", Value: "100.00"}}, ""},
		{nil, ""},
	} {
		l := domain.StatementLine{Currency: eur, Extra: tc.extra}
		if got := l.CustomerFacing(); got != tc.want {
			t.Errorf("CustomerFacing(%v) = %q, want %q", tc.extra, got, tc.want)
		}
	}
}
