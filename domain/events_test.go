package domain_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"tally/domain"
	"tally/stripeclient"
)

// paidBehind starts a card payment and has the customer present card on
// the simulated reader without the register looking: only Stripe's events
// can tell Tally what happened.
func (r *till) paidBehind(amount int64, card domain.TestCard) (domain.Sale, domain.Attempt) {
	r.t.Helper()
	s := r.sale(amount)
	a := must(r.t)(r.reg.StartCard(ctx, s.ID, r.card, 0)).Attempt
	if _, err := r.sim.PresentPaymentMethod(ctx, domain.IdempotencyKey(fmt.Sprintf("behind-%d", a.ID)), r.reader, card, 0); err != nil && domain.ErrorCode(err) != domain.EDECLINED {
		r.t.Fatal(err)
	}
	return s, a
}

func (r *till) sync() int {
	r.t.Helper()
	n, err := r.events.Sync(ctx)
	if err != nil {
		r.t.Fatal(err)
	}
	return n
}

func (r *till) attempt(id int64) domain.Attempt {
	r.t.Helper()
	a, err := r.reg.Attempt(ctx, id)
	if err != nil {
		r.t.Fatal(err)
	}
	return a
}

func (r *till) eventRows(attemptID int64) []domain.EventRecord {
	r.t.Helper()
	var out []domain.EventRecord
	if err := r.books.ViewTill(ctx, func(tx domain.TillTx) (err error) {
		out, err = tx.EventsOf(attemptID)
		return err
	}); err != nil {
		r.t.Fatal(err)
	}
	return out
}

// TestEventsSettleAPaymentTheRegisterDidNotSee: the card was taken while
// the register was not looking; the events alone make the sale paid, once.
func TestEventsSettleAPaymentTheRegisterDidNotSee(t *testing.T) {
	r := newTill(t)
	s, a := r.paidBehind(1250, domain.CardSucceeds)
	if r.attempt(a.ID).Status != domain.AttemptPending {
		t.Fatal("the register settled it without looking")
	}
	if n := r.sync(); n == 0 {
		t.Fatal("no event applied")
	}
	got := r.attempt(a.ID)
	if got.Status != domain.AttemptSucceeded || got.Card.Last4 != "4242" || got.ChargeID == "" || r.saleNow(s.ID).Status != domain.SalePaid {
		t.Fatalf("after events: %+v sale %s", got, r.saleNow(s.ID).Status)
	}
	evs := r.eventRows(a.ID)
	types := []string{}
	for _, e := range evs {
		types = append(types, e.Type)
	}
	if !slices.Contains(types, "payment_intent.succeeded") || !slices.Contains(types, "terminal.reader.action_succeeded") {
		t.Fatalf("events recorded: %v", types)
	}
	if n := r.sync(); n != 0 {
		t.Fatalf("a second sync applied %d events", n)
	}
	// The register's own check agrees and changes nothing.
	res := must(t)(r.reg.Check(ctx, a.ID))
	if res.Attempt.Status != domain.AttemptSucceeded || res.Sale.Paid() != 1250 {
		t.Fatalf("check after events: %+v", res)
	}
}

