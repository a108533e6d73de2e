/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kradar-collect's evidence: turns decoded records and decoder losses into
 * events.jsonl lines and the aggregates behind summary.txt. The summary is
 * computed once (struct kc_summary) and printed twice, as text and as the
 * final "summary" JSON line, so the two cannot disagree.
 */
#ifndef _KRADAR_REPORT_H
#define _KRADAR_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"
#include "kradar_decode.h"
#include "kradar_run_schema.h"

#define KC_MAX_STORMS	4096	/* storms kept for the table */
#define KC_MAX_CBS	4096	/* (cpu, callback) pairs kept for top lists */
#define KC_MAX_SESSIONS	64
#define KC_TOP_PER_CPU	5
#define KC_MAX_GAPS	1024	/* RCU gaps kept for the table */
#define KC_MAX_LOCKS	1024	/* contended-lock episodes kept */
#define KC_MAX_HUNG	1024	/* hung-task sleeps kept */
#define KC_MAX_STUCK	1024	/* stuck-CPU stretches kept */

struct kc_storm {
	uint16_t cpu;
	bool ended;
	uint64_t function;
	char name[KRADAR_NAME_LEN];
	uint64_t begin_ns;
	uint64_t end_ns;
	uint64_t rate_per_s;
	uint64_t peak_rate_per_s;
	uint64_t count;
	uint64_t late;
	uint64_t late_max_ns;
	uint64_t threshold_per_s;
};

struct kc_cb {
	uint16_t cpu;
	uint64_t function;
	char name[KRADAR_NAME_LEN];
	double peak_rate_per_s;
	uint64_t windows;
	uint64_t count;
	uint64_t late;
	uint64_t late_max_ns;
};

/* One RCU quiescent-state gap of one CPU, from its records. */
struct kc_gap {
	uint16_t cpu;
	bool ended;
	bool flooded;		/* an hrtimer storm flooded the CPU */
	uint64_t start_ns;	/* last QS opportunity, guest clock */
	uint64_t gap_ns;	/* longest seen (END: total) */
	uint64_t first_rec_ns;	/* BEGIN record made: the detection */
	uint64_t last_rec_ns;
	uint32_t pid;
	char comm[KRADAR_COMM_LEN];
	uint64_t hrtimers, hardirqs, softirqs;
	uint64_t top_function, top_count;
	char top_name[KRADAR_NAME_LEN];
	char frame[KRADAR_NAME_LEN];	/* first frame outside irq entry */
};

/* One contended-lock episode, from its records. */
/* "vq->mutex (vq 1 of vhost-net dev 1, owner COMM pid N)" fits */
#define KC_LOCK_LABEL	160

struct kc_lock {
	uint64_t lock;
	uint64_t begin_ns;	/* first wait, guest clock */
	uint64_t first_rec_ns;
	bool ended;
	char name[KC_LOCK_LABEL];
	uint32_t killed_pid;	/* a waiter in vhost_worker_killed() */
	uint64_t wait_max_ns;	/* longest wait seen */
	uint64_t held_max_ns;	/* longest hold seen */
	uint32_t owner_pid;
	char owner_comm[KRADAR_COMM_LEN];
	char owner_state;
	uint32_t waiters_max;
	char owner_frame[KRADAR_NAME_LEN];	/* first frame outside the
						 * scheduler */
};

/* One sleep in D of one task, from its HUNG records. */
struct kc_hung {
	uint32_t pid;
	uint32_t tgid;
	uint16_t cpu;		/* last ran on */
	bool ended;
	bool exited;
	char comm[KRADAR_COMM_LEN];
	uint64_t since_ns;	/* first seen in D, guest clock */
	uint64_t hung_ns;	/* longest seen (END: total) */
	uint64_t first_rec_ns;	/* BEGIN record made: the detection */
	uint64_t lock;		/* 0: not on a lock the probe follows */
	uint32_t lock_owner_pid;
	char lock_name[KRADAR_NAME_LEN];
	char frame[KRADAR_NAME_LEN];	/* first frame outside the
					 * scheduler and wait helpers */
};

/* A CPU that could not schedule (SCHED) or take interrupts (IRQS). */
struct kc_stuck {
	uint16_t cpu;
	uint32_t kind;		/* enum kradar_stuck_kind */
	bool ended;
	uint32_t pid;
	char comm[KRADAR_COMM_LEN];
	uint64_t since_ns;	/* last switch or interrupt, guest clock */
	uint64_t stuck_ns;	/* longest seen (END: total) */
	uint64_t first_rec_ns;	/* BEGIN record made: the detection */
	uint32_t wait_pid;	/* a task woken onto the CPU, waiting */
	char wait_comm[KRADAR_COMM_LEN];
	int preempt_count;	/* of the stack's context; -1: unknown */
	uint32_t rt_priority;	/* STUCK_RT */
	char frame[KRADAR_NAME_LEN];	/* where the stack was taken */
	char stack_from[8];	/* "tick", "nmi" or "after" */
};

struct kc_session {
	uint64_t session;
	bool have_hello;
	struct kradar_rec_hello hello;
	bool have_ts;
	uint64_t first_ns;	/* guest local_clock() */
	uint64_t last_ns;
};

struct kc_lost {
	uint64_t reports;
	uint64_t records;
	uint64_t bytes;
	uint64_t events;
};

