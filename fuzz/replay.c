/* A main() for the fuzz harnesses without libFuzzer: calls
 * LLVMFuzzerTestOneInput() once on each file named on the command line, so
 * the normal test run (tests/e2e/fuzz_replay.sh) replays the committed
 * corpora and regression inputs with the ordinary compiler and sanitizers.
 * Prints one line per file only on failure (a crash aborts the process,
 * which is the failure the test reports). */
#include "fuzz.h"

#include <errno.h>

int main(int argc, char **argv)
{
	int bad = 0;
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		uint8_t *data = NULL;
		size_t len = 0, cap = 0;
		if (!f) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			bad = 1;
			continue;
		}
		for (;;) {
			if (len == cap) {
				cap = cap ? cap * 2 : 65536;
				uint8_t *nd = realloc(data, cap);
				if (!nd)
					abort();
				data = nd;
			}
			size_t n = fread(data + len, 1, cap - len, f);
			if (n == 0)
				break;
			len += n;
		}
		fclose(f);
		/* an exact-size copy, so an overread is caught by ASan */
		uint8_t *exact = malloc(len ? len : 1);
		if (!exact)
			abort();
		memcpy(exact, data, len);
		free(data);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	return bad;
}
