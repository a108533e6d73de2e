// SPDX-License-Identifier: GPL-2.0
/*
 * kradar_test_rcuspin - a CPU that holds up RCU, as a test workload.
 *
 * On load a kthread bound to CPU @cpu spins in kradar_test_rcu_spin() with
 * preemption disabled for @spin_ms: no context switch, and the scheduler
 * tick keeps interrupting kernel code that cannot be preempted, so the CPU
 * passes no RCU quiescent state. Meanwhile the loading task asks for a
 * grace period with synchronize_rcu(), which can only end after the spin.
 * insmod returns once both are done and prints how long the grace period
 * took. Interrupts stay enabled, so the CPU's hrtimers (and kradar's
 * probe) keep running.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>

#define KRADAR_RCUSPIN_CPU	1	/* CPU number */
#define KRADAR_RCUSPIN_MS	2500	/* ms */
#define KRADAR_RCUSPIN_MAX_MS	15000	/* ms, below the RCU stall timeout */

static unsigned int cpu = KRADAR_RCUSPIN_CPU;
module_param(cpu, uint, 0444);
MODULE_PARM_DESC(cpu, "CPU to spin on (default 1)");

static unsigned int spin_ms = KRADAR_RCUSPIN_MS;
module_param(spin_ms, uint, 0444);
MODULE_PARM_DESC(spin_ms, "ms to spin with preemption disabled, 1..15000 (default 2500)");

static DECLARE_COMPLETION(kradar_spin_started);
static DECLARE_COMPLETION(kradar_spin_done);

/* The function kradar's gap record must name. */
static noinline void kradar_test_rcu_spin(unsigned int ms)
{
	ktime_t end = ktime_add_ms(ktime_get(), ms);

	preempt_disable();
	complete(&kradar_spin_started);
	while (ktime_before(ktime_get(), end))
		cpu_relax();
	preempt_enable();
}

static int kradar_spin_thread(void *unused)
{
	kradar_test_rcu_spin(spin_ms);
	complete(&kradar_spin_done);
	return 0;
}

static int __init kradar_rcuspin_init(void)
{
	struct task_struct *t;
	ktime_t t0;

	if (cpu >= nr_cpu_ids || !cpu_online(cpu)) {
		pr_err("cpu=%u is not online\n", cpu);
		return -EINVAL;
	}
	if (spin_ms < 1 || spin_ms > KRADAR_RCUSPIN_MAX_MS) {
		pr_err("spin_ms=%u out of range 1..%d\n", spin_ms,
		       KRADAR_RCUSPIN_MAX_MS);
		return -EINVAL;
	}
	t = kthread_create(kradar_spin_thread, NULL, "kradar_spin/%u", cpu);
	if (IS_ERR(t))
		return PTR_ERR(t);
	kthread_bind(t, cpu);
	wake_up_process(t);
	wait_for_completion(&kradar_spin_started);

	t0 = ktime_get();
	synchronize_rcu();
	pr_info("spun %u ms on CPU %u; synchronize_rcu() took %lld ms\n",
		spin_ms, cpu, ktime_ms_delta(ktime_get(), t0));
	wait_for_completion(&kradar_spin_done);
	return 0;
}

static void __exit kradar_rcuspin_exit(void)
{
}

module_init(kradar_rcuspin_init);
module_exit(kradar_rcuspin_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kradar test workload: a CPU spinning with preemption off holds up RCU");
MODULE_INFO(test, "Y");
