package stripeclient

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stripe/stripe-go/v79"

	"tally/domain"
)

// Simulator is an in-process Stripe in test mode: it keeps state (readers,
// payments, payment pages, refunds, an event log) and follows Stripe's rules
// and test cards, so that demo mode and flow tests behave like Stripe without
// a network. Its errors go through the same mapping as Client's, so the
// cashier reads the same words from both.
//
// Beyond domain.Gateway it has knobs for tests and demo mode: PayCheckout
// (a customer paying a payment page), SetReaderOnline, AddRegistrationCode.
type Simulator struct {
	clock domain.Clock

	mu          sync.Mutex
	seq         int
	account     domain.Account
	available   map[domain.Currency]int64
	pending     map[domain.Currency]int64
	locations   []domain.Location
	readers     []*domain.Reader
	intents     map[string]*simIntent
	sessions    map[string]*domain.CheckoutSession
	refunds     map[string]*domain.Refund
	events      []domain.Event
	idem        map[domain.IdempotencyKey]idemEntry
	codes       map[string]string // registration code > device type
	failNext    error             // returned by the next call, then cleared
	failAfter   map[string]error  // by operation: returned after the write is done, the answer lost
	path        string            // where the state is saved; "" keeps it in memory
	allowCancel map[string]bool   // readers whose current action the customer may cancel
	allowTips   map[string]bool   // readers whose current payment offers a tip
	txns        []domain.StatementLine
	reports     map[string]reportWindow
	refundPlans map[string]refundPlan // refunds that change later, as Stripe's test cards 7726 and 5126 do
	payouts     map[string]*domain.Payout
	disputes    map[string]*domain.Dispute
	down        error // every call fails with it until cleared: Stripe or the network down
	customers   map[string]*domain.Customer
	taxRates    map[string]*simTaxRate
	invoices    map[string]*simInvoice
	invoiceSeq  int
	pdf         PDFWriter
}

type simIntent struct {
	pi       domain.PaymentIntent
	types    []string
	refunded int64
}

type idemEntry struct {
	op     string
	result any
	err    error
}

var _ domain.Gateway = (*Simulator)(nil)

// SimulatorOptions describe the simulated account.
type SimulatorOptions struct {
	AccountName string
	Country     string
	Currency    domain.Currency
}

// NewSimulator returns a Simulator with an empty account.
func NewSimulator(clock domain.Clock, opt SimulatorOptions) *Simulator {
	if clock == nil {
		clock = domain.SystemClock{}
	}
	if opt.Currency.IsZero() {
		opt.Currency = domain.MustCurrency("EUR")
	}
	if opt.Country == "" {
		opt.Country = "IE"
	}
	return &Simulator{
		clock:       &shiftClock{base: clock},
		account:     domain.Account{ID: "acct_simulated", Name: opt.AccountName, Country: opt.Country, DefaultCurrency: opt.Currency, ChargesEnabled: true},
		available:   map[domain.Currency]int64{},
		pending:     map[domain.Currency]int64{},
		intents:     map[string]*simIntent{},
		sessions:    map[string]*domain.CheckoutSession{},
		refunds:     map[string]*domain.Refund{},
		idem:        map[domain.IdempotencyKey]idemEntry{},
		codes:       map[string]string{},
		reports:     map[string]reportWindow{},
		allowCancel: map[string]bool{},
		allowTips:   map[string]bool{},
		refundPlans: map[string]refundPlan{},
		payouts:     map[string]*domain.Payout{},
		disputes:    map[string]*domain.Dispute{},
		customers:   map[string]*domain.Customer{},
		taxRates:    map[string]*simTaxRate{},
		invoices:    map[string]*simInvoice{},
	}
}

