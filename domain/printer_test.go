package domain_test

import (
	"strings"
	"testing"
	"time"

	"tally/domain"
	"tally/printer"
)

// TestReceiptPrinter: a cash sale prints its receipt and kicks the
// drawer; a printer switched off or out of paper leaves the sale paid
// and saved, says what to do, and the receipt prints again later, from
// the sale, as it was.
func TestReceiptPrinter(t *testing.T) {
	r := newTill(t)
	r.reg.Access = r.access
	r.reg.Printers = printer.ESCPOS{Timeout: time.Second}
	f, err := printer.NewFake()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := r.reg.SavePrinterSettings(ctx, domain.PrinterSettings{Kind: domain.PrinterNetwork, Address: "", Paper: 80}); domain.ErrorCode(err) != domain.EINVALID {
		t.Fatalf("no address: %v", err)
	}
	ps := domain.PrinterSettings{Kind: domain.PrinterNetwork, Address: f.Addr(), Paper: 58, AutoPrint: true, Drawer: true}
	if err := r.reg.PrintTest(ctx, ps); err != nil {
		t.Fatal(err)
	}
	f.Wait(5 * time.Second)
	test, _, err := f.Last()
	if err != nil || !strings.Contains(test.Text(), "€ ä ö ü ß") || len(test.QRs) != 1 || test.Cuts != 1 {
		t.Fatalf("test page: %v\n%s", err, test.Text())
	}
	if err := r.reg.SavePrinterSettings(ctx, ps); err != nil {
		t.Fatal(err)
	}
	s := r.sale(970)
	res := must(t)(r.reg.PayCash(ctx, s.ID, r.cash, 1000))
	printed, err := r.reg.AfterPayment(ctx, res.Sale)
	if err != nil || !printed {
		t.Fatalf("after the cash sale: %v %v", printed, err)
	}
	f.Wait(5 * time.Second)
	p, _, err := f.Last()
	if err != nil || p.Kicks != 1 || p.Cuts != 1 || !strings.Contains(p.Text(), "sale #1") {
		t.Fatalf("receipt: %v %+v\n%s", err, p, p.Text())
	}
	for _, l := range p.Lines {
		if len([]rune(l.Text)) > domain.ReceiptWidthNarrow {
			t.Errorf("too wide for 58 mm: %q", l.Text)
		}
	}
	// Out of paper: the card sale is paid all the same; the cashier is told.
	f.SetPaperOut(true)
	s2, _ := r.cardSale(500, domain.CardSucceeds)
	_, err = r.reg.AfterPayment(ctx, s2)
	if domain.ErrorCode(err) != domain.EUNAVAILABLE || !strings.Contains(domain.ErrorMessage(err), "paper") {
		t.Fatalf("paper out: %v", err)
	}
	if got := r.saleNow(s2.ID); got.Status != domain.SalePaid {
		t.Fatalf("sale after a failed print: %s", got.Status)
	}
	f.SetPaperOut(false)
	n := len(f.Jobs())
	if err := r.reg.PrintReceipt(ctx, s2.ID, false); err != nil {
		t.Fatal(err)
	}
	f.Wait(5 * time.Second)
	if len(f.Jobs()) != n+1 {
		t.Fatalf("reprint: %d jobs", len(f.Jobs()))
	}
	p, _, _ = f.Last()
	if p.Kicks != 0 || !strings.Contains(p.Text(), "sale #2") || !strings.Contains(p.Text(), "Visa •••• 4242") && !strings.Contains(p.Text(), "Visa **** 4242") {
		t.Fatalf("reprint of a card sale:\n%s", p.Text())
	}
	// "Open drawer" is audited and kicks the drawer only.
	if err := r.reg.KickDrawer(ctx, domain.Grant{}, "change for a customer"); err != nil {
		t.Fatal(err)
	}
	f.Wait(5 * time.Second)
	p, _, _ = f.Last()
	if p.Kicks != 1 || len(p.Lines) != 0 || p.Cuts != 0 {
		t.Fatalf("drawer kick printed: %+v", p)
	}
	log, _ := r.access.AuditLog(ctx, 1)
	if len(log) != 1 || log[0].Action != "drawer_open" || !strings.Contains(log[0].Detail, "change for a customer") {
		t.Fatalf("audit: %+v", log)
	}
	// Switched off: a clear message, nothing lost.
	f.Close()
	if err := r.reg.PrintReceipt(ctx, s.ID, false); domain.ErrorCode(err) != domain.EUNAVAILABLE {
		t.Fatalf("printer off: %v", err)
	}
	// No printer: said, not failed silently.
	if err := r.reg.SavePrinterSettings(ctx, domain.PrinterSettings{Paper: 80}); err != nil {
		t.Fatal(err)
	}
	if printed, err := r.reg.AfterPayment(ctx, res.Sale); printed || err != nil {
		t.Fatalf("no printer: %v %v", printed, err)
	}
	if err := r.reg.PrintReceipt(ctx, s.ID, false); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Fatalf("reprint with no printer: %v", err)
	}
}
