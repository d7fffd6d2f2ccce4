#!/bin/sh
# Runs every libFuzzer harness (build-fuzz/fuzz_*, built by `make fuzz`) for
# a bounded time each: FUZZ_SECONDS (default 60) per target, seeded from
# fuzz/corpus/<target>/ and fuzz/regressions/<target>-*. New corpus entries
# go to a scratch folder, not the committed corpus (copy the useful ones by
# hand); a crash leaves its input in $FUZZ_OUT/crashes/ (default
# build-fuzz/out) and makes the script fail. The last line sums it up:
# "fuzz: N targets, S s each, E executions, C crashes".
#
# Usage: fuzz/run.sh [TARGET...]     (TARGET: csv, zip, lda, ...; default all)
# Env:   FUZZ_SECONDS, FUZZ_OUT, FUZZ_JOBS (parallel targets, default 4),
#        FUZZ_RSS_MB (libFuzzer -rss_limit_mb, default 2048), FUZZ_TMP (where
#        the harnesses write their temporary inputs and store; default
#        /dev/shm when writable: the stores commit on every input)
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
SECS=${FUZZ_SECONDS:-60}
OUTDIR=${FUZZ_OUT:-"$ROOT/build-fuzz/out"}
JOBS=${FUZZ_JOBS:-4}
RSS=${FUZZ_RSS_MB:-2048}
if [ -z "${FUZZ_TMP:-}" ]; then
	if [ -d /dev/shm ] && [ -w /dev/shm ]; then FUZZ_TMP=/dev/shm; else FUZZ_TMP=${TMPDIR:-/tmp}; fi
fi

if [ "$#" -eq 0 ]; then
	# shellcheck disable=SC2046 # target names are plain words
	set -- $(for b in build-fuzz/fuzz_*; do [ -x "$b" ] && basename "$b" | sed 's/^fuzz_//'; done)
fi
if [ "$#" -eq 0 ]; then
	echo "fuzz/run.sh: no harness in build-fuzz/: run make fuzz first" >&2
	exit 2
fi
mkdir -p "$OUTDIR/crashes"

# one TARGET: fuzzes it for $SECS s; its log in $OUTDIR/TARGET.log
one() {
	t=$1
	work="$OUTDIR/corpus-$t"
	rm -rf "$work"
	mkdir -p "$work"
	[ -d "fuzz/corpus/$t" ] && cp fuzz/corpus/"$t"/* "$work"/ 2>/dev/null
	for r in fuzz/regressions/"$t"-*; do [ -f "$r" ] && cp "$r" "$work"/; done
	TMPDIR="$FUZZ_TMP" "build-fuzz/fuzz_$t" "$work" -max_total_time="$SECS" -timeout=25 \
		-rss_limit_mb="$RSS" -max_len=65536 -print_final_stats=1 ${FUZZ_SEED:+-seed="$FUZZ_SEED"} \
		-artifact_prefix="$OUTDIR/crashes/$t-" >"$OUTDIR/$t.log" 2>&1
	echo $? >"$OUTDIR/$t.rc"
}

running=0
for t in "$@"; do
	if [ ! -x "build-fuzz/fuzz_$t" ]; then
		echo "fuzz/run.sh: build-fuzz/fuzz_$t is missing" >&2
		exit 2
	fi
	one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$JOBS" ]; then
		wait
		running=0
	fi
done
wait

total=0
crashes=0
for t in "$@"; do
	rc=$(cat "$OUTDIR/$t.rc" 2>/dev/null || echo 1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$OUTDIR/$t.log" | tail -n 1)
	execs=${execs:-0}
	cov=$(grep -o 'cov: [0-9]*' "$OUTDIR/$t.log" | tail -n 1 | sed 's/cov: //')
	total=$((total + execs))
	if [ "$rc" -ne 0 ]; then
		crashes=$((crashes + 1))
		echo "CRASH $t (exit $rc): see $OUTDIR/$t.log" >&2
		grep -m 3 -E 'ERROR|runtime error|SUMMARY|deadly' "$OUTDIR/$t.log" | sed 's/^/    /' >&2
	fi
	printf '%-12s %8s execs  cov %s  exit %s\n' "$t" "$execs" "${cov:-?}" "$rc"
done
echo "fuzz: $# targets, $SECS s each, $total executions, $crashes crashes"
[ "$crashes" -eq 0 ]
