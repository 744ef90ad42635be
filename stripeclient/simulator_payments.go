package stripeclient

import (
	"context"
	"fmt"
	"time"

	"github.com/stripe/stripe-go/v79"

	"tally/domain"
)

func copyIntent(si *simIntent) domain.PaymentIntent {
	pi := si.pi
	if si.pi.LastError != nil {
		e := *si.pi.LastError
		pi.LastError = &e
	}
	return pi
}

// CreatePaymentIntent implements domain.Gateway.
func (s *Simulator) CreatePaymentIntent(ctx context.Context, key domain.IdempotencyKey, p domain.PaymentIntentParams) (domain.PaymentIntent, error) {
	// Stripe refuses a key sent again with other parameters: so does the
	// simulator, for the creates a crash may repeat.
	fp := fmt.Sprintf("create payment intent|%d %s %v %s %s %s %v", p.Amount.Amount, p.Amount.Currency, p.PaymentMethodTypes, p.CaptureMethod, p.Description, p.ReceiptEmail, p.Metadata)
	return idempotent(s, key, fp, func() (domain.PaymentIntent, error) { return s.createPaymentIntent(p) })
}

func (s *Simulator) createPaymentIntent(p domain.PaymentIntentParams) (domain.PaymentIntent, error) {
	if p.Amount.Amount > domain.MaxChargeAmount(p.Amount.Currency) {
		return domain.PaymentIntent{}, mapError(tooLarge("amount", p.Amount))
	}
	if err := p.Amount.ValidateCharge(); err != nil {
		return domain.PaymentIntent{}, mapError(invalid("amount", domain.ErrorMessage(err)))
	}
	types := p.PaymentMethodTypes
	if len(types) == 0 {
		types = []string{"card"}
	}
	cm := p.CaptureMethod
	if cm == "" {
		cm = domain.CaptureAutomatic
	}
	si := &simIntent{pi: domain.PaymentIntent{
		ID: s.newID("pi"), Amount: p.Amount, Status: domain.PIRequiresPaymentMethod, CaptureMethod: cm,
		Metadata: p.Metadata, Created: s.clock.Now(),
	}, types: types}
	s.intents[si.pi.ID] = si
	pi := copyIntent(si)
	s.emit("payment_intent.created", pi.ID, &domain.Event{PaymentIntent: &pi})
	return pi, nil
}

// PaymentIntent implements domain.Gateway.
func (s *Simulator) PaymentIntent(ctx context.Context, id string) (domain.PaymentIntent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.takeFailure(); err != nil {
		return domain.PaymentIntent{}, err
	}
	si, ok := s.intents[id]
	if !ok {
		return domain.PaymentIntent{}, mapError(missing("payment_intent", id))
	}
	return copyIntent(si), ctx.Err()
}

// CapturePaymentIntent implements domain.Gateway.
func (s *Simulator) CapturePaymentIntent(ctx context.Context, key domain.IdempotencyKey, id string, amount int64) (domain.PaymentIntent, error) {
	return idempotent(s, key, "capture payment intent", func() (domain.PaymentIntent, error) { return s.capture(id, amount) })
}

func (s *Simulator) capture(id string, amount int64) (domain.PaymentIntent, error) {
	si, ok := s.intents[id]
	if !ok {
		return domain.PaymentIntent{}, mapError(missing("payment_intent", id))
	}
	if si.pi.Status != domain.PIRequiresCapture {
		return domain.PaymentIntent{}, mapError(unexpectedState("This PaymentIntent could not be captured because it has a status of " + string(si.pi.Status) + "."))
	}
	if amount == 0 {
		amount = si.pi.AmountCapturable
	}
	if amount < 0 || amount > si.pi.AmountCapturable {
		return domain.PaymentIntent{}, mapError(invalid("amount_to_capture", "The amount to capture must be at most the amount authorised."))
	}
	si.pi.Status, si.pi.AmountReceived, si.pi.AmountCapturable = domain.PISucceeded, amount, 0
	s.credit(domain.Money{Amount: amount, Currency: si.pi.Amount.Currency}, si.pi.LatestChargeID, "Captured "+si.pi.ID)
	pi := copyIntent(si)
	s.emit("payment_intent.succeeded", pi.ID, &domain.Event{PaymentIntent: &pi})
	return pi, nil
}

