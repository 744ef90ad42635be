package domain

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"time"
)

// InvoiceService sells on account: an invoice of a cart or of lines
// written from scratch, made at Stripe (Stripe Invoicing: its number, its
// hosted page and PDF, its e-mail), paid on Stripe's page or outside it,
// and followed by the events like any payment.
//
// Money safety: the invoice is stored with its idempotency key before any
// call leaves; each write to Stripe uses a key derived from it, and each
// answer is stored before the next write, so that a crash at any point
// repeats only the write it interrupted, with the same key. An invoice is
// paid only when Stripe says so, by an event or an answer.
type InvoiceService struct {
	Till       TillStore
	Connection *Connection
	Clock      Clock
	Access     *AccessService
	Log        *slog.Logger
	// Shop is the shop's own file (its country names the tax rates).
	Shop Store
	// Register gives the register's settings: currency and tax basis.
	Register *RegisterService
	// Demo is demo mode's pretend customer.
	Demo DemoCustomer
	// Documents draws the printable QR sheet.
	Documents Documents
}

// SheetText words what Tally itself prints: the screens give their
// language's sentences, money and dates.
type SheetText struct {
	Tr    func(string) string
	Money func(Money) string
	Date  func(time.Time) string
}

// InvoiceForm is what the invoice form gives.
type InvoiceForm struct {
	CustomerID int64
	Lines      []SaleLine
	Currency   Currency
	// TaxInclusive says the prices include their tax.
	TaxInclusive bool
	// Discount is a rate off every line (the register's cart discount).
	Discount TaxRate
	DueDate  time.Time
	Note     string
	Send     bool // have Stripe e-mail it
	SaleID   int64
	Till     string
}

// Validate checks a draft before it is stored.
func (d InvoiceForm) Validate(now time.Time) error {
	switch {
	case d.CustomerID == 0:
		return fieldErr("customer", Errorf(EINVALID, "Choose the customer the invoice is for."))
	case len(d.Lines) == 0:
		return fieldErr("lines", Errorf(EINVALID, "An invoice needs at least one line."))
	case len(d.Lines) > 250:
		return fieldErr("lines", Errorf(EINVALID, "Stripe takes at most 250 lines on one invoice."))
	case d.Currency.IsZero():
		return fieldErr("lines", Errorf(EINVALID, "The invoice needs a currency."))
	case d.DueDate.IsZero():
		return fieldErr("due", Errorf(EINVALID, "Give the invoice a due date."))
	case dayOf(d.DueDate).Before(dayOf(now)):
		return fieldErr("due", Errorf(EINVALID, "The due date %s has passed: choose today or a later day.", d.DueDate.In(time.Local).Format("2006-01-02")))
	case len(d.Note) > 500:
		return fieldErr("note", Errorf(EINVALID, "The note has at most 500 characters."))
	}
	for i, l := range d.Lines {
		switch {
		case strings.TrimSpace(l.Description) == "":
			return fieldErr("lines", Errorf(EINVALID, "Line %d needs a description.", i+1))
		case l.Quantity <= 0:
			return fieldErr("lines", Errorf(EINVALID, "Line %d needs a quantity of at least 1.", i+1))
		case l.UnitPrice < 0:
			return fieldErr("lines", Errorf(EINVALID, "Line %d has a negative price: an invoice asks for money, a refund gives it back.", i+1))
		case l.TaxRate < 0 || l.TaxRate > RateScale:
			return fieldErr("lines", Errorf(EINVALID, "Line %d's tax rate is from 0 to 100 %%.", i+1))
		}
	}
	if d.Discount < 0 || d.Discount >= RateScale {
		return fieldErr("lines", Errorf(EINVALID, "A discount is from 0 to less than 100 %%."))
	}
	c := Cart{Currency: d.Currency, TaxInclusive: d.TaxInclusive, Lines: append([]SaleLine(nil), d.Lines...), Discount: d.Discount}
	t := c.Totals()
	if t.Total <= 0 {
		return fieldErr("lines", Errorf(EINVALID, "The invoice's total is nothing: there is nothing to ask the customer for."))
	}
	return Money{Amount: t.Total, Currency: d.Currency}.ValidateCharge()
}

