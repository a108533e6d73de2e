/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * kradar wire format: the one definition shared by kradar_probe.ko (the
 * producer, inside the guest) and the host tools (the consumers).
 *
 * The stream is a sequence of records. Every record starts with
 * struct kradar_rec_hdr: a sync word, {type, flags, size}, a CRC-32 of the
 * whole record, the guest's local_clock() time, a sequence number and the
 * CPU the record describes. Sizes include the header and are multiples of
 * 8; all fields are little-endian and naturally aligned; there are no
 * bitfields and nothing is packed. A reader skips record types it does not
 * know, using size.
 *
 * Resynchronisation: a reader that meets bytes that are not a valid record
 * (bad sync, impossible size, CRC mismatch) advances one byte at a time
 * until a sync word starts a record whose CRC verifies, and counts the
 * bytes it skipped.
 *
 * Loss is visible three ways: gaps in the per-CPU (and global) sequence
 * numbers, KRADAR_REC_LOST records in which the guest says what it dropped
 * and why, and the reader's own count of skipped bytes. Records are
 * numbered when they are made, so records the guest drops later (buffer
 * full) leave gaps too: gaps beyond what LOST records explain were lost
 * between guest and host.
 *
 * Compatibility: fields are only ever appended to a record; readers accept
 * records longer than they know (the tail is ignored) and zero-fill records
 * shorter than they know. KRADAR_WIRE_VERSION changes only if the meaning
 * of an existing field changes.
 *
 * Documentation/wire-format.rst describes every record.
 */
#ifndef _KRADAR_WIRE_H
#define _KRADAR_WIRE_H

#ifdef __KERNEL__
#include <linux/stddef.h>
#include <linux/types.h>
#define KRADAR_STATIC_ASSERT(c, m) static_assert(c, m)
#else
#include <stddef.h>
#include <stdint.h>
#include <assert.h>
typedef uint16_t kradar_le16;
typedef uint32_t kradar_le32;
typedef uint64_t kradar_le64;
#define __le16 kradar_le16
#define __le32 kradar_le32
#define __le64 kradar_le64
#define KRADAR_STATIC_ASSERT(c, m) _Static_assert(c, m)
#endif

#define KRADAR_WIRE_VERSION	1
/* "KRDR" in stream byte order: 4b 52 44 52 */
#define KRADAR_SYNC		0x5244524bU
/* "kradar\0\1" in stream byte order, in the hello record */
#define KRADAR_MAGIC		0x010072616461726bULL
#define KRADAR_REC_ALIGN	8
#define KRADAR_REC_MAX		4096	/* bytes, largest record a writer emits */
#define KRADAR_NAME_LEN		64	/* bytes, "function [module]" NUL padded */
#define KRADAR_CPU_NONE		0xffff	/* record not about one CPU */
#define KRADAR_HRTIMER_MAX_ENTRIES 16	/* entries in one hrtimer window */
#define KRADAR_STACK_MAX	24	/* frames in a stack sample */
#define KRADAR_GAP_TOP		4	/* hrtimer callbacks in a gap record */
#define KRADAR_STALL_CPUS	64	/* CPUs listed in a stall record */
#define KRADAR_COMM_LEN		16	/* task comm, NUL padded */
#define KRADAR_LOCK_WAITERS	8	/* waiters listed in a lock record */
#define KRADAR_LOCK_STACK	16	/* frames per stack in a lock record */
#define KRADAR_HUNG_STACK	16	/* frames in a hung-task record */
#define KRADAR_STUCK_STACK	16	/* frames in a stuck-CPU record */

enum kradar_rec_type {
	KRADAR_REC_HELLO		= 1,
	KRADAR_REC_HEARTBEAT		= 2,
	KRADAR_REC_HRTIMER_WINDOW	= 3,
	KRADAR_REC_STORM_BEGIN		= 4,
	KRADAR_REC_STORM_END		= 5,
	KRADAR_REC_LOST			= 6,
	KRADAR_REC_QS_GAP		= 7,
	KRADAR_REC_GP_STALL		= 8,
	KRADAR_REC_LOCK			= 9,
	KRADAR_REC_HUNG			= 10,
	KRADAR_REC_CPU_STUCK		= 11,
	KRADAR_REC_TYPE_MAX,
};

