package stripeclient

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"tally/domain"
)

// The simulator's Stripe Invoicing: customers, tax rates, draft invoices
// and their items, finalising (a number, a hosted page, a PDF), sending,
// paying (on the hosted page, or out of band), voiding and writing off,
// each with the event Stripe sends.

type simInvoice struct {
	Inv   domain.Invoice
	Items []simItem
	Sent  int // how many times Stripe e-mailed it
}

type simItem struct {
	ID          string
	Description string
	Quantity    int64
	UnitAmount  int64
	Amount      int64
	TaxRateID   string
}

type simTaxRate struct {
	Params domain.TaxRateParams
}

// PDFWriter draws a PDF of text lines; main gives the simulator the one
// Tally's reports use, so that a demo invoice's PDF opens as Stripe's does.
type PDFWriter func(w io.Writer, title string, lines []string) error

// SetPDFWriter sets how the simulator draws invoice PDFs.
func (s *Simulator) SetPDFWriter(w PDFWriter) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pdf = w
}

// CreateCustomer implements domain.Gateway.
func (s *Simulator) CreateCustomer(ctx context.Context, key domain.IdempotencyKey, p domain.CustomerParams) (domain.Customer, error) {
	fp := fmt.Sprintf("create customer|%q %q %v %q %v %v", p.Name, p.Email, p.Address, p.VATNumber, p.Metadata, p.PreferredLocales)
	return idempotent(s, key, fp, func() (domain.Customer, error) {
		if strings.TrimSpace(p.Name) == "" && strings.TrimSpace(p.Email) == "" {
			return domain.Customer{}, mapError(invalid("name", "A customer needs a name or an e-mail address."))
		}
		if v := strings.TrimSpace(p.VATNumber); v != "" && !euVAT(v) {
			return domain.Customer{}, mapError(invalid("tax_id_data[0][value]", "Invalid value for eu_vat."))
		}
		c := domain.Customer{ID: s.newID("cus"), Name: p.Name, Email: p.Email, Address: p.Address, PreferredLocales: p.PreferredLocales}
		s.customers[c.ID] = &c
		return c, nil
	})
}