func dayOf(t time.Time) time.Time {
	l := t.In(time.Local)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.Local)
}

func (s *InvoiceService) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// Customers lists the customers by name.
func (s *InvoiceService) Customers(ctx context.Context) ([]CustomerRecord, error) {
	var out []CustomerRecord
	err := s.Till.ViewTill(ctx, func(tx TillTx) (err error) {
		out, err = tx.Customers()
		return err
	})
	return out, err
}

// SaveCustomer stores a new customer, or changes one not yet at Stripe
// (a customer at Stripe keeps the details it was invoiced with).
func (s *InvoiceService) SaveCustomer(ctx context.Context, c CustomerRecord) (CustomerRecord, error) {
	c.Name, c.Email = strings.TrimSpace(c.Name), strings.TrimSpace(c.Email)
	c.VATNumber = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(c.VATNumber), " ", ""))
	c.Address.Country = strings.ToUpper(strings.TrimSpace(c.Address.Country))
	if err := c.Validate(); err != nil {
		return c, err
	}
	err := s.Till.UpdateTill(ctx, func(tx TillTx) error {
		now := s.Clock.Now()
		if c.ID != 0 {
			cur, err := tx.Customer(c.ID)
			if err != nil {
				return err
			}
			if cur.StripeID != "" {
				return Errorf(ECONFLICT, "%s is at Stripe already, with the details of the invoices sent: add a new customer for new details.", cur.Name)
			}
			c.Key, c.Created = cur.Key, cur.Created
		} else {
			c.Key, c.Created = NewIdempotencyKey("tally-customer"), now
		}
		c.Updated = now
		return tx.SaveCustomer(&c)
	})
	return c, err
}

// Create stores a new invoice and issues it at Stripe: customer, tax
// rates, the invoice and its lines, finalised, and e-mailed when asked.
// When Stripe cannot be reached the invoice is kept, and Issue (or the
// next start) carries on where it stopped.
func (s *InvoiceService) Create(ctx context.Context, d InvoiceForm) (InvoiceRecord, error) {
	now := s.Clock.Now()
	if d.Currency.IsZero() && s.Register != nil {
		reg, err := s.Register.RegisterSettings(ctx)
		if err != nil {
			return InvoiceRecord{}, err
		}
		d.Currency = reg.Currency
	}
	d.Note = strings.TrimSpace(d.Note)
	for i := range d.Lines {
		d.Lines[i].Description = strings.TrimSpace(d.Lines[i].Description)
	}
	if err := d.Validate(now); err != nil {
		return InvoiceRecord{}, err
	}
	var inv InvoiceRecord
	err := s.Till.UpdateTill(ctx, func(tx TillTx) error {
		cu, err := tx.Customer(d.CustomerID)
		if err != nil {
			return err
		}
		inv = InvoiceRecord{Customer: cu, Cart: Cart{Currency: d.Currency, TaxInclusive: d.TaxInclusive, Lines: d.Lines, Discount: d.Discount},
			DueDate: dayOf(d.DueDate).Add(23*time.Hour + 59*time.Minute), Note: d.Note, SaleID: d.SaleID, Till: d.Till, Send: d.Send,
			Key: NewIdempotencyKey("tally-invoice"), Step: StepLocal, Created: now, Updated: now}
		inv.Totals = inv.Cart.Totals()
		if d.Send && cu.Email == "" {
			return fieldErr("send", Errorf(EINVALID, "%s has no e-mail address for Stripe to send the invoice to: add one, or hand the invoice over yourself.", cu.Name))
		}
		if d.SaleID != 0 {
			// The register's sale becomes the invoice: it is cancelled in the
			// same write, so that it can never be taken as well.
			sale, err := tx.Sale(d.SaleID)
			if err != nil {
				return err
			}
			if _, pending := sale.Pending(); pending || sale.Status != SaleOpen || sale.Paid() > 0 {
				return Errorf(ECONFLICT, "Sale #%d is paid, paid in part or being paid: only a sale with nothing taken yet can become an invoice.", sale.Number)
			}
			if err := tx.SetSaleStatus(sale.ID, SaleCanceled, now); err != nil {
				return err
			}
		}
		return tx.InsertInvoice(&inv)
	})
	if err != nil {
		return InvoiceRecord{}, err
	}
	return s.Issue(ctx, inv.ID)
}

