package domain_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"tally/domain"
	"tally/internal/testenv"
	"tally/reports"
	"tally/storage"
)

// secondTill opens another Tally on r's data, as a second till or the
// bookkeeper's computer does on the same server (or, on SQLite, a second
// program on the same file): services of its own, the same Stripe.
func (r *till) secondTill() *till {
	r.t.Helper()
	conn := domain.NewConnection(gwConnector{r.gw}, r.gw)
	books, err := storage.OpenBooks(ctx, testenv.DataPath(r.t, r.dir), conn.Mode)
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { books.Close() })
	b := &till{t: r.t, dir: r.dir, clock: r.clock, books: books, sim: r.sim, gw: r.gw,
		reg:  &domain.RegisterService{Till: books, Store: books, Shop: books.Settings(), Connection: conn, Clock: r.clock, Demo: r.sim},
		cash: r.cash, card: r.card, qr: r.qr, reader: r.reader}
	b.events = &domain.EventService{Till: books, Connection: conn, Clock: r.clock}
	b.access = &domain.AccessService{Store: books.Access(), Hasher: storage.PINHasher{Time: 1, MemoryKiB: 64}, Clock: r.clock, Mode: conn.Mode}
	b.pay = &domain.PaymentsService{Till: books, Connection: conn, Clock: r.clock, Access: b.access, Register: b.reg}
	return b
}

