// SPDX-License-Identifier: GPL-2.0
/*
 * bench-decode: throughput of the collector's stream decoder
 * (host/collect/kradar_decode.c) against the floor of merely
 * checksumming the same bytes (zlib crc32) in the same process.
 *
 * The stream is built from real records: every record of the seed
 * streams (a guest's stream.bin, or selftests/corpus/stream/storm.bin)
 * whose sync, size and CRC verify is copied over and over until the
 * stream reaches --mb MB, with sequence numbers renumbered per CPU, times
 * moved on by each copy's span, one session, and the CRC recomputed: a
 * long clean recording the decoder must take without a single loss.
 *
 * Every HELLO gets the same session, whatever its size: HELLOs of an older
 * probe are shorter than struct kradar_rec_hello, and a session change
 * would make the decoder reset its sequence tracking each time.
 *
 * Besides the floor (zlib crc32 in one call), the CRC code the decoder
 * uses (host/collect/crc32.c) is timed in one call and record by record,
 * for reference.
 *
 * All passes run --rounds times, alternating, timed in CPU time of this
 * process (other load on the machine steals wall time, not CPU time);
 * the best round of each is reported (the least disturbed by other load on the machine). The
 * decoder gets 64 KiB chunks, as the collector's socket reads do, and a
 * record callback that reads each record's type and time.
 *
 *   bench-decode [--mb N] [--rounds N] [--clmul 0|1] SEED.bin...
 * --clmul 0: the decoder's CRC code runs its portable path (zlib), as on a
 * CPU without PCLMULQDQ.
 * Exit: 0 measured, 1 the decoder reported loss or miscounted, 2 usage
 * or environment error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <endian.h>
#include <zlib.h>
#include "crc32.h"
#include "kradar_decode.h"
#include "../bench.h"

#define CHUNK		(64 * 1024)
#define SEED_MAX	(64 * 1024 * 1024)	/* bytes per seed file */

struct seed {
	unsigned char *buf;	/* verified records, back to back */
	size_t len;
	size_t nrec;
	uint64_t ts_min, ts_max;
};

static int read_file(const char *path, unsigned char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		return -errno;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || n > SEED_MAX ||
	    fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return -EFBIG;
	}
	*buf = malloc(n ? n : 1);
	if (!*buf || fread(*buf, 1, n, f) != (size_t)n) {
		free(*buf);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	*len = n;
	return 0;
}

static uint32_t rec_crc(const unsigned char *r, uint32_t size)
{
	static const unsigned char zero[4];
	uLong c = crc32(0, r, 12);

	c = crc32(c, zero, 4);
	return crc32(c, r + 16, size - 16);
}

/* Append the verified records of @in to @s. */
static void seed_add(struct seed *s, const unsigned char *in, size_t len)
{
	size_t off = 0;

	while (off + sizeof(struct kradar_rec_hdr) <= len) {
		struct kradar_rec_hdr h;
		uint32_t size;
		uint64_t ts;

		memcpy(&h, in + off, sizeof(h));
		size = le32toh(h.size);
		if (le32toh(h.sync) != KRADAR_SYNC || size < sizeof(h) ||
		    size > KRADAR_REC_MAX || size % 8 || off + size > len ||
		    rec_crc(in + off, size) != le32toh(h.crc)) {
			off++;
			continue;
		}
		memcpy(s->buf + s->len, in + off, size);
		s->len += size;
		s->nrec++;
		ts = le64toh(h.ts_ns);
		if (s->nrec == 1 || ts < s->ts_min)
			s->ts_min = ts;
		if (ts > s->ts_max)
			s->ts_max = ts;
		off += size;
	}
}

/*
 * Copies of the seed until @want bytes: per-CPU sequence numbers,
 * times shifted per copy, one session, CRCs recomputed.
 */
