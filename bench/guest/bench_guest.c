// SPDX-License-Identifier: GPL-2.0
/*
 * bench-guest: what a probe on hrtimer_expire_entry costs a guest that
 * runs hrtimer callbacks back to back (kradar_bench_hrtimer.ko), five
 * ways: no probe; an empty function on the tracepoint (tpempty: the
 * floor of any tracepoint probe); kradar_probe.ko; kradar-agent, the BPF
 * backend (--backend bpf); bpftrace counting the same tracepoint per
 * callback function.
 *
 * Each configuration boots a guest with tools/kradar-run (never two at
 * once), --reps times, alternating noprobe, tpempty, kradar, agent, bpftrace, so
 * that a change in the machine's load hits all of them alike; each boot loads the
 * module --samples times for --ms ms. Two rates per sample:
 *
 *   guest rate: callbacks per second of guest time, as the module prints
 *     it. Under TCG guest time is host wall time, so this falls when other
 *     processes take the host's CPUs.
 *   CPU rate: callbacks per second of CPU time of the QEMU thread that ran
 *     them. bench-guest watches serial.log while the guest runs and reads
 *     /proc/QEMU/task/ * /schedstat (ns on CPU) when the module's start
 *     line and its result line appear; the thread that gained the most
 *     CPU time in between is the vCPU that ran the callbacks. This does
 *     not depend on the machine's other load.
 *
 * Per configuration the median of all samples, and its ratio to no probe.
 * A boot counts only if its probe saw the callbacks: kradar's
 * /proc/kradar hrtimer_events, the agent's status (the same line),
 * bpftrace's count for its busiest function,
 * at least the callbacks the module ran.
 *
 *   bench-guest --runner PATH --ko KO --out DIR [--reps N] [--samples N]
 *               [--ms MS] [--no-bpftrace]
 * Exit: 0 measured, 1 a configuration failed, 2 usage.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "../bench.h"

#define MAX_SAMPLES	256
#define MAX_THREADS	128
#define MAX_ARGS	128
#define GUEST_KO	"/bench/kradar_bench_hrtimer.ko"

enum cfg { CFG_NOPROBE, CFG_TPEMPTY, CFG_KRADAR, CFG_AGENT, CFG_BPFTRACE,
	   CFG_N };
static const char *const cfg_name[CFG_N] = {
	"noprobe", "tpempty", "kradar", "agent", "bpftrace"
};
static const char *const cfg_label[CFG_N] = {
	"no probe", "empty tracepoint probe", "kradar_probe.ko",
	"kradar-agent (BPF)", "bpftrace"
};

struct sample {
	double guest_rate;
	double cpu_rate;	/* 0: not measured */
};

struct cfg_res {
	struct sample s[MAX_SAMPLES];
	int n;
	int failed_boots;
};

struct snap {
	int n;
	int tid[MAX_THREADS];
	unsigned long long ns[MAX_THREADS];
};

static const char *runner, *ko, *outdir;
static int reps = 3, samples = 3, ms = 2000, use_bpftrace = 1;
static char *bt_args[MAX_ARGS];	/* --add FILE:PATH for bpftrace */
static int bt_nargs;

/* bpftrace and the shared libraries it needs, into /bt/ in the guest. */
static int find_bpftrace(void)
{
	static char paths[MAX_ARGS / 2][1100];
	char line[1024], bin[512] = "";
	const char *path = getenv("PATH");
	int n = 0;
	FILE *p;

	while (path && *path && !*bin) {
		size_t l = strcspn(path, ":");

		snprintf(bin, sizeof(bin), "%.*s/bpftrace", (int)l, path);
		if (access(bin, X_OK))
			bin[0] = '\0';
		path += l + (path[l] == ':');
	}
	if (!*bin)
		return -1;
	snprintf(paths[n++], sizeof(paths[0]), "%s:/bt/bpftrace", bin);
	snprintf(line, sizeof(line), "ldd '%s'", bin);
	p = popen(line, "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p) && n < MAX_ARGS / 2) {
		char *lib = strstr(line, "=> /");
		const char *base;

		lib = lib ? lib + 3 : (line[0] == '\t' && line[1] == '/' ?
				       line + 1 : NULL);
		if (!lib)
			continue;
		lib[strcspn(lib, " \n")] = '\0';
		base = strrchr(lib, '/') + 1;
		snprintf(paths[n++], sizeof(paths[0]), "%s:/bt/lib/%s", lib,
			 strstr(base, "ld-linux") ? "ld.so" : base);
	}
	if (pclose(p) != 0)
		return -1;
	for (int i = 0; i < n; i++) {
		bt_args[bt_nargs++] = "--add";
		bt_args[bt_nargs++] = paths[i];
	}
	return 0;
}

