#!/bin/sh
# The ingest benchmark: on the same generated file, in one run, `behind
# ingest` against the tools journalists use today -- sqlite3 .import,
# sqlite-utils insert --csv, csvsql --insert, PostgreSQL COPY (a throwaway
# cluster this script starts and stops). Each tool gets a fresh database.
# Wall time and peak RSS come from GNU time (/usr/bin/time -v); for
# PostgreSQL the RSS is the server backend's peak (VmHWM), read before the
# session ends. Slow peers run on the first SLICE rows of the file (said so
# in the table) and their rates are per row of that slice.
#
# Appends a table with the machine, the commands and rows/s, MB/s, peak RSS
# and each peer's rate as a ratio to behind's to bench/RESULTS.md under
# "## Ingest".
#
# usage: bench/ingest_peers.sh [ROWS] [KIND]
#   ROWS  contract transactions to generate and load (default 1000000)
#   KIND  contracts (default) or itcont (FEC individual contributions)
# env:  SLOW_SLICE (default 20000) rows for sqlite-utils,
#       CSVSQL_SLICE (default 5000) rows for csvsql, SKIP="csvsql pg ..."
# Needs: make && make -C bench; bench/setup.sh once.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
ROWS=${1:-1000000}
KIND=${2:-contracts}
SLOW_SLICE=${SLOW_SLICE:-20000}
CSVSQL_SLICE=${CSVSQL_SLICE:-5000}
SKIP=${SKIP:-}
OUT="$ROOT/bench/out"
DATA="$ROOT/../shared/data"
BEHIND="$ROOT/build/behind"
GEN="$ROOT/build/bench/gen"
mkdir -p "$OUT"
[ -x "$BEHIND" ] && [ -x "$GEN" ] || { echo "build first: make && make -C bench" >&2; exit 2; }
for t in sqlite3 sqlite-utils csvsql psql /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "missing $t: run bench/setup.sh" >&2; exit 2; }
done
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)

# ---- the input ----
case $KIND in
contracts)
	FILE="$OUT/contracts_$ROWS.csv"
	[ -s "$FILE" ] || "$GEN" contracts "$DATA/usaspending/ice_contract_transactions_fy2013-2018.csv" "$ROWS" >"$FILE"
	SEP=, HEADER=1 ;;
itcont)
	FILE="$OUT/itcont_$ROWS.txt"
	if [ ! -s "$FILE" ]; then
		[ -s "$OUT/itcont_sample.txt" ] || unzip -p "$DATA/fec/2020/indiv20.zip" itcont.txt >"$OUT/itcont_sample.txt"
		"$GEN" itcont "$OUT/itcont_sample.txt" "$ROWS" >"$FILE"
	fi
	SEP='|' HEADER=0 ;;
*) echo "KIND: contracts or itcont" >&2; exit 2 ;;
esac
BYTES=$(stat -L -c %s "$FILE")
# slices keep the header (contracts) so every tool sees the same layout
slice() { # N -> path of a file with the first N data rows
	s="$OUT/$(basename "$FILE").first$1"
	[ -s "$s" ] || head -n $(($1 + HEADER)) "$FILE" >"$s"
	echo "$s"
}
# column list for tools that need a table first (PostgreSQL; FEC has no header)
if [ "$HEADER" = 1 ]; then
	COLS=$(head -1 "$FILE" | tr -d '\r' | tr ',' '\n')
else
	COLS=$(head -1 "$DATA/fec/2020/indiv_header_file.csv" | tr -d '\r' | tr ',' '\n')
fi
COLDEFS=$(echo "$COLS" | awk '{printf "%s\"%s\" text", (NR>1?", ":""), $0}')

RES="$OUT/peers.$$"
: >"$RES"
# run NAME ROWS_LOADED BYTES_READ COMMAND... : timed, one line into $RES
run() {
	name=$1 rows=$2 bytes=$3
	shift 3
	echo "== $name: $*" >&2
	if /usr/bin/time -v -o "$OUT/time.$$" "$@" >"$OUT/log.$name" 2>&1; then :; else
		echo "   $name failed (exit $?), see $OUT/log.$name" >&2
	fi
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$OUT/time.$$")
	rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$OUT/time.$$")
	cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$OUT/time.$$")
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$rows" "$bytes" "$wall" "$rss" "$*" "$cpu" >>"$RES"
	echo "   $wall s wall, $cpu s CPU, peak RSS $rss kB" >&2
}
skip() { case " $SKIP " in *" $1 "*) return 0 ;; esac; return 1; }

