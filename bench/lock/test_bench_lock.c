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
 *   - the per-home counts (homes) that let contention_end return at once
 *     for an untracked wait: they count exactly the slots in use; an end
 *     without a begin, or of another lock in a waiting task, changes
 *     nothing; a wait begun on one CPU ends on another; many threads on
 *     all CPUs beginning and ending waits of shared tasks (handed from
 *     thread to thread as the scheduler migrates them) never miss an end
 *     and leave no count behind;
 *   - bench-lock's sequences: the sleep mix keeps three waiters in the
 *     table and hands the lock on, the filtered mix tracks nothing.
 * TAP output; exit 1 when a check fails.
 */
#include <glob.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lock_hot.h"
#include "kradar_tap.h"


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
			       ++tap_n, KHDR_GLOB);
		return;
	}
	printf("# kernel headers: %s\n", khdr);
	for (i = 0; i < sizeof(lcb) / sizeof(lcb[0]); i++) {
		snprintf(name, sizeof(name), "shim %s is the kernel's", lcb[i].name);
		ASSERT_EQ_INT(header_define(kfile("trace/events/lock.h"), lcb[i].name),
			 lcb[i].v, name);
	}
	ASSERT_EQ_INT(header_define(kfile("linux/sched.h"), "TASK_RTLOCK_WAIT"),
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

/* slots in use, and whether homes[] counts exactly those per home */
static unsigned int used_slots(const struct lock_variant *v, bool *homes_ok)
{
	unsigned int per_home[KRADAR_WAITS] = { 0 }, i, n = 0;

	for (i = 0; i < KRADAR_WAITS; i++) {
		if (!v->waits[i].task)
			continue;
		n++;
		per_home[hash_ptr(v->waits[i].task, KRADAR_WAIT_BITS)]++;
	}
	*homes_ok = true;
	for (i = 0; i < KRADAR_WAITS; i++)
		if (atomic_read(&v->homes[i]) != (int)per_home[i])
			*homes_ok = false;
	return n;
}

static unsigned int homes_sum(const struct lock_variant *v)
{
	unsigned int i, n = 0;

	for (i = 0; i < KRADAR_WAITS; i++)
		n += atomic_read(&v->homes[i]);
	return n;
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
	ASSERT_EQ_INT(slots_of(v, t, &w), 1, name);
	if (!w)
		return;
	snprintf(name, sizeof(name), "%s: the slot has the lock, flags, time and is ready", v->name);
	ASSERT_EQ_INT(w->lock == (void *)&lock_mutex && w->flags == flags &&
		 w->begin_ns > t0 && w->ready == 1, 1, name);
	v->begin(NULL, &lock_mutex, flags);
	snprintf(name, sizeof(name), "%s: woken and asleep again: still one slot", v->name);
	ASSERT_EQ_INT(slots_of(v, t, NULL), 1, name);
	snprintf(name, sizeof(name), "%s: its home counts one tracked wait, the others none", v->name);
	ASSERT_EQ_INT(atomic_read(&v->homes[hash_ptr(t, KRADAR_WAIT_BITS)]) == 1 &&
		 homes_sum(v) == 1, 1, name);

	bench_current = o;
	v->end(NULL, &lock_mutex, 0);
	snprintf(name, sizeof(name), "%s: an end without a begin changes nothing", v->name);
	ASSERT_EQ_INT(slots_of(v, t, NULL) == 1 && !acq_of(v, &lock_mutex)->lock, 1, name);

	bench_current = t;
	v->end(NULL, &lock_mutex, 0);
	snprintf(name, sizeof(name), "%s: the end frees the slot", v->name);
	ASSERT_EQ_INT(slots_of(v, t, NULL), 0, name);
	snprintf(name, sizeof(name), "%s: and its home's count", v->name);
	ASSERT_EQ_INT(homes_sum(v), 0, name);
	snprintf(name, sizeof(name), "%s: the end records who took the lock, when", v->name);
	ASSERT_EQ_INT(acq_of(v, &lock_mutex)->lock == (void *)&lock_mutex &&
		 acq_of(v, &lock_mutex)->task == t &&
		 acq_of(v, &lock_mutex)->ns > w->begin_ns, 1, name);

	v->reset();
	v->begin(NULL, &lock_mutex, flags);
	v->end(NULL, &lock_mutex, -4);	/* -EINTR: a killed waiter */
	snprintf(name, sizeof(name), "%s: a failed wait frees its slot, records no acquisition", v->name);
	ASSERT_EQ_INT(slots_of(v, t, NULL) == 0 && !acq_of(v, &lock_mutex)->lock &&
		 !homes_sum(v), 1, name);
}

/*
 * Contention on another lock in a task that waits for a mutex (the
 * mutex's wait_lock, a spinlock in an interrupt) ends in that task too:
 * it must leave the mutex wait alone. An end without a begin in a task
 * that shares the home of a waiting one scans and finds nothing.
 */
static void test_other_lock(const struct lock_variant *v, unsigned int flags)
{
	static struct mutex wait_lock;
	struct task_struct *t = &lock_tasks[0], *same = NULL;
	unsigned int home = hash_ptr(t, KRADAR_WAIT_BITS);
	char name[128];
	unsigned long p;
	bool ok;

	v->reset();
	t->__state = TASK_UNINTERRUPTIBLE;
	bench_current = t;
	v->begin(NULL, &lock_mutex, flags);
	v->begin(NULL, &wait_lock, LCB_F_SPIN);
	v->end(NULL, &wait_lock, 0);
	snprintf(name, sizeof(name), "%s: another lock's end in a waiting task leaves its wait", v->name);
	ASSERT_EQ_INT(slots_of(v, t, NULL) == 1 && homes_sum(v) == 1 &&
		 acq_of(v, &wait_lock)->task != t, 1, name);

	/* another address with the same home: the scan runs, finds nothing */
	for (p = 0xffff888100000000UL; !same; p += 64)
		if (hash_ptr((void *)p, KRADAR_WAIT_BITS) == home &&
		    (struct task_struct *)p != t)
			same = (struct task_struct *)p;
	if (!strcmp(v->name, "cloud")) {	/* rt reads the task */
		bench_current = same;
		v->end(NULL, &lock_mutex, 0);
		snprintf(name, sizeof(name), "%s: an end without a begin in the same home changes nothing", v->name);
		ASSERT_EQ_INT(slots_of(v, t, NULL) == 1 && homes_sum(v) == 1 &&
			 !acq_of(v, &lock_mutex)->lock, 1, name);
	}
	bench_current = t;
	v->end(NULL, &lock_mutex, 0);
	snprintf(name, sizeof(name), "%s: then its own end frees it", v->name);
	ASSERT_EQ_INT(used_slots(v, &ok) == 0 && ok &&
		 acq_of(v, &lock_mutex)->task == t, 1, name);
}

/* A wait begun on one CPU and ended on another: as the scheduler migrates. */
struct mig_arg {
	const struct lock_variant *v;
	struct task_struct *t;
	unsigned int flags;
	int cpu, end;
};

static int ncpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 1;
	return CPU_COUNT(&set);
}

