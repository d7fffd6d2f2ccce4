# Upper bound for any matcher that sees only (name, city, state, zip):
# an oracle that knows the truth of every pair whose names share a word,
# but cannot split mentions identical in name and place, nor join true
# pairs whose names share no word (nor through others).
import sys, collections, itertools
rows = [l.rstrip('\n').split('\t') for l in open(sys.argv[1])]
rec = [dict(i=int(r[0]), pred=r[1], truth=r[2], name=r[3], city=r[4], state=r[5], zip=r[6]) for r in rows]
n = len(rec)
def words(nm):
    t = nm.split()
    w = set(x for x in t if x not in ('of', 'the', 'and', 'for'))
    w |= {t[k] + t[k + 1] for k in range(len(t) - 1)}   # "l 3" ~ "l3"
    w.add(''.join(t))                                    # "m v m" ~ "mvm"
    if len(t) > 1: w.add(''.join(x[0] for x in t))       # acronym
    return w
W = [words(r['name']) for r in rec]
par = list(range(n))
def find(x):
    while par[x] != x:
        par[x] = par[par[x]]; x = par[x]
    return x
def union(a, b): par[find(a)] = find(b)
forced, unreach = [], []
for a, b in itertools.combinations(range(n), 2):
    ra, rb = rec[a], rec[b]
    same = ra['truth'] == rb['truth']
    share = bool(W[a] & W[b])
    ident = ra['name'] == rb['name'] and (ra['zip'] == rb['zip'] and ra['zip'] or (ra['city'] == rb['city'] and ra['state'] == rb['state']))
    if ident:
        union(a, b)
        if not same: forced.append((a, b))
    elif same and share:
        union(a, b)
    elif same:
        unreach.append((a, b))
def pairs(lab):
    c = collections.Counter(lab)
    return sum(k * (k - 1) // 2 for k in c.values())
orc = [find(i) for i in range(n)]
tr = [r['truth'] for r in rec]
both = pairs(list(zip(orc, tr)))
po, pt = pairs(orc), pairs(tr)
P, R = both / po, both / pt
print(f"records {n} true pairs {pt}; oracle pairs {po}, correct {both}: P {P:.4f} R {R:.4f} F1 {2*P*R/(P+R):.4f}")
print(f"forced false merges (same name and place, two truths): {len(forced)} pairs")
for a, b in forced: print('  FORCED', rec[a]['name'], '|', rec[a]['city'], rec[a]['zip'], '~', rec[b]['name'], '|', rec[b]['city'], rec[b]['zip'])
# true pairs the oracle cannot join even transitively
miss = [(a, b) for a, b in unreach if orc[a] != orc[b]]
print(f"true pairs whose names share no word (not joined through others either): {len(miss)}")
for a, b in miss: print('  NOWORD', rec[a]['name'], '~', rec[b]['name'])
# The same oracle when it cannot tell, for one name in two states, the
# company with two offices from two companies: it must join all such
# pairs (B) or none (C).
def oracle(mode):
    p2 = list(range(n))
    def f2(x):
        while p2[x] != x:
            p2[x] = p2[p2[x]]; x = p2[x]
        return x
    for a, b in itertools.combinations(range(n), 2):
        ra, rb = rec[a], rec[b]
        same = ra['truth'] == rb['truth']
        ident = ra['name'] == rb['name'] and (ra['zip'] == rb['zip'] and ra['zip'] or (ra['city'] == rb['city'] and ra['state'] == rb['state']))
        apart = ra['name'] == rb['name'] and ra['state'] != rb['state']
        if ident or (apart and mode == 'B') or (same and bool(W[a] & W[b]) and not (apart and mode == 'C')):
            p2[f2(a)] = f2(b)
    lab = [f2(i) for i in range(n)]
    bo, po = pairs(list(zip(lab, tr))), pairs(lab)
    P, R = bo / po, bo / pt
    return P, R, 2 * P * R / (P + R), po, bo
for mode, what in (('B', 'joins every one-name-two-states pair'), ('C', 'joins none')):
    P, R, F, po, bo = oracle(mode)
    print(f"oracle that {what}: pairs {po}, correct {bo}: P {P:.4f} R {R:.4f} F1 {F:.4f}")
st = collections.Counter()
for a, b in itertools.combinations(range(n), 2):
    ra, rb = rec[a], rec[b]
    if ra['name'] == rb['name'] and ra['state'] != rb['state']:
        st[ra['truth'] == rb['truth']] += 1
print(f"one name in two states: {st[True]} pairs one company, {st[False]} pairs two")
