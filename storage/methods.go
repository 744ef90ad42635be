package storage

import (
	"database/sql"
	"fmt"
	"strings"
	"time"

	"tally/domain"
)

// LedgerAccounts returns the chart of accounts by code.
func (t *Tx) LedgerAccounts() ([]domain.LedgerAccount, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT code, name, kind FROM ledger_accounts ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	defer rows.Close()
	var out []domain.LedgerAccount
	for rows.Next() {
		var a domain.LedgerAccount
		var kind string
		if err := rows.Scan(&a.Code, &a.Name, &kind); err != nil {
			return nil, fmt.Errorf("scan account: %w", err)
		}
		a.Kind = domain.AccountKind(kind)
		out = append(out, a)
	}
	return out, rows.Err()
}

// PaymentMethods returns every payment method, archived ones too, by name.
func (t *Tx) PaymentMethods() ([]domain.PaymentMethod, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT id, name, kind, COALESCE(outstanding_account, ''), COALESCE(cash_account, ''),
		reader_id, capture_method, identify_customer, page_lifetime_s, success_message, archived, tips, till
		FROM payment_methods ORDER BY archived, lower(name)`)
	if err != nil {
		return nil, fmt.Errorf("list payment methods: %w", err)
	}
	defer rows.Close()
	var out []domain.PaymentMethod
	for rows.Next() {
		var m domain.PaymentMethod
		var kind, capture string
		var lifetime int64
		if err := rows.Scan(&m.ID, &m.Name, &kind, &m.OutstandingAccount, &m.CashAccount, &m.ReaderID, &capture,
			&m.IdentifyCustomer, &lifetime, &m.SuccessMessage, &m.Archived, &m.Tips, &m.Till); err != nil {
			return nil, fmt.Errorf("scan payment method: %w", err)
		}
		m.Kind, m.CaptureMethod, m.PageLifetime = domain.MethodKind(kind), domain.CaptureMethod(capture), time.Duration(lifetime)*time.Second
		out = append(out, m)
	}
	return out, rows.Err()
}

func nullable(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// SavePaymentMethod inserts m (ID 0, then set) or updates it.
func (t *Tx) SavePaymentMethod(m *domain.PaymentMethod) error {
	capture := string(m.CaptureMethod)
	if capture == "" {
		capture = string(domain.CaptureAutomatic)
	}
	args := []any{m.Name, string(m.Kind), nullable(m.OutstandingAccount), nullable(m.CashAccount), m.ReaderID, capture,
		m.IdentifyCustomer, int64(m.PageLifetime / time.Second), m.SuccessMessage, m.Archived, m.Tips, m.Till}
	if m.ID == 0 {
		id, err := t.tx.insertContext(t.ctx, `INSERT INTO payment_methods (name, kind, outstanding_account, cash_account, reader_id,
			capture_method, identify_customer, page_lifetime_s, success_message, archived, tips, till) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
		if err != nil {
			return methodError(err)
		}
		m.ID = id
		return nil
	}
	res, err := t.tx.ExecContext(t.ctx, `UPDATE payment_methods SET name = ?, kind = ?, outstanding_account = ?, cash_account = ?,
		reader_id = ?, capture_method = ?, identify_customer = ?, page_lifetime_s = ?, success_message = ?, archived = ?, tips = ?,
		till = ? WHERE id = ?`, append(args, m.ID)...)
	if err != nil {
		return methodError(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Errorf(domain.ENOTFOUND, "This payment method no longer exists.")
	}
	return nil
}

// methodError names the rule a constraint failure broke.
func methodError(err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "payment_methods.reader_id"), strings.Contains(msg, "payment_methods_reader"):
		return &domain.FieldError{Field: "reader", Err: domain.WrapError(domain.ECONFLICT, "This reader already belongs to another payment method.", err)}
	case isUnique(err):
		return &domain.FieldError{Field: "name", Err: domain.WrapError(domain.ECONFLICT, "Another payment method already has this name.", err)}
	case isForeignKey(err):
		return &domain.FieldError{Field: "outstanding_account", Err: domain.WrapError(domain.EINVALID, "That account does not exist.", err)}
	}
	return fmt.Errorf("save payment method: %w", err)
}

// KnownReaders returns the readers last seen in mode.
func (t *Tx) KnownReaders(mode domain.Mode) ([]domain.KnownReader, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT id, label, device_type, serial_number, location_id, location_name, status, refreshed_at
		FROM known_readers WHERE mode = ? ORDER BY lower(label), id`, string(mode))
	if err != nil {
		return nil, fmt.Errorf("list readers: %w", err)
	}
	defer rows.Close()
	var out []domain.KnownReader
	for rows.Next() {
		var r domain.KnownReader
		var status, at string
		if err := rows.Scan(&r.ID, &r.Label, &r.DeviceType, &r.SerialNumber, &r.LocationID, &r.LocationName, &status, &at); err != nil {
			return nil, fmt.Errorf("scan reader: %w", err)
		}
		r.Status = domain.ReaderStatus(status)
		if r.RefreshedAt, err = time.Parse(time.RFC3339, at); err != nil {
			return nil, fmt.Errorf("reader %s refreshed_at: %w", r.ID, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ReplaceKnownReaders sets the readers of mode to rs.
func (t *Tx) ReplaceKnownReaders(mode domain.Mode, rs []domain.KnownReader) error {
	if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM known_readers WHERE mode = ?`, string(mode)); err != nil {
		return fmt.Errorf("clear readers: %w", err)
	}
	for _, r := range rs {
		if err := t.SaveKnownReader(mode, r); err != nil {
			return err
		}
	}
	return nil
}

// SaveKnownReader inserts or updates one reader of mode.
func (t *Tx) SaveKnownReader(mode domain.Mode, r domain.KnownReader) error {
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO known_readers (mode, id, label, device_type, serial_number, location_id, location_name, status, refreshed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (mode, id) DO UPDATE SET label = excluded.label, device_type = excluded.device_type,
		serial_number = excluded.serial_number, location_id = excluded.location_id, location_name = excluded.location_name,
		status = excluded.status, refreshed_at = excluded.refreshed_at`,
		string(mode), r.ID, r.Label, r.DeviceType, r.SerialNumber, r.LocationID, r.LocationName, string(r.Status), r.RefreshedAt.UTC().Format(time.RFC3339))
	if err != nil {
		return fmt.Errorf("save reader %s: %w", r.ID, err)
	}
	return nil
}

// DeleteKnownReader forgets one reader of mode.
func (t *Tx) DeleteKnownReader(mode domain.Mode, id string) error {
	if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM known_readers WHERE mode = ? AND id = ?`, string(mode), id); err != nil {
		return fmt.Errorf("delete reader %s: %w", id, err)
	}
	return nil
}
