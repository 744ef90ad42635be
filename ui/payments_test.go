package ui

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"tally/domain"
)

var bg = context.Background()

// paidCardSale pays a sale of amount on the demo reader, the register's way.
func (f *fixture) paidCardSale(t *testing.T, amount int64) (domain.Sale, domain.Attempt) {
	t.Helper()
	reg := f.svc.Register
	if err := domain.SeedDemo(bg, reg, f.svc.Readers, f.svc.Methods); err != nil {
		t.Fatal(err)
	}
	ms, err := reg.Methods(bg)
	if err != nil {
		t.Fatal(err)
	}
	var card int64
	for _, m := range ms {
		if m.Kind == domain.MethodCardReader {
			card = m.ID
		}
	}
	s, err := reg.Checkout(bg, domain.Cart{Currency: domain.MustCurrency("EUR"), TaxInclusive: true,
		Lines: []domain.SaleLine{{Description: "Teapot", Quantity: 1, UnitPrice: amount}}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := reg.StartCard(bg, s.ID, card, 0)
	if err != nil {
		t.Fatal(err)
	}
	res, err = reg.PresentTestCard(bg, res.Attempt.ID, domain.CardSucceeds)
	if err != nil || res.Sale.Status != domain.SalePaid {
		t.Fatalf("%+v %v", res, err)
	}
	return res.Sale, res.Attempt
}

// manyPayments stores n cash payments straight in the till, in SQL: the
// list's size, not their story, is the point.
func (f *fixture) manyPayments(t *testing.T, n int) {
	t.Helper()
	till, err := f.db.TillFor(bg, f.svc.Connection.Mode())
	if err != nil {
		t.Fatal(err)
	}
	if err := till.SeedPayments(bg, n, "EUR", 1, time.Now().UTC().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) paymentsScreen(t *testing.T) *paymentsScreen {
	t.Helper()
	if !f.shell.Show("Payments") {
		t.Fatal("no Payments page")
	}
	return f.shell.payments
}

// TestPaymentsListIsVirtual: with 100,000 payments the list counts them
// all but reads only the pages it shows, and a search finds one at once.
// Under the race detector it runs on 10,000 (SQLite is thirty times slower
// there); scripts/test.sh runs it again without, on 100,000.
func TestPaymentsListIsVirtual(t *testing.T) {
	f := newFixture(t)
	_, card := f.paidCardSale(t, 1250)
	n := 100_000
	if raceBuild {
		n = 10_000
	}
	f.manyPayments(t, n)
	s := f.paymentsScreen(t)
	f.shell.win.Resize(fyne.NewSize(1280, 800))
	if got := s.count.Text; got != fmt.Sprintf("%d payments", n+1) {
		t.Fatalf("count %q", got)
	}
	if n := s.pagesRead(); n > 1 {
		t.Fatalf("%d pages read to show the top of the list", n)
	}
	s.list.ScrollToBottom()
	if n := s.pagesRead(); n > 3 { // the top page, and the last rows straddling two pages
		t.Fatalf("%d pages read after scrolling to the bottom", n)
	}
	s.search.SetText(card.PaymentIntent[:12]) // one change: typing would count 100,000 payments a key
	if got := s.count.Text; got != "1 payments" {
		t.Fatalf("search by id: %q", got)
	}
	s.search.SetText("12.50")
	if got := s.count.Text; got != "1 payments" {
		t.Fatalf("search by amount: %q", got)
	}
	s.search.SetText("")
	s.statusSel.SetSelected("Refunded")
	if got := s.count.Text; got != "0 payments" {
		t.Fatalf("refunded filter: %q", got)
	}
	s.statusSel.SetSelected("All")
	s.from.SetText("not a date")
	s.reload()
	if !strings.Contains(s.status.msg.Text, "is not a date") {
		t.Fatalf("bad date: %q", s.status.msg.Text)
	}
}

// TestRefundFromThePaymentsScreen: the refund dialog spreads the amount,
// asks for the owner's PIN (chosen the first time), refunds, and the
// payment, its timeline and the audit log show it; wrong PINs lock.
func TestRefundFromThePaymentsScreen(t *testing.T) {
	f := newGuardedFixture(t)
	sale, card := f.paidCardSale(t, 1250)
	if _, err := f.svc.Events.Sync(bg); err != nil {
		t.Fatal(err)
	}
	s := f.paymentsScreen(t)
	s.openPayment(card.ID)
	if s.selected == nil || !strings.Contains(s.timeline.Text, "payment_intent.succeeded") || s.refundBtn.Disabled() {
		t.Fatalf("detail: %v %q", s.selected, s.timeline.Text)
	}
	test.Tap(s.refundBtn)
	rf := s.refund
	if rf == nil || rf.amount.Text != "12.50" || rf.scope.Selected != scopePayment {
		t.Fatalf("refund form %+v", rf)
	}
	rf.amount.SetText("20.00")
	test.Tap(rf.d.ok)
	if !strings.Contains(rf.d.err.Text, "At most 12.50 EUR") {
		t.Fatalf("over-refund: %q", rf.d.err.Text)
	}
	rf.amount.SetText("5.00")
	rf.note.SetText("chipped spout")
	if !strings.Contains(rf.plan.Text, "5.00 EUR back to") {
		t.Fatalf("plan %q", rf.plan.Text)
	}
	lastPrompt = nil
	test.Tap(rf.d.ok)
	p := lastPrompt
	if p == nil || !p.choose {
		t.Fatal("no prompt to choose the owner's PIN")
	}
	if top := f.shell.win.Canvas().Overlays().Top(); top == nil || p.d.MinSize().IsZero() {
		t.Fatal("the PIN prompt is not on screen")
	}
	if n := len(f.shell.win.Canvas().Overlays().List()); n != 1 {
		t.Fatalf("%d overlays: the refund form is still open under the prompt", n)
	}
	p.pin.SetText("2468")
	p.again.SetText("2469")
	test.Tap(p.ok)
	if !strings.Contains(p.err.Text, "differ") {
		t.Fatalf("PINs that differ: %q", p.err.Text)
	}
	p.pin.SetText("2468")
	p.again.SetText("2468")
	test.Tap(p.ok)
	if !strings.Contains(s.status.msg.Text, "Refunded 5.00 EUR") {
		t.Fatalf("status %q", s.status.msg.Text)
	}
	d, _ := f.svc.Payments.Detail(bg, card.ID)
	if d.Payment.Refunded != 500 || d.Payment.StatusText() != "partly refunded" || !strings.Contains(s.info.Text, "Refunded: 5.00 EUR") {
		t.Fatalf("after refund: %+v / %q", d.Payment, s.info.Text)
	}

	// Wrong PINs, once the PIN no longer holds: the prompt says how many
	// tries are left, then locks.
	forgetGrants(f.svc.Access)
	test.Tap(s.refundBtn)
	test.Tap(s.refund.d.ok)
	p = lastPrompt
	if p.choose {
		t.Fatal("asked to choose a PIN again")
	}
	for i := 1; i <= domain.MaxPINTries; i++ {
		p.pin.SetText("0000")
		test.Tap(p.ok)
	}
	if !strings.Contains(p.err.Text, "locked") || !p.ok.Disabled() {
		t.Fatalf("after %d wrong PINs: %q (ok disabled %v)", domain.MaxPINTries, p.err.Text, p.ok.Disabled())
	}
	if d, _ := f.svc.Payments.Detail(bg, card.ID); d.Payment.Refunded != 500 {
		t.Fatal("refunded on a wrong PIN")
	}

	// The audit log shows the refund and the lock, and exports them.
	if !f.shell.Show("Audit log") {
		t.Fatal("no audit log page")
	}
	a := f.shell.audit
	var actions []string
	for _, e := range a.entries {
		actions = append(actions, e.Action)
	}
	joined := strings.Join(actions, ",")
	if !strings.Contains(joined, "refund") || !strings.Contains(joined, "pin_locked") || !strings.Contains(joined, "pin") {
		t.Fatalf("audit entries %v", actions)
	}
	var buf bytes.Buffer
	if n, err := a.exportTo(&buf); err != nil || n != len(a.entries) || !strings.Contains(buf.String(), "chipped spout") {
		t.Fatalf("export %d %v %q", n, err, buf.String())
	}
	_ = sale
}

// TestOwnerPagesAreLocked: Settings needs the owner's PIN; the status line
// says when Stripe was last heard from.
func TestOwnerPagesAreLocked(t *testing.T) {
	f := newGuardedFixture(t)
	if err := f.svc.Access.SetPIN(bg, domain.Grant{}, domain.RoleOwner, "2468"); err != nil {
		t.Fatal(err)
	}
	f.shell.Show("Register")
	f.shell.Show("Settings")
	if f.shell.content.Objects[0] == f.settings.root {
		t.Fatal("Settings shown without the PIN")
	}
	lastPrompt = nil
	tapButtonIn(t, f.shell.content.Objects[0], "Unlock with the owner's PIN")
	lastPrompt.pin.SetText("2468")
	test.Tap(lastPrompt.ok)
	if f.shell.content.Objects[0] != f.settings.root {
		t.Fatal("Settings still locked after the PIN")
	}
	// Back within a few minutes: the PIN holds, the page opens.
	f.shell.Show("Register")
	f.shell.Show("Settings")
	if f.shell.content.Objects[0] != f.settings.root {
		t.Fatal("the owner's PIN did not hold for a page a moment later")
	}
	// Once the hold lapsed (or the till was locked), it asks again.
	forgetGrants(f.svc.Access)
	f.shell.Show("Register")
	f.shell.Show("Settings")
	if f.shell.content.Objects[0] == f.settings.root {
		t.Fatal("Settings stayed open after the PIN lapsed")
	}
	f.shell.showHeard(domain.EventState{LastHeard: time.Now().Add(-20 * time.Minute)}, domain.WebhookStatus{})
	if got := f.shell.HeardText(); !strings.Contains(got, "20 min ago") || !strings.Contains(got, "not known here yet") {
		t.Fatalf("status line %q", got)
	}
	if _, err := f.svc.Events.Sync(bg); err != nil {
		t.Fatal(err)
	}
	f.shell.showHeard(f.svc.Events.Status(bg), domain.WebhookStatus{Listening: "127.0.0.1:8788"})
	if got := f.shell.HeardText(); !strings.Contains(got, "just now") || !strings.Contains(got, "webhook listening on 127.0.0.1:8788") {
		t.Fatalf("status line %q", got)
	}
}

// TestTillSignIn: once a cashier's PIN is set, the register starts locked;
// the cashier's PIN opens it, Lock till closes it again.
func TestTillSignIn(t *testing.T) {
	f := newGuardedFixture(t)
	if err := domain.SeedDemo(bg, f.svc.Register, f.svc.Readers, f.svc.Methods); err != nil {
		t.Fatal(err)
	}
	f.shell.Show("Register")
	if f.shell.content.Objects[0] != f.shell.register.root {
		t.Fatal("the register is locked without a cashier's PIN")
	}
	if err := f.svc.Access.SetPIN(bg, domain.Grant{}, domain.RoleOwner, "2468"); err != nil {
		t.Fatal(err)
	}
	g, _ := f.svc.Access.Verify(bg, domain.RoleOwner, "2468")
	if err := f.svc.Access.SetPIN(bg, g, domain.RoleCashier, "1357"); err != nil {
		t.Fatal(err)
	}
	f.shell.Show("Payments")
	f.shell.Show("Register")
	p := f.shell.signIn
	if p == nil || f.shell.content.Objects[0] != p.obj {
		t.Fatal("the register is not locked")
	}
	test.Type(p.pin, "0000")
	test.Tap(p.ok)
	if !strings.Contains(p.err.Text, "Wrong PIN") || f.shell.content.Objects[0] != p.obj {
		t.Fatalf("wrong PIN: %q", p.err.Text)
	}
	test.Type(p.pin, "1357")
	test.Tap(p.ok)
	if f.shell.content.Objects[0] != f.shell.register.root || f.shell.lockBtn.Hidden {
		t.Fatal("the cashier's PIN did not open the register")
	}
	test.Tap(f.shell.lockBtn)
	if f.shell.content.Objects[0] == f.shell.register.root {
		t.Fatal("Lock till left the register open")
	}
}

// TestDiagnosticsScreen: the checks on screen, a failing one with its cause.
func TestDiagnosticsScreen(t *testing.T) {
	f := newFixture(t)
	if err := domain.SeedDemo(bg, f.svc.Register, f.svc.Readers, f.svc.Methods); err != nil {
		t.Fatal(err)
	}
	if !f.shell.Show("Diagnostics") {
		t.Fatal("no Diagnostics page")
	}
	d := f.shell.doctor
	if len(d.checks) == 0 || domain.Failed(d.checks) {
		t.Fatalf("a healthy demo shop: %v", d.checks)
	}
	rs, err := f.sim.Readers(bg)
	if err != nil || len(rs) == 0 {
		t.Fatal(err)
	}
	f.sim.SetReaderOnline(rs[0].ID, false)
	test.Tap(d.runBtn)
	if !domain.Failed(d.checks) || !strings.Contains(d.status.msg.Text, "1 failing check") {
		t.Fatalf("offline reader: %q %v", d.status.msg.Text, d.checks)
	}
}
