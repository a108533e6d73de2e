// SPDX-License-Identifier: GPL-2.0
/*
 * test_console_dump: the reader of the probe's panic-time console dump.
 *
 * Dumps are written here by an independent writer (records from the test
 * encoder, lines formatted and checksummed with zlib as the format says),
 * then fed whole, shuffled, interleaved with other console output, cut,
 * bit-flipped, duplicated and forged. Every case checks that each record
 * handed over is byte for byte a record that was dumped, and that what
 * could not be recovered is counted.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "console_dump.h"
#include "kradar_decode.h"
#include "kradar_enc.h"
#include "tap.h"

#define SESSION		0xc4155432c54a5623ULL
#define CHUNK		192
#define MAX_LINES	512

struct dump {
	struct kenc e;
	char *line[MAX_LINES];
	size_t n;
};

static char *line_of(const char *text)
{
	uLong crc = crc32(crc32(0L, Z_NULL, 0), (const Bytef *)text,
			  (uInt)strlen(text));
	size_t len = strlen(text) + 64;
	char *l = malloc(len);

	if (l)
		snprintf(l, len, "[    5.013364] kradar_probe: kradar-dump: %s %08lx\n",
			 text, crc);
	return l;
}

static void add_line(struct dump *d, const char *text)
{
	if (d->n < MAX_LINES)
		d->line[d->n++] = line_of(text);
}

static size_t b64(const unsigned char *in, size_t len, char *out)
{
	static const char t[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0, i;

	for (i = 0; i + 2 < len; i += 3) {
		unsigned long v = (unsigned long)in[i] << 16 | in[i + 1] << 8 |
				  in[i + 2];

		out[o++] = t[v >> 18 & 63];
		out[o++] = t[v >> 12 & 63];
		out[o++] = t[v >> 6 & 63];
		out[o++] = t[v & 63];
	}
	if (i < len) {
		unsigned long v = (unsigned long)in[i] << 16 |
				  (i + 1 < len ? in[i + 1] << 8 : 0);

		out[o++] = t[v >> 18 & 63];
		out[o++] = t[v >> 12 & 63];
		out[o++] = i + 1 < len ? t[v >> 6 & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
	return o;
}

/* The records of a short storm, then the dump lines as the probe prints */
static void make_dump(struct dump *d, uint64_t session, bool with_end)
{
	struct kenc_entry ent[2] = {
		{ 0xffffffffc0a01230ULL, 90000, 89000, 900000000, 20000000,
		  "kradar_test_storm_fn [kradar_test_hrstorm]" },
		{ 0xffffffff81234560ULL, 25, 0, 0, 0, "tick_sched_timer" },
	};
	struct kenc_storm st = {
		.function = ent[0].function, .name = ent[0].name,
		.begin_ns = 3000000000ULL, .rate_per_s = 900000,
		.peak_rate_per_s = 910000, .count = 90000, .late = 89000,
		.threshold_per_s = 50000,
	};
	char text[512], data[300];

	memset(d, 0, sizeof(*d));
	kenc_init(&d->e);
	kenc_window(&d->e, 1, 3000000000ULL, 3100000000ULL, 0, ent, 2);
	kenc_storm(&d->e, KRADAR_REC_STORM_BEGIN, 1, &st);
	kenc_heartbeat(&d->e, 31, 0);
	kenc_window(&d->e, 0, 3000000000ULL, 3100000000ULL, 0, &ent[1], 1);
	kenc_window(&d->e, 1, 3100000000ULL, 3150000000ULL, 0, ent, 2);

	snprintf(text, sizeof(text), "begin %016llx 1 0 16384",
		 (unsigned long long)session);
	add_line(d, text);
	for (size_t r = 0; r < d->e.nr; r++) {
		for (size_t o = 0; o < d->e.size[r]; o += CHUNK) {
			size_t n = d->e.size[r] - o < CHUNK ? d->e.size[r] - o :
							      CHUNK;

			b64(d->e.buf + d->e.off[r] + o, n, data);
			snprintf(text, sizeof(text), "d %016llx %zu %s",
				 (unsigned long long)session, d->e.off[r] + o,
				 data);
			add_line(d, text);
		}
	}
	if (with_end) {
		snprintf(text, sizeof(text), "end %016llx %zu %zu %zu 0 0 52000",
			 (unsigned long long)session, d->e.len, d->n + 1,
			 d->e.nr);
		add_line(d, text);
	}
}

