package reports

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/skip2/go-qrcode"
)

// WritePDF writes lines of text as a plain PDF (A4, Courier, so columns
// line up), as many pages as they need, with title in bold at the top of
// the first. A line "[QR] text" (domain.Doc's QR line) is drawn as a QR
// code of text. It uses only the PDF's standard fonts: nothing is
// embedded, every reader shows it, and Tally needs no PDF library for a
// receipt.
func WritePDF(w io.Writer, title string, lines []string) error {
	const (
		margin  = 56
		size    = 10
		leading = 13
		qrSide  = 160
	)
	var contents [][]byte
	var c bytes.Buffer
	y := pdfPageH - margin
	newPage := func() {
		contents = append(contents, append([]byte(nil), c.Bytes()...))
		c.Reset()
		y = pdfPageH - margin
	}
	if title != "" {
		fmt.Fprintf(&c, "BT /F2 %d Tf %d %d Td (%s) Tj ET\n", size+4, margin, y, pdfText(title))
		y -= 2 * leading
	}
	for _, l := range lines {
		if text, ok := strings.CutPrefix(l, "[QR] "); ok {
			q, err := qrcode.New(text, qrcode.Medium)
			if err != nil {
				return fmt.Errorf("draw the QR code: %w", err)
			}
			if y-qrSide < margin {
				newPage()
			}
			drawQR(&c, q.Bitmap(), float64(margin), float64(y), qrSide)
			y -= qrSide + leading
			continue
		}
		if y-leading < margin {
			newPage()
		}
		fmt.Fprintf(&c, "BT /F1 %d Tf %d %d Td (%s) Tj ET\n", size, margin, y, pdfText(l))
		y -= leading
	}
	newPage()
	return writePages(w, contents)
}

// drawQR draws a QR code's modules as black squares, side points wide,
// its top left corner at (x, top).
func drawQR(c *bytes.Buffer, bits [][]bool, x, top float64, side int) {
	cell := float64(side) / float64(len(bits))
	c.WriteString("0 0 0 rg\n")
	for r, row := range bits {
		for col, dark := range row {
			if dark {
				fmt.Fprintf(c, "%.3f %.3f %.3f %.3f re\n", x+float64(col)*cell, top-float64(r+1)*cell, cell, cell)
			}
		}
	}
	c.WriteString("f\n")
}

// A4 in points.
const pdfPageW, pdfPageH = 595, 842

// writePages writes a PDF of A4 pages drawn by contents, with Courier (F1)
// and Courier-Bold (F2) at hand.
func writePages(w io.Writer, contents [][]byte) error {
	var buf bytes.Buffer
	var offsets []int
	obj := func(body string) {
		offsets = append(offsets, buf.Len())
		fmt.Fprintf(&buf, "%d 0 obj\n%s\nendobj\n", len(offsets), body)
	}
	buf.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	// 1 catalog, 2 pages, 3 Courier, 4 Courier-Bold, then page and content pairs.
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	kids := make([]string, len(contents))
	for i := range contents {
		kids[i] = fmt.Sprintf("%d 0 R", 5+2*i)
	}
	obj(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(contents)))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>")
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Courier-Bold /Encoding /WinAnsiEncoding >>")
	for i, c := range contents {
		obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>",
			pdfPageW, pdfPageH, 6+2*i))
		obj(fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", len(c), c))
	}
	xref := buf.Len()
	fmt.Fprintf(&buf, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&buf, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&buf, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	_, err := w.Write(buf.Bytes())
	return err
}

// WriteQRSheet writes one A4 page for a customer at the counter: title in
// bold, the lines, then url as a large QR code (drawn as squares, sharp at
// any printer's resolution) with url written under it.
func WriteQRSheet(w io.Writer, title string, lines []string, url string) error {
	q, err := qrcode.New(url, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("draw the QR code: %w", err)
	}
	const margin, leading = 56, 16
	var c bytes.Buffer
	y := pdfPageH - margin
	fmt.Fprintf(&c, "BT /F2 20 Tf %d %d Td (%s) Tj ET\n", margin, y, pdfText(title))
	y -= 2 * leading
	fmt.Fprintf(&c, "BT /F1 12 Tf %d TL %d %d Td\n", leading, margin, y)
	for _, l := range lines {
		fmt.Fprintf(&c, "(%s) Tj T*\n", pdfText(l))
	}
	c.WriteString("ET\n")
	y -= leading * (len(lines) + 1)
	side := 360
	drawQR(&c, q.Bitmap(), float64(pdfPageW-side)/2, float64(y), side) // with its quiet zone
	y -= side + 2*leading
	// The address, in lines short enough for the page.
	fmt.Fprintf(&c, "BT /F1 9 Tf 12 TL %d %d Td\n", margin, y)
	for rest := url; rest != ""; {
		n := min(len(rest), 78)
		fmt.Fprintf(&c, "(%s) Tj T*\n", pdfText(rest[:n]))
		rest = rest[n:]
	}
	c.WriteString("ET\n")
	return writePages(w, [][]byte{c.Bytes()})
}

// pdfText turns UTF-8 into a PDF string in WinAnsi encoding, escaped.
func pdfText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case r >= 0xa0 && r <= 0xff:
			fmt.Fprintf(&b, "\\%03o", r)
		default:
			if c, ok := winAnsi[r]; ok {
				fmt.Fprintf(&b, "\\%03o", c)
			} else {
				b.WriteByte('?')
			}
		}
	}
	return b.String()
}

// winAnsi maps the characters of Windows-1252's 0x80-0x9F block that
// receipts use.
var winAnsi = map[rune]byte{'€': 0x80, '…': 0x85, '•': 0x95, '–': 0x96, '—': 0x97, '−': '-', '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94}
