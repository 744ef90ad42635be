# Wine for Tally's Windows tests; source it (after lib.sh), do not run it.
#
# Debian's Wine 8.0 runs the Windows program and the Windows test binaries,
# with two gaps that these helpers close:
# - Go's runtime (since 1.22) loads ProcessPrng from bcryptprimitives.dll,
#   which Wine 8.0 lacks: our own stand-in (windows/prng), built here with
#   mingw-w64, goes into the prefix's system32, and WINEDLLOVERRIDES makes
#   Wine load it.
# - Go 1.26's os.RemoveAll deletes with FileDispositionInformationEx, which
#   Wine 8.0 answers with STATUS_NOT_IMPLEMENTED, a status Go does not fall
#   back on (it does for the three Windows answers of the same meaning).
#   Tally never calls RemoveAll, but every test's t.TempDir cleanup does:
#   the test binaries are built with an overlay of Go's own file that adds
#   that status to the fallback. The shipped Tally.exe is built without it.

WINE=/usr/lib/wine/wine64

# need_wine installs Wine and mingw-w64, makes a fresh prefix with the
# stand-in DLL in a temporary folder, and exports WINEPREFIX,
# WINEDLLOVERRIDES, WINEDEBUG and WINE_OVERLAY (the go build -overlay file).
need_wine() {
	need_debs wine64 gcc-mingw-w64-x86-64
	[ -x "$WINE" ] || { echo "Wine's wine64 is not at $WINE" >&2; return 1; }
	WINE_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tally-wine.XXXXXX")
	export WINEPREFIX="$WINE_DIR/prefix" WINEDEBUG=-all
	# No Mono or Gecko: Tally needs neither, and their installers would ask.
	export WINEDLLOVERRIDES="mscoree,mshtml=;bcryptprimitives=n"
	x86_64-w64-mingw32-gcc -O2 -shared -o "$WINE_DIR/bcryptprimitives.dll" \
		windows/prng/bcryptprimitives.c windows/prng/bcryptprimitives.def -ladvapi32
	"$WINE" wineboot -i >"$WINE_DIR/wineboot.log" 2>&1 || { cat "$WINE_DIR/wineboot.log" >&2; return 1; }
	/usr/lib/wine/wineserver -w 2>/dev/null || true
	cp "$WINE_DIR/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"
	local goroot src
	goroot=$(go env GOROOT)
	src="$goroot/src/internal/syscall/windows/at_windows.go"
	grep -q 'case STATUS_INVALID_INFO_CLASS,' "$src" || { echo "$src changed: see scripts/wine.sh" >&2; return 1; }
	sed 's|^\tcase STATUS_INVALID_INFO_CLASS,\(.*\)$|\tcase STATUS_INVALID_INFO_CLASS,\1\n\t\tNTStatus(0xC0000002), // STATUS_NOT_IMPLEMENTED: Wine 8.0 (Tally'"'"'s scripts/wine.sh)|' \
		"$src" >"$WINE_DIR/at_windows.go"
	printf '{"Replace":{"%s":"%s"}}\n' "$src" "$WINE_DIR/at_windows.go" >"$WINE_DIR/overlay.json"
	export WINE_OVERLAY="$WINE_DIR/overlay.json"
}

# stop_wine ends the prefix's Wine processes and removes it.
stop_wine() {
	[ -n "${WINE_DIR:-}" ] || return 0
	WINEPREFIX="$WINE_DIR/prefix" /usr/lib/wine/wineserver -k 2>/dev/null || true
	rm -rf "$WINE_DIR"
}
