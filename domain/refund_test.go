package domain_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"tally/domain"
)

// owner sets the owner's PIN (the first time) and returns a fresh grant.
func (r *till) owner() domain.Grant {
	r.t.Helper()
	if ok, _ := r.access.HasPIN(ctx, domain.RoleOwner); !ok {
		if err := r.access.SetPIN(ctx, domain.Grant{}, domain.RoleOwner, "2468"); err != nil {
			r.t.Fatal(err)
		}
	}
	g, err := r.access.Verify(ctx, domain.RoleOwner, "2468")
	if err != nil {
		r.t.Fatal(err)
	}
	return g
}

// cardSale is a sale of amount paid on the reader with card.
func (r *till) cardSale(amount int64, card domain.TestCard) (domain.Sale, domain.Attempt) {
	r.t.Helper()
	s := r.sale(amount)
	a := must(r.t)(r.reg.StartCard(ctx, s.ID, r.card, 0)).Attempt
	res := must(r.t)(r.reg.PresentTestCard(ctx, a.ID, card))
	if res.Sale.Status != domain.SalePaid {
		r.t.Fatalf("card sale not paid: %+v", res)
	}
	return res.Sale, res.Attempt
}

func (r *till) payment(id int64) domain.PaymentView {
	r.t.Helper()
	d, err := r.pay.Detail(ctx, id)
	if err != nil {
		r.t.Fatal(err)
	}
	return d.Payment
}

func TestRefundPartialFullAndOverRefund(t *testing.T) {
	r := newTill(t)
	s, a := r.cardSale(1250, domain.CardSucceeds)
	g := r.owner()
	out, err := r.pay.Refund(ctx, g, domain.RefundRequest{SaleID: s.ID, Amount: 500, Reason: "requested_by_customer", Note: "chipped mug"})
	if err != nil || len(out.Refunds) != 1 || out.Refunds[0].Status != domain.RefundSucceeded || out.Refunds[0].StripeID == "" {
		t.Fatalf("partial: %+v %v", out, err)
	}
	if p := r.payment(a.ID); p.Refundable() != 750 || p.StatusText() != "partly refunded" {
		t.Fatalf("after partial: refundable %d, %q", p.Refundable(), p.StatusText())
	}
	_, err = r.pay.Refund(ctx, g, domain.RefundRequest{SaleID: s.ID, Amount: 800})
	if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), "At most 7.50 EUR") {
		t.Fatalf("over-refund: %v", err)
	}
	if n := len(r.sim.RefundsOf(a.PaymentIntent)); n != 1 {
		t.Fatalf("the refused over-refund reached Stripe: %d refunds", n)
	}
	out, err = r.pay.Refund(ctx, g, domain.RefundRequest{SaleID: s.ID}) // what is left
	if err != nil || out.Refunds[0].Amount.Amount != 750 || out.Refunds[0].Status != domain.RefundSucceeded {
		t.Fatalf("the rest: %+v %v", out, err)
	}
	if p := r.payment(a.ID); p.Refundable() != 0 || p.StatusText() != "refunded" || p.Refunded != 1250 {
		t.Fatalf("after full: %+v", p)
	}
	if _, err := r.pay.Refund(ctx, g, domain.RefundRequest{SaleID: s.ID, Amount: 1}); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("refund of a refunded sale: %v", err)
	}
	if _, err := r.pay.Refund(ctx, g, domain.RefundRequest{SaleID: s.ID, Amount: -5}); err == nil {
		t.Fatal("a negative refund passed")
	}
	if _, err := r.pay.Refund(ctx, g, domain.RefundRequest{SaleID: s.ID, Reason: "because"}); domain.ErrorCode(err) != domain.EINVALID {
		t.Fatalf("a reason Stripe does not take: %v", err)
	}
	// The events of those refunds change nothing more.
	r.sync()
	if p := r.payment(a.ID); p.Refunded != 1250 || p.RefundPending != 0 {
		t.Fatalf("after events: %+v", p)
	}
	d, _ := r.pay.Detail(ctx, a.ID)
	if len(d.Refunds) != 2 || !timelineHas(d.Timeline, "chipped mug") || !timelineHas(d.Timeline, "charge.refunded") {
		t.Fatalf("detail: %+v", d.Timeline)
	}
}

