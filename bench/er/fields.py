# Which non-identifier fields of the USAspending recipients would fix the
# matcher's errors, which would break what it gets right, and how far each
# can lift the ceiling of bench/er/ceiling.py (names and places only).
#   bench/er/run.sh >/dev/null   (builds build/er_bench)
#   ER_DUMP=g build/er_bench recipients DIR; python3 bench/er/fields.py g DIR
# (DIR = ../shared/data/usaspending; about 30 s.) The same fields through the
# matcher itself, as Fellegi-Sunter fields with EM weights:
#   ER_FIELDS=fax,phone build/er_bench recipients DIR
# Rebuilds er_bench's records (one per distinct name, city, state, ZIP5,
# street, DUNS, UEI; same order), gathers every value of each candidate
# field over all the rows of a record, and for each field classifies the
# pairs the matcher got wrong (false merges, missed) and right (merged,
# and left apart though the names share a word): agree (a value in common),
# disagree (both have values, none in common), unknown.
import sys, csv, re, collections, itertools

dump, d = sys.argv[1], sys.argv[2]
FILES = ["ice_contract_transactions_fy2013-2018.csv",
         "Contracts_PrimeAwardSummaries_ICE_MN_2025-03-21.csv",
         "Contracts_Subawards_ICE_2025-03-28.csv"]
PFX = ["recipient_", "subawardee_", "prime_awardee_"]
FLAGS = [("woman_owned_business", "WOMAN OWNED"), ("veteran_owned_business", "VETERAN OWNED"),
         ("service_disabled_veteran_owned_business", "SERVICE DISABLED VETERAN"),
         ("minority_owned_business", "MINORITY OWNED")]
LEGAL = {"inc", "incorporated", "llc", "l", "c", "corp", "corporation", "co", "company", "ltd", "lp",
         "llp", "pc", "the", "of", "and", "plc", "pllc", "limited"}

def nname(s):
    t = re.sub(r"[^a-z0-9 ]", " ", s.lower().replace("&", " and ")).split()
    return " ".join(x for x in t if x not in LEGAL)

def naddr(s):
    s = s.upper()
    s = re.sub(r"[^A-Z0-9 ]", " ", s)
    rep = {"STREET": "ST", "AVENUE": "AVE", "ROAD": "RD", "DRIVE": "DR", "SUITE": "STE", "BOULEVARD": "BLVD",
           "PARKWAY": "PKWY", "NORTH": "N", "SOUTH": "S", "EAST": "E", "WEST": "W", "LANE": "LN",
           "COURT": "CT", "PLACE": "PL", "HIGHWAY": "HWY", "CIRCLE": "CIR", "FLOOR": "FL"}
    t = [rep.get(x, x) for x in s.split()]
    # drop the suite / floor part: offices of one building
    for k, x in enumerate(t):
        if x in ("STE", "FL", "RM", "UNIT", "BLDG", "APT", "#"):
            t = t[:k]
            break
    return " ".join(t)

def cd_of(st, v):
    v = v.strip().upper()
    if not v:
        return None
    m = re.match(r"^([A-Z]{2})-?(\d+)$", v)
    if m:
        return "%s-%02d" % (m.group(1), int(m.group(2)))
    if v.isdigit() and st:
        return "%s-%02d" % (st.upper(), int(v))
    return None

recs, key2i = [], {}
def F(i):
    return recs[i][1]

