package domain

import (
	"strings"
	"time"
)

// This file holds the Stripe objects Tally works with, as the domain sees
// them: only the fields Tally uses, in domain types (Money, time.Time).

// IdempotencyKey makes a write to Stripe safe to repeat: Stripe answers a
// repeated request with the same key with the first answer. Tally stores the
// key with the attempt before the request leaves, so a retry after a crash
// reuses it.
type IdempotencyKey string

// Account is the Stripe account a key belongs to.
type Account struct {
	ID              string
	Name            string // business or display name; may be empty on new accounts
	Country         string // ISO 3166-1 alpha-2
	DefaultCurrency Currency
	ChargesEnabled  bool
}

// Balance is the Stripe balance per currency.
type Balance struct {
	Available []Money
	Pending   []Money
}

// Address is a postal address as Stripe Terminal locations take it.
type Address struct {
	Line1, Line2, City, State, PostalCode, Country string
}

// Location is a Stripe Terminal location: readers belong to one.
type Location struct {
	ID          string
	DisplayName string
	Address     Address
}

// ReaderStatus says whether a reader is connected to Stripe.
type ReaderStatus string

// Reader statuses as Stripe reports them.
const (
	ReaderOnline  ReaderStatus = "online"
	ReaderOffline ReaderStatus = "offline"
)

// ActionStatus is the state of what a reader was asked to do.
type ActionStatus string

// Reader action states as Stripe reports them.
const (
	ActionInProgress ActionStatus = "in_progress"
	ActionSucceeded  ActionStatus = "succeeded"
	ActionFailed     ActionStatus = "failed"
)

// ReaderAction is the reader's current or last action.
type ReaderAction struct {
	Type            string // process_payment_intent, set_reader_display, ...
	Status          ActionStatus
	FailureCode     string
	FailureMessage  string
	PaymentIntentID string
}

// Reader is a Stripe Terminal reader.
type Reader struct {
	ID           string
	Label        string
	DeviceType   string
	SerialNumber string
	LocationID   string
	Status       ReaderStatus
	Action       *ReaderAction // nil when the reader is idle
	Livemode     bool
}

// Simulated reports whether the reader is one of Stripe's simulated readers.
func (r Reader) Simulated() bool {
	return strings.HasPrefix(r.DeviceType, "simulated_")
}

// ReaderCartLine is one line shown on a reader's screen.
type ReaderCartLine struct {
	Description string
	Quantity    int64
	Amount      int64 // minor units, for the whole line
}

// ReaderCart is what set_reader_display shows.
type ReaderCart struct {
	Currency Currency
	Lines    []ReaderCartLine
	Tax      int64
	Total    int64
}

// CaptureMethod says whether a payment is captured at once or later.
type CaptureMethod string

// Capture methods as Stripe names them.
const (
	CaptureAutomatic CaptureMethod = "automatic"
	CaptureManual    CaptureMethod = "manual"
)

// PaymentIntentStatus is a PaymentIntent's state at Stripe.
type PaymentIntentStatus string

// PaymentIntent states as Stripe names them.
const (
	PIRequiresPaymentMethod PaymentIntentStatus = "requires_payment_method"
	PIRequiresConfirmation  PaymentIntentStatus = "requires_confirmation"
	PIRequiresAction        PaymentIntentStatus = "requires_action"
	PIProcessing            PaymentIntentStatus = "processing"
	PIRequiresCapture       PaymentIntentStatus = "requires_capture"
	PICanceled              PaymentIntentStatus = "canceled"
	PISucceeded             PaymentIntentStatus = "succeeded"
)

// PaymentIntentParams describes a PaymentIntent to create.
type PaymentIntentParams struct {
	Amount             Money
	PaymentMethodTypes []string // for example card_present
	CaptureMethod      CaptureMethod
	Description        string
	ReceiptEmail       string
	Metadata           map[string]string
}

// Card is what Tally may keep of a card: never its number.
type Card struct {
	Brand    string
	Last4    string
	ExpMonth int
	ExpYear  int
}

