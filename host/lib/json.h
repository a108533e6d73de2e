/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The JSON writer of the host tools: one object per line (JSON Lines), as
 * kradar-collect writes events.jsonl, or with JW_PRETTY one document
 * indented by two spaces, as kradar-lore and kradar-compare print it (an
 * empty object or array stays "{}" or "[]"). out.h builds its JSON output
 * on it, so every document the tools write comes from here. Strings go
 * through kradar_json_string() (json_string.h), so untrusted guest strings
 * can never break a line or the syntax. Write errors are remembered in
 * ->err (negative errno) and reported by the caller after fflush/fclose.
 */
#ifndef _KRADAR_JSON_H
#define _KRADAR_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JW_MAX_DEPTH 16		/* deeper levels are written, less checked */

enum {
	JW_PRETTY	= 1 << 0,	/* newlines and two-space indents */
};

struct jw {
	FILE *f;
	unsigned int flags;		/* JW_* */
	unsigned int str_flags;		/* KRADAR_JSON_* for every string */
	int depth;
	bool first[JW_MAX_DEPTH];	/* nothing written yet at this level */
	bool arr[JW_MAX_DEPTH];		/* this level is an array */
	int err;
};

/* Compact JSON Lines, strings with KRADAR_JSON_SHORT escapes */
void jw_init(struct jw *j, FILE *f);
/* Top-level object; jw_end() closes it, and what is still open in it,
 * and writes the newline */
void jw_begin(struct jw *j);
void jw_end(struct jw *j);
/* Keys are ignored inside arrays, where values have none. */
void jw_obj(struct jw *j, const char *key);	/* key NULL inside arrays */
void jw_obj_end(struct jw *j);
void jw_arr(struct jw *j, const char *key);
void jw_arr_end(struct jw *j);
/*
 * Integers: a JSON number while its magnitude is at most 2^53, so that
 * readers that hold numbers as IEEE doubles (JavaScript, jq before 1.7)
 * keep every digit; beyond that a string of decimal digits ("host_ns":
 * "1796000000000000000"). Readers take both (Documentation/collector.rst).
 */
#define JW_EXACT_MAX	(1ULL << 53)
void jw_u64(struct jw *j, const char *key, uint64_t v);
void jw_i64(struct jw *j, const char *key, int64_t v);
/* Fixed decimals; NaN and infinities become null */
void jw_double(struct jw *j, const char *key, double v, int decimals);
/*
 * printf's %.*g with @digits significant digits ("1e+06", "33.3333");
 * with JW_REAL_EXACT every double reads back the same (17 digits) and
 * always shows a '.' or an exponent ("5.0", "1e20"), as jansson writes a
 * real. NaN and infinities become null.
 */
#define JW_REAL_EXACT	0
void jw_real(struct jw *j, const char *key, double v, int digits);
/* ns as seconds with microseconds, cut: 62.617360, -0.812345 */
void jw_seconds(struct jw *j, const char *key, bool negative, uint64_t ns);
void jw_str(struct jw *j, const char *key, const char *s);
void jw_strn(struct jw *j, const char *key, const char *s, size_t len);
void jw_hex(struct jw *j, const char *key, uint64_t v);	/* "0x..." */
void jw_bool(struct jw *j, const char *key, bool v);
void jw_null(struct jw *j, const char *key);

#endif /* _KRADAR_JSON_H */
