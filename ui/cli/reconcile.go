package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

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
const ExportUsage = `tally export [--db PATH] --format FORMAT --out FILE [--from DAY --to DAY]
  Writes the journal, or the Stripe balance as a bank account. FORMAT is:
    xlsx        a workbook with a sheet per month and a Payouts sheet
    csv         one row per posting
    hledger     an hledger journal (hledger -f FILE bal reads it)
    datev       a DATEV Buchungsstapel (EXTF, Windows-1252) for the tax adviser
    camt053     ISO 20022 camt.053.001.02 bank statements, one per month and
                currency, for Odoo, Xero, Lexoffice and other bookkeeping software
    camt053.08  the same as camt.053.001.08
    ofx         OFX 2.2, for software that reads only that
  --from and --to (YYYY-MM-DD, both days included, in the shop's time zone)
  bound what is written; a DATEV batch without them holds the financial year of
  the latest entry (within one calendar year, as DATEV asks).
  DATEV: --consultant N --client N (from the tax adviser), --chart skr03|skr04,
  --year-start MONTH, --account-length N and --accounts "4000=8400,6100=4970"
  override the saved DATEV settings for this export; --save keeps them. A batch
  is in one currency: the shop's, or --currency USD.`

// Export runs `tally export`.
func Export(ctx context.Context, svc Services, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	format := fs.String("format", "", "")
	out := fs.String("out", "", "")
	fs.StringVar(out, "o", "", "")
	from := fs.String("from", "", "")
	to := fs.String("to", "", "")
	consultant := fs.Int("consultant", 0, "")
	client := fs.Int("client", 0, "")
	chart := fs.String("chart", "", "")
	yearStart := fs.String("year-start", "", "")
	length := fs.Int("account-length", 0, "")
	accounts := fs.String("accounts", "", "")
	save := fs.Bool("save", false, "")
	currency := fs.String("currency", "", "")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%v\n\n%s", err, ExportUsage)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unknown argument %q\n\n%s", fs.Arg(0), ExportUsage)
	}
	if *format == "" || *out == "" {
		return fmt.Errorf("export needs --format and --out\n\n%s", ExportUsage)
	}
	known := false
	for _, f := range domain.ExportFormats {
		known = known || f == *format
	}
	if !known {
		return fmt.Errorf("unknown format %q: use %s", *format, strings.Join(domain.ExportFormats, ", "))
	}
	shop, err := svc.Settings.Shop(ctx)
	if err != nil {
		return err
	}
	opt := domain.ExportOptions{Format: *format, Location: shop.Location()}
	if *from != "" || *to != "" {
		if opt.From, err = parseDay(*from, opt.Location); err == nil {
			opt.To, err = parseDay(*to, opt.Location)
		}
		if err != nil {
			return fmt.Errorf("--from and --to take days as YYYY-MM-DD: %w", err)
		}
		opt.To = opt.To.AddDate(0, 0, 1)
		if !opt.To.After(opt.From) {
			return fmt.Errorf("--to is before --from")
		}
	}
	if *format == domain.FormatDATEV {
		d, err := svc.Reconcile.DATEVSettings(ctx)
		if err != nil {
			return err
		}
		if *consultant != 0 {
			d.Consultant = *consultant
		}
		if *client != 0 {
			d.Client = *client
		}
		switch strings.ToLower(*chart) {
		case "":
		case "skr03", "03":
			d.Chart = domain.ChartSKR03
		case "skr04", "04":
			d.Chart = domain.ChartSKR04
		default:
			return fmt.Errorf("--chart is skr03 or skr04, not %q", *chart)
		}
		if *yearStart != "" {
			if d.YearStart, err = domain.ParseMonth(*yearStart); err != nil {
				return err
			}
		}
		if *length != 0 {
			d.AccountLength = *length
		}
		if *accounts != "" {
			m, err := domain.ParseAccounts(*accounts)
			if err != nil {
				return err
			}
			if d.Accounts == nil {
				d.Accounts = map[string]string{}
			}
			for k, v := range m {
				d.Accounts[k] = v
			}
		}
		if *save {
			if err := svc.Reconcile.SaveDATEVSettings(ctx, d); err != nil {
				return err
			}
		}
		opt.DATEV = d
		opt.Currency = strings.ToUpper(*currency)
	}
	// Write beside the target and rename at the end: a failed export leaves no half file.
	var res domain.ExportResult
	if err := writeFile(*out, func(w io.Writer) (err error) {
		res, err = svc.Reconcile.ExportWith(ctx, opt, w)
		return err
	}); err != nil {
		return err
	}
	if left := res.Left(); left != "" {
		fmt.Fprintf(stdout, "%s written to %s; %s.\n", res, *out, left)
	} else {
		fmt.Fprintf(stdout, "%s written to %s.\n", res, *out)
	}
	return nil
}

// parseDay reads a day, YYYY-MM-DD, in loc.
func parseDay(s string, loc *time.Location) (time.Time, error) {
	return time.ParseInLocation("2006-01-02", s, loc)
}
