// SPDX-License-Identifier: GPL-2.0
/*
 * kradar-agent's BPF side: the hrtimer storm detector's counting, as the
 * module's probe on hrtimer_expire_entry does it (kmod/kradar_hrtimer.c),
 * for kernels the module cannot be built for.
 *
 * How: a classic tracepoint program (BPF_PROG_TYPE_TRACEPOINT) on
 * timer/hrtimer_expire_entry. It needs no BTF: the record's fields are
 * read at the offsets userspace found in tracefs' format file and wrote
 * into the read-only configuration before load, so the verifier sees
 * them as constants. The timer's expiry is read from struct hrtimer at
 * the offset userspace found: from the kernel's BTF where it has one,
 * else by calibration (kradar_calibrate() below). Per CPU and per
 * callback function it counts expiries, the late ones, the sum and the
 * worst of the lateness in a per-CPU hash map; userspace reads the
 * counters once per window and does everything else.
 *
 * Cost: one bounded read of the trace record, one of the timer, one hash
 * lookup, a few adds to this CPU's value; the first event of a function
 * also inserts it. Nothing else. Nesting: the kernel runs no second
 * tracing program on a CPU while one runs (bpf_prog_active), so the
 * non-atomic adds are safe; an expiry that nests (a hard hrtimer during
 * a soft one's program) is skipped by the kernel and not counted here
 * (newer kernels count such skips in the program's recursion misses;
 * the agent does not read them yet, so HELLO leaves KRADAR_CAP_NESTED
 * unset). A function that finds the map full is counted as
 * unattributed (LOST, cause TABLE_FULL).
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "kradar_agent.h"

char LICENSE[] SEC("license") = "GPL";

/* Written by userspace before load, frozen: constants to the verifier. */
const volatile struct kradar_agent_cfg cfg = {
	.tp_bytes = 32,
	.off_hrtimer = 8,
	.off_now = 16,
	.off_function = 24,
	.off_expires = 24,
	.have_expires = 1,
	.late_ns = 100000,
};

/* The window being counted, advanced by userspace (mmapped .bss). */
__u64 cur_win;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, KRADAR_AGENT_FUNCS);
	__type(key, __u64);
	__type(value, struct kradar_agent_val);
} kradar_funcs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kradar_agent_misc);
} kradar_misc SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, KRADAR_AGENT_CALIB);
	__type(key, __u32);
	__type(value, struct kradar_agent_calib);
} kradar_calib SEC(".maps");

__u32 calib_n;	/* samples taken (may run past KRADAR_AGENT_CALIB) */

/* The first @n bytes of the trace record, at most KRADAR_AGENT_TP_BYTES. */
static __always_inline long read_rec(void *ctx, __u64 *rec, __u32 n)
{
	if (n > KRADAR_AGENT_TP_BYTES)
		n = KRADAR_AGENT_TP_BYTES;
	return bpf_probe_read_kernel(rec, n, ctx);
}

static __always_inline __u64 field(const __u64 *rec, __u32 off)
{
	return rec[(off / 8) & (KRADAR_AGENT_TP_BYTES / 8 - 1)];
}

SEC("tracepoint/timer/hrtimer_expire_entry")
int kradar_expire_entry(void *ctx)
{
	static const struct kradar_agent_val zero;
	__u64 rec[KRADAR_AGENT_TP_BYTES / 8] = {};
	struct kradar_agent_val *v;
	__u64 fn, timer, win, slot;
	__s64 now, expires = 0, late;

	if (read_rec(ctx, rec, cfg.tp_bytes))
		return 0;
	timer = field(rec, cfg.off_hrtimer);
	now = (__s64)field(rec, cfg.off_now);
	fn = field(rec, cfg.off_function);
	if (cfg.have_expires) {
		bpf_probe_read_kernel(&expires, sizeof(expires),
				      (void *)(timer + cfg.off_expires));
		late = now - expires;
	} else {
		late = 0;
	}

	v = bpf_map_lookup_elem(&kradar_funcs, &fn);
	if (!v) {
		bpf_map_update_elem(&kradar_funcs, &fn, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&kradar_funcs, &fn);
		if (!v) {
			__u32 k = 0;
			struct kradar_agent_misc *m;

			m = bpf_map_lookup_elem(&kradar_misc, &k);
			if (m)
				m->unattributed++;
			return 0;
		}
	}
	v->count++;
	if (late > 0) {
		win = cur_win;
		slot = win & 1;
		if (late >= (__s64)cfg.late_ns)
			v->late++;
		v->late_sum += late;
		if (v->lm_win[slot] != win) {
			v->lm_win[slot] = win;
			v->late_max[slot] = late;
		} else if ((__u64)late > v->late_max[slot]) {
			v->late_max[slot] = late;
		}
	}
	return 0;
}