static void guest_script(enum cfg c, char *buf, size_t len)
{
	const char *pre = "", *post = "";

	if (c == CFG_BPFTRACE) {
		pre =
		"mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null\n"
		"mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null\n"
		"/bt/lib/ld.so --library-path /bt/lib /bt/bpftrace -e "
		"'BEGIN { printf(\"kradar-bench: bpftrace attached\\n\"); } "
		"tracepoint:timer:hrtimer_expire_entry "
		"{ @[ksym(args->function)] = count(); }' >/tmp/bt.out 2>&1 &\n"
		"bt=$!\n"
		"n=0; while ! grep -q 'bpftrace attached' /tmp/bt.out; do\n"
		"  n=$((n+1)); [ $n -gt 1200 ] && break; kill -0 $bt || break; sleep 0.5\n"
		"done\n"
		"grep -q 'bpftrace attached' /tmp/bt.out || { cat /tmp/bt.out; echo 'kradar-bench: bpftrace did not start' >/dev/kmsg; exit 1; }\n"
		"sleep 2\n";
		post = "kill -INT $bt; wait $bt; cat /tmp/bt.out\n";
	}
	snprintf(buf, len,
		 "%s"
		 "i=0; while [ $i -lt %d ]; do\n"
		 "  insmod " GUEST_KO " duration_ms=%d%s && rmmod kradar_bench_hrtimer\n"
		 "  i=$((i+1))\n"
		 "done\n"
		 "%s",
		 pre, samples, ms, c == CFG_TPEMPTY ? " tp_probe=1" : "", post);
}

static void snapshot(int pid, struct snap *s)
{
	char path[320];
	struct dirent *d;
	DIR *dir;

	s->n = 0;
	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	while (dir && (d = readdir(dir)) && s->n < MAX_THREADS) {
		unsigned long long ns;
		FILE *f;

		if (!isdigit((unsigned char)d->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/schedstat", pid,
			 d->d_name);
		f = fopen(path, "r");
		if (f && fscanf(f, "%llu", &ns) == 1) {
			s->tid[s->n] = atoi(d->d_name);
			s->ns[s->n++] = ns;
		}
		if (f)
			fclose(f);
	}
	if (dir)
		closedir(dir);
}

/* CPU ns gained by the busiest thread from a to b. */
static unsigned long long busiest(const struct snap *a, const struct snap *b)
{
	unsigned long long best = 0;
	int i, j;

	for (i = 0; i < b->n; i++)
		for (j = 0; j < a->n; j++)
			if (a->tid[j] == b->tid[i] && b->ns[i] - a->ns[j] > best &&
			    b->ns[i] >= a->ns[j])
				best = b->ns[i] - a->ns[j];
	return best;
}

static int qemu_pid(const char *dir)
{
	char path[4200], line[256];
	int pid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/run-events.txt", dir);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		char *p = strstr(line, "qemu started");

		p = p ? strstr(p, "pid=") : NULL;
		if (p)
			pid = atoi(p + 4);
	}
	if (f)
		fclose(f);
	return pid;
}

/* Numbers after "label" in a line, or -1. */
static long long num_after(const char *line, const char *label)
{
	const char *p = strstr(line, label);

	return p ? strtoll(p + strlen(label), NULL, 10) : -1;
}

/*
 * Boot one guest for configuration @c into @dir, watching it; append
 * its samples to @r. 0, or -1 if the boot gave no valid sample.
 */
