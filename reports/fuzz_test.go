package reports

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf16"

	"tally/domain"
)

// drain reads every record; it must never panic, and every failure must be
// a domain error or a *ParseError, never a raw one.
func drain(t *testing.T, name string, data []byte) {
	rd, err := Parser{XLSXUnzipLimit: 64 << 20}.Open(context.Background(), name, bytes.NewReader(data), domain.ImportOptions{Currency: domain.MustCurrency("EUR")})
	if err != nil {
		if domain.ErrorCode(err) == domain.EINTERNAL {
			t.Fatalf("open: an unexplained error: %v", err)
		}
		return
	}
	defer rd.Close()
	for i := 0; i < 100000; i++ {
		rec, err := rd.Next()
		if err == io.EOF {
			return
		}
		var pe *domain.ParseError
		if errors.As(err, &pe) {
			continue
		}
		if err != nil {
			if domain.ErrorCode(err) == domain.EINTERNAL {
				t.Fatalf("next: an unexplained error: %v", err)
			}
			return
		}
		if rec.Balance != nil {
			if err := rec.Balance.Validate(); err != nil {
				t.Fatalf("a line that does not add up came through: %+v: %v", rec.Balance, err)
			}
		}
	}
}

func FuzzCSV(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(samplesDir(f), "*.csv"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for _, g := range golden {
		f.Add([]byte(g.content))
	}
	// As spreadsheets re-save them: ';' and Windows-1252, UTF-16 with tabs.
	f.Add([]byte("balance_transaction_id;created;available_on;currency;gross;fee;net;reporting_category;description\r\n" +
		"txn_1;02.11.2025 03:19;08.11.2025 16:00;eur;1.294,80;14,39;1.280,41;charge;Caf\xe9 \x80\r\n"))
	u16 := []byte{0xff, 0xfe}
	for _, u := range utf16.Encode([]rune("id\tType\tAmount\tFee\tNet\tCurrency\tCreated (UTC)\ntxn_1\tcharge\t10.00\t1.00\t9.00\tusd\t11/2/2025 3:19 PM\t茶 🍵\n")) {
		u16 = append(u16, byte(u), byte(u>>8))
	}
	f.Add(u16)
	f.Fuzz(func(t *testing.T, data []byte) { drain(t, "fuzz.csv", data) })
}

func FuzzXLSX(f *testing.F) {
	for _, g := range golden[:4] {
		b, err := xlsxBytes(g.content)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		done := make(chan struct{})
		go func() { defer close(done); drain(t, "fuzz.xlsx", data) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = os.WriteFile(filepath.Join(os.TempDir(), "tally-xlsx-hang.xlsx"), data, 0o600)
			t.Fatalf("reading a %d-byte input took over 10 s", len(data))
		}
	})
}
