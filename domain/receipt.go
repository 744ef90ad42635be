package domain

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
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

// ReceiptWidth is a receipt's width in characters on an 80 mm roll (and
// in a PDF); a 58 mm roll takes ReceiptWidthNarrow.
const (
	ReceiptWidth       = 48
	ReceiptWidthNarrow = 32
)

// ReceiptDoc lays a sale's receipt out as the law of most countries asks
// of one (Germany's § 14 UStG and § 6 KassenSichV among them): the
// seller's name, address and VAT number; the date and time; each line with
// its quantity, unit price and amount, and its discount apart; the net,
// the tax and the gross of each tax rate; the total; and each payment,
// with the card's brand and last four digits. It is written in the shop's
// language and time zone.
func ReceiptDoc(sh Shop, sale Sale, width int) Doc {
	p := PaperFor(sh)
	if width <= 0 {
		width = ReceiptWidth
	}
	cur := sale.Cart.Currency
	money := func(v int64) string { return p.Amount(v, cur) }
	d := Doc{Title: p.T("Receipt of sale #%d", sale.Number), Width: width}
	b := docBuilder{&d}
	name := sh.Name
	if name == "" {
		name = "Tally"
	}
	d.Lines = append(d.Lines, DocLine{Text: name, Align: AlignCenter, Bold: true, Large: len([]rune(name))*2 <= width})
	for _, a := range sh.AddressLines() {
		b.center(a)
	}
	if sh.VATID != "" {
		b.center(p.T("VAT no. %s", sh.VATID))
	}
	b.blank()
	b.pair(p.T("%s · sale #%d", sale.Till, sale.Number), p.Time(sale.Created), false)
	if sale.Cart.CustomerName != "" {
		b.text(p.T("Customer: %s", sale.Cart.CustomerName))
	}
	if sale.Status == SaleCanceled {
		d.Lines = append(d.Lines, DocLine{Text: p.T("Cancelled"), Align: AlignCenter, Bold: true})
	}
	b.rule()
	// Each rate gets a letter, the highest A, that the lines and the
	// tax table share.
	rates := map[TaxRate]*RateTotal{}
	var order []TaxRate
	for _, l := range sale.Cart.Lines {
		if rates[l.TaxRate] == nil {
			rates[l.TaxRate] = &RateTotal{Rate: l.TaxRate}
			order = append(order, l.TaxRate)
		}
		rates[l.TaxRate].add(l)
	}
	sortRatesDesc(order)
	letter := map[TaxRate]string{}
	for i, r := range order {
		letter[r] = string(rune('A' + i))
	}
	for _, l := range sale.Cart.Lines {
		gross := l.UnitPrice * l.Quantity
		if l.Quantity == 1 {
			b.pair(l.Description, money(gross)+" "+letter[l.TaxRate], false)
		} else {
			b.text(l.Description)
			b.pair(fmt.Sprintf("  %d × %s", l.Quantity, money(l.UnitPrice)), money(gross)+" "+letter[l.TaxRate], false)
		}
		if l.DiscountAmount > 0 {
			label := "  " + p.T("discount")
			if l.Discount > 0 && sale.Cart.Discount == 0 {
				label = "  " + p.T("discount %s", p.Rate(l.Discount))
			}
			b.pair(label, "-"+money(l.DiscountAmount)+"  ", false)
		}
	}
	b.rule()
	t := sale.Totals
	if !sale.Cart.TaxInclusive {
		b.pair(p.T("Subtotal"), money(t.Net)+"  ", false)
		for _, r := range order {
			if r > 0 {
				b.pair(p.T("Tax %s", p.Rate(r)), money(rates[r].Tax)+"  ", false)
			}
		}
	}
	d.Lines = append(d.Lines, DocLine{Text: p.T("Total") + " " + cur.Code(), Right: money(t.Total), Bold: true, Large: true})
	b.blank()
	// The tax table: net, tax and gross of each rate.
	col := (width - 8) / 3
	head := fmt.Sprintf("%-8s%*s%*s%*s", p.T("Rate"), col, p.T("Net"), col, p.T("Tax"), col, p.T("Gross"))
	b.text(head)
	for _, r := range order {
		rs := rates[r]
		label := letter[r] + " " + p.Rate(r)
		if r == 0 {
			label = letter[r] + " 0 %"
		}
		b.text(fmt.Sprintf("%-8s%*s%*s%*s", label, col, money(rs.Net), col, money(rs.Tax), col, money(rs.Gross)))
	}
	b.rule()
	for _, a := range sale.Attempts {
		if !a.Status.Settled() {
			continue
		}
		what := a.MethodName
		if a.Kind.IsDefaultName(what) {
			what = p.Kind(a.Kind) // Tally's own default name, in the shop's language
		}
		if a.Card.Last4 != "" {
			what += " " + BrandName(a.Card.Brand) + " •••• " + a.Card.Last4
		}
		b.pair(what, money(a.Amount.Amount+a.Tip)+"  ", false)
		if a.Tip > 0 {
			b.pair("  "+p.T("of which tip"), money(a.Tip)+"  ", false)
		}
		if a.Kind == MethodCash && a.Tendered > 0 {
			b.pair("  "+p.T("Handed over"), money(a.Tendered)+"  ", false)
			b.pair("  "+p.T("Change"), money(a.Change)+"  ", false)
		}
	}
	tseBlock(&d, p, sale)
	b.blank()
	b.center(p.T("Thank you!"))
	return d
}

