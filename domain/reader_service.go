package domain

import (
	"context"
	"fmt"
	"time"
)

// ReaderService registers, lists, renames, tests and removes Stripe Terminal
// readers and creates locations. It keeps the readers it saw, so screens can
// show them without a network call.
type ReaderService struct {
	Store      Store
	Connection *Connection
	Clock      Clock
	// TestWait bounds how long Test waits for the reader to answer.
	TestWait time.Duration
	// Poll is the pause between two looks at the reader during Test.
	Poll time.Duration
}

// ReadersView is the readers screen's content.
type ReadersView struct {
	Readers   []KnownReader
	Locations []Location
	Mode      Mode
}

// terminalErr words permission failures for Terminal.
func terminalErr(err error) error {
	if ErrorCode(err) == EPERMISSION {
		return WrapError(EPERMISSION, "This key may not use Stripe Terminal. In the Stripe Dashboard (Developers > API keys), give the restricted key the \"Terminal: Write\" permission, or use the secret key.", err)
	}
	return err
}

// Cached returns the readers last seen in the current mode, without Stripe.
func (s *ReaderService) Cached(ctx context.Context) (ReadersView, error) {
	v := ReadersView{Mode: s.Connection.Mode()}
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		v.Readers, err = tx.KnownReaders(v.Mode)
		return err
	})
	return v, err
}

// Refresh asks Stripe for the readers and locations and remembers the readers.
func (s *ReaderService) Refresh(ctx context.Context) (ReadersView, error) {
	gw, mode := s.Connection.Gateway()
	v := ReadersView{Mode: mode}
	locs, err := gw.Locations(ctx)
	if err != nil {
		return v, terminalErr(err)
	}
	readers, err := gw.Readers(ctx)
	if err != nil {
		return v, terminalErr(err)
	}
	names := map[string]string{}
	for _, l := range locs {
		names[l.ID] = l.DisplayName
	}
	now := s.Clock.Now()
	known := make([]KnownReader, len(readers))
	for i, r := range readers {
		known[i] = KnownReader{Reader: r, LocationName: names[r.LocationID], RefreshedAt: now}
	}
	if err := s.Store.Update(ctx, func(tx Tx) error { return tx.ReplaceKnownReaders(mode, known) }); err != nil {
		return v, fmt.Errorf("remember readers: %w", err)
	}
	v.Readers, v.Locations = known, locs
	return v, nil
}

// remember stores one reader just returned by Stripe.
func (s *ReaderService) remember(ctx context.Context, mode Mode, r Reader) (KnownReader, error) {
	kr := KnownReader{Reader: r, RefreshedAt: s.Clock.Now()}
	err := s.Store.Update(ctx, func(tx Tx) error {
		old, err := tx.KnownReaders(mode)
		if err != nil {
			return err
		}
		for _, o := range old {
			if o.LocationID == r.LocationID {
				kr.LocationName = o.LocationName
			}
		}
		return tx.SaveKnownReader(mode, kr)
	})
	return kr, err
}

// RegisterRequest names a reader to pair.
type RegisterRequest struct {
	Code       string // the registration code the reader shows
	Label      string
	LocationID string
}

// Register pairs a reader by its registration code.
func (s *ReaderService) Register(ctx context.Context, req RegisterRequest) (KnownReader, error) {
	if req.Code == "" {
		return KnownReader{}, fieldErr("code", Errorf(EINVALID, "Enter the registration code the reader shows (Settings > Generate pairing code on the reader)."))
	}
	if req.LocationID == "" {
		return KnownReader{}, fieldErr("location", Errorf(EINVALID, "Choose the location the reader is at; create one first if there is none."))
	}
	gw, mode := s.Connection.Gateway()
	r, err := gw.RegisterReader(ctx, NewIdempotencyKey("register"), req.Code, req.Label, req.LocationID)
	if err != nil {
		if ErrorCode(err) == EINVALID {
			return KnownReader{}, fieldErr("code", err)
		}
		return KnownReader{}, terminalErr(err)
	}
	return s.remember(ctx, mode, r)
}

