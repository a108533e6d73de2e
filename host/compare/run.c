// SPDX-License-Identifier: GPL-2.0
/*
 * Loading one run directory of tools/kradar-run into the numbers that
 * kradar-compare compares, through host/rundir (the schema check, events
 * by enum type, bounded line files, the runner's marks): events.jsonl
 * (the collector's decoded probe records, every field optional, unknown
 * types skipped), serial.log (through host/console's parser:
 * titles, stalls, lockups), run-events.txt (timeout, wall time) and
 * module-overrides.txt. A run directory comes from a guest that may have
 * been fuzzed: every size is checked before use and garbage is counted,
 * never trusted.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compare.h"
#include "kradar_serial.h"
#include "rundir.h"

#define MARK_LINE_MAX	4096	/* bytes of a console line kept for marks */
#define RUN_LINE_MAX	4096	/* bytes of a run-events.txt line */
#define OVERRIDE_LINE_MAX 1024	/* bytes of a module-overrides.txt line */

static char *path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

static int add_sig(struct kradar_cmp_run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int add_sig(struct kradar_cmp_run *r, const char *fmt, ...)
{
	char buf[KRADAR_CMP_SIG_LEN];
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (i = 0; i < r->nr_sigs; i++)
		if (!strcmp(r->sigs[i], buf))
			return 0;
	if (r->nr_sigs >= KRADAR_CMP_MAX_SIGS)
		return 0;	/* more distinct titles than anyone reads */
	if (!r->sigs) {
		r->sigs = calloc(KRADAR_CMP_MAX_SIGS, sizeof(*r->sigs));
		if (!r->sigs)
			return -ENOMEM;
	}
	memcpy(r->sigs[r->nr_sigs++], buf, sizeof(buf));
	return 0;
}

static struct kradar_cmp_func *get_func(struct kradar_cmp_run *r,
					const char *name)
{
	struct kradar_cmp_func *f;
	size_t i;

	for (i = 0; i < r->nr_funcs; i++)
		if (!strncmp(r->funcs[i].name, name, KRADAR_CMP_NAME_LEN - 1))
			return &r->funcs[i];
	if (r->nr_funcs >= KRADAR_CMP_MAX_FUNCS) {
		r->funcs_dropped++;
		return NULL;
	}
	if (!r->funcs) {
		r->funcs = calloc(KRADAR_CMP_MAX_FUNCS, sizeof(*r->funcs));
		if (!r->funcs)
			return NULL;
	}
	f = &r->funcs[r->nr_funcs++];
	copy_str(f->name, sizeof(f->name), name);
	return f;
}

static int func_add_rate(struct kradar_cmp_func *f, double rate)
{
	if (f->nr_rates >= KRADAR_CMP_MAX_WINDOWS)
		return 0;
	if (f->nr_rates == f->cap_rates) {
		size_t cap = f->cap_rates ? f->cap_rates * 2 : 64;
		double *p = realloc(f->rates, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		f->rates = p;
		f->cap_rates = cap;
	}
	f->rates[f->nr_rates++] = rate;
	return 0;
}

static int load_window(struct kradar_cmp_run *r, const json_t *ev)
{
	const json_t *entries = json_object_get(ev, KRADAR_KEY_ENTRIES);
	const json_t *e;
	size_t i;

	if (!json_is_array(entries))
		return 0;
	json_array_foreach(entries, i, e) {
		const char *name = kradar_json__str(e, KRADAR_KEY_FUNCTION);
		struct kradar_cmp_func *f;
		double count, rate;

		if (!name || !*name)
			continue;
		f = get_func(r, name);
		if (!f) {
			if (r->nr_funcs < KRADAR_CMP_MAX_FUNCS)
				return -ENOMEM;
			continue;
		}
		count = kradar_json__num(e, KRADAR_KEY_COUNT, 0);
		rate = kradar_json__num(e, KRADAR_KEY_RATE_PER_S, 0);
		if (count < 0 || rate < 0)
			continue;
		if (rate > f->peak_rate)
			f->peak_rate = rate;
		if (func_add_rate(f, rate))
			return -ENOMEM;
		f->count += count;
		f->late += fmax(0, kradar_json__num(e, KRADAR_KEY_LATE, 0));
		f->late_sum_ns += fmax(0, kradar_json__num(e, KRADAR_KEY_LATE_MEAN_NS, 0)) * count;
		f->late_max_ns = fmax(f->late_max_ns, kradar_json__num(e, KRADAR_KEY_LATE_MAX_NS, 0));
	}
	return 0;
}

static int load_storm(struct kradar_cmp_run *r, const json_t *ev, bool end)
{
	const char *fn = kradar_json__str(ev, KRADAR_KEY_FUNCTION);
	double peak = fmax(kradar_json__num(ev, KRADAR_KEY_PEAK_RATE_PER_S, 0),
			   kradar_json__num(ev, KRADAR_KEY_RATE_PER_S, 0));
	struct kradar_cmp_func *f;

	r->storm_peak = fmax(r->storm_peak, peak);
	if (end)
		return 0;
	r->storms++;
	if (fn && *fn) {
		f = get_func(r, fn);
		if (f)
			f->stormed = true;
	}
	return add_sig(r, "hrtimer storm: %s", fn && *fn ? fn : "?");
}

static int load_event(void *ctx, const struct kradar_event *e)
{
	struct kradar_cmp_run *r = ctx;
	const json_t *ev = e->o;
	double v;

	if (e->record)
		r->records++;
	switch (e->type) {
	case KRADAR_EVT_HRTIMER_WINDOW:
		return load_window(r, ev);
	case KRADAR_EVT_STORM:
	case KRADAR_EVT_STORM_END:
		return load_storm(r, ev, e->type == KRADAR_EVT_STORM_END);
	case KRADAR_EVT_QS_GAP:
		v = kradar_json__num(ev, KRADAR_KEY_GAP_MS, 0);
		r->qs_gap_ms = fmax(r->qs_gap_ms, fmax(0, v));
		return 0;
	case KRADAR_EVT_GP_STALL:
		v = kradar_json__num(ev, KRADAR_KEY_STALL_MS, 0);
		r->gp_stall_ms = fmax(r->gp_stall_ms, fmax(0, v));
		return add_sig(r, "RCU grace-period stall (probe)");
	case KRADAR_EVT_LOCK:
		v = fmax(0, kradar_json__num(ev, KRADAR_KEY_HELD_MS, 0));
		if (v > r->lock_held_ms || r->lock_held_ms < 0) {
			r->lock_held_ms = v;
			copy_str(r->lock_name, sizeof(r->lock_name),
				 kradar_json__str(ev, KRADAR_KEY_LOCK));
		}
		return 0;
	case KRADAR_EVT_LOST:
		r->lost++;
		return 0;
	case KRADAR_EVT_SUMMARY:
		v = kradar_json__num(ev, KRADAR_KEY_GUEST_NS_COVERED, -1);
		if (v >= 0)
			r->guest_s = v / 1e9;
		return 0;
	default:
		return 0;
	}
}

/* The runner's marks: did the guest boot, finish its job, power off */
static int serial_mark(void *ctx, char *line, size_t len)
{
	struct kradar_cmp_run *r = ctx;
	const char *p = kradar_mark__text(line);

	if (!p)
		return 0;
	if (kradar_mark__is(p, KRADAR_MARK_INIT))
		r->booted = true;
	else if (kradar_mark__is(p, KRADAR_MARK_POWEROFF))
		r->powered_off = true;
	else if (kradar_mark__is(p, KRADAR_MARK_JOB_FINISHED))
		r->job_status = atoi(p + strlen(KRADAR_MARK_JOB_FINISHED));
	return 0;
}

struct serial_read {
	struct kradar_cmp_run *r;
	struct kradar_serial *ps;
	struct kradar_lines marks;
};

static int serial_chunk(void *ctx, const char *buf, size_t len)
{
	struct serial_read *sr = ctx;
	int err = kradar_serial__feed(sr->ps, buf, len);

	return err ? err : kradar_lines__feed(&sr->marks, buf, len, serial_mark, sr->r);
}

static int load_serial(struct kradar_cmp_run *r, const struct kradar_rundir *d)
{
	struct serial_read sr = { .r = r };
	struct kradar_serial *ps;
	size_t i;
	int err;

	if (!kradar_rundir__has(d, KRADAR_FILE_SERIAL))
		return 0;
	r->have_serial = true;
	ps = sr.ps = kradar_serial__new();
	if (!ps)
		return -errno;
	err = kradar_lines__init(&sr.marks, MARK_LINE_MAX, true);
	if (!err)
		err = kradar_rundir__read(d, KRADAR_FILE_SERIAL, serial_chunk, &sr);
	if (!err)
		err = kradar_lines__finish(&sr.marks, serial_mark, r);
	kradar_lines__fini(&sr.marks);
	if (!err)
		err = kradar_serial__finish(ps);
	for (i = 0; !err && i < kradar_serial__nr_events(ps); i++) {
		const struct kradar_serial_event *e = kradar_serial__event(ps, i);

		switch (e->kind) {
		case KRADAR_EV_RCU_STALL: r->rcu_stalls++; break;
		case KRADAR_EV_RCU_STARVED: r->rcu_starved++; break;
		case KRADAR_EV_SOFT_LOCKUP: r->soft_lockups++; break;
		case KRADAR_EV_HARD_LOCKUP: r->hard_lockups++; break;
		case KRADAR_EV_HUNG_TASK: r->hung_tasks++; break;
		case KRADAR_EV_PANIC: r->panics++; break;
		case KRADAR_EV_OOPS:
		case KRADAR_EV_BUG:
		case KRADAR_EV_KASAN: r->oopses++; break;
		case KRADAR_EV_WARNING: r->warnings++; break;
		case KRADAR_EV_HRTIMER_SLOW:
			if (e->ns > 0)
				r->hrtimer_slow_ns = fmax(r->hrtimer_slow_ns, (double)e->ns);
			break;
		default: break;
		}
		/* findings without a report of their own still count */
		if (kradar_serial__event_is_finding(e->kind))
			err = add_sig(r, "console: %s", kradar_serial__event_name(e->kind));
	}
	for (i = 0; !err && i < kradar_serial__nr_reports(ps); i++) {
		const struct kradar_serial_report *rep = kradar_serial__report(ps, i);

		if (rep->title[0])
			err = add_sig(r, "title: %s", rep->title);
	}
	kradar_serial__free(ps);
	return err;
}

struct run_times {
	struct kradar_cmp_run *r;
	long long start, end;
};

static int run_event(void *ctx, char *line, size_t len)
{
	struct run_times *rt = ctx;
	const char *text;
	int64_t ns = kradar_run_event__parse(line, &text);

	if (ns < 0)
		return 0;
	if (kradar_mark__is(text, KRADAR_RUNEV_QEMU_STARTED) && rt->start < 0)
		rt->start = ns;
	else if (kradar_mark__is(text, KRADAR_RUNEV_QEMU_EXITED) ||
		 kradar_mark__is(text, KRADAR_RUNEV_QEMU_KILLED))
		rt->end = ns;
	else if (kradar_mark__is(text, KRADAR_RUNEV_TIMEOUT))
		rt->r->timed_out = true;
	return 0;
}

static void load_run_events(struct kradar_cmp_run *r, const struct kradar_rundir *d)
{
	struct run_times rt = { .r = r, .start = -1, .end = -1 };

	if (!kradar_rundir__has(d, KRADAR_FILE_RUN_EVENTS))
		return;
	r->have_run_events = true;
	kradar_rundir__lines(d, KRADAR_FILE_RUN_EVENTS, RUN_LINE_MAX, run_event, &rt, NULL);
	if (rt.start > 0 && rt.end >= rt.start)
		r->wall_s = (double)(rt.end - rt.start) / 1e9;
}

/* "NAME FILE sha256=HEX ...": "NAME (sha256 HEX12)" added to overrides */
static int override_line(void *ctx, char *line, size_t len)
{
	struct kradar_cmp_run *r = ctx;
	size_t used = strlen(r->overrides);
	char name[64], file[512], sha[80] = "";
	const char *s = strstr(line, "sha256=");
	int n;

	if (sscanf(line, "%63s %511s", name, file) != 2)
		return 0;
	if (s)
		sscanf(s + 7, "%12[0-9a-f]", sha);
	n = snprintf(r->overrides + used, sizeof(r->overrides) - used,
		     "%s%s (sha256 %s)", used ? ", " : "", name, sha);
	if (n < 0 || (size_t)n >= sizeof(r->overrides) - used) {
		r->overrides[used] = '\0';
		return 1;	/* full */
	}
	return 0;
}

void kradar_cmp_run__free(struct kradar_cmp_run *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nr_funcs; i++)
		free(r->funcs[i].rates);
	free(r->funcs);
	free(r->sigs);
	free(r->dir);
	free(r);
}

struct kradar_cmp_run *kradar_cmp_run__load(const char *dir, char *err, size_t errlen)
{
	struct kradar_rundir *d = kradar_rundir__open(dir, err, errlen);
	struct kradar_events st = { 0 };
	struct kradar_cmp_run *r;
	int e = -ENOMEM;

	if (!d)
		return NULL;
	r = calloc(1, sizeof(*r));
	if (!r || !(r->dir = strdup(dir))) {
		snprintf(err, errlen, "out of memory");
		goto err_out;
	}
	r->job_status = -1;
	r->qs_gap_ms = r->gp_stall_ms = r->lock_held_ms = -1;
	r->guest_s = r->wall_s = -1;
	r->have_events = kradar_rundir__has(d, KRADAR_FILE_EVENTS);
	if (!r->have_events && !kradar_rundir__has(d, KRADAR_FILE_SERIAL)) {
		snprintf(err, errlen, "%s: neither events.jsonl nor serial.log", dir);
		e = -ENOENT;
		goto err_out;
	}
	e = kradar_rundir__events(d, &st, load_event, r);
	r->events_bad = (long)st.bad;
	if (e && e != -ENOENT) {
		snprintf(err, errlen, "%s", st.err);
		goto err_out;
	}
	e = load_serial(r, d);
	if (e) {
		snprintf(err, errlen, "%s: serial.log: %s", dir, strerror(-e));
		goto err_out;
	}
	load_run_events(r, d);
	kradar_rundir__lines(d, KRADAR_FILE_MODULE_OVERRIDES, OVERRIDE_LINE_MAX,
			     override_line, r, NULL);
	/* How the run ended is a signature too: a guest that never powered
	 * off hung (or crashed without panic=-1 output we recognised). */
	if (r->have_serial && r->booted && !r->powered_off)
		e = add_sig(r, "guest did not finish (no poweroff%s)",
			    r->timed_out ? ", stopped at the timeout" : "");
	else if (r->have_serial && !r->booted)
		e = add_sig(r, "guest did not boot");
	if (e) {
		snprintf(err, errlen, "%s: %s", dir, strerror(-e));
		goto err_out;
	}
	kradar_rundir__close(d);
	return r;

err_out:
	kradar_rundir__close(d);
	kradar_cmp_run__free(r);
	errno = -e;
	return NULL;
}

bool kradar_cmp_run__problem(const struct kradar_cmp_run *r)
{
	return r->nr_sigs > 0;
}

bool kradar_cmp_run__no_data(const struct kradar_cmp_run *r)
{
	return !r->records && (r->booted || !r->have_serial);
}

const struct kradar_cmp_func *kradar_cmp_run__func(const struct kradar_cmp_run *r,
						   const char *name)
{
	size_t i;

	for (i = 0; i < r->nr_funcs; i++)
		if (!strcmp(r->funcs[i].name, name))
			return &r->funcs[i];
	return NULL;
}

static bool is_run_dir(const char *dir)
{
	static const enum kradar_run_file files[] = { KRADAR_FILE_EVENTS, KRADAR_FILE_SERIAL };
	struct stat st;
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *p = path_join(dir, kradar_run_file__name(files[i]));
		bool ok = p && !stat(p, &st) && S_ISREG(st.st_mode);

		free(p);
		if (ok)
			return true;
	}
	return false;
}

