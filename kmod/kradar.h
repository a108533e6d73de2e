/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kradar_probe.ko internals shared by its files.
 *
 * The detectors, each in its own file, run by kradar_main.c through a
 * struct kradar_detector each (below) and talking to each other only
 * through the calls declared here:
 *   kradar_hrtimer.c  the hrtimer_expire_entry probe (hot path, per CPU,
 *                     lock-free) and the sampler that turns its counters
 *                     into window, storm begin and storm end records;
 *   kradar_rcu.c      RCU quiescent-state gaps: which CPU holds up a
 *                     grace period, and what ran there;
 *   kradar_lock.c     contended sleeping locks: owner, its state and
 *                     stack, the waiters;
 *   kradar_hung.c     tasks asleep in D for hung_ms: where, and on
 *                     which lock;
 *   kradar_sched.c    CPUs that cannot schedule (preemption off, a
 *                     kernel loop that never reschedules) or take
 *                     interrupts, for stuck_ms: what ran, its stack;
 *   kradar_panic.c    at panic, the records the port has not sent and
 *                     the partial window, as checksummed console lines
 *                     (not a detector, but run like one).
 * What they use:
 *   kradar_tick.c     which hrtimer callback is the scheduler tick, learnt
 *                     at load from what it does (for kradar_rcu.c);
 *   kradar_vhost.c    vhost awareness: which vhost device and vq a
 *                     contended lock lies in (kradar_vhost.h, for
 *                     kradar_lock.c);
 *   kradar_btf.c      a struct member's offset from the kernel's BTF
 *                     (kradar_btf.h, for kradar_vhost.c);
 *   kradar_ring.c     the byte ring holding encoded records until the
 *                     port takes them (sampler thread only, no locking);
 *   kradar_port.c     the virtio console port: finding it, opening its
 *                     hvc tty from the kernel, writing, closing;
 *   kradar_util.c     helpers every part uses: record names, symbols,
 *                     optional tracepoints, LOST records, other tasks'
 *                     stacks.
 * And the orchestrator:
 *   kradar_main.c     parameters, the sampler threads, /proc/kradar,
 *                     module init and exit.
 */
#ifndef _KRADAR_H
#define _KRADAR_H

#include <linux/bits.h>
#include <linux/types.h>
#include <linux/percpu.h>
#include <kradar_wire.h>
#include "kradar_hot.h"

#define KRADAR_WINDOW_TOP	8	/* entries in a window record */

/* Parameters, validated in kradar_main.c */
extern unsigned int kradar_window_ms;
extern unsigned long kradar_storm_rate;
extern unsigned int kradar_storm_windows;
extern unsigned int kradar_storm_end_ms;
extern unsigned int kradar_late_us;
extern unsigned int kradar_qs_gap_ms;
extern unsigned int kradar_lock_wait_ms;
extern unsigned int kradar_hung_ms;
extern unsigned int kradar_stuck_ms;

struct seq_file;

/* One window, as the samplers hand it to each part of the probe. */
struct kradar_window {
	u64 now;		/* local_clock() ns: the window's end */
	u64 late;		/* ns the sampler took it after its deadline */
	u64 nr;			/* window number, from 1 */
	u64 bytes_sent;		/* stream bytes the port took so far */
};

/*
 * A detector as kradar_main.c runs it; any op may be NULL. init, start
 * and sample run in the order of kradar_main.c's table, stop and exit in
 * reverse. A detector talks to the others only through the calls
 * declared below, never through their state.
 *
 * @init:   allocate and set up, nothing attached yet; @session is the
 *          stream's id. On failure it has undone itself.
 * @start:  attach its probes. An optional detector that cannot attach
 *          turns itself off and returns 0; an error fails the load.
 * @stop:   detach; the caller then runs tracepoint_synchronize_unregister()
 *          before anything is freed. Called only after a successful start.
 * @exit:   free; the samplers are stopped.
 * @sample: once per window, in a sampler thread under its lock.
 * @status: its lines of /proc/kradar.
 * @late_start: started only once the samplers run (the others before).
 */
struct kradar_detector {
	const char *name;
	int (*init)(u64 session);
	int (*start)(void);
	void (*stop)(void);
	void (*exit)(void);
	void (*sample)(const struct kradar_window *w);
	void (*status)(struct seq_file *m);
	bool late_start;
};

extern const struct kradar_detector kradar_hrtimer_detector;
extern const struct kradar_detector kradar_panic_dump;
extern const struct kradar_detector kradar_rcu_detector;
extern const struct kradar_detector kradar_lock_detector;
extern const struct kradar_detector kradar_hung_detector;
extern const struct kradar_detector kradar_stuck_detector;

