// SPDX-License-Identifier: GPL-2.0
/*
 * Guest tests of the hung-task detector (hung_ms, default 5 s: the
 * kernel's own report comes after hung_task_timeout_secs, 120 s):
 *
 *   hung-completion  a kthread sleeps 12 s in D on a completion: one
 *                    hung_task for it, reported while it still sleeps,
 *                    its stack naming kradar_test_hung_wait(), the sleep
 *                    measured to within a scan of what the module
 *                    measured; insmod, waiting in TASK_IDLE meanwhile, is
 *                    no hung task; the verdict says "hung task".
 *   hung-mutex       kradar_holder sleeps 12 s in D holding a mutex two
 *                    kthreads wait for: the holder is a hung task in
 *                    kradar_test_hold_fn(), the waiters are hung tasks
 *                    waiting for that mutex, held by the holder's pid.
 *   hung-reported    hung-completion with the kernel's hung-task
 *                    detector at 7 s: kradar's report comes first, and
 *                    kradar-report gives the lead over the kernel's
 *                    "INFO: task ... blocked for more than 7 seconds" and
 *                    its syzkaller title, "INFO: task hung in ...".
 *   lockup-preempt   CPU 1 spins 2.5 s with preemption off: one
 *                    cpu_stuck no_schedule on CPU 1 for that task, with
 *                    preempt_count >= 1, its stack naming
 *                    kradar_test_preempt_spin(), lasting what the module
 *                    measured (up to 1 s more: the switch after the spin),
 *                    and the verdict "CPU stuck".
 *   lockup-irqs      the same with interrupts off: cpu_stuck irqs_off,
 *                    its stack taken in the stretch by NMI, naming
 *                    kradar_test_irqs_spin().
 *   soft-lockup      a 6 s preempt-off spin with watchdog_thresh 1: the
 *                    kernel's "BUG: soft lockup" comes after kradar's
 *                    report; the lead time is printed.
 *   lockup-idle,     negative controls (the idle, busy and
 *   lockup-busy,     taprio-normal scenarios): no hung task and no
 *   lockup-taprio-normal  stuck CPU.
 *
 * Output is TAP; every test is skipped when guests cannot run here.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

#define HUNG_MS		5000	/* the probe's default hung_ms */
#define WAIT_MS		12000	/* the scenarios' sleep */

struct hung_view {
	int begins;		/* hung_task begin events */
	int ends;
	int insmod;		/* events about insmod */
	char comm[32];		/* of the first begin matching the pid */
	char sleeps_in[128];
	double begin_ms;	/* hung_ms of that begin */
	long long begin_t_ns;
	double end_ms;		/* hung_ms of its end */
	int waiters_on_lock;	/* begins waiting for lock_want, held by
				 * holder_pid */
	char first_lock[128];
	long long first_holder;
	char verdict[512];
};

/* The hung_task events of a run, the task @pid's in detail. */
static int read_hung(const struct run *r, long long pid, const char *lock_want,
		     long long holder_pid, struct hung_view *v)
{
	char path[PATH_MAX + 32], line[16384], s[128];
	FILE *f;

	memset(v, 0, sizeof(*v));
	v->first_holder = -1;
	snprintf(path, sizeof(path), "%s/events.jsonl", r->dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "\"type\":\"summary\""))
			json_field(line, "verdict", v->verdict,
				   sizeof(v->verdict));
		if (!strstr(line, "\"type\":\"hung_task\""))
			continue;
		json_field(line, "comm", s, sizeof(s));
		if (!strcmp(s, "insmod"))
			v->insmod++;
		json_field(line, "phase", s, sizeof(s));
		if (!strcmp(s, "begin")) {
			v->begins++;
			if (lock_want && json_field(line, "waits_for", s,
						    sizeof(s))) {
				long long h = (long long)json_num(line,
							"lock_holder_pid", -1);

				if (!v->first_lock[0]) {
					snprintf(v->first_lock,
						 sizeof(v->first_lock), "%s", s);
					v->first_holder = h;
				}
				if (!strcmp(s, lock_want) && h == holder_pid)
					v->waiters_on_lock++;
			}
		}
		if ((long long)json_num(line, "pid", -1) != pid)
			continue;
		if (!strcmp(s, "begin") && !v->comm[0]) {
			json_field(line, "comm", v->comm, sizeof(v->comm));
			json_field(line, "sleeps_in", v->sleeps_in,
				   sizeof(v->sleeps_in));
			v->begin_ms = json_num(line, "hung_ms", 0);
			v->begin_t_ns = (long long)json_num(line, "t_ns", 0);
		} else if (!strcmp(s, "end")) {
			v->ends++;
			v->end_ms = json_num(line, "hung_ms", 0);
		}
	}
	fclose(f);
	return 0;
}

