/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The stuck-CPU detector's per-event code (kmod/kradar_sched_hot.h)
 * compiled in userspace, the per-CPU state it writes, and the scheduler
 * event sequences bench-sched and test_bench_sched feed it.
 */
#ifndef _BENCH_SCHED_HOT_H
#define _BENCH_SCHED_HOT_H

#include "kradar_sched_hot.h"

#define SCHED_CPUS	4
#define SCHED_TASKS	16
#define SCHED_PAGE	4096	/* one CPU's area: a page of its own */

/* The tracepoint probes' prototypes (sched_wakeup; sched_switch, 5.18+). */
typedef void (*sched_wakeup_fn)(void *data, struct task_struct *p);
typedef void (*sched_switch_fn)(void *data, bool preempt,
				struct task_struct *prev,
				struct task_struct *next,
				unsigned int prev_state);

/* kradar_probe_wakeup() and kradar_probe_switch as the module has them. */
extern const sched_wakeup_fn sched_probe_wakeup;
extern const sched_switch_fn sched_probe_switch;
/* compat/sched.h's choice: 1, the probe with prev_state (5.18+). */
extern const int sched_switch_has_state;
/* Their empty twins: the same prototypes, no work. */
void sched_empty_wakeup(void *data, struct task_struct *p);
void sched_empty_switch(void *data, bool preempt, struct task_struct *prev,
			struct task_struct *next, unsigned int prev_state);

/*
 * The per-CPU state: SCHED_CPUS areas a page apart (per_cpu_ptr() of the
 * module's pointer, kradar_sched_pcpu), all zero, as alloc_percpu()
 * leaves them. Returns CPU @cpu's struct.
 */
void sched_reset(void);
struct kradar_sched_cpu *sched_cpu(int cpu);
/* Run as CPU @cpu: what this_cpu_ptr() adds (per thread). */
void sched_on_cpu(int cpu);

extern struct task_struct sched_tasks[SCHED_TASKS];
/* local_clock() of the shim: how often the hot path asked for the time. */
extern unsigned long sched_clock_calls;

/*
 * What an event finds on the CPU it is about, the generator's model: a
 * wakeup onto a CPU with no wakeup pending there (it writes), with one
 * pending (it only reads); a switch on a CPU with a pending wakeup (it
 * clears it), with none (it only reads).
 */
enum sched_path {
	SCHED_WAKE_NEW,
	SCHED_WAKE_PENDING,
	SCHED_SWITCH_PENDING,
	SCHED_SWITCH_NONE,
	SCHED_PATH_NR,
};

/* One tracepoint hit, on CPU cpu. */
struct sched_ev {
	unsigned int path;		/* enum sched_path */
	int cpu;			/* the CPU it runs on */
	struct task_struct *p;		/* wakeup: the woken task */
	struct task_struct *prev, *next;	/* switch */
	unsigned int prev_state;	/* switch: 0 preempted, 1 asleep */
};

enum sched_mix {
	SCHED_MIX_IDLE,		/* woken onto idle CPUs: wake, run, block */
	SCHED_MIX_BUSY,		/* bursts of wakeups onto busy CPUs */
	SCHED_MIX_NR,
};

/*
 * Fill ev[0..n) for @mix, as the scheduler of a 2-CPU guest would trace
 * it, and the tasks' CPUs; counts of each path in paths[]. Returns the
 * number of events (at most n, whole cycles). The model starts from
 * sched_reset()'s state: no wakeup pending anywhere.
 */
size_t sched_gen(struct sched_ev *ev, size_t n, enum sched_mix mix,
		 size_t paths[SCHED_PATH_NR]);

/*
 * The measured loop: for each event, this CPU set, then one probe call
 * through the trampoline of the event's path, sched_call_PATH() (what
 * bench-sched has callgrind count, one path per run).
 */
void sched_loop(const struct sched_ev *ev, size_t n, sched_wakeup_fn w,
		sched_switch_fn s);

#endif /* _BENCH_SCHED_HOT_H */