// TestTwoTills: two Tallies on one shop's data sell, refund, follow
// Stripe's events and import and book the same statement, all at once.
// No sale number is given twice, no event applied twice, no line stored
// or booked twice, and the books balance.
func TestTwoTills(t *testing.T) {
	a := newTill(t)
	b := a.secondTill()
	g := a.owner()
	// Card sales made before, refunded at the same time by both tills.
	var cards []domain.Sale
	for i := 0; i < 4; i++ {
		s, _ := a.cardSale(int64(1000+i*100), domain.CardSucceeds)
		cards = append(cards, s)
	}

	const perTill = 12
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	run := func(what string, fn func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(); err != nil {
				errs <- fmt.Errorf("%s: %w", what, err)
			}
		}()
	}
	sell := func(r *till, name string) func() error {
		return func() error {
			for i := 0; i < perTill; i++ {
				s, err := r.reg.Checkout(ctx, domain.Cart{Currency: eur, TaxInclusive: true,
					Lines: []domain.SaleLine{{Description: name, Quantity: 1, UnitPrice: int64(200 + i), TaxRate: 230000}}})
				if err != nil {
					return err
				}
				if _, err := r.reg.PayCash(ctx, s.ID, r.cash, s.Totals.Total); err != nil {
					return err
				}
			}
			return nil
		}
	}
	run("till A sells", sell(a, "Coffee A"))
	run("till B sells", sell(b, "Coffee B"))
	// Both refund the same two sales in full: each is refunded once, the
	// other till is told there is nothing left.
	refunded := make(chan int, 8)
	for _, s := range cards[:2] {
		for _, r := range []*till{a, b} {
			run("refund", func() error {
				out, err := r.pay.Refund(ctx, g, domain.RefundRequest{SaleID: s.ID})
				if err == nil {
					refunded <- len(out.Refunds)
					return nil
				}
				if c := domain.ErrorCode(err); c == domain.ECONFLICT || c == domain.EINVALID {
					return nil // the other till was first
				}
				return err
			})
		}
	}
	for _, r := range []*till{a, b} {
		run("events", func() error {
			for i := 0; i < 4; i++ {
				if _, err := r.events.Sync(ctx); err != nil {
					return err
				}
			}
			return nil
		})
	}
	statement := "balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category,description\n"
	for i := 0; i < 300; i++ {
		statement += fmt.Sprintf("txn_two_%03d,2026-11-%02d 10:00:00,eur,%d.00,0.30,%d.70,charge,Order %d\n", i, 1+i%28, 10+i%7, 9+i%7, i)
	}
	for _, r := range []*till{a, b} {
		run("import and book", func() error {
			imports := &domain.ImportService{Store: r.books, Parser: reports.Parser{}, Clock: r.clock}
			if _, err := imports.Import(ctx, domain.ImportRequest{Name: "two.csv", Reader: strings.NewReader(statement)}); err != nil {
				return err
			}
			_, err := (&domain.ReconcileService{Store: r.books, Till: r.books}).Reconcile(ctx)
			return err
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("the two tills did not finish within two minutes")
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	close(refunded)
	n := 0
	for k := range refunded {
		n += k
	}
	if n != 2 {
		t.Errorf("%d refunds made for two sales", n)
	}
	for _, s := range cards[:2] {
		if rs := a.sim.RefundsOf(a.payment(mustAttempt(t, a, s)).PaymentIntent); len(rs) != 1 {
			t.Errorf("sale #%d refunded %d times at Stripe", s.Number, len(rs))
		}
	}
	if t.Failed() {
		return
	}

	// One more round of events and booking, now alone: nothing is left.
	for _, r := range []*till{a, b} {
		if _, err := r.events.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	var sales []domain.Sale
	if err := a.books.ViewTill(ctx, func(tx domain.TillTx) (err error) {
		sales, err = tx.PaidSales()
		return err
	}); err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for _, s := range sales {
		if seen[s.Number] {
			t.Errorf("sale number %d given twice", s.Number)
		}
		seen[s.Number] = true
	}
	if want := 4 + 2*perTill; len(sales) != want {
		t.Errorf("%d paid sales, want %d", len(sales), want)
	}
	var refunds []domain.RefundRecord
	if err := a.books.ViewTill(ctx, func(tx domain.TillTx) (err error) {
		for _, s := range cards {
			rs, err := tx.RefundsOfSale(s.ID)
			if err != nil {
				return err
			}
			refunds = append(refunds, rs...)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(refunds) != 2 {
		t.Errorf("Tally holds %d refunds for the two refunded sales (events applied twice?): %+v", len(refunds), refunds)
	}
	recon := &domain.ReconcileService{Store: a.books, Till: a.books}
	res, err := recon.Reconcile(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Counts.Lines != 300 || res.Counts.Booked != res.Counts.Bookable || res.Booked != 0 {
		t.Errorf("after both: %+v (each of the 300 lines stored and booked once)", res)
	}
	entries := journal(t, recon)
	byLine := map[string]int{}
	for _, e := range entries {
		if e.LineKey != "" {
			byLine[e.LineKey]++
		}
	}
	for k, c := range byLine {
		if c != 1 {
			t.Errorf("line %s booked %d times", k, c)
		}
	}
	if len(byLine) != 300 {
		t.Errorf("%d lines booked, want 300", len(byLine))
	}
	a.balances()
}

// mustAttempt returns the card attempt of sale s.
func mustAttempt(t *testing.T, r *till, s domain.Sale) int64 {
	t.Helper()
	for _, at := range r.saleNow(s.ID).Attempts {
		if at.Kind == domain.MethodCardReader {
			return at.ID
		}
	}
	t.Fatalf("sale #%d has no card payment", s.Number)
	return 0
}

// TestTillsByName: each computer's till has its name (TALLY_TILL): its
// sales carry it, a card reader method given to one till is offered on
// that till's register only, and each till's day close counts its own
// sales.
func TestTillsByName(t *testing.T) {
	a := newTill(t)
	a.reg.TillName = "Front"
	b := a.secondTill()
	b.reg.TillName = "Back"
	methods := &domain.PaymentMethodService{Store: a.books, Connection: a.reg.Connection}
	v, err := methods.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range v.Methods {
		if m.ID == a.card {
			m.Till = " Back "
			if _, err := methods.Save(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
	}
	has := func(r *till, id int64) bool {
		ms, err := r.reg.Methods(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if m.ID == id {
				return true
			}
		}
		return false
	}
	if has(a, a.card) || !has(b, a.card) || !has(a, a.cash) || !has(b, a.cash) {
		t.Fatalf("methods: front has the card %v, back %v", has(a, a.card), has(b, a.card))
	}
	sa := a.sale(300)
	must(t)(a.reg.PayCash(ctx, sa.ID, a.cash, 300))
	sb, _ := b.cardSale(800, domain.CardSucceeds)
	if sa.Till != "Front" || sb.Till != "Back" {
		t.Fatalf("tills of the sales: %q %q", sa.Till, sb.Till)
	}
	// The shared register settings keep their own till name.
	rs, err := a.reg.RegisterSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.reg.SaveRegisterSettings(ctx, rs); err != nil {
		t.Fatal(err)
	}
	plain := &domain.RegisterService{Till: a.books, Store: a.books, Shop: a.books.Settings(), Connection: a.reg.Connection, Clock: a.clock}
	if got, _ := plain.RegisterSettings(ctx); got.Till != "Till 1" {
		t.Errorf("the shared default became %q", got.Till)
	}
	front, err := a.reg.CloseDay(ctx, a.owner(), 300)
	if err != nil {
		t.Fatal(err)
	}
	back, err := b.reg.CloseDay(ctx, b.owner(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if front.Till != "Front" || front.Sales != 1 || front.Total != 300 || back.Till != "Back" || back.Sales != 1 || back.Total != 800 {
		t.Fatalf("day closes: front %+v, back %+v", front, back)
	}
}

// TestDayCloseOfAllTills: the owner closes the day of every till at once:
// one Z report of both tills' sales and refunds; neither till's own close
// counts them again.
func TestDayCloseOfAllTills(t *testing.T) {
	a := newTill(t)
	a.reg.TillName = "Front"
	b := a.secondTill()
	b.reg.TillName = "Back"
	sa := a.sale(300)
	must(t)(a.reg.PayCash(ctx, sa.ID, a.cash, 300))
	sb, _ := b.cardSale(800, domain.CardSucceeds)
	if _, err := b.pay.Refund(ctx, b.owner(), domain.RefundRequest{SaleID: sb.ID, Amount: 100}); err != nil {
		t.Fatal(err)
	}
	pre, err := a.reg.DayClosePreviewOf(ctx, 300, true)
	if err != nil || pre.Sales != 2 || pre.Total != 1100 {
		t.Fatalf("preview of all tills: %+v %v", pre, err)
	}
	all, err := a.reg.CloseDayOf(ctx, a.owner(), 300, true)
	if err != nil {
		t.Fatal(err)
	}
	if all.Till != domain.AllTills || all.Sales != 2 || all.Total != 1100 || all.Refunds != 100 || all.CashExpected != 300 || all.CashDifference() != 0 {
		t.Fatalf("all tills: %+v", all)
	}
	for _, r := range []*till{a, b} {
		own, err := r.reg.CloseDay(ctx, r.owner(), 0)
		if err != nil || own.Sales != 0 || own.Refunds != 0 {
			t.Fatalf("%s's own close after all: %+v %v", r.reg.TillName, own, err)
		}
	}
}
