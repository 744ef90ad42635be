package domain

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Posting is one side of an entry: a signed amount on an account, debit
// positive, credit negative, in the entry's currency.
type Posting struct {
	Account string // ledger account code
	Amount  int64
}

// Entry is a balanced journal entry in one currency.
type Entry struct {
	ID          int64
	Date        time.Time
	Currency    Currency
	Description string
	LineKey     string // the statement line it books, if any
	SaleRef     string // the register sale it books, if any (SaleRef)
	Postings    []Posting
}

// Validate enforces double entry: at least two postings on named accounts,
// summing to zero, without overflow.
func (e Entry) Validate() error {
	if e.Currency.IsZero() {
		return Errorf(EINVALID, "an entry needs a currency")
	}
	if len(e.Postings) < 2 {
		return Errorf(EINVALID, "an entry needs at least two postings")
	}
	var sum int64
	for _, p := range e.Postings {
		if p.Account == "" {
			return Errorf(EINVALID, "a posting has no account")
		}
		next := sum + p.Amount
		if (p.Amount > 0 && next < sum) || (p.Amount < 0 && next > sum) {
			return Errorf(EINVALID, "the entry's amounts are too large")
		}
		sum = next
	}
	if sum != 0 {
		return Errorf(EINVALID, "the entry does not balance: off by %s", FormatAmount(sum, e.Currency.Exponent()))
	}
	return nil
}

// AcctSuspense holds lines of a kind Tally cannot book by itself, until a
// rule or the bookkeeper says where they go.
const AcctSuspense = "1900"

// counterpart is the account that balances a line's gross amount.
func counterpart(category string, matchedToSale bool) string {
	switch strings.ToLower(category) {
	case "charge", "payment":
		if matchedToSale {
			return AcctOutstandingReceipts
		}
		return AcctSales
	case "refund", "payment_refund", "refund_failure":
		if matchedToSale {
			return AcctOutstandingReceipts // the register booked the refund
		}
		return AcctRefunds
	case "partial_capture_reversal", "payment_failure_refund":
		return AcctRefunds
	case "payout", "payout_reversal", "payout_failure", "payout_cancel", "transfer":
		return AcctBank
	case "fee", "stripe_fee", "tax", "application_fee", "network_cost":
		return AcctPaymentFees
	case "dispute", "dispute_reversal", "issuing_dispute":
		return AcctDisputeLosses
	}
	return AcctSuspense
}

// LinePlan is how one statement line is booked: the account its gross goes
// to and the entry's description (BookLine's postings otherwise).
type LinePlan struct {
	Key         string
	Account     string
	Description string
	// LineDescription is the line's own description, as stored: a store
	// need not copy a description that is the line's.
	LineDescription string
}

// PlanLine is BookLine's decision without the entry: the account (the
// counterpart when account is empty) and the description.
func PlanLine(l StatementLine, matchedToSale bool, account string) LinePlan {
	if account == "" {
		account = counterpart(l.Category, matchedToSale)
	}
	return LinePlan{Key: l.Key, Account: account, Description: lineDescription(l)}
}

// PlanLineOf is PlanLine for a line whose description was changed (a rule's
// label, a register sale's number) from stored.
func PlanLineOf(l StatementLine, stored string, matchedToSale bool, account string) LinePlan {
	p := PlanLine(l, matchedToSale, account)
	p.LineDescription = stored
	return p
}

func lineDescription(l StatementLine) string {
	if l.Description != "" {
		return l.Description
	}
	desc := l.Category
	if l.SourceID != "" {
		desc += " " + l.SourceID
	}
	return desc
}

// BookLine books a statement line per the accounting model: the Stripe
// balance moves by the net, the counterpart takes the gross, and Payment
// fees take the fee. A charge matched to a Tally sale clears Outstanding
// receipts; any other charge is a sale. account, when not empty, overrides
// the counterpart (a rule's choice).
func BookLine(l StatementLine, matchedToSale bool, account string) (Entry, error) {
	if !l.Bookable {
		return Entry{}, Errorf(EINVALID, "line %s records no money movement and is not booked", l.Key)
	}
	p := PlanLine(l, matchedToSale, account)
	e := Entry{Date: l.Created, Currency: l.Currency, Description: p.Description, LineKey: l.Key}
	e.Postings = []Posting{{AcctStripeBalance, l.Net}, {p.Account, -l.Gross}}
	if l.Fee != 0 {
		e.Postings = append(e.Postings, Posting{AcctPaymentFees, l.Fee})
	}
	return e, e.Validate()
}

// SaleRef names a register sale's entry in the books.
func SaleRef(saleID int64) string { return "sale:" + strconv.FormatInt(saleID, 10) }

