/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kradar_probe.ko lock detector hot path: what runs on every
 * contention_begin and contention_end (the slow path of a contended
 * lock; uncontended locks never get here).
 *
 * Kept in this header, free of anything but a few basic kernel helpers
 * (hash_ptr, READ_ONCE/WRITE_ONCE, cmpxchg, smp_wmb, atomic64_inc,
 * local_clock and compat/locking.h), so that bench/ can compile the very
 * same code in userspace with small shims of those helpers and count its
 * instructions per contention event under callgrind.
 */
#ifndef _KRADAR_LOCK_HOT_H
#define _KRADAR_LOCK_HOT_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/compiler.h>
#include <linux/hash.h>
#include <linux/sched/clock.h>
#include <linux/types.h>
#include "compat/locking.h"

#define KRADAR_WAIT_BITS	7
#define KRADAR_WAITS		BIT(KRADAR_WAIT_BITS)
#define KRADAR_WAIT_PROBES	8
#define KRADAR_ACQ_BITS		6

/* A task sleeping for a lock; task != NULL and ready: in use. */
struct kradar_wait {
	struct task_struct *task;
	int ready;
	unsigned int flags;	/* LCB_F_* */
	void *lock;
	u64 begin_ns;
};

/* The last task that took a lock after waiting for it, per lock hash. */
struct kradar_acq {
	void *lock;
	struct task_struct *task;
	u64 ns;
};

/*
 * contention_begin in task @t: claim a slot of @waits for a sleeping
 * mutex wait (cmpxchg, no lock), or count it in @untracked when all
 * KRADAR_WAIT_PROBES slots it may take are in use.
 */
static __always_inline void kradar_lock_hot_begin(struct kradar_wait *waits,
						  atomic64_t *untracked,
						  struct task_struct *t,
						  void *lock,
						  unsigned int flags)
{
	unsigned int i, n;

	/* sleeping waits for mutexes and rt_mutexes only */
	if (!kradar_lcb_mutex_sleep(flags))
		return;
	i = hash_ptr(t, KRADAR_WAIT_BITS);
	for (n = 0; n < KRADAR_WAIT_PROBES; n++) {
		struct kradar_wait *w = &waits[(i + n) & (KRADAR_WAITS - 1)];

		if (READ_ONCE(w->task) == t)
			return;		/* woken and sleeping again */
	}
	for (n = 0; n < KRADAR_WAIT_PROBES; n++) {
		struct kradar_wait *w = &waits[(i + n) & (KRADAR_WAITS - 1)];

		if (READ_ONCE(w->task) || cmpxchg(&w->task, NULL, t))
			continue;
		w->lock = lock;
		w->flags = flags;
		w->begin_ns = local_clock();
		smp_wmb();	/* the wait before ready: kradar_lock_sample() */
		WRITE_ONCE(w->ready, 1);
		return;
	}
	atomic64_inc(untracked);
}

/*
 * contention_end in task @t: free its slot; when it got @lock (@ret 0),
 * note in @acqs that it holds it since now.
 */
static __always_inline void kradar_lock_hot_end(struct kradar_wait *waits,
						struct kradar_acq *acqs,
						struct task_struct *t,
						void *lock, int ret)
{
	unsigned int i, n;

	i = hash_ptr(t, KRADAR_WAIT_BITS);
	for (n = 0; n < KRADAR_WAIT_PROBES; n++) {
		struct kradar_wait *w = &waits[(i + n) & (KRADAR_WAITS - 1)];

		if (READ_ONCE(w->task) != t)
			continue;
		if (!ret) {
			struct kradar_acq *a;

			a = &acqs[hash_ptr(lock, KRADAR_ACQ_BITS)];
			WRITE_ONCE(a->lock, NULL);
			smp_wmb();	/* invalidate before rewriting */
			a->task = t;
			a->ns = local_clock();
			smp_wmb();	/* the entry before its key */
			WRITE_ONCE(a->lock, lock);
		}
		WRITE_ONCE(w->ready, 0);
		smp_wmb();	/* not ready before the slot is free */
		WRITE_ONCE(w->task, NULL);
		return;
	}
}

#endif /* _KRADAR_LOCK_HOT_H */
