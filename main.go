// Command tally is a desktop back office for small shops that take their
// payments through Stripe. Without arguments it opens the window; the
// subcommands serve bookkeepers and scripts.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"sync"
	"syscall"
	"time"
	// The time zones are built in: Windows has no IANA database of its own.
	_ "time/tzdata"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"tally/assets"
	"tally/domain"
	"tally/internal/instance"
	"tally/printer"
	"tally/reports"
	"tally/storage"
	"tally/stripeclient"
	"tally/tse"
	"tally/ui"
	"tally/ui/cli"
)

const appID = "app.tally.backoffice"

func main() {
	if p := os.Getenv("TALLY_CPUPROFILE"); p != "" {
		// For measuring the importer: TALLY_CPUPROFILE=cpu.out tally import …
		if f, err := os.Create(p); err == nil {
			_ = pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
	}
	// An interrupt, and a shutdown of the computer or a service manager's
	// stop (SIGTERM; on Windows the console's close, log-off and shutdown
	// events, which Go delivers as SIGTERM), all stop Tally the same way:
	// the job under way finishes or rolls back, the files are closed.
	ctx, stop := stopContext()
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	var we windowError
	if errors.As(err, &we) && os.Getenv("TALLY_WINDOW_RETRY") == "" {
		// Once more, a moment later: a display that was not ready yet
		// (seen about one start in fifty under Xvfb) usually is then.
		if rerr := startAgain(); rerr != nil {
			fmt.Fprintln(os.Stderr, "tally: start again:", rerr)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "tally:", userMessage(err))
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

// stopContext ends when Tally is asked to stop: an interrupt (Ctrl+C) or
// SIGTERM.
func stopContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// userMessage prefers the plain-language message of a domain error.
func userMessage(err error) string {
	var de *domain.Error
	if errors.As(err, &de) {
		return de.Message
	}
	return err.Error()
}

const usage = `Usage:
  tally [--db PATH]                 open Tally's window
  tally backup [--db PATH] OUT      write a consistent copy of the database (settings and live
                                    books) to OUT, and of the live register's sales beside it
  tally import [--db PATH] FILE...  import Stripe exports (see tally import --help)
  tally fetch [--db PATH] --from DAY --to DAY [--report TYPE] | --payout po_…
                                    fetch the same data from Stripe's API and import it
  tally reconcile [--db PATH]       book imported lines, show balances, check payouts
  tally imports [--db PATH]         list the imports, newest first, with their ids
  tally unimport [--db PATH] ID     remove an import imported by mistake, with the
                                    entries booked from its lines
  tally export [--db PATH] --format xlsx|csv|hledger|datev|camt053|ofx --out FILE
  tally dsfinvk [--db PATH] --from DAY --to DAY --out FILE.zip
                                    the DSFinV-K export of the till's day closes (Germany)
                                    write the journal
  tally webhook [--db PATH] [--listen ADDR] [--poll]
                                    take Stripe's webhook events without the window
                                    (see tally webhook --help)
  tally doctor [--db PATH]          check Stripe, the key, the clock, the readers, the events,
                                    the webhook and the data files; name the cause of each failure
  tally shop [--db PATH] [--name NAME --country CC]
                                    show or set the shop's details, as the first-run set-up
                                    does (see tally shop --help)
  tally migrate --from FILE --to postgres://…
                                    copy a shop's SQLite data (every mode's books and
                                    register) to an empty PostgreSQL database, and check
                                    the copy: the same rows in every table, the same balances
  tally receipt [--db PATH] NUMBER --out FILE.pdf [--print]
                                    write a sale's receipt as a PDF (and print it again
                                    on this till's receipt printer with --print)
  tally printer-sim [--listen ADDR] [--out DIR] [--paper 80|58]
                                    a receipt printer on this computer, to try printing
                                    without one: saves each job and a picture of its paper
  tally version                     print the version

--books live|test|demo chooses the books a bookkeeper's command works on; by
default they are those of the mode set in Settings; without Stripe keys, the live
books (a real export never lands in the demo's books unasked: --books demo for those).
Demo, test and live books are separate files beside PATH (tally.demo.db,
tally.test.db) and never mix.

PATH may be a PostgreSQL server (postgres://user:password@host/database) that
several tills and the bookkeeper share; each computer then keeps its secret key,
its log and the demo's simulator in $TALLY_HOME, else its configuration folder.

The database is PATH, else $TALLY_DB, else tally.db in the user's configuration
folder (for example ~/.config/Tally on Linux, %AppData%\Tally on Windows,
~/Library/Application Support/Tally on macOS). Its log, tally.log, sits beside it.
TALLY_STRIPE_API_BASE points Tally at another Stripe API address (stripe-mock).
TALLY_KEYCHAIN=file keeps the secret key in a file instead of the system keychain.
TALLY_TILL names this computer's till where several share a server.
`

// version, when a build sets it with -ldflags "-X main.version=…", names
// the build instead of FyneApp.toml's version (version.go).
var version = ""

func run(ctx context.Context, args []string, stdout io.Writer) error {
	cmd := ""
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	dbPath, args, err := takeDB(args)
	if err != nil {
		return err
	}
	books, args, err := takeBooks(args)
	if err != nil {
		return err
	}
	if wantsHelp(args) || cmd == "" && len(args) == 1 && (args[0] == "--help" || args[0] == "-h") {
		fmt.Fprint(stdout, commandUsage(cmd))
		return nil
	}
	switch cmd {
	case "version":
		fmt.Fprintln(stdout, "tally", versionText())
		return nil
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	case "migrate":
		return migrate(ctx, args, stdout)
	case "printer-sim":
		return printerSim(ctx, args, stdout)
	case "receipt":
		return receiptCmd(ctx, dbPath, books, args, stdout)
	case "backup":
		if len(args) != 1 || strings.HasPrefix(args[0], "-") {
			return fmt.Errorf("backup needs one output file\n\n%s", usage)
		}
		return backup(ctx, dbPath, args[0], stdout)
	case "import":
		w, err := cliWireFor(ctx, cmd, dbPath, books)
		if err != nil {
			return err
		}
		defer w.Close()
		// An import allocates many short-lived rows; collecting less often
		// trades ~25 MB of memory for ~10 % of the time.
		debug.SetGCPercent(400)
		return cli.Import(ctx, w.cli, args, stdout, os.Stderr)
	case "fetch":
		w, err := cliWireFor(ctx, cmd, dbPath, books)
		if err != nil {
			return err
		}
		defer w.Close()
		return cli.Fetch(ctx, w.cli, args, stdout)
	case "shop":
		w, err := cliWire(ctx, dbPath, books)
		if err != nil {
			return err
		}
		defer w.Close()
		return cli.Shop(ctx, w.cli, args, stdout)
	case "dsfinvk":
		w, err := cliWire(ctx, dbPath, books)
		if err != nil {
			return err
		}
		defer w.Close()
		return cli.DSFinVK(ctx, w.cli, args, stdout)
	case "doctor":
		w, err := cliWire(ctx, dbPath, books)
		if err != nil {
			return err
		}
		defer w.Close()
		return cli.Doctor(ctx, w.cli, args, stdout)
	case "webhook":
		if len(args) == 1 && (args[0] == "--help" || args[0] == "-h") {
			fmt.Fprintln(stdout, cli.WebhookUsage)
			return nil
		}
		w, err := cliWire(ctx, dbPath, books)
		if err != nil {
			return err
		}
		defer w.Close()
		return cli.Webhook(ctx, w.cli, args, stdout)
	case "reconcile", "export", "imports", "unimport":
		w, err := cliWireFor(ctx, cmd, dbPath, books)
		if err != nil {
			return err
		}
		defer w.Close()
		switch cmd {
		case "reconcile":
			return cli.Reconcile(ctx, w.cli, args, stdout)
		case "imports":
			return cli.Imports(ctx, w.cli, args, stdout)
		case "unimport":
			return cli.Unimport(ctx, w.cli, args, stdout)
		}
		return cli.Export(ctx, w.cli, args, stdout)
	case "":
		if len(args) > 0 {
			return fmt.Errorf("unknown option %s\n\n%s", args[0], usage)
		}
		return runUI(ctx, dbPath)
	}
	return fmt.Errorf("unknown command %q\n\n%s", cmd, usage)
}

// wantsHelp reports whether a command's arguments ask for its usage.
func wantsHelp(args []string) bool {
	for _, a := range args {
		if a == "--help" || a == "-h" || a == "-help" {
			return true
		}
	}
	return false
}

// commandUsage is a command's usage (the whole usage where it has none of
// its own).
func commandUsage(cmd string) string {
	switch cmd {
	case "import":
		return cli.ImportUsage + "\n"
	case "webhook":
		return cli.WebhookUsage + "\n"
	case "shop":
		return cli.ShopUsage + "\n"
	case "export":
		return cli.ExportUsage + "\n"
	case "dsfinvk":
		return cli.DSFinVKUsage + "\n"
	}
	return usage
}

// booksLiveWhenOff is the books a bookkeeping command uses when none is
// asked for: the mode's, but the live books while Stripe is off.
const booksLiveWhenOff = "auto-live"

// bookkeeping are the commands that work on the books: without Stripe
// keys (demo mode) they work on the live books, since what a bookkeeper
// imports is real, unless --books says otherwise.
var bookkeeping = map[string]bool{"import": true, "fetch": true, "reconcile": true, "export": true, "imports": true, "unimport": true}

// takeBooks removes --books live|test|demo from args.
func takeBooks(args []string) (string, []string, error) {
	var rest []string
	books := ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--books":
			if i+1 >= len(args) {
				return "", nil, fmt.Errorf("--books needs live, test or demo\n\n%s", usage)
			}
			books = args[i+1]
			i++
		case strings.HasPrefix(a, "--books="):
			books = strings.TrimPrefix(a, "--books=")
		default:
			rest = append(rest, a)
		}
	}
	return books, rest, nil
}

// cliWire wires a bookkeeper's command and says on stderr which books it
// works on, so a demo import is never mistaken for the live books.
func cliWire(ctx context.Context, dbPath, books string) (*wiring, error) {
	return cliWireFor(ctx, "", dbPath, books)
}

// cliWireFor is cliWire for the command cmd: a bookkeeping command with
// no --books works on the live books when Stripe is off, and makes no
// demo files.
func cliWireFor(ctx context.Context, cmd, dbPath, books string) (*wiring, error) {
	if books == "" && bookkeeping[cmd] {
		books = booksLiveWhenOff
	}
	w, err := wireBooks(ctx, dbPath, books)
	if err != nil {
		return nil, err
	}
	path, _ := storage.Paths(w.db.Settings().Path, w.db.Mode())
	fmt.Fprintf(os.Stderr, "tally: %s books (%s)\n", w.db.Mode().Badge(), storage.Redacted(path))
	w.db.WaitWhenBusy(func() {
		fmt.Fprintln(os.Stderr, "tally: another import or booking is writing these books (in Tally's window or another command); waiting for it to finish… (Ctrl-C stops)")
	})
	return w, nil
}

// takeDB removes --db PATH (or --db=PATH, -db) from args, wherever it is.
func takeDB(args []string) (string, []string, error) {
	var rest []string
	db := ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--db" || a == "-db":
			if i+1 >= len(args) {
				return "", nil, fmt.Errorf("--db needs a file name\n\n%s", usage)
			}
			db = args[i+1]
			i++
		case strings.HasPrefix(a, "--db=") || strings.HasPrefix(a, "-db="):
			db = a[strings.IndexByte(a, '=')+1:]
		default:
			rest = append(rest, a)
		}
	}
	return db, rest, nil
}

