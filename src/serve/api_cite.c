/* GET /api/cite: the evidence pack behind one figure, as `behind cite`
 * writes it (src/query/cite.c), without touching the filesystem: the four
 * parts go to memory streams. format=json (default) answers one object
 * with the figure (figure.json), the query (query.sql), the official URLs
 * (urls.txt, as an array) and the records (records.csv, as text); csv,
 * urls and sql answer that one part as it would be in the folder. */
#include "query/graph.h"
#include "serve/serveInt.h"
#include "util/err.h"
#include "util/json.h"

#include <stdlib.h>
#include <string.h>

enum { P_CSV, P_URLS, P_SQL, P_FIG, NPARTS };

/* urls.txt (one per line) as a JSON array. */
static void urls_json(FILE *out, char *text)
{
	int n = 0;
	char *save = NULL;
	fputc('[', out);
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		fputs(n++ ? "," : "", out);
		bh_json_str(out, line);
	}
	fputc(']', out);
}

int bh_api_cite(bh_req *r)
{
	static const char *const formats[] = {"csv", "urls", "sql", "json"};
	static const char *const types[] = {"text/csv; charset=utf-8", "text/plain; charset=utf-8",
					    "application/sql; charset=utf-8"};
	const char *figure, *fmt = bh_req_arg(r, "format");
	char *buf[NPARTS] = {NULL};
	size_t len[NPARTS] = {0};
	FILE *f[NPARTS] = {NULL};
	int rc, which = 3;

	if ((rc = bh_req_text(r, &figure, "figure")) < 0)
		return rc;
	if (fmt && *fmt) {
		for (which = 0; which < 4 && strcmp(fmt, formats[which]) != 0; which++)
			;
		if (which == 4)
			return bh_req_fail(r, 400, "format is json, csv, urls or sql");
	}
	for (int i = 0; i < NPARTS; i++)
		if (!(f[i] = open_memstream(&buf[i], &len[i]))) {
			rc = bh_error_set(BH_ENOMEM, "cite: out of memory");
			goto done;
		}
	rc = bh_graph_cite_write(r->store, figure, f[P_CSV], f[P_URLS], f[P_SQL], f[P_FIG]);
	for (int i = 0; i < NPARTS; i++) {
		if (fclose(f[i]) != 0 && rc == 0)
			rc = bh_error_set(BH_ENOMEM, "cite: out of memory");
		f[i] = NULL;
	}
	if (rc < 0)
		goto done;
	if (which < 3) {
		r->ctype = types[which];
		fwrite(buf[which], 1, len[which], r->out);
		goto done;
	}
	fputs("{\"figure\":", r->out);
	fwrite(buf[P_FIG], 1, len[P_FIG] && buf[P_FIG][len[P_FIG] - 1] == '\n' ? len[P_FIG] - 1 : len[P_FIG],
	       r->out);
	fputs(",\"query\":", r->out);
	bh_json_str(r->out, buf[P_SQL]);
	fputs(",\"urls\":", r->out);
	urls_json(r->out, buf[P_URLS]);
	fputs(",\"records_csv\":", r->out);
	bh_json_str(r->out, buf[P_CSV]);
	fputs("}\n", r->out);
done:
	for (int i = 0; i < NPARTS; i++) {
		if (f[i])
			fclose(f[i]);
		free(buf[i]);
	}
	return rc;
}
