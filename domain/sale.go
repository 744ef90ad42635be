package domain

import (
	"strings"
	"time"
)

// TaxRate is a rate (tax or discount) in millionths: 200000 is 20 %,
// 88750 is New York City's 8.875 %. RateScale is 100 %.
type TaxRate int64

// RateScale is a TaxRate of 100 %.
const RateScale = 1_000_000

// String writes the rate as a percentage, "8.875 %".
func (r TaxRate) String() string {
	s := FormatAmount(int64(r), 4)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s + " %"
}

// ParseTaxRate reads "20", "7.7", "8.875 %" as a rate (up to four decimals).
func ParseTaxRate(text string) (TaxRate, error) {
	r, ok := parsePercent(text)
	if !ok {
		return 0, Errorf(EINVALID, "%q is not a tax rate: write a percentage from 0 to 100, such as 20 or 7.7", text)
	}
	return r, nil
}

// parsePercent reads a percentage from 0 to 100 with up to four
// decimals; "" is 0.
func parsePercent(text string) (TaxRate, bool) {
	t := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(text), "%"))
	if t == "" {
		return 0, true
	}
	v, err := ParseAmount(t, 4)
	if err != nil || v < 0 || v > RateScale {
		return 0, false
	}
	return TaxRate(v), true
}

// ParseDiscount reads a discount as a percentage: "10", "12.5 %".
func ParseDiscount(text string) (TaxRate, error) {
	r, ok := parsePercent(text)
	if !ok {
		return 0, Errorf(EINVALID, "%q is not a discount: write a percentage from 0 to 100, such as 10 or 12.5", text)
	}
	return r, nil
}

// Product is something the register sells at a set price.
type Product struct {
	ID       int64 // 0 until saved
	Name     string
	Price    Money // tax included or not as the register's settings say
	TaxRate  TaxRate
	Barcode  string
	QuickKey bool // shown as a button on the register
	Archived bool
}

// Validate checks the product on its own; a name or barcode used by another
// product is the store's ECONFLICT.
func (p Product) Validate() error {
	switch {
	case strings.TrimSpace(p.Name) == "":
		return fieldErr("name", Errorf(EINVALID, "Give the product a name."))
	case p.Price.Currency.IsZero():
		return fieldErr("price", Errorf(EINVALID, "The price needs a currency."))
	case p.Price.Amount < 0:
		return fieldErr("price", Errorf(EINVALID, "A price cannot be negative: a refund is made from the Payments screen."))
	case p.TaxRate < 0 || p.TaxRate > RateScale:
		return fieldErr("tax", Errorf(EINVALID, "A tax rate is from 0 to 100 %%."))
	case strings.ContainsAny(p.Barcode, " \t\r\n"):
		return fieldErr("barcode", Errorf(EINVALID, "A barcode has no spaces."))
	}
	return nil
}

// RegisterSettings are the shop's register settings.
type RegisterSettings struct {
	// Shop is the shop's description as stored (zero until the set-up
	// or Settings saved one); ShopName and Currency are what the register
	// uses, the shop's where it has them.
	Shop           Shop
	ShopName       string
	Currency       Currency
	TaxInclusive   bool // prices include tax (usual in Europe) or tax is added (usual in the US)
	DefaultTaxRate TaxRate
	Till           string
}

// SaleLine is one line of a cart: a product or a free amount.
type SaleLine struct {
	ProductID   int64 // 0 for a free-amount line
	Description string
	Quantity    int64
	UnitPrice   int64   // minor units, tax included when the cart is
	Discount    TaxRate // the line's discount, a rate of its price
	TaxRate     TaxRate
	// Computed by Cart.Totals.
	DiscountAmount, Net, Tax, Total int64
}

// Cart is a sale being rung up.
type Cart struct {
	Currency     Currency
	TaxInclusive bool
	Lines        []SaleLine
	Discount     TaxRate // on the whole cart, a rate
	ReceiptEmail string
	// CustomerID names the sale's customer (0: none); CustomerName is
	// read with the sale, for the screens.
	CustomerID   int64
	CustomerName string
}

// Totals of a cart, in minor units.
type Totals struct {
	Gross    int64 // before discounts, as the prices are written
	Discount int64
	Net      int64 // without tax
	Tax      int64
	Total    int64 // what the customer pays
}