// resolveDB picks the database path: flag, then TALLY_DB, then the user's
// configuration folder.
func resolveDB(flagPath string) (string, error) {
	if flagPath != "" {
		return flagPath, nil
	}
	if p := os.Getenv("TALLY_DB"); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the configuration folder (use --db PATH): %w", err)
	}
	return filepath.Join(dir, "Tally", "tally.db"), nil
}

func backup(ctx context.Context, dbFlag, out string, stdout io.Writer) error {
	path, err := resolveDB(dbFlag)
	if err != nil {
		return err
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("no database at %s: %w", path, err)
	}
	db, err := storage.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s\n", path, out)
	// The live register's sales are a file of their own: copy it beside.
	_, till := storage.Paths(path, domain.ModeLive)
	if _, err := os.Stat(till); err == nil {
		_, tillOut := storage.Paths(out, domain.ModeLive)
		t, err := storage.OpenTill(ctx, till)
		if err != nil {
			return err
		}
		defer t.Close()
		if err := t.Backup(ctx, tillOut); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "backed up %s to %s\n", till, tillOut)
	}
	return nil
}

// wiring is everything the services need, built from the data folder.
type wiring struct {
	db       *storage.Books
	log      *slog.Logger
	closeLog io.Closer
	services ui.Services
	cli      cli.Services
}

