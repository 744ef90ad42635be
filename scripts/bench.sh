#!/usr/bin/env bash
# Times the real commands: generates synthetic Stripe exports (scripts/genstripe),
# then times `tally import` into a fresh database, and the bookkeeper's whole
# run (`tally import`, `tally reconcile`, `tally export --format hledger`)
# against hledger turning the same 100,000-line file into a journal, A/B
# alternating, the ratio taken run by run; then the whole run on 1,000,000
# lines. Wall time and peak memory of every step come from /usr/bin/time.
# BENCH_ONLY=whole skips the import-only part; BENCH_ONLY=postgres times only
# the 100,000-line import into SQLite and into a throw-away PostgreSQL
# server, alternating. Figures go to BENCHMARKS.md by hand.
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
if [ "${BENCH_ONLY:-}" = postgres ]; then
	trap stop_postgres EXIT
	start_postgres
	echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GB; $(go version | cut -d' ' -f3); $("$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/postgres" --version)"
	for i in 1 2 3; do
		timed_import "SQLite: tally import 100k CSV (run $i)" "$out/activity_100k.csv"
		psql "$TALLY_TEST_POSTGRES" -q -c "DROP DATABASE IF EXISTS bench" -c "CREATE DATABASE bench"
		t=$( { /usr/bin/time -f "%e %M" "$out/tally" import --db "${TALLY_TEST_POSTGRES/\/postgres?//bench?}" "$out/activity_100k.csv" >/dev/null; } 2>&1 | tail -1)
		printf "%-40s %8s s %8s MB\n" "PostgreSQL: tally import 100k CSV (run $i)" "$(echo "$t" | cut -d' ' -f1)" "$(( $(echo "$t" | cut -d' ' -f2) / 1024 ))"
	done
	exit 0
fi
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GB; $(go version | cut -d' ' -f3); $(hledger --version | head -1)"
ls -l "$out"/activity_* | awk '{printf "%-40s %6.1f MB\n", $9, $5/1048576}'
if [ "${BENCH_ONLY:-}" != whole ]; then
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
fi

# step LABEL COMMAND...: one step of a whole run; its seconds go to $secs,
# its peak to $peaks.
step() {
	local label=$1 t
	shift
	t=$( { /usr/bin/time -f "%e %M" "$@" >/dev/null; } 2>&1 | tail -1)
	printf "  %-28s %8s s %8s MB\n" "$label" "$(echo "$t" | cut -d' ' -f1)" "$(( $(echo "$t" | cut -d' ' -f2) / 1024 ))"
	secs="$secs $(echo "$t" | cut -d' ' -f1)"
	peaks="$peaks $(( $(echo "$t" | cut -d' ' -f2) / 1024 ))"
}
# whole FILE: import, book and export hledger into a fresh database; prints
# each step and sets $total.
whole() {
	rm -f "$out"/whole.*
	secs="" peaks=""
	step "import" "$out/tally" import --books live --db "$out/whole.db" "$1"
	step "reconcile" "$out/tally" reconcile --books live --db "$out/whole.db"
	step "export hledger" "$out/tally" export --books live --db "$out/whole.db" --format hledger --out "$out/whole.journal"
	total=$(echo "$secs" | awk '{s=0; for (i=1; i<=NF; i++) s+=$i; printf "%.2f", s}')
	printf "  %-28s %8s s, peak %s MB\n" "whole run" "$total" "$(echo "$peaks" | tr ' ' '\n' | sort -n | tail -1)"
}
echo "whole run, 100,000 lines, A/B with hledger:"
for i in 1 2 3; do
	echo " run $i: tally"
	whole "$out/activity_100k.csv"
	tally_s=$total
	t=$( { /usr/bin/time -f "%e %M" hledger -f "$out/activity_100k.csv" --rules-file bench/stripe.rules print >/dev/null; } 2>&1 | tail -1)
	h=$(echo "$t" | cut -d' ' -f1)
	printf " run %d: hledger print %8s s %8s MB; ratio %s×\n" "$i" "$h" "$(( $(echo "$t" | cut -d' ' -f2) / 1024 ))" "$(awk -v h="$h" -v t="$tally_s" 'BEGIN{printf "%.1f", h/t}')"
done
echo "whole run, 1,000,000 lines:"
whole "$out/activity_1m.csv"
