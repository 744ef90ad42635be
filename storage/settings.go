package storage

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"tally/domain"
)

// Settings returns the stored settings, or the zero Settings.
func (t *Tx) Settings() (domain.Settings, error) {
	var s domain.Settings
	var mode, cur, verified string
	err := t.tx.QueryRowContext(t.ctx, `SELECT mode, publishable_key, secret_key_hint, webhook_secret_hint, api_base,
		account_id, account_name, account_country, account_currency, verified_at, webhook_enabled, webhook_listen FROM settings WHERE id = 1`).Scan(
		&mode, &s.PublishableKey, &s.SecretKeyHint, &s.WebhookSecretHint, &s.APIBase,
		&s.Account.ID, &s.Account.Name, &s.Account.Country, &cur, &verified, &s.WebhookEnabled, &s.WebhookListen)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Settings{Mode: domain.ModeDisabled}, nil
	} else if err != nil {
		return s, fmt.Errorf("read settings: %w", err)
	}
	s.Mode = domain.Mode(mode)
	if cur != "" {
		if s.Account.DefaultCurrency, err = domain.CurrencyOf(cur); err != nil {
			return s, fmt.Errorf("read settings currency: %w", err)
		}
	}
	if verified != "" {
		if s.VerifiedAt, err = time.Parse(time.RFC3339, verified); err != nil {
			return s, fmt.Errorf("read settings verified_at: %w", err)
		}
	}
	return s, nil
}

// SaveSettings replaces the stored settings.
func (t *Tx) SaveSettings(s domain.Settings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	verified := ""
	if !s.VerifiedAt.IsZero() {
		verified = s.VerifiedAt.UTC().Format(time.RFC3339)
	}
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO settings (id, mode, publishable_key, secret_key_hint, webhook_secret_hint, api_base,
		account_id, account_name, account_country, account_currency, verified_at)
		VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET mode = excluded.mode, publishable_key = excluded.publishable_key,
		secret_key_hint = excluded.secret_key_hint, webhook_secret_hint = excluded.webhook_secret_hint,
		api_base = excluded.api_base, account_id = excluded.account_id, account_name = excluded.account_name,
		account_country = excluded.account_country, account_currency = excluded.account_currency,
		verified_at = excluded.verified_at`,
		string(s.Mode), s.PublishableKey, s.SecretKeyHint, s.WebhookSecretHint, s.APIBase,
		s.Account.ID, s.Account.Name, s.Account.Country, s.Account.DefaultCurrency.Code(), verified)
	if err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	return nil
}

// SaveWebhook stores the webhook listener's switch and address; the rest
// of the settings stay as they are.
func (t *Tx) SaveWebhook(enabled bool, listen string) error {
	res, err := t.tx.ExecContext(t.ctx, `UPDATE settings SET webhook_enabled = ?, webhook_listen = ? WHERE id = 1`, boolInt(enabled), listen)
	if err != nil {
		return fmt.Errorf("save webhook settings: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO settings (id, mode, webhook_enabled, webhook_listen) VALUES (1, 'disabled', ?, ?)`, boolInt(enabled), listen); err != nil {
			return fmt.Errorf("save webhook settings: %w", err)
		}
	}
	return nil
}

// Shop returns the shop's description, or the zero Shop.
func (t *Tx) Shop() (domain.Shop, error) {
	var s domain.Shop
	var cur, setUp string
	err := t.tx.QueryRowContext(t.ctx, `SELECT name, country, currency, time_zone, set_up_at, street, postal_code, city, vat_id FROM shop WHERE id = 1`).Scan(
		&s.Name, &s.Country, &cur, &s.TimeZone, &setUp, &s.Street, &s.PostalCode, &s.City, &s.VATID)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Shop{}, nil
	} else if err != nil {
		return s, fmt.Errorf("read the shop: %w", err)
	}
	if cur != "" {
		if s.Currency, err = domain.CurrencyOf(cur); err != nil {
			return s, fmt.Errorf("read the shop's currency: %w", err)
		}
	}
	if setUp != "" {
		if s.SetUpAt, err = time.Parse(time.RFC3339, setUp); err != nil {
			return s, fmt.Errorf("read the shop's set-up time: %w", err)
		}
	}
	return s, nil
}

// SaveShop replaces the shop's description.
func (t *Tx) SaveShop(s domain.Shop) error {
	setUp := ""
	if !s.SetUpAt.IsZero() {
		setUp = s.SetUpAt.UTC().Format(time.RFC3339)
	}
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO shop (id, name, country, currency, time_zone, set_up_at, street, postal_code, city, vat_id) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, country = excluded.country, currency = excluded.currency,
		time_zone = excluded.time_zone, set_up_at = excluded.set_up_at, street = excluded.street,
		postal_code = excluded.postal_code, city = excluded.city, vat_id = excluded.vat_id`,
		s.Name, s.Country, s.Currency.Code(), s.TimeZone, setUp, s.Street, s.PostalCode, s.City, s.VATID)
	if err != nil {
		return fmt.Errorf("save the shop: %w", err)
	}
	return nil
}

// DATEVSettings returns the stored DATEV settings, or the zero value.
func (t *Tx) DATEVSettings() (domain.DATEVSettings, error) {
	var d domain.DATEVSettings
	var month int
	var accounts string
	err := t.tx.QueryRowContext(t.ctx, `SELECT consultant, client, chart, year_start, account_length, accounts FROM datev_settings WHERE id = 1`).Scan(
		&d.Consultant, &d.Client, &d.Chart, &month, &d.AccountLength, &accounts)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.DATEVSettings{}, nil
	} else if err != nil {
		return d, fmt.Errorf("read the DATEV settings: %w", err)
	}
	d.YearStart = time.Month(month)
	if d.Accounts, err = domain.ParseAccounts(accounts); err != nil {
		return d, fmt.Errorf("read the DATEV accounts: %w", err)
	}
	return d, nil
}

// SaveDATEVSettings replaces the DATEV settings.
func (t *Tx) SaveDATEVSettings(d domain.DATEVSettings) error {
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO datev_settings (id, consultant, client, chart, year_start, account_length, accounts) VALUES (1, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET consultant = excluded.consultant, client = excluded.client, chart = excluded.chart,
		year_start = excluded.year_start, account_length = excluded.account_length, accounts = excluded.accounts`,
		d.Consultant, d.Client, d.Chart, int(d.YearStart), d.AccountLength, domain.FormatAccounts(d.Accounts))
	if err != nil {
		return fmt.Errorf("save the DATEV settings: %w", err)
	}
	return nil
}
