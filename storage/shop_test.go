package storage

import (
	"context"
	"testing"

	"tally/domain"
)

func readShop(t *testing.T, db *DB) (sh domain.Shop, err error) {
	t.Helper()
	err = db.View(context.Background(), func(tx domain.Tx) error {
		sh, err = tx.Shop()
		return err
	})
	return sh, err
}

// A shop that saved Stripe settings before the set-up existed is not asked
// again: the migration takes its account's name, country and currency.
func TestShopMigrationKeepsExistingShops(t *testing.T) {
	ctx := context.Background()
	path, old := openBefore(t, "0016_")
	if _, err := old.db.ExecContext(ctx, `INSERT INTO settings (id, mode, account_name, account_country, account_currency) VALUES (1, 'test', 'Old Shop', 'FR', 'EUR')`); err != nil {
		t.Fatal(err)
	}
	old.Close()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sh, err := readShop(t, db)
	if err != nil || sh.Name != "Old Shop" || sh.Country != "FR" || sh.Currency.Code() != "EUR" || sh.SetUpAt.IsZero() {
		t.Fatalf("migrated shop %+v %v", sh, err)
	}
}

// A new file has no shop yet: the set-up shows.
func TestShopNewFileNotSetUp(t *testing.T) {
	db := mustOpenDB(t)
	sh, err := readShop(t, db)
	if err != nil || !sh.SetUpAt.IsZero() || sh.Name != "" {
		t.Fatalf("new file's shop %+v %v", sh, err)
	}
}