# ---- behind ----
rm -f "$OUT/behind.db" "$OUT/behind.db-wal" "$OUT/behind.db-shm"
run behind "$ROWS" "$BYTES" "$BEHIND" --db "$OUT/behind.db" ingest --no-progress "$FILE"

# ---- sqlite3 .import into a plain table ----
if ! skip sqlite3; then
	rm -f "$OUT/import.db"
	if [ "$HEADER" = 1 ]; then
		run "sqlite3 .import" "$ROWS" "$BYTES" sqlite3 "$OUT/import.db" ".import --csv $FILE t"
	else
		sqlite3 "$OUT/import.db" "CREATE TABLE t ($COLDEFS)"
		run "sqlite3 .import" "$ROWS" "$BYTES" sqlite3 "$OUT/import.db" ".mode list" ".separator |" ".import $FILE t"
	fi
fi

# ---- sqlite-utils insert --csv (a slice) ----
if ! skip sqlite-utils; then
	n=$SLOW_SLICE; [ "$n" -lt "$ROWS" ] || n=$ROWS
	s=$(slice "$n")
	rm -f "$OUT/su.db"
	if [ "$HEADER" = 1 ]; then
		run "sqlite-utils insert --csv (first $n rows)" "$n" "$(stat -L -c %s "$s")" sqlite-utils insert "$OUT/su.db" t "$s" --csv
	else
		run "sqlite-utils insert --csv (first $n rows)" "$n" "$(stat -L -c %s "$s")" sqlite-utils insert "$OUT/su.db" t "$s" --csv --delimiter '|' --no-headers
	fi
fi

# ---- csvsql --insert (a smaller slice) ----
if ! skip csvsql; then
	n=$CSVSQL_SLICE; [ "$n" -lt "$ROWS" ] || n=$ROWS
	s=$(slice "$n")
	rm -f "$OUT/csvsql.db"
	if [ "$HEADER" = 1 ]; then
		run "csvsql --insert (first $n rows)" "$n" "$(stat -L -c %s "$s")" csvsql --db "sqlite:///$OUT/csvsql.db" --insert --tables t "$s"
	else
		run "csvsql --insert (first $n rows)" "$n" "$(stat -L -c %s "$s")" csvsql --db "sqlite:///$OUT/csvsql.db" --insert --tables t -d '|' -H "$s"
	fi
fi

# ---- PostgreSQL COPY into a table of the same columns ----
if ! skip pg && [ -n "$PGBIN" ]; then
	PGD=$(mktemp -d /tmp/behind-pg.XXXXXX)
	chown postgres "$PGD" 2>/dev/null || true
	AS=""
	[ "$(id -u)" != 0 ] || AS="runuser -u postgres --"
	$AS "$PGBIN/initdb" -D "$PGD/data" -A trust -U postgres >/dev/null
	$AS "$PGBIN/pg_ctl" -D "$PGD/data" -l "$PGD/log" -w -o "-k $PGD -p 54329 -c listen_addresses= -c fsync=on -c max_wal_size=4GB" start >/dev/null
	PSQL="psql -X -q -h $PGD -p 54329 -U postgres -d postgres"
	$PSQL -c "CREATE TABLE t ($COLDEFS)"
	# FEC fields are never quoted: a quote byte that cannot occur turns quoting off
	if [ "$HEADER" = 1 ]; then opt="format csv, header true"; else opt="format csv, delimiter '|', quote E'\\x01'"; fi
	{
		printf '%s\n' "\\copy t from '$FILE' with ($opt)"
		printf '%s\n' "select pg_backend_pid() as pid \\gset"
		printf '%s\n' "\\setenv BH_PG_PID :pid"
		printf '%s\n' "\\! grep VmHWM /proc/\$BH_PG_PID/status > $OUT/pg.hwm"
		printf '%s\n' "\\! awk -v t=$(getconf CLK_TCK) '{print (\$14 + \$15) / t}' /proc/\$BH_PG_PID/stat > $OUT/pg.cpu"
	} >"$OUT/pg.sql"
	run "PostgreSQL COPY" "$ROWS" "$BYTES" $PSQL -f "$OUT/pg.sql"
	hwm=$(awk '{print $2}' "$OUT/pg.hwm" 2>/dev/null || echo "?")
	pcpu=$(cat "$OUT/pg.cpu" 2>/dev/null || echo 0)
	# the backend's RSS instead of psql's own; CPU: psql's plus the backend's
	awk -F'\t' -v OFS='\t' -v h="$hwm" -v c="$pcpu" '{ if ($1 == "PostgreSQL COPY") { $5 = h " (server)"; $7 += c } print }' "$RES" >"$RES.2" && mv "$RES.2" "$RES"
	$AS "$PGBIN/pg_ctl" -D "$PGD/data" -w stop >/dev/null
	rm -rf "$PGD"
