#!/usr/bin/env bash
# The bad-input suite of issue 8: files a hostile or broken publisher could
# hand `behind ingest` (binary garbage, a 200 MB line, 100,000 columns, NUL
# bytes, invalid and overlong UTF-8, UTF-16 without a BOM, XML entity bombs
# and external entities, zip bombs, zip members with ../ paths) and CSV
# formula injection in `behind export --format csv`. Each must end with a
# clear message or a safe result (exit 0, 1 or 2; no signal, no timeout),
# within a memory bound (peak RSS from /usr/bin/time) and a time bound, and
# leave a store that passes PRAGMA integrity_check: unchanged when the input
# is refused whole (exit 2). Big inputs are generated here in $TMPDIR and
# never committed.
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

[ -x /usr/bin/time ] || skip "/usr/bin/time (GNU time) is needed for peak RSS"
command -v python3 >/dev/null || skip "python3 is needed to build zip and XML inputs"

DB="$T/hostile.db"
TXN="$FIXTURES/usaspending/txn_current_iso.csv"
HEADER=$(head -n 1 "$TXN")
ROW=$(sed -n 2p "$TXN")
TRIED=0

run "$BEHIND" --db "$DB" ingest "$TXN"
assert_status 0 "$RC" "seed ingest"

# hostile NAME FILE MAX_RSS_MB MAX_SECONDS: ingests FILE into $DB under
# /usr/bin/time and timeout; checks the exit status is a verdict (0, 1, 2)
# with a message when not 0, peak RSS and integrity, and that the store did
# not change when the input was refused (2). Leaves $RC, $OUT, $RSS.
hostile() {
	local name=$1 file=$2 max_rss=$3 max_secs=$4 before after
	TRIED=$((TRIED + 1))
	before=$(dump_hash "$DB")
	run timeout -s KILL "$max_secs" /usr/bin/time -f 'maxrss_kb=%M' -o "$T/time.txt" \
		"$BEHIND" --db "$DB" ingest "$file"
	RSS=$(($(sed -n 's/^maxrss_kb=//p' "$T/time.txt" | tail -n 1) / 1024))
	CHECKS=$((CHECKS + 1))
	case $RC in
	0 | 1 | 2) ;;
	*) fail "$name: exit $RC (a crash, a signal or over ${max_secs}s)" ;;
	esac
	if [ "$RC" != 0 ]; then
		assert_contains "$OUT" "$(basename "$file")" "$name: the message names the file"
	fi
	CHECKS=$((CHECKS + 1))
	if [ "$RSS" -gt "$max_rss" ]; then
		fail "$name: peak RSS ${RSS} MB, bound ${max_rss} MB"
	fi
	assert_eq ok "$(q "$DB" 'PRAGMA integrity_check')" "$name: integrity_check"
	after=$(dump_hash "$DB")
	if [ "$RC" = 2 ]; then
		assert_eq "$before" "$after" "$name: refused whole, the store is unchanged"
	fi
	echo "$name: exit $RC, peak RSS ${RSS} MB"
}

# ---- binary garbage ------------------------------------------------------
head -c 4000000 /dev/urandom >"$T/garbage.bin"
hostile "binary garbage" "$T/garbage.bin" 200 60
assert_eq 2 "$RC" "binary garbage is refused"
# garbage after a valid header: rows rejected, nothing invented
{ echo "$HEADER"; head -c 2000000 /dev/urandom; } >"$T/garbage_after_header.csv"
hostile "garbage after a header" "$T/garbage_after_header.csv" 300 60
assert_ne 0 "$RC" "garbage rows are reported"

