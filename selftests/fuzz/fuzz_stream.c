// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target "stream": the kradar stream decoder (host/collect/
 * kradar_decode.c) through its push API, and the JSON string writer the
 * collector puts guest strings through (host/lib/json.c, json_string.c).
 *
 * Input: two chunking bytes (fuzz.h), then the stream. The stream is
 * decoded twice, once in the chosen chunks and once in one push, and the
 * harness checks what the decoder promises:
 *   - a delivered record verified: sync word, 32 <= size <= KRADAR_REC_MAX,
 *     size % 8 == 0, it lies inside the pushed bytes, records do not
 *     overlap and come in stream order;
 *   - indexes are bounded: a window's nr_valid <= MIN(nr_entries, 16),
 *     the QS_GAP, GP_STALL and LOCK arrays decoded stay within both the
 *     count sent and the array, names are NUL-terminated inside their
 *     arrays;
 *   - every byte is accounted for once: record bytes + skipped bytes +
 *     truncated bytes == bytes pushed, and the loss reports add up to the
 *     counters;
 *   - chunking does not matter: both decodes give the same records and
 *     the same losses;
 *   - every guest string written by kradar_json_string() is one JSON
 *     string literal: quotes, escapes, no control bytes, valid UTF-8.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kradar_decode.h"
#include "json.h"
#include "json_string.h"
#include "utf8.h"
#include "fuzz.h"

#define TRACE_MAX 8192	/* events compared between the two decodes */

struct trace_ev {
	uint8_t what;		/* 'R' record, 'L' loss */
	uint16_t type;		/* record type or loss kind */
	uint16_t cpu;
	uint32_t seq;
	uint64_t offset;
	uint64_t a, b;		/* size/malformed or bytes/records */
};

struct run {
	struct kradar_decoder *dec;
	size_t pushed;		/* bytes pushed so far */
	uint64_t next_off;	/* first byte after the last record */
	uint64_t rec_bytes;
	uint64_t loss_skipped, loss_truncated, loss_seq;
	struct trace_ev *tr;
	size_t nr_tr;
	bool check_json;
};

static bool trace_eq(const struct trace_ev *x, const struct trace_ev *y)
{
	return x->what == y->what && x->type == y->type && x->cpu == y->cpu &&
	       x->seq == y->seq && x->offset == y->offset && x->a == y->a &&
	       x->b == y->b;
}

static void trace(struct run *r, const struct trace_ev *ev)
{
	if (r->nr_tr < TRACE_MAX)
		r->tr[r->nr_tr++] = *ev;
}

/* One JSON string literal: "...", escapes well-formed, no raw control
 * bytes, valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
static bool json_string_ok(const unsigned char *s, size_t n)
{
	size_t i = 1;

	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return false;
	while (i < n - 1) {
		unsigned char c = s[i];

		if (c < 0x20 || c == '"')
			return false;
		if (c == '\\') {
			if (i + 1 >= n - 1)
				return false;
			c = s[i + 1];
			if (c == 'u') {
				if (i + 5 >= n - 1)
					return false;
				for (int k = 2; k < 6; k++)
					if (!strchr("0123456789abcdefABCDEF", s[i + k]) ||
					    !s[i + k])
						return false;
				i += 6;
				continue;
			}
			if (!c || !strchr("\"\\/bfnrt", c))
				return false;
			i += 2;
			continue;
		}
		if (c < 0x80) {
			i++;
			continue;
		}
		{
			size_t len = kradar_utf8_len(s + i, n - 1 - i);

			if (!len)
				return false;
			i += len;
		}
	}
	return true;
}

static void check_name(const struct run *r, const char *name, size_t len)
{
	char *out = NULL;
	size_t outlen = 0;
	FILE *f;

	FUZZ_ASSERT(fuzz_terminated(name, len), "name not NUL-terminated");
	if (!r->check_json)
		return;
	f = open_memstream(&out, &outlen);
	if (!f)
		return;	/* out of memory: nothing to check */
	kradar_json_string(f, name, strlen(name), KRADAR_JSON_SHORT);
	if (fclose(f) == 0)
		FUZZ_ASSERT(json_string_ok((unsigned char *)out, outlen),
			    "kradar_json_string wrote an invalid literal: %.*s",
			    (int)outlen, out);
	free(out);
}

