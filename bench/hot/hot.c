// SPDX-License-Identifier: GPL-2.0
/*
 * The probe's per-event code, compiled from kmod/kradar_hot.h with the
 * kernel's optimisation flags (see bench/Makefile) against the shims in
 * bench/shim/linux/. hot_event_count() is the measured function;
 * kradar_hot_rare() stands in for the module's rare path and aborts when
 * the hot path takes it without a reason, so a benchmark can never
 * silently measure the rare path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hot.h"

unsigned long hot_rare_calls;

void kradar_hot_rare(struct kradar_cpu *c, void *fn)
{
	if (fn != c->tick_fn && !READ_ONCE(c->want_stack)) {
		fprintf(stderr, "bench-hot: kradar_hot_rare() called for %p with want_stack 0 and not the tick\n",
			fn);
		abort();
	}
	hot_rare_calls++;
	/* as the module: a stack request is served once */
	WRITE_ONCE(c->want_stack, 0);
}

noinline void hot_event_count(struct kradar_cpu *c, void *fn, s64 late,
			      u64 late_ns)
{
	kradar_hot_count(c, fn, late, late_ns);
}

noinline void hot_event_empty(struct kradar_cpu *c, void *fn, s64 late,
			      u64 late_ns)
{
	/* keep the call and its arguments; no work */
	__asm__ __volatile__("" : : "r"(c), "r"(fn), "r"(late), "r"(late_ns));
}

noinline void hot_loop(struct kradar_cpu *c, const struct hot_event *ev,
		       size_t n, hot_event_fn f)
{
	size_t i;

	for (i = 0; i < n; i++)
		f(c, ev[i].fn, ev[i].late, HOT_LATE_NS);
}

void hot_cpu_init(struct kradar_cpu *c)
{
	memset(c, 0, sizeof(*c));
	c->tick_fn = HOT_FN_TICK_SCHED_TIMER;
}

/* xorshift64*: deterministic, no libc state */
static uint64_t hot_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

/*
 * Shapes taken from the taprio-storm run's windows: the storming
 * callback ~96 % late by 1-15 ms and growing, the tick at ~200/s half of
 * it late, a few wakeups mostly on time (timer slack makes some expire
 * early: negative lateness), the watchdog rarely.
 */
void hot_gen(struct hot_event *ev, size_t n, enum hot_mix mix)
{
	uint64_t seed = 0x6b7261646172ULL;	/* fixed: same sequence each run */
	s64 storm_late = 1000000;		/* ns, grows as in a storm */
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned int r = hot_rand(&seed) % 1000;
		unsigned int q = hot_rand(&seed) % 1000;

		if (mix == HOT_MIX_STORM || r < 960) {
			ev[i].fn = HOT_FN_ADVANCE_SCHED;
			storm_late += 20 + q % 10;
			ev[i].late = (mix == HOT_MIX_STORM || q < 960) ?
				     storm_late : (s64)(q * 90);
		} else if (r < 980) {
			ev[i].fn = HOT_FN_TICK_SCHED_TIMER;
			ev[i].late = q < 500 ? 100000 + (s64)q * 8000 :
				     (s64)q * 150 - 90000;
		} else if (r < 995) {
			ev[i].fn = HOT_FN_HRTIMER_WAKEUP;
			ev[i].late = (s64)q * 100 - 20000;
		} else {
			ev[i].fn = HOT_FN_WATCHDOG;
			ev[i].late = 100000 + (s64)q * 1000;
		}
	}
}
