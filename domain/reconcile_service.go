package domain

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// AccountBalance is an account's balance in one currency.
type AccountBalance struct {
	Account string
	Name    string
	Balance Money
}

// PayoutCheck compares a payout with the lines it pays out.
type PayoutCheck struct {
	PayoutID    string
	Currency    Currency
	Date        time.Time
	Paid        int64 // what the payout sent to the bank, from its own line(s)
	PayoutLines int   // how many lines are the payout itself (0: not imported)
	LinesNet    int64 // the net of the lines it pays out
	Lines       int
	// Failed counts the lines of the payout coming back (payout_failure,
	// payout_reversal): the bank refused it.
	Failed int
	// Dashboard is the payout as the Dashboard's Payouts export lists it,
	// when one was imported.
	Dashboard *PayoutRow
}

// Status says whether the payout adds up.
func (c PayoutCheck) Status() string {
	if c.Failed > 0 {
		return "failed: the bank refused the payout and the money came back to the Stripe balance (a payout_failure line); check the bank account at Stripe"
	}
	if d := c.Dashboard; d != nil {
		switch {
		case d.Status == "failed" || d.Status == "canceled":
			why := d.FailureMessage
			if why == "" {
				why = d.FailureCode
			}
			if why != "" {
				why = ": " + why
			}
			return "the Dashboard says it " + d.Status + why + "; the money went back to the Stripe balance"
		case c.PayoutLines > 0 && d.Amount.Amount != c.Paid:
			return fmt.Sprintf("the Dashboard says %s, the payout line %s", FormatAmount(d.Amount.Amount, c.Currency.Exponent()), FormatAmount(c.Paid, c.Currency.Exponent()))
		case c.PayoutLines == 0:
			return fmt.Sprintf("the Dashboard lists it (%s, %s): import the itemized payouts and payout reconciliation reports to check its lines",
				FormatAmount(d.Amount.Amount, d.Amount.Currency.Exponent()), d.Status)
		}
	}
	switch {
	case c.PayoutLines == 0:
		return "payout line not imported: import the itemized payouts report to check it"
	case c.Lines == 0:
		return "its lines are not imported: import the payout reconciliation report to check it"
	case c.Paid == c.LinesNet:
		return "ok"
	}
	return fmt.Sprintf("differs by %s: a line is missing or extra", FormatAmount(c.LinesNet-c.Paid, c.Currency.Exponent()))
}

// OK reports whether the payout was checked and adds up.
func (c PayoutCheck) OK() bool {
	if c.Failed > 0 {
		return false
	}
	if d := c.Dashboard; d != nil && (d.Amount.Amount != c.Paid || d.Status == "failed" || d.Status == "canceled") {
		return false
	}
	return c.PayoutLines > 0 && c.Lines > 0 && c.Paid == c.LinesNet
}

// SummaryCheck compares a Stripe balance summary with the imported lines of
// its period.
type SummaryCheck struct {
	File             string
	Currency         Currency
	From, To         time.Time // To is exclusive
	Starting, Ending int64
	LinesNet         int64
	Lines            int
}

// OK reports whether the lines explain the change of balance.
func (c SummaryCheck) OK() bool { return c.Ending-c.Starting == c.LinesNet }

// Status says what the check found.
func (c SummaryCheck) Status() string {
	exp := c.Currency.Exponent()
	change := c.Ending - c.Starting
	if c.OK() {
		return fmt.Sprintf("ok: the balance moved by %s and the %d lines add up to it", FormatAmount(change, exp), c.Lines)
	}
	return fmt.Sprintf("the balance moved by %s but the %d imported lines of the period add up to %s: import the period's balance change and payouts reports, or look for a missing line",
		FormatAmount(change, exp), c.Lines, FormatAmount(c.LinesNet, exp))
}

// MatchCounts says how many charge lines found their payment record (from a
// Payments export) by Stripe id.
type MatchCounts struct {
	Charges, Matched int
}

// LineCounts summarises the statement lines.
type LineCounts struct {
	Lines, Bookable, Booked, Suspense int
}

// ReconcileService books statement lines and checks payouts.
type ReconcileService struct {
	Store Store
	// Till, when set, is the register of the same books: its paid sales are
	// booked, and their charges matched, by each run.
	Till TillStore
	// Exporters write the export formats (nil: exporting is refused).
	Exporters ExportWriters
	// Documents writes the month report (nil: refused).
	Documents Documents
	// ChunkLines is how many lines a committed chunk of a booking reads
	// (0: DefaultChunkLines).
	ChunkLines int
	// LineByLine books each line with its own statements, as Tally did
	// before booking in sets; tests compare the two.
	LineByLine bool
}

