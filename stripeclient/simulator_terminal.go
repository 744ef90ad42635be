package stripeclient

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/stripe/stripe-go/v79"

	"tally/domain"
)

// Countries where the simulator, like Stripe, offers Terminal.
var terminalCountries = map[string]bool{
	"AT": true, "AU": true, "BE": true, "CA": true, "CH": true, "CZ": true, "DE": true, "DK": true, "ES": true, "FI": true,
	"FR": true, "GB": true, "IE": true, "IT": true, "LU": true, "MY": true, "NL": true, "NO": true, "NZ": true, "PL": true,
	"PT": true, "SE": true, "SG": true, "US": true,
}

func readerOffline() *stripe.Error {
	return &stripe.Error{Type: stripe.ErrorTypeInvalidRequest, HTTPStatusCode: http.StatusBadRequest, Code: "terminal_reader_offline",
		Msg: "Reader is currently offline, please ensure the reader is powered on and connected to the internet before retrying your request."}
}

func readerBusy() *stripe.Error {
	return &stripe.Error{Type: stripe.ErrorTypeInvalidRequest, HTTPStatusCode: http.StatusBadRequest, Code: "terminal_reader_busy",
		Msg: "Reader is currently busy processing another request."}
}

// CreateLocation implements domain.Gateway.
func (s *Simulator) CreateLocation(ctx context.Context, key domain.IdempotencyKey, loc domain.Location) (domain.Location, error) {
	return idempotent(s, key, "create location", func() (domain.Location, error) { return s.createLocation(loc) })
}

func (s *Simulator) createLocation(loc domain.Location) (domain.Location, error) {
	a := loc.Address
	switch {
	case strings.TrimSpace(loc.DisplayName) == "":
		return domain.Location{}, mapError(invalid("display_name", "Missing required param: display_name."))
	case a.Country == "":
		return domain.Location{}, mapError(invalid("address[country]", "Missing required param: address[country]."))
	case !terminalCountries[strings.ToUpper(a.Country)]:
		return domain.Location{}, mapError(&stripe.Error{Type: stripe.ErrorTypeInvalidRequest, HTTPStatusCode: 400,
			Code: "terminal_location_country_unsupported", Msg: fmt.Sprintf("Terminal is not available in %s.", a.Country)})
	case a.Line1 == "" || a.City == "":
		return domain.Location{}, mapError(invalid("address", "The address needs line1 and city."))
	case domain.AddressFormatFor(a.Country).PostalRequired && a.PostalCode == "":
		return domain.Location{}, mapError(invalid("address[postal_code]", "Missing required param: address[postal_code]."))
	case domain.AddressFormatFor(a.Country).StateRequired && a.State == "":
		return domain.Location{}, mapError(invalid("address[state]", "Missing required param: address[state]."))
	}
	loc.ID = s.newID("tml")
	loc.Address.Country = strings.ToUpper(a.Country)
	s.locations = append(s.locations, loc)
	return loc, nil
}

// Locations implements domain.Gateway.
func (s *Simulator) Locations(ctx context.Context) ([]domain.Location, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.takeFailure(); err != nil {
		return nil, err
	}
	return append([]domain.Location(nil), s.locations...), ctx.Err()
}

// RegisterReader implements domain.Gateway.
func (s *Simulator) RegisterReader(ctx context.Context, key domain.IdempotencyKey, code, label, locationID string) (domain.Reader, error) {
	return idempotent(s, key, "register reader", func() (domain.Reader, error) { return s.registerReader(code, label, locationID) })
}

func (s *Simulator) registerReader(code, label, locationID string) (domain.Reader, error) {
	found := false
	for _, l := range s.locations {
		found = found || l.ID == locationID
	}
	if !found {
		return domain.Reader{}, mapError(missing("terminal.location", locationID))
	}
	device := ""
	switch {
	case code == "simulated-wpe":
		device = "simulated_wisepos_e"
	case s.codes[code] != "":
		device = s.codes[code]
		delete(s.codes, code) // a registration code works once
	default:
		return domain.Reader{}, mapError(invalid("registration_code", "The registration code you provided is invalid or has expired. Please generate a new one and try again."))
	}
	r := &domain.Reader{ID: s.newID("tmr"), Label: label, DeviceType: device, LocationID: locationID, Status: domain.ReaderOnline}
	r.SerialNumber = fmt.Sprintf("SIM-%s", strings.ToUpper(r.ID[len(r.ID)-6:]))
	if r.Label == "" {
		r.Label = r.SerialNumber
	}
	s.readers = append(s.readers, r)
	return *r, nil
}

