/* Normalization of names before they are compared: the Unicode fold, the
 * organization-name model (legal form kept as a class, acronym key, D/B/A
 * splitting) and person names (comma and natural order, suffixes, titles,
 * nicknames). Everything writes into fixed-size caller structures, so a
 * hostile 10,000-character name is truncated rather than grown. */
#include "resolve/resolve.h"
#include "util/err.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ---- fold ---- */

static int is_initial_dot(const char *s, size_t i)
{
	/* "U.S." and "L.L.C.": a period right after a lone letter vanishes. */
	if (i == 0 || !isalpha((unsigned char)s[i - 1]))
		return 0;
	return i == 1 || !isalnum((unsigned char)s[i - 2]);
}

/* Appends one folded codepoint's class: alnum kept, the rest a space. */
static size_t put_ascii(char *out, size_t o, size_t cap, const char *s, size_t i, size_t n)
{
	unsigned char c = (unsigned char)s[i];
	if (isalnum(c)) {
		if (o + 1 < cap)
			out[o++] = (char)tolower(c);
	} else if (c == '\'' || (c == '.' && is_initial_dot(s, i))) {
		/* vanishes */
	} else if (o > 0 && out[o - 1] != ' ' && o + 1 < cap) {
		out[o++] = ' ';
	}
	return o;
}

size_t bh_norm_fold(char *out, size_t cap, const char *s, size_t n)
{
	size_t o = 0, i;
	int ascii = 1;
	if (cap == 0)
		return 0;
	if (n > 4 * BH_NORM_MAX)
		n = 4 * BH_NORM_MAX; /* nothing past this can survive the cap */
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80) {
			ascii = 0;
			break;
		}
	if (ascii) {
		for (i = 0; i < n; i++)
			o = put_ascii(out, o, cap, s, i, n);
	} else {
		utf8proc_uint8_t *f = NULL;
		utf8proc_ssize_t fl = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &f,
						   UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
						   UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);
		if (fl < 0) {
			/* Not UTF-8: keep the ASCII letters and digits only. */
			for (i = 0; i < n; i++) {
				if ((unsigned char)s[i] < 0x80)
					o = put_ascii(out, o, cap, s, i, n);
				else if (o > 0 && out[o - 1] != ' ' && o + 1 < cap)
					out[o++] = ' ';
			}
		} else {
			const char *fs = (const char *)f;
			for (i = 0; i < (size_t)fl;) {
				utf8proc_int32_t cp;
				utf8proc_ssize_t k = utf8proc_iterate(f + i, fl - (utf8proc_ssize_t)i, &cp);
				if (k <= 0)
					break;
				if (cp < 0x80) {
					o = put_ascii(out, o, cap, fs, i, (size_t)fl);
				} else {
					utf8proc_category_t cat = utf8proc_category(cp);
					int keep = cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO;
					if (keep && cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME)
						keep = 0;
					if (keep && o + (size_t)k < cap) {
						memcpy(out + o, fs + i, (size_t)k);
						o += (size_t)k;
					} else if (!keep && o > 0 && out[o - 1] != ' ' && o + 1 < cap) {
						out[o++] = ' ';
					}
				}
				i += (size_t)k;
			}
			free(f);
		}
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	return o;
}

/* ---- organizations ---- */

static const struct {
	const char *word;
	int cls;
} legal_words[] = {
	{"inc", BH_LEGAL_CORP},      {"incorporated", BH_LEGAL_CORP}, {"corp", BH_LEGAL_CORP},
	{"corporation", BH_LEGAL_CORP}, {"llc", BH_LEGAL_LLC},     {"pllc", BH_LEGAL_LLC},
	{"lc", BH_LEGAL_LLC},        {"lp", BH_LEGAL_LP},            {"llp", BH_LEGAL_LP},
	{"lllp", BH_LEGAL_LP},       {"co", BH_LEGAL_CO},            {"company", BH_LEGAL_CO},
	{"ltd", BH_LEGAL_LTD},       {"limited", BH_LEGAL_LTD},      {"plc", BH_LEGAL_LTD},
	{"gmbh", BH_LEGAL_FOREIGN},  {"ag", BH_LEGAL_FOREIGN},       {"sa", BH_LEGAL_FOREIGN},
	{"nv", BH_LEGAL_FOREIGN},    {"bv", BH_LEGAL_FOREIGN},       {"srl", BH_LEGAL_FOREIGN},
	{"spa", BH_LEGAL_FOREIGN},
};

