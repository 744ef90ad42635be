package domain_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"tally/domain"
	"tally/storage"
	"tally/tse"
)

// crashingTSE is the TSE simulator with an optional crash before or after
// one call (after: the TSE wrote, Tally never heard), and calls counted.
type crashingTSE struct {
	*tse.Simulator
	mu      sync.Mutex
	crashAt string
	after   bool
	calls   map[string]int
}

func (c *crashingTSE) hit(name string) (stop, after bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.calls == nil {
		c.calls = map[string]int{}
	}
	c.calls[name]++
	if c.crashAt == name {
		c.crashAt = ""
		return true, c.after
	}
	return false, false
}

func (c *crashingTSE) Start(ctx context.Context, id string) (domain.TSETransaction, error) {
	stop, after := c.hit("Start")
	if stop && !after {
		panic(crash{"Start"})
	}
	tx, err := c.Simulator.Start(ctx, id)
	if stop {
		panic(crash{"Start"})
	}
	return tx, err
}

func (c *crashingTSE) Finish(ctx context.Context, id string, d domain.TSEProcessData) (domain.TSETransaction, error) {
	stop, after := c.hit("Finish")
	if stop && !after {
		panic(crash{"Finish"})
	}
	tx, err := c.Simulator.Finish(ctx, id, d)
	if stop {
		panic(crash{"Finish"})
	}
	return tx, err
}

// withTSE gives the register a TSE simulator.
func withTSE(t *testing.T, r *till, c *crashingTSE) *crashingTSE {
	t.Helper()
	if c == nil {
		sim, err := tse.NewSimulator("", "KASSE-1")
		if err != nil {
			t.Fatal(err)
		}
		sim.SetClock(r.clock.Now)
		c = &crashingTSE{Simulator: sim}
	}
	r.reg.TSE = c
	return c
}

// germanSale rings up a coffee at 19 % and a cake at 7 %.
func (r *till) germanSale() domain.Sale {
	r.t.Helper()
	s, err := r.reg.Checkout(context.Background(), domain.Cart{Currency: eur, TaxInclusive: true, Lines: []domain.SaleLine{
		{Description: "Kaffee", Quantity: 1, UnitPrice: 380, TaxRate: 190000},
		{Description: "Kuchen", Quantity: 2, UnitPrice: 295, TaxRate: 70000}}})
	if err != nil {
		r.t.Fatal(err)
	}
	return s
}

// signedOK checks a sale's TSE record: signed, its signature the TSE's,
// its QR code's fields the TSE's answer.
func signedOK(t *testing.T, c *crashingTSE, sale domain.Sale, wantState, wantData string) {
	t.Helper()
	rec := sale.TSE
	if rec == nil || !rec.Signed() {
		t.Fatalf("sale #%d is not signed: %+v", sale.Number, rec)
	}
	if rec.Sig.State != wantState || rec.Sig.ProcessData != wantData {
		t.Errorf("state %s, process data %q; want %s, %q", rec.Sig.State, rec.Sig.ProcessData, wantState, wantData)
	}
	info, _ := c.Info(context.Background())
	if err := tse.Verify(info.PublicKey, info.ClientSerial, rec.Sig.TSETransaction); err != nil {
		t.Errorf("the receipt's signature: %v", err)
	}
	qr := strings.Split(rec.Sig.QR(), ";")
	if len(qr) != 12 || qr[0] != "V0" || qr[1] != "KASSE-1" || qr[2] != "Kassenbeleg-V1" || qr[3] != wantData ||
		qr[8] != domain.TSEAlgorithm || qr[10] != rec.Sig.Signature || qr[11] != info.PublicKey {
		t.Errorf("QR code %q", rec.Sig.QR())
	}
	at, _ := c.Transaction(context.Background(), rec.ID)
	if at.Signature != rec.Sig.Signature || at.Counter != rec.Sig.Counter || at.Number != rec.Sig.Number {
		t.Errorf("the record %+v is not the TSE's %+v", rec.Sig.TSETransaction, at)
	}
}