// Totals computes each line's amounts and the cart's totals, rounding each
// line's discount and tax half away from zero in minor units (never
// truncating), so that the lines add up to the totals exactly. The cart
// discount is applied to every line after its own discount, so each tax
// rate keeps its own base.
func (c *Cart) Totals() Totals {
	var t Totals
	for i := range c.Lines {
		l := &c.Lines[i]
		gross := l.UnitPrice * l.Quantity
		afterLine := gross - divRound(gross*int64(l.Discount), RateScale)
		amount := afterLine - divRound(afterLine*int64(c.Discount), RateScale)
		l.DiscountAmount = gross - amount
		if c.TaxInclusive {
			l.Tax = divRound(amount*int64(l.TaxRate), RateScale+int64(l.TaxRate))
			l.Net, l.Total = amount-l.Tax, amount
		} else {
			l.Tax = divRound(amount*int64(l.TaxRate), RateScale)
			l.Net, l.Total = amount, amount+l.Tax
		}
		t.Gross += gross
		t.Discount += l.DiscountAmount
		t.Net += l.Net
		t.Tax += l.Tax
		t.Total += l.Total
	}
	return t
}

// TaxInGross is the tax within a gross amount at rate, rounded as a cart
// with prices including tax rounds it.
func TaxInGross(gross int64, rate TaxRate) int64 {
	return divRound(gross*int64(rate), RateScale+int64(rate))
}

// TaxOf is the tax on a net amount at rate, rounded as a cart rounds it.
func TaxOf(net int64, rate TaxRate) int64 { return divRound(net*int64(rate), RateScale) }

// Validate checks the cart can become a sale.
func (c *Cart) Validate() error {
	if c.Currency.IsZero() {
		return Errorf(EINVALID, "The register has no currency: set it under Settings.")
	}
	if len(c.Lines) == 0 {
		return Errorf(EINVALID, "The cart is empty: add a product or an amount first.")
	}
	for _, l := range c.Lines {
		switch {
		case l.Quantity <= 0:
			return Errorf(EINVALID, "%s: a quantity is at least 1; remove the line instead.", l.Description)
		case l.UnitPrice < 0:
			return Errorf(EINVALID, "%s: a price cannot be negative.", l.Description)
		case l.Discount < 0 || l.Discount > RateScale:
			return Errorf(EINVALID, "%s: a discount is from 0 to 100 %%.", l.Description)
		}
	}
	if c.Discount < 0 || c.Discount > RateScale {
		return Errorf(EINVALID, "A discount is from 0 to 100 %%.")
	}
	if em := strings.TrimSpace(c.ReceiptEmail); em != "" && (!strings.Contains(em, "@") || strings.ContainsAny(em, " ,;")) {
		return fieldErr("email", Errorf(EINVALID, "%q is not an e-mail address.", em))
	}
	t := c.Totals()
	if t.Total <= 0 {
		return Errorf(EINVALID, "The total is zero: there is nothing to pay.")
	}
	return nil
}

// SaleStatus is where a sale stands.
type SaleStatus string

// Sale states.
const (
	SaleOpen     SaleStatus = "open"     // waiting for payment
	SalePaid     SaleStatus = "paid"     // covered by settled payments
	SaleCanceled SaleStatus = "canceled" // given up, nothing taken
)

// Words is the status as a sentence says it: paid, cancelled, open.
func (s SaleStatus) Words() string {
	if s == SaleCanceled {
		return "cancelled"
	}
	return string(s)
}

// Sale is a cart saved for payment, with what was paid against it.
type Sale struct {
	ID       int64
	Number   int64 // the receipt number, one after the other
	Till     string
	Created  time.Time
	Cart     Cart
	Totals   Totals
	Status   SaleStatus
	Settled  time.Time
	Attempts []Attempt
	// TSE is the sale's TSE transaction, where the register has a TSE
	// (filled by RegisterService.Sale; nil otherwise).
	TSE *TSERecord
}

// Paid sums the settled attempts (succeeded or authorised).
func (s Sale) Paid() int64 {
	var n int64
	for _, a := range s.Attempts {
		if a.Status.Settled() {
			n += a.Amount.Amount
		}
	}
	return n
}

// Due is what is left to pay.
func (s Sale) Due() int64 { return max(s.Totals.Total-s.Paid(), 0) }

// Pending returns the attempt not settled yet, if any.
func (s Sale) Pending() (Attempt, bool) {
	for _, a := range s.Attempts {
		if a.Status == AttemptPending {
			return a, true
		}
	}
	return Attempt{}, false
}

// AttemptStatus is where a payment attempt stands.
type AttemptStatus string

// Attempt states. Only Stripe moves a card or QR attempt out of pending.
const (
	AttemptPending    AttemptStatus = "pending"    // asked of Stripe, outcome not known yet
	AttemptAuthorized AttemptStatus = "authorized" // manual capture: the money is held, to be captured
	AttemptSucceeded  AttemptStatus = "succeeded"
	AttemptFailed     AttemptStatus = "failed"   // declined for good, or the page expired
	AttemptCanceled   AttemptStatus = "canceled" // given up, nothing taken
)

// Settled reports whether the attempt's money counts toward the sale.
func (s AttemptStatus) Settled() bool { return s == AttemptSucceeded || s == AttemptAuthorized }