const char *bh_norm_legal_name(int legal)
{
	static const char *const names[] = {"", "corporation", "llc", "partnership",
					    "company", "limited", "foreign"};
	return legal >= 0 && legal <= BH_LEGAL_FOREIGN ? names[legal] : "";
}

static int legal_class(const char *t, size_t n)
{
	for (size_t i = 0; i < sizeof legal_words / sizeof legal_words[0]; i++)
		if (strlen(legal_words[i].word) == n && memcmp(legal_words[i].word, t, n) == 0)
			return legal_words[i].cls;
	return 0;
}

static int word_is(const char *t, size_t n, const char *w)
{
	return strlen(w) == n && memcmp(t, w, n) == 0;
}

int bh_norm_org(bh_orgname *out, const char *s, size_t n)
{
	char f[BH_NORM_MAX + 1];
	size_t fl = bh_norm_fold(f, sizeof f, s, n);
	size_t toff[BH_NORM_MAXTOK], tlen[BH_NORM_MAXTOK];
	int nt = 0, i, na = 0;

	memset(out, 0, sizeof *out);
	for (size_t i0 = 0; i0 < fl && nt < BH_NORM_MAXTOK;) {
		size_t j = i0;
		while (j < fl && f[j] != ' ')
			j++;
		if (!word_is(f + i0, j - i0, "the") && !word_is(f + i0, j - i0, "and") &&
		    !(word_is(f + i0, j - i0, "com") && nt > 0)) {
			toff[nt] = i0;
			tlen[nt] = j - i0;
			nt++;
		}
		i0 = j + 1;
	}
	/* FPDS appends a legacy 4-digit code after the legal form
	 * ("BOOZ ALLEN HAMILTON INCORPORATED 3626"): not part of the name. */
	if (nt > 2 && tlen[nt - 1] == 4 && strspn(f + toff[nt - 1], "0123456789") >= 4 &&
	    legal_class(f + toff[nt - 2], tlen[nt - 2]))
		nt--;
	/* Trailing legal-form words become a class, as long as a name stays;
	 * "limited liability company" and "limited partnership" are one. */
	while (nt > 1) {
		int c = legal_class(f + toff[nt - 1], tlen[nt - 1]);
		if (nt > 2 && word_is(f + toff[nt - 2], tlen[nt - 2], "liability") &&
		    (c == BH_LEGAL_CO || c == BH_LEGAL_LTD)) {
			c = BH_LEGAL_LLC;
			nt--;
		} else if (nt > 2 && word_is(f + toff[nt - 1], tlen[nt - 1], "liability")) {
			c = BH_LEGAL_LLC;
		} else if (nt > 2 && word_is(f + toff[nt - 1], tlen[nt - 1], "partnership") &&
			   word_is(f + toff[nt - 2], tlen[nt - 2], "limited")) {
			c = BH_LEGAL_LP;
			nt--;
		}
		if (!c)
			break;
		if (!out->legal || c == BH_LEGAL_CORP)
			out->legal = c;
		nt--;
	}
	size_t o = 0;
	for (i = 0; i < nt; i++) {
		if (o + tlen[i] + 1 > BH_NORM_MAX)
			break;
		if (i)
			out->text[o++] = ' ';
		out->tok_off[i] = (uint16_t)o;
		out->tok_len[i] = (uint8_t)(tlen[i] > 255 ? 255 : tlen[i]);
		memcpy(out->text + o, f + toff[i], tlen[i]);
		o += tlen[i];
		for (size_t k = 0; k < tlen[i]; k++)
			if (isdigit((unsigned char)f[toff[i] + k]))
				out->has_digits = 1;
		if (!word_is(f + toff[i], tlen[i], "of") && !word_is(f + toff[i], tlen[i], "for") &&
		    na < (int)sizeof out->acronym - 1 && isalpha((unsigned char)f[toff[i]]))
			out->acronym[na++] = f[toff[i]];
	}
	out->ntok = i;
	out->text[o] = '\0';
	out->acronym[na] = '\0';
	if (na < 2 || out->ntok < 2)
		out->acronym[0] = '\0';
	return 0;
}

/* ---- aliases ---- */

/* Markers that join two names of one organization, in folded form. */
static const char *const alias_marks[] = {" d/b/a ", " dba ", " f/k/a ", " fka ", " a/k/a ",
					  " aka ", " doing business as ", " formerly known as ",
					  " also known as ", " formerly "};

