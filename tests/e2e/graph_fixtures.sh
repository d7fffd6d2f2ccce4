# `behind path`, `behind export` and `behind cite` on the invented
# USAspending fixtures, against values worked out by hand from the files:
#
#   ACME TRANSPORT LLC (duns:004444444) <-awarded- ICE (txn_old line 5, $500,000.00)
#   ICE -awarded-> CEDAR LOGISTICS CORP: txn_current lines 2-3 ($100,000 + $50,000
#       = $150,000.00) and the award summary line 2 ($175,000.00)
#   CEDAR -subcontracted-> OAKRIDGE TECH INC (duns:007777777): subawards line 5, $3,000.00
#   so the shortest chain ACME TRANSPORT -> OAKRIDGE is 3 hops through ICE and
#   CEDAR; the next is 4 hops through the parent HOLLOWAY HOLDINGS INC (its
#   own award from ICE, txn_old line 6, $75,000.25).
#   PINEWOOD GROUP INC's roll-up at 7012 in FY2021-2022: CEDAR's transactions
#   $150,000.00 + PINEWOOD SECURITY's $20,000.10 = $170,000.10 (the $175,000
#   summary is covered by transactions and does not count).
. "$ROOT/tests/lib.sh"
. "$ROOT/tests/schemas.sh"
command -v xmllint >/dev/null || skip "xmllint is not installed"
graph_xsd "$T/xsd"
assert_eq 0 $? "the published GEXF and GraphML schemas are at hand"
FTM_MODEL=$(ftm_model)
assert_eq 0 $? "FollowTheMoney's model is at hand (npm)"

DB="$T/fx.db"
F="$FIXTURES/usaspending"
run "$BEHIND" --db "$DB" ingest "$F/txn_old_259col_dmy.csv" "$F/txn_current_iso.csv" \
	"$F/awards_summary.csv" "$F/subawards.csv"
assert_status 0 "$RC" "ingest of the fixtures"

# ---- path -------------------------------------------------------------------
run "$BEHIND" --db "$DB" path --json duns:004444444 duns:007777777
assert_status 0 "$RC" "path --json"
P="$T/path.json"
cp "$OUT" "$P"
assert_eq 3 "$(json_q "$P" "select j->>'shortest' from doc")" "shortest hops"
assert_eq 2 "$(json_q "$P" "select json_array_length(j->'paths') from doc")" "paths found"
assert_eq "duns:004444444 subagency:7012 uei:CEDARLOG0001 duns:007777777" \
	"$(json_q "$P" "select group_concat(value->>'id', ' ') from doc, json_each(j->'paths'->0->'nodes')")" \
	"first path's nodes"
assert_eq "duns:004444444 duns:098765432 subagency:7012 uei:CEDARLOG0001 duns:007777777" \
	"$(json_q "$P" "select group_concat(value->>'id', ' ') from doc, json_each(j->'paths'->1->'nodes')")" \
	"second path's nodes"
# hop 1: ICE -> ACME TRANSPORT, read against the path
assert_eq "awarded|backward|500000.0|5|https://www.usaspending.gov/award/CONT_AWD_FIXT14C0002_7012_-NONE-_-NONE-" \
	"$(json_q "$P" "select h->>'kind', h->>'direction', h->>'amount', h->'source'->>'line', h->>'url' from (select j->'paths'->0->'hops_detail'->0->0 as h from doc)" | tr '\n' ' ' | sed 's/ $//')" \
	"first hop"
# hop 2: two links, one per source; their sum is every record ICE -> CEDAR
assert_eq 325000.0 "$(json_q "$P" "select sum(value->>'amount') from doc, json_each(j->'paths'->0->'hops_detail'->1)")" \
	"ICE -> CEDAR links summed"
assert_eq 325000.0 "$(q "$DB" "select (select sum(amount) from txn where recipient = (select rid from entity where id = 'uei:CEDARLOG0001'))/100.0 + (select sum(amount) from award where recipient = (select rid from entity where id = 'uei:CEDARLOG0001'))/100.0")" \
	"ICE -> CEDAR in the raw tables"
assert_eq "subcontracted|forward|3000.0|5" \
	"$(json_q "$P" "select h->>'kind', h->>'direction', h->>'amount', h->'source'->>'line' from (select j->'paths'->0->'hops_detail'->2->0 as h from doc)" | tr '\n' ' ' | sed 's/ $//')" \
	"third hop"
assert_eq 3000.0 "$(q "$DB" "select sum(amount)/100.0 from subaward where sub = (select rid from entity where id = 'duns:007777777')")" \
	"CEDAR -> OAKRIDGE in the raw subaward table"