# ---- one 200 MB line -----------------------------------------------------
# a header, a good row, then 200 MB without a line end (an opened quote so
# the reader cannot cut it), then a good row: the long row is refused with
# the row cap, memory stays near the cap (64 MiB), the good rows land.
{
	echo "$HEADER"
	echo "$ROW" | sed 's/CEDAR LOGISTICS CORP/LONGLINE BEFORE INC/g'
	printf '"'
	head -c 200000000 /dev/zero | tr '\0' 'A'
	echo
	echo "$ROW" | sed 's/CEDAR LOGISTICS CORP/LONGLINE AFTER INC/g; s/_0_-NONE-_0,/_9_-NONE-_0,/'
} >"$T/longline.csv"
hostile "200 MB line" "$T/longline.csv" 700 120
assert_eq 1 "$RC" "200 MB line: partial (the long row rejected)"
assert_contains "$OUT" "longline.csv" "200 MB line: message names the file"
rm -f "$T/longline.csv"
# the same without a line end at the end of the file: the over-long last
# row was once skipped as blank (0 rejected, exit 0); it must be rejected
{
	echo "$HEADER"
	echo "$ROW"
	head -c 100000000 /dev/zero | tr '\0' 'B'
} >"$T/longlast.csv"
hostile "100 MB last line without a line end" "$T/longlast.csv" 700 120
assert_eq 1 "$RC" "over-long last row: partial"
assert_eq "1|1" "$(q "$DB" "select rows, rejected from source where path like '%longlast.csv'")" \
	"over-long last row: 1 row landed, 1 rejected"
rm -f "$T/longlast.csv"
# one 200 MB line and nothing else: no kind can be detected
head -c 200000000 /dev/zero | tr '\0' 'x' >"$T/oneline.txt"
hostile "200 MB line alone" "$T/oneline.txt" 300 60
assert_eq 2 "$RC" "200 MB line alone is refused"
rm -f "$T/oneline.txt"

# ---- 100,000 columns -----------------------------------------------------
python3 - "$TXN" "$T/widerow.csv" "$T/wideheader.csv" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
with open(sys.argv[2], "w") as f:   # a data row of 100,000 cells
    f.write(lines[0] + "\n" + lines[1].replace("CEDAR LOGISTICS CORP", "WIDE ROW INC") + "," * 100000 + "\n")
with open(sys.argv[3], "w") as f:   # a header of 100,000 columns
    f.write(lines[0] + "".join(",extra%d" % i for i in range(100000)) + "\n" + lines[1] + "\n")
PY
hostile "100,000 columns in a row" "$T/widerow.csv" 300 60
assert_ne 0 "$RC" "a 100,000-cell row is reported"
hostile "100,000 columns in the header" "$T/wideheader.csv" 300 60

# ---- NUL bytes -----------------------------------------------------------
{
	echo "$HEADER"
	echo "$ROW" | sed 's/CEDAR LOGISTICS CORP/NUL@@BYTES INC/g' | sed 's/@@/\x00\x00/g'
} >"$T/nul.csv"
hostile "NUL bytes" "$T/nul.csv" 200 30
assert_eq "0" "$(q "$DB" "select (select count(*) from entity where instr(name, char(0)) > 0)
	+ (select count(*) from statement where instr(value, char(0)) > 0)")" "no NUL lands in a name"

# ---- invalid and overlong UTF-8 ------------------------------------------
{
	echo "$HEADER"
	# overlong '/' (C0 AF), a surrogate (ED A0 80), a stray continuation (80),
	# 0xFF, a truncated sequence (E2 82) and a 5-byte form (F8 88 80 80 80)
	echo "$ROW" | sed 's/CEDAR LOGISTICS CORP/BAD \xc0\xaf \xed\xa0\x80 \x80 \xff \xe2\x82 \xf8\x88\x80\x80\x80 UTF8 INC/g'
} >"$T/badutf8.csv"
hostile "invalid and overlong UTF-8" "$T/badutf8.csv" 200 30
# (the entity exists already under its UEI: the new name is a statement)
bad=$(q "$DB" "select value from statement where value like 'BAD %UTF8 INC'")
assert_ne "" "$bad" "the row with bad UTF-8 lands (repaired)"
CHECKS=$((CHECKS + 1))
if ! printf '%s' "$bad" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1; then
	fail "the stored name is not valid UTF-8: $(printf '%s' "$bad" | od -c | head -n 3)"
