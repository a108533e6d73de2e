// SPDX-License-Identifier: GPL-2.0
/*
 * kradar_run: one clock, the stall windows, host starvation vs guest bug,
 * the timeline and its narrative.
 *
 * Clock. printk times and probe records share the guest's local_clock().
 * Host times (run-events.txt, qemu-cpu.txt, receive times) map to it with
 * offset = min(host_ns - t_ns) over the heartbeats: every heartbeat
 * arrives some delivery delay after it was stamped, so the smallest
 * difference is the closest to the true offset. Without heartbeats the
 * offset is estimated from "qemu exited" and the last printk time.
 *
 * Stall windows come from the console (RCU stalls, the starved RCU
 * kthread, soft/hard lockups, hung tasks, slow hrtimer interrupts: each
 * says how long it has been stuck) and from the probe (storms, RCU
 * quiescent-state gaps, stalled grace periods, lock holds, stuck CPUs,
 * hung tasks, heartbeat gaps). Each is classified (rules in Documentation/report.rst):
 *   starved by host  a heartbeat gap during which QEMU got under
 *                    KRADAR_RUN_STOPPED_CPU_PCT of a CPU covers at least
 *                    KRADAR_RUN_STARVED_SHARE of the window (stopped VM,
 *                    host overload); or guest time advanced at under
 *                    KRADAR_RUN_CLOCK_RATIO_MIN of host time (paused or
 *                    throttled clock); or a spinning stall got under
 *                    KRADAR_RUN_BUSY_CPU_PCT of a host CPU;
 *   guest-internal   QEMU had the CPU a spinning stall needs (or, for a
 *                    sleeping one, heartbeats kept coming) and guest time
 *                    advanced with host time;
 *   undetermined     the numbers needed are missing.
 *
 * A stuck CPU or hung task the probe reported is tied to the console's
 * own line about it (soft lockup or RCU stall on that CPU, hard lockup
 * for interrupts off, RT throttling for an RT task that took the CPU,
 * "blocked for more than" of that pid) and to the crash report that line
 * opened, so the narrative can say by how much kradar was first and
 * under which syzkaller title the kernel's report goes.
 *
 * The narrative uses only generic facts: kinds, times, CPUs, the report's
 * frames and the callbacks the probe named; never bug-specific strings.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kradar_run.h"
#include "str.h"

static const char *const span_names[KRADAR_SPAN__COUNT] = {
	[KRADAR_SPAN_STORM] = "hrtimer_storm",
	[KRADAR_SPAN_QS_GAP] = "qs_gap",
	[KRADAR_SPAN_GP_STALL] = "gp_stall",
	[KRADAR_SPAN_LOCK] = "lock_hold",
	[KRADAR_SPAN_HB_GAP] = "heartbeat_gap",
	[KRADAR_SPAN_STUCK] = "cpu_stuck",
	[KRADAR_SPAN_HUNG] = "hung_task",
};

static const char *const stuck_names[KRADAR_STUCK__COUNT] = {
	[KRADAR_STUCK_NO_SCHEDULE] = "no_schedule",
	[KRADAR_STUCK_IRQS_OFF] = "irqs_off",
	[KRADAR_STUCK_RT_HOG] = "rt_hog",
};

const char *kradar_span__kind_name(enum kradar_span_kind kind)
{
	return (unsigned)kind < KRADAR_SPAN__COUNT ? span_names[kind] : "unknown";
}

const char *kradar_stuck__kind_name(enum kradar_stuck_kind kind)
{
	return (unsigned)kind < KRADAR_STUCK__COUNT ? stuck_names[kind] : "unknown";
}

bool kradar_run__console_key(enum kradar_serial_event_kind kind)
{
	return kradar_serial__event_is_finding(kind) || kind == KRADAR_EV_HRTIMER_SLOW ||
	       kind == KRADAR_EV_RT_THROTTLING;
}

const char *kradar_verdict__name(enum kradar_verdict v)
{
	switch (v) {
	case KRADAR_GUEST_INTERNAL:
		return "guest-internal";
	case KRADAR_STARVED_BY_HOST:
		return "starved by host";
	default:
		return "undetermined";
	}
}

int64_t kradar_run__to_host(const struct kradar_run *r, int64_t t_ns)
{
	return t_ns + r->offset_ns;
}

int64_t kradar_run__to_guest(const struct kradar_run *r, int64_t host_ns)
{
	return host_ns - r->offset_ns;
}

const struct kradar_serial_report *kradar_run__report(const struct kradar_run *r)
{
	if (!r->console || !kradar_serial__nr_reports(r->console))
		return NULL;
	return kradar_serial__report(r->console, 0);
}

/* printk-style "[   12.345678]" of a guest time (negative allowed). */
static const char *ptime(char *buf, size_t sz, int64_t ns)
{
	int64_t a = ns < 0 ? -ns : ns;
	char num[32];

	snprintf(num, sizeof(num), "%s%" PRId64 ".%06" PRId64, ns < 0 ? "-" : "",
		 a / 1000000000, (a % 1000000000) / 1000);
	snprintf(buf, sz, "[%12s]", num);
	return buf;
}

/* Seconds, human-sized. */
static const char *dur(char *buf, size_t sz, int64_t ns)
{
	double s = (double)ns / 1e9;

	if (ns < 0)
		snprintf(buf, sz, "?");
	else if (s >= 10)
		snprintf(buf, sz, "%.1f s", s);
	else if (s >= 1)
		snprintf(buf, sz, "%.2f s", s);
	else
		snprintf(buf, sz, "%.1f ms", s * 1e3);
	return buf;
}

/* "comm:pid" as the kernel writes a task; "comm" without a pid. */
static const char *task_pid(char *buf, size_t sz, const char *comm, int pid)
{
	if (pid >= 0)
		snprintf(buf, sz, "%s:%d", comm[0] ? comm : "?", pid);
	else
		snprintf(buf, sz, "%s", comm[0] ? comm : "?");
	return buf;
}

/*
 * A stuck CPU or hung task in words, for the stall windows, the timeline
 * and the narrative: "CPU 1 did not schedule for 6.05 s", " from [ t]"
 * when @from, then what the probe knows of it: "(task T:P, preemption
 * off, in F; W:P waited to run)"; "RT task T:P (priority N) took CPU 1
 * for ..."; "T:P slept in D for ... (in F, waiting for L held by pid N)".
 */
static const char *stuck_desc(char *buf, size_t sz, const struct kradar_span *sp, bool from)
{
	char d[40], t[48] = "", task[96], w[96], more[2 * KRADAR_RUN_NAME_LEN + 64] = "";
	bool after = !strcmp(sp->stack_from, "after");

	snprintf(d, sizeof(d), "%s", sp->ended ? "" : ">= ");
	dur(d + strlen(d), sizeof(d) - strlen(d), (int64_t)(sp->value * 1e6));
	if (from)
		kradar_appendf(t, sizeof(t), " from %s", ptime(w, sizeof(w), sp->begin_ns));
	task_pid(task, sizeof(task), sp->task, sp->pid);
	if (sp->kind == KRADAR_SPAN_HUNG) {
		if (sp->frame[0])
			kradar_appendf(more, sizeof(more), "in %s", sp->frame);
		if (sp->lock[0])
			kradar_appendf(more, sizeof(more), "%swaiting for %s", more[0] ? ", " : "", sp->lock);
		if (sp->lock[0] && sp->lock_holder_pid >= 0)
			kradar_appendf(more, sizeof(more), " held by pid %d", sp->lock_holder_pid);
		snprintf(buf, sz, "%s slept in D for %s%s%s%s%s%s", task, d, t,
			 more[0] ? " (" : "", more, more[0] ? ")" : "",
			 sp->exited ? ", then exited" : "");
		return buf;
	}
	if (sp->frame[0])
		kradar_appendf(more, sizeof(more), "%s%s", after ? "interrupts back on in " : "in ",
		    sp->frame);
	switch (sp->stuck) {
	case KRADAR_STUCK_RT_HOG:
		snprintf(w, sizeof(w), " (priority %d)", sp->rt_priority);
		snprintf(buf, sz, "RT task %s%s took CPU %d for %s%s%s%s%s", task,
			 sp->rt_priority >= 0 ? w : "", sp->cpu, d, t,
			 more[0] ? " (" : "", more, more[0] ? ")" : "");
		return buf;
	case KRADAR_STUCK_IRQS_OFF:
		snprintf(buf, sz, "CPU %d ran with interrupts off for %s%s (task %s%s%s)",
			 sp->cpu, d, t, task, more[0] ? ", " : "", more);
		return buf;
	default:
		snprintf(buf, sz, "CPU %d did not schedule for %s%s (task %s%s%s%s", sp->cpu,
			 d, t, task, sp->preempt_count > 0 ? ", preemption off" : "",
			 more[0] ? ", " : "", more);
		if (sp->waiter[0] || sp->waiter_pid >= 0)
			kradar_appendf(buf, sz, "; %s waited to run",
			    task_pid(w, sizeof(w), sp->waiter, sp->waiter_pid));
		kradar_appendf(buf, sz, ")");
		return buf;
	}
}

