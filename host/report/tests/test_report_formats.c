// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of kradar-report's run formats on the storm fixture
 * (host/run/tests/run_fixture.h), written to memory:
 *   json      parses (jansson), carries the schema, the title, the stall
 *             windows with their verdicts and numbers, the narrative; the
 *             text output says the same (same calls)
 *   email     a body without a Subject: line; every line kradar writes
 *             (prose, timeline, host check, commands) within 75 columns,
 *             no trailing spaces; only console lines quoted verbatim are
 *             longer; no line starts with '>'; no "CPU1 CPU 1"; the
 *             reproduce section names the kernel and command
 *   perfetto  parses; every event has ph/name/pid/tid/ts, ts is the
 *             printk time in microseconds (the storm's begin at 2 s of
 *             printk time is ts 2000000, not shifted), QEMU's start
 *             before boot is in otherData.before_boot with its time,
 *             ordered per track, counters for each CPU, slices, instants
 *   svg       well-formed (a tag matcher), has a plot per CPU, the bars
 *             and the console marker
 *   stuck     the project's soft-lockup run: the stuck CPU in JSON (its
 *             span, kernel_report with lead_ns and title), text, email
 *             (the narrative's lead and title, the stack one frame a
 *             line), Perfetto (a slice, the title in args) and SVG
 *   hung      the hung-mutex run: four hung tasks in JSON, their stacks
 *             in the email (a repeated one named once); the idle run:
 *             none of this, no finding
 *   long frame  a guest frame longer than a line keeps the email within
 *             75 columns
 *   hostile   guest strings with invalid UTF-8, control characters and
 *             XML/JSON metacharacters keep every output valid
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kradar_run.h"
#include "report.h"
#include "run_fixture.h"
#include "kradar_tap.h"

static double pct_full(int64_t h)
{
	return 100.0;
}

/* Run fn into a memory buffer; NULL on failure. */
/* An integer as the tools write it: a number up to 2^53, beyond that a
 * string of decimal digits (Documentation/collector.rst) */
static long long json_exact(const json_t *v)
{
	return json_is_string(v) ? strtoll(json_string_value(v), NULL, 10) :
				   json_integer_value(v);
}

