package stripeclient

import (
	"context"
	"fmt"
	"testing"
	"time"

	"tally/domain"
)

type fixedClock struct{ t time.Time }

func (c *fixedClock) Now() time.Time { return c.t }

func newSim(t *testing.T) (*Simulator, domain.Reader, *fixedClock) {
	t.Helper()
	clk := &fixedClock{t: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	s := NewDemoSimulator(clk)
	rs, err := s.Readers(context.Background())
	if err != nil || len(rs) != 1 {
		t.Fatalf("demo readers: %v %v", rs, err)
	}
	return s, rs[0], clk
}

var keyN int

func k() domain.IdempotencyKey {
	keyN++
	return domain.IdempotencyKey(fmt.Sprintf("key-%d", keyN))
}

func payOnReader(t *testing.T, s *Simulator, r domain.Reader, card domain.TestCard, capture domain.CaptureMethod) (domain.PaymentIntent, domain.Reader) {
	t.Helper()
	ctx := context.Background()
	pi, err := s.CreatePaymentIntent(ctx, k(), domain.PaymentIntentParams{Amount: domain.New(1250, domain.MustCurrency("EUR")),
		PaymentMethodTypes: []string{"card_present"}, CaptureMethod: capture})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ProcessPaymentIntent(ctx, k(), r.ID, pi.ID, domain.ProcessConfig{}); err != nil {
		t.Fatal(err)
	}
	rd, err := s.PresentPaymentMethod(ctx, k(), r.ID, card, 0)
	if err != nil {
		t.Fatal(err)
	}
	pi, _ = s.PaymentIntent(ctx, pi.ID)
	return pi, rd
}

func TestSimulatorTestCards(t *testing.T) {
	tests := []struct {
		card    domain.TestCard
		ok      bool
		decline string
	}{
		{domain.CardSucceeds, true, ""},
		{domain.CardDeclined, false, "generic_decline"},
		{domain.CardInsufficientFunds, false, "insufficient_funds"},
		{domain.CardBlocked, false, "fraudulent"},
		{domain.CardNeedsAuthentication, false, "authentication_required"},
	}
	for _, tt := range tests {
		t.Run(string(tt.card), func(t *testing.T) {
			s, r, _ := newSim(t)
			pi, rd := payOnReader(t, s, r, tt.card, domain.CaptureAutomatic)
			if tt.ok {
				if pi.Status != domain.PISucceeded || rd.Action.Status != domain.ActionSucceeded || pi.Card.Last4 != "4242" {
					t.Fatalf("pi %+v reader action %+v", pi, rd.Action)
				}
				return
			}
			if pi.Status != domain.PIRequiresPaymentMethod || pi.LastError == nil || pi.LastError.DeclineCode != tt.decline {
				t.Fatalf("pi = %+v", pi)
			}
			if rd.Action.Status != domain.ActionFailed || rd.Action.FailureCode != "card_declined" {
				t.Fatalf("reader action = %+v", rd.Action)
			}
			// The same payment can be retried with another card.
			if _, err := s.ProcessPaymentIntent(context.Background(), k(), r.ID, pi.ID, domain.ProcessConfig{}); err != nil {
				t.Fatalf("retry after decline: %v", err)
			}
		})
	}
}

func TestSimulatorIdempotency(t *testing.T) {
	s, _, _ := newSim(t)
	ctx := context.Background()
	p := domain.PaymentIntentParams{Amount: domain.New(500, domain.MustCurrency("EUR")), PaymentMethodTypes: []string{"card_present"}}
	a, err := s.CreatePaymentIntent(ctx, "same", p)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.CreatePaymentIntent(ctx, "same", p)
	if err != nil || a.ID != b.ID {
		t.Fatalf("repeat with same key: %v %v, %v", a.ID, b.ID, err)
	}
	if _, err := s.CancelPaymentIntent(ctx, "same", a.ID); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("same key on another endpoint: %v", err)
	}
}

