#!/usr/bin/env bash
# Times the real import: generates synthetic Stripe exports (scripts/genstripe),
# then times `tally import` into a fresh database and, on the same 100,000-line
# file, hledger turning it into journal entries. Wall time and peak memory come
# from /usr/bin/time. Figures go to BENCHMARKS.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
need_debs "${FYNE_DEBS[@]}" time hledger
need_go
out=${BENCH_DIR:-bench/out}
mkdir -p "$out"
go build -o "$out/tally" .
[ -f "$out/activity_100k.csv" ] || go run ./scripts/genstripe -lines 100000 -out "$out/activity_100k.csv"
[ -f "$out/activity_1m.csv" ] || go run ./scripts/genstripe -lines 1000000 -out "$out/activity_1m.csv"
[ -f "$out/activity_100k.xlsx" ] || go run ./scripts/genstripe -lines 100000 -xlsx -out "$out/activity_100k.xlsx"
run() { # NAME COMMAND...
	local t
	t=$( { /usr/bin/time -f "%e %M" "$@" >/dev/null 2>/dev/null; } 2>&1 | tail -1)
	printf "%-34s %8s s %8s MB\n" "$1" "$(echo "$t" | cut -d' ' -f1)" "$(( $(echo "$t" | cut -d' ' -f2) / 1024 ))"
}
timed_import() { # LABEL FILE
	rm -f "$out"/bench.db*
	local t
	t=$( { /usr/bin/time -f "%e %M" "$out/tally" import --db "$out/bench.db" "$2" >/dev/null; } 2>&1 | tail -1)
	printf "%-40s %8s s %8s MB\n" "$1" "$(echo "$t" | cut -d' ' -f1)" "$(( $(echo "$t" | cut -d' ' -f2) / 1024 ))"
}
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GB; $(go version | cut -d' ' -f3); $(hledger --version | head -1)"
ls -l "$out"/activity_* | awk '{printf "%-40s %6.1f MB\n", $9, $5/1048576}'
for i in 1 2 3; do
	timed_import "tally import 100k CSV (run $i)" "$out/activity_100k.csv"
	timed_import "tally import 1M CSV (run $i)" "$out/activity_1m.csv"
	timed_import "tally import 100k XLSX (run $i)" "$out/activity_100k.xlsx"
done
# hledger's own time moves by a third from one run to the next on this VM:
# it is timed three times, each beside a tally import of the same file.
for i in 1 2 3; do
	t=$( { /usr/bin/time -f "%e %M" hledger -f "$out/activity_100k.csv" --rules-file bench/stripe.rules print >/dev/null; } 2>&1 | tail -1)
	printf "%-40s %8s s %8s MB\n" "hledger print 100k CSV (run $i)" "$(echo "$t" | cut -d' ' -f1)" "$(( $(echo "$t" | cut -d' ' -f2) / 1024 ))"
	timed_import "tally import 100k CSV (beside it)" "$out/activity_100k.csv"
done