static int boot(enum cfg c, const char *dir, struct cfg_res *r)
{
	char script[4096], kadd[4200], logpath[4200], serial[4200], tmo[32];
	char *argv[MAX_ARGS + 32], line[1024];
	unsigned long long cpu_ns[MAX_SAMPLES];
	struct snap start = { 0 }, now;
	long long cb_sum = 0, seen = -1;
	size_t pos = 0;
	int argc = 0, status, pid, qpid = 0, nstart = 0, nend = 0, i;
	int ncpu = 0, nres = 0, first = r->n;
	FILE *f;

	guest_script(c, script, sizeof(script));
	snprintf(kadd, sizeof(kadd), "%s:" GUEST_KO, ko);
	snprintf(tmo, sizeof(tmo), "%d",
		 (c == CFG_BPFTRACE ? 600 : 60) + samples * (ms / 1000 + 3));
	argv[argc++] = (char *)runner;
	argv[argc++] = "--out";
	argv[argc++] = (char *)dir;
	argv[argc++] = "--timeout";
	argv[argc++] = tmo;
	argv[argc++] = "--add";
	argv[argc++] = kadd;
	if (c == CFG_AGENT) {
		argv[argc++] = "--backend";
		argv[argc++] = "bpf";
	} else if (c != CFG_KRADAR) {
		argv[argc++] = "--no-probe";
	}
	if (c == CFG_BPFTRACE) {
		argv[argc++] = "--mem";
		argv[argc++] = "1024";
		for (i = 0; i < bt_nargs; i++)
			argv[argc++] = bt_args[i];
	}
	argv[argc++] = "--cmd";
	argv[argc++] = script;
	argv[argc] = NULL;

	mkdir(dir, 0755);
	snprintf(logpath, sizeof(logpath), "%s.runner.log", dir);
	snprintf(serial, sizeof(serial), "%s/serial.log", dir);
	unlink(serial);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(runner, argv);
		_exit(127);
	}
	/* watch serial.log for the module's start and result lines */
	for (;;) {
		int done = waitpid(pid, &status, WNOHANG) == pid;

		if (!qpid)
			qpid = qemu_pid(dir);
		f = fopen(serial, "r");
		if (f && !fseek(f, (long)pos, SEEK_SET)) {
			while (fgets(line, sizeof(line), f)) {
				size_t l = strlen(line);

				if (line[l - 1] != '\n')
					break;	/* partial: read it again later */
				pos += l;
				if (!strstr(line, "kradar_bench_hrtimer: cpu"))
					continue;
				if (strstr(line, ": start,") && qpid) {
					snapshot(qpid, &start);
					nstart++;
				} else if (strstr(line, " callbacks in ") &&
					   nstart == nend + 1 && ncpu < MAX_SAMPLES) {
					snapshot(qpid, &now);
					cpu_ns[ncpu++] = busiest(&start, &now);
					nend++;
				}
			}
		}
		if (f)
			fclose(f);
		if (done)
			break;
		usleep(5000);
	}
	/* 0 nothing found, 1 finding, 3 no probe data (--no-probe) */
	if (!WIFEXITED(status) || WEXITSTATUS(status) == 2 || WEXITSTATUS(status) > 3) {
		fprintf(stderr, "bench-guest: %s: kradar-run failed (see %s)\n",
			dir, logpath);
		return -1;
	}

	/* the authoritative figures: the whole serial.log */
	f = fopen(serial, "r");
	while (f && fgets(line, sizeof(line), f)) {
		long long cb = num_after(line, ": cpu 1: ");
		long long ns = num_after(line, " callbacks in ");

		if (strstr(line, "kradar_bench_hrtimer: cpu") && cb > 0 && ns > 0 &&
		    r->n < MAX_SAMPLES) {
			r->s[r->n].guest_rate = cb * 1e9 / ns;
			r->s[r->n].cpu_rate = 0;
			if (nres < ncpu && ncpu == nend && cpu_ns[nres] > 0)
				r->s[r->n].cpu_rate = cb * 1e9 / cpu_ns[nres];
			r->n++;
			nres++;
			cb_sum += cb;
		}
		if ((c == CFG_KRADAR || c == CFG_AGENT) &&
		    strncmp(line, "hrtimer_events:", 15) == 0)
			seen = num_after(line, "hrtimer_events:");
		/* bpftrace resolves symbols of modules loaded after it
		 * started wrongly: take its busiest function */
		if (c == CFG_BPFTRACE && !strncmp(line, "@[", 2) &&
		    num_after(line, "]: ") > seen)
			seen = num_after(line, "]: ");
	}
	if (f)
		fclose(f);
	if (nres != samples ||
	    ((c == CFG_KRADAR || c == CFG_AGENT || c == CFG_BPFTRACE) &&
	     seen < cb_sum)) {
		fprintf(stderr, "bench-guest: %s: %d of %d samples; the probe saw %lld of %lld callbacks: boot not counted\n",
			dir, nres, samples, seen, cb_sum);
		r->n = first;
		return -1;
	}
	printf("# guest: %s:", dir);
	for (i = first; i < r->n; i++)
		printf(" %.0f/s (cpu %.0f/s)", r->s[i].guest_rate,
		       r->s[i].cpu_rate);
	if (c == CFG_KRADAR || c == CFG_AGENT || c == CFG_BPFTRACE)
		printf("; probe saw %lld of %lld", seen, cb_sum);
	printf("\n");
	fflush(stdout);
	return 0;
}

static double median_of(const struct cfg_res *r, int cpu, int *n)
{
	double v[MAX_SAMPLES];
	int i;

	for (*n = 0, i = 0; i < r->n; i++) {
		double x = cpu ? r->s[i].cpu_rate : r->s[i].guest_rate;

		if (x > 0)
			v[(*n)++] = x;
	}
	return *n ? bench_median(v, *n) : 0;
}

