package domain

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RegisterService rings up sales and takes their payment: in cash, on a card
// reader (Stripe Terminal, server-driven) or by a QR code of a Checkout
// Session. Its rules, from Stripe's guidance and from what went wrong
// elsewhere:
//
//   - an attempt is stored with its idempotency key before any call to
//     Stripe, and every request of the attempt derives its key from it, so a
//     retry after a crash or a timeout can never act twice;
//   - a sale is paid only when Stripe says succeeded (or requires_capture
//     for a manual-capture method): there is no button that says so;
//   - a declined card is retried on the same PaymentIntent, and a
//     PaymentIntent given up is cancelled;
//   - a timeout or a lost connection is looked up before anything is said;
//   - an open payment page is expired before the sale is settled another
//     way, so it cannot be paid as well.
type RegisterService struct {
	Till       TillStore
	Store      Store // the books of the mode in use: payment methods
	Shop       Store // the shop's own file: its Stripe settings
	Connection *Connection
	Clock      Clock
	// Demo, when set, plays the customer in demo mode (never in test or
	// live mode, where a real phone or the reader's test card is used).
	Demo DemoCustomer
	// Documents writes receipts and Z reports to files (nil: refused).
	Documents Documents
	// Printers sends receipts to the till's receipt printer and kicks its
	// cash drawer (nil: this build cannot print).
	Printers Printers
	// Access, when set, guards the day close with the owner's PIN and
	// audits it.
	Access *AccessService
	// startPending are the attempts unfinished at start (NoteStart), for
	// Recover to report whoever settles them.
	startMu      sync.Mutex
	startPending []int64
	// TillName, when set, is this computer's till (TALLY_TILL), where
	// several share one server: its sales and day close carry it, and it
	// is offered the methods of its till. Empty: the register settings'.
	TillName string
	// TSE, when set, signs each sale (Germany's KassenSichV; nil: no TSE).
	TSE TSE
	// TSESource, when set, chooses the TSE at each sale instead
	// (TSEService.Current): the mode or the shop may change meanwhile.
	TSESource func(context.Context) TSE
	// DSFinVKWriter writes the DSFinV-K export (nil: refused).
	DSFinVKWriter DSFinVKWriter
	// Log gets what the cashier is not told (nil: slog's default).
	Log          *slog.Logger
	tseMu        sync.Mutex
	tseInfoCache TSEInfo
	tseInfoFor   TSE
	tseDownUntil time.Time // a TSE that did not answer is left alone until then
	tseSign      sync.Mutex
}

func (s *RegisterService) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// RegisterSettings returns the register's settings, with the account's
// currency and name where none were chosen.
func (s *RegisterService) RegisterSettings(ctx context.Context) (RegisterSettings, error) {
	var rs RegisterSettings
	err := s.Till.ViewTill(ctx, func(tx TillTx) (err error) {
		rs, err = tx.RegisterSettings()
		return err
	})
	if err != nil {
		return rs, err
	}
	// The shop (the first-run set-up's, Settings > Shop) is the one shop:
	// its name and currency win over what the till kept; then the Stripe
	// account's.
	var st Settings
	var shop Shop
	if s.Shop != nil {
		_ = s.Shop.View(ctx, func(tx Tx) (err error) {
			if shop, err = tx.Shop(); err != nil {
				return err
			}
			if s.Connection.Mode() != ModeDisabled {
				st, err = tx.Settings()
			}
			return err
		})
	}
	rs.Shop = shop
	if shop.Name != "" {
		rs.ShopName = shop.Name
	}
	if !shop.Currency.IsZero() {
		rs.Currency = shop.Currency
	}
	for _, c := range []Currency{st.Account.DefaultCurrency, MustCurrency("EUR")} {
		if rs.Currency.IsZero() {
			rs.Currency = c
		}
	}
	if rs.ShopName == "" {
		rs.ShopName = st.Account.Name
	}
	if rs.ShopName == "" && s.Connection.Mode() == ModeDisabled {
		rs.ShopName = "Tally Demo Shop"
	}
	if s.TillName != "" {
		rs.Till = s.TillName
	}
	if rs.Till == "" {
		rs.Till = "Till 1"
	}
	return rs, nil
}

