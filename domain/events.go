package domain

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"
)

// EventTypes are the event types Tally applies. The poller asks Stripe for
// these only; any other type that reaches Tally (a webhook endpoint set to
// send everything) is recorded and ignored.
var EventTypes = []string{
	"payment_intent.succeeded", "payment_intent.payment_failed", "payment_intent.processing",
	"payment_intent.canceled", "payment_intent.amount_capturable_updated",
	"charge.refunded", "charge.refund.updated", "refund.created", "refund.updated", "refund.failed",
	"checkout.session.completed", "checkout.session.async_payment_succeeded",
	"checkout.session.async_payment_failed", "checkout.session.expired",
	"terminal.reader.action_succeeded", "terminal.reader.action_failed",
	"payout.created", "payout.updated", "payout.paid", "payout.failed", "payout.canceled",
	"charge.dispute.created", "charge.dispute.updated", "charge.dispute.closed",
	"invoice.finalized", "invoice.paid", "invoice.payment_failed", "invoice.voided", "invoice.marked_uncollectible",
}

// InvoiceEventTypes are the invoices' events. Stripe takes at most 20
// types in one list, so the poll reads them as a second stream with its
// own cursor.
var InvoiceEventTypes = []string{
	"invoice.finalized", "invoice.paid", "invoice.payment_failed", "invoice.voided", "invoice.marked_uncollectible",
}

// PollEventTypes are the types the poll asks for: Stripe takes at most 20
// in types[]. The webhook's extra types (payout.updated, payout.canceled,
// charge.dispute.updated, refund.failed) say again what these do.
var PollEventTypes = []string{
	"payment_intent.succeeded", "payment_intent.payment_failed", "payment_intent.processing",
	"payment_intent.canceled", "payment_intent.amount_capturable_updated",
	"charge.refunded", "charge.refund.updated", "refund.created", "refund.updated",
	"checkout.session.completed", "checkout.session.async_payment_succeeded",
	"checkout.session.async_payment_failed", "checkout.session.expired",
	"terminal.reader.action_succeeded", "terminal.reader.action_failed",
	"payout.created", "payout.paid", "payout.failed",
	"charge.dispute.created", "charge.dispute.closed",
}

// Poll timing: every EventPollEvery while the app runs; after a failure
// the wait doubles up to EventBackoffMax. Stripe is "long ago" after
// EventStaleAfter without an answer.
const (
	EventPollEvery  = 5 * time.Second
	EventBackoffMax = 2 * time.Minute
	EventStaleAfter = 5 * time.Minute
	eventPage       = 100
	eventMaxPages   = 50 // per sync: the rest waits for the next one
)

// EventService learns from Stripe what happened to payments, refunds,
// payouts and disputes: it polls the Events API from a stored cursor (no
// public address needed) and applies each event once, whether it came from
// the poll or from the optional webhook. Handlers never move a record
// backwards: a late payment_intent.processing leaves a succeeded payment as
// it is, so order and repetition do not matter.
type EventService struct {
	Till       TillStore
	Connection *Connection
	Clock      Clock
	Log        *slog.Logger
	// OnApplied, when set, is called (from the applying goroutine) after
	// events changed something, so that screens refresh.
	OnApplied func()
	// AfterApply, when set, runs after events changed something, before
	// OnApplied: the register signs at its TSE the sales the events paid
	// (RegisterService.SignOpen).
	AfterApply func(ctx context.Context)

	mu    sync.Mutex
	state EventState
	known bool
	// saved is the state last written and when: a poll that only hears
	// Stripe again writes at most once a minute, so that an idle till
	// does not write (and grow its log) every few seconds.
	saved   EventState
	savedAt time.Time
}

// eventStateEvery is how often a poll that changed nothing but the time
// Stripe was last heard writes it down.
const eventStateEvery = time.Minute

// Status is what the status line shows: when Stripe was last heard from,
// and the last failure.
func (s *EventService) Status(ctx context.Context) EventState {
	s.mu.Lock()
	st, known := s.state, s.known
	s.mu.Unlock()
	if known {
		return st
	}
	_ = s.Till.ViewTill(ctx, func(tx TillTx) (err error) {
		st, err = tx.EventState()
		return err
	})
	s.remember(st)
	return st
}