// Issue carries an invoice's issuing on from where it stopped. Each step
// is a write with its own key, stored as soon as Stripe answers.
func (s *InvoiceService) Issue(ctx context.Context, id int64) (InvoiceRecord, error) {
	inv, err := s.Invoice(ctx, id)
	if err != nil {
		return inv, err
	}
	if inv.Step == StepDiscarded {
		return inv, Errorf(ECONFLICT, "This invoice was discarded; make a new one.")
	}
	gw, _ := s.Connection.Gateway()
	fail := func(err error) (InvoiceRecord, error) {
		msg := ErrorMessage(err)
		if uerr := s.update(ctx, inv.ID, func(cur *InvoiceRecord) { cur.LastError = msg }); uerr != nil {
			s.log().Error("save invoice failure", "invoice", inv.ID, "err", uerr)
		}
		inv.LastError = msg
		if ErrorCode(err) == EUNAVAILABLE || ErrorCode(err) == ERATELIMIT {
			e := Errorf(ErrorCode(err), "The invoice is saved, and not at Stripe yet: %s Try again when Stripe answers; nothing is sent twice.", msg)
			e.Err = err
			return inv, e
		}
		return inv, err
	}

	// 1. The customer.
	if inv.Customer.StripeID == "" {
		cu := inv.Customer
		// The customer's invoices speak the shop's language: Stripe
		// writes its PDF and e-mails in the customer's preferred locale.
		got, err := gw.CreateCustomer(ctx, cu.Key, CustomerParams{Name: cu.Name, Email: cu.Email, Address: cu.Address, VATNumber: cu.VATNumber,
			Metadata: map[string]string{"tally_customer": strconv.FormatInt(cu.ID, 10)}, PreferredLocales: s.locales(ctx)})
		if err != nil {
			return fail(err)
		}
		inv.Customer.StripeID = got.ID
		if err := s.Till.UpdateTill(ctx, func(tx TillTx) error {
			c, err := tx.Customer(cu.ID)
			if err != nil {
				return err
			}
			c.StripeID, c.Updated = got.ID, s.Clock.Now()
			return tx.SaveCustomer(&c)
		}); err != nil {
			return inv, err
		}
	}

	// 2. The tax rates its lines use.
	rates := map[TaxRate]string{}
	for _, l := range inv.Cart.Lines {
		if l.TaxRate == 0 || rates[l.TaxRate] != "" {
			continue
		}
		id, err := s.taxRate(ctx, gw, l.TaxRate, inv.Cart.TaxInclusive)
		if err != nil {
			return fail(err)
		}
		rates[l.TaxRate] = id
	}

	// 3. The draft invoice.
	if inv.Step == StepLocal {
		got, err := gw.CreateInvoice(ctx, inv.key("invoice"), InvoiceParams{CustomerID: inv.Customer.StripeID, Currency: inv.Cart.Currency,
			DueDate: inv.DueDate, Description: inv.Note, Metadata: map[string]string{"tally_invoice": strconv.FormatInt(inv.ID, 10)}})
		if err != nil {
			return fail(err)
		}
		if err := s.update(ctx, inv.ID, func(cur *InvoiceRecord) {
			cur.StripeID, cur.Status, cur.Step = got.ID, got.Status, StepDraft
		}); err != nil {
			return inv, err
		}
		inv.StripeID, inv.Status, inv.Step = got.ID, got.Status, StepDraft
	}

	// 4. Its lines, one by one.
	if inv.Step == StepDraft {
		for i := inv.Items; i < len(inv.Cart.Lines); i++ {
			l := inv.Cart.Lines[i]
			p := InvoiceItemParams{CustomerID: inv.Customer.StripeID, InvoiceID: inv.StripeID, Currency: inv.Cart.Currency,
				Description: l.Description, TaxRateID: rates[l.TaxRate]}
			if l.DiscountAmount == 0 {
				p.Quantity, p.UnitAmount = l.Quantity, l.UnitPrice
			} else {
				// A discounted line goes as its amount, its quantity and
				// discount said in the description.
				p.Amount = l.Total
				if !inv.Cart.TaxInclusive {
					p.Amount = l.Net
				}
				p.Description = fmt.Sprintf("%d × %s (−%s)", l.Quantity, l.Description, FormatAmount(l.DiscountAmount, inv.Cart.Currency.Exponent()))
			}
			if _, err := gw.AddInvoiceItem(ctx, inv.key("item-"+strconv.Itoa(i)), p); err != nil {
				return fail(err)
			}
			n := i + 1
			if err := s.update(ctx, inv.ID, func(cur *InvoiceRecord) { cur.Items = n }); err != nil {
				return inv, err
			}
			inv.Items = n
		}
		got, err := gw.FinalizeInvoice(ctx, inv.key("finalize"), inv.StripeID)
		if err != nil {
			return fail(err)
		}
		if err := s.update(ctx, inv.ID, func(cur *InvoiceRecord) { cur.Step = StepFinalized; stripeSays(cur, got) }); err != nil {
			return inv, err
		}
	}

	// 5. Stripe's e-mail, when asked.
	inv, err = s.Invoice(ctx, id)
	if err != nil {
		return inv, err
	}
	if inv.Send && inv.Sent.IsZero() && inv.Status == InvoiceOpen {
		got, err := gw.SendInvoice(ctx, inv.key("send"), inv.StripeID)
		if err != nil {
			return fail(err)
		}
		if err := s.update(ctx, inv.ID, func(cur *InvoiceRecord) { cur.Sent = s.Clock.Now(); stripeSays(cur, got) }); err != nil {
			return inv, err
		}
	}
	if inv.LastError != "" {
		_ = s.update(ctx, inv.ID, func(cur *InvoiceRecord) { cur.LastError = "" })
	}
	return s.Invoice(ctx, id)
}

