#!/usr/bin/env bash
# A stop of `behind serve` (SIGTERM) with queries in flight: those the stop
# interrupts, or that had not started computing, answer 503 with
# Retry-After (the request was fine; another server can answer it), never
# 500, and the server exits 0. A request whose client has gone (closed
# its connection) is not computed: the server logs it, 503. The requests
# are held in flight by the leader's delay (BEHIND_SERVE_LEAD_DELAY_MS, a
# test hook) on the invented USAspending fixtures; a request that lands
# before the stop answers the CLI's bytes.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
# shellcheck source=tests/serve_lib.sh
. "$ROOT/tests/serve_lib.sh"
command -v curl >/dev/null || skip "curl is not installed (scripts/install-deps.sh installs it)"

F="$FIXTURES/usaspending"
DB="$T/st.db"
run "$BEHIND" --db "$DB" ingest "$F/txn_old_259col_dmy.csv" "$F/txn_current_iso.csv" "$F/awards_summary.csv"
assert_status 0 "$RC" "fixtures ingest"
"$BEHIND" --db "$DB" show --json duns:012345678 >"$T/show.json"

BEHIND_SERVE_LEAD_DELAY_MS=3000 serve_start "$DB" --cache 0
# before the stop: held 3 s, then answered in full
get "/api/show?id=duns:012345678"
assert_eq 200 "$STATUS" "no stop: 200"
assert_eq "$(sha256sum <"$T/show.json")" "$(sha256sum <"$BODY")" "no stop: the CLI's bytes"

# a client that gives up (0.5 s) before its query starts (3 s): not
# computed, logged; the next request is answered in full
curl -sS -g -o /dev/null --max-time 0.5 "${SERVE_URL}api/who?agency=7012" 2>/dev/null
sleep 3
assert_eq 1 "$(grep -c 'GET /api/who: 503 the client closed the connection' "$T/serve.$$.err")" \
	"an abandoned request: not computed, logged"
get "/api/show?id=duns:012345678"
assert_eq 200 "$STATUS" "after it: 200"
assert_eq "$(sha256sum <"$T/show.json")" "$(sha256sum <"$BODY")" "after it: the CLI's bytes"

# three different requests held in flight, then SIGTERM (1.5 s into the
# 3 s: time for three curls to connect on a loaded machine)
paths=("api/show?id=duns:012345678" "api/who?agency=7012" "api/search?q=detention")
pids=()
for i in 0 1 2; do
	curl -sS -g -o "$T/s.$i.body" -D "$T/s.$i.hdr" -w '%{http_code}' --max-time 20 \
		"$SERVE_URL${paths[$i]}" >"$T/s.$i.status" &
	pids+=($!)
done
sleep 1.5
serve_stop
wait "${pids[@]}" || true
# Every one answers 503 with Retry-After and the reason: the stop lets the
# answers begun go out before it closes the connections (before it did,
# a handler that queued its 503 after the daemon began to shut down got
# no reply: curl's 000, seen in CI for the who request).
for i in 0 1 2; do
	assert_eq 503 "$(cat "$T/s.$i.status")" "in flight at the stop: ${paths[$i]}"
	assert_eq 1 "$(grep -ci '^Retry-After: [0-9]' "$T/s.$i.hdr")" "${paths[$i]}: Retry-After"
	assert_eq 1 "$(grep -c 'the server is stopping' "$T/s.$i.body")" "${paths[$i]}: says why"
done
finish
