// Package cli is the bookkeeper's command line: import, reconcile, export.
// Like the screens, it calls domain services only.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"tally/domain"
)

// Services are the domain services the commands use.
type Services struct {
	Import    *domain.ImportService
	Reconcile *domain.ReconcileService
	Fetch     *domain.FetchService
	Settings  *domain.SettingsService
	Events    *domain.EventService
	Webhook   *domain.WebhookService
	Doctor    *domain.DoctorService
	Register  *domain.RegisterService
	// Version is the program's, as exports name it.
	Version string
	// Books is the mode whose books the command works on.
	Books domain.Mode
	// Log, when set, gets the cause of an error inside Tally.
	Log *slog.Logger
}

// ImportUsage documents `tally import`.
const ImportUsage = `tally import [--db PATH] [--currency EUR] [--day-first|--month-first] [--tz ZONE] FILE...
  Imports Stripe exports (CSV or XLSX), each file in one transaction, and prints
  "N lines, M new" per file. --currency is for files without a currency column;
  --tz is the zone of times that do not say theirs (default: the zone in the file
  name, else UTC); --day-first/--month-first settle dates like 03/04/2024.`

// Import runs `tally import`. It imports every file, then fails if any failed.
func Import(ctx context.Context, svc Services, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cur := fs.String("currency", "", "currency of files without a currency column")
	dayFirst := fs.Bool("day-first", false, "dates like 03/04/2024 are day first")
	monthFirst := fs.Bool("month-first", false, "dates like 03/04/2024 are month first")
	tz := fs.String("tz", "", "time zone of times without one")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w\n\n%s", err, ImportUsage)
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("import needs at least one file\n\n%s", ImportUsage)
	}
	var opt domain.ImportOptions
	if *cur != "" {
		c, err := domain.CurrencyOf(*cur)
		if err != nil {
			return err
		}
		opt.Currency = c
	}
	switch {
	case *dayFirst && *monthFirst:
		return errors.New("choose --day-first or --month-first, not both")
	case *dayFirst:
		opt.DateOrder = domain.DateDayFirst
	case *monthFirst:
		opt.DateOrder = domain.DateMonthFirst
	}
	if *tz != "" {
		loc, err := time.LoadLocation(*tz)
		if err != nil {
			return fmt.Errorf("unknown time zone %q (use a name such as Europe/Dublin)", *tz)
		}
		opt.Location = loc
	}
	failed := 0
	for _, name := range fs.Args() {
		res, err := importFile(ctx, svc, name, opt)
		if err != nil {
			failed++
			if domain.ErrorCode(err) == domain.EINTERNAL && svc.Log != nil {
				svc.Log.Error("import", "file", name, "err", err) // the cause the message points to
			}
			fmt.Fprintf(stderr, "%s: %s\n", name, describe(err))
			continue
		}
		fmt.Fprintf(stdout, "%s: %s\n", name, res)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d files were not imported; nothing of them was written", failed, fs.NArg())
	}
	return nil
}

func importFile(ctx context.Context, svc Services, name string, opt domain.ImportOptions) (domain.ImportResult, error) {
	if st, err := os.Stat(name); err == nil && st.IsDir() {
		return domain.ImportResult{}, domain.Errorf(domain.EINVALID, "%s is a folder: give the export files in it, for example %s", name, filepath.Join(name, "*.csv"))
	}
	f, err := os.Open(name)
	if err != nil {
		return domain.ImportResult{}, domain.WrapError(domain.EINVALID, "cannot open the file: "+errors.Unwrap(err).Error(), err)
	}
	defer f.Close()
	return svc.Import.Import(ctx, domain.ImportRequest{Name: name, Reader: f, Options: opt})
}

// describe words an error for the terminal: every bad row of a file.
func describe(err error) string {
	if errors.Is(err, context.Canceled) {
		return "stopped: Tally was asked to stop (Ctrl+C, or the computer shutting down) and wrote nothing of this file. Import it again."
	}
	var pe *domain.ParseErrors
	if errors.As(err, &pe) {
		return pe.List(len(pe.Errors)) // the terminal lists every bad row
	}
	if errors.Is(err, domain.ErrAmbiguousDates) {
		return domain.ErrorMessage(err) + " Run again with --day-first or --month-first."
	}
	return domain.ErrorMessage(err)
}

// Imports runs `tally imports`: every import, newest first, with its id.
func Imports(ctx context.Context, svc Services, args []string, stdout io.Writer) error {
	if len(args) != 0 {
		return fmt.Errorf("imports takes no arguments")
	}
	hist, err := svc.Import.History(ctx)
	if err != nil {
		return err
	}
	if len(hist) == 0 {
		fmt.Fprintln(stdout, "Nothing was imported yet.")
		return nil
	}
	for _, h := range hist {
		fmt.Fprintf(stdout, "%6d  %s  %s  %d lines, %d new\n", h.ID, h.At.Format("2006-01-02 15:04"), h.File, h.Lines, h.New)
	}
	return nil
}

// Unimport runs `tally unimport ID`: the import leaves the books, with the
// entries booked from its lines.
func Unimport(ctx context.Context, svc Services, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return fmt.Errorf("unimport needs the id of one import (tally imports lists them)")
	}
	id, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil || id <= 0 {
		return fmt.Errorf("%q is not an import id (tally imports lists them)", args[0])
	}
	res, err := svc.Import.Remove(ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, res)
	return nil
}

// writeFile writes out through write into a temporary file beside it,
// renamed at the end: a failed command leaves no half file.
func writeFile(out string, write func(w io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(out), ".tally-*")
	if err != nil {
		return fmt.Errorf("create %s: %w", out, err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	return nil
}