// SaveRegisterSettings stores the register's settings.
func (s *RegisterService) SaveRegisterSettings(ctx context.Context, rs RegisterSettings) error {
	if rs.Currency.IsZero() {
		return fieldErr("currency", Errorf(EINVALID, "Choose the register's currency."))
	}
	if rs.DefaultTaxRate < 0 || rs.DefaultTaxRate > RateScale {
		return fieldErr("tax", Errorf(EINVALID, "A tax rate is from 0 to 100 %%."))
	}
	rs.Till = strings.TrimSpace(rs.Till)
	if rs.Till == "" {
		rs.Till = "Till 1"
	}
	if s.Shop != nil {
		// The name and currency are the shop's: a set-up shop keeps them
		// there, so Settings and the register never show two names.
		err := s.Shop.Update(ctx, func(tx Tx) error {
			sh, err := tx.Shop()
			if err != nil || sh.Country == "" {
				return err
			}
			if n := strings.TrimSpace(rs.ShopName); n != "" {
				sh.Name = n
			}
			sh.Currency = rs.Currency
			if err := sh.Validate(); err != nil {
				return err
			}
			return tx.SaveShop(sh)
		})
		if err != nil {
			return err
		}
	}
	return s.Till.UpdateTill(ctx, func(tx TillTx) error {
		if s.TillName != "" {
			// This computer's name is its own: the shared default stays.
			cur, err := tx.RegisterSettings()
			if err != nil {
				return err
			}
			rs.Till = cur.Till
		}
		return tx.SaveRegisterSettings(rs)
	})
}

// Products lists the products in use.
func (s *RegisterService) Products(ctx context.Context) ([]Product, error) {
	var out []Product
	err := s.Till.ViewTill(ctx, func(tx TillTx) (err error) {
		out, err = tx.Products(false)
		return err
	})
	return out, err
}

// SaveProduct validates and stores a product.
func (s *RegisterService) SaveProduct(ctx context.Context, p Product) (Product, error) {
	p.Name, p.Barcode = strings.TrimSpace(p.Name), strings.TrimSpace(p.Barcode)
	if err := p.Validate(); err != nil {
		return p, err
	}
	err := s.Till.UpdateTill(ctx, func(tx TillTx) error { return tx.SaveProduct(&p) })
	return p, err
}

// Lookup finds the product with a barcode, as a scanner types it.
func (s *RegisterService) Lookup(ctx context.Context, barcode string) (Product, error) {
	var p Product
	err := s.Till.ViewTill(ctx, func(tx TillTx) (err error) {
		p, err = tx.ProductByBarcode(strings.TrimSpace(barcode))
		return err
	})
	return p, err
}

// Methods returns the payment methods in use at this till (those of no
// till in particular, and its own), in the order they were made.
func (s *RegisterService) Methods(ctx context.Context) ([]PaymentMethod, error) {
	rs, err := s.RegisterSettings(ctx)
	if err != nil {
		return nil, err
	}
	var out []PaymentMethod
	err = s.Store.View(ctx, func(tx Tx) error {
		all, err := tx.PaymentMethods()
		for _, m := range all {
			if !m.Archived && (m.Till == "" || strings.EqualFold(m.Till, rs.Till)) {
				out = append(out, m)
			}
		}
		return err
	})
	return out, err
}

func (s *RegisterService) method(ctx context.Context, id int64) (PaymentMethod, error) {
	ms, err := s.Methods(ctx)
	if err != nil {
		return PaymentMethod{}, err
	}
	for _, m := range ms {
		if m.ID == id {
			return m, nil
		}
	}
	return PaymentMethod{}, Errorf(ENOTFOUND, "This payment method is archived or gone: choose another.")
}

