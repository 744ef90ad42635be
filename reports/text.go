package reports

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"tally/domain"
)

// A spreadsheet that re-saves a Stripe CSV changes more than the dates:
// Excel writes "CSV" in the computer's ANSI code page (Windows-1252 in
// Western Europe), separates fields with ';' where the decimal mark is a
// comma, and its "Unicode Text" choice writes UTF-16 with tabs. This file
// turns all of those back into the UTF-8, one-separator text the reader
// expects.

// cp1252High maps Windows-1252's bytes 0x80–0x9F; the other bytes are the
// Unicode code points of the same number (Latin-1). The five bytes the code
// page leaves undefined map to themselves, as Windows does.
var cp1252High = [32]rune{
	'€', 0x81, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0x8d, 'Ž', 0x8f,
	0x90, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0x9d, 'ž', 'Ÿ',
}

// fixEncoding returns s as UTF-8: s itself when it is valid UTF-8, else s
// read as Windows-1252. A file is in one encoding or the other; text in
// Windows-1252 that is also valid UTF-8 needs two or more accented letters
// in a row forming a UTF-8 sequence, which real words do not.
func fixEncoding(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	b := make([]byte, 0, len(s)+len(s)/2)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c < 0x80:
			b = append(b, c)
		case c < 0xa0:
			b = utf8.AppendRune(b, cp1252High[c-0x80])
		default:
			b = utf8.AppendRune(b, rune(c))
		}
	}
	return string(b)
}

// utf16Reader turns UTF-16 text (after its byte order mark) into UTF-8.
type utf16Reader struct {
	r         *bufio.Reader
	bigEndian bool
	out       []byte // converted, not yet returned
	units     []uint16
	err       error
}

func newUTF16Reader(r *bufio.Reader, bigEndian bool) *utf16Reader {
	return &utf16Reader{r: r, bigEndian: bigEndian}
}

func (u *utf16Reader) Read(p []byte) (int, error) {
	for len(u.out) == 0 {
		if u.err != nil {
			return 0, u.err
		}
		u.fill()
	}
	n := copy(p, u.out)
	u.out = u.out[n:]
	return n, nil
}

// fill converts the next chunk of code units, keeping a surrogate pair
// that the chunk would split for the next call.
func (u *utf16Reader) fill() {
	var buf [8 << 10]byte
	n, err := io.ReadFull(u.r, buf[:])
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = io.EOF
	}
	for i := 0; i+1 < n; i += 2 {
		if u.bigEndian {
			u.units = append(u.units, uint16(buf[i])<<8|uint16(buf[i+1]))
		} else {
			u.units = append(u.units, uint16(buf[i+1])<<8|uint16(buf[i]))
		}
	}
	if n%2 == 1 {
		// An odd byte count: the file is cut inside a character.
		u.units = append(u.units, utf8.RuneError)
	}
	keep := 0
	if err == nil && len(u.units) > 0 && utf16.IsSurrogate(rune(u.units[len(u.units)-1])) {
		keep = 1
	}
	u.out = u.out[:0]
	for _, r := range utf16.Decode(u.units[:len(u.units)-keep]) {
		u.out = utf8.AppendRune(u.out, r)
	}
	u.units = append(u.units[:0], u.units[len(u.units)-keep:]...)
	u.err = err
}

// separator guesses a CSV file's field separator from its first line:
// whichever of ',', ';' and tab occurs most outside quotes, ',' when none
// does. A Stripe header has several columns, so the separator is never
// absent from it.
func separator(head []byte) rune {
	if i := bytes.IndexAny(head, "\r\n"); i >= 0 {
		head = head[:i]
	}
	var commas, semis, tabs int
	quoted := false
	for _, c := range head {
		switch c {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				commas++
			}
		case ';':
			if !quoted {
				semis++
			}
		case '\t':
			if !quoted {
				tabs++
			}
		}
	}
	switch {
	case semis > commas && semis >= tabs:
		return ';'
	case tabs > commas && tabs > semis:
		return '\t'
	}
	return ','
}

// plainAmount says whether v has only the characters Stripe writes in an
// amount, so that it needs no cleaning.
func plainAmount(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < '0' || c > '9') && c != '.' && c != '-' {
			return false
		}
	}
	return true
}

// stripCurrency removes what a spreadsheet's currency format adds to an
// amount it re-saves: a symbol before or after it ("$1,294.80",
// "1.294,80 €", "HK$12.00", "-$5.00", "($5.00)"), the currency's code
// ("EUR 12.00"), and a typographic minus. A code that is not the row's
// currency is an error: the amount would be read in the wrong currency.
func stripCurrency(v string, cur domain.Currency) (string, error) {
	s := strings.TrimSpace(strings.ReplaceAll(v, "\u2212", "-"))
	paren := len(s) > 2 && s[0] == '(' && s[len(s)-1] == ')'
	if paren {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	neg := false
	take := func() {
		if strings.HasPrefix(s, "-") {
			neg, s = true, strings.TrimSpace(s[1:])
		}
	}
	take()
	var err error
	if s, err = trimMoneyMark(s, cur, true); err != nil {
		return v, err
	}
	take()
	if s, err = trimMoneyMark(s, cur, false); err != nil {
		return v, err
	}
	if strings.HasSuffix(s, "-") { // "12.00-", as some ledgers write
		neg, s = true, strings.TrimSpace(s[:len(s)-1])
	}
	switch {
	case paren:
		s = "(" + s + ")"
	case neg:
		s = "-" + s
	}
	return s, nil
}

// trimMoneyMark removes one currency code or symbol (with up to three
// letters before it, as in "HK$") from the start (front) or the end of s.
func trimMoneyMark(s string, cur domain.Currency, front bool) (string, error) {
	// A code: "EUR 12.00", "12.00 EUR", "EUR12.00".
	if len(s) > 3 {
		code, rest := s[:3], strings.TrimSpace(s[3:])
		next := s[3]
		if !front {
			code, rest = s[len(s)-3:], strings.TrimSpace(s[:len(s)-3])
			next = s[len(s)-4]
		}
		if isLetters(code) && !isLetters(string(next)) {
			if c, err := domain.CurrencyOf(code); err == nil {
				if c != cur {
					return s, domain.Errorf(domain.EINVALID, "the amount is in %s but the row's currency is %s", c.Code(), cur.Code())
				}
				return rest, nil
			}
		}
	}
	// A symbol: "$", "€", "HK$", "US$".
	if front {
		i := 0
		for i < len(s) && i < 3 && isLetters(s[i:i+1]) {
			i++
		}
		if r, n := utf8.DecodeRuneInString(s[i:]); unicode.Is(unicode.Sc, r) {
			return strings.TrimSpace(s[i+n:]), nil
		}
		return s, nil
	}
	if r, n := utf8.DecodeLastRuneInString(s); unicode.Is(unicode.Sc, r) {
		return strings.TrimSpace(s[:len(s)-n]), nil
	}
	return s, nil
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return s != ""
}
