package reports

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"

	"tally/domain"
)

// maxRecordBytes bounds one CSV record: a longer one (an unterminated quote,
// a runaway cell) is an error, not a memory blow-up.
const maxRecordBytes = 1 << 20

// guard fails a read once more than limit bytes pass without reset.
type guard struct {
	r     io.Reader
	n     int
	limit int
}

var errRecordTooLong = errors.New("record too long")

func (g *guard) Read(p []byte) (int, error) {
	if g.n > g.limit {
		return 0, errRecordTooLong
	}
	n, err := g.r.Read(p)
	g.n += n
	return n, err
}

// csvSource reads CSV records one at a time.
type csvSource struct {
	g      *guard
	r      *csv.Reader
	closer io.Closer
	line   int
}

func newCSVSource(r io.Reader, closer io.Closer, sep rune) *csvSource {
	g := &guard{r: r, limit: maxRecordBytes}
	cr := csv.NewReader(g)
	cr.Comma = sep
	cr.FieldsPerRecord = -1 // rows may be shorter or longer than the header: checked per field
	return &csvSource{g: g, r: cr, closer: closer}
}

func (s *csvSource) next() ([]string, int, error) {
	rec, err := s.r.Read()
	if err == io.EOF {
		return nil, 0, io.EOF
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.Is(err, errRecordTooLong) {
			// Not a bad row but a bad file: reading cannot go on.
			return nil, 0, domain.Errorf(domain.EINVALID,
				"Line %d is longer than %d MB: the file is damaged or not a Stripe export. Nothing was imported.", s.line+1, maxRecordBytes>>20)
		}
		if errors.As(err, &pe) {
			return nil, 0, &domain.ParseError{Line: pe.Line, Err: domain.WrapError(domain.EINVALID,
				fmt.Sprintf("the CSV is malformed (%v): the file may be cut short or damaged", pe.Err), err)}
		}
		return nil, 0, fmt.Errorf("read csv: %w", err)
	}
	s.g.n = 0
	for i, c := range rec {
		rec[i] = fixEncoding(c)
	}
	line, _ := s.r.FieldPos(0)
	s.line = line
	return rec, line, nil
}

func (s *csvSource) close() error {
	if s.closer != nil {
		return s.closer.Close()
	}
	return nil
}
