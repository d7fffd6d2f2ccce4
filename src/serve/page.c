/* The explorer's pages at path URLs: /search?q=..., /entity/ID,
 * /agency/ID (?from=&to=), /network/ID and /review are the page shell
 * (web/src/index.html, embedded), and the first three carry the answer of
 * the first API request their page makes (search.js, entity.js, agency.js
 * ask for the same; api.js takes it) in a <script type="application/json" id="first-answer"> block,
 * which the page reads instead of asking the API: a cold load then waits
 * for one response, not for the scripts and then the API in turn. The
 * answer is the API's own (server.c computes it through the same route
 * and the same response cache); nothing here knows what it says. */
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
	{"/network/", NULL, NULL},
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

int bh_page_html(char **out, size_t *len, const bh_asset *shell, const char *api, int status,
		 const char *answer, size_t n)
{
	const char *data = (const char *)shell->data;
	const char *end = NULL;
	FILE *f = NULL;

	/* before the last </body> (the shell's comments may name it too) */
	for (const char *p = data; (p = strstr(p, "</body>")) != NULL; p++)
		end = p;
	if (!end)
		end = data + shell->len;
	if (!(f = open_memstream(out, len)))
		return -1;
	fwrite(data, 1, (size_t)(end - data), f);
	if (api) {
		fprintf(f, "<script type=\"application/json\" id=\"first-answer\" data-api=\"%s\" "
			   "data-status=\"%d\">", api, status);
		json_in_html(f, answer, n);
		fputs("</script>\n", f);
	}
	fwrite(end, 1, shell->len - (size_t)(end - data), f);
	if (fclose(f) != 0) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}
