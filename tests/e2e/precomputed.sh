#!/usr/bin/env bash
# The answers `behind resolve` precomputes (src/query/precompute.c): the
# cluster graph of `path` (cluster_edge: its rows equal the link rows
# between clusters counted by python over `link` and `cluster`) and the
# obligations per agency of `who` (who_agg_*). path and who answer the same
# through them as through the rows (byte for byte), and they are never read
# stale: an ingest after the build sends both back to the rows (the new
# records are in the answers), the next resolve makes them fresh. A
# judgment changes clusters only at the next resolve, so until then the
# tables still describe the store, and that resolve rebuilds them.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
command -v python3 >/dev/null || skip "python3 is not installed"

F="$FIXTURES/usaspending"
DB="$T/edges.db"
run "$BEHIND" --db "$DB" ingest "$F/txn_old_259col_dmy.csv" "$F/txn_current_iso.csv" \
	"$F/awards_summary.csv" "$FIXTURES/fec/cm.txt" \
	"$FIXTURES/fec/cn.txt" "$FIXTURES/fec/itpas2.txt"
assert_status 0 "$RC" "ingest without the subawards"
# links on members of clusters: vendors.csv names two recipients another way
run "$BEHIND" --db "$DB" ingest --mapping "$FIXTURES/mapping/vendors.yaml" "$FIXTURES/mapping/vendors.csv"
assert_status 0 "$RC" "ingest the vendor list"
run "$BEHIND" --db "$DB" ingest --mapping "$FIXTURES/graph/vendor_links.yaml" "$FIXTURES/graph/vendor_links.csv"
assert_status 0 "$RC" "ingest links between the vendors"
run "$BEHIND" --db "$DB" resolve
assert_status 0 "$RC" "resolve"
# SQLite's own check of every table and index, the precomputed ones included
# (its 3.40 reported NOT NULL columns after an out-of-key-order primary key
# of a WITHOUT ROWID table as NULL: cluster_edge now lists its key first)
assert_eq "ok" "$(q "$DB" "PRAGMA integrity_check")" "integrity_check after resolve"

# cluster_edge against python: every link row counts once from each end's
# cluster, links inside one cluster not at all
expect=$(python3 - "$DB" <<'EOF'
import sqlite3, sys
from collections import Counter
db = sqlite3.connect(sys.argv[1])
canon = dict(db.execute("select entity, canon from cluster"))
c = Counter()
for s, d in db.execute("select src, dst from link"):
    a, b = canon.get(s, s), canon.get(d, d)
    if a != b:
        c[(a, b)] += 1
        c[(b, a)] += 1
print(len(c), sum(c.values()), sum(n * (a % 97 + 1) * (b % 89 + 1) for (a, b), n in c.items()))
EOF
)
got=$(q "$DB" "select count(*) || ' ' || sum(links) || ' ' || sum(links * (a % 97 + 1) * (b % 89 + 1)) from cluster_edge")
assert_eq "$expect" "$got" "cluster_edge: pairs, link rows and a weighted checksum equal python's"
assert_ne "0 0 0" "$got" "cluster_edge is not empty"
assert_eq 3 "$(q "$DB" "select count(distinct l.rid) from link l join cluster c on c.entity in (l.src, l.dst) join source s on s.id = l.source_id where c.canon <> c.entity and s.path like '%vendor_links.csv'")" \
	"three links hang on members of clusters (vendor_links.csv), so the clusters matter"

# route_of A B: the route path took (BH_PATH_TRACE), its JSON in $T/r.json
route_of() {
	BH_PATH_TRACE=1 "$BEHIND" --db "$DB" path --json "$1" "$2" >"$T/r.json" 2>"$T/r.err"
	sed -n 's/^path: route \([a-z_]*\),.*/\1/p' "$T/r.err"
}
# same_answers: every pair of a few entities answers byte for byte the same
# through cluster_edge and through link
same_answers() {
	local ids a b n=0 d=0
	ids=$(q "$DB" "select id from entity where rid in (select a from cluster_edge group by a order by count(*) desc limit 6) order by id")
	for a in $ids; do
		for b in $ids; do
			[ "$a" \< "$b" ] || continue
			"$BEHIND" --db "$DB" path --json --max-hops 3 "$a" "$b" >"$T/new.json" 2>&1
			BEHIND_PATH_ROUTE=link "$BEHIND" --db "$DB" path --json --max-hops 3 "$a" "$b" >"$T/old.json" 2>&1
			n=$((n + 1))
			cmp -s "$T/new.json" "$T/old.json" || d=$((d + 1))
		done
	done
	echo "$n pairs, $d different"
}
assert_eq "cluster_edge" "$(route_of subagency:7012 "name:JUNIPER FREIGHT LLC")" "fresh after resolve: path reads cluster_edge"

