/* Shared helpers of the libFuzzer harnesses (fuzz/fuzz_*.c): writing an
 * input to a private temporary file for the entry points that take paths,
 * and a store kept open across inputs. Header-only so each harness is one
 * translation unit; every function is static inline. */
#ifndef BH_FUZZ_H
#define BH_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A path under $TMPDIR (or /tmp) unique to this process, ending in
 * `suffix`; built once per (buffer, suffix). */
static inline const char *fuzz_tmp_path(char *buf, size_t cap, const char *suffix)
{
	if (!buf[0]) {
		const char *t = getenv("TMPDIR");
		snprintf(buf, cap, "%s/bh-fuzz-%ld%s", t && *t ? t : "/tmp", (long)getpid(), suffix);
	}
	return buf;
}

/* Writes data to path, replacing it; aborts if that fails (a harness
 * problem, not a finding). */
static inline void fuzz_write(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
		perror(path);
		abort();
	}
}

#endif