/* kradar_rec_hdr.flags */
#define KRADAR_RECF_RESENT	0x0001	/* periodic repeat, not a new event */
#define KRADAR_RECF_PANIC	0x0002	/* made in the panic notifier and
					 * printed to the console only */

struct kradar_rec_hdr {
	__le32 sync;		/* KRADAR_SYNC */
	__le16 type;		/* enum kradar_rec_type */
	__le16 flags;		/* KRADAR_RECF_* */
	__le32 size;		/* bytes, header included, multiple of 8 */
	__le32 crc;		/* CRC-32 (IEEE, as zlib) of the record, crc = 0 */
	__le64 ts_ns;		/* guest local_clock() when made, ns */
	__le32 seq;		/* per-CPU counter; global one for CPU_NONE */
	__le16 cpu;		/* CPU described, or KRADAR_CPU_NONE */
	__le16 reserved;	/* zero */
};

/* kradar_rec_hello.backend: what produced the stream */
enum kradar_backend {
	KRADAR_BACKEND_MODULE	= 0,	/* kradar_probe.ko */
	KRADAR_BACKEND_BPF	= 1,	/* kradar-agent: BPF programs loaded
					 * from guest userspace */
};

/* kradar_rec_hello.caps: a detector the backend runs in this session */
#define KRADAR_CAP_HRTIMER	0x0001	/* hrtimer windows and storms */
#define KRADAR_CAP_HRTIMER_LATE	0x0002	/* their lateness (late, late_*) */
#define KRADAR_CAP_NESTED	0x0004	/* events lost to nesting counted */
#define KRADAR_CAP_QS_GAP	0x0008	/* RCU gaps (QS_GAP, GP_STALL) */
#define KRADAR_CAP_LOCK		0x0010	/* contended sleeping locks */
#define KRADAR_CAP_STACKS	0x0020	/* stacks in gap and lock records */
#define KRADAR_CAP_PANIC	0x0040	/* console dump at panic */
#define KRADAR_CAP_HUNG		0x0080	/* tasks hung in D (HUNG) */
#define KRADAR_CAP_STUCK	0x0100	/* CPUs that cannot schedule or
					 * take interrupts (CPU_STUCK) */

/*
 * Sent first after the port opens and again every hello_every heartbeats,
 * so a collector attaching mid-stream learns the session.
 */
struct kradar_rec_hello {
	struct kradar_rec_hdr h;
	__le64 magic;		/* KRADAR_MAGIC */
	__le16 version;		/* KRADAR_WIRE_VERSION */
	__le16 hdr_size;	/* sizeof(struct kradar_rec_hdr) */
	__le16 nr_cpus;		/* nr_cpu_ids */
	__le16 caps;		/* KRADAR_CAP_*: detectors this backend runs;
				 * 0: not stated (kradar_probe.ko: all of its
				 * detectors, as the fields below say) */
	__le64 session;		/* random, new at every module load */
	__le32 window_ms;	/* reporting window, ms */
	__le32 late_us;		/* an expiry this late counts as late, us */
	__le64 storm_rate;	/* callbacks/s on one CPU that make a storm */
	__le32 storm_windows;	/* windows over the rate before storm begin */
	__le32 heartbeat_ms;	/* heartbeat period, ms */
	char release[KRADAR_NAME_LEN];	/* guest uname -r */
	char port[KRADAR_NAME_LEN];	/* virtio port name */
	__le32 storm_end_ms;	/* time below half the rate before storm end */
	__le32 qs_gap_ms;	/* RCU gap threshold, ms; 0: detector off */
	__le32 lock_wait_ms;	/* lock wait threshold, ms; 0: detector off */
	__le32 backend;		/* enum kradar_backend (older probes: 0) */
	__le32 hung_ms;		/* hung-task threshold, ms; 0: detector off
				 * (or a probe older than the detector) */
	__le32 stuck_ms;	/* stuck-CPU threshold, ms; 0: detector off
				 * (or a probe older than the detector) */
};

