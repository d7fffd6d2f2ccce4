#!/usr/bin/env bash
# `behind path` past a hub it need not read. The walk that enumerates the
# paths reaches HUB, HENRY two hops from each end; from there only a hop
# into the target's ball (read by the search) can still reach the target,
# and those hops are found in the ball's links, not by reading the hub's
# 6,002 neighbours. Under a cap of 5,000 entities ($BEHIND_PATH_MAX_NODES)
# the walk before this test read them and failed on the cap (as GEO's PAC ->
# Sen. Cornyn read 1.18M adjacency entries of 938 clusters on the resolved
# 10M-row store); now it finds the path with a handful of entities, the
# same bytes as without the cap and as the link route.
#
# The fixture (hand count), made here as an itcont file: START, ANNA gives
# $100 to C92000001; HUB, HENRY $200 to C92000001 and $300 to C92000002;
# TARGET, TOM $400 to C92000002; HUB also gives $5 to each of 6,000
# committees C93000000.. that VAST, VERA gives $7 to as well (so none is a
# leaf, and the hub's 6,002 neighbours all count). The one path of at most
# 4 hops: START -> C92000001 <- HUB -> C92000002 <- TARGET.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

DB="$T/hub.db"
W="$T/itcont_hub.txt"
# itcont.txt's 21 fields: committee, ..., name, city, state, zip, employer,
# occupation, date (MMDDYYYY), amount, other id, transaction id, file, memo
# code, memo text, sub id
awk 'function row(cmte, name, zip, amt) {
		n++
		printf "%s|N|Q1|P|20190101%010d|15|IND|%s|SPRINGFIELD|VA|%s|SELF|RETIRED|01052019|%d||H%d|9000002|||7%018d\n", cmte, n, name, zip, amt, n, n
	}
	BEGIN {
		row("C92000001", "START, ANNA", "30003", 100)
		row("C92000001", "HUB, HENRY", "30001", 200)
		row("C92000002", "HUB, HENRY", "30001", 300)
		row("C92000002", "TARGET, TOM", "30004", 400)
		for (i = 0; i < 6000; i++) {
			row(sprintf("C93%06d", i), "HUB, HENRY", "30001", 5)
			row(sprintf("C93%06d", i), "VAST, VERA", "30002", 7)
		}
	}' >"$W"
run "$BEHIND" --db "$DB" ingest "$W"
assert_status 0 "$RC" "ingest"
run "$BEHIND" --db "$DB" resolve
assert_status 0 "$RC" "resolve (it builds cluster_edge)"
assert_eq 0 "$(q "$DB" "select count(*) from cluster")" "no contributor merged into another"
HUB=$(q "$DB" "select rid from entity where id = 'fecind:HUB HENRY|30001'")
assert_eq "6002|0" "$(q "$DB" "select count(*), sum(leaf) from cluster_edge where a = $HUB")" \
	"the hub's neighbours (hand count), none of them a leaf"

A="fecind:START ANNA|30003"
B="fecind:TARGET TOM|30004"
BEHIND_PATH_MAX_NODES=5000 BH_PATH_TRACE=1 "$BEHIND" --db "$DB" path --json "$A" "$B" >"$T/hub.json" 2>"$T/hub.err"
assert_eq 0 $? "through cluster_edge under a cap of 5,000 entities: $(tail -n 1 "$T/hub.err")"
assert_eq "4|1|$A fec:C92000001 fecind:HUB HENRY|30001 fec:C92000002 $B" \
	"$(json_q "$T/hub.json" "select (j->>'shortest') || '|' || json_array_length(j->'paths') || '|' || (select group_concat(value->>'id', ' ') from json_each(j->'paths'->0->'nodes')) from doc")" \
	"the one path through the hub"
assert_eq "100.0 200.0 300.0 400.0" \
	"$(json_q "$T/hub.json" "select group_concat((select sum(value->>'amount') from json_each(h.value)), ' ') from doc, json_each(j->'paths'->0->'hops_detail') h")" \
	"the hops' amounts (hand count)"
n=$(sed -n 's/^path: route cluster_edge, \([0-9]*\) nodes known.*/\1/p' "$T/hub.err")
assert_eq 1 "$([ -n "$n" ] && [ "$n" -le 10 ] && echo 1)" "the hub's neighbours are not read: $n entities known"
# the link route knows no degrees: it weighs the sides by their sizes (one
# node each), widens START's side into the hub and fails on the cap
BEHIND_PATH_MAX_NODES=5000 BEHIND_PATH_ROUTE=link run "$BEHIND" --db "$DB" path --json "$A" "$B"
assert_contains "$OUT" "more than 5000 entities within reach" "the link route under the cap"
BEHIND_PATH_ROUTE=link "$BEHIND" --db "$DB" path --json "$A" "$B" >"$T/hub_link.json" 2>&1
cmp -s "$T/hub.json" "$T/hub_link.json"
assert_eq 0 $? "the same bytes through link without the cap"
"$BEHIND" --db "$DB" path --json "$A" "$B" >"$T/hub_nocap.json" 2>&1
cmp -s "$T/hub.json" "$T/hub_nocap.json"
assert_eq 0 $? "the same bytes without the cap"

finish
