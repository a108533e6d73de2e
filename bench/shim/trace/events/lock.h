/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for <trace/events/lock.h>: the contention_begin
 * flags (unchanged since 5.19; test_bench_lock compares them with the
 * installed kernel headers).
 */
#ifndef _BENCH_SHIM_TRACE_EVENTS_LOCK_H
#define _BENCH_SHIM_TRACE_EVENTS_LOCK_H

#define LCB_F_SPIN	(1U << 0)
#define LCB_F_READ	(1U << 1)
#define LCB_F_WRITE	(1U << 2)
#define LCB_F_RT	(1U << 3)
#define LCB_F_PERCPU	(1U << 4)
#define LCB_F_MUTEX	(1U << 5)

#endif /* _BENCH_SHIM_TRACE_EVENTS_LOCK_H */