// taxRate returns the Stripe tax rate for a rate, made once per shop and
// mode with a key of its own.
func (s *InvoiceService) taxRate(ctx context.Context, gw Gateway, r TaxRate, inclusive bool) (string, error) {
	var id string
	var ok bool
	if err := s.Till.ViewTill(ctx, func(tx TillTx) (err error) {
		id, ok, err = tx.TaxRateID(r, inclusive)
		return err
	}); err != nil || ok {
		return id, err
	}
	var shop Shop
	if s.Shop != nil {
		if err := s.Shop.View(ctx, func(tx Tx) (err error) {
			shop, err = tx.Shop()
			return err
		}); err != nil {
			return "", err
		}
	}
	name := "VAT"
	if shop.Country == "US" || shop.Country == "CA" {
		name = "Sales tax"
	}
	basis := "exclusive"
	if inclusive {
		basis = "inclusive"
	}
	key := IdempotencyKey(fmt.Sprintf("tally-taxrate-%s-%d-%s", shop.Country, int64(r), basis))
	id, err := gw.CreateTaxRate(ctx, key, TaxRateParams{DisplayName: name, Percentage: r, Inclusive: inclusive, Country: shop.Country})
	if err != nil {
		return "", err
	}
	return id, s.Till.UpdateTill(ctx, func(tx TillTx) error { return tx.SaveTaxRateID(r, inclusive, id) })
}

