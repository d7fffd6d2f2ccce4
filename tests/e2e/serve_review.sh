#!/usr/bin/env bash
# End to end of the review side of `behind serve` on an invented company
# list (tests/fixtures/review): the queue holds what `behind resolve` kept
# in resolve_review (read again by sqlite3), each pair with the reasons
# `behind explain --json` gives; /api/explain and /api/judgments answer
# byte for byte as the CLI; POST /api/judge records a judgment that the
# CLI, the store and the next resolve all see; and the write rules hold
# (--write only, JSON body, the start-up token, no foreign Origin, signed,
# bounded), with readers answering while judgments are written.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
# shellcheck source=tests/serve_lib.sh
. "$ROOT/tests/serve_lib.sh"
command -v curl >/dev/null || skip "curl is not installed (scripts/install-deps.sh installs it)"

F="$FIXTURES/review"
DB="$T/rv.db"
run "$BEHIND" --db "$DB" ingest --mapping "$F/companies.yaml" "$F/companies.csv"
assert_status 0 "$RC" "fixture ingest"

# ---- before resolve: no queue yet -------------------------------------------
serve_start "$DB"
get "/api/review"
assert_eq 200 "$STATUS" "review before any resolve"
assert_eq "0|0" "$(json_q "$BODY" "select json_extract(j, '\$.pending') || '|' || json_array_length(j, '\$.pairs') from doc")" "no pairs before resolve"
assert_contains "$BODY" "behind resolve" "the queue says what to run"
assert_eq 0 "$(q "$DB" "select count(*) from resolve_review")" "(the store agrees)"
serve_stop

run "$BEHIND" --db "$DB" resolve --json
assert_status 0 "$RC" "resolve"
cp "$OUT" "$T/resolve.json"
npairs=$(q "$DB" "select count(*) from resolve_review")
assert_eq "$npairs" "$(json_q "$T/resolve.json" "select j->>'review' from doc")" "resolve reports the pairs it kept"
assert_ne 0 "$npairs" "the look-alike names leave pairs to review"

# ---- a read-only server: the queue, explain, judgments -----------------------
serve_start "$DB"
get /api/
for p in /api/session /api/judgments /api/explain /api/review /api/judge; do
	assert_eq 1 "$(json_q "$BODY" "select count(*) from doc, json_each(j, '\$.routes') r where json_extract(r.value, '\$.path') = '$p'")" "route $p listed"
	grep -q "^## [A-Z]* $p\$" "$ROOT/docs/api.md" || fail "docs/api.md has no section for $p"
done
get "/api/session"
assert_eq "0||0" "$(json_q "$BODY" "select json_extract(j, '\$.write') || '|' || coalesce(json_extract(j, '\$.token'), '') || '|' || json_extract(j, '\$.token_needed') from doc")" "read-only session: no token"
get "/api/review?limit=200"
assert_eq 200 "$STATUS" "review status"
assert_eq "$npairs" "$(json_q "$BODY" "select j->>'pending' from doc")" "pending = the rows of resolve_review"
# the order and the figures, from the store by sqlite3
want=$(q "$DB" "select group_concat(x, char(10)) from (select ea.id || '/' || eb.id || '/' || printf('%.6f', v.prob) || '/' || v.outcome x
  from resolve_review v join entity ea on ea.rid = v.a join entity eb on eb.rid = v.b order by abs(v.weight), v.a, v.b)")
got=$(json_q "$BODY" "select group_concat(x, char(10)) from (select json_extract(p.value, '\$.a.id') || '/' || json_extract(p.value, '\$.b.id') || '/' ||
  printf('%.6f', json_extract(p.value, '\$.probability')) || '/' || json_extract(p.value, '\$.outcome') x from doc, json_each(j, '\$.pairs') p order by p.key)")
