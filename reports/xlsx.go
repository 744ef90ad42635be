package reports

import (
	"bytes"
	"errors"
	"io"
	"math/big"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"tally/domain"
)

// DefaultXLSXUnzipLimit bounds an XLSX file's unpacked size (excelize's own
// default is 16 GB): a zip bomb is refused instead of filling the disk or
// memory. A 1,000,000-line export unpacks to well under this.
const DefaultXLSXUnzipLimit = 2 << 30

// xlsxSource streams the rows of a workbook's first sheet as raw text,
// through excelize.
type xlsxSource struct {
	f    *excelize.File
	rows *excelize.Rows
	line int
}

func (p Parser) openXLSX(r io.Reader) (rowSource, error) {
	limit := p.XLSXUnzipLimit
	if limit == 0 {
		limit = DefaultXLSXUnzipLimit
	}
	// A zip needs random access, so the compressed file is held in memory;
	// the sheet itself is streamed.
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, xlsxError(err)
	}
	if int64(len(data)) > limit {
		return nil, xlsxError(excelize.ErrOptionsUnzipSizeLimit)
	}
	src, err := openPackage(data, limit)
	if err != errUnusualPackage {
		return src, err
	}
	return openExcelize(data, limit)
}

// openExcelize reads the first sheet with excelize's streaming row reader
// (spilled to a temporary file above 16 MB unpacked).
func openExcelize(data []byte, limit int64) (rowSource, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: limit, UnzipXMLSizeLimit: min(limit, 16<<20)})
	if err != nil {
		return nil, xlsxError(err)
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, domain.Errorf(domain.EINVALID, "The workbook has no sheet.")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, xlsxError(err)
	}
	return &xlsxSource{f: f, rows: rows}, nil
}

func xlsxError(err error) error {
	msg := err.Error()
	switch {
	case errors.Is(err, excelize.ErrOptionsUnzipSizeLimit), strings.Contains(msg, "unzip size"):
		return domain.WrapError(domain.EINVALID, "The XLSX file unpacks to more than Tally allows: it is damaged or not a Stripe export (a 'zip bomb' looks like this). Nothing was imported.", err)
	case strings.Contains(msg, "zip"):
		return domain.WrapError(domain.EINVALID, "The XLSX file is damaged (its zip structure cannot be read): download it again.", err)
	}
	return domain.WrapError(domain.EINVALID, "The XLSX file cannot be read: "+msg, err)
}

func (s *xlsxSource) next() ([]string, int, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return nil, 0, xlsxError(err)
		}
		return nil, 0, io.EOF
	}
	s.line++
	cols, err := s.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, 0, &domain.ParseError{Line: s.line, Err: domain.WrapError(domain.EINVALID, "the row cannot be read", err)}
	}
	for _, c := range cols {
		if len(c) > maxRecordBytes {
			return nil, 0, domain.Errorf(domain.EINVALID, "Row %d has a cell longer than %d MB: the file is damaged or not a Stripe export. Nothing was imported.", s.line, maxRecordBytes>>20)
		}
	}
	return cols, s.line, nil
}

func (s *xlsxSource) close() error {
	err := s.rows.Close()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// spreadsheetEpoch is day 0 of the 1900 date system as spreadsheets count it.
var spreadsheetEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// serialTime converts a spreadsheet date serial ("45962.5552546296") to a
// time, exactly, rounded to the second: the seconds a re-save kept survive.
func serialTime(v string, loc *time.Location) (time.Time, bool) {
	if v == "" || strings.Count(v, ".") > 1 || strings.ContainsAny(v, "eE+-/: ") {
		return time.Time{}, false
	}
	r, ok := new(big.Rat).SetString(v)
	if !ok || r.Sign() <= 0 {
		return time.Time{}, false
	}
	secs := new(big.Rat).Mul(r, big.NewRat(86400, 1))
	// round half up to whole seconds
	n := new(big.Int).Quo(new(big.Int).Add(new(big.Int).Mul(secs.Num(), big.NewInt(2)), secs.Denom()), new(big.Int).Mul(secs.Denom(), big.NewInt(2)))
	if !n.IsInt64() {
		return time.Time{}, false
	}
	t := spreadsheetEpoch.Add(time.Duration(n.Int64()) * time.Second)
	// The serial is a wall-clock time in the file's zone.
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, loc), true
}

// xlsxAmount reads a numeric cell's raw text. Spreadsheets store numbers as
// binary fractions written with up to 17 significant digits, so 14.39 may
// read "14.390000000000001": such noise beyond the currency's decimals is
// rounded away, exactly, in decimal; real extra decimals remain an error.
func xlsxAmount(v string, exp int) (int64, error) {
	if a, err := domain.ParseAmount(v, exp); err == nil {
		return a, nil
	}
	r, ok := new(big.Rat).SetString(strings.TrimSpace(v))
	if !ok {
		return domain.ParseAmount(v, exp) // its error
	}
	digits := strings.TrimLeft(strings.NewReplacer("-", "", ".", "").Replace(v), "0")
	if len(digits) < 15 || strings.ContainsAny(v, "eE") {
		return domain.ParseAmount(v, exp)
	}
	scaled := new(big.Rat).Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(exp)), nil)))
	num, den := scaled.Num(), scaled.Denom()
	twice := new(big.Int).Mul(num, big.NewInt(2))
	if scaled.Sign() < 0 {
		twice.Sub(twice, den)
	} else {
		twice.Add(twice, den)
	}
	n := new(big.Int).Quo(twice, new(big.Int).Mul(den, big.NewInt(2)))
	// Accept only if the noise is far below one minor unit.
	diff := new(big.Rat).Sub(scaled, new(big.Rat).SetInt(n))
	if diff.Abs(diff).Cmp(big.NewRat(1, 1000)) > 0 || !n.IsInt64() {
		return domain.ParseAmount(v, exp)
	}
	return n.Int64(), nil
}
