package testenv

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
)

// Postgres says whether the tests run on PostgreSQL: TALLY_TEST_STORE is
// postgres, and TALLY_TEST_POSTGRES the address of a server's "postgres"
// database (scripts/test.sh starts a throw-away one and sets both).
func Postgres() bool { return os.Getenv("TALLY_TEST_STORE") == "postgres" }

var made sync.Map // database name → true, created in this run

// DataPath returns where a test keeps the shop's data: the SQLite file
// tally.db in dir, or, on PostgreSQL, a database of dir's own, created on
// first use and dropped when the test ends. Asked again for the same dir
// (a restart), it returns the same place. A server that cannot be reached
// fails the test: it never skips.
func DataPath(tb testing.TB, dir string) string {
	tb.Helper()
	if !Postgres() {
		return filepath.Join(dir, "tally.db")
	}
	base := os.Getenv("TALLY_TEST_POSTGRES")
	if base == "" {
		tb.Fatal("TALLY_TEST_STORE=postgres needs TALLY_TEST_POSTGRES, the address of a server's postgres database")
	}
	name := dbName(dir)
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("TALLY_TEST_POSTGRES: %v", err)
	}
	if _, ok := made.Load(name); !ok {
		createDB(tb, base, name, "")
	}
	u.Path = "/" + name
	return u.String()
}

// CopyData copies, on PostgreSQL, the database of the test folder from to
// that of to, as copying the folder copies SQLite's files. Nothing may be
// connected to it.
func CopyData(tb testing.TB, from, to string) {
	tb.Helper()
	if Postgres() {
		createDB(tb, os.Getenv("TALLY_TEST_POSTGRES"), dbName(to), dbName(from))
	}
}

func dbName(dir string) string {
	sum := sha256.Sum256([]byte(dir))
	return "t_" + hex.EncodeToString(sum[:10])
}

// createDB creates the database name (a copy of template, when given) and
// drops it when the test ends.
func createDB(tb testing.TB, base, name, template string) {
	tb.Helper()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	q := `CREATE DATABASE ` + name
	if template != "" {
		q += ` TEMPLATE ` + template
	}
	if _, err := admin.ExecContext(context.Background(), q); err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	made.Store(name, true)
	tb.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		_, _ = admin.ExecContext(context.Background(), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
		made.Delete(name)
	})
}

// NewPostgres returns the address of a new, empty database on the test
// server, dropped when the test ends. Without a server it fails in CI
// (scripts/test.sh starts one) and skips elsewhere.
func NewPostgres(tb testing.TB, label string) string {
	tb.Helper()
	base := os.Getenv("TALLY_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("CI") != "" {
			tb.Fatal("no PostgreSQL server for the tests: TALLY_TEST_POSTGRES is empty (scripts/test.sh starts one)")
		}
		tb.Skip("no PostgreSQL server: run scripts/test.sh, which starts one")
	}
	name := dbName(tb.Name() + "/" + label)
	createDB(tb, base, name, "")
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}