// PaymentError is why Stripe refused the last payment attempt.
type PaymentError struct {
	Code        string
	DeclineCode string
	Message     string
}

// PaymentIntent is a payment at Stripe.
type PaymentIntent struct {
	ID               string
	Amount           Money
	AmountReceived   int64
	AmountCapturable int64
	Tip              int64 // added by the customer on the reader, included in Amount
	Status           PaymentIntentStatus
	CaptureMethod    CaptureMethod
	LatestChargeID   string
	Card             Card
	LastError        *PaymentError
	Metadata         map[string]string
	Created          time.Time
}

// CheckoutParams describes a hosted payment page for one sale.
type CheckoutParams struct {
	Amount         Money
	ProductName    string
	ExpiresAt      time.Time // Stripe accepts 30 minutes to 24 hours ahead
	SuccessMessage string
	SuccessURL     string
	Metadata       map[string]string
}

// CheckoutStatus is a Checkout Session's state.
type CheckoutStatus string

// Checkout Session states as Stripe names them.
const (
	CheckoutOpen     CheckoutStatus = "open"
	CheckoutComplete CheckoutStatus = "complete"
	CheckoutExpired  CheckoutStatus = "expired"
)

// CheckoutSession is a hosted payment page.
type CheckoutSession struct {
	ID              string
	URL             string
	Amount          Money
	Status          CheckoutStatus
	Paid            bool
	PaymentIntentID string
	ExpiresAt       time.Time
	Metadata        map[string]string
}

// Charge is what Tally reads of a charge in its events.
type Charge struct {
	ID              string
	PaymentIntentID string
	Amount          Money
	AmountRefunded  int64
	Refunded        bool // fully
}

// Payout is a payout of the Stripe balance to the bank.
type Payout struct {
	ID             string
	Amount         Money
	Status         string // pending, in_transit, paid, failed, canceled
	ArrivalDate    time.Time
	FailureMessage string
	Created        time.Time
}

// Dispute is a chargeback on a charge.
type Dispute struct {
	ID              string
	ChargeID        string
	PaymentIntentID string
	Amount          Money
	Reason          string
	Status          string
	Created         time.Time
}

// RefundParams describes a refund of (part of) a payment.
type RefundParams struct {
	PaymentIntentID string
	Amount          int64 // minor units in the payment's currency; 0 refunds what is left
	Reason          string
	Metadata        map[string]string
}

// Refund is a refund at Stripe.
type Refund struct {
	ID              string
	PaymentIntentID string
	ChargeID        string
	Amount          Money
	Status          string // pending, requires_action, succeeded, failed, canceled
	FailureReason   string
	Reason          string
	Metadata        map[string]string
	Created         time.Time
}

// Event is one entry of Stripe's event log. Exactly one of the object fields
// is set for the event types Tally handles; others carry only the ids.
type Event struct {
	ID              string
	Type            string
	Created         time.Time
	ObjectID        string
	PaymentIntent   *PaymentIntent
	CheckoutSession *CheckoutSession
	Refund          *Refund
	Reader          *Reader
	Charge          *Charge
	Payout          *Payout
	Dispute         *Dispute
	Invoice         *Invoice
	Livemode        bool
	APIVersion      string // the version Stripe rendered the object in
}

// TestCard names one of Stripe's documented test cards.
type TestCard string

// Stripe's documented test cards that the simulator and demo mode honour.
const (
	CardSucceeds            TestCard = "4242424242424242"
	CardDeclined            TestCard = "4000000000000002"
	CardInsufficientFunds   TestCard = "4000000000009995"
	CardBlocked             TestCard = "4100000000000019"
	CardNeedsAuthentication TestCard = "4000002500003155"
	CardExpired             TestCard = "4000000000000069"
	// Refund test cards: the payment succeeds; a refund of it is pending,
	// then succeeds (7726), or succeeds, then fails (5126).
	CardRefundPending TestCard = "4000000000007726"
	CardRefundFails   TestCard = "4000000000005126"
)
