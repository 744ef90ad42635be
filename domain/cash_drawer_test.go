package domain_test

import (
	"strings"
	"testing"
	"time"

	"tally/domain"
)

// TestCashDrawerDay follows a drawer through two days: an opening float,
// a cash sale, change brought in, milk paid out, a cash refund, an X
// report, a count by denomination that finds 0.20 short (booked to Cash
// over/short, so Cash holds what was counted), part of it taken to the
// bank, and the next day's expected cash starting from what was left.
func TestCashDrawerDay(t *testing.T) {
	r := newTill(t)
	r.reg.Access = r.access
	move := func(kind domain.CashKind, amount, reason string) domain.CashMovement {
		t.Helper()
		m, err := r.reg.MoveCash(ctx, domain.Grant{}, domain.MoveCashRequest{Kind: kind, Amount: amount, Reason: reason})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	move(domain.CashFloat, "100.00", "")
	s := r.sale(970)
	must(t)(r.reg.PayCash(ctx, s.ID, r.cash, 1000))
	move(domain.CashIn, "20.00", "coins from the bank")
	move(domain.CashOut, "3.50", "milk")
	x, err := r.reg.XReport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(10000 + 970 + 2000 - 350); x.CashExpected != want || !x.X || x.Float != 10000 || x.CashIn != 2000 || x.CashOut != 350 || x.CashSales != 970 {
		t.Fatalf("X report: expected %d, got %+v", want, x)
	}
	// The X report closes nothing: the Z report still counts the sale.
	if _, err := r.reg.MoveCash(ctx, domain.Grant{}, domain.MoveCashRequest{Kind: domain.CashOut, Amount: "500.00", Reason: "too much"}); domain.ErrorCode(err) != domain.EINVALID {
		t.Fatalf("taking more than the drawer holds: %v", err)
	}
	if _, err := r.reg.MoveCash(ctx, domain.Grant{}, domain.MoveCashRequest{Kind: domain.CashOut, Amount: "1.00"}); domain.ErrorCode(err) != domain.EINVALID {
		t.Fatalf("cash out without a reason: %v", err)
	}
	for _, bad := range []string{"", "abc", "-5", "0"} {
		if _, err := r.reg.MoveCash(ctx, domain.Grant{}, domain.MoveCashRequest{Kind: domain.CashIn, Amount: bad, Reason: "x"}); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("amount %q: %v", bad, err)
		}
	}
	g := r.owner()
	// Expected 126.20; counted 126.00 by denomination: 0.20 short.
	count := map[int64]int64{5000: 2, 2000: 1, 500: 1, 100: 1}
	z, err := r.reg.CloseDayWith(ctx, g, domain.DayCloseRequest{Count: count, Keep: 10000})
	if err != nil {
		t.Fatal(err)
	}
	if z.CashExpected != 12620 || z.CashCounted != 12600 || z.CashDifference() != -20 || z.LeftInDrawer != 10000 || z.Deposit != 2600 {
		t.Fatalf("Z report: %+v", z)
	}
	text := strings.Join(z.TextLines(), "\n")
	for _, want := range []string{"Opening float", "100.00 EUR", "Cash in", "Cash out", "-3.50 EUR", "Difference (Cash short)", "-0.20 EUR", "2 × 50.00 EUR", "Takings to the bank", "26.00 EUR"} {
		if !strings.Contains(text, want) {
			t.Errorf("Z report lacks %q:\n%s", want, text)
		}
	}
	// The next day starts from the 100.00 left in the drawer.
	r.clock.Advance(24 * time.Hour)
	next, err := r.reg.XReport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if next.Carried != 10000 || next.CashExpected != 10000 || next.Sales != 0 || next.Float != 0 {
		t.Fatalf("next day: %+v", next)
	}
	// The books: Cash holds what stays in the drawer, the difference is
	// in Cash over/short, the milk in Petty cash, the deposit in the bank.
	recon := &domain.ReconcileService{Store: r.books, Till: r.books}
	res, err := recon.Reconcile(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bal := balances(t, recon)
	if bal[domain.AcctCash] != 10000 || bal[domain.AcctCashOverShort] != 20 || bal[domain.AcctPettyCash] != 350 || bal[domain.AcctBank] != -10000-2000+2600 {
		t.Fatalf("balances %v (%+v)", bal, res)
	}
	// Booking again books nothing twice.
	if res2, err := recon.Reconcile(ctx); err != nil || res2.CashBooked != 0 {
		t.Fatalf("second run: %+v %v", res2, err)
	}
	if bal2 := balances(t, recon); bal2[domain.AcctCash] != 10000 {
		t.Fatalf("after a second run: %v", bal2)
	}
	// Every movement is in the audit log.
	log, err := r.access.AuditLog(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range log {
		seen[e.Action] = true
	}
	for _, a := range []string{"cash_float", "cash_in", "cash_out", "day_close"} {
		if !seen[a] {
			t.Errorf("audit log lacks %s: %+v", a, log)
		}
	}
}

// TestCashDrawerSurvivesRestart: a float recorded before a crash is
// counted by the day close after it, once.
func TestCashDrawerSurvivesRestart(t *testing.T) {
	r := newTill(t)
	if _, err := r.reg.MoveCash(ctx, domain.Grant{}, domain.MoveCashRequest{Kind: domain.CashFloat, Amount: "50"}); err != nil {
		t.Fatal(err)
	}
	r = r.restart()
	z, err := r.reg.CloseDay(ctx, domain.Grant{}, 5000)
	if err != nil || z.Float != 5000 || z.CashDifference() != 0 {
		t.Fatalf("%+v %v", z, err)
	}
	z2, err := r.reg.CloseDay(ctx, domain.Grant{}, 5000)
	if err != nil || z2.Float != 0 || z2.Carried != 5000 || z2.CashDifference() != 0 {
		t.Fatalf("second close: %+v %v", z2, err)
	}
}

func TestDenominations(t *testing.T) {
	for _, code := range []string{"EUR", "USD", "GBP", "JPY", "CHF", "SEK", "HUF", "MXN", "KWD"} {
		c := domain.MustCurrency(code)
		ds := domain.Denominations(c)
		if len(ds) < 5 {
			t.Fatalf("%s: %v", code, ds)
		}
		for i := 1; i < len(ds); i++ {
			if ds[i] >= ds[i-1] {
				t.Fatalf("%s not largest first: %v", code, ds)
			}
		}
	}
	if got := domain.CountTotal(map[int64]int64{5000: 2, 20: 3}); got != 10060 {
		t.Fatal(got)
	}
}

func balances(t *testing.T, recon *domain.ReconcileService) map[string]int64 {
	t.Helper()
	all, err := recon.Balances(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bal := map[string]int64{}
	for _, b := range all {
		bal[b.Account] += b.Balance.Amount
	}
	return bal
}

// TestPINHolds: a PIN entered once holds while it is used, and lapses
// after PINHold of no use; a renewed grant passes Require.
func TestPINHolds(t *testing.T) {
	r := newTill(t)
	g := r.owner()
	r.clock.Advance(4 * time.Minute)
	g2, ok := r.access.Hold(g)
	if !ok {
		t.Fatal("the PIN lapsed within the hold")
	}
	if err := r.access.Require(g2, domain.RoleOwner); err != nil {
		t.Fatalf("a renewed grant: %v", err)
	}
	r.clock.Advance(4 * time.Minute) // 8 min after the PIN, 4 after its last use
	g3, ok := r.access.Hold(g2)
	if !ok {
		t.Fatal("the PIN lapsed while in use")
	}
	r.clock.Advance(domain.PINHold + time.Second)
	if _, ok := r.access.Hold(g3); ok {
		t.Fatal("the PIN held after a pause longer than the hold")
	}
	if _, ok := r.access.Hold(domain.Grant{}); ok {
		t.Fatal("the zero grant held")
	}
}

// TestDayCloseNamesOpenSales: every sale number shows in a close, as
// paid, cancelled, or open and left for the next close.
func TestDayCloseNamesOpenSales(t *testing.T) {
	r := newTill(t)
	open := r.sale(100)
	paid := r.sale(250)
	must(t)(r.reg.PayCash(ctx, paid.ID, r.cash, 250))
	z, err := r.reg.CloseDay(ctx, domain.Grant{}, 250)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(z.TextLines(), "\n")
	if len(z.OpenSales) != 1 || z.OpenSales[0] != open.Number || !strings.Contains(text, "Open sales (next close)") || z.Sales != 1 {
		t.Fatalf("%+v\n%s", z, text)
	}
	if _, err := r.reg.CancelSale(ctx, open.ID); err != nil {
		t.Fatal(err)
	}
	z2, err := r.reg.CloseDay(ctx, domain.Grant{}, 250)
	if err != nil || z2.Canceled != 1 || len(z2.OpenSales) != 0 {
		t.Fatalf("next close: %+v %v", z2, err)
	}
}
