#!/usr/bin/env bash
# Replays every committed fuzz input in the normal test run (no libFuzzer
# needed): each harness fuzz/fuzz_<target>.c is linked with fuzz/replay.c
# against the library under test ($BUILD/libbehind.a, so under `make
# SAN=1 check` with ASan/UBSan), then run on every file of
# fuzz/corpus/<target>/ and every fuzz/regressions/<target>-* input. Any
# abort, sanitizer report or non-zero exit fails the test.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

LIB="$BUILD/libbehind.a"
case $LIB in /*) ;; *) LIB="$ROOT/$LIB" ;; esac
[ -f "$LIB" ] || skip "$LIB is missing"
CC=${CC:-cc}
command -v "$CC" >/dev/null || skip "no C compiler ($CC)"
# the library's dependencies, as the Makefile names them
PKGS=$(sed -n 's/^PKGS *:= *//p' "$ROOT/Makefile")
SANFLAGS=""
if nm "$LIB" 2>/dev/null | grep -q '__asan_report'; then
	SANFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all"
fi

targets=()
for src in "$ROOT"/fuzz/fuzz_*.c; do
	t=$(basename "$src" .c)
	t=${t#fuzz_}
	targets+=("$t")
	# shellcheck disable=SC2086,SC2046 # flag lists
	"$CC" -std=c11 -D_GNU_SOURCE -O1 -g $SANFLAGS -I"$ROOT/src" -I"$ROOT/fuzz" \
		$(pkg-config --cflags $PKGS) -o "$T/replay_$t" "$src" "$ROOT/fuzz/replay.c" \
		"$LIB" $(pkg-config --libs $PKGS) -lpthread -lm >"$T/cc_$t.log" 2>&1 &
done
wait
for t in "${targets[@]}"; do
	CHECKS=$((CHECKS + 1))
	if [ ! -x "$T/replay_$t" ]; then
		fail "harness $t does not build:"
		sed 's/^/    /' "$T/cc_$t.log" >&2
		continue
	fi
	inputs=()
	for f in "$ROOT/fuzz/corpus/$t"/* "$ROOT/fuzz/regressions/$t"-*; do
		[ -f "$f" ] && inputs+=("$f")
	done
	assert_ne 0 "${#inputs[@]}" "inputs for target $t"
	[ "${#inputs[@]}" -eq 0 ] && continue
	run env TMPDIR="$T" "$T/replay_$t" "${inputs[@]}"
	assert_status 0 "$RC" "replay of ${#inputs[@]} inputs through $t"
	echo "replayed ${#inputs[@]} inputs through $t"
done
finish