// AddSimulated registers Stripe's simulated reader; test and demo mode only.
func (s *ReaderService) AddSimulated(ctx context.Context, label, locationID string) (KnownReader, error) {
	if s.Connection.Mode() == ModeLive {
		return KnownReader{}, Errorf(EINVALID, "Simulated readers exist in test mode only. Switch to Test in Settings to add one.")
	}
	if label == "" {
		label = "Simulated reader"
	}
	return s.Register(ctx, RegisterRequest{Code: SimulatedRegistrationCode, Label: label, LocationID: locationID})
}

// Rename changes a reader's label.
func (s *ReaderService) Rename(ctx context.Context, id, label string) (KnownReader, error) {
	if label == "" {
		return KnownReader{}, fieldErr("label", Errorf(EINVALID, "Give the reader a label, for example \"Front counter\"."))
	}
	gw, mode := s.Connection.Gateway()
	r, err := gw.RenameReader(ctx, NewIdempotencyKey("rename"), id, label)
	if err != nil {
		return KnownReader{}, terminalErr(err)
	}
	return s.remember(ctx, mode, r)
}

// Remove unregisters a reader at Stripe. A reader used by a payment method
// in use cannot be removed until the method is archived or changed.
func (s *ReaderService) Remove(ctx context.Context, id string) error {
	gw, mode := s.Connection.Gateway()
	err := s.Store.View(ctx, func(tx Tx) error {
		ms, err := tx.PaymentMethods()
		if err != nil {
			return err
		}
		for _, m := range ms {
			if m.ReaderID == id && !m.Archived {
				return Errorf(ECONFLICT, "The payment method %q uses this reader. Archive that method or give it another reader first.", m.Name)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := gw.DeleteReader(ctx, id); err != nil && ErrorCode(err) != ENOTFOUND {
		return terminalErr(err)
	}
	return s.Store.Update(ctx, func(tx Tx) error { return tx.DeleteKnownReader(mode, id) })
}

// TestResult says how a reader answered a test.
type TestResult struct {
	Answered bool
	Message  string
}

// Test shows a short test cart on the reader and waits for it to answer.
func (s *ReaderService) Test(ctx context.Context, id string, currency Currency) (TestResult, error) {
	gw, mode := s.Connection.Gateway()
	if currency.IsZero() {
		currency = MustCurrency("EUR")
	}
	cart := ReaderCart{Currency: currency, Lines: []ReaderCartLine{{Description: "Tally test — nothing to pay", Quantity: 1, Amount: 100}}, Total: 100}
	r, err := gw.SetReaderDisplay(ctx, NewIdempotencyKey("test"), id, cart)
	if err != nil {
		return TestResult{}, terminalErr(err)
	}
	wait, poll := s.TestWait, s.Poll
	if wait == 0 {
		wait = 15 * time.Second
	}
	if poll == 0 {
		poll = time.Second
	}
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	for r.Action != nil && r.Action.Status == ActionInProgress {
		select {
		case <-ctx.Done():
			return TestResult{}, ctx.Err()
		case <-deadline.C:
			return TestResult{Message: "The reader did not answer within " + wait.String() + ". Check that it is on and connected, then try again."}, nil
		case <-time.After(poll):
		}
		if r, err = gw.Reader(ctx, id); err != nil {
			return TestResult{}, terminalErr(err)
		}
	}
	_, _ = s.remember(ctx, mode, r)
	if r.Action != nil && r.Action.Status == ActionFailed {
		return TestResult{Message: "The reader answered with an error: " + r.Action.FailureMessage}, nil
	}
	return TestResult{Answered: true, Message: "The reader answered: it shows a test cart of " + FormatAmount(100, currency.Exponent()) + " " + currency.Code() + ". Nothing is charged."}, nil
}

// CreateLocation validates and creates a Terminal location.
func (s *ReaderService) CreateLocation(ctx context.Context, loc Location) (Location, error) {
	if err := ValidateLocation(loc); err != nil {
		return Location{}, err
	}
	gw, _ := s.Connection.Gateway()
	l, err := gw.CreateLocation(ctx, NewIdempotencyKey("location"), loc)
	if err != nil {
		return Location{}, terminalErr(err)
	}
	return l, nil
}