/* Timebase, sent once per window: ties guest clocks to host receive time. */
struct kradar_rec_heartbeat {
	struct kradar_rec_hdr h;
	__le64 local_ns;	/* local_clock(), same clock as printk */
	__le64 mono_ns;		/* CLOCK_MONOTONIC */
	__le64 real_ns;		/* CLOCK_REALTIME */
	__le64 boot_ns;		/* CLOCK_BOOTTIME */
	__le64 window;		/* window number since load */
	__le64 sampler_late_ns;	/* how late the sampler woke for this window */
	__le64 events;		/* hrtimer callbacks seen since load, all CPUs */
	__le64 records;		/* records made since load */
	__le64 bytes_sent;	/* bytes accepted by the port since load */
	__le64 records_dropped;	/* records dropped since load (any cause) */
};

struct kradar_hrtimer_entry {
	__le64 function;	/* callback address in the guest */
	__le64 count;		/* callbacks in the window */
	__le64 late;		/* of which expired >= late_us late */
	__le64 late_sum_ns;	/* sum of lateness over all callbacks, ns */
	__le64 late_max_ns;	/* worst lateness in the window, ns */
	char name[KRADAR_NAME_LEN];	/* "advance_sched [sch_taprio]" */
};

/* Per CPU and window: the busiest hrtimer callbacks, most frequent first. */
struct kradar_rec_hrtimer_window {
	struct kradar_rec_hdr h;
	__le64 start_ns;	/* window start, local_clock() */
	__le64 end_ns;		/* window end, local_clock() */
	__le64 events;		/* all callbacks on this CPU in the window */
	__le64 unlisted;	/* callbacks of functions not in entries[] */
	__le32 nr_entries;	/* entries that follow */
	__le32 entry_size;	/* bytes per entry (0: 104, the first size) */
	struct kradar_hrtimer_entry entries[];	/* the last nr_entries *
						 * entry_size bytes */
};

/*
 * A callback on one CPU crossed (BEGIN) or fell back below (END) the
 * rate. While the storm lasts its BEGIN is sent again with
 * KRADAR_RECF_RESENT (an update: the totals so far) when its peak rises
 * and at least once a second.
 */
struct kradar_rec_storm {
	struct kradar_rec_hdr h;
	__le64 function;	/* callback address */
	__le64 begin_ns;	/* start of the first window over the rate */
	__le64 end_ns;		/* END, update: end of the last window over
				 * the rate; BEGIN: 0 */
	__le64 rate_per_s;	/* BEGIN: rate in the window that crossed;
				 * update, END: in the latest window */
	__le64 peak_rate_per_s;	/* highest window rate so far */
	__le64 count;		/* callbacks from begin_ns to now */
	__le64 late;		/* of which late */
	__le64 late_sum_ns;	/* sum of lateness, ns */
	__le64 late_max_ns;	/* worst lateness, ns */
	__le64 threshold_per_s;	/* the storm rate in force */
	char name[KRADAR_NAME_LEN];
};

enum kradar_lost_cause {
	KRADAR_LOST_BUFFER_FULL	= 1,	/* port absent or slow: oldest dropped */
	KRADAR_LOST_NESTED	= 2,	/* probe re-entered on a CPU: not counted */
	KRADAR_LOST_TABLE_FULL	= 3,	/* callback table full: unattributed */
	KRADAR_LOST_PORT_ERROR	= 4,	/* the port refused a write */
	KRADAR_LOST_CAUSE_MAX,
};

/* What the guest dropped since the previous LOST record of this cause. */
struct kradar_rec_lost {
	struct kradar_rec_hdr h;
	__le32 cause;		/* enum kradar_lost_cause */
	__le32 reserved;
	__le64 records;		/* whole records dropped */
	__le64 bytes;		/* bytes of those records */
	__le64 events;		/* events not counted or not attributed */
};

/* Phases of an episode that lasts: a gap, a stall, a contended lock. */
enum kradar_phase {
	KRADAR_PHASE_BEGIN	= 1,	/* crossed its threshold */
	KRADAR_PHASE_UPDATE	= 2,	/* still going, every second */
	KRADAR_PHASE_END	= 3,	/* over: totals */
};

/* One frame of a stack sample, symbolised in the guest. */
struct kradar_frame {
	__le64 addr;
	char sym[KRADAR_NAME_LEN];	/* "hrtimer_interrupt+0x12f/0x390" */
};

/* An hrtimer callback on the gap's CPU, counted since the gap began. */
struct kradar_gap_hrtimer {
	__le64 function;
	__le64 count;
	char name[KRADAR_NAME_LEN];
};

