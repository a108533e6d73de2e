// SPDX-License-Identifier: GPL-2.0
/*
 * kradar-agent contended-lock detector, sampler side: who holds a mutex
 * that others sleep for, for how long, in what state, with what stack.
 * The module's detector (kmod/kradar_lock.c), its rules unchanged.
 *
 * The BPF programs (kradar_agent.bpf.c) keep one entry per task sleeping
 * for a mutex or an rt_mutex: the lock, its LCB_F_* flags and when the
 * wait began; and per lock the last task that took it after waiting.
 * Once per window this reads the waits, groups them by lock, and when a
 * task has waited lock_wait_ms reports the lock: BEGIN, UPDATE when the
 * number of waiters changes and every second, END once nobody waits.
 *
 * The owner: the lock's owner word (struct mutex->owner, three flag
 * bits, at offset 0 in every kernel; rt_mutex_base->owner, one flag bit,
 * where BTF says, or found on the first contended rt_mutex) points at a
 * task; the owner program reads it and the
 * task's pid and comm at offsets from BTF, or found by calibration (a
 * thread of the agent reads its own task_struct and looks for its pid,
 * tgid and name there). The owner is believed only when /proc/PID/comm
 * says the same name: an owner word can be stale. Its state comes from
 * /proc/PID/stat, and the stacks of the owner and of the longest waiter
 * from /proc/PID/stack, as the module reads them.
 *
 * Not here, where the module has it: vhost awareness (which device and
 * virtqueue a lock lies in) and, on a PREEMPT_RT kernel without BTF,
 * telling a spinlock_t's rtlock waits from a mutex's (the offset of
 * task_struct->__state is not known there).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <endian.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "agent.h"
#include "kradar_agent.h"
#include "kradar_agent.skel.h"

#define KRADAR_EPISODES		16	/* contended locks followed at once */
#define KRADAR_LOCK_UPDATE_NS	KRADAR_NSEC_PER_SEC
#define KRADAR_MUTEX_FLAGS	0x07ULL	/* low bits of mutex->owner */
#define KRADAR_RTMUTEX_FLAGS	0x01ULL	/* RT_MUTEX_HAS_WAITERS */
#define KRADAR_BEGIN_FORMAT	"events/lock/contention_begin/format"
#define KRADAR_END_FORMAT	"events/lock/contention_end/format"

struct episode {
	uint64_t lock;
	char name[KRADAR_NAME_LEN];	/* resolved once, when it begins */
	bool open;
	bool seen;		/* has waiters in this sample */
	uint32_t lcb;		/* LCB_F_* of its waits */
	uint64_t first_ns;	/* earliest wait seen in the episode */
	uint64_t last_emit_ns;
	pid_t owner_pid;
	unsigned int nr_waiters;
};

struct wait_snap {
	uint32_t tid;
	struct kradar_agent_wait w;
};

static struct kradar_agent_bpf *skel;
static bool lock_on;
static int waits_fd = -1, acqs_fd = -1, misc_fd = -1;
static unsigned int nr_cpus;
static struct bpf_link *link_begin, *link_end;
/* offsets for the owner program; 0 in have_*: unknown */
static unsigned int off_pid, off_comm, off_rt_owner;
static bool have_task, have_rt_owner;
static const char *task_how = "";

static struct episode eps[KRADAR_EPISODES];
static struct wait_snap snap[KRADAR_AGENT_WAITS];
static unsigned int nr_snap;
static uint64_t locks_seen, untracked_reported, untracked_now;
static struct kradar_agent_misc *miscs;	/* one per CPU, for lost() */

bool lock_enabled(void)
{
	return lock_on;
}

/* @path into @buf, NUL-terminated; -errno when it cannot be opened. */
static int read_text(const char *path, char *buf, size_t len)
{
	size_t n;
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	return 0;
}

static int read_format(const char *tracefs, const char *event, char *buf,
		       size_t len)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", tracefs, event);
	return read_text(path, buf, len);
}

/*
 * Before the programs load: the tracepoints' fields, and what BTF says
 * of task_struct and rt_mutex_base. 0: the detector can run.
 */
