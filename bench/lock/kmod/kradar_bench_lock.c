// SPDX-License-Identifier: GPL-2.0
/*
 * kradar_bench_lock - how many times @threads kthreads take one mutex per
 * second while they fight for it, to measure what a probe on the lock
 * contention tracepoints (contention_begin/contention_end) costs.
 *
 * Each thread loops for @duration_ms: mutex_trylock(), and when that
 * fails (the mutex is held: a contended acquisition, the slow path that
 * fires the tracepoints) mutex_lock(); then a short critical section
 * (@hold_ns of ndelay(), then with @yield_held a yield(): the mutex is
 * held across a reschedule, so the threads of the same CPU find it held
 * and sleep for it even when the CPUs do not run at the same time, as
 * under an emulator on a loaded host) and mutex_unlock(), and again a
 * yield() so that the waiter it woke takes it next). The counts are
 * per thread, summed at the end; nothing is shared but the mutex.
 *
 * insmod blocks until the threads are done and prints one line:
 *   kradar_bench_lock: TAG: T threads, D ms: N acquisitions, C contended, R/s
 * TAG (@tag) names the configuration the caller ran it under (probe or
 * not), so a log of alternating runs can be read back.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/sched.h>

#define KRADAR_BENCH_THREADS		4
#define KRADAR_BENCH_THREADS_MAX	16
#define KRADAR_BENCH_DURATION_MS	1000	/* ms */
#define KRADAR_BENCH_DURATION_MAX_MS	10000	/* ms */
#define KRADAR_BENCH_HOLD_NS		200	/* ns */
#define KRADAR_BENCH_HOLD_MAX_NS	100000	/* ns */
#define KRADAR_BENCH_TAG_LEN		16

static unsigned int threads = KRADAR_BENCH_THREADS;
module_param(threads, uint, 0444);
MODULE_PARM_DESC(threads, "threads taking the mutex, 2..16 (default 4)");

static unsigned int duration_ms = KRADAR_BENCH_DURATION_MS;
module_param(duration_ms, uint, 0444);
MODULE_PARM_DESC(duration_ms, "ms each thread runs, 1..10000 (default 1000)");

static unsigned int hold_ns = KRADAR_BENCH_HOLD_NS;
module_param(hold_ns, uint, 0444);
MODULE_PARM_DESC(hold_ns, "ns the mutex is held each time, 0..100000 (default 200)");

static bool yield_held = true;
module_param(yield_held, bool, 0444);
MODULE_PARM_DESC(yield_held, "yield() while holding the mutex (default 1)");

static char *tag = "run";
module_param(tag, charp, 0444);
MODULE_PARM_DESC(tag, "name of the configuration, printed with the result (default \"run\")");

static DEFINE_MUTEX(kradar_bench_mutex);

struct kradar_bench_thread {
	struct completion done;
	u64 acquired;
	u64 contended;
};

static struct kradar_bench_thread kradar_bench_th[KRADAR_BENCH_THREADS_MAX];
static DECLARE_COMPLETION(kradar_bench_go);

static int kradar_bench_fn(void *arg)
{
	struct kradar_bench_thread *th = arg;
	u64 end;

	wait_for_completion(&kradar_bench_go);
	end = ktime_get_ns() + (u64)duration_ms * NSEC_PER_MSEC;
	while (ktime_get_ns() < end) {
		if (!mutex_trylock(&kradar_bench_mutex)) {
			th->contended++;
			mutex_lock(&kradar_bench_mutex);
		}
		th->acquired++;
		if (hold_ns)
			ndelay(hold_ns);
		if (yield_held)
			yield();
		mutex_unlock(&kradar_bench_mutex);
		if (yield_held)
			yield();	/* let the waiter it woke take it */
		else
			cond_resched();
	}
	complete(&th->done);
	return 0;
}

static int __init kradar_bench_lock_init(void)
{
	u64 acquired = 0, contended = 0, t0, ns;
	struct task_struct *t;
	unsigned int i, n;

	if (threads < 2 || threads > KRADAR_BENCH_THREADS_MAX) {
		pr_err("threads=%u out of range 2..%d\n", threads,
		       KRADAR_BENCH_THREADS_MAX);
		return -EINVAL;
	}
	if (duration_ms < 1 || duration_ms > KRADAR_BENCH_DURATION_MAX_MS) {
		pr_err("duration_ms=%u out of range 1..%d\n", duration_ms,
		       KRADAR_BENCH_DURATION_MAX_MS);
		return -EINVAL;
	}
	if (hold_ns > KRADAR_BENCH_HOLD_MAX_NS) {
		pr_err("hold_ns=%u out of range 0..%d\n", hold_ns,
		       KRADAR_BENCH_HOLD_MAX_NS);
		return -EINVAL;
	}
	if (!tag || !*tag || strlen(tag) > KRADAR_BENCH_TAG_LEN) {
		pr_err("tag must be 1..%d characters\n", KRADAR_BENCH_TAG_LEN);
		return -EINVAL;
	}
	for (n = 0; n < threads; n++) {
		init_completion(&kradar_bench_th[n].done);
		t = kthread_run(kradar_bench_fn, &kradar_bench_th[n],
				"kradar_blk/%u", n);
		if (IS_ERR(t)) {
			pr_err("cannot start thread %u: %ld\n", n, PTR_ERR(t));
			break;
		}
	}
	t0 = ktime_get_ns();
	complete_all(&kradar_bench_go);
	for (i = 0; i < n; i++) {
		wait_for_completion(&kradar_bench_th[i].done);
		acquired += kradar_bench_th[i].acquired;
		contended += kradar_bench_th[i].contended;
	}
	ns = ktime_get_ns() - t0;
	if (n < threads)
		return -ENOMEM;
	pr_info("%s: %u threads, %u ms: %llu acquisitions, %llu contended, %llu/s\n",
		tag, threads, duration_ms, acquired, contended,
		ns ? div64_u64(acquired * NSEC_PER_SEC, ns) : 0);
	return 0;
}

static void __exit kradar_bench_lock_exit(void)
{
}

module_init(kradar_bench_lock_init);
module_exit(kradar_bench_lock_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kradar benchmark: threads fighting for one mutex, acquisitions per second");
MODULE_INFO(test, "Y");
