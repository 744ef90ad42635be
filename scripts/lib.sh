# Shared helpers for Tally's scripts; source it, do not run it.

# as_root runs a command as root: directly when we are root, else with sudo.
as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# need_debs installs the Debian packages given that are not installed yet.
need_debs() {
	local missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if ! command -v apt-get >/dev/null; then
		echo "Please install these packages with your system's package manager: ${missing[*]}" >&2
		return 1
	fi
	echo "Installing ${missing[*]} …"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
}

# Debian packages for Fyne's cgo build (OpenGL, X11, Wayland headers).
FYNE_DEBS=(gcc libc6-dev pkg-config libgl1-mesa-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev libwayland-dev libxkbcommon-dev)

# need_go makes sure a Go toolchain is there; go.mod then fetches the exact
# version it names through the module proxy (GOTOOLCHAIN=auto).
need_go() {
	if ! command -v go >/dev/null; then
		[ -x /usr/local/go/bin/go ] && export PATH="/usr/local/go/bin:$PATH"
	fi
	if ! command -v go >/dev/null; then
		need_debs golang-go ca-certificates git
	fi
	local v
	v=$(go env GOVERSION 2>/dev/null | sed 's/^go//')
	case "$v" in
	1.1[0-9]* | 1.20*)
		echo "Go $v is too old to fetch the Go version Tally needs. Install Go 1.26 from https://go.dev/dl/ and run this again." >&2
		return 1
		;;
	esac
	export PATH="$(go env GOPATH)/bin:$PATH"
}

# free_port prints a TCP port on 127.0.0.1 that nothing listens on.
free_port() {
	local p
	for _ in $(seq 1 200); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	echo "no free port found" >&2
	return 1
}

# wait_port waits up to 30 s for something to listen on 127.0.0.1:$1.
wait_port() {
	for _ in $(seq 1 300); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.1
	done
	echo "nothing is listening on port $1" >&2
	return 1
}

STRIPE_MOCK_VERSION=v0.203.0

# start_stripe_mock installs stripe-mock if needed, starts it on free loopback
# ports and exports STRIPE_MOCK_URL and STRIPE_MOCK_PID.
start_stripe_mock() {
	local bin
	bin=$(command -v stripe-mock || true)
	if [ -z "$bin" ] || ! go version -m "$bin" 2>/dev/null | grep -q "mod[[:space:]]*github.com/stripe/stripe-mock[[:space:]]*$STRIPE_MOCK_VERSION"; then
		echo "Installing stripe-mock $STRIPE_MOCK_VERSION …"
		go install "github.com/stripe/stripe-mock@$STRIPE_MOCK_VERSION"
	fi
	local http https
	http=$(free_port)
	https=$(free_port)
	while [ "$https" = "$http" ]; do https=$(free_port); done
	stripe-mock -http-addr "127.0.0.1:$http" -https-addr "127.0.0.1:$https" >"${TMPDIR:-/tmp}/stripe-mock.$$.log" 2>&1 &
	STRIPE_MOCK_PID=$!
	wait_port "$http"
	export STRIPE_MOCK_URL="http://127.0.0.1:$http" STRIPE_MOCK_PID
}

# start_xvfb starts a virtual X display and exports DISPLAY and XVFB_PID.
start_xvfb() {
	local n
	for n in $(seq 90 140); do
		[ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ] || break
	done
	Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
	XVFB_PID=$!
	for _ in $(seq 1 100); do
		[ -e "/tmp/.X11-unix/X$n" ] && break
		sleep 0.1
	done
	export DISPLAY=":$n" XVFB_PID
}

# start_postgres starts a throw-away PostgreSQL cluster (Debian's
# postgresql package) in a temporary folder, on a free loopback port, and
# exports TALLY_TEST_POSTGRES (a URL for its "postgres" database, in which
# the tests create databases of their own), PG_DIR and PG_PID. PostgreSQL
# refuses to run as root: as root the cluster runs as the postgres user.
start_postgres() {
	need_debs postgresql
	local bin port run
	bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
	[ -x "$bin/initdb" ] || { echo "PostgreSQL's initdb is not in /usr/lib/postgresql" >&2; return 1; }
	PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tally-pg.XXXXXX")
	run=()
	if [ "$(id -u)" = 0 ]; then
		chown postgres "$PG_DIR"
		run=(runuser -u postgres --)
	fi
	"${run[@]}" "$bin/initdb" -D "$PG_DIR/data" -U tally --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 ||
		{ cat "$PG_DIR/initdb.log" >&2; return 1; }
	port=$(free_port)
	"${run[@]}" "$bin/postgres" -D "$PG_DIR/data" -c listen_addresses=127.0.0.1 -p "$port" -k "$PG_DIR" \
		-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 >"$PG_DIR/postgres.log" 2>&1 &
	PG_PID=$!
	wait_port "$port" || { cat "$PG_DIR/postgres.log" >&2; return 1; }
	export TALLY_TEST_POSTGRES="postgres://tally@127.0.0.1:$port/postgres?sslmode=disable" PG_DIR PG_PID
}

# stop_postgres stops the cluster start_postgres started and removes it.
stop_postgres() {
	[ -n "${PG_PID:-}" ] || return 0
	kill "$PG_PID" 2>/dev/null || true
	for _ in $(seq 1 100); do
		kill -0 "$PG_PID" 2>/dev/null || break
		sleep 0.1
	done
	rm -rf "$PG_DIR"
}