int lock_prepare(const char *tracefs, struct kradar_agent_lockcfg *cfg,
		 unsigned int nr, const struct btf *btf)
{
	char b[4096], e[4096];
	unsigned int o;

	nr_cpus = nr;
	memset(cfg, 0, sizeof(*cfg));
	if (!agent_opts.lock_wait_ms) {
		agent_log("lock detector off (lock_wait_ms=0)\n");
		return -ENOENT;
	}
	if (read_format(tracefs, KRADAR_BEGIN_FORMAT, b, sizeof(b)) ||
	    read_format(tracefs, KRADAR_END_FORMAT, e, sizeof(e))) {
		agent_log("lock detector off: no lock/contention_begin and contention_end events in %s (5.19 or later has them); the other detectors go on\n",
			  tracefs);
		return -ENOENT;
	}
	if (tracefs_field(b, "lock_addr", 8, &cfg->off_begin_lock) ||
	    tracefs_field(b, "flags", 4, &cfg->off_begin_flags) ||
	    tracefs_field(e, "lock_addr", 8, &cfg->off_end_lock) ||
	    tracefs_field(e, "ret", 4, &cfg->off_end_ret)) {
		agent_log("lock detector off: the contention events' fields are not where this agent can read them (%s/%s)\n",
			  tracefs, KRADAR_BEGIN_FORMAT);
		return -ERANGE;
	}
	cfg->tp_bytes = MAX_U64(cfg->off_begin_flags, cfg->off_end_ret) + 4;
	cfg->tp_bytes = MAX_U64(cfg->tp_bytes, cfg->off_begin_lock + 8);
	cfg->tp_bytes = MAX_U64(cfg->tp_bytes, cfg->off_end_lock + 8);

	if (btf) {
		if (!agent_btf_offset(btf, "task_struct", "__state", &o)) {
			cfg->off_state = o;
			cfg->have_state = 1;
		}
		if (!agent_btf_offset(btf, "task_struct", "pid", &off_pid) &&
		    !agent_btf_offset(btf, "task_struct", "comm", &off_comm)) {
			have_task = true;
			task_how = "BTF";
		}
		have_rt_owner = !agent_btf_offset(btf, "rt_mutex_base", "owner",
						  &off_rt_owner);
	}
	return 0;
}

/* --- calibration of task_struct's pid and comm, without BTF --- */

struct calib {
	char name[16];
	int err;
	uint32_t tid;
	uint8_t bytes[KRADAR_AGENT_TASK_BYTES];
};

static void *calib_thread(void *arg)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	struct calib *c = arg;
	uint32_t k = 0;

	prctl(PR_SET_NAME, c->name);
	c->tid = (uint32_t)syscall(SYS_gettid);
	c->err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.kradar_task),
					&opts);
	if (!c->err)
		c->err = bpf_map_lookup_elem(bpf_map__fd(skel->maps.kradar_task_bytes),
					     &k, c->bytes);
	return NULL;
}

/*
 * A thread of ours (its tid is not the tgid, so the two words tell pid
 * from tgid) reads its own task_struct through the task program; pid is
 * the first 4-byte word holding its tid followed by one holding the
 * tgid, comm the first place holding its name, zero-padded.
 */
static void calibrate_task(void)
{
	struct calib *c = calloc(1, sizeof(*c));
	uint32_t tgid = getpid();
	size_t o, len;
	pthread_t t;
	bool pid_ok = false, comm_ok = false;

	if (!c)
		return;
	snprintf(c->name, sizeof(c->name), "krcal-%08x",
		 (unsigned int)(agent_now_ns() & 0xffffffff));
	len = strlen(c->name) + 1;
	if (pthread_create(&t, NULL, calib_thread, c) || pthread_join(t, NULL)) {
		free(c);
		return;
	}
	if (c->err) {
		agent_log("lock owners: cannot read a task_struct (%s): owners are not named\n",
			  strerror(errno));
		free(c);
		return;
	}
	for (o = 0; o + 8 <= sizeof(c->bytes) && !pid_ok; o += 4) {
		uint32_t a, b;

		memcpy(&a, c->bytes + o, 4);
		memcpy(&b, c->bytes + o + 4, 4);
		if (a == c->tid && b == tgid) {
			off_pid = o;
			pid_ok = true;
		}
	}
	for (o = 0; o + 16 <= sizeof(c->bytes) && !comm_ok; o += 8) {
		if (!memcmp(c->bytes + o, c->name, len)) {
			off_comm = o;
			comm_ok = true;
		}
	}
	free(c);
	if (pid_ok && comm_ok) {
		have_task = true;
		task_how = "calibration, no BTF";
	} else {
		agent_log("lock owners: task_struct's pid%s and comm%s not found in its first %d bytes: owners are not named\n",
			  pid_ok ? " (found)" : "", comm_ok ? " (found)" : "",
			  KRADAR_AGENT_TASK_BYTES);
	}
}

