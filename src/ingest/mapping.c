/* Mapping files: reading one with libyaml's document API, checking every
 * key, kind, filter and reference before any row is read, binding its
 * column names to an input's header, and rendering its templates for a row
 * (see mapping.h; the format is documented in docs/mappings.md).
 *
 * Every error names the mapping file and the line of the offending node,
 * and suggests the nearest valid word (edit distance), because a mapping is
 * written by hand and a misspelt word is the common mistake. */
#include "ingest/mapping.h"
#include "ingest/value.h"
#include "resolve/resolve.h"
#include "util/err.h"

#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define MAX_MAPPING_BYTES (1 << 20)

static const char *const top_keys[] = {"name", "csv", "values", "columns", "url", "entities",
				       "links", NULL};
static const char *const csv_keys[] = {"delimiter", "header", "quoting", "escape", NULL};
static const char *const escapes[] = {"none", "backslash", NULL};
static const char *const value_keys[] = {"null", "dates", "decimal", "currency", NULL};
static const char *const entity_keys[] = {"kind", "id", "name", "properties", "required", NULL};
static const char *const link_keys[] = {"kind", "label", "from", "to", "date", "amount", NULL};
static const char *const entity_kinds[] = {"organization", "public_body", "person", "committee",
					   "contract", NULL};
static const char *const link_kinds[] = {"awarded", "subcontracted", "parent_of", "lobbied_for",
					 "lobbied", "contributed", "held_position", "operated_by",
					 "part_of", "lobbyist_at", "sponsors", NULL};
static const char *const col_types[] = {"text", "date", "money", NULL};
static const char *const date_orders[] = {"auto", "mdy", "dmy", "iso", NULL};
static const char *const filters[] = {"key", "upper", "lower", "duns", "url", NULL};
static const char *const bools[] = {"true", "false", "yes", "no", NULL};

/* ---- words ---------------------------------------------------------- */

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

int bh_mapping_distance(const char *a, size_t an, const char *b, size_t bn)
{
	char fa[64], fb[64];
	if (an > sizeof fa || bn > sizeof fb)
		return 99;
	for (size_t i = 0; i < an; i++)
		fa[i] = (char)lower((unsigned char)a[i]);
	for (size_t i = 0; i < bn; i++)
		fb[i] = (char)lower((unsigned char)b[i]);
	int d = bh_levenshtein(fa, an, fb, bn);
	return d > 99 ? 99 : d;
}

/* The word of `words` nearest to `w`. */
static const char *nearest(const char *w, const char *const *words)
{
	const char *best = words[0];
	int bd = 100;
	for (int i = 0; words[i]; i++) {
		int d = bh_mapping_distance(w, strlen(w), words[i], strlen(words[i]));
		if (d < bd) {
			bd = d;
			best = words[i];
		}
	}
	return best;
}

static int index_of(const char *w, const char *const *words)
{
	for (int i = 0; words[i]; i++)
		if (strcmp(w, words[i]) == 0)
			return i;
	return -1;
}

static void join(char *out, size_t cap, const char *const *words)
{
	size_t o = 0;
	out[0] = '\0';
	for (int i = 0; words[i] && o < cap; i++)
		o += (size_t)snprintf(out + o, cap - o, "%s%s", i ? ", " : "", words[i]);
}

/* ---- reading the YAML document ------------------------------------- */

typedef struct {
	bh_mapping *m;
	yaml_document_t *doc;
} reader;

