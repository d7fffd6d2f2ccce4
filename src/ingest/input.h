/* Byte streams that ingest reads: a plain file, or one member of a zip (or
 * any archive libarchive reads). Every byte read through bh_input_read() is
 * also fed to a SHA-256, so a source's content hash costs no second pass.
 * The first block is kept as `head` for kind detection and replayed to the
 * reader, so detection never consumes input.
 *
 * Ownership: bh_input_free() releases the input and accepts NULL. `name`
 * and `head` are owned by the input and valid until it is freed. */
#ifndef BH_INPUT_H
#define BH_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct bh_input bh_input;

#define BH_INPUT_HEAD 65536

struct bh_input {
	char *name;      /* "path" or "path!member", for messages and source.path */
	int64_t size;    /* bytes, -1 if unknown */
	int64_t nread;   /* bytes delivered so far */
	char *head;      /* first up-to-BH_INPUT_HEAD bytes */
	size_t head_len;
	/* implementation */
	ssize_t (*rd)(bh_input *in, void *buf, size_t n);
	void (*close)(bh_input *in);
	void *impl;
	void *sha;       /* EVP_MD_CTX */
	size_t head_pos;
	int eof;
};

/* Opens a plain file. */
int bh_input_open_file(bh_input **out, const char *path);

/* Opens an input over `len` bytes at `data` (borrowed: it must outlive
 * the input), named `name` in messages. For fuzz harnesses and tests that
 * feed a reader without a file. */
int bh_input_open_mem(bh_input **out, const char *name, const void *data, size_t len);

/* Reads up to n bytes; returns the count, 0 at end, or a negative code
 * with the message set (naming the input). */
ssize_t bh_input_read(bh_input *in, void *buf, size_t n);

/* Reads and hashes the rest of the input without returning it. */
int bh_input_drain(bh_input *in);

/* Hex SHA-256 of everything read so far (65 bytes with the NUL). Call after
 * the input was read to its end. */
void bh_input_sha256(bh_input *in, char out[65]);

void bh_input_free(bh_input *in);

/* Archives. bh_archive_open() opens a zip (or tar, ...) for iteration;
 * bh_archive_next() yields its regular-file members in order as inputs
 * (1), or 0 at the end; each input must be freed before the next call.
 * Members whose path has ".." components or is absolute are refused with
 * a message, and so is a member whose uncompressed size passes `max_size`. */
typedef struct bh_archive bh_archive;
int bh_archive_open(bh_archive **out, const char *path);
int bh_archive_next(bh_input **out, bh_archive *a);
void bh_archive_free(bh_archive *a);

/* 1 if the first bytes of `path` look like an archive libarchive reads
 * (zip, tar, gzip'd tar), 0 if not. */
int bh_is_archive(const char *path);

/* Computes the SHA-256 of a whole plain file (hex, 65 bytes with NUL). */
int bh_file_sha256(char out[65], const char *path);

#endif