static int on_record(void *ctx, const struct kradar_record *rec)
{
	struct run *r = ctx;
	const struct kradar_rec_hdr *h = &rec->h;
	struct trace_ev ev = {
		.what = 'R', .type = h->type, .cpu = h->cpu, .seq = h->seq,
		.offset = rec->offset, .a = h->size, .b = rec->malformed,
	};

	FUZZ_ASSERT(h->sync == KRADAR_SYNC, "sync 0x%x", h->sync);
	FUZZ_ASSERT(h->size >= sizeof(*h) && h->size <= KRADAR_REC_MAX &&
		    h->size % KRADAR_REC_ALIGN == 0, "size %u", h->size);
	FUZZ_ASSERT(rec->offset >= r->next_off,
		    "record at %llu overlaps the previous one (ends %llu)",
		    (unsigned long long)rec->offset,
		    (unsigned long long)r->next_off);
	FUZZ_ASSERT(rec->offset + h->size <= r->pushed,
		    "record %llu+%u beyond the %zu bytes pushed",
		    (unsigned long long)rec->offset, h->size, r->pushed);
	FUZZ_ASSERT(rec->known == (h->type > 0 && h->type < KRADAR_REC_TYPE_MAX),
		    "known flag for type %u", h->type);
	r->next_off = rec->offset + h->size;
	r->rec_bytes += h->size;

	switch (h->type) {
	case KRADAR_REC_HELLO:
		check_name(r, rec->u.hello.release, sizeof(rec->u.hello.release));
		check_name(r, rec->u.hello.port, sizeof(rec->u.hello.port));
		break;
	case KRADAR_REC_HRTIMER_WINDOW: {
		const struct kradar_window *w = &rec->window;

		FUZZ_ASSERT(w->nr_valid <= w->nr_entries &&
			    w->nr_valid <= KRADAR_HRTIMER_MAX_ENTRIES,
			    "nr_valid %u, nr_entries %u", w->nr_valid,
			    w->nr_entries);
		FUZZ_ASSERT(w->nr_valid == w->nr_entries ||
			    (rec->malformed & KRADAR_MALF_ENTRIES),
			    "entries cut without KRADAR_MALF_ENTRIES");
		for (uint32_t i = 0; i < w->nr_valid; i++)
			check_name(r, w->entries[i].name,
				   sizeof(w->entries[i].name));
		break;
	}
	case KRADAR_REC_STORM_BEGIN:
	case KRADAR_REC_STORM_END:
		check_name(r, rec->u.storm.name, sizeof(rec->u.storm.name));
		break;
	case KRADAR_REC_QS_GAP: {
		const struct kradar_gap *g = &rec->gap;

		FUZZ_ASSERT(g->nr_top_valid <= g->r.nr_top &&
			    g->nr_top_valid <= KRADAR_GAP_TOP &&
			    g->nr_stack_valid <= g->r.nr_stack &&
			    g->nr_stack_valid <= KRADAR_STACK_MAX,
			    "qs_gap: %u of %u top, %u of %u frames",
			    g->nr_top_valid, g->r.nr_top, g->nr_stack_valid,
			    g->r.nr_stack);
		check_name(r, g->r.comm, sizeof(g->r.comm));
		for (uint32_t i = 0; i < g->nr_top_valid; i++)
			check_name(r, g->top[i].name, sizeof(g->top[i].name));
		for (uint32_t i = 0; i < g->nr_stack_valid; i++)
			check_name(r, g->stack[i].sym, sizeof(g->stack[i].sym));
		break;
	}
	case KRADAR_REC_GP_STALL:
		FUZZ_ASSERT(rec->u.stall.nr_cpus <= KRADAR_STALL_CPUS,
			    "gp_stall: nr_cpus %u", rec->u.stall.nr_cpus);
		break;
	case KRADAR_REC_LOCK: {
		const struct kradar_lockrec *l = &rec->lock;

		FUZZ_ASSERT(l->nr_waiters_valid <= l->r.nr_listed &&
			    l->nr_waiters_valid <= KRADAR_LOCK_WAITERS &&
			    l->nr_owner_valid <= l->r.nr_owner_stack &&
			    l->nr_owner_valid <= KRADAR_LOCK_STACK &&
			    l->nr_waiter_stack_valid <= l->r.nr_waiter_stack &&
			    l->nr_waiter_stack_valid <= KRADAR_LOCK_STACK,
			    "lock: %u of %u waiters, %u of %u + %u of %u frames",
			    l->nr_waiters_valid, l->r.nr_listed,
			    l->nr_owner_valid, l->r.nr_owner_stack,
			    l->nr_waiter_stack_valid, l->r.nr_waiter_stack);
		check_name(r, l->r.owner_comm, sizeof(l->r.owner_comm));
		check_name(r, l->r.name, sizeof(l->r.name));
		for (uint32_t i = 0; i < l->nr_waiters_valid; i++)
			check_name(r, l->waiters[i].comm, sizeof(l->waiters[i].comm));
		for (uint32_t i = 0; i < l->nr_owner_valid; i++)
			check_name(r, l->owner_stack[i].sym,
				   sizeof(l->owner_stack[i].sym));
		for (uint32_t i = 0; i < l->nr_waiter_stack_valid; i++)
			check_name(r, l->waiter_stack[i].sym,
				   sizeof(l->waiter_stack[i].sym));
		break;
	}
	}
	trace(r, &ev);
	return 0;
}

