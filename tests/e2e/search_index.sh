#!/usr/bin/env bash
# `behind search` with its index of broad words (src/query/search_index.c):
# every answer equals what tests/search_oracle.py computes over the store
# on its own (its own cutting of names, postings, rankings; the route rules
# of search.c; the full-text query as it was before the index for narrow
# queries, so those are unchanged). On the invented fixtures with a low
# threshold (so that most words are broad), then on the real FEC and
# USAspending files when ../shared/data is present, where every route
# (narrow, filtered, broad) is taken. A store changed after the index was
# built (another ingest) answers by the full-text query again; a judgment
# does not (clusters change only at the next resolve, which rebuilds it).
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
command -v python3 >/dev/null || skip "python3 is not installed"
command -v sqlite3 >/dev/null || skip "sqlite3 is not installed"

oracle() { # STORE BROAD QUERIES
	local o
	o=$(python3 "$ROOT/tests/search_oracle.py" "$BEHIND" "$1" "$2" "$3" 2>&1)
	assert_contains "$o" " 0 mismatches" "search answers against the oracle on $1 ($2)"
	echo "$o" | tail -n 1
}
# first words and 9-letter prefixes of the store's names: what users type
queries() { # STORE EVERY-N FILE
	sqlite3 -readonly -batch -noheader "$1" "SELECT q FROM (SELECT DISTINCT
	    lower(substr(name, 1, instr(name || ' ', ' ') - 1)) q FROM entity WHERE rid % $2 = 3 % $2)
	  WHERE length(q) >= 2
	  UNION SELECT lower(substr(name, 1, 9)) FROM entity WHERE rid % $2 = 5 % $2" >"$3"
	printf '%s\n' committee "friends o" "john smith" "the geo" geo "national assoc" \
		"for congress" "smith j" the a "acme d" "détention" >>"$3"
}
old_sql() { # STORE FTS-QUERY: the full-text route, as search was before the index
	sqlite3 -readonly -batch -noheader "$1" "WITH hits AS (SELECT coalesce((SELECT canon FROM
	  cluster WHERE entity = st.entity), st.entity) AS c, f.rank AS r, st.n AS n FROM name_fts f
	  JOIN statement st ON st.rid = f.rowid WHERE name_fts MATCH '$2') SELECT group_concat(id, ' ')
	  FROM (SELECT e.id FROM hits h JOIN entity e ON e.rid = h.c GROUP BY h.c
	  ORDER BY min(h.r) + 0.0 - (sum(h.n) > 100) * 0.5, sum(h.n) DESC LIMIT 10)"
}
search_ids() { # STORE TEXT
	"$BEHIND" --db "$1" search --json --limit 10 "$2" |
		python3 -c 'import json,sys; print(" ".join(e["id"] for e in json.load(sys.stdin)["entities"]))'
}

# ---- the fixtures, most words broad ---------------------------------------
DB="$T/fx.db"
U="$FIXTURES/usaspending"
run "$BEHIND" --db "$DB" ingest "$U/txn_old_259col_dmy.csv" "$U/txn_current_iso.csv" \
	"$U/awards_summary.csv" "$U/subawards.csv" "$FIXTURES/fec/cm.txt" "$FIXTURES/fec/cn.txt" \
	"$FIXTURES/fec/itcont_invented.txt" "$FIXTURES/lda/ld2_2006_2.xml"