/* After the programs load: the owner's offsets, then attach. */
int lock_start(struct kradar_agent_bpf *s)
{
	skel = s;
	if (!have_task)
		calibrate_task();
	if (have_task)
		agent_log("lock owners: task_struct pid at %u, comm at %u (%s)\n",
			  off_pid, off_comm, task_how);
	miscs = calloc(nr_cpus, sizeof(*miscs));
	if (!miscs) {
		agent_log("lock detector off: out of memory\n");
		return -ENOMEM;
	}
	waits_fd = bpf_map__fd(skel->maps.kradar_waits);
	acqs_fd = bpf_map__fd(skel->maps.kradar_acqs);
	misc_fd = bpf_map__fd(skel->maps.kradar_misc);
	link_end = bpf_program__attach(skel->progs.kradar_lock_end);
	link_begin = link_end ? bpf_program__attach(skel->progs.kradar_lock_begin) : NULL;
	if (!link_begin) {
		agent_log("lock detector off: cannot attach to lock/contention_begin and contention_end: %s; the other detectors go on\n",
			  strerror(errno));
		bpf_link__destroy(link_end);
		link_end = NULL;
		return -ENOENT;
	}
	lock_on = true;
	return 0;
}

/*
 * Detach the programs. The detector stays on for the last window and the
 * status: what was seen until now is still reported.
 */
void lock_stop(void)
{
	bpf_link__destroy(link_begin);
	bpf_link__destroy(link_end);
	link_begin = link_end = NULL;
}

/* --- from /proc --- */

static int proc_read(pid_t pid, const char *what, char *buf, size_t len)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, what);
	return read_text(path, buf, len);
}

static void proc_comm(pid_t pid, char comm[KRADAR_COMM_LEN])
{
	char buf[64] = "";

	memset(comm, 0, KRADAR_COMM_LEN);
	if (!proc_read(pid, "comm", buf, sizeof(buf)))
		buf[strcspn(buf, "\n")] = '\0';
	snprintf(comm, KRADAR_COMM_LEN, "%s", buf);
}

/* /proc/PID/stat's state letter, after the comm's last ')'. */
static char proc_state(pid_t pid)
{
	char buf[1024], *p;

	if (proc_read(pid, "stat", buf, sizeof(buf)))
		return 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] ? p[2] : 0;
}

/* "[<0>] mutex_lock+0x1a/0x40": the frames of /proc/PID/stack. */
static unsigned int proc_stack(pid_t pid, struct kradar_frame *f,
			       unsigned int max)
{
	static bool warned;
	char buf[8192], *line, *next;
	unsigned int n = 0;
	int err = proc_read(pid, "stack", buf, sizeof(buf));

	if (err) {
		if (!warned)
			agent_log("cannot read /proc/%d/stack (%s): lock records come without stacks; mount procfs at /proc and use a kernel with CONFIG_STACKTRACE\n",
				  pid, strerror(-err));
		warned = true;
		return 0;
	}
	for (line = buf; line && *line && n < max; line = next) {
		char *sym = strstr(line, "] ");

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!sym)
			continue;
		memset(&f[n], 0, sizeof(f[n]));
		snprintf(f[n].sym, KRADAR_NAME_LEN, "%s", sym + 2);
		n++;
	}
	return n;
}

/* --- the owner --- */

/*
 * The task the word at @off of @lock points at, less @mask, if it is a
 * live task of the name it has there.
 */
static bool owner_at(uint64_t lock, unsigned int off, uint64_t mask,
		     pid_t *pid, char comm[KRADAR_COMM_LEN])
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	struct kradar_agent_owner *o = &skel->bss->kradar_owner_io;
	char now[KRADAR_COMM_LEN];

	memset(o, 0, sizeof(*o));
	o->lock = lock;
	o->off_owner = off;
	o->mask = mask;
	o->off_pid = off_pid;
	o->off_comm = off_comm;
	if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.kradar_owner),
				   &opts) || !o->ok || !o->pid ||
	    o->pid > 0x3fffffff)
		return false;
	/* a stale word or a wrong offset names no live task of that name */
	proc_comm((pid_t)o->pid, now);
	memset(comm, 0, KRADAR_COMM_LEN);
	memcpy(comm, o->comm, KRADAR_COMM_LEN - 1);
	if (!now[0] || strcmp(now, comm))
		return false;
	*pid = (pid_t)o->pid;
	return true;
}

/*
 * The owner of @lock if its owner word points at a live task. An
 * rt_mutex_base keeps its owner after its wait_lock and waiters tree,
 * whose sizes depend on spinlock debugging: without BTF the first word
 * among its first eight that names a live task by pid and comm is taken
 * as the owner, and its offset kept for every rt_mutex after.
 */
