// SPDX-License-Identifier: GPL-2.0
/*
 * bench-sched: instructions per scheduler event of the stuck-CPU
 * detector.
 *
 * kradar_probe_wakeup() and kradar_probe_switch (kmod/kradar_sched_hot.h,
 * built by bench/Makefile with the kernel's -O2) run over a fixed
 * sequence of sched_wakeup/sched_switch hits under valgrind
 * --tool=callgrind. Each event goes through the trampoline of the path
 * it takes (bench/sched/sched_env.c), and each run counts inside one of
 * them only (--collect-atstart=no --toggle-collect=sched_call_PATH). The
 * same run with empty probes of the same prototypes is the baseline: the
 * difference over the events of that path is what the probe adds to one
 * of them. Paths: a wakeup onto a CPU with no wakeup pending (it
 * writes), with one pending (it reads); a switch with a pending wakeup
 * (it clears it), without (it reads). This program runs valgrind on
 * itself (--run) and reads the totals: line of callgrind's output.
 *
 *   bench-sched [--events N]           measure, print result lines
 *   bench-sched --run MIX MODE N       the measured process (MIX
 *                                      idle|busy, MODE probe|empty)
 *
 * Exit: 0 measured (or skipped: no valgrind), 1 a check failed, 2 usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "sched_hot.h"
#include "../bench.h"

#define SCHED_EVENTS_DEFAULT	1000000

static const char *const mix_names[SCHED_MIX_NR] = { "idle", "busy" };
static const char *const path_names[SCHED_PATH_NR] = {
	"wake_new", "wake_pending", "switch_pending", "switch_none",
};
static const char *const path_text[SCHED_PATH_NR] = {
	"sched_wakeup onto a CPU with no wakeup pending (writes pid, time)",
	"sched_wakeup onto a CPU with a wakeup pending (one load)",
	"sched_switch with a wakeup pending (clears it)",
	"sched_switch with none pending (one load)",
};

/* What the loop must leave behind: every path as the generator said. */
static int check_after(enum sched_mix mix, bool probe,
		       const size_t paths[SCHED_PATH_NR])
{
	int cpu;

	for (cpu = 0; cpu < SCHED_CPUS; cpu++) {
		if (!sched_cpu(cpu)->wake_ns)
			continue;
		fprintf(stderr, "bench-sched: %s: CPU %d left with a wakeup pending\n",
			mix_names[mix], cpu);
		return 1;
	}
	if (sched_clock_calls != (probe ? paths[SCHED_WAKE_NEW] : 0)) {
		fprintf(stderr, "bench-sched: %s/%s: %lu clock reads for %zu wakeups onto CPUs with none pending\n",
			mix_names[mix], probe ? "probe" : "empty",
			sched_clock_calls, paths[SCHED_WAKE_NEW]);
		return 1;
	}
	return 0;
}

/* The child: run the loop, print the events of each path. */
static int run_child(const char *mix_s, const char *mode_s, const char *n_s)
{
	size_t paths[SCHED_PATH_NR], events;
	struct sched_ev *ev;
	unsigned long long n;
	enum sched_mix mix;
	bool probe;
	int rc, p;

	for (mix = 0; mix < SCHED_MIX_NR; mix++)
		if (!strcmp(mix_s, mix_names[mix]))
			break;
	probe = !strcmp(mode_s, "probe");
	if (mix == SCHED_MIX_NR || (!probe && strcmp(mode_s, "empty")))
		return 2;
	n = strtoull(n_s, NULL, 10);
	if (n < 1000 || n > 100000000)
		return 2;
	ev = calloc(n, sizeof(*ev));
	if (!ev) {
		fprintf(stderr, "bench-sched: cannot allocate %llu events\n", n);
		return 2;
	}
	sched_reset();
	events = sched_gen(ev, n, mix, paths);
	sched_loop(ev, events, probe ? sched_probe_wakeup : sched_empty_wakeup,
		   probe ? sched_probe_switch : sched_empty_switch);
	free(ev);
	rc = check_after(mix, probe, paths);
	if (!rc)
		for (p = 0; p < SCHED_PATH_NR; p++)
			printf("%zu\n", paths[p]);
	return rc;
}

/*
 * Run "valgrind --tool=callgrind --toggle-collect=sched_call_PATH ...
 * self --run MIX MODE N"; Ir (or -1), and the events of each path the
 * child reported in paths[].
 */