/* kradar_hrtimer.c: what the storm detector offers the other parts */
u64 kradar_hrtimer_events(void);
u64 kradar_hrtimer_cpu_events(int cpu);
unsigned int kradar_hrtimer_storms_active(void);
u64 kradar_hrtimer_flood_ns(int cpu);
void kradar_hrtimer_lost(u64 *nested, u64 *unattributed);
const struct kradar_cpu *kradar_hrtimer_counters(int cpu);
void kradar_hrtimer_want_stack(int cpu);
void kradar_hrtimer_watch_tick(int cpu, void *fn);
void kradar_hrtimer_watch_tick_named(const char *const *names,
				     unsigned int nr);
void kradar_hrtimer_name(int cpu, unsigned int slot,
			 char name[KRADAR_NAME_LEN]);

/*
 * kradar_sched.c: the stuck-CPU detector's per-CPU probe state
 * (kradar_sched_hot.h), allocated at init, freed at exit; NULL when the
 * detector is off. The RCU detector's sched_switch probe serves it.
 */
struct kradar_sched_cpu;
extern struct kradar_sched_cpu __percpu *kradar_sched_pcpu;

/* kradar_rcu.c: what each CPU runs, for kradar_sched.c (sampler only) */
struct kradar_cpu_task {
	u64 qs_ns;		/* last switch, or tick in user mode or idle */
	int idle;		/* the idle task runs */
	pid_t pid;
	char comm[16];		/* TASK_COMM_LEN */
};

bool kradar_cpu_task(int cpu, struct kradar_cpu_task *t);
void kradar_cpu_want_stack(int cpu);
unsigned int kradar_cpu_stack(int cpu, u64 since, struct kradar_frame *f,
			      unsigned int max, u64 *when, bool *user,
			      int *preempt);
unsigned int kradar_cpu_frames(struct kradar_frame *f, unsigned int max,
			       const unsigned long *addr, unsigned int n);
/* kradar_tick.c: the scheduler tick's hrtimer callback, for kradar_rcu.c */
void kradar_tick_learn(void);

/* kradar_rcu.c, kradar_lock.c, kradar_hung.c: attached at load (HELLO) */
bool kradar_rcu_enabled(void);
bool kradar_lock_enabled(void);
bool kradar_hung_enabled(void);
bool kradar_stuck_enabled(void);

/* kradar_lock.c: the lock a task sleeps for, for kradar_hung.c */
struct task_struct;
bool kradar_lock_wait_of(struct task_struct *t, u64 *lock,
			 char name[KRADAR_NAME_LEN], pid_t *owner);

/* kradar_ring.c: records are built in place and committed */
int kradar_ring_init(size_t bytes);
void kradar_ring_exit(void);
void *kradar_rec_begin(u16 type, size_t size, u16 cpu, u64 ts_ns);
void kradar_rec_shrink(void *rec, size_t size);
void kradar_rec_commit(void *rec);
size_t kradar_ring_peek(const u8 **buf);
void kradar_ring_consume(size_t n);
size_t kradar_ring_used(void);
void kradar_ring_stats(u64 *records, u64 *dropped_records,
		       u64 *dropped_bytes);
void kradar_ring_take_drops(u64 *records, u64 *bytes);
size_t kradar_ring_unsent(const u8 **buf);
u32 kradar_ring_take_seq(u16 cpu);
size_t kradar_ring_open_size(void);

/* kradar_port.c */
enum kradar_port_state {
	KRADAR_PORT_ABSENT,	/* no virtio port with that name (yet) */
	KRADAR_PORT_BUSY,	/* port found, tty held by someone else */
	KRADAR_PORT_OPEN,
	KRADAR_PORT_ERROR,	/* last write failed; reopened later */
};

int kradar_port_init(const char *name, const char *tty_path);
void kradar_port_exit(void);
bool kradar_port_poll_open(void);
ssize_t kradar_port_write(const u8 *buf, size_t len);
enum kradar_port_state kradar_port_state(void);
const char *kradar_port_state_name(enum kradar_port_state s);

/* kradar_util.c: helpers of every part, process context only */
void kradar_copy_name(char dst[KRADAR_NAME_LEN], const char *src);
void kradar_symbol(unsigned long addr, char name[KRADAR_NAME_LEN], bool exact);
struct tracepoint *kradar_tp_attach(const char *name, void *probe,
				    const char *detector);
void kradar_emit_lost(u16 cpu, u32 cause, u64 records, u64 bytes, u64 events,
		      u64 ts);
unsigned int kradar_task_stack(pid_t pid, struct kradar_frame *f,
			       unsigned int max);

#endif /* _KRADAR_H */
