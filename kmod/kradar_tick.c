// SPDX-License-Identifier: GPL-2.0
/*
 * kradar: which hrtimer callback is the scheduler tick.
 *
 * The RCU gap detector counts a tick that interrupts user code or the
 * idle task as a quiescent state, so it must know the tick's hrtimer
 * callback. Its name changes with the kernel (tick_sched_timer up to
 * 6.9, tick_nohz_handler from 6.10), so it is found by what it does: the
 * tick is the hard hrtimer whose callback calls update_process_times().
 *
 * How: while the module loads, before any detector attaches, three probes
 * watch the hrtimer expiries of every CPU:
 *   hrtimer_expire_entry   notes the timer now running on this CPU;
 *   update_process_times() (kprobe) notes that the tick work ran;
 *   hrtimer_expire_exit    a timer whose callback ran that work, in hard
 *                          interrupt context, votes for its callback.
 * The entry probe clears the note, so a low-resolution tick running the
 * hrtimer queues itself (update_process_times() before the expiry) votes
 * for nothing, and a soft hrtimer interrupted by the tick does not either
 * (the tick's own exit clears the note first). Module init waits until
 * KRADAR_TICK_VOTES votes agree (40 to 80 ms under TCG), removes the
 * probes and publishes the function to every CPU's hrtimer probe
 * (kradar_hrtimer_watch_tick()); the hot path then pays one compare. All
 * of it is done before insmod returns: removing a probe patches kernel
 * text, which waits for every CPU to answer an IPI, and a CPU flooded by
 * a storm answers late, so it must not happen once the job under study
 * runs. No vote in KRADAR_TICK_LEARN_MS (a periodic low-resolution tick,
 * nohz_full), or no kprobes: the tick is taken by its known names
 * instead (kradar_hrtimer_watch_tick_named(): the storm detector's
 * sampler matches them as it names callbacks). dmesg says which way it
 * was found.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/hardirq.h>
#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <linux/string.h>
#include <linux/delay.h>
#include "kradar.h"
#include "compat/hrtimer.h"
#include "compat/tracepoint.h"

#define KRADAR_TICK_VOTES	3
#define KRADAR_TICK_LEARN_MS	1000
#define KRADAR_TICK_POLL_MS	5

/* The tick's callback by name, when it cannot be learnt. */
static const char *const kradar_tick_names[] = {
	"tick_nohz_handler",	/* 6.10+ */
	"tick_sched_timer",	/* up to 6.9 */
};

struct kradar_tick_cpu {
	struct hrtimer *timer;	/* expiring on this CPU now */
	bool ticked;		/* update_process_times() ran since */
};

static DEFINE_PER_CPU(struct kradar_tick_cpu, kradar_tick_pcpu);
static void *kradar_tick_cand;		/* first voted callback */
static atomic_t kradar_tick_votes = ATOMIC_INIT(0);
static atomic_t kradar_tick_conflicts = ATOMIC_INIT(0);
static struct tracepoint *kradar_tick_tp_entry, *kradar_tick_tp_exit;
static bool kradar_tick_kp_on;
static bool kradar_tick_learning;	/* probes on, undecided */
static void *kradar_tick_found;

static __always_inline void kradar_tick_probe_entry_fn(struct hrtimer *t,
						       ktime_t now)
{
	struct kradar_tick_cpu *c = this_cpu_ptr(&kradar_tick_pcpu);

	if (!READ_ONCE(kradar_tick_learning))
		return;
	WRITE_ONCE(c->timer, t);
	WRITE_ONCE(c->ticked, false);
}

KRADAR_EXPIRE_ENTRY_PROBE(kradar_tick_probe_entry)

static void notrace kradar_tick_probe_exit(void *data, struct hrtimer *t)
{
	struct kradar_tick_cpu *c = this_cpu_ptr(&kradar_tick_pcpu);
	void *fn, *old;

	if (!READ_ONCE(kradar_tick_learning) || !READ_ONCE(c->ticked) ||
	    READ_ONCE(c->timer) != t)
		return;
	WRITE_ONCE(c->ticked, false);
	if (!in_hardirq())
		return;
	fn = kradar_hrtimer_fn(t);
	old = cmpxchg(&kradar_tick_cand, NULL, fn);
	if (!old || old == fn)
		atomic_inc(&kradar_tick_votes);
	else
		atomic_inc(&kradar_tick_conflicts);
}

static int kradar_tick_kp_pre(struct kprobe *p, struct pt_regs *regs)
{
	WRITE_ONCE(this_cpu_ptr(&kradar_tick_pcpu)->ticked, true);
	return 0;
}