// CancelPaymentIntent implements domain.Gateway.
func (s *Simulator) CancelPaymentIntent(ctx context.Context, key domain.IdempotencyKey, id string) (domain.PaymentIntent, error) {
	return idempotent(s, key, "cancel payment intent", func() (domain.PaymentIntent, error) { return s.cancelIntent(id) })
}

func (s *Simulator) cancelIntent(id string) (domain.PaymentIntent, error) {
	si, ok := s.intents[id]
	if !ok {
		return domain.PaymentIntent{}, mapError(missing("payment_intent", id))
	}
	switch si.pi.Status {
	case domain.PISucceeded, domain.PICanceled, domain.PIProcessing:
		return domain.PaymentIntent{}, mapError(unexpectedState("You cannot cancel this PaymentIntent because it has a status of " + string(si.pi.Status) + "."))
	}
	// A reader still waiting for this payment stops waiting.
	for _, r := range s.readers {
		if r.Action != nil && r.Action.PaymentIntentID == id && r.Action.Status == domain.ActionInProgress {
			r.Action.Status, r.Action.FailureCode, r.Action.FailureMessage = domain.ActionFailed, "canceled", "The PaymentIntent was canceled."
		}
	}
	si.pi.Status, si.pi.AmountCapturable = domain.PICanceled, 0
	pi := copyIntent(si)
	s.emit("payment_intent.canceled", pi.ID, &domain.Event{PaymentIntent: &pi})
	return pi, nil
}

// CreateCheckoutSession implements domain.Gateway.
func (s *Simulator) CreateCheckoutSession(ctx context.Context, key domain.IdempotencyKey, p domain.CheckoutParams) (domain.CheckoutSession, error) {
	fp := fmt.Sprintf("create checkout session|%d %s %s %d %q %s %v", p.Amount.Amount, p.Amount.Currency, p.ProductName, p.ExpiresAt.Unix(), p.SuccessMessage, p.SuccessURL, p.Metadata)
	return idempotent(s, key, fp, func() (domain.CheckoutSession, error) { return s.createSession(p) })
}

func (s *Simulator) createSession(p domain.CheckoutParams) (domain.CheckoutSession, error) {
	if p.Amount.Amount > domain.MaxChargeAmount(p.Amount.Currency) {
		return domain.CheckoutSession{}, mapError(tooLarge("line_items[0][price_data][unit_amount]", p.Amount))
	}
	if err := p.Amount.ValidateCharge(); err != nil {
		return domain.CheckoutSession{}, mapError(invalid("line_items[0][price_data][unit_amount]", domain.ErrorMessage(err)))
	}
	if p.ProductName == "" {
		return domain.CheckoutSession{}, mapError(invalid("line_items[0][price_data][product_data][name]", "Missing required param: name."))
	}
	now := s.clock.Now()
	if d := p.ExpiresAt.Sub(now); d < 30*time.Minute || d > 24*time.Hour {
		return domain.CheckoutSession{}, mapError(invalid("expires_at", "The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation."))
	}
	id := s.newID("cs_test")
	cs := &domain.CheckoutSession{
		ID: id, URL: "https://checkout.stripe.com/c/pay/" + id, Amount: p.Amount, Status: domain.CheckoutOpen,
		ExpiresAt: p.ExpiresAt.UTC().Truncate(time.Second), Metadata: p.Metadata,
	}
	s.sessions[id] = cs
	return *cs, nil
}

// CheckoutSession implements domain.Gateway.
func (s *Simulator) CheckoutSession(ctx context.Context, id string) (domain.CheckoutSession, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.takeFailure(); err != nil {
		return domain.CheckoutSession{}, err
	}
	s.expireDue()
	cs, ok := s.sessions[id]
	if !ok {
		return domain.CheckoutSession{}, mapError(missing("checkout.session", id))
	}
	return *cs, ctx.Err()
}

