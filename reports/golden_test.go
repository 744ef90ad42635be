package reports

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tally/domain"
)

// Files the project writes itself from Stripe's documented report columns,
// one per layout. Each is read as CSV and as XLSX and must give the same records.
var golden = []struct {
	name, format string
	content      string
}{
	// With automatic_payout_id it reads as payout reconciliation: the same columns, the same lines.
	{"balance_change_from_activity_all_columns.csv", "payout_reconciliation.itemized",
		`balance_transaction_id,created_utc,created,available_on_utc,available_on,currency,gross,fee,net,reporting_category,source_id,description,customer_facing_amount,customer_facing_currency,regulatory_tag,automatic_payout_id,automatic_payout_effective_at_utc,customer_id,customer_email,customer_name,charge_id,payment_intent_id,charge_created_utc,invoice_id,order_id,payment_method_type,card_brand,card_funding,card_country,statement_descriptor,dispute_reason,connected_account_id,payment_metadata[order_id],refund_metadata[reason]
txn_1A,2025-11-02 03:19:33,2025-11-02 03:19:33,2025-11-09 00:00:00,2025-11-09 00:00:00,eur,294.80,14.39,280.41,charge,ch_1A,Order 77,294.80,eur,,po_9,2025-11-10 00:00:00,cus_1,ann@example.com,Ann,ch_1A,pi_1A,2025-11-02 03:19:30,,,card,visa,credit,IE,SHOP,,,77,
txn_1B,2025-11-03 10:00:00,2025-11-03 10:00:00,2025-11-09 00:00:00,2025-11-09 00:00:00,eur,-20.00,0.00,-20.00,refund,re_1B,"Refund, partial",,,,po_9,2025-11-10 00:00:00,cus_1,ann@example.com,Ann,ch_1A,pi_1A,2025-11-02 03:19:30,,,card,visa,credit,IE,SHOP,,,77,damaged
`},
	{"payout_reconciliation.csv", "payout_reconciliation.itemized",
		`balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,reporting_category,source_id,description,automatic_payout_id,automatic_payout_effective_at_utc
txn_a,2025-11-01 10:00:00,2025-11-03 00:00:00,jpy,1000,36,964,charge,ch_a,Sale A,po_1,2025-11-04 00:00:00
txn_b,2025-11-01 11:00:00,2025-11-03 00:00:00,jpy,-500,0,-500,refund,re_b,Refund A,po_1,2025-11-04 00:00:00
`},
	{"payouts_itemized.csv", "payouts.itemized",
		`payout_id,effective_at_utc,currency,gross,fee,net,reporting_category,balance_transaction_id,description,payout_expected_arrival_date,payout_status
po_1,2025-11-04 00:00:00,kwd,12.340,0.000,12.340,payout,txn_p1,STRIPE PAYOUT,2025-11-05 00:00:00,paid
`},
	{"balance_summary.csv", "balance.summary",
		`category,description,net_amount,currency
starting_balance,Starting balance (2025-11-01),367.38,hkd
ending_balance,Ending balance (2025-11-29),1000.00,hkd
`},
	{"balance_history.csv", "dashboard.balance_history",
		`id,Type,Source,Amount,Fee,Destination Platform Fee,Destination Platform Fee Currency,Net,Currency,Created (UTC),Available On (UTC),Description,Customer Facing Amount,Customer Facing Currency,Transfer,Transfer Date (UTC),Transfer Group
txn_h1,charge,ch_h1,3.99,0.41,,,3.58,nzd,2026-02-08 06:11,2026-02-13 00:00,Subscription update,3.99,nzd,,,
txn_h2,stripe_fee,,-0.08,0.01,,,-0.09,nzd,2026-02-09 05:38,2026-02-09 05:38,Billing - Usage Fee,,,,,
`},
	{"balance_history_old.csv", "dashboard.balance_history",
		`id,Type,Source,Amount,Fee,Net,Currency,Created (UTC),Available On (UTC),Description,Transfer
txn_o1,charge,ch_o1,10.00,0.59,9.41,usd,2016-03-01 10:00,2016-03-08 00:00,Old charge,tr_o9
`},
	{"unified_payments.csv", "dashboard.payments",
		`id,Created date (UTC),Amount,Amount Refunded,Currency,Captured,Converted Amount,Converted Amount Refunded,Converted Currency,Decline Reason,Description,Fee,Refunded date (UTC),Statement Descriptor,Status,Seller Message,Taxes On Fee,Card ID,Customer ID,Customer Description,Customer Email,Invoice ID,Transfer,orderId (metadata)
ch_p1,2026-06-18 16:31:20,27600.00,0.00,usd,true,27600.00,0.00,usd,,Order,800.70,,Stripe,Paid,Payment complete.,0.00,pm_1,cus_1,,c@example.com,,,A-1
,2026-06-18 16:40:00,10.00,,usd,false,,,,card_declined,Failed attempt,,,Stripe,Failed,,,pm_2,,,,,,
`},
	{"payments_snake.csv", "dashboard.payments",
		`"id","description","seller_message","created","amount","amount_refunded","currency","converted_amount","converted_amount_refunded","fee","tax","converted_currency","status","payment_intent_id"
ch_s1,"Entry ID: 316, Product: Big Event",Payment complete.,2021-02-03 13:12,25.00,0.00,cad,25.00,0.00,1.03,0.00,cad,Paid,pi_s1
`},
	// The Dashboard's Payouts export (Balance > Payouts > Export), as the
	// Dashboard names its columns; a failed payout with its failure.
	{"payouts.csv", "dashboard.payouts",
		`id,Amount,Created (UTC),Currency,Arrival Date (UTC),Status,Type,Method,Source Type,Destination,Description,Balance Transaction,Failure Balance Transaction,Failure Code,Failure Message,Statement Descriptor,Trace ID,Trace ID Status
po_1Pa,1294.80,2025-11-03 00:12:44,hkd,2025-11-05 00:00:00,paid,bank_account,standard,card,ba_1X,STRIPE PAYOUT,txn_1Pa,,,,SHOP,,supported
po_1Pb,50.00,2025-11-10 00:10:00,hkd,2025-11-12 00:00:00,failed,bank_account,standard,card,ba_1X,STRIPE PAYOUT,txn_1Pb,txn_1Pf,account_closed,The bank account has been closed.,SHOP,,
`},
	// The same in another order, with the API's names, as some tools write it.
	{"payouts_snake.csv", "dashboard.payouts",
		`"status","arrival_date","amount","currency","id","created","failure_code","balance_transaction"
paid,2025-11-05 00:00,12.340,kwd,po_k1,2025-11-03 00:00,,txn_k1
`},
	{"odoo_custom.csv", "custom.gross_fee_net",
		`Created Date,Gross,Fee,Net,Description,Customer_Name
2025-03-01 09:00:00,50.00,1.75,48.25,Payment for order 12,Bob
2025-03-02 09:00:00,-10.00,0.00,-10.00,Refund for order 12,Bob
2025-03-05 00:00:00,-38.25,0.00,-38.25,STRIPE PAYOUT,
`},
}

