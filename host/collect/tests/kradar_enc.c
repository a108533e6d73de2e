// SPDX-License-Identifier: GPL-2.0
/*
 * Test-side kradar stream encoder and the canned streams used by the unit
 * tests, the collector tests and selftests/corpus/stream/.
 */
#include <endian.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "kradar_enc.h"

#pragma GCC poison u8 u16 u32 u64

#define HDR sizeof(struct kradar_rec_hdr)

int kenc_init(struct kenc *e)
{
	memset(e, 0, sizeof(*e));
	e->seq = calloc(65536, sizeof(*e->seq));
	e->cap = 65536;
	e->buf = malloc(e->cap);
	if (!e->seq || !e->buf) {
		kenc_free(e);
		return -1;
	}
	return 0;
}

void kenc_free(struct kenc *e)
{
	free(e->buf);
	free(e->seq);
	e->buf = NULL;
	e->seq = NULL;
}

static unsigned char *kenc_grow(struct kenc *e, size_t len)
{
	if (e->len + len > e->cap) {
		size_t cap = e->cap;

		while (e->len + len > cap)
			cap *= 2;
		e->buf = realloc(e->buf, cap);
		if (!e->buf)
			abort();	/* test code: out of memory is fatal */
		e->cap = cap;
	}
	e->len += len;
	return e->buf + e->len - len;
}

void kenc_bytes(struct kenc *e, const void *p, size_t len)
{
	memcpy(kenc_grow(e, len), p, len);
}

/* Records may sit at any offset after garbage: no aligned struct access */
static void put_crc(unsigned char *rec, uint32_t size)
{
	size_t at = offsetof(struct kradar_rec_hdr, crc);
	uint32_t crc = 0;

	memcpy(rec + at, &crc, sizeof(crc));
	crc = htole32((uint32_t)crc32(0, rec, size));
	memcpy(rec + at, &crc, sizeof(crc));
}

void kenc_fix_crc(struct kenc *e, size_t off)
{
	uint32_t size;

	memcpy(&size, e->buf + off + offsetof(struct kradar_rec_hdr, size), 4);
	put_crc(e->buf + off, le32toh(size));
}

size_t kenc_rec_seq(struct kenc *e, uint16_t type, uint16_t flags,
		    uint16_t cpu, uint32_t seq, const void *body,
		    size_t body_len, uint32_t wire_size)
{
	size_t size = wire_size ? wire_size : (HDR + body_len + 7) / 8 * 8;
	size_t off = e->len;
	unsigned char *p = kenc_grow(e, size);
	struct kradar_rec_hdr h = {
		.sync = htole32(KRADAR_SYNC),
		.type = htole16(type),
		.flags = htole16(flags),
		.size = htole32((uint32_t)size),
		.ts_ns = htole64(e->ts),
		.seq = htole32(seq),
		.cpu = htole16(cpu),
	};

	memset(p, 0, size);
	memcpy(p, &h, size < HDR ? size : HDR);
	if (size > HDR)
		memcpy(p + HDR, body, body_len < size - HDR ? body_len : size - HDR);
	/* sizes the decoder must reject still get a "right" CRC */
	if (size >= HDR)
		put_crc(p, size);
	if (e->nr < KENC_MAX_RECS) {
		e->off[e->nr] = off;
		e->size[e->nr] = size;
		e->cpu[e->nr] = cpu;
		e->type[e->nr] = type;
		e->nr++;
	}
	return off;
}

size_t kenc_rec(struct kenc *e, uint16_t type, uint16_t flags, uint16_t cpu,
		const void *body, size_t body_len, uint32_t wire_size)
{
	return kenc_rec_seq(e, type, flags, cpu, e->seq[cpu]++, body, body_len,
			    wire_size);
}

#define BODY(r) ((const unsigned char *)&(r) + HDR), (sizeof(r) - HDR)

static void set_name(char *dst, const char *src)
{
	memset(dst, 0, KRADAR_NAME_LEN);
	/* exactly KRADAR_NAME_LEN characters leave it unterminated */
	if (src)
		memcpy(dst, src, strnlen(src, KRADAR_NAME_LEN));
}