static int on_loss(void *ctx, const struct kradar_loss *loss)
{
	struct run *r = ctx;
	struct trace_ev ev = {
		.what = 'L', .type = loss->kind, .cpu = loss->cpu,
		.seq = loss->seq, .offset = loss->offset, .a = loss->bytes,
		.b = loss->records,
	};

	FUZZ_ASSERT(loss->kind >= KRADAR_LOSS_SKIPPED &&
		    loss->kind <= KRADAR_LOSS_SEQ_BACK, "loss kind %d",
		    (int)loss->kind);
	switch (loss->kind) {
	case KRADAR_LOSS_SKIPPED:
	case KRADAR_LOSS_TRUNCATED:
		FUZZ_ASSERT(loss->bytes > 0 &&
			    loss->offset + loss->bytes <= r->pushed,
			    "%s %llu+%llu beyond %zu bytes pushed",
			    kradar_loss_kind_name(loss->kind),
			    (unsigned long long)loss->offset,
			    (unsigned long long)loss->bytes, r->pushed);
		FUZZ_ASSERT(loss->offset >= r->next_off,
			    "%s at %llu inside a delivered record (ends %llu)",
			    kradar_loss_kind_name(loss->kind),
			    (unsigned long long)loss->offset,
			    (unsigned long long)r->next_off);
		FUZZ_ASSERT(strcmp(kradar_skip_reason_name(loss->reason),
				   "unknown") ||
			    loss->kind == KRADAR_LOSS_TRUNCATED,
			    "skip reason %u", loss->reason);
		if (loss->kind == KRADAR_LOSS_SKIPPED)
			r->loss_skipped += loss->bytes;
		else
			r->loss_truncated += loss->bytes;
		break;
	case KRADAR_LOSS_SEQ_GAP:
		FUZZ_ASSERT(loss->records > 0 && loss->records < 0x80000000ULL &&
			    (uint32_t)(loss->seq - loss->expected_seq) ==
			    loss->records, "gap of %llu from %u to %u",
			    (unsigned long long)loss->records,
			    loss->expected_seq, loss->seq);
		r->loss_seq += loss->records;
		break;
	case KRADAR_LOSS_MALFORMED: {
		char buf[128];

		FUZZ_ASSERT(loss->reason != 0 && loss->records == 1,
			    "malformed reason %u", loss->reason);
		kradar_malformed_str(loss->reason, buf, sizeof(buf));
		FUZZ_ASSERT(buf[0], "malformed reason %u has no name",
			    loss->reason);
		break;
	}
	case KRADAR_LOSS_SEQ_BACK:
		FUZZ_ASSERT((uint32_t)(loss->seq - loss->expected_seq) >=
			    0x80000000U, "restart from %u to %u",
			    loss->expected_seq, loss->seq);
		break;
	}
	trace(r, &ev);
	return 0;
}