/* the @k-th CPU this process may run on, or -1 */
static int nth_cpu(int k)
{
	cpu_set_t set;
	int c;

	if (sched_getaffinity(0, sizeof(set), &set))
		return -1;
	for (c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set) && !k--)
			return c;
	return -1;
}

static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *mig_thread(void *p)
{
	struct mig_arg *a = p;

	pin(a->cpu);
	a->cpu = sched_getcpu();
	bench_current = a->t;
	if (a->end)
		a->v->end(NULL, &lock_mutex, 0);
	else
		a->v->begin(NULL, &lock_mutex, a->flags);
	return NULL;
}

static void test_migrate(const struct lock_variant *v, unsigned int flags)
{
	struct mig_arg b = { v, &lock_tasks[2], flags, nth_cpu(0), 0 };
	struct mig_arg e = { v, &lock_tasks[2], flags, nth_cpu(1), 1 };
	char name[128];
	pthread_t th;
	bool ok;

	v->reset();
	lock_tasks[2].__state = TASK_UNINTERRUPTIBLE;
	if (pthread_create(&th, NULL, mig_thread, &b) || pthread_join(th, NULL) ||
	    pthread_create(&th, NULL, mig_thread, &e) || pthread_join(th, NULL)) {
		printf("ok %d - %s: begin on one CPU, end on another # SKIP no threads\n",
		       ++tap_n, v->name);
		return;
	}
	printf("# %s: begin on CPU %d, end on CPU %d\n", v->name, b.cpu, e.cpu);
	snprintf(name, sizeof(name), "%s: a wait begun on one CPU is ended on another", v->name);
	ASSERT_EQ_INT(used_slots(v, &ok) == 0 && ok &&
		 acq_of(v, &lock_mutex)->task == &lock_tasks[2], 1, name);
}