size_t kenc_hello(struct kenc *e, uint64_t session, uint16_t nr_cpus,
		  uint16_t flags, const char *release)
{
	struct kradar_rec_hello r;

	memset(&r, 0, sizeof(r));
	r.magic = htole64(KRADAR_MAGIC);
	r.version = htole16(KRADAR_WIRE_VERSION);
	r.hdr_size = htole16(HDR);
	r.nr_cpus = htole16(nr_cpus);
	r.session = htole64(session);
	r.window_ms = htole32(100);
	r.late_us = htole32(100);
	r.storm_rate = htole64(50000);
	r.storm_windows = htole32(3);
	r.heartbeat_ms = htole32(100);
	set_name(r.release, release);
	set_name(r.port, "org.kradar.0");
	return kenc_rec(e, KRADAR_REC_HELLO, flags, KRADAR_CPU_NONE, BODY(r), 0);
}

size_t kenc_heartbeat(struct kenc *e, uint64_t window, uint64_t dropped)
{
	struct kradar_rec_heartbeat r;

	memset(&r, 0, sizeof(r));
	r.local_ns = htole64(e->ts);
	r.mono_ns = htole64(e->ts + 1000);
	r.real_ns = htole64(1795000000000000000ULL + e->ts);
	r.boot_ns = htole64(e->ts + 2000);
	r.window = htole64(window);
	r.sampler_late_ns = htole64(1500 + window);
	r.events = htole64(window * 1000);
	r.records = htole64(window * 3);
	r.bytes_sent = htole64(window * 600);
	r.records_dropped = htole64(dropped);
	return kenc_rec(e, KRADAR_REC_HEARTBEAT, 0, KRADAR_CPU_NONE, BODY(r), 0);
}

size_t kenc_window(struct kenc *e, uint16_t cpu, uint64_t start_ns,
		   uint64_t end_ns, uint64_t unlisted,
		   const struct kenc_entry *ent, unsigned int n)
{
	size_t len = sizeof(struct kradar_rec_hrtimer_window) - HDR +
		     n * sizeof(struct kradar_hrtimer_entry);
	unsigned char *body = calloc(1, len);
	struct kradar_rec_hrtimer_window w;
	uint64_t events = unlisted;
	size_t off;

	if (!body)
		abort();
	memset(&w, 0, sizeof(w));
	for (unsigned int i = 0; i < n; i++) {
		struct kradar_hrtimer_entry x;

		memset(&x, 0, sizeof(x));
		x.function = htole64(ent[i].function);
		x.count = htole64(ent[i].count);
		x.late = htole64(ent[i].late);
		x.late_sum_ns = htole64(ent[i].late_sum_ns);
		x.late_max_ns = htole64(ent[i].late_max_ns);
		set_name(x.name, ent[i].name);
		memcpy(body + sizeof(w) - HDR + i * sizeof(x), &x, sizeof(x));
		events += ent[i].count;
	}
	w.start_ns = htole64(start_ns);
	w.end_ns = htole64(end_ns);
	w.events = htole64(events);
	w.unlisted = htole64(unlisted);
	w.nr_entries = htole32(n);
	memcpy(body, (unsigned char *)&w + HDR, sizeof(w) - HDR);
	off = kenc_rec(e, KRADAR_REC_HRTIMER_WINDOW, 0, cpu, body, len, 0);
	free(body);
	return off;
}

size_t kenc_storm(struct kenc *e, uint16_t type, uint16_t cpu,
		  const struct kenc_storm *s)
{
	return kenc_storm_flags(e, type, 0, cpu, s);
}

