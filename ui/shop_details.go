package ui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"tally/domain"
)

// shopDetails asks for the shop's name, country, currency and time zone: the
// first step of the set-up, and a section of Settings.
type shopDetails struct {
	name     *keyEntry
	country  *widget.Select
	currency *widget.Select
	zone     *widget.SelectEntry
	street   *keyEntry
	postal   *keyEntry
	city     *keyEntry
	vat      *keyEntry
	errs     map[string]*widget.Label
	form     *widget.Form
}

// countryLabel is a country as the lists show it: its name in the
// user's language and its code, "Deutschland (DE)".
func countryLabel(c domain.Country) string {
	name := c.Name
	if german() {
		if de, ok := countryNamesDE[c.Code]; ok {
			name = de
		}
	}
	return name + " (" + c.Code + ")"
}

// countryNamesDE are the countries' German names.
var countryNamesDE = map[string]string{
	"AU": "Australien", "AT": "Österreich", "BE": "Belgien", "BG": "Bulgarien", "CA": "Kanada", "HR": "Kroatien", "CY": "Zypern",
	"CZ": "Tschechien", "DK": "Dänemark", "EE": "Estland", "FI": "Finnland", "FR": "Frankreich", "DE": "Deutschland", "GI": "Gibraltar",
	"GR": "Griechenland", "HK": "Hongkong", "HU": "Ungarn", "IE": "Irland", "IT": "Italien", "JP": "Japan", "LV": "Lettland",
	"LI": "Liechtenstein", "LT": "Litauen", "LU": "Luxemburg", "MT": "Malta", "MX": "Mexiko", "NL": "Niederlande", "NZ": "Neuseeland",
	"NO": "Norwegen", "PL": "Polen", "PT": "Portugal", "RO": "Rumänien", "SG": "Singapur", "SK": "Slowakei", "SI": "Slowenien",
	"ES": "Spanien", "SE": "Schweden", "CH": "Schweiz", "AE": "Vereinigte Arabische Emirate", "GB": "Vereinigtes Königreich", "US": "Vereinigte Staaten",
}

func newShopDetails() *shopDetails {
	f := &shopDetails{errs: map[string]*widget.Label{}}
	for _, k := range []string{"shop_name", "country", "currency", "time_zone", "address", "vat_id"} {
		f.errs[k] = errLabel()
	}
	f.name = newFormEntry()
	f.name.SetPlaceHolder(T("Corner Deli"))
	var countries, currencies, zones []string
	for _, c := range domain.Countries {
		countries = append(countries, countryLabel(c))
		if !slices.Contains(currencies, c.Currency) {
			currencies = append(currencies, c.Currency)
		}
		if !slices.Contains(zones, c.TimeZone) {
			zones = append(zones, c.TimeZone)
		}
	}
	slices.Sort(currencies)
	if z := domain.SystemTimeZone(); z != "" && !slices.Contains(zones, z) {
		zones = append(zones, z)
	}
	slices.Sort(zones)
	f.currency = widget.NewSelect(currencies, nil)
	f.currency.PlaceHolder = T("Choose the currency")
	f.zone = widget.NewSelectEntry(zones)
	f.zone.SetPlaceHolder(T("Europe/Berlin"))
	f.country = widget.NewSelect(countries, func(label string) {
		// A country brings its usual currency and time zone; both can be
		// changed after.
		if c, ok := f.selectedCountry(); ok {
			f.currency.SetSelected(c.Currency)
			if sys := domain.SystemTimeZone(); sys == "" || !sameCountryZone(sys, c) {
				f.zone.SetText(c.TimeZone)
			} else {
				f.zone.SetText(sys)
			}
		}
	})
	f.country.PlaceHolder = T("Choose the country")
	f.street, f.postal, f.city, f.vat = newFormEntry(), newFormEntry(), newFormEntry(), newFormEntry()
	f.street.SetPlaceHolder(T("Street and number"))
	f.postal.SetPlaceHolder(T("Postal code"))
	f.city.SetPlaceHolder(T("Town"))
	f.vat.SetPlaceHolder(T("VAT number, such as DE123456789 (printed on receipts)"))
	town := container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(130, f.postal.MinSize().Height), f.postal), nil, f.city)
	field := func(w fyne.CanvasObject, k string) fyne.CanvasObject { return labelled(w, f.errs, k) }
	f.form = widget.NewForm(
		widget.NewFormItem(T("Shop name"), field(f.name, "shop_name")),
		widget.NewFormItem(T("Country"), field(f.country, "country")),
		widget.NewFormItem(T("Currency"), field(f.currency, "currency")),
		widget.NewFormItem(T("Time zone"), field(f.zone, "time_zone")),
		widget.NewFormItem(T("Address"), field(container.NewVBox(f.street, town), "address")),
		widget.NewFormItem(T("VAT number"), field(f.vat, "vat_id")),
	)
	return f
}

// sameCountryZone reports whether the system's zone is the country's own
// (a shop in Germany on a computer set to Europe/Berlin keeps it; one set
// to another country's zone gets the country's).
func sameCountryZone(zone string, c domain.Country) bool {
	for _, o := range domain.Countries {
		if o.TimeZone == zone {
			return o.Code == c.Code
		}
	}
	return true // a zone of no listed country (America/Chicago): the computer knows best
}

func (f *shopDetails) selectedCountry() (domain.Country, bool) {
	for _, c := range domain.Countries {
		if countryLabel(c) == f.country.Selected {
			return c, true
		}
	}
	return domain.Country{}, false
}

// set shows a stored shop; an empty one gets the computer's time zone.
func (f *shopDetails) set(sh domain.Shop) {
	f.name.SetText(sh.Name)
	f.street.SetText(sh.Street)
	f.postal.SetText(sh.PostalCode)
	f.city.SetText(sh.City)
	f.vat.SetText(sh.VATID)
	if c, ok := domain.CountryOf(sh.Country); ok {
		f.country.Selected = countryLabel(c) // without OnChanged: keep the stored currency and zone
		f.country.Refresh()
	}
	if !sh.Currency.IsZero() {
		f.currency.SetSelected(sh.Currency.Code())
	}
	zone := sh.TimeZone
	if zone == "" {
		zone = domain.SystemTimeZone()
	}
	f.zone.SetText(zone)
}

// shop returns what the form says; the service checks it.
func (f *shopDetails) shop() domain.Shop {
	sh := domain.Shop{Name: f.name.Text, TimeZone: f.zone.Text, Street: f.street.Text, PostalCode: f.postal.Text, City: f.city.Text, VATID: f.vat.Text}
	if c, ok := f.selectedCountry(); ok {
		sh.Country = c.Code
	}
	if cur, err := domain.CurrencyOf(f.currency.Selected); err == nil {
		sh.Currency = cur
	}
	return sh
}

// readerStatusText words a reader's network status.
func readerStatusText(st domain.ReaderStatus) string {
	if st == domain.ReaderOnline {
		return T("online")
	}
	return T("offline")
}
