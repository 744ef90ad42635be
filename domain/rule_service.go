package domain

import (
	"context"
	"fmt"
)

// RuleService lets the bookkeeper write rules, preview them and apply them.
type RuleService struct {
	Store Store
}

// List returns the rules by priority.
func (s *RuleService) List(ctx context.Context) ([]Rule, error) {
	var out []Rule
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.Rules()
		return err
	})
	return out, err
}

// Preview is what a rule would take from the lines waiting for a decision.
type Preview struct {
	Count int
	Lines []StatementLine // the first ones
	Net   map[Currency]int64
}

// Preview runs r, unsaved, over the lines waiting for a decision and
// returns how many it would take and the first limit of them.
func (s *RuleService) Preview(ctx context.Context, r Rule, limit int) (Preview, error) {
	p := Preview{Net: map[Currency]int64{}}
	if err := r.Validate(); err != nil {
		return p, err
	}
	err := s.Store.View(ctx, func(tx Tx) error {
		return tx.QueueLines(func(l StatementLine) error {
			if !r.Matches(l) {
				return nil
			}
			p.Count++
			p.Net[l.Currency] += l.Gross
			if len(p.Lines) < limit {
				p.Lines = append(p.Lines, l)
			}
			return nil
		})
	})
	return p, err
}

// Save validates r, checks its account exists and stores it.
func (s *RuleService) Save(ctx context.Context, r Rule) (Rule, error) {
	if err := r.Validate(); err != nil {
		return r, err
	}
	err := s.Store.Update(ctx, func(tx Tx) error {
		found, err := accountExists(tx, r.Account)
		if err != nil {
			return err
		}
		if !found {
			return fieldErr("account", Errorf(EINVALID, "There is no account %s.", r.Account))
		}
		return tx.SaveRule(&r)
	})
	return r, err
}

// Delete removes a rule; what it booked stays booked.
func (s *RuleService) Delete(ctx context.Context, id int64) error {
	return s.Store.Update(ctx, func(tx Tx) error { return tx.DeleteRule(id) })
}

// loadRules reads and compiles the rules; a rule that no longer compiles
// is an error, not a silent skip.
func loadRules(tx Tx) ([]Rule, error) {
	rules, err := tx.Rules()
	if err != nil {
		return nil, err
	}
	for i := range rules {
		if err := rules[i].Validate(); err != nil {
			return nil, fmt.Errorf("rule %q: %w", rules[i].Name, err)
		}
	}
	return rules, nil
}
