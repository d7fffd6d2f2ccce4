/* Internals of `behind search` shared by search.c (the answer) and
 * search_index.c (the index of broad words it reads): the names' tokenizer
 * and the precomputed index. Tokens passed to callbacks are borrowed views,
 * valid only during the callback. */
#ifndef BH_SEARCHINT_H
#define BH_SEARCHINT_H

#include "query/queryInt.h"

#include <stddef.h>

/* The tokenizer of name_fts (FTS5 unicode61, remove_diacritics 2) taken
 * from the store's connection, so that a name is cut and folded exactly as
 * the full-text index cuts it. */
typedef struct bh_search_tok bh_search_tok;

int bh_search_tok_open(bh_search_tok **out, bh_store *s);
void bh_search_tok_close(bh_search_tok *t);

/* Calls fn for each token of text (folded: lower case, no diacritics);
 * stops at a non-zero return, which it returns. */
int bh_search_tok_each(bh_search_tok *t, const char *text, size_t len,
		       int (*fn)(const char *tok, size_t n, void *payload), void *payload);

/* *out = 1 when the index exists and describes the store as it is now
 * (same sources, same last resolve run and judgment), else 0; *broad: its
 * threshold (postings above which a word is broad). */
int bh_search_index_fresh(int *out, int *broad, bh_store *s);

#endif
