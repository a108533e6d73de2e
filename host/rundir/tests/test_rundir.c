// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the run directory reader (TAP): the schema check (a run
 * without the line, the current one, a newer major refused with a message
 * that says what to do, a damaged line), integers written as strings,
 * event types, bad lines, the line cutter and the runner's marks, which
 * must be the ones tools/kradar-run writes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "kradar_tap.h"
#include "rundir.h"

#ifndef KRADAR_TOP
#define KRADAR_TOP "."
#endif

static char tmpdir[] = "/tmp/kradar-test-rundir.XXXXXX";

/* A run directory NAME holding events.jsonl = EVENTS */
static const char *make_run(const char *name, const char *events)
{
	static char dir[512];
	char path[600];
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/%s", tmpdir, name);
	if (mkdir(dir, 0755) && errno != EEXIST)
		return NULL;
	snprintf(path, sizeof(path), "%s/events.jsonl", dir);
	f = fopen(path, "w");
	if (!f)
		return NULL;
	fputs(events, f);
	return fclose(f) ? NULL : dir;
}

struct seen {
	int n, storms, unknown;
	int64_t host_ns, t_ns;
	char types[512];
};

static int see(void *ctx, const struct kradar_event *ev)
{
	struct seen *s = ctx;
	size_t n = strlen(s->types);

	snprintf(s->types + n, sizeof(s->types) - n, "%s%s", n ? " " : "", ev->name);
	s->n++;
	s->storms += ev->type == KRADAR_EVT_STORM;
	s->unknown += ev->type == KRADAR_EVT_UNKNOWN;
	if (ev->type == KRADAR_EVT_STORM) {
		s->host_ns = ev->host_ns;
		s->t_ns = ev->t_ns;
	}
	return 0;
}

static const char storm_line[] =
	"{\"type\":\"hrtimer_storm\",\"cpu\":1,\"function\":\"advance_sched\","
	"\"rate_per_s\":250000,\"late_pct\":98.0,\"t_ns\":57617360123,"
	"\"host_ns\":\"1795000057617360123\"}\n";

/* Read DIR's events with a fresh state; the open's errno or the read's */
static int read_run(const char *dir, struct kradar_events *st, struct seen *s,
		    char *err, size_t errlen)
{
	struct kradar_rundir *d = kradar_rundir__open(dir, err, errlen);
	int e;

	memset(st, 0, sizeof(*st));
	memset(s, 0, sizeof(*s));
	if (!d)
		return -errno;
	e = kradar_rundir__events(d, st, see, s);
	if (e)
		snprintf(err, errlen, "%s", st->err);
	kradar_rundir__close(d);
	return e;
}

static void test_schema_absent(void)
{
	const char *dir = make_run("v0", storm_line);
	struct kradar_rundir *d;
	struct kradar_events st;
	struct seen s;
	char err[KRADAR_RUNDIR_ERR_LEN] = "";

	ASSERT_TRUE(dir, "v0: fixture written");
	d = kradar_rundir__open(dir, err, sizeof(err));
	if (!ASSERT_TRUE(d, "v0: a run without a schema line opens"))
		printf("#   %s\n", err);
	ASSERT_EQ_INT(d ? kradar_rundir__schema(d) : -1, 0, "v0: its schema is 0");
	ASSERT_STREQ(d ? kradar_rundir__name(d) : NULL, "v0", "v0: name of the directory");
	kradar_rundir__close(d);
	kradar_rundir__close(NULL);
	ASSERT_EQ_INT(read_run(dir, &st, &s, err, sizeof(err)), 0, "v0: events read");
	ASSERT_EQ_INT(s.storms, 1, "v0: the storm handed over as KRADAR_EVT_STORM");
}

/* A run NAME whose events.jsonl states SCHEMA, written by kradar VERSION */
static const char *schema_run(const char *name, int schema, const char *version)
{
	char ev[1024];

	snprintf(ev, sizeof(ev), "{\"type\":\"schema\",\"schema\":%d,\"writer\":"
		 "\"kradar-collect\",\"kradar_version\":\"%s\"}\n%s", schema, version,
		 storm_line);
	return make_run(name, ev);
}

