package domain

import (
	"strconv"
	"strings"
	"time"
)

// This file holds the payments back office's records: refunds, payouts and
// disputes as Stripe reported them, the events Tally applied, and the views
// the Payments screen shows.

// RefundStatus is where a refund stands. Requested is Tally's own: stored
// with its idempotency key, not known to Stripe yet; the others are
// Stripe's.
type RefundStatus string

// Refund states.
const (
	RefundRequested RefundStatus = "requested"
	RefundPending   RefundStatus = "pending"
	RefundSucceeded RefundStatus = "succeeded"
	RefundFailed    RefundStatus = "failed"
	RefundCanceled  RefundStatus = "canceled"
)

// Open reports whether the refund still counts against what is left to
// refund: a failed or cancelled refund gives its amount back.
func (s RefundStatus) Open() bool { return s != RefundFailed && s != RefundCanceled }

// RefundReasons are the reasons Stripe takes, with the words the dialog shows.
var RefundReasons = []struct{ Code, Label string }{
	{"requested_by_customer", "Requested by the customer"},
	{"duplicate", "Charged twice"},
	{"fraudulent", "Fraudulent payment"},
}

// RefundRecord is one refund of one payment: Tally's, or one made outside
// Tally (the Dashboard) that Stripe's events told of.
type RefundRecord struct {
	ID        int64
	AttemptID int64
	SaleID    int64
	Kind      MethodKind // cash refunds are handed from the drawer
	Amount    Money
	Reason    string // one of RefundReasons' codes, or "" (Stripe's none)
	Note      string // the owner's words
	Key       IdempotencyKey
	Status    RefundStatus
	StripeID  string // re_…, once Stripe answered
	Failure   string // Stripe's failure_reason
	Message   string // what the owner last read about it
	External  bool   // made outside Tally, learnt from charge.refunded
	By        Role
	Succeeded time.Time // when it was first known to have succeeded
	Failed    time.Time // when it was known to have failed (possibly after succeeding)
	Created   time.Time
	Updated   time.Time
}

// key derives the idempotency key of one request of the refund.
func (r RefundRecord) key(request string) IdempotencyKey {
	return IdempotencyKey(string(r.Key) + ":" + request)
}

// RefundRef names a register refund's entry in the books, and RefundReversalRef
// the entry that undoes it when Stripe reports it failed after succeeding.
func RefundRef(id int64) string { return "refund:" + itoa(id) }

// RefundReversalRef names the entry that undoes a refund that failed after
// it had succeeded (and was booked).
func RefundReversalRef(id int64) string { return "refund-failed:" + itoa(id) }

// PayoutRecord is a payout as Stripe's events last described it.
type PayoutRecord struct {
	ID      string
	Amount  Money
	Status  string // pending, in_transit, paid, failed, canceled
	Arrival time.Time
	Failure string
	Created time.Time
	Updated time.Time
}

// DisputeRecord is a dispute (chargeback) on one of the shop's payments.
type DisputeRecord struct {
	ID            string
	ChargeID      string
	PaymentIntent string
	AttemptID     int64
	Amount        Money
	Reason        string
	Status        string // warning_needs_response, needs_response, under_review, won, lost, ...
	Created       time.Time
	Updated       time.Time
}

// EventSource says how an event reached Tally.
type EventSource string

// Event sources.
const (
	FromPoll    EventSource = "poll"
	FromWebhook EventSource = "webhook"
)

// EventRecord is an event Tally received, applied or not.
type EventRecord struct {
	ID        string
	Type      string
	Created   time.Time // at Stripe
	Received  time.Time
	Source    EventSource
	ObjectID  string
	AttemptID int64
	Handled   bool   // false: a type Tally does not handle, recorded and ignored
	Effect    string // what it changed, in words ("" when nothing)
}

// EventState is the poller's place in Stripe's event log and what it last heard.
type EventState struct {
	Cursor string // the id of the last event applied from the list
	// InvoiceCursor is the same for the invoices' events, a list of its own.
	InvoiceCursor string
	LastHeard     time.Time // the last answer from Stripe (a list, or a webhook)
	LastError     string    // the last failure, cleared by a success
	Failures      int       // failures in a row
}

