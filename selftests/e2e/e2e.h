/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers of kradar's guest test suites (selftests/e2e/test_*.c):
 * TAP output, running tools/kradar-run, and reading back what a user
 * sees (events.jsonl, serial.log).
 */
#ifndef KRADAR_E2E_H
#define KRADAR_E2E_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/* TAP through include/kradar_tap.h: one line per assertion, on failure
 * actual vs expected from @fmt */
void tap(bool ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void skip(const char *name, const char *why);
/* Print the plan; 1 when an assertion failed, else 0 */
int e2e_done(void);
/* Whether an assertion failed so far */
bool e2e_failed(void);

/* One parsed event line: only the fields the tests look at. */
struct event {
	char type[32];
	char function[96];
	long long cpu;
	double rate, late_pct;
	long long t_ns, host_ns;
};

struct run {
	char dir[PATH_MAX];
	int status;		/* kradar-run exit status */
	int storms;		/* hrtimer_storm events */
	int storm_ends;
	/*
	 * late_pct of the first storm as a whole: its latest update or end
	 * record (the begin record's is its first window's, which can hold
	 * callbacks from before the storm)
	 */
	double storm_late_pct;
	int heartbeats;
	int windows;
	int losses;		/* lost + stream_loss events */
	struct event first_storm;
	double fn_window_rate_max;	/* of the function asked for */
	long long fn_busy_ns;	/* start of its first window at >= 5000/s */
	long long hb_offset_min;	/* min(host_ns - t_ns) over heartbeats */
	bool have_offset;
	int gaps;		/* qs_gap begin events */
	int gap_cpu;		/* of the first gap */
	long long gap_start_ns, gap_report_ns;
	long long gap_gp_start_ns;	/* the grace period it holds up */
	char gap_top[96];	/* first top hrtimer of the first gap */
	char gap_task[32];
	double gap_max_ms;	/* over all qs_gap events */
	bool gap_stack_has;	/* a qs_gap stack names the function asked */
	int locks;		/* lock_contention events */
	char lock_name[96], holder_comm[32], holder_state[4];
	long long holder_pid;
	double held_max_ms, lock_waiters_max;
	bool holder_stack_has;	/* a holder_stack names gap_fn */
};

bool json_field(const char *line, const char *key, char *out, size_t outlen);
double json_num(const char *line, const char *key, double dflt);
void parse_event(const char *line, struct event *e);

/*
 * Run tools/kradar-run with @args (default --timeout 240 before them, so
 * @args may override it); the run directory is runs/test-@scenario
 * (runs/KERNEL/test-@scenario with KRADAR_KERNEL). Every run is also
 * checked for kernel complaints on its console (one TAP line).
 * @fn: hrtimer function whose peak window rate to record; @gap_fn: a
 * function to look for in gap and lock stacks. Returns 0 when
 * events.jsonl exists, else -errno.
 */
int run_scenario(const char *top, const char *scenario, const char *args,
		 const char *fn, struct run *r);
int run_scenario_gap(const char *top, const char *scenario, const char *args,
		     const char *fn, const char *gap_fn, struct run *r);

int serial_cpu(const struct run *r, const char *marker);
int serial_count(const char *dir, const char *needle, char *first,
		 size_t firstlen);
long long serial_num(const char *dir, const char *needle);
double serial_time(const char *dir, const char *needle);
/* Lines of `kradar-report DIR` (text, no files) containing @needle. */
int report_count(const char *top, const char *dir, const char *needle,
		 char *first, size_t firstlen);
bool serial_ipi_wedge(const struct run *r, char *why, size_t len);
bool serial_rt_no_stall(const struct run *r, char *why, size_t len);
void print_latency(const struct run *r);

/*
 * The mutex-hold scenario's assertions (kradar_test_mutex: a mutex held
 * 3 s in D state by kradar_holder in @fn, two waiters), each test named
 * "@label: ...". Shared by the cloud and the PREEMPT_RT suites.
 */
void check_mutex_hold(const struct run *r, const char *label, const char *fn);

/*
 * The repository root (argv[1], else KRADAR_TOP) into @top; NULL when
 * guests can run here, else why not (every test is then skipped; a
 * reason starting with '!' is an error: exit 2). With KRADAR_KERNEL set
 * (a kernel of tools/kradar-kernel's matrix) it is prepared here, every
 * run boots it, and run directories go to runs/KERNEL/.
 */
const char *guest_setup(int argc, char **argv, char *top);

/* KRADAR_KERNEL, or NULL for the default kernel (Debian 12's cloud 6.1) */
const char *e2e_kernel(void);
/* the kernel under test is PREEMPT_RT (KRADAR_KERNEL ends in -rt) */
bool e2e_kernel_rt(void);

/* The cpu_stuck events of a run (stuck-CPU detector, Documentation/probe.rst) */
struct stuck_view {
	int begins;		/* cpu_stuck begin events */
	int ends;
	long long cpu;		/* of the first begin */
	char kind[32];
	char task[32];
	char from[16];		/* its stack_from */
	long long preempt;	/* its preempt_count, -1: absent */
	long long rt_prio;	/* its rt_priority, -1: absent */
	long long begin_t_ns, since_ns;
	double end_ms;		/* stuck_ms of the first end */
	bool stack_has;		/* a record's stack names the function */
	char first_in[128];
};
int read_stuck(const struct run *r, const char *fn, struct stuck_view *v);

/*
 * Kernel complaints on a run's console: WARNING, KASAN, lockdep,
 * might_sleep, suspicious RCU usage, UBSAN, oopses. Stalls, lockups and
 * hung tasks are not counted: scenarios provoke them on purpose. The
 * number of complaint lines; the first into @first.
 */
int console_complaints(const char *dir, char *first, size_t firstlen);

#endif
