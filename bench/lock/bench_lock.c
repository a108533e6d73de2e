// SPDX-License-Identifier: GPL-2.0
/*
 * bench-lock: instructions per contention event of the lock detector.
 *
 * kradar_probe_begin() and kradar_probe_end() (kmod/kradar_lock_hot.h,
 * built twice by bench/Makefile with the kernel's -O2: as the cloud
 * kernel and as PREEMPT_RT) run over a fixed sequence of
 * contention_begin/contention_end hits under valgrind
 * --tool=callgrind, which counts only inside lock_loop()
 * (--collect-atstart=no --toggle-collect=lock_loop). The same loop then
 * runs with empty probes of the same signatures; the difference over the
 * number of contention events (one begin plus one end each) is what the
 * detector adds to one contention event. This program runs valgrind on
 * itself (--run) and reads the totals: line of callgrind's output.
 *
 *   bench-lock [--events N]             measure, print result lines
 *   bench-lock --run VARIANT MIX MODE N the measured process (VARIANT
 *                                       cloud|rt, MIX sleep|filtered,
 *                                       MODE probe|empty)
 *
 * Exit: 0 measured (or skipped: no valgrind), 1 a check failed, 2 usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "lock_hot.h"
#include "../bench.h"

#define LOCK_EVENTS_DEFAULT	1000000

static const char *const mix_names[LOCK_MIX_NR] = { "sleep", "filtered" };
static const struct lock_variant *const variants[] = {
	&lock_variant_cloud, &lock_variant_rt,
};

static const struct lock_variant *variant_of(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(variants) / sizeof(variants[0]); i++)
		if (!strcmp(variants[i]->name, name))
			return variants[i];
	return NULL;
}

/* The tables after the loop: what the sequence must leave behind. */
static int check_after(const struct lock_variant *v, enum lock_mix mix,
		       bool probe, size_t events)
{
	unsigned long used = 0, i;
	const struct kradar_acq *a;

	for (i = 0; i < KRADAR_WAITS; i++)
		used += v->waits[i].task != NULL;
	a = &v->acqs[hash_ptr(&lock_mutex, KRADAR_ACQ_BITS)];
	if (used || v->untracked->counter) {
		fprintf(stderr, "bench-lock: %s/%s: %lu slots left in use, %lld untracked\n",
			v->name, mix_names[mix], used,
			(long long)v->untracked->counter);
		return 1;
	}
	if (probe && mix == LOCK_MIX_SLEEP &&
	    (a->lock != &lock_mutex || lock_clock_calls != 2 * events)) {
		fprintf(stderr, "bench-lock: %s/sleep: acquisition not recorded or %lu clock reads for %zu events\n",
			v->name, lock_clock_calls, events);
		return 1;
	}
	if ((!probe || mix == LOCK_MIX_FILTERED) && lock_clock_calls) {
		fprintf(stderr, "bench-lock: %s/%s/%s read the clock %lu times\n",
			v->name, mix_names[mix], probe ? "probe" : "empty",
			lock_clock_calls);
		return 1;
	}
	return 0;
}

static int run_child(const char *var_s, const char *mix_s,
		     const char *mode_s, const char *n_s)
{
	const struct lock_variant *v = variant_of(var_s);
	struct lock_ev *ev;
	unsigned long long n;
	enum lock_mix mix;
	size_t events;
	bool probe;
	int rc;

	for (mix = 0; mix < LOCK_MIX_NR; mix++)
		if (!strcmp(mix_s, mix_names[mix]))
			break;
	probe = !strcmp(mode_s, "probe");
	if (!v || mix == LOCK_MIX_NR || (!probe && strcmp(mode_s, "empty")))
		return 2;
	n = strtoull(n_s, NULL, 10);
	if (n < 1000 || n > 100000000)
		return 2;
	ev = calloc(2 * n, sizeof(*ev));
	if (!ev) {
		fprintf(stderr, "bench-lock: cannot allocate %llu events\n", n);
		return 2;
	}
	v->reset();
	events = lock_gen(ev, 2 * n, mix, v);
	lock_loop(ev, 2 * events, probe ? v->begin : lock_empty_begin,
		  probe ? v->end : lock_empty_end);
	free(ev);
	rc = check_after(v, mix, probe, events);
	if (!rc)
		printf("%zu\n", events);
	return rc;
}