func timelineHas(items []domain.TimelineItem, text string) bool {
	for _, it := range items {
		if strings.Contains(it.What, text) {
			return true
		}
	}
	return false
}

func TestRefundNeedsTheOwnersPIN(t *testing.T) {
	r := newTill(t)
	s, a := r.cardSale(1000, domain.CardSucceeds)
	if _, err := r.pay.Refund(ctx, domain.Grant{}, domain.RefundRequest{SaleID: s.ID}); domain.ErrorCode(err) != domain.EPERMISSION {
		t.Fatalf("refund without a PIN: %v", err)
	}
	g := r.owner()
	if err := r.access.SetPIN(ctx, g, domain.RoleCashier, "1111"); err != nil {
		t.Fatal(err)
	}
	cashier, err := r.access.Verify(ctx, domain.RoleCashier, "1111")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.pay.Refund(ctx, cashier, domain.RefundRequest{SaleID: s.ID}); domain.ErrorCode(err) != domain.EPERMISSION {
		t.Fatalf("refund by a cashier: %v", err)
	}
	r.clock.Advance(domain.GrantTTL + time.Second)
	if _, err := r.pay.Refund(ctx, g, domain.RefundRequest{SaleID: s.ID}); domain.ErrorCode(err) != domain.EPERMISSION {
		t.Fatalf("refund on a stale grant: %v", err)
	}
	if len(r.sim.RefundsOf(a.PaymentIntent)) != 0 {
		t.Fatal("a refused refund reached Stripe")
	}
	g = r.owner()
	if _, err := r.pay.Refund(ctx, g, domain.RefundRequest{SaleID: s.ID, Amount: 300}); err != nil {
		t.Fatal(err)
	}
	log, err := r.access.AuditLog(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var refunds int
	for _, e := range log {
		if e.Action == "refund" {
			refunds++
			if e.Role != domain.RoleOwner || e.Amount.Amount != 300 || e.SaleID != s.ID || e.AttemptID != a.ID || e.Books != domain.ModeDisabled {
				t.Fatalf("audit entry %+v", e)
			}
		}
	}
	if refunds != 1 {
		t.Fatalf("%d refund entries in the audit log", refunds)
	}
}

func TestRefundSplitSale(t *testing.T) {
	r := newTill(t)
	s := r.sale(3000)
	cash := must(t)(r.reg.PayCash(ctx, s.ID, r.cash, 1000)).Attempt
	card := must(t)(r.reg.StartCard(ctx, s.ID, r.card, 0)).Attempt
	must(t)(r.reg.PresentTestCard(ctx, card.ID, domain.CardSucceeds))
	g := r.owner()
	plan, err := r.pay.PlanRefund(ctx, domain.RefundRequest{SaleID: s.ID, Amount: 2500})
	if err != nil || len(plan) != 2 || plan[0].Amount != 1000 || plan[1].Amount != 1500 {
		t.Fatalf("plan %+v %v", plan, err)
	}
	out, err := r.pay.Refund(ctx, g, domain.RefundRequest{SaleID: s.ID, Amount: 2500})
	if err != nil || len(out.Refunds) != 2 {
		t.Fatalf("%+v %v", out, err)
	}
	if c := out.Refunds[0]; c.Kind != domain.MethodCash || c.Status != domain.RefundSucceeded || !strings.Contains(c.Message, "drawer") {
		t.Fatalf("cash part %+v", c)
	}
	if c := out.Refunds[1]; c.AttemptID != card.ID || c.Amount.Amount != 1500 || c.Status != domain.RefundSucceeded {
		t.Fatalf("card part %+v", c)
	}
	if rs := r.sim.RefundsOf(r.attempt(card.ID).PaymentIntent); len(rs) != 1 || rs[0].Amount.Amount != 1500 {
		t.Fatalf("at Stripe: %+v", rs)
	}
	if r.payment(cash.ID).Refundable() != 0 || r.payment(card.ID).Refundable() != 500 {
		t.Fatal("what is left is wrong")
	}
	// One payment's refund on its own.
	if _, err := r.pay.Refund(ctx, g, domain.RefundRequest{SaleID: s.ID, AttemptID: cash.ID, Amount: 100}); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("refund of a fully refunded payment: %v", err)
	}
	// The Z report counts the refunds; cash back from the drawer lowers the cash expected.
	z, err := r.reg.DayClosePreview(ctx, 0)
	if err != nil || z.Refunds != 2500 || z.CashExpected != 0 {
		t.Fatalf("Z report: refunds %d, cash expected %d, %v", z.Refunds, z.CashExpected, err)
	}
}

