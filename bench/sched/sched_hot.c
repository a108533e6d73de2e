// SPDX-License-Identifier: GPL-2.0
/*
 * kradar_probe_wakeup() as kmod/kradar_sched.c has it, and the stuck-CPU
 * detector's share of the RCU detector's sched_switch probe
 * (kmod/kradar_rcu.c), around kmod/kradar_sched_hot.h unchanged, compiled
 * with the kernel's optimisation flags against bench/shim (see
 * bench/Makefile); the sched_switch probe's prototype is picked by
 * kmod/compat/sched.h, as in the module. And the per-CPU areas they
 * write.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "sched_hot.h"
#include "compat/sched.h"

static struct kradar_sched_cpu __percpu *kradar_sched_pcpu;

static void notrace kradar_probe_wakeup(void *data, struct task_struct *p)
{
	kradar_sched_hot_wakeup(kradar_sched_pcpu, p);
}

static __always_inline void kradar_probe_switch_fn(struct task_struct *prev,
						   struct task_struct *next)
{
	kradar_sched_hot_switch(kradar_sched_pcpu);
}

KRADAR_SCHED_SWITCH_PROBE(kradar_probe_switch)

const sched_wakeup_fn sched_probe_wakeup = kradar_probe_wakeup;
const sched_switch_fn sched_probe_switch =
	KRADAR_SCHED_SWITCH(kradar_probe_switch);
const int sched_switch_has_state = KRADAR_SCHED_SWITCH_HAS_STATE;

_Static_assert(sizeof(struct kradar_sched_cpu) <= SCHED_PAGE,
	       "one CPU's state fits its page");

void sched_reset(void)
{
	static void *area;
	int cpu;

	if (!area) {
		area = mmap(NULL, SCHED_CPUS * SCHED_PAGE,
			    PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (area == MAP_FAILED) {
			perror("bench-sched: mmap");
			exit(2);
		}
		kradar_sched_pcpu = area;
		for (cpu = 0; cpu < SCHED_CPUS; cpu++)
			__per_cpu_offset[cpu] = (unsigned long)cpu * SCHED_PAGE;
	}
	memset(area, 0, SCHED_CPUS * SCHED_PAGE);
	sched_clock_calls = 0;
}

struct kradar_sched_cpu *sched_cpu(int cpu)
{
	return per_cpu_ptr(kradar_sched_pcpu, cpu);
}

void sched_on_cpu(int cpu)
{
	bench_this_cpu_off = __per_cpu_offset[cpu];
}
