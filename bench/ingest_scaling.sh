#!/bin/sh
# Scaling of `behind ingest` with input size: loads generated contract
# transactions of two sizes (default 1M and 10M rows) into fresh stores and
# reports seconds per million rows, the growth of the time per row (goal:
# at most +20%) and peak RSS (goal: under 1 GiB), appended to
# bench/RESULTS.md under "## Ingest". Generated files go to bench/out/
# (the 10M file is about 16.5 GB). Needs: make && make -C bench.
#
# usage: bench/ingest_scaling.sh [SMALL_ROWS] [BIG_ROWS]
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
. "$ROOT/bench/results.sh"
SMALL=${1:-1000000}
BIG=${2:-10000000}
OUT="$ROOT/bench/out"
SAMPLE="$ROOT/../shared/data/usaspending/ice_contract_transactions_fy2013-2018.csv"
mkdir -p "$OUT"
line() { # ROWS -> "rows wall_s rss_kB"
	f="$OUT/contracts_$1.csv"
	[ -s "$f" ] || "$ROOT/build/bench/gen" contracts "$SAMPLE" "$1" >"$f"
	rm -f "$OUT/scale.db" "$OUT/scale.db-wal" "$OUT/scale.db-shm"
	/usr/bin/time -v -o "$OUT/scale.time" "$ROOT/build/behind" --db "$OUT/scale.db" ingest --no-progress "$f" >"$OUT/log.scale.$1" 2>&1
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$OUT/scale.time")
	rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$OUT/scale.time")
	echo "$1 $wall $rss"
	rm -f "$OUT/scale.db" "$OUT/scale.db-wal" "$OUT/scale.db-shm"
}
a=$(line "$SMALL")
b=$(line "$BIG")
{
	echo
	echo "### Scaling, $SMALL vs $BIG contract transactions, $(date -u +%Y-%m-%d)"
	echo
	echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores (shared); behind $(git rev-parse --short HEAD). Command: \`bench/ingest_scaling.sh $SMALL $BIG\`"
	echo
	echo "| rows | wall s | s per 1M rows | rows/s | peak RSS |"
	echo "|---:|---:|---:|---:|---:|"
	for l in "$a" "$b"; do
		echo "$l" | awk '{printf "| %d | %.1f | %.1f | %.0f | %.0f MiB |\n", $1, $2, $2 / $1 * 1e6, $1 / $2, $3 / 1024}'
	done
	echo "$a $b" | awk '{g = ($5 / $4) / ($2 / $1); printf "\nTime per row grew %+.0f%% from %d to %d rows (goal: at most +20%%); peak RSS %.0f MiB at %d rows (goal: under 1024).\n", (g - 1) * 100, $1, $4, $6 / 1024, $4}'
} >"$OUT/scale.table"
results_append Ingest "$OUT/scale.table"
cat "$OUT/scale.table"