func TestRefundPendingThenSucceeded(t *testing.T) {
	r := newTill(t)
	s, a := r.cardSale(2000, domain.CardRefundPending)
	out, err := r.pay.Refund(ctx, r.owner(), domain.RefundRequest{SaleID: s.ID})
	if err != nil || out.Refunds[0].Status != domain.RefundPending {
		t.Fatalf("7726 refund: %+v %v", out, err)
	}
	if p := r.payment(a.ID); p.StatusText() != "refund pending" || p.Refundable() != 0 {
		t.Fatalf("pending: %q %d", p.StatusText(), p.Refundable())
	}
	r.sync()
	if p := r.payment(a.ID); p.RefundPending != 2000 {
		t.Fatal("settled too early")
	}
	r.clock.Advance(10 * time.Second)
	r.sync()
	d, _ := r.pay.Detail(ctx, a.ID)
	if d.Refunds[0].Status != domain.RefundSucceeded || d.Refunds[0].Succeeded.IsZero() || d.Payment.StatusText() != "refunded" {
		t.Fatalf("after Stripe settled it: %+v", d.Refunds[0])
	}
}

func TestRefundSucceededThenFailed(t *testing.T) {
	r := newTill(t)
	s, a := r.cardSale(2000, domain.CardRefundFails)
	out, err := r.pay.Refund(ctx, r.owner(), domain.RefundRequest{SaleID: s.ID, Amount: 1200})
	if err != nil || out.Refunds[0].Status != domain.RefundSucceeded {
		t.Fatalf("5126 refund: %+v %v", out, err)
	}
	r.clock.Advance(10 * time.Second)
	// Followed by asking Stripe, without the events.
	if n, err := r.pay.Follow(ctx); err != nil || n != 0 {
		// Follow only asks about open refunds; a succeeded one is followed by events.
		t.Fatalf("follow: %d %v", n, err)
	}
	r.sync()
	d, _ := r.pay.Detail(ctx, a.ID)
	f := d.Refunds[0]
	if f.Status != domain.RefundFailed || f.Succeeded.IsZero() || f.Failed.IsZero() || f.Failure != "expired_or_canceled_card" {
		t.Fatalf("after the failure: %+v", f)
	}
	if !strings.Contains(f.Message, "failed after Stripe had reported it done") || !strings.Contains(f.Message, "expired") {
		t.Fatalf("message %q", f.Message)
	}
	if d.Payment.StatusText() != "refund failed" || d.Payment.Refundable() != 2000 {
		t.Fatalf("payment after a failed refund: %q, %d left", d.Payment.StatusText(), d.Payment.Refundable())
	}
	if !timelineHas(d.Timeline, "FAILED") {
		t.Fatalf("timeline hides the failure: %+v", d.Timeline)
	}
	// Pending-then-follow: a 7726 refund followed by asking Stripe.
	s2, a2 := r.cardSale(500, domain.CardRefundPending)
	if _, err := r.pay.Refund(ctx, r.owner(), domain.RefundRequest{SaleID: s2.ID}); err != nil {
		t.Fatal(err)
	}
	r.clock.Advance(10 * time.Second)
	if n, err := r.pay.Follow(ctx); err != nil || n != 1 {
		t.Fatalf("follow: %d %v", n, err)
	}
	if p := r.payment(a2.ID); p.Refunded != 500 {
		t.Fatalf("followed: %+v", p)
	}
}

