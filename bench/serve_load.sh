#!/usr/bin/env bash
# Load run of `behind serve` (not a test) on the FULL store: wrk at 50
# connections on loopback against search, show (an agency, GEO Group, and
# a rotation over hundreds of different entities taken from the store) and
# who, RUNS times, in each of three modes: `cached` (the default server),
# `uncached` (--cache 0 and BEHIND_SERVE_COALESCE=0: every request
# computes its own answer, what a query costs) and `coalesced` (--cache 0,
# identical requests in flight sharing one computation, as the server
# without a cache does: the fixed URLs only, who among them); prints the
# median of each figure as Markdown rows for bench/RESULTS.md. The
# rotations make almost every request a different one: uncached, they
# measure the queries themselves; cached, the first pass fills the cache
# and the rest are hits.
#
# Usage: bench/serve_load.sh [SECONDS per run, default 10]
#   DB=store (default bench/out/full.db, built from $DATA with ingest and
#   resolve when absent), DATA (default ../shared/data), RUNS (default 3),
#   CONNS (default 50), MODES ("cached uncached coalesced"), THREADS (server threads,
#   default the server's own).
#   BEHIND_SHOW_ROUTE=rows: show's influence section through the records
#   (the route before resolve stored it), for a same-run comparison.
# Traffic goes to 127.0.0.1 only and every run is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
BEHIND=${BEHIND:-build/behind}
DATA=${DATA:-../shared/data}
OUT=bench/out
DB=${DB:-$OUT/full.db}
RUNS=${RUNS:-3}
CONNS=${CONNS:-50}
MODES=${MODES:-cached uncached coalesced}
command -v wrk >/dev/null || { echo "serve_load: wrk is not installed (apt-get install wrk)" >&2; exit 2; }
mkdir -p "$OUT"
if [ ! -f "$DB" ]; then
	echo "serve_load: building $DB from $DATA (ingest, resolve)" >&2
	CI=1 "$BEHIND" --db "$DB" ingest "$DATA" >/dev/null
	CI=1 "$BEHIND" --db "$DB" resolve >/dev/null
fi

# ---- the rotations: ids and queries taken from the store --------------------
sq() { sqlite3 -readonly -batch -noheader "$DB" "$1"; }
urlenc() { python3 -c 'import sys, urllib.parse
for l in sys.stdin: print(urllib.parse.quote(l.rstrip("\n"), safe=":"))'; }
sq "SELECT id FROM (SELECT e.id FROM entity e WHERE e.kind = 'public_body'
      ORDER BY (SELECT count(*) FROM link l WHERE l.dst = e.rid) DESC LIMIT 40)
    UNION ALL SELECT id FROM (SELECT e.id FROM txn t JOIN entity e ON e.rid = t.recipient
      GROUP BY e.rid ORDER BY count(*) DESC LIMIT 100)
    UNION ALL SELECT id FROM (SELECT e.id FROM fec_txn t JOIN entity e ON e.rid = t.cmte
      GROUP BY e.rid ORDER BY count(*) DESC LIMIT 100)
    UNION ALL SELECT id FROM (SELECT e.id FROM lda_filing f JOIN entity e ON e.rid = f.client
      GROUP BY e.rid ORDER BY count(*) DESC LIMIT 40)
    UNION ALL SELECT id FROM (SELECT e.id FROM lda_filing f JOIN entity e ON e.rid = f.registrant
      GROUP BY e.rid ORDER BY count(*) DESC LIMIT 40)
    UNION ALL SELECT id FROM entity WHERE rid % 2000 = 7" | urlenc | sed 's|^|/api/show?id=|' >"$OUT/show_paths.txt"
# search: the first word of the names of those entities and of others, and
# a prefix of two words (what a user types), a few hundred in all
sq "SELECT q FROM (SELECT DISTINCT lower(substr(name, 1, instr(name || ' ', ' ') - 1)) q
      FROM entity WHERE rid % 701 = 3 AND length(name) > 3) WHERE length(q) >= 3
    UNION ALL SELECT q FROM (SELECT DISTINCT lower(substr(name, 1, 9)) q FROM entity
      WHERE rid % 1499 = 5 AND kind IN ('organization', 'committee'))" |
	urlenc | sed 's|^|/api/search?q=|' >"$OUT/search_paths.txt"
