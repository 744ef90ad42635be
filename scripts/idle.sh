#!/usr/bin/env bash
# Measures an idle till: Tally's window open under Xvfb in demo mode on the
# Register (or the page given), nothing done, for SECONDS (default 60):
# the CPU time the process used (user + system, all its threads, Mesa's
# software renderer included) as a share of one core, its resident memory,
# and the size of its databases' write-ahead logs at the end.
#   scripts/idle.sh [SECONDS] [PAGE]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
need_debs "${FYNE_DEBS[@]}" xvfb xauth
need_go
secs=${1:-60}
page=${2:-Register}
go build -o tally .
work=$(mktemp -d)
app=""
cleanup() {
	[ -n "$app" ] && kill "$app" 2>/dev/null || true
	[ -n "${XVFB_PID:-}" ] && kill "$XVFB_PID" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
start_xvfb
./tally shop --db "$work/tally.db" --name "Idle shop" --country DE >/dev/null 2>&1
TALLY_KEYCHAIN=file TALLY_START_PAGE="$page" LANG=en_US.UTF-8 ./tally --db "$work/tally.db" >"$work/app.log" 2>&1 &
app=$!
for _ in $(seq 1 100); do grep -q "window shown" "$work/tally.log" 2>/dev/null && break; sleep 0.1; done
sleep 10 # the start, the first poll and the demo's history settle
hz=$(getconf CLK_TCK)
t0=$(awk '{print $14+$15}' "/proc/$app/stat")
sleep "$secs"
t1=$(awk '{print $14+$15}' "/proc/$app/stat")
rss=$(awk '/VmRSS/ {print $2}' "/proc/$app/status")
echo "idle on $page for ${secs} s: CPU $(awk -v d=$((t1 - t0)) -v hz="$hz" -v s="$secs" 'BEGIN {printf "%.2f", 100 * d / hz / s}') % of a core, resident $((rss / 1024)) MB"
for f in "$work"/*.db-wal; do echo "  $(basename "$f"): $(stat -c %s "$f") bytes"; done