/*
 * Calibration (no BTF): the first KRADAR_AGENT_CALIB expiries' now and
 * the first words of their struct hrtimer. Loaded and attached alone,
 * before the counting program, for a moment.
 */
SEC("tracepoint/timer/hrtimer_expire_entry")
int kradar_calibrate(void *ctx)
{
	__u64 rec[KRADAR_AGENT_TP_BYTES / 8] = {};
	struct kradar_agent_calib *c;
	__u32 idx;

	if (read_rec(ctx, rec, cfg.tp_bytes))
		return 0;
	/* two CPUs may take one index: a sample lost, no harm */
	idx = calib_n;
	calib_n = idx + 1;
	c = bpf_map_lookup_elem(&kradar_calib, &idx);
	if (!c)
		return 0;
	c->now = (__s64)field(rec, cfg.off_now);
	bpf_probe_read_kernel(c->w, sizeof(c->w),
			      (void *)field(rec, cfg.off_hrtimer));
	return 0;
}

/*
 * Names for userspace: a callback that is not in the kallsyms list read
 * at start (a module loaded since) is named by the kernel's own %ps
 * ("advance_sched [sch_taprio]", as the module's kradar_symbol() prints
 * it), through this program, which userspace runs with BPF_PROG_TEST_RUN
 * on one address at a time. Never attached; 5.13 or later (bpf_snprintf).
 */
struct kradar_agent_name kradar_name;

SEC("raw_tp/kradar_name")
int kradar_resolve(void *ctx)
{
	__u64 addr = kradar_name.addr;

	if (kradar_name.with_off)
		bpf_snprintf(kradar_name.name, sizeof(kradar_name.name), "%pS",
			     &addr, sizeof(addr));
	else
		bpf_snprintf(kradar_name.name, sizeof(kradar_name.name), "%ps",
			     &addr, sizeof(addr));
	return 0;
}

/*
 * The lock detector: who waits for a mutex, since when; who took one
 * after waiting. The contention tracepoints fire on the slow path only.
 * As in the module (kmod/compat/locking.h), only sleeping waits for a
 * mutex or an rt_mutex are followed: not the optimistic spin, not rwsems
 * or percpu locks, and on PREEMPT_RT not the rtlock waits of spinlock_t
 * and rwlock_t (told apart by the task's TASK_RTLOCK_WAIT state where
 * BTF says where that is). Userspace reads the waits once per window and
 * does the rest, the owner included (kradar_owner() below).
 */
const volatile struct kradar_agent_lockcfg lockcfg = {
	.tp_bytes = 24,
	.off_begin_lock = 8,
	.off_begin_flags = 16,
	.off_end_lock = 8,
	.off_end_ret = 16,
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, KRADAR_AGENT_WAITS);
	__type(key, __u32);
	__type(value, struct kradar_agent_wait);
} kradar_waits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, KRADAR_AGENT_ACQS);
	__type(key, __u64);
	__type(value, struct kradar_agent_acq);
} kradar_acqs SEC(".maps");

static __always_inline __u32 field32(const __u64 *rec, __u32 off)
{
	return ((const __u32 *)rec)[(off / 4) & (KRADAR_AGENT_TP_BYTES / 4 - 1)];
}

