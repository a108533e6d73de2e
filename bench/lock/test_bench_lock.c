// SPDX-License-Identifier: GPL-2.0
/*
 * test_bench_lock: the lock hot path bench-lock measures is the probe's,
 * doing what the probe does. With kmod/kradar_lock_hot.h compiled against
 * bench/shim/ as the cloud kernel and as PREEMPT_RT build it:
 *   - the shim's LCB_F_* flags and TASK_RTLOCK_WAIT are the installed
 *     kernel headers' (SKIP without them);
 *   - a sleeping mutex wait takes one slot, with the lock, the flags and
 *     a time; a second begin of the same task takes no other; its end
 *     frees the slot and records the acquisition, a failed end (-EINTR)
 *     frees it and records nothing; an end without a begin changes
 *     nothing;
 *   - which waits are tracked: cloud: LCB_F_MUTEX, LCB_F_RT (rt_mutex);
 *     not spinning, spinlocks, rwsems, semaphores; PREEMPT_RT: LCB_F_RT
 *     in state D, not in TASK_RTLOCK_WAIT (spinlock_t), not the
 *     rwbase_rt's LCB_F_RT | LCB_F_READ / LCB_F_WRITE;
 *   - a ninth task hashing to the same slot is counted as untracked;
 *   - bench-lock's sequences: the sleep mix keeps three waiters in the
 *     table and hands the lock on, the filtered mix tracks nothing.
 * TAP output; exit 1 when a check fails.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lock_hot.h"

static int t_n, t_fail;

#define CHECK_EQ(a, b, name)						\
do {									\
	unsigned long long _a = (a), _b = (b);				\
	t_n++;								\
	if (_a == _b) {							\
		printf("ok %d - %s\n", t_n, name);			\
	} else {							\
		printf("not ok %d - %s\n#   actual %llu, expected %llu\n",\
		       t_n, name, _a, _b);				\
		t_fail++;						\
	}								\
} while (0)

/* Debian's architecture-independent kernel headers, the newest */
#define KHDR_GLOB	"/usr/src/linux-headers-*-common/include"
static char khdr[4096];

static const char *kfile(const char *rel)
{
	static char path[4200];

	snprintf(path, sizeof(path), "%s/%s", khdr, rel);
	return path;
}

/* The value of "#define NAME VALUE" in @file ("(1U << n)" or hex); -1 if absent, -2 no file. */
static long long header_define(const char *file, const char *name)
{
	char line[512], fmt[80];
	long long v = -1;
	unsigned int sh;
	FILE *f = fopen(file, "r");

	if (!f)
		return -2;
	snprintf(fmt, sizeof(fmt), "#define %s", name);
	while (fgets(line, sizeof(line), f)) {
		char *p;

		if (strncmp(line, fmt, strlen(fmt)) ||
		    (line[strlen(fmt)] != ' ' && line[strlen(fmt)] != '\t'))
			continue;
		p = line + strlen(fmt);
		p += strspn(p, " \t");
		if (sscanf(p, "(1U << %u)", &sh) == 1 && sh < 32)
			v = 1LL << sh;
		else
			v = strtoll(p, NULL, 0);
		break;
	}
	fclose(f);
	return v;
}

static void test_headers(void)
{
	static const struct { const char *name; long long v; } lcb[] = {
		{ "LCB_F_SPIN", LCB_F_SPIN }, { "LCB_F_READ", LCB_F_READ },
		{ "LCB_F_WRITE", LCB_F_WRITE }, { "LCB_F_RT", LCB_F_RT },
		{ "LCB_F_PERCPU", LCB_F_PERCPU }, { "LCB_F_MUTEX", LCB_F_MUTEX },
	};
	char name[80];
	glob_t g;
	size_t i;

	if (!glob(KHDR_GLOB, 0, NULL, &g)) {
		if (g.gl_pathc)
			snprintf(khdr, sizeof(khdr), "%s", g.gl_pathv[g.gl_pathc - 1]);
		globfree(&g);
	}
	if (!khdr[0] || header_define(kfile("trace/events/lock.h"), "LCB_F_SPIN") == -2) {
		for (i = 0; i < 7; i++)
			printf("ok %d - kernel header constant # SKIP no %s (linux-headers-cloud-amd64)\n",
			       ++t_n, KHDR_GLOB);
		return;
	}
	printf("# kernel headers: %s\n", khdr);
	for (i = 0; i < sizeof(lcb) / sizeof(lcb[0]); i++) {
		snprintf(name, sizeof(name), "shim %s is the kernel's", lcb[i].name);
		CHECK_EQ(header_define(kfile("trace/events/lock.h"), lcb[i].name),
			 lcb[i].v, name);
	}
	CHECK_EQ(header_define(kfile("linux/sched.h"), "TASK_RTLOCK_WAIT"),
		 TASK_RTLOCK_WAIT, "shim TASK_RTLOCK_WAIT is the kernel's");
}

