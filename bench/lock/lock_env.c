// SPDX-License-Identifier: GPL-2.0
/*
 * What surrounds the lock probes in bench-lock: current, local_clock(),
 * the measured loop and its empty twins (kernel flags, like the probes),
 * and the event sequences.
 */
#include <string.h>
#include "lock_hot.h"

__thread struct task_struct *bench_current;
struct task_struct lock_tasks[LOCK_TASKS] __attribute__((aligned(64)));
struct mutex lock_mutex;
unsigned long lock_clock_calls;

noinline u64 local_clock(void)
{
	return ++lock_clock_calls * 1000;
}

noinline void lock_empty_begin(void *data, void *lock, unsigned int flags)
{
	__asm__ __volatile__("" : : "r"(data), "r"(lock), "r"(flags));
}

noinline void lock_empty_end(void *data, void *lock, int ret)
{
	__asm__ __volatile__("" : : "r"(data), "r"(lock), "r"(ret));
}

noinline void lock_loop(const struct lock_ev *ev, size_t n, lock_begin_fn b,
			lock_end_fn e)
{
	size_t i;

	for (i = 0; i < n; i++) {
		bench_current = ev[i].t;
		if (ev[i].end)
			e(NULL, ev[i].lock, ev[i].ret);
		else
			b(NULL, ev[i].lock, ev[i].flags);
	}
}

/*
 * LOCK_MIX_SLEEP: the hammer of kradar_test_mutex with 4 threads: one
 * holds the mutex, three sleep for it; at each hand-over the first
 * waiter gets it (contention_end, ret 0) and the old holder comes back
 * for more and sleeps (contention_begin). The cloud kernel traces a
 * sleeping mutex wait with LCB_F_MUTEX, PREEMPT_RT with LCB_F_RT in
 * state D.
 *
 * LOCK_MIX_FILTERED: contention the detector does not track, whose
 * contention_end returns after one look at its home count: on the cloud
 * kernel a mutex waiter that gets the lock while spinning on the owner
 * (LCB_F_MUTEX | LCB_F_SPIN), on PREEMPT_RT a spinlock_t waiter (LCB_F_RT
 * in state TASK_RTLOCK_WAIT).
 */
size_t lock_gen(struct lock_ev *ev, size_t n, enum lock_mix mix,
		const struct lock_variant *v)
{
	bool rt = !strcmp(v->name, "rt");
	unsigned int queue[LOCK_TASKS], head = 0, holder = 0, i;
	size_t k = 0;

	for (i = 0; i < LOCK_TASKS; i++)
		lock_tasks[i].__state = mix == LOCK_MIX_FILTERED && rt ?
					TASK_RTLOCK_WAIT : TASK_UNINTERRUPTIBLE;
	n &= ~(size_t)1;
	if (mix == LOCK_MIX_FILTERED) {
		for (k = 0; k < n; k += 2) {
			struct task_struct *t = &lock_tasks[(k / 2) % LOCK_TASKS];

			ev[k] = (struct lock_ev){ .t = t, .lock = &lock_mutex,
				.flags = rt ? LCB_F_RT : LCB_F_MUTEX | LCB_F_SPIN };
			ev[k + 1] = (struct lock_ev){ .t = t, .lock = &lock_mutex,
				.end = 1 };
		}
		return n / 2;
	}
	/* tasks 1..3 start asleep; their begins are the first events */
	for (i = 1; i < LOCK_TASKS && k < n; i++) {
		queue[i - 1] = i;
		ev[k++] = (struct lock_ev){ .t = &lock_tasks[i],
			.lock = &lock_mutex, .flags = rt ? LCB_F_RT : LCB_F_MUTEX };
	}
	while (k + 2 + LOCK_TASKS - 1 <= n) {
		unsigned int next = queue[head];

		ev[k++] = (struct lock_ev){ .t = &lock_tasks[next],
			.lock = &lock_mutex, .end = 1 };
		ev[k++] = (struct lock_ev){ .t = &lock_tasks[holder],
			.lock = &lock_mutex, .flags = rt ? LCB_F_RT : LCB_F_MUTEX };
		queue[head] = holder;
		head = (head + 1) % (LOCK_TASKS - 1);
		holder = next;
	}
	/* the three still asleep get it in turn */
	for (i = 0; i < LOCK_TASKS - 1; i++)
		ev[k++] = (struct lock_ev){
			.t = &lock_tasks[queue[(head + i) % (LOCK_TASKS - 1)]],
			.lock = &lock_mutex, .end = 1 };
	return k / 2;
}