// Checkout saves the cart as an open sale, ready to be paid.
func (s *RegisterService) Checkout(ctx context.Context, cart Cart) (Sale, error) {
	if err := cart.Validate(); err != nil {
		return Sale{}, err
	}
	rs, err := s.RegisterSettings(ctx)
	if err != nil {
		return Sale{}, err
	}
	cart.ReceiptEmail = strings.TrimSpace(cart.ReceiptEmail)
	sale := Sale{Till: rs.Till, Created: s.Clock.Now(), Cart: cart, Status: SaleOpen}
	sale.Totals = sale.Cart.Totals()
	if err := (Money{Amount: sale.Totals.Total, Currency: cart.Currency}).ValidateCharge(); err != nil {
		return Sale{}, Errorf(EINVALID, "The total cannot be charged: %s.", ErrorMessage(err))
	}
	err = s.Till.UpdateTill(ctx, func(tx TillTx) error {
		if cart.CustomerID != 0 {
			c, err := tx.Customer(cart.CustomerID)
			if err != nil {
				return err
			}
			sale.Cart.CustomerName = c.Name
			if sale.Cart.ReceiptEmail == "" {
				sale.Cart.ReceiptEmail = c.Email // Stripe's receipt goes to the named customer
			}
		}
		return tx.InsertSale(&sale)
	})
	if t := s.tse(ctx); err == nil && t != nil {
		// The sale's TSE transaction starts as the sale opens; the TSE
		// failing is recorded on it and stops nothing.
		if rec, terr := s.tseStart(ctx, t, sale); terr != nil {
			s.log().Error("record the sale's TSE transaction", "sale", sale.ID, "err", terr)
		} else {
			sale.TSE = &rec
		}
	}
	return sale, err
}

// Sale returns a sale with its attempts.
func (s *RegisterService) Sale(ctx context.Context, id int64) (Sale, error) {
	var sale Sale
	err := s.Till.ViewTill(ctx, func(tx TillTx) (err error) {
		if sale, err = tx.Sale(id); err != nil {
			return err
		}
		return withTSE(tx, &sale)
	})
	return sale, err
}

// withTSE fills the sale's TSE record, when it has one.
func withTSE(tx TillTx, sale *Sale) error {
	rec, err := tx.TSERecord("sale", sale.ID)
	if ErrorCode(err) == ENOTFOUND {
		return nil
	}
	if err == nil {
		sale.TSE = &rec
	}
	return err
}

// SaleByNumber returns the sale with the receipt number.
func (s *RegisterService) SaleByNumber(ctx context.Context, number int64) (Sale, error) {
	var sale Sale
	err := s.Till.ViewTill(ctx, func(tx TillTx) (err error) {
		sale, err = tx.SaleByNumber(number)
		return err
	})
	return sale, err
}

// PaymentResult is what a payment step leaves: the attempt as it stands,
// its sale, and what to tell the cashier.
type PaymentResult struct {
	Attempt Attempt
	Sale    Sale
	Message string
}

// Done reports whether the attempt is settled one way or the other.
func (r PaymentResult) Done() bool { return r.Attempt.Status != AttemptPending }

