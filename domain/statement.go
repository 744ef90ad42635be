package domain

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// FormatKind says what a statement file is for.
type FormatKind string

// Kinds of Stripe export.
const (
	// KindBalance files move the Stripe balance: their lines are booked.
	KindBalance FormatKind = "balance"
	// KindPayments files describe charges: they fill payment records that
	// lines are matched against, and book nothing by themselves.
	KindPayments FormatKind = "payments"
	// KindPayouts files (the Dashboard's Payouts export) describe payouts:
	// they fill or check Tally's payouts, and book nothing.
	KindPayouts FormatKind = "payouts"
	// KindSummary files (balance summary) check a period's ending balance.
	KindSummary FormatKind = "summary"
	// KindNotBooked files are recognised but describe something Tally does
	// not book (for example a Connect platform's collected fees).
	KindNotBooked FormatKind = "not_booked"
)

// StatementFormat names a recognised layout.
type StatementFormat struct {
	ID   string // stable, for example "balance_change_from_activity.itemized"
	Name string // for people, for example "Balance change from activity (itemized)"
	Kind FormatKind
	// Why is set for KindNotBooked: why Tally skips the file.
	Why string
}

// StatementLine is one movement of the Stripe balance. Amounts are the
// effect on the balance: Net = Gross - Fee, a payout or refund negative.
type StatementLine struct {
	Key             string // stable: importing the same line twice adds nothing
	BalanceTxnID    string // txn_…, when the file has it
	SourceID        string // ch_…, re_…, po_…, py_…
	Category        string // Stripe's reporting category or balance type, lower case
	Created         time.Time
	AvailableOn     time.Time
	Currency        Currency
	Gross, Fee, Net int64
	Description     string
	PayoutID        string // the payout that paid this line out, when known
	PaymentIntentID string
	ChargeID        string
	CustomerEmail   string
	Extra           Fields // columns Tally has no field for, metadata included
	// Bookable is false for rows that record no money movement (a failed
	// attempt with no id): kept, never booked.
	Bookable bool
}

// Validate checks the line's arithmetic and fields.
func (l StatementLine) Validate() error {
	if l.Key == "" {
		return Errorf(EINVALID, "the line has no key")
	}
	if l.Currency.IsZero() {
		return Errorf(EINVALID, "the line has no currency")
	}
	if l.Gross-l.Fee != l.Net {
		return Errorf(EINVALID, "gross %s minus fee %s is not net %s",
			FormatAmount(l.Gross, l.Currency.Exponent()), FormatAmount(l.Fee, l.Currency.Exponent()), FormatAmount(l.Net, l.Currency.Exponent()))
	}
	return nil
}

// CustomerFacing returns what the customer was charged in their own
// currency, "120.00 USD", when the file says so and it differs from the
// settlement amount; "" otherwise. Stripe writes it in the balance reports'
// customer_facing_amount and customer_facing_currency columns (the
// Dashboard's "Customer Facing Amount" and "Customer Facing Currency"),
// which Tally keeps among the extra columns.
func (l StatementLine) CustomerFacing() string {
	amount, currency := "", ""
	for _, f := range l.Extra {
		switch strings.ReplaceAll(strings.ToLower(strings.TrimSpace(f.Name)), " ", "_") {
		case "customer_facing_amount":
			amount = strings.TrimSpace(f.Value)
		case "customer_facing_currency":
			currency = strings.ToUpper(strings.TrimSpace(f.Value))
		}
	}
	if amount == "" || currency == "" || currency == l.Currency.Code() {
		return ""
	}
	return amount + " " + currency
}

// PaymentRecord is a charge as a Payments export describes it.
type PaymentRecord struct {
	Key             string
	ID              string // ch_… or py_…; empty for a failed attempt
	PaymentIntentID string
	Created         time.Time
	Amount          Money
	AmountRefunded  int64
	Fee             int64
	Status          string
	Captured        bool
	Description     string
	CustomerID      string
	CustomerEmail   string
	CardBrand       string
	CardLast4       string
	Converted       Money // settlement-currency amount, when the file has it
	Extra           Fields
}

// Field is one named value of a file's row.
type Field struct{ Name, Value string }

// Fields are extra columns in file order.
type Fields []Field