// ReconcileResult says what a run did.
type ReconcileResult struct {
	Booked int
	// SalesBooked counts register sales booked (Outstanding receipts or
	// Cash / Sales); MatchedToSales the charge lines that cleared one.
	SalesBooked int
	// RefundsBooked counts register refunds booked (Refunds / Outstanding
	// receipts or Cash), and refunds undone after failing.
	RefundsBooked int
	// InvoiceEntries counts the entries of invoices' stories booked:
	// issued, paid, void, written off.
	InvoiceEntries int
	// CashBooked counts the drawer's entries booked: floats, cash in and
	// out, deposits, and each day close's cash over or short.
	CashBooked     int
	MatchedToSales int
	Waiting        int // lines a suggest-only rule left for the bookkeeper
	Counts         LineCounts
	Payouts        []PayoutCheck
}

// bookBatch is how many lines one round books: read in one query, written
// by a few INSERT … SELECT statements.
const bookBatch = 5000

// Reconcile books every bookable line that has no entry yet, in one
// transaction, then checks the payouts. Lines parked in suspense are taken
// again, so a new rule reaches them. An auto-book rule decides the account;
// a suggest-only rule leaves its lines waiting, with the suggestion shown.
func (s *ReconcileService) Reconcile(ctx context.Context) (ReconcileResult, error) {
	return s.ReconcileProgress(ctx, nil)
}

// ReconcileProgress is Reconcile calling progress, when set, after each
// batch of lines with the number booked so far, from the goroutine that
// books. Lines are booked in chunks of ChunkLines, each committed, so that
// other writers of the books (Settings, a payment method) wait one chunk at
// most. Cancelling ctx stops it: the chunk under way books nothing, chunks
// committed stay booked (the result counts them), and the rest waits for
// the next run.
func (s *ReconcileService) ReconcileProgress(ctx context.Context, progress func(booked int)) (ReconcileResult, error) {
	var res ReconcileResult
	reg, err := s.registerSales(ctx)
	if err != nil {
		return res, err
	}
	chunk := s.ChunkLines
	if chunk <= 0 {
		chunk = DefaultChunkLines
	}
	var rules []Rule
	var parked map[string]bool
	// One pass in booking order, a batch at a time, each batch starting
	// after the last line seen: lines booked or left waiting are not read
	// again, so a million lines cost a million, not a half trillion,
	// look-ups.
	var after LineCursor
	for first := true; ; first = false {
		done := false
		r, cur := res, after
		err := s.Store.Update(ctx, func(tx Tx) (err error) {
			r, cur = res, after // a retried or failed chunk counts nothing
			if first {
				if err := bookSales(tx, reg, &r); err != nil {
					return err
				}
				if rules, err = loadRules(tx); err != nil {
					return err
				}
				if parked, err = tx.UnbookSuspense(); err != nil {
					return err
				}
			}
			for read := 0; read < chunk; {
				if err := ctx.Err(); err != nil {
					return err
				}
				var lines []StatementLine
				if s.LineByLine {
					lines, err = tx.UnbookedLines(cur, bookBatch)
				} else {
					lines, err = tx.UnbookedBrief(cur, bookBatch)
				}
				if err != nil {
					return err
				}
				if len(lines) == 0 {
					done = true
					return nil
				}
				if progress != nil && cur.Key != "" {
					progress(r.Booked)
				}
				read += len(lines)
				last := lines[len(lines)-1]
				cur = LineCursor{Created: last.Created, Key: last.Key}
				out := &r
				plans := make([]LinePlan, 0, len(lines))
				for _, l := range lines {
					stored := l.Description
					account, matched := "", false
					if n, ok := reg.matches(l); ok {
						// The register or the invoice booked the sale: its
						// charge clears Outstanding receipts, whatever a
						// rule would say.
						l.Description = n + ": " + l.Description
						matched = true
						out.MatchedToSales++
					} else if rule := firstRule(rules, l); rule != nil {
						if !rule.AutoBook {
							out.Waiting++ // a suggestion left for the bookkeeper
							continue
						}
						account = rule.Account
						if rule.Label != "" {
							l.Description = rule.Label + ": " + l.Description
						}
					}
					p := PlanLineOf(l, stored, matched, account)
					// A line taken from suspense and parked there again is no news.
					if matched || !(parked[l.Key] && p.Account == AcctSuspense) {
						out.Booked++
					}
					if s.LineByLine {
						e, err := BookLine(l, matched, account)
						if err != nil {
							return fmt.Errorf("book line %s: %w", l.Key, err)
						}
						if err := tx.InsertEntry(&e); err != nil {
							return err
						}
						continue
					}
					plans = append(plans, p)
				}
				if err := tx.BookLines(plans); err != nil {
					return fmt.Errorf("book lines: %w", err)
				}
			}
			return nil
		})
		if err != nil {
			return res, err
		}
		res, after = r, cur
		if done {
			break
		}
	}
	err = s.Store.View(ctx, func(tx Tx) (err error) {
		if res.Counts, err = tx.LineCounts(); err != nil {
			return err
		}
		res.Payouts, err = tx.PayoutChecks()
		return err
	})
	return res, err
}

