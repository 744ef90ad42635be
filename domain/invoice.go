package domain

import "time"

// Customer is a customer as Stripe keeps it, for invoices.
type Customer struct {
	ID      string
	Name    string
	Email   string
	Address Address
	// PreferredLocales are the languages Stripe writes the customer's
	// invoices, PDFs and e-mails in ("de", "en"), first first.
	PreferredLocales []string
}

// CustomerParams are what a Customer is created from. VATNumber, when set,
// is stored at Stripe as an EU VAT id (eu_vat), printed on its invoices.
type CustomerParams struct {
	Name      string
	Email     string
	Address   Address
	VATNumber string
	Metadata  map[string]string
	// PreferredLocales, when set, are the languages of the customer's
	// invoices and e-mails at Stripe: the shop's.
	PreferredLocales []string
}

// InvoiceStatus is a Stripe invoice's status.
type InvoiceStatus string

// Stripe's invoice statuses.
const (
	InvoiceDraft         InvoiceStatus = "draft"
	InvoiceOpen          InvoiceStatus = "open"
	InvoicePaid          InvoiceStatus = "paid"
	InvoiceVoid          InvoiceStatus = "void"
	InvoiceUncollectible InvoiceStatus = "uncollectible"
)

// invoiceRank orders the statuses so that a late event never moves an
// invoice backwards: paid and void are final.
func invoiceRank(s InvoiceStatus) int {
	switch s {
	case InvoiceDraft:
		return 0
	case InvoiceOpen:
		return 1
	case InvoiceUncollectible:
		return 2
	case InvoicePaid, InvoiceVoid:
		return 3
	}
	return -1
}

// Invoice is a Stripe invoice: finalised, it has a number, a page the
// customer pays on (HostedURL) and a PDF.
type Invoice struct {
	ID              string
	Number          string
	CustomerID      string
	Status          InvoiceStatus
	Currency        Currency
	Subtotal        int64 // the lines, as written (tax included when their rates are)
	Tax             int64
	Total           int64
	AmountDue       int64
	AmountPaid      int64
	AmountRemaining int64
	HostedURL       string
	PDFURL          string
	DueDate         time.Time
	Created         time.Time
	FinalizedAt     time.Time
	PaidAt          time.Time
	VoidedAt        time.Time
	UncollectibleAt time.Time
	PaidOutOfBand   bool
	PaymentIntentID string
	ChargeID        string
	Metadata        map[string]string
}

// InvoiceParams create a draft invoice the customer pays by link
// (collection_method send_invoice) by DueDate; its items are added to it
// one by one, and no pending item of the customer slips in.
type InvoiceParams struct {
	CustomerID  string
	Currency    Currency
	DueDate     time.Time
	Description string // the note printed on the invoice
	Metadata    map[string]string
}

// InvoiceItemParams add one line to a draft invoice: Quantity × UnitAmount,
// or, when Quantity is 0, Amount as the line's whole amount (a line with a
// discount). Amounts are as the tax rate says: tax included when it is
// inclusive.
type InvoiceItemParams struct {
	CustomerID  string
	InvoiceID   string
	Currency    Currency
	Description string
	Quantity    int64
	UnitAmount  int64
	Amount      int64
	TaxRateID   string // "" for no tax
	Metadata    map[string]string
}

// TaxRateParams create a Stripe tax rate, which invoice lines refer to so
// that Stripe's invoice shows the tax.
type TaxRateParams struct {
	DisplayName string // "VAT"
	Percentage  TaxRate
	Inclusive   bool
	Country     string
}