static unsigned int slots_of(const struct lock_variant *v,
			     struct task_struct *t,
			     const struct kradar_wait **w)
{
	unsigned int i, n = 0;

	for (i = 0; i < KRADAR_WAITS; i++) {
		if (v->waits[i].task != t)
			continue;
		n++;
		if (w)
			*w = &v->waits[i];
	}
	return n;
}

static const struct kradar_acq *acq_of(const struct lock_variant *v,
				       void *lock)
{
	return &v->acqs[hash_ptr(lock, KRADAR_ACQ_BITS)];
}

/* begin in task @t: was a slot taken? (frees it again) */
static bool tracked(const struct lock_variant *v, struct task_struct *t,
		    unsigned int flags)
{
	unsigned int n;

	v->reset();
	bench_current = t;
	v->begin(NULL, &lock_mutex, flags);
	n = slots_of(v, t, NULL);
	v->end(NULL, &lock_mutex, 0);
	return n == 1;
}

static void test_wait_cycle(const struct lock_variant *v, unsigned int flags)
{
	struct task_struct *t = &lock_tasks[0], *o = &lock_tasks[1];
	const struct kradar_wait *w = NULL;
	char name[128];
	u64 t0;

	v->reset();
	t->__state = TASK_UNINTERRUPTIBLE;
	bench_current = t;
	t0 = lock_clock_calls * 1000;
	v->begin(NULL, &lock_mutex, flags);
	snprintf(name, sizeof(name), "%s: a sleeping wait takes one slot", v->name);
	CHECK_EQ(slots_of(v, t, &w), 1, name);
	if (!w)
		return;
	snprintf(name, sizeof(name), "%s: the slot has the lock, flags, time and is ready", v->name);
	CHECK_EQ(w->lock == (void *)&lock_mutex && w->flags == flags &&
		 w->begin_ns > t0 && w->ready == 1, 1, name);
	v->begin(NULL, &lock_mutex, flags);
	snprintf(name, sizeof(name), "%s: woken and asleep again: still one slot", v->name);
	CHECK_EQ(slots_of(v, t, NULL), 1, name);

	bench_current = o;
	v->end(NULL, &lock_mutex, 0);
	snprintf(name, sizeof(name), "%s: an end without a begin changes nothing", v->name);
	CHECK_EQ(slots_of(v, t, NULL) == 1 && !acq_of(v, &lock_mutex)->lock, 1, name);

	bench_current = t;
	v->end(NULL, &lock_mutex, 0);
	snprintf(name, sizeof(name), "%s: the end frees the slot", v->name);
	CHECK_EQ(slots_of(v, t, NULL), 0, name);
	snprintf(name, sizeof(name), "%s: the end records who took the lock, when", v->name);
	CHECK_EQ(acq_of(v, &lock_mutex)->lock == (void *)&lock_mutex &&
		 acq_of(v, &lock_mutex)->task == t &&
		 acq_of(v, &lock_mutex)->ns > w->begin_ns, 1, name);

	v->reset();
	v->begin(NULL, &lock_mutex, flags);
	v->end(NULL, &lock_mutex, -4);	/* -EINTR: a killed waiter */
	snprintf(name, sizeof(name), "%s: a failed wait frees its slot, records no acquisition", v->name);
	CHECK_EQ(slots_of(v, t, NULL) == 0 && !acq_of(v, &lock_mutex)->lock, 1, name);
}

static void test_filter(void)
{
	const struct lock_variant *c = &lock_variant_cloud, *r = &lock_variant_rt;
	struct task_struct *t = &lock_tasks[0];

	t->__state = TASK_UNINTERRUPTIBLE;
	CHECK_EQ(tracked(c, t, LCB_F_MUTEX), 1, "cloud: mutex wait tracked");
	CHECK_EQ(tracked(c, t, LCB_F_RT), 1, "cloud: rt_mutex wait tracked");
	CHECK_EQ(tracked(c, t, LCB_F_MUTEX | LCB_F_SPIN), 0, "cloud: mutex spinning on the owner not tracked");
	CHECK_EQ(tracked(c, t, LCB_F_SPIN), 0, "cloud: spinlock not tracked");
	CHECK_EQ(tracked(c, t, LCB_F_SPIN | LCB_F_WRITE), 0, "cloud: rwlock not tracked");
	CHECK_EQ(tracked(c, t, LCB_F_WRITE), 0, "cloud: rwsem writer not tracked");
	CHECK_EQ(tracked(c, t, LCB_F_PERCPU | LCB_F_READ), 0, "cloud: percpu rwsem not tracked");
	CHECK_EQ(tracked(c, t, 0), 0, "cloud: semaphore not tracked");
	CHECK_EQ(tracked(r, t, LCB_F_RT), 1, "rt: mutex (rt_mutex) wait in state D tracked");
	CHECK_EQ(tracked(r, t, LCB_F_RT | LCB_F_READ), 0, "rt: rwbase_rt reader not tracked");
	CHECK_EQ(tracked(r, t, LCB_F_RT | LCB_F_WRITE), 0, "rt: rwbase_rt writer not tracked");
	t->__state = TASK_RTLOCK_WAIT;
	CHECK_EQ(tracked(r, t, LCB_F_RT), 0, "rt: spinlock_t (rtlock, TASK_RTLOCK_WAIT) not tracked");
	CHECK_EQ(tracked(c, t, LCB_F_RT), 1, "cloud: the task state does not matter");
	t->__state = TASK_UNINTERRUPTIBLE;
}