# a resolve that changes nothing keeps the tables (no rebuild) and they stay
# fresh: the same rows, the same answers
edges_sum() { q "$DB" "select count(*) || ' ' || sum(links * (a % 97 + 1) * (b % 89 + 1) * deg) from cluster_edge"; }
before=$(edges_sum)
built=$(q "$DB" "select built_at || ' ' || clusters from precomputed")
runs=$(q "$DB" "select count(*) from resolve_run")
sleep 1 # built_at has whole seconds
BEHIND_TIMING=1 run "$BEHIND" --db "$DB" resolve
assert_status 0 "$RC" "resolve with nothing new"
assert_eq $((runs + 1)) "$(q "$DB" "select count(*) from resolve_run")" "the run is recorded"
assert_contains "$OUT" "precomputed: kept (unchanged)" "nothing changed: the tables are kept"
assert_not_contains "$OUT" "precomputed: cluster graph" "nothing changed: cluster_edge is not rebuilt"
assert_eq "$built" "$(q "$DB" "select built_at || ' ' || clusters from precomputed")" "the same build"
assert_eq "$before" "$(edges_sum)" "the same cluster_edge"
assert_eq "cluster_edge" "$(route_of subagency:7012 "name:JUNIPER FREIGHT LLC")" "still fresh after the run"
assert_eq "15 pairs, 0 different" "$(same_answers)" "path through cluster_edge = path through link"

# who_route ARGS...: the route who took (BEHIND_TIMING), its output in $T/w.out
who_route() {
	BEHIND_TIMING=1 "$BEHIND" --db "$DB" who "$@" >"$T/w.out" 2>"$T/w.err"
	if grep -q "sums of the agency (precomputed)" "$T/w.err"; then echo precomputed; else echo rows; fi
}
# same_sums CMD ARGS...: CMD (who or top) through the sums = through the
# rows, for each ARGS (words in one string)
same_sums() {
	local cmd=$1 a d=0
	shift
	for a in "$@"; do
		# shellcheck disable=SC2086 # the arguments are words
		"$BEHIND" --db "$DB" "$cmd" $a >"$T/new.sum" 2>&1
		# shellcheck disable=SC2086
		BEHIND_WHO_ROUTE=rows "$BEHIND" --db "$DB" "$cmd" $a >"$T/old.sum" 2>&1
		cmp -s "$T/new.sum" "$T/old.sum" || d=$((d + 1))
	done
	echo "$d different"
}
same_who() {
	same_sums who "7012 --json" "7012" "7012 --from 2021 --to 2022 --json" "070 --json" "7012 --from 2016" \
		"7012 --from 2016 --to 2019 --json" "7012 --to 2018"
}
same_top() {
	same_sums top "--agency 7012 --json" "--agency 7012" "--agency 7012 --from 2021 --to 2022 --json" \
		"--agency 070 --json" "--agency 7012 --from 2016" "--agency 7012 --to 2020 --limit 2"
}
# show's "awarded by fiscal year" of a public body sums who_agg_year too;
# show_route ARGS...: where it read them (BEHIND_TIMING)
show_route() {
	BEHIND_TIMING=1 "$BEHIND" --db "$DB" show "$@" 2>&1 >/dev/null | sed -n 's/^show: awarded from //p'
}
# same_shows: show through the sums = through the rows, JSON and text
same_shows() {
	local a d=0
	for a in "subagency:7012 --json" "subagency:7012" "agency:070 --json" "agency:070"; do
		# shellcheck disable=SC2086 # the arguments are words
		"$BEHIND" --db "$DB" show $a >"$T/new.show" 2>&1
		# shellcheck disable=SC2086
		BEHIND_SHOW_ROUTE=rows "$BEHIND" --db "$DB" show $a >"$T/old.show" 2>&1
		cmp -s "$T/new.show" "$T/old.show" || d=$((d + 1))
	done
	echo "$d different"
}
# top_route ARGS...: the route top took (BEHIND_TIMING), its output in $T/t.out
top_route() {
	BEHIND_TIMING=1 "$BEHIND" --db "$DB" top "$@" >"$T/t.out" 2>"$T/t.err"
	if grep -q "top: sums of the agency (precomputed)" "$T/t.err"; then echo precomputed; else echo rows; fi
}
assert_eq "precomputed" "$(top_route --agency 7012 --json)" "fresh after resolve: top sums who_agg_co"
assert_eq "2262655.17" "$(json_q "$T/t.out" "select j->>'total' from doc")" "top total through the sums"
assert_eq "0 different" "$(same_top)" "top through the sums = top through the rows"
assert_eq "precomputed" "$(who_route 7012 --json)" "fresh after resolve: who sums who_agg"
# 2,262,655.17: usaspending_fixtures.sh (the three contract files)
assert_eq "2262655.17" "$(json_q "$T/w.out" "select j->>'total' from doc")" "who total through the sums"
assert_eq "0 different" "$(same_who)" "who through the sums = who through the rows"
# the listed awards' sums reach each award by its key (co, award_key), not
# every award of the company by co alone through who_agg_award_fy (the plan
# SQLite 3.40 chose for a "(co, award_key) IN (...)" form: same output, the
# 10M store's largest company read whole, 2 s)
plan=$(BEHIND_TIMING=plan "$BEHIND" --db "$DB" who 7012 2>&1 >/dev/null |
	sed -n '/^timing: who: sums of the listed awards/,/^timing: [^w]/p')
