package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"tally/domain"
)

// BenchmarkAllDayTill is a shop's day compressed: the register rings up
// and pays 5,000 sales by card on the simulated reader (TALLY_BENCH_SALES
// changes it), as a cashier does it by keyboard, with Stripe's events
// polled every ten sales, and compares the first 500 sales with the last
// 500: the latency of a sale (the code scanned and Enter pressed to the
// total shown; Charge pressed to the reader's action requested on the
// simulator), the heap after a collection, and the files' sizes.
//
// Fyne keeps a widget's renderer for a minute after it was last drawn
// (FYNE_CACHE); a day compressed into a minute or two is run with that
// time compressed too, or the benchmark would count as kept what a till
// drops within a minute:
//
//	FYNE_CACHE=2s go test ./ui -run '^$' -bench AllDayTill -benchtime 1x
func BenchmarkAllDayTill(b *testing.B) {
	n := 5000
	if v, err := strconv.Atoi(os.Getenv("TALLY_BENCH_SALES")); err == nil && v >= 1000 {
		n = v
	}
	const window = 500
	ctx := context.Background()
	for range b.N {
		b.StopTimer()
		f := buildFixture(b, false)
		s := f.registerScreen(b)
		dir := filepath.Dir(f.svc.DataPath)
		type sample struct{ total, reader time.Duration }
		samples := make([]sample, 0, n)
		var heap [2]uint64
		var files [2]int64
		measure := func(i int) {
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			heap[i] = m.HeapAlloc
			files[i] = 0
			list, _ := filepath.Glob(filepath.Join(dir, "*"))
			for _, p := range list {
				if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
					files[i] += fi.Size()
				}
			}
		}
		b.StartTimer()
		for i := range n {
			if i == window {
				measure(0)
			}
			t0 := time.Now()
			test.Type(s.scan, "2000000000015")
			s.scan.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			if !strings.Contains(s.total.String(), "Total 2.50 EUR") {
				b.Fatalf("sale %d: total %q", i+1, s.total.String())
			}
			t1 := time.Now()
			s.scan.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF10})
			if s.attempt == nil || s.attempt.Attempt.Stage != domain.StageOnReader {
				b.Fatalf("sale %d: the reader was not asked: %+v (%s)", i+1, s.attempt, s.status.msg.Text)
			}
			t2 := time.Now()
			samples = append(samples, sample{t1.Sub(t0), t2.Sub(t1)})
			test.Tap(s.pay.cardBtns[0]) // the customer taps
			if s.sale == nil || s.sale.Status != domain.SalePaid {
				b.Fatalf("sale %d not paid: %s", i+1, s.status.msg.Text)
			}
			if i%100 == 99 {
				// A paint, as the window's loop makes sixty a second: it lets
				// Fyne drop the renderers of widgets gone for FYNE_CACHE.
				s.win.Canvas().Capture()
			}
			if i%10 == 9 {
				if _, err := f.svc.Events.Sync(ctx); err != nil {
					b.Fatalf("events: %v", err)
				}
			}
			s.scan.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF12})
		}
		b.StopTimer()
		measure(1)
		pct := func(ss []sample, pick func(sample) time.Duration, p float64) float64 {
			ds := make([]time.Duration, len(ss))
			for i, s := range ss {
				ds[i] = pick(s)
			}
			slices.Sort(ds)
			return float64(ds[int(p*float64(len(ds)-1))].Microseconds()) / 1000
		}
		total := func(s sample) time.Duration { return s.total }
		reader := func(s sample) time.Duration { return s.reader }
		first, last := samples[:window], samples[len(samples)-window:]
		b.Logf("%d sales paid by card, events synced every 10", n)
		b.Logf("%-34s %12s %12s", "", fmt.Sprintf("sales 1-%d", window), fmt.Sprintf("sales %d-%d", n-window+1, n))
		b.Logf("%-34s %12.2f %12.2f", "scan to total, p50 ms", pct(first, total, .5), pct(last, total, .5))
		b.Logf("%-34s %12.2f %12.2f", "scan to total, p99 ms", pct(first, total, .99), pct(last, total, .99))
		b.Logf("%-34s %12.2f %12.2f", "Charge to reader asked, p50 ms", pct(first, reader, .5), pct(last, reader, .5))
		b.Logf("%-34s %12.2f %12.2f", "Charge to reader asked, p99 ms", pct(first, reader, .99), pct(last, reader, .99))
		b.Logf("%-34s %12.1f %12.1f", "heap after GC, MB (after sale)", float64(heap[0])/(1<<20), float64(heap[1])/(1<<20))
		b.Logf("%-34s %12.1f %12.1f", "files in the data folder, MB", float64(files[0])/(1<<20), float64(files[1])/(1<<20))
		b.ReportMetric(pct(last, total, .5)/pct(first, total, .5), "total-p50-end/start")
		b.ReportMetric(pct(last, reader, .5)/pct(first, reader, .5), "reader-p50-end/start")
		b.ReportMetric(float64(heap[1])/(1<<20), "heap-MB-end")
	}
}