func (s *EventService) remember(st EventState) {
	s.mu.Lock()
	s.state, s.known = st, true
	s.mu.Unlock()
}

// Forget drops the remembered state: the mode (and so the books) changed.
func (s *EventService) Forget() {
	s.mu.Lock()
	s.known, s.savedAt = false, time.Time{}
	s.mu.Unlock()
}

func (s *EventService) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

// Phrase is a piece of text for the screens: its English format and its
// values, so a screen can say it in the user's language.
type Phrase struct {
	Format string
	Args   []any
}

// String is the phrase in English.
func (p Phrase) String() string { return fmt.Sprintf(p.Format, p.Args...) }

// Phrases are pieces said one after the other, joined by " · ".
type Phrases []Phrase

// String is the phrases in English.
func (ps Phrases) String() string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.String()
	}
	return strings.Join(parts, " · ")
}

// StatusText says when Stripe was last heard from, and whether that is so
// long ago that payments made since may not be known here yet.
func StatusText(st EventState, now time.Time) (text string, stale bool) {
	ps, stale := StatusPhrases(st, now)
	return ps.String(), stale
}

// StatusPhrases is StatusText in pieces, for the screens.
func StatusPhrases(st EventState, now time.Time) (ps Phrases, stale bool) {
	switch {
	case st.LastHeard.IsZero() && st.LastError != "":
		return Phrases{{"Stripe not reached yet: %s", []any{st.LastError}}}, true
	case st.LastHeard.IsZero():
		return Phrases{{"Waiting for Stripe's first answer…", nil}}, false
	}
	ago := now.Sub(st.LastHeard)
	ps = Phrases{heardPhrase(ago)}
	stale = ago > EventStaleAfter
	if st.LastError != "" {
		ps = append(ps, Phrase{"%s", []any{st.LastError}})
	}
	if stale {
		ps = append(ps, Phrase{"payments made since are not known here yet; Tally keeps asking", nil})
	}
	return ps, stale
}

func heardPhrase(d time.Duration) Phrase {
	switch {
	case d < 10*time.Second:
		return Phrase{"Stripe last heard just now", nil}
	case d < time.Minute:
		return Phrase{"Stripe last heard %d s ago", []any{int(d / time.Second)}}
	case d < time.Hour:
		return Phrase{"Stripe last heard %d min ago", []any{int(d / time.Minute)}}
	case d < 48*time.Hour:
		return Phrase{"Stripe last heard %d h ago", []any{int(d / time.Hour)}}
	}
	return Phrase{"Stripe last heard %d days ago", []any{int(d / (24 * time.Hour))}}
}

// eventStream is one list the poll reads: its types and its cursor in
// EventState.
type eventStream struct {
	types  []string
	cursor func(st *EventState) *string
}

var eventStreams = []eventStream{
	{PollEventTypes, func(st *EventState) *string { return &st.Cursor }},
	{InvoiceEventTypes, func(st *EventState) *string { return &st.InvoiceCursor }},
}

// Sync reads every event after the stored cursors and applies it, page by
// page, the cursor saved with each event in one transaction: a crash
// repeats nothing and skips nothing. It returns how many events changed
// something.
func (s *EventService) Sync(ctx context.Context) (int, error) {
	gw, mode := s.Connection.Gateway()
	var st EventState
	if err := s.Till.ViewTill(ctx, func(tx TillTx) (err error) {
		st, err = tx.EventState()
		return err
	}); err != nil {
		return 0, err
	}
	applied := 0
	for _, stream := range eventStreams {
		n, err := s.syncStream(ctx, gw, mode, stream, &st)
		applied += n
		if err != nil {
			return applied, err
		}
		if s.Connection.Mode() != mode {
			return applied, nil
		}
	}
	s.saveState(ctx, st)
	if applied > 0 && s.AfterApply != nil {
		s.AfterApply(ctx)
	}
	if applied > 0 && s.OnApplied != nil {
		s.OnApplied()
	}
	return applied, nil
}

