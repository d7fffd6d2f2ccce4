/* The x86 indexing kernels of the delimited-text reader (see csvInt.h),
 * one per instruction set, each compiled under its own target: AVX2 (two
 * 32-byte compares per byte class make a chunk's 64-bit masks) and
 * AVX-512BW (one 64-byte compare into a mask register per class). Both use
 * PCLMULQDQ for the inside-quotes state and TZCNT/BLSR to turn masks into
 * positions. csv.c calls a kernel only when __builtin_cpu_supports says
 * the CPU has everything it was compiled for. */
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#include "ingest/csvInt.h"

/* Macros rather than functions: they compile under each kernel's target. */
#define bh_k_prefix_xor(x)                                                              \
	((uint64_t)_mm_cvtsi128_si64(_mm_clmulepi64_si128(_mm_set_epi64x(0, (long long)(x)), \
							  _mm_set1_epi8(-1), 0)))

/* Writes 8 or 16 positions unconditionally (the lists have slack) so the
 * common chunk takes no data-dependent branch per bit. */
#define bh_k_flatten(out, n, base, bits)                                      \
	do {                                                                  \
		uint64_t m_ = (bits);                                         \
		uint32_t *o_ = (out) + (n);                                   \
		const unsigned c_ = (unsigned)_mm_popcnt_u64(m_);             \
		for (unsigned i_ = 0; i_ < 8; i_++) {                         \
			o_[i_] = (base) + (uint32_t)_tzcnt_u64(m_);           \
			m_ = _blsr_u64(m_);                                   \
		}                                                             \
		if (c_ > 8) {                                                 \
			for (unsigned i_ = 8; i_ < 16; i_++) {                \
				o_[i_] = (base) + (uint32_t)_tzcnt_u64(m_);   \
				m_ = _blsr_u64(m_);                           \
			}                                                     \
			for (unsigned i_ = 16; m_; i_++) {                    \
				o_[i_] = (base) + (uint32_t)_tzcnt_u64(m_);   \
				m_ = _blsr_u64(m_);                           \
			}                                                     \
		}                                                             \
		(n) += c_;                                                    \
	} while (0)

/* ---- AVX2 ---- */
#pragma GCC push_options
#pragma GCC target("avx2,bmi,bmi2,popcnt,pclmul")

static inline uint64_t avx2_eq(__m256i lo, __m256i hi, __m256i c)
{
	uint32_t a = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, c));
	uint32_t b = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, c));
	return (uint64_t)a | ((uint64_t)b << 32);
}

static inline void avx2_masks(const char *p, char d, bh_k_mask *m)
{
	const __m256i lo = _mm256_loadu_si256((const __m256i *)(const void *)p);
	const __m256i hi = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32));
	m->d = avx2_eq(lo, hi, _mm256_set1_epi8(d));
	m->n = avx2_eq(lo, hi, _mm256_set1_epi8('\n'));
	m->q = avx2_eq(lo, hi, _mm256_set1_epi8('"'));
	m->r = avx2_eq(lo, hi, _mm256_set1_epi8('\r'));
	m->z = avx2_eq(lo, hi, _mm256_setzero_si256());
}

#define BH_CSV_KERNEL_NAME bh_csv_kernel_avx2
#define bh_k_masks(p, d, m) avx2_masks((p), (d), (m))
#include "ingest/csvInt.h"
#undef BH_CSV_KERNEL_NAME
#undef bh_k_masks
#pragma GCC pop_options

/* ---- AVX-512 ---- */
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx2,bmi,bmi2,popcnt,pclmul")

static inline void avx512_masks(const char *p, char d, bh_k_mask *m)
{
	const __m512i v = _mm512_loadu_si512((const void *)p);
	m->d = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(d));
	m->n = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\n'));
	m->q = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('"'));
	m->r = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\r'));
	m->z = _mm512_testn_epi8_mask(v, v);
}

/* Positions by compression: four 16-lane VPCOMPRESSD of base + 0..63,
 * each stored whole (the lists have slack), no branch per bit. */
#undef bh_k_flatten
#define bh_k_flatten(out, n, base, bits)                                                    \
	do {                                                                                \
		const uint64_t m_ = (bits);                                                 \
		uint32_t *o_ = (out) + (n);                                                 \
		__m512i v_ = _mm512_add_epi32(_mm512_set1_epi32((int)(base)),               \
					      _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, \
							       6, 5, 4, 3, 2, 1, 0));           \
		for (unsigned k_ = 0; k_ < 64; k_ += 16) {                                  \
			const __mmask16 b_ = (__mmask16)(m_ >> k_);                         \
			_mm512_storeu_si512((void *)o_, _mm512_maskz_compress_epi32(b_, v_)); \
			o_ += _mm_popcnt_u32(b_);                                           \
			v_ = _mm512_add_epi32(v_, _mm512_set1_epi32(16));                   \
		}                                                                           \
		(n) = (size_t)(o_ - (out));                                                 \
	} while (0)

#define BH_CSV_KERNEL_NAME bh_csv_kernel_avx512
#define bh_k_masks(p, d, m) avx512_masks((p), (d), (m))
#include "ingest/csvInt.h"
#pragma GCC pop_options
#endif
