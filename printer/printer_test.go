package printer_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/image/font/gofont/gomono"

	"tally/domain"
	"tally/printer"
)

var ctx = context.Background()

// receiptJob is a German receipt with every kind of line: the shop's name
// large, umlauts and the euro sign, a QR code, the drawer kicked, the cut.
func receiptJob(t *testing.T, s domain.PrinterSettings) domain.PrintJob {
	t.Helper()
	cart := domain.Cart{Currency: domain.MustCurrency("EUR"), TaxInclusive: true, Lines: []domain.SaleLine{
		{Description: "Käsebrötchen", Quantity: 2, UnitPrice: 350, TaxRate: 70000},
		{Description: "Süßer Saft", Quantity: 1, UnitPrice: 1234, TaxRate: 190000}}}
	tot := cart.Totals()
	sale := domain.Sale{Number: 7, Till: "Kasse 1", Created: time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC), Cart: cart, Totals: tot, Status: domain.SalePaid,
		Attempts: []domain.Attempt{{Kind: domain.MethodCash, MethodName: "Bar", Status: domain.AttemptSucceeded, Amount: domain.Money{Amount: tot.Total, Currency: cart.Currency}, Tendered: 2000, Change: 2000 - tot.Total}}}
	shop := domain.Shop{Name: "Café Grün", Country: "DE", TimeZone: "Europe/Berlin", Street: "Weißer Weg 5", PostalCode: "80331", City: "München", VATID: "DE123456789"}
	d := domain.ReceiptDoc(shop, sale, s.Width())
	d.Lines = append(d.Lines, domain.DocLine{QR: "V0;Kasse 1;Kassenbeleg-V1;€", Text: "QR", Align: domain.AlignCenter})
	return domain.PrintJob{Doc: &d, Cut: true, Kick: true, Settings: s}
}

