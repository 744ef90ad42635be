#!/usr/bin/env bash
# The bookkeeper's exchange, for a German shop on a German system: the
# Export dialog's choices, DATEV's fields refusing a wrong consultant
# number, a DATEV batch saved and read back, and the balances chart in EUR
# with HKD lines imported beside. Sourced by screenshots.sh (alone:
# scripts/screenshots.sh exchange); uses its shot, open_app, close_app,
# $work and $out. Coordinates are those of the 1280×800 window.

xdb="$work/exchange/tally.db"
mkdir -p "$(dirname "$xdb")" "$work/xhome"
xclick() { xdotool mousemove "$1" "$2" click 1; sleep 0.8; }
./tally shop --db "$xdb" --name "Bäckerei Sonnenschein" --country DE --street "Hauptstraße 12" \
	--postal-code 10115 --city Berlin --vat DE123456789 >/dev/null
./tally import --db "$xdb" --books demo \
	../shared/stripe-samples/stripe-dashboard__cgge_Itemised_balance_change_from_activity_HKD_2025-11-01_to_2025-11-29_UTC.csv >/dev/null
export LANG=de_DE.UTF-8
HOME="$work/xhome" SETUP=1 open_app Reconciliation "$xdb"
xclick 505 182 # Zeilen buchen
sleep 1
xclick 620 182 # Exportieren…
sleep 1
xclick 700 148 # the format
shot german-export-choices
xclick 530 300 # DATEV
xclick 760 343 # Beraternummer
xdotool type --delay 20 "99"
xclick 760 382 # Mandantennummer
xdotool type --delay 20 "55003"
xclick 700 686 # Datei wählen…
shot german-export-datev-wrong-number
xclick 760 343
xdotool key ctrl+a
xdotool type --delay 20 "29098"
xclick 700 686
sleep 1
xclick 1038 678 # Speichern
sleep 1.5
ls "$work/xhome"/EXTF_Buchungsstapel_*.csv >/dev/null || { echo "the DATEV batch was not saved" >&2; exit 1; }
head -c 4 "$work/xhome"/EXTF_Buchungsstapel_*.csv | grep -q '"EXT' || { echo "the DATEV batch has no EXTF header" >&2; exit 1; }
xclick 614 281 # Salden
sleep 1
shot german-balances-eur-with-hkd
close_app
export LANG=en_US.UTF-8