// TestTSESignsSales: a cash sale, a split cash and card sale, and a sale
// given up are each one TSE transaction, finished with the receipt's data
// and signed; the receipt carries the TSE's block and QR code.
func TestTSESignsSales(t *testing.T) {
	ctx := context.Background()
	r := newTill(t)
	c := withTSE(t, r, nil)

	s := r.germanSale()
	if s.TSE == nil || s.TSE.State != domain.TSEOpen || s.TSE.Sig.Number != 1 {
		t.Fatalf("the sale's TSE transaction at checkout: %+v", s.TSE)
	}
	must(t)(r.reg.PayCash(ctx, s.ID, r.cash, 1000))
	paid := r.saleNow(s.ID)
	signedOK(t, c, paid, domain.TSEFinished, "Beleg^3.80_5.90_0.00_0.00_0.00^9.70:Bar")
	lines := strings.Join(domain.ReceiptLines(domain.Shop{Name: "Café", Country: "DE"}, paid), "\n")
	for _, want := range []string{"TSE-Transaktion", "Signaturzähler", "unixTime", "ecdsa-plain-SHA256", "[QR] V0;KASSE-1;Kassenbeleg-V1;Beleg^3.80_5.90"} {
		if !strings.Contains(lines, want) {
			t.Errorf("the receipt lacks %q:\n%s", want, lines)
		}
	}

	// Split: 5.00 by card on the reader, the rest in cash.
	s2 := r.germanSale()
	res := must(t)(r.reg.StartCard(ctx, s2.ID, r.card, 500))
	must(t)(r.reg.PresentTestCard(ctx, res.Attempt.ID, domain.CardSucceeds))
	if open := r.saleNow(s2.ID); open.TSE.State != domain.TSEOpen {
		t.Errorf("a sale part paid is finished at the TSE: %+v", open.TSE)
	}
	must(t)(r.reg.PayCash(ctx, s2.ID, r.cash, 500))
	signedOK(t, c, r.saleNow(s2.ID), domain.TSEFinished, "Beleg^3.80_5.90_0.00_0.00_0.00^4.70:Bar_5.00:Unbar")

	// Given up before it was paid: the transaction is cancelled, signed.
	s4 := r.germanSale()
	if _, err := r.reg.CancelSale(ctx, s4.ID); err != nil {
		t.Fatal(err)
	}
	signedOK(t, c, r.saleNow(s4.ID), domain.TSECancelled, "AVBelegabbruch^3.80_5.90_0.00_0.00_0.00^")
}

// TestTSEOutage: the TSE down stops no sale; the receipt says the TSE
// failed; the outage is listed; once the TSE answers again the open
// transactions are finished, each once.
func TestTSEOutage(t *testing.T) {
	ctx := context.Background()
	r := newTill(t)
	c := withTSE(t, r, nil)
	c.SetDown(true)
	s := r.germanSale()
	res := must(t)(r.reg.PayCash(ctx, s.ID, r.cash, 1000))
	if res.Sale.Status != domain.SalePaid {
		t.Fatalf("the sale did not go on with the TSE down: %+v", res.Sale)
	}
	sale := r.saleNow(s.ID)
	if sale.TSE == nil || !sale.TSE.Outage || sale.TSE.Signed() {
		t.Fatalf("the outage is not on the record: %+v", sale.TSE)
	}
	lines := strings.Join(domain.ReceiptLines(domain.Shop{Name: "Café", Country: "DE"}, sale), "\n")
	if !strings.Contains(lines, "TSE ausgefallen") {
		t.Errorf("the receipt does not say the TSE failed:\n%s", lines)
	}
	out, err := r.reg.TSEOutages(ctx, r.clock.Now().Add(-1))
	if err != nil || len(out) != 1 || out[0].Ref != s.ID {
		t.Errorf("outages %+v %v", out, err)
	}
	// A second sale meanwhile: recorded as the outage's at once, the TSE
	// left alone for a minute rather than waited on for each sale.
	s2 := r.germanSale()
	must(t)(r.reg.PayCash(ctx, s2.ID, r.cash, 1000))
	if n := c.calls["Start"]; n != 0 {
		t.Errorf("the TSE was asked %d times while it rested", n)
	}
	c.SetDown(false)
	if n, _ := r.reg.SignOpen(ctx); n != 0 {
		t.Errorf("the TSE was asked again within its rest: %d finished", n)
	}
	r.clock.Advance(time.Minute + time.Second)
	n, err := r.reg.SignOpen(ctx)
	if err != nil || n != 2 {
		t.Fatalf("SignOpen finished %d: %v", n, err)
	}
	after := r.saleNow(s.ID)
	if !after.TSE.Signed() || !after.TSE.Outage {
		t.Errorf("after the outage: %+v (finished, and still marked as the receipt went out unsigned)", after.TSE)
	}
	if n, _ := r.reg.SignOpen(ctx); n != 0 || c.calls["Finish"] != 2 {
		t.Errorf("finished again: %d, %d finishes", n, c.calls["Finish"])
	}
}

