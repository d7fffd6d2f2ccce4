#!/usr/bin/env bash
# End to end of `behind serve` on the invented USAspending fixtures: the
# JSON API answers the same values the fixtures hold (hand counts, see
# usaspending_fixtures.sh) and the store says (sqlite3, the independent
# reader); GET /api/cite serves the pack `behind cite` writes, byte for
# byte; the house rules hold (loopback Host only, bounded parameters,
# no filesystem paths, security headers, no CORS, read-only); a hostile
# vendor name comes back as data; readers keep answering while an ingest
# writes; SIGTERM stops it cleanly.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
# shellcheck source=tests/serve_lib.sh
. "$ROOT/tests/serve_lib.sh"
command -v curl >/dev/null || skip "curl is not installed (scripts/install-deps.sh installs it)"

F="$FIXTURES/usaspending"
DB="$T/fx.db"
run "$BEHIND" --db "$DB" ingest "$F/txn_old_259col_dmy.csv" "$F/txn_current_iso.csv" "$F/awards_summary.csv"
assert_status 0 "$RC" "fixtures ingest"

serve_start "$DB"
assert_contains "$SERVE_OUT" "http://127.0.0.1:" "binds loopback by default"
assert_contains "$SERVE_OUT" "read-only" "read-only by default"

# ---- the route list -------------------------------------------------------
get /api/
assert_eq 200 "$STATUS" "GET /api/"
for p in /api/search /api/show /api/top /api/who /api/graph /api/path /api/export; do
	assert_eq 1 "$(json_q "$BODY" "select count(*) from doc, json_each(j, '\$.routes') r where json_extract(r.value, '\$.path') = '$p'")" "route $p listed"
done

# ---- search ---------------------------------------------------------------
get "/api/search?q=acme"
assert_eq 200 "$STATUS" "search status"
assert_contains "$HEADERS" "application/json" "search content type"
assert_eq "duns:004444444 duns:012345678" \
	"$(json_q "$BODY" "select group_concat(id, ' ') from (select json_extract(e.value, '\$.id') id from doc, json_each(j, '\$.entities') e order by 1)")" \
	"search acme: both ACME companies"
# prefix of the last word, suggestion size
get "/api/search?q=pinew&limit=1"
assert_eq 1 "$(json_q "$BODY" "select json_array_length(j, '\$.entities') from doc")" "limit=1 bounds the rows"
get "/api/search?q=detention%20bed"
assert_eq "CONT_AWD_FIXT13C0001_7012_-NONE-_-NONE-" "$(json_q "$BODY" "select json_extract(j, '\$.awards[0].award_key') from doc")" "award found by description"

# ---- show: the fixtures' hand counts and the store ------------------------
get "/api/show?id=duns:012345678"
assert_eq 200 "$STATUS" "show status"
assert_eq "ACME DETENTION SERVICES LLC" "$(json_q "$BODY" "select json_extract(j, '\$.name') from doc")" "show name"
# FY2013 1,000,000.00; FY2014 250,000.50; FY2015 -12,345.67
assert_eq "2013:1000000.0 2014:250000.5 2015:-12345.67" \
	"$(json_q "$BODY" "select group_concat(json_extract(r.value, '\$.fiscal_year') || ':' || json_extract(r.value, '\$.amount'), ' ') from doc, json_each(j, '\$.received') r")" \
	"money received by year"
assert_eq "HOLLOWAY HOLDINGS INC" "$(json_q "$BODY" "select json_extract(j, '\$.parents[0].name') from doc")" "parent"
# 1,250,000.50 - 12,345.67 = 1,237,654.83 on its one award
assert_eq "1237654.83" "$(json_q "$BODY" "select json_extract(j, '\$.largest_awards[0].amount') from doc")" "largest award"
assert_eq "https://www.usaspending.gov/award/CONT_AWD_FIXT13C0001_7012_-NONE-_-NONE-" \
	"$(json_q "$BODY" "select json_extract(j, '\$.largest_awards[0].url') from doc")" "award page"
