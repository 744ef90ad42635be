package domain_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"tally/domain"
)

const withAdjustments = `balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category,description
txn_1,2025-11-01 10:00:00,eur,100.00,3.20,96.80,charge,Sale A
txn_2,2025-11-02 10:00:00,eur,2.50,0.00,2.50,adjustment,Stripe goodwill credit
txn_3,2025-11-03 10:00:00,eur,-4.00,0.00,-4.00,adjustment,Currency conversion correction
txn_4,2025-11-04 10:00:00,usd,7.00,0.00,7.00,adjustment,Stripe goodwill credit
`

func TestRules(t *testing.T) {
	ctx := context.Background()
	s, db := newImporter(t)
	if _, err := imp(t, s, "adj.csv", withAdjustments); err != nil {
		t.Fatal(err)
	}
	rules := &domain.RuleService{Store: db}
	recon := &domain.ReconcileService{Store: db}
	first, err := recon.Reconcile(ctx)
	if err != nil || first.Booked != 4 || first.Counts.Suspense != 3 {
		t.Fatalf("first run: %+v %v", first, err)
	}
	t.Run("ErrValidation", func(t *testing.T) {
		for _, tc := range []struct {
			r     domain.Rule
			field string
		}{
			{domain.Rule{Name: "x", Account: "4000", Description: "(unclosed"}, "description"},
			{domain.Rule{Name: "x", Account: "4000"}, "description"},
			{domain.Rule{Account: "4000", Category: "adjustment"}, "name"},
			{domain.Rule{Name: "x", Category: "adjustment"}, "account"},
			{domain.Rule{Name: "x", Account: "9999", Category: "adjustment"}, "account"},
			{domain.Rule{Name: "x", Account: "4000", Category: "adjustment", Currency: "euro"}, "currency"},
		} {
			_, err := rules.Save(ctx, tc.r)
			fe, ok := err.(*domain.FieldError)
			if !ok || fe.Field != tc.field {
				t.Errorf("Save(%+v) = %v, want a field error on %s", tc.r, err, tc.field)
			}
		}
	})
	goodwill := domain.Rule{Name: "Goodwill", Description: `goodwill`, Category: "adjustment", Currency: "eur", Account: domain.AcctSales, AutoBook: true}
	t.Run("Preview", func(t *testing.T) {
		p, err := rules.Preview(ctx, goodwill, 10)
		if err != nil || p.Count != 1 || p.Lines[0].Description != "Stripe goodwill credit" || p.Net[domain.MustCurrency("EUR")] != 250 {
			t.Fatalf("preview = %+v %v", p, err)
		}
		any := goodwill
		any.Currency = ""
		if p, _ := rules.Preview(ctx, any, 10); p.Count != 2 {
			t.Fatalf("without the currency condition: %d", p.Count)
		}
	})
	t.Run("AutoBookTakesFromSuspense", func(t *testing.T) {
		if _, err := rules.Save(ctx, goodwill); err != nil {
			t.Fatal(err)
		}
		res, err := recon.Reconcile(ctx)
		if err != nil || res.Booked != 1 || res.Counts.Suspense != 2 {
			t.Fatalf("after the rule: %+v %v", res, err)
		}
		var found bool
		_ = recon.Journal(ctx, func(e domain.Entry) error {
			if e.LineKey == "txn_2" {
				found = e.Postings[1].Account == domain.AcctSales && strings.HasPrefix(e.Description, "Stripe goodwill")
			}
			return nil
		})
		if !found {
			t.Error("txn_2 is not booked to Sales")
		}
	})
	t.Run("SuggestOnlyWaits", func(t *testing.T) {
		r := domain.Rule{Name: "Corrections", Description: `correction`, Account: domain.AcctPaymentFees, Label: "FX"}
		if _, err := rules.Save(ctx, r); err != nil {
			t.Fatal(err)
		}
		res, err := recon.Reconcile(ctx)
		if err != nil || res.Waiting != 1 || res.Booked != 0 {
			t.Fatalf("suggest-only: %+v %v", res, err)
		}
		v, total, err := recon.Lines(ctx, domain.LineFilter{Status: "unbooked"}, 0, 10)
		if err != nil || total != 1 || v[0].Key != "txn_3" {
			t.Fatalf("waiting lines = %+v %d %v", v, total, err)
		}
	})
}

