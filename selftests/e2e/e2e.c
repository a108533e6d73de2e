// SPDX-License-Identifier: GPL-2.0
/*
 * Shared helpers of kradar's guest test suites: see e2e.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kradar_run_schema.h"

#include "e2e.h"
#include <kradar_tap.h>

void tap(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (!tap_ok(ok, "%s", name)) {
		printf("#   ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
	}
	fflush(stdout);
}

void skip(const char *name, const char *why)
{
	tap_skip(name, why);
}

int e2e_done(void)
{
	return tap_done();
}

bool e2e_failed(void)
{
	return tap_failed;
}

/* Find "key": in a JSON object line; copy a string or number value. */
bool json_field(const char *line, const char *key, char *out,
		       size_t outlen)
{
	char pat[64];
	const char *p;
	size_t n = 0;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(line, pat);
	if (!p)
		return false;
	p += strlen(pat);
	while (*p == ' ')
		p++;
	if (*p == '"') {
		p++;
		while (*p && *p != '"' && n + 1 < outlen)
			out[n++] = *p++;
	} else {
		while (*p && *p != ',' && *p != '}' && n + 1 < outlen)
			out[n++] = *p++;
	}
	out[n] = '\0';
	return true;
}

double json_num(const char *line, const char *key, double dflt)
{
	char buf[64];

	if (!json_field(line, key, buf, sizeof(buf)))
		return dflt;
	return strtod(buf, NULL);
}

void parse_event(const char *line, struct event *e)
{
	memset(e, 0, sizeof(*e));
	json_field(line, "type", e->type, sizeof(e->type));
	json_field(line, "function", e->function, sizeof(e->function));
	e->cpu = (long long)json_num(line, "cpu", -1);
	e->rate = json_num(line, "rate_per_s", -1);
	e->late_pct = json_num(line, "late_pct", -1);
	e->t_ns = (long long)json_num(line, "t_ns", -1);
	e->host_ns = (long long)json_num(line, "host_ns", -1);
}

/* The runner's vcpus.txt in @dir names QEMU's stale-translation freeze. */
static bool qemu_stale_freeze(const char *dir)
{
	char line[4096], path[PATH_MAX + 16];
	bool stale = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/vcpus.txt", dir);
	f = fopen(path, "r");
	while (f && !stale && fgets(line, sizeof(line), f))
		stale = strstr(line, "QEMU TCG is running a stale translation");
	if (f)
		fclose(f);
	return stale;
}

/*
 * Console lines of the run in @dir holding any of @needles: their number
 * (-1 without serial.log), the first into @first.
 */
/*
 * Console lines of the run in @dir that contain one of @needles; the
 * first in @first. With @mark, lines before the first line containing
 * it are counted in *@before instead (their first in @bfirst).
 */
static int serial_scan_mark(const char *dir, const char *const *needles,
			    size_t nr, char *first, size_t firstlen,
			    const char *mark, int *before, char *bfirst)
{
	char path[PATH_MAX + 32], line[4096];
	bool seen = !mark;
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/serial.log", dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		size_t i;

		seen |= mark && strstr(line, mark);
		for (i = 0; i < nr && !strstr(line, needles[i]); i++)
			;
		if (i == nr)
			continue;
		if (!seen) {
			if (!(*before)++ && bfirst)
				snprintf(bfirst, firstlen, "%.500s", line);
		} else if (!n++ && first) {
			snprintf(first, firstlen, "%s", line);
		}
	}
	fclose(f);
	return n;
}

static int serial_scan(const char *dir, const char *const *needles,
		       size_t nr, char *first, size_t firstlen)
{
	return serial_scan_mark(dir, needles, nr, first, firstlen, NULL, NULL,
				NULL);
}

const char *e2e_kernel(void)
{
	const char *k = getenv("KRADAR_KERNEL");

	return k && *k ? k : NULL;
}

bool e2e_kernel_rt(void)
{
	const char *k = e2e_kernel();
	size_t n = k ? strlen(k) : 0;

	return n > 3 && !strcmp(k + n - 3, "-rt");
}