fi
assert_not_contains "$bad" "$(printf '\xc0\xaf')" "no overlong form is stored"
assert_ne 0 "$(q "$DB" "select repaired from source where path like '%badutf8.csv'")" \
	"repaired bytes are counted"

# ---- UTF-16 without a byte-order mark ------------------------------------
iconv -f UTF-8 -t UTF-16LE "$TXN" >"$T/utf16_nobom.csv"
hostile "UTF-16LE CSV without BOM" "$T/utf16_nobom.csv" 200 30
iconv -f UTF-8 -t UTF-16BE "$TXN" >"$T/utf16be_nobom.csv"
hostile "UTF-16BE CSV without BOM" "$T/utf16be_nobom.csv" 200 30
hostile "UTF-16 LDA XML without BOM" "$FIXTURES/lda/utf16_no_bom.xml" 200 30

# ---- XML: entity bombs and external entities -----------------------------
SECRET="$T/secret.txt"
echo "SECRET-MARKER-7f3a" >"$SECRET"
printf '<!ENTITY %% p SYSTEM "file://%s">' "$SECRET" >"$T/evil.dtd"
python3 - "$T" "$SECRET" <<'PY'
import sys
t, secret = sys.argv[1], sys.argv[2]
filing = ('<Filing ID="11111111-AAAA-4AAA-8AAA-0000000000%02d" Year="2006" Received="2006-08-14T00:00:00"'
          ' Amount="40000" Type="MID-YEAR REPORT" Period="Mid-Year (Jan 1 - Jun 30)">'
          '<Registrant RegistrantID="9%04d" RegistrantName="%s" />'
          '<Client ClientName="%s" ClientID="5%02d" SelfFiler="FALSE" />'
          '<Issues><Issue Code="IMMIGRATION" SpecificIssue="%s" /></Issues></Filing>\n')
def doc(name, dtd, reg, client, issue):
    body = ''.join(filing % (i, i, reg, client, i, issue) for i in range(1, 4))
    with open('%s/%s' % (t, name), 'w') as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n' + dtd + '<PublicFilings>\n' + body + '</PublicFilings>\n')
lol = '<!ENTITY lol "lol">' + ''.join('<!ENTITY lol%d "%s">' % (i, ('&lol%s;' % ('' if i == 1 else i - 1)) * 10) for i in range(1, 10))
doc('laughs.xml', '<!DOCTYPE PublicFilings [' + lol + ']>\n', 'LAUGH &amp; CO', '&lol9;', '&lol9;')
# quadratic blowup: one 100 kB entity referenced many times
doc('quadratic.xml', '<!DOCTYPE PublicFilings [<!ENTITY a "' + 'x' * 100000 + '">]>\n', 'QUAD CO',
    '&a;' * 2000, 'QUAD')
doc('xxe.xml', '<!DOCTYPE PublicFilings [<!ENTITY xxe SYSTEM "file://%s">]>\n' % secret,
    'XXE REGISTRANT', 'XXE &xxe; CLIENT', 'XXE &xxe;')
doc('xxe_param.xml', '<!DOCTYPE PublicFilings [<!ENTITY %% ext SYSTEM "file://%s/evil.dtd"> %%ext; %%p;]>\n' % t,
    'PARAM REGISTRANT', 'PARAM CLIENT', 'PARAM')
doc('xxe_dtd.xml', '<!DOCTYPE PublicFilings SYSTEM "file://%s">\n' % secret,
    'DTD REGISTRANT', 'DTD CLIENT', 'DTD')
doc('xxe_net.xml', '<!DOCTYPE PublicFilings [<!ENTITY net SYSTEM "http://127.0.0.1:9/x">]>\n',
    'NET REGISTRANT', 'NET &net; CLIENT', 'NET')
PY
for x in laughs quadratic xxe xxe_param xxe_dtd xxe_net; do
	hostile "XML $x" "$T/$x.xml" 300 60
