#!/usr/bin/env bash
# Browser tests of the explorer (tests/browser/explorer.mjs) in Debian's
# headless Chromium driven by playwright-core from web/'s lockfile: starts
# `behind serve` on the fixture store and on a store with a hostile vendor
# name, runs the script, stops the servers. Installs web/'s node packages
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

serve_start "$T/hostile.db"
HOSTILE_URL=$SERVE_URL
HOSTILE_PID=$SERVE_PID
serve_start "$T/fx.db"
trap 'kill $SERVE_PID $HOSTILE_PID 2>/dev/null' EXIT

SHOTS=${SHOTS:-"$T/shots"}
mkdir -p "$SHOTS"
brc=0
SERVE_URL=$SERVE_URL HOSTILE_URL=$HOSTILE_URL SHOTS=$SHOTS WEB=$WEB EVIL=$EVIL HOME="$T" \
	timeout 180 node "$ROOT/tests/browser/explorer.mjs" || brc=$?
assert_eq 0 "$brc" "browser checks (explorer.mjs)"
serve_stop
SERVE_PID=$HOSTILE_PID
serve_stop
finish
