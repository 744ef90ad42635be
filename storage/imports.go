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
		(SELECT COUNT(*) FROM statement_lines l JOIN journal_entries e ON e.line_key = l.key WHERE l.import_id = ?1),
		(SELECT COUNT(*) FROM dashboard_payouts WHERE import_id = ?1)
		FROM imports WHERE id = ?1`, id).Scan(&r.File, &r.Lines, &r.Payments, &r.Entries, &r.Payouts)
	if errors.Is(err, sql.ErrNoRows) {
		var last int64
		if err := t.tx.QueryRowContext(t.ctx, `SELECT COALESCE(MAX(id), 0) FROM imports`).Scan(&last); err == nil && id > last {
			return r, domain.Errorf(domain.ENOTFOUND, "There is no import %d: the imports are listed by tally imports (and on the Reconciliation screen).", id)
		}
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
		`DELETE FROM dashboard_payouts WHERE import_id = ?`,
		`DELETE FROM imports WHERE id = ?`,
	} {
		if _, err := t.tx.ExecContext(t.ctx, q, id); err != nil {
			return r, fmt.Errorf("remove import %d: %w", id, err)
		}
	}
	return r, nil
}

// InsertPayoutRow implements domain.ImportTx: a payout of the Dashboard's
// export, stored once; a later export of it updates its status and failure.
func (t *Tx) InsertPayoutRow(importID int64, p *domain.PayoutRow) (bool, error) {
	var exists int
	if err := t.tx.QueryRowContext(t.ctx, `SELECT COUNT(*) FROM dashboard_payouts WHERE id = ?`, p.ID).Scan(&exists); err != nil {
		return false, fmt.Errorf("look up payout %s: %w", p.ID, err)
	}
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO dashboard_payouts (id, import_id, amount, currency, created, arrival, status, type, method,
		description, balance_txn, failure_balance_txn, failure_code, failure_message, trace_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET status = excluded.status, arrival = excluded.arrival, failure_balance_txn = excluded.failure_balance_txn,
		failure_code = excluded.failure_code, failure_message = excluded.failure_message, trace_id = excluded.trace_id`,
		p.ID, importID, p.Amount.Amount, p.Amount.Currency.Code(), unixOr0(p.Created), unixOr0(p.Arrival), p.Status, p.Type, p.Method,
		p.Description, p.BalanceTxn, p.FailureBalanceTxn, p.FailureCode, p.FailureMessage, p.TraceID)
	if err != nil {
		return false, fmt.Errorf("store payout %s: %w", p.ID, err)
	}
	return exists == 0, nil
}

func unixOr0(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// DashboardPayouts returns the payouts imported from the Dashboard's export.
func (t *Tx) DashboardPayouts() (map[string]domain.PayoutRow, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT id, amount, currency, created, arrival, status, failure_code, failure_message FROM dashboard_payouts`)
	if err != nil {
		return nil, fmt.Errorf("read payouts: %w", err)
	}
	defer rows.Close()
	out := map[string]domain.PayoutRow{}
	for rows.Next() {
		var p domain.PayoutRow
		var cur string
		var created, arrival int64
		if err := rows.Scan(&p.ID, &p.Amount.Amount, &cur, &created, &arrival, &p.Status, &p.FailureCode, &p.FailureMessage); err != nil {
			return nil, fmt.Errorf("read payouts: %w", err)
		}
		c, err := domain.CurrencyOf(cur)
		if err != nil {
			return nil, err
		}
		p.Amount.Currency = c
		if created != 0 {
			p.Created = time.Unix(created, 0).UTC()
		}
		if arrival != 0 {
			p.Arrival = time.Unix(arrival, 0).UTC()
		}
		out[p.ID] = p
	}
	return out, rows.Err()
}
