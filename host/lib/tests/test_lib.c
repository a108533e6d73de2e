// SPDX-License-Identifier: GPL-2.0
/*
 * libkradar unit tests: the JSON Lines writer's integers, which readers
 * holding numbers as doubles must get back digit for digit.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "json.h"
#include "kradar_tap.h"

/* One top-level object holding @key: @v, as jw writes it. */
static char *jw_line_u64(const char *key, uint64_t v, bool sign)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct jw j;

	if (!f)
		return NULL;
	jw_init(&j, f);
	jw_begin(&j);
	if (sign)
		jw_i64(&j, key, (int64_t)v);
	else
		jw_u64(&j, key, v);
	jw_end(&j);
	fclose(f);
	return buf;
}

static void test_integers(void)
{
	static const struct {
		uint64_t v;
		bool sign;
		const char *want;
	} c[] = {
		{ 0, false, "{\"n\":0}\n" },
		{ 1ULL << 53, false, "{\"n\":9007199254740992}\n" },
		{ (1ULL << 53) + 1, false, "{\"n\":\"9007199254740993\"}\n" },
		{ UINT64_MAX, false, "{\"n\":\"18446744073709551615\"}\n" },
		{ 1796000000123456789ULL, false,
		  "{\"n\":\"1796000000123456789\"}\n" },
		{ (uint64_t)-(int64_t)(1ULL << 53), true,
		  "{\"n\":-9007199254740992}\n" },
		{ (uint64_t)(-(int64_t)(1ULL << 53) - 1), true,
		  "{\"n\":\"-9007199254740993\"}\n" },
		{ (uint64_t)INT64_MIN, true, "{\"n\":\"-9223372036854775808\"}\n" },
		{ 42, true, "{\"n\":42}\n" },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char *got = jw_line_u64("n", c[i].v, c[i].sign);
		char name[96];

		snprintf(name, sizeof(name), "jw_%s %s",
			 c[i].sign ? "i64" : "u64", c[i].want);
		name[strlen(name) - 1] = '\0';
		ASSERT_STREQ(got, c[i].want, name);
		free(got);
	}
}

int main(void)
{
	test_integers();
	return tap_done();
}
