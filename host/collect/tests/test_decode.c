// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the kradar stream decoder (host/collect/kradar_decode.c)
 * against streams built by an independent encoder (tests/kradar_enc.c):
 * every record type, any chunking, truncation at every byte, every single
 * bit flip, resynchronisation, sequence accounting, hostile field values,
 * a deterministic fuzz run with accounting invariants, and the JSON string
 * escaping used for guest strings.
 */
#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "json_string.h"
#include "kradar_decode.h"
#include "kradar_enc.h"
#include "tap.h"

#define MAX_RECS 2048
#define MAX_LOSS 1024
#define MAX_FULL 16	/* records kept whole */

struct cap {
	size_t nr;
	struct {
		uint64_t offset;
		uint16_t type;
		uint16_t cpu;
		uint32_t seq;
		unsigned int malf;
	} rec[MAX_RECS];
	struct kradar_record full[MAX_FULL];
	size_t nr_loss;
	struct kradar_loss loss[MAX_LOSS];
	struct kradar_decoder_stats st;
	int push_err;
	int finish_err;
	int fail_at;	/* return -EIO from the record callback at this index */
};

static int cap_record(void *ctx, const struct kradar_record *r)
{
	struct cap *c = ctx;

	if (c->fail_at && (size_t)c->fail_at == c->nr + 1)
		return -EIO;
	if (c->nr < MAX_FULL)
		c->full[c->nr] = *r;
	if (c->nr < MAX_RECS) {
		c->rec[c->nr].offset = r->offset;
		c->rec[c->nr].type = r->h.type;
		c->rec[c->nr].cpu = r->h.cpu;
		c->rec[c->nr].seq = r->h.seq;
		c->rec[c->nr].malf = r->malformed;
	}
	c->nr++;
	return 0;
}

static int cap_loss(void *ctx, const struct kradar_loss *l)
{
	struct cap *c = ctx;

	if (c->nr_loss < MAX_LOSS)
		c->loss[c->nr_loss] = *l;
	c->nr_loss++;
	return 0;
}

static struct cap *cap_new(void)
{
	struct cap *c = calloc(1, sizeof(*c));

	if (!c)
		abort();
	return c;
}

/* Decode buf in chunks of `chunk` bytes (0: one push), then finish */
static struct cap *decode(const unsigned char *buf, size_t len, size_t chunk)
{
	struct cap *c = cap_new();
	struct kradar_decoder_ops ops = {
		.record = cap_record, .loss = cap_loss, .ctx = c,
	};
	struct kradar_decoder *dec = kradar_decoder__new(&ops);

	if (!dec)
		abort();
	if (!chunk)
		chunk = len ? len : 1;
	for (size_t o = 0; o < len && !c->push_err; o += chunk)
		c->push_err = kradar_decoder__push(dec, buf + o,
						   len - o < chunk ? len - o : chunk);
	c->finish_err = kradar_decoder__finish(dec);
	c->st = *kradar_decoder__stats(dec);
	kradar_decoder__free(dec);
	return c;
}

/* Bytes in delivered records + skipped + truncated == bytes pushed */
static void check_accounting(const struct cap *c, const struct kenc *e,
			     const char *what)
{
	uint64_t rec_bytes = 0;

	for (size_t i = 0; i < c->nr && i < MAX_RECS; i++) {
		const unsigned char *p = e ? e->buf + c->rec[i].offset : NULL;
		uint32_t size;

		if (!p)
			continue;
		memcpy(&size, p + 8, 4);
		rec_bytes += le32toh(size);
	}
	if (e)
		CHECK_EQ(rec_bytes + c->st.skipped_bytes + c->st.truncated_bytes,
			 c->st.bytes, what);
}

static const struct kenc_entry ent_a = {
	.function = 0xffffffffc0a01230ULL, .count = 25000, .late = 24500,
	.late_sum_ns = 25000ULL * 400000, .late_max_ns = 2500000,
	.name = "advance_sched [sch_taprio]",
};
static const struct kenc_entry ent_b = {
	.function = 0xffffffff81234560ULL, .count = 100, .late = 0,
	.late_sum_ns = 0, .late_max_ns = 900, .name = "tick_nohz_handler",
};

/* One record of every type: hello, heartbeat, window, begin, end, lost */
static const struct kenc_gap test_gap = {
	.phase = KRADAR_PHASE_BEGIN, .pid = 108, .comm = "kradar_spin/1",
	.gap_start_ns = 2674237665ULL, .gap_ns = 476000000ULL,
	.gp_seq = (uint64_t)-815, .gp_start_ns = 2752925845ULL,
	.hardirqs = 4, .softirqs = 7, .hrtimers = 74, .stack_ns = 2850066062ULL,
	.nr_top = 2,
	.top = { { 0xffffffff81234560ULL, 73, "tick_sched_timer" },
		 { 0xffffffff81345670ULL, 1, "hrtimer_wakeup" } },
	.nr_stack = 3,
	.stack = { "asm_sysvec_apic_timer_interrupt+0x16/0x20",
		   "kradar_test_rcu_spin+0x2f/0x60 [kradar_test_rcuspin]",
		   "kthread+0xda/0x100" },
};

static void build_all_types(struct kenc *e)
{
	struct kenc_entry ents[2] = { ent_a, ent_b };
	struct kenc_storm s = {
		.function = ent_a.function, .name = ent_a.name,
		.begin_ns = 57617360123ULL, .end_ns = 58617360123ULL,
		.rate_per_s = 250000, .peak_rate_per_s = 260000,
		.count = 100000, .late = 98000, .late_sum_ns = 123,
		.late_max_ns = 2500000, .threshold_per_s = 50000,
	};

	if (kenc_init(e))
		abort();
	e->ts = 57000000000ULL;
	kenc_hello(e, 0x1122334455667788ULL, 4, 0, "6.12.0-test");
	kenc_heartbeat(e, 7, 0);
	kenc_window(e, 2, 57517360123ULL, 57617360123ULL, 5, ents, 2);
	kenc_storm(e, KRADAR_REC_STORM_BEGIN, 2, &s);
	kenc_storm(e, KRADAR_REC_STORM_END, 2, &s);
	kenc_lost(e, KRADAR_CPU_NONE, KRADAR_LOST_BUFFER_FULL, 3, 528, 11);
	kenc_gap(e, 1, &test_gap);
	kenc_stall(e, KRADAR_PHASE_BEGIN, (uint64_t)-811, 400000000ULL,
		   (const uint16_t[]){ 1 }, 1);
	kenc_lock(e, KRADAR_PHASE_BEGIN, 0xffffffffc0a05000ULL,
		  "kradar_test_mutex [kradar_test_mutex]", 80, "kradar_holder",
		  'D', 1200000000ULL, 1100000000ULL);
	kenc_hung(e, KRADAR_PHASE_BEGIN, 5298500000ULL, 0xffffffffc0a05000ULL,
		  "kradar_test_mutex [kradar_test_mutex]");
	kenc_stuck(e, KRADAR_PHASE_BEGIN, KRADAR_STUCK_SCHED, 1000500000ULL);
}

