package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"tally/domain"
	"tally/reports"
	"tally/storage"
)

// TestMain doubles as the app when TALLY_TEST_APP is set, so that a test can
// open the real window in a child process whose main goroutine owns the
// main thread, as GLFW requires.
func TestMain(m *testing.M) {
	if os.Getenv("TALLY_TEST_APP") == "1" {
		ctx, stop := stopContext() // as main: an interrupt or SIGTERM stops it
		defer stop()
		var args []string
		if a := os.Getenv("TALLY_TEST_ARGS"); a != "" {
			args = strings.Split(a, "\x1f") // a command, as tally COMMAND … runs it
		}
		if err := run(ctx, args, os.Stdout); err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestAppOpensWindow(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) { openAndStop(t, sig) })
	}
}

// openAndStop opens the real window in a child process, then stops it
// with sig, as Ctrl+C or a shutdown of the computer would: it must exit
// cleanly, its databases closed and checkpointed (no write-ahead log
// left), and start again on the same files.
func openAndStop(t *testing.T, sig syscall.Signal) {
	if os.Getenv("DISPLAY") == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("no DISPLAY: run the tests through scripts/test.sh, which starts Xvfb")
		}
		t.Skip("no DISPLAY: run scripts/test.sh to open the window under Xvfb")
	}
	dir := t.TempDir()
	for round := 1; round <= 2; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "TALLY_TEST_APP=1", "TALLY_DB="+filepath.Join(dir, "tally.db"), "TALLY_KEYCHAIN=file", "LANG=en_US.UTF-8")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		logPath := filepath.Join(dir, "tally.log")
		deadline := time.After(90 * time.Second)
		tick := time.NewTicker(100 * time.Millisecond)
		for shown := false; !shown; {
			select {
			case err := <-done:
				t.Fatalf("the app exited before showing its window: %v\n%s", err, out.String())
			case <-deadline:
				cmd.Process.Kill()
				t.Fatalf("no window after 90 s\n%s", out.String())
			case <-tick.C:
				b, _ := os.ReadFile(logPath)
				shown = bytes.Count(b, []byte("window shown")) >= round
				if shown && !bytes.Contains(b, []byte("mode=disabled")) {
					t.Errorf("a fresh start is not in demo mode:\n%s", b)
				}
			}
		}
		tick.Stop()
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("the app did not exit cleanly on %v: %v\n%s", sig, err, out.String())
			}
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("the app did not quit on %v", sig)
		}
		// Closed and checkpointed: no write-ahead log holds a change.
		for _, f := range []string{"tally.db-wal", "tally.demo.db-wal", "tally.demo.till.db-wal"} {
			if st, err := os.Stat(filepath.Join(dir, f)); err == nil && st.Size() > 0 {
				t.Errorf("%s left with %d bytes after %v", f, st.Size(), sig)
			}
		}
	}
}

// TestWindowFailureIsSaid: with no display to open a window on, Tally
// says what is missing and what to do (no Go panic), and the data opens
// as before.
func TestWindowFailureIsSaid(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "TALLY_TEST_APP=1", "TALLY_DB="+filepath.Join(dir, "tally.db"), "TALLY_KEYCHAIN=file",
		"DISPLAY=:4242", "WAYLAND_DISPLAY=", "LANG=en_US.UTF-8")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("exit: %v\n%s", err, out)
	}
	if !bytes.Contains(out, []byte("could not open its window")) || !bytes.Contains(out, []byte("DISPLAY")) || bytes.Contains(out, []byte("goroutine 1 [")) {
		t.Fatalf("output:\n%s", out)
	}
	log, _ := os.ReadFile(filepath.Join(dir, "tally.log"))
	if !bytes.Contains(log, []byte("the window could not open")) {
		t.Errorf("the log lacks the cause:\n%s", log)
	}
	var buf bytes.Buffer
	if err := run(context.Background(), []string{"shop", "--db", filepath.Join(dir, "tally.db")}, &buf); err != nil {
		t.Fatalf("the data after the failed start: %v", err)
	}
}