assert_eq "$want" "$got" "pairs, order, probabilities and outcomes as the store holds them"
# united pairs are one cluster now
assert_eq 0 "$(json_q "$BODY" "select count(*) from doc, json_each(j, '\$.pairs') p where json_extract(p.value, '\$.outcome') = 'united' and json_extract(p.value, '\$.one_now') = 0")" "united pairs are one now"
get "/api/review?limit=2&offset=1"
assert_eq "2" "$(json_q "$BODY" "select json_array_length(j, '\$.pairs') from doc")" "limit"
assert_eq "$(printf '%s\n' "$got" | sed -n 2p | cut -d/ -f1)" \
	"$(json_q "$BODY" "select json_extract(j, '\$.pairs[0].a.id') from doc")" "offset 1 starts at the second pair"
get "/api/review?outcome=sideways"
assert_eq 400 "$STATUS" "unknown outcome"
get "/api/review?limit=0"
assert_eq 400 "$STATUS" "limit 0"

# every pair's reasons are explain's: total and probability as the CLI says
get "/api/review?limit=200"
cp "$BODY" "$T/review.json"
n=0
while IFS='|' read -r a b total prob; do
	"$BEHIND" --db "$DB" explain --json "$a" "$b" >"$T/explain.json"
	assert_eq "$(json_q "$T/explain.json" "select printf('%.3f|%.6f', j->>'total', j->>'probability') from doc")" \
		"$(printf '%.3f|%.6f' "$total" "$prob")" "reasons of $a / $b = behind explain"
	n=$((n + 1))
