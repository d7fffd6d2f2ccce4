# Helpers for the tests of `behind serve` (tests/e2e/serve_*.sh and
# browser.sh), sourced after tests/lib.sh: start a server on a free
# loopback port (--port 0; the URL is read from its first line), fetch
# with curl, stop it and check that it exited cleanly.
# shellcheck shell=bash

SERVE_PID=""
SERVE_URL=""

# serve_start DB [ARGS...]: starts the server, sets SERVE_URL and SERVE_PID;
# skips the test when it cannot start.
serve_start() {
	local db=$1 log="$T/serve.$$.out"
	shift
	# emptied here, not only by the redirection below: that one happens in
	# the background child, and until it does the loop would read the URL
	# of the previous server of this test (same file), now stopped
	: >"$log"
	"$BEHIND" --db "$db" serve --port 0 "$@" >"$log" 2>"$T/serve.$$.err" &
	SERVE_PID=$!
	for _ in $(seq 1 100); do
		SERVE_URL=$(sed -n 's/^behind serve: \(http:[^ ]*\) .*/\1/p' "$log")
		[ -n "$SERVE_URL" ] && break
		if ! kill -0 "$SERVE_PID" 2>/dev/null; then break; fi
		sleep 0.1
	done
	if [ -z "$SERVE_URL" ]; then
		cat "$log" "$T/serve.$$.err" >&2
		fail "behind serve did not start"
		finish
	fi
	SERVE_OUT=$log
	trap 'serve_kill' EXIT
}

serve_kill() {
	if [ -n "$SERVE_PID" ]; then kill "$SERVE_PID" 2>/dev/null; fi
}

# serve_stop: SIGTERM, then the exit status must be 0 with no sanitizer report.
serve_stop() {
	local rc=0
	kill -TERM "$SERVE_PID"
	wait "$SERVE_PID" || rc=$?
	SERVE_PID=""
	assert_eq 0 "$rc" "behind serve exits 0 on SIGTERM"
	if grep -q -E 'ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer' "$T/serve.$$.err"; then
		fail "sanitizer report from behind serve"
		cat "$T/serve.$$.err" >&2
	fi
}

# get PATH [CURL-ARGS...]: body into $BODY (a file), status into $STATUS,
# headers into $HEADERS (a file).
BODY="$T/body.$$"
HEADERS="$T/headers.$$"
get() {
	local path=$1
	shift
	STATUS=$(curl -sS -g -o "$BODY" -D "$HEADERS" -w '%{http_code}' --max-time 20 "$@" "$SERVE_URL${path#/}")
}
