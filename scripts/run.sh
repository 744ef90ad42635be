#!/usr/bin/env bash
# Installs what Tally needs on Debian/Ubuntu, builds it and opens it.
# With no Stripe keys saved it starts in demo mode. Arguments go to tally.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
need_debs "${FYNE_DEBS[@]}"
need_go
echo "Building Tally (the first build of Fyne takes a few minutes) …"
go build -o tally .
export LANG="${LANG:-en_US.UTF-8}"
exec ./tally "$@"
