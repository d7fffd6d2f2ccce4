#!/usr/bin/env bash
# The influence records on the real files of ../shared/data: every FEC and
# LDA file of the sample ingests with no crash and every rejected row has a
# reason; three numbers are checked against an independent computation over
# the raw zips with python3 (zipfile + plain splitting / xml.etree):
#   - what GEO Group's PAC (C00382150) gave candidates in itpas2,
#   - the number of LD-203 contributions of a registrant in one quarter,
#   - the covered positions of the lobbyists of one LD-2 filing,
#   - the campaign money by year of two committees and a candidate (show,
#     and the cite packs of its figures).
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
need_data fec/2020
need_data lda
command -v python3 >/dev/null || skip "python3 is needed for the independent computation"

DB="$T/infl.db"
FEC="$DATA/fec/2020"
Q="$DATA/lda/ld203/2015_2_LD203.zip"
L2="$DATA/lda/ld1-ld2/2005_4_LD1LD2.zip"

run "$BEHIND" --db "$DB" ingest "$FEC" "$Q" "$L2"
case $RC in 0|1) ;; *) fail "ingest exit $RC: $OUT" ;; esac
assert_eq 0 "$(q "$DB" "select count(*) from reject where coalesce(reason,'')=''")" "every reject has a reason"
assert_eq 0 "$(q "$DB" "select count(*) from source where kind like 'fec-%' and rows=0")" "every FEC file landed rows"

# 1. GEO Group PAC -> candidates: 24K/24Z, not memo, each SUB_ID once
want=$(python3 - "$FEC/pas220.zip" <<'PY'
import sys, zipfile
seen, tot = set(), 0
with zipfile.ZipFile(sys.argv[1]) as z:
    for raw in z.open('itpas2.txt'):
        f = raw.decode('latin-1').rstrip('\r\n').split('|')
        if len(f) == 22 and f[0] == 'C00382150' and f[5] in ('24K', '24Z') and f[19] != 'X' and f[21] not in seen:
            seen.add(f[21]); tot += round(float(f[14]) * 100)
print(tot)
PY
)
assert_ne "" "$want" "python computed GEO's total"
assert_eq "$want" "$(q "$DB" "select sum(amount) from fec_gift where cmte_id='C00382150'")" "GEO Group PAC gave candidates"

# 2. LD-203 contributions of one registrant in 2015 Q2
# (the registrant with the most contributions that quarter: a count of 0 on
# both sides would prove nothing)
REG="LOCKHEED MARTIN CORPORATION"
want=$(python3 - "$Q" "$REG" <<'PY'
import sys, zipfile, xml.etree.ElementTree as ET
n = 0
with zipfile.ZipFile(sys.argv[1]) as z:
    for m in z.namelist():
        root = ET.fromstring(z.read(m))
        for f in root.iter('Filing'):
            r = f.find('Registrant')
            if r is not None and r.get('RegistrantName') == sys.argv[2]:
                n += len(f.findall('Contributions/Contribution'))
print(n)
PY
)
got=$(q "$DB" "select count(*) from lda_contribution c join lda_filing f on f.filing_id=c.filing_id and f.source_id=c.source_id join source s on s.id=f.source_id where s.path like '%2015_2_LD203.zip!%' and f.registrant_name='$REG'")
assert_ne 0 "$want" "the raw file has LD-203 contributions of $REG in 2015 Q2"
assert_eq "$want" "$got" "LD-203 contributions of $REG in 2015 Q2"

# 3. covered positions of the lobbyists of one LD-2 filing: the filing of
# that quarter with the most lobbyists holding a position
read -r FID want <<EOF2
$(python3 - "$L2" <<'PY'
import sys, zipfile, xml.etree.ElementTree as ET
best = None
with zipfile.ZipFile(sys.argv[1]) as z:
    for m in sorted(z.namelist()):
        for f in ET.fromstring(z.read(m)).iter('Filing'):
            pos = sorted(l.get('OfficialPosition').strip() for l in f.iter('Lobbyist')
                         if (l.get('OfficialPosition') or '').strip() not in ('', 'N/A'))
            if pos and (best is None or len(pos) > len(best[1])):
                best = (f.get('ID'), pos)
print(best[0], '|'.join(best[1]))
PY
)
EOF2
got=$(q "$DB" "select group_concat(official_position, '|') from (select official_position from lda_lobbyist where filing_id='$FID' and official_position is not null order by official_position)")
assert_eq "$want" "$got" "covered positions of the lobbyists of filing $FID"

