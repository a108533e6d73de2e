/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sched_switch tracepoint across kernels: 5.18 added prev_state as
 * its last argument. Which prototype a tree has is read off its own
 * register_trace_sched_switch(), not off a version number (distribution
 * kernels backport). KRADAR_SCHED_SWITCH_PROBE(name) defines
 * name_with_state() and name_without_state() around
 * name_fn(struct task_struct *prev, struct task_struct *next), and
 * KRADAR_SCHED_SWITCH(name) is the one this kernel calls;
 * check_trace_callback_type_sched_switch() checks the choice.
 */
#ifndef _KRADAR_COMPAT_SCHED_H
#define _KRADAR_COMPAT_SCHED_H

#include <linux/compiler.h>
#include <linux/sched.h>
#include <trace/events/sched.h>

#define KRADAR_SCHED_SWITCH_HAS_STATE					\
	__builtin_types_compatible_p(					\
		typeof(register_trace_sched_switch),			\
		int (void (*)(void *, bool, struct task_struct *,	\
			      struct task_struct *, unsigned int), void *))

#define KRADAR_SCHED_SWITCH_PROBE(name)					\
static void notrace __maybe_unused					\
name##_with_state(void *data, bool preempt, struct task_struct *prev,	\
		  struct task_struct *next, unsigned int prev_state)	\
{									\
	name##_fn(prev, next);						\
}									\
static void notrace __maybe_unused					\
name##_without_state(void *data, bool preempt,				\
		     struct task_struct *prev, struct task_struct *next)\
{									\
	name##_fn(prev, next);						\
}

#define KRADAR_SCHED_SWITCH(name)					\
	__builtin_choose_expr(KRADAR_SCHED_SWITCH_HAS_STATE,		\
			      name##_with_state, name##_without_state)

#endif /* _KRADAR_COMPAT_SCHED_H */
