package storage

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"tally/domain"
)

// CopyReport says what CopyToPostgres copied: rows per schema and table.
type CopyReport struct {
	Parts []CopiedPart
}

// CopiedPart is one SQLite file copied into one schema.
type CopiedPart struct {
	From, Schema string
	Tables       []CopiedTable
	Balances     int // accounts and currencies whose balances were compared
}

// CopiedTable is one table's count, the same on both sides.
type CopiedTable struct {
	Name string
	Rows int64
}

var createTable = regexp.MustCompile(`(?m)^CREATE TABLE (\w+)`)

// tablesOf lists the tables a PostgreSQL migration set creates, parents
// before the tables that refer to them.
func tablesOf(dir string) ([]string, error) {
	names, err := migrationsIn(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range names {
		body, err := fs.ReadFile(migrationFS, n)
		if err != nil {
			return nil, err
		}
		for _, m := range createTable.FindAllStringSubmatch(string(body), -1) {
			out = append(out, m[1])
		}
	}
	return out, nil
}

// CopyToPostgres copies a shop's SQLite data (the file from, with the test
// and demo books and the registers beside it) to the PostgreSQL server to,
// one schema per file, each in one transaction, and checks the copy: the
// same rows in every table and, for books, the same balance in every
// account. The server must hold no shop's data yet; nothing is changed in
// the SQLite files.
func CopyToPostgres(ctx context.Context, from, to string) (CopyReport, error) {
	var rep CopyReport
	if IsPostgres(from) || !IsPostgres(to) {
		return rep, domain.Errorf(domain.EINVALID, "Copy from a SQLite file (--from tally.db) to a PostgreSQL server (--to postgres://…).")
	}
	if _, err := os.Stat(from); err != nil {
		return rep, domain.Errorf(domain.ENOTFOUND, "There is no Tally database at %s.", from)
	}
	for _, m := range []domain.Mode{domain.ModeLive, domain.ModeTest, domain.ModeDisabled} {
		srcBooks, srcTill := Paths(from, m)
		dstBooks, dstTill := Paths(to, m)
		for _, part := range []struct {
			src, dst, dir string
			till          bool
		}{{srcBooks, dstBooks, "pg/books", false}, {srcTill, dstTill, "pg/till", true}} {
			if _, err := os.Stat(part.src); err != nil {
				continue // a mode never used has no files
			}
			cp, err := copyPart(ctx, part.src, part.dst, part.dir, part.till)
			if err != nil {
				return rep, fmt.Errorf("copy %s: %w", part.src, err)
			}
			rep.Parts = append(rep.Parts, cp)
		}
	}
	return rep, nil
}

func copyPart(ctx context.Context, src, dst, dir string, till bool) (CopiedPart, error) {
	part := CopiedPart{From: src, Schema: schemaOf(dst)}
	var s *DB
	var err error
	if till {
		var t *Till
		t, err = OpenTill(ctx, src)
		if t != nil {
			s = t.DB
		}
	} else {
		s, err = Open(ctx, src) // brings an older file up to date first
	}
	if err != nil {
		return part, err
	}
	defer s.Close()
	d, err := openPostgres(ctx, dst, dir)
	if err != nil {
		return part, err
	}
	defer d.Close()
	tables, err := tablesOf(dir)
	if err != nil {
		return part, err
	}
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return part, pgUnreachable(err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return part, pgUnreachable(err)
	}
	defer tx.Rollback()
	// Only what the migrations seed may be there: the chart of accounts
	// and the Cash method.
	for _, t := range tables {
		var n int64
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t).Scan(&n); err != nil {
			return part, err
		}
		seeded := map[string]int64{"ledger_accounts": n, "payment_methods": 1}[t]
		if n > seeded {
			return part, domain.Errorf(domain.ECONFLICT, "The server already holds a shop's data in %s: its table %s is not empty. Copy to an empty database.", part.Schema, t)
		}
	}
	// What the migrations seeded (the chart of accounts, the Cash method)
	// is replaced by the file's own.
	if _, err := tx.ExecContext(ctx, `TRUNCATE `+strings.Join(tables, ", ")+` CASCADE`); err != nil {
		return part, fmt.Errorf("empty the new schema: %w", err)
	}
	for _, t := range tables {
		n, err := copyTable(ctx, s.db, conn, t)
		if err != nil {
			return part, fmt.Errorf("copy %s: %w", t, err)
		}
		var got int64
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t).Scan(&got); err != nil {
			return part, err
		}
		if got != n {
			return part, fmt.Errorf("%s: %d rows copied, %d on the server", t, n, got)
		}
		part.Tables = append(part.Tables, CopiedTable{t, n})
		// The identity columns go on from the largest id copied.
		idents, err := textColumn(tx.QueryContext(ctx, `SELECT column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1 AND is_identity = 'YES'`, t))
		if err != nil {
			return part, err
		}
		for _, col := range idents {
			if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT MAX(`+col+`) FROM `+t+`), 0) + 1, false)`, t, col); err != nil {
				return part, fmt.Errorf("%s: %w", t, err)
			}
		}
	}
	if !till {
		n, err := sameBalances(ctx, s, tx)
		if err != nil {
			return part, err
		}
		part.Balances = n
	}
	if err := tx.Commit(); err != nil {
		return part, fmt.Errorf("commit: %w", err)
	}
	return part, nil
}

// copyTable copies every row of table from SQLite with PostgreSQL's COPY,
// on conn's transaction, and returns how many it read.
func copyTable(ctx context.Context, src *sql.DB, conn *sql.Conn, table string) (int64, error) {
	rows, err := src.QueryContext(ctx, `SELECT * FROM `+table)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return 0, nil
		}
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	var n int64
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		var copyErr error
		src := pgx.CopyFromFunc(func() ([]any, error) {
			if !rows.Next() {
				return nil, rows.Err()
			}
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return nil, err
			}
			n++
			return vals, nil
		})
		_, copyErr = pc.CopyFrom(ctx, pgx.Identifier{table}, cols, src)
		return copyErr
	})
	return n, err
}

// sameBalances compares every account's balance per currency on both
// sides and returns how many there are.
func sameBalances(ctx context.Context, s *DB, tx *sql.Tx) (int, error) {
	want := map[string]int64{}
	if err := s.View(ctx, func(t domain.Tx) error {
		bs, err := t.AccountBalances()
		for _, b := range bs {
			want[b.Account+" "+b.Balance.Currency.Code()] = b.Balance.Amount
		}
		return err
	}); err != nil {
		return 0, err
	}
	got := map[string]int64{}
	t := &Tx{tx: sqlTx{tx, postgresSQL}, ctx: ctx}
	bs, err := t.AccountBalances()
	if err != nil {
		return 0, err
	}
	for _, b := range bs {
		got[b.Account+" "+b.Balance.Currency.Code()] = b.Balance.Amount
	}
	for k, v := range want {
		if got[k] != v {
			return 0, fmt.Errorf("the balance of %s is %d in the file and %d on the server", k, v, got[k])
		}
	}
	if len(got) != len(want) {
		return 0, fmt.Errorf("%d balances in the file, %d on the server", len(want), len(got))
	}
	return len(want), nil
}
