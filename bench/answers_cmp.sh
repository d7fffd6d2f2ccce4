#!/usr/bin/env bash
# Same answers from two builds (not a test): `behind show ID` and `show
# --json ID` for every id of IDS, `behind search` (text, --json, --json
# --limit 50, as the explorer's page asks) for every query of QUERIES, each
# compared with cmp. The lists are one id or query a line, e.g. serve_load.sh's
# rotations decoded: `sed 's|^/api/show?id=||' bench/out/show_paths.txt |
# python3 -c 'import sys, urllib.parse; [print(urllib.parse.unquote(l.rstrip("\n"))) for l in sys.stdin]'`.
#
# Usage: bench/answers_cmp.sh OLD-BEHIND NEW-BEHIND STORE IDS QUERIES
# Prints each answer that differs and a count; exit 1 if any differs.
set -euo pipefail
[ $# -eq 5 ] || { echo "usage: $0 OLD NEW STORE IDS QUERIES" >&2; exit 2; }
old=$1 new=$2 db=$3 ids=$4 queries=$5
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
n=0 bad=0
check() { # WHAT ARGS...: both builds, one cmp
	local what=$1
	shift
	"$old" --db "$db" "$@" >"$d/o" 2>&1 || true
	"$new" --db "$db" "$@" >"$d/n" 2>&1 || true
	n=$((n + 1))
	cmp -s "$d/o" "$d/n" || { bad=$((bad + 1)); echo "differs: $what"; }
}
while IFS= read -r id; do
	check "show $id" show "$id"
	check "show --json $id" show --json "$id"
done <"$ids"
while IFS= read -r q; do
	check "search $q" search -- "$q"
	check "search --json $q" search --json -- "$q"
	check "search --json --limit 50 $q" search --json --limit 50 -- "$q"
done <"$queries"
echo "answers_cmp: $n answers compared, $bad differ"
[ "$bad" -eq 0 ]
