#!/usr/bin/env bash
# Figure ids: every number that `behind who --json` and `behind top --json`
# print carries one, and `behind cite` turns it into an evidence pack that
# must agree with the number (amount and record count), with its own
# records.csv (summed by python's csv module) and with its own query.sql
# (run again by the sqlite3 CLI). On the fixtures every figure is cited; on
# the real files (USAspending, FEC 2020, Senate LDA, resolved) one figure of
# each kind is, and three are recomputed from the raw files: GEO's rolled-up
# total and the largest subcontract (sqlite3 over the CSVs), GEO's PAC's
# gifts to candidates (python over the FEC zip).
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
command -v python3 >/dev/null || skip "python3 is needed to read the packs independently"

# cite_all DB JSON [one]: cites the figures of JSON (with `one`, the first of
# each kind only) and prints one line per disagreement, then "N figures".
cite_all() {
	python3 - "$BEHIND" "$1" "$2" "$T/packs" "${3:-}" <<'PY'
import csv, json, os, subprocess, sys
behind, db, path, out, one = sys.argv[1:6]
doc = json.load(open(path))
rows = []
def walk(o, sec):
    if isinstance(o, dict):
        if isinstance(o.get("figure"), str):
            rows.append((sec, o, "figure"))
        for k, v in o.items():
            if k == "by_year_figures":
                for y, fig in v.items():
                    rows.append(("by_year", {"figure": fig, "amount": o["by_year"][y]}, "figure"))
            elif isinstance(v, (dict, list)):
                walk(v, k if isinstance(v, list) else sec)
    elif isinstance(o, list):
        for x in o:
            walk(x, sec)
walk(doc, "root")
# the row's amount and record count, by section
amount = {"root": "total", "recipients": "total", "spend": "spend", "pacs": "gave"}
count = {"subcontracts": "subawards", "subcontracts_given": "subawards",
         "subcontracts_received": "subawards", "spend": "reports", "agency_contacts": "filings",
         "issues": "filings", "pacs": "gifts", "candidates": "gifts", "employees": "contributions",
         "covered_lobbyists": "filings", "appointees": None,
         "hidden_vendors": None, "largest_awards": None, "by_year": None}
seen, n = set(), 0
os.makedirs(out, exist_ok=True)
for sec, row, key in rows:
    fig = row[key]
    kind = fig.split(":")[0] + ("+award" if sec == "largest_awards" else "")
    if one and kind in seen:
        continue
    seen.add(kind)
    n += 1
    d = os.path.join(out, f"{os.getpid()}-{n}")
    p = subprocess.run([behind, "--db", db, "cite", "--out", d, fig], capture_output=True, text=True)
    if p.returncode != 0:
        print(f"{fig}: cite failed: {p.stderr.strip()}")
        continue
    f = json.load(open(os.path.join(d, "figure.json")))
    recs = list(csv.DictReader(open(os.path.join(d, "records.csv"), newline="")))
    csv_sum = sum(round(float(r["amount"]) * 100) for r in recs if r["amount"])
    want_a = row.get(amount.get(sec, "amount"))
    if want_a is not None and round(float(want_a) * 100) != csv_sum:
        print(f"{fig}: the row says {want_a}, records.csv sums to {csv_sum / 100:.2f}")
    if f["amount"] is not None and round(float(f["amount"]) * 100) != csv_sum:
        print(f"{fig}: figure.json says {f['amount']}, records.csv sums to {csv_sum / 100:.2f}")
    ck = count.get(sec, "records")
    if ck and row.get(ck) is not None and row[ck] != len(recs):
        print(f"{fig}: the row counts {row[ck]} records, records.csv has {len(recs)}")
    if f["records"] != len(recs):
        print(f"{fig}: figure.json counts {f['records']}, records.csv has {len(recs)}")
    q = subprocess.run(["sqlite3", "-batch", "-header", "-csv", db],
                       stdin=open(os.path.join(d, "query.sql")), capture_output=True, text=True)
    rerun = list(csv.DictReader(q.stdout.splitlines()))
    # (query.sql selects the stored amounts: integer cents)
    if q.returncode != 0 or len(rerun) != len(recs) or \
            sum(int(r["amount"]) for r in rerun if r["amount"]) != csv_sum:
        print(f"{fig}: query.sql run by sqlite3 gives {len(rerun)} rows ({q.stderr.strip()[:200]})")
print(f"{n} figures")
PY
}

