#!/usr/bin/env bash
# Time to content of the explorer's pages on the FULL store (not a test):
# starts `behind serve` (with its response cache, then with --cache 0) and
# loads the search, entity and dossier pages in headless Chromium
# (bench/serve_pages.mjs); prints Markdown rows for bench/RESULTS.md. The
# issue's goal: every page usable within 1 second of navigation.
#
# Usage: bench/serve_pages.sh
#   DB=store (default bench/out/full.db, built by bench/serve_load.sh),
#   RUNS (loads per page after the first, default 5), MODES,
#   OLD=another behind binary: served beside BEHIND on the same store and
#   measured in turns with it, one row each (old vs new in the same run);
#   OLD_URLS=hash (default: a binary before path URLs, its pages at
#   #/entity/ID ...) or path; TIMELINE=1: also where a cold load's time
#   goes (the page's response, its scripts and style, first paint).
set -euo pipefail
cd "$(dirname "$0")/.."
BEHIND=${BEHIND:-build/behind}
OUT=bench/out
DB=${DB:-$OUT/full.db}
RUNS=${RUNS:-5}
MODES=${MODES:-cached uncached}
WEB=$PWD/web
[ -x /usr/bin/chromium ] || { echo "serve_pages: /usr/bin/chromium is not installed" >&2; exit 2; }
[ -d "$WEB/node_modules/playwright-core" ] || { echo "serve_pages: run npm ci in web/ first" >&2; exit 2; }
[ -f "$DB" ] || { echo "serve_pages: no store $DB (bench/serve_load.sh builds one)" >&2; exit 2; }
mkdir -p "$OUT"

sq() { sqlite3 -readonly -batch -noheader "$DB" "$1"; }
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
geo=$(sq "SELECT e.id FROM txn t JOIN entity e ON e.rid = coalesce((SELECT canon FROM cluster
      WHERE entity = t.recipient), t.recipient) GROUP BY e.rid ORDER BY sum(t.amount) DESC LIMIT 1")
pac=$(sq "SELECT e.id FROM fec_txn t JOIN entity e ON e.rid = t.cmte GROUP BY e.rid ORDER BY count(*) DESC LIMIT 1")
lobby=$(sq "SELECT e.id FROM lda_filing f JOIN entity e ON e.rid = f.registrant GROUP BY e.rid ORDER BY count(*) DESC LIMIT 1")
pages=$OUT/pages.tsv
{
	printf 'search "geo"\tsearch?q=geo\n'
	printf 'search "detention services"\tsearch?q=detention%%20services\n'
	printf 'entity: ICE (subagency:7012)\tentity/subagency%%3A7012\n'
	printf 'entity: GEO Group (%s)\tentity/%s\n' "$geo" "$(enc "$geo")"
	printf 'entity: largest PAC (%s)\tentity/%s\n' "$pac" "$(enc "$pac")"
	printf 'entity: largest LDA registrant (%s)\tentity/%s\n' "$lobby" "$(enc "$lobby")"
	printf 'dossier: ICE (7012)\tagency/7012\n'
	printf 'dossier: DHS (070)\tagency/070\n'
	printf 'network: GEO Group (%s), drawn\tnetwork/%s\n' "$geo" "$(enc "$geo")"
	printf 'review queue\treview\n'
} >"$pages"

# shellcheck source=bench/serve_lib.sh
. bench/serve_lib.sh
echo "Store: $DB; ms from navigation to a usable page: cold loads (fresh browser context; API part in"
echo "parentheses), the first one after the server started, then the median of $RUNS; $RUNS loads in a new tab of a"
echo "browser that has seen the explorer; $RUNS in-app navigations; the cold loads' jump to the page's end."
echo
if [ -n "${OLD:-}" ]; then
	echo "| page | server cache | binary | first cold load ms (API) | median cold load ms (API) | new tab, assets cached ms | in-app median ms | in-app worst ms | jump to the end ms |"
	echo "|---|---|---|---:|---:|---:|---:|---:|---:|"
else
	echo "| page | server cache | first cold load ms (API) | median cold load ms (API) | new tab, assets cached ms | in-app median ms | in-app worst ms | jump to the end ms |"
	echo "|---|---|---:|---:|---:|---:|---:|---:|"
fi
old_pid=
old_down() { [ -n "$old_pid" ] && kill "$old_pid" 2>/dev/null && wait "$old_pid" 2>/dev/null; old_pid=; }
trap 'serve_down; old_down' EXIT
for mode in $MODES; do
	extra=()
	[ "$mode" = uncached ] && extra+=(--cache 0)
	urls=
	if [ -n "${OLD:-}" ]; then
		BEHIND=$OLD serve_up "$DB" "$OUT/pages_serve_old.log" "${extra[@]}"
		old_pid=$pid urls="old=$url"
	fi
	serve_up "$DB" "$OUT/pages_serve.log" "${extra[@]}"
	if [ -n "$urls" ]; then
		SERVE_URLS="$urls new=$url" OLD_URLS=${OLD_URLS:-hash} WEB=$WEB PAGES=$pages RUNS=$RUNS MODE=$mode node bench/serve_pages.mjs
	else
		SERVE_URL=$url WEB=$WEB PAGES=$pages RUNS=$RUNS MODE=$mode node bench/serve_pages.mjs
	fi
	serve_down
	old_down
done
