// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * CRC-32 for the stream decoder; see crc32.h.
 *
 * Folding (reflected bit order, as zlib): the message is a polynomial
 * over GF(2), read 16 bytes at a time into 128-bit registers. A register
 * x that stands D bits before the register y it is folded into becomes
 *   clmul(x.lo, x^(D+32) mod P) ^ clmul(x.hi, x^(D-32) mod P) ^ y,
 * which has the same remainder modulo P. Four registers run in parallel
 * (D = 512) while at least 64 bytes remain, are folded into one
 * (D = 128), and the remaining 16-byte blocks are folded one by one.
 * The last register is reduced to 64 bits, then to the 32-bit remainder
 * by Barrett reduction. The initial CRC state is XORed into the first
 * four message bytes; 16 - n zero bytes in front of an n-byte first
 * block leave the CRC of a message with state 0 unchanged, so a length
 * that is not a multiple of 16 starts with a zero-padded block.
 *
 * The constants are the bit-reflected x^k mod P (P = 0x104c11db7) and
 * floor(x^64 / P) of the paper named in crc32.h; they are checked by
 * comparing every result with zlib's (tests/test_crc32.c).
 *
 * Cost on a 200-byte record: about 25 carry-less multiplies, most of
 * them in parallel, against zlib's table walk plus three calls.
 */
#include <stdatomic.h>
#include <string.h>
#include <zlib.h>

#include "crc32.h"

#pragma GCC poison u8 u16 u32 u64

#define CRC_FIELD	12	/* offset of kradar_rec_hdr.crc */

#if defined(__x86_64__)
#define HAVE_CLMUL_CODE 1
#include <cpuid.h>
#include <immintrin.h>

#define CLMUL_TARGET __attribute__((target("pclmul,sse2")))

/* x^(512+32), x^(512-32), x^(128+32), x^(128-32), x^64 mod P, reflected */
static const uint64_t K_FOLD4_LO = 0x154442bd4ULL;
static const uint64_t K_FOLD4_HI = 0x1c6e41596ULL;
static const uint64_t K_FOLD1_LO = 0x1751997d0ULL;
static const uint64_t K_FOLD1_HI = 0x0ccaa009eULL;
static const uint64_t K_64 = 0x163cd6124ULL;
/* P and floor(x^64 / P), reflected, for the Barrett step */
static const uint64_t K_POLY = 0x1db710641ULL;
static const uint64_t K_MU = 0x1f7011641ULL;

CLMUL_TARGET
static inline __m128i fold(__m128i x, __m128i k, __m128i y)
{
	__m128i lo = _mm_clmulepi64_si128(x, k, 0x00);
	__m128i hi = _mm_clmulepi64_si128(x, k, 0x11);

	return _mm_xor_si128(_mm_xor_si128(lo, hi), y);
}

CLMUL_TARGET
static inline __m128i load16(const unsigned char *p)
{
	return _mm_loadu_si128((const __m128i *)p);
}

/* Fold n more 16-byte blocks at q into x */
CLMUL_TARGET
static __m128i fold_blocks(__m128i x1, const unsigned char *q, size_t n)
{
	const __m128i k1 = _mm_set_epi64x(K_FOLD1_HI, K_FOLD1_LO);

	if (n >= 7) {
		const __m128i k4 = _mm_set_epi64x(K_FOLD4_HI, K_FOLD4_LO);
		__m128i x2 = load16(q), x3 = load16(q + 16);
		__m128i x4 = load16(q + 32);

		q += 48;
		n -= 3;
		while (n >= 4) {
			x1 = fold(x1, k4, load16(q));
			x2 = fold(x2, k4, load16(q + 16));
			x3 = fold(x3, k4, load16(q + 32));
			x4 = fold(x4, k4, load16(q + 48));
			q += 64;
			n -= 4;
		}
		x1 = fold(x1, k1, x2);
		x1 = fold(x1, k1, x3);
		x1 = fold(x1, k1, x4);
	}
	for (; n; n--, q += 16)
		x1 = fold(x1, k1, load16(q));
	return x1;
}

