#!/bin/sh
# Measures each goal of the entity-resolution issue in one command, for a
# quiet machine (the figures of bench/RESULTS.md "## Entity resolution"):
#   1. pairwise F1 on Febrl 1-4, DBLP-ACM and the DUNS/UEI-labelled
#      USAspending recipients (one run each: the scores are deterministic),
#      and the recipients' ceiling for any matcher of names and places
#      (bench/er/ceiling.py over the matcher's records);
#   2. scored pairs per second, wall clock and CPU, medians of $REPEAT runs
#      of synth 200k and 1M (bench/er/run.sh synth N);
#   3. with TENM=1, 10M synthetic mentions under /usr/bin/time (wall, CPU,
#      peak RSS; about 4 minutes of CPU, 6 GiB).
# The 10M mixed store (`behind resolve` on /work/store/10m) is the lead's
# own run and not repeated here.
#   bench/er/goals.sh            1 and 2
#   TENM=1 bench/er/goals.sh     1, 2 and 3
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 2
BUILD=${BUILD:-build}
DATA=${DATA:-$ROOT/../shared/data}
REPEAT=${REPEAT:-3}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
export BUILD DATA

echo "== quality (goal: F1 >= 0.99 Febrl 3/4, >= 0.97 DBLP-ACM, >= 0.95 recipients)"
ER_DUMP="$OUT/recipients.tsv" REPEAT=1 bench/er/run.sh >"$OUT/quality" 2>&1 || exit 2
grep -E 'pairwise|^skip' "$OUT/quality"
if [ -s "$OUT/recipients.tsv" ]; then
	echo "== recipients: ceiling of a matcher that sees names and places only"
	python3 bench/er/ceiling.py "$OUT/recipients.tsv" | grep -v '^  '
fi

# the median of field $2 (a number) of the lines matching $1
median() {
	grep "$1" | sed -n "s/.* \([0-9.]*\) $2.*/\1/p" | sort -n | awk '{v[NR] = $1} END {if (NR) print v[int((NR + 1) / 2)]}'
}
for n in 200000 1000000; do
	echo "== throughput: synth $n, $REPEAT runs (goal: 5M scored pairs/s)"
	REPEAT=$REPEAT bench/er/run.sh synth $n >"$OUT/synth$n" 2>&1 || exit 2
	grep 'candidate pairs/s' "$OUT/synth$n"
	echo "median: $(median 'candidate pairs/s' 'candidate pairs\/s compared (wall)' <"$OUT/synth$n") pairs/s wall," \
		"$(median 'candidate pairs/s' 'per CPU second' <"$OUT/synth$n") per CPU second; load: $(cut -d' ' -f1-3 /proc/loadavg)"
done

if [ "${TENM:-0}" = 1 ]; then
	echo "== 10M synthetic mentions (goal: < 5 min, < 8 GiB peak RSS)"
	/usr/bin/time -f 'wall %e s, user %U s, sys %S s, peak RSS %M KiB' "$BUILD/er_bench" synth 10000000 2>&1 |
		grep -E 'pairwise|time|wall'
fi