static int errat(reader *r, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int errat(reader *r, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return bh_error_set(BH_EFORMAT, "%s:%d: %s", r->m->path,
			    n ? (int)n->start_mark.line + 1 : 1, msg);
}

static yaml_node_t *node(reader *r, int id)
{
	return yaml_document_get_node(r->doc, id);
}

static int line_of(const yaml_node_t *n)
{
	return (int)n->start_mark.line + 1;
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int want(reader *r, const yaml_node_t *n, yaml_node_type_t type, const char *what)
{
	static const char *const names[] = {"nothing", "a value", "a list", "a set of keys"};
	if (n->type == type)
		return 0;
	return errat(r, n, "%s must be %s", what, names[type]);
}

static int dupstr(char **out, const char *s)
{
	*out = strdup(s);
	return *out ? 0 : bh_error_set(BH_ENOMEM, "out of memory");
}

/* Checks that every key of mapping node `n` is one of `keys`. */
static int check_keys(reader *r, const yaml_node_t *n, const char *const *keys, const char *where)
{
	char known[256];
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(r, p->key);
		const char *s = scalar(k);
		if (!s)
			return errat(r, k, "a key in %s must be a word", where);
		if (index_of(s, keys) < 0) {
			join(known, sizeof known, keys);
			return errat(r, k, "unknown key '%s' in %s (did you mean '%s'? known: %s)", s,
				     where, nearest(s, keys), known);
		}
	}
	return 0;
}

/* The value node of `key` in mapping node `n`, or NULL. */
static yaml_node_t *get(reader *r, const yaml_node_t *n, const char *key)
{
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		const char *s = scalar(node(r, p->key));
		if (s && strcmp(s, key) == 0)
			return node(r, p->value);
	}
	return NULL;
}

/* Reads scalar `n` as one of `words` into *out (its index). */
static int pick(reader *r, const yaml_node_t *n, const char *const *words, const char *what,
		int *out)
{
	char known[256];
	int rc = want(r, n, YAML_SCALAR_NODE, what);
	if (rc < 0)
		return rc;
	const char *s = scalar(n);
	if ((*out = index_of(s, words)) >= 0)
		return 0;
	join(known, sizeof known, words);
	return errat(r, n, "unknown %s '%s' (did you mean '%s'? known: %s)", what, s,
		     nearest(s, words), known);
}

static int pick_bool(reader *r, const yaml_node_t *n, const char *what, int *out)
{
	int i, rc = pick(r, n, bools, what, &i);
	if (rc < 0)
		return rc;
	*out = i == 0 || i == 2;
	return 0;
}

/* ---- templates ----------------------------------------------------- */

/* Compiles the text of `n` into t. `plain_is_column`: a text without
 * braces names one column (names, properties); otherwise it is literal. */
static int compile(reader *r, const yaml_node_t *n, bh_tmpl *t, int plain_is_column,
		   const char *what)
{
	int rc = want(r, n, YAML_SCALAR_NODE, what);
	if (rc < 0)
		return rc;
	const char *s = scalar(n), *p = s;
	char lit[1024];
	size_t ll = 0;
	t->line = line_of(n);
	t->nparts = 0;
	if (!*s)
		return errat(r, n, "%s is empty", what);
	if (plain_is_column && !strchr(s, '{')) {
		t->nparts = 1;
		t->parts[0].col_line = t->line;
		return dupstr(&t->parts[0].column, s);
	}
	while (1) {
		int part = *p == '{' && p[1] != '{';
		if (*p && !part) {
			if ((*p == '{' || *p == '}') && p[1] == *p)
				p++;
			else if (*p == '}')
				return errat(r, n, "%s: '}' without '{' (write '}}' for a brace)", what);
			if (ll + 1 >= sizeof lit)
				return errat(r, n, "%s is too long", what);
			lit[ll++] = *p++;
			continue;
		}
		if (ll) {
			if (t->nparts == BH_MAP_MAX_PARTS)
				return errat(r, n, "%s has more than %d parts", what, BH_MAP_MAX_PARTS);
			if (!(t->parts[t->nparts].lit = malloc(ll + 1)))
				return bh_error_set(BH_ENOMEM, "out of memory");
			memcpy(t->parts[t->nparts].lit, lit, ll);
			t->parts[t->nparts].lit[ll] = '\0';
			t->parts[t->nparts++].litlen = ll;
			ll = 0;
		}
		if (!*p)
			break;
		const char *end = strchr(p, '}');
		if (!end)
			return errat(r, n, "%s: '{' is never closed in \"%s\"", what, s);
		const char *bar = memchr(p, '|', (size_t)(end - p));
		const char *ce = bar ? bar : end;
		if (ce == p + 1)
			return errat(r, n, "%s: empty column name in \"%s\"", what, s);
		if (t->nparts == BH_MAP_MAX_PARTS)
			return errat(r, n, "%s has more than %d parts", what, BH_MAP_MAX_PARTS);
		int f = BH_TF_NONE;
		if (bar) {
			char fname[32];
			snprintf(fname, sizeof fname, "%.*s", (int)(end - bar - 1), bar + 1);
			int i = index_of(fname, filters);
			if (i < 0) {
				char known[128];
				join(known, sizeof known, filters);
				return errat(r, n, "%s: unknown filter '%s' (did you mean '%s'? known: %s)",
					     what, fname, nearest(fname, filters), known);
			}
			f = i + 1;
		}
		if (!(t->parts[t->nparts].column = strndup(p + 1, (size_t)(ce - p - 1))))
			return bh_error_set(BH_ENOMEM, "out of memory");
		t->parts[t->nparts].filter = f;
		t->parts[t->nparts++].col_line = t->line;
		p = end + 1;
	}
	return 0;
}

