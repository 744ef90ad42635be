package reports

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"strings"

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
	head, _ := br.Peek(4096)
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		// A UTF-8 byte order mark: before a quoted header it would read as a bare quote.
		_, _ = br.Discard(3)
		head = head[3:]
	case bytes.HasPrefix(head, []byte("\xff\xfe")), bytes.HasPrefix(head, []byte("\xfe\xff")):
		// UTF-16, as Excel's "Unicode Text" writes: read on as UTF-8.
		_, _ = br.Discard(2)
		br = bufio.NewReaderSize(newUTF16Reader(br, head[0] == 0xfe), 64<<10)
		head, _ = br.Peek(4096)
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
		return nil, domain.Errorf(domain.EINVALID, "This is a PDF. Tally reads Stripe's CSV or XLSX exports: download the report as CSV.")
	case bytes.HasPrefix(head, []byte("\xd0\xcf\x11\xe0")):
		return nil, domain.Errorf(domain.EINVALID, "This is an old Excel (.xls) file. Save it as .xlsx or CSV, or download the report from Stripe again as CSV.")
	case isWorkbookName(name):
		return nil, domain.Errorf(domain.EINVALID, "This file is named like an Excel workbook but is not one (an .xlsx file is a ZIP package, and this one does not start like one). It may be damaged or cut short: download the report from Stripe again.")
	case bytes.IndexByte(head, 0) >= 0:
		return nil, domain.Errorf(domain.EINVALID, "This is not a text file. Tally reads Stripe's CSV or XLSX exports.")
	}
	return newReader(name, newCSVSource(br, nil, separator(head)), opt)
}

// isWorkbookName says whether a file's name claims an Excel workbook.
func isWorkbookName(name string) bool {
	ext := strings.ToLower(name[strings.LastIndexByte(name, '.')+1:])
	return ext == "xlsx" || ext == "xlsm"
}
