/* Plain-file and archive-member inputs with on-the-fly SHA-256 (input.h). */
#include "ingest/input.h"
#include "util/err.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Largest member we inflate: a zip bomb stops here with a message. */
#define MAX_MEMBER ((int64_t)64 << 30)
/* Past BOMB_FLOOR inflated bytes, a member that inflates more than
 * MAX_RATIO times the archive bytes read for it is refused too: public
 * records deflate 3-20:1, a bomb of zeros about 1000:1, and without this a
 * 2 MB zip keeps ingest busy for minutes before MAX_MEMBER. */
#define BOMB_FLOOR ((int64_t)256 << 20)
#define MAX_RATIO 200

static int input_new(bh_input **out, const char *name)
{
	bh_input *in = calloc(1, sizeof *in);
	*out = NULL;
	if (!in || !(in->name = strdup(name)) || !(in->head = malloc(BH_INPUT_HEAD)) ||
	    !(in->sha = EVP_MD_CTX_new()) || !EVP_DigestInit_ex(in->sha, EVP_sha256(), NULL)) {
		bh_input_free(in);
		bh_error_set(BH_ENOMEM, "out of memory");
		return BH_ENOMEM; /* a constant, so the analyzer sees *out is set on 0 */
	}
	in->size = -1;
	*out = in;
	return 0;
}

/* Fills `head` with the first block; called once after opening. */
static int fill_head(bh_input *in)
{
	size_t got = 0;
	while (got < BH_INPUT_HEAD) {
		ssize_t n = in->rd(in, in->head + got, BH_INPUT_HEAD - got);
		if (n < 0)
			return (int)n;
		if (n == 0) {
			in->eof = 1;
			break;
		}
		got += (size_t)n;
	}
	in->head_len = got;
	return 0;
}

ssize_t bh_input_read(bh_input *in, void *buf, size_t n)
{
	ssize_t got;
	if (in->head_pos < in->head_len) {
		size_t k = in->head_len - in->head_pos;
		if (k > n)
			k = n;
		memcpy(buf, in->head + in->head_pos, k);
		in->head_pos += k;
		got = (ssize_t)k;
	} else if (in->eof) {
		return 0;
	} else {
		got = in->rd(in, buf, n);
		if (got < 0)
			return got;
		if (got == 0) {
			in->eof = 1;
			return 0;
		}
	}
	EVP_DigestUpdate(in->sha, buf, (size_t)got);
	in->nread += got;
	return got;
}

int bh_input_drain(bh_input *in)
{
	static _Thread_local char tmp[1 << 16];
	ssize_t n;
	while ((n = bh_input_read(in, tmp, sizeof tmp)) > 0)
		;
	return n < 0 ? (int)n : 0;
}

void bh_input_sha256(bh_input *in, char out[65])
{
	unsigned char md[32];
	unsigned int len = 0;
	EVP_MD_CTX *copy = EVP_MD_CTX_new();
	if (!copy || !EVP_MD_CTX_copy_ex(copy, in->sha) || !EVP_DigestFinal_ex(copy, md, &len))
		len = 0;
	EVP_MD_CTX_free(copy);
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", i < len ? md[i] : 0);
	out[64] = '\0';
}

void bh_input_free(bh_input *in)
{
	if (!in)
		return;
	if (in->close)
		in->close(in);
	EVP_MD_CTX_free(in->sha);
	free(in->head);
	free(in->name);
	free(in);
}

/* ---- plain files ---------------------------------------------------- */

static ssize_t file_rd(bh_input *in, void *buf, size_t n)
{
	int fd = (int)(intptr_t)in->impl;
	for (;;) {
		ssize_t r = read(fd, buf, n);
		if (r >= 0)
			return r;
		if (errno != EINTR)
			return bh_error_set(BH_EIO, "%s: read failed: %s", in->name, strerror(errno));
	}
}

static void file_close(bh_input *in)
{
	close((int)(intptr_t)in->impl);
}

