// SPDX-License-Identifier: GPL-2.0
/*
 * kradar_rundir: opening a run directory, checking its schema, reading
 * events.jsonl and the line files (rundir.h).
 *
 * The schema is checked twice: when the directory is opened (its first
 * line, so a tool refuses a newer run before it reads anything) and on
 * every schema line met while reading (a file made of two runs cannot
 * smuggle a newer one past the first check).
 *
 * Lines are cut into a buffer of fixed size (struct kradar_lines): a line
 * longer than the buffer is dropped and counted, never allocated.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rundir.h"

#define READ_CHUNK	65536	/* bytes per fread */

_Static_assert(KRADAR_FILE__COUNT <= 32, "present is a 32-bit mask");

struct kradar_rundir {
	char *dir;
	char name[128];
	uint32_t present;		/* bit per enum kradar_run_file */
	struct kradar_events head;	/* events.jsonl's first line */
};

/* ---- values ---- */

static const json_t *get(const json_t *o, const char *key)
{
	return json_is_object(o) ? json_object_get(o, key) : NULL;
}

/* "123", "-45": the whole string is a decimal integer in range */
static bool parse_decimal(const char *s, int64_t *out)
{
	char *end;
	long long n;

	if (!((*s >= '0' && *s <= '9') || (*s == '-' && s[1] >= '0' && s[1] <= '9')))
		return false;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno || *end)
		return false;
	*out = n;
	return true;
}

int64_t kradar_json__int(const json_t *o, const char *key, int64_t def)
{
	const json_t *v = get(o, key);
	int64_t n;

	if (json_is_integer(v))
		return (int64_t)json_integer_value(v);
	if (json_is_string(v))
		return parse_decimal(json_string_value(v), &n) ? n : def;
	if (json_is_real(v)) {
		double d = json_real_value(v);

		if (d > -9.2e18 && d < 9.2e18)
			return (int64_t)d;
	}
	return def;
}

double kradar_json__num(const json_t *o, const char *key, double def)
{
	const json_t *v = get(o, key);
	int64_t n;

	if (json_is_number(v)) {
		double d = json_number_value(v);

		return isfinite(d) ? d : def;
	}
	if (json_is_string(v) && parse_decimal(json_string_value(v), &n))
		return (double)n;
	return def;
}

