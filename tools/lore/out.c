// SPDX-License-Identifier: GPL-2.0
/* Text/JSON printer for kradar-lore; see out.h. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "json_string.h"
#include "out.h"

#pragma GCC poison u8 u16 u32 u64
/* formats come from the callers' string literals (iproute2 does the same) */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

void out_init(struct out *o, FILE *f, bool json)
{
	memset(o, 0, sizeof(*o));
	o->f = f;
	o->json = json;
}

/* Guest and mail text: invalid UTF-8 becomes the character U+FFFD */
static void json_escape(FILE *f, const char *s)
{
	if (!s)
		fputs("null", f);
	else
		kradar_json_string(f, s, strlen(s),
				   KRADAR_JSON_SHORT | KRADAR_JSON_FFFD_RAW);
}

/* comma, newline, indent and "key": as JSON needs before a value */
static void json_key(struct out *o, const char *key)
{
	int d = o->depth < OUT_MAX_DEPTH ? o->depth : OUT_MAX_DEPTH - 1;

	if (o->comma[d])
		fputc(',', o->f);
	o->comma[d] = true;
	if (o->depth)
		fprintf(o->f, "\n%*s", o->depth * 2, "");
	if (key && o->depth) {
		json_escape(o->f, key);
		fputs(": ", o->f);
	}
}

static void open_(struct out *o, const char *key, char c, bool in_arr)
{
	if (!o->json)
		return;
	json_key(o, in_arr ? NULL : key);
	fputc(c, o->f);
	if (o->depth + 1 < OUT_MAX_DEPTH)
		o->comma[o->depth + 1] = false;
	o->depth++;
}

static void close_(struct out *o, char c)
{
	if (!o->json)
		return;
	o->depth--;
	fprintf(o->f, "\n%*s%c", o->depth * 2, "", c);
	if (!o->depth)
		fputc('\n', o->f);
}

void out_obj_open(struct out *o, const char *key)
{
	open_(o, key, '{', o->depth && (o->arr & (1u << o->depth)));
	o->arr &= ~(1u << o->depth);
}

void out_obj_close(struct out *o)
{
	close_(o, '}');
}

void out_arr_open(struct out *o, const char *key)
{
	open_(o, key, '[', o->depth && (o->arr & (1u << o->depth)));
	if (o->json)
		o->arr |= 1u << o->depth;
}

void out_arr_close(struct out *o)
{
	if (o->json)
		o->arr &= ~(1u << o->depth);
	close_(o, ']');
}

static const char *key_for(struct out *o, const char *key)
{
	return (o->arr & (1u << o->depth)) ? NULL : key;
}

char *out_clean(const char *s, bool keep_newlines)
{
	char *r, *valid = NULL;
	size_t i;

	if (!s)
		return strdup("");
	if (!g_utf8_validate(s, -1, NULL))
		s = valid = g_utf8_make_valid(s, -1);
	r = strdup(s);
	g_free(valid);
	if (!r)
		return NULL;
	for (i = 0; r[i]; i++) {
		unsigned char c = (unsigned char)r[i];

		if ((c < 0x20 && c != '\t' && !(keep_newlines && c == '\n')) ||
		    c == 0x7f)
			r[i] = '?';
	}
	return r;
}

static void text_fmt(struct out *o, const char *fmt, const char *v,
		     bool keep_nl)
{
	char *c = out_clean(v, keep_nl);

	fprintf(o->f, fmt, c ? c : "?");
	free(c);
}

void out_str(struct out *o, const char *key, const char *fmt, const char *v)
{
	if (o->json) {
		json_key(o, key_for(o, key));
		json_escape(o->f, v);
	} else if (fmt) {
		text_fmt(o, fmt, v ? v : "-", false);
	}
}

void out_block(struct out *o, const char *key, const char *fmt, const char *v)
{
	if (o->json) {
		json_key(o, key_for(o, key));
		json_escape(o->f, v);
	} else if (fmt) {
		text_fmt(o, fmt, v ? v : "", true);
	}
}

void out_int(struct out *o, const char *key, const char *fmt, long long v)
{
	if (o->json) {
		json_key(o, key_for(o, key));
		fprintf(o->f, "%lld", v);
	} else if (fmt) {
		fprintf(o->f, fmt, v);
	}
}

void out_bool(struct out *o, const char *key, const char *fmt, bool v)
{
	if (o->json) {
		json_key(o, key_for(o, key));
		fputs(v ? "true" : "false", o->f);
	} else if (fmt) {
		fprintf(o->f, fmt, v ? "yes" : "no");
	}
}

void out_null(struct out *o, const char *key, const char *text)
{
	if (o->json) {
		json_key(o, key_for(o, key));
		fputs("null", o->f);
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
