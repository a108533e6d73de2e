/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kradar-report: modes and output settings.
 *
 * Every value is printed by one call that serves both outputs, so the text
 * and the JSON cannot drift (libkradar's out.h, iproute2's print_uint(
 * PRINT_ANY, ...)): the key is used for JSON, the printf format for text
 * (NULL: JSON only).
 */
#ifndef KRADAR_REPORT_H
#define KRADAR_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "out.h"

#pragma GCC poison u8 u16 u32 u64

extern bool json_output;
extern bool out_color;		/* ANSI colours in text (a terminal) */
extern const char *prog_name;

/* out_init() flags of kradar-report's JSON: one line, doubles as %.6g,
 * every control character \u-escaped */
#define REPORT_OUT_JSON	(OUT_JSON | OUT_DIGITS(6))

/* Errors: to stderr as "kradar-report: ...", or as {"error": "..."} on
 * stdout with --json. */
void p_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define C_BOLD	"\033[1m"
#define C_RED	"\033[31m"
#define C_GREEN	"\033[32m"
#define C_YEL	"\033[33m"
#define C_CYAN	"\033[36m"
#define C_OFF	"\033[0m"

/* Modes */
/* --serial LOG, printed to o (standard output) */
int do_serial(struct out *o, int argc, char **argv);

#define RUN_MAX_KO	32	/* --ko files */

/* kradar-report DIR's options, parsed by main() (report_main.c) */
struct run_args {
	const char *dir;
	const char *format;		/* text, email, json, perfetto; NULL: text or --json */
	const char *syz_report, *syz_log;
	const char *vmlinux;
	const char *ko[RUN_MAX_KO];
	int nko;
	const char *out;
	bool no_files;
};

/* kradar-report DIR [...]: the run report (report_run.c) */
int do_run(const struct run_args *a);

struct kradar_run;
struct kradar_cmp;
/* Formats of the run report, each to f; 0, or nonzero on a write error. */
int run_print(const struct kradar_run *r, const struct kradar_cmp *cmp,
	      const char *const *files, FILE *f, bool json);
int run_email(const struct kradar_run *r, const struct kradar_cmp *cmp, FILE *f);
int run_perfetto(const struct kradar_run *r, FILE *f);
int run_svg(const struct kradar_run *r, FILE *f);

#endif /* KRADAR_REPORT_H */