assert_contains "$plan" "SEARCH p USING INDEX who_agg_award_co (co=? AND award_key=?)" \
	"the listed awards' sums search who_agg_award by (co, award_key)"
case "$plan" in *who_agg_award_fy*) fail "the listed awards' sums use who_agg_award_fy: $plan" ;; esac
assert_eq "the sums (precomputed)" "$(show_route subagency:7012)" "fresh after resolve: show sums who_agg_year"
"$BEHIND" --db "$DB" show subagency:7012 --json >"$T/s.out"
assert_eq "2262655.17" "$(json_q "$T/s.out" "select sum(a.value->>'amount') from doc, json_each(doc.j, '\$.awarded') a")" \
	"show 7012: awarded through the sums adds up to who's total"
assert_eq "0 different" "$(same_shows)" "show's awarded through the sums = through the rows"

# OAKRIDGE is only in the subawards: not in the store yet; hidden_vendor.csv
# adds obligations
run "$BEHIND" --db "$DB" ingest "$F/subawards.csv" "$FIXTURES/who/hidden_vendor.csv"
assert_status 0 "$RC" "ingest the subawards and more transactions after resolve"
assert_eq "rows" "$(who_route 7012 --json)" "stale after ingest: who reads the rows"
assert_eq "the rows" "$(show_route subagency:7012)" "stale after ingest: show reads the rows"
assert_eq "rows" "$(top_route --agency 7012 --json)" "stale after ingest: top reads the rows"
assert_eq "2311655.17" "$(json_q "$T/t.out" "select j->>'total' from doc")" "top total with the new file"
# + 5,000 + 41,000.50 + 1,999.50 + 700 + 300 (hidden_vendor.csv, who.sh)
assert_eq "2311655.17" "$(json_q "$T/w.out" "select j->>'total' from doc")" "who total with the new file"
assert_eq "link" "$(route_of duns:004444444 duns:007777777)" "stale after ingest: path reads link"
assert_eq "3|duns:004444444 subagency:7012 uei:CEDARLOG0001 duns:007777777" \
	"$(json_q "$T/r.json" "select (j->>'shortest') || '|' || (select group_concat(value->>'id', ' ') from json_each(j->'paths'->0->'nodes')) from doc")" \
	"the new subaward link is on the path (hand count: graph_fixtures.sh)"
cp "$T/r.json" "$T/stale.json"
BEHIND_TIMING=1 run "$BEHIND" --db "$DB" resolve
assert_contains "$OUT" "precomputed: cluster graph (cluster_edge" "a changed store: resolve rebuilds the tables"
assert_not_contains "$OUT" "precomputed: kept" "a changed store: nothing kept"
assert_eq "cluster_edge" "$(route_of duns:004444444 duns:007777777)" "fresh again after resolve"
cmp -s "$T/r.json" "$T/stale.json"
assert_eq 0 $? "the same answer before and after the rebuild"
assert_eq "15 pairs, 0 different" "$(same_answers)" "rebuilt: path through cluster_edge = path through link"
assert_eq "precomputed" "$(who_route 7012 --json)" "fresh again after resolve: who"
assert_eq "2311655.17" "$(json_q "$T/w.out" "select j->>'total' from doc")" "who total through the rebuilt sums"
assert_eq "0 different" "$(same_who)" "rebuilt: who through the sums = who through the rows"
assert_eq "the sums (precomputed)" "$(show_route subagency:7012)" "fresh again after resolve: show"
assert_eq "0 different" "$(same_shows)" "rebuilt: show's awarded through the sums = through the rows"
assert_eq "precomputed" "$(top_route --agency 7012)" "fresh again after resolve: top"
assert_eq "0 different" "$(same_top)" "rebuilt: top through the sums = top through the rows"

