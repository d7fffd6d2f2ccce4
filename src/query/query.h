/* Answers read from the store, shared by the CLI, the report and the
 * server. They never change data. Each writes either readable text or JSON
 * to `out` (a FILE* the caller owns; open_memstream() gives a buffer).
 *
 * Entities are answered through their clusters: an entity id names its
 * canonical entity and every member of that cluster. */
#ifndef BH_QUERY_H
#define BH_QUERY_H

#include "store/store.h"

#include <stdint.h>
#include <stdio.h>

/* Finds the entity a user means by `ref`: an exact id ("uei:L997DB4PEJL8",
 * "duns:069586055", "subagency:7012"), a bare agency code ("7012"), a bare
 * UEI or DUNS, or else the best full-text match of a name (preferring
 * `kind` when not NULL, e.g. "public_body"). *rid is the canonical entity.
 * BH_ENOTFOUND with a message when nothing matches. */
int bh_query_find(int64_t *rid, bh_store *s, const char *ref, const char *kind);

/* `behind search`: entities and awards matching `text`, ranked. */
int bh_query_search(bh_store *s, const char *text, int limit, int json, FILE *out);

/* The index that keeps searches for broad words cheap (search_index.c),
 * built by `behind resolve` and `behind search --reindex`: the words and
 * prefixes of names with more than `broad` postings in the full-text index,
 * each with its `top` most-named clusters. Its own transaction. */
enum { BH_SEARCH_BROAD = 500, BH_SEARCH_TOP = 200 };
int bh_search_index_build(bh_store *s, int broad, int top);
/* The same, except that an index built with these thresholds from the same
 * sources and clusters (a resolve that changed nothing) is kept as it is
 * and only marked fresh for the new resolve run. Called by `behind resolve`. */
int bh_search_index_refresh(bh_store *s, int broad, int top);

/* `behind show`: an entity's names, identifiers, parents and children,
 * money by agency and fiscal year, largest awards with their sources. */
int bh_query_show(bh_store *s, int64_t rid, int json, FILE *out);

/* `behind top`: an agency's largest recipients rolled up to the parent
 * company, by fiscal year; from_fy/to_fy 0 = unbounded. */
int bh_query_top(bh_store *s, int64_t agency, int from_fy, int to_fy, int limit, int json,
		 FILE *out);

/* `behind who`: the dossier of an agency (and its sub-agencies and
 * offices): money by year, top recipients rolled up to parents with their
 * largest awards, what was bought, subcontracts, hidden vendors, and the
 * influence records around the top recipients. from_fy/to_fy 0 = all. */
int bh_query_who(bh_store *s, int64_t agency, int from_fy, int to_fy, int json, FILE *out);

/* The same dossier as a self-contained HTML page (no script, no network),
 * with SVG charts and a sources section. */
int bh_query_who_html(bh_store *s, int64_t agency, int from_fy, int to_fy, FILE *out);

/* Rebuilds the answers precomputed from the store (src/query/precompute.c:
 * the cluster graph that `path` searches, the obligations per agency that
 * `who` sums) and records what they were built from, in one transaction.
 * `behind resolve` calls it after writing the clusters; readers use them
 * only while nothing they were built from has changed. */
int bh_query_precompute(bh_store *s);

/* The fiscal year (October-September) of an ISO date, 0 if none. */
int bh_fiscal_year(const char *iso);

/* The usaspending.gov page of an award key (into out, >= 256 bytes). */
const char *bh_award_url(char *out, size_t cap, const char *award_key);

#endif
