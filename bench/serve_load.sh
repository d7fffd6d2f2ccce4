#!/usr/bin/env bash
# Load run of `behind serve` (not a test): builds a store from
# ../shared/data/usaspending (once, in bench/out/), starts the server on a
# free loopback port and drives it with wrk at 50 connections, briefly, for
# /api/search, /api/show and /api/who; prints requests/s, p50/p99 latency
# and non-2xx counts as Markdown rows for bench/RESULTS.md. Traffic goes to
# 127.0.0.1 only and every run is bounded in time.
# Usage: bench/serve_load.sh [SECONDS per endpoint, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
BEHIND=${BEHIND:-build/behind}
DATA=${DATA:-../shared/data/usaspending}
OUT=bench/out
DB=$OUT/serve.db
command -v wrk >/dev/null || { echo "serve_load: wrk is not installed (apt-get install wrk)" >&2; exit 2; }
mkdir -p "$OUT"
[ -f "$DB" ] || CI=1 "$BEHIND" --db "$DB" ingest "$DATA" >&2

log=$OUT/serve.log
"$BEHIND" --db "$DB" serve --port 0 >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
for _ in $(seq 1 100); do
	url=$(sed -n 's/^behind serve: \(http:[^ ]*\) .*/\1/p' "$log")
	[ -n "$url" ] && break
	sleep 0.1
done
[ -n "$url" ] || { cat "$log" >&2; exit 2; }

# A Lua report: requests/s, p50 and p99 in ms, non-2xx and socket errors.
lua=$OUT/report.lua
cat >"$lua" <<'LUA'
done = function(summary, latency, requests)
  local errs = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %.0f %.2f %.2f %d %d %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status, errs, summary.requests))
end
LUA
echo "| endpoint | conns | secs | requests/s | p50 ms | p99 ms | non-2xx | socket errors | requests |"
echo "|---|---|---|---|---|---|---|---|---|"
for path in "api/search?q=geo" "api/search?q=detention%20services" "api/show?id=subagency:7012" \
	"api/show?id=$(sqlite3 "$DB" "select e.id from entity e join txn t on t.recipient=e.rid group by e.rid order by count(*) desc limit 1")" \
	"api/who?agency=7012"; do
	r=$(wrk -t2 -c50 -d"${SECS}s" --latency -s "$lua" "$url$path" | sed -n 's/^RESULT //p')
	read -r rps p50 p99 non2xx errs reqs <<<"$r"
	echo "| /$path | 50 | $SECS | $rps | $p50 | $p99 | $non2xx | $errs | $reqs |"
done
kill -TERM $pid
wait $pid
