// SPDX-License-Identifier: GPL-2.0
/*
 * Text and JSON from one call; see out.h. JSON is struct jw's (json.c),
 * text is the callers' printf formats with untrusted strings cleaned.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "utf8.h"

#pragma GCC poison u8 u16 u32 u64
/* formats come from the callers' string literals (iproute2 does the same) */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

void out_init(struct out *o, FILE *f, unsigned int flags)
{
	memset(o, 0, sizeof(*o));
	o->f = f;
	o->json = flags & OUT_JSON;
	o->digits = (flags >> 24) & 0xff;
	jw_init(&o->jw, f);
	o->jw.flags = flags & OUT_PRETTY ? JW_PRETTY : 0;
	o->jw.str_flags = (flags >> 8) & 0xff;
}

/* Before a JSON value or container: the implicit top-level object */
static void json_value(struct out *o)
{
	if (!o->jw.depth)
		jw_begin(&o->jw);
}

void out_obj_open(struct out *o, const char *key)
{
	if (!o->json)
		return;
	if (!o->jw.depth && !key) {
		jw_begin(&o->jw);	/* the top-level object itself */
		return;
	}
	json_value(o);
	jw_obj(&o->jw, key);
}

void out_obj_close(struct out *o)
{
	if (!o->json || !o->jw.depth)
		return;
	if (o->jw.depth == 1)
		jw_end(&o->jw);
	else
		jw_obj_end(&o->jw);
}

void out_arr_open(struct out *o, const char *key)
{
	if (!o->json)
		return;
	json_value(o);
	jw_arr(&o->jw, key);
}

void out_arr_close(struct out *o)
{
	if (o->json && o->jw.depth > 1)
		jw_arr_end(&o->jw);
}

int out_finish(struct out *o)
{
	int err;

	if (o->json && o->jw.depth)
		jw_end(&o->jw);
	errno = 0;
	if (fflush(o->f) || ferror(o->f))
		err = -(errno ? errno : EIO);
	else
		err = o->jw.err;
	return err;
}

char *out_clean(const char *s, bool keep_newlines)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t len = strlen((const char *)p), i = 0, n = 0;
	char *r;

	if (len > (SIZE_MAX - 1) / 3)
		return NULL;
	r = malloc(3 * len + 1);	/* each invalid byte grows to U+FFFD */
	if (!r)
		return NULL;
	while (i < len) {
		unsigned char c = p[i];
		size_t k = kradar_utf8_len(p + i, len - i);

		if (!k) {
			memcpy(r + n, "\xef\xbf\xbd", 3);
			n += 3;
			i++;
		} else if ((c < 0x20 && c != '\t' && !(keep_newlines && c == '\n')) ||
			   c == 0x7f || (c == 0xc2 && p[i + 1] < 0xa0)) {
			r[n++] = '?';	/* C0, DEL, or C1 (U+0080-U+009F) */
			i += k;
		} else {
			memcpy(r + n, p + i, k);
			n += k;
			i += k;
		}
	}
	r[n] = '\0';
	return r;
}

static void text_str(struct out *o, const char *fmt, const char *v, bool keep_nl)
{
	char *c = out_clean(v, keep_nl);

	fprintf(o->f, fmt, c ? c : "?");
	free(c);
}

void out_str(struct out *o, const char *key, const char *fmt, const char *v)
{
	if (o->json) {
		json_value(o);
		if (v)
			jw_str(&o->jw, key, v);
		else
			jw_null(&o->jw, key);
	} else if (fmt) {
		text_str(o, fmt, v ? v : "-", false);
	}
}

void out_block(struct out *o, const char *key, const char *fmt, const char *v)
{
	if (o->json)
		out_str(o, key, fmt, v);
	else if (fmt)
		text_str(o, fmt, v ? v : "", true);
}

void out_int(struct out *o, const char *key, const char *fmt, long long v)
{
	if (o->json) {
		json_value(o);
		jw_i64(&o->jw, key, v);
	} else if (fmt) {
		fprintf(o->f, fmt, v);
	}
}

void out_uint(struct out *o, const char *key, const char *fmt,
	      unsigned long long v)
{
	if (o->json) {
		json_value(o);
		jw_u64(&o->jw, key, v);
	} else if (fmt) {
		fprintf(o->f, fmt, v);
	}
}

void out_bool(struct out *o, const char *key, const char *fmt, bool v)
{
	if (o->json) {
		json_value(o);
		jw_bool(&o->jw, key, v);
	} else if (fmt) {
		fprintf(o->f, fmt, v ? "yes" : "no");
	}
}

void out_double(struct out *o, const char *key, const char *fmt, double v)
{
	if (o->json) {
		json_value(o);
		jw_real(&o->jw, key, v, o->digits);
	} else if (fmt) {
		fprintf(o->f, fmt, v);
	}
}

static void seconds(struct out *o, const char *key, const char *fmt,
		    bool neg, unsigned long long ns)
{
	char buf[48];

	if (o->json) {
		json_value(o);
		jw_seconds(&o->jw, key, neg, ns);
	} else if (fmt) {
		snprintf(buf, sizeof(buf), "%s%llu.%06llu", neg ? "-" : "",
			 ns / 1000000000u, ns % 1000000000u / 1000u);
		fprintf(o->f, fmt, buf);
	}
}

void out_time(struct out *o, const char *key, const char *fmt,
	      unsigned long long ns)
{
	seconds(o, key, fmt, false, ns);
}

void out_stime(struct out *o, const char *key, const char *fmt, long long ns)
{
	seconds(o, key, fmt, ns < 0,
		ns < 0 ? 0ULL - (unsigned long long)ns : (unsigned long long)ns);
}

void out_null(struct out *o, const char *key, const char *text)
{
	if (o->json) {
		json_value(o);
		jw_null(&o->jw, key);
	} else if (text) {
		fputs(text, o->f);
	}
}

void out_text(struct out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->json)
		return;
	va_start(ap, fmt);
	vfprintf(o->f, fmt, ap);
	va_end(ap);
}

int out_error(FILE *f, unsigned int flags, const char *msg)
{
	struct out o;

	out_init(&o, f, flags | OUT_JSON);
	out_str(&o, "error", NULL, msg);
	return out_finish(&o);
}
