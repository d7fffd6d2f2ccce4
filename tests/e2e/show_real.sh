#!/usr/bin/env bash
# `behind show --json`, the money sections (received, received via
# subsidiaries, awarded, largest awards), on the real USAspending files of
# ../shared/data/usaspending, ingested and resolved. show reads txn and
# award through index-driven subqueries of its own rather than through the
# `obligation` view (the view's subqueries defeat SQLite's push-down); the
# independent routes here are (1) python over the raw CSV files for an
# agency's money by fiscal year and (2) plain SQL over the store's view and
# cluster table for each section, entity by entity, clusters included.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

need_data usaspending
U="$DATA/usaspending"
TX="$U/ice_contract_transactions_fy2013-2018.csv"
SUMM="$U/Contracts_PrimeAwardSummaries_ICE_MN_2025-03-21.csv"
for f in "$TX" "$SUMM"; do
	[ -f "$f" ] || skip "$f is absent"
done
command -v python3 >/dev/null || skip "python3 is not installed"

DB="$T/show.db"
run "$BEHIND" --db "$DB" ingest "$U"
assert_status 0 "$RC" "ingest of the real USAspending folder"
run "$BEHIND" --db "$DB" resolve
assert_status 0 "$RC" "resolve"

# ---- (1) ICE's money by fiscal year, from the raw files ------------------
# Every transaction counts in the fiscal year of its action date; a summary
# counts its total_obligated_amount (fiscal year of its base date) only when
# no transaction has its award key. The transactions file (old layout) has
# no award key column: it is built as USAspending builds it; its dates are
# dd/mm/yyyy, the summaries' m/d/yy.
raw=$(python3 - "$TX" "$SUMM" <<'PY'
import csv, sys
from collections import defaultdict
from decimal import Decimal
def fy(d, dmy=False):
    m, d2, y = d.split('/')
    if dmy:
        m = d2
    y = int(y)
    if y < 100:
        y += 2000
    return y + (int(m) >= 10)
def cents(v):
    return int((Decimal(v) * 100).to_integral_value())
tot, n = defaultdict(int), defaultdict(int)
keys = set()
for r in csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8', errors='replace')):
    if r['awarding_sub_agency_code'] != '7012' or r['federal_action_obligation'] == '':
        continue
    if r['award_or_idv_flag'] == 'IDV':
        key = 'CONT_IDV_%s_%s' % (r['award_id_piid'], r['awarding_sub_agency_code'])
    else:
        key = 'CONT_AWD_%s_%s_%s_%s' % (r['award_id_piid'], r['awarding_sub_agency_code'],
                                        r['parent_award_id'] or '-NONE-',
                                        r['parent_award_agency_id'] or '-NONE-')
    keys.add(key)
    y = fy(r['action_date'], dmy=True)
    tot[y] += cents(r['federal_action_obligation']); n[y] += 1
for r in csv.DictReader(open(sys.argv[2], newline='', encoding='utf-8', errors='replace')):
    if r['awarding_sub_agency_code'] != '7012' or r['total_obligated_amount'] == '':
        continue
    if r['contract_award_unique_key'] in keys:
        continue
    y = fy(r['award_base_action_date'])
    tot[y] += cents(r['total_obligated_amount']); n[y] += 1
print(' '.join('%d:%d:%d' % (y, tot[y], n[y]) for y in sorted(tot)))
PY
)
assert_ne "" "$raw" "independent ICE totals computed"
"$BEHIND" --db "$DB" show subagency:7012 --json >"$T/ice.json"
assert_status 0 "$?" "show subagency:7012 --json"
assert_eq "$raw" \
	"$(json_q "$T/ice.json" "select group_concat(y, ' ') from (select json_extract(a.value, '\$.fiscal_year') || ':' || CAST(round(json_extract(a.value, '\$.amount') * 100) AS INTEGER) || ':' || json_extract(a.value, '\$.records') y from doc, json_each(doc.j, '\$.awarded') a)")" \
	"show: ICE's obligations by fiscal year equal the raw files'"

# ---- (2) each money section against the store's view ---------------------
# members of an entity's cluster, as SQL (canonical id in $1)
members() {
	echo "(select rid from entity where id = '$1' union select c.entity from cluster c join entity e on e.rid = c.canon where e.id = '$1')"
}
# a JSON list as "k|v|..." lines, in the answer's order
rows() {
	json_q "$1" "select group_concat(x, ' / ') from (select $3 x from doc, json_each(doc.j, '\$.$2') a)"
}
jx() { echo "json_extract(a.value, '\$.$1')"; }
cents() { echo "CAST(round(json_extract(a.value, '\$.$1') * 100) AS INTEGER)"; }

