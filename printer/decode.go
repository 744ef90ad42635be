package printer

import (
	"bytes"
	"fmt"

	"golang.org/x/text/encoding/charmap"
)

// Printed is what an ESC/POS stream prints, read back by Decode: the
// fake printer's record, and what the picture of a receipt is drawn from.
type Printed struct {
	Lines    []PrintedLine
	CodePage int // the ESC t table last chosen; -1 when none was
	Cuts     int
	Kicks    int // drawer pulses
	QRs      []string
	Logos    int // raster images
	Status   int // DLE EOT requests
	Inits    int
}

// PrintedLine is one line as printed, with its style.
type PrintedLine struct {
	Text  string
	Align int // 0 left, 1 centre, 2 right
	Bold  bool
	Large bool
	QR    string // a QR code printed at this place
	Logo  *Raster
}

// Raster is a printed bit image: W×H dots, rows of (W+7)/8 bytes.
type Raster struct {
	W, H int
	Bits []byte
}

// Text is the printed lines joined with newlines.
func (p Printed) Text() string {
	var b bytes.Buffer
	for i, l := range p.Lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l.Text)
	}
	return b.String()
}

// Decode reads an ESC/POS stream as a printer would, for the commands
// Encode writes; any other command is an error naming its offset, so a
// test finds a stray byte.
func Decode(data []byte) (Printed, error) {
	p := Printed{CodePage: -1}
	var cur bytes.Buffer
	align, bold, large := 0, false, false
	flush := func() {
		p.Lines = append(p.Lines, PrintedLine{Text: decodeText(cur.Bytes(), p.CodePage), Align: align, Bold: bold, Large: large})
		cur.Reset()
	}
	need := func(i, n int) error {
		if i+n > len(data) {
			return fmt.Errorf("offset %d: command cut short", i)
		}
		return nil
	}
	var qr string
	for i := 0; i < len(data); {
		c := data[i]
		switch {
		case c == lf:
			flush()
			i++
		case c == esc:
			if err := need(i, 2); err != nil {
				return p, err
			}
			switch data[i+1] {
			case '@':
				p.Inits++
				align, bold, large = 0, false, false
				i += 2
			case 't', 'a', 'E', 'd':
				if err := need(i, 3); err != nil {
					return p, err
				}
				v := int(data[i+2])
				switch data[i+1] {
				case 't':
					p.CodePage = v
				case 'a':
					align = v
				case 'E':
					bold = v == 1
				case 'd':
					for range v {
						flush()
					}
				}
				i += 3
			case 'p':
				if err := need(i, 5); err != nil {
					return p, err
				}
				p.Kicks++
				i += 5
			default:
				return p, fmt.Errorf("offset %d: unknown command ESC %#x", i, data[i+1])
			}
		case c == gs:
			if err := need(i, 2); err != nil {
				return p, err
			}
			switch data[i+1] {
			case '!':
				if err := need(i, 3); err != nil {
					return p, err
				}
				large = data[i+2] != 0
				i += 3
			case 'V':
				if err := need(i, 3); err != nil {
					return p, err
				}
				n := 3
				if data[i+2] == 65 || data[i+2] == 66 {
					n = 4
				}
				p.Cuts++
				i += n
			case 'v':
				if err := need(i, 8); err != nil {
					return p, err
				}
				bw := int(data[i+4]) | int(data[i+5])<<8
				h := int(data[i+6]) | int(data[i+7])<<8
				if err := need(i+8, bw*h); err != nil {
					return p, err
				}
				r := &Raster{W: bw * 8, H: h, Bits: append([]byte(nil), data[i+8:i+8+bw*h]...)}
				p.Logos++
				p.Lines = append(p.Lines, PrintedLine{Align: align, Logo: r})
				i += 8 + bw*h
			case '(':
				if err := need(i, 5); err != nil {
					return p, err
				}
				n := int(data[i+3]) | int(data[i+4])<<8
				if err := need(i+5, n); err != nil {
					return p, err
				}
				args := data[i+5 : i+5+n]
				if len(args) >= 3 && args[0] == '1' && args[1] == 'P' {
					qr = string(args[3:])
				}
				if len(args) >= 2 && args[0] == '1' && args[1] == 'Q' {
					p.QRs = append(p.QRs, qr)
					p.Lines = append(p.Lines, PrintedLine{Align: align, QR: qr})
				}
				i += 5 + n
			default:
				return p, fmt.Errorf("offset %d: unknown command GS %#x", i, data[i+1])
			}
		case c == dle:
			if err := need(i, 3); err != nil {
				return p, err
			}
			if data[i+1] != eot {
				return p, fmt.Errorf("offset %d: unknown command DLE %#x", i, data[i+1])
			}
			p.Status++
			i += 3
		case c < 0x20:
			return p, fmt.Errorf("offset %d: unexpected control byte %#x", i, c)
		default:
			cur.WriteByte(c)
			i++
		}
	}
	if cur.Len() > 0 {
		flush()
	}
	return p, nil
}

// decodeText reads printed bytes in the code page chosen: PC858, or
// plain ASCII (anything else shown as "?").
func decodeText(b []byte, page int) string {
	var out []rune
	for _, c := range b {
		switch {
		case c < 0x80:
			out = append(out, rune(c))
		case page == codePage858:
			out = append(out, charmap.CodePage858.DecodeByte(c))
		default:
			out = append(out, '?')
		}
	}
	return string(out)
}
