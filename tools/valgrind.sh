#!/bin/sh
# Runs a few end-to-end ingests and queries of the fixtures under valgrind
# memcheck (build/behind, -O2 -g): every reader (USAspending, FEC, LDA in
# UTF-16, personnel), a zip, a re-ingest (skip path), a changed file
# (replace path), resolve, search and CSV export. Any memory error or
# definite leak fails (exit 1); the last line counts runs and failures.
# Suppressions, each with its reason: tools/valgrind.supp.
#
# Usage: tools/valgrind.sh [BEHIND]   (default build/behind; `make` first)
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BEHIND=${1:-"$ROOT/build/behind"}
command -v valgrind >/dev/null || { echo "valgrind is not installed"; exit 77; }
[ -x "$BEHIND" ] || { echo "$BEHIND is missing: run make"; exit 2; }
F="$ROOT/tests/fixtures"
W=$(mktemp -d "${TMPDIR:-/tmp}/behind-vg.XXXXXX") || exit 2
trap 'rm -rf "$W"' EXIT
# a private copy: a rebuild during the run must not change the binary
# under test (nor its symbols, which the suppressions match)
cp "$BEHIND" "$W/behind" || exit 2
BEHIND="$W/behind"
# The vector CSV engines read the buffer's never-written padding in their
# last chunk and mask the result; memcheck cannot follow the mask through
# PCLMUL, so the "uninitialised" taint spreads to every row it cuts (see
# tools/valgrind.supp). The scalar engine is the reference and cuts the
# same rows; VG_CSV_ENGINE=auto runs the vector engine anyway.
export BEHIND_CSV_ENGINE="${VG_CSV_ENGINE:-scalar}"
DB="$W/vg.db"
runs=0
bad=0

# vg NAME ARGS...: one behind command under memcheck; exit status 0..2 is
# the command's own verdict, 99 is valgrind's "errors found".
vg() {
	name=$1
	shift
	runs=$((runs + 1))
	valgrind --quiet --error-exitcode=99 --suppressions="$ROOT/tools/valgrind.supp" \
		--leak-check=full --errors-for-leak-kinds=definite \
		--show-leak-kinds=definite --track-origins=yes --log-file="$W/$runs.vg" \
		"$BEHIND" --db "$DB" "$@" >"$W/$runs.out" 2>&1
	rc=$?
	if [ "$rc" -eq 99 ] || [ -s "$W/$runs.vg" ]; then
		bad=$((bad + 1))
		echo "FAIL $name (exit $rc):"
		sed 's/^/    /' "$W/$runs.vg" | head -n 40
	else
		echo "ok   $name (exit $rc)"
	fi
}

python3 - "$F" "$W" <<'PY'
import sys, zipfile
f, w = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(w + '/fec.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    z.write(f + '/fec/cm.txt', 'cm.txt')
    z.write(f + '/fec/cn.txt', 'cn.txt')
PY
vg "ingest usaspending transactions" ingest "$F/usaspending/txn_current_iso.csv" "$F/usaspending/txn_old_259col_dmy.csv"
vg "ingest usaspending awards+subawards" ingest "$F/usaspending/awards_summary.csv" "$F/usaspending/subawards.csv"
vg "ingest bad usaspending rows" ingest "$F/usaspending/bad_values.csv" "$F/usaspending/bad_quoting.csv" "$F/usaspending/invalid_utf8.csv"
vg "ingest FEC" ingest "$F/fec/itcont.txt" "$F/fec/itpas2.txt"
vg "ingest FEC zip" ingest "$W/fec.zip"
vg "ingest LDA UTF-16" ingest "$F/lda/ld2_2006_2.xml" "$F/lda/ld203_2015_2.xml" "$F/lda/utf16_no_bom.xml" "$F/lda/truncated.xml"
vg "ingest personnel" ingest "$F/personnel/positions.csv"
vg "re-ingest (skipped)" ingest "$F/usaspending/txn_current_iso.csv"
cp "$F/usaspending/txn_current_iso.csv" "$W/changing.csv"
vg "ingest a file" ingest "$W/changing.csv"
sed -i 's/100000.00/100001.00/' "$W/changing.csv"
vg "ingest it changed (replace)" ingest "$W/changing.csv"
vg "resolve" resolve
vg "search" search ACME
vg "export csv" export --format csv
echo "valgrind: $runs runs, $bad with errors or definite leaks"
[ "$bad" -eq 0 ]