// tseBlock adds what § 6 KassenSichV asks of a receipt signed by a TSE:
// the TSE's serial, the client's, the transaction's number, start and end,
// the signature counter and the signature, the algorithm and the time
// format, and the receipt's QR code (DSFinV-K, Anhang I). A receipt the
// TSE could not sign says "TSE ausgefallen", as the rules ask.
func tseBlock(d *Doc, p Paper, sale Sale) {
	r := sale.TSE
	if r == nil {
		return
	}
	b := docBuilder{d}
	b.rule()
	if !r.Signed() {
		if sale.Status == SaleOpen {
			return // not finished yet: nothing to show
		}
		d.Lines = append(d.Lines, DocLine{Text: p.T("TSE failed: this receipt is not signed"), Bold: true})
		if r.Sig.Number > 0 {
			b.pair(p.T("TSE transaction"), fmt.Sprint(r.Sig.Number), false)
		}
		return
	}
	s := r.Sig
	if s.Algorithm == "" {
		s.Algorithm = TSEAlgorithm
	}
	t := func(x time.Time) string { return p.Time(x) + ":" + x.In(p.location()).Format("05") }
	b.pair(p.T("TSE transaction"), fmt.Sprint(s.Number), false)
	b.pair(p.T("TSE start"), t(s.Start), false)
	b.pair(p.T("TSE end"), t(s.End), false)
	b.pair(p.T("Signature counter"), fmt.Sprint(s.Counter), false)
	b.pair(p.T("Time format"), s.TimeFormat, false)
	b.pair(p.T("Algorithm"), s.Algorithm, false)
	b.text(p.T("TSE serial number:"))
	wrapInto(&b, s.TSESerial, d.Width)
	b.text(p.T("Till (client) serial: %s", s.ClientSerial))
	b.text(p.T("Signature:"))
	wrapInto(&b, s.Signature, d.Width)
	d.Lines = append(d.Lines, DocLine{QR: s.QR(), Text: ""})
}

// wrapInto writes s cut into lines of width characters.
func wrapInto(b *docBuilder, s string, width int) {
	for len(s) > width {
		b.text(s[:width])
		s = s[width:]
	}
	if s != "" {
		b.text(s)
	}
}

func sortRatesDesc(v []TaxRate) { sort.Slice(v, func(i, j int) bool { return v[i] > v[j] }) }

// BrandName writes a card brand as its owner does: visa is Visa,
// mastercard Mastercard, amex American Express.
func BrandName(brand string) string {
	switch strings.ToLower(brand) {
	case "visa":
		return "Visa"
	case "mastercard":
		return "Mastercard"
	case "amex":
		return "American Express"
	case "discover":
		return "Discover"
	case "diners":
		return "Diners Club"
	case "jcb":
		return "JCB"
	case "unionpay":
		return "UnionPay"
	case "interac":
		return "Interac"
	case "eftpos_au":
		return "eftpos"
	case "girocard":
		return "girocard"
	case "":
		return ""
	}
	return strings.ToUpper(brand[:1]) + brand[1:]
}

// ReceiptLines is the receipt as plain text lines, ReceiptWidth wide.
func ReceiptLines(sh Shop, sale Sale) []string {
	return ReceiptDoc(sh, sale, ReceiptWidth).PlainLines()
}

// ShopOf returns the shop's description, its name and currency as the
// register uses them (the Stripe account's, or the demo's, where the shop
// has none yet).
func (s *RegisterService) ShopOf(ctx context.Context) Shop {
	rs, err := s.RegisterSettings(ctx)
	if err != nil {
		return Shop{}
	}
	return rs.ShopAsUsed()
}

// ReceiptPDF writes sale's receipt as a PDF.
func (s *RegisterService) ReceiptPDF(ctx context.Context, saleID int64, w io.Writer) error {
	if s.Documents == nil {
		return Errorf(EUNAVAILABLE, "This build of Tally cannot write PDF files.")
	}
	sale, err := s.Sale(ctx, saleID)
	if err != nil {
		return err
	}
	d := ReceiptDoc(s.ShopOf(ctx), sale, ReceiptWidth)
	return s.Documents.PDF(w, d.Title, d.PlainLines())
}

// DayCloseFile writes a Z (or X) report as "pdf" or "xlsx", in the
// shop's language.
func (s *RegisterService) DayCloseFile(ctx context.Context, d DayClose, format string, w io.Writer) error {
	if s.Documents == nil {
		return Errorf(EUNAVAILABLE, "This build of Tally cannot write files.")
	}
	p := PaperFor(s.ShopOf(ctx))
	title := p.T("Day close (Z report)")
	if d.X {
		title = p.T("Day so far (X report)")
	}
	switch format {
	case "pdf":
		return s.Documents.PDF(w, title+" — "+d.Till, d.TextLinesIn(p))
	case "xlsx":
		return s.Documents.XLSX(w, title, d.LinesIn(p))
	}
	return Errorf(EINVALID, "A Z report is written as pdf or xlsx, not %q.", format)
}
