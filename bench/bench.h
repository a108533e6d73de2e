/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kradar benchmarks: the one line format every bench program prints, read
 * back by bench-table, and small helpers they share.
 *
 * A result line is tab-separated:
 *   result <TAB> key <TAB> value <TAB> unit <TAB> goal <TAB> text
 * goal is "<=N", ">=N" or "-" (no goal). A figure that could not be
 * measured is printed with value "skip" and the reason as text. Lines that
 * do not start with "result\t" are commentary and pass through.
 */
#ifndef _KRADAR_BENCH_H
#define _KRADAR_BENCH_H

#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

static inline void bench_result(const char *key, double value,
				const char *unit, const char *goal,
				const char *text)
{
	printf("result\t%s\t%.6g\t%s\t%s\t%s\n", key, value, unit,
	       goal ? goal : "-", text);
}

static inline void bench_skip(const char *key, const char *unit,
			      const char *goal, const char *why)
{
	printf("result\t%s\tskip\t%s\t%s\t%s\n", key, unit, goal ? goal : "-",
	       why);
}

static inline uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * CPU time (user + system) of this process: what the host benchmarks
 * compare, so that other load on a shared machine, which steals wall time
 * but not CPU time, does not skew a ratio.
 */
static inline uint64_t bench_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Median of n values; sorts v in place. n > 0. */
static inline double bench_median(double *v, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
			double t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * Run @args (this program and its arguments, NULL-terminated, at most 10)
 * under callgrind, counting only inside the function @toggle, with the
 * child's stdout on @out_fd (-1: /dev/null). Returns the instructions
 * counted, or -1; sets *missing when valgrind is not installed. @who and
 * @what name the program and the run in error messages.
 */
static inline long long bench_callgrind_ir(const char *who, const char *what,
					   const char *toggle,
					   const char *const *args, int out_fd,
					   int *missing)
{
	char out[] = "/tmp/kradar-bench-callgrind.XXXXXX";
	char outopt[64], toggleopt[128], line[512];
	const char *argv[16] = {
		"valgrind", "--tool=callgrind", "-q", "--collect-atstart=no",
		toggleopt, outopt,
	};
	long long ir = -1;
	int fd, status;
	size_t n = 6;
	pid_t pid;
	FILE *f;

	while (*args && n < sizeof(argv) / sizeof(argv[0]) - 1)
		argv[n++] = *args++;
	argv[n] = NULL;
	fd = mkstemp(out);
	if (fd < 0)
		return -1;
	close(fd);
	snprintf(outopt, sizeof(outopt), "--callgrind-out-file=%s", out);
	snprintf(toggleopt, sizeof(toggleopt), "--toggle-collect=%s", toggle);
	pid = fork();
	if (pid < 0) {
		unlink(out);
		return -1;
	}
	if (pid == 0) {
		if (out_fd < 0)
			out_fd = open("/dev/null", O_WRONLY);
		if (out_fd >= 0)
			dup2(out_fd, 1);
		execvp("valgrind", (char *const *)argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
			*missing = 1;
		else
			fprintf(stderr, "%s: valgrind run %s failed (status 0x%x)\n",
				who, what, status);
		unlink(out);
		return -1;
	}
	f = fopen(out, "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "totals:", 7))
			ir = strtoll(line + 7, NULL, 10);
		else if (!strncmp(line, "summary:", 8) && ir < 0)
			ir = strtoll(line + 8, NULL, 10);
	}
	if (f)
		fclose(f);
	unlink(out);
	if (ir <= 0)
		fprintf(stderr, "%s: no totals in callgrind output for %s\n",
			who, what);
	return ir;
}

#endif /* _KRADAR_BENCH_H */
