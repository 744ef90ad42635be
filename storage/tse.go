package storage

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"tally/domain"
)

const tseColumns = `id, kind, ref, till, state, number, counter, started, ended, process_type, process_data, signature,
	tse_serial, client_serial, algorithm, time_format, public_key, outage, error, updated`

func scanTSE(row interface{ Scan(...any) error }) (domain.TSERecord, error) {
	var r domain.TSERecord
	var started, ended, updated int64
	var outage int
	err := row.Scan(&r.ID, &r.Kind, &r.Ref, &r.Till, &r.State, &r.Sig.Number, &r.Sig.Counter, &started, &ended,
		&r.Sig.ProcessType, &r.Sig.ProcessData, &r.Sig.Signature, &r.Sig.TSESerial, &r.Sig.ClientSerial,
		&r.Sig.Algorithm, &r.Sig.TimeFormat, &r.Sig.PublicKey, &outage, &r.Error, &updated)
	if err != nil {
		return r, err
	}
	r.Sig.ID = r.ID
	if started > 0 {
		r.Sig.Start = time.Unix(started, 0).UTC()
	}
	if ended > 0 {
		r.Sig.End = time.Unix(ended, 0).UTC()
	}
	r.Outage, r.Updated = outage == 1, time.Unix(updated, 0).UTC()
	r.Data, err = parseProcessData(r.Sig.ProcessData)
	// The TSE's own state, as far as the record goes.
	switch r.State {
	case domain.TSEOpen, domain.TSEFinishing:
		r.Sig.State = domain.TSEActive
	case domain.TSEDone:
		r.Sig.State = domain.TSEFinished
		if r.Data.Type == domain.TSEReceiptCancel {
			r.Sig.State = domain.TSECancelled
		}
	}
	return r, err
}

// parseProcessData reads back what TSEProcessData.String wrote.
func parseProcessData(s string) (domain.TSEProcessData, error) {
	var p domain.TSEProcessData
	if s == "" {
		return p, nil
	}
	parts := strings.Split(s, "^")
	if len(parts) != 3 {
		return p, fmt.Errorf("process data %q", s)
	}
	p.Type = parts[0]
	for i, g := range strings.Split(parts[1], "_") {
		if i >= len(p.Gross) {
			break
		}
		n, err := domain.ParseAmount(g, 2)
		if err != nil {
			return p, fmt.Errorf("process data %q: %w", s, err)
		}
		p.Gross[i] = n
	}
	if parts[2] == "" {
		return p, nil
	}
	for _, pay := range strings.Split(parts[2], "_") {
		f := strings.Split(pay, ":")
		n, err := domain.ParseAmount(f[0], 2)
		if err != nil || len(f) < 2 {
			return p, fmt.Errorf("process data %q", s)
		}
		tp := domain.TSEPayment{Cash: f[1] == "Bar", Amount: n}
		if len(f) > 2 {
			tp.Currency = f[2]
		}
		p.Payments = append(p.Payments, tp)
	}
	return p, nil
}

// TSERecord implements domain.TSETx.
func (t *tillTx) TSERecord(kind string, ref int64) (domain.TSERecord, error) {
	r, err := scanTSE(t.tx.QueryRow(`SELECT `+tseColumns+` FROM tse_transactions WHERE kind = ? AND ref = ?`, kind, ref))
	if errors.Is(err, sql.ErrNoRows) {
		return r, domain.Errorf(domain.ENOTFOUND, "no TSE transaction for %s %d", kind, ref)
	}
	if err != nil {
		return r, fmt.Errorf("read the TSE transaction: %w", err)
	}
	return r, nil
}

// SaveTSERecord implements domain.TSETx.
func (t *tillTx) SaveTSERecord(r domain.TSERecord) error {
	// What was sent to be signed is kept until the TSE's own answer.
	data := r.Sig.ProcessData
	if data == "" && r.Data.Type != "" {
		data = r.Data.String()
	}
	_, err := t.tx.Exec(`INSERT INTO tse_transactions (`+tseColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET state = excluded.state, number = excluded.number, counter = excluded.counter,
		started = excluded.started, ended = excluded.ended, process_type = excluded.process_type, process_data = excluded.process_data,
		signature = excluded.signature, tse_serial = excluded.tse_serial, client_serial = excluded.client_serial,
		algorithm = excluded.algorithm, time_format = excluded.time_format, public_key = excluded.public_key,
		outage = excluded.outage, error = excluded.error, updated = excluded.updated`,
		r.ID, r.Kind, r.Ref, r.Till, r.State, r.Sig.Number, r.Sig.Counter, unixOrZero(r.Sig.Start), unixOrZero(r.Sig.End),
		r.Sig.ProcessType, data, r.Sig.Signature, r.Sig.TSESerial, r.Sig.ClientSerial, r.Sig.Algorithm, r.Sig.TimeFormat,
		r.Sig.PublicKey, boolInt(r.Outage), r.Error, r.Updated.Unix())
	if err != nil {
		return fmt.Errorf("save the TSE transaction: %w", err)
	}
	return nil
}

// TSERecords implements domain.TSETx.
func (t *tillTx) TSERecords(all bool, since time.Time) ([]domain.TSERecord, error) {
	q := `SELECT ` + tseColumns + ` FROM tse_transactions WHERE state <> 'finished' ORDER BY updated, id`
	args := []any{}
	if all {
		q = `SELECT ` + tseColumns + ` FROM tse_transactions WHERE updated >= ? ORDER BY updated, id`
		args = append(args, since.Unix())
	}
	rows, err := t.tx.Query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("list the TSE transactions: %w", err)
	}
	defer rows.Close()
	var out []domain.TSERecord
	for rows.Next() {
		r, err := scanTSE(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// TSESettings implements domain.TSETx.
func (t *tillTx) TSESettings(till string) (domain.TSESettings, error) {
	var s domain.TSESettings
	var setUp int64
	err := t.tx.QueryRow(`SELECT provider, base_url, api_key, secret_hint, tss_id, client_id, client_serial, set_up FROM tse_settings WHERE till = ?`, till).
		Scan(&s.Provider, &s.BaseURL, &s.APIKey, &s.SecretHint, &s.TSSID, &s.ClientID, &s.ClientSerial, &setUp)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.TSESettings{}, nil
	}
	if err != nil {
		return s, fmt.Errorf("read the TSE settings: %w", err)
	}
	if setUp > 0 {
		s.SetUp = time.Unix(setUp, 0).UTC()
	}
	return s, nil
}

// SaveTSESettings implements domain.TSETx.
func (t *tillTx) SaveTSESettings(till string, s domain.TSESettings) error {
	_, err := t.tx.Exec(`INSERT INTO tse_settings (till, provider, base_url, api_key, secret_hint, tss_id, client_id, client_serial, set_up)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (till) DO UPDATE SET provider = excluded.provider, base_url = excluded.base_url,
		api_key = excluded.api_key, secret_hint = excluded.secret_hint, tss_id = excluded.tss_id, client_id = excluded.client_id,
		client_serial = excluded.client_serial, set_up = excluded.set_up`,
		till, s.Provider, s.BaseURL, s.APIKey, s.SecretHint, s.TSSID, s.ClientID, s.ClientSerial, unixOrZero(s.SetUp))
	if err != nil {
		return fmt.Errorf("save the TSE settings: %w", err)
	}
	return nil
}
