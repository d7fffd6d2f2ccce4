#!/bin/sh
# Builds bench/er/er_bench against $BUILD/libbehind.a and runs it on the
# entity-resolution benchmarks of ../shared/data (skipping what is absent).
#   bench/er/run.sh            all quality benchmarks, one run each
#   bench/er/run.sh synth N    throughput on N synthetic mentions
#   bench/er/run.sh identical N  N identical names (hostile input)
#   bench/er/run.sh explain DB PAIRS  explain timed in process per pair
# Medians: run it several times (REPEAT=3) and take the middle line.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
DATA=${DATA:-$ROOT/../shared/data}
BIN="$ROOT/$BUILD/er_bench"
PKGS="sqlite3 libutf8proc libarchive libxml-2.0 libmicrohttpd libcrypto"
cd "$ROOT" || exit 2
make -s "$BUILD/libbehind.a" || exit 2
cc -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -Wno-missing-field-initializers -Isrc $(pkg-config --cflags $PKGS) \
	-o "$BIN" bench/er/er_bench.c "$BUILD/libbehind.a" $(pkg-config --libs $PKGS) -lpthread -lm || exit 2
REPEAT=${REPEAT:-1}
run() {
	i=0
	while [ $i -lt "$REPEAT" ]; do "$BIN" "$@"; i=$((i + 1)); done
}
if [ $# -gt 0 ] && [ "$1" = synth ]; then
	run synth "${2:-1000000}"
	exit
fi
if [ $# -gt 0 ] && [ "$1" = identical ]; then
	run identical "${2:-1000000}"
	exit
fi
if [ $# -gt 0 ] && [ "$1" = explain ]; then
	run explain "$2" "$3"
	exit
fi
ER="$DATA/er"
if [ ! -d "$ER" ]; then
	echo "skip: $ER is absent (the benchmarks need ../shared/data/er)"
	exit 0
fi
for d in 1 2 3; do run febrl "$ER/febrl/dataset$d.csv"; done
run febrl "$ER/febrl/dataset4a.csv" "$ER/febrl/dataset4b.csv"
run dblp-acm "$ER/dblp-acm"
if [ -d "$DATA/usaspending" ]; then
	run recipients "$DATA/usaspending"
else
	echo "skip: $DATA/usaspending is absent"
fi
