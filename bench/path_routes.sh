#!/bin/sh
# `behind path` through the precomputed cluster graph (cluster_edge, built by
# `behind resolve`) against the route it replaces ($BEHIND_PATH_ROUTE=link:
# `link` and `cluster` read per expansion): the answers must be the same byte
# for byte (--json), and the table gives each route's median wall and CPU
# time over RUNS runs (default 3), the two routes run alternately. Pairs:
# the hubs of bench/answers.sh and NRAND (default 20) pairs of linked
# clusters drawn by a fixed hash of their rids. Exit 1 when any answer
# differs. Prints the table; nothing is written to bench/RESULTS.md.
#
# usage: bench/path_routes.sh STORE   (a resolved store; it is not written)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
DB=${1:?usage: bench/path_routes.sh STORE}
RUNS=${RUNS:-3}
NRAND=${NRAND:-20}
BEHIND=${BEHIND:-$ROOT/build/behind}
OUT="$ROOT/bench/out"
mkdir -p "$OUT"
TAB=$(printf '\t')
# ends are separated by a tab (ids may hold '|'), pairs by newlines
HUBS="duns:362130952${TAB}fec:H4TX10093
fec:C00382150${TAB}fec:S2TX00106
subagency:7012${TAB}fec:C00498691
fec:C00003418${TAB}subagency:7012
name:SENATE${TAB}duns:362130952
name:HOYER FOR CONGRESS${TAB}name:WALDEN FOR CONGRESS"
RAND=$(sqlite3 -readonly -batch "$DB" "SELECT id FROM entity WHERE rid IN (SELECT DISTINCT a FROM cluster_edge)
	ORDER BY (rid * 2654435761) % 1000003 LIMIT $((NRAND * 2))" | paste - -)

median() { sort -n | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# one_run ROUTE A B: appends "wall cpu" to $OUT/routes.ROUTE, the answer to $OUT/routes.ROUTE.json
one_run() {
	r=$1
	shift
	env BEHIND_PATH_ROUTE="$r" BH_PATH_TRACE=1 /usr/bin/time -f "%e %U %S" -o "$OUT/routes.t" \
		"$BEHIND" --db "$DB" path --json "$@" >"$OUT/routes.$r.json" 2>"$OUT/routes.$r.err" || true
	awk '{printf "%s %.2f\n", $1, $2 + $3}' "$OUT/routes.t" >>"$OUT/routes.$r"
}

echo "| pair | route read | answers | link route wall / CPU s | cluster_edge wall / CPU s |"
echo "|---|---|---|---:|---:|"
printf '%s\n%s\n' "$HUBS" "$RAND" | while IFS="$TAB" read -r a b; do
	[ -n "$a" ] || continue
	: >"$OUT/routes.link"
	: >"$OUT/routes.edges"
	i=0
	while [ $i -lt "$RUNS" ]; do
		one_run link "$a" "$b"
		one_run edges "$a" "$b"
		i=$((i + 1))
	done
	route=$(sed -n 's/^path: route \([a-z_]*\),.*/\1/p' "$OUT/routes.edges.err")
	if cmp -s "$OUT/routes.link.json" "$OUT/routes.edges.json"; then same=same; else same=DIFFERENT; fi
	printf '| %s - %s | %s | %s | %s / %s | %s / %s |\n' "$a" "$b" "$route" "$same" \
		"$(awk '{print $1}' "$OUT/routes.link" | median)" "$(awk '{print $2}' "$OUT/routes.link" | median)" \
		"$(awk '{print $1}' "$OUT/routes.edges" | median)" "$(awk '{print $2}' "$OUT/routes.edges" | median)"
done | tee "$OUT/routes.table"
grep -q DIFFERENT "$OUT/routes.table" && { echo "path_routes.sh: some answers differ" >&2; exit 1; }
echo "all $(grep -c ' same ' "$OUT/routes.table") answers the same"
