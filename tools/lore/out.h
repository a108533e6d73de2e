/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text and JSON from one call (iproute2's print_* style): each out_*()
 * writes "key": value in JSON mode and its printf format in text mode,
 * so the two outputs cannot drift. Text mode strips terminal control
 * characters from untrusted strings; JSON mode escapes them.
 */
#ifndef KRADAR_LORE_OUT_H
#define KRADAR_LORE_OUT_H

#include <stdbool.h>
#include <stdio.h>

#define OUT_MAX_DEPTH 16

struct out {
	FILE *f;
	bool json;
	int depth;
	bool comma[OUT_MAX_DEPTH];
	unsigned int arr;	/* bit d: level d is an array */
};

void out_init(struct out *o, FILE *f, bool json);
/* key is ignored inside an array; text mode prints nothing */
void out_obj_open(struct out *o, const char *key);
void out_obj_close(struct out *o);
void out_arr_open(struct out *o, const char *key);
void out_arr_close(struct out *o);
/* fmt: text-mode format with one %s / %lld / %s (yes/no); NULL: JSON only */
void out_str(struct out *o, const char *key, const char *fmt, const char *v);
/* multi-line text (bodies): newlines kept in text mode */
void out_block(struct out *o, const char *key, const char *fmt, const char *v);
void out_int(struct out *o, const char *key, const char *fmt, long long v);
void out_bool(struct out *o, const char *key, const char *fmt, bool v);
void out_null(struct out *o, const char *key, const char *text);
/* text-mode only */
void out_text(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A sanitised copy for terminals (control characters shown as '?'). */
char *out_clean(const char *s, bool keep_newlines);

#endif /* KRADAR_LORE_OUT_H */