// euVAT checks an EU VAT number's shape as Stripe does before accepting
// it: two letters of a country, then 2 to 13 letters or digits.
func euVAT(v string) bool {
	v = strings.ToUpper(strings.ReplaceAll(v, " ", ""))
	if len(v) < 4 || len(v) > 15 || v[0] < 'A' || v[0] > 'Z' || v[1] < 'A' || v[1] > 'Z' {
		return false
	}
	for _, r := range v[2:] {
		if (r < '0' || r > '9') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return true
}

// CreateTaxRate implements domain.Gateway.
func (s *Simulator) CreateTaxRate(ctx context.Context, key domain.IdempotencyKey, p domain.TaxRateParams) (string, error) {
	fp := fmt.Sprintf("create tax rate|%q %d %v %s", p.DisplayName, p.Percentage, p.Inclusive, p.Country)
	return idempotent(s, key, fp, func() (string, error) {
		if p.DisplayName == "" || p.Percentage < 0 || p.Percentage > domain.RateScale {
			return "", mapError(invalid("percentage", "A tax rate needs a display name and a percentage from 0 to 100."))
		}
		id := s.newID("txr")
		s.taxRates[id] = &simTaxRate{Params: p}
		return id, nil
	})
}

// CreateInvoice implements domain.Gateway.
func (s *Simulator) CreateInvoice(ctx context.Context, key domain.IdempotencyKey, p domain.InvoiceParams) (domain.Invoice, error) {
	fp := fmt.Sprintf("create invoice|%s %s %d %q %v", p.CustomerID, p.Currency, p.DueDate.Unix(), p.Description, p.Metadata)
	return idempotent(s, key, fp, func() (domain.Invoice, error) {
		if _, ok := s.customers[p.CustomerID]; !ok {
			return domain.Invoice{}, mapError(missing("customer", p.CustomerID))
		}
		if !p.DueDate.After(s.clock.Now().Add(-24 * time.Hour)) {
			return domain.Invoice{}, mapError(invalid("due_date", "Invoice due_date must be in the future."))
		}
		inv := &simInvoice{Inv: domain.Invoice{ID: s.newID("in"), CustomerID: p.CustomerID, Status: domain.InvoiceDraft,
			Currency: p.Currency, DueDate: p.DueDate.UTC().Truncate(time.Second), Created: s.clock.Now(), Metadata: p.Metadata}}
		s.invoices[inv.Inv.ID] = inv
		return s.invoiceEvent("invoice.created", inv), nil
	})
}

// AddInvoiceItem implements domain.Gateway.
func (s *Simulator) AddInvoiceItem(ctx context.Context, key domain.IdempotencyKey, p domain.InvoiceItemParams) (string, error) {
	fp := fmt.Sprintf("add invoice item|%s %s %s %q %d %d %d %s %v", p.CustomerID, p.InvoiceID, p.Currency, p.Description, p.Quantity, p.UnitAmount, p.Amount, p.TaxRateID, p.Metadata)
	return idempotent(s, key, fp, func() (string, error) {
		inv, ok := s.invoices[p.InvoiceID]
		switch {
		case !ok:
			return "", mapError(missing("invoice", p.InvoiceID))
		case inv.Inv.Status != domain.InvoiceDraft:
			return "", mapError(invalid("invoice", "You can only add invoice items to draft invoices."))
		case inv.Inv.CustomerID != p.CustomerID:
			return "", mapError(invalid("customer", "The invoice item's customer must be the invoice's customer."))
		case p.Currency != inv.Inv.Currency:
			return "", mapError(invalid("currency", "The invoice item's currency must be the invoice's currency."))
		case len(inv.Items) >= 250:
			return "", mapError(invalid("invoice", "An invoice has at most 250 items."))
		case p.Quantity < 0 || (p.Quantity > 0 && p.UnitAmount < 0):
			return "", mapError(invalid("quantity", "The quantity and unit amount cannot be negative."))
		}
		if p.TaxRateID != "" {
			if _, ok := s.taxRates[p.TaxRateID]; !ok {
				return "", mapError(missing("tax_rate", p.TaxRateID))
			}
		}
		it := simItem{ID: s.newID("ii"), Description: p.Description, Quantity: p.Quantity, UnitAmount: p.UnitAmount, Amount: p.Amount, TaxRateID: p.TaxRateID}
		if it.Quantity > 0 {
			it.Amount = it.Quantity * it.UnitAmount
		}
		inv.Items = append(inv.Items, it)
		s.totals(inv)
		return it.ID, nil
	})
}

// totals computes an invoice's subtotal, tax and total from its items,
// the tax of each item rounded half up in minor units as Stripe does.
func (s *Simulator) totals(inv *simInvoice) {
	var sub, tax, excl int64
	for _, it := range inv.Items {
		sub += it.Amount
		tr := s.taxRates[it.TaxRateID]
		if tr == nil {
			continue
		}
		r := int64(tr.Params.Percentage)
		if tr.Params.Inclusive {
			tax += divHalfUp(it.Amount*r, domain.RateScale+r)
		} else {
			t := divHalfUp(it.Amount*r, domain.RateScale)
			tax += t
			excl += t
		}
	}
	i := &inv.Inv
	i.Subtotal, i.Tax, i.Total = sub, tax, sub+excl
	i.AmountDue = i.Total
	i.AmountRemaining = i.AmountDue - i.AmountPaid
}

func divHalfUp(a, b int64) int64 {
	if a < 0 {
		return -divHalfUp(-a, b)
	}
	return (2*a + b) / (2 * b)
}

// FinalizeInvoice implements domain.Gateway.
func (s *Simulator) FinalizeInvoice(ctx context.Context, key domain.IdempotencyKey, id string) (domain.Invoice, error) {
	return idempotent(s, key, "finalize invoice|"+id, func() (domain.Invoice, error) {
		inv, ok := s.invoices[id]
		if !ok {
			return domain.Invoice{}, mapError(missing("invoice", id))
		}
		if inv.Inv.Status != domain.InvoiceDraft {
			return domain.Invoice{}, mapError(invalid("invoice", "This invoice is already finalized, you can't re-finalize a non-draft invoice."))
		}
		i := &inv.Inv
		s.invoiceSeq++
		i.Number = fmt.Sprintf("SIM-%04d", s.invoiceSeq)
		i.Status, i.FinalizedAt = domain.InvoiceOpen, s.clock.Now()
		secret := strings.TrimPrefix(s.newID("live"), "live_")
		i.HostedURL = "https://invoice.stripe.com/i/" + s.account.ID + "/test_" + secret
		i.PDFURL = "https://pay.stripe.com/invoice/" + s.account.ID + "/test_" + secret + "/pdf"
		if i.Total == 0 {
			// Stripe marks an invoice of nothing paid at once.
			i.Status, i.PaidAt = domain.InvoicePaid, i.FinalizedAt
			s.invoiceEvent("invoice.finalized", inv)
			return s.invoiceEvent("invoice.paid", inv), nil
		}
		return s.invoiceEvent("invoice.finalized", inv), nil
	})
}

// SendInvoice implements domain.Gateway.
func (s *Simulator) SendInvoice(ctx context.Context, key domain.IdempotencyKey, id string) (domain.Invoice, error) {
	return idempotent(s, key, "send invoice|"+id, func() (domain.Invoice, error) {
		inv, ok := s.invoices[id]
		if !ok {
			return domain.Invoice{}, mapError(missing("invoice", id))
		}
		cu := s.customers[inv.Inv.CustomerID]
		switch {
		case inv.Inv.Status != domain.InvoiceOpen:
			return domain.Invoice{}, mapError(invalid("invoice", "You can only send an invoice that is open."))
		case cu == nil || cu.Email == "":
			return domain.Invoice{}, mapError(invalid("customer", "The customer has no e-mail address to send the invoice to."))
		}
		inv.Sent++
		return s.invoiceEvent("invoice.sent", inv), nil
	})
}

// Invoice implements domain.Gateway.
func (s *Simulator) Invoice(ctx context.Context, id string) (domain.Invoice, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.takeFailure(); err != nil {
		return domain.Invoice{}, err
	}
	inv, ok := s.invoices[id]
	if !ok {
		return domain.Invoice{}, mapError(missing("invoice", id))
	}
	return copyInvoice(inv), ctx.Err()
}

// VoidInvoice implements domain.Gateway.
func (s *Simulator) VoidInvoice(ctx context.Context, key domain.IdempotencyKey, id string) (domain.Invoice, error) {
	return idempotent(s, key, "void invoice|"+id, func() (domain.Invoice, error) {
		inv, ok := s.invoices[id]
		if !ok {
			return domain.Invoice{}, mapError(missing("invoice", id))
		}
		if st := inv.Inv.Status; st != domain.InvoiceOpen && st != domain.InvoiceUncollectible {
			return domain.Invoice{}, mapError(invalid("invoice", "You can only void an invoice that is open or uncollectible; this one is "+string(st)+"."))
		}
		inv.Inv.Status, inv.Inv.VoidedAt = domain.InvoiceVoid, s.clock.Now()
		return s.invoiceEvent("invoice.voided", inv), nil
	})
}

// PayInvoiceOutOfBand implements domain.Gateway.
func (s *Simulator) PayInvoiceOutOfBand(ctx context.Context, key domain.IdempotencyKey, id string) (domain.Invoice, error) {
	return idempotent(s, key, "pay invoice|"+id+" out of band", func() (domain.Invoice, error) {
		inv, ok := s.invoices[id]
		if !ok {
			return domain.Invoice{}, mapError(missing("invoice", id))
		}
		if err := payable(inv); err != nil {
			return domain.Invoice{}, err
		}
		i := &inv.Inv
		i.Status, i.PaidAt, i.PaidOutOfBand = domain.InvoicePaid, s.clock.Now(), true
		i.AmountRemaining = 0
		return s.invoiceEvent("invoice.paid", inv), nil
	})
}

// MarkInvoiceUncollectible implements domain.Gateway.
func (s *Simulator) MarkInvoiceUncollectible(ctx context.Context, key domain.IdempotencyKey, id string) (domain.Invoice, error) {
	return idempotent(s, key, "mark invoice uncollectible|"+id, func() (domain.Invoice, error) {
		inv, ok := s.invoices[id]
		if !ok {
			return domain.Invoice{}, mapError(missing("invoice", id))
		}
		if inv.Inv.Status != domain.InvoiceOpen {
			return domain.Invoice{}, mapError(invalid("invoice", "You can only mark an open invoice uncollectible; this one is "+string(inv.Inv.Status)+"."))
		}
		inv.Inv.Status, inv.Inv.UncollectibleAt = domain.InvoiceUncollectible, s.clock.Now()
		return s.invoiceEvent("invoice.marked_uncollectible", inv), nil
	})
}

func payable(inv *simInvoice) error {
	if st := inv.Inv.Status; st != domain.InvoiceOpen && st != domain.InvoiceUncollectible {
		return mapError(invalid("invoice", "Invoice is already "+string(st)+"."))
	}
	return nil
}

// PayInvoice acts as the customer paying an open invoice on its hosted
// page with card. A declined card leaves it open, with
// invoice.payment_failed, and returns the decline.
func (s *Simulator) PayInvoice(id string, card domain.TestCard) (domain.Invoice, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	inv, ok := s.invoices[id]
	if !ok {
		return domain.Invoice{}, mapError(missing("invoice", id))
	}
	if err := payable(inv); err != nil {
		return domain.Invoice{}, err
	}
	i := &inv.Inv
	if i.PaymentIntentID == "" {
		i.PaymentIntentID = s.newID("pi")
	}
	if serr := cardOutcome(card); serr != nil && card != domain.CardNeedsAuthentication {
		s.invoiceEvent("invoice.payment_failed", inv)
		if err := s.save(); err != nil {
			return domain.Invoice{}, err
		}
		return copyInvoice(inv), mapError(serr)
	}
	m := domain.Money{Amount: i.AmountRemaining, Currency: i.Currency}
	i.ChargeID = s.newID("ch")
	s.intents[i.PaymentIntentID] = &simIntent{pi: domain.PaymentIntent{ID: i.PaymentIntentID, Amount: m, Status: domain.PISucceeded,
		CaptureMethod: domain.CaptureAutomatic, AmountReceived: m.Amount, LatestChargeID: i.ChargeID, Card: testCardDetails(card),
		Metadata: map[string]string{}, Created: s.clock.Now()}, types: []string{"card"}}
	s.credit(m, i.ChargeID, "Invoice "+i.Number)
	i.Status, i.PaidAt, i.AmountPaid, i.AmountRemaining = domain.InvoicePaid, s.clock.Now(), i.AmountPaid+m.Amount, 0
	s.invoiceEvent("invoice.payment_succeeded", inv)
	out := s.invoiceEvent("invoice.paid", inv)
	return out, s.save()
}

// InvoicesWhere lists the invoices whose metadata has key set to value,
// oldest first: tests count them to prove nothing was created twice.
func (s *Simulator) InvoicesWhere(key, value string) []domain.Invoice {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []domain.Invoice
	for _, inv := range s.invoices {
		if inv.Inv.Metadata[key] == value {
			out = append(out, copyInvoice(inv))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// InvoiceItems lists an invoice's lines as "description amount" for tests.
func (s *Simulator) InvoiceItems(id string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	if inv, ok := s.invoices[id]; ok {
		for _, it := range inv.Items {
			out = append(out, fmt.Sprintf("%s %d", it.Description, it.Amount))
		}
	}
	return out
}

// InvoicePDF implements domain.Gateway: the simulated Stripe draws the
// invoice's PDF as Stripe would have it at its PDF address.
func (s *Simulator) InvoicePDF(ctx context.Context, want domain.Invoice) (io.ReadCloser, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.takeFailure(); err != nil {
		return nil, err
	}
	inv, ok := s.invoices[want.ID]
	switch {
	case !ok:
		return nil, mapError(missing("invoice", want.ID))
	case inv.Inv.PDFURL == "":
		return nil, domain.Errorf(domain.ECONFLICT, "Invoice %s has no PDF yet: Stripe makes it when the invoice is finalised.", want.ID)
	case s.pdf == nil:
		return nil, domain.Errorf(domain.EUNAVAILABLE, "The demo's simulated Stripe cannot draw PDFs here.")
	}
	i := inv.Inv
	cu := s.customers[i.CustomerID]
	// Stripe writes the PDF in the customer's preferred locale.
	lang := "en"
	if cu != nil && len(cu.PreferredLocales) > 0 && strings.HasPrefix(cu.PreferredLocales[0], "de") {
		lang = "de"
	}
	paper := domain.Paper{Lang: lang, Loc: time.UTC}
	w := func(en string) string {
		if lang == "de" {
			if de, ok := invoicePDFGerman[en]; ok {
				return de
			}
		}
		return en
	}
	amt := func(v int64) string { return paper.Money(v, i.Currency) }
	day := func(t time.Time) string {
		if lang == "de" {
			return t.Format("02.01.2006")
		}
		return t.Format("January 2, 2006")
	}
	lines := []string{s.account.Name, "", fmt.Sprintf("%-16s%s", w("Invoice number"), i.Number), fmt.Sprintf("%-16s%s", w("Date of issue"), day(i.FinalizedAt)),
		fmt.Sprintf("%-16s%s", w("Date due"), day(i.DueDate)), ""}
	if cu != nil {
		lines = append(lines, w("Bill to"), "  "+cu.Name)
		for _, l := range []string{cu.Address.Line1, cu.Address.Line2, strings.TrimSpace(cu.Address.PostalCode + " " + cu.Address.City), cu.Address.Country, cu.Email} {
			if strings.TrimSpace(l) != "" {
				lines = append(lines, "  "+l)
			}
		}
		lines = append(lines, "")
	}
	lines = append(lines, fmt.Sprintf("%-34s %5s %10s %10s", w("Description"), w("Qty"), w("Unit price"), w("Amount")))
	// The tax of each rate, and whether it is included in the amounts.
	type rateSum struct {
		name      string
		inclusive bool
		tax       int64
	}
	var rates []*rateSum
	byRate := map[string]*rateSum{}
	for _, it := range inv.Items {
		q := it.Quantity
		if q == 0 {
			q = 1
		}
		unit := it.UnitAmount
		if unit == 0 {
			unit = it.Amount / q
		}
		lines = append(lines, fmt.Sprintf("%-34s %5d %10s %10s", it.Description, q, paper.Amount(unit, i.Currency), paper.Amount(it.Amount, i.Currency)))
		tr := s.taxRates[it.TaxRateID]
		if tr == nil {
			continue
		}
		r := byRate[it.TaxRateID]
		if r == nil {
			r = &rateSum{name: tr.Params.DisplayName + " " + paper.Rate(domain.TaxRate(tr.Params.Percentage)), inclusive: tr.Params.Inclusive}
			byRate[it.TaxRateID] = r
			rates = append(rates, r)
		}
		p := int64(tr.Params.Percentage)
		if tr.Params.Inclusive {
			r.tax += divHalfUp(it.Amount*p, domain.RateScale+p)
		} else {
			r.tax += divHalfUp(it.Amount*p, domain.RateScale)
		}
	}
	row := func(label string, v int64) string { return fmt.Sprintf("%-48s %14s", label, amt(v)) }
	lines = append(lines, "", row(w("Subtotal"), i.Subtotal))
	// Net, then each rate's tax: included ones said so, so that the
	// subtotal, tax and total read as they add up.
	lines = append(lines, row(w("Total excluding tax"), i.Total-i.Tax))
	for _, r := range rates {
		label := r.name
		if r.inclusive {
			label += " " + w("(included)")
		}
		lines = append(lines, row(label, r.tax))
	}
	lines = append(lines, row(w("Total"), i.Total), row(w("Amount due"), i.AmountRemaining), "", w("Pay online: ")+i.HostedURL)
	var b bytes.Buffer
	if err := s.pdf(&b, w("Invoice")+" "+i.Number, lines); err != nil {
		return nil, fmt.Errorf("draw invoice PDF: %w", err)
	}
	return io.NopCloser(&b), nil
}

// invoiceEvent emits typ for inv and returns a copy of it. Called with mu
// held.
func (s *Simulator) invoiceEvent(typ string, inv *simInvoice) domain.Invoice {
	c := copyInvoice(inv)
	s.emit(typ, c.ID, &domain.Event{Invoice: &c})
	return copyInvoice(inv)
}

func copyInvoice(inv *simInvoice) domain.Invoice {
	c := inv.Inv
	if inv.Inv.Metadata != nil {
		c.Metadata = make(map[string]string, len(inv.Inv.Metadata))
		copyMap(c.Metadata, inv.Inv.Metadata)
	}
	return c
}

// invoicePDFGerman are the words of the simulated invoice PDF in German,
// as Stripe writes them for a customer whose preferred locale is de.
var invoicePDFGerman = map[string]string{
	"Invoice": "Rechnung", "Invoice number": "Rechnungsnummer", "Date of issue": "Rechnungsdatum", "Date due": "Fällig am",
	"Bill to": "Rechnung an", "Description": "Beschreibung", "Qty": "Menge", "Unit price": "Stückpreis", "Amount": "Betrag",
	"Subtotal": "Zwischensumme", "Total excluding tax": "Gesamtbetrag ohne USt.", "(included)": "(inkl.)", "Total": "Gesamt",
	"Amount due": "Fälliger Betrag", "Pay online: ": "Online bezahlen: ",
}

// Customer returns a customer as the simulator keeps it, for tests.
func (s *Simulator) Customer(ctx context.Context, id string) (domain.Customer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.customers[id]
	if !ok {
		return domain.Customer{}, mapError(missing("customer", id))
	}
	return *c, ctx.Err()
}
