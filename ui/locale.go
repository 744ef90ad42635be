package ui

import (
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2/lang"

	"tally/domain"
)

// german reports whether the screens speak German (a German-speaking
// system: de, de-AT, de-CH…); money and dates are then written the German
// way, 1.234,56 € and 31.12.2026.
var german = sync.OnceValue(func() bool {
	return strings.HasPrefix(strings.ToLower(lang.SystemLocale().LanguageString()), "de")
})

// currencySymbols are the signs German text writes after an amount; other
// currencies keep their code (1.234,56 CHF).
var currencySymbols = map[string]string{"EUR": "€", "GBP": "£", "USD": "$"}

// amountText is an amount in minor units as the user's language writes
// it: 1234.56 in English, 1.234,56 in German.
func localAmount(v int64, c domain.Currency) string {
	s := domain.FormatAmount(v, c.Exponent())
	if !german() {
		return s
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteByte(',')
		b.WriteString(frac)
	}
	return b.String()
}

// moneyText is an amount and its currency: 12.34 EUR in English, 12,34 €
// in German.
func moneyText(m domain.Money) string {
	if m.Currency.IsZero() {
		return m.String()
	}
	if !german() {
		return m.String()
	}
	sym, ok := currencySymbols[m.Currency.Code()]
	if !ok {
		sym = m.Currency.Code()
	}
	return localAmount(m.Amount, m.Currency) + " " + sym
}

// dateText is a day: 2026-12-31 in English, 31.12.2026 in German.
func dateText(t time.Time) string {
	t = t.Local() // stored in UTC: shown in the shop's time zone
	if german() {
		return t.Format("02.01.2006")
	}
	return t.Format("2006-01-02")
}

// dateTimeText is a day and a time to the minute, or to the second with
// seconds set.
func dateTimeText(t time.Time, seconds bool) string {
	clock := "15:04"
	if seconds {
		clock = "15:04:05"
	}
	t = t.Local()
	if german() {
		return t.Format("02.01.2006 " + clock)
	}
	return t.Format("2006-01-02 " + clock)
}
