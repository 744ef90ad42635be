package stripeclient

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/stripe/stripe-go/v79"

	"tally/domain"
)

// CreateCustomer implements domain.Gateway.
func (c *Client) CreateCustomer(ctx context.Context, key domain.IdempotencyKey, p domain.CustomerParams) (domain.Customer, error) {
	wp, err := writeParams(ctx, key)
	if err != nil {
		return domain.Customer{}, err
	}
	sp := &stripe.CustomerParams{Params: wp, Name: stripe.String(p.Name)}
	if p.Email != "" {
		sp.Email = stripe.String(p.Email)
	}
	if a := p.Address; a.Line1 != "" || a.City != "" || a.Country != "" {
		sp.Address = &stripe.AddressParams{Line1: stripe.String(a.Line1), City: stripe.String(a.City),
			PostalCode: stripe.String(a.PostalCode), Country: stripe.String(a.Country)}
		if a.Line2 != "" {
			sp.Address.Line2 = stripe.String(a.Line2)
		}
		if a.State != "" {
			sp.Address.State = stripe.String(a.State)
		}
	}
	if v := strings.TrimSpace(p.VATNumber); v != "" {
		sp.TaxIDData = []*stripe.CustomerTaxIDDataParams{{Type: stripe.String("eu_vat"), Value: stripe.String(v)}}
	}
	for k, v := range p.Metadata {
		sp.AddMetadata(k, v)
	}
	if len(p.PreferredLocales) > 0 {
		sp.PreferredLocales = stripe.StringSlice(p.PreferredLocales)
	}
	cu, err := c.api.Customers.New(sp)
	if err != nil {
		return domain.Customer{}, c.fail("create customer", err)
	}
	out := domain.Customer{ID: cu.ID, Name: cu.Name, Email: cu.Email, PreferredLocales: cu.PreferredLocales}
	if cu.Address != nil {
		out.Address = domain.Address{Line1: cu.Address.Line1, Line2: cu.Address.Line2, City: cu.Address.City,
			PostalCode: cu.Address.PostalCode, State: cu.Address.State, Country: cu.Address.Country}
	}
	return out, nil
}

// CreateInvoice implements domain.Gateway.
func (c *Client) CreateInvoice(ctx context.Context, key domain.IdempotencyKey, p domain.InvoiceParams) (domain.Invoice, error) {
	wp, err := writeParams(ctx, key)
	if err != nil {
		return domain.Invoice{}, err
	}
	sp := &stripe.InvoiceParams{
		Params:                      wp,
		Customer:                    stripe.String(p.CustomerID),
		Currency:                    stripe.String(p.Currency.StripeCode()),
		CollectionMethod:            stripe.String(string(stripe.InvoiceCollectionMethodSendInvoice)),
		DueDate:                     stripe.Int64(p.DueDate.Unix()),
		PendingInvoiceItemsBehavior: stripe.String("exclude"),
		AutoAdvance:                 stripe.Bool(false), // Tally finalises it when its lines are in
	}
	if p.Description != "" {
		sp.Description = stripe.String(p.Description)
	}
	for k, v := range p.Metadata {
		sp.AddMetadata(k, v)
	}
	inv, err := c.api.Invoices.New(sp)
	if err != nil {
		return domain.Invoice{}, c.fail("create invoice", err)
	}
	return toInvoice(inv), nil
}

// CreateTaxRate implements domain.Gateway.
func (c *Client) CreateTaxRate(ctx context.Context, key domain.IdempotencyKey, p domain.TaxRateParams) (string, error) {
	wp, err := writeParams(ctx, key)
	if err != nil {
		return "", err
	}
	sp := &stripe.TaxRateParams{Params: wp, DisplayName: stripe.String(p.DisplayName),
		Percentage: stripe.Float64(float64(p.Percentage) / 10_000), Inclusive: stripe.Bool(p.Inclusive)}
	if p.Country != "" {
		sp.Country = stripe.String(p.Country)
	}
	tr, err := c.api.TaxRates.New(sp)
	if err != nil {
		return "", c.fail("create tax rate", err)
	}
	return tr.ID, nil
}

