/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace stand-in for <linux/rtmutex.h>: where the owner word is. */
#ifndef _BENCH_SHIM_LINUX_RTMUTEX_H
#define _BENCH_SHIM_LINUX_RTMUTEX_H

struct task_struct;

struct rt_mutex_base {
	unsigned int wait_lock;
	void *waiters[2];
	struct task_struct *owner;
};

#endif /* _BENCH_SHIM_LINUX_RTMUTEX_H */