/* kradar_rec_qs_gap.flags */
#define KRADAR_GAPF_USER	0x0001	/* the stack interrupted user mode */
#define KRADAR_GAPF_IDLE	0x0002	/* END: the CPU went idle */
#define KRADAR_GAPF_GP_MOVED	0x0004	/* END: the grace period advanced */
#define KRADAR_GAPF_FLOOD	0x0008	/* an hrtimer storm floods the CPU */
/*
 * BEGIN: no grace period in progress, but the grace-period kthread has
 * been runnable on this CPU, which has not scheduled, without running,
 * for qs_gap_ms: the grace
 * period a caller waits for cannot start (gp_start_ns: when the kthread
 * was last seen to run).
 */
#define KRADAR_GAPF_KTHREAD	0x0010

/*
 * An RCU grace period has been pending for qs_gap_ms and this CPU has had
 * no quiescent-state opportunity (context switch, tick in user mode, idle)
 * for as long: it is holding the grace period up. While an hrtimer storm
 * floods the CPU (KRADAR_GAPF_FLOOD), its opportunities and its idle time
 * since the storm began do not count: its ticks, softirqs and kthreads
 * starve, the grace-period kthread's wakeup among them. The gap lasts
 * until the CPU goes idle, or has had an opportunity and the grace period
 * advanced (an opportunity alone is not enough: the CPU must also report
 * it, which a CPU whose ticks and softirqs are starved cannot do; for a
 * flooded CPU the grace period advancing is enough). Counts cover the
 * gap so far (END: all of it). Two arrays are the last bytes of the
 * record: nr_top entries of top_size bytes, then nr_stack frames of
 * frame_size bytes.
 */
struct kradar_rec_qs_gap {
	struct kradar_rec_hdr h;	/* cpu: the CPU */
	__le32 phase;		/* enum kradar_phase */
	__le32 pid;		/* task running on the CPU */
	__le64 gap_start_ns;	/* last QS opportunity before, local_clock() */
	__le64 gap_ns;		/* gap so far; END: its total */
	__le64 gp_seq;		/* rcu_get_gp_seq() held up */
	__le64 gp_start_ns;	/* first sample that saw gp_seq pending */
	__le64 hardirqs;	/* device interrupts handled on the CPU */
	__le64 softirqs;	/* softirq handlers run on the CPU */
	__le64 hrtimers;	/* hrtimer callbacks run on the CPU */
	__le64 sampler_late_ns;	/* how late this sample was taken */
	__le64 stack_ns;	/* when the stack was taken; 0: no stack */
	__le64 qs_ns;		/* last opportunity seen during the gap, after
				 * which the grace period still did not
				 * advance; 0: none */
	__le32 flags;		/* KRADAR_GAPF_* */
	__le32 reserved;
	char comm[KRADAR_COMM_LEN];
	__le32 nr_top;
	__le32 top_size;	/* bytes per struct kradar_gap_hrtimer */
	__le32 nr_stack;
	__le32 frame_size;	/* bytes per struct kradar_frame */
};

/* A grace period pending for qs_gap_ms or longer, and who holds it up. */
struct kradar_rec_gp_stall {
	struct kradar_rec_hdr h;	/* cpu: KRADAR_CPU_NONE */
	__le32 phase;		/* enum kradar_phase */
	__le32 nr_cpus;		/* entries of cpus[] in use */
	__le64 gp_seq;
	__le64 gp_start_ns;	/* first sample that saw it pending */
	__le64 stall_ns;	/* pending so far; END: until it advanced */
	__le64 sampler_late_ns;
	__le16 cpus[KRADAR_STALL_CPUS];	/* CPUs in a gap, ascending */
	/*
	 * The grace-period kthread (rcu_preempt or rcu_sched), which must
	 * run for a grace period to advance; kthread_pid 0: not known
	 * (records of older probes end before these fields).
	 */
	__le32 kthread_pid;
	__le16 kthread_cpu;	/* the CPU it is on or last ran on */
	char kthread_state;	/* R S D I ... as ps prints it */
	char reserved;
	__le64 kthread_idle_ns;	/* since the sampler last saw it run */
	char kthread_comm[KRADAR_COMM_LEN];
};

/* kradar_rec_lock.flags */
#define KRADAR_LOCKF_OWNER	0x0001	/* owner found among live tasks */
#define KRADAR_LOCKF_ACQUIRED	0x0002	/* acquired_ns is when the owner
					 * took it after waiting */
