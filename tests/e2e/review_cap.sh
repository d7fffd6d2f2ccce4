#!/usr/bin/env bash
# The review queue keeps only the most uncertain pairs (REVIEW_MAX in
# src/resolve/rstoreInt.h, lowered here by $BEHIND_REVIEW_MAX): a capped
# resolve keeps exactly the first K rows of the uncapped queue in the
# Review page's order (smallest |weight| first, then the entities), says
# how many it left out, and an incremental resolve keeps the same cap
# over the old queue and its new pairs (the K most uncertain of their
# union, which the uncapped store, cut by sqlite3, gives independently).
# resolve_pair, cluster and resolve_tf are written in key order now: the
# same rows as before, checked against an uncapped run's tables.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

F="$FIXTURES/review"
K=3
ORDER="select a || ' ' || b || ' ' || printf('%.9f', weight) || ' ' || outcome from resolve_review order by abs(weight), a, b"

run "$BEHIND" --db "$T/all.db" ingest --no-progress --mapping "$F/companies.yaml" "$F/companies.csv"
assert_status 0 "$RC" "fixture ingest"
cp "$T/all.db" "$T/cap.db"

run "$BEHIND" --db "$T/all.db" resolve --json
assert_status 0 "$RC" "uncapped resolve"
cp "$OUT" "$T/all.json"
n=$(q "$T/all.db" "select count(*) from resolve_review")
[ "$n" -gt "$K" ] || fail "the fixture leaves $n pairs to review: the test needs more than $K"
assert_eq "$n|0" "$(json_q "$T/all.json" "select (j->>'review') || '|' || (j->>'review_left') from doc")" "uncapped: every pair kept, none left"

BEHIND_REVIEW_MAX=$K run "$BEHIND" --db "$T/cap.db" resolve --json
assert_status 0 "$RC" "capped resolve"
cp "$OUT" "$T/cap.json"
assert_eq "$K|$((n - K))" "$(json_q "$T/cap.json" "select (j->>'review') || '|' || (j->>'review_left') from doc")" "capped: K kept, the rest counted"
assert_eq "$(q "$T/all.db" "$ORDER limit $K")" "$(q "$T/cap.db" "$ORDER")" "the kept pairs are the K most uncertain of the whole queue"
for t in "cluster order by 1, 2" "resolve_pair order by 1, 2" "resolve_tf order by 1, 2, 3" "resolve_model order by 1, 2"; do
	assert_eq "$(q "$T/all.db" "select * from $t")" "$(q "$T/cap.db" "select * from $t")" "the cap changes nothing but the queue: ${t%% *}"
done

BEHIND_REVIEW_MAX=$K run "$BEHIND" --db "$T/cap.db" resolve
assert_contains "$(cat "$OUT")" "$((n - K)) less uncertain pairs not kept" "the text report says what it left out"

# ---- incremental: new look-alikes in another town ------------------------------
{
	echo "company,city,state,zip"
	sed -n '2,60p' "$F/companies.csv" | awk -F, 'NR % 2 == 1 && $0 !~ /"/ { print $1 " HOLDINGS,TULSA,OK,74101" }'
} >"$T/more.csv"
for d in all cap; do
	run "$BEHIND" --db "$T/$d.db" ingest --no-progress --mapping "$F/companies.yaml" "$T/more.csv"
	assert_status 0 "$RC" "second ingest ($d)"
done
run "$BEHIND" --db "$T/all.db" resolve --json
assert_eq incremental "$(json_q "$OUT" "select j->>'mode' from doc")" "the second resolve is incremental"
n2=$(q "$T/all.db" "select count(*) from resolve_review")
[ "$n2" -gt "$n" ] || fail "the new look-alikes add no review pairs ($n -> $n2): the test checks nothing"
BEHIND_REVIEW_MAX=$K run "$BEHIND" --db "$T/cap.db" resolve --json
assert_status 0 "$RC" "capped incremental resolve"
assert_eq "$K" "$(q "$T/cap.db" "select count(*) from resolve_review")" "the incremental run keeps the cap"
assert_eq "$K" "$(json_q "$OUT" "select j->>'review' from doc")" "the incremental report counts the queue, not only its new pairs"
assert_eq "$(q "$T/all.db" "$ORDER limit $K")" "$(q "$T/cap.db" "$ORDER")" "the K most uncertain of the old queue and the new pairs"

finish
