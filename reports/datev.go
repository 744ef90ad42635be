package reports

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"tally/domain"
)

// A DATEV "Buchungsstapel" (DATEV-Format, EXTF header version 700, format
// category 21, format version 13), as DATEV's format description on
// developer.datev.de sets it out: a header line of 31 fields, a line of the
// 125 column headings, then one booking a line; ';' between fields, text in
// double quotes, CRLF, Windows-1252. An amount is positive with a decimal
// comma; the debit/credit flag says which side Konto takes, Gegenkonto the
// other.

// datevColumns are the headings of the batch's 125 columns, in DATEV's order.
var datevColumns = [125]string{
	"Umsatz (ohne Soll/Haben-Kz)", "Soll/Haben-Kennzeichen", "WKZ Umsatz", "Kurs", "Basis-Umsatz", "WKZ Basis-Umsatz",
	"Konto", "Gegenkonto (ohne BU-Schlüssel)", "BU-Schlüssel", "Belegdatum", "Belegfeld 1", "Belegfeld 2", "Skonto",
	"Buchungstext", "Postensperre", "Diverse Adressnummer", "Geschäftspartnerbank", "Sachverhalt", "Zinssperre", "Beleglink",
	"Beleginfo - Art 1", "Beleginfo - Inhalt 1", "Beleginfo - Art 2", "Beleginfo - Inhalt 2",
	"Beleginfo - Art 3", "Beleginfo - Inhalt 3", "Beleginfo - Art 4", "Beleginfo - Inhalt 4",
	"Beleginfo - Art 5", "Beleginfo - Inhalt 5", "Beleginfo - Art 6", "Beleginfo - Inhalt 6",
	"Beleginfo - Art 7", "Beleginfo - Inhalt 7", "Beleginfo - Art 8", "Beleginfo - Inhalt 8",
	"KOST1 - Kostenstelle", "KOST2 - Kostenstelle", "Kost-Menge", "EU-Land u. UStID (Bestimmung)", "EU-Steuersatz (Bestimmung)",
	"Abw. Versteuerungsart", "Sachverhalt L+L", "Funktionsergänzung L+L", "BU 49 Hauptfunktionstyp",
	"BU 49 Hauptfunktionsnummer", "BU 49 Funktionsergänzung",
	// 48–87: twenty pairs of Zusatzinformation, filled in by init.
	"Stück", "Gewicht", "Zahlweise", "Forderungsart", "Veranlagungsjahr", "Zugeordnete Fälligkeit", "Skontotyp",
	"Auftragsnummer", "Buchungstyp", "USt-Schlüssel (Anzahlungen)", "EU-Land (Anzahlungen)", "Sachverhalt L+L (Anzahlungen)",
	"EU-Steuersatz (Anzahlungen)", "Erlöskonto (Anzahlungen)", "Herkunft-Kz", "Buchungs GUID", "KOST-Datum",
	"SEPA-Mandatsreferenz", "Skontosperre", "Gesellschaftername", "Beteiligtennummer", "Identifikationsnummer",
	"Zeichnernummer", "Postensperre bis", "Bezeichnung SoBil-Sachverhalt", "Kennzeichen SoBil-Buchung",
	"Festschreibung", "Leistungsdatum", "Datum Zuord. Steuerperiode", "Fälligkeit", "Generalumkehr (GU)",
	"Steuersatz", "Land", "Abrechnungsreferenz", "BVV-Position", "EU-Land u. UStID (Ursprung)",
	"EU-Steuersatz (Ursprung)", "Abw. Skontokonto",
}

func init() {
	// The Zusatzinformation pairs sit at columns 48–87: shift the rest up.
	const at, pairs = 47, 20
	copy(datevColumns[at+2*pairs:], datevColumns[at:len(datevColumns)-2*pairs])
	for i := 0; i < pairs; i++ {
		datevColumns[at+2*i] = fmt.Sprintf("Zusatzinformation - Art %d", i+1)
		datevColumns[at+2*i+1] = fmt.Sprintf("Zusatzinformation- Inhalt %d", i+1)
	}
}

// DATEVColumns returns the batch's column headings (for tests that read a
// batch back).
func DATEVColumns() []string { return datevColumns[:] }

// Columns of a booking the writer fills (0-based).
const (
	dvAmount    = 0
	dvSide      = 1
	dvCurrency  = 2
	dvAccount   = 6
	dvContra    = 7
	dvDate      = 9
	dvDoc1      = 10
	dvText      = 13
	dvInfoKind1 = 20
	dvInfo1     = 21
	dvLock      = 113
)

// datevTextColumns are the columns written in quotes.
var datevTextColumns = map[int]bool{dvSide: true, dvCurrency: true, 8: true, dvDoc1: true, 11: true, dvText: true, dvInfoKind1: true, dvInfo1: true}

// DATEVWriter writes journal entries as a DATEV batch. An entry of n
// postings becomes n-1 bookings, each posting against the entry's largest
// one; bookings between two Tally accounts that DATEV names alike cancel
// out and are left out.
type DATEVWriter struct {
	w        *bufio.Writer
	enc      *charmap.Charmap
	opt      domain.ExportOptions
	accounts map[string]string // Tally code → DATEV account
	err      error
	fields   [125]string
	n        int
}

