package reports

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// Documents implements domain.Documents: PDF receipts and Z reports, and
// Z reports as workbooks.
type Documents struct{}

// PDF implements domain.Documents.
func (Documents) PDF(w io.Writer, title string, lines []string) error {
	return WritePDF(w, title, lines)
}

// QRSheet implements domain.Documents.
func (Documents) QRSheet(w io.Writer, title string, lines []string, url string) error {
	return WriteQRSheet(w, title, lines, url)
}

// XLSX implements domain.Documents: label and value in two columns.
func (Documents) XLSX(w io.Writer, sheet string, rows [][2]string) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("name sheet: %w", err)
	}
	for i, r := range rows {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellStr(sheet, cell, v); err != nil {
				return fmt.Errorf("write %s: %w", cell, err)
			}
		}
	}
	_ = f.SetColWidth(sheet, "A", "A", 28)
	_ = f.SetColWidth(sheet, "B", "B", 40)
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	return nil
}