static void test_hung_completion(const char *top)
{
	const char *fn = "kradar_test_hung_wait";
	long long pid, done_us;
	double done_s;
	struct hung_view v;
	struct run r;

	if (run_scenario(top, "hung-completion", "--scenario hung-completion",
			 NULL, &r) ||
	    (pid = serial_num(r.dir, "hung on CPU 1 for 12000 ms: pid "),
	     read_hung(&r, pid, NULL, 0, &v))) {
		tap(false, "hung-completion: run produced events.jsonl",
		    "kradar-run exit %d, see %s", r.status, r.dir);
		return;
	}
	done_us = serial_num(r.dir, "hung on CPU 1 done after ");
	done_s = serial_time(r.dir, "hung on CPU 1 done after ");
	tap(pid > 0 && !strcmp(v.comm, "kradar_hung/1"),
	    "hung-completion: the sleeping kthread is reported as a hung task",
	    "expected a hung_task begin for kradar_hung/1 pid %lld (serial.log), got comm '%s' (%d begins)",
	    pid, v.comm, v.begins);
	tap(strstr(v.sleeps_in, fn) != NULL,
	    "hung-completion: it sleeps in the waiting function",
	    "expected sleeps_in to name %s, got '%s'", fn, v.sleeps_in);
	tap(v.begin_ms >= HUNG_MS && done_s > 0 &&
	    v.begin_t_ns < (long long)(done_s * 1e9),
	    "hung-completion: reported after hung_ms, while it still slept",
	    "expected hung_ms >= %d at begin and begin before the wake at %.3f s, got %.1f ms at %.3f s",
	    HUNG_MS, done_s, v.begin_ms, v.begin_t_ns / 1e9);
	/* since_ns is the first scan (1 s apart) that saw it in D */
	tap(v.ends == 1 && done_us > 0 &&
	    v.end_ms >= done_us / 1e3 - 2000 && v.end_ms <= done_us / 1e3 + 100,
	    "hung-completion: the sleep's length within two scans of the module's",
	    "expected one end with hung_ms in [%.0f, %.0f] (the module slept %lld us), got %d ends, %.1f ms",
	    done_us / 1e3 - 2000, done_us / 1e3 + 100, done_us, v.ends,
	    v.end_ms);
	tap(v.insmod == 0 && v.begins == 1,
	    "hung-completion: insmod in TASK_IDLE is no hung task",
	    "expected 1 hung task and none for insmod, got %d begins, %d insmod events",
	    v.begins, v.insmod);
	tap(r.status == 1 && strstr(v.verdict, "hung task"),
	    "hung-completion: the verdict names the hung task, exit 1",
	    "expected exit 1 and 'hung task' in the verdict, got %d, '%s'",
	    r.status, v.verdict);
	printf("# hung task pid %lld reported at %.3f s after %.1f ms in D; slept %.1f ms by kradar, %.1f ms by the module\n",
	       pid, v.begin_t_ns / 1e9, v.begin_ms, v.end_ms, done_us / 1e3);
}

static void test_hung_mutex(const char *top)
{
	const char *lock = "kradar_test_mutex [kradar_test_mutex]";
	long long holder;
	struct hung_view v;
	struct run r;

	if (run_scenario(top, "hung-mutex", "--scenario hung-mutex", NULL, &r) ||
	    (holder = serial_num(r.dir, "kradar_test_mutex: holder pid "),
	     read_hung(&r, holder, lock, holder, &v))) {
		tap(false, "hung-mutex: run produced events.jsonl",
		    "kradar-run exit %d, see %s", r.status, r.dir);
		return;
	}
	tap(holder > 0 && !strcmp(v.comm, "kradar_holder") &&
	    strstr(v.sleeps_in, "kradar_test_hold_fn"),
	    "hung-mutex: the holder is a hung task in the holding function",
	    "expected kradar_holder pid %lld in kradar_test_hold_fn, got '%s' in '%s'",
	    holder, v.comm, v.sleeps_in);
	tap(v.waiters_on_lock == 2,
	    "hung-mutex: both waiters wait for the mutex, held by the holder",
	    "expected 2 hung waiters on '%s' held by pid %lld, got %d (first: '%s' held by %lld)",
	    lock, holder, v.waiters_on_lock, v.first_lock, v.first_holder);
	tap(r.locks >= 1, "hung-mutex: the lock detector reports the mutex too",
	    "expected lock_contention events, got %d", r.locks);
}