// Readers implements domain.Gateway.
func (s *Simulator) Readers(ctx context.Context) ([]domain.Reader, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.takeFailure(); err != nil {
		return nil, err
	}
	out := make([]domain.Reader, len(s.readers))
	for i, r := range s.readers {
		out[i] = copyReader(r)
	}
	return out, ctx.Err()
}

func copyReader(r *domain.Reader) domain.Reader {
	c := *r
	if r.Action != nil {
		a := *r.Action
		c.Action = &a
	}
	return c
}

// Reader implements domain.Gateway.
func (s *Simulator) Reader(ctx context.Context, id string) (domain.Reader, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.takeFailure(); err != nil {
		return domain.Reader{}, err
	}
	r := s.reader(id)
	if r == nil {
		return domain.Reader{}, mapError(missing("terminal.reader", id))
	}
	return copyReader(r), ctx.Err()
}

// RenameReader implements domain.Gateway.
func (s *Simulator) RenameReader(ctx context.Context, key domain.IdempotencyKey, id, label string) (domain.Reader, error) {
	return idempotent(s, key, "rename reader", func() (domain.Reader, error) {
		r := s.reader(id)
		if r == nil {
			return domain.Reader{}, mapError(missing("terminal.reader", id))
		}
		r.Label = label
		return copyReader(r), nil
	})
}

// DeleteReader implements domain.Gateway.
func (s *Simulator) DeleteReader(ctx context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.takeFailure(); err != nil {
		return err
	}
	for i, r := range s.readers {
		if r.ID == id {
			s.readers = append(s.readers[:i], s.readers[i+1:]...)
			return s.save()
		}
	}
	return mapError(missing("terminal.reader", id))
}

// readerForAction returns the reader if it can take a new action.
func (s *Simulator) readerForAction(id string) (*domain.Reader, error) {
	r := s.reader(id)
	switch {
	case r == nil:
		return nil, mapError(missing("terminal.reader", id))
	case r.Status != domain.ReaderOnline:
		return nil, mapError(readerOffline())
	case r.Action != nil && r.Action.Status == domain.ActionInProgress:
		return nil, mapError(readerBusy())
	}
	return r, nil
}

// ProcessPaymentIntent implements domain.Gateway.
func (s *Simulator) ProcessPaymentIntent(ctx context.Context, key domain.IdempotencyKey, readerID, paymentIntentID string, cfg domain.ProcessConfig) (domain.Reader, error) {
	return idempotent(s, key, "process payment intent", func() (domain.Reader, error) {
		r, err := s.processPaymentIntent(readerID, paymentIntentID)
		if err == nil {
			s.allowCancel[readerID] = cfg.EnableCustomerCancellation
			s.allowTips[readerID] = !cfg.SkipTipping
		}
		return r, err
	})
}