static const char *const complaint_lines[] = {
	"WARNING:",			/* WARN(), lockdep, RCU usage */
	"BUG: KASAN:",
	"BUG: KFENCE:",
	"BUG: sleeping function called from invalid context",
	"BUG: scheduling while atomic",
	"BUG: unable to handle",
	"BUG: spinlock",
	"BUG: using smp_processor_id() in preemptible",
	"INFO: trying to register non-static key",
	"possible circular locking dependency",
	"possible recursive locking",
	"inconsistent lock state",
	"suspicious RCU usage",
	"bad unlock balance",
	"UBSAN:",
	"general protection fault",
	"kernel BUG at",
	"Oops:",
	"list_add corruption",
	"list_del corruption",
};

int console_complaints(const char *dir, char *first, size_t firstlen)
{
	return serial_scan(dir, complaint_lines,
			   sizeof(complaint_lines) / sizeof(*complaint_lines),
			   first, firstlen);
}

/*
 * One TAP line: no kernel complaint on the console of the run in @dir
 * once its init started; one from the kernel's boot before that is
 * printed, not failed.
 */
static void check_console(const char *dir, const char *scenario)
{
	char first[512] = "", boot[512] = "", name[160];
	int b = 0, n;

	/* before the init's mark: the kernel's own boot, nothing of kradar */
	n = serial_scan_mark(dir, complaint_lines,
			     sizeof(complaint_lines) / sizeof(*complaint_lines),
			     first, sizeof(first),
			     KRADAR_MARK_PREFIX KRADAR_MARK_INIT, &b, boot);

	if (b > 0) {
		boot[strcspn(boot, "\n")] = '\0';
		printf("# %s: %d complaint line(s) during the kernel's boot, before init and kradar: '%s'\n",
		       scenario, b, boot);
	}
	first[strcspn(first, "\n")] = '\0';
	snprintf(name, sizeof(name), "%s: no kernel complaint on the console%s%s",
		 scenario, e2e_kernel() ? " of " : "",
		 e2e_kernel() ? e2e_kernel() : "");
	tap(n == 0, name,
	    "%d complaint line(s) in %s/serial.log, the first: '%s'",
	    n, dir, n < 0 ? "(no serial.log)" : first);
}

/* Run kradar-run with @args; the run directory is runs/test-@name. */
int run_scenario(const char *top, const char *scenario,
			const char *args, const char *fn, struct run *r)
{
	return run_scenario_gap(top, scenario, args, fn, NULL, r);
}