// DefaultChunkLines is how many lines one committed chunk of a booking
// reads: about two seconds of writing on a small machine.
const DefaultChunkLines = 100_000

// Balances returns every account's balance per currency.
func (s *ReconcileService) Balances(ctx context.Context) ([]AccountBalance, error) {
	var out []AccountBalance
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.AccountBalances()
		return err
	})
	return out, err
}

// Journal calls fn for every entry by date.
func (s *ReconcileService) Journal(ctx context.Context, fn func(Entry) error) error {
	return s.Store.View(ctx, func(tx Tx) error { return tx.Entries(fn) })
}

// JournalWriter writes the journal in one export format.
type JournalWriter interface {
	Write(Entry) error
	Close() error
}

// Export writes the whole journal to w in a journal format and returns
// how many entries it wrote (ExportWith says more).
func (s *ReconcileService) Export(ctx context.Context, format string, w io.Writer) (int, error) {
	res, err := s.ExportWith(ctx, ExportOptions{Format: format}, w)
	return res.Entries, err
}

// Accounts returns the chart of accounts.
func (s *ReconcileService) Accounts(ctx context.Context) ([]LedgerAccount, error) {
	var out []LedgerAccount
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.LedgerAccounts()
		return err
	})
	return out, err
}

// LineFilter selects statement lines for the reconciliation view.
type LineFilter struct {
	// Status: "" all, "unbooked", "booked", "suspense", "queue"; "matched"
	// and "unmatched": charge lines with and without a payment record;
	// "sale": charge lines that cleared a register sale.
	Status   string
	PayoutID string // only the lines of this payout
	Key      string // only this line
}

// LineView is a statement line with how it is booked and what it matched.
type LineView struct {
	StatementLine
	Booked  bool
	Parked  bool   // booked to suspense: waiting for a decision
	Account string // the counterpart account, "4000 Sales", when booked
	Payment string // the key of the payment record it matched by Stripe id, if any
}

// Lines returns one page of lines, newest first, and, for the first page,
// how many match (-1 for later pages).
func (s *ReconcileService) Lines(ctx context.Context, f LineFilter, offset, limit int) ([]LineView, int, error) {
	var out []LineView
	total := 0
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		out, total, err = tx.Lines(f, offset, limit)
		return err
	})
	return out, total, err
}

// ReconcileSummary is what the reconciliation view shows beside the lines.
type ReconcileSummary struct {
	Counts    LineCounts
	Matches   MatchCounts
	Summaries []SummaryCheck
	Payouts   []PayoutCheck
	Balances  []AccountBalance
}

// Summary reads the counts, the payout checks and the balances.
func (s *ReconcileService) Summary(ctx context.Context) (ReconcileSummary, error) {
	var r ReconcileSummary
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		if r.Counts, err = tx.LineCounts(); err != nil {
			return err
		}
		if r.Matches, err = tx.MatchCounts(); err != nil {
			return err
		}
		if r.Summaries, err = tx.SummaryChecks(); err != nil {
			return err
		}
		if r.Payouts, err = tx.PayoutChecks(); err != nil {
			return err
		}
		r.Balances, err = tx.AccountBalances()
		return err
	})
	return r, err
}

// registerBook is what the register gives the books: its paid sales, the
// refunds that succeeded, and the Stripe ids that tie statement lines to them.
type registerBook struct {
	sales    []Sale
	refunds  []RefundRecord
	numbers  map[int64]int64  // sale id > number
	paidBy   map[string]int64 // PaymentIntent or charge id > sale number
	refund   map[string]int64 // refund id (re_…) > sale number
	invoices []InvoiceRecord
	invoiced map[string]string // PaymentIntent or charge id > invoice number
	moves    []CashMovement    // the drawer's floats, cash in and out, deposits
	closes   []DayClose        // the day closes, for their cash over or short
}

