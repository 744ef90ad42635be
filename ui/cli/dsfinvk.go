package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"tally/domain"
)

// DSFinVKUsage documents `tally dsfinvk`.
const DSFinVKUsage = `tally dsfinvk [--db PATH] --from DAY --to DAY --out FILE.zip
  Writes the DSFinV-K export a German tax office asks of the till: the day
  closes (Kassenabschlüsse) from --from to --to (YYYY-MM-DD, both included, in
  the shop's time zone) with every receipt, line, payment, TSE transaction and
  cash movement, as the DSFinV-K's CSV files and index.xml, zipped.`

// DSFinVK runs `tally dsfinvk`.
func DSFinVK(ctx context.Context, svc Services, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("dsfinvk", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	from := fs.String("from", "", "")
	to := fs.String("to", "", "")
	out := fs.String("out", "", "")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%v\n\n%s", err, DSFinVKUsage)
	}
	if fs.NArg() > 0 || *from == "" || *to == "" || *out == "" {
		return fmt.Errorf("dsfinvk needs --from, --to and --out\n\n%s", DSFinVKUsage)
	}
	shop, err := svc.Settings.Shop(ctx)
	if err != nil {
		return err
	}
	loc := shop.Location()
	f, err := time.ParseInLocation("2006-01-02", *from, loc)
	if err != nil {
		return fmt.Errorf("--from takes a day as YYYY-MM-DD: %w", err)
	}
	t, err := time.ParseInLocation("2006-01-02", *to, loc)
	if err != nil {
		return fmt.Errorf("--to takes a day as YYYY-MM-DD: %w", err)
	}
	if t.Before(f) {
		return fmt.Errorf("--to is before --from")
	}
	var d domain.DSFinVKData
	if err := writeFile(*out, func(w io.Writer) (err error) {
		d, err = svc.Register.DSFinVK(ctx, f, t.AddDate(0, 0, 1), svc.Version, w)
		return err
	}); err != nil {
		return err
	}
	sales := 0
	for _, c := range d.Closes {
		sales += len(c.Sales)
	}
	fmt.Fprintf(stdout, "%d day closes with %d receipts of %s written to %s\n", len(d.Closes), sales, d.Till, *out)
	return nil
}
