#!/usr/bin/env bash
# Tally on Windows, under Wine (scripts/wine.sh) on a virtual display:
#  1. the domain, storage, reports, printer and TSE tests, cross-compiled for
#     Windows and run by Wine (paths under %AppData%, file locking and
#     renaming, the Credential Manager, the time-zone database, line ends);
#  2. the Windows program (dist/Tally.exe, as scripts/package.sh builds it)
#     started in demo mode, a sale rung up and paid on the simulated reader
#     by keyboard, the window shot to docs/screenshots/windows-register.png
#     and checked, the program quit with Ctrl+Q, the sale's receipt read
#     back through the same program;
#  3. the setup program installed silently, the installed program started
#     and quit, and uninstalled: the program gone, the shop's data kept.
# Run by scripts/test.sh; alone it starts its own display.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. scripts/wine.sh
need_debs "${FYNE_DEBS[@]}" xvfb xauth imagemagick xdotool poppler-utils nsis
need_go
app=""
cleanup() {
	[ -n "$app" ] && kill "$app" 2>/dev/null || true
	stop_wine
	[ -n "${OWN_XVFB:-}" ] && [ -n "${XVFB_PID:-}" ] && kill "$XVFB_PID" 2>/dev/null || true
}
trap cleanup EXIT
if [ -z "${DISPLAY:-}" ]; then
	start_xvfb
	OWN_XVFB=1
fi
need_wine
fail() { echo "Windows: $*" >&2; exit 1; }

echo "== Windows tests under Wine"
# The two tests left out run programs of Linux's (hledger, pdftoppm); they
# ran in the Linux pass.
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go test -overlay "$WINE_OVERLAY" -exec "$PWD/scripts/wine-exec" \
	-count=1 -timeout 15m -skip '^(TestHledgerAcceptsExport|TestQRSheetDecodes)$' \
	./domain ./storage ./reports ./printer ./tse ./internal/...

echo "== The Windows program under Wine"
bash scripts/package.sh windows # always this tree's program, never one left in dist/
bash scripts/package.sh windows-installer
winpath() { echo "Z:${1//\//\\}"; }
data="$WINE_DIR/data"
mkdir -p "$data"
wdb=$(winpath "$data/tally.db")
"$WINE" dist/Tally.exe shop --db "$wdb" --name "Corner Deli" --country DE --skip-setup >/dev/null
# wait_log FILE TEXT: up to a minute for TEXT in FILE.
wait_log() {
	for _ in $(seq 1 120); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.5
	done
	return 1
}
# quit_app LOG: Ctrl+Q, then the program must end by itself, cleanly.
quit_app() {
	xdotool key ctrl+q
	local rc=0
	for _ in $(seq 1 60); do
		kill -0 "$app" 2>/dev/null || break
		sleep 0.5
	done
	kill -0 "$app" 2>/dev/null && fail "the program did not quit within 30 s of Ctrl+Q"
	wait "$app" || rc=$?
	app=""
	[ "$rc" = 0 ] || fail "the program ended with status $rc"
	# Closed by Fyne, or (Fyne 2.8.1 can hang while it stops) by Tally's
	# quit watchdog, which closes the databases first: both are clean.
	if grep -q "window closed" "$1"; then
		return 0
	fi
	grep -q "exiting anyway" "$1" || { tail -5 "$1" >&2; fail "the log says neither that the window closed nor that the quit watchdog ended it"; }
	echo "the window system hung while stopping; the quit watchdog closed the data and ended the program"
}
TALLY_START_PAGE=Register LANG=en_US.UTF-8 "$WINE" dist/Tally.exe --db "$wdb" >"$data/app.out" 2>&1 &
app=$!
wait_log "$data/tally.log" "window shown" || { cat "$data/app.out" >&2; fail "no window within a minute"; }
sleep 3
xdotool type --delay 40 "2000000000015"
xdotool key Return
sleep 1
xdotool key F10 # card, on the simulated reader
sleep 3
xdotool key F7 # the simulated customer taps
sleep 5
shot=docs/screenshots/windows-register.png
import -window root "$shot"
# Not blank: many colours, and light and dark both there.
colours=$(convert "$shot" -format "%k" info:)
spread=$(convert "$shot" -colorspace Gray -format "%[fx:standard_deviation*100]" info: | cut -d. -f1)
[ "$colours" -gt 100 ] && [ "$spread" -gt 5 ] || fail "the screenshot looks blank ($colours colours, spread $spread)"
echo "$shot: $colours colours"
quit_app "$data/tally.log"
"$WINE" dist/Tally.exe receipt 1 --db "$wdb" --out "$(winpath "$data/receipt.pdf")" >/dev/null
receipt=$(pdftotext "$data/receipt.pdf" -)
for want in "Corner Deli" "Espresso" "2,50" "4242" "TSE-Transaktion"; do
	grep -q "$want" <<<"$receipt" || { echo "$receipt" >&2; fail "the receipt of the sale paid under Wine lacks \"$want\""; }
done
echo "the sale was paid by card on the simulated reader; its receipt reads back"

echo "== The setup program under Wine"
v=$(sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)
"$WINE" "dist/Tally-$v-setup.exe" /S
installed="$WINEPREFIX/drive_c/Program Files/Tally"
[ -f "$installed/Tally.exe" ] && [ -f "$installed/Uninstall.exe" ] || fail "the setup program installed nothing in $installed"
appdata="$WINEPREFIX/drive_c/users/$(id -un)/AppData/Roaming/Tally"
"$WINE" 'C:\Program Files\Tally\Tally.exe' shop --name "Installed Shop" --country AT --skip-setup >/dev/null
[ -f "$appdata/tally.db" ] || fail "the installed program keeps its data elsewhere than %AppData%\\Tally"
"$WINE" 'C:\Program Files\Tally\Tally.exe' >"$data/installed.out" 2>&1 &
app=$!
wait_log "$appdata/tally.log" "window shown" || fail "the installed program showed no window"
sleep 2
quit_app "$appdata/tally.log"
"$WINE" 'C:\Program Files\Tally\Uninstall.exe' /S
for _ in $(seq 1 60); do
	[ -e "$installed/Tally.exe" ] || break
	sleep 0.5
done
[ -e "$installed/Tally.exe" ] && fail "the uninstaller left Tally.exe"
[ -f "$appdata/tally.db" ] || fail "the uninstaller removed the shop's data"
echo "installed, started, quit and uninstalled; the shop's data kept in %AppData%\\Tally"
