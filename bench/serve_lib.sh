# Shared by the bench/serve_*.sh scripts: start `behind serve` on a free
# loopback port and stop it. Sourced; needs BEHIND.
# shellcheck shell=bash

pid=
url=

# serve_up DB LOG [SERVE-ARGS...]: starts the server in the background;
# sets pid and url (with its trailing slash); exits 2 if it does not start.
serve_up() {
	local db=$1 log=$2
	shift 2
	"$BEHIND" --db "$db" serve --port 0 "$@" >"$log" 2>&1 &
	pid=$!
	url=
	for _ in $(seq 1 100); do
		url=$(sed -n 's/^behind serve: \(http:[^ ]*\) .*/\1/p' "$log")
		[ -n "$url" ] && break
		sleep 0.1
	done
	[ -n "$url" ] || { cat "$log" >&2; exit 2; }
}

# serve_down: stops the server started by serve_up, if any.
serve_down() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	pid=
}
