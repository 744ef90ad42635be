package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"tally/domain"
)

// Books keeps demo, test and live apart: one books file and one register
// file per mode, so that what the simulator or a test account produced can
// never reach the live ledger, its balances or its export. The file named by
// --db holds the shop's settings and the live books; the others sit beside
// it (tally.db, tally.test.db, tally.demo.db, and tally.till.db,
// tally.test.till.db, tally.demo.till.db for the register).
//
// Books implements domain.Store and domain.TillStore by handing each
// transaction to the files of the mode in use when it begins.
type Books struct {
	base *DB
	mode func() domain.Mode

	mu     sync.Mutex
	onBusy func()
	books  map[domain.Mode]*DB
	tills  map[domain.Mode]*Till
}

var (
	_ domain.Store     = (*Books)(nil)
	_ domain.TillStore = (*Books)(nil)
)

// OpenBooks opens the shop's database at base (settings and live books);
// the other modes' files are opened when first used. mode says which books
// a transaction uses.
func OpenBooks(ctx context.Context, base string, mode func() domain.Mode) (*Books, error) {
	if IsPostgres(base) {
		base, _ = Paths(base, domain.ModeLive)
	}
	db, err := Open(ctx, base)
	if err != nil {
		return nil, err
	}
	return &Books{base: db, mode: mode, books: map[domain.Mode]*DB{domain.ModeLive: db}, tills: map[domain.Mode]*Till{}}, nil
}

// Paths returns the books file and the register file of mode beside base.
//
// On a PostgreSQL server base is its address, and each is a schema of its
// own: tally_live and tally_live_till, tally_test…, tally_demo….
func Paths(base string, m domain.Mode) (books, till string) {
	if IsPostgres(base) {
		name := map[domain.Mode]string{domain.ModeLive: "live", domain.ModeTest: "test"}[m]
		if name == "" {
			name = "demo"
		}
		return withSchema(base, schemaPrefix+name), withSchema(base, schemaPrefix+name+"_till")
	}
	ext := filepath.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	if ext == "" {
		ext = ".db"
	}
	switch m {
	case domain.ModeLive:
		return base, stem + ".till" + ext
	case domain.ModeTest:
		return stem + ".test" + ext, stem + ".test.till" + ext
	}
	return stem + ".demo" + ext, stem + ".demo.till" + ext
}

// TSESimulatorPath is where the TSE simulator of demo and test mode keeps
// its key and transactions.
func TSESimulatorPath(base string) string {
	return strings.TrimSuffix(base, filepath.Ext(base)) + ".tse-sim.json"
}

// SimulatorPath is where demo mode's simulated Stripe keeps its state.
func SimulatorPath(base string) string {
	ext := filepath.Ext(base)
	return strings.TrimSuffix(base, ext) + ".demo.sim.json"
}

// WaitWhenBusy makes writes to the books wait their turn behind a long job
// of another process (see DB.OnBusy), telling onBusy once per write. The
// command line uses it: a second import waits for the first.
func (b *Books) WaitWhenBusy(onBusy func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.onBusy = onBusy
	for _, db := range b.books {
		db.OnBusy = onBusy
	}
}

// Settings is the shop's own file: settings live there whatever the mode.
func (b *Books) Settings() *DB { return b.base }

// Mode is the mode whose books a transaction begun now would use.
func (b *Books) Mode() domain.Mode { return b.mode() }

// For returns the books of mode m, opening the file on first use.
func (b *Books) For(ctx context.Context, m domain.Mode) (*DB, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if db, ok := b.books[m]; ok {
		return db, nil
	}
	path, _ := Paths(b.base.Path, m)
	db, err := Open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("open the %s books: %w", m.Badge(), err)
	}
	db.OnBusy = b.onBusy
	b.books[m] = db
	return db, nil
}

// TillFor returns the register file of mode m, opening it on first use.
func (b *Books) TillFor(ctx context.Context, m domain.Mode) (*Till, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if t, ok := b.tills[m]; ok {
		return t, nil
	}
	_, path := Paths(b.base.Path, m)
	t, err := OpenTill(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("open the %s register: %w", m.Badge(), err)
	}
	b.tills[m] = t
	return t, nil
}

// Current returns the books in use now.
func (b *Books) Current(ctx context.Context) (*DB, error) { return b.For(ctx, b.mode()) }

// Update implements domain.Store on the books of the mode in use.
func (b *Books) Update(ctx context.Context, fn func(domain.Tx) error) error {
	db, err := b.Current(ctx)
	if err != nil {
		return err
	}
	return db.Update(ctx, fn)
}

// View implements domain.Store on the books of the mode in use.
func (b *Books) View(ctx context.Context, fn func(domain.Tx) error) error {
	db, err := b.Current(ctx)
	if err != nil {
		return err
	}
	return db.View(ctx, fn)
}

// UpdateTill implements domain.TillStore on the register of the mode in use.
func (b *Books) UpdateTill(ctx context.Context, fn func(domain.TillTx) error) error {
	t, err := b.TillFor(ctx, b.mode())
	if err != nil {
		return err
	}
	return t.UpdateTill(ctx, fn)
}

// ViewTill implements domain.TillStore on the register of the mode in use.
func (b *Books) ViewTill(ctx context.Context, fn func(domain.TillTx) error) error {
	t, err := b.TillFor(ctx, b.mode())
	if err != nil {
		return err
	}
	return t.ViewTill(ctx, fn)
}

// Close closes every file opened.
func (b *Books) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	var first error
	for m, db := range b.books {
		if m == domain.ModeLive {
			continue
		}
		if err := db.Close(); err != nil && first == nil {
			first = err
		}
	}
	for _, t := range b.tills {
		if err := t.Close(); err != nil && first == nil {
			first = err
		}
	}
	if err := b.base.Close(); err != nil && first == nil {
		first = err
	}
	return first
}

func encodeClose(d domain.DayClose) string {
	b, _ := json.Marshal(d)
	return string(b)
}

func decodeClose(s string) (domain.DayClose, error) {
	var d domain.DayClose
	err := json.Unmarshal([]byte(s), &d)
	return d, err
}

// CheckIntegrity implements domain.IntegrityChecker on every file open:
// the settings and live books, the other books used, the register files.
func (b *Books) CheckIntegrity(ctx context.Context) error {
	b.mu.Lock()
	dbs := []*DB{}
	for _, db := range b.books {
		dbs = append(dbs, db)
	}
	for _, t := range b.tills {
		dbs = append(dbs, t.DB)
	}
	b.mu.Unlock()
	for _, db := range dbs {
		if db.dialect.pg {
			// The server keeps its own files whole; that it answers is the check.
			if err := db.db.PingContext(ctx); err != nil {
				return pgUnreachable(err)
			}
			continue
		}
		var res string
		if err := db.db.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&res); err != nil {
			return fmt.Errorf("check %s: %w", db.Path, err)
		}
		if res != "ok" {
			return domain.Errorf(domain.EINTERNAL, "%s is damaged (%s): restore it from a backup (tally backup makes one).", db.Path, res)
		}
	}
	return nil
}

// LastBackup implements domain.BackupRecord: the backups of the shop's own
// file (settings and live books).
func (b *Books) LastBackup(ctx context.Context) (time.Time, string, error) {
	return b.base.LastBackup(ctx)
}
