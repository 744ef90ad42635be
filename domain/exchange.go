package domain

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The bookkeeper's exchange: the journal and the Stripe balance written in
// the formats a bookkeeper's own software reads.

// Export formats. The journal formats write entries; the statement formats
// (CAMT.053, OFX) write the Stripe balance as a bank account, one entry per
// balance movement, from the statement lines.
const (
	FormatHledger  = "hledger"
	FormatCSV      = "csv"
	FormatXLSX     = "xlsx"
	FormatDATEV    = "datev"
	FormatCAMT053  = "camt053"    // camt.053.001.02, what most software reads
	FormatCAMT0538 = "camt053.08" // camt.053.001.08
	FormatOFX      = "ofx"
)

// ExportFormats lists the formats `tally export --format` takes.
var ExportFormats = []string{FormatXLSX, FormatCSV, FormatHledger, FormatDATEV, FormatCAMT053, FormatCAMT0538, FormatOFX}

// StatementFormat reports whether format writes statement lines rather than
// journal entries.
func IsStatementFormat(format string) bool {
	return format == FormatCAMT053 || format == FormatCAMT0538 || format == FormatOFX
}

// ExportOptions say what an export writes.
type ExportOptions struct {
	Format string
	// From and To bound the entries or lines written by date, From
	// included, To excluded; zero is open. A DATEV batch with neither takes
	// the financial year (within one calendar year) of the latest entry.
	From, To time.Time
	// Location is the shop's time zone: the days and months of the files.
	Location *time.Location
	// Currency, for DATEV, is the batch's currency (the shop's when
	// empty): DATEV takes one currency a batch.
	Currency string
	DATEV    DATEVSettings
	// Account names the Stripe account in CAMT.053 and OFX ("acct_…"), or
	// is empty.
	Account string
	// Shop is the shop's name, for the files that carry one.
	Shop string
	// Now is when the file is made (time.Now when zero).
	Now time.Time
}

func (o ExportOptions) loc() *time.Location {
	if o.Location == nil {
		return time.UTC
	}
	return o.Location
}

// In reports whether t is within the options' dates.
func (o ExportOptions) In(t time.Time) bool {
	return (o.From.IsZero() || !t.Before(o.From)) && (o.To.IsZero() || t.Before(o.To))
}

// ExportResult says what an export wrote.
type ExportResult struct {
	Format  string
	Entries int // journal entries written (journal formats)
	Lines   int // statement lines written (statement formats)
	// Statements counts the CAMT.053 statements or OFX statements written.
	Statements int
	// Skipped counts entries or lines outside the dates or, for DATEV, in
	// another currency; SkippedCurrencies names those currencies.
	Skipped           int
	SkippedCurrencies []string
	From, To          time.Time // the period written, for DATEV
}

// String says what was written, for the command line and the status line.
func (r ExportResult) String() string {
	var s string
	switch {
	case IsStatementFormat(r.Format):
		s = fmt.Sprintf("%d balance movements in %d statements", r.Lines, r.Statements)
		if r.Lines == 1 {
			s = fmt.Sprintf("1 balance movement in %d statements", r.Statements)
		}
	case r.Entries == 1:
		s = "1 entry"
	default:
		s = fmt.Sprintf("%d entries", r.Entries)
	}
	if r.Format == FormatDATEV && !r.From.IsZero() {
		s += fmt.Sprintf(" of %s to %s", r.From.Format("2006-01-02"), r.To.AddDate(0, 0, -1).Format("2006-01-02"))
	}
	return s
}

// Left says what was not written, or "".
func (r ExportResult) Left() string {
	if r.Skipped == 0 {
		return ""
	}
	what := "entries"
	if IsStatementFormat(r.Format) {
		what = "balance movements"
	}
	s := fmt.Sprintf("%d %s after the period", r.Skipped, what)
	if r.Format == FormatDATEV {
		s = fmt.Sprintf("%d %s outside the period", r.Skipped, what)
		if len(r.SkippedCurrencies) > 0 {
			s += " or in " + strings.Join(r.SkippedCurrencies, ", ")
		}
	}
	return s + " not written"
}

// LineWriter is a JournalWriter of a statement format: it is given the
// Stripe balance's lines, oldest first, instead of entries.
type LineWriter interface {
	WriteLine(StatementLine) error
	Close() error
}

// ExportWriters builds the writer of an export format on w. A statement
// format's writer is a LineWriter; the others are JournalWriters.
type ExportWriters func(opt ExportOptions, w io.Writer, accounts []LedgerAccount) (any, error)