// NewDemoSimulator returns the simulator demo mode starts with: a shop, a
// location and a simulated reader.
func NewDemoSimulator(clock domain.Clock) *Simulator {
	s := NewSimulator(clock, SimulatorOptions{AccountName: "Tally Demo Shop", Country: "IE", Currency: domain.MustCurrency("EUR")})
	ctx := context.Background()
	loc, _ := s.CreateLocation(ctx, "demo-location", domain.Location{DisplayName: "Demo shop, Main Street",
		Address: domain.Address{Line1: "1 Main Street", City: "Dublin", PostalCode: "D02 X285", Country: "IE"}})
	_, _ = s.RegisterReader(ctx, "demo-reader", "simulated-wpe", "Front counter", loc.ID)
	s.mu.Lock()
	s.available[s.account.DefaultCurrency] = 125_000
	s.mu.Unlock()
	s.seedHistory()
	return s
}

// --- knobs ---

// shiftClock is the simulator's clock: its base, moved back while Backdate
// runs.
type shiftClock struct {
	base domain.Clock
	off  atomic.Int64 // nanoseconds added to base
}

func (c *shiftClock) Now() time.Time { return c.base.Now().Add(time.Duration(c.off.Load())) }

// Backdate runs fn with the simulator's clock d in the past, so that demo
// mode can start with history: an invoice paid last week, one past due.
// Nothing else may call the simulator meanwhile.
func (s *Simulator) Backdate(d time.Duration, fn func()) {
	c := s.clock.(*shiftClock)
	c.off.Store(int64(-d))
	defer c.off.Store(0)
	fn()
}

// AddRegistrationCode makes code a valid, single-use registration code for a
// reader of deviceType (for example bbpos_wisepos_e).
func (s *Simulator) AddRegistrationCode(code, deviceType string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codes[code] = deviceType
	_ = s.save()
}

// SetReaderOnline switches a simulated reader on or off the network.
func (s *Simulator) SetReaderOnline(id string, online bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.reader(id); r != nil {
		r.Status = domain.ReaderOffline
		if online {
			r.Status = domain.ReaderOnline
		}
	}
	_ = s.save()
}

// FailNext makes the next Gateway call fail with err (already a domain error
// or a *stripe.Error), to test how callers handle a lost connection.
func (s *Simulator) FailNext(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext = err
}

// FailAfter makes the next write of op ("create payment intent", "process
// payment intent", "create checkout session", ...) succeed at the simulated
// Stripe and then fail with err on the way back, as a timeout after the
// request arrived does: the case idempotency keys and crash recovery exist
// for.
func (s *Simulator) FailAfter(op string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failAfter == nil {
		s.failAfter = map[string]error{}
	}
	s.failAfter[op] = err
}

// CustomerCancel acts as the customer pressing Cancel on the reader's
// screen. It fails when the payment did not enable customer cancellation.
func (s *Simulator) CustomerCancel(readerID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.reader(readerID)
	switch {
	case r == nil:
		return mapError(missing("terminal.reader", readerID))
	case r.Action == nil || r.Action.Status != domain.ActionInProgress:
		return mapError(invalid("reader", "The reader is not collecting a payment."))
	case !s.allowCancel[readerID]:
		return mapError(invalid("reader", "This payment does not let the customer cancel on the reader."))
	}
	r.Action.Status, r.Action.FailureCode, r.Action.FailureMessage = domain.ActionFailed, "customer_canceled", "The customer canceled the payment on the reader."
	rc := copyReader(r)
	s.emit("terminal.reader.action_failed", r.ID, &domain.Event{Reader: &rc})
	return s.save()
}