/* ---- clock ---- */

static void compute_offset(struct kradar_run *r)
{
	size_t i;

	for (i = 0; i < r->nr_hb; i++) {
		int64_t d;

		if (!r->hb[i].host_ns)
			continue;
		d = r->hb[i].host_ns - r->hb[i].t_ns;
		if (!r->have_offset || d < r->offset_ns)
			r->offset_ns = d;
		r->have_offset = true;
	}
	if (r->have_offset)
		return;
	/* estimate: the guest powers off right before QEMU exits */
	for (i = 0; i < r->nr_run_events; i++)
		if (kradar_mark__is(r->run_events[i].text, KRADAR_RUNEV_QEMU_EXITED) &&
		    r->last_printk_ns >= 0) {
			r->offset_ns = r->run_events[i].host_ns - r->last_printk_ns;
			r->have_offset = true;
			r->offset_estimated = true;
		}
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* CONFIG_HZ from the scheduler tick: the median rate of the windows whose
 * busiest callback is the tick, over those at least half the busiest
 * (idle CPUs stop their tick), rounded to the nearest usual HZ when within
 * 10 %. Catch-up windows after a late sampler cannot move a median much. */
static void infer_hz(struct kradar_run *r)
{
	static const int hzs[] = { 100, 250, 300, 1000 };
	double *v, best = 0, med, err = 1;
	size_t i, n = 0, k = 0;

	v = malloc((r->nr_windows ? r->nr_windows : 1) * sizeof(*v));
	if (!v)
		return;
	for (i = 0; i < r->nr_windows; i++) {
		const char *name = kradar_run__name(r, r->windows[i].top);

		if ((!strcmp(name, "tick_sched_timer") || !strcmp(name, "tick_nohz_handler")) &&
		    r->windows[i].end_ns - r->windows[i].start_ns >= 50000000) {
			v[n++] = r->windows[i].top_rate_per_s;
			if (r->windows[i].top_rate_per_s > best)
				best = r->windows[i].top_rate_per_s;
		}
	}
	for (i = 0; i < n; i++)
		if (v[i] >= best / 2)
			v[k++] = v[i];
	if (k) {
		qsort(v, k, sizeof(*v), dbl_cmp);
		med = v[k / 2];
		for (i = 0; i < sizeof(hzs) / sizeof(hzs[0]); i++) {
			double e = fabs(med - hzs[i]) / hzs[i];

			if (e < 0.1 && e < err) {
				err = e;
				r->hz = hzs[i];
			}
		}
	}
	free(v);
}

/* ---- QEMU CPU, clock ratio ---- */

double kradar_run__qemu_cpu_pct(const struct kradar_run *r, int64_t a, int64_t b)
{
	const struct kradar_cpu_sample *s = r->cpu_samples;
	size_t n = r->nr_cpu_samples, lo = 0, hi, i0, i1;
	double dt;

	if (n < 2 || b < a)
		return -1;
	if (b - a < KRADAR_RUN_CPU_MIN_SPAN_NS) {
		int64_t mid = a + (b - a) / 2;

		a = mid - KRADAR_RUN_CPU_MIN_SPAN_NS / 2;
		b = mid + KRADAR_RUN_CPU_MIN_SPAN_NS / 2;
	}
	if (b < s[0].host_ns || a > s[n - 1].host_ns)
		return -1;
	/* i0: last sample <= a (or the first); i1: first sample >= b (or last) */
	hi = n;
	while (lo < hi) {
		size_t m = lo + (hi - lo) / 2;

		if (s[m].host_ns <= a)
			lo = m + 1;
		else
			hi = m;
	}
	i0 = lo ? lo - 1 : 0;
	for (i1 = i0; i1 < n - 1 && s[i1].host_ns < b; i1++)
		;
	dt = (double)(s[i1].host_ns - s[i0].host_ns) / 1e9;
	if (i1 <= i0 || dt < 0.2)
		return -1;
	return (double)(s[i1].ticks - s[i0].ticks) / r->clk_tck / dt * 100.0;
}

/* Guest time / host time between the heartbeats around [a, b] host ns. */
static double clock_ratio(const struct kradar_run *r, int64_t a, int64_t b)
{
	const struct kradar_heartbeat *h0 = NULL, *h1 = NULL;
	size_t i;

	if (b - a < KRADAR_RUN_CPU_MIN_SPAN_NS) {
		int64_t mid = a + (b - a) / 2;

		a = mid - KRADAR_RUN_CPU_MIN_SPAN_NS / 2;
		b = mid + KRADAR_RUN_CPU_MIN_SPAN_NS / 2;
	}
	for (i = 0; i < r->nr_hb; i++) {
		const struct kradar_heartbeat *h = &r->hb[i];

		if (!h->host_ns)
			continue;
		if (h->host_ns <= a)
			h0 = h;
		else if (!h0)
			h0 = h;
		if (h->host_ns >= b && !h1)
			h1 = h;
	}
	if (!h1 && r->nr_hb && r->hb[r->nr_hb - 1].host_ns > a)
		h1 = &r->hb[r->nr_hb - 1];
	if (!h0 || !h1 || h1->host_ns - h0->host_ns < KRADAR_RUN_CPU_MIN_SPAN_NS / 2)
		return -1;
	return (double)(h1->t_ns - h0->t_ns) / (double)(h1->host_ns - h0->host_ns);
}

static int64_t hb_gap_min(const struct kradar_run *r);

/* Heartbeats kept coming through [a, b] host ns: some arrived within a
 * gap's length of either end and no heartbeat gap overlaps the window. */
static bool heartbeats_cover(const struct kradar_run *r, int64_t a, int64_t b)
{
	int64_t min = hb_gap_min(r);
	bool before = false, after = false;
	size_t i;

	for (i = 0; i < r->nr_hb; i++) {
		if (!r->hb[i].host_ns)
			continue;
		if (r->hb[i].host_ns <= a + min)
			before = true;
		if (r->hb[i].host_ns >= b - min)
			after = true;
	}
	for (i = 0; i < r->nr_spans; i++)
		if (r->spans[i].kind == KRADAR_SPAN_HB_GAP &&
		    r->spans[i].host_begin_ns < b && r->spans[i].host_end_ns > a)
			return false;
	return before && after;
}

/* ---- heartbeat gaps ---- */

static struct kradar_span *new_span(struct kradar_run *r, enum kradar_span_kind kind)
{
	if (r->nr_spans >= r->cap_spans) {
		size_t ncap = r->cap_spans ? r->cap_spans * 2 : 64;
		void *p;

		if (r->nr_spans >= KRADAR_RUN_MAX_SPANS) {
			r->dropped++;
			return NULL;
		}
		p = realloc(r->spans, ncap * sizeof(*r->spans));
		if (!p)
			return NULL;
		r->spans = p;
		r->cap_spans = ncap;
	}
	kradar_span__init(&r->spans[r->nr_spans], kind);
	return &r->spans[r->nr_spans++];
}

static int64_t hb_gap_min(const struct kradar_run *r)
{
	int64_t beats = (r->heartbeat_ms ? r->heartbeat_ms : 100) * 1000000LL *
			KRADAR_RUN_HB_GAP_BEATS;

	return beats > KRADAR_RUN_HB_GAP_MIN_NS ? beats : KRADAR_RUN_HB_GAP_MIN_NS;
}

static void add_hb_gap(struct kradar_run *r, int64_t t0, int64_t t1,
		       int64_t h0, int64_t h1, const char *why)
{
	struct kradar_span *sp = new_span(r, KRADAR_SPAN_HB_GAP);
	char a[32], b[32];

	if (!sp)
		return;
	sp->begin_ns = t0;
	sp->end_ns = t1;
	sp->last_t_ns = t1;
	sp->ended = true;
	sp->host_begin_ns = h0;
	sp->host_end_ns = h1;
	sp->value = (double)(h1 - h0) / 1e6;
	snprintf(sp->name, sizeof(sp->name), "no heartbeat for %s host time (%s guest time)%s",
		 dur(a, sizeof(a), h1 - h0), dur(b, sizeof(b), t1 - t0), why);
}

/* The last heartbeat @l came after the job finished, and the probe was
 * unloaded later: the guest was shutting down. */
static bool teardown_gap(const struct kradar_run *r,
			 const struct kradar_heartbeat *l, int64_t min)
{
	bool finished = false, unloaded = false;
	size_t i;

	for (i = 0; i < r->nr_marks; i++) {
		const struct kradar_mark *m = &r->marks[i];

		if (!m->guest)
			continue;
		if (strstr(m->text, KRADAR_MARK_JOB_FINISHED) && m->t_ns <= l->t_ns + min)
			finished = true;
		if (strstr(m->text, KRADAR_MARK_PROBE_UNLOADED) && m->t_ns >= l->t_ns)
			unloaded = true;
	}
	return finished && unloaded;
}

static void find_hb_gaps(struct kradar_run *r)
{
	int64_t min = hb_gap_min(r);
	size_t i, n = r->nr_hb;

	for (i = 1; i < n; i++) {
		const struct kradar_heartbeat *p = &r->hb[i - 1], *h = &r->hb[i];
		int64_t dg = h->t_ns - p->t_ns, dh;

		if (!p->host_ns || !h->host_ns)
			continue;
		dh = h->host_ns - p->host_ns;
		if ((dh >= min || dg >= min) && dg >= 0)
			add_hb_gap(r, p->t_ns, h->t_ns, p->host_ns, h->host_ns, "");
	}
	/*
	 * Heartbeats that stopped before the run was stopped or ended; not
	 * the teardown: heartbeats that lasted to the end of the job and
	 * stopped as the probe was unloaded (it was, in the end) leave a
	 * gap before QEMU exits that nothing stalled in.
	 */
	if (n && r->hb[n - 1].host_ns && !teardown_gap(r, &r->hb[n - 1], min)) {
		const struct kradar_heartbeat *l = &r->hb[n - 1];

		for (i = 0; i < r->nr_run_events; i++) {
			const struct kradar_mark *m = &r->run_events[i];

			bool timeout = !strcmp(m->text, KRADAR_RUNEV_TIMEOUT);

			if (!timeout && !kradar_mark__is(m->text, KRADAR_RUNEV_QEMU_EXITED))
				continue;
			if (m->host_ns - l->host_ns >= min &&
			    (r->last_printk_ns < 0 ||
			     kradar_run__to_host(r, r->last_printk_ns) > l->host_ns + min / 2 ||
			     timeout))
				add_hb_gap(r, l->t_ns, kradar_run__to_guest(r, m->host_ns),
					   l->host_ns, m->host_ns, timeout ?
					   " until the runner's timeout" : " until QEMU exited");
			break;
		}
	}
}

/* ---- stall windows and their classification ---- */

static struct kradar_stall *new_stall(struct kradar_run *r)
{
	struct kradar_stall *st;

	if (r->nr_stalls >= KRADAR_RUN_MAX_STALLS) {
		r->dropped++;
		return NULL;
	}
	if (r->nr_stalls >= r->cap_stalls) {
		size_t ncap = r->cap_stalls ? r->cap_stalls * 2 : 16;
		void *p = realloc(r->stalls, ncap * sizeof(*r->stalls));

		if (!p)
			return NULL;
		r->stalls = p;
		r->cap_stalls = ncap;
	}
	st = &r->stalls[r->nr_stalls++];
	memset(st, 0, sizeof(*st));
	st->cpu = -1;
	st->qemu_cpu_pct = -1;
	st->clock_ratio = -1;
	st->hb_gap_cpu_pct = -1;
	st->hb_gap_host_ns = -1;
	st->hb_gap_guest_ns = -1;
	return st;
}

static void classify(struct kradar_run *r, struct kradar_stall *st)
{
	int64_t a = st->host_begin_ns, b = st->host_end_ns, len;
	char g[32], h[32];
	size_t i;

	if (b < a)
		b = a;
	len = b - a > 0 ? b - a : 1;
	st->qemu_cpu_pct = kradar_run__qemu_cpu_pct(r, a, b);
	st->clock_ratio = clock_ratio(r, a, b);
	for (i = 0; i < r->nr_spans; i++) {
		const struct kradar_span *sp = &r->spans[i];
		int64_t o0, o1, gap;
		double pct;

		if (sp->kind != KRADAR_SPAN_HB_GAP)
			continue;
		o0 = sp->host_begin_ns > a ? sp->host_begin_ns : a;
		o1 = sp->host_end_ns < b ? sp->host_end_ns : b;
		if (o1 <= o0 && !(a == b && sp->host_begin_ns <= a && sp->host_end_ns >= a))
			continue;
		gap = sp->host_end_ns - sp->host_begin_ns;
		pct = kradar_run__qemu_cpu_pct(r, sp->host_begin_ns, sp->host_end_ns);
		if (gap > st->hb_gap_host_ns) {
			st->hb_gap_host_ns = gap;
			st->hb_gap_guest_ns = sp->end_ns - sp->begin_ns;
			st->hb_gap_cpu_pct = pct;
		}
		if (pct >= 0 && pct < KRADAR_RUN_STOPPED_CPU_PCT)
			st->not_run_ns += o1 > o0 ? o1 - o0 : 0;
	}
	if (a == b && st->hb_gap_cpu_pct >= 0 &&
	    st->hb_gap_cpu_pct < KRADAR_RUN_STOPPED_CPU_PCT)
		st->not_run_ns = 1, len = 1;	/* an instant inside a stopped gap */

	if ((double)st->not_run_ns >= KRADAR_RUN_STARVED_SHARE * (double)len) {
		st->verdict = KRADAR_STARVED_BY_HOST;
		snprintf(st->reason, sizeof(st->reason),
			 "QEMU got %.1f%% of a host CPU during a %s heartbeat gap "
			 "(%s of guest time): the VM was not running (stopped, or "
			 "the host did not schedule it)", st->hb_gap_cpu_pct,
			 dur(h, sizeof(h), st->hb_gap_host_ns),
			 dur(g, sizeof(g), st->hb_gap_guest_ns));
	} else if (st->clock_ratio >= 0 && st->clock_ratio < KRADAR_RUN_CLOCK_RATIO_MIN) {
		st->verdict = KRADAR_STARVED_BY_HOST;
		snprintf(st->reason, sizeof(st->reason),
			 "guest time advanced only %.2f x host time: the guest "
			 "clock stood still (VM paused, or emulation throttled)",
			 st->clock_ratio);
	} else if (st->busy && st->qemu_cpu_pct >= 0 &&
		   st->qemu_cpu_pct < KRADAR_RUN_BUSY_CPU_PCT) {
		st->verdict = KRADAR_STARVED_BY_HOST;
		snprintf(st->reason, sizeof(st->reason),
			 "a spinning guest keeps a host CPU busy, but QEMU got "
			 "%.1f%% of one: the host did not give it the CPU "
			 "(overload)", st->qemu_cpu_pct);
	} else if ((st->busy && st->qemu_cpu_pct >= KRADAR_RUN_BUSY_CPU_PCT) ||
		   (!st->busy && (st->qemu_cpu_pct >= 0 || heartbeats_cover(r, a, b)))) {
		st->verdict = KRADAR_GUEST_INTERNAL;
		snprintf(st->reason, sizeof(st->reason),
			 "QEMU %s%.1f%% of a host CPU and guest time advanced "
			 "at %.2f x host time: the guest ran and stalled by itself",
			 st->qemu_cpu_pct >= 0 ? "ran at " : "CPU unknown ",
			 st->qemu_cpu_pct >= 0 ? st->qemu_cpu_pct : 0.0,
			 st->clock_ratio >= 0 ? st->clock_ratio : 1.0);
		if (st->clock_ratio < 0) {
			size_t n = strlen(st->reason);

			snprintf(st->reason + n, sizeof(st->reason) - n,
				 " (clock ratio assumed: no heartbeats around it)");
		}
		if (st->not_run_ns > 0) {
			size_t n = strlen(st->reason);

			snprintf(st->reason + n, sizeof(st->reason) - n,
				 "; for %s of it QEMU did not run",
				 dur(h, sizeof(h), st->not_run_ns));
		}
	} else {
		st->verdict = KRADAR_UNDETERMINED;
		if (!r->have_offset)
			snprintf(st->reason, sizeof(st->reason), "no clock link between guest "
				 "and host (no heartbeats, no QEMU exit): nothing to compare");
		else if (st->qemu_cpu_pct < 0 && heartbeats_cover(r, a, b))
			snprintf(st->reason, sizeof(st->reason), "QEMU CPU time unknown (%s); "
				 "heartbeats kept coming and guest time advanced at %.2f x host "
				 "time: not a stopped VM, but an overloaded host is not ruled out",
				 r->have_cpu ? "qemu-cpu.txt does not cover the window" :
				 "no qemu-cpu.txt, a run from an older runner",
				 st->clock_ratio >= 0 ? st->clock_ratio : 1.0);
		else
			snprintf(st->reason, sizeof(st->reason), "QEMU CPU time unknown (%s) "
				 "and no heartbeats around the window",
				 r->have_cpu ? "qemu-cpu.txt does not cover the window" :
				 "no qemu-cpu.txt");
	}
}

static void stall_times(struct kradar_run *r, struct kradar_stall *st,
			int64_t begin, int64_t end)
{
	st->begin_ns = begin;
	st->end_ns = end;
	st->host_begin_ns = kradar_run__to_host(r, begin);
	st->host_end_ns = kradar_run__to_host(r, end);
}

/* How long a console signature says the kernel has been stuck, in ns. */
static int64_t console_stuck_ns(const struct kradar_run *r,
				const struct kradar_serial_event *e, bool *busy)
{
	*busy = true;
	switch (e->kind) {
	case KRADAR_EV_RCU_STALL:
	case KRADAR_EV_RCU_STARVED:
		if (e->jiffies > 0 && r->hz > 0 && e->jiffies < (int64_t)1e12)
			return e->jiffies * (1000000000LL / r->hz);
		return KRADAR_RUN_RCU_STALL_DEFAULT_NS;
	case KRADAR_EV_HRTIMER_SLOW:
		return e->ns > 0 && e->ns < (int64_t)4e18 ? e->ns : 0;
	case KRADAR_EV_SOFT_LOCKUP:
		return e->seconds > 0 && e->seconds < 1000000 ? e->seconds * 1000000000LL : 0;
	case KRADAR_EV_HARD_LOCKUP:
		return KRADAR_RUN_HARD_LOCKUP_NS;
	case KRADAR_EV_HUNG_TASK:
		*busy = false;
		return e->seconds > 0 && e->seconds < 1000000 ? e->seconds * 1000000000LL : 0;
	default:
		return -1;
	}
}

static void find_stalls(struct kradar_run *r)
{
	size_t i, n = r->console ? kradar_serial__nr_events(r->console) : 0;

	for (i = 0; i < n; i++) {
		const struct kradar_serial_event *e = kradar_serial__event(r->console, i);
		struct kradar_stall *st;
		int64_t stuck;
		bool busy;

		if (!e->pos.has_time)
			continue;
		stuck = console_stuck_ns(r, e, &busy);
		if (stuck < 0)
			continue;
		st = new_stall(r);
		if (!st)
			break;
		snprintf(st->source, sizeof(st->source), "console %s",
			 kradar_serial__event_name(e->kind));
		str_copy(st->what, sizeof(st->what), e->text);
		st->cpu = e->cpu;
		st->busy = busy;
		stall_times(r, st, (int64_t)e->pos.time_ns - stuck, (int64_t)e->pos.time_ns);
	}
	for (i = 0; i < r->nr_spans; i++) {
		const struct kradar_span *sp = &r->spans[i];
		struct kradar_stall *st = new_stall(r);
		char d[32];

		if (!st)
			break;
		snprintf(st->source, sizeof(st->source), "probe %s",
			 kradar_span__kind_name(sp->kind));
		st->cpu = sp->cpu;
		st->busy = sp->kind != KRADAR_SPAN_LOCK && sp->kind != KRADAR_SPAN_GP_STALL &&
			   sp->kind != KRADAR_SPAN_HUNG;
		switch (sp->kind) {
		case KRADAR_SPAN_STORM:
			snprintf(st->what, sizeof(st->what), "%s on CPU %d, peak %.0f/s%s",
				 sp->name, sp->cpu, sp->value, sp->ended ? "" : " (no end seen)");
			break;
		case KRADAR_SPAN_QS_GAP:
			snprintf(st->what, sizeof(st->what), "%s for %s", sp->name,
				 dur(d, sizeof(d), (int64_t)(sp->value * 1e6)));
			break;
		case KRADAR_SPAN_LOCK:
			snprintf(st->what, sizeof(st->what), "%s held %s%s by %s:%d",
				 sp->name, sp->held_exact ? "" : ">= ",
				 dur(d, sizeof(d), (int64_t)(sp->value * 1e6)),
				 sp->task[0] ? sp->task : "?", sp->pid);
			break;
		case KRADAR_SPAN_STUCK:
		case KRADAR_SPAN_HUNG:
			stuck_desc(st->what, sizeof(st->what), sp, false);
			break;
		default:
			str_copy(st->what, sizeof(st->what), sp->name);
		}
		stall_times(r, st, sp->begin_ns, sp->end_ns);
		if (sp->kind == KRADAR_SPAN_HB_GAP) {
			st->host_begin_ns = sp->host_begin_ns;
			st->host_end_ns = sp->host_end_ns;
		}
	}
	for (i = 0; i < r->nr_stalls; i++)
		classify(r, &r->stalls[i]);
}

/* ---- the console's own report of a stuck CPU or hung task ---- */

/* Does console line @e report the stuck CPU or hung task @sp? */
static bool console_reports(const struct kradar_span *sp, const struct kradar_serial_event *e)
{
	int64_t t = (int64_t)e->pos.time_ns;

	if (!e->pos.has_time || t < sp->begin_ns ||
	    (sp->ended && t > sp->end_ns + KRADAR_RUN_TIE_SLACK_NS))
		return false;
	if (sp->kind == KRADAR_SPAN_HUNG)
		return e->kind == KRADAR_EV_HUNG_TASK && e->pid == sp->pid;
	switch (e->kind) {
	case KRADAR_EV_SOFT_LOCKUP:
		return e->cpu == sp->cpu && sp->stuck != KRADAR_STUCK_RT_HOG;
	case KRADAR_EV_HARD_LOCKUP:
		return e->cpu == sp->cpu && sp->stuck == KRADAR_STUCK_IRQS_OFF;
	case KRADAR_EV_RT_THROTTLING:
		return sp->stuck == KRADAR_STUCK_RT_HOG;
	case KRADAR_EV_RCU_STALL:
		return e->cpu == sp->cpu;
	default:
		return false;
	}
}

/* The crash report console line @e opened, or -1. A hard lockup has no
 * title of its own: with hardlockup_panic, the panic right after it
 * ("Kernel panic - not syncing: Hard LOCKUP") is its report. */
static int console_report_of(const struct kradar_run *r, const struct kradar_serial_event *e)
{
	size_t i, n = kradar_serial__nr_reports(r->console);

	for (i = 0; i < n; i++) {
		const struct kradar_serial_report *rep = kradar_serial__report(r->console, i);

		if (rep->start.line == e->pos.line)
			return (int)i;
		if (e->kind == KRADAR_EV_HARD_LOCKUP && rep->start.line > e->pos.line &&
		    rep->start.has_time &&
		    rep->start.time_ns <= e->pos.time_ns + KRADAR_RUN_TIE_SLACK_NS &&
		    strstr(rep->first_line, "LOCKUP"))
			return (int)i;
	}
	return -1;
}

/* Tie every stuck CPU and hung task to the first console line about it. */
static void tie_console(struct kradar_run *r)
{
	size_t i, k, n = r->console ? kradar_serial__nr_events(r->console) : 0;

	for (i = 0; i < r->nr_spans; i++) {
		struct kradar_span *sp = &r->spans[i];

		sp->console_event = -1;
		sp->console_report = -1;
		if (sp->kind != KRADAR_SPAN_STUCK && sp->kind != KRADAR_SPAN_HUNG)
			continue;
		for (k = 0; k < n; k++) {
			const struct kradar_serial_event *e = kradar_serial__event(r->console, k);

			if (!console_reports(sp, e))
				continue;
			sp->console_event = (int)k;
			sp->console_report = console_report_of(r, e);
			break;
		}
	}
}

const struct kradar_serial_event *kradar_span__console(const struct kradar_run *r,
							 const struct kradar_span *sp,
							 const struct kradar_serial_report **rep)
{
	size_t ne = r->console ? kradar_serial__nr_events(r->console) : 0;
	size_t nr = r->console ? kradar_serial__nr_reports(r->console) : 0;
	bool have = sp->console_event >= 0 && (size_t)sp->console_event < ne;

	if (rep)
		*rep = have && sp->console_report >= 0 && (size_t)sp->console_report < nr ?
		       kradar_serial__report(r->console, (size_t)sp->console_report) : NULL;
	return have ? kradar_serial__event(r->console, (size_t)sp->console_event) : NULL;
}

bool kradar_span__lead_ns(const struct kradar_run *r, const struct kradar_span *sp,
			  int64_t *lead_ns)
{
	const struct kradar_serial_event *e = kradar_span__console(r, sp, NULL);

	if (!e || sp->first_t_ns < 0)
		return false;
	*lead_ns = (int64_t)e->pos.time_ns - sp->first_t_ns;
	return true;
}

/* ", first COMM:PID[ in vhost_worker_killed()]" of a lock span, or "". */
static const char *lock_waiter(char *buf, size_t sz, const struct kradar_span *sp)
{
	char pid[16] = "";

	if (!sp->waiter[0]) {
		buf[0] = '\0';
		return buf;
	}
	if (sp->waiter_pid >= 0)
		snprintf(pid, sizeof(pid), ":%d", sp->waiter_pid);
	snprintf(buf, sz, ", first %s%s%s", sp->waiter, pid,
		 sp->killed_pid >= 0 && sp->killed_pid == sp->waiter_pid ?
		 " in vhost_worker_killed()" : "");
	return buf;
}

/* ---- timeline ---- */

static void tl_add(struct kradar_run *r, int64_t t, bool mapped,
		   enum kradar_tl_source src, const char *kind, int cpu, bool key,
		   const char *fmt, ...) __attribute__((format(printf, 8, 9)));

static void tl_add(struct kradar_run *r, int64_t t, bool mapped,
		   enum kradar_tl_source src, const char *kind, int cpu, bool key,
		   const char *fmt, ...)
{
	struct kradar_tl *e;
	va_list ap;

	if (r->nr_tl >= r->cap_tl) {
		size_t ncap = r->cap_tl ? r->cap_tl * 2 : 64;
		void *p;

		if (r->nr_tl >= KRADAR_RUN_MAX_SPANS + 2 * KRADAR_RUN_MAX_MARKS) {
			r->dropped++;
			return;
		}
		p = realloc(r->tl, ncap * sizeof(*r->tl));
		if (!p)
			return;
		r->tl = p;
		r->cap_tl = ncap;
	}
	e = &r->tl[r->nr_tl++];
	memset(e, 0, sizeof(*e));
	e->t_ns = t;
	e->seq = r->nr_tl;
	e->mapped = mapped;
	e->source = src;
	str_copy(e->kind, sizeof(e->kind), kind);
	e->cpu = cpu;
	e->key = key;
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof(e->text), fmt, ap);
	va_end(ap);
}