// TestRefundAnswerLostAndCrash: a refund whose answer is lost, or whose
// process dies after Stripe made it, is sent again with its own key by
// Follow (at start): one refund at Stripe, never two.
func TestRefundAnswerLostAndCrash(t *testing.T) {
	for _, how := range []string{"answerLost", "crashBeforeStripe", "crashAfterStripe"} {
		t.Run(how, func(t *testing.T) {
			r := newTill(t)
			s, a := r.cardSale(1500, domain.CardSucceeds)
			g := r.owner()
			if how != "answerLost" {
				r.gw.crashAt, r.gw.after = "CreateRefund", how == "crashAfterStripe"
				if at := crashed(func() { r.pay.Refund(ctx, g, domain.RefundRequest{SaleID: s.ID, Amount: 600}) }); at == "" {
					t.Fatal("no crash")
				}
				r = r.restart()
			} else {
				r.gw.failBefore = "CreateRefund"
				out, err := r.pay.Refund(ctx, g, domain.RefundRequest{SaleID: s.ID, Amount: 600})
				if err != nil || out.Refunds[0].Status != domain.RefundRequested || !strings.Contains(out.Message, "cannot be made twice") {
					t.Fatalf("lost: %+v %v", out, err)
				}
			}
			if p := r.payment(a.ID); p.RefundPending != 600 || p.Refundable() != 900 {
				t.Fatalf("stored refund does not count: %+v", p)
			}
			if log, _ := r.access.AuditLog(ctx, 0); len(log) == 0 || log[0].Action != "refund" || log[0].Amount.Amount != 600 {
				t.Fatalf("the audit log does not know of the refund under way: %+v", log)
			}
			if _, err := r.pay.Refund(ctx, r.owner(), domain.RefundRequest{SaleID: s.ID, Amount: 1000}); domain.ErrorCode(err) != domain.EINVALID {
				t.Fatalf("over-refund while one is under way: %v", err)
			}
			if _, err := r.pay.Follow(ctx); err != nil {
				t.Fatal(err)
			}
			if rs := r.sim.RefundsOf(a.PaymentIntent); len(rs) != 1 || rs[0].Amount.Amount != 600 {
				t.Fatalf("refunds at Stripe: %+v", rs)
			}
			if p := r.payment(a.ID); p.Refunded != 600 || p.RefundPending != 0 {
				t.Fatalf("after follow: %+v", p)
			}
			r.sync()
			if p := r.payment(a.ID); p.Refunded != 600 {
				t.Fatalf("after events: %+v", p)
			}
		})
	}
}

// TestRefundMadeOutsideTally: a refund from the Stripe Dashboard shows on
// the payment, through the events, and counts against what is left.
func TestRefundMadeOutsideTally(t *testing.T) {
	r := newTill(t)
	s, a := r.cardSale(1000, domain.CardSucceeds)
	if _, err := r.sim.RefundOutside(a.PaymentIntent, 400); err != nil {
		t.Fatal(err)
	}
	r.sync()
	d, _ := r.pay.Detail(ctx, a.ID)
	if len(d.Refunds) != 1 || !d.Refunds[0].External || d.Payment.Refunded != 400 || d.Payment.RefundedAtStripe != 400 {
		t.Fatalf("outside refund: %+v", d)
	}
	if _, err := r.pay.Refund(ctx, r.owner(), domain.RefundRequest{SaleID: s.ID, Amount: 700}); domain.ErrorCode(err) != domain.EINVALID {
		t.Fatalf("over-refund after an outside refund: %v", err)
	}
}

