#!/usr/bin/env bash
# The display name ingest gives each entity (best_names in
# src/ingest/ingest.c): its most frequent name over all sources, ties to the
# smallest in byte order. Checked after every ingest for every entity of the
# store against a window query over the name statements (an independent
# route), and by hand on a generated company whose names change order as
# files arrive: an older entity's earlier names count (an ingest that only
# counted the new file's names would rename it), a new entity's tie goes to
# the smaller name.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
command -v python3 >/dev/null || skip "python3 is not installed"

F="$FIXTURES/usaspending"
DB="$T/names.db"

# wrong_names: entities whose name is not their most frequent name
wrong_names() {
	q "$DB" "WITH t AS (SELECT entity, value, sum(n) AS c FROM statement WHERE prop = 'name'
		GROUP BY entity, value),
	r AS (SELECT entity, value, row_number() OVER (PARTITION BY entity ORDER BY c DESC, value) AS k FROM t)
	SELECT count(*) FROM r JOIN entity e ON e.rid = r.entity WHERE r.k = 1 AND e.name IS NOT r.value"
}
named() {
	q "$DB" "SELECT count(DISTINCT entity) FROM statement WHERE prop = 'name'"
}

# txns OUT SPEC...: contract transactions of the fixture's first row, for
# each SPEC "UEI:NAME:COUNT" COUNT rows naming the recipient UEI so
txns() {
	local out=$1 n=0 uei name count
	shift
	for spec in "$@"; do
		IFS=: read -r uei name count <<<"$spec"
		for _ in $(seq 1 "$count"); do
			n=$((n + 1))
			printf '{"piid": "70NAME%s%03d", "recipient": ["%s", "%s"], "recipient_duns": ""}\n' \
				"$(basename "$out" .csv)" "$n" "$uei" "$name"
		done
	done | python3 "$ROOT/tests/txn_rows.py" "$F/txn_current_iso.csv" "$out"
}
name_of() {
	q "$DB" "SELECT e.name FROM entity e WHERE e.rid = (SELECT entity FROM statement
		WHERE prop = 'uei' AND value = '$1' LIMIT 1)"
}

# a first load: every entity is new
run "$BEHIND" --db "$DB" ingest "$F/txn_old_259col_dmy.csv" "$F/txn_current_iso.csv" "$F/awards_summary.csv"
assert_status 0 "$RC" "first ingest"
assert_ne 0 "$(named)" "entities with names"
assert_eq 0 "$(wrong_names)" "first ingest: every entity named by its most frequent name"

# ALPHA 3 times, BETA twice: ALPHA; a new company's tie goes to the smaller name
txns "$T/a.csv" "NAMETEST0001:ALPHA NAMING CORP:3" "NAMETEST0001:BETA NAMING CORP:2" \
	"NAMETEST0002:ZED TIE LLC:1" "NAMETEST0002:ABLE TIE LLC:1"
run "$BEHIND" --db "$DB" ingest "$T/a.csv"
assert_status 0 "$RC" "ingest a.csv"
assert_eq "ALPHA NAMING CORP" "$(name_of NAMETEST0001)" "3 ALPHA against 2 BETA"
assert_eq "ABLE TIE LLC" "$(name_of NAMETEST0002)" "a tie goes to the smaller name"
assert_eq 0 "$(wrong_names)" "after a.csv"

# a later file with BETA once: 3 ALPHA against 3 BETA over all sources, a
# tie: ALPHA (an ingest counting only this file's names would say BETA)
txns "$T/b.csv" "NAMETEST0001:BETA NAMING CORP:1"
run "$BEHIND" --db "$DB" ingest "$T/b.csv"
assert_status 0 "$RC" "ingest b.csv"
assert_eq "ALPHA NAMING CORP" "$(name_of NAMETEST0001)" "the earlier names count: a tie, ALPHA"
# and BETA once more: 4 against 3
txns "$T/c.csv" "NAMETEST0001:BETA NAMING CORP:1" "NAMETEST0002:ZED TIE LLC:1"
run "$BEHIND" --db "$DB" ingest "$T/c.csv"
assert_status 0 "$RC" "ingest c.csv"
assert_eq "BETA NAMING CORP" "$(name_of NAMETEST0001)" "4 BETA against 3 ALPHA"
assert_eq "ZED TIE LLC" "$(name_of NAMETEST0002)" "2 ZED against 1 ABLE"
assert_eq 0 "$(wrong_names)" "after c.csv"

# the real files, in two ingests: the second mentions entities of the first
# under other names
if [ -d "$DATA/usaspending" ]; then
	U="$DATA/usaspending"
	run "$BEHIND" --db "$DB" ingest "$U/ice_contract_transactions_fy2013-2018.csv"
	assert_status 0 "$RC" "ingest the ICE transactions"
	assert_eq 0 "$(wrong_names)" "after the ICE transactions"
	old=$(q "$DB" "SELECT max(rid) FROM entity")
	src=$(q "$DB" "SELECT coalesce(max(id), 0) + 1 FROM source")
	run "$BEHIND" --db "$DB" ingest "$U/Contracts_PrimeAwardSummaries_ICE_MN_2025-03-21.csv" \
		"$U/Contracts_Subawards_ICE_2025-03-28.csv"
	assert_status 0 "$RC" "ingest the award summaries and subawards"
	assert_ne 0 "$(q "$DB" "SELECT count(DISTINCT entity) FROM statement WHERE prop = 'name'
		AND source_id >= $src AND entity <= $old")" "the second ingest names older entities"
	assert_ne 0 "$(q "$DB" "SELECT count(DISTINCT entity) FROM statement WHERE prop = 'name'
		AND source_id >= $src AND entity > $old")" "and new ones"
	assert_eq 0 "$(wrong_names)" "after the second ingest, of $(named) named entities"
else
	echo "skipping the real files: $DATA/usaspending is absent" >&2
fi
finish