# the largest recipient, a multi-member cluster, a parent with subsidiaries
top=$(q "$DB" "select coalesce((select e2.id from cluster c join entity e2 on e2.rid = c.canon where c.entity = o.recipient), e.id) from obligation o join entity e on e.rid = o.recipient group by 1 order by sum(o.amount) desc limit 1")
multi=$(q "$DB" "select e.id from cluster c join entity e on e.rid = c.canon where exists (select 1 from obligation o where o.recipient = c.entity) group by c.canon having count(*) > 1 order by count(*) desc, e.id limit 1")
parent=$(q "$DB" "select coalesce((select e2.id from cluster c join entity e2 on e2.rid = c.canon where c.entity = o.parent), e.id) from obligation o join entity e on e.rid = o.parent where o.parent <> o.recipient group by 1 order by count(*) desc limit 1")
assert_ne "" "$multi" "a recipient cluster with several members exists"
for id in "$top" "$multi" "$parent" subagency:7012 agency:070; do
	[ -n "$id" ] || continue
	"$BEHIND" --db "$DB" show "$id" --json >"$T/e.json"
	assert_status 0 "$?" "show $id --json"
	M=$(members "$id")
	assert_eq "$(q "$DB" "select group_concat(x, ' / ') from (select coalesce(e.id, '') || '|' || o.fiscal_year || '|' || sum(o.amount) || '|' || count(*) x from obligation o left join entity e on e.rid = coalesce(o.subagency, o.agency) where o.recipient in $M and o.amount is not null group by e.rid, o.fiscal_year order by e.name, o.fiscal_year)")" \
		"$(rows "$T/e.json" received "coalesce($(jx agency_id), '') || '|' || $(jx fiscal_year) || '|' || $(cents amount) || '|' || $(jx records)")" \
		"show $id: received by agency and year"
	assert_eq "$(q "$DB" "select group_concat(x, ' / ') from (select coalesce(e.id, '') || '|' || o.fiscal_year || '|' || sum(o.amount) || '|' || count(*) x from obligation o left join entity e on e.rid = coalesce(o.subagency, o.agency) where o.parent in $M and o.recipient not in $M and o.amount is not null group by e.rid, o.fiscal_year order by e.name, o.fiscal_year)")" \
		"$(rows "$T/e.json" received_via_subsidiaries "coalesce($(jx agency_id), '') || '|' || $(jx fiscal_year) || '|' || $(cents amount) || '|' || $(jx records)")" \
		"show $id: received via subsidiaries"
	assert_eq "$(q "$DB" "select group_concat(x, ' / ') from (select o.award_key || '|' || sum(o.amount) || '|' || count(*) || '|' || (select s.path from source s where s.id = (select min(o2.source_id) from obligation o2 where o2.award_key = o.award_key)) x from obligation o where (o.recipient in $M or o.parent in $M) and o.amount is not null group by o.award_key order by sum(o.amount) desc limit 10)")" \
		"$(rows "$T/e.json" largest_awards "$(jx award_key) || '|' || $(cents amount) || '|' || $(jx records) || '|' || $(jx source)")" \
		"show $id: largest awards with their first source"
	case $id in
	subagency:* | agency:*)
		AG="(select rid from $M union select l.src from link l where l.kind = 'part_of' and l.dst in $M)"
		assert_eq "$(q "$DB" "select group_concat(x, ' / ') from (select fiscal_year || '|' || sum(amount) || '|' || count(*) x from (select basis, rid, fiscal_year, amount from obligation where amount is not null and (subagency in $AG or agency in $AG)) group by fiscal_year order by fiscal_year)")" \
			"$(rows "$T/e.json" awarded "$(jx fiscal_year) || '|' || $(cents amount) || '|' || $(jx records)")" \
			"show $id: awarded by fiscal year"
		;;
	esac
done
# non-empty: the sections checked above hold money
"$BEHIND" --db "$DB" show "$top" --json >"$T/top.json"
assert_ne "" "$(rows "$T/top.json" largest_awards "$(jx award_key)")" "$top: largest awards listed"
assert_ne "" "$(rows "$T/top.json" received "$(jx amount)")" "$top: money received listed"

finish
