// SPDX-License-Identifier: GPL-2.0
/*
 * kradar hung-task detector: tasks asleep in D long before the kernel's
 * own hung-task report (hung_task_timeout_secs: 120 s on Debian, 140 s
 * on syzbot), with where they sleep and, when a contended lock is why,
 * the lock and its holder.
 *
 * Every scan_ms (a fifth of hung_ms, between one window and 1 s) the
 * sampler walks the task list under rcu_read_lock(), as khungtaskd does,
 * and looks at each task's state and context-switch count (nvcsw +
 * nivcsw). A task in TASK_UNINTERRUPTIBLE exactly (TASK_IDLE and killable
 * sleeps are not hung tasks, as for the kernel) whose count has not moved
 * since a scan first saw it so has slept for at least that long. Such
 * tasks are followed in a fixed table (no allocation after load); when
 * one has slept for hung_ms the sampler emits HUNG BEGIN with its stack
 * (read from /proc/PID/stack, as the lock detector does), UPDATE every
 * 10 s, and END once it has run, left D or exited.
 *
 * Cost: nothing on any hot path; one walk of the task list per scan in
 * the sampler thread, at most KRADAR_HUNG_SCAN_MAX threads a walk (the
 * rest of a larger list is counted as skipped), and a /proc read per
 * record.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include "kradar.h"

#define KRADAR_HUNG_SLOTS	256	/* D tasks followed at once */
#define KRADAR_HUNG_SCAN_MAX	65536	/* threads looked at per walk */
#define KRADAR_HUNG_UPDATE_NS	(10 * NSEC_PER_SEC)

/* A task seen in D; sampler side, under kradar_sample_lock. */
struct kradar_hung_task {
	pid_t pid;		/* 0: free slot */
	pid_t tgid;
	unsigned long switches;	/* nvcsw + nivcsw when first seen in D */
	u64 since_ns;		/* first scan that saw it so */
	u64 seen_ns;		/* last scan that saw it so */
	u64 last_emit_ns;
	unsigned int gen;	/* walk that last saw it in D */
	int cpu;
	bool open;		/* BEGIN sent, END not yet */
	bool gone;		/* ran or left D: END due */
	char comm[KRADAR_COMM_LEN];
};

static struct kradar_hung_task kradar_hung[KRADAR_HUNG_SLOTS];
static unsigned int kradar_hung_gen;
static u64 kradar_hung_next_ns;
static u64 kradar_hung_reported, kradar_hung_untracked, kradar_hung_skipped;
static bool kradar_hung_on;

static u64 kradar_hung_scan_ns(void)
{
	u64 scan = (u64)kradar_hung_ms * NSEC_PER_MSEC / 5;

	return clamp_t(u64, scan, (u64)kradar_window_ms * NSEC_PER_MSEC,
		       NSEC_PER_SEC);
}

static int kradar_hung_init(u64 session)
{
	memset(kradar_hung, 0, sizeof(kradar_hung));
	kradar_hung_gen = 0;
	kradar_hung_next_ns = 0;
	kradar_hung_reported = 0;
	kradar_hung_untracked = 0;
	kradar_hung_skipped = 0;
	kradar_hung_on = kradar_hung_ms != 0;
	if (!kradar_hung_on)
		pr_info("hung-task detector off (hung_ms=0)\n");
	return 0;
}

bool kradar_hung_enabled(void)
{
	return kradar_hung_on;
}

static struct kradar_hung_task *kradar_hung_slot(pid_t pid, bool create)
{
	struct kradar_hung_task *free_slot = NULL;
	unsigned int i;

	for (i = 0; i < KRADAR_HUNG_SLOTS; i++) {
		if (kradar_hung[i].pid == pid)
			return &kradar_hung[i];
		if (!kradar_hung[i].pid && !free_slot)
			free_slot = &kradar_hung[i];
	}
	if (!create || !free_slot)
		return NULL;
	memset(free_slot, 0, sizeof(*free_slot));
	free_slot->pid = pid;
	return free_slot;
}

/*
 * Under rcu_read_lock(): note @t, which is in D. A task whose switch
 * count moved since it was first seen so slept again: the old sleep is
 * over (END due when it was reported) and a new one starts now.
 */
static void kradar_hung_note(struct task_struct *t, u64 now)
{
	unsigned long switches = t->nvcsw + t->nivcsw;
	struct kradar_hung_task *h = kradar_hung_slot(task_pid_nr(t), true);

	if (!h) {
		kradar_hung_untracked++;
		return;
	}
	if (h->gen && h->switches != switches) {
		if (h->open) {
			h->gone = true;	/* END, then this slot is free */
			return;
		}
		h->gen = 0;
	}
	if (!h->gen) {
		h->switches = switches;
		h->since_ns = now;
		h->tgid = task_tgid_nr(t);
		memcpy(h->comm, t->comm, KRADAR_COMM_LEN);
		h->comm[KRADAR_COMM_LEN - 1] = '\0';
	}
	h->gen = kradar_hung_gen;
	h->seen_ns = now;
	h->cpu = task_cpu(t);
}

