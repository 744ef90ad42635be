package reports

import (
	"io"

	"tally/domain"
)

// DefaultXLSXUnzipLimit bounds an XLSX file's unpacked size: a zip bomb is
// refused instead of filling memory.
const DefaultXLSXUnzipLimit = 512 << 20

func (p Parser) openXLSX(r io.Reader) (rowSource, error) {
	return nil, domain.Errorf(domain.EINVALID, "XLSX files are not read yet: export the report as CSV.")
}
