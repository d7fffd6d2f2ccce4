#!/usr/bin/env bash
# Crash safety of ingest (issue 8): `behind ingest` of a folder of several
# generated USAspending files is killed with SIGKILL at random points; after
# each kill the store must open, pass PRAGMA integrity_check, hold every file
# it reports as ingested completely (row counts per source and per table
# equal to those of an uninterrupted ingest), hold nothing of any other file
# (no orphan rows), and a second `behind ingest` must complete it to exactly
# the clean result. KILL_POINTS (default 6) sets how many kills.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

command -v python3 >/dev/null || skip "python3 is needed to generate the input files"
POINTS=${KILL_POINTS:-6}
SET="$T/set"
mkdir -p "$SET"
# six files of 3,000 transactions each, every key unique per file
python3 - "$FIXTURES/usaspending/txn_current_iso.csv" "$SET" 6 3000 <<'PY'
import csv, sys
src, out, nfiles, nrows = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rows = list(csv.reader(open(src, newline='')))
header, body = rows[0], rows[1:]
ki = header.index('contract_transaction_unique_key')
ai = header.index('contract_award_unique_key')
pi = header.index('award_id_piid')
for f in range(nfiles):
    with open('%s/txn_%02d.csv' % (out, f), 'w', newline='') as fh:
        w = csv.writer(fh, lineterminator='\n')
        w.writerow(header)
        for i in range(nrows):
            r = list(body[i % len(body)])
            tag = 'F%02dR%06d' % (f, i)
            r[ki] += tag
            r[ai] += tag
            r[pi] += tag
            w.writerow(r)
PY

# tables holding per-source rows (every table with a source_id column)
tables() {
	q "$1" "select m.name from sqlite_schema m, pragma_table_info(m.name) c where m.type='table'
		and c.name='source_id' and m.name not like '%fts%' order by 1"
}
# counts DB: "table|path|rows" for every table and source, sorted, plus
# orphans (rows whose source is not in `source`) as "table|ORPHAN|n".
counts() {
	local db=$1 t
	for t in $(tables "$db"); do
		q "$db" "select '$t', coalesce(s.path, 'ORPHAN'), count(*) from \"$t\" x
			left join source s on s.id = x.source_id group by 2"
	done | sed "s|$SET/||" | sort
}
# per-file counts of the sources DB lists, taken from the reference.
expected_for() {
	local db=$1 p
	for p in $(q "$db" "select path from source order by path" | sed "s|$SET/||"); do
		grep "|$p|" "$T/ref.counts"
	done | sort
}

REF="$T/ref.db"
start=$(date +%s%N)
run "$BEHIND" --db "$REF" ingest "$SET"
assert_status 0 "$RC" "clean ingest"
clean_ms=$((($(date +%s%N) - start) / 1000000))
counts "$REF" >"$T/ref.counts"
assert_eq 6 "$(q "$REF" "select count(*) from source")" "clean ingest: six sources"
assert_eq 18000 "$(q "$REF" "select count(*) from txn")" "clean ingest: every transaction"
echo "clean ingest: ${clean_ms} ms"

survived=0
mid=0
for k in $(seq 1 "$POINTS"); do
	DB="$T/kill$k.db"
	# a kill point spread over the whole run, random within its slice
	slice=$((clean_ms / POINTS))
	delay_ms=$((slice * (k - 1) + RANDOM % (slice > 0 ? slice : 1) + 20))
	"$BEHIND" --db "$DB" ingest --quiet "$SET" >"$T/kill$k.log" 2>&1 &
	pid=$!
	sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	st=$?
	if [ ! -f "$DB" ]; then
		echo "kill $k at ${delay_ms} ms: before the store was created"
		survived=$((survived + 1))
		continue
	fi
	assert_eq ok "$(q "$DB" 'PRAGMA integrity_check')" "kill $k at ${delay_ms} ms: integrity"
	landed=$(q "$DB" "select count(*) from source" 2>/dev/null || echo 0)
	counts "$DB" >"$T/kill$k.counts"
	expected_for "$DB" >"$T/kill$k.expected"
	assert_eq "$(cat "$T/kill$k.expected")" "$(cat "$T/kill$k.counts")" \
		"kill $k at ${delay_ms} ms: the $landed landed files are whole, nothing else is there"
	assert_not_contains "$T/kill$k.counts" "ORPHAN" "kill $k: no rows of the interrupted file"
	# the landed files are the first ones in name order
	want=$(ls "$SET" | head -n "$landed" | tr '\n' ' ')
	got=$(q "$DB" "select path from source order by path" | sed "s|$SET/||" | tr '\n' ' ')
	assert_eq "$want" "$got" "kill $k: the earlier files landed, in order"
	if [ "$st" -ne 137 ] && [ "$landed" -eq 6 ]; then
		echo "kill $k at ${delay_ms} ms: ingest had finished"
	else
		mid=$((mid + 1))
	fi
	run "$BEHIND" --db "$DB" ingest --quiet "$SET"
	assert_status 0 "$RC" "kill $k: re-running ingest completes"
	assert_eq "$(cat "$T/ref.counts")" "$(counts "$DB")" "kill $k: after re-running, the clean result"
	assert_eq ok "$(q "$DB" 'PRAGMA integrity_check')" "kill $k: integrity after re-run"
	echo "kill $k at ${delay_ms} ms: $landed of 6 files had landed; re-run completed"
	survived=$((survived + 1))
done
assert_eq "$POINTS" "$survived" "kill points survived"
echo "kill points survived: $survived of $POINTS ($mid mid-ingest)"
finish