# the same money, summed by sqlite3 from the store's own transactions
want=$(q "$DB" "select printf('%.2f', sum(t.amount)/100.0) from txn t join entity e on e.rid = t.recipient where e.id='duns:012345678'" 2>/dev/null || true)
if [ -n "$want" ]; then
	assert_eq "$want" "$(json_q "$BODY" "select printf('%.2f', sum(json_extract(r.value, '\$.amount'))) from doc, json_each(j, '\$.received') r")" "received = the store's sum"
fi
get "/api/show?id=no-such-entity-anywhere"
assert_eq 404 "$STATUS" "unknown entity is 404"
assert_contains "$BODY" '"error"' "404 carries an error message"

# ---- top and who ------------------------------------------------------------
get "/api/top?agency=070&limit=2"
assert_eq 200 "$STATUS" "top status"
assert_eq "2|duns:098765432|1812655.08" \
	"$(json_q "$BODY" "select json_array_length(j, '\$.recipients') || '|' || json_extract(j, '\$.recipients[0].id') || '|' || json_extract(j, '\$.recipients[0].total') from doc")" \
	"top: limit and first recipient (HOLLOWAY rolls up ACME DETENTION and ACME TRANSPORT)"
get "/api/who?agency=7012"
assert_eq 200 "$STATUS" "who status"
assert_eq "2262655.17" "$(json_q "$BODY" "select json_extract(j, '\$.total') from doc")" "who total"
assert_eq "2262655.17" "$(json_q "$BODY" "select printf('%.2f', sum(json_extract(r.value, '\$.amount'))) from doc, json_each(j, '\$.money.by_year') r")" \
	"who: the years add up to the total"
get "/api/who?agency=7012&from=2021&to=2022"
assert_eq "170000.1" "$(json_q "$BODY" "select json_extract(j, '\$.total') from doc")" "who FY2021-2022 (100,000 + 50,000 + 20,000.10)"
get "/api/who?agency=7012&from=2022&to=2021"
assert_eq 400 "$STATUS" "from after to"

# ---- graph: the link table, read again by sqlite3 ------------------------
get "/api/graph?id=duns:098765432"
assert_eq 200 "$STATUS" "graph status"
assert_eq "$(q "$DB" "select count(distinct kind || '|' || case when src=x.rid then 'o'||dst else 'i'||src end) from link, (select rid from entity where id='duns:098765432') x where src=x.rid or dst=x.rid")" \
	"$(json_q "$BODY" "select json_array_length(j, '\$.neighbours') from doc")" "graph: one neighbour per link kind, direction and entity"
assert_eq "awarded,parent_of" "$(json_q "$BODY" "select group_concat(value) from doc, json_each(j, '\$.kinds')")" "graph: link kinds"
get "/api/graph?id=duns:098765432&kinds=parent_of"
assert_eq "duns:004444444 duns:012345678" \
	"$(json_q "$BODY" "select group_concat(id, ' ') from (select json_extract(n.value, '\$.node.id') id from doc, json_each(j, '\$.neighbours') n order by 1)")" \
	"graph: kinds filter keeps the two subsidiaries"
get "/api/graph?id=duns:098765432&kinds=x');drop%20table%20link;--"
assert_eq 400 "$STATUS" "graph: kinds is validated"
get "/api/graph?id=subagency:7012&limit=1"
assert_eq "1|1" "$(json_q "$BODY" "select json_array_length(j, '\$.neighbours') || '|' || json_extract(j, '\$.truncated') from doc")" "graph: limit and truncated"

# ---- path and export (src/query/graph.h) ---------------------------------
get "/api/path?from=duns:012345678&to=uei:DELTAFNC0004"
assert_eq 200 "$STATUS" "path status"
assert_eq "2|subagency:7012" "$(json_q "$BODY" "select json_extract(j, '\$.shortest') || '|' || json_extract(j, '\$.paths[0].nodes[1].id') from doc")" \
	"path: ACME DETENTION <- ICE -> DELTA FENCING, 2 hops"
