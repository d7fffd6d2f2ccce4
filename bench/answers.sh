#!/bin/sh
# Speed of the answers: `behind who`, `behind top` and `behind path` on a
# full store (goal: under 1 s each on the whole shared dataset, under 5 s on
# a 10M-row store), who with year ranges too. Each command runs RUNS times (default 5); the table shows
# the median wall time and the median CPU time (user + system: on a shared
# machine the wall time also holds the waits for a core). Appended to
# bench/RESULTS.md under "## Answers" unless NO_RESULTS=1.
#
# usage: bench/answers.sh [STORE] [LABEL]
#   STORE  a store built from all of ../shared/data and resolved (default
#          /tmp/full/full.db: `behind --db X ingest ../shared/data && behind
#          --db X resolve`)
#   LABEL  what the store holds, for the table's title
# PAIRS (optional) replaces the path pairs: "A|B;A|B;..."
# ROUTES=1 also times `who 7012 --json`, `top 7012` and each path through
# the rows (BEHIND_WHO_ROUTE=rows, BEHIND_PATH_ROUTE=link: what they read
# when the answers precomputed by `behind resolve` are missing or stale) and
# checks that both routes give the same bytes.
# PRECOMPUTE=1 also times the last step of `behind resolve` on a copy of
# STORE (bench/out/answers_pc.db, deleted after; the 10M store needs 10 GB
# free): build/bench/precompute twice, the first rebuilding the tables when
# they are stale or older than this version, the second finding sources and
# clusters unchanged (what a resolve with nothing new does now).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
. "$ROOT/bench/results.sh"
DB=${1:-/tmp/full/full.db}
LABEL=${2:-"the full shared dataset"}
RUNS=${RUNS:-5}
BEHIND=${BEHIND:-$ROOT/build/behind}
OUT="$ROOT/bench/out"
mkdir -p "$OUT"
[ -r "$DB" ] || { echo "answers.sh: no store at $DB" >&2; exit 2; }

# company -> member of Congress, PAC -> senator, agency -> company PAC, and
# pairs through the hubs (national party committees, the Senate as a lobbied
# body, leadership PACs), where the search reads the most links
PAIRS=${PAIRS:-"duns:362130952|fec:H4TX10093;fec:C00382150|fec:S2TX00106;subagency:7012|fec:C00498691;fec:C00003418|subagency:7012;name:SENATE|duns:362130952;name:HOYER FOR CONGRESS|name:WALDEN FOR CONGRESS"}

# median of the numbers on stdin
median() { sort -n | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# time_cmd LABEL ARGS...: one table row
time_cmd() {
	label=$1
	shift
	: >"$OUT/answers.times"
	i=0
	failed=
	while [ $i -lt "$RUNS" ]; do
		/usr/bin/time -f "%e %U %S" -o "$OUT/answers.t" "$BEHIND" --db "$DB" "$@" >"$OUT/answers.out" 2>&1 ||
			{ echo "answers.sh: $label failed:" >&2; tail -n 5 "$OUT/answers.out" >&2; failed=1; }
		tail -n 1 "$OUT/answers.t" >>"$OUT/answers.times"
		i=$((i + 1))
	done
	wall=$(awk '{print $1}' "$OUT/answers.times" | median)
	cpu=$(awk '{printf "%.2f\n", $2 + $3}' "$OUT/answers.times" | median)
	first=$(head -n 1 "$OUT/answers.out" | cut -c1-70)
	# a failure is a result too (its message instead of the answer)
	[ -z "$failed" ] || first="FAILED: $(tail -n 1 "$OUT/answers.out" | cut -c1-90)"
	printf '| %s | %s | %s | %s |\n' "$label" "$wall" "$cpu" "$first"
}

{
	echo
	echo "### who, top and path on $LABEL, $(date -u +%Y-%m-%d)"
	echo
	echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores (shared; load average $(cut -d' ' -f1-3 /proc/loadavg) at the start); behind $(git rev-parse --short HEAD); store $DB ($(du -h "$DB" | cut -f1)). Command: \`${ROUTES:+ROUTES=$ROUTES }bench/answers.sh $DB\`; median of $RUNS runs each."
	echo
	echo "| command | wall s | CPU s | first line of the answer |"
	echo "|---|---:|---:|---|"
	time_cmd "who 7012" who 7012
	time_cmd "who 7012 --json" who 7012 --json
	if [ "${ROUTES:-0}" = 1 ]; then
		cp "$OUT/answers.out" "$OUT/answers.fast"
		(export BEHIND_WHO_ROUTE=rows; time_cmd "who 7012 --json, rows route" who 7012 --json)
		cmp -s "$OUT/answers.out" "$OUT/answers.fast" || echo "| (who 7012 --json: the two routes DIFFER) | | | |"
	fi
	# year ranges: the per-year lists' bounds add up over a range, so these
	# may walk the largest companies' awards (who_agg.c)
	time_cmd "who 7012 --from 2016" who 7012 --from 2016
	time_cmd "who 7012 --to 2015" who 7012 --to 2015
	time_cmd "who 7012 --from 2016 --to 2017" who 7012 --from 2016 --to 2017
	time_cmd "top 7012" top --agency 7012
	if [ "${ROUTES:-0}" = 1 ]; then
		cp "$OUT/answers.out" "$OUT/answers.fast"
		(export BEHIND_WHO_ROUTE=rows; time_cmd "top 7012, rows route" top --agency 7012)
		cmp -s "$OUT/answers.out" "$OUT/answers.fast" || echo "| (top 7012: the two routes DIFFER) | | | |"
	fi
	echo "$PAIRS" | tr ';' '\n' | while IFS='|' read -r a b; do
		[ -n "$a" ] || continue
		time_cmd "path $a $b" path "$a" "$b"
		if [ "${ROUTES:-0}" = 1 ]; then
			cp "$OUT/answers.out" "$OUT/answers.fast"
			(export BEHIND_PATH_ROUTE=link; time_cmd "path $a $b, link route" path "$a" "$b")
			cmp -s "$OUT/answers.out" "$OUT/answers.fast" || echo "| (path $a $b: the two routes DIFFER) | | | |"
		fi
	done
	if [ "${PRECOMPUTE:-0}" = 1 ]; then
		PC="$OUT/answers_pc.db"
		cp "$DB" "$PC"
		for what in "precompute (first: rebuilds when stale)" "precompute (again: nothing changed)"; do
			/usr/bin/time -f "%e %U %S" -o "$OUT/answers.t" "$ROOT/build/bench/precompute" "$PC" \
				>"$OUT/answers.out" 2>&1 || echo "answers.sh: precompute failed" >&2
			printf '| %s | %s | %s | %s |\n' "$what" "$(awk '{print $1}' "$OUT/answers.t")" \
				"$(awk '{printf "%.2f", $2 + $3}' "$OUT/answers.t")" "$(head -n 1 "$OUT/answers.out" | cut -c1-70)"
		done
		rm -f "$PC" "$PC-journal"
	fi
} >"$OUT/answers.table"
cat "$OUT/answers.table"
[ "${NO_RESULTS:-0}" = 1 ] && exit 0
results_append Answers "$OUT/answers.table"