func (s *EventService) syncStream(ctx context.Context, gw Gateway, mode Mode, stream eventStream, st *EventState) (int, error) {
	cursor := stream.cursor(st)
	applied := 0
	for page := 0; page < eventMaxPages; page++ {
		evs, err := gw.Events(ctx, *cursor, stream.types, eventPage)
		if err != nil && ErrorCode(err) == ENOTFOUND && *cursor != "" {
			// Stripe keeps events 30 days: the cursor is gone. Start again
			// from the newest; the register checks its unfinished
			// payments at Stripe directly, so none is lost.
			s.log().Warn("event cursor no longer known at Stripe; starting from the newest events", "cursor", *cursor)
			*cursor = ""
			evs, err = gw.Events(ctx, "", stream.types, eventPage)
		}
		if err != nil {
			if ctx.Err() != nil {
				return applied, ctx.Err()
			}
			st.Failures++
			st.LastError = ErrorMessage(err)
			s.saveState(ctx, *st)
			return applied, err
		}
		for _, ev := range evs {
			if s.Connection.Mode() != mode {
				return applied, nil // the books changed under us: the next sync reads the new ones
			}
			changed, err := s.apply(ctx, ev, FromPoll, st, stream)
			if err != nil {
				return applied, fmt.Errorf("apply event %s (%s): %w", ev.ID, ev.Type, err)
			}
			if changed {
				applied++
			}
		}
		st.LastHeard, st.LastError, st.Failures = s.Clock.Now(), "", 0
		if len(evs) < eventPage {
			break
		}
	}
	return applied, nil
}

func (s *EventService) saveState(ctx context.Context, st EventState) {
	now := s.Clock.Now()
	s.mu.Lock()
	same := !s.savedAt.IsZero() && st.LastError == s.saved.LastError && st.Failures == s.saved.Failures &&
		now.Sub(s.savedAt) < eventStateEvery && now.After(s.savedAt)
	s.mu.Unlock()
	if same {
		// Only heard again: kept in memory for the status line.
		s.remember(st)
		return
	}
	err := s.Till.UpdateTill(ctx, func(tx TillTx) error {
		cur, err := tx.EventState()
		if err != nil {
			return err
		}
		// The cursors only move with applied events (saved with them).
		st.Cursor, st.InvoiceCursor = cur.Cursor, cur.InvoiceCursor
		return tx.SaveEventState(st)
	})
	if err != nil {
		s.log().Error("save event state", "err", err)
		return
	}
	s.mu.Lock()
	s.saved, s.savedAt = st, now
	s.mu.Unlock()
	s.remember(st)
}

// Apply applies one event that came by webhook. It reports whether the
// event changed anything; an event seen before, or of a type Tally does
// not handle, changes nothing and is no error.
func (s *EventService) Apply(ctx context.Context, ev Event, src EventSource) (bool, error) {
	changed, err := s.apply(ctx, ev, src, nil, eventStream{})
	if err != nil {
		return false, err
	}
	st := s.Status(ctx)
	st.LastHeard = s.Clock.Now()
	s.remember(st)
	if changed && s.AfterApply != nil {
		s.AfterApply(ctx)
	}
	if changed && s.OnApplied != nil {
		s.OnApplied()
	}
	return changed, nil
}

// apply records and applies ev in one transaction; when st is set (the
// poll), stream's cursor moves to ev in the same transaction.
func (s *EventService) apply(ctx context.Context, ev Event, src EventSource, st *EventState, stream eventStream) (bool, error) {
	if ev.ID == "" {
		return false, Errorf(EINVALID, "An event without an id cannot be applied.")
	}
	var changed bool
	err := s.Till.UpdateTill(ctx, func(tx TillTx) error {
		changed = false
		now := s.Clock.Now()
		rec := EventRecord{ID: ev.ID, Type: ev.Type, Created: ev.Created, Received: now, Source: src, ObjectID: ev.ObjectID}
		eff, err := applyEvent(tx, ev, now)
		if err != nil {
			return err
		}
		rec.AttemptID, rec.Handled, rec.Effect = eff.attemptID, eff.handled, eff.text
		isNew, err := tx.InsertEvent(rec)
		if err != nil {
			return err
		}
		if !isNew {
			// Seen before: undo nothing, apply nothing. The handlers are
			// idempotent anyway; this makes it certain.
			return errSeen
		}
		changed = eff.changed
		if st != nil {
			cur, err := tx.EventState()
			if err != nil {
				return err
			}
			*stream.cursor(&cur) = ev.ID
			if err := tx.SaveEventState(cur); err != nil {
				return err
			}
			*stream.cursor(st) = ev.ID
		}
		return nil
	})
	if err == errSeen {
		if st != nil {
			// Seen through the webhook already: still move the cursor past it.
			err = s.Till.UpdateTill(ctx, func(tx TillTx) error {
				cur, err := tx.EventState()
				if err != nil {
					return err
				}
				*stream.cursor(&cur) = ev.ID
				return tx.SaveEventState(cur)
			})
			*stream.cursor(st) = ev.ID
		} else {
			err = nil
		}
		return false, err
	}
	return changed, err
}