static void free_dump(struct dump *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->line[i]);
	kenc_free(&d->e);
}

/* What the sink received, checked against the dumped records */
struct got {
	const struct dump *d;
	uint32_t seen_below[2];	/* cpu 0, 1: seq < this was streamed */
	bool use_seen;
	size_t n;
	size_t wrong;
	uint16_t cpu[64];
	uint32_t seq[64];
	int fail_push;		/* return this from push (0: none) */
};

static bool sink_seen(void *ctx, uint64_t session, uint16_t cpu, uint32_t seq)
{
	struct got *g = ctx;

	return g->use_seen && cpu < 2 && seq < g->seen_below[cpu];
}

static int sink_push(void *ctx, uint64_t session, const void *rec, size_t len)
{
	struct got *g = ctx;
	const struct dump *d = g->d;
	struct kradar_rec_hdr h;
	bool match = false;

	if (g->fail_push)
		return g->fail_push;
	if (len < sizeof(h)) {
		g->wrong++;
		return 0;
	}
	memcpy(&h, rec, sizeof(h));
	for (size_t r = 0; r < d->e.nr; r++)
		if (d->e.size[r] == len &&
		    !memcmp(d->e.buf + d->e.off[r], rec, len))
			match = true;
	if (!match || session != SESSION)
		g->wrong++;
	if (g->n < 64) {
		g->cpu[g->n] = le16toh(h.cpu);
		g->seq[g->n] = le32toh(h.seq);
	}
	g->n++;
	return 0;
}

static const struct kcd_stats *feed(struct kcd *k, char *const *lines,
				    size_t n, struct got *g)
{
	struct kcd_sink sink = { sink_seen, sink_push, g };

	for (size_t i = 0; i < n; i++)
		CHECK_EQ(kcd__line(k, lines[i], strlen(lines[i])), 0, "line");
	CHECK_EQ(kcd__deliver(k, &sink), 0, "deliver");
	return kcd__stats(k);
}

static void test_clean(void)
{
	struct dump d;
	struct got g = { .d = &d };
	struct kcd *k = kcd__new();
	const struct kcd_stats *st;

	make_dump(&d, SESSION, true);
	st = feed(k, d.line, d.n, &g);
	CHECK_EQ(g.n, d.e.nr, "records handed over");
	CHECK_EQ(g.wrong, 0, "wrong records");
	CHECK_EQ(st->lines, d.n, "lines");
	CHECK_EQ(st->lines_ok, d.n, "lines verified");
	CHECK_EQ(st->rejected, 0, "rejected");
	CHECK_EQ(st->dumps, 1, "dumps");
	CHECK_EQ(st->dumps_complete, 1, "complete dumps");
	CHECK_EQ(st->bytes, d.e.len, "bytes");
	CHECK_EQ(st->bytes_missing, 0, "bytes missing");
	CHECK_EQ(st->guest_ns, 52000, "guest dump time");
	/* in dump order */
	CHECK_EQ(g.cpu[0], 1, "first record's cpu");
	CHECK_EQ(g.cpu[2], KRADAR_CPU_NONE, "heartbeat third");
	kcd__free(k);
	free_dump(&d);
}

