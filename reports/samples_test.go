package reports

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tally/domain"
	"tally/internal/testenv"
)

// samplesDir holds the real Stripe exports in ../shared (see its README).
func samplesDir(tb testing.TB) string { return testenv.Samples(tb) }

type readResult struct {
	format  domain.StatementFormat
	records []domain.StatementRecord
	errs    []error
	openErr error
}

func readFile(t *testing.T, path string, opt domain.ImportOptions) readResult {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd, err := Parser{}.Open(context.Background(), path, f, opt)
	if err != nil {
		return readResult{openErr: err}
	}
	defer rd.Close()
	res := readResult{format: rd.Format()}
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			res.errs = append(res.errs, err)
			if _, ok := err.(*domain.ParseError); !ok {
				break
			}
			continue
		}
		res.records = append(res.records, rec)
	}
	return res
}

func TestSamplesRead(t *testing.T) {
	dir := samplesDir(t)
	want := map[string]struct {
		format string
		rows   int
	}{
		"hledger__stripe.csv":                             {"balance_change_from_activity.itemized", 2},
		"shmake__balance_history.csv":                     {"dashboard.balance_history", 100},
		"csv2ofx__stripe-all.csv":                         {"dashboard.payments", 5},
		"csv2ofx__stripe-default.csv":                     {"dashboard.payments", 5},
		"stripe-csv-audit__sample.csv":                    {"dashboard.payments", 10},
		"checkout_service__unified_payments.csv":          {"dashboard.payments", 6},
		"craftit__unified_payments.csv":                   {"dashboard.payments", 4},
		"plaid-transfer-quickstart__unified_payments.csv": {"dashboard.payments", 3},
		"stripe-csv__01-fees.csv":                         {"dashboard.collected_fees", 10},
		"stripe-dashboard__cgge_Balance_Summary_HKD_2025-11-01_to_2025-11-29_UTC.csv":                                    {"balance.summary", 8},
		"stripe-dashboard__cgge_Itemised_balance_change_from_activity_HKD_2025-11-01_to_2025-11-29_UTC.csv":              {"balance_change_from_activity.itemized", 18},
		"stripe-dashboard__cgge_Itemised_payouts_HKD_2025-11-01_to_2025-11-29_UTC.csv":                                   {"payouts.itemized", 10},
		"stripe-dashboard__Itemised_balance_change_from_activity_HKD_2023-07-01_to_2023-07-31_Asia-Hong_Kong.csv":        {"balance_change_from_activity.itemized", 17},
		"stripe-dashboard__Itemised_balance_change_from_activity_refund_HKD_2025-05-01_to_2025-05-31_Asia-Hong_Kong.csv": {"balance_change_from_activity.itemized", 0},
		"stripe-dashboard__Balance_Summary_HKD_2022-06-25_to_2022-06-30_Asia-Hong_Kong.csv":                              {"balance.summary", 8},
		"Antbot99992player__payouts.csv":        {"dashboard.payouts", 2},
		"escenariosMS__payouts.csv":             {"dashboard.payouts", 11},
		"interface__payouts.csv":                {"dashboard.payouts", 2},
		"node-fetch__payouts (1).csv":           {"dashboard.payouts", 2},
		"interface__transfers.csv":              {"dashboard.payout_transactions", 1},
		"node-fetch__transfers.csv":             {"dashboard.payout_transactions", 1},
		"solid-dependency__balance_history.csv": {"dashboard.balance_history", 3},
		"interface__Balance_summary_USD_2022-05-01_to_2022-05-21_America-Chicago.csv":                   {"balance.summary", 8},
		"interface__Balance_change_from_activity_summary_USD_2022-05-01_to_2022-05-21.csv":              {"summary.by_category", 0},
		"interface__Payouts_summary_USD_2022-05-01_to_2022-05-21.csv":                                   {"payouts.summary", 0},
		"interface__Itemized_balance_change_from_activity_2022-05-16_to_2022-05-22_America-Chicago.csv": {"payout_reconciliation.itemized", 0}, // its payout columns: read as the same lines
		"interface__Itemized_payouts_2022-05-30_to_2022-06-05_America-Chicago.csv":                      {"payouts.itemized", 0},
		"solid-dependency__Itemized_tax_transactions_USTX_2025-10-03_to_2026-01-01_America-Denver.csv":  {"tax.transactions.itemized", 0},
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	if len(files) != len(want) {
		t.Errorf("%d sample files, the test knows %d: add the new one", len(files), len(want))
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			w, ok := want[name]
			if !ok {
				t.Fatalf("unknown sample %s", name)
			}
			res := readFile(t, path, domain.ImportOptions{Currency: domain.MustCurrency("USD")})
			if res.openErr != nil {
				t.Fatalf("open: %v", res.openErr)
			}
			if res.format.ID != w.format {
				t.Errorf("format = %s, want %s", res.format.ID, w.format)
			}
			if len(res.errs) > 0 {
				t.Fatalf("errors: %v", res.errs)
			}
			if len(res.records) != w.rows {
				t.Errorf("%d records, want %d", len(res.records), w.rows)
			}
			for _, rec := range res.records {
				if l := rec.Balance; l != nil {
					if err := l.Validate(); err != nil {
						t.Errorf("line %d: %v", rec.Line, err)
					}
				}
			}
		})
	}
}

