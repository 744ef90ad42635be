package reports

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"tally/domain"
)

// workbook builds a minimal XLSX package around a worksheet's XML and,
// when sst is not empty, a shared string table.
func workbook(t testing.TB, sheet, sst string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Report" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="/xl/sharedStrings.xml"/></Relationships>`},
		{"xl/worksheets/sheet1.xml", sheet},
	}
	if sst != "" {
		parts = append(parts, struct{ name, body string }{"xl/sharedStrings.xml", sst})
	}
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, p.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type numberedRow struct {
	Line  int
	Cells []string
}

// rowsOf reads every non-blank row from src.
func rowsOf(src rowSource) ([]numberedRow, error) {
	defer src.close()
	var out []numberedRow
	for {
		cells, line, err := src.next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		if !blank(cells) {
			out = append(out, numberedRow{line, cells})
		}
	}
}

// bothReaders reads data with Tally's sheet reader and with excelize's.
func bothReaders(t testing.TB, data []byte) (ours, theirs []numberedRow, oursErr, theirsErr error) {
	t.Helper()
	src, err := openPackage(data, 64<<20)
	if err == errUnusualPackage {
		t.Fatalf("the package was not read by the sheet reader")
	}
	if err != nil {
		oursErr = err
	} else {
		ours, oursErr = rowsOf(src)
	}
	xsrc, err := openExcelize(data, 64<<20)
	if err != nil {
		theirsErr = err
	} else {
		theirs, theirsErr = rowsOf(xsrc)
	}
	return
}

func TestSheetReaderMatchesExcelizeOnGoldenFiles(t *testing.T) {
	for _, g := range golden {
		t.Run(g.name, func(t *testing.T) {
			ours, theirs, oerr, terr := bothReaders(t, toXLSX(t, g.content))
			if oerr != nil || terr != nil {
				t.Fatalf("ours: %v, excelize: %v", oerr, terr)
			}
			if len(ours) < 2 || !reflect.DeepEqual(ours, theirs) {
				t.Fatalf("rows differ:\nours    %+v\nexcelize %+v", ours, theirs)
			}
		})
	}
}

const sheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
	`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><dimension ref="A1:E9"/><sheetData>`

const sharedStrings = `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="6" uniqueCount="6">` +
	`<si><t>id</t></si>` +
	`<si><t xml:space="preserve"> Amount </t></si>` +
	`<si><r><rPr><b/></rPr><t>Rich </t></r><r><t>text</t></r><rPh sb="0" eb="1"><t>PHONETIC</t></rPh></si>` +
	`<si><t>line_x000D_break and _x005F_x000D_ literal</t></si>` +
	`<si><t>caf&#233; &amp; &lt;b&gt;</t></si>` +
	`<si/>` +
	`</sst>`