static void test_seen(void)
{
	struct dump d;
	struct got g = { .d = &d, .use_seen = true, .seen_below = { 0, 2 } };
	struct kcd *k = kcd__new();
	const struct kcd_stats *st;

	make_dump(&d, SESSION, true);
	/* CPU 1's window 0 and storm 1 were streamed; its window 2 was not */
	st = feed(k, d.line, d.n, &g);
	CHECK_EQ(st->records, 5, "records decoded");
	CHECK_EQ(st->records_seen, 2, "already received");
	CHECK_EQ(st->records_new, 3, "recovered");
	CHECK_EQ(g.n, 3, "handed over");
	CHECK_EQ(g.wrong, 0, "wrong records");
	CHECK_EQ(g.cpu[2], 1, "last is CPU 1's");
	CHECK_EQ(g.seq[2], 2, "its seq");
	kcd__free(k);
	free_dump(&d);
}

/* Reversed, with other console output between the lines */
static void test_interleaved(void)
{
	static char other[] = "[    5.013400] CPU: 0 PID: 1 Comm: sh Not tainted\n";
	static char half[] = "[    5.01] kradar_probe: kradar-dump: d c415";
	char *lines[2 * MAX_LINES];
	struct dump d;
	struct got g = { .d = &d };
	struct kcd *k = kcd__new();
	const struct kcd_stats *st;
	size_t n = 0;

	make_dump(&d, SESSION, true);
	for (size_t i = d.n; i-- > 0;) {
		lines[n++] = d.line[i];
		lines[n++] = i % 2 ? other : half;
	}
	st = feed(k, lines, n, &g);
	CHECK_EQ(g.n, d.e.nr, "records handed over");
	CHECK_EQ(g.wrong, 0, "wrong records");
	CHECK_EQ(st->lines_ok, d.n, "lines verified");
	CHECK_EQ(st->rejected, (d.n + 1) / 2, "cut lines rejected");
	CHECK_EQ(st->by_reason[KCD_REJ_CRC], (d.n + 1) / 2,
		 "as checksum failures");
	CHECK_EQ(st->dumps_complete, 1, "complete dumps");
	kcd__free(k);
	free_dump(&d);
}

/* Every bit of a data line flipped in turn: rejected, never misread */
static void test_bitflip(void)
{
	struct dump d;
	size_t victim, len, flips = 0, bad = 0, wrong = 0, delivered_max = 0;

	make_dump(&d, SESSION, true);
	victim = 3;	/* a data line inside the first window record */
	len = strlen(d.line[victim]) - 1;	/* not the newline */
	for (size_t pos = 0; pos < len; pos++) {
		for (int bit = 0; bit < 8; bit++) {
			struct got g = { .d = &d };
			struct kcd *k = kcd__new();
			const struct kcd_stats *st;
			char *saved = d.line[victim];
			char *copy = strdup(saved);
			struct kcd_sink sink = { sink_seen, sink_push, &g };

			copy[pos] ^= (char)(1 << bit);
			if (!copy[pos]) {
				free(copy);
				kcd__free(k);
				continue;
			}
			d.line[victim] = copy;
			for (size_t i = 0; i < d.n; i++)
				kcd__line(k, d.line[i], strlen(d.line[i]));
			kcd__deliver(k, &sink);
			st = kcd__stats(k);
			d.line[victim] = saved;
			flips++;
			wrong += g.wrong;
			if (g.n > delivered_max)
				delivered_max = g.n;
			/*
			 * A flip before the mark is harmless; one in the mark
			 * hides the line; anywhere else it is rejected. Each
			 * costs the record of that line, no more.
			 */
			if (pos < strlen("[    5.013364] kradar_probe: ")) {
				if (st->lines_ok != d.n || g.n != d.e.nr)
					bad++;
			} else if (pos < strlen("[    5.013364] kradar_probe: "
						KCD_MARK)) {
				if (st->lines != d.n - 1 || st->rejected ||
				    g.n != d.e.nr - 1)
					bad++;
			} else if (st->rejected != 1 || g.n != d.e.nr - 1) {
				bad++;
			}
			free(copy);
			kcd__free(k);
		}
	}
	CHECK(flips > 1000, "flips tried: %zu", flips);
	CHECK_EQ(wrong, 0, "wrong records over all flips");
	CHECK_EQ(bad, 0, "flips not rejected, or more than one record lost");
	CHECK_EQ(delivered_max, d.e.nr, "most delivered");
	free_dump(&d);
}

