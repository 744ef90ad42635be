package reports

import (
	"archive/zip"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"tally/domain"
)

// XLSXJournalWriter writes the journal to a workbook: one sheet per month,
// one row per posting, amounts as numbers with the currency's decimals, and
// a Payouts sheet. Rows are streamed; entries must come by date.
type XLSXJournalWriter struct {
	out     io.Writer
	f       *excelize.File
	names   map[string]string
	sw      *excelize.StreamWriter
	sheet   string // the sheet being written
	period  string // its month ("2025-11"), or "Payouts"
	part    int    // 1, then 2… when a month has more rows than a sheet holds
	row     int
	styles  map[int]int // decimals → style id
	bold    int
	dateFmt int
	first   bool
	headers []string // the sheet's header row, repeated on a continuation sheet
}

// maxSheetRows is how many rows a sheet holds: Excel's limit.
var maxSheetRows = excelize.TotalRows

// NewXLSXJournalWriter writes to out when closed.
func NewXLSXJournalWriter(out io.Writer, accounts []domain.LedgerAccount) (*XLSXJournalWriter, error) {
	f := excelize.NewFile()
	// excelize builds the whole zip in memory before writing it (770 MB for
	// a million entries); its zip writer can write to out directly. It is
	// handed the buffer it would fill, which then stays empty. (excelize
	// patches that buffer only for parts over 4 GB, which a sheet of at most
	// maxSheetRows rows of ours never is.)
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(out) })
	w := &XLSXJournalWriter{out: out, f: f, names: map[string]string{}, styles: map[int]int{}, first: true}
	for _, a := range accounts {
		w.names[a.Code] = a.Name
	}
	var err error
	if w.bold, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return nil, err
	}
	if w.dateFmt, err = f.NewStyle(&excelize.Style{NumFmt: 14}); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *XLSXJournalWriter) amountStyle(decimals int) (int, error) {
	if id, ok := w.styles[decimals]; ok {
		return id, nil
	}
	format := "#,##0"
	if decimals > 0 {
		format += "." + fmt.Sprintf("%0*d", decimals, 0)
	}
	id, err := w.f.NewStyle(&excelize.Style{CustomNumFmt: &format})
	if err != nil {
		return 0, err
	}
	w.styles[decimals] = id
	return id, nil
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
	if err := w.flush(); err != nil {
		return err
	}
	if w.first {
		if err := w.f.SetSheetName("Sheet1", name); err != nil {
			return err
		}
		w.first = false
	} else if _, err := w.f.NewSheet(name); err != nil {
		return err
	}
	sw, err := w.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	w.sw, w.sheet, w.row, w.headers = sw, name, 1, headers
	_ = sw.SetColWidth(1, 1, 12)
	_ = sw.SetColWidth(3, 4, 24)
	_ = sw.SetColWidth(8, 9, 40)
	header := []any{}
	for _, h := range headers {
		header = append(header, excelize.Cell{StyleID: w.bold, Value: h})
	}
	return w.next(header)
}

func (w *XLSXJournalWriter) next(cells []any) error {
	if w.row > maxSheetRows {
		if err := w.nextPart(w.headers); err != nil {
			return err
		}
	}
	cell, err := excelize.CoordinatesToCellName(1, w.row)
	if err != nil {
		return err
	}
	w.row++
	return w.sw.SetRow(cell, cells)
}

func (w *XLSXJournalWriter) flush() error {
	if w.sw == nil {
		return nil
	}
	err := w.sw.Flush()
	w.sw = nil
	return err
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
	style, err := w.amountStyle(exp)
	if err != nil {
		return err
	}
	for _, p := range e.Postings {
		var debit, credit any
		if p.Amount >= 0 {
			debit = excelize.Cell{StyleID: style, Value: number(p.Amount, exp)}
		} else {
			credit = excelize.Cell{StyleID: style, Value: number(-p.Amount, exp)}
		}
		if err := w.next([]any{excelize.Cell{StyleID: w.dateFmt, Value: e.Date}, e.ID, p.Account, w.names[p.Account],
			debit, credit, e.Currency.Code(), e.Description, e.LineKey}); err != nil {
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
		style, err := w.amountStyle(c.Currency.Exponent())
		if err != nil {
			return err
		}
		if err := w.next([]any{excelize.Cell{StyleID: w.dateFmt, Value: c.Date}, c.PayoutID,
			excelize.Cell{StyleID: style, Value: number(c.Paid, c.Currency.Exponent())}, c.Lines,
			excelize.Cell{StyleID: style, Value: number(c.LinesNet, c.Currency.Exponent())}, c.Currency.Code(), c.Status()}); err != nil {
			return err
		}
	}
	return nil
}

// Close finishes the workbook and writes it out.
func (w *XLSXJournalWriter) Close() error {
	if w.first { // no entries at all: still a valid workbook
		if err := w.startSheet("Journal", journalHeader); err != nil {
			return err
		}
	}
	if err := w.flush(); err != nil {
		return err
	}
	if _, err := w.f.WriteTo(w.out); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	return w.f.Close()
}
