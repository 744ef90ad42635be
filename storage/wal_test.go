package storage

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tally/domain"
)

// TestWALStaysBounded: a day of small writes (each a transaction, as a
// till's sales and polls are) with reads between them keeps the
// write-ahead log near its limit, where SQLite's defaults let it grow to
// 16 MB at Tally's page size and stay there.
func TestWALStaysBounded(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "till.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.db.ExecContext(ctx, `CREATE TABLE day (n INTEGER PRIMARY KEY, body TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	body := strings.Repeat("x", 6000)
	var most int64
	// 6,000 writes of 6 KB: 36 MB through the log.
	for i := range 6000 {
		if _, err := db.db.ExecContext(ctx, `INSERT INTO day (body) VALUES (?)`, body); err != nil {
			t.Fatal(err)
		}
		if i%50 == 0 {
			if err := db.View(ctx, func(tx domain.Tx) error { _, err := tx.Settings(); return err }); err != nil {
				t.Fatal(err)
			}
			if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > most {
				most = fi.Size()
			}
		}
	}
	// The limit, and the pages one checkpoint may leave behind it.
	if limit := int64(walSizeLimit + 64*pageSize); most > limit {
		t.Errorf("the write-ahead log reached %.1f MB, over %.1f MB", float64(most)/(1<<20), float64(limit)/(1<<20))
	}
	if most == 0 {
		t.Error("no write-ahead log seen: is the database in WAL mode?")
	}
	t.Logf("write-ahead log at most %.1f MB", float64(most)/(1<<20))
}