// stripeSays copies what Stripe answered about an invoice, never moving it
// backwards: a late answer leaves a paid or void invoice as it is.
func stripeSays(cur *InvoiceRecord, got Invoice) {
	if got.ID == "" {
		return
	}
	if cur.StripeID == "" {
		cur.StripeID = got.ID
	}
	if invoiceRank(got.Status) < invoiceRank(cur.Status) {
		return
	}
	cur.Status = got.Status
	if got.Number != "" {
		cur.Number = got.Number
	}
	if got.HostedURL != "" {
		cur.HostedURL, cur.PDFURL = got.HostedURL, got.PDFURL
	}
	if got.Status != InvoiceDraft {
		cur.Total, cur.Tax, cur.AmountRemaining = got.Total, got.Tax, got.AmountRemaining
		if cur.Step == StepDraft || cur.Step == StepLocal {
			cur.Step = StepFinalized
		}
	}
	setTime := func(dst *time.Time, v time.Time) {
		if dst.IsZero() && !v.IsZero() {
			*dst = v
		}
	}
	setTime(&cur.FinalizedAt, got.FinalizedAt)
	setTime(&cur.PaidAt, got.PaidAt)
	setTime(&cur.VoidedAt, got.VoidedAt)
	setTime(&cur.UncollectibleAt, got.UncollectibleAt)
	if got.PaidOutOfBand {
		cur.PaidOutOfBand = true
	}
	if got.PaymentIntentID != "" {
		cur.PaymentIntentID = got.PaymentIntentID
	}
	if got.ChargeID != "" {
		cur.ChargeID = got.ChargeID
	}
	if got.Status == InvoicePaid {
		cur.LastError = ""
	}
}

// update changes one invoice in its own transaction.
func (s *InvoiceService) update(ctx context.Context, id int64, fn func(cur *InvoiceRecord)) error {
	return s.Till.UpdateTill(ctx, func(tx TillTx) error {
		cur, err := tx.Invoice(id)
		if err != nil {
			return err
		}
		fn(&cur)
		cur.Updated = s.Clock.Now()
		return tx.SaveInvoice(cur)
	})
}

// Invoice returns one invoice.
func (s *InvoiceService) Invoice(ctx context.Context, id int64) (InvoiceRecord, error) {
	var inv InvoiceRecord
	err := s.Till.ViewTill(ctx, func(tx TillTx) (err error) {
		inv, err = tx.Invoice(id)
		return err
	})
	return inv, err
}

// List returns the invoices matching f, newest first; the reminder list
// (f.PastDue) is oldest due first.
func (s *InvoiceService) List(ctx context.Context, f InvoiceFilter) ([]InvoiceRecord, error) {
	var all []InvoiceRecord
	if err := s.Till.ViewTill(ctx, func(tx TillTx) (err error) {
		all, err = tx.Invoices(0)
		return err
	}); err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	out := all[:0]
	for _, inv := range all {
		switch {
		case f.PastDue && !inv.PastDue(now):
		case f.Open && (inv.Step != StepFinalized || (inv.Status != InvoiceOpen && inv.Status != InvoiceUncollectible)):
		default:
			out = append(out, inv)
		}
	}
	if f.PastDue {
		sort.SliceStable(out, func(i, j int) bool { return out[i].DueDate.Before(out[j].DueDate) })
	}
	return out, nil
}

// Resume carries on every invoice whose issuing a crash or a lost
// connection interrupted. It returns how many it finished.
func (s *InvoiceService) Resume(ctx context.Context) (int, error) {
	var todo []InvoiceRecord
	if err := s.Till.ViewTill(ctx, func(tx TillTx) (err error) {
		todo, err = tx.UnfinishedInvoices()
		return err
	}); err != nil {
		return 0, err
	}
	done := 0
	var first error
	for _, inv := range todo {
		if _, err := s.Issue(ctx, inv.ID); err != nil {
			s.log().Warn("resume invoice", "invoice", inv.ID, "err", err)
			if first == nil {
				first = err
			}
			continue
		}
		done++
	}
	return done, first
}