static size_t find_mark(const char *s, size_t n, size_t from, size_t *mlen)
{
	/* Case-insensitive search for the earliest marker at or after `from`. */
	size_t best = n;
	for (size_t k = 0; k < sizeof alias_marks / sizeof alias_marks[0]; k++) {
		size_t ml = strlen(alias_marks[k]);
		for (size_t i = from; i + ml <= n && i < best; i++) {
			size_t j = 0;
			while (j < ml) {
				char c = (char)tolower((unsigned char)s[i + j]);
				char w = alias_marks[k][j];
				if (c == w || (w == ' ' && (c == ',' || c == '(' || c == ')' || c == ':')))
					j++;
				else
					break;
			}
			if (j == ml) {
				best = i;
				*mlen = ml;
			}
		}
	}
	return best;
}

static int add_span(const char *s, size_t a, size_t b, size_t *off, size_t *len, int k, int max)
{
	while (a < b && (s[a] == ' ' || s[a] == ',' || s[a] == '('))
		a++;
	while (b > a && (s[b - 1] == ' ' || s[b - 1] == ',' || s[b - 1] == ')' || s[b - 1] == ';'))
		b--;
	if (b > a && k < max) {
		off[k] = a;
		len[k] = b - a;
		k++;
	}
	return k;
}

int bh_norm_split_aliases(const char *s, size_t n, size_t *off, size_t *len, int max)
{
	int k = 0;
	size_t from = 0, mlen = 0;
	for (;;) {
		size_t at = find_mark(s, n, from, &mlen);
		if (at >= n)
			break;
		k = add_span(s, from, at, off, len, k, max);
		from = at + mlen - 1;
	}
	return add_span(s, from, n, off, len, k, max);
}

/* ---- persons ---- */

static const char *const suffixes[] = {"jr", "sr", "ii", "iii", "iv", "2nd", "3rd", "esq", "md", "phd"};
static const char *const titles[] = {"mr", "mrs", "ms", "miss", "dr", "hon", "rev", "prof", "sen",
				     "rep", "gen", "col", "sir"};

static int in_list(const char *t, size_t n, const char *const *list, size_t nl)
{
	for (size_t i = 0; i < nl; i++)
		if (word_is(t, n, list[i]))
			return 1;
	return 0;
}

#define IS_SUFFIX(t, n) in_list(t, n, suffixes, sizeof suffixes / sizeof suffixes[0])
#define IS_TITLE(t, n) in_list(t, n, titles, sizeof titles / sizeof titles[0])

static void copy_part(char *dst, size_t cap, const char *t, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, t, n);
	dst[n] = '\0';
}

/* Splits folded text into tokens, dropping titles and moving suffixes. */
static int person_tokens(const char *f, size_t fl, size_t *to, size_t *tl, int max, bh_person *p)
{
	int nt = 0;
	for (size_t i = 0; i < fl;) {
		size_t j = i;
		while (j < fl && f[j] != ' ')
			j++;
		if (j > i) {
			if (IS_SUFFIX(f + i, j - i)) {
				if (!p->suffix[0] && (j - i) <= 3)
					copy_part(p->suffix, sizeof p->suffix, f + i, j - i);
			} else if (!IS_TITLE(f + i, j - i) && nt < max) {
				to[nt] = i;
				tl[nt] = j - i;
				nt++;
			}
		}
		i = j + 1;
	}
	return nt;
}

