package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"tally/domain"
)

// ReconcileUsage documents `tally reconcile`.
const ReconcileUsage = `tally reconcile [--db PATH]
  Books every imported line not booked yet, then prints the account balances
  and checks each payout against the lines it pays out.`

// Reconcile runs `tally reconcile`.
func Reconcile(ctx context.Context, svc Services, args []string, stdout io.Writer) error {
	if len(args) > 0 {
		return fmt.Errorf("reconcile takes no arguments\n\n%s", ReconcileUsage)
	}
	res, err := svc.Reconcile.Reconcile(ctx)
	if err != nil {
		return err
	}
	c := res.Counts
	fmt.Fprintf(stdout, "%d lines booked now; %d of %d bookable lines are booked, %d in Stripe suspense (need a rule or a decision).\n",
		res.Booked, c.Booked, c.Bookable, c.Suspense)
	if n := c.Lines - c.Bookable; n > 0 {
		fmt.Fprintf(stdout, "%d lines record no money movement and are kept unbooked.\n", n)
	}
	if res.RefundsBooked > 0 {
		fmt.Fprintf(stdout, "%d register refunds booked.\n", res.RefundsBooked)
	}
	if res.InvoiceEntries > 0 {
		fmt.Fprintf(stdout, "%d invoice entries booked (issued, paid, void or written off).\n", res.InvoiceEntries)
	}
	if res.SalesBooked > 0 || res.MatchedToSales > 0 {
		fmt.Fprintf(stdout, "%d register sales booked; %d charge lines matched a register sale and cleared Outstanding receipts.\n", res.SalesBooked, res.MatchedToSales)
	}
	sum, err := svc.Reconcile.Summary(ctx)
	if err != nil {
		return err
	}
	if m := sum.Matches; m.Charges > 0 {
		fmt.Fprintf(stdout, "%d of %d charge lines matched to a payment record (Payments export) by Stripe id.\n", m.Matched, m.Charges)
	}
	bals := sum.Balances
	for _, c := range sum.Summaries {
		fmt.Fprintf(stdout, "Balance summary %s to %s (%s): %s.\n", c.From.Format("2006-01-02"), c.To.AddDate(0, 0, -1).Format("2006-01-02"), c.Currency, c.Status())
	}
	fmt.Fprintln(stdout, "\nBalances:")
	for _, b := range bals {
		fmt.Fprintf(stdout, "  %-6s %-24s %20s\n", b.Account, b.Name, b.Balance)
	}
	if len(res.Payouts) > 0 {
		bad := 0
		fmt.Fprintln(stdout, "\nPayouts:")
		for _, p := range res.Payouts {
			if p.PayoutLines > 0 && p.Lines > 0 && !p.OK() {
				bad++
			}
			fmt.Fprintf(stdout, "  %s %s %s: %s\n", p.Date.Format("2006-01-02"), p.PayoutID,
				domain.Money{Amount: p.Paid, Currency: p.Currency}, p.Status())
		}
		if bad > 0 {
			return fmt.Errorf("%d payouts do not add up: see the list above", bad)
		}
	}
	return nil
}

// ExportUsage documents `tally export`.
const ExportUsage = `tally export [--db PATH] --format hledger|csv|xlsx --out FILE
  Writes the journal: an hledger journal (hledger -f FILE bal reads it), a CSV
  with one row per posting, or a workbook with a sheet per month and a Payouts
  sheet with each payout's check.`

// Export runs `tally export`.
func Export(ctx context.Context, svc Services, args []string, stdout io.Writer) error {
	format, out := "", ""
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "--format", "-format":
			if i+1 < len(args) {
				format, i = args[i+1], i+1
			}
		case "--out", "-out", "-o":
			if i+1 < len(args) {
				out, i = args[i+1], i+1
			}
		default:
			return fmt.Errorf("unknown argument %q\n\n%s", args[i], ExportUsage)
		}
	}
	if format == "" || out == "" {
		return fmt.Errorf("export needs --format and --out\n\n%s", ExportUsage)
	}
	// Write beside the target and rename at the end: a failed export leaves no half file.
	tmp, err := os.CreateTemp(filepath.Dir(out), ".tally-export-*")
	if err != nil {
		return fmt.Errorf("create %s: %w", out, err)
	}
	defer os.Remove(tmp.Name())
	n, err := svc.Reconcile.Export(ctx, format, tmp)
	if err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	fmt.Fprintf(stdout, "%d entries written to %s\n", n, out)
	return nil
}
