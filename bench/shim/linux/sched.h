/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for <linux/sched.h>: the task state word and the
 * state bit kmod/compat/locking.h reads (include/linux/sched.h, 6.1),
 * and current, which the driver points at the task of each event.
 */
#ifndef _BENCH_SHIM_LINUX_SCHED_H
#define _BENCH_SHIM_LINUX_SCHED_H

#include <linux/compiler.h>

#define TASK_UNINTERRUPTIBLE	0x00000002
#define TASK_RTLOCK_WAIT	0x00001000

struct task_struct {
	unsigned int __state;
	char pad[9000];		/* task_struct is ~9 KiB in 6.1 */
};

extern struct task_struct *bench_current;
#define current	bench_current

#endif /* _BENCH_SHIM_LINUX_SCHED_H */