size_t kenc_storm_flags(struct kenc *e, uint16_t type, uint16_t flags,
			uint16_t cpu, const struct kenc_storm *s)
{
	struct kradar_rec_storm r;

	memset(&r, 0, sizeof(r));
	r.function = htole64(s->function);
	r.begin_ns = htole64(s->begin_ns);
	r.end_ns = htole64(s->end_ns);
	r.rate_per_s = htole64(s->rate_per_s);
	r.peak_rate_per_s = htole64(s->peak_rate_per_s);
	r.count = htole64(s->count);
	r.late = htole64(s->late);
	r.late_sum_ns = htole64(s->late_sum_ns);
	r.late_max_ns = htole64(s->late_max_ns);
	r.threshold_per_s = htole64(s->threshold_per_s);
	set_name(r.name, s->name);
	return kenc_rec(e, type, flags, cpu, BODY(r), 0);
}

size_t kenc_lost(struct kenc *e, uint16_t cpu, uint32_t cause,
		 uint64_t records, uint64_t bytes, uint64_t events)
{
	struct kradar_rec_lost r;

	memset(&r, 0, sizeof(r));
	r.cause = htole32(cause);
	r.records = htole64(records);
	r.bytes = htole64(bytes);
	r.events = htole64(events);
	return kenc_rec(e, KRADAR_REC_LOST, 0, cpu, BODY(r), 0);
}

size_t kenc_gap(struct kenc *e, uint16_t cpu, const struct kenc_gap *g)
{
	unsigned char body[KRADAR_REC_MAX];
	struct kradar_rec_qs_gap r;
	size_t off = sizeof(r) - HDR;

	memset(&r, 0, sizeof(r));
	memset(body, 0, sizeof(body));
	r.phase = htole32(g->phase);
	r.pid = htole32(g->pid);
	r.flags = htole32(g->flags);
	strncpy(r.comm, g->comm ? g->comm : "", sizeof(r.comm) - 1);
	r.gap_start_ns = htole64(g->gap_start_ns);
	r.gap_ns = htole64(g->gap_ns);
	r.gp_seq = htole64(g->gp_seq);
	r.gp_start_ns = htole64(g->gp_start_ns);
	r.hardirqs = htole64(g->hardirqs);
	r.softirqs = htole64(g->softirqs);
	r.hrtimers = htole64(g->hrtimers);
	r.stack_ns = htole64(g->stack_ns);
	r.qs_ns = htole64(g->qs_ns);
	r.nr_top = htole32(g->nr_top);
	r.top_size = htole32(sizeof(struct kradar_gap_hrtimer));
	r.nr_stack = htole32(g->nr_stack);
	r.frame_size = htole32(sizeof(struct kradar_frame));
	memcpy(body, (unsigned char *)&r + HDR, off);
	for (unsigned int i = 0; i < g->nr_top; i++) {
		struct kradar_gap_hrtimer t;

		memset(&t, 0, sizeof(t));
		t.function = htole64(g->top[i].function);
		t.count = htole64(g->top[i].count);
		set_name(t.name, g->top[i].name);
		memcpy(body + off, &t, sizeof(t));
		off += sizeof(t);
	}
	for (unsigned int i = 0; i < g->nr_stack; i++) {
		struct kradar_frame f;

		memset(&f, 0, sizeof(f));
		f.addr = htole64(0xffffffff81000000ULL + i * 0x100);
		set_name(f.sym, g->stack[i]);
		memcpy(body + off, &f, sizeof(f));
		off += sizeof(f);
	}
	return kenc_rec(e, KRADAR_REC_QS_GAP, 0, cpu, body, off, 0);
}

/* Frames named @sym[0..n) at @body + @off (addresses zero); the new end. */
static size_t put_frames(unsigned char *body, size_t off,
			 const char *const *sym, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		struct kradar_frame f;

		memset(&f, 0, sizeof(f));
		set_name(f.sym, sym[i]);
		memcpy(body + off, &f, sizeof(f));
		off += sizeof(f);
	}
	return off;
}

