package reports

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"tally/domain"
)

// hledgerName gives each account a hledger name under its kind, so that
// hledger's balance sheet and income statement sort it.
func hledgerName(a domain.LedgerAccount) string {
	top := map[domain.AccountKind]string{
		domain.AccountAsset: "assets", domain.AccountLiability: "liabilities",
		domain.AccountIncome: "income", domain.AccountExpense: "expenses",
	}[a.Kind]
	if top == "" {
		top = "equity"
	}
	// Two spaces end an account name in hledger's syntax; tabs and ';' are not allowed either.
	name := strings.Join(strings.Fields(strings.NewReplacer(";", ",", ":", "-").Replace(a.Name)), " ")
	return top + ":" + name
}

// HledgerWriter writes entries as an hledger journal.
type HledgerWriter struct {
	w     *bufio.Writer
	names map[string]string
	buf   []byte
}

// NewHledgerWriter writes to w with the chart of accounts.
func NewHledgerWriter(w io.Writer, accounts []domain.LedgerAccount) *HledgerWriter {
	h := &HledgerWriter{w: bufio.NewWriterSize(w, 256<<10), names: map[string]string{}}
	fmt.Fprintln(h.w, "; Journal exported by Tally. Amounts are exact; each entry balances.")
	for _, a := range accounts {
		h.names[a.Code] = hledgerName(a)
		fmt.Fprintf(h.w, "account %s  ; code:%s\n", h.names[a.Code], a.Code)
	}
	fmt.Fprintln(h.w)
	return h
}

// descriptionCleaner keeps a description on its line and out of hledger's
// comment syntax.
var descriptionCleaner = strings.NewReplacer("\n", " ", "\r", " ", ";", ",")

// Write writes one entry.
func (h *HledgerWriter) Write(e domain.Entry) error {
	b := e.Date.AppendFormat(h.buf[:0], "2006-01-02")
	b = append(b, " * "...)
	b = append(b, descriptionCleaner.Replace(e.Description)...)
	if e.LineKey != "" {
		b = append(b, "  ; stripe:"...)
		b = append(b, e.LineKey...)
	}
	b = append(b, '\n')
	for _, p := range e.Postings {
		name, ok := h.names[p.Account]
		if !ok {
			return fmt.Errorf("entry %d: unknown account %s", e.ID, p.Account)
		}
		b = append(b, "    "...)
		b = append(b, name...)
		for n := utf8.RuneCountInString(name); n < 40; n++ {
			b = append(b, ' ')
		}
		b = append(b, "  "...)
		b = domain.AppendAmount(b, p.Amount, e.Currency.Exponent())
		b = append(b, ' ')
		b = append(b, e.Currency.Code()...)
		b = append(b, '\n')
	}
	b = append(b, '\n')
	h.buf = b
	_, err := h.w.Write(b)
	return err
}

// Close flushes the journal.
func (h *HledgerWriter) Close() error { return h.w.Flush() }

// CSVJournalWriter writes one row per posting.
type CSVJournalWriter struct {
	w     *csv.Writer
	names map[string]string
}

// NewCSVJournalWriter writes the header row to w.
func NewCSVJournalWriter(w io.Writer, accounts []domain.LedgerAccount) (*CSVJournalWriter, error) {
	c := &CSVJournalWriter{w: csv.NewWriter(w), names: map[string]string{}}
	for _, a := range accounts {
		c.names[a.Code] = a.Name
	}
	return c, c.w.Write([]string{"entry", "date", "account", "account_name", "debit", "credit", "currency", "description", "stripe_key"})
}

// Write writes an entry's postings.
func (c *CSVJournalWriter) Write(e domain.Entry) error {
	for _, p := range e.Postings {
		debit, credit := "", ""
		if p.Amount >= 0 {
			debit = domain.FormatAmount(p.Amount, e.Currency.Exponent())
		} else {
			credit = domain.FormatAmount(-p.Amount, e.Currency.Exponent())
		}
		if err := c.w.Write([]string{fmt.Sprint(e.ID), e.Date.Format("2006-01-02"), p.Account, c.names[p.Account], debit, credit,
			e.Currency.Code(), e.Description, e.LineKey}); err != nil {
			return err
		}
	}
	return nil
}

// Close flushes the file.
func (c *CSVJournalWriter) Close() error {
	c.w.Flush()
	return c.w.Error()
}

// NewJournalWriter builds the writer of an export format: "hledger",
// "csv" or "xlsx" (a domain.JournalFormat).
func NewJournalWriter(format string, w io.Writer, accounts []domain.LedgerAccount) (domain.JournalWriter, error) {
	switch format {
	case "hledger":
		return NewHledgerWriter(w, accounts), nil
	case "csv":
		return NewCSVJournalWriter(w, accounts)
	case "xlsx":
		return NewXLSXJournalWriter(w, accounts)
	}
	return nil, domain.Errorf(domain.EINVALID, "Unknown format %q: use xlsx, csv, hledger, datev, camt053, camt053.08 or ofx.", format)
}