/* A line cut anywhere never passes; the records around it still do */
static void test_truncated(void)
{
	struct dump d;
	size_t victim = 4, len, bad = 0, wrong = 0;

	make_dump(&d, SESSION, true);
	len = strlen(d.line[victim]);
	for (size_t cut = 0; cut + 1 < len; cut++) {
		struct got g = { .d = &d };
		struct kcd *k = kcd__new();
		struct kcd_sink sink = { sink_seen, sink_push, &g };
		const struct kcd_stats *st;

		for (size_t i = 0; i < d.n; i++)
			kcd__line(k, d.line[i],
				  i == victim ? cut : strlen(d.line[i]));
		kcd__deliver(k, &sink);
		st = kcd__stats(k);
		wrong += g.wrong;
		if (st->lines_ok != d.n - 1 || g.n >= d.e.nr)
			bad++;
		kcd__free(k);
	}
	CHECK_EQ(wrong, 0, "wrong records");
	CHECK_EQ(bad, 0, "cuts accepted or not costing a record");
	free_dump(&d);
}

/* No end line, one data line lost: partial dump, counted */
static void test_missing(void)
{
	struct dump d;
	struct got g = { .d = &d };
	struct kcd *k = kcd__new();
	const struct kcd_stats *st;
	size_t last;

	make_dump(&d, SESSION, true);
	last = d.n - 1;		/* the end line */
	free(d.line[1]);
	d.line[1] = strdup("lost\n");	/* first line of the first record */
	st = feed(k, d.line, d.n, &g);
	CHECK_EQ(g.n, d.e.nr - 1, "records but the first");
	CHECK_EQ(g.wrong, 0, "wrong records");
	CHECK_EQ(st->dumps_complete, 0, "complete dumps");
	CHECK(st->bytes_missing > 0 && st->bytes_missing <= CHUNK,
	      "bytes missing %llu", (unsigned long long)st->bytes_missing);
	kcd__free(k);

	/* and without the end line: nothing to compare with, still decoded */
	k = kcd__new();
	memset(&g, 0, sizeof(g));
	g.d = &d;
	st = feed(k, d.line, last, &g);
	CHECK_EQ(g.n, d.e.nr - 1, "records without end line");
	CHECK_EQ(st->bytes_missing, 0, "missing unknown without end");
	kcd__free(k);
	free_dump(&d);
}

static void test_duplicated(void)
{
	char *lines[2 * MAX_LINES];
	struct dump d;
	struct got g = { .d = &d };
	struct kcd *k = kcd__new();
	const struct kcd_stats *st;

	make_dump(&d, SESSION, true);
	memcpy(lines, d.line, d.n * sizeof(*lines));
	memcpy(lines + d.n, d.line, d.n * sizeof(*lines));
	st = feed(k, lines, 2 * d.n, &g);
	CHECK_EQ(g.n, d.e.nr, "each record once");
	CHECK_EQ(st->lines_dup, d.n, "duplicates");
	CHECK_EQ(st->rejected, 0, "rejected");
	CHECK_EQ(g.wrong, 0, "wrong records");
	kcd__free(k);
	free_dump(&d);
}