/*
 * Many waits at once: CT_THREADS threads, pinned round-robin to every CPU
 * this process may use, take turns with CT_TASKS shared tasks. A task is
 * idle or waiting; whichever thread picks it next does its next step, so
 * a wait is begun on one thread and mostly ended on another, with the
 * hand-over ordered by the task's state (acquire/release), as a
 * migration is by the scheduler. Steps: begin a sleeping wait (tracked,
 * or counted untracked when its slots are full), begin a wait the
 * detector skips, begin again while waiting, end another lock inside a
 * wait, end the wait. A thread checks what only its task can change: a
 * tracked wait has exactly one slot; after its end, none. The tasks
 * crowd a few homes so that homes share counts and the table fills.
 */
#define CT_THREADS	6
#define CT_TASKS	40
#define CT_STEPS	200000
#define CT_POOL		768

struct ct_task {
	struct task_struct *t;
	atomic_int state;	/* 0 idle, 1 waiting, 2 taken by a thread */
	bool tracked;
	int begun_by;		/* thread that began the wait */
	void *lock;
};

struct ct_shared {
	const struct lock_variant *v;
	struct ct_task tasks[CT_TASKS];
	atomic_long missed, extra, untracked, tracked, shared_home, handed;
};

struct ct_thread {
	struct ct_shared *sh;
	int cpu, idx;
	unsigned int seed;
};

static struct mutex ct_locks[3], ct_spin;

static void *ct_run(void *p)
{
	struct ct_thread *th = p;
	struct ct_shared *sh = th->sh;
	const struct lock_variant *v = sh->v;
	bool rt = !strcmp(v->name, "rt");
	unsigned int step;

	pin(th->cpu);
	for (step = 0; step < CT_STEPS; step++) {
		unsigned int r = rand_r(&th->seed), k = r % CT_TASKS;
		struct ct_task *c = &sh->tasks[k];
		int s = atomic_load(&c->state);
		unsigned int n;

		if (s == 2 || !atomic_compare_exchange_strong(&c->state, &s, 2))
			continue;
		bench_current = c->t;
		if (s == 0) {
			c->lock = &ct_locks[(r >> 8) % 3];
			c->tracked = (r >> 12) % 4 != 0;
			c->t->__state = c->tracked || !rt ?
					TASK_UNINTERRUPTIBLE : TASK_RTLOCK_WAIT;
			if (c->tracked)
				v->begin(NULL, c->lock, rt ? LCB_F_RT : LCB_F_MUTEX);
			else
				v->begin(NULL, c->lock, rt ? LCB_F_RT :
					 LCB_F_MUTEX | LCB_F_SPIN);
			n = slots_of(v, c->t, NULL);
			if (c->tracked && !n) {
				c->tracked = false;	/* its slots were full */
				atomic_fetch_add(&sh->untracked, 1);
			} else if (c->tracked) {
				atomic_fetch_add(&sh->tracked, 1);
				if (atomic_read(&v->homes[hash_ptr(c->t, KRADAR_WAIT_BITS)]) > 1)
					atomic_fetch_add(&sh->shared_home, 1);
			}
			if (n > (unsigned int)c->tracked)
				atomic_fetch_add(&sh->extra, 1);
			c->begun_by = th->idx;
			atomic_store(&c->state, 1);
			continue;
		}
		if (c->begun_by != th->idx)
			atomic_fetch_add(&sh->handed, 1);
		if ((r >> 16) % 4 == 0) {
			/* woken, asleep again: same slot (or still none) */
			if (c->tracked)
				v->begin(NULL, c->lock, rt ? LCB_F_RT : LCB_F_MUTEX);
			v->begin(NULL, &ct_spin, LCB_F_SPIN);
			v->end(NULL, &ct_spin, 0);
			if (slots_of(v, c->t, NULL) != (unsigned int)c->tracked)
				atomic_fetch_add(&sh->missed, 1);
			atomic_store(&c->state, 1);
			continue;
		}
		v->end(NULL, c->lock, (r >> 20) % 8 ? 0 : -4);
		if (slots_of(v, c->t, NULL))
			atomic_fetch_add(&sh->missed, 1);	/* phantom */
		atomic_store(&c->state, 0);
	}
	return NULL;
}

