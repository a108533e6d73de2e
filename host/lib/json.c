// SPDX-License-Identifier: GPL-2.0
/*
 * JSON writer, compact or pretty. See json.h. Everything goes through
 * jw_key() so commas, indents and nesting are handled in one place.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "json.h"
#include "json_string.h"

#pragma GCC poison u8 u16 u32 u64

void jw_init(struct jw *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	j->str_flags = KRADAR_JSON_SHORT;
}

/* The slot of nesting level @depth (0: inside the top-level value) */
static int jw_slot(int depth)
{
	return depth < JW_MAX_DEPTH ? depth : JW_MAX_DEPTH - 1;
}

/* Remember the first write error with its errno (stdio keeps only a flag) */
static void jw_check(struct jw *j, int rc)
{
	if (!j->err && (rc < 0 || ferror(j->f)))
		j->err = -(errno ? errno : EIO);
}

static void jw_put(struct jw *j, const char *s)
{
	errno = 0;
	jw_check(j, fputs(s, j->f));
}

static void jw_newline(struct jw *j, int depth)
{
	errno = 0;
	jw_check(j, fprintf(j->f, "\n%*s", 2 * depth, ""));
}

/* The comma, newline and indent before a value, and its key */
static void jw_key(struct jw *j, const char *key)
{
	int l = jw_slot(j->depth - 1);

	if (j->depth <= 0 || j->arr[l])
		key = NULL;	/* a top-level value or an array element */
	if (j->depth > 0) {
		if (!j->first[l])
			jw_put(j, ",");
		j->first[l] = false;
		if (j->flags & JW_PRETTY)
			jw_newline(j, j->depth);
	}
	if (key) {
		errno = 0;
		kradar_json_string(j->f, key, strlen(key), j->str_flags);
		jw_check(j, 0);
		jw_put(j, j->flags & JW_PRETTY ? ": " : ":");
	}
}

static void jw_open(struct jw *j, const char *key, const char *bracket)
{
	int l = jw_slot(j->depth);

	jw_key(j, key);
	jw_put(j, bracket);
	j->first[l] = true;
	j->arr[l] = *bracket == '[';
	j->depth++;
}

static void jw_close(struct jw *j, const char *bracket)
{
	if (j->depth > 0)
		j->depth--;
	if ((j->flags & JW_PRETTY) && !j->first[jw_slot(j->depth)])
		jw_newline(j, j->depth);
	jw_put(j, bracket);
}

void jw_begin(struct jw *j)
{
	j->depth = 0;
	jw_open(j, NULL, "{");
}

void jw_end(struct jw *j)
{
	while (j->depth > 1)
		jw_close(j, j->arr[jw_slot(j->depth - 1)] ? "]" : "}");
	jw_close(j, "}");
	jw_put(j, "\n");
}

void jw_obj(struct jw *j, const char *key)
{
	jw_open(j, key, "{");
}

void jw_obj_end(struct jw *j)
{
	jw_close(j, "}");
}

void jw_arr(struct jw *j, const char *key)
{
	jw_open(j, key, "[");
}

void jw_arr_end(struct jw *j)
{
	jw_close(j, "]");
}

void jw_u64(struct jw *j, const char *key, uint64_t v)
{
	jw_key(j, key);
	errno = 0;
	jw_check(j, fprintf(j->f, v > JW_EXACT_MAX ? "\"%llu\"" : "%llu",
			    (unsigned long long)v));
}

void jw_i64(struct jw *j, const char *key, int64_t v)
{
	bool exact = v >= -(int64_t)JW_EXACT_MAX && v <= (int64_t)JW_EXACT_MAX;

	jw_key(j, key);
	errno = 0;
	jw_check(j, fprintf(j->f, exact ? "%lld" : "\"%lld\"", (long long)v));
}

void jw_double(struct jw *j, const char *key, double v, int decimals)
{
	jw_key(j, key);
	if (!isfinite(v))
		jw_put(j, "null");
	else {
		errno = 0;
		jw_check(j, fprintf(j->f, "%.*f", decimals, v));
	}
}

void jw_real(struct jw *j, const char *key, double v, int digits)
{
	char buf[40], *e, *d, *p;

	jw_key(j, key);
	if (!isfinite(v)) {
		jw_put(j, "null");
		return;
	}
	/* 17 digits tell every double apart; more only add noise */
	snprintf(buf, sizeof(buf), "%.*g", digits > 0 && digits < 17 ? digits : 17, v);
	e = strchr(buf, 'e');
	if (digits == JW_REAL_EXACT && !e && !strchr(buf, '.')) {
		strcat(buf, ".0");
	} else if (digits == JW_REAL_EXACT && e) {
		/* the exponent without '+' and leading zeros: 1e20, 1e-5 */
		d = e[1] == '-' ? e + 2 : e + 1;
		for (p = e + 1; *p == '+' || *p == '-' || (*p == '0' && p[1]); p++)
			;
		memmove(d, p, strlen(p) + 1);
	}
	jw_put(j, buf);
}

void jw_seconds(struct jw *j, const char *key, bool negative, uint64_t ns)
{
	jw_key(j, key);
	errno = 0;
	jw_check(j, fprintf(j->f, "%s%llu.%06llu", negative ? "-" : "",
			    (unsigned long long)(ns / 1000000000u),
			    (unsigned long long)(ns % 1000000000u / 1000u)));
}

void jw_strn(struct jw *j, const char *key, const char *s, size_t len)
{
	jw_key(j, key);
	errno = 0;
	kradar_json_string(j->f, s, len, j->str_flags);
	jw_check(j, 0);
}

void jw_str(struct jw *j, const char *key, const char *s)
{
	jw_strn(j, key, s, strlen(s));
}

void jw_hex(struct jw *j, const char *key, uint64_t v)
{
	jw_key(j, key);
	errno = 0;
	jw_check(j, fprintf(j->f, "\"0x%llx\"", (unsigned long long)v));
}

void jw_bool(struct jw *j, const char *key, bool v)
{
	jw_key(j, key);
	jw_put(j, v ? "true" : "false");
}

void jw_null(struct jw *j, const char *key)
{
	jw_key(j, key);
	jw_put(j, "null");
}