static void tmpl_free(bh_tmpl *t)
{
	for (int i = 0; i < t->nparts; i++) {
		free(t->parts[i].lit);
		free(t->parts[i].column);
	}
	t->nparts = 0;
}

/* ---- sections ------------------------------------------------------ */

static int read_csv(reader *r, const yaml_node_t *n)
{
	bh_mapping *m = r->m;
	yaml_node_t *v;
	int rc;
	if ((rc = want(r, n, YAML_MAPPING_NODE, "csv")) < 0 ||
	    (rc = check_keys(r, n, csv_keys, "csv")) < 0)
		return rc;
	if ((v = get(r, n, "delimiter"))) {
		if ((rc = want(r, v, YAML_SCALAR_NODE, "csv.delimiter")) < 0)
			return rc;
		const char *s = scalar(v);
		if (strcmp(s, "tab") == 0 || strcmp(s, "\t") == 0)
			m->delim = '\t';
		else if (strlen(s) == 1 && s[0] != '"' && s[0] != '\n' && s[0] != '\r')
			m->delim = s[0];
		else
			return errat(r, v, "csv.delimiter must be one character or 'tab', not '%s'", s);
	}
	if ((v = get(r, n, "header")) && (rc = pick_bool(r, v, "csv.header", &m->header)) < 0)
		return rc;
	if ((v = get(r, n, "quoting")) && (rc = pick_bool(r, v, "csv.quoting", &m->quoting)) < 0)
		return rc;
	if ((v = get(r, n, "escape")) && (rc = pick(r, v, escapes, "csv.escape", &m->backslash)) < 0)
		return rc;
	return 0;
}

static int read_values(reader *r, const yaml_node_t *n)
{
	bh_mapping *m = r->m;
	yaml_node_t *v;
	int rc, i;
	if ((rc = want(r, n, YAML_MAPPING_NODE, "values")) < 0 ||
	    (rc = check_keys(r, n, value_keys, "values")) < 0)
		return rc;
	if ((v = get(r, n, "null"))) {
		if (v->type == YAML_SCALAR_NODE) {
			if ((rc = dupstr(&m->nulls[m->nnull++], scalar(v))) < 0)
				return rc;
		} else {
			if ((rc = want(r, v, YAML_SEQUENCE_NODE, "values.null")) < 0)
				return rc;
			for (yaml_node_item_t *it = v->data.sequence.items.start;
			     it < v->data.sequence.items.top; it++) {
				yaml_node_t *e = node(r, *it);
				if ((rc = want(r, e, YAML_SCALAR_NODE, "a null marker")) < 0)
					return rc;
				if (m->nnull == BH_MAP_MAX_NULLS)
					return errat(r, e, "more than %d null markers", BH_MAP_MAX_NULLS);
				if ((rc = dupstr(&m->nulls[m->nnull++], scalar(e))) < 0)
					return rc;
			}
		}
	}
	if ((v = get(r, n, "dates"))) {
		if ((rc = pick(r, v, date_orders, "date order", &i)) < 0)
			return rc;
		m->date_order = i == 0 ? BH_ORDER_UNKNOWN : i == 1 ? BH_ORDER_MDY
							 : i == 2 ? BH_ORDER_DMY : -1;
	}
	if ((v = get(r, n, "decimal"))) {
		const char *s = scalar(v);
		if (!s || (strcmp(s, ".") != 0 && strcmp(s, ",") != 0))
			return errat(r, v, "values.decimal must be \".\" or \",\"");
		m->decimal = s[0];
	}
	if ((v = get(r, n, "currency"))) {
		if ((rc = want(r, v, YAML_SCALAR_NODE, "values.currency")) < 0)
			return rc;
		free(m->currency);
		if ((rc = dupstr(&m->currency, scalar(v))) < 0)
			return rc;
		if (strlen(m->currency) > 8)
			return errat(r, v, "values.currency is a symbol or code (\"$\", \"EUR\")");
	}
	return 0;
}