/* The CRC state (not inverted) of the message folded into x */
CLMUL_TARGET
static uint32_t reduce(__m128i x)
{
	const __m128i k1 = _mm_set_epi64x(K_FOLD1_HI, K_FOLD1_LO);
	const __m128i k64 = _mm_set_epi64x(0, K_64);
	const __m128i kb = _mm_set_epi64x(K_MU, K_POLY);
	const __m128i low32 = _mm_set_epi32(0, -1, 0, -1);
	__m128i t;

	/* 128 -> 96 bits: the low half moves up by x^64 */
	t = _mm_clmulepi64_si128(x, k1, 0x10);
	x = _mm_xor_si128(_mm_srli_si128(x, 8), t);
	/* 96 -> 64 bits */
	t = _mm_srli_si128(x, 4);
	x = _mm_clmulepi64_si128(_mm_and_si128(x, low32), k64, 0x00);
	x = _mm_xor_si128(x, t);
	/* Barrett: 64 -> 32 bits */
	t = _mm_and_si128(x, low32);
	t = _mm_clmulepi64_si128(t, kb, 0x10);
	t = _mm_and_si128(t, low32);
	t = _mm_clmulepi64_si128(t, kb, 0x00);
	x = _mm_xor_si128(x, t);
	return (uint32_t)_mm_cvtsi128_si32(_mm_srli_si128(x, 4));
}

/* len >= 16 and a multiple of 16; state: the CRC state, not inverted */
CLMUL_TARGET
static uint32_t clmul_update(uint32_t state, const unsigned char *p,
			     size_t len)
{
	__m128i x = _mm_xor_si128(load16(p), _mm_cvtsi32_si128((int)state));

	return reduce(fold_blocks(x, p + 16, len / 16 - 1));
}

/*
 * A record, size >= 16 and a multiple of 8. Initial state ~0; the crc
 * field is masked out of the block that holds it. A size of 16n + 8
 * starts with 8 zero bytes and the first 8 record bytes.
 */
CLMUL_TARGET
static uint32_t clmul_record(const unsigned char *p, size_t size)
{
	const __m128i init_lo = _mm_set_epi32(0, 0, 0, -1);
	__m128i x;

	if (size % 16 == 0) {
		const __m128i keep = _mm_set_epi32(0, -1, -1, -1);

		x = _mm_and_si128(load16(p), keep);
		x = _mm_xor_si128(x, init_lo);
		p += 16;
	} else {
		const __m128i init_hi = _mm_set_epi32(0, -1, 0, 0);
		const __m128i keep = _mm_set_epi32(-1, -1, 0, -1);
		const __m128i k1 = _mm_set_epi64x(K_FOLD1_HI, K_FOLD1_LO);

		x = _mm_slli_si128(_mm_loadl_epi64((const __m128i *)p), 8);
		x = _mm_xor_si128(x, init_hi);
		x = fold(x, k1, _mm_and_si128(load16(p + 8), keep));
		p += 24;
		size -= 8;
	}
	return ~reduce(fold_blocks(x, p, size / 16 - 1));
}

static bool cpu_has_clmul(void)
{
	unsigned int a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d))
		return false;
	return (c & bit_PCLMUL) && (d & bit_SSE2);
}
#else
#define HAVE_CLMUL_CODE 0
static bool cpu_has_clmul(void)
{
	return false;
}
#endif

/* -1: not chosen yet, 0: zlib, 1: carry-less multiply */
static atomic_int crc_mode = -1;

static int mode(void)
{
	int m = atomic_load_explicit(&crc_mode, memory_order_relaxed);

	if (m < 0) {
		m = cpu_has_clmul();
		atomic_store_explicit(&crc_mode, m, memory_order_relaxed);
	}
	return m;
}

bool kradar_crc32_use_clmul(bool on)
{
	int m = on && cpu_has_clmul();

	atomic_store_explicit(&crc_mode, m, memory_order_relaxed);
	return m;
}

const char *kradar_crc32_impl(void)
{
	return mode() ? "pclmul" : "zlib";
}

static uint32_t zlib_crc(uint32_t crc, const unsigned char *p, size_t len)
{
	return (uint32_t)crc32_z(crc, p, len);
}

uint32_t kradar_crc32(uint32_t crc, const void *buf, size_t len)
{
	const unsigned char *p = buf;

#if HAVE_CLMUL_CODE
	if (len >= 16 && mode()) {
		size_t head = len % 16;

		/* the first len % 16 bytes with zlib, then whole blocks */
		if (head) {
			crc = zlib_crc(crc, p, head);
			p += head;
			len -= head;
		}
		return ~clmul_update(~crc, p, len);
	}
#endif
	return zlib_crc(crc, p, len);
}

uint32_t kradar_crc32_record(const void *rec, size_t size)
{
	const unsigned char *p = rec;
	unsigned char head[16];
	uint32_t crc;

#if HAVE_CLMUL_CODE
	if (size >= 16 && size % 8 == 0 && mode())
		return clmul_record(p, size);
#endif
	if (size < 16)
		return 0;
	memcpy(head, p, sizeof(head));
	memset(head + CRC_FIELD, 0, 4);
	crc = kradar_crc32(0, head, sizeof(head));
	return kradar_crc32(crc, p + sizeof(head), size - sizeof(head));
}