// NewDATEVWriter writes the header lines of a batch of opt's period.
func NewDATEVWriter(w io.Writer, opt domain.ExportOptions, accounts []domain.LedgerAccount) (*DATEVWriter, error) {
	d := opt.DATEV.WithDefaults()
	if err := d.Validate(); err != nil {
		return nil, err
	}
	if opt.From.IsZero() || opt.To.IsZero() {
		return nil, fmt.Errorf("a DATEV batch needs its period")
	}
	dw := &DATEVWriter{w: bufio.NewWriterSize(w, 64<<10), enc: charmap.Windows1252, opt: opt, accounts: map[string]string{}}
	for _, a := range accounts {
		acct, err := d.AccountFor(a.Code)
		if err != nil {
			return nil, err
		}
		dw.accounts[a.Code] = acct
	}
	now := opt.Now
	currency := opt.Currency
	if currency == "" {
		currency = "EUR"
	}
	label := "Stripe " + opt.From.Format("01/2006")
	if opt.To.Sub(opt.From).Hours() > 24*32 {
		label = "Stripe " + opt.From.Format("2006")
	}
	header := []string{
		q("EXTF"), "700", "21", q("Buchungsstapel"), "13",
		now.Format("20060102150405") + fmt.Sprintf("%03d", now.Nanosecond()/1e6),
		"", q("TA"), q("Tally"), q(""),
		strconv.Itoa(d.Consultant), strconv.Itoa(d.Client),
		d.FinancialYear(opt.From).Format("20060102"), strconv.Itoa(d.AccountLength),
		opt.From.Format("20060102"), opt.To.AddDate(0, 0, -1).Format("20060102"),
		q(clip(label, 30)), q(""), "1", "0", "0", q(currency),
		"", q(""), "", "", q(d.Chart), "", "", q(""), q(""),
	}
	dw.line(header)
	heads := make([]string, len(datevColumns))
	for i, h := range datevColumns {
		heads[i] = h
	}
	dw.line(heads)
	return dw, dw.err
}

func q(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// clip cuts s to n characters.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n])
}

// line writes fields in Windows-1252, a character it lacks as '?'.
func (dw *DATEVWriter) line(fields []string) {
	if dw.err != nil {
		return
	}
	for i, f := range fields {
		if i > 0 {
			dw.w.WriteByte(';')
		}
		for _, r := range f {
			if r < utf8.RuneSelf {
				dw.w.WriteByte(byte(r))
			} else if b, ok := dw.enc.EncodeRune(r); ok {
				dw.w.WriteByte(b)
			} else {
				dw.w.WriteByte('?')
			}
		}
	}
	_, dw.err = dw.w.WriteString("\r\n")
}

// datevDoc keeps what DATEV allows in Belegfeld 1 (letters, digits and
// $ & % * + - /), at most 36 characters, the end kept: "ch_3Q…" → "ch-3Q…".
func datevDoc(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune("$&%*+-/", r):
			b.WriteRune(r)
		case r == '_' || r == ' ' || r == '#' || r == '.':
			b.WriteByte('-')
		}
	}
	out := b.String()
	if len(out) > 36 {
		out = out[len(out)-36:]
	}
	return out
}

// Write writes an entry's bookings.
func (dw *DATEVWriter) Write(e domain.Entry) error {
	if dw.err != nil {
		return dw.err
	}
	pivot := 0
	for i, p := range e.Postings {
		if abs(p.Amount) > abs(e.Postings[pivot].Amount) {
			pivot = i
		}
	}
	contra, ok := dw.accounts[e.Postings[pivot].Account]
	if !ok {
		return fmt.Errorf("entry %d: unknown account %s", e.ID, e.Postings[pivot].Account)
	}
	day := e.Date.In(dw.opt.Location)
	if dw.opt.Location == nil {
		day = e.Date.UTC()
	}
	doc := datevDoc(e.LineKey)
	if doc == "" {
		doc = "TALLY-" + strconv.FormatInt(e.ID, 10)
	}
	for i, p := range e.Postings {
		if i == pivot || p.Amount == 0 {
			continue
		}
		acct, ok := dw.accounts[p.Account]
		if !ok {
			return fmt.Errorf("entry %d: unknown account %s", e.ID, p.Account)
		}
		if acct == contra {
			continue // both sides on one DATEV account: no movement there
		}
		f := &dw.fields
		for j := range f {
			f[j] = ""
		}
		f[dvAmount] = strings.Replace(domain.FormatAmount(abs(p.Amount), e.Currency.Exponent()), ".", ",", 1)
		if e.Currency.Exponent() == 0 {
			f[dvAmount] += ",00"
		}
		if p.Amount > 0 {
			f[dvSide] = "S"
		} else {
			f[dvSide] = "H"
		}
		f[dvCurrency] = e.Currency.Code()
		f[dvAccount], f[dvContra] = acct, contra
		f[dvDate] = day.Format("0201")
		f[dvDoc1] = doc
		f[dvText] = clip(e.Description, 60)
		if e.LineKey != "" {
			f[dvInfoKind1], f[dvInfo1] = "Stripe", clip(e.LineKey, 210)
		}
		f[dvLock] = "0"
		out := make([]string, len(f))
		for j, v := range f {
			if datevTextColumns[j] && v != "" {
				v = q(v)
			}
			out[j] = v
		}
		dw.line(out)
		dw.n++
	}
	return dw.err
}

// Bookings returns how many bookings were written.
func (dw *DATEVWriter) Bookings() int { return dw.n }

// Close flushes the batch.
func (dw *DATEVWriter) Close() error {
	if dw.err != nil {
		return dw.err
	}
	return dw.w.Flush()
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
