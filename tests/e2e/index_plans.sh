#!/usr/bin/env bash
# The statement indexes after a load: values are indexed only for
# identifier props (the partial index statement_ident, see schema_core.c),
# the index holds exactly the identifier statements a full scan finds, the
# queries that look identifiers up (resolve, explain) reach it, and a store
# made before it loses the old full (prop, value) index at its next load.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

F="$FIXTURES"
DB="$T/plans.db"

run "$BEHIND" --db "$DB" ingest "$F/usaspending/txn_current_iso.csv"
assert_status 0 "$RC" "first ingest"
# a store from before: it had the full index
q "$DB" "CREATE INDEX statement_value ON statement(prop, value)"
run "$BEHIND" --db "$DB" ingest "$F/usaspending/subawards.csv" "$F/fec/cm.txt"
assert_status 0 "$RC" "second ingest"
assert_eq "" "$(q "$DB" "SELECT name FROM sqlite_schema WHERE name = 'statement_value'")" \
	"the full (prop, value) index is dropped"
assert_eq "statement_ident" "$(q "$DB" "SELECT name FROM sqlite_schema WHERE name = 'statement_ident'")" \
	"the identifier index exists"

# the term, as store.h spells it (BH_IDENT_PROPS_SQL)
TERM=$(sed -n '/define BH_IDENT_PROPS_SQL/{n;p}' "$ROOT/src/store/store.h" | sed 's/^[[:space:]]*"//; s/"[[:space:]]*$//')
assert_contains "$TERM" "prop IN ('uei'" "BH_IDENT_PROPS_SQL read from store.h"

# the index holds what a scan of the table finds (counted by prop)
scan=$(q "$DB" "SELECT prop, count(*), count(DISTINCT value) FROM statement NOT INDEXED
	WHERE prop IN ('uei','duns','cage','lda_registrant_id','lda_client_id','fec_id') GROUP BY prop")
ixd=$(q "$DB" "SELECT prop, count(*), count(DISTINCT value) FROM statement INDEXED BY statement_ident
	WHERE $TERM GROUP BY prop")
assert_eq "$scan" "$ixd" "identifier statements by index and by scan"
assert_contains "$scan" "fec_id|" "FEC ids are among them"
assert_contains "$scan" "uei|" "UEIs are among them"
assert_eq "0" "$(q "$DB" "SELECT count(*) FROM statement INDEXED BY statement_ident WHERE $TERM AND prop = 'name'")" \
	"no names in the identifier index"

# the planner takes it for resolve's identifier scan and explain's join
plan=$(q "$DB" "EXPLAIN QUERY PLAN SELECT entity, prop, value FROM statement WHERE $TERM")
assert_contains "$plan" "COVERING INDEX statement_ident" "resolve's identifier scan uses the index"
plan=$(q "$DB" "EXPLAIN QUERY PLAN SELECT DISTINCT x.prop, x.value FROM statement x JOIN statement y
	ON y.prop = x.prop AND y.value = x.value WHERE x.entity = 1 AND y.entity = 2 AND x.$TERM")
assert_contains "$plan" "statement_ident" "explain's shared identifiers use the index"
# and those queries take the term from the macro itself, so they cannot drift
flat() { tr -d '\n\t' <"$ROOT/$1" | sed 's/"[[:space:]]*"//g'; }
assert_contains "$(flat src/resolve/rstore.c)" 'FROM statement WHERE " BH_IDENT_PROPS_SQL' \
	"resolve's identifier scan is written with BH_IDENT_PROPS_SQL"
assert_contains "$(flat src/resolve/explain.c)" 'AND x." BH_IDENT_PROPS_SQL' \
	"explain's shared identifiers are written with BH_IDENT_PROPS_SQL"
for src in src/resolve/rstore.c src/resolve/explain.c; do
	case "$(flat "$src")" in
	*"IN ('uei'"*) fail "$src spells the identifier list by hand" ;;
	esac
done

finish
