#!/usr/bin/env bash
# The influence section of `show` precomputed by `behind resolve` for the
# clusters with many LDA rows (src/query/influence.c: influence_top,
# influence_canon). The clusters chosen are those python counts from the
# rows; show answers byte for byte the same through the stored rows as
# through the records (JSON and text, every member of every chosen
# cluster); the stored rows are never read stale (an ingest after the build
# sends show back to the records, the next resolve makes them fresh). On
# fixtures every cluster with an LDA row is chosen
# ($BEHIND_INFLUENCE_MIN_ROWS=1); on two real LDA quarters of ../shared/data,
# the default threshold.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
command -v python3 >/dev/null || skip "python3 is not installed"

# heavy_py DB MIN: the canonical rids of the clusters with at least MIN LDA
# rows (filings as client or registrant, LD-203 contributions as registrant)
heavy_py() {
	python3 - "$1" "$2" <<'EOF'
import sqlite3, sys
from collections import Counter
db = sqlite3.connect(sys.argv[1])
canon = dict(db.execute("select entity, canon from cluster"))
n = Counter()
for sql in ("select client from lda_filing", "select registrant from lda_filing",
            "select registrant from lda_contribution"):
    for (e,) in db.execute(sql):
        if e is not None:
            n[canon.get(e, e)] += 1
print(" ".join(str(c) for c in sorted(c for c, k in n.items() if k >= int(sys.argv[2]))))
EOF
}
stored() { q "$1" "select group_concat(canon, ' ') from (select canon from influence_canon order by canon)"; }

# show_route ID: the route show's influence section took
show_route() {
	BEHIND_TIMING=1 "$BEHIND" --db "$DB" show --json "$1" 2>&1 >/dev/null |
		sed -n 's/^influence: route //p'
}
# same_shows LIMIT: every member of (at most LIMIT of) the chosen clusters
# shows the same through both routes, JSON and text
same_shows() {
	local id n=0 d=0 fmt
	q "$DB" "select e.id from influence_canon c join entity e
		on e.rid = c.canon or e.rid in (select entity from cluster where canon = c.canon)
		order by c.canon, e.id limit $1" >"$T/ids"
	while IFS= read -r id; do
		for fmt in --json --text; do
			[ "$fmt" = --text ] && fmt=
			# shellcheck disable=SC2086 # an empty $fmt is no argument
			"$BEHIND" --db "$DB" show $fmt "$id" >"$T/new.show" 2>&1
			# shellcheck disable=SC2086
			BEHIND_SHOW_ROUTE=rows "$BEHIND" --db "$DB" show $fmt "$id" >"$T/old.show" 2>&1
			n=$((n + 1))
			cmp -s "$T/new.show" "$T/old.show" || d=$((d + 1))
		done
	done <"$T/ids"
	echo "$n shows, $d different"
}

# ---- fixtures: every cluster with an LDA row ------------------------------------
DB="$T/infl_pre.db"
run "$BEHIND" --db "$DB" ingest "$FIXTURES/lda/ld2_2006_2.xml" "$FIXTURES/lda/ld203_2015_2.xml" \
	"$FIXTURES/fec/cm.txt" "$FIXTURES/fec/cn.txt" "$FIXTURES/fec/itpas2.txt"
case $RC in 0 | 1) ;; *) fail "ingest exit $RC: $OUT" ;; esac
BEHIND_INFLUENCE_MIN_ROWS=1 run "$BEHIND" --db "$DB" resolve
assert_status 0 "$RC" "resolve"
want=$(heavy_py "$DB" 1)
assert_ne "" "$want" "the fixtures have clusters with LDA rows"
assert_eq "$want" "$(stored "$DB")" "the chosen clusters are python's (at least 1 LDA row)"
# the registrant of the LD-2 fixture: its filings' government entities, by
# python over the rows (distinct filing ids per name, top 25 as show orders)
reg=$(q "$DB" "select coalesce((select canon from cluster where entity = registrant), registrant) from lda_filing where form = 'LD-2' limit 1")
want=$(python3 - "$DB" "$reg" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
canon = dict(db.execute("select entity, canon from cluster"))
me = int(sys.argv[2])
ids = {}
for f, src, cl, rg in db.execute("select filing_id, source_id, client, registrant from lda_filing"):
    if me in (canon.get(cl, cl), canon.get(rg, rg)):
        ids.setdefault(src, set()).add(f)
names = {}
for f, src, name in db.execute("select filing_id, source_id, name from lda_gov_entity"):
    if f in ids.get(src, ()):
        names.setdefault(name, set()).add(f)
print(sum(len(v) for v in names.values()), min(25, len(names)))
EOF
)
got=$(q "$DB" "select coalesce(sum(c1), 0) || ' ' || count(*) from influence_top where canon = $reg and part = 4")
assert_eq "$want" "$got" "agencies contacted by the LD-2 registrant: stored filings and rows = python's"
assert_ne "0 0" "$got" "the LD-2 registrant contacted agencies"
id=$(q "$DB" "select id from entity where rid = $reg")
assert_eq "precomputed" "$(show_route "$id")" "fresh after resolve: show reads the stored rows"
assert_eq "0" "$(BEHIND_SHOW_ROUTE=rows "$BEHIND" --db "$DB" show --json "$id" >/dev/null 2>&1; echo $?)" "the rows route answers"
res=$(same_shows 200)
assert_eq "0 different" "${res#* shows, }" "fixtures: show through the stored rows = through the records ($res)"
assert_ne "0 shows" "${res%, *}" "fixtures: shows were compared"

# (the file rejects two of its rows on purpose: exit 1, partial)
run "$BEHIND" --db "$DB" ingest "$FIXTURES/fec/itcont_invented.txt"
assert_status 1 "$RC" "ingest after resolve"
assert_eq "rows" "$(show_route "$id")" "stale after ingest: show reads the records"
BEHIND_INFLUENCE_MIN_ROWS=1 run "$BEHIND" --db "$DB" resolve
assert_eq "precomputed" "$(show_route "$id")" "fresh again after resolve"
res=$(same_shows 200)
assert_eq "0 different" "${res#* shows, }" "fixtures, rebuilt: the same answers ($res)"

# ---- real files: two quarters, the default threshold ----------------------------
if [ -d "$DATA/lda" ]; then
	DB="$T/infl_pre_real.db"
	run "$BEHIND" --db "$DB" ingest "$DATA/lda/ld203/2010_1_LD203.zip" "$DATA/lda/ld1-ld2/2004_1_LD1LD2.zip"
	case $RC in 0 | 1) ;; *) fail "ingest exit $RC: $OUT" ;; esac
	run "$BEHIND" --db "$DB" resolve
	assert_status 0 "$RC" "resolve the real quarters"
	want=$(heavy_py "$DB" 200)
	assert_ne "" "$want" "the real quarters have clusters with 200 LDA rows or more"
	assert_eq "$want" "$(stored "$DB")" "real: the chosen clusters are python's (200 LDA rows or more)"
	res=$(same_shows 40)
	echo "real: $res, $(wc -w <<<"$want") clusters"
	assert_eq "0 different" "${res#* shows, }" "real: show through the stored rows = through the records ($res)"
	assert_ne "0 shows" "${res%, *}" "real: shows were compared"
else
	echo "influence_precomputed: $DATA/lda is absent: the real-file half is skipped"
fi
finish