static unsigned char *build(const struct seed *s, size_t want, size_t *len,
			    uint64_t *nrec)
{
	uint32_t *seq = calloc(65536, sizeof(*seq));
	unsigned char *out;
	uint64_t span = s->ts_max - s->ts_min + 1000000, copy = 0;
	size_t n = 0;

	out = malloc(want + s->len);
	if (!out || !seq) {
		free(out);
		free(seq);
		return NULL;
	}
	*nrec = 0;
	while (n < want) {
		size_t off;

		memcpy(out + n, s->buf, s->len);
		for (off = 0; off < s->len;) {
			unsigned char *r = out + n + off;
			struct kradar_rec_hdr h;
			uint32_t size;

			memcpy(&h, r, sizeof(h));
			size = le32toh(h.size);
			h.seq = htole32(seq[le16toh(h.cpu)]++);
			h.ts_ns = htole64(le64toh(h.ts_ns) + copy * span);
			h.crc = 0;
			memcpy(r, &h, sizeof(h));
			if (le16toh(h.type) == KRADAR_REC_HELLO &&
			    size >= offsetof(struct kradar_rec_hello, session) + 8) {
				uint64_t session = htole64(0x6b72616461726265ULL);

				memcpy(r + offsetof(struct kradar_rec_hello, session),
				       &session, sizeof(session));
			}
			h.crc = htole32(rec_crc(r, size));
			memcpy(r + offsetof(struct kradar_rec_hdr, crc), &h.crc,
			       sizeof(h.crc));
			off += size;
			(*nrec)++;
		}
		n += s->len;
		copy++;
	}
	free(seq);
	*len = n;
	return out;
}

struct sink {
	uint64_t records, losses, ts_xor;
};

static int on_record(void *ctx, const struct kradar_record *rec)
{
	struct sink *k = ctx;

	k->records++;
	k->ts_xor ^= rec->h.ts_ns + rec->h.type;
	return 0;
}

static int on_loss(void *ctx, const struct kradar_loss *loss)
{
	struct sink *k = ctx;

	if (k->losses++ < 3)
		fprintf(stderr, "bench-decode: loss %s at offset %llu (reason %u)\n",
			kradar_loss_kind_name(loss->kind),
			(unsigned long long)loss->offset, loss->reason);
	return 0;
}

/* One decoder pass; ns, or 0 on error. */
static uint64_t decode_pass(const unsigned char *buf, size_t len,
			    struct sink *k)
{
	struct kradar_decoder_ops ops = { on_record, on_loss, k };
	struct kradar_decoder *dec;
	uint64_t t0, t1;
	size_t off;
	int err = 0;

	memset(k, 0, sizeof(*k));
	dec = kradar_decoder__new(&ops);
	if (!dec)
		return 0;
	t0 = bench_cpu_ns();
	for (off = 0; off < len && !err; off += CHUNK)
		err = kradar_decoder__push(dec, buf + off,
					   len - off < CHUNK ? len - off : CHUNK);
	if (!err)
		err = kradar_decoder__finish(dec);
	t1 = bench_cpu_ns();
	kradar_decoder__free(dec);
	return err ? 0 : t1 - t0;
}

/* CRC of every record, verified the way a record-by-record reader must,
 * with zlib (3 calls) or the decoder's code; ns, or 0 if a CRC does not
 * match. */
static uint64_t crc_records_pass(const unsigned char *buf, size_t len,
				 bool own)
{
	uint64_t t0 = bench_cpu_ns();
	size_t off;

	for (off = 0; off + sizeof(struct kradar_rec_hdr) <= len;) {
		struct kradar_rec_hdr h;
		uint32_t c;

		memcpy(&h, buf + off, sizeof(h));
		c = own ? kradar_crc32_record(buf + off, le32toh(h.size)) :
			  rec_crc(buf + off, le32toh(h.size));
		if (c != le32toh(h.crc))
			return 0;
		off += le32toh(h.size);
	}
	return bench_cpu_ns() - t0;
}

