package domain_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"tally/domain"
	"tally/reports"
	"tally/storage"
	"tally/stripeclient"
)

// BenchmarkSaleCommitDuringImport rings up and pays a cash sale every 20 ms
// while a bookkeeper imports, then books, a large export into the same
// mode's books (1,000,000 lines; TALLY_BENCH_LINES changes it), and reports
// how long the sales took to commit: p50, p99 and the longest, in ms. The
// register's file is apart from the books, so the import's write lock never
// reaches it.
//
//	go test ./domain -run '^$' -bench SaleCommitDuringImport -benchtime 1x
func BenchmarkSaleCommitDuringImport(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("TALLY_BENCH_LINES")); err == nil && v > 0 {
		n = v
	}
	var buf bytes.Buffer
	buf.WriteString("balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category,description\n")
	for i := 0; i < n; i++ {
		id := strconv.Itoa(10000000 + i)
		buf.WriteString("txn_" + id + ",2025-11-02 03:19:33,eur,294.80,14.39,280.41,charge,Order " + id + "\n")
	}
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		sim := stripeclient.NewDemoSimulator(nil)
		conn := domain.NewConnection(gwConnector{sim}, sim)
		books, err := storage.OpenBooks(ctx, filepath.Join(dir, "tally.db"), conn.Mode)
		if err != nil {
			b.Fatal(err)
		}
		reg := &domain.RegisterService{Till: books, Store: books, Shop: books.Settings(), Connection: conn, Clock: domain.SystemClock{}}
		imports := &domain.ImportService{Store: books, Parser: reports.Parser{}, Clock: domain.SystemClock{}}
		recon := &domain.ReconcileService{Store: books}
		cart := domain.Cart{Currency: eur, TaxInclusive: true, Lines: []domain.SaleLine{{Description: "Coffee", Quantity: 1, UnitPrice: 380, TaxRate: 1350}}}
		sell := func() time.Duration {
			start := time.Now()
			s, err := reg.Checkout(ctx, cart)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := reg.PayCash(ctx, s.ID, 1, 500); err != nil {
				b.Fatal(err)
			}
			return time.Since(start)
		}
		sell() // opens the register's file
		done := make(chan error, 1)
		b.StartTimer()
		go func() {
			res, err := imports.Import(ctx, domain.ImportRequest{Name: "big.csv", Reader: bytes.NewReader(buf.Bytes())})
			if err == nil && res.New != n {
				err = domain.Errorf(domain.EINTERNAL, "imported %d of %d", res.New, n)
			}
			if err == nil {
				_, err = recon.Reconcile(ctx)
			}
			done <- err
		}()
		var took []time.Duration
	loop:
		for {
			select {
			case err := <-done:
				if err != nil {
					b.Fatal(err)
				}
				break loop
			case <-time.After(20 * time.Millisecond):
				if os.Getenv("TALLY_BENCH_NOSALES") == "" {
					took = append(took, sell())
				}
			}
		}
		b.StopTimer()
		slices.Sort(took)
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		if len(took) > 0 {
			b.ReportMetric(float64(len(took)), "sales")
			b.ReportMetric(ms(took[len(took)/2]), "p50-ms")
			b.ReportMetric(ms(took[len(took)*99/100]), "p99-ms")
			b.ReportMetric(ms(took[len(took)-1]), "max-ms")
		}
		books.Close()
		b.StartTimer()
	}
}
