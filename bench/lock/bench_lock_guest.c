// SPDX-License-Identifier: GPL-2.0
/*
 * bench-lock-guest: what kradar's lock detector costs a guest whose
 * threads fight for one mutex (kradar_bench_lock.ko), side by side in one
 * boot: the job loads the benchmark module with no probe, then loads
 * kradar_probe.ko and the benchmark module again, then unloads the probe,
 * --reps times, so a change in the host's load hits both alike. With no
 * probe the contention tracepoints are static branches not taken; with
 * kradar every contended acquisition runs contention_begin and
 * contention_end through the probe.
 *
 * One boot per kernel flavour given (--ko-cloud, --ko-rt: the module
 * built for that kernel), through tools/kradar-run --flavour F --no-probe
 * (the probe stays in the initramfs for the job to load). From the
 * module's lines on the console:
 *   kradar_bench_lock: TAG: T threads, D ms: N acquisitions, C contended, R/s
 * per configuration the median rate, and:
 *   - kradar's rate as % of no probe's (acquisitions per second of guest
 *     time; under TCG guest time is host time, so other load on the host
 *     adds noise to both alike);
 *   - the guest ns kradar adds per contention event: the difference of
 *     the time per acquisition, over the contended share of acquisitions
 *     (TCG time: many times a real CPU's).
 * The per-event figure is given only when the two sets of samples do not
 * overlap. A kradar sample counts only if the probe's lock detector was on
 * (/proc/kradar "locks:" line, copied to the console by the job).
 *
 *   bench-lock-guest --runner PATH --out DIR [--ko-cloud KO] [--ko-rt KO]
 *                    [--reps N] [--ms MS] [--threads N]
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
#define GUEST_KO	"/bench/kradar_bench_lock.ko"

enum cfg { CFG_NOPROBE, CFG_KRADAR, CFG_N };
static const char *const cfg_name[CFG_N] = { "noprobe", "kradar" };

struct cfg_res {
	double rate[MAX_SAMPLES];
	double contended[MAX_SAMPLES];	/* share of acquisitions */
	int n;
};

static const char *runner, *outdir;

static void span(const double *v, int n, double *lo, double *hi)
{
	int i;

	*lo = *hi = v[0];
	for (i = 1; i < n; i++) {
		*lo = v[i] < *lo ? v[i] : *lo;
		*hi = v[i] > *hi ? v[i] : *hi;
	}
}
static int reps = 3, ms = 1000, threads = 4;

/* Read the module's result lines and the detector's status from serial.log. */
static int parse_serial(const char *path, struct cfg_res *res, int *det_on,
			int *det_off)
{
	char line[1024];
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, "kradar_bench_lock: ");
		unsigned long long acq, cont, rate;
		unsigned int t, d;
		char tag[32];
		int c;

		if (strstr(line, "kradar-bench-lock: locks:")) {
			if (strstr(line, " off"))
				(*det_off)++;
			else
				(*det_on)++;
			continue;
		}
		if (!p || sscanf(p, "kradar_bench_lock: %31[^:]: %u threads, %u ms: %llu acquisitions, %llu contended, %llu/s",
				 tag, &t, &d, &acq, &cont, &rate) != 6)
			continue;
		for (c = 0; c < CFG_N; c++)
			if (!strcmp(tag, cfg_name[c]))
				break;
		if (c == CFG_N || !acq || res[c].n >= MAX_SAMPLES)
			continue;
		res[c].rate[res[c].n] = (double)rate;
		res[c].contended[res[c].n] = (double)cont / (double)acq;
		res[c].n++;
	}
	fclose(f);
	return 0;
}

