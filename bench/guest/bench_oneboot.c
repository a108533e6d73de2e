// SPDX-License-Identifier: GPL-2.0
/*
 * bench-oneboot: what a kradar detector costs a guest workload, with and
 * without the probe side by side in one boot: the job runs the workload
 * with no probe, then loads kradar_probe.ko (with each configuration's
 * parameters), runs it again and unloads the probe, --reps times, so a
 * change in the host's load hits every configuration alike.
 *
 * Workloads (--workload):
 *   lock   threads fighting for one mutex (kradar_bench_lock.ko): with no
 *          probe the contention tracepoints are static branches not
 *          taken; with kradar every contended acquisition runs
 *          contention_begin and contention_end through the probe.
 *          Configurations: noprobe, kradar.
 *   sched  two processes passing a byte to and fro on one CPU
 *          (kradar-bench-sched): a sched_wakeup and a sched_switch per
 *          pass. Configurations: noprobe; nostuck, the probe with
 *          stuck_ms=0 (the RCU detector's sched_switch probe, no
 *          sched_wakeup probe); kradar, the probe as loaded by default
 *          (the stuck-CPU detector's sched_wakeup probe and its share of
 *          the sched_switch probe as well).
 *
 * One boot per kernel flavour given (lock: --ko-cloud, --ko-rt, the
 * module built for that kernel; sched: the cloud kernel, and with --rt
 * the PREEMPT_RT one too), through tools/kradar-run --flavour F --no-probe (the
 * probe stays in the initramfs for the job to load). From the workload's
 * lines on the console:
 *   kradar_bench_lock: TAG: T threads, D ms: N acquisitions, C contended, R/s
 *   kradar_bench_sched: TAG: 2 tasks on CPU C, D ms: N switches, R/s
 * per configuration the median rate, and:
 *   - each probe configuration's rate as % of the one before it (events
 *     per second of guest time; under TCG guest time is host time, so
 *     other load on the host adds noise to all alike);
 *   - the guest ns the configuration adds per event: the difference of
 *     the time per unit of work, over the events per unit (lock: the
 *     contended share of acquisitions; sched: one per switch). TCG time:
 *     many times a real CPU's. Given only when the two sets of samples
 *     do not overlap.
 * A probe sample counts only if the probe's detector was as configured
 * (the /proc/kradar line of that detector, copied to the console by the
 * job: on, or for nostuck off).
 *
 *   bench-oneboot --workload lock|sched --runner PATH --out DIR
 *                 [--ko-cloud KO] [--ko-rt KO] [--prog FILE [--rt]]
 *                 [--reps N] [--ms MS] [--threads N]
 * Exit: 0 measured, 1 a flavour failed, 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "../bench.h"

#define MAX_SAMPLES	64
#define MAX_CFG		3
#define GUEST_DIR	"/bench/"

struct workload {
	const char *name;
	const char *line;	/* the workload's result lines begin so */
	const char *status;	/* the detector's /proc/kradar line */
	const char *unit;	/* what the rate counts */
	const char *event;	/* what the ns figure is per */
	int ncfg;
	/* per configuration: its tag, probe parameters (NULL: no probe) */
	const char *cfg[MAX_CFG];
	const char *probe_args[MAX_CFG];
	int detector_on[MAX_CFG];
	const char *what[MAX_CFG];	/* for the result's text */
};

static const struct workload workloads[] = {
	{
		.name = "lock",
		.line = "kradar_bench_lock: ",
		.status = "locks:",
		.unit = "acquisitions",
		.event = "contention event",
		.ncfg = 2,
		.cfg = { "noprobe", "kradar" },
		.probe_args = { NULL, "" },
		.detector_on = { 0, 1 },
		.what = { "no probe", "kradar" },
	},
	{
		.name = "sched",
		.line = "kradar_bench_sched: ",
		.status = "cpus_stuck:",
		.unit = "switches",
		.event = "context switch",
		.ncfg = 3,
		.cfg = { "noprobe", "nostuck", "kradar" },
		.probe_args = { NULL, "stuck_ms=0", "" },
		.detector_on = { 0, 0, 1 },
		.what = { "no probe", "kradar with stuck_ms=0",
			  "kradar (stuck-CPU detector on)" },
	},
};

struct cfg_res {
	double rate[MAX_SAMPLES];
	double share[MAX_SAMPLES];	/* events per unit of work */
	int n;
	int on, off;			/* the detector's state, as seen */
};

