// SPDX-License-Identifier: GPL-2.0
/*
 * Guest tests on Debian's PREEMPT_RT kernel (linux-image-rt-amd64), booted
 * with tools/kradar-run --flavour rt. There mutexes are rt_mutexes,
 * spinlock_t sleeps, most hrtimers (taprio's advance_sched among them)
 * expire in softirq context, and RCU is preemptible with boosting.
 *
 *   rt-mutex-hold    what test_guest's mutex-hold asserts (holder pid,
 *                    comm, state D, hold time, two waiters, the lock's
 *                    symbol, the holding function in the holder's stack),
 *                    and that every record calls the lock an rt_mutex;
 *                    the guest did run PREEMPT_RT and the lock detector
 *                    was on.
 *   rt-mutex-hammer  four threads hammering the mutex: no long-hold
 *                    record at defaults.
 *   rt-taprio-storm  the taprio storm is still reported as a storm of
 *                    advance_sched [sch_taprio].
 *   rt-idle          no storm, no RCU gap, heartbeats, nothing lost; the
 *                    RCU gap and lock detectors were on.
 *   rt-hog           a SCHED_FIFO kthread spins 3 s on CPU 1 and the RT
 *                    runtime limit throttles it ("sched: RT throttling
 *                    activated"): one cpu_stuck rt_hog on CPU 1 naming
 *                    the task, its priority and kradar_test_rt_hog(),
 *                    lasting the spin (up to 1 s more), no no_schedule
 *                    stretch besides; both times are printed.
 *
 * Output is TAP. Every test is skipped, with the reason, when guests
 * cannot run here or the RT kernel and its headers are not installed.
 */
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

#define RT "--flavour rt "

/* NULL when an RT kernel, its modules' build tree are installed, else why not. */
static const char *rt_missing(void)
{
	glob_t g;
	int k, b;

	k = glob("/boot/vmlinuz-*-rt-amd64", 0, NULL, &g);
	if (!k)
		globfree(&g);
	b = glob("/lib/modules/*-rt-amd64/build/Makefile", 0, NULL, &g);
	if (!b)
		globfree(&g);
	if (k)
		return "Debian PREEMPT_RT kernel not installed (apt-get install linux-image-rt-amd64 linux-headers-rt-amd64, or make deps)";
	if (b)
		return "no build tree for the PREEMPT_RT kernel (apt-get install linux-headers-rt-amd64)";
	return NULL;
}

/* lock_contention events in the run, and how many say lock_kind @kind. */
static int lock_kinds(const struct run *r, const char *kind, int *total)
{
	char path[PATH_MAX + 32], line[16384], k[32];
	int n = 0;
	FILE *f;

	*total = 0;
	snprintf(path, sizeof(path), "%s/events.jsonl", r->dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, "\"type\":\"lock_contention\""))
			continue;
		(*total)++;
		if (json_field(line, "lock_kind", k, sizeof(k)) && !strcmp(k, kind))
			n++;
	}
	fclose(f);
	return n;
}

/* The guest booted a PREEMPT_RT kernel: its banner says so. */
static void check_rt_banner(const struct run *r, const char *name)
{
	char line[4096] = "", test[128];

	serial_count(r->dir, "Linux version", line, sizeof(line));
	snprintf(test, sizeof(test), "%s: the guest ran a PREEMPT_RT kernel", name);
	tap(strstr(line, "PREEMPT_RT") && strstr(line, "-rt-amd64"), test,
	    "expected a 'Linux version ...-rt-amd64 ... PREEMPT_RT' banner in %s/serial.log, got '%.200s'",
	    r->dir, line);
}

/* A detector's line in the probe's /proc/kradar dump (end of serial.log) is not "off". */
static void check_on(const struct run *r, const char *name, const char *key)
{
	char line[4096] = "", test[160];
	int n = serial_count(r->dir, key, line, sizeof(line));

	snprintf(test, sizeof(test), "%s: /proc/kradar shows '%s' on", name, key);
	tap(n > 0 && !strstr(line, " off"), test,
	    "expected a '%s' line that is not 'off' in %s/serial.log, got %d lines (first '%.200s')",
	    key, r->dir, n, line);
}

