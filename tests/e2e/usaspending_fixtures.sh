#!/usr/bin/env bash
# End to end on the invented USAspending fixtures (tests/fixtures/usaspending):
# each file kind is detected from its header, every value the fixtures hold
# is checked against a hand count (arithmetic in the comments), and the
# no-double-count rule and the parent roll-up are checked on the store.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

F="$FIXTURES/usaspending"
DB="$T/fx.db"

run "$BEHIND" --db "$DB" ingest "$F/txn_old_259col_dmy.csv" "$F/txn_current_iso.csv" \
	"$F/awards_summary.csv" "$F/subawards.csv"
assert_status 0 "$RC" "clean fixtures ingest"
assert_contains "$OUT" "4 file(s) loaded" "summary line"

# ---- kinds, detected from the header, and row counts -----------------
assert_eq "usaspending-transactions|7|0" \
	"$(q "$DB" "select kind, rows, rejected from source where path like '%/txn_old_259col_dmy.csv'")" \
	"old 259-column layout"
assert_eq "usaspending-transactions|3|0" \
	"$(q "$DB" "select kind, rows, rejected from source where path like '%/txn_current_iso.csv'")" \
	"current transactions layout"
assert_eq "usaspending-awards|3|0" \
	"$(q "$DB" "select kind, rows, rejected from source where path like '%/awards_summary.csv'")" \
	"prime award summaries"
assert_eq "usaspending-subawards|3|0" \
	"$(q "$DB" "select kind, rows, rejected from source where path like '%/subawards.csv'")" \
	"subawards"
# 7 + 3 transactions, 3 summaries, 3 subawards
assert_eq 10 "$(q "$DB" "select count(*) from txn")" "txn rows"
assert_eq 3 "$(q "$DB" "select count(*) from award")" "award rows"
assert_eq 3 "$(q "$DB" "select count(*) from subaward")" "subaward rows"
# the sha256 kept is the file's
assert_eq "$(sha256sum "$F/subawards.csv" | cut -d' ' -f1)" \
	"$(q "$DB" "select sha256 from source where path like '%/subawards.csv'")" "source.sha256"
assert_eq "$(wc -c <"$F/subawards.csv" | tr -d ' ')" \
	"$(q "$DB" "select size from source where path like '%/subawards.csv'")" "source.size"

# ---- entities: DUNS zero-padded, UEI, no duplicates -------------------
# "12345678" -> 012345678, "4444444" -> 004444444, "98765432" -> 098765432
assert_eq "ACME DETENTION SERVICES LLC" "$(q "$DB" "select name from entity where id='duns:012345678'")" \
	"DUNS 12345678 padded to 9 digits"
assert_eq "ACME TRANSPORT LLC" "$(q "$DB" "select name from entity where id='duns:004444444'")" \
	"DUNS 4444444 padded to 9 digits"
assert_eq "HOLLOWAY HOLDINGS INC" "$(q "$DB" "select name from entity where id='duns:098765432'")" \
	"parent DUNS padded"
assert_eq "OAKRIDGE TECH INC" "$(q "$DB" "select name from entity where id='duns:007777777'")" \
	"subawardee by DUNS alone"
assert_eq 0 "$(q "$DB" "select count(*) from entity where id like 'duns:%' and length(id) <> 14")" \
	"every DUNS id has 9 digits"
# organizations: ACME DETENTION, HOLLOWAY, ACME TRANSPORT, BLUEFIN (old file);
# CEDAR, PINEWOOD GROUP, PINEWOOD SECURITY (current); DELTA (summaries);
# EVERGREEN, OAKRIDGE (subawards) = 10
assert_eq 10 "$(q "$DB" "select count(*) from entity where kind='organization'")" "organizations"
assert_eq "agency:070 office:70CDCR office:FIXOF1 subagency:7012" \
	"$(q "$DB" "select group_concat(id, ' ') from (select id from entity where kind='public_body' order by id)")" \
	"public bodies by code"
# both spellings of ACME DETENTION's name are kept as statements of one entity
assert_eq "ACME DETENTION SERVICES LLC|2
ACME DETENTION SERVICES, LLC|1" \
	"$(q "$DB" "select value, n from statement where prop='name' and entity=(select rid from entity where id='duns:012345678') order by value")" \
	"name statements with counts"
assert_eq "012345678" \
	"$(q "$DB" "select value from statement where prop='duns' and entity=(select rid from entity where id='duns:012345678')")" \
	"duns statement padded"

# ---- dates: dd/mm/yyyy, ISO, mm/dd/yy all become ISO --------------------
assert_eq "2013-07-25 2014-02-03 2014-10-15 2014-12-01 2015-09-30 2016-01-13 2017-03-02" \
	"$(q "$DB" "select group_concat(action_date, ' ') from (select action_date from txn where source_id=(select id from source where path like '%old_259col%') order by line)")" \
	"dd/mm/yyyy action dates (03/02/2014 is 3 February)"
