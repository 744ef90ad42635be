package domain_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"tally/domain"
	"tally/reports"
	"tally/storage"
)

// BenchmarkImport100k imports a 100,000-line export into a fresh database
// file each round: parsing, validation and SQLite writes, as `tally import`.
func BenchmarkImport100k(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,reporting_category,source_id,description,customer_email,payment_metadata[order_id]\n")
	for i := 0; i < 100000; i++ {
		id := strconv.Itoa(1000000 + i)
		buf.WriteString("txn_" + id + ",2025-11-02 03:19:33,2025-11-09 00:00:00,eur,294.80,14.39,280.41,charge,ch_" + id + ",Order " + id + ",c" + id + "@example.com," + id + "\n")
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	for i := 0; b.Loop(); i++ {
		db, err := storage.Open(context.Background(), filepath.Join(b.TempDir(), strconv.Itoa(i)+".db"))
		if err != nil {
			b.Fatal(err)
		}
		s := &domain.ImportService{Store: db, Parser: reports.Parser{}, Clock: domain.SystemClock{}}
		res, err := s.Import(context.Background(), domain.ImportRequest{Name: "bench.csv", Reader: bytes.NewReader(data)})
		if err != nil || res.New != 100000 {
			b.Fatalf("%+v %v", res, err)
		}
		db.Close()
	}
}

// BenchmarkReconcile100k books 100,000 imported lines.
func BenchmarkReconcile100k(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category,description\n")
	for i := 0; i < 100000; i++ {
		id := strconv.Itoa(1000000 + i)
		buf.WriteString("txn_" + id + ",2025-11-02 03:19:33,eur,294.80,14.39,280.41,charge,Order " + id + "\n")
	}
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		db, err := storage.Open(context.Background(), filepath.Join(b.TempDir(), strconv.Itoa(i)+".db"))
		if err != nil {
			b.Fatal(err)
		}
		s := &domain.ImportService{Store: db, Parser: reports.Parser{}, Clock: domain.SystemClock{}}
		if _, err := s.Import(context.Background(), domain.ImportRequest{Name: "bench.csv", Reader: bytes.NewReader(buf.Bytes())}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := (&domain.ReconcileService{Store: db}).Reconcile(context.Background())
		if err != nil || res.Booked != 100000 {
			b.Fatalf("%+v %v", res, err)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
}

// BenchmarkReconcileFile books the export named by $TALLY_BENCH_FILE (for
// example one written by scripts/genstripe), to profile booking at scale:
//
//	go run ./scripts/genstripe -lines 300000 -out /tmp/a.csv
//	TALLY_BENCH_FILE=/tmp/a.csv go test ./domain -run XXX -bench ReconcileFile -benchtime 1x -cpuprofile cpu.prof
func BenchmarkReconcileFile(b *testing.B) {
	path := os.Getenv("TALLY_BENCH_FILE")
	if path == "" {
		b.Skip("set TALLY_BENCH_FILE to an export to book")
	}
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		db, err := storage.Open(context.Background(), filepath.Join(b.TempDir(), strconv.Itoa(i)+".db"))
		if err != nil {
			b.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		s := &domain.ImportService{Store: db, Parser: reports.Parser{}, Clock: domain.SystemClock{}}
		if _, err := s.Import(context.Background(), domain.ImportRequest{Name: filepath.Base(path), Reader: f}); err != nil {
			b.Fatal(err)
		}
		f.Close()
		b.StartTimer()
		if _, err := (&domain.ReconcileService{Store: db}).Reconcile(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
}
