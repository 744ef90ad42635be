package domain_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"tally/domain"
	"tally/internal/testenv"
	"tally/storage"
	"tally/stripeclient"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// crash is what a gateway call panics with when a test stops the process
// there: nothing after the call runs, as when Tally is killed.
type crash struct{ at string }

// recorder is the simulator as the register sees it, with every call
// written down and an optional crash before or after one call.
type recorder struct {
	domain.Gateway
	mu      sync.Mutex
	calls   []string
	crashAt string // the call to stop at
	after   bool   // stop after Stripe did the write, before the answer arrives
	// failBefore makes that call fail once without reaching Stripe, as a
	// dropped connection does.
	failBefore string
	intents    []domain.PaymentIntentParams // what CreatePaymentIntent was asked
}

func (r *recorder) lost(name string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failBefore == name {
		r.failBefore = ""
		r.calls = append(r.calls, name+" (lost)")
		return true
	}
	return false
}

func (r *recorder) hit(name string, call func()) {
	r.mu.Lock()
	r.calls = append(r.calls, name)
	stop := r.crashAt == name
	if stop {
		r.crashAt = ""
	}
	after := r.after
	r.mu.Unlock()
	if stop && !after {
		panic(crash{name})
	}
	call()
	if stop {
		panic(crash{name})
	}
}

// reset forgets the calls made so far.
func (r *recorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls, r.intents = nil, nil
}

func (r *recorder) Calls() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.calls...)
}

func (r *recorder) CreatePaymentIntent(ctx context.Context, k domain.IdempotencyKey, p domain.PaymentIntentParams) (pi domain.PaymentIntent, err error) {
	r.mu.Lock()
	r.intents = append(r.intents, p)
	r.mu.Unlock()
	r.hit("CreatePaymentIntent", func() { pi, err = r.Gateway.CreatePaymentIntent(ctx, k, p) })
	return
}

func (r *recorder) PaymentIntent(ctx context.Context, id string) (pi domain.PaymentIntent, err error) {
	r.hit("PaymentIntent", func() { pi, err = r.Gateway.PaymentIntent(ctx, id) })
	return
}

func (r *recorder) CapturePaymentIntent(ctx context.Context, k domain.IdempotencyKey, id string, amount int64) (pi domain.PaymentIntent, err error) {
	r.hit("CapturePaymentIntent", func() { pi, err = r.Gateway.CapturePaymentIntent(ctx, k, id, amount) })
	return
}

func (r *recorder) CancelPaymentIntent(ctx context.Context, k domain.IdempotencyKey, id string) (pi domain.PaymentIntent, err error) {
	r.hit("CancelPaymentIntent", func() { pi, err = r.Gateway.CancelPaymentIntent(ctx, k, id) })
	return
}

func (r *recorder) SetReaderDisplay(ctx context.Context, k domain.IdempotencyKey, id string, c domain.ReaderCart) (rd domain.Reader, err error) {
	r.hit("SetReaderDisplay", func() { rd, err = r.Gateway.SetReaderDisplay(ctx, k, id, c) })
	return
}

func (r *recorder) ProcessPaymentIntent(ctx context.Context, k domain.IdempotencyKey, id, pi string, cfg domain.ProcessConfig) (rd domain.Reader, err error) {
	if r.lost("ProcessPaymentIntent") {
		return rd, domain.Errorf(domain.EUNAVAILABLE, "Could not connect to Stripe. Check that this computer is connected to the internet, then try again.")
	}
	r.hit("ProcessPaymentIntent", func() { rd, err = r.Gateway.ProcessPaymentIntent(ctx, k, id, pi, cfg) })
	return
}

func (r *recorder) CancelReaderAction(ctx context.Context, k domain.IdempotencyKey, id string) (rd domain.Reader, err error) {
	r.hit("CancelReaderAction", func() { rd, err = r.Gateway.CancelReaderAction(ctx, k, id) })
	return
}

func (r *recorder) Reader(ctx context.Context, id string) (rd domain.Reader, err error) {
	r.hit("Reader", func() { rd, err = r.Gateway.Reader(ctx, id) })
	return
}

func (r *recorder) PresentPaymentMethod(ctx context.Context, k domain.IdempotencyKey, id string, c domain.TestCard, tip int64) (rd domain.Reader, err error) {
	r.hit("PresentPaymentMethod", func() { rd, err = r.Gateway.PresentPaymentMethod(ctx, k, id, c, tip) })
	return
}

func (r *recorder) CreateCheckoutSession(ctx context.Context, k domain.IdempotencyKey, p domain.CheckoutParams) (cs domain.CheckoutSession, err error) {
	r.hit("CreateCheckoutSession", func() { cs, err = r.Gateway.CreateCheckoutSession(ctx, k, p) })
	return
}

func (r *recorder) CheckoutSession(ctx context.Context, id string) (cs domain.CheckoutSession, err error) {
	r.hit("CheckoutSession", func() { cs, err = r.Gateway.CheckoutSession(ctx, id) })
	return
}

func (r *recorder) ExpireCheckoutSession(ctx context.Context, k domain.IdempotencyKey, id string) (cs domain.CheckoutSession, err error) {
	r.hit("ExpireCheckoutSession", func() { cs, err = r.Gateway.ExpireCheckoutSession(ctx, k, id) })
	return
}

func (r *recorder) CreateRefund(ctx context.Context, k domain.IdempotencyKey, p domain.RefundParams) (rf domain.Refund, err error) {
	if r.lost("CreateRefund") {
		return rf, domain.Errorf(domain.EUNAVAILABLE, "Could not connect to Stripe. Check that this computer is connected to the internet, then try again.")
	}
	r.hit("CreateRefund", func() { rf, err = r.Gateway.CreateRefund(ctx, k, p) })
	return
}