func TestVoidAndCapture(t *testing.T) {
	r := newTill(t)
	methods := &domain.PaymentMethodService{Store: r.books, Connection: r.reg.Connection}
	if _, err := methods.Save(ctx, domain.PaymentMethod{ID: r.card, Name: "Card", Kind: domain.MethodCardReader, ReaderID: r.reader,
		CaptureMethod: domain.CaptureManual, OutstandingAccount: domain.AcctOutstandingReceipts}); err != nil {
		t.Fatal(err)
	}
	s, a := r.cardSale(1250, domain.CardSucceeds)
	if a.Status != domain.AttemptAuthorized {
		t.Fatalf("%+v", a)
	}
	if _, err := r.pay.Refund(ctx, r.owner(), domain.RefundRequest{SaleID: s.ID}); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("refund of an authorisation: %v", err)
	}
	// The deadline warning.
	r.clock.Advance(40 * time.Hour)
	ws, err := r.pay.CaptureWarnings(ctx)
	if err != nil || len(ws) != 1 || !ws[0].Urgent || ws[0].Left != 8*time.Hour {
		t.Fatalf("warnings %+v %v", ws, err)
	}
	if _, err := r.pay.Void(ctx, domain.Grant{}, a.ID); domain.ErrorCode(err) != domain.EPERMISSION {
		t.Fatalf("void without the owner: %v", err)
	}
	res, err := r.pay.Void(ctx, r.owner(), a.ID)
	if err != nil || res.Attempt.Status != domain.AttemptCanceled || res.Sale.Status != domain.SaleOpen {
		t.Fatalf("void: %+v %v", res, err)
	}
	if pis := r.intents(s); pis[0].Status != domain.PICanceled {
		t.Fatalf("at Stripe: %+v", pis[0])
	}
	if ws, _ := r.pay.CaptureWarnings(ctx); len(ws) != 0 {
		t.Fatalf("a voided payment still warned: %+v", ws)
	}

	// A capture of a payment Stripe captured already is not sent twice:
	// payment_intent_unexpected_state makes Tally look it up.
	s2, a2 := r.cardSale(900, domain.CardSucceeds)
	stale := &staleIntent{Gateway: r.gw, id: a2.PaymentIntent}
	r.reg.Connection = domain.NewConnection(gwConnector{stale}, stale)
	r.pay.Connection = r.reg.Connection
	if _, err := r.sim.CapturePaymentIntent(ctx, "captured-elsewhere", a2.PaymentIntent, 0); err != nil {
		t.Fatal(err)
	}
	res, err = r.pay.Capture(ctx, domain.Grant{}, a2.ID)
	if err != nil || res.Attempt.Status != domain.AttemptSucceeded || r.intents(s2)[0].AmountReceived != 900 {
		t.Fatalf("capture of a captured payment: %+v %v", res, err)
	}
	if !stale.sawConflict {
		t.Fatal("the capture was not refused by Stripe as captured already")
	}

	// An authorisation that lapsed at Stripe: the capture fails, the sale is
	// open again, and the message says so.
	s3, a3 := r.cardSale(700, domain.CardSucceeds)
	if _, err := r.sim.CancelPaymentIntent(ctx, "lapsed", a3.PaymentIntent); err != nil {
		t.Fatal(err)
	}
	res, err = r.pay.Capture(ctx, domain.Grant{}, a3.ID)
	if err != nil || res.Attempt.Status != domain.AttemptCanceled || res.Sale.Status != domain.SaleOpen || !strings.Contains(res.Message, "nothing was taken") {
		t.Fatalf("capture of a lapsed authorisation: %+v %v (sale %d)", res, err, s3.ID)
	}
	log, _ := r.access.AuditLog(ctx, 0)
	actions := map[string]int{}
	for _, e := range log {
		actions[e.Action]++
	}
	if actions["void"] != 1 || actions["capture"] != 2 {
		t.Fatalf("audit %v", actions)
	}
}

// staleIntent answers the first look-up of one PaymentIntent with
// requires_capture, as a look made just before another till captured it.
type staleIntent struct {
	domain.Gateway
	id          string
	looked      bool
	sawConflict bool
}

func (s *staleIntent) PaymentIntent(ctx context.Context, id string) (domain.PaymentIntent, error) {
	pi, err := s.Gateway.PaymentIntent(ctx, id)
	if id == s.id && !s.looked {
		s.looked = true
		pi.Status = domain.PIRequiresCapture
	}
	return pi, err
}