for fi, fn in enumerate(FILES):
    for row in csv.DictReader(open(f"{d}/{fn}", encoding="utf-8", errors="replace", newline="")):
        for p in PFX:
            name = row.get(p + "name", "")
            if not name:
                continue
            city, st = row.get(p + "city_name", ""), row.get(p + "state_code", "")
            z = row.get(p + "zip_4_code", row.get(p + "zip_code", "")) or ""
            addr = row.get(p + "address_line_1", "") or ""
            duns = row.get(p + "duns", "") or ""
            try:
                dn = int(duns) if duns else 0
            except ValueError:
                dn = int(float(duns))
            duns = "%09d" % dn if dn > 0 else ""
            uei = row.get(p + "uei", "") or ""
            if not duns and not uei:
                continue
            k = (name, city, st, z[:5], addr, duns, uei)
            if k not in key2i:
                key2i[k] = len(recs)
                recs.append((k, collections.defaultdict(set)))
            f = recs[key2i[k]][1]
            f["_file"].add(fi)
            add = lambda fld, v: v and f[fld].add(v)
            add("street", naddr(addr))
            add("street+zip", naddr(addr) + "|" + z[:5] if addr else "")
            if p == "recipient_":
                add("parent", nname(row.get("recipient_parent_name", "")))
                add("dba", nname(row.get("recipient_doing_business_as_name", "")))
                add("phone", re.sub(r"\D", "", row.get("recipient_phone_number", ""))[-10:])
                add("fax", re.sub(r"\D", "", row.get("recipient_fax_number", ""))[-10:])
                add("country", row.get("recipient_country_code", ""))
                add("cd", cd_of(st, row.get("recipient_congressional_district", "") or
                                row.get("prime_award_summary_recipient_cd_original", "")))
                add("naics", row.get("naics_code", ""))
                add("psc", row.get("product_or_service_code", ""))
                add("office", row.get("awarding_office_code", ""))
                fy = row.get("fiscal_year") or row.get("award_latest_action_date_fiscal_year", "")
                add("year", fy)
                add("size", row.get("contracting_officers_determination_of_business_size_code", ""))
                add("flags", ",".join(fl for c, fl in FLAGS if row.get(c, "") == "t") or "none")
            else:
                q = "subawardee_" if p == "subawardee_" else "prime_awardee_"
                add("parent", nname(row.get(q + "parent_name", "")))
                add("dba", nname(row.get(q + "dba_name", "")))
                add("country", row.get(q + "country_code", ""))
                add("cd", cd_of(st, row.get("subaward_recipient_cd_original", "") if p == "subawardee_"
                                else row.get("prime_award_summary_recipient_cd_original", "")))
                add("naics", row.get("prime_award_naics_code", ""))
                add("office", row.get("prime_award_awarding_office_code", ""))
                add("year", row.get("subaward_action_date_fiscal_year", "") if p == "subawardee_"
                    else row.get("prime_award_latest_action_date_fiscal_year", ""))
                bt = (row.get(q + "business_types", "") or "").upper().replace("-", " ")
                if bt:
                    add("flags", ",".join(fl for c, fl in FLAGS if fl in bt) or "none")
                if p == "subawardee_":
                    for o in range(1, 6):
                        add("officer", " ".join(row.get(f"subawardee_highly_compensated_officer_{o}_name", "").upper().split()))

rows = [l.rstrip("\n").split("\t") for l in open(dump)]
assert len(rows) == len(recs), (len(rows), len(recs))
pred = [r[1] for r in rows]
truth = [r[2] for r in rows]
# own name (normalized) and own name among the parent names: a parent name
# equal to the record's own name says nothing about a second record
own = [nname(k[0]) for k, _ in recs]
for i in range(len(recs)):
    F(i)["parent_other"] = {v for v in F(i)["parent"] if v != own[i]}
    F(i)["name_or_dba"] = {own[i]} | F(i)["dba"]
    F(i)["name_or_parent"] = {own[i]} | F(i)["parent"]
    ys = sorted(int(y) for y in F(i)["year"] if y.isdigit())
    F(i)["_years"] = ys

def words(nm):
    t = nm.split()
    w = set(x for x in t if x not in ("of", "the", "and", "for"))
    w |= {t[k] + t[k + 1] for k in range(len(t) - 1)}
    w.add("".join(t))
    if len(t) > 1:
        w.add("".join(x[0] for x in t))
    return w
W = [words(r[3]) for r in rows]

FIELDS = ["street", "street+zip", "cd", "phone", "fax", "parent", "parent_other", "dba", "name_or_dba",
          "name_or_parent", "country", "naics", "psc", "office", "flags", "size", "year", "officer"]

def cmp(i, j, fld):
    if "|" in fld:   # several fields: agree if any agrees, else disagree if any does
        cs = [cmp(i, j, x) for x in fld.split("|")]
        return "agree" if "agree" in cs else "dis" if "dis" in cs else "unk"
    a, b = F(i)[fld], F(j)[fld]
    if not a or not b:
        return "unk"
    return "agree" if a & b else "dis"

def years_cmp(i, j):
    a, b = F(i)["_years"], F(j)["_years"]
    if not a or not b:
        return "unk"
    gap = max(a[0], b[0]) - min(a[-1], b[-1])
    return "agree" if gap <= 0 else "dis" if gap > 3 else "near"

def cmpx(i, j, fld):
    return years_cmp(i, j) if fld == "year_overlap" else cmp(i, j, fld)