// AddInvoiceItem implements domain.Gateway.
func (c *Client) AddInvoiceItem(ctx context.Context, key domain.IdempotencyKey, p domain.InvoiceItemParams) (string, error) {
	wp, err := writeParams(ctx, key)
	if err != nil {
		return "", err
	}
	sp := &stripe.InvoiceItemParams{
		Params: wp, Customer: stripe.String(p.CustomerID), Invoice: stripe.String(p.InvoiceID),
		Currency: stripe.String(p.Currency.StripeCode()), Description: stripe.String(p.Description),
	}
	if p.Quantity > 0 {
		// Stripe's API no longer takes unit_amount on an invoice item, only
		// unit_amount_decimal. stripe-go holds that as a float64: an integer
		// number of minor units is exact in it (up to 2^53), and it is sent
		// as a decimal string.
		sp.Quantity, sp.UnitAmountDecimal = stripe.Int64(p.Quantity), stripe.Float64(float64(p.UnitAmount))
	} else {
		sp.Amount = stripe.Int64(p.Amount)
	}
	if p.TaxRateID != "" {
		sp.TaxRates = []*string{stripe.String(p.TaxRateID)}
	}
	for k, v := range p.Metadata {
		sp.AddMetadata(k, v)
	}
	it, err := c.api.InvoiceItems.New(sp)
	if err != nil {
		return "", c.fail("add invoice item", err)
	}
	return it.ID, nil
}

// FinalizeInvoice implements domain.Gateway.
func (c *Client) FinalizeInvoice(ctx context.Context, key domain.IdempotencyKey, id string) (domain.Invoice, error) {
	wp, err := writeParams(ctx, key)
	if err != nil {
		return domain.Invoice{}, err
	}
	inv, err := c.api.Invoices.FinalizeInvoice(id, &stripe.InvoiceFinalizeInvoiceParams{Params: wp, AutoAdvance: stripe.Bool(false)})
	if err != nil {
		return domain.Invoice{}, c.fail("finalize invoice", err)
	}
	return toInvoice(inv), nil
}

// SendInvoice implements domain.Gateway.
func (c *Client) SendInvoice(ctx context.Context, key domain.IdempotencyKey, id string) (domain.Invoice, error) {
	wp, err := writeParams(ctx, key)
	if err != nil {
		return domain.Invoice{}, err
	}
	inv, err := c.api.Invoices.SendInvoice(id, &stripe.InvoiceSendInvoiceParams{Params: wp})
	if err != nil {
		return domain.Invoice{}, c.fail("send invoice", err)
	}
	return toInvoice(inv), nil
}

// Invoice implements domain.Gateway.
func (c *Client) Invoice(ctx context.Context, id string) (domain.Invoice, error) {
	inv, err := c.api.Invoices.Get(id, &stripe.InvoiceParams{Params: params(ctx)})
	if err != nil {
		return domain.Invoice{}, c.fail("get invoice", err)
	}
	return toInvoice(inv), nil
}

// VoidInvoice implements domain.Gateway.
func (c *Client) VoidInvoice(ctx context.Context, key domain.IdempotencyKey, id string) (domain.Invoice, error) {
	wp, err := writeParams(ctx, key)
	if err != nil {
		return domain.Invoice{}, err
	}
	inv, err := c.api.Invoices.VoidInvoice(id, &stripe.InvoiceVoidInvoiceParams{Params: wp})
	if err != nil {
		return domain.Invoice{}, c.fail("void invoice", err)
	}
	return toInvoice(inv), nil
}

