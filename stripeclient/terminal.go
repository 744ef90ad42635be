package stripeclient

import (
	"context"

	"github.com/stripe/stripe-go/v79"

	"tally/domain"
)

// CreateLocation implements domain.Gateway.
func (c *Client) CreateLocation(ctx context.Context, key domain.IdempotencyKey, loc domain.Location) (domain.Location, error) {
	wp, err := writeParams(ctx, key)
	if err != nil {
		return domain.Location{}, err
	}
	a := loc.Address
	p := &stripe.TerminalLocationParams{
		Params:      wp,
		DisplayName: stripe.String(loc.DisplayName),
		Address: &stripe.AddressParams{
			Line1: stripe.String(a.Line1), City: stripe.String(a.City),
			PostalCode: stripe.String(a.PostalCode), Country: stripe.String(a.Country),
		},
	}
	if a.Line2 != "" {
		p.Address.Line2 = stripe.String(a.Line2)
	}
	if a.State != "" {
		p.Address.State = stripe.String(a.State)
	}
	l, err := c.api.TerminalLocations.New(p)
	if err != nil {
		return domain.Location{}, c.fail("create location", err)
	}
	return toLocation(l), nil
}

// Locations implements domain.Gateway.
func (c *Client) Locations(ctx context.Context) ([]domain.Location, error) {
	it := c.api.TerminalLocations.List(&stripe.TerminalLocationListParams{ListParams: stripe.ListParams{Context: ctx, Limit: stripe.Int64(100)}})
	var out []domain.Location
	for it.Next() {
		out = append(out, toLocation(it.TerminalLocation()))
	}
	if err := it.Err(); err != nil {
		return nil, c.fail("list locations", err)
	}
	return out, nil
}

// RegisterReader implements domain.Gateway.
func (c *Client) RegisterReader(ctx context.Context, key domain.IdempotencyKey, code, label, locationID string) (domain.Reader, error) {
	wp, err := writeParams(ctx, key)
	if err != nil {
		return domain.Reader{}, err
	}
	p := &stripe.TerminalReaderParams{Params: wp, RegistrationCode: stripe.String(code), Location: stripe.String(locationID)}
	if label != "" {
		p.Label = stripe.String(label)
	}
	r, err := c.api.TerminalReaders.New(p)
	if err != nil {
		return domain.Reader{}, c.fail("register reader", err)
	}
	return toReader(r), nil
}

// Readers implements domain.Gateway.
func (c *Client) Readers(ctx context.Context) ([]domain.Reader, error) {
	it := c.api.TerminalReaders.List(&stripe.TerminalReaderListParams{ListParams: stripe.ListParams{Context: ctx, Limit: stripe.Int64(100)}})
	var out []domain.Reader
	for it.Next() {
		out = append(out, toReader(it.TerminalReader()))
	}
	if err := it.Err(); err != nil {
		return nil, c.fail("list readers", err)
	}
	return out, nil
}

// Reader implements domain.Gateway.
func (c *Client) Reader(ctx context.Context, id string) (domain.Reader, error) {
	r, err := c.api.TerminalReaders.Get(id, &stripe.TerminalReaderParams{Params: params(ctx)})
	if err != nil {
		return domain.Reader{}, c.fail("get reader", err)
	}
	if r.Deleted {
		return domain.Reader{}, domain.Errorf(domain.ENOTFOUND, "This reader was removed from Stripe.")
	}
	return toReader(r), nil
}

// RenameReader implements domain.Gateway.
func (c *Client) RenameReader(ctx context.Context, key domain.IdempotencyKey, id, label string) (domain.Reader, error) {
	wp, err := writeParams(ctx, key)
	if err != nil {
		return domain.Reader{}, err
	}
	r, err := c.api.TerminalReaders.Update(id, &stripe.TerminalReaderParams{Params: wp, Label: stripe.String(label)})
	if err != nil {
		return domain.Reader{}, c.fail("rename reader", err)
	}
	return toReader(r), nil
}

// DeleteReader implements domain.Gateway.
func (c *Client) DeleteReader(ctx context.Context, id string) error {
	if _, err := c.api.TerminalReaders.Del(id, &stripe.TerminalReaderParams{Params: params(ctx)}); err != nil {
		return c.fail("delete reader", err)
	}
	return nil
}