func TestCLI(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "tally.db")
	d, err := storage.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Update(ctx, func(tx domain.Tx) error {
		return tx.SaveSettings(domain.Settings{Mode: domain.ModeTest, PublishableKey: "pk_test_51TallyExampleKey000000"})
	}); err != nil {
		t.Fatal(err)
	}
	d.Close()
	// A live register sale, so that the backup has the register's file too.
	till, err := storage.OpenTill(ctx, filepath.Join(dir, "tally.till.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := till.UpdateTill(ctx, func(tx domain.TillTx) error {
		return tx.SaveRegisterSettings(domain.RegisterSettings{ShopName: "Corner Deli", Currency: domain.MustCurrency("EUR"), Till: "Till 1"})
	}); err != nil {
		t.Fatal(err)
	}
	till.Close()
	t.Run("Backup", func(t *testing.T) {
		var out bytes.Buffer
		copyPath := filepath.Join(dir, "backup.db")
		if err := run(ctx, []string{"backup", "--db", db, copyPath}, &out); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "backed up") {
			t.Errorf("output = %q", out.String())
		}
		c, err := storage.Open(ctx, copyPath)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.View(ctx, func(tx domain.Tx) error {
			s, _ := tx.Settings()
			if s.PublishableKey == "" {
				t.Error("backup has no settings")
			}
			return nil
		})
		ct, err := storage.OpenTill(ctx, filepath.Join(dir, "backup.till.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer ct.Close()
		_ = ct.ViewTill(ctx, func(tx domain.TillTx) error {
			if rs, _ := tx.RegisterSettings(); rs.ShopName != "Corner Deli" {
				t.Errorf("the register's file was not backed up: %+v", rs)
			}
			return nil
		})
	})
	t.Run("ErrBackupExists", func(t *testing.T) {
		err := run(ctx, []string{"backup", "--db", db, filepath.Join(dir, "backup.db")}, &bytes.Buffer{})
		if domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrNoDatabase", func(t *testing.T) {
		err := run(ctx, []string{"backup", "--db", filepath.Join(dir, "none.db"), filepath.Join(dir, "x.db")}, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), "no database") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrUsage", func(t *testing.T) {
		for _, args := range [][]string{{"backup"}, {"frobnicate"}, {"--nope"}} {
			if err := run(ctx, args, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "Usage") {
				t.Errorf("run(%v) = %v", args, err)
			}
		}
	})
	t.Run("Webhook", func(t *testing.T) {
		t.Setenv("TALLY_KEYCHAIN", "file")
		t.Setenv("TALLY_WEBHOOK_SECRET", "")
		err := run(ctx, []string{"webhook", "--db", db, "--listen", "127.0.0.1:0"}, &bytes.Buffer{})
		if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), "signing secret") {
			t.Fatalf("without a secret: %v", err)
		}
		if err := run(ctx, []string{"webhook", "--db", db, "--listen", "nowhere"}, &bytes.Buffer{}); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("bad address: %v", err)
		}
		t.Setenv("TALLY_WEBHOOK_SECRET", "whsec_cli_test_0123456789")
		c, cancel := context.WithCancel(ctx)
		out := &syncBuffer{}
		done := make(chan error, 1)
		go func() { done <- run(c, []string{"webhook", "--db", db, "--listen", "127.0.0.1:0"}, out) }()
		for deadline := time.Now().Add(10 * time.Second); !strings.Contains(out.String(), "Forward them") && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "Listening on http://127.0.0.1:") || !strings.Contains(out.String(), "stripe listen --forward-to") {
			t.Fatalf("output %q", out.String())
		}
	})
	t.Run("Doctor", func(t *testing.T) {
		t.Setenv("TALLY_KEYCHAIN", "file")
		dir := t.TempDir()
		db := filepath.Join(dir, "shop.db")
		d, err := storage.Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		// Test mode against an address nothing answers on.
		if err := d.Update(ctx, func(tx domain.Tx) error {
			return tx.SaveSettings(domain.Settings{Mode: domain.ModeTest, APIBase: "http://127.0.0.1:1"})
		}); err != nil {
			t.Fatal(err)
		}
		d.Close()
		kc := storage.NewKeychain(filepath.Join(dir, "secrets.json"), true)
		if err := kc.Set(domain.SecretKeyName, "sk_test_51TallyExampleKey000000"); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		err = run(ctx, []string{"doctor", "--db", db}, &out)
		if err == nil || !strings.Contains(out.String(), "FAIL  Stripe") {
			t.Fatalf("doctor: %v\n%s", err, out.String())
		}
	})
	t.Run("Version", func(t *testing.T) {
		var out bytes.Buffer
		if err := run(ctx, []string{"version"}, &out); err != nil || !strings.HasPrefix(out.String(), "tally ") {
			t.Fatalf("%q %v", out.String(), err)
		}
	})
}

func TestBookkeeperCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "shop.db")
	t.Setenv("TALLY_KEYCHAIN", "file")
	files, _ := filepath.Glob("docs/demo/*.csv")
	if len(files) != 2 {
		t.Fatalf("demo files: %v", files)
	}
	var out bytes.Buffer
	if err := run(ctx, append([]string{"import", "--db", db}, files...), &out); err != nil {
		t.Fatalf("import: %v", err)
	}
	if !strings.Contains(out.String(), "10 lines, 10 new") || !strings.Contains(out.String(), "2 lines, 2 new") {
		t.Errorf("import said %q", out.String())
	}
	out.Reset()
	if err := run(ctx, append([]string{"import", "--db", db}, files...), &out); err != nil || !strings.Contains(out.String(), "10 lines, 0 new") {
		t.Errorf("re-import: %v %q", err, out.String())
	}
	out.Reset()
	// One demo payout is off by 1.00 on purpose: reconcile books, then fails.
	err := run(ctx, []string{"reconcile", "--db", db}, &out)
	if err == nil || !strings.Contains(err.Error(), "1 payouts do not add up") || !strings.Contains(out.String(), "12 lines booked now") {
		t.Errorf("reconcile: %v\n%s", err, out.String())
	}
	for _, format := range []string{"hledger", "csv", "xlsx"} {
		dest := filepath.Join(dir, "journal."+format)
		out.Reset()
		if err := run(ctx, []string{"export", "--db", db, "--format", format, "--out", dest}, &out); err != nil || !strings.Contains(out.String(), "12 entries written") {
			t.Fatalf("export %s: %v %q", format, err, out.String())
		}
		if fi, err := os.Stat(dest); err != nil || fi.Size() == 0 {
			t.Fatalf("export %s wrote nothing: %v", format, err)
		}
	}
	if err := run(ctx, []string{"export", "--db", db, "--format", "pdf", "--out", filepath.Join(dir, "x")}, &out); err == nil {
		t.Error("an unknown format must fail")
	}
	// The bookkeeper's own software: DATEV needs the adviser's numbers,
	// then writes a batch that reads back; camt.053 and OFX statements.
	dest := filepath.Join(dir, "EXTF.csv")
	if err := run(ctx, []string{"export", "--db", db, "--format", "datev", "--out", dest}, &out); err == nil ||
		!strings.Contains(err.Error(), "consultant and client numbers") {
		t.Errorf("DATEV without the adviser's numbers: %v", err)
	}
	out.Reset()
	if err := run(ctx, []string{"export", "--db", db, "--format", "datev", "--consultant", "29098", "--client", "55003", "--chart", "skr04",
		"--currency", "eur", "--save", "--out", dest}, &out); err != nil || !strings.Contains(out.String(), "entries of 2025-01-01 to 2025-12-31 written") {
		t.Fatalf("DATEV: %v %q", err, out.String())
	}
	f, _ := os.Open(dest)
	batch, err := reports.ReadDATEV(f)
	f.Close()
	if err != nil || len(batch.Bookings) == 0 || batch.Header[26] != "04" {
		t.Fatalf("the DATEV batch: %v %v", err, batch.Header)
	}
	out.Reset()
	if err := run(ctx, []string{"export", "--db", db, "--format", "datev", "--out", dest}, &out); err != nil {
		t.Errorf("DATEV with the saved numbers: %v", err)
	}
	for _, format := range []string{"camt053", "camt053.08", "ofx"} {
		dest := filepath.Join(dir, "stripe."+format)
		out.Reset()
		if err := run(ctx, []string{"export", "--db", db, "--format", format, "--out", dest}, &out); err != nil || !strings.Contains(out.String(), "balance movements in") {
			t.Fatalf("export %s: %v %q", format, err, out.String())
		}
		f, _ := os.Open(dest)
		if format == "ofx" {
			_, err = reports.ReadOFX(f)
		} else {
			_, _, err = reports.ReadCAMT053(f)
		}
		f.Close()
		if err != nil {
			t.Errorf("%s does not read back: %v", format, err)
		}
	}
	if err := run(ctx, []string{"export", "--db", db, "--format", "camt053", "--from", "2025-11-31", "--to", "2025-12-01", "--out", dest}, &out); err == nil {
		t.Error("a day that does not exist must fail")
	}
	if sims, _ := filepath.Glob(filepath.Join(dir, "*sim*")); len(sims) > 0 {
		t.Errorf("the bookkeeping commands made demo files: %v", sims)
	}
	// The imports, and one removed with what was booked from it.
	out.Reset()
	if err := run(ctx, []string{"imports", "--db", db}, &out); err != nil || strings.Count(out.String(), "\n") != 4 ||
		!strings.Contains(out.String(), "payout_reconciliation_2025-11-01_to_2025-11-30_UTC.csv  10 lines, 10 new") {
		t.Fatalf("imports: %v\n%s", err, out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"unimport", "--db", db, "1"}, &out); err != nil || !strings.Contains(out.String(), "10 lines, 10 booked entries") {
		t.Fatalf("unimport: %v %q", err, out.String())
	}
	if err := run(ctx, []string{"unimport", "--db", db, "1"}, &out); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("unimport again: %v", err)
	}
	for _, bad := range [][]string{{"unimport", "--db", db}, {"unimport", "--db", db, "x"}, {"imports", "--db", db, "extra"}} {
		if err := run(ctx, bad, &out); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
	if err := run(ctx, []string{"import", "--db", db, "README.md"}, &out); err == nil || !strings.Contains(err.Error(), "not imported") {
		t.Errorf("import of a non-export: %v", err)
	}
	if err := run(ctx, []string{"import", "--db", db, filepath.Join(dir, "missing.csv")}, &out); err == nil {
		t.Error("import of a missing file must fail")
	}
}