/* Finds or adds typed column `name`; a second, different type is an error. */
static int add_column(reader *r, const yaml_node_t *n, const char *name, int type, int *out)
{
	static const char *const tnames[] = {"text", "a date", "an amount"};
	bh_mapping *m = r->m;
	for (int i = 0; i < m->ncol; i++) {
		if (strcmp(m->cols[i].name, name) != 0)
			continue;
		if (m->cols[i].type != type)
			return errat(r, n, "column '%s' is read as %s at line %d and as %s here", name,
				     tnames[m->cols[i].type], m->cols[i].line, tnames[type]);
		*out = i;
		return 0;
	}
	if (m->ncol == BH_MAP_MAX_COLUMNS)
		return errat(r, n, "more than %d typed columns", BH_MAP_MAX_COLUMNS);
	bh_mcolumn *c = &m->cols[m->ncol];
	c->line = line_of(n);
	c->type = type;
	c->idx = -1;
	*out = m->ncol++;
	return dupstr(&c->name, name);
}

static int read_columns(reader *r, const yaml_node_t *n)
{
	int rc, t, i;
	if ((rc = want(r, n, YAML_MAPPING_NODE, "columns")) < 0)
		return rc;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(r, p->key), *v = node(r, p->value);
		if (!scalar(k))
			return errat(r, k, "a column name must be text");
		if ((rc = pick(r, v, col_types, "column type", &t)) < 0 ||
		    (rc = add_column(r, k, scalar(k), t, &i)) < 0)
			return rc;
	}
	return 0;
}

static int read_entity(reader *r, const yaml_node_t *k, const yaml_node_t *n)
{
	bh_mapping *m = r->m;
	yaml_node_t *v;
	int rc, i;
	char where[96];
	if (m->nent == BH_MAP_MAX_ENTITIES)
		return errat(r, k, "more than %d entities", BH_MAP_MAX_ENTITIES);
	bh_mentity *e = &m->ents[m->nent++];
	const char *name = scalar(k);
	if (!name)
		return errat(r, k, "an entity's name must be a word");
	for (int j = 0; j < m->nent - 1; j++)
		if (strcmp(m->ents[j].ref, name) == 0)
			return errat(r, k, "entity '%s' is defined twice", name);
	if ((rc = dupstr(&e->ref, name)) < 0)
		return rc;
	e->line = line_of(k);
	e->required = 1;
	snprintf(where, sizeof where, "entity '%s'", name);
	if ((rc = want(r, n, YAML_MAPPING_NODE, where)) < 0 ||
	    (rc = check_keys(r, n, entity_keys, where)) < 0)
		return rc;
	if (!(v = get(r, n, "kind")))
		return errat(r, n, "%s has no kind (one of organization, public_body, person,"
			     " committee, contract)", where);
	if ((rc = pick(r, v, entity_kinds, "entity kind", &i)) < 0)
		return rc;
	e->kind = entity_kinds[i];
	if ((v = get(r, n, "id")) && v->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = v->data.sequence.items.start;
		     it < v->data.sequence.items.top; it++) {
			if (e->nid == BH_MAP_MAX_IDS)
				return errat(r, v, "more than %d ids", BH_MAP_MAX_IDS);
			if ((rc = compile(r, node(r, *it), &e->id[e->nid++], 0, "id")) < 0)
				return rc;
		}
		if (!e->nid)
			return errat(r, v, "id is an empty list");
	} else if (v) {
		if ((rc = compile(r, v, &e->id[e->nid++], 0, "id")) < 0)
			return rc;
	}
	if ((v = get(r, n, "name")) && (rc = compile(r, v, &e->name, 1, "name")) < 0)
		return rc;
	if (!e->nid && !e->name.nparts)
		return errat(r, n, "%s needs an id or a name", where);
	if ((v = get(r, n, "required")) && (rc = pick_bool(r, v, "required", &e->required)) < 0)
		return rc;
	if ((v = get(r, n, "properties"))) {
		if ((rc = want(r, v, YAML_MAPPING_NODE, "properties")) < 0)
			return rc;
		for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top;
		     p++) {
			yaml_node_t *pk = node(r, p->key);
			if (!scalar(pk) || !*scalar(pk) || strlen(scalar(pk)) > 64)
				return errat(r, pk, "a property name must be a word");
			if (e->nprops == BH_MAP_MAX_PROPS)
				return errat(r, pk, "more than %d properties", BH_MAP_MAX_PROPS);
			if ((rc = dupstr(&e->props[e->nprops].prop, scalar(pk))) < 0 ||
			    (rc = compile(r, node(r, p->value), &e->props[e->nprops++].value, 1,
					  "a property")) < 0)
				return rc;
		}
	}
	return 0;
}

