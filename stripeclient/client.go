// Package stripeclient implements domain.Gateway: on Stripe's API through
// stripe-go (Client), and in process (Simulator) for demo mode and tests.
package stripeclient

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/stripe/stripe-go/v79"
	"github.com/stripe/stripe-go/v79/client"

	"tally/domain"
)

// Connector builds Clients; it implements domain.Connector.
type Connector struct {
	// HTTPClient is used for every request; nil means a client with a 30 s
	// timeout that honours the system's proxy settings.
	HTTPClient *http.Client
	// Log receives one line per failed request with Stripe's request id.
	Log *slog.Logger
	// Demo is returned for ModeDisabled.
	Demo domain.Gateway
}

// Connect implements domain.Connector.
func (c Connector) Connect(creds domain.Credentials) (domain.Gateway, error) {
	if creds.Mode == domain.ModeDisabled {
		if c.Demo == nil {
			return nil, domain.Errorf(domain.EINVALID, "Stripe is disabled.")
		}
		return c.Demo, nil
	}
	return New(creds.SecretKey, creds.APIBase, c.HTTPClient, c.Log), nil
}

// Client is domain.Gateway on Stripe's API.
type Client struct {
	api  *client.API
	key  string
	log  *slog.Logger
	http *http.Client
}

var _ domain.Gateway = (*Client)(nil)

// quietLogger drops stripe-go's own log lines: they may quote request data,
// and Client logs what matters itself.
type quietLogger struct{}

func (quietLogger) Debugf(string, ...interface{}) {}
func (quietLogger) Infof(string, ...interface{})  {}
func (quietLogger) Warnf(string, ...interface{})  {}
func (quietLogger) Errorf(string, ...interface{}) {}

