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
	// The seller's details receipts and invoices carry by law.
	Street     string
	PostalCode string
	City       string
	VATID      string // the shop's VAT (or sales tax) number, as issued
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
	// Standard and Reduced are the country's usual VAT (or sales tax)
	// rates, in millionths; they start a demo shop's products.
	Standard, Reduced TaxRate
	// TaxAdded: prices are written without tax and tax is added at the
	// till (the United States, Canada).
	TaxAdded bool
}

// Countries are the countries Stripe accounts are opened in (Stripe's
// global availability list), each with its usual currency and main time
// zone, in the order of their English names.
var Countries = []Country{
	{"AU", "Australia", "AUD", "Australia/Sydney", 100000, 0, false},
	{"AT", "Austria", "EUR", "Europe/Vienna", 200000, 100000, false},
	{"BE", "Belgium", "EUR", "Europe/Brussels", 210000, 60000, false},
	{"BG", "Bulgaria", "BGN", "Europe/Sofia", 200000, 90000, false},
	{"CA", "Canada", "CAD", "America/Toronto", 130000, 0, true},
	{"HR", "Croatia", "EUR", "Europe/Zagreb", 250000, 130000, false},
	{"CY", "Cyprus", "EUR", "Asia/Nicosia", 190000, 50000, false},
	{"CZ", "Czech Republic", "CZK", "Europe/Prague", 210000, 120000, false},
	{"DK", "Denmark", "DKK", "Europe/Copenhagen", 250000, 250000, false},
	{"EE", "Estonia", "EUR", "Europe/Tallinn", 240000, 90000, false},
	{"FI", "Finland", "EUR", "Europe/Helsinki", 255000, 140000, false},
	{"FR", "France", "EUR", "Europe/Paris", 200000, 55000, false},
	{"DE", "Germany", "EUR", "Europe/Berlin", 190000, 70000, false},
	{"GI", "Gibraltar", "GBP", "Europe/Gibraltar", 0, 0, false},
	{"GR", "Greece", "EUR", "Europe/Athens", 240000, 130000, false},
	{"HK", "Hong Kong", "HKD", "Asia/Hong_Kong", 0, 0, false},
	{"HU", "Hungary", "HUF", "Europe/Budapest", 270000, 50000, false},
	{"IE", "Ireland", "EUR", "Europe/Dublin", 230000, 135000, false},
	{"IT", "Italy", "EUR", "Europe/Rome", 220000, 100000, false},
	{"JP", "Japan", "JPY", "Asia/Tokyo", 100000, 80000, false},
	{"LV", "Latvia", "EUR", "Europe/Riga", 210000, 120000, false},
	{"LI", "Liechtenstein", "CHF", "Europe/Vaduz", 81000, 26000, false},
	{"LT", "Lithuania", "EUR", "Europe/Vilnius", 210000, 90000, false},
	{"LU", "Luxembourg", "EUR", "Europe/Luxembourg", 170000, 80000, false},
	{"MT", "Malta", "EUR", "Europe/Malta", 180000, 70000, false},
	{"MX", "Mexico", "MXN", "America/Mexico_City", 160000, 0, false},
	{"NL", "Netherlands", "EUR", "Europe/Amsterdam", 210000, 90000, false},
	{"NZ", "New Zealand", "NZD", "Pacific/Auckland", 150000, 150000, false},
	{"NO", "Norway", "NOK", "Europe/Oslo", 250000, 150000, false},
	{"PL", "Poland", "PLN", "Europe/Warsaw", 230000, 80000, false},
	{"PT", "Portugal", "EUR", "Europe/Lisbon", 230000, 130000, false},
	{"RO", "Romania", "RON", "Europe/Bucharest", 210000, 110000, false},
	{"SG", "Singapore", "SGD", "Asia/Singapore", 90000, 90000, false},
	{"SK", "Slovakia", "EUR", "Europe/Bratislava", 230000, 190000, false},
	{"SI", "Slovenia", "EUR", "Europe/Ljubljana", 220000, 95000, false},
	{"ES", "Spain", "EUR", "Europe/Madrid", 210000, 100000, false},
	{"SE", "Sweden", "SEK", "Europe/Stockholm", 250000, 120000, false},
	{"CH", "Switzerland", "CHF", "Europe/Zurich", 81000, 26000, false},
	{"AE", "United Arab Emirates", "AED", "Asia/Dubai", 50000, 50000, false},
	{"GB", "United Kingdom", "GBP", "Europe/London", 200000, 50000, false},
	{"US", "United States", "USD", "America/New_York", 88750, 0, true},
}

// Language is the language the shop's documents (receipts, reports,
// the customer display) are written in: German in the German-speaking
// countries, English elsewhere.
func (s Shop) Language() string {
	switch s.Country {
	case "DE", "AT", "CH", "LI":
		return "de"
	}
	return "en"
}

// Location is the shop's time zone, or the computer's where none is set.
func (s Shop) Location() *time.Location {
	if loc, err := time.LoadLocation(s.TimeZone); err == nil && s.TimeZone != "" {
		return loc
	}
	return time.Local
}

// AddressLines are the shop's street and town, as a receipt prints them.
func (s Shop) AddressLines() []string {
	var out []string
	if t := strings.TrimSpace(s.Street); t != "" {
		out = append(out, t)
	}
	if t := strings.TrimSpace(strings.TrimSpace(s.PostalCode) + " " + strings.TrimSpace(s.City)); t != "" {
		out = append(out, t)
	}
	return out
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
	if len([]rune(s.Street)) > 120 || len([]rune(s.City)) > 80 || len([]rune(s.PostalCode)) > 20 {
		return fieldErr("address", Errorf(EINVALID, "The address is too long for a receipt: at most 120 characters for the street, 80 for the town and 20 for the postal code."))
	}
	if s.VATID != "" {
		if err := CheckVATNumber(s.VATID, s.Country); err != nil {
			return fieldErr("vat_id", err)
		}
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
	sh.Street, sh.PostalCode, sh.City = strings.TrimSpace(sh.Street), strings.TrimSpace(sh.PostalCode), strings.TrimSpace(sh.City)
	sh.VATID = NormalizeVATNumber(sh.VATID)
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
	if s.OnShop != nil {
		s.OnShop(ctx, sh)
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
	if s.OnShop != nil {
		if sh, err := s.Shop(ctx); err == nil {
			s.OnShop(ctx, sh)
		}
	}
	return nil
}

// NeedsSetup reports whether the first-run set-up should show.
func (s *SettingsService) NeedsSetup(ctx context.Context) bool {
	sh, err := s.Shop(ctx)
	return err == nil && sh.SetUpAt.IsZero()
}
