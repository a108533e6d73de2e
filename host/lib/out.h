/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text and JSON from one call (iproute2's print_uint(PRINT_ANY, ...),
 * bpftool's json_writer): each out_*() writes "key": value in JSON mode
 * and its printf format in text mode, so the two outputs cannot drift.
 *
 *   out_init(&o, stdout, json ? OUT_JSON : 0);
 *   out_str(&o, "title", "title: %s\n", r->title);
 *   out_uint(&o, "lines", "%llu lines", st->lines);
 *   out_finish(&o);
 *
 * A NULL format writes the value in JSON only; out_text() writes text
 * only. JSON is written by struct jw (json.h): integers by its 2^53 rule,
 * strings escaped by kradar_json_string(). In text, strings are untrusted
 * (guest console lines, mail headers): out_clean() makes them safe for a
 * terminal first. Formats are the callers' literals; each function says
 * the one conversion its format takes.
 *
 * The first value or container of a JSON document opens its top-level
 * object, unless it is that object: out_obj_open(o, NULL) at the top.
 * Keys are ignored inside arrays. out_finish() closes what is still
 * open, ends the document with a newline and flushes.
 */
#ifndef KRADAR_OUT_H
#define KRADAR_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "json.h"
#include "json_string.h"

enum {
	OUT_JSON	= 1 << 0,	/* JSON, else text */
	OUT_PRETTY	= 1 << 1,	/* JSON on many lines, two-space indents */
};
/* kradar_json_string() flags of every JSON string; default 0 (all \u) */
#define OUT_STRINGS(flags)	((unsigned int)(flags) << 8)
/* Significant digits of out_double() in JSON; default JW_REAL_EXACT */
#define OUT_DIGITS(n)		((unsigned int)(n) << 24)
/* The indented document of kradar-lore and kradar-compare: \n and \t
 * escaped short, U+FFFD as itself, doubles exact (as jansson writes) */
#define OUT_JSON_PRETTY		(OUT_JSON | OUT_PRETTY | \
				 OUT_STRINGS(KRADAR_JSON_SHORT | KRADAR_JSON_FFFD_RAW))

struct out {
	FILE *f;
	bool json;
	int digits;		/* jw_real() digits of out_double() */
	struct jw jw;
};

void out_init(struct out *o, FILE *f, unsigned int flags);
/* Close what is open and flush; 0, or a negative errno */
int out_finish(struct out *o);

void out_obj_open(struct out *o, const char *key);
void out_obj_close(struct out *o);
void out_arr_open(struct out *o, const char *key);
void out_arr_close(struct out *o);

/* %s; NULL is null in JSON and "-" in text */
void out_str(struct out *o, const char *key, const char *fmt, const char *v);
/* %s of multi-line text (mail bodies): newlines kept; NULL: null, "" */
void out_block(struct out *o, const char *key, const char *fmt, const char *v);
void out_int(struct out *o, const char *key, const char *fmt, long long v);	/* %lld */
void out_uint(struct out *o, const char *key, const char *fmt,
	      unsigned long long v);						/* %llu */
void out_bool(struct out *o, const char *key, const char *fmt, bool v);	/* %s: yes, no */
/* %f, %g...; JSON: jw_real() with OUT_DIGITS, NaN and infinities null */
void out_double(struct out *o, const char *key, const char *fmt, double v);
/* %s of ns as seconds.microseconds ("62.617360"), a number in JSON */
void out_time(struct out *o, const char *key, const char *fmt,
	      unsigned long long ns);
void out_stime(struct out *o, const char *key, const char *fmt, long long ns);
/* JSON null; @text (no format, may be NULL) in text */
void out_null(struct out *o, const char *key, const char *text);
/* Text only */
void out_text(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* {"error": msg} as a document of its own on @f, with out_init()'s flags */
int out_error(FILE *f, unsigned int flags, const char *msg);

/*
 * A copy of @s for a terminal: bytes that are not valid UTF-8 become
 * U+FFFD, control characters (C0, DEL, C1) '?', tabs stay and newlines
 * when @keep_newlines. NULL gives "". malloc'd; NULL when out of memory.
 */
char *out_clean(const char *s, bool keep_newlines);

#endif /* KRADAR_OUT_H */
