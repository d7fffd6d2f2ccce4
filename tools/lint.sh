#!/bin/sh
# Static analysis of the C sources with committed configurations:
# clang-tidy (checks in .clang-tidy, reviewed false positives in
# tools/tidy.supp) and cppcheck (the invocation below,
# its suppressions in tools/cppcheck.supp, each with its reason). Prints
# every finding and a summary line per tool; exits 1 when either tool
# reports something, 0 when both are clean, 77 when neither is installed.
#
# Usage: tools/lint.sh [FILE.c...]   (default: src/*/*.c)
# Env:   LINT_JOBS (parallel clang-tidy processes, default: CPUs)
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
if [ "$#" -eq 0 ]; then
	# every C source but the generated asset bundle
	for f in src/*/*.c; do
		[ "$f" = src/serve/assets_gen.c ] || set -- "$@" "$f"
	done
fi
PKGS=$(sed -n 's/^PKGS *:= *//p' Makefile)
# shellcheck disable=SC2086
CFLAGS="-std=c11 -D_GNU_SOURCE -Isrc $(pkg-config --cflags $PKGS)"
JOBS=${LINT_JOBS:-$(nproc 2>/dev/null || echo 2)}
status=0
ran=0
out=$(mktemp -d "${TMPDIR:-/tmp}/behind-lint.XXXXXX") || exit 2
trap 'rm -rf "$out"' EXIT

if command -v clang-tidy >/dev/null; then
	ran=1
	# the x86 kernels use GCC target pragmas clang does not know: give clang
	# the instruction sets for that file
	printf '%s\n' "$@" | xargs -P "$JOBS" -I{} sh -c '
		extra=""
		case {} in *csv_simd_x86.c) extra="-Wno-unknown-pragmas -mavx2 -mavx512f -mavx512bw -mbmi -mbmi2 -mpopcnt -mpclmul" ;; esac
		clang-tidy --quiet {} -- '"$CFLAGS"' $extra >"'"$out"'/$(echo {} | tr / _).tidy" 2>/dev/null'
	cat "$out"/*.tidy | grep -E '^[^ ].*: (warning|error):' | sed "s|^$ROOT/||" | sort -u >"$out/all.txt"
	# drop the reviewed false positives of tools/tidy.supp ("file|check")
	grep -v '^#' tools/tidy.supp | grep . | while IFS='|' read -r f c; do
		printf '%s:[0-9]*:[0-9]*: .*\\[%s\\]$\n' "$f" "$c"
	done >"$out/supp.re"
	grep -v -f "$out/supp.re" "$out/all.txt" >"$out/tidy.txt"
	n=$(wc -l <"$out/tidy.txt")
	cat "$out/tidy.txt"
	echo "clang-tidy: $n findings in $# files"
	[ "$n" -eq 0 ] || status=1
fi

if command -v cppcheck >/dev/null; then
	ran=1
	cppcheck --quiet --enable=warning,portability,performance --std=c11 \
		--inline-suppr --suppressions-list=tools/cppcheck.supp \
		-D_GNU_SOURCE -D__x86_64__ -Isrc -j "$JOBS" \
		--template='{file}:{line}: {severity}: {message} [{id}]' "$@" 2>"$out/cppcheck.txt"
	n=$(grep -c ': ' "$out/cppcheck.txt")
	cat "$out/cppcheck.txt"
	echo "cppcheck: $n findings in $# files"
	[ "$n" -eq 0 ] || status=1
fi

[ "$ran" = 1 ] || { echo "lint.sh: neither clang-tidy nor cppcheck is installed"; exit 77; }
exit "$status"
