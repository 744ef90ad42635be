package domain

import (
	"net/mail"
	"strconv"
	"strings"
	"time"
)

// CustomerRecord is a customer as Tally keeps it. It is created at Stripe
// (StripeID) the first time it is invoiced, with Key as the idempotency key.
type CustomerRecord struct {
	ID        int64
	Name      string
	Email     string
	Address   Address
	VATNumber string
	StripeID  string
	Key       IdempotencyKey
	Created   time.Time
	Updated   time.Time
}

// Label is how lists name the customer.
func (c CustomerRecord) Label() string {
	if c.Email == "" {
		return c.Name
	}
	if c.Name == "" {
		return c.Email
	}
	return c.Name + " <" + c.Email + ">"
}

// Validate checks a customer before it is stored.
func (c CustomerRecord) Validate() error {
	switch {
	case strings.TrimSpace(c.Name) == "":
		return fieldErr("name", Errorf(EINVALID, "Give the customer a name."))
	case len(c.Name) > 256:
		return fieldErr("name", Errorf(EINVALID, "A customer's name has at most 256 characters."))
	}
	if c.Email != "" {
		if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email {
			return fieldErr("email", Errorf(EINVALID, "%q is not an e-mail address.", c.Email))
		}
	}
	if c.Address.Country != "" {
		if _, ok := CountryOf(c.Address.Country); !ok && len(strings.TrimSpace(c.Address.Country)) != 2 {
			return fieldErr("country", Errorf(EINVALID, "Choose the customer's country from the list (%q is not a two-letter country code).", c.Address.Country))
		}
	}
	if v := NormalizeVATNumber(c.VATNumber); v != "" {
		if err := CheckVATNumber(v, ""); err != nil {
			return fieldErr("vat", err)
		}
	}
	return nil
}

// IssueStep is how far Tally got in making an invoice at Stripe: each step
// is stored when Stripe answered, so a crash repeats only the step it
// interrupted, with the same idempotency key.
type IssueStep string

// The steps, in order.
const (
	StepLocal     IssueStep = "local"     // stored in Tally only
	StepDraft     IssueStep = "draft"     // the Stripe invoice exists, lines being added
	StepFinalized IssueStep = "finalized" // numbered and open: it has its link and PDF
	StepDiscarded IssueStep = "discarded" // given up before it was finalised
)

// InvoiceRecord is an invoice as Tally keeps it: the lines as the shop
// wrote them, and what Stripe made of them.
type InvoiceRecord struct {
	ID       int64
	Customer CustomerRecord
	Cart     Cart // the lines, currency and tax basis
	Totals   Totals
	DueDate  time.Time
	Note     string
	SaleID   int64 // the register sale it was rung up as, if any
	Till     string
	Send     bool // Stripe e-mails it to the customer when finalised
	Key      IdempotencyKey
	Step     IssueStep
	Items    int // lines added at Stripe so far
	Sent     time.Time

	// What Stripe says.
	StripeID        string
	Number          string
	Status          InvoiceStatus
	Total           int64
	Tax             int64
	AmountRemaining int64
	HostedURL       string
	PDFURL          string
	FinalizedAt     time.Time
	PaidAt          time.Time
	VoidedAt        time.Time
	UncollectibleAt time.Time
	PaidOutOfBand   bool
	PaymentIntentID string
	ChargeID        string
	LastError       string // the last failure: a step refused, a payment declined

	Created time.Time
	Updated time.Time
}

// key is the idempotency key of one write about the invoice.
func (inv InvoiceRecord) key(what string) IdempotencyKey {
	return IdempotencyKey(string(inv.Key) + "-" + what)
}

// Title names the invoice: its Stripe number once it has one.
func (inv InvoiceRecord) Title() string {
	if inv.Number != "" {
		return inv.Number
	}
	return "draft " + strconv.FormatInt(inv.ID, 10)
}

// Amount is what the invoice asks for: Stripe's total once finalised.
func (inv InvoiceRecord) Amount() Money {
	if inv.Step == StepFinalized {
		return Money{Amount: inv.Total, Currency: inv.Cart.Currency}
	}
	return Money{Amount: inv.Totals.Total, Currency: inv.Cart.Currency}
}

// PastDue reports whether an open invoice's due date has passed at now,
// in the shop's time zone: due on the 12th, it is past due on the 13th.
func (inv InvoiceRecord) PastDue(now time.Time) bool {
	if inv.Step != StepFinalized || (inv.Status != InvoiceOpen && inv.Status != InvoiceUncollectible) {
		return false
	}
	d := inv.DueDate.In(time.Local)
	end := time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, time.Local)
	return !now.Before(end)
}

// StatusText is the invoice's state for the screens.
func (inv InvoiceRecord) StatusText(now time.Time) string {
	switch inv.Step {
	case StepLocal, StepDraft:
		if inv.LastError != "" {
			return "Not issued"
		}
		return "Being issued"
	case StepDiscarded:
		return "Discarded"
	}
	switch inv.Status {
	case InvoicePaid:
		if inv.PaidOutOfBand {
			return "Paid outside Stripe"
		}
		return "Paid"
	case InvoiceVoid:
		return "Void"
	case InvoiceUncollectible:
		return "Written off"
	}
	if inv.PastDue(now) {
		return "Past due"
	}
	return "Open"
}

// InvoiceFilter picks invoices for the list.
type InvoiceFilter struct {
	PastDue bool // only open invoices past their due date (the reminder list)
	Open    bool // only invoices still to be paid
}

// InvoiceTx holds customers, invoices and the tax rates made at Stripe.
type InvoiceTx interface {
	// Customers returns the customers by name.
	Customers() ([]CustomerRecord, error)
	// Customer returns one customer; ENOTFOUND if none.
	Customer(id int64) (CustomerRecord, error)
	// SaveCustomer inserts (ID 0, setting ID) or updates c.
	SaveCustomer(c *CustomerRecord) error
	// InsertInvoice stores inv with its lines and sets its ID.
	InsertInvoice(inv *InvoiceRecord) error
	// SaveInvoice updates what Stripe said of an invoice and its step.
	SaveInvoice(inv InvoiceRecord) error
	// Invoice returns one invoice, customer and lines included; ENOTFOUND if none.
	Invoice(id int64) (InvoiceRecord, error)
	// InvoiceByStripe finds an invoice by Stripe's id.
	InvoiceByStripe(stripeID string) (InvoiceRecord, bool, error)
	// Invoices returns the invoices, newest first.
	Invoices(limit int) ([]InvoiceRecord, error)
	// UnfinishedInvoices returns the invoices whose issuing stopped half
	// way (not finalised, not discarded), or whose e-mail is still to send.
	UnfinishedInvoices() ([]InvoiceRecord, error)
	// TaxRateID returns the Stripe tax rate made for (rate, inclusive).
	TaxRateID(rate TaxRate, inclusive bool) (string, bool, error)
	// SaveTaxRateID remembers it.
	SaveTaxRateID(rate TaxRate, inclusive bool, stripeID string) error
}
