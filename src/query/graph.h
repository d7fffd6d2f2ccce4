/* The graph answers: `behind path` (the shortest chains of links between two
 * entities, path.c), `behind export` (the graph or a neighbourhood as GEXF,
 * GraphML, FollowTheMoney JSON lines or CSV, export.c) and `behind cite`
 * (evidence packs behind one figure, cite.c).
 *
 * The graph's nodes are clusters (an entity and every entity resolved as
 * it, named by the canonical entity's rid); its edges are the rows of
 * `link`, read in either direction, each keeping its kind, direction, dates,
 * amount, record count, source file and first line.
 *
 * Ownership: results (bh_paths) are owned by the caller and released with
 * their free function; output goes to a FILE* or folder the caller names. */
#ifndef BH_GRAPH_H
#define BH_GRAPH_H

#include "store/store.h"

#include <stdint.h>
#include <stdio.h>

/* ---- paths ------------------------------------------------------------ */

#define BH_PATH_MAX_HOPS 8      /* the most --max-hops accepts */
#define BH_PATH_DEFAULT_HOPS 4
#define BH_PATH_MAX_FOUND 20000 /* paths a search keeps (its limit), at most */

typedef struct {
	int64_t *nodes; /* hops + 1 canonical rids, from a to b */
	int hops;
	int64_t weakest; /* link rows on the path's thinnest hop */
	int64_t links;   /* link rows on all hops */
} bh_path;

typedef struct {
	bh_path *v;
	size_t n;
	int shortest;  /* hops of the shortest path, 0 if none */
	int truncated; /* 1 when a cap stopped the enumeration early */
} bh_paths;

/* The simple paths from cluster a to cluster b with at most max_hops hops,
 * the shortest ones and those one hop longer, ranked: fewer hops first, then
 * the path whose thinnest hop has more link rows, then more link rows in
 * all, then by rids. At most `limit` are kept (0: 5). out->n == 0 when no
 * path exists within max_hops. Bidirectional breadth-first search over
 * `link` (through its src/dst indexes), capped in nodes and edges. */
int bh_graph_paths(bh_paths *out, bh_store *s, int64_t a, int64_t b, int max_hops, int limit);
void bh_paths_free(bh_paths *p);

/* `behind path`: bh_graph_paths printed with every hop's links (kind,
 * direction, dates, amount, records, source file and line, official URL),
 * as text or JSON. */
int bh_graph_path_print(bh_store *s, int64_t a, int64_t b, int max_hops, int limit, int json,
			FILE *out);

/* ---- export ----------------------------------------------------------- */

enum { BH_EXPORT_GEXF, BH_EXPORT_GRAPHML, BH_EXPORT_FTM, BH_EXPORT_CSV };

/* Parses "gexf", "graphml", "ftm", "csv"; -1 if none. */
int bh_export_format(const char *name);

/* `behind export`: the whole graph (around == 0) or the clusters within
 * `depth` hops of cluster `around`, with every link between them. CSV
 * writes two tables, nodes then edges, to `out` unless `nodes_out` is not
 * NULL (then nodes go there and edges to `out`). */
int bh_graph_export(bh_store *s, int format, int64_t around, int depth, FILE *out,
		    FILE *nodes_out);

/* ---- evidence packs ------------------------------------------------------ */

/* `behind cite`: writes folder `dir` (created; must not hold a previous
 * pack's files under other names) with figure.json, query.sql, records.csv
 * and urls.txt for FIGURE-ID (grammar in docs/cite.md). */
int bh_graph_cite(bh_store *s, const char *figure, const char *dir);

/* The same pack into four streams the caller owns (the server's answer):
 * records.csv, urls.txt, query.sql and figure.json. Nothing is written
 * when the figure id is bad or unknown. */
int bh_graph_cite_write(bh_store *s, const char *figure, FILE *csv, FILE *urls, FILE *sql,
			FILE *fig);

/* ---- shared by path.c, export.c and cite.c ----------------------------- */

/* The official page of the record at (source_id, line) behind a link
 * between entities src and dst (usaspending.gov award page, FEC image,
 * Senate filing), into out; "" when the record has none. */
int bh_graph_record_url(char *out, size_t cap, bh_store *s, int64_t source_id, int64_t line,
			int64_t src, int64_t dst);

/* The clusters within `depth` hops of `around` into temp table
 * gx_node(rid INTEGER PRIMARY KEY). */
int bh_graph_ball(bh_store *s, int64_t around, int depth);

/* Creates folder `dir` unless it exists (its parent must). */
int bh_graph_mkdir(const char *dir);

/* Neutralises CSV formula injection and quotes: writes `v` as one CSV cell
 * (a leading = + - @ tab or CR gets an apostrophe before it). */
void bh_csv_cell(FILE *f, const char *v);

#endif
