#!/usr/bin/env bash
# End to end: `behind explain` weighs two entities with the term
# frequencies `behind resolve` stored (table resolve_tf) instead of loading
# every name of the store, and must say exactly what the old route says.
# The old route is still there: explain takes it when the table is absent
# (a store resolved by an older build) or stale (the store changed since
# the resolve), so each pair is explained twice, once per route, text and
# JSON, and the outputs compared byte for byte: on the fixtures (review
# pairs, pairs united by name, neighbouring organizations and persons),
# after an ingest that makes the stored counts stale, and on the real
# USAspending files when ../shared/data is there.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

F="$FIXTURES"
DB="$T/explain_stored.$$.db"
OLD="$T/explain_stored_old.$$.db"
rm -f "$DB" "$OLD"
trap 'rm -f "$DB" "$OLD" "$T"/explain_stored.$$.*' EXIT

# pairs DB N: review pairs, pairs united by name, each organization with
# the next one (the first 30), persons and candidates with each other, and
# committees with an organization; N of them, in an arbitrary but fixed
# order.
pairs() {
	q "$1" "select p from (select a || ' ' || b as p from resolve_review
	  union all select a || ' ' || b from resolve_pair where reason = 'name'
	  union all select * from (select rid || ' ' || (select min(rid) from entity y
	    where y.kind = 'organization' and y.rid > x.rid) from entity x
	    where x.kind = 'organization' order by rid limit 30)
	  union all select x.rid || ' ' || y.rid from entity x join entity y on x.rid < y.rid
	    where x.kind in ('person','candidate') and y.kind in ('person','candidate')
	  union all select x.rid || ' ' || y.rid from entity x join entity y
	    on x.kind = 'committee' and y.kind = 'organization' and y.rid = (select min(rid)
	    from entity where kind = 'organization') where x.rid is not null)
	  order by (cast(p as integer) * 2654435761) % 1000003, p limit $2"
}

# explain_all DB PAIRS OUTFILE: every pair as text and as JSON, one file.
explain_all() {
	: >"$3"
	while read -r a b; do
		[ -n "$b" ] || continue
		for j in "" --json; do
			# shellcheck disable=SC2086
			"$BEHIND" --db "$1" explain "$a" "$b" $j >>"$3" 2>&1
			echo "rc=$?" >>"$3"
		done
	done <"$2"
}

# same_both DB WHAT N: explain with resolve_tf and without it agree on N
# pairs.
same_both() {
	pairs "$1" "$3" >"$T/explain_stored.$$.pairs"
	local n
	n=$(wc -l <"$T/explain_stored.$$.pairs")
	[ "$n" -ge 10 ] || fail "$2: only $n pairs to explain"
	explain_all "$1" "$T/explain_stored.$$.pairs" "$T/explain_stored.$$.new"
	cp "$1" "$OLD"
	q "$OLD" "drop table resolve_tf"
	explain_all "$OLD" "$T/explain_stored.$$.pairs" "$T/explain_stored.$$.old"
	CHECKS=$((CHECKS + 1))
	if ! cmp -s "$T/explain_stored.$$.old" "$T/explain_stored.$$.new"; then
		fail "$2: explain with stored frequencies differs from explain over every name"
		diff "$T/explain_stored.$$.old" "$T/explain_stored.$$.new" | head -20 >&2
	fi
	assert_eq "$((2 * n))" "$(grep -c '^rc=0$' "$T/explain_stored.$$.new")" "$2: every explain succeeds"
}

run "$BEHIND" --db "$DB" ingest --no-progress --mapping "$F/review/companies.yaml" "$F/review/companies.csv"
assert_status 0 "$RC" "mapping ingest"
run "$BEHIND" --db "$DB" ingest --no-progress "$F/usaspending/awards_summary.csv" \
	"$F/usaspending/subawards.csv" "$F/usaspending/txn_current_iso.csv" "$F/fec/cm.txt" \
	"$F/fec/cn.txt" "$F/lda/ld2_2006_2.xml"
assert_status 0 "$RC" "fixture ingest"
run "$BEHIND" --db "$DB" resolve
assert_status 0 "$RC" "resolve"

# the table's record counts are an independent count over the store: one
# record per distinct name (the entity's own, its name and alias
# statements) with a letter in it, of each organization and person
for k in "organization name|'organization'" "person name|'person','candidate'"; do
	field=${k%%|*}
	kinds=${k#*|}
	assert_eq "$(q "$DB" "select count(*) from (select rid, name as nm from entity
	  where kind in ($kinds) union select s.entity, s.value from statement s join entity e
	  on e.rid = s.entity where e.kind in ($kinds) and s.prop in ('name','alias'))
	  where nm glob '*[A-Za-z]*'")" \
		"$(q "$DB" "select n from resolve_tf where field = '$field' and kind = 0")" \
		"records with a $field in resolve_tf"
done

same_both "$DB" "fixtures" 50

# an ingest after the resolve: the stored counts are stale and explain must
# count afresh (the same as without the table)
run "$BEHIND" --db "$DB" ingest --no-progress "$F/fec/itpas2.txt" "$F/usaspending/txn_old_259col_dmy.csv"
assert_status 0 "$RC" "second ingest"
cp "$DB" "$OLD"
q "$OLD" "drop table resolve_tf"
pairs "$DB" 25 >"$T/explain_stored.$$.pairs"
explain_all "$DB" "$T/explain_stored.$$.pairs" "$T/explain_stored.$$.new"
explain_all "$OLD" "$T/explain_stored.$$.pairs" "$T/explain_stored.$$.old"
CHECKS=$((CHECKS + 1))
cmp -s "$T/explain_stored.$$.old" "$T/explain_stored.$$.new" ||
	fail "after a new ingest, explain does not count afresh"

if [ -d "$DATA/usaspending" ]; then
	rm -f "$DB"
	run "$BEHIND" --db "$DB" ingest --no-progress "$DATA/usaspending"
	assert_status 0 "$RC" "real ingest"
	run "$BEHIND" --db "$DB" resolve
	assert_status 0 "$RC" "real resolve"
	same_both "$DB" "USAspending" 25
else
	echo "note: $DATA/usaspending is absent; only the fixtures were compared"
fi
finish