int bh_input_open_file(bh_input **out, const char *path)
{
	bh_input *in = NULL;
	struct stat st;
	int fd, rc;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return bh_error_set(errno == ENOENT ? BH_ENOTFOUND : BH_EIO, "%s: cannot open: %s",
				    path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return bh_error_set(BH_EIO, "%s: not a regular file", path);
	}
	if ((rc = input_new(&in, path)) < 0) {
		close(fd);
		return rc;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	in->impl = (void *)(intptr_t)fd;
	in->rd = file_rd;
	in->close = file_close;
	in->size = st.st_size;
	if ((rc = fill_head(in)) < 0) {
		bh_input_free(in);
		return rc;
	}
	*out = in;
	return 0;
}

/* ---- memory ----------------------------------------------------------- */

typedef struct {
	const unsigned char *p;
	size_t len, pos;
} mem_src;

static ssize_t mem_rd(bh_input *in, void *buf, size_t n)
{
	mem_src *m = in->impl;
	size_t k = m->len - m->pos;
	if (k > n)
		k = n;
	if (k)
		memcpy(buf, m->p + m->pos, k);
	m->pos += k;
	return (ssize_t)k;
}

static void mem_close(bh_input *in)
{
	free(in->impl);
}

int bh_input_open_mem(bh_input **out, const char *name, const void *data, size_t len)
{
	bh_input *in = NULL;
	mem_src *m = NULL;
	int rc;

	*out = NULL;
	if ((rc = input_new(&in, name)) < 0)
		return rc;
	if (!(m = calloc(1, sizeof *m))) {
		bh_input_free(in);
		return bh_error_set(BH_ENOMEM, "out of memory");
	}
	m->p = data;
	m->len = len;
	in->impl = m;
	in->rd = mem_rd;
	in->close = mem_close;
	in->size = (int64_t)len;
	if ((rc = fill_head(in)) < 0) {
		bh_input_free(in);
		return rc;
	}
	*out = in;
	return 0;
}

int bh_file_sha256(char out[65], const char *path)
{
	bh_input *in = NULL;
	int rc = bh_input_open_file(&in, path);
	if (rc < 0)
		return rc;
	if ((rc = bh_input_drain(in)) == 0)
		bh_input_sha256(in, out);
	bh_input_free(in);
	return rc;
}

/* ---- archives -------------------------------------------------------- */

struct bh_archive {
	struct archive *ar;
	char *path;
	bh_input *current; /* member being read, borrowed by the caller */
	int64_t raw_start; /* archive bytes read when the member began */
	int64_t inflated;  /* the member's bytes inflated so far */
};

int bh_is_archive(const char *path)
{
	unsigned char b[6] = {0};
	FILE *f = fopen(path, "rb");
	size_t n;
	if (!f)
		return 0;
	n = fread(b, 1, sizeof b, f);
	fclose(f);
	if (n >= 4 && b[0] == 'P' && b[1] == 'K' && (b[2] == 3 || b[2] == 5) && (b[3] == 4 || b[3] == 6))
		return 1; /* zip (or empty zip) */
	if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		return 1; /* gzip: tar.gz */
	return 0;
}

int bh_archive_open(bh_archive **out, const char *path)
{
	bh_archive *a = calloc(1, sizeof *a);
	*out = NULL;
	if (!a || !(a->path = strdup(path)) || !(a->ar = archive_read_new())) {
		bh_archive_free(a);
		return bh_error_set(BH_ENOMEM, "out of memory");
	}
	archive_read_support_filter_all(a->ar);
	archive_read_support_format_zip(a->ar);
	archive_read_support_format_tar(a->ar);
	if (archive_read_open_filename(a->ar, path, 1 << 20) != ARCHIVE_OK) {
		int rc = bh_error_set(BH_EFORMAT, "%s: not a readable archive: %s", path,
				      archive_error_string(a->ar));
		bh_archive_free(a);
		return rc;
	}
	*out = a;
	return 0;
}

static ssize_t member_rd(bh_input *in, void *buf, size_t n)
{
	bh_archive *a = in->impl;
	la_ssize_t r = archive_read_data(a->ar, buf, n);
	if (r < 0)
		return bh_error_set(BH_EFORMAT, "%s: corrupt archive member: %s", in->name,
				    archive_error_string(a->ar));
	if (in->nread + in->head_len + r > MAX_MEMBER)
		return bh_error_set(BH_ETOOBIG, "%s: member inflates past %lld bytes; refused "
				    "(zip bomb?)", in->name, (long long)MAX_MEMBER);
	a->inflated += r;
	if (a->inflated > BOMB_FLOOR) {
		int64_t raw = archive_filter_bytes(a->ar, -1) - a->raw_start;
		if (raw < 1)
			raw = 1;
		if (a->inflated / raw > MAX_RATIO)
			return bh_error_set(BH_ETOOBIG, "%s: member inflates more than %d times its "
					    "compressed size past %lld MB; refused (zip bomb?)",
					    in->name, MAX_RATIO, (long long)(BOMB_FLOOR >> 20));
	}
	return r;
}

static int unsafe_member(const char *p)
{
	if (p[0] == '/' || p[0] == '\\')
		return 1;
	for (const char *s = p; *s; s++)
		if (s[0] == '.' && s[1] == '.' && (s == p || s[-1] == '/' || s[-1] == '\\') &&
		    (s[2] == '\0' || s[2] == '/' || s[2] == '\\'))
			return 1;
	return 0;
}

int bh_archive_next(bh_input **out, bh_archive *a)
{
	struct archive_entry *e;
	char name[4096];
	int rc;

	*out = NULL;
	for (;;) {
		int r = archive_read_next_header(a->ar, &e);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
			return bh_error_set(BH_EFORMAT, "%s: corrupt archive: %s", a->path,
					    archive_error_string(a->ar));
		if (archive_entry_filetype(e) != AE_IFREG)
			continue;
		const char *mp = archive_entry_pathname(e);
		if (!mp)
			mp = "?";
		snprintf(name, sizeof name, "%s!%s", a->path, mp);
		if (unsafe_member(mp))
			return bh_error_set(BH_EFORMAT, "%s: member path escapes the archive; refused",
					    name);
		break;
	}
	bh_input *in = NULL;
	if ((rc = input_new(&in, name)) < 0)
		return rc;
	a->raw_start = archive_filter_bytes(a->ar, -1);
	a->inflated = 0;
	in->impl = a;
	in->rd = member_rd;
	in->size = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
	if ((rc = fill_head(in)) < 0) {
		bh_input_free(in);
		return rc;
	}
	*out = in;
	return 1;
}

void bh_archive_free(bh_archive *a)
{
	if (!a)
		return;
	if (a->ar)
		archive_read_free(a->ar);
	free(a->path);
	free(a);
}