// Refresh asks Stripe for the invoice's state, as the events would tell.
func (s *InvoiceService) Refresh(ctx context.Context, id int64) (InvoiceRecord, error) {
	inv, err := s.Invoice(ctx, id)
	if err != nil || inv.StripeID == "" {
		return inv, err
	}
	gw, _ := s.Connection.Gateway()
	got, err := gw.Invoice(ctx, inv.StripeID)
	if err != nil {
		return inv, err
	}
	if err := s.update(ctx, id, func(cur *InvoiceRecord) { stripeSays(cur, got) }); err != nil {
		return inv, err
	}
	return s.Invoice(ctx, id)
}

// Discard gives up an invoice that was never finalised: nothing was asked
// of the customer. A draft left at Stripe is never sent or charged.
func (s *InvoiceService) Discard(ctx context.Context, id int64) (InvoiceRecord, error) {
	err := s.Till.UpdateTill(ctx, func(tx TillTx) error {
		cur, err := tx.Invoice(id)
		if err != nil {
			return err
		}
		if cur.Step == StepFinalized {
			return Errorf(ECONFLICT, "Invoice %s is issued: void it instead (owner's PIN).", cur.Title())
		}
		cur.Step, cur.Updated = StepDiscarded, s.Clock.Now()
		return tx.SaveInvoice(cur)
	})
	if err != nil {
		return InvoiceRecord{}, err
	}
	return s.Invoice(ctx, id)
}

// Send has Stripe e-mail an issued, open invoice to its customer (again).
func (s *InvoiceService) Send(ctx context.Context, id int64) (InvoiceRecord, error) {
	inv, err := s.Invoice(ctx, id)
	if err != nil {
		return inv, err
	}
	switch {
	case inv.Step != StepFinalized || inv.Status != InvoiceOpen:
		return inv, Errorf(ECONFLICT, "Only an issued invoice still open can be sent; this one is %s.", strings.ToLower(inv.StatusText(s.Clock.Now())))
	case inv.Customer.Email == "":
		return inv, Errorf(EINVALID, "%s has no e-mail address: show the QR code or print the invoice instead.", inv.Customer.Name)
	}
	gw, _ := s.Connection.Gateway()
	// Each sending is its own request: a reminder is a second e-mail.
	got, err := gw.SendInvoice(ctx, NewIdempotencyKey(string(inv.key("send"))), inv.StripeID)
	if err != nil {
		return inv, err
	}
	if err := s.update(ctx, id, func(cur *InvoiceRecord) { cur.Sent, cur.Send = s.Clock.Now(), true; stripeSays(cur, got) }); err != nil {
		return inv, err
	}
	return s.Invoice(ctx, id)
}

// ownerAct is a void, a payment outside Stripe or a write-off: the
// owner's grant, the audit log, one write with its key, and Stripe's
// answer stored; a lost answer is looked up.
func (s *InvoiceService) ownerAct(ctx context.Context, g Grant, id int64, action, detail string, allowed func(InvoiceRecord) error,
	call func(gw Gateway, inv InvoiceRecord) (Invoice, error)) (InvoiceRecord, error) {
	if err := s.Access.Require(g, RoleOwner); err != nil {
		return InvoiceRecord{}, err
	}
	inv, err := s.Invoice(ctx, id)
	if err != nil {
		return inv, err
	}
	if inv.Step != StepFinalized {
		return inv, Errorf(ECONFLICT, "Invoice %s is not issued yet: discard it instead.", inv.Title())
	}
	if err := allowed(inv); err != nil {
		return inv, err
	}
	_ = s.Access.Record(ctx, g, AuditEntry{Action: action, Amount: inv.Amount(), Detail: fmt.Sprintf(detail, inv.Title(), inv.Customer.Name)})
	gw, _ := s.Connection.Gateway()
	got, err := call(gw, inv)
	if err != nil {
		// Look it up: an answer lost on the way, or the state changed
		// meanwhile (the customer paid a second ago).
		look, lerr := gw.Invoice(ctx, inv.StripeID)
		if lerr != nil {
			return inv, err
		}
		if uerr := s.update(ctx, id, func(cur *InvoiceRecord) { stripeSays(cur, look) }); uerr != nil {
			return inv, uerr
		}
		cur, _ := s.Invoice(ctx, id)
		if allowed(cur) == nil {
			return cur, err // still as it was: the request really failed
		}
		return cur, nil
	}
	if err := s.update(ctx, id, func(cur *InvoiceRecord) { stripeSays(cur, got) }); err != nil {
		return inv, err
	}
	return s.Invoice(ctx, id)
}

