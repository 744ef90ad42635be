package reports

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// WritePDF writes lines of text as a plain PDF (A4, Courier, so columns
// line up), as many pages as they need, with title in bold at the top of
// the first. It uses only the PDF's standard fonts: nothing is embedded,
// every reader shows it, and Tally needs no PDF library for a receipt.
func WritePDF(w io.Writer, title string, lines []string) error {
	const (
		pageW, pageH = 595, 842 // A4 in points
		margin       = 56
		size         = 10
		leading      = 13
	)
	perPage := (pageH - 2*margin - 2*leading) / leading
	var pages [][]string
	for len(lines) > perPage {
		pages = append(pages, lines[:perPage])
		lines = lines[perPage:]
	}
	pages = append(pages, lines)

	var buf bytes.Buffer
	var offsets []int
	obj := func(body string) {
		offsets = append(offsets, buf.Len())
		fmt.Fprintf(&buf, "%d 0 obj\n%s\nendobj\n", len(offsets), body)
	}
	buf.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	// 1 catalog, 2 pages, 3 Courier, 4 Courier-Bold, then page and content pairs.
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	kids := make([]string, len(pages))
	for i := range pages {
		kids[i] = fmt.Sprintf("%d 0 R", 5+2*i)
	}
	obj(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages)))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>")
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Courier-Bold /Encoding /WinAnsiEncoding >>")
	for i, page := range pages {
		var c bytes.Buffer
		y := pageH - margin
		if i == 0 && title != "" {
			fmt.Fprintf(&c, "BT /F2 %d Tf %d %d Td (%s) Tj ET\n", size+4, margin, y, pdfText(title))
			y -= 2 * leading
		}
		fmt.Fprintf(&c, "BT /F1 %d Tf %d TL %d %d Td\n", size, leading, margin, y)
		for _, l := range page {
			fmt.Fprintf(&c, "(%s) Tj T*\n", pdfText(l))
		}
		c.WriteString("ET\n")
		obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>",
			pageW, pageH, 6+2*i))
		obj(fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", c.Len(), c.String()))
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
