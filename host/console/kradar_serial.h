/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kradar_serial: streaming parser for Linux kernel console logs (syzbot
 * console logs, a guest's serial.log).
 *
 * Feed it bytes in chunks of any size; it splits lines, strips noise
 * (ANSI escapes, NUL bytes, \r), reads printk timestamps and caller ids
 * ("[  T123]", "[    C1]") and produces:
 *   - events: kernel lines worth recognising (RCU stalls, starved RCU
 *     kthread, slow hrtimer interrupt, soft/hard lockups, hung tasks,
 *     mutex-owner hints, RT throttling, panics, WARNINGs, BUG/KASAN/oops),
 *     with the fields parsed out of them;
 *   - reports: crash reports with a syzkaller-compatible title, a type
 *     class, the frames of the call trace and the frame chosen for the
 *     title. The title rules are a port of syzkaller's pkg/report
 *     (linux.go, report.go): the first report is the one syzkaller's
 *     Parse() returns; later ones are what its ParseAll() would add.
 *
 * Memory is bounded whatever the input: lines longer than
 * KRADAR_SERIAL_MAX_LINE are cut, a report collects at most
 * KRADAR_SERIAL_REPORT_MAX bytes, at most KRADAR_SERIAL_MAX_EVENTS events
 * and KRADAR_SERIAL_MAX_REPORTS reports are kept (the rest are counted).
 * One pass, no seeking: logs of hundreds of MB are fine.
 *
 * Errors follow libbpf: constructors return NULL and set errno, other
 * calls return 0 or a negative errno; kradar_serial__free(NULL) is a no-op.
 * Not thread-safe: patterns and match data are shared by all parsers;
 * use the library from one thread.
 */
#ifndef KRADAR_SERIAL_H
#define KRADAR_SERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KRADAR_SERIAL_MAX_LINE		16384	/* bytes; longer lines are cut */
#define KRADAR_SERIAL_REPORT_MAX	(256 * 1024) /* bytes of text per report */
#define KRADAR_SERIAL_REPORT_MAX_LINES	4000	/* lines per report */
#define KRADAR_SERIAL_MAX_EVENTS	4096	/* events kept; more are counted */
#define KRADAR_SERIAL_MAX_REPORTS	256	/* reports kept; more are counted */
#define KRADAR_SERIAL_MAX_FRAMES	64	/* call-trace frames kept per report */
#define KRADAR_SERIAL_MAX_ALT		8	/* alternative titles per report */
#define KRADAR_SERIAL_TITLE_LEN		256	/* bytes, NUL included */
#define KRADAR_SERIAL_TEXT_LEN		256	/* bytes of an event's line kept */
#define KRADAR_SERIAL_COMM_LEN		64	/* bytes of a task name kept */

enum kradar_serial_event_kind {
	KRADAR_EV_RCU_STALL,		/* rcu: INFO: rcu_preempt detected stalls */
	KRADAR_EV_RCU_STARVED,		/* rcu_preempt kthread starved for N jiffies */
	KRADAR_EV_HRTIMER_SLOW,		/* hrtimer: interrupt took N ns */
	KRADAR_EV_SOFT_LOCKUP,		/* BUG: soft lockup - CPU#N stuck for Ns! [c:p] */
	KRADAR_EV_HARD_LOCKUP,		/* Watchdog detected hard LOCKUP on cpu N */
	KRADAR_EV_HUNG_TASK,		/* INFO: task c:p blocked for more than N seconds */
	KRADAR_EV_HUNG_MUTEX_OWNER,	/* task c:p is blocked on a mutex likely owned by task c:p */
	KRADAR_EV_RT_THROTTLING,	/* sched: RT throttling activated */
	KRADAR_EV_PANIC,		/* Kernel panic - not syncing: ... */
	KRADAR_EV_WARNING,		/* WARNING: CPU: N PID: N at ... */
	KRADAR_EV_KASAN,		/* BUG: KASAN/KMSAN/KCSAN/KFENCE: ... */
	KRADAR_EV_BUG,			/* BUG: ..., kernel BUG at ... */
	KRADAR_EV_OOPS,			/* general protection fault, Oops:, ... */
	KRADAR_EV__COUNT,
};

enum kradar_serial_class {
	KRADAR_CLASS_UNKNOWN,
	KRADAR_CLASS_HANG,
	KRADAR_CLASS_WARNING,
	KRADAR_CLASS_KASAN,
	KRADAR_CLASS_KMSAN,
	KRADAR_CLASS_KCSAN,
	KRADAR_CLASS_KFENCE,
	KRADAR_CLASS_UBSAN,
	KRADAR_CLASS_BUG,
	KRADAR_CLASS_LOCKDEP,
	KRADAR_CLASS_LEAK,
	KRADAR_CLASS_DOS,
	KRADAR_CLASS_OTHER,
};

/* Where a line came from. */
struct kradar_serial_pos {
	uint64_t offset;	/* byte offset of the line start in the stream */
	uint64_t line;		/* 1-based line number */
	bool has_time;
	uint64_t time_ns;	/* printk timestamp (local_clock), when has_time */
	char caller[16];	/* "T123" / "C1" from CONFIG_PRINTK_CALLER, or "" */
};

struct kradar_serial_event {
	enum kradar_serial_event_kind kind;
	struct kradar_serial_pos pos;
	int cpu;		/* -1 when the line names none */
	int pid;		/* -1 when none */
	char comm[KRADAR_SERIAL_COMM_LEN];
	int owner_pid;		/* HUNG_MUTEX_OWNER: the likely owner; else -1 */
	char owner_comm[KRADAR_SERIAL_COMM_LEN];
	int64_t jiffies;	/* RCU_STALL (t=), RCU_STARVED; else -1 */
	int64_t ns;		/* HRTIMER_SLOW; else -1 */
	int64_t seconds;	/* SOFT_LOCKUP, HUNG_TASK; else -1 */
	char flavor[24];	/* RCU_STALL / RCU_STARVED: rcu_preempt, ... */
	char text[KRADAR_SERIAL_TEXT_LEN]; /* the line, prefix stripped, cut */
};

struct kradar_serial_frame {
	char func[160];		/* Rust v0 symbols demangled */
	uint64_t off;		/* offset in function, 0 when not printed */
	uint64_t size;		/* function size, 0 when not printed */
	char module[48];	/* "[mod]" suffix, or "" */
	bool key;		/* not plumbing: not on syzkaller's skip lists nor
				 * interrupt/timer/RCU/syscall-entry machinery */
};

struct kradar_serial_report {
	char title[KRADAR_SERIAL_TITLE_LEN];	/* syzkaller-compatible */
	int nr_alt;
	char alt[KRADAR_SERIAL_MAX_ALT][KRADAR_SERIAL_TITLE_LEN];
	const char *type;		/* syzkaller's class string: HANG, WARNING, ... */
	enum kradar_serial_class cls;
	bool corrupted;
	char corrupted_reason[64];
	char guilty_frame[160];		/* frame used for the title, or "" */
	struct kradar_serial_pos start;	/* the line that opened the report */
	uint64_t end_line;		/* last line collected into the report */
	char first_line[KRADAR_SERIAL_TEXT_LEN]; /* the opening line, stripped */
	/* The task whose registers and stack the report prints, from its
	 * first "CPU: N PID: N Comm: COMM" line; -1 and "" when absent. */
	int cpu;
	int pid;
	char comm[KRADAR_SERIAL_COMM_LEN];
	int nr_frames;
	struct kradar_serial_frame frames[KRADAR_SERIAL_MAX_FRAMES];
	bool truncated;			/* hit KRADAR_SERIAL_REPORT_MAX* */
};

struct kradar_serial_stats {
	uint64_t bytes;
	uint64_t lines;
	uint64_t lines_cut;		/* lines longer than KRADAR_SERIAL_MAX_LINE */
	uint64_t lines_with_time;
	uint64_t nul_bytes;		/* NUL bytes dropped */
	uint64_t escapes;		/* ANSI escape sequences dropped */
	uint64_t events_dropped;	/* beyond KRADAR_SERIAL_MAX_EVENTS */
	uint64_t reports_total;		/* reports found, kept or not */
	uint64_t reports_dropped;	/* beyond KRADAR_SERIAL_MAX_REPORTS */
	uint64_t event_count[KRADAR_EV__COUNT];
	size_t mem_peak;		/* peak bytes held by the parser */
};

struct kradar_serial;

/* NULL and errno set on failure (ENOMEM, or EINVAL if a built-in pattern
 * fails to compile, which is a bug). */
struct kradar_serial *kradar_serial__new(void);
void kradar_serial__free(struct kradar_serial *p);

/* Feed any number of bytes; lines may span calls. 0 or -errno. */
int kradar_serial__feed(struct kradar_serial *p, const void *buf, size_t len);
/* End of input: flushes a truncated last line, closes open reports. */
int kradar_serial__finish(struct kradar_serial *p);

size_t kradar_serial__nr_events(const struct kradar_serial *p);
const struct kradar_serial_event *
kradar_serial__event(const struct kradar_serial *p, size_t i);
/* Reports in the order of their opening line; index 0 is the report
 * syzkaller's Parse() would return. Valid after kradar_serial__finish(). */
size_t kradar_serial__nr_reports(const struct kradar_serial *p);
const struct kradar_serial_report *
kradar_serial__report(const struct kradar_serial *p, size_t i);
const struct kradar_serial_stats *kradar_serial__stats(const struct kradar_serial *p);

const char *kradar_serial__event_name(enum kradar_serial_event_kind kind);
const char *kradar_serial__class_name(enum kradar_serial_class cls);
/* True for events that by themselves mean a stall or crash. */
bool kradar_serial__event_is_finding(enum kradar_serial_event_kind kind);

/* Title class of a syzkaller title ("HANG", "WARNING", ...; "UNKNOWN"). */
const char *kradar_serial__title_type(const char *title,
				      enum kradar_serial_class *cls);

#endif /* KRADAR_SERIAL_H */