static bool lock_owner(uint64_t lock, uint32_t lcb, pid_t *pid,
		       char comm[KRADAR_COMM_LEN])
{
	unsigned int off;

	if (!have_task)
		return false;
	if (!(lcb & KRADAR_LCB_F_RT))	/* struct mutex starts with owner */
		return owner_at(lock, 0, KRADAR_MUTEX_FLAGS, pid, comm);
	if (have_rt_owner)
		return owner_at(lock, off_rt_owner, KRADAR_RTMUTEX_FLAGS, pid,
				comm);
	for (off = 8; off < 64; off += 8) {
		if (!owner_at(lock, off, KRADAR_RTMUTEX_FLAGS, pid, comm))
			continue;
		off_rt_owner = off;
		have_rt_owner = true;
		agent_log("lock owners: rt_mutex_base keeps its owner at offset %u (found on a contended lock, no BTF)\n",
			  off);
		return true;
	}
	return false;
}

/* --- the sampler --- */

static void snapshot(void)
{
	uint32_t key, next, *prev = NULL;

	nr_snap = 0;
	while (nr_snap < KRADAR_AGENT_WAITS &&
	       !bpf_map_get_next_key(waits_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(waits_fd, &key, &snap[nr_snap].w))
			continue;	/* it ended meanwhile */
		if (!snap[nr_snap].w.lock)
			continue;
		snap[nr_snap].tid = key;
		nr_snap++;
	}
}

static void emit(struct episode *ep, uint32_t phase, uint64_t now)
{
	const struct wait_snap *longest = NULL;
	struct kradar_lock_waiter *lw;
	struct kradar_frame *frames;
	struct kradar_rec_lock *r;
	struct kradar_agent_acq acq;
	unsigned int i, listed = 0, nown = 0, nwait = 0;
	uint32_t flags = 0, lcb = 0;
	char comm[KRADAR_COMM_LEN];
	pid_t owner = 0;
	size_t size;

	for (i = 0; i < nr_snap && phase != KRADAR_PHASE_END; i++) {
		if (snap[i].w.lock != ep->lock)
			continue;
		lcb = snap[i].w.flags;
		if (!longest || snap[i].w.begin_ns < longest->w.begin_ns)
			longest = &snap[i];
	}
	if (!longest)
		lcb = ep->lcb;	/* the END record: no waiters left */
	ep->lcb = lcb;
	size = sizeof(*r) + KRADAR_LOCK_WAITERS * sizeof(*lw) +
	       2 * KRADAR_LOCK_STACK * sizeof(*frames);
	r = rec_begin(KRADAR_REC_LOCK, size, KRADAR_CPU_NONE, now);
	if (!r)
		return;
	r->phase = htole32(phase);
	r->lock = htole64(ep->lock);
	memcpy(r->name, ep->name, KRADAR_NAME_LEN);
	lw = (struct kradar_lock_waiter *)(r + 1);
	for (i = 0; longest && i < nr_snap && listed < KRADAR_LOCK_WAITERS; i++) {
		if (snap[i].w.lock != ep->lock)
			continue;
		lw[listed].pid = htole32(snap[i].tid);
		lw[listed].wait_ns = htole64(now > snap[i].w.begin_ns ?
					     now - snap[i].w.begin_ns : 0);
		proc_comm((pid_t)snap[i].tid, lw[listed].comm);
		listed++;
	}
	frames = (struct kradar_frame *)(lw + listed);
	if (lcb & KRADAR_LCB_F_RT)
		flags |= KRADAR_LOCKF_RT;
	if (longest && lock_owner(ep->lock, lcb, &owner, comm)) {
		uint64_t since = longest->w.begin_ns;

		flags |= KRADAR_LOCKF_OWNER;
		r->owner_pid = htole32(owner);
		memcpy(r->owner_comm, comm, KRADAR_COMM_LEN);
		r->owner_state = proc_state(owner);
		if (!bpf_map_lookup_elem(acqs_fd, &ep->lock, &acq) &&
		    acq.tid == (uint64_t)owner) {
			since = MIN_U64(since, acq.ns);
			flags |= KRADAR_LOCKF_ACQUIRED;
			r->acquired_ns = htole64(since);
		}
		r->held_ns = htole64(now > since ? now - since : 0);
		ep->owner_pid = owner;
		nown = proc_stack(owner, frames, KRADAR_LOCK_STACK);
	} else {
		ep->owner_pid = 0;
	}
	if (longest)
		nwait = proc_stack((pid_t)longest->tid, frames + nown,
				   KRADAR_LOCK_STACK);
	r->flags = htole32(flags);
	r->begin_ns = htole64(longest ? longest->w.begin_ns : ep->first_ns);
	r->wait_ns = htole64(phase == KRADAR_PHASE_END || !longest ?
			     now - ep->first_ns : now - longest->w.begin_ns);
	r->nr_waiters = htole32(ep->nr_waiters);
	r->nr_listed = htole32(listed);
	r->waiter_size = htole32(sizeof(*lw));
	r->nr_owner_stack = htole32(nown);
	r->nr_waiter_stack = htole32(nwait);
	r->frame_size = htole32(sizeof(*frames));
	r->fixed_size = htole32(sizeof(*r));
	rec_shrink(r, sizeof(*r) + listed * sizeof(*lw) +
		   (nown + nwait) * sizeof(*frames));
	rec_commit(r);
	ep->last_emit_ns = now;
}