// SaleEntry books a paid register sale: what each payment brought in (Cash
// for cash, Outstanding receipts for card and QR payments, until Stripe's
// statement line clears them) against Sales and Sales tax.
func SaleEntry(s Sale) (Entry, error) {
	if s.Status != SalePaid {
		return Entry{}, Errorf(EINVALID, "sale #%d is not paid and is not booked", s.Number)
	}
	e := Entry{Date: s.Settled, Currency: s.Cart.Currency, Description: fmt.Sprintf("%s sale #%d", s.Till, s.Number), SaleRef: SaleRef(s.ID)}
	if e.Date.IsZero() {
		e.Date = s.Created
	}
	var in, tips int64
	for _, a := range s.Attempts {
		if !a.Status.Settled() {
			continue
		}
		acct := AcctOutstandingReceipts
		if a.Kind == MethodCash {
			acct = AcctCash
		}
		// Stripe's charge carries the tip too: it clears all of it.
		e.Postings = append(e.Postings, Posting{acct, a.Amount.Amount + a.Tip})
		in += a.Amount.Amount
		tips += a.Tip
	}
	if in != s.Totals.Total {
		return Entry{}, Errorf(EINVALID, "sale #%d took %s for a total of %s", s.Number, FormatAmount(in, s.Cart.Currency.Exponent()), FormatAmount(s.Totals.Total, s.Cart.Currency.Exponent()))
	}
	e.Postings = append(e.Postings, Posting{AcctSales, -(s.Totals.Total - s.Totals.Tax)})
	if s.Totals.Tax != 0 {
		e.Postings = append(e.Postings, Posting{AcctSalesTax, -s.Totals.Tax})
	}
	if tips != 0 {
		// Owed to the staff: never the shop's sales.
		e.Postings = append(e.Postings, Posting{AcctTips, -tips})
	}
	return e, e.Validate()
}

// RefundEntry books a register refund: Refunds against Outstanding
// receipts (a card or QR payment, until Stripe's refund line clears them)
// or Cash (handed from the drawer). reversal books the opposite, for a
// refund that failed after it succeeded: the customer never got it.
func RefundEntry(r RefundRecord, saleNumber int64, reversal bool) (Entry, error) {
	acct := AcctOutstandingReceipts
	if r.Kind == MethodCash {
		acct = AcctCash
	}
	e := Entry{Date: r.Succeeded, Currency: r.Amount.Currency, SaleRef: RefundRef(r.ID),
		Description: fmt.Sprintf("Refund on sale #%d", saleNumber)}
	if e.Date.IsZero() {
		e.Date = r.Created
	}
	amount := r.Amount.Amount
	if reversal {
		e.Date, e.SaleRef, amount = r.Failed, RefundReversalRef(r.ID), -amount
		e.Description = fmt.Sprintf("Refund on sale #%d failed: undone", saleNumber)
	}
	if r.StripeID != "" {
		e.Description += " (" + r.StripeID + ")"
	}
	e.Postings = []Posting{{AcctRefunds, amount}, {acct, -amount}}
	return e, e.Validate()
}

// InvoiceRef names one of an invoice's entries in the books: issued, paid,
// void, written-off, write-off-undone.
func InvoiceRef(invoiceID int64, what string) string {
	return "invoice:" + strconv.FormatInt(invoiceID, 10) + ":" + what
}

// InvoiceEntries are the entries an invoice's story books, as far as it
// went: issued, Receivables against Sales and Sales tax (Stripe's total and
// tax); paid, Outstanding receipts (until Stripe's charge line clears them)
// or Cash (paid outside Stripe) against Receivables; void, the sale taken
// back; written off, Bad debts against Receivables, undone when it is paid
// or voided after all. Each has its InvoiceRef, so it is booked once.
func InvoiceEntries(inv InvoiceRecord) ([]Entry, error) {
	if inv.Step != StepFinalized || inv.Total == 0 || inv.FinalizedAt.IsZero() {
		return nil, nil
	}
	total, tax, cur := inv.Total, inv.Tax, inv.Cart.Currency
	name := fmt.Sprintf("Invoice %s to %s", inv.Title(), inv.Customer.Name)
	entry := func(what string, at time.Time, desc string, ps ...Posting) Entry {
		if at.IsZero() {
			at = inv.FinalizedAt
		}
		var kept []Posting
		for _, p := range ps {
			if p.Amount != 0 {
				kept = append(kept, p)
			}
		}
		return Entry{Date: at, Currency: cur, Description: desc, SaleRef: InvoiceRef(inv.ID, what), Postings: kept}
	}
	out := []Entry{entry("issued", inv.FinalizedAt, name,
		Posting{AcctReceivables, total}, Posting{AcctSales, -(total - tax)}, Posting{AcctSalesTax, -tax})}
	settled := inv.PaidAt
	if inv.Status == InvoiceVoid {
		settled = inv.VoidedAt
	}
	if !inv.UncollectibleAt.IsZero() {
		out = append(out, entry("written-off", inv.UncollectibleAt, name+": written off",
			Posting{AcctBadDebts, total}, Posting{AcctReceivables, -total}))
		if inv.Status == InvoicePaid || inv.Status == InvoiceVoid {
			out = append(out, entry("write-off-undone", settled, name+": write-off undone",
				Posting{AcctReceivables, total}, Posting{AcctBadDebts, -total}))
		}
	}
	switch inv.Status {
	case InvoicePaid:
		acct, how := AcctOutstandingReceipts, "paid through Stripe"
		if inv.PaidOutOfBand {
			acct, how = AcctCash, "paid outside Stripe"
		}
		out = append(out, entry("paid", settled, name+": "+how, Posting{acct, total}, Posting{AcctReceivables, -total}))
	case InvoiceVoid:
		out = append(out, entry("void", settled, name+": void",
			Posting{AcctSales, total - tax}, Posting{AcctSalesTax, tax}, Posting{AcctReceivables, -total}))
	}
	for _, e := range out {
		if err := e.Validate(); err != nil {
			return nil, fmt.Errorf("invoice %s: %w", inv.Title(), err)
		}
	}
	return out, nil
}
