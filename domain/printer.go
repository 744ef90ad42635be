package domain

import (
	"context"
	"fmt"
	"strings"
)

// PrinterKind is how the till reaches its receipt printer.
type PrinterKind string

// Receipt printers: none, an ESC/POS printer on the network (raw TCP,
// port 9100), a USB printer's device file on Linux (/dev/usb/lp0), or a
// printer installed in Windows (its spooler takes a raw job).
const (
	PrinterNone    PrinterKind = ""
	PrinterNetwork PrinterKind = "network"
	PrinterUSB     PrinterKind = "usb"
	PrinterWindows PrinterKind = "windows"
)

// PrinterSettings are one till's receipt printer and cash drawer.
type PrinterSettings struct {
	Kind    PrinterKind
	Address string // host[:port], a device file, or the Windows printer's name
	Paper   int    // roll width in mm: 80 or 58
	// AutoPrint prints the receipt when a sale is paid; otherwise only on
	// request.
	AutoPrint bool
	// Drawer kicks the cash drawer open (through the printer) on a cash
	// sale or a cash refund.
	Drawer bool
	// Logo, when set, is a PNG printed at the top of receipts.
	Logo []byte
}

// Width is the characters a line of the roll holds.
func (p PrinterSettings) Width() int {
	if p.Paper == 58 {
		return ReceiptWidthNarrow
	}
	return ReceiptWidth
}

// Validate checks the settings before they are stored.
func (p PrinterSettings) Validate() error {
	switch p.Kind {
	case PrinterNone:
		return nil
	case PrinterNetwork, PrinterUSB, PrinterWindows:
	default:
		return fieldErr("kind", Errorf(EINVALID, "Choose how the printer is connected."))
	}
	if strings.TrimSpace(p.Address) == "" {
		switch p.Kind {
		case PrinterNetwork:
			return fieldErr("address", Errorf(EINVALID, "Give the printer's network address, such as 192.168.1.50."))
		case PrinterUSB:
			return fieldErr("address", Errorf(EINVALID, "Give the printer's device, such as /dev/usb/lp0."))
		}
		return fieldErr("address", Errorf(EINVALID, "Give the printer's name as Windows lists it."))
	}
	if p.Paper != 58 && p.Paper != 80 {
		return fieldErr("paper", Errorf(EINVALID, "The paper is 58 or 80 mm wide."))
	}
	if len(p.Logo) > 512<<10 {
		return fieldErr("logo", Errorf(EINVALID, "The logo is larger than 512 KB: use a small PNG, about 400 pixels wide."))
	}
	return nil
}

// PrintJob is what the printer is sent: a document (or none), then a
// cut, and the drawer kicked open first when asked.
type PrintJob struct {
	Doc      *Doc
	Cut      bool
	Kick     bool
	Settings PrinterSettings
}

// Printers sends jobs to receipt printers (printer.ESCPOS implements
// it). Send returns an EUNAVAILABLE *Error fit for the cashier when the
// printer is unreachable, off, out of paper or its cover is open: the
// sale behind it is never touched.
type Printers interface {
	Send(ctx context.Context, job PrintJob) error
}

// PrinterSettingsOf returns this till's printer settings (Kind none when
// there is no printer).
func (s *RegisterService) PrinterSettingsOf(ctx context.Context) (PrinterSettings, error) {
	p, _, err := s.printerOf(ctx)
	return p, err
}

// printerOf reads the till's printer and the register's settings (the
// shop's name and currency with them) in one go, for a print.
func (s *RegisterService) printerOf(ctx context.Context) (PrinterSettings, RegisterSettings, error) {
	rs, err := s.RegisterSettings(ctx)
	if err != nil {
		return PrinterSettings{}, rs, err
	}
	var p PrinterSettings
	err = s.Till.ViewTill(ctx, func(tx TillTx) (err error) {
		p, err = tx.PrinterSettings(rs.Till)
		return err
	})
	if p.Paper == 0 {
		p.Paper = 80
	}
	return p, rs, err
}

// ShopAsUsed is the shop as the register uses it: its description, with
// the name and currency the register falls back to where it has none.
func (rs RegisterSettings) ShopAsUsed() Shop {
	sh := rs.Shop
	sh.Name, sh.Currency = rs.ShopName, rs.Currency
	return sh
}

// SavePrinterSettings stores this till's printer settings (Settings >
// Printer, behind the owner's PIN).
func (s *RegisterService) SavePrinterSettings(ctx context.Context, p PrinterSettings) error {
	p.Address = strings.TrimSpace(p.Address)
	if err := p.Validate(); err != nil {
		return err
	}
	rs, err := s.RegisterSettings(ctx)
	if err != nil {
		return err
	}
	return s.Till.UpdateTill(ctx, func(tx TillTx) error { return tx.SavePrinterSettings(rs.Till, p) })
}

// send sends a job to the till's printer; ENOTFOUND when it has none.
func (s *RegisterService) send(ctx context.Context, job PrintJob) error {
	if job.Settings.Kind == PrinterNone {
		p, err := s.PrinterSettingsOf(ctx)
		if err != nil {
			return err
		}
		job.Settings = p
	}
	if job.Settings.Kind == PrinterNone {
		return Errorf(ENOTFOUND, "This till has no receipt printer: set one up under Settings > Printer.")
	}
	if s.Printers == nil {
		return Errorf(EUNAVAILABLE, "This build of Tally cannot print.")
	}
	if job.Doc != nil && len(job.Settings.Logo) > 0 {
		job.Doc.Logo = job.Settings.Logo
	}
	return s.Printers.Send(ctx, job)
}

