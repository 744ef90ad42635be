package domain

import (
	"fmt"
	"strings"
	"time"
)

// Paper writes a document the customer or the tax office reads (a
// receipt, a Z or X report, the customer display) in the shop's language,
// its money format and its time zone, whatever the computer's own
// language is.
type Paper struct {
	Lang string         // "de" or "en"
	Loc  *time.Location // the shop's time zone
}

// PaperFor is the paper of the shop's documents.
func PaperFor(sh Shop) Paper { return Paper{Lang: sh.Language(), Loc: sh.Location()} }

// German reports whether the documents are in German.
func (p Paper) German() bool { return p.Lang == "de" }

// T says an English sentence (a format, with args) in the paper's
// language: the sentence itself where there is no translation.
func (p Paper) T(en string, args ...any) string {
	if p.German() {
		if de, ok := paperGerman[en]; ok {
			en = de
		}
	}
	if len(args) == 0 {
		return en
	}
	return fmt.Sprintf(en, args...)
}

// Amount writes minor units the paper's way: 1,234.56 in English,
// 1.234,56 in German.
func (p Paper) Amount(v int64, c Currency) string {
	s := FormatAmount(v, c.Exponent())
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	group, dec := ",", "."
	if p.German() {
		group, dec = ".", ","
	}
	var b strings.Builder
	if neg {
		b.WriteString("-")
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(dec)
		b.WriteString(frac)
	}
	return b.String()
}

// paperSymbols are the currency signs German documents write after an
// amount; other currencies keep their code.
var paperSymbols = map[string]string{"EUR": "€", "GBP": "£", "USD": "$", "CHF": "CHF"}

// Money writes an amount with its currency: 1,234.56 EUR in English,
// 1.234,56 € in German.
func (p Paper) Money(v int64, c Currency) string {
	if p.German() {
		if sym, ok := paperSymbols[c.Code()]; ok {
			return p.Amount(v, c) + " " + sym
		}
	}
	return p.Amount(v, c) + " " + c.Code()
}

