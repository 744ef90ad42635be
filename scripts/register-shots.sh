#!/usr/bin/env bash
# The register's screenshots, in demo mode, driven with the keyboard as a
# cashier would (xdotool). Sourced by screenshots.sh after its set-up:
# uses its shot, open_app, close_app, $work and $out.

reg="$work/register/tally.db"
mkdir -p "$(dirname "$reg")"
k() { xdotool key "$@"; sleep 0.4; }
scan() { xdotool type --delay 20 "$1"; k Return; }
click() { xdotool mousemove "$1" "$2" click 1; sleep 0.6; }

open_app Register "$reg"
# Cash with change: an espresso and a croissant, 10.00 handed over.
scan 2000000000015
scan 2000000000039
k F9
shot register-cash-question
k ctrl+a
xdotool type "10.00"
k Return
sleep 0.5
shot register-cash-change
# The receipt.
click 596 637 # Receipt
shot register-receipt
click 639 666 # Close

# A card on the simulated reader: declined first, then paid on the same payment.
k F12
scan "2*2000000000022"
k F10
sleep 0.8
shot register-card-on-reader
click 850 636 # the test card 0002: declined
sleep 1.5
shot register-card-declined
k F5 # try again, on the same PaymentIntent
k F7 # the test card 4242
shot register-card-paid

# Split: 5.00 in cash, the rest by QR code on the customer display.
k F12
scan 2000000000046
k F3 # take part of it now
xdotool type "5"
k F9
k Return
sleep 0.5
shot register-split-cash-part
k F11
sleep 0.8
shot register-qr
# The customer display: a second window, with the QR code large.
k F6
sleep 1
disp=$(xdotool search --name "customer display" | head -1)
xdotool windowmove "$disp" 0 0
sleep 0.5
shot register-customer-display-qr
if command -v zbarimg >/dev/null; then zbarimg -q "$out/register-customer-display-qr.png" || echo "no QR code read off the customer display" >&2; fi
xdotool windowmove "$disp" 2000 0 # aside, to reach the register
xdotool search --name "^Tally$" windowfocus 2>/dev/null || true
sleep 0.5
k F7 # the demo customer pays the page
sleep 1
xdotool windowmove "$disp" 0 0
sleep 0.5
shot register-customer-display-paid
xdotool windowmove "$disp" 2000 0
xdotool search --name "^Tally$" windowfocus 2>/dev/null || true
sleep 0.5
shot register-split-paid

# The day close: the Z report so far, the cash counted, then closed.
k F8
sleep 1
xdotool search --name "^Tally$" windowfocus 2>/dev/null || true
click 639 207 # Cash counted
xdotool type --delay 40 "10.00"
sleep 0.8
shot register-day-close
click 696 665 # Close the day: the owner's PIN, chosen now
sleep 0.8
shot register-day-close-pin
pin "$reg"
sleep 0.8
shot register-z-report
click 583 665 # Done
close_app

# The payments back office on the same register: the list, one payment with
# its timeline, the refund dialog, the PIN prompt, the refund done, the lock
# after wrong PINs, and the audit log.
open_app Payments "$reg"
sleep 6 # an events poll
shot payments-list
click 880 124 # search
xdotool type --delay 20 "#2"
sleep 1
click 400 240
sleep 1
shot payment-detail
click 1000 320 # Refund…
sleep 1
click 700 375
xdotool key ctrl+a
xdotool type --delay 20 "3.00"
click 700 454
xdotool type --delay 5 "Cracked lid"
sleep 1
shot refund-dialog
click 680 532 # Refund…: the owner's PIN
sleep 1
shot pin-prompt
pin "$reg"
sleep 1.5
shot payment-refunded
click 1000 416 # Refund… again
sleep 1
click 680 532
sleep 1
for _ in 1 2 3 4 5; do
	xdotool type --delay 20 "1357"
	xdotool key Return
	sleep 0.8
done
shot pin-locked
click 605 485 # Cancel
click 65 255 # Audit log
sleep 1.5
shot audit-log
close_app

# Crash recovery: Tally killed while a card waits on the reader, started
# again on the same files; the start-up check asks Stripe and resumes.
open_app Register "$reg"
scan 2000000000039
k F10
sleep 1
kill -9 "$app"
wait "$app" 2>/dev/null || true
open_app Register "$reg"
sleep 1
shot register-crash-recovery
close_app
