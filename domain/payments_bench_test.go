package domain_test

import (
	"fmt"
	"testing"
	"time"

	"tally/domain"
)

// BenchmarkPaymentsList measures what the Payments screen asks of the
// register's file with 100,000 payments: the count under a filter, the
// first page, the last page (the deepest offset), and a search by amount.
func BenchmarkPaymentsList(b *testing.B) {
	t := &testing.T{}
	r := openTill(t, b.TempDir(), &fakeClock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)})
	const n = 100_000
	now := r.clock.Now()
	if err := r.books.UpdateTill(ctx, func(tx domain.TillTx) error {
		for i := 0; i < n; i++ {
			s := domain.Sale{Till: "Till 1", Created: now, Status: domain.SalePaid, Settled: now,
				Cart:   domain.Cart{Currency: eur, TaxInclusive: true, Lines: []domain.SaleLine{{Description: "Bun", Quantity: 1, UnitPrice: 250, Net: 250, Total: 250}}},
				Totals: domain.Totals{Gross: 250, Net: 250, Total: 250}}
			if err := tx.InsertSale(&s); err != nil {
				return err
			}
			a := domain.Attempt{SaleID: s.ID, MethodID: r.cash, MethodName: "Cash", Kind: domain.MethodCash, Amount: domain.New(int64(100+i%5000), eur),
				Key: domain.IdempotencyKey(fmt.Sprintf("bench-%d", i)), Status: domain.AttemptSucceeded, Created: now.Add(time.Duration(i) * time.Second), Updated: now}
			if err := tx.InsertAttempt(&a); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name string
		f    domain.PaymentFilter
		at   int
	}{
		{"first page", domain.PaymentFilter{}, 0},
		{"last page", domain.PaymentFilter{}, n - 200},
		{"status filter, last page", domain.PaymentFilter{Status: "succeeded"}, n - 200},
		{"search by amount", domain.PaymentFilter{Search: "12.34"}, 0},
		{"date range", domain.PaymentFilter{From: now.Add(50_000 * time.Second), To: now.Add(60_000 * time.Second)}, 0},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := r.pay.Count(ctx, c.f); err != nil {
					b.Fatal(err)
				}
				if _, err := r.pay.List(ctx, c.f, c.at, 200); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
