#!/usr/bin/env bash
# Runs every test: installs the build packages, Xvfb, stripe-mock and
# PostgreSQL, starts stripe-mock on free loopback ports, a virtual display
# and a throw-away PostgreSQL cluster, runs go test -race ./... on SQLite,
# then the domain's and the store's tests again on PostgreSQL (and the
# 100,000-payment list test without -race), then Tally on Windows under
# Wine (scripts/windows-test.sh: the Windows tests, the Windows program
# paying a sale, its setup program), and stops them all. Extra arguments go
# to go test.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
need_debs "${FYNE_DEBS[@]}" xvfb xauth hledger poppler-utils postgresql
need_go
cleanup() {
	[ -n "${STRIPE_MOCK_PID:-}" ] && kill "$STRIPE_MOCK_PID" 2>/dev/null || true
	[ -n "${XVFB_PID:-}" ] && kill "$XVFB_PID" 2>/dev/null || true
	stop_postgres
}
trap cleanup EXIT
start_stripe_mock
start_xvfb
start_postgres
echo "stripe-mock at $STRIPE_MOCK_URL, display $DISPLAY, PostgreSQL at ${TALLY_TEST_POSTGRES%%\?*}"
# The tests read the screens in English (German is looked at by a test of
# its own, on a German locale), whatever this machine's language.
# LC_CTYPE keeps text in UTF-8 for the programs the tests run (hledger)
# where the en_US locale is not installed.
export LANG=en_US.UTF-8 LC_CTYPE=C.UTF-8
unset LC_ALL LC_MESSAGES LANGUAGE
go test -race -count=1 -timeout 20m "$@" ./...
# The same domain and store tests on PostgreSQL: every flow the domain
# relies on, on the second store.
TALLY_TEST_STORE=postgres go test -race -count=1 -timeout 20m "$@" ./domain ./storage
# The payments list with 100,000 payments: under the race detector above it
# runs on 10,000, since SQLite is thirty times slower there.
go test -count=1 -run 'TestPaymentsListIsVirtual' "$@" ./ui
# Tally on Windows, under Wine, on the same display.
bash scripts/windows-test.sh