int run_scenario_gap(const char *top, const char *scenario,
			    const char *args, const char *fn,
			    const char *gap_fn, struct run *r)
{
	char cmd[PATH_MAX * 5 + 256], path[PATH_MAX + 32], line[8192];
	FILE *f;
	int rc;

	memset(r, 0, sizeof(*r));
	snprintf(r->dir, sizeof(r->dir), "%s/runs/%s%stest-%s", top,
		 e2e_kernel() ? e2e_kernel() : "", e2e_kernel() ? "/" : "",
		 scenario);
	snprintf(cmd, sizeof(cmd),
		 "rm -rf '%s' && mkdir -p '%s' && ENABLE_KVM=${ENABLE_KVM:-0} '%s/tools/kradar-run' --timeout 240 %s --out '%s' >'%s.log' 2>&1",
		 r->dir, r->dir, top, args, r->dir, r->dir);
	rc = system(cmd);
	if (qemu_stale_freeze(r->dir)) {
		/*
		 * QEMU 7.2's multi-threaded TCG can freeze a guest at a
		 * kernel text patch (Documentation/runner.rst, "Frozen
		 * guests"): the runner's vcpus.txt names that signature.
		 * It is QEMU's, not the scenario's, so run it once more and
		 * keep the frozen run beside it. Any other hang fails.
		 */
		printf("# %s: QEMU TCG stale-translation freeze (see %s.frozen/vcpus.txt): running it once more\n",
		       scenario, r->dir);
		fflush(stdout);
		char mv[PATH_MAX * 5 + 64];

		snprintf(mv, sizeof(mv),
			 "rm -rf '%s.frozen' && mv '%s' '%s.frozen' && mv '%s.log' '%s.frozen.log'",
			 r->dir, r->dir, r->dir, r->dir, r->dir);
		if (system(mv) == 0)
			rc = system(cmd);
	}
	r->status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
	check_console(r->dir, scenario);

	snprintf(path, sizeof(path), "%s/events.jsonl", r->dir);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		struct event e;

		parse_event(line, &e);
		if (!strcmp(e.type, "hrtimer_storm")) {
			if (!r->storms++) {
				r->first_storm = e;
				r->storm_late_pct = e.late_pct;
			}
		} else if (!strcmp(e.type, "hrtimer_storm_end") ||
			   !strcmp(e.type, "hrtimer_storm_update")) {
			r->storm_ends += !strcmp(e.type, "hrtimer_storm_end");
			if (r->storms && e.cpu == r->first_storm.cpu &&
			    !strcmp(e.function, r->first_storm.function) &&
			    e.late_pct >= 0)
				r->storm_late_pct = e.late_pct;
		} else if (!strcmp(e.type, "heartbeat")) {
			long long off = e.host_ns - e.t_ns;

			r->heartbeats++;
			if (e.host_ns > 0 && (!r->have_offset ||
					      off < r->hb_offset_min)) {
				r->hb_offset_min = off;
				r->have_offset = true;
			}
		} else if (!strcmp(e.type, "hrtimer_window")) {
			const char *p = line;
			char pat[128];

			r->windows++;
			snprintf(pat, sizeof(pat), "\"function\":\"%s\"", fn);
			while (fn && (p = strstr(p, pat))) {
				double rate = json_num(p, "rate_per_s", 0);

				if (rate > r->fn_window_rate_max)
					r->fn_window_rate_max = rate;
				if (rate >= 5000 && !r->fn_busy_ns)
					r->fn_busy_ns = (long long)json_num(line,
						"start_ns", 0);
				p += strlen(pat);
			}
		} else if (!strcmp(e.type, "lost") ||
			   !strcmp(e.type, "stream_loss")) {
			r->losses++;
		} else if (!strcmp(e.type, "lock_contention")) {
			char *st = strstr(line, "\"holder_stack\":[");
			char *end = st ? strstr(st, "]") : NULL;
			double held = json_num(line, "held_ms", -1);

			if (!r->locks++)
				json_field(line, "lock", r->lock_name,
					   sizeof(r->lock_name));
			if (held > r->held_max_ms) {
				r->held_max_ms = held;
				r->holder_pid = (long long)json_num(line, "holder_pid", -1);
				json_field(line, "holder_comm", r->holder_comm,
					   sizeof(r->holder_comm));
				json_field(line, "holder_state", r->holder_state,
					   sizeof(r->holder_state));
			}
			if (json_num(line, "nr_waiters", 0) > r->lock_waiters_max)
				r->lock_waiters_max = json_num(line, "nr_waiters", 0);
			if (gap_fn && st && end) {
				*end = '\0';
				r->holder_stack_has |= strstr(st, gap_fn) != NULL;
			}
		} else if (!strcmp(e.type, "qs_gap")) {
			char phase[16] = "", *st;
			double ms = json_num(line, "gap_ms", 0);

			json_field(line, "phase", phase, sizeof(phase));
			if (!strcmp(phase, "begin") && !r->gaps++) {
				r->gap_cpu = (int)e.cpu;
				r->gap_start_ns = (long long)json_num(line, "gap_start_ns", -1);
				r->gap_report_ns = e.t_ns;
				strcpy(r->gap_top, e.function);
				json_field(line, "task", r->gap_task,
					   sizeof(r->gap_task));
			}
			if (ms > r->gap_max_ms)
				r->gap_max_ms = ms;
			st = strstr(line, "\"stack\":[");
			if (gap_fn && st && strstr(st, gap_fn))
				r->gap_stack_has = true;
		}
	}
	fclose(f);
	return 0;
}

/* CPU printed by the guest program: "... cpu=N" on the serial console. */
int serial_cpu(const struct run *r, const char *marker)
{
	char path[PATH_MAX + 32], line[4096];
	int cpu = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/serial.log", r->dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, marker);

		if (p && (p = strstr(p, "cpu=")))
			cpu = atoi(p + 4);
	}
	fclose(f);
	return cpu;
}

/* Count serial.log lines containing @needle; copy the first into @first. */
int serial_count(const char *dir, const char *needle, char *first,
			size_t firstlen)
{
	return serial_scan(dir, &needle, 1, first, firstlen);
}