func wire(ctx context.Context, dbFlag string) (*wiring, error) {
	return wireBooks(ctx, dbFlag, "")
}

// wireBooks builds the services; books, when set (live, test, demo), fixes
// the books used whatever the mode in Settings (the command line's --books).
func wireBooks(ctx context.Context, dbFlag, books string) (*wiring, error) {
	path, err := resolveDB(dbFlag)
	if err != nil {
		return nil, err
	}
	// What stays on this computer (the demo's simulated Stripe, the log,
	// the keychain's fallback file) sits beside the database file, or, when
	// the data are on a server, in the user's configuration folder.
	local := path
	if storage.IsPostgres(path) {
		dir := os.Getenv("TALLY_HOME") // this till's own folder, where several run on one computer
		if dir == "" {
			cfg, err := os.UserConfigDir()
			if err != nil {
				return nil, fmt.Errorf("find the configuration folder (set TALLY_HOME to a folder of this till's): %w", err)
			}
			dir = filepath.Join(cfg, "Tally")
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("create this till's folder: %w", err)
		}
		local = filepath.Join(dir, "tally.db")
	}
	clock := domain.SystemClock{}
	// A command that works on the live or test books, or on the books
	// Stripe's mode says with live ones for demo mode, keeps the simulator
	// in memory: it makes no demo files.
	var demo *stripeclient.Simulator
	if books == booksLiveWhenOff || books == "live" || books == "test" {
		demo = stripeclient.NewDemoSimulator(clock)
	} else if demo, err = stripeclient.OpenSimulator(storage.SimulatorPath(local), clock); err != nil {
		return nil, err
	}
	// The simulated Stripe draws its invoices' PDFs as reports draw receipts.
	demo.SetPDFWriter(reports.WritePDF)
	log, closeLog, err := storage.OpenLog(local)
	if err != nil {
		return nil, err
	}
	connector := stripeclient.Connector{Log: log, Demo: demo}
	conn := domain.NewConnection(connector, demo)
	modeOf := conn.Mode
	switch books {
	case "":
	case booksLiveWhenOff:
		// The mode set in Settings, but the live books for demo mode: a
		// real export never lands in the demo's books unasked.
		modeOf = func() domain.Mode {
			if m := conn.Mode(); m != domain.ModeDisabled {
				return m
			}
			return domain.ModeLive
		}
	case "live", "test", "demo":
		fixed := map[string]domain.Mode{"live": domain.ModeLive, "test": domain.ModeTest, "demo": domain.ModeDisabled}[books]
		modeOf = func() domain.Mode { return fixed }
	default:
		closeLog.Close()
		return nil, fmt.Errorf("--books is live, test or demo, not %q", books)
	}
	db, err := storage.OpenBooks(ctx, path, modeOf)
	if err != nil {
		closeLog.Close()
		return nil, err
	}
	keychain := storage.NewKeychain(filepath.Join(filepath.Dir(local), "secrets.json"), os.Getenv("TALLY_KEYCHAIN") == "file")
	settings := &domain.SettingsService{
		Store: db.Settings(), Keychain: keychain, Connector: connector, Connection: conn, Clock: clock,
		DefaultAPIBase: os.Getenv("TALLY_STRIPE_API_BASE"),
	}
	// Dates and the day close count in the shop's time zone: set here,
	// before anything else runs, and again as soon as the set-up or
	// Settings saves the shop.
	applyZone := func(sh domain.Shop) {
		if sh.TimeZone == "" {
			return
		}
		if loc, err := domain.LoadTimeZone(sh.TimeZone); err == nil {
			time.Local = loc
		} else {
			log.Warn("the shop's time zone is not known here; the system's is used", "zone", sh.TimeZone)
		}
	}
	if sh, err := settings.Shop(ctx); err == nil {
		applyZone(sh)
	}
	mode, err := settings.Connect(ctx)
	if err != nil {
		// Start anyway, in demo mode, so the owner can fix the settings.
		log.Error("connect to stripe at start", "err", err)
	}
	log.Info("tally started", "version", versionText(), "db", storage.Redacted(path), "mode", string(mode), "books", db.Mode().Badge())
	imports := &domain.ImportService{Store: db, Parser: reports.Parser{}, Clock: clock}
	var register *domain.RegisterService
	// A payments export without a currency column is in the shop's
	// currency: the set-up's, else the Stripe account's, else the
	// register's.
	imports.ShopCurrency = func(ctx context.Context) domain.Currency {
		if sh, err := settings.Shop(ctx); err == nil && !sh.Currency.IsZero() {
			return sh.Currency
		}
		if v, err := settings.Current(ctx); err == nil && !v.Account.DefaultCurrency.IsZero() {
			return v.Account.DefaultCurrency
		}
		if rs, err := register.RegisterSettings(ctx); err == nil {
			return rs.Currency
		}
		return domain.Currency{}
	}
	recon := &domain.ReconcileService{Store: db, Till: db, Exporters: reports.NewExportWriter, Documents: reports.Documents{}}
	fetch := &domain.FetchService{Connection: conn, Import: imports}
	access := &domain.AccessService{Store: db.Access(), Hasher: storage.PINHasher{}, Clock: clock, Mode: db.Mode}
	register = &domain.RegisterService{Till: db, Store: db, Shop: db.Settings(), Connection: conn, Clock: clock, Demo: demo, TillName: strings.TrimSpace(os.Getenv("TALLY_TILL")),
		Documents: reports.Documents{}, Access: access, Printers: printer.ESCPOS{}}
	register.Log = log
	register.DSFinVKWriter = reports.WriteDSFinVK
	// The TSE: a German shop signs with the simulator in demo and test
	// mode, with fiskaly in live mode once set up in Settings > TSE.
	tsePath := ""
	if books == "" || books == "demo" {
		tsePath = storage.TSESimulatorPath(local)
	}
	tseSim, err := tse.NewSimulator(tsePath, "TALLY-SIM-1")
	if err != nil {
		db.Close()
		closeLog.Close()
		return nil, fmt.Errorf("open the TSE simulator: %w", err)
	}
	// TALLY_TSE_OUTAGE=1 starts the simulated TSE unreachable: how a demo
	// till shows a TSE outage (the receipt, Diagnostics, Settings > TSE).
	if os.Getenv("TALLY_TSE_OUTAGE") == "1" {
		tseSim.SetDown(true)
	}
	tseSvc := &domain.TSEService{Till: db, Shop: db.Settings(), Keychain: keychain, Connection: conn, Clock: clock, Register: register,
		Simulator: tseSim, TillName: register.TillName,
		Make: func(set domain.TSESettings, secret string) (domain.TSEProvisioner, error) {
			base := set.BaseURL
			if base == "" {
				base = tse.DefaultFiskalyURL
			}
			return &tse.Fiskaly{BaseURL: base, APIKey: set.APIKey, APISecret: secret, TSSID: set.TSSID, ClientID: set.ClientID}, nil
		}}
	register.TSESource = tseSvc.Current
	events := &domain.EventService{Till: db, Connection: conn, Clock: clock, Log: log}
	// A sale Stripe's events paid (an invoice, a QR page paid after the
	// register gave up waiting) is signed at the TSE as soon as they say so.
	events.AfterApply = func(ctx context.Context) {
		if _, err := register.SignOpen(ctx); err != nil {
			log.Error("sign at the TSE what the events paid", "err", err)
		}
	}
	payments := &domain.PaymentsService{Till: db, Connection: conn, Clock: clock, Access: access, Register: register}
	invoices := &domain.InvoiceService{Till: db, Connection: conn, Clock: clock, Access: access, Log: log, Shop: db.Settings(),
		Register: register, Demo: demo, Documents: reports.Documents{}}
	webhooks := &domain.WebhookService{Settings: settings, Events: events, Server: stripeclient.WebhookServer{Log: log}}
	readers := &domain.ReaderService{Store: db, Connection: conn, Clock: clock}
	methods := &domain.PaymentMethodService{Store: db, Connection: conn}
	settings.OnShop = func(ctx context.Context, sh domain.Shop) {
		applyZone(sh)
		// The demo takes the shop's country: its taxes, currency and a
		// reader location there.
		if err := domain.SeedDemo(ctx, register, readers, methods); err != nil {
			log.Error("set up the demo register for the shop", "err", err)
		}
	}
	doctor := &domain.DoctorService{Settings: settings, Connection: conn, Register: register, Events: events, Integrity: db, Backups: db, Clock: clock, TSE: tseSvc}
	return &wiring{db: db, log: log, closeLog: closeLog, cli: cli.Services{Import: imports, Reconcile: recon, Fetch: fetch,
		Settings: settings, Events: events, Webhook: webhooks, Books: db.Mode(), Log: log,
		Doctor: doctor, Register: register, Version: versionText()}, services: ui.Services{
		Settings:   settings,
		Readers:    readers,
		Methods:    methods,
		Import:     imports,
		Reconcile:  recon,
		Rules:      &domain.RuleService{Store: db},
		Fetch:      fetch,
		Register:   register,
		Events:     events,
		Payments:   payments,
		Invoices:   invoices,
		Access:     access,
		Webhook:    webhooks,
		Doctor:     doctor,
		TSE:        tseSvc,
		Connection: conn, Log: log, DataPath: storage.Redacted(path), Version: versionText(),
	}}, nil
}