// TestTSECrashPoints: Tally killed before and after each TSE write, then
// restarted on the same files: the sale's transaction is finished once.
func TestTSECrashPoints(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		at    string
		after bool
	}{{"Start", false}, {"Start", true}, {"Finish", false}, {"Finish", true}} {
		name := tc.at + "/before"
		if tc.after {
			name = tc.at + "/after"
		}
		t.Run(name, func(t *testing.T) {
			r := newTill(t)
			c := withTSE(t, r, nil)
			var s domain.Sale
			if tc.at == "Start" {
				c.crashAt, c.after = "Start", tc.after
				if at := crashed(func() { s = r.germanSale() }); at != "Start" {
					t.Fatalf("crashed at %q", at)
				}
				// The sale was saved before the TSE was asked: find it.
				got, err := r.reg.SaleByNumber(ctx, 1)
				if err != nil {
					t.Fatal(err)
				}
				s = got
				must(t)(r.reg.PayCash(ctx, s.ID, r.cash, 1000))
			} else {
				s = r.germanSale()
				c.crashAt, c.after = "Finish", tc.after
				if at := crashed(func() { r.reg.PayCash(ctx, s.ID, r.cash, 1000) }); at != "Finish" {
					t.Fatalf("crashed at %q", at)
				}
			}
			r2 := r.restart()
			withTSE(t, r2, c)
			if _, err := r2.reg.Recover(ctx); err != nil {
				t.Fatal(err)
			}
			sale := r2.saleNow(s.ID)
			signedOK(t, c, sale, domain.TSEFinished, "Beleg^3.80_5.90_0.00_0.00_0.00^9.70:Bar")
			if n := c.calls["Finish"]; (tc.at == "Finish" && tc.after && n != 2) || n > 2 {
				t.Errorf("%d finishes", n)
			}
			// One transaction at the TSE for the sale, whatever the crash.
			if _, err := c.Transaction(ctx, sale.TSE.ID); err != nil {
				t.Error(err)
			}
			if n, _ := r2.reg.SignOpen(ctx); n != 0 {
				t.Errorf("signed again after the recovery: %d", n)
			}
		})
	}
}

