/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command-line conventions every kradar command shares
 * (Documentation/cli.rst):
 *
 *   -h, --help      usage on stdout, exit 0
 *   -V, --version   "PROG DESCRIBE" on stdout (git describe of the build
 *                   tree, kradar_version()), exit 0
 *   a bad option    one line on stderr, "PROG: unknown option '--x'
 *                   (usage: PROG --help)", exit 2
 *   an error        "PROG: what went wrong" on stderr
 *
 * Exit status: 0 nothing found, 1 a finding, 2 an error (bad arguments
 * included), 3 inconclusive or no data.
 *
 * Nothing here exits: each call returns the status for main() to return.
 */
#ifndef KRADAR_CLI_H
#define KRADAR_CLI_H

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>

#define KRADAR_EXIT_OK		0	/* nothing found */
#define KRADAR_EXIT_FINDING	1	/* a finding (or a failure found) */
#define KRADAR_EXIT_ERROR	2	/* error, bad arguments included */
#define KRADAR_EXIT_NODATA	3	/* inconclusive or no data */

/* The two options every command has, for its struct option table. */
#define KRADAR_CLI_LONGOPTS				\
	{ "help", no_argument, NULL, 'h' },		\
	{ "version", no_argument, NULL, 'V' }

/* Name the program for every message (default "kradar"). */
void kradar_cli_init(const char *prog);
const char *kradar_prog(void);

/* "PROG: message\n" on stderr. */
void kradar_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kradar_verr(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* -V/--version: "PROG DESCRIBE" on stdout; 0, or 2 when stdout failed. */
int kradar_cli_version(void);

/* -h/--help: usage(stdout); 0, or 2 when stdout failed. */
int kradar_cli_help(void (*usage)(FILE *f));

/*
 * getopt_long() returned '?' (unknown option) or ':' (a value missing;
 * the option string starts with ':'): say which option in one line on
 * stderr and return 2. opterr must be 0 so that getopt stays silent.
 */
int kradar_cli_bad_option(char *const argv[], int ch);

/* One line naming a stray argument: "PROG: unexpected argument 'X'"; 2. */
int kradar_cli_bad_arg(const char *arg);

#endif /* KRADAR_CLI_H */