// PaymentView is one row of the Payments screen: an attempt with its sale
// and what was refunded of it.
type PaymentView struct {
	Attempt
	SaleNumber    int64
	Till          string
	Refunded      int64 // succeeded refunds
	RefundPending int64 // refunds asked for and not settled yet
	RefundFailed  int   // refunds that failed: shown, never hidden
	Disputed      string
}

// Refundable is what is left to refund of the payment: what it took
// (tip included) less the refunds that did not fail.
func (p PaymentView) Refundable() int64 {
	if !p.Status.Settled() || p.Status == AttemptAuthorized {
		return 0
	}
	return max(p.Amount.Amount+p.Tip-p.Refunded-p.RefundPending, 0)
}

// StatusText is the status shown in the list: the attempt's, or what
// refunds and disputes made of it.
func (p PaymentView) StatusText() string {
	total := p.Amount.Amount + p.Tip
	switch {
	case p.Disputed != "":
		return "disputed (" + strings.ReplaceAll(p.Disputed, "_", " ") + ")"
	case p.RefundFailed > 0 && p.Refunded+p.RefundPending < total:
		return "refund failed"
	case p.Refunded >= total && p.Refunded > 0:
		return "refunded"
	case p.RefundPending > 0:
		return "refund pending"
	case p.Refunded > 0:
		return "partly refunded"
	case p.Status == AttemptAuthorized:
		return "to capture"
	case p.Status == AttemptSucceeded && p.Kind == MethodCash:
		return "paid in cash"
	}
	return string(p.Status)
}

// PaymentFilter selects payments for the list.
type PaymentFilter struct {
	From, To time.Time // [From, To); zero: open-ended
	Status   string    // an AttemptStatus, "refunded" (any refund), "disputed", or "" for all
	MethodID int64     // 0: every method
	// Search is an amount ("12.50"), a sale number ("#12" or "12"), or a
	// Stripe id or its start (pi_…, ch_…, cs_…, re_…), or card's last four.
	// ParseSearch fills the fields below from it; the store matches any.
	Search     string
	Amount     int64 // minor units
	SaleNumber int64
	Last4      string
	StripeID   string // or its start
}

// ParseSearch reads f.Search in currency cur: "#12" is a sale, "pi_3…" (or
// ch_, cs_, re_, py_) an id, "4242" a card's last four digits or an amount
// or a sale number, "12.50" an amount.
func (f PaymentFilter) ParseSearch(cur Currency) PaymentFilter {
	f.Amount, f.SaleNumber, f.Last4, f.StripeID = 0, 0, "", ""
	q := strings.TrimSpace(f.Search)
	if q == "" {
		return f
	}
	if n, ok := strings.CutPrefix(q, "#"); ok {
		if v, err := strconv.ParseInt(n, 10, 64); err == nil && v > 0 {
			f.SaleNumber = v
		}
		return f
	}
	for _, p := range []string{"pi_", "ch_", "cs_", "re_", "py_"} {
		if strings.HasPrefix(q, p) {
			f.StripeID = q
			return f
		}
	}
	digits := strings.Trim(q, "0123456789") == ""
	if digits && len(q) == 4 {
		f.Last4 = q
	}
	if digits {
		if v, err := strconv.ParseInt(q, 10, 64); err == nil && v > 0 {
			f.SaleNumber = v
		}
	}
	if !cur.IsZero() {
		if v, err := ParseAmount(strings.TrimSpace(strings.TrimLeft(q, "€$£¥")), cur.Exponent()); err == nil && v > 0 {
			f.Amount = v
		}
	}
	return f
}

// PaymentCounts counts a list's payments.
type PaymentCounts struct {
	Count int
}

// TimelineItem is one line of a payment's detail: something Tally did or
// Stripe said, in order.
type TimelineItem struct {
	At   time.Time
	What string
	From string // "Tally", "Stripe (poll)", "Stripe (webhook)", "Owner", ...
}

// PaymentDetail is a payment with everything known of it.
type PaymentDetail struct {
	Payment  PaymentView
	Sale     Sale
	Refunds  []RefundRecord
	Disputes []DisputeRecord
	Timeline []TimelineItem
	// SaleRefundable is what is left to refund of the whole sale, over its
	// payments.
	SaleRefundable int64
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
