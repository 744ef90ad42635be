package domain

import (
	"regexp"
	"strings"
)

// vatFormats are the EU VAT numbers' formats after the country prefix (as
// the European Commission's VIES describes them; Greece's prefix is EL,
// Northern Ireland's XI), and the UK's and Switzerland's, which shops
// there print on receipts too. Only the shape is checked: whether the
// number was issued is VIES's to say.
var vatFormats = map[string]*regexp.Regexp{
	"AT": regexp.MustCompile(`^U\d{8}$`),
	"BE": regexp.MustCompile(`^[01]\d{9}$`),
	"BG": regexp.MustCompile(`^\d{9,10}$`),
	"CY": regexp.MustCompile(`^\d{8}[A-Z]$`),
	"CZ": regexp.MustCompile(`^\d{8,10}$`),
	"DE": regexp.MustCompile(`^\d{9}$`),
	"DK": regexp.MustCompile(`^\d{8}$`),
	"EE": regexp.MustCompile(`^\d{9}$`),
	"EL": regexp.MustCompile(`^\d{9}$`),
	"ES": regexp.MustCompile(`^[0-9A-Z]\d{7}[0-9A-Z]$`),
	"FI": regexp.MustCompile(`^\d{8}$`),
	"FR": regexp.MustCompile(`^[0-9A-HJ-NP-Z]{2}\d{9}$`),
	"HR": regexp.MustCompile(`^\d{11}$`),
	"HU": regexp.MustCompile(`^\d{8}$`),
	"IE": regexp.MustCompile(`^(\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W])$`),
	"IT": regexp.MustCompile(`^\d{11}$`),
	"LT": regexp.MustCompile(`^(\d{9}|\d{12})$`),
	"LU": regexp.MustCompile(`^\d{8}$`),
	"LV": regexp.MustCompile(`^\d{11}$`),
	"MT": regexp.MustCompile(`^\d{8}$`),
	"NL": regexp.MustCompile(`^\d{9}B\d{2}$`),
	"PL": regexp.MustCompile(`^\d{10}$`),
	"PT": regexp.MustCompile(`^\d{9}$`),
	"RO": regexp.MustCompile(`^\d{2,10}$`),
	"SE": regexp.MustCompile(`^\d{12}$`),
	"SI": regexp.MustCompile(`^\d{8}$`),
	"SK": regexp.MustCompile(`^\d{10}$`),
	"XI": regexp.MustCompile(`^(\d{9}|\d{12}|GD\d{3}|HA\d{3})$`),
	"GB": regexp.MustCompile(`^(\d{9}|\d{12}|GD\d{3}|HA\d{3})$`),
	"CH": regexp.MustCompile(`^E\d{9}(MWST|TVA|IVA)?$`),
}

// vatPrefix is the prefix a country's VAT numbers start with: its code,
// but EL for Greece.
func vatPrefix(country string) string {
	if country == "GR" {
		return "EL"
	}
	return country
}

// NormalizeVATNumber writes a VAT number as it is checked and printed:
// upper case, without spaces, dots or dashes (CHE-123.456.789 MWST is
// CHE123456789MWST).
func NormalizeVATNumber(v string) string {
	v = strings.ToUpper(strings.TrimSpace(v))
	return strings.NewReplacer(" ", "", ".", "", "-", "").Replace(v)
}

// CheckVATNumber checks a VAT number's shape: its two-letter prefix, and
// the format of that country's numbers where Tally knows it. country,
// when given, is where the business is: its prefix must match. A number
// of a country whose format Tally does not know is taken as written.
func CheckVATNumber(number, country string) error {
	v := NormalizeVATNumber(number)
	country = strings.ToUpper(strings.TrimSpace(country))
	if len(v) < 4 || v[0] < 'A' || v[0] > 'Z' || v[1] < 'A' || v[1] > 'Z' {
		return Errorf(EINVALID, "A VAT number starts with its country's two letters, such as DE123456789.")
	}
	prefix, rest := v[:2], v[2:]
	if country != "" {
		if _, known := vatFormats[vatPrefix(country)]; known && prefix != vatPrefix(country) && !(country == "GB" && prefix == "XI") {
			return Errorf(EINVALID, "A VAT number from %s starts with %s, not %s.", countryName(country), vatPrefix(country), prefix)
		}
	}
	re, ok := vatFormats[prefix]
	if !ok {
		if len(v) > 15 {
			return Errorf(EINVALID, "A VAT number has at most 15 characters.")
		}
		return nil
	}
	if !re.MatchString(rest) {
		return Errorf(EINVALID, "%s is not a VAT number of %s: %s", v, countryName(prefixCountry(prefix)), vatExample(prefix))
	}
	return nil
}

// prefixCountry is the country code of a VAT prefix.
func prefixCountry(prefix string) string {
	switch prefix {
	case "EL":
		return "GR"
	case "XI":
		return "GB"
	}
	return prefix
}

func countryName(code string) string {
	if c, ok := CountryOf(code); ok {
		return c.Name
	}
	return code
}

// vatExample says what a country's VAT numbers look like.
func vatExample(prefix string) string {
	examples := map[string]string{
		"AT": "U and 8 digits, such as ATU12345678", "BE": "10 digits, such as BE0123456789", "DE": "9 digits, such as DE123456789",
		"DK": "8 digits, such as DK12345678", "ES": "9 characters, such as ESB12345678", "FR": "2 characters and 9 digits, such as FR12345678901",
		"IE": "7 digits and one or two letters, such as IE1234567WA", "IT": "11 digits, such as IT12345678901",
		"NL": "9 digits, B and 2 digits, such as NL123456789B01", "PL": "10 digits, such as PL1234567890",
		"GB": "9 digits, such as GB123456789", "CH": "E and 9 digits, such as CHE123456789MWST",
	}
	if e, ok := examples[prefix]; ok {
		return "it has " + e + "."
	}
	return "check it against the tax office's letter."
}
