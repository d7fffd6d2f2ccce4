/* Fuzz harness of mapping files (src/ingest/mapping.h): each input is a
 * mapping, written to a temporary .yaml file and read by bh_mapping_load()
 * (libyaml, then every key, kind, filter and reference checked). A mapping
 * that loads is bound to a fixed header, with columns numbered when it
 * says header: false, and every template is rendered for a fixed row into
 * a small buffer, so the caps are reached. Checks: a failure always sets a
 * message naming the file; a render stays inside its buffer, terminated. */
#include "fuzz.h"
#include "ingest/mapping.h"
#include "util/err.h"

static const char *const header_cells[] = {"Facility", "Operator", "Operator UEI", "Agency",
					   "Contract No", "Awarded", "Value", "Notes"};
static const char *const row_cells[] = {"Pinecrest Center", " Harbor, Inc. ", "hdg1", "N/A",
					"IEB 2021/003", "13/02/2019", "1.000,50 \xe2\x82\xac", ""};

static void fill(bh_row *row, bh_cell *cells, const char *const *src)
{
	for (int i = 0; i < 8; i++) {
		cells[i].p = src[i];
		cells[i].n = strlen(src[i]);
	}
	row->cells = cells;
	row->ncells = 8;
	row->line = 2;
}

static void render(const bh_mapping *m, const bh_tmpl *t, const bh_row *row)
{
	char out[48];
	for (int strict = 0; strict < 2; strict++) {
		memset(out, 'x', sizeof out);
		int n = bh_mapping_render(m, t, row, strict, out, sizeof out);
		if (n >= (int)sizeof out || (n >= 0 && (size_t)n != strlen(out)))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[512];
	bh_mapping *m = NULL;
	bh_cell hc[8], rc[8];
	bh_row header = {0}, row = {0};

	fuzz_tmp_path(path, sizeof path, ".yaml");
	fuzz_write(path, data, size);
	if (bh_mapping_load(&m, path) < 0) {
		if (!strstr(bh_error_last(), path))
			abort();
		unlink(path);
		return 0;
	}
	fill(&header, hc, header_cells);
	fill(&row, rc, row_cells);
	if (bh_mapping_bind(m, m->header ? &header : NULL, 8, "fuzz.csv") == 0) {
		render(m, &m->url, &row);
		for (int i = 0; i < m->nent; i++) {
			for (int j = 0; j < m->ents[i].nid; j++)
				render(m, &m->ents[i].id[j], &row);
			render(m, &m->ents[i].name, &row);
			for (int j = 0; j < m->ents[i].nprops; j++)
				render(m, &m->ents[i].props[j].value, &row);
		}
	}
	bh_mapping_free(m);
	unlink(path);
	return 0;
}
