package domain

import (
	"context"
	"fmt"
	"strings"
)

// The decision queue holds the lines Tally could not book by itself: a
// category it does not know (parked in suspense) or a suggest-only rule.
// The bookkeeper settles a line there in one step: book it to an account,
// usually the one a rule suggests.

// BookRequest is the bookkeeper's decision for one waiting line.
type BookRequest struct {
	Key     string // the line's key
	Account string // the ledger account its gross goes to
	Label   string // optional partner or customer label, kept with the entry
}

// Suggestion is what Tally proposes for a waiting line.
type Suggestion struct {
	Account string // "" when nothing is proposed
	Label   string
	Rule    string // the suggest-only rule that proposes it, if any
	// Why says in a sentence where the proposal comes from.
	Why string
}

// Suggest returns what the first matching rule proposes for the line, or,
// without one, the account its category books to; Account is empty for a
// line of a category Tally does not know and no rule takes.
func (s *ReconcileService) Suggest(ctx context.Context, key string) (Suggestion, error) {
	var sg Suggestion
	err := s.Store.View(ctx, func(tx Tx) error {
		v, err := lineByKey(tx, key)
		if err != nil {
			return err
		}
		rules, err := loadRules(tx)
		if err != nil {
			return err
		}
		if r := firstRule(rules, v.StatementLine); r != nil {
			sg = Suggestion{Account: r.Account, Label: r.Label, Rule: r.Name, Why: fmt.Sprintf("Suggested by the rule “%s”.", r.Name)}
			return nil
		}
		if a := counterpart(v.Category, false); a != AcctSuspense {
			sg = Suggestion{Account: a, Why: fmt.Sprintf("Tally books %s lines to this account.", v.Category)}
			return nil
		}
		sg.Why = fmt.Sprintf("Tally does not know %q lines and no rule takes this one: choose its account.", v.Category)
		return nil
	})
	return sg, err
}

// Book settles one waiting line: it books the line to req.Account, in one
// transaction, replacing the entry that parked it in suspense. A line that
// is already booked to a real account is ECONFLICT (the queue on another
// screen was out of date); a line that records no money movement, an
// account that does not exist or the suspense account itself is EINVALID.
func (s *ReconcileService) Book(ctx context.Context, req BookRequest) (Entry, error) {
	var e Entry
	req.Account = strings.TrimSpace(req.Account)
	if req.Account == "" {
		return e, fieldErr("account", Errorf(EINVALID, "Choose the account the line goes to."))
	}
	switch req.Account {
	case AcctSuspense:
		return e, fieldErr("account", Errorf(EINVALID, "Suspense is where Tally parks lines it cannot decide: choose the account the line belongs to."))
	case AcctStripeBalance:
		return e, fieldErr("account", Errorf(EINVALID, "The line already moves the Stripe balance: choose the account on the other side (a sale, a fee, the bank)."))
	}
	err := s.Store.Update(ctx, func(tx Tx) error {
		v, err := lineByKey(tx, req.Key)
		if err != nil {
			return err
		}
		if !v.Bookable {
			return Errorf(EINVALID, "This line records no money movement (a failed attempt) and is never booked.")
		}
		if v.Booked {
			if !v.Parked {
				return Errorf(ECONFLICT, "This line is already booked to %s.", v.Account)
			}
			if err := tx.UnbookLine(v.Key); err != nil {
				return err
			}
		}
		found, err := accountExists(tx, req.Account)
		if err != nil {
			return err
		}
		if !found {
			return fieldErr("account", Errorf(EINVALID, "There is no account %s.", req.Account))
		}
		l := v.StatementLine
		if label := strings.TrimSpace(req.Label); label != "" {
			l.Description = label + ": " + l.Description
		}
		if e, err = BookLine(l, false, req.Account); err != nil {
			return err
		}
		return tx.InsertEntry(&e)
	})
	return e, err
}

// lineByKey reads one line with its booking; ENOTFOUND when there is none.
func lineByKey(tx Tx, key string) (LineView, error) {
	if key == "" {
		return LineView{}, Errorf(EINVALID, "Select a line first.")
	}
	ls, _, err := tx.Lines(LineFilter{Key: key}, 0, 1)
	if err != nil {
		return LineView{}, err
	}
	if len(ls) == 0 {
		return LineView{}, Errorf(ENOTFOUND, "The line %s is not in the journal's lines: it may belong to another database.", key)
	}
	return ls[0], nil
}