n = len(recs)
cls = collections.defaultdict(list)
for i, j in itertools.combinations(range(n), 2):
    sp, st = pred[i] == pred[j], truth[i] == truth[j]
    if sp and st:
        cls["TP"].append((i, j))
    elif sp:
        cls["FP"].append((i, j))
    elif st:
        cls["FN"].append((i, j))
    elif W[i] & W[j]:
        cls["TNw"].append((i, j))   # left apart, names share a word
print(f"records {n}; pairs: TP {len(cls['TP'])} FP {len(cls['FP'])} FN {len(cls['FN'])} "
      f"TN sharing a name word {len(cls['TNw'])}")
print("field | FP: dis (fixes) / agree / unk | FN: agree (fixes) / dis / unk | TP: dis (breaks) / agree / unk "
      "| TNw: agree (risks) / dis / unk | m(agree), u(agree) over word-sharing pairs")
for fld in FIELDS + ["year_overlap"]:
    out = []
    for c in ("FP", "FN", "TP", "TNw"):
        cnt = collections.Counter(years_cmp(i, j) if fld == "year_overlap" else cmp(i, j, fld) for i, j in cls[c])
        out.append(cnt)
    fp, fn, tp, tn = out
    tw = [p for p in cls["TP"] + cls["FN"] if W[p[0]] & W[p[1]]]
    fw = cls["FP"] + cls["TNw"]
    cf = (lambda p: years_cmp(*p)) if fld == "year_overlap" else (lambda p: cmp(p[0], p[1], fld))
    m = sum(cf(p) == "agree" for p in tw) / max(1, sum(cf(p) in ("agree", "dis") for p in tw))
    u = sum(cf(p) == "agree" for p in fw) / max(1, sum(cf(p) in ("agree", "dis") for p in fw))
    print(f"| {fld} | {fp['dis']} / {fp['agree']} / {fp['unk'] + fp['near']} | {fn['agree']} / {fn['dis']} / "
          f"{fn['unk'] + fn['near']} | {tp['dis']} / {tp['agree']} / {tp['unk'] + tp['near']} | "
          f"{tn['agree']} / {tn['dis']} / {tn['unk'] + tn['near']} | {m:.3f}, {u:.3f} |")

