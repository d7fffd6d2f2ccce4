#!/usr/bin/env bash
# The response cache of `behind serve` (src/serve/cache.h) on the invented
# USAspending fixtures: a repeated read is a hit (X-Behind-Cache) with the
# very bytes of the first answer and of the CLI's --json; a commit by
# another process (an ingest, or a plain sqlite3 UPDATE) makes the next
# answer new and right; --cache 0 gives the same answers with no cache;
# errors are never cached.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
# shellcheck source=tests/serve_lib.sh
. "$ROOT/tests/serve_lib.sh"
command -v curl >/dev/null || skip "curl is not installed (scripts/install-deps.sh installs it)"

F="$FIXTURES/usaspending"
DB="$T/cache.db"
run "$BEHIND" --db "$DB" ingest "$F/txn_old_259col_dmy.csv" "$F/txn_current_iso.csv" "$F/awards_summary.csv"
assert_status 0 "$RC" "fixtures ingest"
xcache() { sed -n 's/^X-Behind-Cache: *\([a-z]*\).*/\1/ip' "$HEADERS"; }

serve_start "$DB"
# ---- a repeated read is a hit, byte for byte --------------------------------
get "/api/show?id=duns:012345678"
assert_eq 200 "$STATUS" "show"
assert_eq miss "$(xcache)" "first show is computed"
cp "$BODY" "$T/first.json"
get "/api/show?id=duns:012345678"
assert_eq hit "$(xcache)" "second show comes from the cache"
assert_eq "$(sha256sum <"$T/first.json")" "$(sha256sum <"$BODY")" "the hit is the same bytes"
"$BEHIND" --db "$DB" show duns:012345678 --json >"$T/cli.json"
assert_eq "$(sha256sum <"$T/cli.json")" "$(sha256sum <"$BODY")" "and the same bytes as the CLI's --json"
# parameters are part of the key
get "/api/search?q=acme&limit=1"
assert_eq miss "$(xcache)" "search limit=1"
assert_eq 1 "$(json_q "$BODY" "select json_array_length(j, '\$.entities') from doc")" "limit=1 answer"
get "/api/search?q=acme&limit=2"
assert_eq miss "$(xcache)" "search limit=2 is another request"
assert_eq 2 "$(json_q "$BODY" "select json_array_length(j, '\$.entities') from doc")" "limit=2 answer"
# errors are not kept
get "/api/show?id=duns:999999999"
assert_eq 404 "$STATUS" "unknown entity"
assert_eq "" "$(xcache)" "an error carries no cache header"
get "/api/show?id=duns:999999999"
assert_eq 404 "$STATUS" "unknown entity again: computed again"

# ---- another process writes: the next answer is new -------------------------
get "/api/who?agency=7012"
assert_eq 0 "$(json_q "$BODY" "select json_array_length(j, '\$.supply_chain.subcontracts') from doc")" "no subawards yet"
get "/api/who?agency=7012"
assert_eq hit "$(xcache)" "who cached"
run "$BEHIND" --db "$DB" ingest "$F/subawards.csv"
assert_status 0 "$RC" "ingest beside the server"
get "/api/who?agency=7012"
assert_eq miss "$(xcache)" "after the ingest, who is computed again"
assert_eq "$(q "$DB" "select count(distinct sub) from subaward")" \
	"$(json_q "$BODY" "select json_array_length(j, '\$.supply_chain.subcontracts') from doc")" \
	"the ingest's subawards are in the new answer"
# a write that is no ingest at all: the name of an entity, by sqlite3
get "/api/show?id=duns:012345678"
assert_eq miss "$(xcache)" "every answer is new after a commit, this one too"
get "/api/show?id=duns:012345678"
assert_eq hit "$(xcache)" "show cached again"
q "$DB" "update entity set name = 'ACME RENAMED FOR THE CACHE TEST' where id = 'duns:012345678'"
get "/api/show?id=duns:012345678"
assert_eq miss "$(xcache)" "after the UPDATE, show is computed again"
assert_eq "ACME RENAMED FOR THE CACHE TEST" "$(json_q "$BODY" "select json_extract(j, '\$.name') from doc")" \
	"the new name is served"
serve_stop

# ---- --cache 0: no cache, the same answers ---------------------------------
serve_start "$DB" --cache 0
get "/api/show?id=duns:012345678"
assert_eq "" "$(xcache)" "no cache header without a cache"
"$BEHIND" --db "$DB" show duns:012345678 --json >"$T/cli2.json"
assert_eq "$(sha256sum <"$T/cli2.json")" "$(sha256sum <"$BODY")" "uncached answer = CLI answer"
serve_stop

finish