size_t kenc_hung(struct kenc *e, uint32_t phase, uint64_t hung_ns,
		 uint64_t lock, const char *lock_name)
{
	static const char *const stack[] = {
		"kradar_test_hung_wait+0x2a/0x40 [kradar_test_lockup]",
		"kradar_lockup_thread+0x93/0xa6 [kradar_test_lockup]",
		"kthread+0xda/0x100",
	};
	unsigned char body[KRADAR_REC_MAX];
	struct kradar_rec_hung r;
	size_t off = sizeof(r) - HDR;

	memset(&r, 0, sizeof(r));
	memset(body, 0, sizeof(body));
	r.phase = htole32(phase);
	r.flags = htole32(lock ? KRADAR_HUNGF_LOCK | KRADAR_HUNGF_OWNER : 0);
	r.since_ns = htole64(9097020352ULL);
	r.hung_ns = htole64(hung_ns);
	r.pid = htole32(111);
	r.tgid = htole32(111);
	strncpy(r.comm, "kradar_hung/1", sizeof(r.comm) - 1);
	r.state = 'D';
	r.scan_ms = htole32(1000);
	r.lock = htole64(lock);
	r.lock_owner_pid = htole32(lock ? 80 : 0);
	if (lock_name)
		set_name(r.lock_name, lock_name);
	r.nr_stack = htole32(3);
	r.frame_size = htole32(sizeof(struct kradar_frame));
	memcpy(body, (unsigned char *)&r + HDR, off);
	off = put_frames(body, off, stack, 3);
	return kenc_rec(e, KRADAR_REC_HUNG, 0, 1, body, off, 0);
}

size_t kenc_stuck(struct kenc *e, uint32_t phase, uint32_t kind,
		  uint64_t stuck_ns)
{
	static const char *const stack[] = {
		"asm_sysvec_apic_timer_interrupt+0x16/0x20",
		"kradar_test_preempt_spin+0x2f/0x60 [kradar_test_lockup]",
		"kradar_lockup_thread+0x93/0xa6 [kradar_test_lockup]",
		"kthread+0xda/0x100",
	};
	unsigned char body[KRADAR_REC_MAX];
	struct kradar_rec_cpu_stuck r;
	size_t off = sizeof(r) - HDR;

	memset(&r, 0, sizeof(r));
	memset(body, 0, sizeof(body));
	r.phase = htole32(phase);
	r.kind = htole32(kind);
	r.flags = htole32(KRADAR_STUCKF_WAITER | KRADAR_STUCKF_PREEMPT);
	r.since_ns = htole64(3000000000ULL);
	r.stuck_ns = htole64(stuck_ns);
	r.wait_ns = htole64(3400000000ULL);
	r.stack_ns = htole64(3900000000ULL);
	r.pid = htole32(120);
	r.wait_pid = htole32(37);
	strncpy(r.comm, "kradar_preempt", sizeof(r.comm) - 1);
	strncpy(r.wait_comm, "kworker/1:1", sizeof(r.wait_comm) - 1);
	r.preempt_count = htole32(1);
	r.threshold_ms = htole32(1000);
	r.nr_stack = htole32(4);
	r.frame_size = htole32(sizeof(struct kradar_frame));
	memcpy(body, (unsigned char *)&r + HDR, off);
	off = put_frames(body, off, stack, 4);
	return kenc_rec(e, KRADAR_REC_CPU_STUCK, 0, 1, body, off, 0);
}

size_t kenc_lock(struct kenc *e, uint32_t phase, uint64_t lock,
		 const char *name, uint32_t owner_pid, const char *owner_comm,
		 char state, uint64_t held_ns, uint64_t wait_ns)
{
	return kenc_lock_ex(e, phase, lock, name, owner_pid, owner_comm, state,
			    held_ns, wait_ns, NULL, sizeof(struct kradar_rec_lock),
			    sizeof(struct kradar_rec_lock));
}

