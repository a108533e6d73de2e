// SPDX-License-Identifier: GPL-2.0
/*
 * kradar contended-lock detector: who holds a sleeping lock that others
 * wait for, for how long, in what state, with what stack.
 *
 * The lock contention tracepoints (contention_begin/contention_end, in
 * every kernel since 5.19) fire on the slow path only, so uncontended
 * locks cost nothing. The probe keeps one slot per waiting task in a
 * small open-addressed table (claimed with cmpxchg, no lock): the lock,
 * when the task started to sleep for it. Only mutexes and rt_mutexes
 * (PREEMPT_RT's mutexes) are tracked, and only once the waiter sleeps,
 * not while it spins; on PREEMPT_RT not the spinlocks, rwlocks and
 * rwsems that also sleep there (compat/locking.h).
 *
 * Once per window the sampler looks at the table. When a task has waited
 * for lock_wait_ms, it reads the lock's owner word (struct mutex->owner
 * or rt_mutex_base->owner without its flag bits, read with
 * copy_from_kernel_nofault() because the lock is not ours), and accepts
 * the owner only if that pointer is a live task on the task list: an
 * owner word can be stale. It then records the owner's pid, comm and
 * scheduler state, how long it has held the lock as far as the probe can
 * tell (since it took it after waiting, when the probe saw that, else at
 * least since the first waiter began to wait), every waiter, and two
 * stacks: the owner's and the longest waiter's.
 *
 * Stacks of other tasks: stack_trace_save_tsk() is not exported, so the
 * sampler reads /proc/PID/stack, the kernel's own interface for exactly
 * this, from its kthread (which runs with full capabilities). That needs
 * CONFIG_STACKTRACE and procfs mounted at /proc in the guest; without
 * them the records come without stacks and dmesg says why once.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/hash.h>
#include <linux/kallsyms.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rtmutex.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <trace/events/lock.h>
#include "kradar.h"
#include "kradar_lock_hot.h"
#include "kradar_vhost.h"

#define KRADAR_EPISODES		16	/* contended locks followed at once */
#define KRADAR_LOCK_UPDATE_NS	NSEC_PER_SEC

/* Sampler side: one contended lock being reported. */
struct kradar_episode {
	void *lock;
	char name[KRADAR_NAME_LEN];	/* resolved once, when it begins */
	bool open;
	bool seen;		/* has waiters in this sample */
	unsigned int lcb;	/* LCB_F_* of its waits */
	u64 first_ns;		/* earliest wait seen in the episode */
	u64 last_emit_ns;
	pid_t owner_pid;
	char owner_state;
	unsigned int nr_waiters;
	bool in_vhost;		/* inside a vhost device: vhost is valid */
	struct kradar_vhost_lock vhost;
};

/* A snapshot of one wait, taken by the sampler. */
struct kradar_wait_snap {
	struct task_struct *task;
	void *lock;
	unsigned int flags;
	u64 begin_ns;
};

static struct kradar_wait kradar_waits[KRADAR_WAITS];
static struct kradar_acq kradar_acqs[BIT(KRADAR_ACQ_BITS)];
static atomic_t kradar_waits_home[KRADAR_WAITS];	/* kradar_lock_hot.h */
static atomic64_t kradar_waits_untracked;	/* table full */
static struct tracepoint *kradar_tp_begin, *kradar_tp_end;
static bool kradar_lock_on;

/* Sampler state, under kradar_sample_lock. */
static struct kradar_episode kradar_eps[KRADAR_EPISODES];
static struct kradar_wait_snap kradar_snap[KRADAR_WAITS];
static u64 kradar_locks_seen, kradar_untracked_reported;

/* The per-event work is in kradar_lock_hot.h (bench/ measures it). */
static void notrace kradar_probe_begin(void *data, void *lock,
				       unsigned int flags)
{
	kradar_lock_hot_begin(kradar_waits, kradar_waits_home,
			      &kradar_waits_untracked, current, lock, flags);
}

static void notrace kradar_probe_end(void *data, void *lock, int ret)
{
	kradar_lock_hot_end(kradar_waits, kradar_waits_home, kradar_acqs,
			    current, lock, ret);
}

