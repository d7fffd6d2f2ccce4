#!/usr/bin/env bash
# The influence section of `show` precomputed by `behind resolve`
# (src/query/influence.c): influence_canon holds every cluster that a part
# can find rows for (the canonical clusters of both ends of sponsors and
# candidate-committee links, FEC transactions' committees, gifts'
# candidates, LDA clients and registrants, positions' organizations), equal
# to python's over the store, stored when it has 200 rows or more there;
# influence_top holds the stored clusters' rows. show answers byte for byte
# the same through the stored rows, through "no rows to find" and through
# the records (JSON and text); the stored rows are never read stale (an
# ingest after the build sends show back to the records, the next resolve
# makes them fresh). On fixtures with the default threshold (nothing
# stored) and with $BEHIND_INFLUENCE_STORE_MIN=1 (everything stored); on
# two real LDA quarters of ../shared/data with the default.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
command -v python3 >/dev/null || skip "python3 is not installed"

# candidates_py DB MIN: "canon:stored" for every cluster a part can find
# rows for, stored when it has MIN rows or more, in canonical order
candidates_py() {
	python3 - "$1" "$2" <<'EOF'
import sqlite3, sys
from collections import Counter
db = sqlite3.connect(sys.argv[1])
canon = dict(db.execute("select entity, canon from cluster"))
tables = {r[0] for r in db.execute("select name from sqlite_master")}
sql = []
if "link" in tables:
    sql += ["select %s from link where kind = '%s'" % (end, kind)
            for kind in ("sponsors", "candidate_committee") for end in ("src", "dst")]
if "fec_txn" in tables: sql += ["select cmte from fec_txn", "select cand from fec_gift"]
if "lda_filing" in tables:
    sql += ["select client from lda_filing", "select registrant from lda_filing",
            "select registrant from lda_contribution"]
if "position" in tables: sql.append("select org from position")
n = Counter()
for q in sql:
    for (e,) in db.execute(q):
        if e is not None:
            n[canon.get(e, e)] += 1
print(" ".join("%d:%d" % (c, n[c] >= int(sys.argv[2])) for c in sorted(n)))
EOF
}
stored() { q "$1" "select group_concat(canon || ':' || stored, ' ') from (select * from influence_canon order by canon)"; }

# show_route ID: the route show's influence section took
show_route() {
	BEHIND_TIMING=1 "$BEHIND" --db "$DB" show --json "$1" 2>&1 >/dev/null |
		sed -n 's/^influence: route //p'
}
# same_shows SQL: every entity SQL selects shows the same through both
# routes, JSON and text (one `show --stdin` per route and format: a process
# per entity cost ~2 minutes under ASan)
same_shows() {
	local n d=0 fmt
	q "$DB" "$1" >"$T/ids"
	n=$(grep -c . "$T/ids")
	for fmt in --json --text; do
		[ "$fmt" = --text ] && fmt=
		# shellcheck disable=SC2086 # an empty $fmt is no argument
		"$BEHIND" --db "$DB" show $fmt --stdin <"$T/ids" >"$T/new.show" 2>&1
		# shellcheck disable=SC2086
		BEHIND_SHOW_ROUTE=rows "$BEHIND" --db "$DB" show $fmt --stdin <"$T/ids" >"$T/old.show" 2>&1
		# every entity answered: one object (or one "ID (kind)" line) each
		if [ -n "$fmt" ]; then
			assert_eq "$n" "$(grep -c '^{"id":' "$T/new.show")" "show --json --stdin: one answer per id"
		else
			assert_eq "$n" "$(grep -cE '^[^ ].* \((organization|person|public_body|committee|candidate)\)$' "$T/new.show")" \
				"show --stdin: one answer per id"
		fi
		cmp -s "$T/new.show" "$T/old.show" ||
			{ d=$((d + 1)); diff "$T/old.show" "$T/new.show" | head -20 >&2; }
	done
	echo "$((2 * n)) shows, $d different"
}
ALL="select id from entity order by rid"

# ---- fixtures: nothing stored, then everything --------------------------------
DB="$T/infl_pre.db"
run "$BEHIND" --db "$DB" ingest "$FIXTURES/lda/ld2_2006_2.xml" "$FIXTURES/lda/ld203_2015_2.xml" \
	"$FIXTURES/fec/cm.txt" "$FIXTURES/fec/cn.txt" "$FIXTURES/fec/itpas2.txt"