get "/api/export?id=duns:098765432&format=csv"
assert_eq 200 "$STATUS" "export status"
assert_contains "$HEADERS" "text/csv" "export CSV type"
assert_contains "$BODY" '"duns:012345678","ACME DETENTION SERVICES LLC"' "export: a neighbour's row"
get "/api/export?id=duns:098765432&format=exe"
assert_eq 400 "$STATUS" "export: unknown format"
get "/api/export?id=duns:098765432&depth=3"
assert_eq 400 "$STATUS" "export: depth is capped at 2"

# ---- cite: the pack `behind cite` writes, from memory --------------------
FIG="top:7012:2021-2022:uei:PINEWOODGR01"
run "$BEHIND" --db "$DB" cite "$FIG" --out "$T/pack"
assert_status 0 "$RC" "behind cite"
get "/api/cite" --get --data-urlencode "figure=$FIG"
assert_eq 200 "$STATUS" "cite status"
cp "$BODY" "$T/cite.json"
# 100,000.00 + 50,000.00 + 20,000.10 in FY2021-2022 (three transactions)
assert_eq "170000.10|3|$FIG" "$(json_q "$T/cite.json" "select printf('%.2f', json_extract(j, '\$.figure.amount')) || '|' || json_extract(j, '\$.figure.records') || '|' || json_extract(j, '\$.figure.figure') from doc")" "the figure: amount and records"
assert_eq "$(json_q "$T/pack/figure.json" "select json_remove(j, '\$.generated_at') from doc")" \
	"$(json_q "$T/cite.json" "select json_remove(json_extract(j, '\$.figure'), '\$.generated_at') from doc")" "figure.json as behind cite writes it"
assert_eq "$(od -An -v -tx1 "$T/pack/records.csv" | tr -d ' \n' | tr a-f A-F)" \
	"$(json_q "$T/cite.json" "select hex(json_extract(j, '\$.records_csv')) from doc")" "records_csv is records.csv, byte for byte"
assert_eq "$(cat "$T/pack/urls.txt")" "$(json_q "$T/cite.json" "select group_concat(value, char(10)) from doc, json_each(j, '\$.urls')")" "urls as urls.txt"
for part in csv:records.csv urls:urls.txt sql:query.sql; do
	get "/api/cite" --get --data-urlencode "figure=$FIG" --data-urlencode "format=${part%%:*}"
	assert_eq 200 "$STATUS" "format=${part%%:*}"
	cmp -s "$BODY" "$T/pack/${part#*:}" || fail "format=${part%%:*} differs from ${part#*:}"
done
assert_contains "$HEADERS" "application/sql" "query.sql's type"
# the query re-runs to the records the pack lists
assert_eq 3 "$(sqlite3 -batch "$DB" <"$BODY" | wc -l | tr -d ' ')" "query.sql from the API re-runs to 3 records"

get "/api/cite?figure=nonsense:1"
assert_eq 400 "$STATUS" "an unknown kind of figure"
get "/api/cite?figure=link:999999"
assert_eq 404 "$STATUS" "no such link"
get "/api/cite?figure=link:1&format=zip"
assert_eq 400 "$STATUS" "an unknown format"
get "/api/cite"
assert_eq 400 "$STATUS" "figure is required"

# ---- house rules ----------------------------------------------------------
get "/api/search?q=acme"
for hname in "Content-Security-Policy: default-src 'none'; script-src 'self'" "frame-ancestors 'none'" \
	"X-Content-Type-Options: nosniff" "X-Frame-Options: DENY"; do
	assert_contains "$HEADERS" "$hname" "header $hname"
