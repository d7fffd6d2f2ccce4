#!/usr/bin/env bash
# The explorer's pages at path URLs (src/serve/page.c, html.c): /entity/ID,
# /agency/ID, /search?q= and /network/ID are the page with the answer of
# the page's first API request inside, twice: as JSON, byte for byte the
# API's own answer (compared with GET /api/show, /api/who, /api/search,
# /api/graph and with the values the fixtures hold), and as HTML in <main>
# that reads without JavaScript (its headings, tables, figures and links
# checked by python's HTML parser against the API's JSON and the fixtures'
# hand counts); an unknown entity's page carries the API's 404 error;
# hostile vendor names cannot close the data's <script> element nor reach
# the HTML unescaped; /review is the page alone; the house headers (CSP)
# hold.
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
# and a name that is markup, an entity and both quotes (a quoted CSV field)
sed -e "s#PINEWOOD SECURITY LLC#$EVIL#g" \
	-e "s#CEDAR LOGISTICS CORP#\"<script>alert(1)</script>\\&\"\"'\"#g" \
	"$F/txn_current_iso.csv" >"$T/hostile/txn_hostile.csv"
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
# the server's HTML of a page, read back by python's HTML parser and
# compared with the API's answer ($2, JSON) by page kind ($3): prints the
# mismatches, or "ok N" (N: the values compared)
ssr() {
	python3 - "$1" "$2" "$3" <<'PY'
import html.parser, json, sys, urllib.parse
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.inmain = False; self.stack = []
        self.h = []; self.tables = []; self.links = []; self.ids = {}; self.cur = None
        self.text = ''; self.row = None; self.cell = None; self.a = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'main': self.inmain = True
        if not self.inmain: return
        if tag in ('h1', 'h2', 'h3', 'h4'): self.cur = [tag, '']
        if tag == 'table': self.tables.append({'head': [], 'rows': [], 'scope': []})
        if tag == 'tr': self.row = []
        if tag in ('td', 'th'):
            self.cell = {'text': '', 'href': None}
            if tag == 'th': self.tables[-1]['scope'].append(a.get('scope'))
        if tag == 'a':
            self.a = [a.get('href'), '']
        if 'id' in a: self.ids[a['id']] = [tag, '']
        self.stack.append((tag, a.get('id')))
    def handle_data(self, d):
        if not self.inmain: return
        if self.cur: self.cur[1] += d
        if self.cell is not None: self.cell['text'] += d
        if self.a: self.a[1] += d
        for t, i in self.stack:
            if i: self.ids[i][1] += d
    def handle_endtag(self, tag):
        if tag == 'main': self.inmain = False
        if not self.inmain: return
        if self.cur and tag == self.cur[0]: self.h.append(tuple(self.cur)); self.cur = None
        if tag == 'a' and self.a:
            self.links.append(tuple(self.a))
            if self.cell is not None: self.cell['href'] = self.a[0]
            self.a = None
        if tag in ('td', 'th') and self.cell is not None: self.row.append(self.cell); self.cell = None
        if tag == 'tr' and self.row is not None:
            t = self.tables[-1]
            if t['head']: t['rows'].append(self.row)
            else: t['head'] = self.row
            self.row = None
        while self.stack and self.stack[-1][0] != tag: self.stack.pop()
        if self.stack: self.stack.pop()
page = P(); page.feed(open(sys.argv[1], encoding='utf-8').read())
ans = json.load(open(sys.argv[2])); kind = sys.argv[3]
bad = []; n = 0
def eq(want, got, what):
    global n; n += 1
    if want != got: bad.append(f'{what}: want {want!r}, got {got!r}')
def money(v): return '' if v is None else ('-' if v < 0 else '') + '${:,.2f}'.format(abs(v))
def ent(i): return '/entity/' + urllib.parse.quote(i, safe="-_.!~*'()")
def cite(fig): return '/api/cite?figure=' + urllib.parse.quote(fig, safe="-_.!~*'()")
def table(cols):
    """the first table whose header row is cols: [{col: cell}]"""
    for t in page.tables:
        if [c['text'] for c in t['head']] == cols:
            eq(['col'] * len(cols), t['scope'], 'th scope of ' + cols[0])
            return [dict(zip(cols, r)) for r in t['rows']]
    bad.append(f'no table {cols}'); return []
def awards(rows, got):
    eq(len(rows), len(got), 'award rows')
    for a, g in zip(rows, got):
        eq(a['award_key'], g['Award']['text'], 'award key'); eq(a['url'], g['Award']['href'], 'award url')
        eq(money(a['amount']), g['Amount']['text'], 'award amount')
        eq(cite(a['figure']), g['Amount']['href'], 'an award amount links to its evidence pack')
        eq(a['source'].split('/')[-1] + ':' + str(a['line']), g['Source']['text'], 'award source line')
h1 = [t for h, t in page.h if h == 'h1']
if kind == 'entity':
    eq([ans['name']], h1, 'h1')
    awards(ans['largest_awards'], table(['Award', 'Recipient', 'Description', 'Amount', 'Source']))
    got = table(['Agency', 'Fiscal year', 'Amount', 'Records'])
    eq(len(ans['received']), len(got), 'received rows')
    for r, g in zip(ans['received'], got):
        eq(money(r['amount']), g['Amount']['text'], 'received amount')
        eq(cite(r['figure']), g['Amount']['href'], 'a received amount links to its evidence pack')
        eq('/agency/' + urllib.parse.quote(r['agency_id'], safe=''), g['Agency']['href'], 'agency link')
    for p in ans['parents']: eq(True, (ent(p['id']), p['name']) in page.links, 'parent link ' + p['id'])
elif kind == 'agency':
    eq([ans['agency']['name']], h1, 'h1')
    eq(money(ans['total']), page.ids['total'][1], 'total')
    eq(['1. Money', '2. Supply chain', '3. Lobbying', '4. Revolving door', '5. Political money'],
       [t for h, t in page.h if h == 'h2'], 'the five sections')
    eq(True, ('/api/cite?figure=' + urllib.parse.quote(ans['figure'], safe=''), 'cite') in page.links, 'the total cite link')
    # the generic sections' headings: words apart, the records' abbreviations
    # as written (generic.js title(), html.c title())
    h3 = [t for h, t in page.h if h == 'h3']
    eq(['Spend', 'Agency contacts', 'Issues', 'Covered lobbyists', 'Appointees', 'PACs', 'Candidates', 'Employees'],
       h3[h3.index('Spend'):] if 'Spend' in h3 else h3, 'the lobbying, revolving door and political money headings')
    got = table(['#', 'Company', 'Amount', 'Share', 'Years', 'Records'])
    eq(len(ans['money']['top_recipients']), len(got), 'top recipient rows')
    for r, g in zip(ans['money']['top_recipients'], got):
        eq(r['name'], g['Company']['text'], 'company'); eq(ent(r['id']), g['Company']['href'], 'company link')
        eq(money(r['amount']), g['Amount']['text'], 'company amount'); eq(r['share_pct'], g['Share']['text'], 'share')
        eq(cite(r['figure']), g['Amount']['href'], "a top recipient's amount links to its evidence pack")
    awards(ans['money']['largest_awards'], table(['Award', 'Recipient', 'Description', 'Amount', 'Source']))
    got = table(['Fiscal year', 'Amount', 'Records'])
    eq([(str(r['fiscal_year']), money(r['amount'])) for r in ans['money']['by_year']],
       [(g['Fiscal year']['text'], g['Amount']['text']) for g in got], 'money by year')
elif kind == 'search':
    for e in ans['entities']:
        pre = '/agency/' if e['kind'] == 'public_body' else '/entity/'
        eq(True, (pre + urllib.parse.quote(e['id'], safe="-_.!~*'()"), e['name']) in page.links, 'hit ' + e['id'])
elif kind == 'network':
    eq(['Network: ' + ans['center']['name']], h1, 'h1')
    got = table(['From', 'Link', 'To', 'Amount', 'Records', 'Fiscal years'])
    eq(len(ans['neighbours']), len(got), 'link rows')
    want = sorted((money(x['amount']), x['node']['name']) for x in ans['neighbours'])
    eq(want, sorted((g['Amount']['text'], g['From' if x == 'in' else 'To']['text'])
       for g, x in zip(got, [None] * len(got)) for x in ['in' if g['To']['text'] == ans['center']['name'] else 'out']), 'links')
print('\n'.join(bad) if bad else f'ok {n}')
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
# page PATH API-PATH API-QUERY KIND: page(), and its HTML shows the answer
ssr_page() {
	page "$1" "$2" "$3"
	get "$2?$3"
	got=$(ssr "$T/page.html" "$BODY" "$4"); echo "  $1: $got" >&2; assert_eq "ok" "${got%% *}" "$1: the server's HTML shows the answer"
}
ssr_page /entity/duns%3A012345678 /api/show "id=duns%3A012345678" entity
assert_contains "$T/page.html" '"name":"ACME DETENTION SERVICES LLC"' "entity page: ACME's name"
ssr_page /agency/7012 /api/who "agency=7012" agency
# the fixtures' hand counts, as the HTML shows them
assert_contains "$T/page.html" '<strong id="total">$2,262,655.17</strong> from 11 records' "dossier HTML: ICE's total"
# the dossier's total: the fixtures' hand count (usaspending_fixtures.sh)
assert_contains "$T/page.html" '"total":2262655.17' "dossier page: ICE's total"
ssr_page "/agency/7012?from=2021&to=2022" /api/who "agency=7012&from=2021&to=2022" agency
assert_contains "$T/page.html" '<strong id="total">$170,000.10</strong>' "dossier HTML FY2021-2022: its total"
assert_contains "$T/page.html" 'name="from" type="number" min="1990" max="2100" value="2021"' "dossier HTML: the years' form holds 2021"
assert_contains "$T/page.html" '"total":170000.1' "dossier page FY2021-2022: its total"
ssr_page "/search?q=acme" /api/search "q=acme&limit=50" search
assert_contains "$T/page.html" '<h2>Companies and organizations (2)</h2>' "search HTML: ACME's two companies"
assert_contains "$T/page.html" '<input id="q" value="acme"' "search HTML: the box holds the words"
ssr_page /network/duns%3A098765432 /api/graph "id=duns%3A098765432&limit=40" network
assert_contains "$T/page.html" '3 links' "network HTML: HOLLOWAY's 3 links (fixtures)"

# the hostile name is in the answer, and no '<' of it reaches the HTML
ssr_page /entity/uei%3APINEWSEC0003 /api/show "id=uei%3APINEWSEC0003" entity
assert_contains "$T/page.html" '\u003c/script>\u003cscript>alert(1)\u003c/script>\u003c!--' "hostile name as \\u003c escapes"
assert_eq 0 "$(grep -c 'alert(1)</script>' "$T/page.html")" "no '</script>' of the name in the page"

assert_contains "$T/page.html" '<h1>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;!--</h1>' "hostile name escaped in the HTML"
ssr_page /entity/uei%3ACEDARLOG0001 /api/show "id=uei%3ACEDARLOG0001" entity
assert_contains "$T/page.html" '<h1>&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;</h1>' "markup, & and quotes escaped in the h1"
assert_eq 0 "$(grep -c '<script>alert' "$T/page.html")" "no <script> of the name in the page"
get /agency/7012
assert_eq 0 "$(grep -c '<script>alert\|</script><script>' "$BODY")" "dossier: no hostile markup"
assert_contains "$BODY" '&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;' "dossier: the name escaped"

# gzip for browsers that take it: the same page, streamed as one gzip stream
get /agency/7012
cp "$BODY" "$T/plain.html"
get /agency/7012 -H 'Accept-Encoding: gzip'
assert_contains "$HEADERS" "Content-Encoding: gzip" "page: gzip when accepted"
assert_eq "$(sha256sum <"$T/plain.html")" "$(gunzip -c <"$BODY" | sha256sum)" "page: the gzip'd page is the page"
assert_eq 1 "$(( $(wc -c <"$BODY") * 3 < $(wc -c <"$T/plain.html") ))" "page: gzip'd to under a third"

# an unknown entity: the API's 404 message, in the page (status 200: the
# page itself exists and says it)
get /entity/nobody%3A0
assert_eq 200 "$STATUS" "page of an unknown entity"
assert_eq "/api/show 404 {\"error\": \"no entity matches 'nobody:0' (try \`behind search\`)\"}" "$(block "$BODY")" "its block: the API's 404"
assert_contains "$BODY" "<h1>Not found</h1><p class=\"error\" role=\"alert\">no entity matches &#39;nobody:0&#39;" "its HTML: the 404 message"

# pages without a first answer the server makes: the page alone
for p in /review; do
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
