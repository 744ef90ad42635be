package ui

import (
	"context"
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"image/color"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"tally/domain"
	"tally/internal/testenv"
	"tally/printer"
	"tally/reports"
	"tally/storage"
	"tally/stripeclient"
)

// mockURL returns the running stripe-mock's address.
func mockURL(tb testing.TB) string { return testenv.StripeMock(tb) }

type fixture struct {
	shell    *Shell
	svc      Services
	settings *settingsScreen
	keychain domain.Keychain
	db       *storage.Books
	sim      *stripeclient.Simulator
}

// newFixture builds the real services on a temporary database and a file
// keychain, with background work run synchronously. Its owner's pages need
// no PIN; newGuardedFixture's do.
func newFixture(t *testing.T) *fixture { return buildFixture(t, false) }

// newGuardedFixture is newFixture with the owner's PIN guarding what it
// guards in the app.
func newGuardedFixture(t *testing.T) *fixture { return buildFixture(t, true) }

func buildFixture(t testing.TB, guarded bool) *fixture {
	t.Helper()
	test.NewTempApp(t)
	dir := t.TempDir()
	t.Setenv("TALLY_DOCUMENTS", filepath.Join(dir, "Documents"))
	kc := &storage.FileKeychain{Path: filepath.Join(dir, "secrets.json")}
	demo := stripeclient.NewDemoSimulator(nil)
	connector := stripeclient.Connector{Demo: demo}
	conn := domain.NewConnection(connector, demo)
	db, err := storage.OpenBooks(context.Background(), filepath.Join(dir, "tally.db"), conn.Mode)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	access := &domain.AccessService{Store: db.Access(), Hasher: storage.PINHasher{Time: 1, MemoryKiB: 64}, Clock: domain.SystemClock{}, Mode: conn.Mode}
	register := &domain.RegisterService{Till: db, Store: db, Shop: db.Settings(), Connection: conn, Clock: domain.SystemClock{}, Demo: demo, Documents: reports.Documents{},
		Printers: printer.ESCPOS{Timeout: time.Second}}
	events := &domain.EventService{Till: db, Connection: conn, Clock: domain.SystemClock{}}
	svc := Services{
		Register:   register,
		Events:     events,
		Payments:   &domain.PaymentsService{Till: db, Connection: conn, Clock: domain.SystemClock{}, Access: access, Register: register},
		Settings:   &domain.SettingsService{Store: db.Settings(), Keychain: kc, Connector: connector, Connection: conn, Clock: domain.SystemClock{}},
		Readers:    &domain.ReaderService{Store: db, Connection: conn, Clock: domain.SystemClock{}, TestWait: time.Second, Poll: time.Millisecond},
		Methods:    &domain.PaymentMethodService{Store: db, Connection: conn},
		Import:     &domain.ImportService{Store: db, Parser: reports.Parser{}, Clock: domain.SystemClock{}},
		Reconcile:  &domain.ReconcileService{Store: db, Till: db, Exporters: reports.NewExportWriter, Documents: reports.Documents{}},
		Rules:      &domain.RuleService{Store: db},
		Fetch:      &domain.FetchService{Connection: conn, Import: &domain.ImportService{Store: db, Parser: reports.Parser{}, Clock: domain.SystemClock{}}},
		Connection: conn, DataPath: filepath.Join(dir, "tally.db"),
	}
	svc.Invoices = &domain.InvoiceService{Till: db, Connection: conn, Clock: domain.SystemClock{}, Access: access, Shop: db.Settings(),
		Register: register, Demo: demo, Documents: reports.Documents{}}
	demo.SetPDFWriter(reports.WritePDF)
	svc.Doctor = &domain.DoctorService{Settings: svc.Settings, Connection: conn, Register: register, Events: events, Integrity: db, Clock: domain.SystemClock{}}
	if guarded {
		svc.Access, register.Access = access, access
	}
	w := test.NewTempWindow(t, widget.NewLabel(""))
	s := newShell(test.NewApp(), w, svc, func(f func()) { f() })
	s.register.pollRun = func(func()) {} // tests ask with Check status
	s.register.idleAfter = 0             // no timer beside the test (releaseScan is called by hand)
	w.SetContent(s.buildUI())
	if !s.Show("Settings") {
		t.Fatal("no Settings page")
	}
	return &fixture{shell: s, svc: svc, settings: s.settings, keychain: kc, db: db, sim: demo}
}

func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return "http://" + l.Addr().String()
}

func (f *fixture) fill(mode, secret, apiBase string) {
	s := f.settings
	s.mode.SetSelected(mode)
	s.secret.SetText("")
	test.Type(s.secret, secret)
	s.apiBase.SetText(apiBase)
}

