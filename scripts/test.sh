#!/usr/bin/env bash
# The whole test suite: install what is missing, build, run the unit and
# end-to-end tests, then the same suite again under ASan/UBSan. The last line
# of each run is "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
make -s -j2 check
make -s -j2 SAN=1 check