// registerSales reads the register's paid sales and succeeded refunds, and
// the Stripe ids (PaymentIntents, charges, refunds) behind them, when the
// service has a till.
func (s *ReconcileService) registerSales(ctx context.Context) (registerBook, error) {
	rb := registerBook{numbers: map[int64]int64{}, paidBy: map[string]int64{}, refund: map[string]int64{}, invoiced: map[string]string{}}
	if s.Till == nil {
		return rb, nil
	}
	if err := s.Till.ViewTill(ctx, func(tx TillTx) (err error) {
		if rb.sales, err = tx.PaidSales(); err != nil {
			return err
		}
		if rb.refunds, err = tx.BookableRefunds(); err != nil {
			return err
		}
		if rb.invoices, err = tx.Invoices(0); err != nil {
			return err
		}
		if rb.moves, err = tx.CashMovements(); err != nil {
			return err
		}
		rb.closes, err = tx.AllDayCloses()
		return err
	}); err != nil {
		return rb, fmt.Errorf("read the register's sales: %w", err)
	}
	for _, sl := range rb.sales {
		rb.numbers[sl.ID] = sl.Number
		for _, a := range sl.Attempts {
			if a.Status.Settled() && a.Kind != MethodCash {
				for _, id := range []string{a.PaymentIntent, a.ChargeID} {
					if id != "" {
						rb.paidBy[id] = sl.Number
					}
				}
			}
		}
	}
	for _, r := range rb.refunds {
		if r.StripeID != "" && r.Kind != MethodCash {
			rb.refund[r.StripeID] = rb.numbers[r.SaleID]
		}
	}
	for _, inv := range rb.invoices {
		if inv.Status == InvoicePaid && !inv.PaidOutOfBand {
			for _, id := range []string{inv.PaymentIntentID, inv.ChargeID} {
				if id != "" {
					rb.invoiced[id] = inv.Title()
				}
			}
		}
	}
	return rb, nil
}

// bookSales books each paid sale and each succeeded refund not booked
// yet, and undoes a refund that failed after it was booked.
func bookSales(tx Tx, rb registerBook, res *ReconcileResult) error {
	if len(rb.sales) == 0 && len(rb.refunds) == 0 && len(rb.invoices) == 0 && len(rb.moves) == 0 && len(rb.closes) == 0 {
		return nil
	}
	booked, err := tx.BookedSales()
	if err != nil {
		return err
	}
	for _, sl := range rb.sales {
		if booked[SaleRef(sl.ID)] {
			continue
		}
		e, err := SaleEntry(sl)
		if err != nil {
			return fmt.Errorf("book sale #%d: %w", sl.Number, err)
		}
		if err := tx.InsertEntry(&e); err != nil {
			return err
		}
		res.SalesBooked++
	}
	for _, r := range rb.refunds {
		n, ok := rb.numbers[r.SaleID]
		if !ok {
			continue // its sale is not paid (a voided authorisation): nothing was booked
		}
		book := func(reversal bool) error {
			e, err := RefundEntry(r, n, reversal)
			if err != nil {
				return err
			}
			if err := tx.InsertEntry(&e); err != nil {
				return err
			}
			res.RefundsBooked++
			return nil
		}
		if !booked[RefundRef(r.ID)] {
			if err := book(false); err != nil {
				return err
			}
		}
		if !r.Failed.IsZero() && !booked[RefundReversalRef(r.ID)] {
			if err := book(true); err != nil {
				return err
			}
		}
	}
	for _, m := range rb.moves {
		if booked[CashRef(m.ID)] {
			continue
		}
		e, err := CashEntry(m)
		if err != nil {
			return fmt.Errorf("book cash movement %d: %w", m.ID, err)
		}
		if err := tx.InsertEntry(&e); err != nil {
			return err
		}
		res.CashBooked++
	}
	for _, d := range rb.closes {
		e, ok, err := OverShortEntry(d)
		if err != nil {
			return fmt.Errorf("book the day close of %s: %w", d.Till, err)
		}
		if !ok || booked[CloseRef(d.ID)] {
			continue
		}
		if err := tx.InsertEntry(&e); err != nil {
			return err
		}
		res.CashBooked++
	}
	for _, inv := range rb.invoices {
		es, err := InvoiceEntries(inv)
		if err != nil {
			return err
		}
		for _, e := range es {
			if booked[e.SaleRef] {
				continue
			}
			if err := tx.InsertEntry(&e); err != nil {
				return err
			}
			res.InvoiceEntries++
		}
	}
	return nil
}

// matches reports whether a statement line is the Stripe side of a
// register sale or an invoice (a charge, by its PaymentIntent or charge
// id) or of a register refund (by the refund's id), and names it.
func (rb registerBook) matches(l StatementLine) (string, bool) {
	switch strings.ToLower(l.Category) {
	case "charge", "payment":
		for _, id := range []string{l.PaymentIntentID, l.ChargeID, l.SourceID} {
			if id == "" {
				continue
			}
			if n, ok := rb.paidBy[id]; ok {
				return fmt.Sprintf("Register sale #%d", n), true
			}
			if n, ok := rb.invoiced[id]; ok {
				return "Invoice " + n, true
			}
		}
	case "refund", "payment_refund", "refund_failure":
		if n, ok := rb.refund[l.SourceID]; ok && l.SourceID != "" {
			return fmt.Sprintf("Register sale #%d", n), true
		}
	}
	return "", false
}
