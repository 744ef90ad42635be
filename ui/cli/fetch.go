package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"tally/domain"
)

// FetchUsage documents `tally fetch`.
const FetchUsage = `tally fetch [--db PATH] --from 2025-11-01 --to 2025-11-30 [--report TYPE] | --payout po_…
  Fetches from Stripe, with the saved keys (the simulator in demo mode), the
  balance transactions created from --from to --to (both days included, UTC),
  or those of one payout, and imports them like a file. With --report, Stripe's
  Reporting API makes that report (for example balance_change_from_activity.itemized.3)
  and Tally downloads and imports it.`

// Fetch runs `tally fetch`.
func Fetch(ctx context.Context, svc Services, args []string, stdout io.Writer) error {
	var req domain.FetchRequest
	var from, to string
	for i := 0; i < len(args); i++ {
		if i+1 >= len(args) {
			return fmt.Errorf("%s needs a value\n\n%s", args[i], FetchUsage)
		}
		switch args[i] {
		case "--from", "-from":
			from = args[i+1]
		case "--to", "-to":
			to = args[i+1]
		case "--payout", "-payout":
			req.PayoutID = args[i+1]
		case "--report", "-report":
			req.ReportType = args[i+1]
		default:
			return fmt.Errorf("unknown argument %q\n\n%s", args[i], FetchUsage)
		}
		i++
	}
	if req.PayoutID == "" {
		f, err1 := time.Parse("2006-01-02", from)
		t, err2 := time.Parse("2006-01-02", to)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("give --from and --to as dates like 2025-11-01, or --payout\n\n%s", FetchUsage)
		}
		req.From, req.To = f, t.AddDate(0, 0, 1)
	}
	res, err := svc.Fetch.Fetch(ctx, req)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %s\n", res.File, res)
	return nil
}
