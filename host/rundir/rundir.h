/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kradar_rundir: the one reader of a run directory (tools/kradar-run
 * --out DIR), under kradar-report's run model and kradar-compare.
 *
 * It opens the directory, checks the schema stated in the first line of
 * events.jsonl (include/kradar_run_schema.h: a file without that line is
 * schema 0, the format from before the line, and is read; a newer major
 * is refused with a message that names the file, both numbers and what to
 * do), hands every event to a callback with its enum type, reads the
 * runner's line files with bounded lines, and reads values the way the
 * collector writes them (integers beyond 2^53 are decimal strings).
 * It builds no model and analyses nothing: the tools do that with what it
 * hands them.
 *
 * Everything read may come from a guest that was being fuzzed: lines are
 * bounded, lines that are not JSON objects with a string "type" are
 * counted and skipped, types this build does not know are handed over as
 * KRADAR_EVT_UNKNOWN. Errors follow libbpf: constructors return NULL and
 * set errno, other calls return 0 or a negative errno;
 * kradar_rundir__close(NULL) is a no-op.
 */
#ifndef KRADAR_RUNDIR_H
#define KRADAR_RUNDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "kradar_run_schema.h"

#pragma GCC poison u8 u16 u32 u64

#define KRADAR_RUNDIR_MAX_LINE	(4u << 20)	/* bytes of one events.jsonl line */
#define KRADAR_RUNDIR_ERR_LEN	512		/* bytes of a message */

/* ---- the directory ---- */

struct kradar_rundir;

/*
 * Open DIR: a directory holding at least one of events.jsonl, serial.log,
 * run-events.txt, qemu-cpu.txt, whose events.jsonl (when there is one)
 * has a schema this build reads. NULL with errno (ENOTDIR, ENOENT,
 * EPROTONOSUPPORT, ...) and a message for the user in err.
 */
struct kradar_rundir *kradar_rundir__open(const char *dir, char *err, size_t errlen);
void kradar_rundir__close(struct kradar_rundir *d);

const char *kradar_rundir__dir(const struct kradar_rundir *d);
/* The last component of the directory's path ("run-3") */
const char *kradar_rundir__name(const struct kradar_rundir *d);
bool kradar_rundir__has(const struct kradar_rundir *d, enum kradar_run_file f);
/* events.jsonl's schema major number; 0 without a schema line */
int kradar_rundir__schema(const struct kradar_rundir *d);
/* "DIR/NAME" into buf; NULL when it does not fit */
const char *kradar_rundir__path(const struct kradar_rundir *d, enum kradar_run_file f,
				char *buf, size_t len);

/* ---- events.jsonl ---- */

struct kradar_event {
	enum kradar_event_type type;	/* KRADAR_EVT_UNKNOWN: newer than this build */
	const char *name;		/* "type" as written */
	const json_t *o;		/* the whole object; valid in the callback */
	bool record;			/* has "t_ns": made from a probe record */
	int64_t t_ns;			/* guest clock; -1 when absent */
	int64_t host_ns;		/* host clock; 0 when absent or null */
	int64_t cpu;			/* -1 when absent */
	const char *phase;		/* "begin", "update", "end"; NULL absent */
};

/* 0 to go on; anything else stops the reading and is returned. */
typedef int (*kradar_event_fn)(void *ctx, const struct kradar_event *ev);

/* Where a reading of events.jsonl stands. Zero it before the first line. */
struct kradar_events {
	int schema;			/* of the schema line; 0 before one */
	uint64_t lines;			/* lines seen, empty ones included */
	uint64_t events;		/* handed to the callback */
	uint64_t bad;			/* not a JSON object with a string "type",
					 * or longer than KRADAR_RUNDIR_MAX_LINE */
	uint64_t unknown;		/* of a type this build does not know */
	char writer[64];		/* the schema line's writer and version */
	char writer_version[64];
	char err[KRADAR_RUNDIR_ERR_LEN];	/* why the last call failed */
};

/*
 * One line (its newline optional): a schema line is checked, not handed
 * over; every other event goes to fn. 0, fn's non-zero return, or
 * -EPROTONOSUPPORT for a newer schema and -EPROTO for a schema line
 * without a version (st->err says which, and what to do).
 */
int kradar_events__line(struct kradar_events *st, const char *line, size_t len,
			kradar_event_fn fn, void *ctx);
/* Every line of DIR/events.jsonl: as above, -ENOENT when there is none,
 * -errno when it cannot be read; st->err names the file. */
int kradar_rundir__events(const struct kradar_rundir *d, struct kradar_events *st,
			  kradar_event_fn fn, void *ctx);
enum kradar_event_type kradar_event_type__parse(const char *name);

/*
 * Values of an event or of an object in it. Absent or mistyped: def.
 * __int and __num take JSON numbers and strings of decimal digits (the
 * writer quotes integers beyond 2^53, host/lib/json.h); __num gives only
 * finite values; __addr reads "0x..." strings (0 otherwise).
 */
int64_t kradar_json__int(const json_t *o, const char *key, int64_t def);
double kradar_json__num(const json_t *o, const char *key, double def);
const char *kradar_json__str(const json_t *o, const char *key);
uint64_t kradar_json__addr(const json_t *o, const char *key);

/* ---- line files: run-events.txt, qemu-cpu.txt, serial.log, ... ---- */

/* A line without its newline, NUL-terminated at len; it may be changed. */
typedef int (*kradar_line_fn)(void *ctx, char *line, size_t len);

/* Lines out of chunks, each at most max bytes (never allocates more). */
struct kradar_lines {
	char *buf;
	size_t len, max;
	bool truncate;		/* a longer line: its first max bytes */
	bool over;		/* the line being read is longer than max */
	uint64_t cut;		/* lines longer than max (dropped unless
				 * truncate) */
};

int kradar_lines__init(struct kradar_lines *l, size_t max, bool truncate);
void kradar_lines__fini(struct kradar_lines *l);
/* Hand each complete line of buf to fn; 0 or fn's non-zero return */
int kradar_lines__feed(struct kradar_lines *l, const char *buf, size_t len,
		       kradar_line_fn fn, void *ctx);
/* The last line when the input did not end with a newline */
int kradar_lines__finish(struct kradar_lines *l, kradar_line_fn fn, void *ctx);

/* DIR/NAME in chunks as read: 0, fn's non-zero return, -ENOENT, -errno */
int kradar_rundir__read(const struct kradar_rundir *d, enum kradar_run_file f,
			int (*fn)(void *ctx, const char *buf, size_t len), void *ctx);
/* DIR/NAME line by line; lines longer than max are dropped and counted in
 * *cut (may be NULL). Returns as kradar_rundir__read(). */
int kradar_rundir__lines(const struct kradar_rundir *d, enum kradar_run_file f,
			 size_t max, kradar_line_fn fn, void *ctx, uint64_t *cut);

/* ---- the runner's marks ---- */

/* The text of a console line's "kradar-run: TEXT" mark, or NULL */
const char *kradar_mark__text(const char *line);
/* A run-events.txt line "HOST_NS TEXT": HOST_NS (> 0) and *text, or -1 */
int64_t kradar_run_event__parse(const char *line, const char **text);

#endif /* KRADAR_RUNDIR_H */