static int entity_ref(reader *r, const yaml_node_t *n, const char *what, int *out)
{
	const char *names[BH_MAP_MAX_ENTITIES + 1];
	bh_mapping *m = r->m;
	int rc = want(r, n, YAML_SCALAR_NODE, what);
	if (rc < 0)
		return rc;
	for (int i = 0; i < m->nent; i++) {
		names[i] = m->ents[i].ref;
		if (strcmp(names[i], scalar(n)) == 0) {
			*out = i;
			return 0;
		}
	}
	names[m->nent] = NULL;
	if (!m->nent)
		return errat(r, n, "%s: no entity '%s' (no entities are defined)", what, scalar(n));
	return errat(r, n, "%s: no entity '%s' (did you mean '%s'?)", what, scalar(n),
		     nearest(scalar(n), names));
}

static int read_link(reader *r, const yaml_node_t *n)
{
	bh_mapping *m = r->m;
	yaml_node_t *v, *lab;
	int rc, i;
	if ((rc = want(r, n, YAML_MAPPING_NODE, "a link")) < 0 ||
	    (rc = check_keys(r, n, link_keys, "a link")) < 0)
		return rc;
	if (m->nlink == BH_MAP_MAX_LINKS)
		return errat(r, n, "more than %d links", BH_MAP_MAX_LINKS);
	bh_mlink *l = &m->links[m->nlink++];
	l->line = line_of(n);
	l->date_col = l->amount_col = -1;
	v = get(r, n, "kind");
	lab = get(r, n, "label");
	if ((v != NULL) == (lab != NULL))
		return errat(r, n, "a link has either a kind (a known one) or a label (free text)");
	if (v) {
		if ((rc = pick(r, v, link_kinds, "link kind", &i)) < 0 ||
		    (rc = dupstr(&l->kind, link_kinds[i])) < 0)
			return rc;
	} else {
		if ((rc = want(r, lab, YAML_SCALAR_NODE, "label")) < 0)
			return rc;
		if (!*scalar(lab) || strlen(scalar(lab)) > 64)
			return errat(r, lab, "a label is 1 to 64 characters");
		if ((rc = dupstr(&l->kind, scalar(lab))) < 0)
			return rc;
	}
	if (!(v = get(r, n, "from")))
		return errat(r, n, "a link needs from: (an entity)");
	if ((rc = entity_ref(r, v, "from", &l->from)) < 0)
		return rc;
	if (!(v = get(r, n, "to")))
		return errat(r, n, "a link needs to: (an entity)");
	if ((rc = entity_ref(r, v, "to", &l->to)) < 0)
		return rc;
	if ((v = get(r, n, "date"))) {
		if ((rc = want(r, v, YAML_SCALAR_NODE, "date")) < 0 ||
		    (rc = add_column(r, v, scalar(v), BH_COL_DATE, &l->date_col)) < 0)
			return rc;
	}
	if ((v = get(r, n, "amount"))) {
		if ((rc = want(r, v, YAML_SCALAR_NODE, "amount")) < 0 ||
		    (rc = add_column(r, v, scalar(v), BH_COL_MONEY, &l->amount_col)) < 0)
			return rc;
	}
	return 0;
}