var errSeen = &Error{Code: ECONFLICT, Message: "event seen before"}

// Run syncs at start and every EventPollEvery until ctx ends, waiting
// longer after each failure (doubling up to EventBackoffMax). kick, when
// it receives, syncs at once (a screen asking for fresh news).
func (s *EventService) Run(ctx context.Context, kick <-chan struct{}) {
	fails := 0
	for {
		_, err := s.Sync(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			fails++
			s.log().Warn("events sync failed", "err", err, "failures", fails)
		} else {
			fails = 0
		}
		t := time.NewTimer(PollDelay(fails))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-kick:
			t.Stop()
		case <-t.C:
		}
	}
}

// PollDelay is the wait before the next sync after fails failures in a row.
func PollDelay(fails int) time.Duration {
	d := EventPollEvery
	for i := 0; i < fails && d < EventBackoffMax; i++ {
		d *= 2
	}
	return min(d, EventBackoffMax)
}

// effect is what applying an event did.
type effect struct {
	attemptID int64
	handled   bool
	changed   bool
	text      string
}

func (e *effect) did(format string, args ...any) {
	e.changed = true
	e.text = fmt.Sprintf(format, args...)
}

// applyEvent changes the records ev speaks of, never backwards.
func applyEvent(tx TillTx, ev Event, now time.Time) (effect, error) {
	var eff effect
	switch ev.Type {
	case "payment_intent.succeeded", "payment_intent.payment_failed", "payment_intent.processing",
		"payment_intent.canceled", "payment_intent.amount_capturable_updated":
		eff.handled = true
		if ev.PaymentIntent == nil {
			return eff, nil
		}
		return eff, applyIntent(tx, ev.Type, *ev.PaymentIntent, now, &eff)
	case "checkout.session.completed", "checkout.session.async_payment_succeeded",
		"checkout.session.async_payment_failed", "checkout.session.expired":
		eff.handled = true
		if ev.CheckoutSession == nil {
			return eff, nil
		}
		return eff, applySession(tx, ev.Type, *ev.CheckoutSession, now, &eff)
	case "terminal.reader.action_succeeded", "terminal.reader.action_failed":
		eff.handled = true
		if ev.Reader == nil || ev.Reader.Action == nil {
			return eff, nil
		}
		return eff, applyReaderAction(tx, *ev.Reader, now, &eff)
	case "charge.refunded":
		eff.handled = true
		if ev.Charge == nil {
			return eff, nil
		}
		return eff, applyChargeRefunded(tx, *ev.Charge, now, &eff)
	case "charge.refund.updated", "refund.created", "refund.updated", "refund.failed":
		eff.handled = true
		if ev.Refund == nil {
			return eff, nil
		}
		return eff, applyRefund(tx, *ev.Refund, now, &eff)
	case "payout.created", "payout.updated", "payout.paid", "payout.failed", "payout.canceled":
		eff.handled = true
		if ev.Payout == nil {
			return eff, nil
		}
		return eff, applyPayout(tx, *ev.Payout, now, &eff)
	case "charge.dispute.created", "charge.dispute.updated", "charge.dispute.closed":
		eff.handled = true
		if ev.Dispute == nil {
			return eff, nil
		}
		return eff, applyDispute(tx, *ev.Dispute, now, &eff)
	case "invoice.finalized", "invoice.paid", "invoice.payment_failed", "invoice.voided", "invoice.marked_uncollectible":
		eff.handled = true
		if ev.Invoice == nil {
			return eff, nil
		}
		return eff, applyInvoice(tx, ev.Type, *ev.Invoice, now, &eff)
	}
	return eff, nil // recorded, not handled
}

