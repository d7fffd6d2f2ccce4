/* `behind resolve`, `judge`, `judgments` and `explain` over the store: the
 * matcher (resolve.h) applied to the entities ingest wrote, identifiers
 * first, then scored names, with human judgments on top; the result is the
 * core table `cluster`. Strings returned through callbacks are borrowed for
 * the call; nothing here keeps a pointer to the caller's data. */
#ifndef BH_RSTORE_H
#define BH_RSTORE_H

#include "store/store.h"

#include <stdint.h>
#include <stdio.h>

typedef struct {
	int full;         /* 1: re-estimate the model and rescore every pair */
	double threshold; /* match probability to unite by name (default 0.5) */
	FILE *progress;   /* stage messages, or NULL for quiet */
} bh_resolve_opts;

typedef struct {
	int incremental;
	int64_t entities, new_entities, records, candidates;
	int64_t id_merges, name_merges, judgment_merges, refused, clusters, multi_clusters;
	int64_t review; /* uncertain pairs kept in resolve_review */
	int64_t review_left; /* uncertain pairs of this run beyond REVIEW_MAX, not kept */
	double secs;
} bh_resolve_report;

void bh_resolve_opts_default(bh_resolve_opts *o);

/* Resolves the store's organizations, persons and committees and rewrites
 * `cluster`. Incremental unless o->full or no earlier run: entities added
 * since the last run are compared with all others under the saved model,
 * and earlier scored pairs are reused. */
int bh_resolve_store(bh_resolve_report *out, bh_store *s, const bh_resolve_opts *o);

/* Records a judgment ("merge", "split" or "unsure") on entities a and b
 * (text ids such as uei:..., or rowids), its rowid into *rid unless rid is
 * NULL. It takes effect at the next resolve and in every later one. */
int bh_judge_add(int64_t *rid, bh_store *s, const char *decision, const char *a, const char *b,
		 const char *who, const char *why);

typedef struct {
	int64_t rid;
	const char *a, *b, *decision, *who, *at, *why;
	const char *a_name, *b_name; /* "" when the entity is gone */
	int current; /* 1: the latest judgment on its pair */
} bh_judgment;

/* Calls fn for each judgment, oldest first (only current ones unless all). */
int bh_judgments_each(bh_store *s, int all, int (*fn)(const bh_judgment *j, void *payload),
		      void *payload);

/* Writes the judgments as `behind judgments --json` does: a JSON array of
 * {id, decision, a, a_name, b, b_name, who, at, why, current}, oldest first. */
int bh_judgments_json(FILE *out, bh_store *s, int all);
/* One judgment as such an object. */
void bh_judgment_json(FILE *out, const bh_judgment *j);

/* Writes why a and b are (or are not) one entity: identifiers they share,
 * judgments, then each field compared with its level and weight, and the
 * total, as text or JSON. */
int bh_explain_pair(FILE *out, bh_store *s, const char *a, const char *b, int json);

/* Resolves a user's reference (text id or rowid) to the entity rowid and
 * its text id (written into id, at most cap bytes). */
int bh_resolve_entity_ref(int64_t *rid, char *id, size_t cap, bh_store *s, const char *ref);

#endif
