package domain

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Shop is the shop's own description, asked by the first-run set-up and
// changed later in Settings. Its currency is the register's and the
// imports' when nothing more precise says otherwise; its time zone is the
// one dates and the day close are counted in.
type Shop struct {
	Name     string
	Country  string // ISO 3166-1 alpha-2, upper case
	Currency Currency
	TimeZone string // IANA name, for example Europe/Berlin
	// SetUpAt is when the first-run set-up was finished or skipped; zero
	// while it has not been, and then it shows at start.
	SetUpAt time.Time
}

// Country is a country Stripe takes payments in, with what a shop there
// most likely uses.
type Country struct {
	Code     string
	Name     string
	Currency string
	TimeZone string
}

// Countries are the countries Stripe accounts are opened in (Stripe's
// global availability list), each with its usual currency and main time
// zone, in the order of their English names.
var Countries = []Country{
	{"AU", "Australia", "AUD", "Australia/Sydney"},
	{"AT", "Austria", "EUR", "Europe/Vienna"},
	{"BE", "Belgium", "EUR", "Europe/Brussels"},
	{"BG", "Bulgaria", "BGN", "Europe/Sofia"},
	{"CA", "Canada", "CAD", "America/Toronto"},
	{"HR", "Croatia", "EUR", "Europe/Zagreb"},
	{"CY", "Cyprus", "EUR", "Asia/Nicosia"},
	{"CZ", "Czech Republic", "CZK", "Europe/Prague"},
	{"DK", "Denmark", "DKK", "Europe/Copenhagen"},
	{"EE", "Estonia", "EUR", "Europe/Tallinn"},
	{"FI", "Finland", "EUR", "Europe/Helsinki"},
	{"FR", "France", "EUR", "Europe/Paris"},
	{"DE", "Germany", "EUR", "Europe/Berlin"},
	{"GI", "Gibraltar", "GBP", "Europe/Gibraltar"},
	{"GR", "Greece", "EUR", "Europe/Athens"},
	{"HK", "Hong Kong", "HKD", "Asia/Hong_Kong"},
	{"HU", "Hungary", "HUF", "Europe/Budapest"},
	{"IE", "Ireland", "EUR", "Europe/Dublin"},
	{"IT", "Italy", "EUR", "Europe/Rome"},
	{"JP", "Japan", "JPY", "Asia/Tokyo"},
	{"LV", "Latvia", "EUR", "Europe/Riga"},
	{"LI", "Liechtenstein", "CHF", "Europe/Vaduz"},
	{"LT", "Lithuania", "EUR", "Europe/Vilnius"},
	{"LU", "Luxembourg", "EUR", "Europe/Luxembourg"},
	{"MT", "Malta", "EUR", "Europe/Malta"},
	{"MX", "Mexico", "MXN", "America/Mexico_City"},
	{"NL", "Netherlands", "EUR", "Europe/Amsterdam"},
	{"NZ", "New Zealand", "NZD", "Pacific/Auckland"},
	{"NO", "Norway", "NOK", "Europe/Oslo"},
	{"PL", "Poland", "PLN", "Europe/Warsaw"},
	{"PT", "Portugal", "EUR", "Europe/Lisbon"},
	{"RO", "Romania", "RON", "Europe/Bucharest"},
	{"SG", "Singapore", "SGD", "Asia/Singapore"},
	{"SK", "Slovakia", "EUR", "Europe/Bratislava"},
	{"SI", "Slovenia", "EUR", "Europe/Ljubljana"},
	{"ES", "Spain", "EUR", "Europe/Madrid"},
	{"SE", "Sweden", "SEK", "Europe/Stockholm"},
	{"CH", "Switzerland", "CHF", "Europe/Zurich"},
	{"AE", "United Arab Emirates", "AED", "Asia/Dubai"},
	{"GB", "United Kingdom", "GBP", "Europe/London"},
	{"US", "United States", "USD", "America/New_York"},
}

