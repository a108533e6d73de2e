// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of host/collect/crc32.c against zlib's crc32(): every length
 * 0..300 at every alignment 0..15, random longer lengths, calls split at
 * random points, the record CRC (crc field read as zero) for every record
 * size, with the carry-less multiply code and with the zlib fallback.
 * A record with one flipped bit must not verify.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "crc32.h"
#include "tap.h"

#define BUF_MAX 8192

static unsigned char buf[BUF_MAX + 64];
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static void fill(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)rnd();
}

static uint32_t zlib_record(const unsigned char *p, size_t size)
{
	static const unsigned char zero[4];
	uLong c = crc32(0, p, 12);

	c = crc32(c, zero, 4);
	return (uint32_t)crc32(c, p + 16, size - 16);
}

/* Report the first mismatch of a loop, count the comparisons */
struct cmp {
	unsigned long n, bad;
	size_t len, align;
	uint32_t got, want;
};

static void cmp(struct cmp *c, uint32_t got, uint32_t want, size_t len,
		size_t align)
{
	c->n++;
	if (got != want && !c->bad++) {
		c->len = len;
		c->align = align;
		c->got = got;
		c->want = want;
	}
}

static void cmp_ok(const struct cmp *c, const char *name, const char *impl)
{
	if (!tap_ok(c->bad == 0 && c->n > 0, "%s (%s, %lu inputs)", name,
		    impl, c->n))
		printf("#   %lu of %lu differ; first: len %zu align %zu: actual 0x%08x, expected 0x%08x\n",
		       c->bad, c->n, c->len, c->align, c->got, c->want);
}

static void run_all(const char *impl)
{
	struct cmp c;

	ASSERT_EQ_INT(kradar_crc32(0, "123456789", 9), 0xcbf43926U,
		      "check value of \"123456789\"");
	ASSERT_EQ_INT(kradar_crc32(0x12345678, buf, 0), 0x12345678,
		      "zero length returns the CRC given");

	/* every length 0..300 at every alignment, and from a running CRC */
	memset(&c, 0, sizeof(c));
	for (size_t align = 0; align < 16; align++) {
		for (size_t len = 0; len <= 300; len++) {
			uint32_t start = rnd();

			fill(buf + align, len);
			cmp(&c, kradar_crc32(0, buf + align, len),
			    (uint32_t)crc32(0, buf + align, len), len, align);
			cmp(&c, kradar_crc32(start, buf + align, len),
			    (uint32_t)crc32(start, buf + align, len), len,
			    align);
		}
	}
	cmp_ok(&c, "lengths 0..300, alignments 0..15, equal to zlib", impl);

	/* random longer lengths */
	memset(&c, 0, sizeof(c));
	for (int i = 0; i < 2000; i++) {
		size_t align = rnd() % 16, len = rnd() % (BUF_MAX - 16);

		fill(buf + align, len);
		cmp(&c, kradar_crc32(0, buf + align, len),
		    (uint32_t)crc32(0, buf + align, len), len, align);
	}
	cmp_ok(&c, "random lengths up to 8 KiB, equal to zlib", impl);

	/* split calls: the CRC carries across any split points */
	memset(&c, 0, sizeof(c));
	for (int i = 0; i < 3000; i++) {
		size_t len = rnd() % (i < 1500 ? 301 : BUF_MAX), off = 0;
		uint32_t crc = 0;

		fill(buf, len);
		while (off < len) {
			size_t n = rnd() % (len - off + 1);

			if (rnd() % 4 == 0)
				n = rnd() % 20;
			if (n > len - off)
				n = len - off;
			crc = kradar_crc32(crc, buf + off, n);
			off += n;
		}
		cmp(&c, crc, (uint32_t)crc32(0, buf, len), len, 0);
	}
	cmp_ok(&c, "calls split at random points, equal to one zlib call",
	       impl);

	/* record CRC: every size 16..4096 in steps of 8, alignments */
	memset(&c, 0, sizeof(c));
	for (size_t size = 16; size <= 4096; size += 8) {
		size_t align = rnd() % 16;

		fill(buf + align, size);
		cmp(&c, kradar_crc32_record(buf + align, size),
		    zlib_record(buf + align, size), size, align);
	}
	/* sizes that are not multiples of 8 take the generic path */
	for (size_t size = 16; size <= 300; size++) {
		fill(buf + 3, size);
		cmp(&c, kradar_crc32_record(buf + 3, size),
		    zlib_record(buf + 3, size), size, 3);
	}
	cmp_ok(&c, "record CRC with the crc field as zero, equal to zlib",
	       impl);

	/* the crc field does not count; any other byte does */
	{
		size_t size = 200;
		uint32_t crc, bad = 0;

		fill(buf, size);
		crc = kradar_crc32_record(buf, size);
		buf[13] ^= 0x5a;
		ASSERT_EQ_INT(kradar_crc32_record(buf, size), crc,
			      "record CRC ignores the crc field");
		for (size_t bit = 0; bit < size * 8; bit++) {
			if (bit / 8 >= 12 && bit / 8 < 16)
				continue;
			buf[bit / 8] ^= 1u << (bit % 8);
			if (kradar_crc32_record(buf, size) == crc)
				bad++;
			buf[bit / 8] ^= 1u << (bit % 8);
		}
		ASSERT_EQ_INT(bad, 0, "every single bit flip outside the crc field changes the record CRC");
	}
}

int main(void)
{
	bool clmul = kradar_crc32_use_clmul(true);

	printf("# default implementation: %s\n", kradar_crc32_impl());
	if (clmul)
		run_all("pclmul");
	else
		tap_skip("carry-less multiply code", "the CPU has no PCLMULQDQ or this is not x86-64");
	ASSERT_TRUE(!kradar_crc32_use_clmul(false), "zlib fallback can be chosen");
	ASSERT_STREQ(kradar_crc32_impl(), "zlib", "fallback reports zlib");
	run_all("zlib");
	kradar_crc32_use_clmul(true);
	return tap_done();
}
