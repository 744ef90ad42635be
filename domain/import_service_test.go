package domain_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"tally/domain"
	"tally/internal/testenv"
	"tally/reports"
	"tally/storage"
)

func newImporter(t *testing.T) (*domain.ImportService, *storage.DB) {
	t.Helper()
	db, err := storage.Open(context.Background(), testenv.DataPath(t, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &domain.ImportService{Store: db, Parser: reports.Parser{}, Clock: domain.SystemClock{}}, db
}

const activity = `"balance_transaction_id","created_utc","available_on_utc","currency","gross","fee","net","reporting_category","description"
"txn_1","2025-11-02 03:19:33","2025-11-08 16:00:00","eur","294.80","14.39","280.41","charge","Sale 1"
"txn_2","2025-11-03 10:00:00","2025-11-08 16:00:00","eur","-10.00","0.00","-10.00","refund","REFUND FOR CHARGE"
`

func imp(t *testing.T, s *domain.ImportService, name, content string) (domain.ImportResult, error) {
	t.Helper()
	return s.Import(context.Background(), domain.ImportRequest{Name: name, Reader: strings.NewReader(content)})
}

func TestImport(t *testing.T) {
	t.Run("ReimportAddsNothing", func(t *testing.T) {
		s, _ := newImporter(t)
		res, err := imp(t, s, "a.csv", activity)
		if err != nil || res.Lines != 2 || res.New != 2 {
			t.Fatalf("first: %+v %v", res, err)
		}
		res, err = imp(t, s, "a.csv", activity)
		if err != nil || res.Lines != 2 || res.New != 0 || !strings.Contains(res.String(), "2 lines, 0 new") {
			t.Fatalf("again: %q %v", res, err)
		}
	})
	t.Run("OverlappingPeriods", func(t *testing.T) {
		s, _ := newImporter(t)
		if _, err := imp(t, s, "a.csv", activity); err != nil {
			t.Fatal(err)
		}
		more := activity + `"txn_3","2025-11-04 10:00:00","2025-11-09 16:00:00","eur","5.00","0.30","4.70","charge",` + "\n"
		res, err := imp(t, s, "b.csv", more)
		if err != nil || res.New != 1 {
			t.Fatalf("overlap: %+v %v", res, err)
		}
	})
	t.Run("SameObjectTwoFormats", func(t *testing.T) {
		s, _ := newImporter(t)
		if _, err := imp(t, s, "a.csv", activity); err != nil {
			t.Fatal(err)
		}
		history := "id,Type,Source,Amount,Fee,Net,Currency,Created (UTC),Available On (UTC),Description\n" +
			"txn_1,charge,ch_1,294.80,14.39,280.41,eur,2025-11-02 03:19,2025-11-08 16:00,Sale 1\n"
		res, err := imp(t, s, "balance_history.csv", history)
		if err != nil || res.New != 0 {
			t.Fatalf("same txn through the Dashboard export: %+v %v", res, err)
		}
	})
	t.Run("ErrEveryBadRowListedNothingWritten", func(t *testing.T) {
		s, db := newImporter(t)
		bad := activity + `"txn_3","2025-11-04 10:00:00","","eur","abc","0.00","1.00","charge",` + "\n" +
			`"txn_4","not a date","","eur","1.00","0.00","1.00","charge",` + "\n" +
			`"txn_5","2025-11-04 10:00:00","","eur","1.00","0.10","1.00","charge",` + "\n"
		_, err := imp(t, s, "bad.csv", bad)
		var pe *domain.ParseErrors
		if !errors.As(err, &pe) || len(pe.Errors) != 3 {
			t.Fatalf("err = %v", err)
		}
		for i, want := range []struct {
			line int
			col  string
		}{{4, "gross"}, {5, "created_utc"}, {6, "net"}} {
			if pe.Errors[i].Line != want.line || pe.Errors[i].Column != want.col {
				t.Errorf("error %d = %v, want line %d column %s", i, pe.Errors[i], want.line, want.col)
			}
		}
		// Nothing was written: the good lines import as new afterwards.
		res, err := imp(t, s, "a.csv", activity)
		if err != nil || res.New != 2 {
			t.Fatalf("after a failed import: %+v %v", res, err)
		}
		_ = db
	})
	t.Run("ErrNotAStripeExport", func(t *testing.T) {
		s, _ := newImporter(t)
		_, err := imp(t, s, "bank.csv", "Date,Amount,Payee\n2025-01-01,10.00,Shop\n")
		msg := domain.ErrorMessage(err)
		if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(msg, "Amount, Date, Payee") || !strings.Contains(msg, "needs") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrTruncated", func(t *testing.T) {
		s, _ := newImporter(t)
		cut := activity + `"txn_3","2025-11-04 10:00:00","2025-11-0`
		_, err := imp(t, s, "cut.csv", cut)
		if err == nil || !strings.Contains(err.Error(), "line 4") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrWrongFileType", func(t *testing.T) {
		s, _ := newImporter(t)
		_, err := imp(t, s, "statement.pdf", "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
		if !strings.Contains(domain.ErrorMessage(err), "is a PDF") {
			t.Fatalf("err = %v", err)
		}
		_, err = imp(t, s, "x.bin", "\x00\x01\x02binary")
		if !strings.Contains(domain.ErrorMessage(err), "not a text file") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrEmptyFile", func(t *testing.T) {
		s, _ := newImporter(t)
		if _, err := imp(t, s, "empty.csv", ""); !strings.Contains(domain.ErrorMessage(err), "empty") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("HeaderOnlyBOMAndCRLF", func(t *testing.T) {
		s, _ := newImporter(t)
		res, err := imp(t, s, "h.csv", "\ufeff\"balance_transaction_id\",\"created\",\"currency\",\"gross\",\"fee\",\"net\",\"reporting_category\"\r\n")
		if err != nil || res.Lines != 0 {
			t.Fatalf("%+v %v", res, err)
		}
		crlf := strings.ReplaceAll(activity, "\n", "\r\n")
		if res, err := imp(t, s, "c.csv", crlf); err != nil || res.New != 2 {
			t.Fatalf("crlf: %+v %v", res, err)
		}
	})
	t.Run("ErrHugeCell", func(t *testing.T) {
		s, _ := newImporter(t)
		huge := activity + `"txn_9","2025-11-04 10:00:00","","eur","1.00","0.00","1.00","charge","` + strings.Repeat("x", 10<<20) + "\"\n"
		_, err := imp(t, s, "huge.csv", huge)
		if err == nil || !strings.Contains(err.Error(), "longer than") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrAmbiguousDates", func(t *testing.T) {
		s, _ := newImporter(t)
		one := "id,Description,Created (UTC),Amount,Currency,Fee\nch_1,,03/04/2024 10:00,10.00,eur,0.30\n"
		_, err := imp(t, s, "p.csv", one)
		if !errors.Is(err, domain.ErrAmbiguousDates) {
			t.Fatalf("err = %v", err)
		}
		res, err := s.Import(context.Background(), domain.ImportRequest{Name: "p.csv", Reader: strings.NewReader(one), Options: domain.ImportOptions{DateOrder: domain.DateDayFirst}})
		if err != nil || res.New != 1 {
			t.Fatalf("with the order given: %+v %v", res, err)
		}
	})
	t.Run("ErrCancelled", func(t *testing.T) {
		s, _ := newImporter(t)
		var b strings.Builder
		b.WriteString("balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category\n")
		for i := 0; i < 10000; i++ {
			b.WriteString(fmt.Sprintf("txn_%06d", i) + ",2025-11-04 10:00:00,eur,1.00,0.00,1.00,charge\n")
		}
		ctx, cancel := context.WithCancel(context.Background())
		req := domain.ImportRequest{Name: "big.csv", Reader: strings.NewReader(b.String()), Progress: func(int) { cancel() }}
		if _, err := s.Import(ctx, req); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
		res, err := s.Import(context.Background(), domain.ImportRequest{Name: "big.csv", Reader: strings.NewReader(b.String())})
		if err != nil || res.New != 10000 {
			t.Fatalf("after cancel: %+v %v", res, err)
		}
	})
}

// TestDashboardPayoutsExport: the Dashboard's Payouts export is recognised,
// books nothing, checks the payout lines (amount, status), shows payouts
// whose lines are not imported, and is removed like any import.
func TestDashboardPayoutsExport(t *testing.T) {
	ctx := context.Background()
	s, db := newImporter(t)
	lines := `balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category,description,automatic_payout_id
txn_c1,2025-11-01 10:00:00,eur,100.00,3.00,97.00,charge,Sale,po_ok
txn_p1,2025-11-03 00:00:00,eur,-97.00,0.00,-97.00,payout,STRIPE PAYOUT,po_ok
txn_c2,2025-11-02 10:00:00,eur,50.00,1.00,49.00,charge,Sale,po_odd
txn_p2,2025-11-04 00:00:00,eur,-49.00,0.00,-49.00,payout,STRIPE PAYOUT,po_odd
`
	if _, err := imp(t, s, "lines.csv", lines); err != nil {
		t.Fatal(err)
	}
	payouts := `id,Amount,Created (UTC),Currency,Arrival Date (UTC),Status,Type,Method,Description,Balance Transaction,Failure Balance Transaction,Failure Code,Failure Message
po_ok,97.00,2025-11-03 00:00:00,eur,2025-11-05 00:00:00,paid,bank_account,standard,STRIPE PAYOUT,txn_p1,,,
po_odd,48.00,2025-11-04 00:00:00,eur,2025-11-06 00:00:00,paid,bank_account,standard,STRIPE PAYOUT,txn_p2,,,
po_gone,20.00,2025-11-05 00:00:00,eur,2025-11-07 00:00:00,failed,bank_account,standard,STRIPE PAYOUT,txn_p3,txn_p3f,account_closed,The bank account has been closed.
`
	res, err := imp(t, s, "payouts.csv", payouts)
	if err != nil || res.Format.ID != "dashboard.payouts" || res.Lines != 3 || res.New != 3 || !strings.Contains(res.String(), "3 payouts, 3 new") {
		t.Fatalf("import: %q %v", res, err)
	}
	again, err := imp(t, s, "payouts.csv", payouts)
	if err != nil || again.New != 0 {
		t.Fatalf("again: %q %v", again, err)
	}
	recon := &domain.ReconcileService{Store: db}
	out, err := recon.Reconcile(ctx)
	if err != nil || out.Booked != 4 {
		t.Fatalf("reconcile: %+v %v", out, err)
	}
	got := map[string]domain.PayoutCheck{}
	for _, c := range out.Payouts {
		got[c.PayoutID] = c
	}
	if c := got["po_ok"]; !c.OK() || c.Dashboard == nil || c.Status() != "ok" {
		t.Errorf("po_ok: %+v %q", c, c.Status())
	}
	if c := got["po_odd"]; c.OK() || !strings.Contains(c.Status(), "the Dashboard says 48.00, the payout line 49.00") {
		t.Errorf("po_odd: %q", c.Status())
	}
	if c := got["po_gone"]; c.OK() || !strings.Contains(c.Status(), "failed: The bank account has been closed.") {
		t.Errorf("po_gone: %q", c.Status())
	}
	h := &domain.ImportService{Store: db}
	list, err := h.History(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range list {
		if r.File == "payouts.csv" {
			removed, err := h.Remove(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if removed.Payouts > 0 && !strings.Contains(removed.String(), "3 payouts") {
				t.Fatalf("remove: %q", removed)
			}
			n += removed.Payouts
		}
	}
	if n != 3 {
		t.Fatalf("removed %d payouts", n)
	}
	out, _ = recon.Reconcile(ctx)
	for _, c := range out.Payouts {
		if c.Dashboard != nil || c.PayoutID == "po_gone" {
			t.Fatalf("the removed export still checks: %+v", c)
		}
	}
}

// TestPaymentsExportWithoutCurrency: a payments export with no currency
// column takes the shop's currency when Settings knows it, and says so; a
// balance file without one still asks, and without a shop currency the
// payments export asks too.
func TestPaymentsExportWithoutCurrency(t *testing.T) {
	const payments = `id,Created date (UTC),Amount,Amount Refunded,Description,Fee,Status
ch_nc1,2026-06-18 16:31:20,27.60,0.00,Order,0.80,Paid
`
	const balance = `balance_transaction_id,created_utc,gross,fee,net,reporting_category
txn_nc1,2025-11-01 10:00:00,10.00,0.50,9.50,charge
`
	s, _ := newImporter(t)
	if _, err := imp(t, s, "payments.csv", payments); err == nil || !strings.Contains(err.Error(), "no currency column") {
		t.Fatalf("without a shop currency: %v", err)
	}
	s.ShopCurrency = func(context.Context) domain.Currency { return domain.MustCurrency("CHF") }
	res, err := imp(t, s, "payments.csv", payments)
	if err != nil || res.Assumed.Code() != "CHF" || !strings.Contains(res.String(), "read as CHF, the shop's currency") {
		t.Fatalf("with the shop's currency: %q %v", res, err)
	}
	if _, err := imp(t, s, "balance.csv", balance); err == nil || !strings.Contains(err.Error(), "no currency column") {
		t.Fatalf("a balance file took the shop's currency: %v", err)
	}
	res, err = s.Import(context.Background(), domain.ImportRequest{Name: "p2.csv", Reader: strings.NewReader(payments), Options: domain.ImportOptions{Currency: domain.MustCurrency("EUR")}})
	if err != nil || !res.Assumed.IsZero() || strings.Contains(res.String(), "shop's currency") {
		t.Fatalf("a currency given wins: %q %v", res, err)
	}
}

// TestFailedPayoutShowsFailed: the balance history's payout_failure line
// (a payout the bank refused, its money back in the Stripe balance) makes
// the payout's check say failed, never ok.
func TestFailedPayoutShowsFailed(t *testing.T) {
	s, db := newImporter(t)
	if _, err := importPath(s, filepath.Join(testenv.Samples(t), "solid-dependency__balance_history.csv")); err != nil {
		t.Fatal(err)
	}
	out, err := (&domain.ReconcileService{Store: db}).Reconcile(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range out.Payouts {
		if c.PayoutID == "po_1SKq4QCV3aMWmAX0jXEQ8y6C" {
			found = true
			if c.OK() || !strings.HasPrefix(c.Status(), "failed") || c.Failed != 1 || c.Lines != 1 {
				t.Fatalf("%+v: %q", c, c.Status())
			}
		}
	}
	if !found {
		t.Fatalf("no check of the payout: %+v", out.Payouts)
	}
}
