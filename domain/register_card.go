package domain

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// StartCard takes amount (0: all that is due) of a sale on the method's card
// reader: the attempt is stored first, then the PaymentIntent is created
// with the attempt's key, the cart shown on the reader, and the
// PaymentIntent handed to it. The result is pending while the reader waits
// for the card: call Check until it is done.
func (s *RegisterService) StartCard(ctx context.Context, saleID, methodID, amount int64) (PaymentResult, error) {
	m, err := s.method(ctx, methodID)
	if err != nil {
		return PaymentResult{}, err
	}
	if m.Kind != MethodCardReader {
		return PaymentResult{}, Errorf(EINVALID, "%s is not a card reader method.", m.Name)
	}
	a, sale, err := s.newAttempt(ctx, saleID, m, amount, func(a *Attempt) {
		a.ReaderID, a.CaptureMethod = m.ReaderID, m.CaptureMethod
		a.TipsOffered = m.Tips
	})
	if err != nil {
		return PaymentResult{Sale: sale}, err
	}
	return s.advanceCard(ctx, a, sale)
}

// advanceCard carries a pending card attempt forward from its stage.
func (s *RegisterService) advanceCard(ctx context.Context, a Attempt, sale Sale) (PaymentResult, error) {
	gw, _ := s.Connection.Gateway()
	if a.Stage == StageStored {
		pi, err := gw.CreatePaymentIntent(ctx, a.key("create"), s.intentParams(sale, a))
		if err != nil {
			if uncertain(err) {
				return s.pending(ctx, a, ErrorMessage(err)+" Nothing is charged yet: press Check status to go on (the same request is sent again, never a second payment).", err)
			}
			a.Status = AttemptFailed
			return s.settle(ctx, a, "Stripe refused the payment: "+ErrorMessage(err))
		}
		a.PaymentIntent, a.Stage = pi.ID, StageIntent
		if err := s.save(ctx, &a); err != nil {
			return PaymentResult{Attempt: a}, err
		}
		_, _ = gw.SetReaderDisplay(ctx, a.key("display"), a.ReaderID, readerCart(sale, a))
	}
	if a.Stage == StageIntent || a.Stage == StageDeclined {
		// Each hand-over to the reader is a request of its own (a retry after
		// a decline must reach the reader), counted before it leaves.
		if a.Stage == StageDeclined || a.Tries == 0 {
			a.Tries++
			a.Stage = StageIntent
			if err := s.save(ctx, &a); err != nil {
				return PaymentResult{Attempt: a}, err
			}
		}
		_, err := gw.ProcessPaymentIntent(ctx, a.key(fmt.Sprintf("process-%d", a.Tries)), a.ReaderID, a.PaymentIntent,
			ProcessConfig{EnableCustomerCancellation: true, SkipTipping: !a.TipsOffered, TipEligible: a.Amount.Amount})
		switch {
		case err == nil:
			a.Stage = StageOnReader
			return s.pending(ctx, a, "Waiting for the customer's card on the reader…", nil)
		case ErrorCode(err) == ECONFLICT:
			return s.pending(ctx, a, s.busyMessage(ctx, a), err)
		case uncertain(err):
			// A timeout or a lost answer can hide a reader that got the
			// payment: look before saying anything.
			return s.checkCard(ctx, a)
		default:
			return s.pending(ctx, a, ErrorMessage(err), err)
		}
	}
	return s.checkCard(ctx, a)
}

// intentParams is the attempt's PaymentIntent: always the same request for
// the same attempt, so that sending it again returns the first one.
func (s *RegisterService) intentParams(sale Sale, a Attempt) PaymentIntentParams {
	return PaymentIntentParams{
		Amount: a.Amount, PaymentMethodTypes: []string{"card_present"}, CaptureMethod: a.CaptureMethod,
		Description: fmt.Sprintf("%s sale #%d", sale.Till, sale.Number), ReceiptEmail: sale.Cart.ReceiptEmail,
		Metadata: s.metadata(sale, a),
	}
}