struct kc {
	struct jw jw;
	FILE *events;
	bool have_host_ns;	/* live: host_ns is set for every event */
	uint64_t host_ns;	/* CLOCK_REALTIME of the chunk being decoded */
	const char *source;	/* socket path or input file, for the summary */
	const char *via;	/* set: every event says "via": this (e.g.
				 * "console" for records from the serial log) */
	/* --serial: the probe's panic dump read from the console log */
	bool console_read;
	uint64_t console_lines, console_rejected, console_recovered;
	uint64_t console_apart_bytes;	/* record bytes of a dump of another
					 * session, decoded apart from the
					 * stream */
	struct kradar_decoder *dec;

	struct kc_session sessions[KC_MAX_SESSIONS];
	unsigned int nr_sessions;
	uint64_t sessions_dropped;	/* beyond KC_MAX_SESSIONS */

	struct kc_storm *storms;
	unsigned int nr_storms;
	uint64_t storms_dropped;

	struct kc_cb *cbs;
	unsigned int nr_cbs;
	uint64_t cbs_dropped;

	struct kc_gap *gaps;
	unsigned int nr_gaps;
	uint64_t gaps_dropped;
	uint64_t stalls;		/* GP_STALL BEGIN records */
	uint64_t stall_max_ns;
	uint64_t stall_first_ns;	/* first stall BEGIN record made */
	struct kradar_rec_gp_stall stall_max;	/* the record of stall_max_ns */

	struct kc_lock *locks;
	unsigned int nr_locks;
	uint64_t locks_dropped;

	struct kc_hung *hungs;
	unsigned int nr_hungs;
	uint64_t hungs_dropped;

	struct kc_stuck *stucks;
	unsigned int nr_stucks;
	uint64_t stucks_dropped;

	struct kc_lost lost[KRADAR_LOST_CAUSE_MAX + 1];	/* [0]: unknown */
	uint64_t record_bytes;	/* bytes in verified records */
	uint64_t skipped_cpu;	/* records ignored: cpu out of range */

	bool have_heartbeat;
	struct kradar_rec_heartbeat last_hb;
	uint64_t sampler_late_max_ns;

	/*
	 * --resume: sequences continued from an earlier collector's stream;
	 * a gap on a first record of one of them was sent while no
	 * collector was connected.
	 */
	const char *resume_from;	/* PREV/stream.bin, NULL: no --resume */
	uint64_t resume_session;	/* the session PREV ended in */
	uint64_t resume_bytes;		/* PREV/stream.bin's size */
	const char *resume_note;	/* why the seed was not used, or NULL */
	bool resume_assumed;		/* no HELLO confirmed the session */
	unsigned char *resume_pending;	/* [cpu field]: no record of it yet */
	size_t resume_nr;		/* entries of resume_pending */
	uint64_t resume_seqs;		/* sequences continued */
	struct kc_lost uncollected;	/* records/reports of such gaps */

	uint64_t connects;
	uint64_t disconnects;
	uint64_t first_host_ns;
	uint64_t last_host_ns;
	uint64_t events_written;
};

struct kc_summary {
	const struct kradar_decoder_stats *st;
	const struct kc_session *session;	/* latest, NULL if none */
	uint64_t covered_ns;			/* guest time, all sessions */
	uint64_t storms;
	const struct kc_gap *longest_gap;	/* NULL if none */
	const struct kc_lock *longest_lock;	/* NULL if none */
	const struct kc_hung *longest_hung;	/* NULL if none */
	const struct kc_stuck *longest_stuck;	/* NULL if none */
	uint64_t guest_lost_records;
	uint64_t guest_lost_events;
	/*
	 * Records the guest dropped from its ring still had sequence numbers,
	 * so they are also sequence gaps: what the gaps show beyond the LOST
	 * records was lost between the guest and the collector.
	 */
	uint64_t transit_lost;
	/* --resume: sequence gaps sent while no collector was connected */
	uint64_t uncollected_lost;
	int exit_code;		/* 0 nothing found, 1 finding, 3 no data or
				 * loss without a finding (inconclusive) */
	char verdict[1280];
};

/* Also writes events.jsonl's first line, the schema (kradar_run_schema.h) */
int kc_init(struct kc *kc, FILE *events, const char *source, bool live);
void kc_fini(struct kc *kc);
int kc_on_record(void *ctx, const struct kradar_record *rec);
int kc_on_loss(void *ctx, const struct kradar_loss *loss);
void kc_connect_event(struct kc *kc, const char *path);
void kc_disconnect_event(struct kc *kc, const char *path, uint64_t bytes,
			 const char *reason);
/*
 * --resume: @prev decoded @from (the earlier collector's stream.bin) and
 * the live decoder continues its sequences; 0 or -ENOMEM.
 */
int kc_resume(struct kc *kc, const char *from, uint64_t bytes,
	      const struct kradar_decoder *prev);
void kc_summarize(const struct kc *kc, struct kc_summary *sum);
/* summary.txt and the final "summary" events.jsonl line */
void kc_write_summary_text(const struct kc *kc, const struct kc_summary *sum,
			   FILE *f);
void kc_write_summary_json(struct kc *kc, const struct kc_summary *sum);

/* "[   57.617360]" (printk style) */
char *kc_fmt_ts(uint64_t ns, char *buf, size_t len);
/* "12.3 us", "4.567 ms", ... */
char *kc_fmt_ns(uint64_t ns, char *buf, size_t len);

#endif /* _KRADAR_REPORT_H */
