#!/usr/bin/env bash
# Ingest is idempotent and transactional: the same file again changes
# nothing ("already ingested", the store dump identical), changed content at
# a known path replaces exactly what the old version contributed, and a file
# that fails leaves the store exactly as it was, old version included.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

F="$FIXTURES/usaspending"
DB="$T/idem.db"
W="$T/work"
mkdir -p "$W"
cp "$F/txn_old_259col_dmy.csv" "$W/txn.csv"
cp "$F/subawards.csv" "$W/subawards.csv"

run "$BEHIND" --db "$DB" ingest "$W/txn.csv" "$W/subawards.csv"
assert_status 0 "$RC" "first ingest"
first=$(dump_hash "$DB")

# ---- the same files again ---------------------------------------------
run "$BEHIND" --db "$DB" ingest "$W/txn.csv" "$W/subawards.csv"
assert_status 0 "$RC" "second ingest"
assert_contains "$OUT" "$W/txn.csv: already ingested" "second ingest says so"
assert_contains "$OUT" "$W/subawards.csv: already ingested" "second ingest says so (subawards)"
assert_eq "$first" "$(dump_hash "$DB")" "store unchanged by a second ingest"
# the folder holding them, too
run "$BEHIND" --db "$DB" ingest "$W"
assert_status 0 "$RC" "folder of known files"
assert_eq "$first" "$(dump_hash "$DB")" "store unchanged by the folder"

# the same content at another path is recognized, not counted twice
cp "$W/txn.csv" "$T/copy-of-txn.csv"
run "$BEHIND" --db "$DB" ingest "$T/copy-of-txn.csv"
assert_status 0 "$RC" "copy at another path"
assert_contains "$OUT" "already ingested (same content as $W/txn.csv)" "copy named as such"
assert_eq "$first" "$(dump_hash "$DB")" "store unchanged by a copy"

# ---- changed content at the same path replaces ------------------------
# Line 6 (HOLLOWAY, 75000.25) becomes 80000.25 and BLUEFIN's two rows
# (lines 7-8) go: the file total goes from 2,012,655.07 to
# 2,012,655.07 + 5,000 - 199,999.99 = 1,817,655.08.
assert_eq 201265507 "$(q "$DB" "select sum(amount) from txn")" "total before replacement"
sed -e '6s/,75000\.25,/,80000.25,/' -e '/BLUEFIN/d' "$F/txn_old_259col_dmy.csv" >"$W/txn.csv"
assert_eq 5 "$(($(wc -l <"$W/txn.csv") - 1))" "edited fixture has 5 data rows"
run "$BEHIND" --db "$DB" ingest "$W/txn.csv"
assert_status 0 "$RC" "replacement ingest"
assert_contains "$OUT" "(replaced)" "replacement said"
assert_eq 181765508 "$(q "$DB" "select sum(amount) from txn")" "total after replacement"
assert_eq 5 "$(q "$DB" "select rows from source where path='$W/txn.csv'")" "replaced source rows"
assert_eq 1 "$(q "$DB" "select count(*) from source where path='$W/txn.csv'")" "one source per path"
assert_eq "$(sha256sum "$W/txn.csv" | cut -d' ' -f1)" \
	"$(q "$DB" "select sha256 from source where path='$W/txn.csv'")" "new hash kept"
# nothing of the old version is left behind
for t in txn statement link reject; do
	assert_eq 0 "$(q "$DB" "select count(*) from $t where source_id not in (select id from source)")" \
		"no orphan rows in $t"
done
assert_eq 0 "$(q "$DB" "select count(*) from entity where id='duns:555000111'")" \
	"an entity only the old version named is gone"
assert_eq 0 "$(q "$DB" "select count(*) from txn_fts where txn_fts match 'license'")" \
	"the old version's descriptions left the full-text index"
assert_eq 1 "$(q "$DB" "select count(*) from txn_fts where txn_fts match 'consulting'")" \
	"the new version's descriptions are indexed"
# the subawards file was untouched
assert_eq 3 "$(q "$DB" "select count(*) from subaward")" "other sources untouched"

# ---- a file that fails leaves the store exactly as it was ----------------
before=$(dump_hash "$DB")
cp "$F/missing_amount_column.csv" "$W/txn.csv"
run "$BEHIND" --db "$DB" ingest "$W/txn.csv"
assert_status 2 "$RC" "failing replacement"
assert_contains "$OUT" "$W/txn.csv" "failure names the file"
assert_eq "$before" "$(dump_hash "$DB")" "failed replacement leaves the store as it was"
assert_eq 181765508 "$(q "$DB" "select sum(amount) from txn")" "old version still counted"

# an unknown kind at a known path is refused too, and changes nothing
cp "$F/unknown_header.csv" "$W/txn.csv"
run "$BEHIND" --db "$DB" ingest "$W/txn.csv"
assert_status 2 "$RC" "unknown kind at a known path"
assert_eq "$before" "$(dump_hash "$DB")" "unknown kind at a known path: store unchanged"

# ---- back to the original content: the same facts as the first time ----
cp "$F/txn_old_259col_dmy.csv" "$W/txn.csv"
run "$BEHIND" --db "$DB" ingest "$W/txn.csv"
assert_status 0 "$RC" "restore original"
assert_eq 201265507 "$(q "$DB" "select sum(amount) from txn")" "original total again"
assert_eq 7 "$(q "$DB" "select count(*) from txn")" "original rows again"

# ---- a store another process is writing is not corrupted --------------
# Two ingests at once into one store: both finish, each file lands once.
P="$T/par.db"
"$BEHIND" --db "$P" ingest "$F/txn_old_259col_dmy.csv" >"$T/a.log" 2>&1 &
pid=$!
run "$BEHIND" --db "$P" ingest "$F/awards_summary.csv"
rc_b=$RC
wait "$pid"
rc_a=$?
assert_eq "0 0" "$rc_a $rc_b" "concurrent ingests both succeed"
assert_eq "3 7" "$(q "$P" "select group_concat(rows, ' ') from (select rows from source order by rows)")" \
	"concurrent ingests: both files landed once"

finish
