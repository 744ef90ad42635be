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
