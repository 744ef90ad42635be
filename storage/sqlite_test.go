package storage

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"tally/domain"
)

func mustOpenDB(tb testing.TB) *DB {
	tb.Helper()
	db, err := Open(context.Background(), filepath.Join(tb.TempDir(), "tally.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func TestOpen(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := mustOpenDB(t)
		var mode string
		if err := db.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
			t.Errorf("journal_mode = %q, %v", mode, err)
		}
		// Every pooled connection must have foreign keys on: hold several at once.
		ctx := context.Background()
		var conns []interface{ Close() error }
		for i := 0; i < 3; i++ {
			c, err := db.db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, c)
			var fk, busy int
			if err := c.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
				t.Errorf("conn %d foreign_keys = %d, %v", i, fk, err)
			}
			if err := c.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&busy); err != nil || busy != 5000 {
				t.Errorf("conn %d busy_timeout = %d, %v", i, busy, err)
			}
		}
		for _, c := range conns {
			c.Close()
		}
	})
	t.Run("ErrNoPath", func(t *testing.T) {
		if _, err := Open(context.Background(), ""); err == nil {
			t.Fatal("want error")
		}
	})
	t.Run("ErrNotADatabase", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "junk.db")
		if err := os.WriteFile(p, bytes.Repeat([]byte("not sqlite "), 500), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(context.Background(), p); err == nil {
			t.Fatal("opening a non-database file: want error")
		}
	})
}

// TestMigrationsFromEveryVersion opens a database left at each earlier
// migration and checks that Open brings it to the latest one.
func TestMigrationsFromEveryVersion(t *testing.T) {
	names, err := allMigrations()
	if err != nil || len(names) == 0 {
		t.Fatalf("migrations: %v %v", names, err)
	}
	ctx := context.Background()
	for k := 0; k <= len(names); k++ {
		path := filepath.Join(t.TempDir(), "tally.db")
		old, err := open(ctx, path, func() ([]string, error) { return names[:k], nil })
		if err != nil {
			t.Fatalf("version %d: %v", k, err)
		}
		old.Close()
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("upgrade from version %d: %v", k, err)
		}
		var n int
		if err := db.db.QueryRow(`SELECT COUNT(*) FROM migrations`).Scan(&n); err != nil || n != len(names) {
			t.Errorf("from version %d: %d migrations recorded, %v", k, n, err)
		}
		db.Close()
		// Opening again applies nothing and fails nothing.
		db, err = Open(ctx, path)
		if err != nil {
			t.Fatalf("reopen: %v", err)
		}
		db.Close()
	}
}

