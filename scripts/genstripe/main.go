// Command genstripe writes a synthetic Stripe "balance change from activity"
// itemized export (the all-columns layout) of any size, for benchmarks:
//
//	go run ./scripts/genstripe -lines 1000000 -out bench/activity_1m.csv
//	go run ./scripts/genstripe -lines 100000 -xlsx -out bench/activity_100k.xlsx
//
// The data is deterministic: the same flags write the same file.
package main

import (
	"bufio"
	"encoding/csv"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"
)

var header = []string{"balance_transaction_id", "created_utc", "available_on_utc", "currency", "gross", "fee", "net",
	"reporting_category", "source_id", "description", "customer_facing_amount", "customer_facing_currency",
	"customer_id", "customer_email", "customer_name", "charge_id", "payment_intent_id", "card_brand", "card_funding",
	"card_country", "statement_descriptor", "payment_metadata[order_id]"}

func main() {
	lines := flag.Int("lines", 100000, "data rows")
	out := flag.String("out", "", "output file")
	asXLSX := flag.Bool("xlsx", false, "write XLSX instead of CSV")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "genstripe: -out is required")
		os.Exit(2)
	}
	rows := make(chan []string, 1024)
	go generate(*lines, rows)
	var err error
	if *asXLSX {
		err = writeXLSX(*out, rows)
	} else {
		err = writeCSV(*out, rows)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "genstripe:", err)
		os.Exit(1)
	}
}

func cents(v int64) string {
	s := strconv.FormatInt(v, 10)
	neg := v < 0
	if neg {
		s = s[1:]
	}
	for len(s) < 3 {
		s = "0" + s
	}
	s = s[:len(s)-2] + "." + s[len(s)-2:]
	if neg {
		return "-" + s
	}
	return s
}

func generate(n int, rows chan<- []string) {
	defer close(rows)
	rng := rand.New(rand.NewSource(42))
	t := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		t = t.Add(time.Duration(1+rng.Intn(60)) * time.Second)
		id := fmt.Sprintf("%08d", i)
		gross, fee, cat, src := int64(100+rng.Intn(20000)), int64(0), "charge", "ch_3Sx"+id
		switch r := rng.Intn(100); {
		case r < 85:
			fee = gross*14/1000 + 25
		case r < 95:
			gross, cat, src = -gross/3, "refund", "re_3Sx"+id
		case r < 99:
			gross, fee, cat, src = -int64(1+rng.Intn(300)), 0, "fee", "fee_"+id
		default:
			gross, cat, src = -int64(10000+rng.Intn(500000)), "payout", "po_1Sx"+id
		}
		avail := t.Add(7 * 24 * time.Hour).Truncate(24 * time.Hour)
		rows <- []string{"txn_3Sx" + id, t.Format("2006-01-02 15:04:05"), avail.Format("2006-01-02 15:04:05"), "eur",
			cents(gross), cents(fee), cents(gross - fee), cat, src, "Order " + id, cents(gross), "eur",
			"cus_" + id[4:], "customer" + id[5:] + "@example.com", "Customer " + id[5:], "ch_3Sx" + id, "pi_3Sx" + id,
			"visa", "credit", "IE", "TALLY DEMO", id}
	}
}

func writeCSV(path string, rows <-chan []string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(bw)
	if err := w.Write(header); err != nil {
		return err
	}
	for r := range rows {
		if err := w.Write(r); err != nil {
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func writeXLSX(path string, rows <-chan []string) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = h
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return err
	}
	n := 2
	for r := range rows {
		cells := make([]any, len(r))
		for i, v := range r {
			cells[i] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, n)
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
		n++
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}