static int tl_cmp(const void *a, const void *b)
{
	const struct kradar_tl *x = a, *y = b;

	if (x->t_ns != y->t_ns)
		return x->t_ns < y->t_ns ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* A stuck CPU or hung task: from when it began, when the probe first
 * reported it (key entries) and, in JSON only, its end. */
static void tl_stuck(struct kradar_run *r, const struct kradar_span *sp)
{
	bool hung = sp->kind == KRADAR_SPAN_HUNG;
	char desc[KRADAR_RUN_TEXT_LEN], task[96], d[32];

	tl_add(r, sp->begin_ns, false, KRADAR_TL_PROBE, hung ? "hung_task_begin" :
	       "cpu_stuck_begin", sp->cpu, true, "%s", stuck_desc(desc, sizeof(desc), sp, false));
	task_pid(task, sizeof(task), sp->task, sp->pid);
	dur(d, sizeof(d), sp->first_t_ns - sp->begin_ns);
	if (sp->first_t_ns >= 0 && hung)
		tl_add(r, sp->first_t_ns, false, KRADAR_TL_PROBE, "hung_task_record", -1,
		       true, "probe reports %s hung: in D for %s so far", task, d);
	else if (sp->first_t_ns >= 0)
		tl_add(r, sp->first_t_ns, false, KRADAR_TL_PROBE, "cpu_stuck_record", sp->cpu,
		       true, "probe reports CPU %d stuck (%s): %s so far", sp->cpu,
		       kradar_stuck__kind_name(sp->stuck), d);
	if (!sp->ended)
		return;
	dur(d, sizeof(d), sp->end_ns - sp->begin_ns);
	if (hung)
		tl_add(r, sp->end_ns, false, KRADAR_TL_PROBE, "hung_task_end", -1, false,
		       "%s out of D after %s%s", task, d, sp->exited ? " (exited)" : "");
	else
		tl_add(r, sp->end_ns, false, KRADAR_TL_PROBE, "cpu_stuck_end", sp->cpu, false,
		       "CPU %d no longer stuck after %s%s", sp->cpu, d,
		       sp->went_idle ? " (went idle)" : "");
}

static void build_timeline(struct kradar_run *r)
{
	size_t i, n = r->console ? kradar_serial__nr_events(r->console) : 0;
	bool seen[KRADAR_EV__COUNT] = { 0 };
	char d[32];

	if (r->have_offset)
		for (i = 0; i < r->nr_run_events; i++) {
			const struct kradar_mark *m = &r->run_events[i];

			tl_add(r, kradar_run__to_guest(r, m->host_ns), true, KRADAR_TL_RUN,
			       "run", -1, !kradar_mark__is(m->text, KRADAR_RUNEV_COLLECTOR),
			       "%s", m->text);
		}
	for (i = 0; i < r->nr_marks; i++) {
		const struct kradar_mark *m = &r->marks[i];
		bool boot = !strncmp(m->text, "boot: ", 6);

		tl_add(r, m->t_ns, false, KRADAR_TL_CONSOLE, boot ? "boot" : "mark", -1,
		       boot || strstr(m->text, KRADAR_MARK_PROBE_LOADED) ||
		       strstr(m->text, KRADAR_MARK_JOB_STARTED) ||
		       strstr(m->text, KRADAR_MARK_JOB_FINISHED),
		       "%s", boot ? "kernel boot (printk time 0)" : m->text);
	}
	for (i = 0; i < n; i++) {
		const struct kradar_serial_event *e = kradar_serial__event(r->console, i);
		bool key;

		if (!e->pos.has_time)
			continue;
		key = !seen[e->kind] && kradar_run__console_key(e->kind);
		seen[e->kind] = true;
		tl_add(r, (int64_t)e->pos.time_ns, false, KRADAR_TL_CONSOLE,
		       kradar_serial__event_name(e->kind), e->cpu, key, "%s", e->text);
	}
	for (i = 0; r->console && i < kradar_serial__nr_reports(r->console); i++) {
		const struct kradar_serial_report *rep = kradar_serial__report(r->console, i);

		if (rep->start.has_time)
			tl_add(r, (int64_t)rep->start.time_ns, false, KRADAR_TL_CONSOLE,
			       "report", rep->cpu, i == 0, "crash report: %s", rep->title);
	}
	if (r->first_record_ns >= 0)
		tl_add(r, r->first_record_ns, false, KRADAR_TL_PROBE, "probe", -1, true,
		       "first probe record%s%s", r->release[0] ? ", guest kernel " : "",
		       r->release);
	for (i = 0; i < r->nr_spans; i++) {
		const struct kradar_span *sp = &r->spans[i];

		switch (sp->kind) {
		case KRADAR_SPAN_STORM:
			tl_add(r, sp->begin_ns, false, KRADAR_TL_PROBE, "storm_begin", sp->cpu,
			       true, "hrtimer storm on CPU %d: %s, peak %.0f/s, %.1f%% late",
			       sp->cpu, sp->name, sp->value, sp->late_pct);
			if (sp->ended)
				tl_add(r, sp->end_ns, false, KRADAR_TL_PROBE, "storm_end",
				       sp->cpu, true, "hrtimer storm on CPU %d ended after %s",
				       sp->cpu, dur(d, sizeof(d), sp->end_ns - sp->begin_ns));
			break;
		case KRADAR_SPAN_QS_GAP:
			tl_add(r, sp->begin_ns, false, KRADAR_TL_PROBE, "qs_gap", sp->cpu, true,
			       "CPU %d stops passing RCU quiescent states (gap reached %s%s%s%s)",
			       sp->cpu, dur(d, sizeof(d), (int64_t)(sp->value * 1e6)),
			       sp->task[0] ? ", task " : "", sp->task,
			       sp->top[0] ? ", busiest hrtimer " : "");
			if (sp->top[0]) {
				size_t l = strlen(r->tl[r->nr_tl - 1].text);

				snprintf(r->tl[r->nr_tl - 1].text + l - 1,
					 sizeof(r->tl[0].text) - l + 1, "%s %.0f/s)",
					 sp->top, sp->top_rate);
			}
			break;
		case KRADAR_SPAN_GP_STALL:
			tl_add(r, sp->begin_ns, false, KRADAR_TL_PROBE, "gp_stall", sp->cpu, true,
			       "%s (reached %s)", sp->name,
			       dur(d, sizeof(d), (int64_t)(sp->value * 1e6)));
			break;
		case KRADAR_SPAN_LOCK: {
			char w[128];

			/* from when the first waiter waited; its hold began then or before */
			tl_add(r, sp->begin_ns, false, KRADAR_TL_PROBE, "lock_hold", -1, true,
			       "%s held by %s:%d (state %s%s%s) for %s%s, %d waiter(s)%s",
			       sp->name, sp->task[0] ? sp->task : "?", sp->pid,
			       sp->state[0] ? sp->state : "?", sp->nr_frames ? ", in " : "",
			       sp->nr_frames ? sp->frames[0] : "", sp->held_exact ? "" : ">= ",
			       dur(d, sizeof(d), (int64_t)(sp->value * 1e6)), sp->nr_waiters,
			       lock_waiter(w, sizeof(w), sp));
			/* the probe's first record: when kradar said so */
			if (sp->first_t_ns > sp->begin_ns)
				tl_add(r, sp->first_t_ns, false, KRADAR_TL_PROBE, "lock_record", -1,
				       true, "probe reports %s: waited for %s so far%s",
				       sp->name, dur(d, sizeof(d), sp->first_t_ns - sp->begin_ns),
				       sp->killed_pid >= 0 ?
				       " by a vhost worker in vhost_worker_killed()" : "");
			break;
		}
		case KRADAR_SPAN_HB_GAP:
			tl_add(r, sp->begin_ns, false, KRADAR_TL_PROBE, "heartbeat_gap", -1,
			       true, "%s", sp->name);
			break;
		case KRADAR_SPAN_STUCK:
		case KRADAR_SPAN_HUNG:
			tl_stuck(r, sp);
			break;
		default:
			break;
		}
	}
	/* by time; on ties in the order added */
	qsort(r->tl, r->nr_tl, sizeof(*r->tl), tl_cmp);
}

/* ---- narrative ---- */

static void say(struct kradar_run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(struct kradar_run *r, const char *fmt, ...)
{
	va_list ap;

	if (r->nr_narrative >= r->cap_narrative) {
		size_t ncap = r->cap_narrative ? r->cap_narrative * 2 : 16;
		void *p;

		if (r->nr_narrative >= 64)
			return;
		p = realloc(r->narrative, ncap * sizeof(*r->narrative));
		if (!p)
			return;
		r->narrative = p;
		r->cap_narrative = ncap;
	}
	va_start(ap, fmt);
	vsnprintf(r->narrative[r->nr_narrative++], sizeof(r->narrative[0]), fmt, ap);
	va_end(ap);
}

/* The probe's anomalies, earliest first by begin time. */
static const struct kradar_span *first_span(const struct kradar_run *r, int kind_mask,
					    int64_t before)
{
	const struct kradar_span *best = NULL;
	size_t i;

	for (i = 0; i < r->nr_spans; i++) {
		const struct kradar_span *sp = &r->spans[i];

		if (!(kind_mask & (1 << sp->kind)) || sp->begin_ns > before)
			continue;
		if (!best || sp->begin_ns < best->begin_ns)
			best = sp;
	}
	return best;
}

static const char *span_desc(char *buf, size_t sz, const struct kradar_span *sp)
{
	char d[32];

	switch (sp->kind) {
	case KRADAR_SPAN_STORM:
		snprintf(buf, sz, "an hrtimer storm of %s on CPU %d (peak %.0f callbacks/s)",
			 sp->name, sp->cpu, sp->value);
		break;
	case KRADAR_SPAN_QS_GAP:
		snprintf(buf, sz, "CPU %d without an RCU quiescent state (for %s)",
			 sp->cpu, dur(d, sizeof(d), (int64_t)(sp->value * 1e6)));
		break;
	case KRADAR_SPAN_GP_STALL:
		snprintf(buf, sz, "a stalled RCU grace period (%s)",
			 dur(d, sizeof(d), (int64_t)(sp->value * 1e6)));
		break;
	case KRADAR_SPAN_LOCK:
		snprintf(buf, sz, "%s held by %s:%d for %s%s", sp->name,
			 sp->task[0] ? sp->task : "?", sp->pid,
			 sp->held_exact ? "" : ">= ",
			 dur(d, sizeof(d), (int64_t)(sp->value * 1e6)));
		break;
	case KRADAR_SPAN_STUCK:
	case KRADAR_SPAN_HUNG:
		stuck_desc(buf, sz, sp, false);
		break;
	default:
		snprintf(buf, sz, "%s", sp->name);
	}
	return buf;
}

/* Does a report frame name this function ("func [mod]" or "func")? */
static bool frames_name(const struct kradar_serial_report *rep, const char *fn)
{
	char base[KRADAR_RUN_NAME_LEN];
	int i;

	str_copy(base, sizeof(base), fn);
	base[strcspn(base, " +")] = 0;
	if (!base[0])
		return false;
	for (i = 0; i < rep->nr_frames; i++)
		if (!strcmp(rep->frames[i].func, base))
			return true;
	return false;
}

static bool cpu_in_storm(const struct kradar_run *r, int cpu, int64_t before,
			 const struct kradar_span **storm)
{
	size_t i;

	if (cpu < 0)
		return false;
	for (i = 0; i < r->nr_spans; i++) {
		const struct kradar_span *sp = &r->spans[i];

		if (sp->kind == KRADAR_SPAN_STORM && sp->cpu == cpu && sp->begin_ns <= before) {
			*storm = sp;
			return true;
		}
	}
	return false;
}

/* The console's first hung-task report on a waiter of lock span @lk. */
static const struct kradar_serial_event *lock_hung(const struct kradar_run *r,
						   const struct kradar_span *lk)
{
	size_t i, n = r->console ? kradar_serial__nr_events(r->console) : 0;

	for (i = 0; i < n; i++) {
		const struct kradar_serial_event *e = kradar_serial__event(r->console, i);

		if (e->kind != KRADAR_EV_HUNG_TASK)
			continue;
		if (e->pid >= 0 && (e->pid == lk->waiter_pid || e->pid == lk->killed_pid))
			return e;
		/* records without waiter pids: by name */
		if (lk->waiter_pid < 0 && lk->waiter[0] && !strcmp(e->comm, lk->waiter))
			return e;
	}
	return NULL;
}

/* The lock part of the narrative: the longest hold, and who hung on it. */
static void narrate_lock(struct kradar_run *r, const struct kradar_span *lk)
{
	const struct kradar_serial_event *hung = lock_hung(r, lk), *own = NULL;
	size_t i, n = r->console ? kradar_serial__nr_events(r->console) : 0;
	char d[32], t1[48], t2[48], w[128];
	const char *holder = lk->task[0] ? lk->task : "?";

	say(r, "Longest lock hold: %s by %s:%d (state %s%s%s) for %s%s, %d "
	       "waiter(s)%s.", lk->name, holder, lk->pid,
	    lk->state[0] ? lk->state : "?", lk->nr_frames ? ", in " : "",
	    lk->nr_frames ? lk->frames[0] : "", lk->held_exact ? "" : ">= ",
	    dur(d, sizeof(d), (int64_t)(lk->value * 1e6)), lk->nr_waiters,
	    lock_waiter(w, sizeof(w), lk));
	if (!hung)
		return;
	if (lk->killed_pid >= 0 && hung->pid == lk->killed_pid)
		say(r, "The hung task %s:%d is a vhost worker whose owner was killed: "
		       "in vhost_worker_killed() it waits for %s, which %s:%d holds.",
		    hung->comm, hung->pid, lk->name, holder, lk->pid);
	else
		say(r, "The hung task %s:%d is a waiter of %s, which %s:%d holds.",
		    hung->comm, hung->pid, lk->name, holder, lk->pid);
	if (lk->first_t_ns >= 0 && hung->pos.has_time) {
		int64_t ht = (int64_t)hung->pos.time_ns;

		if (lk->first_t_ns <= ht)
			say(r, "The probe reported that wait at %s, %s before the "
			       "kernel's hung-task report at %s.",
			    ptime(t1, sizeof(t1), lk->first_t_ns),
			    dur(d, sizeof(d), ht - lk->first_t_ns), ptime(t2, sizeof(t2), ht));
		else
			say(r, "The probe reported that wait at %s, %s after the "
			       "kernel's hung-task report at %s.",
			    ptime(t1, sizeof(t1), lk->first_t_ns),
			    dur(d, sizeof(d), lk->first_t_ns - ht), ptime(t2, sizeof(t2), ht));
	}
	for (i = 0; i < n && !own; i++) {
		const struct kradar_serial_event *e = kradar_serial__event(r->console, i);

		if (e->kind == KRADAR_EV_HUNG_MUTEX_OWNER && e->pid == hung->pid)
			own = e;
	}
	if (own && own->owner_pid == lk->pid)
		say(r, "The kernel names the same likely owner, %s:%d.",
		    own->owner_comm, own->owner_pid);
	else if (own)
		say(r, "The kernel names %s:%d as the likely owner; the probe saw %s:%d "
		       "hold it.", own->owner_comm, own->owner_pid, holder, lk->pid);
	if (!strcmp(lk->state, "S"))
		say(r, "The holder sleeps interruptibly (state S): the hung-task "
		       "detector never reports such a task as hung, only its waiter.");
}

/* What the kernel's line @e about a stuck CPU or hung task is. */
static const char *console_what(const struct kradar_serial_event *e)
{
	switch (e->kind) {
	case KRADAR_EV_SOFT_LOCKUP:
		return "soft-lockup report";
	case KRADAR_EV_HARD_LOCKUP:
		return "hard-lockup report";
	case KRADAR_EV_RT_THROTTLING:
		return "RT-throttling warning";
	case KRADAR_EV_RCU_STALL:
		return "RCU stall report";
	case KRADAR_EV_HUNG_TASK:
		return "hung-task report";
	default:
		return kradar_serial__event_name(e->kind);
	}
}

/*
 * One stuck CPU or hung task: what it was, when kradar reported it, and
 * its lead over the kernel's own line about it, with the syzkaller title
 * of the report that line opened.
 */
static void narrate_one(struct kradar_run *r, const struct kradar_span *sp)
{
	const struct kradar_serial_report *rep;
	const struct kradar_serial_event *e = kradar_span__console(r, sp, &rep);
	char desc[2 * KRADAR_RUN_TEXT_LEN], t1[48], t2[48], d[32], how[KRADAR_SERIAL_TITLE_LEN + 64];
	int64_t lead;

	stuck_desc(desc, sizeof(desc), sp, true);
	if (sp->first_t_ns < 0) {
		say(r, "%s.", desc);
		return;
	}
	ptime(t1, sizeof(t1), sp->first_t_ns);
	if (!e || !kradar_span__lead_ns(r, sp, &lead)) {
		say(r, "%s; kradar reported it at %s; the console has no %s for it.", desc, t1,
		    sp->kind == KRADAR_SPAN_HUNG ? "hung-task report" : "watchdog line");
		return;
	}
	if (rep)
		snprintf(how, sizeof(how), "title: %s", rep->title);
	else
		snprintf(how, sizeof(how), "\"%s\", with no crash report: no syzkaller title",
			 e->text);
	ptime(t2, sizeof(t2), (int64_t)e->pos.time_ns);
	say(r, "%s; kradar reported it at %s, %s %s the kernel's %s at %s (%s).", desc, t1,
	    dur(d, sizeof(d), lead < 0 ? -lead : lead), lead < 0 ? "after" : "before",
	    console_what(e), t2, how);
}

static void narrate_stuck(struct kradar_run *r)
{
	size_t i, nhung = 0;

	for (i = 0; i < r->nr_spans; i++)
		if (r->spans[i].kind == KRADAR_SPAN_STUCK)
			narrate_one(r, &r->spans[i]);
	for (i = 0; i < r->nr_spans; i++) {
		if (r->spans[i].kind != KRADAR_SPAN_HUNG)
			continue;
		if (nhung++ < KRADAR_RUN_NARRATE_HUNG)
			narrate_one(r, &r->spans[i]);
	}
	if (nhung > KRADAR_RUN_NARRATE_HUNG)
		say(r, "%zu more hung tasks (report.json lists them).",
		    nhung - KRADAR_RUN_NARRATE_HUNG);
}

static void narrate(struct kradar_run *r)
{
	const int anomalies = (1 << KRADAR_SPAN_STORM) | (1 << KRADAR_SPAN_QS_GAP) |
			      (1 << KRADAR_SPAN_GP_STALL) | (1 << KRADAR_SPAN_LOCK) |
			      (1 << KRADAR_SPAN_STUCK) | (1 << KRADAR_SPAN_HUNG);
	const struct kradar_serial_report *rep = kradar_run__report(r), *crep;
	const struct kradar_serial_event *warn = NULL, *slow = NULL, *hung;
	const struct kradar_span *first, *storm = NULL;
	size_t i, n = r->console ? kradar_serial__nr_events(r->console) : 0;
	size_t nint = 0, nstarved = 0, nund = 0;
	char t1[48], t2[48], d[32], desc[KRADAR_RUN_TEXT_LEN];
	int64_t warn_t = -1;

	for (i = 0; i < n; i++) {
		const struct kradar_serial_event *e = kradar_serial__event(r->console, i);

		if (!e->pos.has_time)
			continue;
		if (!warn && kradar_serial__event_is_finding(e->kind))
			warn = e;
		if (!slow && e->kind == KRADAR_EV_HRTIMER_SLOW)
			slow = e;
	}
	if (warn)
		warn_t = (int64_t)warn->pos.time_ns;
	if (rep && rep->start.has_time && (warn_t < 0 || (int64_t)rep->start.time_ns < warn_t))
		warn_t = (int64_t)rep->start.time_ns;
	r->first_warning_ns = warn_t;

	/* 1: what came first */
	first = first_span(r, anomalies, INT64_MAX);
	if (first) {
		r->first_anomaly_ns = first->begin_ns;
		r->first_anomaly_cpu = first->cpu;
		say(r, "First anomaly: %s, at %s (probe).",
		    span_desc(desc, sizeof(desc), first), ptime(t1, sizeof(t1), first->begin_ns));
	} else if (kradar_run__probe_data(r)) {
		say(r, "The probe saw no anomaly (no hrtimer storm, RCU gap, lock hold, "
		       "stuck CPU or hung task).");
	} else if (r->have_events) {
		say(r, "No probe record reached the collector (no HELLO, no heartbeat): "
		       "the probe was not loaded or its port never connected, so the "
		       "probe's side is unknown, not clean.");
	} else {
		say(r, "No probe records (events.jsonl absent or empty): the timeline "
		       "has the console and the runner only.");
	}
	/* 2: how long before the kernel's own warning, and its report */
	if (slow || warn_t >= 0) {
		int64_t st = slow ? (int64_t)slow->pos.time_ns : INT64_MAX;
		const char *stext = slow ? slow->text : NULL;

		if (warn_t >= 0 && warn_t < st) {
			st = warn_t;
			stext = warn ? warn->text : rep->first_line;
			if (rep && rep->start.has_time && (int64_t)rep->start.time_ns == warn_t)
				stext = rep->first_line;
		}
		if (first && first->begin_ns <= st)
			say(r, "The kernel's own first warning came %s after it, at %s: \"%s\".",
			    dur(d, sizeof(d), st - first->begin_ns), ptime(t2, sizeof(t2), st),
			    stext);
		else if (first)
			say(r, "The kernel warned first, at %s (%s before the probe's first "
			       "anomaly): \"%s\".", ptime(t2, sizeof(t2), st),
			    dur(d, sizeof(d), first->begin_ns - st), stext);
		else
			say(r, "The kernel's first warning: \"%s\" at %s.", stext,
			    ptime(t2, sizeof(t2), st));
		if (warn_t >= 0 && warn_t != st) {
			const char *what = warn ? warn->text : rep->first_line;

			if (rep && rep->start.has_time && (int64_t)rep->start.time_ns == warn_t)
				what = rep->first_line;
			if (first && first->begin_ns <= warn_t)
				say(r, "Its stall/crash report followed at %s, %s after the "
				       "first anomaly: \"%s\".", ptime(t1, sizeof(t1), warn_t),
				    dur(d, sizeof(d), warn_t - first->begin_ns), what);
			else
				say(r, "Its stall/crash report followed at %s: \"%s\".",
				    ptime(t1, sizeof(t1), warn_t), what);
		}
	}
	if (warn_t < 0 && r->have_serial)
		say(r, "The console shows no stall or crash report%s.",
		    slow ? " (a slow hrtimer interrupt is a warning, not a crash)" : "");

	/* 3: is the reported stack the cause, or where it was noticed? */
	if (rep) {
		const struct kradar_span *cause = first_span(r, anomalies,
			rep->start.has_time ? (int64_t)rep->start.time_ns : INT64_MAX);
		const char *frame = rep->guilty_frame[0] ? rep->guilty_frame : "(no frame)";

		if (!strcmp(frame, "corrupted") && cause) {
			char who[32] = "";

			if (rep->cpu >= 0)
				snprintf(who, sizeof(who), " (CPU %d)", rep->cpu);
			say(r, "The report's stack%s has no frame outside interrupt "
			       "handling, hence \"corrupted\" in its title: it tells "
			       "nothing of the cause. The probe saw first %s, since %s.",
			    who, span_desc(desc, sizeof(desc), cause),
			    ptime(t1, sizeof(t1), cause->begin_ns));
		} else if (cause && cause->kind == KRADAR_SPAN_STORM && frames_name(rep, cause->name)) {
			say(r, "The report's stack contains %s, the storm callback: the "
			       "reported stack shows the cause.", cause->name);
		} else if (cause && rep->cpu >= 0 && cause->cpu >= 0 && rep->cpu != cause->cpu) {
			say(r, "The report names %s on CPU %d, but the anomaly began %s "
			       "earlier on CPU %d (%s): %s is where the stall was noticed, "
			       "not its cause.", frame, rep->cpu,
			    dur(d, sizeof(d), (int64_t)rep->start.time_ns - cause->begin_ns),
			    cause->cpu, span_desc(desc, sizeof(desc), cause), frame);
		} else if (cause && cause->kind == KRADAR_SPAN_STUCK && rep->cpu == cause->cpu) {
			say(r, "The report's stack (%s) is from CPU %d, which the probe saw "
			       "stuck since %s (%s): it shows the code that %s.", frame,
			    rep->cpu, ptime(t1, sizeof(t1), cause->begin_ns),
			    kradar_stuck__kind_name(cause->stuck),
			    cause->stuck == KRADAR_STUCK_IRQS_OFF ?
			    "kept interrupts off there" : cause->stuck == KRADAR_STUCK_RT_HOG ?
			    "the RT task ran there" : "kept the CPU from scheduling");
		} else if (cause && rep->cpu >= 0 && rep->cpu == cause->cpu) {
			bool st = cause->kind == KRADAR_SPAN_STORM;

			say(r, "The report's stack (%s) is from CPU %d, where %s had been "
			       "going on since %s: %s is only the code %s interrupted "
			       "there, where the stall was noticed; %s is the cause.",
			    frame, rep->cpu, span_desc(desc, sizeof(desc), cause),
			    ptime(t1, sizeof(t1), cause->begin_ns), frame,
			    st ? "the storm" : "the anomaly", st ? "the storm" : "the anomaly");
		} else if (cause && cause->kind == KRADAR_SPAN_LOCK && rep->cls == KRADAR_CLASS_HANG &&
			   (hung = lock_hung(r, cause)) && hung->pos.line == rep->start.line) {
			say(r, "The report's stack (%s) is that of %s:%d, a waiter of %s, "
			       "which the probe saw held by %s:%d since %s, %s before the "
			       "report: %s only waits; the holder is where the hang comes from.",
			    frame, hung->comm, hung->pid, cause->name,
			    cause->task[0] ? cause->task : "?", cause->pid,
			    ptime(t1, sizeof(t1), cause->begin_ns),
			    rep->start.has_time ?
			    dur(d, sizeof(d), (int64_t)rep->start.time_ns - cause->begin_ns) : "?",
			    frame);
		} else if (cause && cause->kind == KRADAR_SPAN_HUNG &&
			   kradar_span__console(r, cause, &crep) && crep == rep) {
			say(r, "The report's stack (%s) is that of %s:%d, which the probe "
			       "saw asleep in D since %s, %s before the report.", frame,
			    cause->task, cause->pid, ptime(t1, sizeof(t1), cause->begin_ns),
			    rep->start.has_time ?
			    dur(d, sizeof(d), (int64_t)rep->start.time_ns - cause->begin_ns) : "?");
		} else if (cause) {
			say(r, "The report (%s) does not say its CPU; the probe's anomaly "
			       "(%s) began %s before it.", frame,
			    span_desc(desc, sizeof(desc), cause),
			    rep->start.has_time ?
			    dur(d, sizeof(d), (int64_t)rep->start.time_ns - cause->begin_ns) : "?");
		} else {
			say(r, "No probe anomaly precedes the report: the console is the "
			       "only evidence for %s.", frame);
		}
	}

	/* 4: stuck CPUs and hung tasks, and the kernel's own report of them */
	narrate_stuck(r);

	/* 5: who held up RCU: the longest gap, and how many there were */
	{
		const struct kradar_span *sp = NULL;
		char more[64] = "";
		int gaps = 0;

		for (i = 0; i < r->nr_spans; i++) {
			if (r->spans[i].kind != KRADAR_SPAN_QS_GAP)
				continue;
			gaps++;
			if (!sp || r->spans[i].value > sp->value)
				sp = &r->spans[i];
		}
		if (gaps > 1)
			snprintf(more, sizeof(more), " (the longest of %d gaps)", gaps);
		if (sp && cpu_in_storm(r, sp->cpu, sp->end_ns, &storm))
			say(r, "CPU %d, the storm CPU (%s), held up RCU: no quiescent "
			       "state for %s%s%s%s.", sp->cpu, storm->name,
			    dur(d, sizeof(d), (int64_t)(sp->value * 1e6)), more,
			    sp->top[0] ? "; its busiest hrtimer was " : "", sp->top);
		else if (sp)
			say(r, "CPU %d held up RCU: no quiescent state for %s%s%s%s%s%s.",
			    sp->cpu, dur(d, sizeof(d), (int64_t)(sp->value * 1e6)),
			    more, sp->task[0] ? ", running " : "", sp->task,
			    sp->top[0] ? "; busiest hrtimer " : "", sp->top);
	}
	for (i = 0; i < n; i++) {
		const struct kradar_serial_event *e = kradar_serial__event(r->console, i);

		if ((e->kind != KRADAR_EV_RCU_STALL && e->kind != KRADAR_EV_RCU_STARVED) ||
		    !e->pos.has_time)
			continue;
		storm = NULL;
		if (cpu_in_storm(r, e->cpu, (int64_t)e->pos.time_ns, &storm))
			say(r, "The kernel names CPU %d in its RCU report (%s), the CPU of "
			       "the %s storm since %s: the storm CPU held up RCU.",
			    e->cpu, kradar_serial__event_name(e->kind), storm->name,
			    ptime(t1, sizeof(t1), storm->begin_ns));
		else if (e->cpu >= 0)
			say(r, "The kernel names CPU %d in its RCU report (%s).", e->cpu,
			    kradar_serial__event_name(e->kind));
		break;
	}

	for (i = 0; i < n; i++) {
		const struct kradar_serial_event *e = kradar_serial__event(r->console, i);
		int64_t et = (int64_t)e->pos.time_ns;
		size_t k;

		if (e->kind != KRADAR_EV_RCU_STALL || !e->pos.has_time)
			continue;
		for (k = 0; k < r->nr_spans; k++) {
			const struct kradar_span *sp = &r->spans[k];

			if (sp->kind == KRADAR_SPAN_GP_STALL && sp->begin_ns <= et &&
			    sp->end_ns + 1000000000LL >= et) {
				say(r, "The probe saw that grace period stall from %s, %s "
				       "before the kernel's RCU stall report.",
				    ptime(t1, sizeof(t1), sp->begin_ns),
				    dur(d, sizeof(d), et - sp->begin_ns));
				break;
			}
		}
		break;
	}

	/* 6: locks */
	{
		const struct kradar_span *lk = NULL;

		for (i = 0; i < r->nr_spans; i++)
			if (r->spans[i].kind == KRADAR_SPAN_LOCK &&
			    (!lk || r->spans[i].value > lk->value))
				lk = &r->spans[i];
		if (lk)
			narrate_lock(r, lk);
	}

	/* 7: host or guest */
	for (i = 0; i < r->nr_stalls; i++) {
		nint += r->stalls[i].verdict == KRADAR_GUEST_INTERNAL;
		nstarved += r->stalls[i].verdict == KRADAR_STARVED_BY_HOST;
		nund += r->stalls[i].verdict == KRADAR_UNDETERMINED;
	}
	if (r->nr_stalls)
		say(r, "Stall windows: %zu guest-internal, %zu starved by host, %zu "
		       "undetermined.", nint, nstarved, nund);
	for (i = 0; i < r->nr_stalls; i++)
		if (r->stalls[i].verdict == KRADAR_STARVED_BY_HOST) {
			say(r, "Starved by host: %s %s..%s: %s.", r->stalls[i].source,
			    ptime(t1, sizeof(t1), r->stalls[i].begin_ns),
			    ptime(t2, sizeof(t2), r->stalls[i].end_ns), r->stalls[i].reason);
			break;
		}
	if (r->lost_records)
		say(r, "%" PRIu64 " probe records were lost: the timeline has holes.",
		    r->lost_records);
	if (r->offset_estimated)
		say(r, "Host times are placed with an estimated clock offset (no "
		       "heartbeats with receive times).");
}

bool kradar_run__finding(const struct kradar_run *r)
{
	size_t i, n = r->console ? kradar_serial__nr_events(r->console) : 0;

	if (kradar_run__report(r))
		return true;
	for (i = 0; i < n; i++)
		if (kradar_serial__event_is_finding(kradar_serial__event(r->console, i)->kind))
			return true;
	for (i = 0; i < r->nr_spans; i++)
		if (r->spans[i].kind != KRADAR_SPAN_HB_GAP)
			return true;
	return r->nr_stalls > 0;
}

bool kradar_run__probe_data(const struct kradar_run *r)
{
	return r->records > 0;
}

int kradar_run__exit_code(const struct kradar_run *r)
{
	if (kradar_run__finding(r))
		return 1;
	return kradar_run__probe_data(r) ? 0 : 3;
}

int kradar_run__analyse(struct kradar_run *r)
{
	/* heartbeats in guest-time order (one boot: local_clock is monotonic) */
	size_t i;

	for (i = 1; i < r->nr_hb; i++)
		if (r->hb[i].t_ns < r->hb[i - 1].t_ns) {
			/* a reboot or garbage: keep only the monotonic prefix */
			r->dropped += r->nr_hb - i;
			r->nr_hb = i;
			break;
		}
	compute_offset(r);
	infer_hz(r);
	find_hb_gaps(r);
	find_stalls(r);
	tie_console(r);
	build_timeline(r);
	narrate(r);
	return 0;
}