// Charts of accounts DATEV knows, by the number its header carries.
const (
	ChartSKR03 = "03"
	ChartSKR04 = "04"
)

// DATEVSettings are what a DATEV batch's header needs and how Tally's
// accounts are named in the bookkeeper's chart. The tax adviser gives the
// consultant and client numbers.
type DATEVSettings struct {
	Consultant    int        // Beraternummer, 1001–9999999
	Client        int        // Mandantennummer, 1–99999
	Chart         string     // ChartSKR03 or ChartSKR04
	YearStart     time.Month // first month of the financial year
	AccountLength int        // Sachkontenlänge, 4–8
	// Accounts maps Tally's account codes to the chart's, over the chart's
	// defaults (DATEVDefaults).
	Accounts map[string]string
}

// WithDefaults fills what is unset: SKR03, a financial year from January,
// four-digit accounts.
func (d DATEVSettings) WithDefaults() DATEVSettings {
	if d.Chart == "" {
		d.Chart = ChartSKR03
	}
	if d.YearStart < time.January || d.YearStart > time.December {
		d.YearStart = time.January
	}
	if d.AccountLength == 0 {
		d.AccountLength = 4
	}
	return d
}

// Validate checks the numbers as DATEV's format description bounds them.
func (d DATEVSettings) Validate() error {
	if d.Consultant < 1001 || d.Consultant > 9999999 {
		return &FieldError{Field: "consultant", Err: Errorf(EINVALID, "The consultant number (Beraternummer) is 1001 to 9999999: ask the tax adviser for it.")}
	}
	if d.Client < 1 || d.Client > 99999 {
		return &FieldError{Field: "client", Err: Errorf(EINVALID, "The client number (Mandantennummer) is 1 to 99999: ask the tax adviser for it.")}
	}
	if d.Chart != ChartSKR03 && d.Chart != ChartSKR04 {
		return &FieldError{Field: "chart", Err: Errorf(EINVALID, "Choose the chart of accounts: SKR03 or SKR04.")}
	}
	if d.YearStart < time.January || d.YearStart > time.December {
		return &FieldError{Field: "year_start", Err: Errorf(EINVALID, "The financial year starts in a month from 1 to 12.")}
	}
	if d.AccountLength < 4 || d.AccountLength > 8 {
		return &FieldError{Field: "account_length", Err: Errorf(EINVALID, "DATEV's account length is 4 to 8 digits.")}
	}
	for code, acct := range d.Accounts {
		if err := d.checkAccount(acct); err != nil {
			return &FieldError{Field: "accounts", Err: Errorf(EINVALID, "Account %s: %s", code, ErrorMessage(err))}
		}
	}
	return nil
}

func (d DATEVSettings) checkAccount(acct string) error {
	if acct == "" || strings.Trim(acct, "0123456789") != "" || strings.Trim(acct, "0") == "" {
		return Errorf(EINVALID, "a DATEV account is a number, not %q.", acct)
	}
	if len(acct) > d.AccountLength {
		return Errorf(EINVALID, "%s has more than the %d digits the batch's account length allows.", acct, d.AccountLength)
	}
	return nil
}

// datevDefaults are the usual accounts of SKR03 and SKR04 for Tally's own.
// Sales go to the revenue account without automatic tax (8200 / 4200),
// because Tally books the tax itself (2100 → 1776 / 3806): an automatic
// account (8400 / 4400) would have DATEV take the tax out a second time.
var datevDefaults = map[string][2]string{
	AcctBank:                {"1200", "1800"}, // Bank
	AcctCash:                {"1000", "1600"}, // Kasse
	AcctStripeBalance:       {"1210", "1810"}, // a second bank account: the Stripe balance
	AcctOutstandingReceipts: {"1360", "1460"}, // Geldtransit
	AcctReceivables:         {"1400", "1200"}, // Forderungen aus Lieferungen und Leistungen
	AcctSuspense:            {"1590", "1370"}, // Durchlaufende Posten
	AcctSalesTax:            {"1776", "3806"}, // Umsatzsteuer 19 %
	AcctTips:                {"1700", "3500"}, // Sonstige Verbindlichkeiten
	AcctSales:               {"8200", "4200"}, // Erlöse
	AcctRefunds:             {"8700", "4700"}, // Erlösschmälerungen
	AcctPaymentFees:         {"4970", "6855"}, // Nebenkosten des Geldverkehrs
	AcctDisputeLosses:       {"2400", "6930"}, // Forderungsverluste
	AcctBadDebts:            {"2400", "6930"},
	AcctCashOverShort:       {"4900", "6300"}, // Sonstige betriebliche Aufwendungen
	AcctPettyCash:           {"4900", "6300"},
}