done < <(json_q "$T/review.json" "select json_extract(p.value, '\$.a.id') || '|' || json_extract(p.value, '\$.b.id') || '|' ||
  json_extract(p.value, '\$.reasons.total') || '|' || json_extract(p.value, '\$.reasons.probability') from doc, json_each(j, '\$.pairs') p")
assert_eq "$npairs" "$n" "every pair checked against explain"

A=$(json_q "$T/review.json" "select json_extract(j, '\$.pairs[0].a.id') from doc")
B=$(json_q "$T/review.json" "select json_extract(j, '\$.pairs[0].b.id') from doc")
get "/api/explain" --get --data-urlencode "a=$A" --data-urlencode "b=$B"
assert_eq 200 "$STATUS" "explain status"
"$BEHIND" --db "$DB" explain --json "$A" "$B" >"$T/explain.cli"
cmp -s "$BODY" "$T/explain.cli" || fail "GET /api/explain differs from behind explain --json"
get "/api/explain?a=name:NOPE&b=name:NADA"
assert_eq 404 "$STATUS" "explain: unknown entity"
get "/api/explain?a=x"
assert_eq 400 "$STATUS" "explain: b is required"
get "/api/judgments"
"$BEHIND" --db "$DB" judgments --json >"$T/judgments.cli"
cmp -s "$BODY" "$T/judgments.cli" || fail "GET /api/judgments differs from behind judgments --json (none yet)"
# a read-only server takes no judgment
get "/api/judge" -X POST -H "Content-Type: application/json" --data "{\"decision\":\"merge\",\"a\":\"$A\",\"b\":\"$B\",\"who\":\"t\"}"
assert_eq 403 "$STATUS" "no judgment without --write"
serve_stop

# ---- --write on loopback: the page's token, the checks, the write --------
serve_start "$DB" --write
tok=$(sed -n 's/^behind serve: token for write requests: //p' "$SERVE_OUT")
assert_eq 64 "${#tok}" "a token is printed with --write"
get "/api/session"
assert_eq "1|$tok|0" "$(json_q "$BODY" "select json_extract(j, '\$.write') || '|' || json_extract(j, '\$.token') || '|' || json_extract(j, '\$.token_needed') from doc")" "the loopback page gets the printed token"

body="{\"decision\":\"split\",\"a\":\"$A\",\"b\":\"$B\",\"who\":\"e2e tester\",\"why\":\"two companies: \\\"look-alike\\\" names\"}"
judge() { get "/api/judge" -X POST -H "Content-Type: application/json" "$@"; }
judge --data "$body"
assert_eq 401 "$STATUS" "no token: 401"
# The wrong token differs from the printed one in its last character
# (whatever that character is).
case $tok in *0) badtok="${tok%?}1" ;; *) badtok="${tok%?}0" ;; esac
judge -H "X-Behind-Token: $badtok" --data "$body"
assert_eq 401 "$STATUS" "a wrong token: 401"
judge -H "X-Behind-Token: $tok" -H "Origin: http://evil.example" --data "$body"
assert_eq 403 "$STATUS" "a foreign Origin: 403"
judge -H "X-Behind-Token: $tok" -H "Sec-Fetch-Site: cross-site" --data "$body"
assert_eq 403 "$STATUS" "Sec-Fetch-Site cross-site: 403"
get "/api/judge" -X POST -H "Content-Type: text/plain" -H "X-Behind-Token: $tok" --data "$body"
assert_eq 415 "$STATUS" "a form post (text/plain): 415"
judge -H "X-Behind-Token: $tok" --data "not json"
assert_eq 400 "$STATUS" "a body that is not JSON"
judge -H "X-Behind-Token: $tok" --data "[1,2]"
assert_eq 400 "$STATUS" "a JSON array"
judge -H "X-Behind-Token: $tok" --data "{\"decision\":\"maybe\",\"a\":\"$A\",\"b\":\"$B\",\"who\":\"t\"}"
assert_eq 400 "$STATUS" "an unknown decision"
judge -H "X-Behind-Token: $tok" --data "{\"decision\":\"merge\",\"a\":\"$A\",\"b\":\"$B\"}"
assert_eq 400 "$STATUS" "an unsigned judgment"
judge -H "X-Behind-Token: $tok" --data "{\"decision\":\"merge\",\"a\":\"$A\",\"b\":7,\"who\":\"t\"}"
assert_eq 400 "$STATUS" "b must be a string"
judge -H "X-Behind-Token: $tok" --data "{\"decision\":\"merge\",\"a\":\"$A\",\"b\":\"name:NO SUCH\",\"who\":\"t\"}"
assert_eq 404 "$STATUS" "an unknown entity"
judge -H "X-Behind-Token: $tok" --data "{\"decision\":\"merge\",\"a\":\"$A\",\"b\":\"$A\",\"who\":\"t\"}"
assert_eq 400 "$STATUS" "an entity with itself"
judge -H "X-Behind-Token: $tok" --data "{\"decision\":\"merge\",\"a\":\"$A\",\"b\":\"$B\",\"who\":\"$(head -c 101 /dev/zero | tr '\0' w)\"}"
assert_eq 400 "$STATUS" "who longer than 100 bytes"
judge -H "X-Behind-Token: $tok" --data "{\"pad\":\"$(head -c 70000 /dev/zero | tr '\0' p)\"}"
assert_eq 413 "$STATUS" "a body over 64 kB"
assert_eq 0 "$(q "$DB" "select count(*) from judgment")" "nothing refused was written"

judge -H "X-Behind-Token: $tok" -H "Origin: ${SERVE_URL%/}" -H "Sec-Fetch-Site: same-origin" --data "$body"
assert_eq 200 "$STATUS" "the judgment is recorded"
cp "$BODY" "$T/judge.json"
assert_eq "split|e2e tester|two companies: \"look-alike\" names" \
	"$(json_q "$T/judge.json" "select json_extract(j, '\$.recorded.decision') || '|' || json_extract(j, '\$.recorded.who') || '|' || json_extract(j, '\$.recorded.why') from doc")" "the answer echoes the judgment"
# the store (sqlite3), the CLI and the API all see it
lo=$(printf '%s\n%s\n' "$A" "$B" | LC_ALL=C sort | head -1)
hi=$(printf '%s\n%s\n' "$A" "$B" | LC_ALL=C sort | tail -1)
assert_eq "$lo|$hi|split|e2e tester|two companies: \"look-alike\" names" \
	"$(q "$DB" "select a || '|' || b || '|' || decision || '|' || who || '|' || why from judgment")" "the judgment row in the store"
