package testenv

import (
	"os"
	"testing"
)

// StripeMock returns the address of the running stripe-mock (STRIPE_MOCK_URL,
// set by scripts/test.sh). Without one the test skips, except in CI, where
// it fails.
func StripeMock(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv("STRIPE_MOCK_URL")
	if u == "" {
		if os.Getenv("CI") != "" {
			tb.Fatal("STRIPE_MOCK_URL is not set: run the tests through scripts/test.sh, which starts stripe-mock")
		}
		tb.Skip("STRIPE_MOCK_URL not set: run scripts/test.sh to test against stripe-mock")
	}
	return u
}