SEC("tracepoint/lock/contention_begin")
int kradar_lock_begin(void *ctx)
{
	__u64 rec[KRADAR_AGENT_TP_BYTES / 8] = {};
	struct kradar_agent_wait w = {};
	__u32 flags, tid, state = 0;

	if (read_rec(ctx, rec, lockcfg.tp_bytes))
		return 0;
	flags = field32(rec, lockcfg.off_begin_flags);
	if (flags & (KRADAR_LCB_F_SPIN | KRADAR_LCB_F_READ |
		     KRADAR_LCB_F_WRITE | KRADAR_LCB_F_PERCPU))
		return 0;
	if (!(flags & (KRADAR_LCB_F_MUTEX | KRADAR_LCB_F_RT)))
		return 0;
	if ((flags & KRADAR_LCB_F_RT) && lockcfg.have_state) {
		__u64 task = bpf_get_current_task();

		bpf_probe_read_kernel(&state, sizeof(state),
				      (void *)(task + lockcfg.off_state));
		if (state & KRADAR_TASK_RTLOCK_WAIT)
			return 0;
	}
	tid = (__u32)bpf_get_current_pid_tgid();
	w.lock = field(rec, lockcfg.off_begin_lock);
	w.flags = flags;
	w.begin_ns = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&kradar_waits, &tid, &w, BPF_ANY)) {
		__u32 k = 0;
		struct kradar_agent_misc *m = bpf_map_lookup_elem(&kradar_misc, &k);

		if (m)
			m->waits_untracked++;
	}
	return 0;
}

SEC("tracepoint/lock/contention_end")
int kradar_lock_end(void *ctx)
{
	__u64 rec[KRADAR_AGENT_TP_BYTES / 8] = {};
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct kradar_agent_acq a;
	__u64 lock;

	/* only the waits followed: one lookup for every other contention */
	if (!bpf_map_lookup_elem(&kradar_waits, &tid))
		return 0;
	bpf_map_delete_elem(&kradar_waits, &tid);
	if (read_rec(ctx, rec, lockcfg.tp_bytes) || field32(rec, lockcfg.off_end_ret))
		return 0;
	lock = field(rec, lockcfg.off_end_lock);
	a.tid = tid;
	a.ns = bpf_ktime_get_ns();
	bpf_map_update_elem(&kradar_acqs, &lock, &a, BPF_ANY);
	return 0;
}

/*
 * The owner of a lock, for userspace (BPF_PROG_TEST_RUN, never
 * attached): the lock's owner word and the task it points at. Userspace
 * checks the pid against /proc before it believes it: an owner word can
 * be stale, and a task pointer read at a wrong offset names no task.
 */
struct kradar_agent_owner kradar_owner_io;

SEC("raw_tp/kradar_owner")
int kradar_owner(void *ctx)
{
	struct kradar_agent_owner *o = &kradar_owner_io;
	__u64 word = 0;

	o->ok = 0;
	if (bpf_probe_read_kernel(&word, sizeof(word),
				  (void *)(o->lock + o->off_owner)))
		return 0;
	o->task = word & ~o->mask;
	if (!o->task)
		return 0;
	if (bpf_probe_read_kernel(&o->pid, sizeof(o->pid),
				  (void *)(o->task + o->off_pid)) ||
	    bpf_probe_read_kernel(o->comm, sizeof(o->comm),
				  (void *)(o->task + o->off_comm)))
		return 0;
	o->ok = 1;
	return 0;
}

/*
 * Calibration of task_struct's pid and comm where there is no BTF
 * (BPF_PROG_TEST_RUN, never attached): the first bytes of the task that
 * runs it, a thread of the agent with a pid, tgid and name it knows.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, char[KRADAR_AGENT_TASK_BYTES]);
} kradar_task_bytes SEC(".maps");

SEC("raw_tp/kradar_task")
int kradar_task(void *ctx)
{
	__u32 k = 0;
	char *v = bpf_map_lookup_elem(&kradar_task_bytes, &k);

	if (v)
		bpf_probe_read_kernel(v, KRADAR_AGENT_TASK_BYTES,
				      (void *)bpf_get_current_task());
	return 0;
}
