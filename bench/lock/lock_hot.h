/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lock detector's per-event code (kmod/kradar_lock_hot.h) compiled in
 * userspace twice, as the cloud kernel and as a PREEMPT_RT kernel build
 * it, and the contention event sequences bench-lock and test_bench_lock
 * feed it.
 */
#ifndef _BENCH_LOCK_HOT_H
#define _BENCH_LOCK_HOT_H

#include "kradar_lock_hot.h"

typedef void (*lock_begin_fn)(void *data, void *lock, unsigned int flags);
typedef void (*lock_end_fn)(void *data, void *lock, int ret);

/* One build of the probe: its tracepoint probes and its tables. */
struct lock_variant {
	const char *name;		/* "cloud" or "rt" */
	lock_begin_fn begin;		/* kradar_probe_begin() */
	lock_end_fn end;		/* kradar_probe_end() */
	struct kradar_wait *waits;	/* KRADAR_WAITS */
	atomic_t *homes;		/* KRADAR_WAITS: tracked per home */
	struct kradar_acq *acqs;	/* BIT(KRADAR_ACQ_BITS) */
	atomic64_t *untracked;
	void (*reset)(void);		/* zero the tables */
};

extern const struct lock_variant lock_variant_cloud, lock_variant_rt;

/* One tracepoint hit: contention_begin(lock, flags) or contention_end(lock, ret) in task t. */
struct lock_ev {
	struct task_struct *t;
	void *lock;
	unsigned int flags;
	int ret;
	int end;
};

enum lock_mix {
	LOCK_MIX_SLEEP,		/* 4 tasks on one mutex: 1 holder, 3 asleep */
	LOCK_MIX_FILTERED,	/* waits the detector does not track */
	LOCK_MIX_NR,
};

#define LOCK_TASKS	4
extern struct task_struct lock_tasks[LOCK_TASKS];
extern struct mutex lock_mutex;

/*
 * Fill ev[0..n) for @mix as the kernel of @v would trace it: contention
 * events of one begin and one end each, at most n / 2 (n >= 8). Sets the
 * tasks' states. Returns the number of contention events; the events
 * used are twice that.
 */
size_t lock_gen(struct lock_ev *ev, size_t n, enum lock_mix mix,
		const struct lock_variant *v);

/* The empty twins of a variant's probes: same signatures, no work. */
void lock_empty_begin(void *data, void *lock, unsigned int flags);
void lock_empty_end(void *data, void *lock, int ret);

/* The measured loop: current = the event's task, then one probe call. */
void lock_loop(const struct lock_ev *ev, size_t n, lock_begin_fn b,
	       lock_end_fn e);

/* local_clock() of the shim: how often the hot path asked for the time. */
extern unsigned long lock_clock_calls;

#endif /* _BENCH_LOCK_HOT_H */
