package stripeclient

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/stripe/stripe-go/v79"

	"tally/domain"
)

// BalanceTransactions implements domain.Gateway.
func (c *Client) BalanceTransactions(ctx context.Context, from, to time.Time, payoutID string, fn func(domain.StatementLine) error) error {
	p := &stripe.BalanceTransactionListParams{ListParams: stripe.ListParams{Context: ctx, Limit: stripe.Int64(100)}}
	if payoutID != "" {
		p.Payout = stripe.String(payoutID)
	} else {
		p.CreatedRange = &stripe.RangeQueryParams{GreaterThanOrEqual: from.Unix(), LesserThan: to.Unix()}
	}
	p.AddExpand("data.source")
	it := c.api.BalanceTransactions.List(p)
	for it.Next() {
		if err := fn(toStatementLine(it.BalanceTransaction(), payoutID)); err != nil {
			return err
		}
	}
	if err := it.Err(); err != nil {
		return c.fail("list balance transactions", err)
	}
	return nil
}

func toStatementLine(t *stripe.BalanceTransaction, payoutID string) domain.StatementLine {
	l := domain.StatementLine{
		Key: t.ID, BalanceTxnID: t.ID, Category: string(t.ReportingCategory), Created: unix(t.Created),
		AvailableOn: unix(t.AvailableOn), Currency: currency(string(t.Currency)), Gross: t.Amount, Fee: t.Fee, Net: t.Net,
		Description: t.Description, PayoutID: payoutID, Bookable: true,
	}
	if l.Category == "" {
		l.Category = string(t.Type)
	}
	if t.Source != nil {
		l.SourceID = t.Source.ID
	}
	if l.Category == "payout" && l.PayoutID == "" {
		l.PayoutID = l.SourceID
	}
	return l
}

// CreateReportRun implements domain.Gateway.
func (c *Client) CreateReportRun(ctx context.Context, key domain.IdempotencyKey, reportType string, from, to time.Time) (domain.ReportRun, error) {
	wp, err := writeParams(ctx, key)
	if err != nil {
		return domain.ReportRun{}, err
	}
	r, err := c.api.ReportingReportRuns.New(&stripe.ReportingReportRunParams{
		Params:     wp,
		ReportType: stripe.String(reportType),
		Parameters: &stripe.ReportingReportRunParametersParams{
			IntervalStart: stripe.Int64(from.Unix()), IntervalEnd: stripe.Int64(to.Unix()), Timezone: stripe.String("UTC"),
		},
	})
	if err != nil {
		return domain.ReportRun{}, c.fail("create report run", err)
	}
	return toReportRun(r), nil
}

// ReportRun implements domain.Gateway.
func (c *Client) ReportRun(ctx context.Context, id string) (domain.ReportRun, error) {
	r, err := c.api.ReportingReportRuns.Get(id, &stripe.ReportingReportRunParams{Params: params(ctx)})
	if err != nil {
		return domain.ReportRun{}, c.fail("get report run", err)
	}
	return toReportRun(r), nil
}

func toReportRun(r *stripe.ReportingReportRun) domain.ReportRun {
	out := domain.ReportRun{ID: r.ID, ReportType: r.ReportType, Status: string(r.Status), Error: r.Error}
	if r.Result != nil {
		out.FileURL, out.FileName = r.Result.URL, r.Result.Filename
	}
	return out
}

// DownloadReport implements domain.Gateway. stripe-go has no helper for
// file contents: it is a GET of the file's URL with the secret key.
func (c *Client) DownloadReport(ctx context.Context, run domain.ReportRun) (io.ReadCloser, error) {
	if run.FileURL == "" {
		return nil, domain.Errorf(domain.ECONFLICT, "The report is not ready yet (status %s).", run.Status)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, run.FileURL, nil)
	if err != nil {
		return nil, fmt.Errorf("download report: %w", err)
	}
	req.SetBasicAuth(c.key, "")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.fail("download report", err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, c.fail("download report", &stripe.Error{HTTPStatusCode: resp.StatusCode, Type: stripe.ErrorTypeAPI,
			Msg: fmt.Sprintf("the report file answered %s", resp.Status)})
	}
	return resp.Body, nil
}
