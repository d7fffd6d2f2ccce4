#!/usr/bin/env bash
# Campaign money of committees and candidates (show's influence parts
# campaign_money, campaign_counterparties, contributions_by_employer,
# pac_gifts_received, sponsored_by, committees_and_candidates; cite's camp:
# figures; the explorer's entity page) on the invented FEC fixtures, hand
# counts from tests/fixtures/fec/README.md:
#   ACME's PAC C90000001 spent in 2019: 5000 + 2500 + 700 (24E, an
#   independent expenditure, is a disbursement) - 500 = 7700 over 4 rows
#   (the memo entry of 1000 is out); received: 250 + 250 + 100 = 600 over
#   3 itcont rows (two rejected rows never land), 500 of it from 2
#   contributions of one person (DOE, JOHN, ZIP 22150) naming ACME
#   DETENTION SERVICES as employer, 100 naming ACME;
#   SMITH (H0NY99001) got 5000 - 500 = 4500 in 2 gifts (the 24E is not a
#   gift), JONES (S0TX99002) 2500 in 1 (its memo entry is out).
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
# shellcheck source=tests/serve_lib.sh
. "$ROOT/tests/serve_lib.sh"
command -v curl >/dev/null || skip "curl is not installed (scripts/install-deps.sh installs it)"

F="$FIXTURES/fec"
DB="$T/camp.db"
run "$BEHIND" --db "$DB" ingest "$F/cm.txt" "$F/cn.txt" "$F/itpas2.txt" "$F/itcont_invented.txt"
assert_status 1 "$RC" "fixtures ingest (two itcont rows are rejected on purpose)"

# part PART ID: the part's rows of show --json, one line each, fields by |
part() {
	"$BEHIND" --db "$DB" show --json "$2" | python3 -c '
import json, sys
for r in json.load(sys.stdin)["influence"][sys.argv[1]]:
    print("|".join("%.2f" % v if isinstance(v, float) else str(v) for v in r.values()))' "$1"
}

assert_eq "2019|received|600.00|3|camp:fec:C90000001:2019:received
2019|spent|7700.00|4|camp:fec:C90000001:2019:spent" "$(part campaign_money fec:C90000001)" \
	"ACME's PAC: received and spent in 2019"
assert_eq "2019|pac_gifts|4500.00|2|camp:fec:H0NY99001:2019:pac_gifts" "$(part campaign_money fec:H0NY99001)" \
	"SMITH: gifts from committees in 2019"
assert_eq "2019|pac_gifts|2500.00|1|camp:fec:S0TX99002:2019:pac_gifts" "$(part campaign_money fec:S0TX99002)" \
	"JONES: gifts from committees in 2019"
assert_eq "ACME DETENTION SERVICES|500.00|2|1
ACME|100.00|1|1" "$(part contributions_by_employer fec:C90000001)" "ACME's PAC: contributions by employer"
# SMITH's committee got 5000 - 500 + 700 (spent for it), JONES's 2500
assert_eq "SMITH FOR CONGRESS|fec:C90000002|spent|5200.00|3
JONES FOR SENATE|fec:C90000003|spent|2500.00|1" "$(part campaign_counterparties fec:C90000001)" \
	"ACME's PAC: its counterparties, largest first"
org=$(q "$DB" "select id from entity where kind = 'organization' and name like 'ACME DETENTION%'")
assert_ne "" "$org" "the PAC's connected organization is an entity"
assert_eq "ACME DETENTION SERVICES INC PAC|fec:C90000001|ACME DETENTION SERVICES, INC.|$org|4500.00|2|2019-01-15|2019-02-03" \
	"$(part pac_gifts_received fec:H0NY99001)" "SMITH: the PAC that gave, and the company behind it"
assert_eq "ACME DETENTION SERVICES, INC.|$org|1" "$(part sponsored_by fec:C90000001)" "the PAC: sponsored by ACME"
assert_eq "committee of the candidate|SMITH FOR CONGRESS|fec:C90000002" \
	"$(part committees_and_candidates fec:H0NY99001)" "SMITH: his committee"
assert_eq "candidate of the committee|SMITH, JOHN|fec:H0NY99001" \
	"$(part committees_and_candidates fec:C90000002)" "SMITH FOR CONGRESS: its candidate"
assert_eq "" "$(part campaign_money "$org")" "the company itself has no campaign money"

# the text form says the same
run "$BEHIND" --db "$DB" show fec:C90000001
assert_contains "$OUT" "2019  direction: spent  amount: \$7,700.00  records: 4" "text: spent in 2019"

# cite: each figure's pack holds the rows counted
for fig in camp:fec:C90000001:2019:spent camp:fec:C90000001:2019:received camp:fec:H0NY99001:2019:pac_gifts; do
	(cd "$T" && "$BEHIND" --db "$DB" cite "$fig" >/dev/null 2>&1) || fail "cite $fig"
done
pack() { python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print("%.2f %d" % (d["amount"], d["records"]))' "$T/evidence-$1/figure.json"; }
assert_eq "7700.00 4" "$(pack camp_fec_C90000001_2019_spent)" "cite: ACME's PAC spent"
assert_eq "600.00 3" "$(pack camp_fec_C90000001_2019_received)" "cite: ACME's PAC received"
assert_eq "4500.00 2" "$(pack camp_fec_H0NY99001_2019_pac_gifts)" "cite: SMITH's gifts"
# the records: SMITH's two gifts, from the PAC to him
assert_eq "2019-01-15,5000.00,fec:C90000001,fec:H0NY99001
2019-02-03,-500.00,fec:C90000001,fec:H0NY99001" \
	"$(python3 -c 'import csv, sys; [print(",".join([r["date"], r["amount"], r["from_entity"], r["to_entity"]])) for r in csv.DictReader(open(sys.argv[1]))]' \
		"$T/evidence-camp_fec_H0NY99001_2019_pac_gifts/records.csv")" "cite: SMITH's gift records"
run "$BEHIND" --db "$DB" cite camp:fec:C90000001:2019:given
assert_status 2 "$RC" "cite: an unknown direction is a usage error"
assert_contains "$OUT" "received|spent|pac_gifts" "cite: the error says the directions"

# the explorer: the committee's page draws its campaign money by year (a
# chart with its figures) in the server's HTML, and names the empty parts
serve_start "$DB"
get "/entity/fec%3AC90000001"
assert_eq 200 "$STATUS" "the PAC's page"
assert_contains "$BODY" '<figcaption>Campaign money given and spent by year (FEC)</figcaption>' "the PAC's page: the spent chart"
assert_contains "$BODY" '<th scope="col">Year</th>' "the chart's figures are by calendar year"
assert_contains "$BODY" '$7,700.00' "the PAC's page: 2019's spent"
assert_contains "$BODY" 'None recorded: ' "the PAC's page: its empty parts in one line"
main_of() { python3 -c 'import sys; print(open(sys.argv[1], encoding="utf-8").read().split("<main", 1)[1].split("</main>", 1)[0])' "$1"; }
assert_not_contains "$(main_of "$BODY")" 'Contract money received by fiscal year' "a committee's page has no empty contract chart"
get "/entity/fec%3AH0NY99001"
assert_contains "$BODY" '<figcaption>Money from committees by year (FEC)</figcaption>' "SMITH's page: money from committees"
assert_contains "$BODY" '$4,500.00' "SMITH's page: 4500"
serve_stop
finish
