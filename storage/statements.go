package storage

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"tally/domain"
)

// stmt returns a statement prepared once per transaction: an import inserts
// its rows through the same few statements.
func (t *Tx) stmt(query string) (*sql.Stmt, error) {
	if s, ok := t.stmts[query]; ok {
		return s, nil
	}
	s, err := t.tx.PrepareContext(t.ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	if t.stmts == nil {
		t.stmts = map[string]*sql.Stmt{}
	}
	t.stmts[query] = s
	return s, nil
}

func extraJSON(m map[string]string) (any, error) {
	if len(m) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode extra columns: %w", err)
	}
	return string(b), nil
}

func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// BeginImport records a file being imported and returns its id.
func (t *Tx) BeginImport(file string, format domain.StatementFormat, at time.Time) (int64, error) {
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO imports (file, format, imported_at) VALUES (?, ?, ?)`, file, format.ID, at.Unix())
	if err != nil {
		return 0, fmt.Errorf("record import: %w", err)
	}
	return res.LastInsertId()
}

// FinishImport records how many lines a file had and how many were new.
func (t *Tx) FinishImport(id int64, lines, newLines int) error {
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE imports SET lines = ?, new_lines = ? WHERE id = ?`, lines, newLines, id); err != nil {
		return fmt.Errorf("finish import: %w", err)
	}
	return nil
}

const insertLine = `INSERT INTO statement_lines (key, import_id, txn_id, source_id, category, created, available_on, currency,
	gross, fee, net, description, payout_id, payment_intent_id, charge_id, customer_email, extra, bookable)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`

// InsertStatementLine stores l unless a line with its key exists; it reports
// whether l was new.
func (t *Tx) InsertStatementLine(importID int64, l *domain.StatementLine) (bool, error) {
	s, err := t.stmt(insertLine)
	if err != nil {
		return false, err
	}
	extra, err := extraJSON(l.Extra)
	if err != nil {
		return false, err
	}
	res, err := s.ExecContext(t.ctx, l.Key, importID, l.BalanceTxnID, l.SourceID, l.Category, l.Created.Unix(), unixOrZero(l.AvailableOn),
		l.Currency.Code(), l.Gross, l.Fee, l.Net, l.Description, l.PayoutID, l.PaymentIntentID, l.ChargeID, l.CustomerEmail, extra, l.Bookable)
	if err != nil {
		return false, fmt.Errorf("insert line %s: %w", l.Key, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

const insertPayment = `INSERT INTO payment_records (key, import_id, id, payment_intent_id, created, currency, amount, amount_refunded,
	fee, status, captured, description, customer_id, customer_email, card_brand, card_last4, converted_currency, converted_amount, extra)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (key) DO UPDATE SET amount_refunded = excluded.amount_refunded, status = excluded.status,
	captured = excluded.captured, fee = excluded.fee
	WHERE (amount_refunded, status, captured, fee) IS NOT (excluded.amount_refunded, excluded.status, excluded.captured, excluded.fee)`

// InsertPaymentRecord stores p, or updates the fields a later export may
// change (refunds, status); it reports whether p was new.
func (t *Tx) InsertPaymentRecord(importID int64, p *domain.PaymentRecord) (bool, error) {
	s, err := t.stmt(insertPayment)
	if err != nil {
		return false, err
	}
	var exists int
	if err := t.tx.QueryRowContext(t.ctx, `SELECT COUNT(*) FROM payment_records WHERE key = ?`, p.Key).Scan(&exists); err != nil {
		return false, fmt.Errorf("look up payment %s: %w", p.Key, err)
	}
	extra, err := extraJSON(p.Extra)
	if err != nil {
		return false, err
	}
	if _, err := s.ExecContext(t.ctx, p.Key, importID, p.ID, p.PaymentIntentID, unixOrZero(p.Created), p.Amount.Currency.Code(), p.Amount.Amount,
		p.AmountRefunded, p.Fee, p.Status, p.Captured, p.Description, p.CustomerID, p.CustomerEmail, p.CardBrand, p.CardLast4,
		p.Converted.Currency.Code(), p.Converted.Amount, extra); err != nil {
		return false, fmt.Errorf("insert payment %s: %w", p.Key, err)
	}
	return exists == 0, nil
}

// InsertSummaryRow stores one row of a balance summary.
func (t *Tx) InsertSummaryRow(importID int64, r *domain.SummaryRow) error {
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO summary_rows (import_id, category, description, currency, net) VALUES (?, ?, ?, ?, ?)`,
		importID, r.Category, r.Description, r.Net.Currency.Code(), r.Net.Amount)
	if err != nil {
		return fmt.Errorf("insert summary row: %w", err)
	}
	return nil
}
