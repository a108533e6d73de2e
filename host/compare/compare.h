/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kradar-compare: is a candidate patch a fix? Runs of the same workload on
 * a baseline kernel and on a candidate kernel (or module) are loaded from
 * their run directories (tools/kradar-run), reduced to per-run numbers
 * (what the probe's detectors saw in events.jsonl, what the console shows
 * in serial.log, how the run ended), and the two distributions are
 * compared: a side-by-side table and a verdict with its reason.
 *
 * Decisions rest on counts that a loaded host does not change (did the
 * problem reproduce, which titles, how many gate switches per second);
 * timing numbers (lateness, gap lengths) are shown and only decide the
 * verdict with --timing. Documentation/validation.rst states the rules.
 *
 * Errors follow libbpf: constructors return NULL and set errno, other
 * calls return 0 or a negative errno; __free(NULL) is a no-op.
 */
#ifndef KRADAR_COMPARE_H
#define KRADAR_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#pragma GCC poison u8 u16 u32 u64

#define KRADAR_CMP_MAX_RUNS	256	/* runs per side */
#define KRADAR_CMP_MAX_FUNCS	256	/* distinct hrtimer callbacks per run */
#define KRADAR_CMP_MAX_SIGS	64	/* distinct problem signatures per run */
#define KRADAR_CMP_MAX_WINDOWS	(1 << 20) /* window rates kept per callback */
#define KRADAR_CMP_NAME_LEN	128	/* bytes of a function or lock name */
#define KRADAR_CMP_SIG_LEN	288	/* bytes of a signature */
#define KRADAR_CMP_ALPHA	0.05	/* default chance of a false "fixed" */

/* One hrtimer callback as seen in one run (all CPUs together). */
struct kradar_cmp_func {
	char name[KRADAR_CMP_NAME_LEN];	/* "advance_sched [sch_taprio]" */
	double peak_rate;		/* highest window rate, callbacks/s */
	double *rates;			/* window rates, for the median */
	size_t nr_rates, cap_rates;
	double count;			/* callbacks */
	double late;			/* callbacks expired late */
	double late_sum_ns;		/* sum of late_mean_ns * count */
	double late_max_ns;
	bool stormed;			/* an hrtimer_storm named it */
};

/* Everything kradar-compare takes from one run directory. */
struct kradar_cmp_run {
	char *dir;
	bool have_events, have_serial, have_run_events;
	bool booted;			/* "kradar-run: init started" */
	bool powered_off;		/* "kradar-run: poweroff" */
	bool timed_out;			/* run-events "timeout" */
	int job_status;			/* "job finished: status N", -1 none */
	double guest_s;			/* guest time covered by the stream */
	double wall_s;			/* QEMU start to exit, host clock */
	long events_bad;		/* events.jsonl lines that are not JSON
					 * objects with a type (rundir.h) */
	long lost;			/* "lost" events */
	long records;			/* probe records (events with t_ns) */
	long storms;			/* hrtimer_storm events */
	double storm_peak;		/* highest storm peak_rate_per_s */
	/* detectors that may be absent from older probes: < 0 when absent */
	double qs_gap_ms;
	double gp_stall_ms;
	double lock_held_ms;
	char lock_name[KRADAR_CMP_NAME_LEN];
	/* console */
	long rcu_stalls, rcu_starved, soft_lockups, hard_lockups, hung_tasks;
	long panics, oopses, warnings;
	double hrtimer_slow_ns;		/* "hrtimer: interrupt took N ns", max */
	/* hrtimer callbacks */
	struct kradar_cmp_func *funcs;
	size_t nr_funcs;
	long funcs_dropped;
	/* problem signatures: titles, storms, hangs */
	char (*sigs)[KRADAR_CMP_SIG_LEN];
	size_t nr_sigs;
	char overrides[512];		/* module-overrides.txt, one line each */
};

/* Load DIR through host/rundir (its schema checked); NULL with errno and
 * a message for the user in err. */
struct kradar_cmp_run *kradar_cmp_run__load(const char *dir, char *err, size_t errlen);
void kradar_cmp_run__free(struct kradar_cmp_run *r);
/* The run reproduced the problem: any signature. */
bool kradar_cmp_run__problem(const struct kradar_cmp_run *r);
/* The guest booted but not one probe record (HELLO, heartbeat, ...)
 * reached the collector: the run measured nothing, it is neither clean
 * nor a reproduction. (A guest that did not boot is a console finding.) */
bool kradar_cmp_run__no_data(const struct kradar_cmp_run *r);
const struct kradar_cmp_func *kradar_cmp_run__func(const struct kradar_cmp_run *r,
						   const char *name);

/* A set of runs of one kernel on one workload. */
struct kradar_cmp_side {
	const char *label;
	struct kradar_cmp_run *runs[KRADAR_CMP_MAX_RUNS];
	size_t nr;
};