static void kradar_lock_exit(void)
{
	kradar_lock_on = false;
}

static int kradar_lock_init(u64 session)
{
	if (!kradar_lock_wait_ms)
		pr_info("lock detector off (lock_wait_ms=0)\n");
	return 0;
}

bool kradar_lock_enabled(void)
{
	return kradar_lock_on;
}

/*
 * Attach; missing tracepoints turn this detector off, not the module:
 * always 0.
 */
static int kradar_lock_hook(void)
{
	if (!kradar_lock_wait_ms)
		return 0;
	check_trace_callback_type_contention_begin(kradar_probe_begin);
	check_trace_callback_type_contention_end(kradar_probe_end);
	kradar_tp_end = kradar_tp_attach("contention_end", kradar_probe_end,
					 "lock detector");
	if (!kradar_tp_end)
		return 0;
	kradar_tp_begin = kradar_tp_attach("contention_begin",
					   kradar_probe_begin, "lock detector");
	if (!kradar_tp_begin) {
		tracepoint_probe_unregister(kradar_tp_end, kradar_probe_end,
					    NULL);
		kradar_tp_end = NULL;
		return 0;
	}
	kradar_lock_on = true;
	kradar_vhost_init();
	return 0;
}

/* The caller runs tracepoint_synchronize_unregister() afterwards. */
static void kradar_lock_unhook(void)
{
	if (!kradar_lock_on)
		return;
	kradar_vhost_exit();
	kradar_lock_on = false;
	tracepoint_probe_unregister(kradar_tp_begin, kradar_probe_begin, NULL);
	tracepoint_probe_unregister(kradar_tp_end, kradar_probe_end, NULL);
}

/* Copy the table's complete entries; returns how many. */
static unsigned int kradar_lock_snapshot(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < KRADAR_WAITS; i++) {
		struct kradar_wait *w = &kradar_waits[i];
		struct kradar_wait_snap *s = &kradar_snap[n];

		if (!READ_ONCE(w->ready))
			continue;
		smp_rmb();	/* pairs with kradar_probe_begin()'s wmb */
		s->task = READ_ONCE(w->task);
		s->lock = READ_ONCE(w->lock);
		s->flags = READ_ONCE(w->flags);
		s->begin_ns = READ_ONCE(w->begin_ns);
		smp_rmb();	/* the fields before the second look */
		/* no lock: freed and claimed again while we looked */
		if (s->task && s->lock && READ_ONCE(w->ready) &&
		    READ_ONCE(w->task) == s->task)
			n++;
	}
	return n;
}

/*
 * Under rcu_read_lock(): @t still waits for @lock, so it has not exited
 * and its task_struct stays valid until rcu_read_unlock().
 */
static bool kradar_still_waiting(struct task_struct *t, void *lock)
{
	unsigned int i = hash_ptr(t, KRADAR_WAIT_BITS), n;

	for (n = 0; n < KRADAR_WAIT_PROBES; n++) {
		struct kradar_wait *w = &kradar_waits[(i + n) & (KRADAR_WAITS - 1)];

		if (READ_ONCE(w->task) == t && READ_ONCE(w->ready) &&
		    READ_ONCE(w->lock) == lock)
			return true;
	}
	return false;
}

/* The lock's owner, if its owner word points at a live task (+1 ref). */
static struct task_struct *kradar_lock_owner(void *lock, unsigned int flags)
{
	struct task_struct *owner = NULL, *g, *p;
	unsigned long word, mask;
	const void *src;

	src = kradar_lock_owner_word(lock, flags, &mask);
	if (!src || copy_from_kernel_nofault(&word, src, sizeof(word)))
		return NULL;
	word &= ~mask;
	if (!word)
		return NULL;
	rcu_read_lock();
	for_each_process_thread(g, p) {
		if ((unsigned long)p == word) {
			owner = p;
			get_task_struct(owner);
			goto out;
		}
	}
out:
	rcu_read_unlock();
	return owner;
}