static void test_concurrent(const struct lock_variant *v)
{
	static struct ct_shared sh;
	struct ct_thread th[CT_THREADS];
	pthread_t tid[CT_THREADS];
	unsigned int counts[KRADAR_WAITS] = { 0 }, i, n = 0, best = 0, h;
	struct task_struct *pool;
	char name[160];
	int cpus = ncpus(), started = 0;
	bool ok;

	/* the tasks of the four adjacent homes with most pool entries, then any */
	pool = calloc(CT_POOL, sizeof(*pool));
	if (!pool) {
		tap_ok(false, "%s: concurrent waits: no memory", v->name);
		return;
	}
	for (i = 0; i < CT_POOL; i++)
		counts[hash_ptr(&pool[i], KRADAR_WAIT_BITS)]++;
	for (h = 0; h < KRADAR_WAITS; h++) {
		unsigned int sum = 0, j;

		for (j = 0; j < 4; j++)
			sum += counts[(h + j) % KRADAR_WAITS];
		if (sum > counts[best] + counts[(best + 1) % KRADAR_WAITS] +
			  counts[(best + 2) % KRADAR_WAITS] + counts[(best + 3) % KRADAR_WAITS])
			best = h;
	}
	memset(&sh, 0, sizeof(sh));
	sh.v = v;
	for (i = 0; i < CT_POOL && n < CT_TASKS; i++)
		if ((hash_ptr(&pool[i], KRADAR_WAIT_BITS) - best) % KRADAR_WAITS < 4)
			sh.tasks[n++].t = &pool[i];
	for (i = 0; i < CT_POOL && n < CT_TASKS; i++)
		if ((hash_ptr(&pool[i], KRADAR_WAIT_BITS) - best) % KRADAR_WAITS >= 4)
			sh.tasks[n++].t = &pool[i];
	v->reset();
	for (i = 0; i < CT_THREADS; i++) {
		th[i] = (struct ct_thread){ &sh, nth_cpu(i % cpus), i, 1234 + i };
		if (!pthread_create(&tid[i], NULL, ct_run, &th[i]))
			started++;
		else
			break;
	}
	for (i = 0; i < (unsigned int)started; i++)
		pthread_join(tid[i], NULL);
	/* the waits still open end now, in this thread */
	for (i = 0; i < CT_TASKS; i++) {
		if (atomic_load(&sh.tasks[i].state) != 1)
			continue;
		bench_current = sh.tasks[i].t;
		v->end(NULL, sh.tasks[i].lock, 0);
		if (slots_of(v, sh.tasks[i].t, NULL))
			sh.missed++;
	}
	printf("# %s: %d threads on %d CPUs: %ld waits tracked (%ld sharing a home), %ld untracked (table full), %ld later steps on another thread than the begin\n",
	       v->name, started, cpus, (long)sh.tracked, (long)sh.shared_home,
	       (long)sh.untracked, (long)sh.handed);
	snprintf(name, sizeof(name), "%s: concurrent waits: every end of a tracked wait freed its slot", v->name);
	ASSERT_EQ_INT(sh.missed, 0, name);
	snprintf(name, sizeof(name), "%s: concurrent waits: no task ever held a slot it should not", v->name);
	ASSERT_EQ_INT(sh.extra, 0, name);
	snprintf(name, sizeof(name), "%s: concurrent waits: the table is empty, every home count 0", v->name);
	ASSERT_EQ_INT(used_slots(v, &ok) == 0 && ok && homes_sum(v) == 0, 1, name);
	snprintf(name, sizeof(name), "%s: concurrent waits: the untracked counter is the full-table begins", v->name);
	ASSERT_EQ_INT(v->untracked->counter, sh.untracked, name);
	snprintf(name, sizeof(name), "%s: concurrent waits: threads ran, waits tracked and shared homes", v->name);
	ASSERT_EQ_INT(started == CT_THREADS && sh.tracked > 0 && sh.shared_home > 0, 1, name);
	free(pool);
}