static struct episode *episode(uint64_t lock, bool create)
{
	struct episode *free_ep = NULL;
	unsigned int i;

	for (i = 0; i < KRADAR_EPISODES; i++) {
		if (eps[i].open && eps[i].lock == lock)
			return &eps[i];
		if (!eps[i].open && !free_ep)
			free_ep = &eps[i];
	}
	if (!create || !free_ep)
		return NULL;
	memset(free_ep, 0, sizeof(*free_ep));
	free_ep->lock = lock;
	/* "rtnl_mutex"; a lock inside a static object keeps its offset */
	agent_symbol_exact(lock, free_ep->name);
	return free_ep;
}

static void lost(uint64_t now)
{
	uint32_t k = 0;
	unsigned int c;
	uint64_t sum = 0;

	if (bpf_map_lookup_elem(misc_fd, &k, miscs))
		return;
	for (c = 0; c < nr_cpus; c++)
		sum += miscs[c].waits_untracked;
	untracked_now = sum;
	if (sum != untracked_reported) {
		rec_emit_lost(KRADAR_CPU_NONE, KRADAR_LOST_TABLE_FULL, 0, 0,
			      sum - untracked_reported, now);
		untracked_reported = sum;
	}
}

/* Once per window, under the sample lock. */
void lock_sample(uint64_t now)
{
	uint64_t thresh = (uint64_t)agent_opts.lock_wait_ms * KRADAR_NSEC_PER_MSEC;
	unsigned int i, j;

	if (!lock_on)
		return;
	snapshot();
	for (i = 0; i < KRADAR_EPISODES; i++)
		eps[i].seen = false;
	for (i = 0; i < nr_snap; i++) {
		struct episode *ep;
		unsigned int waiters = 0;
		uint64_t first = snap[i].w.begin_ns;
		bool dup = false;

		for (j = 0; j < i; j++)
			dup |= snap[j].w.lock == snap[i].w.lock;
		if (dup)
			continue;
		for (j = i; j < nr_snap; j++) {
			if (snap[j].w.lock != snap[i].w.lock)
				continue;
			waiters++;
			first = MIN_U64(first, snap[j].w.begin_ns);
		}
		ep = episode(snap[i].w.lock, false);
		if (!ep && (now < first || now - first < thresh))
			continue;
		if (!ep) {
			ep = episode(snap[i].w.lock, true);
			if (!ep)
				continue;	/* more than 16 at once */
			ep->open = true;
			ep->first_ns = first;
			ep->nr_waiters = waiters;
			ep->seen = true;
			locks_seen++;
			emit(ep, KRADAR_PHASE_BEGIN, now);
			continue;
		}
		ep->seen = true;
		ep->first_ns = MIN_U64(ep->first_ns, first);
		if (waiters != ep->nr_waiters ||
		    now - ep->last_emit_ns >= KRADAR_LOCK_UPDATE_NS) {
			ep->nr_waiters = waiters;
			emit(ep, KRADAR_PHASE_UPDATE, now);
		}
	}
	for (i = 0; i < KRADAR_EPISODES; i++) {
		if (!eps[i].open || eps[i].seen)
			continue;
		eps[i].nr_waiters = 0;
		emit(&eps[i], KRADAR_PHASE_END, now);
		eps[i].open = false;
	}
	lost(now);
}

/* The status line, as /proc/kradar's. */
void lock_status(void)
{
	unsigned int i, open = 0;

	if (!lock_on) {
		printf("locks:             off\n");
		return;
	}
	for (i = 0; i < KRADAR_EPISODES; i++)
		open += eps[i].open;
	printf("locks:             %u contended now, %" PRIu64 " seen, %u waits tracked now, %" PRIu64 " waits untracked\n",
	       open, locks_seen, nr_snap, untracked_now);
}
