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

const schema = `PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
CREATE TABLE imports (id INTEGER PRIMARY KEY, file TEXT);
CREATE TABLE statement_lines (
	id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,
	import_id INTEGER NOT NULL REFERENCES imports (id) DEFERRABLE INITIALLY DEFERRED,
	txn_id TEXT, source_id TEXT NOT NULL, category TEXT NOT NULL, created INTEGER NOT NULL, available_on INTEGER NOT NULL,
	currency TEXT NOT NULL, gross INTEGER NOT NULL, fee INTEGER NOT NULL, net INTEGER NOT NULL CHECK (net = gross - fee),
	description TEXT NOT NULL, payout_id TEXT NOT NULL, payment_intent_id TEXT NOT NULL, charge_id TEXT,
	customer_email TEXT NOT NULL, extra TEXT, bookable INTEGER NOT NULL) STRICT;
CREATE INDEX statement_lines_created ON statement_lines (created);
CREATE INDEX statement_lines_payout ON statement_lines (payout_id) WHERE payout_id <> '';
INSERT INTO imports VALUES (1, 'x');`

func run(driver, dsn string, n int) time.Duration {
	os.Remove(dbPath)
	os.Remove("" + dbPath + "-wal")
	os.Remove("" + dbPath + "-shm")
	db, err := sql.Open(driver, dsn)
	if err != nil {
		panic(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, q := range strings.Split(schema, ";") {
		if strings.TrimSpace(q) != "" {
			if _, err := db.Exec(q); err != nil {
				panic(fmt.Sprint(q, err))
			}
		}
	}
	const rows = 128
	var b strings.Builder
	b.WriteString("INSERT OR FAIL INTO statement_lines (key, import_id, txn_id, source_id, category, created, available_on, currency, gross, fee, net, description, payout_id, payment_intent_id, charge_id, customer_email, extra, bookable) VALUES ")
	for i := 0; i < rows; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("(?,1,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
	}
	b.WriteString(" ON CONFLICT (key) DO NOTHING")
	var batches [][]any
	for i := 0; i < n; i += rows {
		args := make([]any, 0, rows*17)
		for j := i; j < i+rows; j++ {
			id := fmt.Sprintf("%08d", j)
			args = append(args, "txn_3Sx"+id, nil, "ch_3Sx"+id, "charge", int64(1735689600+j*31), int64(1736294400), "eur",
				int64(15087), int64(236), int64(14851), "Order "+id, "", "pi_3Sx"+id, nil, "customer"+id[5:]+"@example.com",
				"0\x1f150.87\x1e1\x1feur\x1e2\x1fcus_0000\x1e3\x1fCustomer 000\x1e4\x1fvisa\x1e5\x1fcredit\x1e6\x1fIE\x1e7\x1fTALLY DEMO\x1e8\x1f"+id, int64(1))
		}
		batches = append(batches, args)
	}
	start := time.Now()
	tx, err := db.Begin()
	if err != nil {
		panic(err)
	}
	st, err := tx.Prepare(b.String())
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

const packedSchema = `PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
CREATE TABLE imports (id INTEGER PRIMARY KEY, file TEXT);
CREATE TABLE statement_lines (
	id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,
	import_id INTEGER NOT NULL REFERENCES imports (id) DEFERRABLE INITIALLY DEFERRED,
	category TEXT NOT NULL, created INTEGER NOT NULL, currency TEXT NOT NULL, gross INTEGER NOT NULL, fee INTEGER NOT NULL,
	net INTEGER NOT NULL CHECK (net = gross - fee), payout_id TEXT NOT NULL, detail TEXT NOT NULL, bookable INTEGER NOT NULL) STRICT;
CREATE INDEX statement_lines_created ON statement_lines (created);
CREATE INDEX statement_lines_payout ON statement_lines (payout_id) WHERE payout_id <> '';
INSERT INTO imports VALUES (1, 'x');`

func runPacked(driver, dsn string, n int) time.Duration {
	os.Remove(dbPath)
	os.Remove("" + dbPath + "-wal")
	os.Remove("" + dbPath + "-shm")
	db, err := sql.Open(driver, dsn)
	if err != nil {
		panic(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, q := range strings.Split(packedSchema, ";") {
		if strings.TrimSpace(q) != "" {
			if _, err := db.Exec(q); err != nil {
				panic(fmt.Sprint(q, err))
			}
		}
	}
	const rows = 128
	var b strings.Builder
	b.WriteString("INSERT OR FAIL INTO statement_lines (key, import_id, category, created, currency, gross, fee, net, payout_id, detail, bookable) VALUES ")
	for i := 0; i < rows; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("(?,1,?,?,?,?,?,?,?,?,?)")
	}
	b.WriteString(" ON CONFLICT (key) DO NOTHING")
	var batches [][]any
	for i := 0; i < n; i += rows {
		args := make([]any, 0, rows*10)
		for j := i; j < i+rows; j++ {
			id := fmt.Sprintf("%08d", j)
			args = append(args, "txn_3Sx"+id, "charge", int64(1735689600+j*31), "eur", int64(15087), int64(236), int64(14851), "",
				"ch_3Sx"+id+"\x1f1736294400\x1fOrder "+id+"\x1fpi_3Sx"+id+"\x1fcustomer"+id[5:]+"@example.com\x1f0\x1f150.87\x1e1\x1feur\x1e2\x1fcus_0000\x1e3\x1fCustomer 000\x1e4\x1fvisa\x1e5\x1fcredit\x1e6\x1fIE\x1e7\x1fTALLY DEMO\x1e8\x1f"+id, int64(1))
		}
		batches = append(batches, args)
	}
	start := time.Now()
	tx, err := db.Begin()
	if err != nil {
		panic(err)
	}
	st, err := tx.Prepare(b.String())
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
		note("modernc, 17 values a line", run("sqlite", "file:"+dbPath+"?_pragma=foreign_keys(1)", 100000))
		note("mattn (cgo), 17 values a line", run("sqlite3", "file:"+dbPath+"?_foreign_keys=1", 100000))
		note("modernc, 10 values a line", runPacked("sqlite", "file:"+dbPath+"?_pragma=foreign_keys(1)", 100000))
		note("mattn (cgo), 10 values a line", runPacked("sqlite3", "file:"+dbPath+"?_foreign_keys=1", 100000))
	}
	for k, d := range best {
		fmt.Printf("%-32s best of 7: %v\n", k, d.Round(time.Millisecond))
	}
}
