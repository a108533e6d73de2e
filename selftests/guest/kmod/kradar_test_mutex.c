// SPDX-License-Identifier: GPL-2.0
/*
 * kradar_test_mutex - mutex contention, as test workloads for kradar.
 *
 * hammer=0 (default): the kthread "kradar_holder" takes kradar_test_mutex
 * and sleeps uninterruptibly (state D) for @hold_ms in
 * kradar_test_hold_fn() while two kthreads "kradar_waiter/N" wait for it:
 * the long hold kradar must report, with the holder, its state and stack.
 *
 * hammer=N: N kthreads lock and unlock kradar_test_mutex for @hold_ms,
 * holding it 20 us each time: plenty of short contention, the negative
 * control.
 *
 * insmod returns when the threads are done.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/sched.h>

#define KRADAR_TEST_HOLD_MS	3000	/* ms */
#define KRADAR_TEST_HOLD_MAX_MS	60000	/* ms */
#define KRADAR_TEST_WAITERS	2
#define KRADAR_TEST_HAMMER_MAX	16
#define KRADAR_TEST_HAMMER_US	20	/* us held per round */

static unsigned int hold_ms = KRADAR_TEST_HOLD_MS;
module_param(hold_ms, uint, 0444);
MODULE_PARM_DESC(hold_ms, "ms the holder sleeps with the mutex, or the hammering lasts, 1..60000 (default 3000)");

static unsigned int hammer;
module_param(hammer, uint, 0444);
MODULE_PARM_DESC(hammer, "0: one long hold and two waiters; N: N threads hammering the mutex, 1..16 (default 0)");

static DEFINE_MUTEX(kradar_test_mutex);
static unsigned long kradar_woke;
static DECLARE_COMPLETION(kradar_held);
static struct completion kradar_done[KRADAR_TEST_HAMMER_MAX + 1];

/* The function kradar's lock record must name in the holder's stack. */
static noinline void kradar_test_hold_fn(unsigned int ms)
{
	schedule_timeout_uninterruptible(msecs_to_jiffies(ms));
	WRITE_ONCE(kradar_woke, jiffies);	/* no tail call: stay on the stack */
}

static int kradar_holder(void *arg)
{
	mutex_lock(&kradar_test_mutex);
	pr_info("holder pid %d took the mutex\n", current->pid);
	complete_all(&kradar_held);
	kradar_test_hold_fn(hold_ms);
	mutex_unlock(&kradar_test_mutex);
	complete(arg);
	return 0;
}

static int kradar_waiter(void *arg)
{
	wait_for_completion(&kradar_held);
	msleep(50);	/* the holder is asleep by now */
	mutex_lock(&kradar_test_mutex);
	mutex_unlock(&kradar_test_mutex);
	complete(arg);
	return 0;
}

static int kradar_hammer(void *arg)
{
	unsigned long end = jiffies + msecs_to_jiffies(hold_ms);
	unsigned long rounds = 0;

	while (time_before(jiffies, end)) {
		mutex_lock(&kradar_test_mutex);
		udelay(KRADAR_TEST_HAMMER_US);
		mutex_unlock(&kradar_test_mutex);
		rounds++;
		cond_resched();
	}
	pr_info("%s: %lu rounds\n", current->comm, rounds);
	complete(arg);
	return 0;
}

static int __init kradar_test_mutex_init(void)
{
	unsigned int i, n = hammer ? hammer : KRADAR_TEST_WAITERS + 1;
	struct task_struct *t;

	if (hold_ms < 1 || hold_ms > KRADAR_TEST_HOLD_MAX_MS) {
		pr_err("hold_ms=%u out of range 1..%d\n", hold_ms,
		       KRADAR_TEST_HOLD_MAX_MS);
		return -EINVAL;
	}
	if (hammer > KRADAR_TEST_HAMMER_MAX) {
		pr_err("hammer=%u out of range 0..%d\n", hammer,
		       KRADAR_TEST_HAMMER_MAX);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		init_completion(&kradar_done[i]);
		if (hammer)
			t = kthread_run(kradar_hammer, &kradar_done[i],
					"kradar_hammer/%u", i);
		else if (i == 0)
			t = kthread_run(kradar_holder, &kradar_done[i],
					"kradar_holder");
		else
			t = kthread_run(kradar_waiter, &kradar_done[i],
					"kradar_waiter/%u", i - 1);
		if (IS_ERR(t)) {
			pr_err("cannot start thread %u: %ld\n", i, PTR_ERR(t));
			if (!hammer && i > 0)
				wait_for_completion(&kradar_done[0]);
			n = i;
			break;
		}
	}
	for (i = 0; i < n; i++)
		wait_for_completion(&kradar_done[i]);
	pr_info("done: %s, %u ms\n", hammer ? "hammer" : "hold", hold_ms);
	return 0;
}

static void __exit kradar_test_mutex_exit(void)
{
}

module_init(kradar_test_mutex_init);
module_exit(kradar_test_mutex_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kradar test workload: a mutex held in D state while others wait, or hammered");
MODULE_INFO(test, "Y");