// Stages of a pending attempt: how far it got, so that a restart knows what
// to ask Stripe.
const (
	StageStored    = "stored"    // saved, nothing sent yet
	StageIntent    = "intent"    // the PaymentIntent exists
	StageOnReader  = "on_reader" // handed to the reader, waiting for the card
	StageDeclined  = "declined"  // the card was declined; retry on the same PaymentIntent
	StagePage      = "page"      // the payment page exists and is shown
	StageCanceling = "canceling" // the cashier asked to stop
)

// Attempt is one try at taking (part of) a sale's amount by one method.
type Attempt struct {
	ID            int64
	SaleID        int64
	MethodID      int64
	MethodName    string
	Kind          MethodKind
	Amount        Money
	Tip           int64 // card: what the customer added on the reader, apart from Amount
	TipsOffered   bool  // card: the reader offers a tip
	Tendered      int64 // cash: what the customer handed over
	Change        int64 // cash: what went back
	Key           IdempotencyKey
	Status        AttemptStatus
	Stage         string
	Message       string // what the cashier last read about it
	ReaderID      string
	CaptureMethod CaptureMethod
	Tries         int // how many times the PaymentIntent was handed to a reader
	PaymentIntent string
	SessionID     string
	SessionURL    string
	SessionExpiry time.Time
	PageMessage   string // the page's message after paying, as first asked for
	ChargeID      string
	Card          Card
	// AuthorizedAt is when a manual-capture payment was authorised: Stripe
	// lets a card-present authorisation be captured for two days.
	AuthorizedAt time.Time
	// RefundedAtStripe is the charge's amount_refunded as Stripe's events
	// last told it, refunds made outside Tally included.
	RefundedAtStripe int64
	Disputed         string // the dispute's status; "" when none
	Created          time.Time
	Updated          time.Time
}

// CaptureDeadline is when an authorisation lapses if not captured: two
// days after it was authorised, for a card-present payment.
func (a Attempt) CaptureDeadline() time.Time {
	if a.Status != AttemptAuthorized || a.AuthorizedAt.IsZero() {
		return time.Time{}
	}
	return a.AuthorizedAt.Add(CaptureWindow)
}

// CaptureWindow is how long Stripe holds a card-present authorisation.
const CaptureWindow = 48 * time.Hour

// key derives the idempotency key of one request of the attempt: the same
// request after a crash or a timeout carries the same key.
func (a Attempt) key(request string) IdempotencyKey {
	return IdempotencyKey(string(a.Key) + ":" + request)
}

// DayClose is a Z report: a till's takings since its last close.
type DayClose struct {
	ID           int64
	Till         string
	ClosedAt     time.Time
	Currency     Currency
	Sales        int
	Canceled     int
	Total        int64
	Tax          int64
	ByMethod     []MethodTotal
	CashExpected int64
	CashCounted  int64
	Refunds      int64 // made since the last close, card and cash
	RefundCount  int
	Tips         int64 // added on the reader, owed to the staff
	Uncaptured   int   // payments authorised on a manual-capture method and not captured yet
	Fees         int64 // Stripe's fees on the day's card and QR payments, where known
	FeesKnown    bool  // every card and QR payment's fee is known
	FeesFound    int   // payments whose fee is known (their charge imported or fetched)
	FeesOf       int   // card and QR payments
	// The drawer: what the last close left in it, the floats, cash in
	// and out since, the cash sales and refunds; what was counted (by
	// denomination, when so counted); what stays for tomorrow, and what
	// went to the bank.
	Carried      int64
	Float        int64
	CashIn       int64
	CashOut      int64
	CashSales    int64
	CashRefunds  int64
	Count        map[int64]int64 // pieces of each denomination, minor units
	NotCounted   bool            // an X report, or a close whose drawer was not counted
	LeftInDrawer int64
	Deposit      int64
	// TaxByRate is the net, tax and gross of each rate.
	TaxByRate []RateTotal
	// X marks a report of the day so far (nothing closed).
	X bool
	// OpenSales are the numbers of sales still open at the close: not
	// counted by it, left for the next.
	OpenSales []int64
}

// RateTotal is what one tax rate took.
type RateTotal struct {
	Rate            TaxRate
	Net, Tax, Gross int64
}

// add counts a cart line of the rate.
func (r *RateTotal) add(l SaleLine) {
	r.Net += l.Net
	r.Tax += l.Tax
	r.Gross += l.Total
}

// MethodTotal is what one payment method took.
type MethodTotal struct {
	Method string
	Kind   MethodKind
	Count  int
	Amount int64
}

// CashDifference is counted minus expected: negative when cash is missing.
func (d DayClose) CashDifference() int64 { return d.CashCounted - d.CashExpected }