static const struct workload *wl;
static const char *runner, *outdir, *prog;
static int reps = 3, ms = 1000, threads = 4;

static void span(const double *v, int n, double *lo, double *hi)
{
	int i;

	*lo = *hi = v[0];
	for (i = 1; i < n; i++) {
		*lo = v[i] < *lo ? v[i] : *lo;
		*hi = v[i] > *hi ? v[i] : *hi;
	}
}

static int cfg_of(const char *tag)
{
	int c;

	for (c = 0; c < wl->ncfg; c++)
		if (!strcmp(tag, wl->cfg[c]))
			return c;
	return -1;
}

/*
 * Read the workload's result lines and the detector's status from
 * serial.log. Status lines: "kradar-bench: TAG: <the /proc/kradar line>".
 */
static int parse_serial(const char *path, struct cfg_res *res)
{
	char line[1024], tag[40];
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, wl->line), *q, *r;
		unsigned long long n, cont = 0, rate;
		int c;

		q = strstr(line, "kradar-bench: ");
		if (q && sscanf(q, "kradar-bench: %39[^:]:", tag) == 1 &&
		    (c = cfg_of(tag)) >= 0 && strstr(q, wl->status)) {
			if (strstr(q + strlen("kradar-bench: "), " off"))
				res[c].off++;
			else
				res[c].on++;
			continue;
		}
		if (!p || sscanf(p + strlen(wl->line), "%39[^:]:", tag) != 1 ||
		    (c = cfg_of(tag)) < 0 || res[c].n >= MAX_SAMPLES)
			continue;
		/* "..., D ms: N UNIT[, C contended], R/s" */
		q = strstr(p, " ms: ");
		r = strrchr(p, ',');
		if (!q || !r || sscanf(q, " ms: %llu", &n) != 1 ||
		    sscanf(r, ", %llu/s", &rate) != 1 || !n)
			continue;
		q = strstr(q, ", ");
		if (q && strstr(q, " contended"))
			sscanf(q, ", %llu contended", &cont);
		res[c].rate[res[c].n] = (double)rate;
		res[c].share[res[c].n] = !strcmp(wl->name, "lock") ?
					 (double)cont / (double)n : 1.0;
		res[c].n++;
	}
	fclose(f);
	return 0;
}

/* The guest job, a file of its own: no quoting through two shells. */
static int write_job(const char *path)
{
	FILE *f = fopen(path, "w");
	int c;

	if (!f) {
		perror(path);
		return -1;
	}
	if (!strcmp(wl->name, "lock"))
		fprintf(f, "run() { insmod " GUEST_DIR "kradar_bench_lock.ko tag=$1 threads=%d duration_ms=%d; rmmod kradar_bench_lock; }\n",
			threads, ms);
	else
		fprintf(f, "run() { " GUEST_DIR "kradar-bench-sched --cpu 1 --ms %d --tag $1 >/dev/null; }\n",
			ms);
	fprintf(f, "for i in $(seq %d); do\n", reps);
	for (c = 0; c < wl->ncfg; c++) {
		if (!wl->probe_args[c]) {
			fprintf(f, "\trun %s\n", wl->cfg[c]);
			continue;
		}
		fprintf(f, "\tif insmod /lib/kradar/kradar_probe.ko %s; then\n"
			"\t\techo \"kradar-bench: %s: $(grep '^%s' /proc/kradar)\" >/dev/kmsg\n"
			"\t\trun %s\n"
			"\t\trmmod kradar_probe\n"
			"\tfi\n",
			wl->probe_args[c], wl->cfg[c], wl->status, wl->cfg[c]);
	}
	fprintf(f, "done\n");
	if (fclose(f)) {
		perror(path);
		return -1;
	}
	return 0;
}

/*
 * WORKLOAD_guest_WHAT_FLAVOUR, then _CFG unless @c is the full probe (the
 * last configuration), then _vs_CFG unless @b is no probe:
 * lock_guest_pct_cloud, sched_guest_pct_rt_nostuck,
 * sched_guest_ns_cloud_vs_nostuck.
 */
static void result_key(char *key, size_t len, const char *what,
		       const char *flavour, int b, int c)
{
	int last = c == wl->ncfg - 1;

	snprintf(key, len, "%s_guest_%s_%s%s%s%s%s", wl->name, what, flavour,
		 last ? "" : "_", last ? "" : wl->cfg[c], b ? "_vs_" : "",
		 b ? wl->cfg[b] : "");
}