assert_eq "$(q "$DB" "select rid from judgment")" "$(json_q "$T/judge.json" "select json_extract(j, '\$.recorded.id') from doc")" "its id"
"$BEHIND" --db "$DB" judgments --json >"$T/judgments.cli"
assert_eq "split|$lo|$hi|e2e tester" "$(json_q "$T/judgments.cli" "select json_extract(j, '\$[0].decision') || '|' || json_extract(j, '\$[0].a') || '|' || json_extract(j, '\$[0].b') || '|' || json_extract(j, '\$[0].who') from doc")" "behind judgments lists it"
get "/api/judgments"
cmp -s "$BODY" "$T/judgments.cli" || fail "GET /api/judgments differs from behind judgments --json"
get "/api/review?limit=200"
assert_eq "$((npairs - 1))" "$(json_q "$BODY" "select j->>'pending' from doc")" "the judged pair left the queue"
assert_eq 0 "$(json_q "$BODY" "select count(*) from doc, json_each(j, '\$.pairs') p where json_extract(p.value, '\$.a.id') = '$A' and json_extract(p.value, '\$.b.id') = '$B'")" "and is not listed"

# readers answer while judgments are written (its own connection, WAL)
C=$(json_q "$T/review.json" "select json_extract(j, '\$.pairs[1].a.id') from doc")
D=$(json_q "$T/review.json" "select json_extract(j, '\$.pairs[1].b.id') from doc")
writers=()
for i in $(seq 1 10); do
	curl -s -o /dev/null -X POST -H "Content-Type: application/json" -H "X-Behind-Token: $tok" \
		--data "{\"decision\":\"unsure\",\"a\":\"$C\",\"b\":\"$D\",\"who\":\"w$i\"}" "${SERVE_URL}api/judge" &
	writers+=($!)
done
par=$(for _ in $(seq 1 20); do curl -s -o /dev/null -w '%{http_code}\n' "${SERVE_URL}api/review?limit=5" & done; wait)
wait "${writers[@]}"
assert_eq 20 "$(printf '%s\n' "$par" | grep -c '^200$')" "20 readers answered while 10 judgments were written"
assert_eq 10 "$(q "$DB" "select count(*) from judgment where decision = 'unsure'")" "all 10 judgments landed"
serve_stop

# the next resolve applies the split
run "$BEHIND" --db "$DB" resolve
assert_status 0 "$RC" "resolve after the judgment"
assert_eq 0 "$(q "$DB" "select (select coalesce((select canon from cluster where entity = rid), rid) from entity where id = '$A')
  = (select coalesce((select canon from cluster where entity = rid), rid) from entity where id = '$B')")" "the split parts the pair"

# ---- --listen (127.0.0.2 stands in for a network address): no token for the page
serve_start "$DB" --listen 127.0.0.2 --write
tok=$(sed -n 's/^behind serve: token for write requests: //p' "$SERVE_OUT")
get "/api/session"
assert_eq "1||1" "$(json_q "$BODY" "select json_extract(j, '\$.write') || '|' || coalesce(json_extract(j, '\$.token'), '') || '|' || json_extract(j, '\$.token_needed') from doc")" "no token handed out; the page must ask"
judge --data "{\"decision\":\"merge\",\"a\":\"$A\",\"b\":\"$B\",\"who\":\"t\"}"
assert_eq 401 "$STATUS" "beyond loopback: no token, no write"
judge -H "X-Behind-Token: $tok" --data "{\"decision\":\"merge\",\"a\":\"$A\",\"b\":\"$B\",\"who\":\"t\"}"
assert_eq 200 "$STATUS" "beyond loopback: the printed token writes"
serve_stop
finish