/* A bar per configuration, in commentary lines: BENCHMARKS.md's chart. */
static void chart(const double *m, const int *n, int cpu)
{
	int c, i, w;

	printf("# callbacks per %s second, %% of no probe (median):\n",
	       cpu ? "vCPU-thread CPU" : "guest");
	for (c = 0; c < CFG_N; c++) {
		double pct = n[c] ? 100 * m[c] / m[CFG_NOPROBE] : 0;

		printf("#   %-24s |", cfg_label[c]);
		w = n[c] ? (int)(pct / 2 + 0.5) : 0;
		for (i = 0; i < 60; i++)
			putchar(i < w ? '#' : ' ');
		if (n[c])
			printf("| %3.0f %%\n", pct);
		else
			printf("| not measured\n");
	}
}

static void report(struct cfg_res *res, int cpu)
{
	const char *kind = cpu ? "cpu" : "guest";
	double m[CFG_N];
	char key[64], text[256];
	int c, n[CFG_N];

	for (c = 0; c < CFG_N; c++) {
		m[c] = median_of(&res[c], cpu, &n[c]);
		snprintf(key, sizeof(key), "%s_%s_cb_s", kind, cfg_name[c]);
		snprintf(text, sizeof(text),
			 "callbacks per %s second, %s, median of %d samples",
			 cpu ? "vCPU-thread CPU" : "guest", cfg_name[c], n[c]);
		if (n[c])
			bench_result(key, m[c], "/s", "-", text);
		else
			bench_skip(key, "/s", "-", c == CFG_BPFTRACE && !use_bpftrace ?
				   "bpftrace not installed" : "no valid boot");
	}
	if (!n[CFG_NOPROBE])
		return;
	chart(m, n, cpu);
	for (c = CFG_TPEMPTY; c < CFG_N; c++) {
		snprintf(key, sizeof(key), "%s_%s_pct", kind, cfg_name[c]);
		snprintf(text, sizeof(text), "%s rate with %s, %% of no probe",
			 kind, cfg_name[c]);
		if (n[c])
			bench_result(key, 100 * m[c] / m[CFG_NOPROBE], "%",
				     c == CFG_KRADAR ? ">=97" : "-", text);
		else
			bench_skip(key, "%", c == CFG_KRADAR ? ">=97" : "-",
				   "no valid boot");
	}
	if (n[CFG_KRADAR] && n[CFG_BPFTRACE]) {
		snprintf(key, sizeof(key), "%s_kradar_minus_bpftrace", kind);
		bench_result(key, 100 * (m[CFG_KRADAR] - m[CFG_BPFTRACE]) /
			     m[CFG_NOPROBE], "points", ">0",
			     "kradar's % of no probe minus bpftrace's");
	}
}

int main(int argc, char **argv)
{
	static struct cfg_res res[CFG_N];
	char dir[4096];
	int i, rep, c, rc = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--no-bpftrace")) {
			use_bpftrace = 0;
			continue;
		}
		if (!v)
			goto usage;
		if (!strcmp(a, "--runner"))
			runner = v;
		else if (!strcmp(a, "--ko"))
			ko = v;
		else if (!strcmp(a, "--out"))
			outdir = v;
		else if (!strcmp(a, "--reps"))
			reps = atoi(v);
		else if (!strcmp(a, "--samples"))
			samples = atoi(v);
		else if (!strcmp(a, "--ms"))
			ms = atoi(v);
		else
			goto usage;
		i++;
	}
	if (!runner || !ko || !outdir || reps < 1 || reps > 20 ||
	    samples < 1 || samples > 20 || ms < 100 || ms > 5000)
		goto usage;
	if (access(ko, R_OK)) {
		fprintf(stderr, "bench-guest: cannot read %s: build it with make -C bench\n",
			ko);
		return 2;
	}
	if (use_bpftrace && find_bpftrace()) {
		fprintf(stderr, "bench-guest: bpftrace not found or ldd failed: bpftrace configuration skipped (apt-get install bpftrace)\n");
		use_bpftrace = 0;
	}
	mkdir(outdir, 0755);
	for (rep = 1; rep <= reps; rep++)
		for (c = 0; c < CFG_N; c++) {
			if (c == CFG_BPFTRACE && !use_bpftrace)
				continue;
			snprintf(dir, sizeof(dir), "%s/%s-%d", outdir,
				 cfg_name[c], rep);
			if (boot(c, dir, &res[c]))
				res[c].failed_boots++;
		}
	report(res, 0);
	report(res, 1);
	for (c = 0; c < CFG_N; c++)
		if (res[c].failed_boots && (c != CFG_BPFTRACE || use_bpftrace))
			rc = 1;
	if (fflush(stdout) || ferror(stdout))
		return 2;
	return rc;
usage:
	fprintf(stderr, "usage: bench-guest --runner PATH --ko KO --out DIR [--reps 1..20] [--samples 1..20] [--ms 100..5000] [--no-bpftrace]\n");
	return 2;
}