func applyIntent(tx TillTx, typ string, pi PaymentIntent, now time.Time, eff *effect) error {
	a, ok, err := tx.AttemptByStripe(pi.ID, "", "")
	if err != nil || !ok {
		return err
	}
	eff.attemptID = a.ID
	final := a.Status != AttemptPending && a.Status != AttemptAuthorized
	switch {
	case typ == "payment_intent.succeeded" && !final && a.Status != AttemptSucceeded:
		a.Status, a.Card, a.ChargeID, a.Tip = AttemptSucceeded, pi.Card, pi.LatestChargeID, pi.Tip
		if a.Kind == MethodQRLink {
			a.Tip = 0
		}
		msg := "Paid by " + cardName(pi.Card) + tipText(a) + "."
		if _, err := settleTx(tx, a, msg, now); err != nil {
			return err
		}
		eff.did("Payment succeeded: %s", msg)
	case typ == "payment_intent.amount_capturable_updated" && a.Status == AttemptPending && pi.Status == PIRequiresCapture:
		a.Status, a.Card, a.ChargeID, a.Tip = AttemptAuthorized, pi.Card, pi.LatestChargeID, pi.Tip
		msg := "Authorised on " + cardName(pi.Card) + tipText(a) + ": capture it within two days."
		if _, err := settleTx(tx, a, msg, now); err != nil {
			return err
		}
		eff.did("Authorised, to be captured")
	case typ == "payment_intent.payment_failed" && a.Status == AttemptPending && a.Stage != StageCanceling:
		msg := "The card was declined."
		if pi.LastError != nil && pi.LastError.Message != "" {
			msg = pi.LastError.Message
		}
		a.Stage, a.Message, a.Updated = StageDeclined, msg+" Try again on the same payment, choose another method, or cancel the sale.", now
		if a.Kind == MethodQRLink {
			a.Stage = StagePage // the customer may try another card on the page
			a.Message = msg + " The customer can try again on the page."
		}
		if err := tx.SaveAttempt(a); err != nil {
			return err
		}
		eff.did("Payment failed: %s", msg)
	case typ == "payment_intent.processing" && a.Status == AttemptPending:
		a.Message, a.Updated = "Stripe is processing the payment…", now
		if err := tx.SaveAttempt(a); err != nil {
			return err
		}
		eff.did("Processing")
	case typ == "payment_intent.canceled" && !final:
		was := a.Status
		a.Status = AttemptCanceled
		msg := "The payment was cancelled at Stripe; nothing was charged."
		if was == AttemptAuthorized {
			msg = "The authorisation was voided or lapsed at Stripe: nothing was taken."
		}
		a.Message, a.Updated = msg, now
		if err := tx.SaveAttempt(a); err != nil {
			return err
		}
		if was == AttemptAuthorized {
			if err := reopenTx(tx, a.SaleID, now); err != nil {
				return err
			}
		}
		eff.did("Cancelled")
	}
	return nil
}

// reopenTx opens a paid sale again when its settled payments no longer
// cover it (an authorisation voided or lapsed).
func reopenTx(tx TillTx, saleID int64, now time.Time) error {
	sale, err := tx.Sale(saleID)
	if err != nil {
		return err
	}
	if sale.Status == SalePaid && sale.Due() > 0 {
		return tx.SetSaleStatus(sale.ID, SaleOpen, now)
	}
	return nil
}

func applySession(tx TillTx, typ string, cs CheckoutSession, now time.Time, eff *effect) error {
	a, ok, err := tx.AttemptByStripe("", cs.ID, "")
	if err != nil || !ok {
		return err
	}
	eff.attemptID = a.ID
	if a.Status != AttemptPending {
		return nil
	}
	switch {
	case (typ == "checkout.session.completed" || typ == "checkout.session.async_payment_succeeded") && cs.Paid:
		a.Status = AttemptSucceeded
		if cs.PaymentIntentID != "" {
			a.PaymentIntent = cs.PaymentIntentID
		}
		if _, err := settleTx(tx, a, "Paid on the payment page.", now); err != nil {
			return err
		}
		eff.did("Payment page paid")
	case typ == "checkout.session.completed":
		a.Message, a.Updated = "The customer finished the page; the payment is still being processed (a bank payment can take days).", now
		if cs.PaymentIntentID != "" {
			a.PaymentIntent = cs.PaymentIntentID
		}
		if err := tx.SaveAttempt(a); err != nil {
			return err
		}
		eff.did("Page completed, payment processing")
	case typ == "checkout.session.async_payment_failed":
		a.Status = AttemptFailed
		if _, err := settleTx(tx, a, "The customer's bank payment failed: nothing was received. Take the amount another way.", now); err != nil {
			return err
		}
		eff.did("Bank payment failed")
	case typ == "checkout.session.expired" && a.Stage != StageCanceling:
		a.Status = AttemptFailed
		if _, err := settleTx(tx, a, "The payment page expired unpaid; nothing was charged. Make a new one, or choose another method.", now); err != nil {
			return err
		}
		eff.did("Payment page expired")
	case typ == "checkout.session.expired":
		a.Status = AttemptCanceled
		if _, err := settleTx(tx, a, "Cancelled; the page was closed and nothing was charged.", now); err != nil {
			return err
		}
		eff.did("Payment page closed")
	}
	return nil
}

