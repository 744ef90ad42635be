package domain_test

import (
	"fmt"
	"testing"

	"tally/domain"
)

// Every step of both flows is stopped once before Stripe's write and once
// after it (the answer lost), the register restarted on the same database
// and simulator state, and the start-up check run: the sale ends paid
// exactly once or not paid, with never a second PaymentIntent or payment
// page for the same attempt.

func TestCrashDuringCardPayment(t *testing.T) {
	for _, step := range []string{"CreatePaymentIntent", "SetReaderDisplay", "ProcessPaymentIntent"} {
		for _, after := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/after=%v", step, after), func(t *testing.T) {
				r := newTill(t)
				s := r.sale(1250)
				r.gw.crashAt, r.gw.after = step, after
				if at := crashed(func() { r.reg.StartCard(ctx, s.ID, r.card, 0) }); at != step {
					t.Fatalf("crashed at %q", at)
				}
				r = r.restart()
				found, err := r.reg.Recover(ctx)
				if err != nil || len(found) != 1 {
					t.Fatalf("recover: %+v %v", found, err)
				}
				got := found[0]
				pis := r.intents(s)
				if len(pis) > 1 {
					t.Fatalf("%d PaymentIntents for one attempt", len(pis))
				}
				switch {
				case step == "ProcessPaymentIntent" && after:
					// The reader has the payment: it is still waiting, and
					// the customer's card completes it once.
					if stageOf(domain.PaymentResult{Attempt: got.Attempt}) != "pending/on_reader" {
						t.Fatalf("%s: %s", got.Describe(), stageOf(domain.PaymentResult{Attempt: got.Attempt}))
					}
					res := must(t)(r.reg.PresentTestCard(ctx, got.Attempt.ID, domain.CardSucceeds))
					if res.Sale.Status != domain.SalePaid {
						t.Fatalf("%+v", res)
					}
				default:
					if got.Attempt.Status != domain.AttemptCanceled || got.Sale.Status != domain.SaleOpen {
						t.Fatalf("%s", got.Describe())
					}
					for _, pi := range pis {
						if pi.Status != domain.PICanceled {
							t.Fatalf("a PaymentIntent left open: %+v", pi)
						}
					}
					// The sale can be paid afresh, once.
					a := must(t)(r.reg.StartCard(ctx, s.ID, r.card, 0)).Attempt
					if res := must(t)(r.reg.PresentTestCard(ctx, a.ID, domain.CardSucceeds)); res.Sale.Status != domain.SalePaid {
						t.Fatalf("%+v", res)
					}
				}
				if paid := r.saleNow(s.ID).Paid(); paid != 1250 {
					t.Fatalf("paid %d", paid)
				}
				succeeded := 0
				for _, pi := range r.intents(s) {
					if pi.Status == domain.PISucceeded {
						succeeded++
					}
				}
				if succeeded != 1 {
					t.Fatalf("%d charges", succeeded)
				}
			})
		}
	}
}

func TestCrashAfterTheCustomerPaid(t *testing.T) {
	for _, step := range []string{"PresentPaymentMethod", "PaymentIntent"} {
		t.Run(step, func(t *testing.T) {
			r := newTill(t)
			s := r.sale(1250)
			a := must(t)(r.reg.StartCard(ctx, s.ID, r.card, 0)).Attempt
			r.gw.crashAt, r.gw.after = step, step == "PresentPaymentMethod"
			if at := crashed(func() { r.reg.PresentTestCard(ctx, a.ID, domain.CardSucceeds) }); at != step {
				t.Fatalf("crashed at %q", at)
			}
			r = r.restart()
			if s := r.saleNow(s.ID); s.Status != domain.SaleOpen {
				t.Fatalf("paid before Stripe was asked: %+v", s)
			}
			found, err := r.reg.Recover(ctx)
			if err != nil || len(found) != 1 || found[0].Attempt.Status != domain.AttemptSucceeded || found[0].Sale.Status != domain.SalePaid {
				t.Fatalf("recover: %+v %v", found, err)
			}
			if again, _ := r.reg.Recover(ctx); len(again) != 0 {
				t.Fatalf("settled twice: %+v", again)
			}
			if n := len(r.intents(s)); n != 1 {
				t.Fatalf("%d intents", n)
			}
		})
	}
}

func TestCrashWhileCancellingCard(t *testing.T) {
	for _, step := range []string{"CancelReaderAction", "CancelPaymentIntent"} {
		for _, after := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/after=%v", step, after), func(t *testing.T) {
				r := newTill(t)
				s := r.sale(1250)
				a := must(t)(r.reg.StartCard(ctx, s.ID, r.card, 0)).Attempt
				r.gw.crashAt, r.gw.after = step, after
				if at := crashed(func() { r.reg.Cancel(ctx, a.ID) }); at != step {
					t.Fatalf("crashed at %q", at)
				}
				r = r.restart()
				found, err := r.reg.Recover(ctx)
				if err != nil || len(found) != 1 || found[0].Attempt.Status != domain.AttemptCanceled {
					t.Fatalf("recover: %+v %v", found, err)
				}
				if pis := r.intents(s); len(pis) != 1 || pis[0].Status != domain.PICanceled {
					t.Fatalf("intents %+v", pis)
				}
			})
		}
	}
}

