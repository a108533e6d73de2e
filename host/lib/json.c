// SPDX-License-Identifier: GPL-2.0
/*
 * JSON Lines writer. See json.h. Everything goes through jw_key() so
 * commas and nesting are handled in one place.
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

static void jw_key(struct jw *j, const char *key)
{
	if (j->depth > 0) {
		if (!j->first[j->depth - 1])
			jw_put(j, ",");
		j->first[j->depth - 1] = false;
	}
	if (key) {
		errno = 0;
		kradar_json_string(j->f, key, strlen(key), KRADAR_JSON_SHORT);
		jw_check(j, 0);
		jw_put(j, ":");
	}
}

static void jw_open(struct jw *j, const char *key, const char *bracket)
{
	jw_key(j, key);
	jw_put(j, bracket);
	if (j->depth < JW_MAX_DEPTH)
		j->first[j->depth] = true;
	j->depth++;
}

static void jw_close(struct jw *j, const char *bracket)
{
	jw_put(j, bracket);
	if (j->depth > 0)
		j->depth--;
}

void jw_begin(struct jw *j)
{
	j->depth = 0;
	jw_open(j, NULL, "{");
}

void jw_end(struct jw *j)
{
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

void jw_strn(struct jw *j, const char *key, const char *s, size_t len)
{
	jw_key(j, key);
	errno = 0;
	kradar_json_string(j->f, s, len, KRADAR_JSON_SHORT);
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
