package domain

import (
	"context"
	"fmt"
)

// Recovered is what the start-up check found for one attempt.
type Recovered struct {
	Sale    Sale
	Attempt Attempt
	Message string
	Err     error
}

// Recover looks up every unsettled attempt at Stripe and settles it, as the
// app starts (after a crash, a power cut, a lost connection): paid when
// Stripe took the money, cancelled when it was interrupted before a card or
// page could be used, left waiting when a reader is still collecting or a
// payment page is still open. Nothing is charged twice: every request it
// sends repeats the attempt's own idempotency keys.
//
// Payments NoteStart found unfinished and that something else settled
// before it ran (Stripe's events, read by the poll or the webhook) are
// reported too, once: the cashier hears of every interrupted payment,
// whatever settled it.
func (s *RegisterService) Recover(ctx context.Context) ([]Recovered, error) {
	var pending []Attempt
	if err := s.Till.ViewTill(ctx, func(tx TillTx) (err error) {
		pending, err = tx.PendingAttempts()
		return err
	}); err != nil {
		return nil, err
	}
	var out []Recovered
	s.startMu.Lock()
	noted := s.startPending
	s.startPending = nil
	s.startMu.Unlock()
	stillPending := map[int64]bool{}
	for _, a := range pending {
		stillPending[a.ID] = true
	}
	for _, id := range noted {
		if stillPending[id] {
			continue
		}
		// Settled since the start, before this check: said all the same.
		var a Attempt
		var sale Sale
		if err := s.Till.ViewTill(ctx, func(tx TillTx) (err error) {
			if a, err = tx.Attempt(id); err != nil {
				return err
			}
			sale, err = tx.Sale(a.SaleID)
			return err
		}); err != nil {
			continue
		}
		out = append(out, Recovered{Sale: sale, Attempt: a, Message: a.Message})
	}
	for _, a := range pending {
		var res PaymentResult
		var err error
		if a.Stage == StageCanceling || a.Stage == StageStored {
			// The cashier had asked to stop, or the payment never reached
			// the reader or the screen: stop it (the same request keys
			// find what a lost answer made) rather than carry it on with
			// nobody at the counter.
			res, err = s.Cancel(ctx, a.ID)
		} else {
			res, err = s.Check(ctx, a.ID)
		}
		if err == nil && res.Attempt.Status == AttemptPending {
			waiting := (res.Attempt.Kind == MethodCardReader && res.Attempt.Stage == StageOnReader) ||
				(res.Attempt.Kind == MethodQRLink && res.Attempt.Stage == StagePage)
			if !waiting {
				res, err = s.Cancel(ctx, a.ID)
				if err == nil && res.Attempt.Status == AttemptCanceled {
					res.Message = "It was interrupted before the customer could pay; it is cancelled and nothing was charged."
				}
			}
		}
		sale := res.Sale
		if sale.ID == 0 {
			sale, _ = s.Sale(ctx, a.SaleID)
		}
		msg := res.Message
		if err != nil {
			msg = ErrorMessage(err) + " Tally will ask Stripe again; press Check status to ask now."
		}
		out = append(out, Recovered{Sale: sale, Attempt: res.Attempt, Message: msg, Err: err})
	}
	// The TSE transactions a crash or an outage left unfinished: each sale
	// paid or given up meanwhile is finished at the TSE, once.
	if _, err := s.SignOpen(ctx); err != nil {
		s.log().Error("finish the TSE transactions left open", "err", err)
	}
	return out, nil
}

// NoteStart remembers the payments unfinished as Tally starts, before
// anything (the events poll, the webhook) follows them, so that Recover
// reports each of them whoever settles it.
func (s *RegisterService) NoteStart(ctx context.Context) error {
	var pending []Attempt
	if err := s.Till.ViewTill(ctx, func(tx TillTx) (err error) {
		pending, err = tx.PendingAttempts()
		return err
	}); err != nil {
		return err
	}
	s.startMu.Lock()
	defer s.startMu.Unlock()
	s.startPending = s.startPending[:0]
	for _, a := range pending {
		s.startPending = append(s.startPending, a.ID)
	}
	return nil
}

// Describe says in one line what the start-up check found.
func (r Recovered) Describe() string {
	a := r.Attempt
	what := fmt.Sprintf("Sale #%d, %s %s by %s", r.Sale.Number, a.Amount.Decimal(), a.Amount.Currency, a.MethodName)
	switch a.Status {
	case AttemptSucceeded:
		return what + ": paid. " + r.Message
	case AttemptAuthorized:
		return what + ": authorised, to be captured. " + r.Message
	case AttemptCanceled, AttemptFailed:
		return what + ": not paid. " + r.Message
	}
	return what + ": still waiting. " + r.Message
}