// uncertain reports an error after which the request may or may not have
// been carried out at Stripe: only a look (or the same request with the same
// key) tells.
func uncertain(err error) bool {
	switch ErrorCode(err) {
	case EUNAVAILABLE, EINTERNAL, ERATELIMIT:
		return true
	}
	return errors.Is(err, context.DeadlineExceeded)
}

func readerCart(sale Sale, a Attempt) ReaderCart {
	c := ReaderCart{Currency: sale.Cart.Currency, Tax: sale.Totals.Tax, Total: a.Amount.Amount}
	for _, l := range sale.Cart.Lines {
		c.Lines = append(c.Lines, ReaderCartLine{Description: l.Description, Quantity: l.Quantity, Amount: l.Total})
	}
	if a.Amount.Amount != sale.Totals.Total {
		// A split payment: the reader shows what this card pays.
		c.Lines = []ReaderCartLine{{Description: fmt.Sprintf("Part of sale #%d", sale.Number), Quantity: 1, Amount: a.Amount.Amount}}
		c.Tax = 0
	}
	return c
}

func (s *RegisterService) busyMessage(ctx context.Context, a Attempt) string {
	gw, _ := s.Connection.Gateway()
	r, err := gw.Reader(ctx, a.ReaderID)
	if err == nil && r.Action != nil && r.Action.Status == ActionInProgress {
		return fmt.Sprintf("The reader is busy with something else (%s). Cancel that on the reader, or press Clear reader, then Try again.", actionName(r.Action.Type))
	}
	return "The reader is busy with another action. Wait for it to finish, or press Clear reader, then Try again."
}

func actionName(t string) string {
	switch t {
	case "process_payment_intent":
		return "another payment"
	case "set_reader_display":
		return "showing a cart"
	case "process_setup_intent":
		return "saving a card"
	case "refund_payment":
		return "a refund"
	}
	return t
}

// checkCard looks at the PaymentIntent, then the reader, and records what
// they say.
func (s *RegisterService) checkCard(ctx context.Context, a Attempt) (PaymentResult, error) {
	gw, _ := s.Connection.Gateway()
	if a.PaymentIntent == "" {
		// Stored, the create's answer never came: send it again with the
		// same key, which returns the PaymentIntent it made, if any.
		sale, err := s.Sale(ctx, a.SaleID)
		if err != nil {
			return PaymentResult{}, err
		}
		a.Stage = StageStored
		return s.advanceCard(ctx, a, sale)
	}
	pi, err := gw.PaymentIntent(ctx, a.PaymentIntent)
	if err != nil {
		return s.pending(ctx, a, ErrorMessage(err)+" The payment's outcome is not known yet: Tally asks again.", err)
	}
	switch pi.Status {
	case PISucceeded:
		a.Status, a.Card, a.ChargeID, a.Tip = AttemptSucceeded, pi.Card, pi.LatestChargeID, pi.Tip
		return s.settle(ctx, a, "Paid by "+cardName(pi.Card)+tipText(a)+".")
	case PIRequiresCapture:
		a.Status, a.Card, a.ChargeID, a.Tip = AttemptAuthorized, pi.Card, pi.LatestChargeID, pi.Tip
		return s.settle(ctx, a, "Authorised on "+cardName(pi.Card)+tipText(a)+": capture it within two days.")
	case PICanceled:
		a.Status = AttemptCanceled
		return s.settle(ctx, a, "The payment was cancelled at Stripe; nothing was charged.")
	case PIProcessing:
		return s.pending(ctx, a, "The card is being authorised…", nil)
	}
	r, err := gw.Reader(ctx, a.ReaderID)
	if err != nil {
		return s.pending(ctx, a, ErrorMessage(err), err)
	}
	act := r.Action
	mine := act != nil && act.PaymentIntentID == a.PaymentIntent && act.Type == "process_payment_intent"
	switch {
	case mine && act.Status == ActionInProgress && r.Status == ReaderOffline:
		a.Stage = StageOnReader
		return s.pending(ctx, a, "The reader has lost its connection while collecting the card (Stripe stops hearing from a reader after 2 minutes). Check the reader's network, then Check status; or choose another method, or cancel the sale.", nil)
	case mine && act.Status == ActionInProgress:
		a.Stage = StageOnReader
		return s.pending(ctx, a, "Waiting for the customer's card on the reader…", nil)
	case mine && act.Status == ActionFailed && a.Stage != StageIntent:
		a.Stage = StageDeclined
		msg := "The reader says: " + act.FailureMessage
		switch {
		case act.FailureCode == "customer_canceled":
			msg = "The customer cancelled the payment on the reader. Try again, choose another method, or cancel the sale."
		case act.FailureCode == "canceled":
			msg = "The reader's action was cancelled. Try again, choose another method, or cancel the sale."
		case pi.LastError != nil:
			msg = pi.LastError.Message + " Try again on the same payment, choose another method, or cancel the sale."
		}
		return s.pending(ctx, a, msg, nil)
	case r.Status == ReaderOffline:
		return s.pending(ctx, a, "The card reader is offline. Check that it is on and connected, then Try again; or choose another method, or cancel the sale.", nil)
	}
	if a.Stage == StageOnReader {
		// The reader dropped the payment (restarted, or took another
		// action): the PaymentIntent waits for a new hand-over.
		a.Stage = StageIntent
		return s.pending(ctx, a, "The reader is no longer collecting this payment. Try again, choose another method, or cancel the sale.", nil)
	}
	if a.Stage == StageIntent && a.Tries > 0 {
		return s.pending(ctx, a, "The reader has not received this payment (the request may not have reached Stripe). Try again (F5), choose another method, or cancel the sale.", nil)
	}
	return s.pending(ctx, a, a.Message, nil)
}