// ExpireCheckoutSession implements domain.Gateway.
func (s *Simulator) ExpireCheckoutSession(ctx context.Context, key domain.IdempotencyKey, id string) (domain.CheckoutSession, error) {
	return idempotent(s, key, "expire checkout session", func() (domain.CheckoutSession, error) {
		s.expireDue()
		cs, ok := s.sessions[id]
		switch {
		case !ok:
			return domain.CheckoutSession{}, mapError(missing("checkout.session", id))
		case cs.Status != domain.CheckoutOpen:
			return domain.CheckoutSession{}, mapError(unexpectedState("Only Checkout Sessions with a status of open can be expired; this one is " + string(cs.Status) + "."))
		}
		cs.Status = domain.CheckoutExpired
		c := *cs
		s.emit("checkout.session.expired", cs.ID, &domain.Event{CheckoutSession: &c})
		return *cs, nil
	})
}

// CreateRefund implements domain.Gateway.
func (s *Simulator) CreateRefund(ctx context.Context, key domain.IdempotencyKey, p domain.RefundParams) (domain.Refund, error) {
	return idempotent(s, key, "create refund", func() (domain.Refund, error) { return s.refund(p) })
}

func (s *Simulator) refund(p domain.RefundParams) (domain.Refund, error) {
	si, ok := s.intents[p.PaymentIntentID]
	if !ok {
		return domain.Refund{}, mapError(missing("payment_intent", p.PaymentIntentID))
	}
	if si.pi.Status != domain.PISucceeded {
		return domain.Refund{}, mapError(unexpectedState("This PaymentIntent has not succeeded, so there is nothing to refund."))
	}
	left := si.pi.AmountReceived - si.refunded
	amount := p.Amount
	if amount == 0 {
		amount = left
	}
	if left == 0 {
		return domain.Refund{}, mapError(invalid("amount", "Charge has already been refunded."))
	}
	if amount < 0 || amount > left {
		return domain.Refund{}, mapError(invalid("amount", "Refund amount ("+domain.FormatAmount(amount, si.pi.Amount.Currency.Exponent())+") is greater than the amount left to refund ("+domain.FormatAmount(left, si.pi.Amount.Currency.Exponent())+")."))
	}
	si.refunded += amount
	now := s.clock.Now()
	r := &domain.Refund{ID: s.newID("re"), PaymentIntentID: si.pi.ID, ChargeID: si.pi.LatestChargeID, Amount: domain.Money{Amount: amount, Currency: si.pi.Amount.Currency},
		Status: "succeeded", Reason: p.Reason, Metadata: p.Metadata, Created: now}
	// Stripe's test cards for refunds: 7726 refunds pending, then
	// succeeded; 5126 succeeded, then failed.
	switch si.pi.Card.Last4 {
	case "7726":
		r.Status = "pending"
		s.refundPlans[r.ID] = refundPlan{Next: "succeeded", At: now.Add(RefundSettles)}
	case "5126":
		s.refundPlans[r.ID] = refundPlan{Next: "failed", Failure: "expired_or_canceled_card", At: now.Add(RefundSettles)}
	}
	s.refunds[r.ID] = r
	s.available[r.Amount.Currency] -= amount
	s.record("refund", r.ID, "REFUND FOR CHARGE", domain.Money{Amount: -amount, Currency: r.Amount.Currency}, 0, now)
	rc := *r
	s.emit("refund.created", r.ID, &domain.Event{Refund: &rc})
	ch := s.chargeOf(si)
	s.emit("charge.refunded", si.pi.LatestChargeID, &domain.Event{Charge: &ch})
	return *r, nil
}

// tooLarge is Stripe's answer to an amount over its eight digits.
func tooLarge(param string, m domain.Money) *stripe.Error {
	return &stripe.Error{Type: stripe.ErrorTypeInvalidRequest, HTTPStatusCode: 400, Code: stripe.ErrorCodeAmountTooLarge, Param: param,
		Msg: fmt.Sprintf("Amount must be no more than %s", domain.New(domain.MaxChargeAmount(m.Currency), m.Currency))}
}
