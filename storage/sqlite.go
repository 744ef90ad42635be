// Package storage keeps Tally's data in one SQLite file (modernc.org/sqlite,
// no cgo) and implements domain.Store on it; it also holds the other files of
// the data folder: the keychain fallback and the log.
package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"tally/domain"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql till/*.sql pg/books/*.sql pg/till/*.sql
var migrationFS embed.FS

// DB is an open Tally database. It implements domain.Store.
type DB struct {
	db      *sql.DB
	dialect dialect
	Path    string
	// OnBusy, when set, makes a write that finds the file held by another
	// writer (an import or a booking in another Tally) wait its turn
	// instead of failing: it is called once, to say so, and the write
	// starts as soon as the file is free or ctx ends.
	OnBusy func()
}

var _ domain.Store = (*DB)(nil)

// dsn sets every per-connection setting: each pooled connection gets them.
func dsn(path string) string {
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "synchronous(NORMAL)")
	// The write-ahead log is folded into the file every walCheckpointPages
	// pages and cut back to walSizeLimit after: SQLite's default of 1,000
	// pages is 16 MB at Tally's page size, and the log kept that size for
	// good once it had reached it (a till's grew to 16.5 MB in an hour).
	q.Add("_pragma", fmt.Sprintf("wal_autocheckpoint(%d)", walCheckpointPages))
	q.Add("_pragma", fmt.Sprintf("journal_size_limit(%d)", walSizeLimit))
	q.Add("_txlock", "immediate")
	return "file:" + filepath.ToSlash(path) + "?" + q.Encode()
}

// Open opens (creating if needed) the database at path and applies every
// migration it has not seen. The folder is created with mode 0700.
func Open(ctx context.Context, path string) (*DB, error) {
	if IsPostgres(path) {
		return openPostgres(ctx, path, "pg/books")
	}
	return open(ctx, path, allMigrations)
}

func open(ctx context.Context, path string, names func() ([]string, error)) (*DB, error) {
	if path == "" {
		return nil, fmt.Errorf("open database: no path")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if err := create(ctx, path); err != nil {
			return nil, err
		}
	}
	sdb, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	d := &DB{db: sdb, Path: path}
	list, err := names()
	if err != nil {
		sdb.Close()
		return nil, err
	}
	if err := d.migrate(ctx, list); err != nil {
		sdb.Close()
		return nil, err
	}
	return d, nil
}

// pageSize is set when a database file is created: larger pages mean fewer
// writes for a bookkeeper's million-line import. The driver applies DSN
// pragmas in alphabetical order, so journal_mode would fix the size first:
// the file is created apart, before the DSN's settings.
const pageSize = 16384

// The write-ahead log's bounds: a checkpoint every 256 pages (4 MB), the
// file cut back to 4 MB after one. A bookkeeper's import, one transaction,
// still grows it as far as it needs until it commits.
const (
	walCheckpointPages = 256
	walSizeLimit       = walCheckpointPages * pageSize
)

func create(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path))
	if err != nil {
		return fmt.Errorf("create database %s: %w", path, err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, fmt.Sprintf("PRAGMA page_size = %d", pageSize)); err != nil {
		return fmt.Errorf("create database %s: %w", path, err)
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL) STRICT`); err != nil {
		return fmt.Errorf("create database %s: %w", path, err)
	}
	return nil
}

// Close closes the database.
func (d *DB) Close() error { return d.db.Close() }

func allMigrations() ([]string, error) { return migrationsIn("migrations") }

func tillMigrations() ([]string, error) { return migrationsIn("till") }

func migrationsIn(dir string) ([]string, error) {
	names, err := fs.Glob(migrationFS, dir+"/*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	sort.Strings(names)
	return names, nil
}

// migrate applies, in name order, each migration not yet recorded, each in
// its own transaction together with its record.
func (d *DB) migrate(ctx context.Context, names []string) error {
	// Read what is applied first, without a write lock: opening a database
	// that needs nothing must not wait on (or fail beside) a long import
	// holding the write lock in another process.
	rows, err := d.db.QueryContext(ctx, `SELECT name FROM migrations`)
	if err != nil && strings.Contains(err.Error(), "no such table") {
		if _, err := d.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL) STRICT`); err != nil {
			return fmt.Errorf("create migrations table: %w", err)
		}
		rows, err = d.db.QueryContext(ctx, `SELECT name FROM migrations`)
	}
	done, err := textColumn(rows, err)
	if err != nil {
		return fmt.Errorf("list applied migrations: %w", err)
	}
	applied := map[string]bool{}
	for _, n := range done {
		applied[n] = true
	}
	rebuilt := false
	for _, name := range names {
		if applied[name] {
			continue
		}
		r, err := d.migrateFile(ctx, name)
		if err != nil {
			return err
		}
		rebuilt = rebuilt || r
	}
	if rebuilt {
		d.reclaim(ctx)
	}
	return nil
}

// reclaim gives back to the file system the pages a table rebuild freed
// when they are a quarter of the file or more: a rebuild copies the table,
// so the file would otherwise stay twice the size until imports reuse the
// space. VACUUM needs a transient copy's worth of free disk; when it fails
// (a full disk), the database is as good as before and the free pages are
// reused by later writes, so the failure is not an error.
func (d *DB) reclaim(ctx context.Context) {
	var free, total int64
	if d.db.QueryRowContext(ctx, `PRAGMA freelist_count`).Scan(&free) != nil ||
		d.db.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&total) != nil {
		return
	}
	if free*4 >= total && free > 0 {
		_, _ = d.db.ExecContext(ctx, `VACUUM`)
	}
}

// foreignKeysOff marks a migration that rebuilds a table other tables refer
// to: SQLite's documented procedure runs it with foreign keys off, then
// checks them all before committing.
const foreignKeysOff = "-- tally:foreign-keys-off"

// migrateFile applies one migration unless it is recorded already; rebuilt
// says it ran one of the foreign-keys-off kind.
func (d *DB) migrateFile(ctx context.Context, name string) (rebuilt bool, err error) {
	body, err := fs.ReadFile(migrationFS, name)
	if err != nil {
		return false, fmt.Errorf("read migration %s: %w", name, err)
	}
	// One connection for the whole migration: the foreign-keys setting
	// belongs to a connection and can only change outside a transaction.
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("begin migration %s: %w", name, err)
	}
	defer conn.Close()
	fkOff := wantsForeignKeysOff(string(body))
	if fkOff {
		if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
			return false, fmt.Errorf("begin migration %s: %w", name, err)
		}
		defer func() {
			if _, rerr := conn.ExecContext(ctx, `PRAGMA foreign_keys = ON`); rerr != nil {
				// Never hand a connection without foreign keys back to the pool.
				conn.Raw(func(any) error { return driver.ErrBadConn })
				if err == nil {
					err = fmt.Errorf("migration %s: turn foreign keys back on: %w", name, rerr)
				}
			}
		}()
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("begin migration %s: %w", name, err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM migrations WHERE name = ?`, name).Scan(&n); err != nil {
		return false, fmt.Errorf("check migration %s: %w", name, err)
	} else if n > 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return false, fmt.Errorf("apply migration %s: %w", name, err)
	}
	if fkOff {
		if err := checkForeignKeys(ctx, tx); err != nil {
			return false, fmt.Errorf("migration %s: %w", name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO migrations (name, applied_at) VALUES (?, ?)`, name, time.Now().UTC().Format(time.RFC3339)); err != nil {
		return false, fmt.Errorf("record migration %s: %w", name, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("commit migration %s: %w", name, err)
	}
	return fkOff, nil
}

// wantsForeignKeysOff reports whether a migration's first line is the
// foreignKeysOff marker, whatever the file's line endings.
func wantsForeignKeysOff(body string) bool {
	first, _, _ := strings.Cut(body, "\n")
	return strings.TrimSpace(first) == foreignKeysOff
}

// checkForeignKeys fails if any row refers to a row that does not exist.
func checkForeignKeys(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return fmt.Errorf("check foreign keys: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fk int
		if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
			return fmt.Errorf("check foreign keys: %w", err)
		}
		return fmt.Errorf("row %d of %s refers to a missing row of %s", rowid.Int64, table, parent)
	}
	return rows.Err()
}

// Update runs fn in one write transaction (BEGIN IMMEDIATE, see dsn).
func (d *DB) Update(ctx context.Context, fn func(domain.Tx) error) error {
	return d.run(ctx, false, fn)
}

// View runs fn in one read-only transaction.
func (d *DB) View(ctx context.Context, fn func(domain.Tx) error) error {
	return d.run(ctx, true, fn)
}

func (d *DB) run(ctx context.Context, readOnly bool, fn func(domain.Tx) error) error {
	if d.dialect.pg {
		return d.runPostgres(ctx, readOnly, func(conn *sql.Conn, stx *sql.Tx) error {
			t := &Tx{tx: sqlTx{stx, d.dialect}, conn: conn, ctx: ctx}
			defer t.closeBulk()
			return fn(t)
		})
	}
	// The transaction's connection is held apart so that bulk inserts can
	// reach the driver directly (see bulkExec).
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return formatError(fmt.Errorf("begin: %w", err))
	}
	defer conn.Close()
	stx, err := conn.BeginTx(ctx, &sql.TxOptions{ReadOnly: readOnly})
	for told := false; err != nil && !readOnly && d.OnBusy != nil && isBusy(err) && ctx.Err() == nil; {
		// busy_timeout has already waited 5 s: the other writer is a long
		// job. Say so once, then keep trying until it is done.
		if !told {
			d.OnBusy()
			told = true
		}
		select {
		case <-ctx.Done():
		case <-time.After(250 * time.Millisecond):
		}
		stx, err = conn.BeginTx(ctx, &sql.TxOptions{ReadOnly: readOnly})
	}
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		return formatError(fmt.Errorf("begin: %w", err))
	}
	defer stx.Rollback()
	t := &Tx{tx: sqlTx{stx, d.dialect}, conn: conn, ctx: ctx}
	defer t.closeBulk()
	if err := fn(t); err != nil {
		if cerr := ctx.Err(); cerr != nil {
			// database/sql rolls back on cancellation by itself; the statement
			// that noticed says "transaction has already been rolled back".
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

// Backup writes a consistent copy of the database to out (VACUUM INTO), which
// must not exist yet.
func (d *DB) Backup(ctx context.Context, out string) error {
	if d.dialect.pg {
		return domain.Errorf(domain.EINVALID, "The books are on a PostgreSQL server: back them up with the server's own tools (pg_dump), which copy every till's data at once.")
	}
	if _, err := os.Stat(out); err == nil {
		return domain.Errorf(domain.ECONFLICT, "%s already exists: choose another name, Tally never overwrites a backup", out)
	}
	if _, err := d.db.ExecContext(ctx, `VACUUM INTO ?`, out); err != nil {
		return fmt.Errorf("backup to %s: %w", out, err)
	}
	// Recorded where the books' migrations made the table (a register
	// file has none): the diagnostics say when the last backup was.
	_, _ = d.db.ExecContext(ctx, `INSERT INTO backups (at, path) VALUES (?, ?)`, time.Now().UTC().Unix(), out)
	return nil
}

// LastBackup returns when and where the last backup of this file went; the
// zero time when none was recorded.
func (d *DB) LastBackup(ctx context.Context) (time.Time, string, error) {
	if d.dialect.pg {
		return time.Time{}, "", domain.Errorf(domain.EINVALID, "The books are on a PostgreSQL server, whose backups Tally does not see: make sure whoever runs the server backs it up (pg_dump), and keeps a copy elsewhere.")
	}
	var at int64
	var path string
	err := d.db.QueryRowContext(ctx, `SELECT at, path FROM backups ORDER BY at DESC, id DESC LIMIT 1`).Scan(&at, &path)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, "", nil
	}
	if err != nil {
		return time.Time{}, "", fmt.Errorf("read backups: %w", err)
	}
	return time.Unix(at, 0).UTC(), path, nil
}

// Tx is one transaction; it implements domain.Tx.
type Tx struct {
	tx     sqlTx
	conn   *sql.Conn // tx's connection
	bulk   map[string]driver.Stmt
	ctx    context.Context
	stmts  map[string]*sql.Stmt
	extras extraCodec // of the import under way
}

var _ domain.Tx = (*Tx)(nil)

func isBusy(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "database is locked") || strings.Contains(msg, "SQLITE_BUSY")
}

// formatError maps SQLite constraint failures to domain codes in one place.
func formatError(err error) error {
	if err == nil {
		return nil
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	msg := err.Error()
	switch code := pgCode(err); {
	case code == "23505":
		return domain.WrapError(domain.ECONFLICT, "This already exists.", err)
	case code == "23503":
		return domain.WrapError(domain.ECONFLICT, "This is still in use elsewhere.", err)
	case code == "53100":
		return domain.WrapError(domain.EUNAVAILABLE, "The database server's disk is full: nothing was saved. Ask whoever runs the server to free some space, then try again.", err)
	case strings.Contains(msg, "UNIQUE constraint failed"):
		return domain.WrapError(domain.ECONFLICT, "This already exists.", err)
	case strings.Contains(msg, "FOREIGN KEY constraint failed"):
		return domain.WrapError(domain.ECONFLICT, "This is still in use elsewhere.", err)
	case strings.Contains(msg, "database is locked"), strings.Contains(msg, "SQLITE_BUSY"):
		return domain.WrapError(domain.EUNAVAILABLE, "The database is busy writing something else (an import or a booking, here or in another Tally window or command). Try again when it has finished.", err)
	case strings.Contains(msg, "disk is full"), strings.Contains(msg, "SQLITE_FULL"):
		return domain.WrapError(domain.EUNAVAILABLE, "The disk is full: nothing was saved. Free some space and try again.", err)
	}
	return err
}