# fiscal years (October-September): 2014-10-15 and 2014-12-01 are FY2015
assert_eq "2013 2014 2015 2015 2015 2016 2017" \
	"$(q "$DB" "select group_concat(fiscal_year, ' ') from (select fiscal_year from txn where source_id=(select id from source where path like '%old_259col%') order by line)")" \
	"fiscal years"
assert_eq "2021-03-15|2021-11-02
2023-01-05|2023-06-20
2022-06-30|2022-06-30" \
	"$(q "$DB" "select base_date, latest_date from award order by line")" "mm/dd/yy summary dates"
assert_eq "2021-05-01 2021-08-09 2022-01-10" \
	"$(q "$DB" "select group_concat(action_date, ' ') from (select action_date from subaward order by line)")" \
	"subaward dates"
assert_eq 0 "$(q "$DB" "select count(*) from reject")" "no warnings on unambiguous columns"

# ---- money in cents ---------------------------------------------------
# ACME DETENTION: 1,000,000.00 + 250,000.50 - 12,345.67 = 1,237,654.83
assert_eq 123765483 "$(q "$DB" "select sum(amount) from txn where recipient=(select rid from entity where id='duns:012345678')")" \
	"ACME DETENTION total"
# BLUEFIN: 150,000 + 49,999.99 = 199,999.99
assert_eq 19999999 "$(q "$DB" "select sum(amount) from txn where recipient=(select rid from entity where id='duns:555000111')")" \
	"BLUEFIN total"
# old file: 1,237,654.83 + 500,000 + 75,000.25 + 199,999.99 = 2,012,655.07
assert_eq 201265507 "$(q "$DB" "select sum(amount) from txn where source_id=(select id from source where path like '%old_259col%')")" \
	"old layout file total"

# ---- parent roll-up ---------------------------------------------------
# HOLLOWAY = ACME DETENTION 1,237,654.83 + ACME TRANSPORT 500,000 + itself 75,000.25
#          = 1,812,655.08
assert_eq 181265508 \
	"$(q "$DB" "select sum(amount) from txn where coalesce(parent, recipient)=(select rid from entity where id='duns:098765432')")" \
	"HOLLOWAY roll-up"
assert_eq "duns:004444444 duns:012345678" \
	"$(q "$DB" "select group_concat(c.id, ' ') from (select e.id from link l join entity e on e.rid=l.dst where l.kind='parent_of' and l.src=(select rid from entity where id='duns:098765432') group by e.id order by e.id) c")" \
	"HOLLOWAY's children (not itself)"
# PINEWOOD GROUP = CEDAR 100,000 + 50,000 + PINEWOOD SECURITY 20,000.10 = 170,000.10
assert_eq 17000010 \
	"$(q "$DB" "select sum(amount) from obligation where coalesce(parent, recipient)=(select rid from entity where id='uei:PINEWOODGR01')")" \
	"PINEWOOD roll-up over the obligation view"

# ---- no double counting -----------------------------------------------
# CEDAR's award has transactions (150,000) and a summary (175,000): the view
# counts the transactions only.
assert_eq "txn|15000000" \
	"$(q "$DB" "select group_concat(distinct basis), sum(amount) from obligation where award_key='CONT_AWD_70CDCR21C00000001_7012_-NONE-_-NONE-'")" \
	"award in both transactions and summary counted once"
# DELTA's award is only summarized: 80,000 from the summary
assert_eq "award|8000000" \
	"$(q "$DB" "select group_concat(distinct basis), sum(amount) from obligation where recipient=(select rid from entity where id='uei:DELTAFNC0004')")" \
	"summary-only award counted from the summary"
# everything: 2,012,655.07 (old) + 170,000.10 (current) + 80,000 (DELTA)
#           = 2,262,655.17
assert_eq 226265517 "$(q "$DB" "select sum(amount) from obligation")" "obligation total"

# ---- subawards --------------------------------------------------------
# CEDAR -> EVERGREEN: 12,500 + 7,500.50 = 20,000.50 over 2 subawards
assert_eq "2000050|2|2021-05-01|2021-08-09" \
	"$(q "$DB" "select amount, n, first_date, last_date from link where kind='subcontracted' and src=(select rid from entity where id='uei:CEDARLOG0001') and dst=(select rid from entity where id='uei:EVERGRN00005')")" \
	"prime -> sub link"
assert_eq "300000|1" \
	"$(q "$DB" "select amount, n from link where kind='subcontracted' and dst=(select rid from entity where id='duns:007777777')")" \
	"prime -> sub by DUNS"
# the first subaward's description spans lines 2-3, so the next row is line 4
assert_eq "2 4 5" "$(q "$DB" "select group_concat(line, ' ') from (select line from subaward order by line)")" \
	"physical line numbers"
assert_eq "VEHICLE MAINTENANCE
AND REPAIR" "$(q "$DB" "select description from subaward where number='SUB-001'")" "multi-line description"
assert_eq 'DATA ANALYSIS, "CASE" SOFTWARE' \
	"$(q "$DB" "select description from txn where piid='FIXT16C0004' and modification='0'")" "quoted cell"