/* Decode body in the chunks chosen by data[0..1] (all of it when whole). */
static void decode(struct run *r, const uint8_t *data, size_t size,
		   bool whole)
{
	const struct kradar_decoder_ops ops = {
		.record = on_record, .loss = on_loss, .ctx = r,
	};
	struct fuzz_chunks c;
	const uint8_t *body, *p;
	size_t body_len, n;
	const struct kradar_decoder_stats *st;
	int err;

	fuzz_chunks_init(&c, data, size, &body, &body_len);
	if (whole)
		c.max = 0;
	r->dec = kradar_decoder__new(&ops);
	if (!r->dec)
		return;	/* out of memory */
	while ((n = fuzz_chunks_next(&c, &p))) {
		r->pushed += n;
		err = kradar_decoder__push(r->dec, p, n);
		FUZZ_ASSERT(err == 0 || err == -ENOMEM, "push: %d", err);
		if (err)
			goto out;
	}
	err = kradar_decoder__finish(r->dec);
	FUZZ_ASSERT(err == 0 || err == -ENOMEM, "finish: %d", err);
	if (err)
		goto out;
	FUZZ_ASSERT(kradar_decoder__push(r->dec, "x", 1) == -EINVAL,
		    "push after finish accepted");

	st = kradar_decoder__stats(r->dec);
	FUZZ_ASSERT(st->bytes == body_len, "stats bytes %llu, pushed %zu",
		    (unsigned long long)st->bytes, body_len);
	FUZZ_ASSERT(r->rec_bytes + st->skipped_bytes + st->truncated_bytes ==
		    st->bytes, "bytes: %llu in records + %llu skipped + %llu "
		    "truncated != %llu", (unsigned long long)r->rec_bytes,
		    (unsigned long long)st->skipped_bytes,
		    (unsigned long long)st->truncated_bytes,
		    (unsigned long long)st->bytes);
	FUZZ_ASSERT(r->loss_skipped == st->skipped_bytes &&
		    r->loss_truncated == st->truncated_bytes &&
		    r->loss_seq == st->seq_lost,
		    "loss reports (%llu skipped, %llu truncated, %llu seq) vs "
		    "stats (%llu, %llu, %llu)",
		    (unsigned long long)r->loss_skipped,
		    (unsigned long long)r->loss_truncated,
		    (unsigned long long)r->loss_seq,
		    (unsigned long long)st->skipped_bytes,
		    (unsigned long long)st->truncated_bytes,
		    (unsigned long long)st->seq_lost);
	{
		uint64_t sum = st->unknown;

		for (int t = 0; t < KRADAR_REC_TYPE_MAX; t++)
			sum += st->by_type[t];
		FUZZ_ASSERT(sum == st->records, "by type %llu, records %llu",
			    (unsigned long long)sum,
			    (unsigned long long)st->records);
	}
out:
	kradar_decoder__free(r->dec);
	r->dec = NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct trace_ev tr_a[TRACE_MAX], tr_b[TRACE_MAX];
	struct run a = { .tr = tr_a, .check_json = true };
	struct run b = { .tr = tr_b };

	decode(&a, data, size, false);
	decode(&b, data, size, true);
	if (a.pushed != b.pushed)
		return 0;	/* a decode ran out of memory */
	FUZZ_ASSERT(a.nr_tr == b.nr_tr,
		    "chunked decode gave %zu events, one push %zu",
		    a.nr_tr, b.nr_tr);
	for (size_t i = 0; i < a.nr_tr; i++)
		FUZZ_ASSERT(trace_eq(&tr_a[i], &tr_b[i]),
			    "event %zu differs with chunking: %c type %u at "
			    "%llu (a=%llu b=%llu) vs %c type %u at %llu "
			    "(a=%llu b=%llu)", i, tr_a[i].what, tr_a[i].type,
			    (unsigned long long)tr_a[i].offset,
			    (unsigned long long)tr_a[i].a,
			    (unsigned long long)tr_a[i].b, tr_b[i].what,
			    tr_b[i].type, (unsigned long long)tr_b[i].offset,
			    (unsigned long long)tr_b[i].a,
			    (unsigned long long)tr_b[i].b);
	return 0;
}
