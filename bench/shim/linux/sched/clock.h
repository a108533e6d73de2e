/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for <linux/sched/clock.h>: local_clock() is a call
 * into the scheduler clock in the kernel too; here it is an out-of-line
 * counter (bench/lock/lock_hot.c), so the hot path's own work is what
 * gets counted, plus a call of a few instructions.
 */
#ifndef _BENCH_SHIM_LINUX_SCHED_CLOCK_H
#define _BENCH_SHIM_LINUX_SCHED_CLOCK_H

#include <linux/types.h>

u64 local_clock(void);

#endif /* _BENCH_SHIM_LINUX_SCHED_CLOCK_H */