static void test_all_types(void)
{
	struct kenc e;
	struct cap *c;

	build_all_types(&e);
	c = decode(e.buf, e.len, 0);
	CHECK_EQ(c->nr, 11, "records delivered");
	CHECK_EQ(c->nr_loss, 0, "losses reported");
	CHECK_EQ(c->push_err, 0, "push error");
	CHECK_EQ(c->finish_err, 0, "finish error");
	for (unsigned int t = 1; t < KRADAR_REC_TYPE_MAX; t++)
		CHECK_EQ(c->st.by_type[t], 1, kradar_rec_type_name(t));
	CHECK_EQ(c->st.bytes, e.len, "bytes");
	if (c->nr == 11) {
		const struct kradar_stuckrec *sr = &c->full[10].stuck;

		CHECK_EQ(c->full[10].malformed, 0, "stuck well formed");
		CHECK_EQ(sr->r.kind, KRADAR_STUCK_SCHED, "stuck kind");
		CHECK_EQ(sr->r.stuck_ns, 1000500000ULL, "stuck_ns");
		CHECK_EQ(sr->r.wait_pid, 37, "stuck waiter pid");
		CHECK_STR(sr->r.wait_comm, "kworker/1:1", "stuck waiter comm");
		CHECK_EQ(sr->r.preempt_count, 1, "stuck preempt_count");
		CHECK_EQ(sr->nr_stack_valid, 4, "stuck frames");
		CHECK_STR(sr->stack[1].sym,
			  "kradar_test_preempt_spin+0x2f/0x60 [kradar_test_lockup]",
			  "stuck frame");
	}
	if (c->nr == 11) {
		const struct kradar_hungrec *hr = &c->full[9].hung;

		CHECK_EQ(c->full[9].malformed, 0, "hung well formed");
		CHECK_EQ(hr->r.phase, KRADAR_PHASE_BEGIN, "hung phase");
		CHECK_EQ(hr->r.pid, 111, "hung pid");
		CHECK_STR(hr->r.comm, "kradar_hung/1", "hung comm");
		CHECK_EQ(hr->r.hung_ns, 5298500000ULL, "hung_ns");
		CHECK_EQ(hr->r.lock_owner_pid, 80, "hung lock owner");
		CHECK_STR(hr->r.lock_name, "kradar_test_mutex [kradar_test_mutex]",
			  "hung lock name");
		CHECK_EQ(hr->nr_stack_valid, 3, "hung frames");
		CHECK_STR(hr->stack[0].sym,
			  "kradar_test_hung_wait+0x2a/0x40 [kradar_test_lockup]",
			  "hung frame");
	}
	if (c->nr == 11) {
		const struct kradar_lockrec *l = &c->full[8].lock;
		const struct kradar_gap *g = &c->full[6].gap;
		const struct kradar_rec_gp_stall *st = &c->full[7].u.stall;

		CHECK_EQ(c->full[8].malformed, 0, "lock well formed");
		CHECK_STR(l->r.name, "kradar_test_mutex [kradar_test_mutex]",
			  "lock name");
		CHECK_EQ(l->r.owner_pid, 80, "lock owner pid");
		CHECK_EQ(l->r.owner_state, 'D', "lock owner state");
		CHECK_EQ(l->nr_waiters_valid, 2, "lock waiters");
		CHECK_STR(l->waiters[1].comm, "kradar_waiter/1", "lock waiter");
		CHECK_EQ(l->nr_owner_valid, 2, "owner frames");
		CHECK_STR(l->owner_stack[1].sym,
			  "kradar_test_hold_fn+0x19/0x30 [kradar_test_mutex]",
			  "owner frame");
		CHECK_EQ(l->nr_waiter_stack_valid, 2, "waiter frames");

		CHECK_EQ(c->full[6].malformed, 0, "gap well formed");
		CHECK_EQ(g->r.phase, KRADAR_PHASE_BEGIN, "gap phase");
		CHECK_EQ(g->r.pid, 108, "gap pid");
		CHECK_STR(g->r.comm, "kradar_spin/1", "gap comm");
		CHECK_EQ(g->r.gap_ns, 476000000ULL, "gap_ns");
		CHECK_EQ(g->r.gp_seq, (uint64_t)-815, "gap gp_seq");
		CHECK_EQ(g->nr_top_valid, 2, "gap top entries");
		CHECK_STR(g->top[0].name, "tick_sched_timer", "gap top name");
		CHECK_EQ(g->top[0].count, 73, "gap top count");
		CHECK_EQ(g->nr_stack_valid, 3, "gap frames");
		CHECK_STR(g->stack[1].sym,
			  "kradar_test_rcu_spin+0x2f/0x60 [kradar_test_rcuspin]",
			  "gap frame");
		CHECK_EQ(st->nr_cpus, 1, "stall cpus");
		CHECK_EQ(st->cpus[0], 1, "stall cpu");
		CHECK_EQ(st->stall_ns, 400000000ULL, "stall_ns");
	}
	if (c->nr == 9) {
		const struct kradar_rec_hello *h = &c->full[0].u.hello;
		const struct kradar_window *w = &c->full[2].window;
		const struct kradar_rec_storm *s = &c->full[3].u.storm;
		const struct kradar_rec_lost *l = &c->full[5].u.lost;

		CHECK_EQ(h->session, 0x1122334455667788ULL, "hello session");
		CHECK_EQ(h->nr_cpus, 4, "hello nr_cpus");
		CHECK_EQ(h->window_ms, 100, "hello window_ms");
		CHECK_STR(h->release, "6.12.0-test", "hello release");
		CHECK_EQ(c->full[0].h.ts_ns, 57000000000ULL, "hello ts_ns");
		CHECK_EQ(c->full[1].u.heartbeat.window, 7, "heartbeat window");
		CHECK_EQ(c->full[1].u.heartbeat.sampler_late_ns, 1507,
			 "heartbeat sampler_late_ns");
		CHECK_EQ(c->full[2].h.cpu, 2, "window cpu");
		CHECK_EQ(w->nr_entries, 2, "window nr_entries");
		CHECK_EQ(w->nr_valid, 2, "window nr_valid");
		CHECK_EQ(w->events, 25105, "window events");
		CHECK_EQ(w->entries[0].count, 25000, "entry 0 count");
		CHECK_EQ(w->entries[0].late_max_ns, 2500000, "entry 0 late_max");
		CHECK_STR(w->entries[0].name, "advance_sched [sch_taprio]",
			  "entry 0 name");
		CHECK_STR(w->entries[1].name, "tick_nohz_handler", "entry 1 name");
		CHECK_EQ(c->full[2].malformed, 0, "window malformed");
		CHECK_EQ(s->rate_per_s, 250000, "storm rate");
		CHECK_EQ(s->begin_ns, 57617360123ULL, "storm begin");
		CHECK_STR(s->name, "advance_sched [sch_taprio]", "storm name");
		CHECK_EQ(c->full[4].h.type, KRADAR_REC_STORM_END, "end type");
		CHECK_EQ(l->cause, KRADAR_LOST_BUFFER_FULL, "lost cause");
		CHECK_EQ(l->records, 3, "lost records");
		CHECK_EQ(l->events, 11, "lost events");
		for (size_t i = 0; i < 6; i++)
			CHECK_EQ(c->rec[i].offset, e.off[i], "record offset");
	}
	free(c);
	kenc_free(&e);
}

static int same_records(const struct cap *a, const struct cap *b)
{
	if (a->nr != b->nr)
		return 0;
	for (size_t i = 0; i < a->nr && i < MAX_RECS; i++)
		if (a->rec[i].offset != b->rec[i].offset ||
		    a->rec[i].type != b->rec[i].type ||
		    a->rec[i].seq != b->rec[i].seq)
			return 0;
	return memcmp(&a->st, &b->st, sizeof(a->st)) == 0;
}

static void test_chunking(void)
{
	static const size_t chunks[] = { 1, 2, 3, 7, 8, 13, 64, 1000, 4096 };
	struct kenc e;
	struct cap *whole;

	if (kenc_init(&e) || kenc_gen_storm(&e))
		abort();
	whole = decode(e.buf, e.len, 0);
	CHECK_EQ(whole->nr, e.nr, "records, one push");
	for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		struct cap *c = decode(e.buf, e.len, chunks[i]);

		CHECK(same_records(c, whole),
		      "chunk %zu: %zu records, whole push %zu", chunks[i], c->nr,
		      whole->nr);
		free(c);
	}
	free(whole);
	kenc_free(&e);
}

