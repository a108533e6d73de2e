/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TAP output for kradar's host unit tests (not used by the module).
 *
 * Two styles, one counter:
 *  - assertions: ASSERT_EQ_INT/ASSERT_TRUE/ASSERT_STREQ each print one
 *    "ok N - name" line, with actual vs expected on failure (as the bpf
 *    selftests' ASSERT_EQ);
 *  - cases: tap_run(name, fn) runs fn, in which CHECK/CHECK_EQ/CHECK_STR
 *    record failures with actual vs expected, and prints one line.
 * tap_done() prints the plan and gives the exit status.
 */
#ifndef KRADAR_TAP_H
#define KRADAR_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed, tap_case_failed;

static inline __attribute__((format(printf, 2, 3)))
bool tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	fflush(stdout);
	return cond;
}

static inline void tap_skip(const char *name, const char *reason)
{
	printf("ok %d - %s # SKIP %s\n", ++tap_n, name, reason);
}

#define ASSERT_EQ_INT(actual, expected, name) ({				\
	long long __a = (long long)(actual), __e = (long long)(expected);	\
	bool __ok = tap_ok(__a == __e, "%s", name);				\
	if (!__ok)								\
		printf("#   actual %lld, expected %lld\n", __a, __e);	\
	__ok; })

#define ASSERT_TRUE(cond, name) ({					\
	bool __ok = tap_ok(!!(cond), "%s", name);			\
	if (!__ok)							\
		printf("#   expected true: %s\n", #cond);		\
	__ok; })

#define ASSERT_STREQ(actual, expected, name) ({				\
	const char *__a = (actual), *__e = (expected);			\
	bool __ok = tap_ok(__a && __e && !strcmp(__a, __e), "%s", name);	\
	if (!__ok)							\
		printf("#   actual   '%s'\n#   expected '%s'\n",		\
		       __a ? __a : "(null)", __e ? __e : "(null)");	\
	__ok; })

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
	tap_ok(!tap_case_failed, "%s", name);
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif /* KRADAR_TAP_H */
