#!/usr/bin/env bash
# End to end: `behind resolve`, `judge`, `judgments` and `explain` on the
# real USAspending files, checked with plain SQL through the sqlite3 CLI:
# every two organizations that share a DUNS or UEI statement end in one
# cluster, no cluster holds two different UEIs, a split judgment parts a
# pair the names had united and keeps it parted through incremental and
# full re-runs, and explain names the identifier two entities share.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

need_data usaspending
"$BEHIND" resolve --help >/dev/null 2>&1 ||
	skip "behind resolve is not registered in src/cli/commands.c yet"
DB="$T/resolve.db"
run "$BEHIND" --db "$DB" ingest "$DATA/usaspending"
assert_status 0 "$RC" "ingest"

run "$BEHIND" --db "$DB" resolve --json
assert_status 0 "$RC" "resolve"
J="$OUT.json"
cp "$OUT" "$J"
assert_eq "full" "$(json_q "$J" "select j->>'mode' from doc")" "first run is full"
assert_eq "$(q "$DB" "select count(*) from entity where kind in ('organization','person','candidate','committee')")" \
	"$(json_q "$J" "select j->>'entities' from doc")" "entities resolved"

canon="coalesce((select canon from cluster where entity = %s), %s)"
# shared DUNS or UEI statement => same canonical entity
split_ids=$(q "$DB" "select count(*) from statement x join statement y on x.prop = y.prop
  and x.value = y.value and x.entity < y.entity
  where x.prop in ('duns','uei')
  and coalesce((select canon from cluster where entity = x.entity), x.entity)
   != coalesce((select canon from cluster where entity = y.entity), y.entity)")
assert_eq 0 "$split_ids" "entities sharing a DUNS or UEI are one cluster"
# no cluster with two UEIs, unless a shared DUNS joined them
two_ueis=$(q "$DB" "with c as (select e.rid, coalesce(k.canon, e.rid) as canon from entity e
  left join cluster k on k.entity = e.rid where e.id like 'uei:%')
  select count(*) from (select canon from c group by canon having count(*) > 1) g
  where not exists (select 1 from resolve_pair p where p.reason in ('duns','cage')
    and (p.a in (select rid from c where c.canon = g.canon)))")
assert_eq 0 "$two_ueis" "no cluster holds two UEIs joined by name alone"

# a pair the names united
pair=$(q "$DB" "select ea.id || ' ' || eb.id from resolve_pair p join entity ea on ea.rid = p.a
  join entity eb on eb.rid = p.b where p.reason = 'name' order by p.a, p.b limit 1")
[ -n "$pair" ] || fail "no pair united by name"
A=${pair%% *}
B=${pair#* }
same() {
	q "$DB" "select (select coalesce((select canon from cluster where entity = rid), rid) from entity where id = '$1')
	  = (select coalesce((select canon from cluster where entity = rid), rid) from entity where id = '$2')"
}
assert_eq 1 "$(same "$A" "$B")" "$A and $B united by name"
run "$BEHIND" --db "$DB" explain "$A" "$B"
assert_status 0 "$RC" "explain"
assert_contains "$OUT" "organization name" "explain lists the name comparison"
assert_contains "$OUT" "probability" "explain gives the probability"

run "$BEHIND" --db "$DB" judge split "$A" "$B" --who tester --why "e2e: not the same"
assert_status 0 "$RC" "judge split"
run "$BEHIND" --db "$DB" judge maybe "$A" "$B"
assert_status 2 "$RC" "judge with a bad decision"
run "$BEHIND" --db "$DB" resolve --json
assert_eq "incremental" "$(q :memory: "select '$(cat "$OUT")' ->> 'mode'")" "second run is incremental"
assert_eq 0 "$(same "$A" "$B")" "the split judgment parts them"
run "$BEHIND" --db "$DB" resolve --full
assert_eq 0 "$(same "$A" "$B")" "the split survives a full run"
run "$BEHIND" --db "$DB" judgments --json
cp "$OUT" "$J"
assert_eq "split|tester|e2e: not the same" \
	"$(json_q "$J" "select e.value->>'decision' || '|' || (e.value->>'who') || '|' || (e.value->>'why') from doc, json_each(doc.j) e")" \
	"judgments lists the decision with who and why"
run "$BEHIND" --db "$DB" explain "$A" "$B"
assert_contains "$OUT" "Judgment: split, by tester" "explain shows the judgment"

# explain on two entities sharing a DUNS
dpair=$(q "$DB" "select ea.id || ' ' || eb.id from statement x join statement y on x.prop = 'duns'
  and y.prop = 'duns' and x.value = y.value and x.entity < y.entity
  join entity ea on ea.rid = x.entity join entity eb on eb.rid = y.entity limit 1")
if [ -n "$dpair" ]; then
	run "$BEHIND" --db "$DB" explain "${dpair%% *}" "${dpair#* }"
	assert_contains "$OUT" "Both carry duns" "explain names the shared DUNS"
fi
finish
