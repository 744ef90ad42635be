package domain_test

import (
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
	till, err := r.books.TillFor(ctx, domain.ModeDisabled)
	if err != nil {
		b.Fatal(err)
	}
	if err := till.SeedPayments(ctx, n, "EUR", r.cash, now); err != nil {
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
		{"search by amount", domain.PaymentFilter{Search: "2.50"}, 0},
		{"search by sale", domain.PaymentFilter{Search: "#50000"}, 0},
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
