package reports

import (
	"bytes"
	"context"
	"io"
	"strconv"
	"strings"
	"testing"

	"tally/domain"
)

// synthetic builds an n-line balance-change export like scripts/genstripe's.
func synthetic(n int) []byte {
	var b bytes.Buffer
	b.WriteString("balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,reporting_category,source_id,description,customer_email,payment_metadata[order_id]\n")
	for i := 0; i < n; i++ {
		id := strconv.Itoa(1000000 + i)
		b.WriteString("txn_" + id + ",2025-11-02 03:19:33,2025-11-09 00:00:00,eur,294.80,14.39,280.41,charge,ch_" + id + ",Order " + id + ",c" + id + "@example.com," + id + "\n")
	}
	return b.Bytes()
}

func BenchmarkReadCSV(b *testing.B) {
	data := synthetic(100000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		rd, err := Parser{}.Open(context.Background(), "bench.csv", bytes.NewReader(data), domain.ImportOptions{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, err := rd.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 100000 {
			b.Fatalf("%d rows", n)
		}
	}
}

func BenchmarkParseAmount(b *testing.B) {
	vals := strings.Fields("294.80 -14.39 0.00 1234567.89 -0.09")
	for b.Loop() {
		for _, v := range vals {
			if _, err := domain.ParseAmount(v, 2); err != nil {
				b.Fatal(err)
			}
		}
	}
}
