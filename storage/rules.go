package storage

import (
	"database/sql"
	"fmt"

	"tally/domain"
)

// Rules returns the rules by priority, then id.
func (t *Tx) Rules() ([]domain.Rule, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT id, name, priority, category, description, currency, min_gross, max_gross,
		account, label, auto_book FROM rules ORDER BY priority, id`)
	if err != nil {
		return nil, fmt.Errorf("list rules: %w", err)
	}
	defer rows.Close()
	var out []domain.Rule
	for rows.Next() {
		var r domain.Rule
		var lo, hi sql.NullInt64
		if err := rows.Scan(&r.ID, &r.Name, &r.Priority, &r.Category, &r.Description, &r.Currency, &lo, &hi, &r.Account, &r.Label, &r.AutoBook); err != nil {
			return nil, fmt.Errorf("scan rule: %w", err)
		}
		if lo.Valid {
			r.MinGross = &lo.Int64
		}
		if hi.Valid {
			r.MaxGross = &hi.Int64
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func nullInt(p *int64) sql.NullInt64 {
	if p == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: *p, Valid: true}
}

// SaveRule inserts r (ID 0, then set) or updates it.
func (t *Tx) SaveRule(r *domain.Rule) error {
	args := []any{r.Name, r.Priority, r.Category, r.Description, r.Currency, nullInt(r.MinGross), nullInt(r.MaxGross), r.Account, r.Label, r.AutoBook}
	if r.ID == 0 {
		id, err := t.tx.insertContext(t.ctx, `INSERT INTO rules (name, priority, category, description, currency, min_gross, max_gross,
			account, label, auto_book) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
		if err != nil {
			return fmt.Errorf("insert rule: %w", err)
		}
		r.ID = id
		return nil
	}
	res, err := t.tx.ExecContext(t.ctx, `UPDATE rules SET name = ?, priority = ?, category = ?, description = ?, currency = ?,
		min_gross = ?, max_gross = ?, account = ?, label = ?, auto_book = ? WHERE id = ?`, append(args, r.ID)...)
	if err != nil {
		return fmt.Errorf("update rule: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Errorf(domain.ENOTFOUND, "This rule no longer exists.")
	}
	return nil
}

// DeleteRule removes a rule; entries it booked stay.
func (t *Tx) DeleteRule(id int64) error {
	if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM rules WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete rule: %w", err)
	}
	return nil
}

// UnbookSuspense deletes the entries that parked lines in Stripe suspense,
// so that the lines can be booked again under the current rules. It
// returns the keys of those lines.
func (t *Tx) UnbookSuspense() (map[string]bool, error) {
	const parked = `SELECT DISTINCT entry_id FROM postings WHERE account = '1900'`
	rows, err := t.tx.QueryContext(t.ctx, `SELECT line_key FROM journal_entries WHERE line_key IS NOT NULL AND id IN (`+parked+`)`)
	if err != nil {
		return nil, fmt.Errorf("list suspense lines: %w", err)
	}
	keys := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return nil, err
		}
		keys[k] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return keys, nil
	}
	if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM postings WHERE entry_id IN (SELECT id FROM journal_entries
		WHERE line_key IS NOT NULL AND id IN (`+parked+`))`); err != nil {
		return nil, fmt.Errorf("unbook suspense postings: %w", err)
	}
	if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM journal_entries WHERE line_key IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM postings p WHERE p.entry_id = journal_entries.id)`); err != nil {
		return nil, fmt.Errorf("unbook suspense entries: %w", err)
	}
	return keys, nil
}

// UnbookLine deletes the entry booking the line with key, and its postings.
func (t *Tx) UnbookLine(key string) error {
	if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM postings WHERE entry_id IN (SELECT id FROM journal_entries WHERE line_key = ?)`, key); err != nil {
		return fmt.Errorf("unbook line %s: %w", key, err)
	}
	if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM journal_entries WHERE line_key = ?`, key); err != nil {
		return fmt.Errorf("unbook line %s: %w", key, err)
	}
	return nil
}

// StatementLines calls fn for every statement line, oldest first.
func (t *Tx) StatementLines(fn func(domain.StatementLine) error) error {
	return t.eachLine("list lines", `SELECT `+lineColumns+` FROM statement_lines l JOIN imports i ON i.id = l.import_id ORDER BY l.created, l.key`, fn)
}

// eachLine calls fn for each line query selects (lineColumns).
func (t *Tx) eachLine(what, query string, fn func(domain.StatementLine) error) error {
	rows, err := t.tx.QueryContext(t.ctx, query)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		l, err := scanLine(rows)
		if err != nil {
			return err
		}
		if err := fn(l); err != nil {
			return err
		}
	}
	return rows.Err()
}

// QueueLines calls fn for every line waiting for a decision: bookable and
// not booked, or parked in suspense, oldest first.
func (t *Tx) QueueLines(fn func(domain.StatementLine) error) error {
	return t.eachLine("list queue", `SELECT `+lineColumns+` FROM statement_lines l JOIN imports i ON i.id = l.import_id
		LEFT JOIN journal_entries e ON e.line_key = l.key
		WHERE l.bookable = 1 AND (e.id IS NULL OR EXISTS (SELECT 1 FROM postings p WHERE p.entry_id = e.id AND p.account = '1900'))
		ORDER BY l.created, l.key`, fn)
}