// checkReceipt asserts what a printer printed from receiptJob.
func checkReceipt(t *testing.T, p printer.Printed, width int) {
	t.Helper()
	if p.CodePage != 19 {
		t.Errorf("code page %d, want 19 (PC858)", p.CodePage)
	}
	if p.Cuts != 1 || p.Kicks != 1 || len(p.QRs) != 1 || p.QRs[0] != "V0;Kasse 1;Kassenbeleg-V1;€" && p.QRs[0] != "V0;Kasse 1;Kassenbeleg-V1;\xe2\x82\xac" {
		t.Errorf("cuts %d, kicks %d, QRs %q", p.Cuts, p.Kicks, p.QRs)
	}
	text := p.Text()
	for _, want := range []string{"Café Grün", "Weißer Weg 5", "80331 München", "USt-IdNr. DE123456789", "Käsebrötchen", "2 × 3,50", "Süßer Saft", "12,34 A",
		"Summe EUR", "19,34", "Rückgeld", "0,66", "Vielen Dank"} {
		if !strings.Contains(text, want) {
			t.Errorf("printed text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "?") {
		t.Errorf("a character did not print:\n%s", text)
	}
	for _, l := range p.Lines {
		max := width
		if l.Large {
			max = width / 2
		}
		if n := len([]rune(l.Text)); n > max {
			t.Errorf("line of %d characters on a %d-character roll: %q", n, max, l.Text)
		}
		if l.Text == "Café Grün" && (!l.Large || !l.Bold || l.Align != 1) {
			t.Errorf("the shop's name is not large, bold and centred: %+v", l)
		}
	}
}

// The contract: every way of reaching a printer prints the same receipt.
func TestPrinterContract(t *testing.T) {
	for _, paper := range []int{80, 58} {
		t.Run("Network", func(t *testing.T) {
			f, err := printer.NewFake()
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			s := domain.PrinterSettings{Kind: domain.PrinterNetwork, Address: f.Addr(), Paper: paper}
			if err := (printer.ESCPOS{}).Send(ctx, receiptJob(t, s)); err != nil {
				t.Fatal(err)
			}
			if !f.Wait(5 * time.Second) {
				t.Fatal("the printer got nothing")
			}
			p, _, err := f.Last()
			if err != nil {
				t.Fatal(err)
			}
			checkReceipt(t, p, s.Width())
		})
		t.Run("USB", func(t *testing.T) {
			dev := filepath.Join(t.TempDir(), "lp0")
			if err := os.WriteFile(dev, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			s := domain.PrinterSettings{Kind: domain.PrinterUSB, Address: dev, Paper: paper}
			if err := (printer.ESCPOS{}).Send(ctx, receiptJob(t, s)); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(dev)
			if err != nil {
				t.Fatal(err)
			}
			p, err := printer.Decode(b)
			if err != nil {
				t.Fatal(err)
			}
			checkReceipt(t, p, s.Width())
		})
	}
}

// TestPrinterFailures: a printer that is off, out of paper, offline or
// unplugged gets a message saying what to do, and prints nothing.
func TestPrinterFailures(t *testing.T) {
	f, err := printer.NewFake()
	if err != nil {
		t.Fatal(err)
	}
	s := domain.PrinterSettings{Kind: domain.PrinterNetwork, Address: f.Addr(), Paper: 80}
	send := func() error { return (printer.ESCPOS{Timeout: time.Second}).Send(ctx, receiptJob(t, s)) }
	f.SetPaperOut(true)
	if err := send(); domain.ErrorCode(err) != domain.EUNAVAILABLE || !strings.Contains(domain.ErrorMessage(err), "out of paper") {
		t.Fatalf("paper out: %v", err)
	}
	f.SetPaperOut(false)
	f.SetOffline(true)
	if err := send(); domain.ErrorCode(err) != domain.EUNAVAILABLE || !strings.Contains(domain.ErrorMessage(err), "offline") {
		t.Fatalf("offline: %v", err)
	}
	if len(f.Jobs()) != 0 {
		t.Fatalf("a refused job printed: %d jobs", len(f.Jobs()))
	}
	f.SetOffline(false)
	if err := send(); err != nil {
		t.Fatalf("after a new roll: %v", err)
	}
	f.Close()
	if err := send(); domain.ErrorCode(err) != domain.EUNAVAILABLE || !strings.Contains(domain.ErrorMessage(err), "does not answer") {
		t.Fatalf("switched off: %v", err)
	}
	usb := domain.PrinterSettings{Kind: domain.PrinterUSB, Address: filepath.Join(t.TempDir(), "missing", "lp0"), Paper: 80}
	if err := (printer.ESCPOS{}).Send(ctx, receiptJob(t, usb)); domain.ErrorCode(err) != domain.EUNAVAILABLE || !strings.Contains(domain.ErrorMessage(err), "plugged in") {
		t.Fatalf("unplugged: %v", err)
	}
}

func TestAddressTakesTheRawPort(t *testing.T) {
	for in, want := range map[string]string{"192.168.1.50": "192.168.1.50:9100", "printer.local:9101": "printer.local:9101", "fe80::1": "[fe80::1]:9100"} {
		if got := printer.Address(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

func TestLogoPrintsAsRaster(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 1000, 40))
	for x := range 1000 {
		for y := range 40 {
			img.SetGray(x, y, color.Gray{Y: uint8(255 * (x / 100 % 2))})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	d := domain.Doc{Width: 32, Logo: b.Bytes(), Lines: []domain.DocLine{{Text: "x"}}}
	p, err := printer.Decode(printer.Encode(domain.PrintJob{Doc: &d, Settings: domain.PrinterSettings{Paper: 58}}))
	if err != nil {
		t.Fatal(err)
	}
	if p.Logos != 1 || p.Lines[0].Logo == nil || p.Lines[0].Logo.W > 384 || p.Lines[0].Logo.H == 0 {
		t.Fatalf("%+v", p)
	}
	// The first band of 100 pixels is black, the second white.
	if p.Lines[0].Logo.Bits[0] != 0xff {
		t.Fatalf("first byte %#x", p.Lines[0].Logo.Bits[0])
	}
}

func FuzzDecode(f *testing.F) {
	d := domain.Doc{Width: 32, Lines: []domain.DocLine{{Text: "Grüße €", Bold: true}, {QR: "x"}, {Rule: true}}}
	f.Add(printer.Encode(domain.PrintJob{Doc: &d, Cut: true, Kick: true}))
	f.Add([]byte{0x1d, '(', 'k', 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := printer.Decode(b)
		if err == nil && len(p.Lines) > len(b)+1 {
			t.Fatalf("%d lines from %d bytes", len(p.Lines), len(b))
		}
	})
}

// TestRenderDrawsThePaper: the picture of a printed receipt is as wide as
// the paper, has ink on it, the QR code reads back.
func TestRenderDrawsThePaper(t *testing.T) {
	s := domain.PrinterSettings{Kind: domain.PrinterUSB, Paper: 80}
	p, err := printer.Decode(printer.Encode(receiptJob(t, s)))
	if err != nil {
		t.Fatal(err)
	}
	img, err := printer.Render(p, s.Width(), 576, gomono.TTF)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if b.Dx() != 576+48 || b.Dy() < 600 {
		t.Fatalf("picture %v", b)
	}
	dark := 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			if r, _, _, _ := img.At(x, y).RGBA(); r < 0x4000 {
				dark++
			}
		}
	}
	if dark < 2000 {
		t.Fatalf("hardly any ink: %d dark dots", dark)
	}
	if _, err := printer.Render(p, 48, 576, []byte("not a font")); err == nil {
		t.Fatal("a broken font was taken")
	}
}
