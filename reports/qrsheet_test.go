package reports

import (
	"bytes"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// TestQRSheetDecodes prints the sheet as a printer would (poppler's
// pdftoppm, installed by scripts/test.sh, renders the PDF at 150 dpi) and
// reads the QR code off the picture: it is the invoice's payment page.
func TestQRSheetDecodes(t *testing.T) {
	url := "https://invoice.stripe.com/i/acct_1Nv0FGQ9RKHgCVdK/test_YWNjdF8xTnYwRkdROVJLSGdDVmRLLF9QbHpOOXZzRXp4NWFMYnVwQjVxMWZ0bTdaRTJ2a1dlLDEyOTQ3MjM0OA0200"
	var buf bytes.Buffer
	if err := WriteQRSheet(&buf, "Invoice SIM-0001", []string{"Tally Demo Shop", "", "For: Acme GmbH", "Amount due: 108,00 €"}, url); err != nil {
		t.Fatal(err)
	}
	pdftoppm, err := exec.LookPath("pdftoppm")
	if err != nil {
		t.Fatal("pdftoppm is missing: scripts/test.sh installs poppler-utils")
	}
	dir := t.TempDir()
	pdf := filepath.Join(dir, "sheet.pdf")
	if err := os.WriteFile(pdf, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(pdftoppm, "-r", "150", "-png", "-singlefile", pdf, filepath.Join(dir, "sheet")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	f, err := os.Open(filepath.Join(dir, "sheet.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	got, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("no QR code on the printed sheet: %v", err)
	}
	if got.GetText() != url {
		t.Fatalf("QR code says %q, want %q", got.GetText(), url)
	}
	if text, err := exec.Command("pdftotext", pdf, "-").Output(); err != nil || !strings.Contains(string(text), "Amount due: 108,00 €") || !strings.Contains(string(text), "Invoice SIM-0001") {
		t.Fatalf("sheet text %q %v", text, err)
	}
}