static void test_mutex_hold(const char *top)
{
	const char *fn = "kradar_test_hold_fn";
	int rt_n, total;
	struct run r;

	if (run_scenario_gap(top, "rt-mutex-hold", RT "--scenario mutex-hold", NULL, fn, &r)) {
		tap(false, "rt-mutex-hold: run produced events.jsonl", "kradar-run exit %d, see %s.log", r.status, r.dir);
		return;
	}
	check_rt_banner(&r, "rt-mutex-hold");
	check_on(&r, "rt-mutex-hold", "locks:     ");
	check_mutex_hold(&r, "rt-mutex-hold", fn);
	rt_n = lock_kinds(&r, "rt_mutex", &total);
	tap(total > 0 && rt_n == total, "rt-mutex-hold: every record calls the lock an rt_mutex",
	    "expected lock_kind rt_mutex in all %d lock_contention events, got %d", total, rt_n);
	tap(r.status == 1, "rt-mutex-hold: collector exits 1 (finding)",
	    "expected exit 1, got %d", r.status);
	printf("# RT: longest reported hold %.1f ms by %s (pid %lld, state %s), %.0f waiters\n",
	       r.held_max_ms, r.holder_comm, r.holder_pid, r.holder_state,
	       r.lock_waiters_max);
}

static void test_mutex_hammer(const char *top)
{
	struct run r;

	if (run_scenario(top, "rt-mutex-hammer", RT "--scenario mutex-hammer", NULL, &r)) {
		tap(false, "rt-mutex-hammer: run produced events.jsonl", "kradar-run exit %d, see %s.log", r.status, r.dir);
		return;
	}
	check_rt_banner(&r, "rt-mutex-hammer");
	tap(serial_num(r.dir, "kradar_test_mutex: kradar_hammer/0: ") > 0,
	    "rt-mutex-hammer: the threads hammered the mutex",
	    "expected 'kradar_hammer/0: N rounds' in %s/serial.log", r.dir);
	tap(r.locks == 0, "rt-mutex-hammer: no long-hold alarm at defaults",
	    "expected 0 lock_contention events, got %d (%s held %.1f ms)",
	    r.locks, r.lock_name, r.held_max_ms);
	tap(r.status == 0, "rt-mutex-hammer: collector exits 0",
	    "expected 0, got %d", r.status);
	printf("# RT hammer: kradar_hammer/0 took the mutex %lld times in 3 s\n",
	       serial_num(r.dir, "kradar_test_mutex: kradar_hammer/0: "));
}

static void test_taprio_storm(const char *top)
{
	const char *fn = "advance_sched [sch_taprio]";
	struct run r;

	if (run_scenario(top, "rt-taprio-storm", RT "--scenario taprio-storm --timeout 60", fn, &r)) {
		tap(false, "rt-taprio-storm: run produced events.jsonl", "kradar-run exit %d, see %s.log", r.status, r.dir);
		return;
	}
	check_rt_banner(&r, "rt-taprio-storm");
	tap(r.storms > 0 && !strcmp(r.first_storm.function, fn),
	    "rt-taprio-storm: a storm of advance_sched [sch_taprio] is reported",
	    "expected an hrtimer_storm of '%s', got %d storms (first '%s')",
	    fn, r.storms, r.first_storm.function);
	tap(r.status == 1, "rt-taprio-storm: collector exits 1 (finding)",
	    "expected exit 1, got %d", r.status);
	if (r.storms)
		printf("# RT storm rate %.0f/s, %.1f %% late, cpu %lld\n",
		       r.first_storm.rate, r.first_storm.late_pct,
		       r.first_storm.cpu);
	print_latency(&r);
}