/* The vhost fields, and whether a listed waiter is a killed vhost worker. */
static void kradar_lock_vhost(const struct kradar_episode *ep,
			      struct kradar_rec_lock *r,
			      const struct kradar_lock_waiter *lw,
			      unsigned int listed)
{
	const struct kradar_vhost_lock *v = &ep->vhost;
	unsigned int i;
	u64 since;

	if (ep->in_vhost) {
		r->flags |= cpu_to_le32(KRADAR_LOCKF_VHOST);
		r->vhost_what = cpu_to_le32(v->what);
		r->vhost_vq = cpu_to_le32(v->vq);
		r->vhost_dev = cpu_to_le32(v->dev);
		r->vhost_off = cpu_to_le32(v->off);
		r->vhost_owner_pid = cpu_to_le32(v->owner_pid);
		r->vhost_worker_pid = cpu_to_le32(v->worker_pid);
		memcpy(r->vhost_owner_comm, v->owner_comm, KRADAR_COMM_LEN);
		memcpy(r->vhost_kind, v->kind, KRADAR_COMM_LEN);
	}
	for (i = 0; i < listed; i++) {
		pid_t pid = le32_to_cpu(lw[i].pid);

		if (kradar_vhost_killed(pid, &since)) {
			r->flags |= cpu_to_le32(KRADAR_LOCKF_VHOST_KILLED);
			r->vhost_killed_pid = cpu_to_le32(pid);
			r->vhost_killed_ns = cpu_to_le64(since);
			break;
		}
	}
}

static void kradar_emit_lock(struct kradar_episode *ep, u32 phase,
			     const struct kradar_wait_snap *w,
			     unsigned int nr, u64 now, u64 late)
{
	struct kradar_frame *frames;
	struct kradar_lock_waiter *lw;
	struct task_struct *owner = NULL;
	const struct kradar_wait_snap *longest = NULL;
	struct kradar_rec_lock *r;
	unsigned int i, listed = 0, nown = 0, nwait = 0;
	unsigned int flags = 0, lcb = 0;
	pid_t longest_pid = 0;
	struct kradar_acq *a;
	size_t size;
	u8 *p;

	for (i = 0; i < nr; i++) {
		if (w[i].lock != ep->lock)
			continue;
		lcb = w[i].flags;
		if (!longest || w[i].begin_ns < longest->begin_ns)
			longest = &w[i];
	}
	if (!longest)
		lcb = ep->lcb;	/* the END record: no waiters left */
	ep->lcb = lcb;
	size = sizeof(*r) + KRADAR_LOCK_WAITERS * sizeof(*lw) +
	       2 * KRADAR_LOCK_STACK * sizeof(*frames);
	r = kradar_rec_begin(KRADAR_REC_LOCK, size, KRADAR_CPU_NONE, now);
	if (!r)
		return;
	r->phase = cpu_to_le32(phase);
	r->lock = cpu_to_le64((unsigned long)ep->lock);
	memcpy(r->name, ep->name, KRADAR_NAME_LEN);
	p = (u8 *)(r + 1);
	lw = (struct kradar_lock_waiter *)p;

	/* waiters: their task structs are alive while they wait (RCU) */
	rcu_read_lock();
	for (i = 0; i < nr && listed < KRADAR_LOCK_WAITERS; i++) {
		if (w[i].lock != ep->lock ||
		    !kradar_still_waiting(w[i].task, ep->lock))
			continue;
		lw[listed].pid = cpu_to_le32(task_pid_nr(w[i].task));
		lw[listed].wait_ns = cpu_to_le64(now - w[i].begin_ns);
		memcpy(lw[listed].comm, w[i].task->comm, KRADAR_COMM_LEN);
		lw[listed].comm[KRADAR_COMM_LEN - 1] = '\0';
		if (&w[i] == longest)
			longest_pid = task_pid_nr(w[i].task);
		listed++;
	}
	rcu_read_unlock();
	frames = (struct kradar_frame *)(p + listed * sizeof(*lw));

	if (phase != KRADAR_PHASE_END && longest)
		owner = kradar_lock_owner(ep->lock, lcb);
	if (lcb & LCB_F_RT)
		flags |= KRADAR_LOCKF_RT;
	if (owner) {
		u64 since = longest->begin_ns;

		flags |= KRADAR_LOCKF_OWNER;
		r->owner_pid = cpu_to_le32(task_pid_nr(owner));
		memcpy(r->owner_comm, owner->comm, KRADAR_COMM_LEN);
		r->owner_comm[KRADAR_COMM_LEN - 1] = '\0';
		r->owner_state = task_state_to_char(owner);
		a = &kradar_acqs[hash_ptr(ep->lock, KRADAR_ACQ_BITS)];
		if (READ_ONCE(a->lock) == ep->lock) {
			smp_rmb();	/* pairs with kradar_probe_end() */
			if (READ_ONCE(a->task) == owner &&
			    READ_ONCE(a->lock) == ep->lock) {
				since = min(since, READ_ONCE(a->ns));
				flags |= KRADAR_LOCKF_ACQUIRED;
				r->acquired_ns = cpu_to_le64(since);
			}
		}
		r->held_ns = cpu_to_le64(now - since);
		ep->owner_pid = task_pid_nr(owner);
		ep->owner_state = r->owner_state;
		nown = kradar_task_stack(ep->owner_pid, frames,
					 KRADAR_LOCK_STACK);
		put_task_struct(owner);
	} else {
		ep->owner_pid = 0;
		ep->owner_state = 0;
	}
	if (longest_pid)
		nwait = kradar_task_stack(longest_pid, frames + nown,
					  KRADAR_LOCK_STACK);
	r->flags = cpu_to_le32(flags);
	r->begin_ns = cpu_to_le64(longest ? longest->begin_ns : ep->first_ns);
	r->wait_ns = cpu_to_le64(phase == KRADAR_PHASE_END ?
				 now - ep->first_ns :
				 now - longest->begin_ns);
	r->nr_waiters = cpu_to_le32(ep->nr_waiters);
	r->nr_listed = cpu_to_le32(listed);
	r->waiter_size = cpu_to_le32(sizeof(*lw));
	r->nr_owner_stack = cpu_to_le32(nown);
	r->nr_waiter_stack = cpu_to_le32(nwait);
	r->frame_size = cpu_to_le32(sizeof(*frames));
	r->fixed_size = cpu_to_le32(sizeof(*r));
	kradar_lock_vhost(ep, r, lw, listed);
	kradar_rec_shrink(r, sizeof(*r) + listed * sizeof(*lw) +
			  (nown + nwait) * sizeof(*frames));
	kradar_rec_commit(r);
	ep->last_emit_ns = now;
}