done
assert_not_contains "$(sqlite3 "$DB" .dump)" "SECRET-MARKER" "no external entity was read into the store"
assert_eq 0 "$(q "$DB" "select count(*) from lda_filing where length(client_name) > 100000 or length(registrant_name) > 100000")" \
	"no entity expansion stored"
assert_eq 0 "$(q "$DB" "select count(*) from lda_issue where length(specific) > 100000")" \
	"no entity expansion stored in issues"

# ---- zips: bombs and ../ paths -------------------------------------------
python3 - "$T" "$TXN" <<'PY'
import sys, zipfile, zlib
t, txn = sys.argv[1], sys.argv[2]
header = open(txn).read().splitlines()[0]
# 1 GB of zeros behind a valid header, deflated to ~1 MB (ratio ~1000:1)
with zipfile.ZipFile(t + '/bomb.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    with z.open('bomb.csv', 'w', force_zip64=True) as m:
        m.write((header + '\n').encode())
        block = b'\0' * (1 << 24)
        for _ in range(64):
            m.write(block)
# many members of zeros (each 64 MB)
with zipfile.ZipFile(t + '/many.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    for i in range(8):
        z.writestr('zeros%02d.bin' % i, b'\0' * (1 << 26))
lines = open(txn).read()
with zipfile.ZipFile(t + '/dotdot.zip', 'w') as z:
    z.writestr('../../escape.csv', lines)
with zipfile.ZipFile(t + '/abs.zip', 'w') as z:
    z.writestr('/tmp/abs.csv', lines)
PY
hostile "zip bomb (1 GB member)" "$T/bomb.zip" 300 120
assert_eq 2 "$RC" "zip bomb is refused"
assert_contains "$OUT" "zip bomb" "zip bomb: the message says why"
hostile "zip of 8 x 64 MB members" "$T/many.zip" 300 120
hostile "zip member ../../escape.csv" "$T/dotdot.zip" 200 30
assert_contains "$OUT" "escapes the archive" "../ member is refused by name"
assert_eq 0 "$(q "$DB" "select count(*) from source where path like '%escape.csv'")" "../ member not ingested"
hostile "zip member /tmp/abs.csv" "$T/abs.zip" 200 30
assert_eq 0 "$(q "$DB" "select count(*) from source where path like '%abs.csv'")" "absolute member not ingested"
[ ! -e "$T/../escape.csv" ] && [ ! -e "$(dirname "$T")/../escape.csv" ]
assert_eq 0 $? "nothing was extracted outside"

# ---- CSV formula injection in export -------------------------------------
sed -e "s/CEDAR LOGISTICS CORP/=cmd|' \/C calc'!A0/g" \
	-e "s/PINEWOOD GROUP INC/@SUM(1+1)*cmd|' \/C notepad'!A0/g" "$TXN" >"$T/formula.csv"
FDB="$T/formula.db"
run "$BEHIND" --db "$FDB" ingest "$T/formula.csv"
assert_status 0 "$RC" "formula names ingest as data"
TRIED=$((TRIED + 1))
run "$BEHIND" --db "$FDB" resolve
run "$BEHIND" --db "$FDB" export --format csv
assert_status 0 "$RC" "export --format csv"
cp "$OUT" "$T/export.csv"
assert_contains "$T/export.csv" "\"'=cmd|' /C calc'!A0\"" "= name exported with a leading apostrophe"
assert_contains "$T/export.csv" "\"'@SUM(1+1)" "@ name exported with a leading apostrophe"
# no cell of the export starts with a formula character unguarded
bare=$(python3 - "$T/export.csv" <<'PY'
import csv, sys
n = 0
for row in csv.reader(open(sys.argv[1], newline='')):
    for cell in row:
        if cell[:1] in ('=', '+', '@', '\t', '\r') or (cell[:1] == '-' and not cell[1:].replace('.', '').isdigit()):
            n += 1
print(n)
PY
)
assert_eq 0 "$bare" "cells starting with a formula character"

echo "bad inputs tried: $TRIED"
finish