/* Configuration @c against @b: the result lines. */
static void compare(const char *flavour, struct cfg_res *res, int b, int c)
{
	const char *kernel = !strcmp(flavour, "rt") ? "PREEMPT_RT" : "cloud";
	double rb, rc, share, blo, bhi, clo, chi;
	char key[64], text[400];

	span(res[b].rate, res[b].n, &blo, &bhi);
	span(res[c].rate, res[c].n, &clo, &chi);
	rb = bench_median(res[b].rate, res[b].n);
	rc = bench_median(res[c].rate, res[c].n);
	share = bench_median(res[c].share, res[c].n);
	printf("# %s: %s %.0f/s (%.0f..%.0f), %s %.0f/s (%.0f..%.0f), medians of %d and %d samples, %.3f events (%s) per unit of %s\n",
	       flavour, wl->cfg[b], rb, blo, bhi, wl->cfg[c], rc, clo, chi,
	       res[b].n, res[c].n, share, wl->event, wl->unit);
	result_key(key, sizeof(key), "pct", flavour, b, c);
	snprintf(text, sizeof(text),
		 "%s, %s kernel: %s/s with %s, %% of %s (%.0f vs %.0f/s, guest time, one boot)",
		 !strcmp(wl->name, "lock") ? "threads on one mutex" :
		 "2 tasks switching on one CPU", kernel, wl->unit, wl->what[c],
		 wl->what[b], rc, rb);
	bench_result(key, rb > 0 ? 100.0 * rc / rb : 0, "%", b ? NULL : ">=97",
		     text);
	result_key(key, sizeof(key), "ns", flavour, b, c);
	snprintf(text, sizeof(text),
		 "guest ns %s adds per %s against %s, %s kernel (TCG time)",
		 wl->what[c], wl->event, wl->what[b], kernel);
	/*
	 * The difference means something only when the two sets of samples
	 * do not overlap: on a loaded host they spread over a factor of
	 * several, far more than a probe of tens of instructions adds.
	 */
	if (share <= 0 || rc <= 0 || rb <= 0) {
		bench_skip(key, "ns/event", NULL, "no events");
	} else if (chi >= blo) {
		snprintf(text, sizeof(text),
			 "%s kernel: the samples overlap (%s %.0f..%.0f/s, %s %.0f..%.0f/s): the cost is below this host's noise",
			 kernel, wl->cfg[b], blo, bhi, wl->cfg[c], clo, chi);
		bench_skip(key, "ns/event", NULL, text);
	} else {
		bench_result(key, (1e9 / rc - 1e9 / rb) / share, "ns/event",
			     NULL, text);
	}
}

