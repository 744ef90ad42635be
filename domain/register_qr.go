package domain

import (
	"context"
	"fmt"
	"time"
)

// StartQR makes a hosted payment page (a Checkout Session) for amount (0:
// all that is due) of a sale, to be shown as a QR code. The attempt is
// stored first and the page created with its key; the result is pending
// until the customer pays or the page expires: call Check until it is done.
func (s *RegisterService) StartQR(ctx context.Context, saleID, methodID, amount int64) (PaymentResult, error) {
	m, err := s.method(ctx, methodID)
	if err != nil {
		return PaymentResult{}, err
	}
	if m.Kind != MethodQRLink {
		return PaymentResult{}, Errorf(EINVALID, "%s is not a QR link method.", m.Name)
	}
	life := m.PageLifetime
	if life < MinPageLifetime {
		life = MinPageLifetime
	}
	a, sale, err := s.newAttempt(ctx, saleID, m, amount, func(a *Attempt) {
		// The expiry is fixed when the attempt is stored, so that the same
		// request sent again after a crash is the same request.
		a.SessionExpiry = s.Clock.Now().Add(life).Truncate(time.Second)
		a.PageMessage = m.SuccessMessage
	})
	if err != nil {
		return PaymentResult{Sale: sale}, err
	}
	return s.createPage(ctx, a, sale)
}

// pageParams is the attempt's payment page: always the same request for the
// same attempt (everything comes from what was stored), so that sending it
// again returns the first page.
func (s *RegisterService) pageParams(a Attempt, sale Sale) CheckoutParams {
	return CheckoutParams{
		Amount: a.Amount, ProductName: fmt.Sprintf("Sale #%d (%s)", sale.Number, sale.Till), ExpiresAt: a.SessionExpiry,
		SuccessMessage: a.PageMessage, Metadata: s.metadata(sale, a),
	}
}

func (s *RegisterService) createPage(ctx context.Context, a Attempt, sale Sale) (PaymentResult, error) {
	gw, _ := s.Connection.Gateway()
	if a.SessionExpiry.Sub(s.Clock.Now()) < time.Minute {
		a.Status = AttemptFailed
		return s.settle(ctx, a, "The payment page was never made and its time is up; nothing was charged. Make a new one.")
	}
	cs, err := gw.CreateCheckoutSession(ctx, a.key("session"), s.pageParams(a, sale))
	if err != nil {
		if uncertain(err) {
			return s.pending(ctx, a, ErrorMessage(err)+" Press Check status to go on (the same request is sent again, never a second page).", err)
		}
		a.Status = AttemptFailed
		return s.settle(ctx, a, "Stripe refused the payment page: "+ErrorMessage(err))
	}
	a.SessionID, a.SessionURL, a.Stage = cs.ID, cs.URL, StagePage
	if !cs.ExpiresAt.IsZero() {
		a.SessionExpiry = cs.ExpiresAt
	}
	return s.pending(ctx, a, "Waiting for the customer to pay on the QR code's page…", nil)
}

func (s *RegisterService) checkQR(ctx context.Context, a Attempt) (PaymentResult, error) {
	if a.SessionID == "" {
		sale, err := s.Sale(ctx, a.SaleID)
		if err != nil {
			return PaymentResult{}, err
		}
		return s.createPage(ctx, a, sale)
	}
	gw, _ := s.Connection.Gateway()
	cs, err := gw.CheckoutSession(ctx, a.SessionID)
	if err != nil {
		return s.pending(ctx, a, ErrorMessage(err)+" Tally asks again.", err)
	}
	switch {
	case cs.Status == CheckoutComplete && cs.Paid:
		a.Status, a.PaymentIntent = AttemptSucceeded, cs.PaymentIntentID
		if pi, err := gw.PaymentIntent(ctx, cs.PaymentIntentID); err == nil {
			a.Card, a.ChargeID = pi.Card, pi.LatestChargeID
		}
		return s.settle(ctx, a, "Paid on the payment page by "+cardName(a.Card)+".")
	case cs.Status == CheckoutComplete:
		return s.pending(ctx, a, "The customer finished the page; the payment is still being processed.", nil)
	case cs.Status == CheckoutExpired:
		a.Status = AttemptFailed
		return s.settle(ctx, a, "The payment page expired unpaid; nothing was charged. Make a new one, or choose another method.")
	}
	return s.pending(ctx, a, "Waiting for the customer to pay on the QR code's page…", nil)
}

// cancelQR expires the page so that it can no longer be paid.
func (s *RegisterService) cancelQR(ctx context.Context, a Attempt) (PaymentResult, error) {
	gw, _ := s.Connection.Gateway()
	if a.SessionID == "" {
		sale, err := s.Sale(ctx, a.SaleID)
		if err != nil {
			return PaymentResult{}, err
		}
		// Learn the page the lost answer made, if any, to expire it.
		cs, err := gw.CreateCheckoutSession(ctx, a.key("session"), s.pageParams(a, sale))
		switch {
		case err != nil && uncertain(err):
			return s.pending(ctx, a, ErrorMessage(err)+" Cancel again once Stripe can be reached.", err)
		case err != nil:
			a.Status = AttemptCanceled
			return s.settle(ctx, a, "Cancelled; nothing was charged.")
		}
		a.SessionID, a.SessionURL = cs.ID, cs.URL
		if err := s.save(ctx, &a); err != nil {
			return PaymentResult{Attempt: a}, err
		}
	}
	a.Stage = StageCanceling
	if err := s.save(ctx, &a); err != nil {
		return PaymentResult{Attempt: a}, err
	}
	if _, err := gw.ExpireCheckoutSession(ctx, a.key("expire"), a.SessionID); err != nil {
		res, cerr := s.checkQR(ctx, a)
		if cerr == nil && res.Attempt.Status.Settled() {
			res.Message = "The customer paid before the page could be closed: " + res.Message
			return res, nil
		}
		if cerr == nil && res.Attempt.Status != AttemptPending {
			a = res.Attempt
			a.Status = AttemptCanceled
			return s.settle(ctx, a, "Cancelled; the page had expired and nothing was charged.")
		}
		return s.pending(ctx, a, ErrorMessage(err)+" The page may still be open: cancel again.", err)
	}
	a.Status = AttemptCanceled
	return s.settle(ctx, a, "Cancelled: the payment page is closed and can no longer be paid.")
}
