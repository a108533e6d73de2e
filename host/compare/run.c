// SPDX-License-Identifier: GPL-2.0
/*
 * Loading one run directory of tools/kradar-run into the numbers that
 * kradar-compare compares: events.jsonl (the collector's decoded probe
 * records, read with jansson, every field optional, unknown types
 * skipped), serial.log (through host/serial's console parser: titles,
 * stalls, lockups), run-events.txt (timeout, wall time) and
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

#include <jansson.h>

#include "compare.h"
#include "kradar_serial.h"

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

static double jnum(const json_t *o, const char *key, double dflt)
{
	const json_t *v = json_object_get(o, key);

	if (json_is_number(v)) {
		double d = json_number_value(v);

		return isfinite(d) ? d : dflt;
	}
	return dflt;
}

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
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
	const json_t *entries = json_object_get(ev, "entries");
	const json_t *e;
	size_t i;

	if (!json_is_array(entries))
		return 0;
	json_array_foreach(entries, i, e) {
		const char *name = jstr(e, "function");
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
		count = jnum(e, "count", 0);
		rate = jnum(e, "rate_per_s", 0);
		if (count < 0 || rate < 0)
			continue;
		if (rate > f->peak_rate)
			f->peak_rate = rate;
		if (func_add_rate(f, rate))
			return -ENOMEM;
		f->count += count;
		f->late += fmax(0, jnum(e, "late", 0));
		f->late_sum_ns += fmax(0, jnum(e, "late_mean_ns", 0)) * count;
		f->late_max_ns = fmax(f->late_max_ns, jnum(e, "late_max_ns", 0));
	}
	return 0;
}

static int load_event(struct kradar_cmp_run *r, const json_t *ev)
{
	const char *type = jstr(ev, "type");

	if (!type)
		return 0;
	if (json_object_get(ev, "t_ns"))
		r->records++;
	if (!strcmp(type, "hrtimer_window"))
		return load_window(r, ev);
	if (!strcmp(type, "hrtimer_storm") || !strcmp(type, "hrtimer_storm_end")) {
		const char *fn = jstr(ev, "function");
		double peak = fmax(jnum(ev, "peak_rate_per_s", 0),
				   jnum(ev, "rate_per_s", 0));
		struct kradar_cmp_func *f;

		r->storm_peak = fmax(r->storm_peak, peak);
		if (!strcmp(type, "hrtimer_storm_end"))
			return 0;
		r->storms++;
		if (fn && *fn) {
			f = get_func(r, fn);
			if (f)
				f->stormed = true;
		}
		return add_sig(r, "hrtimer storm: %s", fn && *fn ? fn : "?");
	}
	if (!strcmp(type, "qs_gap")) {
		r->qs_gap_ms = fmax(r->qs_gap_ms, fmax(0, jnum(ev, "gap_ms", 0)));
		return 0;
	}
	if (!strcmp(type, "gp_stall")) {
		r->gp_stall_ms = fmax(r->gp_stall_ms, fmax(0, jnum(ev, "stall_ms", 0)));
		return add_sig(r, "RCU grace-period stall (probe)");
	}
	if (!strcmp(type, "lock_contention")) {
		double held = fmax(0, jnum(ev, "held_ms", 0));

		if (held > r->lock_held_ms || r->lock_held_ms < 0) {
			r->lock_held_ms = held;
			copy_str(r->lock_name, sizeof(r->lock_name), jstr(ev, "lock"));
		}
		return 0;
	}
	if (!strcmp(type, "lost")) {
		r->lost++;
		return 0;
	}
	if (!strcmp(type, "summary")) {
		double ns = jnum(ev, "guest_ns_covered", -1);

		if (ns >= 0)
			r->guest_s = ns / 1e9;
	}
	return 0;
}

static int load_events(struct kradar_cmp_run *r, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int err = 0;

	if (!f)
		return errno == ENOENT ? 0 : -errno;
	r->have_events = true;
	while ((n = getline(&line, &cap, f)) > 0) {
		json_error_t jerr;
		json_t *ev;

		if (n > KRADAR_CMP_MAX_LINE) {
			r->events_bad++;
			continue;
		}
		ev = json_loadb(line, (size_t)n, JSON_DISABLE_EOF_CHECK, &jerr);
		if (!json_is_object(ev)) {
			r->events_bad++;
			json_decref(ev);
			continue;
		}
		err = load_event(r, ev);
		json_decref(ev);
		if (err)
			break;
	}
	if (!err && ferror(f))
		err = -EIO;
	free(line);
	fclose(f);
	return err;
}

static void serial_marks(struct kradar_cmp_run *r, const char *line)
{
	const char *p = strstr(line, "kradar-run: ");

	if (!p)
		return;
	p += strlen("kradar-run: ");
	if (!strncmp(p, "init started", 12))
		r->booted = true;
	else if (!strncmp(p, "poweroff", 8))
		r->powered_off = true;
	else if (!strncmp(p, "job finished: status ", 21))
		r->job_status = atoi(p + 21);
}

static int load_serial(struct kradar_cmp_run *r, const char *path)
{
	struct kradar_serial *ps;
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, i;
	ssize_t n;
	int err = 0;

	if (!f)
		return errno == ENOENT ? 0 : -errno;
	r->have_serial = true;
	ps = kradar_serial__new();
	if (!ps) {
		err = -errno;
		fclose(f);
		return err;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		err = kradar_serial__feed(ps, line, (size_t)n);
		if (err)
			break;
		serial_marks(r, line);
	}
	if (!err && ferror(f))
		err = -EIO;
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
	free(line);
	fclose(f);
	kradar_serial__free(ps);
	return err;
}

static void load_run_events(struct kradar_cmp_run *r, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	long long start = -1, end = -1;

	if (!f)
		return;
	r->have_run_events = true;
	while (fgets(line, sizeof(line), f)) {
		char *sp;
		long long ns = strtoll(line, &sp, 10);

		if (sp == line || *sp != ' ')
			continue;
		sp++;
		if (!strncmp(sp, "qemu started", 12) && start < 0)
			start = ns;
		else if (!strncmp(sp, "qemu exited", 11) || !strncmp(sp, "qemu killed", 11))
			end = ns;
		else if (!strncmp(sp, "timeout", 7))
			r->timed_out = true;
	}
	fclose(f);
	if (start > 0 && end >= start)
		r->wall_s = (double)(end - start) / 1e9;
}

static void load_overrides(struct kradar_cmp_run *r, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	size_t used = 0;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char name[64], file[512], sha[80] = "";
		const char *s = strstr(line, "sha256=");
		int n;

		if (sscanf(line, "%63s %511s", name, file) != 2)
			continue;
		if (s)
			sscanf(s + 7, "%12[0-9a-f]", sha);
		n = snprintf(r->overrides + used, sizeof(r->overrides) - used,
			     "%s%s (sha256 %s)", used ? ", " : "", name, sha);
		if (n < 0 || (size_t)n >= sizeof(r->overrides) - used)
			break;
		used += (size_t)n;
	}
	fclose(f);
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

struct kradar_cmp_run *kradar_cmp_run__load(const char *dir)
{
	struct kradar_cmp_run *r = calloc(1, sizeof(*r));
	char *p = NULL;
	int err = -ENOMEM;

	if (!r)
		return NULL;
	r->job_status = -1;
	r->qs_gap_ms = r->gp_stall_ms = r->lock_held_ms = -1;
	r->guest_s = r->wall_s = -1;
	r->dir = strdup(dir);
	if (!r->dir)
		goto err_out;
	if (!(p = path_join(dir, "events.jsonl")))
		goto err_out;
	err = load_events(r, p);
	free(p);
	if (err)
		goto err_out;
	err = -ENOMEM;
	if (!(p = path_join(dir, "serial.log")))
		goto err_out;
	err = load_serial(r, p);
	free(p);
	if (err)
		goto err_out;
	err = -ENOMEM;
	if (!(p = path_join(dir, "run-events.txt")))
		goto err_out;
	load_run_events(r, p);
	free(p);
	if (!(p = path_join(dir, "module-overrides.txt")))
		goto err_out;
	load_overrides(r, p);
	free(p);
	if (!r->have_events && !r->have_serial) {
		err = -ENOENT;
		goto err_out;
	}
	/* How the run ended is a signature too: a guest that never powered
	 * off hung (or crashed without panic=-1 output we recognised). */
	err = 0;
	if (r->have_serial && r->booted && !r->powered_off)
		err = add_sig(r, "guest did not finish (no poweroff%s)",
			      r->timed_out ? ", stopped at the timeout" : "");
	else if (r->have_serial && !r->booted)
		err = add_sig(r, "guest did not boot");
	if (err)
		goto err_out;
	return r;

err_out:
	kradar_cmp_run__free(r);
	errno = -err;
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
	static const char *const files[] = { "events.jsonl", "serial.log" };
	struct stat st;
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *p = path_join(dir, files[i]);
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
	r = kradar_cmp_run__load(dir);
	if (!r) {
		int e = errno;

		snprintf(err, errlen, "%s: %s", dir,
			 e == ENOENT ? "neither events.jsonl nor serial.log" : strerror(e));
		return -e;
	}
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
