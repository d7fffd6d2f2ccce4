#!/usr/bin/env bash
# `behind who`: the agency dossier, on the invented fixtures (hand counts)
# and on the real USAspending files (against sqlite3 over the raw CSV), and
# its --html page in headless Chromium (no console errors, a screenshot).
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

F="$FIXTURES/usaspending"
DB="$T/who.db"
run "$BEHIND" --db "$DB" ingest "$F/txn_old_259col_dmy.csv" "$F/txn_current_iso.csv" \
	"$F/awards_summary.csv" "$F/subawards.csv" "$FIXTURES/who/hidden_vendor.csv"
assert_status 0 "$RC" "fixtures ingest"

run "$BEHIND" --db "$DB" who 7012 --json
assert_status 0 "$RC" "who --json"
cp "$OUT" "$T/who.json"
# 2,262,655.17 (usaspending_fixtures.sh) + 5,000 + 41,000.50 + 1,999.50 + 700
# + 300 (hidden_vendor.csv) = 2,311,655.17
assert_eq "2311655.17" "$(json_q "$T/who.json" "select json_extract(j, '\$.total') from doc")" "who total"
assert_eq "2311655.17" \
	"$(json_q "$T/who.json" "select printf('%.2f', sum(json_extract(y.value, '\$.amount'))) from doc, json_each(doc.j, '\$.money.by_year') y")" \
	"years add up to the total"
# FY2022: PINEWOOD 70,000.10 + 5,000 + 41,000.50 + 1,999.50 + 700 + 300 = 119,000.10
assert_eq "119000.1" \
	"$(json_q "$T/who.json" "select json_extract(y.value, '\$.amount') from doc, json_each(doc.j, '\$.money.by_year') y where json_extract(y.value, '\$.fiscal_year') = 2022")" \
	"FY2022"
# rank 1 is HOLLOWAY rolled up: 1,812,655.08 (usaspending_fixtures.sh)
assert_eq "duns:098765432|1812655.08" \
	"$(json_q "$T/who.json" "select json_extract(r.value, '\$.id') || '|' || json_extract(r.value, '\$.amount') from doc, json_each(doc.j, '\$.money.top_recipients') r where json_extract(r.value, '\$.rank') = 1")" \
	"top recipient"
# subcontracts: CEDAR -> EVERGREEN 20,000.50 over 2, CEDAR -> OAKRIDGE 3,000
assert_eq "uei:EVERGRN00005:20000.5:2 duns:007777777:3000.0:1" \
	"$(json_q "$T/who.json" "select group_concat(json_extract(s.value, '\$.sub_id') || ':' || json_extract(s.value, '\$.amount') || ':' || json_extract(s.value, '\$.subawards'), ' ') from doc, json_each(doc.j, '\$.supply_chain.subcontracts') s")" \
	"subcontracts"
# hidden vendors: ZANTRIX in RESELLCO's two awards, 41,000.50 + 1,999.50; never SPECTRUM
assert_eq "uei:ZANTRIX00001|ZANTRIX|RESELLCO LLC|43000.0|2" \
	"$(json_q "$T/who.json" "select group_concat(json_extract(h.value, '\$.named_id') || '|' || json_extract(h.value, '\$.phrase') || '|' || json_extract(h.value, '\$.recipient') || '|' || json_extract(h.value, '\$.amount') || '|' || json_extract(h.value, '\$.awards'), ' ') from doc, json_each(doc.j, '\$.supply_chain.hidden_vendors') h")" \
	"hidden vendors"
assert_eq "" "$(json_q "$T/who.json" "select 1 from doc where json_extract(j, '\$.lobbying') IS NULL")" \
	"influence sections present"

run "$BEHIND" --db "$DB" who 7012 --from 2022 --to 2022 --json
assert_eq "119000.1" "$(json_q "$OUT" "select json_extract(j, '\$.total') from doc")" "who --from/--to"
run "$BEHIND" --db "$DB" who "no such agency at all"
assert_status 2 "$RC" "unknown agency"
assert_contains "$(cat "$OUT")" "no entity matches" "unknown agency message"

# ---- the HTML report --------------------------------------------------
run "$BEHIND" --db "$DB" who 7012 --html "$T/who.html"
assert_status 0 "$RC" "who --html"
html=$(cat "$T/who.html")
assert_contains "$html" "<svg" "charts are inline SVG"
assert_contains "$html" "\$1,812,655.08" "top recipient in the page"
assert_contains "$html" "https://www.usaspending.gov/award/CONT_AWD_FIXT13C0001_7012_-NONE-_-NONE-" "award page link"
assert_contains "$html" "txn_old_259col_dmy.csv:2" "cited record"
assert_not_contains "$html" "<script" "no script"
assert_not_contains "$html" "http://" "no plain-http resource"
# a vendor name that is markup shows as text
EVIL='<script>alert(1)</script>'
sed "s#RESELLCO LLC#$EVIL#g" "$FIXTURES/who/hidden_vendor.csv" >"$T/evil.csv"
run "$BEHIND" --db "$T/evil.db" ingest "$T/evil.csv"
run "$BEHIND" --db "$T/evil.db" who 7012 --html "$T/evil.html"
assert_status 0 "$RC" "who --html, hostile name"
assert_not_contains "$(cat "$T/evil.html")" "<script" "hostile name escaped"
assert_contains "$(cat "$T/evil.html")" "&lt;script&gt;alert(1)&lt;/script&gt;" "hostile name shown as text"