static int read_root(reader *r, const yaml_node_t *root)
{
	bh_mapping *m = r->m;
	yaml_node_t *v;
	int rc;
	if ((rc = want(r, root, YAML_MAPPING_NODE, "a mapping")) < 0 ||
	    (rc = check_keys(r, root, top_keys, "the top level")) < 0)
		return rc;
	if ((v = get(r, root, "name"))) {
		if ((rc = want(r, v, YAML_SCALAR_NODE, "name")) < 0)
			return rc;
		free(m->name);
		if ((rc = dupstr(&m->name, scalar(v))) < 0)
			return rc;
	}
	if ((v = get(r, root, "csv")) && (rc = read_csv(r, v)) < 0)
		return rc;
	if ((v = get(r, root, "values")) && (rc = read_values(r, v)) < 0)
		return rc;
	if ((v = get(r, root, "columns")) && (rc = read_columns(r, v)) < 0)
		return rc;
	if ((v = get(r, root, "url")) && (rc = compile(r, v, &m->url, 0, "url")) < 0)
		return rc;
	if (!(v = get(r, root, "entities")))
		return errat(r, root, "no entities: a mapping makes at least one entity per row");
	if ((rc = want(r, v, YAML_MAPPING_NODE, "entities")) < 0)
		return rc;
	for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++)
		if ((rc = read_entity(r, node(r, p->key), node(r, p->value))) < 0)
			return rc;
	if (!m->nent)
		return errat(r, v, "no entities: a mapping makes at least one entity per row");
	if ((v = get(r, root, "links"))) {
		if ((rc = want(r, v, YAML_SEQUENCE_NODE, "links")) < 0)
			return rc;
		for (yaml_node_item_t *it = v->data.sequence.items.start;
		     it < v->data.sequence.items.top; it++)
			if ((rc = read_link(r, node(r, *it))) < 0)
				return rc;
	}
	return 0;
}

static void sha256_hex(const void *p, size_t n, char out[65])
{
	unsigned char md[32];
	unsigned int len = 0;
	EVP_Digest(p, n, md, &len, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * (size_t)i, 3, "%02x", md[i]);
}

int bh_mapping_load(bh_mapping **out, const char *path)
{
	bh_mapping *m = NULL;
	FILE *f = NULL;
	char *text = NULL;
	yaml_parser_t parser;
	yaml_document_t doc;
	int have_parser = 0, have_doc = 0, rc = 0;
	size_t n;

	*out = NULL;
	if (!(m = calloc(1, sizeof *m)) || !(text = malloc(MAX_MAPPING_BYTES + 1))) {
		rc = bh_error_set(BH_ENOMEM, "out of memory");
		goto cleanup;
	}
	m->delim = ',';
	m->header = 1;
	m->quoting = 1;
	m->decimal = '.';
	if ((rc = dupstr(&m->path, path)) < 0 || (rc = dupstr(&m->currency, "$")) < 0)
		goto cleanup;
	const char *base = strrchr(path, '/');
	if ((rc = dupstr(&m->name, base ? base + 1 : path)) < 0)
		goto cleanup;
	if (!(f = fopen(path, "rb"))) {
		rc = bh_error_set(BH_EIO, "%s: cannot read the mapping", path);
		goto cleanup;
	}
	n = fread(text, 1, MAX_MAPPING_BYTES + 1, f);
	if (ferror(f)) {
		rc = bh_error_set(BH_EIO, "%s: cannot read the mapping", path);
		goto cleanup;
	}
	if (n > MAX_MAPPING_BYTES) {
		rc = bh_error_set(BH_ETOOBIG, "%s: a mapping is at most %d bytes", path,
				  MAX_MAPPING_BYTES);
		goto cleanup;
	}
	sha256_hex(text, n, m->sha);
	if (!yaml_parser_initialize(&parser)) {
		rc = bh_error_set(BH_ENOMEM, "out of memory");
		goto cleanup;
	}
	have_parser = 1;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, n);
	if (!yaml_parser_load(&parser, &doc)) {
		rc = bh_error_set(BH_EFORMAT, "%s:%d: not valid YAML: %s%s%s", path,
				  (int)parser.problem_mark.line + 1,
				  parser.problem ? parser.problem : "syntax error",
				  parser.context ? " " : "", parser.context ? parser.context : "");
		goto cleanup;
	}
	have_doc = 1;
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (!root) {
		rc = bh_error_set(BH_EFORMAT, "%s:1: the mapping is empty", path);
		goto cleanup;
	}
	reader r = {m, &doc};
	if ((rc = read_root(&r, root)) < 0)
		goto cleanup;
	*out = m;
	m = NULL;