/* Lines with a right checksum and wrong contents */
static void test_hostile(void)
{
	static const char *const forged[] = {
		"d c4155432c54a5623 99999999999 S1JEUg==",	/* range */
		"d c4155432c54a5623 1048575 S1JEUg==",		/* range end */
		"d c4155432c54a5623 0 S1JEU",			/* base64 */
		"d c4155432c54a5623 0 S1J!Ug==",
		"d c4155432c54a5623 0 S1JEUh==",		/* non-canonical */
		"d c4155432c54a5623 -1 S1JEUg==",
		"d c4155432c54a5623 01 S1JEUg==",
		"d C4155432C54A5623 0 S1JEUg==",		/* upper case */
		"d c4155432c54a562 0 S1JEUg==",
		"d c4155432c54a5623 0",
		"d c4155432c54a5623 0 S1JEUg== extra",
		"d  c4155432c54a5623 0 S1JEUg==",
		"x c4155432c54a5623 0 S1JEUg==",
		"begin c4155432c54a5623 2 0 16384",		/* version */
		"begin c4155432c54a5623 1 0",
		"end c4155432c54a5623 99999999 1 1 0 0 0",	/* range */
		"end c4155432c54a5623 1 1 1 0 0 18446744073709551616",
		"",
		"d c4155432c54a5623 0 S1JEUgAA",		/* conflict */
	};
	const size_t nf = sizeof(forged) / sizeof(forged[0]);
	char *lines[MAX_LINES + 32];
	struct dump d;
	struct got g = { .d = &d };
	struct kcd *k = kcd__new();
	const struct kcd_stats *st;
	size_t n = 0;

	make_dump(&d, SESSION, true);
	for (size_t i = 0; i < d.n; i++)
		lines[n++] = d.line[i];
	for (size_t i = 0; i < nf; i++)
		lines[n++] = line_of(forged[i]);
	lines[n++] = "kradar-dump: d c4155432c54a5623 0 S1JEUg== 00000000\n";
	lines[n++] = "kradar-dump: \n";
	lines[n++] = "kradar-dump: d c4155432c54a5623 0 S1JEUg== 0000000g\n";
	st = feed(k, lines, n, &g);
	CHECK_EQ(g.n, d.e.nr, "records of the real dump");
	CHECK_EQ(g.wrong, 0, "wrong records");
	CHECK_EQ(st->rejected, nf + 3, "forged lines rejected");
	CHECK_EQ(st->by_reason[KCD_REJ_RANGE], 3, "range");
	CHECK_EQ(st->by_reason[KCD_REJ_VERSION], 1, "version");
	CHECK_EQ(st->by_reason[KCD_REJ_CONFLICT], 1, "conflict");
	CHECK_EQ(st->by_reason[KCD_REJ_CRC], 4, "checksum (and the empty text)");
	CHECK_EQ(st->by_reason[KCD_REJ_SYNTAX], nf - 6, "syntax");
	for (size_t i = d.n; i < d.n + nf; i++)
		free(lines[i]);
	kcd__free(k);
	free_dump(&d);
}

/* Valid lines of many sessions: bounded, the excess counted */
static void test_many_sessions(void)
{
	struct got g = { 0 };
	struct dump d;
	struct kcd *k = kcd__new();
	const struct kcd_stats *st;
	struct kcd_sink sink = { sink_seen, sink_push, &g };

	make_dump(&d, SESSION, true);
	g.d = &d;
	for (unsigned int i = 0; i < KCD_MAX_DUMPS + 4; i++) {
		char text[128], *l;

		snprintf(text, sizeof(text), "d %016x 0 AAAAAAAA", i + 1);
		l = line_of(text);
		kcd__line(k, l, strlen(l));
		free(l);
	}
	CHECK_EQ(kcd__deliver(k, &sink), 0, "deliver");
	st = kcd__stats(k);
	CHECK_EQ(st->dumps, KCD_MAX_DUMPS, "dumps kept");
	CHECK_EQ(st->by_reason[KCD_REJ_TOO_MANY], 4, "beyond the limit");
	CHECK_EQ(g.n, 0, "zero bytes are no record");
	CHECK_EQ(st->bad_bytes, 6 * KCD_MAX_DUMPS, "counted as bad bytes");
	kcd__free(k);
	free_dump(&d);
}