static void kradar_hung_emit(struct kradar_hung_task *h, u32 phase, u64 now)
{
	struct kradar_frame *frames;
	struct kradar_rec_hung *r;
	unsigned int nr = 0;
	u32 flags = 0;
	u64 end;

	r = kradar_rec_begin(KRADAR_REC_HUNG, sizeof(*r) +
			     KRADAR_HUNG_STACK * sizeof(*frames),
			     h->cpu < KRADAR_CPU_NONE ? h->cpu : KRADAR_CPU_NONE,
			     now);
	if (!r)
		return;
	frames = (struct kradar_frame *)(r + 1);
	end = phase == KRADAR_PHASE_END ? h->seen_ns : now;
	r->phase = cpu_to_le32(phase);
	r->since_ns = cpu_to_le64(h->since_ns);
	r->hung_ns = cpu_to_le64(end - h->since_ns);
	r->pid = cpu_to_le32(h->pid);
	r->tgid = cpu_to_le32(h->tgid);
	memcpy(r->comm, h->comm, KRADAR_COMM_LEN);
	r->state = 'D';
	r->scan_ms = cpu_to_le32(div_u64(kradar_hung_scan_ns(), NSEC_PER_MSEC));
	if (phase != KRADAR_PHASE_END) {
		struct task_struct *t;
		pid_t owner = 0;
		u64 lock;

		rcu_read_lock();
		t = pid_task(find_vpid(h->pid), PIDTYPE_PID);
		if (t && kradar_lock_wait_of(t, &lock, r->lock_name, &owner)) {
			flags |= KRADAR_HUNGF_LOCK;
			r->lock = cpu_to_le64(lock);
			if (owner) {
				flags |= KRADAR_HUNGF_OWNER;
				r->lock_owner_pid = cpu_to_le32(owner);
			}
		}
		rcu_read_unlock();
		nr = kradar_task_stack(h->pid, frames, KRADAR_HUNG_STACK);
	} else if (!h->gone) {
		rcu_read_lock();
		if (!pid_task(find_vpid(h->pid), PIDTYPE_PID))
			flags |= KRADAR_HUNGF_EXITED;
		rcu_read_unlock();
	}
	r->flags = cpu_to_le32(flags);
	r->nr_stack = cpu_to_le32(nr);
	r->frame_size = cpu_to_le32(sizeof(*frames));
	kradar_rec_shrink(r, sizeof(*r) + nr * sizeof(*frames));
	kradar_rec_commit(r);
	h->last_emit_ns = now;
}

/* Once per window, from the sampler, under kradar_sample_lock. */
static void kradar_hung_sample(const struct kradar_window *w)
{
	u64 now = w->now;
	u64 thresh = (u64)kradar_hung_ms * NSEC_PER_MSEC;
	struct task_struct *g, *t;
	unsigned int i, n = 0;
	bool cut = false;

	if (!kradar_hung_on || now < kradar_hung_next_ns)
		return;
	kradar_hung_next_ns = now + kradar_hung_scan_ns();
	/* generation 0 marks a slot not yet seen in D */
	if (++kradar_hung_gen == 0)
		kradar_hung_gen = 1;

	rcu_read_lock();
	for_each_process_thread(g, t) {
		if (++n > KRADAR_HUNG_SCAN_MAX) {
			kradar_hung_skipped++;
			cut = true;
			break;
		}
		if (READ_ONCE(t->__state) == TASK_UNINTERRUPTIBLE)
			kradar_hung_note(t, now);
	}
	rcu_read_unlock();

	for (i = 0; i < KRADAR_HUNG_SLOTS; i++) {
		struct kradar_hung_task *h = &kradar_hung[i];

		if (!h->pid)
			continue;
		if (h->gone || (h->gen != kradar_hung_gen && !cut)) {
			/* ran, left D or exited since the last walk */
			if (h->open)
				kradar_hung_emit(h, KRADAR_PHASE_END, now);
			h->pid = 0;
			continue;
		}
		if (h->gen != kradar_hung_gen)
			continue;	/* not reached by a walk cut short */
		if (!h->open && now - h->since_ns >= thresh) {
			h->open = true;
			kradar_hung_reported++;
			kradar_hung_emit(h, KRADAR_PHASE_BEGIN, now);
		} else if (h->open &&
			   now - h->last_emit_ns >= KRADAR_HUNG_UPDATE_NS) {
			kradar_hung_emit(h, KRADAR_PHASE_UPDATE, now);
		}
	}
}

static void kradar_hung_status(struct seq_file *m)
{
	unsigned int i, open = 0, followed = 0;

	if (!kradar_hung_on) {
		seq_puts(m, "tasks_hung:        off\n");
		return;
	}
	for (i = 0; i < KRADAR_HUNG_SLOTS; i++) {
		followed += kradar_hung[i].pid != 0;
		open += kradar_hung[i].open;
	}
	seq_printf(m, "tasks_hung:        %u hung now, %llu reported, %u in D followed, %llu untracked, %llu walks cut short\n",
		   open, kradar_hung_reported, followed, kradar_hung_untracked,
		   kradar_hung_skipped);
}

const struct kradar_detector kradar_hung_detector = {
	.name		= "hung-task detector",
	.init		= kradar_hung_init,
	.sample		= kradar_hung_sample,
	.status		= kradar_hung_status,
};