# ---- fixtures: every figure -------------------------------------------------
F="$FIXTURES/usaspending"
DB="$T/fx.db"
run "$BEHIND" --db "$DB" ingest "$F/txn_old_259col_dmy.csv" "$F/txn_current_iso.csv" \
	"$F/awards_summary.csv" "$F/subawards.csv" "$FIXTURES/who/hidden_vendor.csv"
assert_status 0 "$RC" "fixtures ingest"
for args in "" "--from 2022 --to 2022"; do
	# shellcheck disable=SC2086
	run "$BEHIND" --db "$DB" who 7012 $args --json
	cp "$OUT" "$T/who.json"
	# every figure of the whole dossier, one of each kind of the other
	res=$(cite_all "$DB" "$T/who.json" ${args:+one})
	assert_eq "" "$(printf '%s\n' "$res" | grep -v ' figures$')" "who 7012 $args: every figure's pack agrees"
	assert_ne "0 figures" "$(printf '%s\n' "$res" | tail -n 1)" "who 7012 $args: figures were cited"
done
# by hand: the hidden vendor ZANTRIX in RESELLCO's awards, 41,000.50 + 1,999.50
run "$BEHIND" --db "$DB" cite --out "$T/h" "hidden:subagency:7012:all:uei:ZANTRIX00001"
assert_status 0 "$RC" "cite hidden vendor"
assert_eq "43000.00|2" "$(json_q "$T/h/figure.json" "select printf('%.2f', j->>'amount') || '|' || (j->>'records') from doc")" "hidden vendor pack"
run "$BEHIND" --db "$DB" top --agency 7012 --json
cp "$OUT" "$T/top.json"
res=$(cite_all "$DB" "$T/top.json" one)
assert_eq "" "$(printf '%s\n' "$res" | grep -v ' figures$')" "top 7012: its figures' packs agree"
# show --json: a parent with subsidiaries, a prime with subcontracts, the agency
for ent in duns:098765432 uei:CEDARLOG0001 subagency:7012; do
	run "$BEHIND" --db "$DB" show "$ent" --json
	assert_status 0 "$RC" "show $ent"
	cp "$OUT" "$T/show.json"
	res=$(cite_all "$DB" "$T/show.json")
	assert_eq "" "$(printf '%s\n' "$res" | grep -v ' figures$')" "show $ent: every figure's pack agrees"
	assert_ne "0 figures" "$(printf '%s\n' "$res" | tail -n 1)" "show $ent: figures were cited"
done
# bad ids are refused with the grammar's name, not a crash
for bad in "total:subagency:7012" "psc:subagency:7012:all" "sub:subagency:7012:all:duns:1" \
	"pac:fec:NOSUCH" "total:subagency:7012:all:extra" "recv:duns:098765432:subagency:7012:FY" \
	"subs:duns:098765432"; do
	run "$BEHIND" --db "$DB" cite --out "$T/bad" "$bad"
	assert_status 2 "$RC" "bad figure id $bad"
done