# text output and the bound
run "$BEHIND" --db "$DB" path "ACME TRANSPORT" duns:007777777
assert_contains "$OUT" "2 paths, the shortest 3 hops" "text summary"
assert_contains "$OUT" "subawards.csv:5" "text names the source line"
run "$BEHIND" --db "$DB" path --max-hops 2 duns:004444444 duns:007777777
assert_status 0 "$RC" "no path within 2 hops is an answer"
assert_contains "$OUT" "No path of at most 2 hops" "no path message"
run "$BEHIND" --db "$DB" path --max-hops 99 duns:004444444 duns:007777777
assert_status 2 "$RC" "--max-hops out of range"
run "$BEHIND" --db "$DB" path duns:004444444
assert_status 2 "$RC" "one end only"

# ---- export -------------------------------------------------------------------
nodes=$(q "$DB" "select count(distinct c) from (select coalesce((select canon from cluster where entity = src), src) c from link union select coalesce((select canon from cluster where entity = dst), dst) from link)")
links=$(q "$DB" "select count(*) from link")
for fmt in gexf graphml; do
	run "$BEHIND" --db "$DB" export --format $fmt --out "$T/g.$fmt"
	assert_status 0 "$RC" "export $fmt"
	xmllint --noout --schema "$T/xsd/$fmt.xsd" "$T/g.$fmt" 2>"$T/xmllint.err"
	assert_eq 0 $? "$fmt validates against its published schema: $(tail -n 3 "$T/xmllint.err")"