geo=$(sq "SELECT e.id FROM txn t JOIN entity e ON e.rid = coalesce((SELECT canon FROM cluster
      WHERE entity = t.recipient), t.recipient) GROUP BY e.rid ORDER BY sum(t.amount) DESC LIMIT 1")
nshow=$(wc -l <"$OUT/show_paths.txt")
nsearch=$(wc -l <"$OUT/search_paths.txt")

# ---- one server per mode ------------------------------------------------------
# shellcheck source=bench/serve_lib.sh
. bench/serve_lib.sh
trap serve_down EXIT
start() {
	local extra=() coalesce=1
	[ "$1" != cached ] && extra+=(--cache 0)
	[ "$1" = uncached ] && coalesce=0
	[ -n "${THREADS:-}" ] && extra+=(--threads "$THREADS")
	BEHIND_SERVE_COALESCE=$coalesce serve_up "$DB" "$OUT/serve.log" "${extra[@]}"
	url=${url%/}
}

# median of the numbers on stdin
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# server_cpu: the server's user + system CPU time so far, in clock ticks
server_cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
TCK=$(getconf CLK_TCK)

# bench NAME PATH-OR-@LIST: RUNS wrk runs, one Markdown row of medians
# (with the server's CPU milliseconds per request: on a shared machine the
# latencies depend on the others' load, the CPU per request much less)
bench() {
	local name=$1 target=$2 paths="" r rows=() c0 c1
	if [ "${target#@}" != "$target" ]; then
		paths=${target#@}
		target=$(head -n 1 "$paths")
	fi
	for _ in $(seq 1 "$RUNS"); do
		c0=$(server_cpu)
		r=$(PATHS=$paths wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s bench/serve_load.lua \
			"$url$target" | sed -n 's/^RESULT //p')
		c1=$(server_cpu)
		rows+=("$r $(awk -v a="$c0" -v b="$c1" -v t="$TCK" -v n="$(echo "$r" | awk '{print $7}')" \
			'BEGIN {printf "%.3f", n ? (b - a) * 1000 / t / n : 0}')")
	done
	col() { printf '%s\n' "${rows[@]}" | awk -v c="$1" '{print $c}' | median; }
	local errs
	errs=$(printf '%s\n' "${rows[@]}" | awk '{n += $5 + $6} END {print n}')
	echo "| $name | $mode | $(col 1) | $(col 2) | $(col 3) | $(col 4) | $errs | $(printf '%s\n' "${rows[@]}" | awk '{n += $7} END {print n}') | $(col 8) |"
}

echo "Store: $DB ($(du -h "$DB" | cut -f1)); rotations: $nshow show ids, $nsearch search queries;"
echo "$RUNS runs of ${SECS} s per row, $CONNS connections, wrk -t2; medians; errors and requests summed over the runs."
echo
# whether show reads the influence rows resolve stored (a store resolved by
# an older binary, or changed since, reads the records: resolve it again)
route=$(BEHIND_TIMING=1 "$BEHIND" --db "$DB" show --json subagency:7012 2>&1 >/dev/null |
	sed -n 's/^influence: route //p')
echo "show's influence section: route ${route:-unknown}${BEHIND_SHOW_ROUTE:+ (BEHIND_SHOW_ROUTE=$BEHIND_SHOW_ROUTE)}."
echo "Load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "| endpoint | cache | requests/s | p50 ms | p90 ms | p99 ms | non-2xx + socket errors | requests | server CPU ms/request |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
for mode in $MODES; do
	start "$mode"
	bench "/api/search?q=geo" "/api/search?q=geo"
	bench "/api/search?q=detention%20services" "/api/search?q=detention%20services"
	[ "$mode" = coalesced ] || bench "/api/search (rotating, $nsearch queries)" "@$OUT/search_paths.txt"
	bench "/api/show?id=subagency:7012 (ICE)" "/api/show?id=subagency:7012"
	bench "/api/show?id=$geo (GEO Group)" "/api/show?id=$geo"
	[ "$mode" = coalesced ] || bench "/api/show (rotating, $nshow entities)" "@$OUT/show_paths.txt"
	bench "/api/who?agency=7012" "/api/who?agency=7012"
	serve_down
done
echo
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