static struct kradar_episode *kradar_episode(void *lock, bool create)
{
	struct kradar_episode *free_ep = NULL;
	unsigned int i;

	for (i = 0; i < KRADAR_EPISODES; i++) {
		if (kradar_eps[i].open && kradar_eps[i].lock == lock)
			return &kradar_eps[i];
		if (!kradar_eps[i].open && !free_ep)
			free_ep = &kradar_eps[i];
	}
	if (!create || !free_ep)
		return NULL;
	memset(free_ep, 0, sizeof(*free_ep));
	free_ep->lock = lock;
	/*
	 * "rtnl_mutex"; a lock inside a static object keeps its offset. Once:
	 * the module holding a static lock may be gone by the END record.
	 */
	kradar_symbol((unsigned long)lock, free_ep->name, true);
	free_ep->in_vhost = kradar_vhost_describe((unsigned long)lock,
						  &free_ep->vhost);
	if (free_ep->in_vhost)
		kradar_vhost_name(&free_ep->vhost, free_ep->name);
	return free_ep;
}

/* Once per window, from the sampler, under kradar_sample_lock. */
static void kradar_lock_sample(const struct kradar_window *w)
{
	u64 now = w->now, late = w->late;
	u64 thresh = (u64)kradar_lock_wait_ms * NSEC_PER_MSEC;
	unsigned int i, j, nr;
	u64 untracked;

	if (!kradar_lock_on)
		return;
	nr = kradar_lock_snapshot();
	for (i = 0; i < KRADAR_EPISODES; i++)
		kradar_eps[i].seen = false;

	for (i = 0; i < nr; i++) {
		struct kradar_episode *ep;
		unsigned int waiters = 0;
		u64 first = kradar_snap[i].begin_ns;
		bool dup = false;

		for (j = 0; j < i; j++)
			dup |= kradar_snap[j].lock == kradar_snap[i].lock;
		if (dup)
			continue;
		for (j = i; j < nr; j++) {
			if (kradar_snap[j].lock != kradar_snap[i].lock)
				continue;
			waiters++;
			first = min(first, kradar_snap[j].begin_ns);
		}
		ep = kradar_episode(kradar_snap[i].lock, false);
		if (!ep && (now < first || now - first < thresh))
			continue;
		if (!ep) {
			ep = kradar_episode(kradar_snap[i].lock, true);
			if (!ep)
				continue;	/* more than 16 at once */
			ep->open = true;
			ep->first_ns = first;
			ep->nr_waiters = waiters;
			ep->seen = true;
			kradar_locks_seen++;
			kradar_emit_lock(ep, KRADAR_PHASE_BEGIN, kradar_snap,
					 nr, now, late);
			continue;
		}
		ep->seen = true;
		ep->first_ns = min(ep->first_ns, first);
		if (waiters != ep->nr_waiters ||
		    now - ep->last_emit_ns >= KRADAR_LOCK_UPDATE_NS) {
			ep->nr_waiters = waiters;
			kradar_emit_lock(ep, KRADAR_PHASE_UPDATE, kradar_snap,
					 nr, now, late);
		}
	}
	for (i = 0; i < KRADAR_EPISODES; i++) {
		struct kradar_episode *ep = &kradar_eps[i];

		if (!ep->open || ep->seen)
			continue;
		ep->nr_waiters = 0;
		kradar_emit_lock(ep, KRADAR_PHASE_END, kradar_snap, 0, now,
				 late);
		ep->open = false;
	}
	untracked = atomic64_read(&kradar_waits_untracked);
	if (untracked != kradar_untracked_reported) {
		kradar_emit_lost(KRADAR_CPU_NONE, KRADAR_LOST_TABLE_FULL, 0, 0,
				 untracked - kradar_untracked_reported, now);
		kradar_untracked_reported = untracked;
	}
}