done
get "/api/search?q=acme" -H "Origin: http://evil.example"
assert_not_contains "$HEADERS" "Access-Control-Allow" "no CORS header, even asked"
get "/api/search?q=acme" -H "Host: evil.example:80"
assert_eq 421 "$STATUS" "a foreign Host (DNS rebinding) is refused on loopback"
get "/api/search?q=acme" -X DELETE
assert_eq 405 "$STATUS" "DELETE"
get "/api/search?q=acme" -X POST -H "Content-Type: application/json" --data '{}'
assert_eq 405 "$STATUS" "POST to a read route"
get "/api/search?q=acme&limit=100000"
assert_eq 400 "$STATUS" "limit beyond the cap"
get "/api/search?q=acme&limit=ten"
assert_eq 400 "$STATUS" "limit not a number"
get "/api/search"
assert_eq 400 "$STATUS" "missing q"
get "/api/search?q=$(head -c 600 /dev/zero | tr '\0' a)"
assert_eq 400 "$STATUS" "parameter longer than 512 bytes"
get "/api/search?q=$(head -c 40000 /dev/zero | tr '\0' a)"
assert_ne 200 "$STATUS" "a 40 kB URL is refused"
# SQL text in a parameter is a search term, never SQL
get "/api/search?q=%27%20OR%201%3D1%3B--"
assert_eq 200 "$STATUS" "quote in search"
assert_eq 0 "$(json_q "$BODY" "select json_array_length(j, '\$.entities') from doc")" "quote in search matches nothing"
# assets only from the embedded table; every one but the page has its
# content hash in its name and may be kept for good
get "/"
assert_eq 200 "$STATUS" "index"
assert_contains "$HEADERS" "Cache-Control: no-cache" "the page is revalidated"
# the page's script and style are inline (a cold load waits for no other
# file), and the CSP lets exactly those blocks run: their SHA-256, computed
# here by python, are the only inline sources it names
inline=$(python3 - "$BODY" "$HEADERS" <<'PY'
import base64, hashlib, re, sys
page = open(sys.argv[1], encoding='utf-8').read()
csp = [l for l in open(sys.argv[2], encoding='utf-8') if l.lower().startswith('content-security-policy:')][0]
def srcs(directive):
    m = re.search(directive + r" ([^;]*)", csp)
    return sorted(x for x in m.group(1).split() if x.startswith("'sha256-"))
def hashes(blocks):
    return sorted("'sha256-" + base64.b64encode(hashlib.sha256(b.encode()).digest()).decode() + "'" for b in blocks)
scripts = re.findall(r'<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)</script>', page)
styles = re.findall(r'<style[^>]*>([\s\S]*?)</style>', page)
print(len(scripts), len(styles), hashes(scripts) == srcs('script-src'), hashes(styles) == srcs('style-src'))
PY
)
assert_eq "1 1 True True" "$inline" "one inline script and one inline style, each allowed by its hash alone"
assert_not_contains "$HEADERS" "unsafe-inline" "no 'unsafe-inline'"
# the network view's bundle (sigma, graphology) loads on demand, by its hashed name
app=$(grep -o '/assets/network-[A-Z0-9]*\.js' "$BODY" | head -1)
assert_ne "" "$app" "the page imports the network view by its hashed name"
get "$app"
assert_eq 200 "$STATUS" "network bundle"
assert_contains "$HEADERS" "text/javascript" "bundle type"
assert_contains "$HEADERS" "Cache-Control: public, max-age=31536000, immutable" "hashed assets are immutable"
assert_eq "$(sed -n 's/^ETag: *"\([0-9a-f]*\)".*/\1/Ip' "$HEADERS" | tr -d '\r')" \
	"$(sha256sum <"$BODY" | cut -c1-16)" "the ETag is the content hash"