func TestCrashDuringQRPayment(t *testing.T) {
	for _, after := range []bool{false, true} {
		t.Run(fmt.Sprintf("CreateCheckoutSession/after=%v", after), func(t *testing.T) {
			r := newTill(t)
			s := r.sale(1250)
			r.gw.crashAt, r.gw.after = "CreateCheckoutSession", after
			if at := crashed(func() { r.reg.StartQR(ctx, s.ID, r.qr, 0) }); at == "" {
				t.Fatal("no crash")
			}
			r = r.restart()
			found, err := r.reg.Recover(ctx)
			if err != nil || len(found) != 1 || found[0].Attempt.Status != domain.AttemptCanceled {
				t.Fatalf("recover: %+v %v", found, err)
			}
			for _, cs := range r.sessions(s) {
				if cs.Status != domain.CheckoutExpired {
					t.Fatalf("a page left open: %+v", cs)
				}
			}
			if n := len(r.sessions(s)); n > 1 {
				t.Fatalf("%d pages", n)
			}
		})
	}
	t.Run("PaidWhileDown", func(t *testing.T) {
		r := newTill(t)
		s := r.sale(1250)
		a := must(t)(r.reg.StartQR(ctx, s.ID, r.qr, 0)).Attempt
		r.gw.crashAt = "CheckoutSession"
		if _, err := r.sim.PayCheckout(a.SessionID, domain.CardSucceeds); err != nil {
			t.Fatal(err)
		}
		if at := crashed(func() { r.reg.Check(ctx, a.ID) }); at != "CheckoutSession" {
			t.Fatalf("crashed at %q", at)
		}
		r = r.restart()
		found, err := r.reg.Recover(ctx)
		if err != nil || len(found) != 1 || found[0].Sale.Status != domain.SalePaid {
			t.Fatalf("recover: %+v %v", found, err)
		}
	})
	t.Run("StillOpen", func(t *testing.T) {
		r := newTill(t)
		s := r.sale(1250)
		must(t)(r.reg.StartQR(ctx, s.ID, r.qr, 0))
		r = r.restart()
		found, err := r.reg.Recover(ctx)
		if err != nil || len(found) != 1 || found[0].Attempt.Status != domain.AttemptPending || found[0].Attempt.Stage != domain.StagePage {
			t.Fatalf("recover: %+v %v", found, err)
		}
	})
	for _, after := range []bool{false, true} {
		t.Run(fmt.Sprintf("ExpireCheckoutSession/after=%v", after), func(t *testing.T) {
			r := newTill(t)
			s := r.sale(1250)
			a := must(t)(r.reg.StartQR(ctx, s.ID, r.qr, 0)).Attempt
			r.gw.crashAt, r.gw.after = "ExpireCheckoutSession", after
			if at := crashed(func() { r.reg.CancelSale(ctx, s.ID) }); at == "" {
				t.Fatal("no crash")
			}
			r = r.restart()
			found, err := r.reg.Recover(ctx)
			if err != nil || len(found) != 1 || found[0].Attempt.Status == domain.AttemptPending {
				t.Fatalf("recover: %+v %v", found, err)
			}
			if cs := r.sessions(s); len(cs) != 1 || cs[0].Status != domain.CheckoutExpired {
				t.Fatalf("page %+v", cs)
			}
			if _, err := r.sim.PayCheckout(a.SessionID, domain.CardSucceeds); err == nil {
				t.Fatal("the page could still be paid")
			}
		})
	}
}

func TestSimulatorSurvivesRestart(t *testing.T) {
	r := newTill(t)
	s := r.sale(1250)
	a := must(t)(r.reg.StartCard(ctx, s.ID, r.card, 0)).Attempt
	must(t)(r.reg.PresentTestCard(ctx, a.ID, domain.CardSucceeds))
	r = r.restart()
	pi, err := r.sim.PaymentIntent(ctx, a.PaymentIntent)
	if err != nil || pi.Status != domain.PISucceeded || pi.ID != a.PaymentIntent {
		t.Fatalf("after restart: %+v %v", pi, err)
	}
	// The key is remembered across the restart: sent again with other
	// parameters it is refused, as Stripe does (the same request replays;
	// the crash tests send it).
	_, err = r.sim.CreatePaymentIntent(ctx, domain.IdempotencyKey(string(a.Key)+":create"), domain.PaymentIntentParams{Amount: a.Amount, PaymentMethodTypes: []string{"card_present"}})
	if domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("a key reused with other parameters after restart: %v", err)
	}
}
