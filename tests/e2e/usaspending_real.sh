#!/usr/bin/env bash
# End to end on the real USAspending files in ../shared/data/usaspending,
# checked against an independent route: the sqlite3 CLI imports each raw CSV
# as it is (`.import --csv`) into a scratch database, and plain SQL computes
# the counts and sums (DUNS zero-padded, roll-up to recipient_parent_duns,
# fiscal years from the dd/mm/yyyy action dates, award keys built as
# USAspending does). Those must equal what behind stored and what
# `behind top --json` / `behind show --json` print.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

need_data usaspending
U="$DATA/usaspending"
TX="$U/ice_contract_transactions_fy2013-2018.csv"
SUMM="$U/Contracts_PrimeAwardSummaries_ICE_MN_2025-03-21.csv"
SUBS="$U/Contracts_Subawards_ICE_2025-03-28.csv"
for f in "$TX" "$SUMM" "$SUBS"; do
	[ -f "$f" ] || skip "$f is absent"
done

RAW="$T/raw.db"
DB="$T/real.db"
sqlite3 "$RAW" ".import --csv '$TX' t" ".import --csv '$SUMM' s" ".import --csv '$SUBS' sb" \
	|| fail "sqlite3 could not import the raw files"
# The independent facts: one row per transaction with its padded DUNS, the
# roll-up key (parent DUNS, else its own), cents, fiscal year and award key.
sqlite3 "$RAW" "
CREATE TABLE tx AS SELECT
  substr('000000000' || recipient_duns, -9, 9) AS duns,
  substr('000000000' || coalesce(nullif(recipient_parent_duns, ''), recipient_duns), -9, 9) AS top,
  CAST(round(CAST(federal_action_obligation AS REAL) * 100) AS INTEGER) AS cents,
  CAST(substr(action_date, 7, 4) AS INTEGER) + (CAST(substr(action_date, 4, 2) AS INTEGER) >= 10) AS fy,
  CASE award_or_idv_flag WHEN 'IDV' THEN 'CONT_IDV_' || award_id_piid || '_' || awarding_sub_agency_code
  ELSE 'CONT_AWD_' || award_id_piid || '_' || awarding_sub_agency_code || '_' ||
       coalesce(nullif(parent_award_id, ''), '-NONE-') || '_' ||
       coalesce(nullif(parent_award_agency_id, ''), '-NONE-') END AS award_key
FROM t;" || fail "independent table"
raw() { q "$RAW" "$1"; }

run "$BEHIND" --db "$DB" ingest "$U"
assert_status 0 "$RC" "ingest of the real folder"