func tipText(a Attempt) string {
	if a.Tip == 0 {
		return ""
	}
	return ", with a tip of " + New(a.Tip, a.Amount.Currency).String()
}

func cardName(c Card) string {
	if c.Brand == "" {
		return "card"
	}
	name := strings.ToUpper(c.Brand[:1]) + c.Brand[1:]
	if c.Last4 != "" {
		name += " •••• " + c.Last4
	}
	return name
}

// Retry hands a declined or dropped card payment to the reader again, on the
// same PaymentIntent: a new one per retry would leave stray authorisations.
func (s *RegisterService) Retry(ctx context.Context, attemptID int64) (PaymentResult, error) {
	a, err := s.Attempt(ctx, attemptID)
	if err != nil {
		return PaymentResult{}, err
	}
	if a.Status != AttemptPending || a.Kind != MethodCardReader {
		return PaymentResult{Attempt: a}, Errorf(ECONFLICT, "This payment is not waiting for a retry.")
	}
	if a.Stage == StageOnReader {
		return s.checkCard(ctx, a)
	}
	if a.Stage == StageIntent && a.Tries > 0 {
		a.Stage = StageDeclined // a new hand-over, with a new request key
	}
	sale, err := s.Sale(ctx, a.SaleID)
	if err != nil {
		return PaymentResult{}, err
	}
	return s.advanceCard(ctx, a, sale)
}

// ClearReader cancels whatever the attempt's reader is doing for someone
// else (a busy reader), so that the payment can be handed to it.
func (s *RegisterService) ClearReader(ctx context.Context, attemptID int64) (PaymentResult, error) {
	a, err := s.Attempt(ctx, attemptID)
	if err != nil {
		return PaymentResult{}, err
	}
	gw, _ := s.Connection.Gateway()
	if _, err := gw.CancelReaderAction(ctx, NewIdempotencyKey("tally-clear"), a.ReaderID); err != nil {
		if ErrorCode(err) == ECONFLICT {
			return s.pending(ctx, a, "The reader is in the middle of an authorisation and cannot be stopped now: wait a few seconds, then try again.", err)
		}
		return s.pending(ctx, a, ErrorMessage(err), err)
	}
	return s.pending(ctx, a, "The reader is free. Press Try again to send this payment to it.", nil)
}