func (s *Simulator) processPaymentIntent(readerID, piID string) (domain.Reader, error) {
	r, err := s.readerForAction(readerID)
	if err != nil {
		return domain.Reader{}, err
	}
	si, ok := s.intents[piID]
	if !ok {
		return domain.Reader{}, mapError(missing("payment_intent", piID))
	}
	if si.pi.Status != domain.PIRequiresPaymentMethod {
		return domain.Reader{}, mapError(unexpectedState(fmt.Sprintf("This PaymentIntent's status is %s; it cannot be processed on a reader.", si.pi.Status)))
	}
	if !containsString(si.types, "card_present") {
		return domain.Reader{}, mapError(invalid("payment_intent", "The PaymentIntent must allow the card_present payment method to be processed on a reader."))
	}
	r.Action = &domain.ReaderAction{Type: "process_payment_intent", Status: domain.ActionInProgress, PaymentIntentID: piID}
	return copyReader(r), nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// CancelReaderAction implements domain.Gateway.
func (s *Simulator) CancelReaderAction(ctx context.Context, key domain.IdempotencyKey, readerID string) (domain.Reader, error) {
	return idempotent(s, key, "cancel reader action", func() (domain.Reader, error) {
		r := s.reader(readerID)
		switch {
		case r == nil:
			return domain.Reader{}, mapError(missing("terminal.reader", readerID))
		case r.Status != domain.ReaderOnline:
			return domain.Reader{}, mapError(readerOffline())
		}
		if r.Action != nil && r.Action.Status == domain.ActionInProgress {
			r.Action.Status, r.Action.FailureCode, r.Action.FailureMessage = domain.ActionFailed, "canceled", "The action was canceled."
		}
		return copyReader(r), nil
	})
}

// SetReaderDisplay implements domain.Gateway.
func (s *Simulator) SetReaderDisplay(ctx context.Context, key domain.IdempotencyKey, readerID string, cart domain.ReaderCart) (domain.Reader, error) {
	return idempotent(s, key, "set reader display", func() (domain.Reader, error) {
		r, err := s.readerForAction(readerID)
		if err != nil {
			return domain.Reader{}, err
		}
		if cart.Currency.IsZero() || len(cart.Lines) == 0 {
			return domain.Reader{}, mapError(invalid("cart", "A cart needs a currency and at least one line item."))
		}
		r.Action = &domain.ReaderAction{Type: "set_reader_display", Status: domain.ActionSucceeded}
		return copyReader(r), nil
	})
}

// PresentPaymentMethod implements domain.Gateway: the customer taps card.
func (s *Simulator) PresentPaymentMethod(ctx context.Context, key domain.IdempotencyKey, readerID string, card domain.TestCard, tip int64) (domain.Reader, error) {
	return idempotent(s, key, "present payment method", func() (domain.Reader, error) { return s.presentPaymentMethod(readerID, card, tip) })
}

func (s *Simulator) presentPaymentMethod(readerID string, card domain.TestCard, tip int64) (domain.Reader, error) {
	r := s.reader(readerID)
	if r == nil {
		return domain.Reader{}, mapError(missing("terminal.reader", readerID))
	}
	if !r.Simulated() {
		return domain.Reader{}, mapError(invalid("reader", "Only simulated readers accept a presented payment method."))
	}
	if r.Action == nil || r.Action.Status != domain.ActionInProgress || r.Action.Type != "process_payment_intent" {
		return domain.Reader{}, mapError(invalid("reader", "The reader is not waiting for a card: process a PaymentIntent on it first."))
	}
	si := s.intents[r.Action.PaymentIntentID]
	serr := cardOutcome(card)
	if serr == nil {
		serr = amountOutcome(si.pi.Amount.Amount)
	}
	if serr != nil {
		r.Action.Status, r.Action.FailureCode, r.Action.FailureMessage = domain.ActionFailed, string(serr.Code), serr.Msg
		si.pi.LastError = &domain.PaymentError{Code: string(serr.Code), DeclineCode: string(serr.DeclineCode), Message: declineMessage(string(serr.Code), string(serr.DeclineCode))}
		pi := si.pi
		s.emit("payment_intent.payment_failed", pi.ID, &domain.Event{PaymentIntent: &pi})
		rc := copyReader(r)
		s.emit("terminal.reader.action_failed", r.ID, &domain.Event{Reader: &rc})
		return copyReader(r), nil
	}
	si.pi.LastError = nil
	if tip > 0 && s.allowTips[readerID] {
		// As Stripe does: the amount grows by the tip, which
		// amount_details.tip names.
		si.pi.Amount.Amount += tip
		si.pi.Tip = tip
	}
	si.pi.Card = testCardDetails(card)
	si.pi.LatestChargeID = s.newID("ch")
	if si.pi.CaptureMethod == domain.CaptureManual {
		si.pi.Status, si.pi.AmountCapturable = domain.PIRequiresCapture, si.pi.Amount.Amount
		pi := si.pi
		s.emit("payment_intent.amount_capturable_updated", pi.ID, &domain.Event{PaymentIntent: &pi})
	} else {
		si.pi.Status, si.pi.AmountReceived = domain.PISucceeded, si.pi.Amount.Amount
		s.credit(si.pi.Amount, si.pi.LatestChargeID, "Card present "+si.pi.ID)
		pi := si.pi
		s.emit("payment_intent.succeeded", pi.ID, &domain.Event{PaymentIntent: &pi})
	}
	r.Action.Status = domain.ActionSucceeded
	rc := copyReader(r)
	s.emit("terminal.reader.action_succeeded", r.ID, &domain.Event{Reader: &rc})
	return copyReader(r), nil
}

// amountOutcome applies Stripe's Terminal test amounts: with a card that
// would succeed, an amount whose minor units end in 01, 05 or 55 is
// declined as call_issuer, generic_decline or incorrect_pin.
func amountOutcome(amount int64) *stripe.Error {
	decline := func(dc string) *stripe.Error {
		return &stripe.Error{Type: stripe.ErrorTypeCard, HTTPStatusCode: http.StatusPaymentRequired,
			Code: stripe.ErrorCodeCardDeclined, DeclineCode: stripe.DeclineCode(dc), Msg: "Your card was declined."}
	}
	switch amount % 100 {
	case 1:
		return decline("call_issuer")
	case 5:
		return decline("generic_decline")
	case 55:
		return decline("incorrect_pin")
	}
	return nil
}