/*
 * Run "valgrind --tool=callgrind ... self --run VARIANT MIX MODE N";
 * Ir (or -1), and the child's count of contention events in *events.
 */
static long long callgrind_ir(const char *self, const char *var,
			      const char *mix, const char *mode,
			      const char *n_s, int *missing,
			      unsigned long long *events)
{
	const char *args[] = { self, "--run", var, mix, mode, n_s, NULL };
	char res[] = "/tmp/kradar-bench-lock-out.XXXXXX";
	char what[96];
	long long ir;
	FILE *f;
	int rfd;

	rfd = mkstemp(res);
	if (rfd < 0)
		return -1;
	snprintf(what, sizeof(what), "%s/%s/%s", var, mix, mode);
	ir = bench_callgrind_ir("bench-lock", what, "lock_loop", args, rfd,
				missing);
	close(rfd);
	*events = 0;
	f = ir < 0 ? NULL : fopen(res, "r");
	if (f) {
		if (fscanf(f, "%llu", events) != 1)
			*events = 0;
		fclose(f);
	}
	unlink(res);
	if (ir <= 0)
		return -1;
	if (!*events) {
		fprintf(stderr, "bench-lock: no event count from the callgrind run %s\n",
			what);
		return -1;
	}
	return ir;
}

int main(int argc, char **argv)
{
	char self[4096], n_s[32], text[300], key[64];
	unsigned long long n = LOCK_EVENTS_DEFAULT;
	int missing = 0, rc = 0;
	size_t vi, m;
	ssize_t len;

	if (argc == 6 && !strcmp(argv[1], "--run"))
		return run_child(argv[2], argv[3], argv[4], argv[5]);
	if (argc == 3 && !strcmp(argv[1], "--events"))
		n = strtoull(argv[2], NULL, 10);
	else if (argc != 1) {
		fprintf(stderr, "usage: bench-lock [--events N]\n");
		return 2;
	}
	if (n < 1000 || n > 100000000) {
		fprintf(stderr, "bench-lock: --events must be 1000..100000000\n");
		return 2;
	}
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0) {
		fprintf(stderr, "bench-lock: cannot find my own binary: %s\n",
			strerror(errno));
		return 2;
	}
	self[len] = '\0';
	snprintf(n_s, sizeof(n_s), "%llu", n);

	for (vi = 0; vi < sizeof(variants) / sizeof(variants[0]); vi++) {
		for (m = 0; m < LOCK_MIX_NR; m++) {
			const char *var = variants[vi]->name;
			unsigned long long ev_p = 0, ev_e = 0;
			long long probe, empty;

			snprintf(key, sizeof(key), "lock_instr_%s_%s", var,
				 mix_names[m]);
			probe = callgrind_ir(self, var, mix_names[m], "probe",
					     n_s, &missing, &ev_p);
			empty = probe < 0 ? -1 :
				callgrind_ir(self, var, mix_names[m], "empty",
					     n_s, &missing, &ev_e);
			if (probe < 0 || empty < 0 || ev_p != ev_e) {
				bench_skip(key, "instr/event", NULL, missing ?
					   "valgrind not found (apt-get install valgrind)" :
					   "callgrind run failed");
				rc = missing ? rc : 1;
				continue;
			}
			snprintf(text, sizeof(text),
				 "lock detector per contention event (begin+end), %s kernel, %s (callgrind: %lld - %lld empty, %llu events)",
				 !strcmp(var, "rt") ? "PREEMPT_RT" : "cloud",
				 m == LOCK_MIX_SLEEP ?
				 "mutex waits tracked, 3 asleep" :
				 !strcmp(var, "rt") ?
				 "spinlock_t (rtlock) waits, not tracked" :
				 "mutex optimistic spins, not tracked",
				 probe, empty, ev_p);
			bench_result(key, (double)(probe - empty) / (double)ev_p,
				     "instr/event", NULL, text);
		}
	}
	if (fflush(stdout) || ferror(stdout))
		return 2;
	return rc;
}
