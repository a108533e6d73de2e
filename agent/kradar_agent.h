/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kradar-agent: what its BPF programs (kradar_agent.bpf.c) and its
 * userspace (kradar_agent.c) share: the layout of the maps and of the
 * load-time configuration. Compiled by clang -target bpf and by the C11
 * userspace build alike, so only fixed-size types appear here.
 */
#ifndef _KRADAR_AGENT_H
#define _KRADAR_AGENT_H

#ifndef __bpf__
#include <stdint.h>
typedef uint32_t kradar_u32;
typedef uint64_t kradar_u64;
typedef int64_t kradar_s64;
#else
typedef unsigned int kradar_u32;
typedef unsigned long long kradar_u64;
typedef long long kradar_s64;
#endif

#define KRADAR_AGENT_FUNCS	1024	/* distinct callbacks, all CPUs */
#define KRADAR_AGENT_TP_BYTES	64	/* tracepoint record bytes read */

/*
 * Where the fields are: the event's offsets as tracefs' format file
 * gives them (no BTF needed), and the offset of the expiry time in
 * struct hrtimer (node.expires), which moved: 24 bytes in while node was
 * a struct timerqueue_node (rb_node, expires), 40 since it is a struct
 * timerqueue_linked_node (7.2 has it: rb_node, prev, next, expires).
 * Userspace takes it from BTF, or calibrates it.
 */
struct kradar_agent_cfg {
	kradar_u32 tp_bytes;		/* bytes of the record to read, <= 64 */
	kradar_u32 off_hrtimer;		/* "void * hrtimer" */
	kradar_u32 off_now;		/* "s64 now" */
	kradar_u32 off_function;	/* "void * function" */
	kradar_u32 off_expires;		/* in struct hrtimer */
	kradar_u32 have_expires;	/* 0: offset unknown, no lateness */
	kradar_u64 late_ns;		/* an expiry this late counts as late */
};

/*
 * The lock detector's programs: the fields of lock/contention_begin
 * (lock_addr, flags) and lock/contention_end (lock_addr, ret) as the
 * format files give them, and, on PREEMPT_RT with BTF, where struct
 * task_struct keeps __state (an rtlock waiter, a spinlock_t, waits with
 * LCB_F_RT too, in TASK_RTLOCK_WAIT).
 */
struct kradar_agent_lockcfg {
	kradar_u32 tp_bytes;		/* bytes of either record to read */
	kradar_u32 off_begin_lock;
	kradar_u32 off_begin_flags;
	kradar_u32 off_end_lock;
	kradar_u32 off_end_ret;
	kradar_u32 off_state;		/* in struct task_struct; with: */
	kradar_u32 have_state;		/* 0: rtlock waits not told apart */
	kradar_u32 reserved;
};

#define KRADAR_AGENT_WAITS	1024	/* waiting tasks followed at once */
#define KRADAR_AGENT_ACQS	1024	/* locks whose last taker is kept */

/* LCB_F_* of include/trace/events/lock.h (5.19+) */
#define KRADAR_LCB_F_SPIN	0x01
#define KRADAR_LCB_F_READ	0x02
#define KRADAR_LCB_F_WRITE	0x04
#define KRADAR_LCB_F_RT		0x08
#define KRADAR_LCB_F_PERCPU	0x10
#define KRADAR_LCB_F_MUTEX	0x20
#define KRADAR_TASK_RTLOCK_WAIT	0x1000

/* A task sleeping for a mutex: kradar_waits, keyed by its tid (u32). */
struct kradar_agent_wait {
	kradar_u64 lock;
	kradar_u64 begin_ns;		/* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	kradar_u32 flags;		/* LCB_F_* */
	kradar_u32 reserved;
};

/* The last task that took a lock after waiting: kradar_acqs, by lock. */
struct kradar_agent_acq {
	kradar_u64 tid;
	kradar_u64 ns;
};

/*
 * In and out of the owner program (mmapped .bss), which userspace runs
 * with BPF_PROG_TEST_RUN once per contended lock and window: the owner
 * word of the lock at @off_owner, less its flag bits @mask, is a task
 * pointer; its pid and comm are read at the offsets userspace found
 * (BTF, or calibration with the task program below).
 */
struct kradar_agent_owner {
	kradar_u64 lock;		/* in */
	kradar_u64 mask;		/* in */
	kradar_u32 off_owner;		/* in */
	kradar_u32 off_pid;		/* in */
	kradar_u32 off_comm;		/* in */
	kradar_u32 ok;			/* out: 1 when all was read */
	kradar_u64 task;		/* out */
	kradar_u32 pid;			/* out */
	kradar_u32 reserved;
	char comm[16];			/* out, TASK_COMM_LEN */
};

/* The first bytes of the calling task's task_struct, for calibration. */
#define KRADAR_AGENT_TASK_BYTES	8192

/*
 * One callback on one CPU (the map is per CPU, keyed by function):
 * monotonic counters only this CPU's program writes. The worst lateness
 * is kept per window in two slots, by window parity, so that userspace
 * can read the window it just closed while the next one fills the other.
 */
struct kradar_agent_val {
	kradar_u64 count;
	kradar_u64 late;		/* expired >= late_ns late */
	kradar_u64 late_sum;		/* ns */
	kradar_u64 late_max[2];		/* ns, worst in window lm_win[i] */
	kradar_u64 lm_win[2];
};

/* Per CPU: events that found no room in their map. */
struct kradar_agent_misc {
	kradar_u64 unattributed;	/* hrtimer functions */
	kradar_u64 waits_untracked;	/* lock waits */
};

/*
 * Calibration, where the kernel has no BTF to say where struct hrtimer
 * keeps its expiry: the first expiries' "now" and the timer's first
 * words, from which userspace picks the word that holds a time next to
 * "now" (kradar_agent.c, find_expires_off()).
 */
#define KRADAR_AGENT_CALIB	64	/* samples */
#define KRADAR_AGENT_CALIB_WORDS 12	/* 8-byte words of struct hrtimer */

struct kradar_agent_calib {
	kradar_s64 now;
	kradar_u64 w[KRADAR_AGENT_CALIB_WORDS];
};

/* In and out of the name resolver program (mmapped .bss) */
struct kradar_agent_name {
	kradar_u64 addr;
	kradar_u32 with_off;		/* 1: %pS ("sym+0x0/0x40 [mod]") */
	kradar_u32 reserved;
	char name[64];			/* KRADAR_NAME_LEN */
};

#endif /* _KRADAR_AGENT_H */
