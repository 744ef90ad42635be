package reports

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tally/domain"
)

var testAccounts = []domain.LedgerAccount{
	{Code: "1100", Name: "Stripe balance", Kind: domain.AccountAsset},
	{Code: "4000", Name: "Sales", Kind: domain.AccountIncome},
	{Code: "6100", Name: "Payment fees", Kind: domain.AccountExpense},
}

func testEntries() []domain.Entry {
	jpy, eur := domain.MustCurrency("JPY"), domain.MustCurrency("EUR")
	return []domain.Entry{
		{ID: 1, Date: time.Date(2025, 10, 31, 23, 0, 0, 0, time.UTC), Currency: eur, Description: "Sale; with semicolon", LineKey: "txn_1",
			Postings: []domain.Posting{{Account: "1100", Amount: 9680}, {Account: "4000", Amount: -10000}, {Account: "6100", Amount: 320}}},
		{ID: 2, Date: time.Date(2025, 11, 2, 9, 0, 0, 0, time.UTC), Currency: jpy, Description: "Yen sale", LineKey: "txn_2",
			Postings: []domain.Posting{{Account: "1100", Amount: 964}, {Account: "4000", Amount: -1000}, {Account: "6100", Amount: 36}}},
	}
}

// journalWorkbook writes entries (and payout checks, when any) through an
// XLSXJournalWriter and opens what it wrote.
func journalWorkbook(t *testing.T, entries []domain.Entry, checks []domain.PayoutCheck) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewXLSXJournalWriter(&buf, testAccounts)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if err := w.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	if checks != nil {
		if err := w.WritePayouts(checks); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestXLSXJournal(t *testing.T) {
	eur := domain.MustCurrency("EUR")
	f := journalWorkbook(t, testEntries(), []domain.PayoutCheck{{PayoutID: "po_1", Currency: eur, Paid: 9680, LinesNet: 9680, Lines: 1, PayoutLines: 1, Date: time.Now()}})
	if got := strings.Join(f.GetSheetList(), ","); got != "2025-10,2025-11,Payouts" {
		t.Fatalf("sheets = %s", got)
	}
	if v, _ := f.GetCellValue("2025-10", "E2"); v != "96.80" {
		t.Errorf("formatted debit = %q, want 96.80 (two decimals)", v)
	}
	if v, _ := f.GetCellValue("2025-11", "F3"); v != "1,000" {
		t.Errorf("formatted yen credit = %q, want 1,000 (no decimals)", v)
	}
	if v, _ := f.GetCellValue("Payouts", "G2"); v != "ok" {
		t.Errorf("payout check = %q", v)
	}
	// Dates are date serials with a date format; text stays text, escaped.
	raw, _ := f.GetCellValue("2025-10", "A2", excelize.Options{RawCellValue: true})
	if shown, _ := f.GetCellValue("2025-10", "A2"); !strings.Contains(shown, "31") || raw == shown {
		t.Errorf("date cell = %q (raw %q)", shown, raw)
	}
	if v, _ := f.GetCellValue("2025-10", "D2"); v != "Stripe balance" {
		t.Errorf("account name = %q", v)
	}
}

// TestXLSXJournalTextIsEscaped: markup and control characters in a
// description give a readable workbook.
func TestXLSXJournalTextIsEscaped(t *testing.T) {
	e := testEntries()[0]
	e.Description = "<b>Sale & \"gift\"</b>\x01 ok"
	f := journalWorkbook(t, []domain.Entry{e}, nil)
	if v, _ := f.GetCellValue(f.GetSheetList()[0], "H2"); v != "<b>Sale & \"gift\"</b> ok" {
		t.Errorf("description = %q", v)
	}
}

// TestXLSXJournalFullSheet: a month with more rows than a sheet holds goes
// on over continuation sheets, each with the header row.
func TestXLSXJournalFullSheet(t *testing.T) {
	defer func(n int) { maxSheetRows = n }(maxSheetRows)
	maxSheetRows = 5 // a header and four postings a sheet
	var entries []domain.Entry
	for i := 1; i <= 4; i++ { // three postings each: twelve rows
		e := testEntries()[0]
		e.ID, e.Date = int64(i), time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)
		entries = append(entries, e)
	}
	f := journalWorkbook(t, entries, nil)
	if got := strings.Join(f.GetSheetList(), ","); got != "2025-11,2025-11 (2),2025-11 (3)" {
		t.Fatalf("sheets = %s", got)
	}
	data := 0
	for _, sh := range f.GetSheetList() {
		rows, err := f.GetRows(sh)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) == 0 || rows[0][0] != "Date" || len(rows) > maxSheetRows {
			t.Errorf("sheet %s: %d rows, first %v", sh, len(rows), rows[0])
		}
		data += len(rows) - 1
	}
	if data != 12 {
		t.Errorf("%d posting rows, want 12", data)
	}
}

func TestHledgerWriterEscapes(t *testing.T) {
	var buf bytes.Buffer
	w := NewHledgerWriter(&buf, testAccounts)
	for _, e := range testEntries() {
		if err := w.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	out := buf.String()
	if strings.Contains(out, "Sale; with") || !strings.Contains(out, "1000 JPY") && !strings.Contains(out, "-1000 JPY") {
		t.Errorf("journal:\n%s", out)
	}
	if err := w.Write(domain.Entry{Currency: domain.MustCurrency("EUR"), Postings: []domain.Posting{{Account: "9999", Amount: 1}, {Account: "1100", Amount: -1}}}); err == nil {
		t.Error("an unknown account must fail")
	}
}