// cancelCard stops the reader and cancels the PaymentIntent.
func (s *RegisterService) cancelCard(ctx context.Context, a Attempt) (PaymentResult, error) {
	gw, _ := s.Connection.Gateway()
	if a.PaymentIntent == "" {
		// The create may have happened without its answer: repeat it with
		// the same key to learn the PaymentIntent, and cancel that.
		sale, err := s.Sale(ctx, a.SaleID)
		if err != nil {
			return PaymentResult{}, err
		}
		pi, err := gw.CreatePaymentIntent(ctx, a.key("create"), s.intentParams(sale, a))
		if err != nil {
			if uncertain(err) {
				return s.pending(ctx, a, ErrorMessage(err)+" Cancel again once Stripe can be reached.", err)
			}
			a.Status = AttemptCanceled
			return s.settle(ctx, a, "Cancelled; nothing was charged.")
		}
		a.PaymentIntent = pi.ID
		if err := s.save(ctx, &a); err != nil {
			return PaymentResult{Attempt: a}, err
		}
	}
	// Say so first: a restart in the middle finishes the cancel instead of
	// waiting on the reader.
	a.Stage = StageCanceling
	if err := s.save(ctx, &a); err != nil {
		return PaymentResult{Attempt: a}, err
	}
	if r, err := gw.Reader(ctx, a.ReaderID); err == nil && r.Action != nil && r.Action.Status == ActionInProgress &&
		r.Action.PaymentIntentID == a.PaymentIntent {
		if _, err := gw.CancelReaderAction(ctx, a.key(fmt.Sprintf("cancel-action-%d", a.Tries)), a.ReaderID); err != nil && ErrorCode(err) == ECONFLICT {
			return s.pending(ctx, a, "The card is being authorised right now and cannot be stopped: wait for the result.", err)
		}
	}
	_, err := gw.CancelPaymentIntent(ctx, a.key("cancel"), a.PaymentIntent)
	if err != nil {
		if ErrorCode(err) == ECONFLICT || uncertain(err) {
			// It may have succeeded meanwhile, or the cancel may have gone
			// through without its answer: look.
			res, cerr := s.checkCard(ctx, a)
			if cerr == nil && res.Attempt.Status.Settled() {
				res.Message = "The payment went through before it could be cancelled: " + res.Message
				return res, nil
			}
			if cerr == nil && res.Attempt.Status == AttemptCanceled {
				return res, nil
			}
			return s.pending(ctx, a, ErrorMessage(err), err)
		}
		return s.pending(ctx, a, ErrorMessage(err), err)
	}
	a.Status = AttemptCanceled
	return s.settle(ctx, a, "Cancelled; nothing was charged.")
}

// PresentTestCard makes the simulated reader act as if the customer tapped
// card: test and demo mode only.
func (s *RegisterService) PresentTestCard(ctx context.Context, attemptID int64, card TestCard) (PaymentResult, error) {
	return s.PresentTestCardWithTip(ctx, attemptID, card, 0)
}

// PresentTestCardWithTip is PresentTestCard with the customer adding tip on
// the reader (when the method offers tips).
func (s *RegisterService) PresentTestCardWithTip(ctx context.Context, attemptID int64, card TestCard, tip int64) (PaymentResult, error) {
	gw, mode := s.Connection.Gateway()
	if mode == ModeLive {
		return PaymentResult{}, Errorf(EPERMISSION, "Test cards work in test and demo mode only.")
	}
	a, err := s.Attempt(ctx, attemptID)
	if err != nil {
		return PaymentResult{}, err
	}
	if a.Status != AttemptPending || a.Stage != StageOnReader {
		return PaymentResult{Attempt: a}, Errorf(ECONFLICT, "The reader is not waiting for a card.")
	}
	if _, err := gw.PresentPaymentMethod(ctx, a.key(fmt.Sprintf("present-%d", a.Tries)), a.ReaderID, card, tip); err != nil {
		return s.pending(ctx, a, ErrorMessage(err), err)
	}
	return s.checkCard(ctx, a)
}

// DemoCustomerPays plays, in demo mode, the customer who pays the attempt's
// payment page with card, or (card readers) presses Cancel on the reader.
func (s *RegisterService) DemoCustomerPays(ctx context.Context, attemptID int64, card TestCard) (PaymentResult, error) {
	if s.Demo == nil || s.Connection.Mode() != ModeDisabled {
		return PaymentResult{}, Errorf(EPERMISSION, "Only demo mode has a pretend customer.")
	}
	a, err := s.Attempt(ctx, attemptID)
	if err != nil {
		return PaymentResult{}, err
	}
	if a.Kind == MethodQRLink && a.SessionID != "" {
		if _, err := s.Demo.PayCheckout(a.SessionID, card); err != nil {
			return s.pending(ctx, a, ErrorMessage(err), err)
		}
		return s.Check(ctx, a.ID)
	}
	return PaymentResult{Attempt: a}, Errorf(ECONFLICT, "There is no payment page to pay.")
}