// New returns a Client using key, talking to apiBase ("" for Stripe's own
// https://api.stripe.com, or a stripe-mock address in tests).
func New(key, apiBase string, httpClient *http.Client, log *slog.Logger) *Client {
	if httpClient == nil {
		httpClient = &http.Client{Timeout: 30 * time.Second, Transport: http.DefaultTransport}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg := &stripe.BackendConfig{
		HTTPClient:        httpClient,
		LeveledLogger:     quietLogger{},
		MaxNetworkRetries: stripe.Int64(2), // safe: every write carries our idempotency key
		EnableTelemetry:   stripe.Bool(false),
	}
	if apiBase != "" {
		cfg.URL = stripe.String(apiBase)
	}
	api := &client.API{}
	api.Init(key, stripe.NewBackendsWithConfig(cfg))
	return &Client{api: api, key: key, log: log, http: httpClient}
}

// params returns request params bound to ctx.
func params(ctx context.Context) stripe.Params {
	return stripe.Params{Context: ctx}
}

// writeParams returns request params bound to ctx with the caller's
// idempotency key. A write without a key is a bug: stripe-go would invent a
// random one and a retry after a crash could act twice.
func writeParams(ctx context.Context, key domain.IdempotencyKey) (stripe.Params, error) {
	if key == "" {
		return stripe.Params{}, domain.Errorf(domain.EINTERNAL, "internal error: a Stripe write without an idempotency key")
	}
	return stripe.Params{Context: ctx, IdempotencyKey: stripe.String(string(key))}, nil
}

// fail converts err and logs it with Stripe's request id (never the key).
func (c *Client) fail(op string, err error) error {
	derr := mapError(err)
	attrs := []any{"op", op, "code", domain.ErrorCode(derr)}
	if se, ok := asStripeError(err); ok {
		attrs = append(attrs, "request_id", se.RequestID, "status", se.HTTPStatusCode, "stripe_code", string(se.Code), "type", string(se.Type))
	} else {
		attrs = append(attrs, "cause", err.Error())
	}
	c.log.Warn("stripe request failed", attrs...)
	return derr
}

// Account implements domain.Gateway.
func (c *Client) Account(ctx context.Context) (domain.Account, error) {
	acct := &stripe.Account{}
	p := &stripe.AccountParams{Params: params(ctx)}
	// account.Client.Get takes no params, so no context: call the backend.
	if err := c.api.Accounts.B.Call(http.MethodGet, "/v1/account", c.key, p, acct); err != nil {
		return domain.Account{}, c.fail("account", err)
	}
	return toAccount(acct), nil
}

// Balance implements domain.Gateway.
func (c *Client) Balance(ctx context.Context) (domain.Balance, error) {
	b, err := c.api.Balance.Get(&stripe.BalanceParams{Params: params(ctx)})
	if err != nil {
		return domain.Balance{}, c.fail("balance", err)
	}
	var out domain.Balance
	for _, a := range b.Available {
		out.Available = append(out.Available, money(a.Amount, string(a.Currency)))
	}
	for _, a := range b.Pending {
		out.Pending = append(out.Pending, money(a.Amount, string(a.Currency)))
	}
	return out, nil
}

// ServerTime implements domain.Gateway: the Date header of a balance read.
func (c *Client) ServerTime(ctx context.Context) (time.Time, error) {
	b, err := c.api.Balance.Get(&stripe.BalanceParams{Params: params(ctx)})
	if err != nil {
		return time.Time{}, c.fail("balance", err)
	}
	if b.LastResponse == nil {
		return time.Time{}, domain.Errorf(domain.EUNAVAILABLE, "Stripe's answer carried no date.")
	}
	t, err := http.ParseTime(b.LastResponse.Header.Get("Date"))
	if err != nil {
		return time.Time{}, domain.WrapError(domain.EUNAVAILABLE, "Stripe's answer carried no readable date.", err)
	}
	return t.UTC(), nil
}

// CreatePaymentIntent implements domain.Gateway.
func (c *Client) CreatePaymentIntent(ctx context.Context, key domain.IdempotencyKey, p domain.PaymentIntentParams) (domain.PaymentIntent, error) {
	wp, err := writeParams(ctx, key)
	if err != nil {
		return domain.PaymentIntent{}, err
	}
	sp := &stripe.PaymentIntentParams{
		Params:             wp,
		Amount:             stripe.Int64(p.Amount.Amount),
		Currency:           stripe.String(p.Amount.Currency.StripeCode()),
		PaymentMethodTypes: stripe.StringSlice(p.PaymentMethodTypes),
	}
	if p.CaptureMethod != "" {
		sp.CaptureMethod = stripe.String(string(p.CaptureMethod))
	}
	if p.Description != "" {
		sp.Description = stripe.String(p.Description)
	}
	if p.ReceiptEmail != "" {
		sp.ReceiptEmail = stripe.String(p.ReceiptEmail)
	}
	for k, v := range p.Metadata {
		sp.AddMetadata(k, v)
	}
	pi, err := c.api.PaymentIntents.New(sp)
	if err != nil {
		return domain.PaymentIntent{}, c.fail("create payment intent", err)
	}
	return toPaymentIntent(pi), nil
}

// PaymentIntent implements domain.Gateway.
func (c *Client) PaymentIntent(ctx context.Context, id string) (domain.PaymentIntent, error) {
	p := &stripe.PaymentIntentParams{Params: params(ctx)}
	p.AddExpand("latest_charge")
	pi, err := c.api.PaymentIntents.Get(id, p)
	if err != nil {
		return domain.PaymentIntent{}, c.fail("get payment intent", err)
	}
	return toPaymentIntent(pi), nil
}

// CapturePaymentIntent implements domain.Gateway.
func (c *Client) CapturePaymentIntent(ctx context.Context, key domain.IdempotencyKey, id string, amount int64) (domain.PaymentIntent, error) {
	wp, err := writeParams(ctx, key)
	if err != nil {
		return domain.PaymentIntent{}, err
	}
	p := &stripe.PaymentIntentCaptureParams{Params: wp}
	if amount > 0 {
		p.AmountToCapture = stripe.Int64(amount)
	}
	pi, err := c.api.PaymentIntents.Capture(id, p)
	if err != nil {
		return domain.PaymentIntent{}, c.fail("capture payment intent", err)
	}
	return toPaymentIntent(pi), nil
}

// CancelPaymentIntent implements domain.Gateway.
func (c *Client) CancelPaymentIntent(ctx context.Context, key domain.IdempotencyKey, id string) (domain.PaymentIntent, error) {
	wp, err := writeParams(ctx, key)
	if err != nil {
		return domain.PaymentIntent{}, err
	}
	pi, err := c.api.PaymentIntents.Cancel(id, &stripe.PaymentIntentCancelParams{Params: wp})
	if err != nil {
		return domain.PaymentIntent{}, c.fail("cancel payment intent", err)
	}
	return toPaymentIntent(pi), nil
}

// CreateCheckoutSession implements domain.Gateway.
func (c *Client) CreateCheckoutSession(ctx context.Context, key domain.IdempotencyKey, p domain.CheckoutParams) (domain.CheckoutSession, error) {
	wp, err := writeParams(ctx, key)
	if err != nil {
		return domain.CheckoutSession{}, err
	}
	sp := &stripe.CheckoutSessionParams{
		Params: wp,
		Mode:   stripe.String(string(stripe.CheckoutSessionModePayment)),
		LineItems: []*stripe.CheckoutSessionLineItemParams{{
			Quantity: stripe.Int64(1),
			PriceData: &stripe.CheckoutSessionLineItemPriceDataParams{
				Currency:    stripe.String(p.Amount.Currency.StripeCode()),
				UnitAmount:  stripe.Int64(p.Amount.Amount),
				ProductData: &stripe.CheckoutSessionLineItemPriceDataProductDataParams{Name: stripe.String(p.ProductName)},
			},
		}},
		ExpiresAt: stripe.Int64(p.ExpiresAt.Unix()),
	}
	if p.SuccessURL != "" {
		sp.SuccessURL = stripe.String(p.SuccessURL)
	}
	if p.SuccessMessage != "" {
		sp.CustomText = &stripe.CheckoutSessionCustomTextParams{
			Submit: &stripe.CheckoutSessionCustomTextSubmitParams{Message: stripe.String(p.SuccessMessage)},
		}
	}
	for k, v := range p.Metadata {
		sp.AddMetadata(k, v)
	}
	if len(p.Metadata) > 0 {
		sp.PaymentIntentData = &stripe.CheckoutSessionPaymentIntentDataParams{Metadata: p.Metadata}
	}
	s, err := c.api.CheckoutSessions.New(sp)
	if err != nil {
		return domain.CheckoutSession{}, c.fail("create checkout session", err)
	}
	return toCheckoutSession(s), nil
}

// CheckoutSession implements domain.Gateway.
func (c *Client) CheckoutSession(ctx context.Context, id string) (domain.CheckoutSession, error) {
	s, err := c.api.CheckoutSessions.Get(id, &stripe.CheckoutSessionParams{Params: params(ctx)})
	if err != nil {
		return domain.CheckoutSession{}, c.fail("get checkout session", err)
	}
	return toCheckoutSession(s), nil
}

// ExpireCheckoutSession implements domain.Gateway.
func (c *Client) ExpireCheckoutSession(ctx context.Context, key domain.IdempotencyKey, id string) (domain.CheckoutSession, error) {
	wp, err := writeParams(ctx, key)
	if err != nil {
		return domain.CheckoutSession{}, err
	}
	s, err := c.api.CheckoutSessions.Expire(id, &stripe.CheckoutSessionExpireParams{Params: wp})
	if err != nil {
		return domain.CheckoutSession{}, c.fail("expire checkout session", err)
	}
	return toCheckoutSession(s), nil
}

// CreateRefund implements domain.Gateway.
func (c *Client) CreateRefund(ctx context.Context, key domain.IdempotencyKey, p domain.RefundParams) (domain.Refund, error) {
	wp, err := writeParams(ctx, key)
	if err != nil {
		return domain.Refund{}, err
	}
	sp := &stripe.RefundParams{Params: wp, PaymentIntent: stripe.String(p.PaymentIntentID)}
	if p.Amount > 0 {
		sp.Amount = stripe.Int64(p.Amount)
	}
	if p.Reason != "" {
		sp.Reason = stripe.String(p.Reason)
	}
	for k, v := range p.Metadata {
		sp.AddMetadata(k, v)
	}
	r, err := c.api.Refunds.New(sp)
	if err != nil {
		return domain.Refund{}, c.fail("create refund", err)
	}
	return toRefund(r), nil
}

// Refund implements domain.Gateway.
func (c *Client) Refund(ctx context.Context, id string) (domain.Refund, error) {
	r, err := c.api.Refunds.Get(id, &stripe.RefundParams{Params: stripe.Params{Context: ctx}})
	if err != nil {
		return domain.Refund{}, c.fail("get refund", err)
	}
	return toRefund(r), nil
}

// Events implements domain.Gateway.
func (c *Client) Events(ctx context.Context, after string, types []string, limit int) ([]domain.Event, error) {
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	lp := &stripe.EventListParams{ListParams: stripe.ListParams{Context: ctx, Limit: stripe.Int64(int64(limit)), Single: true}}
	if after != "" {
		lp.EndingBefore = stripe.String(after)
	}
	if len(types) > 20 {
		return nil, domain.Errorf(domain.EINTERNAL, "internal error: Stripe lists events of at most 20 types at a time")
	}
	for _, t := range types {
		lp.Types = append(lp.Types, stripe.String(t))
	}
	it := c.api.Events.List(lp)
	var evs []domain.Event
	for it.Next() {
		evs = append(evs, toEvent(it.Event()))
	}
	if err := it.Err(); err != nil {
		return nil, c.fail("list events", err)
	}
	// Stripe lists newest first; callers apply events oldest first.
	for i, j := 0, len(evs)-1; i < j; i, j = i+1, j-1 {
		evs[i], evs[j] = evs[j], evs[i]
	}
	return evs, nil
}
