#!/usr/bin/env bash
# Mapped ingest against the built-in reader on the same file: the Trump Town
# appointees (../shared/data/personnel/trumptown_staffers.csv) as they are,
# and the same rows repeated COPIES times with fresh ids (so that every copy
# makes new people, as a larger table would), each loaded into a fresh store
# by `behind ingest` (built-in reader) and by `behind ingest --mapping
# tests/fixtures/mapping/trumptown_staffers.yaml`. Prints a Markdown table:
# median wall seconds of RUNS runs, rows/s, and mapped / built-in.
#
# Usage: bench/mapping_bench.sh [COPIES] [RUNS]   (defaults 40 and 3)
# Env: BEHIND (default build/behind), DATA (default ../shared/data).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BEHIND=${BEHIND:-$ROOT/build/behind}
DATA=${DATA:-$ROOT/../shared/data}
COPIES=${1:-40}
RUNS=${2:-3}
SRC="$DATA/personnel/trumptown_staffers.csv"
MAP="$ROOT/tests/fixtures/mapping/trumptown_staffers.yaml"
[ -f "$SRC" ] || { echo "mapping_bench: $SRC is absent" >&2; exit 77; }
[ -x "$BEHIND" ] || { echo "mapping_bench: $BEHIND is missing: run make" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/mapping-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The big file: the header once, then each copy with its id column (the
# first, a quoted number at the start of a record) prefixed by the copy.
big="$work/staffers_x$COPIES.csv"
head -n 1 "$SRC" >"$big"
for ((k = 1; k <= COPIES; k++)); do
	tail -n +2 "$SRC" | sed "s/^\"\([0-9][0-9]*\)\",/\"$k\1\",/"
done >>"$big"

# secs_of CMD...: wall seconds of one run (a fresh store each time).
secs_of() {
	rm -f "$work/b.db" "$work/b.db-wal" "$work/b.db-shm"
	local t0 t1
	t0=$(date +%s.%N)
	"$@" >/dev/null 2>&1 || [ $? -eq 1 ] # rejected rows: exit 1
	t1=$(date +%s.%N)
	echo "$t1 - $t0" | bc
}

median() {
	sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

bench_file() {
	local f=$1 rows built mapped
	built=$(for ((i = 0; i < RUNS; i++)); do
		secs_of "$BEHIND" --db "$work/b.db" ingest --no-progress "$f"
	done | median)
	rows=$(sqlite3 "$work/b.db" "select sum(rows) from source")
	mapped=$(for ((i = 0; i < RUNS; i++)); do
		secs_of "$BEHIND" --db "$work/b.db" ingest --no-progress --mapping "$MAP" "$f"
	done | median)
	printf '| %s | %s | %.2f | %.0f | %.2f | %.0f | %.2f |\n' "$(basename "$f")" "$rows" \
		"$built" "$(echo "$rows / $built" | bc -l)" "$mapped" "$(echo "$rows / $mapped" | bc -l)" \
		"$(echo "$mapped / $built" | bc -l)"
}

echo "| file | rows landed | built-in s | built-in rows/s | mapped s | mapped rows/s | mapped / built-in |"
echo "|---|---:|---:|---:|---:|---:|---:|"
bench_file "$SRC"
bench_file "$big"
