/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for <trace/events/sched.h>: only the type of
 * register_trace_sched_switch(), from which kmod/compat/sched.h picks
 * the probe's prototype. 5.18 and later pass prev_state, as 6.1 does
 * (test_bench_sched compares with the installed kernel headers).
 * Declared, never defined or called.
 */
#ifndef _BENCH_SHIM_TRACE_EVENTS_SCHED_H
#define _BENCH_SHIM_TRACE_EVENTS_SCHED_H

#include <linux/types.h>

struct task_struct;

int register_trace_sched_switch(void (*probe)(void *data, bool preempt,
					      struct task_struct *prev,
					      struct task_struct *next,
					      unsigned int prev_state),
				void *data);

#endif /* _BENCH_SHIM_TRACE_EVENTS_SCHED_H */