/*
 * lockup-preempt / lockup-irqs: CPU 1 spins 2.5 s in @fn with preemption
 * (@kind no_schedule) or interrupts (irqs_off) off.
 */
static void test_stuck(const char *top, const char *scenario,
		       const char *kind, const char *fn, const char *comm,
		       const char *mode)
{
	char name[160], needle[64], args[96], verdict[512] = "";
	struct stuck_view v;
	long long ran_us;
	struct run r;

#define NAME(what) (snprintf(name, sizeof(name), "%s: %s", scenario, what), name)
	snprintf(needle, sizeof(needle), "%s on CPU 1 done after ", mode);
	snprintf(args, sizeof(args), "--scenario %s", scenario);
	if (run_scenario(top, scenario, args, NULL, &r) ||
	    read_stuck(&r, fn, &v)) {
		tap(false, NAME("run produced events.jsonl"),
		    "kradar-run exit %d, see %s", r.status, r.dir);
		return;
	}
	ran_us = serial_num(r.dir, needle);
	tap(v.begins == 1 && v.cpu == 1 && !strcmp(v.kind, kind),
	    NAME("one stuck CPU: CPU 1, the right kind"),
	    "expected 1 cpu_stuck begin on CPU 1 of kind %s, got %d (CPU %lld, kind '%s')",
	    kind, v.begins, v.cpu, v.kind);
	tap(!strncmp(v.task, comm, strlen(comm)), NAME("it names the spinning task"),
	    "expected task %s..., got '%s'", comm, v.task);
	if (!strcmp(kind, "no_schedule"))
		tap(v.preempt >= 1, NAME("preemption off: preempt_count >= 1"),
		    "expected preempt_count >= 1 from the tick's stack, got %lld (stack from '%s')",
		    v.preempt, v.from);
	else
		tap(!strcmp(v.from, "nmi"),
		    NAME("its stack was taken in the stretch, by NMI"),
		    "expected stack_from nmi on the begin, got '%s'", v.from);
	tap(v.stack_has, NAME("its stack names the spinning function"),
	    "expected %s in a cpu_stuck stack; begin's stack is in '%s'",
	    fn, v.first_in);
	tap(ran_us > 0 && v.ends == 1 && v.end_ms * 1e3 >= ran_us - 100e3 &&
	    v.end_ms * 1e3 <= ran_us + 1000e3,
	    NAME("it lasted the spin (up to 1 s more: the switch after it)"),
	    "module ran %lld us (serial.log), end record says %.1f ms (%d ends)",
	    ran_us, v.end_ms, v.ends);
	{
		FILE *f;
		char path[PATH_MAX + 32], line[16384];

		snprintf(path, sizeof(path), "%s/events.jsonl", r.dir);
		f = fopen(path, "r");
		while (f && fgets(line, sizeof(line), f))
			if (strstr(line, "\"type\":\"summary\""))
				json_field(line, "verdict", verdict,
					   sizeof(verdict));
		if (f)
			fclose(f);
	}
	tap(r.status == 1 && !strncmp(verdict, "CPU stuck", 9),
	    NAME("collector exits 1, verdict 'CPU stuck'"),
	    "exit %d, verdict '%.200s'", r.status, verdict);
	printf("# %s: %s for %.1f ms (module: %.1f ms), reported %.0f ms after it began\n",
	       scenario, v.kind, v.end_ms, ran_us / 1e3,
	       (v.begin_t_ns - v.since_ns) / 1e6);
#undef NAME
}

/*
 * hung-reported: the kernel's hung-task detector at 7 s, kradar's at 5 s:
 * kradar first, and kradar-report ties the two with the lead and the
 * syzkaller title the kernel's report gets.
 */
