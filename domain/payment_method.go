package domain

import (
	"strings"
	"time"
)

// MethodKind is how a payment method takes money.
type MethodKind string

// Payment method kinds.
const (
	MethodCash       MethodKind = "cash"
	MethodCardReader MethodKind = "card_reader"
	MethodQRLink     MethodKind = "qr_link"
)

// Title is the kind's name on screen.
func (k MethodKind) Title() string {
	switch k {
	case MethodCash:
		return "Cash"
	case MethodCardReader:
		return "Card reader"
	case MethodQRLink:
		return "QR link"
	}
	return string(k)
}

// IsDefaultName reports whether name is one Tally gave a method of kind k
// itself (Cash, Card reader, QR link or QR code, or none): documents and
// screens then say the kind in their own language instead.
func (k MethodKind) IsDefaultName(name string) bool {
	return name == "" || strings.EqualFold(name, k.Title()) || k == MethodQRLink && strings.EqualFold(name, "QR code")
}

// MethodKinds lists the kinds in the order screens offer them.
var MethodKinds = []MethodKind{MethodCash, MethodCardReader, MethodQRLink}

// Limits Stripe puts on a Checkout Session's life.
const (
	MinPageLifetime = 30 * time.Minute
	MaxPageLifetime = 24 * time.Hour
)

// PaymentMethod is a way the register takes payment, and where it books.
type PaymentMethod struct {
	ID   int64 // 0 until saved
	Name string
	Kind MethodKind
	// OutstandingAccount receives card and QR payments until Stripe's
	// statement settles them; CashAccount receives cash.
	OutstandingAccount string
	CashAccount        string
	// Card reader only.
	ReaderID         string
	CaptureMethod    CaptureMethod
	IdentifyCustomer bool // offered only once a customer is attached to the sale
	Tips             bool // the reader offers the customer a tip (the account's Terminal tipping settings)
	// Till, when set, is the one till whose register offers the method
	// (several tills on one server): a reader stands at one till.
	Till string
	// QR link only.
	PageLifetime   time.Duration
	SuccessMessage string
	Archived       bool
}

// Validate checks the method on its own; rules that need other methods
// (unique name, one method per reader) are checked by the service. It
// returns a *FieldError naming the field.
func (m PaymentMethod) Validate() error {
	if strings.TrimSpace(m.Name) == "" {
		return fieldErr("name", Errorf(EINVALID, "Give the payment method a name."))
	}
	switch m.Kind {
	case MethodCash:
		if m.CashAccount == "" {
			return fieldErr("cash_account", Errorf(EINVALID, "Choose the account cash is booked to."))
		}
	case MethodCardReader:
		if m.ReaderID == "" {
			return fieldErr("reader", Errorf(EINVALID, "A card reader method needs a reader. Register one on the Readers screen first."))
		}
		if m.CaptureMethod != CaptureAutomatic && m.CaptureMethod != CaptureManual {
			return fieldErr("capture", Errorf(EINVALID, "Choose automatic or manual capture."))
		}
		if m.OutstandingAccount == "" {
			return fieldErr("outstanding_account", Errorf(EINVALID, "Choose the outstanding receipts account."))
		}
	case MethodQRLink:
		if m.PageLifetime < MinPageLifetime || m.PageLifetime > MaxPageLifetime {
			return fieldErr("lifetime", Errorf(EINVALID, "A payment page lives from 30 minutes to 24 hours."))
		}
		if len(m.SuccessMessage) > 1200 {
			return fieldErr("message", Errorf(EINVALID, "The message after payment is limited to 1200 characters."))
		}
		if m.OutstandingAccount == "" {
			return fieldErr("outstanding_account", Errorf(EINVALID, "Choose the outstanding receipts account."))
		}
	default:
		return fieldErr("kind", Errorf(EINVALID, "Choose cash, card reader or QR link."))
	}
	return nil
}
