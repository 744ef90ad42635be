package domain

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// SettingsService reads, checks and saves the shop's Stripe settings.
type SettingsService struct {
	Store      Store
	Keychain   Keychain
	Connector  Connector
	Connection *Connection
	Clock      Clock
	// DefaultAPIBase, when set (TALLY_STRIPE_API_BASE), is used when the
	// settings name no API base of their own.
	DefaultAPIBase string
	// OnShop, when set, is told of the shop's details once they are
	// saved: the program applies the time zone at once and sets the demo
	// up in the shop's country.
	OnShop func(ctx context.Context, sh Shop)
}

// SettingsView is what the settings screen shows.
type SettingsView struct {
	Settings
	HasSecretKey     bool
	HasWebhookSecret bool
	KeychainWhere    string
	OSKeychain       bool
	KeychainErr      string // set when the stored secret could not be read
}

// Current returns the stored settings and where the secrets are kept.
func (s *SettingsService) Current(ctx context.Context) (SettingsView, error) {
	var v SettingsView
	err := s.Store.View(ctx, func(tx Tx) error {
		st, err := tx.Settings()
		v.Settings = st
		return err
	})
	if err != nil {
		return v, fmt.Errorf("read settings: %w", err)
	}
	if v.Mode == "" {
		v.Mode = ModeDisabled
	}
	v.KeychainWhere, v.OSKeychain = s.Keychain.Where()
	if _, err := s.Keychain.Get(SecretKeyName); err == nil {
		v.HasSecretKey = true
	} else if ErrorCode(err) != ENOTFOUND {
		v.KeychainErr = ErrorMessage(err)
	}
	if _, err := s.Keychain.Get(WebhookSecretName); err == nil {
		v.HasWebhookSecret = true
	}
	return v, nil
}

// CredentialsForm is what the owner typed on the settings screen. An empty
// SecretKey or WebhookSecret keeps the stored one.
type CredentialsForm struct {
	Mode           Mode
	PublishableKey string
	SecretKey      string
	WebhookSecret  string
	APIBase        string
}

// FieldError is an EINVALID error that belongs to one field of a form.
type FieldError struct {
	Field string // "mode", "publishable", "secret", "webhook", "apibase"
	Err   *Error
}

// Error implements error.
func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }

// Unwrap returns the *Error, so ErrorCode and ErrorMessage see through it.
func (e *FieldError) Unwrap() error { return e.Err }

func fieldErr(field string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		return &FieldError{Field: field, Err: e}
	}
	return err
}

// Verification is the answer of a successful check against Stripe.
type Verification struct {
	Account Account
	Mode    Mode
	// Notes are things the owner should know although the key works, such as
	// a restricted key that cannot read the account's name.
	Notes []string
}

// Summary is a one-paragraph answer for the settings screen.
func (v Verification) Summary() string {
	name := v.Account.Name
	if name == "" {
		name = "(no business name set)"
	}
	var b strings.Builder
	if v.Account.ID != "" {
		fmt.Fprintf(&b, "Connected to %s — %s, %s, default currency %s, %s mode.", name, v.Account.ID,
			countryOrUnknown(v.Account.Country), currencyOrUnknown(v.Account.DefaultCurrency), v.Mode)
	} else {
		fmt.Fprintf(&b, "The key works in %s mode.", v.Mode)
	}
	for _, n := range v.Notes {
		b.WriteString(" ")
		b.WriteString(n)
	}
	return b.String()
}

func countryOrUnknown(c string) string {
	if c == "" {
		return "country not set"
	}
	return c
}

func currencyOrUnknown(c Currency) string {
	if c.IsZero() {
		return "not set"
	}
	return c.Code()
}

// resolve fills the stored secrets into empty fields and validates the form.
func (s *SettingsService) resolve(f CredentialsForm) (CredentialsForm, error) {
	f.PublishableKey = strings.TrimSpace(f.PublishableKey)
	f.SecretKey = strings.TrimSpace(f.SecretKey)
	f.WebhookSecret = strings.TrimSpace(f.WebhookSecret)
	f.APIBase = strings.TrimSpace(f.APIBase)
	switch f.Mode {
	case ModeTest, ModeLive:
	case ModeDisabled:
		return f, nil
	default:
		return f, fieldErr("mode", Errorf(EINVALID, "Choose Disabled, Test or Live."))
	}
	if f.SecretKey == "" {
		stored, err := s.Keychain.Get(SecretKeyName)
		if err != nil && ErrorCode(err) != ENOTFOUND {
			return f, err
		}
		f.SecretKey = stored
	}
	if err := CheckSecretKey(f.SecretKey, f.Mode); err != nil {
		return f, fieldErr("secret", err)
	}
	if f.PublishableKey != "" {
		if err := checkKey("publishable key", f.PublishableKey, f.Mode, "pk_"); err != nil {
			return f, fieldErr("publishable", err)
		}
	}
	if f.WebhookSecret != "" {
		if err := CheckWebhookSecret(f.WebhookSecret); err != nil {
			return f, fieldErr("webhook", err)
		}
	}
	if f.APIBase != "" && !strings.HasPrefix(f.APIBase, "http://") && !strings.HasPrefix(f.APIBase, "https://") {
		return f, fieldErr("apibase", Errorf(EINVALID, "The API address must start with https:// (or http:// for a local stripe-mock)."))
	}
	return f, nil
}

