package stripeclient

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v79"

	"tally/domain"
)

// This file converts stripe-go types to domain types: the only place where
// Stripe's shapes meet Tally's.

func currency(code string) domain.Currency {
	c, err := domain.CurrencyOf(code)
	if err != nil {
		return domain.Currency{}
	}
	return c
}

func money(amount int64, code string) domain.Money {
	return domain.Money{Amount: amount, Currency: currency(code)}
}

func unix(t int64) time.Time {
	if t == 0 {
		return time.Time{}
	}
	return time.Unix(t, 0).UTC()
}

func toAccount(a *stripe.Account) domain.Account {
	out := domain.Account{ID: a.ID, Country: a.Country, ChargesEnabled: a.ChargesEnabled}
	if a.BusinessProfile != nil {
		out.Name = a.BusinessProfile.Name
	}
	if out.Name == "" && a.Settings != nil && a.Settings.Dashboard != nil {
		out.Name = a.Settings.Dashboard.DisplayName
	}
	if a.DefaultCurrency != "" {
		out.DefaultCurrency = currency(string(a.DefaultCurrency))
	}
	return out
}

func toLocation(l *stripe.TerminalLocation) domain.Location {
	out := domain.Location{ID: l.ID, DisplayName: l.DisplayName}
	if a := l.Address; a != nil {
		out.Address = domain.Address{Line1: a.Line1, Line2: a.Line2, City: a.City, State: a.State, PostalCode: a.PostalCode, Country: a.Country}
	}
	return out
}

func toReader(r *stripe.TerminalReader) domain.Reader {
	out := domain.Reader{
		ID: r.ID, Label: r.Label, DeviceType: string(r.DeviceType), SerialNumber: r.SerialNumber,
		Status: domain.ReaderStatus(r.Status), Livemode: r.Livemode,
	}
	if r.Location != nil {
		out.LocationID = r.Location.ID
	}
	if a := r.Action; a != nil {
		act := &domain.ReaderAction{Type: string(a.Type), Status: domain.ActionStatus(a.Status), FailureCode: a.FailureCode, FailureMessage: a.FailureMessage}
		if a.ProcessPaymentIntent != nil && a.ProcessPaymentIntent.PaymentIntent != nil {
			act.PaymentIntentID = a.ProcessPaymentIntent.PaymentIntent.ID
		}
		out.Action = act
	}
	return out
}

func toPaymentIntent(pi *stripe.PaymentIntent) domain.PaymentIntent {
	out := domain.PaymentIntent{
		ID: pi.ID, Amount: money(pi.Amount, string(pi.Currency)), AmountReceived: pi.AmountReceived,
		AmountCapturable: pi.AmountCapturable, Status: domain.PaymentIntentStatus(pi.Status),
		CaptureMethod: domain.CaptureMethod(pi.CaptureMethod), Metadata: pi.Metadata, Created: unix(pi.Created),
	}
	// Stripe's newer "automatic_async" captures at once like "automatic".
	if strings.HasPrefix(string(pi.CaptureMethod), "automatic") {
		out.CaptureMethod = domain.CaptureAutomatic
	}
	if d := pi.AmountDetails; d != nil && d.Tip != nil {
		out.Tip = d.Tip.Amount
	}
	if ch := pi.LatestCharge; ch != nil {
		out.LatestChargeID = ch.ID
		if d := ch.PaymentMethodDetails; d != nil {
			if cp := d.CardPresent; cp != nil {
				out.Card = domain.Card{Brand: string(cp.Brand), Last4: cp.Last4, ExpMonth: int(cp.ExpMonth), ExpYear: int(cp.ExpYear)}
			} else if c := d.Card; c != nil {
				out.Card = domain.Card{Brand: string(c.Brand), Last4: c.Last4, ExpMonth: int(c.ExpMonth), ExpYear: int(c.ExpYear)}
			}
		}
	}
	if e := pi.LastPaymentError; e != nil {
		out.LastError = &domain.PaymentError{Code: string(e.Code), DeclineCode: string(e.DeclineCode), Message: declineMessage(string(e.Code), string(e.DeclineCode))}
	}
	return out
}