func stillPayable(inv InvoiceRecord) error {
	if inv.Status != InvoiceOpen && inv.Status != InvoiceUncollectible {
		return Errorf(ECONFLICT, "Invoice %s is %s: it can no longer be changed.", inv.Title(), strings.ToLower(inv.StatusText(time.Now())))
	}
	return nil
}

// Void cancels an issued invoice that is not paid, with the owner's PIN:
// the customer can no longer pay it, and the books take the sale back.
func (s *InvoiceService) Void(ctx context.Context, g Grant, id int64) (InvoiceRecord, error) {
	return s.ownerAct(ctx, g, id, "invoice_void", "Void of invoice %s to %s", stillPayable,
		func(gw Gateway, inv InvoiceRecord) (Invoice, error) {
			return gw.VoidInvoice(ctx, inv.key("void"), inv.StripeID)
		})
}

// MarkPaid records that the customer paid outside Stripe (cash at the
// door), with the owner's PIN; Stripe then stops asking.
func (s *InvoiceService) MarkPaid(ctx context.Context, g Grant, id int64) (InvoiceRecord, error) {
	return s.ownerAct(ctx, g, id, "invoice_paid", "Invoice %s to %s marked paid outside Stripe", stillPayable,
		func(gw Gateway, inv InvoiceRecord) (Invoice, error) {
			return gw.PayInvoiceOutOfBand(ctx, inv.key("paid-outside"), inv.StripeID)
		})
}

// WriteOff marks an open invoice uncollectible, with the owner's PIN: the
// books move it to Bad debts. The customer can still pay it.
func (s *InvoiceService) WriteOff(ctx context.Context, g Grant, id int64) (InvoiceRecord, error) {
	return s.ownerAct(ctx, g, id, "invoice_write_off", "Invoice %s to %s written off", func(inv InvoiceRecord) error {
		if inv.Status != InvoiceOpen {
			return Errorf(ECONFLICT, "Only an open invoice can be written off; %s is %s.", inv.Title(), strings.ToLower(inv.StatusText(time.Now())))
		}
		return nil
	}, func(gw Gateway, inv InvoiceRecord) (Invoice, error) {
		return gw.MarkInvoiceUncollectible(ctx, inv.key("write-off"), inv.StripeID)
	})
}

// PDF opens the invoice's PDF as Stripe made it; the caller closes it.
func (s *InvoiceService) PDF(ctx context.Context, id int64) (io.ReadCloser, InvoiceRecord, error) {
	inv, err := s.Invoice(ctx, id)
	if err != nil {
		return nil, inv, err
	}
	if inv.Step != StepFinalized || inv.PDFURL == "" {
		return nil, inv, Errorf(ECONFLICT, "Invoice %s has no PDF yet: Stripe makes it when the invoice is issued.", inv.Title())
	}
	gw, _ := s.Connection.Gateway()
	rc, err := gw.InvoicePDF(ctx, Invoice{ID: inv.StripeID, PDFURL: inv.PDFURL})
	return rc, inv, err
}