// TestActivityAndMonthReport: sales, fees, refunds and payouts by month and
// by day, and the month in one page with the balances at its end.
func TestActivityAndMonthReport(t *testing.T) {
	ctx := context.Background()
	s, db := newImporter(t)
	const file = `balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category,description
txn_a,2025-10-30 10:00:00,eur,100.00,3.00,97.00,charge,Sale A
txn_b,2025-11-02 10:00:00,eur,50.00,1.50,48.50,charge,Sale B
txn_c,2025-11-02 12:00:00,eur,-10.00,0.00,-10.00,refund,Refund B
txn_d,2025-11-05 00:00:00,eur,-97.00,0.00,-97.00,payout,STRIPE PAYOUT
`
	if _, err := imp(t, s, "m.csv", file); err != nil {
		t.Fatal(err)
	}
	recon := &domain.ReconcileService{Store: db, Documents: fakeDocs{}}
	if _, err := recon.Reconcile(ctx); err != nil {
		t.Fatal(err)
	}
	months, err := recon.Activity(ctx, true)
	if err != nil || len(months) != 2 {
		t.Fatalf("months %+v %v", months, err)
	}
	nov := months[1]
	if nov.Start.Format("2006-01-02") != "2025-11-01" || nov.Sales != 5000 || nov.Fees != 150 || nov.Refunds != 1000 || nov.Payouts != 9700 {
		t.Fatalf("November %+v", nov)
	}
	days, _ := recon.Activity(ctx, false)
	if len(days) != 3 || days[1].Sales != 5000 || days[1].Refunds != 1000 {
		t.Fatalf("days %+v", days)
	}
	r, err := recon.MonthReport(ctx, time.Date(2025, 11, 17, 0, 0, 0, 0, time.UTC), domain.MustCurrency("EUR"))
	if err != nil || r.Sales != 5000 {
		t.Fatalf("report %+v %v", r, err)
	}
	var stripe int64
	for _, b := range r.Balances {
		if b.Account == domain.AcctStripeBalance {
			stripe = b.Balance.Amount
		}
	}
	if stripe != 9700+4850-1000-9700 {
		t.Fatalf("Stripe balance at the month's end: %d", stripe)
	}
	lines := strings.Join(r.TextLines(), "\n")
	if !strings.Contains(lines, "November 2025") || !strings.Contains(lines, "Sales less refunds and fees") || !strings.Contains(lines, "38.50 EUR") {
		t.Fatalf("report text:\n%s", lines)
	}
	var buf strings.Builder
	if err := recon.MonthReportFile(r, "pdf", &buf); err != nil || !strings.Contains(buf.String(), "The month in one page") {
		t.Fatalf("pdf: %v %q", err, buf.String())
	}
	if err := recon.MonthReportFile(r, "doc", &buf); domain.ErrorCode(err) != domain.EINVALID {
		t.Fatalf("unknown format: %v", err)
	}
}

// fakeDocs records what a Documents port is asked to write.
type fakeDocs struct{}

func (fakeDocs) PDF(w io.Writer, title string, lines []string) error {
	_, err := io.WriteString(w, title+"\n"+strings.Join(lines, "\n"))
	return err
}

func (fakeDocs) XLSX(w io.Writer, sheet string, rows [][2]string) error {
	_, err := fmt.Fprint(w, sheet, rows)
	return err
}

func (fakeDocs) QRSheet(w io.Writer, title string, lines []string, url string) error {
	_, err := io.WriteString(w, title+"\n"+strings.Join(lines, "\n")+"\n"+url)
	return err
}
