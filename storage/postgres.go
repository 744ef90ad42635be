package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"tally/domain"
)

// IsPostgres reports whether where names a PostgreSQL server
// (postgres://… or postgresql://…) rather than a file.
func IsPostgres(where string) bool {
	return strings.HasPrefix(where, "postgres://") || strings.HasPrefix(where, "postgresql://")
}

// Schemas on a server: each mode's books and register in schemas of their
// own, as each mode has files of its own beside a SQLite database.
const schemaPrefix = "tally_"

// withSchema returns the server address u with its connections' search
// path set to schema.
func withSchema(u, schema string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u // Open says what is wrong with it
	}
	q := p.Query()
	q.Set("search_path", schema)
	p.RawQuery = q.Encode()
	return p.String()
}

// schemaOf returns the schema u's connections use.
func schemaOf(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return p.Query().Get("search_path")
}

// Redacted returns where with any password hidden, for the screens and
// the log.
func Redacted(where string) string {
	if !IsPostgres(where) {
		return where
	}
	p, err := url.Parse(where)
	if err != nil {
		return "postgres://…"
	}
	return p.Redacted()
}

// openPostgres opens the schema u names (creating it if needed) and
// applies the migrations of dir (pg/books or pg/till) it has not seen.
// Several tills may start at once: the migrations run under a lock of
// the server's, one Tally at a time.
func openPostgres(ctx context.Context, u, dir string) (*DB, error) {
	if schemaOf(u) == "" { // the server only: the live books, or the live register
		books, till := Paths(u, domain.ModeLive)
		u = books
		if dir == "pg/till" {
			u = till
		}
	}
	schema := schemaOf(u)
	if schema == "" || strings.ContainsAny(schema, `",`) {
		return nil, fmt.Errorf("open database: no schema in %s", Redacted(u))
	}
	sdb, err := sql.Open("pgx", u)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", Redacted(u), err)
	}
	sdb.SetMaxOpenConns(16)
	sdb.SetConnMaxIdleTime(5 * time.Minute)
	d := &DB{db: sdb, dialect: postgresSQL, Path: u}
	if err := d.migratePostgres(ctx, schema, dir); err != nil {
		sdb.Close()
		return nil, err
	}
	return d, nil
}

func (d *DB) migratePostgres(ctx context.Context, schema, dir string) error {
	files, err := migrationsIn(dir)
	if err != nil {
		return err
	}
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return pgUnreachable(err)
	}
	defer tx.Rollback()
	// One Tally at a time migrates a schema: the lock is the server's and
	// ends with the transaction.
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, schema); err != nil {
		return pgUnreachable(err)
	}
	if _, err := tx.ExecContext(ctx, `CREATE SCHEMA IF NOT EXISTS "`+schema+`"`); err != nil {
		return fmt.Errorf("create schema %s: %w", schema, err)
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("create migrations table: %w", err)
	}
	done, err := textColumn(tx.QueryContext(ctx, `SELECT name FROM migrations`))
	if err != nil {
		return fmt.Errorf("list applied migrations: %w", err)
	}
	applied := map[string]bool{}
	for _, n := range done {
		applied[n] = true
	}
	for _, name := range files {
		if applied[name] {
			continue
		}
		body, err := fs.ReadFile(migrationFS, name)
		if err != nil {
			return fmt.Errorf("read migration %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("apply migration %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO migrations (name, applied_at) VALUES ($1, $2)`, name, time.Now().UTC().Format(time.RFC3339)); err != nil {
			return fmt.Errorf("record migration %s: %w", name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit migrations: %w", err)
	}
	return nil
}

// pgRetries is how often a write that lost a race with another till's is
// run again before the cashier is told.
const pgRetries = 8

// runPostgres runs fn in one transaction. Writes are SERIALIZABLE: what
// SQLite gets from one writer at a time (a sale's number, an event
// applied once, a line booked once) the server gets by refusing the
// second of two writes that raced, and fn is run again, from the start,
// on what the first one left.
func (d *DB) runPostgres(ctx context.Context, readOnly bool, fn func(conn *sql.Conn, stx *sql.Tx) error) error {
	opts := &sql.TxOptions{Isolation: sql.LevelSerializable, ReadOnly: readOnly}
	if readOnly {
		opts.Isolation = sql.LevelRepeatableRead // one consistent view
	}
	for try := 0; ; try++ {
		err := d.tryPostgres(ctx, opts, fn)
		if err == nil || !retryable(err) || try >= pgRetries {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(try+1) * 5 * time.Millisecond):
		}
	}
}

func (d *DB) tryPostgres(ctx context.Context, opts *sql.TxOptions, fn func(conn *sql.Conn, stx *sql.Tx) error) error {
	conn, err := d.db.Conn(ctx)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		return formatError(pgUnreachable(err))
	}
	defer conn.Close()
	stx, err := conn.BeginTx(ctx, opts)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		return formatError(pgUnreachable(err))
	}
	defer stx.Rollback()
	if err := fn(conn, stx); err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		return formatError(err)
	}
	if err := stx.Commit(); err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		return formatError(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// retryable reports a write refused because another transaction's raced
// it: run again, it sees what the other one did.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// pgCode returns the SQLSTATE of a PostgreSQL error, "" for others.
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// pgConstraint returns the constraint a PostgreSQL error names.
func pgConstraint(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.ConstraintName
	}
	return ""
}

// pgUnreachable says what a failed connection to the server means.
func pgUnreachable(err error) error {
	if pgCode(err) != "" {
		return err // the server answered
	}
	return domain.WrapError(domain.EUNAVAILABLE, "The database server cannot be reached: check that it runs and that this computer can reach it (the address given with --db or TALLY_DB), then try again. Nothing was saved.", err)
}
