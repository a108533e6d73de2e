// SPDX-License-Identifier: GPL-2.0
/*
 * Output layer of kradar-report: one call per value prints it as text or
 * as JSON. JSON strings are escaped and invalid UTF-8 (the guest runs a
 * kernel being fuzzed) is replaced by U+FFFD so the document stays valid.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

/* Text formats come from the callers as literals passed through; the
 * caller pairs each format with the value type of the function. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

#define MAX_DEPTH 16

bool json_output;
const char *prog_name = "kradar-report";

static int depth;
static bool need_comma[MAX_DEPTH];
static bool started;

static void json_str(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	putchar('"');
	while (*p) {
		unsigned char c = *p;
		int n = 0, i;

		if (c == '"' || c == '\\') {
			printf("\\%c", c);
			p++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			printf("\\u%04x", c);
			p++;
			continue;
		}
		if (c < 0x80) {
			putchar(c);
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3;
		for (i = 1; n && i <= n; i++)
			if ((p[i] & 0xc0) != 0x80)
				n = 0;
		/* reject overlongs and surrogates */
		if (n == 2 && ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0)))
			n = 0;
		if (n == 3 && ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90)))
			n = 0;
		if (!n) {
			fputs("\\ufffd", stdout);
			p++;
			continue;
		}
		fwrite(p, 1, (size_t)n + 1, stdout);
		p += n + 1;
	}
	putchar('"');
}

static void json_key(const char *key)
{
	if (!started) {
		started = true;
		depth = 0;
	}
	if (need_comma[depth])
		putchar(',');
	need_comma[depth] = true;
	if (key) {
		json_str(key);
		putchar(':');
	}
}

static void json_open(const char *key, char c)
{
	if (depth == 0 && !started) {
		/* implicit top-level object */
		started = true;
		putchar('{');
		depth = 1;
		need_comma[1] = false;
	}
	json_key(key);
	putchar(c);
	if (depth + 1 < MAX_DEPTH)
		depth++;
	need_comma[depth] = false;
}

static void json_close(char c)
{
	putchar(c);
	if (depth > 0)
		depth--;
}

static void json_value_prefix(const char *key)
{
	if (depth == 0) {
		started = true;
		putchar('{');
		depth = 1;
		need_comma[1] = false;
	}
	json_key(key);
}

void out_open_object(const char *key)
{
	if (json_output)
		json_open(key, '{');
}

void out_close_object(void)
{
	if (json_output)
		json_close('}');
}

void out_open_array(const char *key)
{
	if (json_output)
		json_open(key, '[');
}

void out_close_array(void)
{
	if (json_output)
		json_close(']');
}

void out_string(const char *key, const char *textfmt, const char *v)
{
	if (json_output) {
		json_value_prefix(key);
		json_str(v ? v : "");
	} else if (textfmt) {
		printf(textfmt, v ? v : "");
	}
}

void out_uint(const char *key, const char *textfmt, uint64_t v)
{
	if (json_output) {
		json_value_prefix(key);
		printf("%" PRIu64, v);
	} else if (textfmt) {
		printf(textfmt, v);
	}
}

void out_int(const char *key, const char *textfmt, int64_t v)
{
	if (json_output) {
		json_value_prefix(key);
		printf("%" PRId64, v);
	} else if (textfmt) {
		printf(textfmt, v);
	}
}

void out_bool(const char *key, const char *textfmt, bool v)
{
	if (json_output) {
		json_value_prefix(key);
		fputs(v ? "true" : "false", stdout);
	} else if (textfmt) {
		printf(textfmt, v ? "yes" : "no");
	}
}

void out_time(const char *key, const char *textfmt, uint64_t ns)
{
	char buf[48];

	snprintf(buf, sizeof(buf), "%" PRIu64 ".%06" PRIu64,
		 ns / 1000000000u, (ns % 1000000000u) / 1000u);
	if (json_output) {
		json_value_prefix(key);
		fputs(buf, stdout);
	} else if (textfmt) {
		printf(textfmt, buf);
	}
}

void out_text(const char *fmt, ...)
{
	va_list ap;

	if (json_output)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void p_err(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (json_output) {
		if (!started)
			out_string("error", NULL, msg);
		else
			fprintf(stderr, "%s: %s\n", prog_name, msg);
	} else {
		fprintf(stderr, "%s: %s\n", prog_name, msg);
	}
}

int out_finish(void)
{
	if (json_output) {
		while (depth > 0)
			json_close(depth == 1 ? '}' : ']');
		if (started)
			putchar('\n');
	}
	if (fflush(stdout) || ferror(stdout))
		return -1;
	return 0;
}