#define KRADAR_LOCKF_RT		0x0004	/* an rt_mutex (PREEMPT_RT mutex) */
#define KRADAR_LOCKF_VHOST	0x0008	/* the lock lies in a vhost device:
					 * the vhost_* fields are valid */
#define KRADAR_LOCKF_VHOST_KILLED 0x0010 /* vhost_killed_pid waits in
					  * vhost_worker_killed() */

/* kradar_rec_lock.vhost_what: where in the vhost device the lock lies */
enum kradar_vhost_what {
	KRADAR_VHOST_VQ_MUTEX	= 1,	/* vq->mutex of vq vhost_vq */
	KRADAR_VHOST_DEV_MUTEX	= 2,	/* dev->mutex of the device */
	KRADAR_VHOST_IN_VQ	= 3,	/* vhost_off bytes into vq vhost_vq
					 * (no BTF: field unknown) */
};

/* A task waiting for a lock. */
struct kradar_lock_waiter {
	__le32 pid;
	__le32 reserved;
	__le64 wait_ns;		/* waiting so far; END: in total */
	char comm[KRADAR_COMM_LEN];
};

/*
 * A sleeping lock (mutex, rt_mutex) a task has waited for longer than
 * lock_wait_ms: who holds it, in which state, with which stack, and who
 * waits. BEGIN when the first waiter crosses the threshold, UPDATE every
 * second or when the owner, its state or the waiters change, END when
 * nobody waits any more. Three arrays are the last bytes of the record:
 * nr_listed waiters of waiter_size bytes, then nr_owner_stack and
 * nr_waiter_stack frames of frame_size bytes (the longest waiter's).
 * fixed_size says where the fixed part ends, so a reader knows which
 * appended fields were sent: records with fixed_size 0 end their fixed
 * part at KRADAR_LOCK_FIXED_V1 bytes and carry no vhost fields.
 */
#define KRADAR_LOCK_FIXED_V1	200	/* bytes, fixed part without vhost */
struct kradar_rec_lock {
	struct kradar_rec_hdr h;	/* cpu: KRADAR_CPU_NONE */
	__le32 phase;		/* enum kradar_phase */
	__le32 flags;		/* KRADAR_LOCKF_* */
	__le64 lock;		/* address of the lock */
	__le64 begin_ns;	/* the longest current wait began */
	__le64 wait_ns;		/* longest wait so far; END: the episode */
	__le64 held_ns;		/* owner has held it at least this long */
	__le64 acquired_ns;	/* when it took it, if KRADAR_LOCKF_ACQUIRED */
	__le32 owner_pid;	/* 0: no owner known */
	__le32 nr_waiters;	/* waiting now (END: 0) */
	char owner_comm[KRADAR_COMM_LEN];
	char owner_state;	/* 'R', 'S', 'D', 'T', 't', 'X', 'Z', 'P', 'I' */
	char reserved[7];
	char name[KRADAR_NAME_LEN];	/* "rtnl_mutex", or an address */
	__le32 nr_listed;
	__le32 waiter_size;	/* bytes per struct kradar_lock_waiter */
	__le32 nr_owner_stack;
	__le32 nr_waiter_stack;
	__le32 frame_size;	/* bytes per struct kradar_frame */
	__le32 fixed_size;	/* bytes before the arrays (0: 200, the first
				 * size, without the vhost fields) */
	/* appended: vhost awareness, valid with KRADAR_LOCKF_VHOST */
	__le32 vhost_what;	/* enum kradar_vhost_what */
	__le32 vhost_vq;	/* vq index in its device */
	__le32 vhost_dev;	/* device number, from 1 in learning order */
	__le32 vhost_off;	/* offset of the lock in the vq or device */
	__le32 vhost_owner_pid;	/* thread that set the owner; 0: none */
	__le32 vhost_worker_pid;	/* the device's worker; 0: unknown */
	char vhost_owner_comm[KRADAR_COMM_LEN];
	char vhost_kind[KRADAR_COMM_LEN];	/* "vhost-net", "vhost-vsock" */
	__le32 vhost_killed_pid;	/* with KRADAR_LOCKF_VHOST_KILLED */
	__le32 reserved3;
	__le64 vhost_killed_ns;	/* when it entered vhost_worker_killed() */
};

