// SPDX-License-Identifier: GPL-2.0
/*
 * kradar_test_lockup - CPUs that cannot schedule and tasks that hang, as
 * test workloads for kradar's lockup detectors.
 *
 * On load a kthread bound to CPU @cpu does what @mode says for @ms, and
 * insmod returns when it is done (mode=hung: when the waiter wakes):
 *
 *   preempt  spins in kradar_test_preempt_spin() with preemption off;
 *            unlike kradar_test_rcuspin nobody asks for a grace period,
 *            so only a detector that watches the scheduler sees it.
 *   irqs     spins in kradar_test_irqs_spin() with interrupts off: the
 *            CPU takes no timer interrupt, so it is seen from the others.
 *   hung     the thread sleeps in D (TASK_UNINTERRUPTIBLE) in
 *            kradar_test_hung_wait() on a completion that a timer
 *            completes after @ms: a hung task the kernel reports only
 *            after hung_task_timeout_secs.
 *   rt       a SCHED_FIFO thread spins in kradar_test_rt_hog() with
 *            preemption on, never sleeping: the RT runtime limit
 *            throttles it ("sched: RT throttling activated").
 *
 * A spin longer than twice /proc/sys/kernel/watchdog_thresh makes the
 * kernel's soft-lockup watchdog report it (the scenarios lower the
 * threshold for that case). Every spin reads ktime_get() and checks its
 * deadline, so the CPU comes back; the module cannot be unloaded before.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/irqflags.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/timer.h>
#include <linux/version.h>

#define KRADAR_LOCKUP_CPU	1	/* CPU number */
#define KRADAR_LOCKUP_MS	2500	/* ms */
#define KRADAR_LOCKUP_MAX_MS	60000	/* ms */
#define KRADAR_LOCKUP_IRQS_MAX_MS 15000	/* ms, irqs off: below RCU's stall timeout */

static unsigned int cpu = KRADAR_LOCKUP_CPU;
module_param(cpu, uint, 0444);
MODULE_PARM_DESC(cpu, "CPU the thread runs on (default 1)");

static unsigned int ms = KRADAR_LOCKUP_MS;
module_param(ms, uint, 0444);
MODULE_PARM_DESC(ms, "ms the spin or the wait lasts, 1..60000 (irqs: 1..15000; default 2500)");

static char mode[16] = "preempt";
module_param_string(mode, mode, sizeof(mode), 0444);
MODULE_PARM_DESC(mode, "preempt | irqs | hung | rt (default preempt)");

enum kradar_lockup_mode {
	KRADAR_LOCKUP_PREEMPT,
	KRADAR_LOCKUP_IRQS,
	KRADAR_LOCKUP_HUNG,
	KRADAR_LOCKUP_RT,
};

static const char * const kradar_lockup_modes[] = {
	[KRADAR_LOCKUP_PREEMPT] = "preempt",
	[KRADAR_LOCKUP_IRQS] = "irqs",
	[KRADAR_LOCKUP_HUNG] = "hung",
	[KRADAR_LOCKUP_RT] = "rt",
};

static enum kradar_lockup_mode kradar_mode;
static DECLARE_COMPLETION(kradar_lockup_done);
static DECLARE_COMPLETION(kradar_hung_wake);
static struct timer_list kradar_hung_timer;
static s64 kradar_ran_us;

static bool kradar_spin_until(ktime_t end)
{
	return ktime_before(ktime_get(), end);
}

/* The functions kradar's records must name. */
static noinline void kradar_test_preempt_spin(unsigned int spin_ms)
{
	ktime_t end = ktime_add_ms(ktime_get(), spin_ms);

	preempt_disable();
	while (kradar_spin_until(end))
		cpu_relax();
	preempt_enable();
}

static noinline void kradar_test_irqs_spin(unsigned int spin_ms)
{
	ktime_t end = ktime_add_ms(ktime_get(), spin_ms);
	unsigned long flags;

	local_irq_save(flags);
	while (kradar_spin_until(end))
		cpu_relax();
	local_irq_restore(flags);
}