// DemoCustomerCancels plays, in demo mode, the customer pressing Cancel on
// the reader's screen.
func (s *RegisterService) DemoCustomerCancels(ctx context.Context, attemptID int64) (PaymentResult, error) {
	if s.Demo == nil || s.Connection.Mode() != ModeDisabled {
		return PaymentResult{}, Errorf(EPERMISSION, "Only demo mode has a pretend customer.")
	}
	a, err := s.Attempt(ctx, attemptID)
	if err != nil {
		return PaymentResult{}, err
	}
	if err := s.Demo.CustomerCancel(a.ReaderID); err != nil {
		return s.pending(ctx, a, ErrorMessage(err), err)
	}
	return s.Check(ctx, a.ID)
}

// Capture takes the money of a payment authorised on a manual-capture
// method (Stripe holds a card-present authorisation for two days). The
// PaymentIntent is looked up first and the capture sent only while it
// still waits for one, with the attempt's own key: a capture is never sent
// twice, and a capture whose answer was lost is found by the next look.
func (s *RegisterService) Capture(ctx context.Context, attemptID int64) (PaymentResult, error) {
	a, err := s.Attempt(ctx, attemptID)
	if err != nil {
		return PaymentResult{}, err
	}
	if a.Status != AttemptAuthorized || a.PaymentIntent == "" {
		return PaymentResult{Attempt: a}, Errorf(ECONFLICT, "This payment is not waiting to be captured.")
	}
	gw, _ := s.Connection.Gateway()
	pi, err := gw.PaymentIntent(ctx, a.PaymentIntent)
	if err != nil {
		return PaymentResult{Attempt: a}, err
	}
	if pi.Status == PIRequiresCapture {
		pi, err = gw.CapturePaymentIntent(ctx, a.key("capture"), a.PaymentIntent, 0)
		if err != nil && (uncertain(err) || ErrorCode(err) == ECONFLICT) {
			// A lost answer, or payment_intent_unexpected_state: captured
			// already (by an earlier try) or cancelled. Never capture
			// twice: look the PaymentIntent up.
			pi, err = gw.PaymentIntent(ctx, a.PaymentIntent)
		}
		if err != nil {
			return PaymentResult{Attempt: a, Message: "Not captured: " + ErrorMessage(err) + " The sale is not paid until the capture goes through; try again."}, err
		}
	}
	switch pi.Status {
	case PISucceeded:
		a.Status = AttemptSucceeded
		return s.settle(ctx, a, "Captured: the money is taken.")
	case PICanceled:
		// The authorisation lapsed or was voided: the sale is not paid.
		a.Status = AttemptCanceled
		a.Message = "The authorisation was cancelled or has expired at Stripe: nothing was taken. Take the amount again."
		if err := s.reopen(ctx, a); err != nil {
			return PaymentResult{Attempt: a}, err
		}
		sale, err := s.Sale(ctx, a.SaleID)
		return PaymentResult{Attempt: a, Sale: sale, Message: a.Message}, err
	}
	return PaymentResult{Attempt: a}, Errorf(ECONFLICT, "Stripe says this payment is %s; it cannot be captured now.", pi.Status)
}

// reopen records an authorisation that came to nothing and opens its sale
// again, so that the amount is taken another way.
func (s *RegisterService) reopen(ctx context.Context, a Attempt) error {
	a.Updated = s.Clock.Now()
	return s.Till.UpdateTill(ctx, func(tx TillTx) error {
		if err := tx.SaveAttempt(a); err != nil {
			return err
		}
		sale, err := tx.Sale(a.SaleID)
		if err != nil {
			return err
		}
		if sale.Status == SalePaid && sale.Due() > 0 {
			return tx.SetSaleStatus(sale.ID, SaleOpen, a.Updated)
		}
		return nil
	})
}