// Each case is a worksheet whose rows both readers must read alike.
var sheetCases = []struct{ name, rows string }{
	{"shared and inline strings", `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>` +
		`<row r="2"><c r="A2" t="inlineStr"><is><t>txn_1</t></is></c><c r="B2" t="inlineStr"><is><r><t>in</t></r><r><t>line</t></r></is></c><c r="C2" t="s"><v>3</v></c><c r="D2" t="s"><v> 4 </v></c><c r="E2" t="s"><v>5</v></c></row>`},
	{"numbers, booleans, errors, dates, formulas", `<row r="1"><c r="A1"><v>14.390000000000001</v></c><c r="B1" t="b"><v>1</v></c><c r="C1" t="e"><v>#N/A</v></c><c r="D1" s="3"><v>45962.5552546296</v></c><c r="E1" t="d"><v>2025-11-02T03:19:33Z</v></c></row>` +
		`<row r="2"><c r="A2"><f>SUM(1,2)</f><v>3</v></c><c r="B2" t="str"><f>"a"&amp;"b"</f><v>ab</v></c><c r="D2"><f>NA()</f></c><c r="E2" t="n"><v>-0.09000000000000001</v></c></row>`},
	{"gaps between columns and rows", `<row r="1"><c r="B1" t="inlineStr"><is><t>b</t></is></c><c r="E1"><v>5</v></c></row><row r="4"><c r="C4"><v>3</v></c></row><row r="7" spans="1:3"><c r="A7"/><c r="B7" t="str"><v></v></c><c r="C7" t="str"><v>x</v></c></row>`},
	{"cells without references", `<row><c t="inlineStr"><is><t>a</t></is></c><c/><c><v>3</v></c></row><row><c><v>4</v></c></row>`},
	{"entities, character references, CDATA, comments", `<row r="1"><!-- a comment --><c r="A1" t="str"><v>a &lt; b &amp;&amp; c &gt; d &quot;q&quot; &apos;s&apos; &#x263A; &#65;</v></c><c r="B1" t="inlineStr"><is><t><![CDATA[<raw> & text]]></t></is></c><?pi data?><c r="C1" t="str"><v>line1
line2&#13;
line3</v></c></row>`},
	{"line ends in text", "<row r=\"1\"><c r=\"A1\" t=\"str\"><v>a\r\nb\rc</v></c></row>"},
	{"prefixed elements", `<x:row r="1" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:c r="A1" t="inlineStr"><x:is><x:t>prefixed</x:t></x:is></x:c><x:c r="B1"><x:v>2</x:v></x:c></x:row>`},
	{"a '>' and quotes inside attribute values", `<row r="1" x14ac:dyDescent="0.25 > 0" note='say "hi"'><c r="A1" s="1" t="str" cm="a>b"><v>v</v></c></row>`},
	{"self-closing rows and unknown children", `<row r="1"/><row r="2"><c r="A2" t="str"><extLst><ext uri="x"><v>not a value</v></ext></extLst><v>real</v></c></row><row r="3" hidden="1"><c r="A3"><v>1</v><v>2</v></c></row>`},
	{"inline string repeated <t>", `<row r="1"><c r="A1" t="inlineStr"><is><t>first</t><t>second</t><r><t>x</t><t>y</t></r></is></c><c r="B1" t="inlineStr"><v>fallback</v></c></row>`},
}

func TestSheetReaderMatchesExcelize(t *testing.T) {
	for _, c := range sheetCases {
		t.Run(c.name, func(t *testing.T) {
			data := workbook(t, sheetHead+c.rows+`</sheetData></worksheet>`, sharedStrings)
			ours, theirs, oerr, terr := bothReaders(t, data)
			if oerr != nil || terr != nil {
				t.Fatalf("ours: %v, excelize: %v", oerr, terr)
			}
			if len(ours) == 0 || !reflect.DeepEqual(ours, theirs) {
				t.Fatalf("rows differ:\nours     %+v\nexcelize %+v", ours, theirs)
			}
		})
	}
}

