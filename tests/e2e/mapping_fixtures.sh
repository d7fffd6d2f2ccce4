#!/usr/bin/env bash
# Mapping files (docs/mappings.md) on the invented fixtures of
# tests/fixtures/mapping: every validation error (errors/*.yaml, each with
# the message it must give in errors/*.expect) refuses the input with the
# mapping's file and line and writes nothing; every feature lands the
# values worked out by hand in the comments below; mapped links serve
# path, export and resolve like built-in ones; ingest stays idempotent and
# a changed mapping re-ingests the same file.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

M="$FIXTURES/mapping"

# ---- validation errors: exit 2, FILE:LINE: message, nothing written ----
n=0
for f in "$M"/errors/*.yaml; do
	name=$(basename "$f" .yaml)
	db="$T/err-$name.db"
	run "$BEHIND" --db "$db" ingest --mapping "$f" "$M/errors/data.csv"
	assert_status 2 "$RC" "$name: refused"
	first=1
	while IFS= read -r want; do
		if [ "$first" = 1 ]; then
			assert_contains "$OUT" "$f:$want" "$name: message names the mapping and line"
			first=0
		else
			assert_contains "$OUT" "$want" "$name: nearest word suggested"
		fi
	done <"$M/errors/$name.expect"
	if [ -f "$db" ]; then
		assert_eq 0 "$(q "$db" "select (select count(*) from source) + (select count(*) from entity)")" \
			"$name: nothing written"
	fi
	n=$((n + 1))
done
assert_eq 33 "$n" "error fixtures run"

run "$BEHIND" --db "$T/x.db" ingest --mapping "$M/facilities.yaml" --kind positions "$M/facilities.csv"
assert_status 2 "$RC" "--kind and --mapping together"
run "$BEHIND" --db "$T/x.db" ingest --mapping "$M/no-such.yaml" "$M/facilities.csv"
assert_status 2 "$RC" "missing mapping file"
assert_contains "$OUT" "no-such.yaml: cannot read the mapping" "missing mapping named"

# ---- facilities: ; delimiter, inferred d/m/y, decimal comma, euro -------
DB="$T/fac.db"
run "$BEHIND" --db "$DB" ingest --mapping "$M/facilities.yaml" "$M/facilities.csv"
assert_status 1 "$RC" "facilities: lands with rejects"
assert_contains "$OUT" "facilities.csv:6: rejected: column 'Awarded' is not a date: '31/02/2021'" "bad date"
assert_contains "$OUT" "facilities.csv:7: rejected: column 'Value' is not an amount: 'lots'" "bad amount"
assert_contains "$OUT" "facilities.csv:8: rejected: no operator: its id is empty" "empty required id"
assert_contains "$OUT" "facilities.csv:9: rejected: 4 fields, expected 8" "short row"
assert_eq "4|4|mapping" "$(q "$DB" "select rows, rejected, kind from source")" "rows, rejects, kind"
# lines 2, 3 and 5 are awards to Harbor (one UEI, written lower case once):
# 1,250,000.50 + 250,000.00 + 10,000.25 = 1,510,000.75 from 13 Feb 2019
# to 1 Mar 2020 (01/03 is day-first: the column showed 13/02)
assert_eq "151000075|3|2019-02-13|2020-03-01|2" "$(q "$DB" "select l.amount, l.n, l.first_date, l.last_date, l.line
  from link l join entity d on d.rid = l.dst where l.kind = 'awarded' and d.id = 'uei:HDG111111111'")" "awarded to Harbor"
# Stonegate has no UEI (N/A): keyed by name; its amount N/A is no amount
assert_eq "|2021-06-05" "$(q "$DB" "select l.amount, l.first_date from link l join entity d on d.rid = l.dst
  where l.kind = 'awarded' and d.id = 'name:STONEGATE CORRECTIONS LLC'")" "awarded to Stonegate"
assert_eq "3" "$(q "$DB" "select count(*) from link where kind = 'operated_by'")" "operated_by links"
assert_eq "3" "$(q "$DB" "select count(*) from link where kind = 'covers facility'")" "free label links"
assert_eq "contract|public_body" "$(q "$DB" "select group_concat(kind, '|') from (select distinct kind from entity
  where id in ('contract:IEB-2019-001', 'name:IMMIGRATION ENFORCEMENT BUREAU') order by kind)")" "kinds"
assert_eq "Contract IEB-2019-001" "$(q "$DB" "select name from entity where id = 'contract:IEB-2019-001'")" "template name"
assert_eq "HDG111111111|3" "$(q "$DB" "select value, n from statement where prop = 'uei'")" "uei property (upper)"
assert_eq "modification|renewed twice" "$(q "$DB" "select group_concat(value, '|') from (select value from statement
  where prop = 'note' order by value)")" "note property; N/A is empty"
assert_eq "https://contracts.example.org/award/IEB%202021%2F003" \
	"$(q "$DB" "select url from mapped_row where line = 4")" "url template, url filter"
assert_eq "2 3 4 5" "$(q "$DB" "select group_concat(line, ' ') from mapped_row")" "one mapped_row per landed line"

# usable as any link: path and export
run "$BEHIND" --db "$DB" path "Pinecrest Processing Center" "Immigration Enforcement Bureau"
assert_status 0 "$RC" "path over mapped links"
assert_contains "$OUT" "--operated_by->" "path: operated_by hop"
assert_contains "$OUT" "\$1,510,000.75" "path: awarded amount"
run "$BEHIND" --db "$DB" export --format csv
assert_status 0 "$RC" "export"
assert_contains "$OUT" '"awarded","name:IMMIGRATION ENFORCEMENT BUREAU","uei:HDG111111111"' "export edge"
assert_contains "$OUT" "https://contracts.example.org/award/IEB-2019-001" "export carries the row's url"

# ---- idempotence; a changed mapping re-ingests ---------------------------
before=$(dump_hash "$DB")
run "$BEHIND" --db "$DB" ingest --mapping "$M/facilities.yaml" "$M/facilities.csv"
assert_status 0 "$RC" "same file, same mapping"
assert_contains "$OUT" "already ingested" "skipped"
assert_eq "$before" "$(dump_hash "$DB")" "store unchanged"
sed 's/^name: detention-facilities$/name: facilities-v2/' "$M/facilities.yaml" >"$T/facilities-v2.yaml"
run "$BEHIND" --db "$DB" ingest --mapping "$T/facilities-v2.yaml" "$M/facilities.csv"
assert_status 1 "$RC" "same file, changed mapping"
assert_contains "$OUT" "(replaced)" "re-ingested as a replacement"
assert_eq "facilities-v2|4" "$(q "$DB" "select mapping, count(*) from mapped_row group by mapping")" "rows of the new mapping only"
assert_eq "1|151000075" "$(q "$DB" "select count(*), sum(amount) from link where kind = 'awarded' and amount is not null")" "links not doubled"

# ---- contributions: no header, |, no quoting, d/m/y, $ ------------------
DB="$T/contrib.db"
run "$BEHIND" --db "$DB" ingest --mapping "$M/contributions.yaml" "$M/contributions.txt"
assert_status 1 "$RC" "contributions"
assert_contains "$OUT" "contributions.txt:5: rejected: no donor" "empty person"
assert_contains "$OUT" "contributions.txt:6: rejected: column '5' is not a date: '02/13/2020'" "dmy stated"
# line 1 is data (no header); Doe gave 250.00 + 1,000 = 1,250.00; Poe gave
# (50.00) + 75 = 25.00; quotes are kept as characters
assert_eq "person:DOE JOHN Q|fec:C90000001|125000|2020-01-15|2020-02-03|1" "$(q "$DB" "select s.id, d.id, l.amount,
  l.first_date, l.last_date, l.line from link l join entity s on s.rid = l.src join entity d on d.rid = l.dst
  where l.kind = 'contributed' and s.id like '%DOE%'")" "Doe's contributions"
assert_eq "2500" "$(q "$DB" "select amount from link where kind = 'contributed' and line = 3")" "Poe's, with a refund"
assert_eq '"BIG" JIM FOR SENATE|committee' "$(q "$DB" "select name, kind from entity where id = 'fec:C90000002'")" "no quoting"
# NONE and an empty employer: the entity is optional, the rows land
assert_eq "1" "$(q "$DB" "select count(*) from link where kind = 'employee of'")" "employer links (Doe only)"
assert_eq "4" "$(q "$DB" "select count(*) from mapped_row")" "rows landed"

# ---- subawards: tab, ISO only, duns and lower filters ---------------------
DB="$T/sub.db"
run "$BEHIND" --db "$DB" ingest --mapping "$M/subawards.yaml" "$M/subawards.tsv"
assert_status 1 "$RC" "subawards"
assert_contains "$OUT" "subawards.tsv:5: rejected: column 'Reported' is not a date: '07/08/2021'" "iso only"
# 12345678 and 012345678 are one DUNS; 000000077 and 77 too: 12,000.10 + 800
assert_eq "1280010|2" "$(q "$DB" "select l.amount, l.n from link l join entity s on s.rid = l.src join entity d on d.rid = l.dst
  where l.kind = 'subcontracted' and s.id = 'duns:012345678' and d.id = 'duns:000000077'")" "subcontracted by DUNS"
assert_eq "name:GRAY TRANSPORT CO" "$(q "$DB" "select d.id from link l join entity d on d.rid = l.dst where l.line = 4")" "DUNS 'ABC': the name's key"
assert_eq "harbor detention group inc" "$(q "$DB" "select value from statement where prop = 'slug'")" "lower filter"
assert_eq "1|1" "$(q "$DB" "select (select count(*) from link where kind = 'parent_of'), (select count(*) from link where kind = 'lobbied_for')")" "parent_of, lobbied_for"

# ---- resolution: a hand-made list merges with USAspending ----------------
DB="$T/resolve.db"
run "$BEHIND" --db "$DB" ingest "$FIXTURES/usaspending/txn_current_iso.csv"
run "$BEHIND" --db "$DB" ingest --mapping "$M/vendors.yaml" "$M/vendors.csv"
assert_status 0 "$RC" "vendors"
run "$BEHIND" --db "$DB" resolve
assert_status 0 "$RC" "resolve"
canon() {
	q "$DB" "select coalesce((select canon from cluster where entity = e.rid), e.rid) from entity e where e.id = '$1'"
}
assert_eq "$(canon uei:CEDARLOG0001)" "$(canon 'name:CEDAR LOGISTICS CORPORATION')" "merged by the shared UEI"
assert_eq "$(canon uei:PINEWOODGR01)" "$(canon 'name:PINEWOOD GROUP')" "merged by name"

# ---- USAspending's custom-column export (docs/mappings.md) ----------------
DB="$T/custom.db"
run "$BEHIND" --db "$DB" ingest --mapping "$M/usaspending_custom.yaml" "$M/usaspending_custom.csv"
assert_status 0 "$RC" "custom-column export"
# Northwind: 1,200,000.00 - 50,000.00 = 1,150,000.00 over two actions
assert_eq "115000000|2|2020-10-01|2021-03-15" "$(q "$DB" "select l.amount, l.n, l.first_date, l.last_date
  from link l join entity d on d.rid = l.dst where l.kind = 'awarded' and d.id = 'uei:NWST00000001'")" "awarded by UEI"
assert_eq "name:LAKESIDE DATA SYSTEMS INC|2500050" "$(q "$DB" "select d.id, l.amount from link l join entity d on d.rid = l.dst
  where l.kind = 'awarded' and l.line = 4")" "no UEI: by name"
assert_eq "https://www.usaspending.gov/award/CONT_AWD_70B04C21F00000002_7014_70B04C19D00000003_7014" \
	"$(q "$DB" "select url from mapped_row where line = 4")" "award page"

# ---- the examples of docs/mappings.md are these fixtures, verbatim -------
docs="$ROOT/docs/mappings.md"
nblocks=0
for name in $(sed -n 's/^<!-- fixture: \(.*\) -->$/\1/p' "$docs"); do
	awk -v want="<!-- fixture: $name -->" '
		$0 == want { on = 1; next }
		on == 1 && /^```yaml$/ { on = 2; next }
		on == 2 && /^```$/ { exit }
		on == 2 { print }' "$docs" >"$T/doc-$name"
	assert_eq "" "$(diff "$T/doc-$name" "$M/$name")" "docs/mappings.md: $name as in the fixture"
	nblocks=$((nblocks + 1))
done
assert_eq 5 "$nblocks" "examples checked"

# ---- a byte order mark before the header; a zip under two mappings ------
DB="$T/bom.db"
printf '\357\273\277' >"$T/bom.csv"
cat "$M/vendors.csv" >>"$T/bom.csv"
run "$BEHIND" --db "$DB" ingest --mapping "$M/vendors.yaml" "$T/bom.csv"
assert_status 0 "$RC" "header after a BOM"
assert_eq "2" "$(q "$DB" "select count(*) from entity where id like 'name:%'")" "BOM: both vendors"
DB="$T/zip.db"
(cd "$M" && zip -q "$T/fac.zip" facilities.csv)
run "$BEHIND" --db "$DB" ingest --mapping "$M/facilities.yaml" "$T/fac.zip"
assert_status 1 "$RC" "zip through a mapping"
assert_eq "4" "$(q "$DB" "select count(*) from mapped_row")" "zip: rows"
run "$BEHIND" --db "$DB" ingest --mapping "$M/facilities.yaml" "$T/fac.zip"
assert_contains "$OUT" "already ingested" "zip again: skipped"
run "$BEHIND" --db "$DB" ingest --mapping "$T/facilities-v2.yaml" "$T/fac.zip"
assert_contains "$OUT" "(replaced)" "zip under a changed mapping: read again"
assert_eq "facilities-v2|4" "$(q "$DB" "select mapping, count(*) from mapped_row group by mapping")" "zip: new mapping's rows"

# ---- csv.escape: backslash ------------------------------------------------
DB="$T/bs.db"
run "$BEHIND" --db "$DB" ingest --mapping "$M/backslash.yaml" "$M/backslash.csv"
assert_status 0 "$RC" "backslash-escaped quotes"
assert_eq 'Cedar "Big" Logistics' "$(q "$DB" "select name from entity where id = 'name:CEDAR BIG LOGISTICS'")" "\\\" read as a quote"
assert_eq 'said "hi", then left' "$(q "$DB" "select value from statement where prop = 'note' and line = 2")" "quoted delimiter kept"
run "$BEHIND" --db "$T/bs2.db" ingest --mapping "$M/vendors.yaml" "$M/backslash.csv"
assert_status 1 "$RC" "without escape: the row's quoting is broken"
assert_eq "1|1" "$(q "$T/bs2.db" "select rows, rejected from source")" "without escape: rejected"

# ---- a value past its cap rejects the row, never cut silently -----------
long=$(printf 'A%.0s' $(seq 600))
printf 'vendor,uei,note\n%s,,long\nShort Co,,short\n' "$long" >"$T/long.csv"
printf 'entities:\n  vendor:\n    kind: organization\n    id: "x:{vendor}"\n    name: vendor\n' >"$T/long.yaml"
run "$BEHIND" --db "$T/long.db" ingest --mapping "$T/long.yaml" "$T/long.csv"
assert_status 1 "$RC" "too long an id"
assert_contains "$OUT" "long.csv:2: rejected: vendor: a value is longer than 512 bytes" "cap named"
assert_eq "x:Short Co" "$(q "$T/long.db" "select group_concat(id) from entity")" "the other row lands"

# ---- dates: auto, settled late or never -----------------------------------
# 01/03 and 02/03 are provisional until 25/12 shows day-first: 1 and 2 March
run "$BEHIND" --db "$T/late.db" ingest --mapping "$M/dates_auto.yaml" "$M/dates_settle_late.csv"
assert_status 0 "$RC" "dates settled late"
assert_eq "2020-03-01|2020-03-02|3000 2020-12-25|2020-12-25|500" \
	"$(q "$T/late.db" "select group_concat(first_date || '|' || last_date || '|' || amount, ' ') from (select * from link order by line)")" "provisional dates rewritten day-first"
assert_not_contains "$OUT" "ambiguous" "no warning once settled"
run "$BEHIND" --db "$T/never.db" ingest --mapping "$M/dates_auto.yaml" "$M/dates_never_settle.csv"
assert_status 0 "$RC" "dates never settled"
assert_contains "$OUT" "warning: column paid: day/month order is ambiguous" "warned, naming the column"
assert_eq "2020-01-03|2020-02-04" "$(q "$T/never.db" "select first_date || '|' || last_date from link")" "read month-first"

finish
