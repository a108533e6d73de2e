/* SPDX-License-Identifier: GPL-2.0 */
/* Minimal TAP helpers for kradar's host unit tests: named assertions that
 * print actual vs expected on failure (in the style of the bpf selftests'
 * ASSERT_EQ). */
#ifndef KRADAR_TAP_H
#define KRADAR_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static inline bool tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
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

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif /* KRADAR_TAP_H */
