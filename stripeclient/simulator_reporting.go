package stripeclient

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

	"tally/domain"
)

// record appends a balance transaction (called with mu held).
func (s *Simulator) record(category, source, desc string, m domain.Money, fee int64, at time.Time) {
	s.txns = append(s.txns, domain.StatementLine{
		Key: s.newID("txn"), Category: category, SourceID: source, Description: desc, Currency: m.Currency,
		Gross: m.Amount, Fee: fee, Net: m.Amount - fee, Created: at.UTC().Truncate(time.Second),
		AvailableOn: at.UTC().Truncate(24*time.Hour).AddDate(0, 0, 2), Bookable: true,
	})
	s.txns[len(s.txns)-1].BalanceTxnID = s.txns[len(s.txns)-1].Key
}

// seedHistory gives demo mode a week of sales, a refund and a payout.
func (s *Simulator) seedHistory() {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.account.DefaultCurrency
	start := s.clock.Now().Truncate(24*time.Hour).AddDate(0, 0, -9)
	sales := []struct {
		desc   string
		amount int64
	}{{"Coffee beans 1 kg", 2450}, {"Espresso x2", 640}, {"Grinder", 11200}, {"Gift box", 4600}, {"Tea selection", 1990}, {"Moka pot", 6400}, {"Beans 500 g x2", 3100}}
	var net int64
	for i, sale := range sales {
		m := domain.Money{Amount: sale.amount, Currency: cur}
		fee := sale.amount*14/1000 + 25
		at := start.Add(time.Duration(i)*26*time.Hour + 9*time.Hour)
		s.record("charge", s.newID("ch"), sale.desc, m, fee, at)
		net += sale.amount - fee
	}
	s.record("refund", s.newID("re"), "REFUND FOR CHARGE (wrong order)", domain.Money{Amount: -640, Currency: cur}, 0, start.Add(40*time.Hour))
	net -= 640
	payout := s.newID("po")
	at := start.AddDate(0, 0, 8)
	for i := range s.txns {
		s.txns[i].PayoutID = payout
	}
	s.record("payout", payout, "STRIPE PAYOUT", domain.Money{Amount: -net, Currency: cur}, 0, at)
	s.txns[len(s.txns)-1].PayoutID = payout
}

// BalanceTransactions implements domain.Gateway.
func (s *Simulator) BalanceTransactions(ctx context.Context, from, to time.Time, payoutID string, fn func(domain.StatementLine) error) error {
	s.mu.Lock()
	if err := s.takeFailure(); err != nil {
		s.mu.Unlock()
		return err
	}
	var out []domain.StatementLine
	for _, t := range s.txns {
		if payoutID != "" {
			if t.PayoutID == payoutID {
				out = append(out, t)
			}
		} else if !t.Created.Before(from) && t.Created.Before(to) {
			out = append(out, t)
		}
	}
	s.mu.Unlock()
	for _, t := range out {
		if err := fn(t); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// CreateReportRun implements domain.Gateway: the simulator's reports are
// ready at once.
func (s *Simulator) CreateReportRun(ctx context.Context, key domain.IdempotencyKey, reportType string, from, to time.Time) (domain.ReportRun, error) {
	return idempotent(s, key, "create report run", func() (domain.ReportRun, error) {
		if !strings.HasPrefix(reportType, "balance_change_from_activity.itemized") && !strings.HasPrefix(reportType, "payout_reconciliation.itemized") {
			return domain.ReportRun{}, mapError(invalid("report_type", "The simulator makes itemized balance change and payout reconciliation reports only."))
		}
		id := s.newID("frr")
		run := domain.ReportRun{ID: id, ReportType: reportType, Status: "succeeded",
			FileURL:  fmt.Sprintf("sim://reports/%s?from=%d&to=%d", id, from.Unix(), to.Unix()),
			FileName: fmt.Sprintf("%s_%s_to_%s_UTC.csv", reportType, from.Format("2006-01-02"), to.AddDate(0, 0, -1).Format("2006-01-02"))}
		s.reports[id] = reportWindow{from: from, to: to, run: run}
		return run, nil
	})
}

type reportWindow struct {
	from, to time.Time
	run      domain.ReportRun
}

// ReportRun implements domain.Gateway.
func (s *Simulator) ReportRun(ctx context.Context, id string) (domain.ReportRun, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.takeFailure(); err != nil {
		return domain.ReportRun{}, err
	}
	w, ok := s.reports[id]
	if !ok {
		return domain.ReportRun{}, mapError(missing("reporting.report_run", id))
	}
	return w.run, ctx.Err()
}

// DownloadReport implements domain.Gateway: the report as Stripe writes
// the itemized balance change (with payout ids).
func (s *Simulator) DownloadReport(ctx context.Context, run domain.ReportRun) (io.ReadCloser, error) {
	s.mu.Lock()
	w, ok := s.reports[run.ID]
	if err := s.takeFailure(); err != nil {
		s.mu.Unlock()
		return nil, err
	}
	s.mu.Unlock()
	if !ok {
		return nil, mapError(missing("file", run.FileURL))
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	_ = cw.Write([]string{"balance_transaction_id", "created_utc", "available_on_utc", "currency", "gross", "fee", "net",
		"reporting_category", "source_id", "description", "automatic_payout_id"})
	err := s.BalanceTransactions(ctx, w.from, w.to, "", func(l domain.StatementLine) error {
		exp := l.Currency.Exponent()
		return cw.Write([]string{l.Key, l.Created.Format("2006-01-02 15:04:05"), l.AvailableOn.Format("2006-01-02 15:04:05"),
			l.Currency.StripeCode(), domain.FormatAmount(l.Gross, exp), domain.FormatAmount(l.Fee, exp), domain.FormatAmount(l.Net, exp),
			l.Category, l.SourceID, l.Description, l.PayoutID})
	})
	if err != nil {
		return nil, err
	}
	cw.Flush()
	return io.NopCloser(&buf), cw.Error()
}
