/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kradar-report: modes and the shared output layer.
 *
 * Every value is printed by one call that serves both outputs, so the text
 * and the JSON cannot drift (iproute2's print_uint(PRINT_ANY, ...)): the
 * key is used for JSON, the printf format for text (NULL: JSON only).
 */
#ifndef KRADAR_REPORT_H
#define KRADAR_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#pragma GCC poison u8 u16 u32 u64

extern bool json_output;
extern const char *prog_name;

/* Errors: to stderr as "kradar-report: ...", or as {"error": "..."} on
 * stdout with --json. */
void p_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void out_open_object(const char *key);	/* key NULL inside arrays/top */
void out_close_object(void);
void out_open_array(const char *key);
void out_close_array(void);
void out_string(const char *key, const char *textfmt, const char *v);
void out_uint(const char *key, const char *textfmt, uint64_t v);
void out_int(const char *key, const char *textfmt, int64_t v);
void out_bool(const char *key, const char *textfmt, bool v);
/* printk time in ns printed as seconds.microseconds. */
void out_time(const char *key, const char *textfmt, uint64_t ns);
void out_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Finish the document; 0, or -1 when stdout could not be written. */
int out_finish(void);

/* Modes */
int do_serial(int argc, char **argv);

#endif /* KRADAR_REPORT_H */