// DATEVDefaults returns the chart's default accounts for Tally's own.
func DATEVDefaults(chart string) map[string]string {
	i := 0
	if chart == ChartSKR04 {
		i = 1
	}
	out := make(map[string]string, len(datevDefaults))
	for code, a := range datevDefaults {
		out[code] = a[i]
	}
	return out
}

// AccountFor is the DATEV account of a Tally account: the owner's mapping,
// the chart's default, or the code itself when it is a number that fits.
func (d DATEVSettings) AccountFor(code string) (string, error) {
	if a, ok := d.Accounts[code]; ok && a != "" {
		return a, nil
	}
	if a, ok := DATEVDefaults(d.Chart)[code]; ok {
		return a, nil
	}
	if d.checkAccount(code) == nil {
		return code, nil
	}
	return "", Errorf(EINVALID, "Tally's account %s has no DATEV account: give it one in the DATEV settings (Reconcile > Export > DATEV).", code)
}

// FinancialYear returns the start of the financial year t falls in.
func (d DATEVSettings) FinancialYear(t time.Time) time.Time {
	d = d.WithDefaults()
	y := t.Year()
	if t.Month() < d.YearStart {
		y--
	}
	return time.Date(y, d.YearStart, 1, 0, 0, 0, 0, t.Location())
}

// BatchPeriod returns the period of a DATEV batch holding t: its financial
// year, cut at the calendar year's end, since a batch's dates share one
// calendar year.
func (d DATEVSettings) BatchPeriod(t time.Time) (from, to time.Time) {
	fy := d.FinancialYear(t)
	from, to = fy, fy.AddDate(1, 0, 0)
	if jan := time.Date(t.Year(), time.January, 1, 0, 0, 0, 0, t.Location()); jan.After(from) {
		from = jan
	}
	if dec := time.Date(t.Year()+1, time.January, 1, 0, 0, 0, 0, t.Location()); dec.Before(to) {
		to = dec
	}
	return from, to
}

// FormatAccounts writes a mapping as "1000=1200, 4000=8400".
func FormatAccounts(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k + "=" + m[k])
	}
	return b.String()
}

// ParseAccounts reads "1000=1200, 4000=8400" (commas, spaces or new lines
// between pairs).
func ParseAccounts(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == ' ' || r == '\t' }) {
		k, v, ok := strings.Cut(f, "=")
		if !ok || strings.TrimSpace(k) == "" || strings.TrimSpace(v) == "" {
			return nil, Errorf(EINVALID, "Write each account as TALLY=DATEV, for example 4000=8400, not %q.", f)
		}
		out[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return out, nil
}

// ParseMonth reads a month number 1–12.
func ParseMonth(s string) (time.Month, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > 12 {
		return 0, Errorf(EINVALID, "A month is a number from 1 to 12, not %q.", s)
	}
	return time.Month(n), nil
}

// DATEVSettings returns the stored DATEV settings with their defaults.
func (s *ReconcileService) DATEVSettings(ctx context.Context) (DATEVSettings, error) {
	var d DATEVSettings
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		d, err = tx.DATEVSettings()
		return err
	})
	return d.WithDefaults(), err
}

// SaveDATEVSettings checks and stores the DATEV settings.
func (s *ReconcileService) SaveDATEVSettings(ctx context.Context, d DATEVSettings) error {
	d = d.WithDefaults()
	if err := d.Validate(); err != nil {
		return err
	}
	return s.Store.Update(ctx, func(tx Tx) error { return tx.SaveDATEVSettings(d) })
}