static void test_schema_current(void)
{
	const char *dir = schema_run("v1", KRADAR_RUN_SCHEMA, "v1");
	struct kradar_rundir *d;
	struct kradar_events st;
	struct seen s;
	char err[KRADAR_RUNDIR_ERR_LEN] = "";

	d = dir ? kradar_rundir__open(dir, err, sizeof(err)) : NULL;
	if (!ASSERT_TRUE(d, "current: a run of this schema opens"))
		printf("#   %s\n", err);
	ASSERT_EQ_INT(d ? kradar_rundir__schema(d) : -1, KRADAR_RUN_SCHEMA,
		      "current: its schema is KRADAR_RUN_SCHEMA");
	kradar_rundir__close(d);
	ASSERT_EQ_INT(read_run(dir, &st, &s, err, sizeof(err)), 0, "current: events read");
	ASSERT_STREQ(s.types, "hrtimer_storm", "current: the schema line is not an event");
	ASSERT_STREQ(st.writer, "kradar-collect", "current: writer read");
	ASSERT_EQ_INT(st.schema, KRADAR_RUN_SCHEMA, "current: reading state has the schema");
}

static void test_schema_newer(void)
{
	const char *dir = schema_run("v-next", KRADAR_RUN_SCHEMA + 1, "v9.0");
	char ev[1024], want[700];
	struct kradar_rundir *d;
	struct kradar_events st;
	struct seen s;
	char err[KRADAR_RUNDIR_ERR_LEN] = "";

	errno = 0;
	d = dir ? kradar_rundir__open(dir, err, sizeof(err)) : NULL;
	ASSERT_TRUE(!d && errno == EPROTONOSUPPORT, "newer: open refuses a newer major");
	snprintf(want, sizeof(want), "%s/events.jsonl: run directory schema %d, but this "
		 "kradar reads schema %d at most; read the run with a kradar at least as "
		 "new as the one that wrote it (kradar-collect v9.0)", dir ? dir : "",
		 KRADAR_RUN_SCHEMA + 1, KRADAR_RUN_SCHEMA);
	ASSERT_STREQ(err, want, "newer: the message names the file, both versions, what to do");

	/* a newer run glued after an older one is refused too */
	snprintf(ev, sizeof(ev), "%s{\"type\":\"schema\",\"schema\":\"%d\"}\n%s",
		 storm_line, KRADAR_RUN_SCHEMA + 1, storm_line);
	dir = make_run("v-glued", ev);
	ASSERT_EQ_INT(read_run(dir, &st, &s, err, sizeof(err)), -EPROTONOSUPPORT,
		      "newer: a schema line past the first is checked too");
	snprintf(want, sizeof(want), "v-glued/events.jsonl: run directory schema %d, but "
		 "this kradar reads schema %d at most; read the run with a kradar at "
		 "least as new as the one that wrote it", KRADAR_RUN_SCHEMA + 1,
		 KRADAR_RUN_SCHEMA);
	ASSERT_TRUE(strstr(err, want) && !strcmp(strstr(err, want), want),
		    "newer: ... with the same message (no writer named)");
	ASSERT_EQ_INT(s.storms, 1, "newer: events before it were read, none after");

	dir = make_run("v-damaged", "{\"type\":\"schema\",\"schema\":\"one\"}\n");
	errno = 0;
	d = dir ? kradar_rundir__open(dir, err, sizeof(err)) : NULL;
	ASSERT_TRUE(!d && errno == EPROTO && strstr(err, "without a version number"),
		    "damaged: a schema line without a number is refused");
}

