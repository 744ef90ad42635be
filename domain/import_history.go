package domain

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// ImportRecord is one imported file, or one fetch from Stripe, as the
// history lists it.
type ImportRecord struct {
	ID       int64
	File     string
	FormatID string
	At       time.Time
	// Lines and New are what the import counted: its rows, and how many of
	// them were stored by it (later imports of the same lines add none).
	Lines, New int
}

// RemovedImport says what removing an import took out of the books.
type RemovedImport struct {
	File string
	// Lines, Payments: the statement lines and payment records the import
	// had stored; Entries: the journal entries booked from those lines.
	Lines, Payments, Entries int
	// Payouts: the payouts of a Dashboard payouts export.
	Payouts int
}

// Stored words what the import stored: "10 lines", "1 payment record",
// or both; the lines, even none, unless it stored payment records only.
func (r RemovedImport) Stored() []string {
	var parts []string
	if r.Lines > 0 || (r.Payments == 0 && r.Payouts == 0) {
		parts = append(parts, plural(r.Lines, "line"))
	}
	if r.Payouts > 0 {
		parts = append(parts, plural(r.Payouts, "payout"))
	}
	if r.Payments > 0 {
		parts = append(parts, plural(r.Payments, "payment record"))
	}
	return parts
}

// String words it for the bookkeeper.
func (r RemovedImport) String() string {
	parts := append(r.Stored(), plural(r.Entries, "booked entry", "booked entries"))
	return fmt.Sprintf("Removed %s: %s.", r.File, strings.Join(parts, ", "))
}

func plural(n int, one string, many ...string) string {
	if n == 1 {
		return "1 " + one
	}
	if len(many) > 0 {
		return fmt.Sprintf("%d %s", n, many[0])
	}
	return fmt.Sprintf("%d %ss", n, one)
}

// History lists the imports, newest first.
func (s *ImportService) History(ctx context.Context) ([]ImportRecord, error) {
	var out []ImportRecord
	err := s.Store.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Imports()
		return err
	})
	return out, err
}

// Remove takes an import out of the books, in one transaction: the lines
// and payment records it stored, and the entries booked from those lines.
// It is how a file imported by mistake (another account's, a test-mode
// export) is undone. Lines that a later import also held were stored by
// this one, so they go too; importing that later file again brings them
// back. An import that does not exist (any more) is ENOTFOUND.
func (s *ImportService) Remove(ctx context.Context, id int64) (RemovedImport, error) {
	var out RemovedImport
	err := s.Store.Update(ctx, func(tx Tx) error {
		var err error
		out, err = tx.RemoveImport(id)
		return err
	})
	return out, err
}

// Preview says what Remove would take out, without taking it.
func (s *ImportService) Preview(ctx context.Context, id int64) (RemovedImport, error) {
	var out RemovedImport
	err := s.Store.View(ctx, func(tx Tx) error {
		var err error
		out, err = tx.ImportContents(id)
		return err
	})
	return out, err
}