/* From a file: over-long lines skipped, a last line without newline read */
static void test_file(void)
{
	struct dump d;
	struct got g = { .d = &d };
	struct kcd_sink sink = { sink_seen, sink_push, &g };
	struct kcd *k = kcd__new();
	const struct kcd_stats *st;
	FILE *f = tmpfile();
	size_t len;

	make_dump(&d, SESSION, true);
	fputs("kradar-dump: ", f);
	for (int i = 0; i < 3 * KCD_LINE_MAX; i++)
		fputc('A', f);
	fputc('\n', f);
	for (size_t i = 0; i < d.n; i++) {
		len = strlen(d.line[i]);
		fwrite(d.line[i], 1, i + 1 == d.n ? len - 1 : len, f);
	}
	rewind(f);
	CHECK_EQ(kcd__read_file(k, f), 0, "read");
	CHECK_EQ(kcd__deliver(k, &sink), 0, "deliver");
	st = kcd__stats(k);
	CHECK_EQ(g.n, d.e.nr, "records");
	CHECK_EQ(st->lines, d.n + 1, "lines with the mark");
	CHECK_EQ(st->rejected, 1, "the over-long line");
	CHECK_EQ(st->dumps_complete, 1, "the end line without newline");
	fclose(f);
	kcd__free(k);
	free_dump(&d);
}

static void test_push_error(void)
{
	struct dump d;
	struct got g = { .d = &d, .fail_push = -ENOSPC };
	struct kcd_sink sink = { sink_seen, sink_push, &g };
	struct kcd *k = kcd__new();

	make_dump(&d, SESSION, true);
	for (size_t i = 0; i < d.n; i++)
		kcd__line(k, d.line[i], strlen(d.line[i]));
	CHECK_EQ(kcd__deliver(k, &sink), (unsigned long long)-ENOSPC,
		 "the sink's error is returned");
	kcd__free(k);
	kcd__free(NULL);
	free_dump(&d);
}

/* A dump the probe printed in a guest run (runs/panic-storm) */
static void test_guest_lines(void)
{
	static char *const lines[] = {
		"[    5.013364] kradar_probe: kradar-dump: begin c4155432c54a5623 1 0 16384 b971a929\n",
		"[    5.013364] kradar_probe: kradar-dump: end c4155432c54a5623 568 6 3 0 0 0 1a86701e\n",
	};
	struct got g = { 0 };
	struct dump d;
	struct kcd *k = kcd__new();
	const struct kcd_stats *st;

	make_dump(&d, SESSION, false);
	g.d = &d;
	st = feed(k, lines, 2, &g);
	CHECK_EQ(st->lines_ok, 2, "begin and end verify");
	CHECK_EQ(st->bytes_missing, 568, "no data lines: all missing");
	CHECK_EQ(st->dumps_complete, 0, "incomplete");
	kcd__free(k);
	free_dump(&d);
}

int main(void)
{
	tap_run("clean dump: every record, byte for byte, in order", test_clean);
	tap_run("records the stream delivered are not handed over twice", test_seen);
	tap_run("reversed and interleaved with other console lines", test_interleaved);
	tap_run("every single-bit flip of a data line is rejected", test_bitflip);
	tap_run("a line cut anywhere is rejected", test_truncated);
	tap_run("missing data and end lines: partial, counted", test_missing);
	tap_run("duplicated lines: each record once", test_duplicated);
	tap_run("forged lines with valid checksums are rejected", test_hostile);
	tap_run("sessions beyond the limit are counted, not kept", test_many_sessions);
	tap_run("serial log file: over-long and unterminated lines", test_file);
	tap_run("the sink's error stops delivery", test_push_error);
	tap_run("begin and end lines as the guest printed them", test_guest_lines);
	return tap_done();
}