static void test_every_split(void)
{
	struct kenc e;
	struct cap *whole;
	size_t bad = 0;

	build_all_types(&e);
	whole = decode(e.buf, e.len, 0);
	for (size_t cut = 0; cut <= e.len; cut++) {
		struct cap *c = cap_new();
		struct kradar_decoder_ops ops = {
			.record = cap_record, .loss = cap_loss, .ctx = c,
		};
		struct kradar_decoder *dec = kradar_decoder__new(&ops);

		kradar_decoder__push(dec, e.buf, cut);
		kradar_decoder__push(dec, e.buf + cut, e.len - cut);
		kradar_decoder__finish(dec);
		c->st = *kradar_decoder__stats(dec);
		kradar_decoder__free(dec);
		if (!same_records(c, whole) && bad++ < 5)
			CHECK(0, "split at %zu: %zu records, expected %zu", cut,
			      c->nr, whole->nr);
		free(c);
	}
	CHECK_EQ(bad, 0, "split points that changed the result");
	free(whole);
	kenc_free(&e);
}

static void test_truncation(void)
{
	struct kenc e;
	size_t bad = 0;

	build_all_types(&e);
	for (size_t cut = 0; cut <= e.len; cut++) {
		size_t complete = 0, boundary = 0;
		struct cap *c;
		int fail = 0;

		while (complete < e.nr &&
		       e.off[complete] + e.size[complete] <= cut) {
			boundary = e.off[complete] + e.size[complete];
			complete++;
		}
		c = decode(e.buf, cut, 0);
		if (c->nr != complete || c->st.truncated_bytes != cut - boundary ||
		    c->st.skipped_bytes != 0 || c->st.seq_lost != 0)
			fail = 1;
		for (size_t i = 0; i < complete && i < c->nr; i++)
			if (c->rec[i].offset != e.off[i])
				fail = 1;
		if (fail && bad++ < 5) {
			CHECK_EQ(c->nr, complete, "complete records before cut");
			CHECK_EQ(c->st.truncated_bytes, cut - boundary,
				 "truncated bytes");
			CHECK_EQ(c->st.skipped_bytes, 0, "skipped bytes");
			printf("#   (cut at byte %zu of %zu)\n", cut, e.len);
		}
		free(c);
	}
	CHECK_EQ(bad, 0, "cut offsets decoded wrongly");
	kenc_free(&e);
}

/* Index of the record containing byte off */
static size_t rec_of(const struct kenc *e, size_t off)
{
	for (size_t i = 0; i < e->nr; i++)
		if (off >= e->off[i] && off < e->off[i] + e->size[i])
			return i;
	return e->nr;
}

static void test_bit_flips(void)
{
	struct kenc e;
	size_t bad = 0, flips = 0;

	build_all_types(&e);
	for (size_t bit = 0; bit < e.len * 8; bit++) {
		size_t r = rec_of(&e, bit / 8), gap = 0, before = 0, after = 0;
		size_t j = 0;
		struct cap *c;
		int fail = 0;

		for (size_t i = 0; i < e.nr; i++) {
			if (e.cpu[i] != e.cpu[r] || i == r)
				continue;
			if (i < r)
				before = 1;
			else
				after = 1;
		}
		gap = before && after;
		e.buf[bit / 8] ^= 1u << (bit % 8);
		c = decode(e.buf, e.len, 0);
		e.buf[bit / 8] ^= 1u << (bit % 8);
		flips++;

		if (c->nr != e.nr - 1 ||
		    c->st.skipped_bytes + c->st.truncated_bytes != e.size[r] ||
		    (c->st.truncated_bytes && r != e.nr - 1) ||
		    c->st.seq_lost != gap)
			fail = 1;
		/* the neighbours survive, in order, at their offsets */
		for (size_t i = 0; i < e.nr && !fail; i++) {
			if (i == r)
				continue;
			if (j >= c->nr || c->rec[j].offset != e.off[i])
				fail = 1;
			j++;
		}
		if (fail && bad++ < 5) {
			printf("#   bit %zu (byte %zu, record %zu of size %u)\n",
			       bit, bit / 8, r, e.size[r]);
			CHECK_EQ(c->nr, e.nr - 1, "records delivered");
			CHECK_EQ(c->st.skipped_bytes + c->st.truncated_bytes,
				 e.size[r], "skipped + truncated bytes");
			CHECK_EQ(c->st.seq_lost, gap, "sequence gap");
		}
		free(c);
	}
	CHECK_EQ(bad, 0, "bit flips decoded wrongly");
	CHECK_EQ(flips, e.len * 8, "flips tried");
	kenc_free(&e);
}

/* A gap whose arrays claim more than the record holds: malformed, kept */
static void test_gap_hostile(void)
{
	struct kradar_rec_qs_gap *q;
	struct kenc e;
	struct cap *c;
	size_t off;

	kenc_init(&e);
	kenc_hello(&e, 1, 2, 0, "t");
	off = kenc_gap(&e, 1, &test_gap);
	q = (struct kradar_rec_qs_gap *)(e.buf + off);
	q->nr_stack = htole32(1000000);
	kenc_fix_crc(&e, off);
	off = kenc_gap(&e, 1, &test_gap);
	q = (struct kradar_rec_qs_gap *)(e.buf + off);
	q->phase = htole32(9);
	q->top_size = htole32(3);
	kenc_fix_crc(&e, off);
	off = kenc_stall(&e, KRADAR_PHASE_END, 1, 1, NULL, 0);
	((struct kradar_rec_gp_stall *)(e.buf + off))->nr_cpus = htole32(65);
	kenc_fix_crc(&e, off);
	c = decode(e.buf, e.len, 0);
	CHECK_EQ(c->nr, 4, "records delivered");
	CHECK_EQ(c->st.malformed, 3, "malformed records");
	if (c->nr == 4) {
		CHECK_EQ(c->full[1].malformed, KRADAR_MALF_ENTRIES, "huge nr_stack");
		CHECK_EQ(c->full[1].gap.nr_stack_valid, 0, "no frames decoded");
		CHECK_EQ(c->full[2].malformed,
			 KRADAR_MALF_ENTRIES | KRADAR_MALF_PHASE, "bad phase and size");
		CHECK_EQ(c->full[3].malformed, KRADAR_MALF_ENTRIES, "65 stall cpus");
		CHECK_EQ(c->full[3].u.stall.nr_cpus, 0, "stall cpus dropped");
	}
	free(c);
	kenc_free(&e);
}

/*
 * GP_STALL's grace-period kthread fields: a record of an older probe
 * (ending at cpus[]) decodes with kthread_pid 0; an impossible state
 * becomes '?', a comm without its NUL is cut, a state without a pid is
 * dropped.
 */
