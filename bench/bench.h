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

#include <stdio.h>
#include <stdint.h>
#include <time.h>

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

#endif /* _KRADAR_BENCH_H */
