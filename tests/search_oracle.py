#!/usr/bin/env python3
"""The independent route for tests/e2e/search_index.sh: what `behind search`
must answer for each query, computed by Python over the store with sqlite3,
without the search index's own code.

  search_oracle.py BEHIND STORE BROAD QUERY-FILE

Names are cut and folded here (NFD, combining marks dropped, lower case,
runs of letters and digits), postings of every prefix counted, the broad
keys and each key's clusters ranked (whole word first, records, rowid);
then for every query the route search.c documents is taken (the full-text
counts come from SQLite, the only thing shared) and its answer built:
narrow = the full-text query as it was before the index (SQL below, run
here), filtered = the names holding every word, ranked by the relevance
of the complete words, broad = the rarest broad key's clusters checked on
their names. Each answer is compared with `behind search --json` (ids and
records, in order). Prints one line per mismatch and a summary; exit 1 on
any mismatch.
"""
import json
import re
import sqlite3
import subprocess
import sys
import unicodedata

PREFIX_MAX, NARROW_MAX, FILTER_MAX, TOP, LIMIT = 10000, 500, 1000, 200, 10

OLD_SQL = """WITH hits AS (SELECT coalesce((SELECT canon FROM cluster WHERE entity = st.entity),
 st.entity) AS c, f.rank AS r, st.n AS n FROM name_fts f JOIN statement st ON st.rid = f.rowid
 WHERE name_fts MATCH ?1) SELECT e.id, sum(h.n) FROM hits h JOIN entity e ON e.rid = h.c
 GROUP BY h.c ORDER BY min(h.r) + 0.0 - (sum(h.n) > 100) * 0.5, sum(h.n) DESC LIMIT ?2"""


def fold(s):
    s = unicodedata.normalize("NFD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


def tokens(s):
    out, cur = [], []
    for c in fold(s):
        if unicodedata.category(c)[0] in "LN" or unicodedata.category(c) == "Co":
            cur.append(c)
        elif cur:
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    return out


def words_of(text):
    """The query's words as bh_fts_text cuts them (ASCII separators)."""
    return [w for w in re.split(r"[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+", text) if w]


def fts_of(ws, prefix):
    return " ".join('"%s"' % w for w in ws) + ("*" if prefix else "")


def main():
    behind, store, broad, qfile = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    db = sqlite3.connect("file:%s?mode=ro" % store, uri=True)
    names = db.execute(
        "SELECT coalesce((SELECT canon FROM cluster WHERE entity = st.entity), st.entity),"
        " st.rid, st.n, st.value FROM statement st WHERE st.prop = 'name'").fetchall()
    toks = {rid: tokens(v) for _, rid, _, v in names}

    # postings of every prefix: names x distinct words under it
    postings = {}
    for _, rid, _, _ in names:
        for t in set(toks[rid]):
            for i in range(1, len(t) + 1):
                postings[t[:i]] = postings.get(t[:i], 0) + 1
    keys = {p: n for p, n in postings.items() if n > broad}
    got_keys = dict(db.execute("SELECT key, postings FROM search_key"))
    bad = 0
    if got_keys != keys:
        diff = set(got_keys.items()) ^ set(keys.items())
        print("search_key differs: %d entries, e.g. %s" % (len(diff), sorted(diff)[:5]))
        bad += 1

    # each key's clusters: whole word first, then records, then rowid
    per = {}
    for canon, rid, n, _ in names:
        for k in {t[:i] for t in toks[rid] for i in range(1, len(t) + 1)} & keys.keys():
            e = per.setdefault(k, {}).setdefault(canon, [0, 0])
            e[1] += n
            if k in toks[rid]:
                e[0] = 1
    top = {k: sorted(v, key=lambda c: (-v[c][0], -v[c][1], c))[:TOP] for k, v in per.items()}
    members = {}
    for canon, rid, n, v in names:
        members.setdefault(canon, []).append((rid, n))
    ids = dict(db.execute("SELECT rid, id FROM entity"))

    def holds(rid, ws):
        t = toks[rid]
        return all(w in t for w in ws[:-1]) and any(x.startswith(ws[-1]) for x in t)

    def count(fq, cap):
        return db.execute("SELECT count(*) FROM (SELECT 1 FROM name_fts WHERE name_fts MATCH ?"
                          " LIMIT ?)", (fq, cap + 1)).fetchone()[0]

    routes = {}
    queries = [l.rstrip("\n") for l in open(qfile, encoding="utf-8") if l.strip()]
    for q in queries:
        ws = [fold(w) for w in words_of(q)]
        fq = fts_of(ws, True)
        np = keys.get(ws[-1], 0)
        route = "narrow"
        rare = broad <= NARROW_MAX and any(w not in keys for w in ws[:-1])
        if np and len(ws) > 1 and np <= PREFIX_MAX and (rare or count(fq, NARROW_MAX) <= NARROW_MAX):
            route = "narrow"
        elif np and len(ws) > 1 and count(fts_of(ws[:-1], False), FILTER_MAX) <= FILTER_MAX:
            route = "filtered"
        elif np:
            route = "broad"
        if any(len(tokens(w)) != 1 for w in words_of(q)):
            route = "narrow"
        routes[route] = routes.get(route, 0) + 1
        if route == "narrow":
            want = [(i, n) for i, n in db.execute(OLD_SQL, (fq, LIMIT))]
        elif route == "filtered":
            rank = dict(db.execute("SELECT rowid, rank FROM name_fts WHERE name_fts MATCH ?",
                                   (fts_of(ws[:-1], False),)))
            hits = {}
            for canon, rid, n, _ in names:
                if rid in rank and holds(rid, ws):
                    h = hits.setdefault(canon, [rank[rid], 0])
                    h[0] = min(h[0], rank[rid])
                    h[1] += n
            order = sorted(hits, key=lambda c: (hits[c][0] - (hits[c][1] > 100) * 0.5,
                                                -hits[c][1], c))
            want = [(ids[c], hits[c][1]) for c in order[:LIMIT]]
        else:
            key = ws[-1]
            for w in ws[:-1]:
                if keys.get(w, 0) and keys[w] < keys[key]:
                    key = w
            want = []
            for c in top.get(key, []):
                n = sum(m for rid, m in members[c] if holds(rid, ws))
                if n:
                    want.append((ids[c], n))
                if len(want) == LIMIT:
                    break
        out = subprocess.run([behind, "--db", store, "search", "--json", "--limit", str(LIMIT), q],
                             capture_output=True, check=False)
        got = [(e["id"], e["records"]) for e in json.loads(out.stdout)["entities"]]
        if got != want:
            bad += 1
            print("%s (%s): got %s, want %s" % (q, route, got[:4], want[:4]))
    print("%d queries (%s), %d broad keys, %d mismatches" % (
        len(queries), ", ".join("%s %d" % r for r in sorted(routes.items())), len(keys), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
