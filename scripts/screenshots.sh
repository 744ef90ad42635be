#!/usr/bin/env bash
# Opens Tally under Xvfb and saves a screenshot of every screen into
# docs/screenshots/, plus the settings screen verifying a key against
# stripe-mock, a wrong key, and an unreachable server, the first-run set-up
# and German. scripts/screenshots.sh ship takes only the set-up and German,
# scripts/screenshots.sh invoices only the invoices, counter the counter's,
# exchange the bookkeeper's exports.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
need_debs "${FYNE_DEBS[@]}" xvfb xauth imagemagick xdotool zbar-tools poppler-utils
need_go
go build -o tally .
out=docs/screenshots
mkdir -p "$out"
work=$(mktemp -d)
app=""
cleanup() {
	[ -n "$app" ] && kill "$app" 2>/dev/null || true
	[ -n "${STRIPE_MOCK_PID:-}" ] && kill "$STRIPE_MOCK_PID" 2>/dev/null || true
	[ -n "${XVFB_PID:-}" ] && kill "$XVFB_PID" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
start_stripe_mock
start_xvfb
export LANG=en_US.UTF-8 TALLY_KEYCHAIN=file

# open PAGE DB: start the app on PAGE and wait for its window.
open_app() {
	[ -n "${SETUP:-}" ] || ./tally shop --db "$2" --skip-setup >/dev/null
	TALLY_START_PAGE="$1" TALLY_STRIPE_API_BASE="$STRIPE_MOCK_URL" ./tally --db "$2" >"$work/app.log" 2>&1 &
	app=$!
	for _ in $(seq 1 100); do
		grep -q "window shown" "$(dirname "$2")/tally.log" 2>/dev/null && break
		sleep 0.1
	done
	sleep 1.5
}
close_app() {
	kill -INT "$app"
	for _ in $(seq 1 100); do
		kill -0 "$app" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$app" 2>/dev/null; then
		# Never wait forever: say so, with where every goroutine stands.
		echo "Tally did not quit within 10 s of an interrupt; its goroutines:" >&2
		kill -QUIT "$app"
		sleep 1
		cat "$work/app.log" >&2
		exit 1
	fi
	wait "$app" || true
	app=""
}
shot() { import -window root "$out/$1.png"; echo "saved $out/$1.png"; }

# The owner's PIN of every data folder used here. unlock DB opens an
# owner's page (Settings, Readers, Payment methods) of the app on DB: its
# button, then the PIN, chosen (typed twice) the first time.
PIN=2468
pin() { # the PIN prompt has the focus
	xdotool type --delay 30 "$PIN"
	if [ ! -e "$(dirname "$1")/.pin-chosen" ]; then
		xdotool key Tab
		xdotool type --delay 30 "$PIN"
		touch "$(dirname "$1")/.pin-chosen"
	fi
	xdotool key Return
	sleep 1.2
}
unlock() {
	xdotool mousemove 348 167 click 1
	sleep 0.8
	pin "$1"
}

slug() { echo "$1" | tr 'A-Z ' 'a-z-'; }

# The first-run set-up and the German screens.
if [ "${1:-}" = counter ]; then
	. scripts/counter-shots.sh
	exit 0
fi
if [ "${1:-}" = exchange ]; then
	. scripts/exchange-shots.sh
	exit 0
fi
if [ "${1:-}" = invoices ]; then
	. scripts/invoice-shots.sh
	exit 0
fi
. scripts/ship-shots.sh
[ "${1:-}" = ship ] && exit 0
. scripts/invoice-shots.sh
. scripts/counter-shots.sh
. scripts/exchange-shots.sh
for page in Register Payments Reconciliation Readers "Payment methods" Settings "Audit log" Diagnostics; do
	rm -f "$work/tally.log"
	open_app "$page" "$work/tally.db"
	case "$page" in
	Readers | "Payment methods" | Settings)
		[ "$page" = Settings ] && shot owner-page-locked
		unlock "$work/tally.db"
		;;
	esac
	shot "$(slug "$page")"
	close_app
done

# The settings screen talking to stripe-mock. Coordinates are those of the
# 1280×800 window: the Test radio, the secret-key field, Verify.
click() { xdotool mousemove "$1" "$2" click 1; sleep 0.3; }
settings_try() { # NAME KEY API
	rm -f "$work/tally.log"
	open_app Settings "$work/tally.db"
	unlock "$work/tally.db"
	click 600 204
	click 840 283
	xdotool type --delay 5 "$2"
	if [ -n "$3" ]; then
		click 840 361
		xdotool type --delay 5 "$3"
	fi
	click 309 400
	sleep 2.5
	shot "$1"
	close_app
}
# Readers: select the demo reader and test it.
rm -f "$work/tally.log"
open_app Readers "$work/tally.db"
unlock "$work/tally.db"
click 400 215
click 886 400
sleep 1.5
shot readers-tested
close_app

# Payment methods: a second card method on the demo reader, refused through the form: a
# reader serves one method.
rm -f "$work/tally.log"
open_app "Payment methods" "$work/tally.db"
unlock "$work/tally.db"
click 290 124
click 997 166
xdotool type --delay 5 "Card"
click 997 245
click 997 280
click 579 573 # Save
sleep 1
shot payment-methods-reader-taken
close_app

