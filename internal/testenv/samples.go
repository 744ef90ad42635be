// Package testenv helps tests find what lives beside the repository.
package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// Samples returns the folder of real Stripe exports (shared/stripe-samples,
// beside the repository's folder; $TALLY_SAMPLES overrides), walking up
// from the test's directory. A missing folder fails the test.
func Samples(tb testing.TB) string {
	tb.Helper()
	if d := os.Getenv("TALLY_SAMPLES"); d != "" {
		return d
	}
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		cand := filepath.Join(dir, "shared", "stripe-samples")
		if fi, err := os.Stat(cand); err == nil && fi.IsDir() {
			return cand
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no shared/stripe-samples folder beside the repository (set TALLY_SAMPLES to it)")
		}
		dir = parent
	}
}