// TestTSESignsRefunds: a refund (card, then part of a cash sale) is a
// receipt of its own at the TSE: negative amounts in the sale's rates,
// paid back the way it was paid.
func TestTSESignsRefunds(t *testing.T) {
	ctx := context.Background()
	r := newTill(t)
	c := withTSE(t, r, nil)
	s := r.germanSale()
	res := must(t)(r.reg.StartCard(ctx, s.ID, r.card, 0))
	must(t)(r.reg.PresentTestCard(ctx, res.Attempt.ID, domain.CardSucceeds))
	out, err := r.pay.Refund(ctx, r.owner(), domain.RefundRequest{SaleID: s.ID})
	if err != nil || len(out.Refunds) != 1 {
		t.Fatalf("refund: %+v %v", out, err)
	}
	var rec domain.TSERecord
	r.books.ViewTill(ctx, func(tx domain.TillTx) (err error) {
		rec, err = tx.TSERecord("refund", out.Refunds[0].ID)
		return err
	})
	if !rec.Signed() || rec.Sig.ProcessData != "Beleg^-3.80_-5.90_0.00_0.00_0.00^-9.70:Unbar" {
		t.Fatalf("the card refund's TSE record: %+v", rec)
	}
	info, _ := c.Info(ctx)
	if err := tse.Verify(info.PublicKey, info.ClientSerial, rec.Sig.TSETransaction); err != nil {
		t.Error(err)
	}
	// Part of a cash sale: 5.00 of 9.70, split over the rates.
	s2 := r.germanSale()
	must(t)(r.reg.PayCash(ctx, s2.ID, r.cash, 1000))
	out, err = r.pay.Refund(ctx, r.owner(), domain.RefundRequest{SaleID: s2.ID, Amount: 500})
	if err != nil {
		t.Fatal(err)
	}
	r.books.ViewTill(ctx, func(tx domain.TillTx) (err error) {
		rec, err = tx.TSERecord("refund", out.Refunds[0].ID)
		return err
	})
	if !rec.Signed() || rec.Sig.ProcessData != "Beleg^-1.96_-3.04_0.00_0.00_0.00^-5.00:Bar" {
		t.Fatalf("the part cash refund's TSE record: %+v", rec.Sig.ProcessData)
	}
}

// provisioned is a TSE that records its set-up (a stand-in for fiskaly).
type provisioned struct {
	*tse.Simulator
	pin, serial string
	calls       int
}

func (p *provisioned) Provision(_ context.Context, pin, serial string) error {
	p.pin, p.serial = pin, serial
	p.calls++
	return nil
}

// TestTSEServiceChoosesTheTSE: a shop outside Germany signs nothing; a
// German one signs with the simulator in demo mode; in live mode without a
// TSE every screen is warned; once fiskaly is set up (the secret and the
// admin PIN in the keychain, the TSS provisioned) live sales are signed by
// it, and the registration lists it.
func TestTSEServiceChoosesTheTSE(t *testing.T) {
	ctx := context.Background()
	r := newTill(t)
	sim, _ := tse.NewSimulator("", "DEMO-1")
	live, _ := tse.NewSimulator("", "TALLY-KASSE-1")
	made := &provisioned{Simulator: live}
	kc := &storage.FileKeychain{Path: t.TempDir() + "/secrets.json"}
	svc := &domain.TSEService{Till: r.books, Shop: r.books.Settings(), Keychain: kc, Connection: r.reg.Connection, Clock: r.clock,
		Register: r.reg, Simulator: sim, Make: func(s domain.TSESettings, secret string) (domain.TSEProvisioner, error) {
			if secret != "fiskaly-secret" {
				return nil, domain.Errorf(domain.EUNAUTHORIZED, "wrong secret")
			}
			return made, nil
		}}
	r.reg.TSESource = svc.Current
	setShop := func(country string) {
		if err := r.books.Settings().Update(ctx, func(tx domain.Tx) error {
			sh, _ := tx.Shop()
			sh.Name, sh.Country = "Laden", country
			return tx.SaveShop(sh)
		}); err != nil {
			t.Fatal(err)
		}
	}
	setShop("FR")
	if svc.Current(ctx) != nil || svc.Status(ctx).Warning.Format != "" {
		t.Error("a French shop has a TSE")
	}
	setShop("DE")
	if svc.Current(ctx) != domain.TSE(sim) {
		t.Error("a German demo till does not sign with the simulator")
	}
	if st := svc.Status(ctx); !st.Info.Simulated || st.Warning.Format != "" {
		t.Errorf("demo status %+v", st)
	}
	// Live mode without a TSE: warned.
	if err := r.reg.Connection.Use(domain.Credentials{Mode: domain.ModeLive, SecretKey: "sk_live_x"}); err != nil {
		t.Fatal(err)
	}
	if svc.Current(ctx) != nil || !strings.Contains(svc.Status(ctx).Warning.Format, "No TSE") {
		t.Errorf("live without a TSE: %+v", svc.Status(ctx))
	}
	// Wrong input is said by field.
	tss, client := domain.NewTSEIDs()
	for field, bad := range map[string]domain.TSESettings{
		"api_key": {Provider: domain.TSEFiskaly, TSSID: tss, ClientID: client},
		"tss":     {Provider: domain.TSEFiskaly, APIKey: "key", TSSID: "not-a-uuid", ClientID: client},
	} {
		var fe *domain.FieldError
		if _, err := svc.Save(ctx, bad, "fiskaly-secret"); !errors.As(err, &fe) || fe.Field != field {
			t.Errorf("%s: %v", field, err)
		}
	}
	if _, err := svc.Save(ctx, domain.TSESettings{Provider: domain.TSEFiskaly, APIKey: "key", TSSID: tss, ClientID: client}, "wrong"); domain.ErrorCode(err) != domain.EUNAUTHORIZED {
		t.Errorf("a wrong secret: %v", err)
	}
	info, err := svc.Save(ctx, domain.TSESettings{Provider: domain.TSEFiskaly, APIKey: "key", TSSID: tss, ClientID: client}, "fiskaly-secret")
	if err != nil || info.Serial == "" {
		t.Fatalf("set-up: %+v %v", info, err)
	}
	pin, _ := kc.Get(domain.FiskalyAdminPINName)
	secret, _ := kc.Get(domain.FiskalySecretName)
	if made.calls != 1 || made.pin != pin || len(pin) != 10 || secret != "fiskaly-secret" || made.serial == "" {
		t.Errorf("provisioned %+v, pin %q, secret %q", made, pin, secret)
	}
	set, _ := svc.Settings(ctx)
	if set.SecretHint != "…cret" || set.SetUp.IsZero() {
		t.Errorf("settings %+v", set)
	}
	if svc.Current(ctx) != domain.TSE(made) || svc.Status(ctx).Warning.Format != "" {
		t.Error("live mode does not sign with the TSE set up")
	}
	// A live sale is signed by it.
	s := r.germanSale()
	must(t)(r.reg.PayCash(ctx, s.ID, r.cash, 1000))
	if sale := r.saleNow(s.ID); !sale.TSE.Signed() || sale.TSE.Sig.ClientSerial != "TALLY-KASSE-1" {
		t.Errorf("the live sale: %+v", sale.TSE)
	}
	reg, err := svc.Registration(ctx, "1.0")
	if err != nil || reg.TSESerial != info.Serial || reg.TillSerial != "TALLY-KASSE-1" || reg.InUseSince.IsZero() {
		t.Errorf("registration %+v %v", reg, err)
	}
}

