/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sleeping locks seen through the lock contention tracepoints (5.19+),
 * with and without PREEMPT_RT.
 *
 * Without PREEMPT_RT a mutex waits with LCB_F_MUTEX (LCB_F_MUTEX |
 * LCB_F_SPIN while it spins on the owner) and its owner is struct
 * mutex->owner, a task pointer with three flag bits (MUTEX_FLAGS in
 * kernel/locking/mutex.c). rt_mutexes wait with LCB_F_RT.
 *
 * With PREEMPT_RT (Debian's linux-image-rt-amd64) struct mutex is an
 * rt_mutex_base with no owner field of its own, and every sleeping lock
 * goes through rtmutex.c: mutexes and rt_mutexes with LCB_F_RT,
 * spinlock_t and rwlock_t waiters with LCB_F_RT too but in state
 * TASK_RTLOCK_WAIT (rtlock_slowlock_locked()), rw_semaphore and rwlock_t
 * readers and writers on the rwbase_rt with LCB_F_RT plus LCB_F_READ or
 * LCB_F_WRITE. The owner is rt_mutex_base->owner with one flag bit
 * (RT_MUTEX_HAS_WAITERS in kernel/locking/rtmutex_common.h).
 */
#ifndef _KRADAR_COMPAT_LOCKING_H
#define _KRADAR_COMPAT_LOCKING_H

#include <linux/mutex.h>
#include <linux/rtmutex.h>
#include <linux/sched.h>
#include <trace/events/lock.h>

#define KRADAR_MUTEX_FLAGS	0x07UL	/* low bits of mutex->owner */
#define KRADAR_RTMUTEX_FLAGS	0x01UL	/* RT_MUTEX_HAS_WAITERS */

/*
 * From contention_begin, in the waiting task: true when it is about to
 * sleep for a mutex or an rt_mutex (PREEMPT_RT's mutexes). Spinning, the
 * spinlocks and rwlocks PREEMPT_RT turns into rtlocks, and the
 * rwsem-like rwbase_rt are not mutexes.
 */
static __always_inline bool kradar_lcb_mutex_sleep(unsigned int flags)
{
	if (flags & (LCB_F_SPIN | LCB_F_READ | LCB_F_WRITE | LCB_F_PERCPU))
		return false;
	if (flags & LCB_F_MUTEX)
		return true;
	if (!(flags & LCB_F_RT))
		return false;
#ifdef CONFIG_PREEMPT_RT
	if (READ_ONCE(current->__state) & TASK_RTLOCK_WAIT)
		return false;
#endif /* CONFIG_PREEMPT_RT */
	return true;
}

/*
 * The word holding the owner of a lock @flags (LCB_F_*) says is a mutex
 * or an rt_mutex, and the flag bits to clear from it; NULL if this
 * kernel has no such lock.
 */
static inline const void *kradar_lock_owner_word(void *lock,
						 unsigned int flags,
						 unsigned long *mask)
{
	if (flags & LCB_F_RT) {
		*mask = KRADAR_RTMUTEX_FLAGS;
		return &((struct rt_mutex_base *)lock)->owner;
	}
#ifndef CONFIG_PREEMPT_RT
	*mask = KRADAR_MUTEX_FLAGS;
	return &((struct mutex *)lock)->owner;
#else
	return NULL;	/* a PREEMPT_RT mutex waits with LCB_F_RT */
#endif /* !CONFIG_PREEMPT_RT */
}

#endif /* _KRADAR_COMPAT_LOCKING_H */
