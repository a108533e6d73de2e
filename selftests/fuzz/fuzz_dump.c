// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target "dump": the reader of the probe's panic-time console dump
 * (host/collect/console_dump.c), which parses "kradar-dump:" lines from a
 * guest's serial log and decodes the records in them.
 *
 * Input: a console log; each '\n'-terminated piece is one line. It is
 * read twice, line by line with kcd__line() and as a file with
 * kcd__read_file(), and the harness checks:
 *   - every record handed to the sink is a whole wire record: sync word,
 *     size within [32, KRADAR_REC_MAX] and a multiple of 8, CRC right;
 *   - the counts add up: lines = verified + duplicate + rejected,
 *     rejected = the sum by reason, decoded = recovered + already seen,
 *     dumps and bytes within their limits;
 *   - the sink's answer decides: with "seen" always true nothing is
 *     handed over, with it false every decoded record is;
 *   - both ways of reading agree when no line is longer than the file
 *     reader's limit.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "console_dump.h"
#include "kradar_wire.h"
#include "fuzz.h"

struct sink_state {
	bool seen;
	uint64_t pushed;
};

static bool sink_seen(void *ctx, uint64_t session, uint16_t cpu, uint32_t seq)
{
	return ((struct sink_state *)ctx)->seen;
}

static int sink_push(void *ctx, uint64_t session, const void *rec, size_t len)
{
	struct sink_state *s = ctx;
	const unsigned char *p = rec;
	static const unsigned char zero[4];
	uint32_t sync, size, crc, want;
	uLong c;

	FUZZ_ASSERT(len >= sizeof(struct kradar_rec_hdr) && len <= KRADAR_REC_MAX &&
		    len % KRADAR_REC_ALIGN == 0, "record of %zu bytes", len);
	memcpy(&sync, p, 4);
	memcpy(&size, p + 8, 4);
	memcpy(&want, p + 12, 4);
	FUZZ_ASSERT(le32toh(sync) == KRADAR_SYNC, "no sync word");
	FUZZ_ASSERT(le32toh(size) == len, "size %u, handed %zu", le32toh(size),
		    len);
	c = crc32(0L, Z_NULL, 0);
	c = crc32(c, p, 12);
	c = crc32(c, zero, 4);
	c = crc32(c, p + 16, (uInt)(len - 16));
	crc = (uint32_t)c;
	FUZZ_ASSERT(crc == le32toh(want), "CRC %08x, record says %08x", crc,
		    le32toh(want));
	s->pushed++;
	return 0;
}

static void check(const struct kcd_stats *st, const struct sink_state *s)
{
	uint64_t by = 0;

	for (unsigned int i = 0; i < KCD_REJ_MAX; i++)
		by += st->by_reason[i];
	FUZZ_ASSERT(by == st->rejected, "by reason %llu, rejected %llu",
		    (unsigned long long)by, (unsigned long long)st->rejected);
	FUZZ_ASSERT(st->lines == st->lines_ok + st->lines_dup + st->rejected,
		    "lines %llu != ok %llu + dup %llu + rejected %llu",
		    (unsigned long long)st->lines,
		    (unsigned long long)st->lines_ok,
		    (unsigned long long)st->lines_dup,
		    (unsigned long long)st->rejected);
	FUZZ_ASSERT(st->records == st->records_new + st->records_seen,
		    "records %llu != new %llu + seen %llu",
		    (unsigned long long)st->records,
		    (unsigned long long)st->records_new,
		    (unsigned long long)st->records_seen);
	FUZZ_ASSERT(st->records_new == s->pushed, "new %llu, pushed %llu",
		    (unsigned long long)st->records_new,
		    (unsigned long long)s->pushed);
	FUZZ_ASSERT(s->seen ? s->pushed == 0 : st->records_seen == 0,
		    "the sink's answer was not followed");
	FUZZ_ASSERT(st->dumps <= KCD_MAX_DUMPS, "%llu dumps",
		    (unsigned long long)st->dumps);
	FUZZ_ASSERT(st->bytes <= (uint64_t)KCD_MAX_BYTES * KCD_MAX_DUMPS,
		    "%llu bytes", (unsigned long long)st->bytes);
	FUZZ_ASSERT(st->dumps_complete <= st->dumps, "complete > dumps");
}

static bool read_lines(const uint8_t *data, size_t size, bool seen,
		       struct kcd_stats *out, bool *long_line)
{
	struct sink_state s = { .seen = seen };
	struct kcd_sink sink = { sink_seen, sink_push, &s };
	struct kcd *k = kcd__new();
	size_t start = 0;

	if (!k)
		return false;
	*long_line = false;
	for (size_t i = 0; i <= size; i++) {
		if (i < size && data[i] != '\n')
			continue;
		if (i == size && start == size)
			break;
		if (i + 1 - start >= KCD_LINE_MAX)
			*long_line = true;
		if (kcd__line(k, (const char *)data + start,
			      i - start + (i < size)) < 0) {
			kcd__free(k);
			return false;
		}
		start = i + 1;
	}
	if (kcd__deliver(k, &sink) < 0) {
		kcd__free(k);
		return false;
	}
	check(kcd__stats(k), &s);
	*out = *kcd__stats(k);
	kcd__free(k);
	return true;
}

static bool read_file(const uint8_t *data, size_t size, struct kcd_stats *out)
{
	struct sink_state s = { 0 };
	struct kcd_sink sink = { sink_seen, sink_push, &s };
	struct kcd *k;
	FILE *f;
	bool ok = false;

	if (!size)
		return false;
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return false;
	k = kcd__new();
	if (k && !kcd__read_file(k, f) && !kcd__deliver(k, &sink)) {
		check(kcd__stats(k), &s);
		*out = *kcd__stats(k);
		ok = true;
	}
	kcd__free(k);
	fclose(f);
	return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kcd_stats a, b, c;
	bool long_line;

	if (!read_lines(data, size, false, &a, &long_line))
		return 0;
	if (!read_lines(data, size, true, &b, &long_line))
		return 0;
	FUZZ_ASSERT(a.records == b.records && a.lines == b.lines,
		    "the sink's answer changed the parse");
	/* a NUL byte ends a line for fgets(): compare only clean text */
	if (long_line || memchr(data, '\0', size) || !read_file(data, size, &c))
		return 0;
	FUZZ_ASSERT(a.lines == c.lines && a.lines_ok == c.lines_ok &&
		    a.rejected == c.rejected && a.records == c.records &&
		    a.bytes == c.bytes,
		    "file reader differs: lines %llu/%llu ok %llu/%llu rejected %llu/%llu records %llu/%llu",
		    (unsigned long long)a.lines, (unsigned long long)c.lines,
		    (unsigned long long)a.lines_ok, (unsigned long long)c.lines_ok,
		    (unsigned long long)a.rejected, (unsigned long long)c.rejected,
		    (unsigned long long)a.records, (unsigned long long)c.records);
	return 0;
}