// PayCheckout acts as the customer paying an open payment page with card.
// A declined card leaves the page open and returns the decline.
func (s *Simulator) PayCheckout(id string, card domain.TestCard) (domain.CheckoutSession, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expireDue()
	cs, ok := s.sessions[id]
	if !ok {
		return domain.CheckoutSession{}, mapError(missing("checkout.session", id))
	}
	if cs.Status != domain.CheckoutOpen {
		return domain.CheckoutSession{}, mapError(unexpectedState("This Checkout Session is no longer open."))
	}
	if serr := cardOutcome(card); serr != nil && card != domain.CardNeedsAuthentication {
		// On a hosted page the customer authenticates 3155 and it succeeds.
		s.emit("payment_intent.payment_failed", cs.ID, nil)
		return *cs, mapError(serr)
	}
	si := &simIntent{pi: domain.PaymentIntent{
		ID: s.newID("pi"), Amount: cs.Amount, Status: domain.PISucceeded, CaptureMethod: domain.CaptureAutomatic,
		AmountReceived: cs.Amount.Amount, LatestChargeID: s.newID("ch"), Card: testCardDetails(card), Metadata: cs.Metadata, Created: s.clock.Now(),
	}, types: []string{"card"}}
	s.intents[si.pi.ID] = si
	s.credit(si.pi.Amount, si.pi.LatestChargeID, "Payment page "+cs.ID)
	cs.Status, cs.Paid, cs.PaymentIntentID = domain.CheckoutComplete, true, si.pi.ID
	pi := si.pi
	s.emit("payment_intent.succeeded", pi.ID, &domain.Event{PaymentIntent: &pi})
	c := *cs
	s.emit("checkout.session.completed", cs.ID, &domain.Event{CheckoutSession: &c})
	return *cs, s.save()
}

// --- helpers (called with mu held) ---

func (s *Simulator) newID(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s_sim%08d", prefix, s.seq)
}

func (s *Simulator) emit(typ, objectID string, with *domain.Event) {
	ev := domain.Event{}
	if with != nil {
		ev = *with
	}
	ev.ID, ev.Type, ev.Created, ev.ObjectID = s.newID("evt"), typ, s.clock.Now(), objectID
	s.events = append(s.events, ev)
}

// begin checks the injected failure and the idempotency key. It returns a
// stored answer (done=true) when key was seen for the same op.
func (s *Simulator) begin(key domain.IdempotencyKey, op string) (prev idemEntry, done bool, err error) {
	if err := s.takeFailure(); err != nil {
		return idemEntry{}, false, err
	}
	if key == "" {
		return idemEntry{}, false, domain.Errorf(domain.EINTERNAL, "internal error: a Stripe write without an idempotency key")
	}
	if e, ok := s.idem[key]; ok {
		if e.op != op {
			// op is "endpoint|parameters" where the parameters are checked.
			was, _, _ := strings.Cut(e.op, "|")
			now, _, _ := strings.Cut(op, "|")
			msg := "Keys for idempotent requests can only be used for the same endpoint they were first used for."
			if was == now {
				msg = "Keys for idempotent requests can only be used with the same parameters they were first used with."
			}
			return idemEntry{}, false, mapError(&stripe.Error{Type: stripe.ErrorTypeIdempotency, HTTPStatusCode: 400, Msg: msg})
		}
		return e, true, nil
	}
	return idemEntry{}, false, nil
}

// idempotent runs a write under the lock as Stripe would: the first call with
// key does it and remembers the answer, a repeat gets the same answer, and
// the key on another endpoint is refused.
func idempotent[T any](s *Simulator, key domain.IdempotencyKey, op string, do func() (T, error)) (T, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var zero T
	prev, done, err := s.begin(key, op)
	if err != nil {
		return zero, err
	}
	if done {
		if prev.err != nil {
			return zero, prev.err
		}
		return replay[T](prev.result)
	}
	res, err := do()
	s.idem[key] = idemEntry{op: op, result: res, err: err}
	if serr := s.save(); serr != nil {
		return zero, domain.WrapError(domain.EINTERNAL, "The demo's simulated Stripe could not save its state. Check the disk, then try again.", serr)
	}
	if lost := s.failAfter[op]; lost != nil && err == nil {
		delete(s.failAfter, op)
		return zero, mapError(lost)
	}
	return res, err
}

func (s *Simulator) takeFailure() error {
	if s.down != nil {
		return mapError(s.down)
	}
	if s.failNext != nil {
		err := s.failNext
		s.failNext = nil
		return mapError(err)
	}
	return nil
}

func (s *Simulator) reader(id string) *domain.Reader {
	for _, r := range s.readers {
		if r.ID == id {
			return r
		}
	}
	return nil
}