# ---- keys --------------------------------------------------------------
assert_eq "CONT_AWD_FIXT13C0001_7012_-NONE-_-NONE-" \
	"$(q "$DB" "select distinct award_key from txn where piid='FIXT13C0001'")" "award key built for the old layout"
assert_eq 10 "$(q "$DB" "select count(distinct txn_key) from txn")" "transaction keys unique"

# ---- full-text index --------------------------------------------------
assert_eq "PERIMETER FENCING" "$(q "$DB" "select description from award_fts where award_fts match 'fencing'")" \
	"award descriptions indexed"
# "DETENTION BED SPACE" on lines 2 and 3 of the old file
assert_eq 2 "$(q "$DB" "select count(*) from txn_fts where txn_fts match 'detention'")" "txn descriptions indexed"

# ---- the answers: behind top --json, behind show --json ----------------
if "$BEHIND" top --help >/dev/null 2>&1; then
	"$BEHIND" --db "$DB" top --agency 7012 --json >"$T/top.json"
	assert_status 0 "$?" "top --json"
	# 2,262,655.17 as above; four roll-up groups: HOLLOWAY, BLUEFIN, PINEWOOD, DELTA
	assert_eq "2262655.17|4" "$(json_q "$T/top.json" "select json_extract(j, '\$.total'), json_extract(j, '\$.recipients_count') from doc")" \
		"top --json: agency total and recipients"
	assert_eq "duns:098765432:181265508 duns:555000111:19999999 uei:PINEWOODGR01:17000010 uei:DELTAFNC0004:8000000" \
		"$(json_q "$T/top.json" "select group_concat(json_extract(r.value, '\$.id') || ':' || CAST(round(json_extract(r.value, '\$.total') * 100) AS INTEGER), ' ') from doc, json_each(doc.j, '\$.recipients') r")" \
		"top --json: ranking rolled up to parents, no double count"
	# HOLLOWAY by fiscal year: FY2013 1,000,000; FY2014 250,000.50;
	# FY2015 -12,345.67 + 500,000 + 75,000.25 = 562,654.58
	assert_eq "2013:100000000 2014:25000050 2015:56265458" \
		"$(json_q "$T/top.json" "select group_concat(y.key || ':' || CAST(round(y.value * 100) AS INTEGER), ' ') from doc, json_each(doc.j, '\$.recipients[0].by_year') y")" \
		"top --json: HOLLOWAY by fiscal year"
	"$BEHIND" --db "$DB" show uei:CEDARLOG0001 --json >"$T/cedar.json"
	assert_status 0 "$?" "show --json"
	assert_eq "CONT_AWD_70CDCR21C00000001_7012_-NONE-_-NONE-|15000000|2|2|https://www.usaspending.gov/award/CONT_AWD_70CDCR21C00000001_7012_-NONE-_-NONE-" \
		"$(json_q "$T/cedar.json" "select json_extract(a.value, '\$.award_key'), CAST(round(json_extract(a.value, '\$.amount') * 100) AS INTEGER), json_extract(a.value, '\$.records'), json_extract(a.value, '\$.line'), json_extract(a.value, '\$.url') from doc, json_each(doc.j, '\$.largest_awards') a")" \
		"show --json: CEDAR's award counted from its transactions, with line and page"
	assert_eq "uei:PINEWOODGR01" "$(json_q "$T/cedar.json" "select json_extract(j, '\$.parents[0].id') from doc")" \
		"show --json: parent"
	assert_eq "uei:EVERGRN00005:2000050 duns:007777777:300000" \
		"$(json_q "$T/cedar.json" "select group_concat(json_extract(s.value, '\$.id') || ':' || CAST(round(json_extract(s.value, '\$.amount') * 100) AS INTEGER), ' ') from doc, json_each(doc.j, '\$.subcontracts_given') s")" \
		"show --json: subcontracts given"
fi

# ---- the same files inside a zip give the same facts ------------------
mkdir -p "$T/z"
cp "$F/txn_old_259col_dmy.csv" "$F/txn_current_iso.csv" "$F/awards_summary.csv" "$F/subawards.csv" "$T/z/"
(cd "$T/z" && zip -q ../fixtures.zip ./*.csv)
ZDB="$T/zip.db"
run "$BEHIND" --db "$ZDB" ingest "$T/fixtures.zip"
assert_status 0 "$RC" "zip ingest"
assert_eq 4 "$(q "$ZDB" "select count(*) from source where path like '%fixtures.zip!%'")" "zip members as sources"
assert_eq 226265517 "$(q "$ZDB" "select sum(amount) from obligation")" "zip: same obligation total"
assert_eq "$(q "$DB" "select kind, rows from source order by kind, rows")" \
	"$(q "$ZDB" "select kind, rows from source order by kind, rows")" "zip: same kinds and rows"
run "$BEHIND" --db "$ZDB" ingest "$T/fixtures.zip"
assert_status 0 "$RC" "zip again"
assert_contains "$OUT" "already ingested" "zip again says already ingested"

finish
