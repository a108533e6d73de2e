/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The probe's hot path (kmod/kradar_hot.h) compiled in userspace, and the
 * event sequences bench-hot and test_bench_hot feed it.
 */
#ifndef _BENCH_HOT_H
#define _BENCH_HOT_H

#include "kradar_hot.h"

/* One hrtimer expiry as the tracepoint sees it. */
struct hot_event {
	void *fn;
	s64 late;		/* *now - expires, ns */
};

/* Functions seen in a real taprio-storm guest run (runs/test-taprio-storm,
 * events.jsonl; one boot's KASLR addresses). tick_sched_timer and
 * watchdog_timer_fn hash to the same slot, as they did in that boot. */
#define HOT_FN_ADVANCE_SCHED	((void *)0xffffffffc0379be0UL)
#define HOT_FN_TICK_SCHED_TIMER	((void *)0xffffffff86158f60UL)
#define HOT_FN_HRTIMER_WAKEUP	((void *)0xffffffff86145bd0UL)
#define HOT_FN_WATCHDOG		((void *)0xffffffff861956b0UL)

#define HOT_LATE_NS		100000	/* late_us=100, the probe's default */

enum hot_mix {
	HOT_MIX_STORM,		/* advance_sched only, every expiry late */
	HOT_MIX_MIXED,		/* storm plus tick, wakeups, watchdog */
};

/* Calls of kradar_hot_rare() (tick or stack request). */
extern unsigned long hot_rare_calls;

/* Fill ev[0..n) deterministically for @mix. */
void hot_gen(struct hot_event *ev, size_t n, enum hot_mix mix);
/* A zeroed per-CPU state as the module sets it up, tick_fn learnt. */
void hot_cpu_init(struct kradar_cpu *c);

/* kradar_hot_count() inlined into a function of its own, and its empty
 * twin with the same signature: the baseline. */
void hot_event_count(struct kradar_cpu *c, void *fn, s64 late, u64 late_ns);
void hot_event_empty(struct kradar_cpu *c, void *fn, s64 late, u64 late_ns);

typedef void (*hot_event_fn)(struct kradar_cpu *, void *, s64, u64);
/* The measured loop: one call of @f per event. */
void hot_loop(struct kradar_cpu *c, const struct hot_event *ev, size_t n,
	      hot_event_fn f);

#endif /* _BENCH_HOT_H */