# 4. campaign money (show's influence.campaign_money, and cite's camp:
# figure) of the RNC, GEO Group's PAC and one candidate, against python
# over the raw zips: the committee's own rows in itcont, itoth and itpas2,
# memo entries out, each SUB_ID once; receipts 1x/3x, disbursements 2x/4x;
# a candidate's gifts from committees (itpas2 24K/24Z); by calendar year.
# Through the records and, after resolve, through the stored rows.
camp_py() {
	python3 - "$FEC" <<'PY'
import sys, zipfile
from collections import defaultdict
fec = sys.argv[1]
money = defaultdict(lambda: [0, 0])
seen, gifts = set(), set()
want = {'C00003418', 'C00382150'}
for zname, member, n, memo, sub, cand in (('indiv20.zip', 'itcont.txt', 21, 18, 20, None),
                                          ('oth20.zip', 'itoth.txt', 21, 18, 20, None),
                                          ('pas220.zip', 'itpas2.txt', 22, 19, 21, 16)):
    with zipfile.ZipFile(f'{fec}/{zname}') as z:
        for raw in z.open(member):
            f = raw.decode('latin-1').rstrip('\r\n').split('|')
            if len(f) != n or f[memo] == 'X':
                continue
            amt = round(float(f[14]) * 100)
            if cand is not None and f[cand] == 'H8NY19058' and f[5] in ('24K', '24Z') and f[sub] not in gifts:
                gifts.add(f[sub]); m = money[('H8NY19058', f[13][4:8], 'pac_gifts')]; m[0] += amt; m[1] += 1
            if f[0] in want and f[5][:1] in '1234' and f[5] and f[sub] not in seen:
                seen.add(f[sub])
                m = money[(f[0], f[13][4:8], 'received' if f[5][0] in '13' else 'spent')]
                m[0] += amt; m[1] += 1
for k in sorted(money):
    print('%s %s %s %d %d' % (k[0], k[1], k[2], money[k][0], money[k][1]))
PY
}
# camp_show ROUTE: the same lines from show --json (and the cite packs)
camp_show() {
	local id
	for id in C00003418 C00382150 H8NY19058; do
		BEHIND_SHOW_ROUTE=$1 "$BEHIND" --db "$DB" show --json "fec:$id" | python3 -c '
import json, sys
for r in json.load(sys.stdin)["influence"]["campaign_money"]:
    print(sys.argv[1], r["year"], r["direction"], round(r["amount"] * 100), r["records"])' "$id"
	done | sort
}
want=$(camp_py | sort)
assert_ne "" "$want" "python computed the campaign money"
echo "$want" | grep -q "C00003418 2019 received" || fail "the RNC has receipts in 2019 (python)"
assert_eq "$want" "$(camp_show rows)" "campaign money through the records = python's"
# a cite pack of each figure holds the same records and total
got=$(while read -r id year dir cents n; do
	(cd "$T" && "$BEHIND" --db "$DB" cite "camp:fec:$id:$year:$dir" >/dev/null 2>&1)
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(sys.argv[2], sys.argv[3], sys.argv[4], round(d["amount"] * 100), d["records"])' \
		"$T/evidence-camp_fec_${id}_${year}_${dir}/figure.json" "$id" "$year" "$dir"
done <<<"$want")
assert_eq "$want" "$got" "the camp: evidence packs count what show counts"
run "$BEHIND" --db "$DB" resolve
assert_status 0 "$RC" "resolve"
assert_eq "1" "$(q "$DB" "select stored from influence_canon where canon = (select rid from entity where id = 'fec:C00003418')")" \
	"the RNC's influence rows are stored (200 rows or more)"
assert_eq "$want" "$(camp_show "")" "campaign money through the stored rows = python's"

finish
