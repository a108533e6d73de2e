// SPDX-License-Identifier: GPL-2.0
/*
 * kradar_test_hrstorm - a runaway hrtimer, as a test workload for kradar.
 *
 * On load this module arms one hrtimer on CPU @cpu (pinned, started from that
 * CPU by an IPI). In storm mode (@period_us == 0) the callback,
 * kradar_test_storm_fn(), re-arms itself the way a broken driver does: it
 * forwards the expiry from the *old expiry* by @step_ns instead of from now.
 * As soon as one callback takes longer than @step_ns the new expiry is
 * already in the past and __hrtimer_run_queues() runs the timer again at
 * once; the expiry falls further behind by (1 - step / callback cost) per
 * second. The storm timer then stays the earliest timer of its CPU, so that
 * CPU hardly leaves hrtimer_interrupt() until the storm ends: its tick and
 * watchdog timers starve, hrtimer_interrupt() reports "hrtimer: interrupt
 * took N ns" (once per boot) and counts hangs in /proc/timer_list, other
 * CPUs that need an IPI answered by it (TLB shootdowns, synchronous
 * smp_call_function) wait, and a pending RCU grace period cannot end. This
 * is the shape of taprio's advance_sched() storm without any networking, so
 * kradar can tell "hrtimer storm" from "taprio storm" by the callback alone.
 *
 * In healthy mode (@period_us > 0) the callback uses hrtimer_forward_now()
 * with that period: an ordinary periodic timer, the negative control.
 *
 * Either way the timer stops itself after @duration_ms (the callback checks
 * a deadline against the current time and returns HRTIMER_NORESTART), so the
 * guest recovers; rmmod stops it at once (a stop flag, then hrtimer_cancel()),
 * provided rmmod itself is not stuck behind an IPI to the storming CPU.
 * The callback never sleeps, never prints and takes no lock; the summary
 * line is printed from a work item once the timer has stopped.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/smp.h>
#include <linux/version.h>
#include <linux/workqueue.h>

#define KRADAR_HRSTORM_CPU		1	/* CPU number */
#define KRADAR_HRSTORM_DURATION_MS	3000	/* ms */
#define KRADAR_HRSTORM_DURATION_MAX_MS	600000	/* ms, 10 minutes */
#define KRADAR_HRSTORM_STEP_NS		100	/* ns, storm re-arm step */
#define KRADAR_HRSTORM_STEP_MAX_NS	1000000	/* ns */
#define KRADAR_HRSTORM_PERIOD_MAX_US	1000000	/* us */

static unsigned int cpu = KRADAR_HRSTORM_CPU;
module_param(cpu, uint, 0444);
MODULE_PARM_DESC(cpu, "CPU the timer runs on (default 1)");

static unsigned int duration_ms = KRADAR_HRSTORM_DURATION_MS;
module_param(duration_ms, uint, 0444);
MODULE_PARM_DESC(duration_ms,
		 "ms until the timer stops itself (default 3000, max 600000)");

static unsigned int period_us;
module_param(period_us, uint, 0444);
MODULE_PARM_DESC(period_us,
		 "0: runaway storm (default); >0: healthy periodic timer with this period in us (max 1000000)");

static unsigned int step_ns = KRADAR_HRSTORM_STEP_NS;
module_param(step_ns, uint, 0444);
MODULE_PARM_DESC(step_ns,
		 "storm mode: ns the expiry is forwarded per callback (default 100, max 1000000)");

/*
 * Written only by the callback on @cpu while the timer runs; read by the
 * summary work after the timer has stopped, or by module exit after
 * hrtimer_cancel().
 */
struct kradar_hrstorm {
	struct hrtimer timer;
	struct work_struct done_work;
	ktime_t start;
	ktime_t deadline;
	ktime_t stopped;
	ktime_t step;		/* storm: forward from the old expiry by this */
	ktime_t period;		/* healthy: forward from now by this */
	u64 callbacks;
	u64 late_ns_max;
	u64 late_ns_sum;
	bool stop;		/* set by module exit */
	bool done;		/* the timer has stopped itself */
};

static struct kradar_hrstorm kradar_hrstorm;

/* hrtimer_setup() replaced hrtimer_init() + ->function assignment in 6.13. */
static void kradar_hrtimer_setup(struct hrtimer *t,
				 enum hrtimer_restart (*fn)(struct hrtimer *),
				 clockid_t clock, enum hrtimer_mode mode)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
	hrtimer_setup(t, fn, clock, mode);
#else
	hrtimer_init(t, clock, mode);
	t->function = fn;
#endif /* 6.13 */
}

static enum hrtimer_restart kradar_test_storm_fn(struct hrtimer *t)
{
	struct kradar_hrstorm *s = container_of(t, struct kradar_hrstorm, timer);
	ktime_t now = ktime_get();
	s64 late = ktime_to_ns(ktime_sub(now, hrtimer_get_expires(t)));

