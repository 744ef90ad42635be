package reports

import (
	"archive/zip"
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// xlsxStream writes a workbook of streamed sheets straight into its zip,
// one sheet after the other, in constant memory: each row goes to the
// sheet's compressed zip entry as it comes. excelize, used everywhere else,
// keeps every streamed sheet's buffer (16 MB or more) until the workbook is
// written, which made a million-entry journal over twelve months peak at
// 568 MB. Only what the journal needs is here: inline strings, numbers,
// dates, a bold style, number formats, column widths.
type xlsxStream struct {
	zw     *zip.Writer
	sheets []string
	cur    *bufio.Writer
	row    int
	styles []string // cellXfs after the three fixed ones (default, bold, date)
	fmts   []string // custom number formats, ids from 164
	style  map[string]int
}

// Fixed styles.
const (
	xsDefault = 0
	xsBold    = 1
	xsDate    = 2 // m/d/yyyy as Excel's built-in format 14
)

func newXLSXStream(out io.Writer) *xlsxStream {
	return &xlsxStream{zw: zip.NewWriter(out), style: map[string]int{}}
}

// numberStyle returns the style of a number format such as "#,##0.00".
func (x *xlsxStream) numberStyle(format string) int {
	if id, ok := x.style[format]; ok {
		return id
	}
	x.fmts = append(x.fmts, format)
	id := 3 + len(x.styles)
	x.styles = append(x.styles, fmt.Sprintf(`<xf numFmtId="%d" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>`, 163+len(x.fmts)))
	x.style[format] = id
	return id
}

// xcell is one cell: a string, a number, or a date, with a style.
type xcell struct {
	kind  byte // 's' string, 'n' number, 'd' date, 0 empty
	s     string
	n     float64
	t     time.Time
	style int
}

func xstr(s string) xcell             { return xcell{kind: 's', s: s} }
func xbold(s string) xcell            { return xcell{kind: 's', s: s, style: xsBold} }
func xnum(v float64, style int) xcell { return xcell{kind: 'n', n: v, style: style} }
func xint(v int64) xcell              { return xcell{kind: 'n', n: float64(v)} }
func xdate(t time.Time) xcell         { return xcell{kind: 'd', t: t, style: xsDate} }

// sheet ends the sheet being written and begins the next, with column
// widths (1-based column → width).
func (x *xlsxStream) sheet(name string, widths map[int]float64) error {
	if err := x.endSheet(); err != nil {
		return err
	}
	x.sheets = append(x.sheets, name)
	w, err := x.zw.Create(fmt.Sprintf("xl/worksheets/sheet%d.xml", len(x.sheets)))
	if err != nil {
		return err
	}
	x.cur, x.row = bufio.NewWriterSize(w, 64<<10), 0
	x.cur.WriteString(xmlHead + `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	if len(widths) > 0 {
		x.cur.WriteString("<cols>")
		for col := 1; col <= 64; col++ {
			if wd, ok := widths[col]; ok {
				fmt.Fprintf(x.cur, `<col min="%d" max="%d" width="%g" customWidth="1"/>`, col, col, wd)
			}
		}
		x.cur.WriteString("</cols>")
	}
	x.cur.WriteString("<sheetData>")
	return nil
}

func (x *xlsxStream) endSheet() error {
	if x.cur == nil {
		return nil
	}
	x.cur.WriteString("</sheetData></worksheet>")
	err := x.cur.Flush()
	x.cur = nil
	return err
}

// excelEpoch is day 0 of Excel's 1900 date system (with its 1900 leap-year
// bug, days from 1 March 1900 on count from here).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// write appends a row to the sheet being written.
func (x *xlsxStream) write(cells []xcell) error {
	x.row++
	b := x.cur
	b.WriteString(`<row r="`)
	b.WriteString(strconv.Itoa(x.row))
	b.WriteString(`">`)
	for i, c := range cells {
		if c.kind == 0 {
			continue
		}
		b.WriteString(`<c r="`)
		b.WriteString(columnName(i + 1))
		b.WriteString(strconv.Itoa(x.row))
		b.WriteString(`"`)
		if c.style != 0 {
			b.WriteString(` s="`)
			b.WriteString(strconv.Itoa(c.style))
			b.WriteString(`"`)
		}
		switch c.kind {
		case 's':
			b.WriteString(` t="inlineStr"><is><t xml:space="preserve">`)
			escapeXML(b, c.s)
			b.WriteString(`</t></is></c>`)
		case 'n':
			b.WriteString(`><v>`)
			b.WriteString(strconv.FormatFloat(c.n, 'g', -1, 64))
			b.WriteString(`</v></c>`)
		case 'd':
			d := c.t.UTC().Sub(excelEpoch)
			b.WriteString(`><v>`)
			b.WriteString(strconv.FormatFloat(d.Hours()/24, 'f', -1, 64))
			b.WriteString(`</v></c>`)
		}
	}
	b.WriteString(`</row>`)
	return nil
}

// columnName is 1 → A, 27 → AA.
func columnName(n int) string {
	s := ""
	for n > 0 {
		n--
		s = string(rune('A'+n%26)) + s
		n /= 26
	}
	return s
}

// escapeXML writes s as XML text, leaving out the characters XML 1.0 cannot
// hold (control characters a description might carry).
func escapeXML(b *bufio.Writer, s string) {
	for _, r := range s {
		switch {
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '&':
			b.WriteString("&amp;")
		case r == '"':
			b.WriteString("&quot;")
		case r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r != 0xFFFE && r != 0xFFFF && (r < 0xD800 || r > 0xDFFF)):
			b.WriteRune(r)
		}
	}
}

const xmlHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

// close ends the last sheet and writes the workbook's other parts.
func (x *xlsxStream) close() error {
	if err := x.endSheet(); err != nil {
		return err
	}
	parts := map[string]string{}
	var ct, rels, sheets strings.Builder
	ct.WriteString(xmlHead + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>`)
	rels.WriteString(xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for i, name := range x.sheets {
		n := i + 1
		fmt.Fprintf(&ct, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, n)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, n, n)
		var esc strings.Builder
		bw := bufio.NewWriter(&esc)
		escapeXML(bw, name)
		bw.Flush()
		fmt.Fprintf(&sheets, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, esc.String(), n, n)
	}
	ct.WriteString(`</Types>`)
	fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`, len(x.sheets)+1)
	parts["[Content_Types].xml"] = ct.String()
	parts["_rels/.rels"] = xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	parts["xl/_rels/workbook.xml.rels"] = rels.String()
	parts["xl/workbook.xml"] = xmlHead + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>` +
		sheets.String() + `</sheets></workbook>`
	var st strings.Builder
	st.WriteString(xmlHead + `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	if len(x.fmts) > 0 {
		fmt.Fprintf(&st, `<numFmts count="%d">`, len(x.fmts))
		for i, f := range x.fmts {
			var esc strings.Builder
			bw := bufio.NewWriter(&esc)
			escapeXML(bw, f)
			bw.Flush()
			fmt.Fprintf(&st, `<numFmt numFmtId="%d" formatCode="%s"/>`, 164+i, esc.String())
		}
		st.WriteString(`</numFmts>`)
	}
	st.WriteString(`<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>` +
		`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
		`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
		`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>`)
	fmt.Fprintf(&st, `<cellXfs count="%d"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>`+
		`<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>`+
		`<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>`, 3+len(x.styles))
	st.WriteString(strings.Join(x.styles, ""))
	st.WriteString(`</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`)
	parts["xl/styles.xml"] = st.String()
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"} {
		w, err := x.zw.Create(name)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, parts[name]); err != nil {
			return err
		}
	}
	return x.zw.Close()
}
