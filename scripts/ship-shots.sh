# Sourced by scripts/screenshots.sh (alone: scripts/screenshots.sh ship):
# the first-run set-up step by step, and the register and reconciliation
# in German. Coordinates are those of the 1280×800 window.

# The set-up on a new data folder: the shop (Germany brings EUR and
# Europe/Berlin), the demo, the payment methods, then the register.
mkdir -p "$work/setup"
SETUP=1 open_app "" "$work/setup/tally.db"
shot setup-1-shop
xdotool type --delay 20 "Corner Deli"
xdotool mousemove 688 205 click 1 # the country list
sleep 0.8
xdotool mousemove 470 486 click 1 # Germany (DE)
sleep 0.6
shot setup-1-shop-filled
xdotool mousemove 922 773 click 1 # Next
sleep 1.2
xdotool mousemove 400 143 click 1 # Connect Stripe
sleep 0.6
shot setup-2-connect-stripe
xdotool mousemove 395 108 click 1 # Try the demo
sleep 0.4
shot setup-2-demo
xdotool mousemove 922 773 click 1 # Next
sleep 2
shot setup-3-payment-methods
xdotool mousemove 918 773 click 1 # Finish
sleep 2
shot setup-done-register
close_app

# German: the same demo shop on a German system.
LANG=de_DE.UTF-8 open_app Register "$work/setup/tally.db"
xdotool mousemove 700 60 click 1
sleep 0.5
shot german-register
# A card declined on the simulated reader, in German.
xdotool mousemove 390 123 click 1 # the scan field
xdotool type --delay 30 "2000000000022"
xdotool key Return
sleep 0.5
xdotool key F10
sleep 1.5
xdotool mousemove 733 636 click 1 # the test card 0002: declined
sleep 2
shot german-register-card-declined
close_app
./tally import --db "$work/setup/tally.db" docs/demo/*.csv >/dev/null
./tally reconcile --db "$work/setup/tally.db" >/dev/null || true
LANG=de_DE.UTF-8 open_app Reconciliation "$work/setup/tally.db"
shot german-reconciliation
close_app
LANG=de_DE.UTF-8 open_app Diagnostics "$work/setup/tally.db"
xdotool mousemove 310 182 click 1 # Run the checks
sleep 2
shot german-diagnostics
close_app