cleanup:
	if (have_doc)
		yaml_document_delete(&doc);
	if (have_parser)
		yaml_parser_delete(&parser);
	if (f)
		fclose(f);
	free(text);
	bh_mapping_free(m);
	return rc;
}

void bh_mapping_free(bh_mapping *m)
{
	if (!m)
		return;
	free(m->path);
	free(m->name);
	free(m->currency);
	for (int i = 0; i < m->nnull; i++)
		free(m->nulls[i]);
	tmpl_free(&m->url);
	for (int i = 0; i < m->ncol; i++)
		free(m->cols[i].name);
	for (int i = 0; i < m->nent; i++) {
		bh_mentity *e = &m->ents[i];
		free(e->ref);
		for (int j = 0; j < e->nid; j++)
			tmpl_free(&e->id[j]);
		tmpl_free(&e->name);
		for (int j = 0; j < e->nprops; j++) {
			free(e->props[j].prop);
			tmpl_free(&e->props[j].value);
		}
	}
	for (int i = 0; i < m->nlink; i++)
		free(m->links[i].kind);
	free(m);
}

void bh_mapping_source_key(const bh_mapping *m, const char input_sha[65], char out[65])
{
	char both[160];
	int n = snprintf(both, sizeof both, "%s mapping %s", input_sha, m->sha);
	sha256_hex(both, (size_t)n, out);
}

/* ---- binding to a header ------------------------------------------- */

static int bind_one(const bh_mapping *m, const char *col, int line, const bh_row *header,
		    size_t ncells, const char *input, int *idx)
{
	if (!header) {
		char *end;
		long k = strtol(col, &end, 10);
		if (*end || k < 1 || (size_t)k > ncells)
			return bh_error_set(BH_EFORMAT,
					    "%s:%d: column '%s': with header: false, columns are"
					    " numbered 1 to %zu (the first row of %s)",
					    m->path, line, col, ncells, input);
		*idx = (int)k - 1;
		return 0;
	}
	size_t cl = strlen(col);
	int best = -1, bd = 100;
	for (size_t i = 0; i < header->ncells; i++) {
		bh_cell cell = header->cells[i];
		const bh_cell *c = &cell;
		if (i == 0 && cell.n >= 3 && memcmp(cell.p, "\xEF\xBB\xBF", 3) == 0)
			cell.p += 3, cell.n -= 3; /* a spreadsheet's byte order mark */
		if (c->n == cl && memcmp(c->p, col, cl) == 0) {
			*idx = (int)i;
			return 0;
		}
		int d = bh_mapping_distance(col, cl, c->p, c->n);
		if (d < bd) {
			bd = d;
			best = (int)i;
		}
	}
	if (best < 0)
		return bh_error_set(BH_EFORMAT, "%s:%d: column '%s' is not in the header of %s",
				    m->path, line, col, input);
	return bh_error_set(BH_EFORMAT,
			    "%s:%d: column '%s' is not in the header of %s (nearest: '%.*s')",
			    m->path, line, col, input, (int)header->cells[best].n,
			    header->cells[best].p);
}

static int bind_tmpl(const bh_mapping *m, bh_tmpl *t, const bh_row *header, size_t ncells,
		     const char *input)
{
	int rc;
	for (int i = 0; i < t->nparts; i++)
		if (t->parts[i].column &&
		    (rc = bind_one(m, t->parts[i].column, t->parts[i].col_line, header, ncells, input,
				   &t->parts[i].idx)) < 0)
			return rc;
	return 0;
}

