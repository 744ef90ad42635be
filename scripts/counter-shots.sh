#!/usr/bin/env bash
# The register at a real counter, for a German shop on a German system:
# Settings > Printer with a test print on `tally printer-sim`, the float
# and a cash out, a cash sale printed (the printed stream drawn, and the
# receipt's PDF), a declined card with the other methods open, the day
# close counted by notes and coins, the Z report; the TSE's block and QR
# code on the printed, PDF and screen receipts, Settings > TSE and its
# registration sheet, a TSE outage, the day's DSFinV-K export. Sourced by
# screenshots.sh (alone: scripts/screenshots.sh counter); uses its shot,
# open_app, close_app, pin, $work and $out. Coordinates are those of the
# 1280×800 window.

ctr="$work/counter/tally.db"
mkdir -p "$(dirname "$ctr")" "$work/printer"
k() { xdotool key "$@"; sleep 0.5; }
click() { xdotool mousemove "$1" "$2" click 1; sleep 0.7; }
./tally shop --db "$ctr" --name "Bäckerei Sonnenschein" --country DE --street "Hauptstraße 12" \
	--postal-code 10115 --city Berlin --vat DE123456789 >/dev/null
port=$(free_port)
./tally printer-sim --listen "127.0.0.1:$port" --out "$work/printer" >"$work/printer.log" 2>&1 &
sim=$!
wait_port "$port"

export LANG=de_DE.UTF-8
SETUP=1 open_app Settings "$ctr"
click 360 186 # Mit der Inhaber-PIN entsperren
pin "$ctr"
click 415 125  # the Drucker tab
click 800 265  # Bondrucker
click 460 339  # Netzwerk
click 800 304  # Adresse
xdotool type --delay 20 "127.0.0.1:$port"
click 358 383  # print after each sale
click 358 422  # the cash drawer
click 283 501  # Testdruck
sleep 1.5
shot german-settings-printer-test
cp "$work/printer/job-1.png" "$out/german-printer-test-page.png"
click 402 501  # Drucker speichern
sleep 0.8

click 55 22 # Kasse
k F2
xdotool type --delay 30 "150,00"
k Return
click 398 179 # Entnahme
click 670 218
xdotool type --delay 30 "3,50"
click 670 257
LC_ALL=C.UTF-8 xdotool type --delay 30 "Milch für den Kaffee"
k Return
sleep 1
shot german-drawer-float-cash-out
click 640 726 # Schließen

# A cash sale: printed at once, the drawer opened.
k F12
xdotool type --delay 30 "2000000000015"
k Return
xdotool type --delay 30 "2*2000000000039"
k Return
k F9
k ctrl+a
xdotool type --delay 30 "20"
k Return
sleep 2
shot german-register-cash-printed
last=$(ls "$work/printer"/job-*.png | sort -V | tail -1)
cp "$last" "$out/german-receipt-printed.png"
./tally receipt --db "$ctr" 1 --out "$work/receipt.pdf" >/dev/null
pdftoppm -png -r 90 -singlefile "$work/receipt.pdf" "$out/german-receipt-pdf"

# A declined card: the other ways to pay stay open.
k F12
xdotool type --delay 30 "2000000000022"
k Return
k F10
sleep 1.2
click 1016 610 # the test card 0002: declined
sleep 1.5
shot german-register-declined-methods-open
k F9
k Return
sleep 1.5

# The day close: the drawer counted by notes and coins, 100 € kept.
k F8
sleep 1
click 890 134 # Scheine und Münzen zählen…
sleep 0.5
click 953 204 # 50,00 € ×
xdotool type --delay 30 "2"
click 580 243 # 10,00 € ×
xdotool type --delay 30 "5"
click 760 243 # 5,00 € ×
xdotool type --delay 30 "1"
click 580 282 # 0,50 € ×
xdotool type --delay 30 "3"
click 760 282 # 0,20 € ×
xdotool type --delay 30 "1"
click 700 165 # Bleibt in der Kasse
xdotool type --delay 30 "100"
sleep 0.8
shot german-day-close-count
click 706 742 # Tag abschließen
sleep 1
pin "$ctr"
sleep 1
shot german-z-report
close_app

# The TSE (the simulator, in demo mode): the printed receipt's and the
# PDF's QR codes read back as the DSFinV-K's V0 string; the day's
# DSFinV-K export written by the command.
for f in german-receipt-printed german-receipt-pdf; do
	qr=$(zbarimg -q --raw "$out/$f.png" 2>/dev/null | head -1)
	case "$qr" in
	V0\;*Kassenbeleg-V1\;Beleg^*) echo "$f.png: $qr" | cut -c1-120 ;;
	*) echo "$f.png: no TSE QR code read back ($qr)" >&2; exit 1 ;;
	esac
done
today=$(TZ=Europe/Berlin date +%Y-%m-%d)
./tally dsfinvk --db "$ctr" --from "$today" --to "$today" --out "$work/dsfinvk.zip"
unzip -l "$work/dsfinvk.zip" | grep -q transactions_tse.csv || { echo "the DSFinV-K export lacks transactions_tse.csv" >&2; exit 1; }

# Settings > TSE, the receipt on screen with its QR code, and a TSE outage.
rm -f "$(dirname "$ctr")/tally.log"
SETUP=1 open_app Settings "$ctr"
click 360 186 # Mit der Inhaber-PIN entsperren
pin "$ctr"
click 476 125 # the TSE tab
sleep 1
shot german-settings-tse
xdotool mousemove 900 690
for _ in $(seq 1 40); do xdotool click 5; done
sleep 0.8
shot german-settings-tse-registration
click 55 22 # Kasse
k F12
xdotool type --delay 30 "2000000000015"
k Return
k F9
k Return
sleep 1.5
click 703 617 # Beleg
sleep 1
xdotool mousemove 600 400
for _ in $(seq 1 10); do xdotool click 5; done
sleep 0.8
shot german-receipt-tse-screen
zbarimg -q --raw "$out/german-receipt-tse-screen.png" | grep -q '^V0;' || { echo "the receipt on screen has no TSE QR code" >&2; exit 1; }
k Escape
click 640 725 # Schließen
k F6          # the customer display: the paid sale's receipt code
sleep 1.5
shot german-customer-display-tse
zbarimg -q --raw "$out/german-customer-display-tse.png" | grep -q '^V0;' || { echo "the customer display has no TSE QR code" >&2; exit 1; }
close_app
rm -f "$(dirname "$ctr")/tally.log"
TALLY_TSE_OUTAGE=1 SETUP=1 open_app Register "$ctr"
k F12
xdotool type --delay 30 "2000000000015"
k Return
k F9
k Return
sleep 1.5
shot german-register-tse-outage-banner
click 703 617 # Beleg
sleep 1
shot german-receipt-tse-outage
k Escape
close_app
kill "$sim" 2>/dev/null || true
unset LANG
export LANG=en_US.UTF-8
