#!/bin/bash
# The test command of `behind` (what `make check` and CI run): every cmocka
# binary $BUILD/tests/test_* and every end-to-end script tests/e2e/*.sh.
#
# Unit tests run from the repository root (they may read tests/fixtures).
# Each e2e script runs with BEHIND (the binary under test), FIXTURES
# (tests/fixtures), DATA (../shared/data, absolute; may be absent), ROOT
# (the repository) and TMPDIR (private, removed afterwards) in its
# environment, and that private folder's parent as working directory, so a
# stray ./behind.db never lands in the repository. Exit 0 is a pass, 77 a skip (the script prints
# why), anything else a failure. A test that runs longer than
# $TEST_TIMEOUT seconds (default 300) is killed and counted as failed.
#
# Tests run $TEST_JOBS at a time (default: the number of CPUs, at most 4):
# each has its own scratch folder, and servers take a free port (--port 0),
# so they do not meet. The known slow ones start first, so that the run
# ends when the last of them does, not after them. A result is printed as
# each test ends; TEST_JOBS=1 runs them one after another, in order.
#
# Usage: BUILD=build tests/run.sh [NAME-SUBSTRING...]
# The last line of output is always "N passed, N failed, N skipped"; the
# exit status is 1 when anything failed.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
TEST_TIMEOUT=${TEST_TIMEOUT:-300}
TEST_JOBS=${TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
[ "$TEST_JOBS" -ge 1 ] 2>/dev/null || TEST_JOBS=1
[ "$TEST_JOBS" -le 4 ] || TEST_JOBS=4
VERBOSE=${VERBOSE:-0}

BEHIND="$BUILD/behind"
FIXTURES="$ROOT/tests/fixtures"
# DATA may be given (another checkout of the shared records); made absolute.
DATA=${DATA:-"$ROOT/../shared/data"}
if [ -d "$DATA" ]; then
	DATA=$(cd "$DATA" && pwd)
fi
export BEHIND FIXTURES DATA BUILD ROOT
# Tests check exact messages and must not draw progress lines.
export CI=1
# Under ASan, leaks are failures too; UBSan reports abort the process.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

passed=0
failed=0
skipped=0
failures=""
scratch=$(mktemp -d "${TMPDIR:-/tmp}/behind-tests.XXXXXX") || exit 2
trap 'rm -rf "$scratch"' EXIT INT TERM

if [ ! -x "$BEHIND" ]; then
	echo "run.sh: $BEHIND is missing: run make first" >&2
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi

# wanted NAME FILTER...: 0 when no filter is given or NAME contains one.
wanted() {
	name=$1
	shift
	[ "$#" -eq 0 ] && return 0
	for f in "$@"; do
		case $name in *"$f"*) return 0 ;; esac
	done
	return 1
}

# run_one NAME DIR CWD COMMAND...: runs a test from CWD with DIR/tmp (private)
# as its TMPDIR; writes its report to DIR/report and pass, skip or fail to
# DIR/status (last, so that a status means the report is whole).
run_one() {
	name=$1
	dir=$2
	cwd=$3
	shift 3
	mkdir -p "$dir/tmp"
	log="$dir/log"
	start=$(date +%s)
	(cd "$cwd" && TMPDIR="$dir/tmp" timeout --kill-after=10 "$TEST_TIMEOUT" "$@") >"$log" 2>&1
	rc=$?
	{
		if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ "${RETRY_FLAKY:-1}" = 1 ]; then
			# once more, from a clean scratch folder: a test that passes the second
			# time is reported as flaky (with its first log), not hidden
			mv "$log" "$dir/log.first"
			rm -rf "$dir/tmp"
			mkdir -p "$dir/tmp"
			(cd "$cwd" && TMPDIR="$dir/tmp" timeout --kill-after=10 "$TEST_TIMEOUT" "$@") >"$log" 2>&1
			rc=$?
			if [ "$rc" -eq 0 ]; then
				echo "FLAKY $name: failed, then passed on a second run; first run's log:"
				tail -n 20 "$dir/log.first" | sed 's/^/      | /'
			fi
		fi
		secs=$(($(date +%s) - start))
		case $rc in
		0)
			status=pass
			echo "PASS  $name (${secs}s)"
			if [ "$VERBOSE" = 1 ]; then sed 's/^/      | /' "$log"; fi
			;;
		77)
			status=skip
			why=$(grep -i 'skip' "$log" | tail -n 1)
			echo "SKIP  $name: ${why:-no reason given}"
			;;
		*)
			status=fail
			if [ "$rc" -eq 124 ]; then
				echo "FAIL  $name (killed after ${TEST_TIMEOUT}s)"
			else
				echo "FAIL  $name (exit $rc, ${secs}s)"
			fi
			tail -n 40 "$log" | sed 's/^/      | /'
			;;
		esac
	} >"$dir/report"
	echo "$status" >"$dir/status"
}

# The tests, the known slow ones first (by their time under ASan; a test
# missing from this list only starts later, it still runs).
SLOW_FIRST="e2e/influence_precomputed e2e/cite_figures e2e/explain_stored e2e/browser
e2e/hostile_inputs e2e/fuzz_smoke e2e/search_index unit/test_csv e2e/precomputed e2e/fuzz_replay"
names=()
dirs=()
add_test() { # NAME DIR
	names+=("$1")
	dirs+=("$2")
}
declare -A file_of
for bin in "$BUILD"/tests/test_*; do
	if [ ! -f "$bin" ] || [ ! -x "$bin" ]; then continue; fi
	name="unit/$(basename "$bin")"
	wanted "$name" "$@" || continue
	add_test "$name" "$scratch/$(basename "$bin")"
	file_of[$name]=$bin
done
for script in "$ROOT"/tests/e2e/*.sh; do
	[ -f "$script" ] || continue
	name="e2e/$(basename "$script" .sh)"
	wanted "$name" "$@" || continue
	add_test "$name" "$scratch/e2e-$(basename "$script" .sh)"
	file_of[$name]=$script
done
order=()
if [ "$TEST_JOBS" -gt 1 ]; then
	for s in $SLOW_FIRST; do
		for i in "${!names[@]}"; do [ "${names[$i]}" = "$s" ] && order+=("$i"); done
	done
fi
for i in "${!names[@]}"; do
	case " ${order[*]} " in *" $i "*) ;; *) order+=("$i") ;; esac
done

# report_done: prints and counts the tests that have ended since last time.
declare -A reported
report_done() {
	for i in "${order[@]}"; do
		[ -z "${reported[$i]:-}" ] && [ -f "${dirs[$i]}/status" ] || continue
		reported[$i]=1
		cat "${dirs[$i]}/report"
		case $(cat "${dirs[$i]}/status") in
		pass) passed=$((passed + 1)) ;;
		skip) skipped=$((skipped + 1)) ;;
		*)
			failed=$((failed + 1))
			failures="$failures ${names[$i]}"
			;;
		esac
	done
}

running=0
for i in "${order[@]}"; do
	name=${names[$i]}
	case $name in
	unit/*) run_one "$name" "${dirs[$i]}" "$ROOT" "${file_of[$name]}" & ;;
	*) run_one "$name" "${dirs[$i]}" "${dirs[$i]}" bash "${file_of[$name]}" & ;;
	esac
	running=$((running + 1))
	if [ "$running" -ge "$TEST_JOBS" ]; then
		wait -n
		running=$((running - 1))
		report_done
	fi
done
wait
report_done

if [ "$failed" -gt 0 ]; then
	echo "failed:$failures"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
