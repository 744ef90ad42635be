package reports

import (
	"bufio"
	"bytes"
	"io"
	"unicode/utf16"
	"unicode/utf8"
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