static noinline void kradar_test_rt_hog(unsigned int spin_ms)
{
	ktime_t end = ktime_add_ms(ktime_get(), spin_ms);

	/* preemptible, never sleeping: only RT throttling stops it */
	while (kradar_spin_until(end))
		cpu_relax();
}

static void kradar_hung_timer_fn(struct timer_list *t)
{
	complete(&kradar_hung_wake);
}

static noinline void kradar_test_hung_wait(unsigned int wait_ms)
{
	mod_timer(&kradar_hung_timer, jiffies + msecs_to_jiffies(wait_ms));
	/* TASK_UNINTERRUPTIBLE: the D state hung-task detectors look for */
	wait_for_completion(&kradar_hung_wake);
	/* no tail call: this frame stays on the sleeping task's stack */
	barrier();
}

static int kradar_lockup_thread(void *unused)
{
	ktime_t t0 = ktime_get();

	switch (kradar_mode) {
	case KRADAR_LOCKUP_PREEMPT:
		kradar_test_preempt_spin(ms);
		break;
	case KRADAR_LOCKUP_IRQS:
		kradar_test_irqs_spin(ms);
		break;
	case KRADAR_LOCKUP_HUNG:
		kradar_test_hung_wait(ms);
		break;
	case KRADAR_LOCKUP_RT:
		sched_set_fifo(current);
		kradar_test_rt_hog(ms);
		break;
	}
	kradar_ran_us = ktime_us_delta(ktime_get(), t0);
	complete(&kradar_lockup_done);
	return 0;
}

static int kradar_lockup_check_params(void)
{
	int i;

	if (cpu >= nr_cpu_ids || !cpu_online(cpu)) {
		pr_err("cpu=%u is not online (online: %*pbl)\n", cpu,
		       cpumask_pr_args(cpu_online_mask));
		return -EINVAL;
	}
	i = match_string(kradar_lockup_modes, ARRAY_SIZE(kradar_lockup_modes),
			 mode);
	if (i < 0) {
		pr_err("mode=%s unknown: preempt, irqs, hung or rt\n", mode);
		return -EINVAL;
	}
	kradar_mode = i;
	if (ms < 1 || ms > KRADAR_LOCKUP_MAX_MS ||
	    (kradar_mode == KRADAR_LOCKUP_IRQS && ms > KRADAR_LOCKUP_IRQS_MAX_MS)) {
		pr_err("ms=%u out of range 1..%d for mode=%s\n", ms,
		       kradar_mode == KRADAR_LOCKUP_IRQS ?
		       KRADAR_LOCKUP_IRQS_MAX_MS : KRADAR_LOCKUP_MAX_MS, mode);
		return -EINVAL;
	}
	return 0;
}

static int __init kradar_lockup_init(void)
{
	struct task_struct *t;
	int ret;

	ret = kradar_lockup_check_params();
	if (ret)
		return ret;
	timer_setup(&kradar_hung_timer, kradar_hung_timer_fn, 0);
	t = kthread_create(kradar_lockup_thread, NULL, "kradar_%s/%u", mode,
			   cpu);
	if (IS_ERR(t))
		return PTR_ERR(t);
	kthread_bind(t, cpu);
	pr_info("%s on CPU %u for %u ms: pid %d\n", mode, cpu, ms,
		task_pid_nr(t));
	wake_up_process(t);
	/* TASK_IDLE: insmod waits in D but is no hung task itself */
	wait_for_completion_state(&kradar_lockup_done, TASK_IDLE);
	pr_info("%s on CPU %u done after %lld us\n", mode, cpu, kradar_ran_us);
	return 0;
}

static void __exit kradar_lockup_exit(void)
{
	/* the thread has finished: init waited for it */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	timer_delete_sync(&kradar_hung_timer);
#else
	del_timer_sync(&kradar_hung_timer);
#endif /* 6.2 */
}

module_init(kradar_lockup_init);
module_exit(kradar_lockup_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kradar test workload: CPUs that cannot schedule, hung tasks, RT hogs");