func TestSimulatorReaderErrors(t *testing.T) {
	ctx := context.Background()
	eur := domain.MustCurrency("EUR")
	t.Run("ErrBusy", func(t *testing.T) {
		s, r, _ := newSim(t)
		pi, _ := s.CreatePaymentIntent(ctx, k(), domain.PaymentIntentParams{Amount: domain.New(100, eur), PaymentMethodTypes: []string{"card_present"}})
		if _, err := s.ProcessPaymentIntent(ctx, k(), r.ID, pi.ID, domain.ProcessConfig{}); err != nil {
			t.Fatal(err)
		}
		_, err := s.SetReaderDisplay(ctx, k(), r.ID, domain.ReaderCart{Currency: eur, Lines: []domain.ReaderCartLine{{Description: "x", Quantity: 1, Amount: 100}}})
		if domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("err = %v", err)
		}
		// Cancelling frees the reader and the payment can be voided.
		if rd, err := s.CancelReaderAction(ctx, k(), r.ID); err != nil || rd.Action.Status != domain.ActionFailed {
			t.Fatalf("cancel: %+v %v", rd.Action, err)
		}
		if pi, err := s.CancelPaymentIntent(ctx, k(), pi.ID); err != nil || pi.Status != domain.PICanceled {
			t.Fatalf("cancel pi: %v %v", pi.Status, err)
		}
	})
	t.Run("ErrBadRegistrationCode", func(t *testing.T) {
		s, r, _ := newSim(t)
		_, err := s.RegisterReader(ctx, k(), "apple-banana-cherry", "X", r.LocationID)
		if domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("err = %v", err)
		}
		s.AddRegistrationCode("one-time-code", "bbpos_wisepos_e")
		if _, err := s.RegisterReader(ctx, k(), "one-time-code", "Y", r.LocationID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RegisterReader(ctx, k(), "one-time-code", "Z", r.LocationID); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("code reused: err = %v", err)
		}
	})
	t.Run("ErrLocationCountry", func(t *testing.T) {
		s, _, _ := newSim(t)
		_, err := s.CreateLocation(ctx, k(), domain.Location{DisplayName: "X", Address: domain.Address{Line1: "1", City: "c", PostalCode: "1", Country: "BR"}})
		if domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrLostConnection", func(t *testing.T) {
		s, _, _ := newSim(t)
		s.FailNext(domain.Errorf(domain.EUNAVAILABLE, "Could not connect to Stripe."))
		if _, err := s.Readers(ctx); domain.ErrorCode(err) != domain.EUNAVAILABLE {
			t.Fatalf("err = %v", err)
		}
		if _, err := s.Readers(ctx); err != nil {
			t.Fatalf("after the failure: %v", err)
		}
	})
}

func TestSimulatorCaptureAndRefund(t *testing.T) {
	ctx := context.Background()
	s, r, _ := newSim(t)
	pi, _ := payOnReader(t, s, r, domain.CardSucceeds, domain.CaptureManual)
	if pi.Status != domain.PIRequiresCapture || pi.AmountCapturable != 1250 {
		t.Fatalf("pi = %+v", pi)
	}
	if _, err := s.CreateRefund(ctx, k(), domain.RefundParams{PaymentIntentID: pi.ID}); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("refund before capture: %v", err)
	}
	pi, err := s.CapturePaymentIntent(ctx, k(), pi.ID, 0)
	if err != nil || pi.Status != domain.PISucceeded || pi.AmountReceived != 1250 {
		t.Fatalf("capture: %+v %v", pi, err)
	}
	if _, err := s.CreateRefund(ctx, k(), domain.RefundParams{PaymentIntentID: pi.ID, Amount: 1000}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateRefund(ctx, k(), domain.RefundParams{PaymentIntentID: pi.ID, Amount: 251}); domain.ErrorCode(err) != domain.EINVALID {
		t.Fatalf("refund over what is left: %v", err)
	}
	re, err := s.CreateRefund(ctx, k(), domain.RefundParams{PaymentIntentID: pi.ID})
	if err != nil || re.Amount.Amount != 250 {
		t.Fatalf("refund the rest: %+v %v", re, err)
	}
	if _, err := s.CreateRefund(ctx, k(), domain.RefundParams{PaymentIntentID: pi.ID}); domain.ErrorCode(err) != domain.EINVALID {
		t.Fatalf("refund of a fully refunded payment: %v", err)
	}
}