// newAttempt stores a pending attempt for part or all of what is due, after
// settling what stands in its way: an open payment page is expired first
// (and, if the customer paid it meanwhile, the sale counts that payment).
func (s *RegisterService) newAttempt(ctx context.Context, saleID int64, m PaymentMethod, amount int64, fill func(*Attempt)) (Attempt, Sale, error) {
	sale, err := s.Sale(ctx, saleID)
	if err != nil {
		return Attempt{}, sale, err
	}
	if p, ok := sale.Pending(); ok {
		// A payment page, or a card the reader declined, is given up first
		// (the page expired, the PaymentIntent cancelled), so that it can
		// never be paid as well; a card still on the reader is waited for.
		if p.Kind != MethodQRLink && p.Stage != StageDeclined {
			return Attempt{}, sale, Errorf(ECONFLICT, "A card payment is still under way on the reader: wait for it, or cancel it first.")
		}
		res, err := s.Cancel(ctx, p.ID)
		if err != nil {
			if p.Kind != MethodQRLink {
				return Attempt{}, sale, fmt.Errorf("give up the declined card first: %w", err)
			}
			return Attempt{}, sale, fmt.Errorf("close the payment page first: %w", err)
		}
		switch {
		case res.Attempt.Status == AttemptPending && p.Kind == MethodQRLink:
			return Attempt{}, res.Sale, Errorf(ECONFLICT, "The payment page could not be closed yet: %s", res.Message)
		case res.Attempt.Status == AttemptPending:
			return Attempt{}, res.Sale, Errorf(ECONFLICT, "The declined card payment could not be given up yet: %s", res.Message)
		case res.Attempt.Status.Settled() && p.Kind == MethodQRLink:
			return Attempt{}, res.Sale, Errorf(ECONFLICT, "The customer paid on the QR page meanwhile: %s", res.Message)
		case res.Attempt.Status.Settled():
			return Attempt{}, res.Sale, Errorf(ECONFLICT, "The card was paid on the reader meanwhile: %s", res.Message)
		}
		if sale, err = s.Sale(ctx, saleID); err != nil {
			return Attempt{}, sale, err
		}
	}
	if sale.Status != SaleOpen {
		return Attempt{}, sale, Errorf(ECONFLICT, "Sale #%d is %s: nothing more to pay.", sale.Number, sale.Status.Words())
	}
	if m.IdentifyCustomer && sale.Cart.CustomerID == 0 {
		return Attempt{}, sale, fieldErr("customer", Errorf(EINVALID, "%s is offered only for a sale that names its customer: choose the customer before the first payment, or take another way to pay.", m.Name))
	}
	due := sale.Due()
	if amount == 0 {
		amount = due
	}
	if amount <= 0 || amount > due {
		return Attempt{}, sale, fieldErr("amount", Errorf(EINVALID, "Take between 0 and the %s still due.", New(due, sale.Cart.Currency)))
	}
	if most := MaxChargeAmount(sale.Cart.Currency); m.Kind != MethodCash && amount > most {
		return Attempt{}, sale, fieldErr("amount", Errorf(EINVALID, "Stripe takes at most %s in one payment: take the rest in a second payment (F3).", New(most, sale.Cart.Currency)))
	}
	now := s.Clock.Now()
	a := Attempt{SaleID: sale.ID, MethodID: m.ID, MethodName: m.Name, Kind: m.Kind, Amount: Money{Amount: amount, Currency: sale.Cart.Currency},
		Key: NewIdempotencyKey("tally-attempt"), Status: AttemptPending, Stage: StageStored, Created: now, Updated: now}
	if fill != nil {
		fill(&a)
	}
	err = s.Till.UpdateTill(ctx, func(tx TillTx) error { return tx.InsertAttempt(&a) })
	return a, sale, err
}