func TestQuitWatchdog(t *testing.T) {
	fired := make(chan struct{}, 2)
	q := &quitWatchdog{after: 20 * time.Millisecond, onTimeout: func() { fired <- struct{}{} }}
	q.Stop() // before it started: Start does nothing after
	q.Start()
	select {
	case <-fired:
		t.Fatal("a stopped watchdog fired")
	case <-time.After(80 * time.Millisecond):
	}

	q = &quitWatchdog{after: 20 * time.Millisecond, onTimeout: func() { fired <- struct{}{} }}
	q.Start()
	q.Start() // once only
	select {
	case <-fired:
	case <-time.After(2 * time.Second):
		t.Fatal("the watchdog did not fire")
	}
	select {
	case <-fired:
		t.Fatal("the watchdog fired twice")
	case <-time.After(80 * time.Millisecond):
	}

	q = &quitWatchdog{after: 50 * time.Millisecond, onTimeout: func() { fired <- struct{}{} }}
	q.Start()
	q.Stop() // the app returned in time
	select {
	case <-fired:
		t.Fatal("the watchdog fired after Stop")
	case <-time.After(120 * time.Millisecond):
	}
}

// syncBuffer is a bytes.Buffer safe to read while a command writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestFyneAppMetadata(t *testing.T) {
	m, err := parseFyneApp(fyneApp)
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != appID || m.Name != "Tally" || m.Version == "" || m.Build < 1 {
		t.Fatalf("FyneApp.toml says %+v; the program's id is %s", m, appID)
	}
	if got, want := versionText(), m.Version+" (build "+strconv.Itoa(m.Build)+")"; got != want {
		t.Errorf("versionText() = %q, want %q", got, want)
	}
	var out strings.Builder
	if err := run(context.Background(), []string{"version"}, &out); err != nil || out.String() != "tally "+versionText()+"\n" {
		t.Errorf("tally version printed %q, %v", out.String(), err)
	}
	for _, bad := range []string{"", "[Details]\nName = Tally\n", "[Details]\nName = \"Tally\"\nID = \"x\"\nVersion = \"1\"\nBuild = one\n", "[Details]\nName \"Tally\"\n"} {
		if _, err := parseFyneApp(bad); err == nil {
			t.Errorf("parseFyneApp(%q) took it", bad)
		}
	}
}