	s->callbacks++;
	if (late > 0) {
		s->late_ns_sum += late;
		if (late > s->late_ns_max)
			s->late_ns_max = late;
	}

	if (READ_ONCE(s->stop) || ktime_after(now, s->deadline)) {
		s->stopped = now;
		WRITE_ONCE(s->done, true);
		schedule_work(&s->done_work);
		return HRTIMER_NORESTART;
	}

	if (s->period) {
		hrtimer_forward_now(t, s->period);
	} else {
		/*
		 * The bug being modelled: forward from the previous expiry,
		 * not from now. Once a callback takes longer than @step the
		 * new expiry is in the past and the timer fires again at once.
		 */
		hrtimer_forward(t, hrtimer_get_expires(t), s->step);
	}
	return HRTIMER_RESTART;
}

static void kradar_hrstorm_report(struct work_struct *work)
{
	struct kradar_hrstorm *s = container_of(work, struct kradar_hrstorm,
						done_work);
	u64 ran_ms = ktime_to_ms(ktime_sub(s->stopped, s->start));
	u64 mean = s->callbacks ? div64_u64(s->late_ns_sum, s->callbacks) : 0;

	pr_info("%s done on CPU %u after %llu ms%s: %llu callbacks, lateness max %llu ns mean %llu ns\n",
		s->period ? "healthy timer" : "storm", cpu, ran_ms,
		READ_ONCE(s->stop) ? " (stopped by rmmod)" : "",
		s->callbacks, s->late_ns_max, mean);
}

/* Runs on @cpu from an IPI, so the pinned timer is armed there. */
static void kradar_hrstorm_start_on_cpu(void *arg)
{
	struct kradar_hrstorm *s = arg;
	ktime_t first = s->period ? s->period : s->step;

	s->start = ktime_get();
	s->deadline = ktime_add_ms(s->start, duration_ms);
	hrtimer_start(&s->timer, first, HRTIMER_MODE_REL_PINNED);
}

static int kradar_hrstorm_check_params(void)
{
	if (cpu >= nr_cpu_ids || !cpu_online(cpu)) {
		pr_err("cpu=%u is not an online CPU (online: %*pbl)\n",
		       cpu, cpumask_pr_args(cpu_online_mask));
		return -EINVAL;
	}
	if (!duration_ms || duration_ms > KRADAR_HRSTORM_DURATION_MAX_MS) {
		pr_err("duration_ms=%u out of range 1..%u\n",
		       duration_ms, KRADAR_HRSTORM_DURATION_MAX_MS);
		return -EINVAL;
	}
	if (period_us > KRADAR_HRSTORM_PERIOD_MAX_US) {
		pr_err("period_us=%u out of range 0..%u\n",
		       period_us, KRADAR_HRSTORM_PERIOD_MAX_US);
		return -EINVAL;
	}
	if (!step_ns || step_ns > KRADAR_HRSTORM_STEP_MAX_NS) {
		pr_err("step_ns=%u out of range 1..%u\n",
		       step_ns, KRADAR_HRSTORM_STEP_MAX_NS);
		return -EINVAL;
	}
	return 0;
}

static int __init kradar_hrstorm_init(void)
{
	struct kradar_hrstorm *s = &kradar_hrstorm;
	int ret;

	ret = kradar_hrstorm_check_params();
	if (ret)
		return ret;

	/* Everything the callback touches is ready before it can run. */
	INIT_WORK(&s->done_work, kradar_hrstorm_report);
	s->step = ns_to_ktime(step_ns);
	s->period = ns_to_ktime((u64)period_us * NSEC_PER_USEC);
	kradar_hrtimer_setup(&s->timer, kradar_test_storm_fn, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL_PINNED);

	if (s->period)
		pr_info("healthy timer starting on CPU %u: period %u us for %u ms\n",
			cpu, period_us, duration_ms);
	else
		pr_info("storm starting on CPU %u: step %u ns for %u ms\n",
			cpu, step_ns, duration_ms);

	cpus_read_lock();
	ret = smp_call_function_single(cpu, kradar_hrstorm_start_on_cpu, s, 1);
	cpus_read_unlock();
	if (ret) {
		pr_err("cannot start the timer on CPU %u: %d\n", cpu, ret);
		return ret;
	}
	return 0;
}

static void __exit kradar_hrstorm_exit(void)
{
	struct kradar_hrstorm *s = &kradar_hrstorm;

	/* The flag ends a storm promptly; hrtimer_cancel() then waits it out. */
	WRITE_ONCE(s->stop, true);
	hrtimer_cancel(&s->timer);
	/* The callback queues the report; nothing queues it after this. */
	flush_work(&s->done_work);
	if (!READ_ONCE(s->done))
		pr_info("unloaded before the timer stopped itself: %llu callbacks\n",
			s->callbacks);
}

module_init(kradar_hrstorm_init);
module_exit(kradar_hrstorm_exit);

MODULE_INFO(test, "Y");
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kradar test workload: runaway (or healthy) hrtimer on one CPU");