func TestSheetReaderDetails(t *testing.T) {
	data := workbook(t, sheetHead+sheetCases[0].rows+`</sheetData></worksheet>`, sharedStrings)
	src, err := openPackage(data, 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := rowsOf(src)
	if err != nil {
		t.Fatal(err)
	}
	want := []numberedRow{
		{1, []string{"id", " Amount ", "Rich text"}},
		{2, []string{"txn_1", "inline", "line\rbreak and _x000D_ literal", "café & <b>"}},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("rows = %+v, want %+v", rows, want)
	}
}

func TestSheetReaderBadSheets(t *testing.T) {
	cases := []struct {
		name, sheet, want string
		row               bool // a *ParseError naming the row, not a failure of the file
	}{
		{"ErrTruncated", sheetHead + `<row r="1"><c r="A1" t="str"><v>a`, "breaks off", false},
		{"ErrTruncatedInTag", sheetHead + `<row r="1"><c r="A1" t="st`, "breaks off", false},
		{"ErrMismatchedTags", sheetHead + `<row r="1"><c r="A1"><v>1</c></row></sheetData></worksheet>`, "malformed XML near row 1 (</c> closes <v>)", false},
		{"ErrBareAmpersand", sheetHead + `<row r="1"><c r="A1" t="str"><v>a & b</v></c></row></sheetData></worksheet>`, "bare '&'", false},
		{"ErrUnknownEntity", sheetHead + `<row r="1"><c r="A1" t="str"><v>&nbsp;</v></c></row></sheetData></worksheet>`, "unknown entity &nbsp;", false},
		{"ErrDoctype", `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><worksheet><sheetData></sheetData></worksheet>`, "DOCTYPE", false},
		{"ErrTooManyRows", sheetHead + `<row r="1048577"><c r="A1"><v>1</v></c></row></sheetData></worksheet>`, "above the 1048576 rows", false},
		{"ErrSharedStringIndex", sheetHead + `<row r="3"><c r="A3" t="s"><v>99</v></c></row></sheetData></worksheet>`, "shared string \"99\"", true},
		{"ErrCellReference", sheetHead + `<row r="2"><c r="1A" t="str"><v>x</v></c></row></sheetData></worksheet>`, "cannot be read", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src, err := openPackage(workbook(t, c.sheet, sharedStrings), 64<<20)
			if err == nil {
				_, err = rowsOf(src)
			}
			var pe *domain.ParseError
			if isRow := errors.As(err, &pe); isRow != c.row {
				t.Fatalf("err = %v (a row error: %v)", err, isRow)
			}
			if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(err.Error()+domain.ErrorMessage(err), c.want) {
				t.Fatalf("err = %v (%s), want %q", err, domain.ErrorMessage(err), c.want)
			}
		})
	}
	t.Run("ErrHugeCell", func(t *testing.T) {
		sheet := sheetHead + `<row r="1"><c r="A1" t="str"><v>` + strings.Repeat("x", 10<<20) + `</v></c></row></sheetData></worksheet>`
		src, err := openPackage(workbook(t, sheet, ""), 64<<20)
		if err == nil {
			_, err = rowsOf(src)
		}
		if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), "longer than") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrSharedStringsTruncated", func(t *testing.T) {
		_, err := openPackage(workbook(t, sheetHead+`</sheetData></worksheet>`, sharedStrings[:len(sharedStrings)/2]), 64<<20)
		if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), "shared strings breaks off") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrUnzipLimit", func(t *testing.T) {
		sheet := sheetHead + strings.Repeat(`<row><c t="str"><v>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</v></c></row>`, 40000) + `</sheetData></worksheet>`
		_, err := openPackage(workbook(t, sheet, ""), 1<<20)
		if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), "unpacks to more") {
			t.Fatalf("err = %v", err)
		}
	})
}

// wellFormed reports whether encoding/xml reads doc to its end.
func wellFormed(doc string) bool {
	d := xml.NewDecoder(strings.NewReader(doc))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return true
		}
		if err != nil {
			return false
		}
	}
}

// FuzzSheetReader: on any worksheet encoding/xml finds well-formed, Tally's
// sheet reader gives excelize's rows or a clear error; on any other, a clear
// error. It never panics.
func FuzzSheetReader(f *testing.F) {
	for _, c := range sheetCases {
		f.Add(c.rows)
	}
	f.Fuzz(func(t *testing.T, rows string) {
		doc := sheetHead + rows + `</sheetData></worksheet>`
		data := workbook(t, doc, sharedStrings)
		ours, theirs, oerr, terr := bothReaders(t, data)
		if oerr != nil {
			if domain.ErrorCode(oerr) != domain.EINVALID {
				t.Fatalf("an unexplained error: %v", oerr)
			}
			return
		}
		if !wellFormed(doc) {
			return // excelize stops silently at the first XML error; Tally reads on or fails
		}
		if terr == nil && !reflect.DeepEqual(ours, theirs) {
			t.Fatalf("rows differ:\nours     %+v\nexcelize %+v", ours, theirs)
		}
	})
}
