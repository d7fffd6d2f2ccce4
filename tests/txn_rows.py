#!/usr/bin/env python3
"""Contract transactions made from a fixture's first row, for the tests.

usage: txn_rows.py BASE.csv OUT.csv < SPECS

Each line of SPECS is a JSON object: one row of OUT.csv, BASE.csv's first
data row (same header) with these changes:
  "piid": P            the row is a transaction of award P of subagency 7012
                       (its transaction and award keys, PIID and permalink;
                       the transaction key numbered by the row)
  "recipient": [U, N]  recipient UEI U named N, with no parent
  any column name      that column's value
"""
import csv
import json
import sys

rows = csv.reader(open(sys.argv[1], newline=""))
head = next(rows)
base = next(rows)
col = {c: i for i, c in enumerate(head)}
out = csv.writer(open(sys.argv[2], "w", newline=""))
out.writerow(head)
n = 0
for line in sys.stdin:
    if not line.strip():
        continue
    n += 1
    r = list(base)
    for k, v in json.loads(line).items():
        if k == "piid":
            key = "CONT_AWD_%s_7012_-NONE-_-NONE-" % v
            r[col["contract_transaction_unique_key"]] = "7012_-NONE-_%s_%d_-NONE-_0" % (v, n)
            r[col["contract_award_unique_key"]] = key
            r[col["award_id_piid"]] = v
            r[col["usaspending_permalink"]] = "https://www.usaspending.gov/award/" + key
        elif k == "recipient":
            r[col["recipient_uei"]] = v[0]
            r[col["recipient_name"]] = r[col["recipient_name_raw"]] = v[1]
            r[col["recipient_parent_uei"]] = r[col["recipient_parent_name"]] = ""
        else:
            r[col[k]] = v
    out.writerow(r)
