package domain_test

import (
	"strings"
	"testing"

	"tally/domain"
)

// TestDeclineThenAnotherMethod: after a decline the cashier may take
// cash; the declined PaymentIntent is cancelled first, so it can never be
// paid as well.
func TestDeclineThenAnotherMethod(t *testing.T) {
	r := newTill(t)
	s := r.sale(380)
	a := must(t)(r.reg.StartCard(ctx, s.ID, r.card, 0)).Attempt
	res := must(t)(r.reg.PresentTestCard(ctx, a.ID, domain.CardDeclined))
	if res.Attempt.Stage != domain.StageDeclined {
		t.Fatalf("%+v", res.Attempt)
	}
	paid := must(t)(r.reg.PayCash(ctx, s.ID, r.cash, 500))
	if paid.Sale.Status != domain.SalePaid {
		t.Fatalf("%+v", paid.Sale)
	}
	pis := r.intents(s)
	if len(pis) != 1 || pis[0].Status != "canceled" {
		t.Fatalf("intents %+v", pis)
	}
	for _, at := range r.saleNow(s.ID).Attempts {
		if at.ID == a.ID && at.Status != domain.AttemptCanceled {
			t.Fatalf("declined attempt left %s", at.Status)
		}
	}
}

// TestAmountTooLargeForStripe: the register refuses a card payment over
// Stripe's eight digits before any call; the simulator refuses it as
// Stripe does.
func TestAmountTooLargeForStripe(t *testing.T) {
	r := newTill(t)
	s, err := r.reg.Checkout(ctx, domain.Cart{Currency: eur, TaxInclusive: true, Lines: []domain.SaleLine{{Description: "Car", Quantity: 2, UnitPrice: 60_000_000}}})
	if err != nil {
		t.Fatal(err)
	}
	r.gw.reset()
	if _, err := r.reg.StartCard(ctx, s.ID, r.card, 0); domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), "at most 999999.99 EUR") {
		t.Fatalf("card over the maximum: %v", err)
	}
	if calls := r.gw.Calls(); len(calls) != 0 {
		t.Fatalf("Stripe was called: %v", calls)
	}
	_, err = r.sim.CreatePaymentIntent(ctx, "k1", domain.PaymentIntentParams{Amount: domain.Money{Amount: 100_000_000, Currency: eur}, PaymentMethodTypes: []string{"card_present"}})
	if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), "more than Stripe takes") {
		t.Fatalf("simulator: %v", err)
	}
	// Two payments within the maximum take it.
	must(t)(r.reg.PayCash(ctx, s.ID, r.cash, 20_000_001))
	a := must(t)(r.reg.StartCard(ctx, s.ID, r.card, 0)).Attempt
	if a.Amount.Amount != 99_999_999 {
		t.Fatalf("card part %d", a.Amount.Amount)
	}
}
