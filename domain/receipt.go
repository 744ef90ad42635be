package domain

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Documents writes the register's papers: a receipt or a Z report as a
// PDF, a Z report as a workbook. reports.Documents implements it.
type Documents interface {
	// PDF writes lines of fixed-width text under title.
	PDF(w io.Writer, title string, lines []string) error
	// XLSX writes rows of label and value on one sheet.
	XLSX(w io.Writer, sheet string, rows [][2]string) error
	// QRSheet writes a printable page: title, lines, and url as a large QR
	// code with the address under it.
	QRSheet(w io.Writer, title string, lines []string, url string) error
}

// ReceiptLines lays a sale's receipt out in 44 columns: shop, lines, tax
// per rate, total, and each payment with card brand and last four digits.
func ReceiptLines(shop string, sale Sale) []string {
	cur := sale.Cart.Currency
	money := func(v int64) string { return New(v, cur).String() }
	var out []string
	line := func(left, right string) {
		pad := 44 - len([]rune(left)) - len([]rune(right))
		if pad < 1 {
			pad = 1
		}
		out = append(out, left+strings.Repeat(" ", pad)+right)
	}
	out = append(out, shop, fmt.Sprintf("%s · sale #%d · %s", sale.Till, sale.Number, sale.Created.Local().Format("2006-01-02 15:04")))
	if sale.Cart.CustomerName != "" {
		out = append(out, "Customer: "+sale.Cart.CustomerName)
	}
	out = append(out, "")
	for _, l := range sale.Cart.Lines {
		line(fmt.Sprintf("%d × %s", l.Quantity, l.Description), money(l.Total))
		if l.DiscountAmount > 0 {
			line("   discount", "−"+money(l.DiscountAmount))
		}
	}
	out = append(out, "")
	line("Total", money(sale.Totals.Total))
	rates := map[TaxRate]int64{}
	for _, l := range sale.Cart.Lines {
		rates[l.TaxRate] += l.Tax
	}
	keys := make([]TaxRate, 0, len(rates))
	for r := range rates {
		keys = append(keys, r)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	for _, r := range keys {
		if r > 0 {
			line("   of which tax "+r.String(), money(rates[r]))
		}
	}
	out = append(out, "")
	for _, a := range sale.Attempts {
		if !a.Status.Settled() {
			continue
		}
		what := a.MethodName
		if a.Card.Last4 != "" {
			what += " " + a.Card.Brand + " •••• " + a.Card.Last4
		}
		line(what, money(a.Amount.Amount+a.Tip))
		if a.Tip > 0 {
			line("   of which tip", money(a.Tip))
		}
		if a.Kind == MethodCash {
			line("   handed over", money(a.Tendered))
			line("   change", money(a.Change))
		}
	}
	return append(out, "", "Thank you!")
}

// ReceiptPDF writes sale's receipt as a PDF.
func (s *RegisterService) ReceiptPDF(ctx context.Context, saleID int64, w io.Writer) error {
	if s.Documents == nil {
		return Errorf(EUNAVAILABLE, "This build of Tally cannot write PDF files.")
	}
	rs, err := s.RegisterSettings(ctx)
	if err != nil {
		return err
	}
	sale, err := s.Sale(ctx, saleID)
	if err != nil {
		return err
	}
	return s.Documents.PDF(w, fmt.Sprintf("Receipt of sale #%d", sale.Number), ReceiptLines(rs.ShopName, sale))
}

// DayCloseFile writes a Z report as "pdf" or "xlsx".
func (s *RegisterService) DayCloseFile(d DayClose, format string, w io.Writer) error {
	if s.Documents == nil {
		return Errorf(EUNAVAILABLE, "This build of Tally cannot write files.")
	}
	switch format {
	case "pdf":
		return s.Documents.PDF(w, "Day close (Z report) — "+d.Till, d.TextLines())
	case "xlsx":
		return s.Documents.XLSX(w, "Z report", d.Lines())
	}
	return Errorf(EINVALID, "A Z report is written as pdf or xlsx, not %q.", format)
}
