// SPDX-License-Identifier: GPL-2.0
/*
 * libkradar unit tests: the JSON writer's integers, which readers
 * holding numbers as doubles must get back digit for digit, its pretty
 * form and reals; the output layer (out.h): text and JSON from the same
 * calls, nesting and commas, untrusted strings in either mode; bounded
 * appends (str.h).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "json.h"
#include "kradar_tap.h"
#include "out.h"
#include "str.h"

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

/* What @fn prints through an out_init(@flags) on a memory stream */
static char *render(void (*fn)(struct out *o), unsigned int flags)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct out o;
	int e;

	if (!f)
		return NULL;
	out_init(&o, f, flags);
	fn(&o);
	e = out_finish(&o);
	if (fclose(f) || e) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* A record as kradar-report prints one: values, nesting, text only lines */
static void print_record(struct out *o)
{
	out_str(o, "name", "name %s", "storm");
	out_uint(o, "count", ", %llu events", 3);
	out_int(o, "cpu", " on CPU %lld", -1);
	out_bool(o, "ended", ", ended %s", true);
	out_double(o, "rate", ", %.1f/s", 2.5);
	out_time(o, "time", " at [%s]", 62617360123ULL);
	out_stime(o, "begin", " from %s", -812345678LL);
	out_null(o, "hz", ", HZ unknown");
	out_text(o, "\n");
	out_arr_open(o, "cpus");
	out_int(o, NULL, "cpus:%lld", 0);
	out_int(o, "ignored", ",%lld", 1);	/* no key inside an array */
	out_arr_close(o);
	out_obj_open(o, "empty");
	out_obj_close(o);
	out_arr_open(o, "list");
	out_obj_open(o, NULL);
	out_str(o, "k", " k=%s", "v");
	out_obj_close(o);
	out_obj_open(o, NULL);
	out_obj_close(o);
	out_arr_close(o);
	out_text(o, "\n");
}

static void test_out_modes(void)
{
	char *text = render(print_record, 0);
	char *json = render(print_record, OUT_JSON);
	char *pretty = render(print_record, OUT_JSON_PRETTY);

	ASSERT_STREQ(text, "name storm, 3 events on CPU -1, ended yes, 2.5/s "
		     "at [62.617360] from -0.812345, HZ unknown\ncpus:0,1 k=v\n",
		     "out: text from the formats");
	ASSERT_STREQ(json, "{\"name\":\"storm\",\"count\":3,\"cpu\":-1,"
		     "\"ended\":true,\"rate\":2.5,\"time\":62.617360,"
		     "\"begin\":-0.812345,\"hz\":null,\"cpus\":[0,1],"
		     "\"empty\":{},\"list\":[{\"k\":\"v\"},{}]}\n",
		     "out: JSON from the same calls, the top object implicit");
	ASSERT_STREQ(pretty, "{\n"
		     "  \"name\": \"storm\",\n"
		     "  \"count\": 3,\n"
		     "  \"cpu\": -1,\n"
		     "  \"ended\": true,\n"
		     "  \"rate\": 2.5,\n"
		     "  \"time\": 62.617360,\n"
		     "  \"begin\": -0.812345,\n"
		     "  \"hz\": null,\n"
		     "  \"cpus\": [\n"
		     "    0,\n"
		     "    1\n"
		     "  ],\n"
		     "  \"empty\": {},\n"
		     "  \"list\": [\n"
		     "    {\n"
		     "      \"k\": \"v\"\n"
		     "    },\n"
		     "    {}\n"
		     "  ]\n"
		     "}\n", "out: pretty JSON, two-space indents, empty {} and []");
	free(text);
	free(json);
	free(pretty);
}

/* Left open on purpose: out_finish() closes it */
static void print_open(struct out *o)
{
	out_obj_open(o, NULL);
	out_arr_open(o, "a");
	out_obj_open(o, NULL);
	out_arr_open(o, "b");
	out_uint(o, NULL, NULL, 1);
}

static void test_out_finish(void)
{
	char *json = render(print_open, OUT_JSON);

	ASSERT_STREQ(json, "{\"a\":[{\"b\":[1]}]}\n",
		     "out: out_finish() closes what is open, in order");
	free(json);
}

static void print_big(struct out *o)
{
	out_uint(o, "max", "%llu", 1ULL << 53);
	out_uint(o, "above", " %llu", (1ULL << 53) + 1);
	out_int(o, "neg", " %lld", -(long long)(1ULL << 53) - 1);
	out_uint(o, "host_ns", " %llu", 1795000002060889530ULL);
}

static void test_out_exact(void)
{
	char *text = render(print_big, 0);
	char *json = render(print_big, OUT_JSON);

	ASSERT_STREQ(json, "{\"max\":9007199254740992,\"above\":\"9007199254740993\","
		     "\"neg\":\"-9007199254740993\",\"host_ns\":\"1795000002060889530\"}\n",
		     "out: integers beyond 2^53 are strings in JSON");
	ASSERT_STREQ(text, "9007199254740992 9007199254740993 -9007199254740993 "
		     "1795000002060889530", "out: and plain digits in text");
	free(text);
	free(json);
}