func (w *wiring) Close() {
	w.db.Close()
	w.closeLog.Close()
}

func runUI(ctx context.Context, dbFlag string) (err error) {
	// One Tally per database on this computer: a second start (a double
	// click) brings the first one's window forward and stops.
	path, err := resolveDB(dbFlag)
	if err != nil {
		return err
	}
	var (
		winMu sync.Mutex
		shown fyne.Window
	)
	lock, lerr := instance.Acquire(instanceKey(path), func() {
		winMu.Lock()
		win := shown
		winMu.Unlock()
		if win != nil {
			fyne.Do(func() { win.Show(); win.RequestFocus() })
		}
	})
	if errors.Is(lerr, instance.ErrRunning) {
		fmt.Fprintln(os.Stderr, "tally:", lerr)
		return nil
	}
	defer lock.Release()
	w, err := wire(ctx, dbFlag)
	if err != nil {
		return err
	}
	defer w.Close()
	if lerr != nil {
		w.log.Warn("one Tally per database is not guarded", "err", lerr)
	}
	// The window system failing to start (no display, no OpenGL, a driver)
	// panics inside Fyne: it is said plainly, the details go to the log,
	// and the files are closed as after any stop.
	defer func() {
		if v := recover(); v != nil {
			w.log.Error("the window could not open", "cause", fmt.Sprint(v), "stack", string(debug.Stack()))
			err = windowError{cause: fmt.Sprint(v)}
		}
	}()
	// The demo's products carry the shop's taxes: until the first-run
	// set-up has said where the shop is, the set-up seeds them (through
	// Settings' OnShop).
	if !w.services.Settings.NeedsSetup(ctx) {
		if err := domain.SeedDemo(ctx, w.services.Register, w.services.Readers, w.services.Methods); err != nil {
			w.log.Error("set up the demo register", "err", err)
		}
	}
	if past, ok := w.services.Invoices.Demo.(domain.DemoPast); ok {
		if err := domain.SeedDemoInvoices(ctx, w.services.Invoices, past); err != nil {
			w.log.Error("set up the demo invoices", "err", err)
		}
	}
	// The payments a crash left unfinished, noted before anything follows
	// them: the start-up check tells the cashier of each, whoever settles it.
	if err := w.services.Register.NoteStart(ctx); err != nil {
		w.log.Error("note the unfinished payments", "err", err)
	}
	a := app.NewWithID(appID)
	if a.Metadata().Version != metadata.Version {
		// A plain `go build`: give Fyne what `fyne package` would have.
		app.SetMetadata(fyne.AppMetadata{ID: metadata.ID, Name: metadata.Name,
			Version: metadata.Version, Build: metadata.Build, Icon: assets.Icon})
	}
	a.SetIcon(assets.Icon)
	win := a.NewWindow("Tally")
	winMu.Lock()
	shown = win
	winMu.Unlock()
	win.Resize(fyne.NewSize(1280, 800))
	win.SetMaster()
	shell := ui.New(a, win, w.services)
	if page := os.Getenv("TALLY_START_PAGE"); page != "" && !shell.SettingUp() {
		shell.Show(page)
	}
	a.Lifecycle().SetOnStarted(func() { w.log.Info("window shown") })
	// Fyne 2.8.1 can hang while it stops: an event handed to the main
	// thread just as its loop drains is never run, and the app waits for it
	// forever (seen under Xvfb, goroutine dump in the screenshots script).
	// Once quitting has begun, a watchdog closes the database and ends the
	// process if Fyne has not returned within a few seconds. Every write is
	// a transaction, so nothing is half written either way.
	watchdog := &quitWatchdog{after: 5 * time.Second, onTimeout: func() {
		w.log.Warn("the window system did not stop within 5 s of quitting; exiting anyway")
		w.Close()
		os.Exit(0)
	}}
	defer watchdog.Stop()
	win.SetCloseIntercept(func() {
		watchdog.Start()
		win.Close()
	})
	shell.OnQuit = func() { // Ctrl+Q: as the window's close
		watchdog.Start()
		a.Quit()
	}
	go func() {
		<-ctx.Done()
		watchdog.Start()
		fyne.Do(a.Quit)
	}()
	// The TSE transactions an outage left open are finished once the TSE
	// answers again: asked every two minutes (a read when there are none).
	go func() {
		t := time.NewTicker(2 * time.Minute)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if _, err := w.services.Register.SignOpen(ctx); err != nil {
					w.log.Error("finish the TSE transactions left open", "err", err)
				}
			}
		}
	}()
	win.ShowAndRun()
	w.log.Info("window closed")
	return nil
}