// till is a register on a data folder: opening it again on the same folder
// is a restart (same database files, same simulator state).
type till struct {
	t      *testing.T
	dir    string
	clock  *fakeClock
	books  *storage.Books
	sim    *stripeclient.Simulator
	gw     *recorder
	reg    *domain.RegisterService
	events *domain.EventService
	access *domain.AccessService
	pay    *domain.PaymentsService
	cash   int64 // method ids
	card   int64
	qr     int64
	reader string
}

func openTill(t *testing.T, dir string, clock *fakeClock) *till {
	t.Helper()
	return openTillOn(t, dir, testenv.DataPath(t, dir), clock)
}

// openTillOn opens a register on the data at where (a file or a server).
func openTillOn(t *testing.T, dir, where string, clock *fakeClock) *till {
	t.Helper()
	ctx := context.Background()
	sim, err := stripeclient.OpenSimulator(filepath.Join(dir, "tally.demo.sim.json"), clock)
	if err != nil {
		t.Fatal(err)
	}
	gw := &recorder{Gateway: sim}
	conn := domain.NewConnection(gwConnector{gw}, gw)
	books, err := storage.OpenBooks(ctx, where, conn.Mode)
	if err != nil {
		t.Fatal(err)
	}
	r := &till{t: t, dir: dir, clock: clock, books: books, sim: sim, gw: gw,
		reg: &domain.RegisterService{Till: books, Store: books, Shop: books.Settings(), Connection: conn, Clock: clock, Demo: sim}}
	t.Cleanup(func() { books.Close() })
	r.events = &domain.EventService{Till: books, Connection: conn, Clock: clock}
	// A cheap argon2id cost: the tests check the logic, not the cost.
	r.access = &domain.AccessService{Store: books.Access(), Hasher: storage.PINHasher{Time: 1, MemoryKiB: 64}, Clock: clock, Mode: conn.Mode}
	r.pay = &domain.PaymentsService{Till: books, Connection: conn, Clock: clock, Access: r.access, Register: r.reg}
	methods := &domain.PaymentMethodService{Store: books, Connection: conn}
	v, err := methods.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range v.Methods {
		switch m.Kind {
		case domain.MethodCash:
			r.cash = m.ID
		case domain.MethodCardReader:
			r.card, r.reader = m.ID, m.ReaderID
		case domain.MethodQRLink:
			r.qr = m.ID
		}
	}
	if r.card == 0 {
		rv, err := (&domain.ReaderService{Store: books, Connection: conn, Clock: clock}).Refresh(ctx)
		if err != nil || len(rv.Readers) == 0 {
			t.Fatalf("demo readers: %+v %v", rv, err)
		}
		r.reader = rv.Readers[0].ID
		m, err := methods.Save(ctx, domain.PaymentMethod{Name: "Card", Kind: domain.MethodCardReader, ReaderID: r.reader,
			CaptureMethod: domain.CaptureAutomatic, OutstandingAccount: domain.AcctOutstandingReceipts})
		if err != nil {
			t.Fatal(err)
		}
		r.card = m.ID
		q, err := methods.Save(ctx, domain.PaymentMethod{Name: "QR", Kind: domain.MethodQRLink, PageLifetime: time.Hour, SuccessMessage: "Thank you!", OutstandingAccount: domain.AcctOutstandingReceipts})
		if err != nil {
			t.Fatal(err)
		}
		r.qr = q.ID
	}
	return r
}

// restart closes the register as a crash would leave it and opens it again.
func (r *till) restart() *till {
	r.books.Close()
	return openTill(r.t, r.dir, r.clock)
}

func newTill(t *testing.T) *till {
	return openTill(t, t.TempDir(), &fakeClock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)})
}

var eur = domain.MustCurrency("EUR")

// sale rings up one coffee line of amount minor units and saves it.
func (r *till) sale(amount int64) domain.Sale {
	r.t.Helper()
	s, err := r.reg.Checkout(context.Background(), domain.Cart{Currency: eur, TaxInclusive: true,
		Lines: []domain.SaleLine{{Description: "Coffee", Quantity: 1, UnitPrice: amount, TaxRate: 230000}}})
	if err != nil {
		r.t.Fatal(err)
	}
	return s
}

func (r *till) intents(s domain.Sale) []domain.PaymentIntent {
	return r.sim.PaymentIntentsWhere("tally_sale", strconv.FormatInt(s.ID, 10))
}

func (r *till) sessions(s domain.Sale) []domain.CheckoutSession {
	return r.sim.CheckoutSessionsWhere("tally_sale", strconv.FormatInt(s.ID, 10))
}

func (r *till) saleNow(id int64) domain.Sale {
	r.t.Helper()
	s, err := r.reg.Sale(context.Background(), id)
	if err != nil {
		r.t.Fatal(err)
	}
	return s
}

// crashed runs fn and reports the call it crashed at, "" when it did not.
func crashed(fn func()) (at string) {
	defer func() {
		if v := recover(); v != nil {
			c, ok := v.(crash)
			if !ok {
				panic(v)
			}
			at = c.at
		}
	}()
	fn()
	return ""
}

// must fails the test when a payment step returns an error.
func must(t *testing.T) func(domain.PaymentResult, error) domain.PaymentResult {
	t.Helper()
	return func(res domain.PaymentResult, err error) domain.PaymentResult {
		t.Helper()
		if err != nil {
			t.Fatalf("%v (result %+v)", err, res)
		}
		return res
	}
}

func stageOf(res domain.PaymentResult) string {
	return fmt.Sprintf("%s/%s", res.Attempt.Status, res.Attempt.Stage)
}

type gwConnector struct{ gw domain.Gateway }

func (c gwConnector) Connect(domain.Credentials) (domain.Gateway, error) { return c.gw, nil }