size_t kenc_lock_ex(struct kenc *e, uint32_t phase, uint64_t lock,
		    const char *name, uint32_t owner_pid,
		    const char *owner_comm, char state, uint64_t held_ns,
		    uint64_t wait_ns, const struct kradar_rec_lock *vh,
		    uint32_t fixed, uint32_t fixed_field)
{
	static const char *const owner_stack[] = {
		"__schedule+0x2e4/0x870", "kradar_test_hold_fn+0x19/0x30 [kradar_test_mutex]",
	};
	static const char *const waiter_stack[] = {
		"__mutex_lock.constprop.0+0x16c/0x4d0", "kradar_waiter+0x2a/0x50 [kradar_test_mutex]",
	};
	unsigned char body[KRADAR_REC_MAX];
	struct kradar_rec_lock r;
	size_t off = (fixed < sizeof(r) ? fixed : sizeof(r)) - HDR;

	memset(&r, 0, sizeof(r));
	memset(body, 0, sizeof(body));
	r.phase = htole32(phase);
	r.flags = htole32((owner_pid ? KRADAR_LOCKF_OWNER : 0) |
			  (vh ? vh->flags : 0));
	r.fixed_size = htole32(fixed_field);
	if (vh) {
		r.vhost_what = htole32(vh->vhost_what);
		r.vhost_vq = htole32(vh->vhost_vq);
		r.vhost_dev = htole32(vh->vhost_dev);
		r.vhost_off = htole32(vh->vhost_off);
		r.vhost_owner_pid = htole32(vh->vhost_owner_pid);
		r.vhost_worker_pid = htole32(vh->vhost_worker_pid);
		memcpy(r.vhost_owner_comm, vh->vhost_owner_comm,
		       sizeof(r.vhost_owner_comm));
		memcpy(r.vhost_kind, vh->vhost_kind, sizeof(r.vhost_kind));
		r.vhost_killed_pid = htole32(vh->vhost_killed_pid);
		r.vhost_killed_ns = htole64(vh->vhost_killed_ns);
	}
	r.lock = htole64(lock);
	r.begin_ns = htole64(1000000000ULL);
	r.wait_ns = htole64(wait_ns);
	r.held_ns = htole64(held_ns);
	r.owner_pid = htole32(owner_pid);
	r.nr_waiters = htole32(2);
	strncpy(r.owner_comm, owner_comm, sizeof(r.owner_comm) - 1);
	r.owner_state = state;
	set_name(r.name, name);
	r.nr_listed = htole32(2);
	r.waiter_size = htole32(sizeof(struct kradar_lock_waiter));
	r.nr_owner_stack = htole32(2);
	r.nr_waiter_stack = htole32(2);
	r.frame_size = htole32(sizeof(struct kradar_frame));
	memcpy(body, (unsigned char *)&r + HDR, off);
	for (unsigned int i = 0; i < 2; i++) {
		struct kradar_lock_waiter w;

		memset(&w, 0, sizeof(w));
		w.pid = htole32(81 + i);
		w.wait_ns = htole64(wait_ns - i * 1000000);
		snprintf(w.comm, sizeof(w.comm), "kradar_waiter/%u", i);
		memcpy(body + off, &w, sizeof(w));
		off += sizeof(w);
	}
	for (unsigned int i = 0; i < 4; i++) {
		struct kradar_frame f;

		memset(&f, 0, sizeof(f));
		set_name(f.sym, i < 2 ? owner_stack[i] : waiter_stack[i - 2]);
		memcpy(body + off, &f, sizeof(f));
		off += sizeof(f);
	}
	return kenc_rec(e, KRADAR_REC_LOCK, 0, KRADAR_CPU_NONE, body, off, 0);
}

size_t kenc_stall(struct kenc *e, uint32_t phase, uint64_t gp_seq,
		  uint64_t stall_ns, const uint16_t *cpus, uint32_t nr)
{
	struct kradar_rec_gp_stall r;

	memset(&r, 0, sizeof(r));
	r.phase = htole32(phase);
	r.nr_cpus = htole32(nr);
	r.gp_seq = htole64(gp_seq);
	r.stall_ns = htole64(stall_ns);
	for (uint32_t i = 0; i < nr && i < KRADAR_STALL_CPUS; i++)
		r.cpus[i] = htole16(cpus[i]);
	return kenc_rec(e, KRADAR_REC_GP_STALL, 0, KRADAR_CPU_NONE, BODY(r), 0);
}

#define WINDOW_NS	100000000ULL
#define T0		(KENC_STORM_BEGIN_NS - 3 * WINDOW_NS)
#define NR_WINDOWS	20

