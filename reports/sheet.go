package reports

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"tally/domain"
)

// The import reads a workbook's first sheet with a reader of its own
// (sheetSource) when the package has the usual shape, and with excelize's
// streaming row reader otherwise (encrypted files, odd packages): excelize
// decodes every cell through encoding/xml, which took 78 % of a 100,000-row
// import. Both give the same rows: a test compares them on every golden
// file and a fuzz test on generated worksheets.

// errUnusualPackage sends a workbook to excelize's reader.
var errUnusualPackage = errors.New("not a plain workbook package")

// maxXMLToken bounds one tag or text run of a sheet: a cell is at most
// maxRecordBytes, with room for entities.
const maxXMLToken = 8 * maxRecordBytes

// openPackage opens an XLSX package held in memory and returns a reader of
// its first sheet's rows, or errUnusualPackage.
func openPackage(data []byte, limit int64) (rowSource, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, errUnusualPackage
	}
	files := make(map[string]*zip.File, len(zr.File))
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > uint64(limit) {
			return nil, xlsxError(excelize.ErrOptionsUnzipSizeLimit)
		}
		files[strings.ToLower(strings.ReplaceAll(f.Name, `\`, "/"))] = f
	}
	wbPath := "xl/workbook.xml"
	if rels, err := readRels(files, "_rels/.rels", limit); err == nil {
		for _, r := range rels {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				wbPath = resolvePart("", r.Target)
			}
		}
	}
	var wb struct {
		Sheets []struct {
			ID string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := readXMLPart(files, wbPath, limit, &wb); err != nil || len(wb.Sheets) == 0 || wb.Sheets[0].ID == "" {
		return nil, errUnusualPackage
	}
	dir := path.Dir(wbPath)
	rels, err := readRels(files, path.Join(dir, "_rels", path.Base(wbPath)+".rels"), limit)
	if err != nil {
		return nil, errUnusualPackage
	}
	var sheetPath, sstPath string
	for _, r := range rels {
		if r.ID == wb.Sheets[0].ID {
			sheetPath = resolvePart(dir, r.Target)
		}
		if strings.HasSuffix(r.Type, "/sharedStrings") {
			sstPath = resolvePart(dir, r.Target)
		}
	}
	if sstPath == "" {
		sstPath = "xl/sharedStrings.xml" // where excelize looks without a relationship
	}
	sheet := files[strings.ToLower(sheetPath)]
	if sheet == nil {
		return nil, errUnusualPackage
	}
	var sst []string
	if f := files[strings.ToLower(sstPath)]; sstPath != "" && f != nil {
		if sst, err = readSharedStrings(f, limit); err != nil {
			return nil, err
		}
	}
	rc, err := sheet.Open()
	if err != nil {
		return nil, xlsxError(err)
	}
	lr := &limitedPart{r: rc, left: limit}
	return &sheetSource{sc: newXMLScanner(lr, maxXMLToken), closer: rc, sst: sst}, nil
}

type relationship struct {
	ID     string `xml:"Id,attr"`
	Type   string `xml:"Type,attr"`
	Target string `xml:"Target,attr"`
}

func readRels(files map[string]*zip.File, name string, limit int64) ([]relationship, error) {
	var rels struct {
		List []relationship `xml:"Relationship"`
	}
	err := readXMLPart(files, name, limit, &rels)
	return rels.List, err
}

// readXMLPart decodes a small part (workbook, relationships).
func readXMLPart(files map[string]*zip.File, name string, limit int64, v any) error {
	f := files[strings.ToLower(name)]
	if f == nil {
		return errUnusualPackage
	}
	if f.UncompressedSize64 > 16<<20 {
		return errUnusualPackage
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(&limitedPart{r: rc, left: min(limit, 16<<20)}).Decode(v)
}

// resolvePart turns a relationship's target into a package path.
func resolvePart(dir, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return strings.TrimPrefix(path.Join(dir, target), "/")
}

// limitedPart fails once a part unpacks to more than left bytes.
type limitedPart struct {
	r    io.Reader
	left int64
}

var errUnzipLimit = fmt.Errorf("unpacked part: %w", excelize.ErrOptionsUnzipSizeLimit)

func (l *limitedPart) Read(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, errUnzipLimit
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

// readSharedStrings reads the shared string table: each <si> is its <t>
// text followed by its runs' texts (phonetic runs left out), as excelize
// reads it.
func readSharedStrings(f *zip.File, limit int64) ([]string, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, xlsxError(err)
	}
	defer rc.Close()
	sc := newXMLScanner(&limitedPart{r: rc, left: limit}, maxXMLToken)
	var (
		out   []string
		stack elementStack
		it    inlineText
	)
	for {
		tok, err := sc.next()
		if err != nil {
			return nil, sheetXMLError(err, "the shared strings", 0)
		}
		switch tok {
		case tokEOF:
			if stack.depth() > 0 {
				return nil, sheetXMLError(errXMLTruncated, "the shared strings", 0)
			}
			return out, nil
		case tokStart:
			parent := stack.top()
			k := kOther
			if parent == kRoot && string(sc.name) == "si" && stack.depth() == 1 {
				k = kSI
				it.reset()
			} else {
				k = it.start(parent, sc.name)
			}
			stack.push(k, sc.name)
			if sc.self {
				if err := stack.pop(sc.name); err != nil {
					return nil, sheetXMLError(err, "the shared strings", 0)
				}
				if k == kSI {
					out = append(out, it.String())
				}
			}
		case tokEnd:
			k := stack.top()
			if err := stack.pop(sc.name); err != nil {
				return nil, sheetXMLError(err, "the shared strings", 0)
			}
			if k == kSI {
				out = append(out, it.String())
			}
		case tokText:
			it.text(stack.top(), sc.text)
		}
	}
}

// element kinds the readers care about
type elemKind uint8

const (
	kRoot elemKind = iota // below the document's root element
	kOther
	kSheetData
	kRow
	kC
	kV
	kF
	kIS // an inline string, or a shared string item (kSI)
	kSI
	kT  // <t> of an <is> or <si>
	kR  // a rich-text run
	kRT // <t> of a run
)

// elementStack checks that end tags match their start tags and keeps each
// open element's kind.
type elementStack struct {
	kinds []elemKind
	names []byte
	ends  []int
}

func (s *elementStack) depth() int { return len(s.kinds) }

// top is the kind of the innermost open element; the document root counts
// as kRoot for its children.
func (s *elementStack) top() elemKind {
	switch len(s.kinds) {
	case 0:
		return kOther
	case 1:
		return kRoot
	}
	return s.kinds[len(s.kinds)-1]
}

func (s *elementStack) push(k elemKind, name []byte) {
	s.kinds = append(s.kinds, k)
	s.names = append(s.names, name...)
	s.ends = append(s.ends, len(s.names))
}

func (s *elementStack) pop(name []byte) error {
	n := len(s.kinds)
	if n == 0 {
		return &xmlSyntaxError{"an end tag </" + string(name) + "> with no open element"}
	}
	start := 0
	if n > 1 {
		start = s.ends[n-2]
	}
	if open := s.names[start:]; !bytes.Equal(open, name) {
		return &xmlSyntaxError{"</" + string(name) + "> closes <" + string(open) + ">"}
	}
	s.kinds, s.names, s.ends = s.kinds[:n-1], s.names[:start], s.ends[:n-1]
	return nil
}

// inlineText gathers the text of an <is> or <si>: its own <t> (the last
// one, as encoding/xml keeps it) and then each run's.
type inlineText struct {
	t    []byte
	runs [][]byte
	cur  []byte
	nrun int
}

func (it *inlineText) reset() {
	it.t = it.t[:0]
	it.nrun = 0
}

// start classifies an element opened inside an inline string.
func (it *inlineText) start(parent elemKind, name []byte) elemKind {
	switch {
	case (parent == kIS || parent == kSI) && string(name) == "t":
		it.t = it.t[:0]
		return kT
	case (parent == kIS || parent == kSI) && string(name) == "r":
		if it.nrun == len(it.runs) {
			it.runs = append(it.runs, nil)
		}
		it.runs[it.nrun] = it.runs[it.nrun][:0]
		it.nrun++
		return kR
	case parent == kR && string(name) == "t":
		it.runs[it.nrun-1] = it.runs[it.nrun-1][:0]
		return kRT
	}
	return kOther
}

func (it *inlineText) text(in elemKind, b []byte) {
	switch in {
	case kT:
		it.t = append(it.t, b...)
	case kRT:
		it.runs[it.nrun-1] = append(it.runs[it.nrun-1], b...)
	}
}

// appendTo appends the text, with its _xHHHH_ escapes resolved.
func (it *inlineText) appendTo(dst []byte) []byte {
	start := len(dst)
	dst = append(dst, it.t...)
	for _, r := range it.runs[:it.nrun] {
		dst = append(dst, r...)
	}
	return append(dst[:start], unescapeBSTR(dst[start:])...)
}

func (it *inlineText) String() string { return string(it.appendTo(nil)) }

// unescapeBSTR resolves the _xHHHH_ escapes spreadsheets write for
// characters XML cannot hold ("_x000D_" is a carriage return, "_x005F_" an
// underscore), as excelize does. It returns b itself when there are none.
func unescapeBSTR(b []byte) []byte {
	if !bytes.Contains(b, []byte("_x")) {
		return b
	}
	var out []byte
	for i := 0; i < len(b); {
		if i+7 <= len(b) && b[i] == '_' && b[i+1] == 'x' && b[i+6] == '_' && isHex4(b[i+2:i+6]) {
			n, _ := strconv.ParseUint(string(b[i+2:i+6]), 16, 32)
			switch {
			case n == 0x5F:
				out = append(out, '_')
			case n >= 0xD800 && n <= 0xDFFF:
				// a lone surrogate is dropped, as excelize drops it
			default:
				out = appendRune(out, rune(n))
			}
			i += 7
			continue
		}
		out = append(out, b[i])
		i++
	}
	return out
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

func appendRune(b []byte, r rune) []byte { return append(b, string(r)...) }

// sheetSource yields a worksheet's rows as text cells, placed by their
// column references, with excelize's rules: a cell holding nothing (no
// value, no formula) adds no column; shared strings are looked up; numbers,
// dates and booleans arrive as the raw text the file stores.
type sheetSource struct {
	sc     *xmlScanner
	closer io.Closer
	sst    []string
	stack  elementStack
	done   bool
	line   int

	// the row being read
	buf    []byte // its values, back to back
	spans  [][2]int
	col    int
	rowErr error
	// the cell being read
	ref, typ []byte
	v        []byte
	hasF     bool
	inline   bool
	it       inlineText
}

func (s *sheetSource) close() error { return s.closer.Close() }

func (s *sheetSource) fail(err error) error {
	var pe *domain.ParseError
	if err == nil || errors.As(err, &pe) {
		return err
	}
	return sheetXMLError(err, "the sheet", s.line)
}

// sheetXMLError words a failure to read a part's XML.
func sheetXMLError(err error, part string, line int) error {
	var se *xmlSyntaxError
	near := ""
	if line > 0 {
		near = fmt.Sprintf(" near row %d", line)
	}
	switch {
	case errors.Is(err, excelize.ErrOptionsUnzipSizeLimit):
		return xlsxError(err)
	case errors.Is(err, errXMLTruncated), errors.Is(err, io.ErrUnexpectedEOF):
		return domain.WrapError(domain.EINVALID, fmt.Sprintf("The XLSX file is damaged: %s breaks off%s. Download it again. Nothing was imported.", part, near), err)
	case errors.Is(err, errXMLTooLong):
		return domain.WrapError(domain.EINVALID, fmt.Sprintf("The XLSX file is damaged or not a Stripe export: %s has a cell or tag longer than %d MB%s. Nothing was imported.", part, maxXMLToken>>20, near), err)
	case errors.As(err, &se):
		return domain.WrapError(domain.EINVALID, fmt.Sprintf("The XLSX file is damaged: %s has malformed XML%s (%s). Nothing was imported.", part, near, se.msg), err)
	}
	return xlsxError(err)
}

func (s *sheetSource) next() ([]string, int, error) {
	for !s.done {
		tok, err := s.sc.next()
		if err != nil {
			return nil, 0, s.fail(err)
		}
		switch tok {
		case tokEOF:
			if s.stack.depth() > 0 {
				return nil, 0, s.fail(errXMLTruncated)
			}
			s.done = true
		case tokStart:
			k, err := s.start()
			if err != nil {
				return nil, 0, s.fail(err)
			}
			s.stack.push(k, s.sc.name)
			if s.sc.self {
				if row, err := s.end(s.sc.name); err != nil || row != nil {
					return row, s.line, s.fail(err)
				}
			}
		case tokEnd:
			if row, err := s.end(s.sc.name); err != nil || row != nil {
				return row, s.line, s.fail(err)
			}
		case tokText:
			switch k := s.stack.top(); k {
			case kV:
				s.v = append(s.v, s.sc.text...)
			case kT, kRT:
				s.it.text(k, s.sc.text)
			}
		}
	}
	return nil, 0, io.EOF
}

// start classifies the element just opened and starts rows and cells.
func (s *sheetSource) start() (elemKind, error) {
	parent := s.stack.top()
	name := s.sc.name
	switch {
	case parent == kRoot && string(name) == "sheetData":
		return kSheetData, nil
	case parent == kSheetData && string(name) == "row":
		s.line++
		r, ok, err := s.sc.attr("r")
		if err != nil {
			return 0, err
		}
		if ok {
			if n, err := strconv.Atoi(string(r)); err == nil {
				if n > excelize.TotalRows {
					return 0, &xmlSyntaxError{fmt.Sprintf("a row number (%d) above the %d rows a sheet can have", n, excelize.TotalRows)}
				}
				if n > 0 {
					s.line = n
				}
			}
		}
		s.buf, s.spans, s.col, s.rowErr = s.buf[:0], s.spans[:0], 0, nil
		return kRow, nil
	case parent == kRow && string(name) == "c":
		s.col++
		ref, _, err := s.sc.attr("r")
		if err != nil {
			return 0, err
		}
		typ, _, err := s.sc.attr("t")
		if err != nil {
			return 0, err
		}
		s.ref, s.typ = append(s.ref[:0], ref...), append(s.typ[:0], typ...)
		s.v, s.hasF, s.inline = s.v[:0], false, false
		s.it.reset()
		return kC, nil
	case parent == kC && string(name) == "v":
		s.v = s.v[:0] // the last <v> wins, as in encoding/xml
		return kV, nil
	case parent == kC && string(name) == "f":
		s.hasF = true
		return kF, nil
	case parent == kC && string(name) == "is":
		s.inline = true // a second <is> adds to the first, as in encoding/xml
		return kIS, nil
	case parent == kIS || parent == kR:
		return s.it.start(parent, name), nil
	}
	return kOther, nil
}

// end closes an element; closing a row returns its cells.
func (s *sheetSource) end(name []byte) ([]string, error) {
	k := s.stack.top()
	if err := s.stack.pop(name); err != nil {
		return nil, err
	}
	switch k {
	case kSheetData:
		s.done = true
	case kC:
		s.cell()
	case kRow:
		if s.rowErr != nil {
			return nil, &domain.ParseError{Line: s.line, Err: domain.WrapError(domain.EINVALID, "the row cannot be read: "+s.rowErr.Error(), s.rowErr)}
		}
		row := string(s.buf)
		cells := make([]string, len(s.spans))
		for i, sp := range s.spans {
			cells[i] = row[sp[0]:sp[1]]
		}
		if cells == nil {
			cells = []string{}
		}
		return cells, nil
	}
	return nil, nil
}

// cell places the cell just closed in the row.
func (s *sheetSource) cell() {
	if s.rowErr != nil {
		return
	}
	if len(s.ref) > 0 {
		col, _, err := excelize.CellNameToCoordinates(string(s.ref))
		if err != nil {
			s.rowErr = err
			return
		}
		s.col = col
	}
	start := len(s.buf)
	switch string(s.typ) {
	case "s":
		if len(s.v) > 0 {
			i, err := strconv.Atoi(strings.TrimSpace(string(s.v)))
			if err != nil || i < 0 || i >= len(s.sst) {
				s.rowErr = fmt.Errorf("cell %s points to shared string %q, which the file does not have", s.ref, s.v)
				return
			}
			s.buf = append(s.buf, s.sst[i]...)
		}
	case "inlineStr":
		if s.inline {
			s.buf = s.it.appendTo(s.buf)
		} else {
			s.buf = append(s.buf, s.v...)
		}
	default:
		s.buf = append(s.buf, s.v...)
	}
	if len(s.buf) == start && !s.hasF {
		return
	}
	if len(s.buf)-start > maxRecordBytes {
		s.rowErr = fmt.Errorf("cell %s is longer than %d MB", s.ref, maxRecordBytes>>20)
		return
	}
	for len(s.spans) < s.col-1 {
		s.spans = append(s.spans, [2]int{start, start})
	}
	s.spans = append(s.spans, [2]int{start, len(s.buf)})
}