// Get returns the value of the column named name, or "".
func (fs Fields) Get(name string) string {
	for _, f := range fs {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}

// SummaryRow is one category of a balance summary.
type SummaryRow struct {
	Category    string
	Description string
	Net         Money
	// Date is the day the row names ("Starting balance (2025-11-01)"), at
	// the start of that day in the report's time zone; zero when none.
	Date time.Time
}

// StatementRecord is one data row of a file: exactly one field is set.
type StatementRecord struct {
	Line    int // 1-based line (CSV) or row (XLSX) number
	Balance *StatementLine
	Payment *PaymentRecord
	Summary *SummaryRow
	Payout  *PayoutRow
}

// PayoutRow is one payout as the Dashboard's Payouts export lists it.
type PayoutRow struct {
	ID                  string // po_…
	Amount              Money  // what reaches the bank, positive
	Created             time.Time
	Arrival             time.Time
	Status              string // paid, pending, in_transit, canceled, failed
	Type                string // bank_account, card
	Method              string // standard, instant
	SourceType          string
	Destination         string
	Description         string
	BalanceTxn          string // txn_… of the payout
	FailureBalanceTxn   string // txn_… that returned it, when it failed
	FailureCode         string
	FailureMessage      string
	StatementDescriptor string
	TraceID             string
}

// ParseError is a bad row or cell, with where it is.
type ParseError struct {
	Line   int
	Column string // the column's header, when known
	Err    error
}

func (e *ParseError) Error() string {
	if e.Column != "" {
		return fmt.Sprintf("line %d, column %s: %s", e.Line, e.Column, ErrorMessage(e.Err))
	}
	return fmt.Sprintf("line %d: %s", e.Line, ErrorMessage(e.Err))
}

func (e *ParseError) Unwrap() error { return e.Err }

// ParseErrors is every bad row of a file; the import wrote nothing.
type ParseErrors struct {
	File   string
	Errors []*ParseError
}

// Error lists the first errors and how many there are.
func (e *ParseErrors) Error() string { return e.File + ": " + e.List(10) }

// List says how many rows are bad and lists the first max of them, one a line.
func (e *ParseErrors) List(max int) string {
	var b strings.Builder
	if len(e.Errors) == 1 {
		fmt.Fprintf(&b, "%d bad row; nothing was imported. Fix the file or export it again:", 1)
	} else {
		fmt.Fprintf(&b, "%d bad rows; nothing was imported. Fix the file or export it again:", len(e.Errors))
	}
	for i, pe := range e.Errors {
		if i == max {
			fmt.Fprintf(&b, "\n  … and %d more", len(e.Errors)-max)
			break
		}
		b.WriteString("\n  " + pe.Error())
	}
	return b.String()
}

// DateOrder says how to read dates such as 03/04/2024.
type DateOrder string

// Date orders. Auto decides from the file and asks when it cannot.
const (
	DateAuto       DateOrder = ""
	DateDayFirst   DateOrder = "day-first"
	DateMonthFirst DateOrder = "month-first"
)

// ErrAmbiguousDates is wrapped in the EINVALID *Error returned when every
// date of a file reads both ways: ask the bookkeeper for the order once.
var ErrAmbiguousDates = Errorf(EINVALID, "Every date in this file could be day-first (31/12) or month-first (12/31). Say which: day-first or month-first.")

// ImportOptions guide the reading of one file.
type ImportOptions struct {
	// Currency is used for files without a currency column.
	Currency Currency
	// ShopCurrency, when Currency is not set, is taken for a payments
	// export without a currency column (some published ones have none): the
	// shop's own, from Settings. The result says so. Balance files still
	// ask: their lines are booked.
	ShopCurrency Currency
	// Location is the time zone of timestamps that do not say theirs; nil
	// means the one in the file name (Stripe names report files with it),
	// else UTC.
	Location *time.Location
	// DateOrder for slash dates; DateAuto decides from the file.
	DateOrder DateOrder
}

// StatementReader yields the records of one file. Next returns io.EOF at
// the end and a *ParseError for a bad row (reading may go on after it).
type StatementReader interface {
	Format() StatementFormat
	Next() (StatementRecord, error)
	Close() error
	// Assumed is the currency taken from ImportOptions.ShopCurrency, or
	// the zero Currency when the file said its own or Currency was given.
	Assumed() Currency
}

// StatementParser opens statement files; reports implements it.
type StatementParser interface {
	// Open recognises the file by its header row. A file of no known layout
	// is EINVALID with a message naming the columns found and missing.
	Open(ctx context.Context, name string, r io.Reader, opt ImportOptions) (StatementReader, error)
}