static const struct kenc_entry tick = {
	.function = 0xffffffff81234560ULL, .count = 100, .late = 1,
	.late_sum_ns = 100 * 2000, .late_max_ns = 150000,
	.name = "tick_nohz_handler",
};

static const struct kenc_entry wd = {
	.function = 0xffffffff81345670ULL, .count = 10, .late = 0,
	.late_sum_ns = 10 * 800, .late_max_ns = 5000,
	.name = "watchdog_timer_fn",
};

/*
 * Two CPUs, 20 windows of 100 ms from [57.317360]. On CPU 1
 * advance_sched [sch_taprio] runs at 250000/s, 98 % late, from window 3
 * (begin 57.617360123) to window 13 (STORM_BEGIN after 3 windows, END
 * after it stops). The guest drops 3 records from its ring (2 of CPU 0,
 * 1 of CPU 1) and says so in a LOST record; one heartbeat is lost on the
 * way (a global sequence gap the guest cannot know about).
 */
static int gen_common(struct kenc *e, int storm)
{
	uint64_t session = storm ? 0x5eed5eed00000001ULL : 0x5eed5eed00000002ULL;

	e->ts = T0 - 1000;
	kenc_hello(e, session, 2, 0, "6.12.0-kradar");
	for (unsigned int w = 0; w < NR_WINDOWS; w++) {
		uint64_t start = T0 + w * WINDOW_NS, end = start + WINDOW_NS;
		bool hot = storm && w >= 3 && w < 13;
		struct kenc_entry cpu1[2] = { tick, wd };

		e->ts = end + 20000;
		if (hot) {
			cpu1[0] = (struct kenc_entry){
				.function = KENC_STORM_FUNC,
				.count = KENC_STORM_RATE / 10,
				.late = KENC_STORM_RATE / 10 * 98 / 100,
				.late_sum_ns = (uint64_t)KENC_STORM_RATE / 10 * 400000,
				.late_max_ns = 2500000 + w,
				.name = KENC_STORM_NAME,
			};
			cpu1[1] = tick;
		}
		kenc_heartbeat(e, w, storm && w >= 10 ? KENC_STORM_LOST : 0);
		if (w == 10 && storm) {
			/* dropped records had their sequence numbers */
			e->seq[0] += KENC_STORM_GAP;
			e->seq[1] += KENC_STORM_LOST - KENC_STORM_GAP;
			kenc_lost(e, KRADAR_CPU_NONE, KRADAR_LOST_BUFFER_FULL,
				  KENC_STORM_LOST, KENC_STORM_LOST * 176, 0);
		}
		if (w == 15 && storm)
			e->seq[KRADAR_CPU_NONE] += KENC_STORM_TRANSIT;
		if (w == 10)
			kenc_hello(e, session, 2, KRADAR_RECF_RESENT,
				   "6.12.0-kradar");
		kenc_window(e, 0, start, end, 3, &tick, 1);
		kenc_window(e, 1, start, end, 2, cpu1, 2);
		if (hot && w == 5) {
			struct kenc_storm s = {
				.function = KENC_STORM_FUNC,
				.name = KENC_STORM_NAME,
				.begin_ns = KENC_STORM_BEGIN_NS,
				.rate_per_s = KENC_STORM_RATE,
				.peak_rate_per_s = KENC_STORM_RATE,
				.count = KENC_STORM_COUNT,
				.late = KENC_STORM_LATE,
				.late_sum_ns = (uint64_t)KENC_STORM_COUNT * 400000,
				.late_max_ns = 2500005,
				.threshold_per_s = 50000,
			};
			kenc_storm(e, KRADAR_REC_STORM_BEGIN, KENC_STORM_CPU, &s);
		}
		if (storm && w == 13) {
			struct kenc_storm s = {
				.function = KENC_STORM_FUNC,
				.name = KENC_STORM_NAME,
				.begin_ns = KENC_STORM_BEGIN_NS,
				.end_ns = KENC_STORM_BEGIN_NS + 10 * WINDOW_NS,
				.peak_rate_per_s = KENC_STORM_RATE,
				.count = 10 * KENC_STORM_RATE / 10,
				.late = 10 * KENC_STORM_RATE / 10 * 98 / 100,
				.late_sum_ns = (uint64_t)KENC_STORM_RATE * 400000,
				.late_max_ns = 2500012,
				.threshold_per_s = 50000,
			};
			kenc_storm(e, KRADAR_REC_STORM_END, KENC_STORM_CPU, &s);
		}
	}
	return 0;
}