static long long callgrind_ir(const char *self, const char *mix,
			      const char *mode, int path, const char *n_s,
			      int *missing, unsigned long long *paths)
{
	const char *args[] = { self, "--run", mix, mode, n_s, NULL };
	char res[] = "/tmp/kradar-bench-sched-out.XXXXXX";
	char what[96], toggle[64];
	long long ir;
	FILE *f;
	int rfd, p;

	rfd = mkstemp(res);
	if (rfd < 0)
		return -1;
	snprintf(what, sizeof(what), "%s/%s/%s", mix, mode, path_names[path]);
	snprintf(toggle, sizeof(toggle), "sched_call_%s", path_names[path]);
	ir = bench_callgrind_ir("bench-sched", what, toggle, args, rfd,
				missing);
	close(rfd);
	memset(paths, 0, SCHED_PATH_NR * sizeof(paths[0]));
	f = ir < 0 ? NULL : fopen(res, "r");
	for (p = 0; f && p < SCHED_PATH_NR; p++)
		if (fscanf(f, "%llu", &paths[p]) != 1)
			paths[p] = 0;
	if (f)
		fclose(f);
	unlink(res);
	if (ir <= 0)
		return -1;
	if (!paths[path]) {
		fprintf(stderr, "bench-sched: no event count from the callgrind run %s\n",
			what);
		return -1;
	}
	return ir;
}

int main(int argc, char **argv)
{
	/* per path: instructions added and events, over both mixes */
	long long add[SCHED_PATH_NR] = { 0 };
	unsigned long long count[SCHED_PATH_NR] = { 0 };
	unsigned long long n = SCHED_EVENTS_DEFAULT;
	char self[4096], n_s[32], text[300], key[64];
	int missing = 0, rc = 0, failed = 0, m, p;
	ssize_t len;

	if (argc == 5 && !strcmp(argv[1], "--run"))
		return run_child(argv[2], argv[3], argv[4]);
	if (argc == 3 && !strcmp(argv[1], "--events"))
		n = strtoull(argv[2], NULL, 10);
	else if (argc != 1) {
		fprintf(stderr, "usage: bench-sched [--events N]\n");
		return 2;
	}
	if (n < 1000 || n > 100000000) {
		fprintf(stderr, "bench-sched: --events must be 1000..100000000\n");
		return 2;
	}
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0) {
		fprintf(stderr, "bench-sched: cannot find my own binary: %s\n",
			strerror(errno));
		return 2;
	}
	self[len] = '\0';
	snprintf(n_s, sizeof(n_s), "%llu", n);

	for (m = 0; m < SCHED_MIX_NR; m++) {
		unsigned long long pp[SCHED_PATH_NR], pe[SCHED_PATH_NR];
		size_t want[SCHED_PATH_NR], events;
		long long mix_add = 0;
		struct sched_ev *ev;
		bool ok = true;

		/* the paths this mix takes, as the child will generate it */
		ev = calloc(n, sizeof(*ev));
		if (!ev) {
			fprintf(stderr, "bench-sched: cannot allocate %llu events\n", n);
			return 2;
		}
		sched_reset();
		events = sched_gen(ev, n, m, want);
		free(ev);
		for (p = 0; p < SCHED_PATH_NR && ok; p++) {
			long long probe, empty;
			int k;

			if (!want[p])
				continue;	/* a path this mix never takes */
			probe = callgrind_ir(self, mix_names[m], "probe", p, n_s,
					     &missing, pp);
			empty = probe < 0 ? -1 :
				callgrind_ir(self, mix_names[m], "empty", p,
					     n_s, &missing, pe);
			for (k = 0; k < SCHED_PATH_NR; k++)
				if (pp[k] != want[k] || pe[k] != want[k])
					ok = false;
			if (probe < 0 || empty < 0 || !ok) {
				ok = false;
				break;
			}
			mix_add += probe - empty;
			add[p] += probe - empty;
			count[p] += want[p];
		}
		snprintf(key, sizeof(key), "sched_instr_mix_%s", mix_names[m]);
		if (!ok || !events) {
			bench_skip(key, "instr/event", NULL, missing ?
				   "valgrind not found (apt-get install valgrind)" :
				   "callgrind run failed");
			rc = missing ? rc : 1;
			failed = 1;
			continue;
		}
		snprintf(text, sizeof(text),
			 "stuck-CPU detector per scheduler event, %s mix (%s; callgrind: %lld added over %llu events)",
			 mix_names[m], m == SCHED_MIX_IDLE ?
			 "wake onto an idle CPU, run, block" :
			 "bursts of 4 wakeups onto a busy CPU, then they run",
			 mix_add, (unsigned long long)events);
		bench_result(key, (double)mix_add / (double)events,
			     "instr/event", NULL, text);
	}
	for (p = 0; p < SCHED_PATH_NR; p++) {
		snprintf(key, sizeof(key), "sched_instr_%s", path_names[p]);
		if (!count[p]) {
			bench_skip(key, "instr/event", NULL, missing ?
				   "valgrind not found (apt-get install valgrind)" :
				   "callgrind run failed");
			continue;
		}
		snprintf(text, sizeof(text),
			 "stuck-CPU detector, %s (callgrind: %lld added over %llu events%s)",
			 path_text[p], add[p], count[p],
			 failed ? ", some runs failed" : "");
		bench_result(key, (double)add[p] / (double)count[p],
			     "instr/event", NULL, text);
	}
	if (fflush(stdout) || ferror(stdout))
		return 2;
	return rc;
}
