/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test-side kradar stream encoder: builds records from the wire structs of
 * include/kradar_wire.h (little-endian, CRC-32 from zlib), exactly as the
 * guest module must, so the decoder is tested against an independent
 * writer. Also the canned streams used by the tests and the corpus.
 */
#ifndef _KRADAR_ENC_H
#define _KRADAR_ENC_H

#include <stddef.h>
#include <stdint.h>
#include "kradar_wire.h"

#define KENC_MAX_RECS 4096

struct kenc {
	unsigned char *buf;
	size_t len;
	size_t cap;
	uint32_t *seq;		/* next seq per cpu value (65536) */
	uint64_t ts;		/* ts_ns of the next record */
	size_t nr;		/* records written */
	size_t off[KENC_MAX_RECS];
	uint32_t size[KENC_MAX_RECS];
	uint16_t cpu[KENC_MAX_RECS];
	uint16_t type[KENC_MAX_RECS];
};

struct kenc_entry {
	uint64_t function;
	uint64_t count;
	uint64_t late;
	uint64_t late_sum_ns;
	uint64_t late_max_ns;
	const char *name;
};

struct kenc_storm {
	uint64_t function;
	const char *name;
	uint64_t begin_ns, end_ns;
	uint64_t rate_per_s, peak_rate_per_s;
	uint64_t count, late, late_sum_ns, late_max_ns;
	uint64_t threshold_per_s;
};

int kenc_init(struct kenc *e);
void kenc_free(struct kenc *e);
/* Append raw bytes (garbage, cuts) */
void kenc_bytes(struct kenc *e, const void *p, size_t len);
/*
 * Append a record: header + body (body is the struct after the header).
 * wire_size 0 means header + body_len rounded up to 8; otherwise that size
 * is written in the header (and the record holds that many bytes, the body
 * cut or zero-padded). Uses and advances e->seq[cpu]. Returns its offset.
 */
size_t kenc_rec(struct kenc *e, uint16_t type, uint16_t flags, uint16_t cpu,
		const void *body, size_t body_len, uint32_t wire_size);
/* Same with an explicit seq (does not touch e->seq) */
size_t kenc_rec_seq(struct kenc *e, uint16_t type, uint16_t flags,
		    uint16_t cpu, uint32_t seq, const void *body,
		    size_t body_len, uint32_t wire_size);
/* Recompute the CRC of the record at off (after editing it) */
void kenc_fix_crc(struct kenc *e, size_t off);

size_t kenc_hello(struct kenc *e, uint64_t session, uint16_t nr_cpus,
		  uint16_t flags, const char *release);
size_t kenc_heartbeat(struct kenc *e, uint64_t window, uint64_t dropped);
size_t kenc_window(struct kenc *e, uint16_t cpu, uint64_t start_ns,
		   uint64_t end_ns, uint64_t unlisted,
		   const struct kenc_entry *ent, unsigned int n);
size_t kenc_storm(struct kenc *e, uint16_t type, uint16_t cpu,
		  const struct kenc_storm *s);
/* with header flags: KRADAR_RECF_RESENT on a BEGIN is a storm update */
size_t kenc_storm_flags(struct kenc *e, uint16_t type, uint16_t flags,
			uint16_t cpu, const struct kenc_storm *s);
size_t kenc_lost(struct kenc *e, uint16_t cpu, uint32_t cause,
		 uint64_t records, uint64_t bytes, uint64_t events);

struct kenc_gap {
	uint32_t phase, pid, flags;
	const char *comm;
	uint64_t gap_start_ns, gap_ns, gp_seq, gp_start_ns;
	uint64_t hardirqs, softirqs, hrtimers, stack_ns, qs_ns;
	unsigned int nr_top;		/* <= KRADAR_GAP_TOP */
	struct { uint64_t function, count; const char *name; } top[KRADAR_GAP_TOP];
	unsigned int nr_stack;		/* <= KRADAR_STACK_MAX */
	const char *stack[KRADAR_STACK_MAX];
};

/* QS_GAP, arrays at the end as the probe writes them */
size_t kenc_gap(struct kenc *e, uint16_t cpu, const struct kenc_gap *g);
/* LOCK with two waiters and two-frame stacks */
size_t kenc_lock(struct kenc *e, uint32_t phase, uint64_t lock,
		 const char *name, uint32_t owner_pid, const char *owner_comm,
		 char state, uint64_t held_ns, uint64_t wait_ns);
/*
 * LOCK as kenc_lock, with flags and vhost fields from @vh (host order,
 * NULL: none), @fixed bytes of fixed part (KRADAR_LOCK_FIXED_V1: the
 * first layout) and @fixed_field written as fixed_size (may lie).
 */
size_t kenc_lock_ex(struct kenc *e, uint32_t phase, uint64_t lock,
		    const char *name, uint32_t owner_pid,
		    const char *owner_comm, char state, uint64_t held_ns,
		    uint64_t wait_ns, const struct kradar_rec_lock *vh,
		    uint32_t fixed, uint32_t fixed_field);
/* HUNG of pid 111 on CPU 1, waiting for @lock (0: none) held by 80 */
size_t kenc_hung(struct kenc *e, uint32_t phase, uint64_t hung_ns,
		 uint64_t lock, const char *lock_name);
/* CPU_STUCK of CPU 1, pid 120, kworker/1:1 (pid 37) waiting, 4 frames */
size_t kenc_stuck(struct kenc *e, uint32_t phase, uint32_t kind,
		  uint64_t stuck_ns);
size_t kenc_stall(struct kenc *e, uint32_t phase, uint64_t gp_seq,
		  uint64_t stall_ns, const uint16_t *cpus, uint32_t nr);

/* Canned streams (documented in kradar_enc.c) */
#define KENC_STORM_FUNC		0xffffffffc0a01230ULL
#define KENC_STORM_NAME		"advance_sched [sch_taprio]"
#define KENC_STORM_CPU		1
#define KENC_STORM_BEGIN_NS	57617360123ULL
#define KENC_STORM_RATE		250000
#define KENC_STORM_COUNT	100000
#define KENC_STORM_LATE		98000	/* 98.0 % */
#define KENC_STORM_LOST		3	/* records dropped in the guest ring */
#define KENC_STORM_GAP		2	/* of them on CPU 0 (the third on CPU 1) */
#define KENC_STORM_TRANSIT	1	/* heartbeat lost between guest and host */
int kenc_gen_storm(struct kenc *e);
int kenc_gen_clean(struct kenc *e);
int kenc_gen_hostile(struct kenc *e);
int kenc_gen_vhost(struct kenc *e);

#endif /* _KRADAR_ENC_H */
