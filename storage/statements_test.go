package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tally/domain"
)

func testLine(i int) domain.StatementLine {
	return domain.StatementLine{
		Key: fmt.Sprintf("txn_%04d", i), BalanceTxnID: fmt.Sprintf("txn_%04d", i), SourceID: fmt.Sprintf("ch_%04d", i),
		Category: "charge", Created: time.Date(2025, 1, 1, 0, 0, i, 0, time.UTC), Currency: domain.MustCurrency("EUR"),
		Gross: 1000, Fee: 30, Net: 970, Description: "Order", PaymentIntentID: fmt.Sprintf("pi_%04d", i), Bookable: true,
	}
}

// insertLines stores the lines whose keys are not stored yet, as an import
// does, and returns how many were new.
func insertLines(tx domain.Tx, importID int64, ls []domain.StatementLine) (int, error) {
	return tx.InsertPrepared(tx.PrepareLines(importID, ls))
}

func countLines(t *testing.T, db *DB) int {
	t.Helper()
	var n int
	if err := db.db.QueryRow(`SELECT COUNT(*) FROM statement_lines`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestInsertLinesAllOrNothing: a bad line in the middle of a batch (the
// multi-row INSERT runs OR FAIL, without a statement journal) fails the
// transaction, and nothing of it stays, not even the rows before it.
func TestInsertLinesAllOrNothing(t *testing.T) {
	ctx := context.Background()
	db := mustOpenDB(t)
	lines := make([]domain.StatementLine, 300)
	for i := range lines {
		lines[i] = testLine(i)
	}
	lines[200].Net = 1 // net <> gross - fee: the table's CHECK refuses it
	err := db.Update(ctx, func(tx domain.Tx) error {
		id, err := tx.BeginImport("bad.csv", domain.StatementFormat{Name: "test"}, time.Now())
		if err != nil {
			return err
		}
		_, err = insertLines(tx, id, lines)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "CHECK constraint failed") {
		t.Fatalf("err = %v, want the CHECK failure", err)
	}
	if n := countLines(t, db); n != 0 {
		t.Errorf("%d lines stored after a failed import, want 0", n)
	}
	var imports int
	db.db.QueryRow(`SELECT COUNT(*) FROM imports`).Scan(&imports)
	if imports != 0 {
		t.Errorf("%d imports recorded, want 0", imports)
	}

	// The same lines, mended, go in; again, only the new ones count.
	lines[200].Net = 970
	for round, want := range []int{300, 0} {
		err = db.Update(ctx, func(tx domain.Tx) error {
			id, err := tx.BeginImport("good.csv", domain.StatementFormat{Name: "test"}, time.Now())
			if err != nil {
				return err
			}
			n, err := insertLines(tx, id, lines)
			if n != want {
				t.Errorf("round %d: %d new, want %d", round, n, want)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestLineImportReference: the import a line names is checked at commit.
func TestLineImportReference(t *testing.T) {
	ctx := context.Background()
	db := mustOpenDB(t)
	err := db.Update(ctx, func(tx domain.Tx) error {
		_, err := insertLines(tx, 4242, []domain.StatementLine{testLine(1)})
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Fatalf("a line of a missing import: err = %v, want a foreign key failure", err)
	}
	if n := countLines(t, db); n != 0 {
		t.Errorf("%d lines stored, want 0", n)
	}
}

// openBefore opens a new database left at the migration before the one
// whose name contains migration.
func openBefore(t *testing.T, migration string) (string, *DB) {
	t.Helper()
	names, err := allMigrations()
	if err != nil {
		t.Fatal(err)
	}
	k := -1
	for i, n := range names {
		if strings.Contains(n, migration) {
			k = i
		}
	}
	if k < 0 {
		t.Fatalf("no migration %s", migration)
	}
	path := filepath.Join(t.TempDir(), "tally.db")
	db, err := open(context.Background(), path, func() ([]string, error) { return names[:k], nil })
	if err != nil {
		t.Fatal(err)
	}
	return path, db
}

// TestMigrationRebuildKeepsData upgrades a database holding lines and a
// booking from the version before statement_lines was rebuilt.
func TestMigrationRebuildKeepsData(t *testing.T) {
	ctx := context.Background()
	path, old := openBefore(t, "0008_")
	for _, q := range []string{
		`INSERT INTO imports (id, file, format, imported_at) VALUES (7, 'a.csv', 'test', 0)`,
		`INSERT INTO statement_lines (key, import_id, source_id, category, created, available_on, currency, gross, fee, net,
			description, payout_id, payment_intent_id, customer_email, bookable)
			VALUES ('txn_1', 7, 'ch_1', 'charge', 1735689600, 0, 'EUR', 1000, 30, 970, 'Order 1', 'po_1', 'pi_1', 'a@example.com', 1)`,
		`INSERT INTO journal_entries (id, date, currency, description, line_key) VALUES (1, 1735689600, 'EUR', 'Order 1', 'txn_1')`,
		`INSERT INTO postings (entry_id, account, amount) VALUES (1, '1100', 970), (1, '4000', -970)`,
	} {
		if _, err := old.db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	old.Close()

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	defer db.Close()
	var key, desc, email, lineKey string
	var importID int64
	if err := db.db.QueryRow(`SELECT l.key, l.import_id, l.description, l.customer_email, e.line_key
		FROM statement_lines l JOIN journal_entries e ON e.line_key = l.key`).Scan(&key, &importID, &desc, &email, &lineKey); err != nil {
		t.Fatalf("line and its booking after the upgrade: %v", err)
	}
	if key != "txn_1" || importID != 7 || desc != "Order 1" || email != "a@example.com" {
		t.Errorf("line after upgrade: %s %d %q %q", key, importID, desc, email)
	}
	var sqlText string
	if err := db.db.QueryRow(`SELECT sql FROM sqlite_schema WHERE name = 'statement_lines'`).Scan(&sqlText); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sqlText, "DEFERRABLE INITIALLY DEFERRED") {
		t.Errorf("statement_lines after upgrade:\n%s", sqlText)
	}
	var idx []string
	rows, err := db.db.Query(`SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'statement_lines' AND sql IS NOT NULL ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		idx = append(idx, n)
	}
	rows.Close()
	if got := strings.Join(idx, " "); got != "statement_lines_created statement_lines_payout" {
		t.Errorf("indexes after upgrade: %s", got)
	}
	// Foreign keys are on again on every connection: deleting a booked line fails.
	_, err = db.db.Exec(`DELETE FROM statement_lines WHERE key = 'txn_1'`)
	if err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Errorf("deleting a booked line: err = %v, want a foreign key failure", err)
	}
}

// TestMigrationRefusesBrokenReferences: a rebuild that would leave a row
// pointing nowhere is rolled back whole, and says which table.
func TestMigrationRefusesBrokenReferences(t *testing.T) {
	ctx := context.Background()
	path, old := openBefore(t, "0008_")
	// A line of an import that is not there, as only foreign keys turned off could leave.
	conn, err := old.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`PRAGMA foreign_keys = OFF`,
		`INSERT INTO statement_lines (key, import_id, source_id, category, created, available_on, currency, gross, fee, net,
			description, payout_id, payment_intent_id, customer_email, bookable)
			VALUES ('txn_1', 99, 'ch_1', 'charge', 0, 0, 'EUR', 1, 0, 1, '', '', '', '', 1)`,
		`PRAGMA foreign_keys = ON`} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	conn.Close()
	old.Close()
	_, err = Open(ctx, path)
	if err == nil || !strings.Contains(err.Error(), "statement_lines refers to a missing row of imports") {
		t.Fatalf("upgrade with a broken reference: err = %v", err)
	}
	// Nothing of the migration stayed: the old table, unchanged, is still there.
	sdb, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path))
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	var applied int
	sdb.QueryRow(`SELECT COUNT(*) FROM migrations WHERE name LIKE '%0008_%'`).Scan(&applied)
	var sqlText string
	sdb.QueryRow(`SELECT sql FROM sqlite_schema WHERE name = 'statement_lines'`).Scan(&sqlText)
	if applied != 0 || strings.Contains(sqlText, "DEFERRABLE") {
		t.Errorf("after a refused migration: recorded %d, schema %s", applied, sqlText)
	}
}

type otherPrepared struct{}

func (otherPrepared) Len() int { return 1 }

// TestInsertPreparedElsewhere: lines prepared by something else are refused,
// not half-written.
func TestInsertPreparedElsewhere(t *testing.T) {
	db := mustOpenDB(t)
	err := db.Update(context.Background(), func(tx domain.Tx) error {
		_, err := tx.InsertPrepared(otherPrepared{})
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "not prepared by this store") {
		t.Fatalf("err = %v", err)
	}
}

// TestInsertAfterCancel: once the transaction's context is done, database/sql
// rolls the transaction back by itself; lines inserted after that must not
// run outside it (in autocommit) but fail with the cancellation.
func TestInsertAfterCancel(t *testing.T) {
	db := mustOpenDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	var insertErr error
	err := db.Update(ctx, func(dtx domain.Tx) error {
		tx := dtx.(*Tx)
		id, err := tx.BeginImport("a.csv", domain.StatementFormat{Name: "test"}, time.Now())
		if err != nil {
			return err
		}
		if _, err := insertLines(tx, id, []domain.StatementLine{testLine(1)}); err != nil {
			return err
		}
		cancel()
		// Wait until database/sql has rolled the transaction back.
		deadline := time.Now().Add(5 * time.Second)
		for {
			_, err := tx.tx.ExecContext(context.Background(), `SELECT 1`)
			if errors.Is(err, sql.ErrTxDone) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the transaction was not rolled back after its context ended")
			}
			time.Sleep(time.Millisecond)
		}
		// One line, as before: the prepared statement is reused, no new prepare sees the context.
		_, insertErr = insertLines(tx, id, []domain.StatementLine{testLine(2)})
		return insertErr
	})
	if !errors.Is(insertErr, context.Canceled) {
		t.Errorf("insert after cancel: %v, want context.Canceled", insertErr)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Update: %v, want context.Canceled", err)
	}
	if n := countLines(t, db); n != 0 {
		t.Errorf("%d lines stored after a cancelled import, want 0", n)
	}
}

// TestMigrationRebuildReclaims: the rebuild copies the line table; the
// pages of the old copy go back to the file system, not stay in the file.
func TestMigrationRebuildReclaims(t *testing.T) {
	ctx := context.Background()
	path, old := openBefore(t, "0008_")
	if _, err := old.db.Exec(`INSERT INTO imports (id, file, format, imported_at) VALUES (1, 'a.csv', 'test', 0)`); err != nil {
		t.Fatal(err)
	}
	if _, err := old.db.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
		INSERT INTO statement_lines (key, import_id, source_id, category, created, available_on, currency, gross, fee, net,
			description, payout_id, payment_intent_id, customer_email, bookable)
		SELECT 'txn_' || i, 1, 'ch_' || i, 'charge', i, 0, 'EUR', 1000, 30, 970, 'Order number ' || i, '', 'pi_' || i, 'someone@example.com', 1 FROM n`); err != nil {
		t.Fatal(err)
	}
	old.Close()
	size := func() int64 {
		var pages, pageSize int64
		sdb, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path))
		if err != nil {
			t.Fatal(err)
		}
		defer sdb.Close()
		sdb.QueryRow(`PRAGMA page_count`).Scan(&pages)
		sdb.QueryRow(`PRAGMA page_size`).Scan(&pageSize)
		return pages * pageSize
	}
	before := size()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	var free int64
	db.db.QueryRow(`PRAGMA freelist_count`).Scan(&free)
	if n := countLines(t, db); n != 20000 {
		t.Errorf("%d lines after the upgrade, want 20000", n)
	}
	db.Close()
	after := size()
	t.Logf("database %d bytes before the upgrade, %d after, %d free pages", before, after, free)
	if after > before*11/10 || free > 2 {
		t.Errorf("database %d bytes before the upgrade, %d after (%d free pages): the old table's pages stayed", before, after, free)
	}
}

// TestUnbookedLinesCursor: batch after batch, every unbooked line comes
// once, in order, lines of the same second included.
func TestUnbookedLinesCursor(t *testing.T) {
	db := mustOpenDB(t)
	ctx := context.Background()
	lines := []domain.StatementLine{testLine(1), testLine(2), testLine(3), testLine(4), testLine(5)}
	for i := range lines[:3] {
		lines[i].Created = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC) // one second for three lines
	}
	lines[4].Bookable = false
	var got []string
	err := db.Update(ctx, func(tx domain.Tx) error {
		id, err := tx.BeginImport("a.csv", domain.StatementFormat{Name: "test"}, time.Now())
		if err != nil {
			return err
		}
		if _, err := insertLines(tx, id, lines); err != nil {
			return err
		}
		var after domain.LineCursor
		for range 10 {
			ls, err := tx.UnbookedLines(after, 2)
			if err != nil || len(ls) == 0 {
				return err
			}
			for _, l := range ls {
				got = append(got, l.Key)
			}
			last := ls[len(ls)-1]
			after = domain.LineCursor{Created: last.Created, Key: last.Key}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != "txn_0001 txn_0002 txn_0003 txn_0004" {
		t.Errorf("lines in batches of 2: %v", got)
	}
}

func TestWantsForeignKeysOff(t *testing.T) {
	for body, want := range map[string]bool{
		"-- tally:foreign-keys-off\nCREATE TABLE t (a);":    true,
		"-- tally:foreign-keys-off\r\nCREATE TABLE t (a);":  true, // a Windows checkout
		"CREATE TABLE t (a);\n-- tally:foreign-keys-off\n":  false,
		"-- tally:foreign-keys-off, later\nCREATE TABLE t;": false,
		"": false,
	} {
		if got := wantsForeignKeysOff(body); got != want {
			t.Errorf("%q: %v, want %v", body, got, want)
		}
	}
}

// TestImportDiskFull: a disk that fills up in the middle of an import says
// so in words, keeps nothing of the import, and leaves the database whole:
// once there is room, the same import goes in.
func TestImportDiskFull(t *testing.T) {
	ctx := context.Background()
	db := mustOpenDB(t)
	db.db.SetMaxOpenConns(1) // the page limit below is the connection's
	var pages int
	if err := db.db.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := db.db.Exec(fmt.Sprintf(`PRAGMA max_page_count = %d`, pages+3)); err != nil {
		t.Fatal(err)
	}
	lines := make([]domain.StatementLine, 5000)
	for i := range lines {
		lines[i] = testLine(i)
		lines[i].Key = fmt.Sprintf("txn_%06d", i)
		lines[i].BalanceTxnID = lines[i].Key
		lines[i].Description = strings.Repeat("a long description ", 10)
	}
	importAll := func() error {
		return db.Update(ctx, func(tx domain.Tx) error {
			id, err := tx.BeginImport("big.csv", domain.StatementFormat{Name: "test"}, time.Now())
			if err != nil {
				return err
			}
			_, err = insertLines(tx, id, lines)
			return err
		})
	}
	err := importAll()
	if domain.ErrorCode(err) != domain.EUNAVAILABLE || !strings.Contains(domain.ErrorMessage(err), "The disk is full: nothing was saved") {
		t.Fatalf("err = %v (%s), want the disk-full message", err, domain.ErrorCode(err))
	}
	if n := countLines(t, db); n != 0 {
		t.Errorf("%d lines kept from the failed import", n)
	}
	var integrity string
	if err := db.db.QueryRow(`PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
		t.Fatalf("integrity check: %q, %v", integrity, err)
	}
	if _, err := db.db.Exec(`PRAGMA max_page_count = 1073741823`); err != nil {
		t.Fatal(err)
	}
	if err := importAll(); err != nil {
		t.Fatalf("with room again: %v", err)
	}
	if n := countLines(t, db); n != len(lines) {
		t.Errorf("%d lines after the second try, want %d", n, len(lines))
	}
}