func (s *SettingsService) apiBase(f CredentialsForm) string {
	if f.APIBase != "" {
		return f.APIBase
	}
	return s.DefaultAPIBase
}

// Verify checks the form against Stripe without saving anything: the key
// must be accepted and belong to the chosen mode. It returns a *FieldError for
// a malformed field, or the Gateway's error.
func (s *SettingsService) Verify(ctx context.Context, f CredentialsForm) (Verification, error) {
	f, err := s.resolve(f)
	if err != nil {
		return Verification{}, err
	}
	if f.Mode == ModeDisabled {
		return Verification{}, fieldErr("mode", Errorf(EINVALID, "Stripe is disabled: Tally runs in demo mode. Choose Test or Live to check a key."))
	}
	gw, err := s.Connector.Connect(Credentials{Mode: f.Mode, SecretKey: f.SecretKey, APIBase: s.apiBase(f)})
	if err != nil {
		return Verification{}, err
	}
	v := Verification{Mode: f.Mode}
	acct, err := gw.Account(ctx)
	switch {
	case err == nil:
		v.Account = acct
	case ErrorCode(err) == EPERMISSION && strings.HasPrefix(f.SecretKey, "rk_"):
		// A restricted key may lack the account permission yet do all Tally needs.
		if _, berr := gw.Balance(ctx); berr != nil {
			return Verification{}, berr
		}
		v.Notes = append(v.Notes, "This restricted key cannot read the account's details, so Tally cannot show its name; give it \"Account: Read\" in the Dashboard if you want it shown.")
	default:
		return Verification{}, err
	}
	if strings.HasPrefix(f.SecretKey, "rk_") {
		if _, err := gw.Readers(ctx); ErrorCode(err) == EPERMISSION {
			v.Notes = append(v.Notes, "This restricted key has no Terminal permission: card readers will not work until you give it \"Terminal: Write\" in the Dashboard.")
		} else if err != nil {
			return Verification{}, err
		}
	}
	return v, nil
}

// SaveResult says what Save did.
type SaveResult struct {
	Settings Settings
	// Verification is set when Stripe confirmed the key.
	Verification *Verification
	// Unverified is set when Stripe could not be reached: the settings were
	// saved and will be checked again later.
	Unverified error
}

// Save validates the form, checks the key with Stripe and stores the settings,
// the secret key in the Keychain. A key that Stripe refuses is not saved. When
// Stripe cannot be reached the settings are saved unverified, so a shop can
// be set up before its network is. Then the connection switches to them.
func (s *SettingsService) Save(ctx context.Context, f CredentialsForm) (SaveResult, error) {
	var res SaveResult
	f, err := s.resolve(f)
	if err != nil {
		return res, err
	}
	st := Settings{Mode: f.Mode, PublishableKey: f.PublishableKey, APIBase: f.APIBase}
	if f.Mode != ModeDisabled {
		v, err := s.Verify(ctx, f)
		switch {
		case err == nil:
			res.Verification = &v
			st.Account, st.VerifiedAt = v.Account, s.Clock.Now()
		case ErrorCode(err) == EUNAVAILABLE || ErrorCode(err) == ERATELIMIT:
			res.Unverified = err
		default:
			return res, err
		}
		st.SecretKeyHint = KeyHint(f.SecretKey)
		if err := s.Keychain.Set(SecretKeyName, f.SecretKey); err != nil {
			return res, fmt.Errorf("store secret key: %w", err)
		}
		if f.WebhookSecret != "" {
			if err := s.Keychain.Set(WebhookSecretName, f.WebhookSecret); err != nil {
				return res, fmt.Errorf("store webhook secret: %w", err)
			}
		}
		if hook, err := s.Keychain.Get(WebhookSecretName); err == nil {
			st.WebhookSecretHint = KeyHint(hook)
		}
	} else {
		// Disabled keeps the stored keys so switching back needs no retyping.
		old, err := s.Current(ctx)
		if err != nil {
			return res, err
		}
		st.SecretKeyHint, st.WebhookSecretHint, st.Account = old.SecretKeyHint, old.WebhookSecretHint, old.Account
	}
	if err := st.Validate(); err != nil {
		return res, err
	}
	if err := s.Store.Update(ctx, func(tx Tx) error { return tx.SaveSettings(st) }); err != nil {
		return res, fmt.Errorf("save settings: %w", err)
	}
	res.Settings = st
	if err := s.Connection.Use(Credentials{Mode: f.Mode, SecretKey: f.SecretKey, APIBase: s.apiBase(f)}); err != nil {
		return res, fmt.Errorf("switch connection: %w", err)
	}
	return res, nil
}

// Connect switches the connection to the stored settings; main calls it at
// start. A missing secret key means demo mode.
func (s *SettingsService) Connect(ctx context.Context) (Mode, error) {
	v, err := s.Current(ctx)
	if err != nil {
		return ModeDisabled, err
	}
	creds := Credentials{Mode: v.Mode, APIBase: v.APIBase}
	if creds.APIBase == "" {
		creds.APIBase = s.DefaultAPIBase
	}
	if v.Mode != ModeDisabled {
		key, err := s.Keychain.Get(SecretKeyName)
		if err != nil && ErrorCode(err) != ENOTFOUND {
			return ModeDisabled, err
		}
		creds.SecretKey = key
	}
	if err := s.Connection.Use(creds); err != nil {
		return ModeDisabled, err
	}
	return s.Connection.Mode(), nil
}
