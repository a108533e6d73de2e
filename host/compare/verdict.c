// SPDX-License-Identifier: GPL-2.0
/*
 * From runs to a verdict. Each section (the reproducer, the control
 * workload) becomes rows: one number per run, summarised per side as
 * min/median/max, and judged against the other side with a noise rule:
 * a difference counts only when the two ranges are apart by more than
 * the row's tolerance (relative to the larger value, plus an absolute
 * floor). With a handful of runs per side that is the honest test: no
 * distribution is assumed, and a single outlier run cannot make a change
 * out of noise.
 *
 * The verdict rules (Documentation/validation.rst):
 *   regressed     the candidate shows a problem family the baseline does
 *                 not (storm, hang, crash), makes the reproducer's problem
 *                 worse, or changes the control's normal behaviour beyond
 *                 noise (the rate of the focus callbacks, and with --timing
 *                 their lateness);
 *   not fixed     the candidate still reproduces; "softened" when severity
 *                 rows are better beyond noise;
 *   inconclusive  a run has no probe data (the guest booted but no probe
 *                 record reached the collector: it measured nothing, so
 *                 it can count neither as clean nor as a reproduction;
 *                 this overrides every other rule), or
 *                 the baseline did not reproduce, or it reproduced so
 *                 rarely that the clean candidate runs could be luck:
 *                 (1 - k/n)^m > alpha for k of n baseline runs and m
 *                 candidate runs;
 *   fixed         no candidate run reproduces, luck is ruled out, and the
 *                 control (when given) shows no change beyond noise.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "kradar_serial.h"
#include "str.h"

enum family { FAM_STORM = 1, FAM_HANG = 2, FAM_CRASH = 4 };

static const char *const family_names[] = { "hrtimer storm", "hang or stall", "crash" };

static int sig_family(const char *sig)
{
	enum kradar_serial_class cls;

	if (!strncmp(sig, "hrtimer storm", 13))
		return FAM_STORM;
	if (!strncmp(sig, "title: ", 7)) {
		kradar_serial__title_type(sig + 7, &cls);
		return cls == KRADAR_CLASS_HANG ? FAM_HANG : FAM_CRASH;
	}
	if (!strcmp(sig, "console: panic") || !strcmp(sig, "console: oops") ||
	    !strcmp(sig, "console: bug") || !strcmp(sig, "console: kasan") ||
	    !strncmp(sig, "guest did not boot", 18))
		return FAM_CRASH;
	return FAM_HANG;	/* stalls, lockups, hung tasks, no poweroff */
}

