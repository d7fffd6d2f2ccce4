#!/usr/bin/env bash
# The review side of `behind serve` on a real store: how long `behind
# resolve --full` takes with the review queue kept (run it with the binary
# before and after to see the cost), and the latency of GET /api/review
# (uncached: each request another offset), GET /api/explain and POST
# /api/judge. Medians of RUNS runs. Writes to a copy of the store.
#
#   bench/review_bench.sh STORE [RUNS]      (default 5; BEHIND=build/behind)
set -eu
SRC=${1:?usage: bench/review_bench.sh STORE [RUNS]}
RUNS=${2:-5}
BEHIND=${BEHIND:-build/behind}
W=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; rm -rf "$W"' EXIT
pid=""
cp "$SRC" "$W/s.db"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for _ in $(seq 1 "$RUNS"); do
	/usr/bin/time -f '%e %M' "$BEHIND" --db "$W/s.db" resolve --full >/dev/null 2>>"$W/resolve.t"
done
echo "resolve --full: median $(cut -d' ' -f1 "$W/resolve.t" | median) s, max RSS $(cut -d' ' -f2 "$W/resolve.t" | median) kB ($RUNS runs)"
echo "review pairs kept: $(sqlite3 "$W/s.db" 'select count(*) from resolve_review') ($(sqlite3 "$W/s.db" "select group_concat(n, ', ') from (select outcome || ' ' || count(*) n from resolve_review group by outcome)"))"

"$BEHIND" --db "$W/s.db" serve --port 0 --write >"$W/serve.out" 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -q '^behind serve: http' "$W/serve.out" && break; sleep 0.1; done
U=$(sed -n 's/^behind serve: \(http:[^ ]*\) .*/\1/p' "$W/serve.out")
TOK=$(sed -n 's/^behind serve: token for write requests: //p' "$W/serve.out")

for i in $(seq 1 "$RUNS"); do
	curl -s -o /dev/null -w '%{time_total}\n' "${U}api/review?limit=20&offset=$((i * 20))"
done | median | awk '{printf "GET /api/review?limit=20 (uncached): median %.1f ms\n", $1 * 1000}'

pairs=$(sqlite3 -separator '|' "$W/s.db" "select ea.id, eb.id from resolve_review v join entity ea on ea.rid = v.a
  join entity eb on eb.rid = v.b order by abs(v.weight) limit $RUNS")
while IFS='|' read -r a b; do
	curl -s -o /dev/null -w '%{time_total} %{http_code}\n' -G "${U}api/explain" --data-urlencode "a=$a" --data-urlencode "b=$b"
done <<<"$pairs" >"$W/explain.t"
echo "GET /api/explain: median $(cut -d' ' -f1 "$W/explain.t" | median | awk '{printf "%.0f", $1 * 1000}') ms, statuses $(cut -d' ' -f2 "$W/explain.t" | sort | uniq -c | xargs)"

while IFS='|' read -r a b; do
	curl -s -o /dev/null -w '%{time_total}\n' -X POST -H 'Content-Type: application/json' -H "X-Behind-Token: $TOK" \
		--data "{\"decision\":\"unsure\",\"a\":\"$a\",\"b\":\"$b\",\"who\":\"bench\"}" "${U}api/judge"
done <<<"$pairs" | median | awk '{printf "POST /api/judge: median %.1f ms\n", $1 * 1000}'
echo "judgments recorded: $(sqlite3 "$W/s.db" "select count(*) from judgment where who = 'bench'")"