// ExportWith writes the journal, or for a statement format the Stripe
// balance's lines, to w as opt says. On an error, what w holds is not an
// export.
func (s *ReconcileService) ExportWith(ctx context.Context, opt ExportOptions, w io.Writer) (ExportResult, error) {
	res := ExportResult{Format: opt.Format}
	if s.Exporters == nil {
		return res, Errorf(EUNAVAILABLE, "This build of Tally cannot write exports.")
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	err := s.Store.View(ctx, func(tx Tx) error {
		shop, err := tx.Shop()
		if err != nil {
			return err
		}
		if opt.Shop == "" {
			opt.Shop = shop.Name
		}
		if opt.Location == nil {
			opt.Location = shop.Location()
		}
		if opt.Account == "" {
			st, err := tx.Settings()
			if err != nil {
				return err
			}
			opt.Account = st.Account.ID
		}
		opt.Now = opt.Now.In(opt.loc())
		if opt.Format == FormatDATEV {
			if err := s.datevOptions(tx, &opt, shop); err != nil {
				return err
			}
			res.From, res.To = opt.From, opt.To
		}
		accounts, err := tx.LedgerAccounts()
		if err != nil {
			return err
		}
		wr, err := s.Exporters(opt, w, accounts)
		if err != nil {
			return err
		}
		skipped := map[string]bool{}
		switch wr := wr.(type) {
		case LineWriter:
			err = tx.StatementLines(func(l StatementLine) error {
				if !l.Bookable {
					return nil
				}
				if !opt.To.IsZero() && !l.Created.Before(opt.To) {
					res.Skipped++
					return nil
				}
				if opt.In(l.Created) {
					res.Lines++
				}
				// Earlier lines make the opening balance: the writer sees them all.
				return wr.WriteLine(l)
			})
			if err == nil {
				if c, ok := wr.(interface{ Statements() int }); ok {
					res.Statements = c.Statements()
				}
			}
			if cerr := wr.Close(); err == nil {
				err = cerr
			}
			return err
		case JournalWriter:
			err = tx.Entries(func(e Entry) error {
				if opt.Format == FormatDATEV && e.Currency.Code() != opt.Currency {
					res.Skipped++
					skipped[e.Currency.Code()] = true
					return nil
				}
				if !opt.In(e.Date) {
					res.Skipped++
					return nil
				}
				res.Entries++
				return wr.Write(e)
			})
			if err == nil {
				if pw, ok := wr.(interface {
					WritePayouts([]PayoutCheck) error
				}); ok {
					var payouts []PayoutCheck
					if payouts, err = tx.PayoutChecks(); err == nil {
						err = pw.WritePayouts(payouts)
					}
				}
			}
			for c := range skipped {
				res.SkippedCurrencies = append(res.SkippedCurrencies, c)
			}
			sort.Strings(res.SkippedCurrencies)
			if cerr := wr.Close(); err == nil {
				err = cerr
			}
			return err
		}
		return fmt.Errorf("export format %q has no writer", opt.Format)
	})
	if err != nil {
		return ExportResult{Format: opt.Format}, err
	}
	return res, nil
}

// datevOptions completes a DATEV export's options: the stored settings
// unless given, the shop's currency, and a period within one financial
// and calendar year (the latest entry's when none is given).
func (s *ReconcileService) datevOptions(tx Tx, opt *ExportOptions, shop Shop) error {
	if opt.DATEV.Consultant == 0 {
		d, err := tx.DATEVSettings()
		if err != nil {
			return err
		}
		opt.DATEV = d
	}
	opt.DATEV = opt.DATEV.WithDefaults()
	if err := opt.DATEV.Validate(); err != nil {
		if opt.DATEV.Consultant == 0 {
			return Errorf(EINVALID, "A DATEV batch needs the consultant and client numbers of the shop's tax adviser: enter them in Reconcile > Export > DATEV, or give --consultant and --client.")
		}
		return err
	}
	if opt.Currency == "" {
		opt.Currency = shop.Currency.Code()
		if shop.Currency.IsZero() {
			opt.Currency = "EUR"
		}
	}
	loc := opt.loc()
	if opt.From.IsZero() && opt.To.IsZero() {
		latest, err := tx.LatestEntry(opt.Currency)
		if err != nil {
			return err
		}
		if latest.IsZero() {
			return Errorf(EINVALID, "The books hold no entries in %s, the currency of this DATEV batch: book the imported lines first, or export another currency with --currency.", opt.Currency)
		}
		opt.From, opt.To = opt.DATEV.BatchPeriod(latest.In(loc))
		return nil
	}
	if opt.From.IsZero() || opt.To.IsZero() {
		return Errorf(EINVALID, "A DATEV batch needs both dates of its period (--from and --to), or neither for the latest financial year.")
	}
	from, to := opt.DATEV.BatchPeriod(opt.From.In(loc))
	if opt.From.Before(from) || opt.To.After(to) || !opt.To.After(opt.From) {
		return Errorf(EINVALID, "A DATEV batch holds one financial year within one calendar year: %s to %s holds %s. Export each year on its own.",
			opt.From.Format("2006-01-02"), opt.To.AddDate(0, 0, -1).Format("2006-01-02"), from.Format("2006-01-02")+" – "+to.AddDate(0, 0, -1).Format("2006-01-02"))
	}
	return nil
}
