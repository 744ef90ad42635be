package storage

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"tally/domain"
)

// Imports implements domain.Tx.
func (t *Tx) Imports() ([]domain.ImportRecord, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT id, file, format, imported_at, lines, new_lines FROM imports ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list imports: %w", err)
	}
	defer rows.Close()
	var out []domain.ImportRecord
	for rows.Next() {
		var r domain.ImportRecord
		var at int64
		if err := rows.Scan(&r.ID, &r.File, &r.FormatID, &at, &r.Lines, &r.New); err != nil {
			return nil, fmt.Errorf("list imports: %w", err)
		}
		r.At = time.Unix(at, 0).UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// ImportContents implements domain.Tx.
func (t *Tx) ImportContents(id int64) (domain.RemovedImport, error) {
	var r domain.RemovedImport
	err := t.tx.QueryRowContext(t.ctx, `SELECT file,
		(SELECT COUNT(*) FROM statement_lines WHERE import_id = ?1),
		(SELECT COUNT(*) FROM payment_records WHERE import_id = ?1),
		(SELECT COUNT(*) FROM statement_lines l JOIN journal_entries e ON e.line_key = l.key WHERE l.import_id = ?1)
		FROM imports WHERE id = ?1`, id).Scan(&r.File, &r.Lines, &r.Payments, &r.Entries)
	if errors.Is(err, sql.ErrNoRows) {
		return r, domain.Errorf(domain.ENOTFOUND, "This import is no longer there: it was removed already.")
	}
	if err != nil {
		return r, fmt.Errorf("count import %d: %w", id, err)
	}
	return r, nil
}

// RemoveImport implements domain.Tx. The foreign keys check that nothing
// is left pointing at what goes.
func (t *Tx) RemoveImport(id int64) (domain.RemovedImport, error) {
	r, err := t.ImportContents(id)
	if err != nil {
		return r, err
	}
	for _, q := range []string{
		`DELETE FROM postings WHERE entry_id IN (SELECT e.id FROM statement_lines l JOIN journal_entries e ON e.line_key = l.key WHERE l.import_id = ?)`,
		`DELETE FROM journal_entries WHERE line_key IN (SELECT key FROM statement_lines WHERE import_id = ?)`,
		`DELETE FROM statement_lines WHERE import_id = ?`,
		`DELETE FROM payment_records WHERE import_id = ?`,
		`DELETE FROM summary_rows WHERE import_id = ?`,
		`DELETE FROM imports WHERE id = ?`,
	} {
		if _, err := t.tx.ExecContext(t.ctx, q, id); err != nil {
			return r, fmt.Errorf("remove import %d: %w", id, err)
		}
	}
	return r, nil
}
