package storage

import (
	"database/sql/driver"
	"fmt"
	"strings"
	"time"

	"tally/domain"
)

// This file books statement lines in sets: the domain decides each line's
// account and description from a light read of the lines, and the entries
// and postings of a whole batch are written by a few INSERT … SELECT
// statements from the lines already stored, instead of four statements a
// line.

// UnbookedBrief is UnbookedLines reading only what booking decides on
// (key, category, description, ids, currency, amounts, created): no
// import join, no extra columns.
func (t *Tx) UnbookedBrief(after domain.LineCursor, limit int) ([]domain.StatementLine, error) {
	rows, err := t.unbooked(`l.key, l.source_id, l.category, l.created, l.currency, l.gross, l.fee, l.net,
		l.description, l.payment_intent_id, COALESCE(l.charge_id, '')`, "", after, limit)
	if err != nil {
		return nil, fmt.Errorf("list unbooked lines: %w", err)
	}
	defer rows.Close()
	var out []domain.StatementLine
	currencies := map[string]domain.Currency{}
	for rows.Next() {
		var l domain.StatementLine
		var created int64
		var cur, charge string
		if err := rows.Scan(&l.Key, &l.SourceID, &l.Category, &created, &cur, &l.Gross, &l.Fee, &l.Net,
			&l.Description, &l.PaymentIntentID, &charge); err != nil {
			return nil, fmt.Errorf("scan line: %w", err)
		}
		c, ok := currencies[cur]
		if !ok {
			if c, err = domain.CurrencyOf(cur); err != nil {
				return nil, fmt.Errorf("line %s currency: %w", l.Key, err)
			}
			currencies[cur] = c
		}
		l.Currency, l.Created, l.Bookable = c, time.Unix(created, 0).UTC(), true
		l.ChargeID = l.SourceID
		if charge != "" {
			l.ChargeID = charge
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// planRows is how many plans one INSERT of the plan table carries.
const planRows = 400

// BookLines writes the entries of many lines at once, per the accounting
// model (domain.BookLine): dated at the line's time, in its currency, the
// Stripe balance moving by the net, the plan's account taking the gross,
// Payment fees the fee. A line whose net is not its gross less its fee is
// refused, as BookLine refuses it; a line booked already is ECONFLICT.
func (t *Tx) BookLines(plans []domain.LinePlan) error {
	if len(plans) == 0 {
		return nil
	}
	if _, err := t.tx.ExecContext(t.ctx, `CREATE TEMP TABLE IF NOT EXISTS book_plan (
		pos INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, account TEXT NOT NULL, description TEXT, line INTEGER)`); err != nil {
		return fmt.Errorf("book lines: %w", err)
	}
	if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM book_plan`); err != nil {
		return fmt.Errorf("book lines: %w", err)
	}
	args := make([]driver.NamedValue, 0, planRows*4)
	for start := 0; start < len(plans); start += planRows {
		chunk := plans[start:min(start+planRows, len(plans))]
		args = args[:0]
		for i, p := range chunk {
			// The line's own description is not copied: NULL takes it.
			var desc driver.Value = p.Description
			if p.Description == p.LineDescription {
				desc = nil
			}
			args = appendValues(args, int64(start+i), p.Key, p.Account, desc)
		}
		q := `INSERT INTO book_plan (pos, key, account, description) VALUES ` + strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?), ", len(chunk)), ", ")
		if _, err := t.rawExec(q, args); err != nil {
			if isUnique(err) {
				return domain.Errorf(domain.ECONFLICT, "a line is planned twice in one booking")
			}
			return fmt.Errorf("book lines: %w", err)
		}
	}
	// Each planned key is looked up once; every later join goes by the
	// line's integer id. CROSS JOIN keeps the plan the outer loop (SQLite's
	// planner knows nothing of the temporary table and would scan every
	// line stored).
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE book_plan SET line = (SELECT l.id FROM statement_lines l WHERE l.key = book_plan.key)`); err != nil {
		return fmt.Errorf("book lines: %w", err)
	}
	var bad string
	var missing int
	if err := t.tx.QueryRowContext(t.ctx, `SELECT COALESCE((SELECT l.key FROM book_plan p CROSS JOIN statement_lines l ON l.id = p.line
		WHERE l.net <> l.gross - l.fee OR l.bookable = 0 LIMIT 1), ''),
		(SELECT COUNT(*) FROM book_plan p WHERE p.line IS NULL)`).Scan(&bad, &missing); err != nil {
		return fmt.Errorf("book lines: %w", err)
	}
	if bad != "" {
		return domain.Errorf(domain.EINVALID, "line %s does not balance (its net is not its gross less its fee) or records no money movement: it is not booked", bad)
	}
	if missing > 0 {
		return domain.Errorf(domain.ENOTFOUND, "%d lines to book are not stored", missing)
	}
	// The entries' ids are given, one after the other in the plan's order,
	// so that the postings need not look their entry up.
	var base int64
	if err := t.tx.QueryRowContext(t.ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM journal_entries`).Scan(&base); err != nil {
		return fmt.Errorf("book lines: %w", err)
	}
	if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO journal_entries (id, date, currency, description, line_key)
		SELECT ?1 + p.pos, l.created, l.currency, COALESCE(p.description, l.description), l.key
		FROM book_plan p CROSS JOIN statement_lines l ON l.id = p.line ORDER BY p.pos`, base); err != nil {
		if isUnique(err) {
			return domain.WrapError(domain.ECONFLICT, "A line to book has an entry already.", err)
		}
		return fmt.Errorf("insert entries: %w", err)
	}
	if err := t.tx.identityCaughtUp(t.ctx, "journal_entries"); err != nil {
		return fmt.Errorf("insert entries: %w", err)
	}
	// The postings of each entry in the order BookLine writes them: the
	// Stripe balance, the counterpart, the fee. (One statement over a
	// three-row join was measured slower once its order was made certain.)
	for _, q := range []struct {
		account, amount, where string
		args                   []any
	}{
		{"?2", "l.net", "", []any{base, domain.AcctStripeBalance}},
		{"p.account", "-l.gross", "", []any{base}},
		{"?2", "l.fee", "WHERE l.fee <> 0", []any{base, domain.AcctPaymentFees}},
	} {
		if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO postings (entry_id, account, amount)
			SELECT ?1 + p.pos, `+q.account+`, `+q.amount+` FROM book_plan p CROSS JOIN statement_lines l ON l.id = p.line
			`+q.where+` ORDER BY p.pos`, q.args...); err != nil {
			return fmt.Errorf("insert postings: %w", err)
		}
	}
	return nil
}