int bh_mapping_bind(bh_mapping *m, const bh_row *header, size_t ncells, const char *input)
{
	int rc;
	for (int i = 0; i < m->ncol; i++)
		if ((rc = bind_one(m, m->cols[i].name, m->cols[i].line, header, ncells, input,
				   &m->cols[i].idx)) < 0)
			return rc;
	if ((rc = bind_tmpl(m, &m->url, header, ncells, input)) < 0)
		return rc;
	for (int i = 0; i < m->nent; i++) {
		bh_mentity *e = &m->ents[i];
		for (int j = 0; j < e->nid; j++)
			if ((rc = bind_tmpl(m, &e->id[j], header, ncells, input)) < 0)
				return rc;
		if ((rc = bind_tmpl(m, &e->name, header, ncells, input)) < 0)
			return rc;
		for (int j = 0; j < e->nprops; j++)
			if ((rc = bind_tmpl(m, &e->props[j].value, header, ncells, input)) < 0)
				return rc;
	}
	return 0;
}

/* ---- rendering ----------------------------------------------------- */

const char *bh_mapping_cell(const bh_mapping *m, const bh_row *row, int idx, size_t *n)
{
	*n = 0;
	if (idx < 0 || (size_t)idx >= row->ncells)
		return "";
	const char *p = row->cells[idx].p;
	size_t len = row->cells[idx].n;
	while (len && (*p == ' ' || *p == '\t'))
		p++, len--;
	while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	for (int i = 0; i < m->nnull && len; i++)
		if (strlen(m->nulls[i]) == len && memcmp(m->nulls[i], p, len) == 0)
			len = 0;
	*n = len;
	return p;
}

static size_t put_filtered(char *out, size_t cap, const char *p, size_t n, int filter)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;
	char duns[10];
	switch (filter) {
	case BH_TF_KEY:
		return bh_name_key(out, cap, p, n);
	case BH_TF_DUNS:
		if (bh_duns_norm(p, n, duns) != 1)
			return 0;
		p = duns;
		n = strlen(duns);
		break;
	case BH_TF_URL:
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)p[i];
			int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
				    c == '~';
			if (o + 4 > cap)
				break;
			if (plain) {
				out[o++] = (char)c;
			} else {
				out[o++] = '%';
				out[o++] = hex[c >> 4];
				out[o++] = hex[c & 15];
			}
		}
		out[o] = '\0';
		return o;
	default:
		break;
	}
	if (n >= cap)
		n = cap - 1;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (filter == BH_TF_UPPER && c >= 'a' && c <= 'z')
			c = (char)(c - 32);
		else if (filter == BH_TF_LOWER && c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		out[i] = c;
	}
	out[n] = '\0';
	return n;
}

int bh_mapping_render(const bh_mapping *m, const bh_tmpl *t, const bh_row *row, int strict,
		      char *out, size_t cap)
{
	size_t o = 0;
	int cols = 0, filled = 0;
	out[0] = '\0';
	for (int i = 0; i < t->nparts; i++) {
		if (t->parts[i].lit) {
			if (o + t->parts[i].litlen >= cap)
				return bh_error_set(BH_ETOOBIG, "a value is longer than %zu bytes", cap);
			memcpy(out + o, t->parts[i].lit, t->parts[i].litlen);
			o += t->parts[i].litlen;
			continue;
		}
		size_t n;
		const char *p = bh_mapping_cell(m, row, t->parts[i].idx, &n);
		cols++;
		if (!n) {
			if (strict)
				break;
			continue;
		}
		if (o + n + 1 > cap && t->parts[i].filter != BH_TF_URL)
			return bh_error_set(BH_ETOOBIG, "a value is longer than %zu bytes", cap);
		size_t w = put_filtered(out + o, cap - o, p, n, t->parts[i].filter);
		filled += w > 0;
		o += w;
	}
	if ((strict && filled < cols) || (cols && !filled)) {
		out[0] = '\0';
		return 0;
	}
	out[o] = '\0';
	return (int)o;
}