/* Guest text: a terminal escape, BEL, DEL, C1 CSI, invalid UTF-8, a tab */
static const char hostile[] =
	"a\033[31mred\a|\x7f|\xc2\x9b|\xff\xc3(|\t|\n|\xc3\xa9";

static void print_hostile(struct out *o)
{
	out_str(o, "s", "%s", hostile);
	out_text(o, "\n");
	out_block(o, "body", "%s", hostile);
	out_str(o, "none", " %s", NULL);
}

static void test_out_untrusted(void)
{
	char *text = render(print_hostile, 0);
	char *json = render(print_hostile, OUT_JSON);
	char *jshort = render(print_hostile, OUT_JSON_PRETTY);
	char *clean = out_clean("\x01ok\xe2\x82", false);

	ASSERT_STREQ(text, "a?[31mred?|?|?|\xef\xbf\xbd\xef\xbf\xbd(|\t|?|\xc3\xa9\n"
		     "a?[31mred?|?|?|\xef\xbf\xbd\xef\xbf\xbd(|\t|\n|\xc3\xa9 -",
		     "out: text cleans control characters and invalid UTF-8");
	ASSERT_STREQ(json, "{\"s\":\"a\\u001b[31mred\\u0007|\\u007f|\xc2\x9b|"
		     "\\ufffd\\ufffd(|\\u0009|\\u000a|\xc3\xa9\","
		     "\"body\":\"a\\u001b[31mred\\u0007|\\u007f|\xc2\x9b|"
		     "\\ufffd\\ufffd(|\\u0009|\\u000a|\xc3\xa9\",\"none\":null}\n",
		     "out: JSON escapes them, invalid UTF-8 as \\ufffd");
	ASSERT_TRUE(jshort && strstr(jshort, "\"s\": \"a\\u001b[31mred\\u0007|\\u007f|"
				     "\xc2\x9b|\xef\xbf\xbd\xef\xbf\xbd(|\\t|\\n|"),
		    "out: OUT_JSON_PRETTY escapes \\t \\n short, U+FFFD as itself");
	ASSERT_STREQ(clean, "?ok\xef\xbf\xbd\xef\xbf\xbd", "out_clean: a cut sequence");
	free(text);
	free(json);
	free(jshort);
	free(clean);
}

static void print_reals(struct out *o)
{
	out_double(o, "whole", NULL, 5);
	out_double(o, "tenth", NULL, 0.1);
	out_double(o, "big", NULL, 1e20);
	out_double(o, "small", NULL, 1e-5);
	out_double(o, "nan", "%f", NAN);
	out_double(o, "inf", NULL, INFINITY);
}

static void test_out_reals(void)
{
	char *exact = render(print_reals, OUT_JSON);
	char *six = render(print_reals, OUT_JSON | OUT_DIGITS(6));

	ASSERT_STREQ(exact, "{\"whole\":5.0,\"tenth\":0.10000000000000001,"
		     "\"big\":1e20,\"small\":1.0000000000000001e-5,\"nan\":null,"
		     "\"inf\":null}\n", "out: doubles exact by default, as jansson writes them");
	ASSERT_STREQ(six, "{\"whole\":5,\"tenth\":0.1,\"big\":1e+20,"
		     "\"small\":1e-05,\"nan\":null,\"inf\":null}\n",
		     "out: OUT_DIGITS(6) is printf's %.6g");
	free(exact);
	free(six);
}

static void test_out_error(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!ASSERT_TRUE(f != NULL, "out_error: memory stream"))
		return;
	out_error(f, OUT_JSON, "no \"dir\"");
	out_error(f, OUT_JSON_PRETTY, "again");
	fclose(f);
	ASSERT_STREQ(buf, "{\"error\":\"no \\\"dir\\\"\"}\n{\n  \"error\": \"again\"\n}\n",
		     "out_error: one document each");
	free(buf);
}

static void test_out_write_error(void)
{
	FILE *f = fopen("/dev/full", "w");
	struct out o;

	if (!f) {
		tap_skip("out_finish: a lost write is reported", "no /dev/full");
		return;
	}
	out_init(&o, f, OUT_JSON);
	out_str(&o, "k", NULL, "v");
	ASSERT_EQ_INT(out_finish(&o), -ENOSPC, "out_finish: a lost write is reported");
	fclose(f);
}

static void test_appendf(void)
{
	char buf[8] = "ab";

	kradar_appendf(buf, sizeof(buf), "%d-%s", 12, "x");
	ASSERT_STREQ(buf, "ab12-x", "appendf: appends");
	kradar_appendf(buf, sizeof(buf), "%s", "long tail");
	ASSERT_STREQ(buf, "ab12-xl", "appendf: cut at the buffer, terminated");
	kradar_appendf(buf, sizeof(buf), "%s", "more");
	ASSERT_STREQ(buf, "ab12-xl", "appendf: a full buffer stays as it is");
}

int main(void)
{
	test_appendf();
	test_integers();
	test_out_modes();
	test_out_finish();
	test_out_exact();
	test_out_untrusted();
	test_out_reals();
	test_out_error();
	test_out_write_error();
	return tap_done();
}