# Simulation: the matcher's decision kept, except that a field vetoes a
# merged pair it disagrees on (cut, then clusters re-formed from the pairs
# kept), and joins a pair left apart whose names share a word when it
# agrees. Pairs are then closed transitively, as the matcher's clusters are.
def pairs_of(lab):
    c = collections.Counter(lab)
    return sum(k * (k - 1) // 2 for k in c.values())

def f1(lab):
    both = pairs_of(list(zip(lab, truth)))
    po, pt = pairs_of(lab), pairs_of(truth)
    P, R = both / po, both / pt
    return P, R, 2 * P * R / (P + R)

class UF:
    def __init__(self, k):
        self.p = list(range(k))
    def find(self, x):
        p = self.p
        while p[x] != x:
            p[x] = p[p[x]]
            x = p[x]
        return x
    def union(self, a, b):
        self.p[self.find(a)] = self.find(b)
    def labels(self):
        return [self.find(x) for x in range(len(self.p))]

def simulate(fld, veto, join):
    uf = UF(n)
    cf = lambda i, j: cmpx(i, j, fld)
    for i, j in cls["TP"] + cls["FP"]:
        if veto and cf(i, j) == "dis":
            continue
        uf.union(i, j)
    if join:
        for i, j in cls["FN"] + cls["TNw"]:
            if cf(i, j) == "agree":
                uf.union(i, j)
    return f1(uf.labels())

P, R, F1 = f1(pred)
print(f"\nmatcher: P {P:.4f} R {R:.4f} F1 {F1:.4f}")
print("field | veto only (P R F1) | join only | both")
for fld in FIELDS + ["year_overlap"]:
    a, b, c = simulate(fld, 1, 0), simulate(fld, 0, 1), simulate(fld, 1, 1)
    print(f"| {fld} | {a[0]:.4f} {a[1]:.4f} {a[2]:.4f} | {b[0]:.4f} {b[1]:.4f} {b[2]:.4f} | "
          f"{c[0]:.4f} {c[1]:.4f} {c[2]:.4f} |")

# The ceiling of ceiling.py, with one more field. The oracle still knows the
# truth of every pair whose names share a word, except the two kinds no rule
# on names and places can settle: one name at one place (joined by any such
# matcher) and one name in two states (31 pairs one company, 26 two). With
# field X a matcher can settle those by X: joined when X agrees, apart when
# it disagrees, as without X when X is unknown (one place: joined; two
# states: all joined, or none, the better of the two). Then, optionally, X
# also joins pairs whose names share no word when it agrees (a rule, so the
# false ones it joins count too).
def same_place(i, j):
    a, b = rows[i], rows[j]
    return a[3] == b[3] and ((a[6] == b[6] and a[6]) or (a[4] == b[4] and a[5] == b[5]))

ident, apart2, share_true, noword = [], [], [], collections.defaultdict(list)
AGREE_FIELDS = ["street", "street+zip", "phone", "fax", "parent", "parent_other", "name_or_dba",
                "name_or_parent", "officer", "cd", "phone|fax", "phone|fax|street"]
for i, j in itertools.combinations(range(n), 2):
    a, b = rows[i], rows[j]
    if same_place(i, j):
        ident.append((i, j))
    elif a[3] == b[3] and a[5] != b[5]:
        apart2.append((i, j))
    elif W[i] & W[j]:
        if truth[i] == truth[j]:
            share_true.append((i, j))
    else:
        for fld in AGREE_FIELDS:
            if cmp(i, j, fld) == "agree":
                noword[fld].append((i, j))

def ceiling(fld, mode, nowordjoin, useident=1):
    uf = UF(n)
    u = uf.union
    for i, j in share_true:
        u(i, j)
    for i, j in ident:
        if fld is None or not useident or cmpx(i, j, fld) != "dis":
            u(i, j)
    for i, j in apart2:
        c = cmpx(i, j, fld) if fld else "unk"
        if c == "agree" or (c == "unk" and mode == "B"):
            u(i, j)
    if nowordjoin and fld:
        for i, j in noword[fld]:
            u(i, j)
    return f1(uf.labels())

print(f"\npairs of one name at one place {len(ident)} ({sum(truth[i] != truth[j] for i, j in ident)} two truths), "
      f"one name in two states {len(apart2)} ({sum(truth[i] == truth[j] for i, j in apart2)} one truth)")
print("ceiling with field X | one name, one place: X dis splits (of the false/true) | two states: "
      "X agree joins (true/false), X dis splits (false/true) | F1 (unknown two-states: all/none) | "
      "F1, X used on the two-states pairs only | "
      "+ no-word pairs joined when X agrees (true/false): F1")
for fld in [None] + AGREE_FIELDS + ["naics", "psc", "office", "flags", "size", "year_overlap"]:
    b, c = ceiling(fld, "B", 0), ceiling(fld, "C", 0)
    best = max(b[2], c[2])
    if fld:
        idf = sum(cmpx(i, j, fld) == "dis" and truth[i] != truth[j] for i, j in ident)
        idt = sum(cmpx(i, j, fld) == "dis" and truth[i] == truth[j] for i, j in ident)
        at = sum(cmpx(i, j, fld) == "agree" and truth[i] == truth[j] for i, j in apart2)
        af = sum(cmpx(i, j, fld) == "agree" and truth[i] != truth[j] for i, j in apart2)
        dfa = sum(cmpx(i, j, fld) == "dis" and truth[i] != truth[j] for i, j in apart2)
        dtr = sum(cmpx(i, j, fld) == "dis" and truth[i] == truth[j] for i, j in apart2)
        nt = sum(truth[i] == truth[j] for i, j in noword[fld])
        nf_ = len(noword[fld]) - nt
        d2 = max(ceiling(fld, "B", 1)[2], ceiling(fld, "C", 1)[2])
        nw = f"{nt} / {nf_}: {d2:.4f}" if fld in AGREE_FIELDS else "(not a joining field)"
        o2 = max(ceiling(fld, "B", 0, 0)[2], ceiling(fld, "C", 0, 0)[2])
        print(f"| {fld} | {idf} / {idt} | {at} / {af}, {dfa} / {dtr} | {b[2]:.4f} / {c[2]:.4f} | "
              f"{o2:.4f} | {nw} |")
    else:
        print(f"| (names and places only) | | | {b[2]:.4f} / {c[2]:.4f} | | |")

# Several fields at once on the two-states pairs, and the bound: those 57
# pairs settled by their truth (ceiling.py's oracle).
for fld in ("fax|office", "fax|naics", "phone|fax|naics|office"):
    print(f"two states settled by {fld}: F1 {max(ceiling(fld, 'B', 0, 0)[2], ceiling(fld, 'C', 0, 0)[2]):.4f}")
uf = UF(n)
for i, j in share_true + ident + [p for p in apart2 if truth[p[0]] == truth[p[1]]]:
    uf.union(i, j)
print("two states settled by their truth: P %.4f R %.4f F1 %.4f" % f1(uf.labels()))