/*
 * For the hung-task detector, under rcu_read_lock(): the lock @t sleeps
 * for, if the probe tracks that wait, with its name and, when the lock
 * detector reports it, its owner as the last sample saw it.
 */
bool kradar_lock_wait_of(struct task_struct *t, u64 *lock,
			 char name[KRADAR_NAME_LEN], pid_t *owner)
{
	unsigned int i = hash_ptr(t, KRADAR_WAIT_BITS), n;
	struct kradar_episode *ep;
	void *l = NULL;

	if (!kradar_lock_on)
		return false;
	for (n = 0; n < KRADAR_WAIT_PROBES && !l; n++) {
		struct kradar_wait *w = &kradar_waits[(i + n) & (KRADAR_WAITS - 1)];

		if (READ_ONCE(w->task) == t && READ_ONCE(w->ready))
			l = READ_ONCE(w->lock);
	}
	if (!l)
		return false;
	*lock = (unsigned long)l;
	ep = kradar_episode(l, false);
	if (ep) {
		memcpy(name, ep->name, KRADAR_NAME_LEN);
		*owner = ep->owner_pid;
	} else {
		kradar_symbol((unsigned long)l, name, true);
		*owner = 0;
	}
	return true;
}

static void kradar_lock_status(struct seq_file *m)
{
	unsigned int i, open = 0, tracked = 0;

	if (!kradar_lock_on) {
		seq_puts(m, "locks:             off\n");
		return;
	}
	for (i = 0; i < KRADAR_EPISODES; i++)
		open += kradar_eps[i].open;
	for (i = 0; i < KRADAR_WAITS; i++)
		tracked += atomic_read(&kradar_waits_home[i]);
	seq_printf(m, "locks:             %u contended now, %llu seen, %u waits tracked now, %lld waits untracked\n",
		   open, kradar_locks_seen, tracked,
		   (long long)atomic64_read(&kradar_waits_untracked));
	kradar_vhost_status(m);
}

const struct kradar_detector kradar_lock_detector = {
	.name		= "lock detector",
	.init		= kradar_lock_init,
	.start		= kradar_lock_hook,
	.stop		= kradar_lock_unhook,
	.exit		= kradar_lock_exit,
	.sample		= kradar_lock_sample,
	.status		= kradar_lock_status,
};
