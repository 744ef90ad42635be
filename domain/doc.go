package domain

import (
	"strings"
)

// Align is where a document line sits on the paper.
type Align int

// Alignments.
const (
	AlignLeft Align = iota
	AlignCenter
	AlignRight
)

// DocLine is one line of a printed document: text, or a rule, or a QR
// code. Printers style it (bold, large, centred); PDFs and screens take
// its Text.
type DocLine struct {
	Text  string
	Right string // set: flush with the right edge, Text on the left
	Align Align
	Bold  bool
	Large bool   // double width and height: the total, the shop's name
	Rule  bool   // a line across the paper
	QR    string // when set, a QR code of this text (Text is printed under it)
}

// Doc is a document laid out for a paper width in characters (a receipt
// printer's line, or a PDF's).
type Doc struct {
	Title string
	Width int
	Lines []DocLine
	// Logo, when set, is printed above the document (PNG), by printers
	// that print pictures.
	Logo []byte
}

// docBuilder adds lines to a Doc.
type docBuilder struct{ d *Doc }

func (b docBuilder) text(t string) { b.d.Lines = append(b.d.Lines, DocLine{Text: t}) }
func (b docBuilder) center(t string) {
	b.d.Lines = append(b.d.Lines, DocLine{Text: t, Align: AlignCenter})
}
func (b docBuilder) blank() { b.d.Lines = append(b.d.Lines, DocLine{}) }
func (b docBuilder) rule()  { b.d.Lines = append(b.d.Lines, DocLine{Rule: true}) }

// pair writes left and right on one line, the right flush with the edge;
// a left too long for both wraps onto its own line first.
func (b docBuilder) pair(left, right string, bold bool) {
	w := b.d.Width
	l, r := len([]rune(left)), len([]rune(right))
	if l+r+1 > w {
		for _, part := range wrapText(left, w) {
			b.d.Lines = append(b.d.Lines, DocLine{Text: part, Bold: bold})
		}
		b.d.Lines = append(b.d.Lines, DocLine{Text: strings.Repeat(" ", max(w-r, 0)) + right, Bold: bold})
		return
	}
	b.d.Lines = append(b.d.Lines, DocLine{Text: left, Right: right, Bold: bold})
}

// Laid is the line's text laid out in w characters: Text, then Right
// flush with the edge (on a line of its own when both do not fit).
func (l DocLine) Laid(w int) []string {
	if l.Right == "" {
		return []string{l.Text}
	}
	n, r := len([]rune(l.Text)), len([]rune(l.Right))
	if n+r+1 > w {
		return []string{l.Text, strings.Repeat(" ", max(w-r, 0)) + l.Right}
	}
	return []string{l.Text + strings.Repeat(" ", w-n-r) + l.Right}
}

// wrapText breaks text into lines of at most w characters at spaces
// (a word longer than w is cut).
func wrapText(text string, w int) []string {
	if w <= 0 {
		return []string{text}
	}
	var out []string
	var cur []rune
	for _, word := range strings.Fields(text) {
		rw := []rune(word)
		for len(rw) > w {
			if len(cur) > 0 {
				out = append(out, string(cur))
				cur = nil
			}
			out = append(out, string(rw[:w]))
			rw = rw[w:]
		}
		switch {
		case len(cur) == 0:
			cur = rw
		case len(cur)+1+len(rw) <= w:
			cur = append(append(cur, ' '), rw...)
		default:
			out = append(out, string(cur))
			cur = rw
		}
	}
	if len(cur) > 0 || len(out) == 0 {
		out = append(out, string(cur))
	}
	return out
}

// PlainLines writes the document as text lines of its width, centred
// and right-aligned lines padded with spaces: for a PDF or a screen.
func (d Doc) PlainLines() []string {
	var out []string
	for _, l := range d.Lines {
		switch {
		case l.Rule:
			out = append(out, strings.Repeat("-", d.Width))
		case l.QR != "":
			out = append(out, "[QR] "+l.QR)
		case l.Right != "":
			out = append(out, l.Laid(d.Width)...)
		default:
			for _, part := range wrapText(l.Text, d.Width) {
				if strings.TrimSpace(l.Text) == "" {
					part = ""
				}
				if l.Text != "" && len([]rune(l.Text)) <= d.Width {
					part = l.Text // keep the spacing laid out
				}
				n := len([]rune(part))
				switch l.Align {
				case AlignCenter:
					part = strings.Repeat(" ", max((d.Width-n)/2, 0)) + part
				case AlignRight:
					part = strings.Repeat(" ", max(d.Width-n, 0)) + part
				}
				out = append(out, strings.TrimRight(part, " "))
				if l.Text != "" && len([]rune(l.Text)) <= d.Width {
					break
				}
			}
		}
	}
	return out
}
