package domain

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Currency is an ISO 4217 currency as Stripe's API uses it. Exponent is the
// number of decimal places of the minor unit in which Stripe expresses amounts
// (2 for EUR, 0 for JPY, 3 for KWD). Step is the multiple that charge amounts
// must respect in minor units: 1 for most currencies, 10 for Stripe's
// three-decimal currencies and 100 for currencies Stripe keeps two-decimal in
// its API although only whole units can be charged (ISK).
//
// The zero Currency is invalid; obtain one with CurrencyOf or MustCurrency.
type Currency struct {
	code     string
	exponent uint8
	step     uint16
}

// Code returns the upper-case ISO 4217 code, for example "EUR".
func (c Currency) Code() string { return c.code }

// Exponent returns the number of decimal places of the minor unit.
func (c Currency) Exponent() int { return int(c.exponent) }

// Step returns the multiple, in minor units, that Stripe accepts for charges.
func (c Currency) Step() int64 {
	if c.step == 0 {
		return 1
	}
	return int64(c.step)
}

// IsZero reports whether c is the zero (unset) Currency.
func (c Currency) IsZero() bool { return c.code == "" }

// String returns the currency code.
func (c Currency) String() string { return c.code }

// StripeCode returns the lower-case code Stripe expects in API requests.
func (c Currency) StripeCode() string { return strings.ToLower(c.code) }

// Stripe's zero-decimal currencies (https://docs.stripe.com/currencies#zero-decimal).
var zeroDecimal = []string{"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"}

// Stripe's three-decimal currencies: charge amounts must end in 0.
var threeDecimal = []string{"BHD", "JOD", "KWD", "OMR", "TND"}

// Currencies Stripe keeps two-decimal in the API although only whole units are
// charged (amounts divisible by 100). HUF and TWD follow that rule for payouts
// only, so charges keep step 1 for them.
var wholeUnitTwoDecimal = []string{"ISK"}

var currencies = func() map[string]Currency {
	m := make(map[string]Currency)
	for _, c := range zeroDecimal {
		m[c] = Currency{code: c, exponent: 0, step: 1}
	}
	for _, c := range threeDecimal {
		m[c] = Currency{code: c, exponent: 3, step: 10}
	}
	for _, c := range wholeUnitTwoDecimal {
		m[c] = Currency{code: c, exponent: 2, step: 100}
	}
	return m
}()

// CurrencyOf returns the currency for an ISO 4217 code in any letter case
// ("usd", "EUR"). Stripe treats every currency not listed as zero- or
// three-decimal as two-decimal, and so does CurrencyOf. It returns an EINVALID
// error unless code is three ASCII letters.
func CurrencyOf(code string) (Currency, error) {
	code = strings.TrimSpace(code)
	if len(code) != 3 {
		return Currency{}, Errorf(EINVALID, "%q is not a currency code: expected three letters such as EUR", code)
	}
	up := strings.ToUpper(code)
	for i := 0; i < 3; i++ {
		if up[i] < 'A' || up[i] > 'Z' {
			return Currency{}, Errorf(EINVALID, "%q is not a currency code: expected three letters such as EUR", code)
		}
	}
	if c, ok := currencies[up]; ok {
		return c, nil
	}
	return Currency{code: up, exponent: 2, step: 1}, nil
}

// MustCurrency is CurrencyOf for codes known at compile time; it panics on a
// malformed code.
func MustCurrency(code string) Currency {
	c, err := CurrencyOf(code)
	if err != nil {
		panic(err)
	}
	return c
}

// Money is an exact amount in a currency's minor units. It is a value: copy it,
// compare it with ==.
type Money struct {
	Amount   int64
	Currency Currency
}

// New returns amount minor units of currency c.
func New(amount int64, c Currency) Money { return Money{Amount: amount, Currency: c} }

// IsZero reports whether the amount is zero.
func (m Money) IsZero() bool { return m.Amount == 0 }