static void test_stall_kthread(void)
{
	struct kradar_rec_gp_stall r, *w;
	size_t hdr = sizeof(struct kradar_rec_hdr), off;
	struct kenc e;
	struct cap *c;

	kenc_init(&e);
	kenc_hello(&e, 1, 2, 0, "t");
	memset(&r, 0, sizeof(r));
	r.phase = htole32(KRADAR_PHASE_BEGIN);
	r.kthread_pid = htole32(15);	/* beyond the old size: not sent */
	kenc_rec(&e, KRADAR_REC_GP_STALL, 0, KRADAR_CPU_NONE,
		 (const unsigned char *)&r + hdr,
		 offsetof(struct kradar_rec_gp_stall, kthread_pid) - hdr, 0);
	off = kenc_stall(&e, KRADAR_PHASE_UPDATE, 1, 1, NULL, 0);
	w = (struct kradar_rec_gp_stall *)(e.buf + off);
	w->kthread_pid = htole32(15);
	w->kthread_cpu = htole16(1);
	w->kthread_state = 'Q';
	memset(w->kthread_comm, 'A', sizeof(w->kthread_comm));
	kenc_fix_crc(&e, off);
	off = kenc_stall(&e, KRADAR_PHASE_UPDATE, 1, 1, NULL, 0);
	w = (struct kradar_rec_gp_stall *)(e.buf + off);
	w->kthread_state = 'I';		/* no pid */
	kenc_fix_crc(&e, off);
	c = decode(e.buf, e.len, 0);
	CHECK_EQ(c->nr, 4, "records delivered");
	CHECK_EQ(c->st.malformed, 0, "malformed records");
	if (c->nr == 4) {
		CHECK_EQ(c->full[1].u.stall.kthread_pid, 0, "old record: no kthread");
		CHECK_EQ(c->full[2].u.stall.kthread_pid, 15, "kthread pid");
		CHECK_EQ(c->full[2].u.stall.kthread_cpu, 1, "kthread cpu");
		CHECK_EQ(c->full[2].u.stall.kthread_state, '?', "impossible state");
		CHECK_EQ(strlen(c->full[2].u.stall.kthread_comm),
			 KRADAR_COMM_LEN - 1, "comm cut at its last byte");
		CHECK_EQ(c->full[3].u.stall.kthread_state, 0, "state without pid");
	}
	free(c);
	kenc_free(&e);
}

/*
 * LOCK layouts: the first one (fixed part 200 bytes, fixed_size 0) must
 * not have its waiters read as vhost fields; the current one carries
 * them; impossible vhost fields and lying fixed_size are malformed and
 * dropped, never shown.
 */
static void test_lock_vhost(void)
{
	const struct kradar_rec_lock *r;
	struct kenc e;
	struct cap *c;

	if (kenc_init(&e) || kenc_gen_vhost(&e))
		abort();
	c = decode(e.buf, e.len, 0);
	CHECK_EQ(c->nr, 13, "records delivered");
	CHECK_EQ(c->nr_loss, 5, "losses (malformed records)");
	CHECK_EQ(c->st.malformed, 5, "malformed records");
	if (c->nr != 13)
		goto out;
	/* the first layout */
	r = &c->full[2].lock.r;
	CHECK_EQ(c->full[2].malformed, 0, "first layout well formed");
	CHECK_EQ(r->fixed_size, KRADAR_LOCK_FIXED_V1, "first layout fixed_size");
	CHECK_EQ(r->flags, KRADAR_LOCKF_OWNER, "first layout flags");
	CHECK_EQ(r->vhost_what + r->vhost_vq + r->vhost_dev + r->vhost_off +
		 r->vhost_owner_pid + r->vhost_worker_pid, 0,
		 "first layout: no vhost fields read from its arrays");
	CHECK_EQ(c->full[2].lock.nr_waiters_valid, 2, "first layout waiters");
	CHECK_EQ(c->full[2].lock.waiters[0].pid, 81, "first layout waiter pid");
	CHECK_STR(c->full[2].lock.waiter_stack[1].sym,
		  "kradar_waiter+0x2a/0x50 [kradar_test_mutex]",
		  "first layout waiter stack");
	/* vq->mutex */
	r = &c->full[3].lock.r;
	CHECK_EQ(c->full[3].malformed, 0, "vq->mutex well formed");
	CHECK_EQ(r->fixed_size, sizeof(*r), "fixed_size");
	CHECK(r->flags & KRADAR_LOCKF_VHOST, "vhost flag");
	CHECK_EQ(r->vhost_what, KRADAR_VHOST_VQ_MUTEX, "vhost_what");
	CHECK_EQ(r->vhost_vq, 1, "vhost_vq");
	CHECK_EQ(r->vhost_dev, 1, "vhost_dev");
	CHECK_EQ(r->vhost_off, 8, "vhost_off");
	CHECK_EQ(r->vhost_owner_pid, 111, "vhost owner pid");
	CHECK_EQ(r->vhost_worker_pid, 112, "vhost worker pid");
	CHECK_STR(r->vhost_owner_comm, "kradar-vhost", "vhost owner comm");
	CHECK_STR(r->vhost_kind, "vhost-net", "vhost kind");
	CHECK_EQ(c->full[3].lock.nr_owner_valid, 2, "vq->mutex owner frames");
	/* in vq, waiter killed */
	r = &c->full[6].lock.r;
	CHECK_EQ(c->full[6].malformed, 0, "in-vq lock well formed");
	CHECK_EQ(r->vhost_what, KRADAR_VHOST_IN_VQ, "in-vq what");
	CHECK_EQ(r->vhost_off, 0x48, "in-vq offset");
	CHECK(r->flags & KRADAR_LOCKF_VHOST_KILLED, "killed flag");
	CHECK_EQ(r->vhost_killed_pid, 82, "killed pid");
	CHECK_EQ(r->vhost_killed_ns, 2900000000ULL, "killed since");
	/* hostile */
	CHECK_EQ(c->full[7].malformed, KRADAR_MALF_VHOST, "what 7");
	CHECK_EQ(c->full[7].lock.r.flags & KRADAR_LOCKF_VHOST, 0,
		 "what 7: vhost flag cleared");
	CHECK_EQ(c->full[8].malformed, KRADAR_MALF_VHOST, "device 0, killed 0");
	CHECK_EQ(c->full[8].lock.r.flags &
		 (KRADAR_LOCKF_VHOST | KRADAR_LOCKF_VHOST_KILLED), 0,
		 "device 0: flags cleared");
	CHECK_EQ(c->full[9].malformed, KRADAR_MALF_ENTRIES | KRADAR_MALF_VHOST,
		 "fixed_size beyond the record");
	CHECK_EQ(c->full[9].lock.nr_waiters_valid, 0,
		 "fixed_size beyond the record: no arrays");
	CHECK_EQ(c->full[9].lock.r.vhost_dev, 0,
		 "fixed_size beyond the record: no vhost fields");
	CHECK_EQ(c->full[10].malformed, KRADAR_MALF_ENTRIES | KRADAR_MALF_VHOST,
		 "fixed_size not a multiple of 8");
	CHECK_EQ(c->full[11].malformed, KRADAR_MALF_NAME, "unterminated kind");
	CHECK_EQ(strlen(c->full[11].lock.r.vhost_kind), KRADAR_COMM_LEN - 1,
		 "kind cut");
	CHECK_EQ(strlen(c->full[11].lock.r.vhost_owner_comm),
		 KRADAR_COMM_LEN - 1, "owner comm cut");
out:
	free(c);
	kenc_free(&e);
}

static void test_unknown_types(void)
{
	static const char body[200] = "future record";
	struct kenc e;
	struct cap *c;

	if (kenc_init(&e))
		abort();
	kenc_hello(&e, 1, 2, 0, "r");
	kenc_rec(&e, 0, 0, 0, body, 8, 0);
	kenc_heartbeat(&e, 1, 0);
	kenc_rec(&e, KRADAR_REC_TYPE_MAX, 0, KRADAR_CPU_NONE, body, sizeof(body), 0);
	kenc_rec(&e, 0xffff, 0x8000, 1, body, 0, 0);
	kenc_lost(&e, 0, KRADAR_LOST_NESTED, 0, 0, 4);
	c = decode(e.buf, e.len, 0);
	CHECK_EQ(c->nr, 6, "records delivered");
	CHECK_EQ(c->st.unknown, 3, "unknown records");
	CHECK_EQ(c->st.by_type[KRADAR_REC_LOST], 1, "lost record after them");
	CHECK_EQ(c->st.skipped_bytes, 0, "skipped bytes");
	CHECK_EQ(c->st.seq_lost, 0, "sequence gaps");
	CHECK_EQ(c->nr_loss, 0, "losses reported");
	if (c->nr == 6) {
		CHECK_EQ(c->full[1].known, 0, "type 0 known");
		CHECK_EQ(c->full[4].h.type, 0xffff, "type 0xffff");
		CHECK_EQ(c->full[5].known, 1, "lost known");
	}
	free(c);
	kenc_free(&e);
}

