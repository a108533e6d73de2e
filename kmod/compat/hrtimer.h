/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hrtimer tracepoints across kernels.
 *
 * hrtimer_expire_entry(struct hrtimer *, ktime_t *now) passes the base's
 * time by pointer up to 7.0 and by value (ktime_t now) from 7.1. Which
 * one a tree has is read off the prototype of its own
 * register_trace_hrtimer_expire_entry(), so a backport is followed too.
 * KRADAR_EXPIRE_ENTRY_PROBE(name) defines name_byref() and name_byval(),
 * probes for both prototypes around name_fn(struct hrtimer *, ktime_t),
 * and KRADAR_EXPIRE_ENTRY(name) is the one this kernel calls (a
 * compile-time choice; check_trace_callback_type_hrtimer_expire_entry()
 * checks it).
 *
 * struct hrtimer's callback is __private from 6.13 (ACCESS_PRIVATE() for
 * sparse); kradar_hrtimer_fn() reads it either way.
 */
#ifndef _KRADAR_COMPAT_HRTIMER_H
#define _KRADAR_COMPAT_HRTIMER_H

#include <linux/compiler.h>
#include <linux/hrtimer.h>
#include <trace/events/timer.h>

#define KRADAR_EXPIRE_NOW_BY_VALUE					\
	__builtin_types_compatible_p(					\
		typeof(register_trace_hrtimer_expire_entry),		\
		int (void (*)(void *, struct hrtimer *, ktime_t), void *))

#define KRADAR_EXPIRE_ENTRY_PROBE(name)					\
static void notrace __maybe_unused					\
name##_byref(void *data, struct hrtimer *t, ktime_t *now)		\
{									\
	name##_fn(t, *now);							\
}									\
static void notrace __maybe_unused					\
name##_byval(void *data, struct hrtimer *t, ktime_t now)		\
{									\
	name##_fn(t, now);							\
}

#define KRADAR_EXPIRE_ENTRY(name)					\
	__builtin_choose_expr(KRADAR_EXPIRE_NOW_BY_VALUE,		\
			      name##_byval, name##_byref)

static __always_inline void *kradar_hrtimer_fn(const struct hrtimer *t)
{
	return (void *)READ_ONCE(ACCESS_PRIVATE(t, function));
}

#endif /* _KRADAR_COMPAT_HRTIMER_H */
