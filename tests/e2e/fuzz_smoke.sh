#!/usr/bin/env bash
# A short fuzzing run in the test suite (CI): builds the libFuzzer harnesses
# (`make fuzz`, incremental) and runs each for FUZZ_SMOKE_SECONDS (default
# 10) through fuzz/run.sh, with a fixed seed (FUZZ_SEED, default 1) so that
# a CI run repeats the mutations a developer's run made; longer random runs
# belong to fuzz/run.sh itself. Any crash fails the test and leaves its input in
# the run's output folder (printed); turn it into fuzz/regressions/<target>-*
# with a fix. Skips when clang with libFuzzer is not installed, or when
# FUZZ_SMOKE=0.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

[ "${FUZZ_SMOKE:-1}" = 0 ] && skip "FUZZ_SMOKE=0"
command -v clang >/dev/null || skip "clang is not installed (apt-get install clang)"
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' >"$T/probe.c"
clang -fsanitize=fuzzer -o "$T/probe" "$T/probe.c" >/dev/null 2>&1 ||
	skip "clang cannot link libFuzzer (apt-get install libfuzzer-14-dev)"

run make -C "$ROOT" -s fuzz
assert_status 0 "$RC" "make fuzz"
[ "$RC" = 0 ] || finish

run env FUZZ_SECONDS="${FUZZ_SMOKE_SECONDS:-10}" FUZZ_JOBS="${FUZZ_SMOKE_JOBS:-2}" \
	FUZZ_OUT="$T/fuzz" FUZZ_TMP="$T" FUZZ_SEED="${FUZZ_SEED:-1}" "$ROOT/fuzz/run.sh"
cat "$OUT"
assert_status 0 "$RC" "fuzz/run.sh: no crash"
last=$(tail -n 1 "$OUT")
assert_contains "$last" "0 crashes" "summary line"
finish
