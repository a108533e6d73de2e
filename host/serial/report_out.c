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

#include "cli.h"
#include "json_string.h"
#include "report.h"

/* Text formats come from the callers as literals passed through; the
 * caller pairs each format with the value type of the function. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

#define MAX_DEPTH 16

bool json_output;
bool out_color;
const char *prog_name = "kradar-report";
static FILE *out_fp;
#define OUT (out_fp ? out_fp : stdout)

static int depth;
static bool need_comma[MAX_DEPTH];
static bool started;

static void json_str(const char *s)
{
	kradar_json_string(OUT, s, strlen(s), 0);
}

static void json_key(const char *key)
{
	if (!started) {
		started = true;
		depth = 0;
	}
	if (need_comma[depth])
		fputc(',', OUT);
	need_comma[depth] = true;
	if (key) {
		json_str(key);
		fputc(':', OUT);
	}
}

static void json_open(const char *key, char c)
{
	if (depth == 0 && !started) {
		/* implicit top-level object */
		started = true;
		fputc('{', OUT);
		depth = 1;
		need_comma[1] = false;
	}
	json_key(key);
	fputc(c, OUT);
	if (depth + 1 < MAX_DEPTH)
		depth++;
	need_comma[depth] = false;
}

static void json_close(char c)
{
	fputc(c, OUT);
	if (depth > 0)
		depth--;
}

static void json_value_prefix(const char *key)
{
	if (depth == 0) {
		started = true;
		fputc('{', OUT);
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
		fprintf(OUT, textfmt, v ? v : "");
	}
}

void out_uint(const char *key, const char *textfmt, uint64_t v)
{
	if (json_output) {
		json_value_prefix(key);
		fprintf(OUT, "%" PRIu64, v);
	} else if (textfmt) {
		fprintf(OUT, textfmt, v);
	}
}

void out_int(const char *key, const char *textfmt, int64_t v)
{
	if (json_output) {
		json_value_prefix(key);
		fprintf(OUT, "%" PRId64, v);
	} else if (textfmt) {
		fprintf(OUT, textfmt, v);
	}
}

void out_bool(const char *key, const char *textfmt, bool v)
{
	if (json_output) {
		json_value_prefix(key);
		fputs(v ? "true" : "false", OUT);
	} else if (textfmt) {
		fprintf(OUT, textfmt, v ? "yes" : "no");
	}
}

void out_time(const char *key, const char *textfmt, uint64_t ns)
{
	char buf[48];

	snprintf(buf, sizeof(buf), "%" PRIu64 ".%06" PRIu64,
		 ns / 1000000000u, (ns % 1000000000u) / 1000u);
	if (json_output) {
		json_value_prefix(key);
		fputs(buf, OUT);
	} else if (textfmt) {
		fprintf(OUT, textfmt, buf);
	}
}

void out_text(const char *fmt, ...)
{
	va_list ap;

	if (json_output)
		return;
	va_start(ap, fmt);
	vfprintf(OUT, fmt, ap);
	va_end(ap);
}

void p_err(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (json_output && !started)
		out_string("error", NULL, msg);
	else
		kradar_err("%s", msg);
}

int out_finish(void)
{
	if (!out_fp)
		out_fp = stdout;
	if (json_output) {
		while (depth > 0)
			json_close(depth == 1 ? '}' : ']');
		if (started)
			fputc('\n', OUT);
	}
	if (fflush(out_fp) || ferror(out_fp))
		return -1;
	return 0;
}

void out_begin(FILE *f, bool json)
{
	out_fp = f;
	json_output = json;
	depth = 0;
	started = false;
	memset(need_comma, 0, sizeof(need_comma));
}

FILE *out_file(void)
{
	if (!out_fp)
		out_fp = stdout;
	return out_fp;
}

void out_double(const char *key, const char *textfmt, double v)
{
	if (json_output) {
		json_value_prefix(key);
		if (v != v || v > 1e300 || v < -1e300)
			fputs("null", OUT);
		else
			fprintf(OUT, "%.6g", v);
	} else if (textfmt) {
		fprintf(OUT, textfmt, v);
	}
}

void out_stime(const char *key, const char *textfmt, int64_t ns)
{
	char buf[48];
	uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;

	snprintf(buf, sizeof(buf), "%s%" PRIu64 ".%06" PRIu64, ns < 0 ? "-" : "",
		 a / 1000000000u, (a % 1000000000u) / 1000u);
	if (json_output) {
		json_value_prefix(key);
		fputs(buf, OUT);
	} else if (textfmt) {
		fprintf(OUT, textfmt, buf);
	}
}

void out_null(const char *key)
{
	if (json_output) {
		json_value_prefix(key);
		fputs("null", OUT);
	}
}

const char *out_c(const char *code)
{
	return out_color && !json_output ? code : "";
}
