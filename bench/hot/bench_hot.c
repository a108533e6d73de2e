// SPDX-License-Identifier: GPL-2.0
/*
 * bench-hot: instructions per hrtimer event of the probe's hot path.
 *
 * kradar_hot_count() (kmod/kradar_hot.h, compiled by bench/Makefile with
 * the kernel's -O2) runs over a fixed sequence of expiries under
 * valgrind --tool=callgrind, which counts only inside hot_loop()
 * (--collect-atstart=no --toggle-collect=hot_loop). The same loop then
 * runs with an empty function of the same signature, the same way; the
 * difference over the number of events is what the hot path adds per
 * event. This program runs valgrind on itself (--run) and reads the
 * totals: line of callgrind's output file.
 *
 *   bench-hot [--events N]       measure, print result lines (bench.h)
 *   bench-hot --run MIX MODE N   the measured process (MIX storm|mixed,
 *                                MODE count|empty)
 *
 * Exit: 0 measured (or skipped: no valgrind), 1 a check failed, 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "hot.h"
#include "../bench.h"

#define HOT_EVENTS_DEFAULT	1000000

static const char *const mix_names[] = { "storm", "mixed" };

static int run_child(const char *mix_s, const char *mode_s, const char *n_s)
{
	struct kradar_cpu c;
	struct hot_event *ev;
	enum hot_mix mix;
	unsigned long long n, sum, ticks = 0;
	bool count;
	size_t i;

	if (!strcmp(mix_s, "storm"))
		mix = HOT_MIX_STORM;
	else if (!strcmp(mix_s, "mixed"))
		mix = HOT_MIX_MIXED;
	else
		return 2;
	count = !strcmp(mode_s, "count");
	if (!count && strcmp(mode_s, "empty"))
		return 2;
	n = strtoull(n_s, NULL, 10);
	if (n == 0 || n > 100000000)
		return 2;
	ev = calloc(n, sizeof(*ev));
	if (!ev) {
		fprintf(stderr, "bench-hot: cannot allocate %llu events\n", n);
		return 2;
	}
	hot_gen(ev, n, mix);
	hot_cpu_init(&c);
	hot_loop(&c, ev, n, count ? hot_event_count : hot_event_empty);

	/* the loop did what it should: every event counted, or none */
	for (sum = c.unattributed, i = 0; i < KRADAR_SLOTS; i++)
		sum += c.slot[i].count;
	for (i = 0; i < n; i++)
		ticks += ev[i].fn == HOT_FN_TICK_SCHED_TIMER;
	free(ev);
	if (sum != (count ? n : 0) || hot_rare_calls != (count ? ticks : 0)) {
		fprintf(stderr, "bench-hot: %s/%s: counted %llu of %llu events, rare path %lu times for %llu ticks\n",
			mix_s, mode_s, sum, n, hot_rare_calls, ticks);
		return 1;
	}
	return 0;
}

/* Run "valgrind --tool=callgrind ... self --run MIX MODE N"; Ir or -1. */
static long long callgrind_ir(const char *self, const char *mix,
			      const char *mode, const char *n_s, int *missing)
{
	const char *args[] = { self, "--run", mix, mode, n_s, NULL };
	char what[64];

	snprintf(what, sizeof(what), "%s/%s", mix, mode);
	return bench_callgrind_ir("bench-hot", what, "hot_loop", args, -1,
				  missing);
}

int main(int argc, char **argv)
{
	char self[4096], n_s[32], text[256], key[64];
	unsigned long long n = HOT_EVENTS_DEFAULT;
	int missing = 0, rc = 0;
	ssize_t len;
	size_t m;

	if (argc == 5 && !strcmp(argv[1], "--run"))
		return run_child(argv[2], argv[3], argv[4]);
	if (argc == 3 && !strcmp(argv[1], "--events"))
		n = strtoull(argv[2], NULL, 10);
	else if (argc != 1) {
		fprintf(stderr, "usage: bench-hot [--events N]\n");
		return 2;
	}
	if (n < 1000 || n > 100000000) {
		fprintf(stderr, "bench-hot: --events must be 1000..100000000\n");
		return 2;
	}
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0) {
		fprintf(stderr, "bench-hot: cannot find my own binary: %s\n",
			strerror(errno));
		return 2;
	}
	self[len] = '\0';
	snprintf(n_s, sizeof(n_s), "%llu", n);

	for (m = 0; m < 2; m++) {
		long long hot, empty;

		snprintf(key, sizeof(key), "hot_instr_%s", mix_names[m]);
		hot = callgrind_ir(self, mix_names[m], "count", n_s, &missing);
		empty = hot < 0 ? -1 :
			callgrind_ir(self, mix_names[m], "empty", n_s, &missing);
		if (hot < 0 || empty < 0) {
			bench_skip(key, "instr/event", "<=30", missing ?
				   "valgrind not found (apt-get install valgrind)" :
				   "callgrind run failed");
			rc = missing ? rc : 1;
			continue;
		}
		snprintf(text, sizeof(text),
			 "probe hot path, %s events (callgrind: %lld - %lld empty loop, %llu events)",
			 m == HOT_MIX_STORM ? "storm-only" :
			 "96% storm + tick/wakeup/watchdog",
			 hot, empty, n);
		bench_result(key, (double)(hot - empty) / (double)n,
			     "instr/event", "<=30", text);
	}
	if (fflush(stdout) || ferror(stdout))
		return 2;
	return rc;
}
