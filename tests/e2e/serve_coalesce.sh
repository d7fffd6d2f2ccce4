#!/usr/bin/env bash
# Identical requests in flight share one computation (src/serve/flight.h)
# on the invented USAspending fixtures, with no response cache (--cache 0)
# so that only coalescing can share: the leader of each request waits
# 1.5 s (BEHIND_SERVE_LEAD_DELAY_MS, a test hook) while 8 identical
# requests arrive; every one gets 200 and the very bytes of the CLI's
# --json, one computes it (no X-Behind-Cache header) and the others are
# served the leader's answer ("shared"). Two different requests
# never share; a failed leader (404) leaves its followers to compute alone
# (404 each, nothing shared); BEHIND_SERVE_COALESCE=0 turns it off; the
# server stops cleanly with followers waiting.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
# shellcheck source=tests/serve_lib.sh
. "$ROOT/tests/serve_lib.sh"
command -v curl >/dev/null || skip "curl is not installed (scripts/install-deps.sh installs it)"

F="$FIXTURES/usaspending"
DB="$T/co.db"
run "$BEHIND" --db "$DB" ingest "$F/txn_old_259col_dmy.csv" "$F/txn_current_iso.csv" "$F/awards_summary.csv"
assert_status 0 "$RC" "fixtures ingest"
"$BEHIND" --db "$DB" who --json 7012 >"$T/who.json"
"$BEHIND" --db "$DB" show --json duns:012345678 >"$T/show.json"

# burst N PATH TAG [LEAD]: N identical GETs; $T/TAG.I.{body,hdr,status}.
# LEAD=1: the first goes alone and the other N-1 together 0.4 s later, while
# it computes (its thread held by the delay hook: a connection that thread
# had already taken would wait behind it and compute after it, which is
# the server's thread model, not coalescing). Waits for the curls by pid:
# a bare `wait` would wait for the server.
burst() {
	local n=$1 path=$2 tag=$3 lead=${4:-0} i pids=()
	for i in $(seq 1 "$n"); do
		curl -sS -g -o "$T/$tag.$i.body" -D "$T/$tag.$i.hdr" -w '%{http_code}' --max-time 20 \
			"$SERVE_URL${path#/}" >"$T/$tag.$i.status" &
		pids+=($!)
		[ "$i" = 1 ] && [ "$lead" = 1 ] && sleep 0.4
	done
	wait "${pids[@]}"
}
# count TAG WHAT: how many answers of the burst carry X-Behind-Cache: WHAT
# ("" for none)
count() {
	local n=0 f v
	for f in "$T/$1".*.hdr; do
		v=$(sed -n 's/^X-Behind-Cache: *\([a-z]*\).*/\1/ip' "$f")
		[ "$v" = "$2" ] && n=$((n + 1))
	done
	echo "$n"
}
same_as() {
	local n=0 f want
	want=$(sha256sum <"$2")
	for f in "$T/$1".*.body; do
		[ "$(sha256sum <"$f")" = "$want" ] && n=$((n + 1))
	done
	echo "$n"
}
statuses() { for f in "$T/$1".*.status; do cat "$f"; echo; done | sort | uniq -c | awk '{printf "%s:%s ", $2, $1}'; }

BEHIND_SERVE_LEAD_DELAY_MS=1500 serve_start "$DB" --cache 0
burst 8 "/api/who?agency=7012" who 1
assert_eq "200:8 " "$(statuses who)" "8 identical who: all 200"
assert_eq 8 "$(same_as who "$T/who.json")" "all 8 are the CLI's bytes"
# (a curl that starts after the leader landed leads a flight of its own:
# allowed once, for a machine loaded enough to take 1.1 s to start 7 curls)
computed=$(count who "")
assert_eq 8 "$((computed + $(count who shared)))" "each computed or shared"
assert_eq 1 "$((computed >= 1 && computed <= 2))" "one computed it (two at most): $computed"

# two different requests at once: each computes its own
curl -sS -g -o "$T/a.body" -D "$T/a.hdr" --max-time 20 "${SERVE_URL}api/who?agency=7012" &
pa=$!
curl -sS -g -o "$T/b.body" -D "$T/b.hdr" --max-time 20 "${SERVE_URL}api/show?id=duns:012345678" &
wait $pa $!
assert_eq 0 "$(cat "$T/a.hdr" "$T/b.hdr" | grep -ci '^X-Behind-Cache')" "different requests share nothing"
assert_eq "$(sha256sum <"$T/who.json")" "$(sha256sum <"$T/a.body")" "who alone: CLI bytes"
assert_eq "$(sha256sum <"$T/show.json")" "$(sha256sum <"$T/b.body")" "show alone: CLI bytes"

# a failed leader: the followers compute alone and fail the same way
burst 4 "/api/show?id=duns:999999999" nf
assert_eq "404:4 " "$(statuses nf)" "unknown entity: 404 for all 4"
assert_eq 0 "$(count nf shared)" "an error is never shared"

# stopping with followers waiting: they are answered or closed, exit 0
pids=()
for i in 1 2 3; do
	curl -sS -g -o /dev/null --max-time 20 "${SERVE_URL}api/show?id=duns:012345678" 2>/dev/null &
	pids+=($!)
done
sleep 0.2
serve_stop
wait "${pids[@]}" || true

BEHIND_SERVE_COALESCE=0 BEHIND_SERVE_LEAD_DELAY_MS=1500 serve_start "$DB" --cache 0
burst 4 "/api/who?agency=7012" off
assert_eq "200:4 " "$(statuses off)" "coalescing off: all 200"
assert_eq 4 "$(same_as off "$T/who.json")" "coalescing off: CLI bytes"
assert_eq 0 "$(count off shared)" "coalescing off: nothing shared"
serve_stop

finish
