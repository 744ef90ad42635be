package domain

import (
	"context"
	"fmt"
	"io"
	"time"
)

// FetchService gets statement lines straight from Stripe instead of a file:
// the balance transactions of a period (or of one payout), or a Reporting
// API report that Stripe makes and Tally downloads. Both go through the
// import, so fetching a period twice adds nothing.
type FetchService struct {
	Connection *Connection
	Import     *ImportService
	// Poll is the pause between two looks at a report run (default 2 s).
	Poll time.Duration
}

// FetchRequest names what to fetch.
type FetchRequest struct {
	From, To time.Time // [From, To), UTC
	PayoutID string    // instead of the period: the lines of one payout
	// ReportType, when set, runs that Reporting API report (for example
	// balance_change_from_activity.itemized.3) instead of listing balance
	// transactions.
	ReportType string
	Progress   func(rows int)
}

// Fetch imports what req names.
func (s *FetchService) Fetch(ctx context.Context, req FetchRequest) (ImportResult, error) {
	if req.PayoutID == "" && !req.From.Before(req.To) {
		return ImportResult{}, Errorf(EINVALID, "The period is empty: the end must come after the start.")
	}
	gw, _ := s.Connection.Gateway()
	if req.ReportType != "" {
		return s.fetchReport(ctx, gw, req)
	}
	var lines []StatementLine
	err := gw.BalanceTransactions(ctx, req.From, req.To, req.PayoutID, func(l StatementLine) error {
		lines = append(lines, l)
		if req.Progress != nil && len(lines)%1000 == 0 {
			req.Progress(len(lines))
		}
		return ctx.Err()
	})
	if err != nil {
		return ImportResult{}, err
	}
	name := fmt.Sprintf("Stripe API: balance transactions %s to %s", req.From.Format("2006-01-02"), req.To.AddDate(0, 0, -1).Format("2006-01-02"))
	if req.PayoutID != "" {
		name = "Stripe API: balance transactions of payout " + req.PayoutID
	}
	return s.Import.importRecords(ctx, name, &sliceReader{lines: lines}, nil)
}

func (s *FetchService) fetchReport(ctx context.Context, gw Gateway, req FetchRequest) (ImportResult, error) {
	// The same request within a day gets the same run back from Stripe.
	key := IdempotencyKey(fmt.Sprintf("report-%s-%d-%d", req.ReportType, req.From.Unix(), req.To.Unix()))
	run, err := gw.CreateReportRun(ctx, key, req.ReportType, req.From, req.To)
	if err != nil {
		return ImportResult{}, err
	}
	poll := s.Poll
	if poll == 0 {
		poll = 2 * time.Second
	}
	for run.Status == "pending" {
		select {
		case <-ctx.Done():
			return ImportResult{}, ctx.Err()
		case <-time.After(poll):
		}
		if run, err = gw.ReportRun(ctx, run.ID); err != nil {
			return ImportResult{}, err
		}
	}
	if run.Status != "succeeded" {
		return ImportResult{}, Errorf(EUNAVAILABLE, "Stripe could not make the report (%s): %s", run.Status, run.Error)
	}
	rc, err := gw.DownloadReport(ctx, run)
	if err != nil {
		return ImportResult{}, err
	}
	defer rc.Close()
	name := run.FileName
	if name == "" {
		name = run.ID + ".csv"
	}
	return s.Import.Import(ctx, ImportRequest{Name: name, Reader: rc, Progress: req.Progress})
}

// sliceReader is a StatementReader over lines fetched from the API.
type sliceReader struct {
	lines []StatementLine
	i     int
}

func (r *sliceReader) Format() StatementFormat {
	return StatementFormat{ID: "api.balance_transactions", Name: "Balance transactions (Stripe API)", Kind: KindBalance}
}

func (r *sliceReader) Next() (StatementRecord, error) {
	if r.i >= len(r.lines) {
		return StatementRecord{}, io.EOF
	}
	l := r.lines[r.i]
	r.i++
	return StatementRecord{Line: r.i, Balance: &l}, nil
}

func (r *sliceReader) Close() error { return nil }

// Assumed implements StatementReader: fetched lines carry their currency.
func (r *sliceReader) Assumed() Currency { return Currency{} }