# ---- real files -------------------------------------------------------------------
if [ -d "$DATA/usaspending" ] && [ -d "$DATA/fec/2020" ] && [ -d "$DATA/lda/ld1-ld2" ]; then
	U="$DATA/usaspending"
	RDB="$T/real.db"
	run "$BEHIND" --db "$RDB" ingest "$U" "$DATA/fec/2020" "$DATA/lda/ld1-ld2" "$DATA/personnel"
	case $RC in 0 | 1) ;; *) fail "real ingest exit $RC" ;; esac

	RAW="$T/raw.db"
	sqlite3 "$RAW" ".import --csv '$U/ice_contract_transactions_fy2013-2018.csv' t" \
		".import --csv '$U/Contracts_Subawards_ICE_2025-03-28.csv' s"
	# GEO rolled up (own or parent DUNS 612706465), FY2013-2018 by action date
	geo=$(q "$RAW" "select printf('%.2f', sum(cast(federal_action_obligation as real))) from t
		where (printf('%09d', cast(recipient_parent_duns as int)) = '612706465'
		   or (recipient_parent_duns = '' and printf('%09d', cast(recipient_duns as int)) = '612706465'))
		and cast(substr(action_date, 7, 4) as int) + (cast(substr(action_date, 4, 2) as int) >= 10) between 2013 and 2018")
	run "$BEHIND" --db "$RDB" cite --out "$T/geo" "top:subagency:7012:2013-2018:duns:612706465"
	assert_status 0 "$RC" "cite GEO"
	assert_eq "$geo" "$(sqlite3 -batch :memory: ".import --csv $T/geo/records.csv r" "select printf('%.2f', sum(amount)) from r")" \
		"GEO's pack sums to the raw transactions"
	assert_eq "$geo" "$(json_q "$T/geo/figure.json" "select printf('%.2f', j->>'amount') from doc")" "GEO's figure"
	# (before resolution: afterwards GEO's cluster also holds GEO CARE LLC, which
	# names no parent in these files)

	run "$BEHIND" --db "$RDB" resolve
	assert_status 0 "$RC" "resolve"
	run "$BEHIND" --db "$RDB" who 7012 --json
	assert_status 0 "$RC" "who on the real files"
	cp "$OUT" "$T/real.json"
	res=$(cite_all "$RDB" "$T/real.json" one)
	assert_eq "" "$(printf '%s\n' "$res" | grep -v ' figures$')" "real: one figure of each kind agrees"
	run "$BEHIND" --db "$RDB" show duns:612706465 --json
	cp "$OUT" "$T/show.json"
	res=$(cite_all "$RDB" "$T/show.json" one)
	assert_eq "" "$(printf '%s\n' "$res" | grep -v ' figures$')" "real: GEO's show figures agree"
	# every kind of figure appears in the real dossier
	assert_eq "appointee cand contact emp hidden issue lobby lobbyist naics pac psc sub top total" \
		"$(tr ',{' '\n\n' <"$T/real.json" | sed -n 's/^"figure":"\([a-z]*\):.*/\1/p' | sort -u | paste -sd' ')" \
		"real: figure kinds"

	# the largest subcontract of the (all years) dossier, against the raw subawards
	read -r sfig sprime ssub <<EOF
$(json_q "$T/real.json" "select s.value->>'figure', s.value->>'prime_id', s.value->>'sub_id' from doc, json_each(j->'supply_chain'->'subcontracts') s limit 1" | tr '|' ' ')
EOF
	col() { case $1 in uei:*) echo "${2}_uei = '${1#uei:}'" ;; duns:*) echo "printf('%09d', cast(${2}_duns as int)) = '${1#duns:}'" ;; *) echo 0 ;; esac; }
	raw_sub=$(q "$RAW" "select printf('%.2f', sum(cast(subaward_amount as real))) || '|' || count(*) from s
		where $(col "$sprime" prime_awardee) and $(col "$ssub" subawardee)
		and prime_award_awarding_sub_agency_code = '7012'
		and subaward_amount <> ''")
	run "$BEHIND" --db "$RDB" cite --out "$T/sub" "$sfig"
	assert_status 0 "$RC" "cite $sfig"
	assert_eq "$raw_sub" "$(json_q "$T/sub/figure.json" "select printf('%.2f', j->>'amount') || '|' || (j->>'records') from doc")" \
		"largest subcontract $sprime -> $ssub against the raw subawards"

	# GEO Group's PAC: 24K/24Z gifts, memo entries out, each SUB_ID once
	want=$(python3 - "$DATA/fec/2020/pas220.zip" <<'PY'
import sys, zipfile
seen, tot, n = set(), 0, 0
with zipfile.ZipFile(sys.argv[1]) as z:
    for raw in z.open('itpas2.txt'):
        f = raw.decode('latin-1').rstrip('\r\n').split('|')
        if len(f) == 22 and f[0] == 'C00382150' and f[5] in ('24K', '24Z') and f[19] != 'X' and f[21] not in seen:
            seen.add(f[21]); tot += round(float(f[14]) * 100); n += 1
print(f"{tot / 100:.2f}|{n}")
PY
)
	run "$BEHIND" --db "$RDB" cite --out "$T/pac" "pac:fec:C00382150"
	assert_status 0 "$RC" "cite GEO's PAC"
	assert_eq "$want" "$(json_q "$T/pac/figure.json" "select printf('%.2f', j->>'amount') || '|' || (j->>'records') from doc")" \
		"GEO's PAC gifts against the raw itpas2"

	# GEO Group's employees: itcont rows whose employer is "GEO GROUP" or
	# "THE GEO GROUP" (the head of "THE GEO GROUP INC"), alone or followed by
	# a non-alphanumeric character; memo entries out
	want=$(python3 - "$DATA/fec/2020/indiv20.zip" <<'PY'
import re, sys, zipfile
pat = re.compile(r'(THE )?GEO GROUP($|[^A-Z0-9])')
tot, n = 0, 0
with zipfile.ZipFile(sys.argv[1]) as z:
    for raw in z.open('itcont.txt'):
        f = raw.decode('latin-1').rstrip('\r\n').split('|')
        if len(f) == 21 and pat.match(f[11]) and f[18] != 'X':
            tot += round(float(f[14]) * 100); n += 1
print(f"{tot / 100:.2f}|{n}")
PY
)
	assert_eq "$want" "$(json_q "$T/real.json" "select printf('%.2f', e.value->>'amount') || '|' || (e.value->>'contributions')
		from doc, json_each(j->'political_money'->'employees') e where e.value->>'figure' = 'emp:duns:612706465'")" \
		"GEO's employees (with and without THE) against the raw itcont"
	run "$BEHIND" --db "$RDB" cite --out "$T/emp" "emp:duns:612706465"
	assert_status 0 "$RC" "cite GEO's employees"
	assert_eq "$want" "$(json_q "$T/emp/figure.json" "select printf('%.2f', j->>'amount') || '|' || (j->>'records') from doc")" \
		"GEO's employee pack against the raw itcont"

	# CoreCivic's (CORRECTIONS CORPORATION OF AMERICA) lobbyists who held a
	# covered position, with their filings, against python over the LDA XML:
	# filings whose client is named CORRECTIONS CORP..., each filing id once
	want=$(python3 - "$DATA/lda/ld1-ld2" <<'PY'
import glob, os, sys, zipfile
import xml.etree.ElementTree as ET
ids = {}
for z in sorted(glob.glob(os.path.join(sys.argv[1], '*.zip'))):
    with zipfile.ZipFile(z) as zz:
        for n in zz.namelist():
            for f in ET.fromstring(zz.read(n)).iter('Filing'):
                c = f.find('Client')
                if c is None or not c.get('ClientName', '').upper().startswith('CORRECTIONS CORP'):
                    continue
                for lb in f.iter('Lobbyist'):
                    if lb.get('OfficialPosition') not in (None, '', 'N/A'):
                        ids.setdefault((lb.get('LobbyistName'), lb.get('OfficialPosition')), set()).add(f.get('ID'))
print('\n'.join(sorted(f"{k[0]}|{k[1]}|{len(v)}" for k, v in ids.items())))
PY
)
	got=$(json_q "$T/real.json" "select l.value->>'lobbyist', l.value->>'former_position', l.value->>'filings'
		from doc, json_each(j->'revolving_door'->'covered_lobbyists') l
		where l.value->>'for_company' = 'CORRECTIONS CORPORATION OF AMERICA'" | sort)
	assert_eq "$want" "$got" "CoreCivic's covered lobbyists and their filings against the raw LDA XML"
	assert_ne "" "$got" "CoreCivic has covered lobbyists"
	lfig=$(json_q "$T/real.json" "select l.value->>'figure' from doc, json_each(j->'revolving_door'->'covered_lobbyists') l
		where l.value->>'lobbyist' = 'Sisco, Gary L' and l.value->>'for_company' = 'CORRECTIONS CORPORATION OF AMERICA'")
	run "$BEHIND" --db "$RDB" cite --out "$T/lob" "$lfig"
	assert_status 0 "$RC" "cite $lfig"
	assert_eq "$(printf '%s\n' "$want" | sed -n "s/^Sisco, Gary L|SEC'TY OF SENATE|//p")" \
		"$(json_q "$T/lob/figure.json" "select j->>'records' from doc")" "Sisco's filings for CoreCivic: the pack"
	# an appointee's pack: the person's rows of the personnel files
	afig=$(json_q "$T/real.json" "select a.value->>'figure' from doc, json_each(j->'revolving_door'->'appointees') a limit 1")
	assert_ne "" "$afig" "the dossier lists appointees"
	run "$BEHIND" --db "$RDB" cite --out "$T/app" "$afig"
	assert_status 0 "$RC" "cite $afig"
	staffer=${afig##*tt-staffer:}
	assert_eq "$(python3 - "$DATA/personnel" "$staffer" "$T/app/records.csv" <<'PY'
import csv, sys
# every position record of the pack is a row of the person in the raw files
d, sid, pack = sys.argv[1:4]
rows = {}
for name in ('trumptown_staffers.csv', 'trumptown_outside_positions.csv'):
    with open(f"{d}/{name}", newline='', encoding='utf-8', errors='replace') as f:
        rd = csv.DictReader(f)
        start = 2  # physical line where the next record starts
        for r in rd:
            if (r.get('staffer_id') or r.get('id')) == sid:
                rows[(name, start)] = r
            start = rd.line_num + 1
recs = list(csv.DictReader(open(pack, newline='')))
ok = all((r['file'].rsplit('/', 1)[-1], int(r['line'])) in rows for r in recs)
print(f"{len(recs) >= 2} {ok}")
PY
)" "True True" "the appointee pack's records are the person's rows of the raw personnel files"
else
	echo "note: real files absent; real-data checks skipped"
fi
finish