// TestTSESignsWhatTheEventsPaid: a card payment the register did not see
// through (the customer paid while it looked away) is signed as soon as
// Stripe's events say the sale is paid.
func TestTSESignsWhatTheEventsPaid(t *testing.T) {
	ctx := context.Background()
	r := newTill(t)
	withTSE(t, r, nil)
	r.events.AfterApply = func(ctx context.Context) { r.reg.SignOpen(ctx) }
	s, err := r.reg.Checkout(ctx, domain.Cart{Currency: eur, TaxInclusive: true, Lines: []domain.SaleLine{
		{Description: "Kaffee", Quantity: 1, UnitPrice: 380, TaxRate: 190000}}})
	if err != nil {
		t.Fatal(err)
	}
	a := must(t)(r.reg.StartCard(ctx, s.ID, r.card, 0)).Attempt
	if _, err := r.sim.PresentPaymentMethod(ctx, domain.IdempotencyKey("behind-tse"), r.reader, domain.CardSucceeds, 0); err != nil {
		t.Fatal(err)
	}
	if r.saleNow(s.ID).TSE.Signed() {
		t.Fatal("signed before Tally knew it was paid")
	}
	r.sync()
	sale := r.saleNow(s.ID)
	if sale.Status != domain.SalePaid || !sale.TSE.Signed() || sale.TSE.Sig.ProcessData != "Beleg^3.80_0.00_0.00_0.00_0.00^3.80:Unbar" {
		t.Errorf("after the events: %s, %+v (attempt %d)", sale.Status, sale.TSE, a.ID)
	}
}
