package domain_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tally/domain"
	"tally/internal/testenv"
	"tally/storage"
	"tally/stripeclient"
)

// doctorOn is the doctor of a shop whose settings say mode and apiBase,
// with key stored.
func doctorOn(t *testing.T, mode domain.Mode, key, apiBase string) *domain.DoctorService {
	t.Helper()
	dir := t.TempDir()
	books, err := storage.OpenBooks(ctx, testenv.DataPath(t, dir), func() domain.Mode { return mode })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { books.Close() })
	kc := storage.NewKeychain(filepath.Join(dir, "secrets.json"), true)
	if err := kc.Set(domain.SecretKeyName, key); err != nil {
		t.Fatal(err)
	}
	if err := books.Settings().Update(ctx, func(tx domain.Tx) error {
		return tx.SaveSettings(domain.Settings{Mode: mode, APIBase: apiBase})
	}); err != nil {
		t.Fatal(err)
	}
	sim := stripeclient.NewDemoSimulator(nil)
	connector := stripeclient.Connector{Demo: sim}
	conn := domain.NewConnection(connector, sim)
	settings := &domain.SettingsService{Store: books.Settings(), Keychain: kc, Connector: connector, Connection: conn, Clock: domain.SystemClock{}}
	if _, err := settings.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	return &domain.DoctorService{Settings: settings, Connection: conn, Events: &domain.EventService{Till: books, Connection: conn, Clock: domain.SystemClock{}},
		Integrity: books, Clock: domain.SystemClock{}}
}

func failing(t *testing.T, cs []domain.Check, name, words string) {
	t.Helper()
	if !domain.Failed(cs) {
		t.Fatalf("no check failed:\n%s", domain.Report(cs))
	}
	for _, c := range cs {
		if strings.HasPrefix(c.Name, name) && c.Status == "fail" && strings.Contains(c.Detail, words) {
			return
		}
	}
	t.Fatalf("no failing %s check saying %q:\n%s", name, words, domain.Report(cs))
}

func TestDoctorUnreachableAPI(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := "http://" + l.Addr().String()
	l.Close()
	d := doctorOn(t, domain.ModeTest, "sk_test_51TallyExampleKey000000", addr)
	failing(t, d.Run(ctx), "Stripe", "connect")
}

func TestDoctorWrongKey(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":{"type":"invalid_request_error","message":"Invalid API Key provided: sk_test_****0000"}}`))
	}))
	defer srv.Close()
	d := doctorOn(t, domain.ModeTest, "sk_test_51TallyExampleKey000000", srv.URL)
	cs := d.Run(ctx)
	failing(t, cs, "Stripe", "")
	for _, c := range cs {
		if c.Name == "Stripe" && !strings.Contains(strings.ToLower(c.Detail), "key") {
			t.Fatalf("the cause is not named: %q", c.Detail)
		}
	}
}

func TestDoctorKeyOfTheOtherMode(t *testing.T) {
	d := doctorOn(t, domain.ModeTest, "sk_live_51TallyExampleKey000000", "http://127.0.0.1:1")
	failing(t, d.Run(ctx), "Stripe", "live")
}

func TestDoctorOfflineReaderAndSkewedClock(t *testing.T) {
	r := newTill(t)
	doc := &domain.DoctorService{Settings: &domain.SettingsService{Store: r.books.Settings(), Keychain: storage.NewKeychain(filepath.Join(r.dir, "s.json"), true)},
		Connection: r.reg.Connection, Register: r.reg, Events: r.events, Integrity: r.books, Clock: r.clock}
	cs := doc.Run(ctx)
	if domain.Failed(cs) {
		t.Fatalf("a healthy demo shop fails:\n%s", domain.Report(cs))
	}
	r.sim.SetReaderOnline(r.reader, false)
	failing(t, doc.Run(ctx), "Reader", "Offline")
	r.sim.SetReaderOnline(r.reader, true)
	doc.Clock = &fakeClock{t: r.clock.Now().Add(10 * time.Minute)}
	failing(t, doc.Run(ctx), "Clock", "10 min fast")
}

// TestDoctorBackups: no backup yet, or an old one, is a warning; a fresh
// one is ok.
func TestDoctorBackups(t *testing.T) {
	r := newTill(t)
	doc := &domain.DoctorService{Settings: &domain.SettingsService{Store: r.books.Settings(), Keychain: storage.NewKeychain(filepath.Join(r.dir, "s.json"), true)},
		Connection: r.reg.Connection, Register: r.reg, Events: r.events, Backups: r.books, Clock: domain.SystemClock{}}
	backup := func() domain.Check {
		for _, c := range doc.Run(ctx) {
			if c.Name == "Backup" {
				return c
			}
		}
		t.Fatal("no backup check")
		return domain.Check{}
	}
	if testenv.Postgres() {
		// The server's backups are its own: Tally says so, and makes none.
		if c := backup(); c.Status != "warn" || !strings.Contains(c.Detail, "PostgreSQL server") {
			t.Fatalf("backups on a server: %+v", c)
		}
		if err := r.books.Settings().Backup(ctx, filepath.Join(t.TempDir(), "copy.db")); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("a backup of a server's books: %v", err)
		}
		return
	}
	if c := backup(); c.Status != "warn" || !strings.Contains(c.Detail, "No backup made yet") {
		t.Fatalf("no backup: %+v", c)
	}
	out := filepath.Join(t.TempDir(), "copy.db")
	if err := r.books.Settings().Backup(ctx, out); err != nil {
		t.Fatal(err)
	}
	if c := backup(); c.Status != "ok" || !strings.Contains(c.Detail, "copy.db") {
		t.Fatalf("after a backup: %+v", c)
	}
	doc.Clock = &fakeClock{t: time.Now().Add(10 * 24 * time.Hour)}
	if c := backup(); c.Status != "warn" || !strings.Contains(c.Detail, "10 days old") {
		t.Fatalf("an old backup: %+v", c)
	}
}
