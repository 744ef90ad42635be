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

// TestRestartSaysWhatThePollSettled: a payment interrupted by a crash and
// settled by Stripe's events before the start-up check ran is still
// reported to the cashier, once.
func TestRestartSaysWhatThePollSettled(t *testing.T) {
	r := newTill(t)
	s := r.sale(1250)
	a := must(t)(r.reg.StartCard(ctx, s.ID, r.card, 0)).Attempt
	r.gw.crashAt, r.gw.after = "PresentPaymentMethod", true
	if at := crashed(func() { r.reg.PresentTestCard(ctx, a.ID, domain.CardSucceeds) }); at != "PresentPaymentMethod" {
		t.Fatalf("crashed at %q", at)
	}
	r = r.restart()
	if err := r.reg.NoteStart(ctx); err != nil {
		t.Fatal(err)
	}
	// The events poll gets there first.
	if _, err := r.events.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got := r.saleNow(s.ID); got.Status != domain.SalePaid {
		t.Fatalf("the poll did not settle it: %s", got.Status)
	}
	found, err := r.reg.Recover(ctx)
	if err != nil || len(found) != 1 || found[0].Attempt.ID != a.ID || found[0].Attempt.Status != domain.AttemptSucceeded {
		t.Fatalf("the cashier was not told: %+v %v", found, err)
	}
	if !strings.Contains(found[0].Describe(), "paid") {
		t.Fatalf("%q", found[0].Describe())
	}
	if again, _ := r.reg.Recover(ctx); len(again) != 0 {
		t.Fatalf("told twice: %+v", again)
	}
}
