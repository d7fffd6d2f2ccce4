/* The explorer's pages at path URLs: /search?q=..., /entity/ID,
 * /agency/ID (?from=&to=), /network/ID and /review are the page shell
 * (web/src/index.html, embedded), and the first four carry the answer of
 * the first API request their page makes (search.js, entity.js, agency.js,
 * network.js ask for the same; api.js takes it): as HTML inside <main>
 * (html.c), readable without the script, and as JSON in a
 * <script type="application/json" id="first-answer"> block, which the
 * script draws the same view from instead of asking the API. The page goes
 * out in two parts, its head at once and the rest when the answer is
 * computed (server.c), so that the browser reads the style and compiles
 * the script meanwhile. The answer is the API's own (server.c computes it
 * through the same route and the same response cache). */
#include "serve/serveInt.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

/* The page routes whose rest of path is an id, and the API parameter the
 * id becomes (NULL: the page asks the API nothing it could be given). */
static const struct {
	const char *prefix, *api, *param;
} page_ids[] = {
	{"/entity/", "/api/show", "id"},
	{"/agency/", "/api/who", "agency"},
	{"/network/", "/api/graph", "id"},
};

int bh_page_is(const char *url)
{
	if (!strcmp(url, "/search") || !strcmp(url, "/review"))
		return 1;
	for (size_t i = 0; i < sizeof page_ids / sizeof *page_ids; i++) {
		size_t n = strlen(page_ids[i].prefix);
		if (!strncmp(url, page_ids[i].prefix, n) && url[n])
			return 1;
	}
	return 0;
}

int bh_page_first(const char **api, void *conn, const char *url, char **arg)
{
	struct MHD_Connection *c = conn;
	*api = NULL;
	if (!strcmp(url, "/search")) {
		/* the results page asks for 50 (web/src/search.js) */
		if (!MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "limit") &&
		    MHD_set_connection_value(c, MHD_GET_ARGUMENT_KIND, "limit", "50") != MHD_YES)
			return -1;
		*api = "/api/search";
		return 0;
	}
	for (size_t i = 0; i < sizeof page_ids / sizeof *page_ids; i++) {
		size_t n = strlen(page_ids[i].prefix);
		if (strncmp(url, page_ids[i].prefix, n) || !page_ids[i].api)
			continue;
		/* the rest of the path, decoded by the HTTP library, slashes and
		 * all: an id is whatever follows the prefix */
		if (!(*arg = strdup(url + n)) ||
		    MHD_set_connection_value(c, MHD_GET_ARGUMENT_KIND, page_ids[i].param, *arg) != MHD_YES)
			return -1;
		/* the network view asks for 40 links (web/src/network.js) */
		if (!strcmp(page_ids[i].api, "/api/graph") &&
		    !MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "limit") &&
		    MHD_set_connection_value(c, MHD_GET_ARGUMENT_KIND, "limit", "40") != MHD_YES)
			return -1;
		*api = page_ids[i].api;
		return 0;
	}
	return 0;
}

/* JSON inside an HTML <script> element: a '<' would let the text close the
 * element ("</script>") or open a comment, so it goes as \u003c, which
 * JSON reads as the same character. */
static void json_in_html(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '<')
			fputs("\\u003c", f);
		else
			fputc(s[i], f);
	}
}

/* Where the shell's <main> content starts (after its start tag) and where
 * it ends (its end tag); 0, or -1 when the shell has no <main>. */
static int main_span(size_t *open_end, size_t *close, const bh_asset *shell)
{
	const char *data = (const char *)shell->data;
	const char *m = strstr(data, "<main id=\"main\"");
	const char *gt = m ? strchr(m, '>') : NULL;
	const char *end = gt ? strstr(gt, "</main>") : NULL;
	if (!end)
		return -1;
	*open_end = (size_t)(gt + 1 - data);
	*close = (size_t)(end - data);
	return 0;
}

static int closed(FILE *f, char **out)
{
	if (fclose(f) != 0) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int bh_page_head(char **out, size_t *len, const bh_asset *shell, const bh_page_view *v)
{
	const char *data = (const char *)shell->data;
	size_t open_end, close;
	FILE *f = NULL;

	if (main_span(&open_end, &close, shell) < 0 || !(f = open_memstream(out, len)))
		return -1;
	/* the search box holds the words of a results page, as the script
	 * sets it */
	const char *box = v->q ? strstr(data, "<input id=\"q\"") : NULL;
	if (box && (size_t)(box - data) < open_end) {
		size_t at = (size_t)(box - data) + strlen("<input id=\"q\"");
		fwrite(data, 1, at, f);
		fputs(" value=\"", f);
		for (const char *p = v->q; *p; p++) {
			switch (*p) {
			case '&': fputs("&amp;", f); break;
			case '<': fputs("&lt;", f); break;
			case '"': fputs("&quot;", f); break;
			default: fputc(*p, f);
			}
		}
		fputc('"', f);
		fwrite(data + at, 1, open_end - at, f);
	} else {
		fwrite(data, 1, open_end, f);
	}
	return closed(f, out);
}

int bh_page_tail(char **out, size_t *len, const bh_asset *shell, const bh_page_view *v,
		 const char *answer, size_t n)
{
	const char *data = (const char *)shell->data;
	const char *end = NULL;
	size_t open_end, close;
	FILE *f = NULL;

	if (main_span(&open_end, &close, shell) < 0 || !(f = open_memstream(out, len)))
		return -1;
	/* before the last </body> (the shell's comments may name it too) */
	for (const char *p = data + close; (p = strstr(p, "</body>")) != NULL; p++)
		end = p;
	if (!end)
		end = data + shell->len;
	bh_html_view(f, v, answer, n);
	fwrite(data + close, 1, (size_t)(end - data) - close, f);
	fprintf(f, "<script type=\"application/json\" id=\"first-answer\" data-api=\"%s\" "
		   "data-status=\"%d\">", v->api, v->status);
	json_in_html(f, answer, n);
	fputs("</script>\n", f);
	fwrite(end, 1, shell->len - (size_t)(end - data), f);
	return closed(f, out);
}