// QRSheet writes the printable page of an issued invoice for a customer at
// the counter: who it is from and for, what it asks by when, and its
// payment page as a large QR code.
func (s *InvoiceService) QRSheet(ctx context.Context, w io.Writer, id int64, txt SheetText) error {
	inv, err := s.Invoice(ctx, id)
	if err != nil {
		return err
	}
	if inv.HostedURL == "" {
		return Errorf(ECONFLICT, "Invoice %s has no payment page yet: Stripe makes it when the invoice is issued.", inv.Title())
	}
	if s.Documents == nil {
		return Errorf(EINTERNAL, "Tally cannot draw documents here.")
	}
	var shop Shop
	if s.Shop != nil {
		_ = s.Shop.View(ctx, func(tx Tx) (err error) {
			shop, err = tx.Shop()
			return err
		})
	}
	lines := []string{}
	if shop.Name != "" {
		lines = append(lines, shop.Name, "")
	}
	left := Money{Amount: inv.AmountRemaining, Currency: inv.Cart.Currency}
	lines = append(lines, txt.Tr("For: ")+inv.Customer.Name, txt.Tr("Amount due: ")+txt.Money(left), txt.Tr("Due by: ")+txt.Date(inv.DueDate), "",
		txt.Tr("Scan the code to pay by card on Stripe's secure page:"))
	return s.Documents.QRSheet(w, txt.Tr("Invoice ")+inv.Title(), lines, inv.HostedURL)
}

// DemoCustomerPays plays, in demo mode, the customer paying the invoice on
// its page with card. The invoice's state is then asked of Stripe, as the
// events would bring it.
func (s *InvoiceService) DemoCustomerPays(ctx context.Context, id int64, card TestCard) (InvoiceRecord, error) {
	if s.Demo == nil || s.Connection.Mode() != ModeDisabled {
		return InvoiceRecord{}, Errorf(EPERMISSION, "Only demo mode has a pretend customer.")
	}
	inv, err := s.Invoice(ctx, id)
	if err != nil {
		return inv, err
	}
	if inv.StripeID == "" || inv.Step != StepFinalized {
		return inv, Errorf(ECONFLICT, "Invoice %s is not issued yet: there is no page to pay.", inv.Title())
	}
	_, perr := s.Demo.PayInvoice(inv.StripeID, card)
	if perr != nil {
		_ = s.update(ctx, id, func(cur *InvoiceRecord) { cur.LastError = ErrorMessage(perr) })
	}
	got, err := s.Refresh(ctx, id)
	if perr != nil {
		return got, perr
	}
	return got, err
}

// applyInvoice follows an invoice's event, never backwards.
func applyInvoice(tx TillTx, typ string, got Invoice, now time.Time, eff *effect) error {
	inv, ok, err := tx.InvoiceByStripe(got.ID)
	if err != nil || !ok {
		return err // an invoice made outside Tally: recorded, not followed
	}
	before := inv
	if typ == "invoice.payment_failed" && got.Status != InvoicePaid {
		inv.LastError = "The customer's payment of the invoice failed; Stripe keeps the invoice open for another try."
	}
	stripeSays(&inv, got)
	if inv.Status == before.Status && inv.LastError == before.LastError && inv.Number == before.Number {
		return nil
	}
	inv.Updated = now
	if err := tx.SaveInvoice(inv); err != nil {
		return err
	}
	switch {
	case typ == "invoice.payment_failed" && inv.Status != InvoicePaid:
		eff.did("Invoice %s: a payment failed", inv.Title())
	default:
		eff.did("Invoice %s is %s", inv.Title(), strings.ToLower(inv.StatusText(now)))
	}
	return nil
}

// locales is the language the shop's invoices are written in, as Stripe
// names it; none when the shop has not said its country.
func (s *InvoiceService) locales(ctx context.Context) []string {
	if s.Shop == nil {
		return nil
	}
	var sh Shop
	if err := s.Shop.View(ctx, func(tx Tx) (err error) {
		sh, err = tx.Shop()
		return err
	}); err != nil || sh.Country == "" {
		return nil
	}
	return []string{sh.Language()}
}
