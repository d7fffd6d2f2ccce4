#!/usr/bin/env bash
# The main job, end to end: install what is missing, build, ingest a data
# folder, print the dossier of an agency (ICE, sub-agency code 7012).
#
#   scripts/demo.sh                 # DATA: ../shared/data if present, else examples/data
#   DATA=~/downloads scripts/demo.sh
#   AGENCY=070 scripts/demo.sh      # another agency code or name
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
make -s -j2 build/behind

if [ -n "${DATA:-}" ]; then
  data=$DATA; why="DATA was given"
elif [ -d ../shared/data ]; then
  data=../shared/data; why="../shared/data exists"
else
  data=examples/data; why="no DATA and no ../shared/data: invented example data"
fi
db=${BEHIND_DB:-behind.db}
agency=${AGENCY:-7012}
echo "demo: data folder $data ($why); store $db" >&2

set +e
build/behind --db "$db" ingest "$data"
st=$?
set -e
if [ "$st" -eq 2 ]; then
  echo "demo: ingest failed" >&2
  exit 2
fi
[ "$st" -eq 1 ] && echo "demo: some rows were rejected; see \`build/behind --db $db rejects\`" >&2
# link the same company across contracts, PACs, lobbying and personnel
build/behind --db "$db" resolve

echo
# The dossier: money by year, top recipients rolled up to parents with their
# largest awards (file, line, usaspending.gov page), what was bought,
# subcontracts and hidden vendors.
build/behind --db "$db" who "$agency"
