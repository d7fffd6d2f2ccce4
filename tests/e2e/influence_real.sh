#!/usr/bin/env bash
# The influence records on the real files of ../shared/data: every FEC and
# LDA file of the sample ingests with no crash and every rejected row has a
# reason; three numbers are checked against an independent computation over
# the raw zips with python3 (zipfile + plain splitting / xml.etree):
#   - what GEO Group's PAC (C00382150) gave candidates in itpas2,
#   - the number of LD-203 contributions of a registrant in one quarter,
#   - the covered positions of the lobbyists of one LD-2 filing.
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

finish