static int cmp_run_index(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

static int side_push(struct kradar_cmp_side *s, const char *dir, char *err,
		     size_t errlen)
{
	struct kradar_cmp_run *r;

	if (s->nr >= KRADAR_CMP_MAX_RUNS) {
		snprintf(err, errlen, "more than %d runs on one side", KRADAR_CMP_MAX_RUNS);
		return -E2BIG;
	}
	r = kradar_cmp_run__load(dir, err, errlen);
	if (!r)
		return -errno;
	s->runs[s->nr++] = r;
	return 0;
}

int kradar_cmp_side__add(struct kradar_cmp_side *s, const char *dir, char *err,
			 size_t errlen)
{
	long idx[KRADAR_CMP_MAX_RUNS];
	size_t n = 0, i;
	struct dirent *de;
	DIR *d;
	int ret = 0;

	if (is_run_dir(dir))
		return side_push(s, dir, err, errlen);
	/* a set of runs: DIR/run-1 .. DIR/run-N, in numeric order */
	d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -errno;
	}
	while ((de = readdir(d))) {
		char *end;
		long v;

		if (strncmp(de->d_name, "run-", 4) || !isdigit((unsigned char)de->d_name[4]))
			continue;
		v = strtol(de->d_name + 4, &end, 10);
		if (*end || v < 0)
			continue;
		if (n >= KRADAR_CMP_MAX_RUNS) {
			closedir(d);
			snprintf(err, errlen, "%s: more than %d runs", dir, KRADAR_CMP_MAX_RUNS);
			return -E2BIG;
		}
		idx[n++] = v;
	}
	closedir(d);
	if (!n) {
		snprintf(err, errlen, "%s: not a run directory (no events.jsonl or serial.log) and no run-N directories in it", dir);
		return -ENOENT;
	}
	qsort(idx, n, sizeof(idx[0]), cmp_run_index);
	for (i = 0; i < n && !ret; i++) {
		char name[32], *p;

		snprintf(name, sizeof(name), "run-%ld", idx[i]);
		p = path_join(dir, name);
		if (!p)
			return -ENOMEM;
		ret = side_push(s, p, err, errlen);
		free(p);
	}
	return ret;
}

void kradar_cmp_side__clear(struct kradar_cmp_side *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		kradar_cmp_run__free(s->runs[i]);
	s->nr = 0;
}

size_t kradar_cmp_side__problems(const struct kradar_cmp_side *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->nr; i++)
		n += kradar_cmp_run__problem(s->runs[i]);
	return n;
}