# ---- every row lands or is reported -----------------------------------
# (the sqlite3 import counts records, not lines: quoted cells span lines)
for pair in "ice_contract_transactions_fy2013-2018.csv:t" \
	"Contracts_PrimeAwardSummaries_ICE_MN_2025-03-21.csv:s" "Contracts_Subawards_ICE_2025-03-28.csv:sb"; do
	file=${pair%%:*}
	table=${pair##*:}
	assert_eq "$(raw "select count(*) from $table")" \
		"$(q "$DB" "select rows + rejected from source where path LIKE '%/$file'")" \
		"$file: rows + rejected = data rows"
done
assert_eq 5672 "$(q "$DB" "select count(*) from txn")" "the MANIFEST's 5,672 transactions"
assert_contains "$OUT" "transactions_data_dictionary.csv: skipped" "the data dictionary is skipped, not an error"

# ---- totals per company, against the raw sums -------------------------
# total: every transaction of the file
assert_eq "$(raw "select sum(cents) from tx")" "$(q "$DB" "select sum(amount) from txn")" "file total in cents"
# by recipient DUNS (zero-padded): GEO Group, CoreCivic (then Corrections
# Corporation of America), Palantir, Palantir USG, GEO Care (DUNS 79787440
# in the file: a lost leading zero)
for duns in 612706465 159734151 362130952 825284321 079787440 094160959; do
	assert_eq "$(raw "select sum(cents) || '|' || count(*) from tx where duns = '$duns'")" \
		"$(q "$DB" "select sum(t.amount) || '|' || count(*) from txn t join entity e on e.rid = t.recipient where e.id = 'duns:$duns'")" \
		"recipient duns:$duns total|rows"
done
# rolled up to the parent company each row names: GEO Group with GEO Care,
# B.I. Incorporated and Cornell; Palantir with Palantir USG
for duns in 612706465 159734151 362130952; do
	assert_eq "$(raw "select sum(cents) || '|' || count(*) from tx where top = '$duns'")" \
		"$(q "$DB" "select sum(t.amount) || '|' || count(*) from txn t join entity e on e.rid = coalesce(t.parent, t.recipient) where e.id = 'duns:$duns'")" \
		"roll-up to duns:$duns total|rows"
done
# spot values, so a change in both routes at once cannot pass unseen:
# GEO roll-up = 101,739,039.34 over 55 rows (54,236,403.46 + 17,035,276.55
# - 10,317.78 from its own three spellings, 29,796,352.02 B.I.,
# 680,567.79 GEO Care, 757.30 Cornell)
assert_eq "10173903934" "$(raw "select sum(cents) from tx where top = '612706465'")" "GEO roll-up by hand"
assert_eq "$(raw "select count(distinct duns) from tx where top = '612706465'")" \
	"$(q "$DB" "select count(*) + 1 from link l join entity e on e.rid = l.src where l.kind = 'parent_of' and e.id = 'duns:612706465'")" \
	"GEO's children as parent_of links (plus itself)"

# ---- fiscal years -------------------------------------------------------
assert_eq "$(raw "select group_concat(fy || ':' || c, ' ') from (select fy, sum(cents) c from tx group by fy order by fy)")" \
	"$(q "$DB" "select group_concat(fiscal_year || ':' || c, ' ') from (select fiscal_year, sum(amount) c from txn group by 1 order by 1)")" \
	"totals by fiscal year (dd/mm/yyyy read day-first)"

# ---- the no-double-count rule over transactions + summaries -------------
# summaries count only for awards no transaction covers (and once each)
expect=$(raw "select (select sum(cents) from tx) + (select coalesce(sum(CAST(round(CAST(total_obligated_amount AS REAL) * 100) AS INTEGER)), 0) from s where contract_award_unique_key not in (select award_key from tx))")
assert_eq "$expect" "$(q "$DB" "select sum(amount) from obligation")" "obligation total, no double count"
assert_eq "$(raw "select count(*) from s where contract_award_unique_key in (select award_key from tx)")" \
	"$(q "$DB" "select count(*) from award a where exists (select 1 from txn t where t.award_key = a.award_key)")" \
	"summaries whose award has transactions"
assert_eq "$(raw "select sum(CAST(round(CAST(subaward_amount AS REAL) * 100) AS INTEGER)) from sb")" \
	"$(q "$DB" "select sum(amount) from subaward")" "subaward total"
assert_eq "$(raw "select sum(CAST(round(CAST(total_obligated_amount AS REAL) * 100) AS INTEGER)) from s")" \
	"$(q "$DB" "select sum(amount) from award")" "award summary total"

# ---- the answers: behind top --json and behind show --json ---------------
if "$BEHIND" top --help >/dev/null 2>&1; then
	"$BEHIND" --db "$DB" top --agency 7012 --from 2013 --to 2018 --limit 0 --json >"$T/top.json" 2>"$T/top.err"
	assert_status 0 "$?" "behind top --agency 7012 --json"
	for duns in 612706465 159734151 362130952; do
		assert_eq "$(raw "select sum(cents) from tx where top = '$duns'")" \
			"$(json_q "$T/top.json" "select CAST(round(json_extract(r.value, '\$.total') * 100) AS INTEGER) from doc, json_each(doc.j, '\$.recipients') r where json_extract(r.value, '\$.id') = 'duns:$duns'")" \
			"top --json: duns:$duns rolled up, FY2013-2018"
	done
	assert_eq "$(raw "select group_concat(fy || ':' || c, ' ') from (select fy, sum(cents) c from tx where top = '612706465' group by fy order by fy)")" \
		"$(json_q "$T/top.json" "select group_concat(y.key || ':' || CAST(round(y.value * 100) AS INTEGER), ' ') from doc, json_each(doc.j, '\$.recipients') r, json_each(r.value, '\$.by_year') y where json_extract(r.value, '\$.id') = 'duns:612706465'")" \
		"top --json: GEO by fiscal year"
	# the largest recipient of ICE FY2013-2018 is GEO Group
	assert_eq "duns:$(raw "select top from tx group by top order by sum(cents) desc limit 1")" \
		"$(json_q "$T/top.json" "select json_extract(doc.j, '\$.recipients[0].id') from doc")" "top --json: rank 1"
	"$BEHIND" --db "$DB" show duns:362130952 --json >"$T/palantir.json" 2>"$T/show.err"
	assert_status 0 "$?" "behind show palantir --json"
	# Palantir's ICE awards, each with its usaspending.gov page
	assert_eq "$(raw "select group_concat(k, ' ') from (select distinct award_key k from tx where top = '362130952' order by k)")" \
		"$(json_q "$T/palantir.json" "select group_concat(k, ' ') from (select distinct json_extract(a.value, '\$.award_key') k from doc, json_each(doc.j, '\$.largest_awards') a order by k)")" \
		"show --json: Palantir's awards"
	assert_eq 0 \
		"$(json_q "$T/palantir.json" "select count(*) from doc, json_each(doc.j, '\$.largest_awards') a where json_extract(a.value, '\$.url') <> 'https://www.usaspending.gov/award/' || json_extract(a.value, '\$.award_key')")" \
		"show --json: every award has its usaspending.gov page"
	assert_eq "$(raw "select count(*) from tx where top = '362130952'")" \
		"$(json_q "$T/palantir.json" "select sum(json_extract(a.value, '\$.records')) from doc, json_each(doc.j, '\$.largest_awards') a")" \
		"show --json: Palantir's awards cover all its transactions"
	assert_contains "$T/palantir.json" "ice_contract_transactions_fy2013-2018.csv" "show --json names the source file"
else
	echo "note: behind top/show not built yet; JSON answers not checked"
fi

# ---- idempotence on the real folder ---------------------------------------
before=$(dump_hash "$DB")
run "$BEHIND" --db "$DB" ingest "$U"
assert_status 0 "$RC" "second ingest of the real folder"
assert_eq 3 "$(grep -c ': already ingested$' "$OUT")" "three files already ingested"
assert_eq "$before" "$(dump_hash "$DB")" "store unchanged"

finish