/* kradar_rec_hung.flags */
#define KRADAR_HUNGF_LOCK	0x0001	/* it waits for the lock named in
					 * lock/lock_name, which the lock
					 * detector follows */
#define KRADAR_HUNGF_OWNER	0x0002	/* lock_owner_pid holds that lock */
#define KRADAR_HUNGF_EXITED	0x0004	/* END: the task is gone */

/*
 * A task in uninterruptible sleep (state D exactly: not TASK_IDLE, not
 * killable; what the kernel's hung-task detector counts) that has not
 * run for hung_ms. The sampler walks the task list every scan_ms and
 * notes when it first saw the task in D with its context-switch count
 * unchanged since (since_ns: at most scan_ms after the task went to
 * sleep). BEGIN when that is hung_ms ago, UPDATE every 10 s while it
 * lasts, END when the task has run again, left D or exited; hung_ns is
 * the time in D so far (END: in total, to the last scan that saw it
 * there). nr_stack frames of frame_size bytes are the last bytes of the
 * record: where it sleeps, innermost first.
 */
struct kradar_rec_hung {
	struct kradar_rec_hdr h;	/* cpu: the CPU it last ran on */
	__le32 phase;		/* enum kradar_phase */
	__le32 flags;		/* KRADAR_HUNGF_* */
	__le64 since_ns;	/* first seen in D, local_clock() */
	__le64 hung_ns;		/* in D so far; END: in total */
	__le32 pid;
	__le32 tgid;
	char comm[KRADAR_COMM_LEN];
	char state;		/* 'D' */
	char reserved[3];
	__le32 scan_ms;		/* the task list is walked this often */
	__le64 lock;		/* with KRADAR_HUNGF_LOCK: its address */
	__le32 lock_owner_pid;	/* with KRADAR_HUNGF_OWNER */
	__le32 nr_stack;
	__le32 frame_size;	/* bytes per struct kradar_frame */
	__le32 reserved2;
	char lock_name[KRADAR_NAME_LEN];	/* with KRADAR_HUNGF_LOCK */
};

/* kradar_rec_cpu_stuck.kind */
enum kradar_stuck_kind {
	KRADAR_STUCK_SCHED	= 1,	/* no context switch, no return to user
					 * or idle, while a woken task waits:
					 * preemption off, or a kernel loop
					 * that never reschedules */
	KRADAR_STUCK_IRQS	= 2,	/* not idle and no timer or device
					 * interrupt: interrupts off */
	KRADAR_STUCK_RT		= 3,	/* an RT task (SCHED_FIFO or _RR) took
					 * >= 80 % of the CPU: the RT runtime
					 * limit throttles it, or nothing
					 * else runs there */
};

/* kradar_rec_cpu_stuck.flags */
#define KRADAR_STUCKF_NMI	0x0001	/* stack taken by NMI in the stretch */
#define KRADAR_STUCKF_AFTER	0x0002	/* stack taken by the first interrupt
					 * after the stretch: it names where
					 * interrupts came back on */
#define KRADAR_STUCKF_USER	0x0004	/* the stack interrupted user mode */
#define KRADAR_STUCKF_PREEMPT	0x0008	/* preempt_count is valid */
#define KRADAR_STUCKF_WAITER	0x0010	/* wait_pid/wait_ns are valid */
#define KRADAR_STUCKF_IDLE	0x0020	/* END: the CPU went idle */

/*
 * A CPU that has not scheduled, or not taken an interrupt, for stuck_ms:
 * BEGIN when it crosses the threshold, UPDATE every second, END with the
 * total. The stack (nr_stack frames after the fixed part) is the CPU's
 * own, taken on it: by its tick, by NMI, or by the first interrupt after.
 */