// PayCash takes tendered (minor units) in cash toward what is due: the
// attempt is the smaller of the two, the rest is change. A sale with an open
// payment page has the page expired first.
func (s *RegisterService) PayCash(ctx context.Context, saleID, methodID, tendered int64) (PaymentResult, error) {
	m, err := s.method(ctx, methodID)
	if err != nil {
		return PaymentResult{}, err
	}
	if m.Kind != MethodCash {
		return PaymentResult{}, Errorf(EINVALID, "%s is not a cash method.", m.Name)
	}
	if tendered <= 0 {
		return PaymentResult{}, fieldErr("tendered", Errorf(EINVALID, "Type the amount the customer hands over."))
	}
	sale, err := s.Sale(ctx, saleID)
	if err != nil {
		return PaymentResult{}, err
	}
	amount := min(tendered, sale.Due())
	a, sale, err := s.newAttempt(ctx, saleID, m, amount, func(a *Attempt) {
		a.Tendered, a.Change = tendered, tendered-amount
		a.Status, a.Stage = AttemptSucceeded, ""
	})
	if err != nil {
		return PaymentResult{Sale: sale}, err
	}
	res, err := s.settle(ctx, a, "")
	cur := sale.Cart.Currency
	res.Message = "Cash " + New(amount, cur).String() + " taken."
	if a.Change > 0 {
		res.Message = "Cash " + New(amount, cur).String() + " taken. Change: " + New(a.Change, cur).String() + "."
	}
	return res, err
}

// settle records a's new state and marks the sale paid when its settled
// attempts cover the total. An attempt already settled is left as it is:
// settling twice (from a poll and a restart) changes nothing.
func (s *RegisterService) settle(ctx context.Context, a Attempt, msg string) (PaymentResult, error) {
	var res PaymentResult
	err := s.Till.UpdateTill(ctx, func(tx TillTx) (err error) {
		res, err = settleTx(tx, a, msg, s.Clock.Now())
		return err
	})
	if err == nil {
		res.Sale.TSE = s.signSettled(ctx, res.Sale)
	}
	return res, err
}

// signSettled signs a sale that is paid or given up now (a no-op without
// a TSE, or for an open sale) and returns its record for the receipt.
func (s *RegisterService) signSettled(ctx context.Context, sale Sale) *TSERecord {
	rec, err := s.SignSale(ctx, sale.ID)
	if err != nil {
		s.log().Error("sign the sale at the TSE", "sale", sale.ID, "err", err)
	}
	return rec
}

// settleTx is settle inside a transaction: the register's polls and
// Stripe's events settle attempts the same way.
func settleTx(tx TillTx, a Attempt, msg string, now time.Time) (PaymentResult, error) {
	cur, err := tx.Attempt(a.ID)
	if err != nil {
		return PaymentResult{}, err
	}
	if cur.Status != AttemptPending && cur.Status != AttemptAuthorized {
		a = cur // already final: keep what was recorded first
	} else {
		a.Updated = now
		if msg != "" {
			a.Message = msg
		}
		if a.Status == AttemptAuthorized && a.AuthorizedAt.IsZero() {
			a.AuthorizedAt = now
		}
		if err := tx.SaveAttempt(a); err != nil {
			return PaymentResult{}, err
		}
	}
	sale, err := tx.Sale(a.SaleID)
	if err != nil {
		return PaymentResult{}, err
	}
	if sale.Status == SaleOpen && sale.Due() == 0 {
		if err := tx.SetSaleStatus(sale.ID, SalePaid, now); err != nil {
			return PaymentResult{}, err
		}
		sale.Status, sale.Settled = SalePaid, now
	}
	return PaymentResult{Attempt: a, Sale: sale, Message: a.Message}, nil
}

// save records a pending attempt's progress (stage, ids, message).
func (s *RegisterService) save(ctx context.Context, a *Attempt) error {
	a.Updated = s.Clock.Now()
	return s.Till.UpdateTill(ctx, func(tx TillTx) error { return tx.SaveAttempt(*a) })
}

func (s *RegisterService) pending(ctx context.Context, a Attempt, msg string, cause error) (PaymentResult, error) {
	a.Message = msg
	if err := s.save(ctx, &a); err != nil {
		return PaymentResult{Attempt: a}, err
	}
	sale, err := s.Sale(ctx, a.SaleID)
	if err != nil {
		return PaymentResult{Attempt: a}, err
	}
	return PaymentResult{Attempt: a, Sale: sale, Message: msg}, cause
}