static void test_hung_reported(const char *top)
{
	const char *name = "hung-reported: reported before the kernel's hung-task report";
	char line[512] = "", want[128];
	struct hung_view v;
	long long pid;
	double kernel;
	struct run r;

	if (run_scenario(top, "hung-reported", "--scenario hung-reported",
			 NULL, &r) ||
	    (pid = serial_num(r.dir, "hung on CPU 1 for 12000 ms: pid "),
	     read_hung(&r, pid, NULL, 0, &v))) {
		tap(false, name, "kradar-run exit %d, see %s", r.status, r.dir);
		skip("hung-reported: kradar-report gives the lead and the title",
		     "no run");
		return;
	}
	snprintf(want, sizeof(want), "INFO: task kradar_hung/1:%lld blocked for more than", pid);
	kernel = serial_time(r.dir, want);
	if (kernel < 0) {
		skip(name, "the kernel printed no hung-task report (CONFIG_DETECT_HUNG_TASK off?)");
		skip("hung-reported: kradar-report gives the lead and the title",
		     "no hung-task report from the kernel");
		return;
	}
	tap(v.begins >= 1 && !strcmp(v.comm, "kradar_hung/1") &&
	    v.begin_t_ns / 1e9 < kernel, name,
	    "kernel's '%s' at %.3f s, kradar's first report at %.3f s (%d reports, comm '%s')",
	    want, kernel, v.begin_t_ns / 1e9, v.begins, v.comm);
	tap(report_count(top, r.dir, "before the kernel's hung-task report", line,
			 sizeof(line)) > 0 &&
	    strstr(line, "(title: INFO: task hung in "),
	    "hung-reported: kradar-report gives the lead and the title",
	    "expected a narrative line with \"before the kernel's hung-task report\" and \"(title: INFO: task hung in\", got '%s'",
	    line);
	printf("# hung-reported: kradar at %.3f s, the kernel at %.3f s: lead %.1f s; %s\n",
	       v.begin_t_ns / 1e9, kernel, kernel - v.begin_t_ns / 1e9, line);
}

/* soft-lockup: kradar's report comes before the kernel's soft-lockup line. */
static void test_soft_lockup(const char *top)
{
	const char *name = "soft-lockup: reported before the kernel's soft-lockup line";
	struct stuck_view v;
	double line;
	struct run r;

	if (run_scenario(top, "soft-lockup", "--scenario soft-lockup", NULL,
			 &r) ||
	    read_stuck(&r, NULL, &v)) {
		tap(false, name, "kradar-run exit %d, see %s", r.status, r.dir);
		return;
	}
	line = serial_time(r.dir, "BUG: soft lockup - CPU#1");
	if (line < 0) {
		skip(name, "the kernel printed no soft-lockup line (watchdog off in this kernel?)");
		return;
	}
	tap(v.begins >= 1 && v.cpu == 1 && v.begin_t_ns / 1e9 < line, name,
	    "kernel soft lockup at %.3f s, kradar's first report at %.3f s (%d reports, CPU %lld)",
	    line, v.begin_t_ns / 1e9, v.begins, v.cpu);
	printf("# soft lockup: kradar at %.3f s, the kernel at %.3f s: lead %.1f s\n",
	       v.begin_t_ns / 1e9, line, line - v.begin_t_ns / 1e9);
}

static void test_quiet(const char *top, const char *scenario,
		       const char *args)
{
	struct stuck_view sv;
	struct hung_view v;
	struct run r;
	char name[128];

	snprintf(name, sizeof(name), "%s: no hung task", scenario);
	if (run_scenario(top, scenario, args, NULL, &r) ||
	    read_hung(&r, -1, NULL, 0, &v) || read_stuck(&r, NULL, &sv)) {
		tap(false, name, "kradar-run exit %d, see %s", r.status, r.dir);
		return;
	}
	tap(v.begins == 0 && r.heartbeats > 0, name,
	    "expected heartbeats and 0 hung_task events, got %d heartbeats, %d hung tasks",
	    r.heartbeats, v.begins);
	snprintf(name, sizeof(name), "%s: no stuck CPU", scenario);
	tap(sv.begins == 0, name,
	    "expected 0 cpu_stuck events, got %d (first: %s on CPU %lld, task %s, in %s)",
	    sv.begins, sv.kind, sv.cpu, sv.task, sv.first_in);
}

int main(int argc, char **argv)
{
	char top[PATH_MAX];
	const char *why = guest_setup(argc, argv, top);

	if (why) {
		const char *names[] = {
			"hung-completion", "hung-mutex", "hung-reported",
			"hung-reported: kradar-report gives the lead and the title",
			"lockup-preempt",
			"lockup-irqs", "soft-lockup", "lockup-idle",
			"lockup-busy", "lockup-taprio-normal",
		};

		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			skip(names[i], why + (*why == '!'));
		e2e_done();
		return *why == '!' ? 2 : 0;
	}
	test_hung_completion(top);
	test_hung_mutex(top);
	test_hung_reported(top);
	test_stuck(top, "lockup-preempt", "no_schedule",
		   "kradar_test_preempt_spin", "kradar_preempt", "preempt");
	test_stuck(top, "lockup-irqs", "irqs_off", "kradar_test_irqs_spin",
		   "kradar_irqs", "irqs");
	test_soft_lockup(top);
	test_quiet(top, "lockup-idle", "--scenario idle");
	test_quiet(top, "lockup-busy", "--scenario busy");
	test_quiet(top, "lockup-taprio-normal", "--scenario taprio-normal");
	return e2e_done();
}
