/* Fuzz harness of archive handling (bh_archive_* in src/ingest/input.h):
 * the input is written to a temporary file, opened as an archive, and
 * every member is read to its end and hashed, as ingest does. At most
 * 256 MiB is inflated per input, so a compression bomb costs time, not
 * the run. Members whose paths escape must have been refused: a member
 * name holding "../" is a finding. */
#include "fuzz.h"
#include "ingest/input.h"

/* 1 if a member path is absolute or has a ".." component ("zeros../t" has
 * none: a directory may end in two dots). */
static int escapes(const char *p)
{
	if (p[0] == '/' || p[0] == '\\')
		return 1;
	for (const char *s = p; *s; s++)
		if (s[0] == '.' && s[1] == '.' && (s == p || s[-1] == '/' || s[-1] == '\\') &&
		    (s[2] == '\0' || s[2] == '/' || s[2] == '\\'))
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[512];
	static char buf[1 << 16];
	bh_archive *a = NULL;
	bh_input *m = NULL;
	int64_t total = 0;

	fuzz_tmp_path(path, sizeof path, ".zip");
	fuzz_write(path, data, size);
	(void)bh_is_archive(path);
	if (bh_archive_open(&a, path) < 0)
		goto done;
	while (bh_archive_next(&m, a) == 1) {
		const char *member = strchr(m->name, '!');
		if (!member || escapes(member + 1))
			abort();
		ssize_t n;
		while ((n = bh_input_read(m, buf, sizeof buf)) > 0) {
			total += n;
			if (total > ((int64_t)256 << 20))
				break;
		}
		char sha[65];
		bh_input_sha256(m, sha);
		bh_input_free(m);
		m = NULL;
		if (n < 0 || total > ((int64_t)256 << 20))
			break;
	}
done:
	bh_archive_free(a);
	unlink(path);
	return 0;
}