// tally shop shows the shop's details and sets them as the set-up does.
func TestShopCommand(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "tally.db")
	t.Setenv("TALLY_KEYCHAIN", "file")
	var out bytes.Buffer
	if err := run(ctx, []string{"shop", "--db", db}, &out); err != nil || !strings.Contains(out.String(), "set-up:    not done yet") {
		t.Fatalf("a new shop: %v\n%s", err, out.String())
	}
	out.Reset()
	err := run(ctx, []string{"shop", "--db", db, "--name", "Corner Deli", "--country", "XX"}, &out)
	if err == nil || !strings.Contains(domain.ErrorMessage(err), "Choose the country") {
		t.Fatalf("a wrong country: %v", err)
	}
	out.Reset()
	if err := run(ctx, []string{"shop", "--db", db, "--name", "Corner Deli", "--country", "de"}, &out); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"shop:      Corner Deli", "country:   DE", "currency:  EUR", "time zone: Europe/Berlin", "set-up:    done"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("missing %q in\n%s", w, out.String())
		}
	}
}

// TestSecondInstance: a second Tally started on the same data (a double
// click) says Tally is already running and stops; the first goes on.
func TestSecondInstance(t *testing.T) {
	if os.Getenv("DISPLAY") == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("no DISPLAY: run the tests through scripts/test.sh, which starts Xvfb")
		}
		t.Skip("no DISPLAY: run scripts/test.sh to open the window under Xvfb")
	}
	dir := t.TempDir()
	env := append(os.Environ(), "TALLY_TEST_APP=1", "TALLY_DB="+filepath.Join(dir, "tally.db"), "TALLY_KEYCHAIN=file", "LANG=en_US.UTF-8")
	first := exec.Command(os.Args[0], "-test.run=^$")
	first.Env = env
	var out bytes.Buffer
	first.Stdout, first.Stderr = &out, &out
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- first.Wait() }()
	defer func() {
		first.Process.Signal(syscall.SIGINT)
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			first.Process.Kill()
		}
	}()
	deadline := time.Now().Add(90 * time.Second)
	for {
		b, _ := os.ReadFile(filepath.Join(dir, "tally.log"))
		if bytes.Contains(b, []byte("window shown")) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no window\n%s", out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	second := exec.Command(os.Args[0], "-test.run=^$")
	second.Env = env
	got, err := second.CombinedOutput()
	if err != nil || !bytes.Contains(got, []byte("already running")) {
		t.Fatalf("second start: %v\n%s", err, got)
	}
	select {
	case err := <-done:
		t.Fatalf("the first Tally stopped: %v\n%s", err, out.String())
	default:
	}
}

