#!/usr/bin/env bash
# `behind path` through a committee with many one-off contributors (what the
# 10M-row benchmark store has: generated contributions give committees
# hundreds of thousands of them). A leaf (a cluster with one neighbour) can
# only be an end of a path, so the search through cluster_edge never adds
# one: its work is bounded by the entities that can be on a path, not by the
# committee. The cap on entities is lowered ($BEHIND_PATH_MAX_NODES=5000)
# below the committee's 20,005 neighbours: the link route, which still adds
# every neighbour (as the search did before), must fail on it; the
# cluster_edge route must find the paths, the same as the link route finds
# without the cap.
#
# The fixture (hand count): tests/fixtures/fec plus itcont_wide.txt made
# here, 20,000 contributions of $50 to ACME DETENTION SERVICES INC PAC
# (C90000001), each by a different person (name and ZIP). ACME's neighbours:
# those 20,000, DOE JOHN and MUNOZ JOSE (itcont_invented.txt lines 1-2 and
# 5), and through itpas2.txt the candidates H0NY99001 and S0TX99002 and its
# connected organization: 20,005. DOE JOHN -> ACME PAC: $250 + $250 (lines
# 1-2); ACME PAC -> JONES, MARY (S0TX99002): $2,500 (itpas2.txt line 2; line
# 3 is a memo).
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

F="$FIXTURES/fec"
DB="$T/wide.db"
W="$T/itcont_wide.txt"
# 20,000 different people: four letters in base 26 make the names distinct
awk 'BEGIN {
	for (i = 0; i < 20000; i++) {
		n = i; s = ""
		for (k = 0; k < 4; k++) { s = s sprintf("%c", 65 + n % 26); n = int(n / 26) }
		printf "C90000001|N|Q1|P|20190101%010d|15|IND|WIDE%s, DONOR%s|SPRINGFIELD|VA|%05d|SELF|RETIRED|01052019|50||W%d|9000001|||8%018d\n", i, s, s, 10000 + i, i, i
	}
}' >"$W"
assert_eq 20000 "$(cut -d'|' -f8,11 "$W" | sort -u | wc -l | tr -d ' ')" "20,000 distinct contributors generated"
run "$BEHIND" --db "$DB" ingest "$F/cm.txt" "$F/cn.txt" "$F/itpas2.txt" "$F/itcont_invented.txt" "$W"
assert_status 1 "$RC" "ingest (itcont_invented.txt has two bad rows on purpose)"
run "$BEHIND" --db "$DB" resolve
assert_status 0 "$RC" "resolve (it builds cluster_edge)"
assert_eq 0 "$(q "$DB" "select count(*) from cluster")" "no contributor merged into another"

rid() { q "$DB" "select rid from entity where id = '$1'"; }
ACME=$(rid fec:C90000001)
assert_eq 20005 "$(q "$DB" "select count(*) from cluster_edge where a = $ACME")" "ACME PAC's neighbours (hand count)"
assert_eq "20005|20005" "$(q "$DB" "select deg, count(*) from cluster_edge where b = $ACME group by deg")" \
	"cluster_edge.deg: ACME's count of neighbours, in each of its neighbours' rows"
assert_eq 20003 "$(q "$DB" "select count(*) from cluster_edge where a = $ACME and deg = 1")" \
	"leaves around ACME: the 20,000, DOE, MUNOZ and its connected organization (the candidates also have their committees)"

# paths ARGS...: `path --json` through both routes with the cap lowered
export BEHIND_PATH_MAX_NODES=5000
run "$BEHIND" --db "$DB" path --json "fecind:DOE JOHN|22150" fec:S0TX99002
assert_status 0 "$RC" "through cluster_edge, under the lowered cap"
cp "$OUT" "$T/wide_new.json"
assert_eq "2|fecind:DOE JOHN|22150 fec:C90000001 fec:S0TX99002" \
	"$(json_q "$T/wide_new.json" "select (j->>'shortest') || '|' || (select group_concat(value->>'id', ' ') from json_each(j->'paths'->0->'nodes')) from doc")" \
	"DOE -> ACME PAC -> JONES, the only path"
assert_eq "500.0|2500.0" \
	"$(json_q "$T/wide_new.json" "select (select sum(value->>'amount') from json_each(j->'paths'->0->'hops_detail'->0)) || '|' || (select sum(value->>'amount') from json_each(j->'paths'->0->'hops_detail'->1)) from doc")" \
	"the hops' amounts (hand count: \$250 + \$250, \$2,500)"
BEHIND_PATH_ROUTE=link run "$BEHIND" --db "$DB" path --json "fecind:DOE JOHN|22150" fec:S0TX99002
assert_status 2 "$RC" "the link route adds every contributor: over the lowered cap"
assert_contains "$OUT" "more than 5000 entities within reach" "the cap is what stops it"
unset BEHIND_PATH_MAX_NODES
BEHIND_PATH_ROUTE=link run "$BEHIND" --db "$DB" path --json "fecind:DOE JOHN|22150" fec:S0TX99002
cmp -s "$OUT" "$T/wide_new.json"
assert_eq 0 $? "without the cap the link route answers the same bytes"

# two leaves of the committee as the ends: they are kept (ends), the other
# 20,000 are not added
BEHIND_PATH_MAX_NODES=5000 BH_PATH_TRACE=1 "$BEHIND" --db "$DB" path --json \
	"fecind:WIDEAAAA DONORAAAA|10000" "fecind:WIDEBAAA DONORBAAA|10001" >"$T/wide_leaves.json" 2>"$T/wide_leaves.err"
assert_eq "2|1|fecind:WIDEAAAA DONORAAAA|10000 fec:C90000001 fecind:WIDEBAAA DONORBAAA|10001" \
	"$(json_q "$T/wide_leaves.json" "select (j->>'shortest') || '|' || json_array_length(j->'paths') || '|' || (select group_concat(value->>'id', ' ') from json_each(j->'paths'->0->'nodes')) from doc")" \
	"two contributors meet through the committee, one path"
assert_contains "$T/wide_leaves.err" "route cluster_edge, 5 nodes known" \
	"only the ends, the committee and its two candidates (not leaves) are added"
BEHIND_PATH_ROUTE=link "$BEHIND" --db "$DB" path --json \
	"fecind:WIDEAAAA DONORAAAA|10000" "fecind:WIDEBAAA DONORBAAA|10001" >"$T/wide_leaves_link.json" 2>&1
cmp -s "$T/wide_leaves.json" "$T/wide_leaves_link.json"
assert_eq 0 $? "the same bytes through link (no cap)"

finish
