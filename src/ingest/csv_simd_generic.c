/* The portable indexing kernel of the delimited-text reader (see csvInt.h):
 * the same algorithm as the vector kernels with the byte classes computed
 * one byte at a time. It is slower than the scalar scanner and exists so
 * that the indexed path (and the tests that compare it with the scalar
 * scanner) runs on any CPU; the reader never picks it on its own. */
#include "ingest/csvInt.h"

static inline void generic_masks(const char *p, char d, bh_k_mask *m)
{
	uint64_t md = 0, mn = 0, mq = 0, mr = 0, mz = 0;
	for (unsigned i = 0; i < 64; i++) {
		const char c = p[i];
		const uint64_t bit = (uint64_t)1 << i;
		md |= c == d ? bit : 0;
		mn |= c == '\n' ? bit : 0;
		mq |= c == '"' ? bit : 0;
		mr |= c == '\r' ? bit : 0;
		mz |= c == '\0' ? bit : 0;
	}
	m->d = md;
	m->n = mn;
	m->q = mq;
	m->r = mr;
	m->z = mz;
}

static inline uint64_t generic_prefix_xor(uint64_t x)
{
	x ^= x << 1;
	x ^= x << 2;
	x ^= x << 4;
	x ^= x << 8;
	x ^= x << 16;
	x ^= x << 32;
	return x;
}

#define BH_CSV_KERNEL_NAME bh_csv_kernel_generic
#define bh_k_masks(p, d, m) generic_masks((p), (d), (m))
#define bh_k_prefix_xor(x) generic_prefix_xor(x)
#define bh_k_flatten(out, n, base, bits)                                        \
	do {                                                                    \
		uint64_t bh_m_ = (bits);                                        \
		while (bh_m_) {                                                 \
			(out)[(n)++] = (base) + (uint32_t)__builtin_ctzll(bh_m_); \
			bh_m_ &= bh_m_ - 1;                                     \
		}                                                               \
	} while (0)
#include "ingest/csvInt.h"
