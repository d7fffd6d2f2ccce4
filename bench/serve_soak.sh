#!/usr/bin/env bash
# Soak and abuse run of `behind serve` (not a test; issue "Reliability and
# security"): on the store built from ../shared/data/usaspending, wrk at
# increasing concurrency (10, 50, 100 connections, SECS each) on search and
# show, then a barrage of malformed requests (bad methods, bad percent
# encoding, path tricks, a 120 KB query string, 64 KB headers, raw garbage on
# the socket). Samples the server's RSS before, between and after, checks it
# is still up and answers the same as before the run. Loopback only; every
# step bounded in time. Prints Markdown for bench/RESULTS.md.
# Usage: bench/serve_soak.sh [SECS per step, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
BEHIND=${BEHIND:-build/behind}
DATA=${DATA:-../shared/data/usaspending}
OUT=bench/out
DB=$OUT/serve.db
command -v wrk >/dev/null || { echo "serve_soak: wrk is not installed (apt-get install wrk)" >&2; exit 2; }
mkdir -p "$OUT"
[ -f "$DB" ] || CI=1 "$BEHIND" --db "$DB" ingest "$DATA" >&2

log=$OUT/soak.log
# shellcheck source=bench/serve_lib.sh
. bench/serve_lib.sh
serve_up "$DB" "$log"
trap 'kill $pid 2>/dev/null' EXIT
url=${url%/}
hostport=${url#http://}
hostport=${hostport%%/*}
host=${hostport%:*}
port=${hostport##*:}

rss() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
answer() { curl -s --max-time 10 "$url/api/search?q=geo" | sha256sum | cut -d' ' -f1; }

before=$(answer)
echo "| step | conns | secs | requests/s | p99 ms | non-2xx | socket errors | server RSS after (KiB) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
echo "| start | | | | | | | $(rss) |"
lua=$OUT/soak.lua
cat >"$lua" <<'LUA'
done = function(summary, latency, requests)
  local errs = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %.0f %.2f %d %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(99) / 1000, summary.errors.status, errs))
end
LUA
for conns in 10 50 100; do
	for path in "/api/search?q=detention" "/api/show?id=duns:612706465"; do
		r=$(timeout $((SECS + 30)) wrk -t2 -c"$conns" -d"${SECS}s" --timeout 10s -s "$lua" "$url$path" |
			sed -n 's/^RESULT //p')
		read -r rps p99 non2xx errs <<<"$r"
		echo "| $path | $conns | $SECS | $rps | $p99 | $non2xx | $errs | $(rss) |"
	done
done

# the barrage: each request bounded; count the ones the server refused cleanly (4xx)
codes=$OUT/soak.codes
: >"$codes"
big=$(head -c 120000 /dev/zero | tr '\0' 'a') # near the largest argument curl takes
hdr=$(head -c 65536 /dev/zero | tr '\0' 'b')
for i in $(seq 1 50); do
	for req in "/api/search?q=%zz%" "/api/show?id=%00" "/../../etc/passwd" "/api/../../etc/passwd" \
		"/%2e%2e/%2e%2e/etc/passwd" "/api/who?agency=7012&from=abc&to=-1" "/api/path?a=&b=" \
		"/api/search?q=$(printf '%s' "' OR 1=1 --" | sed 's/ /%20/g; s/'"'"'/%27/g')" "/api/nope" "/assets/../../x"; do
		curl -s -o /dev/null -w '%{http_code}\n' --max-time 5 "$url$req" >>"$codes" || echo 000 >>"$codes"
	done
	curl -s -o /dev/null -w '%{http_code}\n' --max-time 5 -X DELETE "$url/api/search?q=x" >>"$codes" || echo 000 >>"$codes"
	curl -s -o /dev/null -w '%{http_code}\n' --max-time 5 -X POST --data-binary "@/dev/urandom" \
		--max-filesize 1 -H 'Content-Length: 100000000' "$url/api/judge" >>"$codes" 2>/dev/null || echo 000 >>"$codes"
	if [ $((i % 10)) -eq 0 ]; then
		curl -s -o /dev/null -w '%{http_code}\n' --max-time 10 "$url/api/search?q=$big" >>"$codes" || echo 000 >>"$codes"
		curl -s -o /dev/null -w '%{http_code}\n' --max-time 10 -H "X-Big: $hdr" "$url/api/search?q=geo" >>"$codes" || echo 000 >>"$codes"
	fi
	# raw garbage on the socket, then close
	timeout 2 bash -c "head -c 4096 /dev/urandom > /dev/tcp/$host/$port" 2>/dev/null || true
done
total=$(wc -l <"$codes")
summary=$(sort "$codes" | uniq -c | awk '{printf "%s x %s, ", $1, $2}')
echo "| malformed barrage: $total requests + 50 garbage connections; status codes: ${summary%, } | | | | | | | $(rss) |"
after=$(answer)
alive=no
kill -0 "$pid" 2>/dev/null && alive=yes
same=no
[ "$before" = "$after" ] && same=yes
echo
echo "Server still up after the run: $alive; /api/search?q=geo answers as before: $same."
[ "$alive" = yes ] && [ "$same" = yes ]