func (s *Simulator) credit(m domain.Money, source, desc string) {
	fee := m.Amount*14/1000 + 25*pow10(m.Currency.Exponent())/100
	s.pending[m.Currency] += m.Amount - fee
	s.record("charge", source, desc, m, fee, s.clock.Now())
}

func pow10(n int) int64 {
	p := int64(1)
	for i := 0; i < n; i++ {
		p *= 10
	}
	return p
}

// expireDue expires open payment pages whose time has come, as Stripe does.
func (s *Simulator) expireDue() {
	now := s.clock.Now()
	ids := make([]string, 0, len(s.sessions))
	for id := range s.sessions {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		cs := s.sessions[id]
		if cs.Status == domain.CheckoutOpen && !now.Before(cs.ExpiresAt) {
			cs.Status = domain.CheckoutExpired
			c := *cs
			s.emit("checkout.session.expired", cs.ID, &domain.Event{CheckoutSession: &c})
		}
	}
}

func missing(kind, id string) *stripe.Error {
	return &stripe.Error{Type: stripe.ErrorTypeInvalidRequest, HTTPStatusCode: http.StatusNotFound,
		Code: stripe.ErrorCodeResourceMissing, Msg: fmt.Sprintf("No such %s: '%s'", kind, id)}
}

func invalid(param, msg string) *stripe.Error {
	return &stripe.Error{Type: stripe.ErrorTypeInvalidRequest, HTTPStatusCode: http.StatusBadRequest, Param: param, Msg: msg}
}

func unexpectedState(msg string) *stripe.Error {
	return &stripe.Error{Type: stripe.ErrorTypeInvalidRequest, HTTPStatusCode: http.StatusBadRequest,
		Code: stripe.ErrorCodePaymentIntentUnexpectedState, Msg: msg}
}

// cardOutcome applies Stripe's documented test cards.
func cardOutcome(card domain.TestCard) *stripe.Error {
	decline := func(dc string) *stripe.Error {
		return &stripe.Error{Type: stripe.ErrorTypeCard, HTTPStatusCode: http.StatusPaymentRequired,
			Code: stripe.ErrorCodeCardDeclined, DeclineCode: stripe.DeclineCode(dc), Msg: "Your card was declined."}
	}
	switch card {
	case "", domain.CardSucceeds:
		return nil
	case domain.CardDeclined:
		return decline("generic_decline")
	case domain.CardInsufficientFunds:
		return decline("insufficient_funds")
	case domain.CardBlocked:
		return decline("fraudulent")
	case domain.CardNeedsAuthentication:
		return decline("authentication_required")
	case domain.CardExpired:
		return &stripe.Error{Type: stripe.ErrorTypeCard, HTTPStatusCode: http.StatusPaymentRequired, Code: stripe.ErrorCodeExpiredCard, Msg: "Your card has expired."}
	}
	if strings.HasPrefix(string(card), "4") || strings.HasPrefix(string(card), "5") {
		return nil
	}
	return &stripe.Error{Type: stripe.ErrorTypeCard, HTTPStatusCode: http.StatusPaymentRequired, Code: stripe.ErrorCodeIncorrectNumber, Msg: "Your card number is incorrect."}
}

func testCardDetails(card domain.TestCard) domain.Card {
	n := string(card)
	if n == "" {
		n = string(domain.CardSucceeds)
	}
	brand := "visa"
	if strings.HasPrefix(n, "5") {
		brand = "mastercard"
	}
	return domain.Card{Brand: brand, Last4: n[len(n)-4:], ExpMonth: 12, ExpYear: time.Now().Year() + 3}
}

// --- domain.Gateway ---

// Account implements domain.Gateway.
func (s *Simulator) Account(ctx context.Context) (domain.Account, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.takeFailure(); err != nil {
		return domain.Account{}, err
	}
	return s.account, ctx.Err()
}

