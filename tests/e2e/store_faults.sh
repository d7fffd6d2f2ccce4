#!/usr/bin/env bash
# Store faults (issue 8): a full disk, a read-only store and two ingests at
# once. Each must end with a clear message and leave a store that opens,
# passes PRAGMA integrity_check and holds whole files only; the concurrent
# ingests must both land everything (one waits) or one must refuse clearly
# and land everything when run again. The disk-full and read-only parts
# need a tmpfs mount (root, here) and skip their checks with a note when
# mounting is not permitted; the whole script skips (77) only when nothing
# could be tried.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

command -v python3 >/dev/null || skip "python3 is needed to generate the input files"
MOUNTS=()
cleanup() {
	local m
	for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null; done
}
trap cleanup EXIT

# gen DIR NFILES NROWS TAG: USAspending transaction files with unique keys
gen() {
	mkdir -p "$1"
	python3 - "$FIXTURES/usaspending/txn_current_iso.csv" "$@" <<'PY'
import csv, sys
src, out, nfiles, nrows, tag0 = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
rows = list(csv.reader(open(src, newline='')))
header, body = rows[0], rows[1:]
cols = [header.index(c) for c in ('contract_transaction_unique_key', 'contract_award_unique_key', 'award_id_piid')]
for f in range(nfiles):
    with open('%s/%s_%02d.csv' % (out, tag0, f), 'w', newline='') as fh:
        w = csv.writer(fh, lineterminator='\n')
        w.writerow(header)
        for i in range(nrows):
            r = list(body[i % len(body)])
            for c in cols:
                r[c] += '%s%02dR%06d' % (tag0, f, i)
            w.writerow(r)
PY
}
# whole DB DIR: every source's txn count equals its file's data rows and no
# txn row lacks its source.
whole() {
	local db=$1 dir=$2 bad=0 p n want
	while IFS='|' read -r p n; do
		[ -z "$p" ] && continue
		want=$(($(wc -l <"$p") - 1))
		[ "$n" = "$want" ] || bad=$((bad + 1))
	done <<<"$(q "$db" "select s.path, (select count(*) from txn t where t.source_id = s.id) from source s where s.path like '$dir/%'")"
	bad=$((bad + $(q "$db" "select count(*) from txn where source_id not in (select id from source)")))
	echo "$bad"
}

tried=0
can_mount=1
probe="$T/probe"
mkdir -p "$probe"
if mount -t tmpfs -o size=1m tmpfs "$probe" 2>/dev/null; then
	umount "$probe"
else
	can_mount=0
	echo "note: mount is not permitted here: disk-full and read-only checks skipped"
fi

# ---- disk full ------------------------------------------------------------
if [ "$can_mount" = 1 ]; then
	tried=$((tried + 1))
	FULL="$T/full"
	mkdir -p "$FULL"
	mount -t tmpfs -o size=2m tmpfs "$FULL" && MOUNTS+=("$FULL")
	gen "$T/fullset" 4 3000 D
	run "$BEHIND" --db "$FULL/full.db" ingest "$T/fullset"
	echo "disk full: exit $RC"
	CHECKS=$((CHECKS + 1))
	case $RC in 1 | 2) ;; *) fail "disk full: exit $RC, expected 1 or 2" ;; esac
	assert_contains "$OUT" "full" "disk full: the message says the disk is full"
	sed 's/^/    | /' "$OUT" | head -n 5
	assert_eq ok "$(q "$FULL/full.db" 'PRAGMA integrity_check')" "disk full: integrity"
	assert_eq 0 "$(whole "$FULL/full.db" "$T/fullset")" "disk full: only whole files"
	landed=$(q "$FULL/full.db" "select count(*) from source")
	echo "disk full: $landed of 4 files landed whole"
	# room again (the store moved to a bigger disk): the same command
	# completes, and every file is whole
	cp "$FULL/full.db" "$T/full.db"
	[ -f "$FULL/full.db-wal" ] && cp "$FULL/full.db-wal" "$T/full.db-wal"
	run "$BEHIND" --db "$T/full.db" ingest "$T/fullset"
	assert_status 0 "$RC" "disk full: the re-run on a bigger disk completes"
	assert_eq 4 "$(q "$T/full.db" "select count(*) from source")" "disk full: re-run lands all"
	assert_eq 0 "$(whole "$T/full.db" "$T/fullset")" "disk full: re-run, files whole"
fi

