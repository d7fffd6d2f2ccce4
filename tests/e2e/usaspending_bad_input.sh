#!/usr/bin/env bash
# Every bad input of the foundation issue, on the invented fixtures: each
# gets a message naming file, line and reason; bad rows go to `reject` and
# the rest lands (exit 1); inputs refused whole leave the store exactly as it
# was (exit 2 when nothing else landed). Every data row lands or is reported.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

F="$FIXTURES/usaspending"
DB="$T/bad.db"

# A store that already holds something, so "nothing written" is visible.
run "$BEHIND" --db "$DB" ingest "$F/txn_current_iso.csv"
assert_status 0 "$RC" "seed ingest"

# src FILE: the source row of a fixture, "rows|rejected|repaired".
src() {
	q "$DB" "select rows, rejected, repaired from source where path like '%/$1'"
}
# rejects FILE: "line|action|reason" of a fixture, in line order.
rejects() {
	q "$DB" "select r.line, r.action, r.reason from reject r join source s on s.id=r.source_id where s.path like '%/$1' order by r.line, r.rowid"
}

# ---- refused whole: the store does not change -------------------------
for bad in empty.csv not_csv.png random_bytes.bin unknown_header.csv corrupt.zip \
	missing_amount_column.csv; do
	before=$(dump_hash "$DB")
	run "$BEHIND" --db "$DB" ingest "$F/$bad"
	assert_status 2 "$RC" "$bad: nothing landed"
	assert_contains "$OUT" "$F/$bad" "$bad: the message names the file"
	assert_eq "$before" "$(dump_hash "$DB")" "$bad: store unchanged"
	assert_eq 0 "$(q "$DB" "select count(*) from source where path like '%/$bad%'")" "$bad: no source row"
done
run "$BEHIND" --db "$DB" ingest "$F/empty.csv"
assert_contains "$OUT" "empty file" "empty: reason"
run "$BEHIND" --db "$DB" ingest "$F/not_csv.png"
assert_contains "$OUT" "unknown kind" "png: reason"
run "$BEHIND" --db "$DB" ingest "$F/unknown_header.csv"
assert_contains "$OUT" "unknown kind" "unknown header: reason"
assert_contains "$OUT" "nothing written" "unknown header: says nothing was written"
run "$BEHIND" --db "$DB" ingest "$F/corrupt.zip"
assert_contains "$OUT" "corrupt" "corrupt zip: reason"
run "$BEHIND" --db "$DB" ingest "$F/missing_amount_column.csv"
assert_contains "$OUT" "federal_action_obligation" "missing column: names the column"

# An unknown kind next to a good file: the good file lands, exit 1.
run "$BEHIND" --db "$DB" ingest "$F/unknown_header.csv" "$F/subawards.csv"
assert_status 1 "$RC" "unknown kind beside a good file: partial"
assert_eq "3|0|0" "$(src subawards.csv)" "the good file landed"
# In a folder, a file of an unknown kind is skipped with a note, not an error.
mkdir -p "$T/folder"
cp "$F/unknown_header.csv" "$F/awards_summary.csv" "$T/folder/"
run "$BEHIND" --db "$DB" ingest "$T/folder"
assert_status 0 "$RC" "folder with an unknown file"
assert_contains "$OUT" "unknown_header.csv: skipped" "folder: unknown file skipped with a note"

# ---- rows rejected, the rest lands, exit 1 ----------------------------
# truncated_last_line.csv: header, line 2 good, line 3 cut short without EOL
run "$BEHIND" --db "$DB" ingest "$F/truncated_last_line.csv"
assert_status 1 "$RC" "truncated: partial"
assert_contains "$OUT" "truncated_last_line.csv:3: rejected:" "truncated: file and line"
assert_contains "$OUT" "truncated last line" "truncated: reason"
assert_eq "1|1|0" "$(src truncated_last_line.csv)" "truncated: 1 landed + 1 rejected = 2 data rows"

# bad_field_counts.csv: 57 columns; line 3 has 59 fields, line 4 has 54
run "$BEHIND" --db "$DB" ingest "$F/bad_field_counts.csv"
assert_status 1 "$RC" "field counts: partial"
assert_contains "$OUT" "bad_field_counts.csv:3: rejected: 59 fields, expected 57" "too many fields"
assert_contains "$OUT" "bad_field_counts.csv:4: rejected: 54 fields, expected 57" "too few fields"
assert_eq "2|2|0" "$(src bad_field_counts.csv)" "field counts: 2 landed + 2 rejected = 4 data rows"
assert_eq "FIXBAD0001 FIXBAD0004" \
	"$(q "$DB" "select group_concat(piid, ' ') from (select piid from txn t join source s on s.id=t.source_id where s.path like '%/bad_field_counts.csv' order by line)")" \
	"field counts: the good rows are the ones that landed"

# bad_quoting.csv: line 3 has text after a closing quote
run "$BEHIND" --db "$DB" ingest "$F/bad_quoting.csv"
assert_status 1 "$RC" "bad quoting: partial"
assert_contains "$OUT" "bad_quoting.csv:3: rejected: malformed quoting" "bad quoting: file, line, reason"
assert_eq "2|1|0" "$(src bad_quoting.csv)" "bad quoting: 2 landed + 1 rejected = 3 data rows"

# unterminated_quote.csv: line 3 opens a quote that never closes; line 4 is
# a good row of its own, which must land or be reported, never vanish
# inside line 3's reject.
run "$BEHIND" --db "$DB" ingest "$F/unterminated_quote.csv"
assert_status 1 "$RC" "unterminated quote: partial"
assert_contains "$OUT" "unterminated_quote.csv:3: rejected: quoted field never closed" \
	"unterminated quote: file, line, reason"
