# Assertion helpers for the end-to-end tests (tests/e2e/*.sh), sourced by
# each script: `. "$ROOT/tests/lib.sh"`. A failed assertion prints what was
# expected, what came instead and where (script:line), counts the failure
# and lets the script go on, so one run shows every broken check; `finish`
# at the end turns the count into the exit status (0 pass, 1 fail).
# `skip REASON` exits 77, which tests/run.sh reports as skipped.
# shellcheck shell=bash

set -u
: "${BEHIND:?BEHIND (the binary under test) is not set: run through tests/run.sh}"
: "${FIXTURES:?FIXTURES is not set: run through tests/run.sh}"
T=${TMPDIR:-/tmp}
FAILS=0
CHECKS=0

# where: the caller's script and line, for messages.
where() {
	echo "$(basename "${BASH_SOURCE[2]}"):${BASH_LINENO[1]}"
}

fail() {
	FAILS=$((FAILS + 1))
	echo "FAIL $(where): $*" >&2
}

# assert_eq EXPECTED ACTUAL WHAT
assert_eq() {
	CHECKS=$((CHECKS + 1))
	if [ "$1" != "$2" ]; then
		FAILS=$((FAILS + 1))
		echo "FAIL $(where): $3: expected '$1', got '$2'" >&2
	fi
}

# assert_ne UNEXPECTED ACTUAL WHAT
assert_ne() {
	CHECKS=$((CHECKS + 1))
	if [ "$1" = "$2" ]; then
		FAILS=$((FAILS + 1))
		echo "FAIL $(where): $3: got '$2', which it must not be" >&2
	fi
}

# has HAYSTACK-FILE-OR-TEXT NEEDLE: 0 when the fixed string NEEDLE occurs in
# the file, or in the text when no such file exists; the haystack in $HAY.
has() {
	HAY=$1
	if [ -f "$1" ]; then HAY=$(cat "$1"); fi
	case $HAY in *"$2"*) return 0 ;; esac
	return 1
}

# assert_contains FILE-OR-TEXT NEEDLE WHAT
assert_contains() {
	CHECKS=$((CHECKS + 1))
	if ! has "$1" "$2"; then
		FAILS=$((FAILS + 1))
		echo "FAIL $(where): $3: '$2' not found in:" >&2
		printf '%s\n' "$HAY" | head -n 20 | sed 's/^/    /' >&2
	fi
}

# assert_not_contains FILE-OR-TEXT NEEDLE WHAT
assert_not_contains() {
	CHECKS=$((CHECKS + 1))
	if has "$1" "$2"; then
		FAILS=$((FAILS + 1))
		echo "FAIL $(where): $3: '$2' must not appear in:" >&2
		printf '%s\n' "$HAY" | head -n 20 | sed 's/^/    /' >&2
	fi
}

# assert_status EXPECTED ACTUAL WHAT: exit statuses, with the last output
# shown on failure ($OUT, set by `run`).
assert_status() {
	CHECKS=$((CHECKS + 1))
	if [ "$1" != "$2" ]; then
		FAILS=$((FAILS + 1))
		echo "FAIL $(where): $3: exit status $2, expected $1; output:" >&2
		head -n 20 "${OUT:-/dev/null}" | sed 's/^/    /' >&2
	fi
}

# run CMD...: runs a command with stdout and stderr in $OUT (a file) and
# its exit status in $RC; never stops the script.
# shellcheck disable=SC2034 # RC is read by the scripts that source this
OUT="$T/out.$$"
RC=0
# shellcheck disable=SC2034
run() {
	RC=0
	"$@" >"$OUT" 2>&1 || RC=$?
	# a sanitizer report is a failure whatever the exit status
	if grep -q -E 'ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer' "$OUT"; then
		FAILS=$((FAILS + 1))
		echo "FAIL $(where): sanitizer report from: $*" >&2
		sed 's/^/    /' "$OUT" >&2
	fi
}

# q DB SQL: one query through the sqlite3 CLI (an independent reader of the
# store), output trimmed of the trailing newline.
q() {
	sqlite3 -batch -noheader "$1" "$2"
}

# json_q FILE SQL: SQL over table doc(j), j the text of the JSON file FILE
# (SQLite's JSON functions: no other JSON tool is needed).
json_q() {
	sqlite3 -batch -noheader :memory: "create table doc as select CAST(readfile('$1') AS TEXT) AS j;" "$2"
}

# dump_hash DB: a fingerprint of everything a store holds.
dump_hash() {
	sqlite3 "$1" .dump | sha256sum | cut -d' ' -f1
}

skip() {
	echo "SKIP: $*"
	exit 77
}

# need_data SUBDIR: skips the test when ../shared/data/SUBDIR is absent.
need_data() {
	if [ ! -d "$DATA/$1" ]; then
		skip "$DATA/$1 is absent (real public records are only in the team's shared folder)"
	fi
}

finish() {
	if [ "$FAILS" -gt 0 ]; then
		echo "$FAILS of $CHECKS checks failed" >&2
		exit 1
	fi
	echo "all $CHECKS checks passed"
	exit 0
}
