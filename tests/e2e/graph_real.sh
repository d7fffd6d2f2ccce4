# `behind path`, `export` and `cite` on the real USAspending files of
# ../shared/data/usaspending, each figure checked against sqlite3 queries on
# the raw txn/award/subaward tables (an independent route to the numbers).
. "$ROOT/tests/lib.sh"
. "$ROOT/tests/schemas.sh"
need_data usaspending
command -v xmllint >/dev/null || skip "xmllint is not installed"
graph_xsd "$T/xsd"
assert_eq 0 $? "the published GEXF and GraphML schemas are at hand"
FTM_MODEL=$(ftm_model)
assert_eq 0 $? "FollowTheMoney's model is at hand (npm)"

DB="$T/real.db"
run "$BEHIND" --db "$DB" ingest "$DATA/usaspending"
assert_status 0 "$RC" "ingest"

# The largest subcontract link, its prime and its sub.
read -r lrid prime sub <<EOF
$(q "$DB" "select l.rid, ep.id, es.id from link l join entity ep on ep.rid = l.src join entity es on es.rid = l.dst where l.kind = 'subcontracted' and l.src <> l.dst order by l.amount desc, l.rid limit 1" | tr '|' ' ')
EOF
[ -n "$lrid" ] || skip "no subcontract link in the real data"
raw=$(q "$DB" "select printf('%.2f', sum(amount) / 100.0) from subaward where prime = (select rid from entity where id = '$prime') and sub = (select rid from entity where id = '$sub') and source_id = (select source_id from link where rid = $lrid)")

# path sub -> prime is one hop whose link is that subcontract, read backward
run "$BEHIND" --db "$DB" path --json "$sub" "$prime"
assert_status 0 "$RC" "path sub -> prime"
cp "$OUT" "$T/p.json"
assert_eq 1 "$(json_q "$T/p.json" "select j->>'shortest' from doc")" "sub and prime are one hop apart"
assert_eq "$raw|backward" "$(json_q "$T/p.json" "select printf('%.2f', value->>'amount') || '|' || (value->>'direction') from doc, json_each(j->'paths'->0->'hops_detail'->0) where value->>'figure' = 'link:$lrid'")" \
	"hop amount = raw subawards"

# cite the link: records.csv sums to the raw subaward total
run "$BEHIND" --db "$DB" cite "link:$lrid" --out "$T/c"
assert_status 0 "$RC" "cite link"
assert_eq "$raw" "$(json_q "$T/c/figure.json" "select printf('%.2f', j->>'amount') from doc")" "cited figure = raw subawards"
assert_eq "$raw" "$(sqlite3 -batch :memory: ".import --csv $T/c/records.csv r" "select printf('%.2f', sum(amount)) from r")" "records.csv sums to the figure"
assert_eq "$(q "$DB" "select count(*) from subaward where prime = (select rid from entity where id = '$prime') and sub = (select rid from entity where id = '$sub') and source_id = (select source_id from link where rid = $lrid)")" \
	"$(json_q "$T/c/figure.json" "select j->>'records' from doc")" "cited records = raw subaward rows"

# ICE's largest recipient in FY2013-2018 as a top: figure, against raw txn
# plus the award summaries no transaction covers (the counting rule, in SQL
# written here, not the obligation view)
co=$(q "$DB" "select e.id from txn t join entity e on e.rid = coalesce(t.parent, t.recipient) group by e.rid order by sum(t.amount) desc limit 1")
want=$(q "$DB" "with ag(rid) as (select rid from entity where id = 'subagency:7012' union select l.src from link l where l.kind = 'part_of' and l.dst = (select rid from entity where id = 'subagency:7012')),
 c(rid) as (select rid from entity where id = '$co')
 select printf('%.2f', (coalesce((select sum(amount) from txn where coalesce(parent, recipient) in c and (subagency in ag or agency in ag) and action_date >= '2012-10-01' and action_date < '2018-10-01'), 0)
  + coalesce((select sum(a.amount) from award a where coalesce(a.parent, a.recipient) in c and (a.subagency in ag or a.agency in ag) and a.base_date >= '2012-10-01' and a.base_date < '2018-10-01'
     and not exists (select 1 from txn t where t.award_key = a.award_key) and a.rid = (select max(b.rid) from award b where b.award_key = a.award_key)), 0)) / 100.0)")
run "$BEHIND" --db "$DB" cite "top:7012:2013-2018:$co" --out "$T/t"
assert_status 0 "$RC" "cite top"
assert_eq "$want" "$(json_q "$T/t/figure.json" "select printf('%.2f', j->>'amount') from doc")" "top figure for $co"
assert_ne 0 "$(wc -l <"$T/t/urls.txt" | tr -d ' ')" "top figure has award pages"

# export: every link is an edge, the XML is well-formed
run "$BEHIND" --db "$DB" export --format graphml --out "$T/g.graphml"
assert_status 0 "$RC" "export graphml"
xmllint --noout --schema "$T/xsd/graphml.xsd" "$T/g.graphml" 2>"$T/xmllint.err"
assert_eq 0 $? "graphml validates against graphml.xsd: $(tail -n 3 "$T/xmllint.err")"
assert_eq "$(q "$DB" "select count(*) from link where src <> dst")" "$(xmllint --xpath "count(//*[local-name()='edge'])" "$T/g.graphml")" "graphml edges = links"
run "$BEHIND" --db "$DB" export --format gexf --around subagency:7012 --depth 1 --out "$T/ice.gexf"
xmllint --noout --schema "$T/xsd/gexf.xsd" "$T/ice.gexf" 2>"$T/xmllint.err"
assert_eq 0 $? "gexf around ICE validates against gexf.xsd: $(tail -n 3 "$T/xmllint.err")"
run "$BEHIND" --db "$DB" export --format ftm --out "$T/g.ftm"
assert_status 0 "$RC" "export ftm"
ftm_check "$FTM_MODEL" "$T/g.ftm" >"$T/ftm.problems"
assert_eq "" "$(head -n 5 "$T/ftm.problems")" "every FtM line of the real graph against FollowTheMoney's model"
nb=$(q "$DB" "select count(*) from (select dst from link where src = (select rid from entity where id = 'subagency:7012') union select src from link where dst = (select rid from entity where id = 'subagency:7012')) x")
assert_eq "$((nb + 1))" "$(xmllint --xpath "count(//*[local-name()='node'])" "$T/ice.gexf")" "ICE and its neighbours"

echo "checked: link $lrid $prime -> $sub = $raw; top $co = $want; ICE neighbours $nb"
finish