// ProcessPaymentIntent implements domain.Gateway.
func (c *Client) ProcessPaymentIntent(ctx context.Context, key domain.IdempotencyKey, readerID, paymentIntentID string, cfg domain.ProcessConfig) (domain.Reader, error) {
	wp, err := writeParams(ctx, key)
	if err != nil {
		return domain.Reader{}, err
	}
	r, err := c.api.TerminalReaders.ProcessPaymentIntent(readerID, &stripe.TerminalReaderProcessPaymentIntentParams{
		Params: wp, PaymentIntent: stripe.String(paymentIntentID),
		ProcessConfig: processConfig(cfg),
	})
	if err != nil {
		return domain.Reader{}, c.fail("process payment intent", err)
	}
	return toReader(r), nil
}

func processConfig(cfg domain.ProcessConfig) *stripe.TerminalReaderProcessPaymentIntentProcessConfigParams {
	p := &stripe.TerminalReaderProcessPaymentIntentProcessConfigParams{
		EnableCustomerCancellation: stripe.Bool(cfg.EnableCustomerCancellation),
		SkipTipping:                stripe.Bool(cfg.SkipTipping),
	}
	if !cfg.SkipTipping && cfg.TipEligible > 0 {
		p.Tipping = &stripe.TerminalReaderProcessPaymentIntentProcessConfigTippingParams{AmountEligible: stripe.Int64(cfg.TipEligible)}
	}
	return p
}

// CancelReaderAction implements domain.Gateway.
func (c *Client) CancelReaderAction(ctx context.Context, key domain.IdempotencyKey, readerID string) (domain.Reader, error) {
	wp, err := writeParams(ctx, key)
	if err != nil {
		return domain.Reader{}, err
	}
	r, err := c.api.TerminalReaders.CancelAction(readerID, &stripe.TerminalReaderCancelActionParams{Params: wp})
	if err != nil {
		return domain.Reader{}, c.fail("cancel reader action", err)
	}
	return toReader(r), nil
}

// SetReaderDisplay implements domain.Gateway.
func (c *Client) SetReaderDisplay(ctx context.Context, key domain.IdempotencyKey, readerID string, cart domain.ReaderCart) (domain.Reader, error) {
	wp, err := writeParams(ctx, key)
	if err != nil {
		return domain.Reader{}, err
	}
	cp := &stripe.TerminalReaderSetReaderDisplayCartParams{
		Currency: stripe.String(cart.Currency.StripeCode()),
		Tax:      stripe.Int64(cart.Tax),
		Total:    stripe.Int64(cart.Total),
	}
	for _, l := range cart.Lines {
		cp.LineItems = append(cp.LineItems, &stripe.TerminalReaderSetReaderDisplayCartLineItemParams{
			Amount: stripe.Int64(l.Amount), Description: stripe.String(l.Description), Quantity: stripe.Int64(l.Quantity),
		})
	}
	r, err := c.api.TerminalReaders.SetReaderDisplay(readerID, &stripe.TerminalReaderSetReaderDisplayParams{
		Params: wp, Type: stripe.String("cart"), Cart: cp,
	})
	if err != nil {
		return domain.Reader{}, c.fail("set reader display", err)
	}
	return toReader(r), nil
}

// PresentPaymentMethod implements domain.Gateway.
func (c *Client) PresentPaymentMethod(ctx context.Context, key domain.IdempotencyKey, readerID string, card domain.TestCard, tip int64) (domain.Reader, error) {
	wp, err := writeParams(ctx, key)
	if err != nil {
		return domain.Reader{}, err
	}
	p := &stripe.TestHelpersTerminalReaderPresentPaymentMethodParams{Params: wp, Type: stripe.String("card_present")}
	if tip > 0 {
		p.AmountTip = stripe.Int64(tip)
	}
	if card != "" {
		p.CardPresent = &stripe.TestHelpersTerminalReaderPresentPaymentMethodCardPresentParams{Number: stripe.String(string(card))}
	}
	r, err := c.api.TestHelpersTerminalReaders.PresentPaymentMethod(readerID, p)
	if err != nil {
		return domain.Reader{}, c.fail("present payment method", err)
	}
	return toReader(r), nil
}
