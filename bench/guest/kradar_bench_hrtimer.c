// SPDX-License-Identifier: GPL-2.0
/*
 * kradar_bench_hrtimer - how many hrtimer callbacks one CPU runs per second,
 * to measure what a probe on hrtimer_expire_entry costs.
 *
 * On load, one hrtimer is armed on CPU @cpu. Its callback re-arms itself
 * @step_ns after its *previous* expiry, which is always in the past, so
 * __hrtimer_run_queues() runs it again at once, over and over, in one
 * hard interrupt: the shape of a real timer storm (taprio's
 * advance_sched()), and the loop a probe on hrtimer_expire_entry slows
 * down. Each pass is the kernel's own path (__run_hrtimer(), its
 * tracepoints, the re-enqueue) plus this callback: a counter and one
 * ktime_get(). After @duration_ms the callback returns HRTIMER_NORESTART.
 *
 * With @tp_probe=1 an empty function is attached to the
 * hrtimer_expire_entry tracepoint for the run: what any probe on that
 * tracepoint pays before its own first instruction (the tracepoint's
 * static branch, its iterator, the indirect call), the floor under
 * kradar's cost.
 *
 * insmod blocks until the run is over. It prints a line when it starts and
 * one when the run is over:
 *   kradar_bench_hrtimer: cpu 1: start, D ms
 *   kradar_bench_hrtimer: cpu 1: N callbacks in T ns: R/s
 * and fails with -ETIMEDOUT if the timer did not finish in time. The CPU
 * is held in interrupt context for @duration_ms (at most 5 s, far below
 * the soft lockup and RCU stall timeouts); the callback never sleeps,
 * prints or locks.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <linux/version.h>
#include <trace/events/timer.h>

#define KRADAR_BENCH_CPU		1	/* CPU number */
#define KRADAR_BENCH_DURATION_MS	2000	/* ms */
#define KRADAR_BENCH_DURATION_MAX_MS	5000	/* ms */
#define KRADAR_BENCH_STEP_NS		1	/* ns */
#define KRADAR_BENCH_GRACE_MS		10000	/* ms insmod waits beyond */

static unsigned int cpu = KRADAR_BENCH_CPU;
module_param(cpu, uint, 0444);
MODULE_PARM_DESC(cpu, "CPU the callbacks run on (default 1)");

static unsigned int duration_ms = KRADAR_BENCH_DURATION_MS;
module_param(duration_ms, uint, 0444);
MODULE_PARM_DESC(duration_ms, "ms of back-to-back callbacks (default 2000, 1..5000)");

static bool tp_probe;
module_param(tp_probe, bool, 0444);
MODULE_PARM_DESC(tp_probe, "attach an empty probe to hrtimer_expire_entry for the run (default 0)");

struct kradar_bench {
	struct hrtimer timer;
	struct completion done;
	ktime_t start, deadline, stopped;
	u64 callbacks;
};

static struct kradar_bench kradar_bench;

static enum hrtimer_restart kradar_bench_fn(struct hrtimer *t)
{
	struct kradar_bench *b = container_of(t, struct kradar_bench, timer);
	ktime_t now = ktime_get();

	b->callbacks++;
	if (ktime_after(now, b->deadline)) {
		b->stopped = now;
		complete(&b->done);
		return HRTIMER_NORESTART;
	}
	/* into the past: runs again within the same interrupt */
	hrtimer_forward(t, hrtimer_get_expires(t), KRADAR_BENCH_STEP_NS);
	return HRTIMER_RESTART;
}

static void notrace kradar_bench_tp_empty(void *data, struct hrtimer *t,
					  ktime_t *now)
{
}

static void kradar_bench_tp_match(struct tracepoint *tp, void *priv)
{
	struct tracepoint **found = priv;

	if (!strcmp(tp->name, "hrtimer_expire_entry"))
		*found = tp;
}

/* Runs on @cpu from an IPI, so the pinned timer is armed there. */
static void kradar_bench_start_on_cpu(void *arg)
{
	struct kradar_bench *b = arg;

	b->start = ktime_get();
	b->deadline = ktime_add_ms(b->start, duration_ms);
	hrtimer_start(&b->timer, b->start, HRTIMER_MODE_ABS_PINNED);
}

static int __init kradar_bench_init(void)
{
	struct kradar_bench *b = &kradar_bench;
	struct tracepoint *tp = NULL;
	unsigned long wait;
	u64 ns;
	int ret;

	check_trace_callback_type_hrtimer_expire_entry(kradar_bench_tp_empty);

	if (cpu >= nr_cpu_ids || !cpu_online(cpu)) {
		pr_err("cpu=%u is not an online CPU\n", cpu);
		return -EINVAL;
	}
	if (!duration_ms || duration_ms > KRADAR_BENCH_DURATION_MAX_MS) {
		pr_err("duration_ms=%u out of range 1..%u\n", duration_ms,
		       KRADAR_BENCH_DURATION_MAX_MS);
		return -EINVAL;
	}
	init_completion(&b->done);
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
	hrtimer_setup(&b->timer, kradar_bench_fn, CLOCK_MONOTONIC,
		      HRTIMER_MODE_ABS_PINNED);
#else
	hrtimer_init(&b->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_PINNED);
	b->timer.function = kradar_bench_fn;
#endif /* 6.13 */

	if (tp_probe) {
		for_each_kernel_tracepoint(kradar_bench_tp_match, &tp);
		ret = tp ? tracepoint_probe_register(tp, kradar_bench_tp_empty,
						     NULL) : -ENOENT;
		if (ret) {
			pr_err("cannot attach to hrtimer_expire_entry: %d\n", ret);
			return ret;
		}
	}
	/* the host times the run by this line and the result line */
	pr_info("cpu %u: start, %u ms\n", cpu, duration_ms);
	cpus_read_lock();
	ret = smp_call_function_single(cpu, kradar_bench_start_on_cpu, b, 1);
	cpus_read_unlock();
	if (ret) {
		pr_err("cannot start the timer on CPU %u: %d\n", cpu, ret);
		goto out_untp;
	}
	wait = msecs_to_jiffies(duration_ms + KRADAR_BENCH_GRACE_MS);
	if (!wait_for_completion_timeout(&b->done, wait)) {
		hrtimer_cancel(&b->timer);
		pr_err("cpu %u: the timer did not finish within %u ms\n", cpu,
		       duration_ms + KRADAR_BENCH_GRACE_MS);
		ret = -ETIMEDOUT;
		goto out_untp;
	}
	/* the callback has completed; wait until it has returned too */
	hrtimer_cancel(&b->timer);
	if (tp) {
		tracepoint_probe_unregister(tp, kradar_bench_tp_empty, NULL);
		tracepoint_synchronize_unregister();
	}
	ns = ktime_to_ns(ktime_sub(b->stopped, b->start));
	pr_info("cpu %u: %llu callbacks in %llu ns: %llu/s\n", cpu,
		b->callbacks, ns,
		ns ? mul_u64_u64_div_u64(b->callbacks, NSEC_PER_SEC, ns) : 0);
	return 0;

out_untp:
	if (tp) {
		tracepoint_probe_unregister(tp, kradar_bench_tp_empty, NULL);
		tracepoint_synchronize_unregister();
	}
	return ret;
}

static void __exit kradar_bench_exit(void)
{
	hrtimer_cancel(&kradar_bench.timer);
}

module_init(kradar_bench_init);
module_exit(kradar_bench_exit);

MODULE_INFO(test, "Y");
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kradar benchmark: back-to-back hrtimer callbacks on one CPU");