static int side_families(const struct kradar_cmp_side *s)
{
	size_t i, j;
	int fam = 0;

	for (i = 0; i < s->nr; i++)
		for (j = 0; j < s->runs[i]->nr_sigs; j++)
			fam |= sig_family(s->runs[i]->sigs[j]);
	return fam;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median_of(double *v, size_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

enum kradar_cmp_change kradar_cmp__judge(const struct kradar_cmp_stat *b,
					 const struct kradar_cmp_stat *c,
					 enum kradar_cmp_dir dir,
					 double rel, double abs)
{
	bool up, down;

	if (!b->n || !c->n)
		return KRADAR_CH_NA;
	/* apart by more than the tolerance of the larger side */
	up = c->min > b->max * (1 + rel) + abs;
	down = b->min > c->max * (1 + rel) + abs;
	if (!up && !down)
		return KRADAR_CH_SAME;
	switch (dir) {
	case KRADAR_DIR_HIGHER_WORSE:
		return up ? KRADAR_CH_WORSE : KRADAR_CH_BETTER;
	case KRADAR_DIR_CHANGE_WORSE:
		return KRADAR_CH_WORSE;
	default:
		return KRADAR_CH_CHANGED;
	}
}

/* A per-run value: false when the run has none. */
typedef bool (*getter_t)(const struct kradar_cmp_run *r, const void *ctx,
			 double *v);

static int side_stat(const struct kradar_cmp_side *s, getter_t get,
		     const void *ctx, struct kradar_cmp_stat *st)
{
	double *v = calloc(s->nr ? s->nr : 1, sizeof(*v));
	size_t i;

	if (!v)
		return -ENOMEM;
	memset(st, 0, sizeof(*st));
	for (i = 0; i < s->nr; i++) {
		double x;

		if (get(s->runs[i], ctx, &x)) {
			v[st->n++] = x;
			st->nonzero += x != 0;
		}
	}
	if (st->n) {
		st->median = median_of(v, st->n);
		st->min = v[0];
		st->max = v[st->n - 1];
	}
	free(v);
	return 0;
}

struct row_spec {
	const char *key, *label, *unit;
	enum kradar_cmp_dir dir;
	int role;
	double rel, abs;
	bool count_row;
	getter_t get;
	const void *ctx;
};

static int add_row(struct kradar_cmp_section *sec, const struct row_spec *sp)
{
	struct kradar_cmp_row *row;
	int err;

	if (sec->nr_rows == sec->cap_rows) {
		size_t cap = sec->cap_rows ? sec->cap_rows * 2 : 32;
		struct kradar_cmp_row *p = realloc(sec->rows, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		sec->rows = p;
		sec->cap_rows = cap;
	}
	row = &sec->rows[sec->nr_rows];
	memset(row, 0, sizeof(*row));
	snprintf(row->key, sizeof(row->key), "%s", sp->key);
	snprintf(row->label, sizeof(row->label), "%s", sp->label);
	row->unit = sp->unit;
	row->dir = sp->dir;
	row->role = sp->role;
	row->rel = sp->rel;
	row->abs = sp->abs;
	row->count_row = sp->count_row;
	err = side_stat(sec->base, sp->get, sp->ctx, &row->base);
	if (!err)
		err = side_stat(sec->cand, sp->get, sp->ctx, &row->cand);
	if (err)
		return err;
	row->change = kradar_cmp__judge(&row->base, &row->cand, row->dir,
					row->rel, row->abs);
	sec->nr_rows++;
	return 0;
}

/* Getters. */
static bool g_problem(const struct kradar_cmp_run *r, const void *c, double *v)
{
	*v = kradar_cmp_run__problem(r);
	return true;
}

static bool g_unfinished(const struct kradar_cmp_run *r, const void *c, double *v)
{
	if (!r->have_serial)
		return false;
	*v = !r->powered_off;
	return true;
}

static bool g_f_peak(const struct kradar_cmp_run *r, const void *c, double *v)
{
	const struct kradar_cmp_func *f = kradar_cmp_run__func(r, c);

	if (!r->have_events)
		return false;
	*v = f ? f->peak_rate : 0;
	return true;
}

static bool g_f_median(const struct kradar_cmp_run *r, const void *c, double *v)
{
	const struct kradar_cmp_func *f = kradar_cmp_run__func(r, c);
	double *tmp;

	if (!r->have_events)
		return false;
	if (!f || !f->nr_rates) {
		*v = 0;
		return true;
	}
	tmp = malloc(f->nr_rates * sizeof(*tmp));
	if (!tmp)
		return false;
	memcpy(tmp, f->rates, f->nr_rates * sizeof(*tmp));
	*v = median_of(tmp, f->nr_rates);
	free(tmp);
	return true;
}

static bool g_f_late_pct(const struct kradar_cmp_run *r, const void *c, double *v)
{
	const struct kradar_cmp_func *f = kradar_cmp_run__func(r, c);

	if (!f || f->count <= 0)
		return false;
	*v = 100.0 * f->late / f->count;
	return true;
}

static bool g_f_late_mean(const struct kradar_cmp_run *r, const void *c, double *v)
{
	const struct kradar_cmp_func *f = kradar_cmp_run__func(r, c);

	if (!f || f->count <= 0)
		return false;
	*v = f->late_sum_ns / f->count / 1e3;
	return true;
}

static bool g_f_count(const struct kradar_cmp_run *r, const void *c, double *v)
{
	const struct kradar_cmp_func *f = kradar_cmp_run__func(r, c);

	if (!r->have_events)
		return false;
	*v = f ? f->count : 0;
	return true;
}

static bool g_storms(const struct kradar_cmp_run *r, const void *c, double *v)
{
	if (!r->have_events)
		return false;
	*v = (double)r->storms;
	return true;
}

static bool g_storm_peak(const struct kradar_cmp_run *r, const void *c, double *v)
{
	if (!r->have_events)
		return false;
	*v = r->storm_peak;
	return true;
}

/* Probe detectors that older probes lack: ctx says whether any run of the
 * section has the type at all; then a run without it had none. */
struct opt_ctx {
	size_t offset;		/* of the double in struct kradar_cmp_run */
	bool seen;
};

static bool g_optional(const struct kradar_cmp_run *r, const void *c, double *v)
{
	const struct opt_ctx *o = c;
	double x = *(const double *)((const char *)r + o->offset);

	if (!o->seen || !r->have_events)
		return false;
	*v = x < 0 ? 0 : x;
	return true;
}

struct count_ctx {
	size_t offset;		/* of the long in struct kradar_cmp_run */
};

static bool g_console(const struct kradar_cmp_run *r, const void *c, double *v)
{
	const struct count_ctx *o = c;

	if (!r->have_serial)
		return false;
	*v = (double)*(const long *)((const char *)r + o->offset);
	return true;
}

static bool g_slow(const struct kradar_cmp_run *r, const void *c, double *v)
{
	if (!r->have_serial)
		return false;
	*v = r->hrtimer_slow_ns / 1e3;
	return true;
}

static bool g_guest_s(const struct kradar_cmp_run *r, const void *c, double *v)
{
	*v = r->guest_s;
	return r->guest_s >= 0;
}

static bool g_wall_s(const struct kradar_cmp_run *r, const void *c, double *v)
{
	*v = r->wall_s;
	return r->wall_s >= 0;
}

static bool g_job(const struct kradar_cmp_run *r, const void *c, double *v)
{
	*v = r->job_status;
	return r->job_status >= 0;
}

static bool g_lost(const struct kradar_cmp_run *r, const void *c, double *v)
{
	*v = (double)r->lost;
	return r->have_events;
}

static bool side_has_func(const struct kradar_cmp_side *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		if (kradar_cmp_run__func(s->runs[i], name))
			return true;
	return false;
}

static bool section_seen(const struct kradar_cmp_section *sec, size_t offset)
{
	const struct kradar_cmp_side *sides[2] = { sec->base, sec->cand };
	size_t i, k;

	for (k = 0; k < 2; k++)
		for (i = 0; i < sides[k]->nr; i++)
			if (*(const double *)((const char *)sides[k]->runs[i] + offset) >= 0)
				return true;
	return false;
}

static int add_focus(struct kradar_cmp_result *res, const char *name)
{
	size_t i;

	for (i = 0; i < res->nr_focus; i++)
		if (!strcmp(res->focus[i], name))
			return 0;
	if (res->nr_focus >= sizeof(res->focus) / sizeof(res->focus[0]))
		return 0;
	snprintf(res->focus[res->nr_focus++], KRADAR_CMP_NAME_LEN, "%s", name);
	return 0;
}

/* Callbacks to judge: named with --function, those that stormed in the
 * baseline, and those of a module the candidate replaced. */
static void find_focus(struct kradar_cmp_result *res,
		       struct kradar_cmp_side *const sides[4],
		       const struct kradar_cmp_opts *opts)
{
	size_t i, j, k;

	for (i = 0; i < opts->nr_focus; i++)
		add_focus(res, opts->focus[i]);
	if (sides[0])
		for (i = 0; i < sides[0]->nr; i++)
			for (j = 0; j < sides[0]->runs[i]->nr_funcs; j++)
				if (sides[0]->runs[i]->funcs[j].stormed)
					add_focus(res, sides[0]->runs[i]->funcs[j].name);
	for (k = 0; k < 4; k++) {
		const struct kradar_cmp_side *s = sides[k];

		for (i = 0; s && i < s->nr; i++) {
			const struct kradar_cmp_run *r = s->runs[i];
			const char *p = r->overrides;

			while (*p) {
				char mod[80];
				size_t n = strcspn(p, " (,");

				if (n && n < sizeof(mod) - 3) {
					size_t a, b;

					snprintf(mod, sizeof(mod), "[%.*s]", (int)n, p);
					for (a = 0; a < 4; a++)
						for (b = 0; sides[a] && b < sides[a]->nr; b++) {
							const struct kradar_cmp_run *x = sides[a]->runs[b];
							size_t f;

							for (f = 0; f < x->nr_funcs; f++)
								if (strstr(x->funcs[f].name, mod))
									add_focus(res, x->funcs[f].name);
						}
				}
				p = strchr(p, ',');
				if (!p)
					break;
				p += strspn(p, ", ");
			}
		}
	}
}

static int collect_sigs(struct kradar_cmp_section *sec)
{
	const struct kradar_cmp_side *sides[2] = { sec->base, sec->cand };
	size_t i, j, k, s;

	for (k = 0; k < 2; k++)
		for (i = 0; i < sides[k]->nr; i++)
			for (j = 0; j < sides[k]->runs[i]->nr_sigs; j++) {
				const char *sig = sides[k]->runs[i]->sigs[j];

				for (s = 0; s < sec->nr_sigs; s++)
					if (!strcmp(sec->sigs[s], sig))
						break;
				if (s == sec->nr_sigs) {
					void *a = realloc(sec->sigs, (s + 1) * sizeof(*sec->sigs));
					void *b, *c;

					if (!a)
						return -ENOMEM;
					sec->sigs = a;
					b = realloc(sec->sig_base, (s + 1) * sizeof(size_t));
					if (!b)
						return -ENOMEM;
					sec->sig_base = b;
					c = realloc(sec->sig_cand, (s + 1) * sizeof(size_t));
					if (!c)
						return -ENOMEM;
					sec->sig_cand = c;
					memcpy(sec->sigs[s], sig, KRADAR_CMP_SIG_LEN);
					sec->sig_base[s] = sec->sig_cand[s] = 0;
					sec->nr_sigs++;
				}
				if (k == 0)
					sec->sig_base[s]++;
				else
					sec->sig_cand[s]++;
			}
	return 0;
}

static int build_section(struct kradar_cmp_section *sec, const char *name,
			 struct kradar_cmp_side *base, struct kradar_cmp_side *cand,
			 const struct kradar_cmp_result *res, bool control)
{
	/* a reproducer changes rates by design: judge them on the control */
	enum kradar_cmp_dir rate_dir = control ? KRADAR_DIR_CHANGE_WORSE : KRADAR_DIR_INFO;
	static struct count_ctx c_stalls = { offsetof(struct kradar_cmp_run, rcu_stalls) };
	static struct count_ctx c_starved = { offsetof(struct kradar_cmp_run, rcu_starved) };
	static struct count_ctx c_soft = { offsetof(struct kradar_cmp_run, soft_lockups) };
	static struct count_ctx c_hung = { offsetof(struct kradar_cmp_run, hung_tasks) };
	static struct count_ctx c_oops = { offsetof(struct kradar_cmp_run, oopses) };
	static struct count_ctx c_panic = { offsetof(struct kradar_cmp_run, panics) };
	static struct count_ctx c_warn = { offsetof(struct kradar_cmp_run, warnings) };
	struct opt_ctx o_gap = { offsetof(struct kradar_cmp_run, qs_gap_ms), false };
	struct opt_ctx o_gp = { offsetof(struct kradar_cmp_run, gp_stall_ms), false };
	struct opt_ctx o_lock = { offsetof(struct kradar_cmp_run, lock_held_ms), false };
	const struct kradar_cmp_side *sides[2] = { base, cand };
	char key[160], label[160];
	size_t i, j, k;
	int err;

	sec->name = name;
	sec->base = base;
	sec->cand = cand;
	sec->base_problems = kradar_cmp_side__problems(base);
	sec->cand_problems = kradar_cmp_side__problems(cand);
	err = collect_sigs(sec);
	if (err)
		return err;

#define ROW(...) do { struct row_spec sp_ = { __VA_ARGS__ }; \
		err = add_row(sec, &sp_); if (err) return err; } while (0)

	ROW(.key = "problem_runs", .label = "runs with a problem", .dir = KRADAR_DIR_INFO,
	    .count_row = true, .get = g_problem, .abs = 0.5);
	ROW(.key = "unfinished_runs", .label = "runs that did not finish",
	    .dir = KRADAR_DIR_HIGHER_WORSE, .role = KRADAR_ROLE_SEVERITY,
	    .abs = 0.5, .count_row = true, .get = g_unfinished);
	for (i = 0; i < res->nr_focus; i++) {
		const char *f = res->focus[i];

		if (!side_has_func(base, f) && !side_has_func(cand, f))
			continue;
		snprintf(key, sizeof(key), "%s/peak_rate", f);
		snprintf(label, sizeof(label), "%s: peak rate", f);
		ROW(.key = key, .label = label, .unit = "/s", .dir = KRADAR_DIR_HIGHER_WORSE,
		    .role = KRADAR_ROLE_SEVERITY, .rel = 0.25, .abs = 100,
		    .get = g_f_peak, .ctx = f);
		snprintf(key, sizeof(key), "%s/median_rate", f);
		snprintf(label, sizeof(label), "%s: median rate", f);
		ROW(.key = key, .label = label, .unit = "/s", .dir = rate_dir,
		    .role = KRADAR_ROLE_CONTROL, .rel = 0.01, .abs = 2,
		    .get = g_f_median, .ctx = f);
		snprintf(key, sizeof(key), "%s/late_pct", f);
		snprintf(label, sizeof(label), "%s: late", f);
		ROW(.key = key, .label = label, .unit = "%", .dir = KRADAR_DIR_HIGHER_WORSE,
		    .role = KRADAR_ROLE_CONTROL | KRADAR_ROLE_TIMING, .abs = 10,
		    .get = g_f_late_pct, .ctx = f);
		snprintf(key, sizeof(key), "%s/late_mean_us", f);
		snprintf(label, sizeof(label), "%s: mean lateness", f);
		ROW(.key = key, .label = label, .unit = "us", .dir = KRADAR_DIR_HIGHER_WORSE,
		    .role = KRADAR_ROLE_CONTROL | KRADAR_ROLE_TIMING, .rel = 0.5, .abs = 50,
		    .get = g_f_late_mean, .ctx = f);
		snprintf(key, sizeof(key), "%s/callbacks", f);
		snprintf(label, sizeof(label), "%s: callbacks", f);
		ROW(.key = key, .label = label, .dir = KRADAR_DIR_INFO, .rel = 0.25, .abs = 10,
		    .get = g_f_count, .ctx = f);
	}
	/* the busiest other callbacks, by their highest peak in any run */
	for (k = 0; k < 3; k++) {
		const char *best = NULL;
		double best_rate = 0;
		size_t s;

		for (s = 0; s < 2; s++)
			for (i = 0; i < sides[s]->nr; i++)
				for (j = 0; j < sides[s]->runs[i]->nr_funcs; j++) {
					const struct kradar_cmp_func *f = &sides[s]->runs[i]->funcs[j];
					bool taken = false;
					size_t q;

					for (q = 0; q < res->nr_focus && !taken; q++)
						taken = !strcmp(res->focus[q], f->name);
					for (q = 0; q < sec->nr_rows && !taken; q++)
						taken = !strncmp(sec->rows[q].key, f->name, strlen(f->name)) &&
							sec->rows[q].key[strlen(f->name)] == '/';
					if (!taken && f->peak_rate > best_rate) {
						best = f->name;
						best_rate = f->peak_rate;
					}
				}
		if (!best)
			break;
		snprintf(key, sizeof(key), "%s/peak_rate", best);
		snprintf(label, sizeof(label), "%s: peak rate", best);
		ROW(.key = key, .label = label, .unit = "/s", .dir = KRADAR_DIR_INFO,
		    .rel = 0.25, .abs = 100, .get = g_f_peak, .ctx = best);
	}
	ROW(.key = "hrtimer_storms", .label = "hrtimer storms (probe)",
	    .dir = KRADAR_DIR_HIGHER_WORSE, .role = KRADAR_ROLE_SEVERITY, .abs = 0.5,
	    .get = g_storms);
	ROW(.key = "storm_peak_rate", .label = "storm peak rate (probe)", .unit = "/s",
	    .dir = KRADAR_DIR_HIGHER_WORSE, .role = KRADAR_ROLE_SEVERITY, .rel = 0.25,
	    .abs = 100, .get = g_storm_peak);
	o_gap.seen = section_seen(sec, o_gap.offset);
	o_gp.seen = section_seen(sec, o_gp.offset);
	o_lock.seen = section_seen(sec, o_lock.offset);
	ROW(.key = "longest_rcu_gap_ms", .label = "longest RCU gap (probe)", .unit = "ms",
	    .dir = KRADAR_DIR_HIGHER_WORSE, .role = KRADAR_ROLE_SEVERITY | KRADAR_ROLE_TIMING,
	    .rel = 0.5, .abs = 100, .get = g_optional, .ctx = &o_gap);
	ROW(.key = "longest_gp_stall_ms", .label = "longest GP stall (probe)", .unit = "ms",
	    .dir = KRADAR_DIR_HIGHER_WORSE, .role = KRADAR_ROLE_SEVERITY | KRADAR_ROLE_TIMING,
	    .rel = 0.5, .abs = 100, .get = g_optional, .ctx = &o_gp);
	ROW(.key = "longest_lock_hold_ms", .label = "longest lock hold (probe)", .unit = "ms",
	    .dir = KRADAR_DIR_HIGHER_WORSE, .role = KRADAR_ROLE_SEVERITY | KRADAR_ROLE_TIMING,
	    .rel = 0.5, .abs = 100, .get = g_optional, .ctx = &o_lock);
	ROW(.key = "console_rcu_stalls", .label = "RCU stalls (console)",
	    .dir = KRADAR_DIR_HIGHER_WORSE, .role = KRADAR_ROLE_SEVERITY, .abs = 0.5,
	    .get = g_console, .ctx = &c_stalls);
	ROW(.key = "console_rcu_starved", .label = "RCU kthread starved (console)",
	    .dir = KRADAR_DIR_HIGHER_WORSE, .role = KRADAR_ROLE_SEVERITY, .abs = 0.5,
	    .get = g_console, .ctx = &c_starved);
	ROW(.key = "console_soft_lockups", .label = "soft lockups (console)",
	    .dir = KRADAR_DIR_HIGHER_WORSE, .role = KRADAR_ROLE_SEVERITY, .abs = 0.5,
	    .get = g_console, .ctx = &c_soft);
	ROW(.key = "console_hung_tasks", .label = "hung tasks (console)",
	    .dir = KRADAR_DIR_HIGHER_WORSE, .role = KRADAR_ROLE_SEVERITY, .abs = 0.5,
	    .get = g_console, .ctx = &c_hung);
	ROW(.key = "console_oopses", .label = "oops/BUG/KASAN (console)",
	    .dir = KRADAR_DIR_HIGHER_WORSE, .role = KRADAR_ROLE_SEVERITY, .abs = 0.5,
	    .get = g_console, .ctx = &c_oops);
	ROW(.key = "console_panics", .label = "panics (console)",
	    .dir = KRADAR_DIR_HIGHER_WORSE, .role = KRADAR_ROLE_SEVERITY, .abs = 0.5,
	    .get = g_console, .ctx = &c_panic);
	ROW(.key = "console_warnings", .label = "WARNINGs (console)",
	    .dir = KRADAR_DIR_HIGHER_WORSE, .role = KRADAR_ROLE_SEVERITY, .abs = 0.5,
	    .get = g_console, .ctx = &c_warn);
	ROW(.key = "hrtimer_interrupt_took_us", .label = "hrtimer interrupt took (console)",
	    .unit = "us", .dir = KRADAR_DIR_HIGHER_WORSE,
	    .role = KRADAR_ROLE_SEVERITY | KRADAR_ROLE_TIMING, .rel = 0.5, .abs = 1000,
	    .get = g_slow);
	ROW(.key = "job_status", .label = "job exit status", .dir = KRADAR_DIR_INFO,
	    .abs = 0.5, .get = g_job);
	ROW(.key = "guest_s", .label = "guest time covered", .unit = "s",
	    .dir = KRADAR_DIR_INFO, .rel = 0.25, .abs = 1, .get = g_guest_s);
	ROW(.key = "wall_s", .label = "wall time", .unit = "s", .dir = KRADAR_DIR_INFO,
	    .rel = 0.25, .abs = 2, .get = g_wall_s);
	ROW(.key = "lost_reports", .label = "loss reports (probe)", .dir = KRADAR_DIR_INFO,
	    .abs = 0.5, .get = g_lost);
#undef ROW
	return 0;
}

void kradar_cmp__fmt_num(char *buf, size_t len, double v)
{
	static const struct { double from, div; const char *sfx; } units[] = {
		{ 1e9, 1e9, "G" }, { 1e6, 1e6, "M" }, { 1e4, 1e3, "k" },
	};
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (fabs(v) >= units[i].from) {
			snprintf(buf, len, "%.3g%s", v / units[i].div, units[i].sfx);
			return;
		}
	snprintf(buf, len, "%.4g", v);
}

/* Durations given in us or ms are shown in the unit that fits. */
static void fmt_val(char *buf, size_t len, double v, const char *unit)
{
	double us = -1;

	if (unit && !strcmp(unit, "us"))
		us = v;
	else if (unit && !strcmp(unit, "ms"))
		us = v * 1e3;
	if (us < 0 || us == 0) {
		kradar_cmp__fmt_num(buf, len, v);
		snprintf(buf + strlen(buf), len - strlen(buf), "%s", unit ? unit : "");
	} else if (us < 1e3) {
		snprintf(buf, len, "%.3gus", us);
	} else if (us < 1e6) {
		snprintf(buf, len, "%.3gms", us / 1e3);
	} else {
		snprintf(buf, len, "%.3gs", us / 1e6);
	}
}

void kradar_cmp__fmt_stat(char *buf, size_t len, const struct kradar_cmp_stat *st,
			  const char *unit)
{
	char a[32], b[32], c[32];

	if (!st->n) {
		snprintf(buf, len, "-");
		return;
	}
	fmt_val(a, sizeof(a), st->median, unit);
	if (st->min == st->max) {
		snprintf(buf, len, "%s", a);
		return;
	}
	/* the range without the unit, unless the unit is picked per value */
	if (unit && (!strcmp(unit, "us") || !strcmp(unit, "ms"))) {
		fmt_val(b, sizeof(b), st->min, unit);
		fmt_val(c, sizeof(c), st->max, unit);
	} else {
		kradar_cmp__fmt_num(b, sizeof(b), st->min);
		kradar_cmp__fmt_num(c, sizeof(c), st->max);
	}
	snprintf(buf, len, "%s [%s..%s]", a, b, c);
}

/* "label X -> Y" for reasons: baseline first. */
static void describe_row(char *buf, size_t len, const struct kradar_cmp_row *row,
			 const struct kradar_cmp_section *sec)
{
	char b[96], c[96];

	if (row->count_row) {
		snprintf(b, sizeof(b), "%zu/%zu", row->base.nonzero, sec->base->nr);
		snprintf(c, sizeof(c), "%zu/%zu", row->cand.nonzero, sec->cand->nr);
	} else {
		kradar_cmp__fmt_stat(b, sizeof(b), &row->base, row->unit);
		kradar_cmp__fmt_stat(c, sizeof(c), &row->cand, row->unit);
	}
	kradar_appendf(buf, len, "%s %s -> %s", row->label, b, c);
}

static bool row_counts(const struct kradar_cmp_row *row, int role, bool timing)
{
	if (!(row->role & role))
		return false;
	return timing || !(row->role & KRADAR_ROLE_TIMING);
}

static void family_list(char *buf, size_t len, int fam)
{
	size_t i;
	bool first = true;

	for (i = 0; i < 3; i++)
		if (fam & (1 << i)) {
			kradar_appendf(buf, len, "%s%s", first ? "" : ", ", family_names[i]);
			first = false;
		}
}

/* New problem families in the candidate: a regression. */
static bool new_families(const struct kradar_cmp_section *sec, char *reason,
			 size_t len)
{
	int fb = side_families(sec->base), fc = side_families(sec->cand);
	int fresh = fc & ~fb;
	size_t s;

	if (!fresh)
		return false;
	kradar_appendf(reason, len, "the candidate shows a problem the baseline does not (%s",
		sec->name);
	kradar_appendf(reason, len, ": ");
	family_list(reason, len, fresh);
	kradar_appendf(reason, len, ")");
	for (s = 0; s < sec->nr_sigs; s++)
		if (!sec->sig_base[s] && (sig_family(sec->sigs[s]) & fresh)) {
			kradar_appendf(reason, len, "; \"%s\" in %zu/%zu candidate runs",
				sec->sigs[s], sec->sig_cand[s], sec->cand->nr);
			break;
		}
	return true;
}

static void decide_control(struct kradar_cmp_result *res,
			   const struct kradar_cmp_opts *opts,
			   bool *regressed, bool *inconclusive, char *why, size_t len)
{
	const struct kradar_cmp_section *sec = &res->control;
	bool any_focus = false;
	size_t i;

	if (new_families(sec, why, len)) {
		*regressed = true;
		return;
	}
	for (i = 0; i < sec->nr_rows; i++) {
		const struct kradar_cmp_row *row = &sec->rows[i];

		if (row->role & KRADAR_ROLE_CONTROL)
			any_focus = any_focus || row->base.n;
		if (row->change != KRADAR_CH_WORSE)
			continue;
		if (row_counts(row, KRADAR_ROLE_CONTROL | KRADAR_ROLE_SEVERITY, opts->timing)) {
			if (!*regressed)
				kradar_appendf(why, len, "the control workload changed beyond noise: ");
			else
				kradar_appendf(why, len, "; ");
			describe_row(why, len, row, sec);
			*regressed = true;
		} else if (row->role & KRADAR_ROLE_TIMING) {
			kradar_appendf(res->notes, sizeof(res->notes),
				"control timing differs beyond noise (not in the verdict without --timing): ");
			describe_row(res->notes, sizeof(res->notes), row, sec);
			kradar_appendf(res->notes, sizeof(res->notes), "\n");
		}
	}
	if (*regressed)
		return;
	if (!any_focus && res->nr_focus) {
		*inconclusive = true;
		kradar_appendf(why, len, "the control runs of the baseline never ran the callbacks to judge (%s)",
			res->focus[0]);
		return;
	}
	if (sec->base_problems)
		kradar_appendf(res->notes, sizeof(res->notes),
			"the control baseline itself had problems in %zu/%zu runs\n",
			sec->base_problems, sec->base->nr);
}

static int decide_rules(struct kradar_cmp_result *res,
			struct kradar_cmp_side *base, struct kradar_cmp_side *cand,
			struct kradar_cmp_side *cbase, struct kradar_cmp_side *ccand,
			const struct kradar_cmp_opts *opts)
{
	struct kradar_cmp_side *sides[4] = { base, cand, cbase, ccand };
	char why[1024] = "", cwhy[1024] = "";
	bool c_regressed = false, c_inconclusive = false;
	int err;

	memset(res, 0, sizeof(*res));
	res->chance = -1;
	if ((!base != !cand) || (!cbase != !ccand) || (!base && !cbase) ||
	    (base && (!base->nr || !cand->nr)) || (cbase && (!cbase->nr || !ccand->nr)))
		return -EINVAL;
	find_focus(res, sides, opts);
	if (base) {
		res->have_repro = true;
		err = build_section(&res->repro, "reproducer", base, cand, res, false);
		if (err)
			return err;
	}
	if (cbase) {
		res->have_control = true;
		err = build_section(&res->control, "control", cbase, ccand, res, true);
		if (err)
			return err;
		decide_control(res, opts, &c_regressed, &c_inconclusive, cwhy, sizeof(cwhy));
	}

	if (!base) {
		/* control only */
		if (c_regressed) {
			res->verdict = KRADAR_V_REGRESSED;
		} else if (c_inconclusive) {
			res->verdict = KRADAR_V_INCONCLUSIVE;
		} else {
			res->verdict = KRADAR_V_NO_CHANGE;
			snprintf(cwhy, sizeof(cwhy),
				 "no change beyond noise in %zu baseline and %zu candidate runs of the control",
				 cbase->nr, ccand->nr);
		}
		snprintf(res->reason, sizeof(res->reason), "%s", cwhy);
		return 0;
	}

	{
		const struct kradar_cmp_section *sec = &res->repro;
		size_t nb = base->nr, nc = cand->nr;
		size_t pb = sec->base_problems, pc = sec->cand_problems;
		bool worse = false, better = false;
		size_t nsev = 0;
		char sev[1024] = "";
		size_t i;

		for (i = 0; i < sec->nr_rows; i++) {
			const struct kradar_cmp_row *row = &sec->rows[i];

			if (!row_counts(row, KRADAR_ROLE_SEVERITY, opts->timing))
				continue;
			if (row->change == KRADAR_CH_WORSE) {
				if (!worse)
					sev[0] = '\0';
				kradar_appendf(sev, sizeof(sev), "%s", worse ? "; " : "");
				describe_row(sev, sizeof(sev), row, sec);
				worse = true;
			} else if (row->change == KRADAR_CH_BETTER && !worse) {
				if (nsev++ < 3) {
					kradar_appendf(sev, sizeof(sev), "%s", better ? "; " : "");
					describe_row(sev, sizeof(sev), row, sec);
				}
				better = true;
			}
		}

		if (new_families(sec, why, sizeof(why))) {
			res->verdict = KRADAR_V_REGRESSED;
		} else if (pb == 0) {
			res->verdict = KRADAR_V_INCONCLUSIVE;
			snprintf(why, sizeof(why),
				 "the baseline did not reproduce the problem in %zu runs, so a fix cannot be shown%s",
				 nb, pc ? "" : " (the candidate was clean too)");
		} else if (pc > 0 && worse) {
			res->verdict = KRADAR_V_REGRESSED;
			snprintf(why, sizeof(why),
				 "the candidate reproduces in %zu/%zu runs (baseline %zu/%zu) and makes it worse: %s",
				 pc, nc, pb, nb, sev);
		} else if (pc > 0) {
			res->verdict = KRADAR_V_NOT_FIXED;
			snprintf(why, sizeof(why),
				 "the candidate still reproduces in %zu/%zu runs (baseline %zu/%zu)", pc, nc, pb, nb);
			if (better)
				kradar_appendf(why, sizeof(why), "; softened: %s", sev);
			else
				kradar_appendf(why, sizeof(why), "; no severity measure better beyond noise");
		} else {
			res->chance = pow(1.0 - (double)pb / (double)nb, (double)nc);
			if (res->chance > opts->alpha) {
				res->verdict = KRADAR_V_INCONCLUSIVE;
				snprintf(why, sizeof(why),
					 "no candidate run reproduces (0/%zu), but the baseline reproduced in only %zu/%zu runs: %zu clean runs happen by chance with probability %.2f (> %.2f); run more",
					 nc, pb, nb, nc, res->chance, opts->alpha);
			} else {
				res->verdict = KRADAR_V_FIXED;
				snprintf(why, sizeof(why),
					 "no candidate run reproduces (0/%zu) where the baseline did in %zu/%zu; chance of that by luck %.3g (<= %.2f)",
					 nc, pb, nb, res->chance, opts->alpha);
				if (better)
					kradar_appendf(why, sizeof(why), "; %s", sev);
			}
		}
	}

	if (res->have_control) {
		if (c_regressed) {
			if (res->verdict != KRADAR_V_REGRESSED)
				kradar_appendf(why, sizeof(why), "; but ");
			else
				kradar_appendf(why, sizeof(why), "; also ");
			kradar_appendf(why, sizeof(why), "%s", cwhy);
			res->verdict = KRADAR_V_REGRESSED;
		} else if (c_inconclusive) {
			kradar_appendf(why, sizeof(why), "; control: %s", cwhy);
			if (res->verdict == KRADAR_V_FIXED)
				res->verdict = KRADAR_V_INCONCLUSIVE;
		} else {
			kradar_appendf(why, sizeof(why),
				"; control: no change beyond noise (%zu vs %zu runs)",
				cbase->nr, ccand->nr);
		}
	}
	snprintf(res->reason, sizeof(res->reason), "%s", why);
	return 0;
}

/*
 * Runs without probe data make the comparison inconclusive, whatever the
 * other rules said: such a run shows no storm because nothing was
 * measured, which would read as "fixed" on the candidate's side and as
 * "regressed" on the baseline's.
 */
static void no_data_rule(struct kradar_cmp_result *res,
			 struct kradar_cmp_side *const sides[4])
{
	static const char *const side_names[4] = {
		"baseline", "candidate", "control baseline", "control candidate",
	};
	char why[sizeof(res->reason)] = "", list[1024] = "";
	size_t n = 0, total = 0, i, j;

	for (i = 0; i < 4; i++) {
		if (!sides[i])
			continue;
		total += sides[i]->nr;
		for (j = 0; j < sides[i]->nr; j++) {
			if (!kradar_cmp_run__no_data(sides[i]->runs[j]))
				continue;
			kradar_appendf(list, sizeof(list), "%s%s %s", n ? ", " : "",
				side_names[i], sides[i]->runs[j]->dir);
			n++;
		}
	}
	if (!n)
		return;
	snprintf(why, sizeof(why),
		 "%zu of %zu runs %s no probe data (no HELLO or heartbeat reached the collector: the probe was not loaded or its port never connected): %s; a run that measured nothing counts neither as clean nor as a reproduction; run %s again, or leave %s out",
		 n, total, n == 1 ? "has" : "have", list, n == 1 ? "it" : "them",
		 n == 1 ? "it" : "them");
	if (res->reason[0]) {
		size_t l = strlen(res->notes);

		kradar_appendf(res->notes, sizeof(res->notes), "%sCounting those runs as they are, the rules would say %s: %s",
			l && res->notes[l - 1] != '\n' ? "\n" : "",
			kradar_cmp__verdict_name(res->verdict), res->reason);
	}
	res->verdict = KRADAR_V_INCONCLUSIVE;
	snprintf(res->reason, sizeof(res->reason), "%s", why);
}

int kradar_cmp__decide(struct kradar_cmp_result *res,
		       struct kradar_cmp_side *base, struct kradar_cmp_side *cand,
		       struct kradar_cmp_side *cbase, struct kradar_cmp_side *ccand,
		       const struct kradar_cmp_opts *opts)
{
	struct kradar_cmp_side *const sides[4] = { base, cand, cbase, ccand };
	int err = decide_rules(res, base, cand, cbase, ccand, opts);

	if (!err)
		no_data_rule(res, sides);
	return err;
}

static void section_clear(struct kradar_cmp_section *sec)
{
	free(sec->rows);
	free(sec->sigs);
	free(sec->sig_base);
	free(sec->sig_cand);
	memset(sec, 0, sizeof(*sec));
}

void kradar_cmp_result__clear(struct kradar_cmp_result *res)
{
	section_clear(&res->repro);
	section_clear(&res->control);
}

const char *kradar_cmp__verdict_name(enum kradar_cmp_verdict v)
{
	switch (v) {
	case KRADAR_V_FIXED: return "fixed";
	case KRADAR_V_NO_CHANGE: return "no change beyond noise";
	case KRADAR_V_NOT_FIXED: return "not fixed";
	case KRADAR_V_REGRESSED: return "regressed";
	default: return "inconclusive";
	}
}

int kradar_cmp__exit_code(enum kradar_cmp_verdict v)
{
	switch (v) {
	case KRADAR_V_FIXED:
	case KRADAR_V_NO_CHANGE:
		return 0;
	case KRADAR_V_NOT_FIXED:
	case KRADAR_V_REGRESSED:
		return 1;
	default:
		return 3;
	}
}