/* Expand DIR into runs (DIR itself, or DIR/run-1..N) and load them. */
int kradar_cmp_side__add(struct kradar_cmp_side *s, const char *dir,
			 char *err, size_t errlen);
void kradar_cmp_side__clear(struct kradar_cmp_side *s);
size_t kradar_cmp_side__problems(const struct kradar_cmp_side *s);

enum kradar_cmp_verdict {
	KRADAR_V_FIXED,
	KRADAR_V_NO_CHANGE,		/* control only: no change beyond noise */
	KRADAR_V_NOT_FIXED,
	KRADAR_V_REGRESSED,
	KRADAR_V_INCONCLUSIVE,
};

/* How a row's numbers may differ. */
enum kradar_cmp_dir {
	KRADAR_DIR_INFO,		/* shown, never judged */
	KRADAR_DIR_HIGHER_WORSE,
	KRADAR_DIR_CHANGE_WORSE,	/* any change beyond noise is worse */
};

enum kradar_cmp_change {
	KRADAR_CH_NA,			/* a side has no value */
	KRADAR_CH_SAME,			/* within noise */
	KRADAR_CH_BETTER,
	KRADAR_CH_WORSE,
	KRADAR_CH_CHANGED,		/* INFO rows: beyond noise */
};

/* Row roles in the verdict. */
#define KRADAR_ROLE_SEVERITY	1	/* softened/worse for "not fixed" */
#define KRADAR_ROLE_CONTROL	2	/* normal behaviour of the control */
#define KRADAR_ROLE_TIMING	4	/* timing: decides only with --timing */

struct kradar_cmp_stat {
	size_t n;			/* runs with a value */
	size_t nonzero;			/* runs whose value is not 0 */
	double min, median, max;
};

struct kradar_cmp_row {
	char key[160];			/* JSON key */
	char label[160];		/* text label */
	const char *unit;
	enum kradar_cmp_dir dir;
	int role;
	double rel, abs;		/* noise: relative and absolute */
	struct kradar_cmp_stat base, cand;
	enum kradar_cmp_change change;
	bool count_row;			/* values are per-run counts: "k/N" */
};

struct kradar_cmp_section {
	const char *name;		/* "reproducer", "control" */
	struct kradar_cmp_side *base, *cand;
	struct kradar_cmp_row *rows;
	size_t nr_rows, cap_rows;
	size_t base_problems, cand_problems;
	/* signatures: union per side with the number of runs showing them */
	char (*sigs)[KRADAR_CMP_SIG_LEN];
	size_t *sig_base, *sig_cand;
	size_t nr_sigs;
};

struct kradar_cmp_opts {
	double alpha;			/* chance of a false "fixed" accepted */
	bool timing;			/* timing rows decide the verdict too */
	const char *focus[16];		/* callbacks to judge gate rates on */
	size_t nr_focus;
};

struct kradar_cmp_result {
	enum kradar_cmp_verdict verdict;
	char reason[2048];		/* one paragraph, numbers included */
	char notes[2048];		/* further lines, '\n' separated */
	struct kradar_cmp_section repro, control;
	bool have_repro, have_control;
	double chance;			/* of clean candidate runs by luck, or -1 */
	char focus[16][KRADAR_CMP_NAME_LEN];
	size_t nr_focus;
};

/* Build the sections and decide. base/cand may be NULL (control only);
 * cbase/ccand may be NULL (no control). 0 or -errno. */
int kradar_cmp__decide(struct kradar_cmp_result *res,
		       struct kradar_cmp_side *base, struct kradar_cmp_side *cand,
		       struct kradar_cmp_side *cbase, struct kradar_cmp_side *ccand,
		       const struct kradar_cmp_opts *opts);
void kradar_cmp_result__clear(struct kradar_cmp_result *res);

const char *kradar_cmp__verdict_name(enum kradar_cmp_verdict v);
int kradar_cmp__exit_code(enum kradar_cmp_verdict v);

/* Noise rule, exposed for tests. */
enum kradar_cmp_change kradar_cmp__judge(const struct kradar_cmp_stat *b,
					 const struct kradar_cmp_stat *c,
					 enum kradar_cmp_dir dir,
					 double rel, double abs);

/* A number in at most 4 significant digits with a k/M/G suffix. */
void kradar_cmp__fmt_num(char *buf, size_t len, double v);
/* "median [min..max]" or the single value, with @unit; "-" when empty. */
void kradar_cmp__fmt_stat(char *buf, size_t len, const struct kradar_cmp_stat *st,
			  const char *unit);

enum kradar_cmp_format { KRADAR_FMT_TEXT, KRADAR_FMT_EMAIL, KRADAR_FMT_JSON };

/* 0, or a negative errno when writing failed. */
int kradar_cmp__print(FILE *f, const struct kradar_cmp_result *res,
		      enum kradar_cmp_format fmt);

#endif /* KRADAR_COMPARE_H */