func TestSimulatorCheckout(t *testing.T) {
	ctx := context.Background()
	s, _, clk := newSim(t)
	eur := domain.MustCurrency("EUR")
	if _, err := s.CreateCheckoutSession(ctx, k(), domain.CheckoutParams{Amount: domain.New(100, eur), ProductName: "x", ExpiresAt: clk.t.Add(10 * time.Minute)}); domain.ErrorCode(err) != domain.EINVALID {
		t.Fatalf("expiry under 30 min: %v", err)
	}
	cs, err := s.CreateCheckoutSession(ctx, k(), domain.CheckoutParams{Amount: domain.New(1999, eur), ProductName: "Sale 7", ExpiresAt: clk.t.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PayCheckout(cs.ID, domain.CardDeclined); domain.ErrorCode(err) != domain.EDECLINED {
		t.Fatalf("declined: %v", err)
	}
	paid, err := s.PayCheckout(cs.ID, domain.CardSucceeds)
	if err != nil || !paid.Paid || paid.Status != domain.CheckoutComplete || paid.PaymentIntentID == "" {
		t.Fatalf("paid = %+v, %v", paid, err)
	}
	if _, err := s.PayCheckout(cs.ID, domain.CardSucceeds); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("paid twice: %v", err)
	}
	if _, err := s.ExpireCheckoutSession(ctx, k(), cs.ID); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("expire a paid page: %v", err)
	}
	// A page left open expires on time, with an event.
	cs2, _ := s.CreateCheckoutSession(ctx, k(), domain.CheckoutParams{Amount: domain.New(500, eur), ProductName: "Sale 8", ExpiresAt: clk.t.Add(time.Hour)})
	clk.t = clk.t.Add(2 * time.Hour)
	got, _ := s.CheckoutSession(ctx, cs2.ID)
	if got.Status != domain.CheckoutExpired {
		t.Fatalf("status after expiry = %s", got.Status)
	}
	evs, err := s.Events(ctx, "", nil, 100)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, e := range evs {
		types = append(types, e.Type)
	}
	want := []string{"payment_intent.payment_failed", "payment_intent.succeeded", "checkout.session.completed", "checkout.session.expired"}
	if fmt.Sprint(types) != fmt.Sprint(want) {
		t.Errorf("events = %v, want %v", types, want)
	}
}

func TestSimulatorEventCursor(t *testing.T) {
	ctx := context.Background()
	s, r, _ := newSim(t)
	for i := 0; i < 3; i++ {
		payOnReader(t, s, r, domain.CardSucceeds, domain.CaptureAutomatic)
	}
	var all []domain.Event
	cursor := ""
	for {
		page, err := s.Events(ctx, cursor, nil, 2)
		if err != nil {
			t.Fatal(err)
		}
		if cursor == "" {
			// The first call without a cursor starts from the most recent events; start over from the oldest.
			page, _ = s.Events(ctx, "", nil, 100)
			page = page[:2]
		}
		if len(page) == 0 {
			break
		}
		all = append(all, page...)
		cursor = page[len(page)-1].ID
	}
	if len(all) != 9 { // created, succeeded, reader action per payment
		t.Fatalf("got %d events", len(all))
	}
	seen := map[string]bool{}
	for _, e := range all {
		if seen[e.ID] {
			t.Fatalf("event %s twice", e.ID)
		}
		seen[e.ID] = true
	}
	if _, err := s.Events(ctx, "evt_unknown", nil, 10); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Fatalf("unknown cursor: %v", err)
	}
}
