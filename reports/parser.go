package reports

import (
	"bufio"
	"bytes"
	"context"
	"io"

	"tally/domain"
)

// Parser opens Stripe exports; it implements domain.StatementParser.
type Parser struct {
	// XLSXUnzipLimit bounds the unpacked size of an XLSX file (excelize's
	// default is 16 GB); 0 means DefaultXLSXUnzipLimit.
	XLSXUnzipLimit int64
}

var _ domain.StatementParser = Parser{}

// Open implements domain.StatementParser: CSV or XLSX, recognised by content.
func (p Parser) Open(ctx context.Context, name string, r io.Reader, opt domain.ImportOptions) (domain.StatementReader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(512)
	if bytes.HasPrefix(head, []byte("\xef\xbb\xbf")) {
		// A UTF-8 byte order mark: before a quoted header it would read as a bare quote.
		_, _ = br.Discard(3)
		head = head[3:]
	}
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		src, err := p.openXLSX(br)
		if err != nil {
			return nil, err
		}
		rd, err := newReader(name, src, opt)
		if err != nil {
			src.close()
			return nil, err
		}
		rd.xlsx = true
		return rd, nil
	case bytes.HasPrefix(head, []byte("%PDF")):
		return nil, domain.Errorf(domain.EINVALID, "%s is a PDF. Tally reads Stripe's CSV or XLSX exports: download the report as CSV.", baseName(name))
	case bytes.HasPrefix(head, []byte("\xd0\xcf\x11\xe0")):
		return nil, domain.Errorf(domain.EINVALID, "%s is an old Excel (.xls) file. Save it as .xlsx or CSV, or download the report from Stripe again as CSV.", baseName(name))
	case bytes.IndexByte(head, 0) >= 0:
		return nil, domain.Errorf(domain.EINVALID, "%s is not a text file. Tally reads Stripe's CSV or XLSX exports.", baseName(name))
	}
	return newReader(name, newCSVSource(br, nil), opt)
}