func TestSettings(t *testing.T) {
	ctx := context.Background()
	db := mustOpenDB(t)
	t.Run("Empty", func(t *testing.T) {
		err := db.View(ctx, func(tx domain.Tx) error {
			s, err := tx.Settings()
			if s.Mode != domain.ModeDisabled {
				t.Errorf("mode = %q", s.Mode)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Run("RoundTrip", func(t *testing.T) {
		want := domain.Settings{
			Mode: domain.ModeTest, PublishableKey: "pk_test_12345678abcd", SecretKeyHint: "sk_test_…abcd",
			Account:    domain.Account{ID: "acct_1", Name: "Corner Shop", Country: "DE", DefaultCurrency: domain.MustCurrency("eur")},
			VerifiedAt: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC),
		}
		if err := db.Update(ctx, func(tx domain.Tx) error { return tx.SaveSettings(want) }); err != nil {
			t.Fatal(err)
		}
		var got domain.Settings
		if err := db.View(ctx, func(tx domain.Tx) (err error) { got, err = tx.Settings(); return }); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("got %+v\nwant %+v", got, want)
		}
	})
	t.Run("RollbackOnError", func(t *testing.T) {
		err := db.Update(ctx, func(tx domain.Tx) error {
			if err := tx.SaveSettings(domain.Settings{Mode: domain.ModeLive}); err != nil {
				return err
			}
			return domain.Errorf(domain.EINVALID, "stop")
		})
		if domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("err = %v", err)
		}
		_ = db.View(ctx, func(tx domain.Tx) error {
			s, _ := tx.Settings()
			if s.Mode != domain.ModeTest {
				t.Errorf("mode after rollback = %q, want test", s.Mode)
			}
			return nil
		})
	})
	t.Run("ErrInvalidMode", func(t *testing.T) {
		err := db.Update(ctx, func(tx domain.Tx) error { return tx.SaveSettings(domain.Settings{Mode: "sandbox"}) })
		if domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestBackup(t *testing.T) {
	ctx := context.Background()
	db := mustOpenDB(t)
	if err := db.Update(ctx, func(tx domain.Tx) error {
		return tx.SaveSettings(domain.Settings{Mode: domain.ModeTest, PublishableKey: "pk_test_12345678abcd"})
	}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "copy.db")
	if err := db.Backup(ctx, out); err != nil {
		t.Fatal(err)
	}
	cp, err := Open(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	_ = cp.View(ctx, func(tx domain.Tx) error {
		s, _ := tx.Settings()
		if s.PublishableKey != "pk_test_12345678abcd" {
			t.Errorf("backup lost settings: %+v", s)
		}
		return nil
	})
	if err := db.Backup(ctx, out); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("backup over an existing file: err = %v", err)
	}
}

func TestRedact(t *testing.T) {
	in := "key sk_test_51Habcdefghijklmnop and rk_live_XYZ0123456789 hook whsec_abcdefghijklmn pk_test_visible"
	got := Redact(in)
	for _, secret := range []string{"51Habcdefghijkl", "XYZ012345", "abcdefghij"} {
		if strings.Contains(got, secret) {
			t.Errorf("Redact leaked %q: %s", secret, got)
		}
	}
	if !strings.Contains(got, "pk_test_visible") || !strings.Contains(got, "sk_test_[redacted]mnop") {
		t.Errorf("Redact = %s", got)
	}
	var buf bytes.Buffer
	log := NewLogger(&buf)
	log.Info("saving sk_live_0123456789abcdef", "key", "sk_test_0123456789abcdef", "err", os.ErrNotExist, "n", 3)
	if strings.Contains(buf.String(), "0123456789ab") {
		t.Errorf("log leaked a key: %s", buf.String())
	}
}

func TestFileKeychain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "secrets.json")
	k := &FileKeychain{Path: path}
	if _, err := k.Get("x"); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Fatalf("Get on empty: %v", err)
	}
	if err := k.Set("x", "sk_test_secret"); err != nil {
		t.Fatal(err)
	}
	if v, err := k.Get("x"); err != nil || v != "sk_test_secret" {
		t.Fatalf("Get = %q, %v", v, err)
	}
	fi, err := os.Stat(path)
	// Windows has no Unix modes (Go shows every writable file as 0666):
	// there the user's profile folder, where the file lives, keeps others out.
	if err != nil || (runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600) {
		t.Errorf("secrets file mode = %v, %v", fi.Mode().Perm(), err)
	}
	if err := k.Delete("x"); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Get("x"); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("after delete: %v", err)
	}
	if err := os.WriteFile(path, []byte("{broken"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Get("x"); err == nil || !strings.Contains(domain.ErrorMessage(err), "damaged") {
		t.Errorf("damaged file: %v", err)
	}
}

// TestBusyDatabaseSaysSo: a write while another connection (another
// window, the command line) holds the database says what is going on.
func TestBusyDatabaseSaysSo(t *testing.T) {
	ctx := context.Background()
	first := mustOpenDB(t)
	second, err := Open(ctx, first.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	second.db.SetMaxOpenConns(1)
	if _, err := second.db.Exec(`PRAGMA busy_timeout = 50`); err != nil {
		t.Fatal(err)
	}
	holding, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- first.Update(ctx, func(tx domain.Tx) error {
			if _, err := tx.BeginImport("long.csv", domain.StatementFormat{Name: "test"}, time.Now()); err != nil {
				return err
			}
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	err = second.Update(ctx, func(tx domain.Tx) error {
		_, err := tx.BeginImport("other.csv", domain.StatementFormat{Name: "test"}, time.Now())
		return err
	})
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if domain.ErrorCode(err) != domain.EUNAVAILABLE || !strings.Contains(domain.ErrorMessage(err), "The database is busy writing something else") {
		t.Fatalf("err = %v (%s)", err, domain.ErrorCode(err))
	}
}

// TestSecondWriterWaitsItsTurn: with OnBusy set, a write that finds the file
// held by a long job of another connection says so once and goes in when
// the job is done, instead of failing with SQLite's words.
func TestSecondWriterWaitsItsTurn(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "tally.db")
	first, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	second, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	told := make(chan struct{}, 4)
	second.OnBusy = func() { told <- struct{}{} }
	release := make(chan struct{})
	holding := make(chan struct{})
	go func() {
		_ = first.Update(ctx, func(tx domain.Tx) error {
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	done := make(chan error, 1)
	go func() {
		done <- second.Update(ctx, func(tx domain.Tx) error {
			s, err := tx.Settings()
			if err != nil {
				return err
			}
			s.Mode = domain.ModeTest
			return tx.SaveSettings(s)
		})
	}()
	<-told // busy_timeout passed: told once
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("the second write failed instead of waiting: %v", err)
	}
	if len(told) != 0 {
		t.Fatal("told more than once")
	}
}