struct kradar_rec_cpu_stuck {
	struct kradar_rec_hdr h;	/* cpu: the stuck CPU */
	__le32 phase;		/* enum kradar_phase */
	__le32 kind;		/* enum kradar_stuck_kind */
	__le64 since_ns;	/* last switch, user/idle tick or interrupt */
	__le64 stuck_ns;	/* so far; END: in total */
	__le64 wait_ns;		/* STUCKF_WAITER: the waiter woke then */
	__le64 stack_ns;	/* when the stack was taken; 0: no stack */
	__le32 pid;		/* the task running on the CPU */
	__le32 wait_pid;	/* STUCKF_WAITER: a task woken onto the CPU */
	char comm[KRADAR_COMM_LEN];
	char wait_comm[KRADAR_COMM_LEN];
	__le32 flags;		/* KRADAR_STUCKF_* */
	__le32 preempt_count;	/* STUCKF_PREEMPT: of the stack's context */
	__le32 threshold_ms;	/* stuck_ms */
	__le32 nr_stack;
	__le32 frame_size;	/* bytes per struct kradar_frame */
	__le32 rt_priority;	/* STUCK_RT: the task's, 1..99 */
};

KRADAR_STATIC_ASSERT(sizeof(struct kradar_rec_hdr) == 32, "hdr size");
KRADAR_STATIC_ASSERT(sizeof(struct kradar_rec_hello) % 8 == 0, "hello");
KRADAR_STATIC_ASSERT(sizeof(struct kradar_rec_hello) == 232, "hello size");
KRADAR_STATIC_ASSERT(sizeof(struct kradar_rec_heartbeat) % 8 == 0, "hb");
KRADAR_STATIC_ASSERT(sizeof(struct kradar_hrtimer_entry) == 104, "entry");
KRADAR_STATIC_ASSERT(sizeof(struct kradar_rec_hrtimer_window) == 72, "win");
KRADAR_STATIC_ASSERT(sizeof(struct kradar_rec_hrtimer_window) +
		     KRADAR_HRTIMER_MAX_ENTRIES *
		     sizeof(struct kradar_hrtimer_entry) <= KRADAR_REC_MAX,
		     "window fits");
KRADAR_STATIC_ASSERT(sizeof(struct kradar_rec_storm) % 8 == 0, "storm");
KRADAR_STATIC_ASSERT(sizeof(struct kradar_rec_lost) == 64, "lost");
KRADAR_STATIC_ASSERT(sizeof(struct kradar_frame) == 72, "frame");
KRADAR_STATIC_ASSERT(sizeof(struct kradar_gap_hrtimer) == 80, "gap top");
KRADAR_STATIC_ASSERT(sizeof(struct kradar_rec_qs_gap) == 160, "qs gap");
KRADAR_STATIC_ASSERT(sizeof(struct kradar_rec_qs_gap) +
		     KRADAR_GAP_TOP * sizeof(struct kradar_gap_hrtimer) +
		     KRADAR_STACK_MAX * sizeof(struct kradar_frame) <=
		     KRADAR_REC_MAX, "qs gap fits");
KRADAR_STATIC_ASSERT(sizeof(struct kradar_rec_gp_stall) % 8 == 0, "stall");
KRADAR_STATIC_ASSERT(sizeof(struct kradar_lock_waiter) == 32, "waiter");
KRADAR_STATIC_ASSERT(sizeof(struct kradar_rec_lock) == 272, "lock");
KRADAR_STATIC_ASSERT(offsetof(struct kradar_rec_lock, vhost_what) ==
		     KRADAR_LOCK_FIXED_V1, "lock v1 size");
KRADAR_STATIC_ASSERT(sizeof(struct kradar_rec_lock) +
		     KRADAR_LOCK_WAITERS * sizeof(struct kradar_lock_waiter) +
		     2 * KRADAR_LOCK_STACK * sizeof(struct kradar_frame) <=
		     KRADAR_REC_MAX, "lock fits");

KRADAR_STATIC_ASSERT(sizeof(struct kradar_rec_hung) == 176, "hung");
KRADAR_STATIC_ASSERT(sizeof(struct kradar_rec_hung) +
		     KRADAR_HUNG_STACK * sizeof(struct kradar_frame) <=
		     KRADAR_REC_MAX, "hung fits");

KRADAR_STATIC_ASSERT(sizeof(struct kradar_rec_cpu_stuck) == 136, "stuck");
KRADAR_STATIC_ASSERT(sizeof(struct kradar_rec_cpu_stuck) +
		     KRADAR_STUCK_STACK * sizeof(struct kradar_frame) <=
		     KRADAR_REC_MAX, "stuck fits");

#ifndef __KERNEL__
#undef __le16
#undef __le32
#undef __le64
#endif

#endif /* _KRADAR_WIRE_H */