static void test_open_errors(void)
{
	char err[KRADAR_RUNDIR_ERR_LEN] = "", path[600];
	struct kradar_rundir *d;

	errno = 0;
	d = kradar_rundir__open("/nonexistent/run", err, sizeof(err));
	ASSERT_TRUE(!d && errno == ENOTDIR && strstr(err, "is not a directory"),
		    "open: a missing directory");
	snprintf(path, sizeof(path), "%s/empty", tmpdir);
	mkdir(path, 0755);
	errno = 0;
	d = kradar_rundir__open(path, err, sizeof(err));
	ASSERT_TRUE(!d && errno == ENOENT && strstr(err, "none of events.jsonl"),
		    "open: a directory without run files");
	/* the project's own hand-written run (no schema line) */
	d = kradar_rundir__open(KRADAR_TOP "/selftests/corpus/serial/run-storm/",
				err, sizeof(err));
	ASSERT_TRUE(d && kradar_rundir__has(d, KRADAR_FILE_SERIAL) &&
		    kradar_rundir__has(d, KRADAR_FILE_EVENTS) &&
		    !kradar_rundir__has(d, KRADAR_FILE_VCPUS) &&
		    !strcmp(kradar_rundir__name(d), "run-storm"),
		    "open: the corpus run, its files, its name despite the trailing '/'");
	kradar_rundir__close(d);
}

static void test_values(void)
{
	json_t *o = json_loads("{\"big\":\"1796000000000000000\",\"neg\":\"-42\","
			       "\"n\":7,\"r\":2.5,\"hex\":\"0x10\",\"junk\":\"12abc\","
			       "\"space\":\" 5\",\"huge\":\"99999999999999999999\","
			       "\"addr\":\"0xffffffffc0a01230\",\"null\":null}", 0, NULL);

	if (!ASSERT_TRUE(o, "values: parsed"))
		return;
	ASSERT_TRUE(kradar_json__int(o, "big", -1) == 1796000000000000000LL,
		    "int: beyond 2^53 as a decimal string, every digit");
	ASSERT_EQ_INT(kradar_json__int(o, "neg", 0), -42, "int: negative string");
	ASSERT_EQ_INT(kradar_json__int(o, "n", -1), 7, "int: number");
	ASSERT_EQ_INT(kradar_json__int(o, "r", -1), 2, "int: real truncated");
	ASSERT_EQ_INT(kradar_json__int(o, "hex", -1), -1, "int: \"0x10\" is not decimal");
	ASSERT_EQ_INT(kradar_json__int(o, "junk", -1), -1, "int: trailing garbage");
	ASSERT_EQ_INT(kradar_json__int(o, "space", -1), -1, "int: leading space");
	ASSERT_EQ_INT(kradar_json__int(o, "huge", -1), -1, "int: out of range");
	ASSERT_EQ_INT(kradar_json__int(o, "null", -1), -1, "int: null");
	ASSERT_EQ_INT(kradar_json__int(o, "absent", -3), -3, "int: absent");
	ASSERT_TRUE(kradar_json__num(o, "big", 0) == 1796000000000000000.0,
		    "num: a decimal string");
	ASSERT_TRUE(kradar_json__num(o, "r", 0) == 2.5, "num: real");
	ASSERT_TRUE(kradar_json__num(o, "junk", -1) == -1, "num: not a number");
	ASSERT_TRUE(kradar_json__addr(o, "addr") == 0xffffffffc0a01230ULL, "addr: hex");
	ASSERT_TRUE(kradar_json__addr(o, "n") == 0, "addr: not a string");
	ASSERT_TRUE(kradar_json__int(NULL, "n", 9) == 9 && !kradar_json__str(NULL, "n"),
		    "values: a NULL object gives the default");
	json_decref(o);
}

