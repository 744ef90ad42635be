package reports

import (
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"tally/domain"
)

// XLSXJournalWriter writes the journal to a workbook: one sheet per month,
// one row per posting, amounts as numbers with the currency's decimals, and
// a Payouts sheet. Rows are streamed into the file as they come (see
// xlsxStream); entries must come by date.
type XLSXJournalWriter struct {
	x       *xlsxStream
	names   map[string]string
	period  string // the month being written ("2025-11"), or "Payouts"
	part    int    // 1, then 2… when a month has more rows than a sheet holds
	row     int
	styles  map[int]int // decimals → style id
	headers []string    // the sheet's header row, repeated on a continuation sheet
}

// maxSheetRows is how many rows a sheet holds: Excel's limit.
var maxSheetRows = excelize.TotalRows

// NewXLSXJournalWriter writes to out as entries come; Close finishes it.
func NewXLSXJournalWriter(out io.Writer, accounts []domain.LedgerAccount) (*XLSXJournalWriter, error) {
	w := &XLSXJournalWriter{x: newXLSXStream(out), names: map[string]string{}, styles: map[int]int{}}
	for _, a := range accounts {
		w.names[a.Code] = a.Name
	}
	return w, nil
}

func (w *XLSXJournalWriter) amountStyle(decimals int) int {
	if id, ok := w.styles[decimals]; ok {
		return id
	}
	format := "#,##0"
	if decimals > 0 {
		format += "." + fmt.Sprintf("%0*d", decimals, 0)
	}
	id := w.x.numberStyle(format)
	w.styles[decimals] = id
	return id
}

// number is a minor-unit amount as the spreadsheet number it denotes. The
// decimal text is exact; the cell stores the nearest binary fraction, as a
// spreadsheet does for any typed amount. No arithmetic is done on it.
func number(amount int64, exp int) float64 {
	v, _ := strconv.ParseFloat(domain.FormatAmount(amount, exp), 64)
	return v
}

var journalHeader = []string{"Date", "Entry", "Account", "Account name", "Debit", "Credit", "Currency", "Description", "Stripe key"}

func (w *XLSXJournalWriter) startSheet(period string, headers []string) error {
	w.part = 1
	w.period = period
	return w.openSheet(period, headers)
}

// nextPart continues the period on a new sheet, "2025-11 (2)".
func (w *XLSXJournalWriter) nextPart(headers []string) error {
	w.part++
	return w.openSheet(fmt.Sprintf("%s (%d)", w.period, w.part), headers)
}

func (w *XLSXJournalWriter) openSheet(name string, headers []string) error {
	if err := w.x.sheet(name, map[int]float64{1: 12, 3: 24, 4: 24, 8: 40, 9: 40}); err != nil {
		return err
	}
	w.row, w.headers = 1, headers
	header := make([]xcell, len(headers))
	for i, h := range headers {
		header[i] = xbold(h)
	}
	return w.next(header)
}

func (w *XLSXJournalWriter) next(cells []xcell) error {
	if w.row > maxSheetRows {
		if err := w.nextPart(w.headers); err != nil {
			return err
		}
	}
	w.row++
	return w.x.write(cells)
}

// Write writes an entry's postings on its month's sheet.
func (w *XLSXJournalWriter) Write(e domain.Entry) error {
	month := e.Date.Format("2006-01")
	if month != w.period {
		if err := w.startSheet(month, journalHeader); err != nil {
			return err
		}
	}
	exp := e.Currency.Exponent()
	style := w.amountStyle(exp)
	for _, p := range e.Postings {
		var debit, credit xcell
		if p.Amount >= 0 {
			debit = xnum(number(p.Amount, exp), style)
		} else {
			credit = xnum(number(-p.Amount, exp), style)
		}
		if err := w.next([]xcell{xdate(e.Date), xint(e.ID), xstr(p.Account), xstr(w.names[p.Account]),
			debit, credit, xstr(e.Currency.Code()), xstr(e.Description), xstr(e.LineKey)}); err != nil {
			return err
		}
	}
	return nil
}

// WritePayouts adds the Payouts sheet: each payout with its check.
func (w *XLSXJournalWriter) WritePayouts(checks []domain.PayoutCheck) error {
	if err := w.startSheet("Payouts", []string{"Date", "Payout", "Paid", "Lines", "Net of lines", "Currency", "Check"}); err != nil {
		return err
	}
	for _, c := range checks {
		exp := c.Currency.Exponent()
		style := w.amountStyle(exp)
		if err := w.next([]xcell{xdate(c.Date), xstr(c.PayoutID), xnum(number(c.Paid, exp), style), xint(int64(c.Lines)),
			xnum(number(c.LinesNet, exp), style), xstr(c.Currency.Code()), xstr(c.Status())}); err != nil {
			return err
		}
	}
	return nil
}

// Close finishes the workbook.
func (w *XLSXJournalWriter) Close() error {
	if w.period == "" { // no entries at all: still a valid workbook
		if err := w.startSheet("Journal", journalHeader); err != nil {
			return err
		}
	}
	if err := w.x.close(); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	return nil
}