run "$BEHIND" --db "$DB" judge split duns:004444444 duns:098765432 --who test --why "test"
assert_status 0 "$RC" "judge"
assert_eq "cluster_edge" "$(route_of duns:004444444 duns:007777777)" \
	"a judgment alone leaves clusters, and the cluster graph, as they are"
assert_eq "precomputed" "$(who_route 7012)" "a judgment alone: who still reads the sums"
assert_eq "15 pairs, 0 different" "$(same_answers)" "after a judgment: path through cluster_edge = path through link"
# canon_of ID: the canonical rid of ID's cluster (a canonical entity has no
# row of its own in `cluster`)
canon_of() {
	q "$DB" "SELECT coalesce((SELECT canon FROM cluster WHERE entity = e.rid), e.rid) FROM entity e WHERE e.id = '$1'"
}
assert_ne "$(canon_of duns:004444444)" "$(canon_of duns:007777777)" "before the merge: two clusters"
run "$BEHIND" --db "$DB" judge merge duns:004444444 duns:007777777 --who test --why "test"
assert_status 0 "$RC" "judge merge"
assert_ne "$(canon_of duns:004444444)" "$(canon_of duns:007777777)" "a judgment alone changes no cluster"
run "$BEHIND" --db "$DB" resolve
assert_status 0 "$RC" "resolve applies the judgments"
assert_eq "$(canon_of duns:004444444)" "$(canon_of duns:007777777)" "the merge judgment joined the two clusters"
assert_eq "cluster_edge" "$(route_of duns:004444444 duns:098765432)" "fresh after the resolve that applied the judgments"
assert_eq "15 pairs, 0 different" "$(same_answers)" "after the judgments: path through cluster_edge = path through link"
assert_eq "0 different" "$(same_who)" "after the judgments: who through the sums = who through the rows"
assert_eq "0 different" "$(same_top)" "after the judgments: top through the sums = top through the rows"

# who's largest awards come from lists of each company's first N awards per
# agency cell (who_agg_topaw), kept only when no award outside the lists can
# reach the third; else a threshold walk reads the company's awards per cell
# and year, largest first, until three are above what an award not read can
# reach (who_agg.c). With lists of one award (a rebuild: the length is an
# input of the build) the fixtures' companies have awards outside them: some
# are settled by the bound, the others walked, and every answer stays the
# same as through the rows, also with the walk replaced by reading the
# companies whole ($BEHIND_WHO_AWARDS_WHOLE).
# awards_read ARGS...: how many companies who read whole
awards_read() {
	BEHIND_TIMING=1 "$BEHIND" --db "$DB" who "$@" 2>&1 >/dev/null |
		sed -n 's/^timing: who: largest awards of \([0-9]*\) companies read whole/\1/p'
}
# awards_walked ARGS...: "COMPANIES AWARDS" walked and summed
awards_walked() {
	BEHIND_TIMING=1 "$BEHIND" --db "$DB" who "$@" 2>&1 >/dev/null |
		sed -n 's/^timing: who: largest awards of \([0-9]*\) companies walked (\([0-9]*\) awards summed)/\1 \2/p'
}
assert_eq "0 0" "$(awards_walked 7012)" "lists of 5: the fixtures' companies are settled by their lists"
# A company whose largest award in FY2016-2019 is spread over the four years
# (30,000 a year): each year's list holds ten single-year awards above it
# (50,000 down to 41,000) and twenty below (20,000 down to 1,000), so the
# walk must pass the big ones in every list before it meets the spread award,
# and may stop in the small ones (a walk that stopped at the first three
# awards would miss it).
python3 - <<'PY' | python3 "$ROOT/tests/txn_rows.py" "$F/txn_current_iso.csv" "$T/walk.csv"
import json
n = 0
def txn(piid, fy, dollars):
    global n
    n += 1
    amount = "%d.00" % dollars
    print(json.dumps({"piid": piid, "modification_number": str(n), "federal_action_obligation": amount,
                      "total_dollars_obligated": amount, "action_date": "%d-03-15" % fy,
                      "recipient": ["WALKTEST0001", "THRESHOLD WALK TESTING CORP"]}))