static void test_resync_garbage(void)
{
	unsigned char junk[64];
	struct kenc e;
	struct cap *c;
	size_t junk_off, bad_off, bad_size;

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)(i * 37 + 1);
	memcpy(junk + 10, "KRDR", 4);		/* sync, impossible size */
	memset(junk + 18, 0xff, 4);
	memcpy(junk + 60, "KRD", 3);		/* sync prefix */
	if (kenc_init(&e))
		abort();
	kenc_hello(&e, 1, 2, 0, "r");
	kenc_heartbeat(&e, 1, 0);
	junk_off = e.len;
	kenc_bytes(&e, junk, sizeof(junk));
	/* a record with a wrong CRC right after the junk */
	bad_off = kenc_heartbeat(&e, 2, 0);
	bad_size = e.len - bad_off;
	e.buf[bad_off + 12] ^= 0x55;
	kenc_heartbeat(&e, 3, 0);
	kenc_window(&e, 1, 10, 20, 0, &ent_b, 1);

	c = decode(e.buf, e.len, 0);
	CHECK_EQ(c->nr, 4, "records delivered");
	CHECK_EQ(c->st.skipped_bytes, sizeof(junk) + bad_size, "skipped bytes");
	CHECK_EQ(c->st.resyncs, 1, "resync runs");
	CHECK_EQ(c->st.seq_lost, 1, "heartbeat 2 missing from the sequence");
	CHECK_EQ(c->nr_loss, 2, "losses reported");
	if (c->nr_loss >= 1) {
		CHECK_EQ(c->loss[0].kind, KRADAR_LOSS_SKIPPED, "loss 0 kind");
		CHECK_EQ(c->loss[0].offset, junk_off, "resync offset");
		CHECK_EQ(c->loss[0].bytes, sizeof(junk) + bad_size, "resync bytes");
		CHECK_EQ(c->loss[0].reason, KRADAR_SKIP_SYNC, "resync reason");
	}
	if (c->nr_loss >= 2) {
		CHECK_EQ(c->loss[1].kind, KRADAR_LOSS_SEQ_GAP, "loss 1 kind");
		CHECK_EQ(c->loss[1].records, 1, "gap records");
		CHECK_EQ(c->loss[1].cpu, KRADAR_CPU_NONE, "gap source");
		CHECK_EQ(c->loss[1].expected_seq, 2, "gap expected seq");
		CHECK_EQ(c->loss[1].seq, 3, "gap seq");
	}
	check_accounting(c, &e, "byte accounting");
	free(c);
	kenc_free(&e);
}

static void test_missing_bytes(void)
{
	struct kenc e;
	struct cap *c;
	size_t off, size;

	build_all_types(&e);
	/* drop 10 bytes from the middle of the window record (index 2) */
	off = e.off[2] + 100;
	size = e.size[2];
	memmove(e.buf + off, e.buf + off + 10, e.len - off - 10);
	e.len -= 10;
	c = decode(e.buf, e.len, 0);
	CHECK_EQ(c->nr, 10, "records delivered");
	CHECK_EQ(c->st.skipped_bytes, size - 10, "skipped bytes");
	CHECK_EQ(c->st.truncated_bytes, 0, "truncated bytes");
	CHECK_EQ(c->st.resyncs, 1, "resync runs");
	if (c->nr_loss >= 1)
		CHECK_EQ(c->loss[0].offset, e.off[2], "resync offset");
	free(c);
	kenc_free(&e);
}

static void test_seq_gaps(void)
{
	struct kenc e;
	struct cap *c;
	unsigned int gaps_cpu0 = 0, gaps_cpu1 = 0;

	if (kenc_init(&e))
		abort();
	kenc_hello(&e, 9, 4, 0, "r");
	kenc_window(&e, 0, 1, 2, 0, &ent_b, 1);	/* cpu0 seq 0 */
	kenc_window(&e, 0, 1, 2, 0, &ent_b, 1);	/* cpu0 seq 1 */
	kenc_window(&e, 1, 1, 2, 0, &ent_b, 1);	/* cpu1 seq 0 */
	e.seq[0] += 3;
	kenc_window(&e, 0, 1, 2, 0, &ent_b, 1);	/* cpu0 seq 5: gap 3 */
	e.seq[1] += 1;
	kenc_window(&e, 1, 1, 2, 0, &ent_b, 1);	/* cpu1 seq 2: gap 1 */
	kenc_window(&e, 3, 1, 2, 0, &ent_b, 1);	/* cpu3 seq 0 */
	e.seq[KRADAR_CPU_NONE] += 5;
	kenc_heartbeat(&e, 1, 0);		/* global seq 6: gap 5 */
	kenc_window(&e, 0, 1, 2, 0, &ent_b, 1);	/* cpu0 seq 6 */
	/* forward jumps below 2^31 are gaps, even across the wrap */
	e.seq[0] = 0x70000000;
	kenc_window(&e, 0, 1, 2, 0, &ent_b, 1);
	e.seq[0] = 0xe0000000;
	kenc_window(&e, 0, 1, 2, 0, &ent_b, 1);
	e.seq[0] = 0xfffffffe;
	kenc_window(&e, 0, 1, 2, 0, &ent_b, 1);
	kenc_window(&e, 0, 1, 2, 0, &ent_b, 1);	/* 0xffffffff */
	kenc_window(&e, 0, 1, 2, 0, &ent_b, 1);	/* wraps to 0: no gap */
	e.seq[0] = 10;
	kenc_window(&e, 0, 1, 2, 0, &ent_b, 1);	/* 0 -> 10: gap 9 */

	c = decode(e.buf, e.len, 0);
	CHECK_EQ(c->nr, e.nr, "records delivered");
	CHECK_EQ(c->st.seq_gaps, 7, "gap events");
	CHECK_EQ(c->st.seq_lost, 3 + 1 + 5 + (0x70000000ULL - 7) +
		 (0xe0000000ULL - 0x70000001) + (0xfffffffeULL - 0xe0000001) + 9,
		 "records lost");
	CHECK_EQ(c->st.seq_back, 0, "restarts");
	for (size_t i = 0; i < c->nr_loss; i++) {
		if (c->loss[i].kind != KRADAR_LOSS_SEQ_GAP)
			continue;
		if (c->loss[i].cpu == 0)
			gaps_cpu0++;
		if (c->loss[i].cpu == 1) {
			gaps_cpu1++;
			CHECK_EQ(c->loss[i].expected_seq, 1, "cpu1 expected");
			CHECK_EQ(c->loss[i].seq, 2, "cpu1 seq");
		}
	}
	CHECK_EQ(gaps_cpu0, 5, "gap events on cpu 0");
	CHECK_EQ(gaps_cpu1, 1, "gap events on cpu 1");
	free(c);
	kenc_free(&e);
}