run "$BEHIND" --db "$DB" resolve
assert_status 0 "$RC" "resolve (builds the index)"
assert_eq "500|200" "$(sqlite3 "$DB" "SELECT broad || '|' || top FROM search_meta")" "resolve's index: default thresholds"
# a resolve that changes no cluster keeps the index (only marks it fresh)
idx_sum() { sqlite3 "$1" "SELECT count(*) || ':' || total(weight * pos) || ':' || (SELECT built_from FROM search_meta) FROM search_top"; }
before=$(idx_sum "$DB")
BEHIND_TIMING=1 "$BEHIND" --db "$DB" resolve >/dev/null 2>"$T/resolve2.err"
assert_contains "$(cat "$T/resolve2.err")" "search index: kept" "a second resolve keeps the index"
after=$(idx_sum "$DB")
assert_eq "${before%:*}" "${after%:*}" "the kept index has the same rows"
assert_ne "$before" "$after" "and is marked built for the new resolve run"
assert_eq "1" "$(sqlite3 "$DB" "SELECT built_from = (SELECT (SELECT count(*) || ':' || coalesce(max(id), 0) || ':' || coalesce(max(ingested_at), '') || ':' || total(rows) FROM source) || ' run:' || (SELECT max(id) FROM resolve_run)) FROM search_meta")" \
	"the kept index is fresh for readers"
run "$BEHIND" --db "$DB" search --reindex=2
assert_status 0 "$RC" "search --reindex=2"
keys=$(sqlite3 "$DB" "SELECT count(*) FROM search_key")
assert_ne 0 "$keys" "words with more than 2 postings are broad"
queries "$DB" 1 "$T/fx_queries.txt"
oracle "$DB" 2 "$T/fx_queries.txt"
# a second word that none of its clusters hold: nothing
assert_eq "" "$(search_ids "$DB" "acme zzzz")" "no cluster holds both words"
run "$BEHIND" --db "$DB" search --reindex=0
assert_status 2 "$RC" "--reindex=0 is refused"

# a store changed after the build answers through the full-text query
word=$(sqlite3 "$DB" "SELECT key FROM search_key ORDER BY postings DESC LIMIT 1")
run "$BEHIND" --db "$DB" ingest "$FIXTURES/fec/itpas2.txt"
assert_eq "$(old_sql "$DB" "\"$word\"*")" "$(search_ids "$DB" "$word")" \
	"after another ingest '$word' takes the full-text route"
BEHIND_TIMING=1 "$BEHIND" --db "$DB" resolve >/dev/null 2>"$T/resolve3.err"
assert_not_contains "$(cat "$T/resolve3.err")" "kept" "a resolve after an ingest rebuilds the index"
assert_contains "$(cat "$T/resolve3.err")" "search index (search_key, search_top)" "(it is built)"
assert_eq "500|200" "$(sqlite3 "$DB" "SELECT broad || '|' || top FROM search_meta")" "rebuilt by resolve with its thresholds"
run "$BEHIND" --db "$DB" search --reindex=2
assert_ne "$(old_sql "$DB" "\"$word\"*")" "$(search_ids "$DB" "$word")" \
	"rebuilt: '$word' is answered from the index again (most records first)"
a=$(sqlite3 "$DB" "SELECT id FROM entity ORDER BY rid LIMIT 1")
b=$(sqlite3 "$DB" "SELECT id FROM entity ORDER BY rid LIMIT 1 OFFSET 1")
run "$BEHIND" --db "$DB" judge unsure "$a" "$b" --who test
assert_status 0 "$RC" "a judgment"
assert_ne "$(old_sql "$DB" "\"$word\"*")" "$(search_ids "$DB" "$word")" \
	"after a judgment (clusters unchanged until resolve) '$word' is still answered from the index"

# ---- the real FEC and USAspending files -----------------------------------
if [ -d "$DATA/fec" ] && [ -d "$DATA/usaspending" ]; then
	RDB="$T/real.db"
	run "$BEHIND" --db "$RDB" ingest --no-progress "$DATA/fec" "$DATA/usaspending"
	run "$BEHIND" --db "$RDB" resolve
	assert_status 0 "$RC" "resolve of the real files"
	queries "$RDB" 1499 "$T/real_queries.txt"
	oracle "$RDB" 500 "$T/real_queries.txt"
else
	echo "note: $DATA/fec or usaspending absent: the real-data half is skipped"
fi
finish
