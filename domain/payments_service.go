package domain

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// PaymentsService is the owner's back office for payments: the list and a
// payment's story, refunds, capture and void. Refunds and voids need the
// owner's grant and go to the audit log.
type PaymentsService struct {
	Till       TillStore
	Connection *Connection
	Clock      Clock
	Access     *AccessService
	Register   *RegisterService
}

// List returns a page of payments matching f, newest first.
func (s *PaymentsService) List(ctx context.Context, f PaymentFilter, offset, limit int) ([]PaymentView, error) {
	f = s.parse(ctx, f)
	var out []PaymentView
	err := s.Till.ViewTill(ctx, func(tx TillTx) (err error) {
		out, err = tx.Payments(f, offset, limit)
		return err
	})
	return out, err
}

// Count counts the payments matching f.
func (s *PaymentsService) Count(ctx context.Context, f PaymentFilter) (PaymentCounts, error) {
	f = s.parse(ctx, f)
	var out PaymentCounts
	err := s.Till.ViewTill(ctx, func(tx TillTx) (err error) {
		out, err = tx.CountPayments(f)
		return err
	})
	return out, err
}

// parse reads the filter's search in the register's currency.
func (s *PaymentsService) parse(ctx context.Context, f PaymentFilter) PaymentFilter {
	var cur Currency
	if s.Register != nil {
		if rs, err := s.Register.RegisterSettings(ctx); err == nil {
			cur = rs.Currency
		}
	}
	return f.ParseSearch(cur)
}

// Detail returns a payment with its sale, refunds, disputes and the
// timeline of what Tally did and Stripe said.
func (s *PaymentsService) Detail(ctx context.Context, attemptID int64) (PaymentDetail, error) {
	var d PaymentDetail
	err := s.Till.ViewTill(ctx, func(tx TillTx) error {
		p, err := tx.Payment(attemptID)
		if err != nil {
			return err
		}
		d.Payment = p
		if d.Sale, err = tx.Sale(p.SaleID); err != nil {
			return err
		}
		all, err := tx.RefundsOfSale(p.SaleID)
		if err != nil {
			return err
		}
		for _, r := range all {
			if r.AttemptID == attemptID {
				d.Refunds = append(d.Refunds, r)
			}
		}
		if d.Disputes, err = tx.DisputesOf(attemptID); err != nil {
			return err
		}
		evs, err := tx.EventsOf(attemptID)
		if err != nil {
			return err
		}
		views, err := salePayments(tx, d.Sale)
		if err != nil {
			return err
		}
		for _, v := range views {
			d.SaleRefundable += v.Refundable()
		}
		d.Timeline = timeline(p, d.Refunds, d.Disputes, evs)
		return nil
	})
	if err != nil {
		return d, err
	}
	if s.Access != nil {
		if log, err := s.Access.AuditOf(ctx, attemptID); err == nil {
			for _, e := range log {
				if e.Action != "refund" {
					d.Timeline = append(d.Timeline, TimelineItem{At: e.At, What: e.Detail, From: e.Role.Title()})
				}
			}
			sortTimeline(d.Timeline)
		}
	}
	return d, nil
}