static void test_sessions(void)
{
	struct kenc e;
	struct cap *c;

	if (kenc_init(&e))
		abort();
	kenc_hello(&e, 0xaaaa, 2, 0, "r");
	for (int i = 0; i < 5; i++)
		kenc_window(&e, 0, 1, 2, 0, &ent_b, 1);
	/* module reloaded: new session, sequences restart at 0 */
	memset(e.seq, 0, 65536 * sizeof(*e.seq));
	kenc_hello(&e, 0xbbbb, 2, 0, "r");
	kenc_window(&e, 0, 1, 2, 0, &ent_b, 1);
	kenc_window(&e, 0, 1, 2, 0, &ent_b, 1);
	c = decode(e.buf, e.len, 0);
	CHECK_EQ(c->nr, e.nr, "records delivered");
	CHECK_EQ(c->st.seq_gaps, 0, "gaps after a new session");
	CHECK_EQ(c->st.seq_back, 0, "restarts after a new session");
	CHECK_EQ(c->st.sessions, 2, "sessions");
	free(c);

	/* same session, seq goes back: a restart, not a gap */
	kenc_free(&e);
	if (kenc_init(&e))
		abort();
	kenc_hello(&e, 0xaaaa, 2, 0, "r");
	for (int i = 0; i < 5; i++)
		kenc_window(&e, 0, 1, 2, 0, &ent_b, 1);
	e.seq[0] = 1;
	kenc_window(&e, 0, 1, 2, 0, &ent_b, 1);
	kenc_window(&e, 0, 1, 2, 0, &ent_b, 1);
	/* a resent HELLO of the same session does not reset tracking */
	kenc_hello(&e, 0xaaaa, 2, KRADAR_RECF_RESENT, "r");
	e.seq[0] += 2;
	kenc_window(&e, 0, 1, 2, 0, &ent_b, 1);
	c = decode(e.buf, e.len, 0);
	CHECK_EQ(c->st.seq_back, 1, "restarts");
	CHECK_EQ(c->st.seq_gaps, 1, "gaps across a resent HELLO");
	CHECK_EQ(c->st.seq_lost, 2, "records lost across a resent HELLO");
	CHECK_EQ(c->st.sessions, 1, "sessions");
	free(c);
	kenc_free(&e);
}

static void set_le32(unsigned char *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, 4);
}

static void test_hostile_values(void)
{
	struct kenc_entry ents[KRADAR_HRTIMER_MAX_ENTRIES + 4];
	char longname[KRADAR_NAME_LEN + 8];
	struct kenc e;
	struct cap *c;
	size_t off;

	for (size_t i = 0; i < sizeof(ents) / sizeof(ents[0]); i++)
		ents[i] = ent_b;
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	if (kenc_init(&e))
		abort();
	kenc_hello(&e, 5, 2, 0, "r");				/* 0 */
	/* 0x7fffffff entries claimed, room for 2 */
	off = kenc_window(&e, 0, 1, 2, 0, ents, 2);		/* 1 */
	set_le32(e.buf + off + 64, 0x7fffffff);
	kenc_fix_crc(&e, off);
	/* 20 entries really present: more than the maximum of 16 */
	kenc_window(&e, 1, 1, 2, 0, ents, 20);			/* 2 */
	kenc_window(&e, KRADAR_CPU_NONE, 1, 2, 0, ents, 1);	/* 3 */
	kenc_window(&e, 5, 1, 2, 0, ents, 1);			/* 4 */
	ents[0].name = longname;
	kenc_window(&e, 0, 1, 2, 0, ents, 1);			/* 5 */
	ents[0] = ent_b;
	/* HELLO with a bad magic is not believed (nr_cpus stays 2) */
	off = kenc_hello(&e, 6, 64, 0, "r");			/* 6 */
	e.buf[off + 32] ^= 1;
	kenc_fix_crc(&e, off);
	kenc_window(&e, 7, 1, 2, 0, ents, 1);			/* 7 */
	/* window end before start */
	kenc_window(&e, 0, 20, 10, 0, &ent_b, 1);		/* 8 */

	c = decode(e.buf, e.len, 0);
	CHECK_EQ(c->nr, 9, "records delivered");
	CHECK_EQ(c->st.skipped_bytes, 0, "skipped bytes");
	CHECK_EQ(c->st.malformed, 8, "malformed records");
	if (c->nr == 9) {
		CHECK_EQ(c->full[1].malformed, KRADAR_MALF_ENTRIES, "huge nr_entries");
		CHECK_EQ(c->full[1].window.nr_valid, 2, "entries decoded, huge");
		CHECK_EQ(c->full[1].window.nr_entries, 0x7fffffff, "nr as sent");
		CHECK_EQ(c->full[2].malformed, KRADAR_MALF_ENTRIES, "20 entries");
		CHECK_EQ(c->full[2].window.nr_valid, KRADAR_HRTIMER_MAX_ENTRIES,
			 "entries decoded, 20");
		CHECK_EQ(c->full[3].malformed, KRADAR_MALF_CPU, "cpu 65535");
		CHECK_EQ(c->full[4].malformed, KRADAR_MALF_CPU, "cpu 5 of 2");
		CHECK_EQ(c->full[5].malformed, KRADAR_MALF_NAME, "long name");
		CHECK_EQ(strlen(c->full[5].window.entries[0].name),
			 KRADAR_NAME_LEN - 1, "name terminated");
		CHECK_EQ(c->full[6].malformed, KRADAR_MALF_HELLO, "bad magic");
		CHECK_EQ(c->full[7].malformed, KRADAR_MALF_CPU,
			 "cpu 7 after a bad HELLO claiming 64");
		CHECK_EQ(c->full[8].malformed, KRADAR_MALF_WINDOW, "end < start");
	}
	free(c);
	kenc_free(&e);
}

static void test_bad_sizes(void)
{
	static const uint32_t sizes[] = { 0, 7, 8, 24, 31, 33, 36, 4097, 4104,
					  0x7ffffff8, 0xfffffff8, 0xffffffff };
	struct kenc e;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct kradar_rec_hdr h = {
			.sync = htole32(KRADAR_SYNC),
			.type = htole16(KRADAR_REC_HEARTBEAT),
			.size = htole32(sizes[i]),
			.cpu = htole16(KRADAR_CPU_NONE),
		};
		struct cap *c;

		if (kenc_init(&e))
			abort();
		kenc_hello(&e, 1, 2, 0, "r");
		kenc_bytes(&e, &h, sizeof(h));
		kenc_heartbeat(&e, 1, 0);
		c = decode(e.buf, e.len, 0);
		CHECK(c->nr == 2 && c->st.skipped_bytes == sizeof(h),
		      "size %u: %zu records (expected 2), %llu skipped (expected %zu)",
		      sizes[i], c->nr, (unsigned long long)c->st.skipped_bytes,
		      sizeof(h));
		free(c);
		kenc_free(&e);
	}
	/* impossible size with its CRC computed over 32 bytes: still rejected */
	if (kenc_init(&e))
		abort();
	kenc_rec(&e, KRADAR_REC_LOST, 0, 0, "", 0, 32);
	set_le32(e.buf + 8, 36);
	kenc_heartbeat(&e, 1, 0);
	{
		struct cap *c = decode(e.buf, e.len, 0);

		CHECK_EQ(c->nr, 1, "records after size 36");
		CHECK_EQ(c->st.skipped_bytes, 32, "skipped after size 36");
		free(c);
	}
	kenc_free(&e);
}

