#!/usr/bin/env bash
# The explorer's pages at path URLs (src/serve/page.c): /entity/ID,
# /agency/ID and /search?q= are the page with the answer of the page's
# first API request inside, byte for byte the API's own answer (compared
# with GET /api/show, /api/who, /api/search and with the values the
# fixtures hold); an unknown entity's page carries the API's 404 error; a
# hostile vendor name cannot close the data's <script> element; /review
# and /network/ID are the page alone; the house headers (CSP) hold.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
# shellcheck source=tests/serve_lib.sh
. "$ROOT/tests/serve_lib.sh"
command -v curl >/dev/null || skip "curl is not installed (scripts/install-deps.sh installs it)"
command -v python3 >/dev/null || skip "python3 is not installed"

F="$FIXTURES/usaspending"
EVIL='</script><script>alert(1)</script><!--'
mkdir -p "$T/hostile"
sed "s#PINEWOOD SECURITY LLC#$EVIL#g" "$F/txn_current_iso.csv" >"$T/hostile/txn_hostile.csv"
DB="$T/fx.db"
run "$BEHIND" --db "$DB" ingest "$F/txn_old_259col_dmy.csv" "$T/hostile/txn_hostile.csv" "$F/awards_summary.csv"
assert_status 0 "$RC" "fixtures ingest"
serve_start "$DB"

# the data block of a page (python's HTML parser, an independent reader):
# "api status json", the JSON re-serialized canonically
block() {
	python3 - "$1" <<'PY'
import html.parser, json, sys
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.cur = None; self.found = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'script' and a.get('id') == 'first-answer': self.cur = [a, '']
    def handle_data(self, d):
        if self.cur: self.cur[1] += d
    def handle_endtag(self, tag):
        if tag == 'script' and self.cur: self.found.append(self.cur); self.cur = None
p = P(); p.feed(open(sys.argv[1], encoding='utf-8').read())
if len(p.found) != 1: print('blocks:', len(p.found)); sys.exit(0)
a, text = p.found[0]
print(a.get('data-api'), a.get('data-status'), json.dumps(json.loads(text), sort_keys=True))
PY
}
canon() { python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), sort_keys=True))' "$1"; }

# page PATH API-PATH API-QUERY: the page's block equals the API's answer
page() {
	get "$1"
	assert_eq 200 "$STATUS" "GET $1"
	assert_contains "$HEADERS" "text/html" "$1: HTML"
	assert_contains "$HEADERS" "Content-Security-Policy: default-src 'none'; script-src 'self'" "$1: the CSP"
	cp "$BODY" "$T/page.html"
	got=$(block "$T/page.html")
	get "$2?$3"
	assert_eq 200 "$STATUS" "GET $2?$3"
	assert_eq "$2 200 $(canon "$BODY")" "$got" "$1: the API's answer inside"
}
page /entity/duns%3A012345678 /api/show "id=duns%3A012345678"
assert_contains "$T/page.html" '"name":"ACME DETENTION SERVICES LLC"' "entity page: ACME's name"
page /agency/7012 /api/who "agency=7012"
# the dossier's total: the fixtures' hand count (usaspending_fixtures.sh)
assert_contains "$T/page.html" '"total":2262655.17' "dossier page: ICE's total"
page "/agency/7012?from=2021&to=2022" /api/who "agency=7012&from=2021&to=2022"
assert_contains "$T/page.html" '"total":170000.1' "dossier page FY2021-2022: its total"
page "/search?q=acme" /api/search "q=acme&limit=50"

# the hostile name is in the answer, and no '<' of it reaches the HTML
page /entity/uei%3APINEWSEC0003 /api/show "id=uei%3APINEWSEC0003"
assert_contains "$T/page.html" '\u003c/script>\u003cscript>alert(1)\u003c/script>\u003c!--' "hostile name as \\u003c escapes"
assert_eq 0 "$(grep -c 'alert(1)</script>' "$T/page.html")" "no '</script>' of the name in the page"

# an unknown entity: the API's 404 message, in the page (status 200: the
# page itself exists and says it)
get /entity/nobody%3A0
assert_eq 200 "$STATUS" "page of an unknown entity"
assert_eq "/api/show 404 {\"error\": \"no entity matches 'nobody:0' (try \`behind search\`)\"}" "$(block "$BODY")" "its block: the API's 404"

# pages without a first answer the server makes: the page alone
for p in /review /network/duns%3A012345678; do
	get "$p"
	assert_eq 200 "$STATUS" "GET $p"
	assert_eq "blocks: 0" "$(block "$BODY")" "$p: no data block"
	assert_contains "$BODY" '<main id="main"' "$p: the page"
done
get /entity/
assert_eq 404 "$STATUS" "/entity/ without an id is no page"
get /nowhere
assert_eq 404 "$STATUS" "an unknown path stays 404"

serve_stop
finish