void print_latency(const struct run *r)
{
	if (r->storms && r->have_offset && r->first_storm.host_ns > 0)
		printf("# storm began at guest %.6f s; first storm record on the host %.1f ms later (heartbeat clock mapping)\n",
		       r->first_storm.t_ns / 1e9,
		       (r->first_storm.host_ns - r->first_storm.t_ns -
			r->hb_offset_min) / 1e6);
}

/*
 * The kernel wedged itself in a storm: a CPU spun in
 * smp_call_function_many_cond() (a static key or text change waiting
 * for the flooded CPU to answer its IPI) until the soft-lockup watchdog
 * spoke. Neither of the probe's samplers can run then, so nothing more
 * reaches the host. Says so in @why.
 */
bool serial_ipi_wedge(const struct run *r, char *why, size_t len)
{
	char line[4096];

	if (serial_count(r->dir, "smp_call_function_many_cond", NULL, 0) <= 0 ||
	    serial_count(r->dir, "soft lockup - CPU#", line, sizeof(line)) <= 0)
		return false;
	line[strcspn(line, "\r\n")] = '\0';
	snprintf(why, len,
		 "the kernel wedged both vCPUs (an IPI wait in smp_call_function_many_cond on the storm CPU), no sampler could run: %.160s",
		 strstr(line, "soft lockup"));
	return true;
}

/*
 * On PREEMPT_RT the taprio storm runs in the timer softirq thread,
 * preemptible, and grace periods can go on completing: a run with no
 * RCU gap is right there when the kernel did not report a stall either.
 * Says so in @why.
 */
bool serial_rt_no_stall(const struct run *r, char *why, size_t len)
{
	char line[4096] = "";

	serial_count(r->dir, "Linux version", line, sizeof(line));
	if (!strstr(line, "PREEMPT_RT") ||
	    serial_count(r->dir, "detected stalls on CPUs", NULL, 0) > 0 ||
	    serial_count(r->dir, "detected expedited stalls", NULL, 0) > 0)
		return false;
	snprintf(why, len,
		 "PREEMPT_RT: the storm ran in the preemptible ktimers thread and the kernel reported no RCU stall either (%d storm records)",
		 r->storms);
	return true;
}

/* The number after @needle on the first console line that has it. */
long long serial_num(const char *dir, const char *needle)
{
	char line[4096];

	if (serial_count(dir, needle, line, sizeof(line)) <= 0)
		return -1;
	return strtoll(strstr(line, needle) + strlen(needle), NULL, 10);
}

/* printk time of the first console line containing @needle, or -1. */
double serial_time(const char *dir, const char *needle)
{
	char line[4096];
	const char *b;

	if (serial_count(dir, needle, line, sizeof(line)) <= 0)
		return -1;
	b = strchr(line, '[');
	return b ? strtod(b + 1, NULL) : -1;
}

const char *guest_setup(int argc, char **argv, char *top)
{
	char prog[PATH_MAX + 64];
	const char *build = getenv("BUILD");
	struct stat st;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* the repository root: argv[1], else the one this was built in */
	if (!realpath(argc > 1 ? argv[1] : KRADAR_TOP, top))
		return "!cannot resolve the repository root";
	if (build)
		snprintf(prog, sizeof(prog), "%s/guest/kradar-taprio", build);
	else
		snprintf(prog, sizeof(prog), "%s/build/guest/kradar-taprio", top);
	if (system("command -v qemu-system-x86_64 >/dev/null 2>&1"))
		return "qemu-system-x86_64 not installed (make deps)";
	if (system("ls /boot/vmlinuz-*-cloud-amd64 >/dev/null 2>&1"))
		return "no Debian cloud kernel in /boot (make deps)";
	if (stat(prog, &st))
		return "guest programs not built (make)";
	if (e2e_kernel()) {
		static char why[256];
		char cmd[PATH_MAX + 256];

		/* fetched and prepared once, before the first run times out */
		snprintf(cmd, sizeof(cmd),
			 "'%s/tools/kradar-kernel' '%s' >/dev/null && mkdir -p '%s/runs/%s'",
			 top, e2e_kernel(), top, e2e_kernel());
		if (system(cmd)) {
			snprintf(why, sizeof(why),
				 "!cannot prepare kernel '%s' (tools/kradar-kernel %s)",
				 e2e_kernel(), e2e_kernel());
			return why;
		}
		printf("# kernel under test: %s\n", e2e_kernel());
	}
	return NULL;
}