func readAll(t *testing.T, name string, data []byte, opt domain.ImportOptions) (domain.StatementFormat, []domain.StatementRecord) {
	t.Helper()
	rd, err := Parser{}.Open(context.Background(), name, bytes.NewReader(data), opt)
	if err != nil {
		t.Fatalf("%s: open: %v", name, err)
	}
	defer rd.Close()
	var recs []domain.StatementRecord
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return rd.Format(), recs
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		rec.Line = 0 // CSV counts lines, XLSX rows: compare the rest
		recs = append(recs, rec)
	}
}

var dateColumn = strings.NewReplacer("(utc)", "", "_utc", "")

func isDateHeader(h string) bool {
	h = strings.TrimSpace(dateColumn.Replace(normalise(h)))
	for _, d := range []string{"created", "created date", "available_on", "available on", "effective_at", "payout_expected_arrival_date", "automatic_payout_effective_at", "charge_created", "arrival date", "arrival_date"} {
		if h == d {
			return true
		}
	}
	return false
}

// toXLSX re-saves CSV content as a spreadsheet would: numbers as numbers
// (binary fractions), dates as date serials with a date format.
func toXLSX(t *testing.T, content string) []byte {
	t.Helper()
	b, err := xlsxBytes(content)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func xlsxBytes(content string) ([]byte, error) {
	cr := csv.NewReader(strings.NewReader(content))
	cr.FieldsPerRecord = -1 // Stripe leaves empty trailing columns out
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, err
	}
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return nil, err
	}
	dateStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 22})
	for i, row := range rows {
		cells := make([]any, len(row))
		for j, v := range row {
			cells[j] = v
			if i == 0 || v == "" {
				continue
			}
			if isDateHeader(rows[0][j]) {
				for _, l := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04"} {
					if tm, err := time.Parse(l, v); err == nil {
						cells[j] = excelize.Cell{StyleID: dateStyle, Value: tm}
					}
				}
				continue
			}
			if fl, err := strconv.ParseFloat(v, 64); err == nil && !strings.HasPrefix(v, "0") || v == "0" || strings.HasPrefix(v, "0.") {
				if fl, err = strconv.ParseFloat(v, 64); err == nil {
					cells[j] = fl
				}
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, cells); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func TestGoldenCSVAndXLSX(t *testing.T) {
	opt := domain.ImportOptions{Currency: domain.MustCurrency("EUR")}
	for _, g := range golden {
		t.Run(g.name, func(t *testing.T) {
			format, fromCSV := readAll(t, g.name, []byte(g.content), opt)
			if format.ID != g.format {
				t.Fatalf("format %s, want %s", format.ID, g.format)
			}
			if len(fromCSV) != strings.Count(strings.TrimSpace(g.content), "\n") {
				t.Fatalf("%d records", len(fromCSV))
			}
			for _, r := range fromCSV {
				if r.Balance != nil {
					if err := r.Balance.Validate(); err != nil {
						t.Errorf("%+v: %v", r.Balance, err)
					}
				}
			}
			xname := strings.TrimSuffix(g.name, ".csv") + ".xlsx"
			xformat, fromXLSX := readAll(t, xname, toXLSX(t, g.content), opt)
			if xformat.ID != g.format {
				t.Fatalf("xlsx format %s", xformat.ID)
			}
			sameRecords(t, fromCSV, fromXLSX)
		})
	}
}

// sameRecords checks that a file read as XLSX gave the records it gave as
// CSV. Extra columns are kept as the file writes them, and a spreadsheet
// writes 0.00 as 0: they are compared by name only.
func sameRecords(t *testing.T, fromCSV, fromXLSX []domain.StatementRecord) {
	t.Helper()
	if len(fromXLSX) != len(fromCSV) {
		t.Fatalf("xlsx has %d records, csv %d", len(fromXLSX), len(fromCSV))
	}
	for i := range fromCSV {
		if a, b := extraKeys(fromCSV[i]), extraKeys(fromXLSX[i]); !reflect.DeepEqual(a, b) {
			t.Errorf("record %d extra columns: csv %v, xlsx %v", i, a, b)
		}
		if !reflect.DeepEqual(fromCSV[i], fromXLSX[i]) {
			t.Errorf("record %d differs:\ncsv  %+v %+v %+v %+v\nxlsx %+v %+v %+v %+v", i, fromCSV[i].Balance, fromCSV[i].Payment, fromCSV[i].Summary, fromCSV[i].Payout,
				fromXLSX[i].Balance, fromXLSX[i].Payment, fromXLSX[i].Summary, fromXLSX[i].Payout)
		}
	}
}

// extraKeys returns the record's extra column names and clears the values.
func extraKeys(r domain.StatementRecord) []string {
	var fs domain.Fields
	switch {
	case r.Balance != nil:
		fs = r.Balance.Extra
	case r.Payment != nil:
		fs = r.Payment.Extra
	}
	var keys []string
	for i := range fs {
		keys = append(keys, fs[i].Name)
		fs[i].Value = ""
	}
	sort.Strings(keys)
	return keys
}

func TestGoldenDetails(t *testing.T) {
	opt := domain.ImportOptions{Currency: domain.MustCurrency("EUR")}
	find := func(name string) []domain.StatementRecord {
		for _, g := range golden {
			if g.name == name {
				_, recs := readAll(t, name, []byte(g.content), opt)
				return recs
			}
		}
		t.Fatalf("no golden %s", name)
		return nil
	}
	if p := find("payouts.csv"); len(p) != 2 || p[0].Payout == nil || p[0].Payout.ID != "po_1Pa" || p[0].Payout.Amount != domain.New(129480, domain.MustCurrency("HKD")) ||
		p[0].Payout.Status != "paid" || !p[0].Payout.Arrival.Equal(time.Date(2025, 11, 5, 0, 0, 0, 0, time.UTC)) || p[0].Payout.BalanceTxn != "txn_1Pa" ||
		p[1].Payout.Status != "failed" || p[1].Payout.FailureCode != "account_closed" || p[1].Payout.FailureBalanceTxn != "txn_1Pf" {
		t.Errorf("payouts: %+v %+v", p[0].Payout, p[len(p)-1].Payout)
	}
	if p := find("payouts_snake.csv"); len(p) != 1 || p[0].Payout.Amount != domain.New(12340, domain.MustCurrency("KWD")) || p[0].Payout.Status != "paid" {
		t.Errorf("payouts (snake case): %+v", p[0].Payout)
	}
	all := find("balance_change_from_activity_all_columns.csv")
	l := all[0].Balance
	if l.PayoutID != "po_9" || l.PaymentIntentID != "pi_1A" || l.CustomerEmail != "ann@example.com" || l.Extra.Get("payment_metadata[order_id]") != "77" {
		t.Errorf("all-columns line = %+v", l)
	}
	if all[1].Balance.Description != "Refund, partial" || all[1].Balance.Extra.Get("refund_metadata[reason]") != "damaged" {
		t.Errorf("quoted comma / metadata = %+v", all[1].Balance)
	}
	if jp := find("payout_reconciliation.csv")[0].Balance; jp.Gross != 1000 || jp.Currency.Exponent() != 0 {
		t.Errorf("JPY = %+v", jp)
	}
	if kw := find("payouts_itemized.csv")[0].Balance; kw.Net != -12340 {
		t.Errorf("KWD payout = %+v", kw)
	}
	pay := find("unified_payments.csv")
	if pay[1].Payment.ID != "" || pay[1].Payment.Key == "" || pay[0].Payment.Extra.Get("orderId (metadata)") != "A-1" {
		t.Errorf("payments = %+v / %+v", pay[0].Payment, pay[1].Payment)
	}
	odoo := find("odoo_custom.csv")
	if odoo[0].Balance.Category != "charge" || odoo[1].Balance.Category != "refund" || odoo[2].Balance.Category != "payout" || odoo[0].Balance.Currency.Code() != "EUR" {
		t.Errorf("custom = %+v %+v %+v", odoo[0].Balance, odoo[1].Balance, odoo[2].Balance)
	}
}

func TestSerialKeepsSeconds(t *testing.T) {
	// 2025-11-02 03:19:33 as a spreadsheet serial.
	got, ok := serialTime("45963.13857638889", time.UTC)
	if !ok || !got.Equal(time.Date(2025, 11, 2, 3, 19, 33, 0, time.UTC)) {
		t.Fatalf("serial = %v %v", got, ok)
	}
	if v, err := xlsxAmount("14.390000000000001", 2); err != nil || v != 1439 {
		t.Fatalf("noise: %d %v", v, err)
	}
	if v, err := xlsxAmount("-0.09000000000000001", 2); err != nil || v != -9 {
		t.Fatalf("negative noise: %d %v", v, err)
	}
	if _, err := xlsxAmount("14.395", 2); err == nil {
		t.Fatal("a real third decimal must not be rounded away")
	}
}

func TestXLSXBadFiles(t *testing.T) {
	ctx := context.Background()
	good := toXLSX(t, golden[0].content)
	t.Run("ErrTruncated", func(t *testing.T) {
		_, err := Parser{}.Open(ctx, "cut.xlsx", bytes.NewReader(good[:len(good)/2]), domain.ImportOptions{})
		if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), "damaged") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrZipBomb", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category,description\n")
		for i := 0; i < 200; i++ {
			b.WriteString("txn_" + strconv.Itoa(i) + ",2025-11-02 03:19:33,eur,1,0,1,charge," + strings.Repeat("a", 30000) + "\n")
		}
		big := toXLSX(t, b.String())
		if len(big) > 1<<20 {
			t.Fatalf("the bomb is %d bytes packed", len(big))
		}
		_, err := Parser{XLSXUnzipLimit: 1 << 20}.Open(ctx, "bomb.xlsx", bytes.NewReader(big), domain.ImportOptions{})
		if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), "unpacks to more") {
			t.Fatalf("err = %v", err)
		}
	})
}