func (s *RegisterService) metadata(sale Sale, a Attempt) map[string]string {
	return map[string]string{
		"tally_sale": strconv.FormatInt(sale.ID, 10), "tally_sale_number": strconv.FormatInt(sale.Number, 10),
		"tally_attempt": strconv.FormatInt(a.ID, 10), "tally_till": sale.Till,
	}
}

// Attempt returns one attempt as stored.
func (s *RegisterService) Attempt(ctx context.Context, id int64) (Attempt, error) {
	var a Attempt
	err := s.Till.ViewTill(ctx, func(tx TillTx) (err error) {
		a, err = tx.Attempt(id)
		return err
	})
	return a, err
}

// stillPending loads an attempt; when it is settled already (done), res is
// what it came to.
func (s *RegisterService) stillPending(ctx context.Context, attemptID int64) (a Attempt, res PaymentResult, done bool, err error) {
	if a, err = s.Attempt(ctx, attemptID); err != nil {
		return a, res, false, err
	}
	if a.Status == AttemptPending {
		return a, res, false, nil
	}
	sale, err := s.Sale(ctx, a.SaleID)
	return a, PaymentResult{Attempt: a, Sale: sale, Message: a.Message}, true, err
}

// Check asks Stripe what became of a pending attempt and records it: the
// one action that replaces any "force done". It is safe to call at any time,
// from a poll or after a restart.
func (s *RegisterService) Check(ctx context.Context, attemptID int64) (PaymentResult, error) {
	a, res, done, err := s.stillPending(ctx, attemptID)
	if done || err != nil {
		return res, err
	}
	switch a.Kind {
	case MethodCardReader:
		return s.checkCard(ctx, a)
	case MethodQRLink:
		return s.checkQR(ctx, a)
	}
	return s.settle(ctx, a, "")
}

// Cancel gives a pending attempt up: the reader stops, the PaymentIntent is
// cancelled, the payment page expires. When Stripe says the money was taken
// meanwhile, the attempt is settled as paid instead, and the message says so.
func (s *RegisterService) Cancel(ctx context.Context, attemptID int64) (PaymentResult, error) {
	a, res, done, err := s.stillPending(ctx, attemptID)
	if done || err != nil {
		return res, err
	}
	switch a.Kind {
	case MethodCardReader:
		return s.cancelCard(ctx, a)
	case MethodQRLink:
		return s.cancelQR(ctx, a)
	}
	a.Status = AttemptCanceled
	return s.settle(ctx, a, "Cancelled.")
}

// CancelSale gives an open sale up: its pending attempt is cancelled first.
// A sale with money already taken cannot be cancelled: take the rest, or
// refund what was taken.
func (s *RegisterService) CancelSale(ctx context.Context, saleID int64) (Sale, error) {
	sale, err := s.Sale(ctx, saleID)
	if err != nil {
		return sale, err
	}
	if sale.Status != SaleOpen {
		return sale, Errorf(ECONFLICT, "Sale #%d is %s already.", sale.Number, sale.Status.Words())
	}
	if p, ok := sale.Pending(); ok {
		res, err := s.Cancel(ctx, p.ID)
		if err != nil {
			return res.Sale, err
		}
		if res.Attempt.Status == AttemptPending {
			return res.Sale, Errorf(ECONFLICT, "%s", res.Message)
		}
		sale = res.Sale
	}
	if sale.Paid() > 0 {
		return sale, Errorf(ECONFLICT, "Sale #%d has %s paid already: take the rest, or refund what was paid from the Payments screen.",
			sale.Number, New(sale.Paid(), sale.Cart.Currency))
	}
	if sale.Status != SaleOpen {
		return sale, nil
	}
	err = s.Till.UpdateTill(ctx, func(tx TillTx) error { return tx.SetSaleStatus(sale.ID, SaleCanceled, s.Clock.Now()) })
	if err != nil {
		return sale, err
	}
	sale.Status = SaleCanceled
	s.signSettled(ctx, sale)
	return s.Sale(ctx, saleID)
}
