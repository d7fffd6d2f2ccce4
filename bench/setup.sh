#!/bin/sh
# Installs the peers of the ingest benchmark (bench/ingest_peers.sh) from
# Debian's packages: sqlite3 (.import), sqlite-utils, csvkit (csvsql),
# PostgreSQL (COPY into a throwaway cluster), hyperfine, GNU time. Not part of
# the test suite; run once, as root or through sudo.
set -eu
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO apt-get update -q
$SUDO apt-get install -y -q sqlite3 sqlite-utils csvkit postgresql hyperfine time unzip