static void test_short_long_records(void)
{
	unsigned char body[sizeof(struct kradar_rec_storm) + 64];
	struct kradar_rec_storm s;
	struct kenc e;
	struct cap *c;

	if (kenc_init(&e))
		abort();
	/* a HELLO of only 48 bytes: magic, version, hdr_size, nr_cpus */
	kenc_hello(&e, 0x77, 3, 0, "cut");
	set_le32(e.buf + 8, 48);
	e.len = 48;
	kenc_fix_crc(&e, 0);
	e.nr = 1;
	e.size[0] = 48;
	/* a storm record with 64 bytes this reader does not know */
	memset(&s, 0, sizeof(s));
	s.rate_per_s = htole64(4242);
	memcpy(s.name, "f", 2);
	memset(body, 0xee, sizeof(body));
	memcpy(body, (unsigned char *)&s + 32, sizeof(s) - 32);
	kenc_rec(&e, KRADAR_REC_STORM_BEGIN, 0, 0, body, sizeof(body) - 32, 0);
	/* a header-only LOST record */
	kenc_rec(&e, KRADAR_REC_LOST, 0, 1, "", 0, 32);
	c = decode(e.buf, e.len, 0);
	CHECK_EQ(c->nr, 3, "records delivered");
	CHECK_EQ(c->st.skipped_bytes, 0, "skipped bytes");
	if (c->nr == 3) {
		const struct kradar_rec_hello *h = &c->full[0].u.hello;

		CHECK_EQ(h->nr_cpus, 3, "short hello nr_cpus");
		CHECK_EQ(h->session, 0, "short hello session zero-filled");
		CHECK_EQ(h->release[0], 0, "short hello release zero-filled");
		CHECK_EQ(c->full[1].u.storm.rate_per_s, 4242, "long storm rate");
		CHECK_STR(c->full[1].u.storm.name, "f", "long storm name");
		CHECK_EQ(c->full[1].h.size, sizeof(body), "long storm size");
		CHECK_EQ(c->full[2].u.lost.records, 0, "header-only lost");
	}
	free(c);
	kenc_free(&e);
}

static int fail_record(void *ctx, const struct kradar_record *r)
{
	return -ENOSPC;
}

static void test_api(void)
{
	struct kradar_decoder_ops ops = { .record = NULL };
	struct kradar_decoder_ops failing = { .record = fail_record };
	struct kradar_decoder *dec;
	struct kenc e;
	int err;

	errno = 0;
	CHECK(kradar_decoder__new(NULL) == NULL && errno == EINVAL,
	      "new(NULL): errno %d", errno);
	errno = 0;
	CHECK(kradar_decoder__new(&ops) == NULL && errno == EINVAL,
	      "new(no record callback): errno %d", errno);
	kradar_decoder__free(NULL);

	build_all_types(&e);
	dec = kradar_decoder__new(&failing);
	CHECK(dec != NULL, "new: errno %d", errno);
	if (dec) {
		err = kradar_decoder__push(dec, e.buf, e.len);
		CHECK_EQ(err, -ENOSPC, "callback error returned by push");
		CHECK_EQ(kradar_decoder__push(dec, "", 0), 0, "empty push");
		CHECK_EQ(kradar_decoder__finish(dec), -ENOSPC,
			 "finish delivers the rest, callback fails again");
		CHECK_EQ(kradar_decoder__push(dec, e.buf, 1), -EINVAL,
			 "push after finish");
		CHECK_EQ(kradar_decoder__finish(dec), -EINVAL, "finish twice");
		kradar_decoder__free(dec);
	}
	{
		struct cap *c = cap_new();
		struct kradar_decoder_ops o = {
			.record = cap_record, .ctx = c,	/* no loss callback */
		};

		dec = kradar_decoder__new(&o);
		kradar_decoder__push(dec, "garbage", 7);
		kradar_decoder__push(dec, e.buf, e.len);
		CHECK_EQ(kradar_decoder__finish(dec), 0, "finish");
		CHECK_EQ(c->nr, 11, "records without a loss callback");
		CHECK_EQ(kradar_decoder__stats(dec)->skipped_bytes, 7, "skipped");
		CHECK_EQ(kradar_decoder__session(dec), 0x1122334455667788ULL,
			 "session");
		CHECK_EQ(kradar_decoder__nr_cpus(dec), 4, "nr_cpus");
		kradar_decoder__free(dec);
		free(c);
	}
	kenc_free(&e);
}

/*
 * Each record as the callback sees it must equal the same record decoded
 * alone by a fresh decoder (same session and nr_cpus): nothing of an
 * earlier, larger record shows through in parts this one does not fill.
 */
struct alone {
	const unsigned char *buf;	/* the stream */
	struct kradar_decoder *dec;	/* the decoder under test */
	struct kradar_record one;	/* the record decoded alone */
	size_t nr, same, bad_at;
};

static int alone_copy(void *ctx, const struct kradar_record *r)
{
	((struct alone *)ctx)->one = *r;
	return 0;
}

static int alone_record(void *ctx, const struct kradar_record *r)
{
	struct alone *a = ctx;
	struct kradar_decoder_ops ops = { .record = alone_copy, .ctx = a };
	struct kradar_decoder *d = kradar_decoder__new(&ops);

	if (!d)
		abort();
	kradar_decoder__resume(d, a->dec);	/* -EINVAL before a HELLO */
	memset(&a->one, 0xa5, sizeof(a->one));
	kradar_decoder__push(d, a->buf + r->offset, r->h.size);
	kradar_decoder__free(d);
	a->one.offset = r->offset;
	if (!memcmp(&a->one, r, sizeof(*r)))
		a->same++;
	else if (!a->bad_at)
		a->bad_at = a->nr + 1;
	a->nr++;
	return 0;
}

static void check_alone(const struct kenc *e, size_t chunk, const char *what)
{
	struct alone a = { .buf = e->buf };
	struct kradar_decoder_ops ops = { .record = alone_record, .ctx = &a };

	a.dec = kradar_decoder__new(&ops);
	if (!a.dec)
		abort();
	for (size_t o = 0; o < e->len; o += chunk)
		kradar_decoder__push(a.dec, e->buf + o,
				     e->len - o < chunk ? e->len - o : chunk);
	kradar_decoder__finish(a.dec);
	kradar_decoder__free(a.dec);
	CHECK(a.nr > 0 && a.same == a.nr,
	      "%s, chunks of %zu: %zu of %zu records as decoded alone (first other: record %zu)",
	      what, chunk, a.same, a.nr, a.bad_at);
}

static void test_record_cleared(void)
{
	struct kenc_entry one = ent_b;
	struct kenc_gap small = test_gap;
	struct kradar_rec_hello short_hello = { .magic = htole64(KRADAR_MAGIC) };
	int (*gen[])(struct kenc *) = { kenc_gen_storm, kenc_gen_hostile,
					kenc_gen_vhost };
	struct kenc e;

	/* every type, then smaller records of the same types */
	build_all_types(&e);
	kenc_window(&e, 2, 57617360123ULL, 57717360123ULL, 1, &one, 1);
	small.nr_top = 1;
	small.nr_stack = 0;
	small.comm = "k";
	kenc_gap(&e, 1, &small);
	kenc_rec(&e, KRADAR_REC_HELLO, KRADAR_RECF_RESENT, KRADAR_CPU_NONE,
		 (const unsigned char *)&short_hello +
		 sizeof(struct kradar_rec_hdr), 16, 0);
	kenc_rec(&e, 200, 0, 1, "unknown type", 12, 0);
	kenc_heartbeat(&e, 8, 0);
	kenc_lock_ex(&e, KRADAR_PHASE_END, 0xffffffffc0a05000ULL, "m", 80,
		     "h", 'R', 1, 1, NULL, KRADAR_LOCK_FIXED_V1, 0);
	for (size_t chunk = 1; chunk <= 4096; chunk *= 8)
		check_alone(&e, chunk, "all types, then smaller ones");
	kenc_free(&e);

	for (size_t i = 0; i < sizeof(gen) / sizeof(gen[0]); i++) {
		if (kenc_init(&e) || gen[i](&e))
			abort();
		check_alone(&e, 7, "canned stream");
		check_alone(&e, 65536, "canned stream");
		kenc_free(&e);
	}
}

/*
 * A callback error stops push() in the middle of a chunk: the rest of the
 * chunk is kept and decoded by the next push(), as if the stream had
 * been pushed without the error, minus the record that failed.
 */