int main(int argc, char **argv)
{
	unsigned long mb = 256, rounds = 3, r;
	struct seed s = { 0 };
	unsigned char *buf;
	uint64_t nrec, best_dec = UINT64_MAX, best_crc = UINT64_MAX;
	uint64_t best_rcrc = UINT64_MAX, best_own = UINT64_MAX;
	uint64_t best_own_rec = UINT64_MAX;
	volatile uLong crc_keep = 0;
	size_t len, total = 0;
	struct sink k;
	char text[256];
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i += 2) {
		if (i + 1 >= argc)
			goto usage;
		if (!strcmp(argv[i], "--mb"))
			mb = strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--rounds"))
			rounds = strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--clmul"))
			kradar_crc32_use_clmul(strcmp(argv[i + 1], "0") != 0);
		else
			goto usage;
	}
	if (i >= argc || mb < 1 || mb > 4096 || rounds < 1 || rounds > 100)
		goto usage;
	s.buf = malloc((size_t)(argc - i) * SEED_MAX);
	if (!s.buf)
		return 2;
	for (; i < argc; i++) {
		unsigned char *in = NULL;
		size_t n = 0;
		int err = read_file(argv[i], &in, &n);

		if (err) {
			fprintf(stderr, "bench-decode: cannot read seed %s: %s\n",
				argv[i], strerror(-err));
			return 2;
		}
		seed_add(&s, in, n);
		total += n;
		free(in);
	}
	if (!s.nrec) {
		fprintf(stderr, "bench-decode: no valid record in the seed streams\n");
		return 2;
	}
	buf = build(&s, (size_t)mb << 20, &len, &nrec);
	if (!buf) {
		fprintf(stderr, "bench-decode: cannot allocate %lu MB\n", mb);
		return 2;
	}
	printf("# decode: %zu records (%zu of %zu seed bytes) copied to %zu bytes, %llu records\n",
	       s.nrec, s.len, total, len, (unsigned long long)nrec);

	for (r = 0; r < rounds; r++) {
		uint64_t t0, t;

		t0 = bench_cpu_ns();
		crc_keep ^= crc32(0, buf, len);
		t = bench_cpu_ns() - t0;
		if (t < best_crc)
			best_crc = t;
		t = decode_pass(buf, len, &k);
		if (!t || k.records != nrec || k.losses) {
			fprintf(stderr, "bench-decode: decoder delivered %llu of %llu records with %llu losses\n",
				(unsigned long long)k.records,
				(unsigned long long)nrec,
				(unsigned long long)k.losses);
			return 1;
		}
		if (t < best_dec)
			best_dec = t;
		t = crc_records_pass(buf, len, false);
		if (!t) {
			fprintf(stderr, "bench-decode: a rebuilt record's CRC does not verify\n");
			return 1;
		}
		if (t < best_rcrc)
			best_rcrc = t;
		t0 = bench_cpu_ns();
		crc_keep ^= kradar_crc32(0, buf, len);
		t = bench_cpu_ns() - t0;
		if (t < best_own)
			best_own = t;
		t = crc_records_pass(buf, len, true);
		if (!t) {
			fprintf(stderr, "bench-decode: the decoder's CRC code disagrees with zlib\n");
			return 1;
		}
		if (t < best_own_rec)
			best_own_rec = t;
	}
	(void)crc_keep;
	snprintf(text, sizeof(text),
		 "decoder, %.0f MB stream of real records, best of %lu",
		 len / 1e6, rounds);
	bench_result("decode_mb_s", len / 1e6 / (best_dec / 1e9), "MB/s",
		     ">=1000", text);
	bench_result("decode_rec_s", nrec / (best_dec / 1e9), "records/s", "-",
		     "decoder records per second, same run");
	bench_result("crc32_mb_s", len / 1e6 / (best_crc / 1e9), "MB/s", "-",
		     "floor: zlib crc32 over the same bytes, same process");
	snprintf(text, sizeof(text),
		 "crc32 record by record (%.0f bytes mean, 3 zlib calls each)",
		 (double)len / nrec);
	bench_result("crc32_rec_mb_s", len / 1e6 / (best_rcrc / 1e9), "MB/s",
		     "-", text);
	snprintf(text, sizeof(text),
		 "the decoder's CRC code (%s) in one call over the same bytes",
		 kradar_crc32_impl());
	bench_result("crc32_own_mb_s", len / 1e6 / (best_own / 1e9), "MB/s",
		     "-", text);
	bench_result("crc32_own_rec_mb_s", len / 1e6 / (best_own_rec / 1e9),
		     "MB/s", "-",
		     "the decoder's CRC code record by record (one call each)");
	bench_result("decode_vs_crc32", 100.0 * best_crc / best_dec, "%", ">=50",
		     "decoder throughput as % of the crc32 floor");
	free(buf);
	free(s.buf);
	return fflush(stdout) || ferror(stdout) ? 2 : 0;
usage:
	fprintf(stderr, "usage: bench-decode [--mb 1..4096] [--rounds 1..100] [--clmul 0|1] SEED.bin...\n");
	return 2;
}