static void test_events(void)
{
	static const char *const lines[] = {
		"not json at all",
		"[1,2,3]",
		"{\"type\":42}",
		"{\"no_type\":true}",
		"{\"type\":\"heartbeat\",\"t_ns\":1,\"t_ns\":2}",
		"{\"type\":\"hello\",\"release\":\"\\u0000x\"}",
		"",
		"{\"type\":\"from_the_future\",\"t_ns\":1}",
		"{\"type\":\"qs_gap\",\"phase\":\"end\",\"cpu\":\"3\",\"t_ns\":\"9000000000\"}\r\n",
		NULL,
	};
	struct kradar_events st = { 0 };
	struct seen s = { 0 };
	bool names = true;
	int t, i;

	for (t = KRADAR_EVT_UNKNOWN + 1; t < KRADAR_EVT__COUNT; t++)
		names &= (int)kradar_event_type__parse(kradar_event_type__name(t)) == t;
	ASSERT_TRUE(names, "types: every name parses back to its type");
	ASSERT_EQ_INT(kradar_event_type__parse("hrtimer_storm_end"), KRADAR_EVT_STORM_END,
		      "types: hrtimer_storm_end");
	ASSERT_STREQ(kradar_event_type__name(KRADAR_EVT__COUNT), "unknown",
		     "types: a number out of range has a name");
	for (i = 0; lines[i]; i++)
		kradar_events__line(&st, lines[i], strlen(lines[i]), see, &s);
	ASSERT_EQ_INT(st.bad, 6, "lines: not objects, no string type, duplicate keys, NUL");
	ASSERT_EQ_INT(st.unknown, 1, "lines: a type from the future counted");
	ASSERT_STREQ(s.types, "from_the_future qs_gap", "lines: handed over in order");
	ASSERT_EQ_INT(s.unknown, 1, "lines: ... as KRADAR_EVT_UNKNOWN");
	ASSERT_EQ_INT(st.lines, 9, "lines: counted, the empty one too");
}

/* The head fields of an event, numbers written as strings included */
static int check_head(void *ctx, const struct kradar_event *ev)
{
	int *ok = ctx;

	*ok = ev->type == KRADAR_EVT_QS_GAP && ev->record && ev->t_ns == 9000000000LL &&
	      ev->cpu == 3 && ev->host_ns == 1795000000000000001LL &&
	      ev->phase && !strcmp(ev->phase, "end");
	return 0;
}

static void test_event_head(void)
{
	const char *l = "{\"type\":\"qs_gap\",\"phase\":\"end\",\"cpu\":3,\"t_ns\":9000000000,"
			"\"host_ns\":\"1795000000000000001\"}";
	struct kradar_events st = { 0 };
	int ok = 0;

	kradar_events__line(&st, l, strlen(l), check_head, &ok);
	ASSERT_TRUE(ok, "event: type, record, t_ns, cpu, host_ns (a string), phase");
}

struct got {
	char text[256];
	int n;
};

static int got_line(void *ctx, char *line, size_t len)
{
	struct got *g = ctx;
	size_t n = strlen(g->text);

	snprintf(g->text + n, sizeof(g->text) - n, "[%s]", line);
	g->n++;
	return strlen(line) == len ? 0 : -EINVAL;
}

static void test_lines(void)
{
	static const char in[] = "ab\ncdefgh\n\nxyz";
	struct kradar_lines l;
	struct got g = { "", 0 };
	size_t i;

	/* one byte at a time: every chunk boundary */
	if (!ASSERT_EQ_INT(kradar_lines__init(&l, 4, false), 0, "lines: init"))
		return;
	for (i = 0; i < sizeof(in) - 1; i++)
		kradar_lines__feed(&l, in + i, 1, got_line, &g);
	kradar_lines__finish(&l, got_line, &g);
	ASSERT_STREQ(g.text, "[ab][][xyz]", "lines: a longer line dropped, the last kept");
	ASSERT_EQ_INT(l.cut, 1, "lines: the dropped line counted");
	kradar_lines__fini(&l);

	memset(&g, 0, sizeof(g));
	kradar_lines__init(&l, 4, true);
	kradar_lines__feed(&l, in, sizeof(in) - 1, got_line, &g);
	kradar_lines__finish(&l, got_line, &g);
	kradar_lines__finish(&l, got_line, &g);
	ASSERT_STREQ(g.text, "[ab][cdef][][xyz]", "lines: truncate keeps the first bytes");
	kradar_lines__fini(&l);
}