func applyReaderAction(tx TillTx, r Reader, now time.Time, eff *effect) error {
	act := *r.Action
	if act.PaymentIntentID == "" {
		return nil
	}
	a, ok, err := tx.AttemptByStripe(act.PaymentIntentID, "", "")
	if err != nil || !ok {
		return err
	}
	eff.attemptID = a.ID
	if a.Status != AttemptPending || a.Stage == StageCanceling {
		return nil
	}
	switch act.Status {
	case ActionFailed:
		msg := "The reader says: " + act.FailureMessage
		if act.FailureCode == "customer_canceled" {
			msg = "The customer cancelled the payment on the reader."
		}
		a.Stage, a.Message, a.Updated = StageDeclined, msg+" Try again, choose another method, or cancel the sale.", now
		if err := tx.SaveAttempt(a); err != nil {
			return err
		}
		eff.did("Reader: %s", msg)
	case ActionSucceeded:
		a.Message, a.Updated = "The reader took the card; Stripe is confirming the payment…", now
		if err := tx.SaveAttempt(a); err != nil {
			return err
		}
		eff.did("Reader took the card")
	}
	return nil
}

func applyChargeRefunded(tx TillTx, ch Charge, now time.Time, eff *effect) error {
	a, ok, err := tx.AttemptByStripe(ch.PaymentIntentID, "", ch.ID)
	if err != nil || !ok {
		return err
	}
	eff.attemptID = a.ID
	if ch.AmountRefunded <= a.RefundedAtStripe {
		return nil // an older figure, or the same
	}
	a.RefundedAtStripe, a.Updated = ch.AmountRefunded, now
	if err := tx.SaveAttempt(a); err != nil {
		return err
	}
	eff.did("Stripe reports %s refunded in all", New(ch.AmountRefunded, a.Amount.Currency))
	return nil
}

// refundRank orders refund states so that an event never moves one back;
// failed after succeeded is a real move (5126: the bank returned it).
func refundRank(s RefundStatus) int {
	switch s {
	case RefundRequested:
		return 0
	case RefundPending:
		return 1
	case RefundSucceeded:
		return 2
	}
	return 3 // failed, canceled: final
}

func applyRefund(tx TillTx, r Refund, now time.Time, eff *effect) error {
	rec, ok, err := tx.RefundByStripeID(r.ID)
	if err != nil {
		return err
	}
	if !ok {
		if id, perr := strconv.ParseInt(r.Metadata["tally_refund"], 10, 64); perr == nil {
			// Tally's own refund whose answer was lost: the event names it.
			if got, gerr := tx.Refund(id); gerr == nil && got.StripeID == "" && got.Key == IdempotencyKey(r.Metadata["tally_refund_key"]) {
				rec, ok = got, true
				rec.StripeID = r.ID
			}
		}
	}
	status := refundStatus(r.Status)
	if !ok {
		// Made outside Tally (the Dashboard): recorded so the payment shows
		// the truth.
		a, found, err := tx.AttemptByStripe(r.PaymentIntentID, "", r.ChargeID)
		if err != nil || !found {
			return err
		}
		eff.attemptID = a.ID
		rec = RefundRecord{AttemptID: a.ID, SaleID: a.SaleID, Kind: a.Kind, Amount: r.Amount, Reason: r.Reason,
			Key: IdempotencyKey("stripe-" + r.ID), Status: status, StripeID: r.ID, Failure: r.FailureReason, External: true,
			Message: "Made outside Tally (Stripe Dashboard or another program).", Created: now, Updated: now}
		if status == RefundSucceeded {
			rec.Succeeded = now
		}
		if status == RefundFailed {
			rec.Failed = now
		}
		if err := tx.InsertRefund(&rec); err != nil {
			return err
		}
		eff.did("Refund of %s made outside Tally: %s", r.Amount, status)
		return nil
	}
	eff.attemptID = rec.AttemptID
	// Failed and cancelled are final; otherwise only forward, or the id.
	if refundRank(rec.Status) == 3 || refundRank(status) < refundRank(rec.Status) || (status == rec.Status && rec.StripeID == r.ID) {
		return nil
	}
	rec.StripeID, rec.Status, rec.Updated = r.ID, status, now
	switch status {
	case RefundSucceeded:
		rec.Succeeded, rec.Message = now, "Refunded."
	case RefundFailed:
		rec.Failed, rec.Failure = now, r.FailureReason
		rec.Message = refundFailedMessage(r.FailureReason, !rec.Succeeded.IsZero())
	case RefundPending:
		rec.Message = "Stripe is processing the refund; the customer's bank can take 5 to 10 days."
	case RefundCanceled:
		rec.Message = "The refund was cancelled: nothing was returned."
	}
	if err := tx.SaveRefund(rec); err != nil {
		return err
	}
	eff.did("Refund %s", status)
	return nil
}