static int run_flavour(const char *flavour, const char *ko)
{
	char cmd[16384], dir[4096], path[4200], key[64], text[400];
	struct cfg_res res[CFG_N] = { 0 };
	int rc, on = 0, off = 0;
	double rn, rk, share, nlo, nhi, klo, khi;
	FILE *f;

	/* the guest job, a file of its own: no quoting through two shells */
	snprintf(dir, sizeof(dir), "%s/%s", outdir, flavour);
	snprintf(path, sizeof(path), "%s-job.sh", dir);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		return -1;
	}
	fprintf(f, "a='threads=%d duration_ms=%d'\n"
		"for i in $(seq %d); do\n"
		"\tinsmod " GUEST_KO " tag=noprobe $a; rmmod kradar_bench_lock\n"
		"\tinsmod /lib/kradar/kradar_probe.ko || continue\n"
		"\techo \"kradar-bench-lock: $(grep '^locks:' /proc/kradar)\" >/dev/kmsg\n"
		"\tinsmod " GUEST_KO " tag=kradar $a; rmmod kradar_bench_lock\n"
		"\trmmod kradar_probe\n"
		"done\n", threads, ms, reps);
	if (fclose(f)) {
		perror(path);
		return -1;
	}
	if ((size_t)snprintf(cmd, sizeof(cmd),
			     "ENABLE_KVM=${ENABLE_KVM:-0} '%s' --flavour %s --no-probe --timeout %d --add '%s:" GUEST_KO "' --add '%s:/bench/job.sh' --cmd 'sh /bench/job.sh' --out '%s' >'%s.log' 2>&1",
			     runner, flavour, 120 + reps * 2 * (ms / 1000 + 3) * 3,
			     ko, path, dir, dir) >= sizeof(cmd)) {
		fprintf(stderr, "bench-lock-guest: paths too long\n");
		return -1;
	}
	fprintf(stderr, "bench-lock-guest: %s kernel, %d x 2 runs of %d ms\n",
		flavour, reps, ms);
	rc = system(cmd);
	/* --no-probe: the collector gets no data and kradar-run exits 3 */
	if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) == 2 || WEXITSTATUS(rc) > 3) {
		fprintf(stderr, "bench-lock-guest: kradar-run failed (status 0x%x), see %s.log\n",
			rc, dir);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/serial.log", dir);
	if (parse_serial(path, res, &on, &off) ||
	    !res[CFG_NOPROBE].n || !res[CFG_KRADAR].n || off || on < res[CFG_KRADAR].n) {
		fprintf(stderr, "bench-lock-guest: %s: %d no-probe and %d kradar samples, lock detector on %d / off %d times, see %s\n",
			flavour, res[CFG_NOPROBE].n, res[CFG_KRADAR].n, on,
			off, path);
		return -1;
	}
	span(res[CFG_NOPROBE].rate, res[CFG_NOPROBE].n, &nlo, &nhi);
	span(res[CFG_KRADAR].rate, res[CFG_KRADAR].n, &klo, &khi);
	rn = bench_median(res[CFG_NOPROBE].rate, res[CFG_NOPROBE].n);
	rk = bench_median(res[CFG_KRADAR].rate, res[CFG_KRADAR].n);
	share = bench_median(res[CFG_KRADAR].contended, res[CFG_KRADAR].n);
	printf("# %s: no probe %.0f/s (%.0f..%.0f), kradar %.0f/s (%.0f..%.0f), medians of %d and %d samples, %.1f %% of acquisitions contended\n",
	       flavour, rn, nlo, nhi, rk, klo, khi, res[CFG_NOPROBE].n,
	       res[CFG_KRADAR].n, share * 100);
	snprintf(key, sizeof(key), "lock_guest_pct_%s", flavour);
	snprintf(text, sizeof(text),
		 "%d threads on one mutex, %s kernel: acquisitions/s with kradar, %% of no probe (%.0f vs %.0f/s, guest time, one boot)",
		 threads, !strcmp(flavour, "rt") ? "PREEMPT_RT" : "cloud", rk, rn);
	bench_result(key, rn > 0 ? 100.0 * rk / rn : 0, "%", ">=97", text);
	snprintf(key, sizeof(key), "lock_guest_ns_%s", flavour);
	snprintf(text, sizeof(text),
		 "guest ns kradar adds per contention event, %s kernel (TCG time; %.1f %% of acquisitions contended)",
		 !strcmp(flavour, "rt") ? "PREEMPT_RT" : "cloud", share * 100);
	/*
	 * The difference means something only when the two sets of samples
	 * do not overlap: on a loaded host they spread over a factor of
	 * several, far more than a probe of ~150 instructions per event adds.
	 */
	if (share <= 0 || rk <= 0 || rn <= 0) {
		bench_skip(key, "ns/event", NULL, "no contended acquisitions");
	} else if (khi >= nlo) {
		snprintf(text, sizeof(text),
			 "%s kernel: the samples overlap (no probe %.0f..%.0f/s, kradar %.0f..%.0f/s): the cost is below this host's noise",
			 !strcmp(flavour, "rt") ? "PREEMPT_RT" : "cloud",
			 nlo, nhi, klo, khi);
		bench_skip(key, "ns/event", NULL, text);
	} else {
		bench_result(key, (1e9 / rk - 1e9 / rn) / share, "ns/event",
			     NULL, text);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *ko_cloud = NULL, *ko_rt = NULL;
	int i, fail = 0;

	for (i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			goto usage;
		if (!strcmp(argv[i], "--runner"))
			runner = v;
		else if (!strcmp(argv[i], "--out"))
			outdir = v;
		else if (!strcmp(argv[i], "--ko-cloud"))
			ko_cloud = v;
		else if (!strcmp(argv[i], "--ko-rt"))
			ko_rt = v;
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
	if (!runner || !outdir || (!ko_cloud && !ko_rt) || reps < 1 ||
	    reps > MAX_SAMPLES || ms < 1 || ms > 10000 || threads < 2 ||
	    threads > 16)
		goto usage;
	if (strchr(outdir, '\'') || strchr(runner, '\'') ||
	    (ko_cloud && strchr(ko_cloud, '\'')) || (ko_rt && strchr(ko_rt, '\''))) {
		fprintf(stderr, "bench-lock-guest: paths must not contain '\n");
		return 2;
	}
	if (mkdir(outdir, 0777) && errno != EEXIST) {
		fprintf(stderr, "bench-lock-guest: cannot create %s: %s\n",
			outdir, strerror(errno));
		return 2;
	}
	if (ko_cloud && run_flavour("cloud", ko_cloud))
		fail = 1;
	if (ko_rt && run_flavour("rt", ko_rt))
		fail = 1;
	if (fflush(stdout) || ferror(stdout))
		return 2;
	return fail;
usage:
	fprintf(stderr, "usage: bench-lock-guest --runner PATH --out DIR [--ko-cloud KO] [--ko-rt KO] [--reps 1..64] [--ms 1..10000] [--threads 2..16]\n");
	return 2;
}
