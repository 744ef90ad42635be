package domain

import (
	"context"
	"fmt"
	"io"
	"time"
)

// ActivityPeriod is what moved in one day or month, in one currency, as
// booked: sales (Sales, credit), Stripe's fees, refunds and payouts to the
// bank, each as a positive amount in minor units.
type ActivityPeriod struct {
	Start    time.Time // the day or the month's first day, UTC
	Currency Currency
	Sales    int64
	Fees     int64
	Refunds  int64
	Payouts  int64
}

// Activity returns the booked activity by month (or by day), oldest first.
func (s *ReconcileService) Activity(ctx context.Context, monthly bool) ([]ActivityPeriod, error) {
	var out []ActivityPeriod
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.Activity(monthly)
		return err
	})
	return out, err
}

// MonthReport is one month on one page, for the shop owner who does not
// read journals: what came in, what went out, and the balances at its end.
type MonthReport struct {
	Month    time.Time // its first day, UTC
	Currency Currency
	ActivityPeriod
	Balances []AccountBalance // at the month's end, in Currency
}

// MonthReport gathers the month that starts at month (its first day) in
// currency cur.
func (s *ReconcileService) MonthReport(ctx context.Context, month time.Time, cur Currency) (MonthReport, error) {
	start := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, time.UTC)
	r := MonthReport{Month: start, Currency: cur}
	r.ActivityPeriod = ActivityPeriod{Start: start, Currency: cur}
	err := s.Store.View(ctx, func(tx Tx) error {
		all, err := tx.Activity(true)
		if err != nil {
			return err
		}
		for _, p := range all {
			if p.Start.Equal(start) && p.Currency == cur {
				r.ActivityPeriod = p
			}
		}
		bals, err := tx.AccountBalancesUntil(start.AddDate(0, 1, 0))
		if err != nil {
			return err
		}
		for _, b := range bals {
			if b.Balance.Currency == cur {
				r.Balances = append(r.Balances, b)
			}
		}
		return nil
	})
	return r, err
}

// Rows lays the report out as label and value.
func (r MonthReport) Rows() [][2]string {
	m := func(v int64) string { return New(v, r.Currency).String() }
	rows := [][2]string{
		{"Month", r.Month.Format("January 2006")},
		{"Currency", r.Currency.Code()},
		{"Sales", m(r.Sales)},
		{"Refunds", m(r.Refunds)},
		{"Stripe's fees", m(r.Fees)},
		{"Sales less refunds and fees", m(r.Sales - r.Refunds - r.Fees)},
		{"Paid out to the bank", m(r.Payouts)},
		{"", ""},
		{"Balances at the month's end", ""},
	}
	for _, b := range r.Balances {
		rows = append(rows, [2]string{b.Account + " " + b.Name, m(b.Balance.Amount)})
	}
	return rows
}

// TextLines writes the rows in two fixed-width columns, for the PDF.
func (r MonthReport) TextLines() []string {
	var out []string
	for _, row := range r.Rows() {
		out = append(out, fmt.Sprintf("%-32s %20s", row[0], row[1]))
	}
	return out
}

// MonthReportFile writes the report as pdf or xlsx.
func (s *ReconcileService) MonthReportFile(r MonthReport, format string, w io.Writer) error {
	if s.Documents == nil {
		return Errorf(EUNAVAILABLE, "This build of Tally cannot write files.")
	}
	switch format {
	case "pdf":
		return s.Documents.PDF(w, "The month in one page — "+r.Month.Format("January 2006"), r.TextLines())
	case "xlsx":
		return s.Documents.XLSX(w, r.Month.Format("2006-01"), r.Rows())
	}
	return Errorf(EINVALID, "A month report is written as pdf or xlsx, not %q.", format)
}