static void test_marks(void)
{
	const char *text = NULL;

	ASSERT_STREQ(kradar_mark__text("[    1.815649] kradar-run: init started\r"),
		     "init started\r", "marks: the text after the prefix");
	ASSERT_TRUE(!kradar_mark__text("[    1.8] kradar: storm"), "marks: not a mark");
	ASSERT_TRUE(kradar_run_event__parse("1795240747555120106 qemu started accel=tcg",
					    &text) == 1795240747555120106LL &&
		    !strcmp(text, "qemu started accel=tcg"), "run events: host ns and text");
	ASSERT_TRUE(kradar_run_event__parse("-5 qemu started", &text) < 0 &&
		    kradar_run_event__parse("12qemu", &text) < 0 &&
		    kradar_run_event__parse(" 12 x", &text) < 0 &&
		    kradar_run_event__parse("99999999999999999999 x", &text) < 0,
		    "run events: bad times refused");
}

/* The marks of the header are the ones tools/kradar-run writes. */
static void test_runner_writes_marks(void)
{
	static const char *const marks[] = {
		KRADAR_MARK_INIT, KRADAR_MARK_KERNEL_TEXT, KRADAR_MARK_PROBE_LOADED,
		KRADAR_MARK_PROBE_UNLOADED, KRADAR_MARK_JOB_STARTED,
		KRADAR_MARK_JOB_FINISHED, KRADAR_MARK_POWEROFF,
	};
	static const char *const runevs[] = {
		KRADAR_RUNEV_QEMU_STARTED, KRADAR_RUNEV_QEMU_EXITED,
		KRADAR_RUNEV_QEMU_KILLED, KRADAR_RUNEV_TIMEOUT, KRADAR_RUNEV_COLLECTOR,
	};
	char *sh = kradar_file_read(KRADAR_TOP "/tools/kradar-run", 0, NULL);
	char pat[128], missing[512] = "";
	size_t i, n = 0;

	if (!sh) {
		tap_skip("runner: marks", "tools/kradar-run not readable");
		return;
	}
	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		bool found = false;
		const char *q[] = { "mark \"", "mark \\\"", "mark '" };

		for (size_t k = 0; k < 3 && !found; k++) {
			snprintf(pat, sizeof(pat), "%s%s", q[k], marks[i]);
			found = strstr(sh, pat);
		}
		if (!found)
			n += snprintf(missing + n, sizeof(missing) - n, " '%s'", marks[i]);
	}
	for (i = 0; i < sizeof(runevs) / sizeof(runevs[0]); i++) {
		snprintf(pat, sizeof(pat), "ev \"%s", runevs[i]);
		if (!strstr(sh, pat))
			n += snprintf(missing + n, sizeof(missing) - n, " '%s'", runevs[i]);
	}
	snprintf(pat, sizeof(pat), "echo \"%s\\$*\"", KRADAR_MARK_PREFIX);
	if (!strstr(sh, pat))
		n += snprintf(missing + n, sizeof(missing) - n, " prefix '%s'",
			      KRADAR_MARK_PREFIX);
	if (!ASSERT_TRUE(!n, "runner: tools/kradar-run writes every mark of the header"))
		printf("#   not written:%s\n", missing);
	free(sh);
}

int main(void)
{
	int ret;

	if (!mkdtemp(tmpdir)) {
		printf("not ok 1 - mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	test_schema_absent();
	test_schema_current();
	test_schema_newer();
	test_open_errors();
	test_values();
	test_events();
	test_event_head();
	test_lines();
	test_marks();
	test_runner_writes_marks();
	ret = tap_done();
	if (!getenv("KRADAR_KEEP_TMP")) {
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd))
			printf("# cannot remove %s\n", tmpdir);
	}
	return ret;
}