static int run_flavour(const char *flavour, const char *ko)
{
	char cmd[16384], dir[4096], path[4200], add[4400];
	struct cfg_res res[MAX_CFG] = { 0 };
	int rc, c, bad = 0;

	snprintf(dir, sizeof(dir), "%s/%s-%s", outdir, wl->name, flavour);
	snprintf(path, sizeof(path), "%s-job.sh", dir);
	if (write_job(path))
		return -1;
	if (!strcmp(wl->name, "lock"))
		snprintf(add, sizeof(add), "'%s:" GUEST_DIR "kradar_bench_lock.ko'", ko);
	else
		snprintf(add, sizeof(add), "'%s:" GUEST_DIR "kradar-bench-sched'", prog);
	if ((size_t)snprintf(cmd, sizeof(cmd),
			     "ENABLE_KVM=${ENABLE_KVM:-0} '%s' --flavour %s --no-probe --timeout %d --add %s --add '%s:" GUEST_DIR "job.sh' --cmd 'sh " GUEST_DIR "job.sh' --out '%s' >'%s.log' 2>&1",
			     runner, flavour,
			     120 + reps * wl->ncfg * (ms / 1000 + 3) * 3,
			     add, path, dir, dir) >= sizeof(cmd)) {
		fprintf(stderr, "bench-oneboot: paths too long\n");
		return -1;
	}
	fprintf(stderr, "bench-oneboot: %s, %s kernel, %d x %d runs of %d ms\n",
		wl->name, flavour, reps, wl->ncfg, ms);
	rc = system(cmd);
	/* --no-probe: the collector gets no data and kradar-run exits 3 */
	if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) == 2 || WEXITSTATUS(rc) > 3) {
		fprintf(stderr, "bench-oneboot: kradar-run failed (status 0x%x), see %s.log\n",
			rc, dir);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/serial.log", dir);
	if (parse_serial(path, res)) {
		fprintf(stderr, "bench-oneboot: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (c = 0; c < wl->ncfg; c++) {
		int want = wl->probe_args[c] ? res[c].n : 0;

		if (!res[c].n ||
		    (wl->detector_on[c] ? res[c].on < want || res[c].off :
					  res[c].on || res[c].off < want)) {
			fprintf(stderr, "bench-oneboot: %s %s: %d samples, detector (%s) on %d / off %d times, expected %s; see %s\n",
				flavour, wl->cfg[c], res[c].n, wl->status,
				res[c].on, res[c].off,
				wl->detector_on[c] ? "on" : "off", path);
			bad = 1;
		}
	}
	if (bad)
		return -1;
	for (c = 1; c < wl->ncfg; c++)
		compare(flavour, res, c - 1, c);
	if (wl->ncfg > 2)
		compare(flavour, res, 0, wl->ncfg - 1);
	return 0;
}

int main(int argc, char **argv)
{
	const char *ko_cloud = NULL, *ko_rt = NULL, *name = "lock";
	int i, fail = 0, flavours = 0, rt = 0;

	for (i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(argv[i], "--rt")) {
			rt = 1;
			continue;
		}
		if (!v)
			goto usage;
		if (!strcmp(argv[i], "--workload"))
			name = v;
		else if (!strcmp(argv[i], "--runner"))
			runner = v;
		else if (!strcmp(argv[i], "--out"))
			outdir = v;
		else if (!strcmp(argv[i], "--ko-cloud"))
			ko_cloud = v;
		else if (!strcmp(argv[i], "--ko-rt"))
			ko_rt = v;
		else if (!strcmp(argv[i], "--prog"))
			prog = v;
		else if (!strcmp(argv[i], "--reps"))
			reps = atoi(v);
		else if (!strcmp(argv[i], "--ms"))
			ms = atoi(v);
		else if (!strcmp(argv[i], "--threads"))
			threads = atoi(v);
		else
			goto usage;
		i++;
	}
	for (i = 0; i < (int)(sizeof(workloads) / sizeof(workloads[0])); i++)
		if (!strcmp(name, workloads[i].name))
			wl = &workloads[i];
	if (!wl || !runner || !outdir || reps < 1 || reps > MAX_SAMPLES ||
	    ms < 1 || ms > 10000 || threads < 2 || threads > 16)
		goto usage;
	if (!strcmp(wl->name, "sched") && !prog) {
		fprintf(stderr, "bench-oneboot: --workload sched needs --prog (kradar-bench-sched)\n");
		return 2;
	}
	if (!strcmp(wl->name, "lock") && !ko_cloud && !ko_rt) {
		fprintf(stderr, "bench-oneboot: --workload lock needs --ko-cloud or --ko-rt\n");
		return 2;
	}
	if (strchr(outdir, '\'') || strchr(runner, '\'') ||
	    (prog && strchr(prog, '\'')) ||
	    (ko_cloud && strchr(ko_cloud, '\'')) || (ko_rt && strchr(ko_rt, '\''))) {
		fprintf(stderr, "bench-oneboot: paths must not contain '\n");
		return 2;
	}
	if (mkdir(outdir, 0777) && errno != EEXIST) {
		fprintf(stderr, "bench-oneboot: cannot create %s: %s\n",
			outdir, strerror(errno));
		return 2;
	}
	/* the sched workload is one program for both kernels */
	if (ko_cloud || !strcmp(wl->name, "sched")) {
		flavours++;
		fail |= run_flavour("cloud", ko_cloud) != 0;
	}
	if (ko_rt || (rt && !strcmp(wl->name, "sched"))) {
		flavours++;
		fail |= run_flavour("rt", ko_rt) != 0;
	}
	if (fflush(stdout) || ferror(stdout))
		return 2;
	return fail || !flavours;
usage:
	fprintf(stderr, "usage: bench-oneboot --workload lock|sched --runner PATH --out DIR [--ko-cloud KO] [--ko-rt KO] [--prog FILE [--rt]] [--reps 1..64] [--ms 1..10000] [--threads 2..16]\n");
	return 2;
}