int bh_person_parse(bh_person *out, const char *s, size_t n)
{
	char f[BH_NORM_MAX + 1], g[BH_NORM_MAX + 1];
	size_t to[16], tl[16], go[16], gl[16];
	const char *comma = memchr(s, ',', n);
	int nt, ng;

	memset(out, 0, sizeof *out);
	if (comma) {
		/* LAST [SFX], FIRST [MIDDLE] [SFX] */
		size_t fl = bh_norm_fold(f, sizeof f, s, (size_t)(comma - s));
		size_t glen = bh_norm_fold(g, sizeof g, comma + 1, n - (size_t)(comma - s) - 1);
		nt = person_tokens(f, fl, to, tl, 16, out);
		ng = person_tokens(g, glen, go, gl, 16, out);
		if (nt == 0 && ng == 0)
			return bh_error_set(BH_EFORMAT, "no name in \"%.*s\"", (int)(n > 60 ? 60 : n), s);
		if (nt > 0) {
			/* a multi-word surname ("de la cruz") is kept whole */
			copy_part(out->last, sizeof out->last, f + to[0], to[nt - 1] + tl[nt - 1] - to[0]);
		}
		if (ng > 0)
			copy_part(out->first, sizeof out->first, g + go[0], gl[0]);
		if (ng > 1)
			copy_part(out->middle, sizeof out->middle, g + go[1], gl[1]);
		return 0;
	}
	size_t fl = bh_norm_fold(f, sizeof f, s, n);
	nt = person_tokens(f, fl, to, tl, 16, out);
	if (nt == 0)
		return bh_error_set(BH_EFORMAT, "no name in \"%.*s\"", (int)(n > 60 ? 60 : n), s);
	copy_part(out->last, sizeof out->last, f + to[nt - 1], tl[nt - 1]);
	if (nt > 1)
		copy_part(out->first, sizeof out->first, f + to[0], tl[0]);
	if (nt > 2)
		copy_part(out->middle, sizeof out->middle, f + to[1], tl[1]);
	return 0;
}

/* Common English nicknames and the formal name each stands for, in strcmp
 * order of the nickname: looked up by binary search. */
static const char *const nicknames[][2] = {
	{"abby", "abigail"},       {"al", "albert"},          {"alex", "alexander"},     {"andy", "andrew"},
	{"art", "arthur"},         {"barb", "barbara"},       {"ben", "benjamin"},       {"bert", "albert"},
	{"beth", "elizabeth"},     {"betty", "elizabeth"},    {"bill", "william"},       {"billy", "william"},
	{"bob", "robert"},         {"bobby", "robert"},       {"brad", "bradley"},       {"cathy", "catherine"},
	{"charlie", "charles"},    {"chris", "christopher"},  {"chuck", "charles"},      {"dan", "daniel"},
	{"danny", "daniel"},       {"dave", "david"},         {"deb", "deborah"},        {"debbie", "deborah"},
	{"dick", "richard"},       {"don", "donald"},         {"ed", "edward"},          {"eddie", "edward"},
	{"frank", "francis"},      {"fred", "frederick"},     {"greg", "gregory"},       {"hank", "henry"},
	{"jack", "john"},          {"jake", "jacob"},         {"jeff", "jeffrey"},       {"jen", "jennifer"},
	{"jenny", "jennifer"},     {"jerry", "gerald"},       {"jim", "james"},          {"jimmy", "james"},
	{"joe", "joseph"},         {"joey", "joseph"},        {"johnny", "john"},        {"jon", "jonathan"},
	{"kate", "katherine"},     {"kathy", "katherine"},    {"ken", "kenneth"},        {"kim", "kimberly"},
	{"larry", "lawrence"},     {"liz", "elizabeth"},      {"maggie", "margaret"},    {"matt", "matthew"},
	{"meg", "margaret"},       {"mick", "michael"},       {"mike", "michael"},       {"nancy", "ann"},
	{"nate", "nathan"},        {"nick", "nicholas"},      {"pam", "pamela"},         {"pat", "patrick"},
	{"patty", "patricia"},     {"peggy", "margaret"},     {"pete", "peter"},         {"phil", "phillip"},
	{"philip", "phillip"},     {"rich", "richard"},       {"rick", "richard"},       {"rob", "robert"},
	{"ron", "ronald"},         {"sam", "samuel"},         {"steve", "stephen"},      {"steven", "stephen"},
	{"sue", "susan"},          {"ted", "edward"},         {"tim", "timothy"},        {"tom", "thomas"},
	{"tony", "anthony"},       {"vicky", "victoria"},     {"walt", "walter"},        {"will", "william"},
};

const char *bh_nickname_canon(const char *first)
{
	size_t lo = 0, hi = sizeof nicknames / sizeof nicknames[0];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(nicknames[mid][0], first);
		if (c == 0)
			return nicknames[mid][1];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return first;
}

int bh_person_first_agree(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	if (na == 0 || nb == 0)
		return 0;
	if (strcmp(a, b) == 0)
		return 4;
	if (strcmp(bh_nickname_canon(a), bh_nickname_canon(b)) == 0)
		return 3;
	if ((na == 1 || nb == 1) && a[0] == b[0])
		return 2;
	if (bh_jaro_winkler(a, na, b, nb) >= 0.9)
		return 1;
	return 0;
}
