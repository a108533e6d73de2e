// SPDX-License-Identifier: GPL-2.0
/*
 * What surrounds the stuck-CPU detector's probes in bench-sched: the
 * per-CPU offsets, local_clock(), the tasks, the empty probes, the
 * measured loop with one trampoline per path (kernel flags, like the
 * probes), and the event sequences.
 */
#include <string.h>
#include "sched_hot.h"

unsigned long __per_cpu_offset[SCHED_CPUS];
__thread unsigned long bench_this_cpu_off;
struct task_struct sched_tasks[SCHED_TASKS] __attribute__((aligned(64)));
unsigned long sched_clock_calls;

noinline u64 local_clock(void)
{
	return ++sched_clock_calls * 1000;
}

noinline void sched_empty_wakeup(void *data, struct task_struct *p)
{
	__asm__ __volatile__("" : : "r"(data), "r"(p));
}

noinline void sched_empty_switch(void *data, bool preempt,
				 struct task_struct *prev,
				 struct task_struct *next,
				 unsigned int prev_state)
{
	__asm__ __volatile__("" : : "r"(data), "r"(preempt), "r"(prev),
			     "r"(next), "r"(prev_state));
}

/*
 * One trampoline per path, so that callgrind can count one path at a
 * time (--toggle-collect=sched_call_PATH). The barrier keeps the call
 * a call: a tail jump would leave the trampoline before the probe runs.
 */
#define barrier()	__asm__ __volatile__("" : : : "memory")

noinline void sched_call_wake_new(sched_wakeup_fn w, struct task_struct *p)
{
	w(NULL, p);
	barrier();
}

noinline void sched_call_wake_pending(sched_wakeup_fn w,
				      struct task_struct *p)
{
	w(NULL, p);
	barrier();
}

noinline void sched_call_switch_pending(sched_switch_fn s,
					const struct sched_ev *e)
{
	s(NULL, !e->prev_state, e->prev, e->next, e->prev_state);
	barrier();
}

noinline void sched_call_switch_none(sched_switch_fn s,
				     const struct sched_ev *e)
{
	s(NULL, !e->prev_state, e->prev, e->next, e->prev_state);
	barrier();
}

noinline void sched_loop(const struct sched_ev *ev, size_t n,
			 sched_wakeup_fn w, sched_switch_fn s)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct sched_ev *e = &ev[i];

		bench_this_cpu_off = __per_cpu_offset[e->cpu];
		switch (e->path) {
		case SCHED_WAKE_NEW:
			sched_call_wake_new(w, e->p);
			break;
		case SCHED_WAKE_PENDING:
			sched_call_wake_pending(w, e->p);
			break;
		case SCHED_SWITCH_PENDING:
			sched_call_switch_pending(s, e);
			break;
		default:
			sched_call_switch_none(s, e);
		}
	}
}

/* The generator's model: is a wakeup pending on each CPU? */
struct sched_model {
	bool pending[SCHED_CPUS];
	size_t *paths;
	struct sched_ev *ev;
	size_t k;
};

static void gen_wake(struct sched_model *m, int waker, struct task_struct *p)
{
	int cpu = task_cpu(p);
	unsigned int path = m->pending[cpu] ? SCHED_WAKE_PENDING :
					      SCHED_WAKE_NEW;

	m->pending[cpu] = true;
	m->paths[path]++;
	m->ev[m->k++] = (struct sched_ev){ .path = path, .cpu = waker, .p = p };
}

static void gen_switch(struct sched_model *m, int cpu,
		       struct task_struct *prev, struct task_struct *next,
		       unsigned int prev_state)
{
	unsigned int path = m->pending[cpu] ? SCHED_SWITCH_PENDING :
					      SCHED_SWITCH_NONE;

	m->pending[cpu] = false;
	m->paths[path]++;
	m->ev[m->k++] = (struct sched_ev){ .path = path, .cpu = cpu,
		.prev = prev, .next = next, .prev_state = prev_state };
}

/*
 * Two CPUs, as the guests kradar runs in. Tasks 0 and 1 are the idle
 * tasks of CPUs 0 and 1; the others live on CPU k % 2.
 *
 * SCHED_MIX_IDLE, the common case of a lightly loaded machine: a task is
 * woken onto an idle CPU from the other CPU (the first wakeup there since
 * its last switch: written), the CPU switches to it (the pending word
 * cleared), it runs and blocks, and the CPU goes idle again with nothing
 * woken meanwhile (nothing to clear). CPUs alternate.
 *
 * SCHED_MIX_BUSY: a CPU runs a CPU-bound task while four tasks are woken
 * onto it in a burst (the first writes, the three others find it
 * pending); the tick preempts the runner for the first of them (cleared),
 * each blocks in turn for the next and the last gives the CPU back to the
 * runner, none of these finding a new wakeup. CPUs alternate.
 */
size_t sched_gen(struct sched_ev *ev, size_t n, enum sched_mix mix,
		 size_t paths[SCHED_PATH_NR])
{
	struct sched_model m = { .paths = paths, .ev = ev };
	unsigned int cycle = 0, i;
	size_t len = mix == SCHED_MIX_IDLE ? 3 : 9;

	memset(paths, 0, SCHED_PATH_NR * sizeof(paths[0]));
	for (i = 0; i < SCHED_TASKS; i++) {
		sched_tasks[i].thread_info.cpu = i % 2;
		sched_tasks[i].pid = i < 2 ? 0 : 100 + i;
	}
	while (m.k + len <= n) {
		int cpu = cycle % 2;
		/* the tasks of this CPU besides its idle task, in turn */
		unsigned int per = (SCHED_TASKS - 2) / 2, base = 2 + cpu;
		struct task_struct *idle = &sched_tasks[cpu];
		struct task_struct *t[5];

		for (i = 0; i < 5; i++)
			t[i] = &sched_tasks[base + 2 * ((cycle / 2 + i) % per)];
		if (mix == SCHED_MIX_IDLE) {
			gen_wake(&m, !cpu, t[0]);
			gen_switch(&m, cpu, idle, t[0], 0);
			gen_switch(&m, cpu, t[0], idle, 1);
		} else {
			for (i = 1; i < 5; i++)
				gen_wake(&m, !cpu, t[i]);
			gen_switch(&m, cpu, t[0], t[1], 0);
			for (i = 1; i < 4; i++)
				gen_switch(&m, cpu, t[i], t[i + 1], 1);
			gen_switch(&m, cpu, t[4], t[0], 1);
		}
		cycle++;
	}
	return m.k;
}
