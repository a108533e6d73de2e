/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace stand-in for <linux/mutex.h>: where the owner word is. */
#ifndef _BENCH_SHIM_LINUX_MUTEX_H
#define _BENCH_SHIM_LINUX_MUTEX_H

#include <linux/atomic.h>

#ifndef CONFIG_PREEMPT_RT
struct mutex {
	atomic_long_t owner;
};
#else
#include <linux/rtmutex.h>
struct mutex {
	struct rt_mutex_base rtmutex;
};
#endif /* !CONFIG_PREEMPT_RT */

#endif /* _BENCH_SHIM_LINUX_MUTEX_H */