// TestEventsEachType: every handled type changes its record, once.
func TestEventsEachType(t *testing.T) {
	r := newTill(t)

	// A decline on the reader: the attempt waits for a retry, not failed.
	_, d := r.paidBehind(1100, domain.CardDeclined)
	r.sync()
	if a := r.attempt(d.ID); a.Status != domain.AttemptPending || a.Stage != domain.StageDeclined || !strings.Contains(a.Message, "declined") {
		t.Fatalf("declined: %+v", a)
	}
	must(t)(r.reg.Cancel(ctx, d.ID))

	// A payment page paid by the customer.
	qs := r.sale(900)
	q := must(t)(r.reg.StartQR(ctx, qs.ID, r.qr, 0)).Attempt
	if _, err := r.sim.PayCheckout(q.SessionID, domain.CardSucceeds); err != nil {
		t.Fatal(err)
	}
	r.sync()
	if a := r.attempt(q.ID); a.Status != domain.AttemptSucceeded || a.PaymentIntent == "" || r.saleNow(qs.ID).Status != domain.SalePaid {
		t.Fatalf("page paid: %+v", a)
	}

	// A payment page left to expire.
	es := r.sale(800)
	e := must(t)(r.reg.StartQR(ctx, es.ID, r.qr, 0)).Attempt
	r.clock.Advance(2 * time.Hour)
	r.sync()
	if a := r.attempt(e.ID); a.Status != domain.AttemptFailed || !strings.Contains(a.Message, "expired") {
		t.Fatalf("expired: %+v", a)
	}

	// A manual-capture payment: authorised by events, then voided at Stripe.
	methods := &domain.PaymentMethodService{Store: r.books, Connection: r.reg.Connection}
	if _, err := methods.Save(ctx, domain.PaymentMethod{ID: r.card, Name: "Card", Kind: domain.MethodCardReader, ReaderID: r.reader,
		CaptureMethod: domain.CaptureManual, OutstandingAccount: domain.AcctOutstandingReceipts}); err != nil {
		t.Fatal(err)
	}
	ms, m := r.paidBehind(700, domain.CardSucceeds)
	r.sync()
	if a := r.attempt(m.ID); a.Status != domain.AttemptAuthorized || a.AuthorizedAt.IsZero() || r.saleNow(ms.ID).Status != domain.SalePaid {
		t.Fatalf("authorised: %+v", a)
	}
	if _, err := r.sim.CancelPaymentIntent(ctx, "void-behind", r.attempt(m.ID).PaymentIntent); err != nil {
		t.Fatal(err)
	}
	r.sync()
	if a := r.attempt(m.ID); a.Status != domain.AttemptCanceled || r.saleNow(ms.ID).Status != domain.SaleOpen {
		t.Fatalf("voided at Stripe: %+v, sale %s", a, r.saleNow(ms.ID).Status)
	}

	// A payout, and a dispute opened then lost.
	r.sim.SimulatePayout(domain.New(5000, eur), false)
	pi := r.attempt(q.ID).PaymentIntent
	dp, err := r.sim.SimulateDispute(pi, "fraudulent")
	if err != nil {
		t.Fatal(err)
	}
	r.sync()
	if a := r.attempt(q.ID); a.Disputed != "needs_response" {
		t.Fatalf("dispute: %+v", a)
	}
	if err := r.sim.CloseDispute(dp.ID, "lost"); err != nil {
		t.Fatal(err)
	}
	r.sync()
	var payouts []domain.PayoutRecord
	var disp domain.DisputeRecord
	if err := r.books.ViewTill(ctx, func(tx domain.TillTx) (err error) {
		if payouts, err = tx.Payouts(10); err != nil {
			return err
		}
		disp, _, err = tx.Dispute(dp.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(payouts) != 1 || payouts[0].Status != "paid" || payouts[0].Amount.Amount != 5000 {
		t.Fatalf("payouts %+v", payouts)
	}
	if disp.Status != "lost" || r.attempt(q.ID).Disputed != "lost" {
		t.Fatalf("dispute %+v", disp)
	}
	if n := r.sync(); n != 0 {
		t.Fatalf("a sync with nothing new applied %d", n)
	}
}

// TestEventsTwiceOutOfOrderAndThroughBothPaths: the same events fed by the
// webhook in reverse order, then by the poll, then again, change the
// records exactly as applying them once in order does.
func TestEventsTwiceOutOfOrderAndThroughBothPaths(t *testing.T) {
	r := newTill(t)
	s, a := r.paidBehind(1250, domain.CardSucceeds)
	evs, err := r.sim.Events(ctx, "", domain.PollEventTypes, 100)
	if err != nil {
		t.Fatal(err)
	}
	// A late processing event, delivered after the success.
	late := domain.Event{ID: "evt_late_processing", Type: "payment_intent.processing", Created: r.clock.Now(),
		PaymentIntent: &domain.PaymentIntent{ID: r.attempt(a.ID).PaymentIntent, Status: domain.PIProcessing}}
	for i := len(evs) - 1; i >= 0; i-- {
		if _, err := r.events.Apply(ctx, evs[i], domain.FromWebhook); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.events.Apply(ctx, late, domain.FromWebhook); err != nil {
		t.Fatal(err)
	}
	after := r.attempt(a.ID)
	if after.Status != domain.AttemptSucceeded || r.saleNow(s.ID).Status != domain.SalePaid {
		t.Fatalf("after webhook: %+v", after)
	}
	if n := r.sync(); n != 0 {
		t.Fatalf("the poll applied %d events the webhook had applied", n)
	}
	for _, ev := range evs {
		if changed, err := r.events.Apply(ctx, ev, domain.FromWebhook); err != nil || changed {
			t.Fatalf("replayed %s: changed=%v err=%v", ev.ID, changed, err)
		}
	}
	if again := r.attempt(a.ID); again.Status != after.Status || again.Message != after.Message || again.Updated != after.Updated {
		t.Fatalf("replays changed the attempt: %+v vs %+v", again, after)
	}
	if st := r.events.Status(ctx); st.Cursor != evs[len(evs)-1].ID {
		t.Fatalf("cursor %q, want the newest event %q", st.Cursor, evs[len(evs)-1].ID)
	}
}

// TestEventsUnknownTypeRecordedAndIgnored: a type Tally does not handle is
// kept (so it is not fetched again) and changes nothing.
func TestEventsUnknownTypeRecordedAndIgnored(t *testing.T) {
	r := newTill(t)
	changed, err := r.events.Apply(ctx, domain.Event{ID: "evt_customer", Type: "customer.created", Created: r.clock.Now(), ObjectID: "cus_1"}, domain.FromWebhook)
	if err != nil || changed {
		t.Fatalf("unknown type: changed=%v err=%v", changed, err)
	}
	var isNew bool
	if err := r.books.UpdateTill(ctx, func(tx domain.TillTx) (err error) {
		isNew, err = tx.InsertEvent(domain.EventRecord{ID: "evt_customer", Type: "customer.created", Source: domain.FromPoll})
		return err
	}); err != nil || isNew {
		t.Fatalf("the unknown event was not recorded: new=%v err=%v", isNew, err)
	}
	if _, err := r.events.Apply(ctx, domain.Event{Type: "payment_intent.succeeded"}, domain.FromWebhook); domain.ErrorCode(err) != domain.EINVALID {
		t.Fatalf("an event without id: %v", err)
	}
}

// TestEventsCursorSurvivesRestart: after a restart the poll goes on from
// where it stopped: old events are not applied again, new ones are.
func TestEventsCursorSurvivesRestart(t *testing.T) {
	r := newTill(t)
	r.paidBehind(1000, domain.CardSucceeds)
	r.sync()
	cursor := r.events.Status(ctx).Cursor
	if cursor == "" {
		t.Fatal("no cursor saved")
	}
	r = r.restart()
	if st := r.events.Status(ctx); st.Cursor != cursor || st.LastHeard.IsZero() {
		t.Fatalf("after restart: %+v, want cursor %s", st, cursor)
	}
	_, a := r.paidBehind(2000, domain.CardSucceeds)
	if n := r.sync(); n == 0 || r.attempt(a.ID).Status != domain.AttemptSucceeded {
		t.Fatalf("new events after restart: %d applied, %+v", n, r.attempt(a.ID))
	}
}

// TestEventsStripeDownThenBack: while Stripe cannot be reached, syncs fail,
// the status says so and the wait grows; once it is back, every event made
// meanwhile is applied.
func TestEventsStripeDownThenBack(t *testing.T) {
	r := newTill(t)
	r.sync()
	s1, a1 := r.paidBehind(1000, domain.CardSucceeds)
	s2, a2 := r.paidBehind(2000, domain.CardSucceeds)
	r.sim.SetDown(stripeclient.ErrNetworkDown)
	for i := 1; i <= 3; i++ {
		if _, err := r.events.Sync(ctx); domain.ErrorCode(err) != domain.EUNAVAILABLE {
			t.Fatalf("sync while down: %v", err)
		}
		if st := r.events.Status(ctx); st.Failures != i || st.LastError == "" {
			t.Fatalf("status after %d failures: %+v", i, st)
		}
	}
	r.clock.Advance(10 * time.Minute)
	if text, stale := domain.StatusText(r.events.Status(ctx), r.clock.Now()); !stale || !strings.Contains(text, "10 min ago") {
		t.Fatalf("status line: %q stale=%v", text, stale)
	}
	r = r.restart() // and the app restarted meanwhile
	r.sim.SetDown(nil)
	if n := r.sync(); n == 0 {
		t.Fatal("nothing applied once Stripe was back")
	}
	for _, c := range []struct {
		s domain.Sale
		a domain.Attempt
	}{{s1, a1}, {s2, a2}} {
		if r.attempt(c.a.ID).Status != domain.AttemptSucceeded || r.saleNow(c.s.ID).Status != domain.SalePaid {
			t.Fatalf("sale #%d not settled after the outage", c.s.Number)
		}
	}
	if st := r.events.Status(ctx); st.Failures != 0 || st.LastError != "" {
		t.Fatalf("status once back: %+v", st)
	}
	if text, stale := domain.StatusText(r.events.Status(ctx), r.clock.Now()); stale || !strings.Contains(text, "just now") {
		t.Fatalf("status line once back: %q", text)
	}
}

// TestEventsCursorTooOld: Stripe keeps events 30 days; a cursor it no
// longer knows starts the poll again from the newest events.
func TestEventsCursorTooOld(t *testing.T) {
	r := newTill(t)
	if err := r.books.UpdateTill(ctx, func(tx domain.TillTx) error {
		return tx.SaveEventState(domain.EventState{Cursor: "evt_gone_long_ago"})
	}); err != nil {
		t.Fatal(err)
	}
	_, a := r.paidBehind(1000, domain.CardSucceeds)
	r.sync()
	if r.attempt(a.ID).Status != domain.AttemptSucceeded || r.events.Status(ctx).Cursor == "evt_gone_long_ago" {
		t.Fatalf("after an expired cursor: %+v %+v", r.attempt(a.ID), r.events.Status(ctx))
	}
}

func TestPollDelayBacksOff(t *testing.T) {
	want := []time.Duration{5 * time.Second, 10 * time.Second, 20 * time.Second, 40 * time.Second, 80 * time.Second, 2 * time.Minute, 2 * time.Minute}
	for fails, w := range want {
		if got := domain.PollDelay(fails); got != w {
			t.Errorf("PollDelay(%d) = %s, want %s", fails, got, w)
		}
	}
}

// TestEventsRunStopsWithContext: the loop polls, and ends with its context.
func TestEventsRunStopsWithContext(t *testing.T) {
	r := newTill(t)
	_, a := r.paidBehind(1000, domain.CardSucceeds)
	c, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { r.events.Run(c, nil); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for r.attempt(a.ID).Status != domain.AttemptSucceeded {
		if time.Now().After(deadline) {
			t.Fatal("the loop did not apply the events")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop with its context")
	}
}

// TestEventsAsyncPagesAndFailedPayouts: the event types the simulator does
// not send on its own (a bank payment on the page settling later or
// failing, a payout failing after being paid), delivered as Stripe would,
// change their records once and never backwards.
func TestEventsAsyncPagesAndFailedPayouts(t *testing.T) {
	r := newTill(t)
	apply := func(ev domain.Event) bool {
		t.Helper()
		ev.Created = r.clock.Now()
		changed, err := r.events.Apply(ctx, ev, domain.FromWebhook)
		if err != nil {
			t.Fatal(err)
		}
		return changed
	}
	for i, outcome := range []string{"checkout.session.async_payment_succeeded", "checkout.session.async_payment_failed"} {
		s := r.sale(int64(1000 + i))
		a := must(t)(r.reg.StartQR(ctx, s.ID, r.qr, 0)).Attempt
		unpaid := domain.CheckoutSession{ID: a.SessionID, Status: domain.CheckoutComplete, Paid: false, PaymentIntentID: fmt.Sprintf("pi_async_%d", i)}
		if !apply(domain.Event{ID: fmt.Sprintf("evt_done_%d", i), Type: "checkout.session.completed", CheckoutSession: &unpaid}) {
			t.Fatal("completed, unpaid: no change")
		}
		if got := r.attempt(a.ID); got.Status != domain.AttemptPending || !strings.Contains(got.Message, "still being processed") {
			t.Fatalf("completed, unpaid: %+v", got)
		}
		final := unpaid
		final.Paid = outcome == "checkout.session.async_payment_succeeded"
		if !apply(domain.Event{ID: fmt.Sprintf("evt_async_%d", i), Type: outcome, CheckoutSession: &final}) {
			t.Fatalf("%s: no change", outcome)
		}
		got := r.attempt(a.ID)
		if final.Paid && (got.Status != domain.AttemptSucceeded || r.saleNow(s.ID).Status != domain.SalePaid || got.PaymentIntent != unpaid.PaymentIntentID) {
			t.Fatalf("async success: %+v", got)
		}
		if !final.Paid && (got.Status != domain.AttemptFailed || r.saleNow(s.ID).Status != domain.SaleOpen) {
			t.Fatalf("async failure: %+v", got)
		}
		// The completed event again, late: nothing moves back.
		if apply(domain.Event{ID: fmt.Sprintf("evt_done_again_%d", i), Type: "checkout.session.completed", CheckoutSession: &unpaid}) {
			t.Fatal("a late completed event changed a settled attempt")
		}
	}
	po := func(id, status string) *domain.Payout {
		return &domain.Payout{ID: id, Amount: domain.New(5000, eur), Status: status}
	}
	for _, step := range []struct {
		id, typ, status string
		change          bool
	}{
		{"evt_po_1", "payout.created", "pending", true},
		{"evt_po_2", "payout.paid", "paid", true},
		{"evt_po_3", "payout.updated", "in_transit", false}, // late: never back
		{"evt_po_4", "payout.failed", "failed", true},
		{"evt_po_5", "payout.paid", "paid", false},
	} {
		if got := apply(domain.Event{ID: step.id, Type: step.typ, Payout: po("po_1", step.status)}); got != step.change {
			t.Fatalf("%s %s: changed=%v", step.typ, step.status, got)
		}
	}
	var p domain.PayoutRecord
	if err := r.books.ViewTill(ctx, func(tx domain.TillTx) (err error) {
		p, _, err = tx.Payout("po_1")
		return err
	}); err != nil || p.Status != "failed" {
		t.Fatalf("payout %+v %v", p, err)
	}
}

// TestPollEventTypes: Stripe's list takes at most 20 types, each one Tally
// applies.
func TestPollEventTypes(t *testing.T) {
	if n := len(domain.PollEventTypes); n > 20 {
		t.Fatalf("%d types: Stripe takes at most 20", n)
	}
	for _, typ := range domain.PollEventTypes {
		if !slices.Contains(domain.EventTypes, typ) {
			t.Errorf("%s is polled but not handled", typ)
		}
	}
}

// countingTill counts the write transactions of a till store.
type countingTill struct {
	domain.TillStore
	writes int
}

func (c *countingTill) UpdateTill(ctx context.Context, fn func(tx domain.TillTx) error) error {
	c.writes++
	return c.TillStore.UpdateTill(ctx, fn)
}

// TestIdlePollWritesLittle: a poll that only hears Stripe again writes
// its state at most once a minute, so an idle till neither writes every
// few seconds nor grows its log; a failure is written at once.
func TestIdlePollWritesLittle(t *testing.T) {
	r := newTill(t)
	if _, err := r.events.Sync(ctx); err != nil { // the demo's history
		t.Fatal(err)
	}
	c := &countingTill{TillStore: r.books}
	ev := &domain.EventService{Till: c, Connection: r.reg.Connection, Clock: r.clock}
	for i := 0; i < 12; i++ { // a minute of polls every 5 s
		if _, err := ev.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		r.clock.Advance(5 * time.Second)
	}
	if c.writes > 2 {
		t.Fatalf("%d writes in a minute of idle polls", c.writes)
	}
	if st := ev.Status(ctx); st.LastHeard.Before(r.clock.Now().Add(-10 * time.Second)) {
		t.Fatalf("the status line's time is stale: %v", st.LastHeard)
	}
}