etag=$(sed -n 's/^ETag: *//Ip' "$HEADERS" | tr -d '\r')
get "$app" -H "If-None-Match: $etag"
assert_eq 304 "$STATUS" "ETag revalidation"
# gzip -9 to browsers that take it, the same bytes once inflated
cp "$BODY" "$T/app.js"
get "$app" -H "Accept-Encoding: gzip, deflate, br"
assert_contains "$HEADERS" "Content-Encoding: gzip" "gzip when accepted"
assert_contains "$HEADERS" "Vary: Accept-Encoding" "Vary"
same=0
gzip -dc <"$BODY" | cmp -s - "$T/app.js" || same=$?
assert_eq 0 "$same" "gzip inflates to the bundle"
assert_ne "$(wc -c <"$T/app.js")" "$(wc -c <"$BODY")" "the gzip form is smaller"
zetag=$(sed -n 's/^ETag: *//Ip' "$HEADERS" | tr -d '\r')
assert_ne "$etag" "$zetag" "the gzip form has its own ETag"
get "$app" -H "Accept-Encoding: gzip;q=0, identity"
assert_not_contains "$HEADERS" "Content-Encoding" "gzip;q=0 refuses gzip"
get "$app" -H "Accept-Encoding: xgzip"
assert_not_contains "$HEADERS" "Content-Encoding" "a token that only ends in gzip is not gzip"
for p in "/../../etc/passwd" "/assets/../../etc/passwd" "/%2e%2e/%2e%2e/etc/passwd" "/etc/passwd" "/tests/lib.sh" "/web/src/main.js"; do
	get "$p" --path-as-is
	assert_eq 404 "$STATUS" "no file outside the table: $p"
	assert_not_contains "$BODY" "root:" "no file content for $p"
done

# ---- many readers while an ingest writes (WAL) ----------------------------
"$BEHIND" --db "$DB" ingest "$F/subawards.csv" >"$T/ingest.out" 2>&1 &
ipid=$!
ok=0
for _ in $(seq 1 40); do
	[ "$(curl -s -o /dev/null -w '%{http_code}' "${SERVE_URL}api/search?q=acme")" = 200 ] && ok=$((ok + 1))
done
irc=0
wait "$ipid" || irc=$?
assert_eq 0 "$irc" "ingest beside the server"
assert_eq 40 "$ok" "reads answered while the ingest wrote"
par=$(for _ in $(seq 1 30); do curl -s -o /dev/null -w '%{http_code}\n' "${SERVE_URL}api/show?id=duns:012345678" & done; wait)
assert_eq 30 "$(printf '%s\n' "$par" | grep -c '^200$')" "30 parallel requests all answered 200"
get "/api/who?agency=7012"
assert_eq 2 "$(json_q "$BODY" "select json_array_length(j, '\$.supply_chain.subcontracts') from doc")" "the ingest's subawards are visible to the running server"
serve_stop

# ---- hostile record text comes back as data --------------------------------
HOST="$T/hostile"
mkdir -p "$HOST"
evil='<script>alert(1)</script><img src=x onerror=alert(2)>'
sed "s#PINEWOOD SECURITY LLC#$evil#g" "$F/txn_current_iso.csv" >"$HOST/txn_hostile.csv"
run "$BEHIND" --db "$T/hostile.db" ingest "$HOST/txn_hostile.csv"
assert_status 0 "$RC" "hostile fixture ingest"
serve_start "$T/hostile.db"
get "/api/show?id=uei:PINEWSEC0003"
assert_eq 200 "$STATUS" "hostile entity"
assert_eq "$evil" "$(json_q "$BODY" "select json_extract(j, '\$.name') from doc")" "hostile name round-trips as a JSON string"
assert_contains "$HEADERS" "application/json" "served as JSON, never HTML"
serve_stop

# ---- --listen: a token for writes (127.0.0.2: loopback too, no traffic leaves)
serve_start "$DB" --listen 127.0.0.2 --write
assert_contains "$SERVE_OUT" "token for write requests: " "a token is printed with --listen and --write"
tok=$(sed -n 's/^behind serve: token for write requests: //p' "$SERVE_OUT")
assert_eq 64 "${#tok}" "token: 32 random bytes in hex"
get "/api/search?q=acme"
assert_eq 200 "$STATUS" "answers on the --listen address"
get "/api/search?q=acme" -H "Host: whatever.example"
assert_eq 421 "$STATUS" "a loopback --listen still checks Host"
serve_stop

run "$BEHIND" --db "$T/absent.db" serve --port 0
assert_status 2 "$RC" "a missing store fails at start"
assert_contains "$OUT" "cannot open store" "names the problem"
run "$BEHIND" --db "$DB" serve --listen 999.1.1.1 --port 0
assert_status 2 "$RC" "bad --listen"
finish
