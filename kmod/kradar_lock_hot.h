/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kradar_probe.ko lock detector hot path: what runs on every
 * contention_begin and contention_end (the slow path of a contended
 * lock; uncontended locks never get here).
 *
 * Kept in this header, free of anything but a few basic kernel helpers
 * (hash_ptr, READ_ONCE/WRITE_ONCE, cmpxchg, smp_wmb, atomic_read,
 * atomic_inc/dec, atomic64_inc, local_clock and compat/locking.h), so
 * that bench/ can compile the very same code in userspace with small
 * shims of those helpers and count its instructions per contention event
 * under callgrind.
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
	void *lock;		/* NULL in a free slot */
	u64 begin_ns;
};

/*
 * Most contention_end hits end waits that were never tracked: optimistic
 * spins on mutexes, spinlock_t waits on PREEMPT_RT, ends without a begin
 * (the probe attached mid-wait). So that those return at once instead of
 * scanning KRADAR_WAIT_PROBES slots, each slot index i has a count,
 * homes[i], of the tasks with hash i (their home) that hold a slot:
 * incremented by a begin that claims a slot, decremented by the end that
 * frees it, both atomic and only on the tracked path; contention_end
 * reads its own home's count (atomic_read, a plain load: no write, no
 * lock) and returns when it is 0, and a sleeping begin skips its look
 * for a slot it already holds the same way.
 *
 * Why a zero never hides a tracked wait of the reading task t: t holds a
 * slot only between its own begin's increment and its own end's
 * decrement (no other code frees t's slot). t's end comes after t's
 * begin in t's program order, and the scheduler keeps a task's program
 * order across migrations (kernel/sched/core.c, "Notes on Program-Order
 * guarantees on SMP systems": all of a task's activity on its old CPU
 * happens-before its execution on the new one), so even when t began on
 * one CPU and ends on another its load of homes[i] cannot precede its
 * increment in that counter's coherence order. Every other task's
 * decrement of homes[i] follows its own increment likewise, so every
 * value from t's increment until t's decrement counts t: at least 1.
 * A non-zero count that is not t's (another task with the same hash, or
 * a stale value) only costs the scan, which then finds nothing, as
 * before. One count per home rather than one count of all tracked
 * waits: a task sleeping for a mutex makes only the tasks that share its
 * home (1 in KRADAR_WAITS) scan, not every contention_end in the system.
 */

/* The last task that took a lock after waiting for it, per lock hash. */
struct kradar_acq {
	void *lock;
	struct task_struct *task;
	u64 ns;
};

/*
 * The slot @t holds in @waits, or NULL; @i is its home,
 * hash_ptr(t, KRADAR_WAIT_BITS). Worth a look only when homes[i] is not 0.
 */
static __always_inline struct kradar_wait *
kradar_lock_hot_find(struct kradar_wait *waits, unsigned int i,
		     struct task_struct *t)
{
	unsigned int n;

	for (n = 0; n < KRADAR_WAIT_PROBES; n++) {
		struct kradar_wait *w = &waits[(i + n) & (KRADAR_WAITS - 1)];

		if (READ_ONCE(w->task) == t)
			return w;
	}
	return NULL;
}

/*
 * contention_begin in task @t: claim a slot of @waits for a sleeping
 * mutex wait (cmpxchg, no lock) and count it in @homes, or count it in
 * @untracked when all KRADAR_WAIT_PROBES slots it may take are in use.
 */
static __always_inline void kradar_lock_hot_begin(struct kradar_wait *waits,
						  atomic_t *homes,
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
	if (atomic_read(&homes[i]) && kradar_lock_hot_find(waits, i, t))
		return;		/* woken and sleeping again */
	for (n = 0; n < KRADAR_WAIT_PROBES; n++) {
		struct kradar_wait *w = &waits[(i + n) & (KRADAR_WAITS - 1)];

		if (READ_ONCE(w->task) || cmpxchg(&w->task, NULL, t))
			continue;
		atomic_inc(&homes[i]);	/* t's slot: counted until t frees it */
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
 * The rest of contention_end when @t's home @i counts a tracked wait:
 * out of line, so that the common case above does not pay for the
 * registers and the stack frame this part needs.
 */
static noinline void notrace
kradar_lock_hot_end_slow(struct kradar_wait *waits, atomic_t *homes,
			 struct kradar_acq *acqs, unsigned int i,
			 struct task_struct *t, void *lock, int ret)
{
	struct kradar_wait *w = kradar_lock_hot_find(waits, i, t);

	/*
	 * Not t's wait for @lock: contention on another lock in t while it
	 * waits (the mutex's wait_lock, a spinlock in an interrupt) ends
	 * with t's current, but leaves t's wait alone. A begin and its end
	 * name the same lock (mutex.c, rtmutex.c); a free slot has no lock.
	 */
	if (!w || READ_ONCE(w->lock) != lock)
		return;
	if (!ret) {
		struct kradar_acq *a = &acqs[hash_ptr(lock, KRADAR_ACQ_BITS)];

		WRITE_ONCE(a->lock, NULL);
		smp_wmb();	/* invalidate before rewriting */
		a->task = t;
		a->ns = local_clock();
		smp_wmb();	/* the entry before its key */
		WRITE_ONCE(a->lock, lock);
	}
	WRITE_ONCE(w->ready, 0);
	WRITE_ONCE(w->lock, NULL);
	smp_wmb();	/* not ready, no lock, before the slot is free */
	WRITE_ONCE(w->task, NULL);
	atomic_dec(&homes[i]);
}

/*
 * contention_end in task @t: free its slot; when it got @lock (@ret 0),
 * note in @acqs that it holds it since now. For a wait that was not
 * tracked, one hash and one load (see homes above), nothing written.
 */
static __always_inline void kradar_lock_hot_end(struct kradar_wait *waits,
						atomic_t *homes,
						struct kradar_acq *acqs,
						struct task_struct *t,
						void *lock, int ret)
{
	unsigned int i = hash_ptr(t, KRADAR_WAIT_BITS);

	if (likely(!atomic_read(&homes[i])))
		return;		/* t holds no slot */
	kradar_lock_hot_end_slow(waits, homes, acqs, i, t, lock, ret);
}

#endif /* _KRADAR_LOCK_HOT_H */