for fy in range(2016, 2020):
    txn("70WALK00SPREAD", fy, 30000)
    for j in range(10):
        txn("70WALK%dB%02d" % (fy, j), fy, 50000 - 1000 * j - fy % 10)
    for j in range(20):
        txn("70WALK%dS%02d" % (fy, j), fy, 20000 - 1000 * j + fy % 10)
PY
run "$BEHIND" --db "$DB" ingest "$T/walk.csv"
assert_status 0 "$RC" "ingest the walk's company"
BEHIND_WHO_TOP_AWARDS=1 BEHIND_TIMING=1 run "$BEHIND" --db "$DB" resolve
assert_contains "$OUT" "precomputed: cluster graph (cluster_edge" "another list length: resolve rebuilds the tables"
assert_ne 0 "$(q "$DB" "select count(*) from who_agg_topaw where outside")" "lists of one award leave awards out"
for a in "7012" "7012 --from 2016" "7012 --to 2020" "070 --from 2021 --to 2022"; do
	# shellcheck disable=SC2086 # the arguments are words
	w=$(awards_walked $a)
	assert_ne "0" "${w%% *}" "lists of one: who $a walks some companies"
	# the walk stops before reading every award of them (the fixtures'
	# awards of those companies in the agency and years, counted by sqlite)
done
w=$(awards_walked 7012 --from 2016 --to 2019)
all=$(q "$DB" "select count(distinct award_key) from who_agg_award where fy between 2016 and 2019
	and co in (select co from who_agg_co where subagency in (select rid from entity where id = 'subagency:7012')
	and fy between 2016 and 2019 group by co order by sum(amount) desc limit 10)")
[ "${w#* }" -lt "$all" ] || fail "the walk read ${w#* } of the $all awards of the top companies: it should stop earlier"
"$BEHIND" --db "$DB" who 7012 --from 2016 --to 2019 --json >"$T/walk.json"
assert_eq "CONT_AWD_70WALK00SPREAD_7012_-NONE-_-NONE- 120000.00" \
	"$(python3 -c 'import json,sys; a=[x for x in json.load(open(sys.argv[1]))["money"]["largest_awards"] if x["award_key"].startswith("CONT_AWD_70WALK")][0]; print(a["award_key"], "%.2f" % a["amount"])' "$T/walk.json")" \
	"the spread award (4 x 30,000) is the walk company's largest"
assert_eq "0 different" "$(same_who)" "lists of one: who through the sums (walk) = who through the rows"
assert_eq "0 different" "$(BEHIND_WHO_AWARDS_WHOLE=1 same_who)" "lists of one, read whole: who = who through the rows"
assert_ne 0 "$(BEHIND_WHO_AWARDS_WHOLE=1 awards_read 7012 --from 2016)" "read whole when asked"
# tables built by layout 3 (no walk index): the companies are read whole
q "$DB" "DROP INDEX who_agg_award_fy" >/dev/null
assert_ne 0 "$(awards_read 7012 --from 2016)" "no walk index: the unsettled companies are read whole"
assert_eq "0 different" "$(same_who)" "no walk index: who through the sums = who through the rows"
BEHIND_TIMING=1 run "$BEHIND" --db "$DB" resolve
assert_contains "$OUT" "precomputed: cluster graph (cluster_edge" "back to lists of 5: rebuilt again"
# tables built by a version before the lists (fresh until the next resolve):
# who reads every award of its companies, as it did then
q "$DB" "DROP TABLE who_agg_topaw" >/dev/null
assert_ne 0 "$(awards_read 7012)" "no lists: the top companies are read whole"
assert_eq "0 different" "$(same_who)" "no lists: who through the sums = who through the rows"

# a store without any link (companies only): no pairs, an empty cluster_edge
run "$BEHIND" --db "$T/nolinks.db" ingest --mapping "$FIXTURES/review/companies.yaml" \
	"$FIXTURES/review/companies.csv"
assert_status 0 "$RC" "ingest a list of companies"
run "$BEHIND" --db "$T/nolinks.db" resolve
assert_status 0 "$RC" "resolve a store without links"
assert_eq "0|0" "$(q "$T/nolinks.db" "select (select count(*) from link), (select count(*) from cluster_edge)")" \
	"no links, no cluster_edge rows"

finish