done
# the validator does catch a bad file: an edge without its target
sed 's/ target="[^"]*"//' "$T/g.gexf" >"$T/bad.gexf"
xmllint --noout --schema "$T/xsd/gexf.xsd" "$T/bad.gexf" 2>/dev/null
assert_ne 0 $? "a gexf edge without target fails the schema"
assert_eq "$nodes" "$(xmllint --xpath "count(//*[local-name()='node'])" "$T/g.gexf")" "gexf nodes"
assert_eq "$links" "$(xmllint --xpath "count(//*[local-name()='edge'])" "$T/g.gexf")" "gexf edges"
assert_eq "1.2" "$(xmllint --xpath "string(/*[local-name()='gexf']/@version)" "$T/g.gexf")" "gexf version"
assert_eq "http://www.gexf.net/1.2draft" "$(xmllint --xpath "namespace-uri(/*)" "$T/g.gexf")" "gexf namespace"
assert_eq "$nodes" "$(xmllint --xpath "count(//*[local-name()='node'])" "$T/g.graphml")" "graphml nodes"
assert_eq "$links" "$(xmllint --xpath "count(//*[local-name()='edge'])" "$T/g.graphml")" "graphml edges"
assert_eq "http://graphml.graphdrawing.org/xmlns" "$(xmllint --xpath "namespace-uri(/*)" "$T/g.graphml")" "graphml namespace"
# every edge's endpoints are nodes (no dangling ids)
assert_eq 0 "$(xmllint --xpath "count(//*[local-name()='edge'][not(@source = //*[local-name()='node']/@id) or not(@target = //*[local-name()='node']/@id)])" "$T/g.graphml")" "graphml dangling edges"
# one edge with its kind, amount, source line and URL
assert_eq "subcontracted|3000.00|5|https://www.usaspending.gov/award/CONT_AWD_70CDCR21C00000001_7012_-NONE-_-NONE-" \
	"$(for k in kind amount source_line url; do printf '%s\n' "$(xmllint --xpath "string(//*[local-name()='edge'][@source='uei:CEDARLOG0001' and @target='duns:007777777']/*[local-name()='attvalues']/*[@for='$k']/@value)" "$T/g.gexf")"; done | paste -sd'|')" \
	"gexf edge CEDAR -> OAKRIDGE"

# FollowTheMoney JSON lines: every line an entity of a real schema
run "$BEHIND" --db "$DB" export --format ftm --out "$T/g.ftm"
assert_status 0 "$RC" "export ftm"
bad=$(sqlite3 -batch :memory: "select count(*) from (select value as l from json_each('[' || replace(trim(CAST(readfile('$T/g.ftm') AS TEXT), char(10)), char(10), ',') || ']'))
	where l->>'schema' not in ('Company','Organization','PublicBody','Person','Payment','Ownership','Membership','Employment','Representation','UnknownLink')
	or l->>'id' is null or json_type(l->'properties') <> 'object'")
assert_eq 0 "$bad" "ftm lines with a bad schema or shape"
ftm_check "$FTM_MODEL" "$T/g.ftm" >"$T/ftm.problems"
assert_eq "" "$(head -n 5 "$T/ftm.problems")" "ftm lines against FollowTheMoney's model"
# the model check does catch a property the schema lacks
sed '1s/"properties":{/"properties":{"colour":["red"],/' "$T/g.ftm" >"$T/bad.ftm"
assert_contains "$(ftm_check "$FTM_MODEL" "$T/bad.ftm")" "has no property colour" "ftm check catches a foreign property"
assert_eq "$((nodes + links))" "$(wc -l <"$T/g.ftm" | tr -d ' ')" "ftm entities"
assert_eq "Ownership" "$(grep '"owner":\["duns:098765432"\],"asset":\["duns:004444444"\]' "$T/g.ftm" | sed 's/.*"schema":"\([A-Za-z]*\)".*/\1/' | head -n 1)" "parent_of is an FtM Ownership"

# CSV: nodes and edges in a folder; formula injection neutralised
run "$BEHIND" --db "$DB" export --format csv --out "$T/csv"
assert_status 0 "$RC" "export csv"
assert_eq "$((nodes + 1))" "$(sqlite3 -batch :memory: ".import --csv $T/csv/nodes.csv n" "select count(*) + 1 from n")" "csv node rows + header"
assert_eq "$links" "$(sqlite3 -batch :memory: ".import --csv $T/csv/edges.csv e" "select count(*) from e")" "csv edge rows"
assert_eq "3000.00|5" "$(sqlite3 -batch :memory: ".import --csv $T/csv/edges.csv e" "select amount, source_line from e where source = 'uei:CEDARLOG0001' and target = 'duns:007777777'")" "csv edge"

# --around: OAKRIDGE's neighbourhood at depth 1 is CEDAR and the one link
run "$BEHIND" --db "$DB" export --format graphml --around duns:007777777 --depth 1
assert_eq 2 "$(xmllint --xpath "count(//*[local-name()='node'])" "$OUT")" "around depth 1: nodes"
assert_eq 1 "$(xmllint --xpath "count(//*[local-name()='edge'])" "$OUT")" "around depth 1: edges"
run "$BEHIND" --db "$DB" export --format graphml --around duns:007777777 --depth 2
# OAKRIDGE, CEDAR, and CEDAR's neighbours ICE, PINEWOOD GROUP, EVERGREEN
assert_eq 5 "$(xmllint --xpath "count(//*[local-name()='node'])" "$OUT")" "around depth 2: CEDAR's neighbours too"

# ---- cite ---------------------------------------------------------------------
rid=$(q "$DB" "select l.rid from link l join source s on s.id = l.source_id where l.kind = 'awarded' and l.dst = (select rid from entity where id = 'uei:CEDARLOG0001') and s.path like '%txn_current_iso.csv'")
run "$BEHIND" --db "$DB" cite "link:$rid" --out "$T/c1"
assert_status 0 "$RC" "cite link"
assert_eq "150000.00|2" "$(json_q "$T/c1/figure.json" "select printf('%.2f', j->>'amount') || '|' || (j->>'records') from doc")" "link figure"
assert_eq 3 "$(wc -l <"$T/c1/records.csv" | tr -d ' ')" "link records + header"
assert_eq "https://www.usaspending.gov/award/CONT_AWD_70CDCR21C00000001_7012_-NONE-_-NONE-" "$(cat "$T/c1/urls.txt")" "link urls"
# query.sql runs as is and gives the same records
assert_eq 2 "$(sqlite3 -batch "$DB" <"$T/c1/query.sql" | wc -l | tr -d ' ')" "query.sql re-runs"

run "$BEHIND" --db "$DB" cite top:7012:2021-2022:uei:PINEWOODGR01 --out "$T/c2"
assert_status 0 "$RC" "cite top"
assert_eq "170000.10|3" "$(json_q "$T/c2/figure.json" "select printf('%.2f', j->>'amount') || '|' || (j->>'records') from doc")" "top figure"
run "$BEHIND" --db "$DB" top --json --agency 7012 --from 2021 --to 2022
cp "$OUT" "$T/top.json"
assert_contains "$T/top.json" "170000.1" "behind top agrees"

run "$BEHIND" --db "$DB" cite award:CONT_AWD_70CDCR21C00000001_7012_-NONE-_-NONE- --out "$T/c3"
assert_eq "150000.00|2" "$(json_q "$T/c3/figure.json" "select printf('%.2f', j->>'amount') || '|' || (j->>'records') from doc")" "award figure: transactions, not the summary"
run "$BEHIND" --db "$DB" cite nonsense:1
assert_status 2 "$RC" "unknown figure id"
run "$BEHIND" --db "$DB" cite link:999999
assert_status 2 "$RC" "no such link"

finish
