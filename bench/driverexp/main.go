// Command driverexp measures, outside Tally, the same 100,000-line multi-row
// INSERT (Tally's statement_lines table, 128 rows a statement, one
// transaction, WAL) through modernc.org/sqlite and through the cgo driver
// github.com/mattn/go-sqlite3, with 17 values a line as Tally binds them and
// with 10 (seven columns packed into one text). It is a separate module so
// that Tally itself never links the cgo driver. Run: cd bench/driverexp && go run .
package main

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3"
	_ "modernc.org/sqlite"
)

const tables = `PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
CREATE TABLE imports (id INTEGER PRIMARY KEY, file TEXT);
CREATE TABLE statement_lines (
	id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,
	import_id INTEGER NOT NULL REFERENCES imports (id) DEFERRABLE INITIALLY DEFERRED,
	%s) STRICT;
CREATE INDEX statement_lines_created ON statement_lines (created);
CREATE INDEX statement_lines_payout ON statement_lines (payout_id) WHERE payout_id <> '';
INSERT INTO imports VALUES (1, 'x');`

// layout is a way of storing a line: its columns besides id, key and
// import_id, and the values of line j, key first.
type layout struct {
	columns string // declarations
	names   string // for the INSERT, key first
	values  func(j int) []any
}

const extra = "0\x1f150.87\x1e1\x1feur\x1e2\x1fcus_0000\x1e3\x1fCustomer 000\x1e4\x1fvisa\x1e5\x1fcredit\x1e6\x1fIE\x1e7\x1fTALLY DEMO\x1e8\x1f"

// full is Tally's table: 17 values a line.
var full = layout{
	columns: `txn_id TEXT, source_id TEXT NOT NULL, category TEXT NOT NULL, created INTEGER NOT NULL, available_on INTEGER NOT NULL,
	currency TEXT NOT NULL, gross INTEGER NOT NULL, fee INTEGER NOT NULL, net INTEGER NOT NULL CHECK (net = gross - fee),
	description TEXT NOT NULL, payout_id TEXT NOT NULL, payment_intent_id TEXT NOT NULL, charge_id TEXT,
	customer_email TEXT NOT NULL, extra TEXT, bookable INTEGER NOT NULL`,
	names: "key, txn_id, source_id, category, created, available_on, currency, gross, fee, net, description, payout_id, payment_intent_id, charge_id, customer_email, extra, bookable",
	values: func(j int) []any {
		id := fmt.Sprintf("%08d", j)
		return []any{"txn_3Sx" + id, nil, "ch_3Sx" + id, "charge", int64(1735689600 + j*31), int64(1736294400), "eur",
			int64(15087), int64(236), int64(14851), "Order " + id, "", "pi_3Sx" + id, nil, "customer" + id[5:] + "@example.com",
			extra + id, int64(1)}
	},
}

// packed keeps seven of those columns in one text: 10 values a line.
var packed = layout{
	columns: `category TEXT NOT NULL, created INTEGER NOT NULL, currency TEXT NOT NULL, gross INTEGER NOT NULL, fee INTEGER NOT NULL,
	net INTEGER NOT NULL CHECK (net = gross - fee), payout_id TEXT NOT NULL, detail TEXT NOT NULL, bookable INTEGER NOT NULL`,
	names: "key, category, created, currency, gross, fee, net, payout_id, detail, bookable",
	values: func(j int) []any {
		id := fmt.Sprintf("%08d", j)
		return []any{"txn_3Sx" + id, "charge", int64(1735689600 + j*31), "eur", int64(15087), int64(236), int64(14851), "",
			"ch_3Sx" + id + "\x1f1736294400\x1fOrder " + id + "\x1fpi_3Sx" + id + "\x1fcustomer" + id[5:] + "@example.com\x1f" + extra + id, int64(1)}
	},
}

// run writes n lines of l into a fresh database through driver and returns
// how long the transaction took, commit included.
func run(driver, dsn string, l layout, n int) time.Duration {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(dbPath + suffix)
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		panic(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, q := range strings.Split(fmt.Sprintf(tables, l.columns), ";") {
		if strings.TrimSpace(q) != "" {
			if _, err := db.Exec(q); err != nil {
				panic(fmt.Sprint(q, err))
			}
		}
	}
	const rows = 128
	width := len(l.values(0))
	// The import id is the constant 1; every other value is a parameter.
	row := "(?, 1" + strings.Repeat(", ?", width-1) + ")"
	names := strings.Replace(l.names, "key,", "key, import_id,", 1)
	query := "INSERT OR FAIL INTO statement_lines (" + names + ") VALUES " +
		strings.TrimSuffix(strings.Repeat(row+",", rows), ",") + " ON CONFLICT (key) DO NOTHING"
	var batches [][]any
	for i := 0; i < n; i += rows {
		args := make([]any, 0, rows*width)
		for j := i; j < i+rows; j++ {
			args = append(args, l.values(j)...)
		}
		batches = append(batches, args)
	}
	start := time.Now()
	tx, err := db.Begin()
	if err != nil {
		panic(err)
	}
	st, err := tx.Prepare(query)
	if err != nil {
		panic(err)
	}
	for _, args := range batches {
		if _, err := st.Exec(args...); err != nil {
			panic(err)
		}
	}
	if err := tx.Commit(); err != nil {
		panic(err)
	}
	return time.Since(start)
}

// dbPath is the scratch database, in the system's temporary folder.
var dbPath = filepath.Join(os.TempDir(), "driverexp.db")

func main() {
	best := map[string]time.Duration{}
	note := func(k string, d time.Duration) {
		if b, ok := best[k]; !ok || d < b {
			best[k] = d
		}
	}
	for i := 0; i < 7; i++ {
		note("modernc, 17 values a line", run("sqlite", "file:"+dbPath+"?_pragma=foreign_keys(1)", full, 100000))
		note("mattn (cgo), 17 values a line", run("sqlite3", "file:"+dbPath+"?_foreign_keys=1", full, 100000))
		note("modernc, 10 values a line", run("sqlite", "file:"+dbPath+"?_pragma=foreign_keys(1)", packed, 100000))
		note("mattn (cgo), 10 values a line", run("sqlite3", "file:"+dbPath+"?_foreign_keys=1", packed, 100000))
	}
	for k, d := range best {
		fmt.Printf("%-32s best of 7: %v\n", k, d.Round(time.Millisecond))
	}
}