func toCheckoutSession(s *stripe.CheckoutSession) domain.CheckoutSession {
	out := domain.CheckoutSession{
		ID: s.ID, URL: s.URL, Amount: money(s.AmountTotal, string(s.Currency)), Status: domain.CheckoutStatus(s.Status),
		Paid: s.PaymentStatus == stripe.CheckoutSessionPaymentStatusPaid, ExpiresAt: unix(s.ExpiresAt), Metadata: s.Metadata,
	}
	if s.PaymentIntent != nil {
		out.PaymentIntentID = s.PaymentIntent.ID
	}
	return out
}

func toRefund(r *stripe.Refund) domain.Refund {
	out := domain.Refund{ID: r.ID, Amount: money(r.Amount, string(r.Currency)), Status: string(r.Status),
		FailureReason: string(r.FailureReason), Reason: string(r.Reason), Metadata: r.Metadata, Created: unix(r.Created)}
	if r.PaymentIntent != nil {
		out.PaymentIntentID = r.PaymentIntent.ID
	}
	if r.Charge != nil {
		out.ChargeID = r.Charge.ID
	}
	return out
}

func toCharge(c *stripe.Charge) domain.Charge {
	out := domain.Charge{ID: c.ID, Amount: money(c.Amount, string(c.Currency)), AmountRefunded: c.AmountRefunded, Refunded: c.Refunded}
	if c.PaymentIntent != nil {
		out.PaymentIntentID = c.PaymentIntent.ID
	}
	return out
}

func toPayout(p *stripe.Payout) domain.Payout {
	return domain.Payout{ID: p.ID, Amount: money(p.Amount, string(p.Currency)), Status: string(p.Status),
		ArrivalDate: unix(p.ArrivalDate), FailureMessage: p.FailureMessage, Created: unix(p.Created)}
}

func toDispute(d *stripe.Dispute) domain.Dispute {
	out := domain.Dispute{ID: d.ID, Amount: money(d.Amount, string(d.Currency)), Reason: string(d.Reason), Status: string(d.Status), Created: unix(d.Created)}
	if d.Charge != nil {
		out.ChargeID = d.Charge.ID
	}
	if d.PaymentIntent != nil {
		out.PaymentIntentID = d.PaymentIntent.ID
	}
	return out
}

func toEvent(e *stripe.Event) domain.Event {
	out := domain.Event{ID: e.ID, Type: string(e.Type), Created: unix(e.Created), Livemode: e.Livemode, APIVersion: e.APIVersion}
	if e.Data == nil {
		return out
	}
	if id, ok := e.Data.Object["id"].(string); ok {
		out.ObjectID = id
	}
	kind, _ := e.Data.Object["object"].(string)
	switch kind {
	case "payment_intent":
		var pi stripe.PaymentIntent
		if json.Unmarshal(e.Data.Raw, &pi) == nil {
			v := toPaymentIntent(&pi)
			out.PaymentIntent = &v
		}
	case "checkout.session":
		var s stripe.CheckoutSession
		if json.Unmarshal(e.Data.Raw, &s) == nil {
			v := toCheckoutSession(&s)
			out.CheckoutSession = &v
		}
	case "refund":
		var r stripe.Refund
		if json.Unmarshal(e.Data.Raw, &r) == nil {
			v := toRefund(&r)
			out.Refund = &v
		}
	case "charge":
		var c stripe.Charge
		if json.Unmarshal(e.Data.Raw, &c) == nil {
			v := toCharge(&c)
			out.Charge = &v
		}
	case "payout":
		var p stripe.Payout
		if json.Unmarshal(e.Data.Raw, &p) == nil {
			v := toPayout(&p)
			out.Payout = &v
		}
	case "dispute":
		var d stripe.Dispute
		if json.Unmarshal(e.Data.Raw, &d) == nil {
			v := toDispute(&d)
			out.Dispute = &v
		}
	case "invoice":
		var inv stripe.Invoice
		if json.Unmarshal(e.Data.Raw, &inv) == nil {
			v := toInvoice(&inv)
			out.Invoice = &v
		}
	case "terminal.reader":
		var r stripe.TerminalReader
		if json.Unmarshal(e.Data.Raw, &r) == nil {
			v := toReader(&r)
			out.Reader = &v
		}
	}
	return out
}