// instanceKey names a database for the one-Tally-per-database guard: its
// absolute path, or the server's address (with this computer's till, as
// several tills may share one server from one computer with TALLY_HOME).
func instanceKey(path string) string {
	if storage.IsPostgres(path) {
		return storage.Redacted(path) + "|" + os.Getenv("TALLY_HOME") + "|" + os.Getenv("TALLY_TILL")
	}
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

// quitWatchdog calls onTimeout once, after a delay, unless stopped first.
type quitWatchdog struct {
	after     time.Duration
	onTimeout func()
	mu        sync.Mutex
	timer     *time.Timer
	stopped   bool
}

// Start arms the watchdog; starting it again changes nothing.
func (q *quitWatchdog) Start() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.timer == nil && !q.stopped {
		q.timer = time.AfterFunc(q.after, q.onTimeout)
	}
}

// Stop disarms it for good.
func (q *quitWatchdog) Stop() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.stopped = true
	if q.timer != nil {
		q.timer.Stop()
	}
}

// migrate copies a SQLite shop to a PostgreSQL server and says what it
// copied and checked.
func migrate(ctx context.Context, args []string, stdout io.Writer) error {
	var from, to string
	for len(args) > 0 {
		switch {
		case args[0] == "--from" && len(args) > 1:
			from, args = args[1], args[2:]
		case args[0] == "--to" && len(args) > 1:
			to, args = args[1], args[2:]
		default:
			return fmt.Errorf("migrate takes --from FILE --to postgres://…, not %q\n\n%s", args[0], usage)
		}
	}
	if from == "" || to == "" {
		return fmt.Errorf("migrate needs --from FILE and --to postgres://…\n\n%s", usage)
	}
	rep, err := storage.CopyToPostgres(ctx, from, to)
	for _, p := range rep.Parts {
		var n int64
		for _, t := range p.Tables {
			n += t.Rows
		}
		fmt.Fprintf(stdout, "%s → schema %s: %d rows in %d tables, the same on both sides", p.From, p.Schema, n, len(p.Tables))
		if p.Balances > 0 {
			fmt.Fprintf(stdout, "; %d balances the same", p.Balances)
		}
		fmt.Fprintln(stdout)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Copied. Start each till with: tally --db '%s' (the SQLite files are unchanged).\n", storage.Redacted(to))
	return nil
}