// Neg returns -m. It returns an error for the one amount that has no negation.
func (m Money) Neg() (Money, error) {
	if m.Amount == math.MinInt64 {
		return Money{}, Errorf(EINVALID, "amount %s is too large", m)
	}
	return Money{Amount: -m.Amount, Currency: m.Currency}, nil
}

// Add returns m+o. Both must be in the same currency and the sum must fit.
func (m Money) Add(o Money) (Money, error) {
	if m.Currency != o.Currency {
		return Money{}, Errorf(EINVALID, "cannot add %s to %s: different currencies", o.Currency, m.Currency)
	}
	s := m.Amount + o.Amount
	if (o.Amount > 0 && s < m.Amount) || (o.Amount < 0 && s > m.Amount) {
		return Money{}, Errorf(EINVALID, "sum of %s and %s is too large", m, o)
	}
	return Money{Amount: s, Currency: m.Currency}, nil
}

// Decimal returns the amount as decimal text without currency, "-12.34".
func (m Money) Decimal() string { return FormatAmount(m.Amount, m.Currency.Exponent()) }

// String returns the amount and its currency code, "12.34 EUR".
func (m Money) String() string {
	if m.Currency.IsZero() {
		return FormatAmount(m.Amount, 2) + " ???"
	}
	return m.Decimal() + " " + m.Currency.Code()
}

// MaxChargeAmount is the most Stripe charges in one payment: eight
// digits of the currency's minor units (999,999.99 EUR, 99,999,999 JPY).
func MaxChargeAmount(c Currency) int64 { return 99_999_999 }

// ValidateCharge checks that m can be charged through Stripe: positive, in a
// known currency, and a multiple of the currency's step.
func (m Money) ValidateCharge() error {
	if m.Currency.IsZero() {
		return Errorf(EINVALID, "the amount has no currency")
	}
	if m.Amount <= 0 {
		return Errorf(EINVALID, "the amount must be more than zero")
	}
	if m.Amount%m.Currency.Step() != 0 {
		return Errorf(EINVALID, "%s cannot be charged: Stripe accepts %s only in steps of %s",
			m, m.Currency, FormatAmount(m.Currency.Step(), m.Currency.Exponent()))
	}
	return nil
}

// FormatAmount writes minor units as decimal text with exp decimal places:
// FormatAmount(-1234, 2) == "-12.34", FormatAmount(5, 0) == "5".
func FormatAmount(amount int64, exp int) string {
	var b [32]byte
	return string(AppendAmount(b[:0], amount, exp))
}

// AppendAmount appends FormatAmount's text to dst, for writers that format
// millions of amounts.
func AppendAmount(dst []byte, amount int64, exp int) []byte {
	neg := amount < 0
	u := uint64(amount)
	if neg {
		u = -u // two's complement: also right for math.MinInt64
		dst = append(dst, '-')
	}
	var d [24]byte
	digits := strconv.AppendUint(d[:0], u, 10)
	if exp > 0 {
		for len(digits) <= exp {
			digits = append([]byte{'0'}, digits...)
		}
		dst = append(dst, digits[:len(digits)-exp]...)
		dst = append(dst, '.')
		return append(dst, digits[len(digits)-exp:]...)
	}
	return append(dst, digits...)
}