/* KRADAR_WAIT_PROBES + 1 tasks with the same hash: the last is untracked. */
static void test_full(void)
{
	const struct lock_variant *v = &lock_variant_cloud;
	struct task_struct *same[KRADAR_WAIT_PROBES + 1];
	unsigned int found = 0, i, want;
	unsigned long p;

	want = hash_ptr(&lock_tasks[0], KRADAR_WAIT_BITS);
	/* cloud never dereferences the task: addresses suffice */
	for (p = 0xffff888100000000UL; found < KRADAR_WAIT_PROBES + 1; p += 64)
		if (hash_ptr((void *)p, KRADAR_WAIT_BITS) == want)
			same[found++] = (struct task_struct *)p;
	v->reset();
	for (i = 0; i < found; i++) {
		bench_current = same[i];
		v->begin(NULL, &lock_mutex, LCB_F_MUTEX);
	}
	CHECK_EQ(v->untracked->counter, 1, "a ninth colliding waiter is counted untracked");
	for (i = 0, p = 0; i < found; i++)
		p += slots_of(v, same[i], NULL);
	CHECK_EQ(p, KRADAR_WAIT_PROBES, "the first eight have a slot each");
	for (i = 0; i < found; i++) {
		bench_current = same[i];
		v->end(NULL, &lock_mutex, 0);
	}
	for (i = 0, p = 0; i < KRADAR_WAITS; i++)
		p += v->waits[i].task != NULL;
	CHECK_EQ(p, 0, "their ends free every slot");
}

/* bench-lock's sequences drive the table as described. */
static void test_sequences(void)
{
	static struct lock_ev ev[64];
	const struct lock_variant *vs[] = { &lock_variant_cloud, &lock_variant_rt };
	char name[128];
	size_t i, k, n;

	for (k = 0; k < 2; k++) {
		const struct lock_variant *v = vs[k];
		unsigned int max_used = 0, min_used = ~0U, ends = 0;

		v->reset();
		n = lock_gen(ev, 64, LOCK_MIX_SLEEP, v);
		snprintf(name, sizeof(name), "%s: sleep mix: as many begins as ends", v->name);
		for (i = 0; i < 2 * n; i++)
			ends += ev[i].end;
		CHECK_EQ(ends, n, name);
		for (i = 0; i < 2 * n; i++) {
			unsigned int used = 0, j;

			bench_current = ev[i].t;
			if (ev[i].end)
				v->end(NULL, ev[i].lock, ev[i].ret);
			else
				v->begin(NULL, ev[i].lock, ev[i].flags);
			for (j = 0; j < KRADAR_WAITS; j++)
				used += v->waits[j].task != NULL;
			if (i >= 2 && i < 2 * n - 3) {
				max_used = used > max_used ? used : max_used;
				min_used = used < min_used ? used : min_used;
			}
			if (ev[i].end && acq_of(v, &lock_mutex)->task != ev[i].t)
				min_used = 99;
		}
		snprintf(name, sizeof(name), "%s: sleep mix: 2..3 tasks asleep in the table, each end an acquisition", v->name);
		CHECK_EQ(min_used == 2 && max_used == 3, 1, name);

		v->reset();
		n = lock_gen(ev, 64, LOCK_MIX_FILTERED, v);
		for (i = 0, ends = 0; i < 2 * n; i++) {
			unsigned int j;

			bench_current = ev[i].t;
			if (ev[i].end)
				v->end(NULL, ev[i].lock, ev[i].ret);
			else
				v->begin(NULL, ev[i].lock, ev[i].flags);
			for (j = 0; j < KRADAR_WAITS; j++)
				ends += v->waits[j].task != NULL;
		}
		snprintf(name, sizeof(name), "%s: filtered mix: nothing tracked", v->name);
		CHECK_EQ(ends + !!acq_of(v, &lock_mutex)->lock, 0, name);
	}
}

int main(void)
{
	test_headers();
	test_wait_cycle(&lock_variant_cloud, LCB_F_MUTEX);
	test_wait_cycle(&lock_variant_rt, LCB_F_RT);
	test_filter();
	test_full();
	test_sequences();
	printf("1..%d\n", t_n);
	if (fflush(stdout) || ferror(stdout))
		return 2;
	return t_fail ? 1 : 0;
}