int kenc_gen_storm(struct kenc *e)
{
	return gen_common(e, 1);
}

int kenc_gen_clean(struct kenc *e)
{
	return gen_common(e, 0);
}

/*
 * Everything a broken or hostile guest could send that still passes the
 * CRC: names with control characters, quotes, invalid UTF-8 and no NUL,
 * nr_entries far beyond the record, CPUs that do not exist, unknown types;
 * plus garbage between records and a truncated record at the end.
 */
/*
 * vhost.bin: LOCK records of the vhost scenario. A first-layout LOCK
 * (fixed part 200 bytes, no fixed_size) that must keep its name; the
 * vq->mutex episode (begin, end) with the vhost fields; a dev->mutex and
 * a BTF-less "in vq" lock with a waiter in vhost_worker_killed(); then
 * hostile vhost fields: an impossible what, device 0, a fixed_size that
 * lies, an unterminated kind.
 */
int kenc_gen_vhost(struct kenc *e)
{
	struct kradar_rec_lock vh;
	size_t n = sizeof(struct kradar_rec_lock);

	memset(&vh, 0, sizeof(vh));
	vh.flags = KRADAR_LOCKF_VHOST;
	vh.vhost_what = KRADAR_VHOST_VQ_MUTEX;
	vh.vhost_vq = 1;
	vh.vhost_dev = 1;
	vh.vhost_off = 8;
	vh.vhost_owner_pid = 111;
	vh.vhost_worker_pid = 112;
	strcpy(vh.vhost_owner_comm, "kradar-vhost");
	strcpy(vh.vhost_kind, "vhost-net");
	e->ts = 3000000000ULL;
	kenc_hello(e, 0x7e57, 2, 0, "6.1.0-test");
	kenc_heartbeat(e, 1, 0);
	kenc_lock_ex(e, KRADAR_PHASE_BEGIN, 0xffff888001000000ULL,
		     "kradar_test_mutex [kradar_test_mutex]", 80,
		     "kradar_holder", 'D', 1200000000ULL, 1100000000ULL, NULL,
		     KRADAR_LOCK_FIXED_V1, 0);
	kenc_lock_ex(e, KRADAR_PHASE_BEGIN, 0xffff888002000008ULL,
		     "vq->mutex (vq 1 of vhost-net dev 1)", 112, "vhost-111",
		     'S', 1092000000ULL, 1092000000ULL, &vh, n, n);
	kenc_lock_ex(e, KRADAR_PHASE_END, 0xffff888002000008ULL,
		     "vq->mutex (vq 1 of vhost-net dev 1)", 0, "", 0, 0,
		     3009000000ULL, &vh, n, n);
	vh.vhost_what = KRADAR_VHOST_DEV_MUTEX;
	kenc_lock_ex(e, KRADAR_PHASE_BEGIN, 0xffff888003000008ULL,
		     "dev->mutex (vhost-net dev 2)", 0, "", 0, 0,
		     1500000000ULL, &vh, n, n);
	vh.vhost_what = KRADAR_VHOST_IN_VQ;
	vh.vhost_off = 0x48;
	vh.vhost_owner_pid = 0;
	vh.flags |= KRADAR_LOCKF_VHOST_KILLED;
	vh.vhost_killed_pid = 82;
	vh.vhost_killed_ns = 2900000000ULL;
	kenc_lock_ex(e, KRADAR_PHASE_BEGIN, 0xffff888004000048ULL,
		     "vq 0 of vhost-net dev 1 +0x48", 0, "", 0, 0,
		     1500000000ULL, &vh, n, n);
	/* hostile: what 7, then device 0 (both: not vhost), killed pid 0 */
	vh.flags = KRADAR_LOCKF_VHOST;
	vh.vhost_what = 7;
	kenc_lock_ex(e, KRADAR_PHASE_BEGIN, 0xffff888005000000ULL,
		     "0xffff888005000000", 0, "", 0, 0, 1500000000ULL, &vh, n,
		     n);
	vh.vhost_what = KRADAR_VHOST_VQ_MUTEX;
	vh.vhost_dev = 0;
	vh.flags |= KRADAR_LOCKF_VHOST_KILLED;
	vh.vhost_killed_pid = 0;
	kenc_lock_ex(e, KRADAR_PHASE_BEGIN, 0xffff888006000000ULL,
		     "0xffff888006000000", 0, "", 0, 0, 1500000000ULL, &vh, n,
		     n);
	/* fixed_size beyond the record, then not a multiple of 8 */
	vh.vhost_dev = 1;
	vh.flags = KRADAR_LOCKF_VHOST;
	kenc_lock_ex(e, KRADAR_PHASE_BEGIN, 0xffff888007000000ULL,
		     "0xffff888007000000", 0, "", 0, 0, 1500000000ULL, &vh, n,
		     4096);
	kenc_lock_ex(e, KRADAR_PHASE_BEGIN, 0xffff888008000000ULL,
		     "0xffff888008000000", 0, "", 0, 0, 1500000000ULL, &vh, n,
		     n - 4);
	/* a kind and an owner comm without their NUL */
	memset(vh.vhost_kind, 'K', sizeof(vh.vhost_kind));
	memset(vh.vhost_owner_comm, 'O', sizeof(vh.vhost_owner_comm));
	vh.vhost_owner_pid = 5;
	kenc_lock_ex(e, KRADAR_PHASE_BEGIN, 0xffff888009000008ULL,
		     "vq->mutex (vq 1 of ? dev 1)", 0, "", 0, 0, 1500000000ULL,
		     &vh, n, n);
	kenc_heartbeat(e, 2, 0);
	return 0;
}