static void test_idle(const char *top)
{
	struct run r;

	if (run_scenario(top, "rt-idle", RT "--scenario idle", NULL, &r)) {
		tap(false, "rt-idle: run produced events.jsonl", "kradar-run exit %d, see %s.log", r.status, r.dir);
		return;
	}
	check_rt_banner(&r, "rt-idle");
	check_on(&r, "rt-idle", "rcu_gaps:     ");
	check_on(&r, "rt-idle", "locks:     ");
	tap(r.storms == 0, "rt-idle: no storm reported",
	    "expected 0 storms, got %d (%s)", r.storms, r.first_storm.function);
	tap(r.gaps == 0, "rt-idle: no RCU gap reported",
	    "expected 0 qs_gap events, got %d (first on CPU %d, task %s)",
	    r.gaps, r.gap_cpu, r.gap_task);
	tap(r.heartbeats >= 10, "rt-idle: heartbeats arrive",
	    "expected >= 10 heartbeats, got %d", r.heartbeats);
	tap(r.losses == 0, "rt-idle: nothing lost",
	    "expected 0 loss events, got %d", r.losses);
	tap(r.status == 0, "rt-idle: collector exits 0", "expected 0, got %d",
	    r.status);
}

static void test_rt_hog(const char *top)
{
	struct stuck_view v;
	long long ran_us;
	double line;
	struct run r;

	if (run_scenario(top, "rt-hog", RT "--scenario rt-hog", NULL, &r) ||
	    read_stuck(&r, "kradar_test_rt_hog", &v)) {
		tap(false, "rt-hog: run produced events.jsonl",
		    "kradar-run exit %d, see %s.log", r.status, r.dir);
		return;
	}
	check_rt_banner(&r, "rt-hog");
	ran_us = serial_num(r.dir, "rt on CPU 1 done after ");
	line = serial_time(r.dir, "sched: RT throttling activated");
	tap(v.begins == 1 && v.cpu == 1 && !strcmp(v.kind, "rt_hog"),
	    "rt-hog: one rt_hog stretch on CPU 1, nothing else",
	    "expected 1 cpu_stuck begin, rt_hog on CPU 1; got %d (first: %s on CPU %lld)",
	    v.begins, v.kind, v.cpu);
	tap(!strcmp(v.task, "kradar_rt/1") && v.rt_prio >= 1,
	    "rt-hog: it names the RT task and its priority",
	    "expected kradar_rt/1 with an RT priority, got '%s' priority %lld",
	    v.task, v.rt_prio);
	tap(v.stack_has, "rt-hog: its stack names kradar_test_rt_hog",
	    "begin's stack is in '%s'", v.first_in);
	tap(ran_us > 0 && v.ends == 1 && v.end_ms * 1e3 >= ran_us - 200e3 &&
	    v.end_ms * 1e3 <= ran_us + 1000e3,
	    "rt-hog: it lasted the spin (up to 1 s more)",
	    "module ran %lld us, end record says %.1f ms (%d ends)", ran_us,
	    v.end_ms, v.ends);
	printf("# rt-hog: %s took CPU 1 for %.1f ms (module %.1f ms), reported at %.3f s; kernel's RT throttling line at %.3f s\n",
	       v.task, v.end_ms, ran_us / 1e3, v.begin_t_ns / 1e9, line);
}

int main(int argc, char **argv)
{
	static const char *names[] = {
		"rt-mutex-hold", "rt-mutex-hammer", "rt-taprio-storm", "rt-idle",
		"rt-hog",
	};
	char top[PATH_MAX];
	const char *why = guest_setup(argc, argv, top);
	unsigned int i;

	if (!why)
		why = rt_missing();
	if (why) {
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			skip(names[i], why);
		return why[0] == '!' ? 2 : 0;
	}
	test_mutex_hold(top);
	test_mutex_hammer(top);
	test_taprio_storm(top);
	test_idle(top);
	test_rt_hog(top);
	return e2e_failed() ? 1 : 0;
}
