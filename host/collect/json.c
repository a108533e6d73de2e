// SPDX-License-Identifier: GPL-2.0
/*
 * JSON Lines writer. See json.h. Everything goes through jw_key() so
 * commas and nesting are handled in one place.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "json.h"

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

size_t utf8_seq_len(const unsigned char *s, size_t len)
{
	unsigned int c = s[0];
	size_t n;
	unsigned int cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, UTF-16 surrogates, beyond U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

void json_write_string(FILE *f, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	fputc('"', f);
	while (i < len) {
		unsigned char c = s[i];
		size_t n;

		switch (c) {
		case '"':  fputs("\\\"", f); i++; continue;
		case '\\': fputs("\\\\", f); i++; continue;
		case '\n': fputs("\\n", f); i++; continue;
		case '\r': fputs("\\r", f); i++; continue;
		case '\t': fputs("\\t", f); i++; continue;
		}
		if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
			i++;
			continue;
		}
		n = utf8_seq_len(s + i, len - i);
		if (!n) {
			fputs("\\ufffd", f);
			i++;
			continue;
		}
		fwrite(s + i, 1, n, f);
		i += n;
	}
	fputc('"', f);
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
		json_write_string(j->f, key, strlen(key));
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
	jw_check(j, fprintf(j->f, "%llu", (unsigned long long)v));
}

void jw_i64(struct jw *j, const char *key, int64_t v)
{
	jw_key(j, key);
	errno = 0;
	jw_check(j, fprintf(j->f, "%lld", (long long)v));
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
	json_write_string(j->f, s, len);
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