// PrintReceipt prints a sale's receipt on the till's printer (the
// receipt of any sale, paid long ago or just now), kicking the drawer
// first when kick is set and the printer drives one. Printing never
// changes the sale: a failure is only said.
func (s *RegisterService) PrintReceipt(ctx context.Context, saleID int64, kick bool) error {
	p, rs, err := s.printerOf(ctx)
	if err != nil {
		return err
	}
	return s.printReceipt(ctx, p, rs, saleID, kick)
}

func (s *RegisterService) printReceipt(ctx context.Context, p PrinterSettings, rs RegisterSettings, saleID int64, kick bool) error {
	sale, err := s.Sale(ctx, saleID)
	if err != nil {
		return err
	}
	d := ReceiptDoc(rs.ShopAsUsed(), sale, p.Width())
	return s.send(ctx, PrintJob{Doc: &d, Cut: true, Kick: kick && p.Drawer, Settings: p})
}

// AfterPayment is what the till's printer does when a payment of a sale
// is taken: the receipt once the sale is paid, when the shop prints it
// after each sale, and the drawer kicked open when the payment was cash. It reports whether it printed;
// nothing to do is no error.
func (s *RegisterService) AfterPayment(ctx context.Context, sale Sale) (printed bool, err error) {
	p, rs, err := s.printerOf(ctx)
	if err != nil || p.Kind == PrinterNone {
		return false, err
	}
	// The drawer opens for the payment just taken when it was cash (a
	// split sale's earlier cash part opened it then).
	cash := false
	for _, a := range sale.Attempts {
		if a.Status.Settled() {
			cash = a.Kind == MethodCash
		}
	}
	switch {
	case p.AutoPrint && sale.Status == SalePaid:
		return true, s.printReceipt(ctx, p, rs, sale.ID, cash)
	case cash && p.Drawer:
		return false, s.send(ctx, PrintJob{Kick: true, Settings: p})
	}
	return false, nil
}

// KickDrawer opens the cash drawer through the printer: for a cash
// refund, or "Open drawer" with no sale (audited, with the reason).
func (s *RegisterService) KickDrawer(ctx context.Context, g Grant, reason string) error {
	p, err := s.PrinterSettingsOf(ctx)
	if err != nil {
		return err
	}
	if !p.Drawer || p.Kind == PrinterNone {
		return Errorf(ENOTFOUND, "No cash drawer is set up: tick \"Cash drawer on the printer\" under Settings > Printer.")
	}
	if reason != "" {
		if err := s.OpenDrawer(ctx, g, reason); err != nil {
			return err
		}
	}
	return s.send(ctx, PrintJob{Kick: true, Settings: p})
}

// PrintTest prints a test page with settings (not yet saved): the shop's
// name, the characters beyond ASCII its language needs, a QR code and
// the cut.
func (s *RegisterService) PrintTest(ctx context.Context, p PrinterSettings) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if p.Kind == PrinterNone {
		return fieldErr("kind", Errorf(EINVALID, "Choose how the printer is connected."))
	}
	sh := s.ShopOf(ctx)
	pp := PaperFor(sh)
	d := Doc{Title: pp.T("Printer test"), Width: p.Width()}
	b := docBuilder{&d}
	d.Lines = append(d.Lines, DocLine{Text: sh.Name, Align: AlignCenter, Bold: true, Large: len([]rune(sh.Name))*2 <= d.Width})
	b.center(pp.T("Printer test"))
	b.rule()
	b.text(pp.T("This printer works."))
	b.text(pp.T("Characters: € ä ö ü ß Ä Ö Ü é"))
	b.pair(fmt.Sprintf("%d mm", p.Paper), pp.Time(s.Clock.Now()), false)
	b.pair(pp.T("Total"), pp.Money(123456, sh.currencyOr()), true)
	d.Lines = append(d.Lines, DocLine{QR: "Tally · " + sh.Name, Text: pp.T("QR code"), Align: AlignCenter})
	return s.send(ctx, PrintJob{Doc: &d, Cut: true, Kick: p.Drawer, Settings: p})
}

func (s Shop) currencyOr() Currency {
	if s.Currency.IsZero() {
		return MustCurrency("EUR")
	}
	return s.Currency
}

// ReportDoc lays a Z or X report out for a receipt roll of width
// characters, in the shop's language.
func ReportDoc(sh Shop, d DayClose, width int) Doc {
	p := PaperFor(sh)
	title := p.T("Day close (Z report)")
	if d.X {
		title = p.T("Day so far (X report)")
	}
	doc := Doc{Title: title, Width: width}
	b := docBuilder{&doc}
	doc.Lines = append(doc.Lines, DocLine{Text: sh.Name, Align: AlignCenter, Bold: true})
	for _, a := range sh.AddressLines() {
		b.center(a)
	}
	doc.Lines = append(doc.Lines, DocLine{Text: title, Align: AlignCenter, Bold: true})
	b.rule()
	for _, r := range d.LinesIn(p) {
		b.pair(r[0], r[1], false)
	}
	b.rule()
	return doc
}

// PrintReport prints a Z or X report on the till's printer.
func (s *RegisterService) PrintReport(ctx context.Context, d DayClose) error {
	p, rs, err := s.printerOf(ctx)
	if err != nil {
		return err
	}
	doc := ReportDoc(rs.ShopAsUsed(), d, p.Width())
	return s.send(ctx, PrintJob{Doc: &doc, Cut: true, Settings: p})
}