func TestSettingsScreen(t *testing.T) {
	t.Run("DemoAtStart", func(t *testing.T) {
		f := newFixture(t)
		if f.shell.Badge() != "DEMO" {
			t.Errorf("badge = %q", f.shell.Badge())
		}
		if f.settings.mode.Selected != "Disabled (demo)" {
			t.Errorf("mode = %q", f.settings.mode.Selected)
		}
		if !strings.Contains(f.settings.where.Text, "secrets.json") {
			t.Errorf("where = %q", f.settings.where.Text)
		}
	})
	t.Run("ErrWrongMode", func(t *testing.T) {
		f := newFixture(t)
		f.fill("Live", "sk_test_123456789abc", "")
		test.Tap(f.settings.verifyBtn)
		e := f.settings.fieldErrs["secret"]
		if !e.Visible() || !strings.Contains(e.Text, "test-mode key but Tally is set to live mode") {
			t.Fatalf("secret field error = %q (visible %v)", e.Text, e.Visible())
		}
	})
	t.Run("ErrPublishableInSecretField", func(t *testing.T) {
		f := newFixture(t)
		f.fill("Test", "pk_test_123456789abc", "")
		test.Tap(f.settings.verifyBtn)
		if e := f.settings.fieldErrs["secret"]; !strings.Contains(e.Text, "publishable key") {
			t.Fatalf("secret field error = %q", e.Text)
		}
	})
	t.Run("ErrWrongKey", func(t *testing.T) {
		f := newFixture(t)
		f.fill("Test", "sk_test_not_a_real_key", mockURL(t))
		test.Tap(f.settings.verifyBtn)
		if got := f.settings.status.msg.Text; !strings.Contains(got, "did not accept this key") {
			t.Fatalf("result = %q", got)
		}
	})
	t.Run("ErrUnreachable", func(t *testing.T) {
		f := newFixture(t)
		f.fill("Test", "sk_test_51TallyExampleKey000000", closedPort(t))
		test.Tap(f.settings.verifyBtn)
		if got := f.settings.status.msg.Text; !strings.Contains(got, "Could not connect to Stripe") {
			t.Fatalf("result = %q", got)
		}
		if f.settings.verifyBtn.Disabled() {
			t.Error("buttons stay disabled after a failure")
		}
	})
	t.Run("VerifyOK", func(t *testing.T) {
		f := newFixture(t)
		f.fill("Test", "sk_test_51TallyExampleKey000000", mockURL(t))
		test.Tap(f.settings.verifyBtn)
		got := f.settings.status.msg.Text
		if !strings.Contains(got, "Connected to") || !strings.Contains(got, "acct_") || !strings.Contains(got, "Not saved yet") {
			t.Fatalf("result = %q", got)
		}
		if f.shell.Badge() != "DEMO" {
			t.Errorf("verify must not switch modes: badge = %q", f.shell.Badge())
		}
	})
	t.Run("SaveOK", func(t *testing.T) {
		f := newFixture(t)
		f.fill("Test", "sk_test_51TallyExampleKey000000", mockURL(t))
		test.Tap(f.settings.saveBtn)
		if got := f.settings.status.msg.Text; !strings.HasPrefix(got, "✓ Saved.") {
			t.Fatalf("result = %q", got)
		}
		if f.shell.Badge() != "TEST" {
			t.Errorf("badge = %q, want TEST", f.shell.Badge())
		}
		if f.settings.secret.Text != "" || !strings.Contains(f.settings.secret.PlaceHolder, "Stored: sk_test_") {
			t.Errorf("secret entry = %q, placeholder %q", f.settings.secret.Text, f.settings.secret.PlaceHolder)
		}
		if k, err := f.keychain.Get(domain.SecretKeyName); err != nil || k != "sk_test_51TallyExampleKey000000" {
			t.Errorf("keychain = %q, %v", k, err)
		}
		// Back to disabled: demo mode, keys kept.
		f.settings.mode.SetSelected("Disabled (demo)")
		test.Tap(f.settings.saveBtn)
		if f.shell.Badge() != "DEMO" {
			t.Errorf("badge = %q, want DEMO", f.shell.Badge())
		}
		if _, err := f.keychain.Get(domain.SecretKeyName); err != nil {
			t.Errorf("disabling lost the key: %v", err)
		}
	})
	t.Run("ErrSaveRefusedKeyKeepsOld", func(t *testing.T) {
		f := newFixture(t)
		f.fill("Test", "sk_test_wrong_key_x", mockURL(t))
		test.Tap(f.settings.saveBtn)
		if got := f.settings.status.msg.Text; !strings.Contains(got, "did not accept") {
			t.Fatalf("result = %q", got)
		}
		if _, err := f.keychain.Get(domain.SecretKeyName); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("a refused key was stored: %v", err)
		}
		if f.shell.Badge() != "DEMO" {
			t.Errorf("badge = %q", f.shell.Badge())
		}
	})
	t.Run("SaveOfflineUnverified", func(t *testing.T) {
		f := newFixture(t)
		f.fill("Test", "sk_test_51TallyExampleKey000000", closedPort(t))
		test.Tap(f.settings.saveBtn)
		if got := f.settings.status.msg.Text; !strings.Contains(got, "Saved, but not verified") {
			t.Fatalf("result = %q", got)
		}
		if f.shell.Badge() != "TEST" {
			t.Errorf("badge = %q", f.shell.Badge())
		}
	})
}

// TestLookSwitch: Settings switches between the system's look, light and
// dark, at once, and the choice is kept.
func TestLookSwitch(t *testing.T) {
	f := newFixture(t)
	app := fyne.CurrentApp()
	bg := func() color.Color { return app.Settings().Theme().Color(theme.ColorNameBackground, theme.VariantDark) }
	f.settings.look.SetSelected("Light")
	if got, want := bg(), theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantLight); got != want {
		t.Fatalf("light: background %v, want %v", got, want)
	}
	if app.Preferences().String(themeKey) != "light" {
		t.Fatal("the choice is not kept")
	}
	f.settings.look.SetSelected("Dark")
	if got, want := app.Settings().Theme().Color(theme.ColorNameBackground, theme.VariantLight), theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantDark); got != want {
		t.Fatalf("dark: background %v, want %v", got, want)
	}
	f.settings.look.SetSelected("Follow the system")
	if _, fixed := app.Settings().Theme().(fixedVariant); fixed {
		t.Fatal("the system's look is not followed")
	}
	if lookLabel(app) != "Follow the system" {
		t.Fatalf("label %q", lookLabel(app))
	}
}
