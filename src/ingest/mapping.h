/* Mapping files (docs/mappings.md): a YAML file, written by hand, that says
 * how the rows of any delimited table become entities, statements and
 * links. This module reads and checks one mapping (bh_mapping_load: every
 * key, kind and template; errors name the mapping file and line), then
 * binds it to an input's header (bh_mapping_bind: every column name, with
 * the nearest real column suggested), and renders templates for a row. The
 * reader that streams rows through a bound mapping is fmt_mapping.c.
 *
 * Ownership: bh_mapping_load() returns a mapping the caller owns and frees
 * with bh_mapping_free(); every string inside it is owned by the mapping
 * and lives as long as it (the ingest context keeps pointers to link kinds
 * and property names until the input is finished). */
#ifndef BH_MAPPING_H
#define BH_MAPPING_H

#include "ingest/csv.h"

#include <stddef.h>
#include <stdint.h>

enum { BH_MAP_MAX_PARTS = 16, BH_MAP_MAX_ENTITIES = 16, BH_MAP_MAX_LINKS = 32,
       BH_MAP_MAX_PROPS = 32, BH_MAP_MAX_COLUMNS = 64, BH_MAP_MAX_NULLS = 16,
       BH_MAP_MAX_IDS = 8 };

/* Filters a template part may apply to its column's value. */
enum { BH_TF_NONE = 0, BH_TF_KEY, BH_TF_UPPER, BH_TF_LOWER, BH_TF_DUNS, BH_TF_URL };

/* A template: literal text and {column|filter} parts. A plain column name
 * (no braces) is a template of one column part. */
typedef struct {
	int line; /* in the mapping, 1-based; 0 when absent */
	int nparts;
	struct {
		char *lit;    /* literal text, or NULL for a column part */
		size_t litlen;
		char *column; /* column name as written */
		int filter;   /* BH_TF_* */
		int col_line;
		int idx;      /* cell index once bound */
	} parts[BH_MAP_MAX_PARTS];
} bh_tmpl;

enum { BH_COL_TEXT = 0, BH_COL_DATE, BH_COL_MONEY };

typedef struct {
	char *ref;    /* the name links use: from/to */
	int line;
	const char *kind; /* organization|public_body|person|committee|contract */
	int nid;      /* 0: "name:" ("person:" for people) + the name's key */
	bh_tmpl id[BH_MAP_MAX_IDS]; /* alternatives: the first that renders wins */
	bh_tmpl name;
	int required; /* an empty id rejects the row (default), else skips it */
	int nprops;
	struct {
		char *prop;
		bh_tmpl value;
	} props[BH_MAP_MAX_PROPS];
} bh_mentity;

typedef struct {
	int line;
	char *kind;    /* a known kind or the free label */
	int from, to;  /* indexes into entities */
	int date_col;  /* index into columns, or -1 */
	int amount_col;
} bh_mlink;

/* A column the mapping reads as a typed value: a value that does not parse
 * rejects its row. Links' date and amount columns are typed implicitly. */
typedef struct {
	char *name;
	int line;
	int type; /* BH_COL_* */
	int idx;  /* cell index once bound */
} bh_mcolumn;

typedef struct bh_mapping {
	char *path;
	char sha[65]; /* of the mapping file's bytes */
	char *name;   /* "name:" or the file's base name; stored per row */
	char delim;
	int header;   /* 1: the first row names the columns */
	int quoting;  /* 0: quotes are ordinary characters */
	int backslash; /* csv.escape: backslash: \" inside quotes is a quote */
	int date_order; /* BH_ORDER_* of value.h; -1: ISO only */
	char decimal; /* '.' or ',' */
	char *currency; /* stripped from amounts ("$" by default) */
	int nnull;
	char *nulls[BH_MAP_MAX_NULLS];
	bh_tmpl url;
	int ncol;
	bh_mcolumn cols[BH_MAP_MAX_COLUMNS];
	int nent;
	bh_mentity ents[BH_MAP_MAX_ENTITIES];
	int nlink;
	bh_mlink links[BH_MAP_MAX_LINKS];
} bh_mapping;

/* Reads and checks the mapping at `path`. Errors (BH_EFORMAT, message
 * "PATH:LINE: ...") for YAML syntax, unknown keys, kinds, filters, entity
 * names, bad values; the nearest valid word is suggested. */
int bh_mapping_load(bh_mapping **out, const char *path);

/* Resolves every column the mapping names against `header` (cell views of
 * the input's first row; NULL when the mapping says header: false and the
 * columns are numbered 1..ncells of `first`). `input` names the data file
 * in messages. BH_EFORMAT naming the mapping's line and the nearest real
 * column when one is missing. */
int bh_mapping_bind(bh_mapping *m, const bh_row *header, size_t ncells, const char *input);

/* The idempotence key of an input read through `m`: sha256 over the
 * input's hash and the mapping's, as 64 hex digits. */
void bh_mapping_source_key(const bh_mapping *m, const char input_sha[65], char out[65]);

/* Cell `idx` of `row`, trimmed, empty when a null marker; never NULL. */
const char *bh_mapping_cell(const bh_mapping *m, const bh_row *row, int idx, size_t *n);

/* Renders `t` for `row` into out (cap bytes, NUL-terminated). strict: the
 * value is empty when any column part is empty (ids, URLs); otherwise only
 * when all are. Returns the length, or BH_ETOOBIG past cap. */
int bh_mapping_render(const bh_mapping *m, const bh_tmpl *t, const bh_row *row, int strict,
		      char *out, size_t cap);

/* Levenshtein distance of two words, ASCII case folded, capped at 99. */
int bh_mapping_distance(const char *a, size_t an, const char *b, size_t bn);

void bh_mapping_free(bh_mapping *m);

#endif