// Rate writes a tax or discount rate: 8.875 % in English, 8,875 % in
// German.
func (p Paper) Rate(r TaxRate) string {
	s := r.String()
	if p.German() {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// Time writes a moment in the shop's time zone, to the minute.
func (p Paper) Time(t time.Time) string {
	t = t.In(p.location())
	if p.German() {
		return t.Format("02.01.2006 15:04")
	}
	return t.Format("2006-01-02 15:04")
}

// Date writes a day in the shop's time zone.
func (p Paper) Date(t time.Time) string {
	t = t.In(p.location())
	if p.German() {
		return t.Format("02.01.2006")
	}
	return t.Format("2006-01-02")
}

func (p Paper) location() *time.Location {
	if p.Loc == nil {
		return time.Local
	}
	return p.Loc
}

// Kind names a payment method's kind on a document.
func (p Paper) Kind(k MethodKind) string {
	switch k {
	case MethodCash:
		return p.T("Cash")
	case MethodCardReader:
		return p.T("Card")
	case MethodQRLink:
		return p.T("QR code")
	}
	return string(k)
}

// paperGerman is every sentence of the documents in German.
var paperGerman = map[string]string{
	"Receipt":                                "Beleg",
	"Receipt of sale #%d":                    "Beleg Nr. %d",
	"%s · sale #%d":                          "%s · Beleg Nr. %d",
	"VAT no. %s":                             "USt-IdNr. %s",
	"VAT no.":                                "USt-IdNr.",
	"Customer: %s":                           "Kunde: %s",
	"discount %s":                            "Rabatt %s",
	"discount":                               "Rabatt",
	"each %s":                                "je %s",
	"Subtotal":                               "Zwischensumme",
	"Tax %s":                                 "USt. %s",
	"Total":                                  "Summe",
	"Rate":                                   "Satz",
	"Net":                                    "Netto",
	"Tax":                                    "USt.",
	"Gross":                                  "Brutto",
	"Tip":                                    "Trinkgeld",
	"Handed over":                            "Gegeben",
	"Change":                                 "Rückgeld",
	"Thank you!":                             "Vielen Dank für Ihren Einkauf!",
	"TSE failed: this receipt is not signed": "TSE ausgefallen: Beleg nicht signiert",
	"TSE transaction":                        "TSE-Transaktion",
	"TSE transaction %d, signature counter %d": "TSE-Transaktion %d, Signaturzähler %d",
	"TSE start":                "TSE-Start",
	"TSE end":                  "TSE-Ende",
	"Signature counter":        "Signaturzähler",
	"Time format":              "Zeitformat",
	"Algorithm":                "Signaturalgorithmus",
	"TSE serial number:":       "TSE-Seriennummer:",
	"Till (client) serial: %s": "Kassenseriennummer: %s",
	"Signature:":               "Signatur:",
	"For the tax office (§ 146a (4) AO), to file through ELSTER:": "Für das Finanzamt (§ 146a Abs. 4 AO), über ELSTER zu melden:",
	"Business":           "Unternehmen",
	"Till type":          "Art der Kasse",
	"Till software":      "Software der Kasse",
	"Till serial number": "Seriennummer der Kasse",
	"In use since":       "In Betrieb seit",
	"TSE":                "TSE",
	"TSE serial number":  "Seriennummer der TSE",
	"BSI certificate":    "BSI-Zertifizierungs-ID",
	"SIMULATED TSE (demo or test mode): not for filing.": "SIMULIERTE TSE (Demo- oder Testmodus): nicht zur Meldung.",
	"Till registration (§ 146a AO)":                      "Mitteilung der Kasse (§ 146a AO)",
	"Cash":                                               "Bar",
	"Card":                                               "Karte",
	"QR code":                                            "QR-Code",
	"No tax":                                             "Steuerfrei",
	"Copy":                                               "Kopie",
	"Cancelled":                                          "Storniert",
	"Prices include tax.":                                "Preise inkl. USt.",
	"Day close (Z report)":                               "Tagesabschluss (Z-Bericht)",
	"Day so far (X report)":                              "Zwischenbericht (X-Bericht)",
	"Till":                                               "Kasse",
	"Closed":                                             "Abgeschlossen",
	"Printed":                                            "Erstellt",
	"As of":                                              "Stand",
	"Since":                                              "Seit",
	"Sales":                                              "Verkäufe",
	"Open sales (next close)":                            "Offene Verkäufe (nächster Abschluss)",
	"Cancelled sales":                                    "Stornierte Verkäufe",
	"Total taken":                                        "Umsatz",
	"of which tax":                                       "davon USt.",
	"Net at %s":                                          "Netto %s",
	"Tax at %s":                                          "USt. %s",
	"%s in %d payments":                                  "%s in %d Zahlungen",
	"%s in 1 payment":                                    "%s in 1 Zahlung",
	"Tips (owed to staff)":                               "Trinkgeld (für das Personal)",
	"Not captured yet":                                   "Noch nicht eingezogen",
	"%d authorised payments: capture them within two days, or the money is not taken": "%d autorisierte Zahlungen: innerhalb von zwei Tagen einziehen, sonst verfällt das Geld",
	"Refunds":                      "Erstattungen",
	"Opening float":                "Wechselgeld (Anfangsbestand)",
	"Cash in":                      "Einlagen",
	"Cash out":                     "Entnahmen",
	"Cash sales":                   "Barumsatz",
	"Cash refunds":                 "Bar erstattet",
	"Cash expected":                "Bar erwartet",
	"Cash counted":                 "Bar gezählt",
	"Difference":                   "Differenz",
	"Cash over":                    "Kassenüberschuss",
	"Cash short":                   "Kassenfehlbetrag",
	"not counted":                  "nicht gezählt",
	"Left in the drawer":           "Verbleibt in der Kasse",
	"From the last close":          "Aus dem letzten Abschluss",
	"Takings to the bank":          "Zur Bank gebracht",
	"Stripe fees":                  "Stripe-Gebühren",
	"none: no card or QR payments": "keine: keine Karten- oder QR-Zahlungen",
	"%s on %d of %d card and QR payments; the rest once Stripe's statement is imported or fetched": "%s auf %d von %d Karten- und QR-Zahlungen; der Rest, sobald Stripes Auszug importiert oder abgerufen ist",
	"known once Stripe's statement is imported or fetched":                                         "bekannt, sobald Stripes Auszug importiert oder abgerufen ist",
	"Cash counted by denomination":                                                                 "Bargeld nach Stückelung",
	"Printer test":                                                                                 "Druckertest",
	"This printer works.":                                                                          "Dieser Drucker funktioniert.",
	"Characters: € ä ö ü ß Ä Ö Ü é":                                                                "Zeichen: € ä ö ü ß Ä Ö Ü é",
	"To pay":                           "Zu zahlen",
	"Paid":                             "Bezahlt",
	"Welcome":                          "Willkommen",
	"Scan to pay":                      "Zum Bezahlen scannen",
	"of which tip":                     "davon Trinkgeld",
	"Paid — thank you":                 "Bezahlt — vielen Dank",
	"… and %d more":                    "… und %d weitere",
	"Still to pay: %s":                 "Noch zu zahlen: %s",
	"Scan to pay %s with your phone":   "Scannen Sie, um %s mit dem Handy zu zahlen",
	"Please pay %s on the card reader": "Bitte zahlen Sie %s am Kartenleser",
}
