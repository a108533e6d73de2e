/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal JSON writer for kradar host tools: one object per line
 * (JSON Lines), as kradar-collect writes events.jsonl. Strings go through
 * kradar_json_string() (json_string.h), so untrusted guest strings can
 * never break a line or the syntax. Write errors are remembered in ->err
 * (negative errno) and reported by the caller after fflush/fclose.
 */
#ifndef _KRADAR_JSON_H
#define _KRADAR_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JW_MAX_DEPTH 8

struct jw {
	FILE *f;
	int depth;
	bool first[JW_MAX_DEPTH];
	int err;
};

void jw_init(struct jw *j, FILE *f);
/* Top-level object; jw_end() closes it and writes the newline */
void jw_begin(struct jw *j);
void jw_end(struct jw *j);
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
void jw_str(struct jw *j, const char *key, const char *s);
void jw_strn(struct jw *j, const char *key, const char *s, size_t len);
void jw_hex(struct jw *j, const char *key, uint64_t v);	/* "0x..." */
void jw_bool(struct jw *j, const char *key, bool v);
void jw_null(struct jw *j, const char *key);

#endif /* _KRADAR_JSON_H */