// PayInvoiceOutOfBand implements domain.Gateway.
func (c *Client) PayInvoiceOutOfBand(ctx context.Context, key domain.IdempotencyKey, id string) (domain.Invoice, error) {
	wp, err := writeParams(ctx, key)
	if err != nil {
		return domain.Invoice{}, err
	}
	inv, err := c.api.Invoices.Pay(id, &stripe.InvoicePayParams{Params: wp, PaidOutOfBand: stripe.Bool(true)})
	if err != nil {
		return domain.Invoice{}, c.fail("pay invoice out of band", err)
	}
	return toInvoice(inv), nil
}

// MarkInvoiceUncollectible implements domain.Gateway.
func (c *Client) MarkInvoiceUncollectible(ctx context.Context, key domain.IdempotencyKey, id string) (domain.Invoice, error) {
	wp, err := writeParams(ctx, key)
	if err != nil {
		return domain.Invoice{}, err
	}
	inv, err := c.api.Invoices.MarkUncollectible(id, &stripe.InvoiceMarkUncollectibleParams{Params: wp})
	if err != nil {
		return domain.Invoice{}, c.fail("mark invoice uncollectible", err)
	}
	return toInvoice(inv), nil
}

// InvoicePDF implements domain.Gateway. The invoice's PDF address is
// Stripe's own page for it, readable without the secret key: the key is
// never sent there.
func (c *Client) InvoicePDF(ctx context.Context, inv domain.Invoice) (io.ReadCloser, error) {
	if inv.PDFURL == "" {
		return nil, domain.Errorf(domain.ECONFLICT, "Invoice %s has no PDF yet: Stripe makes it when the invoice is finalised.", inv.ID)
	}
	u, err := url.Parse(inv.PDFURL)
	if err != nil || (u.Scheme != "https" && !c.localPDF(u)) {
		return nil, domain.Errorf(domain.EINVALID, "Stripe gave invoice %s a PDF address Tally does not open: %s", inv.ID, inv.PDFURL)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, inv.PDFURL, nil)
	if err != nil {
		return nil, fmt.Errorf("download invoice PDF: %w", err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.fail("download invoice PDF", err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, c.fail("download invoice PDF", &stripe.Error{HTTPStatusCode: resp.StatusCode, Type: stripe.ErrorTypeAPI,
			Msg: fmt.Sprintf("the invoice PDF answered %s", resp.Status)})
	}
	return resp.Body, nil
}

// localPDF allows a plain-http PDF address only on the loopback, for tests.
func (c *Client) localPDF(u *url.URL) bool {
	h := u.Hostname()
	return u.Scheme == "http" && (h == "127.0.0.1" || h == "localhost" || h == "::1")
}

func toInvoice(inv *stripe.Invoice) domain.Invoice {
	out := domain.Invoice{ID: inv.ID, Number: inv.Number, Status: domain.InvoiceStatus(inv.Status),
		Subtotal: inv.Subtotal, Tax: inv.Tax, Total: inv.Total, AmountDue: inv.AmountDue, AmountPaid: inv.AmountPaid,
		AmountRemaining: inv.AmountRemaining, PaidOutOfBand: inv.PaidOutOfBand,
		HostedURL: inv.HostedInvoiceURL, PDFURL: inv.InvoicePDF, Metadata: inv.Metadata,
		Currency: currency(string(inv.Currency)), DueDate: unix(inv.DueDate), Created: unix(inv.Created)}
	if inv.Customer != nil {
		out.CustomerID = inv.Customer.ID
	}
	if inv.PaymentIntent != nil {
		out.PaymentIntentID = inv.PaymentIntent.ID
	}
	if inv.Charge != nil {
		out.ChargeID = inv.Charge.ID
	}
	if st := inv.StatusTransitions; st != nil {
		out.FinalizedAt, out.PaidAt = unix(st.FinalizedAt), unix(st.PaidAt)
		out.VoidedAt, out.UncollectibleAt = unix(st.VoidedAt), unix(st.MarkedUncollectibleAt)
	}
	return out
}
