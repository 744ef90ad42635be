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

// localAmount is an amount in minor units as the user's language writes
// it, with thousands grouped: 1,234.56 in English, 1.234,56 in German.
func localAmount(v int64, c domain.Currency) string {
	lang := "en"
	if german() {
		lang = "de"
	}
	return domain.Paper{Lang: lang}.Amount(v, c)
}

// entryAmount is an amount to put in a field for the user to change:
// ungrouped (1234.56, 1234,56), so that it reads back as typed.
func entryAmount(v int64, c domain.Currency) string {
	s := domain.FormatAmount(v, c.Exponent())
	if german() {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// moneyText is an amount and its currency: 1,234.56 EUR in English,
// 1.234,56 € in German.
func moneyText(m domain.Money) string {
	if m.Currency.IsZero() {
		return m.String()
	}
	if !german() {
		return localAmount(m.Amount, m.Currency) + " " + m.Currency.Code()
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