fi

# ---- the table ----
{
	echo
	echo "### $KIND, $ROWS rows ($(awk -v b="$BYTES" 'BEGIN{printf "%.2f GB", b/1e9}')), $(date -u +%Y-%m-%d)"
	echo
	echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores (shared), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM, $(uname -sr); behind $(git rev-parse --short HEAD), CSV engine ${BEHIND_CSV_ENGINE:-auto} ($(grep -q avx512bw /proc/cpuinfo && echo AVX-512 || echo AVX2 or scalar) here)."
	echo "Command: \`bench/ingest_peers.sh $ROWS $KIND\` (SLOW_SLICE=$SLOW_SLICE CSVSQL_SLICE=$CSVSQL_SLICE)"
	echo
	echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg). CPU s is user + system time (PostgreSQL: psql's plus its server backend's); on a shared machine the CPU ratio is the steadier one."
	echo
	echo "| tool | rows | wall s | CPU s | rows/s | MB/s | peak RSS | behind is x faster (rows/s) | x (rows per CPU s) |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
	awk -F'\t' '
	NR==1 { brate = $2 / ($4 > 0 ? $4 : 1e-9); bcrate = $2 / ($7 > 0 ? $7 : 1e-9) }
	{ rate = $2 / ($4 > 0 ? $4 : 1e-9); mbs = $3 / 1e6 / ($4 > 0 ? $4 : 1e-9); crate = $2 / ($7 > 0 ? $7 : 1e-9)
	  rss = $5; if (rss ~ /^[0-9]+$/) rss = sprintf("%.0f MiB", rss / 1024); else { split(rss, a, " "); rss = sprintf("%.0f MiB %s", a[1] / 1024, a[2]) }
	  printf "| %s | %d | %.2f | %.2f | %.0f | %.1f | %s | %s | %s |\n", $1, $2, $4, $7, rate, mbs, rss, NR == 1 ? "1" : sprintf("%.1f", brate / rate), NR == 1 ? "1" : sprintf("%.1f", bcrate / crate) }' "$RES"
	echo
	echo "Commands as run:"
	echo
	awk -F'\t' '{ printf "- %s: `%s`\n", $1, $6 }' "$RES"
} >"$OUT/table.$$"
if ! grep -q '^## Ingest' bench/RESULTS.md 2>/dev/null; then
	[ -f bench/RESULTS.md ] || printf '# Benchmark results\n\nAppended by the scripts in bench/; newest last.\n' >bench/RESULTS.md
	printf '\n## Ingest\n\nRows/s and MB/s of loading the same file; peers that are too slow for the whole file run on its first rows (named in the tool column), and their ratio compares rates.\n' >>bench/RESULTS.md
fi
# append at the end of the "## Ingest" section
awk -v tbl="$OUT/table.$$" '
	/^## / { if (ining) { while ((getline l < tbl) > 0) print l; done = 1 } ining = ($0 == "## Ingest") }
	{ print }
	END { if (ining && !done) while ((getline l < tbl) > 0) print l }' bench/RESULTS.md >"$OUT/results.$$"
mv "$OUT/results.$$" bench/RESULTS.md
cat "$OUT/table.$$"
rm -f "$OUT/table.$$" "$OUT/time.$$" "$RES"