func refundStatus(s string) RefundStatus {
	switch s {
	case "succeeded":
		return RefundSucceeded
	case "failed":
		return RefundFailed
	case "canceled":
		return RefundCanceled
	}
	return RefundPending // pending, requires_action
}

func refundFailedMessage(reason string, afterSuccess bool) string {
	msg := "The refund failed"
	if afterSuccess {
		msg += " after Stripe had reported it done"
	}
	if reason != "" {
		msg += " (" + reasonWords(reason) + ")"
	}
	return msg + ": the money is back in the Stripe balance and the customer has not received it. Refund another way (cash), or contact the customer."
}

func reasonWords(r string) string {
	switch r {
	case "lost_or_stolen_card":
		return "the card was reported lost or stolen"
	case "expired_or_canceled_card":
		return "the card has expired or was cancelled"
	case "declined":
		return "the customer's bank declined it"
	}
	return r
}

func payoutRank(s string) int {
	switch s {
	case "pending":
		return 0
	case "in_transit":
		return 1
	case "paid":
		return 2
	}
	return 3 // failed, canceled
}

func applyPayout(tx TillTx, p Payout, now time.Time, eff *effect) error {
	cur, ok, err := tx.Payout(p.ID)
	if err != nil {
		return err
	}
	if ok && (payoutRank(p.Status) < payoutRank(cur.Status) || p.Status == cur.Status) {
		return nil
	}
	rec := PayoutRecord{ID: p.ID, Amount: p.Amount, Status: p.Status, Arrival: p.ArrivalDate, Failure: p.FailureMessage, Created: p.Created, Updated: now}
	if err := tx.SavePayout(rec); err != nil {
		return err
	}
	eff.did("Payout %s of %s: %s", p.ID, p.Amount, p.Status)
	return nil
}

func disputeFinal(s string) bool { return s == "won" || s == "lost" || s == "warning_closed" }

func applyDispute(tx TillTx, d Dispute, now time.Time, eff *effect) error {
	cur, ok, err := tx.Dispute(d.ID)
	if err != nil {
		return err
	}
	if ok && (disputeFinal(cur.Status) || cur.Status == d.Status) {
		return nil
	}
	a, found, err := tx.AttemptByStripe(d.PaymentIntentID, "", d.ChargeID)
	if err != nil {
		return err
	}
	rec := DisputeRecord{ID: d.ID, ChargeID: d.ChargeID, PaymentIntent: d.PaymentIntentID, Amount: d.Amount, Reason: d.Reason,
		Status: d.Status, Created: d.Created, Updated: now}
	if found {
		rec.AttemptID = a.ID
		eff.attemptID = a.ID
		a.Disputed, a.Updated = d.Status, now
		if err := tx.SaveAttempt(a); err != nil {
			return err
		}
	}
	if err := tx.SaveDispute(rec); err != nil {
		return err
	}
	eff.did("Dispute of %s (%s): %s", d.Amount, d.Reason, d.Status)
	return nil
}