static void test_stop_resume(void)
{
	struct kenc e;
	struct cap *whole;

	if (kenc_init(&e) || kenc_gen_storm(&e))
		abort();
	whole = decode(e.buf, e.len, 0);
	for (size_t chunk = 64; chunk <= 8192; chunk *= 4) {
		struct cap *c = cap_new();
		struct kradar_decoder_ops ops = {
			.record = cap_record, .loss = cap_loss, .ctx = c,
		};
		struct kradar_decoder *dec = kradar_decoder__new(&ops);
		int first_err = 0;
		size_t j = 0;

		c->fail_at = 5;
		for (size_t o = 0; o < e.len; o += chunk) {
			int err = kradar_decoder__push(dec, e.buf + o,
					e.len - o < chunk ? e.len - o : chunk);

			if (err && !first_err) {
				first_err = err;
				c->fail_at = 0;
			}
		}
		CHECK_EQ(kradar_decoder__finish(dec), 0, "finish");
		c->st = *kradar_decoder__stats(dec);
		CHECK_EQ(first_err, -EIO, "the callback's error from push()");
		CHECK_EQ(c->nr + 1, whole->nr, "records: all but the failed one");
		for (size_t i = 0; i < whole->nr && j < c->nr; i++) {
			if (i == 4)
				continue;	/* the one whose callback failed */
			if (c->rec[j].offset != whole->rec[i].offset ||
			    c->rec[j].seq != whole->rec[i].seq)
				break;
			j++;
		}
		CHECK(j == c->nr, "chunks of %zu: records after the error in order: %zu of %zu",
		      chunk, j, c->nr);
		CHECK_EQ(c->st.bytes, e.len, "bytes");
		CHECK_EQ(c->st.skipped_bytes, whole->st.skipped_bytes, "skipped");
		kradar_decoder__free(dec);
		free(c);
	}
	free(whole);
	kenc_free(&e);
}

/* xorshift: deterministic, so a failure reproduces */
static uint64_t rnd_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static void test_fuzz(void)
{
	/* KRADAR_FUZZ_ROUNDS=N for a longer run */
	const char *env = getenv("KRADAR_FUZZ_ROUNDS");
	int rounds = env ? atoi(env) : 300;
	struct kenc base;
	size_t bad = 0;

	if (kenc_init(&base) || kenc_gen_storm(&base))
		abort();
	for (int round = 0; round < rounds; round++) {
		struct kenc e;
		struct cap *whole, *bytes;
		int n = 1 + rnd() % 40;

		if (kenc_init(&e))
			abort();
		for (int k = 0; k < n; k++) {
			size_t r = rnd() % base.nr;

			switch (rnd() % 4) {
			case 0: {	/* random bytes, some sync words */
				unsigned char junk[300];
				size_t len = rnd() % sizeof(junk);

				for (size_t i = 0; i < len; i++)
					junk[i] = rnd() % 3 ? (unsigned char)rnd() :
						(unsigned char)"KRDR"[i % 4];
				kenc_bytes(&e, junk, len);
				break;
			}
			case 1:		/* a valid record, possibly cut */
				kenc_bytes(&e, base.buf + base.off[r],
					   rnd() % 4 ? base.size[r] :
					   rnd() % base.size[r]);
				break;
			default:	/* a valid record with a damaged byte */
				kenc_bytes(&e, base.buf + base.off[r], base.size[r]);
				if (rnd() % 2)
					e.buf[e.len - 1 - rnd() % base.size[r]] ^=
						1 + rnd() % 255;
				break;
			}
		}
		whole = decode(e.buf, e.len, 0);
		bytes = decode(e.buf, e.len, 1 + rnd() % 17);
		if (whole->st.bytes != e.len || !same_records(whole, bytes) ||
		    whole->push_err || whole->finish_err) {
			if (bad++ < 3) {
				CHECK(0, "round %d: %zu vs %zu records", round,
				      whole->nr, bytes->nr);
				CHECK_EQ(bytes->st.skipped_bytes,
					 whole->st.skipped_bytes, "skipped");
				CHECK_EQ(bytes->st.resyncs, whole->st.resyncs,
					 "resyncs");
				CHECK_EQ(bytes->st.truncated_bytes,
					 whole->st.truncated_bytes, "truncated");
				CHECK_EQ(bytes->st.seq_lost, whole->st.seq_lost,
					 "seq lost");
				CHECK_EQ(bytes->st.malformed, whole->st.malformed,
					 "malformed");
			}
		}
		check_accounting(whole, &e, "fuzz byte accounting");
		free(whole);
		free(bytes);
		kenc_free(&e);
	}
	CHECK_EQ(bad, 0, "fuzz rounds with inconsistent results");
	kenc_free(&base);
}

static void json_of(const char *in, size_t len, char *out, size_t outlen)
{
	FILE *f = fmemopen(out, outlen, "w");

	kradar_json_string(f, in, len, KRADAR_JSON_SHORT);
	fclose(f);
}

static void test_json_escape(void)
{
	static const struct {
		const char *in;
		size_t len;
		const char *out;
	} cases[] = {
		{ "plain [mod]", 11, "\"plain [mod]\"" },
		{ "q\"b\\", 4, "\"q\\\"b\\\\\"" },
		{ "\n\t\r\x01\x1f\x7f", 6, "\"\\n\\t\\r\\u0001\\u001f\\u007f\"" },
		{ "a\0b", 3, "\"a\\u0000b\"" },
		{ "\xe2\x82\xac", 3, "\"\xe2\x82\xac\"" },		/* euro */
		{ "\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\"" },	/* emoji */
		{ "\xff\xfe", 2, "\"\\ufffd\\ufffd\"" },
		{ "\xc0\xaf", 2, "\"\\ufffd\\ufffd\"" },		/* overlong */
		{ "\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"" },	/* surrogate */
		{ "\xe2\x82", 2, "\"\\ufffd\\ufffd\"" },		/* cut */
		{ "\xf4\x90\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
	};
	char out[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_of(cases[i].in, cases[i].len, out, sizeof(out));
		CHECK_STR(out, cases[i].out, "escaped string");
	}
}

int main(void)
{
	printf("TAP version 13\n");
	tap_run("decode every record type", test_all_types);
	tap_run("same records for any chunk size", test_chunking);
	tap_run("same records for every two-chunk split", test_every_split);
	tap_run("truncation at every byte offset", test_truncation);
	tap_run("every single-bit flip loses exactly one record", test_bit_flips);
	tap_run("unknown record types delivered, not loss", test_unknown_types);
	tap_run("hostile gap and stall records are malformed, not trusted",
		test_gap_hostile);
	tap_run("LOCK layouts: first one, vhost fields, hostile vhost fields",
		test_lock_vhost);
	tap_run("GP_STALL kthread fields: old records, hostile values",
		test_stall_kthread);
	tap_run("resync after garbage and a bad CRC", test_resync_garbage);
	tap_run("resync after missing bytes", test_missing_bytes);
	tap_run("sequence gaps counted per CPU", test_seq_gaps);
	tap_run("new session resets, restart is not a gap", test_sessions);
	tap_run("hostile field values flagged and bounded", test_hostile_values);
	tap_run("impossible sizes rejected", test_bad_sizes);
	tap_run("short records zero-filled, long ones accepted",
		test_short_long_records);
	tap_run("API: errors, NULL, callbacks", test_api);
	tap_run("each record reads as if decoded alone into a cleared struct",
		test_record_cleared);
	tap_run("a callback error mid-chunk keeps the rest for the next push",
		test_stop_resume);
	tap_run("fuzz: accounting and chunking invariants", test_fuzz);
	tap_run("JSON escaping of untrusted strings", test_json_escape);
	return tap_done();
}