// Balance implements domain.Gateway.
func (s *Simulator) Balance(ctx context.Context) (domain.Balance, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.takeFailure(); err != nil {
		return domain.Balance{}, err
	}
	var b domain.Balance
	add := func(m map[domain.Currency]int64) []domain.Money {
		var out []domain.Money
		for c, a := range m {
			out = append(out, domain.Money{Amount: a, Currency: c})
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Currency.Code() < out[j].Currency.Code() })
		return out
	}
	b.Available, b.Pending = add(s.available), add(s.pending)
	if len(b.Available) == 0 {
		b.Available = []domain.Money{{Currency: s.account.DefaultCurrency}}
	}
	return b, ctx.Err()
}

// Events implements domain.Gateway.
func (s *Simulator) Events(ctx context.Context, after string, types []string, limit int) ([]domain.Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.takeFailure(); err != nil {
		return nil, err
	}
	s.expireDue()
	s.advanceRefunds()
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	want := map[string]bool{}
	for _, t := range types {
		want[t] = true
	}
	var evs []domain.Event
	for _, e := range s.events {
		if len(want) == 0 || want[e.Type] || e.ID == after {
			evs = append(evs, e)
		}
	}
	start := len(evs) - limit
	if after != "" {
		i := -1
		for k, e := range evs {
			if e.ID == after {
				i = k
			}
		}
		if i < 0 {
			return nil, mapError(missing("event", after))
		}
		start = i + 1
	}
	start = max(start, 0)
	var out []domain.Event
	for _, e := range evs[start:] {
		if len(out) == limit {
			break
		}
		if len(want) == 0 || want[e.Type] {
			out = append(out, e)
		}
	}
	return out, ctx.Err()
}

// PaymentIntentsWhere lists the PaymentIntents whose metadata has key set to
// value, oldest first: tests count them to prove nothing was created twice.
func (s *Simulator) PaymentIntentsWhere(key, value string) []domain.PaymentIntent {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []domain.PaymentIntent
	for _, si := range s.intents {
		if si.pi.Metadata[key] == value {
			out = append(out, copyIntent(si))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// CheckoutSessionsWhere lists the payment pages whose metadata has key set
// to value, oldest first.
func (s *Simulator) CheckoutSessionsWhere(key, value string) []domain.CheckoutSession {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expireDue()
	var out []domain.CheckoutSession
	for _, cs := range s.sessions {
		if cs.Metadata[key] == value {
			out = append(out, *cs)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// AdoptShop makes the demo's simulated account the shop's: its name,
// country and currency, and the demo location's address in the shop's
// country (its street and town where the shop gave them, else the town
// of its time zone), so that a German demo shop's reader stands in
// Germany.
func (s *Simulator) AdoptShop(sh domain.Shop) error {
	if sh.Country == "" {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if sh.Name != "" {
		s.account.Name = sh.Name
	}
	s.account.Country = sh.Country
	if !sh.Currency.IsZero() && sh.Currency != s.account.DefaultCurrency {
		s.account.DefaultCurrency = sh.Currency
		if s.available[sh.Currency] == 0 {
			s.available[sh.Currency] = 125_000
		}
	}
	city := sh.City
	if city == "" {
		_, town, _ := strings.Cut(sh.TimeZone, "/")
		city = strings.ReplaceAll(town, "_", " ")
	}
	street := sh.Street
	if street == "" {
		street = "Main Street 1"
	}
	postal := sh.PostalCode
	if postal == "" && domain.AddressFormatFor(sh.Country).PostalRequired {
		postal = "1000"
	}
	for i := range s.locations {
		l := &s.locations[i]
		if strings.HasPrefix(l.DisplayName, "Demo shop") {
			l.Address = domain.Address{Line1: street, City: city, PostalCode: postal, Country: sh.Country, State: l.Address.State}
			if domain.AddressFormatFor(sh.Country).StateRequired && l.Address.State == "" {
				l.Address.State = demoStates[sh.Country]
			}
			l.DisplayName = "Demo shop, " + street
		}
	}
	return s.save()
}

// demoStates are a state for the countries whose addresses need one.
var demoStates = map[string]string{"US": "NY", "CA": "ON", "AU": "NSW", "MX": "CDMX", "AE": "DU", "IE": ""}