case $RC in 0 | 1) ;; *) fail "ingest exit $RC: $OUT" ;; esac
run "$BEHIND" --db "$DB" resolve
assert_status 0 "$RC" "resolve"
want=$(candidates_py "$DB" 200)
assert_ne "" "$want" "the fixtures have clusters with rows for the parts"
assert_eq "$want" "$(stored "$DB")" "the clusters with rows and those stored are python's (200 rows)"
assert_eq 0 "$(q "$DB" "select count(*) from influence_top")" "nothing stored below 200 rows"
res=$(same_shows "$ALL")
assert_eq "0 different" "${res#* shows, }" "fixtures, nothing stored: the same answers ($res)"

BEHIND_INFLUENCE_STORE_MIN=1 run "$BEHIND" --db "$DB" resolve
want=$(candidates_py "$DB" 1)
assert_eq "$want" "$(stored "$DB")" "every cluster with rows stored (threshold 1)"
# the registrant of the LD-2 fixture: its filings' government entities, by
# python over the rows (distinct filing ids per name, at most 25 names)
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
res=$(same_shows "$ALL")
assert_eq "0 different" "${res#* shows, }" "fixtures, all stored: the same answers ($res)"
assert_ne "0 shows" "${res%, *}" "fixtures: shows were compared"

# (the file rejects two of its rows on purpose: exit 1, partial)
run "$BEHIND" --db "$DB" ingest "$FIXTURES/fec/itcont_invented.txt"
assert_status 1 "$RC" "ingest after resolve"
assert_eq "rows" "$(show_route "$id")" "stale after ingest: show reads the records"
BEHIND_INFLUENCE_STORE_MIN=1 run "$BEHIND" --db "$DB" resolve
assert_eq "precomputed" "$(show_route "$id")" "fresh again after resolve"
# tables an older behind built (another layout, precompute.c LAYOUT) are
# never read: they may lack a part; the next resolve rebuilds them
cp "$DB" "$T/older.db"
q "$T/older.db" "update precomputed set clusters = 'layout:1 ' || substr(clusters, instr(clusters, ' ') + 1)"
assert_eq "rows" "$(DB=$T/older.db show_route "$id")" "an older layout: show reads the records"
BEHIND_INFLUENCE_STORE_MIN=1 run "$BEHIND" --db "$T/older.db" resolve
assert_eq "precomputed" "$(DB=$T/older.db show_route "$id")" "rebuilt by the next resolve"
res=$(same_shows "select id from entity where rid in (select canon from influence_canon) order by rid")
assert_eq "0 different" "${res#* shows, }" "fixtures, rebuilt: the same answers ($res)"

# ---- real files: two quarters, the default threshold ----------------------------
if [ -d "$DATA/lda" ]; then
	DB="$T/infl_pre_real.db"
	run "$BEHIND" --db "$DB" ingest "$DATA/lda/ld203/2010_1_LD203.zip" "$DATA/lda/ld1-ld2/2004_1_LD1LD2.zip"
	case $RC in 0 | 1) ;; *) fail "ingest exit $RC: $OUT" ;; esac
	run "$BEHIND" --db "$DB" resolve
	assert_status 0 "$RC" "resolve the real quarters"
	want=$(candidates_py "$DB" 200)
	assert_eq "$want" "$(stored "$DB")" "real: the clusters with rows and those stored are python's"
	nst=$(q "$DB" "select count(*) from influence_canon where stored")
	assert_ne 0 "$nst" "real: some clusters have 200 rows or more"
	# members of stored clusters, clusters with rows to run, a few with none
	res=$(same_shows "select id from (select e.id from influence_canon c join entity e
		on e.rid = c.canon or e.rid in (select entity from cluster where canon = c.canon)
		where c.stored order by c.canon limit 40)
		union all select id from (select e.id from influence_canon c join entity e on e.rid = c.canon
		where not c.stored order by c.canon limit 30)
		union all select id from (select id from entity where coalesce((select canon from cluster
		where entity = rid), rid) not in (select canon from influence_canon) order by rid limit 10)")
	echo "real: $res ($nst clusters stored)"
	assert_eq "0 different" "${res#* shows, }" "real: show through the stored rows = through the records ($res)"
	assert_eq "160 shows" "${res%, *}" "real: 80 entities compared"
else
	echo "influence_precomputed: $DATA/lda is absent: the real-file half is skipped"
fi
finish
