package instance

import (
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// TestOneTallyPerDatabase: a second start on the same database is told
// Tally runs and the first is asked to come forward; another database is
// free; once the first stops, the database is free again.
func TestOneTallyPerDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "tally.db")
	shown := make(chan struct{}, 4)
	first, err := Acquire(db, func() { shown <- struct{}{} })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Acquire(db, nil); !errors.Is(err, ErrRunning) {
		t.Fatalf("second start: %v", err)
	}
	select {
	case <-shown:
	case <-time.After(5 * time.Second):
		t.Fatal("the running Tally was not asked to come forward")
	}
	other, err := Acquire(filepath.Join(t.TempDir(), "other.db"), nil)
	if err != nil {
		t.Fatalf("another database: %v", err)
	}
	other.Release()
	first.Release()
	again, err := Acquire(db, nil)
	if err != nil {
		t.Fatalf("after the first stopped: %v", err)
	}
	again.Release()
}