# ---- read-only store ------------------------------------------------------
gen "$T/roset" 1 200 R
RO="$T/ro.db"
run "$BEHIND" --db "$RO" ingest "$FIXTURES/usaspending/txn_current_iso.csv"
assert_status 0 "$RC" "read-only: seed"
before=$(dump_hash "$RO")
if [ "$can_mount" = 1 ]; then
	tried=$((tried + 1))
	ROM="$T/romount"
	mkdir -p "$ROM"
	mount -t tmpfs -o size=16m tmpfs "$ROM" && MOUNTS+=("$ROM")
	cp "$RO" "$ROM/ro.db"
	mount -o remount,ro "$ROM"
	run "$BEHIND" --db "$ROM/ro.db" ingest "$T/roset"
	echo "read-only filesystem: exit $RC"
	sed 's/^/    | /' "$OUT" | head -n 3
	assert_status 2 "$RC" "read-only filesystem: refused"
	assert_contains "$OUT" "ro.db" "read-only filesystem: the message names the store"
	# answers still work: the store is opened immutable there (store.c)
	run "$BEHIND" --db "$ROM/ro.db" search CEDAR
	assert_status 0 "$RC" "read-only filesystem: search answers"
	assert_contains "$OUT" "CEDAR" "read-only filesystem: search finds the entity"
	mount -o remount,rw "$ROM"
	assert_eq "$before" "$(dump_hash "$ROM/ro.db")" "read-only filesystem: unchanged"
	assert_eq ok "$(q "$ROM/ro.db" 'PRAGMA integrity_check')" "read-only filesystem: integrity"
fi
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
	# root ignores file modes: the chmod check runs as nobody
	tried=$((tried + 1))
	RODIR="$T/rodir"
	mkdir -p "$RODIR"
	cp "$RO" "$RODIR/ro.db"
	chmod 755 "$T" "$RODIR"
	chmod 444 "$RODIR/ro.db"
	chmod -R a+rX "$T/roset"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$BEHIND" --db "$RODIR/ro.db" ingest "$T/roset"
	echo "chmod 444 store: exit $RC"
	sed 's/^/    | /' "$OUT" | head -n 3
	assert_status 2 "$RC" "chmod 444 store: refused"
	assert_contains "$OUT" "ro.db" "chmod 444 store: the message names the store"
	assert_eq "$before" "$(dump_hash "$RODIR/ro.db")" "chmod 444 store: unchanged"
elif [ "$(id -u)" != 0 ]; then
	tried=$((tried + 1))
	chmod 444 "$RO"
	run "$BEHIND" --db "$RO" ingest "$T/roset"
	assert_status 2 "$RC" "chmod 444 store: refused"
	assert_eq "$before" "$(dump_hash "$RO")" "chmod 444 store: unchanged"
	chmod 644 "$RO"
fi

# ---- two ingests at once ---------------------------------------------------
tried=$((tried + 1))
gen "$T/setA" 3 2000 A
gen "$T/setB" 3 2000 B
CDB="$T/concurrent.db"
run "$BEHIND" --db "$CDB" ingest "$FIXTURES/usaspending/txn_current_iso.csv"
"$BEHIND" --db "$CDB" ingest --quiet "$T/setA" >"$T/a.log" 2>&1 &
pa=$!
"$BEHIND" --db "$CDB" ingest --quiet "$T/setB" >"$T/b.log" 2>&1 &
pb=$!
wait "$pa"
ra=$?
wait "$pb"
rb=$?
echo "two ingests at once: exit $ra and $rb"
sed 's/^/    A| /' "$T/a.log" | head -n 3
sed 's/^/    B| /' "$T/b.log" | head -n 3
for x in "a:$ra" "b:$rb"; do
	r=${x#*:}
	CHECKS=$((CHECKS + 1))
	if [ "$r" != 0 ] && ! grep -q -i -E 'another process|busy|locked' "$T/${x%%:*}.log"; then
		fail "concurrent ingest ${x%%:*}: exit $r without a clear 'busy' message"
	fi
done
assert_eq ok "$(q "$CDB" 'PRAGMA integrity_check')" "concurrent: integrity"
assert_eq 0 "$(whole "$CDB" "$T/setA")" "concurrent: set A files whole"
assert_eq 0 "$(whole "$CDB" "$T/setB")" "concurrent: set B files whole"
# whatever was refused lands when run again: nothing lost
run "$BEHIND" --db "$CDB" ingest --quiet "$T/setA" "$T/setB"
assert_status 0 "$RC" "concurrent: re-run"
assert_eq 7 "$(q "$CDB" "select count(*) from source")" "concurrent: every file landed"
assert_eq $((3 + 6 * 2000)) "$(q "$CDB" "select count(*) from txn")" "concurrent: every row"

echo "faults tried: $tried"
[ "$tried" -gt 0 ] || skip "no fault could be set up here"
finish