// TestCLIForTheBookkeeper: help exits 0, a folder is named as one, an
// import that never existed is said so, and a fresh database without
// keys imports into the live books, making no demo files.
func TestCLIForTheBookkeeper(t *testing.T) {
	ctx := context.Background()
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"reconcile", "--help"}, {"export", "-h"}, {"import", "--help"}, {"shop", "--help"}} {
		var out bytes.Buffer
		if err := run(ctx, args, &out); err != nil || !strings.Contains(out.String(), "tally") {
			t.Errorf("%v: %v\n%s", args, err, out.String())
		}
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "tally.db")
	sample := filepath.Join(dir, "export.csv")
	if err := os.WriteFile(sample, []byte("balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category\ntxn_1,2026-11-02 10:00:00,eur,10.00,0.30,9.70,charge\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"import", "--db", db, sample}, &out); err != nil {
		t.Fatalf("import: %v", err)
	}
	for _, f := range []string{"tally.demo.db", "tally.demo.sim.json", "tally.demo.till.db"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("a bookkeeping command made the demo's %s", f)
		}
	}
	out.Reset()
	if err := run(ctx, []string{"imports", "--db", db, "--books", "live"}, &out); err != nil || !strings.Contains(out.String(), "export.csv") {
		t.Fatalf("the import is not in the live books: %v\n%s", err, out.String())
	}
	if err := run(ctx, []string{"import", "--db", db, dir}, &out); err == nil {
		t.Fatal("a folder was imported")
	}
	err := run(ctx, []string{"unimport", "--db", db, "99"}, &out)
	if err == nil || !strings.Contains(userMessage(err), "There is no import 99") {
		t.Fatalf("unimport 99: %v", err)
	}
}

// TestSIGTERMDuringImport: a shutdown in the middle of a long import
// stops it with nothing of it written (an import is all or nothing), the
// data opens again, and the same file imports whole afterwards.
func TestSIGTERMDuringImport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "tally.db")
	big := filepath.Join(dir, "big.csv")
	var b bytes.Buffer
	b.WriteString("balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category\n")
	for i := 0; i < 120000; i++ {
		fmt.Fprintf(&b, "txn_%d,2026-11-02 10:00:00,eur,10.00,0.30,9.70,charge\n", i)
	}
	if err := os.WriteFile(big, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "TALLY_TEST_APP=1", "TALLY_KEYCHAIN=file",
		"TALLY_TEST_ARGS="+strings.Join([]string{"import", "--db", db, big}, "\x1f"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Under way: the import's transaction has written a few megabytes
	// (the migrations before it write far less), so the signal falls in
	// the middle of the import, not of the start.
	deadline := time.Now().Add(120 * time.Second)
	for {
		if st, err := os.Stat(filepath.Join(dir, "tally.db-wal")); err == nil && st.Size() > 2<<20 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the import never started\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		// Stopped as asked: an exit with its message, never killed by the
		// signal itself.
		var ee *exec.ExitError
		if errors.As(err, &ee) && !ee.Exited() {
			t.Fatalf("killed by the signal, not stopped: %v\n%s", err, out.String())
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("the import did not stop on SIGTERM\n%s", out.String())
	}
	var list bytes.Buffer
	if err := run(context.Background(), []string{"imports", "--db", db}, &list); err != nil {
		t.Fatalf("the data after SIGTERM: %v", err)
	}
	stopped := !strings.Contains(list.String(), "big.csv")
	t.Logf("stopped in the middle: %v; the command said: %s", stopped, out.String())
	if !stopped && !strings.Contains(list.String(), "120000") {
		t.Fatalf("a part of the import was written:\n%s\n%s", list.String(), out.String())
	}
	var again bytes.Buffer
	if err := run(context.Background(), []string{"import", "--db", db, big}, &again); err != nil {
		t.Fatalf("the import after SIGTERM: %v", err)
	}
	if stopped && !strings.Contains(out.String(), "stopped: Tally was asked to stop") {
		t.Errorf("the stopped import was not said:\n%s", out.String())
	}
	if stopped && !strings.Contains(again.String(), "120000 lines, 120000 new") {
		t.Fatalf("after the stopped import: %s", again.String())
	}
}