int kenc_gen_hostile(struct kenc *e)
{
	static const char evil[] = "\x01\x1b[31mred\"\\\n\t\xff\xfe\xc3\x28 \xe2\x82\xac ok";
	char unterminated[KRADAR_NAME_LEN + 1];
	struct kenc_entry ent[2] = { tick, tick };
	struct kradar_rec_hrtimer_window w;
	static const unsigned char garbage[] = "KRDR\xff\xff\xff\xffjunk KR";
	struct kenc_storm s = {
		.function = 1, .name = evil, .begin_ns = 5, .rate_per_s = 1,
		.count = 1, .late = 7,	/* late > count */
	};
	size_t off;

	memset(unterminated, 'A', KRADAR_NAME_LEN);
	unterminated[KRADAR_NAME_LEN] = '\0';
	e->ts = 1000000000;
	kenc_hello(e, 0xbad, 2, 0, unterminated);
	ent[0].name = evil;
	ent[1].name = unterminated;
	kenc_window(e, 0, 1000, 2000, 0, ent, 2);
	/* nr_entries claims 1000000 in a record holding 2 */
	off = kenc_window(e, 1, 1000, 2000, 0, ent, 2);
	memcpy(&w, e->buf + off, sizeof(w));
	w.nr_entries = htole32(1000000);
	memcpy(e->buf + off, &w, sizeof(w));
	kenc_fix_crc(e, off);
	kenc_window(e, KRADAR_CPU_NONE, 1000, 2000, 0, ent, 1);
	kenc_window(e, 7, 1000, 2000, 0, ent, 1);
	kenc_bytes(e, garbage, sizeof(garbage) - 1);
	kenc_storm(e, KRADAR_REC_STORM_BEGIN, 0, &s);
	kenc_rec(e, 42, 0, 0, "unknown type body", 17, 0);
	kenc_lost(e, 1, 99, 1, 8, 0);	/* unknown cause */
	kenc_heartbeat(e, 1, 0);
	/* cut the last record short */
	e->len -= 40;
	return 0;
}
