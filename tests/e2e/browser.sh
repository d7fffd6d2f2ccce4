#!/usr/bin/env bash
# Browser tests of the explorer (tests/browser/explorer.mjs) in Debian's
# headless Chromium driven by playwright-core from web/'s lockfile: starts
# `behind serve` on the fixture store, on a store with a hostile vendor
# name and (with --write) on the review fixture, runs the scripts
# (explorer.mjs, review.mjs), checks the judgments the page made with the
# CLI and sqlite3, stops the servers. Installs web/'s node packages
# with `npm ci` when the lockfile changed. Skips (77) only when Chromium is
# not installed; screenshots are kept in $SHOTS (default: TMPDIR).
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
# shellcheck source=tests/serve_lib.sh
. "$ROOT/tests/serve_lib.sh"

[ -x /usr/bin/chromium ] || skip "/usr/bin/chromium is not installed (apt-get install chromium)"
command -v node >/dev/null && command -v npm >/dev/null || { fail "node and npm are needed (scripts/install-deps.sh)"; finish; }

WEB="$ROOT/web"
stamp="$WEB/node_modules/.behind-lock.sha256"
want=$(sha256sum "$WEB/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
	(cd "$WEB" && npm ci --no-audit --no-fund --loglevel=error) >"$T/npm.log" 2>&1 || {
		cat "$T/npm.log" >&2
		fail "npm ci in web/ failed"
		finish
	}
	echo "$want" >"$stamp"
fi

F="$FIXTURES/usaspending"
run "$BEHIND" --db "$T/fx.db" ingest "$F/txn_old_259col_dmy.csv" "$F/txn_current_iso.csv" \
	"$F/awards_summary.csv" "$F/subawards.csv"
assert_status 0 "$RC" "fixtures ingest"
EVIL='<script>alert(1)</script><img src=x onerror=alert(2)>'
mkdir -p "$T/hostile"
sed "s#PINEWOOD SECURITY LLC#$EVIL#g" "$F/txn_current_iso.csv" >"$T/hostile/txn_hostile.csv"
run "$BEHIND" --db "$T/hostile.db" ingest "$T/hostile/txn_hostile.csv"
assert_status 0 "$RC" "hostile ingest"

# the review queue: the invented company list, resolved, served with --write
RV="$T/review.db"
run "$BEHIND" --db "$RV" ingest --mapping "$FIXTURES/review/companies.yaml" "$FIXTURES/review/companies.csv"
assert_status 0 "$RC" "review fixture ingest"
run "$BEHIND" --db "$RV" resolve
assert_status 0 "$RC" "review fixture resolve"
# what the page must show, from the store by sqlite3 (the queue's order)
ORDER="from resolve_review v join entity ea on ea.rid = v.a join entity eb on eb.rid = v.b order by abs(v.weight), v.a, v.b"
REVIEW_PENDING=$(q "$RV" "select count(*) from resolve_review")
REVIEW_A=$(q "$RV" "select ea.name $ORDER limit 1")
REVIEW_B=$(q "$RV" "select eb.name $ORDER limit 1")
REVIEW_TOTAL=$(q "$RV" "select printf('%s%.2f', case when v.weight < 0 then '−' else '+' end, abs(v.weight)) $ORDER limit 1")
REVIEW_PROB=$(q "$RV" "select printf('%.4f', v.prob) $ORDER limit 1")
REVIEW_NEXT_A=$(q "$RV" "select ea.name $ORDER limit 1 offset 1")
FIRST=$(q "$RV" "select ea.id || '|' || eb.id $ORDER limit 1")

serve_start "$RV" --write
REVIEW_URL=$SERVE_URL
REVIEW_PID=$SERVE_PID
serve_start "$T/hostile.db"
HOSTILE_URL=$SERVE_URL
HOSTILE_PID=$SERVE_PID
serve_start "$T/fx.db"
trap 'kill $SERVE_PID $HOSTILE_PID $REVIEW_PID 2>/dev/null' EXIT

SHOTS=${SHOTS:-"$T/shots"}
mkdir -p "$SHOTS"
brc=0
SERVE_URL=$SERVE_URL HOSTILE_URL=$HOSTILE_URL SHOTS=$SHOTS WEB=$WEB EVIL=$EVIL HOME="$T" \
	timeout 180 node "$ROOT/tests/browser/explorer.mjs" || brc=$?
assert_eq 0 "$brc" "browser checks (explorer.mjs)"
brc=0
REVIEW_URL=$REVIEW_URL SHOTS=$SHOTS WEB=$WEB HOME="$T" REVIEW_PENDING=$REVIEW_PENDING REVIEW_A=$REVIEW_A \
	REVIEW_B=$REVIEW_B REVIEW_TOTAL=$REVIEW_TOTAL REVIEW_PROB=$REVIEW_PROB REVIEW_NEXT_A=$REVIEW_NEXT_A \
	timeout 120 node "$ROOT/tests/browser/review.mjs" || brc=$?
assert_eq 0 "$brc" "browser checks (review.mjs)"
# the judgments the page made, as the CLI and the store see them
"$BEHIND" --db "$RV" judgments --json >"$T/judgments.json"
lo=$(printf '%s\n' "${FIRST%%|*}" "${FIRST#*|}" | LC_ALL=C sort | head -1)
hi=$(printf '%s\n' "${FIRST%%|*}" "${FIRST#*|}" | LC_ALL=C sort | tail -1)
assert_eq "split|$lo|$hi|browser tester|look-alike names, other towns" \
	"$(json_q "$T/judgments.json" "select json_extract(j, '\$[0].decision') || '|' || json_extract(j, '\$[0].a') || '|' || json_extract(j, '\$[0].b') || '|' || json_extract(j, '\$[0].who') || '|' || json_extract(j, '\$[0].why') from doc")" \
	"behind judgments lists the page's split of the first pair"
assert_eq "split unsure" "$(q "$RV" "select group_concat(decision, ' ') from (select decision from judgment order by rid)")" "the store holds the page's two judgments"
serve_stop
SERVE_PID=$HOSTILE_PID
serve_stop
SERVE_PID=$REVIEW_PID
serve_stop
finish