assert_eq 3 "$(q "$DB" "select rows + rejected from source where path like '%/unterminated_quote.csv'")" \
	"unterminated quote: landed + rejected = 3 data rows"
assert_eq "FIXBAD0001 FIXBAD0003" \
	"$(q "$DB" "select group_concat(piid, ' ') from (select piid from txn t join source s on s.id=t.source_id where s.path like '%/unterminated_quote.csv' order by line)")" \
	"unterminated quote: line 4 lands"

# bad_values.csv: line 2 settles day-first (25/12/2021); line 3 bad amount;
# line 4 12/25/2021 impossible day-first; line 5 no recipient; line 6 no
# award id; line 7 01/02/2022 = 1 February
run "$BEHIND" --db "$DB" ingest "$F/bad_values.csv"
assert_status 1 "$RC" "bad values: partial"
assert_eq "3|rejected|federal_action_obligation is not an amount: '12,34x'
4|rejected|action_date is not a date: '12/25/2021'
5|rejected|no recipient (UEI, DUNS and name are all empty)
6|rejected|no award id (award_id_piid is empty)" "$(rejects bad_values.csv)" "bad values: reasons by line"
assert_eq "2|4|0" "$(src bad_values.csv)" "bad values: 2 landed + 4 rejected = 6 data rows"
assert_eq "2021-12-25 2022-02-01" \
	"$(q "$DB" "select group_concat(action_date, ' ') from (select action_date from txn t join source s on s.id=t.source_id where s.path like '%/bad_values.csv' order by line)")" \
	"bad values: day-first dates"
for n in 3 4 5 6; do
	assert_contains "$OUT" "bad_values.csv:$n: rejected:" "bad values: line $n printed"
done
# `behind rejects` lists them too
run "$BEHIND" --db "$DB" rejects bad_values.csv
assert_status 0 "$RC" "behind rejects"
assert_contains "$OUT" "12,34x" "behind rejects shows the reason"

# ---- repaired or warned, not rejected -----------------------------------
# invalid_utf8.csv: 0xC9 (Latin-1 É) in the recipient name
run "$BEHIND" --db "$DB" ingest "$F/invalid_utf8.csv"
assert_status 0 "$RC" "invalid UTF-8: repaired rows are not rejects"
assert_contains "$OUT" "invalid_utf8.csv:2: warning: invalid UTF-8" "invalid UTF-8: file, line, reason"
assert_eq "1|0|1" "$(src invalid_utf8.csv)" "invalid UTF-8: landed and counted as repaired"
assert_eq "CAFÉ NOIR SUPPLIES LLC" \
	"$(q "$DB" "select value from statement st join source s on s.id=st.source_id where s.path like '%/invalid_utf8.csv' and st.prop='name' and st.value like 'CAF%'")" \
	"invalid UTF-8: decoded as Latin-1"
assert_eq 0 "$(q "$DB" "select count(*) from statement where value <> cast(cast(value as blob) as text)")" \
	"store text stays UTF-8"

# ambiguous_dates.csv: 03/04/2021 and 11/12/2021 never settle the order
run "$BEHIND" --db "$DB" ingest "$F/ambiguous_dates.csv"
assert_status 0 "$RC" "ambiguous dates: warned, not rejected"
assert_contains "$OUT" "ambiguous_dates.csv: warning: column action_date: day/month order is ambiguous" \
	"ambiguous dates: file, column, reason"
assert_eq "2021-03-04 2021-11-12" \
	"$(q "$DB" "select group_concat(action_date, ' ') from (select action_date from txn t join source s on s.id=t.source_id where s.path like '%/ambiguous_dates.csv' and action_date is not null order by line)")" \
	"ambiguous dates: read month-first, as said"
assert_eq "warning" "$(rejects ambiguous_dates.csv | cut -d'|' -f2)" "ambiguous dates: stored as a warning"

# dates_settle_late.csv: 03/04/2021 and 05/06/2021 are provisional until line
# 4 (25/12/2021) makes the column day-first; then they are 3 April, 5 June
run "$BEHIND" --db "$DB" ingest "$F/dates_settle_late.csv"
assert_status 0 "$RC" "late-settling dates"
assert_eq "2021-04-03 2021-06-05 2021-12-25 2021-08-07" \
	"$(q "$DB" "select group_concat(action_date, ' ') from (select action_date from txn t join source s on s.id=t.source_id where s.path like '%/dates_settle_late.csv' order by line)")" \
	"provisional dates rewritten day-first"
# fiscal years follow the rewritten dates: 2021-12-25 is FY2022
assert_eq "2021 2021 2022 2021" \
	"$(q "$DB" "select group_concat(fiscal_year, ' ') from (select fiscal_year from txn t join source s on s.id=t.source_id where s.path like '%/dates_settle_late.csv' order by line)")" \
	"fiscal years of rewritten dates"
assert_eq "" "$(rejects dates_settle_late.csv)" "a settled column is not reported"

# ---- every row of every file that landed is accounted for ---------------
# data rows by hand: txn_current 3, subawards 3, awards_summary 3,
# truncated 2, field counts 4, bad quoting 3, unterminated 3, bad values 6,
# invalid utf8 1, ambiguous 3, settle late 4 = 35
assert_eq 35 "$(q "$DB" "select sum(rows + rejected) from source")" "rows + rejected = data rows"
assert_eq "$(q "$DB" "select sum(rows) from source where kind='usaspending-transactions'")" \
	"$(q "$DB" "select count(*) from txn")" "source.rows matches the txn table"

finish
