/* The influence section of `behind show`: for one entity (a company, taken
 * with every entity resolution put in its cluster), its political action
 * committees (via the FEC's connected organization) and what they gave to
 * whom, its lobbying (LD-2 spend by year, agencies contacted, lobbyists who
 * held covered government positions), LD-203 contributions reported by it,
 * and people who held positions both at it and at a public body.
 *
 * Totals follow the counting rules of docs/sources.md (views fec_gift and
 * lda_spend). Reads only; the store is borrowed. */
#ifndef BH_INFLUENCE_H
#define BH_INFLUENCE_H

#include "store/store.h"

#include <stdint.h>
#include <stdio.h>

/* Prints the section for entity `rid` to `out`: text, or with `json` one
 * JSON object {"pacs":[...],"lobbying":{...},"ld203":[...],"revolving_door":[...]}.
 * Each list holds at most 25 rows. Returns 0, or a negative code with the
 * message set. Called by `behind show`. */
int bh_influence_print(bh_store *s, int64_t rid, int json, FILE *out);

/* Stores the section's rows for every cluster with many LDA rows (tables
 * influence_top, influence_canon), which bh_influence_print reads while
 * the precomputed answers are fresh. Called by bh_query_precompute inside
 * its transaction. Returns 0 or a negative code with the message set. */
int bh_influence_precompute(bh_store *s);

#endif
