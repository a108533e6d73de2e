/* SPDX-License-Identifier: GPL-2.0 */
/* kradar-lore internals shared by the subcommand files. */
#ifndef KRADAR_LORE_MAIN_H
#define KRADAR_LORE_MAIN_H

#include <stdbool.h>

#define EXIT_FINDING	1	/* failure (output could not be written) */
#define EXIT_USAGE	2	/* usage or environment error */

extern bool json_output;
extern const char *prog;

/* One error voice: stderr always, plus {"error": ...} on stdout in JSON. */
void p_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void p_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* 0, or EXIT_FINDING after reporting a failed write of stdout / f */
int close_output(FILE *f, const char *what);

int do_summary(int argc, char **argv);
int do_reply(int argc, char **argv);
int do_help(int argc, char **argv);
/* --fetch MSGID: writes the thread mbox to a new buffer, or reports why not */
int lore_fetch(const char *mid, char **buf, size_t *len);

#endif /* KRADAR_LORE_MAIN_H */