// ParseAmount reads decimal text into minor units with exp decimal places,
// exactly, without floating point. It accepts an optional sign, surrounding
// spaces, "." or "," as the decimal separator, and thousands separators when
// both kinds appear ("1,234.56", "1.234,56") or as spaces ("1 234,56").
// Digits past exp decimal places must be zeros: "12.340" is 1234 cents but
// "12.345" is an error, never a rounding. A lone comma followed by exactly
// three digits ("1,234") is ambiguous and rejected unless exp is 3.
func ParseAmount(text string, exp int) (int64, error) {
	s := strings.TrimSpace(text)
	if s == "" {
		return 0, Errorf(EINVALID, "no amount")
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	// A spreadsheet may write a negative amount in parentheses: (12.34).
	if !neg && len(s) > 2 && s[0] == '(' && s[len(s)-1] == ')' {
		neg, s = true, s[1:len(s)-1]
	}
	s = strings.ReplaceAll(s, " ", "")
	s = strings.ReplaceAll(s, "\u00a0", "")
	if s == "" {
		return 0, Errorf(EINVALID, "%q is not an amount", text)
	}
	dec := byte(0)
	lastDot, lastComma := strings.LastIndexByte(s, '.'), strings.LastIndexByte(s, ',')
	switch {
	case lastDot >= 0 && lastComma >= 0:
		if lastDot > lastComma {
			dec = '.'
		} else {
			dec = ','
		}
	case lastDot >= 0:
		dec = '.'
	case lastComma >= 0:
		dec = ','
	}
	intPart, frac := s, ""
	if dec != 0 {
		i := strings.LastIndexByte(s, dec)
		intPart, frac = s[:i], s[i+1:]
		if strings.IndexByte(intPart, dec) >= 0 {
			// Several of the same separator: it is a grouping mark, not a decimal one ("1,234,567").
			if err := checkGroups(s, dec); err != nil {
				return 0, Errorf(EINVALID, "%q is not an amount", text)
			}
			intPart, frac = strings.ReplaceAll(s, string(dec), ""), ""
			dec = 0
		}
	}
	if dec == ',' && lastDot < 0 && len(frac) == 3 && exp != 3 && strings.IndexByte(intPart, '.') < 0 {
		return 0, Errorf(EINVALID, "%q is ambiguous: is the comma a decimal or a thousands separator? Write it as %s.%s or %s%s",
			text, intPart, frac, intPart, frac)
	}
	if dec != 0 {
		grp := byte('.')
		if dec == '.' {
			grp = ','
		}
		if strings.IndexByte(intPart, grp) >= 0 {
			if err := checkGroups(intPart, grp); err != nil {
				return 0, Errorf(EINVALID, "%q is not an amount", text)
			}
			intPart = strings.ReplaceAll(intPart, string(grp), "")
		}
	}
	if intPart == "" && frac == "" {
		return 0, Errorf(EINVALID, "%q is not an amount", text)
	}
	if !allDigits(intPart) || !allDigits(frac) {
		return 0, Errorf(EINVALID, "%q is not an amount", text)
	}
	if len(frac) > exp {
		if strings.Trim(frac[exp:], "0") != "" {
			return 0, Errorf(EINVALID, "%q has more than %d decimal places", text, exp)
		}
		frac = frac[:exp]
	}
	frac += strings.Repeat("0", exp-len(frac))
	var u uint64
	for _, d := range intPart + frac {
		if u > (math.MaxUint64-9)/10 {
			return 0, Errorf(EINVALID, "%q is too large", text)
		}
		u = u*10 + uint64(d-'0')
	}
	if neg {
		if u > 1<<63 {
			return 0, Errorf(EINVALID, "%q is too large", text)
		}
		return int64(-u), nil //nolint:gosec // range checked above
	}
	if u > math.MaxInt64 {
		return 0, Errorf(EINVALID, "%q is too large", text)
	}
	return int64(u), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// checkGroups accepts "1,234,567": a first group of 1–3 digits, then groups of 3.
func checkGroups(s string, sep byte) error {
	parts := strings.Split(s, string(sep))
	if len(parts[0]) < 1 || len(parts[0]) > 3 {
		return fmt.Errorf("bad group")
	}
	for _, p := range parts[1:] {
		if len(p) != 3 {
			return fmt.Errorf("bad group")
		}
	}
	return nil
}

// MarshalText writes the currency code, so that state files can keep a
// Currency.
func (c Currency) MarshalText() ([]byte, error) { return []byte(c.code), nil }

// UnmarshalText reads a currency code; empty text is the zero Currency.
func (c *Currency) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*c = Currency{}
		return nil
	}
	v, err := CurrencyOf(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// divRound divides a by b (b > 0), rounding half away from zero: the
// commercial rounding shops and tax offices use. Never truncates.
func divRound(a, b int64) int64 {
	if a >= 0 {
		return (a + b/2) / b
	}
	return -((-a + b/2) / b)
}