// CountryOf returns the country with the code, and whether there is one.
func CountryOf(code string) (Country, bool) {
	code = strings.ToUpper(strings.TrimSpace(code))
	for _, c := range Countries {
		if c.Code == code {
			return c, true
		}
	}
	return Country{}, false
}

// Validate checks the shop's fields and returns a *FieldError naming the
// one that is wrong.
func (s Shop) Validate() error {
	name := strings.TrimSpace(s.Name)
	if name == "" {
		return fieldErr("shop_name", Errorf(EINVALID, "Give the shop's name: it is printed on receipts and shown on the customer display."))
	}
	if len([]rune(name)) > 80 {
		return fieldErr("shop_name", Errorf(EINVALID, "The shop's name is limited to 80 characters."))
	}
	if _, ok := CountryOf(s.Country); !ok {
		return fieldErr("country", Errorf(EINVALID, "Choose the country the shop is in."))
	}
	if s.Currency.IsZero() {
		return fieldErr("currency", Errorf(EINVALID, "Choose the currency the shop sells in."))
	}
	if _, err := LoadTimeZone(s.TimeZone); err != nil {
		return fieldErr("time_zone", err)
	}
	return nil
}

// LoadTimeZone returns the IANA time zone named, or an error saying what
// to type.
func LoadTimeZone(name string) (*time.Location, error) {
	name = strings.TrimSpace(name)
	if name == "" || name == "Local" {
		return nil, Errorf(EINVALID, "Choose the shop's time zone, for example Europe/Berlin.")
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, Errorf(EINVALID, "%q is not a time zone Tally knows. Choose one from the list, for example Europe/Berlin or America/New_York.", name)
	}
	return loc, nil
}

// SystemTimeZone is this computer's time zone's IANA name, or "" when the
// system does not say (then the set-up asks).
func SystemTimeZone() string {
	if n := time.Local.String(); n != "Local" && n != "" {
		if _, err := time.LoadLocation(n); err == nil {
			return n
		}
	}
	return ""
}

// Shop returns the shop's description; its zero value (SetUpAt zero)
// until the set-up or Settings saved one.
func (s *SettingsService) Shop(ctx context.Context) (Shop, error) {
	var sh Shop
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		sh, err = tx.Shop()
		return err
	})
	if err != nil {
		return sh, fmt.Errorf("read the shop's details: %w", err)
	}
	return sh, nil
}

// SaveShop checks and stores the shop's description. Whether the
// first-run set-up is done stays as it was: FinishSetup says so.
func (s *SettingsService) SaveShop(ctx context.Context, sh Shop) (Shop, error) {
	sh.Name = strings.TrimSpace(sh.Name)
	sh.Country = strings.ToUpper(strings.TrimSpace(sh.Country))
	sh.TimeZone = strings.TrimSpace(sh.TimeZone)
	if err := sh.Validate(); err != nil {
		return sh, err
	}
	err := s.Store.Update(ctx, func(tx Tx) error {
		old, err := tx.Shop()
		if err != nil {
			return err
		}
		sh.SetUpAt = old.SetUpAt
		return tx.SaveShop(sh)
	})
	if err != nil {
		return sh, fmt.Errorf("save the shop's details: %w", err)
	}
	return sh, nil
}

// FinishSetup marks the first-run set-up done (finished or skipped) so it
// does not show again; what it did not ask stays as it is.
func (s *SettingsService) FinishSetup(ctx context.Context) error {
	err := s.Store.Update(ctx, func(tx Tx) error {
		sh, err := tx.Shop()
		if err != nil || !sh.SetUpAt.IsZero() {
			return err
		}
		sh.SetUpAt = s.Clock.Now().UTC().Truncate(time.Second)
		return tx.SaveShop(sh)
	})
	if err != nil {
		return fmt.Errorf("remember the set-up is done: %w", err)
	}
	return nil
}

// NeedsSetup reports whether the first-run set-up should show.
func (s *SettingsService) NeedsSetup(ctx context.Context) bool {
	sh, err := s.Shop(ctx)
	return err == nil && sh.SetUpAt.IsZero()
}