void check_mutex_hold(const struct run *r, const char *label, const char *fn)
{
	const char *want = "kradar_test_mutex [kradar_test_mutex]";
	long long pid = serial_num(r->dir, "kradar_test_mutex: holder pid ");
	char name[128];

#define NAME(what) (snprintf(name, sizeof(name), "%s: %s", label, what), name)
	tap(r->locks >= 1 && !strcmp(r->lock_name, want),
	    NAME("the contended lock is named by its symbol"),
	    "expected lock_contention for '%s', got %d events (first '%s')",
	    want, r->locks, r->lock_name);
	tap(!strcmp(r->holder_comm, "kradar_holder") && pid > 0 &&
	    r->holder_pid == pid, NAME("the holder's comm and pid"),
	    "expected kradar_holder pid %lld (serial.log), got '%s' pid %lld",
	    pid, r->holder_comm, r->holder_pid);
	tap(!strcmp(r->holder_state, "D"), NAME("the holder sleeps in state D"),
	    "expected holder_state D, got '%s'", r->holder_state);
	tap(r->held_max_ms >= 1500 && r->held_max_ms <= 4000,
	    NAME("hold time within tolerance of the 3 s hold"),
	    "expected 1500 <= held_ms <= 4000, got %.1f", r->held_max_ms);
	tap(r->lock_waiters_max == 2, NAME("two waiters"),
	    "expected nr_waiters 2, got %.0f", r->lock_waiters_max);
	tap(r->holder_stack_has, NAME("the holder's stack names the holding function"),
	    "no holder_stack contains '%s'", fn);
#undef NAME
}

/* The cpu_stuck events of a run; @fn: the function stacks should name. */
int read_stuck(const struct run *r, const char *fn,
		      struct stuck_view *v)
{
	char path[PATH_MAX + 32], line[16384], s[64];
	FILE *f;

	memset(v, 0, sizeof(*v));
	v->cpu = v->preempt = v->rt_prio = -1;
	snprintf(path, sizeof(path), "%s/events.jsonl", r->dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		const char *st;

		if (!strstr(line, "{\"type\":\"cpu_stuck\""))
			continue;
		json_field(line, "phase", s, sizeof(s));
		st = strstr(line, "\"stack\":[");
		if (fn && st && strstr(st, fn))
			v->stack_has = true;
		if (!strcmp(s, "begin") && !v->begins++) {
			v->cpu = (long long)json_num(line, "cpu", -1);
			json_field(line, "kind", v->kind, sizeof(v->kind));
			json_field(line, "task", v->task, sizeof(v->task));
			json_field(line, "stack_from", v->from, sizeof(v->from));
			json_field(line, "in", v->first_in, sizeof(v->first_in));
			v->preempt = (long long)json_num(line, "preempt_count",
							 -1);
			v->rt_prio = (long long)json_num(line, "rt_priority", -1);
			v->begin_t_ns = (long long)json_num(line, "t_ns", 0);
			v->since_ns = (long long)json_num(line, "since_ns", 0);
		} else if (!strcmp(s, "end") && !v->ends++) {
			v->end_ms = json_num(line, "stuck_ms", 0);
		}
	}
	fclose(f);
	return 0;
}

/* Lines of `kradar-report DIR` (text, no files) containing @needle. */
int report_count(const char *top, const char *dir, const char *needle,
			char *first, size_t firstlen)
{
	char cmd[PATH_MAX * 3 + 64], line[4096];
	const char *build = getenv("BUILD");
	int n = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "'%s%s/kradar-report' '%s' --no-files 2>&1",
		 build ? build : top, build ? "" : "/build", dir);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		if (!strstr(line, needle))
			continue;
		if (!n++ && first)
			snprintf(first, firstlen, "%s", line);
	}
	pclose(p);
	if (first)
		first[strcspn(first, "\n")] = '\0';
	return n;
}