static char *render(int (*fn)(const struct kradar_run *, const struct kradar_cmp *, FILE *),
		    const struct kradar_run *r, const struct kradar_cmp *c, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		return NULL;
	if (fn(r, c, f)) {
		fclose(f);
		free(buf);
		return NULL;
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int fmt_json(const struct kradar_run *r, const struct kradar_cmp *c, FILE *f)
{
	return run_print(r, c, NULL, f, true);
}

static int fmt_text(const struct kradar_run *r, const struct kradar_cmp *c, FILE *f)
{
	return run_print(r, c, NULL, f, false);
}

static int fmt_perfetto(const struct kradar_run *r, const struct kradar_cmp *c, FILE *f)
{
	return run_perfetto(r, f);
}

static int fmt_svg(const struct kradar_run *r, const struct kradar_cmp *c, FILE *f)
{
	return run_svg(r, f);
}

/* Minimal XML well-formedness: tags nest and close, no raw '<' or '&' in
 * text except entities, no control bytes. Returns an error or NULL. */
static const char *xml_check(const char *s)
{
	char stack[64][32];
	int depth = 0;
	const char *p = s;

	while (*p) {
		if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t')
			return "control character";
		if (*p == '&') {
			if (strncmp(p, "&amp;", 5) && strncmp(p, "&lt;", 4) &&
			    strncmp(p, "&gt;", 4) && strncmp(p, "&quot;", 6))
				return "bare '&'";
			p++;
			continue;
		}
		if (*p != '<') {
			p++;
			continue;
		}
		if (p[1] == '?') {
			p = strstr(p, "?>");
			if (!p)
				return "unterminated <?";
			p += 2;
			continue;
		}
		if (p[1] == '/') {
			size_t n = strcspn(p + 2, ">");

			if (!depth || strncmp(stack[depth - 1], p + 2, n) ||
			    stack[depth - 1][n])
				return "mismatched closing tag";
			depth--;
			p += 2 + n + 1;
			continue;
		}
		{
			size_t n = strcspn(p + 1, " />\n");
			const char *e = p + 1;
			char q = 0;

			while (*e && (q || *e != '>')) {	/* skip attributes */
				if (*e == '"')
					q = !q;
				else if (q && *e == '<')
					return "'<' in an attribute";
				e++;
			}
			if (!*e)
				return "unterminated tag";
			if (e[-1] != '/') {
				if (depth == 64 || n >= 32)
					return "too deep";
				memcpy(stack[depth], p + 1, n);
				stack[depth++][n] = 0;
			}
			p = e + 1;
		}
	}
	return depth ? "unclosed tag" : NULL;
}

/* The line (without its newline) quotes a console line verbatim:
 * "  [    t.tttttt] TEXT", TEXT a signature line or a report's first. */
static bool console_quote(const struct kradar_run *r, const char *line, size_t n)
{
	const struct kradar_serial_report *rep = kradar_run__report(r);
	const char *close = memchr(line, ']', n);
	size_t i, k, rest;

	if (strncmp(line, "  [", 3) || !close || close[1] != ' ')
		return false;
	rest = n - (size_t)(close + 2 - line);
	if (rep && strlen(rep->first_line) == rest &&
	    !memcmp(close + 2, rep->first_line, rest))
		return true;
	k = kradar_serial__nr_events(r->console);
	for (i = 0; i < k; i++) {
		const char *t = kradar_serial__event(r->console, i)->text;

		if (strlen(t) == rest && !memcmp(close + 2, t, rest))
			return true;
	}
	return false;
}

/* What every email body must be (@what names the run in test names):
 * no Subject: line, kradar's own lines within 75 columns, no trailing
 * spaces, at least @min_quoted console lines quoted verbatim, no line
 * starting with '>'. */
static void check_email_layout(const struct kradar_run *r, const char *m, const char *what,
			       int min_quoted)
{
	const char *p = m, *bad = NULL, *trail = NULL, *notq = NULL;
	int quote_start = 0, section = 0, quoted = 0;
	size_t badn = 0;
	char n_[128];

#define NAME(s) (snprintf(n_, sizeof(n_), "%s: %s", what, s), n_)
	ASSERT_TRUE(strncmp(m, "Subject:", 8) && !strstr(m, "\nSubject:"),
		    NAME("no Subject: line in the body"));
	while (*p) {
		size_t n = strcspn(p, "\n");

		/* 0 before, 1 in, 2 after the decisive console lines */
		if (section == 0 && !strncmp(p, "Decisive console lines:", 23))
			section = 1;
		else if (section == 1 && !strncmp(p, "  ", 2)) {
			quoted++;
			if (!console_quote(r, p, n) && !notq)
				notq = p;
		} else if (section == 1 && quoted)
			section = 2;
		if (n > 75 && !console_quote(r, p, n) && !bad) {
			bad = p;
			badn = n;
		}
		if (n && p[n - 1] == ' ' && !trail)
			trail = p;
		if (*p == '>')
			quote_start++;
		p += n + (p[n] == '\n');
	}
	if (!ASSERT_TRUE(!bad, NAME("kradar's own lines at most 75 columns")))
		printf("#   actual: %zu columns: '%.*s'\n#   expected: at most 75\n",
		       badn, (int)badn, bad);
	if (!ASSERT_TRUE(!trail, NAME("no trailing spaces")))
		printf("#   actual: '%.*s'\n", (int)strcspn(trail, "\n"), trail);
	ASSERT_TRUE(quoted >= min_quoted, NAME("decisive console lines quoted"));
	if (!ASSERT_TRUE(!notq, NAME("decisive console lines verbatim, unwrapped")))
		printf("#   actual: '%.*s'\n", (int)strcspn(notq, "\n"), notq);
	ASSERT_EQ_INT(quote_start, 0, NAME("no line starts with '>'"));
#undef NAME
}

static void check_email(const struct kradar_run *r, const char *m)
{
	check_email_layout(r, m, "email", 2);
	ASSERT_TRUE(strstr(m, "\n  [    2.000000]  hrtimer storm on CPU 1") != NULL,
		    "email: timeline line with printk time, its CPU named once");
	if (!ASSERT_TRUE(!strstr(m, "CPU1 CPU 1") && !strstr(m, "CPU 1: CPU 1"),
			 "email: no timeline line names its CPU twice"))
		printf("#   actual:\n%s\n", m);
	ASSERT_TRUE(strstr(m, "Decisive console lines:") &&
		    strstr(m, "rcu: INFO: rcu_preempt self-detected stall on CPU"),
		    "email: the decisive console lines");
	ASSERT_TRUE(strstr(m, "kernel:  6.1.0-test") &&
		    strstr(m, "command: KRADAR_HOLD=30 tools/kradar-run --scenario taprio-storm") &&
		    strstr(m, "kradar:  "), "email: how to reproduce (kernel, command, version)");
	ASSERT_TRUE(strstr(m, "guest-internal (QEMU CPU 100.0%") != NULL,
		    "email: the host check with its numbers");
}

static void check_perfetto(const char *s, size_t len)
{
	json_error_t err;
	json_t *doc = json_loadb(s, len, 0, &err), *evs;
	size_t i, nc0 = 0, nc1 = 0, nx = 0, ni = 0, bad = 0, back = 0;
	double storm_ts = -1;
	json_t *other, *bb;
	struct { json_int_t tid; double ts; } last[64];
	int nlast = 0;

	if (!ASSERT_TRUE(doc, "perfetto: JSON parses")) {
		printf("#   %s at line %d\n", err.text, err.line);
		return;
	}
	evs = json_object_get(doc, "traceEvents");
	other = json_object_get(doc, "otherData");
	bb = json_array_get(json_object_get(other, "before_boot"), 0);
	ASSERT_TRUE(json_is_array(evs) && json_array_size(evs) > 100, "perfetto: traceEvents");
	ASSERT_TRUE(!json_object_get(other, "ts_shift_us"), "perfetto: no ts shift");
	ASSERT_STREQ(json_string_value(json_object_get(bb, "name")), "qemu started accel=tcg pid=4242",
		     "perfetto: QEMU's start, before boot, in otherData.before_boot");
	ASSERT_EQ_INT(json_integer_value(json_object_get(bb, "printk_time_us")), -1001000,
		      "perfetto: before_boot keeps its time on the guest clock");
	for (i = 0; i < json_array_size(evs); i++) {
		json_t *e = json_array_get(evs, i);
		const char *ph = json_string_value(json_object_get(e, "ph"));
		const char *name = json_string_value(json_object_get(e, "name"));
		json_t *ts = json_object_get(e, "ts");
		json_int_t tid = json_integer_value(json_object_get(e, "tid"));
		int k;

		if (!ph || !name || !json_is_integer(json_object_get(e, "pid")) ||
		    !json_is_integer(json_object_get(e, "tid")) || !json_is_number(ts) ||
		    json_number_value(ts) < 0) {
			bad++;
			continue;
		}
		if (ph[0] == 'C') {
			nc0 += !strcmp(name, "hrtimer/s CPU 0");
			nc1 += !strcmp(name, "hrtimer/s CPU 1");
			continue;	/* counters: ordered by name, checked by perfetto-check */
		}
		if (ph[0] == 'M')
			continue;
		nx += ph[0] == 'X';
		ni += ph[0] == 'i';
		if (ph[0] == 'X' && !strncmp(name, "storm ", 6))
			storm_ts = json_number_value(ts);
		for (k = 0; k < nlast && last[k].tid != tid; k++)
			;
		if (k == nlast && nlast < 64)
			last[nlast++].tid = tid, last[k].ts = -1;
		if (k < 64) {
			if (json_number_value(ts) < last[k].ts)
				back++;
			last[k].ts = json_number_value(ts);
		}
	}
	ASSERT_EQ_INT(bad, 0, "perfetto: every event has ph, name, pid, tid, ts >= 0");
	ASSERT_EQ_INT(back, 0, "perfetto: ts ordered per track");
	ASSERT_TRUE(nc0 >= 280 && nc1 >= 280, "perfetto: an hrtimer counter track per CPU");
	ASSERT_TRUE(nx >= 4 && ni >= 5, "perfetto: slices and instants");
	if (!ASSERT_TRUE(storm_ts == 2000000.0,
			 "perfetto: the storm's ts is its printk time [    2.000000] in us"))
		printf("#   actual ts %.3f, expected 2000000.000\n", storm_ts);
	json_decref(doc);
}

static void test_formats(void)
{
	struct kradar_run *r = NULL;
	struct kradar_cmp cmp;
	struct fx x = { 0 };
	char err[256], *s = NULL;
	size_t len = 0;
	json_t *doc;
	json_error_t jerr;

	if (!ASSERT_TRUE(!fx_storm(&x, pct_full, true), "fixture written"))
		return;
	r = kradar_run__load(x.dir, err, sizeof(err));
	if (!ASSERT_TRUE(r, "fixture loads"))
		goto out;
	kradar_run__analyse(r);
	kradar_cmp__parsers(r->console, NULL, NULL, &cmp);

	s = render(fmt_json, r, &cmp, &len);
	doc = s ? json_loadb(s, len, 0, &jerr) : NULL;
	if (ASSERT_TRUE(doc, "json: parses")) {
		json_t *stalls = json_object_get(doc, "stalls");
		json_t *st0 = json_array_get(stalls, 0);

		ASSERT_STREQ(json_string_value(json_object_get(doc, "schema")),
			     "kradar-report-run/1", "json: schema");
		ASSERT_TRUE(json_is_integer(json_object_get(json_object_get(doc, "run"),
							    "schema")),
			    "json: run.schema, the run directory's");
		ASSERT_TRUE(!strncmp(json_string_value(json_object_get(json_object_get(doc,
				"console"), "title")) ?: "", "INFO: rcu detected stall in ", 28),
			    "json: console.title");
		ASSERT_TRUE(json_array_size(stalls) == r->nr_stalls && json_is_string(
			    json_object_get(st0, "verdict")) && json_is_number(
			    json_object_get(st0, "qemu_cpu_pct")) && json_is_number(
			    json_object_get(st0, "clock_ratio")), "json: stall windows with numbers");
		ASSERT_TRUE(json_array_size(json_object_get(doc, "narrative")) == r->nr_narrative,
			    "json: narrative");
		ASSERT_TRUE(json_array_size(json_object_get(doc, "timeline")) == r->nr_tl,
			    "json: the whole timeline");
		ASSERT_TRUE(json_is_true(json_object_get(doc, "finding")), "json: finding");
		ASSERT_EQ_INT(json_exact(json_object_get(json_object_get(doc, "clock"),
				"offset_ns")), FX_OFF + FX_MIN_DELAY, "json: clock offset exact");
		ASSERT_TRUE(json_is_string(json_object_get(json_object_get(doc, "clock"),
				"offset_ns")), "json: clock offset beyond 2^53 is a string");
		json_decref(doc);
	}
	free(s);
	s = render(fmt_text, r, &cmp, &len);
	ASSERT_TRUE(s && strstr(s, "console:  INFO: rcu detected stall in ") &&
		    strstr(s, "guest-internal") && strstr(s, "QEMU CPU 100.0%") &&
		    !strchr(s, '\033'), "text: title, verdicts and numbers, no colour off a tty");
	free(s);
	s = render(run_email, r, &cmp, &len);
	if (ASSERT_TRUE(s, "email: renders"))
		check_email(r, s);
	free(s);
	s = render(fmt_perfetto, r, &cmp, &len);
	if (ASSERT_TRUE(s, "perfetto: renders"))
		check_perfetto(s, len);
	free(s);
	s = render(fmt_svg, r, &cmp, &len);
	if (ASSERT_TRUE(s, "svg: renders")) {
		const char *e = xml_check(s);

		if (!ASSERT_TRUE(!e, "svg: well-formed"))
			printf("#   %s\n", e);
		ASSERT_TRUE(strstr(s, "CPU 0 hrtimer/s") && strstr(s, "CPU 1 hrtimer/s") &&
			    strstr(s, "hrtimer storms") && strstr(s, "stall windows") &&
			    strstr(s, "rcu_stall"), "svg: per-CPU plots, bars, console marker");
	}
	free(s);
	s = NULL;
out:
	free(s);
	kradar_run__free(r);
	fx_rm(&x);
}

static void test_hostile(void)
{
	struct kradar_run *r = kradar_run__new();
	struct kradar_cmp cmp;
	const char *ser =
		"[    1.000000] kradar-run: job started: a<b>&\"c\"\x01\xff\xfe\n"
		"[    2.000000] BUG: soft lockup - CPU#0 stuck for 3s! [x\xc3\x28<&>:1]\n";
	const char *ev =
		"{\"type\":\"hrtimer_storm\",\"cpu\":0,\"function\":\"f<&>\\\"\\u0001\\ufffd\","
		"\"t_ns\":1000000000,\"host_ns\":1795000001000000000,\"peak_rate_per_s\":1e6}";
	const char *hb =
		"{\"type\":\"heartbeat\",\"t_ns\":900000000,\"host_ns\":1795000000900000000}";
	char *s;
	size_t len;
	json_error_t jerr;
	json_t *doc;

	if (!ASSERT_TRUE(r, "hostile: run created"))
		return;
	kradar_run__add_json_line(r, hb, strlen(hb));
	kradar_run__add_json_line(r, ev, strlen(ev));
	kradar_run__add_serial(r, ser, strlen(ser), true);
	kradar_run__analyse(r);
	kradar_cmp__parsers(r->console, NULL, NULL, &cmp);
	s = render(fmt_json, r, &cmp, &len);
	doc = s ? json_loadb(s, len, 0, &jerr) : NULL;
	ASSERT_TRUE(doc, "hostile: JSON stays valid");
	json_decref(doc);
	free(s);
	s = render(fmt_perfetto, r, &cmp, &len);
	doc = s ? json_loadb(s, len, 0, &jerr) : NULL;
	ASSERT_TRUE(doc, "hostile: Perfetto JSON stays valid");
	json_decref(doc);
	free(s);
	s = render(fmt_svg, r, &cmp, &len);
	ASSERT_TRUE(s && !xml_check(s) && !strstr(s, "\xff"), "hostile: SVG stays well-formed");
	free(s);
	s = render(run_email, r, &cmp, &len);
	ASSERT_TRUE(s && strstr(s, "The console shows \"BUG: soft lockup in "),
		    "hostile: email renders");
	free(s);
	kradar_run__free(r);
}

#ifndef KRADAR_TOP
#define KRADAR_TOP "."
#endif

/* A run of selftests/corpus/serial, loaded and analysed, or NULL. */
static struct kradar_run *load_corpus(const char *name, struct kradar_cmp *cmp)
{
	char dir[512], err[512] = "";
	struct kradar_run *r;

	snprintf(dir, sizeof(dir), KRADAR_TOP "/selftests/corpus/serial/%s", name);
	r = kradar_run__load(dir, err, sizeof(err));
	if (!r) {
		printf("# load %s: %s\n", dir, err);
		return NULL;
	}
	kradar_run__analyse(r);
	kradar_cmp__parsers(r->console, NULL, NULL, cmp);
	return r;
}

/* s with every line break and the indentation after it as one space:
 * wrapped prose as one line. */
static char *flat(const char *s)
{
	char *o = malloc(strlen(s) + 1), *q = o;

	if (!o)
		return NULL;
	while (*s) {
		if (*s != '\n') {
			*q++ = *s++;
			continue;
		}
		while (*s == '\n' || *s == ' ')
			s++;
		*q++ = ' ';
	}
	*q = 0;
	return o;
}

/* report.json of the run, parsed; NULL when it does not parse. */
static json_t *render_json(const struct kradar_run *r, const struct kradar_cmp *cmp)
{
	json_error_t jerr;
	size_t len;
	char *s = render(fmt_json, r, cmp, &len);
	json_t *doc = s ? json_loadb(s, len, 0, &jerr) : NULL;

	free(s);
	return doc;
}

/* The span of a kind in report.json's probe.spans, or NULL. */
static json_t *json_span(json_t *doc, const char *kind, int n)
{
	json_t *spans = json_object_get(json_object_get(doc, "probe"), "spans");
	size_t i;

	for (i = 0; i < json_array_size(spans); i++) {
		json_t *sp = json_array_get(spans, i);

		if (!strcmp(json_string_value(json_object_get(sp, "kind")) ?: "", kind) && !n--)
			return sp;
	}
	return NULL;
}

/* The email of the run with its layout checked (@what, @min_quoted as in
 * check_email_layout()), and in *f the same flattened; NULL, *f NULL
 * when it does not render. */
static char *email_checked(const struct kradar_run *r, const struct kradar_cmp *c,
			   const char *what, int min_quoted, char **f)
{
	size_t len;
	char *s = render(run_email, r, c, &len), n[128];

	snprintf(n, sizeof(n), "%s: renders", what);
	*f = NULL;
	if (!ASSERT_TRUE(s, n))
		return NULL;
	check_email_layout(r, s, what, min_quoted);
	*f = flat(s);
	return s;
}

/* Load the corpus run @name, hand it to @fn, free it. */
static void on_corpus(const char *name,
		      void (*fn)(const struct kradar_run *r, const struct kradar_cmp *cmp))
{
	struct kradar_cmp cmp;
	struct kradar_run *r = load_corpus(name, &cmp);
	char n[128];

	snprintf(n, sizeof(n), "%s: loads", name);
	if (ASSERT_TRUE(r, n))
		fn(r, &cmp);
	kradar_run__free(r);
}

/* The stuck CPU of the project's soft-lockup run in every format. */
static void stuck_formats(const struct kradar_run *r, const struct kradar_cmp *c)
{
	json_t *doc = render_json(r, c), *sp, *kr;
	char *s, *f;
	size_t len;

	sp = json_span(doc, "cpu_stuck", 0);
	kr = json_object_get(sp, "kernel_report");
	ASSERT_TRUE(json_integer_value(json_object_get(json_object_get(doc, "probe"),
						       "stuck_cpus")) == 1 &&
		    json_integer_value(json_object_get(json_object_get(doc, "probe"),
						       "hung_tasks")) == 0,
		    "stuck json: probe.stuck_cpus, probe.hung_tasks");
	ASSERT_TRUE(sp && !strcmp(json_string_value(json_object_get(sp, "stuck_kind")) ?: "",
				  "no_schedule") &&
		    json_integer_value(json_object_get(sp, "cpu")) == 1 &&
		    json_integer_value(json_object_get(sp, "pid")) == 112 &&
		    json_integer_value(json_object_get(sp, "begin_ns")) == 10122038249LL &&
		    json_integer_value(json_object_get(sp, "first_report_ns")) == 11131666786LL &&
		    json_integer_value(json_object_get(sp, "preempt_count")) == 1 &&
		    json_integer_value(json_object_get(sp, "waiter_pid")) == 107 &&
		    !strcmp(json_string_value(json_object_get(sp, "frame")) ?: "",
			    "kradar_test_preempt_spin+0x39/0x50 [kradar_test_lockup]") &&
		    json_array_size(json_object_get(sp, "stack")) == 9,
		    "stuck json: the span: kind, CPU, task, since, first report, frame, stack");
	ASSERT_TRUE(kr && !strcmp(json_string_value(json_object_get(kr, "kind")) ?: "",
				  "soft_lockup") &&
		    json_integer_value(json_object_get(kr, "t_ns")) == 13268580000LL &&
		    json_integer_value(json_object_get(kr, "lead_ns")) == 2136913214LL &&
		    !strcmp(json_string_value(json_object_get(kr, "title")) ?: "",
			    "BUG: soft lockup in kradar_lockup_thread"),
		    "stuck json: kernel_report: the soft-lockup line, lead_ns, title");
	ASSERT_TRUE(json_is_true(json_object_get(doc, "finding")) &&
		    json_integer_value(json_object_get(doc, "exit_code")) == 1,
		    "stuck json: finding, exit_code 1");
	json_decref(doc);

	s = render(fmt_text, r, c, &len);
	ASSERT_TRUE(s && strstr(s, "1 stuck CPU(s), 0 hung task(s)") &&
		    strstr(s, "2.14 s before the kernel's soft-lockup report at [   13.268580] "
			   "(title: BUG: soft lockup in kradar_lockup_thread)") &&
		    strstr(s, "cpu_stuck_record"),
		    "stuck text: counts, the narrative's lead and title, the timeline");
	free(s);

	s = email_checked(r, c, "stuck email", 1, &f);
	ASSERT_TRUE(f && strstr(f, "kradar reported it at [   11.131666], 2.14 s before "
				"the kernel's soft-lockup report at [   13.268580] (title: "
				"BUG: soft lockup in kradar_lockup_thread)."),
		    "stuck email: the narrative's lead and title");
	ASSERT_TRUE(f && strstr(f, "Stack of CPU 1 (no_schedule, kradar_preempt/:112), "
				"taken by its tick at [   11.053101]"),
		    "stuck email: whose stack, taken when and how");
	ASSERT_TRUE(s && strstr(s, "\n  Call Trace:\n   __hrtimer_run_queues+0x1d6/0x250\n") &&
		    strstr(s, "\n   kradar_test_preempt_spin+0x39/0x50 [kradar_test_lockup]\n"
			   "   kradar_lockup_thread+0xa0/0xa6 [kradar_test_lockup]\n") &&
		    strstr(s, "\n   ret_from_fork+0x22/0x30\n"),
		    "stuck email: the stack, one frame a line, kernel style");
	free(f);
	free(s);

	s = render(fmt_perfetto, r, c, &len);
	doc = s ? json_loadb(s, len, 0, NULL) : NULL;
	{
		json_t *evs = json_object_get(doc, "traceEvents"), *hit = NULL;
		size_t i;

		for (i = 0; i < json_array_size(evs); i++) {
			json_t *e = json_array_get(evs, i);

			if (!strcmp(json_string_value(json_object_get(e, "name")) ?: "",
				    "CPU 1 stuck (no_schedule)"))
				hit = e;
		}
		ASSERT_TRUE(hit && json_number_value(json_object_get(hit, "ts")) == 10122038.249 &&
			    !strcmp(json_string_value(json_object_get(json_object_get(hit, "args"),
				    "title")) ?: "", "BUG: soft lockup in kradar_lockup_thread"),
			    "stuck perfetto: a slice from the stretch's begin, the title in args");
	}
	json_decref(doc);
	free(s);

	s = render(fmt_svg, r, c, &len);
	ASSERT_TRUE(s && !xml_check(s) && strstr(s, ">stuck CPUs</text>"),
		    "stuck svg: well-formed, a row of stuck CPUs");
	free(s);
}

/* The hung tasks of the project's hung-mutex run. */
static void hung_formats(const struct kradar_run *r, const struct kradar_cmp *c)
{
	json_t *doc = render_json(r, c), *sp = json_span(doc, "hung_task", 2);
	char *s, *f;

	ASSERT_TRUE(json_integer_value(json_object_get(json_object_get(doc, "probe"),
						       "hung_tasks")) == 4 && sp &&
		    json_integer_value(json_object_get(sp, "pid")) == 113 &&
		    !strcmp(json_string_value(json_object_get(sp, "waits_for")) ?: "",
			    "kradar_test_mutex [kradar_test_mutex]") &&
		    json_integer_value(json_object_get(sp, "lock_holder_pid")) == 112 &&
		    json_is_true(json_object_get(sp, "exited")) &&
		    json_is_null(json_object_get(sp, "kernel_report")),
		    "hung json: four hung tasks; waits_for, lock_holder_pid, exited, "
		    "kernel_report null");
	json_decref(doc);
	s = email_checked(r, c, "hung email", 0, &f);
	ASSERT_TRUE(s && strstr(s, "Stack of the hung task kradar_holder:112 (probe, "
				"innermost first):\n\n  Call Trace:\n"
				"   kradar_test_hold_fn+0x12/0x30 [kradar_test_mutex]\n") &&
		    f && strstr(f, "kradar_waiter/1:114 has the same stack as kradar_waiter/0:113."),
		    "hung email: the hung tasks' stacks, a repeated one named");
	free(f);
	free(s);
}

/* The idle run: no stuck CPU, no hung task. */
static void idle_formats(const struct kradar_run *r, const struct kradar_cmp *c)
{
	json_t *doc = render_json(r, c);
	size_t len;
	char *s;

	ASSERT_TRUE(doc && json_integer_value(json_object_get(json_object_get(doc, "probe"),
							      "stuck_cpus")) == 0 &&
		    json_integer_value(json_object_get(json_object_get(doc, "probe"),
						       "hung_tasks")) == 0 &&
		    !json_span(doc, "cpu_stuck", 0) && !json_span(doc, "hung_task", 0) &&
		    json_is_false(json_object_get(doc, "finding")) &&
		    json_integer_value(json_object_get(doc, "exit_code")) == 0,
		    "idle json: no stuck CPU, no hung task, no finding, exit_code 0");
	json_decref(doc);
	s = render(run_email, r, c, &len);
	ASSERT_TRUE(s && !strstr(s, "Call Trace:") && !strstr(s, "Stack of"),
		    "idle email: no stack");
	free(s);
}

/* A guest's frame name longer than a line: cut, the email stays within 75
 * columns. */
static void test_long_frame(void)
{
	struct kradar_run *r = kradar_run__new();
	struct kradar_cmp cmp;
	char ev[1024], frame[200];
	size_t len;
	char *s;

	if (!ASSERT_TRUE(r, "long frame: run created"))
		return;
	memset(frame, 'f', sizeof(frame) - 1);
	frame[sizeof(frame) - 1] = 0;
	snprintf(ev, sizeof(ev), "{\"type\":\"cpu_stuck\",\"phase\":\"begin\",\"kind\":\"irqs_off\","
		 "\"task\":\"t\",\"pid\":1,\"stuck_ms\":1000,\"since_ns\":1000000000,"
		 "\"stack_from\":\"nmi\",\"stack_ns\":1500000000,\"in\":\"%s\",\"stack\":[\"%s\","
		 "\"b+0x1/0x2\"],\"t_ns\":2000000000,\"cpu\":0}", frame, frame);
	kradar_run__add_json_line(r, ev, strlen(ev));
	kradar_run__add_serial(r, "", 0, true);
	kradar_run__analyse(r);
	kradar_cmp__parsers(r->console, NULL, NULL, &cmp);
	s = render(run_email, r, &cmp, &len);
	if (ASSERT_TRUE(s && strstr(s, "Call Trace:"), "long frame: email with the stack")) {
		const char *p = strstr(s, "  Call Trace:");
		size_t n, wide = 0, lines = 0;

		/* prose keeps a word longer than a line whole; a stack is cut */
		for (; !strncmp(p, "  ", 2); p += n + (p[n] == '\n'), lines++) {
			n = strcspn(p, "\n");
			wide += n > 75;
		}
		ASSERT_TRUE(lines == 3 && !wide, "long frame: stack lines within 75 columns");
	}
	free(s);
	kradar_run__free(r);
}

int main(void)
{
	test_formats();
	on_corpus("run-soft-lockup", stuck_formats);
	on_corpus("run-hung-mutex", hung_formats);
	on_corpus("run-lockup-idle", idle_formats);
	test_long_frame();
	test_hostile();
	return tap_done();
}