static void test_filter(void)
{
	const struct lock_variant *c = &lock_variant_cloud, *r = &lock_variant_rt;
	struct task_struct *t = &lock_tasks[0];

	t->__state = TASK_UNINTERRUPTIBLE;
	ASSERT_EQ_INT(tracked(c, t, LCB_F_MUTEX), 1, "cloud: mutex wait tracked");
	ASSERT_EQ_INT(tracked(c, t, LCB_F_RT), 1, "cloud: rt_mutex wait tracked");
	ASSERT_EQ_INT(tracked(c, t, LCB_F_MUTEX | LCB_F_SPIN), 0, "cloud: mutex spinning on the owner not tracked");
	ASSERT_EQ_INT(tracked(c, t, LCB_F_SPIN), 0, "cloud: spinlock not tracked");
	ASSERT_EQ_INT(tracked(c, t, LCB_F_SPIN | LCB_F_WRITE), 0, "cloud: rwlock not tracked");
	ASSERT_EQ_INT(tracked(c, t, LCB_F_WRITE), 0, "cloud: rwsem writer not tracked");
	ASSERT_EQ_INT(tracked(c, t, LCB_F_PERCPU | LCB_F_READ), 0, "cloud: percpu rwsem not tracked");
	ASSERT_EQ_INT(tracked(c, t, 0), 0, "cloud: semaphore not tracked");
	ASSERT_EQ_INT(tracked(r, t, LCB_F_RT), 1, "rt: mutex (rt_mutex) wait in state D tracked");
	ASSERT_EQ_INT(tracked(r, t, LCB_F_RT | LCB_F_READ), 0, "rt: rwbase_rt reader not tracked");
	ASSERT_EQ_INT(tracked(r, t, LCB_F_RT | LCB_F_WRITE), 0, "rt: rwbase_rt writer not tracked");
	t->__state = TASK_RTLOCK_WAIT;
	ASSERT_EQ_INT(tracked(r, t, LCB_F_RT), 0, "rt: spinlock_t (rtlock, TASK_RTLOCK_WAIT) not tracked");
	ASSERT_EQ_INT(tracked(c, t, LCB_F_RT), 1, "cloud: the task state does not matter");
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
	ASSERT_EQ_INT(v->untracked->counter, 1, "a ninth colliding waiter is counted untracked");
	for (i = 0, p = 0; i < found; i++)
		p += slots_of(v, same[i], NULL);
	ASSERT_EQ_INT(p, KRADAR_WAIT_PROBES, "the first eight have a slot each");
	ASSERT_EQ_INT(atomic_read(&v->homes[want]), KRADAR_WAIT_PROBES,
		 "their home counts eight, the ninth not");
	for (i = 0; i < found; i++) {
		bench_current = same[i];
		v->end(NULL, &lock_mutex, 0);
	}
	for (i = 0, p = 0; i < KRADAR_WAITS; i++)
		p += v->waits[i].task != NULL;
	ASSERT_EQ_INT(p + homes_sum(v), 0, "their ends free every slot and count");
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
		ASSERT_EQ_INT(ends, n, name);
		for (i = 0; i < 2 * n; i++) {
			unsigned int used = 0, j;

			bench_current = ev[i].t;
			if (ev[i].end)
				v->end(NULL, ev[i].lock, ev[i].ret);
			else
				v->begin(NULL, ev[i].lock, ev[i].flags);
			for (j = 0; j < KRADAR_WAITS; j++)
				used += v->waits[j].task != NULL;
			if (used != homes_sum(v))
				min_used = 99;
			if (i >= 2 && i < 2 * n - 3) {
				max_used = used > max_used ? used : max_used;
				min_used = used < min_used ? used : min_used;
			}
			if (ev[i].end && acq_of(v, &lock_mutex)->task != ev[i].t)
				min_used = 99;
		}
		snprintf(name, sizeof(name), "%s: sleep mix: 2..3 tasks asleep in the table, counted, each end an acquisition", v->name);
		ASSERT_EQ_INT(min_used == 2 && max_used == 3, 1, name);

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
		ASSERT_EQ_INT(ends + !!acq_of(v, &lock_mutex)->lock + homes_sum(v), 0, name);
	}
}

int main(void)
{
	int rc;

	test_headers();
	test_wait_cycle(&lock_variant_cloud, LCB_F_MUTEX);
	test_wait_cycle(&lock_variant_rt, LCB_F_RT);
	test_filter();
	test_full();
	test_sequences();
	test_other_lock(&lock_variant_cloud, LCB_F_MUTEX);
	test_other_lock(&lock_variant_rt, LCB_F_RT);
	test_migrate(&lock_variant_cloud, LCB_F_MUTEX);
	test_migrate(&lock_variant_rt, LCB_F_RT);
	test_concurrent(&lock_variant_cloud);
	test_concurrent(&lock_variant_rt);
	rc = tap_done();
	if (fflush(stdout) || ferror(stdout))
		return 2;
	return rc;
}