static struct kprobe kradar_tick_kp = {
	.symbol_name = "update_process_times",
	.pre_handler = kradar_tick_kp_pre,
};

static void kradar_tick_unhook(void)
{
	if (kradar_tick_kp_on)
		unregister_kprobe(&kradar_tick_kp);
	kradar_tick_kp_on = false;
	if (kradar_tick_tp_exit)
		tracepoint_probe_unregister(kradar_tick_tp_exit,
					    kradar_tick_probe_exit, NULL);
	if (kradar_tick_tp_entry)
		tracepoint_probe_unregister(kradar_tick_tp_entry,
					    KRADAR_EXPIRE_ENTRY(kradar_tick_probe_entry),
					    NULL);
	if (kradar_tick_tp_entry || kradar_tick_tp_exit)
		tracepoint_synchronize_unregister();
	kradar_tick_tp_entry = NULL;
	kradar_tick_tp_exit = NULL;
}

static void kradar_tick_publish(void *fn)
{
	int cpu;

	kradar_tick_found = fn;
	for_each_possible_cpu(cpu)
		kradar_hrtimer_watch_tick(cpu, fn);
}

/* The votes so far: publish the tick, or fall back on its names. */
static void kradar_tick_decide(unsigned int ms)
{
	unsigned int votes = atomic_read(&kradar_tick_votes);
	unsigned int conflicts = atomic_read(&kradar_tick_conflicts);

	if (votes >= KRADAR_TICK_VOTES && !conflicts) {
		kradar_tick_publish(READ_ONCE(kradar_tick_cand));
		pr_info("scheduler tick: %ps, learnt from update_process_times() in %u ms\n",
			kradar_tick_found, ms);
		return;
	}
	kradar_hrtimer_watch_tick_named(kradar_tick_names,
					ARRAY_SIZE(kradar_tick_names));
	pr_info("scheduler tick: not learnt in %u ms (%u votes, %u conflicting; a low-resolution or nohz_full tick?): taken by name (%s or %s)\n",
		ms, votes, conflicts, kradar_tick_names[0],
		kradar_tick_names[1]);
}

/*
 * Module init, after the hrtimer state exists and before any detector
 * attaches: learn the tick, sleeping up to KRADAR_TICK_LEARN_MS, and
 * remove the learning probes. With no kprobes or tracepoints, match
 * names.
 */
void kradar_tick_learn(void)
{
	unsigned int ms = 0;
	int err;

	check_trace_callback_type_hrtimer_expire_exit(kradar_tick_probe_exit);
	kradar_tick_tp_entry = kradar_tracepoint_find("hrtimer_expire_entry");
	kradar_tick_tp_exit = kradar_tracepoint_find("hrtimer_expire_exit");
	if (!kradar_tick_tp_entry || !kradar_tick_tp_exit) {
		kradar_tick_tp_entry = NULL;
		kradar_tick_tp_exit = NULL;
		goto by_name;
	}
	err = register_kprobe(&kradar_tick_kp);
	if (err) {
		kradar_tick_tp_entry = NULL;
		kradar_tick_tp_exit = NULL;
		pr_info("scheduler tick: cannot probe update_process_times() (%d)\n",
			err);
		goto by_name;
	}
	kradar_tick_kp_on = true;
	if (tracepoint_probe_register(kradar_tick_tp_exit,
				      kradar_tick_probe_exit, NULL)) {
		kradar_tick_tp_exit = NULL;
		kradar_tick_tp_entry = NULL;
		kradar_tick_unhook();
		goto by_name;
	}
	if (tracepoint_probe_register(kradar_tick_tp_entry,
				      KRADAR_EXPIRE_ENTRY(kradar_tick_probe_entry),
				      NULL)) {
		kradar_tick_tp_entry = NULL;
		kradar_tick_unhook();
		goto by_name;
	}
	WRITE_ONCE(kradar_tick_learning, true);
	while (atomic_read(&kradar_tick_votes) < KRADAR_TICK_VOTES &&
	       ms < KRADAR_TICK_LEARN_MS) {
		msleep(KRADAR_TICK_POLL_MS);
		ms += KRADAR_TICK_POLL_MS;
	}
	WRITE_ONCE(kradar_tick_learning, false);
	kradar_tick_unhook();
	kradar_tick_decide(ms);
	return;
by_name:
	kradar_hrtimer_watch_tick_named(kradar_tick_names,
					ARRAY_SIZE(kradar_tick_names));
	pr_info("scheduler tick: cannot be learnt here: taken by name (%s or %s)\n",
		kradar_tick_names[0], kradar_tick_names[1]);
}