func TestSampleDetails(t *testing.T) {
	dir := samplesDir(t)
	opt := domain.ImportOptions{Currency: domain.MustCurrency("USD")}
	t.Run("HongKongTimesBecomeUTC", func(t *testing.T) {
		res := readFile(t, filepath.Join(dir, "stripe-dashboard__Itemised_balance_change_from_activity_HKD_2023-07-01_to_2023-07-31_Asia-Hong_Kong.csv"), opt)
		l := res.records[0].Balance
		// "2023-07-06 17:44:15" in Hong Kong is 09:44:15 UTC.
		if want := time.Date(2023, 7, 6, 9, 44, 15, 0, time.UTC); !l.Created.Equal(want) {
			t.Errorf("created = %v, want %v", l.Created, want)
		}
		if l.Gross != 423 || l.Fee != 249 || l.Net != 174 || l.Currency.Code() != "HKD" || l.Category != "charge" {
			t.Errorf("line = %+v", l)
		}
	})
	t.Run("DayFirstResaved", func(t *testing.T) {
		res := readFile(t, filepath.Join(dir, "stripe-csv-audit__sample.csv"), opt)
		p := res.records[0].Payment
		if want := time.Date(2016, 12, 9, 15, 48, 0, 0, time.UTC); !p.Created.Equal(want) {
			t.Errorf("created = %v, want %v (day-first)", p.Created, want)
		}
		if p.Amount.Amount != 4000 || p.Status != "Failed" {
			t.Errorf("payment = %+v", p)
		}
	})
	t.Run("PayoutSignFlipped", func(t *testing.T) {
		res := readFile(t, filepath.Join(dir, "stripe-dashboard__cgge_Itemised_payouts_HKD_2025-11-01_to_2025-11-29_UTC.csv"), opt)
		l := res.records[0].Balance
		if l.Net != -27520 || l.PayoutID != "po_1SP3hzKnAv1jsaW0FLsQvkEe" || l.Key != "txn_1SP3hzKnAv1jsaW0bWcgWBCG" || l.Category != "payout" {
			t.Errorf("payout line = %+v", l)
		}
	})
	t.Run("DecimalComma", func(t *testing.T) {
		res := readFile(t, filepath.Join(dir, "stripe-csv__01-fees.csv"), opt)
		if res.format.Kind != domain.KindNotBooked || res.format.Why == "" {
			t.Errorf("format = %+v", res.format)
		}
		if p := res.records[0].Payment; p.Amount.Amount != 25 || p.Amount.Currency.Code() != "EUR" {
			t.Errorf("fee = %+v", p)
		}
	})
	t.Run("FailedAttemptWithoutID", func(t *testing.T) {
		res := readFile(t, filepath.Join(dir, "plaid-transfer-quickstart__unified_payments.csv"), opt)
		p := res.records[0].Payment
		if p.ID != "" || p.Key == "" || p.Amount.Amount != 64400 || p.PaymentIntentID == "" {
			t.Errorf("failed attempt = %+v", p)
		}
	})
	t.Run("PayoutTransactions", func(t *testing.T) {
		// Rows shorter than the header (Stripe drops empty trailing
		// columns), Title-Case types, no (UTC) suffix.
		l := readFile(t, filepath.Join(dir, "interface__transfers.csv"), opt).records[0].Balance
		if l.Category != "charge" || l.ChargeID != "ch_3L7kOUGfAoPsfBu41kDz7EHX" || l.Gross != 5000 || l.Fee != 225 || l.Net != 4775 ||
			!l.Created.Equal(time.Date(2022, 6, 6, 18, 11, 0, 0, time.UTC)) {
			t.Errorf("charge = %+v", l)
		}
		l = readFile(t, filepath.Join(dir, "node-fetch__transfers.csv"), opt).records[0].Balance
		if l.Category != "transfer_refund" || l.SourceID != "trr_1M4gx3GfAoPsfBu41rhS4cjP" || l.Net != -4000 {
			t.Errorf("transfer refund = %+v", l)
		}
	})
	t.Run("SummariesNamed", func(t *testing.T) {
		for name, want := range map[string]string{
			"interface__Payouts_summary_USD_2022-05-01_to_2022-05-21.csv":                                  "Payouts (summary)",
			"interface__Balance_change_from_activity_summary_USD_2022-05-01_to_2022-05-21.csv":             "Balance change from activity (summary)",
			"solid-dependency__Itemized_tax_transactions_USTX_2025-10-03_to_2026-01-01_America-Denver.csv": "Stripe Tax",
		} {
			res := readFile(t, filepath.Join(dir, name), opt)
			if res.openErr != nil || !strings.Contains(res.format.Name, want) || res.format.Kind != domain.KindNotBooked || res.format.Why == "" {
				t.Errorf("%s: %+v %v", name, res.format, res.openErr)
			}
		}
	})
	t.Run("MetadataKept", func(t *testing.T) {
		res := readFile(t, filepath.Join(dir, "craftit__unified_payments.csv"), opt)
		p := res.records[0].Payment
		if p.Extra.Get("orderNumber (metadata)") != "ORD-1781800249965-96" || p.Fee != 80070 {
			t.Errorf("payment = %+v", p)
		}
	})
}

// TestSamplesAsXLSX re-saves every real export as a spreadsheet would
// (numbers as numbers, dates as date serials) and reads it back: the
// records must be those of the CSV.
func TestSamplesAsXLSX(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(samplesDir(t), "*.csv"))
	opt := domain.ImportOptions{Currency: domain.MustCurrency("USD")}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			content, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			format, fromCSV := readAll(t, name, content, opt)
			xname := strings.TrimSuffix(name, ".csv") + ".xlsx"
			xformat, fromXLSX := readAll(t, xname, toXLSX(t, strings.TrimPrefix(string(content), "\ufeff")), opt)
			if xformat.ID != format.ID {
				t.Fatalf("as XLSX the format is %s, as CSV %s", xformat.ID, format.ID)
			}
			sameRecords(t, fromCSV, fromXLSX)
		})
	}
}