func salePayments(tx TillTx, sale Sale) ([]PaymentView, error) {
	var out []PaymentView
	for _, a := range sale.Attempts {
		p, err := tx.Payment(a.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func timeline(p PaymentView, refunds []RefundRecord, disputes []DisputeRecord, evs []EventRecord) []TimelineItem {
	cur := p.Amount.Currency
	items := []TimelineItem{{At: p.Created, From: "Tally", What: fmt.Sprintf("%s payment of %s started for sale #%d", p.MethodName, p.Amount, p.SaleNumber)}}
	if p.Status != AttemptPending {
		what := "Payment " + string(p.Status)
		if p.Kind == MethodCash && p.Status == AttemptSucceeded {
			what = "Paid in cash"
		}
		if p.Message != "" {
			what += ": " + p.Message
		}
		items = append(items, TimelineItem{At: p.Updated, From: "Tally", What: what})
	}
	for _, e := range evs {
		what := e.Type
		if e.Effect != "" {
			what += ": " + e.Effect
		} else {
			what += " (nothing new)"
		}
		items = append(items, TimelineItem{At: e.Created, From: "Stripe (" + string(e.Source) + ")", What: what})
	}
	for _, r := range refunds {
		who := r.By.Title()
		if r.External {
			who = "Stripe"
		}
		what := fmt.Sprintf("Refund of %s asked", New(r.Amount.Amount, cur))
		if r.Reason != "" {
			what += " (" + strings.ReplaceAll(r.Reason, "_", " ") + ")"
		}
		if r.Note != "" {
			what += ": " + r.Note
		}
		items = append(items, TimelineItem{At: r.Created, From: who, What: what})
		switch {
		case r.Kind == MethodCash && !r.Succeeded.IsZero():
			// Cash never goes through Stripe: the drawer hands it back.
			items = append(items, TimelineItem{At: r.Succeeded, From: "Tally", What: fmt.Sprintf("Cash refund of %s handed over from the drawer", New(r.Amount.Amount, cur))})
		case !r.Succeeded.IsZero():
			items = append(items, TimelineItem{At: r.Succeeded, From: "Stripe", What: fmt.Sprintf("Refund %s of %s succeeded", r.StripeID, New(r.Amount.Amount, cur))})
		}
		if !r.Failed.IsZero() {
			items = append(items, TimelineItem{At: r.Failed, From: "Stripe", What: fmt.Sprintf("Refund %s of %s FAILED: %s", r.StripeID, New(r.Amount.Amount, cur), r.Message)})
		}
		if r.Status == RefundPending || r.Status == RefundRequested {
			items = append(items, TimelineItem{At: r.Updated, From: "Tally", What: "Refund " + string(r.Status) + ": " + r.Message})
		}
	}
	for _, d := range disputes {
		items = append(items, TimelineItem{At: d.Updated, From: "Stripe", What: fmt.Sprintf("Dispute %s of %s (%s): %s", d.ID, d.Amount, d.Reason, d.Status)})
	}
	sortTimeline(items)
	return items
}

func sortTimeline(items []TimelineItem) {
	sort.SliceStable(items, func(i, j int) bool { return items[i].At.Before(items[j].At) })
}

// RefundRequest asks to refund amount of a sale: of one payment when
// AttemptID is set, else spread over the sale's payments in the order they
// were taken. Amount 0 refunds all that is left.
type RefundRequest struct {
	SaleID    int64
	AttemptID int64
	Amount    int64
	Reason    string // one of RefundReasons' codes, or ""
	Note      string
}

// RefundPart is one payment's share of a refund.
type RefundPart struct {
	Payment PaymentView
	Amount  int64
}

// PlanRefund says how a refund would be spread over the sale's payments,
// and refuses more than is left.
func (s *PaymentsService) PlanRefund(ctx context.Context, req RefundRequest) ([]RefundPart, error) {
	var parts []RefundPart
	err := s.Till.ViewTill(ctx, func(tx TillTx) (err error) {
		parts, _, err = planRefund(tx, req)
		return err
	})
	return parts, err
}

func planRefund(tx TillTx, req RefundRequest) ([]RefundPart, Sale, error) {
	sale, err := tx.Sale(req.SaleID)
	if err != nil {
		return nil, sale, err
	}
	views, err := salePayments(tx, sale)
	if err != nil {
		return nil, sale, err
	}
	var left int64
	var auth bool
	var cands []PaymentView
	for _, v := range views {
		if req.AttemptID != 0 && v.ID != req.AttemptID {
			continue
		}
		if v.Status == AttemptAuthorized {
			auth = true
		}
		if v.Refundable() > 0 {
			cands = append(cands, v)
			left += v.Refundable()
		}
	}
	cur := sale.Cart.Currency
	if left == 0 {
		if auth {
			return nil, sale, Errorf(ECONFLICT, "This payment is only authorised, not captured: void it instead of refunding it.")
		}
		return nil, sale, Errorf(ECONFLICT, "Nothing is left to refund on sale #%d.", sale.Number)
	}
	amount := req.Amount
	if amount == 0 {
		amount = left
	}
	if amount < 0 {
		return nil, sale, fieldErr("amount", Errorf(EINVALID, "A refund is a positive amount."))
	}
	if amount > left {
		return nil, sale, fieldErr("amount", Errorf(EINVALID, "At most %s is left to refund on sale #%d; %s is more than that.", New(left, cur), sale.Number, New(amount, cur)))
	}
	var parts []RefundPart
	for _, v := range cands {
		if amount == 0 {
			break
		}
		take := min(amount, v.Refundable())
		parts = append(parts, RefundPart{Payment: v, Amount: take})
		amount -= take
	}
	return parts, sale, nil
}

// RefundOutcome is what a refund request came to, one record per payment.
type RefundOutcome struct {
	Sale    Sale
	Refunds []RefundRecord
	Message string
}

// Refund refunds (part of) a sale with the owner's grant. Each payment's
// share is stored with its idempotency key and audited before any call to
// Stripe; a share whose answer is lost stays "requested" and is sent again,
// with the same key, by Follow. A cash share is handed from the drawer.
func (s *PaymentsService) Refund(ctx context.Context, g Grant, req RefundRequest) (RefundOutcome, error) {
	var out RefundOutcome
	if err := s.Access.Require(g, RoleOwner); err != nil {
		return out, err
	}
	if req.Reason != "" && !validReason(req.Reason) {
		return out, fieldErr("reason", Errorf(EINVALID, "%q is not a refund reason Stripe takes.", req.Reason))
	}
	// The audit log hears of the refund first (from a read of the plan):
	// a crash after it leaves a line that says "asked", never a refund
	// the log does not know of.
	var planned []RefundPart
	var sale Sale
	if err := s.Till.ViewTill(ctx, func(tx TillTx) (err error) {
		planned, sale, err = planRefund(tx, req)
		return err
	}); err != nil {
		return out, err
	}
	for _, p := range planned {
		amount := Money{Amount: p.Amount, Currency: sale.Cart.Currency}
		if err := s.Access.Record(ctx, g, AuditEntry{Action: "refund", Amount: amount, SaleID: sale.ID, AttemptID: p.Payment.ID,
			Detail: fmt.Sprintf("Refund of %s on sale #%d (%s) asked%s", amount, sale.Number, p.Payment.Kind.Title(), noteText(req.Reason, strings.TrimSpace(req.Note)))}); err != nil {
			return out, fmt.Errorf("write the audit log: %w", err)
		}
	}
	now := s.Clock.Now()
	err := s.Till.UpdateTill(ctx, func(tx TillTx) error {
		out.Refunds = nil
		parts, sale, err := planRefund(tx, req) // again inside the write: two taps cannot both pass
		if err != nil {
			return err
		}
		if !samePlan(parts, planned) {
			return Errorf(ECONFLICT, "Another refund of sale #%d was made meanwhile: look at the payment again, then refund what is left.", sale.Number)
		}
		out.Sale = sale
		for _, p := range parts {
			r := RefundRecord{AttemptID: p.Payment.ID, SaleID: sale.ID, Kind: p.Payment.Kind, Amount: Money{Amount: p.Amount, Currency: sale.Cart.Currency},
				Reason: req.Reason, Note: strings.TrimSpace(req.Note), Key: NewIdempotencyKey("tally-refund"), Status: RefundRequested, By: g.Role(),
				Message: "Stored; being sent to Stripe.", Created: now, Updated: now}
			if p.Payment.Kind == MethodCash {
				r.Status, r.Succeeded, r.Message = RefundSucceeded, now, "Hand "+New(p.Amount, sale.Cart.Currency).String()+" back from the drawer."
			}
			if err := tx.InsertRefund(&r); err != nil {
				return err
			}
			out.Refunds = append(out.Refunds, r)
		}
		return nil
	})
	if err != nil {
		_ = s.Access.Record(ctx, g, AuditEntry{Action: "refund_refused", SaleID: sale.ID, Detail: fmt.Sprintf("Refund on sale #%d not made: %s", sale.Number, ErrorMessage(err))})
		return out, err
	}
	var msgs []string
	for i, r := range out.Refunds {
		if r.Status == RefundRequested {
			r, _ = s.send(ctx, r)
			out.Refunds[i] = r
		}
		msgs = append(msgs, r.Message)
		s.signRefund(ctx, r)
	}
	out.Message = strings.Join(msgs, " ")
	if sale, err := s.Register.Sale(ctx, out.Sale.ID); err == nil {
		out.Sale = sale
	}
	return out, nil
}

// samePlan reports whether two plans refund the same payments the same amounts.
func samePlan(a, b []RefundPart) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Payment.ID != b[i].Payment.ID || a[i].Amount != b[i].Amount {
			return false
		}
	}
	return true
}

func validReason(r string) bool {
	for _, x := range RefundReasons {
		if x.Code == r {
			return true
		}
	}
	return false
}

func noteText(reason, note string) string {
	var parts []string
	if reason != "" {
		parts = append(parts, strings.ReplaceAll(reason, "_", " "))
	}
	if note != "" {
		parts = append(parts, note)
	}
	if len(parts) == 0 {
		return ""
	}
	return ": " + strings.Join(parts, "; ")
}

// send asks Stripe for a stored refund, with its own key: sending it again
// after a lost answer returns the refund the first request made.
func (s *PaymentsService) send(ctx context.Context, r RefundRecord) (RefundRecord, error) {
	gw, _ := s.Connection.Gateway()
	var pi string
	if err := s.Till.ViewTill(ctx, func(tx TillTx) error {
		a, err := tx.Attempt(r.AttemptID)
		pi = a.PaymentIntent
		return err
	}); err != nil {
		return r, err
	}
	got, err := gw.CreateRefund(ctx, r.key("create"), RefundParams{PaymentIntentID: pi, Amount: r.Amount.Amount, Reason: r.Reason,
		Metadata: map[string]string{"tally_refund": itoa(r.ID), "tally_refund_key": string(r.Key), "tally_sale": itoa(r.SaleID)}})
	now := s.Clock.Now()
	switch {
	case err != nil && uncertain(err):
		r.Message = ErrorMessage(err) + " The refund is stored: Tally sends it again by itself (it cannot be made twice)."
	case err != nil:
		r.Status, r.Failed = RefundCanceled, now
		r.Message = "Stripe refused the refund: " + ErrorMessage(err) + " Nothing was refunded."
	default:
		r = refundAnswer(r, got, now)
	}
	r.Updated = now
	var saved RefundRecord
	if serr := s.Till.UpdateTill(ctx, func(tx TillTx) error {
		cur, err := tx.Refund(r.ID)
		if err != nil {
			return err
		}
		if refundRank(cur.Status) > refundRank(r.Status) {
			saved = cur // an event got there first
			return nil
		}
		saved = r
		return tx.SaveRefund(r)
	}); serr != nil {
		return r, serr
	}
	return saved, err
}

func refundAnswer(r RefundRecord, got Refund, now time.Time) RefundRecord {
	r.StripeID, r.Status, r.Failure = got.ID, refundStatus(got.Status), got.FailureReason
	switch r.Status {
	case RefundSucceeded:
		if r.Succeeded.IsZero() {
			r.Succeeded = now
		}
		r.Message = "Refunded " + r.Amount.String() + " to the customer's card."
	case RefundPending:
		r.Message = "Refund of " + r.Amount.String() + " under way at Stripe: Tally follows it to the end."
	case RefundFailed:
		if r.Failed.IsZero() {
			r.Failed = now
		}
		r.Message = refundFailedMessage(got.FailureReason, !r.Succeeded.IsZero())
	case RefundCanceled:
		r.Message = "The refund was cancelled: nothing was returned."
	}
	return r
}

// Follow sends again the refunds whose answer was lost and asks Stripe
// about those still pending; events do the same when they arrive first.
// It is safe to call at any time.
func (s *PaymentsService) Follow(ctx context.Context) (int, error) {
	var open []RefundRecord
	if err := s.Till.ViewTill(ctx, func(tx TillTx) (err error) {
		open, err = tx.OpenRefunds()
		return err
	}); err != nil {
		return 0, err
	}
	gw, _ := s.Connection.Gateway()
	changed := 0
	var first error
	for _, r := range open {
		before := r.Status
		var err error
		switch {
		case r.Status == RefundRequested:
			r, err = s.send(ctx, r)
		case r.StripeID != "":
			var got Refund
			if got, err = gw.Refund(ctx, r.StripeID); err == nil {
				r, err = s.saveAnswer(ctx, r, got)
			}
		}
		if err != nil && first == nil {
			first = err
		}
		if r.Status != before {
			changed++
			s.signRefund(ctx, r)
		}
	}
	return changed, first
}

// signRefund signs a refund that succeeded at the TSE, as a receipt of
// its own; the TSE failing is recorded on its record and stops nothing.
func (s *PaymentsService) signRefund(ctx context.Context, r RefundRecord) {
	if s.Register == nil || r.Status != RefundSucceeded {
		return
	}
	if _, err := s.Register.SignRefund(ctx, r); err != nil {
		s.Register.log().Error("sign the refund at the TSE", "refund", r.ID, "err", err)
	}
}

func (s *PaymentsService) saveAnswer(ctx context.Context, r RefundRecord, got Refund) (RefundRecord, error) {
	now := s.Clock.Now()
	err := s.Till.UpdateTill(ctx, func(tx TillTx) error {
		cur, err := tx.Refund(r.ID)
		if err != nil {
			return err
		}
		next := refundAnswer(cur, got, now)
		if next.Status == cur.Status || refundRank(next.Status) < refundRank(cur.Status) || cur.Status == RefundFailed {
			r = cur
			return nil
		}
		next.Updated = now
		r = next
		return tx.SaveRefund(next)
	})
	return r, err
}

// Void cancels an authorisation not captured yet, with the owner's grant:
// the hold on the customer's card is released and the sale is open again.
func (s *PaymentsService) Void(ctx context.Context, g Grant, attemptID int64) (PaymentResult, error) {
	if err := s.Access.Require(g, RoleOwner); err != nil {
		return PaymentResult{}, err
	}
	a, err := s.Register.Attempt(ctx, attemptID)
	if err != nil {
		return PaymentResult{}, err
	}
	if a.Status != AttemptAuthorized || a.PaymentIntent == "" {
		return PaymentResult{Attempt: a}, Errorf(ECONFLICT, "Only an authorised payment not captured yet can be voided; refund a captured one instead.")
	}
	_ = s.Access.Record(ctx, g, AuditEntry{Action: "void", Amount: a.Amount, SaleID: a.SaleID, AttemptID: a.ID,
		Detail: fmt.Sprintf("Void of the %s authorisation of %s", cardName(a.Card), a.Amount)})
	gw, _ := s.Connection.Gateway()
	pi, err := gw.CancelPaymentIntent(ctx, a.key("void"), a.PaymentIntent)
	if err != nil {
		// Look it up: an answer lost, or captured meanwhile.
		var lerr error
		if pi, lerr = gw.PaymentIntent(ctx, a.PaymentIntent); lerr != nil {
			return PaymentResult{Attempt: a}, err
		}
	}
	switch pi.Status {
	case PICanceled:
		var res PaymentResult
		err := s.Till.UpdateTill(ctx, func(tx TillTx) error {
			cur, err := tx.Attempt(a.ID)
			if err != nil {
				return err
			}
			if cur.Status == AttemptAuthorized {
				cur.Status, cur.Message, cur.Updated = AttemptCanceled, "Voided: the hold on the card is released; nothing was taken.", s.Clock.Now()
				if err := tx.SaveAttempt(cur); err != nil {
					return err
				}
				if err := reopenTx(tx, cur.SaleID, cur.Updated); err != nil {
					return err
				}
			}
			sale, err := tx.Sale(cur.SaleID)
			res = PaymentResult{Attempt: cur, Sale: sale, Message: cur.Message}
			return err
		})
		return res, err
	case PISucceeded:
		return s.Register.Check(ctx, a.ID)
	}
	return PaymentResult{Attempt: a}, Errorf(ECONFLICT, "Stripe says this payment is %s; it cannot be voided.", pi.Status)
}

// Capture captures an authorised payment and records it in the audit log
// under g's role (a cashier may capture).
func (s *PaymentsService) Capture(ctx context.Context, g Grant, attemptID int64) (PaymentResult, error) {
	res, err := s.Register.Capture(ctx, attemptID)
	a := res.Attempt
	detail := "Capture of " + a.Amount.String()
	if err != nil {
		detail += " failed: " + ErrorMessage(err)
	}
	_ = s.Access.Record(ctx, g, AuditEntry{Action: "capture", Amount: a.Amount, SaleID: a.SaleID, AttemptID: attemptID, Detail: detail})
	return res, err
}

// CaptureWarning is an authorisation not captured yet, with its deadline.
type CaptureWarning struct {
	Payment  PaymentView
	Deadline time.Time
	Left     time.Duration // negative once lapsed
	Urgent   bool          // less than CaptureUrgent left
}

// CaptureUrgent is when an uncaptured authorisation starts being urgent.
const CaptureUrgent = 12 * time.Hour

// CaptureWarnings lists authorised payments not captured yet, nearest
// deadline first.
func (s *PaymentsService) CaptureWarnings(ctx context.Context) ([]CaptureWarning, error) {
	var ps []PaymentView
	if err := s.Till.ViewTill(ctx, func(tx TillTx) (err error) {
		ps, err = tx.Uncaptured()
		return err
	}); err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	var out []CaptureWarning
	for _, p := range ps {
		dl := p.CaptureDeadline()
		if dl.IsZero() {
			dl = p.Updated.Add(CaptureWindow)
		}
		left := dl.Sub(now)
		out = append(out, CaptureWarning{Payment: p, Deadline: dl, Left: left, Urgent: left < CaptureUrgent})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Deadline.Before(out[j].Deadline) })
	return out, nil
}