# Reconciliation fetched from the (simulated) Stripe API and booked, in a fresh database.
mkdir -p "$work/fetch"
open_app Reconciliation "$work/fetch/tally.db"
click 1093 182
sleep 1.5
click 456 182
sleep 1.5
shot reconciliation-fetched
close_app

# Reconciliation: the demo statements imported and booked through the command line,
# then the lines, the queue of lines that need a decision, and the payout checks.
./tally import --db "$work/tally.db" --books demo docs/demo/*.csv >/dev/null
./tally reconcile --db "$work/tally.db" --books demo >/dev/null || true # one demo payout is off by 1.00 on purpose
rm -f "$work/tally.log"
open_app Reconciliation "$work/tally.db"
shot reconciliation-lines
click 300 300
click 316 375
sleep 1
click 600 416
sleep 1
shot reconciliation-queue
click 695 301
sleep 1.5
shot reconciliation-rule-preview
click 461 262
sleep 1
shot reconciliation-payouts
click 400 340
sleep 1
shot reconciliation-payout-lines
click 540 262
sleep 1
shot reconciliation-balances
click 395 300 # By day
sleep 1
shot reconciliation-balances-by-day
# The imports, and the question before one is removed (answered Keep it:
# the database is used again below).
click 620 262
sleep 1
click 600 438
click 320 359
sleep 1.5
shot reconciliation-remove-import
click 590 486
sleep 0.5
close_app

# The queue again: the waiting line booked to an account in one step.
rm -f "$work/tally.log"
open_app Reconciliation "$work/tally.db"
click 300 300
click 316 375
sleep 1
click 600 416
sleep 1
click 365 341
click 307 610
shot reconciliation-decision
click 556 341
sleep 1.5
shot reconciliation-decision-booked
close_app

# Import through the file dialog, from a home folder of its own holding a
# 300,000-line export, shot while the bar moves; then the booked demo journal
# exported through the save dialog.
mkdir -p "$work/home" "$work/big"
go run ./scripts/genstripe -lines 300000 -out "$work/home/activity_2025-11.csv"
rm -f "$work/big/tally.log"
HOME="$work/home" open_app Reconciliation "$work/big/tally.db"
click 320 182
sleep 1.5
click 482 235
click 1054 678
sleep 1.2
shot reconciliation-importing
sleep 8
# Booking those lines, then cancelled: nothing is booked.
click 456 182
sleep 3
shot reconciliation-booking
click 1214 222
sleep 2
shot reconciliation-booking-cancelled
close_app
rm -f "$work/tally.log"
HOME="$work/home" open_app Reconciliation "$work/tally.db"
click 541 182 # Export…
sleep 1.5
click 700 148 # the format
click 600 260 # hledger journal
click 707 686 # Choose the file…
sleep 1.5
click 570 678
xdotool key ctrl+a
xdotool type --delay 5 "shop.journal"
click 1054 678
sleep 1.5
shot reconciliation-exported
close_app
[ -s "$work/home/shop.journal" ] || { echo "the journal was not exported" >&2; exit 1; }

# A re-saved file whose dates read both ways: the bookkeeper is asked, then
# it is read day first.
mkdir -p "$work/home2" "$work/dates"
printf '%s\n' "balance_transaction_id,created,available_on,currency,gross,fee,net,reporting_category,description" \
	"txn_a1,01-02-2025 10:00,01-02-2025 10:00,eur,10.00,0.50,9.50,charge,Order A" \
	"txn_a2,02-01-2025 10:00,02-01-2025 10:00,eur,20.00,0.70,19.30,charge,Order B" >"$work/home2/resaved.csv"
HOME="$work/home2" open_app Reconciliation "$work/dates/tally.db"
click 320 182
sleep 1.5
click 482 235
click 1054 678
sleep 1.5
shot reconciliation-date-order
click 415 437
sleep 1.5
shot reconciliation-date-order-answered
close_app

# The register, in demo mode.
. scripts/register-shots.sh

settings_try settings-verified "sk_test_51TallyExampleKey000000" ""
settings_try settings-wrong-key "sk_test_51Tally_not_a_key" ""
settings_try settings-unreachable "sk_test_51TallyExampleKey000000" "http://127.0.0.1:$(free_port)"
settings_try settings-wrong-mode "sk_live_51TallyExampleKey000000" ""

# Settings, further down: the optional webhook listener and the PINs.
rm -f "$work/tally.log"
open_app Settings "$work/tally.db"
unlock "$work/tally.db"
xdotool mousemove 700 500
for _ in $(seq 1 20); do xdotool click 5; done
sleep 0.8
shot settings-webhook-people
close_app

# The status line when Stripe cannot be reached: test mode saved against a
# closed port, in a folder of its own.
mkdir -p "$work/down"
open_app Settings "$work/down/tally.db"
unlock "$work/down/tally.db"
click 600 204
click 840 283
xdotool type --delay 5 "sk_test_51TallyExampleKey000000"
click 840 361
xdotool type --delay 5 "http://127.0.0.1:$(free_port)"
click 402 400 # Save: saved unverified
sleep 8
shot status-line-stripe-unreachable
close_app