if [ -x /usr/bin/chromium ] && [ -d "$ROOT/web/node_modules/playwright-core" ]; then
	brc=0
	WEB="$ROOT/web" PAGE="$T/who.html" SHOT="$T/who.png" HOME="$T" \
		timeout 120 node "$ROOT/tests/browser/report.mjs" >"$T/report.log" 2>&1 || brc=$?
	assert_eq 0 "$brc" "report opens in Chromium without errors ($(tr '\n' ' ' <"$T/report.log"))"
else
	echo "note: Chromium or web/node_modules missing; the page was checked as text only"
fi

# ---- real data --------------------------------------------------------
if [ -d "$DATA/usaspending" ]; then
	U="$DATA/usaspending"
	RDB="$T/real.db"
	run "$BEHIND" --db "$RDB" ingest "$U"
	run "$BEHIND" --db "$RDB" who 7012 --from 2013 --to 2018 --json
	assert_status 0 "$RC" "who on the real files"
	cp "$OUT" "$T/real.json"
	# independent: the raw transactions CSV through sqlite3's own importer;
	# FY2013-FY2018 by action_date (dd/mm/yyyy): fiscal year = year + (month >= 10)
	RAW="$T/raw.db"
	sqlite3 "$RAW" ".import --csv '$U/ice_contract_transactions_fy2013-2018.csv' t"
	raw_total=$(q "$RAW" "select printf('%.2f', sum(cast(federal_action_obligation as real))) from t
		where cast(substr(action_date, 7, 4) as int) + (cast(substr(action_date, 4, 2) as int) >= 10) between 2013 and 2018")
	# award summaries (MN recipients) with no transaction in the file, base FY 2013-2018
	sqlite3 "$RAW" ".import --csv '$U/Contracts_PrimeAwardSummaries_ICE_MN_2025-03-21.csv' s"
	raw_sum=$(q "$RAW" "select printf('%.2f', coalesce(sum(cast(total_obligated_amount as real)), 0)) from s
		where cast(award_base_action_date_fiscal_year as int) between 2013 and 2018
		and awarding_sub_agency_code = '7012'
		and contract_award_unique_key not in (select CASE WHEN award_or_idv_flag = 'IDV'
			THEN 'CONT_IDV_' || award_id_piid || '_' || awarding_sub_agency_code
			ELSE 'CONT_AWD_' || award_id_piid || '_' || awarding_sub_agency_code || '_' ||
			coalesce(nullif(parent_award_id, ''), '-NONE-') || '_' ||
			coalesce(nullif(parent_award_agency_id, ''), '-NONE-') END from t)")
	want=$(q "$RAW" "select printf('%.2f', $raw_total + $raw_sum)")
	assert_eq "$want" "$(json_q "$T/real.json" "select printf('%.2f', json_extract(j, '\$.total')) from doc")" \
		"ICE FY2013-2018 total = raw transactions + summary-only awards"
	# GEO rolled up (own DUNS or parent DUNS 612706465), by the raw file
	geo=$(q "$RAW" "select printf('%.2f', sum(cast(federal_action_obligation as real))) from t
		where (printf('%09d', cast(recipient_parent_duns as int)) = '612706465'
		   or (recipient_parent_duns = '' and printf('%09d', cast(recipient_duns as int)) = '612706465'))
		and cast(substr(action_date, 7, 4) as int) + (cast(substr(action_date, 4, 2) as int) >= 10) between 2013 and 2018")
	assert_eq "duns:612706465|$geo" \
		"$(json_q "$T/real.json" "select json_extract(r.value, '\$.id') || '|' || printf('%.2f', json_extract(r.value, '\$.amount')) from doc, json_each(doc.j, '\$.money.top_recipients') r where json_extract(r.value, '\$.rank') = 1")" \
		"GEO first, rolled up, as the raw file says"
	# hidden vendors include Microsoft, bought through resellers
	assert_contains "$(json_q "$T/real.json" "select group_concat(json_extract(h.value, '\$.phrase'), ',') from doc, json_each(doc.j, '\$.supply_chain.hidden_vendors') h")" \
		"MICROSOFT" "Microsoft is a hidden vendor"
else
	echo "note: $DATA/usaspending absent; real-data checks skipped"
fi
finish
