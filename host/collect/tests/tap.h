/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tiny TAP helpers: a test case is a function; CHECK_* record failures
 * with actual vs expected and the case reports "ok N - name" or
 * "not ok N - name" when it ends.
 */
#ifndef _KRADAR_TAP_H
#define _KRADAR_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_fails, tap_case_failed;

#define CHECK_EQ(actual, expected, what) do {				\
	unsigned long long _a = (actual), _e = (expected);		\
	if (_a != _e) {							\
		printf("#   %s: actual %llu, expected %llu (%s:%d)\n",	\
		       (what), _a, _e, __FILE__, __LINE__);		\
		tap_case_failed = 1;					\
	}								\
} while (0)

#define CHECK_STR(actual, expected, what) do {				\
	const char *_a = (actual), *_e = (expected);			\
	if (strcmp(_a, _e) != 0) {					\
		printf("#   %s: actual \"%s\", expected \"%s\" (%s:%d)\n", \
		       (what), _a, _e, __FILE__, __LINE__);		\
		tap_case_failed = 1;					\
	}								\
} while (0)

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		printf("#   check failed: %s: ", #cond);		\
		printf(__VA_ARGS__);					\
		printf(" (%s:%d)\n", __FILE__, __LINE__);		\
		tap_case_failed = 1;					\
	}								\
} while (0)

static inline void tap_run(const char *name, void (*fn)(void))
{
	tap_case_failed = 0;
	fn();
	tap_n++;
	if (tap_case_failed)
		tap_fails++;
	printf("%sok %d - %s\n", tap_case_failed ? "not " : "", tap_n, name);
	fflush(stdout);
}

static inline void tap_skip(const char *name, const char *reason)
{
	tap_n++;
	printf("ok %d - %s # SKIP %s\n", tap_n, name, reason);
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_fails ? 1 : 0;
}

#endif /* _KRADAR_TAP_H */
