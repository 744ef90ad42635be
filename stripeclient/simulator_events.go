package stripeclient

import (
	"context"
	"errors"
	"sort"
	"time"

	"tally/domain"
)

// RefundSettles is how long a simulated refund on Stripe's refund test
// cards (7726, 5126) takes to reach its final state.
const RefundSettles = 3 * time.Second

// refundPlan is a refund's later change: Stripe's asynchronous refunds.
type refundPlan struct {
	Next    string
	Failure string
	At      time.Time
}

// Refund implements domain.Gateway.
func (s *Simulator) Refund(ctx context.Context, id string) (domain.Refund, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.takeFailure(); err != nil {
		return domain.Refund{}, err
	}
	s.advanceRefunds()
	r, ok := s.refunds[id]
	if !ok {
		return domain.Refund{}, mapError(missing("refund", id))
	}
	return *r, ctx.Err()
}

// advanceRefunds moves refunds whose time has come, emitting the events
// Stripe sends. Called with mu held.
func (s *Simulator) advanceRefunds() {
	now := s.clock.Now()
	changed := false
	for id, p := range s.refundPlans {
		if now.Before(p.At) {
			continue
		}
		r := s.refunds[id]
		delete(s.refundPlans, id)
		if r == nil {
			continue
		}
		r.Status, r.FailureReason = p.Next, p.Failure
		if p.Next == "failed" {
			// The money comes back to the balance.
			s.available[r.Amount.Currency] += r.Amount.Amount
			if si := s.intents[r.PaymentIntentID]; si != nil {
				si.refunded -= r.Amount.Amount
			}
			s.record("refund_failure", r.ID, "REFUND FAILURE", r.Amount, 0, now)
		}
		rc := *r
		s.emit("charge.refund.updated", r.ID, &domain.Event{Refund: &rc})
		if p.Next == "failed" {
			s.emit("refund.failed", r.ID, &domain.Event{Refund: &rc})
		}
		changed = true
	}
	if changed {
		_ = s.save()
	}
}

func (s *Simulator) chargeOf(si *simIntent) domain.Charge {
	return domain.Charge{ID: si.pi.LatestChargeID, PaymentIntentID: si.pi.ID, Amount: domain.Money{Amount: si.pi.AmountReceived, Currency: si.pi.Amount.Currency},
		AmountRefunded: si.refunded, Refunded: si.refunded >= si.pi.AmountReceived}
}

// SetDown makes every call fail with err (a network error, Stripe down)
// until SetDown(nil).
func (s *Simulator) SetDown(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = err
}

// ErrNetworkDown is the error SetDown uses in tests: a connection that
// cannot be made.
var ErrNetworkDown = errors.New("dial tcp: connect: network is unreachable")

// RefundOutside refunds a payment as the Stripe Dashboard would: Tally did
// not ask for it and learns of it from the events.
func (s *Simulator) RefundOutside(paymentIntentID string, amount int64) (domain.Refund, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.refund(domain.RefundParams{PaymentIntentID: paymentIntentID, Amount: amount, Reason: "requested_by_customer"})
	_ = s.save()
	return r, err
}

// SimulatePayout pays amount of the balance out, emitting payout.created
// and then payout.paid or payout.failed.
func (s *Simulator) SimulatePayout(amount domain.Money, fails bool) domain.Payout {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	p := &domain.Payout{ID: s.newID("po"), Amount: amount, Status: "pending", ArrivalDate: now.Add(48 * time.Hour), Created: now}
	s.payouts[p.ID] = p
	pc := *p
	s.emit("payout.created", p.ID, &domain.Event{Payout: &pc})
	s.available[amount.Currency] -= amount.Amount
	s.record("payout", p.ID, "STRIPE PAYOUT", domain.Money{Amount: -amount.Amount, Currency: amount.Currency}, 0, now)
	if fails {
		p.Status, p.FailureMessage = "failed", "The bank account has been closed."
		s.available[amount.Currency] += amount.Amount
		pf := *p
		s.emit("payout.failed", p.ID, &domain.Event{Payout: &pf})
	} else {
		p.Status = "paid"
		pp := *p
		s.emit("payout.paid", p.ID, &domain.Event{Payout: &pp})
	}
	_ = s.save()
	return *p
}

// SimulateDispute opens a dispute on a payment (charge.dispute.created);
// CloseDispute ends it won or lost (charge.dispute.closed).
func (s *Simulator) SimulateDispute(paymentIntentID, reason string) (domain.Dispute, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	si, ok := s.intents[paymentIntentID]
	if !ok {
		return domain.Dispute{}, mapError(missing("payment_intent", paymentIntentID))
	}
	d := &domain.Dispute{ID: s.newID("dp"), ChargeID: si.pi.LatestChargeID, PaymentIntentID: si.pi.ID,
		Amount: domain.Money{Amount: si.pi.AmountReceived, Currency: si.pi.Amount.Currency}, Reason: reason, Status: "needs_response", Created: s.clock.Now()}
	s.disputes[d.ID] = d
	dc := *d
	s.emit("charge.dispute.created", d.ID, &domain.Event{Dispute: &dc})
	_ = s.save()
	return *d, nil
}

// CloseDispute ends a dispute with status won or lost.
func (s *Simulator) CloseDispute(id, status string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.disputes[id]
	if !ok {
		return mapError(missing("dispute", id))
	}
	d.Status = status
	dc := *d
	s.emit("charge.dispute.closed", d.ID, &domain.Event{Dispute: &dc})
	_ = s.save()
	return nil
}

// Emit appends an event as Stripe would, for tests of events Tally did not
// cause (a webhook endpoint sending every type, for example).
func (s *Simulator) Emit(ev domain.Event) domain.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.emit(ev.Type, ev.ObjectID, &ev)
	_ = s.save()
	return s.events[len(s.events)-1]
}

// RefundsOf lists the refunds of a PaymentIntent, oldest first: tests
// count them to prove nothing was refunded twice.
func (s *Simulator) RefundsOf(paymentIntentID string) []domain.Refund {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []domain.Refund
	for _, r := range s.refunds {
		if r.PaymentIntentID == paymentIntentID {
			out = append(out, *r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// ServerTime implements domain.Gateway: the simulator's clock.
func (s *Simulator) ServerTime(ctx context.Context) (time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.takeFailure(); err != nil {
		return time.Time{}, err
	}
	return s.clock.Now(), ctx.Err()
}
