#!/bin/sh
# The issue's end-to-end goal on a real store: `behind resolve --full` on a
# copy of an ingested store (10M mentions in under 5 minutes, peak RSS under
# 8 GiB), with BEHIND_TIMING's phases (wall, CPU, peak so far) and
# /usr/bin/time's totals. Each binary given runs on its own fresh copy, in
# turn, so that old and new are measured in the same session.
#   bench/er/resolve_store.sh STORE [BINARY...]
#   bench/er/resolve_store.sh /work/store/10m/r2.db build/behind /tmp/behind.old
# STORE is only read (copied to $OUT, default bench/out, then deleted: the
# 10M-row store needs 11 GB free, its copy grows by a few GB). The copy's
# resolve also rebuilds the precomputed answers (query/precompute.c),
# shown on their own timing lines; "resolve proper" is the sum of the
# lines before them. NICE (default 10) is the niceness; KEEP=1 keeps the
# last copy and its log (to compare its tables with the store's).
set -u
[ $# -ge 1 ] || { echo "usage: $0 STORE [BINARY...]" >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STORE=$1
shift
[ $# -ge 1 ] || set -- "$ROOT/build/behind"
OUT=${OUT:-$ROOT/bench/out}
NICE=${NICE:-10}
mkdir -p "$OUT"
[ -s "$STORE" ] || { echo "skip: $STORE is absent" >&2; exit 77; }
for BIN in "$@"; do
	COPY="$OUT/resolve_store.$$.$(basename "$BIN").db"
	rm -f "$COPY" "$COPY-wal" "$COPY-shm"
	cp "$STORE" "$COPY"
	[ -s "$STORE-wal" ] && cp "$STORE-wal" "$COPY-wal"
	echo "== $BIN ($(git -C "$ROOT" rev-parse --short HEAD) tree; load at start: $(cut -d' ' -f1-3 /proc/loadavg))"
	BEHIND_TIMING=1 /usr/bin/time -f 'total: wall %e s, user %U s, sys %S s, peak RSS %M KiB' \
		nice -n "$NICE" "$BIN" --db "$COPY" resolve --full >"$COPY.log" 2>&1
	echo "exit status $?"
	grep -E '^timing:|^total:|entities|clusters' "$COPY.log"
	awk '/^timing: resolve: (load|block|unions|review|write|commit)/ && !/load: / {
		for (i = 1; i <= NF; i++) { if ($(i + 1) == "s" && $(i + 2) == "wall") w += $i; if ($(i + 1) == "s" && $(i + 2) == "cpu") c += $i }
	} END { printf "resolve proper: %.1f s wall, %.1f s cpu\n", w, c }' "$COPY.log"
	echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
	[ "${KEEP:-0}" = 1 ] && { echo "kept: $COPY"; continue; }
	rm -f "$COPY" "$COPY-wal" "$COPY-shm" "$COPY.log"
done
