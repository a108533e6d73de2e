/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the kradar fuzz targets (selftests/fuzz/fuzz_*.c).
 *
 * Each target defines LLVMFuzzerTestOneInput(). Built with clang
 * -fsanitize=fuzzer it is a libFuzzer binary; built with the project's
 * normal compiler it is linked into test_fuzz_replay (replay.c), which
 * renames the entry point with -DLLVMFuzzerTestOneInput=... so that all
 * targets fit in one executable.
 *
 * A broken invariant is a crash: FUZZ_ASSERT prints what failed and
 * abort()s, which libFuzzer saves as a crash input and the replay test
 * reports as a failure.
 */
#ifndef KRADAR_FUZZ_H
#define KRADAR_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#pragma GCC poison u8 u16 u32 u64

#define FUZZ_ASSERT(cond, ...) do {					\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz invariant failed: %s: ", #cond);	\
		fprintf(stderr, __VA_ARGS__);				\
		fprintf(stderr, " (%s:%d)\n", __FILE__, __LINE__);	\
		abort();						\
	}								\
} while (0)

/*
 * Chunking: the first two input bytes choose how the rest is split into
 * the chunks given to a push/feed API, so the fuzzer explores chunk
 * boundaries too. c0 == 0: one chunk. Otherwise chunk lengths are drawn
 * from [1, c0 * 17] by an xorshift generator seeded with c1: sizes from one
 * byte to a little more than a record or a line.
 */
struct fuzz_chunks {
	const uint8_t *p;
	size_t left;
	size_t max;
	uint32_t state;
};

static inline void fuzz_chunks_init(struct fuzz_chunks *c, const uint8_t *data,
				    size_t size, const uint8_t **body,
				    size_t *body_len)
{
	uint8_t c0 = size > 0 ? data[0] : 0, c1 = size > 1 ? data[1] : 0;
	size_t skip = size < 2 ? size : 2;

	*body = data + skip;
	*body_len = size - skip;
	c->p = *body;
	c->left = *body_len;
	c->max = c0 ? (size_t)c0 * 17 : 0;
	c->state = 0x9e3779b9u ^ ((uint32_t)c1 << 8 | c0);
}

/* Next chunk; 0 when the input is used up. */
static inline size_t fuzz_chunks_next(struct fuzz_chunks *c, const uint8_t **p)
{
	size_t n;

	if (!c->left)
		return 0;
	if (!c->max) {
		n = c->left;
	} else {
		c->state ^= c->state << 13;
		c->state ^= c->state >> 17;
		c->state ^= c->state << 5;
		n = 1 + c->state % c->max;
		if (n > c->left)
			n = c->left;
	}
	*p = c->p;
	c->p += n;
	c->left -= n;
	return n;
}

/* A NUL inside the first len bytes: a C string that stays in its buffer. */
static inline int fuzz_terminated(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!s[i])
			return 1;
	return 0;
}

#endif /* KRADAR_FUZZ_H */