const char *kradar_json__str(const json_t *o, const char *key)
{
	const json_t *v = get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

uint64_t kradar_json__addr(const json_t *o, const char *key)
{
	const char *s = kradar_json__str(o, key);

	if (!s || strncmp(s, "0x", 2))
		return 0;
	return strtoull(s, NULL, 16);
}

/* ---- events ---- */

enum kradar_event_type kradar_event_type__parse(const char *name)
{
	int t;

	for (t = KRADAR_EVT_UNKNOWN + 1; t < KRADAR_EVT__COUNT; t++)
		if (!strcmp(name, kradar_event_type__name(t)))
			return t;
	return KRADAR_EVT_UNKNOWN;
}

static void copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

/* A message for the user into err; a long path may cut it short. */
static __attribute__((format(printf, 3, 4)))
void say(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/* A schema line: a version this build reads, or an error in st->err. */
static int check_schema(struct kradar_events *st, const json_t *o)
{
	int64_t v = kradar_json__int(o, KRADAR_KEY_SCHEMA, -1);

	copy(st->writer, sizeof(st->writer), kradar_json__str(o, KRADAR_KEY_WRITER));
	copy(st->writer_version, sizeof(st->writer_version),
	     kradar_json__str(o, KRADAR_KEY_KRADAR_VERSION));
	if (v < 0 || v > INT32_MAX) {
		say(st->err, sizeof(st->err),
		    "a schema line without a version number (line %" PRIu64
		    "); the file is damaged or was not written by kradar-collect",
		    st->lines);
		return -EPROTO;
	}
	if (v > KRADAR_RUN_SCHEMA) {
		char who[sizeof(st->writer) + sizeof(st->writer_version) + 4] = "";

		if (st->writer[0])
			snprintf(who, sizeof(who), " (%s%s%s)", st->writer,
				 st->writer_version[0] ? " " : "", st->writer_version);
		say(st->err, sizeof(st->err),
		    "run directory schema %" PRId64 ", but this kradar reads "
		    "schema %d at most; read the run with a kradar at least as "
		    "new as the one that wrote it%s", v, KRADAR_RUN_SCHEMA, who);
		return -EPROTONOSUPPORT;
	}
	st->schema = (int)v;
	return 0;
}

int kradar_events__line(struct kradar_events *st, const char *line, size_t len,
			kradar_event_fn fn, void *ctx)
{
	struct kradar_event ev = { 0 };
	json_error_t jerr;
	json_t *o;
	int ret = 0;

	st->lines++;
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (!len)
		return 0;
	if (len > KRADAR_RUNDIR_MAX_LINE) {
		st->bad++;
		return 0;
	}
	o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	ev.name = kradar_json__str(o, KRADAR_KEY_TYPE);
	if (!json_is_object(o) || !ev.name) {
		st->bad++;
		goto out;
	}
	ev.type = kradar_event_type__parse(ev.name);
	if (ev.type == KRADAR_EVT_SCHEMA) {
		ret = check_schema(st, o);
		goto out;
	}
	if (ev.type == KRADAR_EVT_UNKNOWN)
		st->unknown++;
	st->events++;
	ev.o = o;
	ev.record = json_object_get(o, KRADAR_KEY_T_NS) != NULL;
	ev.t_ns = kradar_json__int(o, KRADAR_KEY_T_NS, -1);
	ev.host_ns = kradar_json__int(o, KRADAR_KEY_HOST_NS, 0);
	ev.cpu = kradar_json__int(o, KRADAR_KEY_CPU, -1);
	ev.phase = kradar_json__str(o, KRADAR_KEY_PHASE);
	ret = fn(ctx, &ev);
out:
	json_decref(o);
	return ret;
}

/* ---- lines ---- */

int kradar_lines__init(struct kradar_lines *l, size_t max, bool truncate)
{
	memset(l, 0, sizeof(*l));
	l->buf = malloc(max + 1);
	if (!l->buf)
		return -ENOMEM;
	l->max = max;
	l->truncate = truncate;
	return 0;
}

void kradar_lines__fini(struct kradar_lines *l)
{
	free(l->buf);
	l->buf = NULL;
}

static int line_end(struct kradar_lines *l, kradar_line_fn fn, void *ctx)
{
	bool over = l->over;
	size_t n = l->len;

	l->len = 0;
	l->over = false;
	if (over) {
		l->cut++;
		if (!l->truncate)
			return 0;
	}
	l->buf[n] = '\0';
	return fn(ctx, l->buf, n);
}

int kradar_lines__feed(struct kradar_lines *l, const char *buf, size_t len,
		       kradar_line_fn fn, void *ctx)
{
	while (len) {
		const char *nl = memchr(buf, '\n', len);
		size_t n = nl ? (size_t)(nl - buf) : len, room = l->max - l->len;
		int err;

		if (n > room)
			l->over = true;
		memcpy(l->buf + l->len, buf, n < room ? n : room);
		l->len += n < room ? n : room;
		if (!nl)
			return 0;
		err = line_end(l, fn, ctx);
		if (err)
			return err;
		buf += n + 1;
		len -= n + 1;
	}
	return 0;
}

int kradar_lines__finish(struct kradar_lines *l, kradar_line_fn fn, void *ctx)
{
	if (!l->len && !l->over)
		return 0;
	return line_end(l, fn, ctx);
}

/* ---- files ---- */

const char *kradar_rundir__path(const struct kradar_rundir *d, enum kradar_run_file f,
				char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", d->dir, kradar_run_file__name(f));

	return n >= 0 && (size_t)n < len ? buf : NULL;
}

int kradar_rundir__read(const struct kradar_rundir *d, enum kradar_run_file f,
			int (*fn)(void *ctx, const char *buf, size_t len), void *ctx)
{
	char path[4096], *buf;
	int err = 0;
	FILE *file;

	if (!kradar_rundir__path(d, f, path, sizeof(path)))
		return -ENAMETOOLONG;
	file = fopen(path, "rb");
	if (!file)
		return -errno;
	buf = malloc(READ_CHUNK);
	if (!buf) {
		fclose(file);
		return -ENOMEM;
	}
	for (;;) {
		size_t n = fread(buf, 1, READ_CHUNK, file);

		if (n && (err = fn(ctx, buf, n)))
			break;
		if (n < READ_CHUNK) {
			if (ferror(file))
				err = -EIO;
			break;
		}
	}
	free(buf);
	fclose(file);
	return err;
}

struct lines_read {
	struct kradar_lines l;
	kradar_line_fn fn;
	void *ctx;
};

static int lines_chunk(void *ctx, const char *buf, size_t len)
{
	struct lines_read *lr = ctx;

	return kradar_lines__feed(&lr->l, buf, len, lr->fn, lr->ctx);
}

int kradar_rundir__lines(const struct kradar_rundir *d, enum kradar_run_file f,
			 size_t max, kradar_line_fn fn, void *ctx, uint64_t *cut)
{
	struct lines_read lr = { .fn = fn, .ctx = ctx };
	int err = kradar_lines__init(&lr.l, max, false);

	if (err)
		return err;
	err = kradar_rundir__read(d, f, lines_chunk, &lr);
	if (!err)
		err = kradar_lines__finish(&lr.l, fn, ctx);
	if (cut)
		*cut += lr.l.cut;
	kradar_lines__fini(&lr.l);
	return err;
}

struct events_read {
	struct kradar_events *st;
	kradar_event_fn fn;
	void *ctx;
};

static int events_line(void *ctx, char *line, size_t len)
{
	struct events_read *er = ctx;

	return kradar_events__line(er->st, line, len, er->fn, er->ctx);
}

int kradar_rundir__events(const struct kradar_rundir *d, struct kradar_events *st,
			  kradar_event_fn fn, void *ctx)
{
	struct events_read er = { .st = st, .fn = fn, .ctx = ctx };
	char path[4096], why[KRADAR_RUNDIR_ERR_LEN];
	uint64_t cut = 0;
	int err;

	err = kradar_rundir__lines(d, KRADAR_FILE_EVENTS, KRADAR_RUNDIR_MAX_LINE,
				   events_line, &er, &cut);
	st->bad += cut;
	st->lines += cut;
	if (!err)
		return 0;
	if (!kradar_rundir__path(d, KRADAR_FILE_EVENTS, path, sizeof(path)))
		copy(path, sizeof(path), kradar_run_file__name(KRADAR_FILE_EVENTS));
	if (err == -EPROTONOSUPPORT || err == -EPROTO) {
		copy(why, sizeof(why), st->err);
		say(st->err, sizeof(st->err), "%s: %s", path, why);
	} else if (err < 0) {
		say(st->err, sizeof(st->err), "cannot read %s: %s", path, strerror(-err));
	}
	return err;
}

static int no_event(void *ctx, const struct kradar_event *ev)
{
	return 1;
}

/* Only the first line: the schema, before anything else is read. */
static int head_line(void *ctx, char *line, size_t len)
{
	struct kradar_events *st = ctx;
	int err = kradar_events__line(st, line, len, no_event, NULL);

	return err < 0 ? err : 1;
}

/* ---- the directory ---- */

static void base_name(struct kradar_rundir *d)
{
	const char *dir = d->dir, *end = dir + strlen(dir), *p;

	while (end > dir + 1 && end[-1] == '/')
		end--;
	for (p = end; p > dir && p[-1] != '/'; p--)
		;
	snprintf(d->name, sizeof(d->name), "%.*s", (int)(end - p), p);
}

struct kradar_rundir *kradar_rundir__open(const char *dir, char *err, size_t errlen)
{
	struct kradar_rundir *d = calloc(1, sizeof(*d));
	char path[4096];
	struct stat st;
	int f, e = 0;

	if (!d || !(d->dir = strdup(dir))) {
		snprintf(err, errlen, "out of memory");
		e = -ENOMEM;
		goto err_out;
	}
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is not a directory; give a run directory "
			 "(tools/kradar-run --out DIR)", dir);
		e = -ENOTDIR;
		goto err_out;
	}
	base_name(d);
	for (f = 0; f < KRADAR_FILE__COUNT; f++)
		if (kradar_rundir__path(d, f, path, sizeof(path)) &&
		    !stat(path, &st) && S_ISREG(st.st_mode))
			d->present |= 1u << f;
	if (!(d->present & (1u << KRADAR_FILE_EVENTS | 1u << KRADAR_FILE_SERIAL |
			    1u << KRADAR_FILE_RUN_EVENTS | 1u << KRADAR_FILE_QEMU_CPU))) {
		snprintf(err, errlen, "%s has none of events.jsonl, serial.log, "
			 "run-events.txt, qemu-cpu.txt; give a run directory "
			 "written by tools/kradar-run", dir);
		e = -ENOENT;
		goto err_out;
	}
	if (kradar_rundir__has(d, KRADAR_FILE_EVENTS)) {
		e = kradar_rundir__lines(d, KRADAR_FILE_EVENTS, KRADAR_RUNDIR_MAX_LINE,
					 head_line, &d->head, NULL);
		if (e == 1)
			e = 0;
		if (e == -EPROTONOSUPPORT || e == -EPROTO) {
			kradar_rundir__path(d, KRADAR_FILE_EVENTS, path, sizeof(path));
			snprintf(err, errlen, "%s: %s", path, d->head.err);
			goto err_out;
		}
		if (e) {
			kradar_rundir__path(d, KRADAR_FILE_EVENTS, path, sizeof(path));
			snprintf(err, errlen, "cannot read %s: %s", path, strerror(-e));
			goto err_out;
		}
	}
	return d;
err_out:
	kradar_rundir__close(d);
	errno = -e;
	return NULL;
}

void kradar_rundir__close(struct kradar_rundir *d)
{
	if (!d)
		return;
	free(d->dir);
	free(d);
}

const char *kradar_rundir__dir(const struct kradar_rundir *d)
{
	return d->dir;
}

const char *kradar_rundir__name(const struct kradar_rundir *d)
{
	return d->name;
}

bool kradar_rundir__has(const struct kradar_rundir *d, enum kradar_run_file f)
{
	return (unsigned int)f < KRADAR_FILE__COUNT && (d->present & (1u << f));
}

int kradar_rundir__schema(const struct kradar_rundir *d)
{
	return d->head.schema;
}

/* ---- marks ---- */

const char *kradar_mark__text(const char *line)
{
	const char *p = strstr(line, KRADAR_MARK_PREFIX);

	return p ? p + strlen(KRADAR_MARK_PREFIX) : NULL;
}

int64_t kradar_run_event__parse(const char *line, const char **text)
{
	char *end;
	long long ns;

	if (*line < '0' || *line > '9')
		return -1;
	errno = 0;
	ns = strtoll(line, &end, 10);
	if (errno || ns <= 0 || *end != ' ')
		return -1;
	*text = end + 1;
	return ns;
}
