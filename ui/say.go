package ui

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode"

	"tally/domain"
)

// Messages the layers below write as finished English text, kept with a
// payment or a refund (what the reader said, what became of a refund), are
// said in the user's language by sayText: the text is matched against the
// English formats the translation file knows, its values taken out, and
// the translation filled in with them, each value said again the same way
// (an error's message inside a payment's message).

type sayFormat struct {
	key    string
	re     *regexp.Regexp
	verbs  []byte // the verb of each value, s, d or q
	weight int    // letters outside the values: the most specific first
}

var sayVerbRE = regexp.MustCompile(`%[sdq]`)

// germanKeys are the English sentences de.json translates.
var germanKeys = sync.OnceValue(func() map[string]string {
	b, err := translations.ReadFile("translations/de.json")
	if err != nil {
		return nil
	}
	var de map[string]string
	if json.Unmarshal(b, &de) != nil {
		return nil
	}
	return de
})

var sayFormats = sync.OnceValue(func() []sayFormat {
	de := germanKeys()
	var out []sayFormat
	for key := range de {
		if !strings.Contains(key, "%") || strings.Contains(key, "%[") {
			continue
		}
		lit := sayVerbRE.Split(strings.ReplaceAll(key, "%%", "%"), -1)
		weight := 0
		for _, r := range strings.Join(lit, "") {
			if unicode.IsLetter(r) {
				weight++
			}
		}
		if weight < 4 {
			continue // "%s: %s" would match anything
		}
		var pat strings.Builder
		pat.WriteString(`(?s)^`)
		var verbs []byte
		for i, v := range sayVerbRE.FindAllString(key, -1) {
			pat.WriteString(regexp.QuoteMeta(strings.ReplaceAll(lit[i], "%%", "%")))
			verbs = append(verbs, v[1])
			switch v[1] {
			case 'd':
				pat.WriteString(`(-?\d+)`)
			case 'q':
				pat.WriteString(`("(?:[^"\\]|\\.)*")`)
			default:
				pat.WriteString(`(.*?)`)
			}
		}
		pat.WriteString(regexp.QuoteMeta(strings.ReplaceAll(lit[len(lit)-1], "%%", "%")))
		pat.WriteString(`$`)
		re, err := regexp.Compile(pat.String())
		if err != nil {
			continue
		}
		out = append(out, sayFormat{key: key, re: re, verbs: verbs, weight: weight})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].weight != out[j].weight {
			return out[i].weight > out[j].weight
		}
		return out[i].key < out[j].key
	})
	return out
})

// sayText is an English message made below the screens, in the user's
// language where the translation file knows its sentence.
func sayText(msg string) string { return say(msg, 0) }

func say(msg string, depth int) string {
	if msg == "" || !german() || depth > 3 {
		return msg
	}
	// A value inside a message is said again only if it is a sentence:
	// a name ("Card reader") is the shop's own and stays as written.
	if _, ok := germanKeys()[msg]; ok && (depth == 0 || strings.HasSuffix(msg, "…") || strings.ContainsAny(msg[len(msg)-1:], ".!?:")) {
		return T(msg)
	}
	for _, f := range sayFormats() {
		m := f.re.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		args := make([]any, len(f.verbs))
		for i, v := range f.verbs {
			switch v {
			case 's':
				if money, ok := moneyValue(m[i+1]); ok {
					args[i] = money
				} else {
					args[i] = say(m[i+1], depth+1)
				}
			case 'q':
				args[i] = strings.Trim(m[i+1], `"`)
			default:
				var n int
				fmt.Sscan(m[i+1], &n)
				args[i] = n
			}
		}
		return fmt.Sprintf(T(f.key), args...)
	}
	return msg
}

var moneyRE = regexp.MustCompile(`^(-?\d+(?:\.\d+)?) ([A-Z]{3})$`)

// moneyValue is an amount written the English way ("7.60 EUR", as
// domain.Money writes it) in the user's money format.
func moneyValue(v string) (string, bool) {
	m := moneyRE.FindStringSubmatch(v)
	if m == nil {
		return "", false
	}
	cur, err := domain.CurrencyOf(m[2])
	if err != nil {
		return "", false
	}
	amt, err := domain.ParseAmount(m[1], cur.Exponent())
	if err != nil {
		return "", false
	}
	return moneyText(domain.New(amt, cur)), true
}

// kindText names a payment method's kind in the user's language: cash,
// card reader, QR code (never the internal "qr_link").
func kindText(k domain.MethodKind) string {
	switch k {
	case domain.MethodCash:
		return T("Cash")
	case domain.MethodCardReader:
		return T("Card reader")
	case domain.MethodQRLink:
		return T("QR code")
	}
	return string(k)
}

// auditActionText words an audit log's action.
func auditActionText(action string) string {
	switch action {
	case "refund":
		return T("Refund")
	case "refund_refused":
		return T("Refund refused")
	case "void":
		return T("Void")
	case "capture":
		return T("Capture")
	case "day_close":
		return T("Day close")
	case "settings":
		return T("Settings")
	case "method", "methods":
		return T("Payment method")
	case "unlock":
		return T("Unlocked")
	case "reader":
		return T("Reader")
	case "pin":
		return T("PIN set")
	case "pin_locked":
		return T("PIN locked")
	case "cash_float":
		return T("Opening float")
	case "cash_in":
		return T("Cash in")
	case "cash_out":
		return T("Cash out")
	case "drawer_open":
		return T("Drawer opened")
	case "invoice_void":
		return T("Invoice voided")
	case "invoice_paid":
		return T("Invoice paid in cash")
	case "invoice_write_off":
		return T("Invoice written off")
	}
	return strings.ReplaceAll(action, "_", " ")
}