func (s *staleIntent) CapturePaymentIntent(ctx context.Context, k domain.IdempotencyKey, id string, amount int64) (domain.PaymentIntent, error) {
	pi, err := s.Gateway.CapturePaymentIntent(ctx, k, id, amount)
	if domain.ErrorCode(err) == domain.ECONFLICT {
		s.sawConflict = true
	}
	return pi, err
}

func TestPINsLockoutAndAudit(t *testing.T) {
	r := newTill(t)
	if err := r.access.SetPIN(ctx, domain.Grant{}, domain.RoleCashier, "1111"); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("cashier before owner: %v", err)
	}
	for _, bad := range []string{"12", "12a4", "1234567890123", "١٢٣٤"} {
		if err := r.access.SetPIN(ctx, domain.Grant{}, domain.RoleOwner, bad); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("PIN %q: %v", bad, err)
		}
	}
	if err := r.access.SetPIN(ctx, domain.Grant{}, domain.RoleOwner, "2468"); err != nil {
		t.Fatal(err)
	}
	if err := r.access.SetPIN(ctx, domain.Grant{}, domain.RoleOwner, "0000"); domain.ErrorCode(err) != domain.EPERMISSION {
		t.Fatalf("owner PIN changed without the old one: %v", err)
	}
	var hash string
	if err := r.books.Access().ViewAccess(ctx, func(tx domain.AccessTx) error {
		rec, _, err := tx.RoleRecord(domain.RoleOwner)
		hash = rec.Hash
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$") || strings.Contains(hash, "2468") {
		t.Fatalf("stored %q", hash)
	}
	for i := 1; i < domain.MaxPINTries; i++ {
		_, err := r.access.Verify(ctx, domain.RoleOwner, "1357")
		if domain.ErrorCode(err) != domain.EUNAUTHORIZED || !strings.Contains(domain.ErrorMessage(err), "left") {
			t.Fatalf("wrong PIN %d: %v", i, err)
		}
	}
	_, err := r.access.Verify(ctx, domain.RoleOwner, "1357")
	if domain.ErrorCode(err) != domain.EPERMISSION || !strings.Contains(domain.ErrorMessage(err), "locked for 5 min") {
		t.Fatalf("fifth wrong PIN: %v", err)
	}
	if _, err := r.access.Verify(ctx, domain.RoleOwner, "2468"); domain.ErrorCode(err) != domain.EPERMISSION {
		t.Fatalf("the right PIN while locked: %v", err)
	}
	r = r.restart()
	r.clock.Advance(4 * time.Minute)
	if _, err := r.access.Verify(ctx, domain.RoleOwner, "2468"); domain.ErrorCode(err) != domain.EPERMISSION || !strings.Contains(domain.ErrorMessage(err), "1 min") {
		t.Fatalf("a restart unlocked it: %v", err)
	}
	r.clock.Advance(time.Minute)
	// Locked again at once after the lock: the next lock is twice as long.
	for i := 0; i < domain.MaxPINTries; i++ {
		_, err = r.access.Verify(ctx, domain.RoleOwner, "9999")
	}
	if !strings.Contains(domain.ErrorMessage(err), "locked for 10 min") {
		t.Fatalf("second lock: %v", err)
	}
	r.clock.Advance(10 * time.Minute)
	g, err := r.access.Verify(ctx, domain.RoleOwner, "2468")
	if err != nil || g.Role() != domain.RoleOwner {
		t.Fatalf("after the lock: %v", err)
	}
	if err := r.access.SetPIN(ctx, g, domain.RoleCashier, "1111"); err != nil {
		t.Fatal(err)
	}
	// The audit log, exported to CSV.
	var buf bytes.Buffer
	n, err := r.access.ExportAudit(ctx, &buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(rows) != n+1 || rows[0][4] != "action" {
		t.Fatalf("csv %v %v", rows, err)
	}
	var locks, pins int
	for _, row := range rows[1:] {
		switch row[4] {
		case "pin_locked":
			locks++
		case "pin":
			pins++
		}
	}
	if locks != 2 || pins != 2 {
		t.Fatalf("audit: %d locks, %d PIN changes: %v", locks, pins, rows)
	}
}

// TestRefundsInTheBooks: register refunds book Refunds against Outstanding
// receipts (card) or Cash; Stripe's refund lines clear Outstanding
// receipts; a refund that failed after succeeding is undone. Nothing is
// booked twice and the books balance.
func TestRefundsInTheBooks(t *testing.T) {
	r := newTill(t)
	s1, _ := r.cardSale(1000, domain.CardSucceeds)
	s2, _ := r.cardSale(2000, domain.CardRefundFails)
	s3 := r.sale(500)
	must(t)(r.reg.PayCash(ctx, s3.ID, r.cash, 500))
	g := r.owner()
	for _, req := range []domain.RefundRequest{{SaleID: s1.ID, Amount: 400}, {SaleID: s2.ID, Amount: 1200}, {SaleID: s3.ID}} {
		if _, err := r.pay.Refund(ctx, g, req); err != nil {
			t.Fatal(err)
		}
	}
	r.clock.Advance(10 * time.Second)
	r.sync() // 5126's refund fails now

	imports := &domain.ImportService{Store: r.books, Clock: r.clock}
	fetch := &domain.FetchService{Connection: r.reg.Connection, Import: imports, Poll: time.Millisecond}
	if _, err := fetch.Fetch(ctx, domain.FetchRequest{From: r.clock.Now().AddDate(0, 0, -30), To: r.clock.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	recon := &domain.ReconcileService{Store: r.books, Till: r.books}
	res, err := recon.Reconcile(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.SalesBooked != 3 || res.RefundsBooked != 4 || res.MatchedToSales != 5 {
		t.Fatalf("%+v", res)
	}
	bal := map[string]int64{}
	all, _ := recon.Balances(ctx)
	var sum int64
	for _, b := range all {
		bal[b.Account] = b.Balance.Amount
		sum += b.Balance.Amount
	}
	if bal[domain.AcctOutstandingReceipts] != 0 || bal[domain.AcctCash] != 0 || sum != 0 {
		t.Fatalf("balances %v (sum %d)", bal, sum)
	}
	var refunds int64 // the demo account's own history has refunds too
	var undone int
	if err := recon.Journal(ctx, func(e domain.Entry) error {
		if strings.HasPrefix(e.Description, "Refund on sale #") {
			for _, p := range e.Postings {
				if p.Account == domain.AcctRefunds {
					refunds += p.Amount
				}
			}
			if strings.Contains(e.Description, "failed: undone") {
				undone++
			}
		}
		return nil
	}); err != nil || refunds != 900 || undone != 1 {
		t.Fatalf("register refunds booked %d, %d undone (%v)", refunds, undone, err)
	}
	again, err := recon.Reconcile(ctx)
	if err != nil || again.RefundsBooked != 0 || again.SalesBooked != 0 {
		t.Fatalf("booked twice: %+v %v", again, err)
	}
}

func TestDayCloseNeedsTheOwner(t *testing.T) {
	r := newTill(t)
	r.reg.Access = r.access
	s := r.sale(500)
	must(t)(r.reg.PayCash(ctx, s.ID, r.cash, 500))
	if _, err := r.reg.CloseDay(ctx, domain.Grant{}, 500); domain.ErrorCode(err) != domain.EPERMISSION {
		t.Fatalf("close without the owner: %v", err)
	}
	z, err := r.reg.CloseDay(ctx, r.owner(), 500)
	if err != nil || z.Sales != 1 {
		t.Fatalf("%+v %v", z, err)
	}
	log, _ := r.access.AuditLog(ctx, 1)
	if len(log) != 1 || log[0].Action != "day_close" || log[0].Role != domain.RoleOwner || log[0].Amount.Amount != 500 {
		t.Fatalf("audit %+v", log)
	}
}
