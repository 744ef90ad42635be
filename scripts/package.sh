#!/usr/bin/env bash
# Builds Tally's packages into dist/:
#   scripts/package.sh linux              Tally.tar.xz (fyne package -os linux)
#   scripts/package.sh windows            Tally.exe for windows/amd64, cross-built with
#                                         Debian's mingw-w64, with its icon and version
#   scripts/package.sh windows-installer  the above in a setup program (NSIS's makensis)
#   scripts/package.sh darwin             Tally.app (on a Mac, with Xcode's command line tools)
#   scripts/package.sh all                linux and windows
# The package's name, id, version, build and icon come from FyneApp.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
FYNE_TOOLS=fyne.io/tools/cmd/fyne@v1.7.4

need_fyne() {
	need_go
	command -v fyne >/dev/null && fyne version 2>/dev/null | grep "cli version: v1.7.4" >/dev/null && return 0
	echo "Installing $FYNE_TOOLS …"
	go install "$FYNE_TOOLS"
}

# fyne package writes a bumped build number into FyneApp.toml; the
# package keeps the number the file had, and the file is left as it was.
fyne_package() {
	local saved
	saved=$(mktemp)
	cp FyneApp.toml "$saved"
	local build
	build=$(sed -n 's/^Build *= *//p' FyneApp.toml)
	local rc=0
	fyne package --release --app-build "$build" "$@" || rc=$?
	cp "$saved" FyneApp.toml
	rm -f "$saved"
	return $rc
}

# check_pe FILE fails unless FILE is a 64-bit Windows (PE32+, x86-64) program
# carrying a resource section (the icon and version information).
check_pe() {
	local f=$1
	[ "$(head -c 2 "$f")" = "MZ" ] || { echo "$f: not a Windows program (no MZ header)" >&2; return 1; }
	local off
	off=$(od -An -tu4 -j 60 -N 4 "$f" | tr -d ' ')
	[ "$(dd if="$f" bs=1 skip="$off" count=4 2>/dev/null | od -An -tx1 | tr -d ' \n')" = "50450000" ] ||
		{ echo "$f: no PE signature at offset $off" >&2; return 1; }
	[ "$(od -An -tx2 -j $((off + 4)) -N 2 "$f" | tr -d ' ')" = "8664" ] ||
		{ echo "$f: not an x86-64 program" >&2; return 1; }
	if command -v x86_64-w64-mingw32-objdump >/dev/null; then
		x86_64-w64-mingw32-objdump -h "$f" | grep -q '\.rsrc' || { echo "$f: no resources (icon, version)" >&2; return 1; }
	fi
	echo "$f: PE32+ x86-64 Windows program with resources, $(($(stat -c %s "$f") / 1048576)) MB"
}

linux() {
	need_debs "${FYNE_DEBS[@]}"
	need_fyne
	fyne_package -os linux
	mkdir -p dist
	mv Tally.tar.xz dist/
	tar -tJf dist/Tally.tar.xz | grep -q 'usr/local/bin/tally\|bin/Tally\|bin/tally' ||
		{ echo "dist/Tally.tar.xz holds no program" >&2; return 1; }
	echo "dist/Tally.tar.xz: $(tar -tJf dist/Tally.tar.xz | wc -l) files"
}

windows() {
	need_debs "${FYNE_DEBS[@]}" gcc-mingw-w64-x86-64
	need_fyne
	CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc fyne_package -os windows
	mkdir -p dist
	mv Tally.exe dist/Tally.exe
	check_pe dist/Tally.exe
}

windows_installer() {
	[ -f dist/Tally.exe ] || windows
	need_debs nsis
	local v
	v=$(sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)
	makensis -V2 -DVERSION="$v" -DSRC="$PWD/dist/Tally.exe" -DOUT="$PWD/dist/Tally-$v-setup.exe" scripts/tally.nsi
	[ "$(head -c 2 "dist/Tally-$v-setup.exe")" = "MZ" ] || { echo "the setup program is not a Windows program" >&2; return 1; }
	echo "dist/Tally-$v-setup.exe: $(($(stat -c %s "dist/Tally-$v-setup.exe") / 1048576)) MB"
}

darwin() {
	if [ "$(uname)" != Darwin ]; then
		echo "The macOS app is built on a Mac: there, run scripts/package.sh darwin (Go 1.26 and Xcode's command line tools needed)." >&2
		return 1
	fi
	need_fyne
	fyne_package -os darwin
	mkdir -p dist
	rm -rf dist/Tally.app
	mv Tally.app dist/
	echo "dist/Tally.app"
}

case "${1:-}" in
linux) linux ;;
windows) windows ;;
windows-installer) windows_installer ;;
darwin) darwin ;;
all) linux && windows ;;
*)
	sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
	;;
esac
