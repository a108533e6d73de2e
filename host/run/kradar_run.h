/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kradar_run: one run directory read as one timeline.
 *
 * A run directory (tools/kradar-run) holds three partial views of the same
 * seconds: the probe's records (events.jsonl, guest local_clock() ns plus
 * the host CLOCK_REALTIME ns at which each record arrived), the guest's
 * console (serial.log, printk times: the same guest clock) and the
 * runner's own notes (run-events.txt, qemu-cpu.txt: host ns). This library
 * loads them into one model (run_load.c, over host/rundir's reader) and,
 * as a separate step (run_analyze.c), puts everything on the guest clock
 * (host times are mapped with offset = min(host_ns - t_ns) over the
 * heartbeats, the delivery with the least delay), finds the stall
 * windows, tells for each whether the guest stalled by itself or its host
 * did not run it, and writes a narrative from generic rules (what came
 * first, by how much, which CPU).
 *
 * Everything read is untrusted (the guest runs a kernel being fuzzed):
 * lines and arrays are bounded, absent fields are tolerated, unknown
 * record types are counted and skipped. Errors follow libbpf: constructors
 * return NULL and set errno; kradar_run__free(NULL) is a no-op.
 */
#ifndef KRADAR_RUN_H
#define KRADAR_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kradar_serial.h"
#include "rundir.h"

#pragma GCC poison u8 u16 u32 u64

#define KRADAR_RUN_MAX_WINDOWS		(1u << 20)	/* hrtimer windows kept */
#define KRADAR_RUN_MAX_HEARTBEATS	(1u << 20)
#define KRADAR_RUN_MAX_CPU_SAMPLES	(1u << 20)	/* qemu-cpu.txt lines */
#define KRADAR_RUN_MAX_SPANS		65536
#define KRADAR_RUN_MAX_MARKS		4096		/* console marks, run events */
#define KRADAR_RUN_MAX_NAMES		4096		/* distinct function names */
#define KRADAR_RUN_MAX_CPUS		256		/* CPU numbers accepted */
#define KRADAR_RUN_MAX_FRAMES		16		/* stack frames kept per span */
#define KRADAR_RUN_MAX_STALLS		256		/* stall windows classified */
#define KRADAR_RUN_NAME_LEN		128
#define KRADAR_RUN_TEXT_LEN		256

/* Stall windows: a heartbeat gap is at least this long (host or guest
 * time), and at least KRADAR_RUN_HB_GAP_BEATS heartbeat periods. */
#define KRADAR_RUN_HB_GAP_MIN_NS	1000000000LL	/* ns */
#define KRADAR_RUN_HB_GAP_BEATS		10
/* Classifier thresholds (see Documentation/report.rst). */
#define KRADAR_RUN_STOPPED_CPU_PCT	10.0	/* % of one host CPU: not running */
#define KRADAR_RUN_BUSY_CPU_PCT		50.0	/* % a busy (spinning) guest needs */
#define KRADAR_RUN_CLOCK_RATIO_MIN	0.5	/* guest/host clock ratio floor */
#define KRADAR_RUN_STARVED_SHARE	0.5	/* share of a window not run */
#define KRADAR_RUN_CPU_MIN_SPAN_NS	1000000000LL	/* CPU % measured over >= this */
/* RCU stall length when HZ cannot be inferred: RCU_CPU_STALL_TIMEOUT. */
#define KRADAR_RUN_RCU_STALL_DEFAULT_NS	21000000000LL	/* ns */
#define KRADAR_RUN_HARD_LOCKUP_NS	10000000000LL	/* watchdog_thresh */
/* A console watchdog line is tied to a stuck CPU or hung task when it
 * comes in its stretch, or up to this long after its end. */
#define KRADAR_RUN_TIE_SLACK_NS		1000000000LL	/* ns */
/* Hung tasks the narrative names one by one (the rest are counted). */
#define KRADAR_RUN_NARRATE_HUNG		4

/* Spans: things with a begin and an end on the guest clock. */
enum kradar_span_kind {
	KRADAR_SPAN_STORM,	/* hrtimer_storm .. hrtimer_storm_end */
	KRADAR_SPAN_QS_GAP,	/* a CPU without an RCU quiescent state */
	KRADAR_SPAN_GP_STALL,	/* an RCU grace period that did not end */
	KRADAR_SPAN_LOCK,	/* a lock held while others waited */
	KRADAR_SPAN_HB_GAP,	/* no heartbeat arrived (host or guest time) */
	KRADAR_SPAN_STUCK,	/* a CPU that did not schedule (cpu_stuck) */
	KRADAR_SPAN_HUNG,	/* a task asleep in D (hung_task) */
	KRADAR_SPAN__COUNT,
};

/* What kept a stuck CPU (cpu_stuck's "kind"). */
enum kradar_stuck_kind {
	KRADAR_STUCK_NO_SCHEDULE,	/* no switch while a woken task waited */
	KRADAR_STUCK_IRQS_OFF,		/* no timer interrupt: interrupts off */
	KRADAR_STUCK_RT_HOG,		/* an RT task took the CPU */
	KRADAR_STUCK__COUNT,
};

struct kradar_span {
	enum kradar_span_kind kind;
	int cpu;			/* -1 when not about one CPU */
	int64_t begin_ns, end_ns;	/* guest clock */
	bool ended;			/* an "end" record arrived */
	int64_t last_t_ns;		/* last record about it */
	char name[KRADAR_RUN_NAME_LEN];	/* storm function, lock, "gp N" */
	double value;			/* storm peak/s, gap/stall/held/stuck/hung ms */
	double late_pct;		/* storm */
	char task[64];			/* qs_gap, stuck task, lock holder, hung task */
	int pid;			/* -1 */
	char state[8];			/* lock holder, hung task state */
	char top[KRADAR_RUN_NAME_LEN];	/* qs_gap: busiest hrtimer callback */
	double top_rate;
	int nr_waiters;			/* lock: the most at once */
	char waiter[64];		/* first waiter's comm; stuck: the task
					 * woken onto the CPU that waited */
	int waiter_pid;			/* lock, stuck: that waiter's pid, -1 */
	int killed_pid;			/* lock: a waiter in vhost_worker_killed(), -1 */
	bool held_exact;		/* lock: value is the hold, not a lower bound */
	int64_t first_t_ns;		/* lock, stuck, hung: the probe's first
					 * record of it (when kradar said so), -1 */
	int64_t key;			/* gp_seq, lock address; matches phases */
	int nr_cpus;			/* gp_stall: stalled CPUs */
	int cpus[8];
	int nr_frames;
	char frames[KRADAR_RUN_MAX_FRAMES][KRADAR_RUN_NAME_LEN];
	/* KRADAR_SPAN_HB_GAP only: the heartbeats on both sides */
	int64_t host_begin_ns, host_end_ns;
	/* KRADAR_SPAN_STUCK, KRADAR_SPAN_HUNG */
	enum kradar_stuck_kind stuck;	/* stuck: what kept the CPU */
	char frame[KRADAR_RUN_NAME_LEN];	/* stuck: the frame its interrupt
					 * hit ("in"); hung: "sleeps_in" */
	char stack_from[8];		/* stuck: tick, nmi or after; "" */
	int64_t stack_ns;		/* stuck: when the stack was taken, -1 */
	int preempt_count;		/* stuck: of the interrupted context, -1 */
	int rt_priority;		/* stuck rt_hog: the task's, -1 */
	bool went_idle;			/* stuck: the end came with idle */
	char lock[KRADAR_RUN_NAME_LEN];	/* hung: the mutex it waits for, "" */
	int lock_holder_pid;		/* hung: that mutex's holder, -1 */
	bool exited;			/* hung: the task exited at the end */
	/* analysis: the console's own report of it (its watchdog line and
	 * the crash report that line opened), indexes or -1 */
	int console_event, console_report;
};

struct kradar_window {			/* one hrtimer_window record */
	int cpu;
	int top;			/* name index of the busiest callback, -1 */
	int64_t start_ns, end_ns;
	double rate_per_s;		/* all callbacks on the CPU */
	double top_rate_per_s;
};

struct kradar_heartbeat {
	int64_t t_ns;			/* guest local_clock */
	int64_t host_ns;		/* receive time, 0 if unknown */
	int64_t sampler_late_ns;
};

/* A point on some clock: console marks, run events, console signatures. */
struct kradar_mark {
	bool guest;			/* t_ns valid (guest clock) */
	bool host;			/* host_ns valid */
	int64_t t_ns;
	int64_t host_ns;
	char text[KRADAR_RUN_TEXT_LEN];
};

struct kradar_cpu_sample {
	int64_t host_ns;
	int64_t ticks;			/* utime + stime */
};

enum kradar_verdict {
	KRADAR_UNDETERMINED,
	KRADAR_GUEST_INTERNAL,
	KRADAR_STARVED_BY_HOST,
};

/* A stall window and its classification. Numbers are < 0 when unknown. */
struct kradar_stall {
	char source[48];		/* "console rcu_stall", "probe storm", ... */
	char what[KRADAR_RUN_TEXT_LEN];
	int cpu;
	bool busy;			/* a stall that spins a CPU */
	int64_t begin_ns, end_ns;	/* guest clock */
	int64_t host_begin_ns, host_end_ns;
	enum kradar_verdict verdict;
	double qemu_cpu_pct;		/* % of one host CPU over the window */
	double clock_ratio;		/* guest time / host time over it */
	int64_t hb_gap_host_ns;		/* longest heartbeat gap inside, host */
	int64_t hb_gap_guest_ns;	/* the same gap on the guest clock */
	double hb_gap_cpu_pct;		/* QEMU CPU during that gap */
	int64_t not_run_ns;		/* host time QEMU was not running in it */
	char reason[KRADAR_RUN_TEXT_LEN];
};

/* Timeline entries, sorted by guest time. */
enum kradar_tl_source { KRADAR_TL_RUN, KRADAR_TL_CONSOLE, KRADAR_TL_PROBE };

struct kradar_tl {
	int64_t t_ns;			/* guest clock (mapped for host events) */
	bool mapped;			/* from the host clock */
	enum kradar_tl_source source;
	char kind[32];
	int cpu;
	bool key;			/* part of the "key timeline" */
	size_t seq;			/* order added, breaks ties */
	char text[KRADAR_RUN_TEXT_LEN];
};

struct kradar_run {
	char dir[1024];
	char name[128];			/* basename of dir */
	int schema;			/* of events.jsonl; 0: no schema line */
	/* what was found */
	bool have_events, have_serial, have_run_events, have_cpu;
	/* probe */
	char release[96];
	int nr_cpus;			/* from hello; 0 if none */
	int64_t heartbeat_ms, window_ms;
	double storm_rate_per_s;
	int64_t first_record_ns;	/* guest time of the first record, -1 */
	int64_t last_record_ns;
	char collect_verdict[512];	/* summary.verdict */
	uint64_t records, unknown_types, bad_lines, lost_records;
	uint64_t dropped;		/* items beyond the limits above */
	size_t nr_names;
	char (*names)[KRADAR_RUN_NAME_LEN];
	uint64_t *name_addrs;		/* address the guest gave, 0 if none */
	size_t nr_windows;
	struct kradar_window *windows;
	size_t nr_hb;
	struct kradar_heartbeat *hb;
	size_t nr_spans;
	struct kradar_span *spans;
	/* clock */
	bool have_offset;		/* heartbeats with host_ns */
	bool offset_estimated;		/* from "qemu exited" vs last printk */
	int64_t offset_ns;		/* host_ns = t_ns + offset_ns */
	int hz;				/* inferred CONFIG_HZ, 0 unknown */
	/* console */
	struct kradar_serial *console;	/* parsed serial.log, or NULL */
	size_t nr_marks;
	struct kradar_mark *marks;	/* "kradar-run: ..." lines, boot */
	char cmdline[512];		/* "Kernel command line:" */
	int64_t last_printk_ns;
	/* host */
	size_t nr_run_events;
	struct kradar_mark *run_events;	/* run-events.txt */
	int qemu_pid;
	int clk_tck;
	size_t nr_cpu_samples;
	struct kradar_cpu_sample *cpu_samples;
	/* analysis */
	size_t nr_stalls;
	struct kradar_stall *stalls;
	size_t nr_tl;
	struct kradar_tl *tl;
	size_t nr_narrative;
	char (*narrative)[1024];
	int64_t first_anomaly_ns;	/* probe's first anomaly, -1 */
	int64_t first_warning_ns;	/* kernel's first finding line, -1 */
	int first_anomaly_cpu;
	/* private: capacities and the console line buffer */
	size_t cap_names, cap_name_addrs, cap_windows, cap_hb, cap_spans;
	size_t cap_marks, cap_run_events, cap_cpu_samples, cap_stalls;
	size_t cap_tl, cap_narrative;
	struct kradar_events events;		/* reading of events.jsonl */
	struct kradar_lines console_lines;	/* serial.log, for the marks */
};

struct kradar_syms;

/*
 * Load DIR into the model (events.jsonl, serial.log, run-events.txt,
 * qemu-cpu.txt, read through host/rundir: each optional but at least one
 * must exist, and events.jsonl's schema must be one this build reads).
 * Loading analyses nothing: a caller resolves raw addresses
 * (kradar_run__symbolize()) and then calls kradar_run__analyse(). NULL
 * and errno set on failure; err gets a message for the user.
 */
struct kradar_run *kradar_run__load(const char *dir, char *err, size_t errlen);
void kradar_run__free(struct kradar_run *r);

/* The steps kradar_run__load() runs, for tests that build a run by hand. */
struct kradar_run *kradar_run__new(void);
/* One events.jsonl line; 0, or -EPROTONOSUPPORT/-EPROTO for a schema line
 * this build does not read (r->events.err says why) */
int kradar_run__add_json_line(struct kradar_run *r, const char *line, size_t len);
int kradar_run__add_serial(struct kradar_run *r, const char *buf, size_t len, bool last);
int kradar_run__add_run_event(struct kradar_run *r, const char *line);
int kradar_run__add_cpu_line(struct kradar_run *r, const char *line);
/* An empty span of a kind: no CPU, no pid, unknown times and indexes (-1). */
void kradar_span__init(struct kradar_span *sp, enum kradar_span_kind kind);
/* Find the stall windows, classify them, build the timeline and the
 * narrative, from a loaded run; 0 or -errno. */
int kradar_run__analyse(struct kradar_run *r);

const char *kradar_run__name(const struct kradar_run *r, int idx);
const char *kradar_span__kind_name(enum kradar_span_kind kind);
/* "no_schedule", "irqs_off", "rt_hog" */
const char *kradar_stuck__kind_name(enum kradar_stuck_kind kind);
/* A console line the report shows: a finding, or a warning about a stall
 * (slow hrtimer interrupt, RT throttling). */
bool kradar_run__console_key(enum kradar_serial_event_kind kind);
/* The console line tied to a stuck or hung span and, in *rep (when rep
 * is not NULL), the crash report that line opened; NULL when none. Then
 * kradar's lead over that line in *lead_ns (line time - the probe's first
 * record; negative when the kernel was first): false when there is no
 * such line or no record time. */
const struct kradar_serial_event *kradar_span__console(const struct kradar_run *r,
							 const struct kradar_span *sp,
							 const struct kradar_serial_report **rep);
bool kradar_span__lead_ns(const struct kradar_run *r, const struct kradar_span *sp,
			  int64_t *lead_ns);
const char *kradar_verdict__name(enum kradar_verdict v);
/* QEMU CPU use in % of one host CPU over [a, b] host ns; < 0 if unknown. */
double kradar_run__qemu_cpu_pct(const struct kradar_run *r, int64_t a, int64_t b);
/* Host ns of a guest time (with the offset), and back. */
int64_t kradar_run__to_host(const struct kradar_run *r, int64_t t_ns);
int64_t kradar_run__to_guest(const struct kradar_run *r, int64_t host_ns);
/* The first report of the console (syzkaller's title), or NULL. */
const struct kradar_serial_report *kradar_run__report(const struct kradar_run *r);
/* Probe-side failure or storm in the run (for the exit status). */
bool kradar_run__finding(const struct kradar_run *r);
/* A probe record reached the collector (a HELLO, a heartbeat, ...). */
bool kradar_run__probe_data(const struct kradar_run *r);
/* kradar-report's exit status for the run: 1 a finding (console or
 * probe), else 3 when no probe record arrived (no data: inconclusive),
 * else 0 nothing found. */
int kradar_run__exit_code(const struct kradar_run *r);

/* --- syzbot comparison (run_syzbot.c) --- */
#define KRADAR_CMP_MAX_FRAMES	32
#define KRADAR_CMP_MAX_LINES	32

enum kradar_match { KRADAR_MATCH_NONE, KRADAR_MATCH_KIND, KRADAR_MATCH_SAME };

struct kradar_cmp {
	bool have_syzbot;		/* a report or log was given and parsed */
	bool have_local;		/* the run has a report */
	char syz_title[KRADAR_SERIAL_TITLE_LEN];
	char local_title[KRADAR_SERIAL_TITLE_LEN];
	enum kradar_match match;
	bool same_type;
	char syz_type[16], local_type[16];
	int nr_common, nr_syz_only, nr_local_only;
	char common[KRADAR_CMP_MAX_FRAMES][160];
	char syz_only[KRADAR_CMP_MAX_FRAMES][160];
	char local_only[KRADAR_CMP_MAX_FRAMES][160];
	/* signature kinds present in one log and not the other */
	int nr_diff_lines;
	char diff_lines[KRADAR_CMP_MAX_LINES][KRADAR_RUN_TEXT_LEN + 16];
	char verdict[2 * KRADAR_RUN_TEXT_LEN];
};

/* Parse syzbot's report and/or log (either may be NULL) and compare with
 * the run's console. 0, or -errno with err set (unreadable file). */
int kradar_cmp__syzbot(const struct kradar_run *r, const char *report_path,
		       const char *log_path, struct kradar_cmp *cmp,
		       char *err, size_t errlen);
/* Same, on parsers the caller filled (tests). */
void kradar_cmp__parsers(const struct kradar_serial *local,
			 const struct kradar_serial *syz_report,
			 const struct kradar_serial *syz_log,
			 struct kradar_cmp *cmp);
const char *kradar_match__name(enum kradar_match m);

/* --- symbols for raw guest addresses (run_syms.c, libelf) --- */

struct kradar_syms *kradar_syms__new(void);
void kradar_syms__free(struct kradar_syms *s);
/* Add vmlinux (is_module false) or a .ko / relocatable object. 0 or
 * -errno; err says what went wrong. */
int kradar_syms__add(struct kradar_syms *s, const char *path, bool is_module,
		     char *err, size_t errlen);
/* Learn where the image sits from a symbol the guest named:
 * "func" or "func [mod]" at addr. Returns true if it was used. */
bool kradar_syms__calibrate(struct kradar_syms *s, const char *name, uint64_t addr);
/* "func+0xoff/0xsize [mod]" for addr; false if unknown. */
bool kradar_syms__resolve(const struct kradar_syms *s, uint64_t addr,
			  char *out, size_t outsz);
/* Calibrate on every named address of the run, then rewrite raw
 * "0x..." function names and frames; returns the number rewritten. */
int kradar_run__symbolize(struct kradar_run *r, struct kradar_syms *s);

#endif /* KRADAR_RUN_H */
