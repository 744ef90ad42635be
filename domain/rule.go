package domain

import (
	"regexp"
	"strings"
)

// Rule books the statement lines it matches, as Odoo's reconciliation models
// do: conditions on category, description, amount and currency, and an
// account to book to. An AutoBook rule books by itself; another only
// suggests, leaving the line in the queue with the suggestion.
type Rule struct {
	ID       int64
	Name     string
	Priority int // lower first
	// Conditions; an empty one matches everything.
	Category    string // reporting category, exact, lower case
	Description string // regular expression, case-insensitive
	Currency    string // ISO code
	MinGross    *int64 // minor units of the line's currency, inclusive
	MaxGross    *int64
	// Action.
	Account  string // ledger account code the gross goes to
	Label    string // partner or customer label kept with the entry
	AutoBook bool

	re *regexp.Regexp
}

// Validate checks the rule and compiles its expression; it returns a
// *FieldError naming the field.
func (r *Rule) Validate() error {
	if strings.TrimSpace(r.Name) == "" {
		return fieldErr("name", Errorf(EINVALID, "Give the rule a name."))
	}
	if r.Account == "" {
		return fieldErr("account", Errorf(EINVALID, "Choose the account the rule books to."))
	}
	if r.Currency != "" {
		c, err := CurrencyOf(r.Currency)
		if err != nil {
			return fieldErr("currency", err)
		}
		r.Currency = c.Code()
	}
	if r.MinGross != nil && r.MaxGross != nil && *r.MinGross > *r.MaxGross {
		return fieldErr("max", Errorf(EINVALID, "The largest amount is smaller than the smallest."))
	}
	r.Category = strings.ToLower(strings.TrimSpace(r.Category))
	if r.Category == "" && r.Description == "" && r.Currency == "" && r.MinGross == nil && r.MaxGross == nil {
		return fieldErr("description", Errorf(EINVALID, "A rule needs at least one condition, or it would take every line."))
	}
	r.re = nil
	if r.Description != "" {
		re, err := regexp.Compile("(?i)" + r.Description)
		if err != nil {
			return fieldErr("description", WrapError(EINVALID, "The description pattern is not a valid regular expression: "+err.Error(), err))
		}
		r.re = re
	}
	return nil
}

// Matches reports whether the line meets every condition. Validate must
// have succeeded first.
func (r *Rule) Matches(l StatementLine) bool {
	if r.Category != "" && r.Category != l.Category {
		return false
	}
	if r.Currency != "" && r.Currency != l.Currency.Code() {
		return false
	}
	if r.MinGross != nil && l.Gross < *r.MinGross {
		return false
	}
	if r.MaxGross != nil && l.Gross > *r.MaxGross {
		return false
	}
	if r.re != nil && !r.re.MatchString(l.Description) {
		return false
	}
	return true
}

// firstRule returns the first rule, by priority, that matches l.
func firstRule(rules []Rule, l StatementLine) *Rule {
	for i := range rules {
		if rules[i].Matches(l) {
			return &rules[i]
		}
	}
	return nil
}
